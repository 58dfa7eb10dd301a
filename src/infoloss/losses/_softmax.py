"""Softmax cross-entropy and the distillation KL: categorical models given by logits."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._core import Array, Namespace, as_float, log_base, log_softmax, namespace, normalize_axis
from ..discrete import formulas
from . import _jax, _native
from ._common import (
    _array,
    _check_reduction,
    _class_last,
    _doc,
    _finish,
    _float_like,
    _in_base,
    _positive_real,
    _same_shape,
)
from ._targets import (
    _check_prob_target,
    _check_smoothing,
    _class_weight,
    _index_loss,
    _index_targets,
    _prob_loss,
)


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
    t = _array(target, "target", xp, z)
    n = z.shape[ax]
    w = None if weight is None else _class_weight(weight, n, z, xp, validate)
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
        if _native.usable(xp, z, w):  # None: targets out of range, or a limit to take
            fast = _native.index_ce(z, ax, t, w, eps, ignore_index, reduction)
            if fast is not None:
                return _in_base(fast, factor, xp)
        t, ignored, invalid = _index_targets(t, n, ignore_index, xp, validate)
        loss, denom = _index_loss(z, ax, t, ignored, invalid, w, eps, xp)
        return _finish(loss, reduction, factor, xp, denom)
    if ignore_index is not None:
        msg = "`ignore_index` applies to integer class targets; found probability targets"
        raise ValueError(msg)
    _check_prob_target(z, t, ax, xp, validate)
    if _native.usable(xp, z, t, w):
        fast = _native.soft_ce(z, ax, t, w, eps, reduction)
        if fast is not None:
            return _in_base(fast, factor, xp)

    def guarded(zl: Array, tl: Array, w: Array | None) -> Array:
        logp = log_softmax(zl, xp, (zl.ndim - 1,))  # +inf: the limit
        return _prob_loss(tl, zl.ndim - 1, logp, w, eps, xp)

    zl, tl = _class_last(z, ax, xp), _class_last(t, ax, xp)
    if _jax.usable(xp, z, t, w):
        return _finish(_jax.soft_ce(zl, tl, w, eps, guarded), reduction, factor, xp)
    return _finish(guarded(zl, tl, w), reduction, factor, xp)


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
    loss = _native.distillation(s, t, ax, temp) if _native.usable(xp, s, t) else None
    if _jax.usable(xp, s, t):
        last = s.ndim - 1
        sl, tl = _class_last(s, ax, xp), _class_last(t, ax, xp)
        loss = _jax.distillation(sl, tl, temp, lambda a, b: _guarded_kl(a, b, last, temp, xp))
    if loss is None:
        loss = _guarded_kl(s, t, ax, temp, xp)
    if scale_by_t2:
        loss = loss * temp**2
    return _finish(loss, reduction, factor, xp)


def _guarded_kl(s: Array, t: Array, ax: int, temp: float, xp: Namespace) -> Array:
    last = (s.ndim - 1,)
    log_q = log_softmax(_class_last(s, ax, xp) / temp, xp, last)
    log_p = log_softmax(_class_last(t, ax, xp) / temp, xp, last)
    return formulas.kl_divergence(("log_probs", log_p), ("log_probs", log_q), xp, 1)
