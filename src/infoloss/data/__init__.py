"""The data layer: `Samples`, `Counts`, estimators, and measures where an argument is data.

Imports `infoloss._core`, `infoloss.discrete` and `infoloss.distributions`.
"""
