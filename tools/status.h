/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tandemctl: one resource's state, as a STATUS reply or an event carries it;
 * decoded once (status.c), then printed (print.c) or acted upon.
 */
#ifndef TDMCTL_STATUS_H
#define TDMCTL_STATUS_H

#include <stdbool.h>
#include <stdint.h>

#include "parse.h"
#include "tandem_netlink.h"

struct nlattr;

/* Enum and option fields are 0 when not sent (the module never sends 0 for them). */
struct tdm_status {
	char name[TANDEM_NAME_MAX];
	bool attached;			/* false: a detach event, the name alone */
	uint32_t minor;
	char disk[TANDEM_PATH_MAX];	/* backing disk; "" if not sent */
	char meta_disk[TANDEM_PATH_MAX]; /* external metadata's disk; "": internal */
	uint64_t size;
	uint64_t max_size;		/* what the metadata's layout holds; 0: not sent */
	bool has_open_count;
	uint32_t open_count;
	uint32_t role, disk_state, conn_state;
	uint32_t on_io_error;		/* enum tandem_on_io_error; 0: not sent */
	uint32_t disk_timeout_ms;	/* 0: off */
	uint32_t disk_late;		/* requests given up on, not back from the disk */
	uint64_t disk_errors;
	uint64_t first_disk_error;	/* seconds since 1970; 0: none */
	/* the connection, when there is one */
	uint32_t protocol;
	struct tdm_endpoint local, peer;
	uint32_t peer_role, peer_disk_state;
	uint32_t resync_rate, timeout_ms, congestion_limit;
	uint32_t ko_count;		/* 0: off, or not sent */
	uint32_t after_sb_0pri, after_sb_1pri;	/* 0: not sent (disconnect) */
	uint32_t fencing;		/* enum tandem_fencing; 0: none */
	char fence_peer[TANDEM_HANDLER_MAX];
	bool io_frozen;			/* fencing holds the writes */
	uint32_t fence_result;		/* enum tandem_fence_result; 0: no handler ran */
	char handlers[__TANDEM_HANDLER_MAX][TANDEM_HANDLER_MAX]; /* by enum tandem_handler */
	uint32_t handler_last;		/* enum tandem_handler that ended last; 0: none */
	int handler_exit;		/* its exit code, -1: killed or not run */
	bool has_down;			/* configured and not connected: down_ms sent */
	uint64_t down_ms;
	int authenticated;		/* -1: not sent */
	char last_error[256];		/* "" if none */
	uint64_t out_of_sync;
	uint32_t sync_state;
	bool has_sync_progress;		/* sync_total, _done and _elapsed_ms sent */
	uint64_t sync_total, sync_done;
	uint32_t sync_elapsed_ms;
	bool has_verify;
	bool verify_running;
	uint64_t verify_total, verify_done, verify_diff;
	bool has_stats;
	uint64_t stats[TANDEM_STAT_MAX + 1];	/* by enum tandem_stat_attr */
};

/* @attrs of a STATUS reply or an event into @st: 0, or -EPROTO if it names no resource. */
int tdm_status_decode(struct nlattr **attrs, struct tdm_status *st);

#endif
