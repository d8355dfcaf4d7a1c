"""End positions: every loaded value knows where it ends, and diagnostics get that end."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlopsdiag.errors import Diagnostic
from mlopsdiag.spec.loader import load_bytes, load_file
from mlopsdiag.spec.spans import with_end_positions

SPECS = sorted((Path(__file__).resolve().parent.parent / "specs").glob("*.yaml"))


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_every_value_ends_after_it_starts(spec: Path) -> None:
    doc = load_file(spec)
    lines = spec.read_text(encoding="utf-8").splitlines()
    assert set(doc.ends) == set(doc.positions)
    assert set(doc.key_ends) == set(doc.key_positions)
    for path, start in doc.positions.items():
        assert doc.ends[path] >= start, path
    for path, (line, col) in doc.key_positions.items():
        end_line, end_col = doc.key_ends[path]
        # A plain key ends right after its text.
        if end_line == line and lines[line - 1][col - 1] not in "'\"":
            assert lines[line - 1][col - 1 : end_col - 1] == str(path[-1])


def test_block_collections_end_at_their_last_value_not_at_the_next_comment() -> None:
    doc = load_bytes(b"a:\n  - x: 1\n    y: two\n\n  # a comment\n  - x: 3\nb: [1, 2]\n", "t.yaml")
    assert doc.ends[("a", 0)] == (3, 11)
    assert doc.ends[("a",)] == (6, 9)
    assert doc.ends[("b",)] == (7, 10)  # a flow sequence ends after its bracket


def test_diagnostics_get_the_end_of_the_value_or_key_they_point_at() -> None:
    doc = load_bytes(b"metadata:\n  name: churn\n  titel: x\n", "s.yaml")
    value = Diagnostic("s.yaml", 2, 9, "bad name", "metadata.name")
    key = Diagnostic("s.yaml", 3, 3, "unknown field", "metadata.titel")
    ancestor = Diagnostic("s.yaml", 2, 3, "missing title", "metadata.title")
    elsewhere = Diagnostic("s.yaml", 1, 5, "odd place", "metadata")
    other_file = Diagnostic("t.yaml", 2, 9, "bad name", "metadata.name")
    out = with_end_positions([value, key, ancestor, elsewhere, other_file], {"s.yaml": doc})
    assert [(d.end_line, d.end_col) for d in out] == [(2, 14), (3, 8), (3, 11), (0, 0), (0, 0)]
    assert [d.format() for d in out] == [
        d.format() for d in (value, key, ancestor, elsewhere, other_file)
    ]
