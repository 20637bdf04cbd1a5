#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Teardown with datagrams queued, made deterministic with the testing build of
# the module (build/testing/kmod/mipkex.ko), whose debugfs control
# hold_worker keeps workers from emptying their queues:
#   - role back to none re-injects every queued datagram, in order;
#   - a namespace deleted with datagrams queued at LOCAL_IN (holding device
#     references) goes away, and its devices with it;
#   - the module unloads with datagrams queued in two namespaces, and every
#     one is delivered.
# Each is checked with the receiver's own count and order, the module's
# counters, and the create/destroy audit of its per-namespace state.

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../lib.sh
. "$ROOT/selftests/lib.sh"
TOOL=${MIPKEX_TOOL:-$ROOT/userspace/mipkex}
KO=${MIPKEX_TESTING_KO:-$ROOT/build/testing/kmod/mipkex.ko}
PY=/usr/bin/python3
HOLD=/sys/kernel/debug/mipkex/hold_worker
N=100
TMPD=$(mktemp -d)
MARK="mipkex-teardown-$$"

[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root"; exit "$ksft_skip"; }
[ -f "$KO" ] || { echo "1..0 # SKIP $KO not built (make testing-module)"; exit "$ksft_skip"; }
if [ -d /sys/module/mipkex ] && ! rmmod mipkex; then
	echo "1..0 # SKIP mipkex is loaded and in use"
	exit "$ksft_skip"
fi

cleanup() {
	[ -w "$HOLD" ] && echo 0 >"$HOLD"
	cleanup_all_ns
	rmmod mipkex 2>/dev/null
	rm -rf "$TMPD"
}
trap cleanup EXIT

stat() { # ns counter
	ip netns exec "$1" "$TOOL" -j stats |
		"$PY" -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2"
}
stat_is() { [ "$(stat "$1" "$2")" = "$3" ]; }
listening() { ip netns exec "$1" ss -lun | grep -q "$2:434 "; }
klog_count() { dmesg | awk -v m="$MARK" 'f; index($0, m) { f = 1 }' | grep -c "mipkex: $1" || true; }
destroyed_at_least() { [ "$(klog_count 'netns destroyed')" -ge "$1" ]; }

load() {
	if [ -d /sys/module/mipkex ]; then rmmod mipkex; fi
	echo "$MARK" >/dev/kmsg
	insmod "$KO" dyndbg=+p
	[ -w "$HOLD" ] || { echo "no $HOLD: debugfs not mounted?"; return 1; }
}

# receiver NS ADDR NAME: counts datagrams 0..N-1 in order until "END";
# writes "count in-order" to $TMPD/NAME.
receiver() {
	ip netns exec "$1" "$PY" -S -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
s.bind((sys.argv[1], 434))
s.settimeout(120)
n, in_order = 0, True
while True:
    d = s.recv(65535)
    if d == b"END":
        break
    in_order = in_order and d == n.to_bytes(4, "big") * 50
    n += 1
print(n, "in-order" if in_order else "out-of-order")' "$2" >"$TMPD/$3" 2>&1 &
	echo $! >"$TMPD/$3.pid"
	disown
	slowwait 30 listening "$1" "$2"
}

# sender NS DST: N numbered datagrams then "END", from one socket.
sender() {
	ip netns exec "$1" "$PY" -S -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(int(sys.argv[2])):
    s.sendto(i.to_bytes(4, "big") * 50, (sys.argv[1], 434))
s.sendto(b"END", (sys.argv[1], 434))' "$2" "$N"
}

received_all() { # NAME
	local pid
	pid=$(cat "$TMPD/$1.pid")
	slowwait 60 sh -c "! kill -0 $pid 2>/dev/null"
	echo "$1: $(cat "$TMPD/$1")"
	[ "$(cat "$TMPD/$1")" = "$N in-order" ]
}

role_none_drains() {
	load
	veth_pair
	ip netns exec "$A" "$TOOL" set role mn
	receiver "$B" 192.0.2.2 r1
	echo 1 >"$HOLD"
	sender "$A" 192.0.2.2
	slowwait 30 stat_is "$A" queued $((N + 1))
	slowwait 30 stat_is "$A" reinjected_out 0
	echo "queued $((N + 1)) at LOCAL_OUT, worker held"
	ip netns exec "$A" "$TOOL" set role none
	slowwait 30 stat_is "$A" queued 0
	slowwait 30 stat_is "$A" stolen_out $((N + 1))
	slowwait 30 stat_is "$A" reinjected_out $((N + 1))
	ip netns exec "$A" "$TOOL" show | grep -qx 'hooks: none'
	received_all r1
	echo 0 >"$HOLD"
	cleanup_all_ns
	rmmod mipkex
}

# A datagram queued at LOCAL_OUT holds its socket, and a user socket holds
# its namespace, so only LOCAL_IN queues (which hold devices) can meet a dying
# namespace: the core unregisters the devices after our pre_exit, which must
# have released them.
netns_delete_with_queue() {
	local destroyed
	load
	veth_pair
	ip netns exec "$B" "$TOOL" set role ha
	echo 1 >"$HOLD"
	receiver "$B" 192.0.2.2 rb
	sender "$A" 192.0.2.2
	slowwait 30 stat_is "$B" stolen_in $((N + 1))
	slowwait 30 stat_is "$B" queued $((N + 1))
	echo "queued $((N + 1)) at B's LOCAL_IN, worker held"
	destroyed=$(klog_count 'netns destroyed')
	cleanup_ns "$B"
	# B's state goes away: no device reference left behind.
	slowwait 60 destroyed_at_least $((destroyed + 1))
	echo "B destroyed"
	ip -n "$A" link show a0 >/dev/null 2>&1 && { echo "veth peer survived"; return 1; }
	echo 0 >"$HOLD"
	cleanup_all_ns
	rmmod mipkex
}

rmmod_with_queue() {
	load
	veth_pair
	ip netns exec "$A" "$TOOL" set role mn
	ip netns exec "$B" "$TOOL" set role ha
	echo 1 >"$HOLD"
	receiver "$B" 192.0.2.2 rm
	sender "$A" 192.0.2.2
	slowwait 30 stat_is "$A" queued $((N + 1))
	echo "queued $((N + 1)) in A, worker held"
	rmmod mipkex
	[ ! -d /sys/module/mipkex ]
	echo "unloaded"
	# A's queue was re-injected, went through B's hooks while they still
	# existed, and reached B's socket.
	received_all rm
	cleanup_all_ns
	# Every namespace state created since the mark was destroyed.
	[ "$(klog_count 'netns created')" = "$(klog_count 'netns destroyed')" ]
}

tap_plan 3
tap_run "role none with datagrams queued: all re-injected, in order" \
	role_none_drains
tap_run "namespace deleted with datagrams queued at LOCAL_IN" \
	netns_delete_with_queue
tap_run "module unloaded with datagrams queued: all delivered" \
	rmmod_with_queue
tap_exit
