"""Shared fixtures and the --update-goldens switch."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="Rewrite golden files from the current output instead of comparing.",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if shutil.which("dot") is None:
        skip = pytest.mark.skip(reason="Graphviz `dot` is not installed")
        for item in items:
            if "graphviz" in item.keywords:
                item.add_marker(skip)


# The built site, its server, the browser and a watched tab: shared by every browser test.
from browser_site import browser, hostile_site, serve, site, tab  # noqa: E402, F401
