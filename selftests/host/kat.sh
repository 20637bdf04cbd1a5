#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The expected answers of the module's load-time known-answer tests,
# kmod/selftest_vectors.h, must be the output of their generator,
# selftests/protocol/kat.py (python3-cryptography and pow(), independent of
# the module, and reading the vectors of Documentation/protocol.rst section
# 10): regenerate into a temporary file and compare. Needs /usr/bin/python3
# with python3-cryptography (skip, exit 4, without it).

set -u
DIR=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$DIR/../.." && pwd)
# shellcheck source=../lib.sh
. "$TOP/selftests/lib.sh"
GEN=$TOP/selftests/protocol/kat.py
HDR=$TOP/kmod/selftest_vectors.h
PY=/usr/bin/python3

if [ ! -x "$PY" ] || ! "$PY" -c 'import cryptography.hazmat.primitives.ciphers.aead' 2>/dev/null; then
	tap_skip_all "$PY with python3-cryptography missing"
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

tap_plan 2

rc=1
"$PY" "$GEN" > "$TMP/vectors.h" 2> "$TMP/err" && rc=0
sed 's/^/# /' "$TMP/err"
tap_result "$rc" "kat.py runs (its vectors agree with protocol.rst section 10)"

rc=1
if [ -s "$TMP/vectors.h" ]; then
	cmp -s "$TMP/vectors.h" "$HDR" && rc=0
	[ "$rc" = 0 ] || diff -u "$HDR" "$TMP/vectors.h" | head -20 | sed 's/^/# /'
fi
tap_result "$rc" "kmod/selftest_vectors.h is the output of kat.py (regenerate: $PY selftests/protocol/kat.py > kmod/selftest_vectors.h)"

tap_exit
