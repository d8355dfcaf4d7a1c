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


# --------------------------------------------------------------------------- hidden secrets

_INVISIBLE = [
    *"\x01\x02\x07\x08\x0b\x0c\x0e\x1b\x1f\x7f",
    *"\u200b\u200c\u200d\u2060\ufeff\u00ad",
]
_SECRET_CASES = Path(__file__).parent / "cases" / "secrets"
_CREDENTIALS = sorted(
    (p / "secret.txt").read_text(encoding="utf-8")
    for p in _SECRET_CASES.iterdir()
    if (p / "secret.txt").is_file()
)


def _string_paths(value: object, at: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    if isinstance(value, str):
        return [at]
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in _string_paths(item, (*at, i))]
    if isinstance(value, dict):
        return [p for k, item in value.items() for p in _string_paths(item, (*at, k))]
    return []


@st.composite
def _hidden_credential(draw: st.DrawFn) -> str:
    """A credential with control and zero-width characters sprinkled into it."""
    text = draw(st.sampled_from(_CREDENTIALS))
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), min_size=1, max_size=4)))
    pieces, last = [], 0
    for cut in cuts:
        pieces += [text[last:cut], draw(st.sampled_from(_INVISIBLE))]
        last = cut
    return "".join([*pieces, text[last:]])


def _base_spec() -> dict[str, object]:
    root = Path(__file__).resolve().parent.parent
    return load_file(root / "specs" / "fraud-gitops-kserve-canary.yaml").data


_BASE = _base_spec()
_PATHS = _string_paths(_BASE)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    where=st.sampled_from(_PATHS),
    secret=_hidden_credential(),
    as_key=st.booleans(),
)
def test_no_hidden_credential_survives_into_any_output(
    where: tuple[str | int, ...], secret: str, as_key: bool
) -> None:
    """Every string field (and a mapping key) gets a credential split by invisible
    characters: validation must refuse it, or no output may contain it."""
    import copy
    import json
    import tempfile

    from mlopsdiag.catalog import builtin_catalog
    from mlopsdiag.render.runner import render_architecture
    from mlopsdiag.site import write_site
    from mlopsdiag.spec.secrets import normalise, patterns
    from mlopsdiag.spec.validate import validate_document

    data = copy.deepcopy(_BASE)
    parent: object = data
    for part in where[:-1]:
        parent = parent[part]  # type: ignore[index]
    if as_key:
        target = {secret: "https://example.com/"}
        parent[where[-1]] = target  # type: ignore[index]
    else:
        parent[where[-1]] = "see " + secret  # type: ignore[index]
    plain = normalise(secret)
    outputs: list[str] = []
    try:
        doc = load_bytes(json.dumps(data).encode("utf-8"), "spec.yaml")
    except MlopsdiagError as exc:
        outputs += [d.format() for d in exc.diagnostics]
    else:
        result = validate_document(doc, builtin_catalog())
        outputs += [d.format() for d in result.diagnostics]
        if result.architecture is not None:
            arch = result.architecture
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp)
                render_architecture(arch, out / "diagrams", ["dot"])
                write_site([arch], out / "docs", findings={arch.name: []})
                for file in out.rglob("*"):
                    page = file.relative_to(out).as_posix()
                    if not file.is_file():
                        continue
                    if file.suffix == ".dot" or page.startswith(
                        ("docs/architectures/", "docs/runbooks/", "docs/index.md")
                    ):
                        outputs.append(file.read_text(encoding="utf-8"))
    for text in outputs:
        seen = normalise(text)
        assert plain not in seen
        for name, pattern in patterns():
            assert pattern.search(seen) is None, name
