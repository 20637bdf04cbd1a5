#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Helper of bindings.sh: plays the role handlers through the testing build's
"mipkex_test" family (kmod/testing.h), watches the "mipkex" family's raw
messages, and computes key fingerprints independently of the module with
python3-cryptography. Acts on the network namespace it runs in.

  bindings.py accept JSON     mipkex_binding_accept() with the fields of JSON:
                              {"home", "ha", "coa", "fa", "spi", "nai",
                               "mode", "group", "lifetime", "ident",
                               "sa": [{"pair", "protocol", "encr", "bits",
                                       "integ", "spi_in", "spi_out",
                                       "lifetime", "key": HEX or null}]}
  bindings.py remove HOME HA  mipkex_binding_remove()
  bindings.py denied JSON     mipkex_event_denied(): {"home", "ha", "nai",
                              "code", "message"}, each optional
  bindings.py fpr HEX         the fingerprint of a key
  bindings.py dumpraw         hex of every message of a BINDING_GET dump
  bindings.py sniff FILE      join "events" with a raw socket; append the hex
                              of every message to FILE (until killed); print
                              "ready" on stderr once joined, or exit 1 with
                              the errno name if the kernel refuses
  bindings.py join            exit 0 if joining "events" works, else print
                              the errno name and exit 1
The numbers come from uapi/linux/mipkex.h and kmod/testing.h.
"""

import errno
import ipaddress
import json
import struct
import sys

from genlraw import (C, NLM_F_ACK, NLM_F_DUMP, Genl, NetlinkError, nest,
                     nla)


def be32(addr):
    return ipaddress.IPv4Address(addr).packed


def fingerprint(key):
    # Imported here: the other commands start faster without it.
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.kbkdf import (CounterLocation,
                                                          KBKDFHMAC, Mode)
    kdf = KBKDFHMAC(algorithm=hashes.SHA256(), mode=Mode.CounterMode,
                    length=8, rlen=4, llen=4,
                    location=CounterLocation.BeforeFixed,
                    label=b"mipkex fingerprint", context=b"", fixed=None)
    return kdf.derive(key)


def binding_attrs(spec):
    B = "MIPKEX_BINDING_A_"
    a = []
    for k, name in (("home", "HOME_ADDR"), ("ha", "HA_ADDR"), ("coa", "COA"),
                    ("fa", "FA_ADDR")):
        if spec.get(k) is not None:
            a.append(nla(C[B + name], be32(spec[k])))
    if spec.get("spi"):
        a.append(nla(C[B + "KEY0_SPI"], struct.pack("=I", spec["spi"])))
    if spec.get("nai"):
        a.append(nla(C[B + "NAI"], spec["nai"]))
    if spec.get("mode") is not None:
        a.append(nla(C[B + "MODE"], bytes([spec["mode"]])))
    if spec.get("group"):
        a.append(nla(C[B + "DH_GROUP"], struct.pack("=H", spec["group"])))
    if spec.get("lifetime") is not None:
        a.append(nla(C[B + "LIFETIME"], struct.pack("=I", spec["lifetime"])))
    if spec.get("ident") is not None:
        a.append(nla(C[B + "IDENT"], struct.pack("=Q", spec["ident"])))
    keys = []
    for sa in spec.get("sa", []):
        S = "MIPKEX_SA_A_"
        s = [nla(C[S + "PAIR"], bytes([sa["pair"]])),
             nla(C[S + "PROTOCOL"], bytes([sa.get("protocol", 50)])),
             nla(C[S + "ENCR"], struct.pack("=H", sa.get("encr", 0))),
             nla(C[S + "ENCR_BITS"], struct.pack("=H", sa.get("bits", 0))),
             nla(C[S + "INTEG"], struct.pack("=H", sa.get("integ", 0))),
             nla(C[S + "SPI_IN"], struct.pack("=I", sa["spi_in"])),
             nla(C[S + "SPI_OUT"], struct.pack("=I", sa["spi_out"])),
             nla(C[S + "LIFETIME"], struct.pack("=I", sa.get("lifetime", 0)))]
        a.append(nest(C[B + "SA"], s))
        keys.append(bytes.fromhex(sa["key"]) if sa.get("key") else b"")
    return a, keys


def test_op(op, attrs):
    g = Genl()
    fam = g.family(C["MIPKEX_TEST_GENL_NAME"])
    a = [nla(C["MIPKEX_TEST_A_OP"], bytes([C["MIPKEX_TEST_OP_" + op]]))]
    g.request(fam, C["MIPKEX_TEST_CMD_RUN"], a + attrs, NLM_F_ACK)


def join(g):
    g.join(C["MIPKEX_GENL_NAME"], C["MIPKEX_GENL_MCGRP_EVENTS"])


def main(argv):
    cmd = argv[1]
    try:
        if cmd == "accept":
            attrs, keys = binding_attrs(json.loads(argv[2]))
            test_op("BINDING_ACCEPT",
                    [nest(C["MIPKEX_TEST_A_BINDING"], attrs)] +
                    [nla(C["MIPKEX_TEST_A_KEY"], k) for k in keys])
        elif cmd == "remove":
            attrs, _ = binding_attrs({"home": argv[2], "ha": argv[3]})
            test_op("BINDING_REMOVE", [nest(C["MIPKEX_TEST_A_BINDING"],
                                            attrs)])
        elif cmd == "denied":
            spec = json.loads(argv[2])
            attrs, _ = binding_attrs({k: spec.get(k)
                                      for k in ("home", "ha", "nai")})
            test_op("DENIED", [nest(C["MIPKEX_TEST_A_BINDING"], attrs),
                               nla(C["MIPKEX_TEST_A_CODE"],
                                   bytes([spec["code"]])),
                               nla(C["MIPKEX_TEST_A_MESSAGE"],
                                   spec.get("message", ""))])
        elif cmd == "fpr":
            print(fingerprint(bytes.fromhex(argv[2])).hex())
        elif cmd == "dumpraw":
            g = Genl()
            fam = g.family(C["MIPKEX_GENL_NAME"])
            raw = []
            g.request(fam, C["MIPKEX_CMD_BINDING_GET"], [], NLM_F_DUMP, raw)
            for m in raw:
                print(m.hex())
        elif cmd == "sniff":
            g = Genl()
            join(g)
            out = open(argv[2], "a")
            print("ready", file=sys.stderr, flush=True)
            while True:
                out.write(g.sock.recv(1 << 16).hex() + "\n")
                out.flush()
        elif cmd == "join":
            join(Genl())
        else:
            print("unknown command", cmd, file=sys.stderr)
            return 2
    except (NetlinkError, OSError) as e:
        print(errno.errorcode.get(e.errno, str(e.errno)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
