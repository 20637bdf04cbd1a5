// SPDX-License-Identifier: GPL-2.0
/*
 * Identification freshness (kmod/replay.c) on the host, against RFC 5944
 * section 5.7: a table of requests checked against a mobile node's state
 * in each mode, each with the verdict and the reply's Identification; the
 * state updates; whole exchanges between a mobile node and a home agent,
 * replays included; and the wrap of NTP seconds in 2036.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"

#include "kselftest_harness.h"

#define RE(x)	(-MIPKEX_REPLAY_E_##x)
#define TS	MIPKEX_REPLAY_TIMESTAMP
#define NONCE	MIPKEX_REPLAY_NONCE
#define ID(hi, lo)	((u64)(u32)(hi) << 32 | (u32)(lo))

/* 2024-01-01T00:00:00Z in NTP seconds */
#define NOW	((u32)(1704067200ULL + MIPKEX_NTP_UNIX_OFFSET))

FIXTURE(check) {
};

FIXTURE_VARIANT(check) {
	struct mipkex_replay_state st;
	struct mipkex_replay_input in;
	int err;
	u64 reply_id;
};

FIXTURE_SETUP(check)
{
}

FIXTURE_TEARDOWN(check)
{
}

TEST_F(check, table)
{
	struct mipkex_replay_state st = variant->st, after;
	u64 reply = 0x5a5a5a5a5a5a5a5aULL;
	int ret;

	ret = mipkex_replay_check(&st, &variant->in, &reply);
	ASSERT_EQ(variant->err, ret) {
		TH_LOG("%s", mipkex_replay_strerror(ret));
	}
	ASSERT_EQ(variant->reply_id, reply);
	ASSERT_EQ(0, memcmp(&st, &variant->st, sizeof(st)));	/* untouched */
	/* The reply always carries the request's low-order 32 bits. */
	ASSERT_TRUE(mipkex_replay_reply_matches(variant->in.id, reply));

	after = st;
	mipkex_replay_update(&after, &variant->in, reply, !ret);
	if (variant->in.mode == TS) {
		ASSERT_EQ(!ret ? variant->in.id : st.last_id, after.last_id);
		ASSERT_EQ(!ret || st.have_last, after.have_last);
		ASSERT_EQ(st.have_nonce, after.have_nonce);
	} else if (variant->in.mode == NONCE) {
		/* Every reply, denial or not, carries the next nonce */
		ASSERT_TRUE(after.have_nonce);
		ASSERT_EQ(variant->in.next_nonce, after.nonce);
		ASSERT_EQ(st.have_last, after.have_last);
	} else {
		ASSERT_EQ(0, memcmp(&st, &after, sizeof(st)));
	}
}

#define TSIN(hi, lo)	.in = { .mode = TS, .window = 7, .now = NOW, \
				.id = ID(hi, lo) }

/* Timestamps: the window, either way */
FIXTURE_VARIANT_ADD(check, ts_first_now) {
	TSIN(NOW, 0x1234), .reply_id = ID(NOW, 0x1234),
};
FIXTURE_VARIANT_ADD(check, ts_ahead_7) {
	TSIN(NOW + 7, 1), .reply_id = ID(NOW + 7, 1),
};
FIXTURE_VARIANT_ADD(check, ts_ahead_8) {
	TSIN(NOW + 8, 1), .err = RE(WINDOW), .reply_id = ID(NOW, 1),
};
FIXTURE_VARIANT_ADD(check, ts_behind_7) {
	TSIN(NOW - 7, 0xffffffff), .reply_id = ID(NOW - 7, 0xffffffff),
};
FIXTURE_VARIANT_ADD(check, ts_behind_8) {
	TSIN(NOW - 8, 0xfedcba98), .err = RE(WINDOW),
	.reply_id = ID(NOW, 0xfedcba98),
};
FIXTURE_VARIANT_ADD(check, ts_zero) {
	TSIN(0, 0), .err = RE(WINDOW), .reply_id = ID(NOW, 0),
};
FIXTURE_VARIANT_ADD(check, ts_far_future) {
	TSIN(NOW + 0x80000000U, 7), .err = RE(WINDOW), .reply_id = ID(NOW, 7),
};
FIXTURE_VARIANT_ADD(check, ts_window_0_exact) {
	.in = { .mode = TS, .window = 0, .now = NOW, .id = ID(NOW, 9) },
	.reply_id = ID(NOW, 9),
};
FIXTURE_VARIANT_ADD(check, ts_window_0_one_off) {
	.in = { .mode = TS, .window = 0, .now = NOW, .id = ID(NOW - 1, 9) },
	.err = RE(WINDOW), .reply_id = ID(NOW, 9),
};
FIXTURE_VARIANT_ADD(check, ts_window_3600) {
	.in = { .mode = TS, .window = 3600, .now = NOW,
		.id = ID(NOW - 3600, 9) },
	.reply_id = ID(NOW - 3600, 9),
};
/* Timestamps: strictly newer than the last accepted */
FIXTURE_VARIANT_ADD(check, ts_newer) {
	.st = { .last_id = ID(NOW - 1, 5), .have_last = true },
	TSIN(NOW, 4), .reply_id = ID(NOW, 4),
};
FIXTURE_VARIANT_ADD(check, ts_newer_same_second) {
	.st = { .last_id = ID(NOW, 5), .have_last = true },
	TSIN(NOW, 6), .reply_id = ID(NOW, 6),
};
FIXTURE_VARIANT_ADD(check, ts_same) {
	.st = { .last_id = ID(NOW, 5), .have_last = true },
	TSIN(NOW, 5), .err = RE(OLD), .reply_id = ID(NOW, 5),
};
FIXTURE_VARIANT_ADD(check, ts_older_same_second) {
	.st = { .last_id = ID(NOW, 5), .have_last = true },
	TSIN(NOW, 4), .err = RE(OLD), .reply_id = ID(NOW, 4),
};
FIXTURE_VARIANT_ADD(check, ts_older_in_window) {
	.st = { .last_id = ID(NOW + 3, 0), .have_last = true },
	TSIN(NOW + 2, 0xffffffff), .err = RE(OLD), .reply_id = ID(NOW, 0xffffffff),
};
FIXTURE_VARIANT_ADD(check, ts_window_before_order) {
	/* Outside the window and old: the window is checked first */
	.st = { .last_id = ID(NOW, 0), .have_last = true },
	TSIN(NOW - 100, 3), .err = RE(WINDOW), .reply_id = ID(NOW, 3),
};
FIXTURE_VARIANT_ADD(check, ts_nonce_state_ignored) {
	.st = { .nonce = NOW, .have_nonce = true },
	TSIN(NOW, 1), .reply_id = ID(NOW, 1),
};
/* Timestamps: NTP seconds roll over in 2036 */
FIXTURE_VARIANT_ADD(check, ts_wrap_ahead) {
	.st = { .last_id = ID(0xfffffffe, 0), .have_last = true },
	.in = { .mode = TS, .window = 7, .now = 0xfffffffe, .id = ID(3, 0) },
	.reply_id = ID(3, 0),
};
FIXTURE_VARIANT_ADD(check, ts_wrap_behind) {
	.in = { .mode = TS, .window = 7, .now = 2, .id = ID(0xfffffffd, 1) },
	.reply_id = ID(0xfffffffd, 1),
};
FIXTURE_VARIANT_ADD(check, ts_wrap_replay) {
	.st = { .last_id = ID(1, 0), .have_last = true },
	.in = { .mode = TS, .window = 7, .now = 2,
		.id = ID(0xfffffffd, 1) },
	.err = RE(OLD), .reply_id = ID(2, 1),
};
/* Nonces */
FIXTURE_VARIANT_ADD(check, nonce_none_yet) {
	.in = { .mode = NONCE, .next_nonce = 0xa1b2c3d4, .id = ID(0, 77) },
	.err = RE(NO_NONCE), .reply_id = ID(0xa1b2c3d4, 77),
};
FIXTURE_VARIANT_ADD(check, nonce_match) {
	.st = { .nonce = 0x11223344, .have_nonce = true },
	.in = { .mode = NONCE, .next_nonce = 0x55667788,
		.id = ID(0x11223344, 0x99) },
	.reply_id = ID(0x55667788, 0x99),
};
FIXTURE_VARIANT_ADD(check, nonce_zero_match) {
	.st = { .nonce = 0, .have_nonce = true },
	.in = { .mode = NONCE, .next_nonce = 1, .id = ID(0, 0) },
	.reply_id = ID(1, 0),
};
FIXTURE_VARIANT_ADD(check, nonce_mismatch) {
	.st = { .nonce = 0x11223344, .have_nonce = true },
	.in = { .mode = NONCE, .next_nonce = 0x55667788,
		.id = ID(0x11223345, 0x99) },
	.err = RE(NONCE), .reply_id = ID(0x55667788, 0x99),
};
FIXTURE_VARIANT_ADD(check, nonce_in_low_bits) {
	/* The home agent's nonce travels in the high-order bits, not low */
	.st = { .nonce = 0x11223344, .have_nonce = true },
	.in = { .mode = NONCE, .next_nonce = 0x55667788,
		.id = ID(0x99, 0x11223344) },
	.err = RE(NONCE), .reply_id = ID(0x55667788, 0x11223344),
};
FIXTURE_VARIANT_ADD(check, nonce_ignores_clock) {
	.st = { .nonce = 5, .have_nonce = true, .last_id = ID(9, 9),
		.have_last = true },
	.in = { .mode = NONCE, .window = 0, .now = NOW, .next_nonce = 6,
		.id = ID(5, 1) },
	.reply_id = ID(6, 1),
};
/* Neither */
FIXTURE_VARIANT_ADD(check, mode_unspec) {
	.in = { .mode = MIPKEX_REPLAY_UNSPEC, .id = ID(NOW, 1), .now = NOW },
	.err = RE(MODE), .reply_id = ID(NOW, 1),
};
FIXTURE_VARIANT_ADD(check, mode_max) {
	.in = { .mode = __MIPKEX_REPLAY_MAX, .id = ID(1, 2) },
	.err = RE(MODE), .reply_id = ID(1, 2),
};

/*
 * A mobile node and its home agent, timestamps: the MN's clock runs a
 * little off; requests are accepted in order; a replayed or reordered one
 * is not; after a denial the MN takes the HA's time from the reply.
 */
TEST(timestamp_exchange)
{
	struct mipkex_replay_state st = { 0 };
	struct mipkex_replay_input in = { .mode = TS, .window = 7 };
	u64 reply, sent[20];
	u32 now = NOW, skew = 3, low = 0x1000;
	int i, ret;

	for (i = 0; i < 20; i++) {
		now += 1 + i % 3;
		in.now = now;
		in.id = ID(now + skew, low++);
		sent[i] = in.id;
		ASSERT_EQ(0, mipkex_replay_check(&st, &in, &reply));
		ASSERT_EQ(in.id, reply);
		mipkex_replay_update(&st, &in, reply, true);
	}
	/* Every earlier request, replayed now, is refused */
	for (i = 0; i < 20; i++) {
		in.id = sent[i];
		ret = mipkex_replay_check(&st, &in, &reply);
		ASSERT_TRUE(ret == RE(OLD) || ret == RE(WINDOW));
		mipkex_replay_update(&st, &in, reply, !ret);
		ASSERT_EQ(sent[19], st.last_id);
	}
	/* A clock 60 s slow: denied, then resynchronised from the reply */
	in.id = ID(now - 60, 0xabcdef);
	ASSERT_EQ(RE(WINDOW), mipkex_replay_check(&st, &in, &reply));
	ASSERT_TRUE(mipkex_replay_reply_matches(in.id, reply));
	ASSERT_EQ(now, (u32)(reply >> 32));
	/*
	 * Its earlier requests ran 3 s ahead of the HA: at the HA's time it
	 * would still be older than the last accepted one.
	 */
	in.id = ID(reply >> 32, 0xabcdf0);
	ASSERT_EQ(RE(OLD), mipkex_replay_check(&st, &in, &reply));
	in.id = ID(now + skew + 1, 0xabcdf0);
	ASSERT_EQ(0, mipkex_replay_check(&st, &in, &reply));
}

/*
 * Nonces: each reply carries the nonce the next request returns; a
 * replayed request, or a request built on an older nonce, is refused, and
 * the denial carries a nonce that works (self-synchronising).
 */
TEST(nonce_exchange)
{
	struct mipkex_replay_state st = { 0 };
	struct mipkex_replay_input in = { .mode = NONCE };
	u64 reply, old_request = 0;
	u32 mn_nonce = 0, ha_nonce = 0x7000;
	int i;

	/* First contact: the MN knows no nonce; the denial gives one */
	in.next_nonce = ha_nonce++;
	in.id = ID(0, 0x42);
	ASSERT_EQ(RE(NO_NONCE), mipkex_replay_check(&st, &in, &reply));
	mipkex_replay_update(&st, &in, reply, false);
	ASSERT_TRUE(mipkex_replay_reply_matches(in.id, reply));
	mn_nonce = reply >> 32;

	for (i = 0; i < 10; i++) {
		in.next_nonce = ha_nonce++;
		in.id = ID(mn_nonce, 0x100 + i);
		if (i == 4)
			old_request = in.id;
		ASSERT_EQ(0, mipkex_replay_check(&st, &in, &reply));
		mipkex_replay_update(&st, &in, reply, true);
		ASSERT_EQ((u32)in.id, (u32)reply);
		mn_nonce = reply >> 32;
	}
	/* A replay: denied, and the denial's nonce works */
	in.next_nonce = ha_nonce++;
	in.id = old_request;
	ASSERT_EQ(RE(NONCE), mipkex_replay_check(&st, &in, &reply));
	mipkex_replay_update(&st, &in, reply, false);
	/* The MN's current nonce was replaced by the denial's */
	in.next_nonce = ha_nonce++;
	in.id = ID(mn_nonce, 0x999);
	ASSERT_EQ(RE(NONCE), mipkex_replay_check(&st, &in, &reply));
	mipkex_replay_update(&st, &in, reply, false);
	in.next_nonce = ha_nonce++;
	in.id = ID(reply >> 32, 0x99a);
	ASSERT_EQ(0, mipkex_replay_check(&st, &in, &reply));
}

TEST(reply_matches)
{
	ASSERT_TRUE(mipkex_replay_reply_matches(ID(1, 2), ID(1, 2)));
	ASSERT_TRUE(mipkex_replay_reply_matches(ID(1, 2), ID(9, 2)));
	ASSERT_FALSE(mipkex_replay_reply_matches(ID(1, 2), ID(1, 3)));
	ASSERT_FALSE(mipkex_replay_reply_matches(ID(1, 2), ID(2, 1)));
}

TEST(messages)
{
	int e, j;

	ASSERT_STREQ("no error", mipkex_replay_strerror(0));
	for (e = MIPKEX_REPLAY_OK + 1; e < __MIPKEX_REPLAY_E_MAX; e++) {
		ASSERT_STRNE("unknown error", mipkex_replay_strerror(-e));
		ASSERT_STREQ(mipkex_replay_strerror(e),
			     mipkex_replay_strerror(-e));
		for (j = MIPKEX_REPLAY_OK; j < e; j++)
			ASSERT_STRNE(mipkex_replay_strerror(j),
				     mipkex_replay_strerror(e));
	}
	ASSERT_STREQ("unknown error",
		     mipkex_replay_strerror(__MIPKEX_REPLAY_E_MAX));
	ASSERT_STREQ("unknown error", mipkex_replay_strerror(-7));
}

TEST_HARNESS_MAIN
