// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex: Identification freshness at the home agent, RFC 5944 section 5.7
 * (the mobile node sets the Identification as section 3.6 says, following
 * 5.7; the home agent denies a request that fails the check with code 133,
 * "registration Identification mismatch").
 *
 * Timestamps (RFC 5944 5.7.1): the Identification is a 64-bit NTP
 * timestamp, seconds in the high-order 32 bits. The home agent accepts it
 * when it is close enough to its own clock (the window) and, because the
 * Identification doubles as a sequence number, greater than the last one
 * accepted from that mobile node. A fresh request's Identification is
 * copied whole into the reply; a stale one is denied with code 133 and a
 * reply Identification made of the home agent's time (high-order 32 bits)
 * and the request's low-order 32 bits, from which the mobile node
 * resynchronises after checking those low-order bits.
 *
 * Nonces (RFC 5944 5.7.2): the home agent puts a new nonce in the
 * high-order 32 bits of every reply's Identification; the mobile node
 * returns it in the high-order 32 bits of its next request, and chooses the
 * low-order 32 bits itself; the reply copies them. A request whose
 * high-order bits are not the nonce sent last is denied with code 133, and
 * the denial carries a new nonce too, so the exchange resynchronises.
 *
 * Comparisons are serial-number arithmetic (RFC 1982 style), so that NTP's
 * 32-bit seconds rolling over in 2036 do not freeze every mobile node out.
 */

#include "replay.h"

/* Indexed by error - MIPKEX_REPLAY_OK. */
static const char *const mipkex_replay_errors[] = {
	"no error",
	"timestamp outside the window",
	"Identification not newer than the last accepted",
	"nonce is not the one sent last",
	"no nonce sent yet",
	"unknown replay protection",
};

static_assert(ARRAY_SIZE(mipkex_replay_errors) ==
	      __MIPKEX_REPLAY_E_MAX - MIPKEX_REPLAY_OK, "one message per error");

/**
 * mipkex_replay_strerror() - describe a replay check's verdict
 * @err: &enum mipkex_replay_err or its negation
 *
 * Return: a constant string, never NULL.
 */
const char *mipkex_replay_strerror(int err)
{
	unsigned int e = err < 0 ? 0U - (unsigned int)err : (unsigned int)err;

	if (!e)
		return mipkex_replay_errors[0];
	if (e < MIPKEX_REPLAY_OK || e >= __MIPKEX_REPLAY_E_MAX)
		return "unknown error";
	return mipkex_replay_errors[e - MIPKEX_REPLAY_OK];
}

/* |a - b| <= window, modulo 2^32. */
static bool mipkex_replay_within(u32 a, u32 b, u32 window)
{
	u32 d = a - b;

	return d <= window || 0U - d <= window;
}

/* @a is after @b, modulo 2^64: the difference is in [1, 2^63). */
static bool mipkex_replay_after(u64 a, u64 b)
{
	u64 d = a - b;

	return d && !(d >> 63);
}

/**
 * mipkex_replay_check() - whether a request's Identification is fresh
 * @st: the mobile node's state
 * @in: the Identification, the mode and what the mode needs
 * @reply_id: set to the Identification the reply carries, fresh or not
 *
 * Timestamps (RFC 5944 5.7.1): the high-order 32 bits must be within
 * @in->window seconds of @in->now, and the whole Identification after the
 * last one accepted. @reply_id is the request's Identification when fresh;
 * else @in->now in the high-order 32 bits and the request's low-order 32
 * bits.
 *
 * Nonces (RFC 5944 5.7.2): the high-order 32 bits must be the nonce sent
 * last. @reply_id is always @in->next_nonce in the high-order 32 bits and
 * the request's low-order 32 bits.
 *
 * The state is not changed: call mipkex_replay_update() once the reply is
 * decided. The caller checks the request's MN-HA authenticator first
 * (RFC 5944 5.7: only an authenticated Identification counts).
 *
 * Return: 0 when fresh, else a negative &enum mipkex_replay_err; deny a
 * request that is not fresh with code 133 (%MIPKEX_CODE_ID_MISMATCH).
 */
int mipkex_replay_check(const struct mipkex_replay_state *st,
			const struct mipkex_replay_input *in, u64 *reply_id)
{
	u32 low = (u32)in->id, high = (u32)(in->id >> 32);

	switch (in->mode) {
	case MIPKEX_REPLAY_TIMESTAMP:
		*reply_id = (u64)in->now << 32 | low;
		if (!mipkex_replay_within(high, in->now, in->window))
			return -MIPKEX_REPLAY_E_WINDOW;
		if (st->have_last && !mipkex_replay_after(in->id, st->last_id))
			return -MIPKEX_REPLAY_E_OLD;
		*reply_id = in->id;
		return 0;
	case MIPKEX_REPLAY_NONCE:
		*reply_id = (u64)in->next_nonce << 32 | low;
		if (!st->have_nonce)
			return -MIPKEX_REPLAY_E_NO_NONCE;
		if (high != st->nonce)
			return -MIPKEX_REPLAY_E_NONCE;
		return 0;
	}
	*reply_id = in->id;
	return -MIPKEX_REPLAY_E_MODE;
}

/**
 * mipkex_replay_update() - remember a request and the reply sent to it
 * @st: the mobile node's state
 * @in: what mipkex_replay_check() was given
 * @reply_id: the Identification of the reply sent (from
 *	mipkex_replay_check())
 * @accepted: the request was fresh and authenticated (whatever the reply's
 *	code for other reasons)
 *
 * Timestamps: an accepted Identification becomes the last one, so that no
 * request with it or an earlier one is accepted again. Nonces: the nonce in
 * @reply_id, which every reply carries, denial or not, becomes the one
 * expected next.
 */
void mipkex_replay_update(struct mipkex_replay_state *st,
			  const struct mipkex_replay_input *in, u64 reply_id,
			  bool accepted)
{
	switch (in->mode) {
	case MIPKEX_REPLAY_TIMESTAMP:
		if (accepted) {
			st->last_id = in->id;
			st->have_last = true;
		}
		break;
	case MIPKEX_REPLAY_NONCE:
		st->nonce = (u32)(reply_id >> 32);
		st->have_nonce = true;
		break;
	}
}

/**
 * mipkex_replay_reply_matches() - whether a reply answers a request
 *	(mobile node)
 * @request_id: the Identification of the request sent
 * @reply_id: the reply's Identification
 *
 * In both modes the reply copies the request's low-order 32 bits (RFC 5944
 * 5.7.1, 5.7.2); the mobile node checks them before it uses the high-order
 * bits (a nonce, or the home agent's time after code 133).
 *
 * Return: true when the low-order 32 bits are equal.
 */
bool mipkex_replay_reply_matches(u64 request_id, u64 reply_id)
{
	return (u32)request_id == (u32)reply_id;
}
