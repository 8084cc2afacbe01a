"""The FastAPI application every service is built from, with the cross-cutting parts wired."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from tandem_service.api.errors import DATABASE_AWAY, database_away
from tandem_service.api.validation import validation_error
from tandem_service.auth import DevKeyPair, TokenVerifier
from tandem_service.database import check_database, create_pool
from tandem_service.health_routes import health_router
from tandem_service.kafka import KafkaProbe
from tandem_service.logging import configure_logging, get_logger
from tandem_service.metrics import HttpMetrics, metrics_router
from tandem_service.runtime import Runtime
from tandem_service.settings import ServiceSettings
from tandem_service.storable_text import StorableTextOnly
from tandem_service.telemetry import configure_tracing, server_spans

StartHook = Callable[[Runtime, FastAPI], Awaitable[None]]
ExceptionHandler = Callable[[Request, Any], Coroutine[Any, Any, Response]]


def token_verifier_for(settings: ServiceSettings) -> TokenVerifier:
    """Build the verifier the settings ask for: JWKS, a public key file, or the dev key."""
    public_pem: bytes | None = None
    if settings.jwt_public_key_file is not None:
        public_pem = settings.jwt_public_key_file.read_bytes()
    elif not settings.jwt_jwks_url and settings.is_development:
        public_pem = DevKeyPair.load_or_create(settings.dev_keys_dir).public_pem
    return TokenVerifier(
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        jwks_url=settings.jwt_jwks_url,
        public_pem=public_pem,
    )


async def internal_error(_: Request, exc: Exception) -> Response:
    """An unhandled error: JSON like every other answer, the details only in the log."""
    get_logger("tandem.app").error("unhandled error", error=repr(exc), exc_info=exc)
    return JSONResponse({"detail": "internal server error"}, status_code=500)


def create_service_app(
    settings: ServiceSettings,
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter] = (),
    on_start: StartHook | None = None,
    exception_handlers: dict[type[Exception], ExceptionHandler] | None = None,
) -> FastAPI:
    """A service app: logging, tracing, metrics, auth, health and the service's own routers."""
    configure_logging(settings.service_name, settings.log_level)
    configure_tracing(settings.service_name)
    log = get_logger("tandem.app")
    runtime = Runtime(settings=settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime.pool = await create_pool(
            settings.database_url.get_secret_value(), settings.database_pool_max
        )
        pool = runtime.pool
        runtime.kafka = KafkaProbe(
            settings.kafka_bootstrap,
            settings.kafka_client_id or settings.service_name,
            **settings.kafka_options(),
        )
        await runtime.kafka.start()
        runtime.checks.setdefault("database", lambda: check_database(pool))
        runtime.checks.setdefault("kafka", runtime.kafka.check)
        if on_start is not None:
            await on_start(runtime, app)
        for component in runtime.components:
            await component.start()
        log.info("service started", port=settings.http_port)
        try:
            yield
        finally:
            for component in reversed(runtime.components):
                await component.stop()
            await runtime.kafka.stop()
            await pool.close()
            log.info("service stopped")

    handlers: dict[int | type[Exception], ExceptionHandler] = {
        Exception: internal_error,
        RequestValidationError: validation_error,
        **dict.fromkeys(DATABASE_AWAY, database_away),
    }
    for kind, handler in (exception_handlers or {}).items():
        handlers[kind] = handler
    app = FastAPI(
        title=title,
        description=description,
        version="0.1.0",
        lifespan=lifespan,
        exception_handlers=handlers,
        telemetry=server_spans(),
    )
    app.state.runtime = runtime
    app.state.settings = settings
    app.state.token_verifier = token_verifier_for(settings)
    app.add_middleware(StorableTextOnly)
    # Added last, so outermost: it also counts the 422s above and the 500s of unhandled errors.
    app.add_middleware(HttpMetrics, service=settings.service_name)
    app.include_router(health_router(runtime.checks))
    app.include_router(metrics_router)
    for router in routers:
        app.include_router(router)
    return app
