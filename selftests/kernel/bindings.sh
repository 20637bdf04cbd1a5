#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Bindings and events, in the VM, with the testing build of the module
# (build/testing/kmod/mipkex.ko), whose "mipkex_test" family plays the role
# handlers: bindings.py accepts, removes and denies registrations from fields
# it supplies. Checked with the tool ("mipkex -j show bindings", "mipkex -j
# monitor" started beforehand, its output polled), python3's json module,
# fingerprints computed with python3-cryptography, raw netlink captures (no
# key byte in any message), an unprivileged user namespace, two namespaces,
# role changes and module unload (the module's own audit in dmesg).
#
# Environment: MIPKEX_TESTING_KO (default build/testing/kmod/mipkex.ko),
# MIPKEX_TOOL (default userspace/mipkex).

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../lib.sh
. "$ROOT/selftests/lib.sh"
TOOL=${MIPKEX_TOOL:-$ROOT/userspace/mipkex}
KO=${MIPKEX_TESTING_KO:-$ROOT/build/testing/kmod/mipkex.ko}
PY=/usr/bin/python3
HELPER=$ROOT/selftests/kernel/bindings.py
MARK="mipkex-bindings-$$"
TMPD=$(mktemp -d)

[ "$(id -u)" = 0 ] || tap_skip_all "needs root"
[ -f "$KO" ] || tap_skip_all "$KO not built (make testing-module)"
[ -x "$TOOL" ] || tap_skip_all "$TOOL not built (make tool)"
"$PY" -c 'import cryptography.hazmat.primitives.kdf.kbkdf' 2>/dev/null ||
	tap_skip_all "$PY with python3-cryptography missing"
if [ -d /sys/module/mipkex ] && ! rmmod mipkex; then
	tap_skip_all "mipkex is loaded and in use"
fi

# Background listeners (started in tap_run's subshells) leave their pid in
# $TMPD/*.pid.
kill_listeners() {
	local f
	for f in "$TMPD"/*.pid; do
		[ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
		rm -f "$f"
	done
	return 0
}
cleanup() {
	kill_listeners
	cleanup_all_ns
	rmmod mipkex 2>/dev/null
	rm -rf "$TMPD"
}
trap cleanup EXIT

# Keys of the test: never to be seen outside the kernel.
K1=$(printf '11%.0s' {1..16})$(printf 'a5%.0s' {1..16})
K3=$(printf '3c%.0s' {1..16})$(printf '0f%.0s' {1..16})
K1B=$(printf '77%.0s' {1..16})$(printf 'e1%.0s' {1..16})

# binding HOME HA LIFETIME IDENT KEY1 [KEY3]: a binding as an HA sees it.
# Its MN-HA SPIs depend on the two addresses (4096 and 8192 for 10.0.3.2 and
# 10.0.2.1): the module installs the SAs in XFRM, where they must differ.
binding() {
	local k3=${6:-} o h
	IFS=. read -r _ _ o3 o4 <<<"$1"
	IFS=. read -r _ _ _ h <<<"$2"
	o=$(( (((o3 * 256 + o4 - 770) & 0xffff) * 256 + h - 1) * 16 ))
	cat <<EOF
{"home": "$1", "ha": "$2", "coa": "198.51.100.7", "fa": "198.51.100.7",
 "spi": 4097, "nai": "alice@example.org", "mode": 3, "group": 31,
 "lifetime": $3, "ident": $4,
 "sa": [{"pair": 1, "protocol": 50, "encr": 20, "bits": 256, "integ": 0,
         "spi_in": $((4096 + o)), "spi_out": $((8192 + o)), "lifetime": 600, "key": "$5"}
$( [ -n "$k3" ] && echo ", {\"pair\": 2, \"protocol\": 50, \"encr\": 28, \"bits\": 256,
         \"integ\": 0, \"spi_in\": $((4100 + o)), \"spi_out\": $((8200 + o)), \"lifetime\": 300,
         \"key\": \"$k3\"}" )
$( [ -n "$k3" ] && echo ", {\"pair\": 3, \"protocol\": 50, \"encr\": 20, \"bits\": 128,
         \"integ\": 12, \"spi_in\": $((4200 + o)), \"spi_out\": $((8300 + o)), \"lifetime\": 300,
         \"key\": null}" )]}
EOF
}

in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
accept() { in_ns "$1" "$PY" "$HELPER" accept "$2"; }
jshow() { in_ns "$1" "$TOOL" -j show bindings; }
count_bindings() { jshow "$1" | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
bindings_are() { [ "$(count_bindings "$1")" = "$2" ]; }

# monitor NS NAME: "mipkex -j monitor" in NS, its output in $TMPD/NAME;
# returns once it is subscribed.
monitor() {
	# A simple command, not a function: $! is the monitor itself.
	ip netns exec "$1" "$TOOL" -j monitor >"$TMPD/$2" 2>"$TMPD/$2.err" &
	echo $! >"$TMPD/$2.pid"
	slowwait 30 grep -qs 'monitoring events' "$TMPD/$2.err" || {
		cat "$TMPD/$2.err"
		return 1
	}
}

# seen NAME PYEXPR: some line of the monitor's output, as e (a dict), makes
# PYEXPR true.
seen() {
	"$PY" - "$TMPD/$1" "$2" <<'EOF'
import json, sys
for line in open(sys.argv[1]):
    line = line.strip()
    if not line:
        continue
    e = json.loads(line)
    if eval(sys.argv[2]):
        sys.exit(0)
sys.exit(1)
EOF
}
wait_seen() { slowwait 30 seen "$@" || { echo "not seen: $2"; cat "$TMPD/$1"; return 1; }; }

stop_monitor() { # NAME: SIGINT, exit status 0 (started by this shell)
	local pid rc
	pid=$(cat "$TMPD/$1.pid")
	rm -f "$TMPD/$1.pid"
	kill -INT "$pid"
	wait "$pid"
	rc=$?
	echo "monitor $1 exited with $rc"
	[ "$rc" = 0 ]
}

klog_count() { dmesg | awk -v m="$MARK" 'f; index($0, m) { f = 1 }' | grep -c "mipkex: $1" || true; }

load() {
	echo "$MARK" >/dev/kmsg
	insmod "$KO" dyndbg=+p
}

setup_ns N1 N2 N3 || tap_skip_all "cannot create namespaces"

tap_plan 13

t_load() {
	load
	in_ns "$N1" "$TOOL" set role ha
	in_ns "$N2" "$TOOL" set role ha
	bindings_are "$N1" 0
	monitor "$N1" m1
	monitor "$N2" m2
	# An accept in a namespace without a role is refused.
	! accept "$N3" "$(binding 10.0.3.9 10.0.2.1 60 1 "$K1")"
	bindings_are "$N3" 0
}
tap_run "module loads; monitors subscribe; no binding without a role" t_load

t_fields() {
	accept "$N1" "$(binding 10.0.3.2 10.0.2.1 600 1234605616436508552 "$K1" "$K3")"
	jshow "$N1" >"$TMPD/show.json"
	cat "$TMPD/show.json"
	"$PY" - "$TMPD/show.json" <<'EOF'
import json, sys
v = json.load(open(sys.argv[1]))
assert len(v) == 1, v
b = v[0]
exp = {"home": "10.0.3.2", "ha": "10.0.2.1", "coa": "198.51.100.7",
       "fa": "198.51.100.7", "nai": "alice@example.org", "key0_spi": 4097,
       "role": "ha", "state": "accepted", "mode": "dh", "dh_group": 31,
       "dh_group_name": "x25519", "lifetime": 600,
       "ident": 0x1122334455667788}
for k, val in exp.items():
    assert b[k] == val, (k, b[k], val)
# (slack: installing the first SA loads ESP and its algorithms, slow in TCG)
assert 540 <= b["remaining"] <= 600, b["remaining"]
assert 0 <= b["age"] <= 60, b["age"]
sa = b["sa"]
assert [s["pair"] for s in sa] == ["mn-ha", "mn-fa", "fa-ha"], sa
assert sa[0]["protocol"] == "esp" and sa[0]["encr"] == "aes-gcm-256"
assert sa[0]["integ"] is None and sa[0]["spi_in"] == 4096
assert sa[0]["spi_out"] == 8192 and sa[0]["lifetime"] == 600
assert sa[1]["encr"] == "chacha20-poly1305" and sa[1]["spi_in"] == 4100
assert sa[2]["encr"] == "aes-gcm-128" and sa[2]["integ"] == "hmac-sha256-128"
assert sa[2]["fingerprint"] is None, sa[2]
assert sa[0]["fingerprint"] and sa[1]["fingerprint"]
print("fields ok")
EOF
	# The text form has the same.
	in_ns "$N1" "$TOOL" show bindings | tee "$TMPD/show.txt"
	grep -q '^10.0.3.2 ha 10.0.2.1 coa 198.51.100.7 fa 198.51.100.7 nai alice@example.org spi 4097$' "$TMPD/show.txt"
	grep -q 'role ha state accepted mode dh group x25519 lifetime 600 remaining' "$TMPD/show.txt"
	grep -q 'sa mn-ha esp aes-gcm-256 spi in 0x00001000 out 0x00002000 lifetime 600 key ' "$TMPD/show.txt"
	grep -q 'sa fa-ha esp aes-gcm-128 hmac-sha256-128 .* key none' "$TMPD/show.txt"
	# One binding by home address, and by home and HA address.
	in_ns "$N1" "$TOOL" -j binding show 10.0.3.2 | grep -q '"home":"10.0.3.2"'
	in_ns "$N1" "$TOOL" -j binding show 10.0.3.2 ha 10.0.2.1 | grep -q '"ident":1234605616436508552'
	! in_ns "$N1" "$TOOL" binding show 10.0.3.3 2>"$TMPD/err"
	grep -q 'kernel says: binding not found' "$TMPD/err"
	wait_seen m1 'e["event"] == "accepted" and e["reason"] == "new" and e["role"] == "ha" and e["binding"]["home"] == "10.0.3.2" and e["binding"]["sa"][0]["fingerprint"] and e["binding"]["mode"] == "dh"'
}
tap_run "accept: show bindings (JSON, text, one) has every field; event accepted new" t_fields

t_fpr() {
	local f1 f3
	f1=$("$PY" "$HELPER" fpr "$K1")
	f3=$("$PY" "$HELPER" fpr "$K3")
	echo "python3-cryptography: KEY1 $f1 KEY3 $f3"
	"$PY" - "$TMPD/show.json" "$f1" "$f3" <<'EOF'
import json, sys
sa = json.load(open(sys.argv[1]))[0]["sa"]
assert sa[0]["fingerprint"] == sys.argv[2], (sa[0], sys.argv[2])
assert sa[1]["fingerprint"] == sys.argv[3], (sa[1], sys.argv[3])
print("fingerprints match")
EOF
	wait_seen m1 "e['event'] == 'accepted' and e['binding']['sa'][1]['fingerprint'] == '$f3'"
}
tap_run "fingerprints equal python3-cryptography's of the supplied keys" t_fpr

t_replace() {
	# A raw listener of every event message, for the key check below.
	ip netns exec "$N1" "$PY" "$HELPER" sniff "$TMPD/sniff.hex" \
		>/dev/null 2>"$TMPD/sniff.err" &
	echo $! >"$TMPD/sniff.pid"
	slowwait 30 grep -qs ready "$TMPD/sniff.err"
	accept "$N1" "$(binding 10.0.3.2 10.0.2.1 900 153 "$K1B")"
	bindings_are "$N1" 1
	jshow "$N1" | "$PY" -c '
import json, sys
b = json.load(sys.stdin)[0]
assert b["ident"] == 0x99 and b["lifetime"] == 900 and len(b["sa"]) == 1, b'
	wait_seen m1 'e["event"] == "accepted" and e["reason"] == "replaced" and e["binding"]["ident"] == 0x99'
	slowwait 30 test -s "$TMPD/sniff.hex"
}
tap_run "re-registration replaces the binding; event accepted replaced" t_replace

t_denied() {
	in_ns "$N1" "$PY" "$HELPER" denied '{"home": "10.0.3.5", "ha": "10.0.2.1", "nai": "bob@example.org", "code": 131, "message": "MN-HA authenticator does not verify"}'
	in_ns "$N1" "$PY" "$HELPER" denied '{"code": 134, "message": "poorly formed"}'
	wait_seen m1 'e["event"] == "denied" and e["code"] == 131 and e["home"] == "10.0.3.5" and e["ha"] == "10.0.2.1" and e["nai"] == "bob@example.org" and e["message"] == "MN-HA authenticator does not verify" and e["role"] == "ha"'
	wait_seen m1 'e["event"] == "denied" and e["code"] == 134 and "home" not in e and "nai" not in e'
	bindings_are "$N1" 1
}
tap_run "denials: event with code, message, home, HA and NAI when known" t_denied

t_dereg() {
	accept "$N1" "$(binding 10.0.3.3 10.0.2.1 600 7 "$K1")"
	bindings_are "$N1" 2
	in_ns "$N1" "$PY" "$HELPER" remove 10.0.3.3 10.0.2.1
	bindings_are "$N1" 1
	wait_seen m1 'e["event"] == "removed" and e["reason"] == "deregistered" and e["binding"]["home"] == "10.0.3.3"'
	! in_ns "$N1" "$PY" "$HELPER" remove 10.0.3.3 10.0.2.1 2>"$TMPD/err"
	grep -q ENOENT "$TMPD/err"
}
tap_run "deregistration removes the binding; event removed deregistered" t_dereg

t_expire() {
	accept "$N1" "$(binding 10.0.3.4 10.0.2.1 1 8 "$K1")"
	accept "$N1" "$(binding 10.0.3.6 10.0.2.1 2 9 "$K1")"
	accept "$N1" "$(binding 10.0.3.7 10.0.2.1 65535 10 "$K1")"
	in_ns "$N1" "$TOOL" -j binding show 10.0.3.7 | grep -q '"remaining":null'
	in_ns "$N1" "$TOOL" binding show 10.0.3.7 | grep -q 'lifetime infinite'
	wait_seen m1 'e["event"] == "removed" and e["reason"] == "expired" and e["binding"]["home"] == "10.0.3.4"'
	wait_seen m1 'e["event"] == "removed" and e["reason"] == "expired" and e["binding"]["home"] == "10.0.3.6"'
	slowwait 30 bindings_are "$N1" 2
	jshow "$N1" | "$PY" -c '
import json, sys
assert sorted(b["home"] for b in json.load(sys.stdin)) == ["10.0.3.2", "10.0.3.7"]'
}
tap_run "expiry (lifetimes 1 and 2 s) removes bindings; events removed expired; infinite stays" t_expire

t_del() {
	accept "$N1" "$(binding 10.0.3.8 10.0.2.9 600 11 "$K1")"
	in_ns "$N1" "$TOOL" binding del 10.0.3.8 ha 10.0.2.9
	wait_seen m1 'e["event"] == "removed" and e["reason"] == "deleted" and e["binding"]["ha"] == "10.0.2.9"'
	! in_ns "$N1" "$TOOL" binding del 10.0.3.8 ha 10.0.2.9 2>"$TMPD/err"
	grep -q 'kernel says: binding not found' "$TMPD/err"
	# Two bindings of one home address: a get needs the HA address.
	accept "$N1" "$(binding 10.0.3.2 10.0.2.2 600 12 "$K1")"
	! in_ns "$N1" "$TOOL" binding show 10.0.3.2 2>"$TMPD/err"
	grep -q 'give the HA address' "$TMPD/err"
	in_ns "$N1" "$TOOL" binding del 10.0.3.2 ha 10.0.2.2
}
tap_run "binding del removes one (event removed deleted); ENOENT; home shared by two" t_del

t_unpriv() {
	# CAP_NET_ADMIN only in a user namespace that does not own the
	# network namespace: no events, no delete, and no reading of what
	# ties a NAI to a home address (bindings, SAs, KEY0 entries).
	! in_ns "$N1" unshare --user --map-root-user "$TOOL" monitor 2>"$TMPD/err"
	cat "$TMPD/err"
	grep -q 'cannot listen to events' "$TMPD/err"
	! in_ns "$N1" unshare --user --map-root-user "$PY" "$HELPER" join 2>"$TMPD/err"
	grep -q EPERM "$TMPD/err"
	! in_ns "$N1" unshare --user --map-root-user "$TOOL" binding del 10.0.3.2 ha 10.0.2.1 2>"$TMPD/err"
	grep -q 'Operation not permitted' "$TMPD/err"
	local what
	for what in "show bindings" "show sa" "key0 show"; do
		# shellcheck disable=SC2086 # the words of the command
		! in_ns "$N1" unshare --user --map-root-user "$TOOL" $what >"$TMPD/out" 2>"$TMPD/err"
		grep -q 'Operation not permitted' "$TMPD/err"
		if grep -q '10\.0\.3\.2' "$TMPD/out"; then
			echo "$what showed a home address"
			return 1
		fi
	done
	# What names no mobile node stays readable.
	in_ns "$N1" unshare --user --map-root-user "$TOOL" show >/dev/null
	bindings_are "$N1" 2
	# As nobody, without a user namespace: the same.
	! in_ns "$N1" setpriv --reuid=65534 --regid=65534 --clear-groups "$PY" "$HELPER" join 2>"$TMPD/err"
	grep -q EPERM "$TMPD/err"
}
tap_run "unprivileged: cannot join the events group, delete, or read bindings, SAs, KEY0" t_unpriv

t_keys() {
	local k f
	in_ns "$N1" "$PY" "$HELPER" dumpraw >"$TMPD/dump.hex"
	in_ns "$N1" "$TOOL" show bindings >>"$TMPD/out.txt"
	in_ns "$N1" "$TOOL" -j show bindings >>"$TMPD/out.txt"
	in_ns "$N1" "$TOOL" -j -p binding show 10.0.3.2 ha 10.0.2.1 >>"$TMPD/out.txt"
	test -s "$TMPD/dump.hex" && test -s "$TMPD/sniff.hex"
	echo "$(wc -l <"$TMPD/sniff.hex") event messages, $(wc -l <"$TMPD/dump.hex") dump messages captured"
	for k in "$K1" "$K3" "$K1B"; do
		for f in "$TMPD/dump.hex" "$TMPD/sniff.hex" "$TMPD/out.txt" "$TMPD/m1" "$TMPD/m2"; do
			# Any 8 consecutive key bytes.
			if grep -qi "${k:0:16}\|${k:16:16}\|${k:32:16}\|${k:48:16}" "$f"; then
				echo "key bytes in $f"
				return 1
			fi
		done
	done
	dmesg | grep -qi "${K1:0:16}" && { echo "key in dmesg"; return 1; }
	echo "no key byte sequence anywhere"
}
tap_run "no key bytes in dumps, event messages, tool output or the log" t_keys

t_isolation() {
	bindings_are "$N2" 0
	accept "$N2" "$(binding 10.9.9.9 10.9.9.1 600 13 "$K1")"
	bindings_are "$N2" 1
	bindings_are "$N1" 2
	wait_seen m2 'e["event"] == "accepted" and e["binding"]["home"] == "10.9.9.9"'
	! seen m2 'e["binding"]["home"] == "10.0.3.2" if "binding" in e else e.get("code") == 131'
	! seen m1 '"binding" in e and e["binding"]["home"] == "10.9.9.9"'
	# A deletion in N1 of N2's binding finds nothing.
	! in_ns "$N1" "$TOOL" binding del 10.9.9.9 ha 10.9.9.1 2>/dev/null
	bindings_are "$N2" 1
}
tap_run "namespaces are isolated: bindings and events" t_isolation

t_role() {
	in_ns "$N1" "$TOOL" set role fa
	bindings_are "$N1" 0
	wait_seen m1 'e["event"] == "removed" and e["reason"] == "role-change" and e["binding"]["home"] == "10.0.3.2" and e["binding"]["role"] == "ha" and e["role"] == "fa"'
	wait_seen m1 'e["event"] == "removed" and e["reason"] == "role-change" and e["binding"]["home"] == "10.0.3.7"'
	bindings_are "$N2" 1
	# Setting the same role again changes nothing.
	accept "$N1" "$(binding 10.0.3.2 10.0.2.1 600 14 "$K1")"
	in_ns "$N1" "$TOOL" set role fa
	bindings_are "$N1" 1
	in_ns "$N1" "$TOOL" -j show bindings | grep -q '"role":"fa"'
	in_ns "$N1" "$TOOL" set role none
	bindings_are "$N1" 0
	# The max_bindings bound.
	in_ns "$N1" "$TOOL" set role mn
	echo 2 >/sys/module/mipkex/parameters/max_bindings
	accept "$N1" "$(binding 10.0.4.1 10.0.2.1 600 1 "$K1")"
	accept "$N1" "$(binding 10.0.4.2 10.0.2.1 600 1 "$K1")"
	! accept "$N1" "$(binding 10.0.4.3 10.0.2.1 600 1 "$K1")" 2>"$TMPD/err"
	grep -q ENOSPC "$TMPD/err"
	accept "$N1" "$(binding 10.0.4.2 10.0.2.1 600 2 "$K1")"	# replacing is allowed
	echo 65536 >/sys/module/mipkex/parameters/max_bindings
	bindings_are "$N1" 2
}
tap_run "role change removes bindings (events role-change); max_bindings gives ENOSPC" t_role

t_unload() {
	local n
	# SIGINT ends a monitor with status 0.
	monitor "$N2" m3
	accept "$N2" "$(binding 10.9.9.8 10.9.9.1 600 1 "$K1")"
	wait_seen m3 'e["event"] == "accepted" and e["binding"]["home"] == "10.9.9.8"'
	stop_monitor m3
	kill_listeners
	# Live bindings in N1 (2) and N2 (2); one more namespace with 20.
	setup_ns N4
	in_ns "$N4" "$TOOL" set role fa
	for ((n = 1; n <= 20; n++)); do
		accept "$N4" "$(binding 10.1.0.$n 10.0.2.1 600 $n "$K1" "$K3")"
	done
	bindings_are "$N4" 20
	cleanup_ns "$N4"
	slowwait 30 sh -c "dmesg | grep -q 'netns bindings destroyed: 20'"
	rmmod mipkex
	dmesg | awk -v m="$MARK" 'f; index($0, m) { f = 1 }' | grep 'mipkex: .*bindings' | tail -n 5
	[ "$(klog_count 'bindings: [0-9]* leaked')" = 0 ]
	[ "$(klog_count 'bindings: [0-9]* allocated, all freed')" = 1 ]
	[ "$(klog_count 'netns created')" = "$(klog_count 'netns destroyed')" ]
}
tap_run "monitor exits 0 on SIGINT; namespace exit and rmmod with live bindings: every binding freed" t_unload

tap_exit
