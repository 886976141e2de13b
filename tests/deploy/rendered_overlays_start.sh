#!/usr/bin/env bash
# Starts the dev and prod overlays' binaries the way their pods would (rendered args, env,
# mounted Secrets and ConfigMaps; k8s/tools/start-rendered.cjs) against the stack of
# scripts/test.sh, and checks every probe, Service port, scrape annotation, migration Job and
# drain, plus one call per service through the gateway. Then checks that Redis refused none of
# the services' commands under the ACL rule k8s/README.md gives them (the stack's ACL user).
# The containers' ports are the manifests' (50051-50064, 8080, 9091-9095): run it alone.
set -euo pipefail
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../../scripts/lib.sh
. "$ROOT/scripts/lib.sh"

BUILD=${CT_BUILD_DIR:-$ROOT/build}
CACHE=${CT_K8S_CHECK_CACHE:-$ROOT/build/k8s-check}
KUBECTL=$CACHE/kubernetes-client/usr/bin/kubectl
if [[ ! -x $KUBECTL || ! -d $CACHE/npm/node_modules/yaml ]]; then
  log "no kubectl or npm packages in $CACHE yet: running scripts/k8s-check.sh once"
  "$ROOT/scripts/k8s-check.sh" >/dev/null
fi
: "${CT_STACK_REDIS_ACL_USER:?load the stack.env of scripts/stack.sh first}"

WORK=$(mktemp -d /tmp/clienttier-rendered.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# Commands, keys or channels Redis refused to the ACL user (ACL LOG, newest 128 entries).
acl_denials() {
  redis-cli -h "$CT_REDIS_HOST" -p "$CT_REDIS_PORT" ACL LOG 128 |
    awk -v user="$CT_STACK_REDIS_ACL_USER" '
      prev == "reason" { reason = $0 }
      prev == "username" && $0 == user && reason != "auth" { denied++ }
      { prev = $0 }
      END { print denied + 0 }'
}
denials_before=$(acl_denials)

failed=0
failures=()
for overlay in dev prod; do
  rendered=$WORK/$overlay.yaml
  "$KUBECTL" kustomize "$ROOT/k8s/overlays/$overlay" >"$rendered"
  log "starting k8s/overlays/$overlay as rendered"
  if ! NODE_PATH=$CACHE/npm/node_modules node "$ROOT/k8s/tools/start-rendered.cjs" \
    --rendered="$rendered" --build="$BUILD" --work="$WORK/$overlay" 2>&1 |
    tee "$WORK/$overlay.log"; then
    failed=1
    # Repeated at the end, where a log cut to its head and tail still shows them.
    mapfile -t -O "${#failures[@]}" failures < <(grep -E '^FAILED|^start-rendered:' \
      "$WORK/$overlay.log" | sed "s|^|$overlay: |")
  fi
done

denials=$(($(acl_denials) - denials_before))
if ((denials > 0)); then
  log "Redis refused $denials command(s) to $CT_STACK_REDIS_ACL_USER (ACL LOG):"
  redis-cli -h "$CT_REDIS_HOST" -p "$CT_REDIS_PORT" ACL LOG "$denials" >&2
  failed=1
else
  log "Redis refused no command to the services' ACL user"
fi
for failure in "${failures[@]}"; do
  log "failed: $failure"
done
exit "$failed"
