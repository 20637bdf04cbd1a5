#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Provisioning at scale: "mipkex load" of a configuration of N mobile nodes
# (default 100,000) into a fresh namespace, and what it costs:
#   load_N            wall-clock time of the first load (all added)
#   reload_N          a second load of the same file (all unchanged)
#   mem_per_entry     kernel memory per KEY0 entry: Slab and MemAvailable
#                     deltas across the load, divided by N
#   show_one_1k/_N    mean time of "key0 show SPI" (one process per lookup:
#                     a flatness proxy, the lookup being a hash table's)
#   dump_N            "key0 show" of every entry
#   flush_N           "key0 flush"
# The clock is the guest's: fine for figures, not for pass/fail.
#
# Environment: BENCH_N (entries), MIPKEX_TOOL; the module must be loaded.

set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib.sh"
TOOL=${MIPKEX_TOOL:-$HERE/../../userspace/mipkex}
N=${BENCH_N:-100000}
LOOKUPS=${BENCH_LOOKUPS:-100}
DIR=$(mktemp -d)
NS=

cleanup() { [ -z "$NS" ] || cleanup_ns "$NS"; rm -rf "$DIR"; }
trap cleanup EXIT
setup_ns NS
mk() { ip netns exec "$NS" "$TOOL" "$@"; }

# gen N FILE: a configuration of N mobile nodes with random keys, SPIs
# from 1000, NAIs mnI@bench.example, home addresses in 10.0.0.0/8.
gen()
{
	/usr/bin/python3 - "$1" "$2" <<'PY'
import os, sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
    f.write("[node]\nrole = ha\n")
    for i in range(n):
        h = 0x0a000001 + i
        f.write("\n[key0 mn%d]\nspi = %d\nnai = mn%d@bench.example\n"
                "home = %d.%d.%d.%d\nha = 192.0.2.1\nkey = %s\n" %
                (i, 1000 + i, i, h >> 24, (h >> 16) & 255, (h >> 8) & 255,
                 h & 255, os.urandom(32).hex()))
PY
}

now() { echo "${EPOCHREALTIME/[.,]/}"; }		# microseconds
secs() { awk -v us="$1" 'BEGIN { printf "%.3f", us / 1e6 }'; }
meminfo() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }	# kB

# lookups N: mean milliseconds of "key0 show SPI" for BENCH_LOOKUPS random
# SPIs of N entries, in one "ip netns exec" (process start-up included: a
# proxy; what matters is the ratio between 1k and N entries)
lookups()
{
	ip netns exec "$NS" bash -c '
		n=$1 k=$2 tool=$3
		t0=${EPOCHREALTIME/[.,]/}
		for ((i = 0; i < k; i++)); do
			"$tool" key0 show $((1000 + (RANDOM * 32768 + RANDOM) % n)) \
				>/dev/null || exit 1
		done
		t1=${EPOCHREALTIME/[.,]/}
		awk -v us=$((t1 - t0)) -v k="$k" "BEGIN { printf \"%.3f\", us / k / 1000 }"
	' lookups "$1" "$LOOKUPS" "$TOOL"
}

gen 1000 "$DIR/1k.conf"
gen "$N" "$DIR/n.conf"
echo "# $(wc -c <"$DIR/n.conf") bytes of configuration for $N entries"

mk load "$DIR/1k.conf" >/dev/null
echo "bench: show_one_1k $(lookups 1000) ms"
mk key0 flush >/dev/null

sync
echo 3 >/proc/sys/vm/drop_caches
sleep 1
slab0=$(meminfo Slab) avail0=$(meminfo MemAvailable)
t0=$(now)
out=$(mk load "$DIR/n.conf")
t1=$(now)
echo "# $out"
echo "bench: load_$N $(secs $((t1 - t0))) s"
awk -v us=$((t1 - t0)) -v n="$N" 'BEGIN { printf "bench: load_rate %.0f entries/s\n", n / (us / 1e6) }'
sync
echo 3 >/proc/sys/vm/drop_caches
sleep 1
slab1=$(meminfo Slab) avail1=$(meminfo MemAvailable)
echo "bench: mem_per_entry_slab $(((slab1 - slab0) * 1024 / N)) bytes"
echo "bench: mem_per_entry_avail $(((avail0 - avail1) * 1024 / N)) bytes"
count=$(mk -j key0 show | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
echo "# $count entries in the kernel"
[ "$count" = "$N" ]

t0=$(now)
out=$(mk load "$DIR/n.conf")
t1=$(now)
echo "# $out"
echo "bench: reload_$N $(secs $((t1 - t0))) s"

echo "bench: show_one_$N $(lookups "$N") ms"

t0=$(now)
mk key0 show >/dev/null
t1=$(now)
echo "bench: dump_$N $(secs $((t1 - t0))) s"

t0=$(now)
out=$(mk key0 flush)
t1=$(now)
echo "# $out"
echo "bench: flush_$N $(secs $((t1 - t0))) s"
