// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex: the home agent's per-namespace state (see ha.h). Everything is
 * bounded: MIPKEX_HA_PENDING_MAX pending requests (the oldest is dropped to
 * make room), a ring of MIPKEX_HA_LATE_MAX requests that were dropped from
 * it unanswered (their late replies are dropped too), MIPKEX_HA_CACHE_MAX
 * cached replies (one per KEY0 SPI, the oldest dropped to make room),
 * MIPKEX_HA_REPLAY_MAX replay states (created only for requests that
 * authenticated), and a set-associative table of rate-limit buckets that
 * recycles the least recently used one.
 *
 * The rate limit is WireGuard's (drivers/net/wireguard/ratelimiter.c): a
 * token bucket per source address, in nanoseconds, MIPKEX_HA_RL_PER_SEC
 * requests a second with a burst of MIPKEX_HA_RL_BURST.
 */

#include <linux/err.h>
#include <linux/hashtable.h>
#include <linux/jhash.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/slab.h>

#include "ha.h"

#define MIPKEX_HA_RL_COST	(NSEC_PER_SEC / MIPKEX_HA_RL_PER_SEC)
#define MIPKEX_HA_RL_MAX	(MIPKEX_HA_RL_COST * MIPKEX_HA_RL_BURST)
#define MIPKEX_HA_RL_SETS	64
#define MIPKEX_HA_RL_WAYS	4

struct mipkex_ha_rl {
	__be32 addr;
	bool used;
	u64 last;
	u64 tokens;
};

struct mipkex_ha_replay {
	struct hlist_node node;
	u32 spi;
	struct mipkex_replay_state st;
};

/* A request that left the pending table unanswered. */
struct mipkex_ha_late {
	unsigned long expires;
	u32 spi;
	u32 id_low;
	bool used;
};

/**
 * struct mipkex_ha - the home agent's state in one namespace
 * @list: in mipkex_ha_list
 * @mn: the namespace's state
 * @pending: requests the agent has, unordered; NULL slots are free
 * @cache: the replies last sent, at most one per KEY0 SPI; NULL slots are
 *	free
 * @late_next: the slot of @late to use next
 * @late: requests dropped from @pending before the agent answered, a ring
 * @n_replay: entries in @replay
 * @replay: &struct mipkex_ha_replay by KEY0 SPI
 * @rl_seed: hash seed of @rl
 * @rl: rate-limit buckets, @MIPKEX_HA_RL_WAYS per set
 */
struct mipkex_ha {
	struct list_head list;
	struct mipkex_net *mn;
	struct mipkex_ha_pending *pending[MIPKEX_HA_PENDING_MAX];
	struct mipkex_ha_cached *cache[MIPKEX_HA_CACHE_MAX];
	unsigned int late_next;
	struct mipkex_ha_late late[MIPKEX_HA_LATE_MAX];
	unsigned int n_replay;
	DECLARE_HASHTABLE(replay, 8);
	u32 rl_seed;
	struct mipkex_ha_rl rl[MIPKEX_HA_RL_SETS][MIPKEX_HA_RL_WAYS];
};

/*
 * The namespaces' states. A namespace's worker finds its own here (one
 * datagram at a time, so the state itself needs no lock); the list's lock
 * orders that against mipkex_ha_uninit().
 */
static LIST_HEAD(mipkex_ha_list);
static DEFINE_MUTEX(mipkex_ha_lock); /* mipkex_ha_list */

static struct mipkex_ha *mipkex_ha_find(struct mipkex_net *mn)
{
	struct mipkex_ha *ha;

	list_for_each_entry(ha, &mipkex_ha_list, list)
		if (ha->mn == mn)
			return ha;
	return NULL;
}

/**
 * mipkex_ha_get() - the home agent's state of a namespace, allocated on
 *	first use
 * @mn: the namespace's state
 *
 * Context: the namespace's worker only.
 * Return: the state, or NULL when there is no memory.
 */
struct mipkex_ha *mipkex_ha_get(struct mipkex_net *mn)
{
	struct mipkex_ha *ha;

	mutex_lock(&mipkex_ha_lock);
	ha = mipkex_ha_find(mn);
	if (!ha) {
		ha = kzalloc(sizeof(*ha), GFP_KERNEL);
		if (ha) {
			ha->mn = mn;
			hash_init(ha->replay);
			ha->rl_seed = get_random_u32();
			list_add(&ha->list, &mipkex_ha_list);
		}
	}
	mutex_unlock(&mipkex_ha_lock);
	return ha;
}

/**
 * mipkex_ha_uninit() - free the home agent's state of a namespace
 * @mn: the namespace's state
 *
 * Pending entries and cached replies are zeroised (they hold
 * Diffie-Hellman secrets and wrapped keys).
 *
 * Context: process context, with the namespace's worker idle and unable to
 * call a home agent handler until the state is gone: at namespace exit, or
 * after the role was changed away from ha and the work item flushed.
 */
void mipkex_ha_uninit(struct mipkex_net *mn)
{
	struct mipkex_ha_replay *r;
	struct hlist_node *tmp;
	struct mipkex_ha *ha;
	unsigned int i;

	mutex_lock(&mipkex_ha_lock);
	ha = mipkex_ha_find(mn);
	if (ha)
		list_del(&ha->list);
	mutex_unlock(&mipkex_ha_lock);
	if (!ha)
		return;
	for (i = 0; i < MIPKEX_HA_PENDING_MAX; i++)
		mipkex_ha_pending_free(ha->pending[i]);
	for (i = 0; i < MIPKEX_HA_CACHE_MAX; i++)
		kfree_sensitive(ha->cache[i]);
	hash_for_each_safe(ha->replay, i, tmp, r, node) {
		hash_del(&r->node);
		kfree(r);
	}
	kfree_sensitive(ha);
}

/**
 * mipkex_ha_ratelimit() - take a token from a source address's bucket
 * @ha: the state
 * @addr: the source address
 *
 * Return: true if the request may go on, false if it is over the limit.
 */
bool mipkex_ha_ratelimit(struct mipkex_ha *ha, __be32 addr)
{
	struct mipkex_ha_rl *set, *b = NULL, *old;
	u64 now = ktime_get_ns();
	unsigned int i;

	set = ha->rl[jhash_1word((__force u32)addr, ha->rl_seed) %
		     MIPKEX_HA_RL_SETS];
	old = &set[0];
	for (i = 0; i < MIPKEX_HA_RL_WAYS; i++) {
		if (set[i].used && set[i].addr == addr) {
			b = &set[i];
			break;
		}
		if (!set[i].used || (old->used && set[i].last < old->last))
			old = &set[i];
	}
	if (!b) {
		b = old;
		b->addr = addr;
		b->used = true;
		b->tokens = MIPKEX_HA_RL_MAX;
		b->last = now;
	}
	b->tokens = min_t(u64, MIPKEX_HA_RL_MAX, b->tokens + (now - b->last));
	b->last = now;
	if (b->tokens < MIPKEX_HA_RL_COST)
		return false;
	b->tokens -= MIPKEX_HA_RL_COST;
	return true;
}

/**
 * mipkex_ha_replay() - the Identification state of a mobile node
 * @ha: the state
 * @spi: its KEY0 SPI
 * @create: create an all-zero state when there is none (call only for a
 *	request that authenticated)
 *
 * Return: the state, or NULL when there is none and it was not created (not
 * asked, no memory, or %MIPKEX_HA_REPLAY_MAX states exist).
 */
struct mipkex_replay_state *mipkex_ha_replay(struct mipkex_ha *ha, u32 spi,
					     bool create)
{
	struct mipkex_ha_replay *r;

	hash_for_each_possible(ha->replay, r, node, spi)
		if (r->spi == spi)
			return &r->st;
	if (!create || ha->n_replay >= MIPKEX_HA_REPLAY_MAX)
		return NULL;
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return NULL;
	r->spi = spi;
	hash_add(ha->replay, &r->node, spi);
	ha->n_replay++;
	return &r->st;
}

/**
 * mipkex_ha_pending_alloc() - a zeroed pending entry
 * @data_len: bytes of storage after it
 *
 * Return: the entry or NULL.
 */
struct mipkex_ha_pending *mipkex_ha_pending_alloc(size_t data_len)
{
	struct mipkex_ha_pending *p = NULL;

	return kzalloc(struct_size(p, data, data_len), GFP_KERNEL);
}

/**
 * mipkex_ha_pending_free() - zeroise and free a pending entry
 * @p: the entry, or NULL
 */
void mipkex_ha_pending_free(struct mipkex_ha_pending *p)
{
	kfree_sensitive(p);
}

static bool mipkex_ha_pending_expired(const struct mipkex_ha_pending *p)
{
	return time_after(jiffies, p->expires);
}

static bool mipkex_ha_cache_expired(const struct mipkex_ha_cached *c)
{
	return time_after(jiffies, c->expires);
}

/* Remember a request that leaves the table unanswered (ring, oldest out). */
static void mipkex_ha_late_add(struct mipkex_ha *ha,
			       const struct mipkex_ha_pending *p)
{
	struct mipkex_ha_late *l = &ha->late[ha->late_next];

	ha->late_next = (ha->late_next + 1) % MIPKEX_HA_LATE_MAX;
	l->expires = jiffies + MIPKEX_HA_LATE_TTL;
	l->spi = p->spi;
	l->id_low = (u32)p->ident;
	l->used = true;
}

/* A request of @spi (any SPI when @any) that left the table unanswered. */
static bool mipkex_ha_late_has(const struct mipkex_ha *ha, bool any, u32 spi,
			       u32 id_low)
{
	const struct mipkex_ha_late *l;
	unsigned int i;

	for (i = 0; i < MIPKEX_HA_LATE_MAX; i++) {
		l = &ha->late[i];
		if (l->used && (any || l->spi == spi) && l->id_low == id_low &&
		    !time_after(jiffies, l->expires))
			return true;
	}
	return false;
}

/**
 * mipkex_ha_pending_add() - keep a pending entry
 * @ha: the state
 * @p: the entry, with every field but @p->expires set; @ha owns it now
 *
 * An entry of the same KEY0 SPI and low-order Identification is replaced;
 * expired entries are dropped; when the table is full, the entry closest to
 * expiry makes room. An entry dropped unanswered (expired or evicted) is
 * remembered, so that the agent's late reply to it is recognised.
 */
void mipkex_ha_pending_add(struct mipkex_ha *ha, struct mipkex_ha_pending *p)
{
	unsigned int i, slot = MIPKEX_HA_PENDING_MAX, oldest = 0;
	struct mipkex_ha_pending *q;
	bool have_oldest = false, same;

	p->expires = jiffies + MIPKEX_HA_PENDING_TTL;
	for (i = 0; i < MIPKEX_HA_PENDING_MAX; i++) {
		q = ha->pending[i];
		same = q && q->spi == p->spi && (u32)q->ident == (u32)p->ident;
		if (q && (same || mipkex_ha_pending_expired(q))) {
			if (!same)
				mipkex_ha_late_add(ha, q);
			mipkex_ha_pending_free(q);
			ha->pending[i] = NULL;
			q = NULL;
		}
		if (!q) {
			if (slot == MIPKEX_HA_PENDING_MAX)
				slot = i;
			continue;
		}
		if (!have_oldest ||
		    time_before(q->expires, ha->pending[oldest]->expires)) {
			oldest = i;
			have_oldest = true;
		}
	}
	if (slot == MIPKEX_HA_PENDING_MAX) {
		slot = oldest;
		mipkex_ha_late_add(ha, ha->pending[slot]);
		mipkex_ha_pending_free(ha->pending[slot]);
	}
	ha->pending[slot] = p;
}

/**
 * mipkex_ha_pending_take() - remove and return the entry a reply answers
 * @ha: the state
 * @spi: the KEY0 SPI of the reply's MN-HA authentication extension
 * @id_low: the low-order 32 bits of the reply's Identification
 * @late: set when nothing unexpired matches but the reply answers a request
 *	that was pending and left the table unanswered (expired or evicted),
 *	or one already answered (a reply is in the cache for it)
 *
 * Return: the entry, now the caller's, or NULL when nothing (unexpired)
 * matches.
 */
struct mipkex_ha_pending *mipkex_ha_pending_take(struct mipkex_ha *ha,
						 u32 spi, u32 id_low,
						 bool *late)
{
	const struct mipkex_ha_cached *c;
	struct mipkex_ha_pending *q;
	unsigned int i;

	*late = false;
	for (i = 0; i < MIPKEX_HA_PENDING_MAX; i++) {
		q = ha->pending[i];
		if (!q || q->spi != spi || (u32)q->ident != id_low)
			continue;
		ha->pending[i] = NULL;
		if (mipkex_ha_pending_expired(q)) {
			mipkex_ha_late_add(ha, q);
			mipkex_ha_pending_free(q);
			*late = true;
			return NULL;
		}
		return q;
	}
	c = mipkex_ha_cache_find(ha, spi);
	*late = (c && (u32)c->ident == id_low) ||
		mipkex_ha_late_has(ha, false, spi, id_low);
	return NULL;
}

/**
 * mipkex_ha_pending_take_id() - remove and return the entry a reply answers,
 *	by its Identification alone (a reply without a readable MN-HA
 *	authentication extension)
 * @ha: the state
 * @id_low: the low-order 32 bits of the reply's Identification
 * @late: set as mipkex_ha_pending_take() does, for a request of any KEY0 SPI
 *
 * Entries of every KEY0 SPI with this Identification are candidates; the
 * expired ones among them leave the table (as late).
 *
 * Return: the only unexpired entry that matches, now the caller's; NULL
 * when none does; ERR_PTR(-ENOTUNIQ) when two or more do (they stay).
 */
struct mipkex_ha_pending *mipkex_ha_pending_take_id(struct mipkex_ha *ha,
						    u32 id_low, bool *late)
{
	unsigned int i, found = MIPKEX_HA_PENDING_MAX;
	const struct mipkex_ha_cached *c;
	struct mipkex_ha_pending *q;

	*late = false;
	for (i = 0; i < MIPKEX_HA_PENDING_MAX; i++) {
		q = ha->pending[i];
		if (!q || (u32)q->ident != id_low)
			continue;
		if (mipkex_ha_pending_expired(q)) {
			ha->pending[i] = NULL;
			mipkex_ha_late_add(ha, q);
			mipkex_ha_pending_free(q);
			continue;
		}
		if (found != MIPKEX_HA_PENDING_MAX)
			return ERR_PTR(-ENOTUNIQ);
		found = i;
	}
	if (found != MIPKEX_HA_PENDING_MAX) {
		q = ha->pending[found];
		ha->pending[found] = NULL;
		return q;
	}
	for (i = 0; i < MIPKEX_HA_CACHE_MAX; i++) {
		c = ha->cache[i];
		if (c && (u32)c->ident == id_low &&
		    !mipkex_ha_cache_expired(c)) {
			*late = true;
			return NULL;
		}
	}
	*late = mipkex_ha_late_has(ha, true, 0, id_low);
	return NULL;
}

/**
 * mipkex_ha_pending_find() - a request that is pending already
 * @ha: the state
 * @spi: its KEY0 SPI
 * @ident: its Identification
 *
 * Return: the unexpired entry with this SPI and Identification, still
 * @ha's, or NULL.
 */
const struct mipkex_ha_pending *mipkex_ha_pending_find(struct mipkex_ha *ha,
						       u32 spi, u64 ident)
{
	struct mipkex_ha_pending *q;
	unsigned int i;

	for (i = 0; i < MIPKEX_HA_PENDING_MAX; i++) {
		q = ha->pending[i];
		if (q && q->spi == spi && q->ident == ident &&
		    !mipkex_ha_pending_expired(q))
			return q;
	}
	return NULL;
}

/**
 * mipkex_ha_pending_count() - unexpired pending entries
 * @ha: the state, or NULL
 *
 * Return: their number.
 */
unsigned int mipkex_ha_pending_count(struct mipkex_ha *ha)
{
	unsigned int i, n = 0;

	for (i = 0; ha && i < MIPKEX_HA_PENDING_MAX; i++)
		if (ha->pending[i] && !mipkex_ha_pending_expired(ha->pending[i]))
			n++;
	return n;
}

/**
 * mipkex_ha_cache_put() - keep the reply sent to a request
 * @ha: the state
 * @spi: the request's KEY0 SPI
 * @ident: its Identification
 * @src: its source address
 * @req: the request as received (UDP payload)
 * @req_len: its length
 * @rep: the reply as sent
 * @rep_len: its length
 *
 * The entry replaces the one of the same SPI (only the request answered
 * last is answered again); expired entries are dropped; when the cache is
 * full, the entry closest to expiry makes room. Without memory, nothing is
 * kept (a retransmission is then denied as a replay).
 */
void mipkex_ha_cache_put(struct mipkex_ha *ha, u32 spi, u64 ident,
			 __be32 src, const u8 *req, u32 req_len,
			 const u8 *rep, u32 rep_len)
{
	unsigned int i, slot = MIPKEX_HA_CACHE_MAX, oldest = 0;
	struct mipkex_ha_cached *c, *q;
	bool have_oldest = false;

	c = kmalloc(struct_size(c, data, (size_t)req_len + rep_len),
		    GFP_KERNEL);
	for (i = 0; i < MIPKEX_HA_CACHE_MAX; i++) {
		q = ha->cache[i];
		if (q && (q->spi == spi || mipkex_ha_cache_expired(q))) {
			kfree_sensitive(q);
			ha->cache[i] = NULL;
			q = NULL;
		}
		if (!q) {
			if (slot == MIPKEX_HA_CACHE_MAX)
				slot = i;
			continue;
		}
		if (!have_oldest ||
		    time_before(q->expires, ha->cache[oldest]->expires)) {
			oldest = i;
			have_oldest = true;
		}
	}
	if (!c)
		return;
	c->expires = jiffies + MIPKEX_HA_CACHE_TTL;
	c->spi = spi;
	c->ident = ident;
	c->src = src;
	c->req_len = req_len;
	c->rep_len = rep_len;
	c->req = c->data;
	c->rep = c->data + req_len;
	memcpy(c->req, req, req_len);
	memcpy(c->rep, rep, rep_len);
	if (slot == MIPKEX_HA_CACHE_MAX) {
		slot = oldest;
		kfree_sensitive(ha->cache[slot]);
	}
	ha->cache[slot] = c;
}

/**
 * mipkex_ha_cache_find() - the reply last sent to a mobile node
 * @ha: the state
 * @spi: its KEY0 SPI
 *
 * Return: the unexpired entry, still @ha's, or NULL.
 */
const struct mipkex_ha_cached *mipkex_ha_cache_find(struct mipkex_ha *ha,
						    u32 spi)
{
	struct mipkex_ha_cached *c;
	unsigned int i;

	for (i = 0; i < MIPKEX_HA_CACHE_MAX; i++) {
		c = ha->cache[i];
		if (!c || c->spi != spi)
			continue;
		if (mipkex_ha_cache_expired(c)) {
			kfree_sensitive(c);
			ha->cache[i] = NULL;
			return NULL;
		}
		return c;
	}
	return NULL;
}
