"""Same-family KL divergences of the shape families (Weibull, Pareto, VonMises).

Each is its textbook closed form, recomputed where that cancelled (near ``p == q``) by a form
without cancellation (`._stable.closed_form`).
"""

from __future__ import annotations

import math

from .._core import Array, clamp0, i0e, i1e, lgamma, register_kl
from ._bregman import lgamma_bregman, log_i0_bregman
from ._elementary import expm1mx, kl_div, log_ratio
from ._shape import EULER_GAMMA, Pareto, VonMises, Weibull
from ._stable import closed_form

__all__: list[str] = []


@register_kl(Weibull, Weibull)
def _kl_weibull_weibull(p: Weibull, q: Weibull) -> Array:
    # C. Bauckhage, "Computing the Kullback-Leibler divergence between two Weibull
    # distributions", arXiv:1310.3713 (2013), with E_p[log x] = log lam_p - gamma / k_p and
    # E_p[(x / lam_q)^k_q] = (lam_p / lam_q)^k_q Gamma(1 + k_q / k_p): with e = k_q / k_p - 1,
    # L = log(lam_p / lam_q), KL = -log1p(e) - k_q L + gamma e + (lam_p / lam_q)^k_q Γ(2 + e) - 1,
    # evaluated first. Where it cancels, as for Gumbel: log Γ(2 + e) = (1 - gamma) e + D,
    # D = `lgamma_bregman(2, 2 + e)`, and with X = k_q L + (1 - gamma) e + D,
    # KL = (exp(X) - 1 - X) + (e - log1p(e)) + D (all >= 0).
    xp = p.xp

    def textbook(kp: Array, lp: Array, kq: Array, lq: Array) -> tuple[Array, Array]:
        log_k = xp.log(kp / kq)
        b = kq * xp.log(lp / lq)  # off by k_q (1 + |L|) ulps
        e = (kq - kp) / kp
        lg = lgamma(2.0 + e, xp)
        t_exp = xp.exp(b + lg)
        kl = ((log_k - b) + EULER_GAMMA * e) + (t_exp - 1.0)
        # exp's argument: b's error, log Γ's (an ulp floor near 2) and 2 + e's, (2 + e) ψ(2 + e)
        arg = (kq + xp.abs(b)) + (xp.abs(lg) + (2.0 + e) * (EULER_GAMMA + 1.0 + e)) + 2.0
        size = (xp.abs(log_k) + xp.abs(b)) + (kq + EULER_GAMMA * xp.abs(e)) + t_exp * arg
        return kl, size + 2.0

    def stable(kp: Array, lp: Array, kq: Array, lq: Array) -> Array:
        e = (kq - kp) / kp
        t_gamma = lgamma_bregman(2.0 + xp.zeros_like(e), 2.0 + e, xp, diff=e)
        x = kq * log_ratio(lp, lq, xp) + (1.0 - EULER_GAMMA) * e + t_gamma
        return clamp0(expm1mx(x, xp) + kl_div(kp, kq, xp) / kp + t_gamma, xp)

    return closed_form(textbook, stable, (p.c, p.scale, q.c, q.scale), xp)


@register_kl(Pareto, Pareto)
def _kl_pareto_pareto(p: Pareto, q: Pareto) -> Array:
    # Derived from E_p[log x] = log s_p + 1 / b_p (log(x / s_p) ~ Exponential(b_p)):
    # KL = log(b_p / b_q) + b_q log(s_p / s_q) + b_q / b_p - 1 when s_p >= s_q, else +inf
    # (P's support [s_p, inf) must lie inside Q's). Same result as torch.distributions.kl.
    # Where it cancels: log(b_p / b_q) + b_q / b_p - 1 = kl_div(b_p, b_q) / b_p and
    # log(s_p / s_q) by `log_ratio`: two terms >= 0 (s_p >= s_q), no cancellation.
    xp = p.xp
    inside = p.scale >= q.scale

    def textbook(bp: Array, sp: Array, bq: Array, sq: Array) -> tuple[Array, Array]:
        t1 = xp.log(bp / bq)
        t2 = bq * xp.log(sp / sq)  # off by b_q (1 + |log|) ulps
        t3 = bq / bp
        return ((t1 + t2) + t3) - 1.0, ((xp.abs(t1) + xp.abs(t2)) + (bq + t3)) + 2.0

    def stable(bp: Array, sp: Array, bq: Array, sq: Array) -> Array:
        ok = sp >= sq
        one = xp.ones_like(sp + sq)
        t2 = bq * log_ratio(xp.where(ok, sp, one), xp.where(ok, sq, one), xp)
        return clamp0(kl_div(bp, bq, xp) / bp + t2, xp)

    kl = closed_form(textbook, stable, (p.b, p.scale, q.b, q.scale), xp)
    return xp.where(inside, kl, xp.full_like(kl, math.inf))


@register_kl(VonMises, VonMises)
def _kl_vonmises_vonmises(p: VonMises, q: VonMises) -> Array:
    # Derived from E_p[cos(x - mu)] = A(k_p) cos(mu_p - mu), A = I1 / I0 (Mardia & Jupp,
    # Directional Statistics, 2000, sec. 3.5.4):
    # KL = log(I0(k_q) / I0(k_p)) + A(k_p) (k_p - k_q cos(mu_p - mu_q)), evaluated first with
    # 1 - A = (i0e - i1e) / i0e and 1 - A cos d = (1 - A) + 2 A sin^2(d / 2):
    # KL = log(i0e(k_q) / i0e(k_p)) - k_p (1 - A) + k_q ((1 - A) + 2 A sin^2(d / 2)).
    # Where it cancels: it is the Bregman divergence of log I0,
    # log I0(k_q) - log I0(k_p) - (k_q - k_p) A(k_p) (`log_i0_bregman`: no cancellation near
    # k_p == k_q), plus 2 k_q A(k_p) sin^2((mu_p - mu_q) / 2): both terms >= 0.
    xp = p.xp

    def textbook(kp: Array, mp: Array, kq: Array, mq: Array) -> tuple[Array, Array]:
        i0p = i0e(kp, xp)
        one_minus_a = (i0p - i1e(kp, xp)) / i0p  # off by ~4 ulps absolute
        half_d = xp.sin(0.5 * (mp - mq))
        s2 = half_d * half_d
        t1 = xp.log(i0e(kq, xp) / i0p)
        t2 = kp * one_minus_a
        t3 = kq * (one_minus_a + 2.0 * (1.0 - one_minus_a) * s2)
        size = (xp.abs(t1) + 5.0) + 4.0 * (kp + kq) + 6.0 * kq * s2
        return (t1 - t2) + t3, size

    def stable(kp: Array, mp: Array, kq: Array, mq: Array) -> Array:
        half_d = xp.sin(0.5 * (mp - mq))
        t1 = log_i0_bregman(kp, kq, xp)
        t2 = 2.0 * kq * (i1e(kp, xp) / i0e(kp, xp)) * half_d * half_d
        return clamp0(t1 + t2, xp)

    return closed_form(textbook, stable, (p.kappa, p.loc, q.kappa, q.loc), xp)
