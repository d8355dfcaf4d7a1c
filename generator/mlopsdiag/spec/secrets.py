"""Recognise text that looks like a credential, without ever returning the credential."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from mlopsdiag.errors import Diagnostic
from mlopsdiag.spec.loader import Document, PathKey, format_path

# The patterns are compiled the first time a text passes the gate below (see `_scanner`):
# most runs never need them, and compiling them took a tenth of a one-spec validate.

# (what it is, pattern). Order matters only for which name is reported first.
#
# Every pattern runs in time linear in the text (tests/test_secrets_fuzz.py times them):
# a repeated part is bounded (a length cap per candidate, so no start position costs more
# than a few hundred steps), and a part that could split two ways is atomic `(?>...)` or
# possessive (`*+`), so a failed match never retries the other split.
_PATTERN_SOURCES: tuple[tuple[str, str], ...] = (
    ("private key block", r"-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----"),
    ("AWS access key id", r"\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b"),
    (
        "AWS secret access key",
        r"(?i:aws.{0,20}?(?:secret|key).{0,20}?[:=]\s{0,10}['\"]?)[A-Za-z0-9/+]{40}\b",
    ),
    ("Google API key", r"\bAIza[0-9A-Za-z_\-]{35}"),
    (
        "Google service account private_key_id",
        r"(?i:\bprivate_key_id['\"]?\s{0,10}[:=]\s{0,10}['\"]?[0-9a-f]{40}\b)",
    ),
    ("GitHub token", r"\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{22})"),
    ("GitLab token", r"\bgl(?:pat|dt|rt|ptt|cbt)-[A-Za-z0-9_\-]{20}"),
    ("Slack token", r"\bxox[abposr]-[A-Za-z0-9-]{10}"),
    ("Slack app token", r"\bxapp-\d{1,20}-[A-Za-z0-9]{1,40}-\d{1,20}-[A-Za-z0-9]{16}"),
    (
        "Slack webhook URL",
        r"hooks\.slack\.com/(?:services|workflows)/[A-Za-z0-9]{1,40}/[A-Za-z0-9]{1,40}/[A-Za-z0-9]",
    ),
    ("Stripe key", r"\b[sr]k_(?:live|test)_[0-9A-Za-z]{16}"),
    ("OpenAI-style API key", r"\bsk-(?:proj-)?[A-Za-z0-9_\-]{32}"),
    ("Twilio API key", r"\bSK[0-9a-fA-F]{32}\b"),
    ("Databricks token", r"\bdapi[0-9a-f]{32}(?:-\d{1,4})?\b"),
    # The real format is hf_ and 34 letters, no digits.
    ("Hugging Face token", r"\bhf_[A-Za-z]{34}\b"),
    (
        "Kaggle API key",
        r"(?i:\bkaggle[^\n]{0,40}?key['\"]?\s{0,10}[:=]\s{0,10}['\"]?[0-9a-f]{32}\b)"
        r"|\"key\"\s{0,10}:\s{0,10}\"[0-9a-f]{32}\"",
    ),
    (
        "API key after a login command",
        # the command word, then options each taken whole (with their value, unless that
        # value is the key itself), then the key
        r"(?i:\b[a-z][a-z0-9_-]{0,30}[ \t]{1,10}login\b"
        r"(?>(?:[ \t]++--?[a-z][a-z-]{0,30}+(?:[= ](?!['\"]?[0-9a-f]{32})[^\s]{1,200}+)?){0,30}+)"
        r"[ \t]{1,10}['\"]?[0-9a-f]{32,200}+\b)",
    ),
    (
        "JSON Web Token",
        r"\beyJ[A-Za-z0-9_-]{8,2000}+\.eyJ[A-Za-z0-9_-]{8,4000}+\.[A-Za-z0-9_-]{8}",
    ),
    ("Azure storage account key", r"(?i:AccountKey=)[A-Za-z0-9+/=]{20}"),
    # A shared access signature: `sig=` and its URL-encoded base64 HMAC.
    ("Azure SAS signature", r"(?i:[?&]sig=)[A-Za-z0-9%+/=]{30}"),
    (
        "HTTP Token credentials",
        r"(?i:\bauthorization['\"]?\s{0,10}:\s{0,10}['\"]?token\s{1,10})[A-Za-z0-9._~+/=-]{20}",
    ),
)


MIN_LENGTH = 8
"""Shorter text is never reported: no credential format is that short."""

# `password=x`, `DB_PASSWORD=x`, `PGPASSWORD=x`, `client-secret: x`. The prefix may be any
# word glued on with `_` or `-` (or nothing, as in PGPASSWORD), except for the short `pass`
# and `pw`, which only count on their own (`bypass=1` is no secret).
_ASSIGNMENT = (
    r"(?i)(?<![a-z0-9])(?P<name>(?:[a-z0-9]{0,30}?(?:password|passwd|passphrase|secret|token|"
    r"api[_-]?key|access[_-]?key|private[_-]?key))|(?:[a-z0-9]{1,30}[_-])?"
    r"(?:pwd|pw|pass|auth[_-]?token))"
    r"(?![a-z0-9])[ \t]{0,10}(?P<op>[:=])[ \t]{0,10}(?P<q>['\"]?)(?P<value>[^\s'\",;]{1,200}+)"
)

# "the password is 'swordfish'"
_PROSE_QUOTED = (
    r"(?i)\b(?:password|passphrase|passwd|token|secret)\s{1,10}(?:is|was|=)\s{1,10}"
    r"(?P<q>['\"`])(?P<value>[^'\"`\s]{4,200}+)(?P=q)"
)

# "the admin password is hunter2", "with password Tr0ub4dor&3": judged by `_secret_word`
_PROSE_BARE = (
    r"(?i)\b(?:password|passphrase|passwd)\b[ \t]{1,10}(?:(?:is|was|=|of)[ \t]{1,10})?"
    r"(?P<value>[^\s'\"`]{4,200}+)"
)

# `--password SECRET`, `--token=SECRET`, `mysql -pSECRET`, `sshpass -p SECRET`,
# `docker login -u me -p SECRET`, `redis-cli -a SECRET`, `curl -u user:SECRET`. What lies
# between the command and its option is capped (a candidate is one command line).
_OPTION = (
    r"(?i)(?:--(?:password|passwd|pass|token|api-key|secret|client-secret)(?:=|[ \t]{1,10})"
    r"|\bmysql(?:dump|admin|import|show|check)?\b[^\n]{0,300}?[ \t]-p"
    r"|\b(?:sshpass|(?:docker|podman|nerdctl|helm[ \t]{1,10}registry)[ \t]{1,10}login)\b"
    r"[^\n]{0,300}?[ \t]-p(?:=|[ \t]{1,10})"
    r"|\bredis-cli\b[^\n]{0,300}?[ \t]-a[ \t]{1,10}"
    r"|\bcurl\b[^\n]{0,300}?[ \t](?:-u|--user)(?:=|[ \t]{1,10})['\"]?[^\s:'\"]{1,100}+:)"
    r"(?P<q>['\"]?)(?P<value>[^\s'\"]{1,200}+)"
)

_AUTH_HEADER = (
    r"(?i)\b(?:authorization\s{0,10}:\s{0,10})?(?P<scheme>basic|bearer)\s{1,10}"
    r"(?P<value>[A-Za-z0-9._~+/=-]{8,500}+)"
)

# scheme://user:password@host, with any scheme case and an empty user (redis://:pw@host).
# The password may hold a `/` (pasted unencoded); a port and path (`host:8080/a@b`) is no
# password, see `_find`.
_URL_PASSWORD = (
    r"(?i)(?<![a-z0-9+.-])[a-z][a-z0-9+.-]{0,30}://[^/\s:@]{0,200}+:(?P<value>[^\s@]{1,200}+)@"  # noqa: S105 - a pattern
)

# Values that are references or placeholders, not secrets.
_REFERENCE = (
    r"(?i)^(?:[a-z][a-z0-9+.-]{0,30}://|\$\{|\$\(|\$[A-Z_]|%[A-Z_]+%|<[^>]*>?$|\{\{|%\(|\*+$|x+$|"
    r"\.\.\.|…|none$|null$|redacted$|changeme$|see$|stored$|in$|from$|via$|prompt$|"
    r"required$|optional$|unset$|empty$|set$)"
)

# `password: X` with X a single word at the end of the text is a pasted secret; these
# words are what people write there instead.
_PROSE_WORDS = frozenset(
    {
        "none",
        "null",
        "empty",
        "unset",
        "required",
        "optional",
        "rotated",
        "managed",
        "provided",
        "n/a",
        "tbd",
        "todo",
        "secret",
        "hidden",
        "redacted",
        "changeme",
        "yes",
        "no",
        "true",
        "false",
        "enabled",
        "disabled",
        "below",
        "above",
        "vault",
        "sso",
        "ldap",
        "oauth",
        "oidc",
        "kerberos",
        "iam",
    }
)

_TOKEN = r"[A-Za-z0-9+/=_\-]{32,}+"  # noqa: S105 - a pattern


@dataclass(frozen=True)
class _Scanner:
    """The compiled patterns."""

    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    any: re.Pattern[str]  # one pass over a text finds whether any pattern can match at all
    assignment: re.Pattern[str]
    prose_quoted: re.Pattern[str]
    prose_bare: re.Pattern[str]
    option: re.Pattern[str]
    auth_header: re.Pattern[str]
    url_password: re.Pattern[str]
    reference: re.Pattern[str]
    token: re.Pattern[str]


@cache
def _scanner() -> _Scanner:
    return _Scanner(
        patterns=patterns(),
        any=re.compile("|".join(f"(?:{source})" for _, source in _PATTERN_SOURCES)),
        assignment=re.compile(_ASSIGNMENT),
        prose_quoted=re.compile(_PROSE_QUOTED),
        prose_bare=re.compile(_PROSE_BARE),
        option=re.compile(_OPTION),
        auth_header=re.compile(_AUTH_HEADER),
        url_password=re.compile(_URL_PASSWORD),
        reference=re.compile(_REFERENCE),
        token=re.compile(_TOKEN),
    )


def all_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Every compiled pattern the scanner runs, named: what the linear-time test times."""
    scan = _scanner()
    return (
        *scan.patterns,
        ("any shape", scan.any),
        ("password given on a command line", scan.option),
        ("assignment", scan.assignment),
        ("a password in a sentence", scan.prose_quoted),
        ("a bare password in a sentence", scan.prose_bare),
        ("HTTP credentials", scan.auth_header),
        ("URL with an embedded password", scan.url_password),
        ("reference", scan.reference),
        ("random-looking string", scan.token),
    )


@cache
def patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(what it is, compiled pattern) of each credential format recognised by its shape."""
    return tuple((name, re.compile(source)) for name, source in _PATTERN_SOURCES)


def _entropy(text: str) -> float:
    counts = Counter(text)
    total = len(text)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


def _high_entropy(text: str) -> str | None:
    for match in _scanner().token.finditer(text):
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
            return token
    return None


# --------------------------------------------------------------------------- the gate

GATE_RUN = 15
"""Token characters in a row (not counting `/`) that every credential found by its shape
alone has (the shortest: a Slack token's `xoxb-` + 10). Shapes with a shorter run have a
word of GATE_WORDS in them: a private key block's `KEY`, a JWT's `eyJ`, a webhook's
`slack`."""
GATE_SLASHED_RUN = 32
"""Token characters in a row, `/` included, of the shortest random-looking string that is
reported (base64 text may have a `/` every few characters)."""
GATE_WORDS = (
    "pass",
    "pwd",
    "secret",
    "token",
    "key",
    "bearer",
    "basic",
    "auth",
    "login",
    "mysql",
    "pw",
    "curl",
    "redis-cli",
    "sig=",
    "slack",
    "eyj",
)
"""Words (lower case) that every credential found by its context rather than its shape
is written next to: `password=...`, `--token ...`, `Bearer ...`, `mysql -p...`."""
_GATE = re.compile(rf"[A-Za-z0-9+=_\-]{{{GATE_RUN}}}|[A-Za-z0-9+/=_\-]{{{GATE_SLASHED_RUN}}}")


def could_hold_secret(text: str) -> bool:
    """False when no credential pattern can match `text`: the cheap test before them.

    The invariant (tested over every pattern's examples, and checked by every test that
    expects `find_secret` to find something, since the gate runs first): a text the
    patterns flag is at least MIN_LENGTH long and has a run of GATE_RUN token characters
    (GATE_SLASHED_RUN counting `/`), a `://` and an `@` (a password in a URL), or one of
    GATE_WORDS. A new pattern that needs none of these must widen the gate. Most strings
    of a spec (names, ids, sentences, links) fail it and skip the scan.
    """
    if len(text) < MIN_LENGTH:
        return False
    if "://" in text and "@" in text:
        return True
    if _GATE.search(text) is not None:
        return True
    lower = text.lower()
    return any(word in lower for word in GATE_WORDS)


_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\ufeff\ufff9-\ufffb]"
)
"""Control characters (but tab and line breaks) and zero-width or direction marks: the
renderers drop them or nobody sees them, so `ghp_\\x01abc` is `ghp_abc` to a reader."""


def normalise(text: str) -> str:
    """`text` without control and zero-width characters, in NFKC form (full-width
    `ｐａｓｓｗｏｒｄ` is `password`): what the scanner looks at."""
    clean = _INVISIBLE.sub("", text)
    return clean if clean.isascii() else unicodedata.normalize("NFKC", clean)


def _is_reference(value: str) -> bool:
    return _scanner().reference.match(value) is not None


def _find(text: str) -> tuple[str, str] | None:
    """(kind, the credential-looking part) of normalised text, or None."""
    if len(text) < MIN_LENGTH:
        return None
    scan = _scanner()
    if scan.any.search(text):
        for name, pattern in scan.patterns:
            match = pattern.search(text)
            if match:
                return name, match.group(0)
    for match in scan.url_password.finditer(text):
        value = match.group("value")
        if not _is_reference(value) and _PORT_AND_PATH.match(value) is None:
            return "URL with an embedded password", match.group(0)
    for match in scan.auth_header.finditer(text):
        value = match.group("value")
        scheme = match.group("scheme").lower()
        # "Bearer tokens expire" is prose: a credential has a digit or is long and mixed.
        if not _is_reference(value) and (
            any(c.isdigit() for c in value) or (scheme == "basic" and value.endswith("="))
        ):
            return f"HTTP {scheme.capitalize()} credentials", match.group(0)
    for match in scan.option.finditer(text):
        value = match.group("value")
        if not _is_reference(value) and not value.startswith("-") and len(value) >= 4:
            return "password given on a command line", match.group(0)
    for match in scan.assignment.finditer(text):
        value = match.group("value")
        if _is_reference(value):
            continue
        if match.group("op") == ":" and not match.group("q") and _looks_like_prose(match, text):
            continue
        return f"'{match.group('name')}' assignment with a value", match.group(0)
    match = scan.prose_quoted.search(text)
    if match and not _is_reference(match.group("value")):
        return "a password in a sentence", match.group(0)
    for match in scan.prose_bare.finditer(text):
        if _secret_word(match.group("value")):
            return "a password in a sentence", match.group(0)
    token = _high_entropy(text)
    if token is not None:
        return "long random-looking string (possible key or token)", token
    return None


_PORT_AND_PATH = re.compile(r"\d{1,5}(?:/|$)")
"""`host:8080/path@x`: what follows the colon is a port, not a password."""

_SYMBOLS = frozenset("!#$%&*^~+=?@")


def _secret_word(value: str) -> bool:
    """`hunter2`, `Tr0ub4dor&3` after "password" in a sentence; `rotated`, `required`,
    `vault://...` are not."""
    word = value.rstrip(".,;:!?)]")
    if len(word) < 4 or _is_reference(word) or word.lower() in _PROSE_WORDS:
        return False
    has_letter = any(c.isalpha() for c in word)
    return has_letter and (any(c.isdigit() for c in word) or any(c in _SYMBOLS for c in word))


def _looks_like_prose(match: re.Match[str], text: str) -> bool:
    """`token: stored in vault` is prose; `password: swordfish` is a pasted secret."""
    value = match.group("value")
    if len(value) >= 6 and not value.isalpha():
        return False  # digits or symbols: a secret, whatever follows
    rest = text[match.end() :]
    last_word = not rest.strip() or rest.lstrip(" \t").startswith(("\n", ".", ")", "]"))
    name = match.group("name").lower()
    # `password: swordfish` as the whole statement is a pasted secret
    return not (last_word and "pass" in name and value.lower() not in _PROSE_WORDS)


def find_secret(text: str) -> str | None:
    """Name the kind of credential `text` seems to contain, or None. Never returns the value."""
    clean = normalise(text)
    if not could_hold_secret(clean):
        return None
    found = _find(clean)
    return found[0] if found is not None else None


def _find_secret(text: str) -> str | None:
    """`find_secret` without the gate (what the gate must agree with)."""
    found = _find(normalise(text))
    return found[0] if found is not None else None


# --------------------------------------------------------------------------- documents


Flagged = dict[PathKey, str]


def _strings(value: Any, at: PathKey) -> Iterator[tuple[PathKey, str, bool]]:
    """(path, text, is a key) of every string in `value`, keys included."""
    if isinstance(value, str):
        yield at, value, False
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, (*at, i))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield (*at, key), key, True
            yield from _strings(item, (*at, key))


@dataclass
class Hidden:
    """What the credential findings of one document flagged, so no other message repeats it."""

    fields: set[str] = field(default_factory=set)
    """Field paths (as written in diagnostics) that hold or lie below a flagged value or key."""
    pieces: set[str] = field(default_factory=set)
    """The start of every credential-looking part, as found and as quoted by `repr`."""

    def echoes(self, diagnostic: Diagnostic) -> bool:
        """True when `diagnostic` is about a flagged field or could quote a credential."""
        where = diagnostic.field
        if any(where == f or where.startswith((f + ".", f + "[")) for f in self.fields):
            return True
        seen = (where + "\n" + diagnostic.message, normalise(where + "\n" + diagnostic.message))
        return any(piece in text for piece in self.pieces for text in seen)

    def __contains__(self, field_path: object) -> bool:
        return field_path in self.fields


_PIECE = 12
"""Characters of a credential's start that are enough to recognise a quote of it."""


_VERDICTS: dict[str, tuple[str, str] | None] = {}
"""What the scanner made of each text seen in this process: keys, ids and tool names repeat
across the specs of a run. Only short texts are kept (long ones rarely repeat), and the
whole is cleared when it grows past _VERDICTS_MAX, so a long `serve` stays small."""
_VERDICTS_MAX = 50_000
_VERDICT_CHARS = 200


def _verdict(text: str) -> tuple[str, str] | None:
    """(kind, credential-looking part) of raw `text`, or None; remembered per process."""
    try:
        return _VERDICTS[text]
    except KeyError:
        pass
    clean = normalise(text)
    found = _find(clean) if could_hold_secret(clean) else None
    if len(text) <= _VERDICT_CHARS:
        if len(_VERDICTS) >= _VERDICTS_MAX:
            _VERDICTS.clear()
        _VERDICTS[text] = found
    return found


def _any_flagged(doc: Document) -> bool:
    """True when some text of `doc` (a key or a value) looks like a credential.

    The common case, a clean document, is settled here without building a single field
    path: each distinct text the loader read is judged once (data made in code is walked).
    """
    if doc.texts is not None:
        return any(_verdict(text) is not None for text in doc.texts)
    stack: list[Any] = [doc.data]
    seen: set[str] = set()
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            texts: Iterator[Any] = iter(value)
            stack.extend(value.values())
        elif isinstance(value, list):
            texts = iter(())
            stack.extend(value)
        else:
            texts = iter((value,))
        for text in texts:
            if isinstance(text, str) and text not in seen:
                seen.add(text)
                if _verdict(text) is not None:
                    return True
    return False


def check_secrets(doc: Document, out: list[Diagnostic]) -> Hidden:
    """Report credentials by field only (a flagged key is never named); return what to hide.

    Text is normalised first (control and zero-width characters removed), as every output
    shows it. Each distinct text is scanned once (a value shared through YAML aliases, or
    a key every spec has).
    """
    hidden = Hidden()
    if not _any_flagged(doc):
        return hidden
    flagged_keys: set[PathKey] = set()
    for at, text, is_key in _strings(doc.data, ()):
        if any(at[: len(k)] == k for k in flagged_keys):
            continue  # below a flagged key: its path would name the key
        found = _verdict(text)
        if found is None:
            continue
        kind, part = found
        raw_path = format_path(at)
        if raw_path in hidden.fields:
            continue
        hidden.fields.add(raw_path)
        for piece in (part, text, repr(text)[1:-1], repr(part)[1:-1]):
            hidden.pieces.add(piece[:_PIECE])
        if is_key:
            flagged_keys.add(at)
            line, col = doc.key_pos(at)
            shown = format_path(at[:-1])
            message = f"a key of this mapping looks like a credential ({kind}); "
        else:
            line, col = doc.pos(at)
            shown = raw_path
            message = f"this looks like a credential ({kind}); "
        out.append(
            Diagnostic(
                doc.path,
                line,
                col,
                message + "never put secrets in a spec. "
                "Store it in a secret manager and write a reference here instead, "
                "e.g. vault://secret/ml/<name> or \"1Password vault 'ML', item '<name>'\"",
                shown,
            )
        )
    return hidden


def drop_echoes(out: list[Diagnostic], secrets: int, hidden: Hidden) -> list[Diagnostic]:
    """Keep the first `secrets` diagnostics (the credential findings) and drop every other
    one about a field that holds a credential, or that quotes one."""
    return out[:secrets] + [d for d in out[secrets:] if not hidden.echoes(d)]
