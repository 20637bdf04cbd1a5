// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex: the per-namespace store of FA-HA peers.
 *
 * One rhashtable by peer address. Same rules as the KEY0 store (key0.c):
 * writers serialise on conf_lock, readers use RCU, entries are immutable and
 * replaced whole, and freed after a grace period with the key zeroised.
 */

#include <crypto/algapi.h>
#include <linux/moduleparam.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/netlink.h>

#include "crypto.h"
#include "kdc.h"
#include "mipkex.h"
#include "peer.h"
#include "store.h"

unsigned int mipkex_max_peer __read_mostly = 65536;
module_param_named(max_peer, mipkex_max_peer, uint, 0644);
MODULE_PARM_DESC(max_peer, "Most FA-HA peers per network namespace (default 65536)");

static const struct rhashtable_params mipkex_peer_params = {
	.head_offset = offsetof(struct mipkex_peer, node),
	.key_offset = offsetof(struct mipkex_peer, addr),
	.key_len = sizeof(__be32),
	.automatic_shrinking = true,
};

static void mipkex_peer_free_rcu(struct rcu_head *head)
{
	kfree_sensitive(container_of(head, struct mipkex_peer, rcu));
}

static void mipkex_peer_free_now(void *ptr, void *arg)
{
	kfree_sensitive(ptr);
}

/**
 * mipkex_peer_init() - initialise an empty store
 * @store: the store
 *
 * Return: 0 or a negative errno.
 */
int mipkex_peer_init(struct mipkex_peer_store *store)
{
	store->count = 0;
	store->n_md5 = 0;
	store->gen = 1;
	return rhashtable_init(&store->by_addr, &mipkex_peer_params);
}

/**
 * mipkex_peer_destroy() - free every peer, keys zeroised, and the table
 * @store: the store; no reader may remain (namespace exit)
 */
void mipkex_peer_destroy(struct mipkex_peer_store *store)
{
	rhashtable_free_and_destroy(&store->by_addr, mipkex_peer_free_now,
				    NULL);
	store->count = 0;
	store->n_md5 = 0;
}

/**
 * mipkex_peer_lookup() - find an FA-HA peer by address
 * @mn: the namespace's state
 * @addr: the peer's address
 *
 * Context: under rcu_read_lock(); the peer stays valid, and unchanged, until
 * rcu_read_unlock(). Copy what is needed before sleeping.
 * Return: the peer or NULL.
 */
const struct mipkex_peer *mipkex_peer_lookup(struct mipkex_net *mn,
					     __be32 addr)
{
	return rhashtable_lookup(&mn->peers.by_addr, &addr,
				 mipkex_peer_params);
}

static struct mipkex_peer *mipkex_peer_find_locked(struct mipkex_net *mn,
						   __be32 addr)
{
	return rhashtable_lookup_fast(&mn->peers.by_addr, &addr,
				      mipkex_peer_params);
}

static bool mipkex_peer_same(const struct mipkex_peer *a,
			     const struct mipkex_peer *b)
{
	return a->addr == b->addr && a->spi == b->spi && a->aead == b->aead &&
	       a->auth == b->auth && a->key_len == b->key_len &&
	       !crypto_memneq(a->key, b->key, a->key_len);
}

static void mipkex_peer_account(struct mipkex_peer_store *s,
				const struct mipkex_peer *p, int d)
{
	s->count += d;
	if (p->auth == MIPKEX_AUTH_HMAC_MD5)
		s->n_md5 += d;
}

static void mipkex_peer_unlink(struct mipkex_peer_store *s,
			       struct mipkex_peer *p)
{
	rhashtable_remove_fast(&s->by_addr, &p->node, mipkex_peer_params);
	mipkex_peer_account(s, p, -1);
	WRITE_ONCE(s->gen, s->gen + 1);
	call_rcu(&p->rcu, mipkex_peer_free_rcu);
}

static void mipkex_peer_unlink_any(void *store, void *obj)
{
	mipkex_peer_unlink(store, obj);
}

static const u16 mipkex_peer_required[] = {
	MIPKEX_PEER_A_ADDR, MIPKEX_PEER_A_SPI, MIPKEX_PEER_A_KEY,
};

static const char * const mipkex_peer_required_msg[] = {
	"the peer address is required",
	"the peer SPI is required",
	"the peer key is required",
};

static struct mipkex_peer *mipkex_peer_build(struct nlattr *nest,
					     struct nlattr **tb,
					     struct netlink_ext_ack *extack)
{
	struct mipkex_peer *p;
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(mipkex_peer_required); i++) {
		if (NL_REQ_ATTR_CHECK(extack, nest, tb,
				      mipkex_peer_required[i])) {
			mipkex_set_err(extack, NULL, mipkex_peer_required_msg[i]);
			return ERR_PTR(-EINVAL);
		}
	}

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return ERR_PTR(-ENOMEM);
	p->addr = nla_get_in_addr(tb[MIPKEX_PEER_A_ADDR]);
	p->spi = nla_get_u32(tb[MIPKEX_PEER_A_SPI]);
	p->key_len = nla_len(tb[MIPKEX_PEER_A_KEY]);
	memcpy(p->key, nla_data(tb[MIPKEX_PEER_A_KEY]), p->key_len);
	memzero_explicit(nla_data(tb[MIPKEX_PEER_A_KEY]), p->key_len);
	p->aead = tb[MIPKEX_PEER_A_AEAD] ?
		  nla_get_u8(tb[MIPKEX_PEER_A_AEAD]) : MIPKEX_AEAD_AES_256_GCM;
	p->auth = tb[MIPKEX_PEER_A_AUTH] ?
		  nla_get_u8(tb[MIPKEX_PEER_A_AUTH]) : MIPKEX_AUTH_HMAC_SHA256;

	err = mipkex_fingerprint(p->key, p->key_len, p->fpr);
	if (err) {
		NL_SET_ERR_MSG_ATTR(extack, tb[MIPKEX_PEER_A_KEY],
				    "cannot compute the peer key's fingerprint");
		kfree_sensitive(p);
		return ERR_PTR(err);
	}
	return p;
}

/**
 * mipkex_peer_new() - add or replace an FA-HA peer (MIPKEX_CMD_PEER_NEW)
 * @mn: the namespace's state
 * @nest: the %MIPKEX_A_PEER attribute
 * @tb: its attributes, validated by the operation's policy and their
 *	numbers checked against their bounds (netlink.c)
 * @nlflags: the request's netlink flags (NLM_F_CREATE, _EXCL, _REPLACE)
 * @extack: where to report an error
 *
 * Context: process context; takes the namespace's conf_lock.
 * Return: a &enum mipkex_result, or a negative errno with nothing changed.
 */
int mipkex_peer_new(struct mipkex_net *mn, struct nlattr *nest,
		    struct nlattr **tb, u16 nlflags,
		    struct netlink_ext_ack *extack)
{
	struct mipkex_peer_store *s = &mn->peers;
	const struct mipkex_kdc_conf *conf;
	struct mipkex_peer *p, *old;
	int ret;

	p = mipkex_peer_build(nest, tb, extack);
	if (IS_ERR(p))
		return PTR_ERR(p);

	mutex_lock(&mn->conf_lock);
	conf = rcu_dereference_protected(mn->kdc,
					 lockdep_is_held(&mn->conf_lock));
	if (p->auth == MIPKEX_AUTH_HMAC_MD5 && !conf->legacy) {
		NL_SET_ERR_MSG_ATTR(extack, tb[MIPKEX_PEER_A_AUTH],
				    "peer HMAC-MD5 needs the KDC legacy flag");
		ret = -EINVAL;
		goto err;
	}
	old = mipkex_peer_find_locked(mn, p->addr);
	if (old) {
		if ((nlflags & NLM_F_EXCL) || !(nlflags & NLM_F_REPLACE)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[MIPKEX_PEER_A_ADDR],
					    "peer address exists (NLM_F_REPLACE replaces it)");
			ret = -EEXIST;
			goto err;
		}
		if (mipkex_peer_same(old, p)) {
			ret = MIPKEX_RESULT_UNCHANGED;
			goto err;
		}
		ret = rhashtable_replace_fast(&s->by_addr, &old->node,
					      &p->node, mipkex_peer_params);
		if (WARN_ON_ONCE(ret)) {
			NL_SET_ERR_MSG(extack, "cannot replace the peer");
			goto err;
		}
		mipkex_peer_account(s, old, -1);
		mipkex_peer_account(s, p, 1);
		WRITE_ONCE(s->gen, s->gen + 1);
		call_rcu(&old->rcu, mipkex_peer_free_rcu);
		ret = MIPKEX_RESULT_REPLACED;
	} else {
		if (!(nlflags & NLM_F_CREATE)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[MIPKEX_PEER_A_ADDR],
					    "peer address does not exist (NLM_F_CREATE adds it)");
			ret = -ENOENT;
			goto err;
		}
		if (s->count >= READ_ONCE(mipkex_max_peer)) {
			NL_SET_ERR_MSG(extack,
				       "too many peers: the max_peer module parameter is reached");
			ret = -ENOSPC;
			goto err;
		}
		ret = rhashtable_insert_fast(&s->by_addr, &p->node,
					     mipkex_peer_params);
		if (ret) {
			NL_SET_ERR_MSG(extack, "cannot add the peer");
			goto err;
		}
		mipkex_peer_account(s, p, 1);
		WRITE_ONCE(s->gen, s->gen + 1);
		ret = MIPKEX_RESULT_ADDED;
	}
	mutex_unlock(&mn->conf_lock);
	return ret;

err:
	mutex_unlock(&mn->conf_lock);
	kfree_sensitive(p);
	return ret;
}

/**
 * mipkex_peer_del() - delete an FA-HA peer (MIPKEX_CMD_PEER_DEL)
 * @mn: the namespace's state
 * @nest: the %MIPKEX_A_PEER attribute
 * @tb: its attributes, validated
 * @extack: where to report an error
 *
 * Context: process context; takes the namespace's conf_lock.
 * Return: 0, or -EINVAL (no address) or -ENOENT (no such peer).
 */
int mipkex_peer_del(struct mipkex_net *mn, struct nlattr *nest,
		    struct nlattr **tb, struct netlink_ext_ack *extack)
{
	struct mipkex_peer *p;
	int err = 0;

	if (NL_REQ_ATTR_CHECK(extack, nest, tb, MIPKEX_PEER_A_ADDR)) {
		NL_SET_ERR_MSG(extack, "the peer address is required");
		return -EINVAL;
	}
	mutex_lock(&mn->conf_lock);
	p = mipkex_peer_find_locked(mn,
				    nla_get_in_addr(tb[MIPKEX_PEER_A_ADDR]));
	if (p) {
		mipkex_peer_unlink(&mn->peers, p);
	} else {
		NL_SET_ERR_MSG_ATTR(extack, tb[MIPKEX_PEER_A_ADDR],
				    "peer address not found");
		err = -ENOENT;
	}
	mutex_unlock(&mn->conf_lock);
	return err;
}

/**
 * mipkex_peer_flush() - delete every FA-HA peer (MIPKEX_CMD_PEER_FLUSH)
 * @mn: the namespace's state
 *
 * Context: process context; takes the namespace's conf_lock.
 * Return: the number of peers deleted.
 */
unsigned int mipkex_peer_flush(struct mipkex_net *mn)
{
	struct mipkex_peer_store *s = &mn->peers;
	unsigned int n;

	mutex_lock(&mn->conf_lock);
	n = mipkex_store_drain(&s->by_addr, &s->count, mipkex_peer_unlink_any, s);
	mutex_unlock(&mn->conf_lock);
	return n;
}

/**
 * mipkex_peer_fill() - put a peer, without its key, into a message
 * @msg: the message
 * @obj: the &struct mipkex_peer
 *
 * Context: any; the peer must stay valid (RCU or conf_lock).
 * Return: 0 or -EMSGSIZE (the message is left as it was).
 */
int mipkex_peer_fill(struct sk_buff *msg, const void *obj)
{
	const struct mipkex_peer *p = obj;
	struct nlattr *nest;

	nest = nla_nest_start(msg, MIPKEX_A_PEER);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_in_addr(msg, MIPKEX_PEER_A_ADDR, p->addr) ||
	    nla_put_u32(msg, MIPKEX_PEER_A_SPI, p->spi) ||
	    nla_put(msg, MIPKEX_PEER_A_FINGERPRINT, MIPKEX_FINGERPRINT_LEN,
		    p->fpr) ||
	    nla_put_u8(msg, MIPKEX_PEER_A_AEAD, p->aead) ||
	    nla_put_u8(msg, MIPKEX_PEER_A_AUTH, p->auth)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}
