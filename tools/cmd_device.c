// SPDX-License-Identifier: GPL-2.0
/*
 * tandemctl: attach, detach, status.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <blkid/blkid.h>

#include "resfile.h"
#include "tandemctl.h"
#include "nl.h"
#include "output.h"
#include "tandem_netlink.h"
#include "core/names.h"

/* A resource name from the command line, checked with the module's own rules. */
int tdm_take_name(const char *cmd, int argc, char **argv, const char **name)
{
	enum tdm_name_err err;

	if (optind >= argc)
		return tdm_usage_error(cmd, "missing resource name");
	if (optind + 1 < argc)
		return tdm_usage_error(cmd, "unexpected argument '%s'", argv[optind + 1]);
	*name = argv[optind];
	err = tdm_name_check(*name);
	if (err != TDM_NAME_OK)
		return tdm_usage_error(cmd, "'%s': %s", *name, tdm_name_strerror(err));
	return TDM_EXIT_OK;
}

/*
 * The backing disk: a path (made absolute, so status shows where it is), or a
 * UUID=, PARTUUID= or LABEL= tag resolved with libblkid. A path that does not
 * resolve is passed on as given: the module says what is wrong with it.
 */
char *tdm_resolve_disk(const char *spec)
{
	char *path;

	if (strchr(spec, '=') && spec[0] != '/' && spec[0] != '.')
		return blkid_evaluate_tag(spec, NULL, NULL);
	path = realpath(spec, NULL);
	return path ? path : strdup(spec);
}

int tdm_do(const char *what, int cmd, const char *name,
	   int (*put)(struct nl_msg *msg, void *arg), void *arg)
{
	char why[512];
	struct tdm_nl nl;
	struct nl_msg *msg;
	int ret;

	ret = tdm_nl_open(&nl);
	if (ret)
		return ret == -ENOENT ? TDM_EXIT_NOTFOUND : TDM_EXIT_FAIL;
	msg = tdm_nl_new(&nl, cmd, 0);
	if (!msg || nla_put_string(msg, TANDEM_A_RES_NAME, name) || (put && put(msg, arg))) {
		nlmsg_free(msg);
		tdm_nl_close(&nl);
		return tdm_report(what, -ENOMEM, NULL);
	}
	ret = tdm_nl_request(&nl, msg, NULL, NULL, why, sizeof(why));
	tdm_nl_close(&nl);
	return ret ? tdm_report(what, ret, why) : TDM_EXIT_OK;
}

struct attach_args {
	uint32_t minor;
	const char *disk;
};

static int put_attach(struct nl_msg *msg, void *arg)
{
	struct attach_args *a = arg;

	return nla_put_u32(msg, TANDEM_A_MINOR, a->minor) ||
	       nla_put_string(msg, TANDEM_A_DISK, a->disk);
}

int cmd_attach(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "minor", required_argument, NULL, 'm' },
		{ "disk", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name, *disk_spec = NULL;
	long minor = -1;
	struct tdm_local l;
	struct tdm_cfg cfg;
	char *end;
	int c, ret;

	while ((c = getopt_long(argc, argv, "m:d:", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			errno = 0;
			minor = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || minor < 0 ||
			    minor > TANDEM_MINOR_MAX)
				return tdm_usage_error("attach", "--minor must be a number from 0 to %d",
						       TANDEM_MINOR_MAX);
			break;
		case 'd':
			disk_spec = optarg;
			break;
		default:
			return tdm_usage_error("attach", "unknown option");
		}
	}
	ret = tdm_take_name("attach", argc, argv, &name);
	if (ret)
		return ret;
	if (disk_spec && !disk_spec[0])
		return tdm_usage_error("attach", "--disk is empty");
	if (minor >= 0 && disk_spec)
		return tdm_attach_res(name, minor, disk_spec);
	if (minor >= 0 || disk_spec)
		return tdm_usage_error("attach", "missing %s (or neither: both from the resource file)",
				       minor < 0 ? "--minor" : "--disk");
	ret = tdm_cfg_load(&cfg) ?: tdm_cfg_local(&cfg, name, &l);
	if (ret)
		return ret;
	return tdm_attach_res(name, l.res->minor, l.me->disk);
}

int tdm_attach_res(const char *name, long minor, const char *disk_spec)
{
	char what[128 + PATH_MAX];
	struct attach_args a;
	char *disk;
	int ret;

	disk = tdm_resolve_disk(disk_spec);
	if (!disk) {
		fprintf(stderr, "tandemctl: attach %s: no disk has %s\n", name, disk_spec);
		return TDM_EXIT_NOTFOUND;
	}
	if (strlen(disk) >= TANDEM_PATH_MAX) {
		free(disk);
		return tdm_usage_error("attach", "disk path is too long");
	}
	snprintf(what, sizeof(what), "attach %s (disk %s, minor %ld)", name, disk, minor);
	a.minor = (uint32_t)minor;
	a.disk = disk;
	ret = tdm_do(what, TANDEM_CMD_ATTACH, name, put_attach, &a);
	free(disk);
	return ret;
}

int cmd_detach(int argc, char **argv)
{
	return tdm_name_only_cmd("detach", TANDEM_CMD_DETACH, argc, argv);
}

int tdm_name_only_cmd(const char *cmdname, int cmd, int argc, char **argv)
{
	char what[128];
	const char *name;
	int ret;

	optind = 1;
	if (argc > 1 && argv[1][0] == '-' && argv[1][1])
		return tdm_usage_error(cmdname, "unknown option '%s'", argv[1]);
	ret = tdm_take_name(cmdname, argc, argv, &name);
	if (ret)
		return ret;
	snprintf(what, sizeof(what), "%s %s", cmdname, name);
	return tdm_do(what, cmd, name, NULL, NULL);
}

static uint64_t get_u64(struct nlattr **tb, int attr)
{
	return tb[attr] ? nla_get_u64(tb[attr]) : 0;
}

static const char *enum_name(struct nlattr *a, const char *const *names, unsigned int n)
{
	uint32_t v = a ? nla_get_u32(a) : 0;

	return v < n && names[v] ? names[v] : "unknown";
}

/* The resync: state, and while one runs, progress, speed and time left. */
static void print_sync(struct nlattr **attrs)
{
	static const char *const states[] = {
		[TANDEM_SYNC_STATE_NONE] = "none", [TANDEM_SYNC_STATE_SOURCE] = "source",
		[TANDEM_SYNC_STATE_TARGET] = "target", [TANDEM_SYNC_STATE_AHEAD] = "ahead",
	};
	uint64_t total = get_u64(attrs, TANDEM_A_SYNC_TOTAL), done = get_u64(attrs, TANDEM_A_SYNC_DONE);
	uint64_t left = get_u64(attrs, TANDEM_A_OUT_OF_SYNC), speed = 0;
	uint32_t ms = attrs[TANDEM_A_SYNC_ELAPSED_MS] ?
		      nla_get_u32(attrs[TANDEM_A_SYNC_ELAPSED_MS]) : 0;
	char pct[16];

	out_state("sync", enum_name(attrs[TANDEM_A_SYNC_STATE], states, sizeof(states) / sizeof(states[0])));
	if (!attrs[TANDEM_A_SYNC_TOTAL])
		return;
	snprintf(pct, sizeof(pct), "%.1f", total ? 100.0 * (double)(total - (left < total ? left : total)) /
					    (double)total : 100.0);
	out_str("sync_percent", pct);
	out_bytes("sync_done", done);
	if (ms)
		speed = done * 1000 / ms;
	out_bytes(out_is_json() ? "sync_speed" : "sync_speed/s", speed);
	if (speed)
		out_u64("sync_eta_s", left / speed);
}

static void print_replication(struct nlattr **attrs)
{
	static const char *const roles[] = {
		[TANDEM_ROLE_SECONDARY] = "secondary", [TANDEM_ROLE_PRIMARY] = "primary",
	};
	static const char *const disks[] = {
		[TANDEM_DISK_INCONSISTENT] = "inconsistent", [TANDEM_DISK_OUTDATED] = "outdated",
		[TANDEM_DISK_CONSISTENT] = "consistent", [TANDEM_DISK_UPTODATE] = "uptodate",
	};
	static const char *const conns[] = {
		[TANDEM_CONN_STANDALONE] = "standalone", [TANDEM_CONN_CONNECTING] = "connecting",
		[TANDEM_CONN_CONNECTED] = "connected",
	};
	static const char *const protos[] = {
		[TANDEM_PROTO_ASYNC] = "async", [TANDEM_PROTO_SYNC] = "sync",
	};
#define N(a) (sizeof(a) / sizeof(a[0]))
	char addr[INET6_ADDRSTRLEN + 16];

	out_state("role", enum_name(attrs[TANDEM_A_ROLE], roles, N(roles)));
	out_state("disk_state", enum_name(attrs[TANDEM_A_DISK_STATE], disks, N(disks)));
	out_state("connection", enum_name(attrs[TANDEM_A_CONN_STATE], conns, N(conns)));
	if (attrs[TANDEM_A_PROTOCOL])
		out_str("protocol", enum_name(attrs[TANDEM_A_PROTOCOL], protos, N(protos)));
	if (!tdm_format_addr(attrs[TANDEM_A_LOCAL_ADDR], attrs[TANDEM_A_LOCAL_PORT],
			     addr, sizeof(addr)))
		out_str("local", addr);
	if (!tdm_format_addr(attrs[TANDEM_A_PEER_ADDR], attrs[TANDEM_A_PEER_PORT],
			     addr, sizeof(addr)))
		out_str("peer", addr);
	if (attrs[TANDEM_A_PEER_ROLE])
		out_state("peer_role", enum_name(attrs[TANDEM_A_PEER_ROLE], roles, N(roles)));
	if (attrs[TANDEM_A_PEER_DISK_STATE])
		out_state("peer_disk_state", enum_name(attrs[TANDEM_A_PEER_DISK_STATE], disks, N(disks)));
	if (attrs[TANDEM_A_RESYNC_RATE])
		out_u64("resync_rate_mib", nla_get_u32(attrs[TANDEM_A_RESYNC_RATE]));
	if (attrs[TANDEM_A_TIMEOUT_MS])
		out_u64("timeout_ms", nla_get_u32(attrs[TANDEM_A_TIMEOUT_MS]));
	if (attrs[TANDEM_A_CONGESTION_LIMIT])
		out_u64("congestion_limit_mib", nla_get_u32(attrs[TANDEM_A_CONGESTION_LIMIT]));
	if (attrs[TANDEM_A_AUTHENTICATED])
		out_str("authentication", nla_get_u8(attrs[TANDEM_A_AUTHENTICATED]) ?
			"hmac-sha256" : "none");
	if (attrs[TANDEM_A_LAST_ERROR])
		out_str("last_error", nla_get_string(attrs[TANDEM_A_LAST_ERROR]));
	out_bytes("out_of_sync", get_u64(attrs, TANDEM_A_OUT_OF_SYNC));
	if (attrs[TANDEM_A_SYNC_STATE])
		print_sync(attrs);
	if (attrs[TANDEM_A_VERIFY_TOTAL]) {
		uint64_t total = get_u64(attrs, TANDEM_A_VERIFY_TOTAL);
		char pct[16];

		out_str("verify", attrs[TANDEM_A_VERIFY_RUNNING] &&
			nla_get_u8(attrs[TANDEM_A_VERIFY_RUNNING]) ? "running" : "done");
		snprintf(pct, sizeof(pct), "%.1f",
			 total ? 100.0 * (double)get_u64(attrs, TANDEM_A_VERIFY_DONE) / (double)total : 0.0);
		out_str("verify_percent", pct);
		out_bytes("verify_diff", get_u64(attrs, TANDEM_A_VERIFY_DIFF));
	}
#undef N
}

void tdm_print_resource(struct nlattr **attrs, const char *event)
{
	struct nlattr *st[TANDEM_STAT_MAX + 1];
	char dev[32];

	out_obj_begin(NULL);
	if (event)
		out_str("event", event);
	out_str("name", nla_get_string(attrs[TANDEM_A_RES_NAME]));
	if (!attrs[TANDEM_A_MINOR]) {
		/* A detach event names the resource alone. */
		out_obj_end();
		return;
	}
	out_u64("minor", nla_get_u32(attrs[TANDEM_A_MINOR]));
	snprintf(dev, sizeof(dev), "/dev/tandem%u", nla_get_u32(attrs[TANDEM_A_MINOR]));
	out_str("device", dev);
	if (attrs[TANDEM_A_DISK])
		out_str("disk", nla_get_string(attrs[TANDEM_A_DISK]));
	out_bytes("size", get_u64(attrs, TANDEM_A_SIZE));
	if (attrs[TANDEM_A_OPEN_COUNT])
		out_u64("open_count", nla_get_u32(attrs[TANDEM_A_OPEN_COUNT]));
	print_replication(attrs);
	if (!event && attrs[TANDEM_A_STATS] &&
	    !nla_parse_nested(st, TANDEM_STAT_MAX, attrs[TANDEM_A_STATS], NULL)) {
		out_obj_begin("io");
		out_u64("reads", get_u64(st, TANDEM_STAT_READS));
		out_bytes("read_bytes", get_u64(st, TANDEM_STAT_READ_BYTES));
		out_u64("writes", get_u64(st, TANDEM_STAT_WRITES));
		out_bytes("write_bytes", get_u64(st, TANDEM_STAT_WRITE_BYTES));
		out_u64("flushes", get_u64(st, TANDEM_STAT_FLUSHES));
		out_u64("discards", get_u64(st, TANDEM_STAT_DISCARDS));
		out_u64("errors", get_u64(st, TANDEM_STAT_ERRORS));
		out_obj_end();
		if (attrs[TANDEM_A_CONN_STATE] &&
		    nla_get_u32(attrs[TANDEM_A_CONN_STATE]) != TANDEM_CONN_STANDALONE) {
			out_obj_begin("net");
			out_u64("pending", get_u64(st, TANDEM_STAT_NET_PENDING));
			out_u64("unacked", get_u64(st, TANDEM_STAT_NET_UNACKED));
			out_u64("sent", get_u64(st, TANDEM_STAT_NET_SENT));
			out_bytes("sent_bytes", get_u64(st, TANDEM_STAT_NET_SENT_BYTES));
			out_u64("received", get_u64(st, TANDEM_STAT_NET_RECEIVED));
			out_bytes("received_bytes", get_u64(st, TANDEM_STAT_NET_RECEIVED_BYTES));
			out_obj_end();
		}
	}
	out_obj_end();
}

static int print_status(struct nlattr **attrs, void *arg)
{
	int *count = arg;

	if (!attrs[TANDEM_A_RES_NAME] || !attrs[TANDEM_A_MINOR])
		return -EPROTO;
	tdm_print_resource(attrs, NULL);
	(*count)++;
	return 0;
}

int cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = NULL;
	bool json = false;
	char why[512], what[128];
	struct tdm_nl nl;
	int c, ret, count = 0;

	while ((c = getopt_long(argc, argv, "j", opts, NULL)) != -1) {
		if (c != 'j')
			return tdm_usage_error("status", "unknown option");
		json = true;
	}
	if (optind < argc) {
		ret = tdm_take_name("status", argc, argv, &name);
		if (ret)
			return ret;
	}
	ret = tdm_nl_open(&nl);
	if (ret)
		return ret == -ENOENT ? TDM_EXIT_NOTFOUND : TDM_EXIT_FAIL;
	out_init(json);
	if (!name)
		out_list_begin();
	ret = tdm_nl_status(&nl, name, print_status, &count, why, sizeof(why));
	if (!name)
		out_list_end();
	tdm_nl_close(&nl);
	if (ret) {
		snprintf(what, sizeof(what), "status %s", name ? name : "");
		return tdm_report(what, ret, why);
	}
	if (!name && !count && !json)
		printf("no resources\n");
	return TDM_EXIT_OK;
}

struct udev_name {
	unsigned long minor;
	char name[TANDEM_NAME_MAX];
};

static int take_udev_name(struct nlattr **attrs, void *arg)
{
	struct udev_name *u = arg;

	if (attrs[TANDEM_A_MINOR] && attrs[TANDEM_A_RES_NAME] &&
	    nla_get_u32(attrs[TANDEM_A_MINOR]) == u->minor)
		snprintf(u->name, sizeof(u->name), "%s", nla_get_string(attrs[TANDEM_A_RES_NAME]));
	return 0;
}

/* For the udev rule: the resource behind kernel device tandemN. */
int cmd_udev_name(int argc, char **argv)
{
	struct udev_name u = { 0 };
	const char *dev;
	char why[512], *end;
	struct tdm_nl nl;
	int ret;

	if (argc != 2)
		return tdm_usage_error("udev-name", "one device name expected");
	dev = strrchr(argv[1], '/') ? strrchr(argv[1], '/') + 1 : argv[1];
	if (strncmp(dev, "tandem", 6))
		return tdm_usage_error("udev-name", "'%s' is not a tandem device", argv[1]);
	errno = 0;
	u.minor = strtoul(dev + 6, &end, 10);
	if (errno || *end || end == dev + 6 || u.minor > TANDEM_MINOR_MAX)
		return tdm_usage_error("udev-name", "'%s' is not a tandem device", argv[1]);
	ret = tdm_nl_open(&nl);
	if (ret)
		return ret == -ENOENT ? TDM_EXIT_NOTFOUND : TDM_EXIT_FAIL;
	ret = tdm_nl_status(&nl, NULL, take_udev_name, &u, why, sizeof(why));
	tdm_nl_close(&nl);
	if (ret)
		return tdm_report("udev-name", ret, why);
	if (!u.name[0]) {
		fprintf(stderr, "tandemctl: udev-name: no resource has minor %lu\n", u.minor);
		return TDM_EXIT_NOTFOUND;
	}
	printf("%s\n", u.name);
	return TDM_EXIT_OK;
}
