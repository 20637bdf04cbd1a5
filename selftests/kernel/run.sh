#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run every kernel selftest suite of mipkex, inside the test VM, as one TAP
# stream in the format of the kernel's kselftest runner (runner.sh): each
# suite's output as "# " diagnostics, then one result line per suite.
#
# Usage: run.sh [SUITE...]   (default: every suite of SUITES)
# Timeout per suite: KSELFTEST_TIMEOUT seconds if set, else "timeout=N" from
# the kselftest settings file next to this script if any, else 600.

HERE=$(cd "$(dirname "$0")" && pwd)

# The suites, in order; add a file name here to add a suite.
SUITES=(
	genl.sh
	stores.sh
	crypto.sh
	tool.sh
	provision.sh
	queue.sh
	teardown.sh
	reinject.sh
	agents.sh
	bindings.sh
	ha.sh
	mnfa.sh
	register.sh
	xfrm.sh
)

TIMEOUT=600
if [ -r "$HERE/settings" ]; then
	t=$(sed -n 's/^timeout=\([0-9][0-9]*\)$/\1/p' "$HERE/settings")
	[ -z "$t" ] || TIMEOUT=$t
fi
TIMEOUT=${KSELFTEST_TIMEOUT:-$TIMEOUT}

if [ $# -gt 0 ]; then
	SUITES=("$@")
fi

echo "TAP version 13"
echo "1..${#SUITES[@]}"

n=0
failed=0
for suite in "${SUITES[@]}"; do
	n=$((n + 1))
	title="selftests: kernel: $suite"
	echo "# timeout set to $TIMEOUT"
	echo "# $title"
	if [ ! -x "$HERE/$suite" ]; then
		echo "not ok $n $title # not executable"
		failed=$((failed + 1))
		continue
	fi
	timeout --kill-after=10 "$TIMEOUT" "$HERE/$suite" 2>&1 |
		sed -u 's/^/# /'
	rc=${PIPESTATUS[0]}
	case $rc in
	0)
		echo "ok $n $title"
		;;
	4)
		echo "ok $n $title # SKIP"
		;;
	124 | 137)
		echo "not ok $n $title # TIMEOUT $TIMEOUT seconds"
		failed=$((failed + 1))
		;;
	*)
		echo "not ok $n $title # exit=$rc"
		failed=$((failed + 1))
		;;
	esac
done

[ "$failed" -eq 0 ]
