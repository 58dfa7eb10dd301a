"""`nll`: the summed negative log-likelihood of data under a model (n times a cross-entropy)."""

from __future__ import annotations

from typing import Any

import array_api_compat
import numpy as np

from ..discrete import Categorical
from ..distributions import Distribution, as_parametric, is_frozen
from ._dask import is_dask
from ._dask_nll import nll_by_chunks
from ._model import Like
from ._samples import Samples, to_numpy

__all__ = ["nll"]


def nll(model: Any, data: Any, /) -> Any:
    r"""Negative log-likelihood :math:`-\sum_i \log q(x_i)` of data under a model.

    It is :math:`n` times the cross-entropy :math:`H(\hat p_n, q)` between the empirical
    distribution of the data and the model, which ``infoloss.cross_entropy(Samples(data),
    model)`` gives as the mean.

    Parameters
    ----------
    model : Distribution, Categorical or SciPy frozen distribution
        The model :math:`q`: an infoloss distribution (its ``log_prob``), a
        `~infoloss.Categorical` with a single event axis (data are integer class labels
        ``0 .. K - 1``), or a frozen ``scipy.stats`` distribution (converted to the infoloss
        family when infoloss knows it, its own ``logpdf`` / ``logpmf`` otherwise).
    data : array_like or Samples
        The observations :math:`x_i`: shape ``(n,)`` for a univariate model, ``(n, d)`` for a
        model on vectors; an `infoloss.Samples` stands for its ``.data``.

    Returns
    -------
    array
        The sum over the first axis of ``model.log_prob(data)``, negated: the model's batch
        broadcasts against the observations as in ``torch.distributions`` — a batch of
        shape ``(n,)`` pairs one model with each observation (a regression's likelihood,
        0-d result); to score every observation under each of B models, give data of shape
        ``(n, 1)`` (result ``(B,)``). In the model's array library, differentiable in the
        model's parameters (PyTorch, JAX); a NumPy float for a SciPy model; for dask data,
        a lazy 0-d dask array, the sum of the chunks' NLLs (``.compute()`` runs it).
        ``+inf`` where an observation lies outside the model's support; NaN in the data gives
        NaN.

    Raises
    ------
    TypeError
        A `model` that is not a distribution.
    ValueError
        Data of the wrong shape for the model, or non-integer labels for a `Categorical`.

    Notes
    -----
    .. math:: \mathrm{NLL}(q; x_{1:n}) = -\sum_{i=1}^n \log q(x_i)
              = n\, H(\hat p_n, q), \qquad \hat p_n = \tfrac1n \textstyle\sum_i \delta_{x_i}.

    Minimising it over the model's parameters is maximum likelihood, and since
    :math:`H(\hat p_n, q) = H(\hat p_n) + \mathrm{KL}(\hat p_n \,\|\, q)` for discrete data,
    the same parameters minimise the KL divergence from the empirical distribution [1]_.

    References
    ----------
    .. [1] I. Goodfellow, Y. Bengio and A. Courville, *Deep Learning*, MIT Press, 2016,
       sec. 5.5.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy import stats
    >>> from infoloss import Normal
    >>> from infoloss import nll
    >>> x = np.array([0.3, -1.2, 2.0])
    >>> bool(np.isclose(nll(Normal(0.5, 2.0), x), -stats.norm(0.5, 2.0).logpdf(x).sum()))
    True
    """
    x = data.data if isinstance(data, Samples) else data
    if is_dask(x):  # the sum of the chunks' NLLs, lazy
        return nll_by_chunks(lambda chunk: nll(model, chunk), x)
    if isinstance(model, Categorical):
        return _nll_categorical(model, x)
    try:
        dist = as_parametric(model, "model")
    except TypeError:
        if not is_frozen(model):
            raise
        dist = None  # a SciPy distribution infoloss does not know: SciPy's own log density
    if dist is None:
        if not is_frozen(model):
            msg = (
                "`model` must be an infoloss distribution, a Categorical or a SciPy frozen "
                f"distribution; found {type(model).__name__}"
            )
            raise TypeError(msg)
        logp = model.logpmf if hasattr(model, "logpmf") else model.logpdf
        return -np.sum(logp(to_numpy(x)), axis=0)
    dist, x = _same_library(dist, x)
    lp = dist.log_prob(_check_shape(dist, x))
    return -dist.xp.sum(lp, axis=0)


def _same_library(dist: Distribution, x: Any) -> tuple[Distribution, Any]:
    """Data from another array library: the model's scalars move, else the data do."""
    if not array_api_compat.is_array_api_obj(x):
        return dist, x
    xp = array_api_compat.array_namespace(x)
    if xp is dist.xp:
        return dist, x
    if dist._scalars:
        return dist._like(Like(xp, x)), x
    return dist, dist.xp.asarray(to_numpy(x), device=dist.device)


def _check_shape(dist: Distribution, x: Any) -> Any:
    shape = tuple(getattr(x, "shape", np.shape(x)))
    event = tuple(dist.event_shape)
    if len(shape) < 1 + len(event) or shape[len(shape) - len(event) :] != event:
        what = "(n,)" if not event else f"(n, {', '.join(map(str, event))})"
        msg = (
            f"`data` must have shape {what} for a model with event shape {event} "
            f"(one observation per row); found shape {shape}"
        )
        raise ValueError(msg)
    return x


def _nll_categorical(model: Categorical, x: Any) -> Any:
    xp = model.xp
    lp = model.log_probs
    if lp.ndim != 1:
        msg = (
            "`model` must be a Categorical with one event axis and no batch axes for `nll`; "
            f"found probabilities of shape {tuple(lp.shape)}"
        )
        raise ValueError(msg)
    labels = to_numpy(x)
    k = lp.shape[0]
    if labels.dtype.kind == "f" and bool(np.any(np.isnan(labels))):  # NaN in, NaN out
        return xp.asarray(float("nan"), dtype=lp.dtype, device=model.device)
    bad = ~((labels == np.floor(labels)) & (labels >= 0) & (labels < k))
    if labels.ndim != 1 or bool(np.any(bad)):
        where = f"found {labels[bad][0]!r}" if labels.ndim == 1 else f"shape {labels.shape}"
        msg = f"`data` must be a 1-D array of integer class labels in 0..{k - 1}; {where}"
        raise ValueError(msg)
    idx = xp.asarray(labels.astype(np.int64), device=model.device)
    return -xp.sum(xp.take(lp, idx, axis=0), axis=0)
