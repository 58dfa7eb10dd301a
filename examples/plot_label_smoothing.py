"""
Label smoothing is a cross-entropy with a smoothed target
=========================================================

Label smoothing with :math:`\\varepsilon` trains on the target
:math:`(1 - \\varepsilon)\\,\\text{one-hot} + \\varepsilon / C` instead of the one-hot label.
The loss is then the cross-entropy with that mixture, and its minimum over the logits is no
longer 0 but the entropy of the smoothed target: the model is pushed towards that target, not
towards certainty.
"""

import matplotlib.pyplot as plt
import numpy as np

import infoloss as il
from infoloss import losses

C, eps = 5, 0.1
rng = np.random.default_rng(0)
logits = rng.normal(size=(8, C))
labels = rng.integers(0, C, size=8)
smoothed = (1 - eps) * np.eye(C)[labels] + eps / C

a = losses.softmax_cross_entropy(logits, labels, label_smoothing=eps)
b = il.cross_entropy(smoothed, il.Categorical(logits=logits)).mean()
print(f"softmax_cross_entropy(label_smoothing=0.1) = {float(a):.6f}")
print(f"cross_entropy(smoothed target, softmax)    = {float(b):.6f}")

# %%
# The loss of a model that puts probability ``q`` on the true class (the rest spread evenly):
# without smoothing it falls to 0 as q -> 1; with smoothing it has its minimum where the model
# equals the smoothed target, q = 1 - eps + eps / C, and that minimum is the target's entropy.
q = np.linspace(0.2, 0.999, 400)
model = np.stack([q] + [(1 - q) / (C - 1)] * (C - 1), axis=-1)
target_one_hot = np.eye(C)[0]
fig, ax = plt.subplots(figsize=(6.4, 3.4))
for e in (0.0, 0.1, 0.3):
    target = (1 - e) * target_one_hot + e / C
    ce = il.cross_entropy(target, model)
    ax.plot(q, ce, label=f"eps = {e:g}")
    if e > 0:
        best = 1 - e + e / C
        ax.plot(best, float(il.entropy(target)), "k.", ms=9)
        print(
            f"eps = {e:g}: minimum at q = {q[np.argmin(ce)]:.3f} (1 - eps + eps/C = {best:.3f}), "
            f"min loss {float(np.min(ce)):.4f}, H(target) = {float(il.entropy(target)):.4f}"
        )
ax.set_xlabel("model's probability of the true class, q")
ax.set_ylabel("cross-entropy, nats")
ax.set_ylim(0, 2)
ax.legend(frameon=False)
fig.tight_layout()
plt.show()
