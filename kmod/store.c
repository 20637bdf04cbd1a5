// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex: what the configuration stores (KEY0 entries, FA-HA peers) share:
 * emptying a store whose objects sit in rhashtables, for FLUSH.
 */

#include <linux/bug.h>
#include <linux/err.h>
#include <linux/rhashtable.h>
#include <linux/sched.h>

#include "store.h"

/**
 * mipkex_store_drain() - unlink every object of a store
 * @ht: a table that holds every object of the store
 * @count: the store's number of objects, which @unlink decrements
 * @unlink: unlinks one object from every table of the store and frees it
 *	after a grace period
 * @store: the store, for @unlink
 *
 * Walks @ht until the store is empty, yielding the CPU when asked to. A walk
 * that a resize rewound goes on from the start; the objects it already
 * unlinked are gone from the table.
 *
 * Context: process context, under the lock that serialises the store's
 * writers (so that @count only goes down).
 * Return: the number of objects unlinked.
 */
unsigned int mipkex_store_drain(struct rhashtable *ht,
				const unsigned int *count,
				void (*unlink)(void *store, void *obj),
				void *store)
{
	struct rhashtable_iter iter;
	unsigned int n = 0, pass;
	void *obj;

	while (READ_ONCE(*count)) {
		pass = 0;
		rhashtable_walk_enter(ht, &iter);
		rhashtable_walk_start(&iter);
		while ((obj = rhashtable_walk_next(&iter))) {
			if (IS_ERR(obj))
				continue;	/* resized: the walk rewound */
			unlink(store, obj);
			pass++;
			if (need_resched()) {
				rhashtable_walk_stop(&iter);
				cond_resched();
				rhashtable_walk_start(&iter);
			}
		}
		rhashtable_walk_stop(&iter);
		rhashtable_walk_exit(&iter);
		n += pass;
		if (WARN_ON_ONCE(!pass))
			break;
	}
	return n;
}
