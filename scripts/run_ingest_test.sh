#!/usr/bin/env bash
# scripts/run_ingest.sh as cron runs it, against a real S3 server (scripts/s3proxy) and a
# throwaway database: the env file's checks, a drain followed by geocoding and history, the
# class-data-sharing archive made once, two overlapping starts, a failing run, the log's
# rotation. Needs the built jar (make build). Run by scripts/test.
#   scripts/run_ingest_test.sh        on a cluster of its own (scripts/throwaway-pg)
#   FLEETTICKETS_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:PORT/postgres scripts/run_ingest_test.sh
#                                     in a database of its own on that server (a superuser)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
jar=$root/java-runner/target/fleettickets.jar
script=$root/scripts/run_ingest.sh
[[ -f $jar ]] || { echo "run_ingest_test: $jar is missing; run make build" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/fleettickets-run-ingest.XXXXXX")
chmod 755 "$work"  # as root the cluster runs as postgres, which must reach $work/pg
admin=
db=
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  "$root/scripts/s3proxy" stop "$work/s3" >/dev/null 2>&1 || true
  if [[ -n $admin ]]; then
    psql -X -q "$admin" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  else
    "$root/scripts/throwaway-pg" stop "$work/pg" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

tests=0
ok() { tests=$(( tests + 1 )); echo "run_ingest_test: ok $tests - $*"; }
fail() { echo "run_ingest_test: FAILED: $*" >&2; exit 1; }
q() { psql -X -q -A -t "$database_url" -c "$1"; }
expect() { # description, expected, actual
  [[ $2 == "$3" ]] || fail "$1: expected '$2', got '$3'"
  ok "$1"
}
wait_for() { # description, seconds, command...: polls until the command succeeds
  local what=$1 until=$(( SECONDS + $2 ))
  shift 2
  until "$@"; do
    (( SECONDS < until )) || fail "$what: not within the time allowed"
    sleep 0.2
  done
}

# --- a database and a bucket ------------------------------------------------------------
if [[ -n ${FLEETTICKETS_TEST_DATABASE_URL:-} ]]; then
  admin=$FLEETTICKETS_TEST_DATABASE_URL
  db=ft_run_ingest_$$
  psql -X -q "$admin" -c "CREATE DATABASE $db"
  database_url=${admin%/*}/$db
else
  database_url=$("$root/scripts/throwaway-pg" start "$work/pg")
fi
DATABASE_URL=$database_url java -jar "$jar" migrate >/dev/null
endpoint=$("$root/scripts/s3proxy" start "$work/s3")
read -r -a s3 <<<"$("$root/scripts/s3proxy" env)"
access=${s3[0]#*=}
secret=${s3[1]#*=}
changes=$endpoint/isptickets/automations/inc/changes
java -jar "$jar" generate --out "$work/changes" --files 6 >/dev/null
files=("$work"/changes/*.csv)
upload() { local f; for f in "$@"; do "$root/scripts/s3proxy" put "$changes/$(basename "$f")" "$f"; done; }

# --- the env file ------------------------------------------------------------------------
env_file=$work/fleettickets.env
log=$work/log/run_ingest.log
cat >"$env_file" <<ENV
# what cron's run reads; quotes and export as people write them
DATABASE_URL=$database_url
RUSTFS_ENDPOINT=$endpoint
RUSTFS_ACCESS_KEY_ID='$access'
RUSTFS_SECRET_ACCESS_KEY="$secret"
export RUSTFS_BUCKET=isptickets
FLEETTICKETS_LOCK_TIMEOUT=120s
FLEETTICKETS_JAR=$jar
FLEETTICKETS_STATE_DIR=$work/state
FLEETTICKETS_LOG=$log
ENV

status=0
"$script" "$work/missing.env" 2>"$work/err" || status=$?
expect "a missing env file exits 2" 2 "$status"
grep -q "missing.env: no such env file" "$work/err" || fail "the message names the file: $(cat "$work/err")"

chmod 644 "$env_file"
status=0
"$script" "$env_file" 2>"$work/err" || status=$?
expect "an env file with a secret that anyone may read is refused, exit 2" 2 "$status"
grep -q "holds secrets and anyone on this host may read it (mode 644); make it private: chmod 600" "$work/err" \
  || fail "the message says why and what to do: $(cat "$work/err")"
[[ ! -e $log ]] || fail "a refused env file runs nothing"
ok "nothing ran"

chmod 622 "$env_file"
status=0
FLEETTICKETS_ENV_FILE=$env_file "$script" 2>"$work/err" || status=$?
expect "an env file anyone may change is refused (FLEETTICKETS_ENV_FILE names it)" 2 "$status"
grep -q "may be changed by anyone (mode 622)" "$work/err" || fail "$(cat "$work/err")"
chmod 600 "$env_file"

# --- a run: the drain, history, geocoding ------------------------------------------------
upload "${files[@]:0:3}"
status=0
"$script" "$env_file" >"$work/out" 2>"$work/err" || status=$?
expect "the first run exits 0" 0 "$status"
expect "and prints nothing (cron would mail it)" "" "$(cat "$work/out" "$work/err")"
expect "the drain applied the three files" 3 "$(q "SELECT count(*) FROM tickets.file_ledger WHERE mode = 'apply' AND outcome = 'applied'")"
expect "and moved them to processed/" 3 "$("$root/scripts/s3proxy" list "$endpoint/isptickets" | grep -c '/processed/[^/]')"
expect "history was captured after the files" 1 "$(q "SELECT count(*) FROM tickets.history_day")"
[[ $(q "SELECT count(*) FROM tickets.geo_locations WHERE provider = 'offline'") -gt 0 ]] \
  || fail "geocoding ran after the drain, with the offline gazetteer"
ok "geocoding ran after the drain"
grep -q "drain: fleettickets --from-bucket --apply --quiet" "$log" || fail "the log says what ran: $(cat "$log")"
grep -q "geocode: fleettickets --geocode-clusters --geocode-locations --apply --quiet" "$log" || fail "$(cat "$log")"
grep -q "geocode locations: .* asked" "$log" || fail "the runner's summary is in the log: $(cat "$log")"
[[ -s $work/state/fleettickets.jsa ]] || fail "the class-data-sharing archive is made on first use"
ok "the class-data-sharing archive was made on first use"

status=0
"$script" "$env_file" || status=$?
expect "a run with nothing new exits 0" 0 "$status"
expect "the archive is made once" 1 "$(grep -c "making the class-data-sharing archive" "$log")"
grep -q "SharedArchiveFile\|Unable to use shared archive" "$log" && fail "the JVM complained about the archive: $(cat "$log")"
ok "the JVM takes the archive without a word"

# --- two overlapping starts ----------------------------------------------------------------
upload "${files[@]:3:3}"
PGAPPNAME=run_ingest_test_lock psql -X -q "$database_url" \
  -c "BEGIN; LOCK TABLE tickets.inc IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(600);" >/dev/null 2>&1 &
pids+=($!)
locked() {
  [[ $(q "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)
           WHERE a.application_name = 'run_ingest_test_lock' AND l.relation = 'tickets.inc'::regclass
             AND l.granted") == 1 ]]
}
waiting() {
  [[ $(q "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'fleettickets' AND wait_event_type = 'Lock'") == 1 ]]
}
wait_for "the test's session locks tickets.inc" 30 locked
"$script" "$env_file" >"$work/first.out" 2>&1 &
first=$!
pids+=("$first")
wait_for "the first run waits for tickets.inc" 60 waiting

started=$(date +%s%N)
status=0
"$script" "$env_file" >"$work/second.out" 2>&1 || status=$?
elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
expect "a second start while the first runs exits 5" 5 "$status"
(( elapsed_ms < 5000 )) || fail "the second start left at once, not after ${elapsed_ms} ms"
ok "the second start left at once (${elapsed_ms} ms), without waiting"
expect "and printed nothing" "" "$(cat "$work/second.out")"
grep -q "another run holds $work/state/run_ingest.lock; this start did nothing" "$log" || fail "$(cat "$log")"
ok "the log says why it did nothing"
kill -0 "$first" 2>/dev/null || fail "the first run still waits"

q "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'run_ingest_test_lock'" >/dev/null
status=0
wait "$first" || status=$?
expect "the first run completes once the lock is gone" 0 "$status"
expect "and applied the three new files" 6 "$(q "SELECT count(*) FROM tickets.file_ledger WHERE outcome = 'applied'")"

# --- a failing run ----------------------------------------------------------------------------
cp "$env_file" "$work/down.env"
printf '%s\n' "RUSTFS_ENDPOINT=http://127.0.0.1:1" "FLEETTICKETS_S3_MAX_ATTEMPTS=1" >>"$work/down.env"
status=0
"$script" "$work/down.env" >"$work/out" 2>"$work/err" || status=$?
expect "a drain that cannot reach S3 exits 4" 4 "$status"
expect "with one line on stderr for cron's mail" "run_ingest: drain exited 4, geocoding 0; see $log" "$(cat "$work/err")"
grep -q "S3 failed listing" "$log" || fail "the runner's reason is in the log: $(tail -5 "$log")"
ok "the reason is in the log"

# --- the log rotates -------------------------------------------------------------------------
printf '%s\n' "FLEETTICKETS_LOG_MAX_BYTES=1" "FLEETTICKETS_LOG_KEEP=2" >>"$env_file"
for _ in 1 2 3; do "$script" "$env_file"; done
[[ -f $log && -f $log.1 && -f $log.2 && ! -e $log.3 ]] || fail "the log, and two old ones: $(ls "$work/log")"
ok "the log rotates past its size, keeping FLEETTICKETS_LOG_KEEP old ones"
expect "each old log holds one run" 1 "$(grep -c "drain: exit 0" "$log.1")"

echo "run_ingest_test: all $tests passed"
