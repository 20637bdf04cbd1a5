#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make demo", in a throw-away VM (selftests/vm/vmrun.sh): the whole story for
# an operator, each command shown as it runs, from insmod through a
# registration, its ESP SAs and a capture, to deregistration and rmmod.
# Addressing as in selftests/kernel/xfrm.sh:
#
#     mn                     fa                     ha                  cn
# mn0 10.0.1.1 ---- fa0 10.0.1.2
# home 10.0.3.1/32          fa1 10.0.2.1 ---- ha0 10.0.2.2
#                                                 ha1 10.0.4.1 ---- cn0 10.0.4.2

set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d /tmp/mipkex-demo.XXXXXX)
mkdir "$W/bin"
printf '#!/bin/sh\nexec /usr/bin/python3 -S %s "$@"\n' \
	"$ROOT/selftests/agents/mipagent.py" >"$W/bin/mipagent"
chmod 755 "$W/bin/mipagent"
export W PATH="$ROOT/userspace:$W/bin:$PATH"
cd "$W"
umask 077

MN_ADDR=10.0.1.1 FA_MN=10.0.1.2 FA_HA=10.0.2.1 HA_ADDR=10.0.2.2
HA_CN=10.0.4.1 CN_ADDR=10.0.4.2 HOME=10.0.3.1
NAI=alice@example.org SPI=4097 FA_SPI=300
PING=(ping -q -c 3 -i 0.2 -W 5)

# Headings, notes and commands go to the terminal (fd 3), even when the
# command's output goes to a pipe or a file.
exec 3>&1
say() { printf '\n\033[1m== %s\033[0m\n' "$*" >&3; }
note() { printf '\033[2m# %s\033[0m\n' "$*" >&3; }
prompt() { printf '\033[36m%s%s\033[0m\n' "$1" "$2" >&3; }
q() { local a s=; for a; do [[ $a =~ [[:space:]] ]] && a="\"$a\""; s+=" $a"; done; echo "${s# }"; }
run() { prompt '$ ' "$(q "$@")"; "$@"; }
on() { local ns=$1; shift; prompt "$ns# " "$(q "$@")"; ip netns exec "$ns" "$@"; }
runp() { prompt '$ ' "$1"; bash -o pipefail -c "$1"; }                      # a pipeline
onp() { prompt "$1# " "$2"; ip netns exec "$1" bash -o pipefail -c "$2"; }  # in NS
# ipb NS <<EOF: ip -batch in NS, each command shown.
ipb() { local c l; c=$(cat); while read -r l; do prompt "$1# " "ip $l"; done <<<"$c"; ip -n "$1" -batch - <<<"$c"; }
# tshark without its "running as root" warning (but with its errors).
tshark() { command tshark "$@" 2>"$W/tshark.err" || { cat "$W/tshark.err" >&2; return 1; }; }
export -f tshark

# wait_for SECS WHAT CMD...: poll CMD every 0.1 s until it succeeds.
wait_for()
{
	local end=$((SECONDS + $1)) what=$2
	shift 2
	until "$@"; do
		((SECONDS < end)) || { echo "timed out waiting for $what" >&2; return 1; }
		sleep 0.1
	done
}

# start NS NAME CMD...: CMD in NS in the background, output in NAME.out;
# stop NAME: stop it.
start()
{
	prompt "$1# " "$(q "${@:3}") > $2.out &"
	ip netns exec "$1" "${@:3}" >"$2.out" 2>&1 &
	echo $! >"$2.pid"
}
stop()
{
	local pid
	pid=$(<"$1.pid") && rm "$1.pid"
	kill "$pid" 2>/dev/null && { wait_for 10 "$1 to stop" eval "! kill -0 $pid 2>/dev/null" || kill -KILL "$pid"; }
	wait "$pid" 2>/dev/null || :
}

cleanup()
{
	local rc=$? p
	set +e
	trap - ERR
	for p in "$W"/*.pid; do [ -e "$p" ] && kill "$(<"$p")" 2>/dev/null; done
	if [ "$rc" != 0 ]; then
		for p in "$W"/*.out; do [ -e "$p" ] && { echo "--- ${p##*/}"; tail -n 5 "$p"; }; done
		echo "DEMO FAILED (exit $rc)"
	fi
	for p in mn fa ha cn; do ip netns del $p 2>/dev/null; done
	[ -d /sys/module/mipkex ] && rmmod mipkex
	rm -rf "$W"
	exit "$rc"
}
trap cleanup EXIT
trap 'echo "FAILED at line $LINENO: $(sed -n "${LINENO}p" "$0")" >&2' ERR

# register NAME [ARGS...]: the mobile node's agent registers once; its
# result line (NAME.json), readably.
register()
{
	onp mn "mipagent mn --ha $HA_ADDR --home $HOME --nai $NAI --fa $FA_MN --coa $FA_HA --spi $SPI --key-file key0.key --auth hmac-sha256 --json --timeout 40 --retransmit 8${2:+ ${*:2}} > $1.json" ||
		{ cat "$1.json"; return 1; }
	jq -r '"  reply code \(.code) (\(if .code <= 1 then "accepted" else "denied" end)), lifetime \(.lifetime) s, home address \(.home), home agent \(.ha)",
		"  MN-HA authenticator \(if .auth_ok then "valid" else "INVALID" end), \(.retransmissions) retransmissions, \(.rtt_ms) ms"' "$1.json"
	jq -e '.code == 0 and .auth_ok' "$1.json" >/dev/null
}

# counts: per node, its bindings, its SAs (show sa), XFRM states and policies.
counts()
{
	local ns
	for ns in mn fa ha; do
		printf '  %s: %s bindings, %s SAs, %s XFRM states, %s XFRM policies\n' $ns \
			"$(ip netns exec $ns mipkex -j show bindings | jq length)" \
			"$(ip netns exec $ns mipkex -j show sa | jq length)" \
			"$(ip netns exec $ns ip xfrm state | grep -c '^src' || :)" \
			"$(ip netns exec $ns ip xfrm policy | grep -c '^src' || :)"
	done
}
all_gone() { [ "$(counts | grep -c ' 0 bindings, 0 SAs, 0 XFRM states, 0 XFRM policies' || :)" = 3 ]; }

# capture NAME: registration, ESP and ICMP on the FA's two links, into
# NAME.pcapng; stop_capture NAME N: stop it once it has written N packets
# (dumpcap writes them in batches: stopped earlier, it loses the last ones).
capture()
{
	start fa "$1" dumpcap -q -f "udp port 434 or esp or icmp" -i fa0 -i fa1 -w "$1.pcapng"
	wait_for 60 "dumpcap" grep -q "Capturing on" "$1.out"
}
has_packets() { (($(capinfos -c -M "$1" 2>/dev/null | awk '/Number of packets/ { n = $NF } END { print n + 0 }') >= $2)); }
stop_capture() { wait_for 30 "$2 packets in $1.pcapng" has_packets "$1.pcapng" "$2" && stop "$1"; }

say "1. Load the module; it checks its cryptography as it loads"
run insmod "$ROOT/kmod/mipkex.ko"
runp "mipkex selftest | sed -n 1,3p"
note "known answers for every primitive and derivation; a failure would have refused the load"

say "2. Four namespaces: mn --veth-- fa --veth-- ha --veth-- cn"
for ns in mn fa ha cn; do run ip netns add $ns; done
ipb mn <<EOF
link add mn0 type veth peer name fa0 netns fa
addr add $MN_ADDR/24 dev mn0
addr add $HOME/32 dev mn0
link set mn0 up
link set lo up
route add default via $FA_MN src $HOME
EOF
ipb fa <<EOF
link add fa1 type veth peer name ha0 netns ha
addr add $FA_MN/24 dev fa0
addr add $FA_HA/24 dev fa1
link set fa0 up
link set fa1 up
link set lo up
route add $HOME/32 via $MN_ADDR dev fa0
route add 10.0.4.0/24 via $HA_ADDR
EOF
ipb ha <<EOF
link add ha1 type veth peer name cn0 netns cn
addr add $HA_ADDR/24 dev ha0
addr add $HA_CN/24 dev ha1
link set ha0 up
link set ha1 up
link set lo up
route add 10.0.1.0/24 via $FA_HA
route add $HOME/32 via $FA_HA
EOF
ipb cn <<EOF
addr add $CN_ADDR/24 dev cn0
link set cn0 up
link set lo up
route add default via $HA_CN
EOF
for ns in fa ha; do on $ns sysctl -qw net.ipv4.ip_forward=1; done
note "the FA and the HA route the home address as their Mobile IP tunnels would"

say "3. Provision: keys, roles, KEY0 (MN-HA), the FA-HA peers, the KDC"
runp "mipkex genkey > key0.key"
runp "mipkex genkey > faha.key"
for ns in mn fa ha; do on $ns mipkex set role $ns; done
for ns in mn ha; do on $ns mipkex key0 add $SPI nai $NAI home $HOME ha $HA_ADDR key key0.key; done
on fa mipkex peer add $HA_ADDR spi $FA_SPI key faha.key
on ha mipkex peer add $FA_HA spi $FA_SPI key faha.key
note "stateful KDC: the HA draws KEY1 (MN-HA), KEY2 (FA-HA), KEY3 (MN-FA) and sends them wrapped in its reply;"
note "ESP in transport mode, with XFRM policies for each pair's traffic"
for ns in mn fa ha; do on $ns mipkex kdc set mode stateful sa-mode transport sa-policy pair; done
on ha mipkex show
on ha mipkex kdc show
for ns in mn ha; do on $ns mipkex key0 show; done
note "keys never come back from the module, only fingerprints: the same key at both ends, the same fingerprint"

say "4. The reference Mobile IP agents (plain RFC 5944: they know nothing of mipkex) and a capture"
start ha ha-agent mipagent ha --addr $HA_ADDR --mn "$NAI,$HOME,$SPI,key0.key,hmac-sha256" --peer "$FA_HA,$FA_SPI,faha.key,hmac-sha256"
start fa fa-agent mipagent fa --addr $FA_MN --addr $FA_HA --coa $FA_HA --peer $HA_ADDR --spi $FA_SPI --key-file faha.key --auth hmac-sha256
for ns in ha fa; do wait_for 60 "the $ns agent" grep -q '"ready"' $ns-agent.out; done
echo "  both agents ready (mipagent: selftests/agents/mipagent.py)"
capture links

say "5. Register: the mobile node's agent sends one Registration Request"
register reg
note "the agent sent a plain request, NAI and home address in clear; the modules did the rest"

say "6. Bindings, keys and SAs on each node"
for ns in mn fa ha; do on $ns mipkex show bindings; done
note "each pair's key, by fingerprint, at its two ends (the HA makes KEY3 but is no end of MN-FA):"
for ns in mn fa ha; do ip netns exec $ns mipkex -j show bindings >"b_$ns.json"; done
jq -rn --slurpfile m b_mn.json --slurpfile f b_fa.json --slurpfile h b_ha.json '
	def fp($b; $p): [$b[0][0].sa[]? | select(.pair == $p) | .fingerprint][0] // "-";
	"pair mn fa ha", (("mn-ha", "mn-fa", "fa-ha") as $p | "\($p) \(fp($m; $p)) \(fp($f; $p)) \(fp($h; $p))")' |
	awk 'NR > 1 { n = 0; for (i = 2; i <= 4; i++) if ($i != "-") v[n++] = $i
		ok = n == 2 && v[0] == v[1]; bad += !ok; $5 = ok ? "agree" : "DIFFER" }
		{ printf "  %-6s %-17s %-17s %-17s %s\n", $1, $2, $3, $4, $5 } END { exit bad > 0 }'
for ns in mn fa ha; do on $ns mipkex show sa; done
onp ha "ip xfrm state | grep -v -e replay -e sel"
note "real kernel SAs: XFRM shows root their keys; the module never returns one"
counts

say "7. Ping through the SAs: MN-HA, MN-FA, FA-HA"
on mn "${PING[@]}" -I $HOME $HA_ADDR
on mn "${PING[@]}" -I $HOME $FA_HA
on fa "${PING[@]}" -I $FA_HA $HA_ADDR
on ha mipkex show sa
pk() { ip netns exec "$1" mipkex -j show sa | jq --arg s "$2" --arg d "$3" '[.[] | select(.src == $s and .dst == $d) | .packets] | add'; }
echo "  packets in: MN-HA at the HA $(pk ha $HOME $HA_ADDR), MN-FA at the FA $(pk fa $HOME $FA_HA), FA-HA at the HA $(pk ha $FA_HA $HA_ADDR)"
(($(pk ha $HOME $HA_ADDR) >= 3 && $(pk fa $HOME $FA_HA) >= 3 && $(pk ha $FA_HA $HA_ADDR) >= 3))
# 4 registration datagrams, 24 ESP: 3 pings, 2 ways, 3 pairs, MN-HA on both links
stop_capture links 28
note "what the FA's links carried (count, link, protocol, source, destination):"
runp "tshark -r links.pcapng -T fields -e frame.interface_name -e _ws.col.Protocol -e ip.src -e ip.dst | sort | uniq -c"
[ "$(tshark -r links.pcapng -Y icmp | wc -l)" = 0 ] && [ "$(tshark -r links.pcapng -Y esp | wc -l)" -ge 24 ]
note "ESP only: not one ICMP packet on either link"

say "8. The registration request hides who the mobile node is"
runp "tshark -r links.pcapng -Y 'mip.type == 1' -T fields -e frame.interface_name -e ip.src -e ip.dst -e mip.homeaddr -e mip.nai"
[ -z "$(tshark -r links.pcapng -Y 'mip.type == 1' -T fields -e mip.homeaddr -e mip.nai | grep -e "$HOME" -e "$NAI" || :)" ]
note "home address 0.0.0.0, the NAI cut to its realm: the identity travels encrypted under KEY0"
cat >ha.conf <<EOF
[key0 alice]
spi = $SPI
nai = $NAI
home = $HOME
ha = $HA_ADDR
key-file = key0.key

[peer $FA_HA]
spi = $FA_SPI
key-file = faha.key
EOF
note "with the HA's configuration (Documentation/config.rst), the offline decoder sees it all:"
run cat ha.conf
runp "mipkex decode --keys ha.conf pcap links.pcapng > decoded.txt"
runp "grep -E '^message|^  (type|code|home address):|nai:|^      address:|decryption:|verification:|key fingerprint' decoded.txt"
grep -q "nai: \"$NAI\"" decoded.txt && grep -q "address: $HOME" decoded.txt
note "the replies carry the keys wrapped: their fingerprints are those of the bindings"

say "9. Deregister: the bindings and SAs go"
register dereg --dereg
wait_for 20 "the bindings and SAs to go" all_gone || { counts; false; }
for ns in mn fa ha; do on $ns mipkex show bindings; on $ns mipkex show sa; done
note "(nothing: no binding, no SA, and no XFRM state or policy left behind)"
counts

say "10. Tunnel mode: the mobile node reaches the CN through its home agent, in ESP"
for ns in mn fa ha; do on $ns mipkex kdc set sa-mode tunnel; done
note "in tunnel mode the MN-HA pair also carries the MN's traffic with any address, through the HA"
register tun
on mn mipkex show sa
capture tunnel
on mn "${PING[@]}" -I $HOME $CN_ADDR
on cn "${PING[@]}" $HOME
# 24 ESP: 2 x 3 pings, 2 ways, both links
stop_capture tunnel 24
runp "tshark -r tunnel.pcapng -T fields -e frame.interface_name -e _ws.col.Protocol -e ip.src -e ip.dst | sort | uniq -c"
[ "$(tshark -r tunnel.pcapng -Y "icmp || ip.addr == $CN_ADDR" | wc -l)" = 0 ]
note "the CN's packets cross both links only inside the MN-HA ESP tunnel"
register tun_dereg --dereg
wait_for 20 "the bindings and SAs to go" all_gone || { counts; false; }
counts

say "11. Stop the agents, remove the namespaces, unload"
for ns in ha fa; do stop $ns-agent; done
for ns in mn fa ha cn; do run ip netns del $ns; done
run rmmod mipkex
echo
echo "Done."
