"""Key-encryption keys: data keys are stored only wrapped by a key that is not in the database.

:class:`KeyWrapper` is the one interface the keyring uses; :class:`SecretKeyWrapper` holds the
key-encryption key (KEK) as a secret setting (``TANDEM_KEY_ENCRYPTION_KEY``, 32 bytes in
base64). A KMS or a Vault transit engine plugs in behind the same interface later.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Sequence
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tandem_events.backbone_settings import BackboneSettings
from tandem_events.errors import EventError


class KeyUnavailable(EventError):
    """No key-encryption key is configured, or none that wrapped this data key."""


class KeyWrapper(Protocol):
    """Wraps and unwraps a person's data key with a key-encryption key kept elsewhere."""

    kek_id: str

    async def wrap(self, person_id: str, data_key: bytes) -> bytes:
        """The data key encrypted under the current KEK, bound to ``person_id``."""
        ...

    async def unwrap(self, person_id: str, wrapped: bytes, kek_id: str) -> bytes:
        """The data key that ``wrap`` (under KEK ``kek_id``) turned into ``wrapped``."""
        ...


def kek_id_of(kek: bytes) -> str:
    """A public name for a KEK (a digest prefix: names it, reveals nothing usable)."""
    return "secret:" + hashlib.sha256(b"tandem-kek-id:" + kek).hexdigest()[:16]


class SecretKeyWrapper:
    """AES-256-GCM key wrapping under a KEK from a secret; older KEKs still unwrap (rotation)."""

    def __init__(self, kek: bytes, previous: Sequence[bytes] = ()) -> None:
        if len(kek) != 32 or any(len(k) != 32 for k in previous):
            raise KeyUnavailable("a key-encryption key is 32 bytes")
        self.kek_id = kek_id_of(kek)
        self._keks = {kek_id_of(k): AESGCM(k) for k in (*previous, kek)}

    async def wrap(self, person_id: str, data_key: bytes) -> bytes:
        """Encrypt ``data_key`` under the current KEK, with the person as associated data."""
        nonce = os.urandom(12)
        return nonce + self._keks[self.kek_id].encrypt(nonce, data_key, _aad(person_id))

    async def unwrap(self, person_id: str, wrapped: bytes, kek_id: str) -> bytes:
        """Decrypt a wrapped data key; raises :class:`KeyUnavailable` without its KEK."""
        kek = self._keks.get(kek_id)
        if kek is None:
            raise KeyUnavailable(f"the key-encryption key {kek_id} is not configured")
        try:
            return kek.decrypt(wrapped[:12], wrapped[12:], _aad(person_id))
        except InvalidTag as exc:
            raise KeyUnavailable("the wrapped data key does not open with its KEK") from exc


def _aad(person_id: str) -> bytes:
    return b"tandem-data-key:" + person_id.encode()


def wrapper_from(settings: BackboneSettings) -> SecretKeyWrapper | None:
    """The wrapper the settings describe, or None when no KEK is set."""
    if settings.key_encryption_key is None:
        return None
    previous = settings.key_encryption_key_previous
    older = previous.get_secret_value().split(",") if previous else []
    return SecretKeyWrapper(
        base64.b64decode(settings.key_encryption_key.get_secret_value()),
        [base64.b64decode(k) for k in older if k.strip()],
    )
