"""Cancellation-free pieces of the closed-form KL divergences, for any array namespace.

A KL divergence between two members of one exponential family is a Bregman divergence of its
log-partition function: near ``p == q`` it is of second order in the parameter difference,
while the textbook formulas add first-order terms of opposite signs, which in floating point
lose every digit. The helpers here compute the second-order quantities directly:

* `log1pmx` (``log(1 + x) - x``) and `expm1mx` (``exp(x) - 1 - x``), by series near 0;
* `kl_div` (``x log(x/y) - x + y``, SciPy's name) from the difference ``y - x``;
* `log_ratio` (``log(x/y)``) through ``log1p`` when ``x`` and ``y`` are close;
* `scale_term` (``r - 1 - log r``, ``r = (sp/sq)²``), the scale part of the Normal's KL;
* `lgamma_bregman` (``log Γ(y) - log Γ(x) - (y - x) ψ(x)``) and `lgamma_bregman_rest` (the
  same less Stirling's main part ``kl_div(y, x)``), from the Stirling series of ``log Γ``;
* `log_i0_bregman` (``log I0(y) - log I0(k) - (y - k) I1(k)/I0(k)``), for the von Mises law.

Each is a sum of non-negative terms, or a difference whose terms are at most a small factor
larger than the result: relative errors of a few ulps (`log_i0_bregman`: up to ~3000 ulps,
6e-13, for ``3 < k < 30``), checked against mpmath at 50 digits in the tests. Only array-API
operations are used (and `i0e`/`i1e` of `._special`), so they run on every backend and keep
PyTorch's autograd, with finite gradients at ``p == q``: each branch of a ``where`` gets safe
inputs where it is not taken (the "double where"), and a branch known to be unused for the
whole array (outside ``jax.jit``) is not evaluated at all.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from fractions import Fraction

import array_api_compat

from .._array_api import Array, Namespace, _known_false
from ._special import i0e, i1e

__all__ = [
    "expm1mx",
    "kl_div",
    "lgamma_bregman",
    "lgamma_bregman_rest",
    "log1pmx",
    "log_i0_bregman",
    "log_ratio",
    "one_minus_bessel_ratio",
    "scale_term",
]

_NEAR = 0.5  # |x| below which the series of log1pmx and expm1mx are summed
_ATANH = [1.0 / (2 * k + 3) for k in range(17)]  # (atanh(z) - z) / z^3 as a series in z^2
_EXP = [1.0 / math.factorial(n + 2) for n in range(16)]  # (exp(x) - 1 - x) / x^2, series in x
_LOG_MAX = 700.0  # |log x - log y| up to which x / y neither overflows nor underflows


def _select(
    cond: Array,
    first: Callable[..., Array],
    second: Callable[..., Array],
    args: Sequence[Array],
    safe: Sequence[tuple[float, float]],
    xp: Namespace,
) -> Array:
    """``where(cond, first(*args), second(*args))``, each branch given ``safe[i]`` (its value
    for ``first``, for ``second``) where it is not taken: no NaN, warning or infinite gradient
    leaks from the other branch. Only one branch runs where ``cond`` is known to be uniform."""
    if _known_false(xp.any(~cond), xp):
        return first(*args)
    if _known_false(xp.any(cond), xp):
        return second(*args)
    fa = [xp.where(cond, a, xp.full_like(a, s)) for a, (s, _) in zip(args, safe, strict=True)]
    sa = [xp.where(cond, xp.full_like(a, s), a) for a, (_, s) in zip(args, safe, strict=True)]
    return xp.where(cond, first(*fa), second(*sa))


def _horner(coeffs: Sequence[float], x: Array, xp: Namespace) -> Array:
    out = xp.zeros_like(x) + coeffs[-1]
    for c in reversed(coeffs[:-1]):
        out = out * x + c
    return out


def log1pmx(x: Array, xp: Namespace) -> Array:
    """``log(1 + x) - x`` (<= 0) for ``x >= -1`` (``-inf`` at -1); NaN below -1.

    For ``|x| < 1/2``: with ``z = x / (2 + x)``, ``log(1 + x) = 2 atanh(z)`` and ``x - 2z = x z``,
    so ``log1p(x) - x = -x z + 2 z^3 (1/3 + z^2/5 + ...)`` (``|z| <= 1/3``: 17 terms leave under
    1e-18); the two terms never cancel by more than 6 %. Elsewhere ``log1p(x) - x`` directly,
    at least a fifth of its larger term. Under 2 ulps from mpmath in the tests.
    """

    def series(x: Array) -> Array:
        z = x / (2.0 + x)
        return -x * z + 2.0 * z * z * z * _horner(_ATANH, z * z, xp)

    def direct(x: Array) -> Array:
        ok = x > -1.0
        xs = xp.where(ok, x, xp.ones_like(x))
        edge = xp.where(x == -1.0, xp.full_like(x, -math.inf), xp.full_like(x, math.nan))
        return xp.where(ok, xp.log1p(xs) - xs, edge)

    return _select(xp.abs(x) < _NEAR, series, direct, (x,), [(0.0, 1.0)], xp)


def expm1mx(x: Array, xp: Namespace) -> Array:
    """``exp(x) - 1 - x`` (>= 0): ``x^2 Σ x^n / (n + 2)!`` for ``|x| < 1/2`` (16 terms: under
    1e-19 relative), else ``expm1(x) - x`` (no cancellation there); +inf above 700."""

    def series(x: Array) -> Array:
        return x * x * _horner(_EXP, x, xp)

    def direct(x: Array) -> Array:
        big = x > _LOG_MAX
        xs = xp.where(big, xp.zeros_like(x), x)
        return xp.where(big, xp.full_like(x, math.inf), xp.expm1(xs) - xs)

    return _select(xp.abs(x) < _NEAR, series, direct, (x,), [(0.0, 1.0)], xp)


def log_ratio(x: Array, y: Array, xp: Namespace, diff: Array | None = None) -> Array:
    """``log(x / y)`` for ``x, y > 0``: ``log1p((x - y) / y)`` when ``|x - y| <= y / 2`` (the
    difference is then exact; ``diff`` is ``x - y`` when the caller knows it better, e.g.
    ``q - p`` for ``x = 1 - p``, ``y = 1 - q``), else ``log(x / y)``, or ``log x - log y``
    where ``x / y`` would overflow or underflow. Within an ulp or two in every case."""
    d = x - y if diff is None else diff
    zero = xp.zeros_like(x) + xp.zeros_like(y) + xp.zeros_like(d)
    x, y, d = x + zero, y + zero, d + zero

    def close(x: Array, y: Array, d: Array) -> Array:
        return xp.log1p(d / y)

    def far(x: Array, y: Array, d: Array) -> Array:
        diff = xp.log(x) - xp.log(y)
        fits = xp.abs(diff) < _LOG_MAX
        one = xp.ones_like(x)
        return xp.where(fits, xp.log(xp.where(fits, x, one) / xp.where(fits, y, one)), diff)

    safe = [(1.0, 1.0), (1.0, 1.0), (0.0, 0.0)]
    return _select(xp.abs(d) <= 0.5 * y, close, far, (x, y, d), safe, xp)


def kl_div(x: Array, y: Array, xp: Namespace, diff: Array | None = None) -> Array:
    """``x log(x / y) - x + y`` (>= 0) for ``x, y >= 0``, as ``scipy.special.kl_div``.

    ``diff`` is ``y - x`` when the caller knows it better than the subtraction ``y - x`` (e.g.
    ``q - p`` for ``x = 1 - q``, ``y = 1 - p``). Where ``|y - x| < x / 2`` it is
    ``-x log1pmx((y - x) / x)``: the difference enters only through ``(y - x) / x``, so the
    result is relative-accurate however small it is. Elsewhere ``x log(x / y) + (y - x)``,
    whose terms are at most a few times the result. ``x = 0`` gives ``y``; ``y = 0 < x``, +inf.
    """
    d = y - x if diff is None else diff
    zero = xp.zeros_like(x) + xp.zeros_like(y) + xp.zeros_like(d)
    x, y, d = x + zero, y + zero, d + zero

    def close(x: Array, y: Array, d: Array) -> Array:
        return x * (0.0 - log1pmx(d / x, xp))  # 0.0 - ...: +0.0 (not -0.0) at x == y

    def far(x: Array, y: Array, d: Array) -> Array:
        both = (x > 0) & (y > 0)
        one = xp.ones_like(x)
        out = xp.where(both, x, zero) * log_ratio(
            xp.where(both, x, one), xp.where(both, y, one), xp
        )
        out = xp.where((x > 0) & (y <= 0), xp.full_like(x, math.inf), out + d)
        return xp.where(x > 0, out, y)  # 0 log 0 = 0: the limit is y

    near = (x > 0) & (xp.abs(d) < _NEAR * x)
    out = _select(near, close, far, (x, y, d), [(1.0, 1.0), (1.0, 1.0), (0.0, 0.0)], xp)
    return xp.where(xp.isnan(x) | xp.isnan(y), xp.full_like(out, math.nan), out)


def scale_term(sp: Array, sq: Array, xp: Namespace) -> Array:
    """``r - 1 - log r`` (>= 0) for ``r = (sp / sq)²``: twice the KL divergence between zero-mean
    normals of scales ``sp`` and ``sq``. With ``d = (sp - sq) / sq`` it is
    ``d² + 2 (d - log1p(d)) = d² + 2 kl_div(sq, sp) / sq``: two non-negative terms."""
    d = (sp - sq) / sq
    return d * d + 2.0 * kl_div(sq, sp, xp, diff=sp - sq) / sq


# ------------------------------------------------------------------------------------- log Γ
# Stirling: log Γ(x) = (x - 1/2) log x - x + log(2π)/2 + μ(x), μ(x) ~ Σ_k c_k x^(1-2k) with
# c_k = B_2k / (2k (2k - 1)) (Abramowitz & Stegun 6.1.40). For x >= 10 these ten terms leave
# under 4e-15 of the Bregman divergence of μ, itself under 1/30 of the whole.
_STIRLING_C = (  # c_1, c_2, ...: the coefficients of x^-1, x^-3, ...
    "1/12 -1/360 1/1260 -1/1680 1/1188 -691/360360 1/156 -3617/122400 43867/244188 -174611/125400"
)
_STIRLING = {2 * k + 1: float(Fraction(c)) for k, c in enumerate(_STIRLING_C.split())}
_SHIFT = 10  # log Γ(x) = log Γ(x + 10) - Σ_{i<10} log(x + i) lifts x into the series' range
_STACK_MAX = 1 << 16  # `_head` stacks its ten terms up to this many elements


def _power_bregman(u: Array, v: Array, coeffs: dict[int, float], xp: Namespace) -> Array:
    """``Σ_m coeffs[m] T_m(u, v)``, ``T_m = Σ_{j=1..m} j u^j v^(m-j)``, every term >= 0.

    With ``u = 1/x``, ``v = 1/y``: ``y^-m - x^-m + m (y - x) x^(-m-1) = (y - x)² u v T_m``
    (factor ``r^m - 1 + m (1 - r) / r``, ``r = x / y``, by ``(1 - r)²``), so this is the
    Bregman divergence of ``Σ_m coeffs[m] x^-m`` over ``(y - x)² u v``, without a subtraction.
    """
    t, upow = u, u
    out = coeffs.get(1, 0.0) * t
    for m in range(2, max(coeffs) + 1):
        upow = upow * u
        t = v * t + m * upow
        if m in coeffs:
            out = out + coeffs[m] * t
    return out


def _stirling_rest(x: Array, y: Array, d: Array, xp: Namespace) -> Array:
    """``lgamma_bregman_rest`` for ``x, y >= 10``: the Bregman divergences of ``-log(x) / 2`` and
    of μ, ``kl_div(x, y) / (2x) + (d/x)(d/y) Σ c_k T_(2k-1)(1/x, 1/y)``, both >= 0."""
    u, v = 1.0 / x, 1.0 / y
    mu = (d * u) * (d * v) * _power_bregman(u, v, _STIRLING, xp)
    return 0.5 * kl_div(x, y, xp, diff=d) * u + mu


def _head(x: Array, y: Array, d: Array, xp: Namespace) -> Array:
    """``Σ_{i<10} -log1pmx(d / (x + i))``, the Bregman divergences of ``-log(x + i)``, as
    ``kl_div(x + i, y + i) / (x + i)`` (accurate also where ``y << x``): along a new last axis
    for small arrays (fewer operations), one ``i`` at a time for large ones (less memory)."""
    size = array_api_compat.size(x)
    if size is not None and size * _SHIFT <= _STACK_MAX:
        i = xp.arange(_SHIFT, dtype=x.dtype, device=array_api_compat.device(x))
        xi, yi = x[..., None] + i, y[..., None] + i
        return xp.sum(kl_div(xi, yi, xp, diff=d[..., None] + xp.zeros_like(i)) / xi, axis=-1)
    out = xp.zeros_like(x)
    for j in range(_SHIFT):
        out = out + kl_div(x + j, y + j, xp, diff=d) / (x + j)
    return out


def _args(x: Array, y: Array, diff: Array | None, xp: Namespace) -> tuple[Array, Array, Array]:
    """``x``, ``y`` and ``diff`` (default ``y - x``) broadcast together."""
    d = y - x if diff is None else diff
    zero = xp.zeros_like(x) + xp.zeros_like(y) + xp.zeros_like(d)
    return x + zero, y + zero, d + zero


def lgamma_bregman(x: Array, y: Array, xp: Namespace, diff: Array | None = None) -> Array:
    """``log Γ(y) - log Γ(x) - (y - x) ψ(x)`` (>= 0) for ``x, y > 0``; ``diff`` is ``y - x``
    when the caller knows it better than the subtraction (as for `kl_div`).

    For ``x, y >= 10``: ``kl_div(y, x)`` (Stirling's ``x log x - x`` part) plus the series of
    `_stirling_rest`; below, ``log Γ(x) = log Γ(x + 10) - Σ_{i<10} log(x + i)`` adds the
    ``-log`` divergences of `_head` to the same at ``x + 10``. Every term is >= 0: a few ulps
    relative for any ``x`` and ``y``.
    """

    def direct(x: Array, y: Array, d: Array) -> Array:
        return kl_div(y, x, xp, diff=-d) + _stirling_rest(x, y, d, xp)

    def shifted(x: Array, y: Array, d: Array) -> Array:
        return _head(x, y, d, xp) + direct(x + _SHIFT, y + _SHIFT, d)

    x, y, d = _args(x, y, diff, xp)
    big = (x >= _SHIFT) & (y >= _SHIFT)
    return _select(big, direct, shifted, (x, y, d), [(10.0, 1.0)] * 2 + [(0.0, 0.0)], xp)


def lgamma_bregman_rest(x: Array, y: Array, xp: Namespace, diff: Array | None = None) -> Array:
    """``lgamma_bregman(x, y) - kl_div(y, x)``: the divergence less Stirling's main part.

    For ``x, y >= 10`` the series of `_stirling_rest` (>= 0, no cancellation). Below, the
    shifted form of `lgamma_bregman` less ``kl_div(y, x)``: for ``|y - x| < x / 2`` the two
    ``kl_div`` at ``x + 10`` and ``x`` are subtracted as such (the result is at least
    ``1 / (2x) >= 1/20`` of them), otherwise through ``y (log1p(10 / y) - log1p(10 / x))
    + 10 log((y + 10) / (x + 10))``, whose terms are of the result's size.
    """

    def direct(x: Array, y: Array, d: Array) -> Array:
        return _stirling_rest(x, y, d, xp)

    def close(x: Array, y: Array, d: Array) -> Array:
        return kl_div(y + _SHIFT, x + _SHIFT, xp, diff=-d) - kl_div(y, x, xp, diff=-d)

    def far(x: Array, y: Array, d: Array) -> Array:
        out = y * (xp.log1p(_SHIFT / y) - xp.log1p(_SHIFT / x))
        return out + _SHIFT * log_ratio(y + _SHIFT, x + _SHIFT, xp)

    def shifted(x: Array, y: Array, d: Array) -> Array:
        near = xp.abs(d) < _NEAR * x
        safe = [(1.0, 1.0)] * 2 + [(0.0, 0.0)]
        gap = _select(near, close, far, (x, y, d), safe, xp)
        return _head(x, y, d, xp) + gap + _stirling_rest(x + _SHIFT, y + _SHIFT, d, xp)

    x, y, d = _args(x, y, diff, xp)
    big = (x >= _SHIFT) & (y >= _SHIFT)
    return _select(big, direct, shifted, (x, y, d), [(10.0, 1.0)] * 2 + [(0.0, 0.0)], xp)


# ------------------------------------------------------------------------------------ log I0
# log I0(k) = k - log(2πk)/2 + ν(k), ν(k) ~ Σ_n d_n k^-n: the logarithm of the asymptotic series
# Σ_n ((2n-1)!!)² / (n! (8k)^n) of exp(-k) sqrt(2πk) I0(k) (Abramowitz & Stegun 9.7.1); the
# coefficients are exact rationals, from the recurrence for the log of a power series.
_BESSEL_D = (  # d_1, d_2, ...
    "1/8 1/16 25/384 13/128 1073/5120 103/192 375733/229376 23797/4096 55384775/2359296"
    " 2180461/20480 24713030909/46137344 72763141/24576 7780757249041/436207616"
    " 13342715521/114688 5261793482424425/6442450944 12878188618117/2097152"
)
_BESSEL = {n: float(Fraction(d)) for n, d in enumerate(_BESSEL_D.split(), start=1)}
_BESSEL_MIN = 30.0  # from here the series of ν leaves under 1e-14 (relative) of the divergence
_TAYLOR = 0.1  # |δ| / min(k, 10) below which log I0's Taylor series about k is summed
_TAYLOR_TERMS = 18
_SMALL = 2.0  # k, k + δ up to which log I0 is summed from its power series
_SMALL_TERMS = 18


def one_minus_bessel_ratio(k: Array, xp: Namespace) -> Array:
    """``1 - I1(k) / I0(k)``, accurate where the ratio is close to 1 (large ``k``)."""
    i0 = i0e(k, xp)
    return (i0 - i1e(k, xp)) / i0


def _i0_asymptotic(k: Array, y: Array, d: Array, xp: Namespace) -> Array:
    """For ``k, y >= 30``: the Bregman divergences of ``-log(k) / 2`` and of ν (both >= 0)."""
    u, v = 1.0 / k, 1.0 / y
    nu = (d * u) * (d * v) * _power_bregman(u, v, _BESSEL, xp)
    return 0.5 * kl_div(k, y, xp, diff=d) * u + nu


def _i0_taylor(k: Array, y: Array, d: Array, xp: Namespace) -> Array:
    """``Σ_{n>=1} a_n d^(n+1) / (n + 1)`` with ``A(k + d) = Σ a_n d^n``, ``A = I1 / I0``.

    ``A`` solves the Riccati equation ``k A' = k - A - k A²``; matching powers of ``d`` in
    ``(k + d) A'(k + d) = (k + d) - A - (k + d) A²`` gives ``a_(n+1) = ([n=0] k + [n=1]
    - (n + 1) a_n - k c_n - c_(n-1)) / (k (n + 1))``, ``c = a * a`` (Cauchy product), and
    ``a_1 = b (2 - b) - A / k`` with ``A = i1e / i0e``, ``b = 1 - A`` both relative-accurate
    (they cancel by ``2k`` at most). ``A``'s poles nearest ``k`` are at ``k = ±2.40i``, so for
    ``|d| <= min(k, 10) / 10`` the terms fall at least tenfold each.
    """
    b = one_minus_bessel_ratio(k, xp)
    ratio = i1e(k, xp) / i0e(k, xp)
    a = [ratio, b * (2.0 - b) - ratio / k]
    c = [ratio * ratio]
    power = d * d
    out = a[1] * power / 2.0
    for n in range(1, _TAYLOR_TERMS):
        c.append(sum((a[i] * a[n - i] for i in range(1, n)), 2.0 * a[0] * a[n]))
        num = -(n + 1) * a[n] - k * c[n] - c[n - 1]
        a.append(((1.0 + num) if n == 1 else num) / (k * (n + 1)))
        power = power * d
        out = out + a[n + 1] * power / (n + 2)
    return out


def _i0_small(k: Array, y: Array, d: Array, xp: Namespace) -> Array:
    """For ``k, y <= 2``, from the power series ``I0 = 1 + s``, ``s(k) = Σ_{m>=1} t^m / (m!)²``,
    ``t = k² / 4`` (Abramowitz & Stegun 9.6.12; 18 terms).

    ``log I0(y) - log I0(k) = log1p((s(y) - s(k)) / I0(k))`` with ``s(y) - s(k) =
    (t' - t) Σ_m P_m / (m!)²``, ``t' - t = d (k + y) / 4``, ``P_m = Σ_{j<m} t'^j t^(m-1-j)``: no
    subtraction. Less ``d A(k)``, it cancels by ``(k + y) / |d| <= 21`` at most (``|d| > k/10``).
    """
    t, ty = k * k / 4.0, y * y / 4.0
    p, tpow, fact2 = xp.ones_like(k), xp.ones_like(k), 1.0
    s, ds = xp.zeros_like(k), xp.zeros_like(k)
    for m in range(1, _SMALL_TERMS + 1):
        fact2 *= float(m * m)
        ds = ds + p / fact2
        tpow = tpow * t
        s = s + tpow / fact2
        p = ty * p + tpow
    log_ratio_i0 = xp.log1p(d * (k + y) / 4.0 * ds / (1.0 + s))
    return log_ratio_i0 - d * (i1e(k, xp) / i0e(k, xp))


def _i0_direct(k: Array, y: Array, d: Array, xp: Namespace) -> Array:
    """``log(i0e(y) / i0e(k)) + d (1 - A(k))``, where ``|d|`` is large enough (``> 1`` or
    ``> k / 10`` with ``k > 2``) that its terms are at most some tens of times the result."""
    return xp.log(i0e(y, xp) / i0e(k, xp)) + d * one_minus_bessel_ratio(k, xp)


def log_i0_bregman(k: Array, y: Array, xp: Namespace, diff: Array | None = None) -> Array:
    """``log I0(y) - log I0(k) - (y - k) A(k)`` (>= 0), ``A = I1 / I0``, for ``k, y > 0``;
    ``diff`` is ``y - k`` when known better than the subtraction.

    Four routes: `_i0_asymptotic` for ``k, y >= 30``, `_i0_taylor` for
    ``|y - k| <= min(k, 10) / 10``, `_i0_small` for ``k, y <= 2``, `_i0_direct` otherwise.
    Within ~3000 ulps (6e-13) of mpmath for ``3 < k < 30``, a few ulps elsewhere.
    """

    def route(fn: Callable[..., Array]) -> Callable[..., Array]:
        return lambda k, y, d: fn(k, y, d, xp)

    def other(k: Array, y: Array, d: Array) -> Array:  # |d| > min(k, 10) / 10
        small = (k <= _SMALL) & (y <= _SMALL)
        safe = [(1.0, 1.0), (1.0, 2.0), (0.0, 1.0)]
        return _select(small, route(_i0_small), route(_i0_direct), (k, y, d), safe, xp)

    def rest(k: Array, y: Array, d: Array) -> Array:  # k < 30 or y < 30
        near = xp.abs(d) <= _TAYLOR * xp.minimum(k, xp.full_like(k, 10.0))
        safe = [(1.0, 1.0), (1.0, 2.0), (0.0, 1.0)]
        return _select(near, route(_i0_taylor), other, (k, y, d), safe, xp)

    k, y, d = _args(k, y, diff, xp)
    big = (k >= _BESSEL_MIN) & (y >= _BESSEL_MIN)
    safe = [(_BESSEL_MIN, 1.0), (_BESSEL_MIN, 2.0), (0.0, 1.0)]
    return _select(big, route(_i0_asymptotic), rest, (k, y, d), safe, xp)
