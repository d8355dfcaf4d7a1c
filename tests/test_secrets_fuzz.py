"""Every credential pattern takes time linear in the text (issue 19, 2).

A backtracking pattern can take quadratic or exponential time on a short crafted line, and
every command that validates would hang on it. Each pattern is timed against adversarial
texts of growing length (a prefix that starts a candidate, then one piece repeated); the
test fails when quadrupling the length multiplies the time by much more than four.

Timing is noisy on a shared machine, so: the best of several runs is taken, a ratio is only
judged once the longer text takes long enough to measure, the limit is generous (linear
growth gives 4x, quadratic 16x, the limit is 9x), and a suspicious pair is measured again
before the test fails.
"""

from __future__ import annotations

import re
import time

from mlopsdiag.spec.secrets import all_patterns

# Pieces that extend a candidate without completing it: option-like words, separators,
# runs of token characters, half URLs and half assignments.
PUMPS = (
    " --a", " -a", " -p", " a", "a", "A", "0", "a-", "-a", "a_", "a.", "a ", " ", "\t",
    "a:", ":a", "@", "a@", "a:a@", "/", "x/", "=", "%2B", "://", "a-b.", "sk-", "hf_",
    "eyJaaaaaaaaa.", "AKIA", "aws", "key=", "password ", "pass:", "login ", "mysql ",
    "Bearer ", "token ", "sig=", "'", "\"", "is ",
)  # fmt: skip
# Words that open a candidate, each followed by the pieces a command line or URL repeats.
PREFIXES = (
    "docker login", "wandb login", "mysql", "sshpass", "redis-cli", "curl", "aws key",
    "postgres://", "x://a:", "password", "the password is", "Authorization: ",
    "Authorization: Token ", "kaggle", "https://a.blob.core.windows.net/c?sv=1&sig=",
    "private_key_id", "-----BEGIN ",
)  # fmt: skip
PREFIX_PUMPS = (" --a", " -a", " a", "a", "a-", " ", ":", "/", "-p", "%2B", "a=")

CASES = [("", pump) for pump in PUMPS] + [(p, pump) for p in PREFIXES for pump in PREFIX_PUMPS]

MEASURABLE = 0.0005
"""Seconds the longer text must take before a ratio means anything."""
LONGEST = 4096
"""Characters: a linear pattern never gets measurable below this, and that is the answer."""
LIMIT = 9.0
"""Growth of the time when the length grows four times (linear: 4, quadratic: 16)."""
TOO_SLOW = 1.0
"""Seconds one search may take on a text of at most LONGEST characters, whatever the ratio."""


def _best(pattern: re.Pattern[str], text: str, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.thread_time()
        for _match in pattern.finditer(text):
            pass
        best = min(best, time.thread_time() - start)
    return best


def growth(pattern: re.Pattern[str], prefix: str, pump: str, runs: int = 2) -> float | None:
    """How much longer a search takes when the text is four times as long, at the first
    length where that is measurable; None when even LONGEST characters are fast."""
    times: dict[int, float] = {}
    count = 4
    while True:
        text = prefix + pump * count + "!"
        took = _best(pattern, text, runs)
        if took > TOO_SLOW:
            return float("inf")
        times[count] = took
        if count // 4 in times and took >= MEASURABLE:
            return took / max(times[count // 4], 1e-7)
        if len(text) > LONGEST:
            return None
        count *= 2


def test_every_pattern_is_timed() -> None:
    names = [name for name, _ in all_patterns()]
    # the shape patterns and the context patterns (assignments, options, URLs, prose...)
    assert len(names) >= 25
    assert "API key after a login command" in names and "password given on a command line" in names


def test_no_pattern_grows_faster_than_linearly() -> None:
    slow: list[str] = []
    for name, pattern in all_patterns():
        for prefix, pump in CASES:
            ratio = growth(pattern, prefix, pump)
            if ratio is None or ratio <= LIMIT:
                continue
            # Measure again, more carefully, before blaming the pattern for noise.
            again = [growth(pattern, prefix, pump, runs=5) for _ in range(2)]
            if all(r is not None and r > LIMIT for r in again):
                shown = min(r for r in again if r is not None)
                slow.append(f"{name}: {prefix!r} + {pump!r} * n grows {shown:.1f}x for 4x n")
    assert not slow, "super-linear patterns:\n" + "\n".join(slow)


def test_the_reported_attacks_finish_fast() -> None:
    from mlopsdiag.spec.secrets import find_secret

    attacks = (
        "docker login" + " --a" * 60,
        "docker login" + " -a" * 200,
        "mysql " * 20_000,
        "a-" * 50_000,
    )
    for text in attacks:
        start = time.thread_time()
        find_secret(text)
        assert time.thread_time() - start < 2.0, text[:40]
