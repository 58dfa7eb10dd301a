"""infoloss: correct, fast information measures on any array library.

Entropy, cross-entropy, Kullback–Leibler and Jensen–Shannon divergence of discrete
distributions given as probabilities, logits or log-probabilities, in NumPy, PyTorch, JAX or
any array-API library.
"""

from __future__ import annotations

from ._categorical import Categorical
from ._measures import cross_entropy, entropy, js_distance, js_divergence, kl_divergence

__version__ = "0.1.0"

__all__ = [
    "Categorical",
    "cross_entropy",
    "entropy",
    "js_distance",
    "js_divergence",
    "kl_divergence",
]
