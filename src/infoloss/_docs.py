"""The text shared by the public measures' docstrings: their parameters and what they return."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["with_docs"]

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


def with_docs(fn: F) -> F:
    """Fill the ``{params}`` and ``{returns}`` placeholders of `fn`'s docstring."""
    fn.__doc__ = (fn.__doc__ or "").replace("{params}", _PARAMS).replace("{returns}", _RETURNS)
    return fn
