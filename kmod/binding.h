/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mipkex: bindings (registrations the module took part in, with their
 * negotiated suite and keys) and the events the module reports about them,
 * per namespace. Process context only.
 */
#ifndef _MIPKEX_BINDING_H
#define _MIPKEX_BINDING_H

#include <linux/types.h>

#include <linux/mipkex.h>

#include "mipkex.h"

/* Pairs, as SA payload sub-types (protocol.rst 6.1). */
#define MIPKEX_PAIR_MN_HA	1
#define MIPKEX_PAIR_MN_FA	2
#define MIPKEX_PAIR_FA_HA	3

/**
 * struct mipkex_sa_info - one negotiated pair, as a node sees it
 * @pair: %MIPKEX_PAIR_MN_HA, %MIPKEX_PAIR_MN_FA or %MIPKEX_PAIR_FA_HA
 * @protocol: 50 (ESP) or 51 (AH)
 * @encr_id: IKEv2 encryption transform id, 0 if none
 * @encr_bits: its key length in bits, 0 if none
 * @integ_id: IKEv2 integrity transform id, 0 if none
 * @spi_in: this node's inbound SPI of the pair
 * @spi_out: the peer's inbound SPI (this node's outbound)
 * @lifetime: negotiated SA lifetime, seconds
 * @key: the pair's key (KEY1, KEY2 or KEY3); never leaves the kernel
 * @has_key: whether @key is set
 */
struct mipkex_sa_info {
	u8 pair;
	u8 protocol;
	u16 encr_id;
	u16 encr_bits;
	u16 integ_id;
	u32 spi_in;
	u32 spi_out;
	u32 lifetime;
	u8 key[32];
	bool has_key;
};

/**
 * struct mipkex_binding_info - what a role handler knows of an accepted
 *	registration; zeroise after use (it holds keys)
 * @home_addr: the mobile node's home address
 * @ha_addr: its home agent's address
 * @coa: the care-of address
 * @fa_addr: the foreign agent's address (0 for a co-located care-of
 *	address)
 * @key0_spi: the KEY0 SPI (0 at an FA, which does not know it)
 * @nai: the mobile node's NAI (empty at an FA)
 * @nai_len: its length
 * @mode: &enum mipkex_kdc_mode the keys came from
 * @dh_group: DH group number in DH mode, else 0
 * @lifetime: granted registration lifetime, seconds
 * @ident: the accepted request's Identification
 * @n_sa: entries used in @sa
 * @sa: the negotiated pairs this node is part of
 */
struct mipkex_binding_info {
	__be32 home_addr;
	__be32 ha_addr;
	__be32 coa;
	__be32 fa_addr;
	u32 key0_spi;
	char nai[MIPKEX_NAI_MAX_LEN + 1];
	u8 nai_len;
	u8 mode;
	u16 dh_group;
	u16 lifetime;
	u64 ident;
	u8 n_sa;
	struct mipkex_sa_info sa[3];
};

int mipkex_binding_init(struct mipkex_net *mn);
void mipkex_binding_uninit(struct mipkex_net *mn);
int mipkex_binding_accept(struct mipkex_net *mn,
			  const struct mipkex_binding_info *info);
int mipkex_binding_remove(struct mipkex_net *mn, __be32 home_addr,
			  __be32 ha_addr);
void mipkex_event_denied(struct mipkex_net *mn, __be32 home_addr,
			 __be32 ha_addr, const char *nai, u8 code,
			 const char *why);

#endif /* _MIPKEX_BINDING_H */
