#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The reference Mobile IPv4 agents (selftests/agents/mipagent.py) against
# each other, WITHOUT the mipkex module: a mobile node, a foreign agent and a
# home agent in three network namespaces register, deregister and fail in
# the ways RFC 5944 defines (131, 132/68, 133, 129, 140), and what crosses
# the FA-HA link is checked independently of the agents: tshark must decode
# every datagram as Mobile IP, unmalformed, with the fields that were sent,
# and every authenticator on the wire is recomputed with
# python3-cryptography's HMAC from tshark's own field values.
#
#        mn                          fa                          ha
#   mn0 10.0.1.1/24 --------- fa0 10.0.1.2/24 (FA)
#                                 10.0.1.4/24 (FA2, wrong FA-HA key)
#                             fa1 10.0.2.1/24 (FA) ------- ha0 10.0.2.2/24
#                                 10.0.2.3/24 (FA2)
#                             (forwards: co-located registrations)
#   home network 10.0.3.0/24 (addresses only, no interface)
#
# Runs as root (in the test VM, or any machine with network namespaces);
# the module is not needed and not loaded. Scratch files go to $TMPDIR or
# /tmp. Environment:
#   MIPKEX_PYTHON   python with python3-cryptography (default /usr/bin/python3)
#   MIPKEX_AGENT    the agents (default <repo>/selftests/agents/mipagent.py)
#   MIPKEX_KEEP=1   keep the scratch directory

# shellcheck disable=SC2317 # the steps are called through tap_run
set -e

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$REPO/selftests/lib.sh"

PY=${MIPKEX_PYTHON:-/usr/bin/python3}
AGENT=${MIPKEX_AGENT:-$REPO/selftests/agents/mipagent.py}

MN_ADDR=10.0.1.1
FA_MN=10.0.1.2
FA2_MN=10.0.1.4
FA_HA=10.0.2.1
FA2_HA=10.0.2.3
HA_ADDR=10.0.2.2
MN_MAC=02:00:00:00:01:01
FA0_MAC=02:00:00:00:01:02
FA1_MAC=02:00:00:00:02:01
HA_MAC=02:00:00:00:02:02
ALICE=alice@example.org	# HMAC-MD5, home 10.0.3.1
BOB=bob@example.org	# HMAC-SHA256, home 10.0.3.2
CAROL=carol@example.org	# HMAC-MD5, home 10.0.3.3 (assigned, RFC 2794)
DAVE=dave@example.org	# HMAC-SHA256, nonces, home 10.0.3.4
LIFETIME_MAX=600
VENDOR=32473	# RFC 5612 documentation enterprise number
NTESTS=17

NETNS_DIR=/run/netns
[ -d "$NETNS_DIR" ] || NETNS_DIR=/var/run/netns
HAVE_NSENTER=0
command -v nsenter >/dev/null && HAVE_NSENTER=1

# ---------------------------------------------------------------- helpers

skip()
{
	echo "$*"
	exit "$ksft_skip"
}

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

ERRORS=0

# check WHAT GOT WANT: string equality, reported, failures counted.
check()
{
	if [ "$2" = "$3" ]; then
		echo "ok: $1 = $2"
	else
		echo "FAIL: $1 = '$2', want '$3'"
		ERRORS=$((ERRORS + 1))
	fi
}

checks_passed()
{
	[ "$ERRORS" -eq 0 ]
}

# jget JSON FILTER: jq -r on one JSON text.
jget()
{
	jq -r "$2" <<<"$1"
}

# log_has FILE FILTER: some line of the JSON-lines FILE satisfies FILTER.
log_has()
{
	[ -s "$1" ] && jq -e -s "any(.[]; $2)" "$1" >/dev/null
}

# log_get FILE FILTER: the last line of FILE satisfying FILTER, compact.
log_get()
{
	jq -c -s "map(select($2)) | last" "$1"
}

# wait_log FILE FILTER: poll until FILE has a line satisfying FILTER.
wait_log()
{
	if ! slowwait 30 log_has "$1" "$2"; then
		echo "no line matching '$2' in $1:"
		tail -5 "$1"
		return 1
	fi
}

log_count()
{
	jq -s "map(select($2)) | length" "$1"
}

# start_agent NS NAME ARGS...: an agent in the background, its stdout in
# $WORK/NAME.out, its JSON log in $WORK/NAME.log.
start_agent()
{
	local ns=$1 name=$2

	shift 2
	in_ns_exec "$ns" "$PY" -S "$AGENT" "$@" --json-log "$WORK/$name.log" \
		>"$WORK/$name.out" 2>"$WORK/$name.err" &
	echo $! >"$WORK/$name.pid"
	disown
}

agent_ready()
{
	log_has "$WORK/$1.out" '.event == "ready"'
}

not_running()
{
	! kill -0 "$1" 2>/dev/null
}

# mn NAME ARGS...: a mobile node run in the mn namespace; its JSON lines in
# $WORK/NAME.json, exit status in $WORK/NAME.rc; prints them.
mn()
{
	local name=$1 rc=0

	shift
	in_ns "$MN" "$PY" -S "$AGENT" mn --ha "$HA_ADDR" --json --timeout 30 \
		--retransmit 4 "$@" >"$WORK/$name.json" 2>"$WORK/$name.err" ||
		rc=$?
	echo "$rc" >"$WORK/$name.rc"
	echo "mn $name (exit $rc): $(<"$WORK/$name.json")"
	[ ! -s "$WORK/$name.err" ] || cat "$WORK/$name.err"
}

# Mobile node arguments (set once $WORK is known).
set_mn_args()
{
	ALICE_ARGS=(--nai "$ALICE" --home 10.0.3.1 --spi 0x1001
		--key-file "$WORK/k_alice")
	BOB_ARGS=(--nai "$BOB" --home 10.0.3.2 --spi 0x1002
		--key-file "$WORK/k_bob" --auth hmac-sha256)
	VIA_FA=(--fa "$FA_MN" --coa "$FA_HA")
}

# ---------------------------------------------------------------- steps

make_keys()
{
	# Hex and raw key files, as the agents accept both.
	printf '000102030405060708090a0b0c0d0e0f\n' >"$WORK/k_alice"
	printf 'bob: a raw key of thirty-two B!' >"$WORK/k_bob"
	printf '0x1f1e1d1c1b1a19181716151413121110\n' >"$WORK/k_carol"
	printf 'dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd' \
		>"$WORK/k_dave"
	printf 'a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf' \
		>"$WORK/k_faha"
	printf 'c0c1c2c3c4c5c6c7c8c9cacbcccdcecf' >"$WORK/k_faha2"
	printf 'badbadbadbadbadbadbadbadbadbadba' >"$WORK/k_bad"
	cat >"$WORK/mns" <<-EOF
		# NAI,HOME,SPI,KEYFILE[,auth][,replay=]
		$CAROL,10.0.3.3,0x1003,$WORK/k_carol
		$DAVE,10.0.3.4,0x1004,$WORK/k_dave,hmac-sha256,replay=nonce
	EOF
}

step_topology()
{
	make_keys
	ip -n "$MN" -batch - <<-EOF
		link add mn0 address $MN_MAC type veth peer name fa0 address $FA0_MAC netns $FA
		addr add $MN_ADDR/24 dev mn0
		link set mn0 up
		route add 10.0.2.0/24 via $FA_MN
		neigh replace $FA_MN lladdr $FA0_MAC dev mn0 nud permanent
		neigh replace $FA2_MN lladdr $FA0_MAC dev mn0 nud permanent
	EOF
	ip -n "$FA" -batch - <<-EOF
		link add fa1 address $FA1_MAC type veth peer name ha0 address $HA_MAC netns $HA
		addr add $FA_MN/24 dev fa0
		addr add $FA2_MN/24 dev fa0
		addr add $FA_HA/24 dev fa1
		addr add $FA2_HA/24 dev fa1
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
		neigh replace $FA2_HA lladdr $FA1_MAC dev ha0 nud permanent
	EOF
	in_ns "$FA" sysctl -qw net.ipv4.ip_forward=1
	# Every datagram of the FA-HA link, from before the agents start.
	in_ns_exec "$FA" dumpcap -q -i fa1 -f "udp port 434" \
		-w "$WORK/fa-ha.pcapng" >"$WORK/dumpcap.out" 2>&1 &
	echo $! >"$WORK/dumpcap.pid"
	disown
	if ! slowwait 60 grep -q "Capturing on" "$WORK/dumpcap.out"; then
		cat "$WORK/dumpcap.out"
		return 1
	fi
	start_agent "$HA" ha ha --addr "$HA_ADDR" \
		--mn "$ALICE,10.0.3.1,0x1001,$WORK/k_alice" \
		--mn "$BOB,10.0.3.2,0x1002,$WORK/k_bob,hmac-sha256" \
		--mn-file "$WORK/mns" \
		--peer "$FA_HA,0x2001,$WORK/k_faha,hmac-sha256" \
		--peer "$FA2_HA,0x2002,$WORK/k_faha2" \
		--lifetime-max "$LIFETIME_MAX"
	start_agent "$FA" fa fa --addr "$FA_MN" --addr "$FA_HA" --coa "$FA_HA" \
		--peer "$HA_ADDR" --spi 0x2001 --key-file "$WORK/k_faha" \
		--auth hmac-sha256
	# A second FA whose FA-HA key is not the one the HA has for it.
	start_agent "$FA" fa2 fa --addr "$FA2_MN" --addr "$FA2_HA" \
		--coa "$FA2_HA" --peer "$HA_ADDR" --spi 0x2002 \
		--key-file "$WORK/k_bad"
	local a
	for a in ha fa fa2; do
		if ! slowwait 60 agent_ready "$a"; then
			echo "agent $a did not start:"
			cat "$WORK/$a.err" "$WORK/$a.out"
			return 1
		fi
		echo "$a: $(head -1 "$WORK/$a.out")"
	done
}

# check_accepted NAME HOME LIFETIME: the last result of NAME is an
# authenticated acceptance with that home address and lifetime.
check_accepted()
{
	local r id

	r=$(tail -1 "$WORK/$1.json")
	check "exit status" "$(<"$WORK/$1.rc")" 0
	check "code" "$(jget "$r" .code)" 0
	check "auth_ok" "$(jget "$r" .auth_ok)" true
	check "home address" "$(jget "$r" .home)" "$2"
	check "lifetime" "$(jget "$r" .lifetime)" "$3"
	check "ha" "$(jget "$r" .ha)" "$HA_ADDR"
	# The low-order 32 bits (RFC 5944 5.7; with nonces the high ones are
	# the HA's next nonce).
	id=$(jget "$r" .ident)
	check "Identification echoed" "${id:8}" \
		"$(jget "$r" .request_ident | cut -c9-)"
}

step_md5()
{
	local r id fa ha

	mn md5 "${ALICE_ARGS[@]}" "${VIA_FA[@]}" --lifetime 1800
	check_accepted md5 10.0.3.1 "$LIFETIME_MAX"
	r=$(<"$WORK/md5.json")
	check "reply came from the FA" "$(jget "$r" .src)" "$FA_MN:434"
	id=$(jget "$r" .request_ident)
	wait_log "$WORK/fa.log" ".event == \"relay_reply\" and .ident == \"$id\""
	fa=$(log_get "$WORK/fa.log" ".event == \"relay_request\" and .ident == \"$id\"")
	echo "fa: $fa"
	check "fa relayed from" "$(jget "$fa" .via)" "$FA_HA"
	check "fa relayed extensions" "$(jget "$fa" .exts_out)" "131,32,34"
	check "fa relayed NAI" "$(jget "$fa" .nai)" "$ALICE"
	fa=$(log_get "$WORK/fa.log" ".event == \"relay_reply\" and .ident == \"$id\"")
	echo "fa: $fa"
	check "fa checked FA-HA" "$(jget "$fa" .fa_ha_checked)" true
	check "reply extensions from the HA" "$(jget "$fa" .exts_in)" "131,32,34"
	check "reply extensions to the MN" "$(jget "$fa" .exts_out)" "131,32"
	ha=$(log_get "$WORK/ha.log" ".event == \"request\" and .ident == \"$id\"")
	echo "ha: $ha"
	check "ha code" "$(jget "$ha" .code)" 0
	check "ha FA-HA" "$(jget "$ha" .fa_ha)" true
	check "ha binding coa" "$(jget "$ha" .binding_coa)" "$FA_HA"
	check "ha binding lifetime" "$(jget "$ha" .binding_lifetime)" \
		"$LIFETIME_MAX"
	echo "$id" >"$WORK/md5.ident"
	checks_passed
}

step_sha256()
{
	local idents sorted n

	mn sha "${BOB_ARGS[@]}" "${VIA_FA[@]}" --lifetime 300 --count 3
	check "exit status" "$(<"$WORK/sha.rc")" 0
	n=$(jq -s 'map(select(.code == 0 and .auth_ok and .lifetime == 300
		and .home == "10.0.3.2" and .ident == .request_ident)) | length' \
		"$WORK/sha.json")
	check "authenticated acceptances" "$n" 3
	idents=$(jq -r .ident "$WORK/sha.json" | tr '\n' ' ')
	sorted=$(jq -r .ident "$WORK/sha.json" | sort -u | tr '\n' ' ')
	check "timestamps increasing" "$idents" "$sorted"
	checks_passed
}

step_dereg()
{
	local r id ha

	mn dereg "${ALICE_ARGS[@]}" "${VIA_FA[@]}" --dereg
	check_accepted dereg 10.0.3.1 0
	id=$(jget "$(<"$WORK/dereg.json")" .request_ident)
	wait_log "$WORK/ha.log" ".event == \"request\" and .ident == \"$id\""
	ha=$(log_get "$WORK/ha.log" ".event == \"request\" and .ident == \"$id\"")
	echo "ha: $ha"
	check "ha requested lifetime" "$(jget "$ha" .lifetime)" 0
	check "ha binding after deregistration" "$(jget "$ha" .binding_coa)" null
	checks_passed
}

step_bad_mn_key()
{
	local r id ha

	mn badmn --nai "$ALICE" --home 10.0.3.1 --spi 0x1001 \
		--key-file "$WORK/k_bad" "${VIA_FA[@]}"
	r=$(<"$WORK/badmn.json")
	check "exit status" "$(<"$WORK/badmn.rc")" 1
	check "code" "$(jget "$r" .code)" 131
	# The HA signs with the key it has: not the MN's.
	check "auth_ok" "$(jget "$r" .auth_ok)" false
	id=$(jget "$r" .request_ident)
	wait_log "$WORK/ha.log" ".event == \"request\" and .ident == \"$id\""
	ha=$(log_get "$WORK/ha.log" ".event == \"request\" and .ident == \"$id\"")
	echo "ha: $ha"
	check "ha code" "$(jget "$ha" .code)" 131
	check "ha granted" "$(jget "$ha" .granted)" 0
	checks_passed
}

step_bad_fa_key()
{
	local r id ha fa

	mn badfa "${ALICE_ARGS[@]}" --fa "$FA2_MN" --coa "$FA2_HA"
	r=$(<"$WORK/badfa.json")
	check "exit status" "$(<"$WORK/badfa.rc")" 1
	# The HA denies with 132 and signs the reply with the FA-HA key it
	# has; FA2 cannot verify that and tells the MN 68 itself.
	check "code" "$(jget "$r" .code)" 68
	check "FA denial" "$(jget "$r" .fa_denial)" true
	check "from FA2" "$(jget "$r" .src)" "$FA2_MN:434"
	id=$(jget "$r" .request_ident)
	wait_log "$WORK/fa2.log" ".event == \"deny\" and .ident == \"$id\""
	ha=$(log_get "$WORK/ha.log" ".event == \"request\" and .ident == \"$id\"")
	echo "ha: $ha"
	check "ha code" "$(jget "$ha" .code)" 132
	check "ha saw FA2" "$(jget "$ha" .from)" "$FA2_HA:434"
	fa=$(log_get "$WORK/fa2.log" ".event == \"deny\" and .ident == \"$id\"")
	echo "fa2: $fa"
	check "fa2 code" "$(jget "$fa" .code)" 68
	checks_passed
}

step_replay()
{
	local id req r now high low

	id=$(<"$WORK/md5.ident")
	req=$(jq -r -s "map(select(.event == \"relay_request\" and
		.ident == \"$id\")) | last | .request" "$WORK/fa.log")
	if [ -z "$req" ] || [ "$req" = null ]; then
		echo "no relayed request $id in the FA's log"
		return 1
	fi
	# The request the FA relayed, FA-HA authenticator and all, again.
	r=$(in_ns "$FA" "$PY" -S "$AGENT" send --to "$HA_ADDR" --src "$FA_HA" \
		--hex "$req" --timeout 30 --spi 0x1001 \
		--key-file "$WORK/k_alice")
	echo "reply: $r"
	check "code" "$(jget "$r" .code)" 133
	check "auth_ok" "$(jget "$r" .auth_ok)" true
	low=$(jget "$r" .ident)
	check "low 32 bits of the Identification" "${low:8}" "${id:8}"
	# The high 32 bits: the HA's time (NTP seconds), not the request's.
	now=$(($(date +%s) + 2208988800))
	high=$((16#${low:0:8}))
	echo "HA time $high, ours $now"
	if ((high < now - 60 || high > now + 60)); then
		echo "FAIL: high 32 bits $high are not the HA's time"
		ERRORS=$((ERRORS + 1))
	fi
	wait_log "$WORK/ha.log" ".event == \"request\" and .ident == \"$id\" and .code == 133"
	checks_passed
}

step_resync()
{
	local r

	# A clock an hour fast: 133 with the HA's time, then accepted.
	mn resync "${ALICE_ARGS[@]}" "${VIA_FA[@]}" --clock-offset 3600 --resync
	check_accepted resync 10.0.3.1 "$LIFETIME_MAX"
	r=$(<"$WORK/resync.json")
	check "resynchronisations" "$(jget "$r" .resyncs)" 1
	# Without --resync the MN reports the 133.
	mn skew "${ALICE_ARGS[@]}" "${VIA_FA[@]}" --clock-offset -3600
	check "without resync: code" "$(jget "$(<"$WORK/skew.json")" .code)" 133
	check "without resync: exit" "$(<"$WORK/skew.rc")" 1
	checks_passed
}

step_colocated()
{
	local r id ha before

	before=$(log_count "$WORK/fa.log" '.event == "relay_request"')
	mn coloc "${ALICE_ARGS[@]}" --coa "$MN_ADDR" --lifetime 500
	check_accepted coloc 10.0.3.1 500
	r=$(<"$WORK/coloc.json")
	check "reply came from the HA" "$(jget "$r" .src)" "$HA_ADDR:434"
	id=$(jget "$r" .request_ident)
	wait_log "$WORK/ha.log" ".event == \"request\" and .ident == \"$id\""
	ha=$(log_get "$WORK/ha.log" ".event == \"request\" and .ident == \"$id\"")
	echo "ha: $ha"
	check "ha saw the MN" "$(jget "$ha" .from | cut -d: -f1)" "$MN_ADDR"
	check "D flag" "$(($(jget "$ha" .flags) & 0x20))" 32
	check "no FA-HA" "$(jget "$ha" .fa_ha)" false
	check "extensions" "$(jget "$ha" .exts)" "131,32"
	check "binding coa" "$(jget "$ha" .binding_coa)" "$MN_ADDR"
	check "fa relayed nothing" \
		"$(log_count "$WORK/fa.log" '.event == "relay_request"')" "$before"
	checks_passed
}

step_anonymous()
{
	local r id fa

	mn anon --nai "$CAROL" --spi 0x1003 --key-file "$WORK/k_carol" \
		"${VIA_FA[@]}"
	check_accepted anon 10.0.3.3 "$LIFETIME_MAX"
	r=$(<"$WORK/anon.json")
	id=$(jget "$r" .request_ident)
	check "request home address" \
		"$(jget "$r" .request | cut -c9-16)" 00000000
	wait_log "$WORK/fa.log" ".event == \"relay_reply\" and .ident == \"$id\""
	fa=$(log_get "$WORK/fa.log" ".event == \"relay_reply\" and .ident == \"$id\"")
	echo "fa: $fa"
	check "fa matched the 0.0.0.0 request" "$(jget "$fa" .request_home)" \
		0.0.0.0
	check "fa relayed the assigned address" "$(jget "$fa" .home)" 10.0.3.3
	check "fa replied to" "$(jget "$fa" .to | cut -d: -f1)" "$MN_ADDR"

	# An anonymous NAI the HA cannot resolve.
	mn anon2 --nai @example.org --spi 0x1003 --key-file "$WORK/k_carol" \
		"${VIA_FA[@]}"
	r=$(<"$WORK/anon2.json")
	check "anonymous @realm: code" "$(jget "$r" .code)" 129
	check "anonymous @realm: exit" "$(<"$WORK/anon2.rc")" 1
	check "anonymous @realm: home" "$(jget "$r" .home)" 0.0.0.0
	checks_passed
}

step_vendor()
{
	local r id fa ha

	# NVSE and an unknown skippable extension for the HA, before the MN-HA
	# authentication; an NVSE and an MN-FA-like part for the FA after it.
	mn nvse "${BOB_ARGS[@]}" "${VIA_FA[@]}" --nvse "$VENDOR:1:0102030405" \
		--ext 200:c0ffee --fa-nvse "$VENDOR:2:aa" --lifetime 60
	check_accepted nvse 10.0.3.2 60
	id=$(jget "$(<"$WORK/nvse.json")" .request_ident)
	wait_log "$WORK/fa.log" ".event == \"relay_reply\" and .ident == \"$id\""
	fa=$(log_get "$WORK/fa.log" ".event == \"relay_request\" and .ident == \"$id\"")
	echo "fa: $fa"
	check "fa received" "$(jget "$fa" .exts_in)" "131,200,134,32,134"
	check "fa relayed" "$(jget "$fa" .exts_out)" "131,200,134,32,34"
	check "fa stripped" "$(jget "$fa" .stripped)" "134"

	# A CVSE (must be understood) for the HA: the FA relays it untouched;
	# this HA does not understand it.
	mn cvse "${BOB_ARGS[@]}" "${VIA_FA[@]}" --cvse "$VENDOR:7:4b455944415441"
	r=$(<"$WORK/cvse.json")
	check "CVSE: code" "$(jget "$r" .code)" 140
	check "CVSE: auth_ok" "$(jget "$r" .auth_ok)" true
	id=$(jget "$r" .request_ident)
	fa=$(log_get "$WORK/fa.log" ".event == \"relay_request\" and .ident == \"$id\"")
	check "CVSE: fa relayed" "$(jget "$fa" .exts_out)" "131,38,32,34"
	ha=$(log_get "$WORK/ha.log" ".event == \"request\" and .ident == \"$id\"")
	check "CVSE: ha code" "$(jget "$ha" .code)" 140

	# A CVSE for the FA (after the MN-HA authentication): 100 from the FA.
	mn cvse_fa "${BOB_ARGS[@]}" "${VIA_FA[@]}" --fa-ext "38:000000007ed90001"
	r=$(<"$WORK/cvse_fa.json")
	check "CVSE for the FA: code" "$(jget "$r" .code)" 100
	check "CVSE for the FA: FA denial" "$(jget "$r" .fa_denial)" true
	checks_passed
}

step_nonce()
{
	local r

	# The MN knows no nonce yet: 133 carries one, then accepted; the
	# next registration uses the nonce of the last reply.
	mn nonce --nai "$DAVE" --home 10.0.3.4 --spi 0x1004 \
		--key-file "$WORK/k_dave" --auth hmac-sha256 --ident nonce \
		"${VIA_FA[@]}"
	check_accepted nonce 10.0.3.4 "$LIFETIME_MAX"
	r=$(<"$WORK/nonce.json")
	check "resynchronisations" "$(jget "$r" .resyncs)" 1
	mn nonce2 --nai "$DAVE" --home 10.0.3.4 --spi 0x1004 \
		--key-file "$WORK/k_dave" --auth hmac-sha256 --ident nonce \
		--nonce "$(jget "$r" .next_nonce)" "${VIA_FA[@]}" --count 2
	check "with the nonce: exit" "$(<"$WORK/nonce2.rc")" 0
	check "with the nonce: no resync" \
		"$(jq -s 'map(.resyncs) | add' "$WORK/nonce2.json")" 0
	checks_passed
}

capture_frames()
{
	capinfos -c -M "$WORK/fa-ha.pcapng" 2>/dev/null |
		awk '/Number of packets/ { print $NF }'
}

capture_has()
{
	local n

	n=$(capture_frames)
	[ -n "$n" ] && [ "$n" -ge "$1" ]
}

# stop_capture: once the file holds a request and a reply for every
# request the HA logged (dumpcap writes what libpcap hands it in blocks; a
# block still in the kernel when dumpcap stops would be lost), stop dumpcap.
stop_capture()
{
	local pid want

	want=$((2 * $(log_count "$WORK/ha.log" '.event == "request"')))
	if command -v capinfos >/dev/null &&
		! slowwait 120 capture_has "$want"; then
		echo "the capture has $(capture_frames) frames, want $want"
	fi
	pid=$(<"$WORK/dumpcap.pid")
	kill -INT "$pid" 2>/dev/null || true
	slowwait 60 not_running "$pid" || true
	cat "$WORK/dumpcap.out"
}

TSHARK_FIELDS=(frame.number ip.src ip.dst mip.type mip.code mip.flags
	mip.d mip.life mip.homeaddr mip.haaddr mip.coa mip.nai mip.ext.type
	mip.ext.len mip.auth.spi mip.auth.auth mip.ext.cvse.vendor_id
	mip.ext.nvse.vendor_id)

# tshark_table: every port 434 frame of the capture, one line each, the
# fields of TSHARK_FIELDS separated by |, several occurrences joined by
# commas (one tshark run: it is slow in an emulated guest).
tshark_table()
{
	local args=() f

	for f in "${TSHARK_FIELDS[@]}"; do
		args+=(-e "$f")
	done
	tshark -n -r "$WORK/fa-ha.pcapng" -Y "udp.port == 434" -T fields \
		-E separator='|' -E occurrence=a -E aggregator=, "${args[@]}" \
		2>/dev/null >"$WORK/rows"
}

# tshark_rows AWK_CONDITION: the rows where the condition holds, with
# v["field.name"] the value of a field.
tshark_rows()
{
	awk -F'|' -v names="${TSHARK_FIELDS[*]}" '
		BEGIN { n = split(names, name, " ") }
		{ for (i = 1; i <= n; i++) v[name[i]] = $i }
		'"$1" "$WORK/rows"
}

# field ROW NAME
field()
{
	local i

	for i in "${!TSHARK_FIELDS[@]}"; do
		if [ "${TSHARK_FIELDS[i]}" = "$2" ]; then
			cut -d'|' -f$((i + 1)) <<<"$1"
			return
		fi
	done
	return 1
}

step_tshark()
{
	local all mip bad row n_req n_rep ha_req ha_rep id

	command -v tshark >/dev/null || skip "tshark not installed"
	stop_capture
	tshark_table
	all=$(wc -l <"$WORK/rows")
	mip=$(tshark_rows 'v["mip.type"] != ""' | wc -l)
	bad=$(tshark -n -r "$WORK/fa-ha.pcapng" \
		-Y "_ws.malformed || _ws.expert.severity >= error" 2>/dev/null | wc -l)
	echo "frames: $all on port 434, $mip Mobile IP, $bad malformed"
	check "every port 434 datagram decoded as Mobile IP" "$mip" "$all"
	check "malformed or error frames" "$bad" 0
	n_req=$(tshark_rows 'v["mip.type"] == 1' | wc -l)
	n_rep=$(tshark_rows 'v["mip.type"] == 3' | wc -l)
	# Everything the HA received and sent crossed this link.
	ha_req=$(log_count "$WORK/ha.log" '.event == "request" or .event == "discard"')
	ha_rep=$(log_count "$WORK/ha.log" '.event == "request"')
	check "requests on the wire = requests at the HA" "$n_req" "$ha_req"
	check "replies on the wire = replies of the HA" "$n_rep" "$ha_rep"
	[ "$n_req" -ge 15 ] || { echo "FAIL: only $n_req requests"; ERRORS=$((ERRORS + 1)); }

	# The HMAC-MD5 registration, as relayed by the FA, and its reply.
	id=$(<"$WORK/md5.ident")
	row=$(tshark_rows "v[\"mip.type\"] == 1 && v[\"mip.nai\"] == \"$ALICE\" && v[\"mip.life\"] == 1800 && v[\"mip.coa\"] == \"$FA_HA\"" | head -1)
	echo "md5 request: $row"
	check "md5 request: from" "$(field "$row" ip.src)" "$FA_HA"
	check "md5 request: home address" "$(field "$row" mip.homeaddr)" 10.0.3.1
	check "md5 request: home agent" "$(field "$row" mip.haaddr)" "$HA_ADDR"
	check "md5 request: D flag" "$(field "$row" mip.d)" 0
	check "md5 request: extensions" "$(field "$row" mip.ext.type)" "131,32,34"
	check "md5 request: extension lengths" "$(field "$row" mip.ext.len)" "17,20,36"
	check "md5 request: SPIs" "$(field "$row" mip.auth.spi)" "0x00001001,0x00002001"
	row=$(tshark_rows "v[\"mip.type\"] == 3 && v[\"mip.nai\"] == \"$ALICE\" && v[\"mip.code\"] == \"0\" && v[\"mip.life\"] == $LIFETIME_MAX" | head -1)
	echo "md5 reply: $row"
	check "md5 reply: to" "$(field "$row" ip.dst)" "$FA_HA"
	check "md5 reply: extensions" "$(field "$row" mip.ext.type)" "131,32,34"
	check "md5 reply: extension lengths" "$(field "$row" mip.ext.len)" "17,20,36"

	# HMAC-SHA256: 32-byte authenticators, length 36.
	row=$(tshark_rows "v[\"mip.type\"] == 1 && v[\"mip.nai\"] == \"$BOB\" && v[\"mip.life\"] == 300" | head -1)
	echo "sha256 request: $row"
	check "sha256 request: extension lengths" "$(field "$row" mip.ext.len)" "15,36,36"
	check "sha256 request: SPIs" "$(field "$row" mip.auth.spi)" "0x00001002,0x00002001"

	# Co-located: D set, from the MN itself, no FA-HA authentication.
	row=$(tshark_rows "v[\"mip.type\"] == 1 && v[\"mip.coa\"] == \"$MN_ADDR\"" | head -1)
	echo "co-located request: $row"
	check "co-located: D flag" "$(field "$row" mip.d)" 1
	check "co-located: from" "$(field "$row" ip.src)" "$MN_ADDR"
	check "co-located: extensions" "$(field "$row" mip.ext.type)" "131,32"

	# Anonymous: home address 0.0.0.0, reply with the assigned one.
	row=$(tshark_rows "v[\"mip.type\"] == 1 && v[\"mip.nai\"] == \"$CAROL\"" | head -1)
	check "anonymous request: home address" "$(field "$row" mip.homeaddr)" 0.0.0.0
	row=$(tshark_rows "v[\"mip.type\"] == 3 && v[\"mip.nai\"] == \"$CAROL\"" | head -1)
	check "anonymous reply: home address" "$(field "$row" mip.homeaddr)" 10.0.3.3

	# Vendor extensions relayed by the FA.
	row=$(tshark_rows "v[\"mip.type\"] == 1 && v[\"mip.ext.nvse.vendor_id\"] == $VENDOR" | head -1)
	echo "nvse request: $row"
	check "nvse request: extensions" "$(field "$row" mip.ext.type)" "131,200,134,32,34"
	row=$(tshark_rows "v[\"mip.type\"] == 1 && v[\"mip.ext.cvse.vendor_id\"] == $VENDOR" | head -1)
	echo "cvse request: $row"
	check "cvse request: extensions" "$(field "$row" mip.ext.type)" "131,38,32,34"

	# Reply codes on the wire are the HA's.
	check "reply codes" \
		"$(tshark_rows 'v["mip.type"] == 3' | cut -d'|' -f5 | sort -n | uniq -c | tr -s ' ')" \
		"$(jq -r 'select(.event == "request") | .code' "$WORK/ha.log" | sort -n | uniq -c | tr -s ' ')"
	checks_passed
}

# Every authenticator on the FA-HA link, recomputed with python3-cryptography
# over the bytes tshark shows, from the SPI and authenticator tshark decoded.
step_hmac()
{
	command -v tshark >/dev/null || skip "tshark not installed"
	[ -s "$WORK/fa-ha.pcapng" ] || { echo "no capture"; return 1; }
	tshark -n -r "$WORK/fa-ha.pcapng" -Y "mip.auth.spi" -T fields \
		-E separator='|' -E occurrence=a -E aggregator=, \
		-e frame.number -e udp.payload -e mip.auth.spi -e mip.auth.auth \
		2>/dev/null >"$WORK/auth-rows"
	"$PY" - "$WORK" "$WORK/auth-rows" <<-'EOF'
		import sys
		from cryptography.hazmat.primitives import hashes, hmac

		work, rows = sys.argv[1], sys.argv[2]

		def key(name):
		    data = open("%s/k_%s" % (work, name), "rb").read()
		    t = data.strip()
		    t = t[2:] if t.startswith(b"0x") else t
		    try:
		        return bytes.fromhex(t.decode())
		    except ValueError:
		        return data

		# SPI -> the keys that may have been used with it (the MN with
		# the wrong key, FA2 with its wrong FA-HA key).
		keys = {0x1001: ["alice", "bad"], 0x1002: ["bob"],
		        0x1003: ["carol"], 0x1004: ["dave"],
		        0x2001: ["faha"], 0x2002: ["faha2", "bad"]}
		checked = bad = 0
		seen = set()
		for line in open(rows):
		    frame, payload, spis, auths = line.rstrip("\n").split("|")
		    payload = bytes.fromhex(payload.replace(":", ""))
		    for spi, auth in zip(spis.split(","), auths.split(",")):
		        spi = int(spi, 16)
		        auth = bytes.fromhex(auth.replace(":", ""))
		        alg = {16: hashes.MD5(), 32: hashes.SHA256()}[len(auth)]
		        at = payload.find(spi.to_bytes(4, "big") + auth)
		        # Coverage (RFC 5944 3.5.1): everything through the SPI.
		        covered = payload[:at + 4]
		        assert payload[at - 1] == 4 + len(auth), frame
		        ok = []
		        for name in keys[spi]:
		            h = hmac.HMAC(key(name), type(alg)())
		            h.update(covered)
		            if h.finalize() == auth:
		                ok.append(name)
		        checked += 1
		        seen.add((spi, len(auth)))
		        if len(ok) != 1:
		            bad += 1
		            print("FAIL: frame %s SPI %#x: %s matches %s" %
		                  (frame, spi, auth.hex(), ok or "no key"))
		print("%d authenticators checked, %d wrong; (SPI, length): %s" %
		      (checked, bad, sorted(seen)))
		want = {(0x1001, 16), (0x1002, 32), (0x1003, 16), (0x1004, 32),
		        (0x2001, 32), (0x2002, 16)}
		sys.exit(1 if bad or checked < 30 or not want <= seen else 0)
	EOF
}

step_stop()
{
	local a pid

	for a in ha fa fa2; do
		kill -TERM "$(<"$WORK/$a.pid")"
	done
	for a in ha fa fa2; do
		pid=$(<"$WORK/$a.pid")
		slowwait 30 not_running "$pid" || { echo "$a still running"; return 1; }
		echo "$a: $(tail -1 "$WORK/$a.out")"
		check "$a exit line" "$(jq -r -s 'last | .event' "$WORK/$a.out")" exit
		[ ! -s "$WORK/$a.err" ] || { echo "$a stderr:"; cat "$WORK/$a.err"; ERRORS=$((ERRORS + 1)); }
	done
	check "ha bindings at exit" \
		"$(jq -r -s 'last | .bindings' "$WORK/ha.out")" 4
	checks_passed
}

step_module_absent()
{
	if [ -d /sys/module/mipkex ]; then
		echo "the mipkex module is loaded: these agents are tested alone"
		return 1
	fi
	echo "mipkex not loaded"
}

# ---------------------------------------------------------------- main

cleanup()
{
	set +e
	[ -z "$WORK" ] || [ ! -e "$WORK/dumpcap.pid" ] ||
		kill "$(<"$WORK/dumpcap.pid")" 2>/dev/null
	cleanup_all_ns >/dev/null 2>&1
	[ "${MIPKEX_KEEP:-0}" = 1 ] || rm -rf "$WORK"
}

[ "$(id -u)" = 0 ] || tap_skip_all "must be root"
command -v ip >/dev/null || tap_skip_all "ip (iproute2) not found"
command -v jq >/dev/null || tap_skip_all "jq not found"
command -v dumpcap >/dev/null || tap_skip_all "dumpcap not found"
[ -x "$PY" ] || tap_skip_all "$PY not found"
"$PY" -c "import cryptography" 2>/dev/null ||
	tap_skip_all "python3-cryptography not available to $PY"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/mipkex-agents.XXXXXX")
set_mn_args
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

tap_plan "$NTESTS"
tap_run "the mipkex module is not loaded" step_module_absent
setup_ns MN FA HA || echo "# cannot create the namespaces"
tap_run "topology mn-fa-ha, capture on fa-ha, agents fa, fa2, ha ready" \
	step_topology
tap_run "HMAC-MD5 registration through the FA: accepted, lifetime capped" \
	step_md5
tap_run "HMAC-SHA256 registration and two re-registrations" step_sha256
tap_run "deregistration: lifetime 0 accepted, binding removed" step_dereg
tap_run "wrong MN-HA key: 131 from the HA" step_bad_mn_key
tap_run "wrong FA-HA key: 132 at the HA, 68 from the FA" step_bad_fa_key
tap_run "replayed request: 133 with the HA's time in the high 32 bits" \
	step_replay
tap_run "clock skew: 133, then accepted after resynchronisation" \
	step_resync
tap_run "co-located care-of address: D set, directly to the HA" \
	step_colocated
tap_run "home address 0.0.0.0: assigned by NAI; @realm denied 129" \
	step_anonymous
tap_run "vendor/unknown extensions relayed; CVSE 140 at HA, 100 at FA" \
	step_vendor
tap_run "nonce replay protection: 133 with a nonce, then accepted" \
	step_nonce
tap_run "tshark: all Mobile IP, none malformed, fields as sent" step_tshark
tap_run "every authenticator on the wire matches python3-cryptography HMAC" \
	step_hmac
tap_run "agents exit cleanly on SIGTERM" step_stop
tap_run "no kernel module was needed" step_module_absent
tap_exit
