// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex: per-namespace parameters: the KDC and negotiation parameters
 * (struct mipkex_kdc_conf, MIPKEX_CMD_KDC_SET/GET) and the vendor id.
 *
 * A namespace's conf is immutable once published. KDC_SET builds a new conf
 * from the one in place plus the attributes present, validates it whole
 * (including the rules that tie it to the KEY0 and peer stores), and
 * publishes it with rcu_assign_pointer() under conf_lock; the old one is
 * freed after a grace period, its seed zeroised. All or nothing.
 */

#include <linux/bits.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/netlink.h>

#include "crypto.h"
#include "dh.h"
#include "elem.h"
#include "kdc.h"
#include "mipkex.h"

/**
 * mipkex_kdc_groups_validate() - policy check of %MIPKEX_KDC_A_DH_GROUPS
 * @attr: the attribute
 * @extack: where to report an error
 *
 * 1 to %MIPKEX_DH_GROUPS_MAX u16 group numbers, each known, none twice.
 * Whether the legacy groups are allowed is decided with the whole conf.
 *
 * Return: 0 or -EINVAL.
 */
int mipkex_kdc_groups_validate(const struct nlattr *attr,
			       struct netlink_ext_ack *extack)
{
	unsigned int i, j, n = nla_len(attr) / sizeof(u16);
	u16 g[MIPKEX_DH_GROUPS_MAX];

	if (nla_len(attr) % sizeof(u16) || !n || n > MIPKEX_DH_GROUPS_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "KDC DH groups must be 1 to 8 u16 group numbers");
		return -EINVAL;
	}
	memcpy(g, nla_data(attr), n * sizeof(u16));
	for (i = 0; i < n; i++) {
		if (!mipkex_dh_group_find(g[i])) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "KDC DH group unknown: known groups are 1, 2, 14, 15 and 31");
			return -EINVAL;
		}
		for (j = 0; j < i; j++) {
			if (g[j] == g[i]) {
				NL_SET_ERR_MSG_ATTR(extack, attr,
						    "KDC DH groups must not list a group twice");
				return -EINVAL;
			}
		}
	}
	return 0;
}

/**
 * mipkex_kdc_conf_default() - the KDC parameters of a new namespace
 *
 * Stateful mode, DH groups 31, 15, 14, at least 112 bits, the four
 * non-legacy transforms, one hour, neither legacy nor insecure, no seed and
 * no user-defined group.
 *
 * Return: a new conf (free with mipkex_kdc_conf_free()), or NULL.
 */
struct mipkex_kdc_conf *mipkex_kdc_conf_default(void)
{
	struct mipkex_kdc_conf *conf;

	conf = kzalloc(sizeof(*conf), GFP_KERNEL);
	if (!conf)
		return NULL;
	conf->mode = MIPKEX_KDC_MODE_STATEFUL;
	conf->n_groups = 3;
	conf->groups[0] = MIPKEX_DH_GROUP_X25519;
	conf->groups[1] = MIPKEX_DH_GROUP_MODP3072;
	conf->groups[2] = MIPKEX_DH_GROUP_MODP2048;
	conf->min_dh_bits = 112;
	conf->transforms = BIT(MIPKEX_XFORM_AES_GCM_128) |
			   BIT(MIPKEX_XFORM_AES_GCM_256) |
			   BIT(MIPKEX_XFORM_CHACHA20_POLY1305) |
			   BIT(MIPKEX_XFORM_HMAC_SHA256_128);
	conf->lifetime = 3600;
	conf->user_group.id = MIPKEX_DH_GROUP_USER;
	return conf;
}

/**
 * mipkex_kdc_conf_free() - free a conf now, its seed zeroised
 * @conf: the conf, or NULL; no reader may still see it
 */
void mipkex_kdc_conf_free(struct mipkex_kdc_conf *conf)
{
	if (!conf)
		return;
	kfree_sensitive(conf->user_buf);
	kfree_sensitive(conf);
}

static void mipkex_kdc_conf_free_rcu(struct rcu_head *head)
{
	mipkex_kdc_conf_free(container_of(head, struct mipkex_kdc_conf, rcu));
}

static struct mipkex_kdc_conf *
mipkex_kdc_conf_dup(const struct mipkex_kdc_conf *old)
{
	struct mipkex_kdc_conf *conf;
	unsigned int len;

	conf = kmemdup(old, sizeof(*old), GFP_KERNEL);
	if (!conf)
		return NULL;
	conf->user_buf = NULL;
	if (old->user_group.p) {
		len = old->user_group.p_len + old->user_group.g_len;
		conf->user_buf = kmemdup(old->user_buf, len, GFP_KERNEL);
		if (!conf->user_buf) {
			kfree_sensitive(conf);
			return NULL;
		}
		conf->user_group.p = conf->user_buf;
		conf->user_group.g = conf->user_buf + old->user_group.p_len;
	}
	return conf;
}

/**
 * mipkex_config_init() - a namespace's default parameters
 * @mn: the namespace's state
 *
 * Return: 0 or -ENOMEM.
 */
int mipkex_config_init(struct mipkex_net *mn)
{
	struct mipkex_kdc_conf *conf = mipkex_kdc_conf_default();

	if (!conf)
		return -ENOMEM;
	RCU_INIT_POINTER(mn->kdc, conf);
	mn->vendor = MIPKEX_VENDOR_DEFAULT;
	return 0;
}

/**
 * mipkex_config_uninit() - free a namespace's parameters
 * @mn: the namespace's state; no reader may remain (namespace exit)
 */
void mipkex_config_uninit(struct mipkex_net *mn)
{
	mipkex_kdc_conf_free(rcu_dereference_protected(mn->kdc, true));
	RCU_INIT_POINTER(mn->kdc, NULL);
}

/**
 * mipkex_vendor_set() - set the vendor id of a namespace
 * @mn: the namespace's state
 * @vendor: SMI enterprise number, 1 to 2^24 - 1 (checked by the caller)
 */
void mipkex_vendor_set(struct mipkex_net *mn, u32 vendor)
{
	mutex_lock(&mn->conf_lock);
	WRITE_ONCE(mn->vendor, vendor);
	mutex_unlock(&mn->conf_lock);
}

static int mipkex_kdc_set_user_group(struct mipkex_kdc_conf *conf,
				     struct nlattr *nest, struct nlattr **tb,
				     struct netlink_ext_ack *extack)
{
	struct nlattr *pa = tb[MIPKEX_KDC_A_USER_PRIME];
	struct nlattr *ga = tb[MIPKEX_KDC_A_USER_GENERATOR];
	unsigned int p_len, g_len;
	u8 *buf;

	if (!pa) {
		NL_SET_ERR_MSG_ATTR(extack, ga,
				    "KDC user generator given without the user prime");
		return -EINVAL;
	}
	p_len = nla_len(pa);
	if (!p_len) {
		if (ga) {
			NL_SET_ERR_MSG_ATTR(extack, ga,
					    "KDC user generator given with an empty user prime (removal)");
			return -EINVAL;
		}
		kfree(conf->user_buf);
		conf->user_buf = NULL;
		memset(&conf->user_group, 0, sizeof(conf->user_group));
		conf->user_group.id = MIPKEX_DH_GROUP_USER;
		return 0;
	}
	if (!ga) {
		NL_SET_ERR_MSG_ATTR(extack, pa,
				    "KDC user prime given without the user generator");
		NL_SET_ERR_ATTR_MISS(extack, nest, MIPKEX_KDC_A_USER_GENERATOR);
		return -EINVAL;
	}
	g_len = nla_len(ga);
	if (mipkex_dh_user_group_check(nla_data(pa), p_len, nla_data(ga),
				       g_len)) {
		NL_SET_ERR_MSG_ATTR(extack, pa,
				    "KDC user prime and generator are not a valid group: p must be an odd prime of at least 2048 bits and 1 < g < p - 1");
		return -EINVAL;
	}
	buf = kmalloc(p_len + g_len, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, nla_data(pa), p_len);
	memcpy(buf + p_len, nla_data(ga), g_len);
	kfree(conf->user_buf);
	conf->user_buf = buf;
	conf->user_group.id = MIPKEX_DH_GROUP_USER;
	conf->user_group.strength = mipkex_dh_user_strength(buf, p_len);
	conf->user_group.legacy = false;
	conf->user_group.p = buf;
	conf->user_group.p_len = p_len;
	conf->user_group.g = buf + p_len;
	conf->user_group.g_len = g_len;
	return 0;
}

/* Apply the attributes present to @conf. */
static int mipkex_kdc_apply(struct mipkex_kdc_conf *conf, struct nlattr *nest,
			    struct nlattr **tb, struct netlink_ext_ack *extack)
{
	struct nlattr *a;
	int err;

	if (tb[MIPKEX_KDC_A_MODE])
		conf->mode = nla_get_u8(tb[MIPKEX_KDC_A_MODE]);
	a = tb[MIPKEX_KDC_A_SEED];
	if (a) {
		u8 fpr[MIPKEX_FINGERPRINT_LEN];

		err = mipkex_fingerprint(nla_data(a), nla_len(a), fpr);
		if (err) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "cannot compute the KDC seed's fingerprint");
			return err;
		}
		memzero_explicit(conf->seed, sizeof(conf->seed));
		conf->seed_len = nla_len(a);
		memcpy(conf->seed, nla_data(a), conf->seed_len);
		memcpy(conf->seed_fpr, fpr, sizeof(fpr));
	}
	a = tb[MIPKEX_KDC_A_DH_GROUPS];
	if (a) {
		conf->n_groups = nla_len(a) / sizeof(u16);
		memset(conf->groups, 0, sizeof(conf->groups));
		memcpy(conf->groups, nla_data(a), nla_len(a));
	}
	if (tb[MIPKEX_KDC_A_MIN_DH_BITS])
		conf->min_dh_bits = nla_get_u32(tb[MIPKEX_KDC_A_MIN_DH_BITS]);
	if (tb[MIPKEX_KDC_A_TRANSFORMS])
		conf->transforms = nla_get_u32(tb[MIPKEX_KDC_A_TRANSFORMS]);
	if (tb[MIPKEX_KDC_A_LIFETIME])
		conf->lifetime = nla_get_u32(tb[MIPKEX_KDC_A_LIFETIME]);
	if (tb[MIPKEX_KDC_A_LEGACY])
		conf->legacy = nla_get_u8(tb[MIPKEX_KDC_A_LEGACY]);
	if (tb[MIPKEX_KDC_A_INSECURE])
		conf->insecure = nla_get_u8(tb[MIPKEX_KDC_A_INSECURE]);
	if (tb[MIPKEX_KDC_A_SA_MODE])
		conf->sa_mode = nla_get_u8(tb[MIPKEX_KDC_A_SA_MODE]);
	if (tb[MIPKEX_KDC_A_SA_POLICY])
		conf->sa_policy = nla_get_u8(tb[MIPKEX_KDC_A_SA_POLICY]);
	if (tb[MIPKEX_KDC_A_SA_AH])
		conf->sa_ah = nla_get_u8(tb[MIPKEX_KDC_A_SA_AH]);
	if (tb[MIPKEX_KDC_A_USER_PRIME] || tb[MIPKEX_KDC_A_USER_GENERATOR])
		return mipkex_kdc_set_user_group(conf, nest, tb, extack);
	return 0;
}

/* The first of two attributes that is present (the one to blame). */
static struct nlattr *mipkex_blame(struct nlattr *a, struct nlattr *b)
{
	return a ?: b;
}

/* Validate a conf whole, against the stores too. */
static int mipkex_kdc_check(struct mipkex_net *mn,
			    const struct mipkex_kdc_conf *conf,
			    struct nlattr **tb, struct netlink_ext_ack *extack)
{
	struct nlattr *legacy = tb[MIPKEX_KDC_A_LEGACY];
	bool usable = false, old_group = false;
	const struct mipkex_dh_group *g;
	unsigned int i;

	for (i = 0; i < conf->n_groups; i++) {
		g = mipkex_dh_group_find(conf->groups[i]);
		if (!g)
			continue;	/* not possible: checked by the policy */
		if (g->legacy)
			old_group = true;
		if (g->strength >= conf->min_dh_bits)
			usable = true;
	}
	if (conf->user_group.p && conf->user_group.strength >= conf->min_dh_bits)
		usable = true;

	if (!conf->legacy) {
		if (old_group) {
			if (tb[MIPKEX_KDC_A_DH_GROUPS])
				NL_SET_ERR_MSG_ATTR(extack,
						    tb[MIPKEX_KDC_A_DH_GROUPS],
						    "KDC DH groups 1 and 2 need the legacy flag");
			else
				NL_SET_ERR_MSG_ATTR(extack, legacy,
						    "KDC legacy cannot be cleared: DH group 1 or 2 is configured");
			return -EINVAL;
		}
		if (conf->transforms & BIT(MIPKEX_XFORM_HMAC_SHA1_96)) {
			if (tb[MIPKEX_KDC_A_TRANSFORMS])
				NL_SET_ERR_MSG_ATTR(extack,
						    tb[MIPKEX_KDC_A_TRANSFORMS],
						    "KDC transform HMAC-SHA1-96 needs the legacy flag");
			else
				NL_SET_ERR_MSG_ATTR(extack, legacy,
						    "KDC legacy cannot be cleared: the HMAC-SHA1-96 transform is accepted");
			return -EINVAL;
		}
		if (mn->key0.n_md5) {
			NL_SET_ERR_MSG_ATTR(extack, legacy,
					    "KDC legacy cannot be cleared: a KEY0 entry uses HMAC-MD5");
			return -EINVAL;
		}
		if (mn->peers.n_md5) {
			NL_SET_ERR_MSG_ATTR(extack, legacy,
					    "KDC legacy cannot be cleared: a peer uses HMAC-MD5");
			return -EINVAL;
		}
	}
	if (conf->mode == MIPKEX_KDC_MODE_SEMI && !conf->seed_len) {
		NL_SET_ERR_MSG_ATTR(extack, tb[MIPKEX_KDC_A_MODE],
				    "KDC mode semi-stateful needs a seed");
		return -EINVAL;
	}
	if (!usable) {
		NL_SET_ERR_MSG_ATTR(extack,
				    mipkex_blame(tb[MIPKEX_KDC_A_MIN_DH_BITS],
						 mipkex_blame(tb[MIPKEX_KDC_A_DH_GROUPS],
							      tb[MIPKEX_KDC_A_USER_PRIME])),
				    "KDC minimum DH strength leaves no configured DH group usable");
		return -EINVAL;
	}
	if (!conf->transforms) {
		NL_SET_ERR_MSG_ATTR(extack, tb[MIPKEX_KDC_A_TRANSFORMS],
				    "KDC transforms must accept at least one transform");
		return -EINVAL;
	}
	return 0;
}

/**
 * mipkex_kdc_set() - change KDC parameters (MIPKEX_CMD_KDC_SET)
 * @mn: the namespace's state
 * @nest: the %MIPKEX_A_KDC attribute
 * @tb: its attributes, validated by the operation's policy and their
 *	numbers checked against their bounds (netlink.c)
 * @extack: where to report an error
 *
 * Only the attributes present change; the result is validated whole and
 * published at once, or nothing changes. The seed attribute is zeroised in
 * the request once copied.
 *
 * Context: process context; takes the namespace's conf_lock.
 * Return: 0 or a negative errno.
 */
int mipkex_kdc_set(struct mipkex_net *mn, struct nlattr *nest,
		   struct nlattr **tb, struct netlink_ext_ack *extack)
{
	struct mipkex_kdc_conf *old, *conf;
	int err;

	mutex_lock(&mn->conf_lock);
	old = rcu_dereference_protected(mn->kdc,
					lockdep_is_held(&mn->conf_lock));
	conf = mipkex_kdc_conf_dup(old);
	if (!conf) {
		err = -ENOMEM;
		goto out;
	}
	err = mipkex_kdc_apply(conf, nest, tb, extack);
	if (!err)
		err = mipkex_kdc_check(mn, conf, tb, extack);
	if (err) {
		mipkex_kdc_conf_free(conf);
		goto out;
	}
	rcu_assign_pointer(mn->kdc, conf);
	call_rcu(&old->rcu, mipkex_kdc_conf_free_rcu);
out:
	mutex_unlock(&mn->conf_lock);
	if (tb[MIPKEX_KDC_A_SEED])
		memzero_explicit(nla_data(tb[MIPKEX_KDC_A_SEED]),
				 nla_len(tb[MIPKEX_KDC_A_SEED]));
	return err;
}

/**
 * mipkex_kdc_fill() - put a namespace's KDC parameters into a message
 * @msg: the message
 * @mn: the namespace's state
 *
 * The seed is shown only as its fingerprint.
 *
 * Return: 0 or -EMSGSIZE.
 */
int mipkex_kdc_fill(struct sk_buff *msg, struct mipkex_net *mn)
{
	const struct mipkex_kdc_conf *conf;
	struct nlattr *nest;
	int err = -EMSGSIZE;

	nest = nla_nest_start(msg, MIPKEX_A_KDC);
	if (!nest)
		return -EMSGSIZE;
	rcu_read_lock();
	conf = rcu_dereference(mn->kdc);
	if (nla_put_u8(msg, MIPKEX_KDC_A_MODE, conf->mode) ||
	    (conf->seed_len &&
	     nla_put(msg, MIPKEX_KDC_A_SEED_FINGERPRINT,
		     MIPKEX_FINGERPRINT_LEN, conf->seed_fpr)) ||
	    nla_put(msg, MIPKEX_KDC_A_DH_GROUPS,
		    conf->n_groups * sizeof(u16), conf->groups) ||
	    nla_put_u32(msg, MIPKEX_KDC_A_MIN_DH_BITS, conf->min_dh_bits) ||
	    nla_put_u32(msg, MIPKEX_KDC_A_TRANSFORMS, conf->transforms) ||
	    nla_put_u32(msg, MIPKEX_KDC_A_LIFETIME, conf->lifetime) ||
	    nla_put_u8(msg, MIPKEX_KDC_A_LEGACY, conf->legacy) ||
	    nla_put_u8(msg, MIPKEX_KDC_A_INSECURE, conf->insecure) ||
	    nla_put_u8(msg, MIPKEX_KDC_A_SA_MODE, conf->sa_mode) ||
	    nla_put_u8(msg, MIPKEX_KDC_A_SA_POLICY, conf->sa_policy) ||
	    nla_put_u8(msg, MIPKEX_KDC_A_SA_AH, conf->sa_ah))
		goto out;
	if (conf->user_group.p &&
	    (nla_put(msg, MIPKEX_KDC_A_USER_PRIME, conf->user_group.p_len,
		     conf->user_group.p) ||
	     nla_put(msg, MIPKEX_KDC_A_USER_GENERATOR, conf->user_group.g_len,
		     conf->user_group.g)))
		goto out;
	err = 0;
out:
	rcu_read_unlock();
	if (err)
		nla_nest_cancel(msg, nest);
	else
		nla_nest_end(msg, nest);
	return err;
}
