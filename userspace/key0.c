// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex tool: KEY0 entries (the keys mobile nodes share with their home
 * agent) - "mipkex key0 ...", and the pieces "mipkex load" uses.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "entry.h"
#include "genl.h"
#include "store.h"
#include "util.h"

static struct nla_policy key0_policy[MIPKEX_KEY0_A_MAX + 1] = {
	[MIPKEX_KEY0_A_SPI] = { .type = NLA_U32 },
	[MIPKEX_KEY0_A_NAI] = { .type = NLA_STRING,
				.maxlen = MIPKEX_NAI_MAX_LEN + 1 },
	[MIPKEX_KEY0_A_HOME_ADDR] = { .type = NLA_U32 },
	[MIPKEX_KEY0_A_HA_ADDR] = { .type = NLA_U32 },
	[MIPKEX_KEY0_A_FINGERPRINT] = { .minlen = MIPKEX_FINGERPRINT_LEN },
	[MIPKEX_KEY0_A_AEAD] = { .type = NLA_U8 },
	[MIPKEX_KEY0_A_AUTH] = { .type = NLA_U8 },
	[MIPKEX_KEY0_A_REPLAY] = { .type = NLA_U8 },
	[MIPKEX_KEY0_A_WINDOW] = { .type = NLA_U32 },
};

/**
 * mk_key0_set() - set one field (not the key) from its text
 * @e: the entry
 * @attr: MIPKEX_KEY0_A_*
 * @val: the text
 * @err: room for a message on failure
 * @n: size of @err
 *
 * Return: 0 or -1 with @err set.
 */
int mk_key0_set(struct mk_key0 *e, int attr, const char *val, char *err,
		size_t n)
{
	const unsigned char *p;
	int v;

	switch (attr) {
	case MIPKEX_KEY0_A_SPI:
		if (parse_u32(val, MIPKEX_SPI_MIN, UINT32_MAX, &e->spi))
			goto bad_spi;
		break;
	case MIPKEX_KEY0_A_NAI:
		if (!*val || strlen(val) > MIPKEX_NAI_MAX_LEN) {
			snprintf(err, n, "a NAI is 1 to %d bytes",
				 MIPKEX_NAI_MAX_LEN);
			return -1;
		}
		for (p = (const unsigned char *)val; *p; p++)
			if (*p <= ' ' || *p == 0x7f) {
				snprintf(err, n,
					 "a NAI has no space or control character");
				return -1;
			}
		strcpy(e->nai, val);
		break;
	case MIPKEX_KEY0_A_HOME_ADDR:
	case MIPKEX_KEY0_A_HA_ADDR:
		if (parse_ipv4(val, attr == MIPKEX_KEY0_A_HA_ADDR ? &e->ha :
			       &e->home)) {
			snprintf(err, n, "\"%s\" is not an IPv4 address", val);
			return -1;
		}
		break;
	case MIPKEX_KEY0_A_AEAD:
		v = parse_name(val, aead_names, ARRAY_SIZE(aead_names));
		if (v < 0) {
			snprintf(err, n,
				 "aead \"%s\" is not aes-256-gcm or chacha20-poly1305",
				 val);
			return -1;
		}
		e->aead = (uint8_t)v;
		break;
	case MIPKEX_KEY0_A_AUTH:
		v = parse_name(val, auth_names, ARRAY_SIZE(auth_names));
		if (v < 0) {
			snprintf(err, n,
				 "auth \"%s\" is not hmac-sha256 or hmac-md5",
				 val);
			return -1;
		}
		e->auth = (uint8_t)v;
		break;
	case MIPKEX_KEY0_A_REPLAY:
		v = parse_name(val, replay_names, ARRAY_SIZE(replay_names));
		if (v < 0) {
			snprintf(err, n,
				 "replay \"%s\" is not timestamp or nonce", val);
			return -1;
		}
		e->replay = (uint8_t)v;
		break;
	case MIPKEX_KEY0_A_WINDOW:
		if (parse_u32(val, 1, 3600, &e->window)) {
			snprintf(err, n,
				 "window \"%s\" is not 1 to 3600 seconds", val);
			return -1;
		}
		break;
	default:
		snprintf(err, n, "internal error: field %d", attr);
		return -1;
	}
	e->have |= 1u << attr;
	return 0;
bad_spi:
	snprintf(err, n, "SPI \"%s\" is not a number from %d to 4294967295",
		 val, MIPKEX_SPI_MIN);
	return -1;
}

/* Return: 0 if every required field is set, else -1 with @err set. */
int mk_key0_check(const struct mk_key0 *e, char *err, size_t n)
{
	static const struct {
		int attr;
		const char *name;
	} req[] = {
		{ MIPKEX_KEY0_A_SPI, "spi" },
		{ MIPKEX_KEY0_A_NAI, "nai" },
		{ MIPKEX_KEY0_A_HOME_ADDR, "home" },
		{ MIPKEX_KEY0_A_HA_ADDR, "ha" },
		{ MIPKEX_KEY0_A_KEY, "key" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(req); i++)
		if (!HAVE(e, req[i].attr)) {
			snprintf(err, n, "%s is missing", req[i].name);
			return -1;
		}
	return 0;
}

/**
 * mk_key0_msg() - a KEY0 request with the fields @e has
 * @cmd: MIPKEX_CMD_KEY0_*
 * @flags: netlink flags
 * @e: the entry (only its SPI for DEL and GET)
 *
 * Return: the message, or NULL (out of memory, message printed).
 */
struct nl_msg *mk_key0_msg(int cmd, int flags, const struct mk_key0 *e)
{
	struct nl_msg *msg = mk_genl_msg(cmd, flags);
	struct nlattr *nest;
	bool all = cmd == MIPKEX_CMD_KEY0_NEW;

	if (!msg)
		return NULL;
	nest = nla_nest_start(msg, MIPKEX_A_KEY0);
	if (!nest || nla_put_u32(msg, MIPKEX_KEY0_A_SPI, e->spi) < 0)
		goto nomem;
	if (all && HAVE(e, MIPKEX_KEY0_A_NAI) &&
	    nla_put_string(msg, MIPKEX_KEY0_A_NAI, e->nai) < 0)
		goto nomem;
	if (all && HAVE(e, MIPKEX_KEY0_A_HOME_ADDR) &&
	    nla_put_u32(msg, MIPKEX_KEY0_A_HOME_ADDR, e->home) < 0)
		goto nomem;
	if (all && HAVE(e, MIPKEX_KEY0_A_HA_ADDR) &&
	    nla_put_u32(msg, MIPKEX_KEY0_A_HA_ADDR, e->ha) < 0)
		goto nomem;
	if (all && HAVE(e, MIPKEX_KEY0_A_KEY) &&
	    nla_put(msg, MIPKEX_KEY0_A_KEY, e->key.len, e->key.b) < 0)
		goto nomem;
	if (all && HAVE(e, MIPKEX_KEY0_A_AEAD) &&
	    nla_put_u8(msg, MIPKEX_KEY0_A_AEAD, e->aead) < 0)
		goto nomem;
	if (all && HAVE(e, MIPKEX_KEY0_A_AUTH) &&
	    nla_put_u8(msg, MIPKEX_KEY0_A_AUTH, e->auth) < 0)
		goto nomem;
	if (all && HAVE(e, MIPKEX_KEY0_A_REPLAY) &&
	    nla_put_u8(msg, MIPKEX_KEY0_A_REPLAY, e->replay) < 0)
		goto nomem;
	if (all && HAVE(e, MIPKEX_KEY0_A_WINDOW) &&
	    nla_put_u32(msg, MIPKEX_KEY0_A_WINDOW, e->window) < 0)
		goto nomem;
	nla_nest_end(msg, nest);
	return msg;
nomem:
	mk_msg_free(msg);	/* the key may be in it already */
	mk_err("out of memory");
	return NULL;
}

/* An entry from a reply's MIPKEX_A_KEY0. Return: 0 or -EPROTO. */
static int key0_parse(struct nlattr *nest, struct mk_key0 *e)
{
	struct nlattr *tb[MIPKEX_KEY0_A_MAX + 1];
	int i;

	memset(e, 0, sizeof(*e));
	if (!nest || nla_parse_nested(tb, MIPKEX_KEY0_A_MAX, nest, key0_policy) ||
	    !tb[MIPKEX_KEY0_A_SPI]) {
		mk_err("malformed KEY0 entry from the kernel");
		return -EPROTO;
	}
	for (i = 1; i <= MIPKEX_KEY0_A_MAX; i++)
		if (tb[i])
			e->have |= 1u << i;
	e->spi = nla_get_u32(tb[MIPKEX_KEY0_A_SPI]);
	if (tb[MIPKEX_KEY0_A_NAI])
		snprintf(e->nai, sizeof(e->nai), "%.*s",
			 nla_len(tb[MIPKEX_KEY0_A_NAI]),
			 (const char *)nla_data(tb[MIPKEX_KEY0_A_NAI]));
	if (tb[MIPKEX_KEY0_A_HOME_ADDR])
		e->home = nla_get_u32(tb[MIPKEX_KEY0_A_HOME_ADDR]);
	if (tb[MIPKEX_KEY0_A_HA_ADDR])
		e->ha = nla_get_u32(tb[MIPKEX_KEY0_A_HA_ADDR]);
	if (tb[MIPKEX_KEY0_A_FINGERPRINT])
		memcpy(e->fpr, nla_data(tb[MIPKEX_KEY0_A_FINGERPRINT]),
		       MIPKEX_FINGERPRINT_LEN);
	if (tb[MIPKEX_KEY0_A_AEAD])
		e->aead = nla_get_u8(tb[MIPKEX_KEY0_A_AEAD]);
	if (tb[MIPKEX_KEY0_A_AUTH])
		e->auth = nla_get_u8(tb[MIPKEX_KEY0_A_AUTH]);
	if (tb[MIPKEX_KEY0_A_REPLAY])
		e->replay = nla_get_u8(tb[MIPKEX_KEY0_A_REPLAY]);
	if (tb[MIPKEX_KEY0_A_WINDOW])
		e->window = nla_get_u32(tb[MIPKEX_KEY0_A_WINDOW]);
	e->have &= ~(1u << MIPKEX_KEY0_A_KEY);	/* never read back */
	return 0;
}

static int key0_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct mk_key0 *)a)->spi;
	uint32_t y = ((const struct mk_key0 *)b)->spi;

	return x < y ? -1 : x > y;
}

/* One entry: a line in the "key0 add" syntax, or a JSON object. */
void mk_key0_print(const struct mk_key0 *e)
{
	char a[16], b[16], x[12], y[12], z[12];
	char fpr[2 * MIPKEX_FINGERPRINT_LEN + 1];

	hex_str(e->fpr, sizeof(e->fpr), fpr);
	if (!json) {
		printf("%u nai %s home %s ha %s aead %s auth %s replay %s window %u fingerprint %s\n",
		       e->spi, e->nai, ipv4_str(e->home, a),
		       ipv4_str(e->ha, b),
		       enum_name(e->aead, aead_names, ARRAY_SIZE(aead_names), x),
		       enum_name(e->auth, auth_names, ARRAY_SIZE(auth_names), y),
		       enum_name(e->replay, replay_names,
				 ARRAY_SIZE(replay_names), z),
		       e->window, fpr);
		return;
	}
	jw_open('{');
	jw_key("spi");
	jw_uint(e->spi);
	jw_key("nai");
	jw_str(e->nai);
	jw_key("home");
	jw_str(ipv4_str(e->home, a));
	jw_key("ha");
	jw_str(ipv4_str(e->ha, b));
	jw_key("aead");
	jw_str(enum_name(e->aead, aead_names, ARRAY_SIZE(aead_names), x));
	jw_key("auth");
	jw_str(enum_name(e->auth, auth_names, ARRAY_SIZE(auth_names), y));
	jw_key("replay");
	jw_str(enum_name(e->replay, replay_names, ARRAY_SIZE(replay_names), z));
	jw_key("window");
	jw_uint(e->window);
	jw_key("fingerprint");
	jw_str(fpr);
	jw_close();
}

/* One entry as a [key0] section of the configuration file. */
void mk_key0_print_conf(const struct mk_key0 *e)
{
	char a[16], b[16], x[12], y[12], z[12];
	char fpr[2 * MIPKEX_FINGERPRINT_LEN + 1];

	hex_str(e->fpr, sizeof(e->fpr), fpr);
	printf("\n[key0 %s]\nspi = %u\nnai = %s\nhome = %s\nha = %s\n"
	       "# key fingerprint %s\naead = %s\nauth = %s\nreplay = %s\n"
	       "window = %u\n",
	       e->nai, e->spi, e->nai, ipv4_str(e->home, a),
	       ipv4_str(e->ha, b), fpr,
	       enum_name(e->aead, aead_names, ARRAY_SIZE(aead_names), x),
	       enum_name(e->auth, auth_names, ARRAY_SIZE(auth_names), y),
	       enum_name(e->replay, replay_names, ARRAY_SIZE(replay_names), z),
	       e->window);
}

static const char *const key0_words[] = {
	[MIPKEX_KEY0_A_NAI] = "nai",
	[MIPKEX_KEY0_A_HOME_ADDR] = "home",
	[MIPKEX_KEY0_A_HA_ADDR] = "ha",
	[MIPKEX_KEY0_A_KEY] = "key",
	[MIPKEX_KEY0_A_AEAD] = "aead",
	[MIPKEX_KEY0_A_AUTH] = "auth",
	[MIPKEX_KEY0_A_REPLAY] = "replay",
	[MIPKEX_KEY0_A_WINDOW] = "window",
};

static int key0_set(void *e, int attr, const char *val, char *err, size_t n)
{
	return mk_key0_set(e, attr, val, err, n);
}

static int key0_check(const void *e, char *err, size_t n)
{
	return mk_key0_check(e, err, n);
}

static struct nl_msg *key0_msg(int cmd, int flags, const void *e)
{
	return mk_key0_msg(cmd, flags, e);
}

static int key0_parse_any(struct nlattr *nest, void *e)
{
	return key0_parse(nest, e);
}

static void key0_print(const void *e)
{
	mk_key0_print(e);
}

static const struct mk_store key0_store = {
	.name = "key0",
	.id = "SPI",
	.id_attr = MIPKEX_KEY0_A_SPI,
	.key_attr = MIPKEX_KEY0_A_KEY,
	.nest = MIPKEX_A_KEY0,
	.cmd_new = MIPKEX_CMD_KEY0_NEW,
	.cmd_del = MIPKEX_CMD_KEY0_DEL,
	.cmd_get = MIPKEX_CMD_KEY0_GET,
	.cmd_flush = MIPKEX_CMD_KEY0_FLUSH,
	.words = key0_words,
	.n_words = ARRAY_SIZE(key0_words),
	.size = sizeof(struct mk_key0),
	.have_off = offsetof(struct mk_key0, have),
	.key_off = offsetof(struct mk_key0, key),
	.set = key0_set,
	.check = key0_check,
	.msg = key0_msg,
	.parse = key0_parse_any,
	.cmp = key0_cmp,
	.print = key0_print,
};

/**
 * mk_key0_dump() - every KEY0 entry of the namespace, sorted by SPI
 * @out: the entries, malloc'ed
 * @n: their number
 *
 * Return: 0 or a negative errno with a message printed.
 */
int mk_key0_dump(struct mk_key0 **out, size_t *n)
{
	void *v;
	int err = mk_store_dump(&key0_store, &v, n);

	if (!err)
		*out = v;
	return err;
}

int cmd_key0(int argc, char **argv)
{
	return mk_store_cmd(&key0_store, argc, argv);
}
