"""Closed-form KL divergences between different continuous families.

Every finite pair below is ``KL(P‖Q) = -H(P) - E_P[log q(X)]``: ``log q`` is a sum of a few
functions of ``x`` (``x``, ``x²``, ``|x - μ|``, ``log x``, ``x^c``, ``exp(-x/β)``), so
``E_P[log q]`` needs only the matching expectation under P. Those expectations are tabulated
per family (the moment tables below, each with its source) and the KL of each target family
is written once, as named terms. Pairs whose supports do not nest (P puts mass where Q's
density is 0) or whose tails do not (``E_P[-log q] = +inf``) are registered returning +inf.
"""

from __future__ import annotations

import copy
import functools
import math
from collections.abc import Callable
from typing import Any

from .._core._array_api import Array, Namespace
from .._core._registry import register_kl, registered
from ._base import Distribution
from ._beta import (
    Beta,
    Uniform,
    _mean_log_interval,
)
from ._gamma import (
    Chi2,
    Exponential,
    Gamma,
    _GammaLike,
)
from ._laplace import (
    Laplace,
    LogNormal,
    _minus_mean_log_lognormal,
)
from ._location_scale import Cauchy, Gumbel, HalfNormal, Logistic, Rayleigh
from ._normal import Normal
from ._shape import (
    EULER_GAMMA,
    Pareto,
    StudentT,
    Weibull,
)
from ._special import clamp0, inf_like, lgamma, special

__all__: list[str] = []

_LOG_2 = math.log(2.0)
_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)
_HALF_LOG_PI_2 = 0.5 * math.log(math.pi / 2.0)
_INF = math.inf
_p: type[Distribution]  # the loop variables of the registrations below
_q: type[Distribution]


def _erf(x: Array, xp: Namespace) -> Array:
    """The error function in ``x``'s library (scipy.special, torch.special, jax.scipy.special)."""
    return special("erf", xp)(x)


def _safe(ok: Array, x: Array, fill: float, xp: Namespace) -> Array:
    """``x`` where ``ok``, ``fill`` elsewhere: the inner half of the "double where"."""
    return xp.where(ok, x, xp.full_like(x, fill))


def _inf_where(bad: Array, kl: Array, xp: Namespace) -> Array:
    return xp.where(bad, xp.full_like(kl, _INF), kl)


# ------------------------------------------------------------------------------ moment tables
# E_P[log X] for the families on [0, inf) (Uniform: valid where loc >= 0). Sources: Gamma,
# Beta, Uniform and LogNormal use their own `_mean_log`; log(X / s) ~ Exponential(b) for the
# Pareto; log X = log λ + (log E) / c, E ~ Exponential(1), E[log E] = -γ for the Weibull;
# E[log|Z|] = (ψ(1/2) + log 2) / 2 = -(γ + log 2) / 2 for the half-normal; X² / (2σ²) ~
# Exponential(1) for the Rayleigh.
_MEAN_LOG: dict[type, Callable[[Any], Array]] = {
    Exponential: lambda p: p._mean_log(),
    Gamma: lambda p: p._mean_log(),
    Chi2: lambda p: p._mean_log(),
    Beta: lambda p: p._mean_log(),
    Uniform: lambda p: _mean_log_interval(p.loc, p.high, p.scale, p.xp),
    LogNormal: lambda p: p._mean_log(),
    Pareto: lambda p: p.xp.log(p.scale) + 1.0 / p.b,
    Weibull: lambda p: p.xp.log(p.scale) - EULER_GAMMA / p.c,
    HalfNormal: lambda p: p.xp.log(p.scale) - 0.5 * (EULER_GAMMA + _LOG_2),
    Rayleigh: lambda p: p.xp.log(p.scale) + 0.5 * (_LOG_2 - EULER_GAMMA),
}

# Var_P[log X] for the LogNormal target, from the same representations: 1 / b² (Pareto),
# ψ'(1) / c² = π² / (6 c²) (Weibull), ψ'(1/2) / 4 = π² / 8 (half-normal), ψ'(1) / 4 = π² / 24
# (Rayleigh).
_VAR_LOG: dict[type, Callable[[Any], Array]] = {
    Pareto: lambda p: 1.0 / (p.b * p.b),
    Weibull: lambda p: math.pi**2 / 6.0 / (p.c * p.c),
    HalfNormal: lambda p: math.pi**2 / 8.0 + p.xp.zeros_like(p.scale),
    Rayleigh: lambda p: math.pi**2 / 24.0 + p.xp.zeros_like(p.scale),
}


def _log_mean_pow_gamma(p: _GammaLike, c: Array) -> Array:
    # E[X^c] = θ^c Γ(k + c) / Γ(k) (the Gamma integral)
    xp, k = p.xp, p._shape()
    return c * xp.log(p._scale()) + lgamma(k + c, xp) - lgamma(k, xp)


def _log_mean_pow_pareto(p: Pareto, c: Array) -> Array:
    # E[X^c] = b s^c / (b - c) for c < b (direct integration; +inf otherwise, see _FINITE_IF)
    xp = p.xp
    return xp.log(p.b) + c * xp.log(p.scale) - xp.log(p.b - c)


def _log_mean_pow_uniform(p: Uniform, c: Array) -> Array:
    # E[X^c] = (h^(c+1) - l^(c+1)) / ((c + 1) w) for l >= 0 (direct integration); log-space:
    # h^(c+1) (1 - (l/h)^(c+1)) with l clipped at 0 (the l < 0 case is masked as +inf)
    xp = p.xp
    pos = p.loc > 0
    lo = _safe(pos, p.loc, 1.0, xp)
    r = xp.where(pos, xp.exp((c + 1.0) * xp.log(lo / p.high)), xp.zeros_like(lo))
    return (c + 1.0) * xp.log(p.high) + xp.log1p(-r) - xp.log((c + 1.0) * p.scale)


# log E_P[X^c] for the Weibull target.
_LOG_MEAN_POW: dict[type, Callable[[Any, Array], Array]] = {
    Exponential: _log_mean_pow_gamma,
    Gamma: _log_mean_pow_gamma,
    Chi2: _log_mean_pow_gamma,
    Pareto: _log_mean_pow_pareto,
    Uniform: _log_mean_pow_uniform,
    # B(a + c, b) / B(a, b) (the Beta integral)
    Beta: lambda p, c: (
        lgamma(p.a + c, p.xp)
        - lgamma(p.a, p.xp)
        + lgamma(p.a + p.b, p.xp)
        - lgamma(p.a + p.b + c, p.xp)
    ),
    # scale^c exp(c² s² / 2) (the normal moment generating function of log X)
    LogNormal: lambda p, c: c * p.xp.log(p.scale) + 0.5 * (c * p.s) ** 2,
    # σ^c 2^(c/2) Γ((c + 1) / 2) / √π (the Gamma integral after x = σ √(2u))
    HalfNormal: lambda p, c: (
        c * p.xp.log(p.scale)
        + 0.5 * c * _LOG_2
        + lgamma(0.5 * (c + 1.0), p.xp)
        - 0.5 * math.log(math.pi)
    ),
}


def _second_moment(p: Distribution, m: Array) -> Array:
    """E_P[(X - m)²] = Var_P + (E_P[X] - m)²."""
    return p.variance + (p.mean - m) ** 2


def _support_ok(p: Distribution) -> Array | None:
    """Where P lies inside [0, inf) when that depends on the parameters (Uniform), else None."""
    return p.loc >= 0 if isinstance(p, Uniform) else None


# Pairs finite for some parameters only: (P, Q) -> (P's parameter, its bound from Q, whether
# KL is finite above the bound (else below)). Outside, KL = +inf, and the formula is evaluated
# at a safe parameter value so that gradients stay finite (the "double where").
_Rule = tuple[str, Callable[[Any], Any], bool]
_FINITE_IF: dict[tuple[type, type], _Rule] = {
    (StudentT, Normal): ("df", lambda q: 2.0, True),  # Var_P = +inf for ν <= 2
    (Pareto, Normal): ("b", lambda q: 2.0, True),  # E_P[X²] = +inf for b <= 2
    (Pareto, HalfNormal): ("b", lambda q: 2.0, True),
    (Pareto, Rayleigh): ("b", lambda q: 2.0, True),
    (Pareto, Exponential): ("b", lambda q: 1.0, True),  # E_P[X] = +inf for b <= 1
    (Pareto, Gamma): ("b", lambda q: 1.0, True),
    (Pareto, Chi2): ("b", lambda q: 1.0, True),
    (Pareto, Weibull): ("b", lambda q: q.c, True),  # E_P[X^c] = +inf for b <= c
    (Pareto, Laplace): ("b", lambda q: 1.0, True),  # E_P|X - μ| = +inf for b <= 1
    (Laplace, Gumbel): ("scale", lambda q: q.scale, False),  # E_P[e^(-X/β)] = +inf, b >= β
    (Logistic, Gumbel): ("scale", lambda q: q.scale, False),  # likewise for s >= β
}
_KL = Callable[[Any, Any], Array]


def _guarded(kl: _KL) -> _KL:
    """``kl`` with the +inf regions of `_FINITE_IF` masked out."""

    @functools.wraps(kl)
    def guarded(p: Any, q: Any) -> Array:
        rule = _FINITE_IF.get((type(p), type(q)))
        if rule is None:
            return kl(p, q)
        name, bound, above = rule
        xp, v = p.xp, getattr(p, name)
        t = bound(q) * xp.ones_like(v)
        v = v + xp.zeros_like(t)
        ok = v > t if above else v < t
        safe = xp.where(ok, v, t + 1.0 if above else 0.5 * t)
        tame = copy.copy(p)
        tame._values = {**p._values, name: safe}
        setattr(tame, name, safe)
        return _inf_where(~ok, kl(tame, q), xp)

    return guarded


def _finish(p: Distribution, kl: Array) -> Array:
    xp = p.xp
    kl = clamp0(kl, xp)
    ok = _support_ok(p)
    return kl if ok is None else _inf_where(~ok, kl, xp)


# ------------------------------------------------------------------------------ KL to Normal
@_guarded
def _kl_to_normal(p: Distribution, q: Normal) -> Array:
    # log q(x) = -log σ - ½ log 2π - (x - μ)² / (2σ²), so
    # KL = -H(P) + log σ + ½ log 2π + E_P[(X - μ)²] / (2σ²)  (+inf where P's variance is)
    xp = p.xp
    t1 = -p.entropy()
    t2 = xp.log(q.scale) + _HALF_LOG_2PI
    t3 = _second_moment(p, q.loc) / (2.0 * q.scale * q.scale)
    return clamp0(t1 + t2 + t3, xp)


for _p in (Beta, Uniform, Exponential, Gamma, Chi2, Gumbel, Laplace, Logistic, StudentT):
    register_kl(_p, Normal)(_kl_to_normal)
for _p in (Pareto, LogNormal, HalfNormal, Rayleigh, Weibull):
    register_kl(_p, Normal)(_kl_to_normal)


# ------------------------------------------------------------------------------ KL to Gumbel
def _log_mgf_uniform(p: Uniform, t: Array) -> Array:
    # E[e^(-tX)] = e^(-t l) (1 - e^(-t w)) / (t w) (direct integration)
    xp, tw = p.xp, t * p.scale
    return -t * p.loc + xp.log(-xp.expm1(-tw)) - xp.log(tw)


def _log_mgf_laplace(p: Laplace, t: Array) -> Array:
    # E[e^(-tX)] = e^(-t μ) / (1 - b² t²) for b t < 1 (the Laplace MGF; +inf otherwise)
    bt = p.scale * t
    return -t * p.loc - p.xp.log1p(-bt * bt)


def _log_mgf_logistic(p: Logistic, t: Array) -> Array:
    # E[e^(-tX)] = e^(-t μ) B(1 - st, 1 + st) = e^(-t μ) π st / sin(π st) for st < 1 (the
    # logistic MGF, +inf otherwise; B(1 - u, 1 + u) = Γ(1 - u) Γ(1 + u) = π u / sin(π u))
    xp, u = p.xp, p.scale * t
    return -t * p.loc + xp.log(math.pi * u / xp.sin(math.pi * u))


def _log_mgf_gamma(p: _GammaLike, t: Array) -> Array:
    # E[e^(-tX)] = (1 + θ t)^(-k) (the Gamma MGF)
    return -p._shape() * p.xp.log1p(p._scale() * t)


# log E_P[exp(-t X)] for t = 1 / β > 0 (the log of the moment generating function at -t).
_LOG_MGF: dict[type, Callable[[Any, Array], Array]] = {
    # E[e^(-tX)] = e^(-t μ + σ² t² / 2) (the normal MGF)
    Normal: lambda p, t: -t * p.loc + 0.5 * (p.scale * t) ** 2,
    Exponential: _log_mgf_gamma,
    Gamma: _log_mgf_gamma,
    Chi2: _log_mgf_gamma,
    Uniform: _log_mgf_uniform,
    Laplace: _log_mgf_laplace,
    Logistic: _log_mgf_logistic,
}


@_guarded
def _kl_to_gumbel(p: Distribution, q: Gumbel) -> Array:
    # log q(x) = -log β - z - e^(-z), z = (x - μ) / β, so
    # KL = -H(P) + log β + (E_P[X] - μ) / β + e^(μ/β) E_P[e^(-X/β)]
    # (the same terms as torch.distributions.kl's Gumbel pairs, derived independently)
    xp = p.xp
    t = 1.0 / q.scale
    t1 = -p.entropy()
    t2 = xp.log(q.scale)
    t3 = (p.mean - q.loc) * t
    t4 = xp.exp(q.loc * t + _LOG_MGF[type(p)](p, t))
    return clamp0(t1 + t2 + t3 + t4, xp)


for _p in _LOG_MGF:
    register_kl(_p, Gumbel)(_kl_to_gumbel)


# ----------------------------------------------------------------------------- KL to Laplace
def _mad_normal(p: Normal, m: Array) -> Array:
    # E|X - m| = σ √(2/π) e^(-d²/(2σ²)) + d erf(d / (σ √2)), d = μ - m (the folded normal mean)
    xp, d = p.xp, p.loc - m
    z = d / p.scale
    return p.scale * math.sqrt(2.0 / math.pi) * xp.exp(-0.5 * z * z) + d * _erf(
        z / math.sqrt(2.0), xp
    )


def _mad_logistic(p: Logistic, m: Array) -> Array:
    # E|X - m| = (μ - m) + 2 ∫_{-inf}^m F(x) dx = (μ - m) + 2 s log(1 + e^((m - μ)/s))
    # (|y| = y + 2 max(-y, 0) and E[max(m - X, 0)] = ∫ F; F the logistic CDF)
    xp, d = p.xp, p.loc - m
    return d + 2.0 * p.scale * xp.logaddexp(xp.zeros_like(d), -d / p.scale)


def _pos(m: Array, xp: Namespace) -> Array:
    return xp.where(m > 0, m, xp.zeros_like(m))


# For P on [0, inf): E|X - m| = E[X] - m + 2 E[max(m - X, 0)], E[max(m - X, 0)] = ∫_0^m F(x) dx
# (0 for m <= 0), with F the CDF of P; each integral below is elementary.
def _mad_halfnormal(p: HalfNormal, m: Array) -> Array:
    # ∫_0^m erf(x / (σ√2)) dx = m erf(m / (σ√2)) - σ √(2/π) (1 - e^(-m²/(2σ²)))
    xp, mp = p.xp, _pos(m, p.xp)
    z = mp / p.scale
    below = mp * _erf(z / math.sqrt(2.0), xp) + p.scale * math.sqrt(2.0 / math.pi) * xp.expm1(
        -0.5 * z * z
    )
    return p.mean - m + 2.0 * below


def _mad_rayleigh(p: Rayleigh, m: Array) -> Array:
    # ∫_0^m (1 - e^(-x²/(2σ²))) dx = m - σ √(π/2) erf(m / (σ√2))
    xp, mp = p.xp, _pos(m, p.xp)
    below = mp - p.scale * math.sqrt(math.pi / 2.0) * _erf(mp / (p.scale * math.sqrt(2.0)), xp)
    return p.mean - m + 2.0 * below


def _mad_lognormal(p: LogNormal, m: Array) -> Array:
    # E[max(m - X, 0)] = m Φ(d) - E[X] Φ(d - s), d = (log m - log scale) / s (the Black–Scholes
    # put integral), Φ(z) = (1 + erf(z / √2)) / 2
    xp = p.xp
    ok = m > 0
    d = (xp.log(_safe(ok, m, 1.0, xp)) - xp.log(p.scale)) / p.s

    def phi(z: Array) -> Array:
        return 0.5 * (1.0 + _erf(z / math.sqrt(2.0), xp))

    below = xp.where(ok, m * phi(d) - p.mean * phi(d - p.s), xp.zeros_like(d))
    return p.mean - m + 2.0 * below


def _mad_pareto(p: Pareto, m: Array) -> Array:
    # ∫_s^m (1 - (s/x)^b) dx = s [(r - 1) - (r^(1-b) - 1) / (1 - b)], r = m / s (0 for m <= s;
    # b > 1 here: E[X] = +inf for b <= 1, see _FINITE_IF)
    xp = p.xp
    ok = m > p.scale
    r = _safe(ok, m / p.scale, 1.0, xp)
    below = p.scale * ((r - 1.0) + xp.expm1((1.0 - p.b) * xp.log(r)) / (p.b - 1.0))
    return p.mean - m + 2.0 * below


_MAD: dict[type, Callable[[Any, Array], Array]] = {
    Normal: _mad_normal,
    Logistic: _mad_logistic,
    HalfNormal: _mad_halfnormal,
    Rayleigh: _mad_rayleigh,
    LogNormal: _mad_lognormal,
    Pareto: _mad_pareto,
}


@_guarded
def _kl_to_laplace(p: Distribution, q: Laplace) -> Array:
    # log q(x) = -log 2b - |x - μ| / b, so KL = -H(P) + log 2b + E_P|X - μ| / b
    xp = p.xp
    t1 = -p.entropy()
    t2 = xp.log(2.0 * q.scale)
    t3 = _MAD[type(p)](p, q.loc) / q.scale
    return clamp0(t1 + t2 + t3, xp)


for _p in _MAD:
    register_kl(_p, Laplace)(_kl_to_laplace)


# ----------------------------------------------- KL to the families on [0, inf) and Pareto
@_guarded
def _kl_to_gamma(p: Distribution, q: _GammaLike) -> Array:
    # log q(x) = (k - 1) log x - x / θ - log Γ(k) - k log θ, so
    # KL = -H(P) - (k - 1) E_P[log X] + E_P[X] / θ + log Γ(k) + k log θ
    xp = p.xp
    k, theta = q._shape(), q._scale()
    t1 = -p.entropy()
    t2 = -(k - 1.0) * _MEAN_LOG[type(p)](p)
    t3 = p.mean / theta
    t4 = lgamma(k, xp) + k * xp.log(theta)
    return _finish(p, t1 + t2 + t3 + t4)


for _p in (Pareto, Weibull, HalfNormal, Rayleigh):
    for _q in (Exponential, Gamma, Chi2):
        register_kl(_p, _q)(_kl_to_gamma)


@_guarded
def _kl_to_weibull(p: Distribution, q: Weibull) -> Array:
    # log q(x) = log c - c log λ + (c - 1) log x - (x / λ)^c, so
    # KL = -H(P) - log c + c log λ - (c - 1) E_P[log X] + E_P[X^c] / λ^c
    xp, c = p.xp, q.c
    t1 = -p.entropy()
    t2 = -xp.log(c) + c * xp.log(q.scale)
    t3 = -(c - 1.0) * _MEAN_LOG[type(p)](p)
    t4 = xp.exp(_LOG_MEAN_POW[type(p)](p, c) - c * xp.log(q.scale))
    return _finish(p, t1 + t2 + t3 + t4)


for _p in _LOG_MEAN_POW:
    register_kl(_p, Weibull)(_kl_to_weibull)


@_guarded
def _kl_to_halfnormal(p: Distribution, q: HalfNormal) -> Array:
    # log q(x) = ½ log(2/π) - log σ - x² / (2σ²) on [0, inf), so
    # KL = -H(P) + ½ log(π/2) + log σ + E_P[X²] / (2σ²)
    xp = p.xp
    t1 = -p.entropy()
    t2 = _HALF_LOG_PI_2 + xp.log(q.scale)
    t3 = _second_moment(p, xp.zeros_like(q.scale)) / (2.0 * q.scale * q.scale)
    return _finish(p, t1 + t2 + t3)


@_guarded
def _kl_to_rayleigh(p: Distribution, q: Rayleigh) -> Array:
    # log q(x) = log x - 2 log σ - x² / (2σ²) on [0, inf), so
    # KL = -H(P) - E_P[log X] + 2 log σ + E_P[X²] / (2σ²)
    xp = p.xp
    t1 = -p.entropy()
    t2 = -_MEAN_LOG[type(p)](p)
    t3 = 2.0 * xp.log(q.scale)
    t4 = _second_moment(p, xp.zeros_like(q.scale)) / (2.0 * q.scale * q.scale)
    return _finish(p, t1 + t2 + t3 + t4)


for _p in (Exponential, Gamma, Chi2, Beta, Uniform, LogNormal, Pareto, Weibull, Rayleigh):
    register_kl(_p, HalfNormal)(_kl_to_halfnormal)
for _p in (Exponential, Gamma, Chi2, Beta, Uniform, LogNormal, Pareto, HalfNormal):
    register_kl(_p, Rayleigh)(_kl_to_rayleigh)


def _kl_to_lognormal(p: Distribution, q: LogNormal) -> Array:
    # log q(x) = -log x - log s - ½ log 2π - (log x - log scale)² / (2 s²), so
    # KL = -H(P) + E_P[log X] + log s + ½ log 2π + E_P[(log X - log scale)²] / (2 s²)
    # (the last three terms with the mean log: `_minus_mean_log_lognormal`)
    return _finish(
        p, -p.entropy() + _minus_mean_log_lognormal(q, _MEAN_LOG[type(p)](p), _VAR_LOG[type(p)](p))
    )


for _p in _VAR_LOG:
    register_kl(_p, LogNormal)(_kl_to_lognormal)


@register_kl(Uniform, Pareto)
def _kl_uniform_pareto(p: Uniform, q: Pareto) -> Array:
    # log q(x) = log b + b log s - (b + 1) log x on [s, inf), so
    # KL = -log w - log b - b log s + (b + 1) E_P[log X] when l >= s, +inf otherwise
    # (E_P[log X] over the interval by direct integration, `_mean_log_interval`)
    xp = p.xp
    t1 = -xp.log(p.scale)
    t2 = -xp.log(q.b) - q.b * xp.log(q.scale)
    t3 = (q.b + 1.0) * _mean_log_interval(p.loc, p.high, p.scale, xp)
    return _inf_where(p.loc < q.scale, clamp0(t1 + t2 + t3, xp), xp)


# ----------------------------------------------------------------------------- +inf pairs
# Support mismatch: P puts mass where Q's density is 0, so KL(P‖Q) = +inf.
_REAL_LINE = (Normal, Gumbel, Laplace, Cauchy, Logistic, StudentT)  # support: all of R
_HALF_LINE = (Exponential, Gamma, Chi2, HalfNormal, Rayleigh, Weibull, LogNormal)  # [0, inf)
_BOUNDED = (Beta, Uniform)  # bounded above and below
_INF_PAIRS: list[tuple[type[Distribution], type[Distribution]]] = (
    [(a, b) for a in _REAL_LINE for b in (*_BOUNDED, *_HALF_LINE, Pareto)]
    + [(a, b) for a in (*_HALF_LINE, Pareto) for b in _BOUNDED]  # unbounded above
    + [(a, Pareto) for a in (*_HALF_LINE, Beta)]  # mass below Pareto's scale s > 0
    # Tails: Cauchy has no mean (E_P|X| = +inf), so -E_P[log q] = +inf for Normal, Laplace,
    # Logistic (log q ~ -c|x|) and Gumbel (log q ~ -e^(-x/β)); Student's t likewise against
    # the Gumbel (E_P[e^(-X/β)] = +inf for any ν).
    + [(Cauchy, Normal), (Cauchy, Laplace), (Cauchy, Logistic), (Cauchy, Gumbel)]
    + [(StudentT, Gumbel)]
)


def _kl_infinite(p: Distribution, q: Distribution) -> Array:
    return inf_like(p, q)


_ELSEWHERE = {key[1] for key in registered() if key[0] == "kl_divergence"}
for _p, _q in _INF_PAIRS:
    if (_p, _q) not in _ELSEWHERE:  # the family modules already register some of these
        register_kl(_p, _q)(_kl_infinite)
