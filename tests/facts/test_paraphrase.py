"""Paraphrase matching: the shipped table, its API, and the fit script on data the test writes itself."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from facts import train_paraphrase
from facts.paraphrase import DATA_FILE, Paraphraser, load_paraphraser, save_table, soft_coverage
from tests.helpers import REPO_ROOT as REPO
from tests.helpers import SHARED

SQUAD1 = SHARED / "eval" / "squad1-train"


@pytest.fixture(scope="module")
def shipped() -> Paraphraser:
    return load_paraphraser()


def test_shipped_table_loads_with_its_provenance(shipped: Paraphraser) -> None:
    meta = shipped.metadata
    assert DATA_FILE.stat().st_size < 5_000_000
    assert len(shipped) > 100
    assert meta["format"] == "factbot-paraphrase/1"
    assert meta["sources"] == len(shipped)
    assert "squad1-train" in meta["fitted_on"]
    assert meta["date"][:2] == "20"
    assert meta["parameters"]["top_k"] >= 1
    # articles shared with the squad2 tuning pool are never fitted on, and no test article either
    fitted = set(meta["fit_articles"])
    assert not fitted & set(train_paraphrase.SHARED_WITH_SQUAD2)
    assert not fitted & set(meta["test_articles"])
    assert not fitted & set(meta["validation_articles"])
    assert load_paraphraser() is shipped  # loaded once per process


def test_expansions_are_bounded_ordered_and_deterministic(shipped: Paraphraser) -> None:
    top_k = shipped.metadata["parameters"]["top_k"]
    for source in list(shipped._rows):
        for limit in (1, 3, 5, 50):
            row = shipped.expansions(source, limit)
            assert 1 <= len(row) <= min(limit, top_k)
            assert row == shipped.expansions(source, limit)
            assert all(0.0 < w <= 1.0 for _, w in row)
            assert [w for _, w in row] == sorted((w for _, w in row), reverse=True)
            assert source not in {t for t, _ in row}
    assert shipped.expansions("zzqxnotastem") == []
    some = next(iter(shipped._rows))
    assert shipped.expansions(some, 0) == []


def test_similarity_and_alignment_agree_with_the_table(shipped: Paraphraser) -> None:
    source = max(shipped._rows, key=lambda s: shipped.expansions(s, 1)[0][1])
    (target, weight), *_ = shipped.expansions(source, 50)
    assert shipped.term_similarity(source, source) == 1.0
    assert shipped.term_similarity("zzqxnotastem", "zzqxnotastem") == 1.0
    assert shipped.term_similarity(source, target) == weight
    unrelated = "zzqxnotastem"
    assert shipped.term_similarity(source, unrelated) == 0.0
    assert shipped.alignment([source, unrelated, "elsewher"], {source}) == [1.0, 0.0, 0.0]
    assert shipped.alignment([source], {target, unrelated}) == [weight]
    assert shipped.alignment([], {target}) == []
    idf = {source: 2.0, unrelated: 1.0}.get
    assert soft_coverage(shipped, [source, unrelated], {source, unrelated}, idf) == 1.0
    assert soft_coverage(shipped, [source, unrelated], {target}, idf) == pytest.approx(2.0 * weight / 3.0)
    assert soft_coverage(shipped, [], {target}, idf) == 0.0


def test_expand_merges_a_questions_expansions(tmp_path: Path) -> None:
    save_table(tmp_path / "t.npz", {"die": [("death", 0.8), ("kill", 0.4), ("war", 0.2)],
                                    "battl": [("war", 0.6), ("die", 0.5)]}, {})
    table = Paraphraser.from_file(tmp_path / "t.npz")
    assert table.expand(["die", "battl"]) == pytest.approx({"death": 0.8, "kill": 0.4, "war": 0.6})
    assert table.expand(["die"], limit=1) == pytest.approx({"death": 0.8})
    assert table.expand(["die", "battl"], min_weight=0.5) == pytest.approx({"death": 0.8, "war": 0.6})
    assert table.expand(["die"], limit=0) == {}
    assert table.expand([]) == {}


def test_save_table_rejects_self_pairs_and_bad_weights(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="bad pair"):
        save_table(tmp_path / "t.npz", {"die": [("die", 0.5)]}, {})
    with pytest.raises(ValueError, match="bad pair"):
        save_table(tmp_path / "t.npz", {"die": [("death", 1.5)]}, {})
    save_table(tmp_path / "t.npz", {"die": [("death", 0.5), ("kill", 0.75)], "born": []}, {"note": "x"})
    table = Paraphraser.from_file(tmp_path / "t.npz")
    assert table.expansions("die") == [("kill", 191 / 255), ("death", 128 / 255)]
    assert "born" not in table
    assert table.metadata["note"] == "x"


def _write_synthetic_squad(folder: Path, articles: int = 20) -> None:
    """Articles whose questions say "die"/"born" where the answering sentence says "death"/"birth"."""
    (folder / "docs").mkdir(parents=True)
    places = ["Arlen", "Brisk", "Corvo", "Dunmore", "Elst", "Farrow", "Galt", "Hove", "Ister", "Jarrow"]
    rows = []
    for a in range(articles):
        name = f"{a + 1:03d}-person-{a}.txt"
        paragraphs = []
        for p in range(3):
            person = f"Person{a}x{p}"
            place = places[(a + p) % len(places)]
            birth = f"The birth of {person} took place in {place} in {1800 + a}."
            death = f"{person} met a sudden death in {places[(a + p + 3) % len(places)]} in {1880 + p}."
            other = f"{person} studied music and painting in {places[(a + p + 5) % len(places)]}."
            paragraphs.append(" ".join([birth, other, death]))
            rows.append({"question": f"Where did {person} die?", "answerable": True, "doc": name,
                         "paragraph": p + 1, "evidence": death})
            rows.append({"question": f"Where was {person} born?", "answerable": True, "doc": name,
                         "paragraph": p + 1, "evidence": birth})
        (folder / "docs" / name).write_text("\n".join(paragraphs) + "\n", encoding="utf-8")
    with open(folder / "questions.jsonl", "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row) + "\n")


def test_fit_script_learns_the_association_end_to_end(tmp_path: Path) -> None:
    data = tmp_path / "squad"
    _write_synthetic_squad(data)
    outputs = []
    for run in ("a", "b"):
        out = tmp_path / f"table-{run}.npz"
        done = subprocess.run(
            [sys.executable, "-m", "facts.train_paraphrase", "--squad", str(data), "--out", str(out),
             "--exclude", "", "--evaluate"],
            cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
        )
        assert done.returncode == 0, done.stderr
        assert "soft" in done.stdout and "exact" in done.stdout
        outputs.append(Paraphraser.from_file(out))
    first, second = outputs
    assert first.expansions("die", 1)[0][0] == "death"
    assert first.expansions("born", 1)[0][0] == "birth"
    assert first.term_similarity("die", "music") == 0.0
    assert {s: first.expansions(s, 50) for s in first._rows} == {s: second.expansions(s, 50) for s in second._rows}
    assert first.metadata["fit_articles"] == second.metadata["fit_articles"]
    assert len(first.metadata["test_articles"]) == 2


def test_bad_table_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.npz"
    np.savez(bad, metadata=np.frombuffer(b'{"format": "other"}', dtype=np.uint8))
    with pytest.raises(ValueError, match="not a factbot-paraphrase"):
        Paraphraser.from_file(bad)


def test_soft_matching_ranks_evidence_no_worse_on_unseen_articles(shipped: Paraphraser) -> None:
    folder = SQUAD1
    if not folder.is_dir():
        pytest.skip("shared squad1-train question set absent (it lives beside the repository, not in it)")
    names = set(shipped.metadata["test_articles"])
    test = train_paraphrase.read_pool(folder, keep=lambda doc: doc.split("-", 1)[0] in names)
    assert sum(len(a.examples) for a in test) > 1000
    result = train_paraphrase.evaluate_ranking(
        test, {"exact": train_paraphrase.exact_scorer, "soft": train_paraphrase.soft_scorer(shipped)}
    )
    assert result["soft"].paragraph_rr > result["exact"].paragraph_rr
    assert result["soft"].article_rr > result["exact"].article_rr


def test_embedding_neighbours_threshold_and_merge() -> None:
    from collections import Counter

    vectors = {"death": [1.0, 0.1, 0.0], "dead": [0.95, 0.2, 0.0], "music": [0.0, 0.0, 1.0],
               "birth": [0.0, 1.0, 0.1], "rare": [0.5, 0.5, 0.5]}
    forms = {"death": Counter(death=5), "dead": Counter(dead=4), "music": Counter(music=9),
             "birth": Counter(birth=3), "rare": Counter(rare=1)}

    def embed(texts: list[str]) -> np.ndarray:
        return np.asarray([vectors[t] for t in texts])

    neighbours = train_paraphrase.embedding_neighbours(forms, min_freq=2, k=2, embed=embed)
    assert "rare" not in neighbours and all(t != "rare" for row in neighbours.values() for t, _ in row)
    assert neighbours["death"][0][0] == "dead" and neighbours["death"][0][1] > 0.9
    rows = train_paraphrase.rows_from_neighbours(neighbours, threshold=0.5, scale=1.0)
    assert [t for t, _ in rows["death"]] == ["dead"]
    assert "music" not in rows  # nothing near it
    merged = train_paraphrase.merge_rows(rows, {"death": [("die", 0.9), ("dead", 0.1)]}, top_k=5)
    assert [t for t, _ in merged["death"]] == ["dead", "die"]  # strongest first
    assert dict(merged["death"])["dead"] == rows["death"][0][1] > 0.9  # the larger weight wins
    assert train_paraphrase.merge_rows(rows, {"death": [("die", 0.9)]}, top_k=1)["death"] == rows["death"]


def test_wordllama_loads_offline_from_its_wheel(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("wordllama", reason="wordllama is a training-only extra (pip install -e '.[train]')")
    import socket

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("wordllama tried the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    model = train_paraphrase.load_wordllama()
    vectors = model.embed(["died", "death", "banana"], norm=True)
    assert vectors.shape == (3, 256)
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2])
