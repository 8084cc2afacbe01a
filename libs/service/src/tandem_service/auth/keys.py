"""The local development signing key pair, and minting tokens with it."""

from __future__ import annotations

import functools
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tandem_service.auth.caller import Role

DEV_KEY_ID = "tandem-dev"


@dataclass(frozen=True)
class DevKeyPair:
    """An RSA key pair kept on disk for development; never used in production."""

    private_pem: bytes
    public_pem: bytes

    @classmethod
    def load_or_create(cls, directory: Path) -> DevKeyPair:
        """Load the pair from ``directory``, generating it on first use."""
        private_path = directory / "jwt-private.pem"
        public_path = directory / "jwt-public.pem"
        if not private_path.exists():
            directory.mkdir(parents=True, exist_ok=True)
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            private_pem = key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            public_pem = key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            # Write to a temporary name and rename, so concurrent first uses agree on one key.
            tmp = directory / f".jwt-private.{os.getpid()}.pem"
            tmp.write_bytes(private_pem)
            tmp.chmod(0o600)
            try:
                os.link(tmp, private_path)
            except FileExistsError:
                pass
            finally:
                tmp.unlink()
            if not public_path.exists() or private_path.read_bytes() == private_pem:
                public_path.write_bytes(public_pem)
        private_pem = private_path.read_bytes()
        key_obj = serialization.load_pem_private_key(private_pem, password=None)
        public_pem = key_obj.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return cls(private_pem=private_pem, public_pem=public_pem)


def mint_token(
    private_pem: bytes,
    subject: str,
    roles: list[Role] | tuple[Role, ...],
    *,
    issuer: str = "tandem-dev",
    audience: str = "tandem",
    ttl_seconds: int = 3600,
    key_id: str = DEV_KEY_ID,
    now: float | None = None,
) -> str:
    """Sign an RS256 token for ``subject`` with ``roles``."""
    issued = int(now if now is not None else time.time())
    claims = {
        "sub": subject,
        "roles": [str(r) for r in roles],
        "iss": issuer,
        "aud": audience,
        "iat": issued,
        "nbf": issued,
        "exp": issued + ttl_seconds,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, _signing_key(private_pem), algorithm="RS256", headers={"kid": key_id})


@functools.lru_cache(maxsize=4)
def _signing_key(private_pem: bytes) -> rsa.RSAPrivateKey:
    """The parsed key: parsing checks the RSA key, about 50 ms of CPU, too much per token."""
    key = serialization.load_pem_private_key(private_pem, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise TypeError("the signing key is not an RSA key")
    return key
