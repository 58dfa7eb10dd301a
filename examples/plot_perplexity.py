"""
Perplexity and bits per character of a tiny language model
==========================================================

A language model's loss is the cross-entropy between the text and the model's next-token
distribution; *bits per token* is that cross-entropy in bits, and *perplexity* is
:math:`e^{H}` (an effective number of equally likely choices). Here: character models of
"The Zen of Python" (the text of ``import this``, shipped with Python), fitted on its first
two thirds and scored on the last third.
"""

import codecs
import contextlib
import io

import matplotlib.pyplot as plt
import numpy as np

import infoloss as il
from infoloss import losses

with contextlib.redirect_stdout(io.StringIO()):  # importing it prints the poem
    import this

text = codecs.decode(this.s, "rot13").lower()  # the module stores the poem in rot13
chars = sorted(set(text))
ids = np.array([chars.index(c) for c in text])
V = len(chars)
cut = 2 * len(ids) // 3
train, test = ids[:cut], ids[cut:]
print(f"{len(ids)} characters, {V} distinct; train {len(train)}, test {len(test)}")

# %%
# Three models, each a table of next-character log-probabilities (add-one smoothing keeps
# every character possible, so no test character gets probability 0).
uniform = np.zeros(V)
unigram = np.log((np.bincount(train, minlength=V) + 1.0) / (len(train) + V))
pairs = np.ones((V, V))
np.add.at(pairs, (train[:-1], train[1:]), 1.0)
bigram = np.log(pairs / pairs.sum(axis=1, keepdims=True))

logits = {
    "uniform": np.broadcast_to(uniform, (len(test) - 1, V)),
    "unigram": np.broadcast_to(unigram, (len(test) - 1, V)),
    "bigram": bigram[test[:-1]],  # the row of the previous character
}
target = test[1:]
scores = {}
for name, z in logits.items():
    bpc = float(losses.bits_per_token(z, target))
    ppl = float(losses.perplexity(z, target))
    scores[name] = (bpc, ppl)
    print(f"{name:8s} {bpc:.3f} bits per character, perplexity {ppl:.2f}")

# %%
# The identities: perplexity = 2 ** (bits per token), and bits per token is the mean
# cross-entropy of the one-hot targets and the model, in bits.
bpc, ppl = scores["bigram"]
print("2 ** bits =", round(2**bpc, 6), " perplexity =", round(ppl, 6))
ce = il.cross_entropy(np.eye(V)[target], il.Categorical(logits=logits["bigram"]), base=2)
print("mean cross-entropy in bits:", round(float(ce.mean()), 6))
print("uniform model: log2 V =", round(np.log2(V), 6))

# %%
fig, ax = plt.subplots(figsize=(6.4, 3))
ax.barh(list(scores), [s[0] for s in scores.values()], color=["0.6", "C0", "C2"])
for i, (b, p) in enumerate(scores.values()):
    ax.text(b, i, f" {b:.2f} bits, perplexity {p:.1f}", va="center")
ax.invert_yaxis()
ax.set_xlim(0, max(s[0] for s in scores.values()) * 1.6)
ax.set_xlabel("bits per character on held-out text")
fig.tight_layout()
plt.show()
