/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mipkex tool: "mipkex decode", the offline decoder of registration messages.
 */
#ifndef MIPKEX_TOOL_DECODE_H
#define MIPKEX_TOOL_DECODE_H

#include <stdbool.h>

/**
 * struct mk_decode_opts - the global options that shape the decoder's output
 * @json: print one JSON array for the whole input
 * @pretty: indent the JSON
 *
 * Options of the decode command itself (those between "decode" and the
 * input form: "--vendor N", the vendor id whose CVSEs and NVSEs carry mipkex
 * elements; "--keys FILE", a configuration file whose keys verify the
 * authenticators and open the encrypted elements; "--show-keys", which
 * prints the keys that security association elements deliver) are parsed by
 * mk_cmd_decode() into the decoder's context, not here.
 */
struct mk_decode_opts {
	bool json;
	bool pretty;
};

/**
 * mk_cmd_decode() - run "mipkex decode"
 * @argc: number of arguments after "decode"
 * @argv: those arguments
 * @opts: the global options
 *
 * Needs no kernel module and opens no netlink socket.
 *
 * Return: the exit status: 0 every message well formed, 1 a message was
 * malformed (its RFC 5944 framing or one of its mipkex elements), the input
 * or the --keys file could not be read, 2 a usage error. Authenticators that
 * fail and elements that do not decrypt do not change it.
 */
int mk_cmd_decode(int argc, char **argv, const struct mk_decode_opts *opts);

#endif
