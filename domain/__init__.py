"""Skuport's domain: models and services of the back office and the Amazon integration.

Nothing here imports ``schema``, ``server`` or ``widgets``: the domain knows no GraphQL or HTTP.
"""
