"""The core every room builds on: array-API helpers, validation, the registries, `Estimate`.

Imports NumPy, SciPy and array-api-compat only: no other part of infoloss.
"""

from __future__ import annotations

from ._array_api import (
    LN2,
    TRACER_ERRORS,
    Array,
    Namespace,
    as_float,
    default_float,
    eager_cpu_torch,
    is_numpy,
    known_false,
    log_softmax,
    logsumexp,
    namespace,
    normalize_axis,
    softplus,
    to_output,
)
from ._estimate import (
    Estimate,
)
from ._registry import (
    FORMULAS,
    MEASURES,
    ROUTES,
    Options,
    Registry,
    kind_of,
    kl_pairs,
    lookup,
    refuse_data_options,
    register,
    register_kind,
    register_kl,
    register_route,
    registered,
)
from ._threads import (
    get_pool,
    n_threads,
)
from ._units import in_units
from ._validation import (
    MEASURE_NAMES,
    check_log_probs,
    check_normalizable,
    check_probs,
    first_true,
    flat_item,
    log_base,
    raise_bad_sums,
    raise_negative,
    sum_tolerance,
    unravel,
)

__all__ = [
    "FORMULAS",
    "LN2",
    "MEASURES",
    "MEASURE_NAMES",
    "ROUTES",
    "TRACER_ERRORS",
    "Array",
    "Estimate",
    "Namespace",
    "Options",
    "Registry",
    "as_float",
    "check_log_probs",
    "check_normalizable",
    "check_probs",
    "default_float",
    "eager_cpu_torch",
    "first_true",
    "flat_item",
    "get_pool",
    "in_units",
    "is_numpy",
    "kind_of",
    "kl_pairs",
    "known_false",
    "log_base",
    "log_softmax",
    "logsumexp",
    "lookup",
    "n_threads",
    "namespace",
    "normalize_axis",
    "raise_bad_sums",
    "raise_negative",
    "refuse_data_options",
    "register",
    "register_kind",
    "register_kl",
    "register_route",
    "registered",
    "softplus",
    "sum_tolerance",
    "to_output",
    "unravel",
]
