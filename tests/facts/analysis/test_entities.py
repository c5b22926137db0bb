"""Named entities and quantities."""

from __future__ import annotations

import pytest

from facts.analysis.entities import Entity, find_entities, find_quantities
from facts.analysis.sentences import split_sentences
from facts.documents import decode_document, parse_document, split_paragraphs
from tests.helpers import REPO_ROOT

CORPUS = REPO_ROOT / "facts" / "data" / "corpus"
SAMPLE = CORPUS / "north-korean-troops-in-kursk.txt"


def pairs(text: str) -> list[tuple[str, str]]:
    found = find_entities(text)
    for e in found:
        assert text[e.start : e.end] == e.text
    return [(e.text, e.kind) for e in found]


def test_entity_offsets_and_order() -> None:
    text = "Mayor Anne Hidalgo met Chilean officials in Lyon."
    found = find_entities(text)
    assert found == [
        Entity(6, 18, "Anne Hidalgo", "person"),
        Entity(23, 30, "Chilean", "nationality"),
        Entity(44, 48, "Lyon", "place"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "German Chancellor Olaf Scholz met Secretary of State Antony Blinken in Berlin.",
            [
                ("German", "nationality"),
                ("Olaf Scholz", "person"),
                ("Antony Blinken", "person"),
                ("Berlin", "place"),
            ],
        ),
        (
            "Kenya’s Ministry of Health said the World Health Organization sent staff to Mombasa County.",
            [
                ("Kenya", "place"),
                ("Ministry of Health", "org"),
                ("World Health Organization", "org"),
                ("Mombasa County", "place"),
            ],
        ),
        (
            "Police spokesperson Lerato Dlamini said the Tshwane region was calm.",
            [("Police", "org"), ("Lerato Dlamini", "person"), ("Tshwane", "place")],
        ),
        (
            "The Brazilian Navy and Petrobras Inc. signed a deal with the University of Sao Paulo.",
            [("Brazilian Navy", "org"), ("Petrobras Inc.", "org"), ("University of Sao Paulo", "org")],
        ),
        (
            "Brazilian President Luiz Inácio Lula da Silva thanked Ursula von der Leyen.",
            [
                ("Brazilian", "nationality"),
                ("Luiz Inácio Lula da Silva", "person"),
                ("Ursula von der Leyen", "person"),
            ],
        ),
        (
            "In Ohio, Gov. Mike DeWine and the NTSB reviewed the crash.",
            [("Ohio", "place"), ("Mike DeWine", "person"), ("NTSB", "org")],
        ),
    ],
)
def test_kinds_on_made_up_news(text: str, expected: list[tuple[str, str]]) -> None:
    assert pairs(text) == expected


def test_sentence_initial_function_words_months_and_weekdays_are_skipped() -> None:
    assert pairs("However, on Monday in March the Senate voted.") == [("Senate", "org")]
    assert pairs("Speculation grew despite the rain.") == []


def test_surname_of_a_person_named_earlier_is_a_person() -> None:
    text = "Finance Minister Ama Owusu spoke first. Later Owusu left."
    assert ("Owusu", "person") in pairs(text)


def test_single_name_before_a_speech_verb_is_a_person() -> None:
    assert pairs("Okonkwo said the vote was fair.") == [("Okonkwo", "person")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("About 1,000 troops crossed.", ["About 1,000 troops"]),
        ("The fund lost $1.2 billion and 3.5 percent of its value.", ["$1.2 billion", "3.5 percent"]),
        ("It lasted nearly 32 months.", ["nearly 32 months"]),
        ("Several thousand Chilean workers and 10,000 others struck.", ["Several thousand", "10,000 others"]),
        ("Tens of thousands of people fled; dozens died.", ["Tens of thousands of people", "dozens"]),
        ("More than 40% voted; two nations abstained.", ["More than 40%", "two nations"]),
        ("A 32-year-old man was held.", ["32-year-old man"]),
    ],
)
def test_quantities(text: str, expected: list[str]) -> None:
    found = find_quantities(text)
    assert [q.text for q in found] == expected
    assert all(q.kind == "number" and text[q.start : q.end] == q.text for q in found)


@pytest.mark.parametrize(
    "text",
    [
        "On October 24, 2024 nothing happened.",
        "It began in 2022 and ended on 3 May.",
        "The 2022 invasion; F-16 jets; COVID-19 cases.",
        "If one party is attacked, someone must help.",
        "It happened three days ago.",
    ],
)
def test_dates_and_non_quantities_are_not_numbers(text: str) -> None:
    assert find_quantities(text) == []


def test_numbers_are_entities_too() -> None:
    assert ("about 300 people", "number") in pairs("Police said about 300 people gathered in Quito.")


def _sample_entities() -> list[list[tuple[str, str]]]:
    text = decode_document(SAMPLE.read_bytes(), SAMPLE.name)
    paras = split_paragraphs(parse_document(text, SAMPLE.name).text)
    return [pairs(p.text[s:e]) for p in paras for s, e in split_sentences(p.text)]


def test_sample_document_entities() -> None:
    found = {pair for sentence in _sample_entities() for pair in sentence}
    for pair in [
        ("Kursk", "place"),  # not in the gazetteer: typed by the following "region"
        ("Vladimir Putin", "person"),
        ("Kim Jong Un", "person"),
        ("Lloyd Austin", "person"),
        ("Sabrina Singh", "person"),
        ("Volodymyr Zelenskiy", "person"),
        ("State Duma", "org"),
        ("National Intelligence Service", "org"),
        ("Institute for the Study of War", "org"),
        ("Kremlin", "org"),
        ("Pentagon", "org"),
        ("Russian Navy", "org"),
        ("North Korean", "nationality"),
        ("South Korea", "place"),
        ("Pyongyang", "place"),
        ("nearly 32 months", "number"),
        ("several thousand", "number"),
    ]:
        assert pair in found, pair
    kinds = {text: kind for text, kind in found}
    assert "October" not in kinds and "June" not in kinds and "August" not in kinds
