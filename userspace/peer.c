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

struct peer_list {
	struct mk_peer *v;
	size_t n, cap;
};

static int peer_collect(struct nlattr **tb, void *arg)
{
	struct peer_list *l = arg;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct mk_peer *v = realloc(l->v, cap * sizeof(*v));

		if (!v) {
			mk_err("out of memory");
			return -ENOMEM;
		}
		l->v = v;
		l->cap = cap;
	}
	if (peer_parse(tb[MIPKEX_A_PEER], &l->v[l->n]))
		return -EPROTO;
	l->n++;
	return 0;
}

static int peer_cmp(const void *a, const void *b)
{
	uint32_t x = ntohl(((const struct mk_peer *)a)->addr);
	uint32_t y = ntohl(((const struct mk_peer *)b)->addr);

	return x < y ? -1 : x > y;
}

/* Every peer of the namespace, sorted by address. */
int mk_peer_dump(struct mk_peer **out, size_t *n)
{
	struct peer_list l = { 0 };
	struct nl_msg *msg;
	int err, tries;

	msg = mk_genl_msg(MIPKEX_CMD_PEER_GET, NLM_F_DUMP);
	if (!msg)
		return -ENOMEM;
	err = mk_genl_call(msg, peer_collect, &l);
	for (tries = 0; err == -EAGAIN && tries < 10; tries++) {
		l.n = 0;	/* changed meanwhile: again */
		msg = mk_genl_msg(MIPKEX_CMD_PEER_GET, NLM_F_DUMP);
		err = msg ? mk_genl_call(msg, peer_collect, &l) : -ENOMEM;
	}
	if (err == -EAGAIN)
		mk_err("the entries kept changing during the dump");
	if (err) {
		free(l.v);
		return err;
	}
	if (l.n)
		qsort(l.v, l.n, sizeof(*l.v), peer_cmp);
	*out = l.v;
	*n = l.n;
	return 0;
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

static int peer_show_one(struct nlattr **tb, void *arg)
{
	struct mk_peer e;

	if (peer_parse(tb[MIPKEX_A_PEER], &e))
		return -EPROTO;
	if (json && !*(int *)arg)
		jw_open('[');
	*(int *)arg = 1;
	peer_print(&e);
	return 0;
}

static int peer_show(int argc, char **argv)
{
	struct mk_peer e = { 0 }, *v;
	char err[128];
	size_t i, n;
	int ret;

	if (argc > 1)
		return usage_error("peer show: unexpected \"%s\"", argv[1]);
	if (argc == 1 && mk_peer_set(&e, MIPKEX_PEER_A_ADDR, argv[0], err,
				     sizeof(err)))
		return usage_error("peer show: %s", err);
	if (mk_genl_open())
		return 1;
	if (argc == 1) {
		struct nl_msg *msg = mk_peer_msg(MIPKEX_CMD_PEER_GET, 0, &e);
		int opened = 0;

		ret = msg && !mk_genl_call(msg, peer_show_one, &opened) ? 0 : 1;
		if (json && opened) {
			jw_close();
			jw_end();
		}
	} else {
		ret = mk_peer_dump(&v, &n) ? 1 : 0;
		if (!ret) {
			if (json)
				jw_open('[');
			for (i = 0; i < n; i++)
				peer_print(&v[i]);
			if (json) {
				jw_close();
				jw_end();
			}
			free(v);
		}
	}
	mk_genl_close();
	return ret;
}

static const char *const peer_words[] = {
	[MIPKEX_PEER_A_SPI] = "spi",
	[MIPKEX_PEER_A_KEY] = "key",
	[MIPKEX_PEER_A_AEAD] = "aead",
	[MIPKEX_PEER_A_AUTH] = "auth",
};

/* peer add|replace ADDR spi SPI key FILE [aead ...] [auth ...] */
static int peer_new(const char *verb, int flags, int argc, char **argv)
{
	struct mk_peer e = { 0 };
	const char *keyfile = NULL;
	char err[256];
	int i, w, ret;

	if (argc < 1)
		return usage_error("peer %s: which address?", verb);
	if (mk_peer_set(&e, MIPKEX_PEER_A_ADDR, argv[0], err, sizeof(err)))
		return usage_error("peer %s: %s", verb, err);
	for (i = 1; i < argc; i += 2) {
		w = find_word(argv[i], peer_words, ARRAY_SIZE(peer_words));
		if (w == -2)
			return usage_error("peer %s: \"%s\" is ambiguous", verb,
					   argv[i]);
		if (w < 0)
			return usage_error("peer %s: unknown option \"%s\"",
					   verb, argv[i]);
		if (i + 1 >= argc)
			return usage_error("peer %s: %s needs a value", verb,
					   peer_words[w]);
		if (HAVE(&e, w))
			return usage_error("peer %s: %s given twice", verb,
					   peer_words[w]);
		if (w == MIPKEX_PEER_A_KEY) {
			keyfile = argv[i + 1];
			e.have |= 1u << w;
			continue;
		}
		if (mk_peer_set(&e, w, argv[i + 1], err, sizeof(err)))
			return usage_error("peer %s: %s", verb, err);
	}
	if (mk_peer_check(&e, err, sizeof(err)))
		return usage_error("peer %s: %s", verb, err);
	ret = mk_key_arg("key", keyfile, &e.key);
	if (ret)
		return ret;
	ret = 1;
	if (!mk_genl_open()) {
		ret = mk_send_new(mk_peer_msg(MIPKEX_CMD_PEER_NEW, flags, &e));
		mk_genl_close();
	}
	mk_key_zero(&e.key);
	return ret;
}

int cmd_peer(int argc, char **argv)
{
	static const char *const verbs[] = {
		"add", "replace", "del", "show", "flush",
	};
	struct mk_peer e = { 0 };
	struct nl_msg *msg;
	char err[128];
	int v, ret;

	if (argc < 1)
		return usage_error("peer: add, replace, del, show or flush?");
	v = find_word(argv[0], verbs, ARRAY_SIZE(verbs));
	if (v == -2)
		return usage_error("peer: \"%s\" is ambiguous", argv[0]);
	switch (v) {
	case 0:
		return peer_new("add", NLM_F_CREATE | NLM_F_EXCL, argc - 1,
				argv + 1);
	case 1:
		return peer_new("replace", NLM_F_CREATE | NLM_F_REPLACE,
				argc - 1, argv + 1);
	case 2:
		if (argc < 2)
			return usage_error("peer del: which address?");
		if (argc > 2)
			return usage_error("peer del: unexpected \"%s\"",
					   argv[2]);
		if (mk_peer_set(&e, MIPKEX_PEER_A_ADDR, argv[1], err,
				sizeof(err)))
			return usage_error("peer del: %s", err);
		if (mk_genl_open())
			return 1;
		msg = mk_peer_msg(MIPKEX_CMD_PEER_DEL, 0, &e);
		ret = msg && !mk_genl_call(msg, NULL, NULL) ? 0 : 1;
		mk_genl_close();
		return ret;
	case 3:
		return peer_show(argc - 1, argv + 1);
	case 4:
		if (argc > 1)
			return usage_error("peer flush: unexpected \"%s\"",
					   argv[1]);
		return mk_flush(MIPKEX_CMD_PEER_FLUSH, "peer");
	}
	return usage_error("peer: unknown command \"%s\"", argv[0]);
}
