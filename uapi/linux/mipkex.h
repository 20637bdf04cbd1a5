/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * mipkex: Mobile IPv4 key exchange (WO 01/26322) - generic netlink uAPI.
 *
 * Family "mipkex", version MIPKEX_GENL_VERSION. Every operation acts on the
 * network namespace of the requesting netlink socket.
 *
 * MIPKEX_CMD_GET_NODE (do)
 *	Request: no attributes.
 *	Reply: %MIPKEX_A_ROLE, %MIPKEX_A_HOOKS, %MIPKEX_A_QUEUE_MAX.
 *
 * MIPKEX_CMD_SET_NODE (do, CAP_NET_ADMIN in the namespace's user namespace)
 *	Request: %MIPKEX_A_ROLE (required).
 *	Setting a role other than %MIPKEX_ROLE_NONE registers the namespace's
 *	netfilter hooks; setting %MIPKEX_ROLE_NONE unregisters them after every
 *	datagram already queued has been re-injected.
 *
 * MIPKEX_CMD_GET_STATS (do)
 *	Request: no attributes.
 *	Reply: %MIPKEX_A_STATS, a nest of &enum mipkex_stat counters (u64).
 */
#ifndef _UAPI_LINUX_MIPKEX_H
#define _UAPI_LINUX_MIPKEX_H

#define MIPKEX_GENL_NAME	"mipkex"
#define MIPKEX_GENL_VERSION	1

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
 * @__MIPKEX_CMD_MAX: one past the last command
 */
enum mipkex_cmd {
	MIPKEX_CMD_UNSPEC,
	MIPKEX_CMD_GET_NODE,
	MIPKEX_CMD_SET_NODE,
	MIPKEX_CMD_GET_STATS,
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
 * @__MIPKEX_A_MAX: one past the last attribute
 */
enum mipkex_attr {
	MIPKEX_A_UNSPEC,
	MIPKEX_A_PAD,
	MIPKEX_A_ROLE,
	MIPKEX_A_HOOKS,
	MIPKEX_A_QUEUE_MAX,
	MIPKEX_A_STATS,
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
 * @__MIPKEX_STAT_MAX: one past the last counter
 *
 * At any instant, STOLEN_IN + STOLEN_OUT == REINJECTED_IN + REINJECTED_OUT +
 * QUEUED; a datagram dropped for DROPPED_* is never counted as stolen.
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
	__MIPKEX_STAT_MAX
};

#define MIPKEX_STAT_MAX (__MIPKEX_STAT_MAX - 1)

#endif /* _UAPI_LINUX_MIPKEX_H */
