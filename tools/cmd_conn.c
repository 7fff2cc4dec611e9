// SPDX-License-Identifier: GPL-2.0
/*
 * tandemctl: connect, disconnect, primary, secondary, outdate.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "config.h"
#include "resfile.h"
#include "tandemctl.h"
#include "nl.h"
#include "tandem_netlink.h"

int tdm_format_addr(struct nlattr *addr, struct nlattr *port, char *buf, unsigned int len)
{
	char host[INET6_ADDRSTRLEN];
	int v6;

	if (!addr || !port || (nla_len(addr) != 4 && nla_len(addr) != 16))
		return -1;
	v6 = nla_len(addr) == 16;
	if (!inet_ntop(v6 ? AF_INET6 : AF_INET, nla_data(addr), host, sizeof(host)))
		return -1;
	snprintf(buf, len, v6 ? "[%s]:%u" : "%s:%u", host, nla_get_u16(port));
	return 0;
}

/*
 * The shared secret: the file's bytes, without one trailing newline. The
 * file must not be readable by others, as ssh insists for its keys.
 */
static int read_secret(const char *path, unsigned char *buf, size_t *len)
{
	struct stat st;
	size_t n;
	FILE *f;

	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "tandemctl: secret file %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & 0077)) {
		fprintf(stderr, "tandemctl: secret file %s is readable by others; chmod 600 it\n", path);
		fclose(f);
		return -1;
	}
	n = fread(buf, 1, TANDEM_SECRET_MAX + 1, f);
	fclose(f);
	if (n && buf[n - 1] == '\n')
		n--;
	if (n == 0 || n > TANDEM_SECRET_MAX) {
		fprintf(stderr, "tandemctl: secret file %s must hold 1 to %d bytes\n", path,
			TANDEM_SECRET_MAX);
		return -1;
	}
	*len = n;
	return 0;
}

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
		nla_put_u32(msg, TANDEM_A_CONGESTION_LIMIT, a->congestion_limit));
}

int cmd_connect(int argc, char **argv)
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
		{ NULL, 0, NULL, 0 },
	};
	struct tdm_connect_args a = { .protocol = TANDEM_PROTO_SYNC };
	int have_local = 0, have_peer = 0, have_protocol = 0, c, ret;
	const char *name;
	char *end;
	long t;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (tdm_parse_endpoint(optarg, &a.local))
				return tdm_usage_error("connect", "--local '%s': expected ADDR:PORT", optarg);
			have_local = 1;
			break;
		case 'p':
			if (tdm_parse_endpoint(optarg, &a.peer))
				return tdm_usage_error("connect", "--peer '%s': expected ADDR:PORT", optarg);
			have_peer = 1;
			break;
		case 'P':
			if (!strcmp(optarg, "async"))
				a.protocol = TANDEM_PROTO_ASYNC;
			else if (!strcmp(optarg, "sync"))
				a.protocol = TANDEM_PROTO_SYNC;
			else
				return tdm_usage_error("connect", "--protocol is async or sync");
			have_protocol = 1;
			break;
		case 's':
			if (read_secret(optarg, a.secret, &a.secret_len))
				return TDM_EXIT_USAGE;
			break;
		case 't':
			errno = 0;
			t = strtol(optarg, &end, 10);
			if (errno || *end || t < 500 || t > 30000)
				return tdm_usage_error("connect", "--timeout is 500 to 30000 ms");
			a.timeout_ms = (uint32_t)t;
			break;
		case 'c':
			a.assume_clean = 1;
			break;
		case 'D':
			a.discard_mine = 1;
			break;
		case 'r':
			errno = 0;
			t = strtol(optarg, &end, 10);
			if (errno || *end || t < 1 || t > 30000)
				return tdm_usage_error("connect", "--resync-rate is 1 to 30000 MiB/s");
			a.resync_rate = (uint32_t)t;
			break;
		case 'C':
			errno = 0;
			t = strtol(optarg, &end, 10);
			if (errno || *end || t < 1 || t > 30000)
				return tdm_usage_error("connect", "--congestion-limit is 1 to 30000 MiB");
			a.congestion_limit = (uint32_t)t;
			break;
		default:
			return tdm_usage_error("connect", "unknown option");
		}
	}
	ret = tdm_take_name("connect", argc, argv, &name);
	if (ret)
		return ret;
	if (have_local != have_peer)
		return tdm_usage_error("connect", "--local and --peer go together (or neither: from the resource file)");
	if (!have_local) {
		ret = tdm_connect_from_config(name, &a, have_protocol);
		if (ret)
			return ret;
	}
	return tdm_connect_res(name, &a);
}

int tdm_connect_res(const char *name, struct tdm_connect_args *a)
{
	char what[128];
	int ret;

	snprintf(what, sizeof(what), "connect %s", name);
	ret = tdm_do(what, TANDEM_CMD_CONNECT, name, put_connect, a);
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
		a->protocol = (uint32_t)o->protocol;
	if (!a->timeout_ms)
		a->timeout_ms = o->timeout_ms;
	if (!a->resync_rate)
		a->resync_rate = o->resync_rate;
	if (!a->congestion_limit)
		a->congestion_limit = o->congestion_limit;
	if (!a->secret_len && o->secret_file[0] &&
	    (tdm_secret_file_ok(o->secret_file) ||
	     read_secret(o->secret_file, a->secret, &a->secret_len)))
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

int cmd_primary(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name;
	char what[128];
	int force = 0, c, ret;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'f')
			return tdm_usage_error("primary", "unknown option");
		force = 1;
	}
	ret = tdm_take_name("primary", argc, argv, &name);
	if (ret)
		return ret;
	snprintf(what, sizeof(what), "primary %s", name);
	return tdm_do(what, TANDEM_CMD_PRIMARY, name, put_force, &force);
}

int cmd_secondary(int argc, char **argv)
{
	return tdm_name_only_cmd("secondary", TANDEM_CMD_SECONDARY, argc, argv);
}

int cmd_outdate(int argc, char **argv)
{
	return tdm_name_only_cmd("outdate", TANDEM_CMD_OUTDATE, argc, argv);
}

struct sync_view {
	uint32_t cstate, sync, disk, peer_disk;
	uint64_t out_of_sync;
	int vf_running;
	uint64_t vf_done, vf_diff;
	char error[160];
};

static int take_sync_view(struct nlattr **attrs, void *arg)
{
	struct sync_view *v = arg;

#define U32(a) (attrs[a] ? nla_get_u32(attrs[a]) : 0)
	v->cstate = U32(TANDEM_A_CONN_STATE);
	v->sync = U32(TANDEM_A_SYNC_STATE);
	v->disk = U32(TANDEM_A_DISK_STATE);
	v->peer_disk = U32(TANDEM_A_PEER_DISK_STATE);
#undef U32
	v->out_of_sync = attrs[TANDEM_A_OUT_OF_SYNC] ? nla_get_u64(attrs[TANDEM_A_OUT_OF_SYNC]) : 0;
	v->vf_running = attrs[TANDEM_A_VERIFY_RUNNING] ? nla_get_u8(attrs[TANDEM_A_VERIFY_RUNNING]) : 0;
	v->vf_done = attrs[TANDEM_A_VERIFY_DONE] ? nla_get_u64(attrs[TANDEM_A_VERIFY_DONE]) : 0;
	v->vf_diff = attrs[TANDEM_A_VERIFY_DIFF] ? nla_get_u64(attrs[TANDEM_A_VERIFY_DIFF]) : 0;
	v->error[0] = '\0';
	if (attrs[TANDEM_A_LAST_ERROR])
		snprintf(v->error, sizeof(v->error), "%s", nla_get_string(attrs[TANDEM_A_LAST_ERROR]));
	return 0;
}

/* @name's status into @v; an exit code, said as @what's failure. */
static int get_sync_view(struct tdm_nl *nl, const char *name, struct sync_view *v,
			 const char *what)
{
	char why[512];
	int ret;

	memset(v, 0, sizeof(*v));
	ret = tdm_nl_status(nl, name, take_sync_view, v, why, sizeof(why));
	return ret ? tdm_report(what, ret, why) : TDM_EXIT_OK;
}

/*
 * Poll status until connected, no resync running, nothing out of sync and
 * both disks up to date. A connection that will not be retried (split
 * brain, unrelated data) fails at once.
 */
int cmd_wait_sync(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct timespec start, now;
	struct sync_view v;
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
		return ret == -ENOENT ? TDM_EXIT_NOTFOUND : TDM_EXIT_FAIL;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		ret = get_sync_view(&nl, name, &v, "wait-sync");
		if (ret)
			break;
		if (v.cstate == TANDEM_CONN_CONNECTED && v.sync == TANDEM_SYNC_STATE_NONE &&
		    !v.out_of_sync && v.disk == TANDEM_DISK_UPTODATE &&
		    v.peer_disk == TANDEM_DISK_UPTODATE) {
			ret = TDM_EXIT_OK;
			break;
		}
		if (v.cstate == TANDEM_CONN_STANDALONE) {
			fprintf(stderr, "tandemctl wait-sync %s: not connecting%s%s\n", name,
				v.error[0] ? ": " : "", v.error);
			ret = TDM_EXIT_FAIL;
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (timeout > 0 && (double)(now.tv_sec - start.tv_sec) +
				   (double)(now.tv_nsec - start.tv_nsec) / 1e9 >= timeout) {
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
int cmd_verify(int argc, char **argv)
{
	struct sync_view v;
	struct tdm_nl nl;
	const char *name;
	char what[128];
	int ret;

	optind = 1;
	if (argc > 1 && argv[1][0] == '-' && argv[1][1])
		return tdm_usage_error("verify", "unknown option '%s'", argv[1]);
	ret = tdm_take_name("verify", argc, argv, &name);
	if (ret)
		return ret;
	snprintf(what, sizeof(what), "verify %s", name);
	ret = tdm_do(what, TANDEM_CMD_VERIFY, name, NULL, NULL);
	if (ret)
		return ret;
	ret = tdm_nl_open(&nl);
	if (ret)
		return ret == -ENOENT ? TDM_EXIT_NOTFOUND : TDM_EXIT_FAIL;
	do {
		usleep(200 * 1000);
		ret = get_sync_view(&nl, name, &v, what);
	} while (!ret && v.vf_running);
	tdm_nl_close(&nl);
	if (ret)
		return ret;
	printf("%s: verify compared %" PRIu64 " MiB: %" PRIu64 " KiB differ%s\n", name,
	       v.vf_done >> 20, v.vf_diff >> 10,
	       v.vf_diff ? " (marked out of sync, resynced from this node on reconnect)" : "");
	return TDM_EXIT_OK;
}
