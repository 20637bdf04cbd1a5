#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A whole registration through the module in all three roles: a mobile node,
# a foreign agent and a home agent in three namespaces, each with the module
# (roles mn, fa, ha) and an unmodified reference agent
# (selftests/agents/mipagent.py, plain RFC 5944 + RFC 2794), provisioned with
# the tool. For each key-generation mode the registration must be accepted
# by the MN's agent, every node must hold a binding, and the key fingerprints
# of each pair must agree between its two ends (KEY1 MN-HA, KEY2 FA-HA, KEY3
# MN-FA). What crosses the MN-FA and FA-HA links is captured: no request may
# show the NAI or the home address (checked on the raw bytes and by tshark),
# and `mipkex decode --keys` with the HA's configuration must reveal them.
# Then failures: each must be refused at the right node, counted, and leave
# no binding: wrong KEY0, unknown SPI, a wrong FA-HA key, no acceptable
# proposal; and an FA without the module still relays. Three more ways to
# register: nonce-based replay protection (a second mobile node, carol, whose
# KEY0 says nonce; a retransmission after a lost reply gets the HA's cached
# reply through the MN's and the FA's modules), the user-defined
# Diffie-Hellman group (vendor type 9, `kdc set user-group`), and a
# co-located care-of address (the MN registers directly with the HA, the FA
# only routes: MN-HA keys only). (Replays and
# every malformed element are the business of ha.sh and mnfa.sh.)
#
#        mn                          fa                          ha
#   mn0 10.0.1.1/24 --------- fa0 10.0.1.2/24
#                             fa1 10.0.2.1/24 ----------- ha0 10.0.2.2/24
#   home address 10.0.3.1 (alice@example.org)
#
# Environment: MIPKEX_KO (default <repo>/kmod/mipkex.ko), MIPKEX_TOOL,
# MIPKEX_AGENT, MIPKEX_KEEP=1 to keep the scratch directory.

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
HOME=10.0.3.1
NAI=alice@example.org
SPI=4097
# The mobile node with nonce-based replay protection.
CAROL_HOME=10.0.3.2
CAROL_NAI=carol@example.org
CAROL_SPI=4098
FA_SPI=300
MN_MAC=02:00:00:00:01:01
FA0_MAC=02:00:00:00:01:02
FA1_MAC=02:00:00:00:02:01
HA_MAC=02:00:00:00:02:02

[ "$(id -u)" = 0 ] || tap_skip_all "needs root"
for c in jq tshark dumpcap openssl tc; do
	command -v "$c" >/dev/null || tap_skip_all "$c missing"
done

WORK=$(mktemp -d)
MN=
FA=
HA=
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

if [ ! -d /sys/module/mipkex ]; then
	insmod "$KO" || { echo "Bail out! cannot load $KO"; exit 1; }
	loaded_here=1
fi

in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
tool() { local ns=$1; shift; ip netns exec "$ns" "$TOOL" "$@"; }

# stat NS NAME: one counter of a namespace.
stat() { tool "$1" -j stats | jq -r ".$2"; }

start_agent()
{
	local ns=$1 name=$2

	shift 2
	in_ns "$ns" "$PY" -S "$AGENT" "$@" --json-log "$WORK/$name.log" \
		>"$WORK/$name.out" 2>"$WORK/$name.err" &
	echo $! >"$WORK/$name.pid"
}

agent_ready() { grep -q '"ready"' "$WORK/$1.out" 2>/dev/null; }

stop_agent()
{
	[ -e "$WORK/$1.pid" ] || return 0
	kill "$(<"$WORK/$1.pid")" 2>/dev/null
	rm -f "$WORK/$1.pid"
}

# register NAME ARGS...: the MN's agent registers once; its JSON result in
# $WORK/NAME.json and its exit status in $WORK/NAME.rc.
register()
{
	local name=$1 rc=0

	shift
	in_ns "$MN" "$PY" -S "$AGENT" mn --ha "$HA_ADDR" --home "$HOME" \
		--nai "$NAI" --fa "$FA_MN" --coa "$FA_HA" --spi "$SPI" \
		--key-file "$WORK/k0" --auth hmac-sha256 --json --timeout 40 \
		--retransmit 8 "$@" \
		>"$WORK/$name.json" 2>"$WORK/$name.err" || rc=$?
	echo "$rc" >"$WORK/$name.rc"
	echo "mn $name (exit $rc): $(cat "$WORK/$name.json")"
	[ ! -s "$WORK/$name.err" ] || cat "$WORK/$name.err"
}

bindings() { tool "$1" -j show bindings; }

# ---------------------------------------------------------------- steps

step_topology()
{
	ip -n "$MN" -batch - <<-EOF
		link add mn0 address $MN_MAC type veth peer name fa0 address $FA0_MAC netns $FA
		addr add $MN_ADDR/24 dev mn0
		link set mn0 up
		route add 10.0.2.0/24 via $FA_MN
		neigh replace $FA_MN lladdr $FA0_MAC dev mn0 nud permanent
	EOF
	ip -n "$FA" -batch - <<-EOF
		link add fa1 address $FA1_MAC type veth peer name ha0 address $HA_MAC netns $HA
		addr add $FA_MN/24 dev fa0
		addr add $FA_HA/24 dev fa1
		link set fa0 up
		link set fa1 up
		neigh replace $MN_ADDR lladdr $MN_MAC dev fa0 nud permanent
		neigh replace $HA_ADDR lladdr $HA_MAC dev fa1 nud permanent
	EOF
	ip -n "$HA" -batch - <<-EOF
		addr add $HA_ADDR/24 dev ha0
		link set ha0 up
		route add 10.0.1.0/24 via $FA_HA
		neigh replace $FA_HA lladdr $FA1_MAC dev ha0 nud permanent
	EOF
	in_ns "$FA" sysctl -qw net.ipv4.ip_forward=1

	"$TOOL" genkey >"$WORK/k0"
	"$TOOL" genkey >"$WORK/kfa"
	"$TOOL" genkey >"$WORK/kbad"
	"$TOOL" genkey >"$WORK/seed"
	"$TOOL" genkey >"$WORK/kcarol"
	chmod 600 "$WORK"/k0 "$WORK"/kfa "$WORK"/kbad "$WORK"/seed "$WORK"/kcarol
	# A user-defined group (7.2): RFC 7919's 3072-bit prime, so that a
	# minimum of 128 bits rules out MODP-2048 and leaves only it.
	openssl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe3072 \
		-out "$WORK/dh.pem" 2>/dev/null

	tool "$MN" set role mn
	tool "$FA" set role fa
	tool "$HA" set role ha
	tool "$MN" key0 add "$SPI" nai "$NAI" home "$HOME" ha "$HA_ADDR" \
		key "$WORK/k0"
	tool "$HA" key0 add "$SPI" nai "$NAI" home "$HOME" ha "$HA_ADDR" \
		key "$WORK/k0"
	tool "$MN" key0 add "$CAROL_SPI" nai "$CAROL_NAI" home "$CAROL_HOME" \
		ha "$HA_ADDR" key "$WORK/kcarol" replay nonce
	tool "$HA" key0 add "$CAROL_SPI" nai "$CAROL_NAI" home "$CAROL_HOME" \
		ha "$HA_ADDR" key "$WORK/kcarol" replay nonce
	tool "$HA" peer add "$FA_HA" spi "$FA_SPI" key "$WORK/kfa"
	tool "$FA" peer add "$HA_ADDR" spi "$FA_SPI" key "$WORK/kfa"
	tool "$HA" kdc set seed "$WORK/seed"

	# The HA's configuration for the decoder.
	cat >"$WORK/ha.conf" <<-EOF
		[key0 alice]
		spi = $SPI
		nai = $NAI
		home = $HOME
		ha = $HA_ADDR
		key-file = $WORK/k0

		[peer $FA_HA]
		spi = $FA_SPI
		key-file = $WORK/kfa
	EOF

	# Every registration datagram on both links, from the start.
	in_ns "$FA" dumpcap -q -i fa0 -i fa1 -f "udp port 434" \
		-w "$WORK/links.pcapng" >"$WORK/dumpcap.out" 2>&1 &
	echo $! >"$WORK/dumpcap.pid"
	slowwait 60 grep -q "Capturing on" "$WORK/dumpcap.out" ||
		{ cat "$WORK/dumpcap.out"; return 1; }

	start_agent "$HA" ha ha --addr "$HA_ADDR" \
		--mn "$NAI,$HOME,$SPI,$WORK/k0,hmac-sha256" \
		--mn "$CAROL_NAI,$CAROL_HOME,$CAROL_SPI,$WORK/kcarol,hmac-sha256,replay=nonce" \
		--peer "$FA_HA,$FA_SPI,$WORK/kfa,hmac-sha256"
	start_agent "$FA" fa fa --addr "$FA_MN" --addr "$FA_HA" --coa "$FA_HA" \
		--peer "$HA_ADDR" --spi "$FA_SPI" --key-file "$WORK/kfa" \
		--auth hmac-sha256
	slowwait 60 agent_ready ha || { cat "$WORK/ha.err"; return 1; }
	slowwait 60 agent_ready fa || { cat "$WORK/fa.err"; return 1; }
}

# check_pairs WITH_FA [HOME]: each pair's key fingerprint agrees between its
# two ends, and every node holds the pairs it takes part in.
check_pairs()
{
	bindings "$MN" >"$WORK/b_mn.json"
	bindings "$FA" >"$WORK/b_fa.json"
	bindings "$HA" >"$WORK/b_ha.json"
	"$PY" - "$WORK" "${2:-$HOME}" "$1" <<-'EOF'
		import json, sys
		work, home, want_fa = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
		def load(n):
		    d = json.load(open("%s/b_%s.json" % (work, n)))
		    if isinstance(d, dict):
		        d = d.get("bindings", d.get("list", [d]))
		    b = [x for x in d if x.get("home") == home]
		    assert len(b) == 1, (n, d)
		    return b[0]
		def pairs(b):
		    out = {}
		    for sa in b.get("sa", []):
		        p = str(sa["pair"]).lower().replace("_", "-")
		        p = {"1": "mn-ha", "2": "mn-fa", "3": "fa-ha"}.get(p, p)
		        out[p] = sa
		    return out
		mn, ha = pairs(load("mn")), pairs(load("ha"))
		fa = pairs(load("fa")) if want_fa else {}
		print("mn", sorted(mn), "fa", sorted(fa), "ha", sorted(ha))
		def same(p, a, b, an, bn):
		    fa_, fb = a[p]["fingerprint"], b[p]["fingerprint"]
		    assert fa_ == fb, (p, an, fa_, bn, fb)
		    assert a[p]["spi_in"] == b[p]["spi_out"], (p, a[p], b[p])
		    assert a[p]["spi_out"] == b[p]["spi_in"], (p, a[p], b[p])
		    print("%s: %s and %s agree (%s)" % (p, an, bn, fa_))
		same("mn-ha", mn, ha, "mn", "ha")
		if want_fa:
		    same("mn-fa", mn, fa, "mn", "fa")
		    same("fa-ha", fa, ha, "fa", "ha")
		    # The HA makes KEY3 but is not an end of the MN-FA pair.
		    assert "mn-fa" not in ha, ha
		else:
		    assert "mn-fa" not in mn and "fa-ha" not in ha, (mn, ha)
		    d = json.load(open("%s/b_fa.json" % work))
		    if isinstance(d, dict):
		        d = d.get("bindings", d.get("list", [d]))
		    assert not [x for x in d if x.get("home") == home], d
	EOF
}

# accepted NAME: the MN's agent saw an authenticated acceptance.
accepted()
{
	local r

	r=$(tail -1 "$WORK/$1.json")
	[ "$(<"$WORK/$1.rc")" = 0 ] &&
		[ "$(jq -r .code <<<"$r")" = 0 ] &&
		[ "$(jq -r .auth_ok <<<"$r")" = true ]
}

# mode_test MODE [KDC ARGS...]: register in a mode, check the keys agree,
# deregister, check the bindings are gone.
mode_test()
{
	local mode=$1

	shift
	tool "$HA" kdc set mode "$mode" "$@"
	# A mobile node asks for KDC keys (stateful or semi-stateful alike: the
	# HA decides) or does DH; it needs no seed.
	if [ "$mode" = dh ]; then
		tool "$MN" kdc set mode dh "$@"
	else
		tool "$MN" kdc set mode stateful
	fi
	register "reg_$mode"
	accepted "reg_$mode"
	check_pairs 1
	if [ -n "${WANT_GROUP:-}" ]; then
		# The group the HA's binding records: the one negotiated.
		local g
		g=$(tool "$HA" -j show bindings | jq -r '.[0].dh_group')
		echo "DH group at the HA: $g (want $WANT_GROUP)"
		[ "$g" = "$WANT_GROUP" ]
	fi
	register "dereg_$mode" --dereg
	accepted "dereg_$mode"
	no_bindings
}

# no_bindings: no node holds a binding (the MN and the FA drop theirs when
# the deregistration's reply passes them).
no_bindings()
{
	local ns

	for ns in "$MN" "$FA" "$HA"; do
		if ! slowwait 10 sh -c "[ \"\$(ip netns exec $ns $TOOL -j show bindings | jq length)\" = 0 ]"; then
			echo "bindings left in $ns:"
			bindings "$ns"
			return 1
		fi
	done
}

# Nonces (RFC 5944 5.7.2): the first request carries no nonce the HA sent,
# so the HA's module denies it (133, a new nonce), the agent, which has not
# sent one either, denies the next (133, its nonce), and the module adopts
# the agent's nonce: the third is accepted. A re-registration and the
# deregistration then carry the nonce of the reply before: no resync.
step_nonce()
{
	local n r

	reset
	register reg_nonce --spi "$CAROL_SPI" --key-file "$WORK/kcarol" \
		--home "$CAROL_HOME" --nai "$CAROL_NAI" --ident nonce
	accepted reg_nonce
	r=$(tail -1 "$WORK/reg_nonce.json")
	echo "resynchronisations: $(jq .resyncs <<<"$r")"
	[ "$(jq .resyncs <<<"$r")" -ge 1 ]
	check_pairs 1 "$CAROL_HOME"
	n=$(jq .next_nonce <<<"$r")
	register rereg_nonce --spi "$CAROL_SPI" --key-file "$WORK/kcarol" \
		--home "$CAROL_HOME" --nai "$CAROL_NAI" --ident nonce --nonce "$n"
	accepted rereg_nonce
	r=$(tail -1 "$WORK/rereg_nonce.json")
	[ "$(jq .resyncs <<<"$r")" = 0 ]
	check_pairs 1 "$CAROL_HOME"
	n=$(jq .next_nonce <<<"$r")
	register dereg_nonce --spi "$CAROL_SPI" --key-file "$WORK/kcarol" \
		--home "$CAROL_HOME" --nai "$CAROL_NAI" --ident nonce --nonce "$n" \
		--dereg
	accepted dereg_nonce
	[ "$(jq .resyncs <"$WORK/dereg_nonce.json")" = 0 ]
	no_bindings
}

# reply_dropped: the tc filter on the HA's link has dropped a reply.
reply_dropped()
{
	in_ns "$HA" tc -s filter show dev ha0 egress | grep -Eq 'dropped [1-9]'
}

# Nonces, a lost reply (RFC 5944 3.6.3: the MN's agent retransmits the
# request unchanged): the HA's first reply is dropped on its link, the MN's
# module sends the retransmission as the same protected request and the FA's
# module relays it with the same offers (protocol.rst 9.4, MN and FA step
# 2), so the HA's module sees the same bytes and answers with its cached
# reply: accepted without a 133, the keys agree.
step_nonce_retransmit()
{
	local n r t0 c0 pid

	reset
	register nonce_first --spi "$CAROL_SPI" --key-file "$WORK/kcarol" \
		--home "$CAROL_HOME" --nai "$CAROL_NAI" --ident nonce
	accepted nonce_first
	n=$(tail -1 "$WORK/nonce_first.json" | jq .next_nonce)
	t0=$(stat "$HA" retransmissions)
	c0=$(stat "$HA" err_replay)
	in_ns "$HA" tc qdisc add dev ha0 clsact
	in_ns "$HA" tc filter add dev ha0 egress protocol ip prio 1 u32 \
		match ip protocol 17 0xff match ip sport 434 0xffff action drop
	register nonce_again --spi "$CAROL_SPI" --key-file "$WORK/kcarol" \
		--home "$CAROL_HOME" --nai "$CAROL_NAI" --ident nonce --nonce "$n" \
		--retransmit 5 &
	pid=$!
	if ! slowwait 60 reply_dropped; then
		in_ns "$HA" tc -s filter show dev ha0 egress
		in_ns "$HA" tc qdisc del dev ha0 clsact
		wait "$pid"
		return 1
	fi
	in_ns "$HA" tc -s filter show dev ha0 egress
	in_ns "$HA" tc qdisc del dev ha0 clsact
	wait "$pid"
	r=$(tail -1 "$WORK/nonce_again.json")
	echo "HA: retransmissions $t0 -> $(stat "$HA" retransmissions)," \
		"err_replay $c0 -> $(stat "$HA" err_replay)"
	accepted nonce_again
	[ "$(jq .resyncs <<<"$r")" = 0 ]
	[ "$(jq .retransmissions <<<"$r")" -ge 1 ]
	[ "$(stat "$HA" retransmissions)" = $((t0 + 1)) ]
	[ "$(stat "$HA" err_replay)" = "$c0" ]
	check_pairs 1 "$CAROL_HOME"
	n=$(jq .next_nonce <<<"$r")
	register nonce_dereg --spi "$CAROL_SPI" --key-file "$WORK/kcarol" \
		--home "$CAROL_HOME" --nai "$CAROL_NAI" --ident nonce --nonce "$n" \
		--dereg
	accepted nonce_dereg
	no_bindings
}

# The user-defined group (vendor type 9): both ends configured with the same
# prime and generator; MODP-2048 is below the minimum, so the MN offers it.
step_user_group()
{
	reset
	tool "$HA" kdc set mode dh groups modp2048 min-dh-bits 128 \
		user-group "$WORK/dh.pem"
	tool "$MN" kdc set mode dh groups modp2048 min-dh-bits 128 \
		user-group "$WORK/dh.pem"
	register reg_user
	accepted reg_user
	check_pairs 1
	[ "$(tool "$HA" -j show bindings | jq -r '.. | objects |
		select(.home? == "'"$HOME"'") | .dh_group? // .group? // empty' |
		head -1)" != "" ] || tool "$HA" -j show bindings
	register dereg_user --dereg
	accepted dereg_user
	no_bindings
	tool "$HA" kdc set user-group none groups x25519 min-dh-bits 112
	tool "$MN" kdc set user-group none groups x25519 min-dh-bits 112
}

# A co-located care-of address: the MN's agent sends to the HA directly
# (the FA namespace only routes), so only the MN-HA pair is negotiated.
step_colocated()
{
	local rc=0

	reset
	in_ns "$MN" "$PY" -S "$AGENT" mn --ha "$HA_ADDR" --home "$HOME" \
		--nai "$NAI" --coa "$MN_ADDR" --spi "$SPI" \
		--key-file "$WORK/k0" --auth hmac-sha256 --json --timeout 40 \
		--retransmit 8 >"$WORK/reg_coloc.json" 2>"$WORK/reg_coloc.err" ||
		rc=$?
	echo "$rc" >"$WORK/reg_coloc.rc"
	echo "mn reg_coloc (exit $rc): $(cat "$WORK/reg_coloc.json")"
	accepted reg_coloc
	check_pairs 0
	in_ns "$MN" "$PY" -S "$AGENT" mn --ha "$HA_ADDR" --home "$HOME" \
		--nai "$NAI" --coa "$MN_ADDR" --spi "$SPI" \
		--key-file "$WORK/k0" --auth hmac-sha256 --json --timeout 40 \
		--retransmit 8 --dereg >"$WORK/dereg_coloc.json" 2>&1 || rc=$?
	echo "$rc" >"$WORK/dereg_coloc.rc"
	accepted dereg_coloc
	no_bindings
}

step_stateful() { mode_test stateful; }
step_semi() { mode_test semi; }
step_x25519() { WANT_GROUP=31 mode_test dh groups x25519; }
step_modp2048() { WANT_GROUP=14 mode_test dh groups modp2048 min-dh-bits 112; }
# The legacy class (RFC 2409 group 2, mpi_powm rather than the dh kpp):
# only with legacy on at both ends; the defaults are restored after.
step_modp1024()
{
	local ns

	WANT_GROUP=2 mode_test dh groups modp1024 min-dh-bits 80 legacy on
	for ns in "$MN" "$HA"; do
		tool "$ns" kdc set groups x25519,modp3072,modp2048 min-dh-bits 112 legacy off
	done
}

# The identity never crosses a link in clear, and the HA's keys reveal it.
step_hidden()
{
	local n hits

	stop_agent dumpcap
	slowwait 30 sh -c "! kill -0 \$(cat $WORK/dumpcap.pid 2>/dev/null) 2>/dev/null" || :
	n=$(tshark -r "$WORK/links.pcapng" -Y "mip.type == 1" -T fields \
		-e mip.homeaddr | sort | uniq -c)
	echo "request home addresses: $n"
	[ -n "$n" ]
	if grep -q "$HOME" <<<"$n"; then return 1; fi
	hits=$(tshark -r "$WORK/links.pcapng" -Y "mip.type == 1" -T fields \
		-e udp.payload | "$PY" -c '
import sys
nai = sys.argv[1].encode().hex()
home = bytes(int(x) for x in sys.argv[2].split(".")).hex()
print(sum(1 for l in sys.stdin if nai in l or home in l))' "$NAI" "$HOME")
	echo "requests showing the NAI or home address: $hits"
	[ "$hits" = 0 ]
	"$TOOL" -j decode --keys "$WORK/ha.conf" pcap "$WORK/links.pcapng" \
		>"$WORK/decoded.json" || :
	if ! grep -q "$NAI" "$WORK/decoded.json" ||
		! grep -q "$HOME" "$WORK/decoded.json"; then
		echo "decode --keys did not reveal the identity:"
		head -c 3000 "$WORK/decoded.json"
		return 1
	fi
}

# fail_case NAME NS COUNTER ARGS...: a registration that must fail, with
# NS's COUNTER going up and no binding anywhere.
fail_case()
{
	local name=$1 ns=$2 counter=$3 before after

	shift 3
	before=$(stat "$ns" "$counter")
	register "$name" --timeout 15 "$@"
	after=$(stat "$ns" "$counter")
	echo "$counter: $before -> $after"
	[ "$(<"$WORK/$name.rc")" != 0 ]
	((after > before))
	no_bindings
}

# reset: the known-good configuration every failure step starts from (a
# failed step may leave its change behind).
reset()
{
	local all=aes-gcm-128,aes-gcm-256,chacha20-poly1305,hmac-sha256-128

	tool "$FA" set role fa
	tool "$MN" key0 replace "$SPI" nai "$NAI" home "$HOME" ha "$HA_ADDR" \
		key "$WORK/k0" >/dev/null
	tool "$FA" peer replace "$HA_ADDR" spi "$FA_SPI" key "$WORK/kfa" \
		>/dev/null
	tool "$HA" peer replace "$FA_HA" spi "$FA_SPI" key "$WORK/kfa" \
		>/dev/null
	tool "$MN" kdc set mode stateful transforms "$all"
	tool "$HA" kdc set mode stateful transforms "$all"
}

step_wrong_key0()
{
	reset
	tool "$MN" key0 replace "$SPI" nai "$NAI" home "$HOME" ha "$HA_ADDR" \
		key "$WORK/kbad"
	fail_case wrong_key0 "$HA" err_auth --key-file "$WORK/kbad"
}

step_unknown_spi()
{
	local before after

	reset
	tool "$MN" key0 add 5000 nai bob@example.org home 10.0.3.9 \
		ha "$HA_ADDR" key "$WORK/k0"
	before=$(stat "$HA" err_unknown_spi)
	if in_ns "$MN" "$PY" -S "$AGENT" mn --ha "$HA_ADDR" --home 10.0.3.9 \
		--nai bob@example.org --fa "$FA_MN" --coa "$FA_HA" --spi 5000 \
		--key-file "$WORK/k0" --auth hmac-sha256 --json --timeout 15 \
		>"$WORK/unknown.json" 2>&1; then
		echo "accepted?"
		return 1
	fi
	after=$(stat "$HA" err_unknown_spi)
	echo "err_unknown_spi: $before -> $after"
	tool "$MN" key0 del 5000
	((after > before))
}

# The HA's FA-HA key for this FA is not the FA's.
step_wrong_faha()
{
	reset
	tool "$HA" peer replace "$FA_HA" spi "$FA_SPI" key "$WORK/kbad"
	fail_case wrong_faha "$HA" err_fa_auth
}

step_no_proposal()
{
	reset
	tool "$MN" kdc set transforms chacha20-poly1305
	tool "$HA" kdc set transforms aes-gcm-256
	fail_case no_proposal "$HA" err_negotiation
	[ "$(jq -r .code <"$WORK/no_proposal.json" | tail -1)" = 129 ]
}

# An FA without the module relays the protected registration; only MN-HA is
# negotiated.
step_fa_without_module()
{
	reset
	tool "$FA" set role none
	register plain_fa
	accepted plain_fa
	check_pairs 0
	register plain_fa_dereg --dereg
	accepted plain_fa_dereg
	no_bindings
}

# The namespaces are made here: tap_run runs each step in a subshell.
setup_ns MN FA HA
tap_plan 16
tap_run "topology, roles, keys and reference agents" step_topology
tap_run "stateful: accepted, every pair's keys agree, deregistered" step_stateful
tap_run "semi-stateful: accepted, keys agree, deregistered" step_semi
tap_run "DH X25519: accepted, keys agree, deregistered" step_x25519
tap_run "DH MODP-2048: accepted, keys agree, deregistered" step_modp2048
tap_run "DH MODP-1024 (legacy): accepted, keys agree, deregistered" step_modp1024
tap_run "wrong KEY0: refused at the HA (err_auth), no binding" step_wrong_key0
tap_run "unknown SPI: refused at the HA (err_unknown_spi)" step_unknown_spi
tap_run "wrong FA-HA key: refused at the HA (err_fa_auth), no binding" step_wrong_faha
tap_run "no acceptable proposal: 129 to the MN's agent, no binding" step_no_proposal
tap_run "nonces: resynchronised, accepted, keys agree, deregistered" step_nonce
tap_run "nonces: a retransmission after a lost reply gets the HA's cached reply" \
	step_nonce_retransmit
tap_run "user-defined DH group (vendor type 9): accepted, keys agree" step_user_group
tap_run "co-located care-of address: MN-HA keys only, no FA binding" step_colocated
tap_run "an FA without the module relays; MN-HA keys only" step_fa_without_module
tap_run "captures: no NAI or home address in any request; decode --keys shows them" step_hidden
tap_exit
