"""Every page of the site: page contexts built from the models, with no I/O.

Each `Page` names its file (relative to the docs folder), its template and the values the
template needs; the modules beside this one build each kind.
"""

from __future__ import annotations

from mlopsdiag.site.architecture_pages import architecture_page
from mlopsdiag.site.catalog_pages import capability_pages, tool_pages
from mlopsdiag.site.knowledge_pages import concept_pages, rule_pages
from mlopsdiag.site.pagebase import (
    ARCHITECTURES,
    CLI_REFERENCE,
    GENERATED_DIRS,
    HOME,
    RUNBOOKS,
    SPEC_REFERENCE,
    Page,
    Ref,
    SiteInput,
    finding_counts,
    summarize,
)
from mlopsdiag.site.runbook_pages import runbook_page
from mlopsdiag.site.specreference import SectionDoc


def _home_pages(site: SiteInput) -> list[Page]:
    summaries = tuple(summarize(site, a) for a in site.architectures)
    tags = tuple(sorted({t for s in summaries for t in s.tags}))
    levels = tuple(
        (level, sum(1 for s in summaries if s.inferred_level == level)) for level in range(3)
    )
    totals = finding_counts(f for a in site.architectures for f in site.findings.get(a.name, ()))
    common = {
        "summaries": summaries,
        "tags": tags,
        "levels": levels,
        "totals": totals,
        "site_name": site.site_name,
    }
    return [
        Page(HOME, "home.md.j2", "every spec", common, meta={"hide": ["toc"]}),
        Page(ARCHITECTURES, "architectures-index.md.j2", "every spec", common),
        Page(RUNBOOKS, "runbooks-index.md.j2", "every spec", common),
    ]


def _reference_pages(site: SiteInput) -> list[Page]:
    from mlopsdiag.site.specreference import schema_sections

    sections: tuple[SectionDoc, ...] = tuple(schema_sections(site.spec_schema))
    extras = tuple(
        (title, tuple(schema_sections(schema, prefix)))
        for title, prefix, schema in site.extra_schemas
    )
    pages = [
        Page(
            SPEC_REFERENCE,
            "spec-reference.md.j2",
            "the spec schema",
            {"sections": sections, "extras": extras},
        ),
    ]
    if site.commands:  # handed in by the caller: the site never imports the command line
        pages.append(
            Page(
                CLI_REFERENCE,
                "cli-reference.md.j2",
                "the command line",
                {"commands": site.commands},
            )
        )
    return pages


def build_pages(site: SiteInput) -> list[Page]:
    """Every page of the site, in a stable order."""
    pages = _home_pages(site)
    for arch in site.architectures:
        pages.append(architecture_page(site, arch))
        pages.append(runbook_page(site, arch))
    pages += tool_pages(site)
    pages += capability_pages(site)
    pages += concept_pages(site)
    pages += rule_pages(site)
    pages += _reference_pages(site)
    return pages


__all__ = ["GENERATED_DIRS", "HOME", "Page", "Ref", "SiteInput", "build_pages"]
