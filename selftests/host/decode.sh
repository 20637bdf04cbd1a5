#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "mipkex decode" on the host: the RFC 5944 worked example (request, NAI,
# MN-HA authentication with HMAC-MD5) as hex, file and pcap, in text and
# JSON; a truncated copy; captures in every supported link type, a fragment
# and a datagram on another port; a reply with a CVSE; messages carrying every
# kind of mipkex element (Documentation/protocol.rst sections 4-7), built here
# from the document and not from the C code, and malformed ones; keys in clear
# never printed; usage errors. If tshark is installed, its dissection of the
# same capture must agree. Needs /usr/bin/python3 (standard library only).

set -u
TOOL=${MIPKEX_TOOL:-$(dirname "$0")/../../userspace/mipkex}
PY=/usr/bin/python3

echo "TAP version 13"
if [ ! -x "$TOOL" ]; then
	echo "1..0 # SKIP $TOOL not built"
	exit 4
fi
if [ ! -x "$PY" ]; then
	echo "1..0 # SKIP $PY missing"
	exit 4
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
ok() { tap_result "$@"; } # status description

skip() { # description reason
	tap_skip "$1" "$2"
}

# Run the tool; its stdout in $TMP/out, stderr in $TMP/err, status in $rc.
run() {
	"$TOOL" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
}

# A Python check of $TMP/out as JSON: "d" is the parsed array.
json_check() { # python-expression...
	"$PY" - "$TMP/out" "$@" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
for expr in sys.argv[2:]:
    if not eval(expr):
        print("# failed: " + expr)
        sys.exit(1)
EOF
}

# The worked example: RFC 5944 registration request, key "0123456789abcdef",
# SPI 0x100, NAI alice@example.org, MN-HA authentication HMAC-MD5 over bytes
# 0..48 (type 1, flags T, lifetime 1800, 10.1.1.1 / 10.0.0.1 / 10.0.0.2).
RRQ="01 02 07 08 0a 01 01 01 0a 00 00 01 0a 00 00 02 e0 00 00 00 12 34 56 78
83 11 61 6c 69 63 65 40 65 78 61 6d 70 6c 65 2e 6f 72 67
20 14 00 00 01 00 85 27 e7 b5 14 eb c4 cd 48 f3 dc 3f a1 67 a7 20"
RRQ_HEX=$(printf %s "$RRQ" | tr -d ' \n')
# The same without the authenticator's last byte.
TRUNC=${RRQ% 20}
# A reply: code 0, lifetime 600, a CVSE of the documentation PEN (vendor type
# 7, value 010203), MN-HA authentication.
RRP="03 00 02 58 0a 01 01 01 0a 00 00 01 e0 00 00 00 12 34 56 78
26 00 00 09 00 00 7e d9 00 07 01 02 03
20 14 00 00 01 00 00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff"

echo "1..69"

# --- hex, text ---------------------------------------------------------------
run decode hex "$RRQ"
ok "$rc" "decode hex of the worked example exits 0"
grep -qx '  type: 1 (registration request)' "$TMP/out" &&
	grep -qx '  flags: 0x02 T (reverse tunnelling)' "$TMP/out" &&
	grep -qx '  lifetime: 1800 s' "$TMP/out"
ok $? "text: type, flags and lifetime"
grep -qx '  home address: 10.1.1.1' "$TMP/out" &&
	grep -qx '  home agent: 10.0.0.1' "$TMP/out" &&
	grep -qx '  care-of address: 10.0.0.2' "$TMP/out" &&
	grep -qx '  identification: e000000012345678' "$TMP/out"
ok $? "text: addresses and identification"
grep -qx '  extension at offset 24: type 131 NAI, length 17' "$TMP/out" &&
	grep -qx '    nai: "alice@example.org"' "$TMP/out"
ok $? "text: NAI extension"
grep -qx '  extension at offset 43: type 32 MN-HA authentication, length 20' "$TMP/out" &&
	grep -qx '    spi: 0x00000100 (256)' "$TMP/out" &&
	grep -qx '    authenticator: 8527e7b514ebc4cd48f3dc3fa167a720' "$TMP/out" &&
	grep -qx '    covers bytes 0..48' "$TMP/out" &&
	grep -qx '  result: well formed' "$TMP/out"
ok $? "text: MN-HA authentication extension"

# --- hex, JSON ---------------------------------------------------------------
run -j decode hex "$RRQ"
[ "$rc" = 0 ] && json_check 'len(d) == 1' 'd[0]["valid"] is True' \
	'd[0]["error"] is None' 'd[0]["type"] == 1' \
	'd[0]["type_name"] == "request"' 'd[0]["length"] == 65' \
	'd[0]["flags"] == 2' 'd[0]["flag"]["T"] is True' \
	'sum(d[0]["flag"].values()) == 1' 'd[0]["lifetime"] == 1800'
ok $? "JSON: fixed part, type and flags"
json_check 'd[0]["home_address"] == "10.1.1.1"' \
	'd[0]["home_agent"] == "10.0.0.1"' \
	'd[0]["care_of_address"] == "10.0.0.2"' \
	'd[0]["identification"] == "e000000012345678"'
ok $? "JSON: addresses and identification"
json_check 'len(d[0]["extensions"]) == 2' \
	'[(e["offset"], e["type"], e["length"]) for e in d[0]["extensions"]] == [(24, 131, 17), (43, 32, 20)]' \
	'd[0]["extensions"][0]["name"] == "NAI"' \
	'd[0]["extensions"][0]["nai"] == "alice@example.org"' \
	'd[0]["extensions"][1]["name"] == "MN-HA authentication"' \
	'd[0]["extensions"][1]["spi"] == 256' \
	'd[0]["extensions"][1]["authenticator"] == "8527e7b514ebc4cd48f3dc3fa167a720"' \
	'd[0]["extensions"][1]["covered_len"] == 49'
ok $? "JSON: extensions"
cp "$TMP/out" "$TMP/rrq.json"
run -j -p decode hex "$RRQ"
[ "$rc" = 0 ] && grep -q '^  {$' "$TMP/out" &&
	"$PY" -c 'import json, sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' \
		"$TMP/out" "$TMP/rrq.json"
ok $? "JSON: -p indents the same document"

# two words: "01:02:...:78" and "83:11:...:20"
run -j decode hex "${RRQ_HEX:0:48}" "$(printf %s "$RRQ" | tr ' \n' '::' | cut -c73-)"
[ "$rc" = 0 ] && cmp -s "$TMP/out" "$TMP/rrq.json"
ok $? "hex: colons and several words give the same message"

# --- truncated ---------------------------------------------------------------
run decode hex "$TRUNC"
[ "$rc" = 1 ] &&
	grep -qx '  error at offset 43: extension length runs past the end' "$TMP/out" &&
	grep -qx '    nai: "alice@example.org"' "$TMP/out" &&
	grep -qx '  result: malformed' "$TMP/out"
ok $? "truncated: exit 1, the error and its offset, the NAI still decoded"
run -j decode hex "$TRUNC"
[ "$rc" = 1 ] && json_check 'd[0]["valid"] is False' \
	'd[0]["error"]["message"] == "extension length runs past the end"' \
	'd[0]["error"]["offset"] == 43' 'd[0]["error"]["ext_type"] == 32' \
	'd[0]["error"]["ext_length"] == 20' \
	'[e["type"] for e in d[0]["extensions"]] == [131]' \
	'd[0]["lifetime"] == 1800'
ok $? "truncated: JSON error, offset and what was decodable"
run decode hex 01 02 07
[ "$rc" = 1 ] && grep -q 'error at offset 0: message shorter than its fixed part' "$TMP/out"
ok $? "short fixed part: exit 1 and the error"

# --- a reply -----------------------------------------------------------------
# Its CVSE is of the documentation PEN, mipkex's default vendor, and its
# vendor type 7 (a transform) may not stand alone in a CVSE: decoded for
# another vendor, the CVSE is left raw. (The codec's wording for the error
# changed once; either is the codec's.)
run decode --vendor 4242 hex "$RRP"
[ "$rc" = 0 ] && grep -qx '  code: 0 (registration accepted)' "$TMP/out" &&
	grep -qx '    vendor: 32473 (documentation PEN, RFC 5612)' "$TMP/out" &&
	grep -qx '    vendor type: 7' "$TMP/out" &&
	grep -qx '    value: 010203' "$TMP/out" &&
	! grep -q 'care-of' "$TMP/out"
ok $? "reply: code meaning and CVSE vendor, type and value (another vendor)"
run decode hex "$RRP"
[ "$rc" = 1 ] && grep -qx '    vendor type: 7 (transform)' "$TMP/out" &&
	grep -Eqx '  error at offset 20: (reserved vendor type|proposal or transform outside an SA payload)' "$TMP/out" &&
	grep -qx '  bad element: CVSE vendor type 7 (transform)' "$TMP/out" &&
	grep -qx '  result: malformed' "$TMP/out"
ok $? "reply: a transform alone in a CVSE of the default vendor is malformed (exit 1)"

# --- file ----------------------------------------------------------------------
"$PY" -c 'import sys; open(sys.argv[1], "wb").write(bytes.fromhex(sys.argv[2]))' \
		"$TMP/rrq.bin" "$RRQ_HEX"
run -j decode file "$TMP/rrq.bin"
[ "$rc" = 0 ] && cmp -s "$TMP/out" "$TMP/rrq.json"
ok $? "file: raw payload decodes as the hex does"
"$TOOL" -j decode file - <"$TMP/rrq.bin" >"$TMP/out" 2>/dev/null &&
	cmp -s "$TMP/out" "$TMP/rrq.json"
ok $? "file: - reads stdin"
run decode file "$TMP/missing"
[ "$rc" = 1 ] && grep -q 'missing' "$TMP/err"
ok $? "file: a missing file is an error (exit 1)"

# --- pcap ----------------------------------------------------------------------
# mkpcap OUT LINKTYPE FRAME... ; FRAME is kind:sport:dport[:hexpayload]
# with kind udp (one datagram), frag (first fragment, MF set) or cut (IP total
# length beyond what was captured).
mkpcap() {
	"$PY" - "$@" <<'EOF'
import struct, sys

out, linktype, frames = sys.argv[1], int(sys.argv[2]), sys.argv[3:]

def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def ipv4(payload, proto, frag=0, extra_len=0):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload) + extra_len,
                      0x1234, frag, 64, proto, 0,
                      bytes([10, 0, 0, 2]), bytes([10, 0, 0, 1]))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload

def link(ip):
    if linktype == 1:       # Ethernet
        return b"\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02\x08\x00" + ip
    if linktype == 113:     # Linux cooked v1
        return struct.pack("!HHH8sH", 0, 1, 6, b"\x02" * 6 + b"\0\0", 0x0800) + ip
    if linktype == 276:     # Linux cooked v2
        return struct.pack("!HHIHBB8s", 0x0800, 0, 2, 1, 0, 6, b"\x02" * 6 + b"\0\0") + ip
    return ip               # 101 raw IP, 228 IPv4

with open(out, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, linktype))
    for i, spec in enumerate(frames):
        kind, sport, dport, *rest = spec.split(":")
        payload = bytes.fromhex(rest[0]) if rest else b"hello"
        udp = struct.pack("!HHHH", int(sport), int(dport), 8 + len(payload), 0) + payload
        if kind == "frag":
            frame = link(ipv4(udp, 17, frag=0x2000))
        elif kind == "cut":
            frame = link(ipv4(udp, 17, extra_len=100))
        else:
            frame = link(ipv4(udp, 17))
        f.write(struct.pack("<IIII", 1700000000 + i, 0, len(frame), len(frame)) + frame)
EOF
}

mkpcap "$TMP/eth.pcap" 1 "udp:5353:5353" "udp:434:434:$RRQ_HEX"
run -j decode pcap "$TMP/eth.pcap"
[ "$rc" = 0 ] && json_check 'len(d) == 1' 'd[0]["frame"] == 2' \
	'd[0]["src"] == "10.0.0.2" and d[0]["dst"] == "10.0.0.1"' \
	'd[0]["sport"] == 434 and d[0]["dport"] == 434' \
	'd[0]["index"] == 1'
ok $? "pcap: Ethernet capture with a port 434 and another datagram gives one message"
"$PY" - "$TMP/out" "$TMP/rrq.json" <<'EOF'
import json, sys
a = json.load(open(sys.argv[1]))[0]
b = json.load(open(sys.argv[2]))[0]
for k in ("frame", "time", "src", "sport", "dst", "dport"):
    a.pop(k)
sys.exit(a != b)
EOF
ok $? "pcap: the message decodes as the hex does"
if command -v tshark >/dev/null 2>&1; then
	t=$(tshark -r "$TMP/eth.pcap" -Y mip -T fields -E 'separator=;' \
		-e mip.ext.type -e mip.ext.len 2>/dev/null)
	m=$("$PY" -c 'import json, sys
e = json.load(open(sys.argv[1]))[0]["extensions"]
print(",".join(str(x["type"]) for x in e) + ";" + ",".join(str(x["length"]) for x in e))' "$TMP/out")
	[ -n "$t" ] && [ "$t" = "$m" ]
	ok $? "pcap: tshark agrees on extension types and lengths ($t)"
	t=$(tshark -r "$TMP/eth.pcap" -Y mip -T fields -E 'separator=;' \
		-e mip.flags -e mip.life -e mip.homeaddr -e mip.haaddr \
		-e mip.coa -e mip.nai -e mip.auth.spi -e mip.auth.auth 2>/dev/null)
	m=$("$PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))[0]
e = d["extensions"]
print(";".join(["0x%02x" % d["flags"], str(d["lifetime"]), d["home_address"],
      d["home_agent"], d["care_of_address"], e[0]["nai"],
      "0x%08x" % e[1]["spi"], e[1]["authenticator"]]))' "$TMP/out")
	[ -n "$t" ] && [ "$t" = "$m" ]
	ok $? "pcap: tshark agrees on flags, lifetime, addresses, NAI, SPI and authenticator"
else
	skip "pcap: tshark agrees on extension types and lengths" "no tshark"
	skip "pcap: tshark agrees on flags, lifetime, addresses, NAI, SPI and authenticator" "no tshark"
fi
run decode pcap "$TMP/eth.pcap"
[ "$rc" = 0 ] && grep -q '^message 1: frame 2, time 1700000001.000000, 10.0.0.2:434 -> 10.0.0.1:434, 65 bytes$' "$TMP/out" &&
	grep -qx '    covers bytes 0..48' "$TMP/out" && [ "$(grep -c '^message' "$TMP/out")" = 1 ]
ok $? "pcap: text names the frame, the addresses and the message"

for lt in 113 276 101 228; do
	mkpcap "$TMP/lt$lt.pcap" $lt "udp:434:1025:$RRQ_HEX"
done
lt_ok=0
for lt in 113 276 101 228; do
	run -j decode pcap "$TMP/lt$lt.pcap"
	if [ "$rc" != 0 ] || ! json_check 'len(d) == 1' 'd[0]["valid"]' \
		'd[0]["extensions"][0]["nai"] == "alice@example.org"'; then
		echo "# link type $lt: status $rc"
		lt_ok=1
	fi
done
ok $lt_ok "pcap: Linux cooked v1 and v2, raw IP and IPv4 link types"

mkpcap "$TMP/frag.pcap" 1 "frag:434:434:$RRQ_HEX" "cut:1025:434:$RRQ_HEX" "udp:434:434:${RRQ_HEX%20}"
run decode pcap "$TMP/frag.pcap"
[ "$rc" = 1 ] && grep -qx 'frame 1, time 1700000000.000000, 10.0.0.2:434 -> 10.0.0.1:434: fragment, skipped' "$TMP/out" &&
	grep -q '^frame 2, .*: truncated capture, skipped$' "$TMP/out" &&
	grep -q 'error at offset 43: extension length runs past the end' "$TMP/out"
ok $? "pcap: a fragment and a cut datagram are skipped, a malformed message gives exit 1"
run -j decode pcap "$TMP/frag.pcap"
[ "$rc" = 1 ] && json_check 'len(d) == 3' 'd[0]["skipped"] == "fragment"' \
	'd[1]["skipped"] == "truncated capture"' '"type" not in d[0]' \
	'd[2]["valid"] is False and d[2]["index"] == 1'
ok $? "pcap: JSON marks skipped datagrams"

printf 'not a capture' >"$TMP/bad.pcap"
run decode pcap "$TMP/bad.pcap"
[ "$rc" = 1 ] && [ -s "$TMP/err" ]
ok $? "pcap: a file that is not a capture is an error (exit 1)"

# --- mipkex elements -----------------------------------------------------------
# Messages built from Documentation/protocol.rst alone (sections 3-7), one
# hex file per message in $TMP/el/, and the keys in clear they carry.
mkelems() {
	"$PY" - "$1" <<'EOF'
import struct, sys

out = sys.argv[1]
VENDOR = 32473                           # 3.3: the default, RFC 5612's PEN
KEY1 = bytes(range(0x60, 0x80))          # 32 bytes, never to be printed
KEY3 = bytes(range(0xe0, 0xf0))          # 16 bytes, never to be printed

def ip(a):
    return bytes(int(x) for x in a.split("."))

def rrq():                               # 3.1, 24-byte fixed part
    return struct.pack("!BBH4s4s4sQ", 1, 0x02, 1800, ip("10.1.1.1"),
                       ip("10.0.0.1"), ip("10.0.0.2"), 0xe000000012345678)

def rrp():                               # 3.1, 20-byte fixed part
    return struct.pack("!BBH4s4sQ", 3, 0, 600, ip("10.1.1.1"),
                       ip("10.0.0.1"), 0xe000000012345678)

def cvse(vtype, value, vendor=VENDOR):   # 3.3, type 38, long format
    return struct.pack("!BBHIH", 38, 0, 6 + len(value), vendor, vtype) + value

def nvse(vtype, value, vendor=VENDOR):   # 3.3, type 134, short format
    return struct.pack("!BBHIH", 134, 8 + len(value), 0, vendor, vtype) + value

def auth(t, spi):                        # 3.2, 16-byte authenticator
    return struct.pack("!BBI", t, 20, spi) + b"\xaa" * 16

def gp(content, info):                   # 5, E = 0, SPI 0
    return struct.pack("!BBI", content, 0, 0) + info

def sealed(content, n, spi):             # 5, E = 1: n bytes and a 16-byte tag
    return struct.pack("!BBI", content, 0x80, spi) + b"\x5c" * n + b"\x7a" * 16

def sa_info(spi, lifetime, key):         # 5.4
    return struct.pack("!IIBB", spi, lifetime, len(key), 0) + key

def attr(t, value):                      # 6.3
    return struct.pack("!HH", t, len(value)) + value

def transform(num, ttype, tid, attrs=b""):                         # 6.3
    return struct.pack("!HHBBHBB", 7, 10 + len(attrs), num, ttype, tid, 1,
                       0) + attrs

def proposal(num, proto, pid, lifetime, spi, xforms, count=None):  # 6.2
    body = b"".join(xforms)
    return struct.pack("!HHBBBBII", 6, 16 + len(body), num, proto, pid,
                       len(xforms) if count is None else count, lifetime,
                       spi) + body

def sa_payload(sub, props):              # 6.1
    return struct.pack("!BB", sub, 0) + b"".join(props)

def ke_group(group, n):                  # 7.1
    return struct.pack("!HH", group, 0) + b"\x11" * n

def ke_user(p, g, pub):                  # 7.2
    return (struct.pack("!H", len(p)) + p + struct.pack("!H", len(g)) + g +
            struct.pack("!H", len(pub)) + pub)

def ke_kdc(mode, spi, key=b""):          # 7.3
    return struct.pack("!BBI", mode, 0, spi) + key

GCM256 = transform(1, 1, 20, attr(14, struct.pack("!H", 256)))
SHA256 = transform(2, 3, 12)
MNHA = sa_payload(1, [proposal(1, 50, 2, 0, 0x1001, [GCM256, SHA256]),
                      proposal(2, 51, 1, 7200, 0x1002, [transform(1, 3, 2)])])
# The MN's MN-FA offer: sub-type 2 (sub-type 3, FA-HA, travels only in an
# NVSE, protocol.rst 4).
MNFA = sa_payload(2, [proposal(1, 50, 2, 0, 0x1003, [transform(1, 1, 28)])])
msgs = {
    # Offsets: NAI 24, CVSEs 38 69 121 141 161 183 241 299 (proposals 311
    # and 353, transforms 327 343 369, attribute 337) 379 417 445, MN-HA
    # 491, NVSEs 513 571 613, FA-HA 625.
    "full": rrq() + bytes([131, 12]) + b"@example.org"
        + cvse(1, gp(0, b"mn1@example.org"))
        + cvse(1, sealed(1, 20, 0x100))
        + cvse(2, gp(0, ip("10.1.1.1")))
        + cvse(2, gp(1, ip("192.0.2.1")))
        + cvse(3, gp(0, bytes.fromhex("02005e005301")))
        + cvse(4, gp(2, sa_info(0x2000, 3600, KEY1)))
        + cvse(4, sealed(0, 26, 0x100))
        + cvse(5, MNHA)
        + cvse(5, MNFA)
        + cvse(1, gp(0, b"other vendor"), vendor=4242)
        + cvse(8, ke_group(31, 32))
        + auth(32, 0x100)
        + nvse(4, sealed(1, 26, 0x101))
        + nvse(4, gp(0, sa_info(0x3000, 600, KEY3)))
        + nvse(200, b"\x01\x02")
        + auth(34, 0x101),
    "imsi": rrp() + cvse(3, gp(1, b"001010123456789"))
        + cvse(8, ke_group(14, 256)) + auth(32, 0x100),
    "min": rrq() + cvse(3, gp(2, b"2015550123"))
        + cvse(9, ke_user(b"\xff" * 256, b"\x02", b"\x33" * 256))
        + auth(32, 0x100),
    "kdc": rrq() + cvse(10, ke_kdc(2, 0x100, b"\x44" * 40)) + auth(32, 0x100),
    "kdcreq": rrq() + cvse(10, ke_kdc(1, 0)) + auth(32, 0x100),
    "legacy": rrq() + cvse(8, ke_group(1, 96)) + auth(32, 0x100),
    # Malformed: a proposal that announces 2 transforms and holds 1 (CVSE
    # at 24, proposal at 36); an attribute cut short (at 68); an NVSE before
    # the MN-HA authentication (at 20); the MN's NAI twice (the second at
    # 53); a key for the FA in clear after the last authentication (at 64);
    # one cut short, its first 8 bytes captured (at 20).
    "count": rrq() + cvse(5, sa_payload(1, [proposal(1, 50, 2, 0, 0x1001,
                                                      [GCM256], count=2)]))
        + auth(32, 0x100),
    "attr": rrq() + cvse(5, sa_payload(1, [proposal(1, 50, 2, 0, 0x1001, [
        transform(1, 1, 20, attr(14, b"\x01\x00") + b"\x00\x0e")])]))
        + auth(32, 0x100),
    "placement": rrp() + nvse(4, sealed(1, 26, 0x101)) + auth(32, 0x100),
    "dup": rrq() + cvse(1, gp(0, b"a@example.org"))
        + cvse(1, gp(0, b"b@example.org")) + auth(32, 0x100),
    "afterauth": rrp() + auth(32, 0x100) + auth(34, 0x101)
        + nvse(4, gp(0, sa_info(0x3000, 600, KEY3))),
    "cutkey": rrp() + nvse(4, gp(0, sa_info(0x3000, 600, KEY3)))[:-8],
    # SA payloads between the FA and the HA (4, 6.5): the MN-FA answer in a
    # CVSE (at 20), MN-HA authentication (at 58), the MN-FA and FA-HA
    # answers in NVSEs (at 80 and 134; proposals at 92 and 146, transforms
    # at 108, 124 and 162), FA-HA authentication (at 172).
    "fasa": rrp() + cvse(5, MNFA) + auth(32, 0x100)
        + nvse(5, sa_payload(2, [proposal(1, 50, 2, 0, 0x401,
                                          [GCM256, transform(2, 1, 28)])]))
        + nvse(5, sa_payload(3, [proposal(1, 50, 1, 600, 0x502,
                                          [SHA256])]))
        + auth(34, 0x101),
    # Misplaced: an FA-HA SA payload in a CVSE (at 20); an MN-HA one in an
    # NVSE (at 42); an NVSE one that no FA-HA authentication follows (at 42;
    # an MN-FA authentication instead), and one in a message without it.
    "cvse3": rrp() + cvse(5, sa_payload(3, [proposal(1, 50, 2, 0, 0x502,
                                                      [GCM256])]))
        + auth(32, 0x100),
    "nvse1": rrp() + auth(32, 0x100) + nvse(5, MNHA) + auth(34, 0x101),
    "mnfaauth": rrp() + auth(32, 0x100) + nvse(5, MNFA) + auth(33, 0x101),
    "nofaha": rrp() + auth(32, 0x100) + nvse(5, MNFA),
}
for name, m in msgs.items():
    open("%s/%s.hex" % (out, name), "w").write(m.hex())
with open(out + "/keys", "w") as f:
    for k in (KEY1, KEY3, KEY1[:8], KEY3[:8]):
        f.write(k.hex() + "\n")
EOF
}
mkdir "$TMP/el"
mkelems "$TMP/el"
el() { cat "$TMP/el/$1.hex"; }
# No output holds a key in clear, nor the first 8 bytes of one.
nokey() { ! grep -qiFf "$TMP/el/keys" "$TMP/out"; }

run decode hex "$(el full)"
[ "$rc" = 0 ] && grep -qx '  result: well formed' "$TMP/out" &&
	grep -qx '  extension at offset 38: type 38 CVSE, length 27' "$TMP/out" &&
	grep -qx '    vendor type: 1 (nai)' "$TMP/out" &&
	grep -qx '    content type: 0 (mn)' "$TMP/out" &&
	grep -qx '    nai: "mn1@example.org"' "$TMP/out" &&
	grep -qx '    content type: 1 (fa)' "$TMP/out" &&
	grep -qx '    E: 1 (INFO encrypted)' "$TMP/out" &&
	grep -qx '    spi: 0x00000100 (256)' "$TMP/out" &&
	grep -qx '    info: encrypted, 20 bytes + 16-byte tag' "$TMP/out"
ok $? "elements, text: NAI in clear and encrypted"
grep -qx '    content type: 0 (mn-or-ha)' "$TMP/out" &&
	grep -qx '    address: 10.1.1.1' "$TMP/out" &&
	grep -qx '    content type: 1 (router)' "$TMP/out" &&
	grep -qx '    address: 192.0.2.1' "$TMP/out" &&
	grep -qx '    content type: 0 (ethernet)' "$TMP/out" &&
	grep -qx '    ethernet: 02:00:5e:00:53:01' "$TMP/out" &&
	grep -qx '    E: 0 (INFO in clear)' "$TMP/out" &&
	grep -qx '    spi: 0x00000000 (0)' "$TMP/out"
ok $? "elements, text: IP addresses and Ethernet address"
grep -qx '    vendor type: 4 (sa)' "$TMP/out" &&
	grep -qx '    content type: 2 (mn-ha)' "$TMP/out" &&
	grep -qx '    sa spi: 0x00002000 (8192)' "$TMP/out" &&
	grep -qx '    lifetime: 3600 s' "$TMP/out" &&
	grep -qx '    key length: 32' "$TMP/out" &&
	grep -qx '    key: 32 bytes, not shown' "$TMP/out" &&
	grep -qx '    value: 0200000000000000200000000e102000 (32 bytes not shown: a key in clear)' "$TMP/out" &&
	grep -qx '    content type: 1 (fa-ha)' "$TMP/out" &&
	grep -qx '    info: encrypted, 26 bytes + 16-byte tag' "$TMP/out" &&
	grep -qx '    key: 16 bytes, not shown' "$TMP/out" && nokey
ok $? "elements, text: SA elements, in clear without the key, and encrypted"
grep -qx '    vendor type: 5 (sa-payload)' "$TMP/out" &&
	grep -qx '    sub-type: 1 (mn-ha)' "$TMP/out" &&
	grep -qx '    proposal at offset 311: number 1' "$TMP/out" &&
	grep -qx '      protocol: 50 (ESP)' "$TMP/out" &&
	grep -qx '      protocol id: 2 (encryption and authentication)' "$TMP/out" &&
	grep -qx '      transform count: 2' "$TMP/out" &&
	grep -qx '      lifetime: 0 (the registration lifetime)' "$TMP/out" &&
	grep -qx '      spi: 0x00001001 (4097)' "$TMP/out" &&
	grep -qx '      transform at offset 327: number 1' "$TMP/out" &&
	grep -qx '        type: 1 (ENCR)' "$TMP/out" &&
	grep -qx '        id: 20 (ENCR_AES_GCM_16)' "$TMP/out" &&
	grep -qx '        keys: 1' "$TMP/out" &&
	grep -qx '        attribute 14 (key length): 256 bits' "$TMP/out" &&
	grep -qx '        id: 12 (AUTH_HMAC_SHA2_256_128)' "$TMP/out" &&
	grep -qx '    proposal at offset 353: number 2' "$TMP/out" &&
	grep -qx '      protocol: 51 (AH)' "$TMP/out" &&
	grep -qx '      protocol id: 1 (authentication only)' "$TMP/out" &&
	grep -qx '      lifetime: 7200 s' "$TMP/out" &&
	grep -qx '        type: 3 (INTEG)' "$TMP/out" &&
	grep -qx '        id: 2 (AUTH_HMAC_SHA1_96)' "$TMP/out" &&
	grep -qx '    sub-type: 2 (mn-fa)' "$TMP/out" &&
	grep -qx '        id: 28 (ENCR_CHACHA20_POLY1305)' "$TMP/out"
ok $? "elements, text: SA payloads, proposals, transforms and attributes"
grep -qx '    vendor type: 8 (ke-group)' "$TMP/out" &&
	grep -qx '    group: 31 (Curve25519)' "$TMP/out" &&
	grep -qx '    public value: 32 bytes' "$TMP/out" &&
	grep -qx "    public value hex: $(printf '11%.0s' {1..32})" "$TMP/out" &&
	grep -qx '    vendor type: 200 (reserved)' "$TMP/out" &&
	grep -qx '    (a reserved vendor type in an NVSE: skipped)' "$TMP/out" &&
	grep -A1 -x '    vendor: 4242' "$TMP/out" | grep -qx '    vendor type: 1' &&
	! grep -q 'element error' "$TMP/out"
ok $? "elements, text: key exchange; a reserved type and another vendor left alone"

run -j decode hex "$(el full)"
[ "$rc" = 0 ] && json_check 'd[0]["valid"] is True' 'd[0]["error"] is None' \
	'[(e["offset"], e["extension"], e["vendor_type"], e["vendor_type_name"]) for e in d[0]["elements"]] == [(38, "cvse", 1, "nai"), (69, "cvse", 1, "nai"), (121, "cvse", 2, "ip"), (141, "cvse", 2, "ip"), (161, "cvse", 3, "l2"), (183, "cvse", 4, "sa"), (241, "cvse", 4, "sa"), (299, "cvse", 5, "sa-payload"), (379, "cvse", 5, "sa-payload"), (445, "cvse", 8, "ke-group"), (513, "nvse", 4, "sa"), (571, "nvse", 4, "sa"), (613, "nvse", 200, "reserved")]' \
	'all(e["error"] is None for e in d[0]["elements"])'
ok $? "elements, JSON: one per vendor extension of the vendor, in order"
json_check 'd[0]["elements"][0]["content_type"] == 0 and d[0]["elements"][0]["content_name"] == "mn"' \
	'd[0]["elements"][0]["encrypted"] is False and d[0]["elements"][0]["spi"] == 0' \
	'd[0]["elements"][0]["nai"] == "mn1@example.org"' \
	'[d[0]["elements"][1][k] for k in ("content_name", "encrypted", "flags", "spi", "info_len", "ciphertext_len", "tag_len")] == ["fa", True, 128, 256, 36, 20, 16]' \
	'"nai" not in d[0]["elements"][1]' \
	'[(e["content_name"], e["address"]) for e in d[0]["elements"][2:4]] == [("mn-or-ha", "10.1.1.1"), ("router", "192.0.2.1")]' \
	'(d[0]["elements"][4]["content_name"], d[0]["elements"][4]["ethernet"]) == ("ethernet", "02:00:5e:00:53:01")' \
	'[d[0]["elements"][5][k] for k in ("content_name", "encrypted", "sa_spi", "lifetime", "key_len")] == ["mn-ha", False, 0x2000, 3600, 32]' \
	'not [k for k in d[0]["elements"][5] if k.startswith("key") and k != "key_len"]' \
	'[d[0]["elements"][6][k] for k in ("content_name", "encrypted", "spi", "ciphertext_len")] == ["mn-fa", True, 256, 26]' \
	'[d[0]["elements"][10][k] for k in ("content_name", "encrypted", "spi", "ciphertext_len")] == ["fa-ha", True, 0x101, 26]' \
	'[d[0]["elements"][11][k] for k in ("content_name", "encrypted", "sa_spi", "lifetime", "key_len")] == ["mn-fa", False, 0x3000, 600, 16]'
ok $? "elements, JSON: NAI, IP, layer-2 and SA elements"
json_check 'd[0]["elements"][7]["subtype"] == 1 and d[0]["elements"][7]["subtype_name"] == "mn-ha"' \
	'[(p["offset"], p["number"], p["protocol"], p["protocol_name"], p["protocol_id"], p["protocol_id_name"], p["transform_count"], p["lifetime"], p["spi"]) for p in d[0]["elements"][7]["proposals"]] == [(311, 1, 50, "ESP", 2, "encryption and authentication", 2, 0, 0x1001), (353, 2, 51, "AH", 1, "authentication only", 1, 7200, 0x1002)]' \
	'[(t["offset"], t["number"], t["type"], t["type_name"], t["id"], t["id_name"], t["keys"]) for p in d[0]["elements"][7]["proposals"] for t in p["transforms"]] == [(327, 1, 1, "ENCR", 20, "ENCR_AES_GCM_16", 1), (343, 2, 3, "INTEG", 12, "AUTH_HMAC_SHA2_256_128", 1), (369, 1, 3, "INTEG", 2, "AUTH_HMAC_SHA1_96", 1)]' \
	'd[0]["elements"][7]["proposals"][0]["transforms"][0]["attributes"] == [{"offset": 337, "type": 14, "name": "key length", "length": 2, "value": "0100", "key_length_bits": 256}]' \
	'd[0]["elements"][7]["proposals"][0]["transforms"][1]["attributes"] == []' \
	'd[0]["elements"][8]["subtype_name"] == "mn-fa"' \
	'd[0]["elements"][8]["proposals"][0]["transforms"][0]["id_name"] == "ENCR_CHACHA20_POLY1305"'
ok $? "elements, JSON: SA payloads, proposals, transforms and attributes"
json_check '[d[0]["elements"][9][k] for k in ("group", "group_name", "legacy", "public_len", "public")] == [31, "Curve25519", False, 32, "11" * 32]' \
	'[(e["offset"], e["redacted"], e["value"]) for e in d[0]["extensions"] if "redacted" in e] == [(183, 32, "0200000000000000200000000e102000"), (571, 16, "00000000000000003000000002581000")]' \
	'all(e["data"].endswith(e["value"]) for e in d[0]["extensions"] if "redacted" in e)' &&
	nokey
ok $? "elements, JSON: key exchange; keys in clear left out of data and value"

run -j decode --vendor=0x1092 hex "$(el full)"
[ "$rc" = 0 ] && json_check 'len(d[0]["elements"]) == 1' \
	'd[0]["elements"][0]["offset"] == 417' \
	'd[0]["elements"][0]["nai"] == "other vendor"' \
	'not [e for e in d[0]["extensions"] if "redacted" in e]'
ok $? "--vendor: another vendor's extensions are the elements"

mkpcap "$TMP/el.pcap" 1 "udp:434:434:$(el imsi)" "udp:434:434:$(el min)" \
	"udp:434:434:$(el kdc)" "udp:434:434:$(el kdcreq)" \
	"udp:434:434:$(el legacy)"
run decode pcap "$TMP/el.pcap"
[ "$rc" = 0 ] && [ "$(grep -c '^  result: well formed$' "$TMP/out")" = 5 ] &&
	grep -qx '    content type: 1 (imsi)' "$TMP/out" &&
	grep -qx '    imsi: "001010123456789"' "$TMP/out" &&
	grep -qx '    group: 14 (MODP-2048)' "$TMP/out" &&
	grep -qx '    public value: 256 bytes' "$TMP/out" &&
	grep -qx '    content type: 2 (min)' "$TMP/out" &&
	grep -qx '    min: "2015550123"' "$TMP/out" &&
	grep -qx '    vendor type: 9 (ke-user)' "$TMP/out" &&
	grep -qx '    prime: 256 bytes' "$TMP/out" &&
	grep -qx '    generator: 1 byte' "$TMP/out" &&
	grep -qx '    vendor type: 10 (ke-kdc)' "$TMP/out" &&
	grep -qx '    mode: 2 (semi-stateful)' "$TMP/out" &&
	grep -qx '    wrapped key: 40 bytes' "$TMP/out" &&
	grep -qx '    mode: 1 (stateful)' "$TMP/out" &&
	grep -qx '    wrapped key: none' "$TMP/out" &&
	grep -qx '    group: 1 (MODP-768, legacy)' "$TMP/out" &&
	grep -qx '    public value: 96 bytes' "$TMP/out"
ok $? "elements, text: IMSI, MIN, MODP groups, user-defined group, KDC"
run -j decode pcap "$TMP/el.pcap"
[ "$rc" = 0 ] && json_check 'len(d) == 5' 'all(m["valid"] for m in d)' \
	'(d[0]["elements"][0]["content_name"], d[0]["elements"][0]["imsi"]) == ("imsi", "001010123456789")' \
	'[d[0]["elements"][1][k] for k in ("group", "group_name", "legacy", "public_len")] == [14, "MODP-2048", False, 256]' \
	'(d[1]["elements"][0]["content_name"], d[1]["elements"][0]["min"]) == ("min", "2015550123")' \
	'[d[1]["elements"][1][k] for k in ("vendor_type_name", "prime_len", "generator_len", "public_len")] == ["ke-user", 256, 1, 256]' \
	'[d[2]["elements"][0][k] for k in ("mode", "mode_name", "spi", "wrapped_key_len")] == [2, "semi-stateful", 256, 40]' \
	'[d[3]["elements"][0][k] for k in ("mode", "mode_name", "spi", "wrapped_key_len")] == [1, "stateful", 0, 0]' \
	'[d[4]["elements"][0][k] for k in ("group", "group_name", "legacy", "public_len")] == [1, "MODP-768", True, 96]'
ok $? "elements, JSON: IMSI, MIN, MODP groups, user-defined group, KDC"

# --- malformed elements ----------------------------------------------------------
run decode hex "$(el count)"
[ "$rc" = 1 ] &&
	grep -qx "  error at offset 24: transforms disagree with the proposal's count" "$TMP/out" &&
	grep -qx '  bad element: CVSE vendor type 5 (sa-payload)' "$TMP/out" &&
	grep -qx "    element error at offset 36: transforms disagree with the proposal's count" "$TMP/out" &&
	grep -qx '        id: 20 (ENCR_AES_GCM_16)' "$TMP/out" &&
	grep -qx '  result: malformed' "$TMP/out"
ok $? "transform count mismatch: exit 1, the codec's error, the element and the proposal"
run -j decode hex "$(el count)"
[ "$rc" = 1 ] && json_check 'd[0]["valid"] is False' \
	"d[0][\"error\"] == {\"layer\": \"element\", \"message\": \"transforms disagree with the proposal's count\", \"offset\": 24, \"ext_type\": 38, \"ext_length\": 40, \"vendor_type\": 5, \"vendor_type_name\": \"sa-payload\"}" \
	'd[0]["elements"][0]["error"]["offset"] == 36' \
	'd[0]["elements"][0]["proposals"][0]["transform_count"] == 2' \
	'len(d[0]["elements"][0]["proposals"][0]["transforms"]) == 1'
ok $? "transform count mismatch: JSON error and element"
run decode hex "$(el placement)"
[ "$rc" = 1 ] &&
	grep -qx '  error at offset 20: element on the wrong side of the MN-HA authentication' "$TMP/out" &&
	grep -qx '  bad element: NVSE vendor type 4 (sa)' "$TMP/out" &&
	grep -qx '  result: malformed' "$TMP/out"
ok $? "NVSE SA element before the MN-HA authentication: exit 1 and the codec's error"
run -j decode hex "$(el placement)"
[ "$rc" = 1 ] && json_check 'd[0]["valid"] is False' \
	'd[0]["error"]["layer"] == "element"' \
	'd[0]["error"]["message"] == "element on the wrong side of the MN-HA authentication"' \
	'd[0]["error"]["offset"] == 20 and d[0]["error"]["ext_type"] == 134' \
	'd[0]["elements"][0]["error"] == {"message": "element on the wrong side of the MN-HA authentication", "offset": 20}'
ok $? "NVSE SA element before the MN-HA authentication: JSON"
run -j decode hex "$(el attr)"
[ "$rc" = 1 ] && json_check \
	'd[0]["error"]["message"] == "transform attribute runs past its transform"' \
	'd[0]["error"]["offset"] == 24' \
	'd[0]["elements"][0]["error"]["offset"] == 68'
ok $? "attribute past its transform: exit 1, the attribute's offset"
run decode hex "$(el dup)"
[ "$rc" = 1 ] && grep -qx '  error at offset 53: element repeated' "$TMP/out" &&
	grep -qx '    element error at offset 53: element repeated' "$TMP/out" &&
	[ "$(grep -c 'element error' "$TMP/out")" = 1 ]
ok $? "the MN's NAI twice: exit 1, the second one blamed"
run decode hex "$(el afterauth)"
[ "$rc" = 1 ] &&
	grep -qx '  error at offset 64: extension after the MN-FA or FA-HA authentication' "$TMP/out" &&
	grep -qx '  undecoded: 8628000000007ed9000400000000000000003000000002581000 (16 bytes not shown: a key in clear)' "$TMP/out" &&
	grep -qx '    key: 16 bytes, not shown' "$TMP/out" && nokey
ok $? "framing error after a key in clear: the undecoded bytes stop before it"
run -j decode hex "$(el afterauth)"
[ "$rc" = 1 ] && json_check 'd[0]["error"]["layer"] == "framing"' \
	'd[0]["error"]["undecoded"] == "8628000000007ed9000400000000000000003000000002581000"' \
	'd[0]["error"]["redacted"] == 16' && nokey
ok $? "framing error after a key in clear: JSON"
run decode hex "$(el cutkey)"
[ "$rc" = 1 ] &&
	grep -qx '  error at offset 20: extension length runs past the end' "$TMP/out" &&
	grep -qx '  undecoded: 8628000000007ed9000400000000000000003000000002581000 (8 bytes not shown: a key in clear)' "$TMP/out" &&
	nokey
ok $? "an SA element cut short: the captured bytes of its key are not shown"

# --- SA payloads in NVSEs (protocol.rst 4, 6.5) ----------------------------------
run decode hex "$(el fasa)"
[ "$rc" = 0 ] && grep -qx '  result: well formed' "$TMP/out" &&
	grep -A3 -x '  extension at offset 80: type 134 NVSE, length 52' "$TMP/out" |
		grep -qx '    vendor type: 5 (sa-payload)' &&
	[ "$(grep -c '^    sub-type: 2 (mn-fa)$' "$TMP/out")" = 2 ] &&
	grep -qx '    sub-type: 3 (fa-ha)' "$TMP/out" &&
	grep -qx '    proposal at offset 92: number 1' "$TMP/out" &&
	grep -qx '      spi: 0x00000401 (1025)' "$TMP/out" &&
	grep -qx '      transform at offset 108: number 1' "$TMP/out" &&
	grep -qx '        attribute 14 (key length): 256 bits' "$TMP/out" &&
	grep -qx '      transform at offset 124: number 2' "$TMP/out" &&
	grep -qx '    proposal at offset 146: number 1' "$TMP/out" &&
	grep -qx '      protocol id: 1 (authentication only)' "$TMP/out" &&
	grep -qx '      lifetime: 600 s' "$TMP/out" &&
	grep -qx '      spi: 0x00000502 (1282)' "$TMP/out" &&
	grep -qx '        id: 12 (AUTH_HMAC_SHA2_256_128)' "$TMP/out" &&
	! grep -q 'element error\|skipped' "$TMP/out"
ok $? "NVSE SA payloads, text: sub-types 2 and 3 before the FA-HA authentication, proposals and transforms"
run -j decode hex "$(el fasa)"
[ "$rc" = 0 ] && json_check 'd[0]["valid"] is True' \
	'[(e["offset"], e["extension"], e["vendor_type"], e["subtype"], e["subtype_name"], e["error"]) for e in d[0]["elements"]] == [(20, "cvse", 5, 2, "mn-fa", None), (80, "nvse", 5, 2, "mn-fa", None), (134, "nvse", 5, 3, "fa-ha", None)]' \
	'[(p["offset"], p["number"], p["protocol_id"], p["lifetime"], p["spi"]) for p in d[0]["elements"][1]["proposals"] + d[0]["elements"][2]["proposals"]] == [(92, 1, 2, 0, 0x401), (146, 1, 1, 600, 0x502)]' \
	'[(t["offset"], t["number"], t["id_name"]) for e in d[0]["elements"][1:] for p in e["proposals"] for t in p["transforms"]] == [(108, 1, "ENCR_AES_GCM_16"), (124, 2, "ENCR_CHACHA20_POLY1305"), (162, 2, "AUTH_HMAC_SHA2_256_128")]' \
	'd[0]["elements"][1]["proposals"][0]["transforms"][0]["attributes"][0]["key_length_bits"] == 256' \
	'all("decryption" not in e and "encrypted" not in e for e in d[0]["elements"])'
ok $? "NVSE SA payloads, JSON: like CVSE ones"
misplaced_ok=0
for m in "cvse3|20|undefined content type or sub-type|CVSE|3 (fa-ha)|" \
	"nvse1|42|undefined content type or sub-type|NVSE|1 (mn-ha)|" \
	"mnfaauth|42|element on the wrong side of the MN-HA authentication|NVSE|2 (mn-fa)|an SA payload in an NVSE needs an FA-HA authentication extension after it" \
	"nofaha|42|element on the wrong side of the MN-HA authentication|NVSE|2 (mn-fa)|an SA payload in an NVSE needs an FA-HA authentication extension after it"; do
	IFS='|' read -r name off msg side sub note <<<"$m"
	run decode hex "$(el "$name")"
	if ! { [ "$rc" = 1 ] &&
		grep -qx "  error at offset $off: $msg" "$TMP/out" &&
		grep -qx "  bad element: $side vendor type 5 (sa-payload)" "$TMP/out" &&
		grep -qx "    sub-type: $sub" "$TMP/out" &&
		grep -qx "    element error at offset $off: $msg" "$TMP/out" &&
		if [ -n "$note" ]; then grep -qx "    ($note)" "$TMP/out"; else ! grep -q '^    (an SA payload' "$TMP/out"; fi &&
		grep -qx '  result: malformed' "$TMP/out"; }; then
		echo "# $name, text: status $rc"
		misplaced_ok=1
	fi
	run -j decode hex "$(el "$name")"
	want="{\"message\": \"$msg\", \"offset\": $off${note:+, \"note\": \"$note\"}}"
	if ! { [ "$rc" = 1 ] && json_check 'd[0]["valid"] is False' \
		"d[0][\"error\"][\"message\"] == \"$msg\" and d[0][\"error\"][\"offset\"] == $off" \
		"[e[\"error\"] for e in d[0][\"elements\"] if e[\"error\"]] == [$want]"; }; then
		echo "# $name, JSON: status $rc"
		misplaced_ok=1
	fi
done
ok $misplaced_ok "misplaced SA payloads: FA-HA in a CVSE, MN-HA in an NVSE, an NVSE one without an FA-HA authentication after it"

# --- --keys: the worked messages of protocol.rst section 10 --------------------
# The messages (every "Message (N bytes), FROM to TO, MODE" dump, found by
# that title; its subsection from the headings), the keys (its common inputs)
# and the expected plaintexts are read from the document itself, the way
# vectors.sh does; the expected fingerprints of the delivered keys (8.6.5)
# are computed here with python3-cryptography's KBKDF. One hex file per
# message in $TMP/w/, expect.json, and names ("index|subsection|FROM to TO,
# MODE" per message: the tests below find a message by that name).
DOC=$(dirname "$0")/../../Documentation/protocol.rst
KEYS_PLAN=16
mkworked() {
	"$PY" - "$DOC" "$1" <<'EOF'
import json, re, struct, sys
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.kbkdf import (CounterLocation,
                                                      KBKDFHMAC, Mode)

doc, out = sys.argv[1], sys.argv[2]
text = open(doc).read()
lines = text.split("\n")
start = lines.index("10. Worked examples and test vectors")
common = " ".join(text[text.index("Common inputs:"):].split("\n\n")[0].split())
key0, key0_spi = re.search(r"KEY0 = 32 bytes ``([0-9a-f]{64})``, SPI "
                           r"0x([0-9a-f]{8})", common).groups()
faha, faha_spi = re.search(r"FA-HA key = 32 bytes ``([0-9a-f]{64})``, SPI "
                           r"0x([0-9a-f]{8})", common).groups()
sec = title = cur = None
msgs, fields = [], {}
for n, line in enumerate(lines[start:-1], start):
    # A heading: "10.N title", underlined.
    if re.match(r"^10\.\d+ ", line) and set(lines[n + 1]) == {"-"}:
        sec = line.split()[0]
    if line.endswith("::") and not line.startswith(" "):
        title, cur = line[:-2].rstrip(), None
        if title.startswith("Message ("):
            msgs.append([sec, title, b""])
        else:
            fields[(sec, title)] = {}
        continue
    m = re.match(r"^    ([0-9a-f]{4})  ((?:[0-9a-f]{2} ?)+)$", line)
    if m and title and title.startswith("Message ("):
        assert int(m.group(1), 16) == len(msgs[-1][2])
        msgs[-1][2] += bytes.fromhex(m.group(2).replace(" ", ""))
        continue
    m = re.match(r"^    ([^ ].*?) \((\d+) bytes\).*:$", line)
    if m and (sec, title) in fields:
        cur = m.group(1)
        fields[(sec, title)][cur] = b""
        continue
    m = re.match(r"^      ([0-9a-f]+)$", line)
    if m and cur is not None:
        fields[(sec, title)][cur] += bytes.fromhex(m.group(1))
        continue
    if line and not line.startswith(" "):
        cur = None

def fpr(key):
    return KBKDFHMAC(algorithm=hashes.SHA256(), mode=Mode.CounterMode,
                     length=8, rlen=4, llen=4,
                     location=CounterLocation.BeforeFixed,
                     label=b"mipkex fingerprint", context=b"",
                     fixed=None).derive(key).hex()

ident = fields[("10.2", "NAI element, AES-256-GCM")]
expect = []
names = [t.split("), ", 1)[1] for _, t, _ in msgs]
assert len(set(names)) == len(names), names
assert {"MN to FA, X25519", "MN to FA, KDC", "FA to HA, KDC",
        "FA to HA, X25519", "HA to FA, stateful", "HA to FA, semi-stateful",
        "HA to FA, DH"} <= set(names), names
with open(out + "/names", "w") as f:
    for i, (s, t, _) in enumerate(msgs):
        f.write("%d|%s|%s\n" % (i, s, names[i]))
for i, (s, t, b) in enumerate(msgs):
    e = dict(name="%s %s" % (s, t), type=b[0], sa=[])
    if b[0] == 1:
        e["nai"] = ident["plaintext"].decode()
        e["home"] = ".".join(map(str, fields[("10.2",
            "IP address element, AES-256-GCM")]["plaintext"]))
    to_mn = t.endswith("FA to MN, " + t.split(", ")[-1]) and "FA to MN" in t
    for (fs, ft), v in fields.items():
        if fs != s or not ft.startswith("KEY") or "plaintext" not in v:
            continue
        if to_mn and "for the MN" not in ft:
            continue
        pt = v["plaintext"]
        sa_spi, life, klen, _ = struct.unpack(">IIBB", pt[:10])
        e["sa"].append(dict(ext="cvse" if "for the MN" in ft else "nvse",
                            sa_spi=sa_spi, lifetime=life, key_len=klen,
                            key=pt[10:].hex(), fingerprint=fpr(pt[10:])))
    expect.append(e)
    open("%s/m%d.hex" % (out, i), "w").write(b.hex())
json.dump(expect, open(out + "/expect.json", "w"), indent=1)
with open(out + "/keys", "w") as f:     # every delivered key, and its head
    for e in expect:
        for a in e["sa"]:
            f.write(a["key"] + "\n" + a["key"][:16] + "\n")
conf = """[key0 alice]
spi = %d
nai = %s
home = %s
ha = 10.0.0.1
key = %s

[peer 10.0.0.2]
spi = %d
key = %s
"""
for name, k0, fk in (("keys.conf", key0, faha), ("bad.conf", "ff" * 32,
                                                  "ee" * 32)):
    open("%s/%s" % (out, name), "w").write(conf % (int(key0_spi, 16),
        ident["plaintext"].decode(), expect[0]["home"], k0,
        int(faha_spi, 16), fk))
# Only the FA-HA peer; and two peers with that SPI, the one at the
# datagrams' source address (10.0.0.2 in mkpcap) with a wrong key.
open(out + "/peer.conf", "w").write("[peer 10.0.0.2]\nspi = %d\nkey = %s\n"
                                    % (int(faha_spi, 16), faha))
open(out + "/twopeers.conf", "w").write(
    "[peer 10.0.0.2]\nspi = %d\nkey = %s\n\n[peer 10.9.9.9]\nspi = %d\n"
    "key = %s\n" % (int(faha_spi, 16), "ee" * 32, int(faha_spi, 16), faha))
open(out + "/md5.conf", "w").write(
    (conf % (int(key0_spi, 16), ident["plaintext"].decode(),
             expect[0]["home"], key0, int(faha_spi, 16), faha)).replace(
        "ha = 10.0.0.1\n", "ha = 10.0.0.1\nauth = hmac-md5\n"))
EOF
}

# A check of the JSON of "mipkex -j decode --keys" ($TMP/out) against
# expect.json: MODE is good (everything verifies and decrypts), show (and
# the keys are shown), wrongkey (every check fails), or flip:N (the N-th
# encrypted element was altered: it fails, the others decrypt).
keys_check() { # message-index mode
	"$PY" - "$TMP/out" "$TMP/w/expect.json" "$1" "$2" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
exp = json.load(open(sys.argv[2]))[int(sys.argv[3])]
mode = sys.argv[4]
assert len(d) == 1 and d[0]["valid"] is True, "not well formed"
m = d[0]
auths = [x for x in m["extensions"] if x["type"] in (32, 34)]
assert auths and all("verification" in x for x in auths)
enc = [e for e in m["elements"] if e.get("encrypted")]
assert all("decryption" in e for e in enc)
assert all("decryption" not in e for e in m["elements"]
           if not e.get("encrypted"))
dec = [e["decryption"] for e in enc]
if mode.startswith("flip:"):
    bad = int(mode[5:])
    for i, x in enumerate(dec):
        if i == bad:
            assert x["status"] == "failed", x
            assert x["message"].startswith("tag mismatch"), x
        else:
            assert x["status"] == "decrypted", (i, x)
    # An altered CVSE breaks both authenticators, an NVSE only the FA-HA one.
    broken = {32, 34} if enc[bad]["extension"] == "cvse" else {34}
    for x in auths:
        assert x["verification"]["status"] == (
            "failed" if x["type"] in broken else "verified"), x
    sys.exit(0)
if mode == "wrongkey":
    assert all(x["verification"]["status"] == "failed" for x in auths)
    assert all(x["status"] == "failed" and "tag mismatch" in x["message"]
               for x in dec), dec
    assert all("nai" not in x and "fingerprint" not in x for x in dec)
    sys.exit(0)
for x in auths:
    v = x["verification"]
    assert v["status"] == "verified", v
    assert v["algorithm"] == "HMAC-SHA256"
    assert v["key_source"] == ("KEY0" if x["type"] == 32 else "FA-HA")
    assert v["key_spi"] == x["spi"]
assert all(x["status"] == "decrypted" and x["aead"] == "AES-256-GCM"
           for x in dec), dec
if exp["type"] == 1:
    assert [(x["direction"], x["index"]) for x in dec] == [(1, 0), (1, 1)]
    assert dec[0]["nai"] == exp["nai"] and dec[1]["address"] == exp["home"]
    sys.exit(0)
sa = [(e["extension"], e["decryption"]) for e in enc
      if e["vendor_type"] == 4]
assert len(sa) == len(exp["sa"]) == len(dec), (sa, exp["sa"])
idx = {"cvse": 0, "nvse": 0}
for (ext, x), want in zip(sa, exp["sa"]):
    assert ext == want["ext"]
    assert (x["direction"], x["index"]) == ({"cvse": 2, "nvse": 3}[ext],
                                            idx[ext])
    idx[ext] += 1
    assert x["key_source"] == ("KEY0" if ext == "cvse" else "FA-HA")
    if ext == "nvse":
        assert x["peer"] == "10.0.0.2"
    for k in ("sa_spi", "lifetime", "key_len", "fingerprint"):
        assert x[k] == want[k], (k, x[k], want[k])
    if mode == "show":
        assert x["key"] == want["key"]
    else:
        assert "key" not in x
EOF
}

# Flip byte @2 of message file @1 into $TMP/flip.hex.
flip() { # message-file offset
	"$PY" -c 'import sys
b = bytearray(bytes.fromhex(open(sys.argv[1]).read()))
b[int(sys.argv[2])] ^= 0x01
print(b.hex())' "$1" "$2" >"$TMP/flip.hex"
}
# The offsets of the ciphertexts of a message's encrypted elements.
sealed_offsets() { # message-file
	"$PY" -c 'import sys, struct
b = bytes.fromhex(open(sys.argv[1]).read())
off = 24 if b[0] == 1 else 20
while off < len(b):
    t = b[off]
    n = 4 + struct.unpack(">H", b[off + 2:off + 4])[0] if t in (36, 38, 47) else 2 + b[off + 1]
    if t in (38, 134) and struct.unpack(">H", b[off + 8:off + 10])[0] in (1, 2, 3, 4) and b[off + 11] & 0x80:
        print(off + 16)
    off += n' "$1"
}

if ! "$PY" -c 'import cryptography.hazmat.primitives.kdf.kbkdf' 2>/dev/null; then
	for i in $(seq "$KEYS_PLAN"); do
		skip "--keys test $i" "python3-cryptography missing"
	done
else
	mkdir "$TMP/w"
	mkworked "$TMP/w"
	chmod 600 "$TMP"/w/*.conf
	wk() { cat "$TMP/w/m$1.hex"; }
	# wi NAME: the index of the message named NAME; ws NAME: its subsection.
	wi() { awk -F'|' -v n="$1" '$3 == n { print $1 }' "$TMP/w/names"; }
	ws() { awk -F'|' -v n="$1" '$3 == n { print $2 }' "$TMP/w/names"; }
	NW=$(wc -l <"$TMP/w/names")
	RQ=$(wi "MN to FA, X25519")
	RLK=$(wi "FA to HA, KDC")
	RLX=$(wi "FA to HA, X25519")
	ST=$(wi "HA to FA, stateful")
	SEMI=$(wi "HA to FA, semi-stateful")
	DH=$(wi "HA to FA, DH")
	nodelivered() { ! grep -qiFf "$TMP/w/keys" "$TMP/out"; }

	all_ok=0
	for i in $(seq 0 $((NW - 1))); do
		run -j decode --keys "$TMP/w/keys.conf" hex "$(wk $i)"
		if [ "$rc" != 0 ] || ! keys_check $i good || ! nodelivered; then
			echo "# message $i: status $rc $(head -c 300 "$TMP/err")"
			all_ok=1
		fi
	done
	ok $all_ok "--keys, JSON: every worked message of section 10 ($NW) verifies and decrypts: NAI, home address, SA SPIs, lifetimes, key fingerprints (no key shown)"

	run decode --keys "$TMP/w/keys.conf" hex "$(wk $RQ)"
	[ "$rc" = 0 ] &&
		grep -qx '    decryption: OK (AES-256-GCM, KEY0 SPI 0x00001001, nonce direction 1 index 0)' "$TMP/out" &&
		grep -qx '      nai: "alice@example.org"' "$TMP/out" &&
		grep -qx '    decryption: OK (AES-256-GCM, KEY0 SPI 0x00001001, nonce direction 1 index 1)' "$TMP/out" &&
		grep -qx '      address: 10.1.1.1' "$TMP/out" &&
		grep -qx '    verification: verified (HMAC-SHA256, KEY0 SPI 0x00001001)' "$TMP/out" &&
		grep -qx '  result: well formed' "$TMP/out"
	ok $? "--keys, text: request $(ws "MN to FA, X25519"), NAI and home address decrypted, MN-HA verified"
	run decode --keys "$TMP/w/keys.conf" hex "$(wk $ST)"
	fp=$("$PY" -c 'import json, sys; print(" ".join(a["fingerprint"] for a in json.load(open(sys.argv[1]))[int(sys.argv[2])]["sa"]))' "$TMP/w/expect.json" "$ST")
	want=$(for f in $fp; do echo "      key fingerprint: $f"; done)
	[ "$rc" = 0 ] && [ "$(grep '^      key fingerprint: ' "$TMP/out")" = "$want" ] &&
		[ "$(grep -c '^      key: 32 bytes, not shown (--show-keys shows it)$' "$TMP/out")" = 4 ] &&
		grep -qx '    decryption: OK (AES-256-GCM, FA-HA peer 10.0.0.2 SPI 0x00002001, nonce direction 3 index 1)' "$TMP/out" &&
		grep -qx '      sa spi: 0x00000301 (769)' "$TMP/out" &&
		grep -qx '      lifetime: 1800 s' "$TMP/out" &&
		grep -qx '    verification: verified (HMAC-SHA256, FA-HA peer 10.0.0.2 SPI 0x00002001)' "$TMP/out" &&
		nodelivered
	ok $? "--keys, text: stateful reply $(ws "HA to FA, stateful"), four key fingerprints, no key shown"

	show_ok=0
	for i in $ST $SEMI $DH; do
		run -j decode --keys "$TMP/w/keys.conf" --show-keys hex "$(wk $i)"
		[ "$rc" = 0 ] && keys_check $i show || show_ok=1
	done
	run decode --keys "$TMP/w/keys.conf" --show-keys hex "$(wk $SEMI)"
	[ "$show_ok" = 0 ] && [ "$rc" = 0 ] &&
		[ "$("$PY" -c 'import json, sys; print(" ".join(a["key"] for a in json.load(open(sys.argv[1]))[int(sys.argv[2])]["sa"]))' "$TMP/w/expect.json" "$SEMI")" = \
		  "$(sed -n 's/^      key: \([0-9a-f]\{64\}\)$/\1/p' "$TMP/out" | tr '\n' ' ' | sed 's/ $//')" ]
	ok $? "--show-keys prints every delivered key (JSON and text)"

	wrong_ok=0
	for i in $RQ $RLK $RLX $ST $DH; do
		run -j decode --keys "$TMP/w/bad.conf" hex "$(wk $i)"
		if [ "$rc" != 0 ] || ! keys_check $i wrongkey; then
			echo "# message $i: status $rc"
			wrong_ok=1
		fi
	done
	ok $wrong_ok "wrong KEY0 and FA-HA key: every authenticator FAILED, every element a tag mismatch, exit 0"
	run decode --keys "$TMP/w/bad.conf" hex "$(wk $ST)"
	[ "$rc" = 0 ] &&
		grep -qx '    verification: FAILED (HMAC-SHA256, KEY0 SPI 0x00001001): the authenticator does not match: wrong key, or the message was altered' "$TMP/out" &&
		grep -qx '    decryption: FAILED (AES-256-GCM, KEY0 SPI 0x00001001, nonce direction 2 index 0): tag mismatch: wrong key, or the message was altered (the MN-HA authenticator fails too)' "$TMP/out" &&
		[ "$(grep -c '^    decryption: FAILED .*: tag mismatch' "$TMP/out")" = 4 ] &&
		! grep -q 'key fingerprint' "$TMP/out"
	ok $? "wrong keys, text: FAILED verdicts and tag-mismatch messages"

	flip_ok=0
	for i in $RQ $ST $SEMI $DH; do
		n=0
		for off in $(sealed_offsets "$TMP/w/m$i.hex"); do
			flip "$TMP/w/m$i.hex" $((off + 3))
			run -j decode --keys "$TMP/w/keys.conf" hex "$(cat "$TMP/flip.hex")"
			if [ "$rc" != 0 ] || ! keys_check $i flip:$n; then
				echo "# message $i, byte $((off + 3)): status $rc"
				flip_ok=1
			fi
			n=$((n + 1))
		done
		[ "$n" -gt 0 ] || flip_ok=1
	done
	ok $flip_ok "a flipped byte in each encrypted element: that element fails, the others decrypt"
	# The ciphertext of KEY3 for the FA: the last encrypted element of the
	# stateful reply.
	off=$(sealed_offsets "$TMP/w/m$ST.hex" | tail -n 1)
	flip "$TMP/w/m$ST.hex" $((off + 3))
	run decode --keys "$TMP/w/keys.conf" hex "$(cat "$TMP/flip.hex")"
	[ "$rc" = 0 ] && grep -qx '    verification: verified (HMAC-SHA256, KEY0 SPI 0x00001001)' "$TMP/out" &&
		grep -qx '    verification: FAILED (HMAC-SHA256, FA-HA peer 10.0.0.2 SPI 0x00002001): the authenticator does not match: wrong key, or the message was altered' "$TMP/out" &&
		grep -qx '    decryption: FAILED (AES-256-GCM, FA-HA peer 10.0.0.2 SPI 0x00002001, nonce direction 3 index 1): tag mismatch: wrong key, or the message was altered (the FA-HA authenticator fails too)' "$TMP/out" &&
		[ "$(grep -c '^    decryption: OK' "$TMP/out")" = 3 ]
	ok $? "a flipped byte in the KEY3 NVSE, text: it fails, MN-HA still verifies"

	run -j decode --keys "$TMP/w/peer.conf" hex "$(wk $ST)"
	[ "$rc" = 0 ] && json_check \
		'[x["verification"]["status"] for x in d[0]["extensions"] if "verification" in x] == ["no_key", "verified"]' \
		'[x["verification"]["message"] for x in d[0]["extensions"] if x["type"] == 32] == ["no KEY0 for SPI 4097 (0x00001001) in the key file"]' \
		'[e["decryption"]["status"] for e in d[0]["elements"] if "decryption" in e] == ["no_key", "no_key", "decrypted", "decrypted"]' \
		'all(e["decryption"]["message"] == "no KEY0 for SPI 4097 (0x00001001) in the key file" for e in d[0]["elements"] if e.get("extension") == "cvse" and "decryption" in e)'
	ok $? "no KEY0 for the SPI: MN-HA and the CVSE deliveries say no key, the FA's still decrypt"
	run decode --keys "$TMP/w/peer.conf" hex "$(wk $RLK)"
	[ "$rc" = 0 ] &&
		grep -qx '    verification: no key (no KEY0 for SPI 4097 (0x00001001) in the key file)' "$TMP/out" &&
		[ "$(grep -c '^    decryption: no key (no KEY0 for SPI 4097 (0x00001001) in the key file)$' "$TMP/out")" = 2 ] &&
		grep -qx '    verification: verified (HMAC-SHA256, FA-HA peer 10.0.0.2 SPI 0x00002001)' "$TMP/out"
	ok $? "no KEY0 for the SPI, text: the relayed request's FA-HA authenticator still verifies"

	# FA-HA peers: by the datagram's addresses in a capture, by SPI otherwise.
	mkpcap "$TMP/w/reply.pcap" 1 "udp:434:434:$(wk $ST)"
	run -j decode --keys "$TMP/w/twopeers.conf" pcap "$TMP/w/reply.pcap"
	[ "$rc" = 0 ] && json_check \
		'[x["verification"]["status"] for x in d[0]["extensions"] if x["type"] == 34] == ["failed"]' \
		'[x["verification"]["peer"] for x in d[0]["extensions"] if x["type"] == 34] == ["10.0.0.2"]' \
		'[e["decryption"]["status"] for e in d[0]["elements"] if e.get("extension") == "nvse" and e["vendor_type"] == 4] == ["failed", "failed"]'
	pcap_rc=$?
	run -j decode --keys "$TMP/w/twopeers.conf" hex "$(wk $ST)"
	[ "$pcap_rc" = 0 ] && [ "$rc" = 0 ] && json_check \
		'[x["verification"]["status"] for x in d[0]["extensions"] if x["type"] == 34] == ["verified"]' \
		'[x["verification"]["peer"] for x in d[0]["extensions"] if x["type"] == 34] == ["10.9.9.9"]' \
		'[(e["decryption"]["status"], e["decryption"]["peer"]) for e in d[0]["elements"] if e.get("extension") == "nvse" and e["vendor_type"] == 4] == [("decrypted", "10.9.9.9")] * 2'
	ok $? "FA-HA peer: by the capture's source or destination address, else every peer with the SPI"
	run -j decode --keys "$TMP/w/keys.conf" pcap "$TMP/w/reply.pcap"
	[ "$rc" = 0 ] && keys_check $ST good
	ok $? "--keys with a capture: the stateful reply of $(ws "HA to FA, stateful") verifies and decrypts"

	run -j decode --keys "$TMP/w/md5.conf" hex "$(wk $RQ)"
	[ "$rc" = 0 ] && json_check \
		'[x["verification"] for x in d[0]["extensions"] if x["type"] == 32] == [{"status": "failed", "algorithm": "HMAC-MD5", "key_source": "KEY0", "key_spi": 4097, "message": "a 32-byte authenticator, but HMAC-MD5 gives 16 bytes"}]'
	ok $? "auth hmac-md5 (legacy): a 32-byte authenticator fails as a wrong length (8.3)"

	run -j decode --keys "$TMP/w/keys.conf" hex "$RRQ"
	[ "$rc" = 0 ] && json_check \
		'd[0]["extensions"][1]["verification"]["status"] == "not_checked"' \
		'"not a protected message" in d[0]["extensions"][1]["verification"]["message"]' &&
		run decode hex "$RRQ" && ! grep -q verification "$TMP/out"
	ok $? "a plain RFC 5944 message: not checked; without --keys no verdict at all"

	printf '[key0]\nspi = 1\n' >"$TMP/w/broken.conf"
	run decode --keys "$TMP/w/broken.conf" hex "$(wk $RQ)"
	[ "$rc" = 1 ] && [ ! -s "$TMP/out" ] && grep -q 'broken.conf:2: ' "$TMP/err" &&
		grep -q '^mipkex: decode: --keys .*: cannot use it$' "$TMP/err"
	ok $? "a key file with errors: exit 1, its errors, no output"

	# Sanitizers: the same decodes under a build with ASan and UBSan.
	if make -s -C "$(dirname "$0")/../../userspace" asan ASAN_OUT="$TMP/mipkex-asan" >"$TMP/asan.log" 2>&1; then
		asan_ok=0
		asan() { # args...
			ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99 \
			UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=98 \
				"$TMP/mipkex-asan" "$@" >"$TMP/asan.out" 2>"$TMP/asan.err"
			local r=$?
			"$TOOL" "$@" >"$TMP/plain.out" 2>/dev/null
			if [ "$r" -ge 98 ] || grep -q 'Sanitizer\|runtime error' "$TMP/asan.err" ||
			   ! cmp -s "$TMP/asan.out" "$TMP/plain.out"; then
				echo "# asan: $* -> $r"
				head -5 "$TMP/asan.err" | sed 's/^/# /'
				asan_ok=1
			fi
		}
		for i in $(seq 0 $((NW - 1))); do
			for conf in keys bad peer twopeers md5; do
				asan -j decode --keys "$TMP/w/$conf.conf" --show-keys hex "$(wk $i)"
				asan decode --keys "$TMP/w/$conf.conf" hex "$(wk $i)"
			done
			for off in $(sealed_offsets "$TMP/w/m$i.hex"); do
				flip "$TMP/w/m$i.hex" $((off + 3))
				asan decode --keys "$TMP/w/keys.conf" hex "$(cat "$TMP/flip.hex")"
				flip "$TMP/w/m$i.hex" $((off - 5))	# the element's flags
				asan -j decode --keys "$TMP/w/keys.conf" hex "$(cat "$TMP/flip.hex")"
			done
		done
		asan -j decode --keys "$TMP/w/twopeers.conf" pcap "$TMP/w/reply.pcap"
		asan decode --keys "$TMP/w/keys.conf" pcap "$TMP/el.pcap"
		asan decode --keys "$TMP/w/keys.conf" hex "$(el full)"
		asan -j decode --keys "$TMP/w/keys.conf" hex "$(el afterauth)"
		asan decode --keys "$TMP/w/broken.conf" hex "$(wk $RQ)"
		ok $asan_ok "ASan+UBSan build (make -C userspace asan): the --keys decodes run clean, with the same output"
	else
		sed 's/^/# /' "$TMP/asan.log" | tail -5
		skip "ASan+UBSan build: the --keys decodes run clean" "make -C userspace asan failed"
	fi
fi

# --- usage ---------------------------------------------------------------------
usage_ok=0
for args in "decode" "decode hex" "decode hex 0g" "decode hex 012" \
	"decode hex :" "decode frobnicate x" "decode file a b" "decode pcap" \
	"decode --frobnicate hex 01" "decode --vendor" "decode --vendor x hex 01" \
	"decode --vendor 16777216 hex 01" "decode --vendor= hex 01" \
	"decode --vendor -1 hex 01" "decode --vendor 12ab hex 01" \
	"decode --keys" "decode --keys= hex 01" "decode --show-keys hex 01" \
	"decode --keys a --keys b hex 01"; do
	# shellcheck disable=SC2086 # word splitting intended
	run $args
	if [ "$rc" != 2 ] || [ -s "$TMP/out" ] || ! grep -q '^mipkex: decode: ' "$TMP/err"; then
		echo "# \"$args\": status $rc, stderr: $(cat "$TMP/err")"
		usage_ok=1
	fi
done
ok $usage_ok "usage errors exit 2 with a message and no output"
"$TOOL" --help | grep -q 'decode pcap PATH'
ok $? "--help documents decode"

exit $((TAP_FAILED > 0))
