#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module's cryptography, in the VM: loads the testing build, checks that
# its load-time known-answer tests passed (dmesg and
# MIPKEX_CMD_GET_SELFTEST), then crypto.py cross-checks every construction
# (KDF, AEAD, authenticators, X25519, MODP and user-defined DH, public value
# validation) against python3-cryptography and pow() on random inputs,
# through the testing build's "mipkex_test" generic netlink family.
# Loads and unloads the module itself, so it must not be in use.
#
# Environment: MIPKEX_TESTING_KO (default build/testing/kmod/mipkex.ko),
# MIPKEX_CRYPTO_SEED, MIPKEX_CRYPTO_SCALE (see crypto.py).

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../lib.sh
. "$ROOT/selftests/lib.sh"
KO=${MIPKEX_TESTING_KO:-$ROOT/build/testing/kmod/mipkex.ko}
PY=/usr/bin/python3
NPY=16	# tests crypto.py reports

[ "$(id -u)" = 0 ] || tap_skip_all "needs root"
[ -f "$KO" ] || tap_skip_all "$KO not built (make testing-module)"
"$PY" -c 'import cryptography.hazmat.primitives.ciphers.aead' 2>/dev/null ||
	tap_skip_all "$PY with python3-cryptography missing"
if [ -d /sys/module/mipkex ] && ! rmmod mipkex; then
	tap_skip_all "mipkex is loaded and in use"
fi

TMPD=$(mktemp -d)
cleanup() {
	rm -rf "$TMPD"
	rmmod mipkex 2>/dev/null
}
trap cleanup EXIT

tap_plan $((NPY + 2))

# A plain insmod: the module has no symbol dependency to load first.
load() {
	local line before

	before=$(dmesg | wc -l)
	insmod "$KO" || { echo "insmod $KO failed"; dmesg | tail -20; return 1; }
	line=$(dmesg | tail -n +$((before + 1)) | grep -E 'mipkex: self-tests: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$')
	echo "$line"
	[[ $line =~ ([0-9]+)\ passed,\ 0\ failed,\ ([0-9]+)\ skipped ]] || return 1
	((BASH_REMATCH[1] > 0))
}
tap_run "the testing module loads; dmesg: self-tests N passed, 0 failed" load

if [ ! -d /sys/module/mipkex ]; then
	for ((i = 0; i < NPY + 1; i++)); do
		tap_skip "crypto.py" "the module did not load"
	done
	tap_exit
fi

n=0
while IFS= read -r line; do
	case $line in
	"RESULT ok "*) tap_ok "${line#RESULT ok }"; n=$((n + 1)) ;;
	"RESULT fail "*) tap_not_ok "${line#RESULT fail }"; n=$((n + 1)) ;;
	"RESULT skip "*)
		line=${line#RESULT skip }
		tap_skip "${line%% # *}" "${line#* # }"
		n=$((n + 1))
		;;
	*) echo "# $line" ;;
	esac
done < <("$PY" "$ROOT/selftests/kernel/crypto.py" 2>&1)
if [ "$n" != "$NPY" ]; then
	echo "# crypto.py reported $n tests, expected $NPY"
	for ((; n < NPY; n++)); do
		tap_not_ok "crypto.py test $((n + 1)) (not reported)"
	done
fi

# Unload cleanly, the family included.
unload() {
	rmmod mipkex
	[ ! -d /sys/module/mipkex ]
}
tap_run "the module unloads" unload
tap_exit
