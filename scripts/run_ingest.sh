#!/usr/bin/env bash
# The scheduled run on a plain host (no container): the bucket drain, then geocoding, with
# the image's JVM start (class-data sharing), one run at a time, and a log that rotates.
#
#   run_ingest.sh [ENV_FILE]
#
# ENV_FILE (else $FLEETTICKETS_ENV_FILE, else /etc/fleettickets.env) holds KEY=value lines:
# DATABASE_URL, RUSTFS_*, GEOCODER_*, ... (fleettickets config lists them). Values are taken
# as written: nothing in the file is run or expanded; one pair of quotes around a value is
# taken off. The file may also set where this script keeps its things:
#   FLEETTICKETS_JAR        the jar (default: fleettickets.jar beside this script, else the
#                           build's java-runner/target/fleettickets.jar)
#   FLEETTICKETS_STATE_DIR  lock file and class-data-sharing archive (default /var/lib/fleettickets)
#   FLEETTICKETS_LOG        the log (default /var/log/fleettickets/run_ingest.log)
#   FLEETTICKETS_LOG_MAX_BYTES, FLEETTICKETS_LOG_KEEP
#                           the log is rotated when it reaches this size (default 10 MB),
#                           keeping this many old logs, .1 the newest (default 5)
#   JAVA                    the java to run (default: java on the PATH)
#
# crontab, every 20 minutes from 06:00 to 20:40 EAT (docs/deployment-and-operations.md):
#   CRON_TZ=Africa/Nairobi
#   */20 6-20 * * * /opt/fleettickets/run_ingest.sh /etc/fleettickets.env
#
# Exit: the drain's code, else the geocoding's (README, "Exit codes"); 2 for a missing or
# unsafe env file; 5, with a line in the log, when another start of this script still runs.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

die() { # a problem before the log is known: stderr, which cron mails
  echo "run_ingest: $*" >&2
  exit 2
}

# Whether the file sets a secret: a password in a database URL, a secret key, an API key, a token.
holds_secrets() {
  grep -Eq '^[[:space:]]*(export[[:space:]]+)?(RUSTFS_SECRET_ACCESS_KEY|GEOCODER_API_KEY|DASHBOARD_TOKEN)=.' "$1" \
    || grep -Eq '^[[:space:]]*(export[[:space:]]+)?(DASHBOARD_)?DATABASE_URL=.*(://[^/?#]*:.*@|[?&]password=)' "$1"
}

load_env() {
  local file=$1 mode line key value n=0
  [[ -f $file ]] || die "$file: no such env file (give its path as the argument, or in FLEETTICKETS_ENV_FILE)"
  [[ -r $file ]] || die "$file: not readable by $(id -un)"
  mode=$(stat -c %a "$file")
  if (( 8#$mode & 8#002 )); then
    die "$file may be changed by anyone (mode $mode); make it private: chmod 600 $file"
  fi
  if (( 8#$mode & 8#004 )) && holds_secrets "$file"; then
    die "$file holds secrets and anyone on this host may read it (mode $mode); make it private: chmod 600 $file"
  fi
  while IFS= read -r line || [[ -n $line ]]; do
    n=$(( n + 1 ))
    line=${line%$'\r'}
    [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
    if [[ ! $line =~ ^[[:space:]]*(export[[:space:]]+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]]; then
      die "$file line $n is not KEY=value"
    fi
    key=${BASH_REMATCH[2]}
    value=${BASH_REMATCH[3]}
    if [[ $value =~ ^\"(.*)\"$ || $value =~ ^\'(.*)\'$ ]]; then
      value=${BASH_REMATCH[1]}
    fi
    export "$key=$value"
  done <"$file"
}

env_file=${1:-${FLEETTICKETS_ENV_FILE:-/etc/fleettickets.env}}
load_env "$env_file"

export TZ=${TZ:-Africa/Nairobi}
java=${JAVA:-java}
jar=${FLEETTICKETS_JAR:-}
if [[ -z $jar ]]; then
  jar=$script_dir/fleettickets.jar
  [[ -f $jar ]] || jar=$script_dir/../java-runner/target/fleettickets.jar
fi
state_dir=${FLEETTICKETS_STATE_DIR:-/var/lib/fleettickets}
log=${FLEETTICKETS_LOG:-/var/log/fleettickets/run_ingest.log}
log_max_bytes=${FLEETTICKETS_LOG_MAX_BYTES:-10485760}
log_keep=${FLEETTICKETS_LOG_KEEP:-5}

[[ -f $jar ]] || die "$jar: no such jar (set FLEETTICKETS_JAR)"
command -v "$java" >/dev/null || die "$java: not found (install a Java 17 runtime, or set JAVA)"
[[ $log_max_bytes =~ ^[1-9][0-9]*$ ]] || die "FLEETTICKETS_LOG_MAX_BYTES must be a whole number of bytes, not $log_max_bytes"
[[ $log_keep =~ ^[1-9][0-9]?$ ]] || die "FLEETTICKETS_LOG_KEEP must be a whole number from 1 to 99, not $log_keep"
for d in "$state_dir" "$(dirname "$log")"; do
  if ! mkdir -p "$d" 2>/dev/null || [[ ! -w $d ]]; then
    die "$d: cannot write there as $(id -un); create it, owned by the user cron runs this as"
  fi
done

say() { printf '%s run_ingest[%d]: %s\n' "$(date '+%Y-%m-%dT%H:%M:%S%z')" "$$" "$*" >>"$log"; }

# One run at a time, and no queue: a start while the last one still runs leaves at once.
# The lock is the open file's, so it lasts as long as this script or a java it started.
exec 9>>"$state_dir/run_ingest.lock"
if ! flock -n 9; then
  say "another run holds $state_dir/run_ingest.lock; this start did nothing"
  exit 5
fi

# Rotated under the lock, before this run writes: log → log.1 → … → log.KEEP, the oldest dropped.
if [[ -f $log ]] && (( $(stat -c %s "$log") >= log_max_bytes )); then
  rm -f "$log.$log_keep"
  for (( i = log_keep - 1; i >= 1; i-- )); do
    if [[ -f $log.$i ]]; then mv -f "$log.$i" "$log.$(( i + 1 ))"; fi
  done
  mv -f "$log" "$log.1"
fi

# The image's start: a class-data-sharing archive of the classes a drain loads (made by the
# hidden warm-up command, which touches no database or bucket), a small heap, a quick JIT.
# It is made again when the jar or the java changes, since the JVM ignores a stale one.
cds=$state_dir/fleettickets.jsa
java_path=$(readlink -f "$(command -v "$java")")
stamp="$java_path $(stat -c '%s %Y' "$java_path") $(readlink -f "$jar") $(stat -c '%s %Y' "$jar")"
if [[ ! -f $cds.stamp || $(cat "$cds.stamp") != "$stamp" ]]; then
  say "making the class-data-sharing archive $cds"
  rm -f "$cds" "$cds.tmp"
  # -Xlog:cds=off: a line per class it leaves out (picocli's are too old a format) is no news
  if "$java" -Xlog:cds=off -XX:ArchiveClassesAtExit="$cds.tmp" -jar "$jar" warm-up >>"$log" 2>&1 \
      && [[ -s $cds.tmp ]]; then
    mv -f "$cds.tmp" "$cds"
  else
    rm -f "$cds.tmp"
    say "no class-data-sharing archive: runs start without it (slower, same result)"
  fi
  # written either way: a java that cannot make one is not asked again at every run
  printf '%s\n' "$stamp" >"$cds.stamp"
fi
jvm=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx256m)
if [[ -s $cds ]]; then
  jvm=(-XX:SharedArchiveFile="$cds" "${jvm[@]}")
fi

run() { # name, fleettickets arguments: output to the log, exit code returned
  local name=$1 started=$SECONDS status=0
  shift
  say "$name: fleettickets $*"
  "$java" "${jvm[@]}" -jar "$jar" "$@" >>"$log" 2>&1 </dev/null || status=$?
  say "$name: exit $status after $(( SECONDS - started )) s"
  return "$status"
}

# The drain captures history after its files (every --apply run does); geocoding asks only
# for what is new since the last run, within its limits.
drain=0
run drain --from-bucket --apply --quiet || drain=$?
geocode=0
if [[ $drain -eq 5 ]]; then
  say "geocoding skipped: another fleettickets run holds the database's lock"
else
  run geocode --geocode-clusters --geocode-locations --apply --quiet || geocode=$?
fi

status=$drain
[[ $status -ne 0 ]] || status=$geocode
if [[ $status -ne 0 && $status -ne 5 ]]; then
  # one line for cron's mail; the story is in the log
  echo "run_ingest: drain exited $drain, geocoding $geocode; see $log" >&2
fi
exit "$status"
