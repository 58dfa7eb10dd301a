"""The library's warnings: one base class, and one class per way an estimate can mislead.

Every warning infoloss raises subclasses `InfolossWarning`, so that one filter silences or
escalates them all (``warnings.simplefilter("error", infoloss.InfolossWarning)``). The
estimates from data warn with a subclass of `EstimateWarning` when their standard error does
not describe their error: the message names the regime and the remedy.
"""

from __future__ import annotations

__all__ = [
    "BiasWarning",
    "EstimateWarning",
    "HeavyTailWarning",
    "InfiniteEstimateWarning",
    "InfolossWarning",
    "UndersampledWarning",
]


class InfolossWarning(UserWarning):
    """Base class of every warning infoloss raises."""


class EstimateWarning(InfolossWarning):
    """An estimate from data is less trustworthy than its standard error says."""


class InfiniteEstimateWarning(EstimateWarning, RuntimeWarning):
    """An estimate is +inf (or rests on an infinite term): a category or region that P
    reaches has no mass under Q, in the data or in the model."""


class UndersampledWarning(EstimateWarning):
    """Too few samples for the alphabet: most categories are seen once or not at all, so the
    unseen mass, not the sampling noise, decides the error."""


class BiasWarning(EstimateWarning):
    """The estimate's bias (high dimension, few neighbours per point, tails the sample does
    not reach) is comparable to or larger than its standard error."""


class HeavyTailWarning(EstimateWarning):
    """The quantity averaged has heavy tails (no finite fourth moment, or none at all): the
    standard error is itself unreliable and the interval may undercover."""
