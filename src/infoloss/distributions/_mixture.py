"""`Mixture`: a finite mixture of infoloss distributions."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import array_api_compat
import numpy as np

from .._core import Array, logsumexp, sum_tolerance
from ._base import Distribution, _numpy_float, _scalar, nonnegative

__all__ = ["Mixture"]


class Mixture(Distribution):
    r"""Finite mixture :math:`p(x) = \sum_k w_k\, p_k(x)` of distributions of one event shape.

    Parameters
    ----------
    components : sequence of Distribution
        The component distributions :math:`p_k`, all of the same event shape, all
        continuous or all discrete, with parameters from one array library (components
        given with Python numbers adopt the library of the others).
    weights : array_like, shape (K,)
        Mixing weights :math:`w_k \ge 0` with :math:`\sum_k w_k = 1` (to ``sqrt(eps)`` of
        the dtype). They are not normalised for you: weights that do not sum to 1 are an error.
    validate : bool, default True
        Check the weights.

    Notes
    -----
    The log density is computed in log space,

    .. math:: \log p(x) = \operatorname{logsumexp}_k\bigl(\log w_k + \log p_k(x)\bigr),

    so it stays finite far in the tails and differentiable (PyTorch, JAX) in the weights and
    the components' parameters. The moments follow the laws of total expectation and variance,

    .. math:: \mathrm E[X] = \sum_k w_k \mu_k, \qquad
              \mathrm{Var}[X] = \sum_k w_k \bigl(\sigma_k^2 + \mu_k^2\bigr) - \mathrm E[X]^2 .

    A mixture's entropy has no closed form: `entropy` raises `NotImplementedError`, so
    ``infoloss.entropy`` / ``kl_divergence`` with ``method="auto"`` or ``"mc"`` estimate the
    measures by Monte Carlo.

    References
    ----------
    .. [1] G. McLachlan and D. Peel, *Finite Mixture Models*, Wiley, 2000, ch. 1.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy import stats
    >>> from infoloss import Normal
    >>> from infoloss import Mixture
    >>> m = Mixture([Normal(-2.0, 0.6), Normal(2.0, 0.6)], [0.5, 0.5])
    >>> x = np.array([-2.0, 0.0, 1.0])
    >>> ref = np.log(0.5 * stats.norm(-2, 0.6).pdf(x) + 0.5 * stats.norm(2, 0.6).pdf(x))
    >>> bool(np.allclose(m.log_prob(x), ref))
    True
    >>> float(m.mean), round(float(m.variance), 2)  # 0.6**2 + 2**2
    (0.0, 4.36)
    """

    params = {"weights": nonnegative}  # noqa: RUF012 - class-level constants
    event_params = {"weights": 1}  # noqa: RUF012
    weights: Array

    def __init__(
        self, components: Sequence[Distribution], weights: Any, *, validate: bool = True
    ) -> None:
        comps = _check_components(components)
        if array_api_compat.is_array_api_obj(weights):
            self._init({"weights": weights}, validate=validate)
        else:  # plain numbers take the components' library, dtype and device
            ref = next((c for c in comps if not c._scalars), comps[0])
            w = np.asarray(weights, dtype=np.float64)
            wx = ref.xp.asarray(w, dtype=ref.dtype, device=ref.device)
            self._init({"weights": wx}, validate=validate)
        if self.weights.ndim != 1 or self.weights.shape[0] != len(comps):
            msg = (
                f"`weights` must be a 1-D array with one weight per component ({len(comps)}); "
                f"found shape {tuple(self.weights.shape)}"
            )
            raise ValueError(msg)
        self.components = [c if c.xp is self.xp else _adopt(c, self) for c in comps]
        self._scalars = all(c._scalars for c in comps) and not array_api_compat.is_array_api_obj(
            weights
        )
        if validate:
            self._check_sum()
        self.discrete = comps[0].discrete  # type: ignore[misc]
        self.event_ndim = comps[0].event_ndim  # type: ignore[misc]

    def _check_sum(self) -> None:
        xp = self.xp
        total = _scalar(xp.sum(self.weights))
        tol = sum_tolerance(self.weights.dtype)
        if abs(total - 1.0) > tol:  # NaN compares False: NaN weights give NaN results
            msg = (
                f"`weights` must sum to 1 (tolerance {tol:.2g}); found sum {total!r}. "
                "Divide them by their sum first if they are unnormalised"
            )
            raise ValueError(msg)

    @property
    def event_shape(self) -> tuple[int, ...]:
        return self.components[0].event_shape

    def _like(self, other: Distribution) -> Distribution:
        new = copy.copy(self)
        new.components = [c._like(other) for c in self.components]
        xp = other.xp
        w = xp.asarray(self._numpy_values()["weights"], dtype=other.dtype, device=other.device)
        new._values = {"weights": w}
        new.xp, new.weights = xp, w
        return new

    def _take(self, a: int, b: int, ndim: int) -> Distribution:
        return self  # the batch shape is that of the components, which broadcast

    def log_prob(self, x: Any) -> Array:
        xp = self.xp
        parts = [c.log_prob(x) for c in self.components]
        parts = list(xp.broadcast_arrays(*parts))
        stacked = xp.stack(parts, axis=-1) + xp.log(self.weights)
        return logsumexp(stacked, xp, (stacked.ndim - 1,))

    def _stacked(self, values: list[Array]) -> Array:
        xp = self.xp
        return xp.stack(list(xp.broadcast_arrays(*values)), axis=-1)

    @property
    def mean(self) -> Array:
        xp = self.xp
        means = self._stacked([c.mean for c in self.components])
        return xp.sum(means * self.weights, axis=-1)

    @property
    def variance(self) -> Array:
        xp = self.xp
        means = self._stacked([c.mean for c in self.components])
        second = self._stacked([c.variance + c.mean * c.mean for c in self.components])
        mean = xp.sum(means * self.weights, axis=-1)
        return xp.sum(second * self.weights, axis=-1) - mean * mean

    def entropy(self) -> Array:
        """No closed form: raises `NotImplementedError` (use ``method="mc"``)."""
        msg = (
            "a mixture's entropy has no closed form; estimate it with "
            'infoloss.entropy(mixture, method="mc", rng=...)'
        )
        raise NotImplementedError(msg)

    def sample(self, n: int | tuple[int, ...] = (), *, rng: Any = None) -> Array:
        """``n`` draws: a component chosen with probabilities `weights`, then its draw.

        ``rng`` is a seed or a `numpy.random.Generator`; the draws are made with NumPy.
        """
        shape = (n,) if isinstance(n, int) else tuple(n)
        gen = np.random.default_rng(rng)
        w = self._numpy_values()["weights"]
        w = w / w.sum()  # exact to sqrt(eps) already; NumPy's choice demands sum == 1 closely
        batch = tuple(np.broadcast_shapes(*(c.batch_shape for c in self.components)))
        full = shape + batch
        which = gen.choice(len(self.components), size=full, p=w)
        draws = []
        for c in self.components:
            d = c._sample(full, gen, c._numpy_values())
            draws.append(np.broadcast_to(d, full + tuple(self.event_shape)))
        stacked = np.stack(draws, axis=0)
        idx = which.reshape((1, *full) + (1,) * len(self.event_shape))
        idx = np.broadcast_to(idx, (1, *full, *self.event_shape))
        out = np.take_along_axis(stacked, idx, axis=0)[0]
        return self.xp.asarray(out.astype(_numpy_float(self.dtype)), device=self.device)

    def __repr__(self) -> str:
        comps = ", ".join(repr(c) for c in self.components)
        return f"Mixture([{comps}], weights={self._numpy_values()['weights'].tolist()})"


def _check_components(components: Any) -> list[Distribution]:
    if isinstance(components, Distribution) or not isinstance(components, Sequence):
        msg = (
            "`components` must be a list of infoloss distributions; "
            f"found {type(components).__name__}"
        )
        raise TypeError(msg)
    comps = list(components)
    if not comps:
        msg = "`components` must hold at least one distribution; found an empty list"
        raise ValueError(msg)
    for i, c in enumerate(comps):
        if not isinstance(c, Distribution):
            msg = f"`components[{i}]` must be an infoloss distribution; found {type(c).__name__}"
            raise TypeError(msg)
    first = comps[0]
    for i, c in enumerate(comps[1:], start=1):
        if c.event_shape != first.event_shape or c.discrete != first.discrete:
            msg = (
                f"`components` must share one event shape and kind; `components[0]` is "
                f"{first!r} (event shape {first.event_shape}), `components[{i}]` is {c!r} "
                f"(event shape {c.event_shape})"
            )
            raise ValueError(msg)
    libs = {c.xp.__name__ for c in comps if not c._scalars}
    if len(libs) > 1:
        msg = f"`components` must have parameters from one array library; found {sorted(libs)}"
        raise TypeError(msg)
    return comps


def _adopt(c: Distribution, like: Distribution) -> Distribution:
    if not c._scalars:
        msg = (
            "`components` and `weights` must come from one array library; found "
            f"{c.xp.__name__} and {like.xp.__name__}"
        )
        raise TypeError(msg)
    return c._like(like)
