"""Discrete distributions given as arrays: `Categorical`, its exact formulas and fast kernels.

Imports `infoloss._core` only.
"""
