"""Encryption of stored secrets."""

from skuport.domain.security.secrets import SecretBox, SecretKeyError, load_or_create_key

__all__ = ["SecretBox", "SecretKeyError", "load_or_create_key"]
