#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The negotiated SAs in XFRM (Documentation/xfrm.rst): a mobile node, a
# foreign agent, a home agent and a correspondent host behind the home agent,
# the module in the first three with the unmodified reference agents
# (selftests/agents/mipagent.py). After a registration every node must hold
# the XFRM states of its pairs, both directions, with the keys of the other
# end of each pair (compared as `ip xfrm state` shows them, not through the
# module); ping must go through them (the SA counters rise, and a capture of
# both links sees ESP and no ICMP between the ends); a re-registration under
# a continuous ping must lose no packet; an SA an administrator deletes must
# be noticed; deregistration, expiry, KEY0 and peer deletion, namespace
# deletion and rmmod must remove exactly what the module installed, leaving
# an administrator's own state and policy alone.
#
#     mn                        fa                        ha                cn
# mn0 10.0.1.1 ------- fa0 10.0.1.2
# home 10.0.3.1/32             fa1 10.0.2.1 ------- ha0 10.0.2.2
#                                                       ha1 10.0.4.1 --- cn0 10.0.4.2
#
# The FA and the HA route the home address as their Mobile IP tunnels would
# (static routes: the reference agents set up no data path).
#
# Environment: MIPKEX_KO, MIPKEX_TOOL, MIPKEX_AGENT, MIPKEX_KEEP=1.

# shellcheck disable=SC2317 # the steps are called through tap_run
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$REPO/selftests/lib.sh"

PY=/usr/bin/python3
KO=${MIPKEX_KO:-$REPO/kmod/mipkex.ko}
TOOL=${MIPKEX_TOOL:-$REPO/userspace/mipkex}
AGENT=${MIPKEX_AGENT:-$REPO/selftests/agents/mipagent.py}

MN_ADDR=10.0.1.1
FA_MN=10.0.1.2
FA_HA=10.0.2.1
HA_ADDR=10.0.2.2
HA_CN=10.0.4.1
CN_ADDR=10.0.4.2
HOME=10.0.3.1
NAI=alice@example.org
SPI=4097
FA_SPI=300

[ "$(id -u)" = 0 ] || tap_skip_all "needs root"
for c in jq tshark dumpcap ping; do
	command -v "$c" >/dev/null || tap_skip_all "$c missing"
done

WORK=$(mktemp -d)
MN=
FA=
HA=
CN=
loaded_here=

cleanup()
{
	local p

	for p in "$WORK"/*.pid; do
		[ -e "$p" ] && kill "$(<"$p")" 2>/dev/null
	done
	cleanup_all_ns
	[ -n "$loaded_here" ] && rmmod mipkex 2>/dev/null
	if [ -n "${MIPKEX_KEEP:-}" ]; then
		echo "# kept $WORK"
	else
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT

load_module()
{
	[ -d /sys/module/mipkex ] && return 0
	insmod "$KO" || { echo "Bail out! cannot load $KO"; exit 1; }
	loaded_here=1
}
load_module

in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
tool() { local ns=$1; shift; ip netns exec "$ns" "$TOOL" "$@"; }
stat() { tool "$1" -j stats | jq -r ".$2"; }

start_bg()
{
	local ns=$1 name=$2

	shift 2
	in_ns "$ns" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
	echo $! >"$WORK/$name.pid"
}

stop_bg()
{
	[ -e "$WORK/$1.pid" ] || return 0
	kill "$(<"$WORK/$1.pid")" 2>/dev/null
	wait "$(<"$WORK/$1.pid")" 2>/dev/null || :
	rm -f "$WORK/$1.pid"
}

agent_ready() { grep -q '"ready"' "$WORK/$1.out" 2>/dev/null; }

# register NAME ARGS...: the MN's agent registers once.
register()
{
	local name=$1 rc=0

	shift
	in_ns "$MN" "$PY" -S "$AGENT" mn --ha "$HA_ADDR" --home "$HOME" \
		--nai "$NAI" --fa "$FA_MN" --coa "$FA_HA" --spi "$SPI" \
		--key-file "$WORK/k0" --auth hmac-sha256 --json --timeout 40 \
		--retransmit 8 "$@" \
		>"$WORK/$name.json" 2>"$WORK/$name.err" || rc=$?
	echo "mn $name (exit $rc): $(tail -1 "$WORK/$name.json")"
	[ ! -s "$WORK/$name.err" ] || cat "$WORK/$name.err"
	[ "$rc" = 0 ] && [ "$(tail -1 "$WORK/$name.json" | jq -r .code)" = 0 ]
}

# sa_count NS [STATE]: the module's SAs in NS (in STATE).
sa_count()
{
	if [ $# -gt 1 ]; then
		tool "$1" -j show sa | jq "[.[] | select(.state == \"$2\")] | length"
	else
		tool "$1" -j show sa | jq length
	fi
}

# xfrm_count NS: XFRM states and policies in NS, as "states policies".
xfrm_count()
{
	echo "$(in_ns "$1" ip xfrm state | grep -c '^src') $(in_ns "$1" ip xfrm policy | grep -c '^src')"
}

# dump_states NS: `ip xfrm state` of NS into $WORK/NS.states.
dump_states() { in_ns "$1" ip -s xfrm state >"$WORK/$2.states"; }

# The states as XFRM shows them (`ip -s xfrm state`), parsed independently
# of the module: {file: {"src dst spi": {"alg", "key", "mode", "reqid",
# "packets", "soft", "hard", ...}}}.
parse_states()
{
	"$PY" - "$@" <<-'EOF'
		import json, re, sys
		out = {}
		for path in sys.argv[1:]:
		    out[path] = {}
		    cur = None
		    for line in open(path):
		        m = re.match(r"src (\S+) dst (\S+)", line)
		        if m:
		            cur = {"src": m.group(1), "dst": m.group(2)}
		            continue
		        if cur is None:
		            continue
		        m = re.search(r"proto (\S+) spi 0x([0-9a-f]+)\S* reqid (\d+)\S* mode (\S+)", line)
		        if m:
		            cur.update(proto=m.group(1), spi=int(m.group(2), 16),
		                       reqid=int(m.group(3)), mode=m.group(4))
		            out[path]["%s %s %d" % (cur["src"], cur["dst"], cur["spi"])] = cur
		        m = re.match(r"\s+(aead|auth-trunc|auth|enc) (\S+) (0x[0-9a-f]+|\S+)", line)
		        if m and m.group(1) != "enc":
		            cur["alg"], cur["key"] = m.group(2), m.group(3)
		        m = re.search(r"expire add: soft (\d+)\(sec\), hard (\d+)\(sec\)", line)
		        if m:
		            cur["soft"], cur["hard"] = int(m.group(1)), int(m.group(2))
		        m = re.match(r"\s+(\d+)\(bytes\), (\d+)\(packets\)", line)
		        if m:
		            cur["bytes"], cur["packets"] = int(m.group(1)), int(m.group(2))
		json.dump(out, sys.stdout)
	EOF
}

# check_pairs MODE: each node holds both directions of each of its pairs,
# and the other end of the pair holds the same SAs with the same keys.
check_pairs()
{
	dump_states "$MN" mn
	dump_states "$FA" fa
	dump_states "$HA" ha
	parse_states "$WORK/mn.states" "$WORK/fa.states" "$WORK/ha.states" \
		>"$WORK/states.json"
	"$PY" - "$WORK" "$HOME" "$HA_ADDR" "$FA_HA" "$1" <<-'EOF'
		import json, sys
		work, home, ha, fa, mode = sys.argv[1:]
		d = json.load(open(work + "/states.json"))
		# the module's SAs (the administrator's has reqid 7)
		node = {n: {k: v for k, v in d["%s/%s.states" % (work, n)].items()
		            if v["reqid"] >> 8 == 0x6d6b78}
		        for n in ("mn", "fa", "ha")}
		for n, s in node.items():
		    print(n, sorted(s))
		def pair(a, b, x, y):
		    # both directions between addresses x (on node a) and y (on b)
		    for src, dst in ((x, y), (y, x)):
		        ka = [k for k in node[a] if k.startswith("%s %s " % (src, dst))]
		        kb = [k for k in node[b] if k.startswith("%s %s " % (src, dst))]
		        assert len(ka) == 1 and ka == kb, (a, b, src, dst, ka, kb)
		        sa, sb = node[a][ka[0]], node[b][kb[0]]
		        assert sa["key"] == sb["key"] and sa["alg"] == sb["alg"], (sa, sb)
		        assert sa["mode"] == sb["mode"] == mode, (sa, sb)
		        assert sa["proto"] == "esp", sa
		        print("%s %s -> %s: %s and %s agree (%s, spi 0x%08x)" %
		              (a + "-" + b, src, dst, a, b, sa["alg"], sa["spi"]))
		pair("mn", "ha", home, ha)
		pair("mn", "fa", home, fa)
		pair("fa", "ha", fa, ha)
		# those are all: two pairs, two directions each, four SPIs per node
		for n, s in node.items():
		    assert len(s) == 4 and len({v["spi"] for v in s.values()}) == 4, (n, s)
	EOF
}

# capture NS IFACE NAME: start capturing everything on a link.
capture()
{
	start_bg "$1" "$3" dumpcap -q -i "$2" -w "$WORK/$3.pcapng"
	slowwait 60 grep -q "Capturing on" "$WORK/$3.err" ||
		{ cat "$WORK/$3.err"; return 1; }
}

# esp_only NAME A B: the capture NAME has ESP between A and B and no ICMP.
esp_only()
{
	local esp icmp

	esp=$(tshark -r "$WORK/$1.pcapng" -Y "esp && ((ip.src == $2 && ip.dst == $3) || (ip.src == $3 && ip.dst == $2))" | wc -l)
	icmp=$(tshark -r "$WORK/$1.pcapng" -Y "icmp && !esp && ((ip.src == $2 && ip.dst == $3) || (ip.src == $3 && ip.dst == $2))" | wc -l)
	echo "$1: $esp ESP and $icmp ICMP packets between $2 and $3"
	[ "$esp" -gt 0 ] && [ "$icmp" = 0 ]
}

# ---------------------------------------------------------------- steps

step_topology()
{
	ip -n "$MN" -batch - <<-EOF
		link add mn0 type veth peer name fa0 netns $FA
		addr add $MN_ADDR/24 dev mn0
		addr add $HOME/32 dev mn0
		link set mn0 up
		link set lo up
		route add default via $FA_MN src $HOME
	EOF
	ip -n "$FA" -batch - <<-EOF
		link add fa1 type veth peer name ha0 netns $HA
		addr add $FA_MN/24 dev fa0
		addr add $FA_HA/24 dev fa1
		link set fa0 up
		link set fa1 up
		link set lo up
		route add $HOME/32 via $MN_ADDR dev fa0
		route add 10.0.4.0/24 via $HA_ADDR
	EOF
	ip -n "$HA" -batch - <<-EOF
		link add ha1 type veth peer name cn0 netns $CN
		addr add $HA_ADDR/24 dev ha0
		addr add $HA_CN/24 dev ha1
		link set ha0 up
		link set ha1 up
		link set lo up
		route add 10.0.1.0/24 via $FA_HA
		route add $HOME/32 via $FA_HA
	EOF
	ip -n "$CN" -batch - <<-EOF
		addr add $CN_ADDR/24 dev cn0
		link set cn0 up
		route add default via $HA_CN
	EOF
	in_ns "$FA" sysctl -qw net.ipv4.ip_forward=1
	in_ns "$HA" sysctl -qw net.ipv4.ip_forward=1

	"$TOOL" genkey >"$WORK/k0"
	"$TOOL" genkey >"$WORK/kfa"
	chmod 600 "$WORK"/k0 "$WORK"/kfa

	tool "$MN" set role mn
	tool "$FA" set role fa
	tool "$HA" set role ha
	tool "$MN" key0 add "$SPI" nai "$NAI" home "$HOME" ha "$HA_ADDR" \
		key "$WORK/k0"
	tool "$HA" key0 add "$SPI" nai "$NAI" home "$HOME" ha "$HA_ADDR" \
		key "$WORK/k0"
	tool "$HA" peer add "$FA_HA" spi "$FA_SPI" key "$WORK/kfa"
	tool "$FA" peer add "$HA_ADDR" spi "$FA_SPI" key "$WORK/kfa"
	for ns in "$MN" "$FA" "$HA"; do
		tool "$ns" kdc set mode stateful sa-mode transport sa-policy pair
	done

	# An administrator's own SA and policy on the HA: never touched.
	in_ns "$HA" ip xfrm state add src 10.0.4.2 dst 10.0.4.1 proto esp \
		spi 0x1234 reqid 7 mode transport \
		aead 'rfc4106(gcm(aes))' 0x0101010101010101010101010101010101010101 128
	in_ns "$HA" ip xfrm policy add src 10.0.4.2/32 dst 10.0.4.1/32 \
		proto tcp dir in priority 5 tmpl src 10.0.4.2 dst 10.0.4.1 \
		proto esp reqid 7 mode transport

	# The HA's events, for step_events.
	start_bg "$HA" mon "$TOOL" -j monitor
	slowwait 30 grep -qs "monitoring events" "$WORK/mon.err" ||
		{ cat "$WORK/mon.err"; return 1; }

	start_bg "$HA" ha "$PY" -S "$AGENT" ha --addr "$HA_ADDR" \
		--mn "$NAI,$HOME,$SPI,$WORK/k0,hmac-sha256" \
		--peer "$FA_HA,$FA_SPI,$WORK/kfa,hmac-sha256"
	start_bg "$FA" fa "$PY" -S "$AGENT" fa --addr "$FA_MN" --addr "$FA_HA" \
		--coa "$FA_HA" --peer "$HA_ADDR" --spi "$FA_SPI" \
		--key-file "$WORK/kfa" --auth hmac-sha256
	slowwait 60 agent_ready ha || { cat "$WORK/ha.err"; return 1; }
	slowwait 60 agent_ready fa || { cat "$WORK/fa.err"; return 1; }
}

# admin_intact: the administrator's state and policy on the HA are there.
admin_intact()
{
	in_ns "$HA" ip xfrm state get src 10.0.4.2 dst 10.0.4.1 proto esp \
		spi 0x1234 >/dev/null &&
		in_ns "$HA" ip xfrm policy get src 10.0.4.2/32 dst 10.0.4.1/32 \
			proto tcp dir in >/dev/null
}

# nothing_left: no node holds an SA or policy of the module (the HA keeps
# the administrator's one state and one policy).
nothing_left()
{
	local ns want got

	for ns in "$MN" "$FA" "$HA"; do
		want="0 0"
		[ "$ns" = "$HA" ] && want="1 1"
		if ! slowwait 20 sh -c "[ \"\$(ip netns exec $ns ip xfrm state | grep -c '^src') \$(ip netns exec $ns ip xfrm policy | grep -c '^src')\" = '$want' ]"; then
			got=$(xfrm_count "$ns")
			echo "$ns: states and policies $got, want $want"
			in_ns "$ns" ip xfrm state
			in_ns "$ns" ip xfrm policy
			return 1
		fi
		[ "$(sa_count "$ns")" = 0 ] || { tool "$ns" show sa; return 1; }
	done
	admin_intact
}

step_register()
{
	register reg1
	for ns in "$MN" "$FA" "$HA"; do
		slowwait 10 sh -c "[ \"\$(ip netns exec $ns $TOOL -j show sa | jq length)\" = 4 ]" ||
			{ tool "$ns" show sa; return 1; }
		[ "$(sa_count "$ns" installed)" = 4 ]
	done
	check_pairs transport
	# The module's view agrees with XFRM's: every SPI it lists is there.
	tool "$HA" -j show sa | jq -r '.[] | "\(.src) \(.dst) \(.spi)"' |
		sort >"$WORK/ha.mod"
	jq -r --arg f "$WORK/ha.states" '.[$f] | keys[]' "$WORK/states.json" |
		grep -v '^10.0.4.2 ' | sort >"$WORK/ha.xfrm"
	diff "$WORK/ha.mod" "$WORK/ha.xfrm"
	# Each binding shows its pairs installed.
	tool "$HA" -j show bindings | jq -e '[.[0].sa[] | .xfrm] == ["installed", "installed"]' ||
		{ tool "$HA" -j show bindings; return 1; }
	# Registration traffic bypasses the policies; ESP needs none.
	in_ns "$MN" ip xfrm policy | grep -q "sport 434"
	admin_intact
}

# packets NS SRC DST: the packet counter of the module's SA SRC -> DST.
packets()
{
	tool "$1" -j show sa |
		jq -r --arg s "$2" --arg d "$3" '.[] | select(.src == $s and .dst == $d and .state == "installed") | .packets'
}

step_ping()
{
	local before after

	capture "$FA" fa0 cap_mnfa
	capture "$FA" fa1 cap_faha
	before=$(packets "$HA" "$HOME" "$HA_ADDR")
	in_ns "$MN" ping -q -c 3 -i 0.2 -W 5 -I "$HOME" "$HA_ADDR"
	in_ns "$MN" ping -q -c 3 -i 0.2 -W 5 -I "$HOME" "$FA_HA"
	in_ns "$FA" ping -q -c 3 -i 0.2 -W 5 -I "$FA_HA" "$HA_ADDR"
	in_ns "$HA" ping -q -c 3 -i 0.2 -W 5 -I "$HA_ADDR" "$HOME"
	after=$(packets "$HA" "$HOME" "$HA_ADDR")
	echo "HA inbound MN-HA packets: $before -> $after"
	((after >= before + 6))
	[ "$(packets "$FA" "$HOME" "$FA_HA")" -ge 3 ]
	[ "$(packets "$HA" "$FA_HA" "$HA_ADDR")" -ge 3 ]
	# XFRM's own counters agree
	in_ns "$HA" ip -s xfrm state | grep -q "6(packets)\|[1-9][0-9]*(packets)"
	stop_bg cap_mnfa
	stop_bg cap_faha
	esp_only cap_mnfa "$HOME" "$HA_ADDR"
	esp_only cap_mnfa "$HOME" "$FA_HA"
	esp_only cap_faha "$HOME" "$HA_ADDR"
	esp_only cap_faha "$FA_HA" "$HA_ADDR"
}

# udp_recv, udp_send: a one-way UDP stream from the FA (its care-of
# address) to the home address, 50 datagrams a second, numbered, over the
# MN-FA pair; the receiver on the MN reports how many came. One-way, nothing
# tells the FA that the MN has the new keys: it switches after its 2 s, and
# the MN must still accept the old SA until then.
udp_recv()
{
	"$PY" - "$HOME" <<-'EOF'
		import json, socket, sys
		s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
		s.bind((sys.argv[1], 9999))
		s.settimeout(10)
		print("ready", flush=True)
		got = set()
		try:
		    while True:
		        d, _ = s.recvfrom(64)
		        got.add(int(d))
		        if len(got) == 1:
		            print("first", flush=True)
		        if int(d) == 599:
		            break
		except socket.timeout:
		    pass
		print(json.dumps({"got": len(got),
		                  "missing": sorted(set(range(600)) - got)[:20]}))
	EOF
}

udp_send()
{
	"$PY" - "$HOME" "$FA_HA" <<-'EOF'
		import socket, sys, time
		s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
		s.bind((sys.argv[2], 0))
		t = time.monotonic()
		for i in range(600):
		    s.sendto(b"%d" % i, (sys.argv[1], 9999))
		    t += 0.02
		    time.sleep(max(0, t - time.monotonic()))
	EOF
}

# A re-registration while the MN pings the HA and the HA pings the MN
# (20 packets a second each), and the FA streams UDP to the MN: new SAs,
# new SPIs, no packet lost.
step_rekey()
{
	local old new loss

	old=$(tool "$HA" -j show sa | jq -c '[.[].spi] | sort')
	export -f udp_recv udp_send
	export PY HOME FA_HA
	start_bg "$MN" udp_recv bash -c udp_recv
	slowwait 30 grep -q ready "$WORK/udp_recv.out"
	start_bg "$FA" udp_send bash -c udp_send
	slowwait 30 grep -q first "$WORK/udp_recv.out"
	start_bg "$MN" ping_mn ping -c 300 -i 0.05 -W 5 -I "$HOME" "$HA_ADDR"
	start_bg "$HA" ping_ha ping -c 300 -i 0.05 -W 5 -I "$HA_ADDR" "$HOME"
	slowwait 30 grep -q "icmp_seq=20 " "$WORK/ping_mn.out"
	register rekey
	# The old SAs retire; the new ones carry the pings.
	slowwait 60 sh -c "[ \"\$(ip netns exec $HA $TOOL -j show sa | jq length)\" = 4 ]" ||
		{ tool "$HA" show sa; return 1; }
	new=$(tool "$HA" -j show sa | jq -c '[.[].spi] | sort')
	echo "HA SPIs: $old -> $new"
	[ "$old" != "$new" ]
	wait "$(<"$WORK/ping_mn.pid")" || :
	wait "$(<"$WORK/ping_ha.pid")" || :
	wait "$(<"$WORK/udp_send.pid")" || :
	wait "$(<"$WORK/udp_recv.pid")" || :
	rm -f "$WORK"/ping_*.pid "$WORK"/udp_*.pid
	tail -n 1 "$WORK/udp_recv.out"
	[ "$(tail -n 1 "$WORK/udp_recv.out" | jq .got)" = 600 ]
	tail -n 3 "$WORK/ping_mn.out" "$WORK/ping_ha.out"
	for p in ping_mn ping_ha; do
		loss=$(sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p' "$WORK/$p.out")
		[ "$loss" = 0 ] || { echo "$p lost $loss%"; return 1; }
	done
	check_pairs transport
}

# An administrator deletes one of the module's SAs: the module notices.
step_admin_delete()
{
	local spi before ok=1

	before=$(stat "$HA" sa_removed)
	spi=$(tool "$HA" -j show sa | jq -r --arg s "$HA_ADDR" '.[] | select(.src == $s and .pair == "mn-ha") | .spi')
	in_ns "$HA" ip xfrm state delete src "$HA_ADDR" dst "$HOME" proto esp \
		spi "$spi"
	slowwait 10 sh -c "ip netns exec $HA $TOOL -j show sa | jq -e '.[] | select(.spi == $spi and .state == \"removed\")' >/dev/null" ||
		{ tool "$HA" show sa; ok=; }
	# The binding shows its MN-HA pair removed, the FA-HA pair installed.
	tool "$HA" -j show bindings | jq -e '[.[0].sa[] | select(.pair == "mn-ha") | .xfrm] == ["removed"] and [.[0].sa[] | select(.pair == "fa-ha") | .xfrm] == ["installed"]' ||
		{ echo "binding pair not shown removed"; tool "$HA" show bindings; ok=; }
	echo "sa_removed: $before -> $(stat "$HA" sa_removed)"
	(($(stat "$HA" sa_removed) > before)) || ok=
	[ -n "$ok" ]
	# A re-registration heals it.
	register heal
	slowwait 30 sh -c "[ \"\$(ip netns exec $HA $TOOL -j show sa | jq '[.[] | select(.state == \"installed\")] | length')\" = 4 ]"
}

step_dereg()
{
	register dereg --dereg
	nothing_left
}

# seen PYEXPR: some event of the HA's monitor, as e (a dict), makes PYEXPR
# true.
seen() { seen_in "$WORK/mon.out" "$1"; }

# seen_in FILE PYEXPR: as seen, for the events of another monitor.
seen_in()
{
	"$PY" - "$1" "$2" <<-'EOF'
		import json, sys
		for line in open(sys.argv[1]):
		    if line.strip():
		        e = json.loads(line)
		        if eval(sys.argv[2]):
		            sys.exit(0)
		sys.exit(1)
	EOF
}

# The HA reported what happened to its SAs so far: installed, rekeyed (and
# the old ones removed as replaced), deleted by the administrator,
# deregistered; each event with the SA (pair, direction, SPI).
step_events()
{
	local want missing=

	for want in \
		'e["event"] == "sa-installed" and e["reason"] == "new" and e["sa"]["pair"] == "mn-ha" and e["sa"]["dir"] == "in"' \
		'e["event"] == "sa-installed" and e["sa"]["pair"] == "fa-ha" and e["sa"]["dir"] == "out"' \
		'e["event"] == "sa-rekeyed" and e["reason"] == "replaced" and e["sa"]["dir"] == "in"' \
		'e["event"] == "sa-rekeyed" and e["reason"] == "replaced" and e["sa"]["dir"] == "out"' \
		'e["event"] == "sa-removed" and e["reason"] == "replaced"' \
		'e["event"] == "sa-removed" and e["reason"] == "xfrm-deleted" and e["sa"]["pair"] == "mn-ha"' \
		'e["event"] == "sa-removed" and e["reason"] == "deregistered" and e["sa"]["spi"] > 255'; do
		slowwait 10 seen "$want" || {
			echo "no event: $want"
			missing=1
		}
	done
	[ -z "$missing" ] || { cat "$WORK/mon.out"; return 1; }
	# No key material in any event.
	! grep -qi '"key"' "$WORK/mon.out"
}

# ESP and AH on one pair: the MN asks for both on MN-HA (kdc sa-ah on), an
# AND proposal. The MN and the HA then hold an ESP and an AH SA each way,
# both ends with the same keys, each protocol its own (8.7); ping goes
# through both (both counters rise) as AH around ESP; the binding lists
# both; deregistration removes them all.
step_ah()
{
	local ok=1

	tool "$MN" kdc set sa-ah on
	register ah
	for ns in "$MN" "$HA"; do
		slowwait 10 sh -c "[ \"\$(ip netns exec $ns $TOOL -j show sa | jq '[.[] | select(.state == \"installed\")] | length')\" = 6 ]" ||
			{ tool "$ns" show sa; ok=; }
	done
	[ -n "$ok" ] || return 1
	dump_states "$MN" mn
	dump_states "$FA" fa
	dump_states "$HA" ha
	parse_states "$WORK/mn.states" "$WORK/fa.states" "$WORK/ha.states" \
		>"$WORK/states.json"
	tool "$HA" -j show bindings >"$WORK/ah_bindings.json"
	tool "$MN" -j show bindings >"$WORK/ah_mn_bindings.json"
	"$PY" - "$WORK" "$HOME" "$HA_ADDR" "$FA_HA" <<-'EOF'
		import json, sys
		work, home, ha, fa = sys.argv[1:]
		d = json.load(open(work + "/states.json"))
		node = {n: {k: v for k, v in d["%s/%s.states" % (work, n)].items()
		            if v["reqid"] >> 8 == 0x6d6b78}
		        for n in ("mn", "fa", "ha")}
		for n, s in node.items():
		    print(n, sorted((v["proto"], k) for k, v in s.items()))
		def sas(n, src, dst):
		    return {v["proto"]: v for k, v in node[n].items()
		            if k.startswith("%s %s " % (src, dst))}
		spis = set()
		for src, dst in ((home, ha), (ha, home)):
		    m, h = sas("mn", src, dst), sas("ha", src, dst)
		    assert sorted(m) == sorted(h) == ["ah", "esp"], (src, dst, m, h)
		    for p in ("esp", "ah"):
		        assert m[p]["spi"] == h[p]["spi"], (p, m[p], h[p])
		        assert m[p]["key"] == h[p]["key"] and m[p]["alg"] == h[p]["alg"], (m[p], h[p])
		        spis.add(m[p]["spi"])
		    assert m["ah"]["alg"] == "hmac(sha256)", m["ah"]
		    assert m["esp"]["key"] != m["ah"]["key"], (m["esp"], m["ah"])
		    print("mn-ha %s -> %s: esp 0x%08x %s, ah 0x%08x %s, same on both ends" %
		          (src, dst, m["esp"]["spi"], m["esp"]["alg"], m["ah"]["spi"], m["ah"]["alg"]))
		assert len(spis) == 4, spis
		# the other pairs stay ESP only
		for n, a, b in (("mn", home, fa), ("ha", fa, ha)):
		    for src, dst in ((a, b), (b, a)):
		        assert sorted(sas(n, src, dst)) == ["esp"], (n, src, dst)
		assert len(node["mn"]) == len(node["ha"]) == 6 and len(node["fa"]) == 4
		# the bindings list both protocols of MN-HA with the SPIs XFRM has
		for n, f in (("ha", "ah_bindings"), ("mn", "ah_mn_bindings")):
		    b = json.load(open("%s/%s.json" % (work, f)))
		    assert len(b) == 1, b
		    got = sorted((s["pair"], s["protocol"], s["xfrm"]) for s in b[0]["sa"])
		    other = "fa-ha" if n == "ha" else "mn-fa"
		    assert got == sorted([("mn-ha", "esp", "installed"), ("mn-ha", "ah", "installed"),
		                          (other, "esp", "installed")]), got
		    local = ha if n == "ha" else home
		    remote = home if n == "ha" else ha
		    for s in b[0]["sa"]:
		        if s["pair"] != "mn-ha":
		            continue
		        st = sas(n, remote, local)[s["protocol"]]
		        assert s["spi_in"] == st["spi"], (s, st)
		        st = sas(n, local, remote)[s["protocol"]]
		        assert s["spi_out"] == st["spi"], (s, st)
		        assert s["lifetime"] > 0, s
		print("bindings: mn-ha esp and ah, SPIs as in XFRM")
	EOF
	# Ping both ways: every MN-HA state's counter rises, in XFRM's view.
	capture "$FA" fa0 cap_ah
	in_ns "$MN" ping -q -c 3 -i 0.2 -W 5 -I "$HOME" "$HA_ADDR"
	in_ns "$HA" ping -q -c 3 -i 0.2 -W 5 -I "$HA_ADDR" "$HOME"
	stop_bg cap_ah
	dump_states "$MN" mn
	dump_states "$HA" ha
	parse_states "$WORK/mn.states" "$WORK/ha.states" >"$WORK/states.json"
	"$PY" - "$WORK" "$HOME" "$HA_ADDR" <<-'EOF'
		import json, sys
		work, home, ha = sys.argv[1:]
		d = json.load(open(work + "/states.json"))
		for n in ("mn", "ha"):
		    for k, v in d["%s/%s.states" % (work, n)].items():
		        if v["reqid"] >> 8 != 0x6d6b78 or k.split()[:2] not in ([home, ha], [ha, home]):
		            continue
		        print(n, v["proto"], k, v["packets"], "packets")
		        assert v["packets"] >= 6, (n, k, v)
	EOF
	# On the link: AH around ESP (IP, AH, ESP), never ESP alone or ICMP.
	tshark -r "$WORK/cap_ah.pcapng" -T fields -e ip.src -e ip.dst -e frame.protocols \
		-Y "(ip.src == $HOME && ip.dst == $HA_ADDR) || (ip.src == $HA_ADDR && ip.dst == $HOME)" \
		>"$WORK/cap_ah.txt"
	sort "$WORK/cap_ah.txt" | uniq -c
	[ "$(grep -c ':ip:ah:esp$' "$WORK/cap_ah.txt")" -ge 12 ]
	! grep -v ':ip:ah:esp$' "$WORK/cap_ah.txt"
	# Deregistration removes all of them.
	register ah_dereg --dereg
	nothing_left
	tool "$MN" kdc set sa-ah off
}

# Tunnel mode, every pair's policies: the MN reaches the correspondent host
# through the HA, in ESP on both links.
step_tunnel()
{
	for ns in "$MN" "$FA" "$HA"; do
		tool "$ns" kdc set sa-mode tunnel sa-policy pair sa-ah off
	done
	register tun
	check_pairs tunnel
	capture "$FA" fa1 cap_tun
	in_ns "$MN" ping -q -c 3 -i 0.2 -W 5 -I "$HOME" "$CN_ADDR"
	in_ns "$CN" ping -q -c 3 -i 0.2 -W 5 "$HOME"
	stop_bg cap_tun
	esp_only cap_tun "$HOME" "$HA_ADDR"
	[ "$(tshark -r "$WORK/cap_tun.pcapng" -Y "icmp && ip.addr == $CN_ADDR" | wc -l)" = 0 ]
	register tun_dereg --dereg
	nothing_left
	for ns in "$MN" "$FA" "$HA"; do
		tool "$ns" kdc set sa-mode transport
	done
}

# Policy mode tunnel: only the FA-HA IP-in-IP tunnel goes into ESP; other
# traffic between the two agents stays as it is.
step_ipip()
{
	for ns in "$MN" "$FA" "$HA"; do
		tool "$ns" kdc set sa-mode transport sa-policy tunnel
	done
	in_ns "$FA" ip tunnel add mip0 mode ipip local "$FA_HA" remote "$HA_ADDR"
	in_ns "$HA" ip tunnel add mip0 mode ipip local "$HA_ADDR" remote "$FA_HA"
	in_ns "$FA" ip addr add 10.9.0.1/30 dev mip0
	in_ns "$HA" ip addr add 10.9.0.2/30 dev mip0
	in_ns "$FA" ip link set mip0 up
	in_ns "$HA" ip link set mip0 up
	register ipip
	# FA and HA: the FA-HA pair's two policies and the six bypasses; the
	# MN has the bypasses only.
	for ns in "$FA" "$MN"; do
		want="4 8"
		[ "$ns" = "$MN" ] && want="4 6"
		[ "$(xfrm_count "$ns")" = "$want" ] || {
			echo "$ns: $(xfrm_count "$ns"), want $want"
			in_ns "$ns" ip xfrm state
			in_ns "$ns" ip xfrm policy
			return 1
		}
	done
	capture "$FA" fa1 cap_ipip
	in_ns "$FA" ping -q -c 3 -i 0.2 -W 5 10.9.0.2
	in_ns "$FA" ping -q -c 3 -i 0.2 -W 5 -I "$FA_HA" "$HA_ADDR"
	stop_bg cap_ipip
	# The tunnel's packets are ESP; the direct ping is plain ICMP.
	[ "$(tshark -r "$WORK/cap_ipip.pcapng" -Y "ip.proto == 4" | wc -l)" = 0 ]
	[ "$(tshark -r "$WORK/cap_ipip.pcapng" -Y "esp && ip.src == $FA_HA && ip.dst == $HA_ADDR" | wc -l)" -ge 3 ]
	[ "$(tshark -r "$WORK/cap_ipip.pcapng" -Y "icmp && !esp && ip.src == $FA_HA && ip.dst == $HA_ADDR" | wc -l)" = 3 ]
	register ipip_dereg --dereg
	nothing_left
	in_ns "$FA" ip tunnel del mip0
	in_ns "$HA" ip tunnel del mip0
	for ns in "$MN" "$FA" "$HA"; do
		tool "$ns" kdc set sa-policy pair
	done
}

# A registration of 8 seconds: the SAs get hard 8 s and soft 4 s, and are
# gone (with the bindings) once it runs out.
step_expiry()
{
	register short --lifetime 8
	tool "$HA" -j show sa | jq -e 'map(select(.state == "installed" or .state == "standby")) | length == 4 and all(.[]; .hard == 8 and .soft == 4)' ||
		{ tool "$HA" -j show sa; return 1; }
	nothing_left
	# Soft expiry made them dying (an sa-expired event without a reason,
	# the SA still installed), then the binding's end removed them.
	slowwait 10 seen 'e["event"] == "sa-expired" and "reason" not in e and e["sa"]["state"] == "installed" and e["sa"]["dying"] and e["sa"]["hard"] == 8' ||
		{ cat "$WORK/mon.out"; return 1; }
}

# KEY0 deletion at the HA and peer deletion at the FA end their bindings and
# remove their SAs; the MN's go with deregistration.
step_key_delete()
{
	local want

	start_bg "$FA" monfa "$TOOL" -j monitor
	slowwait 30 grep -qs "monitoring events" "$WORK/monfa.err" ||
		{ cat "$WORK/monfa.err"; return 1; }
	register kd
	tool "$HA" key0 del "$SPI"
	slowwait 10 sh -c "[ \"\$(ip netns exec $HA $TOOL -j show sa | jq length)\" = 0 ]" ||
		{ tool "$HA" show sa; return 1; }
	[ "$(tool "$HA" -j show bindings | jq length)" = 0 ]
	[ "$(xfrm_count "$HA")" = "1 1" ] ||
		{ in_ns "$HA" ip xfrm state; in_ns "$HA" ip xfrm policy; return 1; }
	tool "$FA" peer del "$HA_ADDR"
	slowwait 10 sh -c "[ \"\$(ip netns exec $FA $TOOL -j show sa | jq length)\" = 0 ]" ||
		{ tool "$FA" show sa; return 1; }
	[ "$(tool "$FA" -j show bindings | jq length)" = 0 ]
	[ "$(xfrm_count "$FA")" = "0 0" ] ||
		{ in_ns "$FA" ip xfrm state; in_ns "$FA" ip xfrm policy; return 1; }
	admin_intact
	# Both ends said why: the binding and each of its SAs, key-deleted.
	for want in \
		'e["event"] == "removed" and e["reason"] == "key-deleted"' \
		'e["event"] == "sa-removed" and e["reason"] == "key-deleted" and e["sa"]["pair"] == "mn-ha"' \
		'e["event"] == "sa-removed" and e["reason"] == "key-deleted" and e["sa"]["pair"] == "fa-ha"'; do
		slowwait 10 seen "$want" ||
			{ echo "HA: no event: $want"; cat "$WORK/mon.out"; return 1; }
		slowwait 10 seen_in "$WORK/monfa.out" "${want/mn-ha/mn-fa}" ||
			{ echo "FA: no event: $want"; cat "$WORK/monfa.out"; return 1; }
	done
	stop_bg monfa
	tool "$HA" key0 add "$SPI" nai "$NAI" home "$HOME" ha "$HA_ADDR" \
		key "$WORK/k0"
	tool "$FA" peer add "$HA_ADDR" spi "$FA_SPI" key "$WORK/kfa"
	register kd_dereg --dereg || :
	tool "$MN" binding del "$HOME" "$HA_ADDR" 2>/dev/null || :
	nothing_left
}

# Namespace deletion and rmmod with live SAs leave nothing behind.
step_teardown()
{
	register td
	[ "$(xfrm_count "$FA")" != "0 0" ]
	stop_bg fa
	cleanup_ns "$FA"
	rmmod mipkex
	for ns in "$MN" "$HA"; do
		want="0 0"
		[ "$ns" = "$HA" ] && want="1 1"
		[ "$(xfrm_count "$ns")" = "$want" ] ||
			{ in_ns "$ns" ip xfrm state; in_ns "$ns" ip xfrm policy; return 1; }
	done
	admin_intact
}

setup_ns MN FA HA CN
tap_plan 13
tap_run "topology, roles, keys, policy mode pair, reference agents" step_topology
tap_run "registration: six SAs, both ends of every pair, same keys" step_register
tap_run "ping MN-HA, MN-FA, FA-HA: SA counters rise, only ESP on the links" step_ping
tap_run "re-registration under continuous pings: new SPIs, no loss" step_rekey
tap_run "an SA deleted by an administrator is noticed; re-registration heals" step_admin_delete
tap_run "deregistration removes every SA and policy, the admin's stay" step_dereg
tap_run "events: SAs installed, rekeyed, replaced, deleted by the admin, deregistered" step_events
tap_run "ESP and AH on MN-HA: both SAs each way, same keys, AH around ESP, all removed" step_ah
tap_run "tunnel mode: MN to correspondent host through the HA in ESP" step_tunnel
tap_run "policy mode tunnel: the FA-HA IP-in-IP tunnel in ESP, nothing else" step_ipip
tap_run "8-second registration: lifetimes 8/4 s, SAs removed on expiry" step_expiry
tap_run "KEY0 and peer deletion remove their bindings' SAs" step_key_delete
tap_run "namespace deletion and rmmod with live SAs leave nothing" step_teardown
tap_exit
