#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Provisioning end to end, against the module (in the VM): key0, peer and kdc
# commands, set vendor, selftest, load and showconf. Fingerprints are checked
# against an independent computation (python3-cryptography's KBKDFHMAC:
# SP 800-108 counter mode, HMAC-SHA256), and no key ever appears in any output
# of the tool. Each test runs in a fresh namespace made by lib.sh's setup_ns.

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
. "$ROOT/selftests/lib.sh"
TOOL=${MIPKEX_TOOL:-$ROOT/userspace/mipkex}
KO=${MIPKEX_KO:-$ROOT/kmod/mipkex.ko}
PY=/usr/bin/python3

[ "$(id -u)" = 0 ] || tap_skip_all "needs root"
"$PY" -c 'import cryptography.hazmat.primitives.kdf.kbkdf' 2>/dev/null ||
	tap_skip_all "python3-cryptography missing"
if [ ! -d /sys/module/mipkex ]; then
	insmod "$KO" || { echo "Bail out! cannot load $KO"; dmesg | tail -5; exit 1; }
	loaded_here=1
fi
D=$(mktemp -d)
LOG=$D/all-output	# everything the tool printed, searched for keys
NS=
cleanup() {
	cleanup_all_ns
	rm -rf "$D"
	[ -z "${loaded_here:-}" ] || rmmod mipkex 2>/dev/null
}
trap cleanup EXIT

# mk ARGS...: the tool in $NS; its output is also kept in $LOG.
mk() {
	local rc

	ip netns exec "$NS" "$TOOL" "$@" >"$D/out" 2>"$D/err"
	rc=$?
	cat "$D/out" "$D/err" >>"$LOG"
	cat "$D/err" >&2
	cat "$D/out"
	return $rc
}
fresh() { NS=; setup_ns NS; }

# fpr FILE: the fingerprint of the key in FILE (hex if it is all hex digits)
fpr() {
	"$PY" - "$1" <<'PY'
import string, sys
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.kbkdf import (CounterLocation,
                                                      KBKDFHMAC, Mode)
raw = open(sys.argv[1], "rb").read()
text = raw.decode("latin-1").rstrip("\r\n")
key = bytes.fromhex(text) if text and all(c in string.hexdigits for c in text) else raw
kdf = KBKDFHMAC(algorithm=hashes.SHA256(), mode=Mode.CounterMode, length=8,
                rlen=4, llen=4, location=CounterLocation.BeforeFixed,
                label=b"mipkex fingerprint", context=b"", fixed=None)
print(kdf.derive(key).hex())
PY
}

# pyj JSON ASSERTION: the assertion on d = json.loads(JSON)
pyj() { "$PY" -c 'import json,sys; d=json.loads(sys.argv[1]); assert '"$2"', d' "$1"; }

# t DESCRIPTION CMD...: one TAP result, ok if CMD succeeds
t() { local d=$1; shift; "$@"; tap_result $? "$d"; }

# fails STATUS REGEX CMD...: CMD exits STATUS and its stderr matches REGEX
fails() {
	local want=$1 re=$2 err rc
	shift 2
	err=$("$@" 2>&1 >/dev/null)
	rc=$?
	[ "$rc" = "$want" ] && grep -Eq -- "$re" <<<"$err" && return 0
	echo "# got $rc: $err"
	return 1
}

umask 077
"$TOOL" genkey >"$D/k1"
"$TOOL" genkey 48 >"$D/k2"
head -c 64 /dev/urandom >"$D/k3"	# raw
"$TOOL" genkey >"$D/k4"
"$TOOL" genkey >"$D/seed"
openssl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe2048 \
	-out "$D/dh.pem" 2>/dev/null

tap_plan 39

fresh
out=$(mk -j selftest)
t "selftest: passed > 0, failed 0, one line per test" \
	pyj "$out" 'd["passed"] > 0 and d["failed"] == 0 and len(d["tests"]) == d["passed"] + d["skipped"]'
t "selftest: text lists every test" \
	[ "$(mk selftest | grep -c '^  ')" -gt 0 ]

t "set vendor 4242" mk set vendor 4242
t "show -j has the vendor" pyj "$(mk -j show)" 'd["vendor"] == 4242'
t "set vendor out of range is refused before the kernel" \
	fails 2 "1 to 16777215" mk set vendor 16777216

# KEY0
t "key0 add prints added" \
	[ "$(mk key0 add 256 nai mn1@example.org home 10.1.0.1 ha 192.0.2.1 key "$D/k1")" = added ]
t "key0 add of an existing SPI: exit 1, the kernel's message" \
	fails 1 "kernel says: .*exists" mk key0 add 256 nai mn9@example.org home 10.1.0.9 ha 192.0.2.1 key "$D/k2"
t "key0 replace with the same: unchanged" \
	[ "$(mk key0 replace 256 nai mn1@example.org home 10.1.0.1 ha 192.0.2.1 key "$D/k1")" = unchanged ]
t "key0 replace with another key: replaced" \
	[ "$(mk key0 replace 256 nai mn1@example.org home 10.1.0.1 ha 192.0.2.1 key "$D/k2" aead chacha20-poly1305 window 30)" = replaced ]
t "key0 add, raw 64-byte key from stdin" \
	mk key0 add 257 nai mn2@example.org home 10.1.0.2 ha 192.0.2.1 key - replay nonce <"$D/k3" >/dev/null
out=$(mk -j key0 show)
t "key0 show -j: every field as given" \
	pyj "$out" '[(e["spi"], e["nai"], e["home"], e["ha"], e["aead"], e["auth"], e["replay"], e["window"]) for e in d] == [(256, "mn1@example.org", "10.1.0.1", "192.0.2.1", "chacha20-poly1305", "hmac-sha256", "timestamp", 30), (257, "mn2@example.org", "10.1.0.2", "192.0.2.1", "aes-256-gcm", "hmac-sha256", "nonce", 7)]'
t "key0 fingerprints match an independent KBKDF (hex 48-byte and raw 64-byte keys)" \
	pyj "$out" "[e['fingerprint'] for e in d] == ['$(fpr "$D/k2")', '$(fpr "$D/k3")']"
t "key0 show SPI -j: that entry only" \
	pyj "$(mk -j key0 show 257)" 'len(d) == 1 and d[0]["spi"] == 257'
t "key0 add with a NAI already used: the kernel's message" \
	fails 1 "kernel says: " mk key0 add 258 nai mn1@example.org home 10.1.0.3 ha 192.0.2.1 key "$D/k4"
t "key0 add with hmac-md5 without legacy: the kernel's message" \
	fails 1 "kernel says: .*(legacy|MD5)" mk key0 add 259 nai mn4@example.org home 10.1.0.4 ha 192.0.2.1 key "$D/k4" auth hmac-md5
t "key0 del" mk key0 del 257
t "key0 show of a deleted SPI: exit 1, the kernel's message" \
	fails 1 "kernel says: " mk key0 show 257
t "key0 flush prints the count" [ "$(mk key0 flush)" = "key0: 1 flushed" ]
t "key0 show after flush: nothing" [ -z "$(mk key0 show)" ]

# Peers
t "peer add" [ "$(mk peer add 192.0.2.2 spi 300 key "$D/k4")" = added ]
t "peer replace: replaced" \
	[ "$(mk peer replace 192.0.2.2 spi 301 key "$D/k1" aead chacha20-poly1305)" = replaced ]
t "peer show -j: fields and fingerprint" \
	pyj "$(mk -j peer show)" "d == [{'addr': '192.0.2.2', 'spi': 301, 'aead': 'chacha20-poly1305', 'auth': 'hmac-sha256', 'fingerprint': '$(fpr "$D/k1")'}]"
mk peer del 192.0.2.2
t "peer del, then show ADDR fails" fails 1 "kernel says: " mk peer show 192.0.2.2

# KDC
t "kdc set every parameter" \
	mk kdc set mode semi seed "$D/seed" groups modp3072,x25519 min-dh-bits 128 \
		transforms aes-gcm-256,hmac-sha256-128 lifetime 600 legacy on insecure off \
		user-group "$D/dh.pem"
t "kdc show -j: as set, the seed by its fingerprint" \
	pyj "$(mk -j kdc show)" "d == {'mode': 'semi', 'seed_fingerprint': '$(fpr "$D/seed")', 'groups': ['modp3072', 'x25519'], 'min_dh_bits': 128, 'transforms': ['aes-gcm-256', 'hmac-sha256-128'], 'lifetime': 600, 'legacy': True, 'insecure': False, 'user_group': {'bits': 2048, 'generator': 2}, 'sa_mode': 'transport', 'sa_policy': 'none', 'sa_ah': False}"
t "kdc set a group the kernel does not know: its message" \
	fails 1 "kernel says: " mk kdc set groups 99
t "kdc set user-group none" \
	mk kdc set user-group none
t "and it is gone" pyj "$(mk -j kdc show)" 'd["user_group"] is None'

# load and showconf
fresh
cat >"$D/a.conf" <<CONF
# three mobile nodes and a foreign agent
[node]
role = ha
vendor = 32473

[kdc]
mode = stateful
lifetime = 1200

[key0 mn1]
spi = 1001
nai = mn1@example.org
home = 10.1.0.1
ha = 192.0.2.1
key = $(cat "$D/k1")

[mn mn2]
spi = 1002
nai = mn2@example.org
home = 10.1.0.2
ha = 192.0.2.1
key-file = k2
aead = chacha20-poly1305

include conf.d/*.conf
CONF
mkdir "$D/conf.d"
cat >"$D/conf.d/more.conf" <<CONF
[key0 mn3]
spi = 1003
nai = mn3@example.org
home = 10.1.0.3
ha = 192.0.2.1
key-file = ../k3
replay = nonce
window = 60

[peer 192.0.2.2]
spi = 300
key-file = ../k4
CONF
t "load: everything added" \
	[ "$(mk load "$D/a.conf")" = "key0: 3 added, 0 replaced, 0 unchanged, 0 deleted; peers: 1 added, 0 replaced, 0 unchanged, 0 deleted" ]
mk showconf >"$D/shown"
expect_conf() {
	cat <<CONF
[node]
role = ha
vendor = 32473
[kdc]
mode = stateful
groups = x25519,modp3072,modp2048
min-dh-bits = 112
transforms = aes-gcm-128,aes-gcm-256,chacha20-poly1305,hmac-sha256-128
lifetime = 1200
legacy = off
insecure = off
user-group = none
sa-mode = transport
sa-policy = none
sa-ah = off
[key0 mn1@example.org]
spi = 1001
nai = mn1@example.org
home = 10.1.0.1
ha = 192.0.2.1
aead = aes-256-gcm
auth = hmac-sha256
replay = timestamp
window = 7
[key0 mn2@example.org]
spi = 1002
nai = mn2@example.org
home = 10.1.0.2
ha = 192.0.2.1
aead = chacha20-poly1305
auth = hmac-sha256
replay = timestamp
window = 7
[key0 mn3@example.org]
spi = 1003
nai = mn3@example.org
home = 10.1.0.3
ha = 192.0.2.1
aead = aes-256-gcm
auth = hmac-sha256
replay = nonce
window = 60
[peer 192.0.2.2]
spi = 300
aead = aes-256-gcm
auth = hmac-sha256
CONF
}
t "showconf: the file's configuration (comments and blank lines aside)" \
	diff -u <(expect_conf) <(grep -v '^#' "$D/shown" | grep -v '^$')
t "showconf: each key as its fingerprint" \
	[ "$(grep '^# key fingerprint' "$D/shown" | awk '{print $4}')" = "$(for k in k1 k2 k3 k4; do fpr "$D/$k"; done)" ]
t "load again: everything unchanged" \
	[ "$(mk load "$D/a.conf")" = "key0: 0 added, 0 replaced, 3 unchanged, 0 deleted; peers: 0 added, 0 replaced, 1 unchanged, 0 deleted" ]
sed -i 's/^window = 60$/window = 90/' "$D/conf.d/more.conf"
sed -i '/^\[mn mn2\]$/,/^aead/d' "$D/a.conf"
t "one entry edited, one removed: 1 replaced, 1 deleted, the rest unchanged" \
	[ "$(mk load "$D/a.conf")" = "key0: 0 added, 1 replaced, 1 unchanged, 1 deleted; peers: 0 added, 0 replaced, 1 unchanged, 0 deleted" ]
mk showconf >"$D/before"
printf '\n[key0 bad]\nspi = 1004\nnai = mn4@example.org\nhome = 10.1.0.300\nha = 192.0.2.1\nkey-file = k1\n' >>"$D/a.conf"
printf '\n[key0 new]\nspi = 1005\nnai = mn5@example.org\nhome = 10.1.0.5\nha = 192.0.2.1\nkey-file = k2\n' >>"$D/a.conf"
t "a load with a bad entry: its FILE:LINE, exit 1" \
	fails 1 "a.conf:[0-9]+: .*10.1.0.300.*" mk load "$D/a.conf"
mk showconf >"$D/after"
t "and nothing changed" cmp -s "$D/before" "$D/after"
sed -i '/^\[key0 bad\]$/,/^key-file = k1$/d' "$D/a.conf"
printf '\n[kdc]\ngroups = 99\n' >"$D/kdc.conf"
sed -i '/^\[kdc\]$/,/^lifetime/d' "$D/a.conf"
echo "include kdc.conf" >>"$D/a.conf"
t "a load the kernel refuses: the kernel's message, exit 1" \
	fails 1 "kernel says: " mk load "$D/a.conf"
mk showconf >"$D/after"
t "and no entry changed" \
	diff <(grep -A100 '^\[key0' "$D/before") <(grep -A100 '^\[key0' "$D/after")
t "without CAP_NET_ADMIN over the namespace: refused" \
	fails 1 "Operation not permitted" unshare --user --map-root-user "$TOOL" key0 flush

# keyhex FILE: the key in FILE, in hex, as the tool reads it
keyhex() {
	"$PY" - "$1" <<'PY'
import string, sys
raw = open(sys.argv[1], "rb").read()
text = raw.decode("latin-1").rstrip("\r\n")
print(text.lower() if all(c in string.hexdigits for c in text) else raw.hex())
PY
}
leaks() {
	local k h

	for k in k1 k2 k3 k4 seed; do
		h=$(keyhex "$D/$k")
		# any 16 bytes of it, in hex, anywhere in the output
		for i in 0 32 64; do
			[ -n "${h:i:32}" ] || continue
			if grep -qiF -- "${h:i:32}" "$LOG"; then
				echo "# $k found in the output"
				return 1
			fi
		done
	done
	[ -s "$LOG" ]
}
t "no key appears in any output of the tool" leaks

tap_exit
