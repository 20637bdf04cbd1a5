#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Section 10 of Documentation/protocol.rst (test vectors and worked requests)
# against its generator, selftests/protocol/vectors.py, an implementation of
# the document independent of the module: the section must be the generator's
# output byte for byte; the worked requests (10.5, 10.6) must decode with
# "mipkex -j decode" into the expected elements; the AEAD vectors as printed
# in the document must decrypt, and the MN-HA authenticator as printed must
# verify over the printed message. Needs /usr/bin/python3 with the
# python3-cryptography package (skip, exit 4, without it).

set -u
DIR=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$DIR/../.." && pwd)
TOOL=${MIPKEX_TOOL:-$TOP/userspace/mipkex}
GEN=$TOP/selftests/protocol/vectors.py
DOC=$TOP/Documentation/protocol.rst
PY=/usr/bin/python3

echo "TAP version 13"
if [ ! -x "$PY" ] || ! "$PY" -c 'import cryptography.hazmat.primitives.ciphers.aead' 2>/dev/null; then
	echo "1..0 # SKIP $PY with python3-cryptography missing"
	exit 4
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
ok() { tap_result "$@"; } # status description

echo "1..8"

# 1: the document's section 10 is the generator's output, byte for byte.
rc=1
if "$PY" "$GEN" > "$TMP/gen.rst"; then
	"$PY" - "$DOC" "$TMP/gen.rst" > "$TMP/sec.rst" <<'EOF'
import sys
s = open(sys.argv[1], "rb").read()
i = s.find(b"\n10. Worked examples and test vectors\n")
sys.stdout.buffer.write(s[i + 1:] if i >= 0 else b"")
EOF
	cmp -s "$TMP/sec.rst" "$TMP/gen.rst" && rc=0
	[ "$rc" = 0 ] || diff -u "$TMP/sec.rst" "$TMP/gen.rst" | head -20 | sed 's/^/# /'
fi
ok "$rc" "protocol.rst section 10 equals the output of vectors.py"

# Parse the printed values back out of the document (not from the generator).
cat > "$TMP/parse.py" <<'EOF'
import re, sys

def blocks(path):
    """{title: {field: bytes}} for every literal block of section 10, and
    {title: message bytes} for the 16-bytes-per-line dumps."""
    lines = open(path).read().split("\n")
    start = lines.index("10. Worked examples and test vectors")
    fields, dumps, title, cur, sec = {}, {}, None, None, None
    for line in lines[start:]:
        if re.match(r"^10\.\d+ ", line):
            sec = line
        if line.endswith("::") and not line.startswith(" "):
            title = line[:-2].rstrip() or sec
            fields.setdefault(title, {})
            cur = None
            continue
        m = re.match(r"^    ([^ ].*?) \((\d+) bytes\).*:$", line)
        if m and title is not None:
            cur = m.group(1)
            fields[title][cur] = b""
            continue
        m = re.match(r"^      ([0-9a-f]+)$", line)
        if m and cur is not None:
            fields[title][cur] += bytes.fromhex(m.group(1))
            continue
        m = re.match(r"^    ([0-9a-f]{4})  ((?:[0-9a-f]{2} ?)+)$", line)
        if m and title is not None:
            assert int(m.group(1), 16) == len(dumps.get(title, b""))
            dumps[title] = dumps.get(title, b"") + bytes.fromhex(
                m.group(2).replace(" ", ""))
            continue
        if line and not line.startswith(" "):
            cur = None
    return fields, dumps
EOF

# Both dumps have the title "Message (N bytes)": keep them in document order.
mapfile -t HEXES < <("$PY" - "$TMP" "$DOC" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
lines = open(sys.argv[2]).read().split("\n")
i = lines.index("10. Worked examples and test vectors")
out, cur = [], None
for line in lines[i:]:
    if line.startswith("Message (") and line.endswith("::"):
        cur = []
        out.append(cur)
    elif cur is not None and line.startswith("    ") and line[4:8].strip():
        cur.append(line[10:].replace(" ", ""))
    elif cur is not None and line.strip() == "" and cur:
        cur = None
for c in out:
    print("".join(c))
EOF
)

# 2, 3: the worked requests decode, with the expected elements.
for i in 0 1; do
	case $i in
	0) what="10.5 (X25519)"; vts="[1, 2, 5, 5, 8]" ;;
	1) what="10.6 (KDC)"; vts="[1, 2, 5, 5, 10]" ;;
	esac
	if [ ! -x "$TOOL" ]; then
		tap_skip "decode" "$TOOL not built (make -C userspace)"
		continue
	fi
	rc=1
	if [ -n "${HEXES[$i]:-}" ] &&
	   "$TOOL" -j decode hex "${HEXES[$i]}" > "$TMP/dec.json" 2> "$TMP/dec.err"; then
		"$PY" - "$TMP/dec.json" "$vts" <<'EOF' && rc=0
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d) == 1 and d[0]["valid"] is True and d[0]["error"] is None
m = d[0]
assert m["type"] == 1 and m["identification"] == "e8f1a2b300000001"
assert [e["vendor_type"] for e in m["elements"]] == json.loads(sys.argv[2])
assert all(e["error"] is None for e in m["elements"])
assert [e["spi"] for e in m["elements"][:2]] == [0x1001, 0x1001]
assert all(e["encrypted"] for e in m["elements"][:2])
auth = [e for e in m["extensions"] if e["type"] == 32]
assert len(auth) == 1 and auth[0]["spi"] == 0x1001
assert len(auth[0]["authenticator"]) == 64
assert m["extensions"][-1]["type"] == 32
EOF
	fi
	ok "$rc" "worked request $what decodes with mipkex -j decode, elements $vts, MN-HA SPI 0x1001"
done

# 4-8: cryptographic checks on the values as printed.
"$PY" - "$TMP" "$DOC" "${HEXES[0]:-}" "${HEXES[1]:-}" > "$TMP/crypto.tap" <<'EOF'
import hashlib, hmac, struct, sys
sys.path.insert(0, sys.argv[1])
from parse import blocks
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305

f, _ = blocks(sys.argv[2])
key0 = bytes(range(32))

def kdf(k, label, ctx, bits):
    out, i = b"", 1
    while len(out) * 8 < bits:
        out += hmac.new(k, struct.pack(">I", i) + label + b"\0" + ctx +
                        struct.pack(">I", bits), hashlib.sha256).digest()
        i += 1
    return out[:bits // 8]

def check(desc, fn):
    try:
        fn()
        print("0 " + desc)
    except Exception as e:
        print("1 %s (%s: %s)" % (desc, type(e).__name__, e))

def kdf_vectors():
    titles = [t for t in f if t.startswith("``mipkex ")]
    assert len(titles) == 5
    for t in titles:
        v = f[t]
        label = t.split("``")[1].encode()
        bits = int(t.split("L = ")[1])
        assert kdf(v["K"], label, v["context"], bits) == v["output"], t

def aead_vectors():
    titles = [t for t in f if t.endswith("GCM") or t.endswith("Poly1305")]
    assert len(titles) == 4
    for t in titles:
        v = f[t]
        assert v["key"] == kdf(key0, b"mipkex id-enc", struct.pack(">I", 0x1001)
                               + v["nonce"][:8], 256)
        a = AESGCM if t.endswith("GCM") else ChaCha20Poly1305
        assert a(v["key"]).decrypt(v["nonce"], v["ciphertext || tag"],
                                   v["associated data"]) == v["plaintext"], t

def wrap_vector():
    v = [f[t] for t in f if t.startswith("10.4 ")]
    assert len(v) == 1
    v = v[0]
    assert v["key"] == kdf(key0, b"mipkex wrap", struct.pack(">I", 0x1001) +
                           v["nonce"][:8], 256)
    assert v["nonce"][8:] == bytes([2, 0, 0, 0])
    assert AESGCM(v["key"]).decrypt(v["nonce"], v["ciphertext || tag"],
                                    v["associated data"]) == v["plaintext"]
    assert v["extension"].endswith(v["ciphertext || tag"])

def auth(hexmsg):
    def fn():
        msg = bytes.fromhex(hexmsg)
        # The MN-HA authentication extension is the last one: 38 bytes.
        off = len(msg) - 38
        assert msg[off:off + 6] == bytes([32, 36, 0, 0, 0x10, 0x01])
        ident = msg[16:24]
        key = kdf(key0, b"mipkex mn-ha", struct.pack(">I", 0x1001) + ident,
                  256)
        a = [t for t in f if "HMAC-SHA256" in f[t]]
        assert len(a) == 1 and f[a[0]]["key"] == key
        assert hmac.new(key, msg[:off + 6], hashlib.sha256).digest() == \
            msg[off + 6:]
    return fn

def auth_doc():
    a = [f[t] for t in f if "HMAC-SHA256" in f[t]][0]
    assert bytes.fromhex(sys.argv[3]).endswith(a["HMAC-SHA256"])

check("10.1 KDF vectors recomputed with HMAC-SHA256 from the standard library",
      kdf_vectors)
check("10.2 identity AEAD vectors (AES-256-GCM, ChaCha20-Poly1305) decrypt "
      "to their plaintext", aead_vectors)
check("10.4 key wrapping vector decrypts to its plaintext", wrap_vector)
check("10.5 MN-HA authenticator verifies over the covered bytes, equals 10.3",
      lambda: (auth(sys.argv[3])(), auth_doc()))
check("10.6 MN-HA authenticator verifies over the covered bytes",
      auth(sys.argv[4]))
EOF
while read -r st desc; do
	ok "$st" "$desc"
done < "$TMP/crypto.tap"

[ "$TAP_N" = 8 ] || { echo "# ran $TAP_N tests, planned 8"; exit 1; }
exit $((TAP_FAILED > 0))
