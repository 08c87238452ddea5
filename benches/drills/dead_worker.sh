#!/bin/bash
# Drill: a process dies (kill -9) while delivering a mail to a server that never answers;
# another worker picks the job up once its lease expires. Prints the seconds it took.
set -u
# Usage: BIN=target/debug/ladder bash benches/drills/dead_worker.sh
# (PostgreSQL on 127.0.0.1:5432, trust auth, user postgres; makes and drops its own database)
BIN=${BIN:-target/debug/ladder}
HERE=$(dirname "$0")
DB=ladder_drill_$$
psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $DB" postgres
URL=postgres://postgres@127.0.0.1:5432/$DB
DATA=$(mktemp -d)
python3 "$HERE/silent_smtp.py" 25999 & SILENT=$!
sleep 0.5
DATABASE_URL=$URL LADDER_DATA_DIR=$DATA $BIN migrate >/dev/null
DATABASE_URL=$URL LADDER_DATA_DIR=$DATA LADDER_SMTP_URL="smtp://127.0.0.1:25999?tls=none" $BIN mail check drill@example.com >/dev/null 2>&1 & CHECK=$!
for i in $(seq 1 100); do
  s=$(psql -tA -h 127.0.0.1 -U postgres -c "select status from jobs order by id desc limit 1" $DB 2>/dev/null)
  [ "$s" = running ] && break; sleep 0.1
done
psql -tA -h 127.0.0.1 -U postgres -c "select id,status,locked_by,locked_at from jobs" $DB
kill -9 $CHECK; KILLED=$(date +%s.%N); echo "killed the delivering process at $(date -u +%T)"
DATABASE_URL=$URL LADDER_DATA_DIR=$DATA $BIN worker >$DATA/worker.log 2>&1 & WORKER=$!
while true; do
  s=$(psql -tA -h 127.0.0.1 -U postgres -c "select status from jobs where kind='send_email' order by id limit 1" $DB)
  [ "$s" = done ] && break; sleep 0.2
done
NOW=$(date +%s.%N)
echo "job done again $(echo "$NOW - $KILLED" | bc) s after kill -9"
psql -tA -h 127.0.0.1 -U postgres -c "select id,status,attempts,last_error from jobs where kind='send_email'" $DB
kill $WORKER; wait $WORKER; kill $SILENT
grep -i "lease\|released" $DATA/worker.log | head -3
psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE $DB WITH (FORCE)" postgres
