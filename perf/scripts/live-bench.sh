#!/usr/bin/env bash
# Live pre-copy benchmark: an 8 GiB idle image (sparse, like a QEMU memory-backend-file on ext4) written by an
# external process (`ramshift dirty`) at 1k, 10k and 100k pages/s while `ramshift migrate --live` moves it:
# ramshift's hash-rescan dirty detection (--external) against a naive baseline that resends every page each round
# (--naive). Prints one line per run and writes the JSON of each run; every copy is verified.
#   perf/scripts/live-bench.sh [SIZE] [RATES...]      e.g. perf/scripts/live-bench.sh 8G 1000 10000 100000
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
rs="$here/ramshift"
size="${1:-8G}"; shift || true
rates=("${@:-1000 10000 100000}")
[ $# -gt 0 ] && rates=("$@") || rates=(1000 10000 100000)
work="${RAMSHIFT_LIVE_WORK:-/tmp/ramshift-live-bench}"
out="$here/perf/results"
mkdir -p "$work" "$out"
"$rs" generate --profile idle --size "$size" --seed 1 --out "$work/guest.img" --sparse --force > /dev/null
printf '%-8s %-9s %9s %11s %7s %15s %7s %s\n' rate mode total_s downtime_s rounds wire_bytes forced verified
for rate in "${rates[@]}"; do
  for mode in external naive; do
    rm -f "$work/copy.img"
    "$rs" dirty "$work/guest.img" --dirty-rate "$rate" --seconds 900 > /dev/null 2>&1 &
    pid=$!
    sleep 1
    json="$out/live-$size-$rate-$mode.json"
    "$rs" migrate "$work/guest.img" "$work/copy.img" --live "--$mode" --max-rounds 5 --downtime-limit 300 --json \
      --stop-command "kill -TERM $pid; while kill -0 $pid 2>/dev/null; do sleep 0.01; done" > "$json"
    if "$rs" verify "$work/guest.img" "$work/copy.img" > /dev/null; then verified=yes; else verified=NO; fi
    python3 - "$json" "$rate" "$mode" "$verified" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(f"{sys.argv[2]:<8} {sys.argv[3]:<9} {d['totalSeconds']:9.3f} {d['downtimeSeconds']:11.3f} {d['rounds']:7d} "
      f"{d['bytesOnWire']:15,d} {str(d['forcedStop']):7} {sys.argv[4]}")
PY
  done
done
rm -rf "$work"
