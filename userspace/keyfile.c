// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex tool: keys from files or stdin, never from the command line.
 *
 * A key file holds either the key in hex (64 to 128 hex digits, an even
 * number, optionally followed by one newline) or the raw key (32 to 64
 * bytes). "-" is standard input. A file that is all hex digits is read as
 * hex. Key buffers are zeroised after use.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keyfile.h"
#include "util.h"

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/**
 * mk_file_read() - read a whole file, or standard input for "-"
 * @path: the file
 * @max: longest accepted content
 * @secret: warn if the file is accessible by group or others
 * @buf: the content, malloc'ed (one byte more, zero); zeroise and free it
 * @len: its length
 * @err: room for a message on failure
 * @n: size of @err
 *
 * A secret file (not stdin) accessible by group or others is read with a
 * warning, as wg(8) does.
 *
 * Return: 0 or -1 with @err set.
 */
int mk_file_read(const char *path, size_t max, bool secret, uint8_t **buf,
		 size_t *len, char *err, size_t n)
{
	bool is_stdin = !strcmp(path, "-");
	size_t used = 0;
	struct stat st;
	uint8_t *b;
	ssize_t r;
	int fd;

	fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, n, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (secret && !is_stdin && !fstat(fd, &st) && S_ISREG(st.st_mode) &&
	    (st.st_mode & (S_IRWXG | S_IRWXO)))
		fprintf(stderr,
			"mipkex: warning: %s is accessible by group or others (mode %04o)\n",
			path, (unsigned int)(st.st_mode & 07777));
	b = malloc(max + 2);
	if (!b) {
		snprintf(err, n, "out of memory");
		goto fail;
	}
	for (;;) {
		r = read(fd, b + used, max + 1 - used);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, n, "cannot read %s: %s", path,
				 strerror(errno));
			goto fail_free;
		}
		if (!r)
			break;
		used += (size_t)r;
		if (used > max) {
			snprintf(err, n, "%s is longer than %zu bytes", path,
				 max);
			goto fail_free;
		}
	}
	if (!is_stdin)
		close(fd);
	b[used] = 0;
	*buf = b;
	*len = used;
	return 0;
fail_free:
	explicit_bzero(b, max + 2);
	free(b);
fail:
	if (!is_stdin)
		close(fd);
	return -1;
}

/*
 * Parse @len bytes of @s as hex into @key.
 * Return: 0, -1 if @s is not all hex digits, -2 for a bad length.
 */
static int parse_hex(const char *s, size_t len, struct mk_key *key)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (hexval((unsigned char)s[i]) < 0)
			return -1;
	if (len % 2 || len < 2 * MIPKEX_KEY_MIN_LEN ||
	    len > 2 * MIPKEX_KEY_MAX_LEN)
		return -2;
	for (i = 0; i < len / 2; i++)
		key->b[i] = (uint8_t)(hexval(s[2 * i]) << 4 |
				      hexval(s[2 * i + 1]));
	key->len = (uint8_t)(len / 2);
	return 0;
}

/**
 * mk_key_hex() - a key given in hex (in a configuration file)
 * @hex: the digits
 * @key: the key
 * @err: room for a message on failure
 * @n: size of @err
 *
 * Return: 0 or -1 with @err set.
 */
int mk_key_hex(const char *hex, struct mk_key *key, char *err, size_t n)
{
	switch (parse_hex(hex, strlen(hex), key)) {
	case 0:
		return 0;
	case -1:
		snprintf(err, n, "a key is 64 to 128 hex digits");
		return -1;
	default:
		snprintf(err, n,
			 "a key is 64 to 128 hex digits (an even number), not %zu",
			 strlen(hex));
		return -1;
	}
}

/**
 * mk_key_read() - a key from a file (hex or raw), or stdin for "-"
 * @path: the file
 * @key: the key
 * @err: room for a message on failure
 * @n: size of @err
 *
 * Return: 0 or -1 with @err set.
 */
int mk_key_read(const char *path, struct mk_key *key, char *err, size_t n)
{
	size_t len, hlen;
	uint8_t *b;
	int ret;

	/* Room for 128 hex digits and CR LF, so that the error says why. */
	if (mk_file_read(path, 2 * MIPKEX_KEY_MAX_LEN + 2, true, &b, &len, err, n))
		return -1;
	hlen = len;
	if (hlen && b[hlen - 1] == '\n')
		hlen--;
	if (hlen && b[hlen - 1] == '\r')
		hlen--;
	ret = parse_hex((const char *)b, hlen, key);
	if (ret == -2) {
		snprintf(err, n,
			 "%s: a hex key is 64 to 128 hex digits (an even number), not %zu",
			 path, hlen);
		ret = -1;
	} else if (ret == -1) {
		ret = 0;
		if (len < MIPKEX_KEY_MIN_LEN || len > MIPKEX_KEY_MAX_LEN) {
			snprintf(err, n,
				 "%s: %zu bytes: a raw key is 32 to 64 bytes, a hex key 64 to 128 hex digits",
				 path, len);
			ret = -1;
		} else {
			memcpy(key->b, b, len);
			key->len = (uint8_t)len;
		}
	}
	explicit_bzero(b, 2 * MIPKEX_KEY_MAX_LEN + 4);
	free(b);
	return ret;
}

void mk_key_zero(struct mk_key *key)
{
	explicit_bzero(key, sizeof(*key));
}

/* mipkex genkey [LEN]: a new random key in hex, as "wg genkey". */
int cmd_genkey(int argc, char **argv)
{
	struct mk_key key;
	uint32_t len = 32;
	char hex[2 * MIPKEX_KEY_MAX_LEN + 1];
	size_t got = 0;
	ssize_t r;

	if (argc > 1)
		return usage_error("genkey: unexpected \"%s\"", argv[1]);
	if (argc == 1 && parse_u32(argv[0], MIPKEX_KEY_MIN_LEN,
				   MIPKEX_KEY_MAX_LEN, &len))
		return usage_error("genkey: the length is %d to %d bytes, not \"%s\"",
				   MIPKEX_KEY_MIN_LEN, MIPKEX_KEY_MAX_LEN,
				   argv[0]);
	while (got < len) {
		r = getrandom(key.b + got, len - got, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			mk_err("getrandom: %s", strerror(errno));
			mk_key_zero(&key);
			return 1;
		}
		got += (size_t)r;
	}
	hex_str(key.b, len, hex);
	mk_key_zero(&key);
	printf("%s\n", hex);
	explicit_bzero(hex, sizeof(hex));
	return fflush(stdout) ? 1 : 0;
}
