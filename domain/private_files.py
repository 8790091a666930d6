"""Folders and files that hold the seller's data are readable by their owner only."""

from __future__ import annotations

import os
from pathlib import Path

OWNER_ONLY_UMASK = 0o077


def make_private_folder(path: Path) -> None:
    """Create `path` (and missing parents) as 0700; an existing folder is left as it is."""
    previous = os.umask(OWNER_ONLY_UMASK)
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    finally:
        os.umask(previous)


def create_private_file(path: Path) -> None:
    """Create an empty `path` as 0600 unless it exists (SQLite then creates its WAL and
    shared-memory files with the same permissions)."""
    previous = os.umask(OWNER_ONLY_UMASK)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    finally:
        os.umask(previous)
    os.close(fd)
