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

struct key0_list {
	struct mk_key0 *v;
	size_t n, cap;
};

static int key0_collect(struct nlattr **tb, void *arg)
{
	struct key0_list *l = arg;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct mk_key0 *v = realloc(l->v, cap * sizeof(*v));

		if (!v) {
			mk_err("out of memory");
			return -ENOMEM;
		}
		l->v = v;
		l->cap = cap;
	}
	if (key0_parse(tb[MIPKEX_A_KEY0], &l->v[l->n]))
		return -EPROTO;
	l->n++;
	return 0;
}

static int key0_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct mk_key0 *)a)->spi;
	uint32_t y = ((const struct mk_key0 *)b)->spi;

	return x < y ? -1 : x > y;
}

/**
 * mk_key0_dump() - every KEY0 entry of the namespace, sorted by SPI
 * @out: the entries, malloc'ed
 * @n: their number
 *
 * Return: 0 or a negative errno with a message printed.
 */
int mk_key0_dump(struct mk_key0 **out, size_t *n)
{
	struct key0_list l = { 0 };
	struct nl_msg *msg;
	int err, tries;

	msg = mk_genl_msg(MIPKEX_CMD_KEY0_GET, NLM_F_DUMP);
	if (!msg)
		return -ENOMEM;
	err = mk_genl_call(msg, key0_collect, &l);
	for (tries = 0; err == -EAGAIN && tries < 10; tries++) {
		l.n = 0;	/* changed meanwhile: again */
		msg = mk_genl_msg(MIPKEX_CMD_KEY0_GET, NLM_F_DUMP);
		err = msg ? mk_genl_call(msg, key0_collect, &l) : -ENOMEM;
	}
	if (err == -EAGAIN)
		mk_err("the entries kept changing during the dump");
	if (err) {
		free(l.v);
		return err;
	}
	if (l.n)
		qsort(l.v, l.n, sizeof(*l.v), key0_cmp);
	*out = l.v;
	*n = l.n;
	return 0;
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

static int key0_show_one(struct nlattr **tb, void *arg)
{
	struct mk_key0 e;

	if (key0_parse(tb[MIPKEX_A_KEY0], &e))
		return -EPROTO;
	if (json && !*(int *)arg)
		jw_open('[');
	*(int *)arg = 1;
	mk_key0_print(&e);
	return 0;
}

static int key0_show(int argc, char **argv)
{
	struct mk_key0 e = { 0 }, *v;
	char err[128];
	size_t i, n;
	int ret;

	if (argc > 1)
		return usage_error("key0 show: unexpected \"%s\"", argv[1]);
	if (argc == 1 && mk_key0_set(&e, MIPKEX_KEY0_A_SPI, argv[0], err,
				     sizeof(err)))
		return usage_error("key0 show: %s", err);
	if (mk_genl_open())
		return 1;
	if (argc == 1) {
		struct nl_msg *msg = mk_key0_msg(MIPKEX_CMD_KEY0_GET, 0, &e);
		int opened = 0;

		ret = msg && !mk_genl_call(msg, key0_show_one, &opened) ? 0 : 1;
		if (json && opened) {
			jw_close();
			jw_end();
		}
	} else {
		ret = mk_key0_dump(&v, &n) ? 1 : 0;
		if (!ret) {
			if (json)
				jw_open('[');
			for (i = 0; i < n; i++)
				mk_key0_print(&v[i]);
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

/* The result of a NEW request, for add and replace. */
static int result_reply(struct nlattr **tb, void *arg)
{
	if (tb[MIPKEX_A_RESULT])
		*(int *)arg = nla_get_u8(tb[MIPKEX_A_RESULT]);
	return 0;
}

static const char *const result_names[] = {
	[MIPKEX_RESULT_ADDED] = "added",
	[MIPKEX_RESULT_REPLACED] = "replaced",
	[MIPKEX_RESULT_UNCHANGED] = "unchanged",
};

/* Send a NEW request and print what the kernel did. Return: exit status. */
int mk_send_new(struct nl_msg *msg)
{
	int result = 0;
	char x[12];

	if (!msg)
		return 1;
	if (mk_genl_call(msg, result_reply, &result))
		return 1;
	if (json) {
		jw_open('{');
		jw_key("result");
		jw_str(enum_name((unsigned int)result, result_names,
				 ARRAY_SIZE(result_names), x));
		jw_close();
		jw_end();
	} else if (result) {
		printf("%s\n", enum_name((unsigned int)result, result_names,
					 ARRAY_SIZE(result_names), x));
	}
	return 0;
}

/**
 * mk_key_arg() - the key named on the command line: a file, or - for stdin
 * @what: "key" or "seed", for messages
 * @path: the argument
 * @key: the key
 *
 * Return: 0, 1 (error, message printed) or EXIT_USAGE (a key itself given).
 */
int mk_key_arg(const char *what, const char *path, struct mk_key *key)
{
	char err[256];
	size_t i, len = strlen(path);

	if (len >= 2 * MIPKEX_KEY_MIN_LEN && access(path, F_OK)) {
		for (i = 0; i < len && strchr("0123456789abcdefABCDEF", path[i]);
		     i++)
			;
		if (i == len)
			return usage_error("%s: keys are not accepted on the command line: give a file, or - for stdin",
					   what);
	}
	if (mk_key_read(path, key, err, sizeof(err))) {
		mk_err("%s: %s", what, err);
		return 1;
	}
	return 0;
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

/* key0 add|replace SPI nai NAI home ADDR ha ADDR key FILE [...] */
static int key0_new(const char *verb, int flags, int argc, char **argv)
{
	struct mk_key0 e = { 0 };
	const char *keyfile = NULL;
	char err[256];
	int i, w, ret;

	if (argc < 1)
		return usage_error("key0 %s: which SPI?", verb);
	if (mk_key0_set(&e, MIPKEX_KEY0_A_SPI, argv[0], err, sizeof(err)))
		return usage_error("key0 %s: %s", verb, err);
	for (i = 1; i < argc; i += 2) {
		w = find_word(argv[i], key0_words, ARRAY_SIZE(key0_words));
		if (w == -2)
			return usage_error("key0 %s: \"%s\" is ambiguous", verb,
					   argv[i]);
		if (w < 0)
			return usage_error("key0 %s: unknown option \"%s\"",
					   verb, argv[i]);
		if (i + 1 >= argc)
			return usage_error("key0 %s: %s needs a value", verb,
					   key0_words[w]);
		if (HAVE(&e, w))
			return usage_error("key0 %s: %s given twice", verb,
					   key0_words[w]);
		if (w == MIPKEX_KEY0_A_KEY) {
			keyfile = argv[i + 1];
			e.have |= 1u << w;
			continue;
		}
		if (mk_key0_set(&e, w, argv[i + 1], err, sizeof(err)))
			return usage_error("key0 %s: %s", verb, err);
	}
	if (mk_key0_check(&e, err, sizeof(err)))
		return usage_error("key0 %s: %s", verb, err);
	ret = mk_key_arg("key", keyfile, &e.key);
	if (ret)
		return ret;
	ret = 1;
	if (!mk_genl_open()) {
		ret = mk_send_new(mk_key0_msg(MIPKEX_CMD_KEY0_NEW, flags, &e));
		mk_genl_close();
	}
	mk_key_zero(&e.key);
	return ret;
}

/* FLUSH and print the count. Return: exit status. */
int mk_flush(int cmd, const char *what)
{
	struct nl_msg *msg;
	uint32_t count = 0;
	int ret = 1;

	if (mk_genl_open())
		return 1;
	msg = mk_genl_msg(cmd, 0);
	if (msg && !mk_genl_call(msg, mk_count_reply, &count)) {
		ret = 0;
		if (json) {
			jw_open('{');
			jw_key("flushed");
			jw_uint(count);
			jw_close();
			jw_end();
		} else {
			printf("%s: %u flushed\n", what, count);
		}
	}
	mk_genl_close();
	return ret;
}

int mk_count_reply(struct nlattr **tb, void *arg)
{
	if (tb[MIPKEX_A_COUNT])
		*(uint32_t *)arg = nla_get_u32(tb[MIPKEX_A_COUNT]);
	return 0;
}

int cmd_key0(int argc, char **argv)
{
	static const char *const verbs[] = {
		"add", "replace", "del", "show", "flush",
	};
	struct mk_key0 e = { 0 };
	char err[128];
	int v, ret;

	if (argc < 1)
		return usage_error("key0: add, replace, del, show or flush?");
	v = find_word(argv[0], verbs, ARRAY_SIZE(verbs));
	if (v == -2)
		return usage_error("key0: \"%s\" is ambiguous", argv[0]);
	switch (v) {
	case 0:
		return key0_new("add", NLM_F_CREATE | NLM_F_EXCL, argc - 1,
				argv + 1);
	case 1:
		return key0_new("replace", NLM_F_CREATE | NLM_F_REPLACE,
				argc - 1, argv + 1);
	case 2:
		if (argc < 2)
			return usage_error("key0 del: which SPI?");
		if (argc > 2)
			return usage_error("key0 del: unexpected \"%s\"",
					   argv[2]);
		if (mk_key0_set(&e, MIPKEX_KEY0_A_SPI, argv[1], err,
				sizeof(err)))
			return usage_error("key0 del: %s", err);
		if (mk_genl_open())
			return 1;
		{
			struct nl_msg *msg = mk_key0_msg(MIPKEX_CMD_KEY0_DEL,
							 0, &e);

			ret = msg && !mk_genl_call(msg, NULL, NULL) ? 0 : 1;
		}
		mk_genl_close();
		return ret;
	case 3:
		return key0_show(argc - 1, argv + 1);
	case 4:
		if (argc > 1)
			return usage_error("key0 flush: unexpected \"%s\"",
					   argv[1]);
		return mk_flush(MIPKEX_CMD_KEY0_FLUSH, "key0");
	}
	return usage_error("key0: unknown command \"%s\"", argv[0]);
}
