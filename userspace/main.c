// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex - configure the mipkex Mobile IPv4 key-exchange module.
 *
 * Acts on the network namespace it runs in (use "ip netns exec NS mipkex ...");
 * "decode" and "genkey" work offline, without the module.
 * Exit status: 0 success, 1 error, 2 usage.
 *
 * One file per concern: node.c (show, set, stats, selftest), key0.c, peer.c,
 * kdc.c, binding.c (binding, show bindings, sa, show sa, monitor), conf.c
 * (load, showconf), keyfile.c (keys, genkey), batch.c (pipelined requests),
 * genl.c (netlink), decode.c, util.c.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <linux/mipkex.h>

#include "binding.h"
#include "conf.h"
#include "decode.h"
#include "entry.h"
#include "kdc.h"
#include "keyfile.h"
#include "node.h"
#include "util.h"

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
		"  show                      the namespace's role, hooks and vendor id\n"
		"  show bindings [HOME [ha ADDR]]\n"
		"  binding show [HOME [ha ADDR]]\n"
		"                            the registrations accepted here (bindings):\n"
		"                            addresses, NAI, lifetime, suite, SAs and key\n"
		"                            fingerprints\n"
		"  binding del HOME ha ADDR  remove a binding (needs CAP_NET_ADMIN)\n"
		"  show sa [HOME [ha ADDR]]\n"
		"  sa show [HOME [ha ADDR]]\n"
		"                            the XFRM SAs the module installed, by binding:\n"
		"                            pair, direction, addresses, SPI, mode,\n"
		"                            algorithm, state, lifetimes, counters\n"
		"  monitor                   print events (registrations accepted, denied,\n"
		"                            bindings removed, XFRM SAs installed, rekeyed,\n"
		"                            expired, removed) until interrupted\n"
		"                            (needs CAP_NET_ADMIN)\n"
		"  set role {none|mn|fa|ha}  set the namespace's role (needs CAP_NET_ADMIN)\n"
		"  set vendor N              the vendor id (enterprise number) of the\n"
		"                            protocol's extensions\n"
		"  stats                     the namespace's counters\n"
		"  selftest                  the module's load-time self-test results\n"
		"  key0 add|replace SPI nai NAI home ADDR ha ADDR key FILE\n"
		"       [aead aes-256-gcm|chacha20-poly1305] [auth hmac-sha256|hmac-md5]\n"
		"       [replay timestamp|nonce] [window SECONDS]\n"
		"                            a mobile node's KEY0 (add fails if the SPI\n"
		"                            exists; replace adds or replaces)\n"
		"  key0 del SPI | show [SPI] | flush\n"
		"  peer add|replace ADDR spi SPI key FILE [aead ...] [auth ...]\n"
		"                            an FA-HA peer\n"
		"  peer del ADDR | show [ADDR] | flush\n"
		"  kdc set [mode stateful|semi|dh] [seed FILE] [groups G,...]\n"
		"       [min-dh-bits N] [transforms T,...] [lifetime S] [legacy on|off]\n"
		"       [insecure on|off] [user-group PEMFILE|none]\n"
		"       [sa-mode transport|tunnel] [sa-policy none|pair|tunnel]\n"
		"       [sa-ah on|off]\n"
		"  kdc show                  key distribution centre parameters\n"
		"  load [--check] FILE       make the configuration what FILE says\n"
		"                            (--check: only parse and check FILE)\n"
		"  showconf                  the configuration, in the format of load\n"
		"  genkey [LEN]              print a new random key (32 bytes) in hex\n"
		"  decode hex HEX...         decode one UDP payload given in hex\n"
		"                            (whitespace and colons allowed)\n"
		"  decode file PATH          decode a file of raw UDP payload (- for stdin)\n"
		"  decode pcap PATH          decode every UDP port 434 datagram of a\n"
		"                            capture (Ethernet, Linux cooked, raw IPv4)\n"
		"  decode --vendor N ...     mipkex elements under vendor id N\n"
		"                            (default 32473)\n"
		"  decode --keys FILE [--show-keys] ...\n"
		"                            verify authenticators, decrypt identity\n"
		"                            elements and unwrap key deliveries with\n"
		"                            the keys of a config file (see load)\n"
		"  help                      this text\n"
		"\n"
		"Keys (KEY FILE, seed FILE) are read from files, in hex (64 to 128 hex\n"
		"digits) or raw (32 to 64 bytes), or from stdin with \"-\"; never from\n"
		"the command line. Keys are never shown: a fingerprint identifies each.\n"
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

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage(stdout);
	return 0;
}

static int cmd_decode(int argc, char **argv)
{
	struct mk_decode_opts dopts = { .json = json, .pretty = pretty };

	return mk_cmd_decode(argc, argv, &dopts);
}

static const char *const command_names[] = {
	"help", "show", "set", "stats", "selftest", "key0", "peer", "kdc",
	"load", "showconf", "genkey", "decode", "binding", "monitor", "sa",
};

static int (*const command_fns[])(int argc, char **argv) = {
	cmd_help, cmd_show, cmd_set, cmd_stats, cmd_selftest, cmd_key0,
	cmd_peer, cmd_kdc, cmd_load, cmd_showconf, cmd_genkey, cmd_decode,
	cmd_binding, cmd_monitor, cmd_sa,
};

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

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
	c = find_word(argv[0], command_names, ARRAY_SIZE(command_names));
	if (c == -2)
		return usage_error("\"%s\" is ambiguous", argv[0]);
	if (c < 0)
		return usage_error("unknown command \"%s\"", argv[0]);
	return command_fns[c](argc - 1, argv + 1);
}
