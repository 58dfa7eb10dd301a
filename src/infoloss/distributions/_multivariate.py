"""Multivariate families: the multivariate Normal and the Dirichlet (``event_ndim = 1``).

The Dirichlet lives in `._dirichlet` and is re-exported here; the shared helpers (triangular
solves, event-size checks) in `._multivariate_base`.
"""

from __future__ import annotations

import math
from typing import Any, NoReturn

import array_api_compat
import numpy as np

from .._core import Array, Namespace, clamp0, register_kl
from ._base import Distribution, positive, real
from ._dirichlet import Dirichlet
from ._elementary import kl_div
from ._multivariate_base import _event_size, _solve_tril, lower_cholesky, trace_log_series
from ._normal import scale_term
from ._scipy import scipy_name
from ._stable import closed_form

__all__ = ["Dirichlet", "MultivariateNormal"]

_LOG_2PI = math.log(2 * math.pi)


# ----------------------------------------------------------------------- MultivariateNormal
class MultivariateNormal(Distribution):
    r"""Multivariate Normal :math:`N(\mu, \Sigma)`, as ``scipy.stats.multivariate_normal``.

    Parameters
    ----------
    mean : array_like, shape (..., d)
        Mean vector :math:`\mu`.
    cov : array_like, shape (..., d, d), optional
        Covariance :math:`\Sigma`, symmetric positive definite.
    scale_tril : array_like, shape (..., d, d), optional
        Lower-triangular Cholesky factor :math:`L` with positive diagonal,
        :math:`\Sigma = L L^\top`.
    diag : array_like, shape (..., d), optional
        Variances of a diagonal covariance, all > 0 (KL between two diagonal ones is O(d)).
    validate : bool, default True
        Check the parameters (finite mean, symmetric ``cov``, triangular ``scale_tril``,
        positive ``diag``). A ``cov`` whose Cholesky factorisation fails is always an error.

    Exactly one of `cov`, `scale_tril`, `diag` is given; the other two stay readable as
    attributes (``diag`` is then the diagonal of the covariance). Leading dimensions are batch
    dimensions and broadcast.

    Notes
    -----
    With :math:`\Sigma = L L^\top` and :math:`z = L^{-1}(x - \mu)`:

    .. math:: \log p(x) = -\tfrac12 \lVert z \rVert^2 - \sum_i \log L_{ii}
              - \tfrac d2 \log 2\pi, \qquad
              H = \tfrac d2 (1 + \log 2\pi) + \sum_i \log L_{ii}.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy import stats
    >>> from infoloss import MultivariateNormal
    >>> cov = np.array([[2.0, 0.5], [0.5, 1.0]])
    >>> h = float(MultivariateNormal([0.0, 1.0], cov).entropy())
    >>> bool(abs(h - stats.multivariate_normal([0.0, 1.0], cov).entropy()) < 1e-12)
    True
    """

    params = {  # noqa: RUF012 - class-level constants
        "mean": real,
        "cov": real,
        "scale_tril": lower_cholesky,
        "diag": positive,
    }
    event_params = {"mean": 1, "cov": 2, "scale_tril": 2, "diag": 1}  # noqa: RUF012
    event_ndim = 1

    def __init__(
        self,
        mean: Any,
        cov: Any = None,
        *,
        scale_tril: Any = None,
        diag: Any = None,
        validate: bool = True,
    ) -> None:
        options = {"cov": cov, "scale_tril": scale_tril, "diag": diag}
        given = {k: v for k, v in options.items() if v is not None}
        if len(given) != 1:
            found = ", ".join(f"`{k}`" for k in given) or "none"
            msg = (
                "MultivariateNormal takes exactly one of `cov`, `scale_tril`, `diag`; "
                f"found {found}"
            )
            raise ValueError(msg)
        self._cov: Array = None
        self._scale_tril: Array = None
        self._diag: Array = None
        (self._kind,) = given
        self._init({"mean": mean, **given}, validate=validate)
        self._check_shapes()
        self._factor(check=validate)

    # ------------------------------------------------------------------- parameters and views
    @property
    def mean(self) -> Array:
        return self._mean

    @mean.setter
    def mean(self, value: Array) -> None:
        self._mean = value

    @property
    def cov(self) -> Array:
        """The covariance matrix (computed from the factor when not given)."""
        if self._cov is not None:
            return self._cov
        L = self._tril()
        return L @ self.xp.matrix_transpose(L)

    @cov.setter
    def cov(self, value: Array) -> None:
        self._cov = value

    @property
    def scale_tril(self) -> Array:
        """The lower-triangular Cholesky factor of the covariance."""
        return self._tril()

    @scale_tril.setter
    def scale_tril(self, value: Array) -> None:
        self._scale_tril = value

    @property
    def diag(self) -> Array:
        """The diagonal of the covariance (the variances)."""
        return self._diag if self._diag is not None else self._variances()

    @diag.setter
    def diag(self, value: Array) -> None:
        self._diag = value

    @property
    def event_shape(self) -> tuple[int, ...]:
        return (int(self._mean.shape[-1]),)

    # --------------------------------------------------------------------------- internals
    def _check_shapes(self) -> None:
        d = self.event_shape[0]
        other = self._values[self._kind]
        want = (d,) if self._kind == "diag" else (d, d)
        if tuple(other.shape[other.ndim - len(want) :]) != want:
            msg = (
                f"`mean` and `{self._kind}` of MultivariateNormal have mismatched event sizes: "
                f"`mean` has {d} entries, `{self._kind}` has event shape "
                f"{tuple(other.shape[other.ndim - len(want) :])}; expected {want}"
            )
            raise ValueError(msg)

    def _factor(self, *, check: bool) -> None:
        """Store the Cholesky factor (``self._L``; ``self._sd`` for a diagonal covariance)."""
        xp = self.xp
        self._L: Array = None
        self._sd: Array = None
        if self._kind == "diag":
            self._sd = xp.sqrt(self._values["diag"])
        elif self._kind == "scale_tril":
            self._L = self._values["scale_tril"]
        else:
            cov = self._values["cov"]
            if check:
                self._check_symmetric(cov)
            # NaN parameters give NaN results: factor the identity in their place
            nan_in = xp.any(xp.isnan(cov), axis=(-2, -1), keepdims=True)
            has_nan = bool(xp.any(nan_in))
            if has_nan:
                eye = xp.eye(cov.shape[-1], dtype=cov.dtype, device=self.device)
                cov = xp.where(nan_in, eye, cov)
            try:
                L = xp.linalg.cholesky(cov)
            except (ValueError, RuntimeError):  # numpy LinAlgError, torch LinAlgError
                self._not_pd()
            if bool(xp.any(xp.isnan(L))):  # JAX returns a NaN factor instead of raising
                self._not_pd()
            if has_nan:
                L = xp.where(nan_in, xp.full_like(L, math.nan), L)
            self._L = L

    def _check_symmetric(self, cov: Array) -> None:
        xp = self.xp
        d = cov.shape[-1]
        iu, ju = np.triu_indices(d, 1)  # compare the upper triangle with the lower one
        flat = xp.reshape(cov, (*cov.shape[:-2], d * d))
        dev = array_api_compat.device(cov)
        upper = xp.take(flat, xp.asarray(iu * d + ju, device=dev), axis=-1)
        lower = xp.take(flat, xp.asarray(ju * d + iu, device=dev), axis=-1)
        asym = xp.abs(upper - lower)
        size = xp.max(xp.abs(flat), axis=-1, keepdims=True)
        tol = math.sqrt(float(xp.finfo(cov.dtype).eps)) * size
        if bool(xp.any(asym > tol)):
            c = self._numpy_values()["cov"]
            a = np.abs(c - np.swapaxes(c, -1, -2))
            i = tuple(int(k) for k in np.unravel_index(int(np.argmax(a)), a.shape))
            j = (*i[:-2], i[-1], i[-2])
            msg = (
                "`cov` of MultivariateNormal must be symmetric; found "
                f"cov{list(i)} = {c[i]:.6g} but its transpose entry is "
                f"{c[j]:.6g}"
            )
            raise ValueError(msg)

    def _not_pd(self) -> NoReturn:
        c = self._numpy_values()["cov"]
        c = np.where(np.isnan(c).any(axis=(-2, -1), keepdims=True), np.eye(c.shape[-1]), c)
        w = np.linalg.eigvalsh(c).min(axis=-1)
        i = int(np.argmin(w)) if w.ndim else 0
        index = tuple(int(k) for k in np.unravel_index(i, w.shape))
        where = f" at batch index {index}" if w.ndim else ""
        msg = (
            "`cov` of MultivariateNormal must be symmetric positive definite (its Cholesky "
            f"factorisation failed); found smallest eigenvalue {w.flat[i]:.6g}{where}"
        )
        raise ValueError(msg)

    def _like(self, other: Distribution) -> Distribution:
        new = super()._like(other)
        assert isinstance(new, MultivariateNormal)
        new._factor(check=False)
        return new

    def _take(self, a: int, b: int, ndim: int) -> Distribution:
        new = super()._take(a, b, ndim)
        if new is not self:  # rows a:b of the stored factor too
            assert isinstance(new, MultivariateNormal)
            new._L = None if self._L is None else self._L[a:b, ...]
            new._sd = None if self._sd is None else self._sd[a:b, ...]
        return new

    def _tril(self) -> Array:
        if self._L is not None:
            return self._L
        xp, sd = self.xp, self._sd
        eye = xp.eye(sd.shape[-1], dtype=sd.dtype, device=self.device)
        return sd[..., None] * eye

    def _solve(self, b: Array) -> Array:
        """``L^{-1} b`` for ``b`` of shape (..., d, k)."""
        if self._L is None:
            return b / self._sd[..., None]
        xp = self.xp
        batch = np.broadcast_shapes(tuple(self._L.shape[:-2]), tuple(b.shape[:-2]))
        d = self._L.shape[-1]
        L = xp.broadcast_to(self._L, (*batch, d, d))
        return _solve_tril(L, xp.broadcast_to(b, (*batch, *b.shape[-2:])), xp)

    def _whiten(self, diff: Array) -> Array:
        """``L^{-1} diff`` for ``diff`` of shape (*sample, *batch, d).

        The sample dimensions become columns of one right-hand side per batch element, so the
        factor is never copied per draw.
        """
        if self._L is None:
            return diff / self._sd
        xp, nb = self.xp, len(self.batch_shape)
        lead = diff.ndim - 1 - nb
        if lead == 0:
            return self._solve(diff[..., None])[..., 0]
        sample, core = tuple(diff.shape[:lead]), tuple(diff.shape[lead:])
        to_back = (*range(lead, diff.ndim), *range(lead))
        cols = xp.reshape(xp.permute_dims(diff, to_back), (*core, math.prod(sample)))
        z = xp.reshape(self._solve(cols), (*core, *sample))
        k = len(core)
        return xp.permute_dims(z, (*range(k, k + lead), *range(k)))

    def _half_logdet(self) -> Array:
        """``sum(log(diag(L)))`` = half the log-determinant of the covariance."""
        xp = self.xp
        if self._L is None:
            return 0.5 * xp.sum(xp.log(self._values["diag"]), axis=-1)
        return xp.sum(xp.log(xp.linalg.diagonal(self._L)), axis=-1)

    def _variances(self) -> Array:
        if self._L is None:
            return self._values["diag"]
        return self.xp.sum(self._L * self._L, axis=-1)

    # --------------------------------------------------------------------------- interface
    def log_prob(self, x: Any) -> Array:
        xp, d = self.xp, self.event_shape[0]
        x = self._x(x)
        if x.ndim < 1 or x.shape[-1] != d:
            msg = f"`x` must have last dimension {d} (the event size); found shape {x.shape}"
            raise ValueError(msg)
        z = self._whiten(x - self._mean)
        return -0.5 * xp.sum(z * z, axis=-1) - self._half_logdet() - 0.5 * d * _LOG_2PI

    @property
    def variance(self) -> Array:
        return self._variances() + self.xp.zeros_like(self._mean)

    def entropy(self) -> Array:
        d = self.event_shape[0]
        return 0.5 * d * (1.0 + _LOG_2PI) + self._half_logdet()

    def _sample(
        self, shape: tuple[int, ...], rng: np.random.Generator, v: dict[str, Any]
    ) -> np.ndarray[Any, Any]:
        mean = v["mean"]
        z = rng.standard_normal((*shape, mean.shape[-1]))
        if self._kind == "diag":
            out: np.ndarray[Any, Any] = mean + np.sqrt(v["diag"]) * z
            return out
        L = v["scale_tril"] if self._kind == "scale_tril" else np.linalg.cholesky(v["cov"])
        out = mean + (L @ z[..., None])[..., 0]
        return out


@scipy_name("multivariate_normal")
def _mvn_from_scipy(params: dict[str, Any]) -> MultivariateNormal:
    frozen = params["frozen"]
    cov_object = getattr(frozen, "cov_object", None)
    cov = cov_object.covariance if cov_object is not None else frozen.cov
    return MultivariateNormal(np.asarray(frozen.mean, dtype=float), np.asarray(cov, dtype=float))


@register_kl(MultivariateNormal, MultivariateNormal)
def _kl_mvn_mvn(p: MultivariateNormal, q: MultivariateNormal) -> Array:
    # KL = 1/2 [tr(S_q^-1 S_p) + (m_q - m_p)^T S_q^-1 (m_q - m_p) - d + log det S_q - log det S_p]
    # (Kullback, Information Theory and Statistics, 1959; e.g. Penny, "KL-divergences of
    # Normal, Gamma, Dirichlet and Wishart densities", 2001, eq. 2); Mahalanobis term
    # ||L_q^-1 (m_q - m_p)||^2 with S = L L^T. The trace and log-determinant terms cancel near
    # p == q; t = tr(S_q^-1 S_p) - d - log det(S_q^-1 S_p) is computed as a sum of terms >= 0:
    # * both diagonal: sum over axes of r - 1 - log r, r = v_p / v_q;
    # * through the factors: L_q^-1 L_p = I + K, K = L_q^-1 (L_p - L_q) lower triangular, so
    #   t = sum_{i>j} K_ij^2 + sum_i (r_i - 1 - log r_i), r_i = (L_p,ii / L_q,ii)^2;
    # * both given by `cov` and close (||B||_F < 0.1, B = L_q^-1 (S_p - S_q) L_q^-T): t =
    #   tr B - log det(I + B) from `trace_log_series`, exact differences of the given matrices.
    xp = p.xp
    d = _event_size(p, q, "dimension")
    if p._L is None and q._L is None:  # both diagonal: a sum of d univariate Normal KLs, O(d)
        return _kl_diagonal(p._mean, p._values["diag"], q._mean, q._values["diag"], xp)
    Lp, Lq, diff = p._tril(), q._tril(), (q._mean - p._mean)[..., None]
    batch = np.broadcast_shapes(tuple(Lp.shape[:-2]), tuple(Lq.shape[:-2]), tuple(diff.shape[:-2]))
    full = (*batch, d, d)
    rhs = xp.concat(
        [xp.broadcast_to(Lp - Lq, full), xp.broadcast_to(diff, (*batch, d, 1))], axis=-1
    )
    m = q._solve(rhs)
    rows = xp.arange(d, device=p.device)
    below = xp.astype(rows[:, None] > rows[None, :], m.dtype)  # strictly lower triangle
    off = xp.sum((m[..., :d] * below) ** 2, axis=(-2, -1))
    diag = xp.sum(scale_term(xp.linalg.diagonal(Lp), xp.linalg.diagonal(Lq), xp), axis=-1)
    trace_log = off + diag
    if p._kind == "cov" and q._kind == "cov":
        delta = xp.broadcast_to(p._values["cov"] - q._values["cov"], full)
        b = q._solve(xp.matrix_transpose(q._solve(delta)))
        trace_log = trace_log_series(0.5 * (b + xp.matrix_transpose(b)), trace_log, xp)
    mahalanobis = xp.sum(m[..., d] ** 2, axis=-1)
    return clamp0(0.5 * (trace_log + mahalanobis), xp)


def _kl_diagonal(mp: Array, vp: Array, mq: Array, vq: Array, xp: Namespace) -> Array:
    """KL between normals with diagonal covariances (variances ``vp``, ``vq``): half the sum
    over the last axis of ``r - 1 - log r + (m_p - m_q)² / v_q``, ``r = v_p / v_q``, as written
    first; where that cancels, with ``r - 1 - log r = kl_div(v_q, v_p) / v_q`` (`closed_form`)."""

    def textbook(mp: Array, vp: Array, mq: Array, vq: Array) -> tuple[Array, Array]:
        r = vp / vq
        log_r = xp.log(r)
        t = (mp - mq) ** 2 / vq
        kl = xp.sum(((r - 1.0) - log_r) + t, axis=-1)
        return 0.5 * kl, 0.5 * xp.sum(((r + 1.0) + xp.abs(log_r)) + t, axis=-1)

    def stable(mp: Array, vp: Array, mq: Array, vq: Array) -> Array:
        t = (mp - mq) ** 2 / vq
        return clamp0(0.5 * xp.sum(kl_div(vq, vp, xp) / vq + t, axis=-1), xp)

    return closed_form(textbook, stable, (mp, vp, mq, vq), xp, event_ndims=(1, 1, 1, 1))
