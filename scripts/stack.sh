#!/usr/bin/env bash
# Private, throwaway MariaDB + Redis for ClientTier tests and local runs.
#
#   stack.sh start DIR   start both servers with state under DIR, write and print DIR/stack.env
#   stack.sh stop DIR    stop them (tolerates already-stopped servers); DIR is kept
#   stack.sh env DIR     print DIR/stack.env
#
# Load the variables with:  set -a; . DIR/stack.env; set +a
set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$SCRIPT_DIR/lib.sh"

DB_USER=clienttier
DB_PASSWORD=clienttier
# An ACL user beside the default one (which stays open for the tests), with the rule that
# k8s/README.md gives every service: the AUTH tests and the rendered-overlay check use it.
REDIS_ACL_USER=ct-acl
REDIS_ACL_PASSWORD=ct-acl-secret
READY_TIMEOUT=60
# Serialises port choice + bind across concurrent starts on this machine.
LOCK_FILE=${TMPDIR:-/tmp}/clienttier-stack.lock

usage() {
  printf 'usage: %s {start|stop|env} DIR\n' "${0##*/}" >&2
  exit 2
}

# /usr/sbin is often missing from a non-root PATH, and mariadbd lives there.
find_bin() {
  local name=$1 d
  if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
  for d in /usr/sbin /usr/local/sbin /sbin; do
    [[ -x $d/$name ]] && { printf '%s\n' "$d/$name"; return 0; }
  done
  die "$name not found; run scripts/install-deps.sh"
}

# True if PID is a live (non-zombie) process named COMM: pidfiles may be stale
# and PIDs recycled, so never signal on the number alone.
is_running() {
  local pid=$1 comm=$2 stat
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$comm" ]] || return 1
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

not_running() { ! is_running "$@"; }

# A random port below the kernel's ephemeral range (so no outgoing connection
# can be holding it) with no socket in any state on it.

# wait_ready PID COMM CMD...: until CMD succeeds; fail early if the server died.
wait_ready() {
  local pid=$1 comm=$2 deadline=$((SECONDS + READY_TIMEOUT))
  shift 2
  until "$@" >/dev/null 2>&1; do
    is_running "$pid" "$comm" || return 1
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

# launch PIDFILE LOGFILE CMD...: detached from our session/terminal so the
# server outlives the caller; records the PID at once so stop works even if
# the server dies before writing its own pidfile.
launch() {
  local pidfile=$1 logfile=$2
  shift 2
  # The port lock fd must not leak into the server, or it would hold the lock
  # for its whole lifetime.
  setsid nohup "$@" >>"$logfile" 2>&1 </dev/null {LOCK_FD}<&- &
  local pid=$! i comm
  printf "%s\n" "$pid" >"$pidfile"
  # Until setsid/nohup have exec'd the server, the PID carries their name.
  for ((i = 0; i < 50; i++)); do
    comm=$(cat "/proc/$pid/comm" 2>/dev/null) || break
    [[ $comm == setsid || $comm == nohup ]] || break
    sleep 0.1
  done
}

log_since() { tail -c "+$(($2 + 1))" "$1" 2>/dev/null || true; }
file_size() { stat -c %s "$1" 2>/dev/null || echo 0; }

# start_server NAME COMM PIDFILE LOGFILE PORTVAR START_FN PING_FN
# Retries on a lost port race (someone else bound it between pick and bind).
start_server() {
  local name=$1 comm=$2 pidfile=$3 logfile=$4 portvar=$5 start_fn=$6 ping_fn=$7
  local attempt port offset
  for attempt in 1 2 3 4 5; do
    port=$(pick_port)
    offset=$(file_size "$logfile")
    "$start_fn" "$port"
    if wait_ready "$(<"$pidfile")" "$comm" "$ping_fn" "$port"; then
      printf -v "$portvar" '%s' "$port"
      log "$name ready on 127.0.0.1:$port"
      return 0
    fi
    if log_since "$logfile" "$offset" | grep -q 'Address already in use' && ((attempt < 5)); then
      log "$name: port $port taken meanwhile, retrying"
      stop_pidfile "$name" "$comm" "$pidfile" 10
      continue
    fi
    log "$name exited or was not ready within ${READY_TIMEOUT}s; $logfile:"
    log_since "$logfile" "$offset" >&2
    return 1
  done
}

# stop_pidfile NAME COMM PIDFILE TIMEOUT: SIGTERM, then SIGKILL after TIMEOUT.
stop_pidfile() {
  local name=$1 comm=$2 pidfile=$3 timeout=$4 pid
  if [[ ! -s $pidfile ]]; then
    log "$name: no pidfile, nothing to stop"
    return 0
  fi
  pid=$(<"$pidfile")
  if is_running "$pid" "$comm"; then
    log "$name: stopping pid $pid"
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_until "$timeout" not_running "$pid" "$comm"; then
      log "$name: still running after ${timeout}s, killing"
      kill -KILL "$pid" 2>/dev/null || true
      wait_until 10 not_running "$pid" "$comm" || die "$name: pid $pid survived SIGKILL"
    fi
  else
    log "$name: not running"
  fi
  rm -f "$pidfile"
}

# --- TLS material ------------------------------------------------------------

# A throwaway CA and a server certificate for 127.0.0.1, so tests can prove that a service
# verifies MariaDB's certificate (mysql-tls-ca-file). Plain connections still work.
make_tls() {
  local tls=$DIR/tls
  [[ -s $tls/server-key.pem && -s $tls/ca.pem ]] && return 0
  mkdir -p "$tls"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=clienttier-stack-ca" \
    -keyout "$tls/ca-key.pem" -out "$tls/ca.pem" >"$tls/openssl.log" 2>&1
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$tls/server-key.pem" -out "$tls/server.csr" >>"$tls/openssl.log" 2>&1
  printf 'subjectAltName=IP:127.0.0.1\n' >"$tls/server.ext"
  openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca-key.pem" \
    -CAcreateserial -days 30 -extfile "$tls/server.ext" -out "$tls/server.pem" \
    >>"$tls/openssl.log" 2>&1
}

# --- MariaDB ---------------------------------------------------------------

# A quarter of the machine's memory, between 1 GiB and 4 GiB. The 1M demo's data outgrows 1 GiB:
# with 4 GiB on this 24 GiB VM scoring caught up in 356 s instead of 429 and the CLV fit with
# BatchRescore took 67 s instead of 93 (bench/demo-1m, 2026-12-07, one run each).
buffer_pool_size() {
  local kib
  kib=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo 2>/dev/null)
  local mib=$((${kib:-0} / 1024 / 4))
  ((mib < 1024)) && mib=1024
  ((mib > 4096)) && mib=4096
  echo "${mib}M"
}

start_mariadb() {
  mkdir -p "$DIR/tmp"
  local args=(
    --no-defaults
    --datadir="$DIR/mysql"
    --socket="$MYSQL_SOCK"
    --port="$1"
    --bind-address=127.0.0.1
    --pid-file="$MYSQL_PID"
    --log-error="$DIR/mariadb.log"
    # Its own: at start mariadbd deletes every #sql* file in its tmpdir, and with /tmp that
    # includes the on-disk temporary tables of any other MariaDB on the machine (a test's).
    --tmpdir="$DIR/tmp"
    --skip-name-resolve
    # Room for a 1M-client tenant's scores (bench/rescore-bench): a small redo log forces a
    # checkpoint every few thousand rows of a bulk write. Rewriting 1M score rows logs over
    # 1 GB, so at 512M a rescore's checkpoint age sits at the flush point for the whole write;
    # 2G made rescore-bench faster on average but the 1M demo's event catch-up slower (with
    # a 1 GB pool, more dirty pages to evict), so it stays 512M (services/scoring/README.md).
    --innodb-buffer-pool-size="$(buffer_pool_size)"
    --innodb-log-file-size=512M
    --innodb-flush-log-at-trx-commit=1
    # Interleaved auto-increment (MySQL 8's default; MariaDB's is 1): with 1, a LOAD DATA holds
    # the table's AUTO-INC lock to its end, so client-profile's concurrent batches into
    # `transactions` queue on it. Nothing here needs a statement's ids to be consecutive (no
    # statement-based binlog, no LAST_INSERT_ID arithmetic; the outbox relay reads unpublished
    # rows, not an id high-water mark). Measured 2026-12-07: the 200,000-client demo's
    # transactions part 56 s against 65-71 s, and the 1M demo 723-761 s (three runs) against
    # 787 s (one); runs of the same code spread by ±30 s that day.
    --innodb-autoinc-lock-mode=2
    --max-connections=500
    --ssl-ca="$DIR/tls/ca.pem"
    --ssl-cert="$DIR/tls/server.pem"
    --ssl-key="$DIR/tls/server-key.pem"
  )
  # mariadbd refuses to run as root unless told to; harmless to omit otherwise.
  ((EUID == 0)) && args+=(--user=root)
  # Opt-in extra server options for measurements, e.g.
  # CT_MARIADB_EXTRA_ARGS="--performance-schema=ON" to profile statements by digest.
  if [[ -n "${CT_MARIADB_EXTRA_ARGS:-}" ]]; then
    local extra
    read -r -a extra <<<"$CT_MARIADB_EXTRA_ARGS"
    args+=("${extra[@]}")
  fi
  launch "$MYSQL_PID" "$DIR/mariadb.log" "$MARIADBD" "${args[@]}"
}

ping_mariadb() {
  "$MARIADB_ADMIN" --no-defaults --socket="$MYSQL_SOCK" -uroot --connect-timeout=2 ping
}

init_mariadb() {
  # The marker, not the datadir, proves a previous init completed.
  [[ -e $DIR/mariadb.initialized ]] && return 0
  rm -rf "$DIR/mysql"
  local args=(
    --no-defaults
    --datadir="$DIR/mysql"
    --auth-root-authentication-method=normal
    --skip-test-db
    # A fresh container may have no resolvable hostname (not even in /etc/hosts), and the
    # script refuses to run then; the server runs with --skip-name-resolve anyway.
    --force
  )
  ((EUID == 0)) && args+=(--user=root)
  log "initialising MariaDB datadir $DIR/mysql"
  if ! "$MARIADB_INSTALL_DB" "${args[@]}" >"$DIR/mariadb-install.log" 2>&1; then
    cat "$DIR/mariadb-install.log" >&2
    die "mariadb-install-db failed"
  fi
  : >"$DIR/mariadb.initialized"
}

create_db_user() {
  "$MARIADB" --no-defaults --socket="$MYSQL_SOCK" -uroot <<SQL
CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'127.0.0.1';
GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'localhost';
FLUSH PRIVILEGES;
SQL
}

# --- Redis -----------------------------------------------------------------

# The AOF is rewritten when it has grown to five times its last rewrite (Redis's default is
# twice): every stream delivery is logged (an XCLAIM per entry and group) and every ack, so a
# history import grows it by gigabytes, and the 1M demo forked and wrote a ~1 GB rewrite 37
# times on the cores the services and MariaDB share.
start_redis() {
  launch "$REDIS_PID" "$DIR/redis.log" "$REDIS_SERVER" \
    --bind 127.0.0.1 --port "$1" \
    --dir "$DIR/redis" \
    --appendonly yes --appendfsync everysec --save '' \
    --auto-aof-rewrite-percentage 400 \
    --daemonize no --protected-mode yes \
    --pidfile "$REDIS_PID" --logfile "$DIR/redis.log" \
    --user "$REDIS_ACL_USER" on ">$REDIS_ACL_PASSWORD" "~ct:*" "&__redis__:invalidate" "+@all" "-@dangerous"
}

ping_redis() {
  [[ $("$REDIS_CLI" -h 127.0.0.1 -p "$1" ping 2>/dev/null) == PONG ]]
}

# --- subcommands -----------------------------------------------------------

cmd_start() {
  MARIADBD=$(find_bin mariadbd)
  MARIADB=$(find_bin mariadb)
  MARIADB_ADMIN=$(find_bin mariadb-admin)
  MARIADB_INSTALL_DB=$(find_bin mariadb-install-db)
  REDIS_SERVER=$(find_bin redis-server)
  REDIS_CLI=$(find_bin redis-cli)
  find_bin ss >/dev/null

  # Unix socket paths are limited to 107 bytes.
  ((${#MYSQL_SOCK} < 100)) || die "DIR path too long for a unix socket: $MYSQL_SOCK"
  if is_running "$(cat "$MYSQL_PID" 2>/dev/null)" mariadbd ||
    is_running "$(cat "$REDIS_PID" 2>/dev/null)" redis-server; then
    die "a stack is already running in $DIR; run: $0 stop $DIR"
  fi
  mkdir -p "$DIR/redis"
  rm -f "$DIR/stack.env"

  # Leave nothing half-started behind if anything below fails.
  trap 'rc=$?; if ((rc != 0)); then log "start failed, stopping what was started"; cmd_stop || true; fi' EXIT

  init_mariadb
  make_tls

  local mysql_port redis_port
  : >>"$LOCK_FILE" 2>/dev/null || true
  exec {LOCK_FD}<"$LOCK_FILE"
  flock -w 300 "$LOCK_FD" || die "timed out waiting for $LOCK_FILE"
  start_server MariaDB mariadbd "$MYSQL_PID" "$DIR/mariadb.log" mysql_port start_mariadb ping_mariadb
  start_server Redis redis-server "$REDIS_PID" "$DIR/redis.log" redis_port start_redis ping_redis
  exec {LOCK_FD}<&-

  create_db_user

  cat >"$DIR/stack.env.tmp" <<ENV
CT_MYSQL_HOST=127.0.0.1
CT_MYSQL_PORT=$mysql_port
CT_MYSQL_USER=$DB_USER
CT_MYSQL_PASSWORD=$DB_PASSWORD
CT_REDIS_HOST=127.0.0.1
CT_REDIS_PORT=$redis_port
CT_REDIS_SERVER_BIN=$REDIS_SERVER
CT_STACK_MYSQL_TLS_CA=$DIR/tls/ca.pem
CT_STACK_REDIS_ACL_USER=$REDIS_ACL_USER
CT_STACK_REDIS_ACL_PASSWORD=$REDIS_ACL_PASSWORD
ENV
  mv "$DIR/stack.env.tmp" "$DIR/stack.env"
  trap - EXIT
  cat "$DIR/stack.env"
}

cmd_stop() {
  stop_pidfile Redis redis-server "$REDIS_PID" 15
  stop_pidfile MariaDB mariadbd "$MYSQL_PID" 30
}

cmd_env() {
  [[ -s $DIR/stack.env ]] || die "no stack.env in $DIR; run: $0 start $DIR"
  cat "$DIR/stack.env"
}

(($# == 2)) || usage
case $1 in
  start) mkdir -p -- "$2" ;;
  stop | env) [[ -d $2 ]] || die "no such directory: $2" ;;
  *) usage ;;
esac
DIR=$(cd -- "$2" && pwd -P)
MYSQL_SOCK=$DIR/mysql.sock
MYSQL_PID=$DIR/mariadb.pid
REDIS_PID=$DIR/redis.pid
"cmd_$1"
