// SPDX-License-Identifier: GPL-2.0
/*
 * tandemctl: connect, disconnect, primary, secondary, outdate, resume-io,
 * invalidate, invalidate-remote, wait-sync, verify.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "config.h"
#include "nl.h"
#include "output.h"
#include "parse.h"
#include "resfile.h"
#include "tandemctl.h"
#include "tandem_netlink.h"
#include "core/names.h"

static int put_connect(struct nl_msg *msg, void *arg)
{
	struct tdm_connect_args *a = arg;

	return nla_put(msg, TANDEM_A_LOCAL_ADDR, a->local.addr_len, a->local.addr) ||
	       nla_put_u16(msg, TANDEM_A_LOCAL_PORT, a->local.port) ||
	       nla_put(msg, TANDEM_A_PEER_ADDR, a->peer.addr_len, a->peer.addr) ||
	       nla_put_u16(msg, TANDEM_A_PEER_PORT, a->peer.port) ||
	       nla_put_u32(msg, TANDEM_A_PROTOCOL, a->protocol) ||
	       (a->timeout_ms && nla_put_u32(msg, TANDEM_A_TIMEOUT_MS, a->timeout_ms)) ||
	       (a->secret_len && nla_put(msg, TANDEM_A_SECRET, (int)a->secret_len, a->secret)) ||
	       (a->assume_clean && nla_put_flag(msg, TANDEM_A_ASSUME_CLEAN)) ||
	       (a->discard_mine && nla_put_flag(msg, TANDEM_A_DISCARD_MY_DATA)) ||
	       (a->resync_rate && nla_put_u32(msg, TANDEM_A_RESYNC_RATE, a->resync_rate)) ||
	       (a->congestion_limit &&
		nla_put_u32(msg, TANDEM_A_CONGESTION_LIMIT, a->congestion_limit)) ||
	       (a->ko_count && nla_put_u32(msg, TANDEM_A_KO_COUNT, a->ko_count)) ||
	       (a->after_sb_0pri && nla_put_u32(msg, TANDEM_A_AFTER_SB_0PRI, a->after_sb_0pri)) ||
	       (a->after_sb_1pri && nla_put_u32(msg, TANDEM_A_AFTER_SB_1PRI, a->after_sb_1pri)) ||
	       (a->fencing && nla_put_u32(msg, TANDEM_A_FENCING, a->fencing)) ||
	       (a->fence_peer[0] && nla_put_string(msg, TANDEM_A_FENCE_PEER, a->fence_peer));
}

/* What the command line says beyond @a: which parts the resource file must give. */
struct connect_opts {
	const char *name;
	bool have_local, have_peer, have_protocol;
};

/* A ranged number option into @out; 0, or a usage error naming it. */
static int connect_number(const struct tdm_range *r, uint32_t *out)
{
	char msg[128];

	if (tdm_parse_range(r, optarg, out, msg, sizeof(msg)))
		return tdm_usage_error("connect", "--%s", msg);
	return 0;
}

static int connect_option(int c, struct tdm_connect_args *a, struct connect_opts *o)
{
	switch (c) {
	case 'l':
		if (tdm_parse_endpoint(optarg, &a->local))
			return tdm_usage_error("connect", "--local '%s': expected ADDR:PORT",
					       optarg);
		o->have_local = true;
		return 0;
	case 'p':
		if (tdm_parse_endpoint(optarg, &a->peer))
			return tdm_usage_error("connect", "--peer '%s': expected ADDR:PORT",
					       optarg);
		o->have_peer = true;
		return 0;
	case 'P':
		a->protocol = tdm_proto_value(optarg);
		if (!a->protocol)
			return tdm_usage_error("connect", "--protocol is async or sync");
		o->have_protocol = true;
		return 0;
	case 's':
		return tdm_read_secret(optarg, a->secret, &a->secret_len) ? TDM_EXIT_USAGE : 0;
	case 't':
		return connect_number(&tdm_range_timeout, &a->timeout_ms);
	case 'c':
		a->assume_clean = 1;
		return 0;
	case 'D':
		a->discard_mine = 1;
		return 0;
	case 'r':
		return connect_number(&tdm_range_resync_rate, &a->resync_rate);
	case 'C':
		return connect_number(&tdm_range_congestion, &a->congestion_limit);
	case 'k':
		return connect_number(&tdm_range_ko_count, &a->ko_count);
	case '0':
		a->after_sb_0pri = tdm_sb0_value(optarg);
		if (!a->after_sb_0pri)
			return tdm_usage_error("connect",
					       "--after-sb-0pri is "
					       "disconnect, discard-zero-changes, discard-least-changes, "
					       "discard-younger-primary or discard-older-primary");
		return 0;
	case '1':
		a->after_sb_1pri = tdm_sb1_value(optarg);
		if (!a->after_sb_1pri)
			return tdm_usage_error("connect",
					       "--after-sb-1pri is disconnect, discard-secondary, consensus "
					       "or call-pri-lost-after-sb");
		return 0;
	case 'f':
		a->fencing = tdm_fencing_value(optarg);
		if (!a->fencing)
			return tdm_usage_error("connect",
					       "--fencing is none, resource-only or resource-and-stonith");
		return 0;
	case 'h':
		if (optarg[0] != '/' || strlen(optarg) >= sizeof(a->fence_peer))
			return tdm_usage_error("connect",
					       "--fence-peer: an absolute path shorter than %d characters",
					       TANDEM_HANDLER_MAX);
		snprintf(a->fence_peer, sizeof(a->fence_peer), "%s", optarg);
		return 0;
	}
	return tdm_usage_error("connect", "unknown option");
}

static int connect_parse(int argc, char **argv, struct tdm_connect_args *a,
			 struct connect_opts *o)
{
	static const struct option opts[] = {
		{ "local", required_argument, NULL, 'l' },
		{ "peer", required_argument, NULL, 'p' },
		{ "protocol", required_argument, NULL, 'P' },
		{ "secret-file", required_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 't' },
		{ "assume-clean", no_argument, NULL, 'c' },
		{ "discard-my-data", no_argument, NULL, 'D' },
		{ "resync-rate", required_argument, NULL, 'r' },
		{ "congestion-limit", required_argument, NULL, 'C' },
		{ "ko-count", required_argument, NULL, 'k' },
		{ "after-sb-0pri", required_argument, NULL, '0' },
		{ "after-sb-1pri", required_argument, NULL, '1' },
		{ "fencing", required_argument, NULL, 'f' },
		{ "fence-peer", required_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, ret;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		ret = connect_option(c, a, o);
		if (ret)
			return ret;
	}
	ret = tdm_take_name("connect", argc, argv, &o->name);
	if (ret)
		return ret;
	if (o->have_local != o->have_peer)
		return tdm_usage_error("connect", "--local and --peer go together (or neither: from the resource file)");
	return 0;
}

/* A fencing policy needs a handler this node can run: said here, not as EINVAL. */
static int check_fencing(const struct tdm_connect_args *a)
{
	if (a->fencing <= TANDEM_FENCING_NONE) {
		if (!a->fence_peer[0])
			return 0;
		return tdm_usage_error("connect",
				       "--fence-peer needs --fencing resource-only or resource-and-stonith");
	}
	if (!a->fence_peer[0])
		return tdm_usage_error("connect", "--fencing %s needs --fence-peer PATH",
				       tdm_fencing_name(a->fencing));
	if (access(a->fence_peer, X_OK)) {
		fprintf(stderr, "tandemctl: fence-peer handler %s: %s\n", a->fence_peer,
			strerror(errno));
		return TDM_EXIT_CONFIG;
	}
	return 0;
}

int cmd_connect(int argc, char **argv)
{
	struct tdm_connect_args a = { .protocol = TANDEM_PROTO_SYNC };
	struct connect_opts o = { 0 };
	int ret;

	ret = connect_parse(argc, argv, &a, &o);
	if (!ret && !o.have_local)
		ret = tdm_connect_from_config(o.name, &a, o.have_protocol);
	if (ret) {
		memset(a.secret, 0, sizeof(a.secret));
		return ret;
	}
	/* A resource file says insecure; knowingly (tdm_cfg_check); a command line may not. */
	if (o.have_local && !a.secret_len)
		fprintf(stderr, "tandemctl: connect %s: warning: no --secret-file: anyone at the peer's address could replicate with this node\n",
			o.name);
	return tdm_connect_res(o.name, &a);
}

int tdm_connect_res(const char *name, struct tdm_connect_args *a)
{
	char what[128];
	int ret;

	snprintf(what, sizeof(what), "connect %s", name);
	ret = check_fencing(a) ?: tdm_nl_do(what, TANDEM_CMD_CONNECT, name, put_connect, a);
	memset(a->secret, 0, sizeof(a->secret));
	return ret;
}

/* Command-line values win over the file's. */
int tdm_connect_from_config(const char *name, struct tdm_connect_args *a, int have_protocol)
{
	const struct tdm_cfg_opts *o;
	struct tdm_local l;
	struct tdm_cfg cfg;
	int ret;

	ret = tdm_cfg_load(&cfg) ?: tdm_cfg_local(&cfg, name, &l);
	if (ret)
		return ret;
	o = &l.res->opts;
	if (tdm_parse_endpoint(l.me->address, &a->local) ||
	    tdm_parse_endpoint(l.peer->address, &a->peer))
		return TDM_EXIT_CONFIG;
	if (!have_protocol && o->protocol)
		a->protocol = o->protocol;
	if (!a->timeout_ms)
		a->timeout_ms = o->timeout_ms;
	if (!a->resync_rate)
		a->resync_rate = o->resync_rate;
	if (!a->congestion_limit)
		a->congestion_limit = o->congestion_limit;
	if (!a->ko_count)
		a->ko_count = o->ko_count;
	if (!a->after_sb_0pri)
		a->after_sb_0pri = o->after_sb_0pri;
	if (!a->after_sb_1pri)
		a->after_sb_1pri = o->after_sb_1pri;
	if (!a->fencing)
		a->fencing = o->fencing;
	/* A handler the file names for a policy of none (common's, say) is not used. */
	if (!a->fence_peer[0] && a->fencing > TANDEM_FENCING_NONE)
		snprintf(a->fence_peer, sizeof(a->fence_peer), "%s", o->fence_peer);
	if (!a->secret_len && o->secret_file[0] &&
	    (tdm_secret_file_ok(o->secret_file) ||
	     tdm_read_secret(o->secret_file, a->secret, &a->secret_len)))
		return TDM_EXIT_CONFIG;
	return 0;
}

int cmd_disconnect(int argc, char **argv)
{
	return tdm_name_only_cmd("disconnect", TANDEM_CMD_DISCONNECT, argc, argv);
}

static int put_force(struct nl_msg *msg, void *arg)
{
	return *(int *)arg ? nla_put_flag(msg, TANDEM_A_FORCE) : 0;
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) +
	       (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/*
 * Refusals that may end by themselves: the peer is primary or becoming
 * primary (and may step down), or did not answer (and may, or go away).
 */
static bool promotion_may_come(int err)
{
	return err == -EBUSY || err == -ETIMEDOUT;
}

/*
 * Sleep until the module announces a change (any event: a state change is
 * one) or @ms pass, then drain what came; @ev is non-blocking.
 */
static void wait_for_event(struct tdm_nl *ev, int ms)
{
	struct pollfd pfd = { .fd = nl_socket_get_fd(ev->sk), .events = POLLIN };

	if (poll(&pfd, 1, ms) > 0)
		while (nl_recvmsgs_default(ev->sk) >= 0)
			;
}

/*
 * Promote, waiting up to @wait seconds for a refusal that may end by itself
 * to end: woken by the module's events (the peer stepping down is one), and
 * at least once a second should a change go unannounced.
 */
static int primary_wait(const char *what, const char *name, int force, double wait)
{
	struct timespec start;
	struct tdm_nl nl, ev;
	char why[512];
	double left;
	int ret;

	ret = tdm_nl_open(&nl);
	if (ret)
		return tdm_exit_code(ret);
	ret = tdm_nl_open(&ev);
	if (ret) {
		ret = tdm_exit_code(ret);
		goto out_close;
	}
	/* Listen first: a step-down between a refusal and the wait is not missed. */
	ret = tdm_nl_join_events(&ev, what);
	if (ret)
		goto out_close_ev;
	nl_socket_set_nonblocking(ev.sk);
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		ret = tdm_nl_cmd(&nl, TANDEM_CMD_PRIMARY, name, put_force, &force, why, sizeof(why));
		left = wait - seconds_since(&start);
		if (!ret || !promotion_may_come(ret) || left <= 0) {
			if (ret)
				ret = tdm_report(what, ret, why);
			break;
		}
		wait_for_event(&ev, left < 1 ? (int)(left * 1000) + 1 : 1000);
	}
out_close_ev:
	tdm_nl_close(&ev);
out_close:
	tdm_nl_close(&nl);
	return ret;
}

int cmd_primary(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "wait", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name;
	char what[128], *end;
	double wait = 0;
	int force = 0, c, ret;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			force = 1;
			break;
		case 'w':
			wait = strtod(optarg, &end);
			if (*end || end == optarg || !(wait >= 0 && wait <= 86400))
				return tdm_usage_error("primary", "--wait is a number of seconds");
			break;
		default:
			return tdm_usage_error("primary", "unknown option");
		}
	}
	ret = tdm_take_name("primary", argc, argv, &name);
	if (ret)
		return ret;
	snprintf(what, sizeof(what), "primary %s", name);
	if (wait > 0)
		return primary_wait(what, name, force, wait);
	return tdm_nl_do(what, TANDEM_CMD_PRIMARY, name, put_force, &force);
}

int cmd_secondary(int argc, char **argv)
{
	return tdm_name_only_cmd("secondary", TANDEM_CMD_SECONDARY, argc, argv);
}

int cmd_outdate(int argc, char **argv)
{
	return tdm_name_only_cmd("outdate", TANDEM_CMD_OUTDATE, argc, argv);
}

int cmd_resume_io(int argc, char **argv)
{
	return tdm_name_only_cmd("resume-io", TANDEM_CMD_RESUME_IO, argc, argv);
}

int cmd_invalidate(int argc, char **argv)
{
	return tdm_name_only_cmd("invalidate", TANDEM_CMD_INVALIDATE, argc, argv);
}

int cmd_invalidate_remote(int argc, char **argv)
{
	return tdm_name_only_cmd("invalidate-remote", TANDEM_CMD_INVALIDATE_REMOTE, argc, argv);
}

/* @name's status into @st; an exit code, said as @what's failure. */
static int get_status(struct tdm_nl *nl, const char *name, struct tdm_status *st,
		      const char *what)
{
	char why[512];
	int ret;

	ret = tdm_nl_get_status(nl, name, st, why, sizeof(why));
	return ret ? tdm_report(what, ret, why) : TDM_EXIT_OK;
}

/*
 * Whether @st is in sync: connected, no resync running, nothing out of sync
 * and both disks up to date (0); not yet (1); or never, as a connection that
 * will not be retried (split brain, unrelated data) is not (an exit code).
 */
static int wait_sync_state(const struct tdm_status *st)
{
	if (st->conn_state == TANDEM_CONN_CONNECTED && st->sync_state == TANDEM_SYNC_STATE_NONE &&
	    !st->out_of_sync && st->disk_state == TANDEM_DISK_UPTODATE &&
	    st->peer_disk_state == TANDEM_DISK_UPTODATE)
		return 0;
	if (st->conn_state != TANDEM_CONN_STANDALONE)
		return 1;
	fprintf(stderr, "tandemctl wait-sync %s: not connecting%s%s\n", st->name,
		st->last_error[0] ? ": " : "", st->last_error);
	return TDM_EXIT_FAIL;
}

/* Poll status until @name is in sync, for at most @timeout seconds (0: no limit). */
int cmd_wait_sync(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct tdm_status st;
	struct timespec start;
	struct tdm_nl nl;
	const char *name;
	double timeout = 0;
	char *end;
	int c, ret;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 't')
			return tdm_usage_error("wait-sync", "unknown option");
		timeout = strtod(optarg, &end);
		if (*end || end == optarg || timeout <= 0)
			return tdm_usage_error("wait-sync", "--timeout is a number of seconds");
	}
	ret = tdm_take_name("wait-sync", argc, argv, &name);
	if (ret)
		return ret;
	ret = tdm_nl_open(&nl);
	if (ret)
		return tdm_exit_code(ret);
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		ret = get_status(&nl, name, &st, "wait-sync");
		if (!ret)
			ret = wait_sync_state(&st);
		if (ret != 1)
			break;
		if (timeout > 0 && seconds_since(&start) >= timeout) {
			fprintf(stderr, "tandemctl wait-sync %s: still not in sync after %g s\n",
				name, timeout);
			ret = TDM_EXIT_FAIL;
			break;
		}
		usleep(100 * 1000);
	}
	tdm_nl_close(&nl);
	return ret;
}

/*
 * Start a verify and wait for its end: the module compares checksums of
 * every 4 KiB block with the peer's and resyncs the blocks that differ.
 */
struct verify_args {
	bool has_start, has_length;
	uint64_t start, length;		/* bytes */
};

static int put_verify(struct nl_msg *msg, void *arg)
{
	struct verify_args *a = arg;

	return (a->has_start && nla_put_u64(msg, TANDEM_A_VERIFY_START, a->start)) ||
	       (a->has_length && nla_put_u64(msg, TANDEM_A_VERIFY_LENGTH, a->length));
}

int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "start", required_argument, NULL, 's' },
		{ "length", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	struct verify_args a = { 0 };
	struct tdm_status st;
	struct tdm_nl nl;
	const char *name;
	char what[128], msg[160];
	int c, ret;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (tdm_parse_bytes("--start", optarg, &a.start, msg, sizeof(msg)))
				return tdm_usage_error("verify", "%s", msg);
			a.has_start = true;
			break;
		case 'l':
			if (tdm_parse_bytes("--length", optarg, &a.length, msg, sizeof(msg)) ||
			    (!a.length && snprintf(msg, sizeof(msg), "--length must not be 0")))
				return tdm_usage_error("verify", "%s", msg);
			a.has_length = true;
			break;
		default:
			return tdm_usage_error("verify", "unknown option");
		}
	}
	ret = tdm_take_name("verify", argc, argv, &name);
	if (ret)
		return ret;
	snprintf(what, sizeof(what), "verify %s", name);
	ret = tdm_nl_do(what, TANDEM_CMD_VERIFY, name, put_verify, &a);
	if (ret)
		return ret;
	ret = tdm_nl_open(&nl);
	if (ret)
		return tdm_exit_code(ret);
	do {
		usleep(200 * 1000);
		ret = get_status(&nl, name, &st, what);
	} while (!ret && st.verify_running);
	tdm_nl_close(&nl);
	if (ret)
		return ret;
	/* No total: the connection, and what it knew of the verify, is gone. */
	if (!st.verify_total || st.verify_done < st.verify_total) {
		fprintf(stderr, "tandemctl verify %s: interrupted after %" PRIu64 " of %" PRIu64
			" KiB (%" PRIu64 " KiB differ so far): the connection was lost, or a read failed (see the kernel log); run it again\n",
			name, st.verify_done >> 10, st.verify_total >> 10, st.verify_diff >> 10);
		return TDM_EXIT_FAIL;
	}
	printf("%s: verify compared %" PRIu64 " MiB: %" PRIu64 " KiB differ%s\n", name,
	       st.verify_done >> 20, st.verify_diff >> 10,
	       st.verify_diff ? " (marked out of sync, resynced from this node on reconnect)" : "");
	return TDM_EXIT_OK;
}

/*
 * Grow the device on both nodes, to what both disks hold (or --size): each
 * node first adopts what its disk grew by (its metadata moves or grows).
 */
struct resize_args {
	uint64_t size;			/* bytes; 0: the most both hold */
	bool clean;
};

static int put_resize(struct nl_msg *msg, void *arg)
{
	struct resize_args *a = arg;

	return (a->size && nla_put_u64(msg, TANDEM_A_RESIZE_SIZE, a->size)) ||
	       (a->clean && nla_put_flag(msg, TANDEM_A_ASSUME_CLEAN));
}

int cmd_resize(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "size", required_argument, NULL, 's' },
		{ "assume-clean", no_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct resize_args a = { 0 };
	struct tdm_status before, after;
	char what[128], msg[160], was[32], now[32];
	struct tdm_nl nl;
	const char *name;
	int c, ret;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (tdm_parse_bytes("--size", optarg, &a.size, msg, sizeof(msg)) ||
			    (!a.size && snprintf(msg, sizeof(msg), "--size must not be 0")))
				return tdm_usage_error("resize", "%s", msg);
			break;
		case 'c':
			a.clean = true;
			break;
		default:
			return tdm_usage_error("resize", "unknown option");
		}
	}
	ret = tdm_take_name("resize", argc, argv, &name);
	if (ret)
		return ret;
	snprintf(what, sizeof(what), "resize %s", name);
	ret = tdm_nl_open(&nl);
	if (ret)
		return tdm_exit_code(ret);
	ret = get_status(&nl, name, &before, what);
	if (!ret)
		ret = tdm_nl_do(what, TANDEM_CMD_RESIZE, name, put_resize, &a);
	if (!ret)
		ret = get_status(&nl, name, &after, what);
	tdm_nl_close(&nl);
	if (ret)
		return ret;
	out_format_bytes(was, sizeof(was), before.size);
	out_format_bytes(now, sizeof(now), after.size);
	if (after.size == before.size)
		printf("%s: %s already, the most both disks hold%s\n", name, now,
		       a.size ? " that was asked for" : "");
	else
		printf("%s: %s (was %s)%s\n", name, now, was,
		       a.clean ? ", the new space taken as equal on both nodes" :
				 ", the new space resyncing to the peer");
	return TDM_EXIT_OK;
}
