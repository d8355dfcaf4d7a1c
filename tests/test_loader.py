"""The loader: positions, refusals, and no crash on any input."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlopsdiag.errors import MlopsdiagError
from mlopsdiag.spec.loader import MAX_FILE_BYTES, format_path, load_bytes, load_file


def test_positions_of_values_and_keys() -> None:
    doc = load_bytes(
        b"metadata:\n  name: demo\ncomponents:\n  - id: a\n    tool: mlflow\n", "x.yaml"
    )
    assert doc.pos(("metadata", "name")) == (2, 9)
    assert doc.key_pos(("metadata", "name")) == (2, 3)
    assert doc.pos(("components", 0, "tool")) == (5, 11)
    assert doc.pos(("components", 0, "missing")) == (4, 5)


def test_dates_stay_text_and_numbers_are_typed() -> None:
    doc = load_bytes(b"a: 2026-10-15\nb: 1\nc: true\nd: null\ne: '7'\n", "x.yaml")
    assert doc.data == {"a": "2026-10-15", "b": 1, "c": True, "d": None, "e": "7"}


def test_merge_keys_are_supported() -> None:
    doc = load_bytes(b"base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3\n", "x.yaml")
    assert doc.data["c"] == {"x": 1, "y": 3}


def test_format_path() -> None:
    assert format_path(("components", 3, "tool")) == "components[3].tool"
    assert format_path(()) == ""


def test_file_size_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: " + b"x" * MAX_FILE_BYTES + b"\n")
    with pytest.raises(MlopsdiagError) as info:
        load_file(big, "big.yaml")
    assert "larger than" in info.value.diagnostics[0].message


def test_unreadable_path_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(MlopsdiagError):
        load_file(tmp_path / "missing.yaml")


def test_billion_laughs_fails_fast() -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 12):
        refs = ",".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    start = time.perf_counter()
    with pytest.raises(MlopsdiagError) as info:
        load_bytes("\n".join(lines).encode(), "x.yaml")
    assert "expands to more than" in info.value.message
    assert time.perf_counter() - start < 10  # generous: the point is "not hours"


def test_recursive_alias_is_refused() -> None:
    with pytest.raises(MlopsdiagError):
        load_bytes(b"a: &a [*a]\n", "x.yaml")


def test_deep_nesting_is_refused() -> None:
    with pytest.raises(MlopsdiagError):
        load_bytes(b"a: " + b"[" * 5000 + b"]" * 5000, "x.yaml")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=512))
def test_no_bytes_crash_the_loader(raw: bytes) -> None:
    try:
        doc = load_bytes(raw, "fuzz.yaml")
    except MlopsdiagError as exc:
        assert exc.diagnostics
        for diag in exc.diagnostics:
            assert diag.line >= 1 and diag.col >= 1
    else:
        assert isinstance(doc.data, dict)


YAMLISH = st.lists(
    st.sampled_from([*"ab:-[]{}&*!|>'\"#,? \n\t0<=%@`\\", "---", "...", "<<", "!!str"]),
    max_size=80,
).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(YAMLISH)
def test_no_yamlish_text_crashes_the_loader(text: str) -> None:
    try:
        load_bytes(text.encode("utf-8"), "fuzz.yaml")
    except MlopsdiagError as exc:
        assert exc.diagnostics
