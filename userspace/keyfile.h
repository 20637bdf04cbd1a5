/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mipkex tool: keys from files or stdin, never from the command line.
 */
#ifndef MIPKEX_TOOL_KEYFILE_H
#define MIPKEX_TOOL_KEYFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/mipkex.h>

/** struct mk_key - a key read from a file; zeroise with mk_key_zero() */
struct mk_key {
	uint8_t len;
	uint8_t b[MIPKEX_KEY_MAX_LEN];
};

int mk_key_read(const char *path, struct mk_key *key, char *err, size_t n);
int mk_key_hex(const char *hex, struct mk_key *key, char *err, size_t n);
void mk_key_zero(struct mk_key *key);
int mk_file_read(const char *path, size_t max, bool secret, uint8_t **buf,
		 size_t *len, char *err, size_t n);
int cmd_genkey(int argc, char **argv);

#endif
