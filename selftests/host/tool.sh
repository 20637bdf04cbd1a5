#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The tool's command line on the host, where the module is not loaded: help,
# usage errors (exit 2, nothing sent to the kernel), and the error when the
# module is missing (exit 1). Kernel-side behaviour is tested in the VM.

set -u
TOOL=${MIPKEX_TOOL:-$(dirname "$0")/../../userspace/mipkex}
n=0
failed=0

t() { # description expected-status expected-stderr-regex|'' args...
	local desc=$1 want=$2 re=$3 out rc
	shift 3
	n=$((n + 1))
	out=$("$TOOL" "$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" = "$want" ] && { [ -z "$re" ] || grep -Eq "$re" <<<"$out"; }; then
		echo "ok $n $desc"
	else
		echo "# got status $rc, stderr: $out"
		echo "not ok $n $desc"
		failed=1
	fi
}

if [ ! -x "$TOOL" ]; then
	echo "1..0 # SKIP $TOOL not built"
	exit 4
fi

echo "TAP version 13"
echo "1..16"
t "--help exits 0" 0 "" --help
t "help command exits 0" 0 "" help
t "-h exits 0" 0 "" -h
n=$((n + 1))
if "$TOOL" --help | grep -q 'set role {none|mn|fa|ha}'; then
	echo "ok $n --help documents set role"
else
	echo "not ok $n --help documents set role"
	failed=1
fi
n=$((n + 1))
if "$TOOL" -V | grep -Eq '^mipkex .+ \(netlink family version 1\)$'; then
	echo "ok $n -V prints the version"
else
	echo "not ok $n -V prints the version"
	failed=1
fi
t "no command is a usage error" 2 "Usage:"
t "unknown command" 2 'unknown command "frobnicate"' frobnicate
t "ambiguous abbreviation" 2 '"s" is ambiguous' s
t "unknown option" 2 "" --frobnicate
t "set without a setting" 2 "what to set" set
t "set an unknown setting" 2 'unknown setting "colour"' set colour blue
t "set role without a role" 2 "which role" set role
t "set role with a bad role" 2 '"admin" is not none, mn, fa, ha or 0-255' set role admin
t "set role with trailing words" 2 'unexpected "extra"' set role ha extra
t "show with trailing words" 2 'unexpected "extra"' show extra
if [ -d /sys/module/mipkex ]; then
	n=$((n + 1))
	echo "ok $n module missing is an error # SKIP mipkex is loaded here"
else
	t "module missing is an error" 1 "is the mipkex module loaded" show
fi
exit $failed
