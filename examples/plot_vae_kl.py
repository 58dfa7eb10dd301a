"""
A VAE's KL term
===============

A variational autoencoder's encoder outputs a mean :math:`\\mu` and a log-variance
:math:`\\log\\sigma^2` for each latent dimension, and its loss includes
:math:`\\mathrm{KL}(N(\\mu, \\sigma^2) \\,\\|\\, N(0, 1))`, which the VAE paper writes as
:math:`-\\tfrac12 \\sum (1 + \\log\\sigma^2 - \\mu^2 - \\sigma^2)` (Kingma and Welling, 2014,
appendix B). With infoloss it is the KL of two Normals, batched, with gradients.
"""

import matplotlib.pyplot as plt
import numpy as np
import torch

import infoloss as il

g = torch.Generator().manual_seed(0)
mu = torch.randn(
    32, 8, generator=g, dtype=torch.float64, requires_grad=True
)  # batch 32, 8 latents
log_var = torch.randn(32, 8, generator=g, dtype=torch.float64, requires_grad=True)

kl = il.kl_divergence(il.Normal(mu, torch.exp(0.5 * log_var)), il.Normal(0.0, 1.0)).sum(-1)
paper = -0.5 * (1 + log_var - mu**2 - log_var.exp()).sum(-1)
print("per-example KL, first three:", kl[:3].detach().numpy().round(4))
print("largest difference from the paper's formula:", float((kl - paper).detach().abs().max()))

# %%
# The gradients agree too:
(g1,) = torch.autograd.grad(kl.mean(), mu)
(g2,) = torch.autograd.grad(paper.mean(), mu)
print("gradients equal:", bool(torch.allclose(g1, g2)))

# %%
# The KL term as a function of one latent's mean and standard deviation: zero only at the
# prior, N(0, 1), and growing fastest as sigma collapses.
m, s = np.meshgrid(np.linspace(-3, 3, 121), np.linspace(0.05, 3, 119))
kl_grid = il.kl_divergence(il.Normal(m, s), il.Normal(0, 1))
fig, ax = plt.subplots(figsize=(6.4, 3.6))
cs = ax.contourf(m, s, kl_grid, levels=[0, 0.1, 0.25, 0.5, 1, 2, 4, 8], cmap="viridis")
fig.colorbar(cs, label="KL(N(mu, sigma) ‖ N(0, 1)), nats")
ax.plot(0, 1, "w*", ms=12)
ax.set_xlabel("mu")
ax.set_ylabel("sigma")
fig.tight_layout()
plt.show()
