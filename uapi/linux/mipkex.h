/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * mipkex: Mobile IPv4 key exchange (WO 01/26322) - generic netlink uAPI.
 *
 * Family "mipkex", version MIPKEX_GENL_VERSION. Every operation acts on the
 * network namespace of the requesting netlink socket.
 *
 * MIPKEX_CMD_GET_NODE (do)
 *	Request: no attributes.
 *	Reply: %MIPKEX_A_ROLE, %MIPKEX_A_HOOKS, %MIPKEX_A_QUEUE_MAX,
 *	%MIPKEX_A_VENDOR.
 *
 * MIPKEX_CMD_SET_NODE (do, CAP_NET_ADMIN in the namespace's user namespace)
 *	Request: %MIPKEX_A_ROLE, %MIPKEX_A_VENDOR, or both (at least one);
 *	what is absent is left as it is.
 *	Setting a role other than %MIPKEX_ROLE_NONE registers the namespace's
 *	netfilter hooks; setting %MIPKEX_ROLE_NONE unregisters them after every
 *	datagram already queued has been re-injected.
 *
 * MIPKEX_CMD_GET_STATS (do)
 *	Request: no attributes.
 *	Reply: %MIPKEX_A_STATS, a nest of &enum mipkex_stat counters (u64).
 *
 * MIPKEX_CMD_KEY0_NEW (do, admin)
 *	Request: %MIPKEX_A_KEY0, a nest of &enum mipkex_key0_attr. SPI, NAI,
 *	home address, HA address and key are required; the others default to
 *	AES-256-GCM, HMAC-SHA256, timestamp replay protection, window 7 s.
 *	Netlink header flags choose the semantics, as for routes:
 *	NLM_F_CREATE|NLM_F_EXCL adds (-EEXIST if the SPI exists),
 *	NLM_F_CREATE|NLM_F_REPLACE adds or replaces, NLM_F_REPLACE alone
 *	replaces (-ENOENT if the SPI does not exist). A replacement identical
 *	to the entry in place leaves it untouched.
 *	Reply: %MIPKEX_A_RESULT (&enum mipkex_result).
 *
 * MIPKEX_CMD_KEY0_DEL (do, admin)
 *	Request: %MIPKEX_A_KEY0 with %MIPKEX_KEY0_A_SPI (required).
 *
 * MIPKEX_CMD_KEY0_GET (do with %MIPKEX_A_KEY0 / %MIPKEX_KEY0_A_SPI, or dump;
 *	admin: an entry ties a NAI to a home address)
 *	Reply: one %MIPKEX_A_KEY0 per entry, without the key, with its
 *	%MIPKEX_KEY0_A_FINGERPRINT. Dumps are in no particular order.
 *
 * MIPKEX_CMD_KEY0_FLUSH (do, admin)
 *	Request: no attributes. Reply: %MIPKEX_A_COUNT, the entries removed.
 *
 * MIPKEX_CMD_PEER_NEW, _DEL, _GET, _FLUSH
 *	The same for FA-HA peers, with %MIPKEX_A_PEER (&enum mipkex_peer_attr),
 *	keyed by %MIPKEX_PEER_A_ADDR. NEW requires address, SPI and key. GET
 *	needs no capability (a peer names no mobile node).
 *
 * MIPKEX_CMD_KDC_SET (do, admin)
 *	Request: %MIPKEX_A_KDC (&enum mipkex_kdc_attr); changes only the
 *	attributes present, all or nothing.
 *
 * MIPKEX_CMD_KDC_GET (do)
 *	Reply: %MIPKEX_A_KDC with every parameter; the seed appears only as
 *	%MIPKEX_KDC_A_SEED_FINGERPRINT.
 *
 * MIPKEX_CMD_GET_SELFTEST (do)
 *	Reply: %MIPKEX_A_SELFTEST, the known-answer tests the module ran on
 *	its cryptography when it was loaded (&enum mipkex_selftest_attr).
 *
 * MIPKEX_CMD_BINDING_GET (do with %MIPKEX_A_BINDING / %MIPKEX_BINDING_A_HOME_ADDR
 *	and optionally %MIPKEX_BINDING_A_HA_ADDR, or dump; admin, as the events:
 *	a binding tells who registered where)
 *	Reply: one %MIPKEX_A_BINDING per binding (&enum mipkex_binding_attr),
 *	with one %MIPKEX_BINDING_A_SA nest per negotiated pair and protocol
 *	(a pair negotiated with ESP and AH has two). A binding is a
 *	registration the module accepted in this namespace, as the namespace's
 *	role sees it, identified by (home address, HA address). Without the HA
 *	address, a do answers the one binding of that home address (-ENOENT if
 *	none, -ENOTUNIQ if several). Keys are never included: each pair's key
 *	appears as %MIPKEX_SA_A_FINGERPRINT. Dumps are in no particular order.
 *
 * MIPKEX_CMD_BINDING_DEL (do, admin)
 *	Request: %MIPKEX_A_BINDING with %MIPKEX_BINDING_A_HOME_ADDR and
 *	%MIPKEX_BINDING_A_HA_ADDR (both required). Removes the binding (and,
 *	once XFRM is in, its SAs), keys zeroised, with a
 *	%MIPKEX_EVENT_REMOVED event of reason %MIPKEX_REASON_DELETED.
 *
 * MIPKEX_CMD_EVENT (notification only, multicast group
 *	%MIPKEX_GENL_MCGRP_EVENTS; joining it needs CAP_NET_ADMIN in the
 *	namespace's user namespace)
 *	One message per event, in the namespace where it happened:
 *	%MIPKEX_A_EVENT (&enum mipkex_event_attr: type, reason, role, and for a
 *	denial its code, message, home address, HA address and NAI when
 *	known), and for %MIPKEX_EVENT_ACCEPTED and %MIPKEX_EVENT_REMOVED the
 *	binding as BINDING_GET shows it (%MIPKEX_A_BINDING). Namespace exit
 *	and module unload remove every binding without an event.
 *
 * MIPKEX_CMD_SA_GET (dump, admin)
 *	Reply: one %MIPKEX_A_XSA (&enum mipkex_xsa_attr) per XFRM SA the module
 *	installed in this namespace and still tracks: its binding, pair,
 *	direction, addresses, SPI, algorithm, lifetimes and counters (never
 *	its key). Dumps are in no particular order.
 *
 * SA events (multicast, as above): %MIPKEX_EVENT_SA_INSTALLED,
 *	%MIPKEX_EVENT_SA_REKEYED, %MIPKEX_EVENT_SA_EXPIRED and
 *	%MIPKEX_EVENT_SA_REMOVED carry %MIPKEX_A_EVENT (type, reason, role) and
 *	the SA as SA_GET shows it (%MIPKEX_A_XSA).
 *
 * Every key (KEY0, FA-HA key, KDC seed) is 32 to 64 bytes; keys are write
 * only. A fingerprint is the first 8 bytes of
 * KDF(key, "mipkex fingerprint", empty context, 64), the SP 800-108 KDF of
 * Documentation/protocol.rst section 8.1: it identifies a key without
 * revealing it.
 *
 * Errors: a refused request changes nothing. A bad attribute is -EINVAL
 * with its offset in the extended ack and a message: netlink's own for a
 * wrong type or length, else one naming the attribute (for a number outside
 * the values stated here, with the values allowed). A missing required
 * attribute is -EINVAL with its type. NEW also gives -EEXIST and -ENOENT
 * (above) and -ENOSPC at the max_key0 / max_peer bound; DEL and GET give
 * -ENOENT for an entry that does not exist.
 */
#ifndef _UAPI_LINUX_MIPKEX_H
#define _UAPI_LINUX_MIPKEX_H

#define MIPKEX_GENL_NAME	"mipkex"
#define MIPKEX_GENL_VERSION	1
/** Name of the multicast group of &enum mipkex_event notifications. */
#define MIPKEX_GENL_MCGRP_EVENTS	"events"

/**
 * enum mipkex_role - role of the module in one network namespace
 * @MIPKEX_ROLE_NONE: no role; no netfilter hook is registered
 * @MIPKEX_ROLE_MN: mobile node
 * @MIPKEX_ROLE_FA: foreign agent
 * @MIPKEX_ROLE_HA: home agent
 * @__MIPKEX_ROLE_MAX: one past the last role
 */
enum mipkex_role {
	MIPKEX_ROLE_NONE,
	MIPKEX_ROLE_MN,
	MIPKEX_ROLE_FA,
	MIPKEX_ROLE_HA,
	__MIPKEX_ROLE_MAX
};

#define MIPKEX_ROLE_MAX (__MIPKEX_ROLE_MAX - 1)

/**
 * enum mipkex_cmd - generic netlink commands
 * @MIPKEX_CMD_UNSPEC: unused
 * @MIPKEX_CMD_GET_NODE: read the namespace's role and hook state
 * @MIPKEX_CMD_SET_NODE: set the namespace's role
 * @MIPKEX_CMD_GET_STATS: read the namespace's counters
 * @MIPKEX_CMD_KEY0_NEW: add or replace a KEY0 entry
 * @MIPKEX_CMD_KEY0_DEL: delete a KEY0 entry
 * @MIPKEX_CMD_KEY0_GET: read one KEY0 entry, or dump them all
 * @MIPKEX_CMD_KEY0_FLUSH: delete every KEY0 entry
 * @MIPKEX_CMD_PEER_NEW: add or replace an FA-HA peer
 * @MIPKEX_CMD_PEER_DEL: delete an FA-HA peer
 * @MIPKEX_CMD_PEER_GET: read one peer, or dump them all
 * @MIPKEX_CMD_PEER_FLUSH: delete every peer
 * @MIPKEX_CMD_KDC_SET: change key distribution centre parameters
 * @MIPKEX_CMD_KDC_GET: read key distribution centre parameters
 * @MIPKEX_CMD_GET_SELFTEST: read the results of the load-time self-tests
 * @MIPKEX_CMD_BINDING_GET: read one binding, or dump them all
 * @MIPKEX_CMD_BINDING_DEL: remove one binding
 * @MIPKEX_CMD_EVENT: an event (notification, never a request)
 * @MIPKEX_CMD_SA_GET: dump the XFRM SAs the module installed
 * @__MIPKEX_CMD_MAX: one past the last command
 */
enum mipkex_cmd {
	MIPKEX_CMD_UNSPEC,
	MIPKEX_CMD_GET_NODE,
	MIPKEX_CMD_SET_NODE,
	MIPKEX_CMD_GET_STATS,
	MIPKEX_CMD_KEY0_NEW,
	MIPKEX_CMD_KEY0_DEL,
	MIPKEX_CMD_KEY0_GET,
	MIPKEX_CMD_KEY0_FLUSH,
	MIPKEX_CMD_PEER_NEW,
	MIPKEX_CMD_PEER_DEL,
	MIPKEX_CMD_PEER_GET,
	MIPKEX_CMD_PEER_FLUSH,
	MIPKEX_CMD_KDC_SET,
	MIPKEX_CMD_KDC_GET,
	MIPKEX_CMD_GET_SELFTEST,
	MIPKEX_CMD_BINDING_GET,
	MIPKEX_CMD_BINDING_DEL,
	MIPKEX_CMD_EVENT,
	MIPKEX_CMD_SA_GET,
	__MIPKEX_CMD_MAX
};

#define MIPKEX_CMD_MAX (__MIPKEX_CMD_MAX - 1)

/**
 * enum mipkex_attr - top-level attributes
 * @MIPKEX_A_UNSPEC: unused
 * @MIPKEX_A_PAD: padding for 64-bit attributes
 * @MIPKEX_A_ROLE: u8, &enum mipkex_role
 * @MIPKEX_A_HOOKS: u8, 1 when the namespace's netfilter hooks are registered
 *	(read only)
 * @MIPKEX_A_QUEUE_MAX: u32, bound of the namespace's worker queue (read only;
 *	the module parameter max_queue)
 * @MIPKEX_A_STATS: nest of &enum mipkex_stat (read only)
 * @MIPKEX_A_VENDOR: u32, the SMI enterprise number of the vendor extensions
 *	(Documentation/protocol.rst section 3.3); default 32473, 1 to 2^24 - 1
 * @MIPKEX_A_KEY0: nest of &enum mipkex_key0_attr
 * @MIPKEX_A_PEER: nest of &enum mipkex_peer_attr
 * @MIPKEX_A_KDC: nest of &enum mipkex_kdc_attr
 * @MIPKEX_A_SELFTEST: nest of &enum mipkex_selftest_attr (read only)
 * @MIPKEX_A_RESULT: u8, &enum mipkex_result (read only)
 * @MIPKEX_A_COUNT: u32, number of entries a flush removed (read only)
 * @MIPKEX_A_BINDING: nest of &enum mipkex_binding_attr
 * @MIPKEX_A_EVENT: nest of &enum mipkex_event_attr (read only)
 * @MIPKEX_A_XSA: nest of &enum mipkex_xsa_attr (read only)
 * @__MIPKEX_A_MAX: one past the last attribute
 */
enum mipkex_attr {
	MIPKEX_A_UNSPEC,
	MIPKEX_A_PAD,
	MIPKEX_A_ROLE,
	MIPKEX_A_HOOKS,
	MIPKEX_A_QUEUE_MAX,
	MIPKEX_A_STATS,
	MIPKEX_A_VENDOR,
	MIPKEX_A_KEY0,
	MIPKEX_A_PEER,
	MIPKEX_A_KDC,
	MIPKEX_A_SELFTEST,
	MIPKEX_A_RESULT,
	MIPKEX_A_COUNT,
	MIPKEX_A_BINDING,
	MIPKEX_A_EVENT,
	MIPKEX_A_XSA,
	__MIPKEX_A_MAX
};

#define MIPKEX_A_MAX (__MIPKEX_A_MAX - 1)

/**
 * enum mipkex_stat - per-namespace counters, each a u64 inside %MIPKEX_A_STATS
 * @MIPKEX_STAT_UNSPEC: unused
 * @MIPKEX_STAT_PAD: padding
 * @MIPKEX_STAT_STOLEN_IN: UDP port 434 datagrams taken at LOCAL_IN
 * @MIPKEX_STAT_STOLEN_OUT: UDP port 434 datagrams taken at LOCAL_OUT
 * @MIPKEX_STAT_REINJECTED_IN: datagrams handed back to the LOCAL_IN chain
 * @MIPKEX_STAT_REINJECTED_OUT: datagrams handed back to the LOCAL_OUT chain
 * @MIPKEX_STAT_DROPPED_QUEUE_FULL: dropped because the worker queue was full
 * @MIPKEX_STAT_DROPPED_NOMEM: dropped because no queue entry could be allocated
 * @MIPKEX_STAT_DROPPED_NOREF: dropped because the route or the socket was
 *	already being released and could not be held
 * @MIPKEX_STAT_PASSED_FRAGMENT: IP fragments seen at LOCAL_OUT (raw sockets)
 *	and left alone; the receiver sees the reassembled datagram
 * @MIPKEX_STAT_PASSED_MALFORMED: UDP datagrams too short to carry a UDP header,
 *	left to the UDP layer to drop
 * @MIPKEX_STAT_QUEUED: datagrams in the worker queue now (a gauge)
 * @MIPKEX_STAT_DROPPED_PROTOCOL: datagrams the worker took and dropped:
 *	protected messages that failed a check (one of the ERR_* counters
 *	says which), or that the module answered itself
 * @MIPKEX_STAT_PASSED_OTHER: datagrams re-injected unchanged because they
 *	are not a well-formed registration message
 * @MIPKEX_STAT_PASSED_PLAIN: registration messages re-injected unchanged
 *	because they are not the module's business in this role (plain RFC
 *	5944, or a direction the role leaves alone)
 * @MIPKEX_STAT_REWRITTEN: registration messages the module rewrote
 *	(protected, unprotected, re-signed) and re-injected
 * @MIPKEX_STAT_DENIALS_SENT: denials the module sent in place of a message
 * @MIPKEX_STAT_ERR_MALFORMED: protected messages with a malformed or
 *	misplaced element (code 134, 70/71 at an FA)
 * @MIPKEX_STAT_ERR_UNKNOWN_SPI: no KEY0 entry for the SPI
 * @MIPKEX_STAT_ERR_AUTH: MN-HA authenticator did not verify (131)
 * @MIPKEX_STAT_ERR_FA_AUTH: FA-HA authenticator did not verify (132, 68)
 * @MIPKEX_STAT_ERR_REPLAY: Identification not fresh (133)
 * @MIPKEX_STAT_ERR_DECRYPT: an encrypted element did not decrypt
 * @MIPKEX_STAT_ERR_IDENTITY: decrypted identity does not match the KEY0
 *	entry
 * @MIPKEX_STAT_ERR_NEGOTIATION: no acceptable proposal, group or
 *	transform (129)
 * @MIPKEX_STAT_ERR_KDC: key generation or Diffie-Hellman failed (130)
 * @MIPKEX_STAT_ERR_RATELIMIT: dropped by the per-source rate limit
 * @MIPKEX_STAT_ERR_NO_PENDING: a reply that answers no request the module
 *	is waiting for (at a home agent: the agent's late answer to a request
 *	that expired, dropped instead of leaving plain)
 * @MIPKEX_STAT_ERR_RESOURCE: no memory or no route while processing
 * @MIPKEX_STAT_SA_INSTALLED: XFRM SAs the module installed
 * @MIPKEX_STAT_SA_REMOVED: XFRM SAs it removed, or found removed by
 *	someone else or expired
 * @MIPKEX_STAT_ERR_XFRM: XFRM SAs or policies it could not install (the
 *	registration is refused: code 130 at an HA)
 * @MIPKEX_STAT_RETRANSMISSIONS: home agent: retransmitted requests (the
 *	same bytes from the same source as one answered last or pending),
 *	answered again with the cached reply or dropped while the agent's
 *	answer is pending
 * @MIPKEX_STAT_FA_DENIALS: mobile node: foreign agents' denials (codes
 *	64-127, without an MN-HA authentication extension) of a pending
 *	protected request, restored for the agent
 * @MIPKEX_STAT_ERR_AGENT_REPLY: home agent: replies of the local agent
 *	whose framing the module cannot parse, to a request it unprotected:
 *	never sent; the mobile node gets the module's denial (128) instead
 * @__MIPKEX_STAT_MAX: one past the last counter
 *
 * At any instant, STOLEN_IN + STOLEN_OUT == REINJECTED_IN + REINJECTED_OUT +
 * DROPPED_PROTOCOL + QUEUED; a datagram dropped for DROPPED_QUEUE_FULL,
 * _NOMEM or _NOREF is never counted as stolen. Every re-injected datagram
 * is counted once in PASSED_OTHER, PASSED_PLAIN or REWRITTEN.
 */
enum mipkex_stat {
	MIPKEX_STAT_UNSPEC,
	MIPKEX_STAT_PAD,
	MIPKEX_STAT_STOLEN_IN,
	MIPKEX_STAT_STOLEN_OUT,
	MIPKEX_STAT_REINJECTED_IN,
	MIPKEX_STAT_REINJECTED_OUT,
	MIPKEX_STAT_DROPPED_QUEUE_FULL,
	MIPKEX_STAT_DROPPED_NOMEM,
	MIPKEX_STAT_DROPPED_NOREF,
	MIPKEX_STAT_PASSED_FRAGMENT,
	MIPKEX_STAT_PASSED_MALFORMED,
	MIPKEX_STAT_QUEUED,
	MIPKEX_STAT_DROPPED_PROTOCOL,
	MIPKEX_STAT_PASSED_OTHER,
	MIPKEX_STAT_PASSED_PLAIN,
	MIPKEX_STAT_REWRITTEN,
	MIPKEX_STAT_DENIALS_SENT,
	MIPKEX_STAT_ERR_MALFORMED,
	MIPKEX_STAT_ERR_UNKNOWN_SPI,
	MIPKEX_STAT_ERR_AUTH,
	MIPKEX_STAT_ERR_FA_AUTH,
	MIPKEX_STAT_ERR_REPLAY,
	MIPKEX_STAT_ERR_DECRYPT,
	MIPKEX_STAT_ERR_IDENTITY,
	MIPKEX_STAT_ERR_NEGOTIATION,
	MIPKEX_STAT_ERR_KDC,
	MIPKEX_STAT_ERR_RATELIMIT,
	MIPKEX_STAT_ERR_NO_PENDING,
	MIPKEX_STAT_ERR_RESOURCE,
	MIPKEX_STAT_SA_INSTALLED,
	MIPKEX_STAT_SA_REMOVED,
	MIPKEX_STAT_ERR_XFRM,
	MIPKEX_STAT_RETRANSMISSIONS,
	MIPKEX_STAT_FA_DENIALS,
	MIPKEX_STAT_ERR_AGENT_REPLY,
	__MIPKEX_STAT_MAX
};

#define MIPKEX_STAT_MAX (__MIPKEX_STAT_MAX - 1)

/** Shortest and longest key (KEY0, FA-HA key, KDC seed), in bytes. */
#define MIPKEX_KEY_MIN_LEN	32
#define MIPKEX_KEY_MAX_LEN	64
/** Length of a key fingerprint, in bytes. */
#define MIPKEX_FINGERPRINT_LEN	8
/** Smallest SPI a KEY0 entry or peer may use (0-255 are reserved). */
#define MIPKEX_SPI_MIN		256
/** Longest NAI, in bytes (RFC 7542 via RFC 2794's one-byte length). */
#define MIPKEX_NAI_MAX_LEN	253

/**
 * enum mipkex_result - what a NEW operation did
 * @MIPKEX_RESULT_UNSPEC: unused
 * @MIPKEX_RESULT_ADDED: a new entry was added
 * @MIPKEX_RESULT_REPLACED: an existing entry was replaced
 * @MIPKEX_RESULT_UNCHANGED: the entry in place was identical; untouched
 */
enum mipkex_result {
	MIPKEX_RESULT_UNSPEC,
	MIPKEX_RESULT_ADDED,
	MIPKEX_RESULT_REPLACED,
	MIPKEX_RESULT_UNCHANGED,
};

/**
 * enum mipkex_aead - AEAD for identity encryption and key wrapping
 * @MIPKEX_AEAD_UNSPEC: unused
 * @MIPKEX_AEAD_AES_256_GCM: AES-256-GCM, 16-byte tag (default)
 * @MIPKEX_AEAD_CHACHA20_POLY1305: ChaCha20-Poly1305 (RFC 8439)
 * @__MIPKEX_AEAD_MAX: one past the last
 */
enum mipkex_aead {
	MIPKEX_AEAD_UNSPEC,
	MIPKEX_AEAD_AES_256_GCM,
	MIPKEX_AEAD_CHACHA20_POLY1305,
	__MIPKEX_AEAD_MAX
};

#define MIPKEX_AEAD_MAX (__MIPKEX_AEAD_MAX - 1)

/**
 * enum mipkex_auth - RFC 5944 authenticator algorithm
 * @MIPKEX_AUTH_UNSPEC: unused
 * @MIPKEX_AUTH_HMAC_SHA256: HMAC-SHA256, 32 bytes (default)
 * @MIPKEX_AUTH_HMAC_MD5: HMAC-MD5, 16 bytes; refused unless the KDC
 *	parameters have %MIPKEX_KDC_A_LEGACY set
 * @__MIPKEX_AUTH_MAX: one past the last
 */
enum mipkex_auth {
	MIPKEX_AUTH_UNSPEC,
	MIPKEX_AUTH_HMAC_SHA256,
	MIPKEX_AUTH_HMAC_MD5,
	__MIPKEX_AUTH_MAX
};

#define MIPKEX_AUTH_MAX (__MIPKEX_AUTH_MAX - 1)

/**
 * enum mipkex_replay - replay protection of a KEY0 security association
 * @MIPKEX_REPLAY_UNSPEC: unused
 * @MIPKEX_REPLAY_TIMESTAMP: RFC 5944 timestamps within a window (default)
 * @MIPKEX_REPLAY_NONCE: RFC 5944 nonces
 * @__MIPKEX_REPLAY_MAX: one past the last
 */
enum mipkex_replay {
	MIPKEX_REPLAY_UNSPEC,
	MIPKEX_REPLAY_TIMESTAMP,
	MIPKEX_REPLAY_NONCE,
	__MIPKEX_REPLAY_MAX
};

#define MIPKEX_REPLAY_MAX (__MIPKEX_REPLAY_MAX - 1)

/**
 * enum mipkex_key0_attr - a KEY0 security association (MN-HA, the key the
 *	mobile node shares with its home agent), inside %MIPKEX_A_KEY0
 * @MIPKEX_KEY0_A_UNSPEC: unused
 * @MIPKEX_KEY0_A_SPI: u32, the SPI (>= %MIPKEX_SPI_MIN); unique
 * @MIPKEX_KEY0_A_NAI: string, the mobile node's NAI (1 to
 *	%MIPKEX_NAI_MAX_LEN bytes, no NUL inside); unique
 * @MIPKEX_KEY0_A_HOME_ADDR: be32, the mobile node's home address
 * @MIPKEX_KEY0_A_HA_ADDR: be32, its home agent's address
 * @MIPKEX_KEY0_A_KEY: binary, the key (write only)
 * @MIPKEX_KEY0_A_FINGERPRINT: binary, %MIPKEX_FINGERPRINT_LEN bytes (read only)
 * @MIPKEX_KEY0_A_AEAD: u8, &enum mipkex_aead
 * @MIPKEX_KEY0_A_AUTH: u8, &enum mipkex_auth
 * @MIPKEX_KEY0_A_REPLAY: u8, &enum mipkex_replay
 * @MIPKEX_KEY0_A_WINDOW: u32, timestamp window in seconds (1-3600)
 * @__MIPKEX_KEY0_A_MAX: one past the last
 */
enum mipkex_key0_attr {
	MIPKEX_KEY0_A_UNSPEC,
	MIPKEX_KEY0_A_SPI,
	MIPKEX_KEY0_A_NAI,
	MIPKEX_KEY0_A_HOME_ADDR,
	MIPKEX_KEY0_A_HA_ADDR,
	MIPKEX_KEY0_A_KEY,
	MIPKEX_KEY0_A_FINGERPRINT,
	MIPKEX_KEY0_A_AEAD,
	MIPKEX_KEY0_A_AUTH,
	MIPKEX_KEY0_A_REPLAY,
	MIPKEX_KEY0_A_WINDOW,
	__MIPKEX_KEY0_A_MAX
};

#define MIPKEX_KEY0_A_MAX (__MIPKEX_KEY0_A_MAX - 1)

/**
 * enum mipkex_peer_attr - an FA-HA security association, inside
 *	%MIPKEX_A_PEER (on an HA the peer is a foreign agent, on an FA a home
 *	agent)
 * @MIPKEX_PEER_A_UNSPEC: unused
 * @MIPKEX_PEER_A_ADDR: be32, the peer's address; unique
 * @MIPKEX_PEER_A_SPI: u32, the SPI of the FA-HA authentication extension
 *	(>= %MIPKEX_SPI_MIN)
 * @MIPKEX_PEER_A_KEY: binary, the FA-HA key (write only)
 * @MIPKEX_PEER_A_FINGERPRINT: binary, %MIPKEX_FINGERPRINT_LEN bytes (read only)
 * @MIPKEX_PEER_A_AEAD: u8, &enum mipkex_aead, for key wrapping
 * @MIPKEX_PEER_A_AUTH: u8, &enum mipkex_auth
 * @__MIPKEX_PEER_A_MAX: one past the last
 */
enum mipkex_peer_attr {
	MIPKEX_PEER_A_UNSPEC,
	MIPKEX_PEER_A_ADDR,
	MIPKEX_PEER_A_SPI,
	MIPKEX_PEER_A_KEY,
	MIPKEX_PEER_A_FINGERPRINT,
	MIPKEX_PEER_A_AEAD,
	MIPKEX_PEER_A_AUTH,
	__MIPKEX_PEER_A_MAX
};

#define MIPKEX_PEER_A_MAX (__MIPKEX_PEER_A_MAX - 1)

/**
 * enum mipkex_kdc_mode - how the key distribution centre makes KEY1-3
 * @MIPKEX_KDC_MODE_UNSPEC: unused
 * @MIPKEX_KDC_MODE_STATEFUL: random keys, kept with the binding (default)
 * @MIPKEX_KDC_MODE_SEMI: derived from the seed and the registration
 * @MIPKEX_KDC_MODE_DH: stateless: KEY1 and KEY3 from a Diffie-Hellman
 *	exchange between mobile node and home agent
 * @__MIPKEX_KDC_MODE_MAX: one past the last
 */
enum mipkex_kdc_mode {
	MIPKEX_KDC_MODE_UNSPEC,
	MIPKEX_KDC_MODE_STATEFUL,
	MIPKEX_KDC_MODE_SEMI,
	MIPKEX_KDC_MODE_DH,
	__MIPKEX_KDC_MODE_MAX
};

#define MIPKEX_KDC_MODE_MAX (__MIPKEX_KDC_MODE_MAX - 1)

/* IANA IKEv2 Diffie-Hellman group numbers mipkex knows. */
#define MIPKEX_DH_GROUP_MODP768		1	/* legacy only */
#define MIPKEX_DH_GROUP_MODP1024	2	/* legacy only */
#define MIPKEX_DH_GROUP_MODP2048	14
#define MIPKEX_DH_GROUP_MODP3072	15
#define MIPKEX_DH_GROUP_X25519		31
/** Longest DH group preference list. */
#define MIPKEX_DH_GROUPS_MAX		8

/**
 * enum mipkex_xform - transforms the node accepts, as bits of
 *	%MIPKEX_KDC_A_TRANSFORMS
 * @MIPKEX_XFORM_AES_GCM_128: ENCR_AES_GCM_16 with a 128-bit key
 * @MIPKEX_XFORM_AES_GCM_256: ENCR_AES_GCM_16 with a 256-bit key
 * @MIPKEX_XFORM_CHACHA20_POLY1305: ENCR_CHACHA20_POLY1305
 * @MIPKEX_XFORM_HMAC_SHA256_128: AUTH_HMAC_SHA2_256_128
 * @MIPKEX_XFORM_HMAC_SHA1_96: AUTH_HMAC_SHA1_96 (needs %MIPKEX_KDC_A_LEGACY)
 * @__MIPKEX_XFORM_MAX: one past the last
 */
enum mipkex_xform {
	MIPKEX_XFORM_AES_GCM_128,
	MIPKEX_XFORM_AES_GCM_256,
	MIPKEX_XFORM_CHACHA20_POLY1305,
	MIPKEX_XFORM_HMAC_SHA256_128,
	MIPKEX_XFORM_HMAC_SHA1_96,
	__MIPKEX_XFORM_MAX
};

/**
 * enum mipkex_kdc_attr - key distribution centre and negotiation policy,
 *	inside %MIPKEX_A_KDC
 * @MIPKEX_KDC_A_UNSPEC: unused
 * @MIPKEX_KDC_A_MODE: u8, &enum mipkex_kdc_mode
 * @MIPKEX_KDC_A_SEED: binary, the semi-stateful seed key (write only)
 * @MIPKEX_KDC_A_SEED_FINGERPRINT: binary, the seed's fingerprint, absent
 *	when no seed is set (read only)
 * @MIPKEX_KDC_A_DH_GROUPS: binary, array of u16 (host order) DH group
 *	numbers in preference order, 1 to %MIPKEX_DH_GROUPS_MAX, no duplicate
 *	(default: 31, 15, 14)
 * @MIPKEX_KDC_A_MIN_DH_BITS: u32, minimum DH strength in bits of security,
 *	0 to 256 (SP 800-57: group 1 64, 2 80, 14 112, 15 128, 31 128;
 *	default 112)
 * @MIPKEX_KDC_A_TRANSFORMS: u32, bitmap of &enum mipkex_xform accepted
 *	(default: AES-GCM-128, AES-GCM-256, ChaCha20-Poly1305, HMAC-SHA256-128)
 * @MIPKEX_KDC_A_LIFETIME: u32, longest SA lifetime granted, seconds
 *	(60-86400, default 3600)
 * @MIPKEX_KDC_A_LEGACY: u8, 1 allows DH groups 1 and 2, HMAC-MD5 and
 *	HMAC-SHA1-96 (default 0)
 * @MIPKEX_KDC_A_INSECURE: u8, 1 sends and accepts KEY2/KEY3 for foreign
 *	agents in clear, as the patent does (default 0)
 * @MIPKEX_KDC_A_USER_PRIME: binary, the prime of the one user-defined DH
 *	group accepted (256-1024 bytes, big endian, at least 2048 bits);
 *	empty to remove it
 * @MIPKEX_KDC_A_USER_GENERATOR: binary, its generator (big endian, 1 < g <
 *	p - 1); given with %MIPKEX_KDC_A_USER_PRIME
 * @MIPKEX_KDC_A_SA_MODE: u8, &enum mipkex_sa_mode of the XFRM SAs the
 *	module installs (default transport)
 * @MIPKEX_KDC_A_SA_POLICY: u8, &enum mipkex_sa_policy: which XFRM
 *	policies the module installs with them (default none)
 * @MIPKEX_KDC_A_SA_AH: u8, 1: a mobile node asks for AH with ESP in its
 *	MN-HA offer (each proposal an AND of ESP and AH, protocol.rst 6.4),
 *	so that the pair gets an ESP and an AH SA each way (default 0)
 * @__MIPKEX_KDC_A_MAX: one past the last
 */
enum mipkex_kdc_attr {
	MIPKEX_KDC_A_UNSPEC,
	MIPKEX_KDC_A_MODE,
	MIPKEX_KDC_A_SEED,
	MIPKEX_KDC_A_SEED_FINGERPRINT,
	MIPKEX_KDC_A_DH_GROUPS,
	MIPKEX_KDC_A_MIN_DH_BITS,
	MIPKEX_KDC_A_TRANSFORMS,
	MIPKEX_KDC_A_LIFETIME,
	MIPKEX_KDC_A_LEGACY,
	MIPKEX_KDC_A_INSECURE,
	MIPKEX_KDC_A_USER_PRIME,
	MIPKEX_KDC_A_USER_GENERATOR,
	MIPKEX_KDC_A_SA_MODE,
	MIPKEX_KDC_A_SA_POLICY,
	MIPKEX_KDC_A_SA_AH,
	__MIPKEX_KDC_A_MAX
};

#define MIPKEX_KDC_A_MAX (__MIPKEX_KDC_A_MAX - 1)

/**
 * enum mipkex_sa_mode - XFRM mode of the SAs the module installs
 * @MIPKEX_SA_MODE_TRANSPORT: transport mode, between the pair's two
 *	addresses
 * @MIPKEX_SA_MODE_TUNNEL: tunnel mode, the pair's two addresses as the
 *	outer ones
 * @__MIPKEX_SA_MODE_MAX: one past the last
 */
enum mipkex_sa_mode {
	MIPKEX_SA_MODE_TRANSPORT,
	MIPKEX_SA_MODE_TUNNEL,
	__MIPKEX_SA_MODE_MAX
};

/**
 * enum mipkex_sa_policy - XFRM policies the module installs with its SAs
 *	(Documentation/xfrm.rst); registration traffic (UDP port 434) always
 *	bypasses them
 * @MIPKEX_SA_POLICY_NONE: none: the SAs are used only by policies the
 *	administrator adds (template reqid %MIPKEX_REQID_BASE + pair)
 * @MIPKEX_SA_POLICY_PAIR: each pair's traffic between its two addresses
 *	(in tunnel mode, an MN-HA pair also carries the mobile node's traffic
 *	with any address through its home agent)
 * @MIPKEX_SA_POLICY_TUNNEL: only the FA-HA pair, for the IP-in-IP tunnel
 *	(protocol 4) between the foreign and the home agent
 * @__MIPKEX_SA_POLICY_MAX: one past the last
 */
enum mipkex_sa_policy {
	MIPKEX_SA_POLICY_NONE,
	MIPKEX_SA_POLICY_PAIR,
	MIPKEX_SA_POLICY_TUNNEL,
	__MIPKEX_SA_POLICY_MAX
};

/** The XFRM reqid of the module's SAs and policy templates is this + pair. */
#define MIPKEX_REQID_BASE	0x6d6b7800

/**
 * enum mipkex_selftest_attr - load-time known-answer tests, inside
 *	%MIPKEX_A_SELFTEST
 * @MIPKEX_SELFTEST_A_UNSPEC: unused
 * @MIPKEX_SELFTEST_A_PASSED: u32, tests that gave the expected answer
 * @MIPKEX_SELFTEST_A_FAILED: u32, tests that did not (the module refuses to
 *	load when one fails, so a loaded module reports 0)
 * @MIPKEX_SELFTEST_A_SKIPPED: u32, tests of algorithms the kernel does not
 *	offer (HMAC-MD5 and ChaCha20-Poly1305 under fips=1)
 * @MIPKEX_SELFTEST_A_TEST: nest, one per test, of %MIPKEX_SELFTEST_A_NAME
 *	and %MIPKEX_SELFTEST_A_ERROR
 * @MIPKEX_SELFTEST_A_NAME: string, the test's name
 * @MIPKEX_SELFTEST_A_ERROR: s32, 0 passed, else a negative errno
 *	(-ENOENT: algorithm unavailable, skipped)
 * @__MIPKEX_SELFTEST_A_MAX: one past the last
 */
enum mipkex_selftest_attr {
	MIPKEX_SELFTEST_A_UNSPEC,
	MIPKEX_SELFTEST_A_PASSED,
	MIPKEX_SELFTEST_A_FAILED,
	MIPKEX_SELFTEST_A_SKIPPED,
	MIPKEX_SELFTEST_A_TEST,
	MIPKEX_SELFTEST_A_NAME,
	MIPKEX_SELFTEST_A_ERROR,
	__MIPKEX_SELFTEST_A_MAX
};

#define MIPKEX_SELFTEST_A_MAX (__MIPKEX_SELFTEST_A_MAX - 1)

/** RFC 5944 registration lifetime meaning "infinity": the binding never expires. */
#define MIPKEX_LIFETIME_INFINITE	0xffff

/* Pairs of a binding's SAs (%MIPKEX_SA_A_PAIR), as SA payload sub-types. */
#define MIPKEX_PAIR_MN_HA	1
#define MIPKEX_PAIR_MN_FA	2
#define MIPKEX_PAIR_FA_HA	3

/**
 * enum mipkex_binding_state - state of a binding (%MIPKEX_BINDING_A_STATE)
 * @MIPKEX_BINDING_STATE_UNSPEC: unused
 * @MIPKEX_BINDING_STATE_ACCEPTED: the registration was accepted and has not
 *	expired, been deregistered or removed
 */
enum mipkex_binding_state {
	MIPKEX_BINDING_STATE_UNSPEC,
	MIPKEX_BINDING_STATE_ACCEPTED,
};

/**
 * enum mipkex_binding_attr - a binding (an accepted registration), inside
 *	%MIPKEX_A_BINDING; every attribute is read only except the two
 *	addresses that select a binding in BINDING_GET and BINDING_DEL
 * @MIPKEX_BINDING_A_UNSPEC: unused
 * @MIPKEX_BINDING_A_PAD: padding for 64-bit attributes
 * @MIPKEX_BINDING_A_HOME_ADDR: be32, the mobile node's home address
 * @MIPKEX_BINDING_A_HA_ADDR: be32, its home agent's address
 * @MIPKEX_BINDING_A_COA: be32, the care-of address
 * @MIPKEX_BINDING_A_FA_ADDR: be32, the foreign agent's address (0.0.0.0
 *	for a co-located care-of address)
 * @MIPKEX_BINDING_A_KEY0_SPI: u32, the KEY0 SPI; absent where it is not
 *	known (at a foreign agent)
 * @MIPKEX_BINDING_A_NAI: string, the mobile node's NAI; absent where it is
 *	not known (at a foreign agent, which never learns it)
 * @MIPKEX_BINDING_A_ROLE: u8, &enum mipkex_role the namespace had when it
 *	accepted the registration
 * @MIPKEX_BINDING_A_STATE: u8, &enum mipkex_binding_state
 * @MIPKEX_BINDING_A_MODE: u8, &enum mipkex_kdc_mode the keys came from
 * @MIPKEX_BINDING_A_DH_GROUP: u16, DH group number in DH mode; absent
 *	otherwise
 * @MIPKEX_BINDING_A_LIFETIME: u32, the granted registration lifetime in
 *	seconds (%MIPKEX_LIFETIME_INFINITE: never expires)
 * @MIPKEX_BINDING_A_REMAINING: u32, seconds until it expires, rounded up;
 *	absent for an infinite lifetime
 * @MIPKEX_BINDING_A_AGE: u32, seconds since it was accepted
 * @MIPKEX_BINDING_A_IDENT: u64, the accepted request's Identification
 * @MIPKEX_BINDING_A_SA: nest of &enum mipkex_sa_attr, one per negotiated
 *	pair this node is part of and protocol of that pair (repeated)
 * @__MIPKEX_BINDING_A_MAX: one past the last
 */
enum mipkex_binding_attr {
	MIPKEX_BINDING_A_UNSPEC,
	MIPKEX_BINDING_A_PAD,
	MIPKEX_BINDING_A_HOME_ADDR,
	MIPKEX_BINDING_A_HA_ADDR,
	MIPKEX_BINDING_A_COA,
	MIPKEX_BINDING_A_FA_ADDR,
	MIPKEX_BINDING_A_KEY0_SPI,
	MIPKEX_BINDING_A_NAI,
	MIPKEX_BINDING_A_ROLE,
	MIPKEX_BINDING_A_STATE,
	MIPKEX_BINDING_A_MODE,
	MIPKEX_BINDING_A_DH_GROUP,
	MIPKEX_BINDING_A_LIFETIME,
	MIPKEX_BINDING_A_REMAINING,
	MIPKEX_BINDING_A_AGE,
	MIPKEX_BINDING_A_IDENT,
	MIPKEX_BINDING_A_SA,
	__MIPKEX_BINDING_A_MAX
};

#define MIPKEX_BINDING_A_MAX (__MIPKEX_BINDING_A_MAX - 1)

/**
 * enum mipkex_sa_attr - one negotiated pair of a binding, inside
 *	%MIPKEX_BINDING_A_SA (read only)
 * @MIPKEX_SA_A_UNSPEC: unused
 * @MIPKEX_SA_A_PAIR: u8, %MIPKEX_PAIR_MN_HA, %MIPKEX_PAIR_MN_FA or
 *	%MIPKEX_PAIR_FA_HA
 * @MIPKEX_SA_A_PROTOCOL: u8, IP protocol: 50 (ESP) or 51 (AH)
 * @MIPKEX_SA_A_ENCR: u16, IKEv2 encryption transform id; absent if none
 * @MIPKEX_SA_A_ENCR_BITS: u16, its key length in bits; absent if none
 * @MIPKEX_SA_A_INTEG: u16, IKEv2 integrity transform id; absent if none
 * @MIPKEX_SA_A_SPI_IN: u32, this node's inbound SPI of the pair
 * @MIPKEX_SA_A_SPI_OUT: u32, the peer's inbound SPI (this node's outbound)
 * @MIPKEX_SA_A_LIFETIME: u32, the negotiated SA lifetime, seconds
 * @MIPKEX_SA_A_FINGERPRINT: binary, %MIPKEX_FINGERPRINT_LEN bytes, the
 *	fingerprint of the pair's key (KEY1, KEY2 or KEY3); absent when this
 *	node has no key for the pair
 * @MIPKEX_SA_A_XFRM: u8, &enum mipkex_xsa_state of the pair's XFRM SAs as
 *	a whole: %MIPKEX_XSA_STATE_INSTALLED when both directions are in,
 *	%MIPKEX_XSA_STATE_REMOVED when one was removed behind the module's
 *	back or expired; absent when the module installs nothing for it
 * @__MIPKEX_SA_A_MAX: one past the last
 */
enum mipkex_sa_attr {
	MIPKEX_SA_A_UNSPEC,
	MIPKEX_SA_A_PAIR,
	MIPKEX_SA_A_PROTOCOL,
	MIPKEX_SA_A_ENCR,
	MIPKEX_SA_A_ENCR_BITS,
	MIPKEX_SA_A_INTEG,
	MIPKEX_SA_A_SPI_IN,
	MIPKEX_SA_A_SPI_OUT,
	MIPKEX_SA_A_LIFETIME,
	MIPKEX_SA_A_FINGERPRINT,
	MIPKEX_SA_A_XFRM,
	__MIPKEX_SA_A_MAX
};

#define MIPKEX_SA_A_MAX (__MIPKEX_SA_A_MAX - 1)

/**
 * enum mipkex_xsa_dir - direction of an XFRM SA, seen from this node
 * @MIPKEX_XSA_DIR_UNSPEC: unused
 * @MIPKEX_XSA_DIR_IN: inbound (the peer sends under this node's SPI)
 * @MIPKEX_XSA_DIR_OUT: outbound
 */
enum mipkex_xsa_dir {
	MIPKEX_XSA_DIR_UNSPEC,
	MIPKEX_XSA_DIR_IN,
	MIPKEX_XSA_DIR_OUT,
};

/**
 * enum mipkex_xsa_state - state of an XFRM SA the module tracks
 * @MIPKEX_XSA_STATE_UNSPEC: unused
 * @MIPKEX_XSA_STATE_INSTALLED: in XFRM and in use
 * @MIPKEX_XSA_STATE_STANDBY: a rekeyed outbound SA not installed yet: the
 *	old one stays in use until the peer is seen using the new keys, or
 *	for at most 2 seconds (Documentation/xfrm.rst)
 * @MIPKEX_XSA_STATE_RETIRING: an inbound SA replaced by a rekey, kept in
 *	XFRM for 10 seconds for the packets still in flight
 * @MIPKEX_XSA_STATE_REMOVED: removed from XFRM behind the module's back
 *	(by an administrator, or a flush)
 * @MIPKEX_XSA_STATE_EXPIRED: its hard lifetime ran out
 */
enum mipkex_xsa_state {
	MIPKEX_XSA_STATE_UNSPEC,
	MIPKEX_XSA_STATE_INSTALLED,
	MIPKEX_XSA_STATE_STANDBY,
	MIPKEX_XSA_STATE_RETIRING,
	MIPKEX_XSA_STATE_REMOVED,
	MIPKEX_XSA_STATE_EXPIRED,
};

/**
 * enum mipkex_xsa_attr - one XFRM SA the module installed, inside
 *	%MIPKEX_A_XSA (read only)
 * @MIPKEX_XSA_A_UNSPEC: unused
 * @MIPKEX_XSA_A_PAD: padding for 64-bit attributes
 * @MIPKEX_XSA_A_HOME_ADDR: be32, its binding's home address
 * @MIPKEX_XSA_A_HA_ADDR: be32, its binding's HA address
 * @MIPKEX_XSA_A_PAIR: u8, %MIPKEX_PAIR_MN_HA, _MN_FA or _FA_HA
 * @MIPKEX_XSA_A_DIR: u8, &enum mipkex_xsa_dir
 * @MIPKEX_XSA_A_STATE: u8, &enum mipkex_xsa_state
 * @MIPKEX_XSA_A_PROTOCOL: u8, 50 (ESP) or 51 (AH)
 * @MIPKEX_XSA_A_SPI: u32, the SPI
 * @MIPKEX_XSA_A_SRC: be32, source address (outer, in tunnel mode)
 * @MIPKEX_XSA_A_DST: be32, destination address
 * @MIPKEX_XSA_A_MODE: u8, &enum mipkex_sa_mode
 * @MIPKEX_XSA_A_ALG: string, the XFRM algorithm (AEAD, or the integrity
 *	algorithm)
 * @MIPKEX_XSA_A_REQID: u32, the XFRM reqid
 * @MIPKEX_XSA_A_HARD: u32, hard lifetime in seconds; absent if none
 * @MIPKEX_XSA_A_SOFT: u32, soft lifetime in seconds; absent if none
 * @MIPKEX_XSA_A_AGE: u32, seconds since it was installed (or planned, for
 *	a standby SA)
 * @MIPKEX_XSA_A_PACKETS: u64, packets it protected or accepted
 * @MIPKEX_XSA_A_BYTES: u64, bytes
 * @MIPKEX_XSA_A_DYING: u8, 1 once its soft lifetime ran out
 * @__MIPKEX_XSA_A_MAX: one past the last
 */
enum mipkex_xsa_attr {
	MIPKEX_XSA_A_UNSPEC,
	MIPKEX_XSA_A_PAD,
	MIPKEX_XSA_A_HOME_ADDR,
	MIPKEX_XSA_A_HA_ADDR,
	MIPKEX_XSA_A_PAIR,
	MIPKEX_XSA_A_DIR,
	MIPKEX_XSA_A_STATE,
	MIPKEX_XSA_A_PROTOCOL,
	MIPKEX_XSA_A_SPI,
	MIPKEX_XSA_A_SRC,
	MIPKEX_XSA_A_DST,
	MIPKEX_XSA_A_MODE,
	MIPKEX_XSA_A_ALG,
	MIPKEX_XSA_A_REQID,
	MIPKEX_XSA_A_HARD,
	MIPKEX_XSA_A_SOFT,
	MIPKEX_XSA_A_AGE,
	MIPKEX_XSA_A_PACKETS,
	MIPKEX_XSA_A_BYTES,
	MIPKEX_XSA_A_DYING,
	__MIPKEX_XSA_A_MAX
};

#define MIPKEX_XSA_A_MAX (__MIPKEX_XSA_A_MAX - 1)

/**
 * enum mipkex_event - what a %MIPKEX_CMD_EVENT reports (%MIPKEX_EVENT_A_TYPE)
 * @MIPKEX_EVENT_UNSPEC: unused
 * @MIPKEX_EVENT_ACCEPTED: a registration was accepted: a new binding
 *	(%MIPKEX_REASON_NEW) or a re-registration that replaced one
 *	(%MIPKEX_REASON_REPLACED); carries the binding, with its negotiated
 *	suite and key fingerprints
 * @MIPKEX_EVENT_DENIED: a registration was denied; carries the RFC 5944
 *	code, a message, and the home address, HA address and NAI when known
 * @MIPKEX_EVENT_REMOVED: a binding was removed (reason
 *	%MIPKEX_REASON_DEREGISTERED, _EXPIRED, _DELETED or _ROLE_CHANGE);
 *	carries the binding as it was
 * @MIPKEX_EVENT_SA_INSTALLED: the module installed an XFRM SA (reason
 *	%MIPKEX_REASON_NEW); carries the SA (%MIPKEX_A_XSA)
 * @MIPKEX_EVENT_SA_REKEYED: an XFRM SA took over from the one of the
 *	previous registration (reason %MIPKEX_REASON_REPLACED)
 * @MIPKEX_EVENT_SA_EXPIRED: an XFRM SA reached its soft lifetime
 *	(%MIPKEX_XSA_A_DYING set; it stays) or its hard one (XFRM removed it)
 * @MIPKEX_EVENT_SA_REMOVED: an XFRM SA is gone (reason: why its binding
 *	ended, %MIPKEX_REASON_REPLACED for the old SAs of a rekey, or
 *	%MIPKEX_REASON_XFRM_DELETED)
 * @__MIPKEX_EVENT_MAX: one past the last
 */
enum mipkex_event {
	MIPKEX_EVENT_UNSPEC,
	MIPKEX_EVENT_ACCEPTED,
	MIPKEX_EVENT_DENIED,
	MIPKEX_EVENT_REMOVED,
	MIPKEX_EVENT_SA_INSTALLED,
	MIPKEX_EVENT_SA_REKEYED,
	MIPKEX_EVENT_SA_EXPIRED,
	MIPKEX_EVENT_SA_REMOVED,
	__MIPKEX_EVENT_MAX
};

/**
 * enum mipkex_reason - why a binding came or went (%MIPKEX_EVENT_A_REASON)
 * @MIPKEX_REASON_UNSPEC: unused (denials carry no reason)
 * @MIPKEX_REASON_NEW: accepted: no binding existed for the pair of addresses
 * @MIPKEX_REASON_REPLACED: accepted: a re-registration replaced the binding
 * @MIPKEX_REASON_DEREGISTERED: removed: the mobile node deregistered
 *	(lifetime 0)
 * @MIPKEX_REASON_EXPIRED: removed: its lifetime ran out
 * @MIPKEX_REASON_DELETED: removed: by MIPKEX_CMD_BINDING_DEL
 * @MIPKEX_REASON_ROLE_CHANGE: removed: the namespace's role changed
 * @MIPKEX_REASON_SHUTDOWN: removed by namespace exit or module unload
 *	(never in an event: none is sent then)
 * @MIPKEX_REASON_KEY_DELETED: removed: the KEY0 entry or the FA-HA peer it
 *	was authenticated with was deleted
 * @MIPKEX_REASON_XFRM_DELETED: an SA was removed from XFRM by someone else
 *	(an administrator's ip xfrm state delete or flush)
 * @__MIPKEX_REASON_MAX: one past the last
 */
enum mipkex_reason {
	MIPKEX_REASON_UNSPEC,
	MIPKEX_REASON_NEW,
	MIPKEX_REASON_REPLACED,
	MIPKEX_REASON_DEREGISTERED,
	MIPKEX_REASON_EXPIRED,
	MIPKEX_REASON_DELETED,
	MIPKEX_REASON_ROLE_CHANGE,
	MIPKEX_REASON_SHUTDOWN,
	MIPKEX_REASON_KEY_DELETED,
	MIPKEX_REASON_XFRM_DELETED,
	__MIPKEX_REASON_MAX
};

/** Longest %MIPKEX_EVENT_A_MESSAGE, in bytes, without its NUL. */
#define MIPKEX_EVENT_MESSAGE_MAX_LEN	127

/**
 * enum mipkex_event_attr - an event, inside %MIPKEX_A_EVENT (read only)
 * @MIPKEX_EVENT_A_UNSPEC: unused
 * @MIPKEX_EVENT_A_TYPE: u8, &enum mipkex_event
 * @MIPKEX_EVENT_A_REASON: u8, &enum mipkex_reason (accepted and removed)
 * @MIPKEX_EVENT_A_ROLE: u8, &enum mipkex_role of the namespace
 * @MIPKEX_EVENT_A_CODE: u8, denied: the RFC 5944 reply code
 * @MIPKEX_EVENT_A_MESSAGE: string, denied: why, for people (at most
 *	%MIPKEX_EVENT_MESSAGE_MAX_LEN bytes)
 * @MIPKEX_EVENT_A_HOME_ADDR: be32, denied: the home address, when known
 * @MIPKEX_EVENT_A_HA_ADDR: be32, denied: the HA address, when known
 * @MIPKEX_EVENT_A_NAI: string, denied: the mobile node's NAI, when known
 * @__MIPKEX_EVENT_A_MAX: one past the last
 */
enum mipkex_event_attr {
	MIPKEX_EVENT_A_UNSPEC,
	MIPKEX_EVENT_A_TYPE,
	MIPKEX_EVENT_A_REASON,
	MIPKEX_EVENT_A_ROLE,
	MIPKEX_EVENT_A_CODE,
	MIPKEX_EVENT_A_MESSAGE,
	MIPKEX_EVENT_A_HOME_ADDR,
	MIPKEX_EVENT_A_HA_ADDR,
	MIPKEX_EVENT_A_NAI,
	__MIPKEX_EVENT_A_MAX
};

#define MIPKEX_EVENT_A_MAX (__MIPKEX_EVENT_A_MAX - 1)

#endif /* _UAPI_LINUX_MIPKEX_H */
