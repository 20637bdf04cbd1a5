#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Section 10 of Documentation/protocol.rst (test vectors and worked messages)
# against its generator, selftests/protocol/vectors.py, an implementation of
# the document independent of the module: the section must be the generator's
# output byte for byte, and selftests/protocol/kdc_vectors.json its --kdc-json
# output; every worked message (requests 10.5, 10.6, 10.10, replies
# 10.11-10.13) must decode with "mipkex -j decode" into the expected
# elements; the values as printed in the document are recomputed here from
# the document's rules (KDF, AEAD, authenticators, KDC keys, X25519), not
# taken from the generator. Needs /usr/bin/python3 with the
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

NPLAN=24
echo "1..$NPLAN"

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

# 2: the KDC known answers for the module's self-tests are current.
rc=1
if "$PY" "$GEN" --kdc-json > "$TMP/kdc.json"; then
	cmp -s "$TOP/selftests/protocol/kdc_vectors.json" "$TMP/kdc.json" && rc=0
fi
ok "$rc" "selftests/protocol/kdc_vectors.json equals vectors.py --kdc-json"

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

# 3-11: the worked messages decode, with the expected elements and
# extensions. Fields: message type, vendor types of the elements, extension
# types, description.
DECODE=(
	"1|[1, 2, 5, 5, 8]|[131, 38, 38, 38, 38, 38, 32]|request 10.5 (X25519)"
	"1|[1, 2, 5, 5, 10]|[131, 38, 38, 38, 38, 38, 32]|request 10.6 (KDC)"
	"1|[1, 2, 5, 5, 10, 5, 5]|[131, 38, 38, 38, 38, 38, 32, 134, 134, 34]|relayed request 10.10"
	"3|[5, 5, 10, 4, 4, 5, 5, 4, 4]|[131, 38, 38, 38, 38, 38, 32, 134, 134, 134, 134, 34]|stateful reply 10.11, HA to FA"
	"3|[5, 5, 10, 4, 4]|[131, 38, 38, 38, 38, 38, 32]|stateful reply 10.11, FA to MN"
	"3|[5, 5, 10, 4, 4, 5, 5, 4, 4]|[131, 38, 38, 38, 38, 38, 32, 134, 134, 134, 134, 34]|semi-stateful reply 10.12, HA to FA"
	"3|[5, 5, 10, 4, 4]|[131, 38, 38, 38, 38, 38, 32]|semi-stateful reply 10.12, FA to MN"
	"3|[5, 5, 8, 5, 5, 4, 4]|[131, 38, 38, 38, 32, 134, 134, 134, 134, 34]|DH reply 10.13, HA to FA"
	"3|[5, 5, 8]|[131, 38, 38, 38, 32]|DH reply 10.13, FA to MN"
)
for i in "${!DECODE[@]}"; do
	IFS='|' read -r mtype vts exts what <<< "${DECODE[$i]}"
	if [ ! -x "$TOOL" ]; then
		tap_skip "$what decodes" "$TOOL not built (make -C userspace)"
		continue
	fi
	rc=1
	if [ -n "${HEXES[$i]:-}" ] &&
	   "$TOOL" -j decode hex "${HEXES[$i]}" > "$TMP/dec.json" 2> "$TMP/dec.err"; then
		"$PY" - "$TMP/dec.json" "$mtype" "$vts" "$exts" <<'EOF' && rc=0
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d) == 1 and d[0]["valid"] is True and d[0]["error"] is None
m = d[0]
assert m["type"] == int(sys.argv[2])
assert m["identification"] == "e8f1a2b300000001"
assert [e["vendor_type"] for e in m["elements"]] == json.loads(sys.argv[3])
assert [x["type"] for x in m["extensions"]] == json.loads(sys.argv[4])
assert all(e["error"] is None for e in m["elements"])
if m["type"] == 1:
    assert [e["spi"] for e in m["elements"][:2]] == [0x1001, 0x1001]
    assert all(e["encrypted"] for e in m["elements"][:2])
for e in m["elements"]:
    if e["vendor_type"] == 4:
        assert e["encrypted"] and e["spi"] == (
            0x1001 if e["extension"] == "cvse" else 0x2001)
auth = [x for x in m["extensions"] if x["type"] == 32]
assert len(auth) == 1 and auth[0]["spi"] == 0x1001
assert len(auth[0]["authenticator"]) == 64
EOF
	fi
	ok "$rc" "worked $what decodes with mipkex -j decode, elements $vts"
done

# 12-24: cryptographic checks on the values as printed.
"$PY" - "$TMP" "$DOC" "$TOP/selftests/protocol/kdc_vectors.json" \
	"${HEXES[@]}" > "$TMP/crypto.tap" <<'EOF'
import hashlib, hmac, json, socket, struct, sys
sys.path.insert(0, sys.argv[1])
from parse import blocks
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305
from cryptography.hazmat.primitives import serialization

f, dumps = blocks(sys.argv[2])
kdcjson = json.load(open(sys.argv[3]))
HEX = [bytes.fromhex(h) for h in sys.argv[4:]]
# The common inputs of section 10.
key0 = bytes(range(32))
faha = bytes(range(0xc0, 0xe0))
ident = bytes.fromhex("e8f1a2b300000001")
VENDOR = 32473

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

def one(pred, src=f):
    t = [t for t in src if pred(t)]
    assert len(t) == 1, t
    return src[t[0]]

def exts(msg):
    """(offset, type, bytes) of each extension (3.1)."""
    off = 24 if msg[0] == 1 else 20
    out = []
    while off < len(msg):
        t = msg[off]
        if t in (36, 38, 47):
            n = 4 + struct.unpack(">H", msg[off + 2:off + 4])[0]
        else:
            n = 2 + msg[off + 1]
        out.append((off, t, msg[off:off + n]))
        off += n
    assert off == len(msg)
    return out

def vendor_type(e):
    """The vendor type of a CVSE or NVSE of VENDOR, or None."""
    if e[0] == 38 and struct.unpack(">I", e[4:8])[0] == VENDOR:
        return struct.unpack(">H", e[8:10])[0]
    if e[0] == 134 and struct.unpack(">I", e[4:8])[0] == VENDOR:
        return struct.unpack(">H", e[8:10])[0]
    return None

def verify_auth(msg, etype, key):
    a = [(o, e) for o, t, e in exts(msg) if t == etype]
    assert len(a) == 1
    o, e = a[0]
    assert e[1] == 36
    mac = hmac.new(key, msg[:o + 6], hashlib.sha256).digest()
    assert mac == e[6:], "authenticator %d" % etype
    return o, mac

def x25519_pub(priv):
    return X25519PrivateKey.from_private_bytes(priv).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)

def kdf_vectors():
    titles = [t for t in f if t.startswith("``mipkex ")]
    assert len(titles) == 9
    labels = {t.split("``")[1] for t in titles}
    assert labels == {"mipkex " + l for l in (
        "id-enc", "wrap", "mn-ha", "key1", "key3", "semi", "fingerprint",
        "esp")}
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
    v = one(lambda t: t.startswith("10.4 "))
    assert v["key"] == kdf(key0, b"mipkex wrap", struct.pack(">I", 0x1001) +
                           v["nonce"][:8], 256)
    assert v["nonce"][8:] == bytes([2, 0, 0, 0])
    assert AESGCM(v["key"]).decrypt(v["nonce"], v["ciphertext || tag"],
                                    v["associated data"]) == v["plaintext"]
    assert v["extension"].endswith(v["ciphertext || tag"])

def mnha_key(msg):
    msg_ident = msg[16:24] if msg[0] == 1 else msg[12:20]
    return kdf(key0, b"mipkex mn-ha", struct.pack(">I", 0x1001) + msg_ident,
               256)

def auth(msg):
    def fn():
        # The MN-HA authentication extension is the last one: 38 bytes.
        off = len(msg) - 38
        assert msg[off:off + 6] == bytes([32, 36, 0, 0, 0x10, 0x01])
        key = mnha_key(msg)
        a = one(lambda t: "HMAC-SHA256" in f[t])
        assert a["key"] == key
        verify_auth(msg, 32, key)
    return fn

def auth_doc():
    a = one(lambda t: "HMAC-SHA256" in f[t])
    assert HEX[0].endswith(a["HMAC-SHA256"])

def fingerprints():
    ts = [t for t in f if t.startswith("Fingerprint of ")]
    assert len(ts) == 3
    keys = set()
    for t in ts:
        v = f[t]
        assert kdf(v["key"], b"mipkex fingerprint", b"", 64) == \
            v["fingerprint"], t
        keys.add(v["key"])
    assert key0 in keys and faha in keys

def semi_context(n):
    nai = b"alice@example.org"
    return bytes([n]) + socket.inet_aton("10.0.0.1") + bytes([len(nai)]) + \
        nai + socket.inet_aton("10.1.1.1") + socket.inet_aton("10.0.0.2") + \
        ident

def semi_keys():
    out = []
    for n in (1, 2, 3):
        v = one(lambda t: t == "KEY%d, semi-stateful" % n)
        assert v["context"] == semi_context(n)
        assert kdf(v["seed"], b"mipkex semi", v["context"], 256) == \
            v["KEY%d" % n]
        out.append(v["KEY%d" % n])
    return out

def transcript(req, rep):
    return b"".join(e for m in (req, rep) for _, t, e in exts(m)
                    if t == 38 and vendor_type(e) in (5, 8, 9))

def dh_keys():
    v = one(lambda t: t == "Diffie-Hellman keys, X25519")
    assert x25519_pub(v["MN private value"]) == v["MN public value"]
    assert x25519_pub(v["HA private value"]) == v["HA public value"]
    mn = X25519PrivateKey.from_private_bytes(v["MN private value"])
    ha = X25519PrivateKey.from_private_bytes(v["HA private value"])
    z = mn.exchange(ha.public_key())
    assert z == ha.exchange(mn.public_key()) == v["Z"]
    rep = one(lambda t: t.endswith("HA to FA, DH"), dumps)
    # The public values travel in the key exchange payloads.
    ke = [e for m in (HEX[0], rep) for _, t, e in exts(m)
          if t == 38 and vendor_type(e) == 8]
    assert ke[0][14:] == v["MN public value"]
    assert ke[1][14:] == v["HA public value"]
    assert transcript(HEX[0], rep) == v["transcript"]
    assert kdf(z, b"mipkex key1", v["transcript"], 256) == v["KEY1"]
    assert kdf(z, b"mipkex key3", v["transcript"], 256) == v["KEY3"]
    return v

def relayed():
    msg = one(lambda t: t.endswith("FA to HA"), dumps)
    assert msg.startswith(HEX[1])
    # After 10.6: the FA's SA payloads (NVSEs, sub-types 2 and 3), then the
    # FA-HA authentication extension.
    tail = [(t, vendor_type(e), e[10] if vendor_type(e) == 5 else None)
            for o, t, e in exts(msg) if o >= len(HEX[1])]
    assert tail == [(134, 5, 2), (134, 5, 3), (34, None, None)], tail
    o, mac = verify_auth(msg, 34, faha)
    v = one(lambda t: t == "FA-HA authenticator, relayed request")
    assert v["FA-HA key"] == faha and v["FA-HA HMAC-SHA256"] == mac

def reply(mode):
    def fn():
        msg = one(lambda t: t.endswith("HA to FA, " + mode), dumps)
        tomn = one(lambda t: t.endswith("FA to MN, " + mode), dumps)
        assert msg[0] == 3 and msg[12:20] == ident
        o, mac = verify_auth(msg, 32, mnha_key(msg))
        assert tomn == msg[:o + 38]
        o2, mac2 = verify_auth(msg, 34, faha)
        a = one(lambda t: t == "Authenticators, %s reply" % mode)
        assert a["MN-HA HMAC-SHA256"] == mac
        assert a["FA-HA HMAC-SHA256"] == mac2
        idx = {2: 0, 3: 0}
        keys, spis = {}, {}
        lifetime = struct.unpack(">H", msg[2:4])[0]
        for off, t, e in exts(msg):
            if vendor_type(e) == 10:
                assert e[10] == {"stateful": 1, "semi-stateful": 2}[mode]
                assert e[11:] == bytes(5)
            if vendor_type(e) != 4:
                continue
            content, flags, spi = e[10], e[11], struct.unpack(">I", e[12:16])[0]
            assert flags == 0x80
            if t == 38:
                assert off < o
                d, k, ctx = 2, key0, struct.pack(">I", spi) + ident
                side = "MN"
            else:
                assert o < off < o2
                d, k = 3, faha
                ctx = struct.pack(">I", spi) + ident + msg[4:8] + msg[8:12]
                side = "FA"
            wk = kdf(k, b"mipkex wrap", ctx, 256)
            n = ident + bytes([d, idx[d], 0, 0])
            aad = msg[:20] + e[:10] + e[10:16]
            pt = AESGCM(wk).decrypt(n, e[16:], aad)
            name = {0: "KEY3", 1: "KEY2", 2: "KEY1"}[content]
            v = one(lambda t: t.startswith("%s for the %s: " % (name, side))
                    and t.endswith(", " + mode))
            assert v["nonce"] == n and v["associated data"] == aad
            assert v["plaintext"] == pt and v["ciphertext || tag"] == e[16:]
            sa_spi, life, klen, rsv = struct.unpack(">IIBB", pt[:10])
            assert life == lifetime and klen == 32 == len(pt) - 10
            assert rsv == 0 and sa_spi >= 256
            keys[(side, name)] = pt[10:]
            spis[(side, name)] = sa_spi
            idx[d] += 1
        if mode == "DH":
            assert set(keys) == {("FA", "KEY2"), ("FA", "KEY3")}
            assert keys[("FA", "KEY3")] == dh_keys()["KEY3"]
        else:
            assert set(keys) == {("MN", "KEY1"), ("MN", "KEY3"),
                                 ("FA", "KEY2"), ("FA", "KEY3")}
            assert keys[("MN", "KEY3")] == keys[("FA", "KEY3")]
            assert spis[("MN", "KEY3")] == spis[("FA", "KEY3")]
            assert len({spis[("MN", "KEY1")], spis[("FA", "KEY2")],
                        spis[("FA", "KEY3")]}) == 3
            if mode == "semi-stateful":
                assert [keys[("MN", "KEY1")], keys[("FA", "KEY2")],
                        keys[("FA", "KEY3")]] == semi_keys()
            else:
                k1 = one(lambda t: t.startswith("10.4 "))["plaintext"][10:]
                assert keys[("MN", "KEY1")] == k1
    return fn

def kdc_json():
    semi = semi_keys()
    assert [bytes.fromhex(k["key"]) for k in kdcjson["semi"]["keys"]] == semi
    assert [bytes.fromhex(k["context"]) for k in kdcjson["semi"]["keys"]] \
        == [semi_context(n) for n in (1, 2, 3)]
    v = dh_keys()
    d = kdcjson["dh"]
    assert bytes.fromhex(d["z"]) == v["Z"]
    assert bytes.fromhex(d["transcript"]) == v["transcript"]
    assert b"".join(bytes.fromhex(p) for p in d["transcript_pieces"]) == \
        v["transcript"]
    assert bytes.fromhex(d["key1"]) == v["KEY1"]
    assert bytes.fromhex(d["key3"]) == v["KEY3"]
    for fp in kdcjson["fingerprint"]:
        assert kdf(bytes.fromhex(fp["key"]), b"mipkex fingerprint", b"",
                   64) == bytes.fromhex(fp["fingerprint"])

check("10.1 KDF vectors recomputed with HMAC-SHA256 from the standard library",
      kdf_vectors)
check("10.2 identity AEAD vectors (AES-256-GCM, ChaCha20-Poly1305) decrypt "
      "to their plaintext", aead_vectors)
check("10.4 key wrapping vector decrypts to its plaintext", wrap_vector)
check("10.5 MN-HA authenticator verifies over the covered bytes, equals 10.3",
      lambda: (auth(HEX[0])(), auth_doc()))
check("10.6 MN-HA authenticator verifies over the covered bytes",
      auth(HEX[1]))
check("10.7 key fingerprints recomputed", fingerprints)
check("10.8 semi-stateful contexts rebuilt from the inputs, keys recomputed",
      semi_keys)
check("10.9 X25519 values, transcript (from the dumps of 10.5 and 10.13) and "
      "KEY1/KEY3 recomputed", dh_keys)
check("10.10 relayed request: 10.6 plus an FA-HA authenticator that verifies",
      relayed)
for num, mode in (("10.11", "stateful"), ("10.12", "semi-stateful"),
                  ("10.13", "DH")):
    check("%s %s reply: authenticators verify, FA-to-MN is the prefix, every "
          "wrapped key decrypts to the expected key" % (num, mode),
          reply(mode))
check("kdc_vectors.json agrees with the values printed in 10.7-10.9", kdc_json)
EOF
while read -r st desc; do
	ok "$st" "$desc"
done < "$TMP/crypto.tap"

[ "$TAP_N" = "$NPLAN" ] || { echo "# ran $TAP_N tests, planned $NPLAN"; exit 1; }
exit $((TAP_FAILED > 0))
