"""Build the background word statistics of :mod:`facts.background` from a folder of plain-text articles.

    python -m facts.train_background --docs ../shared/eval/squad1-train/docs --out facts/data/background.npz

Each line of each article is a paragraph; paragraphs are split into sentences with the engine's own
splitter. Per stem: how many sentences hold it. Per lower-case word: how often it occurs inside a
sentence (not as its first word) and how often it is then written with a capital. Articles whose
name starts with an excluded number (``--exclude``, by default those the squad2 tuning pool also
holds) are skipped so that pool stays unseen. Stems seen in fewer than ``--min-count`` sentences are
left out (they count as unseen, which is what they nearly are). Deterministic; standard library
and numpy only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from facts.analysis.sentences import split_sentences
from facts.analysis.text import STOPWORDS, stem, words
from facts.background import DATA_FILE, save_background
from facts.train_paraphrase import SHARED_WITH_SQUAD2

_WRITTEN = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def count_article(text: str, stems: Counter[str], capitals: dict[str, list[int]]) -> int:
    """Add one article's counts; return its number of sentences."""
    sentences = 0
    for paragraph in text.splitlines():
        for start, end in split_sentences(paragraph):
            sentence = paragraph[start:end]
            sentences += 1
            stems.update({stem(w) for w in words(sentence) if w not in STOPWORDS})
            for i, match in enumerate(_WRITTEN.finditer(sentence)):
                written = match.group()
                if i == 0 or "-" in written or "'" in written or "’" in written:
                    continue
                entry = capitals.setdefault(written.lower(), [0, 0])
                entry[0] += 1
                entry[1] += written[0].isupper()
    return sentences


def main(argv: Sequence[str] | None = None) -> int:
    """Count the articles and write the statistics file."""
    parser = argparse.ArgumentParser(prog="python -m facts.train_background", description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=Path, required=True, help="folder of .txt articles, one paragraph a line")
    parser.add_argument("--out", type=Path, default=DATA_FILE)
    parser.add_argument("--exclude", default=",".join(SHARED_WITH_SQUAD2), help="article numbers to skip")
    parser.add_argument("--min-count", type=int, default=2)
    args = parser.parse_args(argv)
    excluded = tuple(x for x in args.exclude.split(",") if x)
    files = sorted(p for p in args.docs.glob("*.txt") if not p.name.startswith(excluded))
    if not files:
        print(f"no .txt articles in {args.docs}", file=sys.stderr)
        return 1
    stems: Counter[str] = Counter()
    capitals: dict[str, list[int]] = {}
    sentences = sum(count_article(p.read_text(encoding="utf-8"), stems, capitals) for p in files)
    kept = {s: n for s, n in stems.items() if n >= args.min_count}
    metadata = {"articles": len(files), "sentences": sentences, "source": args.docs.name,
                "excluded": list(excluded), "min_count": args.min_count, "built": dt.date.today().isoformat()}
    save_background(args.out, kept, {w: (n, c) for w, (n, c) in capitals.items()}, metadata)
    print(f"{args.out}: {len(files)} articles, {sentences} sentences, {len(kept)} stems, "
          f"{args.out.stat().st_size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
