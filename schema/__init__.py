"""Skuport."""
