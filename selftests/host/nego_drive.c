// SPDX-License-Identifier: GPL-2.0
/*
 * A line-oriented driver of kmod/negotiate.c for selftests/host/
 * nego_check.py, which compares it with a model written from protocol.rst.
 * One command per line on stdin, one answer line on stdout:
 *
 *   respond XF LEGACY LIFE REG HEX
 *	XF: bitmap of enum mipkex_xform; LEGACY 0/1; LIFE the policy's
 *	longest lifetime; REG the registration lifetime; HEX the SA payload's
 *	value. Answer "ok CHOICE reply=HEX" (the reply SA payload's value, own
 *	SPIs 65536, 65537), "deny" (code 129) or "malformed ERR" (code 134).
 *   offer XF LEGACY SUB SPI LIFE
 *	Answer "ok HEX" (the offer's value) or "empty".
 *   counter XF LEGACY LIFE SUB SPI
 *	Answer as offer.
 *   check REG OFFERHEX ANSWERHEX
 *	Answer "ok CHOICE" or "bad ERR".
 *   mnfa XF LEGACY LIFE REG MNHEX FAHEX
 *	The home agent's MN-FA choice (protocol.rst 6.5) from the mobile
 *	node's offer MNHEX and the FA's FAHEX. Answer "ok CHOICE mn=HEX
 *	fa=HEX" (the values of the answers to the MN and to the FA), "none"
 *	(no agreement), "malformed ERR" (code 134) or "bad ERR" (other).
 *   facheck REG OFFERHEX ANSWERHEX
 *	The FA's check of the home agent's MN-FA answer. Answer as check.
 *
 * CHOICE is "N ; PROTO PID PEER_SPI OWN_SPI ENUM EID EBITS INUM IID IBITS
 * LIFE ; ..." (0 for a transform type not chosen). An empty value is "-".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "negotiate.h"

#define MAXV	70000

static u8 *unhex(const char *s, size_t *n)
{
	size_t len = strcmp(s, "-") ? strlen(s) / 2 : 0, i;
	u8 *b = malloc(len ? len : 1);
	unsigned int v;

	if (!b)
		abort();
	for (i = 0; i < len; i++) {
		if (sscanf(s + 2 * i, "%2x", &v) != 1) {
			fprintf(stderr, "nego_drive: bad hex\n");
			exit(2);
		}
		b[i] = (u8)v;
	}
	*n = len;
	return b;	/* exactly @len bytes: ASan sees overreads */
}

static void put_hex(const u8 *b, size_t n)
{
	size_t i;

	if (!n)
		putchar('-');
	for (i = 0; i < n; i++)
		printf("%02x", b[i]);
}

static void put_choice(const struct mipkex_nego_choice *c)
{
	unsigned int i;

	printf("%u", c->number);
	for (i = 0; i < c->n_sa; i++) {
		const struct mipkex_nego_sa *sa = &c->sa[i];

		printf(" ; %u %u %u %u %u %u %u %u %u %u %u", sa->protocol,
		       sa->protocol_id, sa->peer_spi, sa->own_spi,
		       sa->encr.number, sa->encr.id, sa->encr.key_bits,
		       sa->integ.number, sa->integ.id, sa->integ.key_bits,
		       sa->lifetime);
	}
}

static void policy(struct mipkex_nego_policy *pol, unsigned long xf,
		   unsigned long legacy, unsigned long life)
{
	memset(pol, 0, sizeof(*pol));
	pol->transforms = (u32)xf;
	pol->legacy = legacy;
	pol->lifetime = (u32)life;
}

static void respond(unsigned long xf, unsigned long legacy,
		    unsigned long life, unsigned long reg, const char *hex)
{
	struct mipkex_nego_policy pol;
	struct mipkex_nego_choice c;
	struct mipkex_wbuf w;
	static u8 out[MAXV];
	unsigned int i;
	size_t n;
	u8 *v = unhex(hex, &n);
	int ret;

	policy(&pol, xf, legacy, life);
	ret = mipkex_nego_respond(v, n, &pol, (u32)reg, &c);
	free(v);
	if (ret) {
		if (mipkex_nego_reply_code(ret) == 129)
			printf("deny\n");
		else
			printf("malformed %s\n", mipkex_nego_strerror(ret));
		return;
	}
	for (i = 0; i < c.n_sa; i++)
		c.sa[i].own_spi = 65536 + i;
	mipkex_wbuf_init(&w, out, sizeof(out));
	if (mipkex_nego_put_reply(&w, MIPKEX_VENDOR_DEFAULT, &c) ||
	    w.len < 10) {
		printf("error building the reply\n");
		return;
	}
	printf("ok ");
	put_choice(&c);
	printf(" reply=");
	put_hex(out + 10, w.len - 10);
	putchar('\n');
}

static void offer(struct mipkex_nego_policy *pol, unsigned long sub,
		  unsigned long spi, unsigned long life, bool counter)
{
	struct mipkex_wbuf w;
	static u8 out[MAXV];
	int ret;

	mipkex_wbuf_init(&w, out, sizeof(out));
	if (counter)
		ret = mipkex_nego_put_counter(&w, MIPKEX_VENDOR_DEFAULT, pol,
					      (u8)sub, (u32)spi);
	else
		ret = mipkex_nego_put_offer(&w, MIPKEX_VENDOR_DEFAULT, pol,
					    (u8)sub, (u32)spi, (u32)life);
	if (ret == -MIPKEX_NEGO_E_EMPTY_POLICY) {
		printf("empty\n");
		return;
	}
	if (ret || w.len < 10) {
		printf("error %s\n", mipkex_nego_strerror(ret));
		return;
	}
	printf("ok ");
	put_hex(out + 10, w.len - 10);
	putchar('\n');
}

static void check(unsigned long reg, const char *ohex, const char *ahex)
{
	struct mipkex_nego_choice c;
	size_t on, an;
	u8 *o = unhex(ohex, &on), *a = unhex(ahex, &an);
	int ret = mipkex_nego_check_answer(o, on, a, an, (u32)reg, &c);

	free(o);
	free(a);
	if (ret) {
		printf("bad %s\n", mipkex_nego_strerror(ret));
		return;
	}
	printf("ok ");
	put_choice(&c);
	putchar('\n');
}

static void mnfa(unsigned long xf, unsigned long legacy, unsigned long life,
		 unsigned long reg, const char *mhex, const char *fhex)
{
	struct mipkex_nego_policy pol;
	struct mipkex_nego_choice c;
	struct mipkex_wbuf w;
	static u8 out[MAXV];
	size_t mn, fn;
	u8 *m = unhex(mhex, &mn), *f = unhex(fhex, &fn);
	int ret;

	policy(&pol, xf, legacy, life);
	ret = mipkex_nego_respond_mnfa(m, mn, f, fn, &pol, (u32)reg, &c);
	free(m);
	free(f);
	if (ret == -MIPKEX_NEGO_E_NO_AGREEMENT) {
		printf("none\n");
		return;
	}
	if (ret) {
		printf("%s %s\n", mipkex_nego_reply_code(ret) == 134 ?
		       "malformed" : "bad", mipkex_nego_strerror(ret));
		return;
	}
	printf("ok ");
	put_choice(&c);
	mipkex_wbuf_init(&w, out, sizeof(out));
	if (mipkex_nego_put_mnfa_mn(&w, MIPKEX_VENDOR_DEFAULT, &c) ||
	    w.len < 10) {
		printf(" error building the answer to the MN\n");
		return;
	}
	printf(" mn=");
	put_hex(out + 10, w.len - 10);
	mipkex_wbuf_init(&w, out, sizeof(out));
	if (mipkex_nego_put_mnfa_fa(&w, MIPKEX_VENDOR_DEFAULT, &c) ||
	    w.len < 10 || out[0] != 134 || out[1] != w.len - 2) {
		printf(" error building the answer to the FA\n");
		return;
	}
	printf(" fa=");
	put_hex(out + 10, w.len - 10);
	putchar('\n');
}

static void facheck(unsigned long reg, const char *ohex, const char *ahex)
{
	struct mipkex_nego_choice c;
	size_t on, an;
	u8 *o = unhex(ohex, &on), *a = unhex(ahex, &an);
	int ret = mipkex_nego_check_mnfa(o, on, a, an, (u32)reg, &c);

	free(o);
	free(a);
	if (ret) {
		printf("bad %s\n", mipkex_nego_strerror(ret));
		return;
	}
	printf("ok ");
	put_choice(&c);
	putchar('\n');
}

int main(void)
{
	static char line[4 * MAXV], h1[2 * MAXV + 2], h2[2 * MAXV + 2];
	unsigned long a, b, c, d, e;
	struct mipkex_nego_policy pol;

	while (fgets(line, sizeof(line), stdin)) {
		if (sscanf(line, "respond %lu %lu %lu %lu %140001s", &a, &b, &c,
			   &d, h1) == 5) {
			respond(a, b, c, d, h1);
		} else if (sscanf(line, "offer %lu %lu %lu %lu %lu", &a, &b, &c,
				  &d, &e) == 5) {
			policy(&pol, a, b, 0);
			offer(&pol, c, d, e, false);
		} else if (sscanf(line, "counter %lu %lu %lu %lu %lu", &a, &b,
				  &c, &d, &e) == 5) {
			policy(&pol, a, b, c);
			offer(&pol, d, e, 0, true);
		} else if (sscanf(line, "check %lu %140001s %140001s", &a, h1,
				  h2) == 3) {
			check(a, h1, h2);
		} else if (sscanf(line, "facheck %lu %140001s %140001s", &a, h1,
				  h2) == 3) {
			facheck(a, h1, h2);
		} else if (sscanf(line, "mnfa %lu %lu %lu %lu %140001s %140001s",
				  &a, &b, &c, &d, h1, h2) == 6) {
			mnfa(a, b, c, d, h1, h2);
		} else {
			fprintf(stderr, "nego_drive: bad command: %s", line);
			return 2;
		}
		fflush(stdout);
	}
	return 0;
}
