#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make demo": runs inside a throw-away VM (selftests/vm/vmrun.sh). Loads the
# module, builds a mobile node, a foreign agent and a home agent in three
# network namespaces joined by veth, gives each its role with the tool, sends
# a few Mobile IP (UDP 434) datagrams, and shows what every node sees.
#
# It grows with the project: registration, keys and ESP SAs come next.

set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$ROOT/userspace:$PATH"
TOOL=mipkex
PY=/usr/bin/python3

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

say "Load the module"
run insmod "$ROOT/kmod/mipkex.ko"
run dmesg --notime | grep mipkex | tail -n 1

say "Three nodes: mn --veth-- fa --veth-- ha"
for ns in mn fa ha; do ip netns add $ns; ip -n $ns link set lo up; done
ip link add mn0 netns mn type veth peer name fa0 netns fa
ip link add fa1 netns fa type veth peer name ha0 netns ha
ip -n mn addr add 10.0.1.2/24 dev mn0
ip -n fa addr add 10.0.1.1/24 dev fa0
ip -n fa addr add 10.0.2.1/24 dev fa1
ip -n ha addr add 10.0.2.2/24 dev ha0
for l in mn:mn0 fa:fa0 fa:fa1 ha:ha0; do ip -n "${l%%:*}" link set "${l#*:}" up; done
ip -n mn route add default via 10.0.1.1
ip -n ha route add default via 10.0.2.1
ip netns exec fa sysctl -qw net.ipv4.ip_forward=1
for ns in mn fa ha; do printf '  %-3s %s\n' $ns "$(ip -n $ns -br -4 addr | awk '$1 != "lo" {print $1, $3}' | tr '\n' ' ')"; done

say "Give each namespace its role"
run ip netns exec mn "$TOOL" set role mn
run ip netns exec fa "$TOOL" set role fa
run ip netns exec ha "$TOOL" set role ha

for ns in mn fa ha; do
	say "mipkex show in $ns"
	ip netns exec $ns "$TOOL" show
done

say "A namespace without a role has no hook"
ip netns add other
run ip netns exec other "$TOOL" show

say "mn sends 5 registration-port datagrams to the home agent, which echoes them"
ip netns exec ha "$PY" -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 434))
s.settimeout(30)
for _ in range(5):
    d, a = s.recvfrom(65535)
    s.sendto(d, a)
' &
echo_pid=$!
# Poll until the home agent listens on 434.
for _ in $(seq 100); do
	ip netns exec ha ss -lun | grep -q ':434 ' && break
	sleep 0.1
done
ip netns exec mn "$PY" -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(30)
for i in range(5):
    s.sendto(b"hello %d" % i, ("10.0.2.2", 434))
    d, a = s.recvfrom(65535)
    print("  mn got %r back from %s:%d" % (d, a[0], a[1]))
'
wait $echo_pid

for ns in mn fa ha; do
	say "mipkex stats in $ns"
	ip netns exec $ns "$TOOL" stats | grep -v ': 0$' || echo "(all zero)"
done
echo
echo "The home agent and the mobile node took every UDP/434 datagram at their"
echo "LOCAL_IN/LOCAL_OUT hooks and re-injected it unchanged; the foreign agent"
echo "only forwarded them, so its counters stay at zero."

say "Clean up"
for ns in mn fa ha other; do ip netns del $ns; done
run rmmod mipkex
