/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * tandem generic netlink interface: the only contract between the tandem
 * module and its tools. Commands, attributes and limits; nothing else.
 */
#ifndef _UAPI_TANDEM_NETLINK_H
#define _UAPI_TANDEM_NETLINK_H

#define TANDEM_GENL_NAME	"tandem"
#define TANDEM_GENL_VERSION	1

/* Resource names: 1..TANDEM_NAME_MAX-1 characters of [A-Za-z0-9_.-]. */
#define TANDEM_NAME_MAX		64
/* Largest minor: /dev/tandem0 .. /dev/tandem1023. */
#define TANDEM_MINOR_MAX	1023
/* Longest backing disk path, NUL included. */
#define TANDEM_PATH_MAX		4096

enum tandem_cmd {
	TANDEM_CMD_UNSPEC,
	TANDEM_CMD_ATTACH,	/* RES_NAME, MINOR, DISK */
	TANDEM_CMD_DETACH,	/* RES_NAME */
	TANDEM_CMD_STATUS,	/* [RES_NAME]; dump: every resource */
	__TANDEM_CMD_MAX,
};
#define TANDEM_CMD_MAX (__TANDEM_CMD_MAX - 1)

enum tandem_attr {
	TANDEM_A_UNSPEC,
	TANDEM_A_RES_NAME,	/* string */
	TANDEM_A_MINOR,		/* u32 */
	TANDEM_A_DISK,		/* string: backing disk path */
	TANDEM_A_SIZE,		/* u64: bytes exposed by /dev/tandemN (reply only) */
	TANDEM_A_OPEN_COUNT,	/* u32: openers of /dev/tandemN (reply only) */
	TANDEM_A_STATS,		/* nested tandem_stat_attr (reply only) */
	TANDEM_A_PAD,
	__TANDEM_A_MAX,
};
#define TANDEM_A_MAX (__TANDEM_A_MAX - 1)

/* I/O counters of /dev/tandemN since attach, all u64. */
enum tandem_stat_attr {
	TANDEM_STAT_UNSPEC,
	TANDEM_STAT_READS,		/* read requests */
	TANDEM_STAT_READ_BYTES,
	TANDEM_STAT_WRITES,		/* write requests carrying data */
	TANDEM_STAT_WRITE_BYTES,
	TANDEM_STAT_FLUSHES,		/* requests with a cache flush */
	TANDEM_STAT_DISCARDS,		/* discard and write-zeroes requests */
	TANDEM_STAT_ERRORS,		/* requests completed with an error */
	TANDEM_STAT_PAD,
	__TANDEM_STAT_MAX,
};
#define TANDEM_STAT_MAX (__TANDEM_STAT_MAX - 1)

#endif /* _UAPI_TANDEM_NETLINK_H */
