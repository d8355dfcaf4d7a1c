"""Recognise text that looks like a credential, without ever returning the credential."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from mlopsdiag.errors import Diagnostic
from mlopsdiag.spec.loader import Document, PathKey, format_path

# (what it is, pattern). Order matters only for which name is reported first.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("private key block", re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----")),
    ("AWS access key id", re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b")),
    (
        "AWS secret access key",
        re.compile(r"(?i:aws.{0,20}(?:secret|key).{0,20}[:=]\s*['\"]?)[A-Za-z0-9/+]{40}\b"),
    ),
    ("Google API key", re.compile(r"\bAIza[0-9A-Za-z_\-]{35}")),
    ("GitHub token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})")),
    ("GitLab token", re.compile(r"\bgl(?:pat|dt|rt|ptt|cbt)-[A-Za-z0-9_\-]{20,}")),
    ("Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    (
        "Slack webhook URL",
        re.compile(
            r"hooks\.slack\.com/(?:services|workflows)/[A-Za-z0-9]+/[A-Za-z0-9]+/[A-Za-z0-9]+"
        ),
    ),
    ("Stripe key", re.compile(r"\b[sr]k_(?:live|test)_[0-9A-Za-z]{16,}")),
    ("OpenAI-style API key", re.compile(r"\bsk-(?:proj-)?[A-Za-z0-9_\-]{32,}")),
    (
        "JSON Web Token",
        re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    ),
    ("URL with an embedded password", re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@")),
    ("Azure storage account key", re.compile(r"(?i:AccountKey=)[A-Za-z0-9+/=]{20,}")),
)

# One pass over the text finds whether any of the patterns above can match at all.
_ANY = re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern in _PATTERNS))

MIN_LENGTH = 8
"""Shorter text is never reported: no credential format is that short."""

_ASSIGNMENT = re.compile(
    r"(?i)\b(?:password|passwd|pwd|pass|secret|client[_-]?secret|token|api[_-]?key|"
    r"access[_-]?key|auth[_-]?token|private[_-]?key)\b\s*(?P<op>[:=])\s*"
    r"(?P<q>['\"]?)(?P<value>[^\s'\",;]+)"
)

# Values after `password=` that are references or placeholders, not secrets.
_REFERENCE = re.compile(
    r"(?i)^(?:[a-z][a-z0-9+.-]*://|\$\{|\$[A-Z_]|<[^>]*>$|\{\{|%\(|\*+$|x+$|\.\.\.|…|"
    r"none$|null$|redacted$|changeme$|see$|stored$|in$|from$|via$)"
)

_TOKEN = re.compile(r"[A-Za-z0-9+/=_\-]{32,}")


def _entropy(text: str) -> float:
    counts = Counter(text)
    total = len(text)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


def _high_entropy(text: str) -> bool:
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        start = match.start()
        prefix = text[max(0, start - 8) : start].lower()
        if prefix.endswith(("sha256:", "sha1:", "sha512:", "md5:")):
            continue  # content digests are not secrets
        if text[max(0, start - 3) : start] == "://" or ("/" in token.strip("/") and "-" in token):
            continue  # part of a URL or a path of words
        classes = sum(
            (
                any(c.islower() for c in token),
                any(c.isupper() for c in token),
                any(c.isdigit() for c in token),
            )
        )
        if classes == 3 and _entropy(token) >= 4.2:
            return True
    return False


# --------------------------------------------------------------------------- the gate

GATE_RUN = 10
"""Token characters in a row that every token-shaped credential has (the shortest: a
private key block's `-----BEGIN`, a JWT's `eyJ` + 8)."""
GATE_WORDS = ("pass", "pwd", "secret", "token", "key", "bearer", "basic", "auth", "login", "mysql")
"""Words (lower case) that every credential found by its context rather than its shape
is written next to: `password=...`, `--token ...`, `Bearer ...`, `mysql -p...`."""
_GATE = re.compile(rf"[A-Za-z0-9+/=_\-]{{{GATE_RUN}}}|://")


def could_hold_secret(text: str) -> bool:
    """False when no credential pattern can match `text`: the cheap test before them.

    The invariant (tested over every pattern's examples, and checked by every test that
    expects `find_secret` to find something, since the gate runs first): a text the
    patterns flag is at least MIN_LENGTH long and has a run of GATE_RUN token characters,
    a `://`, or one of GATE_WORDS. A new pattern that needs none of these must widen the
    gate. Most strings of a spec (names, ids, short sentences) fail it and skip the scan.
    """
    if len(text) < MIN_LENGTH:
        return False
    if _GATE.search(text) is not None:
        return True
    lower = text.lower()
    return any(word in lower for word in GATE_WORDS)


def find_secret(text: str) -> str | None:
    """Name the kind of credential `text` seems to contain, or None. Never returns the value."""
    if not could_hold_secret(text):
        return None
    return _find_secret(text)


def _find_secret(text: str) -> str | None:
    """`find_secret` without the gate (what the gate must agree with)."""
    if len(text) < MIN_LENGTH:
        return None
    if _ANY.search(text):
        for name, pattern in _PATTERNS:
            if pattern.search(text):
                return name
    for match in _ASSIGNMENT.finditer(text):
        value = match.group("value")
        if _REFERENCE.match(value):
            continue
        # "token: stored in vault" is prose; "password: hunter2" is a pasted secret.
        if (
            match.group("op") == ":"
            and not match.group("q")
            and (len(value) < 6 or value.isalpha())
        ):
            continue
        return f"'{match.group(0).split(match.group('op'))[0].strip()}' assignment with a value"
    if _high_entropy(text):
        return "long random-looking string (possible key or token)"
    return None


# --------------------------------------------------------------------------- documents


def _strings(value: Any, at: PathKey) -> Iterator[tuple[PathKey, str]]:
    if isinstance(value, str):
        yield at, value
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, (*at, i))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield (*at, key), key
            yield from _strings(item, (*at, key))


def check_secrets(doc: Document, out: list[Diagnostic]) -> set[str]:
    """Report credentials by field only; return the field paths that hold them."""
    flagged: set[PathKey] = set()
    for at, text in _strings(doc.data, ()):
        kind = find_secret(text)
        if kind is None or at in flagged:
            continue
        flagged.add(at)
        line, col = doc.pos(at)
        out.append(
            Diagnostic(
                doc.path,
                line,
                col,
                f"this looks like a credential ({kind}); never put secrets in a spec. "
                "Store it in a secret manager and write a reference here instead, "
                "e.g. vault://secret/ml/<name> or \"1Password vault 'ML', item '<name>'\"",
                format_path(at),
            )
        )
    return {format_path(at) for at in flagged}


def drop_echoes(out: list[Diagnostic], secrets: int, hidden: set[str]) -> list[Diagnostic]:
    """Keep the first `secrets` diagnostics (the credential findings) and drop every other
    one about a field that holds a credential: its message could quote it."""
    return out[:secrets] + [d for d in out[secrets:] if d.field not in hidden]
