# SPDX-License-Identifier: GPL-2.0
"""Raw generic netlink for the kernel selftests' Python helpers (crypto.py,
bindings.py): the socket module only, no library of the module's own, so
that the helpers check the module's netlink independently of the tool.

The numbers of the "mipkex" family and of the testing build's "mipkex_test"
family are read from uapi/linux/mipkex.h and kmod/testing.h (C), never
copied here.
"""

import errno
import os
import re
import socket
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def c_enums(path):
    """{NAME: value} of every enumerator and simple #define in a header."""
    text = open(path).read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    vals = {}
    for body in re.findall(r"enum\s+\w+\s*\{(.*?)\}", text, flags=re.S):
        n = 0
        for item in body.split(","):
            item = item.strip()
            if not item:
                continue
            m = re.match(r"^(\w+)\s*(?:=\s*(\w+))?$", item)
            name, val = m.group(1), m.group(2)
            if val is not None:
                n = int(val, 0) if val[0].isdigit() else vals[val]
            vals[name] = n
            n += 1
    for name, val in re.findall(r"^#define\s+(\w+)\s+(0x[0-9a-fA-F]+|\d+)\b",
                                text, flags=re.M):
        vals[name] = int(val, 0)
    for name, val in re.findall(r'^#define\s+(\w+)\s+"([^"]*)"', text,
                                flags=re.M):
        vals[name] = val
    return vals


C = c_enums(os.path.join(ROOT, "uapi", "linux", "mipkex.h"))
C.update(c_enums(os.path.join(ROOT, "kmod", "testing.h")))

NETLINK_GENERIC = 16
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 1, 4, 0x300
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
CTRL_ATTR_MCAST_GROUPS = 7
CTRL_ATTR_MCAST_GRP_NAME = 1
CTRL_ATTR_MCAST_GRP_ID = 2
NLA_F_NESTED = 1 << 15
SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP = 1


class NetlinkError(Exception):
    def __init__(self, err):
        super().__init__(os.strerror(err))
        self.errno = err


def nla(atype, data):
    """One attribute; a str is sent NUL-terminated."""
    if isinstance(data, str):
        data = data.encode() + b"\0"
    hdr = struct.pack("=HH", 4 + len(data), atype)
    return hdr + data + b"\0" * ((4 - len(data) % 4) % 4)


def nest(atype, attrs):
    return nla(atype | NLA_F_NESTED, b"".join(attrs))


def nla_parse(data):
    """[(type, payload)] of a stream of attributes."""
    out, off = [], 0
    while off + 4 <= len(data):
        length, atype = struct.unpack_from("=HH", data, off)
        if length < 4:
            break
        out.append((atype & ~NLA_F_NESTED, data[off + 4:off + length]))
        off += (length + 3) & ~3
    return out


class Genl:
    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                  NETLINK_GENERIC)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.sock.bind((0, 0))
        self.seq = 0

    def request(self, family, cmd, attrs, flags=0, raw=None, version=1):
        """The attributes of each reply message (a list of lists), or
        NetlinkError. With raw, a list, every reply message is appended to
        it as bytes."""
        self.seq += 1
        payload = struct.pack("=BBH", cmd, version, 0) + b"".join(attrs)
        self.sock.send(struct.pack("=IHHII", 16 + len(payload), family,
                                   NLM_F_REQUEST | flags, self.seq, 0) +
                       payload)
        msgs = []
        while True:
            data = self.sock.recv(1 << 16)
            off = 0
            while off + 16 <= len(data):
                length, mtype, _, seq, _ = struct.unpack_from("=IHHII", data,
                                                              off)
                body = data[off + 16:off + length]
                if raw is not None:
                    raw.append(data[off:off + length])
                off += (length + 3) & ~3
                if seq != self.seq:
                    continue
                if mtype == NLMSG_ERROR:
                    err = struct.unpack_from("=i", body)[0]
                    if err:
                        raise NetlinkError(-err)
                    return msgs
                if mtype == NLMSG_DONE:
                    return msgs
                msgs.append(nla_parse(body[4:]))
                if not flags & NLM_F_DUMP:
                    return msgs

    def _getfamily(self, name):
        return dict(self.request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                                 [nla(CTRL_ATTR_FAMILY_NAME, name)])[0])

    def family(self, name):
        """The id of family NAME, or None if it is not registered."""
        try:
            attrs = self._getfamily(name)
        except NetlinkError as e:
            if e.errno == errno.ENOENT:
                return None
            raise
        return struct.unpack("=H", attrs[CTRL_ATTR_FAMILY_ID])[0]

    def groups(self, name):
        """{multicast group name: id} of family NAME (NetlinkError if it is
        not registered)."""
        groups = {}
        for _, g in nla_parse(self._getfamily(name).get(
                CTRL_ATTR_MCAST_GROUPS, b"")):
            ga = dict(nla_parse(g))
            groups[ga[CTRL_ATTR_MCAST_GRP_NAME].rstrip(b"\0").decode()] = \
                struct.unpack("=I", ga[CTRL_ATTR_MCAST_GRP_ID])[0]
        return groups

    def join(self, family, group):
        """Join multicast GROUP of FAMILY."""
        self.sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
                             self.groups(family)[group])
