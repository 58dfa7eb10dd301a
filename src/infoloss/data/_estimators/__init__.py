"""Estimators of information measures from data (counts, discrete or continuous samples).

Every estimator here works on NumPy float64 arrays and returns ``(value, stderr)`` in nats;
`infoloss.data._measures` turns arguments into these arrays, picks the estimator by name and
wraps the answer in an `Estimate` in the caller's array library and units.
"""
