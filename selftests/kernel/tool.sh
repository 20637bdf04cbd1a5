#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The tool against the module (in the VM): text and JSON output, the kernel's
# extack message on errors, the permission check, non-zero exit on failure.
# JSON is checked with Python's json module, not with the tool's own code.

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

[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root"; exit 4; }
if [ ! -d /sys/module/mipkex ]; then
	insmod "$KO" || { echo "Bail out! cannot load $KO"; dmesg | tail -5; exit 1; }
	loaded_here=1
fi
cleanup() {
	ip netns del "$NS" 2>/dev/null
	[ -n "${loaded_here:-}" ] && rmmod mipkex 2>/dev/null
}
trap cleanup EXIT
ip netns add "$NS"
in_ns() { ip netns exec "$NS" "$TOOL" "$@"; }

echo "TAP version 13"
echo "1..9"

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
names='["stolen_in","stolen_out","reinjected_in","reinjected_out","dropped_queue_full","dropped_nomem","dropped_noref","passed_fragment","passed_malformed","queued","dropped_protocol","passed_other","passed_plain","rewritten","denials_sent","err_malformed","err_unknown_spi","err_auth","err_fa_auth","err_replay","err_decrypt","err_identity","err_negotiation","err_kdc","err_ratelimit","err_no_pending","err_resource","fa_denials"]'
check "-j stats has every counter, as integers" \
	json_ok "$(in_ns -j stats)" \
	"list(d) == $names and all(type(v) is int for v in d.values())"

err=$(in_ns set role 200 2>&1)
rc=$?
check "a role the kernel refuses: exit 1 and the kernel's message" \
	[ $rc = 1 ] && grep -qF "kernel says: role must be 0-3 (none, mn, fa, ha): out of range" <<<"$err"

err=$(unshare --user --map-root-user "$TOOL" set role ha 2>&1)
rc=$?
check "root of a child user namespace cannot set the initial namespace's role" \
	[ $rc = 1 ] && grep -q "Operation not permitted" <<<"$err"
out=$("$TOOL" show)
check "and nothing changed" grep -q "^role: none$" <<<"$out"

exit $failed
