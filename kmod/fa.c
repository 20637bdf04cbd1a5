// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex: the foreign agent (Documentation/protocol.rst 6.5, 9.1, 9.2, 9.4):
 * adds its SA offers (NVSEs) to the protected requests its agent relays to a
 * home agent it shares an FA-HA security association with, and takes KEY2
 * and KEY3 from the replies before its agent relays them to the mobile node.
 * The mobile node's part of every message (through its MN-HA
 * authentication extension) is never changed.
 *
 * A relayed request waits for its reply in a pending entry, by home agent
 * address and Identification, at most MIPKEX_PENDING_MAX per namespace, for
 * MIPKEX_PENDING_TIMEOUT. A retransmission of the mobile node (the same
 * bytes through its MN-HA authentication extension) is relayed with the
 * offers of the entry, so that the home agent sees the same bytes again.
 * Only the namespace's worker and mipkex_fa_uninit() touch a namespace's
 * entries.
 */

#include <linux/in.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/unaligned.h>

#include "elem.h"
#include "kdc.h"
#include "mnfa.h"
#include "packet.h"
#include "protect.h"
#include "xfrm.h"

/* Reply codes of the FA (RFC 5944, RFC 3115; protocol.rst 9.3). */
#define MIPKEX_CODE_FA_POORLY_FORMED_REQUEST	70
#define MIPKEX_CODE_FA_POORLY_FORMED_REPLY	71
#define MIPKEX_CODE_FA_CVSE_MN			100
#define MIPKEX_CODE_FA_CVSE_HA			101
/* RFC 4917 Message String sub-type: from a foreign agent. */
#define MIPKEX_MSG_STRING_FA			2
/* A denial of the FA: fixed part, NAI extension, Message String. */
#define MIPKEX_FA_DENIAL_MAX	(MIPKEX_RRP_FIXED_LEN + 2 + 255 + 2 + 1 + 64)

/**
 * struct mipkex_fa_peer - a copy of an FA-HA peer, taken under RCU
 * @spi: SPI of the FA-HA authentication extension
 * @aead: &enum mipkex_aead, for key wrapping
 * @auth: &enum mipkex_auth
 * @key_len: length of @key
 * @key: the FA-HA key
 */
struct mipkex_fa_peer {
	u32 spi;
	u8 aead;
	u8 auth;
	u8 key_len;
	u8 key[MIPKEX_KEY_MAX_LEN];
};

/**
 * struct mipkex_fa_pending - a relayed request waiting for its reply
 * @list: in mipkex_fa_list
 * @mn: its namespace
 * @expires: jiffies
 * @ha: the home agent address (the request's destination)
 * @coa: the care-of address
 * @ident: the Identification
 * @offer_len: lengths of @offer, indexed by sub-type (0: not offered)
 * @offer: the values of the NVSE SA payloads sent, by sub-type (2, 3)
 * @mn_len: length of @mn_part
 * @mn_part: the request's bytes through its MN-HA authentication extension
 */
struct mipkex_fa_pending {
	struct list_head list;
	struct mipkex_net *mn;
	unsigned long expires;
	__be32 ha;
	__be32 coa;
	u64 ident;
	u16 offer_len[4];
	u8 offer[4][MIPKEX_NVSE_MAX_VALUE];
	size_t mn_len;
	u8 mn_part[];
};

static LIST_HEAD(mipkex_fa_list);
static DEFINE_MUTEX(mipkex_fa_lock); /* mipkex_fa_list */

/* Free the entries of @mn: all, or the expired ones and those matching. */
static void mipkex_fa_prune(struct mipkex_net *mn, bool all, __be32 ha,
			    u64 ident)
{
	struct mipkex_fa_pending *p, *tmp;
	unsigned int n = 0;

	lockdep_assert_held(&mipkex_fa_lock);
	list_for_each_entry_safe(p, tmp, &mipkex_fa_list, list) {
		if (p->mn != mn)
			continue;
		if (all || (p->ha == ha && (u32)p->ident == (u32)ident) ||
		    time_after(jiffies, p->expires)) {
			list_del(&p->list);
			kfree(p);
			continue;
		}
		n++;
	}
	if (n < MIPKEX_PENDING_MAX || all)
		return;
	list_for_each_entry(p, &mipkex_fa_list, list) {
		if (p->mn == mn) {
			list_del(&p->list);
			kfree(p);
			return;
		}
	}
}

/**
 * mipkex_fa_uninit() - forget every relayed request of a namespace that
 *	waits for its reply
 * @mn: the namespace's state
 *
 * Called when the namespace's role changes and when it goes away, once its
 * worker has stopped (no handler of @mn runs concurrently).
 */
void mipkex_fa_uninit(struct mipkex_net *mn)
{
	mutex_lock(&mipkex_fa_lock);
	mipkex_fa_prune(mn, true, 0, 0);
	mutex_unlock(&mipkex_fa_lock);
}

static struct mipkex_fa_pending *
mipkex_fa_pending_take(struct mipkex_net *mn, __be32 ha, u64 ident)
{
	struct mipkex_fa_pending *p, *found = NULL;

	mutex_lock(&mipkex_fa_lock);
	list_for_each_entry(p, &mipkex_fa_list, list) {
		if (p->mn == mn && p->ha == ha &&
		    (u32)p->ident == (u32)ident &&
		    !time_after(jiffies, p->expires)) {
			list_del(&p->list);
			found = p;
			break;
		}
	}
	mutex_unlock(&mipkex_fa_lock);
	return found;
}

static void mipkex_fa_pending_put(struct mipkex_fa_pending *p, bool fresh)
{
	mutex_lock(&mipkex_fa_lock);
	if (fresh) {
		mipkex_fa_prune(p->mn, false, p->ha, p->ident);
		p->expires = jiffies + MIPKEX_PENDING_TIMEOUT;
	}
	list_add_tail(&p->list, &mipkex_fa_list);
	mutex_unlock(&mipkex_fa_lock);
}

/*
 * The pending entry of an earlier relay of the same request (9.4, foreign
 * agent 2.): the same home agent and Identification, the same bytes through
 * the MN-HA authentication extension (@mn_len of @ctx). Taken out of the
 * list; NULL if there is none.
 */
static struct mipkex_fa_pending *
mipkex_fa_pending_same(struct mipkex_ctx *ctx, size_t mn_len)
{
	struct mipkex_fa_pending *p;

	p = mipkex_fa_pending_take(ctx->mn, ctx->daddr, ctx->msg.id);
	if (!p)
		return NULL;
	if (p->ident == ctx->msg.id && p->mn_len == mn_len &&
	    !memcmp(p->mn_part, ctx->data, mn_len))
		return p;
	/* Another request: the new entry replaces it once relayed. */
	mipkex_fa_pending_put(p, false);
	return NULL;
}

static bool mipkex_fa_peer_get(struct mipkex_net *mn, __be32 addr,
			       struct mipkex_fa_peer *peer)
{
	const struct mipkex_peer *e;
	bool found = false;

	rcu_read_lock();
	e = mipkex_peer_lookup(mn, addr);
	if (e) {
		peer->spi = e->spi;
		peer->aead = e->aead;
		peer->auth = e->auth;
		peer->key_len = e->key_len;
		memcpy(peer->key, e->key, e->key_len);
		found = true;
	}
	rcu_read_unlock();
	return found;
}

static size_t mipkex_fa_ext_size(const struct mipkex_ext *ext)
{
	return ext->hdr_len + ext->len;
}

static void mipkex_fa_put_msg_string(struct mipkex_wbuf *w, const char *why)
{
	u8 s[1 + 64];
	size_t n = strnlen(why, sizeof(s) - 1);

	s[0] = MIPKEX_MSG_STRING_FA;
	memcpy(s + 1, why, n);
	mipkex_wire_put_ext(w, MIPKEX_EXT_MSG_STRING, s, 1 + n);
}

/* Whether a CVSE of @vendor has a reserved vendor type (section 4). */
static bool mipkex_fa_reserved_vtype(const struct mipkex_ext *ext, u32 vendor)
{
	return ext->type == MIPKEX_EXT_CVSE && ext->vendor == vendor &&
	       (!ext->vtype || ext->vtype > MIPKEX_VT_MAX);
}

/* A key exchange payload of vendor type 10 that is not empty (7.3). */
static bool mipkex_fa_kdc_not_empty(const struct mipkex_ext *ext)
{
	struct mipkex_ke ke;

	return ext->type && ext->vtype == MIPKEX_VT_KE_KDC &&
	       (mipkex_elem_ke(ext, &ke) || ke.spi || ke.key_len);
}

/*
 * Deny a request of the mobile node in the agent's stead (9.4, foreign
 * agent 1.): code @code, lifetime 0, the request's home address, home agent
 * address and Identification, its NAI extension (@nai, when it had one)
 * echoed, a Message String; no authentication extension (RFC 5944). Sent
 * from where the request went to where it came from.
 */
static enum mipkex_verdict mipkex_fa_deny(struct mipkex_ctx *ctx,
					  const struct mipkex_ext *nai,
					  u8 code, const char *text)
{
	struct mipkex_net *mn = ctx->mn;
	__be32 saddr = ctx->daddr, ha;
	struct mipkex_msg r;
	struct mipkex_wbuf w;
	u8 *buf;
	int err = -ENOMEM;

	mipkex_stat_inc(mn, MIPKEX_STAT_ERR_MALFORMED);
	buf = kmalloc(MIPKEX_FA_DENIAL_MAX, GFP_KERNEL);
	if (!buf)
		goto out;
	mipkex_wbuf_init(&w, buf, MIPKEX_FA_DENIAL_MAX);
	memset(&r, 0, sizeof(r));
	r.type = MIPKEX_MSG_RRP;
	r.code = code;
	memcpy(r.home, ctx->msg.home, 4);
	memcpy(r.ha, ctx->msg.ha, 4);
	r.id = ctx->msg.id;
	mipkex_wire_put_fixed(&w, &r);
	if (nai->type)
		mipkex_wire_put_ext(&w, MIPKEX_EXT_NAI, nai->data, nai->len);
	mipkex_fa_put_msg_string(&w, text);
	/* A request sent to a broadcast address: answer from our own. */
	if (ipv4_is_multicast(saddr) || ipv4_is_lbcast(saddr))
		saddr = 0;
	err = w.err ? -EMSGSIZE :
	      mipkex_pkt_send(mn->net, saddr, ctx->saddr,
			      htons(MIPKEX_MIP_PORT), ctx->sport, buf, w.len);
	kfree(buf);
out:
	if (err) {
		mipkex_stat_inc(mn, MIPKEX_STAT_ERR_RESOURCE);
	} else {
		mipkex_stat_inc(mn, MIPKEX_STAT_DENIALS_SENT);
		memcpy(&ha, ctx->msg.ha, 4);
		mipkex_event_denied(mn, 0, ha, NULL, code, text);
	}
	return MIPKEX_VERDICT_DROP;
}

/*
 * Section 4 at the FA for a request of the mobile node, whose framing
 * parsed: vendor type 4 appears only in a reply that accepts, and every
 * NVSE element only between the FA and the home agent (the mobile node's
 * request has no FA-HA authentication extension to cover one); a vendor
 * type 10 is empty. The identity elements are not opened.
 */
static bool mipkex_fa_request_ok(const struct mipkex_ctx *ctx, u32 vendor,
				 struct mipkex_elems *el)
{
	unsigned int i;

	if (mipkex_elem_scan(ctx->data, ctx->len, &ctx->msg, vendor, el))
		return false;
	for (i = 0; i < ARRAY_SIZE(el->mn_sa); i++)
		if (el->mn_sa[i].type || el->fa_sa[i].type)
			return false;
	for (i = 0; i < ARRAY_SIZE(el->fa_sa_payload); i++)
		if (el->fa_sa_payload[i].type)
			return false;
	return !mipkex_fa_kdc_not_empty(&el->ke);
}

/**
 * mipkex_fa_request_in() - check a request of the mobile node before the
 *	agent sees it (9.4, foreign agent 1.)
 * @ctx: the datagram, at LOCAL_IN; its extensions may not have parsed
 *	(@ctx->parse_err)
 *
 * A request without a CVSE of the vendor is plain RFC 5944 and passes
 * unchanged, whatever its framing (the agent answers it as RFC 5944 says).
 * A protected one is checked (framing, section 4) and passes unchanged, or
 * is denied with 70, or 100 for a reserved vendor type in a CVSE, by a
 * denial the module sends itself; the agent never sees it.
 *
 * Return: the worker's next step.
 */
enum mipkex_verdict mipkex_fa_request_in(struct mipkex_ctx *ctx)
{
	u32 vendor = READ_ONCE(ctx->mn->vendor);
	struct mipkex_ext ext, nai = {};
	struct mipkex_elems *el;
	struct mipkex_ext_iter it;
	bool protected = false, reserved = false, ok;
	struct mipkex_msg m;

	/* What precedes a framing error is enough to tell who it is for. */
	mipkex_wire_parse_no_mn_ha(ctx->data, ctx->len, &m);
	mipkex_ext_iter_init(&it, ctx->data, ctx->len, ctx->msg.fixed_len);
	while (mipkex_ext_next(&it, &ext) > 0) {
		if (ext.type == MIPKEX_EXT_NAI && !nai.type &&
		    (!m.mn_ha_off || ext.off < m.mn_ha_off))
			nai = ext;
		if (ext.type != MIPKEX_EXT_CVSE || ext.vendor != vendor)
			continue;
		protected = true;
		reserved |= mipkex_fa_reserved_vtype(&ext, vendor);
	}
	if (!protected)
		return MIPKEX_VERDICT_PASS;

	if (ctx->parse_err)
		return mipkex_fa_deny(ctx, &nai,
				      MIPKEX_CODE_FA_POORLY_FORMED_REQUEST,
				      "poorly formed request");
	if (reserved)
		return mipkex_fa_deny(ctx, &nai, MIPKEX_CODE_FA_CVSE_MN,
				      "vendor extension not understood");
	el = kmalloc(sizeof(*el), GFP_KERNEL);
	if (!el) {
		mipkex_stat_inc(ctx->mn, MIPKEX_STAT_ERR_RESOURCE);
		return MIPKEX_VERDICT_DROP;
	}
	ok = mipkex_fa_request_ok(ctx, vendor, el);
	kfree(el);
	if (!ok)
		return mipkex_fa_deny(ctx, &nai,
				      MIPKEX_CODE_FA_POORLY_FORMED_REQUEST,
				      "poorly formed request");
	return MIPKEX_VERDICT_PASS;
}

/* The inbound SPI of the first proposal of an SA payload, 0 if none. */
static u32 mipkex_fa_offer_spi(const struct mipkex_ext *ext)
{
	struct mipkex_proposal prop;
	struct mipkex_seq props;
	u8 sub;

	if (mipkex_elem_sa_payload(ext, &sub, &props) ||
	    mipkex_elem_next_proposal(&props, &prop) != 1)
		return 0;
	return prop.spi;
}

/*
 * Write the FA's offer for one pair as an NVSE SA payload (6.5), and keep
 * its value in @p.
 */
static int mipkex_fa_put_offer(struct mipkex_wbuf *w, u32 vendor,
			       const struct mipkex_nego_policy *pol, u8 sub,
			       u32 spi, struct mipkex_fa_pending *p)
{
	u8 tmp[MIPKEX_VSE_HDR_LEN + MIPKEX_NVSE_MAX_VALUE + 64];
	struct mipkex_wbuf t;
	size_t len;
	int err;

	/* negotiate.c writes CVSEs: build one, carry its value in an NVSE. */
	mipkex_wbuf_init(&t, tmp, sizeof(tmp));
	err = mipkex_nego_put_offer(&t, vendor, pol, sub, spi, 0);
	if (err)
		return err;
	len = get_unaligned_be16(tmp + 2) - 6;
	if (len > MIPKEX_NVSE_MAX_VALUE)
		return -EMSGSIZE;
	memcpy(p->offer[sub], tmp + MIPKEX_VSE_HDR_LEN, len);
	p->offer_len[sub] = (u16)len;
	mipkex_wire_put_nvse(w, vendor, MIPKEX_VT_SA_PAYLOAD, p->offer[sub],
			     len);
	return w->err ? -ENOSPC : 0;
}

/**
 * mipkex_fa_request_out() - add the FA's offers to a relayed protected
 *	request (6.5, 9.1, 9.4)
 * @ctx: the datagram
 *
 * Only a protected request (a CVSE of the vendor before the MN-HA
 * authentication extension) that the agent relays to a home agent the
 * module shares an FA-HA security association with, and that carries the
 * agent's FA-HA authentication extension, is changed; everything else
 * leaves as it is.
 *
 * Return: the worker's next step.
 */
enum mipkex_verdict mipkex_fa_request_out(struct mipkex_ctx *ctx)
{
	u32 vendor = READ_ONCE(ctx->mn->vendor);
	const struct mipkex_msg *m = &ctx->msg;
	struct mipkex_ext ext, faha = {}, mnfa = {}, mnha = {};
	struct mipkex_fa_pending *p = NULL;
	enum mipkex_stat why = MIPKEX_STAT_ERR_RESOURCE;
	const struct mipkex_kdc_conf *conf;
	struct mipkex_nego_policy pol;
	struct mipkex_fa_peer peer;
	struct mipkex_ext_iter it;
	struct mipkex_wbuf w;
	bool protected = false, again = false;
	size_t covered = 0, cap, mn_len;
	u8 *out = NULL, *a;
	u32 used[2] = {};
	u32 spi;
	u8 sub;
	int err;

	if (!m->fa_ha_off)
		return MIPKEX_VERDICT_PASS;
	mipkex_ext_iter_init(&it, ctx->data, ctx->len, m->fixed_len);
	while (mipkex_ext_next(&it, &ext) > 0) {
		if (ext.off == m->fa_ha_off)
			faha = ext;
		if (ext.off == m->mn_ha_off)
			mnha = ext;
		if (ext.off > m->mn_ha_off || ext.type != MIPKEX_EXT_CVSE ||
		    ext.vendor != vendor)
			continue;
		protected = true;
		if (ext.vtype == MIPKEX_VT_SA_PAYLOAD && ext.value_len &&
		    ext.value[0] == MIPKEX_PAIR_MN_FA)
			mnfa = ext;
	}
	if (!protected)
		return MIPKEX_VERDICT_PASS;

	memset(&peer, 0, sizeof(peer));
	if (!mipkex_fa_peer_get(ctx->mn, ctx->daddr, &peer) ||
	    faha.spi != peer.spi) {
		memzero_explicit(&peer, sizeof(peer));
		return MIPKEX_VERDICT_PASS;
	}
	/* Never sign for the home agent what the agent did not sign. */
	if (!mipkex_auth_check(peer.auth, peer.key, peer.key_len, ctx->data,
			       &faha)) {
		why = MIPKEX_STAT_ERR_FA_AUTH;
		goto drop;
	}

	rcu_read_lock();
	conf = rcu_dereference(ctx->mn->kdc);
	mipkex_policy_from(&pol, conf);
	rcu_read_unlock();

	cap = ctx->len + 2 * (8 + MIPKEX_NVSE_MAX_VALUE);
	out = kmalloc(cap, GFP_KERNEL);
	if (!out)
		goto drop;
	mn_len = m->mn_ha_off + mipkex_fa_ext_size(&mnha);
	/* A retransmission: the same offers, the same bytes (9.4, 2.). */
	p = mipkex_fa_pending_same(ctx, mn_len);
	if (p) {
		again = true;
	} else {
		p = kzalloc(struct_size(p, mn_part, mn_len), GFP_KERNEL);
		if (!p)
			goto drop;
		p->mn = ctx->mn;
		p->ha = ctx->daddr;
		memcpy(&p->coa, m->coa, 4);
		p->ident = m->id;
		p->mn_len = mn_len;
		memcpy(p->mn_part, ctx->data, mn_len);
	}

	mipkex_wbuf_init(&w, out, cap);
	mipkex_wbuf_put(&w, ctx->data, m->fa_ha_off);
	err = 0;
	if (again) {
		for (sub = MIPKEX_PAIR_MN_FA; sub <= MIPKEX_PAIR_FA_HA; sub++)
			if (p->offer_len[sub])
				mipkex_wire_put_nvse(&w, vendor,
						     MIPKEX_VT_SA_PAYLOAD,
						     p->offer[sub],
						     p->offer_len[sub]);
	} else if (mnfa.type) {
		/* Inbound SPIs: not the MN's, none of an SA here (6.2). */
		spi = mipkex_fa_offer_spi(&mnfa);
		if (!spi)	/* the home agent denies it: offer nothing */
			goto pass;
		used[0] = spi;
		used[1] = mipkex_xfrm_spi_new(ctx->mn->net, used, 1);
		err = mipkex_fa_put_offer(&w, vendor, &pol, MIPKEX_PAIR_MN_FA,
					  used[1], p);
	}
	if (!err && !again)
		err = mipkex_fa_put_offer(&w, vendor, &pol, MIPKEX_PAIR_FA_HA,
					  mipkex_xfrm_spi_new(ctx->mn->net,
							      used, 2), p);
	if (err == -MIPKEX_NEGO_E_EMPTY_POLICY) {
		why = MIPKEX_STAT_ERR_NEGOTIATION;
		goto drop;
	}
	a = mipkex_wire_put_auth(&w, MIPKEX_EXT_FA_HA_AUTH, peer.spi,
				 mipkex_auth_len(peer.auth), &covered);
	if (err || w.err || !a)
		goto drop;
	if (mipkex_auth_sign(peer.auth, peer.key, peer.key_len, out, covered))
		goto drop;
	if (mipkex_pkt_replace(ctx, out, (unsigned int)w.len))
		goto drop;
	ctx->rewritten = true;
	mipkex_fa_pending_put(p, true);
	p = NULL;
pass:
	kfree(out);
	kfree(p);
	memzero_explicit(&peer, sizeof(peer));
	return MIPKEX_VERDICT_PASS;

drop:
	mipkex_stat_inc(ctx->mn, why);
	kfree(out);
	/* Not relayed again: the first relay still waits for its reply. */
	if (again)
		mipkex_fa_pending_put(p, false);
	else
		kfree(p);
	memzero_explicit(&peer, sizeof(peer));
	return MIPKEX_VERDICT_DROP;
}

/*
 * The home agent's MN-FA answer to the FA (6.5): the FA checks that it is
 * in its offer, read as a set; proposal and transform numbers are the
 * mobile node's. The answer (one proposal) is renumbered after the FA's
 * matching proposal and transform, then checked as any answer.
 */
static int mipkex_fa_check_mnfa(const u8 *offer, size_t offer_len,
				const u8 *ans, size_t ans_len, u16 lifetime,
				struct mipkex_nego_choice *c)
{
	struct mipkex_transform ax, ox;
	struct mipkex_proposal ap, op;
	struct mipkex_seq as, xs, os, oxs;
	u8 syn[MIPKEX_NVSE_MAX_VALUE];

	if (ans_len < 2 || ans_len > sizeof(syn) || offer_len < 2)
		return -EBADMSG;
	memcpy(syn, ans, ans_len);
	mipkex_seq_init(&as, syn + 2, ans_len - 2);
	if (mipkex_elem_next_proposal(&as, &ap) != 1 ||
	    mipkex_elem_next_proposal(&as, &op) != 0)
		return -EBADMSG;
	mipkex_seq_init(&xs, ap.transforms, ap.transforms_len);
	if (mipkex_elem_next_transform(&xs, &ax) != 1 ||
	    mipkex_elem_next_transform(&xs, &ox) != 0)
		return -EBADMSG;

	mipkex_seq_init(&os, offer + 2, offer_len - 2);
	while (mipkex_elem_next_proposal(&os, &op) == 1) {
		if (op.protocol != ap.protocol ||
		    op.protocol_id != ap.protocol_id)
			continue;
		mipkex_seq_init(&oxs, op.transforms, op.transforms_len);
		while (mipkex_elem_next_transform(&oxs, &ox) == 1) {
			if (ox.type != ax.type || ox.id != ax.id ||
			    ox.n_keys != ax.n_keys ||
			    ox.attrs_len != ax.attrs_len ||
			    memcmp(ox.attrs, ax.attrs, ax.attrs_len))
				continue;
			/* Proposal number (6.2 offset 4), transform (6.3). */
			syn[2 + 4] = op.number;
			syn[ap.transforms - syn + 4] = ox.number;
			return mipkex_nego_check_answer(offer, offer_len, syn,
							ans_len, lifetime, c) ?
			       -EBADMSG : 0;
		}
	}
	return -EBADMSG;
}

/*
 * Take KEY2 or KEY3 from its NVSE (5.4, 8.4 with the FA context, or in
 * clear when the policy is insecure).
 */
static int mipkex_fa_unwrap(const struct mipkex_ctx *ctx,
			    const struct mipkex_fa_peer *peer,
			    const u8 wrap[MIPKEX_AEAD_KEY_LEN], bool insecure,
			    const struct mipkex_ext *ext, u8 index, u8 *key)
{
	u8 info[MIPKEX_SA_INFO_HDR_LEN + 64];
	struct mipkex_gp gp;
	size_t len;
	int err;

	if (mipkex_elem_gp(ext, &gp))
		return -EBADMSG;
	if (!(gp.flags & MIPKEX_ELEM_FLAG_E)) {
		if (!insecure || gp.info_len > sizeof(info))
			return -EBADMSG;
		memcpy(info, gp.info, gp.info_len);
		len = gp.info_len;
		err = 0;
	} else {
		if (gp.spi != peer->spi ||
		    gp.info_len > sizeof(info) + MIPKEX_AEAD_TAG_LEN)
			return -EBADMSG;
		err = mipkex_vse_open(peer->aead, wrap, ctx->msg.id,
				      MIPKEX_DIR_HA_FA, index, ctx->data,
				      ctx->msg.fixed_len, ext, info, &len);
	}
	if (!err && (len != MIPKEX_SA_INFO_HDR_LEN + MIPKEX_KDC_KEY_LEN ||
		     info[8] != MIPKEX_KDC_KEY_LEN))
		err = -EBADMSG;
	if (!err)
		memcpy(key, info + MIPKEX_SA_INFO_HDR_LEN, MIPKEX_KDC_KEY_LEN);
	memzero_explicit(info, sizeof(info));
	return err;
}

/* KEY2 and KEY3 of an accepted reply; @idx: their nonce indices. */
static int mipkex_fa_keys(const struct mipkex_ctx *ctx,
			  const struct mipkex_fa_peer *peer,
			  const struct mipkex_elems *el, u32 vendor,
			  bool insecure, u8 key2[MIPKEX_KDC_KEY_LEN],
			  u8 key3[MIPKEX_KDC_KEY_LEN])
{
	u8 wrap[MIPKEX_AEAD_KEY_LEN];
	struct mipkex_ext_iter it;
	struct mipkex_ext ext;
	struct mipkex_gp gp;
	int idx[3] = { -1, -1, -1 }, n = 0, err;
	__be32 home, ha;

	/* Nonce indices: encrypted NVSE elements in message order (8.2). */
	mipkex_ext_iter_init(&it, ctx->data, ctx->len, ctx->msg.fixed_len);
	while (mipkex_ext_next(&it, &ext) > 0) {
		if (ext.type != MIPKEX_EXT_NVSE || ext.vendor != vendor ||
		    ext.vtype < MIPKEX_VT_NAI || ext.vtype > MIPKEX_VT_SA ||
		    mipkex_elem_gp(&ext, &gp) ||
		    !(gp.flags & MIPKEX_ELEM_FLAG_E))
			continue;
		if (ext.vtype == MIPKEX_VT_SA && gp.content < 2)
			idx[gp.content] = n;
		n++;
	}
	memcpy(&home, ctx->msg.home, 4);
	memcpy(&ha, ctx->msg.ha, 4);
	err = mipkex_derive(peer->key, peer->key_len, MIPKEX_LABEL_WRAP,
			    peer->spi, ctx->msg.id, home, ha, true, wrap);
	if (!err && el->fa_sa[1].type)
		err = mipkex_fa_unwrap(ctx, peer, wrap, insecure, &el->fa_sa[1],
				       (u8)idx[1], key2);
	if (!err && el->fa_sa[0].type)
		err = mipkex_fa_unwrap(ctx, peer, wrap, insecure, &el->fa_sa[0],
				       (u8)idx[0], key3);
	memzero_explicit(wrap, sizeof(wrap));
	return err;
}

/*
 * The reply for the agent: the NVSEs of the vendor removed, the FA-HA
 * authentication extension re-signed; or, for a malformed reply (@deny not
 * 0), a denial with code @deny (71, or 101) and a Message String that the
 * agent relays to the mobile node (9.4).
 */
static int mipkex_fa_plain_reply(struct mipkex_ctx *ctx,
				 const struct mipkex_fa_peer *peer, u32 vendor,
				 u8 deny)
{
	const struct mipkex_msg *m = &ctx->msg;
	struct mipkex_ext_iter it;
	struct mipkex_msg fixed;
	struct mipkex_ext ext;
	struct mipkex_wbuf w;
	size_t covered = 0;
	const char *text = NULL;
	bool nai = false;
	u8 *out, *a = NULL;
	int err;

	out = kmalloc(ctx->len + MIPKEX_FA_DENIAL_MAX + 2 + MIPKEX_AUTH_SPI_LEN +
		      MIPKEX_AUTH_MAX_LEN, GFP_KERNEL);
	if (!out)
		return -ENOMEM;
	mipkex_wbuf_init(&w, out, ctx->len + MIPKEX_FA_DENIAL_MAX + 2 +
			 MIPKEX_AUTH_SPI_LEN + MIPKEX_AUTH_MAX_LEN);
	if (deny) {
		text = deny == MIPKEX_CODE_FA_CVSE_HA ?
		       "vendor extension not understood" :
		       "poorly formed reply";
		fixed = *m;
		fixed.code = deny;
		fixed.lifetime = 0;
		mipkex_wire_put_fixed(&w, &fixed);
	} else {
		mipkex_wbuf_put(&w, ctx->data, m->fixed_len);
	}
	mipkex_ext_iter_init(&it, ctx->data, ctx->len, m->fixed_len);
	while (mipkex_ext_next(&it, &ext) > 0) {
		if (ext.off == m->fa_ha_off) {
			if (deny)
				mipkex_fa_put_msg_string(&w, text);
			a = mipkex_wire_put_auth(&w, MIPKEX_EXT_FA_HA_AUTH,
						 peer->spi,
						 mipkex_auth_len(peer->auth),
						 &covered);
			break;
		}
		if (deny) {
			/* Only the NAI, for the agent to find its request. */
			if (ext.type == MIPKEX_EXT_NAI && !nai &&
			    ext.off < m->mn_ha_off) {
				nai = true;
				mipkex_wbuf_put(&w, ctx->data + ext.off,
						mipkex_fa_ext_size(&ext));
			}
			continue;
		}
		if (ext.off > m->mn_ha_off && ext.type == MIPKEX_EXT_NVSE &&
		    ext.vendor == vendor)
			continue;
		mipkex_wbuf_put(&w, ctx->data + ext.off,
				mipkex_fa_ext_size(&ext));
	}
	err = w.err || !a ? -ENOSPC : 0;
	if (!err)
		err = mipkex_auth_sign(peer->auth, peer->key, peer->key_len,
				       out, covered);
	if (!err) {
		err = mipkex_pkt_replace(ctx, out, (unsigned int)w.len);
		/*
		 * A denial of the FA has no MN-HA authentication extension
		 * (RFC 5944), which the parse wants before an FA-HA one: it
		 * is in place all the same.
		 */
		if (deny && err == -MIPKEX_WIRE_E_AUTH_ORDER)
			err = 0;
	}
	kfree(out);
	return err;
}

/**
 * mipkex_fa_reply_in() - take the FA's keys from a home agent's reply
 *	(9.2, 9.4)
 * @ctx: the datagram
 *
 * A reply that answers a pending relay and has an extension of a type
 * 0-127 the module does not know is discarded (RFC 5944 1.9), the relay
 * still waiting. A reply whose FA-HA authenticator does not verify goes to
 * the agent unchanged (which denies with 68); a malformed one becomes a
 * denial with code 71 for the mobile node; an accepted one gives the FA its
 * MN-FA and FA-HA keys; every one leaves without the vendor's NVSEs.
 *
 * Return: the worker's next step.
 */
enum mipkex_verdict mipkex_fa_reply_in(struct mipkex_ctx *ctx)
{
	struct mipkex_binding_info *info = NULL;
	u32 vendor = READ_ONCE(ctx->mn->vendor);
	const struct mipkex_msg *m = &ctx->msg;
	struct mipkex_nego_choice c[4] = {};
	u8 key2[MIPKEX_KDC_KEY_LEN], key3[MIPKEX_KDC_KEY_LEN];
	const struct mipkex_kdc_conf *conf;
	struct mipkex_fa_pending *p;
	struct mipkex_fa_peer peer;
	struct mipkex_ext_iter it;
	struct mipkex_ext ext, faha = {};
	struct mipkex_elems *el = NULL;
	bool nvse = false, insecure, deny = false, reserved = false;
	enum mipkex_stat why = MIPKEX_STAT_ERR_MALFORMED;
	__be32 home, ha;
	int err = 0;

	if (!m->fa_ha_off)
		return MIPKEX_VERDICT_PASS;
	mipkex_ext_iter_init(&it, ctx->data, ctx->len, m->fixed_len);
	while (mipkex_ext_next(&it, &ext) > 0) {
		if (ext.off == m->fa_ha_off)
			faha = ext;
		else if (ext.type == MIPKEX_EXT_NVSE && ext.vendor == vendor &&
			 ext.off > m->mn_ha_off)
			nvse = true;
		reserved |= mipkex_fa_reserved_vtype(&ext, vendor);
	}
	/*
	 * An accepted deregistration ends the FA's binding whether or not the
	 * request went out with the FA's offers (it carries no key), once its
	 * FA-HA authenticator shows it comes from the home agent.
	 */
	if (m->code <= 1 && !m->lifetime && !m->unknown_critical_off) {
		memset(&peer, 0, sizeof(peer));
		if (mipkex_fa_peer_get(ctx->mn, ctx->saddr, &peer) &&
		    faha.spi == peer.spi &&
		    mipkex_auth_check(peer.auth, peer.key, peer.key_len,
				      ctx->data, &faha)) {
			memcpy(&home, m->home, 4);
			memcpy(&ha, m->ha, 4);
			mipkex_binding_remove(ctx->mn, home, ha);
		}
		memzero_explicit(&peer, sizeof(peer));
	}

	p = mipkex_fa_pending_take(ctx->mn, ctx->saddr, m->id);
	if (!p)
		return MIPKEX_VERDICT_PASS;
	/*
	 * RFC 5944 1.9: an unknown extension 0-127: discard silently; the
	 * relay still waits for its reply.
	 */
	if (m->unknown_critical_off) {
		mipkex_stat_inc(ctx->mn, MIPKEX_STAT_ERR_MALFORMED);
		mipkex_fa_pending_put(p, false);
		return MIPKEX_VERDICT_DROP;
	}

	memset(&peer, 0, sizeof(peer));
	if (!mipkex_fa_peer_get(ctx->mn, ctx->saddr, &peer) ||
	    faha.spi != peer.spi ||
	    !mipkex_auth_check(peer.auth, peer.key, peer.key_len, ctx->data,
			       &faha)) {
		/* The agent denies it with 68; nothing is taken from it. */
		mipkex_stat_inc(ctx->mn, MIPKEX_STAT_ERR_FA_AUTH);
		mipkex_fa_pending_put(p, false);
		memzero_explicit(&peer, sizeof(peer));
		return MIPKEX_VERDICT_PASS;
	}
	rcu_read_lock();
	conf = rcu_dereference(ctx->mn->kdc);
	insecure = conf->insecure;
	rcu_read_unlock();

	memcpy(&home, m->home, 4);
	memcpy(&ha, m->ha, 4);
	el = kmalloc(sizeof(*el), GFP_KERNEL);
	if (!el) {
		err = -ENOMEM;
		goto rewrite;
	}
	/* Section 4 on both sides, those without an NVSE included. */
	if (reserved || mipkex_elem_scan(ctx->data, ctx->len, m, vendor, el) ||
	    mipkex_fa_kdc_not_empty(&el->ke) ||
	    (m->code > 1 && el->ke.type)) {
		deny = true;
		goto rewrite;
	}
	if (m->code > 1 || !m->lifetime) {
		/* Keys and answers only in a reply that accepts (5.4). */
		if (el->fa_sa[0].type || el->fa_sa[1].type ||
		    el->mn_sa[0].type || el->mn_sa[2].type ||
		    el->fa_sa_payload[2].type || el->fa_sa_payload[3].type)
			deny = true;
		else if (m->code <= 1)
			mipkex_binding_remove(ctx->mn, home, ha);
		goto rewrite;
	}

	if (el->fa_sa_payload[2].type &&
	    (!p->offer_len[2] ||
	     mipkex_fa_check_mnfa(p->offer[2], p->offer_len[2],
				  el->fa_sa_payload[2].value,
				  el->fa_sa_payload[2].value_len, m->lifetime,
				  &c[2])))
		deny = true;
	if (!deny && el->fa_sa_payload[3].type &&
	    (!p->offer_len[3] ||
	     mipkex_nego_check_answer(p->offer[3], p->offer_len[3],
				      el->fa_sa_payload[3].value,
				      el->fa_sa_payload[3].value_len,
				      m->lifetime, &c[3])))
		deny = true;
	if (!deny && ((c[2].n_sa && c[2].sa[0].peer_spi == c[2].sa[0].own_spi) ||
		      (c[3].n_sa && c[3].sa[0].peer_spi == c[3].sa[0].own_spi)))
		deny = true;
	/* KEY3 exactly with the MN-FA answer, KEY2 with the FA-HA one. */
	if (!deny && (!!c[2].n_sa != !!el->fa_sa[0].type ||
		      !!c[3].n_sa != !!el->fa_sa[1].type))
		deny = true;
	if (deny) {
		why = MIPKEX_STAT_ERR_NEGOTIATION;
		goto rewrite;
	}
	if (!c[2].n_sa && !c[3].n_sa)
		goto rewrite;

	err = mipkex_fa_keys(ctx, &peer, el, vendor, insecure, key2, key3);
	if (err) {
		why = MIPKEX_STAT_ERR_DECRYPT;
		deny = true;
		err = 0;
		goto rewrite;
	}
	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info) {
		err = -ENOMEM;
		goto rewrite;
	}
	info->home_addr = home;
	info->ha_addr = ha;
	info->coa = p->coa;
	info->fa_addr = p->coa;
	info->lifetime = m->lifetime;
	info->ident = m->id;
	if (c[2].n_sa)
		mipkex_sa_info_from(info, MIPKEX_PAIR_MN_FA, &c[2], key3);
	if (c[3].n_sa)
		mipkex_sa_info_from(info, MIPKEX_PAIR_FA_HA, &c[3], key2);
	err = mipkex_binding_accept(ctx->mn, info);

rewrite:
	if (deny)
		mipkex_stat_inc(ctx->mn, why);
	if (!err && !deny && !nvse)	/* nothing of the FA's: unchanged */
		goto out;
	if (!err)
		err = mipkex_fa_plain_reply(ctx, &peer, vendor, !deny ? 0 :
					    reserved ? MIPKEX_CODE_FA_CVSE_HA :
					    MIPKEX_CODE_FA_POORLY_FORMED_REPLY);
	if (!err)
		ctx->rewritten = true;
	else
		mipkex_stat_inc(ctx->mn, MIPKEX_STAT_ERR_RESOURCE);
out:
	kfree(el);
	kfree(p);
	kfree_sensitive(info);
	memzero_explicit(key2, sizeof(key2));
	memzero_explicit(key3, sizeof(key3));
	memzero_explicit(&peer, sizeof(peer));
	memzero_explicit(c, sizeof(c));
	return err ? MIPKEX_VERDICT_DROP : MIPKEX_VERDICT_PASS;
}

/**
 * mipkex_fa_reply_unparsed() - a reply of a home agent whose extensions
 *	mipkex_wire_parse() refuses (9.4, foreign agent 3.)
 * @ctx: the datagram, at LOCAL_IN, @ctx->parse_err set
 *
 * Only a reply that answers a pending relay, whose extensions can all be
 * delimited and whose last extension is an FA-HA authentication extension
 * that verifies, is the module's: its framing fails elsewhere, so it is
 * malformed and becomes a denial with code 71 for the mobile node. Any
 * other goes to the agent unchanged (a pending relay whose reply does not
 * verify still waits, as for a reply that parses).
 *
 * Return: the worker's next step.
 */
enum mipkex_verdict mipkex_fa_reply_unparsed(struct mipkex_ctx *ctx)
{
	u32 vendor = READ_ONCE(ctx->mn->vendor);
	struct mipkex_ext ext, last = {};
	struct mipkex_fa_pending *p;
	struct mipkex_fa_peer peer;
	struct mipkex_ext_iter it;
	size_t mn_ha_off = 0;
	int ret, err;

	mipkex_ext_iter_init(&it, ctx->data, ctx->len, ctx->msg.fixed_len);
	while ((ret = mipkex_ext_next(&it, &ext)) > 0) {
		if (ext.type == MIPKEX_EXT_MN_HA_AUTH && !mn_ha_off)
			mn_ha_off = ext.off;
		last = ext;
	}
	if (ret < 0 || last.type != MIPKEX_EXT_FA_HA_AUTH)
		return MIPKEX_VERDICT_PASS;
	p = mipkex_fa_pending_take(ctx->mn, ctx->saddr, ctx->msg.id);
	if (!p)
		return MIPKEX_VERDICT_PASS;

	memset(&peer, 0, sizeof(peer));
	if (!mipkex_fa_peer_get(ctx->mn, ctx->saddr, &peer) ||
	    last.spi != peer.spi ||
	    !mipkex_auth_check(peer.auth, peer.key, peer.key_len, ctx->data,
			       &last)) {
		/* The agent denies it; nothing is taken from it. */
		mipkex_stat_inc(ctx->mn, MIPKEX_STAT_ERR_FA_AUTH);
		mipkex_fa_pending_put(p, false);
		memzero_explicit(&peer, sizeof(peer));
		return MIPKEX_VERDICT_PASS;
	}

	/*
	 * The denial keeps the fixed part and the first NAI extension before
	 * the first MN-HA authentication extension, or before the FA-HA one
	 * when there is none (mipkex_fa_plain_reply()).
	 */
	ctx->msg.fa_ha_off = last.off;
	ctx->msg.mn_ha_off = mn_ha_off ? mn_ha_off : last.off;
	mipkex_stat_inc(ctx->mn, MIPKEX_STAT_ERR_MALFORMED);
	err = mipkex_fa_plain_reply(ctx, &peer, vendor,
				    MIPKEX_CODE_FA_POORLY_FORMED_REPLY);
	kfree(p);
	memzero_explicit(&peer, sizeof(peer));
	if (err) {
		mipkex_stat_inc(ctx->mn, MIPKEX_STAT_ERR_RESOURCE);
		return MIPKEX_VERDICT_DROP;
	}
	ctx->rewritten = true;
	return MIPKEX_VERDICT_PASS;
}
