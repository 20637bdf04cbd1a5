/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mipkex: SA negotiation (Documentation/protocol.rst section 6) and the
 * choice of a Diffie-Hellman group (sections 7 and 8.6.4). Pure C over
 * (pointer, length) and a policy struct: no allocation, no kernel
 * dependency beyond compat.h, compiled into the module and into host
 * programs like wire.c and elem.c.
 */
#ifndef _MIPKEX_NEGOTIATE_H
#define _MIPKEX_NEGOTIATE_H

#include <linux/mipkex.h>

#include "elem.h"

/* IP protocol numbers of a proposal (protocol.rst 6.2). */
#define MIPKEX_PROTO_ESP	50
#define MIPKEX_PROTO_AH		51
/* Protocol ids of a proposal. */
#define MIPKEX_PROTO_ID_AUTH	1
#define MIPKEX_PROTO_ID_ENCR	2
/* IKEv2 transform types (protocol.rst 6.3). */
#define MIPKEX_XF_TYPE_ENCR	1
#define MIPKEX_XF_TYPE_INTEG	3
/* IKEv2 transform ids mipkex knows. */
#define MIPKEX_XF_ENCR_AES_GCM_16		20
#define MIPKEX_XF_ENCR_CHACHA20_POLY1305	28
#define MIPKEX_XF_AUTH_HMAC_SHA2_256_128	12
#define MIPKEX_XF_AUTH_HMAC_SHA1_96		2
/* IKEv2 transform attribute Key Length. */
#define MIPKEX_XF_ATTR_KEY_LENGTH	14

/*
 * Proposals of one number that can all be accepted together: one per
 * protocol (ESP, AH); a group that names a protocol twice is not accepted.
 */
#define MIPKEX_NEGO_MAX_SA	2

/* RFC 5944 reply codes of a failed negotiation (protocol.rst 9.3). */
#define MIPKEX_CODE_ADMIN_PROHIBITED	129
#define MIPKEX_CODE_POORLY_FORMED	134

/**
 * enum mipkex_nego_err - why a negotiation step failed (one per kind);
 *	malformed payloads give &enum mipkex_elem_err instead
 * @MIPKEX_NEGO_OK: nothing
 * @MIPKEX_NEGO_E_NONE_ACCEPTABLE: (responder) no proposal of the SA payload
 *	is acceptable: deny with code 129
 * @MIPKEX_NEGO_E_EMPTY_POLICY: (builders) the policy accepts no combination
 *	of transforms, so there is nothing to offer
 * @MIPKEX_NEGO_E_SUBTYPE: (initiator) the answer is for another pair; (the
 *	functions of one pair) an offer or answer of another sub-type
 * @MIPKEX_NEGO_E_GROUP: (initiator) the answer's proposals are not exactly
 *	one proposal group of the offer: several numbers, a number that was not
 *	offered, or protocols that differ from the offered group's
 * @MIPKEX_NEGO_E_NOT_OFFERED: (initiator) an answered transform differs from
 *	every offered transform of its number (type, id, number of keys or
 *	attributes)
 * @MIPKEX_NEGO_E_PICK: (initiator) the answer does not pick exactly one
 *	usable transform per transform type of the offered proposal
 * @MIPKEX_NEGO_E_LIFETIME: (initiator) the answer's lifetime is longer than
 *	the offered one
 * @MIPKEX_NEGO_E_DH_UNKNOWN: a DH group number mipkex does not define
 * @MIPKEX_NEGO_E_DH_LEGACY: DH group 1 or 2 without the legacy policy
 * @MIPKEX_NEGO_E_DH_UNLISTED: a predefined DH group the policy does not list
 * @MIPKEX_NEGO_E_DH_WEAK: a DH group below the policy's minimum strength
 * @MIPKEX_NEGO_E_DH_USER: a user-defined group while none is configured, or
 *	not the configured one
 * @MIPKEX_NEGO_E_ARG: an argument no negotiation can use (a reserved SPI
 *	for the builders, a choice without SA, a payload longer than a CVSE)
 * @MIPKEX_NEGO_E_NO_AGREEMENT: (home agent, a pair with the FA) no proposal
 *	group satisfies protocol.rst 6.5: leave the pair out of the reply and
 *	still accept the registration (reply code 0, no denial)
 * @MIPKEX_NEGO_E_SPI_EQUAL: the two SPIs of a pair and protocol are equal
 *	(protocol.rst 6.2): an answer whose SPI is this node's own for that
 *	protocol (do not install the pair), or a builder given an SPI equal to
 *	the peer's (choose another)
 * @MIPKEX_NEGO_E_SPI_MIXED: an offer gives one protocol two SPIs: the home
 *	agent treats it as malformed (protocol.rst 6.2, code 134)
 * @__MIPKEX_NEGO_E_MAX: one past the last error
 */
enum mipkex_nego_err {
	MIPKEX_NEGO_OK = 200,
	MIPKEX_NEGO_E_NONE_ACCEPTABLE,
	MIPKEX_NEGO_E_EMPTY_POLICY,
	MIPKEX_NEGO_E_SUBTYPE,
	MIPKEX_NEGO_E_GROUP,
	MIPKEX_NEGO_E_NOT_OFFERED,
	MIPKEX_NEGO_E_PICK,
	MIPKEX_NEGO_E_LIFETIME,
	MIPKEX_NEGO_E_DH_UNKNOWN,
	MIPKEX_NEGO_E_DH_LEGACY,
	MIPKEX_NEGO_E_DH_UNLISTED,
	MIPKEX_NEGO_E_DH_WEAK,
	MIPKEX_NEGO_E_DH_USER,
	MIPKEX_NEGO_E_ARG,
	MIPKEX_NEGO_E_NO_AGREEMENT,
	MIPKEX_NEGO_E_SPI_EQUAL,
	MIPKEX_NEGO_E_SPI_MIXED,
	__MIPKEX_NEGO_E_MAX
};

/**
 * struct mipkex_nego_policy - what a node accepts; the module fills it from
 *	&struct mipkex_kdc_conf
 * @transforms: bitmap of &enum mipkex_xform accepted
 * @lifetime: longest SA lifetime granted, seconds
 * @legacy: DH groups 1 and 2 and HMAC-SHA1-96 allowed (each still needs
 *	its own entry in @groups or @transforms)
 * @n_groups: entries used in @groups
 * @groups: predefined DH group numbers in preference order
 * @min_dh_bits: minimum DH security strength, bits (SP 800-57)
 * @user_group: a user-defined DH group is configured
 * @user_strength: its security strength, bits
 * @ah: the mobile node asks for AH with ESP in its MN-HA offer
 *	(mipkex_nego_put_offer_ah())
 */
struct mipkex_nego_policy {
	u32 transforms;
	u32 lifetime;
	bool legacy;
	u8 n_groups;
	u16 groups[MIPKEX_DH_GROUPS_MAX];
	u32 min_dh_bits;
	bool user_group;
	u16 user_strength;
	bool ah;
};

/**
 * struct mipkex_nego_pick - one chosen transform
 * @number: its transform number, 0 when none of its type was chosen
 * @id: IKEv2 transform id
 * @key_bits: key length in bits: 128 or 256 (AES-GCM), 256 (ChaCha20-
 *	Poly1305, HMAC-SHA256), 160 (HMAC-SHA1)
 * @xform: the &enum mipkex_xform it is
 */
struct mipkex_nego_pick {
	u8 number;
	u16 id;
	u16 key_bits;
	u8 xform;
};

/**
 * struct mipkex_nego_sa - the choice for one protocol of the chosen
 *	proposal
 * @protocol: %MIPKEX_PROTO_ESP or %MIPKEX_PROTO_AH
 * @protocol_id: %MIPKEX_PROTO_ID_AUTH or %MIPKEX_PROTO_ID_ENCR
 * @peer_spi: the SPI the peer announced: its inbound SPI, so the SPI of
 *	the SA this node sends with (the responder: the initiator's SPI). The
 *	home agent's MN-FA choice: the mobile node's inbound SPI (FA to MN)
 * @own_spi: this node's inbound SPI (the initiator: from its offer; the
 *	responder: set by the caller before building the reply, different from
 *	@peer_spi). The home agent's MN-FA choice, which answers the mobile
 *	node for the FA: the FA's inbound SPI (MN to FA), from the FA's offer
 * @lifetime: seconds, never 0 unless both the proposal and the
 *	registration lifetime are 0
 * @encr: the encryption transform (ESP with protocol id 2)
 * @integ: the integrity transform (protocol id 1)
 */
struct mipkex_nego_sa {
	u8 protocol;
	u8 protocol_id;
	u32 peer_spi;
	u32 own_spi;
	u32 lifetime;
	struct mipkex_nego_pick encr;
	struct mipkex_nego_pick integ;
};

/**
 * struct mipkex_nego_choice - the chosen proposal of one SA payload
 * @subtype: the pair (1 MN-HA, 2 MN-FA, 3 FA-HA)
 * @number: the proposal number
 * @n_sa: entries used in @sa
 * @sa: one per proposal of that number, in the order of the offer
 */
struct mipkex_nego_choice {
	u8 subtype;
	u8 number;
	u8 n_sa;
	struct mipkex_nego_sa sa[MIPKEX_NEGO_MAX_SA];
};

const char *mipkex_nego_strerror(int err);
int mipkex_nego_reply_code(int err);

int mipkex_nego_respond(const u8 *value, size_t len,
			const struct mipkex_nego_policy *pol, u32 reg_lifetime,
			struct mipkex_nego_choice *choice);
int mipkex_nego_check_answer(const u8 *offer, size_t offer_len,
			     const u8 *answer, size_t answer_len,
			     u32 reg_lifetime, struct mipkex_nego_choice *choice);

int mipkex_nego_put_reply(struct mipkex_wbuf *w, u32 vendor,
			  const struct mipkex_nego_choice *choice);
int mipkex_nego_put_offer(struct mipkex_wbuf *w, u32 vendor,
			  const struct mipkex_nego_policy *pol, u8 subtype,
			  u32 spi, u32 lifetime);
int mipkex_nego_put_offer_ah(struct mipkex_wbuf *w, u32 vendor,
			     const struct mipkex_nego_policy *pol, u8 subtype,
			     u32 spi, u32 ah_spi, u32 lifetime);
int mipkex_nego_put_counter(struct mipkex_wbuf *w, u32 vendor,
			    const struct mipkex_nego_policy *pol, u8 subtype,
			    u32 spi);

int mipkex_nego_set_own_spi(struct mipkex_nego_choice *choice, u8 protocol,
			    u32 spi);

/* The pairs with the foreign agent (protocol.rst 6.5). */
int mipkex_nego_respond_mnfa(const u8 *mn, size_t mn_len, const u8 *fa,
			     size_t fa_len,
			     const struct mipkex_nego_policy *pol,
			     u32 reg_lifetime,
			     struct mipkex_nego_choice *choice);
int mipkex_nego_respond_faha(const u8 *value, size_t len,
			     const struct mipkex_nego_policy *pol,
			     u32 reg_lifetime,
			     struct mipkex_nego_choice *choice);
int mipkex_nego_check_mnfa(const u8 *offer, size_t offer_len,
			   const u8 *answer, size_t answer_len,
			   u32 reg_lifetime, struct mipkex_nego_choice *choice);
int mipkex_nego_put_mnfa_mn(struct mipkex_wbuf *w, u32 vendor,
			    const struct mipkex_nego_choice *choice);
int mipkex_nego_put_mnfa_fa(struct mipkex_wbuf *w, u32 vendor,
			    const struct mipkex_nego_choice *choice);
int mipkex_nego_put_faha_reply(struct mipkex_wbuf *w, u32 vendor,
			       const struct mipkex_nego_choice *choice);
int mipkex_nego_put_fa_offer(struct mipkex_wbuf *w, u32 vendor,
			     const struct mipkex_nego_policy *pol, u8 subtype,
			     u32 spi, u32 lifetime, const u8 *mn_offer,
			     size_t mn_len);

int mipkex_nego_dh_check(const struct mipkex_nego_policy *pol,
			 const struct mipkex_ke *ke, bool user_is_configured);
int mipkex_nego_dh_preferred(const struct mipkex_nego_policy *pol);

#endif /* _MIPKEX_NEGOTIATE_H */
