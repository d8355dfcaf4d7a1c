"""mlopsdiag: architecture-as-code for machine-learning systems."""

from __future__ import annotations

__version__ = "0.1.0"
