"""Parametric distribution families, with SciPy's parameter names."""

from __future__ import annotations

from ._base import Distribution
from ._normal import Normal

__all__ = ["Distribution", "Normal"]
