"""The public surface: exactly the spec's names, sorted, importable and documented."""

from __future__ import annotations

import importlib
import inspect

import pytest

import infoloss

# the discrete core's names (issue 2), the parametric ones (issue 3), the warnings (issue 12)
SPEC_NAMES = [
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
FUNCTIONS = ["cross_entropy", "entropy", "js_distance", "js_divergence", "kl_divergence"]


def test_all_is_sorted_and_exactly_the_spec_names() -> None:
    assert list(infoloss.__all__) == sorted(infoloss.__all__)
    assert list(infoloss.__all__) == SPEC_NAMES


def test_every_warning_subclasses_the_library_base() -> None:
    """One filter reaches all of them: ``simplefilter("error", infoloss.InfolossWarning)``."""
    warnings = [getattr(infoloss, n) for n in infoloss.__all__ if n.endswith("Warning")]
    assert len(warnings) == 6
    for w in warnings:
        assert issubclass(w, infoloss.InfolossWarning), w
    estimate_warnings = [
        w for w in warnings if w.__name__ not in ("InfolossWarning", "EstimateWarning")
    ]
    for w in estimate_warnings:
        assert issubclass(w, infoloss.EstimateWarning), w
    # an infinite estimate stays a RuntimeWarning for code that filtered it as one
    assert issubclass(infoloss.InfiniteEstimateWarning, RuntimeWarning)


def test_version_is_a_string_outside_all() -> None:
    assert isinstance(infoloss.__version__, str)
    assert infoloss.__version__
    assert "__version__" not in infoloss.__all__


@pytest.mark.parametrize("name", SPEC_NAMES)
def test_each_name_importable(name: str) -> None:
    module = importlib.import_module("infoloss")
    obj = getattr(module, name)
    namespace: dict[str, object] = {}
    exec(f"from infoloss import {name}", namespace)
    assert namespace[name] is obj


@pytest.mark.parametrize("name", SPEC_NAMES)
def test_each_public_object_has_a_docstring(name: str) -> None:
    doc = inspect.getdoc(getattr(infoloss, name))
    assert doc
    assert len(doc.strip()) > 40


@pytest.mark.parametrize("name", FUNCTIONS)
def test_function_signatures_follow_the_spec(name: str) -> None:
    sig = inspect.signature(getattr(infoloss, name))
    params = list(sig.parameters.values())
    n_data = 1 if name == "entropy" else 2
    data, options = params[:n_data], params[n_data:]
    assert all(p.kind is inspect.Parameter.POSITIONAL_ONLY for p in data)
    assert [p.name for p in data] == ["p", "q"][:n_data]
    expected = {
        "axis": -1,
        "base": None,
        "keepdims": False,
        "validate": True,
        "normalize": False,
        "method": None,
        "n": 10_000,
        "rng": None,
        "k": None,
        "pseudocount": 0.0,
    }
    assert {p.name: p.default for p in options} == expected
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in options)


def test_categorical_signature_follows_the_spec() -> None:
    sig = inspect.signature(infoloss.Categorical)
    params = sig.parameters
    assert list(params) == ["probs", "logits", "log_probs", "axis", "validate", "normalize"]
    assert params["probs"].default is None
    assert params["probs"].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    for name, default in [
        ("logits", None),
        ("log_probs", None),
        ("axis", -1),
        ("validate", True),
        ("normalize", False),
    ]:
        assert params[name].default == default
        assert params[name].kind is inspect.Parameter.KEYWORD_ONLY
