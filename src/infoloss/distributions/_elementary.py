"""Cancellation-free elementary functions, the pieces of the stable closed forms.

* `log1pmx` (``log(1 + x) - x``) and `expm1mx` (``exp(x) - 1 - x``), by series near 0;
* `kl_div` (``x log(x/y) - x + y``, SciPy's name) from the difference ``y - x``;
* `log_ratio` (``log(x/y)``) through ``log1p`` of the relative difference.

Each is a sum of non-negative terms, or a difference whose terms are at most a small factor
larger than the result: relative errors of a few ulps, checked against mpmath at 50 digits in
the tests. Branches are chosen elementwise by `._stable.select` (safe inputs where a branch is
not taken, so gradients stay finite), with array-API operations only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import array_api_compat

from .._core import Array, Namespace, known_false
from ._stable import _gatherable, broadcast_all, select

__all__ = [
    "expm1mx",
    "kl_div",
    "log1pmx",
    "log1pmx_series",
    "log_ratio",
]

_NEAR = 0.5  # |x| below which the series of log1pmx and expm1mx are summed
_ATANH = [1.0 / (2 * k + 3) for k in range(17)]  # (atanh(z) - z) / z^3 as a series in z^2
_EXP = [1.0 / math.factorial(n + 2) for n in range(16)]  # (exp(x) - 1 - x) / x^2, series in x
_LOG_MAX = 700.0  # |log x - log y| up to which x / y neither overflows nor underflows


# ------------------------------------------------------------------------ elementary helpers
def _horner(coeffs: Sequence[float], x: Array, xp: Namespace) -> Array:
    """``Σ_k coeffs[k] x^k``, the tail left out where the largest ``|x|`` (when it can be read)
    makes it negligible: terms below 2^-60 of the first, the coefficients falling."""
    n = len(coeffs)
    if _gatherable(x, xp) and array_api_compat.size(x):
        top_ = xp.max(xp.abs(x))
        top = float(top_.detach() if hasattr(top_, "detach") else top_)
        if 0.0 <= top < 1.0:
            n = next(
                (k for k in range(1, n) if top**k * abs(coeffs[k]) < 2.0**-60 * abs(coeffs[0])),
                n,
            )
    out = xp.zeros_like(x) + coeffs[n - 1]
    for c in reversed(coeffs[: n - 1]):
        out = out * x + c
    return out


def log1pmx_series(x: Array, xp: Namespace) -> Array:
    """`log1pmx` for ``|x| < 1/2`` only: its series (see there)."""
    z = x / (2.0 + x)
    z2 = z * z
    return -x * z + 2.0 * z2 * z * _horner(_ATANH, z2, xp)


def log1pmx(x: Array, xp: Namespace) -> Array:
    """``log(1 + x) - x`` (<= 0) for ``x >= -1`` (``-inf`` at -1); NaN below -1.

    For ``|x| < 1/2``: with ``z = x / (2 + x)``, ``log(1 + x) = 2 atanh(z)`` and ``x - 2z = x z``,
    so ``log1p(x) - x = -x z + 2 z^3 (1/3 + z^2/5 + ...)`` (``|z| <= 1/3``: 17 terms leave under
    1e-18); the two terms never cancel by more than 6 %. Elsewhere ``log1p(x) - x`` directly,
    at least a fifth of its larger term. Under 2 ulps from mpmath in the tests.
    """

    def series(x: Array) -> Array:
        return log1pmx_series(x, xp)

    def direct(x: Array) -> Array:
        ok = x > -1.0
        xs = xp.where(ok, x, xp.ones_like(x))
        edge = xp.where(x == -1.0, xp.full_like(x, -math.inf), xp.full_like(x, math.nan))
        return xp.where(ok, xp.log1p(xs) - xs, edge)

    return select(xp.abs(x) < _NEAR, series, direct, (x,), [(0.0, 1.0)], xp)


def expm1mx(x: Array, xp: Namespace) -> Array:
    """``exp(x) - 1 - x`` (>= 0): ``x^2 Σ x^n / (n + 2)!`` for ``|x| < 1/2`` (16 terms: under
    1e-19 relative), else ``expm1(x) - x`` (no cancellation there); +inf above 700."""

    def series(x: Array) -> Array:
        return x * x * _horner(_EXP, x, xp)

    def direct(x: Array) -> Array:
        big = x > _LOG_MAX
        xs = xp.where(big, xp.zeros_like(x), x)
        return xp.where(big, xp.full_like(x, math.inf), xp.expm1(xs) - xs)

    return select(xp.abs(x) < _NEAR, series, direct, (x,), [(0.0, 1.0)], xp)


def log_ratio(x: Array, y: Array, xp: Namespace, diff: Array | None = None) -> Array:
    """``log(x / y)`` for ``x, y > 0``: ``log1p((x - y) / y)`` when ``|x - y| <= y / 2`` (the
    difference is then exact; ``diff`` is ``x - y`` when the caller knows it better, e.g.
    ``q - p`` for ``x = 1 - p``, ``y = 1 - q``), else ``log(x / y)``, or ``log x - log y``
    where ``x / y`` would overflow or underflow. Within an ulp or two in every case."""
    d = x - y if diff is None else diff
    x, y, d = broadcast_all(x, y, d, xp=xp)

    def close(x: Array, y: Array, d: Array) -> Array:
        return xp.log1p(d / y)

    def far(x: Array, y: Array, d: Array) -> Array:
        diff = xp.log(x) - xp.log(y)
        fits = xp.abs(diff) < _LOG_MAX
        if known_false(xp.any(~fits), xp):
            return xp.log(x / y)
        one = xp.ones_like(x)
        return xp.where(fits, xp.log(xp.where(fits, x, one) / xp.where(fits, y, one)), diff)

    safe = [(1.0, 1.0), (1.0, 1.0), (0.0, 0.0)]
    return select(xp.abs(d) <= 0.5 * y, close, far, (x, y, d), safe, xp)


def kl_div(x: Array, y: Array, xp: Namespace, diff: Array | None = None) -> Array:
    """``x log(x / y) - x + y`` (>= 0) for ``x, y >= 0``, as ``scipy.special.kl_div``.

    ``diff`` is ``y - x`` when the caller knows it better than the subtraction ``y - x`` (e.g.
    ``q - p`` for ``x = 1 - q``, ``y = 1 - p``). Where ``|y - x| < x / 2`` it is
    ``-x log1pmx((y - x) / x)``: the difference enters only through ``(y - x) / x``, so the
    result is relative-accurate however small it is. Elsewhere ``x log(x / y) + (y - x)``,
    whose terms are at most a few times the result. ``x = 0`` gives ``y``; ``y = 0 < x``, +inf.
    """
    d = y - x if diff is None else diff
    x, y, d = broadcast_all(x, y, d, xp=xp)

    def close(x: Array, y: Array, d: Array) -> Array:
        return x * (0.0 - log1pmx(d / x, xp))  # 0.0 - ...: +0.0 (not -0.0) at x == y

    def far(x: Array, y: Array, d: Array) -> Array:  # also every NaN: `near` is False there
        zero = xp.zeros_like(x)
        both = (x > 0) & (y > 0)
        one = xp.ones_like(x)
        out = xp.where(both, x, zero) * log_ratio(
            xp.where(both, x, one), xp.where(both, y, one), xp
        )
        out = xp.where((x > 0) & (y <= 0), xp.full_like(x, math.inf), out + d)
        out = xp.where(x > 0, out, y)  # 0 log 0 = 0: the limit is y
        return xp.where(xp.isnan(x) | xp.isnan(y), xp.full_like(out, math.nan), out)

    near = (x > 0) & (xp.abs(d) < _NEAR * x)
    return select(near, close, far, (x, y, d), [(1.0, 1.0), (1.0, 1.0), (0.0, 0.0)], xp)
