// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex: SA negotiation (Documentation/protocol.rst section 6, the
 * patent's Figs. 24-28) and the choice of a Diffie-Hellman group (sections
 * 7 and 8.6.4), over SA payloads that elem.c parses and checks.
 *
 * Rules this file applies beyond the letter of protocol.rst 6.4, with the
 * conventions of IKEv2 (RFC 7296 section 3.3) where 6.4 is silent:
 *
 *  - What a proposal needs follows from its protocol and protocol id: ESP
 *    with protocol id 2 (encryption and authentication) takes one
 *    encryption transform; ESP or AH with protocol id 1 (authentication
 *    only) takes one integrity transform; AH with protocol id 2 can never
 *    be accepted (AH does not encrypt).
 *  - Every encryption transform of this version is an AEAD (AES-GCM,
 *    ChaCha20-Poly1305), which needs no integrity transform. RFC 7296 3.3
 *    says a proposal with a combined-mode cipher offers no integrity
 *    algorithm (or only "none"), and that an initiator who wants both kinds
 *    sends two proposals. So a proposal that carries a transform of a type
 *    it does not take (an integrity transform next to an AEAD, an
 *    encryption transform in an authentication-only proposal) is not
 *    accepted: the responder could not answer with exactly one transform
 *    per transform type of the proposal. It is syntactically valid, so it
 *    is not malformed either: the responder goes on to the next proposal.
 *  - Transform preference: the lowest transform number first; transforms
 *    of equal numbers (which 6.3 does not allow) in the order they come.
 *  - A transform is acceptable when its type, id and attributes are those
 *    of one &enum mipkex_xform of the policy (HMAC-SHA1-96 also needs the
 *    legacy flag) and its number of keys is 1 (6.3). AES-GCM needs exactly
 *    one Key Length attribute (128 or 256); the others take no attribute
 *    (RFC 7296 3.3.5: no Key Length for fixed-length keys). Any other
 *    attribute, a repeated one, or one of another length makes the
 *    transform unacceptable, not malformed.
 *  - A proposal group (same number) that names a protocol twice is not
 *    accepted: a pair gets at most one SA per protocol and direction.
 *  - SPIs below 256 and every layout rule are elem.c's: a payload it
 *    rejects is malformed (code 134) before any choice is made.
 */

#include "negotiate.h"

/* Indexed by error - MIPKEX_NEGO_OK. */
static const char *const mipkex_nego_errors[] = {
	"no error",
	"no acceptable proposal",
	"the policy accepts no transform combination",
	"answer for another pair",
	"answer is not one proposal group of the offer",
	"answered transform was not offered",
	"answer does not pick one usable transform per type",
	"answered lifetime longer than offered",
	"undefined Diffie-Hellman group",
	"legacy Diffie-Hellman group without the legacy policy",
	"Diffie-Hellman group not in the policy's list",
	"Diffie-Hellman group below the minimum strength",
	"user-defined Diffie-Hellman group not the configured one",
	"invalid argument",
};

static_assert(ARRAY_SIZE(mipkex_nego_errors) ==
	      __MIPKEX_NEGO_E_MAX - MIPKEX_NEGO_OK, "one message per error");

/* What each &enum mipkex_xform is on the wire (protocol.rst 6.3). */
struct mipkex_nego_xf_def {
	u8 type;
	u16 id;
	u16 attr_key_bits;	/* Key Length attribute's value; 0: none */
	u16 key_bits;
	bool legacy;
};

static const struct mipkex_nego_xf_def mipkex_nego_xf_defs[] = {
	[MIPKEX_XFORM_AES_GCM_128] = {
		MIPKEX_XF_TYPE_ENCR, MIPKEX_XF_ENCR_AES_GCM_16, 128, 128, false
	},
	[MIPKEX_XFORM_AES_GCM_256] = {
		MIPKEX_XF_TYPE_ENCR, MIPKEX_XF_ENCR_AES_GCM_16, 256, 256, false
	},
	[MIPKEX_XFORM_CHACHA20_POLY1305] = {
		MIPKEX_XF_TYPE_ENCR, MIPKEX_XF_ENCR_CHACHA20_POLY1305, 0, 256,
		false
	},
	[MIPKEX_XFORM_HMAC_SHA256_128] = {
		MIPKEX_XF_TYPE_INTEG, MIPKEX_XF_AUTH_HMAC_SHA2_256_128, 0, 256,
		false
	},
	[MIPKEX_XFORM_HMAC_SHA1_96] = {
		MIPKEX_XF_TYPE_INTEG, MIPKEX_XF_AUTH_HMAC_SHA1_96, 0, 160, true
	},
};

static_assert(ARRAY_SIZE(mipkex_nego_xf_defs) == __MIPKEX_XFORM_MAX,
	      "one definition per transform");

/*
 * What an initiator offers, in its order of preference, one proposal each:
 * the AEADs strongest first (AES-256-GCM, AES-128-GCM, then ChaCha20-
 * Poly1305, which is as strong as AES-256-GCM but slower where AES has
 * hardware support), then, only if nothing else is accepted by the peer,
 * ESP without encryption (integrity only). AH is never offered: ESP with
 * protocol id 1 protects the same and crosses NATs.
 */
static const struct {
	u8 protocol_id;
	u8 xform;
} mipkex_nego_offer_order[] = {
	{ MIPKEX_PROTO_ID_ENCR, MIPKEX_XFORM_AES_GCM_256 },
	{ MIPKEX_PROTO_ID_ENCR, MIPKEX_XFORM_AES_GCM_128 },
	{ MIPKEX_PROTO_ID_ENCR, MIPKEX_XFORM_CHACHA20_POLY1305 },
	{ MIPKEX_PROTO_ID_AUTH, MIPKEX_XFORM_HMAC_SHA256_128 },
	{ MIPKEX_PROTO_ID_AUTH, MIPKEX_XFORM_HMAC_SHA1_96 },
};

/* The predefined DH groups (protocol.rst 7.1), strengths of SP 800-57. */
static const struct {
	u16 group;
	u16 strength;
	bool legacy;
} mipkex_nego_groups[] = {
	{ MIPKEX_DH_GROUP_X25519, 128, false },
	{ MIPKEX_DH_GROUP_MODP3072, 128, false },
	{ MIPKEX_DH_GROUP_MODP2048, 112, false },
	{ MIPKEX_DH_GROUP_MODP1024, 80, true },
	{ MIPKEX_DH_GROUP_MODP768, 64, true },
};

/*
 * A registration lifetime of 65535 is infinite (RFC 5944 3.3); lifetimes
 * are compared as u64 so that this is above every 32-bit lifetime.
 */
#define MIPKEX_NEGO_INFINITE	0x100000000ULL

/**
 * mipkex_nego_strerror() - describe an error of the negotiation
 * @err: &enum mipkex_nego_err, &enum mipkex_elem_err or &enum
 *	mipkex_wire_err, or its negation
 *
 * Return: a constant string, never NULL.
 */
const char *mipkex_nego_strerror(int err)
{
	unsigned int e = err < 0 ? 0U - (unsigned int)err : (unsigned int)err;

	if (e < MIPKEX_NEGO_OK)
		return mipkex_elem_strerror((int)e);
	if (e >= __MIPKEX_NEGO_E_MAX)
		return "unknown error";
	return mipkex_nego_errors[e - MIPKEX_NEGO_OK];
}

/**
 * mipkex_nego_reply_code() - the RFC 5944 reply code of a home agent's
 *	failed negotiation step (protocol.rst 9.3)
 * @err: what mipkex_nego_respond() or mipkex_nego_dh_check() returned
 *
 * Return: 0 for success; 134 (poorly formed) for a malformed payload; 129
 * (administratively prohibited) when no proposal or DH group is acceptable;
 * 128 (reason unspecified) for anything else, which is the caller's fault.
 */
int mipkex_nego_reply_code(int err)
{
	unsigned int e = err < 0 ? 0U - (unsigned int)err : (unsigned int)err;

	if (!e || e == MIPKEX_ELEM_OK || e == MIPKEX_NEGO_OK)
		return 0;
	if (e < MIPKEX_WIRE_E_NO_SPACE ||
	    (e > MIPKEX_ELEM_OK && e < __MIPKEX_ELEM_E_MAX))
		return MIPKEX_CODE_POORLY_FORMED;
	if (e == MIPKEX_NEGO_E_NONE_ACCEPTABLE ||
	    (e >= MIPKEX_NEGO_E_DH_UNKNOWN && e <= MIPKEX_NEGO_E_DH_USER))
		return MIPKEX_CODE_ADMIN_PROHIBITED;
	return 128;
}

/*
 * The &enum mipkex_xform a transform is, or -1 when this version does not
 * know it: another type or id, a number of keys other than 1, or
 * attributes other than exactly those of its definition.
 */
static int mipkex_nego_classify(const struct mipkex_transform *xf)
{
	int key_len = -1, n_attr = 0, ret;
	struct mipkex_seq as;
	const u8 *value;
	u16 type, len;
	unsigned int i;

	if (xf->n_keys != 1)
		return -1;
	mipkex_seq_init(&as, xf->attrs, xf->attrs_len);
	while ((ret = mipkex_elem_next_attr(&as, &type, &value, &len)) > 0) {
		if (type != MIPKEX_XF_ATTR_KEY_LENGTH || len != 2 || n_attr++)
			return -1;
		key_len = get_unaligned_be16(value);
	}
	if (ret < 0)
		return -1;
	for (i = 0; i < ARRAY_SIZE(mipkex_nego_xf_defs); i++) {
		const struct mipkex_nego_xf_def *d = &mipkex_nego_xf_defs[i];

		if (d->type != xf->type || d->id != xf->id)
			continue;
		if (d->attr_key_bits ? key_len == d->attr_key_bits :
		    key_len < 0)
			return (int)i;
	}
	return -1;
}

static bool mipkex_nego_xform_ok(const struct mipkex_nego_policy *pol,
				 int xform)
{
	if (xform < 0 || xform >= __MIPKEX_XFORM_MAX)
		return false;
	if (mipkex_nego_xf_defs[xform].legacy && !pol->legacy)
		return false;
	return pol->transforms & (1U << xform);
}

static void mipkex_nego_set_pick(struct mipkex_nego_pick *pick, u8 number,
				 int xform)
{
	pick->number = number;
	pick->id = mipkex_nego_xf_defs[xform].id;
	pick->key_bits = mipkex_nego_xf_defs[xform].key_bits;
	pick->xform = (u8)xform;
}

/*
 * Whether a proposal of this protocol and protocol id takes encryption
 * transforms (1) or integrity transforms (0); -1 when it can never be
 * accepted.
 */
static int mipkex_nego_wants_encr(u8 protocol, u8 protocol_id)
{
	if (protocol_id == MIPKEX_PROTO_ID_AUTH)
		return 0;
	if (protocol == MIPKEX_PROTO_ESP)
		return 1;
	return -1;	/* AH cannot encrypt */
}

/* An SA lifetime field's value in seconds; 0 is the registration's. */
static u64 mipkex_nego_effective(u32 lifetime, u32 reg_lifetime)
{
	if (lifetime)
		return lifetime;
	return reg_lifetime == 0xffff ? MIPKEX_NEGO_INFINITE : reg_lifetime;
}

/* A lifetime to send or report: infinite is "the registration's", 0. */
static u32 mipkex_nego_field(u64 lifetime)
{
	return lifetime >= MIPKEX_NEGO_INFINITE ? 0 : (u32)lifetime;
}

/*
 * Evaluate one proposal against the policy: fill @sa with the transform
 * picked for the type it takes. Return whether it is acceptable.
 */
static bool mipkex_nego_eval(const struct mipkex_proposal *prop,
			     const struct mipkex_nego_policy *pol,
			     u32 reg_lifetime, struct mipkex_nego_sa *sa)
{
	int wants_encr = mipkex_nego_wants_encr(prop->protocol,
						prop->protocol_id);
	struct mipkex_nego_pick *pick;
	struct mipkex_transform xf;
	struct mipkex_seq xs;
	u64 life, bound;
	bool is_encr;
	int xform;

	if (wants_encr < 0)
		return false;
	memset(sa, 0, sizeof(*sa));
	pick = wants_encr ? &sa->encr : &sa->integ;

	mipkex_seq_init(&xs, prop->transforms, prop->transforms_len);
	while (mipkex_elem_next_transform(&xs, &xf) > 0) {
		/* A type the proposal does not take: not acceptable. */
		is_encr = xf.type == MIPKEX_XF_TYPE_ENCR;
		if (is_encr != !!wants_encr)
			return false;
		xform = mipkex_nego_classify(&xf);
		if (!mipkex_nego_xform_ok(pol, xform))
			continue;
		if (!pick->number || xf.number < pick->number)
			mipkex_nego_set_pick(pick, xf.number, xform);
	}
	if (!pick->number)
		return false;

	life = mipkex_nego_effective(prop->lifetime, reg_lifetime);
	bound = pol->lifetime ? pol->lifetime : MIPKEX_NEGO_INFINITE;
	if (life > bound)
		life = bound;
	sa->lifetime = mipkex_nego_field(life);
	sa->protocol = prop->protocol;
	sa->protocol_id = prop->protocol_id;
	sa->peer_spi = prop->spi;
	return true;
}

/* Parse and check an SA payload's value (elem.c's rules). */
static int mipkex_nego_parse(const u8 *value, size_t len, u8 *subtype,
			     struct mipkex_seq *props)
{
	struct mipkex_ext ext;

	if (len > MIPKEX_CVSE_MAX_VALUE)
		return -MIPKEX_NEGO_E_ARG;
	memset(&ext, 0, sizeof(ext));
	ext.type = MIPKEX_EXT_CVSE;
	ext.vtype = MIPKEX_VT_SA_PAYLOAD;
	ext.value = value;
	ext.value_len = (u16)len;
	return mipkex_elem_sa_payload(&ext, subtype, props);
}

static bool mipkex_nego_has_protocol(const struct mipkex_nego_choice *c,
				     u8 protocol)
{
	unsigned int i;

	for (i = 0; i < c->n_sa; i++)
		if (c->sa[i].protocol == protocol)
			return true;
	return false;
}

/**
 * mipkex_nego_respond() - choose from a received SA payload (responder)
 * @value: the SA payload's value (vendor type 5: sub-type, reserved,
 *	proposals)
 * @len: its length
 * @pol: the responder's policy
 * @reg_lifetime: the registration lifetime the reply grants (65535:
 *	infinite), which a proposal lifetime of 0 stands for
 * @choice: filled with the choice; each SA's @own_spi is left 0 for the
 *	caller to set before mipkex_nego_put_reply()
 *
 * Protocol.rst 6.4: the first proposal group (proposals of one number, in
 * increasing number order) whose proposals are all acceptable; within each
 * of them one transform of the type it takes, the initiator's most
 * preferred acceptable one. Each SA's lifetime is the proposal's (0: the
 * registration lifetime) bounded by the policy's.
 *
 * Return: 0; -%MIPKEX_NEGO_E_NONE_ACCEPTABLE when nothing is acceptable
 * (code 129); a negative &enum mipkex_elem_err when the payload is
 * malformed (code 134); -%MIPKEX_NEGO_E_ARG for a value longer than a CVSE
 * can carry.
 */
int mipkex_nego_respond(const u8 *value, size_t len,
			const struct mipkex_nego_policy *pol, u32 reg_lifetime,
			struct mipkex_nego_choice *choice)
{
	struct mipkex_proposal prop;
	struct mipkex_seq props;
	bool ok = false;
	u8 subtype;
	int ret;

	memset(choice, 0, sizeof(*choice));
	ret = mipkex_nego_parse(value, len, &subtype, &props);
	if (ret)
		return ret;

	while ((ret = mipkex_elem_next_proposal(&props, &prop)) > 0) {
		if (prop.number != choice->number) {
			if (ok)
				break;	/* the group before was accepted */
			choice->number = prop.number;
			choice->n_sa = 0;
			ok = true;
		}
		if (!ok)
			continue;
		if (choice->n_sa == MIPKEX_NEGO_MAX_SA ||
		    mipkex_nego_has_protocol(choice, prop.protocol) ||
		    !mipkex_nego_eval(&prop, pol, reg_lifetime,
				      &choice->sa[choice->n_sa])) {
			ok = false;
			continue;
		}
		choice->n_sa++;
	}
	if (ret < 0)
		return ret;
	if (!ok) {
		memset(choice, 0, sizeof(*choice));
		return -MIPKEX_NEGO_E_NONE_ACCEPTABLE;
	}
	choice->subtype = subtype;
	return 0;
}

/* Whether two transforms are the same, number and attributes included. */
static bool mipkex_nego_same_xf(const struct mipkex_transform *a,
				const struct mipkex_transform *b)
{
	return a->number == b->number && a->type == b->type &&
	       a->id == b->id && a->n_keys == b->n_keys &&
	       a->attrs_len == b->attrs_len &&
	       !memcmp(a->attrs, b->attrs, a->attrs_len);
}

/* Check the transforms answered for one offered proposal; fill @sa's. */
static int mipkex_nego_check_picks(const struct mipkex_proposal *offered,
				   const struct mipkex_proposal *answered,
				   struct mipkex_nego_sa *sa)
{
	int wants_encr = mipkex_nego_wants_encr(answered->protocol,
						answered->protocol_id);
	bool has_encr = false, has_integ = false, found, is_encr;
	struct mipkex_transform xa, xo;
	struct mipkex_nego_pick *pick;
	struct mipkex_seq as, os;
	int xform;

	if (wants_encr < 0)
		return -MIPKEX_NEGO_E_PICK;
	mipkex_seq_init(&os, offered->transforms, offered->transforms_len);
	while (mipkex_elem_next_transform(&os, &xo) > 0) {
		if (xo.type == MIPKEX_XF_TYPE_ENCR)
			has_encr = true;
		else
			has_integ = true;
	}

	mipkex_seq_init(&as, answered->transforms, answered->transforms_len);
	while (mipkex_elem_next_transform(&as, &xa) > 0) {
		found = false;
		mipkex_seq_init(&os, offered->transforms,
				offered->transforms_len);
		while (!found && mipkex_elem_next_transform(&os, &xo) > 0)
			found = mipkex_nego_same_xf(&xa, &xo);
		if (!found)
			return -MIPKEX_NEGO_E_NOT_OFFERED;
		is_encr = xa.type == MIPKEX_XF_TYPE_ENCR;
		if (is_encr != !!wants_encr)
			return -MIPKEX_NEGO_E_PICK;
		pick = wants_encr ? &sa->encr : &sa->integ;
		xform = mipkex_nego_classify(&xa);
		if (pick->number || xform < 0)
			return -MIPKEX_NEGO_E_PICK;
		mipkex_nego_set_pick(pick, xa.number, xform);
	}
	/* Exactly one transform for each type the offer had. */
	if (has_encr != !!sa->encr.number || has_integ != !!sa->integ.number)
		return -MIPKEX_NEGO_E_PICK;
	return 0;
}

/* mipkex_nego_check_answer() without the clean-up on error. */
static int mipkex_nego_check(const u8 *offer, size_t offer_len,
			     const u8 *answer, size_t answer_len,
			     u32 reg_lifetime, struct mipkex_nego_choice *choice)
{
	struct mipkex_proposal pa, po, group[MIPKEX_NEGO_MAX_SA];
	struct mipkex_seq offered, answered, walk;
	unsigned int n_group = 0, n_ans = 0, used = 0, i;
	u8 osub, asub, number = 0, seen[MIPKEX_NEGO_MAX_SA];
	struct mipkex_nego_sa *sa;
	u64 life;
	int ret;

	memset(choice, 0, sizeof(*choice));
	ret = mipkex_nego_parse(offer, offer_len, &osub, &offered);
	if (ret)
		return ret;
	ret = mipkex_nego_parse(answer, answer_len, &asub, &answered);
	if (ret)
		return ret;
	if (osub != asub)
		return -MIPKEX_NEGO_E_SUBTYPE;

	/* The answer: one number, one proposal per protocol. */
	walk = answered;
	while (mipkex_elem_next_proposal(&walk, &pa) > 0) {
		if (n_ans && pa.number != number)
			return -MIPKEX_NEGO_E_GROUP;
		number = pa.number;
		for (i = 0; i < n_ans; i++)
			if (seen[i] == pa.protocol)
				return -MIPKEX_NEGO_E_GROUP;
		if (n_ans == MIPKEX_NEGO_MAX_SA)
			return -MIPKEX_NEGO_E_GROUP;
		seen[n_ans++] = pa.protocol;
	}

	/* The offered group of that number. */
	while (mipkex_elem_next_proposal(&offered, &po) > 0) {
		if (po.number != number)
			continue;
		if (n_group == MIPKEX_NEGO_MAX_SA)
			return -MIPKEX_NEGO_E_GROUP;
		group[n_group++] = po;
	}
	if (n_group != n_ans)
		return -MIPKEX_NEGO_E_GROUP;

	while (mipkex_elem_next_proposal(&answered, &pa) > 0) {
		for (i = 0; i < n_group; i++)
			if (!(used & (1U << i)) &&
			    group[i].protocol == pa.protocol &&
			    group[i].protocol_id == pa.protocol_id)
				break;
		if (i == n_group)
			return -MIPKEX_NEGO_E_GROUP;
		used |= 1U << i;
		sa = &choice->sa[i];
		ret = mipkex_nego_check_picks(&group[i], &pa, sa);
		if (ret)
			return ret;
		life = mipkex_nego_effective(pa.lifetime, reg_lifetime);
		if (life > mipkex_nego_effective(group[i].lifetime,
						 reg_lifetime))
			return -MIPKEX_NEGO_E_LIFETIME;
		sa->protocol = pa.protocol;
		sa->protocol_id = pa.protocol_id;
		sa->peer_spi = pa.spi;
		sa->own_spi = group[i].spi;
		life = mipkex_nego_effective(pa.lifetime, reg_lifetime);
		sa->lifetime = mipkex_nego_field(life);
		choice->n_sa++;
	}
	choice->subtype = asub;
	choice->number = number;
	return 0;
}

/**
 * mipkex_nego_check_answer() - check a responder's answer against the
 *	offer it answers (initiator)
 * @offer: the value of the SA payload this node sent
 * @offer_len: its length
 * @answer: the value of the SA payload of the same sub-type in the reply
 * @answer_len: its length
 * @reg_lifetime: the registration lifetime the reply grants (65535:
 *	infinite), which a lifetime of 0 stands for
 * @choice: filled with the choice, SAs in the order of the offer; all zero
 *	on error
 *
 * The answer must be one proposal group of the offer (protocol.rst 6.4):
 * proposals of a single number that was offered, answering each offered
 * proposal of that number once (same protocol and protocol id, in any
 * order, no protocol twice), each with exactly one transform per transform
 * type of the offered proposal, each transform identical to an offered one
 * (number, type, id, number of keys, attributes) and known to this version,
 * and a lifetime no longer than the offered one. SPIs below 256 are
 * malformed (elem.c).
 *
 * Return: 0, a negative &enum mipkex_nego_err, or a negative &enum
 * mipkex_elem_err when either payload is malformed.
 */
int mipkex_nego_check_answer(const u8 *offer, size_t offer_len,
			     const u8 *answer, size_t answer_len,
			     u32 reg_lifetime, struct mipkex_nego_choice *choice)
{
	int ret = mipkex_nego_check(offer, offer_len, answer, answer_len,
				    reg_lifetime, choice);

	if (ret)
		memset(choice, 0, sizeof(*choice));
	return ret;
}

/* Write the transform an &enum mipkex_xform is, under @number. */
static void mipkex_nego_put_xform(struct mipkex_wbuf *w, u8 number,
				  unsigned int xform)
{
	const struct mipkex_nego_xf_def *d = &mipkex_nego_xf_defs[xform];
	struct mipkex_transform xf;
	u8 attr[6];

	memset(&xf, 0, sizeof(xf));
	xf.number = number;
	xf.type = d->type;
	xf.id = d->id;
	xf.n_keys = 1;
	if (d->attr_key_bits) {
		put_unaligned_be16(MIPKEX_XF_ATTR_KEY_LENGTH, attr);
		put_unaligned_be16(2, attr + 2);
		put_unaligned_be16(d->attr_key_bits, attr + 4);
		xf.attrs = attr;
		xf.attrs_len = sizeof(attr);
	}
	mipkex_elem_put_transform(w, &xf);
}

static int mipkex_nego_bad_arg(struct mipkex_wbuf *w)
{
	if (!w->err)
		w->err = MIPKEX_WIRE_E_BAD_ARG;
	return -MIPKEX_NEGO_E_ARG;
}

static bool mipkex_nego_pick_ok(const struct mipkex_nego_pick *pick)
{
	return pick->number && pick->xform < __MIPKEX_XFORM_MAX;
}

/**
 * mipkex_nego_put_reply() - write the responder's SA payload for a choice
 * @w: the builder
 * @vendor: the vendor id
 * @choice: what mipkex_nego_respond() chose, with each SA's @own_spi set
 *	(at least 256)
 *
 * One CVSE SA payload (protocol.rst 6.4): the chosen proposal number, one
 * proposal per SA with the responder's inbound SPI and the chosen lifetime,
 * and only the picked transforms under their original numbers.
 *
 * Return: 0, -%MIPKEX_NEGO_E_ARG for a choice no reply can carry (and
 * @w->err set to %MIPKEX_WIRE_E_BAD_ARG), or the negated first error of the
 * builder (&enum mipkex_wire_err).
 */
int mipkex_nego_put_reply(struct mipkex_wbuf *w, u32 vendor,
			  const struct mipkex_nego_choice *choice)
{
	const struct mipkex_nego_sa *sa;
	struct mipkex_proposal prop;
	size_t start, ps;
	unsigned int i;

	if (!choice->number || !choice->n_sa ||
	    choice->n_sa > MIPKEX_NEGO_MAX_SA ||
	    choice->subtype < 1 || choice->subtype > 3)
		return mipkex_nego_bad_arg(w);
	for (i = 0; i < choice->n_sa; i++) {
		sa = &choice->sa[i];
		if (sa->own_spi < 256 ||
		    mipkex_nego_wants_encr(sa->protocol, sa->protocol_id) !=
		    (sa->encr.number ? 1 : 0) ||
		    !!sa->encr.number == !!sa->integ.number ||
		    (sa->encr.number && !mipkex_nego_pick_ok(&sa->encr)) ||
		    (sa->integ.number && !mipkex_nego_pick_ok(&sa->integ)))
			return mipkex_nego_bad_arg(w);
	}

	start = mipkex_elem_sa_begin(w, vendor, choice->subtype);
	for (i = 0; i < choice->n_sa; i++) {
		sa = &choice->sa[i];
		memset(&prop, 0, sizeof(prop));
		prop.number = choice->number;
		prop.protocol = sa->protocol;
		prop.protocol_id = sa->protocol_id;
		prop.n_transforms = 1;
		prop.lifetime = sa->lifetime;
		prop.spi = sa->own_spi;
		ps = mipkex_elem_proposal_begin(w, &prop);
		if (sa->encr.number)
			mipkex_nego_put_xform(w, sa->encr.number,
					      sa->encr.xform);
		else
			mipkex_nego_put_xform(w, sa->integ.number,
					      sa->integ.xform);
		mipkex_elem_proposal_end(w, ps);
	}
	mipkex_elem_sa_end(w, start);
	return w->err ? -w->err : 0;
}

/**
 * mipkex_nego_put_offer() - write an initiator's SA payload from a policy
 * @w: the builder
 * @vendor: the vendor id
 * @pol: the initiator's policy
 * @subtype: the pair (1 MN-HA, 2 MN-FA, 3 FA-HA)
 * @spi: the initiator's inbound ESP SPI (at least 256)
 * @lifetime: the SA lifetime asked for, seconds (0: the registration's)
 *
 * One ESP proposal per transform the policy accepts, numbered from 1 in
 * this order of preference: AES-256-GCM, AES-128-GCM, ChaCha20-Poly1305
 * (protocol id 2), then integrity only (protocol id 1) with
 * HMAC-SHA256-128, then HMAC-SHA1-96 (legacy). Each proposal has one
 * transform, number 1. AH is never offered.
 *
 * Return: 0, -%MIPKEX_NEGO_E_EMPTY_POLICY when the policy accepts no
 * transform (nothing written), -%MIPKEX_NEGO_E_ARG for a bad @subtype or
 * @spi, or the negated first error of the builder.
 */
int mipkex_nego_put_offer(struct mipkex_wbuf *w, u32 vendor,
			  const struct mipkex_nego_policy *pol, u8 subtype,
			  u32 spi, u32 lifetime)
{
	struct mipkex_proposal prop;
	unsigned int i, n = 0;
	size_t start, ps;
	u8 xform;

	if (subtype < 1 || subtype > 3 || spi < 256)
		return mipkex_nego_bad_arg(w);
	for (i = 0; i < ARRAY_SIZE(mipkex_nego_offer_order); i++)
		if (mipkex_nego_xform_ok(pol, mipkex_nego_offer_order[i].xform))
			n++;
	if (!n)
		return -MIPKEX_NEGO_E_EMPTY_POLICY;

	n = 0;
	start = mipkex_elem_sa_begin(w, vendor, subtype);
	for (i = 0; i < ARRAY_SIZE(mipkex_nego_offer_order); i++) {
		xform = mipkex_nego_offer_order[i].xform;
		if (!mipkex_nego_xform_ok(pol, xform))
			continue;
		memset(&prop, 0, sizeof(prop));
		n++;
		prop.number = (u8)n;
		prop.protocol = MIPKEX_PROTO_ESP;
		prop.protocol_id = mipkex_nego_offer_order[i].protocol_id;
		prop.n_transforms = 1;
		prop.lifetime = lifetime;
		prop.spi = spi;
		ps = mipkex_elem_proposal_begin(w, &prop);
		mipkex_nego_put_xform(w, 1, xform);
		mipkex_elem_proposal_end(w, ps);
	}
	mipkex_elem_sa_end(w, start);
	return w->err ? -w->err : 0;
}

/**
 * mipkex_nego_put_counter() - write a responder's counter-proposal
 * @w: the builder
 * @vendor: the vendor id
 * @pol: the responder's policy
 * @subtype: the pair of the SA payload it answers
 * @spi: an SPI of the responder (at least 256; no SA is made from a
 *	denial, but the layout needs one)
 *
 * What the responder would accept (protocol.rst 6.4), for a denial with
 * code 129: the offer mipkex_nego_put_offer() makes from @pol, with the
 * policy's longest lifetime.
 *
 * Return: as mipkex_nego_put_offer().
 */
int mipkex_nego_put_counter(struct mipkex_wbuf *w, u32 vendor,
			    const struct mipkex_nego_policy *pol, u8 subtype,
			    u32 spi)
{
	return mipkex_nego_put_offer(w, vendor, pol, subtype, spi,
				     pol->lifetime);
}

static int mipkex_nego_group_index(u16 group)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mipkex_nego_groups); i++)
		if (mipkex_nego_groups[i].group == group)
			return (int)i;
	return -1;
}

/* Whether the policy accepts a predefined group; 0 or a negative error. */
static int mipkex_nego_group_ok(const struct mipkex_nego_policy *pol,
				u16 group)
{
	int g = mipkex_nego_group_index(group);
	unsigned int i;

	if (g < 0)
		return -MIPKEX_NEGO_E_DH_UNKNOWN;
	if (mipkex_nego_groups[g].legacy && !pol->legacy)
		return -MIPKEX_NEGO_E_DH_LEGACY;
	for (i = 0; i < pol->n_groups && i < MIPKEX_DH_GROUPS_MAX; i++)
		if (pol->groups[i] == group)
			break;
	if (i == pol->n_groups || i == MIPKEX_DH_GROUPS_MAX)
		return -MIPKEX_NEGO_E_DH_UNLISTED;
	if (mipkex_nego_groups[g].strength < pol->min_dh_bits)
		return -MIPKEX_NEGO_E_DH_WEAK;
	return 0;
}

/**
 * mipkex_nego_dh_check() - whether a received key-exchange payload's group
 *	is acceptable (protocol.rst 8.6.4)
 * @pol: the receiver's policy
 * @ke: the payload as mipkex_elem_ke() parsed it (vendor type 8 or 9)
 * @user_matches: vendor type 9: the caller found the payload's prime and
 *	generator equal to those of the configured user-defined group
 *
 * A predefined group (type 8) must be defined, not legacy unless the
 * policy is, listed in the policy's groups and at least as strong as its
 * minimum, checked in that order. A user-defined group (type 9) must be
 * the configured one and at least as strong as the minimum.
 *
 * Return: 0 when accepted, else a negative &enum mipkex_nego_err saying why
 * (code 129), or -%MIPKEX_ELEM_E_VTYPE for another vendor type.
 */
int mipkex_nego_dh_check(const struct mipkex_nego_policy *pol,
			 const struct mipkex_ke *ke, bool user_matches)
{
	switch (ke->vtype) {
	case MIPKEX_VT_KE_GROUP:
		return mipkex_nego_group_ok(pol, ke->group);
	case MIPKEX_VT_KE_USER:
		if (!pol->user_group || !user_matches)
			return -MIPKEX_NEGO_E_DH_USER;
		if (pol->user_strength < pol->min_dh_bits)
			return -MIPKEX_NEGO_E_DH_WEAK;
		return 0;
	}
	return -MIPKEX_ELEM_E_VTYPE;
}

/**
 * mipkex_nego_dh_preferred() - the DH group an initiator should use
 * @pol: its policy
 *
 * Return: the first group of the policy's list that mipkex_nego_dh_check()
 * would accept; else 0 (%MIPKEX_DH_GROUP_USER of dh.h) when the configured
 * user-defined group is acceptable; else -%MIPKEX_NEGO_E_DH_WEAK.
 */
int mipkex_nego_dh_preferred(const struct mipkex_nego_policy *pol)
{
	unsigned int i;

	for (i = 0; i < pol->n_groups && i < MIPKEX_DH_GROUPS_MAX; i++)
		if (!mipkex_nego_group_ok(pol, pol->groups[i]))
			return pol->groups[i];
	if (pol->user_group && pol->user_strength >= pol->min_dh_bits)
		return 0;
	return -MIPKEX_NEGO_E_DH_WEAK;
}
