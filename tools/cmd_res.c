// SPDX-License-Identifier: GPL-2.0
/*
 * tandemctl: commands driven by the resource files: check-config, new-secret,
 * up, down, adjust.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <netlink/attr.h>

#include "nl.h"
#include "parse.h"
#include "print.h"
#include "resfile.h"
#include "tandemctl.h"
#include "tandem_netlink.h"
#include "core/names.h"

/* @name's status into @st (attached or not); 0, or an exit code after saying why. */
static int tdm_res_state(const char *name, struct tdm_status *st)
{
	char why[512], what[128];
	struct tdm_nl nl;
	int ret;

	ret = tdm_nl_open(&nl);
	if (ret)
		return tdm_exit_code(ret);
	ret = tdm_nl_get_status(&nl, name, st, why, sizeof(why));
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
		printf("%s: minor %d, protocol %s, this node %s (disk %s%s%s, %s), peer %s (%s)%s\n",
		       r->name, r->minor,
		       tdm_proto_name(r->opts.protocol ? r->opts.protocol : TANDEM_PROTO_SYNC),
		       l.me->name, l.me->disk, l.me->meta_disk[0] ? ", metadata on " : "",
		       l.me->meta_disk, l.me->address, l.peer->name, l.peer->address,
		       r->opts.secret_file[0] ? ", authenticated" : "");
	}
	return TDM_EXIT_OK;
}

/* Attach if detached, connect if standalone: up twice is up once. */
/* Write all of @buf to @fd, then sync it: 0, or -1 with errno. */
static int tdm_write_synced(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return fsync(fd);
}

/*
 * new-secret RES [--force]: a random shared secret (32 bytes from the
 * kernel's generator, as 64 hex digits and a newline) into the resource's
 * secret-file, mode 600, to be copied to the peer. An existing file is kept
 * unless --force: replacing it breaks the pair until the peer has the copy.
 */
int cmd_new_secret(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	static const char hexdigits[] = "0123456789abcdef";
	unsigned char raw[32];
	char hex[2 * sizeof(raw) + 1];
	const struct tdm_cfg_res *r;
	const char *name, *path;
	bool force = false;
	struct tdm_cfg cfg;
	int c, fd, ret;
	size_t i;

	while ((c = getopt_long(argc, argv, "f", opts, NULL)) != -1) {
		if (c != 'f')
			return tdm_usage_error("new-secret", "unknown option");
		force = true;
	}
	ret = tdm_take_name("new-secret", argc, argv, &name) ?: tdm_cfg_load(&cfg);
	if (ret)
		return ret;
	r = tdm_cfg_find(&cfg, name);
	if (!r) {
		fprintf(stderr, "tandemctl: new-secret: no resource %s in the resource files\n", name);
		return TDM_EXIT_NOTFOUND;
	}
	path = r->opts.secret_file;
	if (!path[0]) {
		fprintf(stderr, "tandemctl: new-secret: resource %s has no secret-file; add 'secret-file PATH;' to it first\n",
			name);
		return TDM_EXIT_CONFIG;
	}
	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw)) {
		fprintf(stderr, "tandemctl: new-secret: no random bytes: %s\n", strerror(errno));
		return TDM_EXIT_FAIL;
	}
	for (i = 0; i < sizeof(raw); i++) {
		hex[2 * i] = hexdigits[raw[i] >> 4];
		hex[2 * i + 1] = hexdigits[raw[i] & 15];
	}
	hex[sizeof(hex) - 1] = '\n';
	explicit_bzero(raw, sizeof(raw));
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (force ? O_TRUNC : O_EXCL), 0600);
	if (fd < 0) {
		ret = errno;
		explicit_bzero(hex, sizeof(hex));
		if (ret == EEXIST)
			fprintf(stderr, "tandemctl: new-secret: %s exists; --force replaces it (then copy it to the peer again)\n",
				path);
		else
			fprintf(stderr, "tandemctl: new-secret: %s: %s\n", path, strerror(ret));
		return TDM_EXIT_FAIL;
	}
	ret = fchmod(fd, 0600) || tdm_write_synced(fd, hex, sizeof(hex)) ? errno : 0;
	explicit_bzero(hex, sizeof(hex));
	if (close(fd) && !ret)
		ret = errno;
	if (ret) {
		fprintf(stderr, "tandemctl: new-secret: %s: %s\n", path, strerror(ret));
		return TDM_EXIT_FAIL;
	}
	printf("%s: a new secret in %s (mode 600); copy it to the same path on the peer\n", name, path);
	return TDM_EXIT_OK;
}

static int tdm_up_one(const struct tdm_cfg *cfg, const char *name)
{
	struct tdm_connect_args a = { .protocol = TANDEM_PROTO_SYNC };
	static struct tdm_disk_opts o;
	struct tdm_status st;
	struct tdm_local l;
	int ret;

	ret = tdm_cfg_local(cfg, name, &l) ?: tdm_res_state(name, &st);
	if (ret)
		return ret;
	if (!st.attached) {
		o.on_io_error = l.res->opts.on_io_error;
		o.disk_timeout_set = l.res->opts.disk_timeout_set;
		o.disk_timeout_ms = l.res->opts.disk_timeout_ms;
		memcpy(o.handlers, l.res->opts.handlers, sizeof(o.handlers));
		o.meta_disk = l.me->meta_disk[0] ? l.me->meta_disk : NULL;
		ret = tdm_attach_res(name, (uint32_t)l.res->minor, l.me->disk, &o);
		if (ret)
			return ret;
		st.conn_state = TANDEM_CONN_STANDALONE;
	}
	if (st.conn_state != TANDEM_CONN_STANDALONE)
		return 0;
	ret = tdm_connect_from_config(name, &a, 0);
	return ret ? ret : tdm_connect_res(name, &a);
}

/* Demote, disconnect, detach; refused while /dev/tandemN is open. */
static int tdm_down_one(const char *name)
{
	struct tdm_status st;
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
		ret = tdm_nl_do(what, TANDEM_CMD_SECONDARY, name, NULL, NULL);
		if (ret)
			return ret;
	}
	if (st.conn_state != TANDEM_CONN_STANDALONE) {
		snprintf(what, sizeof(what), "disconnect %s", name);
		ret = tdm_nl_do(what, TANDEM_CMD_DISCONNECT, name, NULL, NULL);
		if (ret)
			return ret;
	}
	snprintf(what, sizeof(what), "detach %s", name);
	return tdm_nl_do(what, TANDEM_CMD_DETACH, name, NULL, NULL);
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

/*
 * Whether the kernel's endpoint @ep is the file's @addr; if not, say so (a
 * change that needs down and up).
 */
static bool tdm_adjust_addr(const char *name, const char *which,
			    const struct tdm_endpoint *ep, const char *addr)
{
	char have[64], want[64];
	struct tdm_endpoint file;

	tdm_format_endpoint(ep, have, sizeof(have));
	if (tdm_parse_endpoint(addr, &file))
		snprintf(want, sizeof(want), "%s", addr);
	else
		tdm_format_endpoint(&file, want, sizeof(want));
	if (!strcmp(have, want))
		return true;
	printf("%s: %s address is %s, the file says %s: not changed (down and up apply it)\n",
	       name, which, have, want);
	return false;
}

/* What adjust cannot change live: handlers, protocol, addresses, fencing. 0, or 1 if any differs. */
static int tdm_adjust_fixed(const char *name, const struct tdm_status *st,
			    const struct tdm_local *l)
{
	uint32_t proto = l->res->opts.protocol ? l->res->opts.protocol : TANDEM_PROTO_SYNC;
	uint32_t fencing = l->res->opts.fencing ? l->res->opts.fencing : TANDEM_FENCING_NONE;
	const char *handler = fencing == TANDEM_FENCING_NONE ? "" : l->res->opts.fence_peer;
	int i, stuck = 0;

	for (i = 1; i < __TANDEM_HANDLER_MAX; i++) {
		if (!strcmp(st->handlers[i], l->res->opts.handlers[i]))
			continue;
		printf("%s: handler %s is %s, the file says %s: not changed (down and up apply it)\n",
		       name, tdm_handler_name(i), st->handlers[i][0] ? st->handlers[i] : "none",
		       l->res->opts.handlers[i][0] ? l->res->opts.handlers[i] : "none");
		stuck = 1;
	}

	if ((st->fencing ? st->fencing : TANDEM_FENCING_NONE) != fencing ||
	    strcmp(st->fence_peer, handler)) {
		printf("%s: fencing is %s%s%s, the file says %s%s%s: not changed (disconnect and connect apply it)\n",
		       name, tdm_fencing_name(st->fencing ? st->fencing : TANDEM_FENCING_NONE),
		       st->fence_peer[0] ? ", fence-peer " : "", st->fence_peer,
		       tdm_fencing_name(fencing), handler[0] ? ", fence-peer " : "", handler);
		stuck = 1;
	}

	if (st->protocol != proto) {
		printf("%s: protocol is %s, the file says %s: not changed (down and up apply it)\n",
		       name, tdm_proto_name(st->protocol), tdm_proto_name(proto));
		stuck = 1;
	}
	if (!tdm_adjust_addr(name, "local", &st->local, l->me->address))
		stuck = 1;
	if (!tdm_adjust_addr(name, "peer", &st->peer, l->peer->address))
		stuck = 1;
	return stuck;
}

struct tdm_options {
	uint32_t timeout_ms, resync_rate, congestion_limit, ko_count;
};

static int put_options(struct nl_msg *msg, void *arg)
{
	struct tdm_options *o = arg;

	return nla_put_u32(msg, TANDEM_A_TIMEOUT_MS, o->timeout_ms) ||
	       nla_put_u32(msg, TANDEM_A_RESYNC_RATE, o->resync_rate) ||
	       nla_put_u32(msg, TANDEM_A_CONGESTION_LIMIT, o->congestion_limit) ||
	       nla_put_u32(msg, TANDEM_A_KO_COUNT, o->ko_count);
}

/* Change the options the module changes live to the file's, saying what changed. */
static int tdm_adjust_options(const char *name, const struct tdm_status *st,
			      const struct tdm_cfg_opts *o)
{
	struct tdm_options have = {
		st->timeout_ms, st->resync_rate, st->congestion_limit, st->ko_count,
	};
	struct tdm_options want = {
		o->timeout_ms ? o->timeout_ms : TANDEM_TIMEOUT_MS_DEF,
		o->resync_rate,
		o->congestion_limit ? o->congestion_limit : TANDEM_CONGESTION_MIB_DEF,
		o->ko_count,
	};
	char what[128];
	int ret;

	/* Status shows the congestion limit in async mode only. */
	if (st->protocol != TANDEM_PROTO_ASYNC)
		have.congestion_limit = want.congestion_limit;
	if (!memcmp(&have, &want, sizeof(have)))
		return 0;
	snprintf(what, sizeof(what), "adjust %s", name);
	ret = tdm_nl_do(what, TANDEM_CMD_NET_OPTIONS, name, put_options, &want);
	if (ret)
		return ret;
	if (want.timeout_ms != have.timeout_ms)
		printf("%s: timeout %u -> %u ms\n", name, have.timeout_ms, want.timeout_ms);
	if (want.resync_rate != have.resync_rate)
		printf("%s: resync-rate %u -> %u MiB/s (0: no limit)\n", name,
		       have.resync_rate, want.resync_rate);
	if (want.congestion_limit != have.congestion_limit)
		printf("%s: congestion-limit %u -> %u MiB\n", name, have.congestion_limit,
		       want.congestion_limit);
	if (want.ko_count != have.ko_count)
		printf("%s: ko-count %u -> %u timeouts (0: off)\n", name, have.ko_count,
		       want.ko_count);
	return 0;
}

/*
 * Bring a resource in line with its file: up what is down; on a connection,
 * change the options the module changes live, and say what else differs
 * (addresses, protocol, fencing: those need a new connect).
 */
static int tdm_adjust_one(const struct tdm_cfg *cfg, const char *name)
{
	struct tdm_status st;
	struct tdm_local l;
	int ret, stuck;

	ret = tdm_cfg_local(cfg, name, &l) ?: tdm_res_state(name, &st);
	if (ret)
		return ret;
	if (!st.attached || st.conn_state == TANDEM_CONN_STANDALONE)
		return tdm_up_one(cfg, name);
	stuck = tdm_adjust_fixed(name, &st, &l);
	ret = tdm_adjust_options(name, &st, &l.res->opts);
	return ret ? ret : stuck ? TDM_EXIT_FAIL : 0;
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
