"""
Mutual information is a KL divergence
=====================================

The mutual information of two variables is the information lost when their joint
distribution is replaced by the product of its marginals, as if they were independent:
:math:`I(X; Y) = \\mathrm{KL}(P_{XY} \\,\\|\\, P_X \\otimes P_Y)`. Here :math:`X` is a binned
feature of scikit-learn's breast-cancer data and :math:`Y` the diagnosis; the plug-in value
equals scikit-learn's ``mutual_info_score``.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn import datasets
from sklearn.metrics import mutual_info_score

import infoloss as il

data = datasets.load_breast_cancer()
X, y = data.data, data.target
mi = {}
for j, name in enumerate(data.feature_names):
    bins = np.quantile(X[:, j], np.linspace(0, 1, 11)[1:-1])  # 10 equally filled bins
    xb = np.digitize(X[:, j], bins)
    joint = np.zeros((10, 2))
    np.add.at(joint, (xb, y), 1.0)
    joint /= joint.sum()
    independent = joint.sum(axis=1, keepdims=True) * joint.sum(axis=0, keepdims=True)
    mi[name] = float(il.kl_divergence(joint, independent, axis=(0, 1), base=2))
    if j == 0:
        sk = mutual_info_score(xb, y) / np.log(2)  # scikit-learn's, in nats, to bits
        print(f"{name}: KL(joint ‖ product) = {mi[name]:.6f} bits, sklearn {sk:.6f} bits")

# %%
# Entropy bounds it: I(X; Y) <= H(Y), the information in the diagnosis itself.
h_y = float(il.entropy(np.bincount(y) / len(y), base=2))
print(f"H(diagnosis) = {h_y:.4f} bits; the largest MI: {max(mi.values()):.4f} bits")

top = sorted(mi.items(), key=lambda kv: -kv[1])[:12]
fig, ax = plt.subplots(figsize=(6.4, 4))
ax.barh([k for k, _ in top], [v for _, v in top])
ax.axvline(h_y, color="k", ls=":", label=f"H(diagnosis) = {h_y:.2f} bits")
ax.invert_yaxis()
ax.tick_params(axis="y", labelsize=8)
ax.set_xlabel("mutual information with the diagnosis, bits (10 bins)")
ax.legend(frameon=False, loc="lower right")
fig.tight_layout()
plt.show()
