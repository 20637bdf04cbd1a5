// SPDX-License-Identifier: GPL-2.0
/*
 * wire_gen: the reference messages of Documentation/protocol.rst section 9,
 * built with the codec's builders (kmod/wire.c, kmod/elem.c), and a JSON dump
 * of what the codec's parsers make of any message. Used by crosscheck.sh to
 * compare the codec with an implementation written from the document alone
 * and with Wireshark.
 *
 *   cc -std=gnu11 -Wall -Wextra -I kmod -o wire_gen \
 *	selftests/host/wire_gen.c kmod/wire.c kmod/elem.c
 *
 *   wire_gen [gen]              the four messages, one hex line each:
 *                               rrq (9.1, X25519), rrp (9.2), rrq-user
 *                               (7.2 user-defined group), rrq-kdc (7.3)
 *   wire_gen gen NAME           one of them
 *   wire_gen parse [VENDOR]     read a message as hex on stdin (white space
 *                               ignored), print the codec's view as JSON
 *
 * The messages use fixed values so that another implementation can build
 * the same bytes (crosscheck.py states them again): vendor 32473;
 * Identification 0xe7a1c0de5a17f00d; KEY0 SPI 0x1001, FA-HA SPI 0x2002;
 * every ciphertext, tag, public value and authenticator is "dummy(seed, n)",
 * the n bytes (seed + i) mod 256, with the seed given below.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"
#include "elem.h"

#define VENDOR		MIPKEX_VENDOR_DEFAULT
#define IDENT		0xe7a1c0de5a17f00dULL
#define KEY0_SPI	0x00001001
#define FA_HA_SPI	0x00002002
#define LIFETIME	1800
#define REALM_NAI	"@example.org"
#define MN_NAI_LEN	15	/* the encrypted NAI's plaintext length */
#define SA_KEY_LEN	32	/* key length n in the SA elements' INFO */
#define AUTH_LEN	32	/* HMAC-SHA256 */
#define MSG_MAX		4096

static void dummy(u8 *p, u8 seed, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (u8)(seed + i);
}

/* An encrypted element: INFO (plaintext length @pt_len) and tag are dummy. */
static void put_sealed(struct mipkex_wbuf *w, bool nvse, u16 vtype, u8 content,
		       u32 spi, size_t pt_len, u8 seed)
{
	u8 info[256] = { 0 };
	u8 *p;

	p = mipkex_elem_put_gp(w, nvse, VENDOR, vtype, content,
			       MIPKEX_ELEM_FLAG_E, spi, info, pt_len,
			       MIPKEX_AEAD_TAG_LEN);
	if (p)
		dummy(p, seed, pt_len + MIPKEX_AEAD_TAG_LEN);
}

static void put_auth(struct mipkex_wbuf *w, u8 type, u32 spi, u8 seed)
{
	size_t covered;
	u8 *p;

	p = mipkex_wire_put_auth(w, type, spi, AUTH_LEN, &covered);
	if (p)
		dummy(p, seed, AUTH_LEN);
}

static void put_xform(struct mipkex_wbuf *w, u8 number, u8 type, u16 id,
		      int key_bits)
{
	struct mipkex_transform xf = {
		.number = number, .type = type, .id = id, .n_keys = 1,
	};
	u8 attr[6];

	if (key_bits > 0) {
		put_unaligned_be16(14, attr);		/* Key Length */
		put_unaligned_be16(2, attr + 2);
		put_unaligned_be16((u16)key_bits, attr + 4);
		xf.attrs = attr;
		xf.attrs_len = sizeof(attr);
	}
	mipkex_elem_put_transform(w, &xf);
}

static size_t prop_begin(struct mipkex_wbuf *w, u8 number, u8 protocol_id,
			 u8 n_transforms, u32 spi)
{
	struct mipkex_proposal prop = {
		.number = number, .protocol = 50, .protocol_id = protocol_id,
		.n_transforms = n_transforms, .lifetime = 0, .spi = spi,
	};

	return mipkex_elem_proposal_begin(w, &prop);
}

/*
 * The request's SA payloads: MN-HA with proposal 1 (ESP, encryption and
 * authentication: AES-GCM-16 256 or ChaCha20-Poly1305) or proposal 2 (ESP,
 * authentication only: HMAC-SHA2-256-128); MN-FA with one proposal
 * (AES-GCM-16 128).
 */
static void put_request_sa(struct mipkex_wbuf *w)
{
	size_t sa, prop;

	sa = mipkex_elem_sa_begin(w, VENDOR, 1);
	prop = prop_begin(w, 1, 2, 2, 0x300);
	put_xform(w, 1, 1, 20, 256);
	put_xform(w, 2, 1, 28, 0);
	mipkex_elem_proposal_end(w, prop);
	prop = prop_begin(w, 2, 1, 1, 0x301);
	put_xform(w, 1, 3, 12, 0);
	mipkex_elem_proposal_end(w, prop);
	mipkex_elem_sa_end(w, sa);

	sa = mipkex_elem_sa_begin(w, VENDOR, 2);
	prop = prop_begin(w, 1, 2, 1, 0x400);
	put_xform(w, 1, 1, 20, 128);
	mipkex_elem_proposal_end(w, prop);
	mipkex_elem_sa_end(w, sa);
}

/* 9.1 up to the key exchange: fixed part, NAI, identity, SA payloads. */
static void put_request_head(struct mipkex_wbuf *w)
{
	static const u8 mac[6] = { 0x00, 0x00, 0x5e, 0x00, 0x53, 0x01 };
	struct mipkex_msg m = {
		.type = MIPKEX_MSG_RRQ, .flags = 0x02, .lifetime = LIFETIME,
		.home = { 0, 0, 0, 0 }, .ha = { 198, 51, 100, 1 },
		.coa = { 203, 0, 113, 5 }, .id = IDENT,
	};

	mipkex_wire_put_fixed(w, &m);
	mipkex_wire_put_ext(w, MIPKEX_EXT_NAI, REALM_NAI, strlen(REALM_NAI));
	put_sealed(w, false, MIPKEX_VT_NAI, 0, KEY0_SPI, MN_NAI_LEN, 0x10);
	put_sealed(w, false, MIPKEX_VT_IP, 0, KEY0_SPI, 4, 0x20);
	mipkex_elem_put_gp(w, false, VENDOR, MIPKEX_VT_L2, 0, 0, 0, mac,
			   sizeof(mac), 0);
	put_request_sa(w);
}

static void build_rrq(struct mipkex_wbuf *w)
{
	u8 pub[32];
	struct mipkex_ke ke = {
		.vtype = MIPKEX_VT_KE_GROUP, .group = 31,
		.pub = pub, .pub_len = sizeof(pub),
	};

	dummy(pub, 0x40, sizeof(pub));
	put_request_head(w);
	mipkex_elem_put_ke(w, VENDOR, &ke);
	put_auth(w, MIPKEX_EXT_MN_HA_AUTH, KEY0_SPI, 0x60);
}

static void build_rrq_user(struct mipkex_wbuf *w)
{
	static u8 prime[256], gen[1] = { 2 }, pub[256];
	struct mipkex_ke ke = {
		.vtype = MIPKEX_VT_KE_USER,
		.prime = prime, .prime_len = sizeof(prime),
		.gen = gen, .gen_len = sizeof(gen),
		.pub = pub, .pub_len = sizeof(pub),
	};

	memset(prime, 0xff, sizeof(prime));	/* a dummy 2048-bit prime */
	dummy(pub, 0xd0, sizeof(pub));
	put_request_head(w);
	mipkex_elem_put_ke(w, VENDOR, &ke);
	put_auth(w, MIPKEX_EXT_MN_HA_AUTH, KEY0_SPI, 0x60);
}

static void build_rrq_kdc(struct mipkex_wbuf *w)
{
	struct mipkex_ke ke = { .vtype = MIPKEX_VT_KE_KDC, .mode = 1 };

	put_request_head(w);
	mipkex_elem_put_ke(w, VENDOR, &ke);
	put_auth(w, MIPKEX_EXT_MN_HA_AUTH, KEY0_SPI, 0x60);
}

/* 9.2: the responder picked proposal 1, AES-GCM-16 256, for both pairs. */
static void build_rrp(struct mipkex_wbuf *w)
{
	struct mipkex_msg m = {
		.type = MIPKEX_MSG_RRP, .code = 0, .lifetime = LIFETIME,
		.home = { 192, 0, 2, 10 }, .ha = { 198, 51, 100, 1 },
		.id = IDENT,
	};
	u8 pub[32];
	struct mipkex_ke ke = {
		.vtype = MIPKEX_VT_KE_GROUP, .group = 31,
		.pub = pub, .pub_len = sizeof(pub),
	};
	size_t sa, prop;

	mipkex_wire_put_fixed(w, &m);
	mipkex_wire_put_ext(w, MIPKEX_EXT_NAI, REALM_NAI, strlen(REALM_NAI));

	sa = mipkex_elem_sa_begin(w, VENDOR, 1);
	prop = prop_begin(w, 1, 2, 1, 0x500);
	put_xform(w, 1, 1, 20, 256);
	mipkex_elem_proposal_end(w, prop);
	mipkex_elem_sa_end(w, sa);
	sa = mipkex_elem_sa_begin(w, VENDOR, 2);
	prop = prop_begin(w, 1, 2, 1, 0x600);
	put_xform(w, 1, 1, 20, 128);
	mipkex_elem_proposal_end(w, prop);
	mipkex_elem_sa_end(w, sa);

	dummy(pub, 0x50, sizeof(pub));
	mipkex_elem_put_ke(w, VENDOR, &ke);

	put_sealed(w, false, MIPKEX_VT_SA, 2, KEY0_SPI,
		   MIPKEX_SA_INFO_HDR_LEN + SA_KEY_LEN, 0x80);
	put_sealed(w, false, MIPKEX_VT_SA, 0, KEY0_SPI,
		   MIPKEX_SA_INFO_HDR_LEN + SA_KEY_LEN, 0x90);
	put_auth(w, MIPKEX_EXT_MN_HA_AUTH, KEY0_SPI, 0x70);
	put_sealed(w, true, MIPKEX_VT_SA, 1, FA_HA_SPI,
		   MIPKEX_SA_INFO_HDR_LEN + SA_KEY_LEN, 0xa0);
	put_sealed(w, true, MIPKEX_VT_SA, 0, FA_HA_SPI,
		   MIPKEX_SA_INFO_HDR_LEN + SA_KEY_LEN, 0xb0);
	put_auth(w, MIPKEX_EXT_FA_HA_AUTH, FA_HA_SPI, 0xc0);
}

static const struct {
	const char *name;
	void (*build)(struct mipkex_wbuf *w);
} messages[] = {
	{ "rrq", build_rrq },
	{ "rrp", build_rrp },
	{ "rrq-user", build_rrq_user },
	{ "rrq-kdc", build_rrq_kdc },
};

static int gen(const char *only)
{
	static u8 buf[MSG_MAX];
	struct mipkex_wbuf w;
	size_t i, j;
	int found = 0;

	for (i = 0; i < ARRAY_SIZE(messages); i++) {
		if (only && strcmp(only, messages[i].name))
			continue;
		found = 1;
		mipkex_wbuf_init(&w, buf, sizeof(buf));
		messages[i].build(&w);
		if (w.err) {
			fprintf(stderr, "wire_gen: %s: %s\n", messages[i].name,
				mipkex_wire_strerror(w.err));
			return 1;
		}
		for (j = 0; j < w.len; j++)
			printf("%02x", buf[j]);
		putchar('\n');
	}
	if (!found) {
		fprintf(stderr, "wire_gen: no message %s\n", only);
		return 2;
	}
	return 0;
}

/* --- JSON ---------------------------------------------------------------- */

static int depth;
static bool need_comma[32];

static void j_sep(void)
{
	if (need_comma[depth])
		putchar(',');
	need_comma[depth] = true;
}

static void j_key(const char *key)
{
	j_sep();
	if (key)
		printf("\"%s\":", key);
}

static void j_open(const char *key, char c)
{
	j_key(key);
	putchar(c);
	need_comma[++depth] = false;
}

static void j_close(char c)
{
	depth--;
	putchar(c);
}

static void j_uint(const char *key, unsigned long long v)
{
	j_key(key);
	printf("%llu", v);
}

static void j_int(const char *key, long v)
{
	j_key(key);
	printf("%ld", v);
}

static void j_str(const char *key, const char *s)
{
	j_key(key);
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c > 0x7e)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void j_hex(const char *key, const u8 *p, size_t n)
{
	size_t i;

	j_key(key);
	putchar('"');
	for (i = 0; i < n; i++)
		printf("%02x", p[i]);
	putchar('"');
}

static void j_ip(const char *key, const u8 *a)
{
	char s[16];

	snprintf(s, sizeof(s), "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
	j_str(key, s);
}

/* "ret" (0 or the negative error) and its string. */
static void j_err(int ret)
{
	j_int("ret", ret);
	j_str("error", ret < 0 ? mipkex_elem_strerror(ret) : "no error");
}

/* --- parse --------------------------------------------------------------- */

static void dump_proposal(const struct mipkex_proposal *prop, size_t len)
{
	struct mipkex_transform xf;
	struct mipkex_seq xs, as;
	const u8 *value;
	u16 type, alen;
	int ret;

	j_uint("length", len);
	j_uint("number", prop->number);
	j_uint("protocol", prop->protocol);
	j_uint("protocol_id", prop->protocol_id);
	j_uint("n_transforms", prop->n_transforms);
	j_uint("lifetime", prop->lifetime);
	j_uint("spi", prop->spi);
	ret = mipkex_elem_check_proposal(prop);
	j_open("check", '{');
	j_err(ret);
	j_close('}');
	j_open("transforms", '[');
	mipkex_seq_init(&xs, prop->transforms, prop->transforms_len);
	while ((ret = mipkex_elem_next_transform(&xs, &xf)) > 0) {
		j_open(NULL, '{');
		j_uint("length", MIPKEX_TRANSFORM_HDR_LEN + xf.attrs_len);
		j_uint("number", xf.number);
		j_uint("type", xf.type);
		j_uint("id", xf.id);
		j_uint("n_keys", xf.n_keys);
		j_open("attrs", '[');
		mipkex_seq_init(&as, xf.attrs, xf.attrs_len);
		while ((ret = mipkex_elem_next_attr(&as, &type, &value,
						    &alen)) > 0) {
			j_open(NULL, '{');
			j_uint("type", type);
			j_uint("len", alen);
			j_hex("value", value, alen);
			j_close('}');
		}
		j_close(']');
		if (ret < 0) {
			j_open("attr_walk", '{');
			j_err(ret);
			j_close('}');
		}
		j_close('}');
	}
	j_close(']');
	j_open("transform_walk", '{');
	j_err(ret);
	j_close('}');
}

static void dump_sa_payload(const struct mipkex_ext *ext)
{
	struct mipkex_proposal prop;
	struct mipkex_seq walk;
	u8 sub = 0;
	int ret;

	ret = mipkex_elem_sa_payload(ext, &sub, &walk);
	j_err(ret);
	if (ext->value_len < 2)
		return;
	j_uint("subtype", ext->value[0]);
	/* Walk the proposals even when the check failed, to show them. */
	mipkex_seq_init(&walk, ext->value + 2, ext->value_len - 2);
	j_open("proposals", '[');
	for (;;) {
		size_t before = walk.pos;

		ret = mipkex_elem_next_proposal(&walk, &prop);
		if (ret <= 0)
			break;
		j_open(NULL, '{');
		dump_proposal(&prop, walk.pos - before);
		j_close('}');
	}
	j_close(']');
	j_open("proposal_walk", '{');
	j_err(ret);
	j_close('}');
}

static void dump_ke(const struct mipkex_ext *ext)
{
	struct mipkex_ke ke;
	int ret;

	ret = mipkex_elem_ke(ext, &ke);
	j_err(ret);
	switch (ext->vtype) {
	case MIPKEX_VT_KE_GROUP:
		j_uint("group", ke.group);
		j_uint("pub_len", ke.pub_len);
		break;
	case MIPKEX_VT_KE_USER:
		j_uint("prime_len", ke.prime_len);
		j_uint("gen_len", ke.gen_len);
		j_uint("pub_len", ke.pub_len);
		if (ke.gen_len)
			j_hex("gen", ke.gen, ke.gen_len);
		break;
	case MIPKEX_VT_KE_KDC:
		j_uint("mode", ke.mode);
		j_uint("spi", ke.spi);
		j_uint("key_len", ke.key_len);
		break;
	}
}

static void dump_elem(const struct mipkex_ext *ext)
{
	struct mipkex_gp gp;
	int ret;

	j_open(NULL, '{');
	j_uint("off", ext->off);
	j_str("ext", ext->type == MIPKEX_EXT_CVSE ? "cvse" : "nvse");
	j_uint("vtype", ext->vtype);
	j_uint("value_len", ext->value_len);
	switch (ext->vtype) {
	case MIPKEX_VT_NAI:
	case MIPKEX_VT_IP:
	case MIPKEX_VT_L2:
	case MIPKEX_VT_SA:
		ret = mipkex_elem_gp(ext, &gp);
		j_err(ret);
		if (ext->value_len >= MIPKEX_ELEM_HDR_LEN) {
			j_uint("content", gp.content);
			j_uint("flags", gp.flags);
			j_uint("e", !!(gp.flags & MIPKEX_ELEM_FLAG_E));
			j_uint("spi", gp.spi);
			j_uint("info_len", gp.info_len);
			if (!(gp.flags & MIPKEX_ELEM_FLAG_E))
				j_hex("info", gp.info, gp.info_len);
		}
		break;
	case MIPKEX_VT_SA_PAYLOAD:
		dump_sa_payload(ext);
		break;
	case MIPKEX_VT_KE_GROUP:
	case MIPKEX_VT_KE_USER:
	case MIPKEX_VT_KE_KDC:
		dump_ke(ext);
		break;
	default:
		j_err(-MIPKEX_ELEM_E_VTYPE);
		break;
	}
	j_close('}');
}

static int read_hex(u8 *buf, size_t cap, size_t *len)
{
	int c, hi = -1;

	*len = 0;
	while ((c = getchar()) != EOF) {
		int v;

		if (isspace(c))
			continue;
		if (!isxdigit(c))
			return -1;
		v = isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (*len >= cap)
			return -1;
		buf[(*len)++] = (u8)(hi << 4 | v);
		hi = -1;
	}
	return hi < 0 ? 0 : -1;
}

static int parse(u32 vendor)
{
	static u8 in[70000];
	struct mipkex_ext_iter it;
	struct mipkex_elems el;
	struct mipkex_msg msg;
	struct mipkex_ext ext;
	size_t len;
	u8 *buf;
	int ret, wret;

	if (read_hex(in, sizeof(in), &len)) {
		fprintf(stderr, "wire_gen: bad hex on stdin\n");
		return 2;
	}
	/* An exact-size copy, so that a sanitizer sees any read past it. */
	buf = malloc(len ? len : 1);
	if (!buf)
		return 1;
	memcpy(buf, in, len);

	j_open(NULL, '{');
	j_uint("len", len);
	wret = mipkex_wire_parse(buf, len, &msg);
	j_open("parse", '{');
	j_err(wret);
	j_close('}');

	j_open("fixed", '{');
	j_uint("type", msg.type);
	if (msg.type == MIPKEX_MSG_RRQ)
		j_uint("flags", msg.flags);
	else
		j_uint("code", msg.code);
	j_uint("lifetime", msg.lifetime);
	j_ip("home", msg.home);
	j_ip("ha", msg.ha);
	if (msg.type == MIPKEX_MSG_RRQ)
		j_ip("coa", msg.coa);
	j_uint("id", msg.id);
	j_uint("fixed_len", msg.fixed_len);
	j_uint("n_ext", msg.n_ext);
	j_uint("mn_ha_off", msg.mn_ha_off);
	j_uint("mn_fa_off", msg.mn_fa_off);
	j_uint("fa_ha_off", msg.fa_ha_off);
	j_uint("unknown_critical_off", msg.unknown_critical_off);
	j_close('}');

	/* Every extension the iterator finds, even when parse failed later. */
	j_open("extensions", '[');
	ret = 0;
	if (msg.fixed_len) {
		mipkex_ext_iter_init(&it, buf, len, msg.fixed_len);
		while ((ret = mipkex_ext_next(&it, &ext)) > 0) {
			j_open(NULL, '{');
			j_uint("type", ext.type);
			j_uint("sub", ext.sub);
			j_uint("hdr_len", ext.hdr_len);
			j_uint("len", ext.len);
			j_uint("off", ext.off);
			if (ext.type == MIPKEX_EXT_CVSE ||
			    ext.type == MIPKEX_EXT_NVSE) {
				j_uint("vendor", ext.vendor);
				j_uint("vtype", ext.vtype);
				j_uint("value_len", ext.value_len);
			} else if (ext.auth) {
				j_uint("spi", ext.spi);
				j_uint("auth_len", ext.auth_len);
			} else if (ext.type == MIPKEX_EXT_NAI) {
				char s[256];

				memcpy(s, ext.data, ext.len);
				s[ext.len] = 0;
				j_str("nai", s);
			}
			j_close('}');
		}
	}
	j_close(']');
	j_open("ext_walk", '{');
	j_err(ret);
	j_close('}');

	j_open("scan", '{');
	if (wret) {
		j_int("ret", wret);
		j_str("error", "not scanned: the message does not parse");
	} else {
		ret = mipkex_elem_scan(buf, len, &msg, vendor, &el);
		j_err(ret);
		j_uint("n_elems", el.n_elems);
	}
	j_close('}');

	/* Each element of @vendor, decoded on its own. */
	j_open("elements", '[');
	if (msg.fixed_len) {
		mipkex_ext_iter_init(&it, buf, len, msg.fixed_len);
		while (mipkex_ext_next(&it, &ext) > 0)
			if ((ext.type == MIPKEX_EXT_CVSE ||
			     ext.type == MIPKEX_EXT_NVSE) &&
			    ext.vendor == vendor)
				dump_elem(&ext);
	}
	j_close(']');
	j_close('}');
	putchar('\n');
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "gen";

	if (!strcmp(cmd, "gen"))
		return gen(argc > 2 ? argv[2] : NULL);
	if (!strcmp(cmd, "parse"))
		return parse(argc > 2 ? (u32)strtoul(argv[2], NULL, 0) :
				 VENDOR);
	fprintf(stderr, "usage: wire_gen [gen [NAME]] | parse [VENDOR]\n");
	return 2;
}
