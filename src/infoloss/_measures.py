"""The public measures: each argument's kind picks a registered route; results in any unit.

The routes live in the rooms that know the kinds (`infoloss.discrete`: arrays of probabilities,
`infoloss.distributions`: parametric families, `infoloss.data`: samples and counts) and are
registered in `infoloss._core.ROUTES` for each measure and tuple of kinds.
"""

from __future__ import annotations

from typing import Any

from . import data as data
from . import discrete as discrete
from . import distributions as distributions
from ._core import ROUTES, Options, in_units, kind_of, log_base
from ._docs import with_docs

__all__ = ["cross_entropy", "entropy", "js_distance", "js_divergence", "kl_divergence"]


def _compute(
    measure: str, args: tuple[Any, ...], *, base: object, sqrt: bool = False, **options: Any
) -> Any:
    factor = log_base(base)
    kinds = tuple(kind_of(a) for a in args)
    route = ROUTES.lookup(measure, kinds)
    if route is None:  # pragma: no cover - every pair of kinds is registered
        names = ", ".join(k.__name__ for k in kinds)
        msg = f"no route for {measure} of ({names})"
        raise NotImplementedError(msg)
    res, xp = route(measure, args, Options(**options))
    return in_units(res, factor, sqrt, xp)


@with_docs
def entropy(
    p: Any,
    /,
    *,
    axis: int | tuple[int, ...] = -1,
    base: float | str | None = None,
    keepdims: bool = False,
    validate: bool = True,
    normalize: bool = False,
    method: str | None = None,
    n: int = 10_000,
    rng: Any = None,
    k: int | None = None,
    pseudocount: float = 0.0,
) -> Any:
    r"""Shannon entropy of a discrete distribution.

    Parameters
    ----------
    p : array_like or Categorical
        Probabilities along `axis` (or a `Categorical` given by logits or log-probabilities).
    {params}

    {returns}

    See Also
    --------
    cross_entropy, kl_divergence, scipy.stats.entropy

    Notes
    -----
    .. math:: H(P) = -\sum_i p_i \log p_i, \qquad 0 \log 0 = 0,

    the expected number of nats (bits with ``base=2``) needed to encode an outcome drawn from
    :math:`P` with the code that is optimal for :math:`P`. :math:`0 \le H(P) \le \log n` for
    :math:`n` outcomes, with the maximum for the uniform distribution.

    References
    ----------
    .. [1] C. E. Shannon, "A Mathematical Theory of Communication", Bell System Technical
           Journal 27 (1948), 379-423.

    Examples
    --------
    Where people spread evenly over 10 income brackets, a person's bracket is hard to guess;
    where 80% sit in the poorest one, it is easy:

    >>> import numpy as np
    >>> from infoloss import entropy
    >>> equal = np.full(10, 0.1)
    >>> skewed = np.array([0.80, 0.06, 0.04, 0.03, 0.02, 0.015, 0.012, 0.008, 0.005, 0.01])
    >>> print(f"{entropy(equal, base=2):.4f} {entropy(skewed, base=2):.4f}")
    3.3219 1.2793
    >>> bool(np.isclose(entropy(skewed), -np.sum(skewed * np.log(skewed))))
    True
    """
    return _compute(
        "entropy",
        (p,),
        axis=axis,
        base=base,
        keepdims=keepdims,
        validate=validate,
        normalize=normalize,
        method=method,
        n=n,
        rng=rng,
        k=k,
        pseudocount=pseudocount,
    )


@with_docs
def cross_entropy(
    p: Any,
    q: Any,
    /,
    *,
    axis: int | tuple[int, ...] = -1,
    base: float | str | None = None,
    keepdims: bool = False,
    validate: bool = True,
    normalize: bool = False,
    method: str | None = None,
    n: int = 10_000,
    rng: Any = None,
    k: int | None = None,
    pseudocount: float = 0.0,
) -> Any:
    r"""Cross-entropy of `q` relative to `p`: the cost of coding `p`'s outcomes with `q`'s code.

    Parameters
    ----------
    p : array_like or Categorical
        The true distribution, probabilities along `axis` (a one-hot target, say).
    q : array_like or Categorical
        The model; use ``Categorical(logits=z)`` for a network's raw scores.
    {params}

    {returns}

    See Also
    --------
    entropy, kl_divergence

    Notes
    -----
    .. math:: H(P, Q) = -\sum_i p_i \log q_i = H(P) + KL(P \| Q) \ge H(P),

    with :math:`0 \log q = 0` and :math:`+\infty` where :math:`p_i > 0 = q_i`. For a one-hot
    :math:`p` it is the negative log-likelihood of the observed class: the softmax
    "cross-entropy loss" is this function with ``q = Categorical(logits=z)``.

    Examples
    --------
    >>> import numpy as np
    >>> from infoloss import Categorical, cross_entropy, entropy, kl_divergence
    >>> p = np.array([0.5, 0.25, 0.25])
    >>> q = np.array([0.25, 0.25, 0.5])
    >>> print(f"{cross_entropy(p, q, base=2):.3f} bits")
    1.750 bits
    >>> bool(np.isclose(cross_entropy(p, q), entropy(p) + kl_divergence(p, q)))
    True
    >>> z = np.array([2.0, 0.5, -1.0])  # logits
    >>> bool(np.isclose(cross_entropy([1, 0, 0], Categorical(logits=z)),
    ...                 np.log(np.exp(z).sum()) - z[0]))
    True
    """
    return _compute(
        "cross_entropy",
        (p, q),
        axis=axis,
        base=base,
        keepdims=keepdims,
        validate=validate,
        normalize=normalize,
        method=method,
        n=n,
        rng=rng,
        k=k,
        pseudocount=pseudocount,
    )


@with_docs
def kl_divergence(
    p: Any,
    q: Any,
    /,
    *,
    axis: int | tuple[int, ...] = -1,
    base: float | str | None = None,
    keepdims: bool = False,
    validate: bool = True,
    normalize: bool = False,
    method: str | None = None,
    n: int = 10_000,
    rng: Any = None,
    k: int | None = None,
    pseudocount: float = 0.0,
) -> Any:
    r"""Kullback–Leibler divergence KL(P‖Q): the information lost when `q` stands in for `p`.

    Parameters
    ----------
    p : array_like or Categorical
        The true distribution, probabilities along `axis`.
    q : array_like or Categorical
        The approximation.
    {params}

    {returns}

    See Also
    --------
    cross_entropy, js_divergence, scipy.special.rel_entr

    Notes
    -----
    .. math:: KL(P \| Q) = \sum_i p_i \log \frac{p_i}{q_i} = H(P, Q) - H(P) \ge 0,

    zero if and only if :math:`P = Q`, and not symmetric. Terms with :math:`p_i = 0` are 0;
    :math:`p_i > 0 = q_i` gives :math:`+\infty`. The result is never negative: round-off
    below zero is returned as 0, and identical inputs give exactly 0. Between probability
    vectors the error is about one machine epsilon in absolute terms (each term carries the
    rounding of :math:`p_i / q_i`), which is also how well floating-point inputs sum to 1:
    near :math:`P = Q` a KL below that is not determined by the inputs. The closed forms of
    parametric families are accurate relative to the result, however close the parameters.

    References
    ----------
    .. [1] S. Kullback and R. A. Leibler, "On Information and Sufficiency", Annals of
           Mathematical Statistics 22 (1951), 79-86.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy.special import rel_entr
    >>> from infoloss import kl_divergence
    >>> p = np.array([0.5, 0.25, 0.25])
    >>> q = np.array([0.25, 0.25, 0.5])
    >>> print(f"{kl_divergence(p, q, base=2):.3f} {kl_divergence(q, p, base=2):.3f}")
    0.250 0.250
    >>> bool(np.isclose(kl_divergence(p, q), rel_entr(p, q).sum()))
    True
    >>> float(kl_divergence(p, p)), float(kl_divergence([1, 0], [0.5, 0.5], base=2))
    (0.0, 1.0)
    >>> float(kl_divergence([0.5, 0.5], [1, 0]))
    inf
    """
    return _compute(
        "kl_divergence",
        (p, q),
        axis=axis,
        base=base,
        keepdims=keepdims,
        validate=validate,
        normalize=normalize,
        method=method,
        n=n,
        rng=rng,
        k=k,
        pseudocount=pseudocount,
    )


@with_docs
def js_divergence(
    p: Any,
    q: Any,
    /,
    *,
    axis: int | tuple[int, ...] = -1,
    base: float | str | None = None,
    keepdims: bool = False,
    validate: bool = True,
    normalize: bool = False,
    method: str | None = None,
    n: int = 10_000,
    rng: Any = None,
    k: int | None = None,
    pseudocount: float = 0.0,
) -> Any:
    r"""Jensen–Shannon divergence: a symmetric, bounded smoothing of KL.

    Parameters
    ----------
    p, q : array_like or Categorical
        Probabilities along `axis`.
    {params}

    {returns}

    See Also
    --------
    js_distance, kl_divergence

    Notes
    -----
    .. math:: JS(P, Q) = \tfrac12 KL(P \| M) + \tfrac12 KL(Q \| M), \qquad M = \tfrac12 (P + Q),

    symmetric, finite even where the supports differ, and :math:`0 \le JS \le \log 2`
    (1 bit); results are clamped to that interval against round-off.

    References
    ----------
    .. [1] J. Lin, "Divergence measures based on the Shannon entropy", IEEE Transactions on
           Information Theory 37 (1991), 145-151.

    Examples
    --------
    >>> import numpy as np
    >>> from infoloss import js_divergence
    >>> float(js_divergence([1, 0], [0, 1], base=2))  # disjoint supports: the maximum
    1.0
    >>> p, q = np.array([0.5, 0.25, 0.25]), np.array([0.25, 0.25, 0.5])
    >>> bool(js_divergence(p, q) == js_divergence(q, p))
    True
    """
    return _compute(
        "js_divergence",
        (p, q),
        axis=axis,
        base=base,
        keepdims=keepdims,
        validate=validate,
        normalize=normalize,
        method=method,
        n=n,
        rng=rng,
        k=k,
        pseudocount=pseudocount,
    )


@with_docs
def js_distance(
    p: Any,
    q: Any,
    /,
    *,
    axis: int | tuple[int, ...] = -1,
    base: float | str | None = None,
    keepdims: bool = False,
    validate: bool = True,
    normalize: bool = False,
    method: str | None = None,
    n: int = 10_000,
    rng: Any = None,
    k: int | None = None,
    pseudocount: float = 0.0,
) -> Any:
    r"""Jensen–Shannon distance, the square root of `js_divergence`: a metric.

    Parameters
    ----------
    p, q : array_like or Categorical
        Probabilities along `axis`.
    {params}

    {returns}

    See Also
    --------
    js_divergence, scipy.spatial.distance.jensenshannon

    Notes
    -----
    .. math:: d_{JS}(P, Q) = \sqrt{JS(P, Q)},

    with :math:`JS` in the chosen base. It satisfies the triangle inequality [1]_ and equals
    ``scipy.spatial.distance.jensenshannon(p, q, base=base)``. For an estimate from data, a
    JS estimate below 0 (sampling error around a small value) gives distance 0, and the
    standard error comes by the delta method, ``se / (2 sqrt(JS))``, or is bounded by
    ``sqrt(se)`` where JS is 0.

    References
    ----------
    .. [1] D. M. Endres and J. E. Schindelin, "A new metric for probability distributions",
           IEEE Transactions on Information Theory 49 (2003), 1858-1860.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy.spatial.distance import jensenshannon
    >>> from infoloss import js_distance
    >>> p, q = np.array([0.5, 0.25, 0.25]), np.array([0.25, 0.25, 0.5])
    >>> bool(np.isclose(js_distance(p, q, base=2), jensenshannon(p, q, base=2)))
    True
    """
    return _compute(
        "js_divergence",
        (p, q),
        axis=axis,
        base=base,
        keepdims=keepdims,
        validate=validate,
        normalize=normalize,
        method=method,
        n=n,
        rng=rng,
        k=k,
        pseudocount=pseudocount,
        sqrt=True,
    )
