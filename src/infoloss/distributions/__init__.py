"""Parametric distribution families, with SciPy's parameter names."""

from __future__ import annotations

from . import _cross, _shape_kl  # noqa: F401  (register the cross-family and shape KL pairs)
from ._base import Distribution
from ._beta import (
    Beta,
    Uniform,
)
from ._discrete_families import (
    Bernoulli,
    Binomial,
    Geometric,
    Multinomial,
    NegativeBinomial,
    Poisson,
)
from ._gamma import (
    Chi2,
    Exponential,
    Gamma,
)
from ._laplace import (
    Laplace,
    LogNormal,
)
from ._location_scale import (
    Cauchy,
    Gumbel,
    HalfNormal,
    Logistic,
    Rayleigh,
)
from ._mixture import Mixture
from ._multivariate import (
    Dirichlet,
    MultivariateNormal,
)
from ._normal import Normal
from ._shape import (
    Pareto,
    StudentT,
    VonMises,
    Weibull,
)

__all__ = [
    "Bernoulli",
    "Beta",
    "Binomial",
    "Cauchy",
    "Chi2",
    "Dirichlet",
    "Distribution",
    "Exponential",
    "Gamma",
    "Geometric",
    "Gumbel",
    "HalfNormal",
    "Laplace",
    "LogNormal",
    "Logistic",
    "Mixture",
    "Multinomial",
    "MultivariateNormal",
    "NegativeBinomial",
    "Normal",
    "Pareto",
    "Poisson",
    "Rayleigh",
    "StudentT",
    "Uniform",
    "VonMises",
    "Weibull",
]
