// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex: deferral of stolen datagrams to process context, and their
 * re-injection through the full netfilter chain.
 *
 * The hooks run in softirq (LOCAL_IN) or under rcu_read_lock() (LOCAL_OUT),
 * where nothing may sleep, while registration processing will (DH, XFRM state
 * creation, crypto allocation). So a hook steals the datagram: it is queued
 * with a copy of the hook state and a reference on everything that state
 * points to, as nf_queue does, and the namespace's worker hands it back to
 * NF_HOOK() for the same hook. Every hook of the chain then sees it, ours
 * first (at NF_IP_PRI_FIRST), which recognises it and lets it pass once.
 *
 * The queue is bounded (module parameter max_queue) and FIFO, and one work
 * item per namespace empties it, so datagrams keep their order.
 */

#include <linux/moduleparam.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <net/dst.h>
#include <net/ip.h>
#include <net/sock.h>

#include "mipkex.h"
#include "packet.h"

unsigned int mipkex_max_queue = 1024;
module_param_named(max_queue, mipkex_max_queue, uint, 0444);
MODULE_PARM_DESC(max_queue,
		 "Datagrams a namespace may hold for its worker (1-65536, default 1024)");

/**
 * struct mipkex_pkt - a stolen datagram and what is needed to re-inject it
 * @list: link in &mipkex_queue.list
 * @skb: the datagram
 * @skb_dev: @skb->dev when stolen, held
 * @state: copy of the hook state; @state.in, @state.out and @state.sk held
 */
struct mipkex_pkt {
	struct list_head list;
	struct sk_buff *skb;
	struct net_device *skb_dev;
	struct nf_hook_state state;
};

/*
 * The datagram this CPU is re-injecting. NF_HOOK() runs the chain
 * synchronously with bottom halves (and so preemption) disabled, and our hook
 * is the first of the chain, so the first call of our hook for this skb on
 * this CPU is the re-injection itself.
 */
static DEFINE_PER_CPU(const struct sk_buff *, mipkex_reinject_skb);

/**
 * mipkex_queue_is_reinjecting() - is @skb being re-injected by this CPU?
 * @skb: the datagram the hook was called for
 *
 * Called by the hook. The mark is consumed, so a datagram is let through once
 * per re-injection and is stolen again if it meets our hook at another point
 * (for instance LOCAL_OUT then, over loopback, LOCAL_IN).
 *
 * Return: true if the hook must let @skb pass untouched.
 */
bool mipkex_queue_is_reinjecting(const struct sk_buff *skb)
{
	if (likely(this_cpu_read(mipkex_reinject_skb) != skb))
		return false;
	this_cpu_write(mipkex_reinject_skb, NULL);
	return true;
}

static bool mipkex_pkt_hold(struct mipkex_pkt *pkt, struct sk_buff *skb,
			    const struct nf_hook_state *state)
{
	if (skb_sk_is_prefetched(skb)) {
		struct sock *sk = skb->sk;

		/* A socket assigned by tc/BPF: make it outlive the queue. */
		if (!sk_is_refcounted(sk)) {
			if (!refcount_inc_not_zero(&sk->sk_refcnt))
				return false;
			skb->destructor = sock_edemux;
		}
	}
	if (skb_dst(skb) && !skb_dst_force(skb))
		return false;
	if (state->sk && !refcount_inc_not_zero(&state->sk->sk_refcnt))
		return false;

	pkt->skb = skb;
	pkt->skb_dev = skb->dev;
	pkt->state = *state;
	dev_hold(pkt->skb_dev);
	dev_hold(state->in);
	dev_hold(state->out);
	return true;
}

static void mipkex_pkt_free(struct mipkex_pkt *pkt)
{
	dev_put(pkt->skb_dev);
	dev_put(pkt->state.in);
	dev_put(pkt->state.out);
	if (pkt->state.sk)
		sock_gen_put(pkt->state.sk);
	kfree(pkt);
}

/**
 * mipkex_queue_steal() - take a datagram from a hook for the worker
 * @mn: the namespace's state
 * @skb: the datagram
 * @state: the hook state
 *
 * Context: netfilter hook (softirq, or process context under RCU).
 * Return: %NF_STOLEN if queued, %NF_DROP if it could not be (counted).
 */
int mipkex_queue_steal(struct mipkex_net *mn, struct sk_buff *skb,
		       const struct nf_hook_state *state)
{
	struct mipkex_queue *q = &mn->queue;
	struct mipkex_pkt *pkt;

	if (READ_ONCE(q->len) >= mipkex_max_queue)
		goto full;

	pkt = kmalloc(sizeof(*pkt), GFP_ATOMIC);
	if (!pkt) {
		mipkex_stat_inc(mn, MIPKEX_STAT_DROPPED_NOMEM);
		return NF_DROP;
	}
	if (!mipkex_pkt_hold(pkt, skb, state)) {
		kfree(pkt);
		mipkex_stat_inc(mn, MIPKEX_STAT_DROPPED_NOREF);
		return NF_DROP;
	}

	spin_lock_bh(&q->lock);
	if (q->len >= mipkex_max_queue) {
		spin_unlock_bh(&q->lock);
		mipkex_pkt_free(pkt);
		goto full;
	}
	list_add_tail(&pkt->list, &q->list);
	WRITE_ONCE(q->len, q->len + 1);
	mipkex_stat_inc(mn, state->hook == NF_INET_LOCAL_IN ?
			MIPKEX_STAT_STOLEN_IN : MIPKEX_STAT_STOLEN_OUT);
	spin_unlock_bh(&q->lock);

	queue_work(mipkex_wq, &q->work);
	return NF_STOLEN;

full:
	mipkex_stat_inc(mn, MIPKEX_STAT_DROPPED_QUEUE_FULL);
	return NF_DROP;
}

static void mipkex_reinject(struct mipkex_pkt *pkt)
{
	const struct nf_hook_state *st = &pkt->state;
	struct sk_buff *skb = pkt->skb;

	rcu_read_lock();
	local_bh_disable();
	this_cpu_write(mipkex_reinject_skb, skb);
	NF_HOOK(st->pf, st->hook, st->net, st->sk, skb, st->in, st->out,
		st->okfn);
	this_cpu_write(mipkex_reinject_skb, NULL);
	local_bh_enable();
	rcu_read_unlock();

	mipkex_pkt_free(pkt);
}

static struct mipkex_pkt *mipkex_queue_peek(struct mipkex_net *mn)
{
	struct mipkex_queue *q = &mn->queue;
	struct mipkex_pkt *pkt;

	spin_lock_bh(&q->lock);
	pkt = list_first_entry_or_null(&q->list, struct mipkex_pkt, list);
	spin_unlock_bh(&q->lock);
	return pkt;
}

/*
 * Take the first datagram off the queue, counting where it goes in the same
 * critical section so that the counters always add up (uapi mipkex_stat).
 */
static void mipkex_queue_pop(struct mipkex_net *mn, struct mipkex_pkt *pkt,
			     bool drop)
{
	struct mipkex_queue *q = &mn->queue;

	spin_lock_bh(&q->lock);
	list_del(&pkt->list);
	WRITE_ONCE(q->len, q->len - 1);
	if (drop)
		mipkex_stat_inc(mn, MIPKEX_STAT_DROPPED_PROTOCOL);
	else
		mipkex_stat_inc(mn, pkt->state.hook == NF_INET_LOCAL_IN ?
				MIPKEX_STAT_REINJECTED_IN :
				MIPKEX_STAT_REINJECTED_OUT);
	spin_unlock_bh(&q->lock);
}

/*
 * Only the worker removes entries, and a work item never runs on two CPUs at
 * once, so the first entry stays in place while it is processed; the hooks
 * only append.
 */
static void mipkex_queue_work(struct work_struct *work)
{
	struct mipkex_net *mn = container_of(work, struct mipkex_net,
					     queue.work);
	struct mipkex_pkt *pkt;
	bool drop;

	/* Only the testing build can hold a queue, and never while draining. */
	if (mipkex_testing_held() && !READ_ONCE(mn->queue.draining))
		return;

	while ((pkt = mipkex_queue_peek(mn))) {
		drop = mipkex_process(mn, pkt->skb, pkt->state.hook) ==
		       MIPKEX_VERDICT_DROP;
		mipkex_queue_pop(mn, pkt, drop);
		if (drop) {
			kfree_skb(pkt->skb);
			mipkex_pkt_free(pkt);
		} else {
			mipkex_reinject(pkt);
		}
		cond_resched();
	}
}

/**
 * mipkex_queue_xmit() - send a datagram the module built, past its own hook
 * @net: the namespace
 * @skb: an IPv4 datagram with its route set; consumed
 *
 * Return: 0 or a negative errno.
 */
int mipkex_queue_xmit(struct net *net, struct sk_buff *skb)
{
	int err;

	rcu_read_lock();
	local_bh_disable();
	this_cpu_write(mipkex_reinject_skb, skb);
	err = ip_local_out(net, NULL, skb);
	this_cpu_write(mipkex_reinject_skb, NULL);
	local_bh_enable();
	rcu_read_unlock();
	return net_xmit_eval(err);
}

void mipkex_queue_init(struct mipkex_queue *q)
{
	spin_lock_init(&q->lock);
	INIT_LIST_HEAD(&q->list);
	q->len = 0;
	q->draining = false;
	INIT_WORK(&q->work, mipkex_queue_work);
}

/**
 * mipkex_queue_drain() - wait until every queued datagram is re-injected
 * @q: the queue
 *
 * The caller must make sure nothing can be queued any more: the hooks are
 * unregistered and a grace period has passed.
 *
 * Context: process context; sleeps.
 */
void mipkex_queue_drain(struct mipkex_queue *q)
{
	WRITE_ONCE(q->draining, true);
	queue_work(mipkex_wq, &q->work);
	flush_work(&q->work);
	WRITE_ONCE(q->draining, false);
	WARN_ON_ONCE(READ_ONCE(q->len));
}
