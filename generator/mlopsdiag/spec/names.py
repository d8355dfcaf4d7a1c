"""Names that become file names: the ones the site itself uses, and the ones Windows cannot
check out."""

from __future__ import annotations

SITE_PAGE_NAMES = frozenset({"index"})
"""File stems the site writes into runbooks/ and tools/ itself (their index pages), so a spec
or a project tool may not take them."""

WINDOWS_DEVICE_NAMES = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{n}" for n in range(10)} | {f"lpt{n}" for n in range(10)}
)
"""Device names Windows refuses as a file name (with any extension), so a repository holding
such a file cannot be checked out there."""


def file_name_problem(name: str, *, site_page: bool = False) -> str | None:
    """Why `name` cannot be used as a file name stem, or None when it can.

    `site_page` marks names that become a page next to the site's own index pages.
    """
    stem = name.split(".", 1)[0].lower()
    if stem in WINDOWS_DEVICE_NAMES:
        return (
            f"{name!r} is a device name on Windows; a file named after it could not be "
            "checked out there. Choose another name"
        )
    if site_page and stem in SITE_PAGE_NAMES:
        return f"{name!r} is the name of a page the site writes itself; choose another name"
    return None


GENERATED_PICTURES = frozenset({"context"})
"""Picture names render gives every spec besides its views (with `process-<id>` below)."""


def view_id_problem(view_id: str) -> str | None:
    """Why a view may not have this id: it would overwrite a picture render makes itself."""
    if view_id in GENERATED_PICTURES or view_id.startswith("process-"):
        return (
            f"view id {view_id!r} is taken by a picture render draws itself (the context "
            "picture, and process-<id> for each process); choose another id"
        )
    return None
