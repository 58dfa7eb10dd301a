"""Benchmark infoloss's training losses against PyTorch's own, on CPU, in one run.

Each row times an infoloss loss and its anchor on the very same inputs, forward and
forward + backward, alternating the two calls so that both see the same load, and prints the
minimum and median of each and their ratios (infoloss / anchor: below 1 is faster). Anchors:

* `torch.nn.functional.cross_entropy` (class indices, label smoothing, class weights,
  ``ignore_index``, probability targets);
* ``F.binary_cross_entropy_with_logits(..., reduction="sum") / N`` (infoloss's "mean" is over
  examples, the sum of each example's labels: the same work as PyTorch's own "mean");
* ``F.kl_div(F.log_softmax(s), F.log_softmax(t), log_target=True, reduction="batchmean")``
  for `distillation_kl` and for `kl_divergence` of two ``Categorical(logits=...)``, and
  ``F.cross_entropy(s, F.softmax(t))`` for their `cross_entropy`;
* on NumPy logits, `F.cross_entropy` on zero-copy views of the same arrays, with two floors
  beside it: reading the logits once (``np.max(z, axis=-1)``) and the plain NumPy log-sum-exp;
* with ``--jax``, the losses on JAX arrays against optax (``softmax_cross_entropy_with_integer_
  labels``, ``softmax_cross_entropy``, ``sigmoid_binary_cross_entropy``,
  ``kl_divergence_with_log_targets`` of two ``jax.nn.log_softmax``): eager calls (infoloss
  validating, as by default), `jax.jit` (``validate=False``, which tracing needs) and the jitted
  `jax.value_and_grad`.

Run from the repository root (see benchmarks/README.md)::

    python benchmarks/bench_losses.py            # 2048 x 32000, float32
    python benchmarks/bench_losses.py --quick    # 256 x 8192 smoke run (well under a minute)
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

import infoloss
from infoloss import losses


@dataclass
class Row:
    case: str
    mode: str  # "fwd" or "fwd+bwd"
    anchor: str
    ours: Callable[[], Any]
    ref: Callable[[], Any]
    times: dict[str, list[float]] = field(default_factory=lambda: {"ours": [], "ref": []})
    agree: str = ""


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def backward_of(fn: Callable[[Any], Any], leaf: torch.Tensor) -> Callable[[], Any]:
    """Forward and backward through `fn(leaf)`, the gradient cleared afterwards."""

    def run() -> Any:
        out = fn(leaf)
        out.backward()
        leaf.grad = None
        return out

    return run


def make_rows(n: int, c: int, seed: int) -> list[Row]:
    rng = np.random.default_rng(seed)
    zn = rng.standard_normal((n, c), dtype=np.float32) * 2
    tn = rng.standard_normal((n, c), dtype=np.float32) * 2
    z, t = torch.from_numpy(zn), torch.from_numpy(tn)
    y = torch.from_numpy(rng.integers(0, c, n))
    y_ign = y.clone()
    y_ign[::4] = -100
    w = torch.from_numpy(rng.random(c, dtype=np.float32) + 0.5)
    p = torch.softmax(t, dim=-1)
    yb = torch.from_numpy((rng.random((n, c)) < 0.3).astype(np.float32))
    leaf = z.clone().requires_grad_()
    yn = y.numpy()

    def ce_ref(target: Any = y, **kw: Any) -> Callable[[Any], Any]:
        return lambda a: F.cross_entropy(a, target, **kw)

    def kd_ref(a: Any) -> Any:
        lq, lp = F.log_softmax(a, dim=-1), F.log_softmax(t, dim=-1)
        return F.kl_div(lq, lp, log_target=True, reduction="batchmean")

    def cat_kl(a: Any) -> Any:
        return infoloss.kl_divergence(
            infoloss.Categorical(logits=t), infoloss.Categorical(logits=a)
        ).mean()

    def cat_ce(a: Any) -> Any:
        return infoloss.cross_entropy(
            infoloss.Categorical(logits=t), infoloss.Categorical(logits=a)
        ).mean()

    torch_cases: list[tuple[str, str, Callable[[Any], Any], Callable[[Any], Any]]] = [
        ("CE, class indices", "F.cross_entropy",
         lambda a: losses.softmax_cross_entropy(a, y), ce_ref()),
        ("CE, label_smoothing=0.1", "F.cross_entropy",
         lambda a: losses.softmax_cross_entropy(a, y, label_smoothing=0.1),
         ce_ref(label_smoothing=0.1)),
        ("CE, class weights", "F.cross_entropy",
         lambda a: losses.softmax_cross_entropy(a, y, weight=w), ce_ref(weight=w)),
        ("CE, ignore_index (1/4 ignored)", "F.cross_entropy",
         lambda a: losses.softmax_cross_entropy(a, y_ign, ignore_index=-100),
         ce_ref(target=y_ign, ignore_index=-100)),
        ("CE, probability targets", "F.cross_entropy",
         lambda a: losses.softmax_cross_entropy(a, p), ce_ref(target=p)),
        ("binary CE (multi-label)", "F.bce_with_logits sum / N",
         lambda a: losses.binary_cross_entropy(a, yb),
         lambda a: F.binary_cross_entropy_with_logits(a, yb, reduction="sum") / n),
        ("distillation_kl", "F.kl_div(log_softmax x2)",
         lambda a: losses.distillation_kl(a, t), kd_ref),
        ("KL(Categorical(logits))", "F.kl_div(log_softmax x2)", cat_kl, kd_ref),
        ("CE(Categorical(logits))", "F.cross_entropy(s, softmax(t))", cat_ce,
         lambda a: F.cross_entropy(a, F.softmax(t, dim=-1))),
    ]  # fmt: skip
    rows = []
    for case, anchor, ours, ref in torch_cases:
        rows.append(Row(case, "fwd", anchor, lambda o=ours: o(z), lambda r=ref: r(z)))
        rows.append(Row(case, "fwd+bwd", anchor, backward_of(ours, leaf), backward_of(ref, leaf)))
    wn, y_ign_n = w.numpy(), y_ign.numpy()
    rows += [
        Row("NumPy CE, class indices", "fwd", "F.cross_entropy",
            lambda: losses.softmax_cross_entropy(zn, yn), lambda: F.cross_entropy(z, y)),
        Row("NumPy CE, smoothing+weights+ignore", "fwd", "F.cross_entropy",
            lambda: losses.softmax_cross_entropy(
                zn, y_ign_n, weight=wn, label_smoothing=0.1, ignore_index=-100),
            lambda: F.cross_entropy(z, y_ign, weight=w, label_smoothing=0.1, ignore_index=-100)),
        Row("NumPy floor: np.max(z, axis=-1)", "fwd", "F.cross_entropy",
            lambda: np.max(zn, axis=-1), lambda: F.cross_entropy(z, y)),
        Row("NumPy floor: plain log-sum-exp", "fwd", "F.cross_entropy",
            lambda: numpy_ce(zn, yn), lambda: F.cross_entropy(z, y)),
    ]  # fmt: skip
    return rows


def jax_rows(n: int, c: int, seed: int) -> list[Row]:
    """The losses on JAX arrays against optax / `jax.nn`, eager, jitted, and jitted value and
    gradient (`jax.value_and_grad`). Every input is an argument of the jitted function, never
    a closed-over constant (XLA would fold the teacher's softmax at compile time)."""
    import jax
    import jax.numpy as jnp
    import optax

    rng = np.random.default_rng(seed)
    z = jnp.asarray(rng.standard_normal((n, c), dtype=np.float32) * 2)
    t = jnp.asarray(rng.standard_normal((n, c), dtype=np.float32) * 2)
    y = jnp.asarray(rng.integers(0, c, n).astype(np.int32))
    yb = jnp.asarray((rng.random((n, c)) < 0.3).astype(np.float32))
    p = jax.nn.softmax(t, axis=-1)

    def kd_ref(a: Any, b: Any) -> Any:
        lq, lp = jax.nn.log_softmax(a, axis=-1), jax.nn.log_softmax(b, axis=-1)
        return optax.losses.kl_divergence_with_log_targets(lq, lp).mean()

    cases: list[tuple[str, str, Callable[..., Any], Callable[..., Any], Any]] = [
        ("JAX CE, class indices", "optax ..._with_integer_labels",
         lambda a, b, v=True: losses.softmax_cross_entropy(a, b, validate=v),
         lambda a, b: optax.softmax_cross_entropy_with_integer_labels(a, b).mean(), y),
        ("JAX CE, label_smoothing=0.1", "optax (smoothed one-hot)",
         lambda a, b, v=True: losses.softmax_cross_entropy(a, b, label_smoothing=0.1, validate=v),
         lambda a, b: optax.softmax_cross_entropy(
             a, optax.smooth_labels(jax.nn.one_hot(b, c), 0.1)).mean(), y),
        ("JAX CE, probability targets", "optax.softmax_cross_entropy",
         lambda a, b, v=True: losses.softmax_cross_entropy(a, b, validate=v),
         lambda a, b: optax.softmax_cross_entropy(a, b).mean(), p),
        ("JAX binary CE (multi-label)", "optax.sigmoid_binary_ce sum / N",
         lambda a, b, v=True: losses.binary_cross_entropy(a, b, validate=v),
         lambda a, b: optax.sigmoid_binary_cross_entropy(a, b).sum(-1).mean(), yb),
        ("JAX distillation_kl", "optax kl_..._log_targets",
         lambda a, b, v=True: losses.distillation_kl(a, b), kd_ref, t),
    ]  # fmt: skip
    rows = []
    for case, anchor, ours, ref, other in cases:
        jo, jr = jax.jit(lambda a, b, f=ours: f(a, b, False)), jax.jit(ref)
        go = jax.jit(jax.value_and_grad(lambda a, b, f=ours: f(a, b, False)))
        gr = jax.jit(jax.value_and_grad(ref))
        rows += [
            Row(case, "eager", anchor, lambda f=ours, b=other: jax.block_until_ready(f(z, b)),
                lambda f=ref, b=other: jax.block_until_ready(f(z, b))),
            Row(case, "jit", anchor, lambda f=jo, b=other: jax.block_until_ready(f(z, b)),
                lambda f=jr, b=other: jax.block_until_ready(f(z, b))),
            Row(case, "jit fwd+bwd", anchor,
                lambda f=go, b=other: jax.block_until_ready(f(z, b))[0],
                lambda f=gr, b=other: jax.block_until_ready(f(z, b))[0]),
        ]  # fmt: skip
    return rows


def numpy_ce(z: np.ndarray, y: np.ndarray) -> Any:
    """The textbook NumPy expression (no limit rules, no validation)."""
    m = np.max(z, axis=-1, keepdims=True)
    lse = np.log(np.sum(np.exp(z - m), axis=-1)) + m[:, 0]
    return np.mean(lse - z[np.arange(len(y)), y])


def value(x: Any) -> float:
    if isinstance(x, torch.Tensor):
        return float(x.detach())
    return float(x)


def time_row(row: Row, repeat: int, clock: Callable[[], float] = time.perf_counter) -> None:
    a, b = row.ours(), row.ref()  # warm-up, and the agreement check
    if "floor" not in row.case:
        va, vb = value(a), value(b)
        row.agree = f"{abs(va - vb) / max(abs(vb), 1e-300):.1e}"
    pair = (("ours", row.ours), ("ref", row.ref))
    for i in range(repeat):
        for key, fn in pair if i % 2 == 0 else pair[::-1]:  # neither always goes first
            t0 = clock()
            fn()
            row.times[key].append(clock() - t0)


def table(rows: list[Row]) -> list[str]:
    head = ["case", "mode", "anchor", "anchor ms min/med", "infoloss ms min/med",
            "ratio min", "ratio med", "ratio paired", "rel diff"]  # fmt: skip
    body = []
    for r in rows:
        ours, ref = r.times["ours"], r.times["ref"]
        om, od = min(ours), statistics.median(ours)
        rm, rd = min(ref), statistics.median(ref)
        paired = statistics.median(a / b for a, b in zip(ours, ref, strict=True))
        body.append([r.case, r.mode, r.anchor, f"{rm * 1e3:.3g} / {rd * 1e3:.3g}",
                     f"{om * 1e3:.3g} / {od * 1e3:.3g}", f"{om / rm:.3f}", f"{od / rd:.3f}",
                     f"{paired:.3f}", r.agree])  # fmt: skip
    widths = [max(len(x[i]) for x in [head, *body]) for i in range(len(head))]
    right = {3, 4, 5, 6, 7, 8}

    def fmt(cells: list[str]) -> str:
        out = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in
               enumerate(zip(cells, widths, strict=True))]  # fmt: skip
        return "| " + " | ".join(out) + " |"

    sep = "|" + "|".join("-" * (w + 1) + ":" if i in right else "-" * (w + 2)
                         for i, w in enumerate(widths)) + "|"  # fmt: skip
    return [fmt(head), sep] + [fmt(b) for b in body]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=None, help="examples (2048; 256 with --quick)")
    ap.add_argument("--cols", type=int, default=None, help="classes (32000; 8192 with --quick)")
    ap.add_argument("--repeat", type=int, default=None, help="timed calls (9; 5 with --quick)")
    ap.add_argument("--threads", type=int, default=None, help="torch threads (its default)")
    ap.add_argument("--only", default="", help="run the cases whose name contains this")
    ap.add_argument(
        "--clock",
        choices=("wall", "cpu"),
        default="wall",
        help="wall time, or the CPU time of the process (all its threads): steadier "
        "on a loaded machine, and with one thread the wall time less the waits",
    )
    ap.add_argument("--quick", action="store_true", help="smoke run: 256 x 8192, 5 calls")
    ap.add_argument(
        "--jax",
        action="store_true",
        help="also the losses on JAX arrays against optax (needs jax and optax; with --threads "
        "1, XLA's CPU backend is held to one thread too)",
    )
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    n = args.rows or (256 if args.quick else 2048)
    c = args.cols or (8192 if args.quick else 32000)
    repeat = args.repeat or (5 if args.quick else 9)
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.jax and args.threads == 1:  # before jax is imported
        os.environ["XLA_FLAGS"] = (
            os.environ.get("XLA_FLAGS", "")
            + " --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
        )
    start = time.perf_counter()
    load0 = os.getloadavg()
    print(
        f"infoloss losses vs PyTorch on CPU: float32 logits ({n}, {c}); min and median of "
        f"{repeat} timed calls each ({args.clock} time), infoloss and anchor alternating, "
        f"after 1 warm-up"
    )
    cpu = platform.processor() or platform.machine()
    print(
        f"{os.cpu_count()} CPUs, {cpu}; torch {torch.__version__} "
        f"({torch.get_num_threads()} threads); numpy {np.__version__}; infoloss from "
        f"{os.path.dirname(infoloss.__file__)}"
    )
    rows = make_rows(n, c, args.seed) + (jax_rows(n, c, args.seed) if args.jax else [])
    rows = [r for r in rows if args.only.lower() in r.case.lower()]
    for r in rows:
        log(f"{r.case} [{r.mode}]")
        time_row(r, repeat, time.perf_counter if args.clock == "wall" else time.process_time)
    print()
    print("\n".join(table(rows)))
    load1 = os.getloadavg()
    cpus = os.cpu_count() or 1
    busy = max(load0[0], load1[0]) > cpus
    verdict = (
        "above the CPU count: other work shared the machine and the medians carry its noise"
        if busy
        else "not above the CPU count"
    )
    print(
        f"\nratio: infoloss / anchor (below 1: infoloss faster), of the minima, of the medians, "
        f"and the median of the ratios of the two calls made one after the other (the least "
        f"swayed by load that drifts).\nrel diff: |infoloss - anchor| / |anchor| of the values "
        f"(floors: not compared).\nload average {load0[0]:.2f} "
        f"before, {load1[0]:.2f} after, on {cpus} CPUs: {verdict}.\n"
        f"total {time.perf_counter() - start:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
