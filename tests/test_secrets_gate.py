"""The cheap gate before the credential patterns: it may let anything through, but never a
text the patterns would flag."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from mlopsdiag.spec import secrets
from mlopsdiag.spec.secrets import _find_secret, could_hold_secret, find_secret

# Made-up credentials of every shape the patterns know, built from parts so that no
# scanner mistakes this file for a leak. Pattern name -> examples.
_A = "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z" * 2
EXAMPLES: dict[str, tuple[str, ...]] = {
    "private key block": ("-----BEGIN " + "RSA PRIVATE KEY-----",),
    "AWS access key id": ("AKIA" + "ABCDEFGHIJ234567",),
    "AWS secret access key": ("aws_secret_access_key = " + _A[:40],),
    "Google API key": ("AIza" + _A[:35],),
    "GitHub token": ("ghp_" + _A[:36], "github_pat_" + _A[:22]),
    "GitLab token": ("glpat-" + _A[:20],),
    "Slack token": ("xoxb-" + "1234567890-abcdef",),
    "Slack webhook URL": ("https://hooks.slack.com/services/" + "T0/B0/x1",),
    "Stripe key": ("sk_live_" + _A[:16],),
    "OpenAI-style API key": ("sk-" + _A[:32],),
    "JSON Web Token": ("eyJ" + "hbGciOiJI.eyJ" + "zdWIiOiIx.SflKxwRJSM",),
    "URL with an embedded password": ("postgres://ml:" + "hunter22@db.example.com/x",),
    "Azure storage account key": ("AccountKey=" + _A[:20],),
    "Slack app token": ("xapp-1-" + "A0123456789-1234567890-" + "abcdef0123456789abcd",),
    "Twilio API key": ("SK" + "0123456789abcdef" * 2,),
    "Databricks token": ("dapi" + "0123456789abcdef" * 2,),
    "Kaggle API key": ('{"username":"ml","key":"' + "0123456789abcdef" * 2 + '"}',),
    "API key after a login command": ("wandb login " + "0123456789abcdef" * 3,),
    "Hugging Face token": ("hf_" + "abcdefghijklmnopqrstuvwxyzABCDEFGH",),
    "Azure SAS signature": ("https://a.blob.core.windows.net/c?sv=1&sig=" + "abcd%2B" * 6,),
    "HTTP Token credentials": ("Authorization: Token " + "0123456789abcdef" * 3,),
    "Google service account private_key_id": (
        '"private_key_id": "' + "0123456789abcdef" * 2 + "01234567" + '"',
    ),
}
OTHER_POSITIVES = (
    "password=" + "hunter22",
    "passwd: " + "'s3cr3t!x'",
    "TOKEN=" + "abc123def",
    "api_key = " + "'9f8e7d6c'",
    "the key is " + _A[:40],
)


def test_every_pattern_has_examples_the_gate_lets_through() -> None:
    names = [name for name, _ in secrets.patterns()]
    missing = [name for name in names if name not in EXAMPLES]
    assert not missing, f"add examples of these patterns to EXAMPLES: {missing}"
    for name, pattern in secrets.patterns():
        for example in EXAMPLES[name]:
            assert pattern.search(example), (name, "example does not match its pattern")
            assert could_hold_secret(example), (name, "the gate stops a credential")
            assert find_secret(example) is not None, name


def test_assignments_and_random_strings_pass_the_gate() -> None:
    for example in OTHER_POSITIVES:
        assert _find_secret(example) is not None, example
        assert could_hold_secret(example), example
        assert find_secret(example) == _find_secret(example)


def test_ordinary_spec_text_is_stopped_by_the_gate() -> None:
    for text in ("Step 12 (mlflow)", "Feature store", "Prepare the data.", "online serving"):
        assert not could_hold_secret(text), text


@settings(max_examples=400, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(string.ascii_letters + string.digits + " :=@/+_-.'\"\n"),
        max_size=80,
    )
)
def test_the_gate_never_changes_the_answer(text: str) -> None:
    assert find_secret(text) == _find_secret(text)
