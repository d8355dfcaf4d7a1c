#!/usr/bin/env python3
"""Write the JSON copies of mlopsdiag's own data files, which every run reads at start-up.

The YAML files (the tool catalogue, the capability taxonomy, the lint rules) are the ones
to edit; each JSON copy records the digest of the YAML text it was made from, and
`mlopsdiag.catalog.read_data_yaml` uses a copy only while the digest matches. Reading the
JSON takes well under a millisecond where the YAML takes several.

Usage::

    python scripts/make_data.py            # (re)write the copies
    python scripts/make_data.py --check    # exit 1 when a copy is missing or stale
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "generator"))

from mlopsdiag.catalog import compiled_path, source_digest  # noqa: E402

DATA_FILES = (
    ROOT / "generator" / "mlopsdiag" / "catalog" / "tools.yaml",
    ROOT / "generator" / "mlopsdiag" / "catalog" / "capabilities.yaml",
    ROOT / "generator" / "mlopsdiag" / "lint" / "rules.yaml",
)


def compiled_text(source: Path) -> str:
    """The JSON copy of `source`, as it should be on disk."""
    raw = source.read_bytes()
    data = yaml.safe_load(raw)
    payload = {
        "generated_by": "scripts/make_data.py from " + source.name + "; do not edit",
        "source_digest": source_digest(raw),
        "data": data,
    }
    return json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify, do not write")
    args = parser.parse_args()
    stale = []
    for source in DATA_FILES:
        target = compiled_path(source)
        text = compiled_text(source)
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == text:
            continue
        if args.check:
            stale.append(target.relative_to(ROOT).as_posix())
        else:
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target.relative_to(ROOT)}")
    if stale:
        print(f"stale: {', '.join(stale)}; run python scripts/make_data.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
