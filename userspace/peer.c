// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex tool: FA-HA peers (the foreign agents of a home agent, or the home
 * agents of a foreign agent) - "mipkex peer ...", and the pieces
 * "mipkex load" uses.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "entry.h"
#include "genl.h"
#include "store.h"
#include "util.h"

static struct nla_policy peer_policy[MIPKEX_PEER_A_MAX + 1] = {
	[MIPKEX_PEER_A_ADDR] = { .type = NLA_U32 },
	[MIPKEX_PEER_A_SPI] = { .type = NLA_U32 },
	[MIPKEX_PEER_A_FINGERPRINT] = { .minlen = MIPKEX_FINGERPRINT_LEN },
	[MIPKEX_PEER_A_AEAD] = { .type = NLA_U8 },
	[MIPKEX_PEER_A_AUTH] = { .type = NLA_U8 },
};

/* As mk_key0_set(), for a peer. */
int mk_peer_set(struct mk_peer *e, int attr, const char *val, char *err,
		size_t n)
{
	int v;

	switch (attr) {
	case MIPKEX_PEER_A_ADDR:
		if (parse_ipv4(val, &e->addr)) {
			snprintf(err, n, "\"%s\" is not an IPv4 address", val);
			return -1;
		}
		break;
	case MIPKEX_PEER_A_SPI:
		if (parse_u32(val, MIPKEX_SPI_MIN, UINT32_MAX, &e->spi)) {
			snprintf(err, n,
				 "SPI \"%s\" is not a number from %d to 4294967295",
				 val, MIPKEX_SPI_MIN);
			return -1;
		}
		break;
	case MIPKEX_PEER_A_AEAD:
		v = parse_name(val, aead_names, ARRAY_SIZE(aead_names));
		if (v < 0) {
			snprintf(err, n,
				 "aead \"%s\" is not aes-256-gcm or chacha20-poly1305",
				 val);
			return -1;
		}
		e->aead = (uint8_t)v;
		break;
	case MIPKEX_PEER_A_AUTH:
		v = parse_name(val, auth_names, ARRAY_SIZE(auth_names));
		if (v < 0) {
			snprintf(err, n,
				 "auth \"%s\" is not hmac-sha256 or hmac-md5",
				 val);
			return -1;
		}
		e->auth = (uint8_t)v;
		break;
	default:
		snprintf(err, n, "internal error: field %d", attr);
		return -1;
	}
	e->have |= 1u << attr;
	return 0;
}

int mk_peer_check(const struct mk_peer *e, char *err, size_t n)
{
	if (!HAVE(e, MIPKEX_PEER_A_ADDR))
		snprintf(err, n, "the address is missing");
	else if (!HAVE(e, MIPKEX_PEER_A_SPI))
		snprintf(err, n, "spi is missing");
	else if (!HAVE(e, MIPKEX_PEER_A_KEY))
		snprintf(err, n, "key is missing");
	else
		return 0;
	return -1;
}

/* As mk_key0_msg(), for a peer. */
struct nl_msg *mk_peer_msg(int cmd, int flags, const struct mk_peer *e)
{
	struct nl_msg *msg = mk_genl_msg(cmd, flags);
	struct nlattr *nest;
	bool all = cmd == MIPKEX_CMD_PEER_NEW;

	if (!msg)
		return NULL;
	nest = nla_nest_start(msg, MIPKEX_A_PEER);
	if (!nest || nla_put_u32(msg, MIPKEX_PEER_A_ADDR, e->addr) < 0)
		goto nomem;
	if (all && HAVE(e, MIPKEX_PEER_A_SPI) &&
	    nla_put_u32(msg, MIPKEX_PEER_A_SPI, e->spi) < 0)
		goto nomem;
	if (all && HAVE(e, MIPKEX_PEER_A_KEY) &&
	    nla_put(msg, MIPKEX_PEER_A_KEY, e->key.len, e->key.b) < 0)
		goto nomem;
	if (all && HAVE(e, MIPKEX_PEER_A_AEAD) &&
	    nla_put_u8(msg, MIPKEX_PEER_A_AEAD, e->aead) < 0)
		goto nomem;
	if (all && HAVE(e, MIPKEX_PEER_A_AUTH) &&
	    nla_put_u8(msg, MIPKEX_PEER_A_AUTH, e->auth) < 0)
		goto nomem;
	nla_nest_end(msg, nest);
	return msg;
nomem:
	mk_msg_free(msg);
	mk_err("out of memory");
	return NULL;
}

static int peer_parse(struct nlattr *nest, struct mk_peer *e)
{
	struct nlattr *tb[MIPKEX_PEER_A_MAX + 1];
	int i;

	memset(e, 0, sizeof(*e));
	if (!nest || nla_parse_nested(tb, MIPKEX_PEER_A_MAX, nest, peer_policy) ||
	    !tb[MIPKEX_PEER_A_ADDR]) {
		mk_err("malformed peer from the kernel");
		return -EPROTO;
	}
	for (i = 1; i <= MIPKEX_PEER_A_MAX; i++)
		if (tb[i])
			e->have |= 1u << i;
	e->addr = nla_get_u32(tb[MIPKEX_PEER_A_ADDR]);
	if (tb[MIPKEX_PEER_A_SPI])
		e->spi = nla_get_u32(tb[MIPKEX_PEER_A_SPI]);
	if (tb[MIPKEX_PEER_A_FINGERPRINT])
		memcpy(e->fpr, nla_data(tb[MIPKEX_PEER_A_FINGERPRINT]),
		       MIPKEX_FINGERPRINT_LEN);
	if (tb[MIPKEX_PEER_A_AEAD])
		e->aead = nla_get_u8(tb[MIPKEX_PEER_A_AEAD]);
	if (tb[MIPKEX_PEER_A_AUTH])
		e->auth = nla_get_u8(tb[MIPKEX_PEER_A_AUTH]);
	e->have &= ~(1u << MIPKEX_PEER_A_KEY);
	return 0;
}

static int peer_cmp(const void *a, const void *b)
{
	uint32_t x = ntohl(((const struct mk_peer *)a)->addr);
	uint32_t y = ntohl(((const struct mk_peer *)b)->addr);

	return x < y ? -1 : x > y;
}

static void peer_print(const struct mk_peer *e)
{
	char a[16], x[12], y[12];
	char fpr[2 * MIPKEX_FINGERPRINT_LEN + 1];

	hex_str(e->fpr, sizeof(e->fpr), fpr);
	if (!json) {
		printf("%s spi %u aead %s auth %s fingerprint %s\n",
		       ipv4_str(e->addr, a), e->spi,
		       enum_name(e->aead, aead_names, ARRAY_SIZE(aead_names), x),
		       enum_name(e->auth, auth_names, ARRAY_SIZE(auth_names), y),
		       fpr);
		return;
	}
	jw_open('{');
	jw_key("addr");
	jw_str(ipv4_str(e->addr, a));
	jw_key("spi");
	jw_uint(e->spi);
	jw_key("aead");
	jw_str(enum_name(e->aead, aead_names, ARRAY_SIZE(aead_names), x));
	jw_key("auth");
	jw_str(enum_name(e->auth, auth_names, ARRAY_SIZE(auth_names), y));
	jw_key("fingerprint");
	jw_str(fpr);
	jw_close();
}

void mk_peer_print_conf(const struct mk_peer *e)
{
	char a[16], x[12], y[12];
	char fpr[2 * MIPKEX_FINGERPRINT_LEN + 1];

	hex_str(e->fpr, sizeof(e->fpr), fpr);
	printf("\n[peer %s]\nspi = %u\n# key fingerprint %s\naead = %s\nauth = %s\n",
	       ipv4_str(e->addr, a), e->spi, fpr,
	       enum_name(e->aead, aead_names, ARRAY_SIZE(aead_names), x),
	       enum_name(e->auth, auth_names, ARRAY_SIZE(auth_names), y));
}

static const char *const peer_words[] = {
	[MIPKEX_PEER_A_SPI] = "spi",
	[MIPKEX_PEER_A_KEY] = "key",
	[MIPKEX_PEER_A_AEAD] = "aead",
	[MIPKEX_PEER_A_AUTH] = "auth",
};

static int peer_set(void *e, int attr, const char *val, char *err, size_t n)
{
	return mk_peer_set(e, attr, val, err, n);
}

static int peer_check(const void *e, char *err, size_t n)
{
	return mk_peer_check(e, err, n);
}

static struct nl_msg *peer_msg(int cmd, int flags, const void *e)
{
	return mk_peer_msg(cmd, flags, e);
}

static int peer_parse_any(struct nlattr *nest, void *e)
{
	return peer_parse(nest, e);
}

static void peer_print_any(const void *e)
{
	peer_print(e);
}

static const struct mk_store peer_store = {
	.name = "peer",
	.id = "address",
	.id_attr = MIPKEX_PEER_A_ADDR,
	.key_attr = MIPKEX_PEER_A_KEY,
	.nest = MIPKEX_A_PEER,
	.cmd_new = MIPKEX_CMD_PEER_NEW,
	.cmd_del = MIPKEX_CMD_PEER_DEL,
	.cmd_get = MIPKEX_CMD_PEER_GET,
	.cmd_flush = MIPKEX_CMD_PEER_FLUSH,
	.words = peer_words,
	.n_words = ARRAY_SIZE(peer_words),
	.size = sizeof(struct mk_peer),
	.have_off = offsetof(struct mk_peer, have),
	.key_off = offsetof(struct mk_peer, key),
	.set = peer_set,
	.check = peer_check,
	.msg = peer_msg,
	.parse = peer_parse_any,
	.cmp = peer_cmp,
	.print = peer_print_any,
};

/* Every peer of the namespace, sorted by address. */
int mk_peer_dump(struct mk_peer **out, size_t *n)
{
	void *v;
	int err = mk_store_dump(&peer_store, &v, n);

	if (!err)
		*out = v;
	return err;
}

int cmd_peer(int argc, char **argv)
{
	return mk_store_cmd(&peer_store, argc, argv);
}
