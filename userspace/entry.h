/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mipkex tool: KEY0 entries and FA-HA peers - fields, messages, dumps and
 * printing, shared by the key0 and peer commands and the configuration file.
 */
#ifndef MIPKEX_TOOL_ENTRY_H
#define MIPKEX_TOOL_ENTRY_H

#include <stddef.h>
#include <stdint.h>

#include <linux/mipkex.h>

#include "keyfile.h"

struct nl_msg;

#define HAVE(e, a) ((e)->have & (1u << (a)))

/**
 * struct mk_key0 - a KEY0 entry, as given or as the kernel reports it
 * @have: bit (1 << MIPKEX_KEY0_A_*) per field set
 * @file: configuration file it comes from, or NULL
 * @line: line of its section header there
 */
struct mk_key0 {
	unsigned int have;
	uint32_t spi;
	uint32_t home;		/* network order */
	uint32_t ha;		/* network order */
	uint32_t window;
	uint8_t aead, auth, replay;
	uint8_t fpr[MIPKEX_FINGERPRINT_LEN];
	struct mk_key key;
	const char *file;
	unsigned int line;
	char nai[MIPKEX_NAI_MAX_LEN + 1];
};

/** struct mk_peer - an FA-HA peer, as struct mk_key0 */
struct mk_peer {
	unsigned int have;
	uint32_t addr;		/* network order */
	uint32_t spi;
	uint8_t aead, auth;
	uint8_t fpr[MIPKEX_FINGERPRINT_LEN];
	struct mk_key key;
	const char *file;
	unsigned int line;
};

int mk_key0_set(struct mk_key0 *e, int attr, const char *val, char *err,
		size_t n);
int mk_key0_check(const struct mk_key0 *e, char *err, size_t n);
struct nl_msg *mk_key0_msg(int cmd, int flags, const struct mk_key0 *e);
int mk_key0_dump(struct mk_key0 **out, size_t *n);
void mk_key0_print(const struct mk_key0 *e);
void mk_key0_print_conf(const struct mk_key0 *e);

int mk_peer_set(struct mk_peer *e, int attr, const char *val, char *err,
		size_t n);
int mk_peer_check(const struct mk_peer *e, char *err, size_t n);
struct nl_msg *mk_peer_msg(int cmd, int flags, const struct mk_peer *e);
int mk_peer_dump(struct mk_peer **out, size_t *n);
void mk_peer_print_conf(const struct mk_peer *e);

int cmd_key0(int argc, char **argv);
int cmd_peer(int argc, char **argv);

/* Shared by the commands (store.c). */
int mk_key_arg(const char *what, const char *path, struct mk_key *key);
#endif
