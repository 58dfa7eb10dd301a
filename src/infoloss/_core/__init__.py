"""The core every room builds on: array-API helpers, validation, the registry, `Estimate`.

Imports NumPy, SciPy and array-api-compat only: no other part of infoloss.
"""
