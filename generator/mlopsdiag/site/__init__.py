"""The documentation site: Markdown pages generated from the specs, built with MkDocs Material
(or Zensical) into a static site that works offline."""

from __future__ import annotations

from mlopsdiag.site.generate import SiteReport, write_site, write_site_cached

__all__ = ["SiteReport", "write_site", "write_site_cached"]
