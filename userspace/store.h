/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mipkex tool: the commands shared by the kinds of entry the kernel keeps by
 * one identifying field and that carry a key (KEY0 entries by SPI, FA-HA
 * peers by address): add, replace, del, show, flush, and the dump.
 */
#ifndef MIPKEX_TOOL_STORE_H
#define MIPKEX_TOOL_STORE_H

#include <stddef.h>

struct nl_msg;
struct nlattr;

/**
 * struct mk_store - one kind of entry
 * @name: its command ("key0", "peer"), the prefix of its messages
 * @id: what identifies an entry, for messages ("SPI", "address")
 * @id_attr: the field that identifies an entry
 * @key_attr: the field of the key (read from a file, never sent back)
 * @nest: the MIPKEX_A_* attribute that holds an entry in messages
 * @cmd_new: its NEW command; @cmd_del, @cmd_get, @cmd_flush likewise
 * @cmd_del: its DEL command
 * @cmd_get: its GET command (one entry, or a dump)
 * @cmd_flush: its FLUSH command
 * @words: option names on the command line, indexed by field
 * @n_words: size of @words
 * @size: size of an entry
 * @have_off: offset of the entry's "have" bits (1 << field per field set)
 * @key_off: offset of the entry's struct mk_key
 * @set: set one field from its text (0, or -1 with a message)
 * @check: whether every required field is set (0, or -1 with a message)
 * @msg: a request for @cmd with the entry's fields (NULL: out of memory)
 * @parse: an entry from @nest of a reply (0 or -EPROTO)
 * @cmp: the order of a dump, for qsort()
 * @print: print one entry (text or JSON)
 */
struct mk_store {
	const char *name;
	const char *id;
	int id_attr;
	int key_attr;
	int nest;
	int cmd_new, cmd_del, cmd_get, cmd_flush;
	const char *const *words;
	size_t n_words;
	size_t size;
	size_t have_off;
	size_t key_off;
	int (*set)(void *e, int attr, const char *val, char *err, size_t n);
	int (*check)(const void *e, char *err, size_t n);
	struct nl_msg *(*msg)(int cmd, int flags, const void *e);
	int (*parse)(struct nlattr *nest, void *e);
	int (*cmp)(const void *a, const void *b);
	void (*print)(const void *e);
};

int mk_store_dump(const struct mk_store *s, void **out, size_t *n);
int mk_store_cmd(const struct mk_store *s, int argc, char **argv);

#endif
