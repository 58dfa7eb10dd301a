r"""Categorical measures in any array namespace, differentiable, in nats.

Each function takes ``(form, x)`` pairs from `Categorical._event_last` (``form`` is
``"probs"``, or ``"log_probs"`` / ``"logits"`` for normalised log-probabilities, the event
axes last) and the number ``k`` of event axes, and
reduces over those axes. Inputs broadcast.

Every term is guarded by the "double where" trick: entries with ``p == 0`` are replaced by a
harmless value *before* the log, and the term is zeroed *after* it, so ``0 log 0 = 0`` and
gradients stay finite where ``p`` has zeros or logits are ``-inf``. NaN anywhere in a row gives
NaN for that row.
"""

from __future__ import annotations

from .._core import LN2, Array, Namespace, softplus

__all__ = ["cross_entropy", "entropy", "js_divergence", "kl_divergence"]

Form = tuple[str, Array]


def _axes(k: int) -> tuple[int, ...]:
    return tuple(range(-k, 0))


def _support(P: Form, xp: Namespace) -> tuple[Array, Array, Array]:
    """``(mask, p, log p)`` with ``mask = p != 0``; ``p`` and ``log p`` are safe under the mask.

    NaN entries stay inside the mask, so they reach the result.
    """
    form, x = P
    if form == "probs":
        mask = x != 0
        safe = xp.where(mask, x, xp.ones_like(x))
        return mask, x, xp.log(safe)
    mask = x != -xp.inf
    safe = xp.where(mask, x, xp.zeros_like(x))
    return mask, xp.exp(safe), safe


def _log_under(Q: Form, mask: Array, xp: Namespace) -> Array:
    """``log q`` where ``mask`` holds (``-inf`` where ``q == 0``), a finite dummy elsewhere."""
    form, y = Q
    if form == "probs":
        return xp.log(xp.where(mask, y, xp.ones_like(y)))
    return xp.where(mask, y, xp.zeros_like(y))


def _nan_rows(Q: Form, xp: Namespace, k: int) -> Array | None:
    """Rows of ``Q`` holding a NaN, which the mask of ``P`` might otherwise hide.

    None for normalised logits: a NaN logit makes its whole row NaN, which no mask hides.
    """
    if Q[0] == "logits":
        return None
    return xp.any(xp.isnan(Q[1]), axis=_axes(k))


def _where0(mask: Array, t: Array, xp: Namespace) -> Array:
    return xp.where(mask, t, xp.zeros_like(t))


def _propagate_nan(res: Array, nan_rows: Array | None, xp: Namespace) -> Array:
    if nan_rows is None:
        return res
    return xp.where(nan_rows, xp.full_like(res, xp.nan), res)


def entropy(P: Form, xp: Namespace, k: int) -> Array:
    r""":math:`H(P) = -\sum_i p_i \log p_i`."""
    mask, p, lp = _support(P, xp)
    return 0.0 - xp.sum(_where0(mask, p * lp, xp), axis=_axes(k))  # 0 - 0 is +0, not -0


def cross_entropy(P: Form, Q: Form, xp: Namespace, k: int) -> Array:
    r""":math:`H(P, Q) = -\sum_i p_i \log q_i` (``+inf`` where ``p > 0 = q``)."""
    mask, p, _ = _support(P, xp)
    lq = _log_under(Q, mask, xp)
    res = 0.0 - xp.sum(_where0(mask, p * lq, xp), axis=_axes(k))
    return _propagate_nan(res, _nan_rows(Q, xp, k), xp)


def kl_divergence(P: Form, Q: Form, xp: Namespace, k: int) -> Array:
    r""":math:`KL(P \| Q) = \sum_i p_i (\log p_i - \log q_i)`, clamped at 0 against round-off."""
    mask, p, lp = _support(P, xp)
    lq = _log_under(Q, mask, xp)
    res = xp.sum(_where0(mask, p * (lp - lq), xp), axis=_axes(k))
    res = _propagate_nan(res, _nan_rows(Q, xp, k), xp)
    return xp.where(res < 0, xp.zeros_like(res), res)


def js_divergence(P: Form, Q: Form, xp: Namespace, k: int) -> Array:
    r"""Jensen–Shannon: :math:`\tfrac12 KL(P\|M) + \tfrac12 KL(Q\|M)`, :math:`M = (P+Q)/2`.

    Written in log space, :math:`\log(p/m) = \log 2 - \operatorname{softplus}(\log q - \log p)`,
    so logits never leave log space and identical inputs give exactly 0. Clamped to
    :math:`[0, \log 2]` against round-off.
    """
    mp, p, lp = _support(P, xp)
    mq, q, lq = _support(Q, xp)
    ninf = xp.full_like(lp, -xp.inf)
    lp_full = xp.where(mp, lp, ninf)  # -inf where p == 0: softplus(-inf) == 0 below
    lq_full = xp.where(mq, lq, xp.full_like(lq, -xp.inf))
    d_pq = xp.where(mp, lq_full, xp.zeros_like(lq_full)) - lp
    d_qp = xp.where(mq, lp_full, xp.zeros_like(lp_full)) - lq
    tp = _where0(mp, p * (LN2 - softplus(d_pq, xp)), xp)
    tq = _where0(mq, q * (LN2 - softplus(d_qp, xp)), xp)
    res = 0.5 * xp.sum(tp + tq, axis=_axes(k))
    res = xp.where(res < 0, xp.zeros_like(res), res)
    return xp.where(res > LN2, xp.full_like(res, LN2), res)
