#!/usr/bin/env bash
# loadbench.sh BIN_DIR sqlite|pg OUT_DIR: the load tool's workloads of
# docs/benchmarks.md against one fresh `chatplay serve` (limits off, the
# tool's instant model), one after the other; each report goes to
# OUT_DIR/<db>-<workload>.txt. BIN_DIR holds chatplay and chatplay-load:
#   go build -o bin/chatplay ./cmd/chatplay && go build -o bin/chatplay-load ./cmd/chatplay-load
#   scripts/loadbench.sh bin sqlite /tmp/load
# PostgreSQL: a database chatplay_load on 127.0.0.1:5432 (dropped and made
# anew). Ports 8080 (chatplay) and 8099 (the model) must be free.
set -u
DB=$2; mkdir -p "$3"; BIN=$(cd "$1" && pwd); OUT=$(cd "$3" && pwd)
export CHATPLAY_SERVER_ADDR=127.0.0.1:8080 CHATPLAY_MODEL_BASE_URL=http://127.0.0.1:8099/v1 \
  CHATPLAY_LIMITS_TURNS_PER_MINUTE=0 CHATPLAY_LIMITS_TOKENS_PER_DAY=0 CHATPLAY_AUTH_LOGIN_ATTEMPTS_PER_IP=0
if [ "$DB" = sqlite ]; then
  rm -rf /tmp/chatplay-load && mkdir -p /tmp/chatplay-load
  export CHATPLAY_DATABASE_URL=sqlite:/tmp/chatplay-load/load.db
else
  psql 'postgres://postgres@127.0.0.1:5432/postgres' -qc 'DROP DATABASE IF EXISTS chatplay_load' -c 'CREATE DATABASE chatplay_load'
  export CHATPLAY_DATABASE_URL='postgres://postgres@127.0.0.1:5432/chatplay_load?sslmode=disable'
fi
cd /tmp; "$BIN/chatplay" serve >"$OUT/server-$DB.log" 2>&1 &
PID=$!
for _ in $(seq 1 50); do curl -sf http://127.0.0.1:8080/healthz >/dev/null && break; sleep 0.2; done
run() { name=$1; shift; "$BIN/chatplay-load" -url http://127.0.0.1:8080 -model-addr 127.0.0.1:8099 -pid $PID "$@" >"$OUT/$DB-$name.txt" 2>&1; echo "== $DB $name"; cat "$OUT/$DB-$name.txt" | head -30; }
run own8 -users 8 -turns 50
run shared8 -users 8 -turns 50 -shared
run own64 -users 64 -turns 50
run sse8 -users 8 -turns 50 -mode sse
run full8 -users 8 -turns 400   # full windows from about the 200th turn
kill $PID; wait $PID 2>/dev/null
