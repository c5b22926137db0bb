"""A deterministic generator of synthetic news-like fact corpora and paraphrased questions.

Facts are sentences of 15-40 words built from people (first names x surnames), places (the
gazetteer's cities plus invented towns), organisations, dates, numbers and a Zipf-distributed
content vocabulary (a few hundred real news words at the head, invented words in the long tail,
so the vocabulary keeps growing with N as a real corpus does). Sentences are grouped into
documents of 20-60 sentences with a title and a publication date.

Questions paraphrase a known target sentence: the answer part is dropped, a question word is
put in front, some words are dropped, a phrase is moved, one word gets a typo and one word is
abbreviated when the sentence has one that can be.

Everything comes from ``random.Random(seed)``: the same arguments give the same corpus, and a
smaller corpus is a prefix of a larger one (documents are generated as a stream).
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

SEED = 20241025
GENERATOR_VERSION = 1

_FIRST = """James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan
Joseph Jessica Thomas Sarah Charles Karen Daniel Lisa Matthew Nancy Anthony Betty Mark Margaret Steven Sandra Paul
Ashley Andrew Kimberly Joshua Emily Kenneth Donna Kevin Michelle Brian Carol George Amanda Timothy Melissa Ronald
Deborah Jason Stephanie Edward Rebecca Jeffrey Sharon Ryan Laura Jacob Cynthia Gary Amy Nicholas Kathleen Eric Angela
Jonathan Shirley Stephen Anna Larry Brenda Justin Pamela Scott Emma Brandon Nicole Benjamin Helen Samuel Samantha
Gregory Katherine Alexander Christine Frank Debra Patrick Rachel Raymond Carolyn Jack Janet Dennis Maria Jerry Olivia
Tyler Heather Aaron Diane Jose Julie Adam Joyce Nathan Victoria Henry Ruth Zachary Virginia Douglas Lauren Peter Kelly
Kyle Christina Noah Joan Ethan Evelyn Jeremy Judith Walter Andrea Christian Hannah Keith Megan Roger Cheryl Terry
Jacqueline Austin Martha Sean Madison Gerald Teresa Carl Gloria Harold Sara Dylan Janice Arthur Ann Lawrence Kathryn
Jordan Abigail Jesse Sophia Bryan Frances Billy Jean Bruce Alice Gabriel Judy Joe Isabella Logan Julia Alan Grace Juan
Amber Albert Denise Willie Danielle Elijah Marilyn Wayne Beverly Randy Charlotte Vincent Natalie Mason Theresa Roy
Diana Ralph Brittany Bobby Doris Russell Kayla Bradley Alexis Philip Lori Eugene Marie Amir Yuki Olga Ivan Sergei
Dmitri Anya Hiroshi Mei Wei Chen Fatima Omar Layla Hassan Priya Arjun Ravi Sunita Kwame Amara Chidi Ngozi Lars Ingrid
Sven Astrid Pierre Camille Luc Elodie Hans Greta Klaus Marta Pablo Lucia Diego Carmen Mateo Sofia Giulia Marco Luca
Chiara""".split()

_TITLES = ["minister", "spokesperson", "director", "governor", "mayor", "senator", "commander", "analyst",
           "chairman", "economist", "official", "researcher", "ambassador", "adviser", "president"]
_ORG_HEADS = ["Ministry of", "Department of", "Institute for", "Council of", "Agency for", "Bureau of",
              "Commission on", "Office of", "Foundation for", "Committee on"]
_ORG_TAILS = ["Group", "Holdings", "Bank", "Union", "Party", "Authority", "Airlines", "Motors", "Fund", "Alliance"]
_PLACE_TAILS = ["", "", "", " City", " Province", " Region", " Valley", " Bay", " Island", " County"]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

# The head of the vocabulary: real news words, most frequent first (they take the top Zipf ranks).
_HEAD = """government officials police people year city country state report told percent million week month
company minister security plan workers market support health public funding system budget policy power
children group families region water building military attack election council agreement project prices
economy court decision border talks forces troops community program energy service hospital investigation
school crisis law vote leaders emergency fire team industry bank trade network tax price deal camp rate
residents development committee aid department victims damage storm flooding bridge road station railway
factory farm harbour port airport election campaign protest strike inflation exports imports shipment loan
investment contract proposal bill measure sanctions ceasefire negotiations summit visit statement interview
evidence documents records data survey study research scientists doctors patients nurses teachers students
soldiers weapons missiles drones aircraft vessel ship navy army border crossing refugees shelters supplies
food fuel electricity grid pipeline reactor mine quarry forest river coast island valley district village
town capital province headquarters office agency ministry parliament senate assembly cabinet president
governor mayor judge prosecutor lawyer union employers contractors investors shareholders customers
passengers drivers pilots engineers operators inspectors regulators auditors journalists editors critics
supporters opponents voters candidates lawmakers delegates envoys diplomats allies partners rivals
international national regional local federal municipal rural urban coastal northern southern eastern
western central announced confirmed reported warned approved rejected delayed suspended launched opened
closed reduced increased raised cut expanded signed ordered blocked seized arrested charged released
recovered rebuilt repaired evacuated deployed transferred delivered purchased sold exported imported
estimated expected planned proposed agreed denied disputed questioned criticised praised welcomed""".split()

_ABBREVIATIONS = {
    "United States": "US", "United Kingdom": "UK", "European Union": "EU", "United Nations": "UN",
    "North Korea": "DPRK", "government": "govt", "department": "dept", "percent": "%",
    "international": "intl", "president": "pres", "million": "mln", "approximately": "approx",
    "Department of": "Dept of", "minister": "min",
}
_PHRASES = ["United States", "United Kingdom", "European Union", "United Nations", "North Korea"]
_STOP_FILL = ["the", "of", "and", "to", "a", "in", "for", "on", "with", "at", "by", "from", "as", "that"]
_SYLLABLES = [c + v for c in "bcdfghjklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ai", "ou", "ar", "en", "ol")]


def _invent(rng: random.Random, syllables: tuple[int, int]) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(*syllables)))


@dataclass
class Lexicon:
    """Names, places, organisations and the Zipf-ranked content words, with their sampler."""

    words: list[str]
    cumulative: list[float]
    surnames: list[str]
    places: list[str]
    orgs: list[str]

    def word(self, rng: random.Random) -> str:
        """One content word, drawn by Zipf rank."""
        return self.words[bisect.bisect_left(self.cumulative, rng.random() * self.cumulative[-1])]


def build_lexicon(seed: int = SEED, size: int = 400_000, exponent: float = 1.07) -> Lexicon:
    """The fixed lexicon every corpus size draws from (long enough that rare words keep appearing)."""
    rng = random.Random(seed)
    seen = set(_HEAD)
    words = list(_HEAD)
    while len(words) < size:
        word = _invent(rng, (2, 4))
        if word not in seen:
            seen.add(word)
            words.append(word)
    # Zipf weights; a few abbreviation-prone words are placed in the head by _HEAD itself.
    cumulative = list(itertools.accumulate(1.0 / (rank + 2.7) ** exponent for rank in range(len(words))))
    surnames = sorted({_invent(rng, (2, 3)).capitalize() for _ in range(30_000)})
    rng.shuffle(surnames)
    from facts.analysis.entities import _GAZETTEER

    real_places = sorted(name.title() for name, kind in _GAZETTEER.items() if kind == "place" and " " not in name)
    invented = [_invent(rng, (2, 3)).capitalize() + rng.choice(_PLACE_TAILS) for _ in range(20_000)]
    places = real_places + invented
    rng.shuffle(places)
    orgs = [f"{rng.choice(_ORG_HEADS)} {_invent(rng, (2, 3)).capitalize()}" for _ in range(3000)]
    orgs += [f"{_invent(rng, (2, 3)).capitalize()} {rng.choice(_ORG_TAILS)}" for _ in range(3000)]
    return Lexicon(words, cumulative, surnames, places, orgs)


@dataclass
class Sentence:
    """A generated fact sentence and the parts a question can ask about."""

    text: str
    answer: str
    kind: str  # when / who / how-many / where / what


@dataclass
class Document:
    """A generated news document: metadata and paragraphs of sentences."""

    name: str
    title: str
    published: str
    url: str
    paragraphs: list[list[Sentence]] = field(default_factory=list)

    def sentences(self) -> list[Sentence]:
        """The sentences in order."""
        return [s for p in self.paragraphs for s in p]

    def render(self) -> str:
        """The document as Markdown with front matter (what factbot ingests)."""
        body = "\n\n".join(" ".join(s.text for s in p) for p in self.paragraphs)
        return (f"---\ntitle: {self.title}\nurl: {self.url}\npublished: {self.published}\n---\n\n{body}\n")


class Generator:
    """Streams documents; ``facts(n)`` yields the first ``n`` sentences' documents."""

    def __init__(self, seed: int = SEED) -> None:
        self.seed = seed
        self.lexicon = build_lexicon(seed)

    def _person(self, rng: random.Random) -> str:
        return f"{rng.choice(_FIRST)} {rng.choice(self.lexicon.surnames[: 200 + rng.randrange(30_000)])}"

    def _place(self, rng: random.Random) -> str:
        places = self.lexicon.places
        return places[min(len(places) - 1, int(rng.paretovariate(0.9)) - 1 + rng.randrange(40))]

    def _date(self, rng: random.Random, year: int) -> str:
        month = rng.randrange(12)
        return f"{_MONTHS[month]} {rng.randint(1, 28)}" + (f", {year}" if rng.random() < 0.4 else "")

    def _number(self, rng: random.Random) -> str:
        roll = rng.random()
        if roll < 0.35:
            return f"{rng.randint(2, 950):,}"
        if roll < 0.6:
            return f"{rng.randint(1, 99) * 1000 + rng.randint(0, 9) * 100:,}"
        if roll < 0.8:
            return f"{rng.randint(2, 95)} percent"
        return f"${rng.randint(1, 900)}.{rng.randint(1, 9)} million"

    def _filler(self, rng: random.Random, count: int) -> list[str]:
        out = []
        for _ in range(count):
            if rng.random() < 0.3:
                out.append(rng.choice(_STOP_FILL))
            elif rng.random() < 0.03:
                out.append(rng.choice(_PHRASES))
            else:
                out.append(self.lexicon.word(rng))
        return out

    def sentence(self, rng: random.Random, year: int) -> Sentence:
        """One fact sentence of 15-40 words."""
        target = rng.randint(15, 40)
        person, place, org = self._person(rng), self._place(rng), rng.choice(self.lexicon.orgs)
        number, when = self._number(rng), self._date(rng, year)
        noun, verb = self.lexicon.word(rng), self.lexicon.word(rng)
        form = rng.randrange(5)
        if form == 0:
            head = [person + ",", "the", rng.choice(_TITLES), "of", "the", org + ",", "said", "on", when, "that"]
            answer, kind = when, "when"
        elif form == 1:
            head = [person, "told", "reporters", "in", place, "that", "the", org]
            answer, kind = person, "who"
        elif form == 2:
            head = ["About", number, noun, "were", verb, "in", place, "by", "the", org]
            answer, kind = number, "how-many"
        elif form == 3:
            head = ["The", org, verb, "the", noun, "in", place, "on", when]
            answer, kind = place, "where"
        else:
            head = ["Officials", "in", place, "said", "the", noun, verb, "by", person]
            answer, kind = noun, "what"
        words = " ".join(head).split()
        rest = self._filler(rng, max(3, target - len(words)))
        text = " ".join(words + rest)
        text = text[0].upper() + text[1:] + "."
        return Sentence(text=text, answer=answer, kind=kind)

    def documents(self) -> Iterator[Document]:
        """An endless, deterministic stream of documents."""
        rng = random.Random(self.seed + 1)
        for number in itertools.count(1):
            year = rng.randint(2015, 2024)
            published = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            title_words = [self._place(rng), self.lexicon.word(rng), self.lexicon.word(rng)]
            doc = Document(
                name=f"synthetic-{number:07d}.md",
                title=" ".join(title_words).capitalize(),
                published=published,
                url=f"https://news.example.org/{number}",
            )
            remaining = rng.randint(20, 60)
            while remaining > 0:
                size = min(remaining, rng.choice((1, 1, 2, 2, 3)))
                doc.paragraphs.append([self.sentence(rng, year) for _ in range(size)])
                remaining -= size
            yield doc

    def corpus(self, n: int) -> list[Document]:
        """Documents holding exactly ``n`` sentences (the last one is cut short)."""
        out: list[Document] = []
        count = 0
        for doc in self.documents():
            if count >= n:
                break
            keep: list[list[Sentence]] = []
            for paragraph in doc.paragraphs:
                if count >= n:
                    break
                part = paragraph[: n - count]
                keep.append(part)
                count += len(part)
            doc.paragraphs = keep
            out.append(doc)
        return out


# -- questions ------------------------------------------------------------------------------------

_QUESTION_WORD = {"when": "When did", "who": "Who said", "how-many": "How many", "where": "Where did",
                  "what": "What was"}


def _typo(rng: random.Random, word: str) -> str:
    i = rng.randrange(1, len(word) - 1)
    edit = rng.randrange(4)
    if edit == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if edit == 1:
        return word[:i] + word[i + 1 :]
    if edit == 2:
        return word[:i] + rng.choice("aeiourstnl") + word[i + 1 :]
    return word[:i] + rng.choice("aeiourstnl") + word[i:]


def paraphrase(rng: random.Random, sentence: Sentence) -> str:
    """A question a person might ask about ``sentence`` (see the module docstring)."""
    text = sentence.text.rstrip(".")
    if sentence.kind in ("when", "who", "how-many"):
        text = text.replace(sentence.answer, " ", 1)
    text = text.replace(",", " ")
    for long, short in sorted(_ABBREVIATIONS.items(), key=lambda kv: -len(kv[0])):
        if f" {long} " in f" {text} " and rng.random() < 0.8:
            text = f" {text} ".replace(f" {long} ", f" {short} ", 1).strip()
            break
    tokens = text.split()
    stop = set(_STOP_FILL) | {"the", "said", "that", "were", "about", "told"}
    kept = []
    for token in tokens:
        if token.lower() in stop and rng.random() < 0.8:
            continue  # dropped function words
        if rng.random() < 0.35:
            continue  # dropped content words
        kept.append(token)
    if len(kept) > 12:
        start = rng.randrange(len(kept) - 10)
        kept = kept[start : start + rng.randint(8, 12)]
    if len(kept) >= 6:  # reorder: move a phrase to the front
        cut = rng.randrange(2, len(kept) - 2)
        kept = kept[cut:] + kept[:cut]
    long_words = [i for i, t in enumerate(kept) if len(t) >= 6 and t.isalpha()]
    if long_words:
        i = rng.choice(long_words)
        kept[i] = _typo(rng, kept[i])
    return f"{_QUESTION_WORD[sentence.kind]} {' '.join(kept)}?"


@dataclass
class Question:
    """A generated question and the text of the fact that answers it."""

    text: str
    target: str
    index: int
    """Position of the target among the corpus's sentences."""


def questions(documents: list[Document], count: int = 200, seed: int = SEED) -> list[Question]:
    """``count`` questions about sentences picked uniformly from ``documents``."""
    rng = random.Random(seed + 2)
    sentences = [s for d in documents for s in d.sentences()]
    picks = rng.sample(range(len(sentences)), min(count, len(sentences)))
    return [Question(paraphrase(rng, sentences[i]), sentences[i].text, i) for i in picks]
