# shellcheck shell=bash
# A throwaway PostgreSQL server for the tests: `source .ci/postgres.sh`.
#
# .ci/run sources it; a developer can too, in any shell (as root or as themselves):
#
#     source .ci/postgres.sh && python -m pytest -q -n 2 tests/kb
#
# It creates a cluster in a new temp directory (initdb runs as the `postgres` user when
# this shell is root: initdb refuses root), starts it on 127.0.0.1 and a free port with
# its unix socket in that directory, waits until it accepts connections (pg_isready),
# creates the role and database `kbtest`, and exports
#
#     KB_TEST_POSTGRES_URL=postgresql+psycopg://kbtest:kbtest@127.0.0.1:PORT/kbtest
#
# A trap stops the server and removes the directory when the shell exits (any EXIT trap
# already set still runs after it). Sourcing it again in the same shell reuses the
# server while it answers. On failure it prints one line and returns 1.
# Knobs: KB_PG_BIN (the directory of initdb/pg_ctl), KB_PG_FSYNC=off (faster, not durable).

_kb_pg_fail() {
  echo "postgres.sh: $*" >&2
  return 1
}

_kb_pg_as_owner() {
  # run a server command as the cluster's owner (postgres when we are root)
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

_kb_pg_bin() {
  if [ -n "${KB_PG_BIN:-}" ]; then
    echo "$KB_PG_BIN"
    return 0
  fi
  local found
  if found=$(command -v initdb 2>/dev/null) && [ -n "$found" ]; then
    dirname "$(readlink -f "$found")"
    return 0
  fi
  if found=$(command -v pg_ctl 2>/dev/null) && [ -n "$found" ]; then
    found=$(dirname "$(readlink -f "$found")")
    if [ -x "$found/initdb" ]; then
      echo "$found"
      return 0
    fi
  fi
  # Debian keeps the server binaries per version; take the newest
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$found" ] && [ -x "$found/initdb" ]; then
    echo "$found"
    return 0
  fi
  return 1
}

_kb_pg_stop() {
  local dir="${_KB_PG_DIR:-}"
  [ -n "$dir" ] || return 0
  if [ -n "${_KB_PG_BINDIR:-}" ] && [ -f "$dir/data/postmaster.pid" ]; then
    _kb_pg_as_owner "$_KB_PG_BINDIR/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  unset _KB_PG_DIR
  if [ "${KB_TEST_POSTGRES_URL:-}" = "${_KB_PG_URL:-}" ]; then
    unset KB_TEST_POSTGRES_URL
  fi
  unset _KB_PG_URL
  return 0
}

_kb_pg_free_port() {
  python3 - <<'EOF'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
EOF
}

_kb_pg_start() {
  local bindir dir port attempt psql_out

  # sourced twice in one shell: keep the server that is already running
  if [ -n "${_KB_PG_DIR:-}" ] && [ -n "${_KB_PG_URL:-}" ] && [ -n "${_KB_PG_BINDIR:-}" ] \
     && "$_KB_PG_BINDIR/pg_isready" -q -h "$_KB_PG_DIR" -p "$_KB_PG_PORT" 2>/dev/null; then
    export KB_TEST_POSTGRES_URL="$_KB_PG_URL"
    echo "postgres.sh: reusing the test server on 127.0.0.1:$_KB_PG_PORT"
    return 0
  fi
  _kb_pg_stop

  bindir=$(_kb_pg_bin) || { _kb_pg_fail "cannot find PostgreSQL's initdb (install postgresql, or set KB_PG_BIN)"; return 1; }
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    _kb_pg_fail "running as root but there is no postgres user to own the cluster"
    return 1
  fi
  command -v python3 >/dev/null 2>&1 || { _kb_pg_fail "python3 is needed to pick a free port"; return 1; }

  dir=$(mktemp -d "${TMPDIR:-/tmp}/kb-postgres.XXXXXX") || { _kb_pg_fail "cannot create a temp directory"; return 1; }
  _KB_PG_DIR="$dir"
  _KB_PG_BINDIR="$bindir"
  if [ "$(id -u)" = 0 ]; then
    chown postgres: "$dir" || { _kb_pg_fail "cannot give $dir to the postgres user"; _kb_pg_stop; return 1; }
  fi
  chmod 700 "$dir"

  if ! _kb_pg_as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth-local=trust \
       --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
    _kb_pg_fail "initdb failed: $(tail -n 1 "$dir/initdb.log" 2>/dev/null)"
    _kb_pg_stop
    return 1
  fi

  # a free port can be taken between choosing and binding it: try a few
  for attempt in 1 2 3; do
    port=$(_kb_pg_free_port) || port=""
    [ -n "$port" ] || continue
    if _kb_pg_as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
         -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=200 -c fsync=${KB_PG_FSYNC:-on}" \
         start >/dev/null 2>&1; then
      break
    fi
    port=""
  done
  if [ -z "$port" ]; then
    _kb_pg_fail "the server did not start: $(tail -n 1 "$dir/server.log" 2>/dev/null)"
    _kb_pg_stop
    return 1
  fi
  _KB_PG_PORT=$port

  for attempt in $(seq 1 100); do
    "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" && break
    sleep 0.1
  done
  if ! "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port"; then
    _kb_pg_fail "the server on 127.0.0.1:$port does not accept connections: $(tail -n 1 "$dir/server.log" 2>/dev/null)"
    _kb_pg_stop
    return 1
  fi

  if ! psql_out=$(_kb_pg_as_owner "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d postgres \
       -c "CREATE ROLE kbtest LOGIN PASSWORD 'kbtest'" -c "CREATE DATABASE kbtest OWNER kbtest" 2>&1); then
    _kb_pg_fail "cannot create the kbtest role and database: $(echo "$psql_out" | tail -n 1)"
    _kb_pg_stop
    return 1
  fi

  _KB_PG_URL="postgresql+psycopg://kbtest:kbtest@127.0.0.1:$port/kbtest"
  export KB_TEST_POSTGRES_URL="$_KB_PG_URL"

  # stop the server when this shell exits, then run whatever EXIT trap was there
  local previous=""
  if [ -n "$(trap -p EXIT)" ]; then
    eval "set -- $(trap -p EXIT)"  # trap -- 'COMMAND' EXIT
    previous=${3:-}
  fi
  case "$previous" in
    *_kb_pg_stop*) ;;  # already ours (sourced before in this shell)
    "") trap '_kb_pg_stop' EXIT ;;
    *) trap "_kb_pg_stop; $previous" EXIT ;;
  esac
  echo "postgres.sh: PostgreSQL test server on 127.0.0.1:$port (KB_TEST_POSTGRES_URL exported)"
}

_kb_pg_start || return 1 2>/dev/null || exit 1
