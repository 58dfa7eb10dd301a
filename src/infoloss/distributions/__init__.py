"""Parametric distribution families, with SciPy's parameter names, and their measures.

Imports `infoloss._core` and `infoloss.discrete` (whose `Categorical` a mixed pair names).
Registers the closed forms, the route of parametric distributions and SciPy's frozen ones.
"""

from __future__ import annotations

# register the cross-family and shape KL pairs
from . import _cross, _cross_half_line, _shape_kl  # noqa: F401

# the interface to infoloss's other rooms (not public API: not in __all__)
from ._base import Constraint as Constraint
from ._base import Distribution
from ._base import nonnegative as nonnegative
from ._base import open_unit_interval as open_unit_interval
from ._base import positive as positive
from ._base import real as real
from ._base import unit_interval as unit_interval
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
from ._measure import NoClosedFormError as NoClosedFormError
from ._mixture import Mixture
from ._multivariate import (
    Dirichlet,
    MultivariateNormal,
)
from ._normal import Normal
from ._scipy import as_parametric as as_parametric
from ._scipy import from_scipy as from_scipy
from ._scipy import is_frozen as is_frozen
from ._scipy import scipy_names as scipy_names
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
