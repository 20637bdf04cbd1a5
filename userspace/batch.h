/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mipkex tool: many requests in flight at once, for "mipkex load".
 */
#ifndef MIPKEX_TOOL_BATCH_H
#define MIPKEX_TOOL_BATCH_H

#include <stddef.h>

struct nl_msg;

/**
 * typedef mk_batch_gen_fn - make request @i
 * Return: the message (the batch frees it), or NULL to stop sending (the
 * requests in flight are still collected).
 */
typedef struct nl_msg *(*mk_batch_gen_fn)(void *arg, size_t i);

/**
 * typedef mk_batch_done_fn - request @i was answered
 * @err: 0 or the kernel's negative errno
 * @result: the MIPKEX_A_RESULT of its reply, 0 if none
 * @extack: the kernel's message (NUL-terminated) or NULL
 */
typedef void (*mk_batch_done_fn)(void *arg, size_t i, int err, int result,
				 const char *extack);

int mk_batch_run(size_t n, mk_batch_gen_fn gen, mk_batch_done_fn done,
		 void *arg);

#endif
