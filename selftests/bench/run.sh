#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mipkex benchmarks, run as root in the test VM ("make bench"): figures, not
# pass/fail. Each benchmark prints "bench: NAME VALUE UNIT" lines.
#
# Usage: run.sh [BENCH...]   (default: every benchmark below)
# Environment: MIPKEX_KO (default kmod/mipkex.ko), MIPKEX_TOOL.

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export MIPKEX_KO=${MIPKEX_KO:-$ROOT/kmod/mipkex.ko}
export MIPKEX_TOOL=${MIPKEX_TOOL:-$ROOT/userspace/mipkex}

BENCHES=(key0_100k.sh)
[ $# -gt 0 ] && BENCHES=("$@")

[ "$(id -u)" = 0 ] || { echo "bench: needs root" >&2; exit 4; }
if [ ! -d /sys/module/mipkex ]; then
	insmod "$MIPKEX_KO" || { echo "bench: cannot load $MIPKEX_KO" >&2; exit 1; }
	trap 'rmmod mipkex 2>/dev/null' EXIT
fi

echo "bench: kernel $(uname -r), $(nproc) CPUs, $(awk '/MemTotal/ {print $2}' /proc/meminfo) kB"
failed=0
for b in "${BENCHES[@]}"; do
	echo "# $b"
	"$HERE/$b" || { echo "bench: $b failed (exit $?)"; failed=1; }
done
exit $failed
