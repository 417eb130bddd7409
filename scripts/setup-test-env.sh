#!/usr/bin/env bash
# Installs and starts what the test suite needs beyond npm packages: PostgreSQL with
# pgvector (built from Debian's next-release source package, as this Debian ships no
# binary), and Debian's python3-torch for the training tests. Idempotent. Prints
# `export TEST_DATABASE_URL=...` lines for the caller to eval.
# Needs root for apt-get; without root it only checks and reports what is missing.
set -euo pipefail
log() { echo "[setup-test-env] $*" >&2; }
# stdout carries only the final export line; everything else goes to stderr.
exec 3>&1 1>&2
DB_NAME=${CROSSFORK_TEST_DB:-crossfork_test}
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }
apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then as_root apt-get update -qq >&2; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

# 1. PostgreSQL server.
if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  log "installing PostgreSQL"; apt_install postgresql
fi
PG_VER=$(ls /usr/lib/postgresql | sort -n | tail -1)
PG_CONFIG=/usr/lib/postgresql/$PG_VER/bin/pg_config
[ -x "$PG_CONFIG" ] || PG_CONFIG=$(command -v pg_config || true)

# 2. pgvector for that server, from Debian source (about 15 s).
if [ ! -f "/usr/share/postgresql/$PG_VER/extension/vector.control" ]; then
  log "building pgvector for PostgreSQL $PG_VER from Debian's source package"
  apt_install "postgresql-server-dev-$PG_VER" build-essential ca-certificates
  work=$(mktemp -d); chmod 755 "$work"
  uri=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$uri" ] || uri=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$uri" ] || uri=http://deb.debian.org/debian
  mkdir -p "$work/lists/partial"
  echo "deb-src $uri trixie main" > "$work/sources.list"
  opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=/dev/null" -o "Dir::State::Lists=$work/lists")
  as_root apt-get "${opts[@]}" update -qq >&2
  (cd "$work" && as_root apt-get "${opts[@]}" source --download-only pgvector >/dev/null 2>&1)
  tar -xzf "$work"/pgvector_*.orig.tar.gz -C "$work"
  as_root make -C "$work"/pgvector-*/ -j"$(nproc)" PG_CONFIG="$PG_CONFIG" >/dev/null 2>&1
  as_root make -C "$work"/pgvector-*/ install PG_CONFIG="$PG_CONFIG" >/dev/null
  rm -rf "$work"
fi

# 3. Start the cluster and give the current user a superuser role and a database.
if ! pg_lsclusters -h 2>/dev/null | awk '{print $4}' | grep -q online; then
  log "starting PostgreSQL $PG_VER"
  # 3>&- : the daemon must not inherit the caller's output pipe, or a caller reading
  # our stdout through $(...) would wait for it forever.
  as_root pg_ctlcluster "$PG_VER" main start >&2 3>&-
fi
for _ in $(seq 1 30); do pg_isready -q -h /var/run/postgresql && break; sleep 0.5; done
# A password role over TCP works for every client (postgres.js ignores socket paths in URLs).
ROLE=crossfork; PASS=crossfork
as_root su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='$ROLE'\" | grep -q 1 || psql -qc \"CREATE ROLE $ROLE LOGIN SUPERUSER PASSWORD '$PASS'\"" >&2
as_root su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='$DB_NAME'\" | grep -q 1 || createdb -O $ROLE '$DB_NAME'" >&2
PORT=$(pg_lsclusters -h | awk -v v="$PG_VER" '$1==v && $2=="main" {print $3}')
URL="postgres://$ROLE:$PASS@127.0.0.1:${PORT:-5432}/$DB_NAME"
psql "$URL" -qtAc "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS vector" >/dev/null
log "PostgreSQL $PG_VER with pgvector $(psql "$URL" -qtAc "SELECT extversion FROM pg_extension WHERE extname='vector'") ready: $URL"

# 4. Debian's PyTorch and NumPy for the training harness tests (test/training), when missing.
if ! /usr/bin/python3 -c 'import torch, numpy' >/dev/null 2>&1; then
  log "installing python3-torch python3-numpy (training harness tests)"
  apt_install python3-torch python3-numpy || log "could not install python3-torch python3-numpy: training tests will be skipped (CI fails them)"
fi

# 5. Debian's Chromium for the browser tests (test/web, through playwright-core), when missing.
if [ ! -x /usr/bin/chromium ]; then
  log "installing Chromium for the browser tests"
  apt_install chromium || log "could not install chromium: browser tests will be skipped (CI fails them)"
fi
echo "export TEST_DATABASE_URL='$URL'" >&3
