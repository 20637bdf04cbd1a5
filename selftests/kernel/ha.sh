#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The home agent role (kmod/ha.c, Documentation/protocol.rst 9.4): the module
# in role ha in front of the reference HA agent (selftests/agents/mipagent.py
# ha, configured with the same KEY0 and FA-HA keys), and a mobile node in
# another namespace written from protocol.rst alone (ha_peer.py), which can
# also play the FA of 9.1 (its NVSE offers and FA-HA authenticator).
#
#        mn                                   ha
#   m0 10.0.2.1/24 (MN, co-located) ------ h0 10.0.2.2/24 (module + agent)
#      10.0.2.3/24 (FA, FA-HA peer)
#
# Every protected request must come back as the reply protocol.rst 9.2 says
# (MN-HA authenticator with the derived key, keys unwrapped or derived and
# equal on both sides) with the agent having seen the plain request; every
# broken one must get its code and counter, and never reach the agent.
#
# Environment: MIPKEX_KO (module), MIPKEX_TOOL (tool), MIPKEX_PYTHON,
# MIPKEX_KEEP=1 (keep the scratch directory).

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
PEER=$HERE/ha_peer.py

MN_ADDR=10.0.2.1
HA_ADDR=10.0.2.2
FA_ADDR=10.0.2.3
NAI=alice@example.org
HOME=10.0.3.1
SPI=4097
FA_SPI=8193
KEY0=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
FAKEY=c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf
SEED=606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f
# A second mobile node, whose KEY0 uses nonces (RFC 5944 5.7.2).
NONCE_NAI=carol@example.org
NONCE_HOME=10.0.3.2
NONCE_SPI=4099
# The agent answers requests for this lifetime only after this many seconds,
# past the module's 10 s wait for an answer (late replies).
SLOW_LIFETIME=599
SLOW_DELAY=12
# The agent's reply to requests for these lifetimes has broken framing: the
# first extension's length runs past the end (so no MN-HA authentication
# extension comes before the error), or a second MN-HA authentication
# extension; the last one is late as well.
OVERRUN_LIFETIME=598
DUP_MNHA_LIFETIME=597
LATE_OVERRUN_LIFETIME=595

[ "$(id -u)" = 0 ] || tap_skip_all "needs root"
[ -x "$TOOL" ] || tap_skip_all "no tool at $TOOL"
"$PY" -c "import cryptography" 2>/dev/null ||
	tap_skip_all "no python3-cryptography"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/mipkex-ha.XXXXXX")
# Named here: the steps run in subshells (tap_run), which cannot set globals.
MN=mn-ha$$ HA=ha-ha$$

cleanup()
{
	[ ! -s "$WORK/agent.pid" ] || kill "$(<"$WORK/agent.pid")" 2>/dev/null || :
	cleanup_ns "$MN" "$HA"
	[ ! -e "$WORK/loaded" ] || rmmod mipkex 2>/dev/null || :
	[ "${MIPKEX_KEEP:-0}" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT

tool() { ip netns exec "$HA" "$TOOL" "$@"; }

# stat NAME: one counter of the ha namespace.
stat()
{
	tool -j stats | jq -r ".\"$1\" // .stats.\"$1\""
}

# peer ARGS...: run the MN (and FA) once; its JSON reply on stdout.
peer()
{
	ip netns exec "$MN" "$PY" "$PEER" --ha "$HA_ADDR" --src "$MN_ADDR" \
		--spi "$SPI" --key "$KEY0" --nai "$NAI" --home "$HOME" "$@"
}

# via_fa ARGS...: the same, sent by the FA (FA-HA peer) for the MN.
via_fa()
{
	ip netns exec "$MN" "$PY" "$PEER" --ha "$HA_ADDR" --src "$FA_ADDR" \
		--spi "$SPI" --key "$KEY0" --nai "$NAI" --home "$HOME" \
		--fa-spi "$FA_SPI" --fa-key "$FAKEY" "$@"
}

agent_requests() { jq -s 'map(select(.event == "request")) | length' "$WORK/ha.log"; }

# expect JSON FILTER: the peer's reply satisfies the jq FILTER.
expect()
{
	if [ -n "$1" ] && jq -e "$2" <<<"$1" >/dev/null; then
		echo "ok: $2"
	else
		echo "FAIL: $2 on $1"
		return 1
	fi
}

step_setup()
{
	if [ ! -d /sys/module/mipkex ]; then
		insmod "$KO"
		: >"$WORK/loaded"
	fi
	setup_ns MN HA
	ip link add m0 netns "$MN" type veth peer name h0 netns "$HA"
	ip -n "$MN" addr add "$MN_ADDR/24" dev m0
	ip -n "$MN" addr add "$FA_ADDR/24" dev m0
	ip -n "$HA" addr add "$HA_ADDR/24" dev h0
	ip -n "$MN" link set m0 up
	ip -n "$HA" link set h0 up
	ip -n "$MN" neigh add "$HA_ADDR" dev m0 nud permanent \
		lladdr "$(ip -n "$HA" -br link show h0 | awk '{print $3}')"
	ip -n "$HA" neigh add "$MN_ADDR" dev h0 nud permanent \
		lladdr "$(ip -n "$MN" -br link show m0 | awk '{print $3}')"
	ip -n "$HA" neigh add "$FA_ADDR" dev h0 nud permanent \
		lladdr "$(ip -n "$MN" -br link show m0 | awk '{print $3}')"
	(umask 077
	 echo "$KEY0" >"$WORK/k0"
	 echo "$FAKEY" >"$WORK/kfa"
	 echo "$SEED" >"$WORK/seed")
	tool set role ha
	tool key0 add "$SPI" nai "$NAI" home "$HOME" ha "$HA_ADDR" key "$WORK/k0"
	tool key0 add "$NONCE_SPI" nai "$NONCE_NAI" home "$NONCE_HOME" \
		ha "$HA_ADDR" key "$WORK/k0" replay nonce
	tool peer add "$FA_ADDR" spi "$FA_SPI" key "$WORK/kfa"
	tool kdc set mode stateful groups x25519,modp2048 seed "$WORK/seed"
	ip netns exec "$HA" "$PY" "$AGENT" ha --addr "$HA_ADDR" \
		--mn "$NAI,$HOME,$SPI,$WORK/k0,hmac-sha256" \
		--mn "$NONCE_NAI,$NONCE_HOME,$NONCE_SPI,$WORK/k0,hmac-sha256,replay=nonce" \
		--peer "$FA_ADDR,$FA_SPI,$WORK/kfa,hmac-sha256" \
		--delay "$SLOW_LIFETIME:$SLOW_DELAY" \
		--malformed "$OVERRUN_LIFETIME:overrun" \
		--malformed "$DUP_MNHA_LIFETIME:dup-mnha" \
		--delay "$LATE_OVERRUN_LIFETIME:$SLOW_DELAY" \
		--malformed "$LATE_OVERRUN_LIFETIME:overrun" \
		--json-log "$WORK/ha.log" >"$WORK/ha.out" 2>&1 &
	echo $! >"$WORK/agent.pid"
	slowwait 30 grep -q '"ready"' "$WORK/ha.out"
}

step_fpr()
{
	local want got

	want=$("$PY" -c "import sys; sys.path.insert(0, '$REPO/selftests/protocol')
import vectors; print(vectors.fingerprint(bytes.fromhex('$KEY0')).hex())")
	got=$(tool -j key0 show "$SPI" | jq -r '.. | .fingerprint? // empty' |
	      head -1 | tr -d ':')
	echo "KEY0 fingerprint: tool $got, protocol.rst 8.6.5 $want"
	[ "$got" = "$want" ]
}

# A plain agent's view: its last request had the real NAI and home address.
agent_saw_plain()
{
	local last

	last=$(jq -c -s 'map(select(.event == "request")) | last' "$WORK/ha.log")
	echo "agent: $last"
	expect "$last" ".nai == \"$NAI\" and .home == \"$HOME\" and
		(.exts | split(\",\") | index(\"38\") | not) and .code == 0 and
		.mn_ha == true"
}

step_stateful()
{
	local r n

	n=$(stat rewritten)

	# The first request: the worker sets up its crypto (slow under load).
	r=$(peer --mode stateful --timeout 30) || :
	echo "$r"
	expect "$r" '.code == 0 and .mn_ha == "ok" and .low_ok and
		.nai == "@example.org" and .sa_payloads == [1] and
		(.cvse | index(10)) != null and .mn_key1 != null and
		.mn_key3 == null and .nvse == [] and .key_lifetime == .lifetime'
	agent_saw_plain
	[ "$(stat rewritten)" -ge $((n + 2)) ]
}

step_semi()
{
	local r

	tool kdc set mode semi
	r=$(peer --mode semi --seed "$SEED")
	tool kdc set mode stateful
	echo "$r"
	expect "$r" '.code == 0 and .mn_ha == "ok" and
		.mn_key1 == .semi_key1'
	agent_saw_plain
}

step_dh()
{
	local r mode=$1

	r=$(via_fa --mode "$mode")
	echo "$r"
	# The MN derives KEY1 and KEY3 (8.6.3); the FA unwraps KEY3: the same.
	expect "$r" '.code == 0 and .mn_ha == "ok" and .fa_ha == "ok" and
		.mn_key1 != null and .mn_key3 == .fa_key3 and
		.fa_key2 != null and (.cvse | index(4)) == null and
		.sa_payloads == [1, 2] and .fa_sa_payloads == [2, 3]'
	agent_saw_plain
	# The home agent's binding holds the same KEY1 and KEY2 (8.6.5).
	binding_has "$(jq -r .mn_key1 <<<"$r")" "$(jq -r .fa_key2 <<<"$r")"
}

# binding_has FPR...: the binding of HOME has keys of these fingerprints.
binding_has()
{
	local fprs f

	fprs=" $(tool -j binding show | jq -r --arg h "$HOME" \
		'[.. | objects | select(.home? == $h) | .. | objects |
		  .fingerprint? // empty] | join(" ")') "
	echo "binding of $HOME, key fingerprints:$fprs"
	for f in "$@"; do
		[[ $fprs == *" $f "* ]] || { echo "FAIL: no key $f"; return 1; }
	done
}

# binding_keys: the fingerprints of every binding's keys (ages aside).
binding_keys()
{
	tool -j binding show | jq -c '[.. | objects | .fingerprint? // empty]'
}

# bindings_of_home: how many bindings HOME has.
bindings_of_home()
{
	tool -j binding show | jq --arg h "$HOME" \
		'[.. | objects | select(.home? == $h and .ha? != null)] | length'
}

step_stateful_fa()
{
	local r

	r=$(via_fa --mode stateful)
	echo "$r"
	expect "$r" '.code == 0 and .mn_ha == "ok" and .fa_ha == "ok" and
		.mn_key3 == .fa_key3 and .mn_key1 != .mn_key3 and
		.fa_key2 != null and .mn_sa_spi1 != .mn_sa_spi3 and
		.sa_payloads == [1, 2] and .fa_sa_payloads == [2, 3]'
	agent_saw_plain
	binding_has "$(jq -r .mn_key1 <<<"$r")" "$(jq -r .fa_key2 <<<"$r")"
}

# deny WHAT CODE COUNTER FILTER PEER-ARGS...: a broken request gets CODE,
# bumps COUNTER and DENIALS_SENT, and never reaches the agent.
deny()
{
	local code=$1 counter=$2 filter=$3 r c0 d0 a0 b0
	shift 3

	c0=$(stat "$counter")
	d0=$(stat denials_sent)
	a0=$(agent_requests)
	b0=$(binding_keys)
	r=$("$@") || :
	echo "$r"
	expect "$r" ".code == $code and .lifetime == 0 and .home == \"0.0.0.0\"
		and .message != null and ($filter)"
	echo "$counter: $c0 -> $(stat "$counter")"
	[ "$(stat "$counter")" = $((c0 + 1)) ]
	[ "$(stat denials_sent)" = $((d0 + 1)) ]
	[ "$(agent_requests)" = "$a0" ]
	[ "$(binding_keys)" = "$b0" ]
}

step_failures()
{
	deny 131 err_unknown_spi '.mn_ha == "none"' peer --mutate unknown-spi
	deny 131 err_auth '.mn_ha == "ok"' peer --mutate wrong-key
	local e
	for e in nai ip sa ke auth; do
		deny 131 err_auth '.mn_ha == "ok"' peer --mutate "flip-$e"
	done
	deny 134 err_decrypt '.mn_ha == "ok"' peer --mutate resign-flip-nai
	deny 134 err_decrypt '.mn_ha == "ok"' peer --mutate resign-flip-ip
	deny 131 err_identity '.mn_ha == "ok"' peer --mutate nai-mismatch
	deny 132 err_fa_auth '.mn_ha == "ok"' via_fa --mutate fa-wrong-key
	deny 132 err_fa_auth '.mn_ha == "ok"' via_fa --mutate fa-no-auth
	deny 129 err_negotiation '.mn_ha == "ok" and .sa_payloads == [1]' \
		peer --mutate bad-offer
	deny 134 err_malformed '.mn_ha == "ok"' peer --mutate sa-in-request
	deny 134 err_malformed '.mn_ha == "ok"' peer --mutate kdc-key
	deny 134 err_malformed '.mn_ha == "ok"' peer --mutate low-spi
	deny 140 err_malformed '.mn_ha == "ok"' peer --mutate reserved-vtype
}

step_group()
{
	tool kdc set groups x25519
	deny 129 err_negotiation '.mn_ha == "ok"' peer --mode modp14
	tool kdc set groups x25519,modp2048
}

# counters NAME...: "name=value ..." of the ha namespace, for the log.
counters()
{
	local n out=

	for n in "$@"; do out+="$n=$(stat "$n") "; done
	echo "$out"
}

# The same request twice, back to back: the copy arrives while the agent has
# the original (or, rarely, once it has answered): it is dropped (or gets
# the same reply again), never 133, and the agent sees one request.
step_replay()
{
	local out c0 t0 a0

	c0=$(stat err_replay)
	t0=$(stat retransmissions)
	a0=$(agent_requests)
	out=$(peer --mutate twice) || :
	echo "$out"
	counters err_replay retransmissions
	expect "$(head -1 <<<"$out")" '.code == 0 and .mn_ha == "ok" and
		.mn_key1 != null'
	expect "$(sed -n 2p <<<"$out")" '.timeout == true or
		.same_as_first == true'
	[ "$(stat err_replay)" = "$c0" ]
	[ "$(stat retransmissions)" = $((t0 + 1)) ]
	[ "$(agent_requests)" = $((a0 + 1)) ]
}

# A retransmission of the request answered last gets that reply again, byte
# for byte (protocol.rst 9.4 step 4); a replay that is not one gets 133.
step_retransmit()
{
	local out c0 t0 a0 d0 i1

	c0=$(stat err_replay)
	t0=$(stat retransmissions)
	a0=$(agent_requests)
	d0=$(stat denials_sent)
	out=$(peer --mode stateful --again same)
	echo "$out"
	counters err_replay retransmissions denials_sent
	expect "$(head -1 <<<"$out")" '.code == 0 and .mn_ha == "ok" and
		.mn_key1 != null'
	expect "$(sed -n 2p <<<"$out")" '.code == 0 and .same_as_first == true'
	[ "$(stat retransmissions)" = $((t0 + 1)) ]
	[ "$(stat err_replay)" = "$c0" ]
	[ "$(stat denials_sent)" = "$d0" ]
	[ "$(agent_requests)" = $((a0 + 1)) ]

	# The same Identification, other bytes: a replay.
	out=$(peer --mode stateful --again changed)
	echo "$out"
	expect "$(head -1 <<<"$out")" '.code == 0 and .mn_ha == "ok"'
	expect "$(sed -n 2p <<<"$out")" '.code == 133 and .mn_ha == "ok" and
		.mn_key1 == null and .same_as_first == false'
	[ "$(stat err_replay)" = $((c0 + 1)) ]
	[ "$(stat retransmissions)" = $((t0 + 1)) ]

	# An answered request that is not the last one, byte for byte: a
	# replay (checked for a retransmission before the Identification).
	out=$(peer --mode stateful --ident-low 17 --dump)
	echo "$out"
	expect "$(tail -1 <<<"$out")" '.code == 0'
	i1=$(head -1 <<<"$out" | jq -r .request)
	expect "$(peer --mode stateful --ident-low 18)" '.code == 0'
	out=$(ip netns exec "$MN" "$PY" "$AGENT" send --to "$HA_ADDR" \
		--src "$MN_ADDR" --hex "$i1")
	echo "$out"
	expect "$out" '.code == 133'
	[ "$(stat err_replay)" = $((c0 + 2)) ]
	[ "$(stat retransmissions)" = $((t0 + 1)) ]

	# Too late for the cache (15 s): a replay.
	out=$(peer --mode stateful --again same --again-after 17 --timeout 25)
	echo "$out"
	expect "$(sed -n 2p <<<"$out")" '.code == 133 and .mn_ha == "ok"'
	[ "$(stat err_replay)" = $((c0 + 3)) ]
	[ "$(stat retransmissions)" = $((t0 + 1)) ]
}

# Nonces: a retransmission is the request unchanged (RFC 5944 3.6.3), whose
# nonce the reply has replaced; it gets the cached reply, not 133.
step_retransmit_nonce()
{
	local out t0 a0 nonce

	t0=$(stat retransmissions)
	# No nonce yet: the module's 133 carries one; the agent has sent
	# none either: its 133 carries the nonce the module then expects.
	out=$(peer --spi "$NONCE_SPI" --nai "$NONCE_NAI" --home "$NONCE_HOME" \
		--ident-low 7)
	echo "$out"
	expect "$out" '.code == 133 and .mn_ha == "ok"'
	nonce=$(jq -r '.ident[0:8]' <<<"$out")
	out=$(peer --spi "$NONCE_SPI" --nai "$NONCE_NAI" --home "$NONCE_HOME" \
		--ident "${nonce}00000008")
	echo "$out"
	expect "$out" '.code == 133 and .mn_ha == "ok"'
	nonce=$(jq -r '.ident[0:8]' <<<"$out")
	a0=$(agent_requests)
	out=$(peer --spi "$NONCE_SPI" --nai "$NONCE_NAI" --home "$NONCE_HOME" \
		--ident "${nonce}00000009" --again same)
	echo "$out"
	counters retransmissions err_replay
	expect "$(head -1 <<<"$out")" '.code == 0 and .mn_ha == "ok" and
		.mn_key1 != null'
	expect "$(sed -n 2p <<<"$out")" '.code == 0 and .same_as_first == true'
	[ "$(stat retransmissions)" = $((t0 + 1)) ]
	[ "$(agent_requests)" = $((a0 + 1)) ]
}

# The agent answers after the module stopped waiting (10 s): the answer is
# dropped and counted, not sent plain with the mobile node's identity.
step_late()
{
	local out n0 a0 b0 last

	n0=$(stat err_no_pending)
	a0=$(agent_requests)
	b0=$(binding_keys)
	out=$(peer --mode stateful --lifetime "$SLOW_LIFETIME" \
		--timeout $((SLOW_DELAY + 4))) || :
	echo "$out"
	slowwait 20 sh -c "[ \"\$(ip netns exec $HA $TOOL -j stats |
		jq .err_no_pending)\" -gt $n0 ]" || :
	counters err_no_pending passed_plain rewritten
	last=$(jq -c -s 'map(select(.event == "request")) | last' "$WORK/ha.log")
	echo "agent: $last"
	expect "$last" ".code == 0 and .lifetime == $SLOW_LIFETIME"
	[ "$(agent_requests)" = $((a0 + 1)) ]
	expect "$out" '.timeout == true'
	[ "$(stat err_no_pending)" = $((n0 + 1)) ]
	[ "$(binding_keys)" = "$b0" ]
}

# Protected requests whose framing the codec refuses (9.4 step 1): 134 with
# a Message String, signed when an MN-HA extension names the KEY0; never the
# agent's. A plain one goes to the agent unchanged.
step_framing()
{
	local o0 a0 m0 d0 plain out

	deny 134 err_malformed '.mn_ha == "none" and
		(.message | test("MN-HA"))' peer --mutate no-mnha
	deny 134 err_malformed '.mn_ha == "ok"' peer --mutate overrun
	deny 134 err_malformed '.mn_ha == "ok"' peer --mutate dup-mnha

	o0=$(stat passed_other)
	a0=$(agent_requests)
	m0=$(stat err_malformed)
	d0=$(stat denials_sent)
	# RFC 5944 fixed part and an NAI extension, no authentication.
	plain=$("$PY" -c "import socket, struct, time
nai = b'$NAI'
print((struct.pack('>BBH4s4s4sQ', 1, 0, 600, socket.inet_aton('$HOME'),
      socket.inet_aton('$HA_ADDR'), socket.inet_aton('$MN_ADDR'),
      (int(time.time()) + 2208988800) << 32 | 5) +
      bytes([131, len(nai)]) + nai).hex())")
	out=$(ip netns exec "$MN" "$PY" "$AGENT" send --to "$HA_ADDR" \
		--src "$MN_ADDR" --hex "$plain")
	echo "$out"
	counters passed_other err_malformed denials_sent
	expect "$out" '.code == 131'
	[ "$(agent_requests)" = $((a0 + 1)) ]
	[ "$(stat passed_other)" -ge $((o0 + 1)) ]
	[ "$(stat err_malformed)" = "$m0" ]
	[ "$(stat denials_sent)" = "$d0" ]
}

# agent_malformed LIFETIME FILTER PEER-COMMAND...: the agent answers the
# request for LIFETIME with a reply whose framing is broken, holding the
# NAI in clear; the mobile node gets the module's denial 128 instead
# (protocol.rst 9.4), signed with KEY0 (8.3), anonymous, satisfying the jq
# FILTER, and nothing else; err_agent_reply and denials_sent rise by one;
# the bindings stay as they were. The peer's output in $WORK/malformed.
agent_malformed()
{
	local life=$1 filter=$2 out c0 d0 n0 a0 b0 last nai_hex
	shift 2

	c0=$(stat err_agent_reply)
	d0=$(stat denials_sent)
	n0=$(stat err_no_pending)
	a0=$(agent_requests)
	b0=$(binding_keys)
	out=$("$@" --lifetime "$life" --linger 2) || :
	echo "$out" | tee "$WORK/malformed"
	counters err_agent_reply denials_sent err_no_pending
	expect "$(head -1 <<<"$out")" ".code == 128 and .lifetime == 0 and
		.home == \"0.0.0.0\" and .mn_ha == \"ok\" and .low_ok and
		.nai == \"@example.org\" and .clear == false and
		.message == \"malformed reply from the agent\" and
		.cvse == [] and .nvse == [] and ($filter)"
	expect "$(tail -1 <<<"$out")" '.extra == 0 and .clear == false'
	# The agent answered, in the clear, with the reply the module dropped.
	last=$(jq -c -s 'map(select(.event == "request")) | last' "$WORK/ha.log")
	echo "agent: $last"
	nai_hex=$(jq -j .nai <<<"$last" | od -An -tx1 | tr -d ' \n')
	expect "$last" ".code == 0 and .lifetime == $life and
		(.reply | contains(\"$nai_hex\"))"
	[ "$(agent_requests)" = $((a0 + 1)) ]
	[ "$(stat err_agent_reply)" = $((c0 + 1)) ]
	[ "$(stat denials_sent)" = $((d0 + 1)) ]
	[ "$(stat err_no_pending)" = "$n0" ]
	[ "$(binding_keys)" = "$b0" ]
}

# The agent's reply to a protected request does not parse (protocol.rst
# 9.4): it never leaves; the mobile node gets the module's denial 128.
step_agent_malformed()
{
	local out t0 a0 n0 c0 d0 nonce

	# No MN-HA extension before the error: matched by Identification.
	agent_malformed "$OVERRUN_LIFETIME" true peer --mode stateful
	# A second MN-HA extension: matched by the first one's SPI.
	agent_malformed "$DUP_MNHA_LIFETIME" true peer --mode stateful
	# Through an FA: the denial carries the FA-HA authenticator.
	agent_malformed "$OVERRUN_LIFETIME" '.fa_ha == "ok"' \
		via_fa --mode stateful
	# A retransmission of the request gets the denial again (9.4 step 4).
	t0=$(stat retransmissions)
	agent_malformed "$DUP_MNHA_LIFETIME" true peer --mode stateful \
		--again same
	expect "$(sed -n 2p "$WORK/malformed")" '.code == 128 and
		.same_as_first == true'
	[ "$(stat retransmissions)" = $((t0 + 1)) ]

	# Nonces: the denial carries the agent's nonce, which the module
	# expects next: the next request goes through.
	nonce=$(jq -r -s --arg n "$NONCE_NAI" 'map(select(.event == "request"
		and .nai == $n)) | last | .reply_ident[0:8]' "$WORK/ha.log")
	echo "nonce from the agent's last reply to $NONCE_NAI: $nonce"
	agent_malformed "$OVERRUN_LIFETIME" true peer --spi "$NONCE_SPI" \
		--nai "$NONCE_NAI" --home "$NONCE_HOME" --mode stateful \
		--ident "${nonce}0000000a"
	nonce=$(head -1 "$WORK/malformed" | jq -r '.ident[0:8]')
	out=$(peer --spi "$NONCE_SPI" --nai "$NONCE_NAI" --home "$NONCE_HOME" \
		--mode stateful --ident "${nonce}0000000b")
	echo "$out"
	expect "$out" '.code == 0 and .mn_ha == "ok" and .mn_key1 != null'

	# Late as well: dropped, err_no_pending; nothing reaches the node.
	a0=$(agent_requests)
	n0=$(stat err_no_pending)
	c0=$(stat err_agent_reply)
	d0=$(stat denials_sent)
	out=$(peer --mode stateful --lifetime "$LATE_OVERRUN_LIFETIME" \
		--timeout $((SLOW_DELAY + 4))) || :
	echo "$out"
	slowwait 20 sh -c "[ \"\$(ip netns exec $HA $TOOL -j stats |
		jq .err_no_pending)\" -gt $n0 ]" || :
	counters err_no_pending err_agent_reply denials_sent
	expect "$out" '.timeout == true'
	[ "$(agent_requests)" = $((a0 + 1)) ]
	[ "$(stat err_no_pending)" = $((n0 + 1)) ]
	[ "$(stat err_agent_reply)" = "$c0" ]
	[ "$(stat denials_sent)" = "$d0" ]
}

step_dereg()
{
	local r

	r=$(peer --mode stateful --lifetime 0)
	echo "$r"
	expect "$r" '.code == 0 and .lifetime == 0 and .mn_ha == "ok" and
		.nai == "@example.org" and .cvse == [] and .mn_key1 == null'
	echo "bindings of $HOME after deregistration: $(bindings_of_home)"
	[ "$(bindings_of_home)" = 0 ]
}

step_agent_denial()
{
	local r a0

	a0=$(agent_requests)
	# The agent denies a request for another home agent address (136).
	r=$(peer --mode stateful --ha-field 10.0.2.99)
	echo "$r"
	expect "$r" '.code == 136 and .lifetime == 0 and .home == "0.0.0.0" and
		.mn_ha == "ok" and .nai == "@example.org" and .cvse == [] and
		.message != null'
	[ "$(agent_requests)" = $((a0 + 1)) ]
}

# tracer_on FUNCTION: count calls of FUNCTION with the function tracer;
# fails when ftrace is not available.
TRACING=/sys/kernel/tracing
tracer_on()
{
	[ -e "$TRACING/trace" ] || mount -t tracefs nodev "$TRACING" 2>/dev/null ||
		return 1
	echo "$1" >"$TRACING/set_ftrace_filter" 2>/dev/null || return 1
	echo function >"$TRACING/current_tracer" || return 1
	: >"$TRACING/trace"
}

tracer_count() { grep -c "$1" "$TRACING/trace" || :; }

tracer_off()
{
	echo nop >"$TRACING/current_tracer" 2>/dev/null || :
	: >"$TRACING/set_ftrace_filter" 2>/dev/null || :
}

step_ratelimit()
{
	local rl0 auth0 kdc0 rl auth traced=0 n

	rl0=$(stat err_ratelimit)
	auth0=$(stat err_auth)
	kdc0=$(stat err_kdc)
	tracer_on mipkex_dh_generate && traced=1
	ip netns exec "$MN" "$PY" "$PEER" --ha "$HA_ADDR" --src "$MN_ADDR" \
		--spi "$SPI" --key "$KEY0" --nai "$NAI" --home "$HOME" \
		--mode x25519 --mutate wrong-key --count 40 --timeout 3
	if [ "$traced" = 1 ]; then
		n=$(tracer_count mipkex_dh_generate)
		echo "mipkex_dh_generate calls during the burst: $n"
		# The tracer sees DH work: one authenticated request (from
		# the FA's address, which the burst did not rate-limit).
		via_fa --mode x25519 >/dev/null
		echo "after one authenticated request: $(tracer_count \
			mipkex_dh_generate)"
		[ "$(tracer_count mipkex_dh_generate)" -ge 1 ] || traced=2
		tracer_off
		[ "$n" = 0 ] && [ "$traced" = 1 ]
	else
		echo "no function tracer: DH work judged by the counters only"
	fi
	rl=$(($(stat err_ratelimit) - rl0))
	auth=$(($(stat err_auth) - auth0))
	echo "40 unauthenticated X25519 requests: $auth failed authentication," \
		"$rl rate-limited"
	[ $((rl + auth)) = 40 ]
	[ "$rl" -gt 0 ]
	[ "$(stat err_kdc)" = "$kdc0" ]
}

tap_plan 19
tap_run "setup: module in role ha, reference HA agent" step_setup
tap_run "KEY0 fingerprint as protocol.rst 8.6.5" step_fpr
tap_run "stateful KDC, co-located: KEY1 unwrapped, agent saw plain" \
	step_stateful
tap_run "semi-stateful KDC: KEY1 is the seed's (8.6.2)" step_semi
tap_run "stateful KDC through an FA: KEY3 equal on both sides" \
	step_stateful_fa
tap_run "X25519 through an FA: derived KEY3 = the FA's" step_dh x25519
tap_run "MODP-2048 through an FA: derived KEY3 = the FA's" step_dh modp14
tap_run "failures: each code and counter, agent never sees them" \
	step_failures
tap_run "DH group not allowed: 129" step_group
tap_run "request sent twice: one answer, the copy a retransmission" \
	step_replay
tap_run "retransmission: the cached reply again; replays: 133" \
	step_retransmit
tap_run "nonces: a retransmission gets the cached reply" \
	step_retransmit_nonce
tap_run "agent's late reply: dropped and counted, never plain" step_late
tap_run "protected request the codec refuses: 134, never the agent" \
	step_framing
tap_run "unauthenticated DH burst: rate-limited, no DH work" step_ratelimit
tap_run "agent's malformed reply: the module's 128 instead, never plain" \
	step_agent_malformed
tap_run "deregistration: protected reply without keys" step_dereg
tap_run "agent's denial: protected, identity hidden" step_agent_denial
tap_run "agent still running" kill -0 "$(<"$WORK/agent.pid")"
tap_exit
