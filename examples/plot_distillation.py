"""
Knowledge distillation: the KL between a teacher's and a student's softmax
==========================================================================

A student network learns from a teacher's *softened* class probabilities,
``softmax(logits / T)``: the loss is :math:`\\mathrm{KL}(p_T^{teacher} \\,\\|\\, p_T^{student})`,
usually multiplied by :math:`T^2` so that its gradients keep their size as :math:`T` grows
(Hinton, Vinyals and Dean, 2015). Here a student is fitted, by gradient descent in PyTorch, to
a teacher's logits at several temperatures.
"""

import matplotlib.pyplot as plt
import torch

import infoloss as il
from infoloss import losses

g = torch.Generator().manual_seed(0)
teacher = 3.0 * torch.randn(256, 10, generator=g, dtype=torch.float64)  # 256 examples, 10 classes

# %%
# The loss is the KL of the two Categoricals, nothing more:
student = torch.zeros(256, 10, dtype=torch.float64)
T = 4.0
direct = il.kl_divergence(il.Categorical(logits=teacher / T), il.Categorical(logits=student / T))
print(f"distillation_kl = {float(losses.distillation_kl(student, teacher, temperature=T)):.6f}")
print(f"mean KL         = {float(direct.mean()):.6f}")

# %%
# Fit a student from scratch at each temperature, and judge each one the same way: its KL
# from the teacher at T = 1. Softened targets carry the relative sizes of the wrong classes
# (the "dark knowledge"); in this run the students trained at T = 2 and 4 end closer to the
# teacher than the one trained at T = 1 (the printed numbers below).
fig, ax = plt.subplots(figsize=(6.4, 3.4))
for T in (1.0, 2.0, 4.0):
    student = torch.zeros(256, 10, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([student], lr=0.1)
    history = []
    for _ in range(100):
        opt.zero_grad()
        loss = losses.distillation_kl(student, teacher, temperature=T, scale_by_t2=True)
        loss.backward()
        opt.step()
        # judge every student the same way: KL at T = 1
        history.append(float(losses.distillation_kl(student.detach(), teacher)))
    ax.plot(history, label=f"trained at T = {T:g}")
    print(f"T = {T:g}: KL at T = 1 after 100 steps = {history[-1]:.2e} nats")
ax.set_yscale("log")
ax.set_xlabel("Adam step")
ax.set_ylabel("KL(teacher ‖ student) at T = 1, nats")
ax.legend(frameon=False)
fig.tight_layout()
plt.show()
