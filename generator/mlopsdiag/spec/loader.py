"""Read a spec file safely into plain data that remembers where every value came from.

This is the only module that reads spec files. YAML is composed (not constructed), so no
Python object can be created from a tag, aliases are expanded under a budget, duplicate
keys are refused, and every value and key keeps its 1-based line and column.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
import yaml.constructor

from mlopsdiag.errors import Diagnostic, MlopsdiagError

try:  # libyaml is several times faster; fall back to the pure-Python parser without it.
    _Base: type[Any] = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Base = yaml.SafeLoader

_PLAIN_TAGS: dict[str, str] = {}
"""Plain scalar text -> its implicit tag: the same ids and words recur across specs."""
_PLAIN_TAGS_MAX = 50_000


class _Loader(_Base):  # type: ignore[misc]
    """The safe loader, with the tag of each plain scalar looked up once per process.

    Resolving a tag tries the implicit resolvers' patterns in Python for every scalar,
    about a quarter of composing a spec; a spec's scalars are mostly the same few hundred
    words. Quoted scalars are always text, and collections keep their default tags (no
    path resolvers are registered).
    """

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is not yaml.ScalarNode:
            return _SEQ if kind is yaml.SequenceNode else _MAP
        if not implicit[0]:
            return _STR
        tag = _PLAIN_TAGS.get(value)
        if tag is None:
            tag = _Base.resolve(self, kind, value, implicit)
            if len(_PLAIN_TAGS) >= _PLAIN_TAGS_MAX:
                _PLAIN_TAGS.clear()
            _PLAIN_TAGS[value] = tag
        return tag


MAX_FILE_BYTES = 1_048_576
"""Spec files above this size are refused before parsing (a spec is a few kilobytes)."""

MAX_VALUES = 200_000
"""Upper bound on values after alias expansion: stops "billion laughs" files early."""

MAX_CHARS = 2 * MAX_FILE_BYTES
"""Upper bound on the text of all values and keys after alias expansion: a large value
aliased many times would otherwise make a small file into gigabytes of pages."""

MAX_DEPTH = 64
"""Deepest nesting accepted; real specs need about six levels."""

PathKey = tuple[str | int, ...]

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"

_constructor = yaml.constructor.SafeConstructor()


@dataclass
class Document:
    """A loaded spec: plain data plus the position of every value and key in it."""

    path: str
    data: dict[str, Any]
    positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    ends: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    """Where each value ends: line and the column just after its last character."""
    key_ends: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    """Where each key ends, like `ends`."""
    texts: frozenset[str] | None = None
    """Every distinct text of the file, keys and values, as read (None when `data` was
    made in code rather than read)."""

    def pos(self, path: PathKey) -> tuple[int, int]:
        """Line and column of the value at `path`, or of its nearest existing ancestor."""
        while path:
            found = self.positions.get(path)
            if found is not None:
                return found
            path = path[:-1]
        return self.positions.get((), (1, 1))

    def key_pos(self, path: PathKey) -> tuple[int, int]:
        """Line and column of the key that introduces `path` (falls back to `pos`)."""
        found = self.key_positions.get(path)
        return found if found is not None else self.pos(path)

    def end_of(self, path: PathKey, start: tuple[int, int]) -> tuple[int, int] | None:
        """End of the value or key at `path` (or an ancestor) that starts at `start`."""
        while True:
            if self.positions.get(path) == start:
                return self.ends.get(path)
            if self.key_positions.get(path) == start:
                return self.key_ends.get(path)
            if not path:
                return None
            path = path[:-1]


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_ -]*")
_UNSEEN = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]"
)


def format_path(path: PathKey) -> str:
    """Render a path as `components[3].tool`.

    A key that is not plain words is written quoted and escaped, `links["a.b\\r\\n"]`,
    so that no key can break a diagnostic line or pose as another field.
    """
    out: list[str] = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _PLAIN_KEY.fullmatch(part) and not part.endswith(" "):
            out.append(f".{part}" if out else part)
        else:
            quoted = json.dumps(part, ensure_ascii=False)
            out.append("[" + _UNSEEN.sub(lambda m: f"\\u{ord(m.group(0)):04x}", quoted) + "]")
    return "".join(out)


_PART = re.compile(r'\[("(?:[^"\\]|\\.)*")\]|([^.\[\]]+)|\[(\d+)\]')


def parse_path(text: str) -> PathKey:
    """Inverse of `format_path`: `components[3].tool` -> ("components", 3, "tool")."""
    parts: list[str | int] = []
    for quoted, name, index in _PART.findall(text):
        if quoted:
            parts.append(str(json.loads(quoted)))
        else:
            parts.append(int(index) if index else name)
    return tuple(parts)


def load_file(path: Path, display: str | None = None) -> Document:
    """Load one spec file; raise MlopsdiagError with positioned diagnostics on any problem."""
    shown = display if display is not None else str(path)
    try:
        # Read at most one byte past the cap, whatever the file claims to be: /dev/zero, a
        # pipe or a growing file has no meaningful stat size.
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise _fail(shown, 1, 1, f"cannot read file: {exc.strerror or exc}") from None
    except ValueError as exc:  # a path with a NUL character
        raise _fail(shown, 1, 1, f"cannot read file: {exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise _fail(
            shown,
            1,
            1,
            f"file is larger than {MAX_FILE_BYTES} bytes; the limit for a spec",
        )
    return load_bytes(raw, shown)


def _decode(raw: bytes, path: str) -> str:
    """A file's bytes as text: UTF-8, its byte-order mark dropped; a byte that is not UTF-8
    or a NUL (a binary file) is an error at its position."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _offset_to_pos(raw, exc.start)
        raise _fail(path, line, col, "file is not valid UTF-8 (save it as UTF-8)") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        line, col = _offset_to_pos(raw, raw.index(b"\x00"))
        raise _fail(path, line, col, "file contains a NUL character; is it a binary file?")
    return text


def load_bytes(raw: bytes, path: str) -> Document:
    """Load spec text given as bytes; `path` is only used in diagnostics."""
    if len(raw) > MAX_FILE_BYTES:
        raise _fail(
            path,
            1,
            1,
            f"file is larger than {MAX_FILE_BYTES} bytes; the limit for a spec",
        )
    node = _compose(_decode(raw, path), path)
    if node is None:
        raise _fail(
            path,
            1,
            1,
            "file is empty; a spec needs at least apiVersion, kind, metadata and components",
        )
    builder = _Builder(path)
    data = builder.build(node)
    if builder.errors:
        raise MlopsdiagError(
            f"{path}: cannot load spec", sorted(builder.errors, key=Diagnostic.sort_key)
        )
    if not isinstance(data, dict):
        line, col = _mark(node)
        kind = "a list" if isinstance(data, list) else "a single value"
        raise _fail(
            path, line, col, f"the document is {kind}; a spec must be a mapping of keys to values"
        )
    return builder.document(data, texts=True)


MAX_MANIFEST_BYTES = 16 * MAX_FILE_BYTES
"""Manifest files (`mlopsdiag drift`, `import`) above this size are refused: a compiled
pipeline or a `kubectl get -o yaml` of a namespace is large, but not this large."""


def load_stream(raw: bytes, path: str) -> tuple[list[Document], list[Diagnostic]]:
    """Load every document of a YAML (or JSON) stream, each with its positions.

    For manifests, not specs: a file may hold many documents. A document that cannot be
    read is reported and skipped; a syntax error ends the stream there (the documents
    before it are kept). Empty documents are skipped.
    """
    if len(raw) > MAX_MANIFEST_BYTES:
        message = f"file is larger than {MAX_MANIFEST_BYTES} bytes; the limit for a manifest"
        return [], [Diagnostic(path, 1, 1, message)]
    try:
        text = _decode(raw, path)
    except MlopsdiagError as exc:
        return [], list(exc.diagnostics)
    docs: list[Document] = []
    problems: list[Diagnostic] = []
    loader = _Loader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            builder = _Builder(path)
            try:
                data = builder.build(node)
            except MlopsdiagError as exc:
                problems.extend(exc.diagnostics)
                continue
            except RecursionError:
                problems.append(Diagnostic(path, *_mark(node), "YAML nesting is too deep"))
                continue
            if builder.errors:
                problems.extend(builder.errors)
                continue
            if data is None:
                continue
            if not isinstance(data, dict):
                kind = "a list" if isinstance(data, list) else "a single value"
                problems.append(
                    Diagnostic(path, *_mark(node), f"the document is {kind}, not a mapping")
                )
                continue
            docs.append(builder.document(data))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        problems.append(Diagnostic(path, line, col, _describe_yaml_error(exc)))
    except yaml.YAMLError as exc:
        problems.append(Diagnostic(path, 1, 1, "YAML error: " + " ".join(str(exc).split())))
    except RecursionError:
        problems.append(Diagnostic(path, 1, 1, "YAML nesting is too deep"))
    finally:
        loader.dispose()
    return docs, problems


def _compose(text: str, path: str) -> yaml.Node | None:
    loader = _Loader(text)
    try:
        node: yaml.Node | None = loader.get_single_node()
        return node
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        raise _fail(path, line, col, _describe_yaml_error(exc)) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, no mark
        line, col = _text_pos(text, exc.position)
        raise _fail(
            path,
            line,
            col,
            f"the file contains the control character U+{exc.character:04X}, which YAML "
            "does not allow; remove it (in a double-quoted string, write it as "
            f"\\x{exc.character:02x} if you need it)"
            if isinstance(exc.character, int)
            else "the file contains a character YAML does not allow; remove it",
        ) from None
    except yaml.YAMLError as exc:
        raise _fail(path, 1, 1, "YAML error: " + " ".join(str(exc).split())) from None
    except RecursionError:
        raise _fail(path, 1, 1, "YAML nesting is too deep") from None
    finally:
        loader.dispose()


def _describe_yaml_error(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or "invalid YAML"
    if "expected a single document" in problem or (exc.context or "").startswith(
        "expected a single document"
    ):
        return "more than one YAML document in the file; put each architecture in its own file"
    if exc.context:
        return f"YAML syntax error: {problem} ({exc.context})"
    return f"YAML syntax error: {problem}"


class _Builder:
    """Turns composed YAML nodes into plain data, recording positions and problems."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.positions: dict[PathKey, tuple[int, int]] = {}
        self.key_positions: dict[PathKey, tuple[int, int]] = {}
        self.ends: dict[PathKey, tuple[int, int]] = {}
        self.key_ends: dict[PathKey, tuple[int, int]] = {}
        self.errors: list[Diagnostic] = []
        self.texts: set[str] = set()
        self.count = 0
        self.chars = 0

    def error(self, node: yaml.Node, message: str, at: PathKey) -> None:
        line, col = _mark(node)
        self.errors.append(Diagnostic(self.path, line, col, message, format_path(at)))

    def document(self, data: dict[str, Any], *, texts: bool = False) -> Document:
        """The document built, with the positions recorded while building it (`texts`: also
        the strings it holds, for the secrets gate's quick look)."""
        return Document(
            path=self.path,
            data=data,
            positions=self.positions,
            key_positions=self.key_positions,
            ends=self.ends,
            key_ends=self.key_ends,
            texts=frozenset(self.texts) if texts else None,
        )

    def build(self, node: yaml.Node, at: PathKey = (), depth: int = 0) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            self.too_many(node)
        if depth > MAX_DEPTH:
            raise _fail(
                self.path, *_mark(node), f"values are nested more than {MAX_DEPTH} levels deep"
            )
        if at not in self.positions:
            self.positions[at] = _mark(node)
            self.ends[at] = _end_mark(node)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, at)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                self.error(node, f"unsupported YAML tag {node.tag!r}", at)
            items = [self.child(item, (*at, i), depth + 1) for i, item in enumerate(node.value)]
            if items and not node.flow_style:
                self.end_at_last(at, (*at, len(items) - 1))
            return items
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP:
                self.error(node, f"unsupported YAML tag {node.tag!r}", at)
            mapping = self.mapping(node, at, depth)
            if node.value and not node.flow_style:
                last = node.value[-1][0]
                if isinstance(last, yaml.ScalarNode):
                    self.end_at_last(at, (*at, str(last.value)))
            return mapping
        raise AssertionError(f"unexpected YAML node {node!r}")  # pragma: no cover

    def end_at_last(self, at: PathKey, last: PathKey) -> None:
        # A block collection's own end mark lies past the comments and blank lines that
        # follow it; its last value's end is where a reader sees it end.
        end = self.ends.get(last)
        if end is not None and self.positions.get(at) is not None:
            self.ends[at] = end

    def child(self, node: yaml.Node, at: PathKey, depth: int) -> Any:
        # Fast path for the common case, plain text; everything else goes through build().
        if node.__class__ is yaml.ScalarNode and node.tag == _STR:
            self.count += 1
            self.chars += len(node.value)
            if self.count > MAX_VALUES or self.chars > MAX_CHARS:
                self.too_many(node)
            mark = node.start_mark
            self.positions[at] = (mark.line + 1, mark.column + 1)
            end = node.end_mark
            self.ends[at] = (end.line + 1, end.column + 1)
            value: str = node.value
            self.texts.add(value)
            return value
        return self.build(node, at, depth)

    def too_many(self, node: yaml.Node) -> None:
        line, col = _mark(node)
        why = (
            f"more than {MAX_CHARS} characters of text (aliases repeating a large value?)"
            if self.chars > MAX_CHARS
            else f"more than {MAX_VALUES} values (aliases referring to aliases?)"
        )
        raise _fail(self.path, line, col, f"the document expands to {why}; refusing to load it")

    def scalar(self, node: yaml.ScalarNode, at: PathKey) -> Any:
        tag = node.tag
        self.chars += len(node.value)
        if self.chars > MAX_CHARS:
            self.too_many(node)
        if tag in (_STR, _TIMESTAMP):  # dates stay text, as JSON Schema sees them
            self.texts.add(node.value)
            return node.value
        if tag in (_INT, _FLOAT, _BOOL, _NULL):
            try:
                return _constructor.yaml_constructors[tag](_constructor, node)
            except ValueError:  # Python refuses integers of more than 4300 digits
                self.error(node, "this number is too long to be read; write it as text", at)
                return node.value
        self.error(node, f"unsupported YAML tag {tag!r}; only plain values are allowed", at)
        return node.value

    def mapping(self, node: yaml.MappingNode, at: PathKey, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        merged: list[yaml.MappingNode] = []
        key_positions = self.key_positions
        key_ends = self.key_ends
        positions = self.positions
        ends = self.ends
        texts = self.texts
        scalar = yaml.ScalarNode
        for key_node, value_node in node.value:
            if key_node.__class__ is not yaml.ScalarNode:
                self.error(key_node, "mapping keys must be plain text", at)
                continue
            if key_node.tag == _MERGE:
                merged.extend(self.merge_sources(value_node, at))
                continue
            key = str(key_node.value)
            texts.add(key)
            self.chars += len(key)
            path = (*at, key)
            mark = key_node.start_mark
            if key in result:
                self.error(
                    key_node,
                    f"duplicate key {key!r} (first defined on line {key_positions[path][0]}); "
                    "YAML would silently keep only the last one",
                    path,
                )
                continue
            key_positions[path] = (mark.line + 1, mark.column + 1)
            end = key_node.end_mark
            key_ends[path] = (end.line + 1, end.column + 1)
            if value_node.__class__ is scalar and value_node.tag == _STR:
                # `child`'s fast path, inlined: most values of a spec are plain text.
                text: str = value_node.value
                self.count += 1
                self.chars += len(text)
                if self.count > MAX_VALUES or self.chars > MAX_CHARS:
                    self.too_many(value_node)
                mark = value_node.start_mark
                positions[path] = (mark.line + 1, mark.column + 1)
                end = value_node.end_mark
                ends[path] = (end.line + 1, end.column + 1)
                texts.add(text)
                result[key] = text
            else:
                result[key] = self.build(value_node, path, depth + 1)
        for source in merged:  # explicit keys win over merged ones, as in YAML's merge rules
            for key_node, value_node in source.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE:
                    continue
                key = str(key_node.value)
                if key in result:
                    continue
                texts.add(key)
                key_positions[(*at, key)] = _mark(key_node)
                key_ends[(*at, key)] = _end_mark(key_node)
                result[key] = self.build(value_node, (*at, key), depth + 1)
        return result

    def merge_sources(self, value: yaml.Node, at: PathKey) -> Iterator[yaml.MappingNode]:
        if isinstance(value, yaml.MappingNode):
            yield value
        elif isinstance(value, yaml.SequenceNode) and all(
            isinstance(item, yaml.MappingNode) for item in value.value
        ):
            yield from value.value
        else:
            self.error(value, "a merge key '<<' needs a mapping or a list of mappings", at)


def _mark(node: yaml.Node) -> tuple[int, int]:
    mark = node.start_mark
    return (mark.line + 1, mark.column + 1)


def _text_pos(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _end_mark(node: yaml.Node) -> tuple[int, int]:
    mark = node.end_mark
    return (mark.line + 1, mark.column + 1)


def _offset_to_pos(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line = before.count(b"\n") + 1
    line_start = before.rfind(b"\n") + 1
    col = len(before[line_start:].decode("utf-8", errors="replace")) + 1
    return line, col


def _fail(path: str, line: int, col: int, message: str) -> MlopsdiagError:
    return MlopsdiagError(message, [Diagnostic(path, line, col, message)])
