// SPDX-License-Identifier: GPL-2.0
/*
 * tandemctl: addresses and resources as status and events print them. A
 * record (JSON, and the one-line text of events) keeps its keys and their
 * order: scripts read them. A block is for a person, as drbdadm status or
 * ip -d print theirs, and may change.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "core/names.h"
#include "output.h"
#include "print.h"

/* Values of a block start in one column, after labels this wide. */
#define TDM_LABEL_WIDTH 12

void tdm_format_endpoint(const struct tdm_endpoint *ep, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];
	int v6 = ep->addr_len == 16;

	if (!ep->addr_len || !inet_ntop(v6 ? AF_INET6 : AF_INET, ep->addr, host, sizeof(host))) {
		buf[0] = '\0';
		return;
	}
	snprintf(buf, len, v6 ? "[%s]:%u" : "%s:%u", host, ep->port);
}

/* Of the bytes out of sync when the resync began, the share resynced since. */
static double sync_percent(const struct tdm_status *st)
{
	uint64_t left = st->out_of_sync < st->sync_total ? st->out_of_sync : st->sync_total;

	if (!st->sync_total)
		return 100.0;
	return 100.0 * (double)(st->sync_total - left) / (double)st->sync_total;
}

/* Bytes per second since the resync began; 0 at its start. */
static uint64_t sync_speed(const struct tdm_status *st)
{
	return st->sync_elapsed_ms ? st->sync_done * 1000 / st->sync_elapsed_ms : 0;
}

static double verify_percent(const struct tdm_status *st)
{
	if (!st->verify_total)
		return 0.0;
	return 100.0 * (double)st->verify_done / (double)st->verify_total;
}

static void out_percent(const char *key, double pct)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%.1f", pct);
	out_str(key, buf);
}

static void out_endpoint(const char *key, const struct tdm_endpoint *ep)
{
	char addr[INET6_ADDRSTRLEN + 16];

	tdm_format_endpoint(ep, addr, sizeof(addr));
	if (addr[0])
		out_str(key, addr);
}

static void record_sync(const struct tdm_status *st)
{
	uint64_t speed = sync_speed(st);

	out_state("sync", tdm_sync_name(st->sync_state));
	if (!st->has_sync_progress)
		return;
	out_percent("sync_percent", sync_percent(st));
	out_bytes("sync_done", st->sync_done);
	out_bytes(out_is_json() ? "sync_speed" : "sync_speed/s", speed);
	if (speed)
		out_u64("sync_eta_s", st->out_of_sync / speed);
}

static void record_verify(const struct tdm_status *st)
{
	out_str("verify", st->verify_running ? "running" : "done");
	out_percent("verify_percent", verify_percent(st));
	out_bytes("verify_diff", st->verify_diff);
}

/* "2026-11-27T18:59:03Z" (UTC), for the first disk error. */
static void format_time(uint64_t secs, char *buf, size_t len)
{
	time_t t = (time_t)secs;
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "%" PRIu64, secs);
}

/* The handlers configured ("handlers": an object, if any) and the last that ended. */
static void print_handlers_json(const struct tdm_status *st)
{
	bool any = false;
	int i;

	for (i = 1; i < __TANDEM_HANDLER_MAX; i++) {
		if (!st->handlers[i][0])
			continue;
		if (!any)
			out_obj_begin("handlers");
		any = true;
		out_str(tdm_handler_name(i), st->handlers[i]);
	}
	if (any)
		out_obj_end();
	if (st->handler_last) {
		out_str("handler_last", tdm_handler_name(st->handler_last));
		out_s64("handler_exit", st->handler_exit);
	}
}

static void record_replication(const struct tdm_status *st)
{
	char when[32];

	out_state("role", tdm_role_name(st->role));
	out_state("disk_state", tdm_disk_name(st->disk_state));
	if (st->on_io_error)
		out_str("on_io_error", tdm_io_error_name(st->on_io_error));
	if (st->disk_timeout_ms)
		out_u64("disk_timeout_ms", st->disk_timeout_ms);
	if (st->disk_late)
		out_u64("disk_late", st->disk_late);
	if (st->disk_errors)
		out_u64("disk_errors", st->disk_errors);
	if (st->first_disk_error) {
		format_time(st->first_disk_error, when, sizeof(when));
		out_str("first_disk_error", when);
	}
	out_state("connection", tdm_conn_name(st->conn_state));
	if (st->has_down)
		out_u64("down_ms", st->down_ms);
	if (st->protocol)
		out_str("protocol", tdm_proto_name(st->protocol));
	out_endpoint("local", &st->local);
	out_endpoint("peer", &st->peer);
	if (st->peer_role)
		out_state("peer_role", tdm_role_name(st->peer_role));
	if (st->peer_disk_state)
		out_state("peer_disk_state", tdm_disk_name(st->peer_disk_state));
	if (st->resync_rate)
		out_u64("resync_rate_mib", st->resync_rate);
	if (st->timeout_ms)
		out_u64("timeout_ms", st->timeout_ms);
	if (st->congestion_limit)
		out_u64("congestion_limit_mib", st->congestion_limit);
	if (st->ko_count)
		out_u64("ko_count", st->ko_count);
	if (st->after_sb_0pri)
		out_str("after_sb_0pri", tdm_sb0_name(st->after_sb_0pri));
	if (st->after_sb_1pri)
		out_str("after_sb_1pri", tdm_sb1_name(st->after_sb_1pri));
	if (st->authenticated >= 0)
		out_str("authentication", st->authenticated ? "hmac-sha256" : "none");
	if (st->fencing) {
		out_str("fencing", tdm_fencing_name(st->fencing));
		out_str("fence_peer", st->fence_peer);
	}
	if (st->io_frozen)
		out_str("suspended", "fencing");
	if (st->fence_result)
		out_str("fence_result", tdm_fence_result_name(st->fence_result));
	print_handlers_json(st);
	if (st->last_error[0])
		out_str("last_error", st->last_error);
	out_bytes("out_of_sync", st->out_of_sync);
	if (st->sync_state)
		record_sync(st);
	if (st->has_verify)
		record_verify(st);
}

/* The counters of an "io" or "net" object, in order; bytes print as such in text. */
struct tdm_stat_field {
	const char *key;
	int stat;
	bool bytes;
};

static const struct tdm_stat_field tdm_io_fields[] = {
	{ "reads", TANDEM_STAT_READS, false },
	{ "read_bytes", TANDEM_STAT_READ_BYTES, true },
	{ "writes", TANDEM_STAT_WRITES, false },
	{ "write_bytes", TANDEM_STAT_WRITE_BYTES, true },
	{ "flushes", TANDEM_STAT_FLUSHES, false },
	{ "discards", TANDEM_STAT_DISCARDS, false },
	{ "errors", TANDEM_STAT_ERRORS, false },
	{ NULL, 0, false },
};

static const struct tdm_stat_field tdm_net_fields[] = {
	{ "pending", TANDEM_STAT_NET_PENDING, false },
	{ "unacked", TANDEM_STAT_NET_UNACKED, false },
	{ "sent", TANDEM_STAT_NET_SENT, false },
	{ "sent_bytes", TANDEM_STAT_NET_SENT_BYTES, true },
	{ "received", TANDEM_STAT_NET_RECEIVED, false },
	{ "received_bytes", TANDEM_STAT_NET_RECEIVED_BYTES, true },
	{ NULL, 0, false },
};

static void record_counters(const char *key, const struct tdm_stat_field *f,
			    const struct tdm_status *st)
{
	out_obj_begin(key);
	for (; f->key; f++) {
		if (f->bytes)
			out_bytes(f->key, st->stats[f->stat]);
		else
			out_u64(f->key, st->stats[f->stat]);
	}
	out_obj_end();
}

void tdm_print_record(const struct tdm_status *st, const char *event)
{
	char dev[32];

	out_obj_begin(NULL);
	if (event)
		out_str("event", event);
	out_str("name", st->name);
	if (!st->attached) {
		/* A detach event names the resource alone. */
		out_obj_end();
		return;
	}
	out_u64("minor", st->minor);
	snprintf(dev, sizeof(dev), "/dev/tandem%u", st->minor);
	out_str("device", dev);
	if (st->disk[0])
		out_str("disk", st->disk);
	if (st->meta_disk[0])
		out_str("meta_disk", st->meta_disk);
	out_bytes("size", st->size);
	if (st->max_size)
		out_bytes("max_size", st->max_size);
	if (st->has_open_count)
		out_u64("open_count", st->open_count);
	record_replication(st);
	if (!event && st->has_stats) {
		record_counters("io", tdm_io_fields, st);
		if (st->conn_state && st->conn_state != TANDEM_CONN_STANDALONE)
			record_counters("net", tdm_net_fields, st);
	}
	out_obj_end();
}

static void block_label(const char *label)
{
	printf("  %-*s ", TDM_LABEL_WIDTH, label);
}

static void block_line(const char *label, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void block_line(const char *label, const char *fmt, ...)
{
	va_list ap;

	block_label(label);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void block_state(const char *label, const char *state)
{
	block_label(label);
	out_text_state(state);
	putchar('\n');
}

static void block_bytes(const char *label, uint64_t bytes)
{
	char buf[32];

	out_format_bytes(buf, sizeof(buf), bytes);
	block_line(label, "%s", buf);
}

/* The size, and what the disk holds beyond it (the peer's is smaller, or resize is owed). */
static void block_size(const struct tdm_status *st)
{
	char size[32], max[32];

	out_format_bytes(size, sizeof(size), st->size);
	if (st->max_size <= st->size) {
		block_line("size", "%s", size);
		return;
	}
	out_format_bytes(max, sizeof(max), st->max_size);
	block_line("size", "%s (this disk holds %s)", size, max);
}

/* "42s", "3m05s", "2h10m". */
static void format_duration(uint64_t s, char *buf, size_t len)
{
	if (s < 60)
		snprintf(buf, len, "%" PRIu64 "s", s);
	else if (s < 3600)
		snprintf(buf, len, "%" PRIu64 "m%02" PRIu64 "s", s / 60, s % 60);
	else
		snprintf(buf, len, "%" PRIu64 "h%02" PRIu64 "m", s / 3600, s / 60 % 60);
}

/* A running resync: its direction, how far, how fast, how long still. */
static void block_resync(const struct tdm_status *st)
{
	uint64_t speed = sync_speed(st);
	char rate[32], eta[32];

	block_label("sync");
	out_text_state(tdm_sync_name(st->sync_state));
	printf(", %.1f%% done", sync_percent(st));
	if (speed) {
		out_format_bytes(rate, sizeof(rate), speed);
		format_duration(st->out_of_sync / speed, eta, sizeof(eta));
		printf(", %s/s, eta %s", rate, eta);
	}
	putchar('\n');
}

static void block_sync(const struct tdm_status *st, bool verbose)
{
	if (st->has_sync_progress)
		block_resync(st);
	else if (st->sync_state == TANDEM_SYNC_STATE_AHEAD)
		block_line("sync", "ahead: link congested, writes are marked and resynced later");
	else if (st->sync_state && verbose)
		block_state("sync", tdm_sync_name(st->sync_state));
	if (st->has_sync_progress && verbose)
		block_bytes("resynced", st->sync_done);
	if (st->out_of_sync || verbose)
		block_bytes("out of sync", st->out_of_sync);
	if (st->has_verify && (st->verify_running || verbose)) {
		char diff[32];

		out_format_bytes(diff, sizeof(diff), st->verify_diff);
		block_line("verify", "%s, %.1f%% compared, %s differ",
			   st->verify_running ? "running" : "done", verify_percent(st), diff);
	}
}

static void block_connection(const struct tdm_status *st)
{
	char addr[INET6_ADDRSTRLEN + 16];

	if (st->protocol)
		block_line("protocol", "%s", tdm_proto_name(st->protocol));
	tdm_format_endpoint(&st->local, addr, sizeof(addr));
	if (addr[0])
		block_line("local", "%s", addr);
	tdm_format_endpoint(&st->peer, addr, sizeof(addr));
	if (addr[0])
		block_line("peer address", "%s", addr);
	if (st->authenticated >= 0)
		block_line("auth", "%s", st->authenticated ? "hmac-sha256" : "none");
	if (st->timeout_ms)
		block_line("timeout", "%u ms", st->timeout_ms);
	if (st->resync_rate)
		block_line("resync rate", "%u MiB/s", st->resync_rate);
	if (st->congestion_limit)
		block_line("congestion", "%u MiB", st->congestion_limit);
	if (st->ko_count)
		block_line("ko-count", "%u timeouts", st->ko_count);
	if (st->after_sb_0pri || st->after_sb_1pri)
		block_line("split brain", "after-sb-0pri %s, after-sb-1pri %s",
			   tdm_sb0_name(st->after_sb_0pri ? st->after_sb_0pri : TANDEM_SB0_DISCONNECT),
			   tdm_sb1_name(st->after_sb_1pri ? st->after_sb_1pri : TANDEM_SB1_DISCONNECT));
	if (st->fencing)
		block_line("fencing", "%s, fence-peer %s", tdm_fencing_name(st->fencing),
			   st->fence_peer);
}

/* The I/O counters, and the network's on a connection; a line and its continuation each. */
static void block_counters(const struct tdm_status *st)
{
	const uint64_t *s = st->stats;
	char b[2][32];

	out_format_bytes(b[0], sizeof(b[0]), s[TANDEM_STAT_READ_BYTES]);
	out_format_bytes(b[1], sizeof(b[1]), s[TANDEM_STAT_WRITE_BYTES]);
	block_line("io", "reads %" PRIu64 " (%s), writes %" PRIu64 " (%s)",
		   s[TANDEM_STAT_READS], b[0], s[TANDEM_STAT_WRITES], b[1]);
	block_line("", "flushes %" PRIu64 ", discards %" PRIu64 ", errors %" PRIu64,
		   s[TANDEM_STAT_FLUSHES], s[TANDEM_STAT_DISCARDS], s[TANDEM_STAT_ERRORS]);
	if (!st->conn_state || st->conn_state == TANDEM_CONN_STANDALONE)
		return;
	out_format_bytes(b[0], sizeof(b[0]), s[TANDEM_STAT_NET_SENT_BYTES]);
	out_format_bytes(b[1], sizeof(b[1]), s[TANDEM_STAT_NET_RECEIVED_BYTES]);
	block_line("net", "sent %" PRIu64 " (%s), received %" PRIu64 " (%s)",
		   s[TANDEM_STAT_NET_SENT], b[0], s[TANDEM_STAT_NET_RECEIVED], b[1]);
	block_line("", "pending %" PRIu64 ", unacked %" PRIu64,
		   s[TANDEM_STAT_NET_PENDING], s[TANDEM_STAT_NET_UNACKED]);
}

/* -v: the backing disk, the connection's settings, the counters. */
static void block_details(const struct tdm_status *st)
{
	int i;

	if (st->disk[0])
		block_line("backing", "%s", st->disk);
	block_line("metadata", "%s", st->meta_disk[0] ? st->meta_disk : "internal");
	block_size(st);
	if (st->has_open_count)
		block_line("openers", "%u", st->open_count);
	for (i = 1; i < __TANDEM_HANDLER_MAX; i++)
		if (st->handlers[i][0])
			block_line("handler", "%s %s", tdm_handler_name(i), st->handlers[i]);
	block_connection(st);
	if (st->has_stats)
		block_counters(st);
}

void tdm_print_block(const struct tdm_status *st, bool verbose)
{
	printf("%s /dev/tandem%u\n", st->name, st->minor);
	block_state("role", tdm_role_name(st->role));
	block_state("disk", tdm_disk_name(st->disk_state));
	if (st->on_io_error)
		block_line("on io error", "%s", tdm_io_error_name(st->on_io_error));
	if (st->disk_timeout_ms)
		block_line("disk timeout", "%u ms", st->disk_timeout_ms);
	if (st->disk_late)
		block_line("late requests", "%u given up on, not yet back from the disk",
			   st->disk_late);
	if (st->disk_errors) {
		char when[32];

		format_time(st->first_disk_error, when, sizeof(when));
		block_line("disk errors", "%" PRIu64 ", the first at %s", st->disk_errors, when);
	}
	block_state("connection", tdm_conn_name(st->conn_state));
	if (st->has_down) {
		char down[32];

		format_duration(st->down_ms / 1000, down, sizeof(down));
		block_line("down for", "%s", down);
	}
	if (st->peer_role)
		block_state("peer role", tdm_role_name(st->peer_role));
	if (st->peer_disk_state)
		block_state("peer disk", tdm_disk_name(st->peer_disk_state));
	if (st->io_frozen)
		block_line("writes", "FROZEN until the peer is fenced, comes back, or resume-io");
	if (st->fence_result)
		block_line("fence-peer", "%s", tdm_fence_result_name(st->fence_result));
	if (st->handler_last && st->handler_exit >= 0)
		block_line("last handler", "%s, exit code %d", tdm_handler_name(st->handler_last),
			   st->handler_exit);
	else if (st->handler_last)
		block_line("last handler", "%s, killed or not run", tdm_handler_name(st->handler_last));
	block_sync(st, verbose);
	if (st->last_error[0])
		block_line("last error", "%s", st->last_error);
	if (verbose)
		block_details(st);
}
