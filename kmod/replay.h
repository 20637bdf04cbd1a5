/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mipkex: freshness of a registration request's Identification at the home
 * agent (RFC 5944 section 5.7, timestamps and nonces; protocol.rst 8.6.4),
 * as pure functions over a small per-mobile-node state. No clock, no
 * random numbers, no locking: the caller supplies the time and the next
 * nonce, and serialises the updates of one mobile node's state.
 */
#ifndef _MIPKEX_REPLAY_H
#define _MIPKEX_REPLAY_H

#include <linux/mipkex.h>

#include "compat.h"

/* Seconds from the NTP epoch (1900) to the Unix epoch (1970). */
#define MIPKEX_NTP_UNIX_OFFSET	2208988800ULL

/* RFC 5944 reply code for an Identification that is not fresh. */
#define MIPKEX_CODE_ID_MISMATCH	133

/**
 * enum mipkex_replay_err - why an Identification is not fresh
 * @MIPKEX_REPLAY_OK: fresh
 * @MIPKEX_REPLAY_E_WINDOW: timestamps: its seconds are further from the
 *	home agent's clock than the window
 * @MIPKEX_REPLAY_E_OLD: timestamps: not newer than the last Identification
 *	accepted from this mobile node
 * @MIPKEX_REPLAY_E_NONCE: nonces: its high-order 32 bits are not the nonce
 *	the home agent sent last
 * @MIPKEX_REPLAY_E_NO_NONCE: nonces: the home agent has sent this mobile
 *	node no nonce yet
 * @MIPKEX_REPLAY_E_MODE: an &enum mipkex_replay this code does not know
 * @__MIPKEX_REPLAY_E_MAX: one past the last error
 */
enum mipkex_replay_err {
	MIPKEX_REPLAY_OK = 300,
	MIPKEX_REPLAY_E_WINDOW,
	MIPKEX_REPLAY_E_OLD,
	MIPKEX_REPLAY_E_NONCE,
	MIPKEX_REPLAY_E_NO_NONCE,
	MIPKEX_REPLAY_E_MODE,
	__MIPKEX_REPLAY_E_MAX
};

/**
 * struct mipkex_replay_state - what the home agent remembers of one mobile
 *	node; all zero for a mobile node it has not heard from
 * @last_id: timestamps: the last Identification accepted
 * @nonce: nonces: the nonce sent last (high-order 32 bits of a reply)
 * @have_last: @last_id is set
 * @have_nonce: @nonce is set
 */
struct mipkex_replay_state {
	u64 last_id;
	u32 nonce;
	bool have_last;
	bool have_nonce;
};

/**
 * struct mipkex_replay_input - one request's Identification and what the
 *	check needs besides the state
 * @mode: &enum mipkex_replay of the mobile node's KEY0 security association
 * @window: timestamps: seconds the request may be off the home agent's
 *	clock, either way
 * @now: timestamps: the home agent's clock, NTP seconds (seconds since
 *	1900, modulo 2^32: Unix time + %MIPKEX_NTP_UNIX_OFFSET)
 * @next_nonce: nonces: the new nonce for the reply, drawn by the caller
 *	from a good random source
 * @id: the request's Identification
 */
struct mipkex_replay_input {
	u8 mode;
	u32 window;
	u32 now;
	u32 next_nonce;
	u64 id;
};

const char *mipkex_replay_strerror(int err);
int mipkex_replay_check(const struct mipkex_replay_state *st,
			const struct mipkex_replay_input *in, u64 *reply_id);
void mipkex_replay_update(struct mipkex_replay_state *st,
			  const struct mipkex_replay_input *in, u64 reply_id,
			  bool accepted);
bool mipkex_replay_reply_matches(u64 request_id, u64 reply_id);

#endif /* _MIPKEX_REPLAY_H */
