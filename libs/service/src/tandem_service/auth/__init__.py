"""Bearer-JWT authentication and role checks shared by every service."""

from tandem_service.auth.caller import Caller, Role
from tandem_service.auth.dependencies import CurrentCaller, require_roles
from tandem_service.auth.keys import DevKeyPair, mint_token
from tandem_service.auth.verifier import AuthError, TokenVerifier

__all__ = [
    "AuthError",
    "Caller",
    "CurrentCaller",
    "DevKeyPair",
    "Role",
    "TokenVerifier",
    "mint_token",
    "require_roles",
]
