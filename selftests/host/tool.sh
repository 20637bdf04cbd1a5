#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The tool's command line on the host, where the module is not loaded: help,
# usage errors (exit 2, nothing sent to the kernel), key files, the
# configuration parser (load --check), genkey, and the error when the module
# is missing (exit 1). Kernel-side behaviour is tested in the VM
# (selftests/kernel/tool.sh, provision.sh).

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib.sh"
TOOL=${MIPKEX_TOOL:-$HERE/../../userspace/mipkex}

[ -x "$TOOL" ] || tap_skip_all "$TOOL not built"
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT

# t DESCRIPTION STATUS STDERR-REGEX|'' ARGS...: the tool exits STATUS and
# its stderr matches
t() {
	local desc=$1 want=$2 re=$3 out rc
	shift 3
	out=$("$TOOL" "$@" 2>&1 >/dev/null </dev/null)
	rc=$?
	if [ "$rc" = "$want" ] && { [ -z "$re" ] || grep -Eq -- "$re" <<<"$out"; }; then
		tap_ok "$desc"
	else
		echo "# got status $rc, stderr: $out"
		tap_not_ok "$desc"
	fi
}
# c DESCRIPTION CMD...: ok if CMD succeeds
c() { local d=$1; shift; "$@"; tap_result $? "$d"; }

# A valid entry's words, and key files of every kind.
umask 077
"$TOOL" genkey >"$D/hex32"
"$TOOL" genkey 64 | tr -d '\n' >"$D/hex64"
head -c 32 /dev/urandom >"$D/raw32"
head -c 64 /dev/urandom >"$D/raw64"
head -c 31 /dev/urandom >"$D/raw31"
head -c 65 /dev/urandom >"$D/raw65"
printf '%062d\n' 0 >"$D/hex31"
printf '%063d\n' 0 >"$D/hexodd"
printf '%0130d\n' 0 >"$D/hex65"
HEXKEY=$(cat "$D/hex32")
E=(nai mn1@example.org home 10.1.0.1 ha 192.0.2.1)

tap_plan 79

t "--help exits 0" 0 "" --help
t "help command exits 0" 0 "" help
t "-h exits 0" 0 "" -h
c "--help documents set role, key0 add, load" \
	bash -c '"$1" --help | grep -q "set role {none|mn|fa|ha}" && "$1" --help | grep -q "key0 add|replace SPI" && "$1" --help | grep -q "load \[--check\] FILE"' - "$TOOL"
c "-V prints the version" \
	bash -c '"$1" -V | grep -Eq "^mipkex .+ \(netlink family version 1\)$"' - "$TOOL"
t "no command is a usage error" 2 "Usage:"
t "unknown command" 2 'unknown command "frobnicate"' frobnicate
t "ambiguous abbreviation" 2 '"s" is ambiguous' s
t "ambiguous abbreviation: k (key0, kdc)" 2 '"k" is ambiguous' k
t "unknown option" 2 "" --frobnicate
t "set without a setting" 2 "what to set" set
t "set an unknown setting" 2 'unknown setting "colour"' set colour blue
t "set role without a role" 2 "which role" set role
t "set role with a bad role" 2 '"admin" is not none, mn, fa, ha or 0-255' set role admin
t "set role with trailing words" 2 'unexpected "extra"' set role ha extra
t "set vendor 0" 2 'not an enterprise number from 1 to 16777215' set vendor 0
t "set vendor 2^24" 2 'not an enterprise number' set vendor 16777216
t "show with trailing words" 2 'unexpected "extra"' show extra

# key0 and peer arguments
t "key0 without a command" 2 "add, replace, del, show or flush" key0
t "key0 unknown command" 2 'unknown command "frob"' key0 frob
t "key0 add: a key on the command line is refused" 2 \
	"keys are not accepted on the command line" key0 add 256 "${E[@]}" key "$HEXKEY"
t "key0 add: SPI below 256" 2 'SPI "255" is not a number from 256' key0 add 255 "${E[@]}" key "$D/hex32"
t "key0 add: SPI not a number" 2 'SPI "x1" is not a number' key0 add x1 "${E[@]}" key "$D/hex32"
t "key0 add: SPI above 2^32-1" 2 'SPI "4294967296"' key0 add 4294967296 "${E[@]}" key "$D/hex32"
t "key0 add: bad home address" 2 '"10.1.0.256" is not an IPv4 address' key0 add 256 nai a@b home 10.1.0.256 ha 192.0.2.1 key "$D/hex32"
t "key0 add: unknown option" 2 'unknown option "colour"' key0 add 256 "${E[@]}" key "$D/hex32" colour red
t "key0 add: ambiguous option (h: home, ha)" 2 '"h" is ambiguous' key0 add 256 h 10.1.0.1
t "key0 add: option without a value" 2 "window needs a value" key0 add 256 "${E[@]}" key "$D/hex32" window
t "key0 add: option twice" 2 "nai given twice" key0 add 256 "${E[@]}" nai x@y key "$D/hex32"
t "key0 add: missing key" 2 "key is missing" key0 add 256 "${E[@]}"
t "key0 add: bad aead" 2 'aead "aes" is not' key0 add 256 "${E[@]}" key "$D/hex32" aead aes
t "key0 add: window 0" 2 'window "0" is not 1 to 3600' key0 add 256 "${E[@]}" key "$D/hex32" window 0
t "key0 add: NAI with a space" 2 "no space" key0 add 256 nai "a b" home 10.1.0.1 ha 192.0.2.1 key "$D/hex32"
t "key0 add: raw key of 31 bytes" 1 "31 bytes: a raw key is 32 to 64 bytes" key0 add 256 "${E[@]}" key "$D/raw31"
t "key0 add: raw key of 65 bytes" 1 "65 bytes: a raw key is 32 to 64 bytes" key0 add 256 "${E[@]}" key "$D/raw65"
t "key0 add: hex key of 62 digits" 1 "hex key is 64 to 128 hex digits .*not 62" key0 add 256 "${E[@]}" key "$D/hex31"
t "key0 add: hex key of 63 digits" 1 "not 63" key0 add 256 "${E[@]}" key "$D/hexodd"
t "key0 add: hex key of 130 digits" 1 "longer than|not 130" key0 add 256 "${E[@]}" key "$D/hex65"
t "key0 add: missing key file" 1 "cannot open" key0 add 256 "${E[@]}" key "$D/nonexistent"
chmod 644 "$D/hex32"
out=$("$TOOL" key0 add 256 "${E[@]}" key "$D/hex32" 2>&1)
c "a key file readable by others: warning, then on (no module here)" \
	grep -q "warning: .*hex32 is accessible by group or others (mode 0644)" <<<"$out"
chmod 600 "$D/hex32"
t "key0 del: bad SPI" 2 'SPI "12"' key0 del 12
t "key0 show: trailing words" 2 'unexpected "x"' key0 show 256 x
t "peer add: bad address" 2 '"192.0.2" is not an IPv4 address' peer add 192.0.2 spi 300 key "$D/hex32"
t "peer add: missing spi" 2 "spi is missing" peer add 192.0.2.2 key "$D/hex32"
t "kdc set: unknown parameter" 2 'unknown parameter "colour"' kdc set colour red
t "kdc set: unknown group" 2 'group "ecp256" is not' kdc set groups x25519,ecp256
t "kdc set: group twice" 2 'given twice' kdc set groups x25519,31
t "kdc set: lifetime 59" 2 'lifetime "59" is not 60 to 86400' kdc set lifetime 59
t "kdc set: user-group not PEM" 1 'no "DH PARAMETERS" PEM block' kdc set user-group "$D/hex32"
t "kdc set: sa-mode beet" 2 'sa-mode "beet" is not transport or tunnel' kdc set sa-mode beet
t "kdc set: sa-policy all" 2 'sa-policy "all" is not none, pair or tunnel' kdc set sa-mode tunnel sa-policy all
t "kdc set: sa-mode twice" 2 'sa-mode given twice' kdc set sa-m tunnel sa-mode transport
t "kdc set: sa is ambiguous (sa-mode, sa-policy)" 2 '"sa" is ambiguous' kdc set sa tunnel
t "kdc set: sa-policy without a value" 2 'sa-policy needs a value' kdc set sa-policy
c "--help documents show sa, and kdc set sa-mode and sa-policy" \
	bash -c '"$1" --help | grep -q "show sa \[HOME \[ha ADDR\]\]" && "$1" --help | grep -q "\[sa-mode transport|tunnel\] \[sa-policy none|pair|tunnel\]"' - "$TOOL"

# show sa / sa show
t "show sa: bad home address" 2 'show sa: "10.1.0" is not an IPv4 home address' show sa 10.1.0
t "show sa: ha without an address" 2 'show sa: ha: which address' show sa 10.1.0.1 ha
t "show sa: trailing words" 2 'show sa: unexpected "x"' show sa 10.1.0.1 ha 192.0.2.1 x
t "sa: unknown command" 2 'sa: show\? \(not "frob"\)' sa frob
t "sa show: bad HA address" 2 '"192.0.2" is not an IPv4 address' sa show 10.1.0.1 ha 192.0.2

# genkey
k1=$("$TOOL" genkey) k2=$("$TOOL" genkey)
c "genkey: 64 lower-case hex digits" grep -Eqx '[0-9a-f]{64}' <<<"$k1"
c "genkey: two keys differ" [ "$k1" != "$k2" ]
c "genkey 64: 128 hex digits" bash -c '"$1" genkey 64 | grep -Eqx "[0-9a-f]{128}"' - "$TOOL"
t "genkey 31: out of range" 2 "32 to 64 bytes" genkey 31

# The configuration parser (load --check: no kernel needed)
mkdir "$D/conf.d"
cat >"$D/ok.conf" <<CONF
# comment
[node]
role = ha   # trailing comment
vendor = 32473
[kdc]
mode = semi
seed-file = raw64
groups = x25519,modp3072
sa-mode = tunnel
sa-policy = pair
[key0 a]
spi = 256
nai = a#1@example.org
home = 10.1.0.1
ha = 192.0.2.1
key = $HEXKEY
[mn b]
spi = 257
nai = b@example.org
home = 10.1.0.2
ha = 192.0.2.1
key-file = raw32
[peer 192.0.2.2]
spi = 300
key-file = hex64
include conf.d/*.conf
CONF
printf '[key0 c]\nspi = 258\nnai = c@example.org\nhome = 10.1.0.3\nha = 192.0.2.1\nkey-file = ../hex32\n' >"$D/conf.d/c.conf"
out=$("$TOOL" load --check "$D/ok.conf" 2>&1)
c "load --check of a valid file with an include (and sa-mode, sa-policy)" \
	grep -q "node, kdc, 3 key0 entries, 1 peers: OK" <<<"$out"
printf '[kdc]\nsa-mode = beet\nsa-policy = all\n' >"$D/xfrm.conf"
out=$("$TOOL" load --check "$D/xfrm.conf" 2>&1)
rc=$?
c "load --check: bad sa-mode, sa-policy: exit 1" [ "$rc" = 1 ]
c "config error reported as xfrm.conf:2: sa-mode" \
	grep -q 'xfrm.conf:2: sa-mode "beet" is not transport or tunnel' <<<"$out"
c "config error reported as xfrm.conf:3: sa-policy" \
	grep -q 'xfrm.conf:3: sa-policy "all" is not none, pair or tunnel' <<<"$out"
cat >"$D/bad.conf" <<CONF
[key0 a]
spi = 100
nai = a@example.org
home = 10.1.0.1
ha = 192.0.2.1
key = 1234
[key0 b]
spi = 257
nai = a@example.org
home = 10.1.0.2
ha = 192.0.2.1
key-file = raw31
colour = red
spi = 258
[weird]
orphan = 1
not a line
include nonexistent.conf
CONF
out=$("$TOOL" load "$D/bad.conf" 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
c "load of a bad file: exit 1, nothing changed" \
	bash -c '[ "$1" = 1 ] && grep -q "2 errors\|errors, nothing changed" <<<"$2"' - "$rc" "$out"
for want in "bad.conf:2: SPI \"100\" is not a number from 256" \
	"bad.conf:6: a key is 64 to 128 hex digits" \
	"bad.conf:12: .*31 bytes" \
	"bad.conf:13: unknown key \"colour\"" \
	"bad.conf:14: spi given twice" \
	"bad.conf:15: unknown section \[weird\]" \
	"bad.conf:17: expected KEY = VALUE" \
	"bad.conf:18: cannot include .*nonexistent.conf" \
	"bad.conf:7: NAI a@example.org is also at .*bad.conf:1"; do
	c "config error reported as $want" grep -Eq -- "$want" <<<"$out"
done

if [ -d /sys/module/mipkex ]; then
	tap_skip "module missing is an error" "mipkex is loaded here"
else
	t "module missing is an error" 1 "is the mipkex module loaded" show
fi
tap_exit
