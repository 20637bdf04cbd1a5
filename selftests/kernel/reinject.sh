#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mipkex re-injection test: a mobile node, a foreign agent and a home agent,
# each in its own network namespace, exchange thousands of UDP port 434
# datagrams through the module's hooks; every echo must come back intact and
# the module's counters must match the traffic exactly. Then: role changes
# under traffic, hook registration seen with ftrace, namespace
# deletion and module removal under traffic, and a clean kernel log.
#
#        mn                       fa                       ha
#   mn0 10.0.1.1/24 ------ fa0 10.0.1.2/24
#       10.0.1.3 (raw)         fa1 10.0.2.1/24 ------ ha0 10.0.2.2/24
#                              (forwards)
#
# Runs as root inside the test VM (the repository may be read-only; scratch
# files go to $TMPDIR or /tmp). Every process start costs a lot in an
# emulated guest, hence ip -batch, nsenter and python -S. Environment:
#   MIPKEX_KO        module (default <repo>/kmod/mipkex.ko)
#   MIPKEX_TOOL      tool (default <repo>/userspace/mipkex)
#   MIPKEX_PYTHON    python with scapy (default /usr/bin/python3)
#   MIPKEX_COUNT     datagrams of the main exchange (default 3000)
#   MIPKEX_NO_MODULE=1  development only: topology and traffic without the
#                    module (every module check is skipped)
#   MIPKEX_KEEP=1    keep the scratch directory

# shellcheck disable=SC2317 # the steps are called through tap_run
set -e

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$REPO/selftests/lib.sh"

KO=${MIPKEX_KO:-$REPO/kmod/mipkex.ko}
TOOL=${MIPKEX_TOOL:-$REPO/userspace/mipkex}
PY=${MIPKEX_PYTHON:-/usr/bin/python3}
TRAFFIC=$HERE/traffic.py
COUNT=${MIPKEX_COUNT:-3000}
NO_MODULE=${MIPKEX_NO_MODULE:-0}

MN_ADDR=10.0.1.1
MN_RAW=10.0.1.3
FA_MN=10.0.1.2
FA_HA=10.0.2.1
HA_ADDR=10.0.2.2
MN_MAC=02:00:00:00:01:01
FA0_MAC=02:00:00:00:01:02
FA1_MAC=02:00:00:00:02:01
HA_MAC=02:00:00:00:02:02
SPORT=40434
# The main exchange; "build" and "send" must see the same plan.
PLAN=(--dst "fa=$FA_MN" --dst "ha=$HA_ADDR" --raw-src "$MN_RAW"
	--count "$COUNT" --seed 1 --sport "$SPORT")

STATS=(stolen_in stolen_out reinjected_in reinjected_out dropped_queue_full
	dropped_nomem dropped_noref passed_fragment passed_malformed queued)
KLOG_BAD='BUG:|WARNING:|Call Trace:|unreferenced object|refcount_t|unregister_netdevice: waiting'
NTESTS=12

NETNS_DIR=/run/netns
[ -d "$NETNS_DIR" ] || NETNS_DIR=/var/run/netns
HAVE_NSENTER=0
command -v nsenter >/dev/null && HAVE_NSENTER=1

# ---------------------------------------------------------------- helpers

# skip REASON: end a step as skipped (tap_run reads the last line).
skip()
{
	echo "$*"
	exit "$ksft_skip"
}

# in_ns_exec NS CMD...: replace the (sub)shell by CMD run in network
# namespace NS, so that "in_ns_exec NS CMD &" leaves CMD's pid in $!.
in_ns_exec()
{
	local ns=$1
	shift
	if [ "$HAVE_NSENTER" = 1 ]; then
		exec nsenter --net="$NETNS_DIR/$ns" -- "$@"
	fi
	exec ip netns exec "$ns" "$@"
}

in_ns()
{
	(in_ns_exec "$@")
}

tool()
{
	local ns=$1
	shift
	in_ns "$ns" "$TOOL" "$@"
}

# traffic NS ARGS...: traffic.py in NS (-S: site is slow; traffic.py finds
# scapy itself); traffic_exec: the same for "traffic_exec NS ARGS... &".
traffic_exec()
{
	local ns=$1
	shift
	in_ns_exec "$ns" "$PY" -S "$TRAFFIC" "$@"
}

traffic()
{
	(traffic_exec "$@")
}

module_loaded()
{
	local l

	[ -r /proc/modules ] || return 1
	while read -r l; do
		[[ $l == "mipkex "* ]] && return 0
	done </proc/modules
	return 1
}

module_gone()
{
	if module_loaded || [ -e /sys/module/mipkex ]; then
		echo "mipkex still in /proc/modules or /sys/module"
		return 1
	fi
}

# json_get JSON KEY: the value of KEY in a flat JSON object.
json_get()
{
	local re="\"$2\"[[:space:]]*:[[:space:]]*(\"[^\"]*\"|[^,}[:space:]]+)"
	local v

	if ! [[ $1 =~ $re ]]; then
		echo "no \"$2\" in: $1" >&2
		return 1
	fi
	v=${BASH_REMATCH[1]}
	v=${v#\"}
	echo "${v%\"}"
}

# jfile FILE KEY
jfile()
{
	json_get "$(<"$1")" "$2"
}

# load_stats NS ARRAY [LABEL]: the namespace's counters into an associative
# array; printed when LABEL is given.
load_stats()
{
	local -n _st=$2
	local json k

	json=$(tool "$1" -j stats)
	[ -z "$3" ] || echo "$3 counters: $json"
	for k in "${STATS[@]}"; do
		_st["$k"]=$(json_get "$json" "$k")
	done
}

stat_of()
{
	json_get "$(tool "$1" -j stats)" "$2"
}

# stat_at_least NS NAME MIN
stat_at_least()
{
	local v

	v=$(stat_of "$1" "$2") || return 1
	[ "$v" -ge "$3" ]
}

queue_empty()
{
	[ "$(stat_of "$1" queued)" = 0 ]
}

ERRORS=0

# check WHAT GOT OP WANT: compare two numbers, report, count failures.
check()
{
	local what=$1 got=$2 op=$3 want=$4

	if [[ $got =~ ^[0-9]+$ && $want =~ ^[0-9]+$ ]] &&
		test "$got" "$op" "$want"; then
		echo "ok: $what = $got"
	else
		echo "FAIL: $what = $got, want $op $want"
		ERRORS=$((ERRORS + 1))
	fi
}

checks_passed()
{
	[ "$ERRORS" -eq 0 ]
}

# check_consistent NAME ARRAY: the invariants that hold at rest.
check_consistent()
{
	local -n _c=$2
	local k

	check "$1 reinjected_in" "${_c[reinjected_in]}" -eq "${_c[stolen_in]}"
	check "$1 reinjected_out" "${_c[reinjected_out]}" -eq \
		"${_c[stolen_out]}"
	for k in queued dropped_queue_full dropped_nomem dropped_noref \
		passed_malformed; do
		check "$1 $k" "${_c[$k]}" -eq 0
	done
}

# check_show NS ROLE HOOKS(true|false): what "mipkex -j show" reports.
check_show()
{
	local json

	json=$(tool "$1" -j show)
	echo "show: $json"
	check_str "role" "$(json_get "$json" role)" "$2"
	check_str "hooks" "$(json_get "$json" hooks)" "$3"
	check "queue_max" "$(json_get "$json" queue_max)" -eq "$QUEUE_MAX"
	checks_passed
}

check_str()
{
	if [ "$2" = "$3" ]; then
		echo "ok: $1 = $2"
	else
		echo "FAIL: $1 = $2, want $3"
		ERRORS=$((ERRORS + 1))
	fi
}

# start_echo NS NAME [ADDR]: echo server, its summary in $WORK/NAME.json.
start_echo()
{
	local ns=$1 name=$2 addr=${3:-0.0.0.0}

	rm -f "$WORK/$name.ready" "$WORK/$name.json"
	traffic_exec "$ns" echo --addr "$addr" --ready "$WORK/$name.ready" \
		>"$WORK/$name.json" 2>"$WORK/$name.err" &
	echo $! >"$WORK/$name.pid"
	disown
}

wait_echo()
{
	local name

	for name in "$@"; do
		if ! slowwait 60 test -s "$WORK/$name.ready"; then
			echo "echo server $name did not start:"
			cat "$WORK/$name.err"
			return 1
		fi
	done
}

# stop_echo NAME...: stop them and wait for their summaries.
stop_echo()
{
	local name

	for name in "$@"; do
		kill -TERM "$(<"$WORK/$name.pid")" 2>/dev/null || true
	done
	for name in "$@"; do
		slowwait 30 not_running "$(<"$WORK/$name.pid")" || true
		cat "$WORK/$name.err"
		echo "echo $name: $(<"$WORK/$name.json")"
		test -s "$WORK/$name.json"
	done
}

not_running()
{
	! kill -0 "$1" 2>/dev/null
}

# start_flood NS NAME DST...
start_flood()
{
	local ns=$1 name=$2 d args=()

	shift 2
	for d in "$@"; do
		args+=(--dst "$d")
	done
	traffic_exec "$ns" flood "${args[@]}" >"$WORK/$name.json" 2>&1 &
	disown
}

# udp_counters NS ARRAY: the namespace's Udp: line of /proc/net/snmp.
udp_counters()
{
	local -n _u=$2
	local l hdr=() val=() i

	while read -r l; do
		[[ $l == "Udp: "* ]] || continue
		if [ ${#hdr[@]} -eq 0 ]; then
			read -r -a hdr <<<"$l"
		else
			read -r -a val <<<"$l"
		fi
	done < <(in_ns "$1" cat /proc/net/snmp)
	for ((i = 1; i < ${#hdr[@]}; i++)); do
		_u["${hdr[i]}"]=${val[i]}
	done
}

# Kernel log since a mark written to /dev/kmsg.
klog_since()
{
	dmesg | awk -v m="$1" 'f; index($0, m) { f = 1 }'
}

klog_count()
{
	klog_since "$LOAD_MARK" | grep -c "mipkex: $1" || true
}

netns_audit_balanced()
{
	local c d

	c=$(klog_count "netns created")
	d=$(klog_count "netns destroyed")
	echo "created $c destroyed $d"
	[ "$c" -gt 0 ] && [ "$c" -eq "$d" ]
}

kmark()
{
	echo "$1" >/dev/kmsg
}

dyndbg_control()
{
	local f

	for f in /proc/dynamic_debug/control \
		/sys/kernel/debug/dynamic_debug/control; do
		if [ -w "$f" ]; then
			echo "$f"
			return 0
		fi
	done
	return 1
}

# make_topology MN FA HA [ROLES]: veths, addresses, routes, static
# neighbours (nothing waits in an ARP queue), forwarding; the roles unless
# ROLES=0.
make_topology()
{
	local mn=$1 fa=$2 ha=$3

	ip -n "$mn" -batch - <<-EOF
		link add mn0 address $MN_MAC type veth peer name fa0 address $FA0_MAC netns $fa
		addr add $MN_ADDR/24 dev mn0
		addr add $MN_RAW/24 dev mn0
		link set mn0 mtu 1500 up
		route add 10.0.2.0/24 via $FA_MN
		neigh replace $FA_MN lladdr $FA0_MAC dev mn0 nud permanent
	EOF
	ip -n "$fa" -batch - <<-EOF
		link add fa1 address $FA1_MAC type veth peer name ha0 address $HA_MAC netns $ha
		addr add $FA_MN/24 dev fa0
		addr add $FA_HA/24 dev fa1
		link set fa0 mtu 1500 up
		link set fa1 mtu 1500 up
		neigh replace $MN_ADDR lladdr $MN_MAC dev fa0 nud permanent
		neigh replace $MN_RAW lladdr $MN_MAC dev fa0 nud permanent
		neigh replace $HA_ADDR lladdr $HA_MAC dev fa1 nud permanent
	EOF
	ip -n "$ha" -batch - <<-EOF
		addr add $HA_ADDR/24 dev ha0
		link set ha0 mtu 1500 up
		route add 10.0.1.0/24 via $FA_HA
		neigh replace $FA_HA lladdr $FA1_MAC dev ha0 nud permanent
	EOF
	in_ns "$fa" sysctl -qw net.ipv4.ip_forward=1
	[ "${4:-1}" = 1 ] || return 0
	tool "$mn" set role mn
	tool "$fa" set role fa
	tool "$ha" set role ha
}

need_module()
{
	[ "$NO_MODULE" != 1 ] || skip "MIPKEX_NO_MODULE=1"
	module_loaded || { echo "module not loaded"; return 1; }
	QUEUE_MAX=$(</sys/module/mipkex/parameters/max_queue)
}

# ---------------------------------------------------------------- steps

step_load()
{
	local ctl

	[ "$NO_MODULE" != 1 ] || skip "MIPKEX_NO_MODULE=1"
	if module_loaded; then
		echo "module already loaded; enabling its debug messages"
		ctl=$(dyndbg_control) || skip "no dynamic debug control"
		echo "module mipkex +p" >"$ctl"
	else
		insmod "$KO" dyndbg=+p
		: >"$WORK/loaded-by-us"
	fi
	module_loaded
	echo "max_queue: $(</sys/module/mipkex/parameters/max_queue)"
	"$TOOL" show
}

step_topology()
{
	local text

	if [ "$NO_MODULE" = 1 ]; then
		make_topology "$MN" "$FA" "$HA" 0
		skip "MIPKEX_NO_MODULE=1 (topology up, no roles)"
	fi
	need_module
	make_topology "$MN" "$FA" "$HA"
	check_show "$MN" mn true
	check_show "$FA" fa true
	check_show "$HA" ha true
	# A namespace that never had a role has no hook.
	check_show "$T" none false
	# The text form says the same.
	text=$(tool "$T" show)
	echo "$text"
	grep -qx "hooks: none" <<<"$text"
	text=$(tool "$HA" show)
	echo "$text"
	grep -qx "hooks: registered" <<<"$text"
}

build_finished()
{
	[ -s "$WORK/raw.json" ] || not_running "$BUILD_PID"
}

step_traffic()
{
	local rc=0 send=$WORK/send.json

	start_echo "$FA" fa
	start_echo "$HA" ha
	wait_echo fa ha
	slowwait 300 build_finished
	cat "$WORK/build.log"
	if grep -q '^SKIP: ' "$WORK/build.log"; then
		: >"$WORK/traffic.skip"
		stop_echo fa ha >/dev/null
		skip "$(sed -n 's/^SKIP: //p' "$WORK/build.log")"
	fi
	test -s "$WORK/raw.json"
	traffic "$MN" send "${PLAN[@]}" --window 32 \
		--prebuilt "$WORK/raw.json" --deadline 240 >"$send" || rc=$?
	echo "send: $(<"$send")"
	stop_echo fa ha
	[ "$rc" = 0 ] || { echo "sender: exit $rc"; return 1; }
	check "echoes" "$(jfile "$send" echoes)" -eq "$COUNT"
	check "fa received" "$(jfile "$WORK/fa.json" received)" -eq \
		"$(jfile "$send" to_fa)"
	check "ha received" "$(jfile "$WORK/ha.json" received)" -eq \
		"$(jfile "$send" to_ha)"
	check "fa echoed" "$(jfile "$WORK/fa.json" echoed)" -eq \
		"$(jfile "$WORK/fa.json" received)"
	check "ha echoed" "$(jfile "$WORK/ha.json" echoed)" -eq \
		"$(jfile "$WORK/ha.json" received)"
	checks_passed
}

# step_counters NS WHO: exact counters after the main exchange.
step_counters()
{
	local ns=$1 who=$2 send=$WORK/send.json
	declare -A s

	need_module
	[ ! -e "$WORK/traffic.skip" ] || skip "no traffic"
	test -s "$send" || { echo "no traffic summary"; return 1; }
	slowwait 30 queue_empty "$ns" || true
	load_stats "$ns" s "$who"
	if [ "$who" = mn ]; then
		# Whole datagrams are stolen at LOCAL_OUT; the fragments
		# written to the raw socket pass, one count per fragment.
		check "mn stolen_out" "${s[stolen_out]}" -eq \
			"$(jfile "$send" whole_out)"
		check "mn passed_fragment" "${s[passed_fragment]}" -eq \
			"$(jfile "$send" raw_fragments)"
		# Echoes arrive reassembled at LOCAL_IN.
		check "mn stolen_in" "${s[stolen_in]}" -eq \
			$(($(jfile "$send" echoes) + $(jfile "$send" unexpected)))
	else
		# Only its own datagrams: a forwarded one never reaches
		# LOCAL_IN or LOCAL_OUT.
		check "$who stolen_in" "${s[stolen_in]}" -eq \
			"$(jfile "$WORK/$who.json" received)"
		check "$who stolen_out" "${s[stolen_out]}" -eq \
			"$(jfile "$WORK/$who.json" echoed)"
		check "$who stolen_in" "${s[stolen_in]}" -eq \
			"$(jfile "$send" "to_$who")"
		check "$who passed_fragment" "${s[passed_fragment]}" -eq 0
	fi
	check_consistent "$who" s
	checks_passed
}

step_checksums()
{
	local ns

	for ns in "$MN" "$FA" "$HA"; do
		declare -A u=()
		udp_counters "$ns" u
		echo "$ns: InDatagrams ${u[InDatagrams]} NoPorts ${u[NoPorts]}" \
			"RcvbufErrors ${u[RcvbufErrors]}"
		check "$ns InCsumErrors" "${u[InCsumErrors]}" -eq 0
		check "$ns InErrors" "${u[InErrors]}" -eq 0
	done
	checks_passed
}

# Role back to none while datagrams flow (and may be queued): whatever was
# taken is re-injected, nothing is lost, and the counters stop moving.
step_role_none()
{
	local base pid rc=0 ns i
	declare -A s

	need_module
	start_echo "$FA" fa2
	start_echo "$HA" ha2
	wait_echo fa2 ha2
	base=$(stat_of "$MN" stolen_out)
	traffic_exec "$MN" send --mix sock=1 --dst "fa=$FA_MN" \
		--dst "ha=$HA_ADDR" --count 1000 --seed 2 --window 256 \
		--deadline 200 >"$WORK/send2.json" 2>"$WORK/send2.err" &
	pid=$!
	slowwait 120 stat_at_least "$MN" stolen_out $((base + 300))
	for ns in "$HA" "$FA" "$MN"; do
		echo "$ns: queued $(stat_of "$ns" queued), setting role none"
		tool "$ns" set role none
	done
	wait "$pid" || rc=$?
	cat "$WORK/send2.err"
	echo "send: $(<"$WORK/send2.json")"
	[ "$rc" = 0 ] || { echo "sender: exit $rc"; ERRORS=$((ERRORS + 1)); }
	for i in "$MN:mn" "$FA:fa" "$HA:ha"; do
		check_show "${i%%:*}" none false || true
		s=()
		load_stats "${i%%:*}" s "${i#*:}"
		check_consistent "${i#*:}" s
	done
	# Without a role nothing is counted any more.
	for ns in "$MN" "$FA" "$HA"; do
		tool "$ns" -j stats >"$WORK/before.$ns"
	done
	traffic "$MN" send --mix sock=1 --dst "fa=$FA_MN" --dst "ha=$HA_ADDR" \
		--count 100 --seed 3 >"$WORK/send3.json" || rc=$?
	echo "send: $(<"$WORK/send3.json")"
	[ "$rc" = 0 ] || { echo "sender: exit $rc"; ERRORS=$((ERRORS + 1)); }
	for ns in "$MN" "$FA" "$HA"; do
		if [ "$(tool "$ns" -j stats)" = "$(<"$WORK/before.$ns")" ]; then
			echo "ok: $ns counters unchanged"
		else
			echo "FAIL: $ns counters moved without a role:"
			echo "  before $(<"$WORK/before.$ns")"
			echo "  after  $(tool "$ns" -j stats)"
			ERRORS=$((ERRORS + 1))
		fi
	done
	stop_echo fa2 ha2
	check "fa received" "$(jfile "$WORK/fa2.json" received)" -eq \
		$(($(jfile "$WORK/send2.json" to_fa) + \
		$(jfile "$WORK/send3.json" to_fa)))
	check "ha received" "$(jfile "$WORK/ha2.json" received)" -eq \
		$(($(jfile "$WORK/send2.json" to_ha) + \
		$(jfile "$WORK/send3.json" to_ha)))
	checks_passed
}

tracefs_dir()
{
	local d

	for d in /sys/kernel/tracing /sys/kernel/debug/tracing; do
		if [ -e "$d/available_tracers" ]; then
			echo "$d"
			return 0
		fi
	done
	mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null || return 1
	[ -e /sys/kernel/tracing/available_tracers ] || return 1
	echo /sys/kernel/tracing
}

ftrace_off()
{
	[ -n "$FT" ] || return 0
	echo 0 >"$FT/tracing_on" || true
	echo nop >"$FT/current_tracer" || true
	echo >"$FT/set_ftrace_filter" || true
	[ "$FT" = "$FT_TOP" ] || rmdir "$FT" || true
}

hook_calls()
{
	grep -v '^#' "$FT/trace" | grep -c 'mipkex_nf_hook' || true
}

# udp_burst NS N: N datagrams to 127.0.0.1:434 from bash's /dev/udp, then
# wait until the echo server has sent each back. (The echoes themselves are
# counted nowhere reliable: InDatagrams counts datagrams read, not received,
# and the sending socket may still be open when an echo arrives.)
udp_burst()
{
	local ns=$1 n=$2 want
	declare -A u=()

	udp_counters "$ns" u
	want=$((u[OutDatagrams] + 2 * n))
	# shellcheck disable=SC2016 # expanded by the inner bash
	in_ns "$ns" bash -c \
		'for ((i = 0; i < $1; i++)); do
			echo "mipkex ftrace $i" >/dev/udp/127.0.0.1/434
		done' - "$n"
	if ! slowwait 60 udp_sent "$ns" "$want"; then
		udp_counters "$ns" u
		echo "UDP counters: InDatagrams ${u[InDatagrams]}" \
			"NoPorts ${u[NoPorts]} OutDatagrams ${u[OutDatagrams]}," \
			"want OutDatagrams $want"
		return 1
	fi
}

udp_sent()
{
	declare -A u=()

	udp_counters "$1" u
	[ "${u[OutDatagrams]}" -ge "$2" ]
}

# The hook is not even called in a namespace without a role.
step_ftrace()
{
	local n=20 calls ns
	declare -A s

	need_module
	FT_TOP=$(tracefs_dir) || skip "tracefs not available"
	grep -qw function "$FT_TOP/available_tracers" ||
		skip "function tracer not available"
	if ! grep -q '^mipkex_nf_hook ' "$FT_TOP/available_filter_functions"; then
		echo "mipkex_nf_hook is not in available_filter_functions"
		return 1
	fi
	FT=$FT_TOP/instances/mipkex-$$
	if mkdir "$FT" 2>/dev/null && [ -e "$FT/set_ftrace_filter" ]; then
		echo "tracing instance $FT"
	else
		rmdir "$FT" 2>/dev/null || true
		FT=$FT_TOP
		[ "$(<"$FT/current_tracer")" = nop ] ||
			skip "the function tracer is in use"
	fi
	trap ftrace_off EXIT
	echo mipkex_nf_hook >"$FT/set_ftrace_filter"
	echo function >"$FT/current_tracer"
	echo 1 >"$FT/tracing_on"
	# No namespace of ours keeps a hook.
	for ns in "$MN" "$FA" "$HA" "$T"; do
		tool "$ns" set role none
	done
	check_show "$T" none false
	start_echo "$T" techo 127.0.0.1
	wait_echo techo

	echo >"$FT/trace"
	udp_burst "$T" "$n"
	calls=$(hook_calls)
	check "hook calls without a role" "$calls" -eq 0

	tool "$T" set role mn
	check_show "$T" mn true
	echo >"$FT/trace"
	udp_burst "$T" "$n"
	# The last echoes may still be on their way to LOCAL_IN.
	slowwait 30 stat_at_least "$T" stolen_in $((2 * n)) || true
	slowwait 30 queue_empty "$T" || true
	calls=$(hook_calls)
	# Each datagram and each echo meets the hook at LOCAL_OUT and at
	# LOCAL_IN (and again when re-injected).
	check "hook calls with a role" "$calls" -ge $((4 * n))
	load_stats "$T" s t
	check "t stolen_out" "${s[stolen_out]}" -eq $((2 * n))
	check "t stolen_in" "${s[stolen_in]}" -eq $((2 * n))
	check_consistent t s
	tool "$T" set role none
	stop_echo techo
	checks_passed
}

# Namespaces deleted with datagrams in flight: every one the module saw
# created is destroyed (a leaked device or socket reference would keep it).
step_netns_teardown()
{
	local base_mn base_t ns

	need_module
	tool "$MN" set role mn
	tool "$FA" set role fa
	tool "$HA" set role ha
	tool "$T" set role mn
	base_mn=$(stat_of "$MN" stolen_out)
	base_t=$(stat_of "$T" stolen_out)
	start_echo "$FA" fa3
	start_echo "$HA" ha3
	start_echo "$T" techo3 127.0.0.1
	wait_echo fa3 ha3 techo3
	start_flood "$MN" flood-mn "$FA_MN" "$HA_ADDR"
	start_flood "$HA" flood-ha "$FA_HA"
	start_flood "$T" flood-t 127.0.0.1
	slowwait 120 stat_at_least "$MN" stolen_out $((base_mn + 300))
	slowwait 60 stat_at_least "$T" stolen_out $((base_t + 300))
	for ns in "$MN" "$FA" "$HA" "$T"; do
		echo "$ns: $(tool "$ns" -j stats)"
	done
	for ns in "$MN" "$FA" "$HA" "$T"; do
		ip netns pids "$ns" | xargs -r kill -9
		ip netns delete "$ns"
	done
	echo "namespaces deleted"
	if ! slowwait 180 netns_audit_balanced; then
		echo
		echo "not every namespace was destroyed:"
		klog_since "$LOAD_MARK" | grep 'mipkex: netns' | uniq -c
		return 1
	fi
	echo
}

# Module removal with traffic running through its hooks, then again after a
# reload.
step_rmmod()
{
	local base

	need_module
	make_topology "$MN2" "$FA2" "$HA2"
	start_echo "$FA2" fa4
	start_echo "$HA2" ha4
	wait_echo fa4 ha4
	start_flood "$MN2" flood-mn2 "$FA_MN" "$HA_ADDR"
	slowwait 120 stat_at_least "$MN2" stolen_out 300
	echo "mn: $(tool "$MN2" -j stats)"
	slowwait 60 rmmod mipkex
	module_gone
	echo "removed under traffic"
	insmod "$KO" dyndbg=+p
	module_loaded
	# Fresh state: no role anywhere.
	check_show "$MN2" none false
	check_show "$FA2" none false
	tool "$MN2" set role mn
	tool "$FA2" set role fa
	tool "$HA2" set role ha
	check_show "$MN2" mn true
	base=$(stat_of "$MN2" stolen_out)
	slowwait 60 stat_at_least "$MN2" stolen_out $((base + 100))
	echo "mn: $(tool "$MN2" -j stats)"
	slowwait 60 rmmod mipkex
	module_gone
	echo "removed again under traffic"
	rm -f "$WORK/loaded-by-us"
}

step_klog()
{
	local bad

	[ "$NO_MODULE" != 1 ] || skip "MIPKEX_NO_MODULE=1 (host kernel log)"
	dmesg | grep -qF "$START_MARK" ||
		{ echo "start mark not found in the kernel log"; return 1; }
	bad=$(klog_since "$START_MARK" | grep -E "$KLOG_BAD" || true)
	if [ -n "$bad" ]; then
		echo "kernel log:"
		klog_since "$START_MARK" | grep -E -A 20 "$KLOG_BAD" | head -100
		return 1
	fi
	echo "kernel log clean"
}

# ---------------------------------------------------------------- main

cleanup()
{
	set +e
	[ -z "$BUILD_PID" ] || kill "$BUILD_PID" 2>/dev/null
	cleanup_all_ns >/dev/null 2>&1
	if [ -e "$WORK/loaded-by-us" ] && module_loaded; then
		timeout 60 rmmod mipkex
	fi
	[ "$MIPKEX_KEEP" = 1 ] || rm -rf "$WORK"
}

[ "$(id -u)" = 0 ] || tap_skip_all "must be root"
command -v ip >/dev/null || tap_skip_all "ip (iproute2) not found"
[ -x "$PY" ] || tap_skip_all "$PY not found"
if [ "$NO_MODULE" != 1 ]; then
	[ -x "$TOOL" ] || tap_skip_all "$TOOL not built"
	[ -e "$KO" ] || module_loaded || tap_skip_all "$KO not built"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/mipkex-reinject.XXXXXX")
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# scapy is slow in an emulated guest: build the raw datagrams meanwhile.
"$PY" -S "$TRAFFIC" build "${PLAN[@]}" --out "$WORK/raw.json" \
	>"$WORK/build.log" 2>&1 &
BUILD_PID=$!

START_MARK="mipkex-selftest reinject $$ start"
[ "$NO_MODULE" = 1 ] || kmark "$START_MARK"

tap_plan "$NTESTS"
tap_run "module loads with dyndbg=+p" step_load
LOAD_MARK="mipkex-selftest reinject $$ loaded"
[ "$NO_MODULE" = 1 ] || kmark "$LOAD_MARK"

setup_ns MN FA HA T || echo "# cannot create the namespaces"
tap_run "topology mn-fa-ha, roles set, hooks registered only with a role" \
	step_topology
tap_run "$COUNT datagrams and their echoes intact, none lost or duplicated" \
	step_traffic
tap_run "mn counters exact" step_counters "$MN" mn
tap_run "fa counters exact (forwarded traffic untouched)" \
	step_counters "$FA" fa
tap_run "ha counters exact" step_counters "$HA" ha
tap_run "no UDP checksum errors after re-injection" step_checksums
tap_run "role none under traffic: none lost, counters consistent, then frozen" \
	step_role_none
tap_run "ftrace: no hook call without a role, calls with one" step_ftrace
tap_run "namespaces deleted under traffic: all destroyed" \
	step_netns_teardown
setup_ns MN2 FA2 HA2 || echo "# cannot create the namespaces"
tap_run "rmmod under traffic, reload, rmmod again" step_rmmod
cleanup_all_ns >/dev/null 2>&1 || true
tap_run "kernel log clean" step_klog
tap_exit
