"""Knowledge pages (MLOps concepts) and a page per lint rule."""

from __future__ import annotations

from collections import Counter

from mlopsdiag.catalog import STAGE_NAMES, STAGES
from mlopsdiag.site.pagebase import (
    KNOWLEDGE,
    RULES_INDEX,
    Page,
    Ref,
    SiteInput,
    architecture_path,
    capability_ref,
    concept_path,
    concept_ref,
    has_capability,
    rule_path,
    rule_ref,
    rules_for_concepts,
    tool_ref,
)


def concept_pages(site: SiteInput) -> list[Page]:
    catalog = site.catalog
    pages = []
    tools = sorted(catalog.tools.values(), key=lambda t: t.id)
    for concept in site.concepts.values():
        rule_ids = rules_for_concepts(site, [concept.id])
        cap_ids = [c for c in concept.capabilities if c in catalog.capabilities]
        in_archs = []
        for arch in site.architectures:
            has = tuple(
                capability_ref(catalog, c) for c in cap_ids if has_capability(site, arch, c)
            )
            fired = tuple(
                dict.fromkeys(
                    f.code for f in site.findings.get(arch.name, ()) if f.code in rule_ids
                )
            )
            if has or fired:
                in_archs.append(
                    (
                        Ref(arch.metadata.title, architecture_path(arch.name)),
                        has,
                        tuple(rule_ref(site.rules, r) for r in fired),
                    )
                )
        pages.append(
            Page(
                concept_path(concept.id),
                "concept.md.j2",
                f"knowledge/{concept.id}.md",
                {
                    "concept": concept,
                    "capabilities": tuple(capability_ref(catalog, c) for c in cap_ids),
                    "rules": tuple((site.rules[r], rule_ref(site.rules, r)) for r in rule_ids),
                    "tools": tuple(
                        tool_ref(catalog, t.id)
                        for t in tools
                        if t.builtin and set(cap_ids) & set(t.capabilities)
                    ),
                    "related": tuple(
                        concept_ref(site.concepts, r) for r in concept.related if r in site.concepts
                    ),
                    "architectures": tuple(in_archs),
                },
            )
        )
    stages = []
    for stage in (*STAGES, ""):
        caps = tuple(
            (c, capability_ref(catalog, c.id))
            for c in catalog.capabilities.values()
            if (c.stage if c.stage in STAGES else "") == stage
        )
        if caps:
            stages.append((STAGE_NAMES[stage], caps))
    pages.append(
        Page(
            KNOWLEDGE,
            "knowledge-index.md.j2",
            "the MLOps knowledge pages",
            {
                "concepts": tuple(
                    (c, concept_ref(site.concepts, c.id)) for c in site.concepts.values()
                ),
                "stages": tuple(stages),
            },
        )
    )
    return pages


def rule_pages(site: SiteInput) -> list[Page]:
    """A page per rule and the rules index.

    A rule's page links to each architecture where the rule fires, with the number of
    findings there; the findings themselves stay on the architecture pages, so no page
    grows with the number of specs times the number of findings.
    """
    pages = []
    # Rule id -> (link to an architecture's findings, how many there), in spec order.
    by_rule: dict[str, list[tuple[Ref, int]]] = {}
    for arch in site.architectures:
        counts = Counter(d.code for d in site.findings.get(arch.name, ()) if d.code)
        link = Ref(arch.metadata.title, architecture_path(arch.name), "findings")
        for code, count in counts.items():
            by_rule.setdefault(code, []).append((link, count))
    for rule in site.rules.values():
        pages.append(
            Page(
                rule_path(rule.id),
                "rule.md.j2",
                "the lint rules",
                {
                    "rule": rule,
                    "concepts": tuple(concept_ref(site.concepts, c) for c in rule.concepts),
                    "fired_in": tuple(by_rule.get(rule.id, ())),
                    "findings_total": sum(c for _, c in by_rule.get(rule.id, ())),
                },
            )
        )
    pages.append(
        Page(
            RULES_INDEX,
            "rules-index.md.j2",
            "the lint rules",
            {
                "rules": tuple(
                    (
                        r,
                        rule_ref(site.rules, r.id),
                        sum(c for _, c in by_rule.get(r.id, ())),
                    )
                    for r in site.rules.values()
                )
            },
        )
    )
    return pages
