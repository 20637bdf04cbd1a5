/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mipkex: per-namespace state shared by the module's parts.
 */
#ifndef _MIPKEX_H
#define _MIPKEX_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netfilter.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>

#include <linux/mipkex.h>

/**
 * struct mipkex_queue - bounded FIFO of datagrams waiting for the worker
 * @lock: protects @list and @len
 * @list: &struct mipkex_pkt entries, oldest first
 * @len: number of entries in @list
 * @work: the worker; runs on mipkex_wq
 * @draining: set while mipkex_queue_drain() empties the queue
 */
struct mipkex_queue {
	spinlock_t lock; /* protects list and len */
	struct list_head list;
	unsigned int len;
	struct work_struct work;
	bool draining;
};

/**
 * struct mipkex_net - the module's state in one network namespace
 * @net: the namespace
 * @lock: serialises role changes and namespace teardown
 * @role: &enum mipkex_role; written under @lock, read with READ_ONCE()
 * @hooks_registered: whether @ops are registered; written under @lock
 * @ops: the LOCAL_IN and LOCAL_OUT hooks of this namespace
 * @queue: datagrams stolen by the hooks, waiting for the worker
 * @stats: counters indexed by &enum mipkex_stat
 */
struct mipkex_net {
	struct net *net;
	struct mutex lock; /* role changes and teardown */
	u8 role;
	bool hooks_registered;
	struct nf_hook_ops ops[2];
	struct mipkex_queue queue;
	atomic64_t stats[__MIPKEX_STAT_MAX];
};

extern struct workqueue_struct *mipkex_wq;
extern unsigned int mipkex_max_queue;

static inline void mipkex_stat_inc(struct mipkex_net *mn, enum mipkex_stat s)
{
	atomic64_inc(&mn->stats[s]);
}

/* netns.c */
struct mipkex_net *mipkex_net(const struct net *net);
int mipkex_net_set_role(struct mipkex_net *mn, u8 role,
			struct netlink_ext_ack *extack);
int mipkex_netns_init(void);
void mipkex_netns_uninit(void);

/* hooks.c */
void mipkex_hooks_init(struct mipkex_net *mn);

/* queue.c */
void mipkex_queue_init(struct mipkex_queue *q);
int mipkex_queue_steal(struct mipkex_net *mn, struct sk_buff *skb,
		       const struct nf_hook_state *state);
void mipkex_queue_drain(struct mipkex_queue *q);
bool mipkex_queue_is_reinjecting(const struct sk_buff *skb);

/* testing.c, only in the testing build */
#ifdef MIPKEX_TESTING
extern bool mipkex_testing_hold;
void mipkex_testing_init(void);
void mipkex_testing_uninit(void);
static inline bool mipkex_testing_held(void)
{
	return READ_ONCE(mipkex_testing_hold);
}
#else
static inline bool mipkex_testing_held(void)
{
	return false;
}

static inline void mipkex_testing_init(void) {}
static inline void mipkex_testing_uninit(void) {}
#endif

/* netlink.c */
int mipkex_genl_init(void);
void mipkex_genl_uninit(void);

#endif /* _MIPKEX_H */
