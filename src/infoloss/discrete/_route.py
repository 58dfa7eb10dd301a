"""The route of arrays of probabilities (and `Categorical`): exact, whatever the array library.

Plain arrays (NumPy, torch, JAX, any array-API library, nested lists) are broadcast against each
other first, so that ``axis`` refers to their common shape; each then becomes a `Categorical`
(checked unless ``validate=False``), and the `Categorical` formula registered for the measure
answers: the fast NumPy kernels or the generic array-API formulas.
"""

from __future__ import annotations

from typing import Any

import array_api_compat
import numpy as np

from .._core import (
    FORMULAS,
    Array,
    Namespace,
    Options,
    namespace,
    refuse_data_options,
    register_kind,
    register_route,
)
from ._categorical import Categorical

__all__ = ["probabilities_route"]

_NAMES = ("p", "q")


def _as_distribution(
    x: Any, name: str, axis: object, xp: Namespace, device: Any, *, validate: bool, normalize: bool
) -> Categorical:
    if isinstance(x, Categorical):
        return x
    if isinstance(x, str | bytes | dict | set):
        msg = (
            f"`{name}` must be an array of probabilities or a `Categorical`; "
            f"found {type(x).__name__}"
        )
        raise TypeError(msg)
    if device is not None and not array_api_compat.is_array_api_obj(x):
        x = _asarray(x, name, xp, device)
    return Categorical._from_input(x, axis, name, validate=validate, normalize=normalize, xp=xp)


def _asarray(x: Any, name: str, xp: Namespace, device: Any) -> Array:
    try:
        return xp.asarray(x, device=device)
    except (TypeError, ValueError) as exc:
        msg = (
            f"`{name}` must be an array or a (nested) list of numbers; "
            f"found {type(x).__name__}: {exc}"
        )
        raise TypeError(msg) from None


def _broadcast_plain(
    xs: list[Any], names: tuple[str, ...], xp: Namespace, device: Any
) -> list[Any]:
    """Plain arrays are broadcast against each other first: `axis` refers to that shape."""
    arrays = [
        _asarray(x, n, xp, device) if not array_api_compat.is_array_api_obj(x) else x
        for x, n in zip(xs, names, strict=True)
    ]
    shapes = [tuple(a.shape) for a in arrays]
    if len(set(shapes)) == 1:
        return arrays
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        found = " and ".join(f"`{n}` {s}" for n, s in zip(names, shapes, strict=True))
        msg = f"shapes do not broadcast: {found}"
        raise ValueError(msg) from None
    return list(xp.broadcast_arrays(*arrays))


@register_route(Categorical)
@register_route(Categorical, Categorical)
def probabilities_route(
    measure: str, args: tuple[Any, ...], opts: Options
) -> tuple[Array, Namespace]:
    """`measure` (nats) of arrays of probabilities or `Categorical` distributions, exactly."""
    refuse_data_options(opts)
    method = "exact" if opts.method is None else opts.method
    if method not in ("exact", "auto"):
        msg = (
            f"`method` {method!r} estimates measures between parametric distributions; "
            "arrays of probabilities are computed exactly (method='exact')"
        )
        raise ValueError(msg)
    names = _NAMES[: len(args)]
    reps = [a._value if isinstance(a, Categorical) else a for a in args]
    xp = namespace(*reps, names=names)
    xs = list(args)
    plain = [i for i, a in enumerate(args) if not isinstance(a, Categorical)]
    device = None
    if plain:  # where plain inputs are converted: the device of the first array among them all
        arrays = [r for r in reps if array_api_compat.is_array_api_obj(r)]
        device = array_api_compat.device(arrays[0]) if arrays else None
    if len(plain) > 1:
        xs = _broadcast_plain(xs, names, xp, device)
    dists = [
        _as_distribution(
            x, name, opts.axis, xp, device, validate=opts.validate, normalize=opts.normalize
        )
        for x, name in zip(xs, names, strict=True)
    ]
    res = formula(measure, *dists)
    if opts.keepdims:
        res = _keepdims(res, dists[0], xp)
    return res, xp


def formula(measure: str, *dists: Categorical) -> Array:
    """The registered `Categorical` formula of `measure`, in nats (unconverted output)."""
    fn = FORMULAS.lookup(measure, tuple(type(d) for d in dists))
    if fn is None:  # pragma: no cover - every Categorical pair is registered
        kinds = ", ".join(type(d).__name__ for d in dists)
        msg = f"no implementation of {measure} for ({kinds})"
        raise NotImplementedError(msg)
    return fn(*dists)


def _keepdims(res: Array, P: Categorical, xp: Namespace) -> Array:
    """Insert size-one axes where the first argument's event axes were (right-aligned)."""
    ndim = res.ndim + len(P._axes)
    shift = ndim - P._value.ndim
    positions = {a + shift for a in P._axes}
    shape = list(res.shape)
    for pos in sorted(positions):
        shape.insert(pos, 1)
    return xp.reshape(res, tuple(shape))


register_kind(Categorical)  # the default kind: any argument of no other kind is read as an array
