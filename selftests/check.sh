#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The test driver behind "make check": static checks, host suites, then ONE VM
# boot that runs every kernel suite (selftests/kernel/run.sh). Prints one TAP
# stream, then the kselftest totals line and the closing line
#   N passed, N failed, N skipped
# Exits non-zero if anything failed or nothing passed.
#
# Expects the tree to be built ("make all"); KDIR/KSRC come from the Makefile.
# CHECK_SKIP_VM=1 skips the VM stages (for quick host-only runs).

set -u
cd "$(dirname "$0")/.." || exit 1

LOGDIR=build/check
rm -rf "$LOGDIR"
mkdir -p "$LOGDIR"

pass=0
fail=0
skip=0
num=0

report() { # status(ok|fail|skip) name [reason]
	num=$((num + 1))
	case $1 in
	ok) pass=$((pass + 1)); echo "ok $num $2" ;;
	skip) skip=$((skip + 1)); echo "ok $num $2 # SKIP ${3:-}" ;;
	*) fail=$((fail + 1)); echo "not ok $num $2${3:+ # $3}" ;;
	esac
}

logname() { echo "$LOGDIR/$(echo "$1" | tr -c 'A-Za-z0-9_.-' '_').log"; }

# A single check: passes when the command exits 0.
leaf() { # name cmd...
	local name=$1 log rc
	shift
	log=$(logname "$name")
	"$@" >"$log" 2>&1
	rc=$?
	if [ $rc = 0 ]; then
		report ok "$name"
	elif [ $rc = 4 ]; then
		report skip "$name" "$(tail -n 1 "$log")"
	else
		sed 's/^/# /' "$log" | tail -n 60
		report fail "$name" "exit=$rc"
	fi
}

# Count the TAP results of a suite's output whose leaves start with $prefix
# ("" for a plain suite, "# " for the per-suite output of a kselftest runner).
# Adds one failure when the suite failed without a failing leaf (crash, short
# plan, kernel splat) and one skip when it skipped without any leaf.
tally() { # name prefix rc log
	local name=$1 prefix=$2 rc=$3 log=$4 counts p f s
	counts=$(awk -v pre="$prefix" '
		BEGIN { p = 0; f = 0; s = 0 }
		index($0, pre) == 1 {
			l = substr($0, length(pre) + 1)
			if (l ~ /^ok [0-9]+/) {
				if (l ~ /# *SKIP/) s++; else p++
			} else if (l ~ /^not ok [0-9]+/) {
				if (l ~ /# *TODO/) s++; else f++
			}
		}
		END { print p, f, s }' "$log")
	read -r p f s <<<"$counts"
	if [ "$rc" != 0 ] && [ "$rc" != 4 ] && [ "$f" = 0 ]; then
		f=1
		echo "# $name: exit status $rc without a failing test"
	fi
	if [ "$rc" = 4 ] && [ $((p + f + s)) = 0 ]; then
		s=1
	fi
	if [ "$rc" = 0 ] && [ $((p + f + s)) = 0 ]; then
		f=1
		echo "# $name: ran no test"
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	skip=$((skip + s))
	num=$((num + 1))
	if [ "$f" = 0 ]; then
		echo "ok $num $name # $p passed, $s skipped"
	else
		echo "not ok $num $name # $f failed"
	fi
}

# A TAP-emitting suite run on the host.
suite() { # name cmd...
	local name=$1 log rc
	shift
	log=$(logname "$name")
	"$@" >"$log" 2>&1
	rc=$?
	sed 's/^/# /' "$log"
	tally "$name" "" "$rc" "$log"
}

echo "TAP version 13"

# --- static checks -----------------------------------------------------------
leaf "static: module builds with W=1 and sparse (C=2) without a warning" \
	make -s --no-print-directory module-w1
leaf "static: checkpatch --strict" make -s --no-print-directory checkpatch
leaf "static: kernel-doc" make -s --no-print-directory kerneldoc
leaf "static: Documentation/*.rst build without a warning" \
	make -s --no-print-directory docs

# --- host suites -------------------------------------------------------------
suite "host: tool command line" selftests/host/tool.sh
suite "host: decode" selftests/host/decode.sh
suite "host: wire codec (ASan, UBSan)" selftests/host/wire_test
suite "host: SA negotiation (ASan, UBSan)" selftests/host/nego_test
suite "host: replay protection (ASan, UBSan)" selftests/host/replay_test
suite "host: negotiation vs a protocol.rst 6 model" selftests/host/nego_check.py
suite "host: codec vs protocol.rst, tshark, scapy, Lua dissector" selftests/host/crosscheck.sh
suite "host: protocol.rst test vectors and worked requests" selftests/host/vectors.sh
suite "host: kernel known-answer table == kat.py (python3-cryptography)" selftests/host/kat.sh
leaf "fuzz: corpus and regressions replay clean (ASan, UBSan)" \
	selftests/fuzz/replay_wire selftests/fuzz/corpus selftests/fuzz/regressions
leaf "fuzz: negotiation corpus replays clean (ASan, UBSan)" \
	selftests/fuzz/replay_nego selftests/fuzz/corpus_nego

# A short libFuzzer run from the corpus (copied: the tree is not written).
fuzz_run() {
	local work=build/fuzz/work
	[ -x selftests/fuzz/fuzz_wire ] || { echo "fuzz_wire not built (clang?)"; return 1; }
	rm -rf "$work" build/fuzz/artifacts
	mkdir -p "$work" build/fuzz/artifacts
	cp selftests/fuzz/corpus/* "$work"/
	selftests/fuzz/fuzz_wire -max_total_time="${FUZZ_SECONDS:-45}" \
		-max_len=2048 -artifact_prefix=build/fuzz/artifacts/ \
		-print_final_stats=1 "$work" selftests/fuzz/regressions || return 1
	[ -x selftests/fuzz/fuzz_nego ] || { echo "fuzz_nego not built"; return 1; }
	rm -rf "$work" && mkdir -p "$work"
	cp selftests/fuzz/corpus_nego/* "$work"/
	selftests/fuzz/fuzz_nego -max_total_time="${FUZZ_NEGO_SECONDS:-15}" \
		-max_len=1024 -artifact_prefix=build/fuzz/artifacts/ \
		-print_final_stats=1 "$work"
}
leaf "fuzz: libFuzzer runs (codec ${FUZZ_SECONDS:-45} s, negotiation ${FUZZ_NEGO_SECONDS:-15} s) find nothing" fuzz_run

if [ "${CHECK_SKIP_VM:-0}" = 1 ]; then
	report skip "vm: runner contract" "CHECK_SKIP_VM=1"
	report skip "vm: kernel suites" "CHECK_SKIP_VM=1"
else
	suite "vm: runner contract" selftests/vm/test_vmrun.sh

	# --- one VM boot, every kernel suite ---------------------------------
	log=$(logname "vm kernel suites")
	console=$LOGDIR/console.log
	selftests/vm/vmrun.sh -t "${VM_TIMEOUT:-3600}" -C "$console" -- \
		selftests/kernel/run.sh >"$log" 2>"$LOGDIR/vmrun.stderr"
	rc=$?
	cat "$log"
	sed 's/^/# vmrun: /' "$LOGDIR/vmrun.stderr" | tail -n 100
	tally "vm: kernel suites" "# " "$rc" "$log"
	# The runner turns a kernel splat into a failure; make it a named one.
	if [ -s "$console" ]; then
		if grep -Eq 'BUG:|WARNING:|Kernel panic|KASAN:|UBSAN:|unreferenced object|Call Trace:|ref_tracker:|general protection fault|Oops:' "$console"; then
			grep -En -B2 -A20 'BUG:|WARNING:|Kernel panic|KASAN:|UBSAN:|Call Trace:' \
				"$console" | head -n 80 | sed 's/^/# /'
			report fail "vm: kernel log clean"
		else
			report ok "vm: kernel log clean"
		fi
	else
		report fail "vm: kernel log clean" "no console log"
	fi
fi

echo "1..$num"
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
