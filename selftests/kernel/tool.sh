#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The tool against the module (in the VM): text and JSON output, the kernel's
# extack message on errors, the permission check, non-zero exit on failure;
# the XFRM settings of kdc set/show, showconf and load, and show sa with no
# registration. JSON is checked with Python's json module, not with the
# tool's own code.

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TOOL=${MIPKEX_TOOL:-$ROOT/userspace/mipkex}
KO=${MIPKEX_KO:-$ROOT/kmod/mipkex.ko}
PY=/usr/bin/python3
NS=mipkex-tool-$$
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n $1"; }
nok() { n=$((n + 1)); echo "not ok $n $1"; failed=1; }
check() { # description command...
	local d=$1
	shift
	if "$@"; then ok "$d"; else nok "$d"; fi
}
# shellcheck disable=SC2317 # called through check
fails_with() { # status fixed-string command...: exits status, says string
	local want=$1 str=$2 out rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	[ "$rc" = "$want" ] && grep -qF -- "$str" <<<"$out" && return 0
	echo "# got status $rc: $out"
	return 1
}

[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root"; exit 4; }
if [ ! -d /sys/module/mipkex ]; then
	insmod "$KO" || { echo "Bail out! cannot load $KO"; dmesg | tail -5; exit 1; }
	loaded_here=1
fi
D=$(mktemp -d)
cleanup() {
	ip netns del "$NS" 2>/dev/null
	rm -rf "$D"
	[ -n "${loaded_here:-}" ] && rmmod mipkex 2>/dev/null
}
trap cleanup EXIT
ip netns add "$NS"
in_ns() { ip netns exec "$NS" "$TOOL" "$@"; }

echo "TAP version 13"
echo "1..31"

out=$(in_ns show)
check "show in a new namespace" \
	[ "$out" = "$(printf 'role: none\nhooks: none\nqueue max: 1024\nvendor: 32473')" ]

check "set role fa" in_ns set role fa
out=$(in_ns show)
check "show after set role fa" \
	[ "$out" = "$(printf 'role: fa\nhooks: registered\nqueue max: 1024\nvendor: 32473')" ]

json_ok() { # json python-assertion
	"$PY" -c 'import json,sys; d=json.loads(sys.argv[1]); assert '"$2"', d' "$1"
}
check "-j show is JSON with role, hooks and queue_max" \
	json_ok "$(in_ns -j show)" \
	'd == {"role": "fa", "hooks": True, "queue_max": 1024, "vendor": 32473}'
check "-j -p show is the same JSON, indented" \
	json_ok "$(in_ns -j -p show)" \
	'd == {"role": "fa", "hooks": True, "queue_max": 1024, "vendor": 32473}'
names='["stolen_in","stolen_out","reinjected_in","reinjected_out","dropped_queue_full","dropped_nomem","dropped_noref","passed_fragment","passed_malformed","queued","dropped_protocol","passed_other","passed_plain","rewritten","denials_sent","err_malformed","err_unknown_spi","err_auth","err_fa_auth","err_replay","err_decrypt","err_identity","err_negotiation","err_kdc","err_ratelimit","err_no_pending","err_resource","sa_installed","sa_removed","err_xfrm","retransmissions","fa_denials","err_agent_reply"]'
check "-j stats has every counter, as integers" \
	json_ok "$(in_ns -j stats)" \
	"list(d) == $names and all(type(v) is int for v in d.values())"

check "a role the kernel refuses: exit 1 and the kernel's message" \
	fails_with 1 "kernel says: role must be 0-3 (none, mn, fa, ha): out of range" \
	in_ns set role 200

check "root of a child user namespace cannot set the initial namespace's role" \
	fails_with 1 "Operation not permitted" \
	unshare --user --map-root-user "$TOOL" set role ha
out=$("$TOOL" show)
check "and nothing changed" grep -q "^role: none$" <<<"$out"

# XFRM: the KDC's sa-mode and sa-policy, show sa (no registration here).
check "kdc show -j: sa_mode transport and sa_policy none by default" \
	json_ok "$(in_ns -j kdc show)" \
	'd["sa_mode"] == "transport" and d["sa_policy"] == "none"'
check "kdc set sa-mode tunnel sa-policy pair" \
	in_ns kdc set sa-mode tunnel sa-policy pair
check "kdc show -j: as set" \
	json_ok "$(in_ns -j kdc show)" \
	'd["sa_mode"] == "tunnel" and d["sa_policy"] == "pair" and d["mode"] == "stateful"'
out=$(in_ns kdc show)
check "kdc show: sa mode and sa policy" \
	[ "$(grep '^sa ' <<<"$out")" = "$(printf 'sa mode: tunnel\nsa policy: pair\nsa ah: off')" ]
out=$(in_ns showconf)
check "showconf: sa-mode and sa-policy in [kdc]" \
	[ "$(sed -n '/^\[kdc\]$/,/^\[/p' <<<"$out" | grep '^sa-')" = "$(printf 'sa-mode = tunnel\nsa-policy = pair\nsa-ah = off')" ]
check "kdc show -j: sa_ah false by default" \
	json_ok "$(in_ns -j kdc show)" 'd["sa_ah"] is False'
check "kdc set sa-ah on" in_ns kdc set sa-ah on
check "kdc show -j: sa_ah true, sa_mode unchanged" \
	json_ok "$(in_ns -j kdc show)" 'd["sa_ah"] is True and d["sa_mode"] == "tunnel"'
check "kdc set sa-ah maybe: usage error (exit 2)" \
	fails_with 2 'sa-ah "maybe" is not on or off' in_ns kdc set sa-ah maybe
check "kdc set sa-ah off" in_ns kdc set sa-ah off
check "kdc set sa-policy tunnel alone leaves sa-mode" \
	in_ns kdc set sa-pol tunnel
check "kdc show -j: sa_policy tunnel, sa_mode still tunnel" \
	json_ok "$(in_ns -j kdc show)" 'd["sa_mode"] == "tunnel" and d["sa_policy"] == "tunnel"'
check "kdc set sa-mode beet: usage error (exit 2) naming the values" \
	fails_with 2 'sa-mode "beet" is not transport or tunnel' \
	in_ns kdc set sa-mode beet
check "kdc set sa-policy all: usage error (exit 2) naming the values" \
	fails_with 2 'sa-policy "all" is not none, pair or tunnel' \
	in_ns kdc set lifetime 900 sa-policy all
check "kdc set sa: ambiguous (sa-mode, sa-policy)" \
	fails_with 2 '"sa" is ambiguous' in_ns kdc set sa tunnel
check "and nothing changed" \
	json_ok "$(in_ns -j kdc show)" \
	'd["sa_mode"] == "tunnel" and d["sa_policy"] == "tunnel" and d["lifetime"] == 3600'

out=$(in_ns show sa)
rc=$?
check "show sa with no SA: nothing, exit 0" [ $rc = 0 ] && [ -z "$out" ]
check "-j show sa with no SA: []" json_ok "$(in_ns -j show sa)" 'd == []'
check "-j sa show 10.1.0.1 ha 192.0.2.1 with no SA: []" \
	json_ok "$(in_ns -j sa show 10.1.0.1 ha 192.0.2.1)" 'd == []'
check "-j -p sa with no SA: []" json_ok "$(in_ns -j -p sa)" 'd == []'
check "show sa with a bad address: usage error (exit 2)" \
	fails_with 2 '"10.1.0" is not an IPv4 home address' in_ns show sa 10.1.0

cat >"$D/xfrm.conf" <<'CONF'
[kdc]
sa-mode = transport
sa-policy = none
lifetime = 1200
CONF
out=$(in_ns load "$D/xfrm.conf")
rc=$?
check "load of a [kdc] with sa-mode and sa-policy" [ $rc = 0 ]
check "kdc show -j: the file's sa-mode and sa-policy" \
	json_ok "$(in_ns -j kdc show)" \
	'd["sa_mode"] == "transport" and d["sa_policy"] == "none" and d["lifetime"] == 1200'
printf '[kdc]\nsa-mode = tunnel\nsa-policy = tunnel\n' >"$D/xfrm2.conf"
in_ns load "$D/xfrm2.conf" >/dev/null
check "load: sa-mode tunnel, sa-policy tunnel applied" \
	json_ok "$(in_ns -j kdc show)" 'd["sa_mode"] == "tunnel" and d["sa_policy"] == "tunnel"'
printf '[kdc]\nsa-mode = beet\nsa-policy = all\n' >"$D/bad.conf"
check "load of a bad sa-mode: FILE:LINE error, exit 1" \
	fails_with 1 'bad.conf:2: sa-mode "beet" is not transport or tunnel' \
	in_ns load "$D/bad.conf"
check "load of a bad sa-policy: FILE:LINE error, exit 1" \
	fails_with 1 'bad.conf:3: sa-policy "all" is not none, pair or tunnel' \
	in_ns load "$D/bad.conf"
check "and nothing changed" \
	json_ok "$(in_ns -j kdc show)" 'd["sa_mode"] == "tunnel" and d["sa_policy"] == "tunnel"'

exit $failed
