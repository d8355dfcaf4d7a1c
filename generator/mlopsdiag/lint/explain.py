"""Plain-text documentation of the lint rules, for `mlopsdiag explain`."""

from __future__ import annotations

import textwrap

from mlopsdiag.lint.rules import RULES, Rule

WIDTH = 88


def _paragraph(label: str, text: str) -> list[str]:
    body = textwrap.fill(
        " ".join(text.split()), WIDTH - 2, break_on_hyphens=False, break_long_words=False
    )
    return [f"{label}:", textwrap.indent(body, "  "), ""]


def format_rule(rule: Rule) -> str:
    """A rule's full documentation: condition, rationale, fix, example, concepts and sources."""
    lines = [f"{rule.id} ({rule.severity.value}): {rule.title}", ""]
    lines += _paragraph("Fires when", rule.condition)
    lines += _paragraph("Why it matters", rule.rationale)
    lines += _paragraph("How to fix it", rule.fix)
    lines += ["Example (passes the rule):", textwrap.indent(rule.example.rstrip("\n"), "  "), ""]
    if rule.concepts:
        lines += ["Concepts: " + ", ".join(rule.concepts), ""]
    lines.append("Sources:")
    for source in rule.sources:
        lines.append(f"  - {source.cite()}" + (f" <{source.url}>" if source.url else ""))
    lines.append("")
    lines += _paragraph(
        "Switch it off",
        f"for one spec, with a reason: `lint: {{disable: [{{rule: {rule.id}, reason: ...}}]}}`; "
        f"for every spec, in mlopsdiag-config.yaml: `lint: {{severity: {{{rule.id}: off}}}}`.",
    )
    return "\n".join(lines).rstrip("\n") + "\n"


def format_rule_list() -> str:
    """One line per rule: id, default severity and title."""
    width = max(len(rule_id) for rule_id in RULES)
    lines = [f"{r.id:<{width}}  {r.severity.value:<7}  {r.title}" for r in RULES.values()]
    lines.append("")
    lines.append("`mlopsdiag explain RULE` prints a rule's documentation.")
    return "\n".join(lines) + "\n"
