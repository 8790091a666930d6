"""Encryption at rest for Amazon credentials (LWA client secrets, refresh tokens)."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from skuport.domain.private_files import make_private_folder


class SecretKeyError(ValueError):
    """The configured secret key cannot be used, or cannot decrypt stored secrets."""


class SecretBox:
    """Encrypts and decrypts short secrets with a Fernet key."""

    def __init__(self, key: str | bytes) -> None:
        try:
            self._fernet = Fernet(key)
        except (ValueError, TypeError) as exc:
            raise SecretKeyError(
                "SKUPORT_SECRET_KEY is not a valid Fernet key (32 url-safe base64 bytes); "
                "create one with: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'"
            ) from exc

    def encrypt(self, plaintext: str) -> str:
        """The ciphertext of `plaintext`, as text safe to store in a column."""
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, ciphertext: str) -> str:
        """The plaintext; fails clearly when the key changed since the secret was stored."""
        try:
            return self._fernet.decrypt(ciphertext.encode()).decode()
        except InvalidToken as exc:
            raise SecretKeyError(
                "a stored secret cannot be decrypted: SKUPORT_SECRET_KEY differs from the key "
                "it was encrypted with"
            ) from exc


def load_or_create_key(key_file: Path) -> bytes:
    """The key in `key_file`, creating it (readable by the owner only) on first run."""
    if key_file.exists():
        return key_file.read_bytes().strip()
    make_private_folder(key_file.parent)
    key = Fernet.generate_key()
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key + b"\n")
    return key
