#!/usr/bin/env bash
# Builds the pinned deployment tools from source through the Go module proxy into
# .local/bin/ (git-ignored): helm, and docker compose v2 as `docker-compose`.
# Idempotent: a binary that reports the pinned version and was linked with the same flags
# (recorded in .local/bin/.<tool>.build; -trimpath keeps them out of `go version -m`) is kept.
# Prints one line.
# Usage: deploy/tools/install.sh [--force]
# Needs Go >= 1.24. Cold: several minutes on 2 cores; warm: about a second.
set -euo pipefail

HELM_VERSION="v3.22.0"
COMPOSE_VERSION="v2.40.3"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN="${TANDEM_TOOLS_BIN:-$ROOT/.local/bin}"
FORCE="${1:-}"

# Go's default install location, for shells whose PATH lacks it.
command -v go >/dev/null 2>&1 || PATH="$PATH:/usr/local/go/bin"
command -v go >/dev/null 2>&1 || {
  echo "deploy/tools/install.sh: go is not on PATH (Go >= 1.24 builds helm and docker compose)" >&2
  exit 1
}
mkdir -p "$BIN"
export CGO_ENABLED=0 GOFLAGS=-mod=mod

work="$(mktemp -d)"
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

# Where the proxy's copy of a module lands; prints one field of `go mod download -json`.
module_field() {
  (cd "$work" && go mod download -json "$1" | python3 -c "import json, sys; print(json.load(sys.stdin)['$2'])")
}
# current BINARY REPORTED_VERSION PINNED_VERSION FLAGS: keep the binary as it is?
current() {
  [[ "$FORCE" != "--force" && -x "$1" && "$2" == "$3" ]] \
    && [[ "$(cat "$(dirname "$1")/.$(basename "$1").build" 2>/dev/null)" == "$4" ]]
}

built=()

# helm: stamp its version, and the Kubernetes version of the client-go it is built with
# (as helm's own Makefile does), else `helm template` and `helm lint` assume Kubernetes 1.20.
helm_mod="$(module_field "helm.sh/helm/v3@$HELM_VERSION" GoMod)"
k8s_minor="$(awk '$1 == "k8s.io/client-go" { split($2, v, "."); print v[2] }' "$helm_mod")"
helm_flags="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
for pkg in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
  helm_flags+=" -X $pkg.k8sVersionMajor=1 -X $pkg.k8sVersionMinor=$k8s_minor"
done
helm_reports="$("$BIN/helm" version --template '{{.Version}}' 2>/dev/null || true)"
if ! current "$BIN/helm" "$helm_reports" "$HELM_VERSION" "$helm_flags"; then
  GOBIN="$BIN" go install -trimpath -ldflags "$helm_flags" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  echo "$helm_flags" > "$BIN/.helm.build"
  built+=(helm)
fi

# docker compose: its go.mod has `exclude` directives, which `go install pkg@version`
# refuses, so build inside a copy of the module (from the proxy) as the main module.
compose_flags="-s -w -X github.com/docker/compose/v2/internal.Version=$COMPOSE_VERSION"
compose_reports="$("$BIN/docker-compose" version --short 2>/dev/null || true)"
if ! current "$BIN/docker-compose" "v${compose_reports#v}" "$COMPOSE_VERSION" "$compose_flags"; then
  cp -r "$(module_field "github.com/docker/compose/v2@$COMPOSE_VERSION" Dir)" "$work/compose"
  chmod -R u+w "$work/compose"
  (cd "$work/compose" && go build -trimpath -ldflags "$compose_flags" -o "$BIN/docker-compose.tmp" ./cmd)
  mv "$BIN/docker-compose.tmp" "$BIN/docker-compose"
  echo "$compose_flags" > "$BIN/.docker-compose.build"
  built+=(docker-compose)
fi

what="helm $HELM_VERSION (Kubernetes 1.$k8s_minor), docker compose $COMPOSE_VERSION in ${BIN#"$ROOT"/}"
if ((${#built[@]})); then
  echo "deploy tools: built ${built[*]}: $what"
else
  echo "deploy tools: up to date: $what"
fi
