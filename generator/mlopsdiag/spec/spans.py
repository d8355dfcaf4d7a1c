"""End positions for diagnostics: where the offending value ends, read from its document."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from mlopsdiag.errors import Diagnostic
from mlopsdiag.spec.loader import Document, parse_path


def with_end_positions(
    diagnostics: Iterable[Diagnostic], documents: Mapping[str, Document]
) -> list[Diagnostic]:
    """The diagnostics, each given the end of the value or key it points at where known.

    A diagnostic names its value by field path and start position; the end is that
    node's end in the loaded document (the value, or the key when the diagnostic points at
    the key). Diagnostics whose start is no node's start keep an unknown end (0, 0).
    """
    out: list[Diagnostic] = []
    for diag in diagnostics:
        doc = documents.get(diag.path)
        end = None
        if doc is not None and not diag.end_line:
            end = doc.end_of(parse_path(diag.field), (diag.line, diag.col))
        if end is None:
            out.append(diag)
        else:
            out.append(dataclasses.replace(diag, end_line=end[0], end_col=end[1]))
    return out
