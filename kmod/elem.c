// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex: parsing and checking of the protocol's own elements
 * (Documentation/protocol.rst sections 4-7), found in RFC 3115 vendor
 * extensions by wire.c. Every nested length is checked against the one that
 * contains it before anything inside is read.
 */

#include "elem.h"

/* Indexed by error - MIPKEX_ELEM_OK. */
static const char *const mipkex_elem_errors[] = {
	"no error",
	"reserved vendor type",
	"element shorter than its header",
	"undefined content type or sub-type",
	"clear element with a non-zero SPI",
	"INFO of the wrong length",
	"encrypted INFO with nothing before its tag",
	"proposal header runs past the SA payload",
	"payload in an SA payload is not a proposal",
	"proposal length disagrees with its SA payload",
	"proposal field out of range",
	"transform header runs past its proposal",
	"payload in a proposal is not a transform",
	"transform length disagrees with its proposal",
	"transforms disagree with the proposal's count",
	"transform attribute runs past its transform",
	"SA payload without a proposal",
	"key-exchange value of the wrong length",
	"undefined Diffie-Hellman group",
	"undefined KDC mode",
	"element repeated",
	"element on the wrong side of the MN-HA authentication",
	"element that needs a CVSE found in an NVSE",
	"transform field out of range",
	"proposals of one number not adjacent",
	"element names a reserved SPI",
	"proposal or transform outside an SA payload",
};

static_assert(ARRAY_SIZE(mipkex_elem_errors) ==
	      __MIPKEX_ELEM_E_MAX - MIPKEX_ELEM_OK, "one message per error");

/**
 * mipkex_elem_strerror() - describe an error of the element parser or codec
 * @err: &enum mipkex_elem_err or &enum mipkex_wire_err, or its negation
 *
 * Return: a constant string, never NULL.
 */
const char *mipkex_elem_strerror(int err)
{
	unsigned int e = err < 0 ? 0U - (unsigned int)err : (unsigned int)err;

	if (e < MIPKEX_ELEM_OK)
		return mipkex_wire_strerror((int)e);
	if (e >= __MIPKEX_ELEM_E_MAX)
		return "unknown error";
	return mipkex_elem_errors[e - MIPKEX_ELEM_OK];
}

static bool mipkex_all_digits(const u8 *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	return true;
}

/*
 * The INFO of each general-purpose element (protocol.rst 5.1-5.4). AEAD keeps
 * the length, so an encrypted INFO is checked with its plaintext length; only
 * a clear one can be checked further.
 */
static int mipkex_elem_check_info(const struct mipkex_gp *gp)
{
	bool sealed = gp->flags & MIPKEX_ELEM_FLAG_E;
	const u8 *p = gp->info;
	size_t n = gp->info_len;

	if (sealed)
		n -= MIPKEX_AEAD_TAG_LEN;
	switch (gp->vtype) {
	case MIPKEX_VT_NAI:
		if (n < 1 || n > 253)
			return -MIPKEX_ELEM_E_INFO_LENGTH;
		break;
	case MIPKEX_VT_IP:
		if (n != 4)
			return -MIPKEX_ELEM_E_INFO_LENGTH;
		break;
	case MIPKEX_VT_L2:
		if ((gp->content == 0 && n != 6) ||
		    (gp->content == 1 && (n < 6 || n > 15)) ||
		    (gp->content == 2 && n != 10))
			return -MIPKEX_ELEM_E_INFO_LENGTH;
		if (!sealed && gp->content && !mipkex_all_digits(p, n))
			return -MIPKEX_ELEM_E_INFO_LENGTH;
		break;
	case MIPKEX_VT_SA:
		if (n < MIPKEX_SA_INFO_HDR_LEN + 16 ||
		    n > MIPKEX_SA_INFO_HDR_LEN + 64)
			return -MIPKEX_ELEM_E_INFO_LENGTH;
		if (!sealed && n != MIPKEX_SA_INFO_HDR_LEN + (size_t)p[8])
			return -MIPKEX_ELEM_E_INFO_LENGTH;
		break;
	}
	return 0;
}

/**
 * mipkex_elem_gp() - parse a general-purpose element (vendor types 1-4)
 * @ext: its vendor extension
 * @gp: filled with the element
 *
 * Checks the content type; that a clear element has SPI 0 and an encrypted
 * one a non-reserved SPI and a tag; and the INFO's length.
 *
 * Return: 0 or a negative &enum mipkex_elem_err.
 */
int mipkex_elem_gp(const struct mipkex_ext *ext, struct mipkex_gp *gp)
{
	static const u8 n_content[] = {
		[MIPKEX_VT_NAI] = 3, [MIPKEX_VT_IP] = 2,
		[MIPKEX_VT_L2] = 3, [MIPKEX_VT_SA] = 3,
	};
	const u8 *v = ext->value;

	if (ext->vtype < MIPKEX_VT_NAI || ext->vtype > MIPKEX_VT_SA)
		return -MIPKEX_ELEM_E_VTYPE;
	if (ext->value_len < MIPKEX_ELEM_HDR_LEN)
		return -MIPKEX_ELEM_E_SHORT;
	memset(gp, 0, sizeof(*gp));
	gp->vtype = ext->vtype;
	gp->content = v[0];
	gp->flags = v[1];
	gp->spi = get_unaligned_be32(v + 2);
	gp->info = v + MIPKEX_ELEM_HDR_LEN;
	gp->info_len = ext->value_len - MIPKEX_ELEM_HDR_LEN;
	gp->hdr = v;

	if (gp->content >= n_content[gp->vtype])
		return -MIPKEX_ELEM_E_CONTENT;
	if (gp->flags & MIPKEX_ELEM_FLAG_E) {
		if (gp->info_len <= MIPKEX_AEAD_TAG_LEN)
			return -MIPKEX_ELEM_E_SEALED_SHORT;
		if (gp->spi < 256)
			return -MIPKEX_ELEM_E_SPI_RESERVED;
	} else if (gp->spi) {
		return -MIPKEX_ELEM_E_CLEAR_SPI;
	}
	return mipkex_elem_check_info(gp);
}

/**
 * mipkex_seq_init() - start a walk over nested payloads or attributes
 * @seq: the walk
 * @buf: the bytes
 * @len: their length
 */
void mipkex_seq_init(struct mipkex_seq *seq, const u8 *buf, size_t len)
{
	seq->buf = buf;
	seq->len = len;
	seq->pos = 0;
}

/*
 * The next nested payload of @type with a header of at least @hdr bytes:
 * type(2) length(2) ... Its bounds are checked; returns its start and length.
 */
static int mipkex_seq_next(struct mipkex_seq *seq, u16 type, size_t hdr,
			   const u8 **p, size_t *len, int e_short, int e_type,
			   int e_length)
{
	size_t left = seq->len - seq->pos;
	const u8 *q = seq->buf + seq->pos;
	size_t n;

	if (!left)
		return 0;
	if (left < hdr)
		return -e_short;
	if (get_unaligned_be16(q) != type)
		return -e_type;
	n = get_unaligned_be16(q + 2);
	if (n < hdr || n > left)
		return -e_length;
	*p = q;
	*len = n;
	seq->pos += n;
	return 1;
}

/**
 * mipkex_elem_next_proposal() - the next proposal of an SA payload
 * @seq: the walk over the SA payload's proposals
 * @prop: filled with the proposal
 *
 * Return: 1, 0 at the end, or a negative &enum mipkex_elem_err.
 */
int mipkex_elem_next_proposal(struct mipkex_seq *seq,
			      struct mipkex_proposal *prop)
{
	const u8 *p;
	size_t n;
	int ret;

	ret = mipkex_seq_next(seq, MIPKEX_VT_PROPOSAL, MIPKEX_PROPOSAL_HDR_LEN,
			      &p, &n, MIPKEX_ELEM_E_PROP_SHORT,
			      MIPKEX_ELEM_E_PROP_TYPE,
			      MIPKEX_ELEM_E_PROP_LENGTH);
	if (ret <= 0)
		return ret;
	prop->number = p[4];
	prop->protocol = p[5];
	prop->protocol_id = p[6];
	prop->n_transforms = p[7];
	prop->lifetime = get_unaligned_be32(p + 8);
	prop->spi = get_unaligned_be32(p + 12);
	prop->transforms = p + MIPKEX_PROPOSAL_HDR_LEN;
	prop->transforms_len = n - MIPKEX_PROPOSAL_HDR_LEN;
	return 1;
}

/**
 * mipkex_elem_next_transform() - the next transform of a proposal
 * @seq: the walk over the proposal's transforms
 * @xf: filled with the transform
 *
 * Return: 1, 0 at the end, or a negative &enum mipkex_elem_err.
 */
int mipkex_elem_next_transform(struct mipkex_seq *seq,
			       struct mipkex_transform *xf)
{
	const u8 *p;
	size_t n;
	int ret;

	ret = mipkex_seq_next(seq, MIPKEX_VT_TRANSFORM,
			      MIPKEX_TRANSFORM_HDR_LEN, &p, &n,
			      MIPKEX_ELEM_E_XFORM_SHORT,
			      MIPKEX_ELEM_E_XFORM_TYPE,
			      MIPKEX_ELEM_E_XFORM_LENGTH);
	if (ret <= 0)
		return ret;
	xf->number = p[4];
	xf->type = p[5];
	xf->id = get_unaligned_be16(p + 6);
	xf->n_keys = p[8];
	xf->attrs = p + MIPKEX_TRANSFORM_HDR_LEN;
	xf->attrs_len = n - MIPKEX_TRANSFORM_HDR_LEN;
	return 1;
}

/**
 * mipkex_elem_next_attr() - the next attribute of a transform
 * @seq: the walk over the transform's attributes
 * @type: set to the attribute type
 * @value: set to its value
 * @len: set to its length
 *
 * Return: 1, 0 at the end, or -%MIPKEX_ELEM_E_ATTR_LENGTH.
 */
int mipkex_elem_next_attr(struct mipkex_seq *seq, u16 *type,
			  const u8 **value, u16 *len)
{
	size_t left = seq->len - seq->pos;
	const u8 *q = seq->buf + seq->pos;
	u16 n;

	if (!left)
		return 0;
	if (left < 4)
		return -MIPKEX_ELEM_E_ATTR_LENGTH;
	n = get_unaligned_be16(q + 2);
	if (n > left - 4)
		return -MIPKEX_ELEM_E_ATTR_LENGTH;
	*type = get_unaligned_be16(q);
	*value = q + 4;
	*len = n;
	seq->pos += 4 + (size_t)n;
	return 1;
}

/**
 * mipkex_elem_check_proposal() - check a proposal and everything inside it
 * @prop: a proposal from mipkex_elem_next_proposal()
 *
 * Return: 0 or a negative &enum mipkex_elem_err.
 */
int mipkex_elem_check_proposal(const struct mipkex_proposal *prop)
{
	struct mipkex_transform xf;
	struct mipkex_seq xs, as;
	const u8 *value;
	unsigned int n = 0;
	u16 type, len;
	int ret;

	if (!prop->number || (prop->protocol != 50 && prop->protocol != 51) ||
	    prop->protocol_id < 1 || prop->protocol_id > 2 ||
	    !prop->n_transforms || prop->spi < 256)
		return -MIPKEX_ELEM_E_PROP_FIELD;

	mipkex_seq_init(&xs, prop->transforms, prop->transforms_len);
	while ((ret = mipkex_elem_next_transform(&xs, &xf)) > 0) {
		n++;
		if (!xf.number || (xf.type != 1 && xf.type != 3))
			return -MIPKEX_ELEM_E_XFORM_FIELD;
		mipkex_seq_init(&as, xf.attrs, xf.attrs_len);
		while ((ret = mipkex_elem_next_attr(&as, &type, &value,
						    &len)) > 0)
			;
		if (ret < 0)
			return ret;
	}
	if (ret < 0)
		return ret;
	if (n != prop->n_transforms)
		return -MIPKEX_ELEM_E_XFORM_COUNT;
	return 0;
}

/**
 * mipkex_elem_sa_payload() - parse and check an SA payload (vendor type 5)
 * @ext: its vendor extension
 * @subtype: set to its sub-type (1 MN-HA, 2 MN-FA, 3 FA-HA)
 * @proposals: set to a walk over its proposals
 *
 * Every proposal, transform and attribute inside is checked.
 *
 * Return: 0 or a negative &enum mipkex_elem_err.
 */
int mipkex_elem_sa_payload(const struct mipkex_ext *ext, u8 *subtype,
			   struct mipkex_seq *proposals)
{
	struct mipkex_proposal prop;
	struct mipkex_seq walk;
	unsigned int n = 0;
	u8 last = 0;
	int ret;

	if (ext->value_len < 2)
		return -MIPKEX_ELEM_E_SHORT;
	*subtype = ext->value[0];
	if (*subtype < 1 || *subtype > 3)
		return -MIPKEX_ELEM_E_CONTENT;
	mipkex_seq_init(proposals, ext->value + 2, ext->value_len - 2);

	walk = *proposals;
	while ((ret = mipkex_elem_next_proposal(&walk, &prop)) > 0) {
		n++;
		ret = mipkex_elem_check_proposal(&prop);
		if (ret)
			return ret;
		/* Same number: AND, adjacent; a new number: the next OR. */
		if (prop.number < last)
			return -MIPKEX_ELEM_E_PROP_ORDER;
		last = prop.number;
	}
	if (ret < 0)
		return ret;
	if (!n)
		return -MIPKEX_ELEM_E_NO_PROPOSAL;
	return 0;
}

/* The public value length of each defined group (protocol.rst 7.1). */
static int mipkex_group_pub_len(u16 group)
{
	switch (group) {
	case 1:
		return 96;
	case 2:
		return 128;
	case 14:
		return 256;
	case 15:
		return 384;
	case 31:
		return 32;
	}
	return -1;
}

static int mipkex_elem_ke_user(const struct mipkex_ext *ext,
			       struct mipkex_ke *ke)
{
	const u8 *p = ext->value, *end = ext->value + ext->value_len;
	size_t n;

	/* prime length, prime, generator length, generator, public... */
	if (end - p < 2)
		return -MIPKEX_ELEM_E_SHORT;
	n = get_unaligned_be16(p);
	p += 2;
	if (n < 256 || n > 1024 || n > (size_t)(end - p))
		return -MIPKEX_ELEM_E_KE_LENGTH;
	ke->prime = p;
	ke->prime_len = n;
	p += n;

	if (end - p < 2)
		return -MIPKEX_ELEM_E_KE_LENGTH;
	n = get_unaligned_be16(p);
	p += 2;
	if (n < 1 || n > ke->prime_len || n > (size_t)(end - p))
		return -MIPKEX_ELEM_E_KE_LENGTH;
	ke->gen = p;
	ke->gen_len = n;
	p += n;

	if (end - p < 2)
		return -MIPKEX_ELEM_E_KE_LENGTH;
	n = get_unaligned_be16(p);
	p += 2;
	if (n != ke->prime_len || n != (size_t)(end - p))
		return -MIPKEX_ELEM_E_KE_LENGTH;
	ke->pub = p;
	ke->pub_len = n;
	return 0;
}

/**
 * mipkex_elem_ke() - parse and check a key-exchange payload (types 8-10)
 * @ext: its vendor extension
 * @ke: filled with the payload
 *
 * Return: 0 or a negative &enum mipkex_elem_err.
 */
int mipkex_elem_ke(const struct mipkex_ext *ext, struct mipkex_ke *ke)
{
	const u8 *v = ext->value;
	int want;

	memset(ke, 0, sizeof(*ke));
	ke->vtype = ext->vtype;
	switch (ext->vtype) {
	case MIPKEX_VT_KE_GROUP:
		if (ext->value_len < 4)
			return -MIPKEX_ELEM_E_SHORT;
		ke->group = get_unaligned_be16(v);
		want = mipkex_group_pub_len(ke->group);
		if (want < 0)
			return -MIPKEX_ELEM_E_KE_GROUP;
		if ((size_t)ext->value_len - 4 != (size_t)want)
			return -MIPKEX_ELEM_E_KE_LENGTH;
		ke->pub = v + 4;
		ke->pub_len = (size_t)want;
		return 0;
	case MIPKEX_VT_KE_USER:
		return mipkex_elem_ke_user(ext, ke);
	case MIPKEX_VT_KE_KDC:
		if (ext->value_len < 6)
			return -MIPKEX_ELEM_E_SHORT;
		ke->mode = v[0];
		if (ke->mode < 1 || ke->mode > 2)
			return -MIPKEX_ELEM_E_KE_MODE;
		ke->spi = get_unaligned_be32(v + 2);
		ke->key = v + 6;
		ke->key_len = ext->value_len - 6;
		if (ke->spi && ke->spi < 256)
			return -MIPKEX_ELEM_E_SPI_RESERVED;
		if (ke->key_len && ke->key_len <= MIPKEX_AEAD_TAG_LEN)
			return -MIPKEX_ELEM_E_SEALED_SHORT;
		return 0;
	}
	return -MIPKEX_ELEM_E_VTYPE;
}

/* Keep @ext in @slot unless the slot is taken. */
static int mipkex_elem_keep(struct mipkex_ext *slot,
			    const struct mipkex_ext *ext)
{
	if (slot->type)
		return -MIPKEX_ELEM_E_DUPLICATE;
	*slot = *ext;
	return 0;
}

static int mipkex_elem_scan_cvse(const struct mipkex_ext *ext,
				 struct mipkex_elems *el)
{
	struct mipkex_seq props;
	struct mipkex_gp gp;
	struct mipkex_ke ke;
	u8 sub;
	int ret;

	switch (ext->vtype) {
	case MIPKEX_VT_NAI:
	case MIPKEX_VT_IP:
	case MIPKEX_VT_L2:
	case MIPKEX_VT_SA:
		ret = mipkex_elem_gp(ext, &gp);
		if (ret)
			return ret;
		if (ext->vtype == MIPKEX_VT_SA) {
			/* The MN gets KEY3 and KEY1, never KEY2. */
			if (gp.content == 1)
				return -MIPKEX_ELEM_E_CONTENT;
			return mipkex_elem_keep(&el->mn_sa[gp.content], ext);
		}
		if (ext->vtype == MIPKEX_VT_L2)
			return mipkex_elem_keep(&el->l2, ext);
		if (gp.content)	/* an FA's or HA's NAI or a router's IP */
			return 0;
		return mipkex_elem_keep(ext->vtype == MIPKEX_VT_NAI ?
					&el->nai : &el->ip, ext);
	case MIPKEX_VT_SA_PAYLOAD:
		ret = mipkex_elem_sa_payload(ext, &sub, &props);
		if (ret)
			return ret;
		/* The FA-HA pair is negotiated in NVSEs only (protocol.rst 4). */
		if (sub == 3)
			return -MIPKEX_ELEM_E_CONTENT;
		return mipkex_elem_keep(&el->sa_payload[sub], ext);
	case MIPKEX_VT_KE_GROUP:
	case MIPKEX_VT_KE_USER:
	case MIPKEX_VT_KE_KDC:
		ret = mipkex_elem_ke(ext, &ke);
		if (ret)
			return ret;
		return mipkex_elem_keep(&el->ke, ext);
	case MIPKEX_VT_PROPOSAL:
	case MIPKEX_VT_TRANSFORM:
		return -MIPKEX_ELEM_E_NESTED_TOP;
	}
	return -MIPKEX_ELEM_E_VTYPE;
}

static int mipkex_elem_scan_nvse(const struct mipkex_ext *ext,
				 const struct mipkex_msg *msg,
				 struct mipkex_elems *el)
{
	struct mipkex_seq props;
	struct mipkex_gp gp;
	u8 sub;
	int ret;

	if (ext->vtype == MIPKEX_VT_SA_PAYLOAD) {
		/*
		 * The FA's offers and the HA's answers to them (protocol.rst
		 * 4, 6.5): MN-FA or FA-HA only, and only where an FA-HA
		 * authentication extension follows and covers them.
		 */
		if (!msg->fa_ha_off || ext->off > msg->fa_ha_off)
			return -MIPKEX_ELEM_E_PLACEMENT;
		ret = mipkex_elem_sa_payload(ext, &sub, &props);
		if (ret)
			return ret;
		if (sub == 1)
			return -MIPKEX_ELEM_E_CONTENT;
		return mipkex_elem_keep(&el->fa_sa_payload[sub], ext);
	}
	if (ext->vtype == MIPKEX_VT_SA) {
		ret = mipkex_elem_gp(ext, &gp);
		if (ret)
			return ret;
		/* The FA gets KEY2 and KEY3, never KEY1. */
		if (gp.content == 2)
			return -MIPKEX_ELEM_E_CONTENT;
		return mipkex_elem_keep(&el->fa_sa[gp.content], ext);
	}
	if (ext->vtype >= MIPKEX_VT_NAI && ext->vtype <= MIPKEX_VT_MAX)
		return -MIPKEX_ELEM_E_IN_NVSE;
	return 0;	/* a reserved type in a skippable extension: skip it */
}

/**
 * mipkex_elem_scan() - find and check every mipkex element of a message
 * @buf: the message
 * @len: its length
 * @msg: the message as mipkex_wire_parse() found it (which succeeded)
 * @vendor: the configured vendor id
 * @el: filled with the elements
 *
 * Vendor extensions of other vendors are left alone. CVSEs of @vendor must
 * come before the MN-HA authentication extension, NVSEs after it; an NVSE
 * SA payload (vendor type 5) also before an FA-HA authentication extension.
 *
 * Return: 0 or a negative &enum mipkex_elem_err (or &enum mipkex_wire_err).
 */
int mipkex_elem_scan(const u8 *buf, size_t len, const struct mipkex_msg *msg,
		     u32 vendor, struct mipkex_elems *el)
{
	struct mipkex_ext_iter it;
	bool critical, before_auth;
	struct mipkex_ext ext;
	int ret;

	memset(el, 0, sizeof(*el));
	mipkex_ext_iter_init(&it, buf, len, msg->fixed_len);
	while ((ret = mipkex_ext_next(&it, &ext)) > 0) {
		if ((ext.type != MIPKEX_EXT_CVSE &&
		     ext.type != MIPKEX_EXT_NVSE) || ext.vendor != vendor)
			continue;
		critical = ext.type == MIPKEX_EXT_CVSE;
		/* A skippable extension of a type we do not know: skip it. */
		if (!critical && (!ext.vtype || ext.vtype > MIPKEX_VT_MAX))
			continue;
		el->n_elems++;
		before_auth = ext.off < msg->mn_ha_off;
		if (critical != before_auth)
			return -MIPKEX_ELEM_E_PLACEMENT;
		if (critical)
			ret = mipkex_elem_scan_cvse(&ext, el);
		else
			ret = mipkex_elem_scan_nvse(&ext, msg, el);
		if (ret)
			return ret;
	}
	return ret;
}

/*
 * Builders. They write through the sticky-error builder of wire.c, so a
 * message that does not fit is never written past its buffer; nested lengths
 * are filled in by the *_end() functions.
 */

static u8 *mipkex_elem_vse_begin(struct mipkex_wbuf *w, bool nvse, u32 vendor,
				 u16 vtype, size_t value_len)
{
	size_t start = w->len;

	if (nvse)
		mipkex_wire_put_nvse(w, vendor, vtype, NULL, 0);
	else
		mipkex_wire_put_cvse(w, vendor, vtype, NULL, 0);
	if (w->err)
		return NULL;
	if (value_len > (nvse ? MIPKEX_NVSE_MAX_VALUE : MIPKEX_CVSE_MAX_VALUE)) {
		w->err = MIPKEX_WIRE_E_TOO_LONG;
		w->len = start;
		return NULL;
	}
	if (value_len > w->cap - w->len) {
		w->err = MIPKEX_WIRE_E_NO_SPACE;
		w->len = start;
		return NULL;
	}
	if (nvse)
		w->buf[start + 1] = (u8)(8 + value_len);
	else
		put_unaligned_be16((u16)(6 + value_len), w->buf + start + 2);
	w->len += value_len;
	return w->buf + start + 10;
}

/**
 * mipkex_elem_put_gp() - write a general-purpose element (vendor types 1-4)
 * @w: the builder
 * @nvse: in an NVSE (for the FA) instead of a CVSE
 * @vendor: the vendor id
 * @vtype: %MIPKEX_VT_NAI, %MIPKEX_VT_IP, %MIPKEX_VT_L2 or %MIPKEX_VT_SA
 * @content: content type
 * @flags: flags (%MIPKEX_ELEM_FLAG_E for an encrypted INFO)
 * @spi: SPI (0 for a clear INFO)
 * @info: INFO in clear
 * @info_len: its length
 * @tag_len: room to leave after INFO for the AEAD tag (0 for a clear INFO)
 *
 * Return: where INFO was written, for the caller to encrypt it in place and
 * write the tag after it; NULL on error.
 */
u8 *mipkex_elem_put_gp(struct mipkex_wbuf *w, bool nvse, u32 vendor, u16 vtype,
		       u8 content, u8 flags, u32 spi, const void *info,
		       size_t info_len, size_t tag_len)
{
	u8 *v;

	v = mipkex_elem_vse_begin(w, nvse, vendor, vtype,
				  MIPKEX_ELEM_HDR_LEN + info_len + tag_len);
	if (!v)
		return NULL;
	v[0] = content;
	v[1] = flags;
	put_unaligned_be32(spi, v + 2);
	if (info_len)
		memcpy(v + MIPKEX_ELEM_HDR_LEN, info, info_len);
	memset(v + MIPKEX_ELEM_HDR_LEN + info_len, 0, tag_len);
	return v + MIPKEX_ELEM_HDR_LEN;
}

/**
 * mipkex_elem_sa_begin() - start an SA payload (vendor type 5)
 * @w: the builder
 * @vendor: the vendor id
 * @subtype: 1 MN-HA, 2 MN-FA, 3 FA-HA
 *
 * Proposals follow; mipkex_elem_sa_end() closes it.
 *
 * Return: its start, for mipkex_elem_sa_end().
 */
size_t mipkex_elem_sa_begin(struct mipkex_wbuf *w, u32 vendor, u8 subtype)
{
	size_t start = w->len;
	u8 *v = mipkex_elem_vse_begin(w, false, vendor, MIPKEX_VT_SA_PAYLOAD, 2);

	if (v) {
		v[0] = subtype;
		v[1] = 0;
	}
	return start;
}

/**
 * mipkex_elem_sa_end() - close an SA payload
 * @w: the builder
 * @start: what mipkex_elem_sa_begin() returned
 */
void mipkex_elem_sa_end(struct mipkex_wbuf *w, size_t start)
{
	size_t len;

	if (w->err)
		return;
	len = w->len - start - 4;
	if (len > 65535) {
		w->err = MIPKEX_WIRE_E_TOO_LONG;
		return;
	}
	put_unaligned_be16((u16)len, w->buf + start + 2);
}

/**
 * mipkex_elem_proposal_begin() - start a proposal inside an SA payload
 * @w: the builder
 * @prop: the proposal (@prop->transforms is ignored)
 *
 * Its transforms follow; mipkex_elem_proposal_end() closes it.
 *
 * Return: its start, for mipkex_elem_proposal_end().
 */
size_t mipkex_elem_proposal_begin(struct mipkex_wbuf *w,
				  const struct mipkex_proposal *prop)
{
	u8 hdr[MIPKEX_PROPOSAL_HDR_LEN];
	size_t start = w->len;

	put_unaligned_be16(MIPKEX_VT_PROPOSAL, hdr);
	put_unaligned_be16(0, hdr + 2);
	hdr[4] = prop->number;
	hdr[5] = prop->protocol;
	hdr[6] = prop->protocol_id;
	hdr[7] = prop->n_transforms;
	put_unaligned_be32(prop->lifetime, hdr + 8);
	put_unaligned_be32(prop->spi, hdr + 12);
	mipkex_wbuf_put(w, hdr, sizeof(hdr));
	return start;
}

/* Fill in the 16-bit length at @start + 2 of a nested payload. */
static void mipkex_elem_nested_end(struct mipkex_wbuf *w, size_t start)
{
	size_t len;

	if (w->err)
		return;
	len = w->len - start;
	if (len > 65535) {
		w->err = MIPKEX_WIRE_E_TOO_LONG;
		return;
	}
	put_unaligned_be16((u16)len, w->buf + start + 2);
}

/**
 * mipkex_elem_proposal_end() - close a proposal
 * @w: the builder
 * @start: what mipkex_elem_proposal_begin() returned
 */
void mipkex_elem_proposal_end(struct mipkex_wbuf *w, size_t start)
{
	mipkex_elem_nested_end(w, start);
}

/**
 * mipkex_elem_put_transform() - write a transform inside a proposal
 * @w: the builder
 * @xf: the transform, its attributes included
 */
void mipkex_elem_put_transform(struct mipkex_wbuf *w,
			       const struct mipkex_transform *xf)
{
	u8 hdr[MIPKEX_TRANSFORM_HDR_LEN];
	size_t start = w->len;

	put_unaligned_be16(MIPKEX_VT_TRANSFORM, hdr);
	put_unaligned_be16(0, hdr + 2);
	hdr[4] = xf->number;
	hdr[5] = xf->type;
	put_unaligned_be16(xf->id, hdr + 6);
	hdr[8] = xf->n_keys;
	hdr[9] = 0;
	mipkex_wbuf_put(w, hdr, sizeof(hdr));
	mipkex_wbuf_put(w, xf->attrs, xf->attrs_len);
	mipkex_elem_nested_end(w, start);
}

/**
 * mipkex_elem_put_ke() - write a key-exchange payload (vendor types 8-10)
 * @w: the builder
 * @vendor: the vendor id
 * @ke: the payload; @ke->vtype selects the layout
 */
void mipkex_elem_put_ke(struct mipkex_wbuf *w, u32 vendor,
			const struct mipkex_ke *ke)
{
	size_t n;
	u8 *v;

	switch (ke->vtype) {
	case MIPKEX_VT_KE_GROUP:
		v = mipkex_elem_vse_begin(w, false, vendor, ke->vtype,
					  4 + ke->pub_len);
		if (!v)
			return;
		put_unaligned_be16(ke->group, v);
		put_unaligned_be16(0, v + 2);
		memcpy(v + 4, ke->pub, ke->pub_len);
		return;
	case MIPKEX_VT_KE_USER:
		if (ke->prime_len > 65535 || ke->gen_len > 65535 ||
		    ke->pub_len > 65535) {
			if (!w->err)
				w->err = MIPKEX_WIRE_E_TOO_LONG;
			return;
		}
		n = 6 + ke->prime_len + ke->gen_len + ke->pub_len;
		v = mipkex_elem_vse_begin(w, false, vendor, ke->vtype, n);
		if (!v)
			return;
		put_unaligned_be16((u16)ke->prime_len, v);
		memcpy(v + 2, ke->prime, ke->prime_len);
		v += 2 + ke->prime_len;
		put_unaligned_be16((u16)ke->gen_len, v);
		memcpy(v + 2, ke->gen, ke->gen_len);
		v += 2 + ke->gen_len;
		put_unaligned_be16((u16)ke->pub_len, v);
		memcpy(v + 2, ke->pub, ke->pub_len);
		return;
	case MIPKEX_VT_KE_KDC:
		v = mipkex_elem_vse_begin(w, false, vendor, ke->vtype,
					  6 + ke->key_len);
		if (!v)
			return;
		v[0] = ke->mode;
		v[1] = 0;
		put_unaligned_be32(ke->spi, v + 2);
		if (ke->key_len)
			memcpy(v + 6, ke->key, ke->key_len);
		return;
	}
	if (!w->err)
		w->err = MIPKEX_WIRE_E_BAD_ARG;
}
