"""`python -m mlopsdiag`."""

from __future__ import annotations

import sys

from mlopsdiag.cli import main

sys.exit(main())
