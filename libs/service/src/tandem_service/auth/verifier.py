"""Token verification: RS256 against an identity provider's JWKS or a local public key."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import jwt

from tandem_service.auth.caller import Caller, Role


class AuthError(Exception):
    """A token was refused; ``status`` is 401 (who are you?) or 403 (not allowed)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# A verified token is trusted again without its signature check for at most this long (and
# never past its expiry): clients send the same token with every request, and PyJWT's checks
# cost a share of every request's CPU. Short, so a key withdrawn from the JWKS stops working
# within a minute.
VERIFIED_FOR_SECONDS = 60.0
VERIFIED_KEPT = 10_000


class TokenVerifier:
    """Verifies bearer tokens and turns them into a :class:`Caller`."""

    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        jwks_url: str | None = None,
        public_pem: bytes | None = None,
        leeway_seconds: int = 30,
    ) -> None:
        if not (jwks_url or public_pem):
            raise ValueError("a JWKS URL or a public key is required to verify tokens")
        self._issuer = issuer
        self._audience = audience
        self._public_pem = public_pem
        self._leeway = leeway_seconds
        # PyJWKClient caches the key set and refetches on an unknown kid (key rotation).
        self._jwks = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=300) if jwks_url else None
        # token -> (caller, trusted until): the whole token is the key, signature included.
        self._verified: dict[str, tuple[Caller, float]] = {}

    async def verify(self, token: str) -> Caller:
        """Verify ``token`` (signature, expiry, issuer, audience) or raise a 401 AuthError."""
        now = time.time()
        known = self._verified.get(token)
        if known is not None and now < known[1]:
            return known[0]
        caller, expires = await self._check(token)
        if len(self._verified) >= VERIFIED_KEPT:
            self._verified.clear()
        self._verified[token] = (caller, min(expires, now + VERIFIED_FOR_SECONDS))
        return caller

    async def _check(self, token: str) -> tuple[Caller, float]:
        key: Any = self._public_pem
        if self._jwks is not None:
            try:
                # The JWKS fetch is blocking I/O; keep it off the event loop.
                signing_key = await asyncio.to_thread(self._jwks.get_signing_key_from_jwt, token)
            except jwt.PyJWKClientError as exc:
                raise AuthError(401, f"cannot find the token's signing key: {exc}") from exc
            except jwt.DecodeError as exc:
                raise AuthError(401, f"malformed bearer token: {exc}") from exc
            key = signing_key.key
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                audience=self._audience,
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": ["exp", "sub", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise AuthError(401, "the bearer token has expired") from exc
        except jwt.InvalidSignatureError as exc:
            raise AuthError(401, "the bearer token's signature is not valid") from exc
        except jwt.InvalidTokenError as exc:
            raise AuthError(401, f"the bearer token is not valid: {exc}") from exc
        caller = Caller(
            subject=str(claims["sub"]),
            roles=_roles_of(claims.get("roles", [])),
            token_id=claims.get("jti"),
        )
        return caller, float(claims["exp"])


def _roles_of(raw: object) -> frozenset[Role]:
    values = raw if isinstance(raw, list) else [raw]
    known = {r.value for r in Role}
    return frozenset(Role(v) for v in values if isinstance(v, str) and v in known)
