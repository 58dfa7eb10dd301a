"""Softmax cross-entropy and the distillation KL: categorical models given by logits."""

from __future__ import annotations

from typing import Any

import array_api_compat
import numpy as np

from .._core import (
    Array,
    Namespace,
    as_float,
    log_base,
    log_softmax,
    namespace,
    normalize_axis,
    raise_negative,
    sum_tolerance,
)
from ..discrete import formulas
from ._common import (
    _array,
    _check_reduction,
    _class_last,
    _doc,
    _finish,
    _first_bad,
    _float_like,
    _positive_real,
    _same_shape,
    _weighted_sum,
)


def _check_smoothing(label_smoothing: object) -> float:
    ok = isinstance(label_smoothing, int | float | np.integer | np.floating)
    if isinstance(label_smoothing, bool) or not ok:
        msg = f"`label_smoothing` must be a real number in [0, 1]; found {label_smoothing!r}"
        raise TypeError(msg)
    eps = float(label_smoothing)  # type: ignore[arg-type]
    if not 0.0 <= eps <= 1.0:
        msg = f"`label_smoothing` must be in [0, 1]; found {label_smoothing!r}"
        raise ValueError(msg)
    return eps


def _class_weight(weight: Any, n: int, ref: Array, xp: Namespace, validate: bool) -> Array:
    w = _float_like(weight, "weight", ref, xp)
    if tuple(w.shape) != (n,):
        msg = f"`weight` must have one entry per class, shape ({n},); found {tuple(w.shape)}"
        raise ValueError(msg)
    if validate:
        _first_bad((w < 0) | xp.isinf(w), w, "weight", xp, "finite and >= 0")
    return w


def _index_loss(
    logp: Array,
    t: Array,
    w: Array | None,
    eps: float,
    ignore_index: int | None,
    xp: Namespace,
    validate: bool,
) -> tuple[Array, Array]:
    """Per-example loss and the denominator of "mean" for integer class targets."""
    n = logp.shape[-1]
    index = _index_dtype(t, xp)
    if t.dtype != index:
        t = xp.astype(t, index)
    ignored = t == ignore_index if ignore_index is not None else xp.zeros_like(t, dtype=xp.bool)
    invalid = ((t < 0) | (t >= n)) & ~ignored  # NaN below when not validated: never clipped
    if validate:
        what = f"class indices in [0, {n})" + (
            f" or `ignore_index` {ignore_index}" if ignore_index is not None else ""
        )
        _first_bad(invalid, t, "target", xp, what)
    safe = xp.where(ignored | invalid, xp.zeros_like(t), t)  # gather in range
    log_py = _gather(logp, safe, xp)
    if w is None:
        w_y = xp.ones_like(log_py)
        loss = -log_py
    else:
        w_y = xp.reshape(xp.take(w, xp.reshape(safe, (-1,)), axis=0), tuple(safe.shape))
        used = w_y != 0  # a class of weight 0 counts 0, even where its probability is 0
        zero = xp.zeros_like(w_y)
        loss = xp.where(used, -w_y * xp.where(used, log_py, zero), zero)
    if eps > 0:
        smooth = -_weighted_sum(xp.ones_like(logp) if w is None else w, logp, xp)
        loss = (1.0 - eps) * loss + (eps / n) * smooth
    zero = xp.zeros_like(loss)
    loss = xp.where(invalid, xp.full_like(loss, xp.nan), loss)
    return xp.where(ignored, zero, loss), xp.sum(xp.where(ignored, zero, w_y))


def _index_dtype(t: Array, xp: Namespace) -> Any:
    """The library's default index dtype (int64; int32 for JAX without 64-bit mode, where
    asking for int64 warns on every call, review M10)."""
    info = getattr(xp, "__array_namespace_info__", None)
    if info is None:  # pragma: no cover - libraries predating the 2023.12 standard
        return xp.int64
    return info().default_dtypes(device=array_api_compat.device(t))["indexing"]


def _gather(logp: Array, t: Array, xp: Namespace) -> Array:
    """``logp[..., t]`` along the last axis: a gather, or a one-hot sum where there is none."""
    if hasattr(xp, "take_along_axis"):
        return xp.take_along_axis(logp, t[..., None], axis=-1)[..., 0]
    n = logp.shape[-1]  # pragma: no cover - libraries predating the 2024.12 standard
    onehot = t[..., None] == xp.arange(n, dtype=t.dtype, device=array_api_compat.device(t))
    return _weighted_sum(xp.astype(onehot, logp.dtype), logp, xp)  # pragma: no cover


def _prob_loss(
    z: Array,
    t: Array,
    ax: int,
    logp: Array,
    w: Array | None,
    eps: float,
    xp: Namespace,
    validate: bool,
) -> Array:
    """Per-example loss for probability (soft) targets laid out as `z`, classes on ``ax``."""
    if not xp.isdtype(t.dtype, "real floating"):
        msg = (
            "`target` must hold integer class indices or floating class probabilities; "
            f"found dtype {t.dtype}"
        )
        raise TypeError(msg)
    _same_shape(z, "logits", t, "target")
    if validate and bool(xp.any(t < 0)):
        raise_negative(t, "target", xp)  # the index as the caller laid the target out
    p = _class_last(t, ax, xp)
    if validate:
        _check_soft(p, xp)
    if eps > 0:
        p = (1.0 - eps) * p + eps / logp.shape[-1]
    if w is not None:
        p = p * w
    return formulas.cross_entropy(("probs", p), ("log_probs", logp), xp, 1)


def _check_soft(t: Array, xp: Namespace) -> None:
    """Probability targets, classes last: each row sums to 1 (NaN rows pass)."""
    sums = xp.sum(t, axis=-1)
    tol = sum_tolerance(sums.dtype)
    bad = xp.abs(sums - 1.0) > tol
    if bool(xp.any(bad)):
        i = int(xp.argmax(xp.astype(xp.reshape(bad, (-1,)), xp.int32)))
        total = xp.reshape(sums, (-1,))[i]
        total = total.detach() if hasattr(total, "detach") else total
        row = tuple(int(j) for j in np.unravel_index(i, tuple(sums.shape))) if sums.ndim else ()
        msg = (
            f"`target` probabilities must sum to 1 along the class axis (tolerance {tol:.2g}); "
            f"found a sum of {float(total):.10g} at example {row}"
        )
        raise ValueError(msg)


@_doc
def softmax_cross_entropy(
    logits: Any,
    target: Any,
    /,
    *,
    axis: int = -1,
    label_smoothing: float = 0.0,
    weight: Any = None,
    ignore_index: int | None = None,
    reduction: str = "mean",
    base: float | str | None = None,
    validate: bool = True,
) -> Any:
    r"""Cross-entropy between class targets and the categorical model ``softmax(logits)``.

    Parameters
    ----------
    logits : array_like
        Unnormalised log-probabilities, the classes along `axis`; ``-inf`` is probability 0.
    target : array_like
        Either integer class indices, of the shape of `logits` without `axis`, or class
        probabilities (soft targets, a floating array of the shape of `logits`, summing to 1
        along `axis`).
    axis : int, default -1
        The class axis of `logits` (and of probability targets). PyTorch's layout
        ``(N, C, d1, ...)`` is ``axis=1``. Every other position is one example.
    label_smoothing : float in [0, 1], default 0
        Mix the target with the uniform distribution: ``(1 - eps) * target + eps / C``.
    weight : array_like of shape (C,), optional
        Non-negative weight of each class, as PyTorch's ``weight``.
    ignore_index : int, optional
        Integer targets equal to it contribute 0 and are left out of the mean.
    {common}

    Returns
    -------
    Array
        Per-example losses (the shape of `logits` without `axis`) for ``"none"``, else a
        scalar.

    Notes
    -----
    With :math:`\log q_c = \operatorname{log\_softmax}(z)_c` and target distribution
    :math:`p` (one-hot for class indices, smoothed by :math:`p \to (1-\epsilon) p +
    \epsilon / C`), one example's loss is the cross-entropy

    .. math:: H(p, q) = -\sum_c w_c\, p_c \log q_c \qquad (w_c = 1 \text{ without weights}),

    with :math:`0 \log 0 = 0`. ``"mean"`` follows PyTorch's `torch.nn.functional.cross_entropy`
    exactly: for class-index targets it divides the sum by the total weight
    :math:`\sum_i w_{y_i}` of the examples not ignored (so it is the weighted mean of the
    unweighted losses when there is no smoothing, and NaN when every target is ignored); for
    probability targets it divides by the number of examples. Unlike PyTorch, a zero target
    probability against a ``-inf`` logit counts 0, not NaN; and one ``+inf`` logit in an
    example is the limit of a point mass on its class (loss 0 if that is the target,
    :math:`+\infty` otherwise), where PyTorch gives NaN. Two or more ``+inf`` logits in one
    example have no limit: NaN.

    References
    ----------
    .. [1] C. M. Bishop, "Pattern Recognition and Machine Learning", Springer (2006), §4.3.4.
    .. [2] C. Szegedy et al., "Rethinking the Inception Architecture for Computer Vision",
           CVPR (2016): label smoothing.

    Examples
    --------
    >>> import numpy as np
    >>> from infoloss.losses import softmax_cross_entropy
    >>> z = np.array([[2.0, 0.5, -1.0], [0.0, 0.0, 3.0]])
    >>> y = np.array([0, 2])
    >>> log_q = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    >>> bool(np.isclose(softmax_cross_entropy(z, y), -log_q[[0, 1], y].mean()))
    True
    >>> softmax_cross_entropy(z, y, reduction="none", base=2).round(4)
    array([0.3481, 0.1369])
    """
    xp = namespace(logits, target, weight, names=("logits", "target", "weight"))
    _check_reduction(reduction)
    factor = log_base(base)
    eps = _check_smoothing(label_smoothing)
    z = as_float(logits, "logits", xp)
    if z.ndim == 0:
        msg = "`logits` must have a class axis; found a 0-d array"
        raise ValueError(msg)
    (ax,) = normalize_axis(axis, z.ndim)
    device = array_api_compat.device(z)
    t = _array(target, "target", xp, device)
    logp = log_softmax(_class_last(z, ax, xp), xp, (z.ndim - 1,))  # +inf: the limit
    n = logp.shape[-1]
    w = None if weight is None else _class_weight(weight, n, logp, xp, validate)
    if ignore_index is not None and (
        isinstance(ignore_index, bool) or not isinstance(ignore_index, int | np.integer)
    ):
        msg = f"`ignore_index` must be an int or None; found {ignore_index!r}"
        raise TypeError(msg)
    if xp.isdtype(t.dtype, "integral"):
        expected = tuple(s for i, s in enumerate(z.shape) if i != ax)
        if tuple(t.shape) != expected:
            msg = (
                f"`target` of class indices must have the shape of `logits` {tuple(z.shape)} "
                f"without the class axis {axis}, {expected}; found {tuple(t.shape)}"
            )
            raise ValueError(msg)
        loss, denom = _index_loss(logp, t, w, eps, ignore_index, xp, validate)
        return _finish(loss, reduction, factor, xp, denom)
    if ignore_index is not None:
        msg = "`ignore_index` applies to integer class targets; found probability targets"
        raise ValueError(msg)
    loss = _prob_loss(z, t, ax, logp, w, eps, xp, validate)
    return _finish(loss, reduction, factor, xp)


# ------------------------------------------------------------------------------ distillation
@_doc
def distillation_kl(
    student_logits: Any,
    teacher_logits: Any,
    /,
    *,
    temperature: float = 1.0,
    axis: int = -1,
    scale_by_t2: bool = False,
    reduction: str = "mean",
    base: float | str | None = None,
) -> Any:
    r"""Knowledge-distillation loss: KL(teacher ‖ student) of temperature-softened softmaxes.

    Parameters
    ----------
    student_logits, teacher_logits : array_like
        Logits of the same shape, the classes along `axis`; ``-inf`` is probability 0, and
        ``+inf`` follows the limit rule of `softmax_cross_entropy`.
    temperature : float, default 1
        :math:`T > 0`; both logits are divided by it before the softmax (higher is softer).
    axis : int, default -1
        The class axis; every other position is one example.
    scale_by_t2 : bool, default False
        Multiply by :math:`T^2` (Hinton et al.), which keeps the gradients' scale independent
        of the temperature when mixed with a hard-label loss.
    reduction, base
        As in `softmax_cross_entropy`.

    Returns
    -------
    Array
        Per-example divergences for ``"none"``, else a scalar.

    Notes
    -----
    With :math:`p = \operatorname{softmax}(t / T)` and :math:`q = \operatorname{softmax}(s/T)`,

    .. math:: KL(p \| q) = \sum_c p_c (\log p_c - \log q_c) = H(p, q) - H(p),

    the cross-entropy to the teacher's soft targets minus a term constant in the student.
    ``0 log 0 = 0`` where the teacher has a ``-inf`` logit; :math:`+\infty` where only the
    student does. For (N, C) logits, ``"mean"`` equals PyTorch's ``F.kl_div(log_softmax(s/T),
    log_softmax(t/T), log_target=True, reduction="batchmean")``.

    References
    ----------
    .. [1] G. Hinton, O. Vinyals, J. Dean, "Distilling the Knowledge in a Neural Network",
           arXiv:1503.02531 (2015).

    Examples
    --------
    >>> import numpy as np
    >>> from infoloss.losses import distillation_kl
    >>> s = np.array([[1.0, 0.0, -1.0]])
    >>> t = np.array([[2.0, 0.0, -np.inf]])
    >>> p = np.array([np.exp(2.0), 1.0, 0.0]) / (np.exp(2.0) + 1.0)
    >>> q = np.exp(s[0]) / np.exp(s[0]).sum()
    >>> kl = np.sum(p[:2] * np.log(p[:2] / q[:2]))
    >>> bool(np.isclose(distillation_kl(s, t), kl))
    True
    """
    xp = namespace(student_logits, teacher_logits, names=("student_logits", "teacher_logits"))
    _check_reduction(reduction)
    factor = log_base(base)
    temp = _positive_real(temperature, "temperature")
    s = as_float(student_logits, "student_logits", xp)
    t = _float_like(teacher_logits, "teacher_logits", s, xp)
    _same_shape(s, "student_logits", t, "teacher_logits")
    if s.ndim == 0:
        msg = "`student_logits` must have a class axis; found a 0-d array"
        raise ValueError(msg)
    (ax,) = normalize_axis(axis, s.ndim)
    last = (s.ndim - 1,)
    log_q = log_softmax(_class_last(s, ax, xp) / temp, xp, last)
    log_p = log_softmax(_class_last(t, ax, xp) / temp, xp, last)
    loss = formulas.kl_divergence(("log_probs", log_p), ("log_probs", log_q), xp, 1)
    if scale_by_t2:
        loss = loss * temp**2
    return _finish(loss, reduction, factor, xp)
