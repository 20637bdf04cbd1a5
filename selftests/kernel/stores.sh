#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs the stores test (stores, built on the host) with the module loaded,
# loading it for the run if needed; first checks that the fingerprint table in
# stores.c is what fpr.py computes with python3-cryptography (when present).
# STORES_SCALE sets the number of entries of the scale test (default 100000).
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
KO=${MIPKEX_KO:-$ROOT/kmod/mipkex.ko}
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root"; exit 4; }
[ -x "$HERE/stores" ] || { echo "1..0 # SKIP stores not built"; exit 4; }
if /usr/bin/python3 -c 'import cryptography' 2>/dev/null; then
	/usr/bin/python3 "$HERE/fpr.py" --check "$HERE/stores.c" >&2 || exit 1
fi
if [ ! -d /sys/module/mipkex ]; then
	insmod "$KO" || { echo "Bail out! cannot load $KO"; dmesg | tail -5; exit 1; }
	trap 'rmmod mipkex' EXIT
fi
"$HERE/stores"
