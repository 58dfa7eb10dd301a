"""`Estimate`: a value that came from sampling, with its standard error and its route."""

from __future__ import annotations

import numbers
from typing import Any

import array_api_compat
import numpy as np

from ._array_api import Array

__all__ = ["Estimate"]

# NumPy ufuncs that act on an estimate as the affine maps ``v + c``, ``v - c``, ``v * c``,
# ``v / c`` (estimate on the left) and ``c + v``, ``c - v``, ``c * v`` (on the right): the
# operator methods that carry the standard error exactly.
_LEFT = {
    "add": "__add__",
    "subtract": "__sub__",
    "multiply": "__mul__",
    "true_divide": "__truediv__",
    "divide": "__truediv__",
}
_RIGHT = {"add": "__radd__", "subtract": "__rsub__", "multiply": "__rmul__"}


class Estimate:
    """A Monte Carlo (or other statistical) estimate of an information measure.

    ``.value`` is the estimate, in the inputs' array library (a torch value keeps its autograd
    graph), ``.stderr`` its standard error (same shape), ``.method`` the route taken and ``.n``
    the number of draws. ``.interval(confidence)`` gives a confidence interval. ``.bias`` is
    None, or, for an estimate from data that moved by more than its standard error when the
    data were halved, the extrapolated bias (estimate minus truth, expected), which the
    interval then takes in (where that bias exceeds three standard errors, a
    `infoloss.BiasWarning` says so).

    An estimate can stand where its value would: ``float(est)``, ``np.asarray(est)``,
    ``f"{est:.3f}"``, ``round(est, 3)`` and comparisons (``est < 0.1``) use ``.value``;
    ``est.backward()`` runs autograd through a torch value. Adding or subtracting a constant,
    multiplying or dividing by one, and negating give an `Estimate` again, with the standard
    error carried exactly (``(est + c).stderr == est.stderr``, ``(c * est).stderr == |c|
    est.stderr``), so ``loss = ce + 0.1 * penalty; loss.backward()`` works. Combining two
    estimates (``a + b``, ``a * b``) is refused with a `TypeError`: their standard errors would
    need their correlation, which is not known (``H(P, Q)`` and ``H(P)`` from one sample are
    correlated); write ``a.value + b.value`` for the number. Other functions of an estimate
    (``np.log(est)``, ``est ** 2``) see only its value, like any array.

    Examples
    --------
    >>> import numpy as np
    >>> from infoloss import Normal, kl_divergence
    >>> est = kl_divergence(Normal(0, 1), Normal(1, 2), method="mc", n=100_000, rng=0)
    >>> exact = float(kl_divergence(Normal(0, 1), Normal(1, 2)))
    >>> abs(float(est) - exact) < 4 * float(est.stderr)
    True
    >>> est.method
    'mc'
    >>> bits = est / np.log(2)  # nats to bits: the standard error follows
    >>> bool(abs(float(bits.stderr) - float(est.stderr) / np.log(2)) < 1e-15)
    True
    >>> bool(est > 0), round(est, 1)
    (True, 0.4)
    """

    __slots__ = ("bias", "method", "n", "stderr", "value")

    def __init__(
        self, value: Array, stderr: Array, method: str, n: int, *, bias: Array | None = None
    ) -> None:
        self.value, self.stderr, self.method, self.n = value, stderr, method, n
        self.bias = bias

    def __float__(self) -> float:
        return float(_plain(self.value))

    def __format__(self, spec: str) -> str:
        """Format the value like a float: ``f"{est:.3f}"`` (one value only)."""
        if getattr(self.value, "ndim", 0) == 0:
            return format(float(self), spec)
        return format(str(self), spec)

    def __round__(self, ndigits: int | None = None) -> float | int:
        """``round(est, k)``: the value (one value only) rounded like a float."""
        return round(float(self), ndigits)

    def interval(self, confidence: float = 0.95) -> tuple[Array, Array]:
        """A two-sided confidence interval ``(low, high)``, by the normal approximation.

        ``value ± z * stderr`` with ``z`` the standard normal quantile of
        ``(1 + confidence) / 2`` (1.96 for 95%): the estimators' sampling distributions are
        asymptotically normal; for small samples read it as a rough guide. Where `bias` is
        known, the interval spans both the estimate and the estimate minus its bias:
        ``(min(v, v - bias) - z se, max(v, v - bias) + z se)``, since the extrapolated bias is
        itself uncertain (its size more than its sign) and the truth is usually on the corrected
        side of the estimate but need not be as far as the correction says. An infinite
        estimate (a category of P that Q's data never show) gives the point ``(inf, inf)``; a
        NaN value or standard error (NaN data, one draw) gives ``(nan, nan)``.

        Examples
        --------
        >>> from infoloss import Normal, entropy
        >>> est = entropy(Normal(0, 1), method="mc", n=10_000, rng=0)
        >>> low, high = est.interval(0.95)
        >>> bool(low < float(entropy(Normal(0, 1))) < high)
        True
        """
        given: Any = confidence  # checked as the user gave it
        ok = isinstance(given, numbers.Real) and not isinstance(given, bool)
        if not (ok and 0 < float(given) < 1):
            msg = f"`confidence` must be a number in (0, 1); found {confidence!r}"
            raise ValueError(msg)
        from scipy.special import ndtri

        z = float(ndtri(0.5 + float(confidence) / 2))
        value, se = self.value, self.stderr
        if not array_api_compat.is_array_api_obj(value):
            value, se = np.asarray(value), np.asarray(se)
        xp = array_api_compat.array_namespace(value)
        # at an infinite value the interval is the point: inf - z*inf would be NaN
        se = xp.where(xp.isinf(value), xp.zeros_like(value), xp.asarray(se))
        low, high = value, value
        if self.bias is not None:
            bias = xp.asarray(self.bias)
            known = xp.isfinite(bias)
            corrected = xp.where(known, value - xp.where(known, bias, xp.zeros_like(bias)), value)
            low, high = xp.minimum(value, corrected), xp.maximum(value, corrected)
        return low - z * se, high + z * se

    def backward(self, *args: Any, **kwargs: Any) -> None:
        """Autograd through the value (PyTorch): ``est.backward()`` is ``est.value.backward()``."""
        if not hasattr(self.value, "backward"):
            msg = (
                "`backward` needs a value with autograd (a torch tensor); this estimate's value "
                f"is a {type(self.value).__module__}.{type(self.value).__name__}: give the data "
                "and the model as torch tensors"
            )
            raise TypeError(msg)
        self.value.backward(*args, **kwargs)

    # ------------------------------------------------------------- affine arithmetic
    def _constant(self, other: Any, op: str) -> Any:
        if isinstance(other, Estimate):
            msg = (
                f"cannot {op} two Estimates: the standard error of the result needs their "
                "correlation, which is not known (estimates from the same data are correlated); "
                "write `a.value` and `b.value` for the numbers and combine the stderrs yourself"
            )
            raise TypeError(msg)
        if isinstance(other, numbers.Number) or array_api_compat.is_array_api_obj(other):
            return other
        return None

    def _new(self, value: Any, stderr: Any, scale: Any = 1) -> Estimate:
        """An affine image ``scale * v + c`` of this estimate (value and stderr given)."""
        bias = None if self.bias is None else self.bias * scale
        return Estimate(value, stderr, self.method, self.n, bias=bias)

    def __add__(self, other: Any) -> Estimate:
        c = self._constant(other, "add")
        if c is None:
            return NotImplemented
        return self._new(self.value + c, self.stderr + 0 * c)

    __radd__ = __add__

    def __sub__(self, other: Any) -> Estimate:
        c = self._constant(other, "subtract")
        if c is None:
            return NotImplemented
        return self._new(self.value - c, self.stderr + 0 * c)

    def __rsub__(self, other: Any) -> Estimate:
        c = self._constant(other, "subtract")
        if c is None:
            return NotImplemented
        return self._new(c - self.value, self.stderr + 0 * c, -1)

    def __mul__(self, other: Any) -> Estimate:
        c = self._constant(other, "multiply")
        if c is None:
            return NotImplemented
        return self._new(self.value * c, self.stderr * abs(c), c)

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> Estimate:
        c = self._constant(other, "divide")
        if c is None:
            return NotImplemented
        return self._new(self.value / c, self.stderr / abs(c), 1 / c)

    def __rtruediv__(self, other: Any) -> Any:
        self._constant(other, "divide")
        return NotImplemented if not isinstance(other, numbers.Number) else other / self.value

    def __neg__(self) -> Estimate:
        return self._new(-self.value, self.stderr, -1)

    def __pos__(self) -> Estimate:
        return self

    def __pow__(self, other: Any) -> Any:
        self._constant(other, "raise to a power")
        return self.value**other

    # ---------------------------------------------------------------- comparisons
    def __lt__(self, other: Any) -> Any:
        return self.value < _value(other)

    def __le__(self, other: Any) -> Any:
        return self.value <= _value(other)

    def __gt__(self, other: Any) -> Any:
        return self.value > _value(other)

    def __ge__(self, other: Any) -> Any:
        return self.value >= _value(other)

    def __eq__(self, other: object) -> Any:
        return self.value == _value(other)

    def __ne__(self, other: object) -> Any:
        return self.value != _value(other)

    __hash__ = None  # type: ignore[assignment]

    # ------------------------------------------------------------------- NumPy
    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        """``array + est`` and ``np.negative(est)`` stay estimates; other ufuncs see the value."""
        name = ufunc.__name__
        if method == "__call__" and not kwargs:
            if len(inputs) == 1 and name in ("negative", "positive"):
                return -self if name == "negative" else self
            if len(inputs) == 2 and inputs[0] is self and name in _LEFT:
                return getattr(self, _LEFT[name])(inputs[1])
            if len(inputs) == 2 and inputs[1] is self and name in _RIGHT:
                return getattr(self, _RIGHT[name])(inputs[0])
        plain = [np.asarray(x) if isinstance(x, Estimate) else x for x in inputs]
        return getattr(ufunc, method)(*plain, **kwargs)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray[Any, Any]:
        return np.asarray(_plain(self.value), dtype=dtype)

    def __repr__(self) -> str:
        if getattr(self.value, "ndim", 0) == 0:
            body = f"{float(_plain(self.value)):.6g} ± {float(_plain(self.stderr)):.2g}"
            if self.bias is not None:
                body += f", bias ≈ {float(_plain(self.bias)):+.2g}"
        else:
            body = f"shape {tuple(self.value.shape)}"
        return f"Estimate({body}, method={self.method!r}, n={self.n})"


def _value(x: Any) -> Any:
    return x.value if isinstance(x, Estimate) else x


def _plain(v: Any) -> Any:
    """A torch tensor off the autograd graph and the device; anything else as it is."""
    return v.detach().cpu() if hasattr(v, "detach") else v
