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
# Calibration: a fixed amount of shell work, to compare figures taken under
# QEMU TCG (tens of times slower than the host) with the same run on
# hardware. Run the same loop on the host to get the factor.
t0=$(date +%s%N)
i=0
while [ $i -lt 300000 ]; do i=$((i + 1)); done
t1=$(date +%s%N)
echo "bench: calibration_shell_loop_300k $(((t1 - t0) / 1000000)) ms"

failed=0
for b in "${BENCHES[@]}"; do
	echo "# $b"
	"$HERE/$b" || { echo "bench: $b failed (exit $?)"; failed=1; }
done
exit $failed
