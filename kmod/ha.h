/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mipkex: the home agent's per-namespace state (ha_state.c): requests handed
 * to the agent and waiting for its reply, the requests whose reply never
 * came in time, the last reply sent to each mobile node (for
 * retransmissions), Identification freshness per KEY0 SPI, and the
 * per-source rate limit of requests that need Diffie-Hellman work. Only
 * the namespace's worker touches it, one datagram at a time, so it takes no
 * lock; mipkex_ha_uninit() frees it once the worker is idle.
 */
#ifndef _MIPKEX_HA_H
#define _MIPKEX_HA_H

#include <linux/types.h>

#include "mipkex.h"
#include "replay.h"

/* Requests waiting for the agent's reply, per namespace. */
#define MIPKEX_HA_PENDING_MAX	64
/* How long a request waits for the agent's reply. */
#define MIPKEX_HA_PENDING_TTL	(10 * HZ)
/*
 * Requests whose pending entry expired or was evicted before the agent
 * answered, remembered so that a late answer is dropped, not sent plain.
 */
#define MIPKEX_HA_LATE_MAX	256
#define MIPKEX_HA_LATE_TTL	(300 * HZ)
/* Replies kept for retransmissions: at most one per KEY0 SPI. */
#define MIPKEX_HA_CACHE_MAX	64
#define MIPKEX_HA_CACHE_TTL	(15 * HZ)
/* Mobile nodes whose Identification state is kept, per namespace. */
#define MIPKEX_HA_REPLAY_MAX	65536
/* Rate limit of requests that need public-key work, per source address. */
#define MIPKEX_HA_RL_PER_SEC	20
#define MIPKEX_HA_RL_BURST	5

/**
 * struct mipkex_ha_pending - a protected request the agent has, with what
 *	its reply needs; freed with mipkex_ha_pending_free() (it holds Z)
 * @expires: jiffies after which the entry is dropped
 * @spi: the KEY0 SPI
 * @ident: the request's Identification
 * @home: the home address handed to the agent
 * @ha: the request's home agent address
 * @coa: the request's care-of address
 * @src: the request's source address (the FA, or the mobile node)
 * @dst: the request's destination address (this home agent)
 * @sport: the request's source port
 * @mode: &enum mipkex_kdc_mode of the keys, 0 when the request asked for
 *	none (no key exchange payload)
 * @dh_group: Diffie-Hellman mode: the group (%MIPKEX_DH_GROUP_USER for
 *	vendor type 9)
 * @fa_ok: the request came through an FA whose FA-HA authenticator
 *	verified
 * @req_lifetime: the lifetime the request asked for
 * @nai_len: length of @nai (0: the request carried no NAI element)
 * @nai: the mobile node's NAI, decrypted
 * @has_anon: the request carried an NAI extension (131)
 * @anon_len: length of @anon
 * @anon: its data (the anonymous "@realm")
 * @z_len: length of @z
 * @pub_len: length of @pub
 * @tr_len: length of @tr
 * @fsa_len: length of @fsa
 * @req_len: length of @req
 * @z: Diffie-Hellman mode: the shared secret Z
 * @pub: Diffie-Hellman mode: the home agent's public value
 * @tr: the request's CVSEs of vendor types 5, 8 and 9, whole, in message
 *	order (the first half of the transcript, 8.6.3)
 * @fsa: the FA's NVSE SA payloads, whole, in message order
 * @req: the request as received (its UDP payload), to recognise a
 *	retransmission and to key the reply cache
 * @data: storage of @z, @pub, @tr, @fsa and @req
 */
struct mipkex_ha_pending {
	unsigned long expires;
	u32 spi;
	u64 ident;
	__be32 home;
	__be32 ha;
	__be32 coa;
	__be32 src;
	__be32 dst;
	__be16 sport;
	u8 mode;
	u16 dh_group;
	bool fa_ok;
	u16 req_lifetime;
	u8 nai_len;
	char nai[MIPKEX_NAI_MAX_LEN + 1];
	bool has_anon;
	u8 anon_len;
	u8 anon[255];
	u32 z_len;
	u32 pub_len;
	u32 tr_len;
	u32 fsa_len;
	u32 req_len;
	u8 *z;
	u8 *pub;
	u8 *tr;
	u8 *fsa;
	u8 *req;
	u8 data[];
};

/**
 * struct mipkex_ha_cached - the protected reply last sent to a mobile node,
 *	for a retransmission of its request (protocol.rst 8.6.4, 9.4 step 4);
 *	zeroised when freed (it holds wrapped keys)
 * @expires: jiffies after which it is no longer resent
 * @spi: the KEY0 SPI
 * @ident: the request's Identification
 * @src: the request's source address
 * @req_len: length of @req
 * @rep_len: length of @rep
 * @req: the request as received
 * @rep: the reply as sent (UDP payload)
 * @data: storage of @req and @rep
 */
struct mipkex_ha_cached {
	unsigned long expires;
	u32 spi;
	u64 ident;
	__be32 src;
	u32 req_len;
	u32 rep_len;
	u8 *req;
	u8 *rep;
	u8 data[];
};

struct mipkex_ha;

struct mipkex_ha *mipkex_ha_get(struct mipkex_net *mn);
void mipkex_ha_uninit(struct mipkex_net *mn);
bool mipkex_ha_ratelimit(struct mipkex_ha *ha, __be32 addr);
struct mipkex_replay_state *mipkex_ha_replay(struct mipkex_ha *ha, u32 spi,
					     bool create);
struct mipkex_ha_pending *mipkex_ha_pending_alloc(size_t data_len);
void mipkex_ha_pending_free(struct mipkex_ha_pending *p);
void mipkex_ha_pending_add(struct mipkex_ha *ha, struct mipkex_ha_pending *p);
struct mipkex_ha_pending *mipkex_ha_pending_take(struct mipkex_ha *ha,
						 u32 spi, u32 id_low,
						 bool *late);
struct mipkex_ha_pending *mipkex_ha_pending_take_id(struct mipkex_ha *ha,
						    u32 id_low, bool *late);
const struct mipkex_ha_pending *mipkex_ha_pending_find(struct mipkex_ha *ha,
						       u32 spi, u64 ident);
unsigned int mipkex_ha_pending_count(struct mipkex_ha *ha);
void mipkex_ha_cache_put(struct mipkex_ha *ha, u32 spi, u64 ident,
			 __be32 src, const u8 *req, u32 req_len,
			 const u8 *rep, u32 rep_len);
const struct mipkex_ha_cached *mipkex_ha_cache_find(struct mipkex_ha *ha,
						    u32 spi);

#endif /* _MIPKEX_HA_H */
