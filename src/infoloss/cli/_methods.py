"""The estimators' names, explained in one line each, and the library's words put in the CLI's.

The report names the route of every row (``exact``, ``closed form`` or an estimator); the table
explains each name it uses under the table, and ``--explain`` lists them all. The entropy rows
of data take, by default, the entropy estimator that is part of the divergence rows' estimator
(`paired_entropy`), so that H(P, Q) = H(P) + KL(P ‖ Q) holds row by row.
"""

from __future__ import annotations

import re

__all__ = ["EXPLAIN", "explain_lines", "flag_words", "paired_entropy"]

EXPLAIN: dict[str, str] = {
    "exact": "the formula on the given probabilities (no estimate, no error bar)",
    "closed form": "the formula on the distributions' parameters (no estimate)",
    "mc": "Monte Carlo: mean log-density over draws from the distribution (--draws)",
    "mc-k3": "Monte Carlo with the non-negative low-variance k3 form of KL",
    "nll": "mean negative log-likelihood of the samples under the model",
    "plugin": "plug-in: the formula on the observed frequencies (biased low for entropy)",
    "miller_madow": "plug-in plus Miller–Madow's first-order bias correction (K - 1)/2n",
    "grassberger": "Grassberger's (2003) digamma-based correction of the plug-in entropy",
    "zhang": "Zhang (2012): entropy, unbiased up to an exponentially small term",
    "zhang_grabchak": "Zhang & Grabchak's (2014) cross-entropy and KL; its entropy term: zhang",
    "chao_shen": "Chao & Shen (2003): coverage-adjusted Horvitz–Thompson entropy",
    "chao_wang_jost": "Chao, Wang & Jost (2013): entropy with the unseen categories' share",
    "james_stein": "Hausser & Strimmer (2009): frequencies shrunk towards uniform",
    "jackknife": "the plug-in entropy with its jackknife bias correction",
    "nsb": "Nemenman–Shafee–Bialek: posterior mean under a mixture of Dirichlet priors",
    "dp": "Bayesian posterior mean under a Dirichlet-process prior",
    "pym": "Archer, Park & Pillow (2014): Pitman–Yor mixture prior, for heavy tails",
    "kl": "Kozachenko–Leonenko: k-nearest-neighbour distances (--k)",
    "wkv": "Wang–Kulkarni–Verdú: KL from nearest-neighbour distances in P's and Q's draws",
    "bsy": "Berrett–Samworth–Yuan: kNN over ranks 1..k, weighted to cancel bias",
    "vasicek": "Vasicek (1976): m-spacings of the sorted draws (one dimension)",
    "van_es": "van Es (1992): m-spacings, corrected (one dimension)",
    "ebrahimi": "Ebrahimi et al. (1994): m-spacings, corrected at the ends (one dimension)",
    "correa": "Correa (1995): local linear regression on the sorted draws (one dimension)",
}

# the entropy estimator inside a cross-entropy / KL estimator (KL = CE - H, row by row)
_PAIRED = {"zhang_grabchak": "zhang", "wkv": "kl"}


def _base_name(method: str) -> str:
    """``"nll-bsy"`` -> ``"bsy"``; ``"zhang_grabchak+draws(n=10000)"`` -> ``"zhang_grabchak"``."""
    name = method.split("+", 1)[0].split(" (", 1)[0]
    return name.removeprefix("nll-")


def paired_entropy(kl_method: str | None) -> str | None:
    """The entropy estimator with which a KL estimator makes CE = H + KL exact (None: none)."""
    if not kl_method or kl_method in ("exact", "closed form"):
        return None
    name = _base_name(kl_method)
    if "+" in kl_method or name.startswith("mc"):
        return None  # draws from a model: no entropy estimator of data to pair
    return _PAIRED.get(name, name)


def _parts(method: str) -> list[str]:
    """The estimator names a row's method is made of."""
    parts = []
    for piece in re.split(r"[+\-\s(),=]+", method.replace("nll-", "nll+")):
        piece = piece.replace("draws", "mc")
        if piece in EXPLAIN:
            parts.append(piece)
    if method.startswith("closed form"):
        parts.append("closed form")
    if method.startswith("mc-k3"):
        parts = ["mc-k3"]
    return parts


def explain_lines(methods: list[str]) -> list[str]:
    """One line per estimator named in `methods`, in order of first use."""
    seen: list[str] = []
    for m in methods:
        for name in _parts(m):
            if name not in seen:
                seen.append(name)
    width = max((len(n) for n in seen), default=0)
    return [f"  {n:<{width}}  {EXPLAIN[n]}" for n in seen]


_NAMES = re.compile(r"method=((?:['\"][\w-]+['\"](?:, )?)+)")
_FLAGS = (
    (re.compile(r"`method` '(\w[\w-]*)'"), r"{method} \1"),
    (re.compile(r"`k`"), "--k"),
    (re.compile(r"\brank k\b"), "--k"),
    (re.compile(r"`pseudocount`"), "--pseudocount"),
    (re.compile(r"`base`"), "--base"),
    (re.compile(r"`bins`"), "--bins"),
    (re.compile(r"`resolution`"), "--resolution"),
    (re.compile(r"`support`"), "--support"),
    (re.compile(r"\(?Samples\(x, categories=\.\.\.\)\)? or support=K\)?"), "(--support K)"),
    (re.compile(r"`Samples\(x, categories=\.\.\.\)` or `support=K`"), "--support K"),
    (re.compile(r"\(and n=\.\.\., rng=\.\.\.\)"), "(--draws N, --seed S)"),
    (re.compile(r"\bn=(\d+)"), r"--draws \1"),
)


def flag_words(
    text: str, sides: tuple[str, ...] = ("P", "Q"), method_flag: str = "--method"
) -> str:
    """A library message in the CLI's words: flags for keywords, P and Q for `p` and `q`."""
    text = _NAMES.sub(
        lambda m: f"{method_flag} " + " or ".join(re.findall(r"[\w-]+", m.group(1))), text
    )
    for pattern, repl in _FLAGS:
        text = pattern.sub(repl.replace("{method}", method_flag), text)
    first, second = sides[0], sides[-1]
    text = re.sub(r"`p`", first, text)
    text = re.sub(r"`q`", second, text)
    return text
