// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex - configure the mipkex Mobile IPv4 key-exchange module.
 *
 * Acts on the network namespace it runs in (use "ip netns exec NS mipkex ...");
 * "decode" works offline, without the module (decode.c).
 * Exit status: 0 success, 1 error, 2 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include <linux/mipkex.h>

#include "decode.h"
#include "genl.h"

#define EXIT_USAGE 2

static bool json;
static bool pretty;

static const char *const role_names[] = {
	[MIPKEX_ROLE_NONE] = "none",
	[MIPKEX_ROLE_MN] = "mn",
	[MIPKEX_ROLE_FA] = "fa",
	[MIPKEX_ROLE_HA] = "ha",
};

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
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: mipkex [OPTIONS] COMMAND\n"
		"\n"
		"Configure the mipkex Mobile IPv4 key-exchange module in the current\n"
		"network namespace (run it under \"ip netns exec NS\" for another one),\n"
		"or decode registration messages offline.\n"
		"\n"
		"Commands:\n"
		"  show                      the namespace's role and hooks\n"
		"  set role {none|mn|fa|ha}  set the namespace's role (needs CAP_NET_ADMIN)\n"
		"  stats                     the namespace's counters\n"
		"  decode hex HEX...         decode one UDP payload given in hex\n"
		"                            (whitespace and colons allowed)\n"
		"  decode file PATH          decode a file of raw UDP payload (- for stdin)\n"
		"  decode pcap PATH          decode every UDP port 434 datagram of a\n"
		"                            capture (Ethernet, Linux cooked, raw IPv4)\n"
		"  decode --vendor N ...     mipkex elements under vendor id N\n"
		"                            (default 32473)\n"
		"  help                      this text\n"
		"\n"
		"Options:\n"
		"  -j, --json     print JSON\n"
		"  -p, --pretty   indent JSON\n"
		"  -h, --help     this text\n"
		"  -V, --version  print the version\n"
		"\n"
		"Exit status: 0 success, 1 error (decode: a malformed message), 2 usage\n"
		"error.\n");
}

__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mipkex: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry \"mipkex --help\".\n");
	return EXIT_USAGE;
}

enum command { CMD_HELP, CMD_SET, CMD_SHOW, CMD_STATS, CMD_DECODE };

static const char *const command_names[] = {
	[CMD_HELP] = "help",
	[CMD_SET] = "set",
	[CMD_SHOW] = "show",
	[CMD_STATS] = "stats",
	[CMD_DECODE] = "decode",
};

static const enum command commands[] = {
	CMD_HELP, CMD_SET, CMD_SHOW, CMD_STATS, CMD_DECODE
};

static bool matches(const char *arg, const char *word);

/* Return: the index of the command, -1 if unknown, -2 if ambiguous. */
static int find_command(const char *arg)
{
	int i, found = -1;

	for (i = 0; i < (int)(sizeof(commands) / sizeof(commands[0])); i++) {
		if (!strcmp(arg, command_names[commands[i]]))
			return i;
		if (matches(arg, command_names[commands[i]]))
			found = found == -1 ? i : -2;
	}
	return found;
}

/* Commands may be abbreviated to any unambiguous prefix, as with ip(8). */
static bool matches(const char *arg, const char *word)
{
	size_t n = strlen(arg);

	return n && n <= strlen(word) && !strncmp(arg, word, n);
}

/*
 * A role by name, or by number so that the module, not the tool, is the
 * authority on which roles exist (a newer module may know more).
 */
static int parse_role(const char *arg)
{
	unsigned long v;
	unsigned int i;
	char *end;

	for (i = 0; i < sizeof(role_names) / sizeof(role_names[0]); i++)
		if (!strcmp(arg, role_names[i]))
			return (int)i;
	if (*arg < '0' || *arg > '9')
		return -1;
	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || *end || v > 255)
		return -1;
	return (int)v;
}

static const char *role_name(unsigned int role)
{
	if (role < sizeof(role_names) / sizeof(role_names[0]))
		return role_names[role];
	return "unknown";
}

static const char *json_sep(bool first)
{
	if (pretty)
		return first ? "\n  " : ",\n  ";
	return first ? "" : ",";
}

static const char *json_end(void)
{
	return pretty ? "\n}\n" : "}\n";
}

static int show_reply(struct nlattr **tb, void *arg)
{
	unsigned int role, hooks, qmax;

	(void)arg;
	if (!tb[MIPKEX_A_ROLE] || !tb[MIPKEX_A_HOOKS] ||
	    !tb[MIPKEX_A_QUEUE_MAX]) {
		fprintf(stderr, "mipkex: incomplete reply from the kernel\n");
		return -EPROTO;
	}
	role = nla_get_u8(tb[MIPKEX_A_ROLE]);
	hooks = nla_get_u8(tb[MIPKEX_A_HOOKS]);
	qmax = nla_get_u32(tb[MIPKEX_A_QUEUE_MAX]);
	if (json) {
		printf("{%s\"role\":%s\"%s\"", json_sep(true), pretty ? " " : "",
		       role_name(role));
		printf("%s\"hooks\":%s%s", json_sep(false), pretty ? " " : "",
		       hooks ? "true" : "false");
		printf("%s\"queue_max\":%s%u%s", json_sep(false),
		       pretty ? " " : "", qmax, json_end());
	} else {
		printf("role: %s\nhooks: %s\nqueue max: %u\n", role_name(role),
		       hooks ? "registered" : "none", qmax);
	}
	return 0;
}

static int stats_reply(struct nlattr **tb, void *arg)
{
	struct nlattr *a;
	bool first = true;
	int rem;

	(void)arg;
	if (!tb[MIPKEX_A_STATS]) {
		fprintf(stderr, "mipkex: incomplete reply from the kernel\n");
		return -EPROTO;
	}
	if (json)
		printf("{");
	nla_for_each_nested(a, tb[MIPKEX_A_STATS], rem) {
		unsigned int type = nla_type(a);
		unsigned long long val;

		if (type >= sizeof(stat_names) / sizeof(stat_names[0]) ||
		    !stat_names[type] || nla_len(a) != sizeof(uint64_t))
			continue;	/* a newer module's counter */
		val = (unsigned long long)nla_get_u64(a);
		if (json)
			printf("%s\"%s\":%s%llu", json_sep(first),
			       stat_names[type], pretty ? " " : "", val);
		else
			printf("%s: %llu\n", stat_names[type], val);
		first = false;
	}
	if (json)
		printf("%s", first ? "}\n" : json_end());
	return 0;
}

static int cmd_get(int cmd, mk_reply_fn fn)
{
	struct nl_msg *msg;

	msg = mk_genl_msg(cmd, 0);
	if (!msg)
		return 1;
	return mk_genl_call(msg, fn, NULL) ? 1 : 0;
}

static int cmd_set(int argc, char **argv)
{
	struct nl_msg *msg;
	int role;

	if (argc < 1)
		return usage_error("set: what to set? (%s)", "role");
	if (!matches(argv[0], "role"))
		return usage_error("set: unknown setting \"%s\"", argv[0]);
	if (argc < 2)
		return usage_error("set role: which role? (%s)",
				   "none, mn, fa or ha");
	if (argc > 2)
		return usage_error("set role: unexpected \"%s\"", argv[2]);
	role = parse_role(argv[1]);
	if (role < 0)
		return usage_error("set role: \"%s\" is not none, mn, fa, ha or 0-255",
				   argv[1]);

	if (mk_genl_open())
		return 1;
	msg = mk_genl_msg(MIPKEX_CMD_SET_NODE, 0);
	if (!msg)
		return 1;
	if (nla_put_u8(msg, MIPKEX_A_ROLE, (uint8_t)role) < 0) {
		nlmsg_free(msg);
		fprintf(stderr, "mipkex: out of memory\n");
		return 1;
	}
	return mk_genl_call(msg, NULL, NULL) ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct mk_decode_opts dopts;
	const char *cmd;
	int c, ret;


	while ((c = getopt_long(argc, argv, "+jphV", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'p':
			pretty = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("mipkex %s (netlink family version %d)\n",
			       MIPKEX_TOOL_VERSION, MIPKEX_GENL_VERSION);
			return 0;
		default:
			fprintf(stderr, "Try \"mipkex --help\".\n");
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[0];

	c = find_command(cmd);
	if (c == -2)
		return usage_error("\"%s\" is ambiguous", cmd);
	if (c < 0)
		return usage_error("unknown command \"%s\"", cmd);
	switch (commands[c]) {
	case CMD_HELP:
		usage(stdout);
		return 0;
	case CMD_SET:
		return cmd_set(argc - 1, argv + 1);
	case CMD_DECODE:
		dopts.json = json;
		dopts.pretty = pretty;
		return mk_cmd_decode(argc - 1, argv + 1, &dopts);
	case CMD_SHOW:
	case CMD_STATS:
		if (argc > 1)
			return usage_error("unexpected \"%s\"", argv[1]);
		if (mk_genl_open())
			return 1;
		if (commands[c] == CMD_SHOW)
			ret = cmd_get(MIPKEX_CMD_GET_NODE, show_reply);
		else
			ret = cmd_get(MIPKEX_CMD_GET_STATS, stats_reply);
		mk_genl_close();
		return ret;
	}
	return usage_error("unknown command \"%s\"", cmd);
}
