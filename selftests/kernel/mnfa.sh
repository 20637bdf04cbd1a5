#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The mobile node and foreign agent roles of the module against protocol
# peers written from Documentation/protocol.rst alone (mnfa_peer.py):
#
#  (a) mn namespace: the module (role mn) and the reference MN agent
#      (mipagent.py mn), registering through a Python home agent that
#      answers in the stateful, semi-stateful, X25519 and MODP-2048 modes.
#      The request on the wire hides the NAI and the home address (tshark,
#      and the peer decrypts it), the agent gets a plain accepted reply
#      whose authenticator it checks, and the module's keys (binding dump
#      fingerprints) are the peer's. A tampered reply, and a request the
#      agent signs with the wrong KEY0, are dropped and counted; so is a
#      reply carrying any kind of malformed element (mnfa_peer.py kinds), a
#      reply that does not parse, and an unauthenticated one with an HA's
#      code. A foreign agent's denial (no MN-HA authentication) reaches the
#      agent with the home address and NAI of its request restored. A reply
#      with an extension of a type 0-127 the module does not know (RFC 5944
#      1.9), the HA's or an FA's, is dropped and counted.
#
#        mna: mn0 10.0.1.1 ------- p0 10.0.1.2 (the FA address), 10.0.2.2
#                                  (the HA address): the Python HA
#
#  (b) fa namespace: the module (role fa) and the reference FA agent
#      between a Python MN and a Python HA: the FA's offers added and
#      signed, KEY2 and KEY3 unwrapped and equal to the HA's, the MN's part
#      relayed byte for byte, the NVSEs gone before the agent; a reply with
#      a wrong FA-HA authenticator makes the agent deny with 68. A request
#      of the MN with any kind of malformed element or framing is denied by
#      the module (70, or 100 for a reserved vendor type) and never reaches
#      the agent, while a plain RFC 5944 request reaches it unchanged; a
#      reply with any kind of malformed element, on either side of the
#      MN-HA authentication extension, becomes 71 (101) for the MN. A reply
#      with an extension of a type 0-127 the module does not know is
#      dropped and counted, the agent never sees it; a reply whose framing
#      fails becomes 71 when its FA-HA authenticator verifies, and reaches
#      the agent unchanged when it does not or cannot be found.
#  (c) the same FA without the module relays protected requests and
#      replies unchanged.
#
#        mnb: m0 10.0.1.1 --- f0 10.0.1.2 [fab] f1 10.0.2.1 --- h0 10.0.2.2 (hab)
#
# Environment: MIPKEX_KO, MIPKEX_TOOL, MIPKEX_PYTHON, MIPKEX_KEEP=1.

# shellcheck disable=SC2317 # the steps are called through tap_run
set -e

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$REPO/selftests/lib.sh"

PY=${MIPKEX_PYTHON:-/usr/bin/python3}
TOOL=${MIPKEX_TOOL:-$REPO/userspace/mipkex}
KO=${MIPKEX_KO:-$REPO/kmod/mipkex.ko}
AGENT=$REPO/selftests/agents/mipagent.py
PEER=$HERE/mnfa_peer.py

NAI=alice@example.org
HOME_ADDR=10.0.3.1
SPI=4097
FA_SPI=8193
KEY0=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
BADKEY=0f0e0d0c0b0a09080706050403020100f0e0d0c0b0a09080706050403020100f
FAKEY=c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf
SEED=606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f
NTESTS=25

[ "$(id -u)" = 0 ] || tap_skip_all "needs root"
[ -x "$TOOL" ] || tap_skip_all "no tool at $TOOL"
"$PY" -c "import cryptography" 2>/dev/null ||
	tap_skip_all "no python3-cryptography"
command -v jq >/dev/null || tap_skip_all "no jq"
command -v tshark >/dev/null || tap_skip_all "no tshark"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/mipkex-mnfa.XXXXXX")
# Steps run in subshells (tap_run): whether this suite loaded the module
# is the file $WORK/loaded, not a variable.
PIDS=()

cleanup()
{
	local p

	set +e
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	cleanup_all_ns >/dev/null 2>&1
	[ ! -e "$WORK/loaded" ] || timeout 60 rmmod mipkex
	[ "$MIPKEX_KEEP" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT

ERRORS=0
check()
{
	if [ "$2" = "$3" ]; then
		echo "ok: $1 = $2"
	else
		echo "FAIL: $1 = '$2', want '$3'"
		ERRORS=$((ERRORS + 1))
	fi
}

tool() { local ns=$1; shift; ip netns exec "$ns" "$TOOL" "$@"; }
stat_of() { tool "$1" -j stats | jq -r ".$2 // .stats.$2"; }
# stat_reaches NS NAME N: the counter is at least N.
stat_reaches() { [ "$(stat_of "$1" "$2")" -ge "$3" ]; }
bindings() { ip netns exec "$1" "$PY" "$PEER" bindings; }

# bg NS NAME CMD...: a background process, its output in $WORK/NAME.out.
bg()
{
	local ns=$1 name=$2

	shift 2
	ip netns exec "$ns" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
	PIDS+=($!)
	echo $! >"$WORK/$name.pid"
}

stop() { kill "$(<"$WORK/$1.pid")" 2>/dev/null || :; }

ready() { grep -q '"ready"' "$WORK/$1.out"; }

# start_ha NS NAME ARGS...: the Python home agent, waited for.
start_ha()
{
	local ns=$1 name=$2

	shift 2
	bg "$ns" "$name" "$PY" "$PEER" ha \
		--key0 "$SPI,$NAI,$HOME_ADDR,$WORK/k0" "$@"
	slowwait 60 ready "$name" || { cat "$WORK/$name.err"; return 1; }
}

# last NAME FILTER: the last JSON line of $WORK/NAME.out, through FILTER.
last() { grep '"event": "request"' "$WORK/$1.out" | tail -1 | jq -r "$2"; }

# ------------------------------------------------------------ (a) setup

step_setup()
{
	if [ ! -d /sys/module/mipkex ]; then
		insmod "$KO"
		touch "$WORK/loaded"
	fi
	(
		umask 077
		echo "$KEY0" >"$WORK/k0"
		echo "$BADKEY" >"$WORK/kbad"
		echo "$FAKEY" >"$WORK/kfa"
		echo "$SEED" >"$WORK/seed"
	)
	ip link add mn0 netns "$MNA" type veth peer name p0 netns "$HAA"
	ip -n "$MNA" addr add 10.0.1.1/24 dev mn0
	ip -n "$MNA" link set mn0 up
	ip -n "$MNA" route add 10.0.2.0/24 via 10.0.1.2
	ip -n "$HAA" addr add 10.0.1.2/24 dev p0
	ip -n "$HAA" addr add 10.0.2.2/24 dev p0
	ip -n "$HAA" link set p0 up
	tool "$MNA" set role mn
	tool "$MNA" key0 add "$SPI" nai "$NAI" home "$HOME_ADDR" ha 10.0.2.2 \
		key "$WORK/k0"
	tool "$MNA" kdc set seed "$WORK/seed"
	bg "$HAA" capa dumpcap -q -i p0 -f "udp port 434" -w "$WORK/a.pcapng"
	slowwait 60 grep -q "Capturing on" "$WORK/capa.err" ||
		{ cat "$WORK/capa.err"; return 1; }
	tool "$MNA" show
}

# mn_agent NAME ARGS...: one registration by the reference MN agent.
mn_agent()
{
	local name=$1 rc=0

	shift
	ip netns exec "$MNA" "$PY" -S "$AGENT" mn --ha 10.0.2.2 \
		--home "$HOME_ADDR" --nai "$NAI" --spi "$SPI" --auth hmac-sha256 \
		--json --retransmit 100 "$@" >"$WORK/$name.json" \
		2>"$WORK/$name.err" || rc=$?
	echo "$rc" >"$WORK/$name.rc"
	echo "agent $name (exit $rc): $(cut -c1-400 "$WORK/$name.json")"
}

# register_a NAME MODE KDCARGS...: the agent through the module against the
# Python HA in MODE; every check of (a).
register_a()
{
	local name=$1 mode=$2 r h b fa=(--fa 10.0.1.2)

	shift 2
	tool "$MNA" kdc set "$@"
	start_ha "$HAA" "ha-$name" --addr 10.0.1.2 --addr 10.0.2.2 \
		--mode "$mode" --fake-fa
	mn_agent "$name" "${fa[@]}" --key-file "$WORK/k0" --timeout 60
	stop "ha-$name"
	r=$(<"$WORK/$name.json")
	check "agent exit" "$(<"$WORK/$name.rc")" 0
	check "code" "$(jq -r .code <<<"$r")" 0
	check "auth_ok (agent's KEY0, plain form)" "$(jq -r .auth_ok <<<"$r")" true
	check "home address restored" "$(jq -r .home <<<"$r")" "$HOME_ADDR"
	check "NAI restored" "$(jq -r .nai <<<"$r")" "$NAI"
	check "extensions for the agent" "$(jq -r .exts <<<"$r")" "131,32"
	h=$(grep '"event": "request"' "$WORK/ha-$name.out" | tail -1)
	echo "ha: $(jq -c 'del(.request, .reply, .mn_part)' <<<"$h")"
	check "wire: home address field" "$(jq -r .home_field <<<"$h")" 0.0.0.0
	check "wire: NAI extension" "$(jq -r .nai_ext <<<"$h")" "@example.org"
	check "peer: MN-HA authenticator (8.3)" "$(jq -r .mn_auth_ok <<<"$h")" true
	check "peer: decrypted NAI" "$(jq -r .nai <<<"$h")" "$NAI"
	check "peer: decrypted home address" "$(jq -r .home <<<"$h")" "$HOME_ADDR"
	check "offers MN-HA and MN-FA" "$(jq -r '.offers | keys | join(",")' \
		<<<"$h")" "1,2"
	b=$(bindings "$MNA")
	echo "bindings: $b"
	check "KEY1 fingerprint" "$(jq -r '.[0].sa[] | select(.pair == 1) | .fpr' \
		<<<"$b")" "$(jq -r .keys.key1 <<<"$h")"
	check "KEY3 fingerprint" "$(jq -r '.[0].sa[] | select(.pair == 2) | .fpr' \
		<<<"$b")" "$(jq -r .keys.key3 <<<"$h")"
	check "MN-HA SPIs" "$(jq -r '.[0].sa[] | select(.pair == 1) |
		"\(.spi_in) \(.spi_out)"' <<<"$b")" \
		"$(jq -r '"\(.offers."1"[0]) \(.answers."1")"' <<<"$h")"
	check "MN-FA SPIs" "$(jq -r '.[0].sa[] | select(.pair == 2) |
		"\(.spi_in) \(.spi_out)"' <<<"$b")" \
		"$(jq -r '"\(.offers."2"[0]) \(.answers."2")"' <<<"$h")"
	[ "$ERRORS" = 0 ]
}

step_stateful() { register_a stateful stateful mode stateful; }
step_semi() { register_a semi semi mode semi; }
step_x25519() { register_a x25519 dh mode dh groups x25519; }
step_modp() { register_a modp dh mode dh groups modp2048; }

step_wire()
{
	local n

	stop capa
	# dumpcap writes its last packets on exit: wait for it to be gone.
	busywait 20000 not_running "$(<"$WORK/capa.pid")"
	n=$(tshark -r "$WORK/a.pcapng" -Y "mip.type == 1" -T fields \
		-e mip.homeaddr -e mip.nai | sort | uniq -c | tr -s ' ')
	echo "requests on the wire: $n"
	check "every request anonymous" "$(tshark -r "$WORK/a.pcapng" \
		-Y "mip.type == 1 and (mip.homeaddr != 0.0.0.0 or \
		mip.nai != \"@example.org\")" | wc -l)" 0
	check "requests seen" "$(tshark -r "$WORK/a.pcapng" -Y "mip.type == 1" |
		wc -l)" 4
	# No byte string of the identity anywhere in a request.
	n=$(tshark -r "$WORK/a.pcapng" -Y "mip.type == 1" -T fields \
		-e udp.payload | tr -d ':' |
		grep -c -i -e "$(printf %s "alice" | xxd -p)" -e 0a000301 || :)
	check "requests containing the NAI or home address" "$n" 0
	[ "$ERRORS" = 0 ]
}

not_running() { ! kill -0 "$1" 2>/dev/null; }

step_denial()
{
	local r

	tool "$MNA" kdc set mode stateful
	start_ha "$HAA" ha-deny --addr 10.0.1.2 --addr 10.0.2.2 --code 129
	mn_agent deny --fa 10.0.1.2 --key-file "$WORK/k0" --timeout 60
	stop ha-deny
	r=$(<"$WORK/deny.json")
	check "code" "$(jq -r .code <<<"$r")" 129
	check "auth_ok (plain form)" "$(jq -r .auth_ok <<<"$r")" true
	check "NAI restored" "$(jq -r .nai <<<"$r")" "$NAI"
	check "home address restored" "$(jq -r .home <<<"$r")" "$HOME_ADDR"
	check "Message String kept" "$(jq -r .exts <<<"$r")" "131,145,32"
	check "binding kept" "$(bindings "$MNA" | jq length)" 1
	[ "$ERRORS" = 0 ]
}

step_dereg()
{
	local r

	start_ha "$HAA" ha-dereg --addr 10.0.1.2 --addr 10.0.2.2
	mn_agent dereg --fa 10.0.1.2 --key-file "$WORK/k0" --timeout 60 --dereg
	stop ha-dereg
	r=$(<"$WORK/dereg.json")
	check "code" "$(jq -r .code <<<"$r")" 0
	check "lifetime" "$(jq -r .lifetime <<<"$r")" 0
	check "auth_ok (plain form)" "$(jq -r .auth_ok <<<"$r")" true
	check "binding removed" "$(bindings "$MNA" | jq length)" 0
	[ "$ERRORS" = 0 ]
}

step_tampered()
{
	local before after

	tool "$MNA" kdc set mode stateful
	before=$(stat_of "$MNA" err_auth)
	start_ha "$HAA" ha-tamper --addr 10.0.1.2 --addr 10.0.2.2 --tamper
	mn_agent tamper --fa 10.0.1.2 --key-file "$WORK/k0" --timeout 15
	stop ha-tamper
	after=$(stat_of "$MNA" err_auth)
	check "peer answered" "$(grep -c '"event": "request"' \
		"$WORK/ha-tamper.out")" 1
	check "agent timed out" "$(<"$WORK/tamper.rc")" 2
	check "err_auth counted" "$((after - before))" 1
	[ "$ERRORS" = 0 ]
}

step_wrong_key0()
{
	local before after

	before=$(stat_of "$MNA" err_auth)
	start_ha "$HAA" ha-badkey --addr 10.0.1.2 --addr 10.0.2.2
	mn_agent badkey --fa 10.0.1.2 --key-file "$WORK/kbad" --timeout 15
	stop ha-badkey
	after=$(stat_of "$MNA" err_auth)
	check "nothing reached the peer" "$(grep -c '"event": "request"' \
		"$WORK/ha-badkey.out" || :)" 0
	check "agent timed out" "$(<"$WORK/badkey.rc")" 2
	check "err_auth counted" "$((after - before))" 1
	[ "$ERRORS" = 0 ]
}

# Every kind of malformed element the peers know (mnfa_peer.py kinds).
KINDS=$("$PY" "$PEER" kinds)

# One registration of the reference agent per kind, in one run, the peer
# injecting the kinds in turn: the agent gets nothing (each registration
# times out), and each reply is counted once. A reply moves at most one
# err_* counter, so the totals show every kind counted.
step_mn_malformed()
{
	local kind before_m before_d n=0 list injected timeouts

	tool "$MNA" kdc set mode stateful
	# shellcheck disable=SC2086 # one word per kind
	list=$(printf '%s,' $KINDS)
	start_ha "$HAA" ha-inject --addr 10.0.1.2 --addr 10.0.2.2 --fake-fa \
		--inject "${list%,}"
	before_m=$(stat_of "$MNA" err_malformed)
	before_d=$(stat_of "$MNA" dropped_protocol)
	# shellcheck disable=SC2086
	set -- $KINDS
	mn_agent inject --fa 10.0.1.2 --key-file "$WORK/k0" --timeout 3 \
		--count $#
	slowwait 30 stat_reaches "$MNA" err_malformed $((before_m + $#)) || :
	stop ha-inject
	mapfile -t injected < <(grep '"event": "request"' \
		"$WORK/ha-inject.out" | jq -r .inject)
	mapfile -t timeouts < <(jq -r .timeout "$WORK/inject.json")
	for kind in $KINDS; do
		check "$kind: peer injected it" "${injected[n]}" "$kind"
		check "$kind: agent got nothing" "${timeouts[n]}" true
		n=$((n + 1))
	done
	check "agent timed out" "$(<"$WORK/inject.rc")" 2
	check "err_malformed counted, once each" \
		"$(($(stat_of "$MNA" err_malformed) - before_m))" $#
	check "dropped, once each" \
		"$(($(stat_of "$MNA" dropped_protocol) - before_d))" $#
	check "no binding from a malformed reply" "$(bindings "$MNA" |
		jq length)" 0
	[ "$ERRORS" = 0 ]
}

# mn_drop NAME STAT HAARGS...: the reply the peer sends is dropped, counted
# in STAT.
mn_drop()
{
	local name=$1 stat=$2 before

	shift 2
	before=$(stat_of "$MNA" "$stat")
	start_ha "$HAA" "ha-$name" --addr 10.0.1.2 --addr 10.0.2.2 "$@"
	mn_agent "$name" --fa 10.0.1.2 --key-file "$WORK/k0" --timeout 3
	slowwait 20 stat_reaches "$MNA" "$stat" $((before + 1)) || :
	stop "ha-$name"
	check "$name: peer answered" "$(grep -c '"event": "request"' \
		"$WORK/ha-$name.out")" 1
	check "$name: agent got nothing" "$(<"$WORK/$name.rc")" 2
	check "$name: $stat counted" "$(($(stat_of "$MNA" "$stat") - before))" 1
}

step_mn_unparsed()
{
	# Two MN-HA authentication extensions (3.2): framing.
	mn_drop dupauth err_malformed --code 129 --inject dup-mn-ha
	# A home agent's code without an MN-HA authenticator: not an FA's.
	mn_drop unsigned err_auth --fa-deny 129
	[ "$ERRORS" = 0 ]
}

step_mn_fa_denial()
{
	local r h before

	before=$(stat_of "$MNA" fa_denials)
	start_ha "$HAA" ha-fadeny --addr 10.0.1.2 --addr 10.0.2.2 --fa-deny 65
	mn_agent fadeny --fa 10.0.1.2 --key-file "$WORK/k0" --timeout 30
	stop ha-fadeny
	r=$(<"$WORK/fadeny.json")
	h=$(grep '"event": "request"' "$WORK/ha-fadeny.out" | tail -1)
	check "FA's denial on the wire: home address" \
		"$(jq -r '.reply[8:16]' <<<"$h")" 00000000
	check "FA's denial on the wire: anonymous NAI" \
		"$(jq -r '.reply | test("'"$(printf @example.org | xxd -p)"'")
		and (test("'"$(printf alice | xxd -p)"'") | not)' <<<"$h")" true
	check "agent: code" "$(jq -r .code <<<"$r")" 65
	check "agent: an FA denial" "$(jq -r .fa_denial <<<"$r")" true
	check "agent: home address restored" "$(jq -r .home <<<"$r")" \
		"$HOME_ADDR"
	check "agent: NAI restored" "$(jq -r .nai <<<"$r")" "$NAI"
	check "agent: extensions" "$(jq -r .exts <<<"$r")" "131,145"
	check "fa_denials counted" "$(($(stat_of "$MNA" fa_denials) - before))" 1
	[ "$ERRORS" = 0 ]
}

# RFC 5944 1.9: a reply answering the pending request with an extension of
# a type 0-127 that the module does not know is discarded silently and
# counted, whether it verifies (the HA's) or cannot (an FA's denial); the
# agent gets nothing and no key is installed.
step_mn_crit()
{
	mn_drop crit err_malformed --inject crit-unknown
	mn_drop crit_fa err_malformed --fa-deny 65 --trailer 64020000
	check "no binding" "$(bindings "$MNA" | jq length)" 0
	[ "$ERRORS" = 0 ]
}

# ------------------------------------------------------------ (b), (c)

step_setup_fa()
{
	ip link add m0 netns "$MNB" type veth peer name f0 netns "$FAB"
	ip link add f1 netns "$FAB" type veth peer name h0 netns "$HAB"
	ip -n "$MNB" addr add 10.0.1.1/24 dev m0
	ip -n "$MNB" link set m0 up
	ip -n "$FAB" addr add 10.0.1.2/24 dev f0
	ip -n "$FAB" addr add 10.0.2.1/24 dev f1
	ip -n "$FAB" link set f0 up
	ip -n "$FAB" link set f1 up
	ip -n "$HAB" addr add 10.0.2.2/24 dev h0
	ip -n "$HAB" link set h0 up
	tool "$FAB" set role fa
	tool "$FAB" peer add 10.0.2.2 spi "$FA_SPI" key "$WORK/kfa"
	bg "$FAB" fa "$PY" -S "$AGENT" fa --addr 10.0.1.2 --addr 10.0.2.1 \
		--coa 10.0.2.1 --peer 10.0.2.2 --spi "$FA_SPI" \
		--key-file "$WORK/kfa" --auth hmac-sha256 \
		--json-log "$WORK/fa.log"
	slowwait 60 ready fa || { cat "$WORK/fa.err"; return 1; }
}

# mn_peer NAME [ARGS...]: one registration of the Python MN through the FA.
mn_peer()
{
	local name=$1

	shift
	ip netns exec "$MNB" "$PY" "$PEER" mn \
		--key0 "$SPI,$NAI,$HOME_ADDR,$WORK/k0" --ha 10.0.2.2 \
		--fa 10.0.1.2 --coa 10.0.2.1 --src 10.0.1.1 --timeout 60 "$@" \
		>"$WORK/$name.json" || :
	echo "mn $name: $(jq -c 'del(.request, .reply)' "$WORK/$name.json")"
}

fa_log_count() { jq -s "map(select(.event == \"$1\")) | length" "$WORK/fa.log"; }
fa_log_grew() { [ "$(fa_log_count "$1")" -gt "$2" ]; }

# fa_denials FILE: per reply the Python MN got, one line: code,
# extensions, home address, NAI extension, Message String.
fa_denials()
{
	jq -r '"\(.code) \(.exts | map(tostring) | join(",")) \(.home)" +
		" \(.nai_ext[0]) \(.msg_string[0])"' "$1"
}

# check_fa_denial WHAT GOT CODE TEXT HOME: GOT (a line of fa_denials) is the
# FA's denial CODE with the Message String TEXT, the home address HOME (that
# of the message denied) and the anonymous NAI extension.
check_fa_denial()
{
	check "$1: the FA's denial" "$2" "$3 131,145 $5 @example.org $4"
}

# Every kind in a request of its own, one run of the Python MN: the FA's
# module answers each itself. A request moves at most one err_* counter.
step_fa_request_malformed()
{
	local kind before_m before_d relayed denied n=0 list got

	start_ha "$HAB" ha-rq --addr 10.0.2.2 --peer "10.0.2.1,$FA_SPI,$WORK/kfa"
	relayed=$(fa_log_count relay_request)
	denied=$(fa_log_count deny)
	before_m=$(stat_of "$FAB" err_malformed)
	before_d=$(stat_of "$FAB" denials_sent)
	# shellcheck disable=SC2086 # one word per kind
	set -- $KINDS sa-key1 nvse-sa-payload no-mn-ha dup-mn-ha
	list=$(printf '%s,' "$@")
	mn_peer rq --inject "${list%,}"
	mapfile -t got < <(fa_denials "$WORK/rq.json")
	for kind in "$@"; do
		case $kind in
		vtype-*)
			check_fa_denial "$kind" "${got[n]}" 100 \
				"vendor extension not understood" 0.0.0.0 ;;
		*)
			check_fa_denial "$kind" "${got[n]}" 70 \
				"poorly formed request" 0.0.0.0 ;;
		esac
		n=$((n + 1))
	done
	check "err_malformed counted, once each" \
		"$(($(stat_of "$FAB" err_malformed) - before_m))" $#
	check "denials_sent counted, once each" \
		"$(($(stat_of "$FAB" denials_sent) - before_d))" $#
	stop ha-rq
	check "nothing reached the home agent" "$(grep -c '"event": "request"' \
		"$WORK/ha-rq.out" || :)" 0
	check "the agent relayed none" "$(fa_log_count relay_request)" "$relayed"
	check "the agent denied none" "$(fa_log_count deny)" "$denied"
	[ "$ERRORS" = 0 ]
}

step_fa_request_plain()
{
	local r before_m before_d sent relayed

	before_m=$(stat_of "$FAB" err_malformed)
	before_d=$(stat_of "$FAB" denials_sent)
	relayed=$(fa_log_count relay_request)
	# No listener at the home agent: the request only has to be relayed.
	ip netns exec "$MNB" "$PY" -S "$AGENT" mn --ha 10.0.2.2 \
		--home "$HOME_ADDR" --nai "$NAI" --spi "$SPI" \
		--auth hmac-sha256 --key-file "$WORK/k0" --fa 10.0.1.2 \
		--coa 10.0.2.1 --json --retransmit 100 --timeout 3 \
		>"$WORK/plain.json" || :
	slowwait 30 fa_log_grew relay_request "$relayed" || :
	sent=$(jq -r .request "$WORK/plain.json")
	r=$(jq -s -r 'map(select(.event == "relay_request")) | last' \
		"$WORK/fa.log")
	check "agent relayed it" "$(fa_log_count relay_request)" \
		"$((relayed + 1))"
	check "the MN's request reached the agent unchanged" \
		"$(jq -r '.request[0:'"${#sent}"']' <<<"$r")" "$sent"
	check "no denial" "$(($(stat_of "$FAB" denials_sent) - before_d))" 0
	check "nothing malformed" \
		"$(($(stat_of "$FAB" err_malformed) - before_m))" 0
	[ "$ERRORS" = 0 ]
}

step_fa_reply_malformed()
{
	local kind list=() n=0 got injected before relayed denied

	# Each kind in the MN's part, and in the FA's part.
	for kind in $KINDS; do
		list+=("$kind" "fa:$kind")
	done
	start_ha "$HAB" ha-rp --addr 10.0.2.2 \
		--peer "10.0.2.1,$FA_SPI,$WORK/kfa" \
		--inject "$(IFS=,; echo "${list[*]}")"
	before=$(stat_of "$FAB" err_malformed)
	relayed=$(fa_log_count relay_reply)
	denied=$(fa_log_count deny)
	ip netns exec "$MNB" "$PY" "$PEER" mn \
		--key0 "$SPI,$NAI,$HOME_ADDR,$WORK/k0" --ha 10.0.2.2 \
		--fa 10.0.1.2 --coa 10.0.2.1 --src 10.0.1.1 --timeout 30 \
		--count "${#list[@]}" >"$WORK/rp.json" || :
	stop ha-rp
	mapfile -t got < <(fa_denials "$WORK/rp.json")
	mapfile -t injected < <(grep '"event": "request"' "$WORK/ha-rp.out" |
		jq -r .inject)
	for kind in "${list[@]}"; do
		check "reply $((n + 1)): peer injected" "${injected[n]}" \
			"${kind#fa:}"
		case $kind in
		*vtype-*)
			check_fa_denial "$kind" "${got[n]}" 101 \
				"vendor extension not understood" "$HOME_ADDR" ;;
		*)
			check_fa_denial "$kind" "${got[n]}" 71 \
				"poorly formed reply" "$HOME_ADDR" ;;
		esac
		n=$((n + 1))
	done
	check "err_malformed counted, once each" \
		"$(($(stat_of "$FAB" err_malformed) - before))" "${#list[@]}"
	# The module's denials reach the MN through the agent (9.4, FA 3.e),
	# their FA-HA authenticator verifying: the agent relays each, denies
	# none (68 if it did not verify).
	slowwait 30 fa_log_grew relay_reply $((relayed + ${#list[@]} - 1)) || :
	check "the agent relayed each denial" \
		"$(($(fa_log_count relay_reply) - relayed))" "${#list[@]}"
	check "the agent denied none" "$(($(fa_log_count deny) - denied))" 0
	check "the agent got NAI, Message String, FA-HA" \
		"$(log_last_reply .exts_in)" "131,145,34"
	[ "$ERRORS" = 0 ]
}

# RFC 5944 1.9 at the FA: a reply to a pending relay with an extension of a
# type 0-127 the module does not know, in the MN's part or in the FA's, is
# discarded silently and counted: nothing reaches the agent or the MN, no
# key is taken.
step_fa_reply_crit()
{
	local before relayed denied b0

	start_ha "$HAB" ha-crit --addr 10.0.2.2 \
		--peer "10.0.2.1,$FA_SPI,$WORK/kfa" \
		--inject crit-unknown,fa:crit-unknown
	before=$(stat_of "$FAB" err_malformed)
	relayed=$(fa_log_count relay_reply)
	denied=$(fa_log_count deny)
	b0=$(bindings "$FAB" | jq -c '[.[] | .sa[] | .fpr]')
	mn_peer crit --count 2 --timeout 5
	slowwait 30 stat_reaches "$FAB" err_malformed $((before + 2)) || :
	stop ha-crit
	check "the peer answered both" "$(grep -c '"event": "request"' \
		"$WORK/ha-crit.out")" 2
	check "the MN got nothing" "$(jq -r .timeout "$WORK/crit.json" |
		sort -u)" true
	check "err_malformed counted, once each" \
		"$(($(stat_of "$FAB" err_malformed) - before))" 2
	check "the agent got no reply" "$(fa_log_count relay_reply)" "$relayed"
	check "the agent denied none" "$(fa_log_count deny)" "$denied"
	check "no key taken" "$(bindings "$FAB" | jq -c '[.[] | .sa[] | .fpr]')" \
		"$b0"
	[ "$ERRORS" = 0 ]
}

# fa_unparsed NAME HAARGS...: one registration of the Python MN, the
# Python HA answering with HAARGS; the counters of the FA and the agent's
# log events before it in $WORK/NAME.before.
fa_unparsed()
{
	local name=$1 n

	shift
	for n in err_malformed err_fa_auth; do
		echo "$n $(stat_of "$FAB" "$n")"
	done >"$WORK/$name.before"
	echo "relay_reply $(fa_log_count relay_reply)" >>"$WORK/$name.before"
	echo "deny $(fa_log_count deny)" >>"$WORK/$name.before"
	start_ha "$HAB" "ha-$name" --addr 10.0.2.2 \
		--peer "10.0.2.1,$FA_SPI,$WORK/kfa" "$@"
	mn_peer "$name"
	stop "ha-$name"
}

# grew NAME WHAT: how much WHAT (an FA counter or an agent log event) grew
# since fa_unparsed NAME.
grew()
{
	local b now

	b=$(awk -v w="$2" '$1 == w { print $2 }' "$WORK/$1.before")
	case $2 in
	err_*) now=$(stat_of "$FAB" "$2") ;;
	*) now=$(fa_log_count "$2") ;;
	esac
	echo $((now - b))
}

# A reply to a pending relay whose framing fails (two MN-HA authentication
# extensions) but whose FA-HA authenticator, its last extension, verifies
# is malformed: the module's 71 for the MN, through the agent (9.4, FA 3.).
# With an FA-HA authenticator that does not verify, or none to be found
# (the framing fails after it), it reaches the agent unchanged, which
# answers the MN itself (its denial has no Message String).
step_fa_reply_unparsed()
{
	fa_unparsed up1 --code 129 --inject dup-mn-ha
	slowwait 30 fa_log_grew relay_reply \
		"$(awk '$1 == "relay_reply" { print $2 }' "$WORK/up1.before")" || :
	check_fa_denial "FA-HA verifies" "$(fa_denials "$WORK/up1.json")" 71 \
		"poorly formed reply" 0.0.0.0
	check "FA-HA verifies: err_malformed" "$(grew up1 err_malformed)" 1
	check "FA-HA verifies: the agent relayed the module's denial" \
		"$(grew up1 relay_reply)" 1
	check "FA-HA verifies: the agent denied nothing" "$(grew up1 deny)" 0
	check "FA-HA verifies: the agent got NAI, Message String, FA-HA" \
		"$(log_last_reply .exts_in)" "131,145,34"

	fa_unparsed up2 --code 129 --inject dup-mn-ha --bad-faha-key "$WORK/kbad"
	check "FA-HA does not verify: the agent's denial" \
		"$(jq -r '"\(.code) \(.msg_string | length)"' "$WORK/up2.json")" \
		"71 0"
	check "FA-HA does not verify: err_fa_auth" "$(grew up2 err_fa_auth)" 1
	check "FA-HA does not verify: no err_malformed" \
		"$(grew up2 err_malformed)" 0
	check "FA-HA does not verify: the agent denied it" "$(grew up2 deny)" 1

	fa_unparsed up3 --code 129 --trailer 6405
	check "no FA-HA last: the agent's denial" \
		"$(jq -r '"\(.code) \(.msg_string | length)"' "$WORK/up3.json")" \
		"71 0"
	check "no FA-HA last: no err_fa_auth" "$(grew up3 err_fa_auth)" 0
	check "no FA-HA last: no err_malformed" "$(grew up3 err_malformed)" 0
	check "no FA-HA last: the agent denied it" "$(grew up3 deny)" 1
	[ "$ERRORS" = 0 ]
}

step_fa()
{
	local h m b mreq

	start_ha "$HAB" ha-fa --addr 10.0.2.2 --peer "10.0.2.1,$FA_SPI,$WORK/kfa"
	mn_peer fa1
	stop ha-fa
	h=$(grep '"event": "request"' "$WORK/ha-fa.out" | tail -1)
	m=$(<"$WORK/fa1.json")
	echo "ha: $(jq -c 'del(.request, .reply, .mn_part, .request_mn_part)' \
		<<<"$h")"
	mreq=$(jq -r .request <<<"$m")
	check "MN's part relayed byte for byte" \
		"$(jq -r .request_mn_part <<<"$h")" "$mreq"
	check "FA-HA authenticator of the relayed request" \
		"$(jq -r .fa_auth_ok <<<"$h")" true
	check "FA offers MN-FA and FA-HA" \
		"$(jq -r '.fa_offers | keys | join(",")' <<<"$h")" "2,3"
	check "FA's MN-FA SPI differs from the MN's" "$(jq -r \
		'.fa_offers."2"[0] != .offers."2"[0] and .fa_offers."2"[0] >= 256'\
		<<<"$h")" true
	check "MN: code" "$(jq -r .code <<<"$m")" 0
	check "MN: authenticator" "$(jq -r .auth_ok <<<"$m")" true
	check "MN: reply = the HA's MN part, byte for byte" \
		"$(jq -r .reply <<<"$m")" "$(jq -r .mn_part <<<"$h")"
	check "MN: KEY1" "$(jq -r .key1 <<<"$m")" "$(jq -r .keys.key1 <<<"$h")"
	check "MN: KEY3" "$(jq -r .key3 <<<"$m")" "$(jq -r .keys.key3 <<<"$h")"
	slowwait 30 wait_relay_reply
	check "agent got no NVSE" "$(log_last_reply '.exts_in | test("134")')" \
		false
	b=$(bindings "$FAB")
	echo "fa bindings: $b"
	check "FA KEY3" "$(jq -r '.[0].sa[] | select(.pair == 2) | .fpr' \
		<<<"$b")" "$(jq -r .keys.key3 <<<"$h")"
	check "FA KEY2" "$(jq -r '.[0].sa[] | select(.pair == 3) | .fpr' \
		<<<"$b")" "$(jq -r .keys.key2 <<<"$h")"
	check "FA MN-FA SPIs" "$(jq -r '.[0].sa[] | select(.pair == 2) |
		"\(.spi_in) \(.spi_out)"' <<<"$b")" \
		"$(jq -r '"\(.fa_offers."2"[0]) \(.offers."2"[0])"' <<<"$h")"
	check "FA FA-HA SPIs" "$(jq -r '.[0].sa[] | select(.pair == 3) |
		"\(.spi_in) \(.spi_out)"' <<<"$b")" \
		"$(jq -r '"\(.fa_offers."3"[0]) \(.answers."3")"' <<<"$h")"
	check "binding home address" "$(jq -r '.[0].home' <<<"$b")" "$HOME_ADDR"
	[ "$ERRORS" = 0 ]
}

log_last_reply()
{
	jq -s -r "map(select(.event == \"relay_reply\")) | last | $1" \
		"$WORK/fa.log"
}

wait_relay_reply()
{
	local n=$(($(jq -s 'map(select(.event == "relay_reply")) | length' \
		"$WORK/fa.log")))

	[ "$n" -ge 1 ]
}

step_fa_bad_key()
{
	local before after m

	before=$(stat_of "$FAB" err_fa_auth)
	start_ha "$HAB" ha-bad --addr 10.0.2.2 \
		--peer "10.0.2.1,$FA_SPI,$WORK/kfa" --bad-faha-key "$WORK/kbad"
	mn_peer fa2
	stop ha-bad
	m=$(<"$WORK/fa2.json")
	after=$(stat_of "$FAB" err_fa_auth)
	check "MN: code from the FA agent" "$(jq -r .code <<<"$m")" 68
	check "err_fa_auth counted" "$((after - before))" 1
	[ "$ERRORS" = 0 ]
}

step_fa_clear_key()
{
	local before after m

	before=$(stat_of "$FAB" err_decrypt)
	start_ha "$HAB" ha-clear --addr 10.0.2.2 \
		--peer "10.0.2.1,$FA_SPI,$WORK/kfa" --clear-fa-keys
	mn_peer fa4
	stop ha-clear
	m=$(<"$WORK/fa4.json")
	after=$(stat_of "$FAB" err_decrypt)
	check "MN: code from the FA" "$(jq -r .code <<<"$m")" 71
	check "MN: an FA denial, no MN-HA authenticator" \
		"$(jq -c .exts <<<"$m")" "[131,145]"
	check "err_decrypt counted" "$((after - before))" 1
	[ "$ERRORS" = 0 ]
}

step_fa_without_module()
{
	local h m

	tool "$FAB" set role none
	start_ha "$HAB" ha-plain --addr 10.0.2.2 \
		--peer "10.0.2.1,$FA_SPI,$WORK/kfa"
	mn_peer fa3
	stop ha-plain
	h=$(grep '"event": "request"' "$WORK/ha-plain.out" | tail -1)
	m=$(<"$WORK/fa3.json")
	check "MN's part relayed byte for byte" \
		"$(jq -r .request_mn_part <<<"$h")" "$(jq -r .request <<<"$m")"
	check "FA-HA authenticator (the agent's)" "$(jq -r .fa_auth_ok <<<"$h")" \
		true
	check "no FA offers" "$(jq -r '.fa_offers | length' <<<"$h")" 0
	check "MN: code" "$(jq -r .code <<<"$m")" 0
	check "MN: authenticator" "$(jq -r .auth_ok <<<"$m")" true
	check "MN: reply = the HA's MN part, byte for byte" \
		"$(jq -r .reply <<<"$m")" "$(jq -r .mn_part <<<"$h")"
	check "MN: KEY1" "$(jq -r .key1 <<<"$m")" "$(jq -r .keys.key1 <<<"$h")"
	check "MN: no KEY3 without an FA offer" "$(jq -r .key3 <<<"$m")" null
	[ "$ERRORS" = 0 ]
}

step_teardown()
{
	local bad

	[ ! -e "$WORK/fa.pid" ] || stop fa
	cleanup_all_ns >/dev/null 2>&1
	if [ -e "$WORK/loaded" ]; then
		timeout 60 rmmod mipkex
		rm -f "$WORK/loaded"
		check "module unloaded" "$([ -d /sys/module/mipkex ] || echo yes)" yes
	fi
	bad=$(dmesg | grep -E 'BUG:|WARNING:|Call Trace:|unreferenced object' |
		tail -5 || :)
	check "kernel log" "$bad" ""
	[ "$ERRORS" = 0 ]
}

tap_plan "$NTESTS"
setup_ns MNA HAA MNB FAB HAB || echo "# cannot create the namespaces"
tap_run "setup: mn namespace with the module and KEY0" step_setup
tap_run "(a) stateful: plain accepted reply, keys match" step_stateful
tap_run "(a) semi-stateful: plain accepted reply, keys match" step_semi
tap_run "(a) X25519: plain accepted reply, keys match" step_x25519
tap_run "(a) MODP-2048: plain accepted reply, keys match" step_modp
tap_run "(a) the wire hides the NAI and the home address" step_wire
tap_run "(a) denial: plain, authenticated, Message String kept" step_denial
tap_run "(a) deregistration: plain reply, binding removed" step_dereg
tap_run "(a) tampered reply dropped and counted" step_tampered
tap_run "(a) request signed with the wrong KEY0 dropped and counted" \
	step_wrong_key0
tap_run "(a) a reply with any malformed element dropped and counted" \
	step_mn_malformed
tap_run "(a) replies that do not parse, or unsigned, dropped and counted" \
	step_mn_unparsed
tap_run "(a) an FA's denial reaches the agent with its identity restored" \
	step_mn_fa_denial
tap_run "(a) a reply with an unknown extension 0-127 discarded (RFC 5944 1.9)" \
	step_mn_crit
tap_run "(b) setup: fa namespace with the module and the FA agent" \
	step_setup_fa
tap_run "(b) FA offers, KEY2/KEY3, MN part byte for byte, NVSEs stripped" \
	step_fa
tap_run "(b) wrong FA-HA authenticator: 68 from the agent" step_fa_bad_key
tap_run "(b) KEY2 in clear without the insecure policy: 71 to the MN" \
	step_fa_clear_key
tap_run "(b) malformed protected requests denied by the module (70, 100)" \
	step_fa_request_malformed
tap_run "(b) a plain request reaches the agent unchanged" \
	step_fa_request_plain
tap_run "(b) malformed elements in replies, either side: 71 or 101 to the MN" \
	step_fa_reply_malformed
tap_run "(b) a reply with an unknown extension 0-127 discarded (RFC 5944 1.9)" \
	step_fa_reply_crit
tap_run "(b) a reply whose framing fails: 71 if its FA-HA verifies, else the agent's" \
	step_fa_reply_unparsed
tap_run "(c) FA without the module relays unchanged" step_fa_without_module
tap_run "teardown: rmmod, kernel log clean" step_teardown
tap_exit
