#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs the generic netlink API test (genl, built on the host) with the module
# loaded, loading it for the run if needed.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
KO=${MIPKEX_KO:-$ROOT/kmod/mipkex.ko}
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root"; exit 4; }
[ -x "$ROOT/selftests/kernel/genl" ] || { echo "1..0 # SKIP genl not built"; exit 4; }
if [ ! -d /sys/module/mipkex ]; then
	insmod "$KO" || { echo "Bail out! cannot load $KO"; dmesg | tail -5; exit 1; }
	trap 'rmmod mipkex' EXIT
fi
"$ROOT/selftests/kernel/genl"
