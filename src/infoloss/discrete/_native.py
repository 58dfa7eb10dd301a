"""KL and cross-entropy of two `Categorical` in log space on PyTorch CPU tensors: one fused op.

Given log-probabilities (``log_softmax`` of the logits, or checked log-probabilities) ``lp`` and
``lq`` of one shape, PyTorch's ``kl_div(lq, lp, log_target=True)`` is the elementwise term
``exp(lp) (lp - lq)`` of KL(P ‖ Q), and ``exp(lp) lq`` the term of the cross-entropy: the
generic formulas' values wherever the result is finite. Where it is not (a zero probability
against a ``-inf`` log-probability gives ``0 * -inf = NaN`` there, where infoloss counts 0;
NaN rows), None sends the caller to the guarded formulas of `_formulas`, which are exact. One
reduction of the per-row result decides. Only eager CPU tensors: elsewhere reading the check
would wait for a device or cannot be done while tracing. Imports torch lazily.
"""

from __future__ import annotations

import array_api_compat

from .._core import Array, eager_cpu_torch

__all__ = ["log_space_pair"]

_MEASURES = ("cross_entropy", "kl_divergence")


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
    if not bool(torch.isfinite(per).all()):
        return None
    if name == "kl_divergence":
        return torch.clamp_min(per, 0.0)  # round-off below 0, as the generic formula
    return 0.0 - per  # +0, not -0, as the generic formula
