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
 *    rejects is malformed (code 134) before any choice is made. An offer
 *    that gives one protocol two SPIs is malformed too (6.2), checked over
 *    the whole payload after the layout.
 *
 * The pairs with the foreign agent (protocol.rst 6.5):
 *
 *  - An FA proposal accepts a transform of the mobile node when it has the
 *    same protocol and protocol id and carries a transform that is the
 *    same &enum mipkex_xform (type, id, attributes and 1 key); the FA's
 *    proposal numbers, grouping, order and other transforms mean nothing.
 *  - The matching proposal of the FA, which gives the FA's SPI and bounds
 *    the lifetime, is the first one in the FA's order that accepts the
 *    transform picked.
 *  - A proposal of the mobile node whose SPI equals the FA's for its
 *    protocol is not accepted; the next proposal group is tried.
 *  - The FA's check of the home agent's answer: each answered proposal
 *    must have a matching proposal in the FA's offer (same protocol and
 *    protocol id carrying the answered transform, its number aside);
 *    the first such proposal bounds the lifetime and gives the FA's SPI,
 *    which the answer's SPI must differ from. Any proposal number is
 *    accepted, since the number is the mobile node's.
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
	"no agreement for the pair",
	"the two SPIs of a pair are equal",
	"offer gives one protocol two SPIs",
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
 * ESP without encryption (integrity only). AH is offered only when asked
 * for (mipkex_nego_put_offer_ah()), with each of these: ESP with protocol
 * id 1 protects the same and crosses NATs.
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
 * Return: 0 for success, and for %MIPKEX_NEGO_E_NO_AGREEMENT (a pair with
 * the FA is left out, protocol.rst 6.5, and the registration is not
 * denied); 134 (poorly formed) for a malformed payload, two SPIs for one
 * protocol included; 129 (administratively prohibited) when no proposal or
 * DH group is acceptable; 128 (reason unspecified) for anything else, which
 * is the caller's fault.
 */
int mipkex_nego_reply_code(int err)
{
	unsigned int e = err < 0 ? 0U - (unsigned int)err : (unsigned int)err;

	if (!e || e == MIPKEX_ELEM_OK || e == MIPKEX_NEGO_OK ||
	    e == MIPKEX_NEGO_E_NO_AGREEMENT)
		return 0;
	if (e < MIPKEX_WIRE_E_NO_SPACE ||
	    (e > MIPKEX_ELEM_OK && e < __MIPKEX_ELEM_E_MAX) ||
	    e == MIPKEX_NEGO_E_SPI_MIXED)
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
 * The first proposal of the FA's offer @fa that accepts transform @xform
 * for @protocol and @protocol_id (protocol.rst 6.5): same protocol and
 * protocol id, and a transform that is the same &enum mipkex_xform (type,
 * id, attributes, 1 key), whatever its number.
 */
static bool mipkex_nego_fa_match(const struct mipkex_seq *fa, u8 protocol,
				 u8 protocol_id, int xform,
				 struct mipkex_proposal *match)
{
	struct mipkex_seq ps = *fa, xs;
	struct mipkex_transform xf;
	struct mipkex_proposal p;

	while (mipkex_elem_next_proposal(&ps, &p) > 0) {
		if (p.protocol != protocol || p.protocol_id != protocol_id)
			continue;
		mipkex_seq_init(&xs, p.transforms, p.transforms_len);
		while (mipkex_elem_next_transform(&xs, &xf) > 0) {
			if (mipkex_nego_classify(&xf) == xform) {
				*match = p;
				return true;
			}
		}
	}
	return false;
}

/*
 * Evaluate one proposal against the policy and, for the MN-FA pair, the
 * FA's offer @fa (NULL otherwise): fill @sa with the transform picked for
 * the type it takes. Return whether it is acceptable.
 */
static bool mipkex_nego_eval(const struct mipkex_proposal *prop,
			     const struct mipkex_nego_policy *pol,
			     u32 reg_lifetime, const struct mipkex_seq *fa,
			     struct mipkex_nego_sa *sa)
{
	int wants_encr = mipkex_nego_wants_encr(prop->protocol,
						prop->protocol_id);
	struct mipkex_proposal match, m;
	struct mipkex_nego_pick *pick;
	struct mipkex_transform xf;
	struct mipkex_seq xs;
	u64 life, bound;
	bool is_encr;
	int xform;

	if (wants_encr < 0)
		return false;
	memset(sa, 0, sizeof(*sa));
	memset(&match, 0, sizeof(match));
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
		if (pick->number && xf.number >= pick->number)
			continue;
		if (fa && !mipkex_nego_fa_match(fa, prop->protocol,
						prop->protocol_id, xform, &m))
			continue;
		mipkex_nego_set_pick(pick, xf.number, xform);
		if (fa)
			match = m;
	}
	if (!pick->number)
		return false;

	life = mipkex_nego_effective(prop->lifetime, reg_lifetime);
	bound = pol->lifetime ? pol->lifetime : MIPKEX_NEGO_INFINITE;
	if (life > bound)
		life = bound;
	if (fa) {
		/* The FA's SPI must differ from the MN's (6.2, 6.5). */
		if (match.spi == prop->spi)
			return false;
		bound = mipkex_nego_effective(match.lifetime, reg_lifetime);
		if (life > bound)
			life = bound;
		sa->own_spi = match.spi;
	}
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

/*
 * One inbound SPI per protocol in all the proposals of an offer (6.2);
 * the home agent treats another offer as malformed.
 */
static int mipkex_nego_one_spi(const struct mipkex_seq *props)
{
	struct mipkex_seq walk = *props;
	struct mipkex_proposal p;
	u32 esp = 0, ah = 0, *spi;

	while (mipkex_elem_next_proposal(&walk, &p) > 0) {
		spi = p.protocol == MIPKEX_PROTO_ESP ? &esp : &ah;
		if (*spi && *spi != p.spi)
			return -MIPKEX_NEGO_E_SPI_MIXED;
		*spi = p.spi;
	}
	return 0;
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

/*
 * The first proposal group of @props acceptable under @pol (and, for the
 * MN-FA pair, to the FA's offer @fa); @choice was zeroed.
 */
static int mipkex_nego_choose(struct mipkex_seq *props,
			      const struct mipkex_nego_policy *pol,
			      u32 reg_lifetime, const struct mipkex_seq *fa,
			      struct mipkex_nego_choice *choice)
{
	struct mipkex_proposal prop;
	bool ok = false;
	int ret;

	while ((ret = mipkex_elem_next_proposal(props, &prop)) > 0) {
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
		    !mipkex_nego_eval(&prop, pol, reg_lifetime, fa,
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
	return 0;
}

/* mipkex_nego_respond() for sub-type @want (0: any). */
static int mipkex_nego_respond_sub(const u8 *value, size_t len,
				   const struct mipkex_nego_policy *pol,
				   u32 reg_lifetime, u8 want,
				   struct mipkex_nego_choice *choice)
{
	struct mipkex_seq props;
	u8 subtype;
	int ret;

	memset(choice, 0, sizeof(*choice));
	ret = mipkex_nego_parse(value, len, &subtype, &props);
	if (ret)
		return ret;
	ret = mipkex_nego_one_spi(&props);
	if (ret)
		return ret;
	if (want && subtype != want)
		return -MIPKEX_NEGO_E_SUBTYPE;
	ret = mipkex_nego_choose(&props, pol, reg_lifetime, NULL, choice);
	if (ret)
		return ret;
	choice->subtype = subtype;
	return 0;
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
 *	caller to set (mipkex_nego_set_own_spi()) before
 *	mipkex_nego_put_reply()
 *
 * Protocol.rst 6.4: the first proposal group (proposals of one number, in
 * increasing number order) whose proposals are all acceptable; within each
 * of them one transform of the type it takes, the initiator's most
 * preferred acceptable one. Each SA's lifetime is the proposal's (0: the
 * registration lifetime) bounded by the policy's. An offer that gives one
 * protocol two SPIs is malformed (6.2).
 *
 * Return: 0; -%MIPKEX_NEGO_E_NONE_ACCEPTABLE when nothing is acceptable
 * (code 129); a negative &enum mipkex_elem_err, or
 * -%MIPKEX_NEGO_E_SPI_MIXED, when the payload is malformed (code 134);
 * -%MIPKEX_NEGO_E_ARG for a value longer than a CVSE can carry.
 */
int mipkex_nego_respond(const u8 *value, size_t len,
			const struct mipkex_nego_policy *pol, u32 reg_lifetime,
			struct mipkex_nego_choice *choice)
{
	return mipkex_nego_respond_sub(value, len, pol, reg_lifetime, 0,
				       choice);
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

/*
 * An answer is a single proposal group: one number, at most one proposal
 * per protocol. Give its number and size.
 */
static int mipkex_nego_one_group(const struct mipkex_seq *answered,
				 u8 *number, unsigned int *n)
{
	struct mipkex_seq walk = *answered;
	u8 seen[MIPKEX_NEGO_MAX_SA];
	struct mipkex_proposal pa;
	unsigned int i;

	*n = 0;
	while (mipkex_elem_next_proposal(&walk, &pa) > 0) {
		if (*n && pa.number != *number)
			return -MIPKEX_NEGO_E_GROUP;
		*number = pa.number;
		for (i = 0; i < *n; i++)
			if (seen[i] == pa.protocol)
				return -MIPKEX_NEGO_E_GROUP;
		if (*n == MIPKEX_NEGO_MAX_SA)
			return -MIPKEX_NEGO_E_GROUP;
		seen[(*n)++] = pa.protocol;
	}
	return 0;
}

/* mipkex_nego_check_answer() without the clean-up on error. */
static int mipkex_nego_check(const u8 *offer, size_t offer_len,
			     const u8 *answer, size_t answer_len,
			     u32 reg_lifetime, struct mipkex_nego_choice *choice)
{
	struct mipkex_proposal pa, po, group[MIPKEX_NEGO_MAX_SA];
	unsigned int n_group = 0, n_ans = 0, used = 0, i;
	struct mipkex_seq offered, answered;
	u8 osub, asub, number = 0;
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

	ret = mipkex_nego_one_group(&answered, &number, &n_ans);
	if (ret)
		return ret;

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
		if (pa.spi == group[i].spi)
			return -MIPKEX_NEGO_E_SPI_EQUAL;
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
 * and a lifetime no longer than the offered one, and an SPI other than the
 * offered one (6.2: the mobile node checks this way the MN-FA answer too,
 * whose SPI is the FA's). SPIs below 256 are malformed (elem.c).
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

/**
 * mipkex_nego_set_own_spi() - set the responder's inbound SPI of a choice
 * @choice: what mipkex_nego_respond() or mipkex_nego_respond_faha() chose
 * @protocol: %MIPKEX_PROTO_ESP or %MIPKEX_PROTO_AH
 * @spi: the responder's inbound SPI for @protocol (at least 256)
 *
 * A node choosing its inbound SPI after seeing the other end's must choose
 * another (protocol.rst 6.2): @spi may not be the initiator's SPI for the
 * same protocol. Nothing is changed on error.
 *
 * Return: 0, -%MIPKEX_NEGO_E_SPI_EQUAL when @spi is the SA's @peer_spi
 * (choose another), or -%MIPKEX_NEGO_E_ARG for a reserved @spi or a
 * protocol the choice does not have.
 */
int mipkex_nego_set_own_spi(struct mipkex_nego_choice *choice, u8 protocol,
			    u32 spi)
{
	struct mipkex_nego_sa *sa = NULL;
	unsigned int i;

	for (i = 0; i < choice->n_sa && i < MIPKEX_NEGO_MAX_SA; i++)
		if (choice->sa[i].protocol == protocol)
			sa = &choice->sa[i];
	if (!sa || spi < 256)
		return -MIPKEX_NEGO_E_ARG;
	if (sa->peer_spi == spi)
		return -MIPKEX_NEGO_E_SPI_EQUAL;
	sa->own_spi = spi;
	return 0;
}

/**
 * mipkex_nego_respond_mnfa() - the home agent's choice for the MN-FA pair
 * @mn: the value of the mobile node's MN-FA SA payload (CVSE, sub-type 2)
 * @mn_len: its length
 * @fa: the value of the FA's MN-FA SA payload (NVSE, sub-type 2)
 * @fa_len: its length
 * @pol: the home agent's policy
 * @reg_lifetime: the registration lifetime the reply grants (65535:
 *	infinite), which a proposal lifetime of 0 stands for
 * @choice: filled with the choice, sub-type 2; all zero on error
 *
 * Protocol.rst 6.5: the first proposal group of the mobile node's offer,
 * in its order, all of whose proposals the FA's offer accepts (read as a
 * set: a proposal of the same protocol and protocol id carrying the same
 * transform, its number aside) and the policy accepts (6.4 and the rules
 * at the top of this file), whose SPI differs from the FA's for the same
 * protocol; in each proposal the mobile node's most preferred transform
 * that both accept. Each SA's lifetime is the smallest of the mobile
 * node's proposal's, the FA's matching proposal's (the first that accepts
 * the transform picked) and the policy's bound. Each SA's @peer_spi is the
 * mobile node's inbound SPI, its @own_spi the FA's: the builders
 * mipkex_nego_put_mnfa_mn() and mipkex_nego_put_mnfa_fa() need nothing
 * more.
 *
 * Return: 0; -%MIPKEX_NEGO_E_NO_AGREEMENT when no group is agreed (leave
 * the pair out, no denial: reply code 0); a negative &enum mipkex_elem_err
 * or -%MIPKEX_NEGO_E_SPI_MIXED when either offer is malformed (the mobile
 * node's checked first; code 134); -%MIPKEX_NEGO_E_SUBTYPE when either is
 * not of sub-type 2; -%MIPKEX_NEGO_E_ARG for a value longer than a CVSE.
 */
int mipkex_nego_respond_mnfa(const u8 *mn, size_t mn_len, const u8 *fa,
			     size_t fa_len,
			     const struct mipkex_nego_policy *pol,
			     u32 reg_lifetime,
			     struct mipkex_nego_choice *choice)
{
	struct mipkex_seq mprops, fprops;
	u8 msub, fsub;
	int ret;

	memset(choice, 0, sizeof(*choice));
	ret = mipkex_nego_parse(mn, mn_len, &msub, &mprops);
	if (!ret)
		ret = mipkex_nego_one_spi(&mprops);
	if (ret)
		return ret;
	ret = mipkex_nego_parse(fa, fa_len, &fsub, &fprops);
	if (!ret)
		ret = mipkex_nego_one_spi(&fprops);
	if (ret)
		return ret;
	if (msub != 2 || fsub != 2)
		return -MIPKEX_NEGO_E_SUBTYPE;
	ret = mipkex_nego_choose(&mprops, pol, reg_lifetime, &fprops, choice);
	if (ret == -MIPKEX_NEGO_E_NONE_ACCEPTABLE)
		return -MIPKEX_NEGO_E_NO_AGREEMENT;
	if (ret)
		return ret;
	choice->subtype = 2;
	return 0;
}

/**
 * mipkex_nego_respond_faha() - the home agent's choice for the FA-HA pair
 * @value: the value of the FA's FA-HA SA payload (NVSE, sub-type 3)
 * @len: its length
 * @pol: the home agent's policy
 * @reg_lifetime: as for mipkex_nego_respond()
 * @choice: as for mipkex_nego_respond()
 *
 * Mipkex_nego_respond() (6.4) for the FA's offer, except that nothing
 * acceptable never denies the registration (6.5).
 *
 * Return: as mipkex_nego_respond(), but -%MIPKEX_NEGO_E_NO_AGREEMENT
 * (leave the pair out, reply code 0) when no proposal is acceptable, and
 * -%MIPKEX_NEGO_E_SUBTYPE for a well-formed payload of another sub-type.
 */
int mipkex_nego_respond_faha(const u8 *value, size_t len,
			     const struct mipkex_nego_policy *pol,
			     u32 reg_lifetime,
			     struct mipkex_nego_choice *choice)
{
	int ret = mipkex_nego_respond_sub(value, len, pol, reg_lifetime, 3,
					  choice);

	return ret == -MIPKEX_NEGO_E_NONE_ACCEPTABLE ?
	       -MIPKEX_NEGO_E_NO_AGREEMENT : ret;
}

/* Whether two transforms are the same but for their numbers. */
static bool mipkex_nego_same_content(const struct mipkex_transform *a,
				     const struct mipkex_transform *b)
{
	return a->type == b->type && a->id == b->id &&
	       a->n_keys == b->n_keys && a->attrs_len == b->attrs_len &&
	       !memcmp(a->attrs, b->attrs, a->attrs_len);
}

/*
 * The FA's check of one answered MN-FA proposal @pa against its offer
 * @offered: fill @sa.
 */
static int mipkex_nego_check_fa_one(const struct mipkex_seq *offered,
				    const struct mipkex_proposal *pa,
				    u32 reg_lifetime,
				    struct mipkex_nego_sa *sa)
{
	int wants_encr = mipkex_nego_wants_encr(pa->protocol, pa->protocol_id);
	struct mipkex_transform xa, xo;
	struct mipkex_proposal po;
	bool same_proto = false, is_encr;
	struct mipkex_seq ps, xs;
	int xform;

	/* Exactly one transform, of the type the proposal takes, known. */
	mipkex_seq_init(&xs, pa->transforms, pa->transforms_len);
	if (mipkex_elem_next_transform(&xs, &xa) <= 0)
		return -MIPKEX_NEGO_E_PICK;

	ps = *offered;
	while (mipkex_elem_next_proposal(&ps, &po) > 0) {
		if (po.protocol != pa->protocol ||
		    po.protocol_id != pa->protocol_id)
			continue;
		same_proto = true;
		mipkex_seq_init(&xs, po.transforms, po.transforms_len);
		while (mipkex_elem_next_transform(&xs, &xo) > 0)
			if (mipkex_nego_same_content(&xa, &xo))
				goto found;
	}
	return same_proto ? -MIPKEX_NEGO_E_NOT_OFFERED : -MIPKEX_NEGO_E_GROUP;

found:
	xform = mipkex_nego_classify(&xa);
	is_encr = xa.type == MIPKEX_XF_TYPE_ENCR;
	if (pa->n_transforms != 1 || wants_encr < 0 || xform < 0 ||
	    is_encr != !!wants_encr)
		return -MIPKEX_NEGO_E_PICK;
	if (mipkex_nego_effective(pa->lifetime, reg_lifetime) >
	    mipkex_nego_effective(po.lifetime, reg_lifetime))
		return -MIPKEX_NEGO_E_LIFETIME;
	if (pa->spi == po.spi)
		return -MIPKEX_NEGO_E_SPI_EQUAL;
	mipkex_nego_set_pick(wants_encr ? &sa->encr : &sa->integ, xa.number,
			     xform);
	sa->protocol = pa->protocol;
	sa->protocol_id = pa->protocol_id;
	sa->peer_spi = pa->spi;
	sa->own_spi = po.spi;
	sa->lifetime = mipkex_nego_field(mipkex_nego_effective(pa->lifetime,
							       reg_lifetime));
	return 0;
}

/* mipkex_nego_check_mnfa() without the clean-up on error. */
static int mipkex_nego_check_fa(const u8 *offer, size_t offer_len,
				const u8 *answer, size_t answer_len,
				u32 reg_lifetime,
				struct mipkex_nego_choice *choice)
{
	struct mipkex_seq offered, answered;
	struct mipkex_proposal pa;
	unsigned int n_ans;
	u8 osub, asub, number = 0;
	int ret;

	memset(choice, 0, sizeof(*choice));
	ret = mipkex_nego_parse(offer, offer_len, &osub, &offered);
	if (ret)
		return ret;
	ret = mipkex_nego_parse(answer, answer_len, &asub, &answered);
	if (ret)
		return ret;
	if (osub != 2 || asub != 2)
		return -MIPKEX_NEGO_E_SUBTYPE;
	ret = mipkex_nego_one_group(&answered, &number, &n_ans);
	if (ret)
		return ret;
	while (mipkex_elem_next_proposal(&answered, &pa) > 0) {
		ret = mipkex_nego_check_fa_one(&offered, &pa, reg_lifetime,
					       &choice->sa[choice->n_sa]);
		if (ret)
			return ret;
		choice->n_sa++;
	}
	choice->subtype = 2;
	choice->number = number;
	return 0;
}

/**
 * mipkex_nego_check_mnfa() - the FA's check of the home agent's MN-FA
 *	answer (protocol.rst 6.5)
 * @offer: the value of the FA's MN-FA SA payload as it sent it (sub-type 2)
 * @offer_len: its length
 * @answer: the value of the NVSE SA payload of sub-type 2 in the reply
 * @answer_len: its length
 * @reg_lifetime: the registration lifetime the reply grants (65535:
 *	infinite), which a lifetime of 0 stands for
 * @choice: filled with the choice, SAs in the order of the answer: each
 *	@peer_spi the mobile node's inbound SPI (the answer's), @own_spi the
 *	FA's; all zero on error
 *
 * The answer carries the mobile node's proposal and transform numbers, so
 * it is checked by content: a single proposal group (one number, whatever
 * it is; at most one proposal per protocol); for each proposal, a proposal
 * of the FA's offer of the same protocol and protocol id carrying a
 * transform of the same type, id, number of keys and attributes as the
 * answered one (its number aside); exactly one transform, of the type the
 * proposal takes and known to this version; a lifetime no longer than that
 * of the first such proposal of the offer; an SPI other than that
 * proposal's, the FA's own (6.2). The mobile node checks its own MN-FA
 * answer, which repeats its numbers, with mipkex_nego_check_answer().
 *
 * Return: 0; -%MIPKEX_NEGO_E_SUBTYPE when either is not of sub-type 2;
 * -%MIPKEX_NEGO_E_GROUP when the answer is not one proposal group or has a
 * protocol and protocol id the offer lacks; -%MIPKEX_NEGO_E_NOT_OFFERED,
 * -%MIPKEX_NEGO_E_PICK, -%MIPKEX_NEGO_E_LIFETIME or
 * -%MIPKEX_NEGO_E_SPI_EQUAL as above; a negative &enum mipkex_elem_err
 * when either payload is malformed.
 */
int mipkex_nego_check_mnfa(const u8 *offer, size_t offer_len,
			   const u8 *answer, size_t answer_len,
			   u32 reg_lifetime, struct mipkex_nego_choice *choice)
{
	int ret = mipkex_nego_check_fa(offer, offer_len, answer, answer_len,
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

/* Start an SA payload in a CVSE, or in an NVSE (between the FA and HA). */
static size_t mipkex_nego_sa_begin(struct mipkex_wbuf *w, u32 vendor,
				   u8 subtype, bool nvse)
{
	size_t start = w->len;
	u8 v[2] = { subtype, 0 };

	if (!nvse)
		return mipkex_elem_sa_begin(w, vendor, subtype);
	mipkex_wire_put_nvse(w, vendor, MIPKEX_VT_SA_PAYLOAD, v, sizeof(v));
	return start;
}

static void mipkex_nego_sa_end(struct mipkex_wbuf *w, size_t start,
			       bool nvse)
{
	size_t len;

	if (!nvse) {
		mipkex_elem_sa_end(w, start);
		return;
	}
	if (w->err)
		return;
	/* The NVSE's length byte: what follows it (8 + the value). */
	len = w->len - start - 2;
	if (len > 8 + MIPKEX_NVSE_MAX_VALUE) {
		w->err = MIPKEX_WIRE_E_TOO_LONG;
		return;
	}
	w->buf[start + 1] = (u8)len;
}

/*
 * Write the answer of @choice: in an NVSE when @nvse, with each SA's
 * @peer_spi when @peer (the MN-FA answer to the FA), else its @own_spi.
 */
static int mipkex_nego_put_answer(struct mipkex_wbuf *w, u32 vendor,
				  const struct mipkex_nego_choice *choice,
				  bool nvse, bool peer)
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
		if ((peer ? sa->peer_spi : sa->own_spi) < 256 ||
		    mipkex_nego_wants_encr(sa->protocol, sa->protocol_id) !=
		    (sa->encr.number ? 1 : 0) ||
		    !!sa->encr.number == !!sa->integ.number ||
		    (sa->encr.number && !mipkex_nego_pick_ok(&sa->encr)) ||
		    (sa->integ.number && !mipkex_nego_pick_ok(&sa->integ)))
			return mipkex_nego_bad_arg(w);
		/* The two SAs of a pair need two SPIs (6.2). */
		if (sa->own_spi == sa->peer_spi) {
			mipkex_nego_bad_arg(w);
			return -MIPKEX_NEGO_E_SPI_EQUAL;
		}
	}

	start = mipkex_nego_sa_begin(w, vendor, choice->subtype, nvse);
	for (i = 0; i < choice->n_sa; i++) {
		sa = &choice->sa[i];
		memset(&prop, 0, sizeof(prop));
		prop.number = choice->number;
		prop.protocol = sa->protocol;
		prop.protocol_id = sa->protocol_id;
		prop.n_transforms = 1;
		prop.lifetime = sa->lifetime;
		prop.spi = peer ? sa->peer_spi : sa->own_spi;
		ps = mipkex_elem_proposal_begin(w, &prop);
		if (sa->encr.number)
			mipkex_nego_put_xform(w, sa->encr.number,
					      sa->encr.xform);
		else
			mipkex_nego_put_xform(w, sa->integ.number,
					      sa->integ.xform);
		mipkex_elem_proposal_end(w, ps);
	}
	mipkex_nego_sa_end(w, start, nvse);
	return w->err ? -w->err : 0;
}

/**
 * mipkex_nego_put_reply() - write the responder's SA payload for a choice
 * @w: the builder
 * @vendor: the vendor id
 * @choice: what mipkex_nego_respond() chose, with each SA's @own_spi set
 *	(at least 256, and not the initiator's SPI for that protocol)
 *
 * One CVSE SA payload (protocol.rst 6.4): the chosen proposal number, one
 * proposal per SA with the responder's inbound SPI and the chosen lifetime,
 * and only the picked transforms under their original numbers.
 *
 * Return: 0, -%MIPKEX_NEGO_E_SPI_EQUAL when an SA's @own_spi is its
 * @peer_spi (6.2: choose another), -%MIPKEX_NEGO_E_ARG for another choice no
 * reply can carry (in both cases nothing written and @w->err set to
 * %MIPKEX_WIRE_E_BAD_ARG), or the negated first error of the builder
 * (&enum mipkex_wire_err).
 */
int mipkex_nego_put_reply(struct mipkex_wbuf *w, u32 vendor,
			  const struct mipkex_nego_choice *choice)
{
	return mipkex_nego_put_answer(w, vendor, choice, false, false);
}

/**
 * mipkex_nego_put_mnfa_mn() - write the home agent's MN-FA answer to the
 *	mobile node
 * @w: the builder
 * @vendor: the vendor id
 * @choice: what mipkex_nego_respond_mnfa() chose
 *
 * The CVSE SA payload of sub-type 2 of protocol.rst 6.5 and 9.2: the mobile
 * node's proposal number and transform numbers, the chosen lifetimes, and
 * in each proposal the FA's inbound SPI (MN to FA), @own_spi.
 *
 * Return: as mipkex_nego_put_reply(); -%MIPKEX_NEGO_E_ARG also for a
 * choice of another sub-type.
 */
int mipkex_nego_put_mnfa_mn(struct mipkex_wbuf *w, u32 vendor,
			    const struct mipkex_nego_choice *choice)
{
	if (choice->subtype != 2)
		return mipkex_nego_bad_arg(w);
	return mipkex_nego_put_answer(w, vendor, choice, false, false);
}

/**
 * mipkex_nego_put_mnfa_fa() - write the home agent's MN-FA answer to the FA
 * @w: the builder
 * @vendor: the vendor id
 * @choice: what mipkex_nego_respond_mnfa() chose
 *
 * The NVSE SA payload of sub-type 2 of protocol.rst 6.5 and 9.2: the same
 * as mipkex_nego_put_mnfa_mn() writes, but in an NVSE and with the mobile
 * node's inbound SPI (FA to MN), @peer_spi, in each proposal.
 *
 * Return: as mipkex_nego_put_mnfa_mn().
 */
int mipkex_nego_put_mnfa_fa(struct mipkex_wbuf *w, u32 vendor,
			    const struct mipkex_nego_choice *choice)
{
	if (choice->subtype != 2)
		return mipkex_nego_bad_arg(w);
	return mipkex_nego_put_answer(w, vendor, choice, true, true);
}

/**
 * mipkex_nego_put_faha_reply() - write the home agent's FA-HA answer
 * @w: the builder
 * @vendor: the vendor id
 * @choice: what mipkex_nego_respond_faha() chose, with each SA's @own_spi
 *	set (the home agent's inbound SPI, FA to HA)
 *
 * The NVSE SA payload of sub-type 3 of protocol.rst 6.5 and 9.2, laid out
 * as mipkex_nego_put_reply() does (6.4).
 *
 * Return: as mipkex_nego_put_reply(); -%MIPKEX_NEGO_E_ARG also for a
 * choice of another sub-type.
 */
int mipkex_nego_put_faha_reply(struct mipkex_wbuf *w, u32 vendor,
			       const struct mipkex_nego_choice *choice)
{
	if (choice->subtype != 3)
		return mipkex_nego_bad_arg(w);
	return mipkex_nego_put_answer(w, vendor, choice, true, false);
}

/* mipkex_nego_put_offer(), in an NVSE when @nvse. */
static int mipkex_nego_offer(struct mipkex_wbuf *w, u32 vendor,
			     const struct mipkex_nego_policy *pol, u8 subtype,
			     u32 spi, u32 ah_spi, u32 lifetime, bool nvse)
{
	struct mipkex_proposal prop;
	unsigned int i, n = 0;
	u8 xform, ah_xform = __MIPKEX_XFORM_MAX;
	size_t start, ps;

	if (subtype < 1 || subtype > 3 || spi < 256 ||
	    (ah_spi && (ah_spi < 256 || ah_spi == spi)))
		return mipkex_nego_bad_arg(w);
	for (i = 0; i < ARRAY_SIZE(mipkex_nego_offer_order); i++) {
		xform = mipkex_nego_offer_order[i].xform;
		if (!mipkex_nego_xform_ok(pol, xform))
			continue;
		n++;
		if (mipkex_nego_offer_order[i].protocol_id ==
		    MIPKEX_PROTO_ID_AUTH && ah_xform == __MIPKEX_XFORM_MAX)
			ah_xform = xform;
	}
	if (!n || (ah_spi && ah_xform == __MIPKEX_XFORM_MAX))
		return -MIPKEX_NEGO_E_EMPTY_POLICY;

	n = 0;
	start = mipkex_nego_sa_begin(w, vendor, subtype, nvse);
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
		if (!ah_spi)
			continue;
		/* AND: AH with the same number (6.4), its own SPI. */
		prop.protocol = MIPKEX_PROTO_AH;
		prop.protocol_id = MIPKEX_PROTO_ID_AUTH;
		prop.spi = ah_spi;
		ps = mipkex_elem_proposal_begin(w, &prop);
		mipkex_nego_put_xform(w, 1, ah_xform);
		mipkex_elem_proposal_end(w, ps);
	}
	mipkex_nego_sa_end(w, start, nvse);
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
 * transform, number 1. No AH (mipkex_nego_put_offer_ah() adds it). The SA
 * payload is a CVSE (the mobile node's offers); the FA's go in NVSEs,
 * mipkex_nego_put_fa_offer().
 *
 * Return: 0, -%MIPKEX_NEGO_E_EMPTY_POLICY when the policy accepts no
 * transform (nothing written), -%MIPKEX_NEGO_E_ARG for a bad @subtype or
 * @spi, or the negated first error of the builder.
 */
int mipkex_nego_put_offer(struct mipkex_wbuf *w, u32 vendor,
			  const struct mipkex_nego_policy *pol, u8 subtype,
			  u32 spi, u32 lifetime)
{
	return mipkex_nego_offer(w, vendor, pol, subtype, spi, 0, lifetime,
				 false);
}

/**
 * mipkex_nego_put_offer_ah() - write an initiator's SA payload asking for
 *	ESP and AH
 * @w: the builder
 * @vendor: the vendor id
 * @pol: the initiator's policy
 * @subtype: the pair (1 MN-HA, 2 MN-FA, 3 FA-HA)
 * @spi: the initiator's inbound ESP SPI (at least 256)
 * @ah_spi: its inbound AH SPI (at least 256, not @spi), or 0 for the offer
 *	of mipkex_nego_put_offer()
 * @lifetime: the SA lifetime asked for, seconds (0: the registration's)
 *
 * The offer of mipkex_nego_put_offer(), each ESP proposal followed by an AH
 * proposal of the same number (an AND, protocol.rst 6.4): protocol id 1,
 * one transform, number 1, the first integrity transform of that order the
 * policy accepts (HMAC-SHA256-128, else HMAC-SHA1-96), the same lifetime.
 *
 * Return: as mipkex_nego_put_offer(); -%MIPKEX_NEGO_E_EMPTY_POLICY also
 * when the policy accepts no integrity transform for AH; -%MIPKEX_NEGO_E_ARG
 * also for a bad @ah_spi.
 */
int mipkex_nego_put_offer_ah(struct mipkex_wbuf *w, u32 vendor,
			     const struct mipkex_nego_policy *pol, u8 subtype,
			     u32 spi, u32 ah_spi, u32 lifetime)
{
	return mipkex_nego_offer(w, vendor, pol, subtype, spi, ah_spi,
				 lifetime, false);
}

/**
 * mipkex_nego_put_fa_offer() - write one of the FA's SA payloads (NVSE)
 * @w: the builder
 * @vendor: the vendor id
 * @pol: the FA's policy
 * @subtype: 2 (MN-FA) or 3 (FA-HA)
 * @spi: the FA's inbound ESP SPI (at least 256): MN to FA for sub-type 2,
 *	HA to FA for sub-type 3
 * @lifetime: the SA lifetime asked for, seconds (0: the registration's)
 * @mn_offer: sub-type 2: the value of the mobile node's MN-FA SA payload
 *	in the request being relayed; ignored for sub-type 3
 * @mn_len: its length
 *
 * The offer mipkex_nego_put_offer() makes, in an NVSE (protocol.rst 6.5,
 * 9.1). For sub-type 2 the FA's SPI must differ from the mobile node's for
 * the same protocol (6.2), ESP being the only protocol offered.
 *
 * Return: as mipkex_nego_put_offer(); -%MIPKEX_NEGO_E_SPI_EQUAL (nothing
 * written) when @spi is the mobile node's ESP SPI; a negative &enum
 * mipkex_elem_err when @mn_offer is malformed, -%MIPKEX_NEGO_E_SUBTYPE when
 * it is not an MN-FA offer, -%MIPKEX_NEGO_E_ARG when it is missing.
 */
int mipkex_nego_put_fa_offer(struct mipkex_wbuf *w, u32 vendor,
			     const struct mipkex_nego_policy *pol, u8 subtype,
			     u32 spi, u32 lifetime, const u8 *mn_offer,
			     size_t mn_len)
{
	struct mipkex_proposal p;
	struct mipkex_seq props;
	u8 sub;
	int ret;

	if (subtype != 2 && subtype != 3)
		return mipkex_nego_bad_arg(w);
	if (subtype == 2) {
		if (!mn_offer)
			return mipkex_nego_bad_arg(w);
		ret = mipkex_nego_parse(mn_offer, mn_len, &sub, &props);
		if (ret)
			return ret;
		if (sub != 2)
			return -MIPKEX_NEGO_E_SUBTYPE;
		while (mipkex_elem_next_proposal(&props, &p) > 0)
			if (p.protocol == MIPKEX_PROTO_ESP && p.spi == spi)
				return -MIPKEX_NEGO_E_SPI_EQUAL;
	}
	return mipkex_nego_offer(w, vendor, pol, subtype, spi, 0, lifetime,
				 true);
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
