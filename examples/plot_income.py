"""
The income example: entropy, cross-entropy and KL from samples
==============================================================

Two synthetic countries, 3,000 people each, in ten income brackets: an "equal" one and a
fat-tailed one (80% in the poorest bracket). From the samples alone we estimate how hard a
person's bracket is to guess (entropy), and what is lost when one country's distribution
stands in for the other's (KL), each with its standard error, beside the exact values for the
probabilities the people were drawn from. This is what ``infoloss compare`` prints.
"""

import csv
from importlib import resources

import matplotlib.pyplot as plt
import numpy as np

import infoloss as il
from infoloss import datasets


def read(name):
    """The bundled CSV: one row per person, column ``bracket`` (comment lines start with #)."""
    text = resources.files("infoloss.datasets").joinpath(name).read_text()
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return np.array([int(r["bracket"]) for r in rows])


equal, fat = read("income_equal.csv"), read("income_fat.csv")
print(len(equal), "and", len(fat), "people")

# %%
# The exact values, from the bracket probabilities, and the estimates from the samples
# (the alphabet, ten brackets, is known: ``categories=``).
E, F = datasets.EQUAL, datasets.FAT_TAILED
brackets = list(range(1, 11))
se, sf = il.Samples(equal, categories=brackets), il.Samples(fat, categories=brackets)
rows = {
    "H(E)": (il.entropy(E, base=2), il.entropy(se, base=2, rng=0)),
    "H(F)": (il.entropy(F, base=2), il.entropy(sf, base=2, rng=0)),
    "KL(E‖F)": (il.kl_divergence(E, F, base=2), il.kl_divergence(se, sf, base=2, rng=0)),
    "KL(F‖E)": (il.kl_divergence(F, E, base=2), il.kl_divergence(sf, se, base=2, rng=0)),
    "JS(E, F)": (il.js_divergence(E, F, base=2), il.js_divergence(se, sf, base=2, rng=0)),
}
print(f"{'bits':10s} {'exact':>7s}  {'estimate':>17s}  method")
for name, (exact, est) in rows.items():
    err = float(est.stderr)
    print(f"{name:10s} {float(exact):7.4f}  {float(est):8.4f} ± {err:.4f}  {est.method}")

# %%
# The estimates and their 95% intervals against the exact values:
fig, ax = plt.subplots(figsize=(6.4, 3.2))
names = list(rows)
for i, (exact, est) in enumerate(rows.values()):
    low, high = est.interval(0.95)
    ax.plot([low, high], [i, i], color="C0", lw=3, alpha=0.6)
    ax.plot(float(est), i, "o", color="C0")
    ax.plot(float(exact), i, "kx", ms=9)
ax.set_yticks(range(len(names)), names)
ax.invert_yaxis()
ax.set_xlabel("bits  (o estimate with 95% interval, x exact)")
fig.tight_layout()
plt.show()
