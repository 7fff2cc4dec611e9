/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * tandem generic netlink interface: the only contract between the tandem
 * module and its tools. Commands, attributes and limits; nothing else.
 */
#ifndef _UAPI_TANDEM_NETLINK_H
#define _UAPI_TANDEM_NETLINK_H

#define TANDEM_GENL_NAME	"tandem"
#define TANDEM_GENL_VERSION	1
/* Multicast group of TANDEM_CMD_EVENT messages. */
#define TANDEM_GENL_MCGRP_EVENTS "events"

/*
 * Limits and defaults, each written once: the module's netlink policies,
 * tandemctl's options and resource-file checks, and the man pages (checked
 * against this file by tests/tools/run.sh) all take them from here.
 */

/* Resource names: 1..TANDEM_NAME_LEN_MAX characters of [A-Za-z0-9_.-]. */
#define TANDEM_NAME_LEN_MAX	63
#define TANDEM_NAME_MAX		(TANDEM_NAME_LEN_MAX + 1)	/* with the NUL */
/* Minors: /dev/tandem0 .. /dev/tandem1023. */
#define TANDEM_MINOR_MAX	1023
/* Longest backing disk path, NUL included. */
#define TANDEM_PATH_MAX		4096
/* Longest handler path (fence-peer and the others), NUL included. */
#define TANDEM_HANDLER_MAX	256
/* Shared secret, bytes. */
#define TANDEM_SECRET_MIN	1
#define TANDEM_SECRET_MAX	64

/* A silent peer is dropped after this many ms. */
#define TANDEM_TIMEOUT_MS_MIN	500
#define TANDEM_TIMEOUT_MS_MAX	30000
#define TANDEM_TIMEOUT_MS_DEF	2500
/* Resync at most this many MiB/s; by default, and when set to 0 by NET_OPTIONS, no limit. */
#define TANDEM_RESYNC_RATE_MIN	1
#define TANDEM_RESYNC_RATE_MAX	30000
/* Async: pull ahead above this many MiB queued for the peer and not sent. */
#define TANDEM_CONGESTION_MIB_MIN 1
#define TANDEM_CONGESTION_MIB_MAX 30000
#define TANDEM_CONGESTION_MIB_DEF 64

/*
 * ko-count: a peer that completes no write for this many timeouts (its disk
 * hangs) is dropped, the writes completing here alone. Default: off.
 */
#define TANDEM_KO_COUNT_MIN	1
#define TANDEM_KO_COUNT_MAX	100

/*
 * disk-timeout: a backing-disk request not completed within this many ms
 * fails the disk, as an I/O error would (on-io-error says what follows).
 * 0, the default: no limit.
 */
#define TANDEM_DISK_TIMEOUT_MS_MIN 1000
#define TANDEM_DISK_TIMEOUT_MS_MAX 600000

/* Older names of two defaults, still used by the module's connect handler. */
#define TANDEM_DEFAULT_TIMEOUT_MS	TANDEM_TIMEOUT_MS_DEF
#define TANDEM_DEFAULT_CONGESTION_MIB	TANDEM_CONGESTION_MIB_DEF

/* Values of the enum-typed attributes; also used on the wire between nodes. */
enum tandem_role {
	TANDEM_ROLE_SECONDARY = 1,
	TANDEM_ROLE_PRIMARY = 2,
};

enum tandem_disk_state {
	TANDEM_DISK_INCONSISTENT = 1,	/* not known to hold a valid image */
	TANDEM_DISK_OUTDATED,		/* valid, but the peer has newer writes */
	TANDEM_DISK_CONSISTENT,		/* valid; whether it is the newest is unknown */
	TANDEM_DISK_UPTODATE,		/* valid and the newest */
	TANDEM_DISK_FAILED,		/* returned an I/O error: not a source of data
					 * until resynced as a target or re-attached */
	TANDEM_DISK_DISKLESS,		/* failed and dropped (on-io-error detach): this
					 * node reads and writes through its peer */
};

/* What a node does when its backing disk fails an I/O. */
enum tandem_on_io_error {
	TANDEM_ON_IO_ERROR_DETACH = 1,	/* drop the disk, go on through the peer (default) */
	TANDEM_ON_IO_ERROR_PASS_ON,	/* keep the disk, return the error to the caller */
};

/*
 * Handlers: programs a node runs when something happens, each at most
 * TANDEM_HANDLER_TIMEOUT_S (then killed), with TANDEM_RESOURCE,
 * TANDEM_MINOR, TANDEM_DISK and TANDEM_HANDLER (its name) in the
 * environment. The fence-peer handler has its own attributes (FENCING).
 */
enum tandem_handler {
	TANDEM_HANDLER_SPLIT_BRAIN = 1,	/* a split brain no policy resolved: not connecting */
	TANDEM_HANDLER_OUT_OF_SYNC,	/* a verify found blocks that differ */
	TANDEM_HANDLER_LOCAL_IO_ERROR,	/* the backing disk failed an I/O (once per failure) */
	TANDEM_HANDLER_BEFORE_RESYNC_TARGET, /* before a resync from the peer changes a block of
					      * this node's disk: the resync waits for it, and
					      * does not start unless it exits 0 */
	TANDEM_HANDLER_AFTER_RESYNC_TARGET, /* a resync from the peer made this disk up to date */
	TANDEM_HANDLER_PRI_LOST_AFTER_SB, /* after-sb-1pri call-pri-lost-after-sb: this primary's
					   * changes are the ones to drop (demote or reboot it) */
	__TANDEM_HANDLER_MAX,
};
#define TANDEM_HANDLER_TIMEOUT_S	120

enum tandem_protocol {
	TANDEM_PROTO_ASYNC = 1,		/* complete once local and queued to the peer */
	TANDEM_PROTO_SYNC = 2,		/* complete once stable on both nodes */
};

enum tandem_conn_state {
	TANDEM_CONN_STANDALONE = 1,	/* no peer configured */
	TANDEM_CONN_CONNECTING,		/* configured, trying to reach the peer */
	TANDEM_CONN_CONNECTED,		/* replicating */
};

/*
 * What a primary does when it loses a peer whose data was up to date
 * (fence.c). Both policies need a fence-peer handler.
 */
enum tandem_fencing {
	TANDEM_FENCING_NONE = 1,		/* go on alone (the default) */
	TANDEM_FENCING_RESOURCE_ONLY,		/* run the handler; writes go on meanwhile */
	TANDEM_FENCING_RESOURCE_AND_STONITH,	/* run it, and complete no write until it
						 * says the peer is fenced */
};

/*
 * Automatic split-brain recovery (DRBD's after-sb-0pri / after-sb-1pri),
 * off by default: both nodes must say the same. With no primary at the
 * reconnection:
 */
enum tandem_after_sb_0pri {
	TANDEM_SB0_DISCONNECT = 1,	/* report it, connect nothing (the default) */
	TANDEM_SB0_DISCARD_ZERO_CHANGES, /* a node that changed nothing takes the other's data */
	TANDEM_SB0_DISCARD_LEAST_CHANGES, /* the node that changed fewer bytes takes the other's */
	TANDEM_SB0_DISCARD_YOUNGER_PRIMARY, /* the node promoted after the split takes the data of
					     * the one that was primary when it began */
	TANDEM_SB0_DISCARD_OLDER_PRIMARY, /* the node that was primary when the split began
					   * takes the data of the one promoted after it */
};

/* With one primary: */
enum tandem_after_sb_1pri {
	TANDEM_SB1_DISCONNECT = 1,	/* report it, connect nothing (the default) */
	TANDEM_SB1_DISCARD_SECONDARY,	/* the secondary takes the primary's data */
	TANDEM_SB1_CONSENSUS,		/* the same, when after-sb-0pri would also discard the
					 * secondary's changes; else disconnect */
	TANDEM_SB1_CALL_PRI_LOST_AFTER_SB, /* after-sb-0pri decides; if it drops the primary's
					    * changes, nothing connects and the primary runs its
					    * pri-lost-after-sb handler */
};

/* What the fence-peer handler said: its exit code, as DRBD's handlers use them. */
enum tandem_fence_result {
	TANDEM_FENCE_RUNNING = 1,	/* it has not exited yet */
	TANDEM_FENCE_PEER_INCONSISTENT,	/* exit 3: the peer's data is inconsistent */
	TANDEM_FENCE_PEER_OUTDATED,	/* exit 4: the peer's data is now outdated */
	TANDEM_FENCE_PEER_UNREACHABLE,	/* exit 5: the peer could not be reached: not fenced */
	TANDEM_FENCE_PEER_PRIMARY,	/* exit 6: the peer is primary: not fenced */
	TANDEM_FENCE_PEER_FENCED,	/* exit 7: the peer was powered off (STONITH) */
	TANDEM_FENCE_FAILED,		/* any other exit, a signal, or it could not run */
};

/* A connection's resync, in status. */
enum tandem_sync_state {
	TANDEM_SYNC_STATE_NONE = 1,	/* no resync running */
	TANDEM_SYNC_STATE_SOURCE,	/* sending out-of-sync blocks to the peer */
	TANDEM_SYNC_STATE_TARGET,	/* receiving them: local data incomplete */
	TANDEM_SYNC_STATE_AHEAD,	/* async, link congested: writes only marked, resynced later */
};

/*
 * What an event reports. Changes that follow each other quickly may be
 * reported once, with the state after the last of them.
 */
enum tandem_event {
	TANDEM_EVENT_ATTACH = 1,	/* the resource was attached */
	TANDEM_EVENT_DETACH,		/* ...detached */
	TANDEM_EVENT_ROLE,		/* this node's role changed */
	TANDEM_EVENT_DISK,		/* this node's disk state changed */
	TANDEM_EVENT_CONNECTION,	/* the connection state changed */
	TANDEM_EVENT_PEER,		/* the peer's role or disk state changed */
	TANDEM_EVENT_SYNC,		/* a resync started or ended, or pull-ahead began */
	TANDEM_EVENT_SYNC_PROGRESS,	/* a resync progressed (at most once a second) */
	TANDEM_EVENT_SPLIT_BRAIN,	/* split brain or unrelated data: not connecting */
	TANDEM_EVENT_VERIFY,		/* an online verify ended */
	TANDEM_EVENT_FENCE,		/* writes were frozen or resumed, or the fence-peer
					 * handler started or ended */
	TANDEM_EVENT_DOWN_LONG,		/* not connected for longer than 4 x the timeout
					 * (10 s at least): no replication, no standby */
	TANDEM_EVENT_HANDLER,		/* a handler ended (HANDLER_LAST, HANDLER_EXIT) */
	TANDEM_EVENT_RESIZE,		/* the device's size changed */
	__TANDEM_EVENT_MAX,
};

enum tandem_cmd {
	TANDEM_CMD_UNSPEC,
	TANDEM_CMD_ATTACH,	/* RES_NAME, MINOR, DISK, [META_DISK, FORMER_SIZE, ON_IO_ERROR,
				 * DISK_TIMEOUT_MS, HANDLERS]; on a diskless secondary: RES_NAME, DISK
				 * (the same disk, repaired) */
	TANDEM_CMD_DETACH,	/* RES_NAME */
	TANDEM_CMD_STATUS,	/* [RES_NAME]; dump: every resource */
	TANDEM_CMD_CONNECT,	/* RES_NAME, LOCAL_ADDR/PORT, PEER_ADDR/PORT, [PROTOCOL,
				 * SECRET, TIMEOUT_MS, ASSUME_CLEAN, DISCARD_MY_DATA,
				 * RESYNC_RATE, CONGESTION_LIMIT, FENCING, FENCE_PEER, KO_COUNT,
				 * AFTER_SB_0PRI, AFTER_SB_1PRI] */
	TANDEM_CMD_DISCONNECT,	/* RES_NAME */
	TANDEM_CMD_PRIMARY,	/* RES_NAME, [FORCE] */
	TANDEM_CMD_SECONDARY,	/* RES_NAME */
	TANDEM_CMD_VERIFY,	/* RES_NAME [VERIFY_START, VERIFY_LENGTH]: compare with the
				 * peer's disk, resync differences */
	TANDEM_CMD_EVENT,	/* multicast only: EVENT and the resource's status, as STATUS
				 * replies carry it (DETACH: RES_NAME alone) */
	TANDEM_CMD_NET_OPTIONS,	/* RES_NAME, [TIMEOUT_MS, RESYNC_RATE (0: no limit),
				 * CONGESTION_LIMIT, KO_COUNT (0: off)]: change a
				 * connection's options live */
	TANDEM_CMD_OUTDATE,	/* RES_NAME: a disconnected secondary's data is outdated */
	TANDEM_CMD_RESUME_IO,	/* RES_NAME: complete the writes fencing froze, unfenced */
	TANDEM_CMD_INVALIDATE,	/* RES_NAME: resync every block from the peer (connected) */
	TANDEM_CMD_INVALIDATE_REMOTE, /* RES_NAME: resync every block to the peer (connected) */
	TANDEM_CMD_RESIZE,	/* RES_NAME, [RESIZE_SIZE, ASSUME_CLEAN]: grow the device on
				 * both nodes (connected) to what both disks hold */
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
	TANDEM_A_LOCAL_ADDR,	/* binary: 4 (IPv4) or 16 (IPv6) bytes, network order */
	TANDEM_A_LOCAL_PORT,	/* u16 */
	TANDEM_A_PEER_ADDR,	/* binary, as LOCAL_ADDR */
	TANDEM_A_PEER_PORT,	/* u16 */
	TANDEM_A_PROTOCOL,	/* u32 enum tandem_protocol */
	TANDEM_A_SECRET,	/* binary, TANDEM_SECRET_MIN..MAX bytes (request only) */
	TANDEM_A_TIMEOUT_MS,	/* u32: TANDEM_TIMEOUT_MS_MIN..MAX (default _DEF; also in status) */
	TANDEM_A_ASSUME_CLEAN,	/* flag: this disk is known identical to the peer's */
	TANDEM_A_FORCE,		/* flag: PRIMARY even if the data is not known up to date */
	TANDEM_A_ROLE,		/* u32 enum tandem_role (reply only) */
	TANDEM_A_DISK_STATE,	/* u32 enum tandem_disk_state (reply only) */
	TANDEM_A_CONN_STATE,	/* u32 enum tandem_conn_state (reply only) */
	TANDEM_A_PEER_ROLE,	/* u32 (reply only, when known) */
	TANDEM_A_PEER_DISK_STATE, /* u32 (reply only, when known) */
	TANDEM_A_AUTHENTICATED,	/* u8: the peer proved the shared secret (reply only) */
	TANDEM_A_LAST_ERROR,	/* string: why the last connection attempt failed (reply only) */
	TANDEM_A_DISCARD_MY_DATA, /* flag: after a split brain, this node takes the peer's data */
	TANDEM_A_SYNC_STATE,	/* u32 enum tandem_sync_state (reply only, when connected) */
	TANDEM_A_OUT_OF_SYNC,	/* u64: bytes marked out of sync in the bitmap (reply only) */
	TANDEM_A_SYNC_TOTAL,	/* u64: bytes out of sync when the resync began (reply only) */
	TANDEM_A_SYNC_DONE,	/* u64: bytes resynced since (reply only) */
	TANDEM_A_SYNC_ELAPSED_MS, /* u32: since the resync began (reply only) */
	TANDEM_A_VERIFY_RUNNING, /* u8 (reply only, after a verify was started) */
	TANDEM_A_VERIFY_TOTAL,	/* u64: bytes to compare (reply only) */
	TANDEM_A_VERIFY_DONE,	/* u64: bytes compared (reply only) */
	TANDEM_A_VERIFY_DIFF,	/* u64: bytes found different (reply only) */
	TANDEM_A_RESYNC_RATE,	/* u32: MiB/s, TANDEM_RESYNC_RATE_MIN..MAX (default: no limit) */
	TANDEM_A_CONGESTION_LIMIT, /* u32: MiB, TANDEM_CONGESTION_MIB_MIN..MAX (default _DEF;
				    * also in status, async) */
	TANDEM_A_EVENT,		/* u32 enum tandem_event (events only) */
	TANDEM_A_DISK_ERRORS,	/* u64: I/O errors of the backing disk since attach (reply only) */
	TANDEM_A_FIRST_DISK_ERROR, /* u64: when the first was, seconds since 1970 (reply only,
				    * when there was one) */
	TANDEM_A_FENCING,	/* u32 enum tandem_fencing (default NONE; also in status) */
	TANDEM_A_FENCE_PEER,	/* string: absolute path of the fence-peer handler, shorter
				 * than TANDEM_HANDLER_MAX (also in status) */
	TANDEM_A_IO_FROZEN,	/* u8: writes are held by fencing (reply only) */
	TANDEM_A_FENCE_RESULT,	/* u32 enum tandem_fence_result of the last handler run
				 * (reply only, once one ran) */
	TANDEM_A_DOWN_MS,	/* u64: ms since the connection went down, or connect began
				 * (reply only, while configured and not connected) */
	TANDEM_A_ON_IO_ERROR,	/* u32 enum tandem_on_io_error (default DETACH; also in status) */
	TANDEM_A_KO_COUNT,	/* u32: TANDEM_KO_COUNT_MIN..MAX; NET_OPTIONS: 0 turns it off
				 * (default off; in status when set) */
	TANDEM_A_AFTER_SB_0PRI,	/* u32 enum tandem_after_sb_0pri (default DISCONNECT; in status
				 * when set otherwise) */
	TANDEM_A_AFTER_SB_1PRI,	/* u32 enum tandem_after_sb_1pri (likewise) */
	TANDEM_A_HANDLERS,	/* nested: per enum tandem_handler, a string: its absolute
				 * path, shorter than TANDEM_HANDLER_MAX (set at the first
				 * attach; also in status) */
	TANDEM_A_HANDLER_LAST,	/* u32 enum tandem_handler: the last that ended (reply only) */
	TANDEM_A_HANDLER_EXIT,	/* s32: its exit code; -1 if it was killed or did not run
				 * (reply only, with HANDLER_LAST) */
	TANDEM_A_DISK_TIMEOUT_MS, /* u32: 0 (off, the default) or TANDEM_DISK_TIMEOUT_MS_MIN..
				   * MAX (set at the first attach; in status when set) */
	TANDEM_A_DISK_LATE,	/* u32: backing-disk requests given up after the disk-timeout
				 * and not yet back from the disk (reply only, when any) */
	TANDEM_A_META_DISK,	/* string: the metadata disk's path, external metadata (ATTACH:
				 * absent for internal; in status when external) */
	TANDEM_A_VERIFY_START,	/* u64: VERIFY from this byte, a multiple of 4096 (default 0) */
	TANDEM_A_VERIFY_LENGTH,	/* u64: VERIFY this many bytes, a multiple of 4096, not 0
				 * (default: to the end) */
	TANDEM_A_RESIZE_SIZE,	/* u64: RESIZE to this many bytes, a multiple of 4096
				 * (default: the most both disks hold) */
	TANDEM_A_FORMER_SIZE,	/* u64: ATTACH: the backing disk's size in bytes when its
				 * internal metadata was written (it grew since) */
	TANDEM_A_MAX_SIZE,	/* u64: bytes the metadata's layout holds: the most the
				 * device can grow to without a disk that grew (reply only) */
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
	TANDEM_STAT_NET_PENDING,	/* writes queued for the peer, not yet sent */
	TANDEM_STAT_NET_UNACKED,	/* writes sent, not yet acknowledged by the peer */
	TANDEM_STAT_NET_SENT,		/* writes sent to the peer */
	TANDEM_STAT_NET_SENT_BYTES,
	TANDEM_STAT_NET_RECEIVED,	/* writes received from the peer and applied */
	TANDEM_STAT_NET_RECEIVED_BYTES,
	__TANDEM_STAT_MAX,
};
#define TANDEM_STAT_MAX (__TANDEM_STAT_MAX - 1)

#endif /* _UAPI_TANDEM_NETLINK_H */
