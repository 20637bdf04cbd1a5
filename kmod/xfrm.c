// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex: the negotiated SAs of each binding in XFRM (Documentation/xfrm.rst,
 * protocol.rst 8.7).
 *
 * The binding store calls mipkex_xfrm_add() before it publishes a binding
 * and mipkex_xfrm_del() once per binding that leaves it. For each
 * negotiated pair this node is an end of, add installs one XFRM state per
 * protocol (ESP, AH: an AND proposal negotiates both) and direction, keyed
 * by KDF(KEYn, "mipkex esp", SPI || protocol || transforms), and takes a
 * reference on the XFRM policies the namespace's policy mode asks for
 * (shared between bindings, counted here), whose templates name every
 * protocol of the pair, ESP first (innermost) and AH last (outermost).
 *
 * A re-registration rekeys make-before-break. The new inbound SA goes in
 * at once; the old one stays for MIPKEX_XFRM_RETIRE for what is still in
 * flight. The new outbound SA goes in at once where the peer installed its
 * side first (the home agent installs before it replies, the foreign agent
 * before it relays the reply, the mobile node last); elsewhere it waits on
 * standby, its keying material held, until the new inbound SA of the pair
 * has carried a packet (the peer has the keys) or MIPKEX_XFRM_SWITCH
 * passed, and then replaces the old outbound SA.
 *
 * A key manager (struct xfrm_mgr) hears of SAs deleted, flushed or expired
 * in XFRM and wakes the namespace's work, which finds the module's states
 * that died, reports them and marks their binding's pair.
 *
 * Everything but the key manager's notification runs in process context
 * under the namespace's xfrm lock, taken inside the binding store's lock.
 */

#include <asm/unaligned.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/netlink.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/xfrm.h>

#include "binding.h"
#include "crypto.h"
#include "kdc.h"
#include "negotiate.h"
#include "xfrm.h"

#define MIPKEX_LABEL_ESP	"mipkex esp"
#define MIPKEX_XFRM_SWITCH	(2 * HZ)
#define MIPKEX_XFRM_RETIRE	(10 * HZ)
#define MIPKEX_XFRM_TICK	(HZ / 10)
#define MIPKEX_KEYMAT_MAX	36
#define MIPKEX_XBIND_MAX_POL	16
/* Templates of a pair's policy: ESP, then AH (RFC 4301: AH outermost). */
#define MIPKEX_XPOL_MAX_TMPL	2
/* Lower is stronger; an administrator's default priority 0 wins over all. */
#define MIPKEX_PRIO_BYPASS	0x6d00
#define MIPKEX_PRIO_PAIR	0x6d10
#define MIPKEX_PRIO_HOME	0x6d20
#define MIPKEX_PORT_REG		434

/* SADB algorithm numbers (RFC 2367, RFC 4106) XFRM reports with a state. */
#define MIPKEX_SADB_AALG_SHA1	3
#define MIPKEX_SADB_AALG_SHA256	5
#define MIPKEX_SADB_EALG_NULL	11
#define MIPKEX_SADB_EALG_GCM16	20

/**
 * struct mipkex_xsa - one XFRM SA the module installed or is about to
 * @node: in &mipkex_xfrm_net.sas
 * @x: the XFRM state, held; NULL on standby and once it is gone
 * @owner: the binding it belongs to; NULL once orphaned by a rekey
 * @replaces: standby only: the outbound SA it takes over from, or NULL
 * @home: its binding's home address
 * @ha: its binding's HA address
 * @saddr: source address (outer in tunnel mode)
 * @daddr: destination address
 * @spi: SPI
 * @hard: hard lifetime, seconds, 0 for none
 * @soft: soft lifetime, seconds, 0 for none
 * @encr_id: IKEv2 encryption transform, 0 if none
 * @encr_bits: its key length in bits
 * @integ_id: IKEv2 integrity transform, 0 if none
 * @pair: %MIPKEX_PAIR_MN_HA, _MN_FA or _FA_HA
 * @dir: &enum mipkex_xsa_dir
 * @protocol: 50 or 51
 * @mode: &enum mipkex_sa_mode
 * @state: &enum mipkex_xsa_state
 * @dying: its soft lifetime ran out (reported)
 * @rekey: it took over from an SA of the previous registration
 * @deadline: jiffies: standby switch at the latest, or retirement
 * @since: when it was installed or planned (wall clock, seconds)
 * @keymat_len: bytes of @keymat
 * @keymat: standby only: its keying material, zeroised once used
 */
struct mipkex_xsa {
	struct list_head node;
	struct xfrm_state *x;
	const void *owner;
	struct mipkex_xsa *replaces;
	__be32 home;
	__be32 ha;
	__be32 saddr;
	__be32 daddr;
	u32 spi;
	u32 hard;
	u32 soft;
	u16 encr_id;
	u16 encr_bits;
	u16 integ_id;
	u8 pair;
	u8 dir;
	u8 protocol;
	u8 mode;
	u8 state;
	bool dying;
	bool rekey;
	unsigned long deadline;
	time64_t since;
	u8 keymat_len;
	u8 keymat[MIPKEX_KEYMAT_MAX];
};

/**
 * struct mipkex_xpol - one XFRM policy the module installed, shared by the
 *	bindings that need it
 * @node: in &mipkex_xfrm_net.pols
 * @key: what identifies it (selector, direction, priority, template)
 * @key.sel: the selector
 * @key.priority: the priority
 * @key.dir: XFRM_POLICY_IN, _OUT or _FWD
 * @key.bypass: no template: traffic it selects passes in clear
 * @key.n_tmpl: templates, one per protocol of @key.proto
 * @key.proto: template protocols, innermost (applied first on output)
 *	first
 * @key.mode: template XFRM mode
 * @key.reqid: template reqid
 * @key.tsrc: template tunnel source
 * @key.tdst: template tunnel destination
 * @index: its XFRM index
 * @refs: bindings that use it
 */
struct mipkex_xpol {
	struct list_head node;
	struct {
		struct xfrm_selector sel;
		u32 priority;
		u8 dir;
		u8 bypass;
		u8 n_tmpl;
		u8 proto[MIPKEX_XPOL_MAX_TMPL];
		u8 mode;
		u32 reqid;
		__be32 tsrc;
		__be32 tdst;
	} key;
	u32 index;
	unsigned int refs;
};

/**
 * struct mipkex_xbind - what the XFRM layer keeps for a binding
 *	(&mipkex_binding.xfrm); read under RCU by binding dumps
 * @rcu: freed after a grace period
 * @pairs: bit per pair with SAs
 * @lost: bit per pair and protocol (mipkex_xsa_bit()) one of whose SAs died
 *	behind the module's back
 * @n_pol: entries of @pol
 * @pol: the policies it holds a reference on
 */
struct mipkex_xbind {
	struct rcu_head rcu;
	unsigned long pairs;
	unsigned long lost;
	unsigned int n_pol;
	struct mipkex_xpol *pol[MIPKEX_XBIND_MAX_POL];
};

/**
 * struct mipkex_xfrm_net - the XFRM layer's state in one namespace
 * @lock: protects everything here
 * @sas: &struct mipkex_xsa
 * @pols: &struct mipkex_xpol
 * @work: standby switches, retirements, and the SAs XFRM reports dead
 * @mn: the namespace
 * @dead: namespace exit began: the key manager must not queue @work
 */
struct mipkex_xfrm_net {
	struct mutex lock; /* everything here */
	struct list_head sas;
	struct list_head pols;
	struct delayed_work work;
	struct mipkex_net *mn;
	bool dead;
};

/* ---- keying material (protocol.rst 8.7) -------------------------------- */

static unsigned int mipkex_encr_bytes(u16 encr_id, u16 encr_bits)
{
	switch (encr_id) {
	case MIPKEX_XF_ENCR_AES_GCM_16:
		return encr_bits == 128 || encr_bits == 256 ?
		       encr_bits / 8 + 4 : 0;
	case MIPKEX_XF_ENCR_CHACHA20_POLY1305:
		return 32 + 4;
	}
	return 0;
}

static unsigned int mipkex_integ_bytes(u16 integ_id)
{
	switch (integ_id) {
	case MIPKEX_XF_AUTH_HMAC_SHA2_256_128:
		return 32;
	case MIPKEX_XF_AUTH_HMAC_SHA1_96:
		return 20;
	}
	return 0;
}

/**
 * mipkex_xfrm_keymat() - an SA's keying material (protocol.rst 8.7)
 * @key: the pair's key (KEY1, KEY2 or KEY3)
 * @keylen: its length
 * @spi: the SA's SPI
 * @protocol: 50 (ESP) or 51 (AH)
 * @encr_id: IKEv2 encryption transform, 0 if none
 * @encr_bits: its key length in bits (ignored for ChaCha20-Poly1305)
 * @integ_id: IKEv2 integrity transform, 0 if none
 * @out: the keying material: encryption key, salt, integrity key
 * @outlen: set to its length (at most %MIPKEX_KEYMAT_MAX)
 *
 * Return: 0, -EINVAL for a suite 8.7 does not key, or the KDF's error.
 */
int mipkex_xfrm_keymat(const u8 *key, size_t keylen, u32 spi, u8 protocol,
		       u16 encr_id, u16 encr_bits, u16 integ_id, u8 *out,
		       size_t *outlen)
{
	unsigned int ebytes = mipkex_encr_bytes(encr_id, encr_bits);
	unsigned int ibytes = mipkex_integ_bytes(integ_id);
	u8 ctx[11];
	struct kvec v = { ctx, sizeof(ctx) };

	if (encr_id == MIPKEX_XF_ENCR_CHACHA20_POLY1305)
		encr_bits = 256;
	if ((encr_id && !ebytes) || (integ_id && !ibytes) ||
	    !(ebytes + ibytes) || (encr_id && integ_id) ||
	    (protocol == MIPKEX_PROTO_AH && !integ_id) ||
	    (protocol != MIPKEX_PROTO_AH && protocol != MIPKEX_PROTO_ESP))
		return -EINVAL;
	put_unaligned_be32(spi, ctx);
	ctx[4] = protocol;
	put_unaligned_be16(encr_id, ctx + 5);
	put_unaligned_be16(encr_id ? encr_bits : 0, ctx + 7);
	put_unaligned_be16(integ_id, ctx + 9);
	*outlen = ebytes + ibytes;
	return mipkex_kdf(key, keylen, MIPKEX_LABEL_ESP, &v, 1, out, *outlen);
}

/* ---- events -------------------------------------------------------------- */

static const char *mipkex_xsa_alg(const struct mipkex_xsa *s)
{
	switch (s->encr_id) {
	case MIPKEX_XF_ENCR_AES_GCM_16:
		return "rfc4106(gcm(aes))";
	case MIPKEX_XF_ENCR_CHACHA20_POLY1305:
		return "rfc7539esp(chacha20,poly1305)";
	}
	switch (s->integ_id) {
	case MIPKEX_XF_AUTH_HMAC_SHA2_256_128:
		return "hmac(sha256)";
	case MIPKEX_XF_AUTH_HMAC_SHA1_96:
		return "hmac(sha1)";
	}
	return "";
}

static int mipkex_xsa_fill(struct sk_buff *msg, const struct mipkex_xsa *s)
{
	struct xfrm_state *x = s->x;
	struct nlattr *nest;
	time64_t age;

	nest = nla_nest_start(msg, MIPKEX_A_XSA);
	if (!nest)
		return -EMSGSIZE;
	age = ktime_get_real_seconds() - s->since;
	if (nla_put_in_addr(msg, MIPKEX_XSA_A_HOME_ADDR, s->home) ||
	    nla_put_in_addr(msg, MIPKEX_XSA_A_HA_ADDR, s->ha) ||
	    nla_put_u8(msg, MIPKEX_XSA_A_PAIR, s->pair) ||
	    nla_put_u8(msg, MIPKEX_XSA_A_DIR, s->dir) ||
	    nla_put_u8(msg, MIPKEX_XSA_A_STATE, s->state) ||
	    nla_put_u8(msg, MIPKEX_XSA_A_PROTOCOL, s->protocol) ||
	    nla_put_u32(msg, MIPKEX_XSA_A_SPI, s->spi) ||
	    nla_put_in_addr(msg, MIPKEX_XSA_A_SRC, s->saddr) ||
	    nla_put_in_addr(msg, MIPKEX_XSA_A_DST, s->daddr) ||
	    nla_put_u8(msg, MIPKEX_XSA_A_MODE, s->mode) ||
	    nla_put_string(msg, MIPKEX_XSA_A_ALG, mipkex_xsa_alg(s)) ||
	    nla_put_u32(msg, MIPKEX_XSA_A_REQID, MIPKEX_REQID_BASE + s->pair) ||
	    (s->hard && nla_put_u32(msg, MIPKEX_XSA_A_HARD, s->hard)) ||
	    (s->soft && nla_put_u32(msg, MIPKEX_XSA_A_SOFT, s->soft)) ||
	    nla_put_u32(msg, MIPKEX_XSA_A_AGE, age < 0 ? 0 :
			min_t(time64_t, age, U32_MAX)) ||
	    (x && nla_put_u64_64bit(msg, MIPKEX_XSA_A_PACKETS,
				    READ_ONCE(x->curlft.packets),
				    MIPKEX_XSA_A_PAD)) ||
	    (x && nla_put_u64_64bit(msg, MIPKEX_XSA_A_BYTES,
				    READ_ONCE(x->curlft.bytes),
				    MIPKEX_XSA_A_PAD)) ||
	    nla_put_u8(msg, MIPKEX_XSA_A_DYING, s->dying)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

static void mipkex_xsa_event(struct mipkex_xfrm_net *xn,
			     const struct mipkex_xsa *s, u8 type, u8 reason)
{
	struct mipkex_net *mn = xn->mn;
	struct sk_buff *msg;
	struct nlattr *nest;
	void *hdr;

	msg = mipkex_genl_event_new(mn, type, reason, &hdr, &nest);
	if (!msg)
		return;
	nla_nest_end(msg, nest);
	if (mipkex_xsa_fill(msg, s)) {
		nlmsg_free(msg);
		return;
	}
	mipkex_genl_event_send(mn->net, msg, hdr);
}

/* ---- XFRM states --------------------------------------------------------- */

static void mipkex_xfrm_notify_sa(struct xfrm_state *x, int event)
{
	struct km_event c = { .event = event };

	km_state_notify(x, &c);
}

/*
 * Probe an integrity algorithm as xfrm_user does before a state's
 * init_state: ah4's and esp4's look it up without probing and BUG() on one
 * not yet marked available. xfrm_algo is a module of its own (ah4 and esp4
 * need it): it is loaded here if needed, not linked to.
 */
static bool mipkex_xfrm_aalg_ok(const char *name)
{
	struct xfrm_algo_desc *(*get)(const char *name, int probe);
	bool ok;

	get = symbol_request(xfrm_aalg_get_byname);
	if (!get)
		return false;
	ok = get(name, 1);
	symbol_put(xfrm_aalg_get_byname);
	return ok;
}

/* Fill the algorithms of @x from @s and @km; @x owns what is allocated. */
static int mipkex_xsa_algs(struct xfrm_state *x, const struct mipkex_xsa *s,
			   const u8 *km, size_t kmlen)
{
	const char *name = mipkex_xsa_alg(s);

	if (s->encr_id) {
		struct xfrm_algo_aead *aead;

		aead = kzalloc(sizeof(*aead) + kmlen, GFP_KERNEL);
		if (!aead)
			return -ENOMEM;
		strscpy(aead->alg_name, name, sizeof(aead->alg_name));
		aead->alg_key_len = kmlen * 8;
		aead->alg_icv_len = 128;
		memcpy(aead->alg_key, km, kmlen);
		x->aead = aead;
		x->geniv = "seqiv";
		x->props.ealgo = s->encr_id == MIPKEX_XF_ENCR_AES_GCM_16 ?
				 MIPKEX_SADB_EALG_GCM16 : 0;
		return 0;
	}

	if (!mipkex_xfrm_aalg_ok(name))
		return -EOPNOTSUPP;
	x->aalg = kzalloc(sizeof(*x->aalg) + kmlen, GFP_KERNEL);
	if (!x->aalg)
		return -ENOMEM;
	strscpy(x->aalg->alg_name, name, sizeof(x->aalg->alg_name));
	x->aalg->alg_key_len = kmlen * 8;
	x->aalg->alg_trunc_len =
		s->integ_id == MIPKEX_XF_AUTH_HMAC_SHA2_256_128 ? 128 : 96;
	memcpy(x->aalg->alg_key, km, kmlen);
	x->props.aalgo = s->integ_id == MIPKEX_XF_AUTH_HMAC_SHA2_256_128 ?
			 MIPKEX_SADB_AALG_SHA256 : MIPKEX_SADB_AALG_SHA1;
	if (s->protocol == MIPKEX_PROTO_ESP) {
		/* ESP with integrity only: the null cipher (8.7). */
		x->ealg = kzalloc(sizeof(*x->ealg), GFP_KERNEL);
		if (!x->ealg)
			return -ENOMEM;
		strscpy(x->ealg->alg_name, "ecb(cipher_null)",
			sizeof(x->ealg->alg_name));
		x->props.ealgo = MIPKEX_SADB_EALG_NULL;
	}
	return 0;
}

/* Put @s into XFRM with keying material @km; @s->x holds a reference. */
static int mipkex_xsa_install(struct net *net, struct mipkex_xsa *s,
			      const u8 *km, size_t kmlen)
{
	struct xfrm_state *x;
	int err;

	x = xfrm_state_alloc(net);
	if (!x)
		return -ENOMEM;
	x->id.proto = s->protocol;
	x->id.spi = htonl(s->spi);
	x->id.daddr.a4 = s->daddr;
	x->props.saddr.a4 = s->saddr;
	x->props.family = AF_INET;
	x->props.mode = s->mode == MIPKEX_SA_MODE_TUNNEL ? XFRM_MODE_TUNNEL :
			XFRM_MODE_TRANSPORT;
	x->props.reqid = MIPKEX_REQID_BASE + s->pair;
	x->props.replay_window = 32;
	x->sel.family = AF_INET;
	if (s->mode == MIPKEX_SA_MODE_TRANSPORT) {
		x->sel.saddr.a4 = s->saddr;
		x->sel.daddr.a4 = s->daddr;
		x->sel.prefixlen_s = 32;
		x->sel.prefixlen_d = 32;
	}
	x->lft.soft_add_expires_seconds = s->soft;
	x->lft.hard_add_expires_seconds = s->hard;
	err = mipkex_xsa_algs(x, s, km, kmlen);
	if (!err)
		err = xfrm_init_state(x);
	if (err) {
		x->km.state = XFRM_STATE_DEAD;
		xfrm_state_put(x);
		return err;
	}
	/* Lifetimes count from the insertion, not from the allocation. */
	x->curlft.add_time = ktime_get_real_seconds();
	xfrm_state_hold(x);
	err = xfrm_state_add(x);
	xfrm_audit_state_add(x, err ? 0 : 1, true);
	if (err) {
		x->km.state = XFRM_STATE_DEAD;
		__xfrm_state_put(x);
		xfrm_state_put(x);
		return err;
	}
	mipkex_xfrm_notify_sa(x, XFRM_MSG_NEWSA);
	/* The SAD keeps the reference of the allocation; this one is ours. */
	s->x = x;
	s->since = ktime_get_real_seconds();
	return 0;
}

/* Take @s out of XFRM if it is still there, and drop the reference. */
static void mipkex_xsa_uninstall(struct mipkex_xsa *s)
{
	struct xfrm_state *x = s->x;
	int err;

	if (!x)
		return;
	s->x = NULL;
	err = xfrm_state_delete(x);
	xfrm_audit_state_delete(x, err ? 0 : 1, true);
	if (!err)
		mipkex_xfrm_notify_sa(x, XFRM_MSG_DELSA);
	xfrm_state_put(x);
}

static void mipkex_xsa_free(struct mipkex_xfrm_net *xn, struct mipkex_xsa *s)
{
	struct mipkex_xsa *o;

	list_for_each_entry(o, &xn->sas, node)
		if (o->replaces == s)
			o->replaces = NULL;
	list_del(&s->node);
	mipkex_xsa_uninstall(s);
	kfree_sensitive(s);
}

/*
 * Remove @s; if it was in XFRM, with an event showing it as it was (none
 * for a shutdown, or for the rollback of a failed installation, @reason 0,
 * which sent none either).
 */
static void mipkex_xsa_remove(struct mipkex_xfrm_net *xn,
			      struct mipkex_xsa *s, u8 reason)
{
	if (s->x) {
		mipkex_stat_inc(xn->mn, MIPKEX_STAT_SA_REMOVED);
		if (reason != MIPKEX_REASON_SHUTDOWN &&
		    reason != MIPKEX_REASON_UNSPEC)
			mipkex_xsa_event(xn, s, MIPKEX_EVENT_SA_REMOVED,
					 reason);
	}
	mipkex_xsa_free(xn, s);
}

/* ---- XFRM policies ------------------------------------------------------- */

static void mipkex_xfrm_notify_pol(struct xfrm_policy *xp, int dir, int event)
{
	struct km_event c = { .event = event };

	km_policy_notify(xp, dir, &c);
}

static int mipkex_xpol_install(struct net *net, struct mipkex_xpol *p)
{
	struct xfrm_policy *xp;
	unsigned int i;
	int err;

	xp = xfrm_policy_alloc(net, GFP_KERNEL);
	if (!xp)
		return -ENOMEM;
	xp->family = AF_INET;
	xp->action = XFRM_POLICY_ALLOW;
	xp->type = XFRM_POLICY_TYPE_MAIN;
	xp->priority = p->key.priority;
	xp->selector = p->key.sel;
	xp->lft.soft_byte_limit = XFRM_INF;
	xp->lft.hard_byte_limit = XFRM_INF;
	xp->lft.soft_packet_limit = XFRM_INF;
	xp->lft.hard_packet_limit = XFRM_INF;
	/*
	 * Output applies xfrm_vec[0] first, so the last template is the
	 * outermost header; input checks the templates from the last one
	 * against the outermost transformation received first.
	 */
	for (i = 0; !p->key.bypass && i < p->key.n_tmpl; i++) {
		struct xfrm_tmpl *t = &xp->xfrm_vec[i];

		t->id.proto = p->key.proto[i];
		t->id.daddr.a4 = p->key.tdst;
		t->saddr.a4 = p->key.tsrc;
		t->encap_family = AF_INET;
		t->reqid = p->key.reqid;
		t->mode = p->key.mode;
		t->aalgos = ~0U;
		t->ealgos = ~0U;
		t->calgos = ~0U;
		t->allalgs = 1;
		xp->xfrm_nr = i + 1;
	}
	err = xfrm_policy_insert(p->key.dir, xp, 1);
	xfrm_audit_policy_add(xp, err ? 0 : 1, true);
	if (err) {
		xp->walk.dead = 1;
		xfrm_policy_destroy(xp);
		return err;
	}
	p->index = xp->index;
	mipkex_xfrm_notify_pol(xp, p->key.dir, XFRM_MSG_NEWPOLICY);
	xfrm_pol_put(xp);
	return 0;
}

static void mipkex_xpol_uninstall(struct net *net, struct mipkex_xpol *p)
{
	struct xfrm_mark mark = {};
	struct xfrm_policy *xp;
	int err;

	xp = xfrm_policy_byid(net, &mark, 0, XFRM_POLICY_TYPE_MAIN,
			      p->key.dir, p->index, 1, &err);
	if (!xp)
		return;	/* removed by someone else */
	xfrm_audit_policy_delete(xp, 1, true);
	mipkex_xfrm_notify_pol(xp, p->key.dir, XFRM_MSG_DELPOLICY);
	xfrm_pol_put(xp);
}

/* Take a reference on the policy @key describes, installing it if needed. */
static int mipkex_xpol_get(struct mipkex_xfrm_net *xn, struct mipkex_xbind *xb,
			   const struct mipkex_xpol *key)
{
	struct mipkex_xpol *p;
	int err;

	if (WARN_ON_ONCE(xb->n_pol >= ARRAY_SIZE(xb->pol)))
		return -ENOSPC;
	list_for_each_entry(p, &xn->pols, node) {
		if (!memcmp(&p->key, &key->key, sizeof(p->key))) {
			p->refs++;
			xb->pol[xb->n_pol++] = p;
			return 0;
		}
	}
	p = kmemdup(key, sizeof(*key), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	err = mipkex_xpol_install(xn->mn->net, p);
	if (err) {
		kfree(p);
		return err;
	}
	p->refs = 1;
	list_add_tail(&p->node, &xn->pols);
	xb->pol[xb->n_pol++] = p;
	return 0;
}

static void mipkex_xpol_put(struct mipkex_xfrm_net *xn, struct mipkex_xpol *p)
{
	if (--p->refs)
		return;
	list_del(&p->node);
	mipkex_xpol_uninstall(xn->mn->net, p);
	kfree(p);
}

static void mipkex_xpol_sel(struct mipkex_xpol *p, __be32 src, __be32 dst,
			    u8 proto)
{
	memset(p, 0, sizeof(*p));
	p->key.sel.family = AF_INET;
	p->key.sel.saddr.a4 = src;
	p->key.sel.daddr.a4 = dst;
	p->key.sel.prefixlen_s = src ? 32 : 0;
	p->key.sel.prefixlen_d = dst ? 32 : 0;
	p->key.sel.proto = proto;
}

/* The bypass of registration traffic: UDP from or to port 434, any way. */
static int mipkex_xpol_bypass(struct mipkex_xfrm_net *xn,
			      struct mipkex_xbind *xb)
{
	static const u8 dirs[] = { XFRM_POLICY_IN, XFRM_POLICY_OUT,
				   XFRM_POLICY_FWD };
	struct mipkex_xpol p;
	unsigned int i, j;
	int err;

	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		for (j = 0; j < 2; j++) {
			mipkex_xpol_sel(&p, 0, 0, IPPROTO_UDP);
			if (j) {
				p.key.sel.sport = htons(MIPKEX_PORT_REG);
				p.key.sel.sport_mask = htons(0xffff);
			} else {
				p.key.sel.dport = htons(MIPKEX_PORT_REG);
				p.key.sel.dport_mask = htons(0xffff);
			}
			p.key.dir = dirs[i];
			p.key.priority = MIPKEX_PRIO_BYPASS;
			p.key.bypass = 1;
			err = mipkex_xpol_get(xn, xb, &p);
			if (err)
				return err;
		}
	}
	return 0;
}

/*
 * The policies of one pair, whose outbound SAs are @out (one per protocol,
 * @n of them): their source and destination are its ends; @proto 0 for
 * all traffic between them, IPPROTO_IPIP for the FA-HA tunnel only; @home
 * set for the MN-HA pair in tunnel mode (the mobile node's traffic with
 * anyone goes through its home agent), with @at_ha telling which end this
 * node is. The templates: ESP, then AH.
 */
static int mipkex_xpol_pair(struct mipkex_xfrm_net *xn,
			    struct mipkex_xbind *xb,
			    struct mipkex_xsa *const *out, unsigned int n,
			    u8 proto, bool home, bool at_ha)
{
	__be32 local = out[0]->saddr, remote = out[0]->daddr;
	u8 protos[MIPKEX_XPOL_MAX_TMPL];
	unsigned int i, j, n_tmpl = 0;
	struct mipkex_xpol p;
	int err;

	for (j = 0; j < 2; j++)
		for (i = 0; i < n && n_tmpl < ARRAY_SIZE(protos); i++)
			if (out[i]->protocol == (j ? MIPKEX_PROTO_AH :
						 MIPKEX_PROTO_ESP))
				protos[n_tmpl++] = out[i]->protocol;
	if (!n_tmpl)
		return -EINVAL;

	for (i = 0; i < 3; i++) {
		u8 dir = i == 0 ? XFRM_POLICY_OUT :
			 i == 1 ? XFRM_POLICY_IN : XFRM_POLICY_FWD;
		bool outward = dir == XFRM_POLICY_OUT;

		if (dir == XFRM_POLICY_FWD && !(home && at_ha))
			continue;
		if (home && at_ha)	/* local = HA, remote = home address */
			mipkex_xpol_sel(&p, outward ? 0 : remote,
					outward ? remote : 0, 0);
		else if (home)		/* local = home address */
			mipkex_xpol_sel(&p, outward ? local : 0,
					outward ? 0 : local, 0);
		else
			mipkex_xpol_sel(&p, outward ? local : remote,
					outward ? remote : local, proto);
		p.key.dir = dir;
		p.key.priority = home ? MIPKEX_PRIO_HOME : MIPKEX_PRIO_PAIR;
		p.key.n_tmpl = n_tmpl;
		memcpy(p.key.proto, protos, n_tmpl);
		p.key.mode = out[0]->mode == MIPKEX_SA_MODE_TUNNEL ?
			     XFRM_MODE_TUNNEL : XFRM_MODE_TRANSPORT;
		p.key.reqid = MIPKEX_REQID_BASE + out[0]->pair;
		if (out[0]->mode == MIPKEX_SA_MODE_TUNNEL) {
			p.key.tsrc = outward ? local : remote;
			p.key.tdst = outward ? remote : local;
		}
		err = mipkex_xpol_get(xn, xb, &p);
		if (err)
			return err;
	}
	return 0;
}

/* ---- the binding hooks --------------------------------------------------- */

static struct mipkex_xfrm_net *mipkex_xn(struct mipkex_net *mn)
{
	return rcu_dereference_protected(mn->xfrm, true);
}

/* This node's and the peer's address in @pair, as @role sees @bi. */
static bool mipkex_xfrm_ends(u8 role, const struct mipkex_binding_info *bi,
			     u8 pair, __be32 *local, __be32 *remote)
{
	switch (role) {
	case MIPKEX_ROLE_MN:
		*local = bi->home_addr;
		*remote = pair == MIPKEX_PAIR_MN_HA ? bi->ha_addr :
			  pair == MIPKEX_PAIR_MN_FA ? bi->fa_addr : 0;
		break;
	case MIPKEX_ROLE_FA:
		*local = bi->fa_addr;
		*remote = pair == MIPKEX_PAIR_FA_HA ? bi->ha_addr :
			  pair == MIPKEX_PAIR_MN_FA ? bi->home_addr : 0;
		break;
	case MIPKEX_ROLE_HA:
		*local = bi->ha_addr;
		*remote = pair == MIPKEX_PAIR_MN_HA ? bi->home_addr :
			  pair == MIPKEX_PAIR_FA_HA ? bi->fa_addr : 0;
		break;
	default:
		return false;
	}
	return *local && *remote && *local != *remote;
}

/* The SA in use for (@home, @ha, @pair, @protocol, @dir), or NULL. */
static struct mipkex_xsa *mipkex_xsa_out(struct mipkex_xfrm_net *xn,
					 __be32 home, __be32 ha, u8 pair,
					 u8 protocol, u8 dir)
{
	struct mipkex_xsa *s;

	list_for_each_entry(s, &xn->sas, node)
		if (s->home == home && s->ha == ha && s->pair == pair &&
		    s->protocol == protocol && s->dir == dir &&
		    s->state == MIPKEX_XSA_STATE_INSTALLED && s->x)
			return s;
	return NULL;
}

/* The bit of &mipkex_xbind.lost for a pair and protocol. */
static unsigned int mipkex_xsa_bit(u8 pair, u8 protocol)
{
	return (pair & 7) + (protocol == MIPKEX_PROTO_AH ? 8 : 0);
}

static void mipkex_xbind_release(struct mipkex_xfrm_net *xn,
				 struct mipkex_xbind *xb)
{
	unsigned int i;

	for (i = 0; i < xb->n_pol; i++)
		mipkex_xpol_put(xn, xb->pol[i]);
	xb->n_pol = 0;
}

/* Every SA of @b's registration, orphans and standby included. */
static void mipkex_xfrm_remove_all(struct mipkex_xfrm_net *xn,
				   const struct mipkex_binding *b, u8 reason)
{
	struct mipkex_xsa *s, *t;

	list_for_each_entry_safe(s, t, &xn->sas, node)
		if (s->owner == b ||
		    (!s->owner && s->home == b->info.home_addr &&
		     s->ha == b->info.ha_addr))
			mipkex_xsa_remove(xn, s, reason);
}

static int mipkex_xfrm_add_pair(struct mipkex_xfrm_net *xn,
				struct mipkex_binding *b,
				const struct mipkex_binding *old,
				const struct mipkex_sa_info *si, u8 mode,
				struct mipkex_xsa **outp)
{
	const struct mipkex_binding_info *bi = &b->info;
	u16 reg = bi->lifetime;
	struct mipkex_xsa *sa[2], *prev;
	__be32 local, remote;
	u8 km[MIPKEX_KEYMAT_MAX];
	unsigned int i;
	size_t kmlen;
	bool defer;
	u32 hard;
	int err;

	*outp = NULL;
	if (!si->has_key || !mipkex_xfrm_ends(b->role, bi, si->pair, &local,
					      &remote))
		return 0;
	if (reg == MIPKEX_LIFETIME_INFINITE && !si->lifetime)
		hard = 0;
	else if (reg == MIPKEX_LIFETIME_INFINITE)
		hard = si->lifetime;
	else
		hard = si->lifetime ? min_t(u32, reg, si->lifetime) : reg;

	for (i = 0; i < 2; i++) {
		struct mipkex_xsa *s = kzalloc(sizeof(*s), GFP_KERNEL);

		if (!s) {
			if (i)
				mipkex_xsa_remove(xn, sa[0], MIPKEX_REASON_UNSPEC);
			return -ENOMEM;
		}
		s->owner = b;
		s->home = bi->home_addr;
		s->ha = bi->ha_addr;
		s->pair = si->pair;
		s->protocol = si->protocol;
		s->encr_id = si->encr_id;
		s->encr_bits = si->encr_bits;
		s->integ_id = si->integ_id;
		s->mode = mode;
		s->hard = hard;
		s->soft = hard > 60 ? hard - 30 : hard / 2;
		s->since = ktime_get_real_seconds();
		s->dir = i ? MIPKEX_XSA_DIR_OUT : MIPKEX_XSA_DIR_IN;
		s->saddr = i ? local : remote;
		s->daddr = i ? remote : local;
		s->spi = i ? si->spi_out : si->spi_in;
		INIT_LIST_HEAD(&s->node);
		sa[i] = s;

		err = mipkex_xfrm_keymat(si->key, sizeof(si->key), s->spi,
					 s->protocol, s->encr_id, s->encr_bits,
					 s->integ_id, km, &kmlen);
		prev = old ? mipkex_xsa_out(xn, bi->home_addr, bi->ha_addr,
					    si->pair, si->protocol, s->dir) :
		       NULL;
		if (!err && prev && prev->spi == s->spi) {
			/* Same SA name: no overlap possible, replace it now. */
			mipkex_xsa_remove(xn, prev, MIPKEX_REASON_REPLACED);
			prev = NULL;
		}
		/* The peer installs after this node: wait for it (above). */
		defer = !err && i && prev &&
			(b->role == MIPKEX_ROLE_HA ||
			 (b->role == MIPKEX_ROLE_FA &&
			  si->pair == MIPKEX_PAIR_MN_FA));
		if (defer) {
			memcpy(s->keymat, km, kmlen);
			s->keymat_len = kmlen;
			s->replaces = prev;
			s->state = MIPKEX_XSA_STATE_STANDBY;
			s->deadline = jiffies + MIPKEX_XFRM_SWITCH;
		} else if (!err) {
			err = mipkex_xsa_install(xn->mn->net, s, km, kmlen);
			s->state = MIPKEX_XSA_STATE_INSTALLED;
		}
		memzero_explicit(km, sizeof(km));
		if (err) {
			kfree(s);
			if (i)
				mipkex_xsa_remove(xn, sa[0], MIPKEX_REASON_UNSPEC);
			return err;
		}
		s->rekey = !!prev;
		list_add_tail(&s->node, &xn->sas);
		if (s->x)
			mipkex_stat_inc(xn->mn, MIPKEX_STAT_SA_INSTALLED);
	}
	*outp = sa[1];
	return 0;
}

static int mipkex_xfrm_add(struct mipkex_net *mn, struct mipkex_binding *b,
			   struct mipkex_binding *old)
{
	struct mipkex_xfrm_net *xn = mipkex_xn(mn);
	const struct mipkex_kdc_conf *conf;
	struct mipkex_xsa *out[MIPKEX_BINDING_MAX_SA] = {}, *s, *t;
	struct mipkex_xsa *grp[MIPKEX_BINDING_MAX_SA];
	struct mipkex_xbind *xb;
	u8 mode, policy;
	unsigned int i, j, n;
	bool standby = false;
	int err = 0;

	if (!xn)
		return 0;
	rcu_read_lock();
	conf = rcu_dereference(mn->kdc);
	mode = conf->sa_mode;
	policy = conf->sa_policy;
	rcu_read_unlock();

	xb = kzalloc(sizeof(*xb), GFP_KERNEL);
	if (!xb)
		return -ENOMEM;

	mutex_lock(&xn->lock);
	if (xn->dead) {
		err = -ENETDOWN;
		goto out;
	}
	for (i = 0; i < b->info.n_sa && i < ARRAY_SIZE(out); i++) {
		err = mipkex_xfrm_add_pair(xn, b, old, &b->info.sa[i], mode,
					   &out[i]);
		if (err)
			goto fail;
		if (out[i]) {
			__set_bit(out[i]->pair, &xb->pairs);
			standby |= out[i]->state == MIPKEX_XSA_STATE_STANDBY;
		}
	}
	if (policy != MIPKEX_SA_POLICY_NONE && xb->pairs) {
		err = mipkex_xpol_bypass(xn, xb);
		for (i = 0; !err && i < ARRAY_SIZE(out); i++) {
			bool home, first = true;

			if (!out[i])
				continue;
			/* One policy per pair, for all of its protocols. */
			for (j = 0, n = 0; j < ARRAY_SIZE(out); j++) {
				if (!out[j] || out[j]->pair != out[i]->pair)
					continue;
				first &= j >= i;
				grp[n++] = out[j];
			}
			if (!first)
				continue;
			home = mode == MIPKEX_SA_MODE_TUNNEL &&
			       out[i]->pair == MIPKEX_PAIR_MN_HA;
			if (policy == MIPKEX_SA_POLICY_PAIR)
				err = mipkex_xpol_pair(xn, xb, grp, n, 0, home,
						       b->role == MIPKEX_ROLE_HA);
			else if (out[i]->pair == MIPKEX_PAIR_FA_HA)
				err = mipkex_xpol_pair(xn, xb, grp, n,
						       IPPROTO_IPIP, false,
						       false);
		}
		if (err)
			goto fail;
	}
	b->xfrm = xb;
	xb = NULL;
	/* Events once everything is in: a failure sends none. */
	list_for_each_entry(s, &xn->sas, node)
		if (s->owner == b && s->x)
			mipkex_xsa_event(xn, s, s->rekey ?
					 MIPKEX_EVENT_SA_REKEYED :
					 MIPKEX_EVENT_SA_INSTALLED,
					 s->rekey ? MIPKEX_REASON_REPLACED :
					 MIPKEX_REASON_NEW);
	if (standby)
		mod_delayed_work(mipkex_wq, &xn->work, MIPKEX_XFRM_TICK);
	goto out;

fail:
	mipkex_stat_inc(mn, MIPKEX_STAT_ERR_XFRM);
	pr_warn_ratelimited("cannot install the SAs of %pI4: %d\n",
			    &b->info.home_addr, err);
	mipkex_xbind_release(xn, xb);
	list_for_each_entry_safe(s, t, &xn->sas, node)
		if (s->owner == b)
			mipkex_xsa_remove(xn, s, MIPKEX_REASON_UNSPEC);
out:
	mutex_unlock(&xn->lock);
	kfree(xb);
	return err;
}

static void mipkex_xfrm_del(struct mipkex_net *mn, struct mipkex_binding *b,
			    enum mipkex_reason reason)
{
	struct mipkex_xfrm_net *xn = mipkex_xn(mn);
	struct mipkex_xbind *xb = b->xfrm;
	struct mipkex_xsa *s, *t, *o;
	bool kick = false;

	if (!xn)
		return;
	mutex_lock(&xn->lock);
	if (reason != MIPKEX_REASON_REPLACED) {
		mipkex_xfrm_remove_all(xn, b, reason);
		goto out;
	}
	/* Rekeyed: the new binding's SAs are in (or on standby). */
	list_for_each_entry_safe(s, t, &xn->sas, node) {
		bool wanted = false;

		if (s->owner != b)
			continue;
		if (s->state == MIPKEX_XSA_STATE_INSTALLED && s->x &&
		    s->dir == MIPKEX_XSA_DIR_IN) {
			s->owner = NULL;
			s->state = MIPKEX_XSA_STATE_RETIRING;
			s->deadline = jiffies + MIPKEX_XFRM_RETIRE;
			kick = true;
			continue;
		}
		list_for_each_entry(o, &xn->sas, node)
			if (o->replaces == s && o->owner != b)
				wanted = true;
		if (wanted) {
			s->owner = NULL;	/* until its successor is in */
			continue;
		}
		mipkex_xsa_remove(xn, s, MIPKEX_REASON_REPLACED);
	}
	if (kick)
		mod_delayed_work(mipkex_wq, &xn->work, MIPKEX_XFRM_TICK);
out:
	if (xb) {
		mipkex_xbind_release(xn, xb);
		WRITE_ONCE(b->xfrm, NULL);
	}
	mutex_unlock(&xn->lock);
	if (xb)
		kfree_rcu(xb, rcu);
}

static const struct mipkex_binding_hooks mipkex_xfrm_hooks = {
	.add = mipkex_xfrm_add,
	.del = mipkex_xfrm_del,
};

/**
 * mipkex_xfrm_pair_state() - how one protocol of a binding's pair stands in
 *	XFRM
 * @b: the binding (under RCU, or the store's lock)
 * @pair: the pair
 * @protocol: 50 (ESP) or 51 (AH)
 *
 * Return: %MIPKEX_XSA_STATE_INSTALLED, %MIPKEX_XSA_STATE_REMOVED when one
 * of its SAs (that protocol's, either direction) died behind the module's
 * back or expired, or 0 when the module installed nothing for the pair.
 */
int mipkex_xfrm_pair_state(const struct mipkex_binding *b, u8 pair,
			   u8 protocol)
{
	const struct mipkex_xbind *xb = READ_ONCE(b->xfrm);

	if (!xb || pair >= BITS_PER_LONG || !test_bit(pair, &xb->pairs))
		return 0;
	return test_bit(mipkex_xsa_bit(pair, protocol), &xb->lost) ?
	       MIPKEX_XSA_STATE_REMOVED : MIPKEX_XSA_STATE_INSTALLED;
}

/* ---- the namespace's work ------------------------------------------------ */

/* Whether @s's XFRM state died; if so, report it and let go of it. */
static bool mipkex_xsa_check(struct mipkex_xfrm_net *xn, struct mipkex_xsa *s)
{
	struct xfrm_state *x = s->x;
	bool expired;

	if (!x)
		return false;
	if (READ_ONCE(x->km.state) != XFRM_STATE_DEAD) {
		if (READ_ONCE(x->km.dying) && !s->dying) {
			s->dying = true;
			mipkex_xsa_event(xn, s, MIPKEX_EVENT_SA_EXPIRED, 0);
		}
		return false;
	}
	expired = s->hard &&
		  ktime_get_real_seconds() >= x->curlft.add_time + s->hard;
	s->x = NULL;
	xfrm_state_put(x);
	s->state = expired ? MIPKEX_XSA_STATE_EXPIRED :
		   MIPKEX_XSA_STATE_REMOVED;
	mipkex_stat_inc(xn->mn, MIPKEX_STAT_SA_REMOVED);
	mipkex_xsa_event(xn, s, expired ? MIPKEX_EVENT_SA_EXPIRED :
			 MIPKEX_EVENT_SA_REMOVED,
			 expired ? MIPKEX_REASON_EXPIRED :
			 MIPKEX_REASON_XFRM_DELETED);
	if (s->owner) {
		struct mipkex_binding *b = (struct mipkex_binding *)s->owner;
		struct mipkex_xbind *xb = b->xfrm;

		if (xb)
			set_bit(mipkex_xsa_bit(s->pair, s->protocol),
				&xb->lost);
	}
	return true;
}

/* The standby SA @s goes in if the peer has the keys, or time is up. */
static bool mipkex_xsa_switch(struct mipkex_xfrm_net *xn, struct mipkex_xsa *s)
{
	struct mipkex_xsa *in = NULL, *o;
	int err;

	list_for_each_entry(o, &xn->sas, node)
		if (o->owner == s->owner && o->pair == s->pair &&
		    o->protocol == s->protocol &&
		    o->dir == MIPKEX_XSA_DIR_IN && o->x)
			in = o;
	if (time_before(jiffies, s->deadline) &&
	    !(in && READ_ONCE(in->x->curlft.packets)))
		return false;
	err = mipkex_xsa_install(xn->mn->net, s, s->keymat, s->keymat_len);
	memzero_explicit(s->keymat, sizeof(s->keymat));
	s->keymat_len = 0;
	s->state = MIPKEX_XSA_STATE_INSTALLED;
	if (err) {
		/* The old SA stays: better stale keys than none. */
		mipkex_stat_inc(xn->mn, MIPKEX_STAT_ERR_XFRM);
		s->state = MIPKEX_XSA_STATE_REMOVED;
		s->replaces = NULL;
		return true;
	}
	mipkex_stat_inc(xn->mn, MIPKEX_STAT_SA_INSTALLED);
	mipkex_xsa_event(xn, s, MIPKEX_EVENT_SA_REKEYED,
			 MIPKEX_REASON_REPLACED);
	o = s->replaces;
	s->replaces = NULL;
	if (o && !o->owner)
		mipkex_xsa_remove(xn, o, MIPKEX_REASON_REPLACED);
	return true;
}

static void mipkex_xfrm_work(struct work_struct *work)
{
	struct mipkex_xfrm_net *xn = container_of(to_delayed_work(work),
						  struct mipkex_xfrm_net, work);
	struct mipkex_xsa *s, *t;
	bool again = false;

	mutex_lock(&xn->lock);
	if (xn->dead)
		goto out;
restart:
	list_for_each_entry_safe(s, t, &xn->sas, node) {
		if (s->state == MIPKEX_XSA_STATE_STANDBY) {
			if (mipkex_xsa_switch(xn, s))
				goto restart;	/* it may have freed @t */
			again = true;
			continue;
		}
		mipkex_xsa_check(xn, s);
		if (s->state == MIPKEX_XSA_STATE_RETIRING) {
			if (time_after_eq(jiffies, s->deadline)) {
				mipkex_xsa_remove(xn, s, MIPKEX_REASON_REPLACED);
				goto restart;
			}
			again = true;
		} else if (!s->owner && !s->x) {
			bool wanted = false;
			struct mipkex_xsa *o;

			list_for_each_entry(o, &xn->sas, node)
				wanted |= o->replaces == s;
			if (!wanted) {
				mipkex_xsa_free(xn, s);
				goto restart;
			}
		}
	}
	if (again)
		mod_delayed_work(mipkex_wq, &xn->work, MIPKEX_XFRM_TICK);
out:
	mutex_unlock(&xn->lock);
}

/* ---- the key manager ----------------------------------------------------- */

static int mipkex_km_notify(struct xfrm_state *x, const struct km_event *c)
{
	struct mipkex_xfrm_net *xn;
	struct net *net;

	switch (c->event) {
	case XFRM_MSG_DELSA:
	case XFRM_MSG_EXPIRE:
	case XFRM_MSG_FLUSHSA:
		break;
	default:
		return 0;
	}
	if (x && (x->props.reqid & ~0xffU) != MIPKEX_REQID_BASE)
		return 0;
	net = x ? xs_net(x) : c->net;
	if (!net)
		return 0;
	/* km_state_notify() holds the RCU read lock. */
	xn = rcu_dereference(mipkex_net(net)->xfrm);
	if (xn && !READ_ONCE(xn->dead))
		mod_delayed_work(mipkex_wq, &xn->work, 0);
	return 0;
}

static int mipkex_km_acquire(struct xfrm_state *x, struct xfrm_tmpl *t,
			     struct xfrm_policy *xp)
{
	return -EINVAL;	/* SAs come from registrations, never on demand */
}

static struct xfrm_policy *mipkex_km_compile(struct sock *sk, int opt,
					     u8 *data, int len, int *dir)
{
	*dir = -EOPNOTSUPP;
	return NULL;
}

static struct xfrm_mgr mipkex_km = {
	.notify = mipkex_km_notify,
	.acquire = mipkex_km_acquire,
	.compile_policy = mipkex_km_compile,
};

/* ---- per namespace and module -------------------------------------------- */

/**
 * mipkex_xfrm_spi_in_use() - whether an SPI names an SA in a namespace
 * @net: the namespace
 * @spi: the SPI (host order)
 *
 * A node choosing its inbound SPI skips those XFRM already has, whatever
 * their destination and protocol, so that no two SAs it receives on share
 * one (protocol.rst 6.2).
 *
 * Return: true if an IPv4 SA with this SPI exists.
 */
bool mipkex_xfrm_spi_in_use(struct net *net, u32 spi)
{
	struct xfrm_state *x;

	x = xfrm_state_lookup_byspi(net, htonl(spi), AF_INET);
	if (!x)
		return false;
	xfrm_state_put(x);
	return true;
}

/**
 * mipkex_xfrm_spi_new() - a fresh inbound SPI for this node
 * @net: the namespace
 * @avoid: SPIs already chosen for the same message, or NULL
 * @n: entries of @avoid
 *
 * Return: a random SPI of at least 256, none of @avoid, and one no IPv4 SA
 * of the namespace has (mipkex_xfrm_spi_in_use()).
 */
u32 mipkex_xfrm_spi_new(struct net *net, const u32 *avoid, unsigned int n)
{
	unsigned int i;
	u32 spi;

again:
	spi = get_random_u32();
	if (spi < 256)
		goto again;
	for (i = 0; i < n; i++)
		if (avoid[i] == spi)
			goto again;
	if (mipkex_xfrm_spi_in_use(net, spi))
		goto again;
	return spi;
}

/**
 * mipkex_xfrm_dump() - MIPKEX_CMD_SA_GET: one message per tracked SA
 * @skb: the dump's buffer
 * @cb: the dump's state; cb->args[0] counts the SAs already sent
 *
 * Return: the length of @skb, or a negative errno.
 */
int mipkex_xfrm_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct mipkex_net *mn = mipkex_net(sock_net(skb->sk));
	struct mipkex_xfrm_net *xn = mipkex_xn(mn);
	struct mipkex_xsa *s;
	long i = 0;

	if (!xn)
		return 0;
	mutex_lock(&xn->lock);
	list_for_each_entry(s, &xn->sas, node) {
		void *hdr;

		if (i++ < cb->args[0])
			continue;
		hdr = mipkex_genl_dump_hdr(skb, cb, MIPKEX_CMD_SA_GET);
		if (!hdr || mipkex_xsa_fill(skb, s)) {
			if (hdr)
				genlmsg_cancel(skb, hdr);
			i--;
			break;
		}
		genlmsg_end(skb, hdr);
	}
	cb->args[0] = i;
	mutex_unlock(&xn->lock);
	return skb->len;
}

/**
 * mipkex_xfrm_net_init() - the XFRM layer's state of a new namespace
 * @mn: the namespace's state
 *
 * Return: 0 or -ENOMEM.
 */
int mipkex_xfrm_net_init(struct mipkex_net *mn)
{
	struct mipkex_xfrm_net *xn;

	xn = kzalloc(sizeof(*xn), GFP_KERNEL);
	if (!xn)
		return -ENOMEM;
	mutex_init(&xn->lock);
	INIT_LIST_HEAD(&xn->sas);
	INIT_LIST_HEAD(&xn->pols);
	INIT_DELAYED_WORK(&xn->work, mipkex_xfrm_work);
	xn->mn = mn;
	rcu_assign_pointer(mn->xfrm, xn);
	return 0;
}

/**
 * mipkex_xfrm_net_uninit() - remove what is left in XFRM and free the state
 * @mn: the namespace's state, its bindings already gone (their del hooks
 *	removed their SAs; what retires or waits on standby goes now)
 *
 * Context: process context; sleeps (a grace period, then the work).
 */
void mipkex_xfrm_net_uninit(struct mipkex_net *mn)
{
	struct mipkex_xfrm_net *xn = mipkex_xn(mn);
	struct mipkex_xsa *s, *t;

	if (!xn)
		return;
	mutex_lock(&xn->lock);
	WRITE_ONCE(xn->dead, true);
	list_for_each_entry_safe(s, t, &xn->sas, node)
		mipkex_xsa_remove(xn, s, MIPKEX_REASON_SHUTDOWN);
	WARN_ON_ONCE(!list_empty(&xn->pols));
	mutex_unlock(&xn->lock);
	RCU_INIT_POINTER(mn->xfrm, NULL);
	/* No key manager notification can queue the work after this. */
	synchronize_rcu();
	cancel_delayed_work_sync(&xn->work);
	mutex_destroy(&xn->lock);
	kfree(xn);
}

/**
 * mipkex_xfrm_init() - follow bindings and XFRM's notifications
 *
 * Call after every namespace's state exists (mipkex_netns_init()).
 *
 * Return: 0.
 */
int mipkex_xfrm_init(void)
{
	xfrm_register_km(&mipkex_km);
	mipkex_binding_set_hooks(&mipkex_xfrm_hooks);
	return 0;
}

/**
 * mipkex_xfrm_uninit() - stop hearing from XFRM (before
 *	mipkex_netns_uninit(), whose namespace teardown still removes every
 *	binding's SAs through the hooks)
 */
void mipkex_xfrm_uninit(void)
{
	xfrm_unregister_km(&mipkex_km);
}
