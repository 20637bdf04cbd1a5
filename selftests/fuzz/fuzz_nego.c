// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target for the SA negotiation (kmod/negotiate.c).
 *
 * Input: 4 bytes that choose the responder's policy, then the value of an
 * SA payload (vendor type 5):
 *   byte 0: bitmap of enum mipkex_xform accepted (low 5 bits), bit 7 legacy
 *   byte 1: the policy's longest lifetime, index into a table (0: none)
 *   byte 2: the registration lifetime, index into a table (65535 included)
 *   byte 3: the low 2 bits: the SPI of the policy's own MN-FA offer is
 *	   256 plus that, so that it meets the input's SPIs now and then
 * For every input:
 *  - mipkex_nego_respond() must agree with the codec on malformation: it
 *    returns an element error exactly when mipkex_elem_sa_payload() does;
 *  - an accepted choice must be acceptable: one SA per proposal of one
 *    number (no protocol twice), each with exactly one transform of the
 *    type its protocol and protocol id take, accepted by the policy
 *    (HMAC-SHA1-96 only when legacy), and a lifetime within the policy's;
 *  - the reply built from it, into a heap buffer of exactly its size (and
 *    one byte short, which must fail), must pass the initiator's check
 *    against the input as the offer, giving back the same choice with the
 *    SPIs swapped;
 *  - the initiator's check of the input against itself must not crash, and
 *    may only succeed when the input is one proposal group;
 *  - the policy's own offer must be accepted by the same policy, choosing
 *    its first proposal;
 *  - the MN-FA pair (protocol.rst 6.5), the input as the mobile node's
 *    offer against the policy's offer as the FA's, and the reverse: an
 *    agreed choice must be acceptable, each SA's two SPIs must differ, its
 *    transform must be one the FA offered, and both answers (to the mobile
 *    node and to the FA) must pass their recipient's check with the same
 *    choice; anything else is "no agreement" or the codec's verdict.
 * A failed check prints what failed and aborts.
 *
 * libFuzzer:  clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *		-fno-sanitize-recover=undefined -I kmod -I uapi \
 *		kmod/wire.c kmod/elem.c kmod/negotiate.c selftests/fuzz/fuzz_nego.c
 * Replay (any compiler): add -DFUZZ_STANDALONE and drop "fuzzer"; run with
 * files or directories as arguments (selftests/fuzz/corpus_nego).
 *
 * The seeds in corpus_nego/ are the offers of selftests/host/nego_test.c's
 * table (an AND group, ORed groups, each transform and attribute case, a
 * malformed one) behind a policy prefix.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "negotiate.h"

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz_nego: %s:%d: check failed: %s\n", \
			__FILE__, __LINE__, #cond); \
		abort(); \
	} \
} while (0)

static const u32 lifetimes[] = { 0, 60, 600, 3600, 86400, 1 };
static const u32 reg_lifetimes[] = { 1800, 0, 65535, 60, 65534, 7200 };

static bool same_pick(const struct mipkex_nego_pick *a,
		      const struct mipkex_nego_pick *b)
{
	return a->number == b->number && a->id == b->id &&
	       a->key_bits == b->key_bits && (!a->number || a->xform == b->xform);
}

static void check_choice(const struct mipkex_nego_choice *c,
			 const struct mipkex_nego_policy *pol)
{
	unsigned int i;

	CHECK(c->number && c->n_sa >= 1 && c->n_sa <= MIPKEX_NEGO_MAX_SA);
	CHECK(c->subtype >= 1 && c->subtype <= 3);
	if (c->n_sa == 2)
		CHECK(c->sa[0].protocol != c->sa[1].protocol);
	for (i = 0; i < c->n_sa; i++) {
		const struct mipkex_nego_sa *sa = &c->sa[i];
		const struct mipkex_nego_pick *p;
		bool encr = sa->protocol == MIPKEX_PROTO_ESP &&
			    sa->protocol_id == MIPKEX_PROTO_ID_ENCR;

		CHECK(sa->protocol_id == MIPKEX_PROTO_ID_AUTH || encr);
		CHECK(sa->peer_spi >= 256);
		CHECK(!!sa->encr.number == encr && !!sa->integ.number == !encr);
		p = encr ? &sa->encr : &sa->integ;
		CHECK(p->xform < __MIPKEX_XFORM_MAX);
		CHECK(pol->transforms & (1U << p->xform));
		CHECK(p->xform != MIPKEX_XFORM_HMAC_SHA1_96 || pol->legacy);
		CHECK(encr == (p->xform <= MIPKEX_XFORM_CHACHA20_POLY1305));
		CHECK(!pol->lifetime || sa->lifetime <= pol->lifetime);
	}
}

/* Build the reply of @c, check it as the initiator of @offer would. */
static void round_trip(const u8 *offer, size_t len,
		       struct mipkex_nego_choice *c, u32 reg)
{
	struct mipkex_nego_choice back;
	struct mipkex_wbuf w;
	u8 big[256], *exact;
	unsigned int i;
	size_t n;

	for (i = 0; i < c->n_sa; i++) {
		u32 spi = 0x100 + i;

		/* Never the initiator's SPI (protocol.rst 6.2) */
		CHECK(mipkex_nego_set_own_spi(c, c->sa[i].protocol,
					      c->sa[i].peer_spi) ==
		      -MIPKEX_NEGO_E_SPI_EQUAL);
		if (spi == c->sa[i].peer_spi)
			spi += 0x100;
		CHECK(!mipkex_nego_set_own_spi(c, c->sa[i].protocol, spi));
	}
	mipkex_wbuf_init(&w, big, sizeof(big));
	CHECK(!mipkex_nego_put_reply(&w, MIPKEX_VENDOR_DEFAULT, c));
	n = w.len;
	CHECK(n > 10);

	exact = malloc(n);
	CHECK(exact);
	mipkex_wbuf_init(&w, exact, n - 1);
	CHECK(mipkex_nego_put_reply(&w, MIPKEX_VENDOR_DEFAULT, c) ==
	      -MIPKEX_WIRE_E_NO_SPACE);
	mipkex_wbuf_init(&w, exact, n);
	CHECK(!mipkex_nego_put_reply(&w, MIPKEX_VENDOR_DEFAULT, c));
	CHECK(!memcmp(exact, big, n));

	/* The reply's value, alone in a block of its size */
	memmove(exact, exact + 10, n - 10);
	exact = realloc(exact, n - 10);
	CHECK(exact);
	CHECK(!mipkex_nego_check_answer(offer, len, exact, n - 10, reg,
					&back));
	free(exact);

	CHECK(back.subtype == c->subtype && back.number == c->number &&
	      back.n_sa == c->n_sa);
	for (i = 0; i < c->n_sa; i++) {
		CHECK(back.sa[i].protocol == c->sa[i].protocol);
		CHECK(back.sa[i].protocol_id == c->sa[i].protocol_id);
		CHECK(back.sa[i].peer_spi == c->sa[i].own_spi);
		CHECK(back.sa[i].own_spi == c->sa[i].peer_spi);
		CHECK(back.sa[i].lifetime == c->sa[i].lifetime);
		CHECK(same_pick(&back.sa[i].encr, &c->sa[i].encr));
		CHECK(same_pick(&back.sa[i].integ, &c->sa[i].integ));
	}
}

static void own_offer(const struct mipkex_nego_policy *pol, u32 reg)
{
	struct mipkex_nego_choice c;
	struct mipkex_wbuf w;
	u8 buf[512];
	int ret;

	mipkex_wbuf_init(&w, buf, sizeof(buf));
	ret = mipkex_nego_put_offer(&w, MIPKEX_VENDOR_DEFAULT, pol, 1, 4096,
				    0);
	if (ret == -MIPKEX_NEGO_E_EMPTY_POLICY)
		return;
	CHECK(!ret);
	CHECK(!mipkex_nego_respond(buf + 10, w.len - 10, pol, reg, &c));
	CHECK(c.number == 1 && c.n_sa == 1);
	check_choice(&c, pol);
}

/* Both answers of an MN-FA choice, checked by the MN and by the FA. */
static void mnfa_round_trip(const u8 *mn, size_t mn_len, const u8 *fa,
			    size_t fa_len, const struct mipkex_nego_choice *c,
			    u32 reg)
{
	struct mipkex_nego_choice back;
	struct mipkex_wbuf w;
	unsigned int i;
	u8 buf[256];

	mipkex_wbuf_init(&w, buf, sizeof(buf));
	CHECK(!mipkex_nego_put_mnfa_mn(&w, MIPKEX_VENDOR_DEFAULT, c));
	CHECK(!mipkex_nego_check_answer(mn, mn_len, buf + 10, w.len - 10, reg,
					&back));
	CHECK(back.number == c->number && back.n_sa == c->n_sa);
	for (i = 0; i < c->n_sa; i++) {
		CHECK(back.sa[i].peer_spi == c->sa[i].own_spi);
		CHECK(back.sa[i].own_spi == c->sa[i].peer_spi);
		CHECK(back.sa[i].lifetime == c->sa[i].lifetime);
		CHECK(same_pick(&back.sa[i].encr, &c->sa[i].encr));
		CHECK(same_pick(&back.sa[i].integ, &c->sa[i].integ));
	}

	mipkex_wbuf_init(&w, buf, sizeof(buf));
	CHECK(!mipkex_nego_put_mnfa_fa(&w, MIPKEX_VENDOR_DEFAULT, c));
	CHECK(buf[0] == 134 && buf[1] == w.len - 2);
	CHECK(!mipkex_nego_check_mnfa(fa, fa_len, buf + 10, w.len - 10, reg,
				      &back));
	CHECK(back.number == c->number && back.n_sa == c->n_sa);
	for (i = 0; i < c->n_sa; i++) {
		CHECK(back.sa[i].peer_spi == c->sa[i].peer_spi);
		CHECK(back.sa[i].own_spi == c->sa[i].own_spi);
		CHECK(back.sa[i].lifetime == c->sa[i].lifetime);
		CHECK(same_pick(&back.sa[i].encr, &c->sa[i].encr));
		CHECK(same_pick(&back.sa[i].integ, &c->sa[i].integ));
	}
}

/*
 * The MN-FA pair with the input on one side (@input_is_mn: the mobile
 * node's) and the policy's own offer, SPI @spi, on the other.
 */
static void mnfa(const u8 *value, size_t len, int codec, u8 sub,
		 const struct mipkex_nego_policy *pol, u32 reg, u32 spi,
		 bool input_is_mn)
{
	const u8 *mn, *fa;
	struct mipkex_nego_choice c;
	struct mipkex_wbuf w;
	size_t mn_len, fa_len;
	unsigned int i;
	u8 own[512];
	int ret;

	mipkex_wbuf_init(&w, own, sizeof(own));
	if (mipkex_nego_put_offer(&w, MIPKEX_VENDOR_DEFAULT, pol, 2, spi,
				  reg % 7 ? 0 : 600))
		return;
	mn = input_is_mn ? value : own + 10;
	mn_len = input_is_mn ? len : w.len - 10;
	fa = input_is_mn ? own + 10 : value;
	fa_len = input_is_mn ? w.len - 10 : len;

	ret = mipkex_nego_respond_mnfa(mn, mn_len, fa, fa_len, pol, reg, &c);
	if (codec) {
		CHECK(ret == codec);
		return;
	}
	if (ret == -MIPKEX_NEGO_E_SPI_MIXED || ret == -MIPKEX_NEGO_E_SUBTYPE) {
		CHECK(ret != -MIPKEX_NEGO_E_SUBTYPE || sub != 2);
		CHECK(!c.n_sa && !c.number);
		return;
	}
	if (ret) {
		CHECK(ret == -MIPKEX_NEGO_E_NO_AGREEMENT);
		CHECK(!mipkex_nego_reply_code(ret));
		CHECK(!c.n_sa && !c.number);
		return;
	}
	CHECK(sub == 2 && c.subtype == 2);
	check_choice(&c, pol);
	for (i = 0; i < c.n_sa; i++) {
		CHECK(c.sa[i].own_spi != c.sa[i].peer_spi);
		CHECK(c.sa[i].own_spi >= 256);
		/* The policy's offer is ESP only, SPI @spi */
		CHECK(c.sa[i].protocol == MIPKEX_PROTO_ESP);
		CHECK((input_is_mn ? c.sa[i].own_spi : c.sa[i].peer_spi) ==
		      spi);
	}
	mnfa_round_trip(mn, mn_len, fa, fa_len, &c, reg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mipkex_nego_choice c, self;
	struct mipkex_nego_policy pol;
	struct mipkex_seq props;
	struct mipkex_ext ext;
	const u8 *value;
	size_t len;
	int ret, codec;
	u32 reg;
	u8 sub;

	if (size < 4)
		return 0;
	memset(&pol, 0, sizeof(pol));
	pol.transforms = data[0] & 0x1f;
	pol.legacy = data[0] & 0x80;
	pol.lifetime = lifetimes[data[1] % ARRAY_SIZE(lifetimes)];
	reg = reg_lifetimes[data[2] % ARRAY_SIZE(reg_lifetimes)];
	value = data + 4;
	len = size - 4;
	if (len > MIPKEX_CVSE_MAX_VALUE)
		return 0;

	memset(&ext, 0, sizeof(ext));
	ext.vtype = MIPKEX_VT_SA_PAYLOAD;
	ext.value = value;
	ext.value_len = (u16)len;
	codec = mipkex_elem_sa_payload(&ext, &sub, &props);

	ret = mipkex_nego_respond(value, len, &pol, reg, &c);
	if (codec) {
		CHECK(ret == codec);
		CHECK(mipkex_nego_reply_code(ret) == 134);
	} else if (ret == -MIPKEX_NEGO_E_SPI_MIXED) {
		CHECK(mipkex_nego_reply_code(ret) == 134);
		CHECK(!c.n_sa && !c.number);
	} else if (ret) {
		CHECK(ret == -MIPKEX_NEGO_E_NONE_ACCEPTABLE);
		CHECK(!c.n_sa && !c.number);
	} else {
		check_choice(&c, &pol);
		CHECK(c.subtype == sub);
		round_trip(value, len, &c, reg);
	}

	/* The input as its own answer: only one proposal group can pass. */
	ret = mipkex_nego_check_answer(value, len, value, len, reg, &self);
	if (!ret) {
		CHECK(!codec);
		CHECK(self.n_sa >= 1 && self.n_sa <= MIPKEX_NEGO_MAX_SA);
	} else {
		CHECK(!self.n_sa);
	}

	own_offer(&pol, reg);
	mnfa(value, len, codec, sub, &pol, reg, 0x100 + data[3] % 4, true);
	mnfa(value, len, codec, sub, &pol, reg, 0x100 + data[3] % 4, false);
	return 0;
}

#ifdef FUZZ_STANDALONE
#include <dirent.h>
#include <sys/stat.h>

static unsigned long replayed;

static void replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	u8 *buf = NULL, *exact;
	size_t len = 0, cap = 0, r;

	if (!f) {
		perror(path);
		exit(2);
	}
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			buf = realloc(buf, cap);
			CHECK(buf);
		}
		r = fread(buf + len, 1, cap - len, f);
		if (!r)
			break;
		len += r;
	}
	if (ferror(f)) {
		perror(path);
		exit(2);
	}
	fclose(f);
	exact = malloc(len ? len : 1);
	CHECK(exact);
	if (len)
		memcpy(exact, buf, len);
	free(buf);
	printf("fuzz_nego: %s: %zu bytes\n", path, len);
	fflush(stdout);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	replayed++;
}

static void replay(const char *path)
{
	struct dirent **names;
	struct stat st;
	int i, n;

	if (stat(path, &st)) {
		perror(path);
		exit(2);
	}
	if (!S_ISDIR(st.st_mode)) {
		replay_file(path);
		return;
	}
	n = scandir(path, &names, NULL, alphasort);
	if (n < 0) {
		perror(path);
		exit(2);
	}
	for (i = 0; i < n; i++) {
		const char *name = names[i]->d_name;

		if (name[0] != '.' && strncmp(name, "README", 6)) {
			size_t l = strlen(path) + strlen(name) + 2;
			char *sub = malloc(l);

			CHECK(sub);
			snprintf(sub, l, "%s/%s", path, name);
			replay(sub);
			free(sub);
		}
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++)
		replay(argv[i]);
	printf("fuzz_nego: %lu inputs replayed, no failure\n", replayed);
	return 0;
}
#endif
