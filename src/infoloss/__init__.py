"""infoloss: correct, fast information measures on any array library.

Entropy, cross-entropy, Kullback–Leibler and Jensen–Shannon divergence of discrete
distributions given as probabilities, logits or log-probabilities, and of parametric
distributions (closed forms, Monte Carlo where none exists), in NumPy, PyTorch, JAX or any
array-API library.
"""

from __future__ import annotations

from . import losses as losses  # the submodule infoloss.losses
from ._core import (
    BiasWarning,
    Estimate,
    EstimateWarning,
    HeavyTailWarning,
    InfiniteEstimateWarning,
    InfolossWarning,
    UndersampledWarning,
    kl_pairs,
    register_kl,
)
from ._measures import cross_entropy, entropy, js_distance, js_divergence, kl_divergence
from .data import Counts, Samples, nll
from .discrete import Categorical
from .distributions import (
    Bernoulli,
    Beta,
    Binomial,
    Cauchy,
    Chi2,
    Dirichlet,
    Distribution,
    Exponential,
    Gamma,
    Geometric,
    Gumbel,
    HalfNormal,
    Laplace,
    Logistic,
    LogNormal,
    Mixture,
    Multinomial,
    MultivariateNormal,
    NegativeBinomial,
    NoClosedFormError,
    Normal,
    Pareto,
    Poisson,
    Rayleigh,
    StudentT,
    Uniform,
    VonMises,
    Weibull,
)
from .fitting import fit

__version__ = "0.1.0"

__all__ = [
    "Bernoulli",
    "Beta",
    "BiasWarning",
    "Binomial",
    "Categorical",
    "Cauchy",
    "Chi2",
    "Counts",
    "Dirichlet",
    "Distribution",
    "Estimate",
    "EstimateWarning",
    "Exponential",
    "Gamma",
    "Geometric",
    "Gumbel",
    "HalfNormal",
    "HeavyTailWarning",
    "InfiniteEstimateWarning",
    "InfolossWarning",
    "Laplace",
    "LogNormal",
    "Logistic",
    "Mixture",
    "Multinomial",
    "MultivariateNormal",
    "NegativeBinomial",
    "NoClosedFormError",
    "Normal",
    "Pareto",
    "Poisson",
    "Rayleigh",
    "Samples",
    "StudentT",
    "UndersampledWarning",
    "Uniform",
    "VonMises",
    "Weibull",
    "cross_entropy",
    "entropy",
    "fit",
    "js_distance",
    "js_divergence",
    "kl_divergence",
    "kl_pairs",
    "nll",
    "register_kl",
]
