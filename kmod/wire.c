// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex: the Mobile IPv4 registration wire codec.
 *
 * RFC 5944 section 1.9 gives extensions two encodings: a short one (type,
 * one-byte length) and a long one (type, sub-type, two-byte length) for types
 * that need more than 255 bytes; RFC 3115's CVSE uses the long one with a
 * reserved byte for the sub-type. Every byte read is bounds-checked against
 * the message length first; nothing is allocated; the builders never write
 * past their buffer.
 */

#include "wire.h"

static const char *const mipkex_wire_errors[__MIPKEX_WIRE_E_MAX] = {
	[MIPKEX_WIRE_OK] = "no error",
	[MIPKEX_WIRE_E_SHORT_FIXED] = "message shorter than its fixed part",
	[MIPKEX_WIRE_E_MSG_TYPE] = "neither a registration request nor a reply",
	[MIPKEX_WIRE_E_EXT_HEADER] = "extension header runs past the end",
	[MIPKEX_WIRE_E_EXT_LENGTH] = "extension length runs past the end",
	[MIPKEX_WIRE_E_AUTH_SHORT] = "authentication extension without SPI and authenticator",
	[MIPKEX_WIRE_E_VSE_SHORT] = "vendor extension without vendor id and type",
	[MIPKEX_WIRE_E_NO_MN_HA_AUTH] = "no MN-HA authentication extension",
	[MIPKEX_WIRE_E_DUP_AUTH] = "authentication extension repeated",
	[MIPKEX_WIRE_E_AUTH_ORDER] = "MN-FA or FA-HA authentication before MN-HA",
	[MIPKEX_WIRE_E_AFTER_LAST_AUTH] = "extension after the MN-FA or FA-HA authentication",
	[MIPKEX_WIRE_E_NO_SPACE] = "buffer too small",
	[MIPKEX_WIRE_E_TOO_LONG] = "value too long for its extension format",
	[MIPKEX_WIRE_E_BAD_ARG] = "invalid argument to a builder",
};

static_assert(ARRAY_SIZE(mipkex_wire_errors) == __MIPKEX_WIRE_E_MAX,
	      "one message per error");

/**
 * mipkex_wire_strerror() - describe an error of the codec
 * @err: &enum mipkex_wire_err, or its negation
 *
 * Return: a constant string, never NULL.
 */
const char *mipkex_wire_strerror(int err)
{
	unsigned int e = err < 0 ? 0U - (unsigned int)err : (unsigned int)err;

	if (e >= __MIPKEX_WIRE_E_MAX)
		return "unknown error";
	return mipkex_wire_errors[e];
}

static bool mipkex_ext_is_long(u8 type)
{
	return type == MIPKEX_EXT_GEN_AUTH || type == MIPKEX_EXT_CVSE ||
	       type == MIPKEX_EXT_PMIP_NONSKIP;
}

static bool mipkex_ext_is_auth(u8 type)
{
	return type == MIPKEX_EXT_MN_HA_AUTH || type == MIPKEX_EXT_MN_FA_AUTH ||
	       type == MIPKEX_EXT_FA_HA_AUTH;
}

/**
 * mipkex_ext_iter_init() - start a walk over extensions
 * @it: the iterator
 * @buf: the message
 * @len: its length
 * @start: offset of the first extension (the fixed part's length)
 */
void mipkex_ext_iter_init(struct mipkex_ext_iter *it, const u8 *buf,
			  size_t len, size_t start)
{
	it->buf = buf;
	it->len = len;
	it->pos = start;
}

/* Decode what the codec knows inside an extension whose bounds are checked. */
static int mipkex_ext_decode(struct mipkex_ext *ext)
{
	const u8 *d = ext->data;

	if (mipkex_ext_is_auth(ext->type)) {
		if (ext->len < MIPKEX_AUTH_SPI_LEN + 1)
			return -MIPKEX_WIRE_E_AUTH_SHORT;
		ext->spi = get_unaligned_be32(d);
		ext->auth = d + MIPKEX_AUTH_SPI_LEN;
		ext->auth_len = ext->len - MIPKEX_AUTH_SPI_LEN;
	} else if (ext->type == MIPKEX_EXT_CVSE) {
		/* vendor(4) vtype(2) value */
		if (ext->len < 6)
			return -MIPKEX_WIRE_E_VSE_SHORT;
		ext->vendor = get_unaligned_be32(d);
		ext->vtype = get_unaligned_be16(d + 4);
		ext->value = d + 6;
		ext->value_len = ext->len - 6;
	} else if (ext->type == MIPKEX_EXT_NVSE) {
		/* reserved(2) vendor(4) vtype(2) value */
		if (ext->len < 8)
			return -MIPKEX_WIRE_E_VSE_SHORT;
		ext->vendor = get_unaligned_be32(d + 2);
		ext->vtype = get_unaligned_be16(d + 6);
		ext->value = d + 8;
		ext->value_len = ext->len - 8;
	}
	return 0;
}

/**
 * mipkex_ext_next() - the next extension
 * @it: the iterator
 * @ext: filled with the extension
 *
 * Return: 1 with @ext filled, 0 at the end of the message, or a negative
 * &enum mipkex_wire_err; after an error the walk stays at the bad extension.
 */
int mipkex_ext_next(struct mipkex_ext_iter *it, struct mipkex_ext *ext)
{
	size_t left, hdr;
	u16 len;
	int err;

	if (it->pos >= it->len)
		return 0;
	left = it->len - it->pos;

	memset(ext, 0, sizeof(*ext));
	ext->type = it->buf[it->pos];
	if (mipkex_ext_is_long(ext->type)) {
		hdr = 4;
		if (left < hdr)
			return -MIPKEX_WIRE_E_EXT_HEADER;
		ext->sub = it->buf[it->pos + 1];
		len = get_unaligned_be16(it->buf + it->pos + 2);
	} else {
		hdr = 2;
		if (left < hdr)
			return -MIPKEX_WIRE_E_EXT_HEADER;
		len = it->buf[it->pos + 1];
	}
	if (len > left - hdr)
		return -MIPKEX_WIRE_E_EXT_LENGTH;

	ext->off = it->pos;
	ext->hdr_len = hdr;
	ext->len = len;
	ext->data = it->buf + it->pos + hdr;
	err = mipkex_ext_decode(ext);
	if (err)
		return err;
	it->pos += hdr + len;
	return 1;
}

/**
 * mipkex_wire_auth_covered() - bytes an authentication extension covers
 * @ext: an authentication extension from mipkex_ext_next()
 *
 * RFC 5944 3.5.1: everything from the first byte of the message through the
 * SPI of the extension itself.
 *
 * Return: the length of that prefix of the message.
 */
size_t mipkex_wire_auth_covered(const struct mipkex_ext *ext)
{
	return ext->off + ext->hdr_len + MIPKEX_AUTH_SPI_LEN;
}

static int mipkex_wire_parse_fixed(const u8 *buf, size_t len,
				   struct mipkex_msg *msg)
{
	if (len < 1)
		return -MIPKEX_WIRE_E_SHORT_FIXED;
	msg->type = buf[0];
	if (msg->type == MIPKEX_MSG_RRQ) {
		if (len < MIPKEX_RRQ_FIXED_LEN)
			return -MIPKEX_WIRE_E_SHORT_FIXED;
		msg->flags = buf[1];
		msg->lifetime = get_unaligned_be16(buf + 2);
		memcpy(msg->home, buf + 4, 4);
		memcpy(msg->ha, buf + 8, 4);
		memcpy(msg->coa, buf + 12, 4);
		msg->id = get_unaligned_be64(buf + 16);
		msg->fixed_len = MIPKEX_RRQ_FIXED_LEN;
	} else if (msg->type == MIPKEX_MSG_RRP) {
		if (len < MIPKEX_RRP_FIXED_LEN)
			return -MIPKEX_WIRE_E_SHORT_FIXED;
		msg->code = buf[1];
		msg->lifetime = get_unaligned_be16(buf + 2);
		memcpy(msg->home, buf + 4, 4);
		memcpy(msg->ha, buf + 8, 4);
		msg->id = get_unaligned_be64(buf + 12);
		msg->fixed_len = MIPKEX_RRP_FIXED_LEN;
	} else {
		return -MIPKEX_WIRE_E_MSG_TYPE;
	}
	return 0;
}

/* Where an authentication extension may appear (RFC 5944 3.6.1.3, 3.7). */
static int mipkex_wire_place_auth(struct mipkex_msg *msg,
				  const struct mipkex_ext *ext, bool no_mn_ha)
{
	size_t *slot;

	switch (ext->type) {
	case MIPKEX_EXT_MN_HA_AUTH:
		slot = &msg->mn_ha_off;
		break;
	case MIPKEX_EXT_MN_FA_AUTH:
		slot = &msg->mn_fa_off;
		break;
	default:
		slot = &msg->fa_ha_off;
		break;
	}
	if (*slot)
		return -MIPKEX_WIRE_E_DUP_AUTH;
	if (ext->type != MIPKEX_EXT_MN_HA_AUTH && !msg->mn_ha_off && !no_mn_ha)
		return -MIPKEX_WIRE_E_AUTH_ORDER;
	*slot = ext->off;
	return 0;
}

static bool mipkex_ext_is_known_critical(u8 type)
{
	return mipkex_ext_is_auth(type) || mipkex_ext_is_long(type);
}

static int mipkex_wire_parse_exts(const u8 *buf, size_t len,
				  struct mipkex_msg *msg, bool no_mn_ha)
{
	struct mipkex_ext_iter it;
	struct mipkex_ext ext;
	bool last_seen = false;
	int ret;

	memset(msg, 0, sizeof(*msg));
	ret = mipkex_wire_parse_fixed(buf, len, msg);
	if (ret)
		return ret;

	mipkex_ext_iter_init(&it, buf, len, msg->fixed_len);
	while ((ret = mipkex_ext_next(&it, &ext)) > 0) {
		if (last_seen)
			return -MIPKEX_WIRE_E_AFTER_LAST_AUTH;
		msg->n_ext++;
		if (mipkex_ext_is_auth(ext.type)) {
			ret = mipkex_wire_place_auth(msg, &ext, no_mn_ha);
			if (ret)
				return ret;
			last_seen = ext.type != MIPKEX_EXT_MN_HA_AUTH;
		} else if (!MIPKEX_EXT_SKIPPABLE(ext.type) &&
			   !mipkex_ext_is_known_critical(ext.type) &&
			   !msg->unknown_critical_off) {
			msg->unknown_critical_off = ext.off;
		}
	}
	if (ret < 0)
		return ret;
	if (!msg->mn_ha_off && !no_mn_ha)
		return -MIPKEX_WIRE_E_NO_MN_HA_AUTH;
	return 0;
}

/**
 * mipkex_wire_parse() - parse and check a registration request or reply
 * @buf: the UDP payload
 * @len: its length
 * @msg: filled with the fixed part and the layout of the extensions
 *
 * Checks every extension's bounds and the placement of the authentication
 * extensions: exactly one MN-HA; at most one MN-FA or FA-HA, after it and
 * last.
 *
 * Return: 0 or a negative &enum mipkex_wire_err.
 */
int mipkex_wire_parse(const u8 *buf, size_t len, struct mipkex_msg *msg)
{
	return mipkex_wire_parse_exts(buf, len, msg, false);
}

/**
 * mipkex_wire_parse_no_mn_ha() - parse a message that may lack an MN-HA
 *	authentication extension
 * @buf: the UDP payload
 * @len: its length
 * @msg: filled with the fixed part and the layout of the extensions; after
 *	an error, with what was found before it
 *
 * The checks of mipkex_wire_parse(), except that a message without an MN-HA
 * authentication extension is accepted (@msg->mn_ha_off 0), with at most
 * one MN-FA or FA-HA authentication extension, last: a foreign agent's
 * denial, which RFC 5944 leaves without one and the caller recognises by
 * its code. A message that has one is checked as mipkex_wire_parse() does.
 *
 * Return: 0 or a negative &enum mipkex_wire_err.
 */
int mipkex_wire_parse_no_mn_ha(const u8 *buf, size_t len,
			       struct mipkex_msg *msg)
{
	return mipkex_wire_parse_exts(buf, len, msg, true);
}

/**
 * mipkex_wbuf_init() - start building a message
 * @w: the builder
 * @buf: where to build it
 * @cap: the size of @buf
 */
void mipkex_wbuf_init(struct mipkex_wbuf *w, u8 *buf, size_t cap)
{
	w->buf = buf;
	w->cap = cap;
	w->len = 0;
	w->err = 0;
}

/* Reserve @n bytes; NULL (and a sticky error) if they do not fit. */
static u8 *mipkex_wbuf_room(struct mipkex_wbuf *w, size_t n)
{
	u8 *p;

	if (w->err)
		return NULL;
	if (n > w->cap - w->len) {
		w->err = MIPKEX_WIRE_E_NO_SPACE;
		return NULL;
	}
	p = w->buf + w->len;
	w->len += n;
	return p;
}

/**
 * mipkex_wbuf_put() - append raw bytes
 * @w: the builder
 * @data: the bytes
 * @len: their number
 */
void mipkex_wbuf_put(struct mipkex_wbuf *w, const void *data, size_t len)
{
	u8 *p = mipkex_wbuf_room(w, len);

	if (p && len)
		memcpy(p, data, len);
}

static bool mipkex_wbuf_check_len(struct mipkex_wbuf *w, size_t len,
				  size_t max)
{
	if (w->err)
		return false;
	if (len > max) {
		w->err = MIPKEX_WIRE_E_TOO_LONG;
		return false;
	}
	return true;
}

/**
 * mipkex_wire_put_fixed() - write the fixed part of a request or reply
 * @w: the builder, empty
 * @m: the message; @m->type selects the layout
 */
void mipkex_wire_put_fixed(struct mipkex_wbuf *w, const struct mipkex_msg *m)
{
	u8 *p;

	if (m->type == MIPKEX_MSG_RRQ) {
		p = mipkex_wbuf_room(w, MIPKEX_RRQ_FIXED_LEN);
		if (!p)
			return;
		p[0] = m->type;
		p[1] = m->flags;
		put_unaligned_be16(m->lifetime, p + 2);
		memcpy(p + 4, m->home, 4);
		memcpy(p + 8, m->ha, 4);
		memcpy(p + 12, m->coa, 4);
		put_unaligned_be64(m->id, p + 16);
	} else if (m->type == MIPKEX_MSG_RRP) {
		p = mipkex_wbuf_room(w, MIPKEX_RRP_FIXED_LEN);
		if (!p)
			return;
		p[0] = m->type;
		p[1] = m->code;
		put_unaligned_be16(m->lifetime, p + 2);
		memcpy(p + 4, m->home, 4);
		memcpy(p + 8, m->ha, 4);
		put_unaligned_be64(m->id, p + 12);
	} else if (!w->err) {
		w->err = MIPKEX_WIRE_E_BAD_ARG;
	}
}

/**
 * mipkex_wire_put_ext() - write a short-format extension
 * @w: the builder
 * @type: its type (not a long-format type: 36, 38, 47)
 * @data: its data
 * @len: the length of @data, at most 255
 */
void mipkex_wire_put_ext(struct mipkex_wbuf *w, u8 type, const void *data,
			 size_t len)
{
	u8 *p;

	if (mipkex_ext_is_long(type) && !w->err)
		w->err = MIPKEX_WIRE_E_BAD_ARG;
	if (!mipkex_wbuf_check_len(w, len, MIPKEX_SHORT_EXT_MAX))
		return;
	p = mipkex_wbuf_room(w, 2 + len);
	if (!p)
		return;
	p[0] = type;
	p[1] = (u8)len;
	if (len)
		memcpy(p + 2, data, len);
}

/**
 * mipkex_wire_put_cvse() - write a critical vendor-specific extension
 * @w: the builder
 * @vendor: the vendor/organisation id
 * @vtype: the vendor type
 * @value: the vendor value
 * @len: the length of @value, at most %MIPKEX_CVSE_MAX_VALUE
 */
void mipkex_wire_put_cvse(struct mipkex_wbuf *w, u32 vendor, u16 vtype,
			  const void *value, size_t len)
{
	u8 *p;

	if (!mipkex_wbuf_check_len(w, len, MIPKEX_CVSE_MAX_VALUE))
		return;
	p = mipkex_wbuf_room(w, 4 + 6 + len);
	if (!p)
		return;
	p[0] = MIPKEX_EXT_CVSE;
	p[1] = 0;
	put_unaligned_be16((u16)(6 + len), p + 2);
	put_unaligned_be32(vendor, p + 4);
	put_unaligned_be16(vtype, p + 8);
	if (len)
		memcpy(p + 10, value, len);
}

/**
 * mipkex_wire_put_nvse() - write a normal (skippable) vendor-specific extension
 * @w: the builder
 * @vendor: the vendor/organisation id
 * @vtype: the vendor type
 * @value: the vendor value
 * @len: the length of @value, at most %MIPKEX_NVSE_MAX_VALUE
 */
void mipkex_wire_put_nvse(struct mipkex_wbuf *w, u32 vendor, u16 vtype,
			  const void *value, size_t len)
{
	u8 *p;

	if (!mipkex_wbuf_check_len(w, len, MIPKEX_NVSE_MAX_VALUE))
		return;
	p = mipkex_wbuf_room(w, 2 + 8 + len);
	if (!p)
		return;
	p[0] = MIPKEX_EXT_NVSE;
	p[1] = (u8)(8 + len);
	p[2] = 0;
	p[3] = 0;
	put_unaligned_be32(vendor, p + 4);
	put_unaligned_be16(vtype, p + 8);
	if (len)
		memcpy(p + 10, value, len);
}

/**
 * mipkex_wire_put_auth() - write an authentication extension, leaving room
 *	for its authenticator
 * @w: the builder
 * @type: %MIPKEX_EXT_MN_HA_AUTH, %MIPKEX_EXT_MN_FA_AUTH or
 *	%MIPKEX_EXT_FA_HA_AUTH
 * @spi: the SPI
 * @auth_len: the authenticator's length, 1 to 251
 * @covered: set to the number of bytes the authenticator covers
 *
 * Return: where to write the authenticator (zeroed), or NULL on error.
 */
u8 *mipkex_wire_put_auth(struct mipkex_wbuf *w, u8 type, u32 spi,
			 size_t auth_len, size_t *covered)
{
	u8 *p;

	if ((!auth_len || !mipkex_ext_is_auth(type)) && !w->err)
		w->err = MIPKEX_WIRE_E_BAD_ARG;
	if (!mipkex_wbuf_check_len(w, MIPKEX_AUTH_SPI_LEN + auth_len,
				   MIPKEX_SHORT_EXT_MAX))
		return NULL;
	p = mipkex_wbuf_room(w, 2 + MIPKEX_AUTH_SPI_LEN + auth_len);
	if (!p)
		return NULL;
	p[0] = type;
	p[1] = (u8)(MIPKEX_AUTH_SPI_LEN + auth_len);
	put_unaligned_be32(spi, p + 2);
	memset(p + 6, 0, auth_len);
	*covered = (size_t)(p - w->buf) + 6;
	return p + 6;
}
