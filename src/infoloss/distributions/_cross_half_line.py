"""Closed-form KL divergences between continuous families, to those on [0, inf) and the Pareto.

The targets: Exponential, Gamma, Chi2, Weibull, HalfNormal, Rayleigh, LogNormal and Pareto. As
in `._cross`, ``KL(P‖Q) = -H(P) - E_P[log q(X)]``, here with ``E_P[log q]`` from the moment
tables of ``log X`` below (each with its source), written once per target family as named
terms. Pairs whose supports do not nest (P puts mass where Q's density is 0) or whose tails do
not (``E_P[-log q] = +inf``) are registered returning +inf, after every finite pair (this
module imports `._cross`, which registers the others).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .._core import Array, clamp0, inf_like, lgamma, register_kl, registered
from ._base import Distribution
from ._beta import (
    Beta,
    Uniform,
    _mean_log_interval,
)
from ._cross import _guarded, _inf_where, _safe, _second_moment
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

__all__: list[str] = []

_LOG_2 = math.log(2.0)
_HALF_LOG_PI_2 = 0.5 * math.log(math.pi / 2.0)
_p: type[Distribution]  # the loop variables of the registrations below
_q: type[Distribution]


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


def _support_ok(p: Distribution) -> Array | None:
    """Where P lies inside [0, inf) when that depends on the parameters (Uniform), else None."""
    return p.loc >= 0 if isinstance(p, Uniform) else None


def _finish(p: Distribution, kl: Array) -> Array:
    xp = p.xp
    kl = clamp0(kl, xp)
    ok = _support_ok(p)
    return kl if ok is None else _inf_where(~ok, kl, xp)


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
