/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mipkex: the protocol's own elements, carried in RFC 3115 vendor extensions
 * (Documentation/protocol.rst sections 4-7). Pure C over (pointer, length),
 * shared by the module and host programs, like wire.c.
 */
#ifndef _MIPKEX_ELEM_H
#define _MIPKEX_ELEM_H

#include "wire.h"

#define MIPKEX_VENDOR_DEFAULT	32473	/* RFC 5612 documentation PEN */

/* Vendor types (protocol.rst section 4) */
#define MIPKEX_VT_NAI		1
#define MIPKEX_VT_IP		2
#define MIPKEX_VT_L2		3
#define MIPKEX_VT_SA		4
#define MIPKEX_VT_SA_PAYLOAD	5
#define MIPKEX_VT_PROPOSAL	6
#define MIPKEX_VT_TRANSFORM	7
#define MIPKEX_VT_KE_GROUP	8
#define MIPKEX_VT_KE_USER	9
#define MIPKEX_VT_KE_KDC	10
#define MIPKEX_VT_MAX		10

#define MIPKEX_ELEM_FLAG_E	0x80
#define MIPKEX_ELEM_HDR_LEN	6	/* content type, flags, SPI */
#define MIPKEX_AEAD_TAG_LEN	16
#define MIPKEX_PROPOSAL_HDR_LEN	16
#define MIPKEX_TRANSFORM_HDR_LEN	10
#define MIPKEX_SA_INFO_HDR_LEN	10

/**
 * enum mipkex_elem_err - what is wrong with an element (one per kind)
 * @MIPKEX_ELEM_OK: nothing
 * @MIPKEX_ELEM_E_VTYPE: a reserved vendor type
 * @MIPKEX_ELEM_E_SHORT: shorter than the element's fixed header
 * @MIPKEX_ELEM_E_CONTENT: a content type or sub-type the element does not have
 * @MIPKEX_ELEM_E_CLEAR_SPI: INFO in clear but a non-zero SPI
 * @MIPKEX_ELEM_E_INFO_LENGTH: an INFO of the wrong length for its type (for
 *	an encrypted one, its plaintext length)
 * @MIPKEX_ELEM_E_SEALED_SHORT: an encrypted INFO with nothing before its tag
 * @MIPKEX_ELEM_E_PROP_SHORT: a proposal header runs past the SA payload
 * @MIPKEX_ELEM_E_PROP_TYPE: a nested payload that is not a proposal
 * @MIPKEX_ELEM_E_PROP_LENGTH: a proposal length below its header or past
 *	the SA payload
 * @MIPKEX_ELEM_E_PROP_FIELD: a proposal field out of range (number 0,
 *	protocol, protocol id, no transform, SPI below 256)
 * @MIPKEX_ELEM_E_XFORM_SHORT: a transform header runs past its proposal
 * @MIPKEX_ELEM_E_XFORM_TYPE: a nested payload that is not a transform
 * @MIPKEX_ELEM_E_XFORM_LENGTH: a transform length below its header or past
 *	its proposal
 * @MIPKEX_ELEM_E_XFORM_COUNT: transforms do not fill the proposal, or their
 *	number disagrees with the proposal's count
 * @MIPKEX_ELEM_E_ATTR_LENGTH: a transform attribute runs past its transform
 * @MIPKEX_ELEM_E_NO_PROPOSAL: an SA payload without a proposal
 * @MIPKEX_ELEM_E_KE_LENGTH: a key-exchange value of the wrong length for its
 *	group, or nested lengths that disagree
 * @MIPKEX_ELEM_E_KE_GROUP: a DH group number that is not defined
 * @MIPKEX_ELEM_E_KE_MODE: a KDC mode that is not defined
 * @MIPKEX_ELEM_E_DUPLICATE: an element repeated where it may appear once
 * @MIPKEX_ELEM_E_PLACEMENT: an element on the wrong side of the MN-HA
 *	authentication extension (CVSE after it, NVSE before it)
 * @MIPKEX_ELEM_E_IN_NVSE: an element that may only travel in a CVSE found in
 *	an NVSE
 * @MIPKEX_ELEM_E_XFORM_FIELD: a transform field out of range (number 0, a
 *	transform type other than encryption or integrity)
 * @MIPKEX_ELEM_E_PROP_ORDER: proposal numbers that decrease, so proposals of
 *	one number are not adjacent
 * @MIPKEX_ELEM_E_SPI_RESERVED: an element naming a reserved SPI (below 256)
 * @MIPKEX_ELEM_E_NESTED_TOP: a proposal or transform outside an SA payload
 * @__MIPKEX_ELEM_E_MAX: one past the last error
 */
enum mipkex_elem_err {
	MIPKEX_ELEM_OK = 100,
	MIPKEX_ELEM_E_VTYPE,
	MIPKEX_ELEM_E_SHORT,
	MIPKEX_ELEM_E_CONTENT,
	MIPKEX_ELEM_E_CLEAR_SPI,
	MIPKEX_ELEM_E_INFO_LENGTH,
	MIPKEX_ELEM_E_SEALED_SHORT,
	MIPKEX_ELEM_E_PROP_SHORT,
	MIPKEX_ELEM_E_PROP_TYPE,
	MIPKEX_ELEM_E_PROP_LENGTH,
	MIPKEX_ELEM_E_PROP_FIELD,
	MIPKEX_ELEM_E_XFORM_SHORT,
	MIPKEX_ELEM_E_XFORM_TYPE,
	MIPKEX_ELEM_E_XFORM_LENGTH,
	MIPKEX_ELEM_E_XFORM_COUNT,
	MIPKEX_ELEM_E_ATTR_LENGTH,
	MIPKEX_ELEM_E_NO_PROPOSAL,
	MIPKEX_ELEM_E_KE_LENGTH,
	MIPKEX_ELEM_E_KE_GROUP,
	MIPKEX_ELEM_E_KE_MODE,
	MIPKEX_ELEM_E_DUPLICATE,
	MIPKEX_ELEM_E_PLACEMENT,
	MIPKEX_ELEM_E_IN_NVSE,
	MIPKEX_ELEM_E_XFORM_FIELD,
	MIPKEX_ELEM_E_PROP_ORDER,
	MIPKEX_ELEM_E_SPI_RESERVED,
	MIPKEX_ELEM_E_NESTED_TOP,
	__MIPKEX_ELEM_E_MAX
};

/**
 * struct mipkex_gp - a general-purpose element (vendor types 1-4)
 * @vtype: its vendor type
 * @content: content type
 * @flags: flags byte
 * @spi: SPI (0 when INFO is in clear)
 * @info: INFO (ciphertext and tag when %MIPKEX_ELEM_FLAG_E is set)
 * @info_len: its length
 * @hdr: the element's first 6 bytes, for the AEAD's associated data
 */
struct mipkex_gp {
	u16 vtype;
	u8 content;
	u8 flags;
	u32 spi;
	const u8 *info;
	size_t info_len;
	const u8 *hdr;
};

/**
 * struct mipkex_transform - a transform payload
 * @number: transform number
 * @type: IKEv2 transform type
 * @id: IKEv2 transform id
 * @n_keys: number of keys
 * @attrs: the attributes
 * @attrs_len: their length
 */
struct mipkex_transform {
	u8 number;
	u8 type;
	u16 id;
	u8 n_keys;
	const u8 *attrs;
	size_t attrs_len;
};

/**
 * struct mipkex_proposal - a proposal payload
 * @number: proposal number
 * @protocol: IP protocol number (50 ESP, 51 AH)
 * @protocol_id: 1 authentication, 2 encryption and authentication
 * @n_transforms: number of transforms
 * @lifetime: seconds, 0 for the registration lifetime
 * @spi: the sender's inbound SPI
 * @transforms: the transform payloads
 * @transforms_len: their length
 */
struct mipkex_proposal {
	u8 number;
	u8 protocol;
	u8 protocol_id;
	u8 n_transforms;
	u32 lifetime;
	u32 spi;
	const u8 *transforms;
	size_t transforms_len;
};

/**
 * struct mipkex_seq - a walk over nested payloads or attributes
 * @buf: the bytes
 * @len: their length
 * @pos: offset of the next one
 */
struct mipkex_seq {
	const u8 *buf;
	size_t len;
	size_t pos;
};

/**
 * struct mipkex_ke - a key-exchange payload (vendor types 8-10)
 * @vtype: its vendor type
 * @group: type 8: the IKEv2 DH group number
 * @prime: type 9: the prime
 * @prime_len: its length
 * @gen: type 9: the generator
 * @gen_len: its length
 * @pub: types 8 and 9: the public value
 * @pub_len: its length
 * @mode: type 10: 1 stateful, 2 semi-stateful
 * @spi: type 10: the KEY0 SPI or 0
 * @key: type 10: the wrapped key, possibly empty
 * @key_len: its length
 */
struct mipkex_ke {
	u16 vtype;
	u16 group;
	const u8 *prime;
	size_t prime_len;
	const u8 *gen;
	size_t gen_len;
	const u8 *pub;
	size_t pub_len;
	u8 mode;
	u32 spi;
	const u8 *key;
	size_t key_len;
};

/**
 * struct mipkex_elems - a message's mipkex elements; an absent one has
 *	type 0
 * @nai: vendor type 1, content type 0 (the MN's NAI)
 * @ip: vendor type 2, content type 0 (the home address)
 * @l2: vendor type 3
 * @sa_payload: vendor type 5 in CVSEs (the MN's and the HA's), indexed by
 *	sub-type (1 MN-HA, 2 MN-FA)
 * @ke: the key-exchange payload (vendor types 8-10)
 * @mn_sa: vendor type 4 in CVSEs (for the MN), indexed by content type
 * @fa_sa: vendor type 4 in NVSEs (for the FA), indexed by content type
 * @fa_sa_payload: vendor type 5 in NVSEs (the FA's and the HA's answers to
 *	it), indexed by sub-type (2 MN-FA, 3 FA-HA)
 * @n_elems: number of mipkex elements found, those not kept included
 */
struct mipkex_elems {
	struct mipkex_ext nai;
	struct mipkex_ext ip;
	struct mipkex_ext l2;
	struct mipkex_ext sa_payload[4];
	struct mipkex_ext ke;
	struct mipkex_ext mn_sa[3];
	struct mipkex_ext fa_sa[3];
	struct mipkex_ext fa_sa_payload[4];
	unsigned int n_elems;
};

const char *mipkex_elem_strerror(int err);
int mipkex_elem_gp(const struct mipkex_ext *ext, struct mipkex_gp *gp);
int mipkex_elem_sa_payload(const struct mipkex_ext *ext, u8 *subtype,
			   struct mipkex_seq *proposals);
void mipkex_seq_init(struct mipkex_seq *seq, const u8 *buf, size_t len);
int mipkex_elem_next_proposal(struct mipkex_seq *seq,
			      struct mipkex_proposal *prop);
int mipkex_elem_next_transform(struct mipkex_seq *seq,
			       struct mipkex_transform *xf);
int mipkex_elem_next_attr(struct mipkex_seq *seq, u16 *type,
			  const u8 **value, u16 *len);
int mipkex_elem_check_proposal(const struct mipkex_proposal *prop);
int mipkex_elem_ke(const struct mipkex_ext *ext, struct mipkex_ke *ke);
int mipkex_elem_scan(const u8 *buf, size_t len, const struct mipkex_msg *msg,
		     u32 vendor, struct mipkex_elems *el);

u8 *mipkex_elem_put_gp(struct mipkex_wbuf *w, bool nvse, u32 vendor, u16 vtype,
		       u8 content, u8 flags, u32 spi, const void *info,
		       size_t info_len, size_t tag_len);
size_t mipkex_elem_sa_begin(struct mipkex_wbuf *w, u32 vendor, u8 subtype);
void mipkex_elem_sa_end(struct mipkex_wbuf *w, size_t start);
size_t mipkex_elem_proposal_begin(struct mipkex_wbuf *w,
				  const struct mipkex_proposal *prop);
void mipkex_elem_proposal_end(struct mipkex_wbuf *w, size_t start);
void mipkex_elem_put_transform(struct mipkex_wbuf *w,
			       const struct mipkex_transform *xf);
void mipkex_elem_put_ke(struct mipkex_wbuf *w, u32 vendor,
			const struct mipkex_ke *ke);

#endif /* _MIPKEX_ELEM_H */
