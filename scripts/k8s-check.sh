#!/usr/bin/env bash
# Renders every Kubernetes overlay in k8s/ with `kubectl kustomize` and validates each object
# offline against the Kubernetes schemas and the ClientTier rules (k8s/tools/validate-manifests.cjs):
# no unknown field, readiness and liveness probes, requests and limits, non-root, read-only
# root filesystem, dropped capabilities, an HPA and a PDB for every Deployment, deny-all
# NetworkPolicy, every *_FILE path a container is given on one of its mounts (and a key of the
# mounted Secret or ConfigMap when it is in the render), every mount's volume and every key ref
# present, every probe and Service port declared by the container. Then proves the validator can fail: every case in k8s/tests/cases must fail
# with its expected message (and cases/valid must pass).
#
# Needs no cluster and no network other than Debian's and the npm registry. Installs what is
# missing: Debian's nodejs and npm (as root or through sudo), Debian's kubectl 1.20 unpacked
# into the cache folder (never installed over another kubectl), and the pinned npm packages
# of k8s/tools/package-lock.json. Cache: build/k8s-check, or $CT_K8S_CHECK_CACHE.
set -euo pipefail

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$ROOT/scripts/lib.sh"
CACHE=${CT_K8S_CHECK_CACHE:-$ROOT/build/k8s-check}
mkdir -p "$CACHE"

APT=(apt-get -o DPkg::Lock::Timeout=600)
APT_LOG=$CACHE/apt.log
# apt's per-package lines go to a log, shown only when apt fails.
quiet_apt() {
  if ! as_root env DEBIAN_FRONTEND=noninteractive "${APT[@]}" "$@" >>"$APT_LOG" 2>&1; then
    tail -n 40 "$APT_LOG" >&2
    die "apt-get $* failed (log: $APT_LOG)"
  fi
}
apt_updated=false
apt_update_once() {
  if ! $apt_updated; then
    quiet_apt update
    apt_updated=true
  fi
}

# --- Node.js and npm (Debian 12 ships Node 18; a newer one already on the machine is fine).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  log "installing Debian's nodejs and npm"
  apt_update_once
  quiet_apt install -y --no-install-recommends nodejs npm
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
((node_major >= 18)) || die "Node.js $(node --version) is too old: 18 or newer is needed"

# --- kubectl from Debian 12 (1.20, with kustomize 2.0.3): the oldest renderer the manifests
# must work with, and the one a fresh Debian machine gets. Unpacked, not installed, so it
# never replaces a kubectl that is already there.
OLD_KUBECTL=$CACHE/kubernetes-client/usr/bin/kubectl
if [[ ! -x $OLD_KUBECTL ]]; then
  log "fetching Debian's kubernetes-client into $CACHE"
  download=$CACHE/download
  rm -rf "$download" && mkdir -p "$download"
  # apt-get download needs only read access to the package lists, but they may be missing
  # (a fresh machine) or stale; refresh them once then.
  fetch() { (cd "$download" && apt-get -q -o APT::Sandbox::User=root download kubernetes-client); }
  if ! fetch >/dev/null 2>&1; then
    apt_update_once
    fetch
  fi
  rm -rf "$CACHE/kubernetes-client"
  dpkg-deb -x "$download"/kubernetes-client_*.deb "$CACHE/kubernetes-client"
  rm -rf "$download"
fi
RENDERERS=("$OLD_KUBECTL")
# A newer kubectl on the machine renders with a newer kustomize: both must accept the files.
if command -v kubectl >/dev/null 2>&1; then
  system_kubectl=$(command -v kubectl)
  if ! "$system_kubectl" version --client 2>/dev/null | grep -q 'v1\.20\.'; then
    RENDERERS+=("$system_kubectl")
  fi
fi

# --- The validator's npm packages, pinned by k8s/tools/package-lock.json.
TOOLS=$CACHE/npm
if ! cmp -s "$ROOT/k8s/tools/package-lock.json" "$TOOLS/package-lock.json" ||
  [[ ! -d $TOOLS/node_modules/kubernetes-models ]]; then
  log "installing the validator's npm packages into $TOOLS"
  rm -rf "$TOOLS" && mkdir -p "$TOOLS"
  cp "$ROOT/k8s/tools/package.json" "$ROOT/k8s/tools/package-lock.json" "$TOOLS/"
  (cd "$TOOLS" && npm ci --no-audit --no-fund --cache "$CACHE/npm-cache" --loglevel=error)
fi
validate() { NODE_PATH=$TOOLS/node_modules node "$ROOT/k8s/tools/validate-manifests.cjs" "$@"; }

RENDERED=$CACHE/rendered
rm -rf "$RENDERED" && mkdir -p "$RENDERED"
passed=0
failed=0
pass() { passed=$((passed + 1)); log "ok: $*"; }
fail() { failed=$((failed + 1)); log "FAILED: $*"; }

# render KUBECTL DIR OUT: kustomize DIR with KUBECTL; deprecation warnings of newer versions
# (bases, patchesStrategicMerge) are expected and kept out of the log.
render() {
  local kubectl=$1 dir=$2 out=$3
  if ! "$kubectl" kustomize "$ROOT/$dir" >"$out" 2>"$out.err"; then
    cat "$out.err" >&2
    return 1
  fi
}

# --- The overlays. Each is validated together with the Job kustomization that runs in its
# namespace. Dev runs one replica per service and carries its own (dev) Secrets; prod's
# Secrets are created outside git, so only references to generated ones are checked there.
check_overlay() {
  local overlay=$1; shift
  local kubectl tag main job
  for kubectl in "${RENDERERS[@]}"; do
    tag=$(basename "$overlay")-$("$kubectl" version --client -o json 2>/dev/null |
      node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{console.log(JSON.parse(s).clientVersion.gitVersion)}catch{console.log("kubectl")}})')
    main=$RENDERED/$tag.yaml
    job=$RENDERED/$tag-full-rescore.yaml
    purge=$RENDERED/$tag-retention-purge.yaml
    if render "$kubectl" "$overlay" "$main" && render "$kubectl" "$overlay/full-rescore" "$job" &&
      render "$kubectl" "$overlay/retention-purge" "$purge" &&
      validate "$@" "$main" "$job" "$purge"; then
      pass "$overlay (+ full-rescore, retention-purge), rendered by kubectl ${tag#*-}"
    else
      fail "$overlay (+ full-rescore, retention-purge), rendered by kubectl ${tag#*-}"
    fi
  done
}
check_overlay k8s/overlays/dev --min-replicas=1 --secrets=in-render
check_overlay k8s/overlays/prod --min-replicas=2 --secrets=external

# --- Every kustomization under k8s/ must at least render (bases included), so none rots
# unnoticed; the overlays above validate what they contain.
while IFS= read -r file; do
  dir=${file%/kustomization.yaml}
  dir=${dir#"$ROOT"/}
  if ! render "$OLD_KUBECTL" "$dir" "$RENDERED/any.yaml"; then
    fail "$dir does not render"
  fi
done < <(find "$ROOT/k8s" -name kustomization.yaml -not -path '*/tests/*' | sort)

# --- Self-test: the validator must reject each deliberately broken case.
for case_dir in "$ROOT"/k8s/tests/cases/*/; do
  name=$(basename "$case_dir")
  out=$RENDERED/case-$name.yaml
  if ! render "$OLD_KUBECTL" "k8s/tests/cases/$name" "$out"; then
    fail "self-test $name does not render"
    continue
  fi
  set +e
  report=$(validate "$out" 2>&1)
  rc=$?
  set -e
  if [[ -f $case_dir/expect ]]; then
    expected=$(<"$case_dir/expect")
    if ((rc == 1)) && grep -qF -- "$expected" <<<"$report"; then
      pass "self-test $name: rejected ($expected)"
    else
      fail "self-test $name: expected exit 1 with '$expected', got exit $rc:"
      printf '%s\n' "$report" >&2
    fi
  elif ((rc == 0)); then
    pass "self-test $name: accepted"
  else
    fail "self-test $name: a valid fixture was rejected:"
    printf '%s\n' "$report" >&2
  fi
done

echo "k8s-check: $passed passed, $failed failed"
((failed == 0))
