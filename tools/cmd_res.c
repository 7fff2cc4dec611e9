// SPDX-License-Identifier: GPL-2.0
/*
 * tandemctl: commands driven by the resource files: check-config, up, down,
 * adjust.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <netlink/attr.h>

#include "nl.h"
#include "resfile.h"
#include "tandemctl.h"
#include "tandem_netlink.h"

/* What up, down and adjust need to know of a resource in the kernel. */
struct tdm_res_state {
	int attached;
	uint32_t role, cstate, open_count;
	/* the connection, when there is one */
	uint32_t protocol, timeout_ms, resync_rate, congestion_limit;
	char local[64], peer[64];
};

static int take_state(struct nlattr **attrs, void *arg)
{
	struct tdm_res_state *st = arg;

#define U32(a) (attrs[a] ? nla_get_u32(attrs[a]) : 0)
	st->attached = 1;
	st->role = U32(TANDEM_A_ROLE);
	st->cstate = U32(TANDEM_A_CONN_STATE);
	st->open_count = U32(TANDEM_A_OPEN_COUNT);
	st->protocol = U32(TANDEM_A_PROTOCOL);
	st->timeout_ms = U32(TANDEM_A_TIMEOUT_MS);
	st->resync_rate = U32(TANDEM_A_RESYNC_RATE);
	st->congestion_limit = U32(TANDEM_A_CONGESTION_LIMIT);
#undef U32
	if (tdm_format_addr(attrs[TANDEM_A_LOCAL_ADDR], attrs[TANDEM_A_LOCAL_PORT],
			    st->local, sizeof(st->local)))
		st->local[0] = '\0';
	if (tdm_format_addr(attrs[TANDEM_A_PEER_ADDR], attrs[TANDEM_A_PEER_PORT],
			    st->peer, sizeof(st->peer)))
		st->peer[0] = '\0';
	return 0;
}

/* 0 (st filled in, attached or not), or an exit code after saying why. */
static int tdm_res_state(const char *name, struct tdm_res_state *st)
{
	char why[512], what[128];
	struct tdm_nl nl;
	int ret;

	memset(st, 0, sizeof(*st));
	ret = tdm_nl_open(&nl);
	if (ret)
		return ret == -ENOENT ? TDM_EXIT_NOTFOUND : TDM_EXIT_FAIL;
	ret = tdm_nl_status(&nl, name, take_state, st, why, sizeof(why));
	tdm_nl_close(&nl);
	if (ret == -ENOENT)
		return 0;
	snprintf(what, sizeof(what), "status %s", name);
	return ret ? tdm_report(what, ret, why) : 0;
}

/* The resources a command names: one, or "all" of the configuration. */
static int tdm_res_args(const char *cmd, int argc, char **argv, const struct tdm_cfg *cfg,
			const char **names, int *n)
{
	const char *name;
	int i, ret;

	optind = 1;
	if (argc > 1 && argv[1][0] == '-')
		return tdm_usage_error(cmd, "unknown option '%s'", argv[1]);
	if (argc == 2 && !strcmp(argv[1], "all")) {
		for (i = 0; i < cfg->nr_res; i++)
			names[i] = cfg->res[i].name;
		*n = cfg->nr_res;
		return 0;
	}
	ret = tdm_take_name(cmd, argc, argv, &name);
	if (ret)
		return ret;
	if (!tdm_cfg_find(cfg, name)) {
		fprintf(stderr, "tandemctl: no resource '%s' in the configuration\n", name);
		return TDM_EXIT_NOTFOUND;
	}
	names[0] = name;
	*n = 1;
	return 0;
}

int cmd_check_config(int argc, char **argv)
{
	struct tdm_local l;
	struct tdm_cfg cfg;
	int i, ret;

	(void)argv;
	if (argc > 1)
		return tdm_usage_error("check-config", "no arguments expected");
	ret = tdm_cfg_load(&cfg);
	if (ret)
		return ret;
	for (i = 0; i < cfg.nr_res; i++) {
		const struct tdm_cfg_res *r = &cfg.res[i];

		ret = tdm_cfg_local(&cfg, r->name, &l);
		if (ret)
			return ret;
		if (r->opts.secret_file[0] && tdm_secret_file_ok(r->opts.secret_file))
			return TDM_EXIT_CONFIG;
		printf("%s: minor %d, protocol %s, this node %s (disk %s, %s), peer %s (%s)%s\n",
		       r->name, r->minor, r->opts.protocol == TANDEM_PROTO_ASYNC ? "async" : "sync",
		       l.me->name, l.me->disk, l.me->address, l.peer->name, l.peer->address,
		       r->opts.secret_file[0] ? ", authenticated" : "");
	}
	return TDM_EXIT_OK;
}

/* Attach if detached, connect if standalone: up twice is up once. */
static int tdm_up_one(const struct tdm_cfg *cfg, const char *name)
{
	struct tdm_connect_args a = { .protocol = TANDEM_PROTO_SYNC };
	struct tdm_res_state st;
	struct tdm_local l;
	int ret;

	ret = tdm_cfg_local(cfg, name, &l) ?: tdm_res_state(name, &st);
	if (ret)
		return ret;
	if (!st.attached) {
		ret = tdm_attach_res(name, l.res->minor, l.me->disk);
		if (ret)
			return ret;
		st.cstate = TANDEM_CONN_STANDALONE;
	}
	if (st.cstate != TANDEM_CONN_STANDALONE)
		return 0;
	ret = tdm_connect_from_config(name, &a, 0);
	return ret ? ret : tdm_connect_res(name, &a);
}

/* Demote, disconnect, detach; refused while /dev/tandemN is open. */
static int tdm_down_one(const char *name)
{
	struct tdm_res_state st;
	char what[128];
	int ret;

	ret = tdm_res_state(name, &st);
	if (ret || !st.attached)
		return ret;
	if (st.open_count) {
		fprintf(stderr, "tandemctl: down %s: /dev/tandemN is open (mounted or in use); close it first\n",
			name);
		return TDM_EXIT_FAIL;
	}
	if (st.role == TANDEM_ROLE_PRIMARY) {
		snprintf(what, sizeof(what), "secondary %s", name);
		ret = tdm_do(what, TANDEM_CMD_SECONDARY, name, NULL, NULL);
		if (ret)
			return ret;
	}
	if (st.cstate != TANDEM_CONN_STANDALONE) {
		snprintf(what, sizeof(what), "disconnect %s", name);
		ret = tdm_do(what, TANDEM_CMD_DISCONNECT, name, NULL, NULL);
		if (ret)
			return ret;
	}
	snprintf(what, sizeof(what), "detach %s", name);
	return tdm_do(what, TANDEM_CMD_DETACH, name, NULL, NULL);
}

static int tdm_for_each(const char *cmd, int argc, char **argv,
			int (*fn)(const struct tdm_cfg *cfg, const char *name))
{
	const char *names[TDM_CFG_MAX_RES];
	struct tdm_cfg cfg;
	int i, n = 0, ret, worst = 0;

	ret = tdm_cfg_load(&cfg) ?: tdm_res_args(cmd, argc, argv, &cfg, names, &n);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		ret = fn(&cfg, names[i]);
		if (ret && !worst)
			worst = ret;
	}
	return worst;
}

/* A configured address as status shows it, so that both compare as strings. */
static void tdm_norm_addr(const char *addr, char *buf, size_t len)
{
	struct tdm_endpoint ep;
	char host[INET6_ADDRSTRLEN];

	if (tdm_parse_endpoint(addr, &ep) ||
	    !inet_ntop(ep.addr_len == 16 ? AF_INET6 : AF_INET, ep.addr, host, sizeof(host))) {
		snprintf(buf, len, "%s", addr);
		return;
	}
	snprintf(buf, len, ep.addr_len == 16 ? "[%s]:%u" : "%s:%u", host, ep.port);
}

struct tdm_options {
	uint32_t timeout_ms, resync_rate, congestion_limit;
};

static int put_options(struct nl_msg *msg, void *arg)
{
	struct tdm_options *o = arg;

	return nla_put_u32(msg, TANDEM_A_TIMEOUT_MS, o->timeout_ms) ||
	       nla_put_u32(msg, TANDEM_A_RESYNC_RATE, o->resync_rate) ||
	       nla_put_u32(msg, TANDEM_A_CONGESTION_LIMIT, o->congestion_limit);
}

/*
 * Bring a resource in line with its file: up what is down; on a connection,
 * change the options the module changes live, and say what else differs
 * (addresses, protocol: those need down and up).
 */
static int tdm_adjust_one(const struct tdm_cfg *cfg, const char *name)
{
	struct tdm_res_state st;
	struct tdm_options want;
	const struct tdm_cfg_opts *o;
	struct tdm_local l;
	char addr[64], what[128];
	uint32_t proto;
	int ret, stuck = 0;

	ret = tdm_cfg_local(cfg, name, &l) ?: tdm_res_state(name, &st);
	if (ret)
		return ret;
	if (!st.attached || st.cstate == TANDEM_CONN_STANDALONE)
		return tdm_up_one(cfg, name);
	o = &l.res->opts;
	proto = o->protocol ? (uint32_t)o->protocol : TANDEM_PROTO_SYNC;
	if (st.protocol != proto) {
		printf("%s: protocol is %s, the file says %s: not changed (down and up apply it)\n",
		       name, st.protocol == TANDEM_PROTO_ASYNC ? "async" : "sync",
		       proto == TANDEM_PROTO_ASYNC ? "async" : "sync");
		stuck = 1;
	}
	tdm_norm_addr(l.me->address, addr, sizeof(addr));
	if (strcmp(addr, st.local)) {
		printf("%s: local address is %s, the file says %s: not changed (down and up apply it)\n",
		       name, st.local, addr);
		stuck = 1;
	}
	tdm_norm_addr(l.peer->address, addr, sizeof(addr));
	if (strcmp(addr, st.peer)) {
		printf("%s: peer address is %s, the file says %s: not changed (down and up apply it)\n",
		       name, st.peer, addr);
		stuck = 1;
	}
	want.timeout_ms = o->timeout_ms ? o->timeout_ms : TANDEM_DEFAULT_TIMEOUT_MS;
	want.resync_rate = o->resync_rate;
	want.congestion_limit = o->congestion_limit ? o->congestion_limit :
				TANDEM_DEFAULT_CONGESTION_MIB;
	/* Status shows the congestion limit in async mode only. */
	if (st.protocol != TANDEM_PROTO_ASYNC)
		st.congestion_limit = want.congestion_limit;
	if (want.timeout_ms != st.timeout_ms || want.resync_rate != st.resync_rate ||
	    want.congestion_limit != st.congestion_limit) {
		snprintf(what, sizeof(what), "adjust %s", name);
		ret = tdm_do(what, TANDEM_CMD_NET_OPTIONS, name, put_options, &want);
		if (ret)
			return ret;
		if (want.timeout_ms != st.timeout_ms)
			printf("%s: timeout %u -> %u ms\n", name, st.timeout_ms, want.timeout_ms);
		if (want.resync_rate != st.resync_rate)
			printf("%s: resync-rate %u -> %u MiB/s (0: no limit)\n", name,
			       st.resync_rate, want.resync_rate);
		if (want.congestion_limit != st.congestion_limit)
			printf("%s: congestion-limit %u -> %u MiB\n", name, st.congestion_limit,
			       want.congestion_limit);
	}
	return stuck ? TDM_EXIT_FAIL : 0;
}

int cmd_adjust(int argc, char **argv)
{
	return tdm_for_each("adjust", argc, argv, tdm_adjust_one);
}

int cmd_up(int argc, char **argv)
{
	return tdm_for_each("up", argc, argv, tdm_up_one);
}

static int tdm_down_cfg(const struct tdm_cfg *cfg, const char *name)
{
	(void)cfg;
	return tdm_down_one(name);
}

int cmd_down(int argc, char **argv)
{
	return tdm_for_each("down", argc, argv, tdm_down_cfg);
}
