#!/usr/bin/env bash
# The catalog scenarios under wrk (Debian package `wrk`), against a running server:
#   ladder seed --developers 100000 && LADDER_BIND=127.0.0.1:8088 ladder serve --no-worker
#   benches/wrk/run.sh [http://127.0.0.1:8088] [seconds]
# wrk spends far less CPU per request than the reqwest client of `cargo bench --bench
# catalog`, so its /healthz ceiling is about twice as high; see docs/catalog-benchmark.md.
set -euo pipefail
base=${1:-http://127.0.0.1:8088}
seconds=${2:-5}
here=$(cd "$(dirname "$0")" && pwd)
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 1; }
row() {
  local name=$1
  shift
  wrk -t1 -c32 -d"${seconds}s" --latency "$@" 2>&1 | awk -v name="$name" '
    /Requests\/sec/ { rps = $2 }
    / 50%/ { p50 = $2 }
    / 99%/ { p99 = $2 }
    /Non-2xx|Socket errors/ { errors = errors " " $0 }
    END { printf "| %s | %s | %s | %s |%s\n", name, rps, p50, p99, errors }'
}
# One request first, so the snapshot is built before anything is timed.
curl -fsS -o /dev/null "$base/developers"
echo "| scenario | requests/s | p50 | p99 |"
echo "|---|---:|---:|---:|"
row "healthz (ceiling)" "$base/healthz"
row "page 1 unfiltered" "$base/developers"
row "level + skill" "$base/developers?level=L2&skill=rust"
row "L2, Rust+PostgreSQL, 4h Berlin" "$base/developers?level=L2&skill=rust&skill=postgresql&tz=Europe%2FBerlin&overlap=4"
row "full-text query" "$base/developers?q=kafka+payments"
row "deep page (page 1500)" "$base/developers?page=1500"
row "uncached: level+skill, varying page" -s "$here/pages.lua" "$base"
row "uncached: new filter combination" -s "$here/combos.lua" "$base"
row "uncached: full-text, varying words (first run)" -s "$here/words.lua" "$base"
row "full-text, varying words (second run)" -s "$here/words.lua" "$base"
