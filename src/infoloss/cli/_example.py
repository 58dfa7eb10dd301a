"""``infoloss`` with no arguments: the seed's income story, in a small table."""

from __future__ import annotations

from .. import cross_entropy, entropy, js_divergence, kl_divergence
from ..datasets import EQUAL, FAT_TAILED

__all__ = ["print_example", "unit_name"]


def unit_name(base: float | str) -> str:
    if isinstance(base, str):
        return base
    return {2.0: "bits", 10.0: "hartleys"}.get(float(base), f"log-base-{base:g} units")


def _bars(probs: object) -> str:
    return " ".join(f"{100 * float(v):4.1f}" for v in probs)  # type: ignore[attr-defined]


def print_example(base: float | str = "bits") -> None:
    """Print entropies, cross-entropies and KL both ways for the two countries."""
    P, Q = EQUAL, FAT_TAILED
    unit = unit_name(base)
    h_p, h_q = float(entropy(P, base=base)), float(entropy(Q, base=base))
    h_pq, h_qp = float(cross_entropy(P, Q, base=base)), float(cross_entropy(Q, P, base=base))
    kl_pq, kl_qp = float(kl_divergence(P, Q, base=base)), float(kl_divergence(Q, P, base=base))
    js = float(js_divergence(P, Q, base=base))
    lines = [
        "infoloss worked example: income brackets in two countries (synthetic data)",
        "",
        "share of people per bracket, % (poorest 1 ... richest 10)",
        "  bracket       " + " ".join(f"{i:>4}" for i in range(1, 11)),
        f"  E = Equal     {_bars(P)}",
        f"  F = Fat-tail  {_bars(Q)}",
        "",
        f"{'measure':<26}{unit:>10}   reading",
        f"{'H(E)':<26}{h_p:>10.4f}   a person's bracket is hard to guess (uniform: the maximum)",
        f"{'H(F)':<26}{h_q:>10.4f}   easy: guess the poorest and be right 80% of the time",
        f"{'H(E, F)':<26}{h_pq:>10.4f}   coding E's people with F's code",
        f"{'H(F, E)':<26}{h_qp:>10.4f}   coding F's people with E's code",
        f"{'KL(E ‖ F)':<26}{kl_pq:>10.4f}   information lost when F stands in for E",
        f"{'KL(F ‖ E)':<26}{kl_qp:>10.4f}   information lost when E stands in for F",
        f"{'JS(E, F)':<26}{js:>10.4f}   symmetric, at most 1 bit (log 2)",
        "",
        "cross-entropy = entropy + KL:",
        f"  H(E, F) = H(E) + KL(E ‖ F):  {h_pq:.4f} = {h_p:.4f} + {kl_pq:.4f}",
        f"  H(F, E) = H(F) + KL(F ‖ E):  {h_qp:.4f} = {h_q:.4f} + {kl_qp:.4f}",
        f"KL is not symmetric: KL(E ‖ F) = {kl_pq:.4f} but KL(F ‖ E) = {kl_qp:.4f}.",
    ]
    print("\n".join(lines))
