"""Paraphrase matching: which document words stand for a question's words when the two differ.

Questions use other words than the documents ("died" / "death", "author" / "wrote"). This module
answers, offline and in microseconds, how strongly a question-side stem is associated with a
document-side stem. The table (fitted by :mod:`facts.train_paraphrase`, shipped as
``facts/data/paraphrase.npz`` with what it was fitted on, when, and with which parameters) holds
two kinds of pairs, each source's strongest ``top_k`` kept:

- associations learned from question / answer-sentence pairs: stems that mark the answering
  sentence when the question's own word is missing from it (the "lexical chasm" table);
- nearest neighbours by static word embeddings (wordllama's 256-dim weights), distilled at fit
  time, so nothing but numpy and this file is needed at run time.

Stems are those of :func:`facts.analysis.text.stem` (Snowball English) of lower-case words that
are not in :data:`facts.analysis.text.STOPWORDS`, the same terms the index stores.

API (stable; all methods are pure and cheap, the table is loaded once per process):

- :func:`load_paraphraser` ``(path: str | Path | None = None) -> Paraphraser`` - cached loader of
  the shipped table (or of another table file, for tests and fitting).
- :meth:`Paraphraser.expansions` ``(stem: str, limit: int = 5) -> list[tuple[str, float]]`` -
  document-side stems associated with a question-side stem, weights in (0, 1], strongest first,
  never the stem itself. For candidate retrieval: look the expanded stems up in the posting lists
  at the given (reduced) weight.
- :meth:`Paraphraser.expand` ``(q_stems: Sequence[str], limit: int = 5, min_weight: float = 0.0)
  -> dict[str, float]`` - a whole question's expansions merged (a stem's largest weight), without
  the question's own stems: the extra terms to fetch candidates by.
- :meth:`Paraphraser.term_similarity` ``(q_stem: str, f_stem: str) -> float`` in [0, 1]: 1 for
  identical stems, the table's weight for an associated pair, else 0. Directional: question side
  first, document side second.
- :meth:`Paraphraser.alignment` ``(q_stems: Sequence[str], f_stems: Collection[str]) -> list[float]``
  - for each question stem its best match among the fact's stems (word-to-word alignment; 1 when
  the fact holds the stem itself). A soft-coverage feature is then
  ``sum(idf_i * align_i) / sum(idf_i)``.
- :func:`soft_coverage` ``(paraphraser: Paraphraser, q_stems: Sequence[str], f_stems: Collection[str],
  idf: Callable[[str], float]) -> float`` - that feature, for convenience.
- :attr:`Paraphraser.metadata` - what the table was fitted on (articles, questions, date, parameters).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

DATA_FILE = Path(__file__).parent / "data" / "paraphrase.npz"
FORMAT = "factbot-paraphrase/1"
WEIGHT_SCALE = 255  # weights are stored as uint8 (1..255) / 255

_NO_EXPANSIONS: tuple[tuple[str, float], ...] = ()


def checked_metadata(data: Mapping[str, np.ndarray], path: str | Path, expected: str) -> dict:
    """The JSON metadata of a table read with ``np.load``; ValueError unless its format is ``expected``."""
    metadata = json.loads(data["metadata"].tobytes().decode("utf-8"))
    if metadata.get("format") != expected:
        raise ValueError(f"{path}: not a {expected} file")
    return metadata


def decode_strings(blob: np.ndarray) -> list[str]:
    """Newline-joined UTF-8 strings stored as a uint8 array (no pickles in the data file)."""
    text = blob.tobytes().decode("utf-8")
    return text.split("\n") if text else []


def encode_strings(items: Sequence[str]) -> np.ndarray:
    """The inverse of :func:`decode_strings`: strings (without newlines) as one uint8 array."""
    return np.frombuffer("\n".join(items).encode("utf-8"), dtype=np.uint8)


class Paraphraser:
    """A question-stem -> document-stem association table, decoded lazily row by row."""

    def __init__(
        self,
        sources: Sequence[str],
        targets: Sequence[str],
        offsets: np.ndarray,
        columns: np.ndarray,
        weights: np.ndarray,
        metadata: Mapping[str, object],
    ) -> None:
        if len(offsets) != len(sources) + 1 or len(columns) != len(weights) or int(offsets[-1]) != len(columns):
            raise ValueError("paraphrase table: offsets, columns and weights do not agree")
        self._rows = {source: i for i, source in enumerate(sources)}
        self._targets = list(targets)
        self._offsets = offsets.astype(np.int64, copy=False).tolist()
        self._columns = columns
        self._weights = weights
        self._decoded: dict[str, tuple[tuple[str, float], ...]] = {}
        self.metadata: dict[str, object] = dict(metadata)

    @classmethod
    def from_file(cls, path: str | Path) -> Paraphraser:
        """Read a table written by :func:`save_table` (``np.load`` without pickles)."""
        with np.load(Path(path), allow_pickle=False) as data:
            metadata = checked_metadata(data, path, FORMAT)
            return cls(
                decode_strings(data["sources"]),
                decode_strings(data["targets"]),
                data["offsets"],
                data["columns"],
                data["weights"],
                metadata,
            )

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, stem: object) -> bool:
        return stem in self._rows

    def _row(self, stem: str) -> tuple[tuple[str, float], ...]:
        row = self._decoded.get(stem)
        if row is None:
            index = self._rows.get(stem)
            if index is None:
                return _NO_EXPANSIONS
            start, end = self._offsets[index], self._offsets[index + 1]
            targets = self._targets
            row = tuple(
                (targets[c], w / WEIGHT_SCALE)
                for c, w in zip(self._columns[start:end].tolist(), self._weights[start:end].tolist(), strict=True)
            )
            self._decoded[stem] = row
        return row

    def expansions(self, stem: str, limit: int = 5) -> list[tuple[str, float]]:
        """Document-side stems associated with question-side ``stem``: (stem, weight in (0, 1]), strongest first."""
        if limit <= 0:
            return []
        return list(self._row(stem)[:limit])

    def expand(self, q_stems: Sequence[str], limit: int = 5, min_weight: float = 0.0) -> dict[str, float]:
        """Extra document stems for a question: each stem's expansions, largest weight kept, own stems left out."""
        own = set(q_stems)
        extra: dict[str, float] = {}
        for q in q_stems:
            for target, weight in self._row(q)[: max(0, limit)]:
                if weight >= min_weight and target not in own and weight > extra.get(target, 0.0):
                    extra[target] = weight
        return extra

    def term_similarity(self, q_stem: str, f_stem: str) -> float:
        """How well document stem ``f_stem`` stands for question stem ``q_stem``: 1 if identical, else 0..1."""
        if q_stem == f_stem:
            return 1.0
        for target, weight in self._row(q_stem):
            if target == f_stem:
                return weight
        return 0.0

    def alignment(self, q_stems: Sequence[str], f_stems: Collection[str]) -> list[float]:
        """For each question stem, its best match score (0..1) among the fact's stems."""
        scores = []
        for q in q_stems:
            if q in f_stems:
                scores.append(1.0)
                continue
            best = 0.0
            for target, weight in self._row(q):  # strongest first: the first hit is the best
                if target in f_stems:
                    best = weight
                    break
            scores.append(best)
        return scores


def soft_coverage(
    paraphraser: Paraphraser, q_stems: Sequence[str], f_stems: Collection[str], idf: Callable[[str], float]
) -> float:
    """IDF-weighted share of the question's stems the fact covers, paraphrases counting at their alignment."""
    if not q_stems:
        return 0.0
    weights = [idf(q) for q in q_stems]
    total = sum(weights)
    if total <= 0:
        return 0.0
    aligned = paraphraser.alignment(q_stems, f_stems)
    return sum(w * a for w, a in zip(weights, aligned, strict=True)) / total


@lru_cache(maxsize=4)
def _load(path: str) -> Paraphraser:
    return Paraphraser.from_file(path)


def load_paraphraser(path: str | Path | None = None) -> Paraphraser:
    """The shipped association table (or the one at ``path``), loaded once per process."""
    return _load(str(Path(path) if path is not None else DATA_FILE))


def save_table(
    path: str | Path,
    rows: Mapping[str, Sequence[tuple[str, float]]],
    metadata: Mapping[str, object],
) -> None:
    """Write an association table: ``rows`` maps a question stem to (document stem, weight) pairs."""
    sources = sorted(stem for stem, pairs in rows.items() if pairs)
    target_ids: dict[str, int] = {}
    offsets = [0]
    columns: list[int] = []
    weights: list[int] = []
    for source in sources:
        if "\n" in source:
            raise ValueError(f"stem {source!r} holds a newline")
        pairs = sorted(rows[source], key=lambda pair: (-pair[1], pair[0]))
        for target, weight in pairs:
            if "\n" in target:
                raise ValueError(f"stem {target!r} holds a newline")
            if target == source or not 0.0 < weight <= 1.0:
                raise ValueError(f"bad pair {source!r} -> {target!r} ({weight})")
            columns.append(target_ids.setdefault(target, len(target_ids)))
            weights.append(max(1, min(WEIGHT_SCALE, round(weight * WEIGHT_SCALE))))
        offsets.append(len(columns))
    meta = {**metadata, "format": FORMAT, "sources": len(sources), "pairs": len(columns)}
    np.savez_compressed(
        Path(path),
        sources=encode_strings(sources),
        targets=encode_strings(list(target_ids)),
        offsets=np.asarray(offsets, dtype=np.int32),
        columns=np.asarray(columns, dtype=np.int32),
        weights=np.asarray(weights, dtype=np.uint8),
        metadata=np.frombuffer(json.dumps(meta, sort_keys=True).encode("utf-8"), dtype=np.uint8),
    )
