"""`Distribution`: the base of the parametric families.

A family declares its parameters (names in SciPy's words, each with a constraint and the
number of event dimensions it carries) and implements `log_prob`, `_sample`, `mean`,
`variance` and `entropy`; the base turns the parameters into arrays of one array library,
dtype and device, broadcasts their batch shapes, checks the constraints with messages that
name the parameter, and exposes each parameter as an attribute.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, ClassVar

import array_api_compat
import numpy as np

from .._core import (
    Array,
    Namespace,
    as_float,
    first_true,
    flat_item,
    get_pool,
    n_threads,
    namespace,
    unravel,
)

__all__ = ["Constraint", "Distribution", "nonnegative", "positive", "real", "unit_interval"]


class Constraint:
    """A named check of a parameter's values: ``ok(x, xp)`` is True where they are valid.

    ``interval=(low, high, low_closed, high_closed)`` adds a fast path: when the minimum and
    maximum of the values lie inside, no elementwise pass is needed (two reductions instead).
    """

    def __init__(
        self,
        text: str,
        ok: Callable[[Array, Namespace], Array],
        interval: tuple[float, float, bool, bool] | None = None,
    ) -> None:
        self.text, self.ok, self.interval = text, ok, interval

    def _inside(self, x: Array, xp: Namespace) -> bool:
        if self.interval is None or x.size == 0:
            return False
        low, high, low_closed, high_closed = self.interval
        lo, hi = _min_max(x, xp)  # NaN compares False below: the elementwise path decides
        low_ok = lo >= low if low_closed else lo > low
        return low_ok and (hi <= high if high_closed else hi < high)

    def check(self, x: Array, xp: Namespace, name: str, family: str) -> None:
        if self._inside(x, xp):
            return
        ok = self.ok(x, xp) | xp.isnan(x)  # NaN parameters give NaN results, not errors
        bad = ~ok
        if bool(xp.any(bad)):
            i = first_true(bad, xp)
            where = f" at index {unravel(i, tuple(x.shape))}" if x.ndim else ""
            msg = (
                f"`{name}` of {family} must be {self.text}; found {flat_item(x, xp, i):.6g}{where}"
            )
            raise ValueError(msg)


_INF = float("inf")
real = Constraint(
    "a finite real number", lambda x, xp: xp.isfinite(x), (-_INF, _INF, False, False)
)
positive = Constraint(
    "> 0 (and finite)", lambda x, xp: (x > 0) & xp.isfinite(x), (0.0, _INF, False, False)
)
nonnegative = Constraint(
    ">= 0 (and finite)", lambda x, xp: (x >= 0) & xp.isfinite(x), (0.0, _INF, True, False)
)
unit_interval = Constraint("in [0, 1]", lambda x, xp: (x >= 0) & (x <= 1), (0.0, 1.0, True, True))
open_unit_interval = Constraint(
    "in (0, 1]", lambda x, xp: (x > 0) & (x <= 1), (0.0, 1.0, False, True)
)
nonnegative_integer = Constraint(
    "a non-negative integer", lambda x, xp: (x >= 0) & (x == xp.floor(x)) & xp.isfinite(x)
)


class Distribution:
    """Base class of infoloss's parametric distributions.

    Subclasses set `params` (name -> constraint), optionally `event_params` (name -> number
    of event dimensions the parameter carries, e.g. 1 for a mean vector, 2 for a covariance),
    `event_ndim` and `discrete`, call `_init` from their constructor, and implement
    `log_prob`, `_sample`, `mean`, `variance` and `entropy`. A family that keeps state
    derived from its parameters (a Cholesky factor, say) overrides `_take` and `_like` too.
    """

    params: ClassVar[dict[str, Constraint]] = {}
    event_params: ClassVar[dict[str, int]] = {}
    event_ndim: ClassVar[int] = 0
    discrete: ClassVar[bool] = False

    xp: Namespace
    batch_shape: tuple[int, ...]

    def _init(self, values: dict[str, Any], *, validate: bool) -> None:
        family = type(self).__name__
        names = tuple(values)
        xp = namespace(*values.values(), names=names)
        arrays = {k: v for k, v in values.items() if array_api_compat.is_array_api_obj(v)}
        device = array_api_compat.device(next(iter(arrays.values()))) if arrays else None
        conv = {k: as_float(v, k, xp, device) for k, v in values.items()}
        dtype = xp.result_type(*(a.dtype for a in conv.values()))
        conv = {k: a if a.dtype == dtype else xp.astype(a, dtype) for k, a in conv.items()}
        batch = self._batch_shape(conv, family)
        for k, a in conv.items():
            target = batch + tuple(a.shape[len(a.shape) - self.event_params.get(k, 0) :])
            if tuple(a.shape) != target:
                conv[k] = xp.broadcast_to(a, target)
        if validate:
            for k, a in conv.items():
                self.params[k].check(a, xp, k, family)
        self.xp, self.batch_shape = xp, batch
        self._values = conv
        self._scalars = not arrays  # Python numbers only: adopts the other argument's library
        for k, a in conv.items():
            setattr(self, k, a)
        if validate:
            self._validate()

    def _batch_shape(self, conv: dict[str, Array], family: str) -> tuple[int, ...]:
        shapes = []
        for k, a in conv.items():
            e = self.event_params.get(k, 0)
            if a.ndim < e:
                msg = f"`{k}` of {family} needs at least {e} dimensions; found shape {a.shape}"
                raise ValueError(msg)
            shapes.append(tuple(a.shape[: a.ndim - e]))
        try:
            return tuple(np.broadcast_shapes(*shapes))
        except ValueError:
            found = ", ".join(f"`{k}` {tuple(a.shape)}" for k, a in conv.items())
            msg = f"the parameters of {family} do not broadcast: {found}"
            raise ValueError(msg) from None

    def _like(self, other: Distribution) -> Distribution:
        """This distribution with its (scalar) parameters in ``other``'s library and device."""
        new = copy.copy(self)
        xp = other.xp
        dtype = xp.result_type(self.dtype, other.dtype) if self.xp is xp else other.dtype
        new._values = {
            k: xp.asarray(v, dtype=dtype, device=other.device)
            for k, v in self._numpy_values().items()
        }
        new.xp = xp
        for k, a in new._values.items():
            setattr(new, k, a)
        return new

    def _take(self, a: int, b: int, ndim: int) -> Distribution:
        """Rows ``a:b`` of the first axis of a batch of ``ndim`` dimensions (right-aligned)."""
        if len(self.batch_shape) < ndim or self.batch_shape[0] == 1:
            return self  # broadcast along that axis: the same for every row
        new = copy.copy(self)
        new._values = {k: v[a:b, ...] for k, v in self._values.items()}
        new.batch_shape = (b - a, *self.batch_shape[1:])
        for k, v in new._values.items():
            setattr(new, k, v)
        return new

    def _validate(self) -> None:
        """Checks across parameters (e.g. a > 0 with b > a); none by default."""

    # ----------------------------------------------------------------------------- interface
    @property
    def dtype(self) -> Any:
        """The floating dtype of the parameters (and of every result)."""
        return next(iter(self._values.values())).dtype

    @property
    def device(self) -> Any:
        """The device of the parameters (and of every result)."""
        return array_api_compat.device(next(iter(self._values.values())))

    @property
    def event_shape(self) -> tuple[int, ...]:
        """The shape of one draw: ``()`` for a scalar family, ``(d,)`` for a d-vector."""
        return ()

    def log_prob(self, x: Any) -> Array:
        """Log density (continuous) or log mass (discrete) at ``x``."""
        raise NotImplementedError

    @property
    def mean(self) -> Array:
        """The mean of the distribution, of shape ``batch_shape + event_shape``."""
        raise NotImplementedError

    @property
    def variance(self) -> Array:
        """The variance of each coordinate, of shape ``batch_shape + event_shape``."""
        raise NotImplementedError

    def entropy(self) -> Array:
        """Differential (continuous) or Shannon (discrete) entropy, in nats."""
        raise NotImplementedError

    def sample(self, n: int | tuple[int, ...] = (), *, rng: Any = None) -> Array:
        """``n`` independent draws: shape ``(*n, *batch_shape, *event_shape)``.

        ``rng`` is a seed or a `numpy.random.Generator`; draws are made with NumPy and
        returned in the parameters' array library and device (no gradient flows through them).
        """
        shape = (n,) if isinstance(n, int) else tuple(n)
        gen = np.random.default_rng(rng)
        draws = self._sample(shape + self.batch_shape, gen, self._numpy_values())
        return self.xp.asarray(draws.astype(_numpy_float(self.dtype)), device=self.device)

    def _sample(
        self, shape: tuple[int, ...], rng: np.random.Generator, v: dict[str, Any]
    ) -> np.ndarray[Any, Any]:
        raise NotImplementedError

    def _numpy_values(self) -> dict[str, np.ndarray[Any, Any]]:
        out = {}
        for k, a in self._values.items():
            if hasattr(a, "detach"):
                a = a.detach().cpu()
            out[k] = np.asarray(a, dtype=np.float64)
        return out

    def _x(self, x: Any) -> Array:
        """``x`` in the parameters' namespace, dtype and device."""
        xp = self.xp
        if not array_api_compat.is_array_api_obj(x):
            x = xp.asarray(x, device=self.device)
        return xp.astype(as_float(x, "x", xp), self.dtype)

    def __repr__(self) -> str:
        parts = ", ".join(f"{k}={_short(v)}" for k, v in self._values.items())
        return f"{type(self).__name__}({parts})"


_PARALLEL_MIN = 1 << 18  # NumPy parameters from this size are checked on the thread pool


def _min_max(x: Array, xp: Namespace) -> tuple[float, float]:
    """Minimum and maximum; large NumPy arrays in chunks on the thread pool."""
    if not (array_api_compat.is_numpy_namespace(xp) and x.size >= _PARALLEL_MIN):
        return _scalar(xp.min(x)), _scalar(xp.max(x))
    flat = np.ravel(x)  # a view for the usual contiguous parameters
    n = n_threads()
    chunks = np.array_split(flat, n)
    pool = get_pool()
    parts = [pool.submit(lambda c: (np.min(c), np.max(c)), c) for c in chunks if c.size]
    found = np.array([f.result() for f in parts], dtype=float)
    return float(np.min(found[:, 0])), float(np.max(found[:, 1]))  # NaN if any chunk had one


def _scalar(a: Array) -> float:
    return float(a.detach() if hasattr(a, "detach") else a)


def _short(a: Array) -> str:
    if a.ndim == 0:
        return f"{_scalar(a):.6g}"
    return f"<{type(a).__name__} shape={tuple(a.shape)}>"


def _numpy_float(dtype: Any) -> Any:
    return np.float32 if "32" in str(dtype) else np.float64


class LocationScale(Distribution):
    """Base of the families given by ``loc`` and ``scale``, as SciPy names them.

    Subclasses implement the standardised log density in terms of ``z = (x - loc) / scale``.
    """

    params = {"loc": real, "scale": positive}  # noqa: RUF012 - class-level constants
    loc: Array
    scale: Array

    def __init__(self, loc: Any = 0.0, scale: Any = 1.0, *, validate: bool = True) -> None:
        self._init({"loc": loc, "scale": scale}, validate=validate)

    def _z(self, x: Any) -> Array:
        return (self._x(x) - self.loc) / self.scale


class Scale(Distribution):
    """Base of the families given by ``scale`` alone, as SciPy names it (support x >= 0)."""

    params = {"scale": positive}  # noqa: RUF012 - class-level constants
    scale: Array

    def __init__(self, scale: Any = 1.0, *, validate: bool = True) -> None:
        self._init({"scale": scale}, validate=validate)
