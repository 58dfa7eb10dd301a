"""
Forward and reverse KL fits as the modes separate
=================================================

Fit a Normal to a mixture of two Normals at distance ``2 d`` apart. The forward fit,
argmin KL(p ‖ q), always covers both modes; the reverse fit, argmin KL(q ‖ p), sits between
them while they overlap and jumps onto one mode once they separate. (The repository's
``examples/fit_mixture.py`` draws one such fit from the command line.)
"""

import matplotlib.pyplot as plt
import numpy as np

import infoloss as il

ds = np.linspace(0.0, 2.5, 11)
fwd_scale, rev_loc, rev_scale = [], [], []
for d in ds:
    p = il.Mixture([il.Normal(-d, 0.6), il.Normal(d, 0.6)], [0.5, 0.5])
    fwd = il.fit(il.Normal, p)
    rev = il.fit(il.Normal, p, divergence="reverse", rng=0)
    fwd_scale.append(float(fwd.scale))
    rev_loc.append(abs(float(rev.loc)))
    rev_scale.append(float(rev.scale))
    fwd_txt = f"N(0, {fwd_scale[-1]:.3f})"
    rev_txt = f"N(±{rev_loc[-1]:.3f}, {rev_scale[-1]:.3f})"
    print(f"d = {d:.2f}: forward {fwd_txt}, reverse {rev_txt}")

# %%
fig, (a1, a2) = plt.subplots(1, 2, figsize=(7.5, 3.2))
a1.plot(ds, rev_loc, "o-", color="C3", label="reverse fit |loc|")
a1.plot(ds, ds, "k:", label="a mode, d")
a1.set_xlabel("half the distance between modes, d")
a1.set_ylabel("|loc| of the fit")
a1.legend(frameon=False, fontsize=8)
a2.plot(ds, fwd_scale, "o-", color="C0", label="forward fit scale")
a2.plot(ds, rev_scale, "o-", color="C3", label="reverse fit scale")
a2.axhline(0.6, color="k", ls=":", label="a mode's scale")
a2.set_xlabel("d")
a2.set_ylabel("scale of the fit")
a2.legend(frameon=False, fontsize=8)
fig.tight_layout()
plt.show()
