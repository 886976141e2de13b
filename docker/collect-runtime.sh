#!/usr/bin/env bash
# Used by docker/Dockerfile's build stage:  collect-runtime.sh TARGET BUILD_DIR OUT_DIR
# Copies the executable TARGET from BUILD_DIR to OUT_DIR/bin (debug info stripped) and writes
# OUT_DIR/runtime-packages.txt: the Debian packages that own the shared libraries it loads,
# so the runtime stage installs those and no -dev package.
set -euo pipefail
target=${1:?target} build=${2:?build dir} out=${3:?out dir}

mapfile -t found < <(find "$build" -type f -name "$target" -perm -u+x -not -path '*/CMakeFiles/*')
((${#found[@]} == 1)) || { echo "expected one executable named $target in $build, found: ${found[*]:-none}" >&2; exit 1; }
mkdir -p "$out/bin"
cp "${found[0]}" "$out/bin/$target"
strip --strip-debug "$out/bin/$target"

# ldd prints "libfoo.so.1 => /usr/lib/x86_64-linux-gnu/libfoo.so.1 (0x...)". dpkg knows a
# file by the path its package installed, which after Debian's /usr merge may be the /lib or
# the /usr/lib spelling: try the path, its resolved form, and the other spelling.
owner() {
  local path=$1 candidate
  for candidate in "$path" "$(readlink -f "$path")" "${path#/usr}" "/usr$path"; do
    if dpkg -S "$candidate" 2>/dev/null | head -n1 | cut -d: -f1; then
      return 0
    fi
  done
  echo "no Debian package owns $path" >&2
  return 1
}
ldd "$out/bin/$target" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | sort -u >"$out/libraries.txt"
while read -r library; do owner "$library"; done <"$out/libraries.txt" | sort -u >"$out/runtime-packages.txt"
# For referral on bookworm: libgrpc++1.51 libgrpc29 libprotobuf32 libabsl20220623 libre2-9
# libc-ares2 libhiredis0.14 libmysqlcppconn7v5 libmariadb3 libcpp-httplib0.11 libssl3
# libbrotli1 zlib1g and the C/C++ runtime (libc6 libstdc++6 libgcc-s1).
echo "runtime packages for $target:" && cat "$out/runtime-packages.txt"
