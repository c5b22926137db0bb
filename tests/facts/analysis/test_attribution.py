"""Speaker attribution."""

from __future__ import annotations

import pytest

from facts.analysis.attribution import find_speaker
from facts.analysis.sentences import split_sentences
from facts.documents import decode_document, parse_document, split_paragraphs
from tests.helpers import REPO_ROOT

CORPUS = REPO_ROOT / "facts" / "data" / "corpus"
SAMPLE = CORPUS / "north-korean-troops-in-kursk.txt"


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ("Officials said the bridge would reopen.", "Officials"),
        ("The bridge, officials said, would reopen in May.", "officials"),
        (
            "Police Chief Maria Gomez told reporters on Monday that two suspects were held.",
            "Police Chief Maria Gomez",
        ),
        ("Ms. Okafor told the BBC the vote was rigged.", "Ms. Okafor"),
        ("“We will not retreat,” said Mayor Anne Hidalgo.", "Mayor Anne Hidalgo"),
        ("The drought will worsen, said the ministry.", "the ministry"),
        ("Sen. Ana Ruiz, a Democrat from Ohio, warned that the bill would fail.", "Sen. Ana Ruiz"),
        ("Germany’s foreign ministry has repeatedly rejected the accusations.", "Germany’s foreign ministry"),
        ("On Tuesday, Chile’s central bank announced a rate cut.", "Chile’s central bank"),
        ("Rates will rise, according to Finance Minister Lars Berg.", "Finance Minister Lars Berg"),
        ("According to a statement from the Bank of Japan, rates will rise.", "the Bank of Japan"),
        ("Both Peru and Bolivia have also confirmed the outbreak.", "Peru and Bolivia"),
        (
            "The World Health Organization, which monitors outbreaks, said cases were falling.",
            "The World Health Organization",
        ),
    ],
)
def test_find_speaker_made_up_news(sentence: str, speaker: str) -> None:
    assert find_speaker(sentence) == speaker


@pytest.mark.parametrize(
    "sentence",
    [
        "Rain fell across the region.",
        "The reports were false.",
        "The company, which has denied wrongdoing, faces a fine.",
        "It said the plan was final.",
        "They told us nothing.",
        "Analysts doubt South Africa’s claims that growth will return.",
        "The plan was announced by the mayor last week, sources close to the deal are unclear.",
    ],
)
def test_no_speaker(sentence: str) -> None:
    assert find_speaker(sentence) is None


def test_pronoun_resolves_to_last_person_in_context() -> None:
    context = "Brazilian President Luiz Inácio Lula da Silva visited the dam with Governor Eduardo Leite."
    assert find_speaker("He said repairs would take a year.", context) == "Eduardo Leite"
    assert (
        find_speaker("“We will rebuild,” she told reporters.", "Mayor Ana Costa toured Recife.")
        == "Ana Costa"
    )


def test_pronoun_without_context_is_none() -> None:
    assert find_speaker("She stated that talks had failed.") is None
    assert find_speaker("He said so.", "The storm hit Recife.") is None


def _sample() -> list[str]:
    text = decode_document(SAMPLE.read_bytes(), SAMPLE.name)
    paras = split_paragraphs(parse_document(text, SAMPLE.name).text)
    return [p.text[s:e] for p in paras for s, e in split_sentences(p.text)]


def test_sample_document_speakers() -> None:
    sentences = _sample()

    def speaker(prefix: str) -> str | None:
        i = next(i for i, s in enumerate(sentences) if s.startswith(prefix))
        return find_speaker(sentences[i], sentences[i - 1] if i else None)

    assert speaker("Putin stated") in ("Putin", "Vladimir Putin")
    assert speaker("According to Austin") == "Austin"
    assert speaker("Singh stated") == "Singh"
    assert speaker("US Defense Secretary Lloyd Austin") in (
        "Lloyd Austin",
        "US Defense Secretary Lloyd Austin",
    )
    assert speaker("On October 24, Pentagon representative") in (
        "Sabrina Singh",
        "Pentagon representative Sabrina Singh",
    )
    assert speaker("On October 24, Ukraine’s defense") == "Ukraine’s defense intelligence agency"
    assert speaker("Last week, South Korea’s") == "South Korea’s National Intelligence Service"
    assert speaker("The Institute for the Study of War") == "The Institute for the Study of War"
    assert speaker("The Kremlin has previously dismissed") == "The Kremlin"
    assert speaker("Ukrainian President Volodymyr Zelenskiy") == "Ukrainian President Volodymyr Zelenskiy"
    assert speaker("However, Pyongyang, which has denied") is None
    assert speaker("The interpretation of this clause") is None


def test_speaker_is_a_substring_of_the_sentence() -> None:
    for sentence in _sample():
        found = find_speaker(sentence)
        assert found is None or found in sentence
