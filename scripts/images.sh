#!/usr/bin/env bash
# Builds every ClientTier image with podman from docker/Dockerfile and smoke-tests each one:
# the container runs read-only, as uid 10001, with every capability dropped, against a local
# MariaDB + Redis (scripts/stack.sh); a service must answer SERVING on grpc.health.v1 (asked by
# the tierctl image), the gateway must answer /healthz and serve the console. Prints each
# image's size, build time and smoke result.
#
#   scripts/images.sh [--tag=TAG] [--no-smoke] [TARGET ...]     (default: all six)
#
# Not part of the test command: the first build compiles everything inside the build stage
# (about 15 minutes on 2 cores; later images reuse that layer). With no registry reachable the
# base images come from debootstrap + podman import (Debian's mirror only); otherwise the real
# debian:bookworm and debian:bookworm-slim are pulled. podman runs with runc and explicit
# ulimits, which also works in VMs where crun cannot set limits.
set -euo pipefail

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$ROOT/scripts/lib.sh"

TAG=dev
SMOKE=true
TARGETS=()
for arg in "$@"; do
  case $arg in
    --tag=*) TAG=${arg#--tag=} ;;
    --no-smoke) SMOKE=false ;;
    -*) die "unknown flag $arg (see the header of $0)" ;;
    *) TARGETS+=("$arg") ;;
  esac
done
((${#TARGETS[@]} > 0)) || TARGETS=(client-profile scoring campaign referral gateway tierctl)
CACHE=${CT_IMAGES_CACHE:-$ROOT/build/images}
MIRROR=${CT_DEBIAN_MIRROR:-http://deb.debian.org/debian}
RUNTIME=(--runtime runc --ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
mkdir -p "$CACHE"

((EUID == 0)) || die "run as root: podman builds here are rootful"
missing=()
for tool in podman:podman runc:runc debootstrap:debootstrap; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool#*:}")
done
if ((${#missing[@]} > 0)); then
  log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q \
    --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- base images ------------------------------------------------------------------------------
BASE=docker.io/library/debian
if podman image exists "$BASE:bookworm" && podman image exists "$BASE:bookworm-slim"; then
  log "base images present"
elif timeout 60 podman pull -q "$BASE:bookworm" >/dev/null 2>&1 &&
  timeout 60 podman pull -q "$BASE:bookworm-slim" >/dev/null 2>&1; then
  log "pulled $BASE:bookworm and :bookworm-slim"
else
  log "no registry reachable: making $BASE:bookworm with debootstrap from $MIRROR"
  if [[ ! -x $CACHE/rootfs/usr/bin/apt-get ]]; then
    rm -rf "$CACHE/rootfs"
    debootstrap --variant=minbase bookworm "$CACHE/rootfs" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 ||
      { tail -n 20 "$CACHE/debootstrap.log" >&2; die "debootstrap failed"; }
  fi
  # The same minimal root serves as both: the runtime stage installs only what it needs.
  tar -C "$CACHE/rootfs" -c . |
    podman import --change 'CMD ["/bin/bash"]' - "$BASE:bookworm" >/dev/null
  podman tag "$BASE:bookworm" "$BASE:bookworm-slim"
fi

# --- build ------------------------------------------------------------------------------------
declare -A SECONDS_TAKEN=() SIZES=() SMOKED=()
for target in "${TARGETS[@]}"; do
  log "building clienttier/$target:$TAG"
  started=$(date +%s)
  # The host's CA bundle for the build's RUN steps only (npm behind a TLS-inspecting proxy).
  if ! podman build "${RUNTIME[@]}" --network host --pull=never -f "$ROOT/docker/Dockerfile" \
    --volume /etc/ssl/certs:/run/host-certs:ro \
    --build-arg TARGET="$target" -t "clienttier/$target:$TAG" "$ROOT" >"$CACHE/build-$target.log" 2>&1; then
    tail -n 40 "$CACHE/build-$target.log" >&2
    die "podman build of $target failed (log: $CACHE/build-$target.log)"
  fi
  SECONDS_TAKEN[$target]=$(($(date +%s) - started))
  SIZES[$target]=$(podman image inspect --format '{{.Size}}' "clienttier/$target:$TAG")
  SMOKED[$target]="not run"
done

# --- smoke ------------------------------------------------------------------------------------
if $SMOKE; then
  WORK=$(mktemp -d /tmp/clienttier-images.XXXXXX)
  chmod 755 "$WORK"
  cleanup() {
    podman ps -aq --filter label=clienttier-smoke | xargs -r podman rm -f >/dev/null 2>&1 || true
    "$ROOT/scripts/stack.sh" stop "$WORK/stack" >/dev/null 2>&1 || true
    rm -rf "$WORK"
  }
  trap cleanup EXIT
  "$ROOT/scripts/stack.sh" start "$WORK/stack" >/dev/null
  set -a
  # shellcheck source=/dev/null
  . "$WORK/stack/stack.env"
  set +a
  key=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  printf '%s images-tenant writer\n' "$(printf %s "$key" | sha256sum | cut -d' ' -f1)" >"$WORK/api-keys"
  chmod 644 "$WORK/api-keys"
  # Hardened the way the manifests run them.
  HARDENED=("${RUNTIME[@]}" --network host --read-only --user 10001:10001 --cap-drop ALL
    --security-opt no-new-privileges --label clienttier-smoke)
  have_tierctl=false
  podman image exists "clienttier/tierctl:$TAG" && have_tierctl=true
  health() { podman run --rm "${HARDENED[@]}" "clienttier/tierctl:$TAG" --output=json \
    --deadline-s=2 --address="127.0.0.1:$1" health check 2>/dev/null | grep -q '"SERVING"'; }
  for target in "${TARGETS[@]}"; do
    case $target in
      tierctl) SMOKED[$target]="used for the health checks"; continue ;;
      gateway) ;;
      *) $have_tierctl || { SMOKED[$target]="skipped (no tierctl image)"; continue; } ;;
    esac
    port=$(pick_port)
    metrics=$(pick_port "$port")
    args=(--metrics-host=127.0.0.1 --metrics-port="$metrics")
    if [[ $target == gateway ]]; then
      args+=(--http-host=127.0.0.1 --http-port="$port")
    else
      args+=(--grpc-address="127.0.0.1:$port" --api-keys-file=/keys/api-keys
        --mysql-database="ct_images_${target//-/_}")
    fi
    name=ct-smoke-$target
    podman run -d --name "$name" "${HARDENED[@]}" -v "$WORK/api-keys:/keys/api-keys:ro" \
      -e CT_MYSQL_HOST -e CT_MYSQL_PORT -e CT_MYSQL_USER -e CT_MYSQL_PASSWORD \
      -e CT_REDIS_HOST -e CT_REDIS_PORT "clienttier/$target:$TAG" "${args[@]}" >/dev/null
    ok=false
    for ((i = 0; i < 60; i++)); do
      if [[ $target == gateway ]]; then
        curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 &&
          curl -fsS "http://127.0.0.1:$port/console/" | grep -qi '<html' && ok=true
      else
        health "$port" && ok=true
      fi
      $ok && break
      sleep 1
    done
    uid=$(ps -o uid= -p "$(podman inspect --format '{{.State.Pid}}' "$name")" 2>/dev/null | tr -d ' ')
    if $ok && [[ $uid == 10001 ]]; then
      SMOKED[$target]="ok: $([[ $target == gateway ]] && echo '/healthz and /console/' || echo SERVING), uid $uid, read-only"
    else
      SMOKED[$target]="FAILED (healthy=$ok uid=${uid:-?})"
      podman logs --tail 20 "$name" >&2 || true
    fi
    podman stop -t 10 "$name" >/dev/null && podman rm "$name" >/dev/null
  done
fi

printf '\n| image | size | build time | smoke |\n|---|---|---|---|\n'
failed=0
for target in "${TARGETS[@]}"; do
  printf '| clienttier/%s:%s | %s MB | %s s | %s |\n' "$target" "$TAG" \
    "$((SIZES[$target] / 1000000))" "${SECONDS_TAKEN[$target]}" "${SMOKED[$target]}"
  [[ ${SMOKED[$target]} == FAILED* ]] && failed=1
done
exit "$failed"
