// SPDX-License-Identifier: GPL-2.0
/*
 * tandemctl vrrp-check: keepalived's track script for a service on a
 * tandem resource (tools/ha/keepalived.conf.example), in one process and
 * one netlink request. keepalived runs it every second and reads a check
 * that times out as a failed one: the serving node goes FAULT and steps
 * down. As a shell script, with its processes, the check took 5 s (p50)
 * and up to 15 s in a loaded VM; this costs one process start.
 *
 * It succeeds while this node's data is up to date. It is also the fence:
 * a backup (keepalived's last state, which tandem-vrrp's notify scripts
 * keep in RUN.state) whose replication link has been down for
 * --outdate-after seconds while keepalived still hears the master knows
 * the primary goes on writing without it, and outdates its own data; it
 * will not take over with stale data if the primary dies later.
 *
 * RUN is TANDEM_VRRP_RUNDIR (default /run) /tandem-vrrp-RES, as for
 * tandem-vrrp: RUN.lost holds since when (seconds since the epoch) the
 * link is down, RUN.warned when "not replicating" was last logged, and
 * RUN.log and syslog get each thing the check does.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "nl.h"
#include "tandemctl.h"
#include "vrrp.h"

struct vrrp_check {
	const char *name;
	long outdate_after;		/* seconds */
	char run[512];			/* RUN: the files' common prefix */
};

/* RUN@suffix, in @buf. */
static const char *run_file(const struct vrrp_check *c, const char *suffix, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", c->run, suffix);
	return buf;
}

static void vrrp_log(const struct vrrp_check *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* One line to RUN.log (after the time, as tandem-vrrp writes it) and to syslog. */
static void vrrp_log(const struct vrrp_check *c, const char *fmt, ...)
{
	struct timespec now;
	char path[600], msg[512];
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	clock_gettime(CLOCK_REALTIME, &now);
	f = fopen(run_file(c, ".log", path, sizeof(path)), "a");
	if (f) {
		fprintf(f, "%lld.%06ld %s check: %s\n", (long long)now.tv_sec,
			now.tv_nsec / 1000, c->name, msg);
		fclose(f);
	}
	openlog("tandem-vrrp", 0, LOG_USER);
	syslog(LOG_NOTICE, "%s check: %s", c->name, msg);
	closelog();
}

/* The number in RUN@suffix, or -1 if there is none. */
static long long read_stamp(const struct vrrp_check *c, const char *suffix)
{
	char path[600];
	long long v = -1;
	FILE *f;

	f = fopen(run_file(c, suffix, path, sizeof(path)), "r");
	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* keepalived's last state for this node is BACKUP: it hears a master. */
static bool is_backup(const struct vrrp_check *c)
{
	char path[600], word[16] = "";
	FILE *f;

	f = fopen(run_file(c, ".state", path, sizeof(path)), "r");
	if (!f)
		return false;
	if (fscanf(f, "%15s", word) != 1)
		word[0] = '\0';
	fclose(f);
	return !strcmp(word, "backup");
}

/* Outdate this node's data; 0, or -errno after logging why not. */
static int outdate(const struct vrrp_check *c, struct tdm_nl *nl)
{
	struct nl_msg *msg;
	char why[512] = "";
	int ret;

	msg = tdm_nl_new(nl, TANDEM_CMD_OUTDATE, 0);
	if (!msg || nla_put_string(msg, TANDEM_A_RES_NAME, c->name)) {
		nlmsg_free(msg);
		vrrp_log(c, "cannot outdate: out of memory");
		return -ENOMEM;
	}
	ret = tdm_nl_request(nl, msg, NULL, NULL, why, sizeof(why));
	if (ret)
		vrrp_log(c, "cannot outdate: %s", why[0] ? why : strerror(-ret));
	return ret;
}

/* A stamp file: written if @v >= 0, removed if not; if it changed. */
static void update_stamp(const struct vrrp_check *c, const char *suffix, long long old,
			 long long v)
{
	char path[600];

	FILE *f;

	if (v == old)
		return;
	if (v < 0) {
		unlink(run_file(c, suffix, path, sizeof(path)));
		return;
	}
	f = fopen(run_file(c, suffix, path, sizeof(path)), "w");
	if (!f)
		return;
	fprintf(f, "%lld\n", v);
	fclose(f);
}

/* TDM_EXIT_OK: this node may be (or stay) master; TDM_EXIT_FAIL: not. */
static int vrrp_check(const struct vrrp_check *c, struct tdm_nl *nl)
{
	long long now = time(NULL), lost, lost0, warned, warned0;
	enum tdm_vrrp_verdict v;
	struct tdm_status st;
	char why[512];

	if (tdm_nl_get_status(nl, c->name, &st, why, sizeof(why)))
		return TDM_EXIT_FAIL;
	warned = warned0 = read_stamp(c, ".warned");
	if (tdm_vrrp_warn_down(&st, now, &warned))
		vrrp_log(c, "not replicating for %llu s: the peer is no standby",
			 (unsigned long long)(st.down_ms / 1000));
	update_stamp(c, ".warned", warned0, warned);

	lost = lost0 = read_stamp(c, ".lost");
	v = tdm_vrrp_decide(&st, is_backup(c), now, c->outdate_after, &lost);
	if (v == TDM_VRRP_OUTDATE && !outdate(c, nl)) {
		vrrp_log(c, "replication link down for %ld s while the master is alive: data outdated",
			 c->outdate_after);
		lost = -1;
	}
	update_stamp(c, ".lost", lost0, lost);
	return v == TDM_VRRP_ELIGIBLE ? TDM_EXIT_OK : TDM_EXIT_FAIL;
}

int cmd_vrrp_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "outdate-after", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	struct vrrp_check c = { .outdate_after = 10 };
	const char *rundir;
	struct tdm_nl nl;
	char *end;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt != 'o')
			return tdm_usage_error("vrrp-check", "unknown option");
		errno = 0;
		c.outdate_after = strtol(optarg, &end, 10);
		if (errno || *end || end == optarg || c.outdate_after < 0 || c.outdate_after > 86400)
			return tdm_usage_error("vrrp-check", "--outdate-after is 0 to 86400 seconds");
	}
	ret = tdm_take_name("vrrp-check", argc, argv, &c.name);
	if (ret)
		return ret;
	rundir = getenv("TANDEM_VRRP_RUNDIR");
	snprintf(c.run, sizeof(c.run), "%s/tandem-vrrp-%s", rundir && *rundir ? rundir : "/run",
		 c.name);
	if (tdm_nl_open(&nl))
		return TDM_EXIT_FAIL;
	ret = vrrp_check(&c, &nl);
	tdm_nl_close(&nl);
	return ret;
}
