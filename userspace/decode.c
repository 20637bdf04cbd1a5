// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex decode - print Mobile IPv4 registration messages from a hex string,
 * a file of raw UDP payload or a libpcap capture, without the kernel module.
 *
 * The pipeline: an input form yields UDP payloads (with their frame and
 * addresses for a capture); dec_msg_decode() turns each into a model with the
 * module's own wire codec (kmod/wire.c, compiled into the tool), so that the
 * tool and the module never disagree about what is well formed; a printer
 * writes the model as text or JSON. Decryption (a later --keys FILE) will be
 * a stage between the model and the printers.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>
#include <pcap/pcap.h>

#include "wire.h"
#include "decode.h"

#define EXIT_USAGE		2
#define MAX_PAYLOAD		65535	/* more is not one UDP payload */
#define PEN_DOCUMENTATION	32473	/* RFC 5612 */
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------------
 * JSON writer: commas, indentation and escaping in one place.
 */

#define JW_MAX_DEPTH 8

struct jw {
	FILE *f;
	bool pretty;
	int depth;
	bool nonempty[JW_MAX_DEPTH + 1];
	bool keyed;	/* a key was just written; its value follows */
};

static void jw_newline(struct jw *w, int depth)
{
	int i;

	fputc('\n', w->f);
	for (i = 0; i < depth; i++)
		fputs("  ", w->f);
}

/* Before a key, or before a value that has no key (array element, root). */
static void jw_pre(struct jw *w)
{
	if (w->keyed) {
		w->keyed = false;
		return;
	}
	if (!w->depth)
		return;
	if (w->nonempty[w->depth])
		fputc(',', w->f);
	w->nonempty[w->depth] = true;
	if (w->pretty)
		jw_newline(w, w->depth);
}

static void jw_open(struct jw *w, char c)
{
	jw_pre(w);
	fputc(c, w->f);
	if (w->depth < JW_MAX_DEPTH)
		w->depth++;
	w->nonempty[w->depth] = false;
}

static void jw_close(struct jw *w, char c)
{
	bool nonempty = w->nonempty[w->depth];

	if (w->depth > 0)
		w->depth--;
	if (w->pretty && nonempty)
		jw_newline(w, w->depth);
	fputc(c, w->f);
	if (!w->depth)
		fputc('\n', w->f);
}

static void jw_key(struct jw *w, const char *key)
{
	jw_pre(w);
	fprintf(w->f, "\"%s\":%s", key, w->pretty ? " " : "");
	w->keyed = true;
}

static void jw_str(struct jw *w, const char *s)
{
	jw_pre(w);
	fputc('"', w->f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(w->f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(w->f, "\\u%04x", c);
		else
			fputc(c, w->f);
	}
	fputc('"', w->f);
}

static void jw_uint(struct jw *w, unsigned long long v)
{
	jw_pre(w);
	fprintf(w->f, "%llu", v);
}

static void jw_bool(struct jw *w, bool v)
{
	jw_pre(w);
	fputs(v ? "true" : "false", w->f);
}

static void jw_null(struct jw *w)
{
	jw_pre(w);
	fputs("null", w->f);
}

static void jw_hex(struct jw *w, const u8 *p, size_t len)
{
	size_t i;

	jw_pre(w);
	fputc('"', w->f);
	for (i = 0; i < len; i++)
		fprintf(w->f, "%02x", p[i]);
	fputc('"', w->f);
}

static void jw_key_uint(struct jw *w, const char *key, unsigned long long v)
{
	jw_key(w, key);
	jw_uint(w, v);
}

static void jw_key_str(struct jw *w, const char *key, const char *s)
{
	jw_key(w, key);
	jw_str(w, s);
}

static void jw_key_hex(struct jw *w, const char *key, const u8 *p, size_t len)
{
	jw_key(w, key);
	jw_hex(w, p, len);
}

/* ------------------------------------------------------------------------
 * Names.
 */

static const struct {
	u8 bit;
	char letter[2];
	const char *meaning;
} rrq_flags[] = {
	{ 0x80, "S", "simultaneous bindings" },
	{ 0x40, "B", "broadcast datagrams" },
	{ 0x20, "D", "decapsulation by the mobile node" },
	{ 0x10, "M", "minimal encapsulation" },
	{ 0x08, "G", "GRE encapsulation" },
	{ 0x04, "r", "reserved, sent as zero" },
	{ 0x02, "T", "reverse tunnelling" },
	{ 0x01, "x", "reserved, sent as zero" },
};

#define FA_DENY(s) "denied by the foreign agent: " s
#define HA_DENY(s) "denied by the home agent: " s

/* RFC 5944 section 3.4 and the RFCs that add to its registry. */
static const struct {
	u8 code;
	const char *meaning;
} reply_codes[] = {
	{ 0, "registration accepted" },
	{ 1, "registration accepted, but simultaneous mobility bindings unsupported" },
	{ 64, FA_DENY("reason unspecified") },
	{ 65, FA_DENY("administratively prohibited") },
	{ 66, FA_DENY("insufficient resources") },
	{ 67, FA_DENY("mobile node failed authentication") },
	{ 68, FA_DENY("home agent failed authentication") },
	{ 69, FA_DENY("requested lifetime too long") },
	{ 70, FA_DENY("poorly formed request") },
	{ 71, FA_DENY("poorly formed reply") },
	{ 72, FA_DENY("requested encapsulation unavailable") },
	{ 73, FA_DENY("reserved and unavailable") },
	{ 74, FA_DENY("requested reverse tunnel unavailable") },
	{ 75, FA_DENY("reverse tunnel is mandatory and 'T' bit not set") },
	{ 76, FA_DENY("mobile node too distant") },
	{ 77, FA_DENY("invalid care-of address") },
	{ 78, FA_DENY("registration timeout") },
	{ 79, FA_DENY("delivery style not supported") },
	{ 80, FA_DENY("home network unreachable (ICMP error received)") },
	{ 81, FA_DENY("home agent host unreachable (ICMP error received)") },
	{ 82, FA_DENY("home agent port unreachable (ICMP error received)") },
	{ 88, FA_DENY("home agent unreachable (other ICMP error received)") },
	{ 89, FA_DENY("vendor-specific reason") },
	{ 90, FA_DENY("non-zero home agent address required") },
	{ 96, FA_DENY("non-zero home address required") },
	{ 97, FA_DENY("missing NAI") },
	{ 98, FA_DENY("missing home agent") },
	{ 99, FA_DENY("missing home address") },
	{ 100, FA_DENY("unable to interpret the CVSE sent by the mobile node") },
	{ 101, FA_DENY("unable to interpret the CVSE sent by the home agent") },
	{ 104, FA_DENY("unknown challenge") },
	{ 105, FA_DENY("missing challenge") },
	{ 106, FA_DENY("stale challenge") },
	{ 107, FA_DENY("missing MN-FA key generation nonce reply extension") },
	{ 108, FA_DENY("mobile node failed AAA authentication") },
	{ 109, FA_DENY("home agent sent wrong challenge in reply") },
	{ 127, FA_DENY("error code for experimental use") },
	{ 128, HA_DENY("reason unspecified") },
	{ 129, HA_DENY("administratively prohibited") },
	{ 130, HA_DENY("insufficient resources") },
	{ 131, HA_DENY("mobile node failed authentication") },
	{ 132, HA_DENY("foreign agent failed authentication") },
	{ 133, HA_DENY("registration Identification mismatch") },
	{ 134, HA_DENY("poorly formed request") },
	{ 135, HA_DENY("too many simultaneous mobility bindings") },
	{ 136, HA_DENY("unknown home agent address") },
	{ 137, HA_DENY("requested reverse tunnel unavailable") },
	{ 138, HA_DENY("reverse tunnel is mandatory and 'T' bit not set") },
	{ 139, HA_DENY("requested encapsulation unavailable") },
	{ 140, HA_DENY("unable to interpret the CVSE sent by the mobile node") },
	{ 141, HA_DENY("unable to interpret the CVSE sent by the foreign agent") },
	{ 142, HA_DENY("UDP encapsulation unavailable") },
	{ 143, HA_DENY("register with the redirected home agent") },
	{ 144, HA_DENY("mobile node failed AAA authentication") },
	{ 192, HA_DENY("error code for experimental use") },
	{ 194, FA_DENY("invalid home agent address") },
};

static const char *reply_code_meaning(u8 code)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(reply_codes); i++)
		if (reply_codes[i].code == code)
			return reply_codes[i].meaning;
	return "unknown";
}

static const struct {
	u8 type;
	const char *name;
} ext_names[] = {
	{ MIPKEX_EXT_MN_HA_AUTH, "MN-HA authentication" },
	{ MIPKEX_EXT_MN_FA_AUTH, "MN-FA authentication" },
	{ MIPKEX_EXT_FA_HA_AUTH, "FA-HA authentication" },
	{ MIPKEX_EXT_GEN_AUTH, "generalized authentication" },
	{ MIPKEX_EXT_CVSE, "CVSE" },
	{ MIPKEX_EXT_PMIP_NONSKIP, "PMIPv4 non-skippable" },
	{ MIPKEX_EXT_NAI, "NAI" },
	{ MIPKEX_EXT_NVSE, "NVSE" },
	{ MIPKEX_EXT_MSG_STRING, "message string" },
};

/* Return: the extension's name, NULL if the decoder does not know it. */
static const char *ext_known_name(u8 type)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ext_names); i++)
		if (ext_names[i].type == type)
			return ext_names[i].name;
	return NULL;
}

static const char *ext_name(u8 type)
{
	const char *name = ext_known_name(type);

	if (name)
		return name;
	return MIPKEX_EXT_SKIPPABLE(type) ? "unknown (skippable)" :
					    "unknown (critical)";
}

static const char *msg_type_name(u8 type)
{
	if (type == MIPKEX_MSG_RRQ)
		return "request";
	if (type == MIPKEX_MSG_RRP)
		return "reply";
	return "unknown";
}

static bool ext_is_long(u8 type)
{
	return type == MIPKEX_EXT_GEN_AUTH || type == MIPKEX_EXT_CVSE ||
	       type == MIPKEX_EXT_PMIP_NONSKIP;
}

static bool ext_is_auth(u8 type)
{
	return type == MIPKEX_EXT_MN_HA_AUTH || type == MIPKEX_EXT_MN_FA_AUTH ||
	       type == MIPKEX_EXT_FA_HA_AUTH || type == MIPKEX_EXT_GEN_AUTH;
}

/*
 * A byte string (an NAI, a message string) as printable text: printable
 * ASCII as itself, a backslash as \\, everything else as \xNN; with @quote
 * also " as \". Return: a malloc'ed string, NULL when out of memory.
 */
static char *escape_bytes(const u8 *p, size_t len, bool quote)
{
	char *s = malloc(len * 4 + 1), *o = s;
	size_t i;

	if (!s)
		return NULL;
	for (i = 0; i < len; i++) {
		if (p[i] == '\\' || (quote && p[i] == '"')) {
			*o++ = '\\';
			*o++ = (char)p[i];
		} else if (p[i] >= 0x20 && p[i] < 0x7f) {
			*o++ = (char)p[i];
		} else {
			o += sprintf(o, "\\x%02x", p[i]);
		}
	}
	*o = '\0';
	return s;
}

static void print_hex(FILE *f, const u8 *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		fprintf(f, "%02x", p[i]);
}

static void fmt_ip(char *buf, size_t size, const u8 *a)
{
	snprintf(buf, size, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

/* ------------------------------------------------------------------------
 * The model of one decoded message.
 */

/**
 * struct dgram_meta - where a UDP payload came from, when a capture says
 * @frame: frame number in the capture, from 1
 * @sec: timestamp, seconds
 * @usec: timestamp, microseconds
 * @src: source address
 * @dst: destination address
 * @sport: source port
 * @dport: destination port
 */
struct dgram_meta {
	unsigned long frame;
	long sec;
	long usec;
	u8 src[4];
	u8 dst[4];
	u16 sport;
	u16 dport;
};

/**
 * struct dec_ext - one extension
 * @e: as the codec found it
 * @auth: an authentication extension with an SPI
 * @spi: its SPI
 * @authenticator: its authenticator
 * @auth_len: the authenticator's length
 * @covered: the authenticator covers bytes 0..@covered-1 of the message
 */
struct dec_ext {
	struct mipkex_ext e;
	bool auth;
	u32 spi;
	const u8 *authenticator;
	size_t auth_len;
	size_t covered;
};

/**
 * struct dec_msg - one decoded message
 * @buf: the UDP payload
 * @len: its length
 * @err: what mipkex_wire_parse() said (0 or a negative &enum mipkex_wire_err)
 * @err_off: where decoding stopped: the bad extension, the end of the message
 *	for a missing MN-HA authentication, 0 for a bad fixed part
 * @fixed: the fixed part was decoded into @m
 * @m: the fixed part
 * @ext: the extensions, in order, as far as they could be walked
 * @n_ext: how many
 */
struct dec_msg {
	const u8 *buf;
	size_t len;
	int err;
	size_t err_off;
	bool fixed;
	struct mipkex_msg m;
	struct dec_ext *ext;
	unsigned int n_ext;
};

static void dec_ext_fill(struct dec_ext *x)
{
	const struct mipkex_ext *e = &x->e;

	if (!ext_is_auth(e->type))
		return;
	if (e->type == MIPKEX_EXT_GEN_AUTH) {
		/* RFC 3012: long format, then SPI and authenticator */
		if (e->len < MIPKEX_AUTH_SPI_LEN)
			return;
		x->spi = get_unaligned_be32(e->data);
		x->authenticator = e->data + MIPKEX_AUTH_SPI_LEN;
		x->auth_len = e->len - MIPKEX_AUTH_SPI_LEN;
	} else {
		x->spi = e->spi;
		x->authenticator = e->auth;
		x->auth_len = e->auth_len;
	}
	x->auth = true;
	x->covered = mipkex_wire_auth_covered(e);
}

/*
 * The codec stops at the first misplaced authentication extension without
 * saying which; the verdict on a prefix that ends after extension i is the
 * verdict on extensions 0..i, so the culprit is the first extension whose
 * prefix draws the same error. Binary search: those prefixes are a suffix of
 * the list.
 */
static size_t dec_find_culprit(const struct dec_msg *d)
{
	unsigned int lo = 0, hi = d->n_ext;
	struct mipkex_msg tmp;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		const struct mipkex_ext *e = &d->ext[mid].e;

		if (mipkex_wire_parse(d->buf, e->off + e->hdr_len + e->len,
				      &tmp) == d->err)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo < d->n_ext ? d->ext[lo].e.off : d->len;
}

/* Return: 0, or -ENOMEM. */
static int dec_msg_decode(struct dec_msg *d, const u8 *buf, size_t len)
{
	struct mipkex_ext_iter it;
	int walk;

	memset(d, 0, sizeof(*d));
	d->buf = buf;
	d->len = len;
	d->err = mipkex_wire_parse(buf, len, &d->m);
	if (d->err == -MIPKEX_WIRE_E_SHORT_FIXED ||
	    d->err == -MIPKEX_WIRE_E_MSG_TYPE || !d->m.fixed_len)
		return 0;
	d->fixed = true;

	/* Every extension takes at least two bytes; one more slot for a bad one. */
	d->ext = calloc((len - d->m.fixed_len) / 2 + 1, sizeof(*d->ext));
	if (!d->ext)
		return -ENOMEM;
	mipkex_ext_iter_init(&it, buf, len, d->m.fixed_len);
	while ((walk = mipkex_ext_next(&it, &d->ext[d->n_ext].e)) > 0)
		dec_ext_fill(&d->ext[d->n_ext++]);

	if (!d->err || d->err == -MIPKEX_WIRE_E_NO_MN_HA_AUTH)
		d->err_off = len;
	else if (walk < 0 && walk == d->err)
		d->err_off = it.pos;	/* the walk stays at the bad extension */
	else
		d->err_off = dec_find_culprit(d);
	return 0;
}

static void dec_msg_free(struct dec_msg *d)
{
	free(d->ext);
	d->ext = NULL;
}

/*
 * The extension where decoding stopped, as far as its header was captured.
 * Return: false if decoding did not stop at an extension; else @type, and
 * @declared the length its header declares, -1 if the header is cut short.
 */
static bool dec_bad_ext(const struct dec_msg *d, u8 *type, long *declared)
{
	size_t off = d->err_off, left;

	if (!d->err || !d->fixed || off < d->m.fixed_len || off >= d->len)
		return false;
	left = d->len - off;
	*type = d->buf[off];
	if (ext_is_long(*type))
		*declared = left < 4 ? -1 : get_unaligned_be16(d->buf + off + 2);
	else
		*declared = left < 2 ? -1 : d->buf[off + 1];
	return true;
}

/*
 * The offset of the first extension that RFC 5944 says makes a receiver that
 * does not know it drop the message (0: none).
 */
static size_t dec_unknown_critical(const struct dec_msg *d)
{
	unsigned int i;

	for (i = 0; i < d->n_ext; i++) {
		u8 t = d->ext[i].e.type;

		if (!MIPKEX_EXT_SKIPPABLE(t) && !ext_known_name(t))
			return d->ext[i].e.off;
	}
	return 0;
}

/* ------------------------------------------------------------------------
 * The decoder's context and the two printers.
 */

struct dec_ctx {
	const struct mk_decode_opts *o;
	struct jw jw;
	unsigned int n_msgs;
	unsigned int n_bad;
	unsigned int n_items;	/* messages and skip notes printed */
};

static void text_meta(const struct dgram_meta *meta)
{
	char src[16], dst[16];

	fmt_ip(src, sizeof(src), meta->src);
	fmt_ip(dst, sizeof(dst), meta->dst);
	printf("frame %lu, time %ld.%06ld, %s:%u -> %s:%u", meta->frame,
	       meta->sec, meta->usec, src, meta->sport, dst, meta->dport);
}

static void text_ext(const struct dec_ext *x)
{
	const struct mipkex_ext *e = &x->e;
	char *s;

	printf("  extension at offset %zu: type %u %s, length %u\n", e->off,
	       e->type, ext_name(e->type), e->len);
	if (ext_is_long(e->type))
		printf("    %s: %u\n",
		       e->type == MIPKEX_EXT_CVSE ? "reserved" : "subtype",
		       e->sub);
	if (x->auth) {
		printf("    spi: 0x%08x (%u)\n    authenticator: ", x->spi,
		       x->spi);
		print_hex(stdout, x->authenticator, x->auth_len);
		printf("\n    covers bytes 0..%zu\n", x->covered - 1);
	} else if (e->type == MIPKEX_EXT_CVSE || e->type == MIPKEX_EXT_NVSE) {
		printf("    vendor: %u%s\n    vendor type: %u\n    value: ",
		       e->vendor, e->vendor == PEN_DOCUMENTATION ?
		       " (documentation PEN, RFC 5612)" : "", e->vtype);
		print_hex(stdout, e->value, e->value_len);
		printf("\n");
	} else if (e->type == MIPKEX_EXT_NAI) {
		s = escape_bytes(e->data, e->len, true);
		printf("    nai: \"%s\"\n", s ? s : "?");
		free(s);
	} else if (e->type == MIPKEX_EXT_MSG_STRING && e->len) {
		s = escape_bytes(e->data + 1, e->len - 1u, true);
		printf("    subtype: %u\n    text: \"%s\"\n", e->data[0],
		       s ? s : "?");
		free(s);
	} else if (e->len) {
		printf("    data: ");
		print_hex(stdout, e->data, e->len);
		printf("\n");
	}
	if (!MIPKEX_EXT_SKIPPABLE(e->type) && !ext_known_name(e->type))
		printf("    (a receiver that does not know it drops the message)\n");
}

static void text_msg(struct dec_ctx *c, const struct dec_msg *d,
		     const struct dgram_meta *meta)
{
	const struct mipkex_msg *m = &d->m;
	char a[16];
	unsigned int i;
	bool any = false;
	long declared;
	u8 bad_type;

	if (c->n_items++)
		printf("\n");
	printf("message %u: ", c->n_msgs);
	if (meta) {
		text_meta(meta);
		printf(", ");
	}
	printf("%zu bytes\n", d->len);
	if (d->len)
		printf("  type: %u (%s)\n", d->buf[0],
		       d->buf[0] == MIPKEX_MSG_RRQ ? "registration request" :
		       d->buf[0] == MIPKEX_MSG_RRP ? "registration reply" :
		       "unknown");
	if (d->fixed) {
		if (m->type == MIPKEX_MSG_RRQ) {
			printf("  flags: 0x%02x", m->flags);
			for (i = 0; i < ARRAY_SIZE(rrq_flags); i++) {
				if (!(m->flags & rrq_flags[i].bit))
					continue;
				printf("%s %s (%s)", any ? "," : "",
				       rrq_flags[i].letter, rrq_flags[i].meaning);
				any = true;
			}
			printf("%s\n", any ? "" : " (none)");
		} else {
			printf("  code: %u (%s)\n", m->code,
			       reply_code_meaning(m->code));
		}
		printf("  lifetime: %u%s\n", m->lifetime,
		       m->lifetime == 0 ? " (deregistration)" :
		       m->lifetime == 0xffff ? " (infinity)" : " s");
		fmt_ip(a, sizeof(a), m->home);
		printf("  home address: %s\n", a);
		fmt_ip(a, sizeof(a), m->ha);
		printf("  home agent: %s\n", a);
		if (m->type == MIPKEX_MSG_RRQ) {
			fmt_ip(a, sizeof(a), m->coa);
			printf("  care-of address: %s\n", a);
		}
		printf("  identification: %016llx\n", (unsigned long long)m->id);
	}
	for (i = 0; i < d->n_ext; i++)
		text_ext(&d->ext[i]);
	if (!d->err) {
		printf("  result: well formed\n");
		return;
	}
	printf("  error at offset %zu: %s\n", d->err_off,
	       mipkex_wire_strerror(d->err));
	if (dec_bad_ext(d, &bad_type, &declared)) {
		printf("  bad extension: type %u %s, ", bad_type,
		       ext_name(bad_type));
		if (declared < 0)
			printf("header cut short\n");
		else
			printf("length %ld\n", declared);
	}
	if (d->err_off < d->len) {
		printf("  undecoded: ");
		print_hex(stdout, d->buf + d->err_off, d->len - d->err_off);
		printf("\n");
	}
	printf("  result: malformed\n");
}

static void json_meta(struct jw *w, const struct dgram_meta *meta)
{
	char a[16];

	jw_key_uint(w, "frame", meta->frame);
	jw_key(w, "time");
	jw_pre(w);
	fprintf(w->f, "%ld.%06ld", meta->sec, meta->usec);
	fmt_ip(a, sizeof(a), meta->src);
	jw_key_str(w, "src", a);
	jw_key_uint(w, "sport", meta->sport);
	fmt_ip(a, sizeof(a), meta->dst);
	jw_key_str(w, "dst", a);
	jw_key_uint(w, "dport", meta->dport);
}

static void json_ext(struct jw *w, const struct dec_ext *x)
{
	const struct mipkex_ext *e = &x->e;
	char *s;

	jw_open(w, '{');
	jw_key_uint(w, "offset", e->off);
	jw_key_uint(w, "type", e->type);
	jw_key_str(w, "name", ext_name(e->type));
	jw_key(w, "known");
	jw_bool(w, ext_known_name(e->type) != NULL);
	jw_key(w, "critical");
	jw_bool(w, !MIPKEX_EXT_SKIPPABLE(e->type));
	jw_key_uint(w, "length", e->len);
	if (ext_is_long(e->type))
		jw_key_uint(w, "subtype", e->sub);
	jw_key_hex(w, "data", e->data, e->len);
	if (x->auth) {
		jw_key_uint(w, "spi", x->spi);
		jw_key_hex(w, "authenticator", x->authenticator, x->auth_len);
		jw_key_uint(w, "covered_len", x->covered);
	} else if (e->type == MIPKEX_EXT_CVSE || e->type == MIPKEX_EXT_NVSE) {
		jw_key_uint(w, "vendor", e->vendor);
		jw_key(w, "vendor_name");
		if (e->vendor == PEN_DOCUMENTATION)
			jw_str(w, "documentation PEN, RFC 5612");
		else
			jw_null(w);
		jw_key_uint(w, "vendor_type", e->vtype);
		jw_key_hex(w, "value", e->value, e->value_len);
	} else if (e->type == MIPKEX_EXT_NAI) {
		s = escape_bytes(e->data, e->len, false);
		jw_key_str(w, "nai", s ? s : "?");
		free(s);
	} else if (e->type == MIPKEX_EXT_MSG_STRING && e->len) {
		s = escape_bytes(e->data + 1, e->len - 1u, false);
		jw_key_uint(w, "subtype", e->data[0]);
		jw_key_str(w, "text", s ? s : "?");
		free(s);
	}
	jw_close(w, '}');
}

static void json_msg(struct dec_ctx *c, const struct dec_msg *d,
		     const struct dgram_meta *meta)
{
	const struct mipkex_msg *m = &d->m;
	struct jw *w = &c->jw;
	size_t crit = dec_unknown_critical(d);
	unsigned int i;
	char a[16];
	long declared;
	u8 bad_type;

	jw_open(w, '{');
	jw_key_uint(w, "index", c->n_msgs);
	if (meta)
		json_meta(w, meta);
	jw_key_uint(w, "length", d->len);
	jw_key(w, "valid");
	jw_bool(w, !d->err);
	if (d->len) {
		jw_key_uint(w, "type", d->buf[0]);
		jw_key_str(w, "type_name", msg_type_name(d->buf[0]));
	}
	if (d->fixed) {
		if (m->type == MIPKEX_MSG_RRQ) {
			jw_key_uint(w, "flags", m->flags);
			jw_key(w, "flag");
			jw_open(w, '{');
			for (i = 0; i < ARRAY_SIZE(rrq_flags); i++) {
				jw_key(w, rrq_flags[i].letter);
				jw_bool(w, m->flags & rrq_flags[i].bit);
			}
			jw_close(w, '}');
		} else {
			jw_key_uint(w, "code", m->code);
			jw_key_str(w, "code_meaning", reply_code_meaning(m->code));
		}
		jw_key_uint(w, "lifetime", m->lifetime);
		fmt_ip(a, sizeof(a), m->home);
		jw_key_str(w, "home_address", a);
		fmt_ip(a, sizeof(a), m->ha);
		jw_key_str(w, "home_agent", a);
		if (m->type == MIPKEX_MSG_RRQ) {
			fmt_ip(a, sizeof(a), m->coa);
			jw_key_str(w, "care_of_address", a);
		}
		jw_key(w, "identification");
		jw_pre(w);
		fprintf(w->f, "\"%016llx\"", (unsigned long long)m->id);
	}
	jw_key(w, "extensions");
	jw_open(w, '[');
	for (i = 0; i < d->n_ext; i++)
		json_ext(w, &d->ext[i]);
	jw_close(w, ']');
	jw_key(w, "unknown_critical_offset");
	if (crit)
		jw_uint(w, crit);
	else
		jw_null(w);
	jw_key(w, "error");
	if (d->err) {
		jw_open(w, '{');
		jw_key_str(w, "message", mipkex_wire_strerror(d->err));
		jw_key_uint(w, "offset", d->err_off);
		if (dec_bad_ext(d, &bad_type, &declared)) {
			jw_key_uint(w, "ext_type", bad_type);
			jw_key(w, "ext_length");
			if (declared < 0)
				jw_null(w);
			else
				jw_uint(w, (unsigned long long)declared);
		}
		jw_key_hex(w, "undecoded", d->buf + d->err_off,
			   d->len - d->err_off);
		jw_close(w, '}');
	} else {
		jw_null(w);
	}
	jw_close(w, '}');
}

/* Decode and print one UDP payload. Return: 0, or -ENOMEM. */
static int dec_payload(struct dec_ctx *c, const u8 *buf, size_t len,
		       const struct dgram_meta *meta)
{
	struct dec_msg d;

	if (dec_msg_decode(&d, buf, len)) {
		dec_msg_free(&d);
		fprintf(stderr, "mipkex: decode: out of memory\n");
		return -ENOMEM;
	}
	c->n_msgs++;
	if (d.err)
		c->n_bad++;
	if (c->o->json)
		json_msg(c, &d, meta);
	else
		text_msg(c, &d, meta);
	dec_msg_free(&d);
	return 0;
}

/* A port-434 datagram the decoder had to leave alone. */
static void dec_skipped(struct dec_ctx *c, const struct dgram_meta *meta,
			const char *why)
{
	if (c->o->json) {
		jw_open(&c->jw, '{');
		json_meta(&c->jw, meta);
		jw_key_str(&c->jw, "skipped", why);
		jw_close(&c->jw, '}');
		return;
	}
	if (c->n_items++)
		printf("\n");
	text_meta(meta);
	printf(": %s, skipped\n", why);
}

/* ------------------------------------------------------------------------
 * Input forms.
 */

__attribute__((format(printf, 1, 2)))
static int decode_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mipkex: decode: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry \"mipkex --help\".\n");
	return EXIT_USAGE;
}

static int hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/*
 * Every argument is part of one hex string; whitespace and colons are
 * ignored. Return: 0 with @buf and @len filled, or EXIT_USAGE.
 */
static int hex_parse(int argc, char **argv, u8 *buf, size_t cap, size_t *len)
{
	size_t digits = 0;
	int i, v, hi = 0;
	const char *p;

	*len = 0;
	for (i = 0; i < argc; i++) {
		for (p = argv[i]; *p; p++) {
			if (*p == ':' || *p == ' ' || *p == '\t' ||
			    *p == '\n' || *p == '\r')
				continue;
			v = hex_digit(*p);
			if (v < 0)
				return decode_usage("hex: '%c' is not a hex digit",
						    *p);
			if (!(digits++ & 1)) {
				hi = v;
				continue;
			}
			if (*len == cap)
				return decode_usage("hex: more than %zu bytes, longer than a UDP payload",
						    cap);
			buf[(*len)++] = (u8)(hi << 4 | v);
		}
	}
	if (!digits)
		return decode_usage("hex: no bytes");
	if (digits & 1)
		return decode_usage("hex: odd number of hex digits");
	return 0;
}

static int src_file(struct dec_ctx *c, const char *path)
{
	static u8 buf[MAX_PAYLOAD + 1];
	bool is_stdin = !strcmp(path, "-");
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	size_t len;
	int err;

	if (!f) {
		fprintf(stderr, "mipkex: decode: %s: %s\n", path, strerror(errno));
		return 1;
	}
	len = fread(buf, 1, sizeof(buf), f);
	err = ferror(f);
	if (!is_stdin)
		fclose(f);
	if (err) {
		fprintf(stderr, "mipkex: decode: %s: read error\n", path);
		return 1;
	}
	if (len > MAX_PAYLOAD) {
		fprintf(stderr, "mipkex: decode: %s: longer than a UDP payload (%d bytes)\n",
			path, MAX_PAYLOAD);
		return 1;
	}
	return dec_payload(c, buf, len, NULL) ? 1 : 0;
}

#define ETH_P_IPV4	0x0800
#define ETH_P_8021Q	0x8100
#define ETH_P_8021AD	0x88a8
#define IP_MF		0x2000
#define IP_OFFMASK	0x1fff

/*
 * One IPv4 datagram of @len captured bytes. Nothing in a header is trusted:
 * every length is checked against what was captured before it is used.
 * Return: 0, or -ENOMEM.
 */
static int pcap_ipv4(struct dec_ctx *c, const u8 *ip, size_t len,
		     struct dgram_meta *meta)
{
	size_t ihl, tot, ulen, seen;
	const u8 *udp;
	u16 frag;

	if (len < 20 || ip[0] >> 4 != 4)
		return 0;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	tot = get_unaligned_be16(ip + 2);
	if (ihl < 20 || ihl > len || tot < ihl || ip[9] != IPPROTO_UDP)
		return 0;
	frag = get_unaligned_be16(ip + 6);
	if (frag & IP_OFFMASK)
		return 0;	/* not the first fragment: no UDP header to see */
	memcpy(meta->src, ip + 12, 4);
	memcpy(meta->dst, ip + 16, 4);
	udp = ip + ihl;
	/* The ports, if captured, even when the rest is not; never padding. */
	seen = tot < len ? tot : len;
	if (seen - ihl < 4)
		return 0;
	meta->sport = get_unaligned_be16(udp);
	meta->dport = get_unaligned_be16(udp + 2);
	if (meta->sport != MIPKEX_MIP_PORT && meta->dport != MIPKEX_MIP_PORT)
		return 0;
	if (frag & IP_MF) {
		dec_skipped(c, meta, "fragment");
		return 0;
	}
	if (tot > len) {
		dec_skipped(c, meta, "truncated capture");
		return 0;
	}
	if (tot - ihl < 8) {
		dec_skipped(c, meta, "bad UDP header");
		return 0;
	}
	ulen = get_unaligned_be16(udp + 4);
	if (ulen < 8 || ulen > tot - ihl) {
		dec_skipped(c, meta, "bad UDP length");
		return 0;
	}
	return dec_payload(c, udp + 8, ulen - 8, meta);
}

/* Return: 0, or -ENOMEM. */
static int pcap_frame(struct dec_ctx *c, int dlt, const struct pcap_pkthdr *h,
		      const u8 *p, unsigned long frame)
{
	struct dgram_meta meta = {
		.frame = frame,
		.sec = (long)h->ts.tv_sec,
		.usec = (long)h->ts.tv_usec,
	};
	size_t len = h->caplen, off;
	u16 proto;
	int vlans = 0;

	switch (dlt) {
	case DLT_EN10MB:
		if (len < 14)
			return 0;
		proto = get_unaligned_be16(p + 12);
		off = 14;
		while ((proto == ETH_P_8021Q || proto == ETH_P_8021AD) &&
		       vlans++ < 2) {
			if (len - off < 4)
				return 0;
			proto = get_unaligned_be16(p + off + 2);
			off += 4;
		}
		break;
	case DLT_LINUX_SLL:
		if (len < 16)
			return 0;
		proto = get_unaligned_be16(p + 14);
		off = 16;
		break;
	case DLT_LINUX_SLL2:
		if (len < 20)
			return 0;
		proto = get_unaligned_be16(p);
		off = 20;
		break;
	default:	/* DLT_RAW, DLT_IPV4: the version nibble decides */
		proto = ETH_P_IPV4;
		off = 0;
		break;
	}
	if (proto != ETH_P_IPV4)
		return 0;
	return pcap_ipv4(c, p + off, len - off, &meta);
}

static int src_pcap(struct dec_ctx *c, const char *path)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	unsigned long frame = 0;
	const u_char *p;
	pcap_t *pc;
	int dlt, ret, status = 0;

	errbuf[0] = '\0';
	pc = pcap_open_offline(path, errbuf);
	if (!pc) {
		fprintf(stderr, "mipkex: decode: %s\n", errbuf);
		return 1;
	}
	dlt = pcap_datalink(pc);
	switch (dlt) {
	case DLT_EN10MB:
	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2:
	case DLT_RAW:
#ifdef DLT_IPV4
	case DLT_IPV4:
#endif
		break;
	default:
		fprintf(stderr, "mipkex: decode: %s: link type %s is not Ethernet, Linux cooked or raw IP\n",
			path, pcap_datalink_val_to_name(dlt) ?
			pcap_datalink_val_to_name(dlt) : "unknown");
		pcap_close(pc);
		return 1;
	}
	while ((ret = pcap_next_ex(pc, &h, &p)) == 1) {
		if (pcap_frame(c, dlt, h, p, ++frame)) {
			status = 1;
			break;
		}
	}
	if (ret == PCAP_ERROR) {
		fprintf(stderr, "mipkex: decode: %s: %s\n", path, pcap_geterr(pc));
		status = 1;
	}
	pcap_close(pc);
	return status;
}

/* ------------------------------------------------------------------------
 * The command.
 */

enum dec_source { SRC_HEX, SRC_FILE, SRC_PCAP };

static const char *const source_names[] = {
	[SRC_HEX] = "hex",
	[SRC_FILE] = "file",
	[SRC_PCAP] = "pcap",
};

/* An input form by name or unambiguous prefix; -1 if none. */
static int find_source(const char *arg)
{
	size_t n = strlen(arg);
	int i, found = -1;

	for (i = 0; i < (int)ARRAY_SIZE(source_names); i++) {
		if (!strcmp(arg, source_names[i]))
			return i;
		if (n && !strncmp(arg, source_names[i], n))
			found = found == -1 ? i : -2;
	}
	return found < 0 ? -1 : found;
}

int mk_cmd_decode(int argc, char **argv, const struct mk_decode_opts *opts)
{
	struct dec_ctx c = {
		.o = opts,
		.jw = { .f = stdout, .pretty = opts->pretty },
	};
	static u8 hexbuf[MAX_PAYLOAD];
	size_t hexlen = 0;
	int i = 0, src, ret;

	/* The decode command's own options; --keys FILE will go here. */
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		return decode_usage("unknown option \"%s\"", argv[i]);
	}
	argc -= i;
	argv += i;

	if (argc < 1)
		return decode_usage("what to decode? (hex HEX, file PATH or pcap PATH)");
	src = find_source(argv[0]);
	if (src < 0)
		return decode_usage("unknown input \"%s\" (hex, file or pcap)",
				    argv[0]);
	if (argc < 2)
		return decode_usage("%s: missing %s", source_names[src],
				    src == SRC_HEX ? "HEX" : "PATH");
	if (src != SRC_HEX && argc > 2)
		return decode_usage("%s: unexpected \"%s\"", source_names[src],
				    argv[2]);

	/* A bad hex string is a usage error: found before any output. */
	if (src == SRC_HEX) {
		ret = hex_parse(argc - 1, argv + 1, hexbuf, sizeof(hexbuf),
				&hexlen);
		if (ret)
			return ret;
	}
	if (opts->json)
		jw_open(&c.jw, '[');
	switch (src) {
	case SRC_HEX:
		ret = dec_payload(&c, hexbuf, hexlen, NULL) ? 1 : 0;
		break;
	case SRC_FILE:
		ret = src_file(&c, argv[1]);
		break;
	default:
		ret = src_pcap(&c, argv[1]);
		break;
	}
	if (opts->json)
		jw_close(&c.jw, ']');
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "mipkex: decode: write error\n");
		return 1;
	}
	if (ret)
		return ret;
	return c.n_bad ? 1 : 0;
}
