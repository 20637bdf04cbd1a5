#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Section 10 of Documentation/protocol.rst (test vectors and worked messages)
# against its generator, selftests/protocol/vectors.py, an implementation of
# the document independent of the module: the section must be the generator's
# output byte for byte, and selftests/protocol/kdc_vectors.json its --kdc-json
# output; every worked message (the requests as the MN sends them and as
# the FA relays them, the replies as the HA sends them and as the FA relays
# them, found by their titles, and the subsection numbers by the headings
# and the registration table) must decode with "mipkex -j decode" into the
# expected elements; the values as printed in the document are recomputed here from
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

NPLAN=30
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
    for n, line in enumerate(lines[start:-1], start):
        # A heading: "10.N title", underlined.
        if re.match(r"^10\.\d+ ", line) and set(lines[n + 1]) == {"-"}:
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

# The message dumps, "Message (N bytes), FROM to TO, MODE": one line each,
# "subsection|FROM to TO, MODE|hex", in document order.
mapfile -t MSGS < <("$PY" - "$DOC" <<'EOF'
import re, sys
lines = open(sys.argv[1]).read().split("\n")
i = lines.index("10. Worked examples and test vectors")
out, cur, sec = [], None, None
for n, line in enumerate(lines[i:-1], i):
    if re.match(r"^10\.\d+ ", line) and set(lines[n + 1]) == {"-"}:
        sec = line.split()[0]
    m = re.match(r"^Message \(\d+ bytes\), (.*)::$", line)
    if m:
        cur = []
        out.append((sec, m.group(1), cur))
    elif cur is not None and line.startswith("    ") and line[4:8].strip():
        cur.append(line[10:].replace(" ", ""))
    elif cur is not None and line.strip() == "" and cur:
        cur = None
for sec, name, c in out:
    print("%s|%s|%s" % (sec, name, "".join(c)))
EOF
)
# msg NAME: "subsection|hex" of the message titled NAME, or nothing.
msg() {
	local m sec name hex
	for m in "${MSGS[@]}"; do
		IFS='|' read -r sec name hex <<< "$m"
		[ "$name" = "$1" ] && { echo "$sec|$hex"; return; }
	done
}

# 3-12: the worked messages decode, with the expected elements and
# extensions. Fields: message title (after its length), message type,
# vendor types of the elements, extension types, description.
DECODE=(
	"MN to FA, X25519|1|[1, 2, 5, 5, 8]|[131, 38, 38, 38, 38, 38, 32]|request (X25519), MN to FA,"
	"MN to FA, KDC|1|[1, 2, 5, 5, 10]|[131, 38, 38, 38, 38, 38, 32]|request (KDC), MN to FA,"
	"FA to HA, KDC|1|[1, 2, 5, 5, 10, 5, 5]|[131, 38, 38, 38, 38, 38, 32, 134, 134, 34]|relayed request (KDC), FA to HA,"
	"FA to HA, X25519|1|[1, 2, 5, 5, 8, 5, 5]|[131, 38, 38, 38, 38, 38, 32, 134, 134, 34]|relayed request (X25519), FA to HA,"
	"HA to FA, stateful|3|[5, 5, 10, 4, 4, 5, 5, 4, 4]|[131, 38, 38, 38, 38, 38, 32, 134, 134, 134, 134, 34]|stateful reply, HA to FA,"
	"FA to MN, stateful|3|[5, 5, 10, 4, 4]|[131, 38, 38, 38, 38, 38, 32]|stateful reply, FA to MN,"
	"HA to FA, semi-stateful|3|[5, 5, 10, 4, 4, 5, 5, 4, 4]|[131, 38, 38, 38, 38, 38, 32, 134, 134, 134, 134, 34]|semi-stateful reply, HA to FA,"
	"FA to MN, semi-stateful|3|[5, 5, 10, 4, 4]|[131, 38, 38, 38, 38, 38, 32]|semi-stateful reply, FA to MN,"
	"HA to FA, DH|3|[5, 5, 8, 5, 5, 4, 4]|[131, 38, 38, 38, 32, 134, 134, 134, 134, 34]|DH reply, HA to FA,"
	"FA to MN, DH|3|[5, 5, 8]|[131, 38, 38, 38, 32]|DH reply, FA to MN,"
)
[ "${#DECODE[@]}" = "${#MSGS[@]}" ] ||
	echo "# ${#MSGS[@]} messages in section 10, ${#DECODE[@]} expected"
for i in "${!DECODE[@]}"; do
	IFS='|' read -r name mtype vts exts what <<< "${DECODE[$i]}"
	IFS='|' read -r sec hex <<< "$(msg "$name")"
	what="$what ${sec:-missing}"
	if [ ! -x "$TOOL" ]; then
		tap_skip "$what decodes" "$TOOL not built (make -C userspace)"
		continue
	fi
	rc=1
	if [ -n "${hex:-}" ] && [ "${#DECODE[@]}" = "${#MSGS[@]}" ] &&
	   "$TOOL" -j decode hex "$hex" > "$TMP/dec.json" 2> "$TMP/dec.err"; then
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

# 13-30: cryptographic checks on the values as printed.
"$PY" - "$TMP" "$DOC" "$TOP/selftests/protocol/kdc_vectors.json" \
	> "$TMP/crypto.tap" <<'EOF'
import hashlib, hmac, json, re, socket, struct, sys
sys.path.insert(0, sys.argv[1])
from parse import blocks
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.kbkdf import (CounterLocation,
                                                      KBKDFHMAC, Mode)
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305
from cryptography.hazmat.primitives import serialization

f, dumps = blocks(sys.argv[2])
kdcjson = json.load(open(sys.argv[3]))

def heading_numbers():
    """{heading without its number: subsection number} of section 10."""
    lines = open(sys.argv[2]).read().split("\n")
    i = lines.index("10. Worked examples and test vectors")
    return {l.split(" ", 1)[1]: l.split(" ", 1)[0]
            for n, l in enumerate(lines[i:-1], i)
            if re.match(r"^10\.\d+ ", l) and lines[n + 1].startswith("---")}
SEC = heading_numbers()
S_RELAY_KDC = SEC["Request relayed by the FA, KDC mode (9.1)"]
S_RELAY_DH = SEC["Request relayed by the FA, X25519 mode (9.1)"]
S_REPLY = {m: SEC["Reply, %s mode (9.2)" % n] for m, n in (
    ("stateful", "stateful"), ("semi-stateful", "semi-stateful"),
    ("DH", "Diffie-Hellman"))}
S_ESP = SEC["ESP keying material (8.7)"]
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

def message(name):
    """The dump titled "Message (N bytes), <name>"."""
    return one(lambda t: re.match(r"^Message \(\d+ bytes\), %s$"
                                  % re.escape(name), t), dumps)

RQ_DH, RQ_KDC = message("MN to FA, X25519"), message("MN to FA, KDC")
RL_DH, RL_KDC = message("FA to HA, X25519"), message("FA to HA, KDC")

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
    assert RQ_DH.endswith(a["HMAC-SHA256"])

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
    ke = [e for m in (RQ_DH, rep) for _, t, e in exts(m)
          if t == 38 and vendor_type(e) == 8]
    assert ke[0][14:] == v["MN public value"]
    assert ke[1][14:] == v["HA public value"]
    assert transcript(RQ_DH, rep) == v["transcript"]
    # The HA's transcript, from the request as the FA relayed it, is the
    # same: the FA's SA payloads are NVSEs.
    assert transcript(RL_DH, rep) == v["transcript"]
    assert kdf(z, b"mipkex key1", v["transcript"], 256) == v["KEY1"]
    assert kdf(z, b"mipkex key3", v["transcript"], 256) == v["KEY3"]
    return v

def relayed(kind):
    def fn():
        msg, req = {"KDC": (RL_KDC, RQ_KDC), "X25519": (RL_DH, RQ_DH)}[kind]
        assert msg.startswith(req)
        # After the MN's request: the FA's SA payloads (NVSEs, sub-types 2
        # and 3), then the FA-HA authentication extension.
        tail = [(t, vendor_type(e), e[10] if vendor_type(e) == 5 else None)
                for o, t, e in exts(msg) if o >= len(req)]
        assert tail == [(134, 5, 2), (134, 5, 3), (34, None, None)], tail
        o, mac = verify_auth(msg, 34, faha)
        v = one(lambda t: t == "FA-HA authenticator, relayed %s request"
                % kind)
        assert v["FA-HA key"] == faha and v["FA-HA HMAC-SHA256"] == mac
        # The same FA offers (and inbound SPIs) in both relayed requests.
        nv = [[e for o, t, e in exts(m) if t == 134]
              for m in (RL_KDC, RL_DH)]
        assert nv[0] == nv[1]
    return fn

def mode2():
    """The KDC request with the informative mode byte 2 (7.3): that byte
    changes, and the authenticators over it, as the block after 10.6's
    message gives them."""
    t = [t for t in f if t.startswith("Authenticators, request with mode 2")]
    assert len(t) == 1, t
    t = t[0]
    v = f[t]
    off = int(re.search(r"byte (\d+) = 02", t).group(1))
    ke = [o for o, _, e in exts(RQ_KDC) if vendor_type(e) == 10]
    assert ke == [off - 10] and RQ_KDC[off] == 1
    rq = bytearray(RQ_KDC)
    rq[off] = 2
    o, _ = verify_auth(bytes(RQ_KDC), 32, mnha_key(RQ_KDC))
    rq[o + 6:o + 38] = hmac.new(mnha_key(RQ_KDC), bytes(rq[:o + 6]),
                                hashlib.sha256).digest()
    assert bytes(rq[o + 6:o + 38]) == v["MN-HA HMAC-SHA256"]
    rl = bytearray(rq) + RL_KDC[len(RQ_KDC):]
    o2 = [o for o, t, _ in exts(RL_KDC) if t == 34][0]
    rl[o2 + 6:o2 + 38] = hmac.new(faha, bytes(rl[:o2 + 6]),
                                  hashlib.sha256).digest()
    assert bytes(rl[o2 + 6:o2 + 38]) == v["FA-HA HMAC-SHA256"]
    # Still a valid request: both authenticators verify.
    verify_auth(bytes(rl), 32, mnha_key(RQ_KDC))
    verify_auth(bytes(rl), 34, faha)

def registrations():
    """The table at the start of section 10: for each mode, the subsection
    of each message of the registration; that subsection holds it (a dump
    with that direction), of the right kind, and each relay is the previous
    message with the FA's part added or removed (9.1, 9.2)."""
    lines = open(sys.argv[2]).read().split("\n")
    i = lines.index("10. Worked examples and test vectors")
    j = next(n for n in range(i, len(lines)) if re.match(r"^10\.1 ", lines[n]))
    rules = [n for n in range(i, j) if re.match(r"^=+(  =+)+$", lines[n])]
    assert len(rules) == 3, rules
    head = lines[rules[0] + 1].split()
    assert " ".join(head) == "mode MN to FA FA to HA HA to FA FA to MN", head
    rows = {}
    for l in lines[rules[1] + 1:rules[2]]:
        m = re.match(r"^(\S.*?)\s{2,}(10\.\d+)\s+(10\.\d+)\s+(10\.\d+)\s+"
                     r"(10\.\d+)$", l)
        assert m, l
        rows[m.group(1)] = m.groups()[1:]
    assert set(rows) == {"stateful", "semi-stateful",
                         "Diffie-Hellman (X25519)"}, rows
    # Every dump, "Message (N bytes), FROM to TO, MODE", with its section.
    msgs, sec = {}, None
    for n, l in enumerate(lines[i:-1], i):
        if re.match(r"^10\.\d+ ", l) and set(lines[n + 1]) == {"-"}:
            sec = l.split()[0]
        m = re.match(r"^Message \(\d+ bytes\), (.*)::$", l)
        if m:
            msgs.setdefault(sec, []).append(m.group(1))
    listed = set()
    for mode, secs in rows.items():
        tag = {"stateful": "stateful", "semi-stateful": "semi-stateful"}.get(
            mode, "DH")
        chain = []
        for leg, s in zip(("MN to FA", "FA to HA", "HA to FA", "FA to MN"),
                          secs):
            names = [n for n in msgs.get(s, []) if n.startswith(leg + ", ")]
            assert len(names) == 1, (mode, leg, s, msgs.get(s))
            listed.add(names[0])
            b = message(names[0])
            ke = [e for _, t, e in exts(b) if t == 38 and
                  vendor_type(e) in (8, 9, 10)]
            assert len(ke) == 1
            assert vendor_type(ke[0]) == (8 if tag == "DH" else 10), (mode,
                                                                       leg)
            assert b[0] == (1 if leg in ("MN to FA", "FA to HA") else 3)
            if leg == "HA to FA" and tag != "DH":
                assert ke[0][10] == {"stateful": 1, "semi-stateful": 2}[tag]
            if leg == "HA to FA":
                assert names[0].endswith(", " + tag), names[0]
            chain.append(b)
        assert chain[1].startswith(chain[0]) and len(chain[1]) > len(chain[0])
        assert chain[2].startswith(chain[3]) and len(chain[2]) > len(chain[3])
        assert chain[2][12:20] == chain[0][16:24]    # Identification
    # Every message of section 10 is in the table.
    assert listed == {n for v in msgs.values() for n in v}, listed

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
        return keys
    return fn

# --- 8.7 and 10.14: ESP keying, and whose SPI each SA payload carries -------

def sa_payloads(msg):
    """[(carrier, sub-type, [proposal])] of a message's SA payloads (6.1-6.3);
    a proposal is a dict with its transforms as (type, id, key bits)."""
    out = []
    for _, t, e in exts(msg):
        if vendor_type(e) != 5:
            continue
        v = e[10:]
        props, off = [], 2
        while off < len(v):
            pt, plen, num, proto, pid, ntx, life, spi = struct.unpack(
                ">HHBBBBII", v[off:off + 16])
            assert pt == 6 and off + plen <= len(v)
            xs, xo = [], off + 16
            while xo < off + plen:
                xt, xlen, xnum, ttype, tid, nkeys, _ = struct.unpack(
                    ">HHBBHBB", v[xo:xo + 10])
                assert xt == 7 and nkeys == 1
                attrs, ao = {}, xo + 10
                while ao < xo + xlen:
                    at, al = struct.unpack(">HH", v[ao:ao + 4])
                    attrs[at] = v[ao + 4:ao + 4 + al]
                    ao += 4 + al
                assert ao == xo + xlen
                bits = struct.unpack(">H", attrs[14])[0] if 14 in attrs \
                    else None
                xs.append((xnum, ttype, tid, bits))
                xo += xlen
            assert xo == off + plen and len(xs) == ntx
            props.append(dict(number=num, protocol=proto, protocol_id=pid,
                              lifetime=life, spi=spi, transforms=xs))
            off += plen
        assert off == len(v) and props
        out.append(("cvse" if t == 38 else "nvse", v[0], props))
    return out

def inbound(payload):
    """{protocol: SPI}: one inbound SPI per protocol in all the proposals of
    one SA payload (6.2 MUST), each >= 256."""
    spis = {}
    for p in payload[2]:
        assert p["spi"] >= 256, p
        assert spis.setdefault(p["protocol"], p["spi"]) == p["spi"], \
            "two SPIs for protocol %d in one SA payload" % p["protocol"]
    return spis

def doc_spis(section):
    """The SPIs the prose of a section of 10 names, in order, with whose
    inbound SPI it says each is."""
    lines = open(sys.argv[2]).read().split("\n")
    i = next(n for n, l in enumerate(lines) if l.startswith(section + " ")
             and lines[n + 1].startswith("---"))
    prose = " ".join(lines[i + 3:lines.index("", i + 3)])
    return re.findall(r"(home agent's|FA's|mobile node's|MN's|its) inbound "
                      r"SPI 0x([0-9a-f]{8})", prose)

def spi_owners():
    rq5, rq6 = RQ_DH, RQ_KDC
    fa_req = RL_KDC
    assert [e for o, t, e in exts(RL_KDC) if t == 134] == \
        [e for o, t, e in exts(RL_DH) if t == 134], "the FA offers differ"
    # The offers: the MN's in its requests (CVSEs), the FA's in the relayed
    # request (NVSEs, after 10.6).
    offers = {}
    for req in (rq5, rq6):
        got = {(c, s): inbound((c, s, p)) for c, s, p in sa_payloads(req)}
        assert set(got) == {("cvse", 1), ("cvse", 2)}, got
        offers.setdefault("MN", got)
        assert offers["MN"] == got, "10.5 and 10.6 offer other SPIs"
    fa_off = [x for x in sa_payloads(fa_req)
              if x[0] == "nvse"]
    assert [(c, s) for c, s, _ in fa_off] == [("nvse", 2), ("nvse", 3)]
    fa = {x[1]: inbound(x) for x in fa_off}
    mn = {s: offers["MN"][("cvse", s)] for s in (1, 2)}
    # 6.2: the FA chose its MN-FA SPI after seeing the MN's: another one.
    for proto, spi in fa[2].items():
        assert mn[2].get(proto) != spi, "MN-FA: the FA's SPI is the MN's"
    ha_seen = set()
    for mode in ("stateful", "semi-stateful", "DH"):
        msg = one(lambda t: t.endswith("HA to FA, " + mode), dumps)
        sap = sa_payloads(msg)
        assert [(c, s) for c, s, _ in sap] == [
            ("cvse", 1), ("cvse", 2), ("nvse", 2), ("nvse", 3)], (mode, sap)
        ans = {(c, s): p for c, s, p in sap}
        for (c, s), props in ans.items():
            assert len(props) == 1, "an answer carries one proposal (6.4)"
        spi = {k: (p[0]["protocol"], p[0]["spi"]) for k, p in ans.items()}
        # MN-HA: the HA's own inbound SPI (MN to HA), not the MN's.
        proto, ha12 = spi[("cvse", 1)]
        assert ha12 != mn[1][proto], (mode, "MN-HA answer has the MN's SPI")
        # FA-HA: the HA's own inbound SPI (FA to HA), not the FA's.
        proto3, ha3 = spi[("nvse", 3)]
        assert ha3 != fa[3][proto3], (mode, "FA-HA answer has the FA's SPI")
        # MN-FA, to the MN: the FA's inbound SPI from the FA's offer; to
        # the FA: the MN's from the MN's offer (6.5, 9.2).
        proto2, s = spi[("cvse", 2)]
        assert s == fa[2][proto2], (mode, "CVSE MN-FA answer: not the FA's")
        proto2n, s = spi[("nvse", 2)]
        assert s == mn[2][proto2n], (mode, "NVSE MN-FA answer: not the MN's")
        # The same choice on both sides, but for the SPI (6.5).
        strip = lambda p: {k: v for k, v in p.items() if k != "spi"}
        assert strip(ans[("cvse", 2)][0]) == strip(ans[("nvse", 2)][0])
        # A receiver's SPIs never collide (6.2): the HA's two, the MN's
        # two, the FA's two, per protocol.
        assert (proto, ha12) != (proto3, ha3), (mode, "HA reuses an SPI")
        ha_seen.add((ha12, ha3))
        for node in (mn, fa):
            vals = [(p, s) for d in node.values() for p, s in d.items()]
            assert len(vals) == len(set(vals)), "a node reuses an SPI"
    assert len(ha_seen) == 1, "the three replies give the HA other SPIs"
    # The prose of 10.10-10.13 names the same SPIs, with the same owners.
    ha12, ha3 = ha_seen.pop()
    want = {"home agent's": {ha12, ha3}, "FA's": set(fa[2].values()) |
            set(fa[3].values()), "MN's": set(mn[1].values()) |
            set(mn[2].values())}
    for sec in S_REPLY.values():
        named = doc_spis(sec)
        assert len(named) == 4, (sec, named)
        for who, h in named:
            assert int(h, 16) in want[who], (sec, who, h)
    named = doc_spis(S_RELAY_KDC)
    assert [int(h, 16) for _, h in named] == [fa[2][50], fa[3][50]], named
    named = doc_spis(S_RELAY_DH)
    assert [int(h, 16) for _, h in named] in ([], [fa[2][50], fa[3][50]]), \
        named
    return mn, fa, ha12, ha3

def kbkdf(key, ctx, nbytes):
    """8.1 with python3-cryptography's SP 800-108 counter-mode KBKDF (not
    the HMAC loop above): label "mipkex esp" (8.7)."""
    return KBKDFHMAC(algorithm=hashes.SHA256(), mode=Mode.CounterMode,
                     length=nbytes, rlen=4, llen=4,
                     location=CounterLocation.BeforeFixed,
                     label=b"mipkex esp", context=ctx,
                     fixed=None).derive(key)

ENCR_NAMES = {"ENCR_AES_GCM_16": 20, "ENCR_CHACHA20_POLY1305": 28}
INTEG_NAMES = {"AUTH_HMAC_SHA2_256_128": 12, "AUTH_HMAC_SHA1_96": 2}

def esp_material(key, spi, proto, encr, bits, integ):
    """8.7: the context, then KEYMAT split into its parts, and the XFRM
    line the mapping table gives."""
    ctx = struct.pack(">IBHHH", spi, proto, encr, bits, integ)
    ek = {20: bits // 8, 28: 32, 0: 0}[encr]
    salt = 4 if encr else 0
    ik = {12: 32, 2: 20, 0: 0}[integ]
    km = kbkdf(key, ctx, ek + salt + ik)
    parts = {"context": ctx, "KEYMAT": km}
    if ek:
        parts["encryption key"] = km[:ek]
        parts["salt"] = km[ek:ek + 4]
    if ik:
        parts["integrity key"] = km[ek + salt:]
    if encr:
        xfrm = ["XFRM aead %s, key || salt (%d bits), ICV 128" % (
            {20: "rfc4106(gcm(aes))", 28: "rfc7539esp(chacha20,poly1305)"}
            [encr], (ek + 4) * 8)]
    else:
        xfrm = ([] if proto == 51 else ["XFRM enc ecb(cipher_null), empty key"]) + \
            ["XFRM auth-trunc %s, %d-bit key, truncated to %d" % (
                {12: "hmac(sha256)", 2: "hmac(sha1)"}[integ], ik * 8,
                {12: 128, 2: 96}[integ])]
    return parts, xfrm

def xfrm_lines():
    """{block title: [XFRM lines]} of the ESP keying subsection."""
    lines = open(sys.argv[2]).read().split("\n")
    i = lines.index(S_ESP + " ESP keying material (8.7)")
    out, title = {}, None
    for l in lines[i:]:
        if l.endswith("::") and not l.startswith(" "):
            title = l[:-2]
            out[title] = []
        elif title and l.startswith("    XFRM "):
            out[title].append(l.strip())
    return out

def esp_vectors():
    keys = reply("stateful")()
    key = {"KEY1": keys[("MN", "KEY1")], "KEY2": keys[("FA", "KEY2")],
           "KEY3": keys[("FA", "KEY3")]}
    mn, fa, ha12, ha3 = spi_owners()
    msg = one(lambda t: t.endswith("HA to FA, stateful"), dumps)
    ans = {(c, s): p[0] for c, s, p in sa_payloads(msg)}

    def algs(p):
        e = [x for x in p["transforms"] if x[1] == 1]
        i = [x for x in p["transforms"] if x[1] == 3]
        assert len(e) <= 1 and len(i) <= 1
        encr, bits = (e[0][2], e[0][3] if e[0][2] == 20 else 256) if e \
            else (0, 0)
        return p["protocol"], encr, bits, i[0][2] if i else 0

    # Each pair, both directions: the SA's SPI is its receiver's inbound
    # SPI, taken from the SA payload that node sent (6.2, 6.5, 8.7).
    pa, pb, pc = ans[("cvse", 1)], ans[("cvse", 2)], ans[("nvse", 3)]
    want = [
        ("MN-HA", "KEY1", "MN to HA", pa["spi"], algs(pa)),
        ("MN-HA", "KEY1", "HA to MN", mn[1][pa["protocol"]], algs(pa)),
        ("MN-FA", "KEY3", "MN to FA", fa[2][pb["protocol"]], algs(pb)),
        ("MN-FA", "KEY3", "FA to MN", mn[2][pb["protocol"]], algs(pb)),
        ("FA-HA", "KEY2", "FA to HA", pc["spi"], algs(pc)),
        ("FA-HA", "KEY2", "HA to FA", fa[3][pc["protocol"]], algs(pc)),
    ]
    assert pa["spi"] == ha12 and pc["spi"] == ha3
    xf = xfrm_lines()
    titles = [t for t in f if t.startswith("ESP SA ")]
    assert len(titles) == 6, titles
    for n, (pair, kn, way, spi, (proto, encr, bits, integ)) in \
            enumerate(want, 1):
        t = "ESP SA %d, %s pair (%s), %s, SPI 0x%08x" % (n, pair, kn, way,
                                                          spi)
        assert t in f, "missing: " + t
        v = f[t]
        assert v[kn] == key[kn], t
        parts, xfrm = esp_material(key[kn], spi, proto, encr, bits, integ)
        assert set(v) == {kn} | set(parts), (t, sorted(v))
        for k, val in parts.items():
            assert v[k] == val, (t, k)
        assert xf[t] == xfrm, (t, xf[t], xfrm)
    # The three illustrative SAs: their title says protocol, transform,
    # key length and SPI.
    ill = [t for t in f if t.startswith("Illustrative SA, ")]
    assert len(ill) == 3, ill
    for t in ill:
        m = re.match(r"Illustrative SA, (ESP|AH)(?: \(protocol id 1\))?, "
                     r"(\w+)(?:, (\d+)-bit key)?, SPI 0x([0-9a-f]{8})$", t)
        assert m, t
        proto = 50 if m.group(1) == "ESP" else 51
        name = m.group(2)
        encr = ENCR_NAMES.get(name, 0)
        integ = INTEG_NAMES.get(name, 0)
        bits = int(m.group(3)) if m.group(3) else (256 if encr == 28 else 0)
        v = f[t]
        assert v["KEY1"] == key["KEY1"]
        parts, xfrm = esp_material(key["KEY1"], int(m.group(4), 16), proto,
                                   encr, bits, integ)
        assert set(v) == {"KEY1"} | set(parts), (t, sorted(v))
        for k, val in parts.items():
            assert v[k] == val, (t, k)
        assert xf[t] == xfrm, (t, xf[t], xfrm)
    # 10.1's "mipkex esp" vector is ESP SA 1.
    k = f["``mipkex esp``, L = 288"]
    s1 = f[[t for t in titles if t.startswith("ESP SA 1,")][0]]
    assert (k["K"], k["context"], k["output"]) == (s1["KEY1"],
                                                   s1["context"], s1["KEYMAT"])

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
      lambda: (auth(RQ_DH)(), auth_doc()))
check("10.6 MN-HA authenticator verifies over the covered bytes",
      auth(RQ_KDC))
check("10.6 the KDC request with mode byte 2 (7.3): only that byte and the "
      "MN-HA and FA-HA authenticators change, as printed", mode2)
check("10.7 key fingerprints recomputed", fingerprints)
check("10.8 semi-stateful contexts rebuilt from the inputs, keys recomputed",
      semi_keys)
check("10.9 X25519 values, transcript (from the dumps of 10.5, %s and %s) "
      "and KEY1/KEY3 recomputed" % (S_RELAY_DH, S_REPLY["DH"]), dh_keys)
check("%s relayed KDC request: 10.6 plus the FA's offers and an FA-HA "
      "authenticator that verifies" % S_RELAY_KDC, relayed("KDC"))
check("%s relayed X25519 request: 10.5 plus the same FA offers and an FA-HA "
      "authenticator that verifies" % S_RELAY_DH, relayed("X25519"))
for mode, num in S_REPLY.items():
    check("%s %s reply: authenticators verify, FA-to-MN is the prefix, every "
          "wrapped key decrypts to the expected key" % (num, mode),
          reply(mode))
check("kdc_vectors.json agrees with the values printed in 10.7-10.9", kdc_json)
check("%s-%s SA payloads: the MN's inbound SPI in its offers and the "
      "reply's NVSE MN-FA answer, the FA's in its offers and the reply's CVSE "
      "MN-FA answer, the HA's in its MN-HA and FA-HA answers (6.2, 6.5, 9.2); "
      "one per protocol, no collision, as the prose says"
      % (S_RELAY_KDC, S_REPLY["DH"]), spi_owners)
check("%s ESP keying material recomputed from 8.7 with python3-"
      "cryptography's KBKDF: receivers' SPIs from the SA payloads, "
      "transforms from the answers, KEY1-3 unwrapped from %s, XFRM lines"
      % (S_ESP, S_REPLY["stateful"]), esp_vectors)
check("section 10 registration table: each message of each mode in the "
      "subsection it names, of the right kind, each relay built on the "
      "previous message; every worked message listed", registrations)
EOF
while read -r st desc; do
	ok "$st" "$desc"
done < "$TMP/crypto.tap"

[ "$TAP_N" = "$NPLAN" ] || { echo "# ran $TAP_N tests, planned $NPLAN"; exit 1; }
exit $((TAP_FAILED > 0))
