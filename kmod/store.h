/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mipkex: what the configuration stores (KEY0 entries, FA-HA peers) share.
 */
#ifndef MIPKEX_STORE_H
#define MIPKEX_STORE_H

#include <linux/rhashtable-types.h>

unsigned int mipkex_store_drain(struct rhashtable *ht,
				const unsigned int *count,
				void (*unlink)(void *store, void *obj),
				void *store);

#endif
