"""The public measures: turn each argument into a distribution, dispatch, convert units."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import array_api_compat
import numpy as np

from ._core._array_api import TRACER_ERRORS, Array, Namespace, namespace, to_output
from ._core._estimate import Estimate
from ._core._registry import lookup
from ._core._validation import log_base
from .data._measures import data_measure, is_data
from .discrete import _measures as _discrete  # noqa: F401  (registers the Categorical entries)
from .discrete._categorical import Categorical
from .distributions._measure import parametric_measure
from .distributions._scipy import as_parametric

__all__ = ["cross_entropy", "entropy", "js_distance", "js_divergence", "kl_divergence"]

F = TypeVar("F", bound=Callable[..., Any])

_PARAMS = """\
axis : int or tuple of ints, default -1
        The axis along which plain arrays hold a distribution; a tuple makes a joint
        distribution over several axes. A `Categorical` carries its own axis.
    base : None, float or {"nats", "bits", "hartleys"}, optional
        Logarithm base of the result: None (nats), 2 (bits), 10 (hartleys) or any finite
        number > 1 (a base below 1 would flip the sign of the result: refused).
    keepdims : bool, default False
        Keep the reduced axes as axes of size one, as NumPy reductions do.
    validate : bool, default True
        Check that plain arrays are probabilities: entries >= 0 and each distribution summing
        to 1 (within ``sqrt(eps)`` of the dtype). ``False`` skips these data-dependent checks,
        for speed and inside ``jax.jit`` / ``torch.compile``; the formula is then applied to
        the numbers as given.
    normalize : bool, default False
        Explicit opt-in: treat plain arrays as non-negative weights and divide each
        distribution by its total. Nothing is ever normalised silently.
    method : str, optional
        For parametric distributions: ``"exact"`` (the default: the closed form; an error
        names the pair where none is known), ``"auto"`` (the closed form, else Monte Carlo),
        ``"mc"`` or ``"mc-k3"`` (Monte Carlo; ``"mc-k3"`` is the non-negative low-variance KL
        estimator). For data (`Samples`, `Counts`): the estimator's name, e.g. ``"plugin"``,
        ``"miller_madow"``, ``"grassberger"``, ``"chao_shen"``, ``"james_stein"``, ``"nsb"``,
        ``"jackknife"`` for counts, ``"kl"`` or ``"bsy"`` (entropy) and ``"wkv"`` (KL) for
        continuous samples; None picks the most accurate default, and an unknown name lists
        the valid ones. Arrays of probabilities are always exact. Estimates come back as
        `Estimate`, with a standard error.
    n : int, default 10000
        Number of draws for Monte Carlo, and of draws from a model compared with data.
    rng : int or numpy.random.Generator, optional
        Seed or generator wherever randomness enters; the same seed gives the same estimate.
    k : int, optional
        Number of nearest neighbours for the estimators of continuous samples (None: the
        estimator's default).
    pseudocount : float, default 0
        Added to every cell of both count vectors before a plug-in estimate between two data
        sets (0.5: Jeffreys, 1: Laplace); nothing is added unless asked for."""

_RETURNS = """\
    Returns
    -------
    Array
        One value per distribution: the inputs' broadcast shape without the reduced axes, in
        the inputs' array library, device and floating dtype. Lists give NumPy results.

    Raises
    ------
    ValueError
        A negative probability, a distribution not summing to 1, shapes that do not broadcast,
        an empty or invalid axis, or an invalid `base`.
    TypeError
        Complex or non-numeric input, inputs from different array libraries."""


def _doc(fn: F) -> F:
    fn.__doc__ = (fn.__doc__ or "").replace("{params}", _PARAMS).replace("{returns}", _RETURNS)
    return fn


def _as_distribution(
    x: Any, name: str, axis: object, xp: Namespace, device: Any, *, validate: bool, normalize: bool
) -> Categorical:
    if isinstance(x, Categorical):
        return x
    if isinstance(x, str | bytes | dict | set):
        msg = (
            f"`{name}` must be an array of probabilities or a `Categorical`; "
            f"found {type(x).__name__}"
        )
        raise TypeError(msg)
    if device is not None and not array_api_compat.is_array_api_obj(x):
        x = _asarray(x, name, xp, device)
    return Categorical._from_input(x, axis, name, validate=validate, normalize=normalize, xp=xp)


def _asarray(x: Any, name: str, xp: Namespace, device: Any) -> Array:
    try:
        return xp.asarray(x, device=device)
    except (TypeError, ValueError) as exc:
        msg = (
            f"`{name}` must be an array or a (nested) list of numbers; "
            f"found {type(x).__name__}: {exc}"
        )
        raise TypeError(msg) from None


def _broadcast_plain(
    xs: list[Any], names: tuple[str, ...], xp: Namespace, device: Any
) -> list[Any]:
    """Plain arrays are broadcast against each other first: `axis` refers to that shape."""
    arrays = [
        _asarray(x, n, xp, device) if not array_api_compat.is_array_api_obj(x) else x
        for x, n in zip(xs, names, strict=True)
    ]
    shapes = [tuple(a.shape) for a in arrays]
    if len(set(shapes)) == 1:
        return arrays
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        found = " and ".join(f"`{n}` {s}" for n, s in zip(names, shapes, strict=True))
        msg = f"shapes do not broadcast: {found}"
        raise ValueError(msg) from None
    return list(xp.broadcast_arrays(*arrays))


def _compute(
    measure: str,
    args: tuple[Any, ...],
    *,
    axis: object,
    base: object,
    keepdims: bool,
    validate: bool,
    normalize: bool,
    method: str | None = None,
    n: int = 10_000,
    rng: Any = None,
    k: int | None = None,
    pseudocount: float = 0.0,
    sqrt: bool = False,
) -> Any:
    names = ("p", "q")[: len(args)]
    factor = log_base(base)
    if any(is_data(a) for a in args):
        ctx = {"axis": axis, "validate": validate, "normalize": normalize}
        res, res_xp = data_measure(
            measure, args, method=method, k=k, pseudocount=pseudocount, n=n, rng=rng, ctx=ctx
        )
        return _in_units(res, factor, sqrt, res_xp)
    if k is not None or pseudocount:
        option = "k" if k is not None else "pseudocount"
        msg = (
            f"`{option}` applies to estimates from data (Samples, Counts); the arguments here "
            "are distributions, computed exactly or by Monte Carlo"
        )
        raise ValueError(msg)
    if method is None:
        method = "exact"
    params = [as_parametric(a, name) for a, name in zip(args, names, strict=True)]
    if any(p is not None for p in params):
        if not all(p is not None for p in params):
            found = ", ".join(
                f"`{k}` is a {type(a).__name__}" for k, a in zip(names, args, strict=True)
            )
            msg = (
                "both arguments must be distributions (infoloss or SciPy frozen) or both "
                f"discrete probability arrays; found {found}"
            )
            raise TypeError(msg)
        P, Q = params[0], params[1] if len(params) > 1 else None
        res = parametric_measure(measure, P, Q, method=method, n=n, rng=rng)  # type: ignore[arg-type]
        return _in_units(res, factor, sqrt, P.xp)  # type: ignore[union-attr]
    if method not in ("exact", "auto"):
        msg = (
            f"`method` {method!r} estimates measures between parametric distributions; "
            "arrays of probabilities are computed exactly (method='exact')"
        )
        raise ValueError(msg)
    reps = [a._value if isinstance(a, Categorical) else a for a in args]
    xp = namespace(*reps, names=names)
    arrays = [r for r in reps if array_api_compat.is_array_api_obj(r)]
    device = array_api_compat.device(arrays[0]) if arrays else None
    xs = list(args)
    plain = [i for i, a in enumerate(args) if not isinstance(a, Categorical)]
    if len(plain) > 1:
        xs = _broadcast_plain(xs, names, xp, device)
    dists = [
        _as_distribution(x, name, axis, xp, device, validate=validate, normalize=normalize)
        for x, name in zip(xs, names, strict=True)
    ]
    fn = lookup(measure, tuple(type(d) for d in dists))
    if fn is None:  # pragma: no cover - every Categorical pair is registered
        kinds = ", ".join(type(d).__name__ for d in dists)
        msg = f"no implementation of {measure} for ({kinds})"
        raise NotImplementedError(msg)
    try:
        res = fn(*dists)
    except TypeError as exc:  # jax.jit: the checks need values that tracing does not have
        if type(exc).__name__ in TRACER_ERRORS:
            msg = (
                "the inputs are traced (jax.jit or similar), so their values cannot be checked: "
                "pass validate=False (the formula is then applied to the numbers as given)"
            )
            raise TypeError(msg) from exc
        raise
    if keepdims:
        res = _keepdims(res, dists[0], xp)
    return _in_units(res, factor, sqrt, xp)


def _in_units(res: Any, factor: float | None, sqrt: bool, xp: Namespace) -> Any:
    """Nats to the requested base (and JS to its square root), for arrays and estimates."""
    if isinstance(res, Estimate):
        value, se = res.value, res.stderr
        if factor is not None:
            value, se = value / factor, se / factor
        if sqrt:
            # delta method se(sqrt v) = se(v) / (2 sqrt v); at v <= 0 (an estimate can be)
            # it breaks down, and sqrt(se) bounds the spread: sqrt(v + s) - sqrt(v) <= sqrt(s)
            root = xp.sqrt(xp.where(value < 0, xp.zeros_like(value), value))
            positive = root > 0
            safe = xp.where(positive, root, xp.ones_like(root))
            value, se = root, xp.where(positive, se / (2 * safe), xp.sqrt(se))
        return Estimate(to_output(value, xp), to_output(se, xp), res.method, res.n)
    if factor is not None:
        res = res / factor
    if sqrt:  # double where: at JS == 0 (p == q) the value is 0 and the gradient 0, not NaN
        zero = res == 0
        res = xp.where(zero, xp.zeros_like(res), xp.sqrt(xp.where(zero, xp.ones_like(res), res)))
    return to_output(res, xp)


def _keepdims(res: Array, P: Categorical, xp: Namespace) -> Array:
    """Insert size-one axes where the first argument's event axes were (right-aligned)."""
    ndim = res.ndim + len(P._axes)
    shift = ndim - P._value.ndim
    positions = {a + shift for a in P._axes}
    shape = list(res.shape)
    for pos in sorted(positions):
        shape.insert(pos, 1)
    return xp.reshape(res, tuple(shape))


@_doc
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


@_doc
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


@_doc
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


@_doc
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


@_doc
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
