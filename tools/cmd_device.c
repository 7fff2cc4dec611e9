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

#include "tandemctl.h"
#include "nl.h"
#include "output.h"
#include "tandem_netlink.h"
#include "core/names.h"

/* A resource name from the command line, checked with the module's own rules. */
static int take_name(const char *cmd, int argc, char **argv, const char **name)
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
static char *resolve_disk(const char *spec)
{
	char *path;

	if (strchr(spec, '=') && spec[0] != '/' && spec[0] != '.')
		return blkid_evaluate_tag(spec, NULL, NULL);
	path = realpath(spec, NULL);
	return path ? path : strdup(spec);
}

/* Send a request that has no reply but an ack; report failure on @what. */
static int simple_request(struct nl_msg *msg, struct tdm_nl *nl, const char *what)
{
	char why[512];
	int ret;

	ret = tdm_nl_request(nl, msg, NULL, NULL, why, sizeof(why));
	if (ret)
		return tdm_report(what, ret, why);
	return TDM_EXIT_OK;
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
	char what[128 + PATH_MAX];
	struct tdm_nl nl;
	struct nl_msg *msg;
	char *disk, *end;
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
	ret = take_name("attach", argc, argv, &name);
	if (ret)
		return ret;
	if (minor < 0)
		return tdm_usage_error("attach", "missing --minor");
	if (!disk_spec || !disk_spec[0])
		return tdm_usage_error("attach", "missing --disk");

	disk = resolve_disk(disk_spec);
	if (!disk) {
		fprintf(stderr, "tandemctl: attach %s: no disk has %s\n", name, disk_spec);
		return TDM_EXIT_NOTFOUND;
	}
	if (strlen(disk) >= TANDEM_PATH_MAX) {
		free(disk);
		return tdm_usage_error("attach", "disk path is too long");
	}
	snprintf(what, sizeof(what), "attach %s (disk %s, minor %ld)", name, disk, minor);

	ret = tdm_nl_open(&nl);
	if (ret) {
		free(disk);
		return ret == -ENOENT ? TDM_EXIT_NOTFOUND : TDM_EXIT_FAIL;
	}
	msg = tdm_nl_new(&nl, TANDEM_CMD_ATTACH, 0);
	if (!msg || nla_put_string(msg, TANDEM_A_RES_NAME, name) ||
	    nla_put_u32(msg, TANDEM_A_MINOR, (uint32_t)minor) ||
	    nla_put_string(msg, TANDEM_A_DISK, disk)) {
		nlmsg_free(msg);
		ret = tdm_report(what, -ENOMEM, NULL);
	} else {
		ret = simple_request(msg, &nl, what);
	}
	tdm_nl_close(&nl);
	free(disk);
	return ret;
}

int cmd_detach(int argc, char **argv)
{
	char what[128];
	const char *name;
	struct tdm_nl nl;
	struct nl_msg *msg;
	int ret;

	optind = 1;
	if (argc > 1 && argv[1][0] == '-' && argv[1][1])
		return tdm_usage_error("detach", "unknown option '%s'", argv[1]);
	ret = take_name("detach", argc, argv, &name);
	if (ret)
		return ret;
	snprintf(what, sizeof(what), "detach %s", name);
	ret = tdm_nl_open(&nl);
	if (ret)
		return ret == -ENOENT ? TDM_EXIT_NOTFOUND : TDM_EXIT_FAIL;
	msg = tdm_nl_new(&nl, TANDEM_CMD_DETACH, 0);
	if (!msg || nla_put_string(msg, TANDEM_A_RES_NAME, name)) {
		nlmsg_free(msg);
		ret = tdm_report(what, -ENOMEM, NULL);
	} else {
		ret = simple_request(msg, &nl, what);
	}
	tdm_nl_close(&nl);
	return ret;
}

static uint64_t get_u64(struct nlattr **tb, int attr)
{
	return tb[attr] ? nla_get_u64(tb[attr]) : 0;
}

static int print_status(struct nlattr **attrs, void *arg)
{
	struct nlattr *st[TANDEM_STAT_MAX + 1];
	int *count = arg;

	if (!attrs[TANDEM_A_RES_NAME])
		return -EPROTO;
	out_obj_begin(NULL);
	out_str("name", nla_get_string(attrs[TANDEM_A_RES_NAME]));
	if (attrs[TANDEM_A_MINOR]) {
		char dev[32];

		out_u64("minor", nla_get_u32(attrs[TANDEM_A_MINOR]));
		snprintf(dev, sizeof(dev), "/dev/tandem%u", nla_get_u32(attrs[TANDEM_A_MINOR]));
		out_str("device", dev);
	}
	if (attrs[TANDEM_A_DISK])
		out_str("disk", nla_get_string(attrs[TANDEM_A_DISK]));
	out_bytes("size", get_u64(attrs, TANDEM_A_SIZE));
	if (attrs[TANDEM_A_OPEN_COUNT])
		out_u64("open_count", nla_get_u32(attrs[TANDEM_A_OPEN_COUNT]));
	if (attrs[TANDEM_A_STATS] &&
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
	}
	out_obj_end();
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
	struct nl_msg *msg;
	int c, ret, count = 0;

	while ((c = getopt_long(argc, argv, "j", opts, NULL)) != -1) {
		if (c != 'j')
			return tdm_usage_error("status", "unknown option");
		json = true;
	}
	if (optind < argc) {
		ret = take_name("status", argc, argv, &name);
		if (ret)
			return ret;
	}
	ret = tdm_nl_open(&nl);
	if (ret)
		return ret == -ENOENT ? TDM_EXIT_NOTFOUND : TDM_EXIT_FAIL;
	msg = tdm_nl_new(&nl, TANDEM_CMD_STATUS, name == NULL);
	if (!msg || (name && nla_put_string(msg, TANDEM_A_RES_NAME, name))) {
		nlmsg_free(msg);
		tdm_nl_close(&nl);
		return tdm_report("status", -ENOMEM, NULL);
	}
	out_init(json);
	if (!name)
		out_list_begin();
	ret = tdm_nl_request(&nl, msg, print_status, &count, why, sizeof(why));
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
