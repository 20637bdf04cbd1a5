// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex tool: the namespace's node settings and state - "mipkex show",
 * "set", "stats" and "selftest" ("show bindings" and "show sa" are in
 * binding.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include <linux/mipkex.h>

#include "binding.h"
#include "genl.h"
#include "node.h"
#include "util.h"

static const char *const stat_names[] = {
	[MIPKEX_STAT_STOLEN_IN] = "stolen_in",
	[MIPKEX_STAT_STOLEN_OUT] = "stolen_out",
	[MIPKEX_STAT_REINJECTED_IN] = "reinjected_in",
	[MIPKEX_STAT_REINJECTED_OUT] = "reinjected_out",
	[MIPKEX_STAT_DROPPED_QUEUE_FULL] = "dropped_queue_full",
	[MIPKEX_STAT_DROPPED_NOMEM] = "dropped_nomem",
	[MIPKEX_STAT_DROPPED_NOREF] = "dropped_noref",
	[MIPKEX_STAT_PASSED_FRAGMENT] = "passed_fragment",
	[MIPKEX_STAT_PASSED_MALFORMED] = "passed_malformed",
	[MIPKEX_STAT_QUEUED] = "queued",
	[MIPKEX_STAT_DROPPED_PROTOCOL] = "dropped_protocol",
	[MIPKEX_STAT_PASSED_OTHER] = "passed_other",
	[MIPKEX_STAT_PASSED_PLAIN] = "passed_plain",
	[MIPKEX_STAT_REWRITTEN] = "rewritten",
	[MIPKEX_STAT_DENIALS_SENT] = "denials_sent",
	[MIPKEX_STAT_ERR_MALFORMED] = "err_malformed",
	[MIPKEX_STAT_ERR_UNKNOWN_SPI] = "err_unknown_spi",
	[MIPKEX_STAT_ERR_AUTH] = "err_auth",
	[MIPKEX_STAT_ERR_FA_AUTH] = "err_fa_auth",
	[MIPKEX_STAT_ERR_REPLAY] = "err_replay",
	[MIPKEX_STAT_ERR_DECRYPT] = "err_decrypt",
	[MIPKEX_STAT_ERR_IDENTITY] = "err_identity",
	[MIPKEX_STAT_ERR_NEGOTIATION] = "err_negotiation",
	[MIPKEX_STAT_ERR_KDC] = "err_kdc",
	[MIPKEX_STAT_ERR_RATELIMIT] = "err_ratelimit",
	[MIPKEX_STAT_ERR_NO_PENDING] = "err_no_pending",
	[MIPKEX_STAT_ERR_RESOURCE] = "err_resource",
	[MIPKEX_STAT_SA_INSTALLED] = "sa_installed",
	[MIPKEX_STAT_SA_REMOVED] = "sa_removed",
	[MIPKEX_STAT_ERR_XFRM] = "err_xfrm",
	[MIPKEX_STAT_RETRANSMISSIONS] = "retransmissions",
	[MIPKEX_STAT_FA_DENIALS] = "fa_denials",
	[MIPKEX_STAT_ERR_AGENT_REPLY] = "err_agent_reply",
};

/*
 * A role by name, or by number so that the module, not the tool, is the
 * authority on which roles exist (a newer module may know more).
 */
int mk_parse_role(const char *arg)
{
	uint32_t v;
	int r = parse_name(arg, role_names, ARRAY_SIZE(role_names));

	if (r >= 0)
		return r;
	if (parse_u32(arg, 0, 255, &v))
		return -1;
	return (int)v;
}

static const char *role_name(unsigned int role)
{
	if (role < ARRAY_SIZE(role_names))
		return role_names[role];
	return "unknown";
}

struct node_state {
	int conf;	/* print as a [node] section */
};

static int show_reply(struct nlattr **tb, void *arg)
{
	struct node_state *st = arg;
	unsigned int role, hooks, qmax;

	if (!tb[MIPKEX_A_ROLE] || !tb[MIPKEX_A_HOOKS] ||
	    !tb[MIPKEX_A_QUEUE_MAX]) {
		mk_err("incomplete reply from the kernel");
		return -EPROTO;
	}
	role = nla_get_u8(tb[MIPKEX_A_ROLE]);
	hooks = nla_get_u8(tb[MIPKEX_A_HOOKS]);
	qmax = nla_get_u32(tb[MIPKEX_A_QUEUE_MAX]);
	if (st && st->conf) {
		printf("[node]\nrole = %s\n", role_name(role));
		if (tb[MIPKEX_A_VENDOR])
			printf("vendor = %u\n", nla_get_u32(tb[MIPKEX_A_VENDOR]));
	} else if (json) {
		jw_open('{');
		jw_key("role");
		jw_str(role_name(role));
		jw_key("hooks");
		jw_bool(hooks);
		jw_key("queue_max");
		jw_uint(qmax);
		if (tb[MIPKEX_A_VENDOR]) {
			jw_key("vendor");
			jw_uint(nla_get_u32(tb[MIPKEX_A_VENDOR]));
		}
		jw_close();
		jw_end();
	} else {
		printf("role: %s\nhooks: %s\nqueue max: %u\n", role_name(role),
		       hooks ? "registered" : "none", qmax);
		if (tb[MIPKEX_A_VENDOR])
			printf("vendor: %u\n", nla_get_u32(tb[MIPKEX_A_VENDOR]));
	}
	return 0;
}

/* The [node] section of "mipkex showconf" (socket open). */
int mk_node_print_conf(void)
{
	struct node_state st = { .conf = 1 };
	struct nl_msg *msg = mk_genl_msg(MIPKEX_CMD_GET_NODE, 0);

	return msg && !mk_genl_call(msg, show_reply, &st) ? 0 : -1;
}

static int stats_reply(struct nlattr **tb, void *arg)
{
	struct nlattr *a;
	int rem;

	(void)arg;
	if (!tb[MIPKEX_A_STATS]) {
		mk_err("incomplete reply from the kernel");
		return -EPROTO;
	}
	if (json)
		jw_open('{');
	nla_for_each_nested(a, tb[MIPKEX_A_STATS], rem) {
		unsigned int type = nla_type(a);
		unsigned long long val;

		if (type >= ARRAY_SIZE(stat_names) || !stat_names[type] ||
		    nla_len(a) != sizeof(uint64_t))
			continue;	/* a newer module's counter */
		val = (unsigned long long)nla_get_u64(a);
		if (json) {
			jw_key(stat_names[type]);
			jw_uint(val);
		} else {
			printf("%s: %llu\n", stat_names[type], val);
		}
	}
	if (json) {
		jw_close();
		jw_end();
	}
	return 0;
}

static const char *const test_errors[] = { "passed", "failed", "skipped" };

static int selftest_reply(struct nlattr **top, void *arg)
{
	struct nlattr *tb[MIPKEX_SELFTEST_A_MAX + 1], *a;
	static const int counts[] = {
		MIPKEX_SELFTEST_A_PASSED, MIPKEX_SELFTEST_A_FAILED,
		MIPKEX_SELFTEST_A_SKIPPED,
	};
	int rem, i;

	(void)arg;
	if (!top[MIPKEX_A_SELFTEST] ||
	    nla_parse_nested(tb, MIPKEX_SELFTEST_A_MAX, top[MIPKEX_A_SELFTEST],
			     NULL)) {
		mk_err("malformed self-test results from the kernel");
		return -EPROTO;
	}
	if (json)
		jw_open('{');
	for (i = 0; i < 3; i++) {
		struct nlattr *c = tb[counts[i]];
		unsigned int v = c && nla_len(c) == 4 ? nla_get_u32(c) : 0;

		if (json) {
			jw_key(test_errors[i]);
			jw_uint(v);
		} else {
			printf("%s: %u\n", test_errors[i], v);
		}
	}
	if (json) {
		jw_key("tests");
		jw_open('[');
	}
	nla_for_each_nested(a, top[MIPKEX_A_SELFTEST], rem) {
		struct nlattr *t[MIPKEX_SELFTEST_A_MAX + 1];
		char name[128] = "?";
		int err = 0;
		const char *res;

		if (nla_type(a) != MIPKEX_SELFTEST_A_TEST ||
		    nla_parse_nested(t, MIPKEX_SELFTEST_A_MAX, a, NULL))
			continue;
		if (t[MIPKEX_SELFTEST_A_NAME])
			snprintf(name, sizeof(name), "%.*s",
				 (int)strnlen(nla_data(t[MIPKEX_SELFTEST_A_NAME]),
					      (size_t)nla_len(t[MIPKEX_SELFTEST_A_NAME])),
				 (const char *)nla_data(t[MIPKEX_SELFTEST_A_NAME]));
		if (t[MIPKEX_SELFTEST_A_ERROR] &&
		    nla_len(t[MIPKEX_SELFTEST_A_ERROR]) == 4)
			err = (int)nla_get_u32(t[MIPKEX_SELFTEST_A_ERROR]);
		res = !err ? "passed" : err == -ENOENT ? "skipped" : "failed";
		if (json) {
			jw_open('{');
			jw_key("name");
			jw_str(name);
			jw_key("result");
			jw_str(res);
			jw_key("error");
			jw_int(err);
			jw_close();
		} else if (!err || err == -ENOENT) {
			printf("  %s: %s%s\n", name, res,
			       err ? " (algorithm unavailable)" : "");
		} else {
			printf("  %s: %s (%s)\n", name, res, strerror(-err));
		}
	}
	if (json) {
		jw_close();
		jw_close();
		jw_end();
	}
	return 0;
}

static int cmd_get(int cmd, mk_reply_fn fn, int argc, char **argv)
{
	struct nl_msg *msg;
	int ret;

	if (argc > 0)
		return usage_error("unexpected \"%s\"", argv[0]);
	if (mk_genl_open())
		return 1;
	msg = mk_genl_msg(cmd, 0);
	ret = msg && !mk_genl_call(msg, fn, NULL) ? 0 : 1;
	mk_genl_close();
	return ret;
}

int cmd_show(int argc, char **argv)
{
	static const char *const what[] = { "bindings", "sa" };
	int w = argc > 0 ? find_word(argv[0], what, ARRAY_SIZE(what)) : -1;

	if (w == 0)
		return mk_binding_show(argc - 1, argv + 1);
	if (w == 1)
		return mk_sa_show(argc - 1, argv + 1);
	return cmd_get(MIPKEX_CMD_GET_NODE, show_reply, argc, argv);
}

int cmd_stats(int argc, char **argv)
{
	return cmd_get(MIPKEX_CMD_GET_STATS, stats_reply, argc, argv);
}

int cmd_selftest(int argc, char **argv)
{
	return cmd_get(MIPKEX_CMD_GET_SELFTEST, selftest_reply, argc, argv);
}

/**
 * mk_node_send() - SET_NODE with a role and/or a vendor id
 * @role: the role, or -1
 * @vendor: the vendor id, or 0
 *
 * Return: 0 or -1 (message printed). The socket is open.
 */
int mk_node_send(int role, uint32_t vendor)
{
	struct nl_msg *msg = mk_genl_msg(MIPKEX_CMD_SET_NODE, 0);

	if (!msg)
		return -1;
	if ((role >= 0 && nla_put_u8(msg, MIPKEX_A_ROLE, (uint8_t)role) < 0) ||
	    (vendor && nla_put_u32(msg, MIPKEX_A_VENDOR, vendor) < 0)) {
		nlmsg_free(msg);
		mk_err("out of memory");
		return -1;
	}
	return mk_genl_call(msg, NULL, NULL) ? -1 : 0;
}

int cmd_set(int argc, char **argv)
{
	static const char *const what[] = { "role", "vendor" };
	uint32_t vendor = 0;
	int role = -1, w, ret;

	if (argc < 1)
		return usage_error("set: what to set? (%s)", "role or vendor");
	w = find_word(argv[0], what, ARRAY_SIZE(what));
	if (w < 0)
		return usage_error("set: unknown setting \"%s\"", argv[0]);
	if (argc < 2)
		return usage_error(w ? "set vendor: which vendor id? (%s)" :
				   "set role: which role? (%s)",
				   w ? "1 to 16777215" : "none, mn, fa or ha");
	if (argc > 2)
		return usage_error("set %s: unexpected \"%s\"", what[w], argv[2]);
	if (w == 0) {
		role = mk_parse_role(argv[1]);
		if (role < 0)
			return usage_error("set role: \"%s\" is not none, mn, fa, ha or 0-255",
					   argv[1]);
	} else if (parse_u32(argv[1], 1, 0xffffff, &vendor)) {
		return usage_error("set vendor: \"%s\" is not an enterprise number from 1 to 16777215",
				   argv[1]);
	}
	if (mk_genl_open())
		return 1;
	ret = mk_node_send(role, vendor) ? 1 : 0;
	mk_genl_close();
	return ret;
}
