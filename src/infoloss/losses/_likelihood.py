"""Likelihood losses of elementwise models: Bernoulli, Normal and Poisson cross-entropies."""

from __future__ import annotations

import math
from typing import Any

from .._core import Array, Namespace, as_float, lgamma, log_base, namespace, xlogy
from .._core import softplus as _softplus
from . import _jax, _native
from ._common import (
    _broadcast,
    _check_reduction,
    _doc,
    _finish,
    _first_bad,
    _float_like,
    _in_base,
    _in_range,
    _per_example,
    _same_shape,
)

_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)


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
    where the label agrees, :math:`+\infty` where it does not, never NaN; a term whose
    weight (``y``, ``1 - y`` or :math:`w_+`) is 0 counts 0 even against an infinite logit
    (PyTorch gives NaN for :math:`w_+ = 0`, :math:`z = -\infty`).

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
        _in_range(y, "target", xp, 0.0, 1.0, "a label in [0, 1]")
    pw = None if pos_weight is None else _float_like(pos_weight, "pos_weight", z, xp)
    if pw is not None and validate:
        _first_bad(pw < 0, pw, "pos_weight", xp, ">= 0")
    if _native.usable(xp, z, y, pw):
        fast = _native.binary_ce(z, y, pw, reduction)
        if fast is not None:
            return _in_base(fast, factor, xp)
    if _jax.usable(xp, z, y, pw):  # the same formula, compiled: one fused pass when eager
        per = _jax.jitted(_bce_per_example, xp)(z, y, pw)
    else:
        per = _bce_per_example(z, y, pw, xp)
    return _finish(per, reduction, factor, xp)


def _bce_per_example(z: Array, y: Array, pw: Array | None, xp: Namespace) -> Array:
    """The guarded binary cross-entropy of each example (exact at +-inf logits)."""
    pos, neg = y != 0, y != 1
    zero = xp.zeros_like(z)
    # "double where": a label's unused branch sees z = 0, so +-inf logits never meet 0 * inf
    t_pos = y * _softplus(-xp.where(pos, z, zero), xp)
    if pw is not None:
        t_pos, pw_b = _broadcast({"target": t_pos, "pos_weight": pw}, xp)
        if tuple(t_pos.shape) != tuple(y.shape):
            msg = f"`pos_weight` {tuple(pw.shape)} must broadcast to `target` {tuple(y.shape)}"
            raise ValueError(msg)
        weighted = pw_b != 0  # a weight of 0 removes the term, even against an infinite logit
        t_pos = xp.where(weighted, pw_b * xp.where(weighted, t_pos, zero), zero)
    t_neg = (1.0 - y) * _softplus(xp.where(neg, z, zero), xp)
    elem = xp.where(pos, t_pos, zero) + xp.where(neg, t_neg, zero)
    return _per_example(elem, xp)


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
