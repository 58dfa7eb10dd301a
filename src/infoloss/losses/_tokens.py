"""Summaries of a sequence model's token cross-entropy: perplexity and bits per token."""

from __future__ import annotations

import math
from typing import Any

from .._core import Array, namespace
from .._core import to_output as _to_output
from ._common import _array
from ._softmax import softmax_cross_entropy


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
    # already an array of `xp` (or a NumPy scalar): re-wrapping a tensor that requires grad
    # makes torch warn ("torch.asarray: unspecified requires_grad"), review M3
    return nats if hasattr(nats, "shape") else xp.asarray(nats)
