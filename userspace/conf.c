// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex tool: the configuration file (Documentation/config.rst).
 *
 * "mipkex load FILE" makes the namespace's configuration what the file says:
 * it parses and checks the whole file (and what it includes) first and sends
 * nothing if anything is wrong; then it sets the node and KDC parameters,
 * adds or replaces every KEY0 entry and peer with NLM_F_CREATE|NLM_F_REPLACE
 * (the kernel leaves identical entries untouched and says so), pipelined
 * (batch.c), and deletes the entries the file does not have.
 * "mipkex showconf" prints the configuration in the same format, with key
 * fingerprints in comments instead of the keys.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <glob.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <netlink/msg.h>

#include "batch.h"
#include "conf.h"
#include "entry.h"
#include "genl.h"
#include "kdc.h"
#include "node.h"
#include "util.h"

#define MAX_ERRORS	20
#define MAX_DEPTH	8

enum section { SEC_NONE, SEC_NODE, SEC_KDC, SEC_KEY0, SEC_PEER };

struct conf {
	int role;			/* -1: not given */
	uint32_t vendor;		/* 0: not given */
	const char *node_file, *kdc_file;
	unsigned int node_line, kdc_line;
	struct mk_kdc *kdc;
	struct mk_key0 *k0;
	size_t nk0, capk0;
	struct mk_peer *pe;
	size_t npe, cappe;
	char **files;			/* every file read, for messages */
	size_t nfiles;
	int errors;
};

/* Where a line is, for messages. */
struct pos {
	const char *file;
	unsigned int line;
};

__attribute__((format(printf, 3, 4)))
static void conf_err(struct conf *c, const struct pos *p, const char *fmt, ...)
{
	va_list ap;

	if (++c->errors > MAX_ERRORS)
		return;
	fprintf(stderr, "%s:%u: ", p->file, p->line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* @path relative to the directory of @file, malloc'ed. */
static char *resolve(const char *file, const char *path)
{
	char *dup, *dir, *out;

	if (path[0] == '/')
		return strdup(path);
	dup = strdup(file);
	if (!dup)
		return NULL;
	dir = dirname(dup);
	if (asprintf(&out, "%s/%s", dir, path) < 0)
		out = NULL;
	free(dup);
	return out;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
			 e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* Cut a comment: '#' at the start or after a blank. */
static void uncomment(char *s)
{
	char *p;

	for (p = s; *p; p++)
		if (*p == '#' && (p == s || p[-1] == ' ' || p[-1] == '\t')) {
			*p = '\0';
			return;
		}
}

static void *grow(void *v, size_t *cap, size_t n, size_t size)
{
	size_t c;
	void *nv;

	if (n < *cap)
		return v;
	c = *cap ? 2 * *cap : 64;
	nv = realloc(v, c * size);
	if (!nv)
		return NULL;
	*cap = c;
	return nv;
}

/* A key, inline in hex or from a file relative to the configuration. */
static void set_key(struct conf *c, const struct pos *p, struct mk_key *key,
		    bool file, const char *val, bool warn_mode)
{
	char err[256], *path;

	if (!file) {
		if (mk_key_hex(val, key, err, sizeof(err)))
			conf_err(c, p, "%s", err);
		else if (warn_mode)
			fprintf(stderr,
				"mipkex: warning: %s holds keys and is accessible by group or others\n",
				p->file);
		return;
	}
	if (!strcmp(val, "-")) {
		conf_err(c, p, "a key file cannot be stdin here");
		return;
	}
	path = resolve(p->file, val);
	if (!path || mk_key_read(path, key, err, sizeof(err)))
		conf_err(c, p, "%s", path ? err : "out of memory");
	free(path);
}

static const char *const key0_keys[] = {
	[MIPKEX_KEY0_A_SPI] = "spi",
	[MIPKEX_KEY0_A_NAI] = "nai",
	[MIPKEX_KEY0_A_HOME_ADDR] = "home",
	[MIPKEX_KEY0_A_HA_ADDR] = "ha",
	[MIPKEX_KEY0_A_KEY] = "key",
	[MIPKEX_KEY0_A_FINGERPRINT] = "key-file",	/* see below */
	[MIPKEX_KEY0_A_AEAD] = "aead",
	[MIPKEX_KEY0_A_AUTH] = "auth",
	[MIPKEX_KEY0_A_REPLAY] = "replay",
	[MIPKEX_KEY0_A_WINDOW] = "window",
};

static const char *const peer_keys[] = {
	[MIPKEX_PEER_A_SPI] = "spi",
	[MIPKEX_PEER_A_KEY] = "key",
	[MIPKEX_PEER_A_FINGERPRINT] = "key-file",	/* see below */
	[MIPKEX_PEER_A_AEAD] = "aead",
	[MIPKEX_PEER_A_AUTH] = "auth",
};

static void key0_line(struct conf *c, const struct pos *p, struct mk_key0 *e,
		      const char *k, const char *v, bool warn_mode)
{
	int a = parse_name(k, key0_keys, ARRAY_SIZE(key0_keys));
	bool file = a == MIPKEX_KEY0_A_FINGERPRINT;
	char err[256];

	if (a < 0) {
		conf_err(c, p, "unknown key \"%s\" in a [key0] section", k);
		return;
	}
	if (file)
		a = MIPKEX_KEY0_A_KEY;
	if (HAVE(e, a)) {
		conf_err(c, p, "%s given twice", a == MIPKEX_KEY0_A_KEY ?
			 "key or key-file" : k);
		return;
	}
	if (a == MIPKEX_KEY0_A_KEY) {
		set_key(c, p, &e->key, file, v, warn_mode);
		e->have |= 1u << a;
	} else if (mk_key0_set(e, a, v, err, sizeof(err))) {
		conf_err(c, p, "%s", err);
	}
}

static void peer_line(struct conf *c, const struct pos *p, struct mk_peer *e,
		      const char *k, const char *v, bool warn_mode)
{
	int a = parse_name(k, peer_keys, ARRAY_SIZE(peer_keys));
	bool file = a == MIPKEX_PEER_A_FINGERPRINT;
	char err[256];

	if (a < 0) {
		conf_err(c, p, "unknown key \"%s\" in a [peer] section", k);
		return;
	}
	if (file)
		a = MIPKEX_PEER_A_KEY;
	if (HAVE(e, a)) {
		conf_err(c, p, "%s given twice", a == MIPKEX_PEER_A_KEY ?
			 "key or key-file" : k);
		return;
	}
	if (a == MIPKEX_PEER_A_KEY) {
		set_key(c, p, &e->key, file, v, warn_mode);
		e->have |= 1u << a;
	} else if (mk_peer_set(e, a, v, err, sizeof(err))) {
		conf_err(c, p, "%s", err);
	}
}

static void kdc_line(struct conf *c, const struct pos *p, const char *k,
		     const char *v, bool warn_mode)
{
	struct mk_kdc *kdc = c->kdc;
	bool seed_file = !strcmp(k, "seed-file");
	char err[256], *path = NULL;
	int a;

	a = seed_file ? MIPKEX_KDC_A_SEED :
	    parse_name(k, kdc_words, ARRAY_SIZE(kdc_words));
	if (a < 0) {
		conf_err(c, p, "unknown key \"%s\" in the [kdc] section", k);
		return;
	}
	if (HAVE(kdc, a)) {
		conf_err(c, p, "%s given twice", a == MIPKEX_KDC_A_SEED ?
			 "seed or seed-file" : k);
		return;
	}
	if (a == MIPKEX_KDC_A_SEED) {
		set_key(c, p, &kdc->seed, seed_file, v, warn_mode);
		kdc->have |= 1u << a;
		return;
	}
	if (a == MIPKEX_KDC_A_USER_PRIME && strcmp(v, "none")) {
		path = resolve(p->file, v);
		if (!path) {
			conf_err(c, p, "out of memory");
			return;
		}
		v = path;
	}
	if (mk_kdc_set(kdc, a, v, err, sizeof(err)))
		conf_err(c, p, "%s", err);
	free(path);
}

static void node_line(struct conf *c, const struct pos *p, const char *k,
		      const char *v)
{
	if (!strcmp(k, "role")) {
		if (c->role >= 0)
			conf_err(c, p, "role given twice");
		else if ((c->role = mk_parse_role(v)) < 0)
			conf_err(c, p, "role \"%s\" is not none, mn, fa or ha", v);
	} else if (!strcmp(k, "vendor")) {
		if (c->vendor)
			conf_err(c, p, "vendor given twice");
		else if (parse_u32(v, 1, 0xffffff, &c->vendor))
			conf_err(c, p, "vendor \"%s\" is not an enterprise number from 1 to 16777215",
				 v);
	} else {
		conf_err(c, p, "unknown key \"%s\" in the [node] section", k);
	}
}

static int parse_file(struct conf *c, const char *path, int depth);

/* "include PATTERN": every file it matches, in sorted order. */
static void include(struct conf *c, const struct pos *p, const char *pat,
		    int depth)
{
	char *full = resolve(p->file, pat);
	glob_t g;
	size_t i;
	int r;

	if (!full) {
		conf_err(c, p, "out of memory");
		return;
	}
	if (depth >= MAX_DEPTH) {
		conf_err(c, p, "includes nested more than %d deep", MAX_DEPTH);
		free(full);
		return;
	}
	r = glob(full, GLOB_ERR, NULL, &g);
	if (r == GLOB_NOMATCH) {
		if (!strpbrk(pat, "*?["))
			conf_err(c, p, "cannot include %s: no such file", full);
	} else if (r) {
		conf_err(c, p, "cannot include %s", full);
	} else {
		for (i = 0; i < g.gl_pathc; i++)
			parse_file(c, g.gl_pathv[i], depth + 1);
	}
	if (r != GLOB_NOMATCH)
		globfree(&g);
	free(full);
}

/* A section header, "[" already seen and the "]" removed. */
static enum section header(struct conf *c, const struct pos *p, char *s,
			   size_t *idx)
{
	char *name = s + strcspn(s, " \t");
	char err[256];

	if (*name)
		*name++ = '\0';
	name = trim(name);
	if (!strcmp(s, "node") || !strcmp(s, "kdc")) {
		bool node = s[0] == 'n';
		const char **f = node ? &c->node_file : &c->kdc_file;
		unsigned int *l = node ? &c->node_line : &c->kdc_line;

		if (*name)
			conf_err(c, p, "[%s] takes no name", s);
		if (*f) {
			conf_err(c, p, "a second [%s] section (the first at %s:%u)",
				 s, *f, *l);
			return SEC_NONE;
		}
		*f = p->file;
		*l = p->line;
		return node ? SEC_NODE : SEC_KDC;
	}
	if (!strcmp(s, "key0") || !strcmp(s, "mn")) {
		c->k0 = grow(c->k0, &c->capk0, c->nk0, sizeof(*c->k0));
		if (!c->k0) {
			mk_err("out of memory");
			exit(1);
		}
		*idx = c->nk0++;
		memset(&c->k0[*idx], 0, sizeof(*c->k0));
		c->k0[*idx].file = p->file;
		c->k0[*idx].line = p->line;
		return SEC_KEY0;
	}
	if (!strcmp(s, "peer")) {
		struct mk_peer e = { .file = p->file, .line = p->line };

		if (!*name) {
			conf_err(c, p, "[peer ADDRESS]: the address is missing");
			return SEC_NONE;
		}
		if (mk_peer_set(&e, MIPKEX_PEER_A_ADDR, name, err, sizeof(err))) {
			conf_err(c, p, "%s", err);
			return SEC_NONE;
		}
		c->pe = grow(c->pe, &c->cappe, c->npe, sizeof(*c->pe));
		if (!c->pe) {
			mk_err("out of memory");
			exit(1);
		}
		*idx = c->npe++;
		c->pe[*idx] = e;
		return SEC_PEER;
	}
	conf_err(c, p, "unknown section [%s]: [node], [kdc], [key0 NAME], [mn NAME] or [peer ADDRESS]",
		 s);
	return SEC_NONE;
}

/* Return: 0, or -1 if the file could not be read (error counted). */
static int parse_file(struct conf *c, const char *path, int depth)
{
	enum section sec = SEC_NONE;
	struct pos p = { .line = 0 };
	bool warn_mode = false, bad_section = false;
	size_t cap = 0, idx = 0;
	char *line = NULL, *s, *eq, **files;
	struct stat st;
	ssize_t len;
	FILE *f;

	files = realloc(c->files, (c->nfiles + 1) * sizeof(*files));
	if (!files || !(files[c->nfiles] = strdup(path))) {
		mk_err("out of memory");
		exit(1);
	}
	c->files = files;
	p.file = files[c->nfiles++];
	f = strcmp(path, "-") ? fopen(path, "re") : stdin;
	if (!f) {
		c->errors++;
		fprintf(stderr, "mipkex: cannot open %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	if (f != stdin && !fstat(fileno(f), &st) &&
	    (st.st_mode & (S_IRWXG | S_IRWXO)))
		warn_mode = true;	/* said once, at the first inline key */
	while ((len = getline(&line, &cap, f)) >= 0) {
		p.line++;
		uncomment(line);
		s = trim(line);
		if (!*s)
			goto next;
		if (*s == '[') {
			size_t l = strlen(s);

			bad_section = false;
			if (s[l - 1] != ']') {
				conf_err(c, &p, "a section header ends with ]");
				sec = SEC_NONE;
				bad_section = true;
				goto next;
			}
			s[l - 1] = '\0';
			sec = header(c, &p, trim(s + 1), &idx);
			bad_section = sec == SEC_NONE;
			goto next;
		}
		if (!strncmp(s, "include", 7) && (s[7] == ' ' || s[7] == '\t')) {
			include(c, &p, trim(s + 7), depth);
			goto next;
		}
		eq = strchr(s, '=');
		if (!eq) {
			conf_err(c, &p, "expected KEY = VALUE, a [section] or include");
			goto next;
		}
		*eq = '\0';
		s = trim(s);
		eq = trim(eq + 1);
		if (!*eq) {
			conf_err(c, &p, "%s has no value", s);
			goto next;
		}
		switch (sec) {
		case SEC_NONE:
			if (!bad_section)
				conf_err(c, &p, "%s = ... outside a section", s);
			break;
		case SEC_NODE:
			node_line(c, &p, s, eq);
			break;
		case SEC_KDC:
			kdc_line(c, &p, s, eq, warn_mode);
			break;
		case SEC_KEY0:
			key0_line(c, &p, &c->k0[idx], s, eq, warn_mode);
			break;
		case SEC_PEER:
			peer_line(c, &p, &c->pe[idx], s, eq, warn_mode);
			break;
		}
		if (warn_mode && (sec == SEC_KDC || sec == SEC_KEY0 ||
				  sec == SEC_PEER) &&
		    (!strcmp(s, "key") || !strcmp(s, "seed")))
			warn_mode = false;	/* warned */
next:
		explicit_bzero(line, cap);	/* it may hold a key */
	}
	if (ferror(f)) {
		c->errors++;
		fprintf(stderr, "mipkex: cannot read %s\n", path);
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return 0;
}

static int cmp_spi(const void *a, const void *b)
{
	const struct mk_key0 *x = *(struct mk_key0 *const *)a;
	const struct mk_key0 *y = *(struct mk_key0 *const *)b;

	return x->spi < y->spi ? -1 : x->spi > y->spi;
}

static int cmp_nai(const void *a, const void *b)
{
	return strcmp((*(struct mk_key0 *const *)a)->nai,
		      (*(struct mk_key0 *const *)b)->nai);
}

static int cmp_addr(const void *a, const void *b)
{
	uint32_t x = (*(struct mk_peer *const *)a)->addr;
	uint32_t y = (*(struct mk_peer *const *)b)->addr;

	return x < y ? -1 : x > y;
}

/* Every entry complete, no SPI, NAI or peer address twice. */
static void check(struct conf *c)
{
	struct mk_key0 **v;
	struct mk_peer **w;
	char err[256];
	size_t i;

	for (i = 0; i < c->nk0; i++) {
		struct pos p = { c->k0[i].file, c->k0[i].line };

		if (mk_key0_check(&c->k0[i], err, sizeof(err)))
			conf_err(c, &p, "[key0]: %s", err);
	}
	for (i = 0; i < c->npe; i++) {
		struct pos p = { c->pe[i].file, c->pe[i].line };

		if (mk_peer_check(&c->pe[i], err, sizeof(err)))
			conf_err(c, &p, "[peer]: %s", err);
	}
	v = malloc((c->nk0 + 1) * sizeof(*v));
	w = malloc((c->npe + 1) * sizeof(*w));
	if (!v || !w) {
		mk_err("out of memory");
		exit(1);
	}
	for (i = 0; i < c->nk0; i++)
		v[i] = &c->k0[i];
	qsort(v, c->nk0, sizeof(*v), cmp_spi);
	for (i = 1; i < c->nk0; i++)
		if (HAVE(v[i], MIPKEX_KEY0_A_SPI) &&
		    v[i]->spi == v[i - 1]->spi) {
			struct pos p = { v[i]->file, v[i]->line };

			conf_err(c, &p, "SPI %u is also at %s:%u", v[i]->spi,
				 v[i - 1]->file, v[i - 1]->line);
		}
	qsort(v, c->nk0, sizeof(*v), cmp_nai);
	for (i = 1; i < c->nk0; i++)
		if (v[i]->nai[0] && !strcmp(v[i]->nai, v[i - 1]->nai)) {
			struct pos p = { v[i]->file, v[i]->line };

			conf_err(c, &p, "NAI %s is also at %s:%u", v[i]->nai,
				 v[i - 1]->file, v[i - 1]->line);
		}
	for (i = 0; i < c->npe; i++)
		w[i] = &c->pe[i];
	qsort(w, c->npe, sizeof(*w), cmp_addr);
	for (i = 1; i < c->npe; i++)
		if (w[i]->addr == w[i - 1]->addr) {
			struct pos p = { w[i]->file, w[i]->line };
			char a[16];

			conf_err(c, &p, "peer %s is also at %s:%u",
				 ipv4_str(w[i]->addr, a), w[i - 1]->file,
				 w[i - 1]->line);
		}
	free(v);
	free(w);
}

static void conf_free(struct conf *c)
{
	size_t i;

	if (c->k0)
		explicit_bzero(c->k0, c->nk0 * sizeof(*c->k0));
	if (c->pe)
		explicit_bzero(c->pe, c->npe * sizeof(*c->pe));
	if (c->kdc)
		explicit_bzero(c->kdc, sizeof(*c->kdc));
	free(c->k0);
	free(c->pe);
	free(c->kdc);
	for (i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	free(c->files);
}

/*
 * For "mipkex decode --keys FILE": parse and check FILE as load does, and
 * hand over its KEY0 entries, its peers and its [node] vendor (0 if not
 * given); the caller zeroises and frees both arrays. Entries keep no file
 * name (it belongs to the parser). Return: 0, or -1 (errors printed).
 */
int mk_conf_keys(const char *path, struct mk_key0 **k0, size_t *nk0,
		 struct mk_peer **pe, size_t *npe, uint32_t *vendor)
{
	struct conf c = { .role = -1 };
	size_t i;

	c.kdc = calloc(1, sizeof(*c.kdc));
	if (!c.kdc) {
		mk_err("out of memory");
		return -1;
	}
	parse_file(&c, path, 0);
	check(&c);
	if (c.errors) {
		if (c.errors > MAX_ERRORS)
			fprintf(stderr, "... and %d more errors\n",
				c.errors - MAX_ERRORS);
		mk_err("%s: %d error%s", path, c.errors,
		       c.errors == 1 ? "" : "s");
		conf_free(&c);
		return -1;
	}
	for (i = 0; i < c.nk0; i++)
		c.k0[i].file = NULL;
	for (i = 0; i < c.npe; i++)
		c.pe[i].file = NULL;
	*k0 = c.k0;
	*nk0 = c.nk0;
	*pe = c.pe;
	*npe = c.npe;
	*vendor = c.vendor;
	c.k0 = NULL;
	c.nk0 = 0;
	c.pe = NULL;
	c.npe = 0;
	conf_free(&c);
	return 0;
}

/* What a sync of one kind of entry did. */
struct tally {
	size_t added, replaced, unchanged, deleted, failed;
};

/* The state of one pipelined run (batch.c callbacks). */
struct run {
	struct conf *c;
	struct tally *t;
	int cmd;
	struct mk_key0 *k0;	/* the entries to send, or ... */
	struct mk_peer *pe;
	size_t *which;		/* ... their indexes in k0/pe, or NULL */
	size_t n;
};

static struct nl_msg *gen(void *arg, size_t i)
{
	struct run *r = arg;
	size_t j = r->which ? r->which[i] : i;

	if (r->t->failed)
		return NULL;	/* stop at the first error */
	if (r->k0)
		return mk_key0_msg(r->cmd, r->cmd == MIPKEX_CMD_KEY0_NEW ?
				   NLM_F_CREATE | NLM_F_REPLACE : 0, &r->k0[j]);
	return mk_peer_msg(r->cmd, r->cmd == MIPKEX_CMD_PEER_NEW ?
			   NLM_F_CREATE | NLM_F_REPLACE : 0, &r->pe[j]);
}

static void done(void *arg, size_t i, int err, int result, const char *extack)
{
	struct run *r = arg;
	size_t j = r->which ? r->which[i] : i;
	bool del = r->cmd == MIPKEX_CMD_KEY0_DEL || r->cmd == MIPKEX_CMD_PEER_DEL;
	const char *file = r->k0 ? r->k0[j].file : r->pe[j].file;
	unsigned int line = r->k0 ? r->k0[j].line : r->pe[j].line;
	char what[64], a[16];

	if (r->k0)
		snprintf(what, sizeof(what), "key0 %u", r->k0[j].spi);
	else
		snprintf(what, sizeof(what), "peer %s",
			 ipv4_str(r->pe[j].addr, a));
	if (err) {
		r->t->failed++;
		if (file)
			fprintf(stderr, "%s:%u: ", file, line);
		else
			fprintf(stderr, "mipkex: ");
		fprintf(stderr, "%s %s: ", del ? "deleting" : "setting", what);
		if (extack)
			fprintf(stderr, "kernel says: %s (%s)\n", extack,
				strerror(-err));
		else
			fprintf(stderr, "%s\n", strerror(-err));
		return;
	}
	if (del)
		r->t->deleted++;
	else if (result == MIPKEX_RESULT_ADDED)
		r->t->added++;
	else if (result == MIPKEX_RESULT_REPLACED)
		r->t->replaced++;
	else if (result == MIPKEX_RESULT_UNCHANGED)
		r->t->unchanged++;
}

static int run(struct run *r)
{
	if (!r->n)
		return 0;
	if (mk_batch_run(r->n, gen, done, r))
		return -1;
	return r->t->failed ? -1 : 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static bool in_sorted(const uint32_t *v, size_t n, uint32_t x)
{
	return bsearch(&x, v, n, sizeof(*v), cmp_u32) != NULL;
}

/*
 * KEY0 entries: delete first the kernel's entries the file does not have
 * whose NAI the file gives to another SPI (NAIs are unique), then add or
 * replace, then delete the other entries the file does not have.
 */
static int sync_key0(struct conf *c, struct tally *t)
{
	struct mk_key0 *kern = NULL, **byname = NULL;
	size_t nk = 0, i, nfirst = 0, nlater = 0, *first = NULL, *later = NULL;
	uint32_t *spis = NULL;
	struct run r = { .c = c, .t = t };
	int ret = -1;

	if (mk_key0_dump(&kern, &nk))
		return -1;
	spis = malloc((c->nk0 + 1) * sizeof(*spis));
	byname = malloc((c->nk0 + 1) * sizeof(*byname));
	first = malloc((nk + 1) * sizeof(*first));
	later = malloc((nk + 1) * sizeof(*later));
	if (!spis || !byname || !first || !later) {
		mk_err("out of memory");
		goto out;
	}
	for (i = 0; i < c->nk0; i++) {
		spis[i] = c->k0[i].spi;
		byname[i] = &c->k0[i];
	}
	qsort(spis, c->nk0, sizeof(*spis), cmp_u32);
	qsort(byname, c->nk0, sizeof(*byname), cmp_nai);
	for (i = 0; i < nk; i++) {
		struct mk_key0 *k = &kern[i];

		if (in_sorted(spis, c->nk0, k->spi))
			continue;
		if (bsearch(&k, byname, c->nk0, sizeof(*byname), cmp_nai))
			first[nfirst++] = i;
		else
			later[nlater++] = i;
	}
	r.k0 = kern;
	r.cmd = MIPKEX_CMD_KEY0_DEL;
	r.which = first;
	r.n = nfirst;
	if (run(&r))
		goto out;
	r.k0 = c->k0;
	r.cmd = MIPKEX_CMD_KEY0_NEW;
	r.which = NULL;
	r.n = c->nk0;
	if (run(&r))
		goto out;
	r.k0 = kern;
	r.cmd = MIPKEX_CMD_KEY0_DEL;
	r.which = later;
	r.n = nlater;
	ret = run(&r);
out:
	free(kern);
	free(spis);
	free(byname);
	free(first);
	free(later);
	return ret;
}

static int sync_peers(struct conf *c, struct tally *t)
{
	struct mk_peer *kern = NULL;
	size_t nk = 0, i, nstale = 0, *stale = NULL;
	uint32_t *addrs = NULL;
	struct run r = { .c = c, .t = t };
	int ret = -1;

	if (mk_peer_dump(&kern, &nk))
		return -1;
	addrs = malloc((c->npe + 1) * sizeof(*addrs));
	stale = malloc((nk + 1) * sizeof(*stale));
	if (!addrs || !stale) {
		mk_err("out of memory");
		goto out;
	}
	for (i = 0; i < c->npe; i++)
		addrs[i] = c->pe[i].addr;
	qsort(addrs, c->npe, sizeof(*addrs), cmp_u32);
	for (i = 0; i < nk; i++)
		if (!in_sorted(addrs, c->npe, kern[i].addr))
			stale[nstale++] = i;
	r.pe = c->pe;
	r.cmd = MIPKEX_CMD_PEER_NEW;
	r.n = c->npe;
	if (run(&r))
		goto out;
	r.pe = kern;
	r.cmd = MIPKEX_CMD_PEER_DEL;
	r.which = stale;
	r.n = nstale;
	ret = run(&r);
out:
	free(kern);
	free(addrs);
	free(stale);
	return ret;
}

static void print_tally(const char *name, const struct tally *t, bool last)
{
	if (json) {
		jw_key(name);
		jw_open('{');
		jw_key("added");
		jw_uint(t->added);
		jw_key("replaced");
		jw_uint(t->replaced);
		jw_key("unchanged");
		jw_uint(t->unchanged);
		jw_key("deleted");
		jw_uint(t->deleted);
		jw_key("failed");
		jw_uint(t->failed);
		jw_close();
		return;
	}
	printf("%s: %zu added, %zu replaced, %zu unchanged, %zu deleted",
	       name, t->added, t->replaced, t->unchanged, t->deleted);
	if (t->failed)
		printf(", %zu failed", t->failed);
	fputs(last ? "\n" : "; ", stdout);
}

/* HMAC-MD5 needs legacy on: say so with the line, before sending anything. */
static int check_legacy(struct conf *c)
{
	int legacy = -1;
	size_t i;

	if (HAVE(c->kdc, MIPKEX_KDC_A_LEGACY))
		legacy = c->kdc->legacy;
	for (i = 0; i < c->nk0 + c->npe; i++) {
		bool md5 = i < c->nk0 ?
			   HAVE(&c->k0[i], MIPKEX_KEY0_A_AUTH) &&
			   c->k0[i].auth == MIPKEX_AUTH_HMAC_MD5 :
			   HAVE(&c->pe[i - c->nk0], MIPKEX_PEER_A_AUTH) &&
			   c->pe[i - c->nk0].auth == MIPKEX_AUTH_HMAC_MD5;
		struct pos p;

		if (!md5)
			continue;
		if (legacy < 0 && mk_kdc_get_legacy(&legacy))
			return -1;
		if (legacy)
			return 0;
		p.file = i < c->nk0 ? c->k0[i].file : c->pe[i - c->nk0].file;
		p.line = i < c->nk0 ? c->k0[i].line : c->pe[i - c->nk0].line;
		conf_err(c, &p, "auth hmac-md5 needs legacy = on in [kdc]");
		return -1;
	}
	return 0;
}

int cmd_load(int argc, char **argv)
{
	struct conf c = { .role = -1 };
	struct tally tk = { 0 }, tp = { 0 };
	bool dry = false;
	int ret = 1;

	if (argc > 0 && !strcmp(argv[0], "--check")) {
		dry = true;
		argc--;
		argv++;
	}
	if (argc < 1)
		return usage_error("load: which file?");
	if (argc > 1)
		return usage_error("load: unexpected \"%s\"", argv[1]);
	c.kdc = calloc(1, sizeof(*c.kdc));
	if (!c.kdc) {
		mk_err("out of memory");
		return 1;
	}
	parse_file(&c, argv[0], 0);
	check(&c);
	if (c.errors) {
		if (c.errors > MAX_ERRORS)
			fprintf(stderr, "... and %d more errors\n",
				c.errors - MAX_ERRORS);
		mk_err("%s: %d error%s, nothing changed", argv[0], c.errors,
		       c.errors == 1 ? "" : "s");
		goto out;
	}
	if (dry) {
		printf("%s: node%s, kdc%s, %zu key0 entries, %zu peers: OK\n",
		       argv[0], c.node_file ? "" : " (none)",
		       c.kdc_file ? "" : " (none)", c.nk0, c.npe);
		ret = 0;
		goto out;
	}
	if (mk_genl_open())
		goto out;
	if (check_legacy(&c)) {
		mk_err("%s: nothing changed", argv[0]);
		goto close;
	}
	if ((c.role >= 0 || c.vendor) && mk_node_send(c.role, c.vendor))
		goto fail;
	if (c.kdc->have && mk_kdc_send(c.kdc))
		goto fail;
	if (sync_key0(&c, &tk) == 0 && sync_peers(&c, &tp) == 0)
		ret = 0;
	if (json) {
		jw_open('{');
		print_tally("key0", &tk, false);
		print_tally("peers", &tp, true);
		jw_close();
		jw_end();
	} else {
		print_tally("key0", &tk, false);
		print_tally("peers", &tp, true);
	}
	if (ret)
		goto fail;
	goto close;
fail:
	mk_err("%s: stopped at the first error; the namespace holds part of it",
	       argv[0]);
close:
	mk_genl_close();
out:
	conf_free(&c);
	return ret;
}

int cmd_showconf(int argc, char **argv)
{
	struct mk_key0 *k = NULL;
	struct mk_peer *p = NULL;
	size_t nk = 0, np = 0, i;
	int ret = 1;

	if (argc > 0)
		return usage_error("showconf: unexpected \"%s\"", argv[0]);
	if (mk_genl_open())
		return 1;
	if (mk_key0_dump(&k, &nk) || mk_peer_dump(&p, &np))
		goto out;
	printf("# mipkex showconf: this namespace's configuration, for mipkex load.\n"
	       "# Keys cannot be read back: each is shown by its fingerprint.\n");
	if (mk_node_print_conf() || mk_kdc_print_conf())
		goto out;
	for (i = 0; i < nk; i++)
		mk_key0_print_conf(&k[i]);
	for (i = 0; i < np; i++)
		mk_peer_print_conf(&p[i]);
	ret = fflush(stdout) ? 1 : 0;
out:
	free(k);
	free(p);
	mk_genl_close();
	return ret;
}
