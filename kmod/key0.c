// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex: the per-namespace KEY0 store.
 *
 * Entries live in two rhashtables, by SPI and by NAI, both unique. Writers
 * (netlink, process context) serialise on the namespace's conf_lock; readers
 * (the data path) look entries up under rcu_read_lock(). An entry is never
 * modified once published: a replacement is a new entry swapped in with
 * rhashtable_replace_fast(), and the old one is freed after a grace period
 * with its key zeroised (kfree_sensitive() from an RCU callback; the module
 * waits for those callbacks with rcu_barrier() at unload).
 */

#include <crypto/algapi.h>
#include <linux/jhash.h>
#include <linux/moduleparam.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/netlink.h>

#include "crypto.h"
#include "kdc.h"
#include "key0.h"
#include "mipkex.h"
#include "store.h"

unsigned int mipkex_max_key0 __read_mostly = 1000000;
module_param_named(max_key0, mipkex_max_key0, uint, 0644);
MODULE_PARM_DESC(max_key0, "Most KEY0 entries per network namespace (default 1000000)");

/* The key of the NAI table: the NAI's bytes, without terminator. */
struct mipkex_nai_key {
	const char *nai;
	unsigned int len;
};

static u32 mipkex_nai_hash(const void *data, u32 len, u32 seed)
{
	const struct mipkex_nai_key *k = data;

	return jhash(k->nai, k->len, seed);
}

static u32 mipkex_nai_obj_hash(const void *data, u32 len, u32 seed)
{
	const struct mipkex_key0 *e = data;

	return jhash(e->nai, e->nai_len, seed);
}

static int mipkex_nai_cmp(struct rhashtable_compare_arg *arg, const void *obj)
{
	const struct mipkex_nai_key *k = arg->key;
	const struct mipkex_key0 *e = obj;

	return k->len != e->nai_len || memcmp(k->nai, e->nai, k->len);
}

static const struct rhashtable_params mipkex_key0_spi_params = {
	.head_offset = offsetof(struct mipkex_key0, spi_node),
	.key_offset = offsetof(struct mipkex_key0, spi),
	.key_len = sizeof(u32),
	.automatic_shrinking = true,
};

static const struct rhashtable_params mipkex_key0_nai_params = {
	.head_offset = offsetof(struct mipkex_key0, nai_node),
	.hashfn = mipkex_nai_hash,
	.obj_hashfn = mipkex_nai_obj_hash,
	.obj_cmpfn = mipkex_nai_cmp,
	.automatic_shrinking = true,
};

static void mipkex_key0_free_rcu(struct rcu_head *head)
{
	kfree_sensitive(container_of(head, struct mipkex_key0, rcu));
}

/**
 * mipkex_key0_init() - initialise an empty store
 * @store: the store
 *
 * Return: 0 or a negative errno.
 */
int mipkex_key0_init(struct mipkex_key0_store *store)
{
	int err;

	store->count = 0;
	store->n_md5 = 0;
	store->gen = 1;
	err = rhashtable_init(&store->by_spi, &mipkex_key0_spi_params);
	if (err)
		return err;
	err = rhashtable_init(&store->by_nai, &mipkex_key0_nai_params);
	if (err)
		rhashtable_destroy(&store->by_spi);
	return err;
}

static void mipkex_key0_free_now(void *ptr, void *arg)
{
	kfree_sensitive(ptr);
}

/**
 * mipkex_key0_destroy() - free every entry, keys zeroised, and the tables
 * @store: the store; no reader may remain (namespace exit, after the
 *	namespace's hooks and worker are gone and a grace period has passed)
 */
void mipkex_key0_destroy(struct mipkex_key0_store *store)
{
	rhashtable_destroy(&store->by_nai);
	rhashtable_free_and_destroy(&store->by_spi, mipkex_key0_free_now, NULL);
	store->count = 0;
	store->n_md5 = 0;
}

/**
 * mipkex_key0_lookup_spi() - find a KEY0 entry by SPI
 * @mn: the namespace's state
 * @spi: the SPI
 *
 * Context: under rcu_read_lock(); the entry stays valid, and unchanged, until
 * rcu_read_unlock(). Copy what is needed (and zeroise the copy of the key
 * after use) before sleeping.
 * Return: the entry or NULL.
 */
const struct mipkex_key0 *mipkex_key0_lookup_spi(struct mipkex_net *mn,
						 u32 spi)
{
	return rhashtable_lookup(&mn->key0.by_spi, &spi,
				 mipkex_key0_spi_params);
}

/**
 * mipkex_key0_lookup_nai() - find a KEY0 entry by NAI
 * @mn: the namespace's state
 * @nai: the NAI's bytes (no terminator needed)
 * @len: their number
 *
 * Context: as mipkex_key0_lookup_spi().
 * Return: the entry or NULL.
 */
const struct mipkex_key0 *mipkex_key0_lookup_nai(struct mipkex_net *mn,
						 const char *nai,
						 unsigned int len)
{
	struct mipkex_nai_key k = { .nai = nai, .len = len };

	if (!len || len > MIPKEX_NAI_MAX_LEN)
		return NULL;
	return rhashtable_lookup(&mn->key0.by_nai, &k, mipkex_key0_nai_params);
}

static struct mipkex_key0 *mipkex_key0_find_locked(struct mipkex_net *mn,
						   u32 spi)
{
	return rhashtable_lookup_fast(&mn->key0.by_spi, &spi,
				      mipkex_key0_spi_params);
}

static struct mipkex_key0 *mipkex_key0_find_nai_locked(struct mipkex_net *mn,
						       const char *nai,
						       unsigned int len)
{
	struct mipkex_nai_key k = { .nai = nai, .len = len };

	return rhashtable_lookup_fast(&mn->key0.by_nai, &k,
				      mipkex_key0_nai_params);
}

static bool mipkex_key0_same(const struct mipkex_key0 *a,
			     const struct mipkex_key0 *b)
{
	return a->spi == b->spi && a->home_addr == b->home_addr &&
	       a->ha_addr == b->ha_addr && a->window == b->window &&
	       a->aead == b->aead && a->auth == b->auth &&
	       a->replay == b->replay && a->nai_len == b->nai_len &&
	       !memcmp(a->nai, b->nai, a->nai_len) &&
	       a->key_len == b->key_len &&
	       !crypto_memneq(a->key, b->key, a->key_len);
}

/* Account for @e entering (@d = 1) or leaving (@d = -1) the store. */
static void mipkex_key0_account(struct mipkex_key0_store *s,
				const struct mipkex_key0 *e, int d)
{
	s->count += d;
	if (e->auth == MIPKEX_AUTH_HMAC_MD5)
		s->n_md5 += d;
}

static void mipkex_key0_unlink(struct mipkex_key0_store *s,
			       struct mipkex_key0 *e)
{
	rhashtable_remove_fast(&s->by_nai, &e->nai_node,
			       mipkex_key0_nai_params);
	rhashtable_remove_fast(&s->by_spi, &e->spi_node,
			       mipkex_key0_spi_params);
	mipkex_key0_account(s, e, -1);
	WRITE_ONCE(s->gen, s->gen + 1);
	call_rcu(&e->rcu, mipkex_key0_free_rcu);
}

static void mipkex_key0_unlink_any(void *store, void *obj)
{
	mipkex_key0_unlink(store, obj);
}

static int mipkex_key0_insert(struct mipkex_key0_store *s,
			      struct mipkex_key0 *e)
{
	int err;

	err = rhashtable_insert_fast(&s->by_spi, &e->spi_node,
				     mipkex_key0_spi_params);
	if (err)
		return err;
	err = rhashtable_insert_fast(&s->by_nai, &e->nai_node,
				     mipkex_key0_nai_params);
	if (err) {
		rhashtable_remove_fast(&s->by_spi, &e->spi_node,
				       mipkex_key0_spi_params);
		return err;
	}
	mipkex_key0_account(s, e, 1);
	WRITE_ONCE(s->gen, s->gen + 1);
	return 0;
}

static int mipkex_key0_replace(struct mipkex_key0_store *s,
			       struct mipkex_key0 *old, struct mipkex_key0 *e)
{
	int err;

	if (old->nai_len == e->nai_len &&
	    !memcmp(old->nai, e->nai, e->nai_len)) {
		err = rhashtable_replace_fast(&s->by_nai, &old->nai_node,
					      &e->nai_node,
					      mipkex_key0_nai_params);
		if (err)
			return err;
	} else {
		err = rhashtable_insert_fast(&s->by_nai, &e->nai_node,
					     mipkex_key0_nai_params);
		if (err)
			return err;
	}
	err = rhashtable_replace_fast(&s->by_spi, &old->spi_node, &e->spi_node,
				      mipkex_key0_spi_params);
	if (WARN_ON_ONCE(err)) {
		/* Not possible under conf_lock; undo the NAI side. */
		if (old->nai_len == e->nai_len &&
		    !memcmp(old->nai, e->nai, e->nai_len))
			rhashtable_replace_fast(&s->by_nai, &e->nai_node,
						&old->nai_node,
						mipkex_key0_nai_params);
		else
			rhashtable_remove_fast(&s->by_nai, &e->nai_node,
					       mipkex_key0_nai_params);
		return err;
	}
	if (old->nai_len != e->nai_len || memcmp(old->nai, e->nai, e->nai_len))
		rhashtable_remove_fast(&s->by_nai, &old->nai_node,
				       mipkex_key0_nai_params);
	mipkex_key0_account(s, old, -1);
	mipkex_key0_account(s, e, 1);
	WRITE_ONCE(s->gen, s->gen + 1);
	call_rcu(&old->rcu, mipkex_key0_free_rcu);
	return 0;
}

static const u16 mipkex_key0_required[] = {
	MIPKEX_KEY0_A_SPI, MIPKEX_KEY0_A_NAI, MIPKEX_KEY0_A_HOME_ADDR,
	MIPKEX_KEY0_A_HA_ADDR, MIPKEX_KEY0_A_KEY,
};

static const char * const mipkex_key0_required_msg[] = {
	"the KEY0 SPI is required",
	"the KEY0 NAI is required",
	"the KEY0 home address is required",
	"the KEY0 HA address is required",
	"the KEY0 key is required",
};

/*
 * Build an entry from validated attributes; the key attribute is zeroised in
 * the request once copied.
 */
static struct mipkex_key0 *mipkex_key0_build(struct nlattr *nest,
					     struct nlattr **tb,
					     struct netlink_ext_ack *extack)
{
	struct mipkex_key0 *e;
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(mipkex_key0_required); i++) {
		if (NL_REQ_ATTR_CHECK(extack, nest, tb,
				      mipkex_key0_required[i])) {
			mipkex_set_err(extack, NULL, mipkex_key0_required_msg[i]);
			return ERR_PTR(-EINVAL);
		}
	}

	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return ERR_PTR(-ENOMEM);
	e->spi = nla_get_u32(tb[MIPKEX_KEY0_A_SPI]);
	e->nai_len = nla_len(tb[MIPKEX_KEY0_A_NAI]) - 1;
	memcpy(e->nai, nla_data(tb[MIPKEX_KEY0_A_NAI]), e->nai_len);
	e->home_addr = nla_get_in_addr(tb[MIPKEX_KEY0_A_HOME_ADDR]);
	e->ha_addr = nla_get_in_addr(tb[MIPKEX_KEY0_A_HA_ADDR]);
	e->key_len = nla_len(tb[MIPKEX_KEY0_A_KEY]);
	memcpy(e->key, nla_data(tb[MIPKEX_KEY0_A_KEY]), e->key_len);
	memzero_explicit(nla_data(tb[MIPKEX_KEY0_A_KEY]), e->key_len);
	e->aead = tb[MIPKEX_KEY0_A_AEAD] ?
		  nla_get_u8(tb[MIPKEX_KEY0_A_AEAD]) : MIPKEX_AEAD_AES_256_GCM;
	e->auth = tb[MIPKEX_KEY0_A_AUTH] ?
		  nla_get_u8(tb[MIPKEX_KEY0_A_AUTH]) : MIPKEX_AUTH_HMAC_SHA256;
	e->replay = tb[MIPKEX_KEY0_A_REPLAY] ?
		    nla_get_u8(tb[MIPKEX_KEY0_A_REPLAY]) :
		    MIPKEX_REPLAY_TIMESTAMP;
	e->window = tb[MIPKEX_KEY0_A_WINDOW] ?
		    nla_get_u32(tb[MIPKEX_KEY0_A_WINDOW]) : 7;

	err = mipkex_fingerprint(e->key, e->key_len, e->fpr);
	if (err) {
		NL_SET_ERR_MSG_ATTR(extack, tb[MIPKEX_KEY0_A_KEY],
				    "cannot compute the KEY0 key's fingerprint");
		kfree_sensitive(e);
		return ERR_PTR(err);
	}
	return e;
}

/**
 * mipkex_key0_new() - add or replace a KEY0 entry (MIPKEX_CMD_KEY0_NEW)
 * @mn: the namespace's state
 * @nest: the %MIPKEX_A_KEY0 attribute
 * @tb: its attributes, validated by the operation's policy and their
 *	numbers checked against their bounds (netlink.c)
 * @nlflags: the request's netlink flags (NLM_F_CREATE, _EXCL, _REPLACE)
 * @extack: where to report an error
 *
 * Context: process context; takes the namespace's conf_lock.
 * Return: a &enum mipkex_result, or a negative errno with nothing changed.
 */
int mipkex_key0_new(struct mipkex_net *mn, struct nlattr *nest,
		    struct nlattr **tb, u16 nlflags,
		    struct netlink_ext_ack *extack)
{
	struct mipkex_key0_store *s = &mn->key0;
	const struct mipkex_kdc_conf *conf;
	struct mipkex_key0 *e, *old, *dup;
	int ret;

	e = mipkex_key0_build(nest, tb, extack);
	if (IS_ERR(e))
		return PTR_ERR(e);

	mutex_lock(&mn->conf_lock);
	conf = rcu_dereference_protected(mn->kdc,
					 lockdep_is_held(&mn->conf_lock));
	if (e->auth == MIPKEX_AUTH_HMAC_MD5 && !conf->legacy) {
		NL_SET_ERR_MSG_ATTR(extack, tb[MIPKEX_KEY0_A_AUTH],
				    "KEY0 HMAC-MD5 needs the KDC legacy flag");
		ret = -EINVAL;
		goto err;
	}
	old = mipkex_key0_find_locked(mn, e->spi);
	dup = mipkex_key0_find_nai_locked(mn, e->nai, e->nai_len);
	if (dup && dup != old) {
		NL_SET_ERR_MSG_ATTR(extack, tb[MIPKEX_KEY0_A_NAI],
				    "KEY0 NAI conflict: the NAI belongs to another SPI");
		ret = -EEXIST;
		goto err;
	}
	if (old) {
		if ((nlflags & NLM_F_EXCL) || !(nlflags & NLM_F_REPLACE)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[MIPKEX_KEY0_A_SPI],
					    "KEY0 SPI exists (NLM_F_REPLACE replaces it)");
			ret = -EEXIST;
			goto err;
		}
		if (mipkex_key0_same(old, e)) {
			ret = MIPKEX_RESULT_UNCHANGED;
			goto err;
		}
		ret = mipkex_key0_replace(s, old, e);
		if (ret) {
			NL_SET_ERR_MSG(extack, "cannot replace the KEY0 entry");
			goto err;
		}
		ret = MIPKEX_RESULT_REPLACED;
	} else {
		if (!(nlflags & NLM_F_CREATE)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[MIPKEX_KEY0_A_SPI],
					    "KEY0 SPI does not exist (NLM_F_CREATE adds it)");
			ret = -ENOENT;
			goto err;
		}
		if (s->count >= READ_ONCE(mipkex_max_key0)) {
			NL_SET_ERR_MSG(extack,
				       "too many KEY0 entries: the max_key0 module parameter is reached");
			ret = -ENOSPC;
			goto err;
		}
		ret = mipkex_key0_insert(s, e);
		if (ret) {
			NL_SET_ERR_MSG(extack, "cannot add the KEY0 entry");
			/* Readers may have seen it by SPI. */
			mutex_unlock(&mn->conf_lock);
			call_rcu(&e->rcu, mipkex_key0_free_rcu);
			return ret;
		}
		ret = MIPKEX_RESULT_ADDED;
	}
	mutex_unlock(&mn->conf_lock);
	return ret;

err:
	mutex_unlock(&mn->conf_lock);
	kfree_sensitive(e);
	return ret;
}

/**
 * mipkex_key0_del() - delete a KEY0 entry (MIPKEX_CMD_KEY0_DEL)
 * @mn: the namespace's state
 * @nest: the %MIPKEX_A_KEY0 attribute
 * @tb: its attributes, validated
 * @extack: where to report an error
 *
 * Context: process context; takes the namespace's conf_lock.
 * Return: 0, or -EINVAL (no SPI) or -ENOENT (no such entry).
 */
int mipkex_key0_del(struct mipkex_net *mn, struct nlattr *nest,
		    struct nlattr **tb, struct netlink_ext_ack *extack)
{
	struct mipkex_key0 *e;
	int err = 0;

	if (NL_REQ_ATTR_CHECK(extack, nest, tb, MIPKEX_KEY0_A_SPI)) {
		NL_SET_ERR_MSG(extack, "the KEY0 SPI is required");
		return -EINVAL;
	}
	mutex_lock(&mn->conf_lock);
	e = mipkex_key0_find_locked(mn, nla_get_u32(tb[MIPKEX_KEY0_A_SPI]));
	if (e) {
		mipkex_key0_unlink(&mn->key0, e);
	} else {
		NL_SET_ERR_MSG_ATTR(extack, tb[MIPKEX_KEY0_A_SPI],
				    "KEY0 SPI not found");
		err = -ENOENT;
	}
	mutex_unlock(&mn->conf_lock);
	return err;
}

/**
 * mipkex_key0_flush() - delete every KEY0 entry (MIPKEX_CMD_KEY0_FLUSH)
 * @mn: the namespace's state
 *
 * Context: process context; takes the namespace's conf_lock.
 * Return: the number of entries deleted.
 */
unsigned int mipkex_key0_flush(struct mipkex_net *mn)
{
	struct mipkex_key0_store *s = &mn->key0;
	unsigned int n;

	mutex_lock(&mn->conf_lock);
	n = mipkex_store_drain(&s->by_spi, &s->count, mipkex_key0_unlink_any, s);
	mutex_unlock(&mn->conf_lock);
	return n;
}

/**
 * mipkex_key0_fill() - put a KEY0 entry, without its key, into a message
 * @msg: the message
 * @obj: the &struct mipkex_key0
 *
 * Context: any; the entry must stay valid (RCU or conf_lock).
 * Return: 0 or -EMSGSIZE (the message is left as it was).
 */
int mipkex_key0_fill(struct sk_buff *msg, const void *obj)
{
	const struct mipkex_key0 *e = obj;
	struct nlattr *nest;

	nest = nla_nest_start(msg, MIPKEX_A_KEY0);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(msg, MIPKEX_KEY0_A_SPI, e->spi) ||
	    nla_put_string(msg, MIPKEX_KEY0_A_NAI, e->nai) ||
	    nla_put_in_addr(msg, MIPKEX_KEY0_A_HOME_ADDR, e->home_addr) ||
	    nla_put_in_addr(msg, MIPKEX_KEY0_A_HA_ADDR, e->ha_addr) ||
	    nla_put(msg, MIPKEX_KEY0_A_FINGERPRINT, MIPKEX_FINGERPRINT_LEN,
		    e->fpr) ||
	    nla_put_u8(msg, MIPKEX_KEY0_A_AEAD, e->aead) ||
	    nla_put_u8(msg, MIPKEX_KEY0_A_AUTH, e->auth) ||
	    nla_put_u8(msg, MIPKEX_KEY0_A_REPLAY, e->replay) ||
	    nla_put_u32(msg, MIPKEX_KEY0_A_WINDOW, e->window)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}
