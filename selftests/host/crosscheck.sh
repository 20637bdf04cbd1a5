#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Cross-check of the wire format: the codec (kmod/wire.c, kmod/elem.c)
# against messages built from Documentation/protocol.rst alone, against
# tshark's Mobile IP dissector and scapy, and the Lua dissector
# userspace/wireshark/mipkex.lua against the codec. See crosscheck.py.
#
# Needs a C compiler, tshark and /usr/bin/python3 with scapy (Debian's
# python3-scapy); without them it skips (exit 4). TAP version 13 on stdout,
# exit 0 when every test passed, 1 otherwise.
#
#   selftests/host/crosscheck.sh          (from anywhere)
#   CC=clang selftests/host/crosscheck.sh

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PY=/usr/bin/python3
CC=${CC:-cc}

skip() {
	echo "TAP version 13"
	echo "1..0 # SKIP $1"
	exit 4
}

command -v "$CC" >/dev/null 2>&1 || skip "no C compiler ($CC)"
command -v tshark >/dev/null 2>&1 || skip "tshark not installed"
[ -x "$PY" ] || skip "$PY missing"
"$PY" -c 'import scapy.layers.mobileip' 2>/dev/null ||
	skip "scapy missing for $PY (apt-get install python3-scapy)"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

if ! "$CC" -std=gnu11 -Wall -Wextra -Werror -I "$ROOT/kmod" \
	-o "$TMP/wire_gen" "$HERE/wire_gen.c" "$ROOT/kmod/wire.c" \
	"$ROOT/kmod/elem.c" 2>"$TMP/cc.log"; then
	echo "TAP version 13"
	echo "1..1"
	echo "not ok 1 wire_gen.c compiles with the codec"
	sed 's/^/# /' "$TMP/cc.log"
	exit 1
fi

# A clean tshark profile: a mipkex.lua installed in the user's personal
# plugins would be loaded twice, and personal preferences could change what
# the dissectors show.
export HOME="$TMP" XDG_CONFIG_HOME="$TMP/.config"
"$PY" "$HERE/crosscheck.py" "$TMP/wire_gen" \
	"$ROOT/userspace/wireshark/mipkex.lua" "$TMP"
