"""Date expressions: finding, resolving per sentence, and picking a "when" answer."""

from __future__ import annotations

from datetime import date

import pytest

from facts.analysis.dates import DateMention, find_date_answer, find_dates, resolve_sentence_dates
from facts.analysis.sentences import split_sentences
from facts.documents import decode_document, parse_document, split_paragraphs
from tests.helpers import REPO_ROOT

CORPUS = REPO_ROOT / "facts" / "data" / "corpus"
SAMPLE = CORPUS / "north-korean-troops-in-kursk.txt"
REF = date(2024, 10, 25)  # a Friday


def one(text: str, reference: date | None = REF) -> tuple[str, str | None, str]:
    mentions = find_dates(text, reference=reference)
    assert len(mentions) == 1, mentions
    m = mentions[0]
    assert text[m.start : m.end] == m.text
    return m.text, m.iso, m.granularity


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It began on October 24.", ("October 24", "2024-10-24", "day")),
        ("It began Oct. 24, 2024, at dawn.", ("Oct. 24, 2024", "2024-10-24", "day")),
        ("Signed 24 October 2024 in Minsk.", ("24 October 2024", "2024-10-24", "day")),
        ("Filed 2023-02-28 by the clerk.", ("2023-02-28", "2023-02-28", "day")),
        ("Held on Tuesday, March 5, 2024.", ("Tuesday, March 5, 2024", "2024-03-05", "day")),
        ("Born on the 3rd of May 1990.", ("the 3rd of May 1990", "1990-05-03", "day")),
        ("Talks ran from October 8 to October 13.", ("October 8 to October 13", "2024-10-08", "range")),
        ("Talks ran Sept. 8-13, 2023.", ("Sept. 8-13, 2023", "2023-09-08", "range")),
        ("Polls open between May 2 and May 9.", ("between May 2 and May 9", "2024-05-02", "range")),
        ("The festival runs 8-13 July 2022.", ("8-13 July 2022", "2022-07-08", "range")),
        ("The drought lasted from 2019 to 2021.", ("from 2019 to 2021", "2019", "range")),
        ("It was agreed in June.", ("June", "2024-06", "month")),
        ("It was agreed in November.", ("November", "2023-11", "month")),
        ("Troops crossed in February 2022.", ("February 2022", "2022-02", "month")),
        ("Prices peaked in mid-August 2021.", ("mid-August 2021", "2021-08", "month")),
        ("The wall fell in 1989.", ("1989", "1989", "year")),
        ("Not seen since 1990 there.", ("1990", "1990", "year")),
        ("He spoke on Thursday.", ("Thursday", "2024-10-24", "day")),
        ("He spoke on Friday.", ("Friday", "2024-10-25", "day")),
        ("He spoke last Friday.", ("last Friday", "2024-10-18", "day")),
        ("He speaks next Monday.", ("next Monday", "2024-10-28", "day")),
        ("The vote was yesterday.", ("yesterday", "2024-10-24", "day")),
        ("The vote is today.", ("today", "2024-10-25", "day")),
        ("Clashes erupted last night.", ("last night", "2024-10-24", "day")),
        ("Last week, the agency said so.", ("Last week", "2024-10-14", "range")),
        ("Shares fell last month.", ("last month", "2024-09", "month")),
        ("Output rose last year.", ("last year", "2023", "year")),
        ("It opened earlier this month.", ("earlier this month", "2024-10", "month")),
        ("It closed three days ago.", ("three days ago", "2024-10-22", "day")),
    ],
)
def test_find_dates(text: str, expected: tuple[str, str | None, str]) -> None:
    assert one(text) == expected


def test_yearless_date_far_after_reference_is_last_year() -> None:
    assert one("The ruling of December 12 stands.", date(2025, 1, 10))[1] == "2024-12-12"
    assert one("It happened on October 28.", REF)[1] == "2024-10-28"  # within a few days
    assert one("It happened on November 20.", REF)[1] == "2023-11-20"


def test_without_reference_yearless_and_relative_dates_have_no_iso() -> None:
    assert one("On October 24 it rained.", None) == ("October 24", None, "day")
    assert one("It rained yesterday.", None) == ("yesterday", None, "day")
    assert one("It rained in June.", None) == ("June", None, "month")
    assert one("It rained on October 24, 2024.", None)[1] == "2024-10-24"


def test_anaphoric_mentions_carry_an_offset() -> None:
    found = find_dates("On the same day, and the next day, and two days later.", reference=REF)
    assert [(m.text, m.iso, m.relative_days) for m in found] == [
        ("the same day", None, 0),
        ("the next day", None, 1),
        ("two days later", None, 2),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "She may resign, he said.",
        "Some 2,000 troops arrived.",
        "Unemployment is 4.5 percent.",
        "March toward the capital.",
        "The day before the vote was calm.",
        "Flight 1990 landed safely.",
        "He won 31 to 12.",
    ],
)
def test_not_dates(text: str) -> None:
    assert find_dates(text, reference=REF) == []


def test_impossible_dates_are_ignored() -> None:
    assert find_dates("Filed 2023-02-30 here.", reference=REF) == []
    assert find_dates("On February 30 nothing happened.", reference=REF) == []


def test_several_mentions_in_order() -> None:
    text = "Between the raid on 5 March 2023 and the trial in June, since 2020, prices rose."
    found = find_dates(text, reference=REF)
    assert [m.text for m in found] == ["5 March 2023", "June", "2020"]


# --- resolve_sentence_dates --------------------------------------------------------------------


def test_resolve_relative_to_previous_sentence_and_document() -> None:
    sentences = [
        "Floods hit Porto Alegre on May 3, 2024.",
        "Rescuers arrived the next day.",
        "The governor spoke.",
        "On the same day, the army deployed boats.",
        "Yesterday, the river began to fall.",
        "Aid groups have worked in the region since 2019.",
    ]
    got = resolve_sentence_dates(sentences, document_date=date(2024, 5, 10))
    assert got == ["2024-05-03", "2024-05-04", None, "2024-05-04", "2024-05-09", None]


def test_resolve_prefers_a_day_over_a_subordinate_year_or_since() -> None:
    sentences = [
        "The treaty, first drafted in 2019, was signed on March 14.",
        "Since October 1, 2023, the border has been closed to trucks on January 5.",
        "Prices have doubled since April 2, 2022.",
    ]
    got = resolve_sentence_dates(sentences, document_date=date(2025, 1, 20))
    assert got == ["2024-03-14", "2025-01-05", "2022-04-02"]


def test_resolve_without_document_date_uses_context_year() -> None:
    sentences = ["The summit opened on 9 July 2023.", "On July 11 leaders met.", "Yesterday it ended."]
    assert resolve_sentence_dates(sentences, document_date=None) == ["2023-07-09", "2023-07-11", None]


def test_anaphor_without_context_is_none() -> None:
    assert resolve_sentence_dates(["That day, it snowed."], document_date=REF) == [None]


def _sample_sentences() -> list[str]:
    text = decode_document(SAMPLE.read_bytes(), SAMPLE.name)
    paras = split_paragraphs(parse_document(text, SAMPLE.name).text)
    return [p.text[s:e] for p in paras for s, e in split_sentences(p.text)]


def test_sample_document_event_dates() -> None:
    sentences = _sample_sentences()
    dates = dict(zip(sentences, resolve_sentence_dates(sentences, document_date=REF), strict=True))

    def date_of(prefix: str) -> str | None:
        (match,) = [s for s in sentences if s.startswith(prefix)]
        return dates[match]

    assert date_of("On October 24, Ukraine’s defense") == "2024-10-24"
    assert date_of("Intelligence reports have indicated") == "2024-10-23"
    assert date_of("On the same day, Russia’s State Duma") == "2024-10-24"
    assert date_of("Last week, South Korea’s National Intelligence Service") == "2024-10-14"
    assert date_of("US Defense Secretary Lloyd Austin") == "2024-10-23"
    assert date_of("Ukrainian President Volodymyr Zelenskiy warned") == "2024-10-14"
    assert date_of("Putin stated that") is None  # no date expression: not inherited
    assert date_of("It had obtained images") is None  # "since 1990" is not an event date


def test_sample_same_day_follows_the_latest_context() -> None:
    sentences = _sample_sentences()
    got = resolve_sentence_dates(sentences, document_date=REF)
    i = next(i for i, s in enumerate(sentences) if s.startswith("On the same day"))
    assert got[i] == "2024-10-24"
    # with a different earlier date the same sentence follows it
    shifted = [s.replace("October 24", "October 20") for s in sentences[:i]] + sentences[i:]
    assert resolve_sentence_dates(shifted, document_date=REF)[i] == "2024-10-20"


# --- find_date_answer --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "answer", "iso"),
    [
        ("The ship was the first since 1990 to dock there.", "since 1990", "1990"),
        ("Drafted in 2019, the treaty was signed on March 14.", "March 14", "2024-03-14"),
        (
            "Last week, it tracked units from October 8 to October 13.",
            "from October 8 to October 13",
            "2024-10-08",
        ),
        ("The plan, agreed in June, was ratified in February 2022.", "February 2022", "2022-02"),
        ("Tolls stay in force until July 1, 2025.", "until July 1, 2025", "2025-07-01"),
        ("Fighting began in 2014.", "2014", "2014"),
    ],
)
def test_find_date_answer(text: str, answer: str, iso: str) -> None:
    best = find_date_answer(text, reference=REF)
    assert isinstance(best, DateMention)
    assert (best.text, best.iso) == (answer, iso)
    assert text[best.start : best.end] == best.text


def test_find_date_answer_none() -> None:
    assert find_date_answer("Nobody knows what happens next.", reference=REF) is None
