// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex tool: the commands shared by KEY0 entries and FA-HA peers - add,
 * replace, del, show and flush - and their dump, driven by a struct
 * mk_store that describes the kind of entry.
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

static unsigned int *store_have(const struct mk_store *s, void *e)
{
	return (unsigned int *)((char *)e + s->have_off);
}

static struct mk_key *store_key(const struct mk_store *s, void *e)
{
	return (struct mk_key *)((char *)e + s->key_off);
}

struct store_list {
	const struct mk_store *s;
	char *v;
	size_t n, cap;
};

static int store_collect(struct nlattr **tb, void *arg)
{
	struct store_list *l = arg;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		char *v = realloc(l->v, cap * l->s->size);

		if (!v) {
			mk_err("out of memory");
			return -ENOMEM;
		}
		l->v = v;
		l->cap = cap;
	}
	if (l->s->parse(tb[l->s->nest], l->v + l->n * l->s->size))
		return -EPROTO;
	l->n++;
	return 0;
}

/**
 * mk_store_dump() - every entry of a kind in the namespace, sorted
 * @s: the kind
 * @out: the entries, malloc'ed
 * @n: their number
 *
 * A dump that the kernel reports as interrupted by a change is taken again,
 * up to ten times.
 *
 * Return: 0 or a negative errno with a message printed.
 */
int mk_store_dump(const struct mk_store *s, void **out, size_t *n)
{
	struct store_list l = { .s = s };
	struct nl_msg *msg;
	int err, tries;

	msg = mk_genl_msg(s->cmd_get, NLM_F_DUMP);
	if (!msg)
		return -ENOMEM;
	err = mk_genl_call(msg, store_collect, &l);
	for (tries = 0; err == -EAGAIN && tries < 10; tries++) {
		l.n = 0;	/* changed meanwhile: again */
		msg = mk_genl_msg(s->cmd_get, NLM_F_DUMP);
		err = msg ? mk_genl_call(msg, store_collect, &l) : -ENOMEM;
	}
	if (err == -EAGAIN)
		mk_err("the entries kept changing during the dump");
	if (err) {
		free(l.v);
		return err;
	}
	if (l.n)
		qsort(l.v, l.n, s->size, s->cmp);
	*out = l.v;
	*n = l.n;
	return 0;
}

struct store_one {
	const struct mk_store *s;
	void *e;
	int opened;
};

static int store_show_one(struct nlattr **tb, void *arg)
{
	struct store_one *o = arg;

	if (o->s->parse(tb[o->s->nest], o->e))
		return -EPROTO;
	if (json && !o->opened)
		jw_open('[');
	o->opened = 1;
	o->s->print(o->e);
	return 0;
}

/* show [ID]: one entry, or all of them in order. */
static int store_show(const struct mk_store *s, void *e, int argc, char **argv)
{
	struct store_one o = { .s = s, .e = e };
	char err[128];
	size_t i, n;
	void *v;
	int ret;

	if (argc > 1)
		return usage_error("%s show: unexpected \"%s\"", s->name,
				   argv[1]);
	if (argc == 1 && s->set(e, s->id_attr, argv[0], err, sizeof(err)))
		return usage_error("%s show: %s", s->name, err);
	if (mk_genl_open())
		return 1;
	if (argc == 1) {
		struct nl_msg *msg = s->msg(s->cmd_get, 0, e);

		ret = msg && !mk_genl_call(msg, store_show_one, &o) ? 0 : 1;
		if (json && o.opened) {
			jw_close();
			jw_end();
		}
	} else {
		ret = mk_store_dump(s, &v, &n) ? 1 : 0;
		if (!ret) {
			if (json)
				jw_open('[');
			for (i = 0; i < n; i++)
				s->print((char *)v + i * s->size);
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
static int send_new(struct nl_msg *msg)
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

/* add|replace ID OPTION VALUE...: the key from a file, never inline. */
static int store_new(const struct mk_store *s, void *e, const char *verb,
		     int flags, int argc, char **argv)
{
	unsigned int *have = store_have(s, e);
	struct mk_key *key = store_key(s, e);
	const char *keyfile = NULL;
	char err[256];
	int i, w, ret;

	if (argc < 1)
		return usage_error("%s %s: which %s?", s->name, verb, s->id);
	if (s->set(e, s->id_attr, argv[0], err, sizeof(err)))
		return usage_error("%s %s: %s", s->name, verb, err);
	for (i = 1; i < argc; i += 2) {
		w = find_word(argv[i], s->words, s->n_words);
		if (w == -2)
			return usage_error("%s %s: \"%s\" is ambiguous",
					   s->name, verb, argv[i]);
		if (w < 0)
			return usage_error("%s %s: unknown option \"%s\"",
					   s->name, verb, argv[i]);
		if (i + 1 >= argc)
			return usage_error("%s %s: %s needs a value", s->name,
					   verb, s->words[w]);
		if (*have & (1u << w))
			return usage_error("%s %s: %s given twice", s->name,
					   verb, s->words[w]);
		if (w == s->key_attr) {
			keyfile = argv[i + 1];
			*have |= 1u << w;
			continue;
		}
		if (s->set(e, w, argv[i + 1], err, sizeof(err)))
			return usage_error("%s %s: %s", s->name, verb, err);
	}
	if (s->check(e, err, sizeof(err)))
		return usage_error("%s %s: %s", s->name, verb, err);
	ret = mk_key_arg("key", keyfile, key);
	if (ret)
		return ret;
	ret = 1;
	if (!mk_genl_open()) {
		ret = send_new(s->msg(s->cmd_new, flags, e));
		mk_genl_close();
	}
	mk_key_zero(key);
	return ret;
}

static int store_del(const struct mk_store *s, void *e, int argc, char **argv)
{
	struct nl_msg *msg;
	char err[128];
	int ret;

	if (argc < 1)
		return usage_error("%s del: which %s?", s->name, s->id);
	if (argc > 1)
		return usage_error("%s del: unexpected \"%s\"", s->name,
				   argv[1]);
	if (s->set(e, s->id_attr, argv[0], err, sizeof(err)))
		return usage_error("%s del: %s", s->name, err);
	if (mk_genl_open())
		return 1;
	msg = s->msg(s->cmd_del, 0, e);
	ret = msg && !mk_genl_call(msg, NULL, NULL) ? 0 : 1;
	mk_genl_close();
	return ret;
}

static int count_reply(struct nlattr **tb, void *arg)
{
	if (tb[MIPKEX_A_COUNT])
		*(uint32_t *)arg = nla_get_u32(tb[MIPKEX_A_COUNT]);
	return 0;
}

/* FLUSH and print the count. Return: exit status. */
static int store_flush(const struct mk_store *s, int argc, char **argv)
{
	struct nl_msg *msg;
	uint32_t count = 0;
	int ret = 1;

	if (argc > 0)
		return usage_error("%s flush: unexpected \"%s\"", s->name,
				   argv[0]);
	if (mk_genl_open())
		return 1;
	msg = mk_genl_msg(s->cmd_flush, 0);
	if (msg && !mk_genl_call(msg, count_reply, &count)) {
		ret = 0;
		if (json) {
			jw_open('{');
			jw_key("flushed");
			jw_uint(count);
			jw_close();
			jw_end();
		} else {
			printf("%s: %u flushed\n", s->name, count);
		}
	}
	mk_genl_close();
	return ret;
}

/**
 * mk_store_cmd() - "mipkex KIND add|replace|del|show|flush ..."
 * @s: the kind
 * @argc: the arguments after KIND
 * @argv: the arguments
 *
 * Return: the exit status.
 */
int mk_store_cmd(const struct mk_store *s, int argc, char **argv)
{
	static const char *const verbs[] = {
		"add", "replace", "del", "show", "flush",
	};
	void *e;
	int v, ret;

	if (argc < 1)
		return usage_error("%s: add, replace, del, show or flush?",
				   s->name);
	v = find_word(argv[0], verbs, ARRAY_SIZE(verbs));
	if (v == -2)
		return usage_error("%s: \"%s\" is ambiguous", s->name, argv[0]);
	if (v < 0)
		return usage_error("%s: unknown command \"%s\"", s->name,
				   argv[0]);
	e = calloc(1, s->size);
	if (!e) {
		mk_err("out of memory");
		return 1;
	}
	switch (v) {
	case 0:
		ret = store_new(s, e, "add", NLM_F_CREATE | NLM_F_EXCL,
				argc - 1, argv + 1);
		break;
	case 1:
		ret = store_new(s, e, "replace", NLM_F_CREATE | NLM_F_REPLACE,
				argc - 1, argv + 1);
		break;
	case 2:
		ret = store_del(s, e, argc - 1, argv + 1);
		break;
	case 3:
		ret = store_show(s, e, argc - 1, argv + 1);
		break;
	default:
		ret = store_flush(s, argc - 1, argv + 1);
		break;
	}
	mk_key_zero(store_key(s, e));
	free(e);
	return ret;
}
