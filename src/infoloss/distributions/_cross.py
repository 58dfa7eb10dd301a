"""Closed-form KL divergences between continuous families, to the Normal, Gumbel and Laplace.

Every finite pair here and in `._cross_half_line` is ``KL(P‖Q) = -H(P) - E_P[log q(X)]``:
``log q`` is a sum of a few functions of ``x`` (``x``, ``x²``, ``|x - μ|``, ``log x``, ``x^c``,
``exp(-x/β)``), so ``E_P[log q]`` needs only the matching expectation under P. Those
expectations are tabulated per family (the moment tables, each with its source) and the KL of
each target family is written once, as named terms. This module also holds what both share:
the masking of pairs finite for some parameters only (`_FINITE_IF`, `_guarded`) and the
second moment. The targets on ``[0, inf)`` and the Pareto, and the +inf pairs, are in
`._cross_half_line`.
"""

from __future__ import annotations

import copy
import functools
import math
from collections.abc import Callable
from typing import Any

from .._core import Array, Namespace, clamp0, register_kl, special
from ._base import Distribution
from ._beta import (
    Beta,
    Uniform,
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
)
from ._location_scale import Gumbel, HalfNormal, Logistic, Rayleigh
from ._normal import Normal
from ._shape import (
    Pareto,
    StudentT,
    Weibull,
)

__all__: list[str] = []

_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)
_INF = math.inf
_p: type[Distribution]  # the loop variable of the registrations below


def _erf(x: Array, xp: Namespace) -> Array:
    """The error function in ``x``'s library (scipy.special, torch.special, jax.scipy.special)."""
    return special("erf", xp)(x)


def _safe(ok: Array, x: Array, fill: float, xp: Namespace) -> Array:
    """``x`` where ``ok``, ``fill`` elsewhere: the inner half of the "double where"."""
    return xp.where(ok, x, xp.full_like(x, fill))


def _inf_where(bad: Array, kl: Array, xp: Namespace) -> Array:
    return xp.where(bad, xp.full_like(kl, _INF), kl)


def _second_moment(p: Distribution, m: Array) -> Array:
    """E_P[(X - m)²] = Var_P + (E_P[X] - m)²."""
    return p.variance + (p.mean - m) ** 2


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
