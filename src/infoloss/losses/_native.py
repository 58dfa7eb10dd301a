"""The fast path of the losses on PyTorch CPU tensors: the native fused op, then one check.

PyTorch's own losses (`torch.nn.functional.cross_entropy`, ``binary_cross_entropy_with_logits``,
``kl_div`` of two ``log_softmax``) compute the infoloss value wherever the logits are finite.
The inputs on which they differ are exactly those where their result is not finite:

* a ``+inf`` logit, or a row of ``-inf`` only, makes PyTorch's ``log_softmax`` row NaN, and
  with it the example's loss;
* a zero target probability (or weight) against a ``-inf`` log-probability gives PyTorch's
  ``0 * -inf = NaN`` where infoloss counts 0; an infinite logit in a binary cross-entropy
  gives ``inf - inf`` or ``0 * inf``.

So each function here calls the native op and reads one reduced value: when it is finite (the
usual case), that is the answer; otherwise it returns None and the caller recomputes on the
guarded route, whose limits and ``0 log 0 = 0`` rules are infoloss's. The one case a finite
result does not reveal is an ignored target (``ignore_index``) whose row holds a ``+inf`` logit
or only ``-inf``: its loss is 0 on both routes, but PyTorch's gradient for that row is NaN. Such
a row's ``log_softmax`` is NaN throughout, so when some targets are ignored, the first
log-probability of each ignored row is checked too (a gather of one value per example).

Only eager CPU tensors take this path: on an accelerator reading the check would make the host
wait for the device, and under ``torch.compile`` it cannot be read at all (the guarded route is
traced instead). Imports torch lazily: infoloss does not depend on it.
"""

from __future__ import annotations

import math

import array_api_compat
import numpy as np

from .._core import Array, Namespace, eager_cpu_torch, torch_all_finite

__all__ = ["binary_ce", "distillation", "extremes", "index_ce", "soft_ce", "usable"]


def usable(xp: Namespace, *arrays: Array | None) -> bool:
    """Whether the native path applies: eager CPU torch tensors of one floating dtype."""
    if not array_api_compat.is_torch_namespace(xp):
        return False
    given = [a for a in arrays if a is not None]
    ref = given[0]
    return (
        eager_cpu_torch(ref)
        and ref.dtype.is_floating_point
        and all(a.device == ref.device and a.dtype == ref.dtype for a in given[1:])
    )


def extremes(x: Array) -> tuple[float, float]:
    """Minimum and maximum in one pass (`torch.aminmax`), for validation, as floats."""
    import torch

    lo, hi = torch.aminmax(x.detach())
    return lo.item(), hi.item()


def _finite(x: Array) -> bool:
    """The one check: every value of the (reduced) result is finite."""
    return math.isfinite(x.item()) if x.ndim == 0 else torch_all_finite(x)


def _class_dim(z: Array, ax: int) -> Array:
    """PyTorch's layout: classes on dim 1 (or dim 0 of a single unbatched example)."""
    import torch

    return z if z.ndim == 1 or ax == 1 else torch.movedim(z, ax, 1)


def index_ce(
    z: Array,
    ax: int,
    t: Array,
    w: Array | None,
    eps: float,
    ignore_index: int | None,
    reduction: str,
) -> Array | None:
    """Softmax cross-entropy with class-index targets by PyTorch's ``log_softmax`` and
    ``nll_loss`` (what `F.cross_entropy` runs on CPU), label smoothing added as infoloss
    defines it; or None where the guarded route must answer (it also reports targets out of
    range)."""
    import torch

    f = torch.nn.functional
    if (w is not None and w.requires_grad) or t.numel() == 0:  # no gradient for `weight`
        return None
    t = t if t.dtype == torch.int64 else t.to(torch.int64)
    zc = _class_dim(z, ax)
    if ignore_index is None:  # PyTorch's default ignore_index, -100, must not match: no t < 0
        if t.min().item() < 0:
            return None
        ii = -100
    else:
        ii = int(ignore_index)
    try:  # PyTorch raises for a target out of range (not ignored): the guarded route says which
        if eps == 0.0 and ignore_index is None:
            loss = f.cross_entropy(zc, t, weight=w, reduction=reduction)
            return loss if _finite(loss) else None
        cdim = 1 if zc.ndim > 1 else 0
        logp = f.log_softmax(zc, dim=cdim)
        per = "none" if eps else reduction
        nll = f.nll_loss(logp, t, weight=w, ignore_index=ii, reduction=per)
    except IndexError:
        return None
    # an ignored row whose log_softmax is NaN (a +inf logit, or only -inf): its loss is 0 on
    # both routes, but PyTorch's gradient there would be NaN; such a row makes `probe` NaN
    ignored = None if ignore_index is None else t == ii
    lp0 = logp.detach().select(cdim, 0)
    probe = 0.0 if ignored is None else torch.where(ignored, lp0, 0.0).sum()
    if eps == 0.0:  # here some targets may be ignored
        return nll if _finite(nll.detach().sum() + probe) else None
    wide = logp if w is None else logp * (w if cdim == 0 else w.view(-1, *[1] * (zc.ndim - 2)))
    smooth = -wide.sum(dim=cdim)
    if ignored is not None:
        smooth = smooth.masked_fill(ignored, 0.0)
    loss = (1.0 - eps) * nll + (eps / zc.shape[cdim]) * smooth
    if reduction != "none":
        loss = loss.sum()
    if reduction == "mean":  # over the weight of the targets kept, as PyTorch's nll_loss
        kept = torch.ones_like(t, dtype=z.dtype) if w is None else w[t.clamp(0, w.shape[0] - 1)]
        loss = loss / (kept if ignored is None else kept.masked_fill(ignored, 0.0)).sum()
    return loss if _finite(loss.detach().sum() + probe) else None


def soft_ce(
    z: Array, ax: int, t: Array, w: Array | None, eps: float, reduction: str
) -> Array | None:
    """`torch.nn.functional.cross_entropy` with probability targets, or None."""
    import torch

    if w is not None and w.requires_grad:
        return None
    loss = torch.nn.functional.cross_entropy(
        _class_dim(z, ax), _class_dim(t, ax), weight=w, reduction=reduction, label_smoothing=eps
    )
    return loss if _finite(loss) else None


def binary_ce(z: Array, y: Array, pw: Array | None, reduction: str) -> Array | None:
    """`torch.nn.functional.binary_cross_entropy_with_logits` summed over each example's
    labels (the last axis of 2-D and larger input), then reduced over examples; or None."""
    import torch

    if pw is not None and (pw.requires_grad or not _broadcasts_to(pw, y)):
        return None  # the guarded route raises the error of a shape that does not fit
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    if reduction == "none":
        elem = bce(z, y, pos_weight=pw, reduction="none")
        loss = elem.sum(dim=-1) if elem.ndim >= 2 else elem
    else:
        loss = bce(z, y, pos_weight=pw, reduction="sum")
        if reduction == "mean":
            count = math.prod(z.shape[:-1]) if z.ndim >= 2 else math.prod(z.shape)
            loss = loss / count
    return loss if _finite(loss) else None


def _broadcasts_to(a: Array, b: Array) -> bool:
    try:
        return np.broadcast_shapes(tuple(a.shape), tuple(b.shape)) == tuple(b.shape)
    except ValueError:
        return False


def distillation(s: Array, t: Array, ax: int, temp: float) -> Array | None:
    """Per-example KL(softmax(t / T) || softmax(s / T)) along ``ax`` (clamped at 0 against
    round-off, as the guarded formula), from ``F.kl_div`` of two ``log_softmax``; or None."""
    import torch

    f = torch.nn.functional
    if temp != 1.0:
        s, t = s / temp, t / temp
    log_q = f.log_softmax(s, dim=ax)
    log_p = f.log_softmax(t, dim=ax)
    per = f.kl_div(log_q, log_p, reduction="none", log_target=True).sum(dim=ax)
    if not _finite(per):
        return None
    return torch.clamp_min(per, 0.0)
