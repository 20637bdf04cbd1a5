#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The worker queue's bound (module parameter max_queue): out-of-range values
# are refused at load; with a tiny bound, a burst of registration datagrams
# overflows it, and every datagram is accounted for exactly:
#   sent = taken + dropped_queue_full, each drop is an EPERM seen by the
#   sender, and every taken datagram reaches the receiving socket.
# Loads and unloads the module itself, so it must not be in use.

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../lib.sh
. "$ROOT/selftests/lib.sh"
TOOL=${MIPKEX_TOOL:-$ROOT/userspace/mipkex}
KO=${MIPKEX_KO:-$ROOT/kmod/mipkex.ko}
PY=/usr/bin/python3
BURST=2000

[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root"; exit "$ksft_skip"; }
[ -f "$KO" ] || { echo "1..0 # SKIP $KO not built"; exit "$ksft_skip"; }
if [ -d /sys/module/mipkex ] && ! rmmod mipkex; then
	echo "1..0 # SKIP mipkex is loaded and in use"
	exit "$ksft_skip"
fi

TMPD=$(mktemp -d)
cleanup() {
	cleanup_all_ns
	rm -rf "$TMPD"
	rmmod mipkex 2>/dev/null
}
trap cleanup EXIT

stat() { # ns name
	ip netns exec "$1" "$TOOL" -j stats |
		"$PY" -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2"
}

snmp_udp() { # ns field: a field of the Udp: line of /proc/net/snmp
	ip netns exec "$1" awk -v f="$2" '
		$1 == "Udp:" && !h { for (i = 2; i <= NF; i++) n[$i] = i; h = 1; next }
		$1 == "Udp:" { print $n[f] }' /proc/net/snmp
}

listening() { ip netns exec "$1" ss -lun | grep -q ':434 '; }
queue_empty() { [ "$(stat "$1" queued)" = 0 ]; }

refused_values() {
	local v
	for v in 0 65537; do
		if insmod "$KO" max_queue=$v 2>/dev/null; then
			echo "max_queue=$v was accepted"
			rmmod mipkex
			return 1
		fi
	done
	[ ! -d /sys/module/mipkex ]
}

overflow() {
	local out sent eperm stolen dropped reinj queued got receiver
	insmod "$KO" max_queue=1
	[ "$(cat /sys/module/mipkex/parameters/max_queue)" = 1 ]
	veth_pair
	ip netns exec "$A" "$TOOL" set role mn

	# The receiver counts datagrams until the end marker, which is queued
	# after every other datagram (the queue is FIFO).
	ip netns exec "$B" "$PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
s.bind(("192.0.2.2", 434))
s.settimeout(120)
n = 0
while s.recv(65535) != b"END":
    n += 1
print(n)' >"$TMPD/received" 2>&1 &
	receiver=$!
	slowwait 30 listening "$B"

	out=$(ip netns exec "$A" "$PY" -c '
import socket, sys, time
n = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
eperm = 0
attempts = n + 1
for i in range(n):
    try:
        s.sendto(i.to_bytes(4, "big") * 25, ("192.0.2.2", 434))
    except PermissionError:
        eperm += 1
for _ in range(1000):
    try:
        s.sendto(b"END", ("192.0.2.2", 434))
        break
    except PermissionError:
        eperm += 1
        attempts += 1
        time.sleep(0.01)
else:
    sys.exit("the end marker was never queued")
print(attempts, eperm)' "$BURST")
	read -r sent eperm <<<"$out"
	echo "sendto $sent times (with the end marker), refused with EPERM $eperm"

	# Wait until the worker has emptied the queue.
	slowwait 60 queue_empty "$A"
	stolen=$(stat "$A" stolen_out)
	dropped=$(stat "$A" dropped_queue_full)
	reinj=$(stat "$A" reinjected_out)
	queued=$(stat "$A" queued)
	echo "stolen_out $stolen, dropped_queue_full $dropped, reinjected_out $reinj, queued $queued"
	[ "$dropped" -gt 0 ] || { echo "the burst never overflowed a queue of 1"; return 1; }
	[ "$dropped" = "$eperm" ]
	[ $((stolen + dropped)) = "$sent" ]
	[ "$reinj" = "$stolen" ]
	[ "$queued" = 0 ]
	# Every re-injected datagram reaches the receiving socket.
	wait "$receiver"
	got=$(cat "$TMPD/received")
	echo "received $got before the end marker"
	[ "$got" = $((stolen - 1)) ]
	[ "$(snmp_udp "$B" InCsumErrors)" = 0 ]
	[ "$(snmp_udp "$B" RcvbufErrors)" = 0 ]
}

tap_plan 2
tap_run "max_queue outside 1-65536 is refused at load" refused_values
tap_run "an overflowing burst: every datagram taken or refused, none lost" overflow
tap_exit
