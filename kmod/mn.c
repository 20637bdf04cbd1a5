// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex: the mobile node (Documentation/protocol.rst 9.1, 9.2, 9.4): protects
 * the agent's requests (identity encrypted under KEY0, SA offers, a key
 * exchange payload) and turns the home agent's protected replies back into
 * the plain replies the agent expects, taking KEY1 and KEY3 on the way.
 *
 * A request waits for its reply in a pending entry: one per KEY0 (a later
 * request of the same KEY0 replaces it, 9.4), at most MIPKEX_PENDING_MAX per
 * namespace, for MIPKEX_PENDING_TIMEOUT. Only the namespace's worker and
 * mipkex_mn_uninit() touch a namespace's entries.
 */

#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/unaligned.h>

#include "dh.h"
#include "elem.h"
#include "kdc.h"
#include "mnfa.h"
#include "packet.h"
#include "protect.h"
#include "xfrm.h"

/*
 * The request's transcript (8.6.3) at most: two SA payloads and a key
 * exchange payload of a user-defined group (prime, generator and public
 * value of up to MIPKEX_DH_MAX_LEN bytes each).
 */
#define MIPKEX_MN_TR_MAX	(3 * MIPKEX_DH_MAX_LEN + 2048)
/* Room the protected form adds to the agent's request, at most. */
#define MIPKEX_MN_GROWTH	(MIPKEX_MN_TR_MAX + 2048)
/* The D flag of a request: the care-of address is co-located. */
#define MIPKEX_RRQ_FLAG_D	0x20

/**
 * struct mipkex_mn_key0 - a copy of a KEY0 entry, taken under RCU
 * @spi: its SPI
 * @aead: &enum mipkex_aead
 * @auth: &enum mipkex_auth
 * @key_len: length of @key
 * @nai_len: length of @nai
 * @home: the home address
 * @key: KEY0
 * @nai: the NAI
 */
struct mipkex_mn_key0 {
	u32 spi;
	u8 aead;
	u8 auth;
	u8 key_len;
	u8 nai_len;
	__be32 home;
	u8 key[MIPKEX_KEY_MAX_LEN];
	char nai[MIPKEX_NAI_MAX_LEN + 1];
};

/**
 * struct mipkex_mn_pending - a protected request waiting for its reply
 * @list: in mipkex_mn_list
 * @mn: its namespace
 * @expires: jiffies
 * @key0_spi: the KEY0 SPI
 * @ha: the home agent address
 * @home: the agent's home address
 * @coa: the care-of address
 * @ident: the Identification sent
 * @flags: the request's flags
 * @ke_vtype: vendor type of the key exchange payload sent
 * @dh_group: its group (vendor type 8)
 * @dh: the private value (vendor types 8, 9)
 * @ugroup: the user-defined group (vendor type 9), over @ubuf
 * @ubuf: its prime and generator
 * @spi_mnha: the MN-HA inbound SPI offered
 * @spi_mnfa: the MN-FA inbound SPI offered, 0 if none
 * @offer_off: offsets in @tr of the MN-HA and MN-FA SA payloads (0: none
 *	for MN-FA; the MN-HA one is always at 0)
 * @nai_ext_len: length of the agent's NAI extension, 0 if it had none
 * @nai_ext: the agent's NAI extension, header included
 * @plain_len: length of @plain
 * @plain: the request as the agent sent it
 * @sent_len: length of @sent
 * @sent: the request as the module sent it, for a retransmission
 * @tr_len: length of @tr
 * @tr: the request's CVSEs of vendor types 5, 8 and 9 as sent (8.6.3)
 */
struct mipkex_mn_pending {
	struct list_head list;
	struct mipkex_net *mn;
	unsigned long expires;
	u32 key0_spi;
	__be32 ha;
	__be32 home;
	__be32 coa;
	u64 ident;
	u8 flags;
	u16 ke_vtype;
	u16 dh_group;
	struct mipkex_dh_secret dh;
	struct mipkex_dh_group ugroup;
	u8 *ubuf;
	u32 spi_mnha;
	u32 spi_mnfa;
	size_t offer_off[3];
	u16 nai_ext_len;
	u8 nai_ext[2 + 255];
	size_t plain_len;
	u8 *plain;
	size_t sent_len;
	u8 *sent;
	size_t tr_len;
	u8 tr[];
};

static LIST_HEAD(mipkex_mn_list);
static DEFINE_MUTEX(mipkex_mn_lock); /* mipkex_mn_list */

static void mipkex_mn_pending_free(struct mipkex_mn_pending *p)
{
	if (!p)
		return;
	memzero_explicit(&p->dh, sizeof(p->dh));
	kfree_sensitive(p->ubuf);
	kfree_sensitive(p->plain);
	kfree(p->sent);
	kfree_sensitive(p);
}

/* Unlink and free the entries of @mn that match; all of them if !all. */
static void mipkex_mn_prune(struct mipkex_net *mn, bool all, u32 spi)
{
	struct mipkex_mn_pending *p, *tmp;
	unsigned int n = 0;

	lockdep_assert_held(&mipkex_mn_lock);
	list_for_each_entry_safe(p, tmp, &mipkex_mn_list, list) {
		if (p->mn != mn)
			continue;
		if (all || p->key0_spi == spi ||
		    time_after(jiffies, p->expires)) {
			list_del(&p->list);
			mipkex_mn_pending_free(p);
			continue;
		}
		n++;
	}
	/* Still full: the oldest (first) entry of @mn goes. */
	if (n < MIPKEX_PENDING_MAX || all)
		return;
	list_for_each_entry(p, &mipkex_mn_list, list) {
		if (p->mn == mn) {
			list_del(&p->list);
			mipkex_mn_pending_free(p);
			return;
		}
	}
}

static void mipkex_mn_pending_add(struct mipkex_mn_pending *p)
{
	mutex_lock(&mipkex_mn_lock);
	mipkex_mn_prune(p->mn, false, p->key0_spi);
	p->expires = jiffies + MIPKEX_PENDING_TIMEOUT;
	list_add_tail(&p->list, &mipkex_mn_list);
	mutex_unlock(&mipkex_mn_lock);
}

/* Take the entry a reply answers out of the list (9.4: HA, low 32 bits). */
static struct mipkex_mn_pending *
mipkex_mn_pending_take(struct mipkex_net *mn, __be32 ha, u64 ident)
{
	struct mipkex_mn_pending *p, *found = NULL;

	mutex_lock(&mipkex_mn_lock);
	list_for_each_entry(p, &mipkex_mn_list, list) {
		if (p->mn == mn && p->ha == ha &&
		    (u32)p->ident == (u32)ident &&
		    !time_after(jiffies, p->expires)) {
			list_del(&p->list);
			found = p;
			break;
		}
	}
	mutex_unlock(&mipkex_mn_lock);
	return found;
}

/* Put back an entry whose reply failed its checks (9.4: it stays pending). */
static void mipkex_mn_pending_put_back(struct mipkex_mn_pending *p)
{
	mutex_lock(&mipkex_mn_lock);
	list_add(&p->list, &mipkex_mn_list);
	mutex_unlock(&mipkex_mn_lock);
}

/*
 * A retransmission of the agent (9.4, mobile node 2.): the same bytes as the
 * request of a pending entry of the same KEY0 and Identification. It leaves
 * as that request left, the same offers and key exchange payload, and the
 * entry waits again. Return: whether it was one.
 */
static bool mipkex_mn_retransmission(struct mipkex_ctx *ctx, u32 spi)
{
	struct mipkex_mn_pending *p;
	__be32 ha;

	memcpy(&ha, ctx->msg.ha, 4);
	p = mipkex_mn_pending_take(ctx->mn, ha, ctx->msg.id);
	if (!p)
		return false;
	if (p->key0_spi != spi || p->ident != ctx->msg.id ||
	    p->plain_len != ctx->len || memcmp(p->plain, ctx->data, ctx->len) ||
	    mipkex_pkt_replace(ctx, p->sent, (unsigned int)p->sent_len)) {
		mipkex_mn_pending_put_back(p);
		return false;
	}
	ctx->rewritten = true;
	mipkex_mn_pending_add(p);
	return true;
}

/**
 * mipkex_mn_uninit() - forget every request of a namespace that waits for
 *	its reply, zeroising their private values
 * @mn: the namespace's state
 *
 * Called when the namespace's role changes and when it goes away, once its
 * worker has stopped (no handler of @mn runs concurrently).
 */
void mipkex_mn_uninit(struct mipkex_net *mn)
{
	mutex_lock(&mipkex_mn_lock);
	mipkex_mn_prune(mn, true, 0);
	mutex_unlock(&mipkex_mn_lock);
}

static bool mipkex_mn_key0_get(struct mipkex_net *mn, u32 spi,
			       struct mipkex_mn_key0 *k)
{
	const struct mipkex_key0 *e;
	bool found = false;

	rcu_read_lock();
	e = mipkex_key0_lookup_spi(mn, spi);
	if (e) {
		k->spi = e->spi;
		k->aead = e->aead;
		k->auth = e->auth;
		k->key_len = e->key_len;
		k->nai_len = e->nai_len;
		k->home = e->home_addr;
		memcpy(k->key, e->key, e->key_len);
		memcpy(k->nai, e->nai, e->nai_len);
		k->nai[e->nai_len] = '\0';
		found = true;
	}
	rcu_read_unlock();
	return found;
}

static bool mipkex_mn_nai_known(struct mipkex_net *mn, const u8 *nai,
				unsigned int len)
{
	bool known;

	rcu_read_lock();
	known = mipkex_key0_lookup_nai(mn, (const char *)nai, len);
	rcu_read_unlock();
	return known;
}

static bool mipkex_is_vse(const struct mipkex_ext *ext, u32 vendor)
{
	return (ext->type == MIPKEX_EXT_CVSE || ext->type == MIPKEX_EXT_NVSE) &&
	       ext->vendor == vendor;
}

static size_t mipkex_ext_size(const struct mipkex_ext *ext)
{
	return ext->hdr_len + ext->len;
}

/*
 * What the policy says for the request's key exchange payload, copied out
 * of the RCU-protected configuration.
 */
struct mipkex_mn_policy {
	struct mipkex_nego_policy pol;
	u8 mode;
	u16 ulen_p;
	u16 ulen_g;
	struct mipkex_dh_group ugroup;
};

static void mipkex_mn_policy_get(struct mipkex_net *mn,
				 struct mipkex_mn_policy *mp, u8 *ubuf)
{
	const struct mipkex_kdc_conf *conf;

	rcu_read_lock();
	conf = rcu_dereference(mn->kdc);
	mipkex_policy_from(&mp->pol, conf);
	mp->mode = conf->mode;
	mp->ugroup = conf->user_group;
	if (conf->user_group.p && ubuf &&
	    conf->user_group.p_len + conf->user_group.g_len <=
	    2 * MIPKEX_DH_MAX_LEN) {
		memcpy(ubuf, conf->user_group.p, conf->user_group.p_len);
		memcpy(ubuf + conf->user_group.p_len, conf->user_group.g,
		       conf->user_group.g_len);
		mp->ugroup.p = ubuf;
		mp->ugroup.g = ubuf + conf->user_group.p_len;
	} else {
		mp->ugroup.p = NULL;
		mp->pol.user_group = false;
	}
	rcu_read_unlock();
}

/* The realm of an NAI with its "@" (RFC 7542: after the last "@"). */
static const char *mipkex_mn_realm(const char *nai, unsigned int len,
				   unsigned int *rlen)
{
	const char *at = strrchr(nai, '@');

	if (!at) {
		*rlen = 1;
		return "@";
	}
	*rlen = len - (unsigned int)(at - nai);
	return at;
}

static enum mipkex_verdict mipkex_mn_drop(struct mipkex_ctx *ctx,
					  enum mipkex_stat why)
{
	mipkex_stat_inc(ctx->mn, why);
	return MIPKEX_VERDICT_DROP;
}

/*
 * Write the key exchange payload of the request: a fresh DH public value in
 * the policy's first group, or an empty KDC payload.
 */
static int mipkex_mn_put_ke(struct mipkex_wbuf *w, u32 vendor,
			    struct mipkex_mn_policy *mp,
			    struct mipkex_mn_pending *p)
{
	const struct mipkex_dh_group *group;
	struct mipkex_ke ke = {};
	u8 *pub;
	int gid, err;

	if (mp->mode != MIPKEX_KDC_MODE_DH) {
		ke.vtype = MIPKEX_VT_KE_KDC;
		ke.mode = mp->mode == MIPKEX_KDC_MODE_SEMI ?
			  MIPKEX_KDC_MODE_SEMI : MIPKEX_KDC_MODE_STATEFUL;
		p->ke_vtype = ke.vtype;
		mipkex_elem_put_ke(w, vendor, &ke);
		return w->err ? -ENOSPC : 0;
	}

	gid = mipkex_nego_dh_preferred(&mp->pol);
	if (gid < 0)
		return -EPROTO;
	if (gid == MIPKEX_DH_GROUP_USER) {
		p->ugroup = mp->ugroup;
		p->ubuf = kmemdup(mp->ugroup.p,
				  mp->ugroup.p_len + mp->ugroup.g_len,
				  GFP_KERNEL);
		if (!p->ubuf)
			return -ENOMEM;
		p->ugroup.p = p->ubuf;
		p->ugroup.g = p->ubuf + mp->ugroup.p_len;
		group = &p->ugroup;
		ke.vtype = MIPKEX_VT_KE_USER;
		ke.prime = group->p;
		ke.prime_len = group->p_len;
		ke.gen = group->g;
		ke.gen_len = group->g_len;
	} else {
		group = mipkex_dh_group_find((u16)gid);
		if (!group)
			return -EPROTO;
		ke.vtype = MIPKEX_VT_KE_GROUP;
		ke.group = (u16)gid;
	}
	pub = kmalloc(MIPKEX_DH_MAX_LEN, GFP_KERNEL);
	if (!pub)
		return -ENOMEM;
	err = mipkex_dh_generate(group, &p->dh, pub);
	if (!err) {
		ke.pub = pub;
		ke.pub_len = group->p_len;
		p->ke_vtype = ke.vtype;
		p->dh_group = (u16)gid;
		mipkex_elem_put_ke(w, vendor, &ke);
		if (w->err)
			err = -ENOSPC;
	}
	kfree(pub);
	return err;
}

/**
 * mipkex_mn_request_out() - protect a request the agent sends (9.1, 9.4)
 * @ctx: the datagram
 *
 * A request whose MN-HA authentication extension names no KEY0 is not the
 * module's: it leaves as it is.
 *
 * Return: the worker's next step.
 */
enum mipkex_verdict mipkex_mn_request_out(struct mipkex_ctx *ctx)
{
	struct mipkex_ext ext, mnha = {}, nai = {};
	struct mipkex_mn_pending *p = NULL;
	const struct mipkex_msg *m = &ctx->msg;
	u32 vendor = READ_ONCE(ctx->mn->vendor);
	size_t nai_off = 0, ip_off = 0, tr_off, tr_end, covered, off1, off2 = 0;
	u8 idkey[MIPKEX_AEAD_KEY_LEN], authkey[MIPKEX_AEAD_KEY_LEN];
	enum mipkex_stat why = MIPKEX_STAT_ERR_RESOURCE;
	struct mipkex_mn_policy mp;
	struct mipkex_mn_key0 k;
	struct mipkex_ext_iter it;
	struct mipkex_msg fixed;
	struct mipkex_wbuf w;
	const char *realm;
	unsigned int rlen, idx = 0;
	u8 *out = NULL, *ubuf = NULL, *a;
	u32 life, spis[2] = {};
	int ret;

	mipkex_ext_iter_init(&it, ctx->data, ctx->len, m->fixed_len);
	while (mipkex_ext_next(&it, &ext) > 0) {
		if (ext.off == m->mn_ha_off)
			mnha = ext;
		else if (ext.off < m->mn_ha_off && ext.type == MIPKEX_EXT_NAI &&
			 !nai.type)
			nai = ext;
		else if (ext.off < m->mn_ha_off && mipkex_is_vse(&ext, vendor))
			return mipkex_mn_drop(ctx, MIPKEX_STAT_ERR_MALFORMED);
	}

	if (!mipkex_mn_key0_get(ctx->mn, mnha.spi, &k)) {
		/* An NAI of ours under a foreign SPI: never send it in clear. */
		if (nai.type && nai.len &&
		    mipkex_mn_nai_known(ctx->mn, nai.data, nai.len))
			return mipkex_mn_drop(ctx, MIPKEX_STAT_ERR_UNKNOWN_SPI);
		return MIPKEX_VERDICT_PASS;
	}

	if (!mipkex_auth_check(k.auth, k.key, k.key_len, ctx->data, &mnha)) {
		why = MIPKEX_STAT_ERR_AUTH;
		goto drop;
	}
	if (nai.type && (nai.len != k.nai_len ||
			 memcmp(nai.data, k.nai, k.nai_len))) {
		why = MIPKEX_STAT_ERR_IDENTITY;
		goto drop;
	}
	/* No MN-FA key in this version: never send it in clear (9.4). */
	if (m->mn_fa_off) {
		why = MIPKEX_STAT_ERR_MALFORMED;
		goto drop;
	}
	if (mipkex_mn_retransmission(ctx, k.spi)) {
		memzero_explicit(&k, sizeof(k));
		return MIPKEX_VERDICT_PASS;
	}

	ubuf = kmalloc(2 * MIPKEX_DH_MAX_LEN, GFP_KERNEL);
	out = kmalloc(ctx->len + MIPKEX_MN_GROWTH, GFP_KERNEL);
	p = kzalloc(struct_size(p, tr, MIPKEX_MN_TR_MAX), GFP_KERNEL);
	if (!ubuf || !out || !p)
		goto drop;
	mipkex_mn_policy_get(ctx->mn, &mp, ubuf);

	p->mn = ctx->mn;
	p->key0_spi = k.spi;
	memcpy(&p->ha, m->ha, 4);
	memcpy(&p->home, m->home, 4);
	memcpy(&p->coa, m->coa, 4);
	p->ident = m->id;
	p->flags = m->flags;
	if (nai.type) {
		p->nai_ext_len = (u16)mipkex_ext_size(&nai);
		memcpy(p->nai_ext, ctx->data + nai.off, p->nai_ext_len);
	}

	/* The fixed part and the agent's extensions, anonymised (9.4 1.). */
	fixed = *m;
	memset(fixed.home, 0, 4);
	mipkex_wbuf_init(&w, out, ctx->len + MIPKEX_MN_GROWTH);
	mipkex_wire_put_fixed(&w, &fixed);
	realm = mipkex_mn_realm(k.nai, k.nai_len, &rlen);
	if (!nai.type)
		mipkex_wire_put_ext(&w, MIPKEX_EXT_NAI, realm, rlen);
	mipkex_ext_iter_init(&it, ctx->data, ctx->len, m->fixed_len);
	while (mipkex_ext_next(&it, &ext) > 0 && ext.off < m->mn_ha_off) {
		if (ext.off == nai.off && nai.type)
			mipkex_wire_put_ext(&w, MIPKEX_EXT_NAI, realm, rlen);
		else
			mipkex_wbuf_put(&w, ctx->data + ext.off,
					mipkex_ext_size(&ext));
	}

	/* The identity elements, sealed below once the message is final. */
	nai_off = w.len;
	mipkex_elem_put_gp(&w, false, vendor, MIPKEX_VT_NAI, 0,
			   MIPKEX_ELEM_FLAG_E, k.spi, k.nai, k.nai_len,
			   MIPKEX_AEAD_TAG_LEN);
	if (p->home) {
		ip_off = w.len;
		mipkex_elem_put_gp(&w, false, vendor, MIPKEX_VT_IP, 0,
				   MIPKEX_ELEM_FLAG_E, k.spi, &p->home, 4,
				   MIPKEX_AEAD_TAG_LEN);
	}

	/* The offers and the key exchange: the request's transcript. */
	life = mp.pol.lifetime < m->lifetime ? mp.pol.lifetime : 0;
	tr_off = w.len;
	off1 = w.len;
	/* Inbound SPIs no SA of this node has (6.2). */
	p->spi_mnha = mipkex_xfrm_spi_new(ctx->mn->net, NULL, 0);
	spis[0] = p->spi_mnha;
	if (mp.pol.ah)	/* and AH (its own SPI, 6.2) */
		spis[1] = mipkex_xfrm_spi_new(ctx->mn->net, spis, 1);
	ret = mipkex_nego_put_offer_ah(&w, vendor, &mp.pol, MIPKEX_PAIR_MN_HA,
				       p->spi_mnha, spis[1], life);
	if (!ret && !(m->flags & MIPKEX_RRQ_FLAG_D)) {	/* an FA's coa */
		off2 = w.len;
		p->spi_mnfa = mipkex_xfrm_spi_new(ctx->mn->net, spis, 2);
		ret = mipkex_nego_put_offer(&w, vendor, &mp.pol,
					    MIPKEX_PAIR_MN_FA, p->spi_mnfa,
					    life);
	}
	if (!ret)
		ret = mipkex_mn_put_ke(&w, vendor, &mp, p);
	if (ret) {
		if (ret == -EPROTO || ret == -MIPKEX_NEGO_E_EMPTY_POLICY)
			why = MIPKEX_STAT_ERR_NEGOTIATION;
		goto drop;
	}
	tr_end = w.len;

	a = mipkex_wire_put_auth(&w, MIPKEX_EXT_MN_HA_AUTH, k.spi,
				 mipkex_auth_len(k.auth), &covered);
	mipkex_wbuf_put(&w, ctx->data + m->mn_ha_off + mipkex_ext_size(&mnha),
			ctx->len - m->mn_ha_off - mipkex_ext_size(&mnha));
	if (w.err || !a || tr_end - tr_off > MIPKEX_MN_TR_MAX)
		goto drop;

	ret = mipkex_derive(k.key, k.key_len, MIPKEX_LABEL_ID_ENC, k.spi, m->id,
			    0, 0, false, idkey);
	if (!ret)
		ret = mipkex_vse_seal(k.aead, idkey, m->id, MIPKEX_DIR_MN_HA,
				      idx++, out, m->fixed_len, nai_off,
				      k.nai_len, out);
	if (!ret && ip_off)
		ret = mipkex_vse_seal(k.aead, idkey, m->id, MIPKEX_DIR_MN_HA,
				      idx++, out, m->fixed_len, ip_off, 4, out);
	if (!ret)
		ret = mipkex_derive(k.key, k.key_len, MIPKEX_LABEL_MN_HA, k.spi,
				    m->id, 0, 0, false, authkey);
	if (!ret)
		ret = mipkex_auth_sign(k.auth, authkey, sizeof(authkey), out,
				       covered);
	if (ret)
		goto drop;

	p->tr_len = tr_end - tr_off;
	memcpy(p->tr, out + tr_off, p->tr_len);
	p->offer_off[1] = off1 - tr_off;
	p->offer_off[2] = off2 ? off2 - tr_off : 0;
	p->plain_len = ctx->len;
	p->plain = kmemdup(ctx->data, ctx->len, GFP_KERNEL);
	p->sent_len = w.len;
	p->sent = kmemdup(out, w.len, GFP_KERNEL);
	if (!p->plain || !p->sent)
		goto drop;

	if (mipkex_pkt_replace(ctx, out, (unsigned int)w.len))
		goto drop;
	ctx->rewritten = true;
	mipkex_mn_pending_add(p);
	p = NULL;
	ret = 0;
	goto out;

drop:
	ret = -1;
	mipkex_stat_inc(ctx->mn, why);
out:
	memzero_explicit(idkey, sizeof(idkey));
	memzero_explicit(authkey, sizeof(authkey));
	memzero_explicit(&k, sizeof(k));
	kfree_sensitive(ubuf);
	kfree(out);
	mipkex_mn_pending_free(p);
	return ret ? MIPKEX_VERDICT_DROP : MIPKEX_VERDICT_PASS;
}

/* The value of the SA payload CVSE at @off of the request's transcript. */
static const u8 *mipkex_mn_offer(const struct mipkex_mn_pending *p, u8 sub,
				 size_t *len)
{
	const u8 *cvse;

	if (sub == MIPKEX_PAIR_MN_FA && !p->offer_off[2])
		return NULL;
	cvse = p->tr + p->offer_off[sub];
	*len = get_unaligned_be16(cvse + 2) - 6;
	return cvse + MIPKEX_VSE_HDR_LEN;
}

/**
 * struct mipkex_mn_keys - what an accepted reply gives the mobile node
 * @key1: KEY1
 * @key3: KEY3
 * @has_key3: whether @key3 is set
 */
struct mipkex_mn_keys {
	u8 key1[MIPKEX_KDC_KEY_LEN];
	u8 key3[MIPKEX_KDC_KEY_LEN];
	bool has_key3;
};

/*
 * Unwrap one key delivery (5.4, 8.4) of the reply with KEY0 at nonce index
 * @index of direction 2.
 */
static int mipkex_mn_unwrap(const struct mipkex_mn_key0 *k,
			    const u8 wrap[MIPKEX_AEAD_KEY_LEN],
			    const struct mipkex_ctx *ctx,
			    const struct mipkex_ext *ext, u8 index, u8 *key)
{
	u8 info[MIPKEX_SA_INFO_HDR_LEN + 64];
	struct mipkex_gp gp;
	size_t len;
	int err;

	if (mipkex_elem_gp(ext, &gp) || !(gp.flags & MIPKEX_ELEM_FLAG_E) ||
	    gp.spi != k->spi ||
	    gp.info_len > sizeof(info) + MIPKEX_AEAD_TAG_LEN)
		return -EBADMSG;
	err = mipkex_vse_open(k->aead, wrap, ctx->msg.id, MIPKEX_DIR_HA_MN,
			      index, ctx->data, ctx->msg.fixed_len, ext, info,
			      &len);
	if (!err && (len != MIPKEX_SA_INFO_HDR_LEN + MIPKEX_KDC_KEY_LEN ||
		     info[8] != MIPKEX_KDC_KEY_LEN))
		err = -EBADMSG;
	if (!err)
		memcpy(key, info + MIPKEX_SA_INFO_HDR_LEN, MIPKEX_KDC_KEY_LEN);
	memzero_explicit(info, sizeof(info));
	return err;
}

/* KEY1 and KEY3 of a KDC-mode reply (8.6.4). */
static int mipkex_mn_kdc_keys(const struct mipkex_mn_key0 *k,
			      const struct mipkex_ctx *ctx,
			      const struct mipkex_elems *el, u32 vendor,
			      struct mipkex_mn_keys *keys)
{
	struct mipkex_ext_iter it;
	struct mipkex_ext ext;
	struct mipkex_gp gp;
	struct mipkex_ke ke;
	u8 wrap[MIPKEX_AEAD_KEY_LEN];
	int idx1 = -1, idx3 = -1, n = 0, err;

	/* Nonce indices: encrypted CVSE elements in message order (8.2). */
	mipkex_ext_iter_init(&it, ctx->data, ctx->len, ctx->msg.fixed_len);
	while (mipkex_ext_next(&it, &ext) > 0 && ext.off < ctx->msg.mn_ha_off) {
		if (ext.type != MIPKEX_EXT_CVSE || ext.vendor != vendor)
			continue;
		if (ext.vtype >= MIPKEX_VT_NAI && ext.vtype <= MIPKEX_VT_SA) {
			if (mipkex_elem_gp(&ext, &gp) ||
			    !(gp.flags & MIPKEX_ELEM_FLAG_E))
				continue;
			if (ext.off == el->mn_sa[2].off)
				idx1 = n;
			else if (ext.off == el->mn_sa[0].off)
				idx3 = n;
			n++;
		} else if (ext.vtype == MIPKEX_VT_KE_KDC &&
			   !mipkex_elem_ke(&ext, &ke) && ke.key_len) {
			n++;
		}
	}
	if (idx1 < 0 || idx1 > 255 || idx3 > 255)
		return -EBADMSG;
	err = mipkex_derive(k->key, k->key_len, MIPKEX_LABEL_WRAP, k->spi,
			    ctx->msg.id, 0, 0, false, wrap);
	if (!err)
		err = mipkex_mn_unwrap(k, wrap, ctx, &el->mn_sa[2], (u8)idx1,
				       keys->key1);
	if (!err && el->mn_sa[0].type) {
		if (idx3 < 0)
			err = -EBADMSG;
		else
			err = mipkex_mn_unwrap(k, wrap, ctx, &el->mn_sa[0],
					       (u8)idx3, keys->key3);
		keys->has_key3 = !err;
	}
	memzero_explicit(wrap, sizeof(wrap));
	return err;
}

/* KEY1 and KEY3 of a Diffie-Hellman reply (8.5, 8.6.3). */
static int mipkex_mn_dh_keys(struct mipkex_mn_pending *p,
			     const struct mipkex_ctx *ctx,
			     const struct mipkex_elems *el, u32 vendor,
			     struct mipkex_mn_keys *keys)
{
	struct kvec tr[4];
	struct mipkex_kdc_keys kk;
	struct mipkex_ext_iter it;
	struct mipkex_ext ext;
	struct mipkex_ke ke;
	unsigned int n = 0, zlen;
	u8 *z;
	int err;

	if (el->ke.vtype != p->ke_vtype || mipkex_elem_ke(&el->ke, &ke))
		return -EBADMSG;
	if (ke.vtype == MIPKEX_VT_KE_GROUP && ke.group != p->dh_group)
		return -EBADMSG;
	if (ke.vtype == MIPKEX_VT_KE_USER &&
	    (ke.prime_len != p->ugroup.p_len || ke.gen_len != p->ugroup.g_len ||
	     memcmp(ke.prime, p->ugroup.p, ke.prime_len) ||
	     memcmp(ke.gen, p->ugroup.g, ke.gen_len)))
		return -EBADMSG;
	if (!p->dh.group || ke.pub_len != p->dh.group->p_len)
		return -EBADMSG;

	tr[n].iov_base = p->tr;
	tr[n++].iov_len = p->tr_len;
	mipkex_ext_iter_init(&it, ctx->data, ctx->len, ctx->msg.fixed_len);
	while (mipkex_ext_next(&it, &ext) > 0 && ext.off < ctx->msg.mn_ha_off) {
		if (ext.type != MIPKEX_EXT_CVSE || ext.vendor != vendor ||
		    (ext.vtype != MIPKEX_VT_SA_PAYLOAD &&
		     ext.vtype != MIPKEX_VT_KE_GROUP &&
		     ext.vtype != MIPKEX_VT_KE_USER))
			continue;
		if (n == ARRAY_SIZE(tr))
			return -EBADMSG;
		tr[n].iov_base = (void *)(ctx->data + ext.off);
		tr[n++].iov_len = mipkex_ext_size(&ext);
	}

	z = kmalloc(MIPKEX_DH_MAX_LEN, GFP_KERNEL);
	if (!z)
		return -ENOMEM;
	zlen = p->dh.group->p_len;
	err = mipkex_dh_compute(&p->dh, ke.pub, (unsigned int)ke.pub_len, z);
	if (!err)
		err = mipkex_kdc_dh_keys(z, zlen, tr, n, &kk);
	kfree_sensitive(z);
	if (!err) {
		memcpy(keys->key1, kk.key1, sizeof(keys->key1));
		memcpy(keys->key3, kk.key3, sizeof(keys->key3));
		keys->has_key3 = true;
	}
	mipkex_kdc_keys_zero(&kk);
	return err;
}

/* Check the answers to the offers (6.4, 6.5) of an accepted reply. */
static int mipkex_mn_check_answers(const struct mipkex_mn_pending *p,
				   const struct mipkex_elems *el, u16 lifetime,
				   struct mipkex_nego_choice c[3])
{
	const struct mipkex_ext *ans;
	const u8 *offer;
	size_t len;
	unsigned int sub, i;
	int err;

	for (sub = MIPKEX_PAIR_MN_HA; sub <= MIPKEX_PAIR_MN_FA; sub++) {
		ans = &el->sa_payload[sub];
		if (!ans->type) {
			/* The MN-HA pair is what an accepted reply answers. */
			if (sub == MIPKEX_PAIR_MN_HA)
				return -EBADMSG;
			continue;
		}
		offer = mipkex_mn_offer(p, (u8)sub, &len);
		if (!offer)
			return -EBADMSG;
		err = mipkex_nego_check_answer(offer, len, ans->value,
					       ans->value_len, lifetime,
					       &c[sub]);
		if (err)
			return -EBADMSG;
		for (i = 0; i < c[sub].n_sa; i++)
			if (c[sub].sa[i].peer_spi == c[sub].sa[i].own_spi)
				return -EBADMSG;
	}
	return 0;
}

/* The plain reply for the agent (9.4, mobile node 4.). */
static int mipkex_mn_plain_reply(struct mipkex_ctx *ctx,
				 const struct mipkex_mn_pending *p,
				 const struct mipkex_mn_key0 *k, u32 vendor,
				 u8 **outp, size_t *outlen)
{
	const struct mipkex_msg *m = &ctx->msg;
	size_t cap = ctx->len + 2 + 255 + 2 + MIPKEX_AUTH_SPI_LEN +
		     MIPKEX_AUTH_MAX_LEN;
	struct mipkex_ext_iter it;
	struct mipkex_msg fixed;
	struct mipkex_ext ext;
	struct mipkex_wbuf w;
	bool nai_done = false;
	size_t covered = 0;
	u8 *out, *a = NULL;
	int err;

	out = kmalloc(cap, GFP_KERNEL);
	if (!out)
		return -ENOMEM;
	fixed = *m;
	if (!get_unaligned((u32 *)m->home))
		memcpy(fixed.home, &p->home, 4);
	mipkex_wbuf_init(&w, out, cap);
	mipkex_wire_put_fixed(&w, &fixed);
	mipkex_ext_iter_init(&it, ctx->data, ctx->len, m->fixed_len);
	while (mipkex_ext_next(&it, &ext) > 0) {
		if (ext.off == m->mn_ha_off) {
			a = mipkex_wire_put_auth(&w, MIPKEX_EXT_MN_HA_AUTH,
						 k->spi, mipkex_auth_len(k->auth),
						 &covered);
			continue;
		}
		if (mipkex_is_vse(&ext, vendor) ||
		    ext.type == MIPKEX_EXT_MN_FA_AUTH)
			continue;
		if (ext.type == MIPKEX_EXT_NAI && ext.off < m->mn_ha_off &&
		    !nai_done) {
			nai_done = true;
			mipkex_wbuf_put(&w, p->nai_ext, p->nai_ext_len);
			continue;
		}
		mipkex_wbuf_put(&w, ctx->data + ext.off, mipkex_ext_size(&ext));
	}
	err = w.err || !a ? -ENOSPC : 0;
	if (!err)
		err = mipkex_auth_sign(k->auth, k->key, k->key_len, out,
				       covered);
	if (err) {
		kfree(out);
		return err;
	}
	*outp = out;
	*outlen = w.len;
	return 0;
}

/* The Message String of a denial, printable, for the event. */
static void mipkex_mn_why(const struct mipkex_ctx *ctx, char *why,
			  size_t size)
{
	struct mipkex_ext_iter it;
	struct mipkex_ext ext;
	size_t i, n = 0;

	mipkex_ext_iter_init(&it, ctx->data, ctx->len, ctx->msg.fixed_len);
	while (mipkex_ext_next(&it, &ext) > 0) {
		if (ext.type != MIPKEX_EXT_MSG_STRING)
			continue;
		for (i = 0; i < ext.len && n < size - 1; i++)
			why[n++] = ext.data[i] >= 0x20 && ext.data[i] < 0x7f ?
				   ext.data[i] : '?';
		break;
	}
	why[n] = '\0';
}

/**
 * mipkex_mn_reply_in() - unprotect a reply for the agent (9.2, 9.4)
 * @ctx: the datagram
 *
 * A reply without a CVSE of the vendor that answers no pending request is
 * plain and passes. A reply that does not verify, or is malformed, or has
 * an extension of a type 0-127 the module does not know (RFC 5944 1.9), is
 * discarded and the request stays pending.
 *
 * Return: the worker's next step.
 */
enum mipkex_verdict mipkex_mn_reply_in(struct mipkex_ctx *ctx)
{
	struct mipkex_binding_info *info = NULL;
	u32 vendor = READ_ONCE(ctx->mn->vendor);
	const struct mipkex_msg *m = &ctx->msg;
	enum mipkex_stat why = MIPKEX_STAT_ERR_MALFORMED;
	u8 authkey[MIPKEX_AEAD_KEY_LEN];
	struct mipkex_nego_choice c[3] = {};
	struct mipkex_mn_pending *p;
	struct mipkex_ext ext, mnha = {};
	struct mipkex_mn_keys keys = {};
	struct mipkex_ext_iter it;
	struct mipkex_mn_key0 k;
	struct mipkex_elems *el = NULL;
	bool cvse = false, accepted, used = false;
	__be32 ha, home;
	size_t outlen = 0;
	u8 *out = NULL;
	char text[64];
	int err;

	mipkex_ext_iter_init(&it, ctx->data, ctx->len, m->fixed_len);
	while (mipkex_ext_next(&it, &ext) > 0) {
		if (ext.off == m->mn_ha_off)
			mnha = ext;
		else if (ext.type == MIPKEX_EXT_CVSE && ext.vendor == vendor)
			cvse = true;
	}
	memcpy(&ha, m->ha, 4);
	p = mipkex_mn_pending_take(ctx->mn, ha, m->id);
	if (!p) {
		if (!cvse)
			return MIPKEX_VERDICT_PASS;
		return mipkex_mn_drop(ctx, MIPKEX_STAT_ERR_NO_PENDING);
	}
	/* RFC 5944 1.9: an unknown extension 0-127: discard silently. */
	if (m->unknown_critical_off)
		goto keep;

	memset(&k, 0, sizeof(k));
	if (mnha.spi != p->key0_spi ||
	    !mipkex_mn_key0_get(ctx->mn, p->key0_spi, &k)) {
		why = MIPKEX_STAT_ERR_AUTH;
		goto keep;
	}
	err = mipkex_derive(k.key, k.key_len, MIPKEX_LABEL_MN_HA, k.spi, m->id,
			    0, 0, false, authkey);
	if (err) {
		why = MIPKEX_STAT_ERR_RESOURCE;
		goto keep;
	}
	if (!mipkex_auth_check(k.auth, authkey, sizeof(authkey), ctx->data,
			       &mnha)) {
		why = MIPKEX_STAT_ERR_AUTH;
		goto keep;
	}
	el = kmalloc(sizeof(*el), GFP_KERNEL);
	if (!el) {
		why = MIPKEX_STAT_ERR_RESOURCE;
		goto keep;
	}
	if (mipkex_elem_scan(ctx->data, ctx->len, m, vendor, el))
		goto keep;

	accepted = m->code <= 1;
	memcpy(&home, m->home, 4);
	if (!home)
		home = p->home ? p->home : k.home;
	if (accepted && m->lifetime) {
		if (mipkex_mn_check_answers(p, el, m->lifetime, c)) {
			why = MIPKEX_STAT_ERR_NEGOTIATION;
			goto keep;
		}
		/* KEY3 travels exactly when the MN-FA pair is answered. */
		if (!el->ke.type || el->ke.vtype != p->ke_vtype)
			goto keep;
		if (p->ke_vtype == MIPKEX_VT_KE_KDC) {
			struct mipkex_ke ke;

			if (mipkex_elem_ke(&el->ke, &ke) || ke.spi ||
			    ke.key_len || !el->mn_sa[2].type ||
			    !!c[MIPKEX_PAIR_MN_FA].n_sa != !!el->mn_sa[0].type)
				goto keep;
			err = mipkex_mn_kdc_keys(&k, ctx, el, vendor, &keys);
			if (err) {
				why = MIPKEX_STAT_ERR_DECRYPT;
				goto keep;
			}
		} else {
			if (el->mn_sa[0].type || el->mn_sa[2].type)
				goto keep;
			/* The private value is used up from here on. */
			used = true;
			err = mipkex_mn_dh_keys(p, ctx, el, vendor, &keys);
			if (err) {
				why = MIPKEX_STAT_ERR_KDC;
				goto keep;
			}
		}
	} else if (el->mn_sa[0].type || el->mn_sa[2].type ||
		   (!accepted && el->ke.type)) {
		goto keep;
	}

	err = mipkex_mn_plain_reply(ctx, p, &k, vendor, &out, &outlen);
	if (err) {
		why = MIPKEX_STAT_ERR_RESOURCE;
		goto keep;
	}

	if (accepted && m->lifetime) {
		info = kzalloc(sizeof(*info), GFP_KERNEL);
		if (!info) {
			why = MIPKEX_STAT_ERR_RESOURCE;
			goto keep;
		}
		info->home_addr = home;
		info->ha_addr = ha;
		info->coa = p->coa;
		info->fa_addr = p->flags & MIPKEX_RRQ_FLAG_D ? 0 : p->coa;
		info->key0_spi = k.spi;
		memcpy(info->nai, k.nai, k.nai_len);
		info->nai_len = k.nai_len;
		info->mode = p->ke_vtype == MIPKEX_VT_KE_KDC ?
			     el->ke.value[0] : MIPKEX_KDC_MODE_DH;
		info->dh_group = p->ke_vtype == MIPKEX_VT_KE_KDC ? 0 :
				 p->dh_group;
		info->lifetime = m->lifetime;
		info->ident = m->id;
		mipkex_sa_info_from(info, MIPKEX_PAIR_MN_HA,
				    &c[MIPKEX_PAIR_MN_HA], keys.key1);
		if (c[MIPKEX_PAIR_MN_FA].n_sa && keys.has_key3)
			mipkex_sa_info_from(info, MIPKEX_PAIR_MN_FA,
					    &c[MIPKEX_PAIR_MN_FA], keys.key3);
		err = mipkex_binding_accept(ctx->mn, info);
		if (err) {
			why = MIPKEX_STAT_ERR_RESOURCE;
			goto keep;
		}
	} else if (accepted) {
		mipkex_binding_remove(ctx->mn, home, ha);
	} else {
		mipkex_mn_why(ctx, text, sizeof(text));
		mipkex_event_denied(ctx->mn, home, ha, k.nai, m->code, text);
	}

	if (mipkex_pkt_replace(ctx, out, (unsigned int)outlen)) {
		why = MIPKEX_STAT_ERR_RESOURCE;
		used = true;	/* answered: the request is no longer pending */
		goto keep;
	}
	ctx->rewritten = true;
	mipkex_mn_pending_free(p);
	p = NULL;
	err = 0;
	goto out;

keep:
	err = -1;
	mipkex_stat_inc(ctx->mn, why);
	if (used)
		mipkex_mn_pending_free(p);
	else
		mipkex_mn_pending_put_back(p);
out:
	kfree(el);
	kfree(out);
	kfree_sensitive(info);
	memzero_explicit(&keys, sizeof(keys));
	memzero_explicit(authkey, sizeof(authkey));
	memzero_explicit(&k, sizeof(k));
	memzero_explicit(c, sizeof(c));
	return err ? MIPKEX_VERDICT_DROP : MIPKEX_VERDICT_PASS;
}

/*
 * A foreign agent's denial restored for the agent (9.4, mobile node 3.):
 * the home address and the NAI extension of the pending request put back,
 * the vendor's extensions and an MN-FA authentication extension (which
 * could no longer verify) removed, everything else kept.
 */
static int mipkex_mn_fa_denial(struct mipkex_ctx *ctx,
			       const struct mipkex_mn_pending *p, u32 vendor)
{
	const struct mipkex_msg *m = &ctx->msg;
	size_t cap = ctx->len + sizeof(p->nai_ext);
	struct mipkex_ext_iter it;
	struct mipkex_msg fixed;
	struct mipkex_ext ext;
	struct mipkex_wbuf w;
	bool nai_done = false;
	u8 *out;
	int err;

	out = kmalloc(cap, GFP_KERNEL);
	if (!out)
		return -ENOMEM;
	fixed = *m;
	if (!get_unaligned((u32 *)m->home))
		memcpy(fixed.home, &p->home, 4);
	mipkex_wbuf_init(&w, out, cap);
	mipkex_wire_put_fixed(&w, &fixed);
	mipkex_ext_iter_init(&it, ctx->data, ctx->len, m->fixed_len);
	while (mipkex_ext_next(&it, &ext) > 0) {
		if (mipkex_is_vse(&ext, vendor) ||
		    ext.type == MIPKEX_EXT_MN_FA_AUTH)
			continue;
		if (ext.type == MIPKEX_EXT_NAI && !nai_done) {
			nai_done = true;
			mipkex_wbuf_put(&w, p->nai_ext, p->nai_ext_len);
			continue;
		}
		mipkex_wbuf_put(&w, ctx->data + ext.off, mipkex_ext_size(&ext));
	}
	err = w.err ? -ENOSPC : mipkex_pkt_replace(ctx, out,
						    (unsigned int)w.len);
	/* In place, without the MN-HA authentication extension it never had. */
	if (err == -MIPKEX_WIRE_E_NO_MN_HA_AUTH ||
	    err == -MIPKEX_WIRE_E_AUTH_ORDER)
		err = 0;
	kfree(out);
	return err;
}

/**
 * mipkex_mn_reply_unparsed() - a reply whose extensions mipkex_wire_parse()
 *	refuses (9.4, mobile node 3.)
 * @ctx: the datagram, at LOCAL_IN, @ctx->parse_err set
 *
 * A reply that answers no pending request is not the module's: it passes
 * unchanged. One that does is a foreign agent's denial (codes 64-127,
 * without an MN-HA authentication extension, RFC 5944), handed to the agent
 * with the NAI extension and home address of the request, which stays
 * pending; anything else (an extension of a type 0-127 the module does not
 * know among them) is discarded, the request staying pending.
 *
 * Return: the worker's next step.
 */
enum mipkex_verdict mipkex_mn_reply_unparsed(struct mipkex_ctx *ctx)
{
	u32 vendor = READ_ONCE(ctx->mn->vendor);
	enum mipkex_stat why = MIPKEX_STAT_ERR_MALFORMED;
	struct mipkex_elems *el = NULL;
	struct mipkex_mn_pending *p;
	struct mipkex_mn_key0 k;
	char text[64];
	__be32 ha;

	memcpy(&ha, ctx->msg.ha, 4);
	p = mipkex_mn_pending_take(ctx->mn, ha, ctx->msg.id);
	if (!p)
		return MIPKEX_VERDICT_PASS;

	if (mipkex_wire_parse_no_mn_ha(ctx->data, ctx->len, &ctx->msg) ||
	    ctx->msg.unknown_critical_off)	/* RFC 5944 1.9 */
		goto keep;
	/* Parsed without an MN-HA authentication extension: an FA's? */
	if (ctx->msg.code < 64 || ctx->msg.code > 127) {
		why = MIPKEX_STAT_ERR_AUTH;
		goto keep;
	}
	el = kmalloc(sizeof(*el), GFP_KERNEL);
	if (!el) {
		why = MIPKEX_STAT_ERR_RESOURCE;
		goto keep;
	}
	/* Nothing of the vendor's: a CVSE could only be misplaced here. */
	if (mipkex_elem_scan(ctx->data, ctx->len, &ctx->msg, vendor, el) ||
	    el->n_elems)
		goto keep;
	if (mipkex_mn_fa_denial(ctx, p, vendor)) {
		why = MIPKEX_STAT_ERR_RESOURCE;
		goto keep;
	}
	mipkex_stat_inc(ctx->mn, MIPKEX_STAT_FA_DENIALS);
	memset(&k, 0, sizeof(k));
	mipkex_mn_key0_get(ctx->mn, p->key0_spi, &k);
	mipkex_mn_why(ctx, text, sizeof(text));
	mipkex_event_denied(ctx->mn, p->home ? p->home : k.home, ha,
			    k.nai_len ? k.nai : NULL, ctx->msg.code, text);
	memzero_explicit(&k, sizeof(k));
	/* Unauthenticated: the request stays pending (9.4, 2.). */
	mipkex_mn_pending_put_back(p);
	kfree(el);
	return MIPKEX_VERDICT_PASS;

keep:
	mipkex_stat_inc(ctx->mn, why);
	mipkex_mn_pending_put_back(p);
	kfree(el);
	return MIPKEX_VERDICT_DROP;
}
