"""GPU timing: infoloss on CUDA tensors against PyTorch's own losses, same inputs, same device.

Run on a machine with a CUDA GPU: ``python benchmarks/bench_gpu.py``. Prints medians (CUDA
events) and the ratio to PyTorch for KL between logits (distillation) and cross-entropy
with soft targets, forward and forward + backward.
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Callable

import torch
import torch.nn.functional as F

import infoloss as il


def _median_ms(fn: Callable[[], object], repeat: int) -> float:
    for _ in range(3):
        fn()
    times = []
    for _ in range(repeat):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        torch.cuda.synchronize()
        times.append(start.elapsed_time(end))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=4096)
    parser.add_argument("--cols", type=int, default=32000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    gen = torch.Generator(device="cuda").manual_seed(0)
    shape = (args.rows, args.cols)
    z = torch.randn(shape, device="cuda", generator=gen, requires_grad=True)
    t = torch.randn(shape, device="cuda", generator=gen)
    soft = torch.softmax(t, -1)

    def il_kl() -> torch.Tensor:
        return il.kl_divergence(il.Categorical(logits=t), il.Categorical(logits=z)).sum()

    def torch_kl() -> torch.Tensor:
        lz, lt = F.log_softmax(z, -1), F.log_softmax(t, -1)
        return F.kl_div(lz, lt, log_target=True, reduction="sum")

    def il_ce() -> torch.Tensor:
        return il.cross_entropy(soft, il.Categorical(logits=z), validate=False).sum()

    def torch_ce() -> torch.Tensor:
        return F.cross_entropy(z, soft, reduction="sum")

    print(f"{torch.cuda.get_device_name()}, torch {torch.__version__}, float32 {shape}")
    print(f"{'case':<34}{'infoloss ms':>12}{'torch ms':>10}{'ratio':>8}")
    for name, ours, theirs in (
        ("KL(logits || logits)", il_kl, torch_kl),
        ("CE(soft, logits)", il_ce, torch_ce),
    ):
        torch.testing.assert_close(ours(), theirs(), rtol=1e-4, atol=1e-2)
        for mode, wrap in (
            ("forward", lambda f: f),
            ("forward+backward", lambda f: lambda: f().backward()),
        ):
            a, b = _median_ms(wrap(ours), args.repeat), _median_ms(wrap(theirs), args.repeat)
            print(f"{name + ' ' + mode:<34}{a:>12.3f}{b:>10.3f}{a / b:>8.2f}")


if __name__ == "__main__":
    main()
