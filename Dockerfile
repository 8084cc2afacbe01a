# syntax=docker/dockerfile:1.20
# One image recipe for every Tandem service. Build from the repository root (the uv workspace):
#   docker build --build-arg SERVICE=matching --build-arg PORT=8001 -t tandem/matching .
# SERVICE names a folder in services/; PORT must be that service's port in its registry entry
# (services/<name>/src/tandem_<name>/service.toml): the build checks it. docker-compose.yml
# passes both from the registry (tests/deployment/test_registry.py keeps it so).

ARG PYTHON_IMAGE=python:3.11-slim
ARG UV_IMAGE=ghcr.io/astral-sh/uv:0.13.8

FROM ${UV_IMAGE} AS uv

# ---- build: resolve from uv.lock into /app/.venv (no dev tools, no editable installs) ----
FROM ${PYTHON_IMAGE} AS build
ARG SERVICE
ARG PORT
COPY --from=uv /uv /usr/local/bin/uv
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_PROJECT_ENVIRONMENT=/app/.venv
WORKDIR /src

# Third-party dependencies first: this layer changes only when the lock file does.
# uv needs every workspace member's pyproject.toml to read the workspace.
COPY pyproject.toml uv.lock ./
COPY --parents libs/*/pyproject.toml services/*/pyproject.toml ./
RUN --mount=type=cache,target=/root/.cache/uv \
    test -n "${SERVICE}" || { echo "--build-arg SERVICE=<name> is required" >&2; exit 1; }; \
    uv sync --frozen --no-dev --no-editable --no-install-workspace --package "tandem-${SERVICE}"

# Then the workspace code this service needs: its own package and the shared libraries.
COPY libs/service libs/service
COPY libs/events libs/events
COPY services/${SERVICE} services/${SERVICE}
RUN grep -qx "port = ${PORT}" "services/${SERVICE}/src/tandem_${SERVICE}/service.toml" \
 || { echo "PORT=${PORT} is not the port in ${SERVICE}'s service.toml" >&2; exit 1; }
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-editable --package "tandem-${SERVICE}" \
 && ln -s "tandem-${SERVICE}" /app/.venv/bin/tandem-service

# ---- runtime: the interpreter, the venv, an unprivileged user; nothing else ----
FROM ${PYTHON_IMAGE} AS runtime
ARG SERVICE
ARG PORT
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="tandem-${SERVICE}" \
      org.opencontainers.image.description="The Tandem ${SERVICE} service" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"

RUN groupadd --system --gid 10001 tandem \
 && useradd --system --uid 10001 --gid 10001 --home-dir /tmp --no-create-home \
        --shell /usr/sbin/nologin tandem \
 && install -d -o 10001 -g 10001 -m 0700 /var/lib/tandem/dev-keys

# Owned by root and read-only to the service: the code cannot be changed at run time.
COPY --from=build /app/.venv /app/.venv

# Read-only root filesystem friendly: bytecode is compiled at build time, HOME and the
# development key pair live under /tmp (or a mounted volume), nothing else is written.
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/tmp \
    TANDEM_SERVICE_NAME=${SERVICE} \
    TANDEM_HTTP_HOST=0.0.0.0 \
    TANDEM_HTTP_PORT=${PORT} \
    TANDEM_DEV_KEYS_DIR=/var/lib/tandem/dev-keys

USER 10001:10001
WORKDIR /tmp
EXPOSE ${PORT}

# Liveness only (the process answers); readiness (/ready) is for the orchestrator to route on.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ['TANDEM_HTTP_PORT'], timeout=2)"]

# `serve` by default; `migrate` applies this service's migrations and exits. The link names
# the service's own command (tandem-<name>), since an exec-form ENTRYPOINT expands no ARG.
ENTRYPOINT ["tandem-service"]
CMD ["serve"]
