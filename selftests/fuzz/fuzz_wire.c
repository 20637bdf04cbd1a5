// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target for the registration wire codec (kmod/wire.c).
 *
 * For every input:
 *  - mipkex_wire_parse() must agree with a small independent model of the
 *    rules in kmod/wire.h (framing, then placement of the authentication
 *    extensions, one extension at a time): same error, and for a valid
 *    message the same extension count, offsets and unknown critical type;
 *  - a full walk with mipkex_ext_next(), from the fixed part and from byte 0,
 *    must only return extensions inside the input, with consistent fields,
 *    and end in 0 or an error that repeats;
 *  - a message that parses is built again from its parsed pieces with the
 *    builders, into a heap buffer of exactly its size, and must come out equal
 *    to the input byte for byte (reserved bytes of the CVSE and NVSE, which
 *    RFC 3115 says to send as zero and ignore, compared as zero); built into
 *    a buffer one byte smaller it must fail with E_NO_SPACE.
 * A failed check prints what failed and aborts.
 *
 * libFuzzer:  clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *		-fno-sanitize-recover=undefined -I kmod \
 *		kmod/wire.c selftests/fuzz/fuzz_wire.c
 * Replay (any compiler): add -DFUZZ_STANDALONE and drop "fuzzer"; run with
 * files or directories as arguments. See selftests/fuzz/README.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elem.h"

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz_wire: %s:%d: check failed: %s\n", \
			__FILE__, __LINE__, #cond); \
		abort(); \
	} \
} while (0)

#define E(x)	(-MIPKEX_WIRE_E_##x)

static bool is_long(u8 type)
{
	return type == 36 || type == 38 || type == 47;
}

static bool is_auth(u8 type)
{
	return type == 32 || type == 33 || type == 34;
}

struct model {
	unsigned int n_ext;
	size_t fixed_len;
	size_t auth_off[3];	/* MN-HA, MN-FA, FA-HA */
	size_t unknown_critical_off;
};

/* The rules of kmod/wire.h, written again without the codec. */
static int model_parse(const u8 *d, size_t n, struct model *m)
{
	bool last = false;
	size_t pos;

	memset(m, 0, sizeof(*m));
	if (n < 1)
		return E(SHORT_FIXED);
	if (d[0] == 1)
		m->fixed_len = 24;
	else if (d[0] == 3)
		m->fixed_len = 20;
	else
		return E(MSG_TYPE);
	if (n < m->fixed_len)
		return E(SHORT_FIXED);

	for (pos = m->fixed_len; pos < n; ) {
		u8 t = d[pos];
		size_t h = is_long(t) ? 4 : 2, l;

		if (n - pos < h)
			return E(EXT_HEADER);
		l = is_long(t) ? (size_t)d[pos + 2] << 8 | d[pos + 3] :
				 d[pos + 1];
		if (l > n - pos - h)
			return E(EXT_LENGTH);
		if (is_auth(t) && l < 5)
			return E(AUTH_SHORT);
		if ((t == 38 && l < 6) || (t == 134 && l < 8))
			return E(VSE_SHORT);
		if (last)
			return E(AFTER_LAST_AUTH);
		m->n_ext++;
		if (is_auth(t)) {
			if (m->auth_off[t - 32])
				return E(DUP_AUTH);
			if (t != 32 && !m->auth_off[0])
				return E(AUTH_ORDER);
			m->auth_off[t - 32] = pos;
			last = t != 32;
		} else if (t < 128 && !is_long(t) && !m->unknown_critical_off) {
			m->unknown_critical_off = pos;
		}
		pos += h + l;
	}
	return m->auth_off[0] ? 0 : E(NO_MN_HA_AUTH);
}

/* Check one extension the iterator returned against the raw bytes. */
static void check_ext(const u8 *d, size_t n, size_t pos,
		      const struct mipkex_ext *e)
{
	CHECK(e->off == pos);
	CHECK(e->type == d[pos]);
	CHECK(e->hdr_len == (is_long(e->type) ? 4u : 2u));
	CHECK(e->off + e->hdr_len + e->len <= n);
	CHECK(e->data == d + e->off + e->hdr_len);
	if (is_long(e->type)) {
		CHECK(e->sub == d[pos + 1]);
		CHECK(e->len == (d[pos + 2] << 8 | d[pos + 3]));
	} else {
		CHECK(e->len == d[pos + 1]);
	}
	if (is_auth(e->type)) {
		CHECK(e->len >= 5);
		CHECK(e->spi == get_unaligned_be32(e->data));
		CHECK(e->auth == e->data + 4);
		CHECK(e->auth_len == e->len - 4);
		CHECK(mipkex_wire_auth_covered(e) == e->off + 2 + 4);
	} else if (e->type == 38) {
		CHECK(e->len >= 6);
		CHECK(e->vendor == get_unaligned_be32(e->data));
		CHECK(e->vtype == get_unaligned_be16(e->data + 4));
		CHECK(e->value == e->data + 6);
		CHECK(e->value_len == e->len - 6);
	} else if (e->type == 134) {
		CHECK(e->len >= 8);
		CHECK(e->vendor == get_unaligned_be32(e->data + 2));
		CHECK(e->vtype == get_unaligned_be16(e->data + 6));
		CHECK(e->value == e->data + 8);
		CHECK(e->value_len == e->len - 8);
	}
}

/* Walk from @start to the end or an error; returns 0 or the error. */
static int walk(const u8 *d, size_t n, size_t start, unsigned int *count)
{
	struct mipkex_ext_iter it;
	struct mipkex_ext e;
	size_t pos = start;
	int ret;

	*count = 0;
	mipkex_ext_iter_init(&it, d, n, start);
	while ((ret = mipkex_ext_next(&it, &e)) == 1) {
		check_ext(d, n, pos, &e);
		pos = e.off + e.hdr_len + e.len;
		CHECK(++*count <= n / 2);	/* every extension >= 2 bytes */
	}
	CHECK(ret <= 0 && ret > -__MIPKEX_WIRE_E_MAX);
	CHECK(ret != E(NO_SPACE) && ret != E(TOO_LONG));
	if (ret == 0)
		CHECK(pos == n);
	/* The end, or the error, stays. */
	CHECK(mipkex_ext_next(&it, &e) == ret);
	return ret;
}

/* A long-format extension other than the CVSE: put whole, as raw bytes. */
static void put_long_raw(struct mipkex_wbuf *w, const struct mipkex_ext *e)
{
	static u8 tmp[4 + 65535];

	tmp[0] = e->type;
	tmp[1] = e->sub;
	put_unaligned_be16(e->len, tmp + 2);
	if (e->len)
		memcpy(tmp + 4, e->data, e->len);
	mipkex_wbuf_put(w, tmp, 4 + (size_t)e->len);
}

/*
 * Build @d again from what the parser and iterator return, into exactly @cap
 * bytes of heap (so that ASan sees a write past the end). Returns the
 * builder's error and the length in *len; the copy in @out.
 */
static int rebuild(const u8 *d, size_t n, const struct mipkex_msg *msg,
		   u8 *out, size_t cap, size_t *len)
{
	struct mipkex_ext_iter it;
	struct mipkex_wbuf w;
	struct mipkex_ext e;
	int ret;

	mipkex_wbuf_init(&w, out, cap);
	mipkex_wire_put_fixed(&w, msg);
	mipkex_ext_iter_init(&it, d, n, msg->fixed_len);
	while ((ret = mipkex_ext_next(&it, &e)) == 1) {
		size_t before = w.len, cov = 0;
		u8 *a;

		if (is_auth(e.type)) {
			a = mipkex_wire_put_auth(&w, e.type, e.spi, e.auth_len,
						 &cov);
			CHECK(!a == !!w.err);
			if (a) {
				CHECK(cov == before + 6);
				CHECK(cov == mipkex_wire_auth_covered(&e));
				CHECK(a == out + cov);
				memcpy(a, e.auth, e.auth_len);
			}
		} else if (e.type == 38) {
			mipkex_wire_put_cvse(&w, e.vendor, e.vtype, e.value,
					     e.value_len);
		} else if (e.type == 134) {
			mipkex_wire_put_nvse(&w, e.vendor, e.vtype, e.value,
					     e.value_len);
		} else if (is_long(e.type)) {
			put_long_raw(&w, &e);
		} else {
			mipkex_wire_put_ext(&w, e.type, e.data, e.len);
		}
		CHECK(w.len <= w.cap);
		CHECK(w.err || w.len == e.off + e.hdr_len + e.len);
		CHECK(!w.err || w.len == before);
	}
	CHECK(ret == 0);
	*len = w.len;
	return w.err;
}

static void check_round_trip(const u8 *d, size_t n,
			     const struct mipkex_msg *msg)
{
	struct mipkex_ext_iter it;
	struct mipkex_msg again;
	struct mipkex_ext e;
	u8 *want, *out;
	size_t len = 0;

	/* The input with the reserved bytes the builders write as zero. */
	want = malloc(n);
	CHECK(want);
	memcpy(want, d, n);
	mipkex_ext_iter_init(&it, d, n, msg->fixed_len);
	while (mipkex_ext_next(&it, &e) == 1) {
		if (e.type == 38)
			want[e.off + 1] = 0;
		else if (e.type == 134)
			want[e.off + 2] = want[e.off + 3] = 0;
	}

	out = malloc(n);
	CHECK(out);
	CHECK(rebuild(d, n, msg, out, n, &len) == 0);
	CHECK(len == n);
	CHECK(memcmp(out, want, n) == 0);

	/* Parsing the copy gives the same message. */
	CHECK(mipkex_wire_parse(out, n, &again) == 0);
	CHECK(again.type == msg->type && again.flags == msg->flags &&
	      again.code == msg->code && again.lifetime == msg->lifetime &&
	      !memcmp(again.home, msg->home, 4) &&
	      !memcmp(again.ha, msg->ha, 4) &&
	      !memcmp(again.coa, msg->coa, 4) && again.id == msg->id &&
	      again.fixed_len == msg->fixed_len &&
	      again.n_ext == msg->n_ext &&
	      again.mn_ha_off == msg->mn_ha_off &&
	      again.mn_fa_off == msg->mn_fa_off &&
	      again.fa_ha_off == msg->fa_ha_off &&
	      again.unknown_critical_off == msg->unknown_critical_off);
	free(out);

	/* One byte short: E_NO_SPACE, and nothing past the buffer (ASan). */
	out = malloc(n - 1);
	CHECK(out);
	CHECK(rebuild(d, n, msg, out, n - 1, &len) ==
	      MIPKEX_WIRE_E_NO_SPACE);
	CHECK(len <= n - 1);
	free(out);
	free(want);
}

/*
 * The protocol's elements (elem.c): scan with the default vendor id, then
 * take every element found apart once more, as a receiver would.
 */
static void check_elements(const u8 *d, size_t n, const struct mipkex_msg *msg)
{
	struct mipkex_transform xf;
	struct mipkex_proposal prop;
	struct mipkex_seq props, xs, as;
	struct mipkex_elems el;
	struct mipkex_gp gp;
	struct mipkex_ke ke;
	const u8 *value;
	u16 type, len;
	unsigned int i;
	int ret;
	u8 sub;

	ret = mipkex_elem_scan(d, n, msg, MIPKEX_VENDOR_DEFAULT, &el);
	CHECK(*mipkex_elem_strerror(ret));
	if (ret)
		return;
	if (el.nai.type)
		CHECK(mipkex_elem_gp(&el.nai, &gp) == 0);
	if (el.ip.type)
		CHECK(mipkex_elem_gp(&el.ip, &gp) == 0);
	if (el.l2.type)
		CHECK(mipkex_elem_gp(&el.l2, &gp) == 0);
	for (i = 0; i < 3; i++) {
		if (el.mn_sa[i].type)
			CHECK(mipkex_elem_gp(&el.mn_sa[i], &gp) == 0 &&
			      gp.content == i);
		if (el.fa_sa[i].type)
			CHECK(mipkex_elem_gp(&el.fa_sa[i], &gp) == 0 &&
			      gp.content == i);
	}
	if (el.ke.type)
		CHECK(mipkex_elem_ke(&el.ke, &ke) == 0);
	for (i = 1; i < 4; i++) {
		if (!el.sa_payload[i].type)
			continue;
		CHECK(mipkex_elem_sa_payload(&el.sa_payload[i], &sub,
					     &props) == 0 && sub == i);
		while ((ret = mipkex_elem_next_proposal(&props, &prop)) > 0) {
			CHECK(mipkex_elem_check_proposal(&prop) == 0);
			mipkex_seq_init(&xs, prop.transforms,
					prop.transforms_len);
			while (mipkex_elem_next_transform(&xs, &xf) > 0) {
				mipkex_seq_init(&as, xf.attrs, xf.attrs_len);
				while (mipkex_elem_next_attr(&as, &type, &value,
							     &len) > 0)
					CHECK(value + len <= d + n);
			}
		}
		CHECK(ret == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mipkex_msg msg, relaxed;
	struct model model;
	unsigned int count;
	int ret, want, w;
	const char *s;

	ret = mipkex_wire_parse(data, size, &msg);
	s = mipkex_wire_strerror(ret);
	CHECK(s && *s);
	want = model_parse(data, size, &model);
	if (ret != want) {
		fprintf(stderr, "fuzz_wire: parse says %d (%s), model %d (%s)\n",
			ret, s, want, mipkex_wire_strerror(want));
		CHECK(ret == want);
	}

	/*
	 * The parse for a foreign agent's denial differs only for a message
	 * without an MN-HA authentication extension.
	 */
	w = mipkex_wire_parse_no_mn_ha(data, size, &relaxed);
	if (ret != -MIPKEX_WIRE_E_NO_MN_HA_AUTH &&
	    ret != -MIPKEX_WIRE_E_AUTH_ORDER)
		CHECK(w == ret);
	if (!w)
		CHECK(!relaxed.mn_ha_off == !!ret);
	if (!ret)
		CHECK(relaxed.mn_ha_off == msg.mn_ha_off &&
		      relaxed.mn_fa_off == msg.mn_fa_off &&
		      relaxed.fa_ha_off == msg.fa_ha_off &&
		      relaxed.n_ext == msg.n_ext);

	/* Every input as a bare run of extensions. */
	walk(data, size, 0, &count);

	if (model.fixed_len && size >= model.fixed_len) {
		w = walk(data, size, model.fixed_len, &count);
		switch (-ret) {
		case MIPKEX_WIRE_E_EXT_HEADER:
		case MIPKEX_WIRE_E_EXT_LENGTH:
		case MIPKEX_WIRE_E_AUTH_SHORT:
		case MIPKEX_WIRE_E_VSE_SHORT:
			CHECK(w == ret);
			break;
		case MIPKEX_WIRE_OK:
		case MIPKEX_WIRE_E_NO_MN_HA_AUTH:
			CHECK(w == 0);
			CHECK(count == model.n_ext);
			break;
		}
	}

	if (ret)
		return 0;

	CHECK(msg.type == data[0]);
	CHECK(msg.fixed_len == model.fixed_len);
	CHECK(msg.n_ext == model.n_ext);
	CHECK(msg.mn_ha_off == model.auth_off[0]);
	CHECK(msg.mn_fa_off == model.auth_off[1]);
	CHECK(msg.fa_ha_off == model.auth_off[2]);
	CHECK(msg.unknown_critical_off == model.unknown_critical_off);
	check_round_trip(data, size, &msg);
	check_elements(data, size, &msg);
	return 0;
}

#ifdef FUZZ_STANDALONE
/*
 * Replay files, or every file under directories, through the target. Each
 * input is read into a heap block of exactly its size.
 */
#include <dirent.h>
#include <sys/stat.h>

static unsigned long replayed;

static void replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct mipkex_msg msg;
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
	/* Exactly @len bytes, so that a read past the end is caught. */
	exact = malloc(len ? len : 1);
	CHECK(exact);
	if (len)
		memcpy(exact, buf, len);
	free(buf);
	printf("fuzz_wire: %s: %zu bytes, %s\n", path, len,
	       mipkex_wire_strerror(mipkex_wire_parse(exact, len, &msg)));
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

		/* Hidden files and the README of regressions/ are not inputs. */
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
	printf("fuzz_wire: %lu inputs replayed, no failure\n", replayed);
	return 0;
}
#endif
