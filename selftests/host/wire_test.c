// SPDX-License-Identifier: GPL-2.0
/*
 * The registration wire codec (kmod/wire.c) on the host, against the contract
 * in kmod/wire.h: every element built and parsed back, the bytes the builders
 * write compared with a message laid out by hand, authenticator coverage, a
 * table of malformed messages each with its own error, every prefix of a valid
 * message, length limits, and builders that never write past their buffer.
 *
 * Messages are parsed from heap copies of exactly their length, so a build
 * with -fsanitize=address catches any read past the end.
 *
 *   cc -std=gnu11 -Wall -Wextra -I build/ksrc/tools/testing/selftests -I kmod \
 *	-o build/wire_test selftests/host/wire_test.c kmod/wire.c
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

#include "kselftest_harness.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif
#define E(x)		(-MIPKEX_WIRE_E_##x)
#define CANARY		0xa5

/* Unsigned comparisons without -Wsign-compare noise. */
#define ASSERT_EQ_U(want, seen) \
	ASSERT_EQ((uintmax_t)(want), (uintmax_t)(seen))
#define ASSERT_NE_U(want, seen) \
	ASSERT_NE((uintmax_t)(want), (uintmax_t)(seen))

/* --- the reference messages, laid out by hand --------------------------- */

#define HOME		192, 0, 2, 10
#define HA		192, 0, 2, 1
#define COA		198, 51, 100, 7

#define SEQ16(b)	(b), (b) + 1, (b) + 2, (b) + 3, (b) + 4, (b) + 5, \
			(b) + 6, (b) + 7, (b) + 8, (b) + 9, (b) + 10, (b) + 11, \
			(b) + 12, (b) + 13, (b) + 14, (b) + 15

#define NAI_STR		"mn@example.org"
#define CVSE_VENDOR	0x0000a1b2
#define CVSE_VTYPE	0x0102
#define CVSE_VALUE	"xyz"
#define NVSE_VENDOR	0x00c0ffee
#define NVSE_VTYPE	0x8003
#define NVSE_VALUE	"\x55\x66"
#define MN_HA_SPI	0x00000100
#define MN_FA_SPI	0x00000101
#define FA_HA_SPI	0x00000102
#define MN_HA_FILL	0xa0	/* authenticator bytes 0xa0, 0xa1, ... */
#define MN_FA_FILL	0xb0
#define FA_HA_FILL	0xc0

/* NAI, CVSE, NVSE, MN-HA (16-byte authenticator), FA-HA (16 bytes). */
#define REF_EXTS \
	/* NAI: 131, len 14 */ \
	131, 14, 'm', 'n', '@', 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', \
	'o', 'r', 'g', \
	/* CVSE: 38, reserved, len16 9, vendor, vtype, "xyz" */ \
	38, 0, 0, 9, 0x00, 0x00, 0xa1, 0xb2, 0x01, 0x02, 'x', 'y', 'z', \
	/* NVSE: 134, len 10, reserved(2), vendor, vtype, 55 66 */ \
	134, 10, 0, 0, 0x00, 0xc0, 0xff, 0xee, 0x80, 0x03, 0x55, 0x66, \
	/* MN-HA: 32, len 20, SPI 0x100, authenticator */ \
	32, 20, 0, 0, 1, 0, SEQ16(MN_HA_FILL), \
	/* FA-HA: 34, len 20, SPI 0x102, authenticator */ \
	34, 20, 0, 0, 1, 2, SEQ16(FA_HA_FILL)

/* Request: flags 0x42, lifetime 1800, id 0xe0e1e2e3e4e5e6e7. */
static const u8 ref_rrq[] = {
	1, 0x42, 0x07, 0x08, HOME, HA, COA,
	0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7,
	REF_EXTS
};

/* Reply: code 1, lifetime 3600, id 0x0102030405060708. */
static const u8 ref_rrp[] = {
	3, 1, 0x0e, 0x10, HOME, HA,
	1, 2, 3, 4, 5, 6, 7, 8,
	REF_EXTS
};

static const struct mipkex_msg ref_rrq_msg = {
	.type = MIPKEX_MSG_RRQ,
	.flags = 0x42,
	.lifetime = 1800,
	.home = { HOME },
	.ha = { HA },
	.coa = { COA },
	.id = 0xe0e1e2e3e4e5e6e7ULL,
};

static const struct mipkex_msg ref_rrp_msg = {
	.type = MIPKEX_MSG_RRP,
	.code = 1,
	.lifetime = 3600,
	.home = { HOME },
	.ha = { HA },
	.id = 0x0102030405060708ULL,
};

/* What the iterator must yield for REF_EXTS, offsets after the fixed part. */
struct want_ext {
	size_t rel_off;
	unsigned int hdr_len;
	u8 type;
	u16 len;
	u32 spi;		/* auth */
	u8 fill;		/* auth: first authenticator byte */
	u16 auth_len;
	u32 vendor;		/* CVSE, NVSE */
	u16 vtype;
	const char *value;
	u16 value_len;
};

static const struct want_ext ref_exts[] = {
	{ .rel_off = 0, .hdr_len = 2, .type = 131, .len = 14 },
	{ .rel_off = 16, .hdr_len = 4, .type = 38, .len = 9,
	  .vendor = CVSE_VENDOR, .vtype = CVSE_VTYPE,
	  .value = CVSE_VALUE, .value_len = 3 },
	{ .rel_off = 29, .hdr_len = 2, .type = 134, .len = 10,
	  .vendor = NVSE_VENDOR, .vtype = NVSE_VTYPE,
	  .value = NVSE_VALUE, .value_len = 2 },
	{ .rel_off = 41, .hdr_len = 2, .type = 32, .len = 20,
	  .spi = MN_HA_SPI, .fill = MN_HA_FILL, .auth_len = 16 },
	{ .rel_off = 63, .hdr_len = 2, .type = 34, .len = 20,
	  .spi = FA_HA_SPI, .fill = FA_HA_FILL, .auth_len = 16 },
};

#define REF_EXTS_LEN	85

/* --- helpers ------------------------------------------------------------ */

/* Parse a heap copy of exactly @len bytes: ASan sees any overread. */
static int parse_exact(const u8 *buf, size_t len, struct mipkex_msg *msg)
{
	u8 *copy = malloc(len ? len : 1);
	int ret;

	if (!copy)
		abort();
	if (len)
		memcpy(copy, buf, len);
	ret = mipkex_wire_parse(copy, len, msg);
	free(copy);
	return ret;
}

/* The same for mipkex_wire_parse_no_mn_ha(). */
static int parse_exact_no_mn_ha(const u8 *buf, size_t len,
				struct mipkex_msg *msg)
{
	u8 *copy = malloc(len ? len : 1);
	int ret;

	if (!copy)
		abort();
	if (len)
		memcpy(copy, buf, len);
	ret = mipkex_wire_parse_no_mn_ha(copy, len, msg);
	free(copy);
	return ret;
}

static void fill(u8 *p, u8 first, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (u8)(first + i);
}

static bool all_bytes(const u8 *p, u8 v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

/*
 * Build the reference message of @m's type with the builders; the
 * authenticators are filled in after they are reserved (as a sender would
 * after computing them). Returns the builder's error.
 */
static int build_ref(u8 *buf, size_t cap, const struct mipkex_msg *m,
		     size_t *len, size_t *mn_ha_cov, size_t *fa_ha_cov)
{
	struct mipkex_wbuf w;
	u8 *a;

	mipkex_wbuf_init(&w, buf, cap);
	mipkex_wire_put_fixed(&w, m);
	mipkex_wire_put_ext(&w, MIPKEX_EXT_NAI, NAI_STR, strlen(NAI_STR));
	mipkex_wire_put_cvse(&w, CVSE_VENDOR, CVSE_VTYPE, CVSE_VALUE, 3);
	mipkex_wire_put_nvse(&w, NVSE_VENDOR, NVSE_VTYPE, NVSE_VALUE, 2);
	a = mipkex_wire_put_auth(&w, MIPKEX_EXT_MN_HA_AUTH, MN_HA_SPI, 16,
				 mn_ha_cov);
	if (a) {
		if (!all_bytes(a, 0, 16))
			return -1000;	/* reserved but not zeroed */
		fill(a, MN_HA_FILL, 16);
	}
	a = mipkex_wire_put_auth(&w, MIPKEX_EXT_FA_HA_AUTH, FA_HA_SPI, 16,
				 fa_ha_cov);
	if (a) {
		if (!all_bytes(a, 0, 16))
			return -1000;
		fill(a, FA_HA_FILL, 16);
	}
	*len = w.len;
	return w.err;
}

static void check_msg_equal(struct __test_metadata *_metadata,
			    const struct mipkex_msg *want,
			    const struct mipkex_msg *got)
{
	ASSERT_EQ(want->type, got->type);
	ASSERT_EQ(want->flags, got->flags);
	ASSERT_EQ(want->code, got->code);
	ASSERT_EQ(want->lifetime, got->lifetime);
	ASSERT_EQ(0, memcmp(want->home, got->home, 4));
	ASSERT_EQ(0, memcmp(want->ha, got->ha, 4));
	ASSERT_EQ(0, memcmp(want->coa, got->coa, 4));
	ASSERT_EQ(want->id, got->id);
}

/* Walk REF_EXTS in @buf and compare every field with ref_exts[]. */
static void check_ref_iteration(struct __test_metadata *_metadata,
				const u8 *buf, size_t len, size_t fixed_len)
{
	struct mipkex_ext_iter it;
	struct mipkex_ext ext;
	size_t i;

	mipkex_ext_iter_init(&it, buf, len, fixed_len);
	for (i = 0; i < ARRAY_SIZE(ref_exts); i++) {
		const struct want_ext *w = &ref_exts[i];
		size_t off = fixed_len + w->rel_off;

		memset(&ext, CANARY, sizeof(ext));
		ASSERT_EQ(1, mipkex_ext_next(&it, &ext)) {
			TH_LOG("extension %zu", i);
		}
		ASSERT_EQ(off, ext.off);
		ASSERT_EQ(w->hdr_len, ext.hdr_len);
		ASSERT_EQ(w->type, ext.type);
		ASSERT_EQ(0, ext.sub);
		ASSERT_EQ(w->len, ext.len);
		ASSERT_TRUE(ext.data == buf + off + w->hdr_len);
		if (w->auth_len) {
			ASSERT_EQ(w->spi, ext.spi);
			ASSERT_EQ(w->auth_len, ext.auth_len);
			ASSERT_TRUE(ext.auth == ext.data + MIPKEX_AUTH_SPI_LEN);
			ASSERT_EQ(w->fill, ext.auth[0]);
			ASSERT_EQ(w->fill + w->auth_len - 1,
				  ext.auth[w->auth_len - 1]);
			ASSERT_EQ(off + 2 + MIPKEX_AUTH_SPI_LEN,
				  mipkex_wire_auth_covered(&ext));
		}
		if (w->value) {
			ASSERT_EQ(w->vendor, ext.vendor);
			ASSERT_EQ(w->vtype, ext.vtype);
			ASSERT_EQ(w->value_len, ext.value_len);
			ASSERT_TRUE(ext.value == ext.data + ext.len -
						 w->value_len);
			ASSERT_EQ(0, memcmp(w->value, ext.value, w->value_len));
		}
	}
	ASSERT_EQ(0, mipkex_ext_next(&it, &ext));
	ASSERT_EQ(0, mipkex_ext_next(&it, &ext));	/* and stays there */
}

/* --- round trip --------------------------------------------------------- */

TEST(reference_layout)
{
	/* The hand-made messages agree with the sizes in the contract. */
	ASSERT_EQ_U(MIPKEX_RRQ_FIXED_LEN + REF_EXTS_LEN, sizeof(ref_rrq));
	ASSERT_EQ_U(MIPKEX_RRP_FIXED_LEN + REF_EXTS_LEN, sizeof(ref_rrp));
}

TEST(build_request_bytes)
{
	size_t len = 0, mn_ha_cov = 0, fa_ha_cov = 0;
	u8 buf[256];

	memset(buf, CANARY, sizeof(buf));
	ASSERT_EQ(0, build_ref(buf, sizeof(buf), &ref_rrq_msg, &len,
			       &mn_ha_cov, &fa_ha_cov));
	ASSERT_EQ(sizeof(ref_rrq), len);
	ASSERT_EQ(0, memcmp(ref_rrq, buf, len));
	ASSERT_TRUE(all_bytes(buf + len, CANARY, sizeof(buf) - len));
	/* From byte 0 through the SPI of each authentication extension. */
	ASSERT_EQ_U(24 + 41 + 2 + 4, mn_ha_cov);
	ASSERT_EQ_U(24 + 63 + 2 + 4, fa_ha_cov);
}

TEST(build_reply_bytes)
{
	size_t len = 0, mn_ha_cov = 0, fa_ha_cov = 0;
	struct mipkex_msg m = ref_rrp_msg;
	u8 buf[256];

	/* A reply has no flags and no care-of address: both are ignored. */
	m.flags = 0xff;
	memset(m.coa, 0xee, sizeof(m.coa));
	memset(buf, CANARY, sizeof(buf));
	ASSERT_EQ(0, build_ref(buf, sizeof(buf), &m, &len, &mn_ha_cov,
			       &fa_ha_cov));
	ASSERT_EQ(sizeof(ref_rrp), len);
	ASSERT_EQ(0, memcmp(ref_rrp, buf, len));
	ASSERT_EQ_U(20 + 41 + 2 + 4, mn_ha_cov);
	ASSERT_EQ_U(20 + 63 + 2 + 4, fa_ha_cov);
}

TEST(parse_request)
{
	struct mipkex_msg msg;

	/* Garbage first: parse must set every field. */
	memset(&msg, CANARY, sizeof(msg));
	ASSERT_EQ(0, parse_exact(ref_rrq, sizeof(ref_rrq), &msg));
	check_msg_equal(_metadata, &ref_rrq_msg, &msg);
	ASSERT_EQ_U(MIPKEX_RRQ_FIXED_LEN, msg.fixed_len);
	ASSERT_EQ_U(5, msg.n_ext);
	ASSERT_EQ_U(24 + 41, msg.mn_ha_off);
	ASSERT_EQ_U(0, msg.mn_fa_off);
	ASSERT_EQ_U(24 + 63, msg.fa_ha_off);
	ASSERT_EQ_U(0, msg.unknown_critical_off);
}

TEST(parse_reply)
{
	struct mipkex_msg msg;

	memset(&msg, CANARY, sizeof(msg));
	ASSERT_EQ(0, parse_exact(ref_rrp, sizeof(ref_rrp), &msg));
	check_msg_equal(_metadata, &ref_rrp_msg, &msg);
	ASSERT_EQ_U(MIPKEX_RRP_FIXED_LEN, msg.fixed_len);
	ASSERT_EQ_U(5, msg.n_ext);
	ASSERT_EQ_U(20 + 41, msg.mn_ha_off);
	ASSERT_EQ_U(0, msg.mn_fa_off);
	ASSERT_EQ_U(20 + 63, msg.fa_ha_off);
	ASSERT_EQ_U(0, msg.unknown_critical_off);
}

TEST(round_trip_request)
{
	size_t len = 0, mn_ha_cov = 0, fa_ha_cov = 0;
	struct mipkex_msg msg;
	u8 buf[256];

	ASSERT_EQ(0, build_ref(buf, sizeof(buf), &ref_rrq_msg, &len,
			       &mn_ha_cov, &fa_ha_cov));
	ASSERT_EQ(0, mipkex_wire_parse(buf, len, &msg));
	check_msg_equal(_metadata, &ref_rrq_msg, &msg);
	check_ref_iteration(_metadata, buf, len, msg.fixed_len);
}

TEST(round_trip_reply)
{
	size_t len = 0, mn_ha_cov = 0, fa_ha_cov = 0;
	struct mipkex_msg msg;
	u8 buf[256];

	ASSERT_EQ(0, build_ref(buf, sizeof(buf), &ref_rrp_msg, &len,
			       &mn_ha_cov, &fa_ha_cov));
	ASSERT_EQ(0, mipkex_wire_parse(buf, len, &msg));
	check_msg_equal(_metadata, &ref_rrp_msg, &msg);
	check_ref_iteration(_metadata, buf, len, msg.fixed_len);
}

TEST(iterate_hand_made)
{
	check_ref_iteration(_metadata, ref_rrq, sizeof(ref_rrq),
			    MIPKEX_RRQ_FIXED_LEN);
	check_ref_iteration(_metadata, ref_rrp, sizeof(ref_rrp),
			    MIPKEX_RRP_FIXED_LEN);
}

TEST(iterate_empty)
{
	struct mipkex_ext_iter it;
	struct mipkex_ext ext;

	mipkex_ext_iter_init(&it, ref_rrq, MIPKEX_RRQ_FIXED_LEN,
			     MIPKEX_RRQ_FIXED_LEN);
	ASSERT_EQ(0, mipkex_ext_next(&it, &ext));
}

TEST(iterate_error_stays)
{
	/* An NVSE too short for its vendor id: the walk stops there. */
	static const u8 m[] = { 131, 0, 134, 7, 0, 0, 0, 0, 0, 0, 0, 131, 0 };
	struct mipkex_ext_iter it;
	struct mipkex_ext ext;

	mipkex_ext_iter_init(&it, m, sizeof(m), 0);
	ASSERT_EQ(1, mipkex_ext_next(&it, &ext));
	ASSERT_EQ(E(VSE_SHORT), mipkex_ext_next(&it, &ext));
	ASSERT_EQ(E(VSE_SHORT), mipkex_ext_next(&it, &ext));
}

/* Each element with a zero-length value, built and read back. */
TEST(round_trip_empty_values)
{
	static const u8 want[] = {
		131, 0,
		38, 0, 0, 6, 0, 0, 0, 7, 0, 8,
		134, 8, 0, 0, 0, 0, 0, 9, 0, 10,
		32, 5, 0, 0, 0, 11, 0,
	};
	struct mipkex_ext_iter it;
	struct mipkex_wbuf w;
	struct mipkex_msg msg;
	struct mipkex_ext ext;
	size_t cov;
	u8 buf[128];
	u8 *a;

	mipkex_wbuf_init(&w, buf, sizeof(buf));
	mipkex_wire_put_fixed(&w, &ref_rrq_msg);
	mipkex_wire_put_ext(&w, MIPKEX_EXT_NAI, "", 0);
	mipkex_wire_put_cvse(&w, 7, 8, "", 0);
	mipkex_wire_put_nvse(&w, 9, 10, "", 0);
	a = mipkex_wire_put_auth(&w, MIPKEX_EXT_MN_HA_AUTH, 11, 1, &cov);
	ASSERT_NE(NULL, a);
	ASSERT_EQ(0, w.err);
	ASSERT_EQ_U(24 + 2 + 10 + 10 + 7, w.len);
	/* The exact bytes of the extensions. */
	ASSERT_EQ(0, memcmp(want, buf + 24, sizeof(want)));
	ASSERT_EQ(0, mipkex_wire_parse(buf, w.len, &msg));
	ASSERT_EQ_U(4, msg.n_ext);
	mipkex_ext_iter_init(&it, buf, w.len, msg.fixed_len);
	ASSERT_EQ(1, mipkex_ext_next(&it, &ext));
	ASSERT_EQ(131, ext.type);
	ASSERT_EQ(0, ext.len);
	ASSERT_EQ(1, mipkex_ext_next(&it, &ext));
	ASSERT_EQ(38, ext.type);
	ASSERT_EQ_U(7, ext.vendor);
	ASSERT_EQ(8, ext.vtype);
	ASSERT_EQ(0, ext.value_len);
	ASSERT_EQ(1, mipkex_ext_next(&it, &ext));
	ASSERT_EQ(134, ext.type);
	ASSERT_EQ_U(9, ext.vendor);
	ASSERT_EQ(10, ext.vtype);
	ASSERT_EQ(0, ext.value_len);
	ASSERT_EQ(1, mipkex_ext_next(&it, &ext));
	ASSERT_EQ(32, ext.type);
	ASSERT_EQ_U(11, ext.spi);
	ASSERT_EQ(1, ext.auth_len);
	ASSERT_EQ(cov, mipkex_wire_auth_covered(&ext));
	ASSERT_EQ(0, mipkex_ext_next(&it, &ext));
}

/* Long-format extensions other than the CVSE: sub-type and 16-bit length. */
TEST(parse_long_formats)
{
	u8 buf[24 + 4 + 300 + 4 + 3 + 7];
	struct mipkex_ext_iter it;
	struct mipkex_msg msg;
	struct mipkex_ext ext;
	size_t n = 0;

	memcpy(buf, ref_rrq, 24);
	n = 24;
	buf[n++] = MIPKEX_EXT_GEN_AUTH;
	buf[n++] = 5;
	buf[n++] = 300 >> 8;
	buf[n++] = 300 & 0xff;
	fill(buf + n, 0, 300);
	n += 300;
	buf[n++] = MIPKEX_EXT_PMIP_NONSKIP;
	buf[n++] = 0xfe;
	buf[n++] = 0;
	buf[n++] = 3;
	buf[n++] = 'a';
	buf[n++] = 'b';
	buf[n++] = 'c';
	memcpy(buf + n, (const u8[]){ 32, 5, 0, 0, 1, 0, 0xaa }, 7);
	n += 7;
	ASSERT_EQ(sizeof(buf), n);

	ASSERT_EQ(0, parse_exact(buf, n, &msg));
	ASSERT_EQ_U(3, msg.n_ext);
	ASSERT_EQ_U(0, msg.unknown_critical_off);
	ASSERT_EQ_U(24 + 4 + 300 + 7, msg.mn_ha_off);
	mipkex_ext_iter_init(&it, buf, n, 24);
	ASSERT_EQ(1, mipkex_ext_next(&it, &ext));
	ASSERT_EQ_U(24, ext.off);
	ASSERT_EQ_U(4, ext.hdr_len);
	ASSERT_EQ(36, ext.type);
	ASSERT_EQ(5, ext.sub);
	ASSERT_EQ(300, ext.len);
	ASSERT_TRUE(ext.data == buf + 28);
	ASSERT_EQ(1, mipkex_ext_next(&it, &ext));
	ASSERT_EQ_U(24 + 304, ext.off);
	ASSERT_EQ_U(4, ext.hdr_len);
	ASSERT_EQ(47, ext.type);
	ASSERT_EQ(0xfe, ext.sub);
	ASSERT_EQ(3, ext.len);
	ASSERT_EQ(0, memcmp("abc", ext.data, 3));
	ASSERT_EQ(1, mipkex_ext_next(&it, &ext));
	ASSERT_EQ(0, mipkex_ext_next(&it, &ext));
}

/* --- authenticator coverage --------------------------------------------- */

TEST(auth_coverage)
{
	struct mipkex_ext_iter it;
	struct mipkex_wbuf w;
	struct mipkex_msg msg;
	struct mipkex_ext ext;
	size_t cov_ha = 0, cov_fa = 0, cov_first = 0;
	u8 buf[128];
	u8 *a, *b;

	/* MN-HA right after the fixed part, then an MN-FA. */
	mipkex_wbuf_init(&w, buf, sizeof(buf));
	mipkex_wire_put_fixed(&w, &ref_rrq_msg);
	a = mipkex_wire_put_auth(&w, MIPKEX_EXT_MN_HA_AUTH, MN_HA_SPI, 16,
				 &cov_ha);
	b = mipkex_wire_put_auth(&w, MIPKEX_EXT_MN_FA_AUTH, MN_FA_SPI, 12,
				 &cov_fa);
	ASSERT_EQ(0, w.err);
	ASSERT_EQ_U(24 + 22 + 18, w.len);
	ASSERT_EQ_U(24 + 6, cov_ha);
	ASSERT_EQ_U(24 + 22 + 6, cov_fa);
	/* The authenticator starts right where its coverage ends. */
	ASSERT_TRUE(a == buf + cov_ha);
	ASSERT_TRUE(b == buf + cov_fa);
	fill(a, MN_HA_FILL, 16);
	fill(b, MN_FA_FILL, 12);

	ASSERT_EQ(0, parse_exact(buf, w.len, &msg));
	ASSERT_EQ_U(24, msg.mn_ha_off);
	ASSERT_EQ_U(24 + 22, msg.mn_fa_off);
	ASSERT_EQ_U(0, msg.fa_ha_off);
	mipkex_ext_iter_init(&it, buf, w.len, msg.fixed_len);
	ASSERT_EQ(1, mipkex_ext_next(&it, &ext));
	ASSERT_EQ(cov_ha, mipkex_wire_auth_covered(&ext));
	ASSERT_TRUE(ext.auth == buf + cov_ha);
	ASSERT_EQ(1, mipkex_ext_next(&it, &ext));
	ASSERT_EQ(cov_fa, mipkex_wire_auth_covered(&ext));
	ASSERT_EQ(12, ext.auth_len);
	ASSERT_EQ(MN_FA_FILL + 11, ext.auth[11]);
	ASSERT_EQ(0, mipkex_ext_next(&it, &ext));

	/* In a reply, after other extensions (the reference message). */
	mipkex_wbuf_init(&w, buf, sizeof(buf));
	mipkex_wire_put_fixed(&w, &ref_rrp_msg);
	mipkex_wire_put_ext(&w, 200, "ab", 2);
	a = mipkex_wire_put_auth(&w, MIPKEX_EXT_MN_HA_AUTH, 1, 1, &cov_first);
	ASSERT_NE(NULL, a);
	ASSERT_EQ_U(20 + 4 + 6, cov_first);
}

/* --- every prefix of the reference messages ------------------------------ */

struct prefix_run {
	size_t first, last;	/* prefix lengths, inclusive */
	int err;
	unsigned int n_ext;	/* when err == 0 */
};

/*
 * Request: NAI at 24 (16 bytes), CVSE at 40 (13, 4-byte header), NVSE at 53
 * (12), MN-HA at 65 (22), FA-HA at 87 (22), end at 109.
 */
static const struct prefix_run rrq_prefixes[] = {
	{ 0, 23, E(SHORT_FIXED), 0 },
	{ 24, 24, E(NO_MN_HA_AUTH), 0 },
	{ 25, 25, E(EXT_HEADER), 0 },
	{ 26, 39, E(EXT_LENGTH), 0 },
	{ 40, 40, E(NO_MN_HA_AUTH), 0 },
	{ 41, 43, E(EXT_HEADER), 0 },
	{ 44, 52, E(EXT_LENGTH), 0 },
	{ 53, 53, E(NO_MN_HA_AUTH), 0 },
	{ 54, 54, E(EXT_HEADER), 0 },
	{ 55, 64, E(EXT_LENGTH), 0 },
	{ 65, 65, E(NO_MN_HA_AUTH), 0 },
	{ 66, 66, E(EXT_HEADER), 0 },
	{ 67, 86, E(EXT_LENGTH), 0 },
	{ 87, 87, 0, 4 },
	{ 88, 88, E(EXT_HEADER), 0 },
	{ 89, 108, E(EXT_LENGTH), 0 },
	{ 109, 109, 0, 5 },
};

/* Reply: the same, 4 bytes earlier. */
static const struct prefix_run rrp_prefixes[] = {
	{ 0, 19, E(SHORT_FIXED), 0 },
	{ 20, 20, E(NO_MN_HA_AUTH), 0 },
	{ 21, 21, E(EXT_HEADER), 0 },
	{ 22, 35, E(EXT_LENGTH), 0 },
	{ 36, 36, E(NO_MN_HA_AUTH), 0 },
	{ 37, 39, E(EXT_HEADER), 0 },
	{ 40, 48, E(EXT_LENGTH), 0 },
	{ 49, 49, E(NO_MN_HA_AUTH), 0 },
	{ 50, 50, E(EXT_HEADER), 0 },
	{ 51, 60, E(EXT_LENGTH), 0 },
	{ 61, 61, E(NO_MN_HA_AUTH), 0 },
	{ 62, 62, E(EXT_HEADER), 0 },
	{ 63, 82, E(EXT_LENGTH), 0 },
	{ 83, 83, 0, 4 },
	{ 84, 84, E(EXT_HEADER), 0 },
	{ 85, 104, E(EXT_LENGTH), 0 },
	{ 105, 105, 0, 5 },
};

static void check_prefixes(struct __test_metadata *_metadata,
			   const u8 *buf, size_t len,
			   const struct prefix_run *runs, size_t n_runs)
{
	struct mipkex_msg msg;
	size_t r, n, next = 0;

	for (r = 0; r < n_runs; r++) {
		/* The table covers every prefix length once, in order. */
		ASSERT_EQ(next, runs[r].first);
		for (n = runs[r].first; n <= runs[r].last; n++) {
			int ret = parse_exact(buf, n, &msg);

			ASSERT_EQ(runs[r].err, ret) {
				TH_LOG("prefix of %zu bytes: %s", n,
				       mipkex_wire_strerror(ret));
			}
			if (!ret)
				ASSERT_EQ(runs[r].n_ext, msg.n_ext);
		}
		next = runs[r].last + 1;
	}
	ASSERT_EQ(len + 1, next);
}

TEST(truncate_request_everywhere)
{
	check_prefixes(_metadata, ref_rrq, sizeof(ref_rrq), rrq_prefixes,
		       ARRAY_SIZE(rrq_prefixes));
}

TEST(truncate_reply_everywhere)
{
	check_prefixes(_metadata, ref_rrp, sizeof(ref_rrp), rrp_prefixes,
		       ARRAY_SIZE(rrp_prefixes));
}

/* --- malformed (and borderline valid) messages --------------------------- */

#define RRQ_HDR		1, 0, 0, 60, HOME, HA, COA, 0, 0, 0, 0, 0, 0, 0, 42
#define RRP_HDR		3, 0, 0, 60, HOME, HA, 0, 0, 0, 0, 0, 0, 0, 42
/* Authentication extensions with a one-byte authenticator (7 bytes). */
#define MN_HA		32, 5, 0, 0, 1, 0, 0xaa
#define MN_FA		33, 5, 0, 0, 1, 1, 0xbb
#define FA_HA		34, 5, 0, 0, 1, 2, 0xcc
/* ... and with 16 bytes (22 bytes). */
#define MN_HA16		32, 20, 0, 0, 1, 0, SEQ16(0xa0)
#define FA_HA16		34, 20, 0, 0, 1, 2, SEQ16(0xc0)
#define NAI3		131, 3, 'a', 'b', 'c'
#define CVSE_HDR	38, 0	/* then len16 */
#define VENDOR		0, 0, 0x12, 0x34
#define NVSE_RSV	0, 0

#define MSG(...) \
	.buf = (const u8[]){ __VA_ARGS__ }, \
	.len = sizeof((const u8[]){ __VA_ARGS__ })

FIXTURE(malformed) {
};

FIXTURE_VARIANT(malformed) {
	const u8 *buf;
	size_t len;
	int err;
	unsigned int n_ext;		/* when err == 0 */
	size_t unknown_critical_off;	/* when err == 0 */
};

FIXTURE_SETUP(malformed)
{
}

FIXTURE_TEARDOWN(malformed)
{
}

/* Fixed part and message type */
FIXTURE_VARIANT_ADD(malformed, rrq_of_reply_length) {
	MSG(1, 0, 0, 60, HOME, HA, COA, 0, 0, 0, 0), .err = E(SHORT_FIXED),
};
FIXTURE_VARIANT_ADD(malformed, rrp_19_bytes) {
	MSG(3, 0, 0, 60, HOME, HA, 0, 0, 0, 0, 0, 0, 0),
	.err = E(SHORT_FIXED),
};
FIXTURE_VARIANT_ADD(malformed, type_0) {
	MSG(0, 0, 0, 60, HOME, HA, COA, 0, 0, 0, 0, 0, 0, 0, 42, MN_HA),
	.err = E(MSG_TYPE),
};
FIXTURE_VARIANT_ADD(malformed, type_2) {
	MSG(2, 0, 0, 60, HOME, HA, COA, 0, 0, 0, 0, 0, 0, 0, 42, MN_HA),
	.err = E(MSG_TYPE),
};
FIXTURE_VARIANT_ADD(malformed, type_4) {
	MSG(4, 0, 0, 60, HOME, HA, COA, 0, 0, 0, 0, 0, 0, 0, 42, MN_HA),
	.err = E(MSG_TYPE),
};
FIXTURE_VARIANT_ADD(malformed, type_255) {
	MSG(255, 0, 0, 60, HOME, HA, COA, 0, 0, 0, 0, 0, 0, 0, 42, MN_HA),
	.err = E(MSG_TYPE),
};
FIXTURE_VARIANT_ADD(malformed, rrq_minimal) {
	MSG(RRQ_HDR, MN_HA), .n_ext = 1,
};
FIXTURE_VARIANT_ADD(malformed, rrp_minimal) {
	MSG(RRP_HDR, MN_HA), .n_ext = 1,
};

/* Short extensions */
FIXTURE_VARIANT_ADD(malformed, short_header_cut) {
	MSG(RRQ_HDR, MN_HA, 131), .err = E(EXT_HEADER),
};
FIXTURE_VARIANT_ADD(malformed, short_exact) {
	MSG(RRQ_HDR, MN_HA, NAI3), .n_ext = 2,
};
FIXTURE_VARIANT_ADD(malformed, short_one_over) {
	MSG(RRQ_HDR, MN_HA, 131, 4, 'a', 'b', 'c'), .err = E(EXT_LENGTH),
};
FIXTURE_VARIANT_ADD(malformed, short_one_under) {
	/* "c" is left over: one byte, not a header. */
	MSG(RRQ_HDR, MN_HA, 131, 2, 'a', 'b', 'c'), .err = E(EXT_HEADER),
};
FIXTURE_VARIANT_ADD(malformed, short_zero_length) {
	MSG(RRQ_HDR, 131, 0, MN_HA, 200, 0), .n_ext = 3,
};
FIXTURE_VARIANT_ADD(malformed, short_len_255_past_end) {
	MSG(RRQ_HDR, MN_HA, 131, 255, 'a'), .err = E(EXT_LENGTH),
};

/* Long format (36, 47): 16-bit big-endian length */
FIXTURE_VARIANT_ADD(malformed, long_header_cut_1) {
	MSG(RRQ_HDR, MN_HA, 47), .err = E(EXT_HEADER),
};
FIXTURE_VARIANT_ADD(malformed, long_header_cut_3) {
	/* Would be a complete short header. */
	MSG(RRQ_HDR, MN_HA, 47, 0, 0), .err = E(EXT_HEADER),
};
FIXTURE_VARIANT_ADD(malformed, long_exact) {
	MSG(RRQ_HDR, MN_HA, 47, 0, 0, 3, 'a', 'b', 'c'), .n_ext = 2,
};
FIXTURE_VARIANT_ADD(malformed, long_zero_length) {
	MSG(RRQ_HDR, 36, 9, 0, 0, MN_HA), .n_ext = 2,
};
FIXTURE_VARIANT_ADD(malformed, long_one_over) {
	MSG(RRQ_HDR, MN_HA, 47, 0, 0, 4, 'a', 'b', 'c'), .err = E(EXT_LENGTH),
};
FIXTURE_VARIANT_ADD(malformed, long_one_under) {
	MSG(RRQ_HDR, MN_HA, 47, 0, 0, 2, 'a', 'b', 'c'), .err = E(EXT_HEADER),
};
FIXTURE_VARIANT_ADD(malformed, long_length_big_endian) {
	/* 0x0100 = 256: read little-endian it would be 1 and fit. */
	MSG(RRQ_HDR, MN_HA, 36, 0, 1, 0, 'a'), .err = E(EXT_LENGTH),
};

/* CVSE (38): len16 = 6 + value */
FIXTURE_VARIANT_ADD(malformed, cvse_exact) {
	MSG(RRQ_HDR, MN_HA, CVSE_HDR, 0, 9, VENDOR, 0, 1, 'a', 'b', 'c'),
	.n_ext = 2,
};
FIXTURE_VARIANT_ADD(malformed, cvse_empty_value) {
	MSG(RRQ_HDR, MN_HA, CVSE_HDR, 0, 6, VENDOR, 0, 1), .n_ext = 2,
};
FIXTURE_VARIANT_ADD(malformed, cvse_one_over) {
	MSG(RRQ_HDR, MN_HA, CVSE_HDR, 0, 10, VENDOR, 0, 1, 'a', 'b', 'c'),
	.err = E(EXT_LENGTH),
};
FIXTURE_VARIANT_ADD(malformed, cvse_one_under) {
	MSG(RRQ_HDR, MN_HA, CVSE_HDR, 0, 8, VENDOR, 0, 1, 'a', 'b', 'c'),
	.err = E(EXT_HEADER),
};
FIXTURE_VARIANT_ADD(malformed, cvse_len_5) {
	MSG(RRQ_HDR, MN_HA, CVSE_HDR, 0, 5, VENDOR, 0), .err = E(VSE_SHORT),
};
FIXTURE_VARIANT_ADD(malformed, cvse_len_0) {
	MSG(RRQ_HDR, MN_HA, CVSE_HDR, 0, 0), .err = E(VSE_SHORT),
};
FIXTURE_VARIANT_ADD(malformed, cvse_len16_past_message) {
	MSG(RRQ_HDR, MN_HA, CVSE_HDR, 0x10, 0, VENDOR, 0, 1, 'a', 'b', 'c'),
	.err = E(EXT_LENGTH),
};
FIXTURE_VARIANT_ADD(malformed, cvse_len16_max_past_message) {
	MSG(RRQ_HDR, CVSE_HDR, 0xff, 0xff, VENDOR, 0, 1, MN_HA),
	.err = E(EXT_LENGTH),
};
FIXTURE_VARIANT_ADD(malformed, cvse_header_cut) {
	MSG(RRQ_HDR, MN_HA, CVSE_HDR, 0), .err = E(EXT_HEADER),
};

/* NVSE (134): len = 8 + value */
FIXTURE_VARIANT_ADD(malformed, nvse_exact) {
	MSG(RRQ_HDR, MN_HA, 134, 10, NVSE_RSV, VENDOR, 0, 1, 'a', 'b'),
	.n_ext = 2,
};
FIXTURE_VARIANT_ADD(malformed, nvse_empty_value) {
	MSG(RRQ_HDR, MN_HA, 134, 8, NVSE_RSV, VENDOR, 0, 1), .n_ext = 2,
};
FIXTURE_VARIANT_ADD(malformed, nvse_one_over) {
	MSG(RRQ_HDR, MN_HA, 134, 11, NVSE_RSV, VENDOR, 0, 1, 'a', 'b'),
	.err = E(EXT_LENGTH),
};
FIXTURE_VARIANT_ADD(malformed, nvse_one_under) {
	MSG(RRQ_HDR, MN_HA, 134, 9, NVSE_RSV, VENDOR, 0, 1, 'a', 'b'),
	.err = E(EXT_HEADER),
};
FIXTURE_VARIANT_ADD(malformed, nvse_len_7) {
	MSG(RRQ_HDR, MN_HA, 134, 7, NVSE_RSV, VENDOR, 0), .err = E(VSE_SHORT),
};
FIXTURE_VARIANT_ADD(malformed, nvse_len_0) {
	MSG(RRQ_HDR, 134, 0, MN_HA), .err = E(VSE_SHORT),
};
FIXTURE_VARIANT_ADD(malformed, nvse_len_past_message) {
	MSG(RRQ_HDR, MN_HA, 134, 255, NVSE_RSV, VENDOR, 0, 1),
	.err = E(EXT_LENGTH),
};

/* Authentication extensions: SPI + at least one byte */
FIXTURE_VARIANT_ADD(malformed, auth_len_5) {
	MSG(RRQ_HDR, MN_HA), .n_ext = 1,
};
FIXTURE_VARIANT_ADD(malformed, auth_len_4) {
	MSG(RRQ_HDR, 32, 4, 0, 0, 1, 0), .err = E(AUTH_SHORT),
};
FIXTURE_VARIANT_ADD(malformed, auth_len_0) {
	MSG(RRQ_HDR, 32, 0), .err = E(AUTH_SHORT),
};
FIXTURE_VARIANT_ADD(malformed, auth_one_over) {
	MSG(RRQ_HDR, 32, 21, 0, 0, 1, 0, SEQ16(0xa0)), .err = E(EXT_LENGTH),
};
FIXTURE_VARIANT_ADD(malformed, auth_one_under) {
	MSG(RRQ_HDR, 32, 19, 0, 0, 1, 0, SEQ16(0xa0)), .err = E(EXT_HEADER),
};
FIXTURE_VARIANT_ADD(malformed, mn_fa_len_4) {
	MSG(RRQ_HDR, MN_HA, 33, 4, 0, 0, 1, 1), .err = E(AUTH_SHORT),
};
FIXTURE_VARIANT_ADD(malformed, fa_ha_len_4) {
	MSG(RRQ_HDR, MN_HA, 34, 4, 0, 0, 1, 2), .err = E(AUTH_SHORT),
};
FIXTURE_VARIANT_ADD(malformed, fa_ha_one_over) {
	MSG(RRQ_HDR, MN_HA16, 34, 21, 0, 0, 1, 2, SEQ16(0xc0)),
	.err = E(EXT_LENGTH),
};
FIXTURE_VARIANT_ADD(malformed, fa_ha_one_under) {
	/*
	 * One byte left after the last authentication extension: not an
	 * extension (E_AFTER_LAST_AUTH) but a header cut short.
	 */
	MSG(RRQ_HDR, MN_HA16, 34, 19, 0, 0, 1, 2, SEQ16(0xc0)),
	.err = E(EXT_HEADER),
};

/* Placement of the authentication extensions */
FIXTURE_VARIANT_ADD(malformed, no_extensions) {
	MSG(RRQ_HDR), .err = E(NO_MN_HA_AUTH),
};
FIXTURE_VARIANT_ADD(malformed, reply_no_extensions) {
	MSG(RRP_HDR), .err = E(NO_MN_HA_AUTH),
};
FIXTURE_VARIANT_ADD(malformed, no_mn_ha) {
	MSG(RRQ_HDR, NAI3, 200, 0), .err = E(NO_MN_HA_AUTH),
};
FIXTURE_VARIANT_ADD(malformed, mn_ha_twice) {
	MSG(RRQ_HDR, MN_HA, MN_HA), .err = E(DUP_AUTH),
};
FIXTURE_VARIANT_ADD(malformed, mn_ha_twice_apart) {
	MSG(RRQ_HDR, MN_HA, NAI3, MN_HA16), .err = E(DUP_AUTH),
};
FIXTURE_VARIANT_ADD(malformed, reply_mn_ha_twice) {
	MSG(RRP_HDR, MN_HA16, MN_HA), .err = E(DUP_AUTH),
};
FIXTURE_VARIANT_ADD(malformed, mn_fa_before_mn_ha) {
	MSG(RRQ_HDR, MN_FA, MN_HA), .err = E(AUTH_ORDER),
};
FIXTURE_VARIANT_ADD(malformed, fa_ha_before_mn_ha) {
	MSG(RRQ_HDR, NAI3, FA_HA, MN_HA), .err = E(AUTH_ORDER),
};
FIXTURE_VARIANT_ADD(malformed, mn_fa_without_mn_ha) {
	/* Found at the MN-FA, before the end shows MN-HA missing. */
	MSG(RRQ_HDR, MN_FA), .err = E(AUTH_ORDER),
};
FIXTURE_VARIANT_ADD(malformed, mn_fa_last) {
	MSG(RRQ_HDR, NAI3, MN_HA, MN_FA), .n_ext = 3,
};
FIXTURE_VARIANT_ADD(malformed, fa_ha_last) {
	MSG(RRQ_HDR, MN_HA, FA_HA), .n_ext = 2,
};
FIXTURE_VARIANT_ADD(malformed, after_mn_fa) {
	MSG(RRQ_HDR, MN_HA, MN_FA, NAI3), .err = E(AFTER_LAST_AUTH),
};
FIXTURE_VARIANT_ADD(malformed, skippable_after_fa_ha) {
	MSG(RRQ_HDR, MN_HA, FA_HA, 200, 0), .err = E(AFTER_LAST_AUTH),
};
FIXTURE_VARIANT_ADD(malformed, mn_fa_then_fa_ha) {
	MSG(RRQ_HDR, MN_HA, MN_FA, FA_HA), .err = E(AFTER_LAST_AUTH),
};
FIXTURE_VARIANT_ADD(malformed, fa_ha_then_mn_fa) {
	MSG(RRQ_HDR, MN_HA, FA_HA, MN_FA), .err = E(AFTER_LAST_AUTH),
};
FIXTURE_VARIANT_ADD(malformed, mn_fa_twice) {
	/* Both a duplicate and after the last: the placement is seen first. */
	MSG(RRQ_HDR, MN_HA, MN_FA, MN_FA), .err = E(AFTER_LAST_AUTH),
};
FIXTURE_VARIANT_ADD(malformed, mn_ha_after_fa_ha) {
	MSG(RRQ_HDR, MN_HA, FA_HA, MN_HA), .err = E(AFTER_LAST_AUTH),
};

/* Unknown extensions: recorded (critical) or skipped, never an error */
FIXTURE_VARIANT_ADD(malformed, unknown_critical_first) {
	MSG(RRQ_HDR, 5, 1, 'x', MN_HA), .n_ext = 2,
	.unknown_critical_off = 24,
};
FIXTURE_VARIANT_ADD(malformed, unknown_critical_recorded_once) {
	MSG(RRQ_HDR, MN_HA, 200, 0, 0, 0, 127, 2, 'x', 'y', 35, 0),
	.n_ext = 5, .unknown_critical_off = 24 + 7 + 2,
};
FIXTURE_VARIANT_ADD(malformed, unknown_critical_before_fa_ha) {
	MSG(RRQ_HDR, 39, 0, MN_HA, FA_HA), .n_ext = 3,
	.unknown_critical_off = 24,
};
FIXTURE_VARIANT_ADD(malformed, unknown_critical_in_reply) {
	MSG(RRP_HDR, NAI3, MN_HA, 37, 1, 0, MN_FA), .n_ext = 4,
	.unknown_critical_off = 20 + 5 + 7,
};
FIXTURE_VARIANT_ADD(malformed, known_types_not_unknown) {
	MSG(RRQ_HDR, 36, 0, 0, 0, CVSE_HDR, 0, 6, VENDOR, 0, 0, 47, 0, 0, 0,
	    128, 0, 255, 0, MN_HA, 33, 5, 0, 0, 0, 0, 0),
	.n_ext = 7,
};
FIXTURE_VARIANT_ADD(malformed, unknown_skippable_only) {
	MSG(RRQ_HDR, 128, 1, 0, MN_HA, 145, 2, 'h', 'i', 255, 0), .n_ext = 4,
};

TEST_F(malformed, parse)
{
	struct mipkex_msg msg, relaxed;
	int ret, rret;

	ret = parse_exact(variant->buf, variant->len, &msg);
	ASSERT_EQ(variant->err, ret) {
		TH_LOG("got %d (%s), want %d (%s)", ret,
		       mipkex_wire_strerror(ret), variant->err,
		       mipkex_wire_strerror(variant->err));
	}
	/*
	 * The parse for a foreign agent's denial judges every message alike,
	 * but for the missing MN-HA authentication extension.
	 */
	rret = parse_exact_no_mn_ha(variant->buf, variant->len, &relaxed);
	if (ret != E(NO_MN_HA_AUTH) && ret != E(AUTH_ORDER)) {
		ASSERT_EQ(ret, rret);
		if (!ret) {
			ASSERT_EQ(msg.n_ext, relaxed.n_ext);
			ASSERT_EQ(msg.mn_ha_off, relaxed.mn_ha_off);
			ASSERT_EQ(msg.mn_fa_off, relaxed.mn_fa_off);
			ASSERT_EQ(msg.fa_ha_off, relaxed.fa_ha_off);
		}
	}
	if (ret)
		return;
	ASSERT_EQ(variant->n_ext, msg.n_ext);
	ASSERT_EQ(variant->unknown_critical_off, msg.unknown_critical_off);
	ASSERT_NE_U(0, msg.mn_ha_off);
}

/* --- messages without an MN-HA authentication extension ----------------- */

FIXTURE(no_mn_ha) {
};

FIXTURE_VARIANT(no_mn_ha) {
	const u8 *buf;
	size_t len;
	int err;
	unsigned int n_ext;	/* when err == 0 */
	size_t mn_fa_off;
	size_t fa_ha_off;
};

FIXTURE_SETUP(no_mn_ha)
{
}

FIXTURE_TEARDOWN(no_mn_ha)
{
}

/* A foreign agent's denial: the request's NAI, a Message String. */
FIXTURE_VARIANT_ADD(no_mn_ha, fa_denial) {
	MSG(RRP_HDR, NAI3, 145, 3, 2, 'n', 'o'), .n_ext = 2,
};
FIXTURE_VARIANT_ADD(no_mn_ha, no_extensions) {
	MSG(RRP_HDR), .n_ext = 0,
};
FIXTURE_VARIANT_ADD(no_mn_ha, mn_fa_last) {
	MSG(RRP_HDR, NAI3, MN_FA), .n_ext = 2, .mn_fa_off = 25,
};
FIXTURE_VARIANT_ADD(no_mn_ha, fa_ha_last) {
	MSG(RRP_HDR, FA_HA), .n_ext = 1, .fa_ha_off = 20,
};
FIXTURE_VARIANT_ADD(no_mn_ha, request) {
	/* Whether a message may lack one is the caller's business. */
	MSG(RRQ_HDR, NAI3), .n_ext = 1,
};
FIXTURE_VARIANT_ADD(no_mn_ha, mn_fa_then_fa_ha) {
	MSG(RRP_HDR, MN_FA, FA_HA), .err = E(AFTER_LAST_AUTH),
};
FIXTURE_VARIANT_ADD(no_mn_ha, after_mn_fa) {
	MSG(RRP_HDR, MN_FA, NAI3), .err = E(AFTER_LAST_AUTH),
};
FIXTURE_VARIANT_ADD(no_mn_ha, mn_ha_after_mn_fa) {
	MSG(RRP_HDR, MN_FA, MN_HA), .err = E(AFTER_LAST_AUTH),
};
FIXTURE_VARIANT_ADD(no_mn_ha, mn_fa_twice) {
	MSG(RRP_HDR, MN_FA, MN_FA), .err = E(AFTER_LAST_AUTH),
};
FIXTURE_VARIANT_ADD(no_mn_ha, truncated) {
	MSG(RRP_HDR, NAI3, 145, 9, 2), .err = E(EXT_LENGTH),
};
FIXTURE_VARIANT_ADD(no_mn_ha, short_fixed) {
	MSG(3, 0, 0, 60), .err = E(SHORT_FIXED),
};

TEST_F(no_mn_ha, parse)
{
	struct mipkex_msg msg;
	int ret;

	ret = parse_exact_no_mn_ha(variant->buf, variant->len, &msg);
	ASSERT_EQ(variant->err, ret) {
		TH_LOG("got %d (%s), want %d (%s)", ret,
		       mipkex_wire_strerror(ret), variant->err,
		       mipkex_wire_strerror(variant->err));
	}
	/* The strict parse refuses every one of them. */
	ASSERT_NE(0, parse_exact(variant->buf, variant->len, &msg));
	if (variant->err)
		return;
	ret = parse_exact_no_mn_ha(variant->buf, variant->len, &msg);
	ASSERT_EQ(0, ret);
	ASSERT_EQ(variant->n_ext, msg.n_ext);
	ASSERT_EQ_U(0, msg.mn_ha_off);
	ASSERT_EQ(variant->mn_fa_off, msg.mn_fa_off);
	ASSERT_EQ(variant->fa_ha_off, msg.fa_ha_off);
}

/* --- length limits ------------------------------------------------------ */

/* Builds fixed + MN-HA + one element; parses it back. */
static u8 *build_big(size_t cap)
{
	u8 *buf = malloc(cap + 64);

	if (!buf)
		abort();
	memset(buf, CANARY, cap + 64);
	return buf;
}

static void start(struct mipkex_wbuf *w, u8 *buf, size_t cap)
{
	size_t cov;
	u8 *a;

	mipkex_wbuf_init(w, buf, cap);
	mipkex_wire_put_fixed(w, &ref_rrq_msg);
	a = mipkex_wire_put_auth(w, MIPKEX_EXT_MN_HA_AUTH, 1, 1, &cov);
	if (a)
		*a = 0x77;
}

#define START_LEN	(24 + 7)

TEST(short_ext_max)
{
	struct mipkex_ext_iter it;
	struct mipkex_wbuf w;
	struct mipkex_msg msg;
	struct mipkex_ext ext;
	u8 value[256];
	u8 *buf = build_big(1024);

	fill(value, 1, sizeof(value));
	start(&w, buf, 1024);
	mipkex_wire_put_ext(&w, 200, value, 255);
	ASSERT_EQ(0, w.err);
	ASSERT_EQ_U(START_LEN + 2 + 255, w.len);
	ASSERT_EQ(255, buf[START_LEN + 1]);
	ASSERT_EQ(0, parse_exact(buf, w.len, &msg));
	mipkex_ext_iter_init(&it, buf, w.len, START_LEN);
	ASSERT_EQ(1, mipkex_ext_next(&it, &ext));
	ASSERT_EQ(255, ext.len);
	ASSERT_EQ(0, memcmp(value, ext.data, 255));

	/* 256 does not fit the length byte: nothing written. */
	start(&w, buf, 1024);
	memset(buf + START_LEN, CANARY, 1024 - START_LEN);
	mipkex_wire_put_ext(&w, 200, value, 256);
	ASSERT_EQ(MIPKEX_WIRE_E_TOO_LONG, w.err);
	ASSERT_EQ_U(START_LEN, w.len);
	ASSERT_TRUE(all_bytes(buf + START_LEN, CANARY, 1024 + 64 - START_LEN));
	free(buf);
}

TEST(nvse_max)
{
	struct mipkex_ext_iter it;
	struct mipkex_wbuf w;
	struct mipkex_msg msg;
	struct mipkex_ext ext;
	u8 value[248];
	u8 *buf = build_big(1024);

	ASSERT_EQ(247, MIPKEX_NVSE_MAX_VALUE);
	fill(value, 3, sizeof(value));
	start(&w, buf, 1024);
	mipkex_wire_put_nvse(&w, 0x01020304, 0xa0b0, value, 247);
	ASSERT_EQ(0, w.err);
	ASSERT_EQ_U(START_LEN + 2 + 8 + 247, w.len);
	ASSERT_EQ(134, buf[START_LEN]);
	ASSERT_EQ(255, buf[START_LEN + 1]);
	ASSERT_EQ(0, parse_exact(buf, w.len, &msg));
	mipkex_ext_iter_init(&it, buf, w.len, START_LEN);
	ASSERT_EQ(1, mipkex_ext_next(&it, &ext));
	ASSERT_EQ_U(0x01020304, ext.vendor);
	ASSERT_EQ(0xa0b0, ext.vtype);
	ASSERT_EQ(247, ext.value_len);
	ASSERT_EQ(0, memcmp(value, ext.value, 247));

	start(&w, buf, 1024);
	memset(buf + START_LEN, CANARY, 1024 - START_LEN);
	mipkex_wire_put_nvse(&w, 0x01020304, 0xa0b0, value, 248);
	ASSERT_EQ(MIPKEX_WIRE_E_TOO_LONG, w.err);
	ASSERT_EQ_U(START_LEN, w.len);
	ASSERT_TRUE(all_bytes(buf + START_LEN, CANARY, 1024 + 64 - START_LEN));
	free(buf);
}

TEST(cvse_max)
{
	const size_t cap = START_LEN + 4 + 65535;
	struct mipkex_ext_iter it;
	struct mipkex_wbuf w;
	struct mipkex_msg msg;
	struct mipkex_ext ext;
	u8 *value = malloc(65530);
	u8 *buf = build_big(cap);

	ASSERT_NE(NULL, value);
	ASSERT_EQ(65529, MIPKEX_CVSE_MAX_VALUE);
	fill(value, 5, 65530);
	start(&w, buf, cap);
	mipkex_wire_put_cvse(&w, 0xfffefdfc, 0xfffe, value, 65529);
	ASSERT_EQ(0, w.err);
	ASSERT_EQ(cap, w.len);
	ASSERT_EQ(38, buf[START_LEN]);
	ASSERT_EQ(0, buf[START_LEN + 1]);
	ASSERT_EQ(0xff, buf[START_LEN + 2]);
	ASSERT_EQ(0xff, buf[START_LEN + 3]);
	ASSERT_TRUE(all_bytes(buf + cap, CANARY, 64));
	ASSERT_EQ(0, parse_exact(buf, w.len, &msg));
	mipkex_ext_iter_init(&it, buf, w.len, START_LEN);
	ASSERT_EQ(1, mipkex_ext_next(&it, &ext));
	ASSERT_EQ(65535, ext.len);
	ASSERT_EQ(0xfffefdfc, ext.vendor);
	ASSERT_EQ(0xfffe, ext.vtype);
	ASSERT_EQ(65529, ext.value_len);
	ASSERT_EQ(0, memcmp(value, ext.value, 65529));
	ASSERT_EQ(0, mipkex_ext_next(&it, &ext));
	/* Cut by one: the 16-bit length now runs past the end. */
	ASSERT_EQ(E(EXT_LENGTH), parse_exact(buf, w.len - 1, &msg));

	start(&w, buf, cap + 64);
	memset(buf + START_LEN, CANARY, cap + 64 - START_LEN);
	mipkex_wire_put_cvse(&w, 1, 2, value, 65530);
	ASSERT_EQ(MIPKEX_WIRE_E_TOO_LONG, w.err);
	ASSERT_EQ_U(START_LEN, w.len);
	ASSERT_TRUE(all_bytes(buf + START_LEN, CANARY, cap + 64 - START_LEN));
	free(value);
	free(buf);
}

TEST(auth_max)
{
	struct mipkex_ext_iter it;
	struct mipkex_wbuf w;
	struct mipkex_msg msg;
	struct mipkex_ext ext;
	size_t cov = 0;
	u8 buf[512];
	u8 *a;

	mipkex_wbuf_init(&w, buf, sizeof(buf));
	mipkex_wire_put_fixed(&w, &ref_rrq_msg);
	a = mipkex_wire_put_auth(&w, MIPKEX_EXT_MN_HA_AUTH, 0xdeadbeef, 251,
				 &cov);
	ASSERT_NE(NULL, a);
	ASSERT_EQ(0, w.err);
	ASSERT_EQ_U(24 + 2 + 255, w.len);
	ASSERT_EQ(255, buf[25]);
	ASSERT_EQ_U(30, cov);
	ASSERT_TRUE(all_bytes(a, 0, 251));
	ASSERT_EQ(0, parse_exact(buf, w.len, &msg));
	mipkex_ext_iter_init(&it, buf, w.len, 24);
	ASSERT_EQ(1, mipkex_ext_next(&it, &ext));
	ASSERT_EQ(0xdeadbeef, ext.spi);
	ASSERT_EQ(251, ext.auth_len);

	memset(buf, CANARY, sizeof(buf));
	mipkex_wbuf_init(&w, buf, sizeof(buf));
	mipkex_wire_put_fixed(&w, &ref_rrq_msg);
	cov = 12345;
	a = mipkex_wire_put_auth(&w, MIPKEX_EXT_MN_HA_AUTH, 1, 252, &cov);
	ASSERT_NULL(a);
	ASSERT_EQ(MIPKEX_WIRE_E_TOO_LONG, w.err);
	ASSERT_EQ_U(24, w.len);
	ASSERT_TRUE(all_bytes(buf + 24, CANARY, sizeof(buf) - 24));
}

TEST(auth_without_authenticator)
{
	struct mipkex_wbuf w;
	size_t cov = 0;
	u8 buf[64];

	/* The parser would reject it (E_AUTH_SHORT): so must the builder. */
	memset(buf, CANARY, sizeof(buf));
	mipkex_wbuf_init(&w, buf, sizeof(buf));
	ASSERT_NULL(mipkex_wire_put_auth(&w, MIPKEX_EXT_MN_HA_AUTH, 1, 0,
					 &cov));
	ASSERT_NE(0, w.err);
	ASSERT_EQ_U(0, w.len);
	ASSERT_TRUE(all_bytes(buf, CANARY, sizeof(buf)));
}

TEST(fixed_bad_type)
{
	struct mipkex_msg m = ref_rrq_msg;
	struct mipkex_wbuf w;
	u8 buf[64];

	m.type = 2;
	memset(buf, CANARY, sizeof(buf));
	mipkex_wbuf_init(&w, buf, sizeof(buf));
	mipkex_wire_put_fixed(&w, &m);
	ASSERT_EQ(MIPKEX_WIRE_E_BAD_ARG, w.err);
	ASSERT_EQ_U(0, w.len);
	ASSERT_TRUE(all_bytes(buf, CANARY, sizeof(buf)));
}

/* --- builders and small buffers ------------------------------------------ */

enum elem { EL_RRQ, EL_RRP, EL_EXT, EL_EXT_EMPTY, EL_CVSE, EL_NVSE, EL_AUTH,
	    EL_RAW, EL_MAX };

static const size_t elem_size[EL_MAX] = {
	[EL_RRQ] = 24, [EL_RRP] = 20, [EL_EXT] = 2 + 14, [EL_EXT_EMPTY] = 2,
	[EL_CVSE] = 4 + 6 + 3, [EL_NVSE] = 2 + 8 + 2, [EL_AUTH] = 2 + 4 + 16,
	[EL_RAW] = 5,
};

/* Put one element; for auth, returns what put_auth returned. */
static u8 *put_elem(struct mipkex_wbuf *w, enum elem e, size_t *cov)
{
	switch (e) {
	case EL_RRQ:
		mipkex_wire_put_fixed(w, &ref_rrq_msg);
		break;
	case EL_RRP:
		mipkex_wire_put_fixed(w, &ref_rrp_msg);
		break;
	case EL_EXT:
		mipkex_wire_put_ext(w, MIPKEX_EXT_NAI, NAI_STR, 14);
		break;
	case EL_EXT_EMPTY:
		mipkex_wire_put_ext(w, MIPKEX_EXT_NAI, "", 0);
		break;
	case EL_CVSE:
		mipkex_wire_put_cvse(w, 1, 2, CVSE_VALUE, 3);
		break;
	case EL_NVSE:
		mipkex_wire_put_nvse(w, 1, 2, NVSE_VALUE, 2);
		break;
	case EL_AUTH:
		return mipkex_wire_put_auth(w, MIPKEX_EXT_MN_HA_AUTH, 1, 16,
					    cov);
	case EL_RAW:
		mipkex_wbuf_put(w, "\x2f\x01\x00\x01z", 5);
		break;
	default:
		break;
	}
	return NULL;
}

/*
 * Every element into every too-small buffer, alone and after a fixed part:
 * E_NO_SPACE, nothing counted, nothing written at or past cap; and into a
 * buffer of exactly its size: no error.
 */
TEST(no_space_each_element)
{
	u8 buf[128];
	int e, after;

	for (e = 0; e < EL_MAX; e++) {
		for (after = 0; after < 2; after++) {
			size_t base = after ? 24 : 0;
			size_t need = base + elem_size[e];
			size_t cap, cov;

			for (cap = base; cap <= need; cap++) {
				struct mipkex_wbuf w;
				u8 *a;

				memset(buf, CANARY, sizeof(buf));
				mipkex_wbuf_init(&w, buf, cap);
				if (after)
					put_elem(&w, EL_RRQ, &cov);
				ASSERT_EQ(0, w.err);
				cov = 777;
				a = put_elem(&w, e, &cov);
				if (cap < need) {
					ASSERT_EQ(MIPKEX_WIRE_E_NO_SPACE,
						  w.err) {
						TH_LOG("element %d cap %zu",
						       e, cap);
					}
					ASSERT_EQ(base, w.len);
					ASSERT_NULL(a);
					ASSERT_EQ_U(777, cov);
				} else {
					ASSERT_EQ(0, w.err) {
						TH_LOG("element %d cap %zu",
						       e, cap);
					}
					ASSERT_EQ(need, w.len);
					if (e == EL_AUTH)
						ASSERT_TRUE(a == buf + base + 6);
				}
				ASSERT_TRUE(all_bytes(buf + cap, CANARY,
						      sizeof(buf) - cap)) {
					TH_LOG("element %d cap %zu wrote past cap",
					       e, cap);
				}
			}
		}
	}
}

/* Raw bytes: a long-format extension with no builder of its own. */
TEST(raw_put)
{
	static const u8 want[] = { 47, 3, 0, 2, 'h', 'i', 32, 5, 0, 0, 1, 0,
				   0x99 };
	struct mipkex_ext_iter it;
	struct mipkex_wbuf w;
	struct mipkex_msg msg;
	struct mipkex_ext ext;
	u8 buf[64];

	memset(buf, CANARY, sizeof(buf));
	mipkex_wbuf_init(&w, buf, 24 + sizeof(want));
	mipkex_wire_put_fixed(&w, &ref_rrq_msg);
	mipkex_wbuf_put(&w, want, 0);
	mipkex_wbuf_put(&w, want, 4);
	mipkex_wbuf_put(&w, want + 4, sizeof(want) - 4);
	ASSERT_EQ(0, w.err);
	ASSERT_EQ_U(24 + sizeof(want), w.len);
	ASSERT_EQ(0, memcmp(want, buf + 24, sizeof(want)));
	ASSERT_TRUE(all_bytes(buf + w.len, CANARY, sizeof(buf) - w.len));
	mipkex_wbuf_put(&w, want, 1);		/* full */
	ASSERT_EQ(MIPKEX_WIRE_E_NO_SPACE, w.err);
	ASSERT_EQ_U(24 + sizeof(want), w.len);
	ASSERT_TRUE(all_bytes(buf + w.len, CANARY, sizeof(buf) - w.len));

	ASSERT_EQ(0, parse_exact(buf, 24 + sizeof(want), &msg));
	mipkex_ext_iter_init(&it, buf, 24 + sizeof(want), 24);
	ASSERT_EQ(1, mipkex_ext_next(&it, &ext));
	ASSERT_EQ(47, ext.type);
	ASSERT_EQ(3, ext.sub);
	ASSERT_EQ(2, ext.len);
}

TEST(no_space_zero_cap)
{
	struct mipkex_wbuf w;
	size_t cov;
	u8 canary = CANARY;

	mipkex_wbuf_init(&w, &canary, 0);
	ASSERT_EQ_U(0, w.len);
	ASSERT_EQ(0, w.err);
	mipkex_wire_put_ext(&w, 200, "", 0);
	ASSERT_EQ(MIPKEX_WIRE_E_NO_SPACE, w.err);
	ASSERT_NULL(mipkex_wire_put_auth(&w, 32, 1, 1, &cov));
	mipkex_wbuf_put(&w, "", 0);
	ASSERT_EQ(MIPKEX_WIRE_E_NO_SPACE, w.err);
	ASSERT_EQ_U(0, w.len);
	ASSERT_EQ(CANARY, canary);
}

/* The first error stays, and nothing more is written after it. */
TEST(errors_are_sticky)
{
	struct mipkex_wbuf w;
	u8 value[300] = { 0 };
	u8 buf[64];
	size_t cov;

	memset(buf, CANARY, sizeof(buf));
	mipkex_wbuf_init(&w, buf, 30);
	mipkex_wire_put_fixed(&w, &ref_rrq_msg);
	mipkex_wire_put_ext(&w, 200, value, 10);	/* 12 > 6 left */
	ASSERT_EQ(MIPKEX_WIRE_E_NO_SPACE, w.err);
	ASSERT_EQ_U(24, w.len);
	mipkex_wire_put_ext(&w, 200, value, 0);	/* would fit */
	mipkex_wire_put_ext(&w, 200, value, 256);	/* too long */
	mipkex_wire_put_nvse(&w, 1, 2, value, 0);
	mipkex_wire_put_cvse(&w, 1, 2, value, 0);
	mipkex_wbuf_put(&w, value, 1);
	ASSERT_NULL(mipkex_wire_put_auth(&w, 32, 1, 1, &cov));
	ASSERT_EQ(MIPKEX_WIRE_E_NO_SPACE, w.err);
	ASSERT_EQ_U(24, w.len);
	ASSERT_TRUE(all_bytes(buf + 24, CANARY, sizeof(buf) - 24));

	mipkex_wbuf_init(&w, buf, sizeof(buf));
	mipkex_wire_put_nvse(&w, 1, 2, value, 248);
	ASSERT_EQ(MIPKEX_WIRE_E_TOO_LONG, w.err);
	mipkex_wire_put_ext(&w, 200, value, 100);	/* no space */
	mipkex_wire_put_fixed(&w, &ref_rrq_msg);	/* would fit */
	ASSERT_EQ(MIPKEX_WIRE_E_TOO_LONG, w.err);
	ASSERT_EQ_U(0, w.len);
}

/* --- error strings ------------------------------------------------------- */

TEST(strerror_distinct)
{
	int i, j;

	for (i = 0; i < __MIPKEX_WIRE_E_MAX; i++) {
		const char *s = mipkex_wire_strerror(i);

		ASSERT_NE(NULL, s) {
			TH_LOG("error %d", i);
		}
		ASSERT_NE_U(0, strlen(s));
		/* Callers pass the negative value the parser returned. */
		ASSERT_STREQ(s, mipkex_wire_strerror(-i));
		for (j = 0; j < i; j++)
			ASSERT_STRNE(mipkex_wire_strerror(j), s) {
				TH_LOG("errors %d and %d", j, i);
			}
	}
}

TEST(strerror_out_of_range)
{
	static const int bad[] = {
		__MIPKEX_WIRE_E_MAX, -__MIPKEX_WIRE_E_MAX,
		__MIPKEX_WIRE_E_MAX + 1, 255, -255, 4096, INT_MAX, -INT_MAX,
		INT_MIN,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		const char *s = mipkex_wire_strerror(bad[i]);

		ASSERT_NE(NULL, s) {
			TH_LOG("strerror(%d)", bad[i]);
		}
		ASSERT_NE_U(0, strlen(s));
	}
}

TEST_HARNESS_MAIN
