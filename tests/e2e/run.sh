#!/usr/bin/env bash
# Ladder's browser journeys against the release binary on a fresh seeded SQLite database.
#   bash tests/e2e/run.sh                     # everything
#   bash tests/e2e/run.sh journeys/admin.test.mjs   # some files (relative to tests/e2e)
#   LADDER_E2E_BIN=/path/to/ladder bash tests/e2e/run.sh   # use that binary, build nothing
# Screenshots, saved HTML and per-journey report.json land in target/e2e/.
# Needs: cargo, node 20+, npm, java 17+, /usr/bin/chromium (.ci/run installs them).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
E2E=$ROOT/tests/e2e

BIN=${LADDER_E2E_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/ladder}
if [ -z "${LADDER_E2E_BIN:-}" ]; then
  echo "# building the release binary"
  cargo build --release --quiet
fi

if [ ! -d "$E2E/node_modules" ]; then
  echo "# npm ci"
  (cd "$E2E" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi

TMP=$(mktemp -d -t ladder-e2e.XXXXXX)
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT

PORT=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
BASE_URL=http://127.0.0.1:$PORT
ADMIN_EMAIL=admin@e2e.example
ADMIN_PASSWORD="e2e-admin-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')"

export DATABASE_URL=sqlite://$TMP/ladder.db
export LADDER_DATA_DIR=$TMP
export LADDER_BIND=127.0.0.1:$PORT
export LADDER_BASE_URL=$BASE_URL
export RUST_LOG=${RUST_LOG:-warn}

# Seed first: `serve` seeds only an empty users table, and the admin below would make it
# non-empty.
echo "# seeding $TMP/ladder.db"
"$BIN" seed >"$TMP/seed.log" 2>&1 || { cat "$TMP/seed.log"; exit 1; }
printf '%s\n' "$ADMIN_PASSWORD" | "$BIN" admin create "$ADMIN_EMAIL" --password-stdin >/dev/null

echo "# serving at $BASE_URL"
"$BIN" serve >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
ready=
for _ in $(seq 1 100); do
  if curl -fsS -o /dev/null "$BASE_URL/readyz" 2>/dev/null; then ready=1; break; fi
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.2
done
if [ -z "$ready" ]; then
  echo "the server did not become ready; its log:" >&2
  cat "$TMP/server.log" >&2
  exit 1
fi

rm -rf "$ROOT/target/e2e"
mkdir -p "$ROOT/target/e2e"

if [ "$#" -eq 0 ]; then set -- journeys/; fi
status=0
(
  cd "$E2E"
  LADDER_E2E_BASE_URL=$BASE_URL \
  LADDER_E2E_ADMIN_EMAIL=$ADMIN_EMAIL \
  LADDER_E2E_ADMIN_PASSWORD=$ADMIN_PASSWORD \
  LADDER_E2E_OUT=$ROOT/target/e2e \
    node --test --test-concurrency=1 "$@"
) || status=$?

# On failure: target/e2e/<journey>/FAILED-*.png, report.json, html/, and the server log.
cp "$TMP/server.log" "$ROOT/target/e2e/server.log" 2>/dev/null || true
exit "$status"
