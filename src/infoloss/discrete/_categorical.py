"""`Categorical`: a discrete distribution given by probabilities, logits or log-probabilities."""

from __future__ import annotations

from typing import Any

import array_api_compat
import numpy as np

from .._core import (
    FORMULAS,
    Array,
    Namespace,
    as_float,
    check_log_probs,
    check_normalizable,
    check_probs,
    log_softmax,
    namespace,
    normalize_axis,
    to_output,
)

__all__ = ["Categorical"]

_FORMS = ("probs", "logits", "log_probs")


class Categorical:
    r"""A batch of categorical distributions along one axis (or several, for joint ones).

    States the form of an input explicitly. A plain array given to `entropy`, `cross_entropy`
    or `kl_divergence` means probabilities; wrap it in `Categorical` to say it holds logits or
    log-probabilities instead, or to give it an event axis of its own.

    Parameters
    ----------
    probs : array_like, optional
        Probabilities, non-negative, summing to 1 along `axis`.
    logits : array_like, optional
        Unnormalised log-probabilities: ``softmax(logits)`` along `axis` are the
        probabilities. ``-inf`` means probability 0; one ``+inf`` in a distribution is the
        limit of that logit growing without bound, the point mass on its outcome; two or
        more ``+inf``, or ``-inf`` everywhere, have no limit and give NaN (the rule of
        `infoloss.losses.softmax_cross_entropy`).
    log_probs : array_like, optional
        Normalised log-probabilities: ``logsumexp(log_probs) == 0`` along `axis`.
    axis : int or tuple of ints, default -1
        The event axis; a tuple makes a joint distribution over several axes.
    validate : bool, default True
        Check the data now (non-negative, sums to 1). ``False`` skips these checks, for speed
        and inside ``jax.jit`` / ``torch.compile``; structural checks still run.
    normalize : bool, default False
        Explicit opt-in: treat `probs` as non-negative weights and divide by their sum
        (for `log_probs`, subtract their ``logsumexp``).

    Exactly one of `probs`, `logits`, `log_probs` must be given.

    Notes
    -----
    Logits and log-probabilities are kept in log space: measures are computed with
    ``log_softmax`` / ``logsumexp``, never by exponentiating and taking the log again.

    Examples
    --------
    >>> import numpy as np
    >>> from infoloss import Categorical, cross_entropy, kl_divergence
    >>> z = np.array([2.0, 1.0, 0.1])
    >>> P = Categorical(logits=z)
    >>> bool(np.allclose(P.probs, np.exp(z) / np.exp(z).sum()))
    True
    >>> float(cross_entropy([1.0, 0.0, 0.0], P)) == float(-P.log_probs[0])
    True
    >>> float(kl_divergence(P, P))
    0.0
    """

    __slots__ = ("_axes", "_axis", "_checked", "_form", "_name", "_value", "xp")

    _form: str
    _value: Array
    _axes: tuple[int, ...]
    _axis: int | tuple[int, ...]
    _name: str
    _checked: bool
    xp: Namespace

    def __init__(
        self,
        probs: Any = None,
        *,
        logits: Any = None,
        log_probs: Any = None,
        axis: int | tuple[int, ...] = -1,
        validate: bool = True,
        normalize: bool = False,
    ) -> None:
        given = {
            k: v for k, v in zip(_FORMS, (probs, logits, log_probs), strict=True) if v is not None
        }
        if len(given) != 1:
            found = "none" if not given else " and ".join(f"`{k}`" for k in given)
            msg = (
                f"`Categorical` needs exactly one of `probs`, `logits`, `log_probs`; found {found}"
            )
            raise ValueError(msg)
        ((form, value),) = given.items()
        self._setup(form, value, axis, form, validate=validate, normalize=normalize, defer=False)

    @classmethod
    def _from_input(
        cls, value: Any, axis: object, name: str, *, validate: bool, normalize: bool, xp: Namespace
    ) -> Categorical:
        """A plain argument of a measure: probabilities, checked later (fused with the work)."""
        self = cls.__new__(cls)
        self._setup(
            "probs", value, axis, name, validate=validate, normalize=normalize, defer=True, xp=xp
        )
        return self

    def _setup(
        self,
        form: str,
        value: Any,
        axis: object,
        name: str,
        *,
        validate: bool,
        normalize: bool,
        defer: bool,
        xp: Namespace | None = None,
    ) -> None:
        if xp is None:
            xp = namespace(value, names=(name,))
        x = as_float(value, name, xp)
        if x.ndim == 0:
            msg = f"`{name}` must have at least one dimension (the event axis); found a scalar"
            raise ValueError(msg)
        axes = normalize_axis(axis, x.ndim)
        if any(x.shape[a] == 0 for a in axes):
            msg = (
                f"`{name}` is empty along axis {axis!r} (shape {tuple(x.shape)}); "
                "a distribution needs at least one outcome"
            )
            raise ValueError(msg)
        if normalize:
            x = _normalized(x, xp, form, axes, name)
        self.xp, self._form, self._value, self._axes, self._name = xp, form, x, axes, name
        self._axis = axis  # type: ignore[assignment]  # validated by normalize_axis
        self._checked = not validate
        if validate and not defer:
            self._check()

    def _check(self) -> None:
        """Run the data checks once (negatives, sums to 1)."""
        if self._checked:
            return
        if self._form != "logits":  # any real logits are valid
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                if self._form == "probs":
                    check_probs(self._value, self.xp, self._axes, self._name)
                else:
                    check_log_probs(self._value, self.xp, self._axes, self._name)
        self._checked = True

    # ----------------------------------------------------------------------------- attributes
    @property
    def axis(self) -> int | tuple[int, ...]:
        """The event axis (or axes) as given."""
        return self._axis

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """The shape of the batch of distributions (the axes that are not the outcomes)."""
        return tuple(n for i, n in enumerate(self._value.shape) if i not in self._axes)

    @property
    def event_shape(self) -> tuple[int, ...]:
        """The lengths of the outcome axes (``axis``)."""
        return tuple(self._value.shape[a] for a in self._axes)

    @property
    def form(self) -> str:
        """How the distribution was given: ``"probs"``, ``"logits"`` or ``"log_probs"``."""
        return self._form

    @property
    def probs(self) -> Array:
        """The probabilities (``softmax`` of the logits)."""
        if self._form == "probs":
            return self._value
        return self.xp.exp(self.log_probs)

    @property
    def log_probs(self) -> Array:
        """The normalised log-probabilities (``log_softmax`` of the logits)."""
        if self._form == "probs":
            with np.errstate(divide="ignore"):  # log 0 = -inf is the right answer
                return self.xp.log(self._value)
        if self._form == "logits":
            return log_softmax(self._value, self.xp, self._axes)
        return self._value

    @property
    def logits(self) -> Array:
        """The logits as given, or the log-probabilities when probabilities were given."""
        return self._value if self._form == "logits" else self.log_probs

    @property
    def device(self) -> Any:
        """The device of the probabilities (and of every result)."""
        return array_api_compat.device(self._value)

    def entropy(self) -> Array:
        """Shannon entropy in nats, one value per distribution (see `infoloss.entropy`)."""
        fn = FORMULAS.lookup("entropy", (type(self),))
        return to_output(fn(self), self.xp)  # type: ignore[misc]

    def _single_axis(self, what: str) -> int:
        if len(self._axes) != 1:
            msg = f"`Categorical.{what}` needs a single event axis; found axis={self._axis!r}"
            raise ValueError(msg)
        return self._axes[0]

    def _index_moment(self, power: int) -> Array:
        axis = self._single_axis("mean")
        xp = self.xp
        p = xp.moveaxis(self.probs, axis, -1)
        k = xp.astype(xp.arange(p.shape[-1], device=self.device), p.dtype)
        return xp.sum(p * k**power, axis=-1)

    @property
    def mean(self) -> Array:
        """Mean of the outcome index ``k`` (outcomes numbered 0, 1, ..., K - 1)."""
        return self._index_moment(1)

    @property
    def variance(self) -> Array:
        """Variance of the outcome index ``k``."""
        m = self._index_moment(1)
        return self._index_moment(2) - m * m

    def log_prob(self, x: Any) -> Array:
        """Log-probability of the outcome indices ``x`` (integers in ``[0, K)``).

        ``x`` has the batch shape (or broadcasts against it); the event axis must be single.
        """
        axis = self._single_axis("log_prob")
        xp = self.xp
        lp = (
            self.xp.moveaxis(self.log_probs, axis, -1)
            if axis != self._value.ndim - 1
            else self.log_probs
        )
        idx = xp.asarray(x, device=self.device)
        if not xp.isdtype(idx.dtype, "integral"):
            msg = f"`x` must hold integer outcome indices; found dtype {idx.dtype}"
            raise TypeError(msg)
        k = lp.shape[-1]
        if bool(xp.any((idx < 0) | (idx >= k))):
            msg = f"`x` must hold outcome indices in [0, {k}); found values outside"
            raise ValueError(msg)
        shape = np.broadcast_shapes(tuple(idx.shape), tuple(lp.shape[:-1]))
        lp = xp.broadcast_to(lp, (*shape, k))
        idx = xp.broadcast_to(idx, shape)
        return xp.squeeze(xp.take_along_axis(lp, idx[..., None], axis=-1), axis=-1)

    def sample(self, n: int | tuple[int, ...] = (), *, rng: Any = None) -> Array:
        """``n`` independent outcome indices per distribution: shape ``(*n, *batch_shape)``."""
        axis = self._single_axis("sample")
        shape = (n,) if isinstance(n, int) else tuple(n)
        p = self.probs
        if hasattr(p, "detach"):
            p = p.detach().cpu()
        p = np.moveaxis(np.asarray(p, dtype=np.float64), axis, -1)
        _refuse_nan(p, self._name, self._form)
        cdf = np.cumsum(p, axis=-1)
        u = np.random.default_rng(rng).random((*shape, *p.shape[:-1], 1)) * cdf[..., -1:]
        idx = np.minimum((u > cdf).sum(-1), p.shape[-1] - 1)  # inverse CDF
        return self.xp.asarray(idx, device=self.device)

    def __repr__(self) -> str:
        return (
            f"Categorical({self._form}: shape={tuple(self._value.shape)}, axis={self._axes}, "
            f"dtype={self._value.dtype})"
        )

    # ------------------------------------------------------------------------ for the measures
    def _event_last(self) -> tuple[str, Array]:
        """(form, array), the event axes moved to the end in their order.

        Logits come back normalised, as form ``"logits"``: log-probabilities whose rows are
        all NaN wherever a logit was NaN or the row has no limit (see `log_softmax`).
        """
        x = self._value
        if self._form == "logits":
            x = log_softmax(x, self.xp, self._axes)
        n = x.ndim
        order = [i for i in range(n) if i not in self._axes] + list(self._axes)
        if order != list(range(n)):
            x = self.xp.permute_dims(x, tuple(order))
        return self._form, x


def _refuse_nan(p: Any, name: str, form: str) -> None:
    """A draw is an outcome index: a distribution with NaN probabilities has none to give."""
    nan = np.isnan(p).any(axis=-1)
    if nan.any():
        row = tuple(int(i) for i in np.argwhere(nan)[0])
        where = f" row {row}" if row else ""
        why = "a NaN entry"
        if form == "logits":
            why += ", or logits with no limit: two or more +inf, or -inf only"
        msg = (
            f"`{name}`{where} gives NaN probabilities ({why}); a distribution with NaN "
            "probabilities has no outcome to draw"
        )
        raise ValueError(msg)


def _normalized(x: Array, xp: Namespace, form: str, axes: tuple[int, ...], name: str) -> Array:
    if form == "logits":
        return x
    if form == "log_probs":
        return log_softmax(x, xp, axes)
    if bool(xp.any(x < 0)):
        from .._core import raise_negative

        raise_negative(x, name, xp)
    check_normalizable(xp.sum(x, axis=axes), name, xp)
    return x / xp.sum(x, axis=axes, keepdims=True)
