#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the mipkex selftests, to be sourced (set -u safe), in the spirit
# of the kernel's tools/testing/selftests/net/lib.sh (6.8+): kselftest exit
# codes, uniquely named network namespaces, polling waits, a small TAP writer.

ksft_pass=0
ksft_fail=1
ksft_skip=4

BUSYWAIT_TIMEOUT=${BUSYWAIT_TIMEOUT:-5000}	# ms, for the helpers' own waits
NS_LIST=()	# namespaces made by setup_ns and not yet removed

__now_ms()
{
	local t=${EPOCHREALTIME/[.,]/}

	echo $((t / 1000))
}

# loopy_wait SLEEP_CMD TIMEOUT_MS CMD...: run CMD (errexit does not apply
# inside it) until it succeeds or TIMEOUT_MS passed; print its last output.
loopy_wait()
{
	local sleep_cmd=$1 timeout_ms=$2 start out
	shift 2

	start=$(__now_ms)
	until out=$("$@"); do
		if (($(__now_ms) - start > timeout_ms)); then
			printf '%s' "$out"
			return 1
		fi
		$sleep_cmd
	done
	printf '%s' "$out"
}

# busywait TIMEOUT_MS CMD...: poll without pausing.
busywait() { loopy_wait : "$@"; }

# slowwait TIMEOUT_S CMD...: poll every 0.1 s.
slowwait() { local t=$1; shift; loopy_wait "sleep 0.1" "$((t * 1000))" "$@"; }

__ns_gone() { ! ip netns list | awk '{ print $1 }' | grep -qxF -- "$1"; }

# setup_ns VAR...: per variable name a namespace with lo up, named
# var-XXXXXX (or the name VAR already holds: that one is recreated).
setup_ns()
{
	local __var __ns __list=()

	for __var in "$@"; do
		if [ -n "${!__var:-}" ]; then
			cleanup_ns "${!__var}"
		else
			printf -v "$__var" '%s-%s' "${__var,,}" "$(mktemp -u XXXXXX)"
		fi
		__ns=${!__var}
		if ! ip netns add "$__ns" || ! ip -n "$__ns" link set lo up; then
			echo "Failed to create namespace $__var" >&2
			cleanup_ns "${__list[@]}" "$__ns"
			return $ksft_skip
		fi
		__list+=("$__ns")
	done
	NS_LIST+=("${__list[@]}")
}

# cleanup_ns NS...: kill what runs in each namespace, delete it.
cleanup_ns()
{
	local ns n ret=0 keep

	for ns in "$@"; do
		[ -n "$ns" ] || continue
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || :
		ip netns delete "$ns" >/dev/null 2>&1 || :
		if ! busywait "$BUSYWAIT_TIMEOUT" __ns_gone "$ns"; then
			echo "Warn: Failed to remove namespace $ns" >&2
			ret=1
		fi
		keep=()
		for n in "${NS_LIST[@]}"; do
			[ "$n" = "$ns" ] || keep+=("$n")
		done
		NS_LIST=("${keep[@]}")
	done
	return $ret
}

# veth_pair: namespaces A and B (set as globals) joined by a veth pair,
# A/a0 192.0.2.1/24 and B/b0 192.0.2.2/24, with static neighbour entries both
# ways: no ARP, whose queue of unresolved packets would drop part of a burst.
veth_pair()
{
	A='' B=''
	setup_ns A B || return
	ip link add a0 netns "$A" type veth peer name b0 netns "$B" &&
	ip -n "$A" addr add 192.0.2.1/24 dev a0 &&
	ip -n "$B" addr add 192.0.2.2/24 dev b0 &&
	ip -n "$A" link set a0 up &&
	ip -n "$B" link set b0 up &&
	ip -n "$A" neigh add 192.0.2.2 dev a0 nud permanent \
		lladdr "$(ip -n "$B" -br link show b0 | awk '{print $3}')" &&
	ip -n "$B" neigh add 192.0.2.1 dev b0 nud permanent \
		lladdr "$(ip -n "$A" -br link show a0 | awk '{print $3}')"
}

cleanup_all_ns() { cleanup_ns "${NS_LIST[@]}"; }

# TAP 13 with automatic numbering: tap_plan N, then one result per test,
# then tap_exit.
TAP_PLANNED=0 TAP_N=0 TAP_FAILED=0 TAP_SKIPPED=0

tap_plan() { TAP_PLANNED=$1; printf 'TAP version 13\n1..%d\n' "$1"; }
tap_ok() { echo "ok $((++TAP_N)) - $*"; }
tap_not_ok() { ((++TAP_FAILED)); echo "not ok $((++TAP_N)) - $*"; }
# tap_result STATUS DESCRIPTION: ok if STATUS is 0, not ok otherwise.
tap_result()
{
	if [ "$1" = 0 ]; then
		tap_ok "$2"
	else
		tap_not_ok "$2"
	fi
}

# tap_skip DESCRIPTION REASON
tap_skip() { ((++TAP_SKIPPED)); echo "ok $((++TAP_N)) - $1 # SKIP $2"; }
# tap_skip_all REASON: skip the whole file (instead of tap_plan) and exit.
tap_skip_all() { printf 'TAP version 13\n1..0 # SKIP %s\n' "$*"; exit $ksft_skip; }

# tap_run DESCRIPTION CMD...: run CMD in a subshell with errexit, its output
# as "# " diagnostics: ok if it returns 0, skipped if $ksft_skip (its last
# output line being the reason), else not ok. Background jobs of CMD must not
# keep its stdout/stderr open. Not in a condition (errexit would not apply).
tap_run()
{
	local desc=$1 rc errexit=0 start line last f=${TMPDIR:-/tmp}/tap_run.$$
	shift

	[[ $- == *e* ]] && errexit=1
	start=$(__now_ms)
	set +e
	(set -e; "$@") 2>&1 | {
		last=
		while IFS= read -r line || [ -n "$line" ]; do
			printf '# %s\n' "$line"
			last=$line
		done
		printf '%s' "$last" >"$f"
	}
	rc=${PIPESTATUS[0]}
	((errexit)) && set -e
	echo "# ($((($(__now_ms) - start) / 1000)) s)"
	case $rc in
	0) tap_ok "$desc" ;;
	"$ksft_skip") tap_skip "$desc" "$(<"$f")" ;;
	*) tap_not_ok "$desc" ;;
	esac
	rm -f "$f"
}

# tap_exit: 1 if a test failed or the plan is incomplete, 4 if every test
# was skipped, else 0.
tap_exit()
{
	((TAP_FAILED == 0 && TAP_N == TAP_PLANNED)) || exit $ksft_fail
	((TAP_PLANNED == 0 || TAP_SKIPPED < TAP_PLANNED)) || exit $ksft_skip
	exit $ksft_pass
}
