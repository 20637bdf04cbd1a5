#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "mipkex decode" on the host: the RFC 5944 worked example (request, NAI,
# MN-HA authentication with HMAC-MD5) as hex, file and pcap, in text and
# JSON; a truncated copy; captures in every supported link type, a fragment
# and a datagram on another port; a reply with a CVSE; usage errors. If
# tshark is installed, its dissection of the same capture must agree.
# Needs /usr/bin/python3 (standard library only).

set -u
TOOL=${MIPKEX_TOOL:-$(dirname "$0")/../../userspace/mipkex}
PY=/usr/bin/python3
n=0
failed=0

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

ok() { # status description
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		failed=1
	fi
}

skip() { # description reason
	n=$((n + 1))
	echo "ok $n $1 # SKIP $2"
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

echo "1..28"

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
run decode hex "$RRP"
[ "$rc" = 0 ] && grep -qx '  code: 0 (registration accepted)' "$TMP/out" &&
	grep -qx '    vendor: 32473 (documentation PEN, RFC 5612)' "$TMP/out" &&
	grep -qx '    vendor type: 7' "$TMP/out" &&
	grep -qx '    value: 010203' "$TMP/out" &&
	! grep -q 'care-of' "$TMP/out"
ok $? "reply: code meaning and CVSE vendor, type and value"

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

# --- usage ---------------------------------------------------------------------
usage_ok=0
for args in "decode" "decode hex" "decode hex 0g" "decode hex 012" \
	"decode hex :" "decode frobnicate x" "decode file a b" "decode pcap" \
	"decode --frobnicate hex 01"; do
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

exit $failed
