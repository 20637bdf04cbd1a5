// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex: the home agent (Documentation/protocol.rst 9.4, "Home agent").
 *
 * A protected request (one with a CVSE of VENDOR) arriving for the local
 * agent is checked in the order of 9.4, cheapest first, so that nothing
 * unauthenticated causes Diffie-Hellman work: the per-source rate limit of
 * requests that carry a Diffie-Hellman public value, the MN-HA
 * authenticator, the FA-HA authenticator, the Identification, the
 * elements, the identity, the negotiation, then the Diffie-Hellman
 * computation. The first failure is answered by a denial the module sends
 * itself; the agent never sees the request. A request that passes is
 * handed to the agent in the plain form, and what its reply needs is kept
 * pending (ha_state.c).
 *
 * The agent's reply to a pending request is verified (plain form), gets the
 * keys of 8.6 and the elements of 9.2, and leaves in the protected form,
 * and is kept for a retransmission of the request (the same bytes from the
 * same source), which gets it again without the agent seeing it. A reply
 * that answers nothing pending is plain and passes unchanged, unless it
 * answers a request that stopped waiting unanswered or was answered
 * already: that one is dropped, never sent plain. A protected request whose
 * framing the codec refuses is denied (134) by
 * mipkex_ha_request_malformed().
 */

#include <linux/err.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/unaligned.h>

#include "binding.h"
#include "dh.h"
#include "elem.h"
#include "ha.h"
#include "kdc.h"
#include "negotiate.h"
#include "packet.h"
#include "protect.h"
#include "xfrm.h"

/* RFC 5944 reply codes the home agent's module sends (protocol.rst 9.3). */
#define MIPKEX_CODE_UNSPECIFIED		128
#define MIPKEX_CODE_KDC_FAILED		130
#define MIPKEX_CODE_MN_AUTH		131
#define MIPKEX_CODE_FA_AUTH		132
#define MIPKEX_CODE_CVSE_MN		140
#define MIPKEX_CODE_CVSE_FA		141
/* RFC 4917 Message String sub-type: from a home agent. */
#define MIPKEX_MSG_STRING_HA		1

/* Room for what a reply adds: SA payloads, key exchange, deliveries. */
#define MIPKEX_HA_REPLY_EXTRA	(2048 + 3 * MIPKEX_DH_MAX_LEN)

/*
 * The negotiation of one registration (6.4, 6.5): c[1] MN-HA, c[2] MN-FA
 * and c[3] FA-HA, each pair with the FA left out (ok[i] false) when not
 * agreed. For c[2], @peer_spi is the mobile node's inbound SPI and
 * @own_spi the FA's (negotiate.c).
 */
struct mipkex_ha_nego {
	struct mipkex_nego_choice c[4];
	bool ok[4];
};

/* The SA payload values a negotiation reads; NULL when absent. */
struct mipkex_ha_offers {
	const u8 *v[4];
	size_t l[4];
	const u8 *f[4];
	size_t fl[4];
};

/* A request being checked; @cache: keep its denial for retransmissions. */
struct mipkex_ha_rq {
	struct mipkex_ctx *ctx;
	struct mipkex_ha *ha;
	bool cache;
	u32 vendor;
	struct mipkex_ext mnha;
	struct mipkex_ext faha;
	bool has_faha;
	struct mipkex_ext anon;
	bool has_anon;
	bool have_key0;
	struct mipkex_key0 k0;
	bool have_peer;
	struct mipkex_peer peer;
	u64 reply_id;
	struct mipkex_replay_input rin;
	struct mipkex_replay_state *rst;
	struct mipkex_nego_policy pol;
	struct mipkex_elems el;
	struct mipkex_ha_nego ng;
	struct mipkex_kdc_conf conf;
	u8 nai[MIPKEX_NAI_MAX_LEN];
	size_t nai_len;
	__be32 home;
	bool have_home;
	u8 ptbuf[256];
};

static void mipkex_ha_policy(struct mipkex_nego_policy *pol,
			     const struct mipkex_kdc_conf *conf)
{
	memset(pol, 0, sizeof(*pol));
	pol->transforms = conf->transforms;
	pol->lifetime = conf->lifetime;
	pol->legacy = conf->legacy;
	pol->n_groups = conf->n_groups;
	memcpy(pol->groups, conf->groups, sizeof(pol->groups));
	pol->min_dh_bits = conf->min_dh_bits;
	pol->user_group = conf->user_group.p;
	pol->user_strength = conf->user_group.strength;
}

/* Copy the KDC parameters (without the user group's buffer) and policy. */
static void mipkex_ha_conf(struct mipkex_net *mn, struct mipkex_kdc_conf *conf,
			   struct mipkex_nego_policy *pol)
{
	const struct mipkex_kdc_conf *c;

	rcu_read_lock();
	c = rcu_dereference(mn->kdc);
	*conf = *c;
	mipkex_ha_policy(pol, c);
	rcu_read_unlock();
	conf->user_buf = NULL;
	conf->user_group.p = NULL;
	conf->user_group.g = NULL;
}

/* Whether a user-defined group is the configured one (under no lock). */
static bool mipkex_ha_user_group_is(struct mipkex_net *mn,
				    const struct mipkex_ke *ke, u16 *strength)
{
	const struct mipkex_kdc_conf *c;
	bool same = false;

	rcu_read_lock();
	c = rcu_dereference(mn->kdc);
	if (c->user_group.p && c->user_group.p_len == ke->prime_len &&
	    c->user_group.g_len == ke->gen_len &&
	    !memcmp(c->user_group.p, ke->prime, ke->prime_len) &&
	    !memcmp(c->user_group.g, ke->gen, ke->gen_len)) {
		same = true;
		*strength = c->user_group.strength;
	}
	rcu_read_unlock();
	return same;
}

/* A random SPI of this home agent, >= 256 and none of @avoid. */
static u32 mipkex_ha_spi(const u32 *avoid, unsigned int n)
{
	unsigned int i;
	u32 spi;

again:
	spi = get_random_u32();
	if (spi < MIPKEX_SPI_MIN)
		goto again;
	for (i = 0; i < n; i++)
		if (avoid[i] == spi)
			goto again;
	return spi;
}

static void mipkex_ha_put_msg_string(struct mipkex_wbuf *w, const char *why)
{
	u8 s[1 + 64];
	size_t n = strnlen(why, sizeof(s) - 1);

	s[0] = MIPKEX_MSG_STRING_HA;
	memcpy(s + 1, why, n);
	mipkex_wire_put_ext(w, MIPKEX_EXT_MSG_STRING, s, 1 + n);
}

/* Append and sign an authentication extension; 0 or a negative errno. */
static int mipkex_ha_put_auth(struct mipkex_wbuf *w, u8 type, u32 spi,
			      u8 alg, const u8 *key, size_t keylen)
{
	size_t covered;

	if (!mipkex_wire_put_auth(w, type, spi, mipkex_auth_len(alg), &covered))
		return -EMSGSIZE;
	return mipkex_auth_sign(alg, key, keylen, w->buf, covered);
}

/* Sign an MN-HA authentication extension with the derived key (8.3). */
static int mipkex_ha_put_mnha(struct mipkex_wbuf *w, const struct mipkex_key0 *k0,
			      u64 ident)
{
	u8 key[MIPKEX_AEAD_KEY_LEN];
	int err;

	err = mipkex_derive(k0->key, k0->key_len, MIPKEX_LABEL_MN_HA, k0->spi,
			    ident, 0, 0, false, key);
	if (!err)
		err = mipkex_ha_put_auth(w, MIPKEX_EXT_MN_HA_AUTH, k0->spi,
					 k0->auth, key, sizeof(key));
	memzero_explicit(key, sizeof(key));
	return err;
}

/*
 * What a denial of the home agent's module carries (9.4, "Denials"): @home
 * and @ha for the fixed part; @anon (@anon_len bytes, NULL for none) the
 * anonymous NAI extension's data echoed; @counter, a policy to make the
 * counter-proposal of 6.4 from (129), or NULL; @k0, the KEY0 to sign with
 * (the derived key of 8.3), or NULL; @peer, the FA-HA security association
 * to add the FA-HA authenticator with, or NULL.
 */
struct mipkex_ha_denial {
	u8 code;
	const u8 *home;
	const u8 *ha;
	u64 id;
	const u8 *anon;
	size_t anon_len;
	const char *text;
	const struct mipkex_nego_policy *counter;
	u32 vendor;
	const struct mipkex_key0 *k0;
	const struct mipkex_peer *peer;
};

/*
 * Build a denial: type 3, the code, lifetime 0, the home address and home
 * agent address, the Identification, the anonymous NAI extension, a Message
 * String, a counter-proposal, the MN-HA authentication extension, the FA-HA
 * one, each when @d has it. Return: 0 or a negative errno.
 */
static int mipkex_ha_put_denial(struct mipkex_wbuf *w,
				const struct mipkex_ha_denial *d)
{
	struct mipkex_msg m;
	int err = 0;

	memset(&m, 0, sizeof(m));
	m.type = MIPKEX_MSG_RRP;
	m.code = d->code;
	memcpy(m.home, d->home, 4);
	memcpy(m.ha, d->ha, 4);
	m.id = d->id;
	mipkex_wire_put_fixed(w, &m);
	if (d->anon)
		mipkex_wire_put_ext(w, MIPKEX_EXT_NAI, d->anon, d->anon_len);
	mipkex_ha_put_msg_string(w, d->text);
	if (d->counter)
		mipkex_nego_put_counter(w, d->vendor, d->counter, 1,
					mipkex_ha_spi(NULL, 0));
	if (d->k0)
		err = mipkex_ha_put_mnha(w, d->k0, d->id);
	if (!err && d->peer)
		err = mipkex_ha_put_auth(w, MIPKEX_EXT_FA_HA_AUTH, d->peer->spi,
					 d->peer->auth, d->peer->key,
					 d->peer->key_len);
	if (!err && w->err)
		err = -EMSGSIZE;
	return err;
}

/*
 * A denial of a request, which the agent never sees (9.4): type 3, the
 * code, lifetime 0, the request's home address (0.0.0.0) and home agent
 * address, the Identification of the replay rules, the anonymous NAI
 * extension echoed, a Message String, a counter-proposal for 129, the MN-HA
 * authenticator with the derived key when KEY0 is known, the FA-HA one when
 * the source is an FA-HA peer. Sent from where the request went to where it
 * came from.
 */
static enum mipkex_verdict mipkex_ha_deny(struct mipkex_ha_rq *rq, u8 code,
					  enum mipkex_stat why,
					  const char *text, bool counter)
{
	struct mipkex_ctx *ctx = rq->ctx;
	struct mipkex_net *mn = ctx->mn;
	struct mipkex_ha_denial d = {
		.code = code,
		.home = ctx->msg.home,
		.ha = ctx->msg.ha,
		.id = rq->reply_id,
		.anon = rq->has_anon ? rq->anon.data : NULL,
		.anon_len = rq->anon.len,
		.text = text,
		.counter = counter ? &rq->pol : NULL,
		.vendor = rq->vendor,
		.k0 = rq->have_key0 ? &rq->k0 : NULL,
		.peer = rq->have_peer ? &rq->peer : NULL,
	};
	struct mipkex_wbuf w;
	u8 *buf;
	int err = -ENOMEM;

	mipkex_stat_inc(mn, why);
	buf = kmalloc(1024, GFP_KERNEL);
	if (!buf)
		goto out;
	mipkex_wbuf_init(&w, buf, 1024);
	err = mipkex_ha_put_denial(&w, &d);
	if (!err)
		err = mipkex_pkt_send(mn->net, ctx->daddr, ctx->saddr,
				      htons(MIPKEX_MIP_PORT), ctx->sport,
				      w.buf, w.len);
	if (!err && rq->cache && rq->ha && rq->have_key0)
		mipkex_ha_cache_put(rq->ha, rq->k0.spi, ctx->msg.id, ctx->saddr,
				    ctx->data, ctx->len, w.buf, w.len);
	kfree_sensitive(buf);
out:
	if (err) {
		mipkex_stat_inc(mn, MIPKEX_STAT_ERR_RESOURCE);
	} else {
		mipkex_stat_inc(mn, MIPKEX_STAT_DENIALS_SENT);
		mipkex_event_denied(mn, rq->have_key0 ? rq->k0.home_addr : 0,
				    rq->have_key0 ? rq->k0.ha_addr : 0,
				    rq->have_key0 ? rq->k0.nai : NULL, code,
				    text);
	}
	return MIPKEX_VERDICT_DROP;
}

/*
 * After the replay check: a denial still uses up the Identification, and a
 * retransmission of the request gets it again (8.6.4).
 */
static enum mipkex_verdict mipkex_ha_deny_fresh(struct mipkex_ha_rq *rq,
						u8 code, enum mipkex_stat why,
						const char *text, bool counter)
{
	if (rq->rst)
		mipkex_replay_update(rq->rst, &rq->rin, rq->reply_id, true);
	rq->cache = true;
	return mipkex_ha_deny(rq, code, why, text, counter);
}

/* Whether a message carries a CVSE of @vendor, and one with type 8 or 9. */
static bool mipkex_ha_protected(const struct mipkex_ctx *ctx, u32 vendor,
				bool *dh)
{
	struct mipkex_ext_iter it;
	struct mipkex_ext ext;
	bool found = false;

	*dh = false;
	mipkex_ext_iter_init(&it, ctx->data, ctx->len, ctx->msg.fixed_len);
	while (mipkex_ext_next(&it, &ext) > 0) {
		if (ext.type != MIPKEX_EXT_CVSE || ext.vendor != vendor)
			continue;
		found = true;
		if (ext.vtype == MIPKEX_VT_KE_GROUP ||
		    ext.vtype == MIPKEX_VT_KE_USER)
			*dh = true;
	}
	return found;
}

/* The extension at @off (which mipkex_wire_parse() found). */
static bool mipkex_ha_ext_at(const struct mipkex_ctx *ctx, size_t off,
			     struct mipkex_ext *ext)
{
	struct mipkex_ext_iter it;

	mipkex_ext_iter_init(&it, ctx->data, ctx->len, off);
	return off && mipkex_ext_next(&it, ext) > 0;
}

/* Steps 2 and 3: KEY0 and the MN-HA authenticator, the FA-HA one. */
static int mipkex_ha_authenticate(struct mipkex_ha_rq *rq, u8 *code,
				  enum mipkex_stat *why, const char **text)
{
	struct mipkex_ctx *ctx = rq->ctx;
	const struct mipkex_key0 *k;
	const struct mipkex_peer *p;
	u8 key[MIPKEX_AEAD_KEY_LEN];
	bool ok;

	rcu_read_lock();
	k = mipkex_key0_lookup_spi(ctx->mn, rq->mnha.spi);
	if (k) {
		rq->k0 = *k;
		rq->have_key0 = true;
	}
	p = mipkex_peer_lookup(ctx->mn, ctx->saddr);
	if (p) {
		rq->peer = *p;
		rq->have_peer = true;
	}
	rcu_read_unlock();

	*code = MIPKEX_CODE_MN_AUTH;
	if (!rq->have_key0) {
		*why = MIPKEX_STAT_ERR_UNKNOWN_SPI;
		*text = "unknown SPI";
		return -ENOENT;
	}
	if (mipkex_derive(rq->k0.key, rq->k0.key_len, MIPKEX_LABEL_MN_HA,
			  rq->k0.spi, ctx->msg.id, 0, 0, false, key)) {
		*why = MIPKEX_STAT_ERR_RESOURCE;
		*text = "authentication failed";
		return -ENOMEM;
	}
	ok = mipkex_auth_check(rq->k0.auth, key, sizeof(key), ctx->data,
			       &rq->mnha);
	memzero_explicit(key, sizeof(key));
	if (!ok) {
		*why = MIPKEX_STAT_ERR_AUTH;
		*text = "MN-HA authentication failed";
		return -EPERM;
	}

	*code = MIPKEX_CODE_FA_AUTH;
	*why = MIPKEX_STAT_ERR_FA_AUTH;
	*text = "FA-HA authentication failed";
	if (rq->have_peer != rq->has_faha)
		return -EPERM;
	if (rq->have_peer &&
	    (rq->faha.spi != rq->peer.spi ||
	     !mipkex_auth_check(rq->peer.auth, rq->peer.key, rq->peer.key_len,
				ctx->data, &rq->faha)))
		return -EPERM;
	return 0;
}

/*
 * 9.4 step 4, before the freshness check: a retransmission is the same
 * bytes from the same source. One of the request answered last gets that
 * reply again, from the cache; one of the request the agent is answering is
 * dropped, the agent's reply answering both (8.6.4). Anything else goes on
 * to the freshness check. Return: true when @rq was handled so.
 */
static bool mipkex_ha_retransmission(struct mipkex_ha_rq *rq)
{
	struct mipkex_ctx *ctx = rq->ctx;
	struct mipkex_net *mn = ctx->mn;
	const struct mipkex_ha_pending *p;
	const struct mipkex_ha_cached *c;

	c = mipkex_ha_cache_find(rq->ha, rq->k0.spi);
	if (c && c->ident == ctx->msg.id && c->src == ctx->saddr &&
	    c->req_len == ctx->len && !memcmp(c->req, ctx->data, ctx->len)) {
		if (mipkex_pkt_send(mn->net, ctx->daddr, ctx->saddr,
				    htons(MIPKEX_MIP_PORT), ctx->sport, c->rep,
				    c->rep_len))
			mipkex_stat_inc(mn, MIPKEX_STAT_ERR_RESOURCE);
		else
			mipkex_stat_inc(mn, MIPKEX_STAT_RETRANSMISSIONS);
		return true;
	}
	p = mipkex_ha_pending_find(rq->ha, rq->k0.spi, ctx->msg.id);
	if (p && p->src == ctx->saddr && p->req_len == ctx->len &&
	    !memcmp(p->req, ctx->data, ctx->len)) {
		mipkex_stat_inc(mn, MIPKEX_STAT_RETRANSMISSIONS);
		return true;
	}
	return false;
}

/* A CVSE of VENDOR with a reserved vendor type: 140 or 141 (9.4 step 5). */
static u8 mipkex_ha_reserved_vtype(const struct mipkex_ha_rq *rq)
{
	const struct mipkex_ctx *ctx = rq->ctx;
	struct mipkex_ext_iter it;
	struct mipkex_ext ext;

	mipkex_ext_iter_init(&it, ctx->data, ctx->len, ctx->msg.fixed_len);
	while (mipkex_ext_next(&it, &ext) > 0)
		if (ext.type == MIPKEX_EXT_CVSE && ext.vendor == rq->vendor &&
		    (!ext.vtype || ext.vtype > MIPKEX_VT_MAX))
			return ext.off < ctx->msg.mn_ha_off ?
			       MIPKEX_CODE_CVSE_MN : MIPKEX_CODE_CVSE_FA;
	return 0;
}

/*
 * Step 6: decrypt the identity elements (8.2). Every element of vendor
 * types 1-3 with E = 1 takes the next index of direction 1, those this
 * module does not use (another content type) included; the MN's NAI, home
 * address and layer-2 address are decrypted. Return: 0, -EBADMSG (134,
 * decryption), -EPERM (131, identity).
 */
static int mipkex_ha_identity(struct mipkex_ha_rq *rq)
{
	struct mipkex_ctx *ctx = rq->ctx;
	u8 key[MIPKEX_AEAD_KEY_LEN];
	struct mipkex_ext_iter it;
	struct mipkex_ext ext;
	struct mipkex_gp gp;
	bool have_key = false;
	const u8 *pt;
	size_t len;
	u8 index = 0;
	int err = 0;

	mipkex_ext_iter_init(&it, ctx->data, ctx->len, ctx->msg.fixed_len);
	while (!err && mipkex_ext_next(&it, &ext) > 0) {
		if (ext.off >= ctx->msg.mn_ha_off)
			break;
		if (ext.type != MIPKEX_EXT_CVSE || ext.vendor != rq->vendor ||
		    ext.vtype < MIPKEX_VT_NAI || ext.vtype > MIPKEX_VT_L2)
			continue;
		if (mipkex_elem_gp(&ext, &gp)) {
			err = -EINVAL;
			break;
		}
		if (gp.flags & MIPKEX_ELEM_FLAG_E) {
			if (gp.spi != rq->k0.spi) {
				err = -EBADMSG;
				break;
			}
			if (!have_key) {
				err = mipkex_derive(rq->k0.key, rq->k0.key_len,
						    MIPKEX_LABEL_ID_ENC,
						    rq->k0.spi, ctx->msg.id, 0,
						    0, false, key);
				if (err)
					break;
				have_key = true;
			}
			if (ext.value_len > sizeof(rq->ptbuf) + 16 +
			    MIPKEX_GP_HDR_LEN) {
				err = -EBADMSG;
				break;
			}
			err = mipkex_vse_open(rq->k0.aead, key, ctx->msg.id,
					      MIPKEX_DIR_MN_HA, index++,
					      ctx->data, ctx->msg.fixed_len,
					      &ext, rq->ptbuf, &len);
			if (err) {
				err = -EBADMSG;
				break;
			}
			pt = rq->ptbuf;
		} else {
			pt = gp.info;
			len = gp.info_len;
		}
		if (gp.content)
			continue;
		if (ext.vtype == MIPKEX_VT_NAI) {
			if (len < 1 || len > MIPKEX_NAI_MAX_LEN) {
				err = -EINVAL;
				break;
			}
			memcpy(rq->nai, pt, len);
			rq->nai_len = len;
		} else if (ext.vtype == MIPKEX_VT_IP) {
			if (len != 4) {
				err = -EINVAL;
				break;
			}
			memcpy(&rq->home, pt, 4);
			rq->have_home = true;
		}
	}
	memzero_explicit(key, sizeof(key));
	memzero_explicit(rq->ptbuf, sizeof(rq->ptbuf));
	if (err)
		return err;
	if (rq->nai_len && (rq->nai_len != rq->k0.nai_len ||
			    memcmp(rq->nai, rq->k0.nai, rq->nai_len)))
		return -EPERM;
	if (rq->have_home && rq->home != rq->k0.home_addr)
		return -EPERM;
	return 0;
}

/* The value of the CVSE (or NVSE) SA payload of sub-type @sub in @buf. */
static void mipkex_ha_find_sa(const u8 *buf, size_t len, u8 type, u8 sub,
			      const u8 **value, size_t *vlen)
{
	struct mipkex_ext_iter it;
	struct mipkex_ext ext;

	*value = NULL;
	*vlen = 0;
	mipkex_ext_iter_init(&it, buf, len, 0);
	while (mipkex_ext_next(&it, &ext) > 0)
		if (ext.type == type && ext.vtype == MIPKEX_VT_SA_PAYLOAD &&
		    ext.value_len >= 2 && ext.value[0] == sub) {
			*value = ext.value;
			*vlen = ext.value_len;
			return;
		}
}

/*
 * Return: 0; the MN-HA pair's error (129 or 134 by
 * mipkex_nego_reply_code()); or an FA offer's error when it is malformed
 * (134). Pairs with the FA that are merely not agreed are left out.
 */
static int mipkex_ha_negotiate(const struct mipkex_ha_offers *o,
			       const struct mipkex_nego_policy *pol,
			       u32 lifetime, struct mipkex_ha_nego *ng)
{
	int err;

	memset(ng, 0, sizeof(*ng));
	if (!o->v[1])
		return -MIPKEX_NEGO_E_ARG;
	err = mipkex_nego_respond(o->v[1], o->l[1], pol, lifetime, &ng->c[1]);
	if (err)
		return err;
	ng->ok[1] = true;
	if (o->f[3]) {
		err = mipkex_nego_respond_faha(o->f[3], o->fl[3], pol, lifetime,
					       &ng->c[3]);
		if (!err)
			ng->ok[3] = true;
		else if (err != -MIPKEX_NEGO_E_NO_AGREEMENT)
			return err;
	}
	/* An FA offer of MN-FA without the mobile node's is ignored (6.5). */
	if (o->v[2] && o->f[2]) {
		err = mipkex_nego_respond_mnfa(o->v[2], o->l[2], o->f[2],
					       o->fl[2], pol, lifetime,
					       &ng->c[2]);
		if (!err)
			ng->ok[2] = true;
		else if (err != -MIPKEX_NEGO_E_NO_AGREEMENT)
			return err;
	}
	return 0;
}

/* A key delivery (5.4), wrapped (8.4) unless @clear. */
static int mipkex_ha_put_key(struct mipkex_wbuf *w, bool nvse, u32 vendor,
			     u8 content, u32 spi, enum mipkex_aead aead,
			     const u8 *wkey, u8 dir, u8 index, bool clear,
			     u32 sa_spi, u16 lifetime, const u8 *key, u64 rid)
{
	u8 info[MIPKEX_SA_INFO_HDR_LEN + MIPKEX_KDC_KEY_LEN];
	size_t off = w->len;
	int err = 0;
	u8 *v;

	put_unaligned_be32(sa_spi, info);
	put_unaligned_be32(lifetime, info + 4);
	info[8] = MIPKEX_KDC_KEY_LEN;
	info[9] = 0;
	memcpy(info + MIPKEX_SA_INFO_HDR_LEN, key, MIPKEX_KDC_KEY_LEN);
	v = mipkex_elem_put_gp(w, nvse, vendor, MIPKEX_VT_SA, content,
			       clear ? 0 : MIPKEX_ELEM_FLAG_E, clear ? 0 : spi,
			       info, sizeof(info),
			       clear ? 0 : MIPKEX_AEAD_TAG_LEN);
	memzero_explicit(info, sizeof(info));
	if (!v)
		return -EMSGSIZE;
	if (!clear)
		err = mipkex_vse_seal(aead, wkey, rid, dir, index, w->buf,
				      MIPKEX_RRP_FIXED_LEN, off, sizeof(info),
				      w->buf);
	return err;
}

/* Everything the protected reply needs besides the pending entry. */
struct mipkex_ha_rp {
	struct mipkex_ctx *ctx;
	struct mipkex_ha_pending *p;
	u32 vendor;
	struct mipkex_key0 k0;
	bool have_peer;
	struct mipkex_peer peer;
	struct mipkex_kdc_conf conf;
	struct mipkex_nego_policy pol;
	struct mipkex_ha_nego ng;
	struct mipkex_kdc_keys keys;
	u32 sa_spi[3];
	struct mipkex_binding_info bi;
};

/* The key exchange payload of the reply (7.1-7.3, 9.2). */
static void mipkex_ha_put_ke(struct mipkex_ha_rp *rp, struct mipkex_wbuf *w)
{
	const struct mipkex_ha_pending *p = rp->p;
	struct mipkex_ext_iter it;
	struct mipkex_ext ext;
	struct mipkex_ke ke, rke;

	memset(&rke, 0, sizeof(rke));
	if (p->mode != MIPKEX_KDC_MODE_DH) {
		rke.vtype = MIPKEX_VT_KE_KDC;
		rke.mode = p->mode;
		mipkex_elem_put_ke(w, rp->vendor, &rke);
		return;
	}
	mipkex_ext_iter_init(&it, p->tr, p->tr_len, 0);
	while (mipkex_ext_next(&it, &ext) > 0) {
		if (ext.vtype != MIPKEX_VT_KE_GROUP &&
		    ext.vtype != MIPKEX_VT_KE_USER)
			continue;
		if (mipkex_elem_ke(&ext, &ke))
			break;
		rke = ke;
		rke.pub = p->pub;
		rke.pub_len = p->pub_len;
		mipkex_elem_put_ke(w, rp->vendor, &rke);
		return;
	}
	if (!w->err)
		w->err = MIPKEX_WIRE_E_BAD_ARG;
}

/* The offers a pending request carried. */
static void mipkex_ha_offers_of(const struct mipkex_ha_pending *p,
				struct mipkex_ha_offers *o)
{
	memset(o, 0, sizeof(*o));
	mipkex_ha_find_sa(p->tr, p->tr_len, MIPKEX_EXT_CVSE, 1, &o->v[1],
			  &o->l[1]);
	mipkex_ha_find_sa(p->tr, p->tr_len, MIPKEX_EXT_CVSE, 2, &o->v[2],
			  &o->l[2]);
	if (!p->fa_ok)
		return;
	mipkex_ha_find_sa(p->fsa, p->fsa_len, MIPKEX_EXT_NVSE, 2, &o->f[2],
			  &o->fl[2]);
	mipkex_ha_find_sa(p->fsa, p->fsa_len, MIPKEX_EXT_NVSE, 3, &o->f[3],
			  &o->fl[3]);
}

/*
 * The keys and elements of an accepted reply (9.2): SA payloads, the key
 * exchange payload, KEY1/KEY3 for the mobile node. Fills the binding's
 * pairs. Called with the fixed part and the agent's first extensions
 * written.
 */
static int mipkex_ha_put_mn_side(struct mipkex_ha_rp *rp, struct mipkex_wbuf *w,
				 u64 rid, u16 lifetime)
{
	struct mipkex_ha_pending *p = rp->p;
	struct mipkex_ha_offers o;
	u8 key[MIPKEX_AEAD_KEY_LEN];
	u32 used[12];
	unsigned int n = 0, i, j;
	struct kvec tr[2];
	struct mipkex_kdc_reg reg;
	size_t tr_start;
	int err;
	u8 index = 0;

	mipkex_ha_offers_of(p, &o);
	err = mipkex_ha_negotiate(&o, &rp->pol, lifetime, &rp->ng);
	if (err)
		return err;
	/*
	 * The home agent's inbound SPIs: distinct, none a peer's, none of an
	 * SA it already has (6.2).
	 */
	for (i = 1; i <= 3; i++)
		for (j = 0; rp->ng.ok[i] && j < rp->ng.c[i].n_sa; j++) {
			used[n++] = rp->ng.c[i].sa[j].peer_spi;
			if (i == 2)
				used[n++] = rp->ng.c[i].sa[j].own_spi;
		}
	for (i = 1; i <= 3; i += 2)
		for (j = 0; rp->ng.ok[i] && j < rp->ng.c[i].n_sa; j++) {
			rp->ng.c[i].sa[j].own_spi =
				mipkex_xfrm_spi_new(rp->ctx->mn->net, used, n);
			used[n++] = rp->ng.c[i].sa[j].own_spi;
		}
	for (i = 0; i < 3; i++)
		rp->sa_spi[i] = mipkex_ha_spi(rp->sa_spi, i);

	if (p->mode != MIPKEX_KDC_MODE_DH) {
		memset(&reg, 0, sizeof(reg));
		reg.ident = p->ident;
		reg.mn_nai = p->nai;
		reg.mn_nai_len = p->nai_len;
		reg.home_addr = p->home;
		reg.ha_addr = p->ha;
		reg.coa = p->coa;
		rp->conf.mode = p->mode;
		err = mipkex_kdc_generate(&rp->conf, &reg, &rp->keys);
		if (err)
			return err;
	}

	tr_start = w->len;
	err = mipkex_nego_put_reply(w, rp->vendor, &rp->ng.c[1]);
	if (!err && rp->ng.ok[2])
		err = mipkex_nego_put_mnfa_mn(w, rp->vendor, &rp->ng.c[2]);
	if (err)
		return -EMSGSIZE;
	mipkex_ha_put_ke(rp, w);
	if (w->err)
		return -EMSGSIZE;
	if (p->mode == MIPKEX_KDC_MODE_DH) {
		tr[0].iov_base = p->tr;
		tr[0].iov_len = p->tr_len;
		tr[1].iov_base = w->buf + tr_start;
		tr[1].iov_len = w->len - tr_start;
		err = mipkex_kdc_dh_keys(p->z, p->z_len, tr, 2, &rp->keys);
		if (err)
			return err;
	} else {
		err = mipkex_derive(rp->k0.key, rp->k0.key_len,
				    MIPKEX_LABEL_WRAP, rp->k0.spi, rid, 0, 0,
				    false, key);
		if (!err)
			err = mipkex_ha_put_key(w, false, rp->vendor, 2,
						rp->k0.spi, rp->k0.aead, key,
						MIPKEX_DIR_HA_MN, index++, false,
						rp->sa_spi[0], lifetime,
						rp->keys.key1, rid);
		if (!err && rp->ng.ok[2])
			err = mipkex_ha_put_key(w, false, rp->vendor, 0,
						rp->k0.spi, rp->k0.aead, key,
						MIPKEX_DIR_HA_MN, index++, false,
						rp->sa_spi[2], lifetime,
						rp->keys.key3, rid);
		memzero_explicit(key, sizeof(key));
		if (err)
			return err;
	}

	/* The binding's pairs: MN-HA, FA-HA (the home agent is in both). */
	for (i = 1; i <= 3; i += 2)
		if (rp->ng.ok[i])
			mipkex_sa_info_from(&rp->bi, i == 1 ? MIPKEX_PAIR_MN_HA :
					    MIPKEX_PAIR_FA_HA, &rp->ng.c[i],
					    i == 1 ? rp->keys.key1 :
					    rp->keys.key2);
	return 0;
}

/* The FA's side of an accepted reply (9.2): NVSE SA payloads, KEY2, KEY3. */
static int mipkex_ha_put_fa_side(struct mipkex_ha_rp *rp, struct mipkex_wbuf *w,
				 u64 rid, u16 lifetime)
{
	struct mipkex_ha_pending *p = rp->p;
	bool clear = rp->conf.insecure;
	u8 key[MIPKEX_AEAD_KEY_LEN];
	u8 index = 0;
	int err = 0;

	if (rp->ng.ok[2])
		err = mipkex_nego_put_mnfa_fa(w, rp->vendor, &rp->ng.c[2]);
	if (!err && rp->ng.ok[3])
		err = mipkex_nego_put_faha_reply(w, rp->vendor, &rp->ng.c[3]);
	if (err)
		return -EMSGSIZE;
	if (!rp->ng.ok[2] && !rp->ng.ok[3])
		return 0;
	err = mipkex_derive(rp->peer.key, rp->peer.key_len, MIPKEX_LABEL_WRAP,
			    rp->peer.spi, rid, p->home, p->ha, true, key);
	if (!err && rp->ng.ok[3])
		err = mipkex_ha_put_key(w, true, rp->vendor, 1, rp->peer.spi,
					rp->peer.aead, key, MIPKEX_DIR_HA_FA,
					index++, clear, rp->sa_spi[1], lifetime,
					rp->keys.key2, rid);
	if (!err && rp->ng.ok[2])
		err = mipkex_ha_put_key(w, true, rp->vendor, 0, rp->peer.spi,
					rp->peer.aead, key, MIPKEX_DIR_HA_FA,
					index++, clear, rp->sa_spi[2], lifetime,
					rp->keys.key3, rid);
	memzero_explicit(key, sizeof(key));
	return err;
}

/*
 * Rewrite the agent's reply into the protected form (9.4, reply step 3):
 * @code 0 keeps the agent's code; otherwise the reply becomes a denial with
 * that code. @keys: an accepted reply that delivers keys.
 */
static int mipkex_ha_build_reply(struct mipkex_ha_rp *rp, u8 *buf, size_t cap,
				 size_t *out_len, u8 code, const char *why,
				 bool keys)
{
	struct mipkex_ctx *ctx = rp->ctx;
	struct mipkex_ha_pending *p = rp->p;
	struct mipkex_ext_iter it;
	struct mipkex_ext ext;
	struct mipkex_wbuf w;
	struct mipkex_msg m = ctx->msg;
	bool denial, msg_string = false, fa_side = false;
	int err;

	if (code) {
		m.code = code;
		m.lifetime = 0;
	}
	denial = m.code > 1;
	if (denial)
		memset(m.home, 0, 4);
	mipkex_wbuf_init(&w, buf, cap);
	mipkex_wire_put_fixed(&w, &m);
	mipkex_ext_iter_init(&it, ctx->data, ctx->len, ctx->msg.fixed_len);
	while (mipkex_ext_next(&it, &ext) > 0) {
		if (ext.off == ctx->msg.mn_ha_off) {
			if (denial && !msg_string)
				mipkex_ha_put_msg_string(&w, why);
			if (keys) {
				err = mipkex_ha_put_mn_side(rp, &w, m.id,
							    m.lifetime);
				if (err)
					return err;
			}
			err = mipkex_ha_put_mnha(&w, &rp->k0, m.id);
			if (err)
				return err;
			continue;
		}
		if ((ext.type == MIPKEX_EXT_CVSE || ext.type == MIPKEX_EXT_NVSE) &&
		    ext.vendor == rp->vendor)
			continue;
		if (ext.type == MIPKEX_EXT_NAI && ext.off < ctx->msg.mn_ha_off) {
			if (p->has_anon)
				mipkex_wire_put_ext(&w, MIPKEX_EXT_NAI, p->anon,
						    p->anon_len);
			continue;
		}
		if (ext.type == MIPKEX_EXT_MSG_STRING && !code)
			msg_string = true;
		if (ext.type == MIPKEX_EXT_MSG_STRING && code)
			continue;
		if (ext.type == MIPKEX_EXT_FA_HA_AUTH) {
			if (!rp->have_peer)
				return -EPERM;
			if (keys && p->fa_ok) {
				err = mipkex_ha_put_fa_side(rp, &w, m.id,
							    m.lifetime);
				if (err)
					return err;
				fa_side = true;
			}
			err = mipkex_ha_put_auth(&w, MIPKEX_EXT_FA_HA_AUTH,
						 rp->peer.spi, rp->peer.auth,
						 rp->peer.key,
						 rp->peer.key_len);
			if (err)
				return err;
			continue;
		}
		mipkex_wbuf_put(&w, ctx->data + ext.off, ext.hdr_len + ext.len);
	}
	if (w.err)
		return -EMSGSIZE;
	/* Keys for an FA that the reply could not carry are not delivered. */
	if (keys && !fa_side) {
		rp->ng.ok[3] = false;
		while (rp->bi.n_sa && rp->bi.sa[rp->bi.n_sa - 1].pair ==
		       MIPKEX_PAIR_FA_HA)
			rp->bi.n_sa--;
	}
	*out_len = w.len;
	return 0;
}

/* Copy what the binding needs (the pairs are filled while building). */
static void mipkex_ha_binding_info(struct mipkex_ha_rp *rp)
{
	struct mipkex_ha_pending *p = rp->p;
	struct mipkex_binding_info *bi = &rp->bi;

	bi->home_addr = p->home;
	bi->ha_addr = p->ha;
	bi->coa = p->coa;
	bi->fa_addr = (p->fa_ok || p->src != p->coa) ? p->src : 0;
	bi->key0_spi = p->spi;
	memcpy(bi->nai, p->nai, p->nai_len);
	bi->nai_len = p->nai_len;
	bi->mode = p->mode;
	bi->dh_group = p->dh_group;
	bi->lifetime = rp->ctx->msg.lifetime;
	bi->ident = p->ident;
}

static void mipkex_ha_rp_free(struct mipkex_ha_rp *rp)
{
	mipkex_kdc_keys_zero(&rp->keys);
	memzero_explicit(&rp->conf, sizeof(rp->conf));
	kfree_sensitive(rp);
}

/**
 * mipkex_ha_reply_out() - protect a reply of the home agent's agent
 * @ctx: the reply, at LOCAL_OUT
 *
 * A reply that answers a pending protected request (by KEY0 SPI and the
 * low-order 32 bits of the Identification) is verified in the plain form,
 * then rewritten into the protected form of protocol.rst 9.2: with keys
 * when it accepts a registration that asked for them, as a protected
 * denial when the agent denied it, without keys for a deregistration.
 * Anything else passes unchanged.
 *
 * Return: the worker's next step.
 */
enum mipkex_verdict mipkex_ha_reply_out(struct mipkex_ctx *ctx)
{
	struct mipkex_net *mn = ctx->mn;
	struct mipkex_ha_pending *p;
	const struct mipkex_key0 *k;
	const struct mipkex_peer *pr;
	struct mipkex_replay_state *rst;
	struct mipkex_replay_input rin;
	struct mipkex_ha_rp *rp = NULL;
	enum mipkex_verdict v = MIPKEX_VERDICT_DROP;
	struct mipkex_ext mnha;
	struct mipkex_ha *ha;
	size_t cap, len = 0;
	bool accepted, keys, late;
	u8 *buf = NULL;
	int err;

	if (!mipkex_ha_ext_at(ctx, ctx->msg.mn_ha_off, &mnha))
		return MIPKEX_VERDICT_PASS;
	ha = mipkex_ha_get(mn);
	if (!ha)
		return MIPKEX_VERDICT_PASS;
	p = mipkex_ha_pending_take(ha, mnha.spi, (u32)ctx->msg.id, &late);
	if (!p && late) {
		/*
		 * The answer to a request that expired or was answered
		 * already: it would leave in the plain form, with the mobile
		 * node's identity (9.4).
		 */
		mipkex_stat_inc(mn, MIPKEX_STAT_ERR_NO_PENDING);
		return MIPKEX_VERDICT_DROP;
	}
	if (!p)
		return MIPKEX_VERDICT_PASS;

	rp = kzalloc(sizeof(*rp), GFP_KERNEL);
	if (!rp)
		goto err_resource;
	rp->ctx = ctx;
	rp->p = p;
	rp->vendor = READ_ONCE(mn->vendor);
	rcu_read_lock();
	k = mipkex_key0_lookup_spi(mn, p->spi);
	if (k)
		rp->k0 = *k;
	pr = mipkex_peer_lookup(mn, p->src);
	if (pr) {
		rp->peer = *pr;
		rp->have_peer = true;
	}
	rcu_read_unlock();
	if (!k) {
		mipkex_stat_inc(mn, MIPKEX_STAT_ERR_UNKNOWN_SPI);
		goto out;
	}
	if (!mipkex_auth_check(rp->k0.auth, rp->k0.key, rp->k0.key_len,
			       ctx->data, &mnha)) {
		mipkex_stat_inc(mn, MIPKEX_STAT_ERR_AUTH);
		goto out;
	}
	mipkex_ha_conf(mn, &rp->conf, &rp->pol);

	/* Nonces: the agent's choice is the one expected next (9.4 step 4). */
	if (rp->k0.replay == MIPKEX_REPLAY_NONCE) {
		rst = mipkex_ha_replay(ha, p->spi, true);
		if (rst) {
			memset(&rin, 0, sizeof(rin));
			rin.mode = MIPKEX_REPLAY_NONCE;
			rin.id = p->ident;
			mipkex_replay_update(rst, &rin, ctx->msg.id, true);
		}
	}

	accepted = ctx->msg.code <= 1;
	keys = accepted && ctx->msg.lifetime && p->mode;
	cap = ctx->len + MIPKEX_HA_REPLY_EXTRA + p->tr_len;
	buf = kmalloc(cap, GFP_KERNEL);
	if (!buf)
		goto err_resource;
	mipkex_ha_binding_info(rp);
	err = mipkex_ha_build_reply(rp, buf, cap, &len, 0,
				    "denied by the home agent", keys);
	if (!err && accepted && ctx->msg.lifetime)
		err = mipkex_binding_accept(mn, &rp->bi);
	else if (!err && accepted)
		mipkex_binding_remove(mn, p->home, p->ha);
	if (err) {
		/* 9.4 reply step 2: any failure here turns it into 130. */
		mipkex_stat_inc(mn, MIPKEX_STAT_ERR_KDC);
		memset(&rp->bi, 0, sizeof(rp->bi));
		mipkex_kdc_keys_zero(&rp->keys);
		err = mipkex_ha_build_reply(rp, buf, cap, &len,
					    MIPKEX_CODE_KDC_FAILED,
					    "key generation failed", false);
		if (err)
			goto err_resource;
		accepted = false;
		keys = false;
	}
	if (mipkex_pkt_replace(ctx, buf, len)) {
		if (accepted && ctx->msg.lifetime)
			mipkex_binding_remove(mn, p->home, p->ha);
		goto err_resource;
	}
	if (!accepted || ctx->msg.code > 1)
		mipkex_event_denied(mn, p->home, p->ha, p->nai, ctx->msg.code,
				    "denied");
	/* For a retransmission of the request (9.4 step 4). */
	mipkex_ha_cache_put(ha, p->spi, p->ident, p->src, p->req, p->req_len,
			    ctx->data, ctx->len);
	v = MIPKEX_VERDICT_PASS;
	goto out;

err_resource:
	mipkex_stat_inc(mn, MIPKEX_STAT_ERR_RESOURCE);
out:
	kfree_sensitive(buf);
	if (rp) {
		memzero_explicit(&rp->bi, sizeof(rp->bi));
		memzero_explicit(&rp->k0, sizeof(rp->k0));
		memzero_explicit(&rp->peer, sizeof(rp->peer));
		mipkex_ha_rp_free(rp);
	}
	mipkex_ha_pending_free(p);
	return v;
}

/* The Message String of the denial that replaces a malformed reply. */
#define MIPKEX_HA_AGENT_REPLY_TEXT	"malformed reply from the agent"

/*
 * The denial (128) that answers the mobile node in place of the agent's
 * malformed reply to pending request @p (9.4, "An agent's reply that does
 * not parse"): signed with @p's KEY0, with the reply's Identification (the
 * agent's choice, a nonce the module then expects), sent from where the
 * request went to where it came from, and kept for its retransmissions.
 * Without the KEY0 (deleted since) nothing is sent.
 */
static void mipkex_ha_deny_agent_reply(struct mipkex_ctx *ctx,
				       struct mipkex_ha *ha,
				       const struct mipkex_ha_pending *p)
{
	static const u8 zero[4];
	struct mipkex_net *mn = ctx->mn;
	struct mipkex_replay_state *rst;
	struct mipkex_replay_input rin;
	const struct mipkex_key0 *k;
	const struct mipkex_peer *pr;
	struct mipkex_ha_denial d = {
		.code = MIPKEX_CODE_UNSPECIFIED,
		.home = zero,
		.ha = (const u8 *)&p->ha,
		.id = ctx->msg.id,
		.anon = p->has_anon ? p->anon : NULL,
		.anon_len = p->anon_len,
		.text = MIPKEX_HA_AGENT_REPLY_TEXT,
	};
	struct {
		struct mipkex_key0 k0;
		struct mipkex_peer peer;
		u8 buf[1024];
	} *s;
	struct mipkex_wbuf w;
	int err = -ENOMEM;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		goto out;
	rcu_read_lock();
	k = mipkex_key0_lookup_spi(mn, p->spi);
	if (k) {
		s->k0 = *k;
		d.k0 = &s->k0;
	}
	pr = mipkex_peer_lookup(mn, p->src);
	if (pr) {
		s->peer = *pr;
		d.peer = &s->peer;
	}
	rcu_read_unlock();
	if (!d.k0) {
		kfree_sensitive(s);
		return;
	}
	/* Nonces: the agent's choice is the one expected next (9.4 step 4). */
	if (s->k0.replay == MIPKEX_REPLAY_NONCE) {
		rst = mipkex_ha_replay(ha, p->spi, true);
		if (rst) {
			memset(&rin, 0, sizeof(rin));
			rin.mode = MIPKEX_REPLAY_NONCE;
			rin.id = p->ident;
			mipkex_replay_update(rst, &rin, ctx->msg.id, true);
		}
	}
	mipkex_wbuf_init(&w, s->buf, sizeof(s->buf));
	err = mipkex_ha_put_denial(&w, &d);
	if (!err)
		err = mipkex_pkt_send(mn->net, p->dst, p->src,
				      htons(MIPKEX_MIP_PORT), p->sport, w.buf,
				      w.len);
	if (!err)
		mipkex_ha_cache_put(ha, p->spi, p->ident, p->src, p->req,
				    p->req_len, w.buf, w.len);
	kfree_sensitive(s);
out:
	if (err) {
		mipkex_stat_inc(mn, MIPKEX_STAT_ERR_RESOURCE);
	} else {
		mipkex_stat_inc(mn, MIPKEX_STAT_DENIALS_SENT);
		mipkex_event_denied(mn, p->home, p->ha, p->nai,
				    MIPKEX_CODE_UNSPECIFIED,
				    MIPKEX_HA_AGENT_REPLY_TEXT);
	}
}

/**
 * mipkex_ha_reply_unparsed() - an agent's reply whose extensions the codec
 *	refuses
 * @ctx: the reply, at LOCAL_OUT; its fixed part parsed
 *
 * Such a reply is matched to a pending request as mipkex_ha_reply_out()
 * does, by the SPI of its MN-HA authentication extension when one comes
 * before the framing error, else by the low-order 32 bits of the
 * Identification alone (protocol.rst 9.4). It is never sent when it
 * answers a request the module unprotected: in the plain form it would
 * carry the mobile node's identity, and it cannot be protected. The mobile
 * node gets the module's denial (128) instead. A late one is dropped, and
 * one that matches two or more pending requests (no SPI) too. Anything
 * else answers no protected request and passes unchanged.
 *
 * Return: the worker's next step.
 */
enum mipkex_verdict mipkex_ha_reply_unparsed(struct mipkex_ctx *ctx)
{
	struct mipkex_net *mn = ctx->mn;
	struct mipkex_ha_pending *p;
	struct mipkex_ext mnha;
	struct mipkex_ha *ha;
	bool late;

	if (ctx->msg.type != MIPKEX_MSG_RRP)
		return MIPKEX_VERDICT_PASS;
	ha = mipkex_ha_get(mn);
	if (!ha)
		return MIPKEX_VERDICT_PASS;
	if (mipkex_ha_ext_at(ctx, ctx->msg.mn_ha_off, &mnha))
		p = mipkex_ha_pending_take(ha, mnha.spi, (u32)ctx->msg.id,
					   &late);
	else
		p = mipkex_ha_pending_take_id(ha, (u32)ctx->msg.id, &late);
	if (IS_ERR(p)) {
		mipkex_stat_inc(mn, MIPKEX_STAT_ERR_AGENT_REPLY);
		return MIPKEX_VERDICT_DROP;
	}
	if (!p && late) {
		mipkex_stat_inc(mn, MIPKEX_STAT_ERR_NO_PENDING);
		return MIPKEX_VERDICT_DROP;
	}
	if (!p)
		return MIPKEX_VERDICT_PASS;
	mipkex_stat_inc(mn, MIPKEX_STAT_ERR_AGENT_REPLY);
	mipkex_ha_deny_agent_reply(ctx, ha, p);
	mipkex_ha_pending_free(p);
	return MIPKEX_VERDICT_DROP;
}

/* The plain request for the agent (9.4 step 9). */
static int mipkex_ha_plain(struct mipkex_ha_rq *rq, u8 *buf, size_t cap,
			   size_t *out_len)
{
	struct mipkex_ctx *ctx = rq->ctx;
	struct mipkex_ext_iter it;
	struct mipkex_ext ext;
	struct mipkex_wbuf w;
	struct mipkex_msg m = ctx->msg;
	bool nai_done = false;
	int err;

	memcpy(m.home, &rq->home, 4);
	mipkex_wbuf_init(&w, buf, cap);
	mipkex_wire_put_fixed(&w, &m);
	mipkex_ext_iter_init(&it, ctx->data, ctx->len, ctx->msg.fixed_len);
	while (mipkex_ext_next(&it, &ext) > 0) {
		if (ext.off == ctx->msg.mn_ha_off) {
			if (!nai_done && rq->nai_len)
				mipkex_wire_put_ext(&w, MIPKEX_EXT_NAI, rq->nai,
						    rq->nai_len);
			err = mipkex_ha_put_auth(&w, MIPKEX_EXT_MN_HA_AUTH,
						 rq->k0.spi, rq->k0.auth,
						 rq->k0.key, rq->k0.key_len);
			if (err)
				return err;
			continue;
		}
		if (ext.type == MIPKEX_EXT_FA_HA_AUTH) {
			err = mipkex_ha_put_auth(&w, MIPKEX_EXT_FA_HA_AUTH,
						 rq->peer.spi, rq->peer.auth,
						 rq->peer.key,
						 rq->peer.key_len);
			if (err)
				return err;
			continue;
		}
		if ((ext.type == MIPKEX_EXT_CVSE || ext.type == MIPKEX_EXT_NVSE) &&
		    ext.vendor == rq->vendor)
			continue;
		if (ext.type == MIPKEX_EXT_NAI && ext.off < ctx->msg.mn_ha_off &&
		    !nai_done) {
			mipkex_wire_put_ext(&w, MIPKEX_EXT_NAI, rq->nai,
					    rq->nai_len);
			nai_done = true;
			continue;
		}
		mipkex_wbuf_put(&w, ctx->data + ext.off, ext.hdr_len + ext.len);
	}
	if (w.err)
		return -EMSGSIZE;
	*out_len = w.len;
	return 0;
}

/* Copy the CVSEs of types 5, 8, 9 and the NVSE SA payloads of VENDOR. */
static size_t mipkex_ha_collect(const struct mipkex_ha_rq *rq, u8 type,
				u8 *out)
{
	const struct mipkex_ctx *ctx = rq->ctx;
	struct mipkex_ext_iter it;
	struct mipkex_ext ext;
	size_t n = 0, l;

	mipkex_ext_iter_init(&it, ctx->data, ctx->len, ctx->msg.fixed_len);
	while (mipkex_ext_next(&it, &ext) > 0) {
		if (ext.type != type || ext.vendor != rq->vendor)
			continue;
		if (ext.vtype != MIPKEX_VT_SA_PAYLOAD &&
		    (type == MIPKEX_EXT_NVSE ||
		     (ext.vtype != MIPKEX_VT_KE_GROUP &&
		      ext.vtype != MIPKEX_VT_KE_USER)))
			continue;
		l = ext.hdr_len + ext.len;
		if (out)
			memcpy(out + n, ctx->data + ext.off, l);
		n += l;
	}
	return n;
}

/* The offers a request carries (the FA's only behind a verified FA-HA). */
static void mipkex_ha_offers_of_rq(const struct mipkex_ha_rq *rq,
				   struct mipkex_ha_offers *o)
{
	const struct mipkex_elems *el = &rq->el;
	unsigned int i;

	memset(o, 0, sizeof(*o));
	for (i = 1; i <= 2; i++)
		if (el->sa_payload[i].type) {
			o->v[i] = el->sa_payload[i].value;
			o->l[i] = el->sa_payload[i].value_len;
		}
	for (i = 2; rq->have_peer && i <= 3; i++)
		if (el->fa_sa_payload[i].type) {
			o->f[i] = el->fa_sa_payload[i].value;
			o->fl[i] = el->fa_sa_payload[i].value_len;
		}
}

/*
 * Steps 7 and 8: negotiation, mode, Diffie-Hellman; the pending entry.
 * Return: the entry, or NULL with the denial's code, counter and text set.
 */
static struct mipkex_ha_pending *
mipkex_ha_prepare(struct mipkex_ha_rq *rq, u8 *code, enum mipkex_stat *why,
		  const char **text, bool *counter)
{
	struct mipkex_ctx *ctx = rq->ctx;
	struct mipkex_ha_pending *p;
	struct mipkex_ha_offers o;
	struct mipkex_dh_secret sec;
	struct mipkex_dh_group ug;
	const struct mipkex_dh_group *grp = NULL;
	struct mipkex_ke ke;
	size_t tr_len, fsa_len, extra = 0;
	u16 strength = 0;
	bool user_ok = false;
	u8 mode = 0;
	int err;

	*code = MIPKEX_CODE_POORLY_FORMED;
	*why = MIPKEX_STAT_ERR_MALFORMED;
	*text = "poorly formed request";
	*counter = false;

	memset(&ke, 0, sizeof(ke));
	if (rq->el.ke.type && mipkex_elem_ke(&rq->el.ke, &ke))
		return NULL;
	if (rq->el.ke.type && !rq->el.sa_payload[1].type) {
		*text = "key exchange without MN-HA SA payload";
		return NULL;
	}
	/* Without a key exchange payload nothing is answered (8.6.4). */
	if (rq->el.ke.type) {
		mipkex_ha_offers_of_rq(rq, &o);
		err = mipkex_ha_negotiate(&o, &rq->pol, ctx->msg.lifetime,
					  &rq->ng);
		if (err) {
			*code = mipkex_nego_reply_code(err);
			if (*code == MIPKEX_CODE_ADMIN_PROHIBITED) {
				*why = MIPKEX_STAT_ERR_NEGOTIATION;
				*text = "no acceptable MN-HA proposal";
				*counter = true;
			} else {
				*code = MIPKEX_CODE_POORLY_FORMED;
			}
			return NULL;
		}
	}

	*code = MIPKEX_CODE_ADMIN_PROHIBITED;
	*why = MIPKEX_STAT_ERR_NEGOTIATION;
	switch (ke.vtype) {
	case MIPKEX_VT_KE_KDC:
		if (ke.key_len) {
			*code = MIPKEX_CODE_POORLY_FORMED;
			*why = MIPKEX_STAT_ERR_MALFORMED;
			*text = "wrapped KDC key in a request";
			return NULL;
		}
		mode = rq->conf.mode;
		if (mode == MIPKEX_KDC_MODE_DH) {
			*text = "KDC mode not offered";
			return NULL;
		}
		if (mode == MIPKEX_KDC_MODE_SEMI && !rq->conf.seed_len) {
			*code = MIPKEX_CODE_KDC_FAILED;
			*why = MIPKEX_STAT_ERR_KDC;
			*text = "no semi-stateful seed";
			return NULL;
		}
		break;
	case MIPKEX_VT_KE_USER:
		user_ok = mipkex_ha_user_group_is(ctx->mn, &ke, &strength);
		fallthrough;
	case MIPKEX_VT_KE_GROUP:
		if (mipkex_nego_dh_check(&rq->pol, &ke, user_ok)) {
			*text = "Diffie-Hellman group not allowed";
			return NULL;
		}
		if (ke.vtype == MIPKEX_VT_KE_GROUP) {
			grp = mipkex_dh_group_find(ke.group);
		} else {
			memset(&ug, 0, sizeof(ug));
			ug.id = MIPKEX_DH_GROUP_USER;
			ug.strength = strength;
			ug.p = ke.prime;
			ug.p_len = ke.prime_len;
			ug.g = ke.gen;
			ug.g_len = ke.gen_len;
			grp = &ug;
		}
		if (!grp)
			return NULL;
		mode = MIPKEX_KDC_MODE_DH;
		extra = 2 * grp->p_len;
		break;
	}

	tr_len = mipkex_ha_collect(rq, MIPKEX_EXT_CVSE, NULL);
	fsa_len = rq->has_faha ? mipkex_ha_collect(rq, MIPKEX_EXT_NVSE, NULL) : 0;
	p = mipkex_ha_pending_alloc(extra + tr_len + fsa_len + ctx->len);
	*code = MIPKEX_CODE_KDC_FAILED;
	*why = MIPKEX_STAT_ERR_RESOURCE;
	*text = "no memory";
	if (!p)
		return NULL;
	p->tr = p->data + extra;
	p->tr_len = mipkex_ha_collect(rq, MIPKEX_EXT_CVSE, p->tr);
	p->fsa = p->tr + tr_len;
	if (rq->has_faha)
		p->fsa_len = mipkex_ha_collect(rq, MIPKEX_EXT_NVSE, p->fsa);
	p->req = p->fsa + fsa_len;
	p->req_len = ctx->len;
	memcpy(p->req, ctx->data, ctx->len);
	p->mode = mode;
	if (mode == MIPKEX_KDC_MODE_DH) {
		*why = MIPKEX_STAT_ERR_KDC;
		*text = "Diffie-Hellman failed";
		p->z = p->data;
		p->pub = p->data + grp->p_len;
		p->z_len = grp->p_len;
		p->pub_len = grp->p_len;
		p->dh_group = grp->id;
		err = mipkex_dh_check_public(grp, ke.pub, ke.pub_len);
		if (!err)
			err = mipkex_dh_generate(grp, &sec, p->pub);
		if (!err)
			err = mipkex_dh_compute(&sec, ke.pub, ke.pub_len, p->z);
		memzero_explicit(&sec, sizeof(sec));
		if (err) {
			mipkex_ha_pending_free(p);
			return NULL;
		}
	}
	return p;
}

/**
 * mipkex_ha_request_malformed() - a request the codec rejects, arriving for
 *	the home agent (protocol.rst 9.4 step 1)
 * @ctx: the request, at LOCAL_IN, whose framing mipkex_wire_parse() refused;
 *	@ctx->msg holds its fixed part
 *
 * A request with a CVSE of the configured vendor among its well-formed
 * first extensions is protected: it is denied with code 134 and a Message
 * String saying what is wrong, and never reaches the agent. The denial is
 * signed as 9.4 says when the first MN-HA authentication extension names a
 * KEY0 (the request is not authenticated: its framing comes first), and is
 * unsigned otherwise. Anything else passes unchanged, for the agent to
 * answer as RFC 5944 says.
 *
 * Return: the worker's next step.
 */
enum mipkex_verdict mipkex_ha_request_malformed(struct mipkex_ctx *ctx)
{
	struct mipkex_net *mn = ctx->mn;
	const struct mipkex_key0 *k;
	const struct mipkex_peer *pr;
	struct mipkex_ext_iter it;
	struct mipkex_ha_rq *rq;
	struct mipkex_ext ext;
	struct mipkex_msg msg;
	enum mipkex_verdict v;
	bool dh, mnha = false;
	int err;

	if (!mipkex_ha_protected(ctx, READ_ONCE(mn->vendor), &dh))
		return MIPKEX_VERDICT_PASS;
	err = mipkex_wire_parse(ctx->data, ctx->len, &msg);
	rq = kzalloc(sizeof(*rq), GFP_KERNEL);
	if (!rq) {
		mipkex_stat_inc(mn, MIPKEX_STAT_ERR_RESOURCE);
		return MIPKEX_VERDICT_DROP;
	}
	rq->ctx = ctx;
	rq->vendor = READ_ONCE(mn->vendor);
	rq->reply_id = ctx->msg.id;
	mipkex_ext_iter_init(&it, ctx->data, ctx->len, ctx->msg.fixed_len);
	while (!mnha && mipkex_ext_next(&it, &ext) > 0) {
		if (ext.type == MIPKEX_EXT_MN_HA_AUTH) {
			rq->mnha = ext;
			mnha = true;
		} else if (ext.type == MIPKEX_EXT_NAI && !rq->has_anon) {
			rq->anon = ext;
			rq->has_anon = true;
		}
	}
	rcu_read_lock();
	k = mnha ? mipkex_key0_lookup_spi(mn, rq->mnha.spi) : NULL;
	if (k) {
		rq->k0 = *k;
		rq->have_key0 = true;
	}
	pr = mipkex_peer_lookup(mn, ctx->saddr);
	if (pr) {
		rq->peer = *pr;
		rq->have_peer = true;
	}
	rcu_read_unlock();
	v = mipkex_ha_deny(rq, MIPKEX_CODE_POORLY_FORMED,
			   MIPKEX_STAT_ERR_MALFORMED,
			   err ? mipkex_wire_strerror(err) :
			   "poorly formed request", false);
	kfree_sensitive(rq);
	return v;
}

/**
 * mipkex_ha_request_in() - unprotect a request arriving for the home agent
 * @ctx: the request, at LOCAL_IN
 *
 * A request without a CVSE of the configured vendor is plain RFC 5944 and
 * passes unchanged. A protected one is checked as protocol.rst 9.4 says;
 * a failure is answered with a denial the module sends itself (and the
 * request dropped), success hands the agent the plain request and keeps
 * what its reply needs.
 *
 * Return: the worker's next step.
 */
enum mipkex_verdict mipkex_ha_request_in(struct mipkex_ctx *ctx)
{
	struct mipkex_net *mn = ctx->mn;
	struct mipkex_ha_pending *p = NULL;
	struct mipkex_ha_rq *rq;
	enum mipkex_verdict v;
	enum mipkex_stat why;
	const char *text;
	size_t len = 0;
	bool dh, counter;
	u8 *buf = NULL;
	u8 code;
	int err;

	if (!mipkex_ha_protected(ctx, READ_ONCE(mn->vendor), &dh))
		return MIPKEX_VERDICT_PASS;
	rq = kzalloc(sizeof(*rq), GFP_KERNEL);
	if (!rq) {
		mipkex_stat_inc(mn, MIPKEX_STAT_ERR_RESOURCE);
		return MIPKEX_VERDICT_DROP;
	}
	rq->ctx = ctx;
	rq->vendor = READ_ONCE(mn->vendor);
	rq->reply_id = ctx->msg.id;
	rq->ha = mipkex_ha_get(mn);
	if (!rq->ha) {
		mipkex_stat_inc(mn, MIPKEX_STAT_ERR_RESOURCE);
		v = MIPKEX_VERDICT_DROP;
		goto out;
	}
	/* RFC 5944 1.9: an unknown extension 0-127: discard silently. */
	if (ctx->msg.unknown_critical_off) {
		mipkex_stat_inc(mn, MIPKEX_STAT_ERR_MALFORMED);
		v = MIPKEX_VERDICT_DROP;
		goto out;
	}
	/* Rate limit: only requests that will need public-key work. */
	if (dh && !mipkex_ha_ratelimit(rq->ha, ctx->saddr)) {
		mipkex_stat_inc(mn, MIPKEX_STAT_ERR_RATELIMIT);
		v = MIPKEX_VERDICT_DROP;
		goto out;
	}
	/* Step 1, framing: mipkex_wire_parse() checked it. */
	mipkex_ha_ext_at(ctx, ctx->msg.mn_ha_off, &rq->mnha);
	rq->has_faha = mipkex_ha_ext_at(ctx, ctx->msg.fa_ha_off, &rq->faha);
	{
		struct mipkex_ext_iter it;
		struct mipkex_ext ext;

		mipkex_ext_iter_init(&it, ctx->data, ctx->len,
				     ctx->msg.fixed_len);
		while (mipkex_ext_next(&it, &ext) > 0 &&
		       ext.off < ctx->msg.mn_ha_off)
			if (ext.type == MIPKEX_EXT_NAI && !rq->has_anon) {
				rq->anon = ext;
				rq->has_anon = true;
			}
	}

	/* Steps 2 and 3. */
	if (mipkex_ha_authenticate(rq, &code, &why, &text)) {
		v = mipkex_ha_deny(rq, code, why, text, false);
		goto out;
	}
	mipkex_ha_conf(mn, &rq->conf, &rq->pol);

	/* Step 4: a retransmission, then replay. */
	if (mipkex_ha_retransmission(rq)) {
		v = MIPKEX_VERDICT_DROP;
		goto out;
	}
	rq->rst = mipkex_ha_replay(rq->ha, rq->k0.spi, true);
	if (!rq->rst) {
		mipkex_stat_inc(mn, MIPKEX_STAT_ERR_RESOURCE);
		v = MIPKEX_VERDICT_DROP;
		goto out;
	}
	rq->rin.mode = rq->k0.replay;
	rq->rin.window = rq->k0.window;
	rq->rin.now = (u32)(mipkex_ntp_now() >> 32);
	rq->rin.next_nonce = get_random_u32();
	rq->rin.id = ctx->msg.id;
	if (mipkex_replay_check(rq->rst, &rq->rin, &rq->reply_id)) {
		mipkex_replay_update(rq->rst, &rq->rin, rq->reply_id, false);
		v = mipkex_ha_deny(rq, MIPKEX_CODE_ID_MISMATCH,
				   MIPKEX_STAT_ERR_REPLAY,
				   "Identification mismatch", false);
		goto out;
	}

	/*
	 * Another request with the Identification of one the agent is
	 * answering (nonces: it is still fresh): the agent's reply could not
	 * tell them apart (8.6.4).
	 */
	if (mipkex_ha_pending_find(rq->ha, rq->k0.spi, ctx->msg.id)) {
		mipkex_stat_inc(mn, MIPKEX_STAT_ERR_REPLAY);
		v = MIPKEX_VERDICT_DROP;
		goto out;
	}

	/* Step 5: the elements. */
	code = mipkex_ha_reserved_vtype(rq);
	if (code) {
		v = mipkex_ha_deny_fresh(rq, code, MIPKEX_STAT_ERR_MALFORMED,
					 "vendor extension not understood",
					 false);
		goto out;
	}
	if (mipkex_elem_scan(ctx->data, ctx->len, &ctx->msg, rq->vendor,
			     &rq->el) ||
	    rq->el.mn_sa[0].type || rq->el.mn_sa[2].type ||
	    rq->el.fa_sa[0].type || rq->el.fa_sa[1].type ||
	    (rq->has_anon && !rq->el.nai.type)) {
		v = mipkex_ha_deny_fresh(rq, MIPKEX_CODE_POORLY_FORMED,
					 MIPKEX_STAT_ERR_MALFORMED,
					 "poorly formed request", false);
		goto out;
	}

	/* Step 6: identity. */
	err = mipkex_ha_identity(rq);
	if (err) {
		if (err == -EPERM)
			v = mipkex_ha_deny_fresh(rq, MIPKEX_CODE_MN_AUTH,
						 MIPKEX_STAT_ERR_IDENTITY,
						 "identity mismatch", false);
		else if (err == -EBADMSG)
			v = mipkex_ha_deny_fresh(rq, MIPKEX_CODE_POORLY_FORMED,
						 MIPKEX_STAT_ERR_DECRYPT,
						 "decryption failed", false);
		else
			v = mipkex_ha_deny_fresh(rq, MIPKEX_CODE_POORLY_FORMED,
						 MIPKEX_STAT_ERR_MALFORMED,
						 "poorly formed request",
						 false);
		goto out;
	}

	/* Steps 7 and 8. */
	p = mipkex_ha_prepare(rq, &code, &why, &text, &counter);
	if (!p) {
		v = mipkex_ha_deny_fresh(rq, code, why, text, counter);
		goto out;
	}

	/* Step 9. */
	buf = kmalloc(ctx->len + 2 + MIPKEX_NAI_MAX_LEN + 64, GFP_KERNEL);
	err = buf ? mipkex_ha_plain(rq, buf, ctx->len + 2 +
				    MIPKEX_NAI_MAX_LEN + 64, &len) : -ENOMEM;
	if (err) {
		v = mipkex_ha_deny_fresh(rq, MIPKEX_CODE_KDC_FAILED,
					 MIPKEX_STAT_ERR_RESOURCE,
					 "no memory", false);
		goto out;
	}
	p->spi = rq->k0.spi;
	p->ident = ctx->msg.id;
	p->home = rq->home;
	memcpy(&p->ha, ctx->msg.ha, 4);
	memcpy(&p->coa, ctx->msg.coa, 4);
	p->src = ctx->saddr;
	p->dst = ctx->daddr;
	p->sport = ctx->sport;
	p->fa_ok = rq->have_peer && rq->has_faha;
	p->req_lifetime = ctx->msg.lifetime;
	memcpy(p->nai, rq->nai, rq->nai_len);
	p->nai_len = rq->nai_len;
	if (rq->has_anon) {
		p->has_anon = true;
		p->anon_len = rq->anon.len;
		memcpy(p->anon, rq->anon.data, rq->anon.len);
	}
	if (mipkex_pkt_replace(ctx, buf, len)) {
		/* The skb may hold a part of the new payload: drop it. */
		mipkex_stat_inc(mn, MIPKEX_STAT_ERR_RESOURCE);
		v = MIPKEX_VERDICT_DROP;
		goto out;
	}
	/* Timestamps: the Identification is used up (replay.h). */
	if (rq->k0.replay != MIPKEX_REPLAY_NONCE)
		mipkex_replay_update(rq->rst, &rq->rin, rq->reply_id, true);
	mipkex_ha_pending_add(rq->ha, p);
	p = NULL;
	v = MIPKEX_VERDICT_PASS;
out:
	mipkex_ha_pending_free(p);
	kfree_sensitive(buf);
	kfree_sensitive(rq);
	return v;
}
