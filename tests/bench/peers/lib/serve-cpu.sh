#!/usr/bin/env bash
# Stands in for build/native/omotenashi when tests/bench/collector_wrk.sh
# starts the collector (its first argument), so the collector's CPU time can
# be measured without changing that script: runs the real binary
# ($OMO_REAL_BIN) as a child with the same arguments, and when asked to stop
# (SIGTERM, as collector_wrk.sh does) writes the child's user and system CPU
# seconds (/proc/PID/stat, fields 14 and 15) to $OMO_CPU_FILE, then stops it.
set -u
"$OMO_REAL_BIN" "$@" &
child=$!
stop() {
  if [ -r "/proc/$child/stat" ]; then
    # Fields after the command name "(...)": utime is the 12th, stime the 13th.
    read -r -a f <<<"$(sed 's/^.*) //' "/proc/$child/stat")"
    tck="$(getconf CLK_TCK)"
    echo "{\"user_s\": $(awk -v t="${f[11]}" -v h="$tck" 'BEGIN{print t/h}'), \"sys_s\": $(awk -v t="${f[12]}" -v h="$tck" 'BEGIN{print t/h}')}" >"$OMO_CPU_FILE"
  fi
  kill -TERM "$child" 2>/dev/null
  wait "$child"
  exit 0
}
trap stop TERM INT
wait "$child"
