// SPDX-License-Identifier: GPL-2.0
/*
 * tandemctl: decoding a STATUS reply or an event. Needs libnl's attribute
 * getters only, no socket: the unit tests decode replies they build.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <netlink/attr.h>

#include "status.h"

static uint32_t get_u32(struct nlattr **attrs, int a)
{
	return attrs[a] ? nla_get_u32(attrs[a]) : 0;
}

static uint64_t get_u64(struct nlattr **attrs, int a)
{
	return attrs[a] ? nla_get_u64(attrs[a]) : 0;
}

static void get_string(struct nlattr **attrs, int a, char *buf, size_t len)
{
	snprintf(buf, len, "%s", attrs[a] ? nla_get_string(attrs[a]) : "");
}

static void get_endpoint(struct nlattr *addr, struct nlattr *port, struct tdm_endpoint *ep)
{
	if (!addr || !port || (nla_len(addr) != 4 && nla_len(addr) != 16))
		return;
	ep->addr_len = nla_len(addr);
	memcpy(ep->addr, nla_data(addr), ep->addr_len);
	ep->port = nla_get_u16(port);
}

static void decode_sync(struct nlattr **attrs, struct tdm_status *st)
{
	st->out_of_sync = get_u64(attrs, TANDEM_A_OUT_OF_SYNC);
	st->sync_state = get_u32(attrs, TANDEM_A_SYNC_STATE);
	st->has_sync_progress = attrs[TANDEM_A_SYNC_TOTAL] != NULL;
	st->sync_total = get_u64(attrs, TANDEM_A_SYNC_TOTAL);
	st->sync_done = get_u64(attrs, TANDEM_A_SYNC_DONE);
	st->sync_elapsed_ms = get_u32(attrs, TANDEM_A_SYNC_ELAPSED_MS);
	st->has_verify = attrs[TANDEM_A_VERIFY_TOTAL] != NULL;
	st->verify_running = attrs[TANDEM_A_VERIFY_RUNNING] &&
			     nla_get_u8(attrs[TANDEM_A_VERIFY_RUNNING]);
	st->verify_total = get_u64(attrs, TANDEM_A_VERIFY_TOTAL);
	st->verify_done = get_u64(attrs, TANDEM_A_VERIFY_DONE);
	st->verify_diff = get_u64(attrs, TANDEM_A_VERIFY_DIFF);
}

static void decode_conn(struct nlattr **attrs, struct tdm_status *st)
{
	st->conn_state = get_u32(attrs, TANDEM_A_CONN_STATE);
	st->protocol = get_u32(attrs, TANDEM_A_PROTOCOL);
	get_endpoint(attrs[TANDEM_A_LOCAL_ADDR], attrs[TANDEM_A_LOCAL_PORT], &st->local);
	get_endpoint(attrs[TANDEM_A_PEER_ADDR], attrs[TANDEM_A_PEER_PORT], &st->peer);
	st->peer_role = get_u32(attrs, TANDEM_A_PEER_ROLE);
	st->peer_disk_state = get_u32(attrs, TANDEM_A_PEER_DISK_STATE);
	st->resync_rate = get_u32(attrs, TANDEM_A_RESYNC_RATE);
	st->timeout_ms = get_u32(attrs, TANDEM_A_TIMEOUT_MS);
	st->congestion_limit = get_u32(attrs, TANDEM_A_CONGESTION_LIMIT);
	st->ko_count = get_u32(attrs, TANDEM_A_KO_COUNT);
	st->after_sb_0pri = get_u32(attrs, TANDEM_A_AFTER_SB_0PRI);
	st->after_sb_1pri = get_u32(attrs, TANDEM_A_AFTER_SB_1PRI);
	st->fencing = get_u32(attrs, TANDEM_A_FENCING);
	get_string(attrs, TANDEM_A_FENCE_PEER, st->fence_peer, sizeof(st->fence_peer));
	st->io_frozen = attrs[TANDEM_A_IO_FROZEN] && nla_get_u8(attrs[TANDEM_A_IO_FROZEN]);
	st->fence_result = get_u32(attrs, TANDEM_A_FENCE_RESULT);
	st->has_down = attrs[TANDEM_A_DOWN_MS] != NULL;
	st->down_ms = get_u64(attrs, TANDEM_A_DOWN_MS);
	st->authenticated = attrs[TANDEM_A_AUTHENTICATED] ?
			    nla_get_u8(attrs[TANDEM_A_AUTHENTICATED]) : -1;
	get_string(attrs, TANDEM_A_LAST_ERROR, st->last_error, sizeof(st->last_error));
}

static void decode_stats(struct nlattr *nest, struct tdm_status *st)
{
	struct nlattr *tb[TANDEM_STAT_MAX + 1];
	int i;

	if (!nest || nla_parse_nested(tb, TANDEM_STAT_MAX, nest, NULL))
		return;
	st->has_stats = true;
	for (i = 0; i <= TANDEM_STAT_MAX; i++)
		st->stats[i] = i == TANDEM_STAT_PAD ? 0 : get_u64(tb, i);
}

static void decode_handlers(struct nlattr **attrs, struct tdm_status *st)
{
	struct nlattr *tb[__TANDEM_HANDLER_MAX];
	int i;

	st->handler_last = get_u32(attrs, TANDEM_A_HANDLER_LAST);
	st->handler_exit = attrs[TANDEM_A_HANDLER_EXIT] ?
			   (int)nla_get_s32(attrs[TANDEM_A_HANDLER_EXIT]) : 0;
	if (!attrs[TANDEM_A_HANDLERS] ||
	    nla_parse_nested(tb, __TANDEM_HANDLER_MAX - 1, attrs[TANDEM_A_HANDLERS], NULL))
		return;
	for (i = 1; i < __TANDEM_HANDLER_MAX; i++)
		get_string(tb, i, st->handlers[i], sizeof(st->handlers[i]));
}

int tdm_status_decode(struct nlattr **attrs, struct tdm_status *st)
{
	memset(st, 0, sizeof(*st));
	if (!attrs[TANDEM_A_RES_NAME])
		return -EPROTO;
	get_string(attrs, TANDEM_A_RES_NAME, st->name, sizeof(st->name));
	st->authenticated = -1;
	if (!attrs[TANDEM_A_MINOR])
		return 0;
	st->attached = true;
	st->minor = nla_get_u32(attrs[TANDEM_A_MINOR]);
	get_string(attrs, TANDEM_A_DISK, st->disk, sizeof(st->disk));
	get_string(attrs, TANDEM_A_META_DISK, st->meta_disk, sizeof(st->meta_disk));
	st->size = get_u64(attrs, TANDEM_A_SIZE);
	st->max_size = get_u64(attrs, TANDEM_A_MAX_SIZE);
	st->has_open_count = attrs[TANDEM_A_OPEN_COUNT] != NULL;
	st->open_count = get_u32(attrs, TANDEM_A_OPEN_COUNT);
	st->role = get_u32(attrs, TANDEM_A_ROLE);
	st->disk_state = get_u32(attrs, TANDEM_A_DISK_STATE);
	st->disk_errors = get_u64(attrs, TANDEM_A_DISK_ERRORS);
	st->on_io_error = get_u32(attrs, TANDEM_A_ON_IO_ERROR);
	st->disk_timeout_ms = get_u32(attrs, TANDEM_A_DISK_TIMEOUT_MS);
	st->disk_late = get_u32(attrs, TANDEM_A_DISK_LATE);
	st->first_disk_error = get_u64(attrs, TANDEM_A_FIRST_DISK_ERROR);
	decode_conn(attrs, st);
	decode_sync(attrs, st);
	decode_stats(attrs[TANDEM_A_STATS], st);
	decode_handlers(attrs, st);
	return 0;
}
