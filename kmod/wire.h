/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mipkex: the Mobile IPv4 registration wire codec (RFC 5944 messages and
 * extensions, RFC 3115 vendor extensions). Pure C over (pointer, length):
 * no allocation, no skb, compiled into the module and into host programs.
 */
#ifndef _MIPKEX_WIRE_H
#define _MIPKEX_WIRE_H

#include "compat.h"

#define MIPKEX_MIP_PORT		434

/* RFC 5944 message types */
#define MIPKEX_MSG_RRQ		1
#define MIPKEX_MSG_RRP		3
#define MIPKEX_RRQ_FIXED_LEN	24
#define MIPKEX_RRP_FIXED_LEN	20

/* Extension types (IANA "Extensions to Mobile IP Registration Messages") */
#define MIPKEX_EXT_MN_HA_AUTH	32	/* RFC 5944 3.5.2 */
#define MIPKEX_EXT_MN_FA_AUTH	33	/* RFC 5944 3.5.3 */
#define MIPKEX_EXT_FA_HA_AUTH	34	/* RFC 5944 3.5.4 */
#define MIPKEX_EXT_GEN_AUTH	36	/* RFC 3012, long format */
#define MIPKEX_EXT_CVSE		38	/* RFC 3115, long format */
#define MIPKEX_EXT_PMIP_NONSKIP	47	/* RFC 5563, long format */
#define MIPKEX_EXT_NAI		131	/* RFC 2794 */
#define MIPKEX_EXT_NVSE		134	/* RFC 3115 */
#define MIPKEX_EXT_MSG_STRING	145	/* RFC 4917 */

/* Extension types 0-127 must be understood, 128-255 may be skipped. */
#define MIPKEX_EXT_SKIPPABLE(type)	((type) >= 128)

#define MIPKEX_AUTH_SPI_LEN	4
#define MIPKEX_CVSE_MAX_VALUE	(65535 - 6)
#define MIPKEX_NVSE_MAX_VALUE	(255 - 8)
#define MIPKEX_SHORT_EXT_MAX	255

/**
 * enum mipkex_wire_err - what is wrong with a message (one per kind)
 * @MIPKEX_WIRE_OK: nothing
 * @MIPKEX_WIRE_E_SHORT_FIXED: shorter than the fixed part of its type
 * @MIPKEX_WIRE_E_MSG_TYPE: neither a request (1) nor a reply (3)
 * @MIPKEX_WIRE_E_EXT_HEADER: an extension header runs past the end
 * @MIPKEX_WIRE_E_EXT_LENGTH: an extension's length runs past the end
 * @MIPKEX_WIRE_E_AUTH_SHORT: an authentication extension without an SPI and
 *	at least one byte of authenticator
 * @MIPKEX_WIRE_E_VSE_SHORT: a CVSE or NVSE too short for its vendor id and
 *	vendor type
 * @MIPKEX_WIRE_E_NO_MN_HA_AUTH: no MN-HA authentication extension
 * @MIPKEX_WIRE_E_DUP_AUTH: an authentication extension of one type twice
 * @MIPKEX_WIRE_E_AUTH_ORDER: MN-FA or FA-HA authentication before MN-HA
 * @MIPKEX_WIRE_E_AFTER_LAST_AUTH: an extension after the MN-FA or FA-HA
 *	authentication, which must be the last extension
 * @MIPKEX_WIRE_E_NO_SPACE: (building) the buffer is too small
 * @MIPKEX_WIRE_E_TOO_LONG: (building) a value too long for its format
 * @MIPKEX_WIRE_E_BAD_ARG: (building) an argument no message can carry
 * @__MIPKEX_WIRE_E_MAX: one past the last error
 */
enum mipkex_wire_err {
	MIPKEX_WIRE_OK,
	MIPKEX_WIRE_E_SHORT_FIXED,
	MIPKEX_WIRE_E_MSG_TYPE,
	MIPKEX_WIRE_E_EXT_HEADER,
	MIPKEX_WIRE_E_EXT_LENGTH,
	MIPKEX_WIRE_E_AUTH_SHORT,
	MIPKEX_WIRE_E_VSE_SHORT,
	MIPKEX_WIRE_E_NO_MN_HA_AUTH,
	MIPKEX_WIRE_E_DUP_AUTH,
	MIPKEX_WIRE_E_AUTH_ORDER,
	MIPKEX_WIRE_E_AFTER_LAST_AUTH,
	MIPKEX_WIRE_E_NO_SPACE,
	MIPKEX_WIRE_E_TOO_LONG,
	MIPKEX_WIRE_E_BAD_ARG,
	__MIPKEX_WIRE_E_MAX
};

/**
 * struct mipkex_msg - the fixed part of a request or reply, and where its
 *	authentication extensions are
 * @type: %MIPKEX_MSG_RRQ or %MIPKEX_MSG_RRP
 * @flags: request: the flags byte (S B D M G r T x)
 * @code: reply: the reply code
 * @lifetime: seconds
 * @home: home address, network order bytes
 * @ha: home agent address
 * @coa: request: care-of address
 * @id: Identification
 * @fixed_len: length of the fixed part
 * @n_ext: number of extensions
 * @mn_ha_off: offset of the MN-HA authentication extension (0: none)
 * @mn_fa_off: offset of the MN-FA authentication extension (0: none)
 * @fa_ha_off: offset of the FA-HA authentication extension (0: none)
 * @unknown_critical_off: offset of the first extension of a type 0-127 the
 *	codec does not know (0: none). Not an error of the codec: RFC 5944
 *	says its receiver must drop the message, and the caller decides
 *	whether it is that receiver.
 */
struct mipkex_msg {
	u8 type;
	u8 flags;
	u8 code;
	u16 lifetime;
	u8 home[4];
	u8 ha[4];
	u8 coa[4];
	u64 id;
	size_t fixed_len;
	unsigned int n_ext;
	size_t mn_ha_off;
	size_t mn_fa_off;
	size_t fa_ha_off;
	size_t unknown_critical_off;
};

/**
 * struct mipkex_ext - one extension, as found by mipkex_ext_next()
 * @off: offset of its type byte in the message
 * @hdr_len: 2 (type, length) or 4 (long format: type, sub-type, length16)
 * @type: extension type
 * @sub: long format: the byte after the type (sub-type or reserved)
 * @len: length of what follows the header
 * @data: what follows the header
 * @spi: authentication extensions: the SPI
 * @auth: authentication extensions: the authenticator
 * @auth_len: its length
 * @vendor: CVSE and NVSE: the vendor/organisation id
 * @vtype: CVSE and NVSE: the vendor type
 * @value: CVSE and NVSE: the vendor value
 * @value_len: its length
 */
struct mipkex_ext {
	size_t off;
	size_t hdr_len;
	u8 type;
	u8 sub;
	u16 len;
	const u8 *data;
	u32 spi;
	const u8 *auth;
	u16 auth_len;
	u32 vendor;
	u16 vtype;
	const u8 *value;
	u16 value_len;
};

/**
 * struct mipkex_ext_iter - a walk over a message's extensions
 * @buf: the message
 * @len: its length
 * @pos: offset of the next extension
 */
struct mipkex_ext_iter {
	const u8 *buf;
	size_t len;
	size_t pos;
};

/**
 * struct mipkex_wbuf - a message being built; errors are sticky
 * @buf: the buffer
 * @cap: its size
 * @len: bytes written
 * @err: first error (&enum mipkex_wire_err), 0 if none
 */
struct mipkex_wbuf {
	u8 *buf;
	size_t cap;
	size_t len;
	int err;
};

const char *mipkex_wire_strerror(int err);
int mipkex_wire_parse(const u8 *buf, size_t len, struct mipkex_msg *msg);
int mipkex_wire_parse_no_mn_ha(const u8 *buf, size_t len,
			       struct mipkex_msg *msg);
void mipkex_ext_iter_init(struct mipkex_ext_iter *it, const u8 *buf,
			  size_t len, size_t start);
int mipkex_ext_next(struct mipkex_ext_iter *it, struct mipkex_ext *ext);
size_t mipkex_wire_auth_covered(const struct mipkex_ext *ext);

void mipkex_wbuf_init(struct mipkex_wbuf *w, u8 *buf, size_t cap);
void mipkex_wbuf_put(struct mipkex_wbuf *w, const void *data, size_t len);
void mipkex_wire_put_fixed(struct mipkex_wbuf *w, const struct mipkex_msg *m);
void mipkex_wire_put_ext(struct mipkex_wbuf *w, u8 type, const void *data,
			 size_t len);
void mipkex_wire_put_cvse(struct mipkex_wbuf *w, u32 vendor, u16 vtype,
			  const void *value, size_t len);
void mipkex_wire_put_nvse(struct mipkex_wbuf *w, u32 vendor, u16 vtype,
			  const void *value, size_t len);
u8 *mipkex_wire_put_auth(struct mipkex_wbuf *w, u8 type, u32 spi,
			 size_t auth_len, size_t *covered);

#endif /* _MIPKEX_WIRE_H */
