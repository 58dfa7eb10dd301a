"""SciPy frozen distributions (``scipy.stats.norm(0, 1)``) as infoloss families.

Each family module registers a converter for the SciPy names it matches; a frozen
distribution SciPy has but infoloss does not know raises an error naming it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._base import Distribution

__all__ = ["as_parametric", "from_scipy", "is_frozen", "scipy_name", "scipy_names"]

_CONVERTERS: dict[str, Callable[[dict[str, Any]], Distribution]] = {}


def scipy_name(*names: str) -> Callable[[Callable[[dict[str, Any]], Distribution]], Any]:
    """Decorator: convert SciPy frozen distributions of these names with the function.

    The function receives SciPy's parameters by name: the shape parameters, ``loc`` and
    ``scale`` for univariate distributions; the frozen object's own attributes otherwise.
    """

    def decorate(fn: Callable[[dict[str, Any]], Distribution]) -> Any:
        for name in names:
            if name in _CONVERTERS:
                msg = f"a converter for scipy.stats.{name} is already registered"
                raise ValueError(msg)
            _CONVERTERS[name] = fn
        return fn

    return decorate


def scipy_names() -> list[str]:
    """The names of the SciPy distributions that infoloss converts, sorted."""
    return sorted(_CONVERTERS)


def is_frozen(x: object) -> bool:
    """Whether `x` is a frozen SciPy distribution (``scipy.stats.norm(0, 1)``)."""
    module = type(x).__module__
    return module.startswith("scipy.stats") and (
        hasattr(x, "dist") or "frozen" in type(x).__name__
    )


def _name_and_params(frozen: Any) -> tuple[str, dict[str, Any]]:
    dist = getattr(frozen, "dist", None)
    if dist is not None and hasattr(dist, "_parse_args"):  # univariate rv_frozen
        shape_values, loc, scale = dist._parse_args(*frozen.args, **frozen.kwds)
        shapes = [s.strip() for s in (dist.shapes or "").split(",") if s.strip()]
        params = dict(zip(shapes, shape_values, strict=True))
        params.update(loc=loc, scale=scale)  # discrete distributions have scale 1
        return dist.name, params
    # multivariate frozen objects: name from the class (multivariate_normal_frozen, ...)
    name = type(frozen).__name__.removesuffix("_frozen")
    return name, {"frozen": frozen}


def from_scipy(frozen: Any, name: str = "p") -> Distribution:
    """The infoloss family equal to a SciPy frozen distribution."""
    sname, params = _name_and_params(frozen)
    conv = _CONVERTERS.get(sname)
    if conv is None:
        known = ", ".join(sorted(_CONVERTERS))
        msg = (
            f"`{name}` is scipy.stats.{sname}, which infoloss does not know; "
            f"known SciPy distributions: {known}"
        )
        raise TypeError(msg)
    return conv(params)


def as_parametric(x: Any, name: str) -> Distribution | None:
    """A `Distribution` for distributions and SciPy frozen ones; None for anything else."""
    if isinstance(x, Distribution):
        return x
    if is_frozen(x):
        return from_scipy(x, name)
    return None


def require_loc_zero(sname: str, params: dict[str, Any]) -> None:
    """Families without a location parameter accept SciPy's ``loc`` only when it is 0."""
    import numpy as np

    if np.any(np.asarray(params.get("loc", 0)) != 0):
        msg = (
            f"scipy.stats.{sname} with loc != 0 (found loc={params['loc']!r}) has no "
            "infoloss equivalent: the infoloss family has no location parameter"
        )
        raise ValueError(msg)
