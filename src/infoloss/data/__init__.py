"""The data layer: `Samples`, `Counts`, their estimators, and the routes where an argument is data.

Imports `infoloss._core`, `infoloss.discrete` and `infoloss.distributions`. Registers the routes
of data: alone, against data, and against a model.
"""

from __future__ import annotations

from . import _routes as _routes  # registers the routes of data
from ._estimators._counts import InfiniteEstimateWarning
from ._nll import nll
from ._samples import Counts, Samples

__all__ = ["Counts", "InfiniteEstimateWarning", "Samples", "nll"]
