"""`fit`: the member of a family closest to a target in forward or reverse KL divergence.

Forward, KL(target || model) (`_forward`): on data it is maximum likelihood (closed forms in
`_MLE`, else `_numeric_mle`); on a distribution it is moment matching (`_MOMENTS`) or maximum
likelihood on draws from the target. Reverse, KL(model || target) (`_reverse`): `_reverse`
minimises a deterministic objective (Gauss-Hermite quadrature or common random numbers
reparametrised through the family) over an unconstrained parametrisation, from several starting
points. `_common` holds the target wrapper, the support checks and the optimiser.

Imports `infoloss.discrete` and `infoloss.distributions`.
"""

from __future__ import annotations

from typing import Any

import array_api_compat
import numpy as np

from ..discrete import Categorical
from ..distributions import Distribution
from ._common import Family, _data, _Target
from ._dask_fit import fit_by_chunks, is_dask
from ._forward import _forward, _mle
from ._reverse import _reverse

__all__ = ["fit"]
_N_FORWARD = 100_000  # draws from a target distribution for forward fits by sampling
_N_REVERSE = 4096  # common random numbers for reverse fits


def fit(
    family: Family,
    target: Any,
    /,
    *,
    divergence: str = "forward",
    rng: Any = None,
    n: int | None = None,
    init: Distribution | None = None,
) -> Any:
    r"""The member of a family closest to a target in Kullback–Leibler divergence.

    Parameters
    ----------
    family : type
        An infoloss distribution class, e.g. `~infoloss.Normal`, `~infoloss.Gamma`,
        `~infoloss.MultivariateNormal`, or `~infoloss.Categorical` (forward, on labels).
    target : array_like, Samples, distribution or callable
        Data (an array of shape ``(n,)`` or ``(n, d)``, a list, an `infoloss.Samples`), a
        distribution (infoloss, `Mixture`, SciPy frozen), or, for ``divergence="reverse"``,
        a function returning the log density up to an additive constant at a NumPy
        array of points (shape ``(m,)``, or ``(m, d)`` for a MultivariateNormal family).
    divergence : {"forward", "reverse"}, default "forward"
        ``"forward"`` minimises :math:`\mathrm{KL}(\text{target} \,\|\, q_\theta)` (mass
        covering); ``"reverse"`` minimises :math:`\mathrm{KL}(q_\theta \,\|\, \text{target})`
        (mode seeking).
    rng : int or numpy.random.Generator, optional
        Seed of the draws (common random numbers): the same seed gives the same fit.
    n : int, optional
        Number of draws: from the target for forward fits by sampling (default 100000), of
        base points for reverse fits (default 4096). Data fits and the reverse Normal fit
        (Gauss–Hermite quadrature, 96 nodes) use none.
    init : Distribution, optional
        Starting point of a reverse fit (default: the forward fit and narrow members at
        quantiles of the target, the best result kept; a standard member for functions).

    Returns
    -------
    Distribution
        A member of `family` whose parameters are read by SciPy's names (``.loc``,
        ``.scale``, ``.a`` ...). Fits to data of another array library (e.g. PyTorch) come
        back in that library. Dask data are fitted chunk by chunk from sufficient statistics
        (the families with closed-form maximum likelihood, and Gamma and Categorical).

    Raises
    ------
    ValueError
        Data outside the family's support (the forward KL is infinite for every member),
        empty data, an unknown `divergence`, a target with infinite variance.
    TypeError
        A `target` that is neither data, a distribution nor a function; data with ``"reverse"``.
    NotImplementedError
        A family infoloss cannot fit by the requested route.

    Notes
    -----
    Forward KL to data :math:`x_{1:n}` with empirical distribution :math:`\hat p_n`:

    .. math:: \arg\min_\theta \mathrm{KL}(\hat p_n \,\|\, q_\theta)
              = \arg\min_\theta H(\hat p_n, q_\theta)
              = \arg\max_\theta \textstyle\sum_i \log q_\theta(x_i),

    maximum likelihood: closed forms for Normal, Exponential, Poisson, Bernoulli, Geometric,
    LogNormal, Uniform, Laplace (median, mean absolute deviation), HalfNormal, Rayleigh,
    Pareto, MultivariateNormal, Categorical; a one-dimensional root for Gamma; L-BFGS-B on
    an unconstrained parametrisation (logarithm of positive parameters, logit of
    probabilities) otherwise. To a distribution :math:`p` and an exponential family with
    sufficient statistics :math:`T`, the minimiser matches moments,
    :math:`\mathrm E_{q_\theta}[T] = \mathrm E_p[T]` (Normal: mean and variance; Gamma:
    :math:`\mathrm E[X]` and :math:`\mathrm E[\log X]`), exactly where the target's moments are
    known and on `n` seeded draws otherwise; other families are fitted by maximum likelihood
    on the draws (the Monte Carlo cross-entropy).

    Reverse KL, with :math:`\tilde p` the target density up to a constant:

    .. math:: \mathrm{KL}(q_\theta \,\|\, p) = -H(q_\theta)
              - \mathrm E_{q_\theta}[\log \tilde p(X)] + \text{const},

    with the expectation by Gauss–Hermite quadrature for a Normal family and over
    :math:`x_i = F_\theta^{-1}(u_i)` (or :math:`\mu + L z_i`) for fixed stratified
    uniforms :math:`u_i` (Latin-hypercube normal :math:`z_i`) otherwise, so the objective is a
    smooth deterministic function of :math:`\theta` [2]_.

    References
    ----------
    .. [1] C. M. Bishop, *Pattern Recognition and Machine Learning*, Springer, 2006,
       sec. 10.1.2 (forward and reverse KL, fig. 10.3).
    .. [2] D. P. Kingma and M. Welling, "Auto-encoding variational Bayes", ICLR 2014
       (the reparametrisation).

    Examples
    --------
    >>> import numpy as np
    >>> from scipy import stats
    >>> from infoloss import Gamma, Normal
    >>> from infoloss import fit
    >>> from infoloss import Mixture
    >>> x = stats.gamma(2.5, scale=1.5).rvs(size=500, random_state=0)
    >>> g = fit(Gamma, x)
    >>> a, _, scale = stats.gamma.fit(x, floc=0)
    >>> bool(np.allclose([g.a, g.scale], [a, scale], rtol=1e-4))
    True
    >>> p = Mixture([Normal(-2.0, 0.6), Normal(2.0, 0.6)], [0.5, 0.5])
    >>> q = fit(Normal, p)  # forward: the mixture's mean and variance
    >>> float(q.loc), round(float(q.scale) ** 2, 6)
    (0.0, 4.36)
    >>> r = fit(Normal, p, divergence="reverse", rng=0)  # reverse: one of the modes
    >>> round(abs(float(r.loc)), 2), round(float(r.scale), 2)
    (2.0, 0.6)
    """
    if not (isinstance(family, type) and issubclass(family, Distribution | Categorical)):
        msg = f"`family` must be an infoloss distribution class; found {family!r}"
        raise TypeError(msg)
    if divergence not in ("forward", "reverse"):
        msg = f'`divergence` must be "forward" or "reverse"; found {divergence!r}'
        raise ValueError(msg)
    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 2):
        msg = f"`n` must be an integer >= 2 (the number of draws); found {n!r}"
        raise ValueError(msg)
    gen = np.random.default_rng(rng)
    if isinstance(target, Categorical) and family is Categorical:
        return Categorical(target.probs)  # KL(p || q) = KL(q || p) = 0 at q = p
    if divergence == "reverse":
        return _reverse(family, target, n or _N_REVERSE, gen, init)
    if type(target).__name__ == "Counts" and family is Categorical:
        return Categorical(target.counts / target.counts.sum())
    data = target.data if type(target).__name__ == "Samples" else target
    if is_dask(data):  # sufficient statistics summed chunk by chunk
        return fit_by_chunks(family, data)
    x = _data(target)
    if x is None:
        t = _Target(target)
        if not t.is_distribution:
            msg = (
                "forward KL(target || model) needs data or a distribution to draw from; "
                f"found {type(target).__name__} (a log-density function fits only with "
                'divergence="reverse")'
            )
            raise TypeError(msg)
        return _like_target(_forward(family, t, n or _N_FORWARD, gen), t.dist)
    _check_data(family, x)
    return _in_library(_mle(family, x), getattr(target, "data", target))


def _check_data(family: Family, x: np.ndarray[Any, Any]) -> None:
    vector = getattr(family, "event_ndim", 0) == 1
    want = 2 if vector else 1
    if x.ndim != want or x.shape[0] == 0:
        what = "(n, d)" if vector else "(n,)"
        msg = (
            f"`target` must be data of shape {what} with n >= 1 for {family.__name__}; "
            f"found shape {x.shape}"
        )
        raise ValueError(msg)


def _in_library(dist: Any, like: Any) -> Any:
    """The fit's parameters in the array library of the data (NumPy stays as it is)."""
    if not array_api_compat.is_array_api_obj(like) or isinstance(like, np.ndarray):
        return dist
    if isinstance(dist, Categorical):
        return dist
    xp = array_api_compat.array_namespace(like)
    dtype = like.dtype if xp.isdtype(like.dtype, "real floating") else None
    dev = array_api_compat.device(like)
    vals = {k: xp.asarray(v, dtype=dtype, device=dev) for k, v in dist._numpy_values().items()}
    return type(dist)(**vals)


def _like_target(dist: Any, target: Distribution | None) -> Any:
    if target is None or target._scalars or array_api_compat.is_numpy_namespace(target.xp):
        return dist
    return dist._like(target)
