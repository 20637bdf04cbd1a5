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
#include <linux/netlink.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>

#include <linux/mipkex.h>

#include "key0.h"
#include "peer.h"

struct mipkex_binding_store;
struct mipkex_xfrm_net;
struct netlink_callback;
struct mipkex_kdc_conf;

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
 * @conf_lock: serialises every write to @key0, @peers, @kdc and @vendor
 *	(never taken with @lock: role changes do not touch them)
 * @key0: the KEY0 entries
 * @peers: the FA-HA peers
 * @kdc: KDC and negotiation parameters; never NULL; replaced whole under
 *	@conf_lock, read under RCU
 * @vendor: SMI enterprise number of the vendor extensions; written under
 *	@conf_lock, read with READ_ONCE()
 * @bindings: the accepted registrations (binding.c); its own lock, taken
 *	inside @lock (role changes remove them)
 * @xfrm: their SAs in XFRM (xfrm.c); its own lock, taken inside that of
 *	@bindings; read under RCU by XFRM's notifications
 */
struct mipkex_net {
	struct net *net;
	struct mutex lock; /* role changes and teardown */
	u8 role;
	bool hooks_registered;
	struct nf_hook_ops ops[2];
	struct mipkex_queue queue;
	atomic64_t stats[__MIPKEX_STAT_MAX];
	struct mutex conf_lock; /* key0, peers, kdc, vendor writes */
	struct mipkex_key0_store key0;
	struct mipkex_peer_store peers;
	struct mipkex_kdc_conf __rcu *kdc;
	u32 vendor;
	struct mipkex_binding_store *bindings;
	struct mipkex_xfrm_net __rcu *xfrm;
};

extern struct workqueue_struct *mipkex_wq;
extern unsigned int mipkex_max_queue;

/**
 * mipkex_set_err() - report an error message that is not a literal
 * @extack: the extended ack, or NULL
 * @attr: the attribute to blame, or NULL
 * @msg: the message; must be static (it is read after the handler returns)
 */
static inline void mipkex_set_err(struct netlink_ext_ack *extack,
				  const struct nlattr *attr, const char *msg)
{
	if (extack) {
		extack->_msg = msg;
		extack->bad_attr = attr;
	}
}

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
int mipkex_queue_xmit(struct net *net, struct sk_buff *skb);

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

/* config.c */
int mipkex_config_init(struct mipkex_net *mn);
void mipkex_config_uninit(struct mipkex_net *mn);
void mipkex_vendor_set(struct mipkex_net *mn, u32 vendor);
int mipkex_kdc_set(struct mipkex_net *mn, struct nlattr *nest,
		   struct nlattr **tb, struct netlink_ext_ack *extack);
int mipkex_kdc_fill(struct sk_buff *msg, struct mipkex_net *mn);
int mipkex_kdc_groups_validate(const struct nlattr *attr,
			       struct netlink_ext_ack *extack);

/* netlink.c */
int mipkex_genl_init(void);
void mipkex_genl_uninit(void);
struct sk_buff *mipkex_genl_event_new(struct mipkex_net *mn, u8 type,
				      u8 reason, void **hdr,
				      struct nlattr **nest);
void mipkex_genl_event_send(struct net *net, struct sk_buff *msg, void *hdr);
void *mipkex_genl_dump_hdr(struct sk_buff *skb, struct netlink_callback *cb,
			   u8 cmd);

#endif /* _MIPKEX_H */
