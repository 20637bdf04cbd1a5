/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mipkex: the generic netlink family "mipkex_test" of the testing build
 * (kmod/testing.c, MIPKEX_TESTING only; never in the installed module, not
 * a uAPI). It runs one of the module's cryptographic constructions on inputs
 * the test supplies and returns the output, so that selftests can check the
 * module against another implementation (selftests/kernel/crypto.py, which
 * reads the numbers below from this file).
 *
 * MIPKEX_TEST_CMD_RUN (do, CAP_NET_ADMIN): %MIPKEX_TEST_A_OP says what to
 * run; the request carries that operation's inputs and the reply its
 * outputs (see &enum mipkex_test_op). A construction's error is the request's
 * error (e.g. -EBADMSG for a tag that does not verify, -EINVAL for a public
 * value refused, -ENOENT for an algorithm the kernel lacks).
 */
#ifndef _MIPKEX_TESTING_H
#define _MIPKEX_TESTING_H

#define MIPKEX_TEST_GENL_NAME		"mipkex_test"
#define MIPKEX_TEST_GENL_VERSION	1

/* Most pieces of a repeated attribute (CONTEXT, AAD, DATA). */
#define MIPKEX_TEST_MAX_PIECES		8
/* Longest DATA, AAD piece, KEY or PRIVATE. */
#define MIPKEX_TEST_MAX_DATA		4096

/**
 * enum mipkex_test_cmd - commands of "mipkex_test"
 * @MIPKEX_TEST_CMD_UNSPEC: unused
 * @MIPKEX_TEST_CMD_RUN: run the operation %MIPKEX_TEST_A_OP
 * @__MIPKEX_TEST_CMD_MAX: one past the last
 */
enum mipkex_test_cmd {
	MIPKEX_TEST_CMD_UNSPEC,
	MIPKEX_TEST_CMD_RUN,
	__MIPKEX_TEST_CMD_MAX
};

/**
 * enum mipkex_test_op - what %MIPKEX_TEST_CMD_RUN runs; "->" gives the reply
 * @MIPKEX_TEST_OP_UNSPEC: unused
 * @MIPKEX_TEST_OP_KDF: mipkex_kdf(): KEY, LABEL, CONTEXT (0 to 4 pieces),
 *	LENGTH (bytes) -> OUTPUT
 * @MIPKEX_TEST_OP_FINGERPRINT: mipkex_fingerprint(): KEY -> OUTPUT
 * @MIPKEX_TEST_OP_NONCE: mipkex_aead_nonce(): IDENT, DIR, INDEX -> OUTPUT
 * @MIPKEX_TEST_OP_SEAL: mipkex_aead_seal(): ALG (&enum mipkex_aead), KEY
 *	(32 bytes), NONCE, AAD (0 to 8 pieces), DATA (at most one; absent is
 *	empty) -> OUTPUT, ciphertext || tag
 * @MIPKEX_TEST_OP_OPEN: mipkex_aead_open(): the same with DATA the
 *	ciphertext || tag -> OUTPUT, the plaintext
 * @MIPKEX_TEST_OP_AUTH: mipkex_auth(): ALG (&enum mipkex_auth), KEY, DATA
 *	(0 to 8 pieces) -> OUTPUT
 * @MIPKEX_TEST_OP_VERIFY: mipkex_auth_verify(): as AUTH, and MAC ->
 *	RESULT (1 verified, 0 not)
 * @MIPKEX_TEST_OP_DH: GROUP (PRIME and GENERATOR when it is 0, the
 *	user-defined group, checked with mipkex_dh_user_group_check()).
 *	With PRIVATE: mipkex_dh_public_with_key() -> PUBLIC, and with PEER
 *	mipkex_dh_compute_with_key() -> SHARED. Without PRIVATE:
 *	mipkex_dh_generate() -> PUBLIC, and with PEER mipkex_dh_compute() ->
 *	SHARED and RESULT (1 if the secret was zeroised and refused a second
 *	use)
 * @MIPKEX_TEST_OP_DH_CHECK: mipkex_dh_check_public(): GROUP (PRIME,
 *	GENERATOR), PEER -> nothing
 * @MIPKEX_TEST_OP_AVAILABLE: mipkex_crypto_available(): LABEL, an algorithm
 *	name -> RESULT
 * @MIPKEX_TEST_OP_BINDING_ACCEPT: mipkex_binding_accept() in the requester's
 *	namespace: BINDING, a nest of &enum mipkex_binding_attr (home, HA,
 *	care-of and FA addresses, KEY0 SPI, NAI, mode, DH group, lifetime,
 *	Identification, and one %MIPKEX_BINDING_A_SA nest of &enum
 *	mipkex_sa_attr per pair, without fingerprint), and one KEY per pair,
 *	in order (32 bytes, or empty for a pair without a key) -> nothing
 * @MIPKEX_TEST_OP_BINDING_REMOVE: mipkex_binding_remove(): BINDING with the
 *	home and HA addresses -> nothing
 * @MIPKEX_TEST_OP_DENIED: mipkex_event_denied(): BINDING (home and HA
 *	addresses, NAI, each optional), CODE, MESSAGE -> nothing
 * @__MIPKEX_TEST_OP_MAX: one past the last
 */
enum mipkex_test_op {
	MIPKEX_TEST_OP_UNSPEC,
	MIPKEX_TEST_OP_KDF,
	MIPKEX_TEST_OP_FINGERPRINT,
	MIPKEX_TEST_OP_NONCE,
	MIPKEX_TEST_OP_SEAL,
	MIPKEX_TEST_OP_OPEN,
	MIPKEX_TEST_OP_AUTH,
	MIPKEX_TEST_OP_VERIFY,
	MIPKEX_TEST_OP_DH,
	MIPKEX_TEST_OP_DH_CHECK,
	MIPKEX_TEST_OP_AVAILABLE,
	MIPKEX_TEST_OP_BINDING_ACCEPT,
	MIPKEX_TEST_OP_BINDING_REMOVE,
	MIPKEX_TEST_OP_DENIED,
	__MIPKEX_TEST_OP_MAX
};

/**
 * enum mipkex_test_attr - attributes of "mipkex_test"
 * @MIPKEX_TEST_A_UNSPEC: unused
 * @MIPKEX_TEST_A_OP: u8, &enum mipkex_test_op
 * @MIPKEX_TEST_A_ALG: u8, &enum mipkex_aead or &enum mipkex_auth
 * @MIPKEX_TEST_A_KEY: binary, a key
 * @MIPKEX_TEST_A_LABEL: string, a KDF label or an algorithm name
 * @MIPKEX_TEST_A_CONTEXT: binary, one piece of a KDF context (repeatable)
 * @MIPKEX_TEST_A_LENGTH: u32, a KDF output length in bytes
 * @MIPKEX_TEST_A_IDENT: u64, an Identification
 * @MIPKEX_TEST_A_DIR: u8, a nonce direction
 * @MIPKEX_TEST_A_INDEX: u8, a nonce index
 * @MIPKEX_TEST_A_NONCE: binary, 12 bytes
 * @MIPKEX_TEST_A_AAD: binary, one piece of associated data (repeatable)
 * @MIPKEX_TEST_A_DATA: binary, a plaintext, ciphertext || tag, or one piece
 *	of authenticated data (repeatable for AUTH and VERIFY)
 * @MIPKEX_TEST_A_MAC: binary, an authenticator to verify
 * @MIPKEX_TEST_A_GROUP: u16, a DH group number, 0 for user-defined
 * @MIPKEX_TEST_A_PRIME: binary, the user-defined group's prime
 * @MIPKEX_TEST_A_GENERATOR: binary, its generator
 * @MIPKEX_TEST_A_PRIVATE: binary, a DH private value
 * @MIPKEX_TEST_A_PEER: binary, the peer's DH public value
 * @MIPKEX_TEST_A_OUTPUT: binary, reply: the output
 * @MIPKEX_TEST_A_PUBLIC: binary, reply: a DH public value
 * @MIPKEX_TEST_A_SHARED: binary, reply: a DH shared secret
 * @MIPKEX_TEST_A_RESULT: u8, reply: a yes/no answer
 * @MIPKEX_TEST_A_BINDING: nest, a binding (&enum mipkex_binding_attr)
 * @MIPKEX_TEST_A_CODE: u8, an RFC 5944 reply code
 * @MIPKEX_TEST_A_MESSAGE: string, a denial's explanation
 * @__MIPKEX_TEST_A_MAX: one past the last
 */
enum mipkex_test_attr {
	MIPKEX_TEST_A_UNSPEC,
	MIPKEX_TEST_A_OP,
	MIPKEX_TEST_A_ALG,
	MIPKEX_TEST_A_KEY,
	MIPKEX_TEST_A_LABEL,
	MIPKEX_TEST_A_CONTEXT,
	MIPKEX_TEST_A_LENGTH,
	MIPKEX_TEST_A_IDENT,
	MIPKEX_TEST_A_DIR,
	MIPKEX_TEST_A_INDEX,
	MIPKEX_TEST_A_NONCE,
	MIPKEX_TEST_A_AAD,
	MIPKEX_TEST_A_DATA,
	MIPKEX_TEST_A_MAC,
	MIPKEX_TEST_A_GROUP,
	MIPKEX_TEST_A_PRIME,
	MIPKEX_TEST_A_GENERATOR,
	MIPKEX_TEST_A_PRIVATE,
	MIPKEX_TEST_A_PEER,
	MIPKEX_TEST_A_OUTPUT,
	MIPKEX_TEST_A_PUBLIC,
	MIPKEX_TEST_A_SHARED,
	MIPKEX_TEST_A_RESULT,
	MIPKEX_TEST_A_BINDING,
	MIPKEX_TEST_A_CODE,
	MIPKEX_TEST_A_MESSAGE,
	__MIPKEX_TEST_A_MAX
};

#define MIPKEX_TEST_A_MAX (__MIPKEX_TEST_A_MAX - 1)

#endif /* _MIPKEX_TESTING_H */
