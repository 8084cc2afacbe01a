"""The JWT dependency on a real uvicorn: missing, expired, forged and wrong-role tokens."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Annotated

import httpx
import jwt
import pytest
from fastapi import Depends, FastAPI

from tandem_service.auth import Caller, DevKeyPair, Role, TokenVerifier, mint_token, require_roles
from tandem_service.auth.keys import DEV_KEY_ID
from tandem_testkit.uvicorn_server import serving


def _app(verifier: TokenVerifier) -> FastAPI:
    app = FastAPI()
    app.state.token_verifier = verifier

    @app.get("/admin-only")
    async def admin_only(
        caller: Annotated[Caller, Depends(require_roles(Role.PROGRAM_ADMIN))],
    ) -> dict[str, str]:
        return {"subject": caller.subject}

    return app


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> DevKeyPair:
    return DevKeyPair.load_or_create(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="module")
def base_url(keys: DevKeyPair) -> Iterator[str]:
    verifier = TokenVerifier(issuer="tandem-dev", audience="tandem", public_pem=keys.public_pem)
    with serving(_app(verifier)) as url:
        yield url


def _get(base_url: str, token: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.get(f"{base_url}/admin-only", headers=headers)


def test_valid_admin_token_is_admitted(base_url: str, keys: DevKeyPair) -> None:
    token = mint_token(keys.private_pem, "admin-1", [Role.PROGRAM_ADMIN])
    response = _get(base_url, token)
    assert response.status_code == 200
    assert response.json() == {"subject": "admin-1"}


def test_missing_token_is_401_with_a_clear_message(base_url: str) -> None:
    response = _get(base_url, None)
    assert response.status_code == 401
    assert "missing bearer token" in response.json()["detail"]
    assert response.headers["www-authenticate"] == "Bearer"


def test_expired_token_is_401(base_url: str, keys: DevKeyPair) -> None:
    token = mint_token(keys.private_pem, "a", [Role.PROGRAM_ADMIN], now=time.time() - 7200)
    response = _get(base_url, token)
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_token_signed_by_another_key_is_401(base_url: str, tmp_path: Path) -> None:
    stranger = DevKeyPair.load_or_create(tmp_path)
    token = mint_token(stranger.private_pem, "a", [Role.PROGRAM_ADMIN])
    response = _get(base_url, token)
    assert response.status_code == 401
    assert "signature" in response.json()["detail"]


def test_wrong_role_is_403_naming_the_role(base_url: str, keys: DevKeyPair) -> None:
    token = mint_token(keys.private_pem, "p-1", [Role.PARTICIPANT])
    response = _get(base_url, token)
    assert response.status_code == 403
    assert "program_admin" in response.json()["detail"]


def test_garbage_token_is_401(base_url: str) -> None:
    assert _get(base_url, "not-a-jwt").status_code == 401


class _Jwks(BaseHTTPRequestHandler):
    body = b"{}"

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def jwks_url(keys: DevKeyPair) -> Iterator[str]:
    """A real local HTTP server standing in for the identity provider's JWKS endpoint."""
    public = jwt.algorithms.RSAAlgorithm.from_jwk(
        jwt.algorithms.RSAAlgorithm.to_jwk(
            jwt.algorithms.RSAAlgorithm(jwt.algorithms.RSAAlgorithm.SHA256).prepare_key(
                keys.public_pem
            )
        )
    )
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(public))
    jwk.update({"kid": DEV_KEY_ID, "use": "sig", "alg": "RS256"})
    _Jwks.body = json.dumps({"keys": [jwk]}).encode()
    server = HTTPServer(("127.0.0.1", 0), _Jwks)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
    server.shutdown()


async def test_jwks_verifier_accepts_the_providers_key(jwks_url: str, keys: DevKeyPair) -> None:
    verifier = TokenVerifier(issuer="tandem-dev", audience="tandem", jwks_url=jwks_url)
    caller = await verifier.verify(mint_token(keys.private_pem, "p-9", [Role.PARTICIPANT]))
    assert caller.subject == "p-9"
    assert caller.roles == frozenset({Role.PARTICIPANT})


async def test_jwks_verifier_refuses_an_unknown_key_id(jwks_url: str, keys: DevKeyPair) -> None:
    from tandem_service.auth import AuthError

    verifier = TokenVerifier(issuer="tandem-dev", audience="tandem", jwks_url=jwks_url)
    token = mint_token(keys.private_pem, "p-9", [Role.PARTICIPANT], key_id="rotated-away")
    with pytest.raises(AuthError) as refused:
        await verifier.verify(token)
    assert refused.value.status == 401
