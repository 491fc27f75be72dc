"""Encryption of free text at rest: Fernet keys from MEND_DATA_KEY or a generated key file."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

log = logging.getLogger(__name__)
KEY_FILE = "data.key"
CANARY = "mend-data-key-check"


class DataKeyError(Exception):
    """The data key is missing, malformed, or not the one the database was written with."""


_cipher: MultiFernet | None = None


def use_keys(keys: list[str]) -> None:
    """Install the keys: the first encrypts, all decrypt (so old keys can be rotated out)."""
    global _cipher
    try:
        _cipher = MultiFernet([Fernet(k.strip().encode()) for k in keys if k.strip()])
    except (ValueError, TypeError):
        raise DataKeyError(
            "MEND_DATA_KEY is malformed: it must be a Fernet key (32 url-safe base64 bytes); "
            'make one with: python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())"'
        ) from None


def cipher() -> MultiFernet:
    if _cipher is None:
        raise DataKeyError("no data key is configured (call bot.store.crypto.use_keys first)")
    return _cipher


def encrypt(text: str) -> str:
    return cipher().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return cipher().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeEncodeError):
        raise DataKeyError(
            "stored data can't be decrypted with MEND_DATA_KEY: the key is not the one this "
            "database was written with"
        ) from None


def keys_from(setting: str | None, data_dir: Path) -> list[str]:
    """Keys from the setting (comma-separated, newest first), else the key file, made if absent."""
    if setting and setting.strip():
        return [k for k in setting.split(",") if k.strip()]
    path = data_dir / KEY_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(Fernet.generate_key())
        log.warning(
            "generated a data key at %s (mode 0600); back it up, or set MEND_DATA_KEY", path
        )
    return [path.read_text().strip()]
