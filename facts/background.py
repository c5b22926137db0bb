"""Background word statistics: how common a word is in general text, and how often it is written
with a capital letter.

A database of one or two news reports holds a few dozen sentences: counted there alone, "first"
looks as rare as "Kursk", and a question typed in lower case ("who is the president of france")
hides which of its words are names. Both are answered from a large general corpus instead, fitted
offline by :mod:`facts.train_background` and shipped as ``facts/data/background.npz`` (with what
it was built from):

- :meth:`Background.idf` ``(stem)``: inverse sentence frequency of a stem in the background corpus
  (stems as :func:`facts.analysis.text.stem` makes them; unseen stems count as seen once);
- :meth:`Background.capitalised` ``(word)``: the share of a lower-case word's occurrences inside a
  sentence (never its first word) written with a capital, or None when the word was too rare to say.

Loaded once per process; numpy only.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from facts.paraphrase import checked_metadata, decode_strings, encode_strings

DATA_FILE = Path(__file__).parent / "data" / "background.npz"
FORMAT = "factbot-background/1"
CAPITAL_MIN_COUNT = 3
"""A word's capital share is only trusted from this many mid-sentence occurrences."""
CAPITAL_SCALE = 250


class Background:
    """Sentence frequencies of stems and capital shares of words in a background corpus."""

    def __init__(self, stems: Sequence[str], counts: np.ndarray, words: Sequence[str], capitals: np.ndarray,
                 metadata: Mapping[str, object]) -> None:
        self.sentences = int(metadata["sentences"])  # type: ignore[call-overload]
        self._count = dict(zip(stems, counts.tolist(), strict=True))
        self._capital = {w: c / CAPITAL_SCALE for w, c in zip(words, capitals.tolist(), strict=True)}
        self.metadata: dict[str, object] = dict(metadata)

    @classmethod
    def from_file(cls, path: str | Path) -> Background:
        """Read a file written by :func:`save_background`."""
        with np.load(Path(path), allow_pickle=False) as data:
            metadata = checked_metadata(data, path, FORMAT)
            return cls(decode_strings(data["stems"]), data["counts"], decode_strings(data["words"]),
                       data["capitals"], metadata)

    def count(self, stem: str) -> int:
        """Background sentences holding ``stem`` (0 when never seen)."""
        return self._count.get(stem, 0)

    def idf(self, stem: str) -> float:
        """Smoothed inverse sentence frequency, on the same scale as the database's own idf."""
        return math.log(1.0 + (self.sentences + 1) / (self.count(stem) + 1))

    def capitalised(self, word: str) -> float | None:
        """Share of the lower-case ``word``'s mid-sentence occurrences written with a capital, or None."""
        return self._capital.get(word)


@lru_cache(maxsize=2)
def _load(path: str) -> Background:
    return Background.from_file(path)


def load_background(path: str | Path | None = None) -> Background:
    """The shipped background statistics (or those at ``path``), loaded once per process."""
    return _load(str(Path(path) if path is not None else DATA_FILE))


def save_background(path: str | Path, stem_counts: Mapping[str, int], capitals: Mapping[str, tuple[int, int]],
                    metadata: Mapping[str, object]) -> None:
    """Write background statistics: ``stem_counts`` (stem -> sentences) and ``capitals``
    (word -> (mid-sentence occurrences, of those capitalised)); rare words' capitals are left out."""
    stems = sorted(stem_counts)
    words = sorted(w for w, (n, _) in capitals.items() if n >= CAPITAL_MIN_COUNT)
    for item in stems + words:
        if "\n" in item:
            raise ValueError(f"{item!r} holds a newline")
    shares = [round(CAPITAL_SCALE * capitals[w][1] / capitals[w][0]) for w in words]
    meta = {**metadata, "format": FORMAT, "stems": len(stems), "words": len(words)}
    np.savez_compressed(
        Path(path), stems=encode_strings(stems), counts=np.asarray([stem_counts[s] for s in stems], dtype=np.int32),
        words=encode_strings(words), capitals=np.asarray(shares, dtype=np.uint8),
        metadata=np.frombuffer(json.dumps(meta, sort_keys=True).encode("utf-8"), dtype=np.uint8),
    )
