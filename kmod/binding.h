/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mipkex: bindings (registrations the module took part in, with their
 * negotiated suite and keys) and the events the module reports about them,
 * per namespace. Process context only.
 */
#ifndef _MIPKEX_BINDING_H
#define _MIPKEX_BINDING_H

#include <linux/rbtree.h>
#include <linux/rhashtable-types.h>
#include <linux/types.h>

#include <linux/mipkex.h>

#include "mipkex.h"

struct mipkex_nego_choice;
struct sk_buff;

/*
 * Entries of a binding's SAs: one per pair and protocol, a pair negotiated
 * with an AND proposal (ESP and AH, protocol.rst 6.4) taking one per
 * protocol.
 */
#define MIPKEX_BINDING_MAX_SA	6

/*
 * Pairs, as SA payload sub-types (protocol.rst 6.1): MIPKEX_PAIR_MN_HA,
 * MIPKEX_PAIR_MN_FA and MIPKEX_PAIR_FA_HA, defined by the uAPI header.
 */

/**
 * struct mipkex_sa_info - one protocol of a negotiated pair, as a node sees
 *	it (a pair negotiated with ESP and AH has one for each, both with the
 *	pair's key)
 * @pair: %MIPKEX_PAIR_MN_HA, %MIPKEX_PAIR_MN_FA or %MIPKEX_PAIR_FA_HA
 * @protocol: 50 (ESP) or 51 (AH)
 * @encr_id: IKEv2 encryption transform id, 0 if none
 * @encr_bits: its key length in bits, 0 if none
 * @integ_id: IKEv2 integrity transform id, 0 if none
 * @spi_in: this node's inbound SPI of the pair and protocol
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
 * @sa: the negotiated pairs this node is part of, one entry per protocol,
 *	the entries of a pair adjacent and in the order of the proposal
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
	struct mipkex_sa_info sa[MIPKEX_BINDING_MAX_SA];
};

/**
 * struct mipkex_binding - one accepted registration in a namespace;
 *	immutable once published (a re-registration publishes a new one in its
 *	place), freed after a grace period with its keys zeroised
 * @node: in the namespace's table, keyed by (@info.home_addr, @info.ha_addr)
 * @exp_node: in the namespace's expiry tree (not for an infinite lifetime)
 * @rcu: for freeing after a grace period
 * @info: what the role handler reported, keys included; never sent
 * @fpr: fingerprint of each @info.sa[i].key (all zeroes without a key)
 * @role: &enum mipkex_role of the namespace when it was accepted
 * @created: jiffies when it was accepted
 * @expires: jiffies when it expires (meaningless for an infinite lifetime)
 * @xfrm: the XFRM layer's state for this binding (issue 6); set and read
 *	only by &struct mipkex_binding_hooks callbacks, under the store's lock
 * @xfrm_hooked: the add hook ran for it (so the del hook will)
 */
struct mipkex_binding {
	struct rhash_head node;
	struct rb_node exp_node;
	struct rcu_head rcu;
	struct mipkex_binding_info info;
	u8 fpr[MIPKEX_BINDING_MAX_SA][MIPKEX_FINGERPRINT_LEN];
	u8 role;
	unsigned long created;
	unsigned long expires;
	void *xfrm;
	bool xfrm_hooked;
};

/**
 * struct mipkex_binding_hooks - what another layer (XFRM) does as bindings
 *	come and go; every callback runs in process context, under the
 *	namespace's binding lock (so it must not call back into this API)
 * @add: a binding is about to be published, replacing @old (or NULL). May
 *	sleep and install SAs (make before break: @old's SAs are still in).
 *	A negative errno refuses the registration: mipkex_binding_accept()
 *	returns it and nothing changes (@old stays)
 * @del: a binding for which @add succeeded left the table: replaced by a
 *	newer one (after that one's @add), deregistered, expired, deleted,
 *	role change or shutdown (&enum mipkex_reason), or
 *	%MIPKEX_REASON_UNSPEC when publishing failed after @add. Called
 *	exactly once per successful @add; @b is freed after a grace period
 *	once it returns
 */
struct mipkex_binding_hooks {
	int (*add)(struct mipkex_net *mn, struct mipkex_binding *b,
		   struct mipkex_binding *old);
	void (*del)(struct mipkex_net *mn, struct mipkex_binding *b,
		    enum mipkex_reason reason);
};

extern unsigned int mipkex_max_bindings;

int mipkex_binding_init(struct mipkex_net *mn);
void mipkex_binding_uninit(struct mipkex_net *mn);
int mipkex_binding_accept(struct mipkex_net *mn,
			  const struct mipkex_binding_info *info);
int mipkex_binding_remove(struct mipkex_net *mn, __be32 home_addr,
			  __be32 ha_addr);
void mipkex_sa_info_from(struct mipkex_binding_info *info, u8 pair,
			 const struct mipkex_nego_choice *c, const u8 *key);
void mipkex_event_denied(struct mipkex_net *mn, __be32 home_addr,
			 __be32 ha_addr, const char *nai, u8 code,
			 const char *why);

/* Additions: lookups, administration, and the XFRM layer's hooks. */
int mipkex_binding_get(struct mipkex_net *mn, __be32 home_addr,
		       __be32 ha_addr, struct mipkex_binding_info *info);
struct mipkex_binding *mipkex_binding_lookup(struct mipkex_net *mn,
					     __be32 home_addr,
					     __be32 ha_addr);
int mipkex_binding_delete(struct mipkex_net *mn, __be32 home_addr,
			  __be32 ha_addr, enum mipkex_reason reason);
unsigned int mipkex_binding_flush(struct mipkex_net *mn,
				  enum mipkex_reason reason);
unsigned int mipkex_binding_remove_key0(struct mipkex_net *mn, u32 spi);
unsigned int mipkex_binding_remove_peer(struct mipkex_net *mn, __be32 addr);
void mipkex_binding_set_hooks(const struct mipkex_binding_hooks *hooks);
void mipkex_binding_check_leaks(void);

/* For netlink.c: the table, its generation, and one binding's attributes. */
struct rhashtable *mipkex_binding_table(struct mipkex_net *mn);
const u32 *mipkex_binding_gen(struct mipkex_net *mn);
int mipkex_binding_fill(struct sk_buff *msg, const void *obj);
const struct mipkex_binding *mipkex_binding_find_home(struct mipkex_net *mn,
						      __be32 home_addr,
						      bool *several);

#endif /* _MIPKEX_BINDING_H */
