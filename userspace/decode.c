// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex decode - print Mobile IPv4 registration messages from a hex string,
 * a file of raw UDP payload or a libpcap capture, without the kernel module.
 *
 * The pipeline: an input form yields UDP payloads (with their frame and
 * addresses for a capture); dec_msg_decode() turns each into a model with the
 * module's own codecs (kmod/wire.c for the RFC 5944 framing, kmod/elem.c for
 * the mipkex elements in the vendor extensions of the configured vendor, both
 * compiled into the tool), so that the tool and the module never disagree
 * about what is well formed; a printer writes the model as text or JSON.
 * With --keys FILE, a cryptographic stage between the model and the printers
 * (dec_crypto()) verifies the MN-HA and FA-HA authenticators and opens the
 * encrypted elements (protocol.rst section 8) with the keys of a
 * configuration file, through decrypt.c (OpenSSL's libcrypto); it adds its
 * verdicts and plaintexts to the model, which both printers show.
 *
 * A key in clear (INFO of a security association element with E = 0) is
 * never printed, not even as part of a hex dump: see dec_redact(). A key
 * that --keys unwraps is shown by its fingerprint, and in full only with
 * --show-keys.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>
#include <pcap/pcap.h>

#include "elem.h"
#include "decode.h"
#include "decrypt.h"

#define EXIT_USAGE		2
#define MAX_PAYLOAD		65535	/* more is not one UDP payload */
#define PEN_DOCUMENTATION	32473	/* RFC 5612 */
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------------
 * JSON writer: commas, indentation and escaping in one place.
 */

#define JW_MAX_DEPTH 16	/* message > elements > ... > attribute is 10 */

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

/* Names of the mipkex elements (Documentation/protocol.rst sections 4-7). */

static const char *const vtype_names[] = {
	[MIPKEX_VT_NAI] = "nai",
	[MIPKEX_VT_IP] = "ip",
	[MIPKEX_VT_L2] = "l2",
	[MIPKEX_VT_SA] = "sa",
	[MIPKEX_VT_SA_PAYLOAD] = "sa-payload",
	[MIPKEX_VT_PROPOSAL] = "proposal",
	[MIPKEX_VT_TRANSFORM] = "transform",
	[MIPKEX_VT_KE_GROUP] = "ke-group",
	[MIPKEX_VT_KE_USER] = "ke-user",
	[MIPKEX_VT_KE_KDC] = "ke-kdc",
};

static const char *vtype_name(u16 vtype)
{
	if (vtype < ARRAY_SIZE(vtype_names) && vtype_names[vtype])
		return vtype_names[vtype];
	return "reserved";
}

/* Content types of the general-purpose elements, by vendor type (5.1-5.4). */
static const char *const content_names[][3] = {
	[MIPKEX_VT_NAI] = { "mn", "fa", "ha" },
	[MIPKEX_VT_IP] = { "mn-or-ha", "router" },
	[MIPKEX_VT_L2] = { "ethernet", "imsi", "min" },
	[MIPKEX_VT_SA] = { "mn-fa", "fa-ha", "mn-ha" },
};

/* Return: the content type's name, NULL if the element does not have it. */
static const char *content_name(u16 vtype, u8 content)
{
	if (vtype < MIPKEX_VT_NAI || vtype > MIPKEX_VT_SA || content >= 3)
		return NULL;
	return content_names[vtype][content];
}

static const char *const sa_subtype_names[] = {
	[1] = "mn-ha", [2] = "mn-fa", [3] = "fa-ha",
};

static const char *sa_subtype_name(u8 sub)
{
	return sub >= 1 && sub <= 3 ? sa_subtype_names[sub] : NULL;
}

static const char *protocol_name(u8 protocol)
{
	return protocol == 50 ? "ESP" : protocol == 51 ? "AH" : NULL;
}

static const char *protocol_id_name(u8 id)
{
	return id == 1 ? "authentication only" :
	       id == 2 ? "encryption and authentication" : NULL;
}

#define IKEV2_TRANSFORM_ENCR	1
#define IKEV2_TRANSFORM_INTEG	3
#define IKEV2_ATTR_KEY_LENGTH	14

static const char *xform_type_name(u8 type)
{
	return type == IKEV2_TRANSFORM_ENCR ? "ENCR" :
	       type == IKEV2_TRANSFORM_INTEG ? "INTEG" : NULL;
}

/* The transform ids protocol.rst 6.3 uses (IANA IKEv2 registries). */
static const struct {
	u8 type;
	u16 id;
	const char *name;
} xform_ids[] = {
	{ IKEV2_TRANSFORM_ENCR, 20, "ENCR_AES_GCM_16" },
	{ IKEV2_TRANSFORM_ENCR, 28, "ENCR_CHACHA20_POLY1305" },
	{ IKEV2_TRANSFORM_INTEG, 12, "AUTH_HMAC_SHA2_256_128" },
	{ IKEV2_TRANSFORM_INTEG, 2, "AUTH_HMAC_SHA1_96" },
};

static const char *xform_id_name(u8 type, u16 id)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(xform_ids); i++)
		if (xform_ids[i].type == type && xform_ids[i].id == id)
			return xform_ids[i].name;
	return NULL;
}

static const char *attr_name(u16 type)
{
	return type == IKEV2_ATTR_KEY_LENGTH ? "key length" : NULL;
}

/* The DH groups of protocol.rst 7.1. */
static const struct {
	u16 group;
	const char *name;
	bool legacy;
} dh_groups[] = {
	{ 31, "Curve25519", false },
	{ 14, "MODP-2048", false },
	{ 15, "MODP-3072", false },
	{ 1, "MODP-768", true },
	{ 2, "MODP-1024", true },
};

/* Return: the group's name, NULL if protocol.rst does not define it. */
static const char *dh_group_name(u16 group, bool *legacy)
{
	size_t i;

	*legacy = false;
	for (i = 0; i < ARRAY_SIZE(dh_groups); i++) {
		if (dh_groups[i].group == group) {
			*legacy = dh_groups[i].legacy;
			return dh_groups[i].name;
		}
	}
	return NULL;
}

static const char *kdc_mode_name(u8 mode)
{
	return mode == 1 ? "stateful" : mode == 2 ? "semi-stateful" : NULL;
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
 * @elem: its index in &dec_msg.el if it is a CVSE or NVSE of the configured
 *	vendor, else -1
 * @redacted: how many bytes at the end of it are a key in clear, which are
 *	never printed (dec_redact())
 */
/**
 * enum dec_state - what --keys made of an authenticator or an encrypted
 *	element
 * @DS_NONE: nothing (no --keys, or nothing to check)
 * @DS_OK: the authenticator verifies; the element decrypts
 * @DS_FAILED: it does not (&dec_verdict.why says why)
 * @DS_NO_KEY: the key file has no key for it
 * @DS_SKIPPED: not checked, not decrypted (&dec_verdict.why says why)
 */
enum dec_state { DS_NONE, DS_OK, DS_FAILED, DS_NO_KEY, DS_SKIPPED };

/**
 * struct dec_verdict - the outcome of one check under the key file
 * @state: &enum dec_state
 * @alg: the &enum mk_mac or &enum mk_aead used, -1 if none
 * @keyed: a key was found: @peer, @key_spi and @peer_addr say which
 * @peer: an FA-HA peer's key, not a KEY0
 * @key_spi: the SPI of that key
 * @peer_addr: the peer's address
 * @why: for DS_FAILED, DS_NO_KEY and DS_SKIPPED, the reason
 */
struct dec_verdict {
	enum dec_state state;
	int alg;
	bool keyed;
	bool peer;
	u32 key_spi;
	u8 peer_addr[4];
	char why[192];
};

struct dec_ext {
	struct mipkex_ext e;
	bool auth;
	u32 spi;
	const u8 *authenticator;
	size_t auth_len;
	size_t covered;
	int elem;
	size_t redacted;
	struct dec_verdict v;
};

/**
 * struct dec_open - an encrypted element opened with --keys
 * @v: the outcome
 * @encrypted: the element counts among its direction's encrypted elements
 *	(protocol.rst 8.2), so it has @direction and @index
 * @direction: the nonce's direction (1 MN to HA, 2 HA to MN, 3 HA to FA)
 * @index: its position among the encrypted elements of @direction
 * @pt: the plaintext (malloc'ed, zeroised when freed), when @v.state is DS_OK
 * @pt_len: its length
 * @bad: when the plaintext does not have its type's layout, why
 * @fpr: a security association element: the delivered key's fingerprint
 * @have_fpr: @fpr is set
 */
struct dec_open {
	struct dec_verdict v;
	bool encrypted;
	u8 direction;
	unsigned int index;
	u8 *pt;
	size_t pt_len;
	char bad[96];
	u8 fpr[MK_FPR_LEN];
	bool have_fpr;
};

/**
 * struct dec_elem - one mipkex element: a CVSE or NVSE of the configured
 *	vendor (protocol.rst section 3.3)
 * @x: its extension
 * @err: 0, or what is wrong with it (a negative &enum mipkex_elem_err)
 * @err_off: where in the message: its extension, or the proposal, transform
 *	or attribute of an SA payload that is wrong
 */
struct dec_elem {
	const struct dec_ext *x;
	int err;
	size_t err_off;
	struct dec_open o;
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
 * @vendor: the vendor id whose CVSEs and NVSEs carry mipkex elements
 * @el: the mipkex elements among @ext, in order
 * @n_el: how many
 * @elem_err: when the framing is well formed (@err is 0), what
 *	mipkex_elem_scan() said about the elements (0 or a negative
 *	&enum mipkex_elem_err)
 * @elem_culprit: when @elem_err is set, the index in @ext of the element it
 *	is about
 * @keys: the key table of --keys, or NULL
 * @show_keys: --show-keys: print the keys the elements deliver
 * @meta: where the message came from, when a capture says (FA-HA peers are
 *	looked up by its addresses)
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
	u32 vendor;
	struct dec_elem *el;
	unsigned int n_el;
	int elem_err;
	unsigned int elem_culprit;
	const struct mk_keytab *keys;
	bool show_keys;
	const struct dgram_meta *meta;
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

/* Offset in the message of a byte inside it. */
static size_t dec_off(const struct dec_msg *d, const u8 *p)
{
	return (size_t)(p - d->buf);
}

/*
 * A security association element (vendor type 4) with E = 0 carries a key in
 * clear at the end of its INFO, hence at the end of its extension. The
 * decoder never prints it: neither decoded nor in a hex dump (the
 * extension's data and value, the undecoded bytes of a malformed message).
 * Whatever follows the element header and the SA-INFO header is withheld,
 * whether or not the element is otherwise well formed.
 */
static void dec_redact(struct dec_ext *x)
{
	const struct mipkex_ext *e = &x->e;
	size_t keep = MIPKEX_ELEM_HDR_LEN + MIPKEX_SA_INFO_HDR_LEN;

	if (e->vtype == MIPKEX_VT_SA && e->value_len > keep &&
	    !(e->value[1] & MIPKEX_ELEM_FLAG_E))
		x->redacted = e->value_len - keep;
}

/*
 * How many of the bytes from @off to the end of the message may be printed:
 * they stop at the first key in clear, in a walked extension or in the one
 * the walk stopped at, whose header is read here as far as it was captured.
 */
static size_t dec_printable(const struct dec_msg *d, size_t off)
{
	size_t keep = MIPKEX_ELEM_HDR_LEN + MIPKEX_SA_INFO_HDR_LEN;
	size_t end = d->len, start, stop, bad = d->err_off;
	const u8 *b = d->buf + bad;
	unsigned int i;

	if (d->err && d->fixed && bad >= d->m.fixed_len &&
	    d->len - bad > 10 + keep &&
	    (b[0] == MIPKEX_EXT_CVSE || b[0] == MIPKEX_EXT_NVSE) &&
	    get_unaligned_be32(b + 4) == d->vendor &&
	    get_unaligned_be16(b + 8) == MIPKEX_VT_SA &&
	    !(b[11] & MIPKEX_ELEM_FLAG_E))
		end = bad + 10 + keep > off ? bad + 10 + keep : off;
	for (i = 0; i < d->n_ext; i++) {
		const struct mipkex_ext *e = &d->ext[i].e;

		if (!d->ext[i].redacted)
			continue;
		stop = e->off + e->hdr_len + e->len;
		start = stop - d->ext[i].redacted;
		if (stop > off && start < end)
			end = start > off ? start : off;
	}
	return end - off;
}

/*
 * Where in an SA payload mipkex_elem_sa_payload() found @err: it says what is
 * wrong but not where. The verdict on the payload cut after proposal k is the
 * verdict on proposals 0..k, so the culprit is the first proposal whose cut
 * draws @err (none if the header alone does); inside it, the transform or
 * attribute whose iterator draws @err, else the proposal itself.
 */
static size_t dec_sa_where(const struct dec_msg *d, const struct mipkex_ext *e,
			   int err)
{
	struct mipkex_ext cut = *e;
	struct mipkex_proposal prop;
	struct mipkex_transform xf;
	struct mipkex_seq ps, xs, as;
	const u8 *at, *xat, *aat, *value;
	u16 type, len;
	int r;
	u8 sub;

	if (e->value_len < 2)
		return e->off;
	cut.value_len = 2;
	if (mipkex_elem_sa_payload(&cut, &sub, &xs) == err)
		return e->off;
	mipkex_seq_init(&ps, e->value + 2, e->value_len - 2u);
	for (;;) {
		at = ps.buf + ps.pos;
		r = mipkex_elem_next_proposal(&ps, &prop);
		if (r < 0)
			return r == err ? dec_off(d, at) : e->off;
		if (!r)
			return e->off;
		cut.value_len = (u16)(2 + ps.pos);
		if (mipkex_elem_sa_payload(&cut, &sub, &xs) == err)
			break;
	}
	mipkex_seq_init(&xs, prop.transforms, prop.transforms_len);
	for (;;) {
		xat = xs.buf + xs.pos;
		r = mipkex_elem_next_transform(&xs, &xf);
		if (r < 0)
			return dec_off(d, r == err ? xat : at);
		if (!r)
			return dec_off(d, at);
		mipkex_seq_init(&as, xf.attrs, xf.attrs_len);
		for (;;) {
			aat = as.buf + as.pos;
			r = mipkex_elem_next_attr(&as, &type, &value, &len);
			if (r < 0)
				return dec_off(d, r == err ? aat : at);
			if (!r)
				break;
		}
	}
}

/*
 * What the codec's parser of the element's vendor type says about it, and
 * where. Rules that involve the element's place in the message (which side
 * of the MN-HA authentication, CVSE or NVSE, repeated) are mipkex_elem_scan()'s
 * alone; dec_elems() adds its verdict to the element it blames.
 */
static int dec_elem_verdict(const struct dec_msg *d, const struct mipkex_ext *e,
			    size_t *off)
{
	struct mipkex_seq props;
	struct mipkex_gp gp;
	struct mipkex_ke ke;
	int ret = 0;
	u8 sub;

	*off = e->off;
	switch (e->vtype) {
	case MIPKEX_VT_NAI:
	case MIPKEX_VT_IP:
	case MIPKEX_VT_L2:
	case MIPKEX_VT_SA:
		return mipkex_elem_gp(e, &gp);
	case MIPKEX_VT_SA_PAYLOAD:
		ret = mipkex_elem_sa_payload(e, &sub, &props);
		if (ret)
			*off = dec_sa_where(d, e, ret);
		return ret;
	case MIPKEX_VT_KE_GROUP:
	case MIPKEX_VT_KE_USER:
	case MIPKEX_VT_KE_KDC:
		return mipkex_elem_ke(e, &ke);
	}
	return 0;
}

/*
 * The extension mipkex_elem_scan() stopped at. As for the framing, the
 * verdict on a prefix that ends after extension i is the verdict on
 * extensions 0..i: the culprit is the first extension whose prefix fails.
 */
static unsigned int dec_elem_culprit(const struct dec_msg *d)
{
	unsigned int lo = 0, hi = d->n_ext;
	struct mipkex_elems el;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		const struct mipkex_ext *e = &d->ext[mid].e;

		if (mipkex_elem_scan(d->buf, e->off + e->hdr_len + e->len,
				     &d->m, d->vendor, &el))
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* Find, check and redact the mipkex elements. Return: 0, or -ENOMEM. */
static int dec_elems(struct dec_msg *d)
{
	struct mipkex_elems scan;
	struct dec_elem *el;
	struct dec_ext *x;
	unsigned int i;

	d->el = calloc(d->n_ext + 1u, sizeof(*d->el));
	if (!d->el)
		return -ENOMEM;
	for (i = 0; i < d->n_ext; i++) {
		x = &d->ext[i];
		x->elem = -1;
		if ((x->e.type != MIPKEX_EXT_CVSE &&
		     x->e.type != MIPKEX_EXT_NVSE) || x->e.vendor != d->vendor)
			continue;
		x->elem = (int)d->n_el;
		el = &d->el[d->n_el++];
		el->x = x;
		dec_redact(x);
		el->err = dec_elem_verdict(d, &x->e, &el->err_off);
	}
	/*
	 * The message's verdict is the scan's, which needs a well-formed frame;
	 * like the framing, it stops at the first error.
	 */
	if (d->err)
		return 0;
	d->elem_err = mipkex_elem_scan(d->buf, d->len, &d->m, d->vendor, &scan);
	if (!d->elem_err)
		return 0;
	d->elem_culprit = dec_elem_culprit(d);
	if (d->elem_culprit < d->n_ext && d->ext[d->elem_culprit].elem >= 0) {
		el = &d->el[d->ext[d->elem_culprit].elem];
		if (el->err != d->elem_err) {	/* a rule of the scan's own */
			el->err = d->elem_err;
			el->err_off = el->x->e.off;
		}
	}
	return 0;
}

/* Return: 0, or -ENOMEM. */
static int dec_msg_decode(struct dec_msg *d, const u8 *buf, size_t len,
			  u32 vendor)
{
	struct mipkex_ext_iter it;
	int walk;

	memset(d, 0, sizeof(*d));
	d->buf = buf;
	d->len = len;
	d->vendor = vendor;
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
	return dec_elems(d);
}

static void dec_msg_free(struct dec_msg *d)
{
	unsigned int i;

	free(d->ext);
	d->ext = NULL;
	for (i = 0; d->el && i < d->n_el; i++) {
		if (d->el[i].o.pt) {
			mk_cleanse(d->el[i].o.pt, d->el[i].o.pt_len);
			free(d->el[i].o.pt);
		}
	}
	free(d->el);
	d->el = NULL;
}

/* Well formed: the framing and the elements of the configured vendor. */
static bool dec_valid(const struct dec_msg *d)
{
	return !d->err && !d->elem_err;
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
 * With --keys: the authenticators verified and the encrypted elements
 * opened (protocol.rst section 8), into the model.
 */

#define DEC_MAX_PEERS	8	/* FA-HA peers tried for one SPI */

__attribute__((format(printf, 3, 4)))
static void dec_set(struct dec_verdict *v, enum dec_state state,
		    const char *fmt, ...)
{
	va_list ap;

	v->state = state;
	va_start(ap, fmt);
	vsnprintf(v->why, sizeof(v->why), fmt, ap);
	va_end(ap);
}

static void dec_keyed(struct dec_verdict *v, const struct mk_dkey *k,
		      bool peer)
{
	u32 a = k->addr;

	v->keyed = true;
	v->peer = peer;
	v->key_spi = k->spi;
	memcpy(v->peer_addr, &a, 4);
}

/* The Identification as sent (8 bytes of the fixed part). */
static const u8 *dec_ident(const struct dec_msg *d)
{
	return d->buf + (d->m.type == MIPKEX_MSG_RRQ ? 16 : 12);
}

/*
 * The FA-HA peers that may hold the key of @spi: those whose address is the
 * datagram's source or destination, when a capture gives them; else (or if
 * none is) every peer with that SPI.
 */
static size_t dec_peers(const struct dec_msg *d, u32 spi, struct mk_dkey *out)
{
	u32 a[2];
	size_t n;

	if (d->meta) {
		memcpy(&a[0], d->meta->src, 4);
		memcpy(&a[1], d->meta->dst, 4);
		n = mk_keytab_peers(d->keys, spi, a, 2, out, DEC_MAX_PEERS);
		if (n)
			return n;
	}
	return mk_keytab_peers(d->keys, spi, NULL, 0, out, DEC_MAX_PEERS);
}

/* A protected message carries a CVSE of the vendor (protocol.rst 8.3). */
static bool dec_protected(const struct dec_msg *d)
{
	unsigned int i;

	for (i = 0; i < d->n_el; i++)
		if (d->el[i].x->e.type == MIPKEX_EXT_CVSE)
			return true;
	return false;
}

/* Return: 1 the authenticator matches, 0 it does not, -1 libcrypto failed. */
static int dec_mac_check(const struct dec_msg *d, const struct dec_ext *x,
			 int mac, const u8 *key, size_t key_len)
{
	u8 out[MK_MAC_MAX_LEN];
	int ret;

	if (mk_mac(mac, key, key_len, d->buf, x->covered, out))
		return -1;
	ret = mk_equal(out, x->authenticator, mk_mac_len(mac));
	mk_cleanse(out, sizeof(out));
	return ret;
}

/*
 * protocol.rst 8.3: in a protected message the MN-HA authenticator is
 * HMAC-SHA256 (HMAC-MD5 if the entry says legacy) keyed with KDF(KEY0,
 * "mipkex mn-ha", SPI || Identification, 256), the FA-HA authenticator the
 * same keyed with the FA-HA key; both over the bytes of 3.2. An
 * authenticator of another length than the algorithm's fails.
 */
static void dec_verify(const struct dec_msg *d, struct dec_ext *x,
		       bool protected)
{
	struct dec_verdict *v = &x->v;
	struct mk_dkey k[DEC_MAX_PEERS];
	u8 ctx[12], derived[32];
	bool mnha = x->e.type == MIPKEX_EXT_MN_HA_AUTH;
	size_t n, i;
	int r = 0;

	v->alg = -1;
	if (!mnha && x->e.type != MIPKEX_EXT_FA_HA_AUTH) {
		dec_set(v, DS_SKIPPED, "a key file holds no %s keys",
			x->e.type == MIPKEX_EXT_MN_FA_AUTH ? "MN-FA" :
			"generalized authentication");
		return;
	}
	if (!protected) {
		dec_set(v, DS_SKIPPED,
			"not a protected message (no CVSE of vendor %u): its authenticators are plain RFC 5944",
			d->vendor);
		return;
	}
	if (x->covered > d->len) {	/* cannot be: the extension was walked */
		dec_set(v, DS_SKIPPED, "covers more than the message");
		return;
	}
	if (mnha) {
		if (!mk_keytab_key0(d->keys, x->spi, &k[0])) {
			dec_set(v, DS_NO_KEY, "no KEY0 for SPI %u (0x%08x) in the key file",
				x->spi, x->spi);
			return;
		}
		n = 1;
	} else {
		n = dec_peers(d, x->spi, k);
		if (!n) {
			dec_set(v, DS_NO_KEY, "no FA-HA peer with SPI %u (0x%08x) in the key file",
				x->spi, x->spi);
			return;
		}
	}
	for (i = 0; i < n; i++) {
		dec_keyed(v, &k[i], !mnha);
		v->alg = k[i].mac;
		if (x->auth_len != mk_mac_len(k[i].mac)) {
			dec_set(v, DS_FAILED, "a %zu-byte authenticator, but %s gives %zu bytes",
				x->auth_len, mk_mac_name(k[i].mac),
				mk_mac_len(k[i].mac));
			continue;
		}
		if (mnha) {
			put_unaligned_be32(x->spi, ctx);
			memcpy(ctx + 4, dec_ident(d), 8);
			if (mk_kdf(k[i].key, k[i].len, "mipkex mn-ha", ctx,
				   sizeof(ctx), derived, sizeof(derived))) {
				r = -1;
			} else {
				r = dec_mac_check(d, x, k[i].mac, derived,
						  sizeof(derived));
				mk_cleanse(derived, sizeof(derived));
			}
		} else {
			r = dec_mac_check(d, x, k[i].mac, k[i].key, k[i].len);
		}
		if (r > 0) {
			dec_set(v, DS_OK, "%s", "");
			return;
		}
		dec_set(v, DS_FAILED, r < 0 ? "libcrypto failed" :
			"the authenticator does not match: wrong key, or the message was altered");
	}
	if (n > 1 && v->state == DS_FAILED)
		dec_set(v, DS_FAILED, "no peer with SPI %u (%zu of them) verifies it: wrong keys, or the message was altered",
			x->spi, n);
}

/* An element that takes a nonce index (protocol.rst 8.2), well formed or not. */
static bool dec_counts_encrypted(const struct mipkex_ext *e)
{
	if (e->vtype >= MIPKEX_VT_NAI && e->vtype <= MIPKEX_VT_SA)
		return e->value_len >= 2 && (e->value[1] & MIPKEX_ELEM_FLAG_E);
	if (e->vtype == MIPKEX_VT_KE_KDC)
		return e->value_len > 6;	/* a non-empty wrapped key */
	return false;
}

/* The layout of the plaintext (protocol.rst 5.1-5.4); the key's fingerprint. */
static void dec_check_plain(struct dec_open *o, const struct mipkex_gp *gp)
{
	const u8 *p = o->pt;
	size_t i, n = o->pt_len;

	switch (gp->vtype) {
	case MIPKEX_VT_L2:
		if (gp->content == 0)
			break;
		for (i = 0; i < n; i++)
			if (p[i] < '0' || p[i] > '9') {
				snprintf(o->bad, sizeof(o->bad),
					 "the %s is not all ASCII digits",
					 gp->content == 1 ? "IMSI" : "MIN");
				break;
			}
		break;
	case MIPKEX_VT_SA:
		/* the codec let through 26 to 74 bytes */
		if (n < MIPKEX_SA_INFO_HDR_LEN ||
		    p[8] != n - MIPKEX_SA_INFO_HDR_LEN || p[8] < 16 ||
		    p[8] > 64) {
			snprintf(o->bad, sizeof(o->bad),
				 "key length %u, but %zu key bytes (16-64)",
				 n >= MIPKEX_SA_INFO_HDR_LEN ? p[8] : 0,
				 n >= MIPKEX_SA_INFO_HDR_LEN ?
				 n - MIPKEX_SA_INFO_HDR_LEN : 0);
			break;
		}
		if (!mk_fingerprint(p + MIPKEX_SA_INFO_HDR_LEN, p[8], o->fpr))
			o->have_fpr = true;
		break;
	}
}

/*
 * protocol.rst 8.2 and 8.4: an identity element (vendor types 1-3) under
 * KDF(KEY0, "mipkex id-enc", SPI || Identification, 256); a security
 * association element (vendor type 4) under KDF(K, "mipkex wrap", context,
 * 256), K KEY0 in a CVSE (context SPI || Identification), the FA-HA key in
 * an NVSE (the FA context: SPI || Identification || home address || home
 * agent address, the last three from the fixed part of the message). Nonce
 * Identification || direction || index || 0000; associated data the fixed
 * part, the vendor extension's first 10 bytes and the element's first 6.
 * @auth: the verdict on the authenticator that covers the element (MN-HA
 * for a CVSE, FA-HA for an NVSE), NULL if there is none, for the message.
 */
static void dec_open(const struct dec_msg *d, struct dec_elem *el,
		     const struct dec_verdict *auth)
{
	const struct mipkex_ext *e = &el->x->e;
	struct dec_open *o = &el->o;
	struct dec_verdict *v = &o->v;
	struct mk_dkey k[DEC_MAX_PEERS];
	u8 ctx[20], wk[MK_AEAD_KEY_LEN], nonce[MK_AEAD_NONCE_LEN], aad[40];
	bool peer = e->vtype == MIPKEX_VT_SA && e->type == MIPKEX_EXT_NVSE;
	const char *label = e->vtype == MIPKEX_VT_SA ? "mipkex wrap" :
			    "mipkex id-enc";
	size_t n, i, ctx_len = 12, aad_len;
	struct mipkex_gp gp;
	int ret = -EIO;

	v->alg = -1;
	if (!o->encrypted || e->vtype > MIPKEX_VT_SA)
		return;		/* in clear, or a wrapped KDC key: not opened */
	ret = mipkex_elem_gp(e, &gp);
	if (ret) {
		dec_set(v, DS_SKIPPED, "the element is malformed (%s)",
			mipkex_elem_strerror(ret));
		return;
	}
	if (o->index > 255) {
		dec_set(v, DS_SKIPPED, "more than 256 encrypted elements in direction %u: no nonce",
			o->direction);
		return;
	}
	if (peer) {
		n = dec_peers(d, gp.spi, k);
		if (!n) {
			dec_set(v, DS_NO_KEY, "no FA-HA peer with SPI %u (0x%08x) in the key file",
				gp.spi, gp.spi);
			return;
		}
	} else {
		if (!mk_keytab_key0(d->keys, gp.spi, &k[0])) {
			dec_set(v, DS_NO_KEY, "no KEY0 for SPI %u (0x%08x) in the key file",
				gp.spi, gp.spi);
			return;
		}
		n = 1;
	}
	put_unaligned_be32(gp.spi, ctx);
	memcpy(ctx + 4, dec_ident(d), 8);
	if (peer) {
		memcpy(ctx + 12, d->buf + 4, 4);	/* home address */
		memcpy(ctx + 16, d->buf + 8, 4);	/* home agent address */
		ctx_len = 20;
	}
	memcpy(nonce, dec_ident(d), 8);
	nonce[8] = o->direction;
	nonce[9] = (u8)o->index;
	nonce[10] = nonce[11] = 0;
	aad_len = d->m.fixed_len;
	memcpy(aad, d->buf, aad_len);
	memcpy(aad + aad_len, d->buf + e->off, 10);
	memcpy(aad + aad_len + 10, gp.hdr, MIPKEX_ELEM_HDR_LEN);
	aad_len += 10 + MIPKEX_ELEM_HDR_LEN;

	o->pt_len = gp.info_len - MIPKEX_AEAD_TAG_LEN;
	o->pt = malloc(o->pt_len);
	if (!o->pt) {
		dec_set(v, DS_SKIPPED, "out of memory");
		return;
	}
	for (i = 0; i < n; i++) {
		dec_keyed(v, &k[i], peer);
		v->alg = k[i].aead;
		ret = -EIO;
		if (!mk_kdf(k[i].key, k[i].len, label, ctx, ctx_len, wk,
			    sizeof(wk))) {
			ret = mk_aead_open(k[i].aead, wk, nonce, aad, aad_len,
					   gp.info, gp.info_len, o->pt);
			mk_cleanse(wk, sizeof(wk));
		}
		if (!ret)
			break;
	}
	if (!ret) {
		dec_set(v, DS_OK, "%s", "");
		dec_check_plain(o, &gp);
		return;
	}
	mk_cleanse(o->pt, o->pt_len);
	free(o->pt);
	o->pt = NULL;
	o->pt_len = 0;
	if (ret != -EBADMSG)
		dec_set(v, DS_FAILED, "libcrypto failed");
	else if (n > 1)
		dec_set(v, DS_FAILED, "tag mismatch under each of the %zu peers with SPI %u: wrong keys, or the message was altered",
			n, gp.spi);
	else if (auth && auth->state == DS_OK)
		dec_set(v, DS_FAILED, "tag mismatch, although the %s authenticator verifies with the same key: the sender sealed it with another key, nonce or associated data",
			peer ? "FA-HA" : "MN-HA");
	else if (auth && auth->state == DS_FAILED)
		dec_set(v, DS_FAILED, "tag mismatch: wrong key, or the message was altered (the %s authenticator fails too)",
			e->type == MIPKEX_EXT_NVSE ? "FA-HA" : "MN-HA");
	else
		dec_set(v, DS_FAILED, "tag mismatch: wrong key, or the message was altered");
}

/* The cryptographic stage: every authenticator, then every element. */
static void dec_crypto(struct dec_msg *d)
{
	const struct dec_verdict *mnha = NULL, *faha = NULL;
	unsigned int i, count[4] = { 0 };
	bool protected;
	u8 dir;

	if (!d->keys || !d->fixed)
		return;
	protected = dec_protected(d);
	for (i = 0; i < d->n_ext; i++) {
		struct dec_ext *x = &d->ext[i];

		if (!x->auth)
			continue;
		dec_verify(d, x, protected);
		if (x->e.type == MIPKEX_EXT_MN_HA_AUTH && !mnha)
			mnha = &x->v;
		if (x->e.type == MIPKEX_EXT_FA_HA_AUTH && !faha)
			faha = &x->v;
	}
	for (i = 0; i < d->n_el; i++) {
		struct dec_elem *el = &d->el[i];
		const struct mipkex_ext *e = &el->x->e;

		if (!dec_counts_encrypted(e))
			continue;
		dir = d->m.type == MIPKEX_MSG_RRQ ? 1 :
		      e->type == MIPKEX_EXT_CVSE ? 2 : 3;
		el->o.encrypted = true;
		el->o.direction = dir;
		el->o.index = count[dir]++;
		dec_open(d, el, e->type == MIPKEX_EXT_NVSE ? faha : mnha);
	}
}

/* ------------------------------------------------------------------------
 * The decoder's context and the two printers.
 */

struct dec_ctx {
	const struct mk_decode_opts *o;
	u32 vendor;
	struct mk_keytab *keys;
	bool show_keys;
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

/* Hex of message bytes, of which the last @redacted are a key in clear. */
static void text_hex_redacted(const u8 *p, size_t len, size_t redacted)
{
	print_hex(stdout, p, len - redacted);
	if (redacted)
		printf("%s(%zu bytes not shown: a key in clear)",
		       len > redacted ? " " : "", redacted);
}

static const char *or_unknown(const char *name, const char *unknown)
{
	return name ? name : unknown;
}

/*
 * Whether a general-purpose element's INFO is in clear and decodable: the
 * codec accepted the element (@ret 0), and the INFO has the length its type
 * needs, checked here again so that no printer reads past it.
 */
static bool gp_info_clear(const struct mipkex_gp *gp, int ret)
{
	if (ret || (gp->flags & MIPKEX_ELEM_FLAG_E))
		return false;
	switch (gp->vtype) {
	case MIPKEX_VT_IP:
		return gp->info_len == 4;
	case MIPKEX_VT_L2:
		return gp->content != 0 || gp->info_len == 6;
	case MIPKEX_VT_SA:
		return gp->info_len >= MIPKEX_SA_INFO_HDR_LEN;
	}
	return true;
}

/* The name of a clear NAI, IMSI or MIN, in text and JSON. */
static const char *gp_info_key(const struct mipkex_gp *gp)
{
	if (gp->vtype == MIPKEX_VT_NAI)
		return "nai";
	return gp->content == 1 ? "imsi" : "min";
}

static void fmt_mac(char *buf, size_t size, const u8 *a)
{
	snprintf(buf, size, "%02x:%02x:%02x:%02x:%02x:%02x", a[0], a[1], a[2],
		 a[3], a[4], a[5]);
}

/* A general-purpose element (vendor types 1-4, protocol.rst section 5). */
static void text_gp(const struct mipkex_ext *e)
{
	struct mipkex_gp gp;
	bool sealed;
	char a[18];
	char *s;
	int ret;

	ret = mipkex_elem_gp(e, &gp);
	if (ret == -MIPKEX_ELEM_E_SHORT || ret == -MIPKEX_ELEM_E_VTYPE)
		return;
	sealed = gp.flags & MIPKEX_ELEM_FLAG_E;
	printf("    content type: %u (%s)\n", gp.content,
	       or_unknown(content_name(gp.vtype, gp.content), "undefined"));
	printf("    E: %u (%s)\n", sealed, sealed ? "INFO encrypted" :
	       "INFO in clear");
	if (gp.flags & ~MIPKEX_ELEM_FLAG_E)
		printf("    reserved flags: 0x%02x\n",
		       gp.flags & ~MIPKEX_ELEM_FLAG_E);
	printf("    spi: 0x%08x (%u)\n", gp.spi, gp.spi);
	if (sealed && gp.info_len > MIPKEX_AEAD_TAG_LEN) {
		printf("    info: encrypted, %zu bytes + %u-byte tag\n",
		       gp.info_len - MIPKEX_AEAD_TAG_LEN, MIPKEX_AEAD_TAG_LEN);
		return;
	}
	if (!gp_info_clear(&gp, ret)) {
		printf("    info: %zu bytes\n", gp.info_len);
		return;
	}
	switch (gp.vtype) {
	case MIPKEX_VT_NAI:
	case MIPKEX_VT_L2:
		if (gp.vtype == MIPKEX_VT_L2 && gp.content == 0) {
			fmt_mac(a, sizeof(a), gp.info);
			printf("    ethernet: %s\n", a);
			break;
		}
		s = escape_bytes(gp.info, gp.info_len, true);
		printf("    %s: \"%s\"\n", gp_info_key(&gp), s ? s : "?");
		free(s);
		break;
	case MIPKEX_VT_IP:
		fmt_ip(a, sizeof(a), gp.info);
		printf("    address: %s\n", a);
		break;
	case MIPKEX_VT_SA:
		printf("    sa spi: 0x%08x (%u)\n",
		       get_unaligned_be32(gp.info), get_unaligned_be32(gp.info));
		printf("    lifetime: %u s\n", get_unaligned_be32(gp.info + 4));
		printf("    key length: %u\n", gp.info[8]);
		printf("    key: %u bytes, not shown\n", gp.info[8]);
		break;
	}
}

/* Which key a verdict used, for the text printer. */
static void text_keydesc(char *buf, size_t size, const struct dec_verdict *v)
{
	char a[16];

	if (v->peer) {
		fmt_ip(a, sizeof(a), v->peer_addr);
		snprintf(buf, size, "FA-HA peer %s SPI 0x%08x", a, v->key_spi);
	} else {
		snprintf(buf, size, "KEY0 SPI 0x%08x", v->key_spi);
	}
}

/* An authenticator's verdict under --keys. */
static void text_verdict(const struct dec_verdict *v)
{
	char k[64];

	if (v->keyed)
		text_keydesc(k, sizeof(k), v);
	switch (v->state) {
	case DS_NONE:
		break;
	case DS_OK:
		printf("    verification: verified (%s, %s)\n",
		       mk_mac_name(v->alg), k);
		break;
	case DS_FAILED:
		if (v->keyed)
			printf("    verification: FAILED (%s, %s): %s\n",
			       mk_mac_name(v->alg), k, v->why);
		else
			printf("    verification: FAILED: %s\n", v->why);
		break;
	case DS_NO_KEY:
		printf("    verification: no key (%s)\n", v->why);
		break;
	case DS_SKIPPED:
		printf("    verification: not checked (%s)\n", v->why);
		break;
	}
}

/* The plaintext of an element that --keys opened. */
static void text_plain(const struct dec_msg *d, const struct dec_elem *el)
{
	const struct mipkex_ext *e = &el->x->e;
	const struct dec_open *o = &el->o;
	const u8 *p = o->pt;
	size_t n = o->pt_len;
	u8 content = e->value[0];
	char a[24], *s;

	switch (e->vtype) {
	case MIPKEX_VT_NAI:
	case MIPKEX_VT_L2:
		if (e->vtype == MIPKEX_VT_L2 && content == 0 && n == 6) {
			fmt_mac(a, sizeof(a), p);
			printf("      ethernet: %s\n", a);
			break;
		}
		s = escape_bytes(p, n, true);
		printf("      %s: \"%s\"\n", e->vtype == MIPKEX_VT_NAI ? "nai" :
		       content == 1 ? "imsi" : "min", s ? s : "?");
		free(s);
		break;
	case MIPKEX_VT_IP:
		if (n == 4) {
			fmt_ip(a, sizeof(a), p);
			printf("      address: %s\n", a);
		}
		break;
	case MIPKEX_VT_SA:
		if (n < MIPKEX_SA_INFO_HDR_LEN)
			break;
		printf("      sa spi: 0x%08x (%u)\n", get_unaligned_be32(p),
		       get_unaligned_be32(p));
		printf("      lifetime: %u s\n", get_unaligned_be32(p + 4));
		printf("      key length: %u\n", p[8]);
		if (o->have_fpr) {
			printf("      key fingerprint: ");
			print_hex(stdout, o->fpr, sizeof(o->fpr));
			printf("\n");
		}
		if (o->bad[0])
			break;
		if (d->show_keys) {
			printf("      key: ");
			print_hex(stdout, p + MIPKEX_SA_INFO_HDR_LEN, p[8]);
			printf("\n");
		} else {
			printf("      key: %u bytes, not shown (--show-keys shows it)\n",
			       p[8]);
		}
		break;
	}
	if (o->bad[0])
		printf("      plaintext malformed: %s\n", o->bad);
}

/* An encrypted element under --keys. */
static void text_open(const struct dec_msg *d, const struct dec_elem *el)
{
	const struct dec_open *o = &el->o;
	const struct dec_verdict *v = &o->v;
	char k[64];

	if (v->keyed)
		text_keydesc(k, sizeof(k), v);
	switch (v->state) {
	case DS_NONE:
		break;
	case DS_OK:
		printf("    decryption: OK (%s, %s, nonce direction %u index %u)\n",
		       mk_aead_name(v->alg), k, o->direction, o->index);
		text_plain(d, el);
		break;
	case DS_FAILED:
		if (v->keyed)
			printf("    decryption: FAILED (%s, %s, nonce direction %u index %u): %s\n",
			       mk_aead_name(v->alg), k, o->direction, o->index,
			       v->why);
		else
			printf("    decryption: FAILED: %s\n", v->why);
		break;
	case DS_NO_KEY:
		printf("    decryption: no key (%s)\n", v->why);
		break;
	case DS_SKIPPED:
		printf("    decryption: not attempted (%s)\n", v->why);
		break;
	}
}

static void text_transform(const struct dec_msg *d, const u8 *at,
			   const struct mipkex_transform *xf)
{
	struct mipkex_seq as;
	const u8 *value;
	u16 type, len;

	printf("      transform at offset %zu: number %u\n", dec_off(d, at),
	       xf->number);
	printf("        type: %u (%s)\n", xf->type,
	       or_unknown(xform_type_name(xf->type), "unknown"));
	printf("        id: %u (%s)\n", xf->id,
	       or_unknown(xform_id_name(xf->type, xf->id), "unknown"));
	printf("        keys: %u\n", xf->n_keys);
	mipkex_seq_init(&as, xf->attrs, xf->attrs_len);
	while (mipkex_elem_next_attr(&as, &type, &value, &len) > 0) {
		printf("        attribute %u (%s): ", type,
		       or_unknown(attr_name(type), "unknown"));
		if (type == IKEV2_ATTR_KEY_LENGTH && len == 2) {
			printf("%u bits\n", get_unaligned_be16(value));
		} else {
			print_hex(stdout, value, len);
			printf("%s\n", len ? "" : "(empty)");
		}
	}
}

/*
 * An SA payload (vendor type 5, protocol.rst section 6), as far as its
 * proposals and transforms can be walked; the element's error says where
 * the walk stopped.
 */
static void text_sa_payload(const struct dec_msg *d, const struct mipkex_ext *e)
{
	struct mipkex_proposal prop;
	struct mipkex_transform xf;
	struct mipkex_seq ps, xs;
	const u8 *at;

	if (e->value_len < 2)
		return;
	printf("    sub-type: %u (%s)\n", e->value[0],
	       or_unknown(sa_subtype_name(e->value[0]), "reserved"));
	mipkex_seq_init(&ps, e->value + 2, e->value_len - 2u);
	for (;;) {
		at = ps.buf + ps.pos;
		if (mipkex_elem_next_proposal(&ps, &prop) <= 0)
			break;
		printf("    proposal at offset %zu: number %u\n", dec_off(d, at),
		       prop.number);
		printf("      protocol: %u (%s)\n", prop.protocol,
		       or_unknown(protocol_name(prop.protocol), "unknown"));
		printf("      protocol id: %u (%s)\n", prop.protocol_id,
		       or_unknown(protocol_id_name(prop.protocol_id),
				  "unknown"));
		printf("      transform count: %u\n", prop.n_transforms);
		if (prop.lifetime)
			printf("      lifetime: %u s\n", prop.lifetime);
		else
			printf("      lifetime: 0 (the registration lifetime)\n");
		printf("      spi: 0x%08x (%u)\n", prop.spi, prop.spi);
		mipkex_seq_init(&xs, prop.transforms, prop.transforms_len);
		for (;;) {
			at = xs.buf + xs.pos;
			if (mipkex_elem_next_transform(&xs, &xf) <= 0)
				break;
			text_transform(d, at, &xf);
		}
	}
}

/* A key-exchange payload (vendor types 8-10, protocol.rst section 7). */
static void text_ke(const struct mipkex_ext *e)
{
	struct mipkex_ke ke;
	const char *name;
	bool legacy;
	int ret;

	ret = mipkex_elem_ke(e, &ke);
	if (ret == -MIPKEX_ELEM_E_SHORT)
		return;
	switch (e->vtype) {
	case MIPKEX_VT_KE_GROUP:
		name = dh_group_name(ke.group, &legacy);
		printf("    group: %u (%s%s)\n", ke.group,
		       or_unknown(name, "undefined"), legacy ? ", legacy" : "");
		if (ret)
			break;
		printf("    public value: %zu bytes\n    public value hex: ",
		       ke.pub_len);
		print_hex(stdout, ke.pub, ke.pub_len);
		printf("\n");
		break;
	case MIPKEX_VT_KE_USER:
		if (ret)
			break;
		printf("    prime: %zu bytes\n    generator: %zu byte%s\n"
		       "    public value: %zu bytes\n", ke.prime_len, ke.gen_len,
		       ke.gen_len == 1 ? "" : "s", ke.pub_len);
		break;
	case MIPKEX_VT_KE_KDC:
		printf("    mode: %u (%s)\n", ke.mode,
		       or_unknown(kdc_mode_name(ke.mode), "undefined"));
		if (ret)
			break;
		printf("    spi: 0x%08x (%u)\n", ke.spi, ke.spi);
		if (ke.key_len)
			printf("    wrapped key: %zu bytes\n", ke.key_len);
		else
			printf("    wrapped key: none\n");
		break;
	}
}

/*
 * The codec blames an NVSE SA payload (vendor type 5) that no FA-HA
 * authentication extension follows with its placement error, whose message
 * names the MN-HA authentication: say which rule it broke (protocol.rst 4).
 */
static const char *dec_elem_note(const struct dec_msg *d,
				 const struct dec_elem *el)
{
	const struct mipkex_ext *e = &el->x->e;

	if (el->err == -MIPKEX_ELEM_E_PLACEMENT &&
	    e->type == MIPKEX_EXT_NVSE && e->vtype == MIPKEX_VT_SA_PAYLOAD &&
	    d->m.mn_ha_off && e->off > d->m.mn_ha_off)
		return "an SA payload in an NVSE needs an FA-HA authentication extension after it";
	return NULL;
}

static void text_elem(const struct dec_msg *d, const struct dec_elem *el)
{
	const struct mipkex_ext *e = &el->x->e;

	switch (e->vtype) {
	case MIPKEX_VT_NAI:
	case MIPKEX_VT_IP:
	case MIPKEX_VT_L2:
	case MIPKEX_VT_SA:
		text_gp(e);
		text_open(d, el);
		break;
	case MIPKEX_VT_SA_PAYLOAD:
		text_sa_payload(d, e);
		break;
	case MIPKEX_VT_KE_GROUP:
	case MIPKEX_VT_KE_USER:
	case MIPKEX_VT_KE_KDC:
		text_ke(e);
		break;
	default:
		if (e->type == MIPKEX_EXT_NVSE && !el->err)
			printf("    (a reserved vendor type in an NVSE: skipped)\n");
		break;
	}
	if (el->err)
		printf("    element error at offset %zu: %s\n", el->err_off,
		       mipkex_elem_strerror(el->err));
	if (dec_elem_note(d, el))
		printf("    (%s)\n", dec_elem_note(d, el));
}

static void text_ext(const struct dec_msg *d, const struct dec_ext *x)
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
		text_verdict(&x->v);
	} else if (e->type == MIPKEX_EXT_CVSE || e->type == MIPKEX_EXT_NVSE) {
		printf("    vendor: %u%s\n    vendor type: %u", e->vendor,
		       e->vendor == PEN_DOCUMENTATION ?
		       " (documentation PEN, RFC 5612)" : "", e->vtype);
		if (x->elem >= 0)
			printf(" (%s)", vtype_name(e->vtype));
		printf("\n    value: ");
		text_hex_redacted(e->value, e->value_len, x->redacted);
		printf("\n");
		if (x->elem >= 0)
			text_elem(d, &d->el[x->elem]);
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

/* A message whose framing is well formed but one of its elements not. */
static void text_elem_error(const struct dec_msg *d)
{
	const struct mipkex_ext *e;

	if (d->elem_culprit >= d->n_ext) {	/* cannot be: the scan failed */
		printf("  error: %s\n  result: malformed\n",
		       mipkex_elem_strerror(d->elem_err));
		return;
	}
	e = &d->ext[d->elem_culprit].e;
	printf("  error at offset %zu: %s\n", e->off,
	       mipkex_elem_strerror(d->elem_err));
	printf("  bad element: %s vendor type %u (%s)\n",
	       e->type == MIPKEX_EXT_CVSE ? "CVSE" : "NVSE", e->vtype,
	       vtype_name(e->vtype));
	printf("  result: malformed\n");
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
		text_ext(d, &d->ext[i]);
	if (dec_valid(d)) {
		printf("  result: well formed\n");
		return;
	}
	if (!d->err) {
		text_elem_error(d);
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
		text_hex_redacted(d->buf + d->err_off, d->len - d->err_off,
				  d->len - d->err_off -
				  dec_printable(d, d->err_off));
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

static void jw_key_name(struct jw *w, const char *key, const char *name)
{
	jw_key(w, key);
	if (name)
		jw_str(w, name);
	else
		jw_null(w);
}

/* Hex of message bytes whose last @redacted are a key in clear. */
static void jw_key_hex_redacted(struct jw *w, const char *key, const u8 *p,
				size_t len, size_t redacted)
{
	jw_key_hex(w, key, p, len - redacted);
}

static const char *const verify_status[] = {
	[DS_NONE] = "none", [DS_OK] = "verified", [DS_FAILED] = "failed",
	[DS_NO_KEY] = "no_key", [DS_SKIPPED] = "not_checked",
};

static const char *const open_status[] = {
	[DS_NONE] = "none", [DS_OK] = "decrypted", [DS_FAILED] = "failed",
	[DS_NO_KEY] = "no_key", [DS_SKIPPED] = "not_attempted",
};

/* What a verdict used and why it is what it is. */
static void json_verdict_fields(struct jw *w, const struct dec_verdict *v)
{
	char a[16];

	if (v->keyed) {
		jw_key_str(w, "key_source", v->peer ? "FA-HA" : "KEY0");
		jw_key_uint(w, "key_spi", v->key_spi);
		if (v->peer) {
			fmt_ip(a, sizeof(a), v->peer_addr);
			jw_key_str(w, "peer", a);
		}
	}
	if (v->state != DS_OK)
		jw_key_str(w, "message", v->why);
}

/* An authenticator's verdict under --keys. */
static void json_verdict(struct jw *w, const struct dec_verdict *v)
{
	if (v->state == DS_NONE)
		return;
	jw_key(w, "verification");
	jw_open(w, '{');
	jw_key_str(w, "status", verify_status[v->state]);
	if (v->alg >= 0)
		jw_key_str(w, "algorithm", mk_mac_name(v->alg));
	json_verdict_fields(w, v);
	jw_close(w, '}');
}

/* An encrypted element under --keys, with its plaintext. */
static void json_open_elem(struct jw *w, const struct dec_msg *d,
			   const struct dec_elem *el)
{
	const struct mipkex_ext *e = &el->x->e;
	const struct dec_open *o = &el->o;
	const struct dec_verdict *v = &o->v;
	const u8 *p = o->pt;
	size_t n = o->pt_len;
	char a[24], *s;

	if (v->state == DS_NONE)
		return;
	jw_key(w, "decryption");
	jw_open(w, '{');
	jw_key_str(w, "status", open_status[v->state]);
	jw_key_uint(w, "direction", o->direction);
	jw_key_uint(w, "index", o->index);
	if (v->alg >= 0)
		jw_key_str(w, "aead", mk_aead_name(v->alg));
	json_verdict_fields(w, v);
	if (v->state != DS_OK)
		goto out;
	switch (e->vtype) {
	case MIPKEX_VT_NAI:
	case MIPKEX_VT_L2:
		if (e->vtype == MIPKEX_VT_L2 && e->value[0] == 0 && n == 6) {
			fmt_mac(a, sizeof(a), p);
			jw_key_str(w, "ethernet", a);
			break;
		}
		s = escape_bytes(p, n, false);
		jw_key_str(w, e->vtype == MIPKEX_VT_NAI ? "nai" :
			   e->value[0] == 1 ? "imsi" : "min", s ? s : "?");
		free(s);
		break;
	case MIPKEX_VT_IP:
		if (n == 4) {
			fmt_ip(a, sizeof(a), p);
			jw_key_str(w, "address", a);
		}
		break;
	case MIPKEX_VT_SA:
		if (n < MIPKEX_SA_INFO_HDR_LEN)
			break;
		jw_key_uint(w, "sa_spi", get_unaligned_be32(p));
		jw_key_uint(w, "lifetime", get_unaligned_be32(p + 4));
		jw_key_uint(w, "key_len", p[8]);
		if (o->have_fpr)
			jw_key_hex(w, "fingerprint", o->fpr, sizeof(o->fpr));
		if (d->show_keys && !o->bad[0])
			jw_key_hex(w, "key", p + MIPKEX_SA_INFO_HDR_LEN, p[8]);
		break;
	}
	if (o->bad[0])
		jw_key_str(w, "plaintext_error", o->bad);
out:
	jw_close(w, '}');
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
	jw_key_hex_redacted(w, "data", e->data, e->len, x->redacted);
	if (x->redacted)
		jw_key_uint(w, "redacted", x->redacted);
	if (x->auth) {
		jw_key_uint(w, "spi", x->spi);
		jw_key_hex(w, "authenticator", x->authenticator, x->auth_len);
		jw_key_uint(w, "covered_len", x->covered);
		json_verdict(w, &x->v);
	} else if (e->type == MIPKEX_EXT_CVSE || e->type == MIPKEX_EXT_NVSE) {
		jw_key_uint(w, "vendor", e->vendor);
		jw_key(w, "vendor_name");
		if (e->vendor == PEN_DOCUMENTATION)
			jw_str(w, "documentation PEN, RFC 5612");
		else
			jw_null(w);
		jw_key_uint(w, "vendor_type", e->vtype);
		jw_key_hex_redacted(w, "value", e->value, e->value_len,
				    x->redacted);
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

static void json_gp(struct jw *w, const struct mipkex_ext *e)
{
	struct mipkex_gp gp;
	bool sealed;
	char a[18];
	char *s;
	int ret;

	ret = mipkex_elem_gp(e, &gp);
	if (ret == -MIPKEX_ELEM_E_SHORT || ret == -MIPKEX_ELEM_E_VTYPE)
		return;
	sealed = gp.flags & MIPKEX_ELEM_FLAG_E;
	jw_key_uint(w, "content_type", gp.content);
	jw_key_name(w, "content_name", content_name(gp.vtype, gp.content));
	jw_key_uint(w, "flags", gp.flags);
	jw_key(w, "encrypted");
	jw_bool(w, sealed);
	jw_key_uint(w, "spi", gp.spi);
	jw_key_uint(w, "info_len", gp.info_len);
	if (sealed && gp.info_len > MIPKEX_AEAD_TAG_LEN) {
		jw_key_uint(w, "ciphertext_len",
			    gp.info_len - MIPKEX_AEAD_TAG_LEN);
		jw_key_uint(w, "tag_len", MIPKEX_AEAD_TAG_LEN);
		return;
	}
	if (!gp_info_clear(&gp, ret))
		return;
	switch (gp.vtype) {
	case MIPKEX_VT_NAI:
	case MIPKEX_VT_L2:
		if (gp.vtype == MIPKEX_VT_L2 && gp.content == 0) {
			fmt_mac(a, sizeof(a), gp.info);
			jw_key_str(w, "ethernet", a);
			break;
		}
		s = escape_bytes(gp.info, gp.info_len, false);
		jw_key_str(w, gp_info_key(&gp), s ? s : "?");
		free(s);
		break;
	case MIPKEX_VT_IP:
		fmt_ip(a, sizeof(a), gp.info);
		jw_key_str(w, "address", a);
		break;
	case MIPKEX_VT_SA:
		jw_key_uint(w, "sa_spi", get_unaligned_be32(gp.info));
		jw_key_uint(w, "lifetime", get_unaligned_be32(gp.info + 4));
		jw_key_uint(w, "key_len", gp.info[8]);
		break;
	}
}

static void json_transform(struct jw *w, const struct dec_msg *d,
			   const u8 *at, const struct mipkex_transform *xf)
{
	struct mipkex_seq as;
	const u8 *value, *aat;
	u16 type, len;

	jw_open(w, '{');
	jw_key_uint(w, "offset", dec_off(d, at));
	jw_key_uint(w, "number", xf->number);
	jw_key_uint(w, "type", xf->type);
	jw_key_name(w, "type_name", xform_type_name(xf->type));
	jw_key_uint(w, "id", xf->id);
	jw_key_name(w, "id_name", xform_id_name(xf->type, xf->id));
	jw_key_uint(w, "keys", xf->n_keys);
	jw_key(w, "attributes");
	jw_open(w, '[');
	mipkex_seq_init(&as, xf->attrs, xf->attrs_len);
	for (;;) {
		aat = as.buf + as.pos;
		if (mipkex_elem_next_attr(&as, &type, &value, &len) <= 0)
			break;
		jw_open(w, '{');
		jw_key_uint(w, "offset", dec_off(d, aat));
		jw_key_uint(w, "type", type);
		jw_key_name(w, "name", attr_name(type));
		jw_key_uint(w, "length", len);
		jw_key_hex(w, "value", value, len);
		if (type == IKEV2_ATTR_KEY_LENGTH && len == 2)
			jw_key_uint(w, "key_length_bits",
				    get_unaligned_be16(value));
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_close(w, '}');
}

static void json_sa_payload(struct jw *w, const struct dec_msg *d,
			    const struct mipkex_ext *e)
{
	struct mipkex_proposal prop;
	struct mipkex_transform xf;
	struct mipkex_seq ps, xs;
	const u8 *at;

	if (e->value_len < 2)
		return;
	jw_key_uint(w, "subtype", e->value[0]);
	jw_key_name(w, "subtype_name", sa_subtype_name(e->value[0]));
	jw_key(w, "proposals");
	jw_open(w, '[');
	mipkex_seq_init(&ps, e->value + 2, e->value_len - 2u);
	for (;;) {
		at = ps.buf + ps.pos;
		if (mipkex_elem_next_proposal(&ps, &prop) <= 0)
			break;
		jw_open(w, '{');
		jw_key_uint(w, "offset", dec_off(d, at));
		jw_key_uint(w, "number", prop.number);
		jw_key_uint(w, "protocol", prop.protocol);
		jw_key_name(w, "protocol_name", protocol_name(prop.protocol));
		jw_key_uint(w, "protocol_id", prop.protocol_id);
		jw_key_name(w, "protocol_id_name",
			    protocol_id_name(prop.protocol_id));
		jw_key_uint(w, "transform_count", prop.n_transforms);
		jw_key_uint(w, "lifetime", prop.lifetime);
		jw_key_uint(w, "spi", prop.spi);
		jw_key(w, "transforms");
		jw_open(w, '[');
		mipkex_seq_init(&xs, prop.transforms, prop.transforms_len);
		for (;;) {
			at = xs.buf + xs.pos;
			if (mipkex_elem_next_transform(&xs, &xf) <= 0)
				break;
			json_transform(w, d, at, &xf);
		}
		jw_close(w, ']');
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

static void json_ke(struct jw *w, const struct mipkex_ext *e)
{
	struct mipkex_ke ke;
	const char *name;
	bool legacy;
	int ret;

	ret = mipkex_elem_ke(e, &ke);
	if (ret == -MIPKEX_ELEM_E_SHORT)
		return;
	switch (e->vtype) {
	case MIPKEX_VT_KE_GROUP:
		name = dh_group_name(ke.group, &legacy);
		jw_key_uint(w, "group", ke.group);
		jw_key_name(w, "group_name", name);
		jw_key(w, "legacy");
		jw_bool(w, legacy);
		if (ret)
			break;
		jw_key_uint(w, "public_len", ke.pub_len);
		jw_key_hex(w, "public", ke.pub, ke.pub_len);
		break;
	case MIPKEX_VT_KE_USER:
		if (ret)
			break;
		jw_key_uint(w, "prime_len", ke.prime_len);
		jw_key_uint(w, "generator_len", ke.gen_len);
		jw_key_uint(w, "public_len", ke.pub_len);
		break;
	case MIPKEX_VT_KE_KDC:
		jw_key_uint(w, "mode", ke.mode);
		jw_key_name(w, "mode_name", kdc_mode_name(ke.mode));
		if (ret)
			break;
		jw_key_uint(w, "spi", ke.spi);
		jw_key_uint(w, "wrapped_key_len", ke.key_len);
		break;
	}
}

static void json_elem(struct jw *w, const struct dec_msg *d,
		      const struct dec_elem *el)
{
	const struct mipkex_ext *e = &el->x->e;

	jw_open(w, '{');
	jw_key_uint(w, "offset", e->off);
	jw_key_str(w, "extension", e->type == MIPKEX_EXT_CVSE ? "cvse" : "nvse");
	jw_key_uint(w, "vendor_type", e->vtype);
	jw_key_str(w, "vendor_type_name", vtype_name(e->vtype));
	switch (e->vtype) {
	case MIPKEX_VT_NAI:
	case MIPKEX_VT_IP:
	case MIPKEX_VT_L2:
	case MIPKEX_VT_SA:
		json_gp(w, e);
		json_open_elem(w, d, el);
		break;
	case MIPKEX_VT_SA_PAYLOAD:
		json_sa_payload(w, d, e);
		break;
	case MIPKEX_VT_KE_GROUP:
	case MIPKEX_VT_KE_USER:
	case MIPKEX_VT_KE_KDC:
		json_ke(w, e);
		break;
	}
	jw_key(w, "error");
	if (el->err) {
		jw_open(w, '{');
		jw_key_str(w, "message", mipkex_elem_strerror(el->err));
		jw_key_uint(w, "offset", el->err_off);
		if (dec_elem_note(d, el))
			jw_key_str(w, "note", dec_elem_note(d, el));
		jw_close(w, '}');
	} else {
		jw_null(w);
	}
	jw_close(w, '}');
}

/* The "error" object of a message whose elements, not framing, are wrong. */
static void json_elem_error(struct jw *w, const struct dec_msg *d)
{
	const struct mipkex_ext *e = NULL;

	if (d->elem_culprit < d->n_ext)
		e = &d->ext[d->elem_culprit].e;
	jw_open(w, '{');
	jw_key_str(w, "layer", "element");
	jw_key_str(w, "message", mipkex_elem_strerror(d->elem_err));
	if (e) {
		jw_key_uint(w, "offset", e->off);
		jw_key_uint(w, "ext_type", e->type);
		jw_key_uint(w, "ext_length", e->len);
		jw_key_uint(w, "vendor_type", e->vtype);
		jw_key_str(w, "vendor_type_name", vtype_name(e->vtype));
	}
	jw_close(w, '}');
}

static void json_msg(struct dec_ctx *c, const struct dec_msg *d,
		     const struct dgram_meta *meta)
{
	const struct mipkex_msg *m = &d->m;
	struct jw *w = &c->jw;
	size_t crit = dec_unknown_critical(d), shown;
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
	jw_bool(w, dec_valid(d));
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
	jw_key(w, "elements");
	jw_open(w, '[');
	for (i = 0; i < d->n_el; i++)
		json_elem(w, d, &d->el[i]);
	jw_close(w, ']');
	jw_key(w, "unknown_critical_offset");
	if (crit)
		jw_uint(w, crit);
	else
		jw_null(w);
	jw_key(w, "error");
	if (d->err) {
		jw_open(w, '{');
		jw_key_str(w, "layer", "framing");
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
		shown = dec_printable(d, d->err_off);
		jw_key_hex(w, "undecoded", d->buf + d->err_off, shown);
		if (shown < d->len - d->err_off)
			jw_key_uint(w, "redacted", d->len - d->err_off - shown);
		jw_close(w, '}');
	} else if (d->elem_err) {
		json_elem_error(w, d);
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

	if (dec_msg_decode(&d, buf, len, c->vendor)) {
		dec_msg_free(&d);
		fprintf(stderr, "mipkex: decode: out of memory\n");
		return -ENOMEM;
	}
	d.keys = c->keys;
	d.show_keys = c->show_keys;
	d.meta = meta;
	dec_crypto(&d);
	c->n_msgs++;
	if (!dec_valid(&d))
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

/*
 * A vendor id (RFC 3115): high byte 0, then a 24-bit IANA Private Enterprise
 * Number; decimal, or hex with 0x. Return: 0, or EXIT_USAGE.
 */
static int parse_vendor(const char *arg, u32 *vendor)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 0);
	if (arg[0] < '0' || arg[0] > '9' || *end || errno || v > 0xffffff)
		return decode_usage("--vendor: \"%s\" is not a vendor id (0-16777215)",
				    arg);
	*vendor = (u32)v;
	return 0;
}

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
		.vendor = MIPKEX_VENDOR_DEFAULT,
		.jw = { .f = stdout, .pretty = opts->pretty },
	};
	static u8 hexbuf[MAX_PAYLOAD];
	const char *arg, *keys = NULL;
	bool vendor_given = false;
	size_t hexlen = 0;
	u32 file_vendor = 0;
	int i = 0, src, ret;

	/* The decode command's own options. */
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (!strcmp(argv[i], "--vendor") ||
		    !strncmp(argv[i], "--vendor=", 9)) {
			arg = argv[i][8] ? argv[i] + 9 : argv[++i];
			if (!arg)
				return decode_usage("--vendor: missing vendor id");
			ret = parse_vendor(arg, &c.vendor);
			if (ret)
				return ret;
			vendor_given = true;
			continue;
		}
		if (!strcmp(argv[i], "--keys") ||
		    !strncmp(argv[i], "--keys=", 7)) {
			arg = argv[i][6] ? argv[i] + 7 : argv[++i];
			if (!arg || !*arg)
				return decode_usage("--keys: missing FILE");
			if (keys)
				return decode_usage("--keys given twice");
			keys = arg;
			continue;
		}
		if (!strcmp(argv[i], "--show-keys")) {
			c.show_keys = true;
			continue;
		}
		return decode_usage("unknown option \"%s\"", argv[i]);
	}
	if (c.show_keys && !keys)
		return decode_usage("--show-keys needs --keys FILE");
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
	/* So is a key file that cannot be read, but with status 1, as load. */
	if (keys) {
		if (mk_keytab_load(keys, &c.keys, &file_vendor)) {
			fprintf(stderr, "mipkex: decode: --keys %s: cannot use it\n",
				keys);
			return 1;
		}
		if (!vendor_given && file_vendor)
			c.vendor = file_vendor;
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
	mk_keytab_free(c.keys);
	mk_crypto_cleanup();
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "mipkex: decode: write error\n");
		return 1;
	}
	if (ret)
		return ret;
	return c.n_bad ? 1 : 0;
}
