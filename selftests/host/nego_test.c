// SPDX-License-Identifier: GPL-2.0
/*
 * SA negotiation (kmod/negotiate.c) on the host, against protocol.rst 6.4
 * and the rules stated at the top of negotiate.c: a table of offers, each
 * written in a small notation (below) that this file lays out in bytes by
 * hand, answered by the responder under a policy, with the choice (or the
 * error and its reply code) expected; every accepted choice is built into a
 * reply and checked back by the initiator; the initiator's checks, one
 * table entry per way an answer can be wrong; the builders' bytes; every
 * pair of policies offering to and answering each other, counter-proposals
 * included; and the choice of a Diffie-Hellman group.
 *
 * Payloads are parsed from heap copies of exactly their length, so a build
 * with -fsanitize=address catches any read past the end.
 *
 * Offer notation: "SUB PROP PROP ...", SUB the sub-type; a PROP is
 * "NUM:PROTO:PID:SPI:LIFE[XF,XF,...]" (PROTO esp, ah or a number),
 * optionally followed by "#N" to write N as the number of transforms; an XF
 * is "NUM:KIND" with KIND g128, g256 (AES-GCM with a Key Length attribute),
 * g (AES-GCM without), cc (ChaCha20-Poly1305), s256 (HMAC-SHA256-128), s1
 * (HMAC-SHA1-96) or TYPE.ID, then optionally "/K" for K keys (default 1)
 * and "+T.L.V" attributes (type T, length L, value V in L big-endian bytes;
 * "+T.L" writes the attribute header alone).
 * "hex:..." gives the bytes themselves.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "negotiate.h"

#include "kselftest_harness.h"

#define X(n)	(1U << MIPKEX_XFORM_##n)
#define XF_DEFAULT	(X(AES_GCM_128) | X(AES_GCM_256) | \
			 X(CHACHA20_POLY1305) | X(HMAC_SHA256_128))
#define XF_ALL		(XF_DEFAULT | X(HMAC_SHA1_96))
#define VENDOR		MIPKEX_VENDOR_DEFAULT
#define NE(x)		(-MIPKEX_NEGO_E_##x)
#define EE(x)		(-MIPKEX_ELEM_E_##x)
#define MAXP		2048

/* --- the offer notation ------------------------------------------------- */

struct bytes {
	u8 b[MAXP];
	size_t n;
};

static void put(struct bytes *o, unsigned long v, unsigned int len)
{
	while (len--) {
		if (o->n >= MAXP)
			abort();
		o->b[o->n++] = (u8)(v >> (8 * len));
	}
}

static void syntax(const char *s, const char *p)
{
	fprintf(stderr, "bad offer notation at \"%s\" in \"%s\"\n", p, s);
	abort();
}

static unsigned long num(const char **p, const char *s)
{
	char *end;
	unsigned long v = strtoul(*p, &end, 0);

	if (end == *p)
		syntax(s, *p);
	*p = end;
	return v;
}

static void expect(const char **p, char c, const char *s)
{
	if (**p != c)
		syntax(s, *p);
	(*p)++;
}

static bool word(const char **p, const char *w)
{
	size_t n = strlen(w);

	if (strncmp(*p, w, n))
		return false;
	*p += n;
	return true;
}

/* One transform. */
static void transform(struct bytes *o, const char **p, const char *s)
{
	size_t start = o->n;
	unsigned long number, type = 0, id = 0, keys = 1, key_len = 0;
	unsigned long t, l, v;

	number = num(p, s);
	expect(p, ':', s);
	if (word(p, "g128")) {
		type = 1, id = 20, key_len = 128;
	} else if (word(p, "g256")) {
		type = 1, id = 20, key_len = 256;
	} else if (word(p, "cc")) {
		type = 1, id = 28;
	} else if (word(p, "s256")) {
		type = 3, id = 12;
	} else if (word(p, "s1")) {
		type = 3, id = 2;
	} else if (word(p, "g")) {
		type = 1, id = 20;
	} else {
		type = num(p, s);
		expect(p, '.', s);
		id = num(p, s);
	}
	if (**p == '/') {
		(*p)++;
		keys = num(p, s);
	}
	put(o, 7, 2);
	put(o, 0, 2);		/* length, below */
	put(o, number, 1);
	put(o, type, 1);
	put(o, id, 2);
	put(o, keys, 1);
	put(o, 0, 1);
	if (key_len) {
		put(o, 14, 2);
		put(o, 2, 2);
		put(o, key_len, 2);
	}
	while (**p == '+') {
		(*p)++;
		t = num(p, s);
		expect(p, '.', s);
		l = num(p, s);
		put(o, t, 2);
		put(o, l, 2);
		if (**p != '.')
			continue;	/* a length with no value: overrun */
		(*p)++;
		v = num(p, s);
		put(o, v, l);
	}
	o->b[start + 2] = (u8)((o->n - start) >> 8);
	o->b[start + 3] = (u8)(o->n - start);
}

static void proposal(struct bytes *o, const char **p, const char *s)
{
	unsigned long number, proto, pid, spi, life, count = 0;
	size_t start = o->n;

	number = num(p, s);
	expect(p, ':', s);
	if (word(p, "esp"))
		proto = 50;
	else if (word(p, "ah"))
		proto = 51;
	else
		proto = num(p, s);
	expect(p, ':', s);
	pid = num(p, s);
	expect(p, ':', s);
	spi = num(p, s);
	expect(p, ':', s);
	life = num(p, s);
	put(o, 6, 2);
	put(o, 0, 2);
	put(o, number, 1);
	put(o, proto, 1);
	put(o, pid, 1);
	put(o, 0, 1);		/* count, below */
	put(o, life, 4);
	put(o, spi, 4);
	expect(p, '[', s);
	while (**p != ']') {
		transform(o, p, s);
		count++;
		if (**p == ',')
			(*p)++;
	}
	(*p)++;
	if (**p == '#') {
		(*p)++;
		count = num(p, s);
	}
	o->b[start + 2] = (u8)((o->n - start) >> 8);
	o->b[start + 3] = (u8)(o->n - start);
	o->b[start + 7] = (u8)count;
}

static void offer_bytes(const char *s, struct bytes *o)
{
	const char *p = s;

	o->n = 0;
	if (word(&p, "hex:")) {
		while (*p) {
			unsigned int v;

			if (sscanf(p, "%2x", &v) != 1)
				syntax(s, p);
			put(o, v, 1);
			p += 2;
		}
		return;
	}
	put(o, num(&p, s), 1);
	put(o, 0, 1);
	while (*p == ' ') {
		p++;
		proposal(o, &p, s);
	}
	if (*p)
		syntax(s, p);
}

/* --- running the code on exact heap copies ------------------------------ */

static u8 *dup_exact(const u8 *b, size_t n)
{
	u8 *c = malloc(n ? n : 1);

	if (!c)
		abort();
	if (n)
		memcpy(c, b, n);
	return c;
}

static int respond(const struct bytes *o, const struct mipkex_nego_policy *pol,
		   u32 reg, struct mipkex_nego_choice *c)
{
	u8 *v = dup_exact(o->b, o->n);
	int ret = mipkex_nego_respond(v, o->n, pol, reg, c);

	free(v);
	return ret;
}

static int check_answer(const struct bytes *offer, const struct bytes *answer,
			u32 reg, struct mipkex_nego_choice *c)
{
	u8 *a = dup_exact(offer->b, offer->n), *b = dup_exact(answer->b,
							      answer->n);
	int ret = mipkex_nego_check_answer(a, offer->n, b, answer->n, reg, c);

	free(a);
	free(b);
	return ret;
}

static const char *proto_name(u8 p)
{
	return p == 50 ? "esp" : p == 51 ? "ah" : "?";
}

/* The choice as text, for comparisons and messages. */
static void fmt_choice(const struct mipkex_nego_choice *c, bool spis,
		       char *out, size_t cap)
{
	size_t n;
	unsigned int i;

	n = snprintf(out, cap, "n=%u", c->number);
	for (i = 0; i < c->n_sa && n < cap; i++) {
		const struct mipkex_nego_sa *sa = &c->sa[i];

		n += snprintf(out + n, cap - n, " %s/%u spi=%u",
			      proto_name(sa->protocol), sa->protocol_id,
			      sa->peer_spi);
		if (spis && n < cap)
			n += snprintf(out + n, cap - n, " own=%u", sa->own_spi);
		if (sa->encr.number && n < cap)
			n += snprintf(out + n, cap - n, " e=%u:%u:%u",
				      sa->encr.number, sa->encr.id,
				      sa->encr.key_bits);
		if (sa->integ.number && n < cap)
			n += snprintf(out + n, cap - n, " i=%u:%u:%u",
				      sa->integ.number, sa->integ.id,
				      sa->integ.key_bits);
		if (n < cap)
			n += snprintf(out + n, cap - n, " life=%u",
				      sa->lifetime);
	}
}

/* The value of the CVSE a builder wrote at the start of @w. */
static void cvse_value(struct __test_metadata *_metadata,
		       const struct mipkex_wbuf *w, struct bytes *v)
{
	ASSERT_LE(10, w->len);
	ASSERT_EQ(38, w->buf[0]);
	ASSERT_EQ(0, w->buf[1]);
	ASSERT_EQ(w->len - 4, (size_t)(w->buf[2] << 8 | w->buf[3]));
	ASSERT_EQ(0, memcmp(w->buf + 4, "\x00\x00\x7e\xd9\x00\x05", 6));
	v->n = w->len - 10;
	memcpy(v->b, w->buf + 10, v->n);
}

static void policy(struct mipkex_nego_policy *pol, u32 xf, u32 life,
		   bool legacy)
{
	memset(pol, 0, sizeof(*pol));
	pol->transforms = xf;
	pol->lifetime = life;
	pol->legacy = legacy;
}

/*
 * Build the reply of choice @c into a buffer of exactly its size (and one
 * byte short, which must fail without a write past it), then check it as
 * the initiator of @offer would: the same choice must come back.
 */
static void round_trip(struct __test_metadata *_metadata,
		       const struct bytes *offer,
		       struct mipkex_nego_choice *c, u32 reg)
{
	struct mipkex_nego_choice back, want;
	char sw[512], sb[512];
	struct mipkex_wbuf w;
	struct bytes reply;
	u8 big[MAXP], *exact;
	unsigned int i;
	size_t len;

	for (i = 0; i < c->n_sa; i++)
		c->sa[i].own_spi = 0x10000 + i;
	mipkex_wbuf_init(&w, big, sizeof(big));
	ASSERT_EQ(0, mipkex_nego_put_reply(&w, VENDOR, c));
	len = w.len;

	exact = malloc(len + 1);
	ASSERT_NE(NULL, exact);
	exact[len - 1] = 0xa5;
	mipkex_wbuf_init(&w, exact, len - 1);
	ASSERT_EQ(-MIPKEX_WIRE_E_NO_SPACE,
		  mipkex_nego_put_reply(&w, VENDOR, c));
	ASSERT_EQ(0xa5, exact[len - 1]);
	mipkex_wbuf_init(&w, exact, len);
	ASSERT_EQ(0, mipkex_nego_put_reply(&w, VENDOR, c));
	ASSERT_EQ(0, memcmp(exact, big, len));
	cvse_value(_metadata, &w, &reply);
	free(exact);

	ASSERT_EQ(0, check_answer(offer, &reply, reg, &back));
	want = *c;
	for (i = 0; i < c->n_sa; i++) {
		want.sa[i].peer_spi = c->sa[i].own_spi;
		want.sa[i].own_spi = c->sa[i].peer_spi;
		/* The reply names the lifetime; 0 stays "the registration's" */
	}
	fmt_choice(&want, true, sw, sizeof(sw));
	fmt_choice(&back, true, sb, sizeof(sb));
	ASSERT_STREQ(sw, sb);
	ASSERT_EQ(want.subtype, back.subtype);
}

/* --- the responder: a table of offers ------------------------------------ */

FIXTURE(respond) {
};

FIXTURE_VARIANT(respond) {
	u32 xf;
	u32 life;
	bool legacy;
	u32 reg;
	const char *offer;
	const char *want;	/* the choice, when err is 0 */
	int err;
	int code;		/* its reply code */
};

FIXTURE_SETUP(respond)
{
}

FIXTURE_TEARDOWN(respond)
{
}

TEST_F(respond, table)
{
	struct mipkex_nego_policy pol;
	struct mipkex_nego_choice c;
	struct bytes o;
	char got[512];
	int ret;

	policy(&pol, variant->xf, variant->life, variant->legacy);
	offer_bytes(variant->offer, &o);
	memset(&c, 0xa5, sizeof(c));
	ret = respond(&o, &pol, variant->reg, &c);
	ASSERT_EQ(variant->err, ret) {
		TH_LOG("%s: %s", variant->offer, mipkex_nego_strerror(ret));
	}
	ASSERT_EQ(variant->code, mipkex_nego_reply_code(ret));
	if (ret) {
		ASSERT_EQ(0, c.number);
		ASSERT_EQ(0, c.n_sa);
		return;
	}
	fmt_choice(&c, false, got, sizeof(got));
	ASSERT_STREQ(variant->want, got);
	ASSERT_EQ(o.b[0], c.subtype);
	round_trip(_metadata, &o, &c, variant->reg);
}

#define POL	.xf = XF_DEFAULT, .life = 3600, .reg = 1800
#define DENY	.err = NE(NONE_ACCEPTABLE), .code = 129
#define BAD(e)	.err = EE(e), .code = 134

/* One proposal, one transform */
FIXTURE_VARIANT_ADD(respond, esp_gcm256) {
	POL, .offer = "1 1:esp:2:300:0[1:g256]",
	.want = "n=1 esp/2 spi=300 e=1:20:256 life=1800",
};
FIXTURE_VARIANT_ADD(respond, esp_gcm128) {
	POL, .offer = "2 1:esp:2:300:0[1:g128]",
	.want = "n=1 esp/2 spi=300 e=1:20:128 life=1800",
};
FIXTURE_VARIANT_ADD(respond, esp_chacha) {
	POL, .offer = "3 7:esp:2:4294967295:0[9:cc]",
	.want = "n=7 esp/2 spi=4294967295 e=9:28:256 life=1800",
};
FIXTURE_VARIANT_ADD(respond, esp_integrity_only) {
	POL, .offer = "1 1:esp:1:256:0[1:s256]",
	.want = "n=1 esp/1 spi=256 i=1:12:256 life=1800",
};
FIXTURE_VARIANT_ADD(respond, ah_integrity) {
	POL, .offer = "1 1:ah:1:300:0[1:s256]",
	.want = "n=1 ah/1 spi=300 i=1:12:256 life=1800",
};
/* Transform preference: lowest number, wherever it is */
FIXTURE_VARIANT_ADD(respond, pref_first_number) {
	POL, .offer = "1 1:esp:2:300:0[1:g128,2:g256,3:cc]",
	.want = "n=1 esp/2 spi=300 e=1:20:128 life=1800",
};
FIXTURE_VARIANT_ADD(respond, pref_by_number_not_position) {
	POL, .offer = "1 1:esp:2:300:0[5:g256,2:cc,9:g128]",
	.want = "n=1 esp/2 spi=300 e=2:28:256 life=1800",
};
FIXTURE_VARIANT_ADD(respond, pref_skips_unaccepted) {
	.xf = X(AES_GCM_256), .life = 3600, .reg = 1800,
	.offer = "1 1:esp:2:300:0[1:g128,2:cc,3:g256]",
	.want = "n=1 esp/2 spi=300 e=3:20:256 life=1800",
};
FIXTURE_VARIANT_ADD(respond, pref_skips_unknown_id) {
	POL, .offer = "1 1:esp:2:300:0[1:1.12+14.2.128,2:1.3,3:cc]",
	.want = "n=1 esp/2 spi=300 e=3:28:256 life=1800",
};
FIXTURE_VARIANT_ADD(respond, pref_equal_numbers_first_wins) {
	POL, .offer = "1 1:esp:2:300:0[4:cc,4:g256]",
	.want = "n=1 esp/2 spi=300 e=4:28:256 life=1800",
};
/* OR between proposal numbers, in increasing order */
FIXTURE_VARIANT_ADD(respond, or_first_acceptable) {
	POL, .offer = "1 1:esp:2:300:0[1:g256] 2:esp:2:300:0[1:cc]",
	.want = "n=1 esp/2 spi=300 e=1:20:256 life=1800",
};
FIXTURE_VARIANT_ADD(respond, or_skips_unacceptable) {
	.xf = X(CHACHA20_POLY1305), .life = 3600, .reg = 1800,
	.offer = "1 1:esp:2:300:0[1:g256] 2:esp:2:300:0[1:cc] 3:esp:2:300:0[1:cc]",
	.want = "n=2 esp/2 spi=300 e=1:28:256 life=1800",
};
FIXTURE_VARIANT_ADD(respond, or_gaps_in_numbers) {
	.xf = X(AES_GCM_128), .life = 3600, .reg = 1800,
	.offer = "1 3:esp:2:300:0[1:cc] 200:esp:2:300:0[1:g128]",
	.want = "n=200 esp/2 spi=300 e=1:20:128 life=1800",
};
FIXTURE_VARIANT_ADD(respond, or_none_acceptable) {
	.xf = X(AES_GCM_128), .life = 3600, .reg = 1800, DENY,
	.offer = "1 1:esp:2:300:0[1:g256] 2:esp:2:300:0[1:cc]",
};
FIXTURE_VARIANT_ADD(respond, empty_policy) {
	.xf = 0, .life = 3600, .reg = 1800, DENY,
	.offer = "1 1:esp:2:300:0[1:g256,2:g128,3:cc] 2:esp:1:300:0[1:s256]",
};
/* AND within a proposal number */
FIXTURE_VARIANT_ADD(respond, and_esp_ah) {
	POL, .offer = "1 1:esp:2:300:0[1:g256] 1:ah:1:400:0[1:s256]",
	.want = "n=1 esp/2 spi=300 e=1:20:256 life=1800 ah/1 spi=400 i=1:12:256 life=1800",
};
FIXTURE_VARIANT_ADD(respond, and_ah_first) {
	POL, .offer = "1 1:ah:1:400:0[1:s256] 1:esp:2:300:0[2:cc,3:g128]",
	.want = "n=1 ah/1 spi=400 i=1:12:256 life=1800 esp/2 spi=300 e=2:28:256 life=1800",
};
FIXTURE_VARIANT_ADD(respond, and_second_fails) {
	POL, .offer = "1 1:esp:2:300:0[1:g256] 1:ah:1:400:0[1:s1] 2:esp:2:300:0[1:cc]",
	.want = "n=2 esp/2 spi=300 e=1:28:256 life=1800",
};
FIXTURE_VARIANT_ADD(respond, and_first_fails) {
	POL, .offer = "1 1:ah:1:400:0[1:s1] 1:esp:2:300:0[1:g256] 2:esp:2:300:0[1:cc]",
	.want = "n=2 esp/2 spi=300 e=1:28:256 life=1800",
};
FIXTURE_VARIANT_ADD(respond, and_fails_no_other) {
	POL, DENY, .offer = "1 1:esp:2:300:0[1:g256] 1:ah:1:400:0[1:s1]",
};
FIXTURE_VARIANT_ADD(respond, and_protocol_twice) {
	POL, .offer = "1 1:esp:2:300:0[1:g256] 1:esp:2:300:0[1:g128] 2:esp:2:300:0[1:cc]",
	.want = "n=2 esp/2 spi=300 e=1:28:256 life=1800",
};
FIXTURE_VARIANT_ADD(respond, and_three) {
	POL, DENY,
	.offer = "1 1:esp:2:300:0[1:g256] 1:ah:1:400:0[1:s256] 1:ah:1:400:0[1:s256]",
};
/* What each protocol and protocol id takes */
FIXTURE_VARIANT_ADD(respond, aead_with_integrity) {
	POL, .offer = "1 1:esp:2:300:0[1:g256,2:s256] 2:esp:2:300:0[1:g128]",
	.want = "n=2 esp/2 spi=300 e=1:20:128 life=1800",
};
FIXTURE_VARIANT_ADD(respond, aead_with_unknown_integrity) {
	POL, DENY, .offer = "1 1:esp:2:300:0[1:g256,2:3.99]",
};
FIXTURE_VARIANT_ADD(respond, esp_encr_no_encr_transform) {
	POL, DENY, .offer = "1 1:esp:2:300:0[1:s256]",
};
FIXTURE_VARIANT_ADD(respond, esp_auth_with_encr) {
	POL, DENY, .offer = "1 1:esp:1:300:0[1:s256,2:g256]",
};
FIXTURE_VARIANT_ADD(respond, ah_with_encr) {
	POL, DENY, .offer = "1 1:ah:1:300:0[1:g256]",
};
FIXTURE_VARIANT_ADD(respond, ah_encryption_id) {
	POL, DENY, .offer = "1 1:ah:2:300:0[1:s256]",
};
/* Attributes */
FIXTURE_VARIANT_ADD(respond, gcm_without_key_length) {
	POL, DENY, .offer = "1 1:esp:2:300:0[1:g]",
};
FIXTURE_VARIANT_ADD(respond, gcm_192) {
	POL, DENY, .offer = "1 1:esp:2:300:0[1:g+14.2.192]",
};
FIXTURE_VARIANT_ADD(respond, gcm_key_length_twice) {
	POL, DENY, .offer = "1 1:esp:2:300:0[1:g256+14.2.256]",
};
FIXTURE_VARIANT_ADD(respond, gcm_key_length_4_bytes) {
	POL, DENY, .offer = "1 1:esp:2:300:0[1:g+14.4.256]",
};
FIXTURE_VARIANT_ADD(respond, gcm_unknown_attribute) {
	POL, DENY, .offer = "1 1:esp:2:300:0[1:g256+15.2.1]",
};
FIXTURE_VARIANT_ADD(respond, gcm_af_bit_form) {
	/* IKEv2's TV form 0x800e is not an attribute type mipkex knows */
	POL, DENY, .offer = "1 1:esp:2:300:0[1:g+32782.2.256]",
};
FIXTURE_VARIANT_ADD(respond, chacha_with_key_length) {
	POL, DENY, .offer = "1 1:esp:2:300:0[1:cc+14.2.256]",
};
FIXTURE_VARIANT_ADD(respond, hmac_with_empty_attribute) {
	POL, DENY, .offer = "1 1:esp:1:300:0[1:s256+1.0.0]",
};
FIXTURE_VARIANT_ADD(respond, bad_attribute_then_good) {
	POL, .offer = "1 1:esp:2:300:0[1:g256+99.1.1,2:g256]",
	.want = "n=1 esp/2 spi=300 e=2:20:256 life=1800",
};
/* Number of keys */
FIXTURE_VARIANT_ADD(respond, keys_0) {
	POL, DENY, .offer = "1 1:esp:2:300:0[1:g256/0]",
};
FIXTURE_VARIANT_ADD(respond, keys_2) {
	POL, DENY, .offer = "1 1:esp:2:300:0[1:cc/2]",
};
FIXTURE_VARIANT_ADD(respond, keys_2_then_1) {
	POL, .offer = "1 1:esp:2:300:0[1:cc/2,2:g128/1]",
	.want = "n=1 esp/2 spi=300 e=2:20:128 life=1800",
};
/* Legacy */
FIXTURE_VARIANT_ADD(respond, sha1_needs_legacy) {
	.xf = XF_ALL, .life = 3600, .reg = 1800, DENY,
	.offer = "1 1:esp:1:300:0[1:s1]",
};
FIXTURE_VARIANT_ADD(respond, sha1_needs_its_bit) {
	.xf = XF_DEFAULT, .legacy = true, .life = 3600, .reg = 1800, DENY,
	.offer = "1 1:esp:1:300:0[1:s1]",
};
FIXTURE_VARIANT_ADD(respond, sha1_legacy) {
	.xf = XF_ALL, .legacy = true, .life = 3600, .reg = 1800,
	.offer = "1 1:esp:1:300:0[1:s1,2:s256]",
	.want = "n=1 esp/1 spi=300 i=1:2:160 life=1800",
};
/* Lifetimes */
FIXTURE_VARIANT_ADD(respond, life_registration) {
	.xf = XF_DEFAULT, .life = 3600, .reg = 600,
	.offer = "1 1:esp:2:300:0[1:g256]",
	.want = "n=1 esp/2 spi=300 e=1:20:256 life=600",
};
FIXTURE_VARIANT_ADD(respond, life_registration_above_policy) {
	.xf = XF_DEFAULT, .life = 3600, .reg = 7200,
	.offer = "1 1:esp:2:300:0[1:g256]",
	.want = "n=1 esp/2 spi=300 e=1:20:256 life=3600",
};
FIXTURE_VARIANT_ADD(respond, life_registration_infinite) {
	.xf = XF_DEFAULT, .life = 86400, .reg = 65535,
	.offer = "1 1:esp:2:300:0[1:g256]",
	.want = "n=1 esp/2 spi=300 e=1:20:256 life=86400",
};
FIXTURE_VARIANT_ADD(respond, life_proposed_shorter) {
	POL, .offer = "1 1:esp:2:300:60[1:g256]",
	.want = "n=1 esp/2 spi=300 e=1:20:256 life=60",
};
FIXTURE_VARIANT_ADD(respond, life_proposed_longer) {
	POL, .offer = "1 1:esp:2:300:100000[1:g256]",
	.want = "n=1 esp/2 spi=300 e=1:20:256 life=3600",
};
FIXTURE_VARIANT_ADD(respond, life_per_protocol) {
	POL, .offer = "1 1:esp:2:300:100[1:g256] 1:ah:1:400:0[1:s256]",
	.want = "n=1 esp/2 spi=300 e=1:20:256 life=100 ah/1 spi=400 i=1:12:256 life=1800",
};
FIXTURE_VARIANT_ADD(respond, life_unbounded) {
	.xf = XF_DEFAULT, .life = 0, .reg = 65535,
	.offer = "1 1:esp:2:300:0[1:g256]",
	.want = "n=1 esp/2 spi=300 e=1:20:256 life=0",
};
FIXTURE_VARIANT_ADD(respond, life_proposed_max_unbounded) {
	/* 2^32 - 1 s is a lifetime, not "the registration's" (fuzzer) */
	.xf = XF_DEFAULT, .life = 0, .reg = 1800,
	.offer = "1 1:esp:2:300:4294967295[1:g256]",
	.want = "n=1 esp/2 spi=300 e=1:20:256 life=4294967295",
};
FIXTURE_VARIANT_ADD(respond, life_proposed_max_bounded) {
	.xf = XF_DEFAULT, .life = 86400, .reg = 65535,
	.offer = "1 1:esp:2:300:4294967295[1:g256]",
	.want = "n=1 esp/2 spi=300 e=1:20:256 life=86400",
};
/* Malformed: the whole payload is checked before any choice */
FIXTURE_VARIANT_ADD(respond, bad_spi_255) {
	POL, BAD(PROP_FIELD), .offer = "1 1:esp:2:255:0[1:g256]",
};
FIXTURE_VARIANT_ADD(respond, bad_spi_in_later_proposal) {
	POL, BAD(PROP_FIELD),
	.offer = "1 1:esp:2:300:0[1:g256] 2:esp:2:0:0[1:g256]",
};
FIXTURE_VARIANT_ADD(respond, bad_number_decreases) {
	POL, BAD(PROP_ORDER),
	.offer = "1 2:esp:2:300:0[1:g256] 1:esp:2:300:0[1:g256]",
};
FIXTURE_VARIANT_ADD(respond, bad_proposal_number_0) {
	POL, BAD(PROP_FIELD), .offer = "1 0:esp:2:300:0[1:g256]",
};
FIXTURE_VARIANT_ADD(respond, bad_protocol) {
	POL, BAD(PROP_FIELD), .offer = "1 1:17:2:300:0[1:g256]",
};
FIXTURE_VARIANT_ADD(respond, bad_protocol_id) {
	POL, BAD(PROP_FIELD), .offer = "1 1:esp:3:300:0[1:g256]",
};
FIXTURE_VARIANT_ADD(respond, bad_transform_type) {
	POL, BAD(XFORM_FIELD), .offer = "1 1:esp:2:300:0[1:g256,2:2.1]",
};
FIXTURE_VARIANT_ADD(respond, bad_transform_number_0) {
	POL, BAD(XFORM_FIELD), .offer = "1 1:esp:2:300:0[0:g256]",
};
FIXTURE_VARIANT_ADD(respond, bad_transform_count) {
	POL, BAD(XFORM_COUNT), .offer = "1 1:esp:2:300:0[1:g256]#2",
};
FIXTURE_VARIANT_ADD(respond, bad_subtype) {
	POL, BAD(CONTENT), .offer = "4 1:esp:2:300:0[1:g256]",
};
FIXTURE_VARIANT_ADD(respond, bad_no_proposal) {
	POL, BAD(NO_PROPOSAL), .offer = "1",
};
FIXTURE_VARIANT_ADD(respond, bad_empty) {
	POL, BAD(SHORT), .offer = "hex:",
};
FIXTURE_VARIANT_ADD(respond, bad_attribute_overrun) {
	POL, BAD(ATTR_LENGTH), .offer = "1 1:esp:2:300:0[1:g256+1.1]",
};
FIXTURE_VARIANT_ADD(respond, bad_after_acceptable) {
	POL, BAD(PROP_TYPE),
	.offer = "hex:0100" "0006001a01320201000000000000012c"
		 "0007000a0101001c0100"
		 "00050010000000000000000000000000",
};
FIXTURE_VARIANT_ADD(respond, bad_proposal_cut) {
	POL, BAD(PROP_SHORT),
	.offer = "hex:0100" "0006001a013202010000000000",
};

/* One inbound SPI per protocol in an offer (protocol.rst 6.2) */
#define MIXED	.err = NE(SPI_MIXED), .code = 134
FIXTURE_VARIANT_ADD(respond, spi_mixed_between_groups) {
	POL, MIXED, .offer = "1 1:esp:2:300:0[1:g256] 2:esp:2:301:0[1:cc]",
};
FIXTURE_VARIANT_ADD(respond, spi_mixed_ah) {
	POL, MIXED,
	.offer = "1 1:ah:1:400:0[1:s256] 2:esp:2:300:0[1:cc] 3:ah:1:401:0[1:s256]",
};
FIXTURE_VARIANT_ADD(respond, spi_mixed_after_acceptable) {
	/* Checked over the whole payload, as the layout is */
	POL, MIXED,
	.offer = "1 1:esp:2:300:0[1:g256] 2:ah:1:400:0[1:s256] 3:esp:2:999:0[1:cc]",
};
FIXTURE_VARIANT_ADD(respond, spi_same_for_esp_and_ah) {
	POL, .offer = "1 1:esp:2:300:0[1:g256] 1:ah:1:300:0[1:s256]",
	.want = "n=1 esp/2 spi=300 e=1:20:256 life=1800 ah/1 spi=300 i=1:12:256 life=1800",
};
FIXTURE_VARIANT_ADD(respond, spi_layout_error_first) {
	POL, BAD(PROP_FIELD),
	.offer = "1 1:esp:2:300:0[1:g256] 2:esp:2:301:0[1:cc] 3:esp:2:255:0[1:cc]",
};

/* --- the initiator's check of an answer --------------------------------- */

FIXTURE(answer) {
};

FIXTURE_VARIANT(answer) {
	const char *offer;
	const char *answer;
	u32 reg;
	int err;
	const char *want;	/* with own SPIs, when err is 0 */
};

FIXTURE_SETUP(answer)
{
}

FIXTURE_TEARDOWN(answer)
{
}

TEST_F(answer, table)
{
	struct mipkex_nego_choice c;
	struct bytes o, a;
	char got[512];
	int ret;

	offer_bytes(variant->offer, &o);
	offer_bytes(variant->answer, &a);
	memset(&c, 0xa5, sizeof(c));
	ret = check_answer(&o, &a, variant->reg ? variant->reg : 1800, &c);
	ASSERT_EQ(variant->err, ret) {
		TH_LOG("%s", mipkex_nego_strerror(ret));
	}
	if (ret) {
		ASSERT_EQ(0, c.n_sa);
		return;
	}
	fmt_choice(&c, true, got, sizeof(got));
	ASSERT_STREQ(variant->want, got);
}

#define OFFER_AND	"1 1:esp:2:300:3600[1:g256,2:g128] 1:ah:1:301:0[1:s256]" \
			" 2:esp:2:302:0[1:cc]"

FIXTURE_VARIANT_ADD(answer, valid_and) {
	.offer = OFFER_AND,
	.answer = "1 1:ah:1:900:1800[1:s256] 1:esp:2:901:3600[2:g128]",
	.want = "n=1 esp/2 spi=901 own=300 e=2:20:128 life=3600 ah/1 spi=900 own=301 i=1:12:256 life=1800",
};
FIXTURE_VARIANT_ADD(answer, valid_second) {
	.offer = OFFER_AND, .answer = "1 2:esp:2:900:0[1:cc]",
	.want = "n=2 esp/2 spi=900 own=302 e=1:28:256 life=1800",
};
FIXTURE_VARIANT_ADD(answer, valid_shorter_than_registration) {
	.offer = OFFER_AND, .answer = "1 2:esp:2:900:10[1:cc]",
	.want = "n=2 esp/2 spi=900 own=302 e=1:28:256 life=10",
};
FIXTURE_VARIANT_ADD(answer, subtype) {
	.offer = OFFER_AND, .answer = "2 2:esp:2:900:0[1:cc]",
	.err = NE(SUBTYPE),
};
FIXTURE_VARIANT_ADD(answer, two_numbers) {
	.offer = OFFER_AND,
	.answer = "1 1:esp:2:900:0[1:g256] 2:esp:2:901:0[1:cc]",
	.err = NE(GROUP),
};
FIXTURE_VARIANT_ADD(answer, two_numbers_fitting_the_last) {
	/* Each proposal would fit group 2 of the offer but one is numbered 1 */
	.offer = "1 1:esp:2:300:0[1:g256] 2:esp:2:301:0[1:cc] 2:ah:1:302:0[1:s256]",
	.answer = "1 1:esp:2:900:0[1:cc] 2:ah:1:901:0[1:s256]",
	.err = NE(GROUP),
};
FIXTURE_VARIANT_ADD(answer, number_not_offered) {
	.offer = OFFER_AND, .answer = "1 3:esp:2:900:0[1:cc]",
	.err = NE(GROUP),
};
FIXTURE_VARIANT_ADD(answer, group_incomplete) {
	.offer = OFFER_AND, .answer = "1 1:esp:2:900:0[1:g256]",
	.err = NE(GROUP),
};
FIXTURE_VARIANT_ADD(answer, group_other_protocol) {
	.offer = OFFER_AND,
	.answer = "1 1:esp:2:900:0[1:g256] 1:esp:1:901:0[1:s256]",
	.err = NE(GROUP),
};
FIXTURE_VARIANT_ADD(answer, group_protocol_id_changed) {
	.offer = OFFER_AND,
	.answer = "1 1:esp:2:900:0[1:g256] 1:ah:2:901:0[1:s256]",
	.err = NE(GROUP),
};
FIXTURE_VARIANT_ADD(answer, group_too_many) {
	.offer = OFFER_AND,
	.answer = "1 1:esp:2:900:0[1:g256] 1:ah:1:901:0[1:s256] 1:ah:1:902:0[1:s256]",
	.err = NE(GROUP),
};
FIXTURE_VARIANT_ADD(answer, transform_other_number) {
	.offer = OFFER_AND, .answer = "1 2:esp:2:900:0[2:cc]",
	.err = NE(NOT_OFFERED),
};
FIXTURE_VARIANT_ADD(answer, transform_other_id) {
	.offer = OFFER_AND, .answer = "1 2:esp:2:900:0[1:g256]",
	.err = NE(NOT_OFFERED),
};
FIXTURE_VARIANT_ADD(answer, transform_other_attribute) {
	.offer = OFFER_AND,
	.answer = "1 1:esp:2:900:0[1:g128] 1:ah:1:901:0[1:s256]",
	.err = NE(NOT_OFFERED),
};
FIXTURE_VARIANT_ADD(answer, transform_other_keys) {
	.offer = OFFER_AND, .answer = "1 2:esp:2:900:0[1:cc/2]",
	.err = NE(NOT_OFFERED),
};
FIXTURE_VARIANT_ADD(answer, transform_extra_attribute) {
	.offer = OFFER_AND, .answer = "1 2:esp:2:900:0[1:cc+14.2.256]",
	.err = NE(NOT_OFFERED),
};
FIXTURE_VARIANT_ADD(answer, two_picks) {
	.offer = OFFER_AND,
	.answer = "1 1:esp:2:900:0[1:g256,2:g128] 1:ah:1:901:0[1:s256]",
	.err = NE(PICK),
};
FIXTURE_VARIANT_ADD(answer, same_pick_twice) {
	.offer = OFFER_AND, .answer = "1 2:esp:2:900:0[1:cc,1:cc]",
	.err = NE(PICK),
};
FIXTURE_VARIANT_ADD(answer, pick_of_a_type_not_taken) {
	.offer = "1 1:esp:2:300:0[1:g256,2:s256]",
	.answer = "1 1:esp:2:900:0[1:g256]", .err = NE(PICK),
};
FIXTURE_VARIANT_ADD(answer, pick_unusable) {
	.offer = "1 1:esp:2:300:0[1:g,2:g256]",
	.answer = "1 1:esp:2:900:0[1:g]", .err = NE(PICK),
};
FIXTURE_VARIANT_ADD(answer, lifetime_longer) {
	.offer = OFFER_AND, .answer = "1 2:esp:2:900:1801[1:cc]",
	.err = NE(LIFETIME),
};
FIXTURE_VARIANT_ADD(answer, lifetime_registration_longer) {
	.offer = "1 1:esp:2:300:600[1:cc]",
	.answer = "1 1:esp:2:900:0[1:cc]", .reg = 1800,
	.err = NE(LIFETIME),
};
FIXTURE_VARIANT_ADD(answer, lifetime_registration_shorter) {
	.offer = "1 1:esp:2:300:600[1:cc]",
	.answer = "1 1:esp:2:900:0[1:cc]", .reg = 60,
	.want = "n=1 esp/2 spi=900 own=300 e=1:28:256 life=60",
};
FIXTURE_VARIANT_ADD(answer, responder_spi_reserved) {
	.offer = OFFER_AND, .answer = "1 2:esp:2:255:0[1:cc]",
	.err = EE(PROP_FIELD),
};
FIXTURE_VARIANT_ADD(answer, answer_malformed) {
	.offer = OFFER_AND, .answer = "1 2:esp:2:900:0[1:cc]#3",
	.err = EE(XFORM_COUNT),
};
FIXTURE_VARIANT_ADD(answer, offer_malformed) {
	.offer = "1 2:esp:2:300:0[1:cc] 1:esp:2:300:0[1:cc]",
	.answer = "1 2:esp:2:900:0[1:cc]", .err = EE(PROP_ORDER),
};

/* --- builders ------------------------------------------------------------ */

static void hex_of(const u8 *b, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
	out[2 * n] = 0;
}

TEST(offer_bytes_default_policy)
{
	struct mipkex_nego_policy pol;
	struct mipkex_wbuf w;
	struct bytes want;
	u8 buf[MAXP];
	char a[2 * MAXP + 1], b[2 * MAXP + 1];

	policy(&pol, XF_DEFAULT, 3600, false);
	mipkex_wbuf_init(&w, buf, sizeof(buf));
	ASSERT_EQ(0, mipkex_nego_put_offer(&w, VENDOR, &pol, 1, 0x1234, 0));
	offer_bytes("1 1:esp:2:0x1234:0[1:g256] 2:esp:2:0x1234:0[1:g128]"
		    " 3:esp:2:0x1234:0[1:cc] 4:esp:1:0x1234:0[1:s256]", &want);
	/* CVSE 38, reserved, length, vendor 32473, vendor type 5 */
	ASSERT_EQ(10 + want.n, w.len);
	ASSERT_EQ(0, memcmp(buf, "\x26\x00", 2));
	ASSERT_EQ(6 + want.n, (size_t)(buf[2] << 8 | buf[3]));
	ASSERT_EQ(0, memcmp(buf + 4, "\x00\x00\x7e\xd9\x00\x05", 6));
	hex_of(buf + 10, want.n, a);
	hex_of(want.b, want.n, b);
	ASSERT_STREQ(b, a);
}

TEST(offer_bytes_by_hand)
{
	/* Legacy integrity only, lifetime 600, MN-FA: laid out byte by byte */
	static const u8 want[] = {
		0x26, 0x00, 0x00, 0x22, 0x00, 0x00, 0x7e, 0xd9, 0x00, 0x05,
		0x02, 0x00,
		0x00, 0x06, 0x00, 0x1a, 0x01, 0x32, 0x01, 0x01,
		0x00, 0x00, 0x02, 0x58, 0x00, 0x00, 0x01, 0x00,
		0x00, 0x07, 0x00, 0x0a, 0x01, 0x03, 0x00, 0x02, 0x01, 0x00,
	};
	struct mipkex_nego_policy pol;
	struct mipkex_wbuf w;
	u8 buf[64];

	policy(&pol, X(HMAC_SHA1_96), 3600, true);
	mipkex_wbuf_init(&w, buf, sizeof(buf));
	ASSERT_EQ(0, mipkex_nego_put_offer(&w, VENDOR, &pol, 2, 256, 600));
	ASSERT_EQ(sizeof(want), w.len);
	ASSERT_EQ(0, memcmp(want, buf, sizeof(want)));
}

TEST(reply_bytes_by_hand)
{
	static const u8 want[] = {
		0x26, 0x00, 0x00, 0x42, 0x00, 0x00, 0x7e, 0xd9, 0x00, 0x05,
		0x01, 0x00,
		/* proposal 4, ESP, id 2, 1 transform, 1800 s, SPI 0x1000 */
		0x00, 0x06, 0x00, 0x20, 0x04, 0x32, 0x02, 0x01,
		0x00, 0x00, 0x07, 0x08, 0x00, 0x00, 0x10, 0x00,
		0x00, 0x07, 0x00, 0x10, 0x03, 0x01, 0x00, 0x14, 0x01, 0x00,
		0x00, 0x0e, 0x00, 0x02, 0x01, 0x00,
		/* proposal 4, AH, id 1, 1 transform, 1800 s, SPI 0x1001 */
		0x00, 0x06, 0x00, 0x1a, 0x04, 0x33, 0x01, 0x01,
		0x00, 0x00, 0x07, 0x08, 0x00, 0x00, 0x10, 0x01,
		0x00, 0x07, 0x00, 0x0a, 0x02, 0x03, 0x00, 0x0c, 0x01, 0x00,
	};
	struct mipkex_nego_policy pol;
	struct mipkex_nego_choice c;
	struct mipkex_wbuf w;
	struct bytes o;
	u8 buf[128];

	policy(&pol, XF_DEFAULT, 3600, false);
	/* ESP: 1 has no Key Length, 2 a 192-bit one: 3 is picked */
	offer_bytes("1 4:esp:2:300:0[1:g,2:g+14.2.192,3:g256,4:cc]"
		    " 4:ah:1:301:0[1:s1,2:s256]", &o);
	ASSERT_EQ(0, respond(&o, &pol, 1800, &c));
	c.sa[0].own_spi = 0x1000;
	c.sa[1].own_spi = 0x1001;
	mipkex_wbuf_init(&w, buf, sizeof(buf));
	ASSERT_EQ(0, mipkex_nego_put_reply(&w, VENDOR, &c));
	ASSERT_EQ(sizeof(want), w.len);
	ASSERT_EQ(0, memcmp(want, buf, sizeof(want)));
}

TEST(reply_bad_arguments)
{
	struct mipkex_nego_policy pol;
	struct mipkex_nego_choice c, bad;
	struct mipkex_wbuf w;
	struct bytes o;
	u8 buf[128];

	policy(&pol, XF_DEFAULT, 3600, false);
	offer_bytes("1 1:esp:2:300:0[1:g256]", &o);
	ASSERT_EQ(0, respond(&o, &pol, 1800, &c));
	c.sa[0].own_spi = 301;

	/* The responder's SPI may not be the initiator's (6.2) */
	bad = c;
	bad.sa[0].own_spi = 300;
	mipkex_wbuf_init(&w, buf, sizeof(buf));
	ASSERT_EQ(NE(SPI_EQUAL), mipkex_nego_put_reply(&w, VENDOR, &bad));
	ASSERT_EQ(MIPKEX_WIRE_E_BAD_ARG, w.err);
	ASSERT_EQ(0, w.len);

	bad = c;
	bad.sa[0].own_spi = 255;
	mipkex_wbuf_init(&w, buf, sizeof(buf));
	ASSERT_EQ(NE(ARG), mipkex_nego_put_reply(&w, VENDOR, &bad));
	ASSERT_EQ(MIPKEX_WIRE_E_BAD_ARG, w.err);
	ASSERT_EQ(0, w.len);

	bad = c;
	bad.n_sa = 0;
	mipkex_wbuf_init(&w, buf, sizeof(buf));
	ASSERT_EQ(NE(ARG), mipkex_nego_put_reply(&w, VENDOR, &bad));
	bad = c;
	bad.sa[0].integ = bad.sa[0].encr;	/* two picks */
	mipkex_wbuf_init(&w, buf, sizeof(buf));
	ASSERT_EQ(NE(ARG), mipkex_nego_put_reply(&w, VENDOR, &bad));
	bad = c;
	bad.sa[0].protocol = MIPKEX_PROTO_AH;	/* AH cannot encrypt */
	mipkex_wbuf_init(&w, buf, sizeof(buf));
	ASSERT_EQ(NE(ARG), mipkex_nego_put_reply(&w, VENDOR, &bad));
	bad = c;
	bad.subtype = 4;
	mipkex_wbuf_init(&w, buf, sizeof(buf));
	ASSERT_EQ(NE(ARG), mipkex_nego_put_reply(&w, VENDOR, &bad));
	bad = c;
	bad.sa[0].encr.xform = __MIPKEX_XFORM_MAX;
	mipkex_wbuf_init(&w, buf, sizeof(buf));
	ASSERT_EQ(NE(ARG), mipkex_nego_put_reply(&w, VENDOR, &bad));

	mipkex_wbuf_init(&w, buf, sizeof(buf));
	ASSERT_EQ(0, mipkex_nego_put_reply(&w, VENDOR, &c));
}

TEST(offer_bad_arguments)
{
	struct mipkex_nego_policy pol;
	struct mipkex_wbuf w;
	u8 buf[256];

	policy(&pol, XF_DEFAULT, 3600, false);
	mipkex_wbuf_init(&w, buf, sizeof(buf));
	ASSERT_EQ(NE(ARG), mipkex_nego_put_offer(&w, VENDOR, &pol, 1, 255, 0));
	mipkex_wbuf_init(&w, buf, sizeof(buf));
	ASSERT_EQ(NE(ARG), mipkex_nego_put_offer(&w, VENDOR, &pol, 0, 256, 0));
	mipkex_wbuf_init(&w, buf, sizeof(buf));
	ASSERT_EQ(NE(ARG), mipkex_nego_put_offer(&w, VENDOR, &pol, 4, 256, 0));

	/* Nothing acceptable: nothing written */
	policy(&pol, X(HMAC_SHA1_96), 3600, false);
	mipkex_wbuf_init(&w, buf, sizeof(buf));
	ASSERT_EQ(NE(EMPTY_POLICY),
		  mipkex_nego_put_offer(&w, VENDOR, &pol, 1, 256, 0));
	ASSERT_EQ(0, w.len);
	ASSERT_EQ(0, w.err);
	ASSERT_EQ(NE(EMPTY_POLICY),
		  mipkex_nego_put_counter(&w, VENDOR, &pol, 1, 256));

	/* Too small a buffer, at every size: an error, no write past it */
	policy(&pol, XF_ALL, 3600, true);
	mipkex_wbuf_init(&w, buf, sizeof(buf));
	ASSERT_EQ(0, mipkex_nego_put_offer(&w, VENDOR, &pol, 1, 256, 0));
	for (size_t cap = 0; cap < w.len; cap++) {
		u8 *b = malloc(cap ? cap : 1);
		struct mipkex_wbuf s;

		ASSERT_NE(NULL, b);
		mipkex_wbuf_init(&s, b, cap);
		ASSERT_EQ(-MIPKEX_WIRE_E_NO_SPACE,
			  mipkex_nego_put_offer(&s, VENDOR, &pol, 1, 256, 0));
		free(b);
	}
}

/* The offer of each policy: the documented order, and what it accepts. */
TEST(offer_order_every_policy)
{
	static const char *const names[] = { "g256", "g128", "cc", "s256",
					      "s1" };
	static const u8 bits[] = {
		MIPKEX_XFORM_AES_GCM_256, MIPKEX_XFORM_AES_GCM_128,
		MIPKEX_XFORM_CHACHA20_POLY1305, MIPKEX_XFORM_HMAC_SHA256_128,
		MIPKEX_XFORM_HMAC_SHA1_96,
	};
	struct mipkex_nego_policy pol;
	struct mipkex_wbuf w;
	struct bytes got, want;
	char spec[512], a[2 * MAXP + 1], b[2 * MAXP + 1];
	u8 buf[MAXP];
	unsigned int xf, i, n;
	size_t len;
	int legacy, ret;

	for (legacy = 0; legacy < 2; legacy++) {
		for (xf = 0; xf < 1U << __MIPKEX_XFORM_MAX; xf++) {
			policy(&pol, xf, 3600, legacy);
			len = snprintf(spec, sizeof(spec), "3");
			for (i = n = 0; i < ARRAY_SIZE(bits); i++) {
				if (!(xf & (1U << bits[i])) ||
				    (bits[i] == MIPKEX_XFORM_HMAC_SHA1_96 &&
				     !legacy))
					continue;
				len += snprintf(spec + len, sizeof(spec) - len,
						" %u:esp:%u:999:77[1:%s]", ++n,
						i < 3 ? 2 : 1, names[i]);
			}
			mipkex_wbuf_init(&w, buf, sizeof(buf));
			ret = mipkex_nego_put_offer(&w, VENDOR, &pol, 3, 999,
						    77);
			if (!n) {
				ASSERT_EQ(NE(EMPTY_POLICY), ret);
				continue;
			}
			ASSERT_EQ(0, ret);
			cvse_value(_metadata, &w, &got);
			offer_bytes(spec, &want);
			hex_of(got.b, got.n, a);
			hex_of(want.b, want.n, b);
			ASSERT_STREQ(b, a) {
				TH_LOG("policy %#x legacy %d", xf, legacy);
			}
		}
	}
}

/*
 * Every pair of policies: A's offer answered by B. The choice must be A's
 * most preferred transform that B accepts (the offer's order), checked back
 * by A; a denial must mean they share nothing, and B's counter-proposal
 * must then be refused by A too, while B accepts its own counter-proposal
 * with its most preferred transform.
 */
TEST(offer_answer_every_pair)
{
	static const u8 order[] = {
		MIPKEX_XFORM_AES_GCM_256, MIPKEX_XFORM_AES_GCM_128,
		MIPKEX_XFORM_CHACHA20_POLY1305, MIPKEX_XFORM_HMAC_SHA256_128,
		MIPKEX_XFORM_HMAC_SHA1_96,
	};
	struct mipkex_nego_policy pa, pb;
	struct mipkex_nego_choice c;
	struct mipkex_wbuf w;
	struct bytes offer, counter;
	unsigned int a, b, i, n_pairs = 0, n_denied = 0;
	u8 buf[MAXP];
	u32 ea, eb;
	int ret, want, la, lb;

	for (la = 0; la < 2; la++)
	for (lb = 0; lb < 2; lb++)
	for (a = 1; a < 1U << __MIPKEX_XFORM_MAX; a++)
	for (b = 0; b < 1U << __MIPKEX_XFORM_MAX; b++) {
		policy(&pa, a, 7200, la);
		policy(&pb, b, 3600, lb);
		ea = a & ~(la ? 0 : X(HMAC_SHA1_96));
		eb = b & ~(lb ? 0 : X(HMAC_SHA1_96));
		if (!ea)
			continue;
		mipkex_wbuf_init(&w, buf, sizeof(buf));
		ASSERT_EQ(0, mipkex_nego_put_offer(&w, VENDOR, &pa, 1, 5000,
						   0));
		cvse_value(_metadata, &w, &offer);

		want = -1;
		for (i = 0; i < ARRAY_SIZE(order) && want < 0; i++)
			if (ea & eb & (1U << order[i]))
				want = order[i];
		ret = respond(&offer, &pb, 65535, &c);
		n_pairs++;
		if (want < 0) {
			ASSERT_EQ(NE(NONE_ACCEPTABLE), ret);
			n_denied++;
			mipkex_wbuf_init(&w, buf, sizeof(buf));
			ret = mipkex_nego_put_counter(&w, VENDOR, &pb, 1, 6000);
			if (!eb) {
				ASSERT_EQ(NE(EMPTY_POLICY), ret);
				continue;
			}
			ASSERT_EQ(0, ret);
			cvse_value(_metadata, &w, &counter);
			ASSERT_EQ(NE(NONE_ACCEPTABLE),
				  respond(&counter, &pa, 65535, &c));
			ASSERT_EQ(0, respond(&counter, &pb, 65535, &c));
			for (i = 0; !(eb & (1U << order[i])); i++)
				;
			ASSERT_EQ(order[i], c.sa[0].encr.number ?
				  c.sa[0].encr.xform : c.sa[0].integ.xform);
			ASSERT_EQ(3600, c.sa[0].lifetime);
			continue;
		}
		ASSERT_EQ(0, ret) {
			TH_LOG("A %#x/%d B %#x/%d", a, la, b, lb);
		}
		ASSERT_EQ(1, c.n_sa);
		ASSERT_EQ(want, c.sa[0].encr.number ? c.sa[0].encr.xform :
			  c.sa[0].integ.xform);
		ASSERT_EQ(5000, c.sa[0].peer_spi);
		ASSERT_EQ(3600, c.sa[0].lifetime);
		round_trip(_metadata, &offer, &c, 65535);
	}
	ASSERT_LT(0, n_denied);
	ASSERT_LT(n_denied, n_pairs);
}

/* --- the pairs with the foreign agent (protocol.rst 6.5) ----------------- */

/* The value of the NVSE a builder wrote at the start of @w. */
static void nvse_value(struct __test_metadata *_metadata,
		       const struct mipkex_wbuf *w, struct bytes *v)
{
	ASSERT_LE(10, w->len);
	ASSERT_EQ(134, w->buf[0]);
	ASSERT_EQ(w->len - 2, w->buf[1]);
	ASSERT_EQ(0, memcmp(w->buf + 2, "\x00\x00\x00\x00\x7e\xd9\x00\x05", 8));
	v->n = w->len - 10;
	memcpy(v->b, w->buf + 10, v->n);
}

static int respond_mnfa(const struct bytes *mn, const struct bytes *fa,
			const struct mipkex_nego_policy *pol, u32 reg,
			struct mipkex_nego_choice *c)
{
	u8 *a = dup_exact(mn->b, mn->n), *b = dup_exact(fa->b, fa->n);
	int ret = mipkex_nego_respond_mnfa(a, mn->n, b, fa->n, pol, reg, c);

	free(a);
	free(b);
	return ret;
}

static int check_mnfa(const struct bytes *offer, const struct bytes *answer,
		      u32 reg, struct mipkex_nego_choice *c)
{
	u8 *a = dup_exact(offer->b, offer->n), *b = dup_exact(answer->b,
							      answer->n);
	int ret = mipkex_nego_check_mnfa(a, offer->n, b, answer->n, reg, c);

	free(a);
	free(b);
	return ret;
}

/* Swap each SA's SPIs: the same choice seen from the other end. */
static void swap_spis(struct mipkex_nego_choice *c)
{
	unsigned int i;
	u32 t;

	for (i = 0; i < c->n_sa; i++) {
		t = c->sa[i].peer_spi;
		c->sa[i].peer_spi = c->sa[i].own_spi;
		c->sa[i].own_spi = t;
	}
}

FIXTURE(mnfa) {
};

FIXTURE_VARIANT(mnfa) {
	u32 xf;
	u32 life;
	bool legacy;
	u32 reg;
	const char *mn;
	const char *fa;
	const char *want;	/* spi= the MN's, own= the FA's */
	int err;
	int code;
};

FIXTURE_SETUP(mnfa)
{
}

FIXTURE_TEARDOWN(mnfa)
{
}

/*
 * The home agent's choice, then both answers built, each checked by its
 * recipient: the mobile node by number against its offer, the FA by
 * content against its own; both must see the same choice, SPIs swapped
 * for the mobile node.
 */
TEST_F(mnfa, table)
{
	struct mipkex_nego_choice c, back;
	struct mipkex_nego_policy pol;
	struct bytes mn, fa, to_mn, to_fa;
	char got[512], sb[512];
	struct mipkex_wbuf w;
	u8 buf[MAXP];
	int ret;

	policy(&pol, variant->xf, variant->life, variant->legacy);
	offer_bytes(variant->mn, &mn);
	offer_bytes(variant->fa, &fa);
	memset(&c, 0xa5, sizeof(c));
	ret = respond_mnfa(&mn, &fa, &pol, variant->reg, &c);
	ASSERT_EQ(variant->err, ret) {
		TH_LOG("%s", mipkex_nego_strerror(ret));
	}
	ASSERT_EQ(variant->code, mipkex_nego_reply_code(ret));
	if (ret) {
		ASSERT_EQ(0, c.number);
		ASSERT_EQ(0, c.n_sa);
		return;
	}
	fmt_choice(&c, true, got, sizeof(got));
	ASSERT_STREQ(variant->want, got);
	ASSERT_EQ(2, c.subtype);

	mipkex_wbuf_init(&w, buf, sizeof(buf));
	ASSERT_EQ(0, mipkex_nego_put_mnfa_mn(&w, VENDOR, &c));
	cvse_value(_metadata, &w, &to_mn);
	mipkex_wbuf_init(&w, buf, sizeof(buf));
	ASSERT_EQ(0, mipkex_nego_put_mnfa_fa(&w, VENDOR, &c));
	nvse_value(_metadata, &w, &to_fa);
	/* The same value as the answer to the MN with the SPIs swapped */
	back = c;
	swap_spis(&back);
	mipkex_wbuf_init(&w, buf, sizeof(buf));
	ASSERT_EQ(0, mipkex_nego_put_mnfa_mn(&w, VENDOR, &back));
	ASSERT_EQ(to_fa.n + 10, w.len);
	ASSERT_EQ(0, memcmp(to_fa.b, buf + 10, to_fa.n));

	ASSERT_EQ(0, check_answer(&mn, &to_mn, variant->reg, &back));
	swap_spis(&back);
	fmt_choice(&back, true, sb, sizeof(sb));
	ASSERT_STREQ(got, sb);

	ASSERT_EQ(0, check_mnfa(&fa, &to_fa, variant->reg, &back));
	fmt_choice(&back, true, sb, sizeof(sb));
	ASSERT_STREQ(got, sb);
}

#define MPOL	.xf = XF_DEFAULT, .life = 3600, .reg = 1800
#define NOAGREE	.err = NE(NO_AGREEMENT), .code = 0

/* Preference: the mobile node's, never the FA's */
FIXTURE_VARIANT_ADD(mnfa, mn_group_order_wins) {
	MPOL, .mn = "2 1:esp:2:300:0[1:g256] 2:esp:2:300:0[1:cc]",
	.fa = "2 1:esp:2:500:0[1:cc] 2:esp:2:500:0[1:g256]",
	.want = "n=1 esp/2 spi=300 own=500 e=1:20:256 life=1800",
};
FIXTURE_VARIANT_ADD(mnfa, mn_transform_order_wins) {
	MPOL, .mn = "2 1:esp:2:300:0[1:cc,2:g256]",
	.fa = "2 1:esp:2:500:0[1:g256,2:cc]",
	.want = "n=1 esp/2 spi=300 own=500 e=1:28:256 life=1800",
};
FIXTURE_VARIANT_ADD(mnfa, mn_transform_by_number) {
	MPOL, .mn = "2 1:esp:2:300:0[9:g256,3:g128]",
	.fa = "2 5:esp:2:500:0[1:g256] 6:esp:2:500:0[7:g128]",
	.want = "n=1 esp/2 spi=300 own=500 e=3:20:128 life=1800",
};
/* The FA lacks the transform */
FIXTURE_VARIANT_ADD(mnfa, fa_lacks_transform) {
	MPOL, NOAGREE, .mn = "2 1:esp:2:300:0[1:g256]",
	.fa = "2 1:esp:2:500:0[1:cc]",
};
FIXTURE_VARIANT_ADD(mnfa, fa_lacks_first_group) {
	MPOL, .mn = "2 1:esp:2:300:0[1:g256] 2:esp:2:300:0[1:cc]",
	.fa = "2 1:esp:2:500:0[1:cc]",
	.want = "n=2 esp/2 spi=300 own=500 e=1:28:256 life=1800",
};
FIXTURE_VARIANT_ADD(mnfa, fa_lacks_preferred_transform) {
	MPOL, .mn = "2 4:esp:2:300:0[1:g256,2:g128,3:cc]",
	.fa = "2 1:esp:2:500:0[1:cc,2:g128]",
	.want = "n=4 esp/2 spi=300 own=500 e=2:20:128 life=1800",
};
FIXTURE_VARIANT_ADD(mnfa, fa_lacks_half_of_group) {
	MPOL, .mn = "2 1:esp:2:300:0[1:g256] 1:ah:1:301:0[1:s256] 2:esp:2:300:0[1:g256]",
	.fa = "2 1:esp:2:500:0[1:g256]",
	.want = "n=2 esp/2 spi=300 own=500 e=1:20:256 life=1800",
};
/* Attributes and number of keys */
FIXTURE_VARIANT_ADD(mnfa, attributes_differ) {
	MPOL, NOAGREE, .mn = "2 1:esp:2:300:0[1:g256]",
	.fa = "2 1:esp:2:500:0[1:g128]",
};
FIXTURE_VARIANT_ADD(mnfa, attributes_missing_at_fa) {
	MPOL, NOAGREE, .mn = "2 1:esp:2:300:0[1:g256]",
	.fa = "2 1:esp:2:500:0[1:g]",
};
FIXTURE_VARIANT_ADD(mnfa, attributes_extra_at_fa) {
	MPOL, NOAGREE, .mn = "2 1:esp:2:300:0[1:cc]",
	.fa = "2 1:esp:2:500:0[1:cc+14.2.256]",
};
FIXTURE_VARIANT_ADD(mnfa, fa_keys_2) {
	MPOL, NOAGREE, .mn = "2 1:esp:2:300:0[1:cc]",
	.fa = "2 1:esp:2:500:0[1:cc/2]",
};
/* Protocol and protocol id */
FIXTURE_VARIANT_ADD(mnfa, protocol_id_mismatch) {
	MPOL, NOAGREE, .mn = "2 1:esp:1:300:0[1:s256]",
	.fa = "2 1:esp:2:500:0[1:s256]",
};
FIXTURE_VARIANT_ADD(mnfa, protocol_mismatch) {
	MPOL, NOAGREE, .mn = "2 1:ah:1:300:0[1:s256]",
	.fa = "2 1:esp:1:500:0[1:s256]",
};
FIXTURE_VARIANT_ADD(mnfa, fa_grouping_means_nothing) {
	MPOL, .mn = "2 1:esp:2:300:0[1:g256] 1:ah:1:301:0[1:s256]",
	.fa = "2 1:ah:1:600:0[1:s256] 9:esp:2:500:0[1:cc] 9:esp:2:500:0[1:g256]",
	.want = "n=1 esp/2 spi=300 own=500 e=1:20:256 life=1800 ah/1 spi=301 own=600 i=1:12:256 life=1800",
};
FIXTURE_VARIANT_ADD(mnfa, fa_other_transforms_ignored) {
	/* The FA's proposal is a set: an integrity transform next to it */
	MPOL, .mn = "2 1:esp:2:300:0[1:g256]",
	.fa = "2 1:esp:2:500:0[1:s256,2:g256]",
	.want = "n=1 esp/2 spi=300 own=500 e=1:20:256 life=1800",
};
/* The home agent's policy */
FIXTURE_VARIANT_ADD(mnfa, policy_rejects_preferred) {
	.xf = X(CHACHA20_POLY1305), .life = 3600, .reg = 1800,
	.mn = "2 1:esp:2:300:0[1:g256,2:cc]",
	.fa = "2 1:esp:2:500:0[1:g256,2:cc]",
	.want = "n=1 esp/2 spi=300 own=500 e=2:28:256 life=1800",
};
FIXTURE_VARIANT_ADD(mnfa, policy_rejects_all) {
	.xf = X(AES_GCM_128), .life = 3600, .reg = 1800, NOAGREE,
	.mn = "2 1:esp:2:300:0[1:g256,2:cc]",
	.fa = "2 1:esp:2:500:0[1:g256,2:cc]",
};
FIXTURE_VARIANT_ADD(mnfa, mn_aead_with_integrity) {
	/* Rule 1 of negotiate.c applies to the mobile node's proposal */
	MPOL, NOAGREE, .mn = "2 1:esp:2:300:0[1:g256,2:s256]",
	.fa = "2 1:esp:2:500:0[1:g256,2:s256]",
};
FIXTURE_VARIANT_ADD(mnfa, sha1_legacy) {
	.xf = XF_ALL, .legacy = true, .life = 3600, .reg = 1800,
	.mn = "2 1:esp:1:300:0[1:s1]", .fa = "2 1:esp:1:500:0[1:s1]",
	.want = "n=1 esp/1 spi=300 own=500 i=1:2:160 life=1800",
};
/* Lifetime: the smallest of three */
FIXTURE_VARIANT_ADD(mnfa, life_fa_smallest) {
	MPOL, .mn = "2 1:esp:2:300:600[1:cc]", .fa = "2 1:esp:2:500:300[1:cc]",
	.want = "n=1 esp/2 spi=300 own=500 e=1:28:256 life=300",
};
FIXTURE_VARIANT_ADD(mnfa, life_mn_smallest) {
	MPOL, .mn = "2 1:esp:2:300:100[1:cc]", .fa = "2 1:esp:2:500:0[1:cc]",
	.want = "n=1 esp/2 spi=300 own=500 e=1:28:256 life=100",
};
FIXTURE_VARIANT_ADD(mnfa, life_policy_smallest) {
	.xf = XF_DEFAULT, .life = 1000, .reg = 1800,
	.mn = "2 1:esp:2:300:0[1:cc]", .fa = "2 1:esp:2:500:5000[1:cc]",
	.want = "n=1 esp/2 spi=300 own=500 e=1:28:256 life=1000",
};
FIXTURE_VARIANT_ADD(mnfa, life_registration_smallest) {
	MPOL, .mn = "2 1:esp:2:300:0[1:cc]", .fa = "2 1:esp:2:500:0[1:cc]",
	.want = "n=1 esp/2 spi=300 own=500 e=1:28:256 life=1800",
};
FIXTURE_VARIANT_ADD(mnfa, life_all_unbounded) {
	.xf = XF_DEFAULT, .life = 0, .reg = 65535,
	.mn = "2 1:esp:2:300:0[1:cc]", .fa = "2 1:esp:2:500:0[1:cc]",
	.want = "n=1 esp/2 spi=300 own=500 e=1:28:256 life=0",
};
FIXTURE_VARIANT_ADD(mnfa, life_fa_first_matching_proposal) {
	/* Not the 100 s of a proposal without the transform, nor the later 50 */
	MPOL, .mn = "2 1:esp:2:300:0[1:g256]",
	.fa = "2 1:esp:2:500:100[1:g128] 2:esp:2:500:700[1:g256] 3:esp:2:500:50[1:g256]",
	.want = "n=1 esp/2 spi=300 own=500 e=1:20:256 life=700",
};
FIXTURE_VARIANT_ADD(mnfa, life_per_protocol) {
	MPOL, .mn = "2 1:esp:2:300:0[1:g256] 1:ah:1:301:200[1:s256]",
	.fa = "2 1:ah:1:600:0[1:s256] 2:esp:2:500:900[1:g256]",
	.want = "n=1 esp/2 spi=300 own=500 e=1:20:256 life=900 ah/1 spi=301 own=600 i=1:12:256 life=200",
};
/* Equal SPIs (6.2) */
FIXTURE_VARIANT_ADD(mnfa, spi_equal) {
	MPOL, NOAGREE, .mn = "2 1:esp:2:500:0[1:cc]",
	.fa = "2 1:esp:2:500:0[1:cc]",
};
FIXTURE_VARIANT_ADD(mnfa, spi_equal_next_group_other_protocol) {
	MPOL, .mn = "2 1:esp:2:500:0[1:cc] 2:ah:1:400:0[1:s256]",
	.fa = "2 1:esp:2:500:0[1:cc] 2:ah:1:401:0[1:s256]",
	.want = "n=2 ah/1 spi=400 own=401 i=1:12:256 life=1800",
};
FIXTURE_VARIANT_ADD(mnfa, spi_equal_across_protocols_is_fine) {
	MPOL, .mn = "2 1:esp:2:500:0[1:cc]", .fa = "2 1:ah:1:600:0[1:s256] 2:esp:2:600:0[1:cc]",
	.want = "n=1 esp/2 spi=500 own=600 e=1:28:256 life=1800",
};
/* Malformed and misused */
FIXTURE_VARIANT_ADD(mnfa, mn_spi_mixed) {
	MPOL, .err = NE(SPI_MIXED), .code = 134,
	.mn = "2 1:esp:2:300:0[1:g256] 2:esp:2:301:0[1:cc]",
	.fa = "2 1:esp:2:500:0[1:cc]",
};
FIXTURE_VARIANT_ADD(mnfa, fa_spi_mixed) {
	MPOL, .err = NE(SPI_MIXED), .code = 134,
	.mn = "2 1:esp:2:300:0[1:cc]",
	.fa = "2 1:esp:2:500:0[1:cc] 2:esp:2:501:0[1:g256]",
};
FIXTURE_VARIANT_ADD(mnfa, fa_malformed) {
	MPOL, BAD(XFORM_COUNT), .mn = "2 1:esp:2:300:0[1:cc]",
	.fa = "2 1:esp:2:500:0[1:cc]#2",
};
FIXTURE_VARIANT_ADD(mnfa, mn_malformed_first) {
	MPOL, BAD(PROP_FIELD), .mn = "2 1:esp:2:255:0[1:cc]",
	.fa = "2 1:esp:2:500:0[1:cc]#2",
};
FIXTURE_VARIANT_ADD(mnfa, mn_offer_of_other_pair) {
	MPOL, .err = NE(SUBTYPE), .code = 128, .mn = "1 1:esp:2:300:0[1:cc]",
	.fa = "2 1:esp:2:500:0[1:cc]",
};
FIXTURE_VARIANT_ADD(mnfa, fa_offer_of_other_pair) {
	MPOL, .err = NE(SUBTYPE), .code = 128, .mn = "2 1:esp:2:300:0[1:cc]",
	.fa = "3 1:esp:2:500:0[1:cc]",
};

/* --- the FA's check of the home agent's MN-FA answer --------------------- */

FIXTURE(fa_check) {
};

FIXTURE_VARIANT(fa_check) {
	const char *offer;
	const char *answer;
	u32 reg;
	int err;
	const char *want;	/* spi= the MN's, own= the FA's */
};

FIXTURE_SETUP(fa_check)
{
}

FIXTURE_TEARDOWN(fa_check)
{
}

TEST_F(fa_check, table)
{
	struct mipkex_nego_choice c;
	struct bytes o, a;
	char got[512];
	int ret;

	offer_bytes(variant->offer, &o);
	offer_bytes(variant->answer, &a);
	memset(&c, 0xa5, sizeof(c));
	ret = check_mnfa(&o, &a, variant->reg ? variant->reg : 1800, &c);
	ASSERT_EQ(variant->err, ret) {
		TH_LOG("%s", mipkex_nego_strerror(ret));
	}
	if (ret) {
		ASSERT_EQ(0, c.n_sa);
		ASSERT_EQ(0, c.number);
		return;
	}
	fmt_choice(&c, true, got, sizeof(got));
	ASSERT_STREQ(variant->want, got);
}

#define FA_OFFER	"2 1:esp:2:500:600[1:cc] 2:esp:2:500:0[1:g256]" \
			" 3:ah:1:501:0[1:s256] 4:esp:2:500:100[1:g256]"

FIXTURE_VARIANT_ADD(fa_check, accept_mn_numbers) {
	.offer = FA_OFFER, .answer = "2 7:esp:2:300:0[4:g256]",
	.want = "n=7 esp/2 spi=300 own=500 e=4:20:256 life=1800",
};
FIXTURE_VARIANT_ADD(fa_check, accept_group_across_fa_proposals) {
	.offer = FA_OFFER,
	.answer = "2 1:ah:1:301:60[2:s256] 1:esp:2:300:600[1:cc]",
	.want = "n=1 ah/1 spi=301 own=501 i=2:12:256 life=60 esp/2 spi=300 own=500 e=1:28:256 life=600",
};
FIXTURE_VARIANT_ADD(fa_check, accept_lifetime_equal) {
	.offer = FA_OFFER, .answer = "2 1:esp:2:300:600[1:cc]",
	.want = "n=1 esp/2 spi=300 own=500 e=1:28:256 life=600",
};
FIXTURE_VARIANT_ADD(fa_check, accept_zero_below_bound) {
	.offer = FA_OFFER, .answer = "2 1:esp:2:300:0[1:cc]", .reg = 60,
	.want = "n=1 esp/2 spi=300 own=500 e=1:28:256 life=60",
};
FIXTURE_VARIANT_ADD(fa_check, reject_zero_above_bound) {
	.offer = FA_OFFER, .answer = "2 1:esp:2:300:0[1:cc]",
	.err = NE(LIFETIME),
};
FIXTURE_VARIANT_ADD(fa_check, reject_lifetime_longer) {
	.offer = FA_OFFER, .answer = "2 1:esp:2:300:601[1:cc]",
	.err = NE(LIFETIME),
};
FIXTURE_VARIANT_ADD(fa_check, lifetime_of_first_matching_proposal) {
	/* g256 is in proposals 2 (0: the registration's) and 4 (100 s) */
	.offer = FA_OFFER, .answer = "2 1:esp:2:300:1800[1:g256]",
	.want = "n=1 esp/2 spi=300 own=500 e=1:20:256 life=1800",
};
FIXTURE_VARIANT_ADD(fa_check, reject_transform_not_offered) {
	.offer = FA_OFFER, .answer = "2 1:esp:2:300:0[1:g128]",
	.err = NE(NOT_OFFERED),
};
FIXTURE_VARIANT_ADD(fa_check, reject_attributes_differ) {
	.offer = FA_OFFER, .answer = "2 1:esp:2:300:0[1:cc+14.2.256]",
	.err = NE(NOT_OFFERED),
};
FIXTURE_VARIANT_ADD(fa_check, reject_keys_differ) {
	.offer = FA_OFFER, .answer = "2 1:esp:2:300:0[1:cc/2]",
	.err = NE(NOT_OFFERED),
};
FIXTURE_VARIANT_ADD(fa_check, reject_transform_of_other_protocol) {
	/* s256 was offered for AH only */
	.offer = FA_OFFER, .answer = "2 1:esp:1:300:0[1:s256]",
	.err = NE(GROUP),
};
FIXTURE_VARIANT_ADD(fa_check, reject_protocol_id_mismatch) {
	.offer = "2 1:esp:1:500:0[1:s256] 2:esp:2:500:0[1:cc]",
	.answer = "2 1:esp:2:300:0[1:s256]", .err = NE(NOT_OFFERED),
};
FIXTURE_VARIANT_ADD(fa_check, reject_spi_equal) {
	.offer = FA_OFFER, .answer = "2 1:esp:2:500:0[1:g256]",
	.err = NE(SPI_EQUAL),
};
FIXTURE_VARIANT_ADD(fa_check, reject_spi_equal_in_group) {
	.offer = FA_OFFER,
	.answer = "2 1:esp:2:300:0[1:g256] 1:ah:1:501:0[1:s256]",
	.err = NE(SPI_EQUAL),
};
FIXTURE_VARIANT_ADD(fa_check, reject_spi_reserved) {
	.offer = FA_OFFER, .answer = "2 1:esp:2:255:0[1:g256]",
	.err = EE(PROP_FIELD),
};
FIXTURE_VARIANT_ADD(fa_check, reject_two_numbers) {
	.offer = FA_OFFER,
	.answer = "2 1:esp:2:300:0[1:g256] 2:ah:1:301:0[1:s256]",
	.err = NE(GROUP),
};
FIXTURE_VARIANT_ADD(fa_check, reject_protocol_twice) {
	.offer = FA_OFFER,
	.answer = "2 1:esp:2:300:0[1:g256] 1:esp:2:300:0[1:cc]",
	.err = NE(GROUP),
};
FIXTURE_VARIANT_ADD(fa_check, reject_two_picks) {
	.offer = FA_OFFER, .answer = "2 1:esp:2:300:0[1:g256,2:cc]",
	.err = NE(PICK),
};
FIXTURE_VARIANT_ADD(fa_check, reject_unusable_pick) {
	.offer = "2 1:esp:2:500:0[1:g]", .answer = "2 1:esp:2:300:0[1:g]",
	.err = NE(PICK),
};
FIXTURE_VARIANT_ADD(fa_check, reject_pick_of_a_type_not_taken) {
	.offer = "2 1:esp:2:500:0[1:g256,2:s256]",
	.answer = "2 1:esp:2:300:0[2:s256]", .err = NE(PICK),
};
FIXTURE_VARIANT_ADD(fa_check, reject_subtype) {
	.offer = FA_OFFER, .answer = "3 1:esp:2:300:0[1:g256]",
	.err = NE(SUBTYPE),
};
FIXTURE_VARIANT_ADD(fa_check, reject_malformed) {
	.offer = FA_OFFER, .answer = "2 1:esp:2:300:0[1:g256]#2",
	.err = EE(XFORM_COUNT),
};

/* The mobile node's check of an answer whose SPI is its own (6.2) */
TEST(answer_spi_equal)
{
	struct mipkex_nego_choice c;
	struct bytes o, a;

	offer_bytes("2 1:esp:2:300:0[1:cc] 1:ah:1:400:0[1:s256]", &o);
	offer_bytes("2 1:esp:2:300:0[1:cc] 1:ah:1:401:0[1:s256]", &a);
	ASSERT_EQ(NE(SPI_EQUAL), check_answer(&o, &a, 1800, &c));
	ASSERT_EQ(0, c.n_sa);
	offer_bytes("2 1:esp:2:301:0[1:cc] 1:ah:1:400:0[1:s256]", &a);
	ASSERT_EQ(NE(SPI_EQUAL), check_answer(&o, &a, 1800, &c));
	/* The other protocol's SPI is no concern */
	offer_bytes("2 1:esp:2:400:0[1:cc] 1:ah:1:300:0[1:s256]", &a);
	ASSERT_EQ(0, check_answer(&o, &a, 1800, &c));
}

TEST(set_own_spi)
{
	struct mipkex_nego_policy pol;
	struct mipkex_nego_choice c;
	struct bytes o;

	policy(&pol, XF_DEFAULT, 3600, false);
	offer_bytes("1 1:esp:2:300:0[1:g256] 1:ah:1:400:0[1:s256]", &o);
	ASSERT_EQ(0, respond(&o, &pol, 1800, &c));
	ASSERT_EQ(NE(SPI_EQUAL), mipkex_nego_set_own_spi(&c, 50, 300));
	ASSERT_EQ(0, c.sa[0].own_spi);
	ASSERT_EQ(NE(ARG), mipkex_nego_set_own_spi(&c, 50, 255));
	ASSERT_EQ(NE(ARG), mipkex_nego_set_own_spi(&c, 17, 1000));
	ASSERT_EQ(0, mipkex_nego_set_own_spi(&c, 50, 400));
	ASSERT_EQ(NE(SPI_EQUAL), mipkex_nego_set_own_spi(&c, 51, 400));
	ASSERT_EQ(0, mipkex_nego_set_own_spi(&c, 51, 300));
	ASSERT_EQ(400, c.sa[0].own_spi);
	ASSERT_EQ(300, c.sa[1].own_spi);
}

/* The FA-HA pair: 6.4 on the FA's offer, no denial, an NVSE answer. */
TEST(faha)
{
	static const u8 want[] = {
		0x86, 0x2a, 0x00, 0x00, 0x00, 0x00, 0x7e, 0xd9, 0x00, 0x05,
		0x03, 0x00,
		/* proposal 2, ESP, id 2, 1 transform, 1800 s, SPI 0x1000 */
		0x00, 0x06, 0x00, 0x20, 0x02, 0x32, 0x02, 0x01,
		0x00, 0x00, 0x07, 0x08, 0x00, 0x00, 0x10, 0x00,
		0x00, 0x07, 0x00, 0x10, 0x01, 0x01, 0x00, 0x14, 0x01, 0x00,
		0x00, 0x0e, 0x00, 0x02, 0x00, 0x80,
	};
	struct mipkex_nego_policy pol;
	struct mipkex_nego_choice c, back;
	struct mipkex_wbuf w;
	struct bytes o, a;
	u8 buf[128];

	policy(&pol, X(AES_GCM_128), 3600, false);
	offer_bytes("3 1:esp:2:700:0[1:g256] 2:esp:2:700:0[1:g128]", &o);
	ASSERT_EQ(0, mipkex_nego_respond_faha(o.b, o.n, &pol, 1800, &c));
	ASSERT_EQ(3, c.subtype);
	ASSERT_EQ(NE(SPI_EQUAL), mipkex_nego_set_own_spi(&c, 50, 700));
	ASSERT_EQ(0, mipkex_nego_set_own_spi(&c, 50, 0x1000));
	mipkex_wbuf_init(&w, buf, sizeof(buf));
	ASSERT_EQ(0, mipkex_nego_put_faha_reply(&w, VENDOR, &c));
	ASSERT_EQ(sizeof(want), w.len);
	ASSERT_EQ(0, memcmp(want, buf, sizeof(want)));
	nvse_value(_metadata, &w, &a);
	/* The FA checks it as any initiator does */
	ASSERT_EQ(0, check_answer(&o, &a, 1800, &back));
	ASSERT_EQ(0x1000, back.sa[0].peer_spi);
	ASSERT_EQ(700, back.sa[0].own_spi);

	/* Wrong builder for the pair */
	mipkex_wbuf_init(&w, buf, sizeof(buf));
	ASSERT_EQ(NE(ARG), mipkex_nego_put_mnfa_fa(&w, VENDOR, &c));
	ASSERT_EQ(0, w.len);

	/* Nothing acceptable: no agreement, not a denial */
	policy(&pol, X(CHACHA20_POLY1305), 3600, false);
	ASSERT_EQ(NE(NO_AGREEMENT),
		  mipkex_nego_respond_faha(o.b, o.n, &pol, 1800, &c));
	ASSERT_EQ(0, mipkex_nego_reply_code(NE(NO_AGREEMENT)));
	ASSERT_EQ(0, c.n_sa);
	/* Another pair's offer, a malformed one */
	offer_bytes("2 1:esp:2:700:0[1:g256]", &o);
	ASSERT_EQ(NE(SUBTYPE),
		  mipkex_nego_respond_faha(o.b, o.n, &pol, 1800, &c));
	offer_bytes("3 1:esp:2:700:0[1:cc] 2:esp:2:701:0[1:cc]", &o);
	ASSERT_EQ(NE(SPI_MIXED),
		  mipkex_nego_respond_faha(o.b, o.n, &pol, 1800, &c));
	ASSERT_EQ(134, mipkex_nego_reply_code(NE(SPI_MIXED)));
}

/* The MN-FA answers' bytes: one choice, two SPIs, two kinds of extension. */
TEST(mnfa_reply_bytes)
{
	static const u8 to_mn[] = {
		0x26, 0x00, 0x00, 0x22, 0x00, 0x00, 0x7e, 0xd9, 0x00, 0x05,
		0x02, 0x00,
		0x00, 0x06, 0x00, 0x1a, 0x03, 0x32, 0x02, 0x01,
		0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x02, 0x00,
		0x00, 0x07, 0x00, 0x0a, 0x05, 0x01, 0x00, 0x1c, 0x01, 0x00,
	};
	static const u8 to_fa[] = {
		0x86, 0x24, 0x00, 0x00, 0x00, 0x00, 0x7e, 0xd9, 0x00, 0x05,
		0x02, 0x00,
		0x00, 0x06, 0x00, 0x1a, 0x03, 0x32, 0x02, 0x01,
		0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x01, 0x00,
		0x00, 0x07, 0x00, 0x0a, 0x05, 0x01, 0x00, 0x1c, 0x01, 0x00,
	};
	struct mipkex_nego_policy pol;
	struct mipkex_nego_choice c, bad;
	struct mipkex_wbuf w;
	struct bytes mn, fa;
	u8 buf[128];

	policy(&pol, XF_DEFAULT, 3600, false);
	offer_bytes("2 3:esp:2:0x100:100[5:cc]", &mn);
	offer_bytes("2 1:esp:2:0x200:0[1:cc]", &fa);
	ASSERT_EQ(0, respond_mnfa(&mn, &fa, &pol, 1800, &c));
	mipkex_wbuf_init(&w, buf, sizeof(buf));
	ASSERT_EQ(0, mipkex_nego_put_mnfa_mn(&w, VENDOR, &c));
	ASSERT_EQ(sizeof(to_mn), w.len);
	ASSERT_EQ(0, memcmp(to_mn, buf, sizeof(to_mn)));
	mipkex_wbuf_init(&w, buf, sizeof(buf));
	ASSERT_EQ(0, mipkex_nego_put_mnfa_fa(&w, VENDOR, &c));
	ASSERT_EQ(sizeof(to_fa), w.len);
	ASSERT_EQ(0, memcmp(to_fa, buf, sizeof(to_fa)));
	/* One byte short: an error, nothing past the buffer */
	mipkex_wbuf_init(&w, buf, sizeof(to_fa) - 1);
	ASSERT_EQ(-MIPKEX_WIRE_E_NO_SPACE,
		  mipkex_nego_put_mnfa_fa(&w, VENDOR, &c));

	bad = c;
	bad.subtype = 3;
	mipkex_wbuf_init(&w, buf, sizeof(buf));
	ASSERT_EQ(NE(ARG), mipkex_nego_put_mnfa_mn(&w, VENDOR, &bad));
	bad = c;
	bad.sa[0].own_spi = bad.sa[0].peer_spi;
	mipkex_wbuf_init(&w, buf, sizeof(buf));
	ASSERT_EQ(NE(SPI_EQUAL), mipkex_nego_put_mnfa_fa(&w, VENDOR, &bad));
	ASSERT_EQ(0, w.len);
}

/* The FA's offers: NVSEs; its MN-FA SPI differs from the mobile node's. */
TEST(fa_offer)
{
	struct mipkex_nego_policy pol;
	struct mipkex_wbuf w, wc;
	struct bytes mn, got, want;
	u8 buf[MAXP], cbuf[MAXP];

	policy(&pol, XF_ALL, 3600, true);
	offer_bytes("2 1:esp:2:700:0[1:cc] 2:ah:1:800:0[1:s256]", &mn);
	mipkex_wbuf_init(&w, buf, sizeof(buf));
	ASSERT_EQ(0, mipkex_nego_put_fa_offer(&w, VENDOR, &pol, 2, 800, 60,
					      mn.b, mn.n));
	nvse_value(_metadata, &w, &got);
	/* The same value as the mobile node's builder writes in a CVSE */
	mipkex_wbuf_init(&wc, cbuf, sizeof(cbuf));
	ASSERT_EQ(0, mipkex_nego_put_offer(&wc, VENDOR, &pol, 2, 800, 60));
	cvse_value(_metadata, &wc, &want);
	ASSERT_EQ(want.n, got.n);
	ASSERT_EQ(0, memcmp(want.b, got.b, got.n));

	mipkex_wbuf_init(&w, buf, sizeof(buf));
	ASSERT_EQ(NE(SPI_EQUAL),
		  mipkex_nego_put_fa_offer(&w, VENDOR, &pol, 2, 700, 60,
					   mn.b, mn.n));
	ASSERT_EQ(0, w.len);
	ASSERT_EQ(NE(ARG), mipkex_nego_put_fa_offer(&w, VENDOR, &pol, 2, 800,
						    60, NULL, 0));
	mipkex_wbuf_init(&w, buf, sizeof(buf));
	ASSERT_EQ(NE(ARG), mipkex_nego_put_fa_offer(&w, VENDOR, &pol, 1, 800,
						    60, mn.b, mn.n));
	offer_bytes("1 1:esp:2:700:0[1:cc]", &mn);
	mipkex_wbuf_init(&w, buf, sizeof(buf));
	ASSERT_EQ(NE(SUBTYPE), mipkex_nego_put_fa_offer(&w, VENDOR, &pol, 2,
							800, 60, mn.b, mn.n));
	offer_bytes("2 1:esp:2:700:0[1:cc]#3", &mn);
	ASSERT_EQ(EE(XFORM_COUNT),
		  mipkex_nego_put_fa_offer(&w, VENDOR, &pol, 2, 800, 60, mn.b,
					   mn.n));
	/* FA-HA: no mobile node's offer needed, any SPI */
	mipkex_wbuf_init(&w, buf, sizeof(buf));
	ASSERT_EQ(0, mipkex_nego_put_fa_offer(&w, VENDOR, &pol, 3, 700, 0,
					      NULL, 0));
	nvse_value(_metadata, &w, &got);
	ASSERT_EQ(3, got.b[0]);
	/* Every size too small: an error, no write past it */
	for (size_t cap = 0; cap < w.len; cap++) {
		u8 *b = malloc(cap ? cap : 1);
		struct mipkex_wbuf s;

		ASSERT_NE(NULL, b);
		mipkex_wbuf_init(&s, b, cap);
		ASSERT_EQ(-MIPKEX_WIRE_E_NO_SPACE,
			  mipkex_nego_put_fa_offer(&s, VENDOR, &pol, 3, 700, 0,
						   NULL, 0));
		free(b);
	}
}

/*
 * Every pair of policies for the MN and the FA, through the home agent
 * accepting everything: the choice is the mobile node's most preferred
 * transform the FA also offers, and both ends accept their answers.
 */
TEST(mnfa_every_pair)
{
	static const u8 order[] = {
		MIPKEX_XFORM_AES_GCM_256, MIPKEX_XFORM_AES_GCM_128,
		MIPKEX_XFORM_CHACHA20_POLY1305, MIPKEX_XFORM_HMAC_SHA256_128,
		MIPKEX_XFORM_HMAC_SHA1_96,
	};
	struct mipkex_nego_policy pm, pf, ph;
	struct mipkex_nego_choice c, back;
	struct bytes mn, fa, a;
	struct mipkex_wbuf w;
	unsigned int m, f, i, n_none = 0;
	u8 buf[MAXP];
	int ret, want;

	policy(&ph, XF_ALL, 3600, true);
	for (m = 1; m < 1U << __MIPKEX_XFORM_MAX; m++)
	for (f = 1; f < 1U << __MIPKEX_XFORM_MAX; f++) {
		policy(&pm, m, 0, true);
		policy(&pf, f, 0, true);
		mipkex_wbuf_init(&w, buf, sizeof(buf));
		ASSERT_EQ(0, mipkex_nego_put_offer(&w, VENDOR, &pm, 2, 5000,
						   600));
		cvse_value(_metadata, &w, &mn);
		mipkex_wbuf_init(&w, buf, sizeof(buf));
		ASSERT_EQ(0, mipkex_nego_put_fa_offer(&w, VENDOR, &pf, 2, 6000,
						      300, mn.b, mn.n));
		nvse_value(_metadata, &w, &fa);
		want = -1;
		for (i = 0; i < ARRAY_SIZE(order) && want < 0; i++)
			if (m & f & (1U << order[i]))
				want = order[i];
		ret = respond_mnfa(&mn, &fa, &ph, 1800, &c);
		if (want < 0) {
			ASSERT_EQ(NE(NO_AGREEMENT), ret);
			n_none++;
			continue;
		}
		ASSERT_EQ(0, ret);
		ASSERT_EQ(want, c.sa[0].encr.number ? c.sa[0].encr.xform :
			  c.sa[0].integ.xform);
		ASSERT_EQ(300, c.sa[0].lifetime);
		mipkex_wbuf_init(&w, buf, sizeof(buf));
		ASSERT_EQ(0, mipkex_nego_put_mnfa_mn(&w, VENDOR, &c));
		cvse_value(_metadata, &w, &a);
		ASSERT_EQ(0, check_answer(&mn, &a, 1800, &back));
		ASSERT_EQ(6000, back.sa[0].peer_spi);
		mipkex_wbuf_init(&w, buf, sizeof(buf));
		ASSERT_EQ(0, mipkex_nego_put_mnfa_fa(&w, VENDOR, &c));
		nvse_value(_metadata, &w, &a);
		ASSERT_EQ(0, check_mnfa(&fa, &a, 1800, &back));
		ASSERT_EQ(5000, back.sa[0].peer_spi);
		ASSERT_EQ(6000, back.sa[0].own_spi);
	}
	ASSERT_LT(0, n_none);
}

/* --- Diffie-Hellman groups ----------------------------------------------- */

FIXTURE(dh) {
};

FIXTURE_VARIANT(dh) {
	u16 vtype;
	u16 group;
	bool user_matches;
	bool legacy;
	u32 min_bits;
	bool user_group;
	u16 user_strength;
	const u16 *groups;
	u8 n_groups;
	int err;
};

FIXTURE_SETUP(dh)
{
}

FIXTURE_TEARDOWN(dh)
{
}

TEST_F(dh, table)
{
	struct mipkex_nego_policy pol;
	struct mipkex_ke ke;
	int ret;

	policy(&pol, XF_DEFAULT, 3600, variant->legacy);
	pol.min_dh_bits = variant->min_bits;
	pol.user_group = variant->user_group;
	pol.user_strength = variant->user_strength;
	pol.n_groups = variant->n_groups;
	if (variant->n_groups)
		memcpy(pol.groups, variant->groups,
		       variant->n_groups * sizeof(u16));
	memset(&ke, 0, sizeof(ke));
	ke.vtype = variant->vtype;
	ke.group = variant->group;
	ret = mipkex_nego_dh_check(&pol, &ke, variant->user_matches);
	ASSERT_EQ(variant->err, ret) {
		TH_LOG("%s", mipkex_nego_strerror(ret));
	}
	if (variant->vtype == 8 || variant->vtype == 9)
		ASSERT_EQ(ret ? 129 : 0, mipkex_nego_reply_code(ret));
}

static const u16 dflt_groups[] = { 31, 15, 14 };
static const u16 legacy_groups[] = { 31, 2, 1 };

#define DH_DEFAULT	.groups = dflt_groups, .n_groups = 3
#define DH_LEGACY	.groups = legacy_groups, .n_groups = 3

FIXTURE_VARIANT_ADD(dh, x25519) {
	DH_DEFAULT, .min_bits = 112, .vtype = 8, .group = 31,
};
FIXTURE_VARIANT_ADD(dh, modp3072) {
	DH_DEFAULT, .min_bits = 112, .vtype = 8, .group = 15,
};
FIXTURE_VARIANT_ADD(dh, modp2048) {
	DH_DEFAULT, .min_bits = 112, .vtype = 8, .group = 14,
};
FIXTURE_VARIANT_ADD(dh, modp2048_below_min) {
	DH_DEFAULT, .vtype = 8, .group = 14, .min_bits = 128,
	.err = NE(DH_WEAK),
};
FIXTURE_VARIANT_ADD(dh, unknown) {
	DH_DEFAULT, .min_bits = 112, .vtype = 8, .group = 19, .err = NE(DH_UNKNOWN),
};
FIXTURE_VARIANT_ADD(dh, group_0) {
	DH_DEFAULT, .min_bits = 112, .vtype = 8, .group = 0, .err = NE(DH_UNKNOWN),
};
FIXTURE_VARIANT_ADD(dh, legacy_without_legacy) {
	DH_DEFAULT, .min_bits = 112, .vtype = 8, .group = 2, .err = NE(DH_LEGACY),
};
FIXTURE_VARIANT_ADD(dh, legacy_listed_without_legacy) {
	DH_LEGACY, .min_bits = 64, .vtype = 8, .group = 1, .err = NE(DH_LEGACY),
};
FIXTURE_VARIANT_ADD(dh, legacy_accepted) {
	DH_LEGACY, .min_bits = 64, .legacy = true, .vtype = 8, .group = 1,
};
FIXTURE_VARIANT_ADD(dh, legacy_too_weak) {
	DH_LEGACY, .legacy = true, .min_bits = 80, .vtype = 8, .group = 1,
	.err = NE(DH_WEAK),
};
FIXTURE_VARIANT_ADD(dh, legacy_not_listed) {
	DH_DEFAULT, .min_bits = 112, .legacy = true, .vtype = 8, .group = 2,
	.err = NE(DH_UNLISTED),
};
FIXTURE_VARIANT_ADD(dh, not_listed) {
	DH_LEGACY, .min_bits = 64, .vtype = 8, .group = 14, .err = NE(DH_UNLISTED),
};
FIXTURE_VARIANT_ADD(dh, no_groups) {
	.vtype = 8, .group = 31, .err = NE(DH_UNLISTED),
};
FIXTURE_VARIANT_ADD(dh, user_configured_matching) {
	DH_DEFAULT, .min_bits = 112, .vtype = 9, .user_group = true, .user_strength = 112,
	.user_matches = true,
};
FIXTURE_VARIANT_ADD(dh, user_not_matching) {
	DH_DEFAULT, .min_bits = 112, .vtype = 9, .user_group = true, .user_strength = 112,
	.err = NE(DH_USER),
};
FIXTURE_VARIANT_ADD(dh, user_not_configured) {
	DH_DEFAULT, .min_bits = 112, .vtype = 9, .user_matches = true, .err = NE(DH_USER),
};
FIXTURE_VARIANT_ADD(dh, user_too_weak) {
	DH_DEFAULT, .vtype = 9, .user_group = true, .user_strength = 112,
	.user_matches = true, .min_bits = 128, .err = NE(DH_WEAK),
};
FIXTURE_VARIANT_ADD(dh, kdc_payload) {
	DH_DEFAULT, .min_bits = 112, .vtype = 10, .err = EE(VTYPE),
};

TEST(dh_preferred)
{
	struct mipkex_nego_policy pol;

	policy(&pol, 0, 0, false);
	pol.n_groups = 3;
	memcpy(pol.groups, dflt_groups, sizeof(dflt_groups));
	pol.min_dh_bits = 112;
	ASSERT_EQ(31, mipkex_nego_dh_preferred(&pol));
	pol.groups[0] = 2;	/* legacy, not allowed: skipped */
	ASSERT_EQ(15, mipkex_nego_dh_preferred(&pol));
	pol.min_dh_bits = 128;
	pol.groups[1] = 14;
	ASSERT_EQ(NE(DH_WEAK), mipkex_nego_dh_preferred(&pol));
	pol.user_group = true;
	pol.user_strength = 128;
	ASSERT_EQ(0, mipkex_nego_dh_preferred(&pol));
	pol.legacy = true;
	pol.min_dh_bits = 80;
	ASSERT_EQ(2, mipkex_nego_dh_preferred(&pol));
}

/* --- errors -------------------------------------------------------------- */

TEST(strerror_and_codes)
{
	const char *seen[__MIPKEX_NEGO_E_MAX - MIPKEX_NEGO_OK];
	int e, j;

	for (e = MIPKEX_NEGO_OK; e < __MIPKEX_NEGO_E_MAX; e++) {
		const char *s = mipkex_nego_strerror(-e);

		ASSERT_NE(NULL, s);
		ASSERT_STRNE("unknown error", s);
		ASSERT_STREQ(s, mipkex_nego_strerror(e));
		for (j = MIPKEX_NEGO_OK; j < e; j++)
			ASSERT_STRNE(seen[j - MIPKEX_NEGO_OK], s);
		seen[e - MIPKEX_NEGO_OK] = s;
	}
	ASSERT_STREQ("unknown error", mipkex_nego_strerror(__MIPKEX_NEGO_E_MAX));
	ASSERT_STREQ(mipkex_elem_strerror(EE(PROP_FIELD)),
		     mipkex_nego_strerror(EE(PROP_FIELD)));
	ASSERT_EQ(0, mipkex_nego_reply_code(0));
	ASSERT_EQ(134, mipkex_nego_reply_code(EE(XFORM_COUNT)));
	ASSERT_EQ(134, mipkex_nego_reply_code(-MIPKEX_WIRE_E_EXT_LENGTH));
	ASSERT_EQ(129, mipkex_nego_reply_code(NE(NONE_ACCEPTABLE)));
	ASSERT_EQ(128, mipkex_nego_reply_code(NE(ARG)));
	ASSERT_EQ(128, mipkex_nego_reply_code(-MIPKEX_WIRE_E_NO_SPACE));
}

TEST(respond_too_long)
{
	struct mipkex_nego_policy pol;
	struct mipkex_nego_choice c;
	u8 *big = calloc(1, 65530);

	ASSERT_NE(NULL, big);
	policy(&pol, XF_DEFAULT, 3600, false);
	ASSERT_EQ(NE(ARG), mipkex_nego_respond(big, 65530, &pol, 1800, &c));
	free(big);
}

TEST_HARNESS_MAIN
