"""KL and cross-entropy of two `Categorical` in log space on PyTorch CPU tensors: one fused op.

Given log-probabilities (``log_softmax`` of the logits, or checked log-probabilities) ``lp`` and
``lq`` of one shape, PyTorch's ``kl_div(lq, lp, log_target=True)`` is the elementwise term
``exp(lp) (lp - lq)`` of KL(P ‖ Q), and ``exp(lp) lq`` the term of the cross-entropy: the
generic formulas' values wherever the result is finite. Where it is not (a zero probability
against a ``-inf`` log-probability gives ``0 * -inf = NaN`` there, where infoloss counts 0;
NaN rows), None sends the caller to the guarded formulas of `_formulas`, which are exact. One
reduction of the per-row result decides. Only eager CPU tensors: elsewhere reading the check
would wait for a device or cannot be done while tracing. Imports torch lazily.

Two ``Categorical(logits=...)`` go one step shorter (`logits_pair`): from the raw logits, before
the guarded ``log_softmax`` of each (whose row maxima are one more pass), the cross-entropy
``-sum softmax(t) log_softmax(s)`` is what ``F.cross_entropy(s, F.softmax(t))`` computes (no
``exp`` of the log-probabilities of P), and KL is ``kl_div`` of the two native ``log_softmax``.
The check is the same: PyTorch's ``log_softmax`` and ``softmax`` give a NaN row for a ``+inf``
logit or a row of ``-inf`` only, and ``0 * -inf`` is NaN; a finite result is infoloss's value,
anything else goes to the guarded route, which applies the limit rules.
"""

from __future__ import annotations

import array_api_compat

from .._core import Array, eager_cpu_torch, torch_all_finite

__all__ = ["log_space_pair", "logits_pair"]

_MEASURES = ("cross_entropy", "kl_divergence")


def logits_pair(name: str, raw: list[tuple[str, Array, tuple[int, ...]]]) -> Array | None:
    """KL(P ‖ Q) or H(P, Q) per row from the raw logits ``(form, value, axes)`` of P and Q by
    PyTorch's fused ``softmax`` / ``log_softmax``, or None (the caller normalises and goes on)."""
    if name not in _MEASURES or len(raw) != 2:
        return None
    (fp, t, ap), (fq, s, aq) = raw
    if fp != "logits" or fq != "logits" or len(ap) != 1 or ap != aq:
        return None
    if not (array_api_compat.is_torch_array(t) and array_api_compat.is_torch_array(s)):
        return None
    if not eager_cpu_torch(t) or t.dtype != s.dtype or t.device != s.device:
        return None
    if tuple(t.shape) != tuple(s.shape):
        return None
    import torch

    f, ax = torch.nn.functional, ap[0]
    lq = f.log_softmax(s, dim=ax)
    if name == "kl_divergence":
        lp = f.log_softmax(t, dim=ax)
        per = f.kl_div(lq, lp, reduction="none", log_target=True).sum(dim=ax)
    else:
        per = (f.softmax(t, dim=ax) * lq).sum(dim=ax)
    return _finish(name, per)


def log_space_pair(name: str, forms: list[tuple[str, Array]], k: int) -> Array | None:
    """KL(P ‖ Q) or H(P, Q) per row from PyTorch's fused ops, or None (guarded route)."""
    if name not in _MEASURES or k != 1 or len(forms) != 2:
        return None
    (fp, lp), (fq, lq) = forms
    if "probs" in (fp, fq) or not array_api_compat.is_torch_array(lp):
        return None
    if not array_api_compat.is_torch_array(lq) or not eager_cpu_torch(lp):
        return None
    if lp.dtype != lq.dtype or lp.device != lq.device or tuple(lp.shape) != tuple(lq.shape):
        return None
    import torch

    if name == "kl_divergence":
        per = torch.nn.functional.kl_div(lq, lp, reduction="none", log_target=True).sum(dim=-1)
    else:
        per = (torch.exp(lp) * lq).sum(dim=-1)
    return _finish(name, per)


def _finish(name: str, per: Array) -> Array | None:
    """The check (every row finite, else None), then the clamp or sign of the generic formula."""
    import torch

    if not torch_all_finite(per):
        return None
    if name == "kl_divergence":
        return torch.clamp_min(per, 0.0)  # round-off below 0, as the generic formula
    return 0.0 - per  # +0, not -0, as the generic formula
