r"""Training losses, each one the cross-entropy between the data and a model.

Minimising a negative log-likelihood is minimising the cross-entropy
:math:`H(\hat P, Q_\theta) = -\mathbb E_{x \sim \hat P} \log q_\theta(x)` between the empirical
distribution :math:`\hat P` of the training data and the model :math:`Q_\theta`; it differs from
:math:`KL(\hat P \| Q_\theta)` by the entropy of the data, a constant. Each loss here is that
cross-entropy for one family of model:

==============================  ============================================================
`softmax_cross_entropy`         categorical model with probabilities ``softmax(logits)``
`binary_cross_entropy`          independent Bernoullis with probabilities ``sigmoid(logits)``
`gaussian_nll`                  Normal model (mean squared error for a fixed variance)
`poisson_nll`                   Poisson model of counts
`distillation_kl`               KL between a teacher's and a student's softened softmax
`perplexity`, `bits_per_token`  a sequence model's token cross-entropy, summarised
==============================  ============================================================

All work on any array-API library (NumPy, PyTorch with autograd, JAX, array_api_strict, ...)
and return results in the library, device and floating dtype of their inputs. ``reduction``
is ``"none"`` (one value per example), ``"sum"`` or ``"mean"`` (over examples, never over
classes or labels); ``base`` gives the unit (None for nats, 2 or ``"bits"`` for bits).

Speed (issue 14): on eager PyTorch CPU tensors the softmax, binary and distillation losses call
PyTorch's fused op and read one reduced value; only where it is not finite (an infinite logit, a
zero target against a ``-inf`` logit) is the loss recomputed on the guarded array-API route,
which carries the limit rules (``_native``). On NumPy logits with class-index targets, the
compiled core of `infoloss.discrete` makes one pass per row (max, sum of exp, the target's
logit) instead of a full ``log_softmax`` (``_targets``).

Imports `infoloss._core` and `infoloss.discrete` (the exact formulas of probability vectors, and
the compiled per-row softmax pass).
"""

from __future__ import annotations

from ._likelihood import binary_cross_entropy, gaussian_nll, poisson_nll
from ._softmax import distillation_kl, softmax_cross_entropy
from ._tokens import bits_per_token, perplexity

__all__ = [
    "binary_cross_entropy",
    "bits_per_token",
    "distillation_kl",
    "gaussian_nll",
    "perplexity",
    "poisson_nll",
    "softmax_cross_entropy",
]
