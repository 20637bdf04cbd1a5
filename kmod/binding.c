// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex: bindings, the registrations the module accepted in a namespace,
 * and the events it reports about them.
 *
 * Each namespace keeps its bindings in an rhashtable keyed by (home address,
 * HA address), and those with a finite lifetime also in a tree ordered by
 * expiry. Writers (role handlers, netlink, the expiry work, role changes)
 * serialise on the store's mutex, in process context; readers (dumps,
 * lookups) use RCU. A binding is never modified once published: a
 * re-registration publishes a new one in its place. A binding leaves the
 * table when it is replaced, deregistered, expired, deleted by an
 * administrator, when the namespace's role changes, and at namespace exit
 * or module unload; it is freed after a grace period with its keys
 * zeroised (kfree_sensitive() from an RCU callback).
 *
 * Expiry: one delayed work per namespace, armed for the earliest expiry; it
 * removes every binding whose time has come, then re-arms itself.
 *
 * Keys never leave the kernel: dumps and events carry their fingerprints,
 * computed once when the binding is accepted (process context).
 */

#include <linux/jiffies.h>
#include <linux/moduleparam.h>
#include <linux/rbtree.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "binding.h"
#include "crypto.h"
#include "negotiate.h"
#include "xfrm.h"

unsigned int mipkex_max_bindings __read_mostly = 65536;
module_param_named(max_bindings, mipkex_max_bindings, uint, 0644);
MODULE_PARM_DESC(max_bindings, "Most bindings per network namespace (default 65536)");

/**
 * struct mipkex_binding_store - the bindings of one namespace
 * @ht: bindings by (home address, HA address)
 * @exp_tree: bindings with a finite lifetime, by expiry
 * @lock: serialises every change to @ht, @exp_tree, @count and @dead
 * @expire_work: removes expired bindings; armed for the earliest expiry
 * @mn: the namespace's state
 * @count: number of bindings
 * @gen: generation, bumped on every change (dump consistency)
 * @dead: set at namespace exit: nothing may be added any more
 */
struct mipkex_binding_store {
	struct rhashtable ht;
	struct rb_root exp_tree;
	struct mutex lock; /* writers of everything here */
	struct delayed_work expire_work;
	struct mipkex_net *mn;
	unsigned int count;
	u32 gen;
	bool dead;
};

/* Bindings allocated and not yet freed, in every namespace. */
static atomic_long_t mipkex_bindings_live = ATOMIC_LONG_INIT(0);
static atomic_long_t mipkex_bindings_total = ATOMIC_LONG_INIT(0);

static const struct mipkex_binding_hooks *mipkex_hooks;

static_assert(offsetof(struct mipkex_binding_info, ha_addr) ==
	      offsetof(struct mipkex_binding_info, home_addr) + sizeof(__be32));

/* The key: home address then HA address, as they sit in the info. */
struct mipkex_binding_key {
	__be32 home_addr;
	__be32 ha_addr;
};

static const struct rhashtable_params mipkex_binding_params = {
	.head_offset = offsetof(struct mipkex_binding, node),
	.key_offset = offsetof(struct mipkex_binding, info.home_addr),
	.key_len = sizeof(struct mipkex_binding_key),
	.automatic_shrinking = true,
};

static bool mipkex_binding_infinite(const struct mipkex_binding *b)
{
	return b->info.lifetime == MIPKEX_LIFETIME_INFINITE;
}

static void mipkex_binding_free(struct mipkex_binding *b)
{
	kfree_sensitive(b);
	atomic_long_dec(&mipkex_bindings_live);
}

static void mipkex_binding_free_rcu(struct rcu_head *head)
{
	mipkex_binding_free(container_of(head, struct mipkex_binding, rcu));
}

/**
 * mipkex_binding_set_hooks() - let another layer (XFRM) follow bindings
 * @hooks: its callbacks (static), or NULL to stop
 *
 * Set it before any binding exists (at module init) and clear it only when
 * none is left: mipkex_binding_hooks.del is called only for bindings whose
 * mipkex_binding_hooks.add ran.
 */
void mipkex_binding_set_hooks(const struct mipkex_binding_hooks *hooks)
{
	WRITE_ONCE(mipkex_hooks, hooks);
}

static const struct mipkex_binding_hooks *mipkex_binding_hooks_get(void)
{
	return READ_ONCE(mipkex_hooks);
}

/* ---- messages --------------------------------------------------------- */

static int mipkex_sa_fill(struct sk_buff *msg, const struct mipkex_sa_info *sa,
			  const u8 *fpr, int xstate)
{
	struct nlattr *nest;

	nest = nla_nest_start(msg, MIPKEX_BINDING_A_SA);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(msg, MIPKEX_SA_A_PAIR, sa->pair) ||
	    nla_put_u8(msg, MIPKEX_SA_A_PROTOCOL, sa->protocol) ||
	    (sa->encr_id &&
	     (nla_put_u16(msg, MIPKEX_SA_A_ENCR, sa->encr_id) ||
	      nla_put_u16(msg, MIPKEX_SA_A_ENCR_BITS, sa->encr_bits))) ||
	    (sa->integ_id &&
	     nla_put_u16(msg, MIPKEX_SA_A_INTEG, sa->integ_id)) ||
	    nla_put_u32(msg, MIPKEX_SA_A_SPI_IN, sa->spi_in) ||
	    nla_put_u32(msg, MIPKEX_SA_A_SPI_OUT, sa->spi_out) ||
	    nla_put_u32(msg, MIPKEX_SA_A_LIFETIME, sa->lifetime) ||
	    (sa->has_key &&
	     nla_put(msg, MIPKEX_SA_A_FINGERPRINT, MIPKEX_FINGERPRINT_LEN,
		     fpr)) ||
	    (xstate > 0 && nla_put_u8(msg, MIPKEX_SA_A_XFRM, xstate))) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

static u32 mipkex_jiffies_to_secs_up(unsigned long j)
{
	return DIV_ROUND_UP(jiffies_to_msecs(j), MSEC_PER_SEC);
}

/**
 * mipkex_binding_fill() - put a binding, without its keys, into a message
 * @msg: the message
 * @obj: the &struct mipkex_binding
 *
 * Context: any; the binding must stay valid (RCU or the store's lock).
 * Return: 0 or -EMSGSIZE (the message is left as it was).
 */
int mipkex_binding_fill(struct sk_buff *msg, const void *obj)
{
	const struct mipkex_binding *b = obj;
	const struct mipkex_binding_info *in = &b->info;
	unsigned long now = jiffies;
	struct nlattr *nest;
	u32 remaining = 0;
	unsigned int i;

	if (!mipkex_binding_infinite(b) && time_before(now, b->expires))
		remaining = mipkex_jiffies_to_secs_up(b->expires - now);

	nest = nla_nest_start(msg, MIPKEX_A_BINDING);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_in_addr(msg, MIPKEX_BINDING_A_HOME_ADDR, in->home_addr) ||
	    nla_put_in_addr(msg, MIPKEX_BINDING_A_HA_ADDR, in->ha_addr) ||
	    nla_put_in_addr(msg, MIPKEX_BINDING_A_COA, in->coa) ||
	    nla_put_in_addr(msg, MIPKEX_BINDING_A_FA_ADDR, in->fa_addr) ||
	    (in->key0_spi &&
	     nla_put_u32(msg, MIPKEX_BINDING_A_KEY0_SPI, in->key0_spi)) ||
	    (in->nai_len &&
	     nla_put_string(msg, MIPKEX_BINDING_A_NAI, in->nai)) ||
	    nla_put_u8(msg, MIPKEX_BINDING_A_ROLE, b->role) ||
	    nla_put_u8(msg, MIPKEX_BINDING_A_STATE,
		       MIPKEX_BINDING_STATE_ACCEPTED) ||
	    nla_put_u8(msg, MIPKEX_BINDING_A_MODE, in->mode) ||
	    (in->dh_group &&
	     nla_put_u16(msg, MIPKEX_BINDING_A_DH_GROUP, in->dh_group)) ||
	    nla_put_u32(msg, MIPKEX_BINDING_A_LIFETIME, in->lifetime) ||
	    (!mipkex_binding_infinite(b) &&
	     nla_put_u32(msg, MIPKEX_BINDING_A_REMAINING, remaining)) ||
	    nla_put_u32(msg, MIPKEX_BINDING_A_AGE,
			jiffies_to_msecs(now - b->created) / MSEC_PER_SEC) ||
	    nla_put_u64_64bit(msg, MIPKEX_BINDING_A_IDENT, in->ident,
			      MIPKEX_BINDING_A_PAD))
		goto err;
	for (i = 0; i < in->n_sa; i++)
		if (mipkex_sa_fill(msg, &in->sa[i], b->fpr[i],
				   mipkex_xfrm_pair_state(b, in->sa[i].pair,
							  in->sa[i].protocol)))
			goto err;
	nla_nest_end(msg, nest);
	return 0;
err:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}

/*
 * An event to the namespace's "events" listeners. Best effort: a lost event
 * (no memory, a full socket) is only lost.
 */
static void mipkex_event_send(struct mipkex_net *mn, u8 type, u8 reason,
			      const struct mipkex_binding *b, u8 code,
			      const char *why, __be32 home_addr,
			      __be32 ha_addr, const char *nai)
{
	struct sk_buff *msg;
	struct nlattr *nest;
	void *hdr;

	msg = mipkex_genl_event_new(mn, type, reason, &hdr, &nest);
	if (!msg)
		return;
	if (type == MIPKEX_EVENT_DENIED) {
		char text[MIPKEX_EVENT_MESSAGE_MAX_LEN + 1];

		strscpy(text, why ?: "", sizeof(text));
		if (nla_put_u8(msg, MIPKEX_EVENT_A_CODE, code) ||
		    nla_put_string(msg, MIPKEX_EVENT_A_MESSAGE, text) ||
		    (home_addr &&
		     nla_put_in_addr(msg, MIPKEX_EVENT_A_HOME_ADDR, home_addr)) ||
		    (ha_addr &&
		     nla_put_in_addr(msg, MIPKEX_EVENT_A_HA_ADDR, ha_addr)))
			goto err;
		if (nai && nai[0]) {
			char name[MIPKEX_NAI_MAX_LEN + 1];

			strscpy(name, nai, sizeof(name));
			if (nla_put_string(msg, MIPKEX_EVENT_A_NAI, name))
				goto err;
		}
	}
	nla_nest_end(msg, nest);
	if (b && mipkex_binding_fill(msg, b))
		goto err;
	mipkex_genl_event_send(mn->net, msg, hdr);
	return;
err:
	nlmsg_free(msg);
}

/**
 * mipkex_event_denied() - report a denied registration
 * @mn: the namespace's state
 * @home_addr: the mobile node's home address, or 0 if not known
 * @ha_addr: its home agent's address, or 0 if not known
 * @nai: its NAI (NUL-terminated), or NULL if not known
 * @code: the RFC 5944 reply code of the denial
 * @why: a short explanation for people (truncated to
 *	%MIPKEX_EVENT_MESSAGE_MAX_LEN bytes)
 *
 * Sends a %MIPKEX_EVENT_DENIED event to the namespace's listeners, if any.
 * Changes no binding: a denied re-registration leaves the binding in place.
 *
 * Context: process context.
 */
void mipkex_event_denied(struct mipkex_net *mn, __be32 home_addr,
			 __be32 ha_addr, const char *nai, u8 code,
			 const char *why)
{
	mipkex_event_send(mn, MIPKEX_EVENT_DENIED, MIPKEX_REASON_UNSPEC, NULL,
			  code, why, home_addr, ha_addr, nai);
}

/* ---- the store -------------------------------------------------------- */

static void mipkex_binding_rearm(struct mipkex_binding_store *s)
{
	struct mipkex_binding *first;
	struct rb_node *rb;
	long delay;

	lockdep_assert_held(&s->lock);
	if (s->dead)
		return;
	rb = rb_first(&s->exp_tree);
	if (!rb)
		return;
	first = rb_entry(rb, struct mipkex_binding, exp_node);
	delay = (long)(first->expires - jiffies);
	mod_delayed_work(mipkex_wq, &s->expire_work, max(delay, 0L));
}

/* Add @b to the expiry tree; true if it is now the first to expire. */
static bool mipkex_binding_exp_insert(struct mipkex_binding_store *s,
				      struct mipkex_binding *b)
{
	struct rb_node **p = &s->exp_tree.rb_node, *parent = NULL;
	bool leftmost = true;

	while (*p) {
		struct mipkex_binding *e;

		parent = *p;
		e = rb_entry(parent, struct mipkex_binding, exp_node);
		if (time_before(b->expires, e->expires)) {
			p = &parent->rb_left;
		} else {
			p = &parent->rb_right;
			leftmost = false;
		}
	}
	rb_link_node(&b->exp_node, parent, p);
	rb_insert_color(&b->exp_node, &s->exp_tree);
	return leftmost;
}

static void mipkex_binding_exp_erase(struct mipkex_binding_store *s,
				     struct mipkex_binding *b)
{
	if (!RB_EMPTY_NODE(&b->exp_node)) {
		rb_erase(&b->exp_node, &s->exp_tree);
		RB_CLEAR_NODE(&b->exp_node);
	}
}

static void mipkex_binding_hook_del(struct mipkex_binding_store *s,
				    struct mipkex_binding *b,
				    enum mipkex_reason reason)
{
	const struct mipkex_binding_hooks *hooks = mipkex_binding_hooks_get();

	if (b->xfrm_hooked && hooks && hooks->del)
		hooks->del(s->mn, b, reason);
	b->xfrm_hooked = false;
}

/*
 * Take @b out of the store: the other layer's del hook, an event unless
 * @reason is SHUTDOWN, then freed after a grace period.
 */
static void mipkex_binding_unlink(struct mipkex_binding_store *s,
				  struct mipkex_binding *b,
				  enum mipkex_reason reason)
{
	lockdep_assert_held(&s->lock);
	rhashtable_remove_fast(&s->ht, &b->node, mipkex_binding_params);
	mipkex_binding_exp_erase(s, b);
	s->count--;
	WRITE_ONCE(s->gen, s->gen + 1);
	mipkex_binding_hook_del(s, b, reason);
	if (reason != MIPKEX_REASON_SHUTDOWN)
		mipkex_event_send(s->mn, MIPKEX_EVENT_REMOVED, reason, b, 0,
				  NULL, 0, 0, NULL);
	call_rcu(&b->rcu, mipkex_binding_free_rcu);
}

static void mipkex_binding_expire_work(struct work_struct *work)
{
	struct mipkex_binding_store *s =
		container_of(to_delayed_work(work), struct mipkex_binding_store,
			     expire_work);
	struct mipkex_binding *b;
	struct rb_node *rb;

	mutex_lock(&s->lock);
	while ((rb = rb_first(&s->exp_tree))) {
		b = rb_entry(rb, struct mipkex_binding, exp_node);
		if (time_after(b->expires, jiffies))
			break;
		mipkex_binding_unlink(s, b, MIPKEX_REASON_EXPIRED);
		cond_resched();
	}
	mipkex_binding_rearm(s);
	mutex_unlock(&s->lock);
}

/**
 * mipkex_binding_init() - give a namespace an empty binding store
 * @mn: the namespace's state
 *
 * Return: 0 or a negative errno.
 */
int mipkex_binding_init(struct mipkex_net *mn)
{
	struct mipkex_binding_store *s;
	int err;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	err = rhashtable_init(&s->ht, &mipkex_binding_params);
	if (err) {
		kfree(s);
		return err;
	}
	s->exp_tree = RB_ROOT;
	mutex_init(&s->lock);
	INIT_DELAYED_WORK(&s->expire_work, mipkex_binding_expire_work);
	s->mn = mn;
	s->gen = 1;
	mn->bindings = s;
	return 0;
}

static void mipkex_binding_free_now(void *ptr, void *arg)
{
	struct mipkex_binding_store *s = arg;
	struct mipkex_binding *b = ptr;

	mipkex_binding_hook_del(s, b, MIPKEX_REASON_SHUTDOWN);
	mipkex_binding_free(b);
}

/**
 * mipkex_binding_uninit() - remove every binding of a namespace, without
 *	events, keys zeroised, and free the store
 * @mn: the namespace's state; no reader may remain (namespace exit, after
 *	the namespace's hooks and worker are gone and a grace period passed)
 *
 * Context: process context; sleeps.
 */
void mipkex_binding_uninit(struct mipkex_net *mn)
{
	struct mipkex_binding_store *s = mn->bindings;
	unsigned int n;

	if (!s)
		return;
	mutex_lock(&s->lock);
	s->dead = true;
	n = s->count;
	mutex_unlock(&s->lock);
	cancel_delayed_work_sync(&s->expire_work);
	rhashtable_free_and_destroy(&s->ht, mipkex_binding_free_now, s);
	mutex_destroy(&s->lock);
	kfree(s);
	mn->bindings = NULL;
	pr_debug("netns bindings destroyed: %u\n", n);
}

/**
 * mipkex_binding_check_leaks() - report bindings never freed (module unload,
 *	after every namespace's store is gone and rcu_barrier())
 */
void mipkex_binding_check_leaks(void)
{
	long live = atomic_long_read(&mipkex_bindings_live);

	if (live)
		pr_err("bindings: %ld leaked\n", live);
	else
		pr_debug("bindings: %ld allocated, all freed\n",
			 atomic_long_read(&mipkex_bindings_total));
}

static int mipkex_binding_check_info(const struct mipkex_binding_info *info)
{
	unsigned int i;

	if (!info->lifetime || info->n_sa > ARRAY_SIZE(info->sa) ||
	    info->nai_len > MIPKEX_NAI_MAX_LEN || !info->ha_addr)
		return -EINVAL;
	for (i = 0; i < info->n_sa; i++) {
		const struct mipkex_sa_info *sa = &info->sa[i];

		if (sa->pair < MIPKEX_PAIR_MN_HA || sa->pair > MIPKEX_PAIR_FA_HA)
			return -EINVAL;
	}
	return 0;
}

static struct mipkex_binding *
mipkex_binding_new(const struct mipkex_binding_info *info)
{
	struct mipkex_binding *b;
	unsigned int i;
	int err;

	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return ERR_PTR(-ENOMEM);
	atomic_long_inc(&mipkex_bindings_live);
	atomic_long_inc(&mipkex_bindings_total);
	memcpy(&b->info, info, sizeof(b->info));
	b->info.nai[b->info.nai_len] = '\0';
	for (i = b->info.n_sa; i < ARRAY_SIZE(b->info.sa); i++)
		memzero_explicit(&b->info.sa[i], sizeof(b->info.sa[i]));
	for (i = 0; i < b->info.n_sa; i++) {
		if (!b->info.sa[i].has_key)
			continue;
		err = mipkex_fingerprint(b->info.sa[i].key,
					 sizeof(b->info.sa[i].key), b->fpr[i]);
		if (err) {
			mipkex_binding_free(b);
			return ERR_PTR(err);
		}
	}
	RB_CLEAR_NODE(&b->exp_node);
	b->created = jiffies;
	b->expires = b->created + (unsigned long)info->lifetime * HZ;
	return b;
}

/**
 * mipkex_sa_info_from() - add a negotiated pair to a binding's info
 * @info: the binding's info; one entry per protocol of @c is appended to
 *	@info->sa, as room allows
 * @pair: %MIPKEX_PAIR_MN_HA, %MIPKEX_PAIR_MN_FA or %MIPKEX_PAIR_FA_HA
 * @c: the chosen proposal of the pair: one protocol, or several for an AND
 *	proposal (ESP and AH), each with its SPIs, transforms and lifetime
 * @key: the pair's key (KEY1, KEY2 or KEY3), %MIPKEX_KDC_KEY_LEN bytes,
 *	copied into every entry (each protocol's keying material is derived
 *	from it with the protocol in the context, protocol.rst 8.7)
 */
void mipkex_sa_info_from(struct mipkex_binding_info *info, u8 pair,
			 const struct mipkex_nego_choice *c, const u8 *key)
{
	unsigned int j;

	for (j = 0; j < c->n_sa && info->n_sa < ARRAY_SIZE(info->sa); j++) {
		const struct mipkex_nego_sa *n = &c->sa[j];
		struct mipkex_sa_info *sa = &info->sa[info->n_sa++];

		sa->pair = pair;
		sa->protocol = n->protocol;
		sa->encr_id = n->encr.number ? n->encr.id : 0;
		sa->encr_bits = n->encr.number ? n->encr.key_bits : 0;
		sa->integ_id = n->integ.number ? n->integ.id : 0;
		sa->spi_in = n->own_spi;
		sa->spi_out = n->peer_spi;
		sa->lifetime = n->lifetime;
		memcpy(sa->key, key, sizeof(sa->key));
		sa->has_key = true;
	}
}

/**
 * mipkex_binding_accept() - record an accepted registration
 * @mn: the namespace's state
 * @info: what the role handler knows of it, keys included (copied; the
 *	caller zeroises its own copy)
 *
 * Creates the binding of (@info->home_addr, @info->ha_addr), or replaces
 * the one in place (a re-registration: the old binding's keys are zeroised
 * after a grace period). Its lifetime, @info->lifetime seconds, starts now;
 * %MIPKEX_LIFETIME_INFINITE never expires. The fingerprints of the pairs'
 * keys are computed here. The XFRM layer's add hook, if any, runs before
 * the binding is published, and its del hook for the binding replaced.
 * Sends a %MIPKEX_EVENT_ACCEPTED event, reason %MIPKEX_REASON_NEW or
 * %MIPKEX_REASON_REPLACED.
 *
 * A deregistration (lifetime 0) is not an accept: call
 * mipkex_binding_remove().
 *
 * Context: process context; sleeps (takes the store's mutex, computes
 * fingerprints).
 * Return: 0; -EINVAL for a lifetime of 0, more than
 * %MIPKEX_BINDING_MAX_SA entries, a NAI too
 * long, a pair number out of range or an HA address of 0; -ENOSPC at the
 * max_bindings bound (a replacement is always allowed); -ENETDOWN if the
 * namespace has no role (or is going away); -ENOMEM; or the XFRM layer's
 * error. Nothing changes on error.
 */
int mipkex_binding_accept(struct mipkex_net *mn,
			  const struct mipkex_binding_info *info)
{
	const struct mipkex_binding_hooks *hooks = mipkex_binding_hooks_get();
	struct mipkex_binding_key key = { info->home_addr, info->ha_addr };
	struct mipkex_binding_store *s = mn->bindings;
	struct mipkex_binding *b, *old;
	u8 reason;
	int err;

	err = mipkex_binding_check_info(info);
	if (err)
		return err;
	b = mipkex_binding_new(info);
	if (IS_ERR(b))
		return PTR_ERR(b);

	mutex_lock(&s->lock);
	b->role = READ_ONCE(mn->role);
	if (s->dead || b->role == MIPKEX_ROLE_NONE) {
		err = -ENETDOWN;
		goto err;
	}
	old = rhashtable_lookup_fast(&s->ht, &key, mipkex_binding_params);
	if (!old && s->count >= READ_ONCE(mipkex_max_bindings)) {
		err = -ENOSPC;
		goto err;
	}
	if (hooks && hooks->add) {
		err = hooks->add(mn, b, old);
		if (err)
			goto err;
	}
	b->xfrm_hooked = !!hooks;
	if (old) {
		err = rhashtable_replace_fast(&s->ht, &old->node, &b->node,
					      mipkex_binding_params);
		if (WARN_ON_ONCE(err))	/* not possible under the lock */
			goto err_hooked;
		mipkex_binding_exp_erase(s, old);
		mipkex_binding_hook_del(s, old, MIPKEX_REASON_REPLACED);
		call_rcu(&old->rcu, mipkex_binding_free_rcu);
		reason = MIPKEX_REASON_REPLACED;
	} else {
		err = rhashtable_insert_fast(&s->ht, &b->node,
					     mipkex_binding_params);
		if (err)
			goto err_hooked;
		s->count++;
		reason = MIPKEX_REASON_NEW;
	}
	if (!mipkex_binding_infinite(b) && mipkex_binding_exp_insert(s, b))
		mipkex_binding_rearm(s);
	WRITE_ONCE(s->gen, s->gen + 1);
	mipkex_event_send(mn, MIPKEX_EVENT_ACCEPTED, reason, b, 0, NULL, 0, 0,
			  NULL);
	mutex_unlock(&s->lock);
	return 0;

err_hooked:
	mipkex_binding_hook_del(s, b, MIPKEX_REASON_UNSPEC);
err:
	mutex_unlock(&s->lock);
	mipkex_binding_free(b);
	return err;
}

/**
 * mipkex_binding_delete() - remove one binding, for a given reason
 * @mn: the namespace's state
 * @home_addr: its home address
 * @ha_addr: its HA address
 * @reason: %MIPKEX_REASON_DEREGISTERED, _EXPIRED, _DELETED or _ROLE_CHANGE
 *	(an event is sent), or _SHUTDOWN (none is)
 *
 * Context: process context; takes the store's mutex.
 * Return: 0, or -ENOENT if there is no such binding.
 */
int mipkex_binding_delete(struct mipkex_net *mn, __be32 home_addr,
			  __be32 ha_addr, enum mipkex_reason reason)
{
	struct mipkex_binding_key key = { home_addr, ha_addr };
	struct mipkex_binding_store *s = mn->bindings;
	struct mipkex_binding *b;
	int err = -ENOENT;

	mutex_lock(&s->lock);
	b = rhashtable_lookup_fast(&s->ht, &key, mipkex_binding_params);
	if (b) {
		mipkex_binding_unlink(s, b, reason);
		err = 0;
	}
	mutex_unlock(&s->lock);
	return err;
}

/**
 * mipkex_binding_remove() - a deregistration: remove a binding
 * @mn: the namespace's state
 * @home_addr: its home address
 * @ha_addr: its HA address
 *
 * Removes the binding (the XFRM layer's del hook runs first), with a
 * %MIPKEX_EVENT_REMOVED event of reason %MIPKEX_REASON_DEREGISTERED; its
 * keys are zeroised after a grace period.
 *
 * Context: process context; takes the store's mutex.
 * Return: 0, or -ENOENT if there is no such binding (nothing is sent).
 */
int mipkex_binding_remove(struct mipkex_net *mn, __be32 home_addr,
			  __be32 ha_addr)
{
	return mipkex_binding_delete(mn, home_addr, ha_addr,
				     MIPKEX_REASON_DEREGISTERED);
}

/*
 * Remove every binding @match (NULL: every one) accepts. Passes over the
 * table until one removes nothing: a resize makes a walk rewind.
 */
static unsigned int
mipkex_binding_flush_if(struct mipkex_net *mn,
			bool (*match)(const struct mipkex_binding *b,
				      const void *arg),
			const void *arg, enum mipkex_reason reason)
{
	struct mipkex_binding_store *s = mn->bindings;
	struct rhashtable_iter iter;
	struct mipkex_binding *b;
	unsigned int n = 0, pass;

	mutex_lock(&s->lock);
	do {
		pass = 0;
		rhashtable_walk_enter(&s->ht, &iter);
		rhashtable_walk_start(&iter);
		while ((b = rhashtable_walk_next(&iter))) {
			if (IS_ERR(b))
				continue;	/* resized: the walk rewound */
			if (match && !match(b, arg))
				continue;
			/* Hooks and events may sleep: leave RCU first. */
			rhashtable_walk_stop(&iter);
			mipkex_binding_unlink(s, b, reason);
			pass++;
			cond_resched();
			rhashtable_walk_start(&iter);
		}
		rhashtable_walk_stop(&iter);
		rhashtable_walk_exit(&iter);
		n += pass;
	} while (pass && s->count);
	mutex_unlock(&s->lock);
	return n;
}

/**
 * mipkex_binding_flush() - remove every binding of a namespace
 * @mn: the namespace's state
 * @reason: why (an event per binding unless %MIPKEX_REASON_SHUTDOWN)
 *
 * Context: process context; takes the store's mutex.
 * Return: the number of bindings removed.
 */
unsigned int mipkex_binding_flush(struct mipkex_net *mn,
				  enum mipkex_reason reason)
{
	return mipkex_binding_flush_if(mn, NULL, NULL, reason);
}

static bool mipkex_binding_has_key0(const struct mipkex_binding *b,
				    const void *arg)
{
	u32 spi = *(const u32 *)arg;

	return b->info.key0_spi && (!spi || b->info.key0_spi == spi);
}

static bool mipkex_binding_has_peer(const struct mipkex_binding *b,
				    const void *arg)
{
	__be32 addr = *(const __be32 *)arg;
	__be32 peer;

	/* An FA's peer is the home agent; a home agent's, the FA. */
	switch (b->role) {
	case MIPKEX_ROLE_FA:
		peer = b->info.ha_addr;
		break;
	case MIPKEX_ROLE_HA:
		peer = b->info.fa_addr;
		break;
	default:
		return false;
	}
	return peer && (!addr || peer == addr);
}

/**
 * mipkex_binding_remove_key0() - end the bindings a KEY0 entry authenticated
 * @mn: the namespace's state
 * @spi: the entry's SPI, or 0 for every entry (a flush)
 *
 * Context: process context; takes the store's mutex.
 * Return: the number of bindings removed (reason
 * %MIPKEX_REASON_KEY_DELETED, with their SAs).
 */
unsigned int mipkex_binding_remove_key0(struct mipkex_net *mn, u32 spi)
{
	return mipkex_binding_flush_if(mn, mipkex_binding_has_key0, &spi,
				       MIPKEX_REASON_KEY_DELETED);
}

/**
 * mipkex_binding_remove_peer() - end the bindings an FA-HA peer
 *	authenticated
 * @mn: the namespace's state
 * @addr: the peer's address, or 0 for every peer (a flush)
 *
 * Context: process context; takes the store's mutex.
 * Return: the number of bindings removed (reason
 * %MIPKEX_REASON_KEY_DELETED, with their SAs).
 */
unsigned int mipkex_binding_remove_peer(struct mipkex_net *mn, __be32 addr)
{
	return mipkex_binding_flush_if(mn, mipkex_binding_has_peer, &addr,
				       MIPKEX_REASON_KEY_DELETED);
}

/**
 * mipkex_binding_lookup() - find a binding
 * @mn: the namespace's state
 * @home_addr: its home address
 * @ha_addr: its HA address
 *
 * Context: under rcu_read_lock(); the binding stays valid, and unchanged,
 * until rcu_read_unlock(). It holds keys: copy what is needed, and zeroise
 * the copy after use.
 * Return: the binding or NULL.
 */
struct mipkex_binding *mipkex_binding_lookup(struct mipkex_net *mn,
					     __be32 home_addr,
					     __be32 ha_addr)
{
	struct mipkex_binding_key key = { home_addr, ha_addr };

	return rhashtable_lookup(&mn->bindings->ht, &key,
				 mipkex_binding_params);
}

/**
 * mipkex_binding_get() - copy a binding's info, keys included
 * @mn: the namespace's state
 * @home_addr: its home address
 * @ha_addr: its HA address
 * @info: where to copy it; the caller zeroises it after use
 *	(memzero_explicit())
 *
 * Context: any.
 * Return: 0, or -ENOENT if there is no such binding.
 */
int mipkex_binding_get(struct mipkex_net *mn, __be32 home_addr,
		       __be32 ha_addr, struct mipkex_binding_info *info)
{
	const struct mipkex_binding *b;
	int err = -ENOENT;

	rcu_read_lock();
	b = mipkex_binding_lookup(mn, home_addr, ha_addr);
	if (b) {
		memcpy(info, &b->info, sizeof(*info));
		err = 0;
	}
	rcu_read_unlock();
	return err;
}

/**
 * mipkex_binding_find_home() - find the binding of a home address
 * @mn: the namespace's state
 * @home_addr: the home address
 * @several: set if more than one binding has it (NULL is returned then)
 *
 * Walks every binding.
 *
 * Context: under rcu_read_lock(), as mipkex_binding_lookup().
 * Return: the binding, or NULL.
 */
const struct mipkex_binding *mipkex_binding_find_home(struct mipkex_net *mn,
						      __be32 home_addr,
						      bool *several)
{
	const struct mipkex_binding *found = NULL;
	struct rhashtable_iter iter;
	struct mipkex_binding *b;

	*several = false;
	rhashtable_walk_enter(&mn->bindings->ht, &iter);
	rhashtable_walk_start(&iter);
	while ((b = rhashtable_walk_next(&iter))) {
		if (IS_ERR(b))
			continue;
		if (b->info.home_addr != home_addr || b == found)
			continue;
		if (found) {
			*several = true;
			found = NULL;
			break;
		}
		found = b;
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
	return found;
}

/**
 * mipkex_binding_table() - the table of a namespace's bindings, for dumps
 * @mn: the namespace's state
 *
 * Return: the table.
 */
struct rhashtable *mipkex_binding_table(struct mipkex_net *mn)
{
	return &mn->bindings->ht;
}

/**
 * mipkex_binding_gen() - the generation of a namespace's bindings, for dumps
 * @mn: the namespace's state
 *
 * Return: where it is kept (read with READ_ONCE()).
 */
const u32 *mipkex_binding_gen(struct mipkex_net *mn)
{
	return &mn->bindings->gen;
}
