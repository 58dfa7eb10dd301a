r"""Training losses, each one the cross-entropy between the data and a model.

Minimising a negative log-likelihood is minimising the cross-entropy
:math:`H(\hat P, Q_\theta) = -\mathbb E_{x \sim \hat P} \log q_\theta(x)` between the empirical
distribution :math:`\hat P` of the training data and the model :math:`Q_\theta`; it differs from
:math:`KL(\hat P \| Q_\theta)` by the entropy of the data, a constant. Each loss here is that
cross-entropy for one family of model:

==============================  ============================================================
`softmax_cross_entropy`         categorical model with probabilities ``softmax(logits)``
`binary_cross_entropy`          independent Bernoullis with probabilities ``sigmoid(logits)``
`gaussian_nll`                  Normal model (mean squared error for a fixed variance)
`poisson_nll`                   Poisson model of counts
`distillation_kl`               KL between a teacher's and a student's softened softmax
`perplexity`, `bits_per_token`  a sequence model's token cross-entropy, summarised
==============================  ============================================================

All work on any array-API library (NumPy, PyTorch with autograd, JAX, array_api_strict, ...)
and return results in the library, device and floating dtype of their inputs. ``reduction``
is ``"none"`` (one value per example), ``"sum"`` or ``"mean"`` (over examples, never over
classes or labels); ``base`` gives the unit (None for nats, 2 or ``"bits"`` for bits).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar

import array_api_compat
import numpy as np

from . import _formulas
from ._array_api import Array, Namespace, as_float, log_softmax, namespace, normalize_axis
from ._array_api import softplus as _softplus
from ._array_api import to_output as _to_output
from ._validation import log_base, raise_negative, sum_tolerance
from .distributions._special import lgamma, xlogy

__all__ = [
    "binary_cross_entropy",
    "bits_per_token",
    "distillation_kl",
    "gaussian_nll",
    "perplexity",
    "poisson_nll",
    "softmax_cross_entropy",
]

F = TypeVar("F", bound=Callable[..., Any])
_REDUCTIONS = ("mean", "sum", "none")
_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)

_COMMON = """\
reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"``: one value per example; ``"sum"``: their total; ``"mean"``: their average
        (a weighted average where a function says so). Never an average over classes, labels
        or the components of one example.
    base : None, float or {"nats", "bits", "hartleys"}, optional
        Logarithm base of the result: None (nats), 2 (bits), 10 (hartleys) or any positive
        number other than 1.
    validate : bool, default True
        Check the values of the inputs (ranges, sums). ``False`` skips these data-dependent
        checks, for speed and inside ``jax.jit`` / ``torch.compile``; shapes are always
        checked."""


def _doc(fn: F) -> F:
    fn.__doc__ = (fn.__doc__ or "").replace("{common}", _COMMON)
    return fn


# ------------------------------------------------------------------------------------ helpers
def _check_reduction(reduction: object) -> None:
    if not isinstance(reduction, str) or reduction not in _REDUCTIONS:
        msg = f'`reduction` must be one of "mean", "sum", "none"; found {reduction!r}'
        raise ValueError(msg)


def _finish(
    loss: Array, reduction: str, factor: float | None, xp: Namespace, denom: Array | None = None
) -> Any:
    """Reduce the per-example losses and convert nats to the requested base."""
    if reduction == "sum":
        loss = xp.sum(loss)
    elif reduction == "mean":
        total = xp.sum(loss)
        if denom is None:
            count = math.prod(loss.shape)
            loss = total / count if count else xp.full_like(total, xp.nan)
        else:  # no weight left (every target ignored): NaN, as PyTorch, without 0/0 warnings
            none = denom == 0
            loss = xp.where(
                none,
                xp.full_like(total, xp.nan),
                total / xp.where(none, xp.ones_like(denom), denom),
            )
    if factor is not None:
        loss = loss / factor
    return _to_output(loss, xp)


def _per_example(elem: Array, xp: Namespace) -> Array:
    """Elementwise terms to per-example losses: the last axis holds an example's components."""
    return xp.sum(elem, axis=-1) if elem.ndim >= 2 else elem


def _array(x: Any, name: str, xp: Namespace, device: Any) -> Array:
    if array_api_compat.is_array_api_obj(x):
        return x
    try:
        return xp.asarray(x, device=device)
    except (TypeError, ValueError) as exc:
        msg = f"`{name}` must be an array or a (nested) list of numbers; found {exc}"
        raise TypeError(msg) from None


def _float_like(x: Any, name: str, ref: Array, xp: Namespace) -> Array:
    """``x`` as a floating array; integers and booleans take the floating dtype of ``ref``."""
    a = _array(x, name, xp, array_api_compat.device(ref))
    if xp.isdtype(a.dtype, ("integral", "bool")):
        return xp.astype(a, ref.dtype)
    return as_float(a, name, xp)


def _broadcast(arrays: dict[str, Array], xp: Namespace) -> list[Array]:
    """Broadcast the arrays against each other, or raise naming their shapes."""
    shapes = {name: tuple(a.shape) for name, a in arrays.items()}
    try:
        np.broadcast_shapes(*shapes.values())
    except ValueError:
        found = " and ".join(f"`{n}` {s}" for n, s in shapes.items())
        msg = f"shapes do not broadcast: {found}"
        raise ValueError(msg) from None
    return list(xp.broadcast_arrays(*arrays.values()))


def _same_shape(a: Array, a_name: str, b: Array, b_name: str) -> None:
    if tuple(a.shape) != tuple(b.shape):
        msg = (
            f"`{b_name}` must have the shape of `{a_name}` {tuple(a.shape)}; "
            f"found {tuple(b.shape)}"
        )
        raise ValueError(msg)


def _first_bad(bad: Array, x: Array, name: str, xp: Namespace, expected: str) -> None:
    """Raise for the first True of ``bad`` (if any), quoting the entry of ``x`` there."""
    if not bool(xp.any(bad)):
        return
    flat = xp.reshape(bad, (-1,))
    i = int(xp.argmax(xp.astype(flat, xp.int32)))
    value = xp.reshape(x, (-1,))[i]
    value = value.detach() if hasattr(value, "detach") else value
    index = tuple(int(j) for j in np.unravel_index(i, tuple(x.shape))) if x.ndim else ()
    msg = f"`{name}` must be {expected}; found {float(value):.6g} at index {index}"
    raise ValueError(msg)


def _positive_real(x: object, name: str) -> float:
    if isinstance(x, bool) or not isinstance(x, int | float | np.integer | np.floating):
        msg = f"`{name}` must be a positive real number; found {x!r}"
        raise TypeError(msg)
    v = float(x)
    if not (math.isfinite(v) and v > 0):
        msg = f"`{name}` must be a positive finite number; found {x!r}"
        raise ValueError(msg)
    return v


def _class_last(x: Array, ax: int, xp: Namespace) -> Array:
    """Move axis ``ax`` to the end."""
    if ax == x.ndim - 1:
        return x
    order = (*(i for i in range(x.ndim) if i != ax), ax)
    return xp.permute_dims(x, order)


def _weighted_sum(w: Array, logp: Array, xp: Namespace) -> Array:
    """``sum_c w_c log p_c`` over the last axis, a term with ``w_c == 0`` counting 0."""
    used = w != 0
    zero = xp.zeros_like(logp)
    terms = xp.where(used, w * xp.where(used, logp, zero), zero)  # no 0 * -inf, even unused
    return xp.sum(terms, axis=-1)


# ------------------------------------------------------------------------------ softmax / CE
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
    if t.dtype != xp.int64:
        t = xp.astype(t, xp.int64)
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
    return _formulas.cross_entropy(("probs", p), ("log_probs", logp), xp, 1)


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
    probability against a ``-inf`` logit counts 0, not NaN.

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
    logp = log_softmax(_class_last(z, ax, xp), xp, (z.ndim - 1,))
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


def perplexity(
    logits: Any,
    target: Any,
    /,
    *,
    axis: int = -1,
    ignore_index: int | None = None,
    validate: bool = True,
) -> Any:
    r"""Perplexity of a sequence model: ``exp`` of the mean per-token cross-entropy in nats.

    Parameters
    ----------
    logits : array_like
        Next-token logits, e.g. of shape (N, T, V), the vocabulary along `axis`.
    target : array_like of int
        The tokens that came, the shape of `logits` without `axis`.
    axis : int, default -1
        The vocabulary axis.
    ignore_index : int, optional
        Padding token: positions holding it are left out.
    validate : bool, default True
        Check that the targets are valid token indices.

    Returns
    -------
    Array
        A scalar: one perplexity over all the tokens given. For one value per sequence, call
        it on each sequence (or exponentiate the mean over the time axis of
        ``softmax_cross_entropy(..., reduction="none")``).

    See Also
    --------
    bits_per_token, softmax_cross_entropy

    Notes
    -----
    .. math:: \operatorname{PPL} = \exp\Big(-\frac1M \sum_{t} \log q(x_t \mid x_{<t})\Big)
              = 2^{\text{bits per token}},

    over the :math:`M` tokens not ignored: the effective number of equally likely choices the
    model hesitates between. A uniform model over :math:`V` tokens has perplexity :math:`V`.

    Examples
    --------
    >>> import numpy as np
    >>> from infoloss.losses import bits_per_token, perplexity
    >>> logits = np.zeros((2, 5, 50))  # a uniform model over 50 tokens
    >>> tokens = np.arange(10).reshape(2, 5)
    >>> print(f"{perplexity(logits, tokens):.6f} {bits_per_token(logits, tokens):.6f}")
    50.000000 5.643856
    """
    nats = _token_nats(logits, target, axis, ignore_index, validate)
    xp = namespace(nats, names=("logits",))
    return _to_output(xp.exp(nats), xp)


def bits_per_token(
    logits: Any,
    target: Any,
    /,
    *,
    axis: int = -1,
    ignore_index: int | None = None,
    validate: bool = True,
) -> Any:
    r"""Mean per-token cross-entropy of a sequence model, in bits.

    Takes the arguments of `perplexity`; equals ``log2(perplexity(...))`` and
    ``softmax_cross_entropy(logits, target, ignore_index=..., base=2)``.

    Notes
    -----
    .. math:: -\frac1M \sum_t \log_2 q(x_t \mid x_{<t}),

    the average code length per token if the model's predictions drove an arithmetic coder.
    Divided by the bytes per token it gives bits per byte.

    Examples
    --------
    >>> import numpy as np
    >>> from infoloss.losses import bits_per_token
    >>> logits = np.log(np.array([[0.5, 0.25, 0.25], [0.5, 0.25, 0.25]]))
    >>> float(bits_per_token(logits, np.array([0, 1])))  # (1 + 2) / 2
    1.5
    """
    nats = _token_nats(logits, target, axis, ignore_index, validate)
    xp = namespace(nats, names=("logits",))
    return _to_output(nats / math.log(2.0), xp)


def _token_nats(
    logits: Any, target: Any, axis: int, ignore_index: int | None, validate: bool
) -> Array:
    xp = namespace(logits, target, names=("logits", "target"))
    t = _array(target, "target", xp, None)
    if not xp.isdtype(t.dtype, "integral"):
        msg = f"`target` must hold integer token indices; found dtype {t.dtype}"
        raise TypeError(msg)
    nats = softmax_cross_entropy(
        logits, t, axis=axis, ignore_index=ignore_index, validate=validate
    )
    return xp.asarray(nats)


# ------------------------------------------------------------------------------------ binary
@_doc
def binary_cross_entropy(
    logits: Any,
    target: Any,
    /,
    *,
    pos_weight: Any = None,
    reduction: str = "mean",
    base: float | str | None = None,
    validate: bool = True,
) -> Any:
    r"""Cross-entropy between binary labels and independent Bernoullis ``sigmoid(logits)``.

    Parameters
    ----------
    logits : array_like
        Log-odds of the positive label, shape (n,) (one label per example) or (n, ..., L)
        (multi-label: the last axis holds one example's L labels).
    target : array_like
        Labels in [0, 1] (soft labels allowed), the shape of `logits`.
    pos_weight : array_like, optional
        Weight of the positive term, broadcast against `target` (shape (L,) for one weight per
        label), as PyTorch's ``pos_weight``.
    {common}

    Returns
    -------
    Array
        Per-example losses (shape ``logits.shape[:-1]``, or (n,) for 1-D input) for
        ``"none"``, else a scalar.

    Notes
    -----
    For one label with :math:`q = \sigma(z)` and weight :math:`w_+`,

    .. math:: \ell = -w_+\, y \log q - (1 - y) \log(1 - q)
                   = w_+\, y \operatorname{softplus}(-z) + (1 - y) \operatorname{softplus}(z),

    computed in the second, stable form. One example's loss is the sum over its L labels, the
    cross-entropy of L independent Bernoullis, so ``"mean"`` equals
    ``F.binary_cross_entropy_with_logits(z, y, reduction="none").sum(-1).mean()`` in PyTorch
    (whose own ``"mean"`` also divides by L). Logits of :math:`\pm\infty` give the limit: 0
    where the label agrees, :math:`+\infty` where it does not, never NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from infoloss.losses import binary_cross_entropy
    >>> z = np.array([[2.0, -1.0, 0.0], [-3.0, 0.5, 1.0]])
    >>> y = np.array([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]])
    >>> q = 1 / (1 + np.exp(-z))
    >>> ell = -(y * np.log(q) + (1 - y) * np.log(1 - q))
    >>> bool(np.allclose(binary_cross_entropy(z, y, reduction="none"), ell.sum(axis=1)))
    True
    >>> binary_cross_entropy(np.array([np.inf, -np.inf]), np.array([1.0, 1.0]), reduction="none")
    array([ 0., inf])
    """
    xp = namespace(logits, target, pos_weight, names=("logits", "target", "pos_weight"))
    _check_reduction(reduction)
    factor = log_base(base)
    z = as_float(logits, "logits", xp)
    y = _float_like(target, "target", z, xp)
    _same_shape(z, "logits", y, "target")
    if validate:
        _first_bad((y < 0) | (y > 1), y, "target", xp, "a label in [0, 1]")
    pos, neg = y != 0, y != 1
    zero = xp.zeros_like(z)
    # "double where": a label's unused branch sees z = 0, so +-inf logits never meet 0 * inf
    t_pos = y * _softplus(-xp.where(pos, z, zero), xp)
    if pos_weight is not None:
        pw = _float_like(pos_weight, "pos_weight", z, xp)
        if validate:
            _first_bad(pw < 0, pw, "pos_weight", xp, ">= 0")
        t_pos, _ = _broadcast({"target": t_pos, "pos_weight": pw}, xp)
        if tuple(t_pos.shape) != tuple(y.shape):
            msg = f"`pos_weight` {tuple(pw.shape)} must broadcast to `target` {tuple(y.shape)}"
            raise ValueError(msg)
        t_pos = pw * t_pos
    t_neg = (1.0 - y) * _softplus(xp.where(neg, z, zero), xp)
    elem = xp.where(pos, t_pos, zero) + xp.where(neg, t_neg, zero)
    return _finish(_per_example(elem, xp), reduction, factor, xp)


# ---------------------------------------------------------------------------------- gaussian
@_doc
def gaussian_nll(
    mean: Any,
    target: Any,
    /,
    *,
    var: Any = None,
    std: Any = None,
    log_var: Any = None,
    full: bool = True,
    reduction: str = "mean",
    base: float | str | None = None,
    validate: bool = True,
) -> Any:
    r"""Negative log-likelihood of `target` under a Normal model: the Gaussian cross-entropy.

    Parameters
    ----------
    mean : array_like
        The predicted means, shape (n,) (scalar targets) or (n, ..., d) (vector targets, the
        last axis holding one example's d components).
    target : array_like
        The observed values, broadcast against `mean`.
    var, std, log_var : array_like, optional
        At most one of them: the predicted variance (> 0), standard deviation (> 0) or log
        variance, broadcast against `target`; of shape ``target.shape[:-1]`` it is shared by
        an example's components (as in PyTorch). None of them means unit variance, ``std=1``.
    full : bool, default True
        Include the constant :math:`\tfrac12 \log 2\pi` per component, which makes the value
        a true negative log-density (a cross-entropy); False drops it, as PyTorch's default.
    {common}

    Returns
    -------
    Array
        Per-example losses for ``"none"`` (summed over the last axis of vector targets), else
        a scalar.

    Notes
    -----
    One component contributes

    .. math:: -\log \mathcal N(y; \mu, \sigma^2)
              = \frac{(y - \mu)^2}{2\sigma^2} + \log \sigma + \tfrac12 \log 2\pi,

    so with a fixed :math:`\sigma = s` the mean loss over scalar targets is the mean squared
    error rescaled: ``gaussian_nll(pred, y, std=s) == mse(pred, y) / (2 s**2) + log(s *
    sqrt(2 pi))``. Least squares is maximum likelihood under Gaussian noise. One example of a
    vector target (independent components) sums its d terms, so ``"mean"`` equals PyTorch's
    ``F.gaussian_nll_loss(mu, y, var, full=True, reduction="none").sum(-1).mean()``; PyTorch's
    own ``"mean"`` divides by d as well, and it clamps ``var`` at ``eps=1e-6``, which this
    function never does.

    Examples
    --------
    >>> import numpy as np
    >>> from infoloss.losses import gaussian_nll
    >>> pred = np.array([1.0, 2.0, 3.5])
    >>> y = np.array([1.5, 1.0, 3.0])
    >>> mse = np.mean((pred - y) ** 2)
    >>> s = 0.5
    >>> bool(np.isclose(gaussian_nll(pred, y, std=s),
    ...                 mse / (2 * s**2) + np.log(s * np.sqrt(2 * np.pi))))
    True
    """
    given = {k: v for k, v in (("var", var), ("std", std), ("log_var", log_var)) if v is not None}
    if len(given) > 1:
        found = " and ".join(f"`{k}`" for k in given)
        msg = f"pass at most one of `var`, `std`, `log_var`; found {found}"
        raise ValueError(msg)
    names = ("mean", "target", *given)
    xp = namespace(mean, target, *given.values(), names=names)
    _check_reduction(reduction)
    factor = log_base(base)
    mu = as_float(mean, "mean", xp)
    y = _float_like(target, "target", mu, xp)
    mu, y = _broadcast({"mean": mu, "target": y}, xp)
    d2 = (y - mu) ** 2
    if not given:
        elem = 0.5 * d2
    else:
        ((name, value),) = given.items()
        s = _float_like(value, name, mu, xp)
        if s.ndim and s.ndim == y.ndim - 1 and tuple(s.shape) == tuple(y.shape[:-1]):
            s = s[..., None]  # one variance per example, shared by its components
        if validate and name != "log_var":
            _first_bad(s <= 0, s, name, xp, "> 0")
        d2, s = _broadcast({"target": d2, name: s}, xp)
        if tuple(d2.shape) != tuple(y.shape):
            msg = f"`{name}` {tuple(s.shape)} must broadcast to `target` {tuple(y.shape)}"
            raise ValueError(msg)
        if name == "var":
            elem = 0.5 * (xp.log(s) + d2 / s)
        elif name == "std":
            elem = xp.log(s) + 0.5 * d2 / (s * s)
        else:
            elem = 0.5 * (s + d2 * xp.exp(-s))
    if full:
        elem = elem + _HALF_LOG_2PI
    return _finish(_per_example(elem, xp), reduction, factor, xp)


# ----------------------------------------------------------------------------------- poisson
@_doc
def poisson_nll(
    rate: Any,
    target: Any,
    /,
    *,
    log_input: bool = False,
    full: bool = True,
    reduction: str = "mean",
    base: float | str | None = None,
    validate: bool = True,
) -> Any:
    r"""Negative log-likelihood of counts under a Poisson model: the Poisson cross-entropy.

    Parameters
    ----------
    rate : array_like
        The predicted rates :math:`\lambda \ge 0`, or :math:`\log \lambda` with
        ``log_input=True``; shape (n,) or (n, ..., d) (the last axis holds one example's d
        counts).
    target : array_like
        Observed counts :math:`y \ge 0`, broadcast against `rate`.
    log_input : bool, default False
        `rate` holds :math:`\log \lambda` (the natural output of a linear model).
    full : bool, default True
        Include :math:`\log y! = \operatorname{lgamma}(y + 1)`, exactly, making the value the
        negative log-probability; False drops it, as PyTorch's default.
    {common}

    Returns
    -------
    Array
        Per-example losses for ``"none"`` (summed over the last axis for several counts per
        example), else a scalar.

    Notes
    -----
    .. math:: -\log \operatorname{Pois}(y; \lambda) = \lambda - y \log \lambda + \log y!,

    with :math:`0 \log 0 = 0`: a zero rate gives 0 for a zero count and :math:`+\infty`
    otherwise. With ``full=True`` the mean is ``-scipy.stats.poisson(rate).logpmf(y).mean()``
    for integer counts (for non-integer :math:`y` the lgamma term is the continuous extension).
    ``full=False`` matches PyTorch's ``F.poisson_nll_loss(..., full=False)`` except that
    PyTorch adds ``eps=1e-8`` inside the logarithm when ``log_input=False``, and uses
    Stirling's approximation for its ``full=True`` term.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy.stats import poisson
    >>> from infoloss.losses import poisson_nll
    >>> rate = np.array([0.5, 2.0, 7.0, 0.0])
    >>> y = np.array([0, 3, 5, 0])
    >>> bool(np.isclose(poisson_nll(rate, y), -poisson.logpmf(y, rate).mean()))
    True
    >>> poisson_nll(np.array([0.0]), np.array([1]), reduction="none")
    array([inf])
    """
    xp = namespace(rate, target, names=("rate", "target"))
    _check_reduction(reduction)
    factor = log_base(base)
    r = as_float(rate, "rate", xp)
    y = _float_like(target, "target", r, xp)
    r, y = _broadcast({"rate": r, "target": y}, xp)
    if validate:
        _first_bad(y < 0, y, "target", xp, "a count >= 0")
        if not log_input:
            _first_bad(r < 0, r, "rate", xp, ">= 0 (pass `log_input=True` for log-rates)")
    finite = r != xp.inf  # an infinite rate gives +inf, not inf - inf: computed apart
    r_safe = xp.where(finite, r, xp.zeros_like(r))
    if log_input:
        y_log = y * xp.where(y != 0, r_safe, xp.zeros_like(r))  # 0 * log 0 = 0 at r = -inf
        elem = xp.exp(r_safe) - y_log
    else:
        elem = r_safe - xlogy(y, r_safe, xp)
    elem = xp.where(finite, elem, r + 0.0 * y)  # NaN counts stay NaN
    if full:
        elem = elem + lgamma(y + 1.0, xp)
    return _finish(_per_example(elem, xp), reduction, factor, xp)


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
        Logits of the same shape, the classes along `axis`; ``-inf`` is probability 0.
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
    loss = _formulas.kl_divergence(("log_probs", log_p), ("log_probs", log_q), xp, 1)
    if scale_by_t2:
        loss = loss * temp**2
    return _finish(loss, reduction, factor, xp)
