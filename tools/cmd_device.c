// SPDX-License-Identifier: GPL-2.0
/*
 * tandemctl: attach, detach, status, udev-name.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <blkid/blkid.h>

#include "nl.h"
#include "output.h"
#include "parse.h"
#include "print.h"
#include "resfile.h"
#include "tandemctl.h"
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

struct attach_args {
	uint32_t minor;
	const char *disk;
	const char *meta_disk;		/* NULL: internal metadata */
	const struct tdm_disk_opts *o;
};

/* The handlers set, as TANDEM_A_HANDLERS (none: not sent). */
static int put_handlers(struct nl_msg *msg, const tdm_handler_paths *h)
{
	struct nlattr *nest = NULL;
	int i;

	for (i = 1; h && i < __TANDEM_HANDLER_MAX; i++) {
		if (!(*h)[i][0])
			continue;
		if (!nest)
			nest = nla_nest_start(msg, TANDEM_A_HANDLERS);
		if (!nest || nla_put_string(msg, i, (*h)[i]))
			return -1;
	}
	if (nest)
		nla_nest_end(msg, nest);
	return 0;
}

static int put_attach(struct nl_msg *msg, void *arg)
{
	struct attach_args *a = arg;

	return nla_put_u32(msg, TANDEM_A_MINOR, a->minor) ||
	       nla_put_string(msg, TANDEM_A_DISK, a->disk) ||
	       (a->meta_disk && nla_put_string(msg, TANDEM_A_META_DISK, a->meta_disk)) ||
	       (a->o->former_size && nla_put_u64(msg, TANDEM_A_FORMER_SIZE, a->o->former_size)) ||
	       (a->o->on_io_error && nla_put_u32(msg, TANDEM_A_ON_IO_ERROR, a->o->on_io_error)) ||
	       (a->o->disk_timeout_set &&
		nla_put_u32(msg, TANDEM_A_DISK_TIMEOUT_MS, a->o->disk_timeout_ms)) ||
	       put_handlers(msg, &a->o->handlers);
}

/* --handler NAME=PATH into @h. */
static int parse_handler(const char *arg, tdm_handler_paths *h)
{
	const char *eq = strchr(arg, '=');
	char name[32];
	uint32_t which;

	if (!eq || (size_t)(eq - arg) >= sizeof(name))
		return tdm_usage_error("attach", "--handler is NAME=PATH");
	snprintf(name, sizeof(name), "%.*s", (int)(eq - arg), arg);
	which = tdm_handler_value(name);
	if (!which)
		return tdm_usage_error("attach", "--handler: unknown handler '%s' (expected split-brain, out-of-sync, local-io-error, before-resync-target, after-resync-target or pri-lost-after-sb)",
				       name);
	if (eq[1] != '/' || strlen(eq + 1) >= TANDEM_HANDLER_MAX)
		return tdm_usage_error("attach", "--handler %s: the path must be absolute, shorter than %d characters",
				       name, TANDEM_HANDLER_MAX);
	snprintf((*h)[which], sizeof((*h)[which]), "%s", eq + 1);
	return 0;
}

int cmd_attach(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "minor", required_argument, NULL, 'm' },
		{ "disk", required_argument, NULL, 'd' },
		{ "meta-disk", required_argument, NULL, 'M' },
		{ "on-io-error", required_argument, NULL, 'e' },
		{ "disk-timeout", required_argument, NULL, 'T' },
		{ "handler", required_argument, NULL, 'H' },
		{ "former-size", required_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	static struct tdm_disk_opts o;
	const char *name, *disk_spec = NULL;
	bool have_minor = false;
	struct tdm_local l;
	struct tdm_cfg cfg;
	uint32_t minor = 0;
	char msg[128];
	int c, i, ret;

	while ((c = getopt_long(argc, argv, "m:d:M:e:T:H:", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (tdm_parse_range(&tdm_range_minor, optarg, &minor, msg, sizeof(msg)))
				return tdm_usage_error("attach", "--%s", msg);
			have_minor = true;
			break;
		case 'd':
			disk_spec = optarg;
			break;
		case 'M':
			if (!optarg[0])
				return tdm_usage_error("attach", "--meta-disk is empty");
			o.meta_disk = optarg;
			break;
		case 'e':
			o.on_io_error = tdm_io_error_value(optarg);
			if (!o.on_io_error)
				return tdm_usage_error("attach", "--on-io-error must be detach or pass-on");
			break;
		case 'T':
			if (tdm_parse_disk_timeout(optarg, &o.disk_timeout_ms, msg, sizeof(msg)))
				return tdm_usage_error("attach", "--%s", msg);
			o.disk_timeout_set = true;
			break;
		case 'H':
			ret = parse_handler(optarg, &o.handlers);
			if (ret)
				return ret;
			break;
		case 'F':
			if (tdm_parse_bytes("--former-size", optarg, &o.former_size, msg, sizeof(msg)) ||
			    (!o.former_size && snprintf(msg, sizeof(msg), "--former-size must not be 0")))
				return tdm_usage_error("attach", "%s", msg);
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
	if (have_minor && disk_spec)
		return tdm_attach_res(name, minor, disk_spec, &o);
	if (have_minor || disk_spec)
		return tdm_usage_error("attach", "missing %s (or neither: both from the resource file)",
				       have_minor ? "--disk" : "--minor");
	if (o.meta_disk)
		return tdm_usage_error("attach", "--meta-disk goes with --disk and --minor (or in the resource file: meta-disk)");
	ret = tdm_cfg_load(&cfg) ?: tdm_cfg_local(&cfg, name, &l);
	if (ret)
		return ret;
	if (o.former_size && l.me->meta_disk[0])
		return tdm_usage_error("attach", "--former-size is for internal metadata");
	/* The command line's options over the file's. */
	for (i = 1; i < __TANDEM_HANDLER_MAX; i++)
		if (!o.handlers[i][0])
			memcpy(o.handlers[i], l.res->opts.handlers[i], sizeof(o.handlers[i]));
	if (!o.on_io_error)
		o.on_io_error = l.res->opts.on_io_error;
	if (!o.disk_timeout_set) {
		o.disk_timeout_set = l.res->opts.disk_timeout_set;
		o.disk_timeout_ms = l.res->opts.disk_timeout_ms;
	}
	o.meta_disk = l.me->meta_disk[0] ? l.me->meta_disk : NULL;
	return tdm_attach_res(name, (uint32_t)l.res->minor, l.me->disk, &o);
}

/*
 * No metadata at the end of @disk: if it grew, its metadata not moved yet
 * (a resize cut short, or grown while detached), say where it is, and
 * leave the choice to the admin, as metadata found inside a disk may also
 * be left from an earlier use of it.
 */
static void attach_check_grown(const char *name, const char *disk)
{
	uint64_t former = tdm_md_find_former(disk);

	if (!former)
		return;
	fprintf(stderr, "tandemctl: attach %s: no tandem metadata at the end of %s, but the internal metadata of a %" PRIu64
		" MiB disk ends %" PRIu64 " MiB in: if the disk grew from that size, attach with --former-size %" PRIu64
		", then tandemctl resize %s moves it to the new end\n",
		name, disk, former >> 11, former >> 11, former * 512, name);
}

int tdm_attach_res(const char *name, uint32_t minor, const char *disk_spec,
		   const struct tdm_disk_opts *o)
{
	char what[128 + 2 * PATH_MAX];
	struct attach_args a = { .minor = minor, .o = o };
	char *disk, *meta = NULL;
	int ret, err;

	disk = tdm_resolve_disk(disk_spec);
	if (!disk) {
		fprintf(stderr, "tandemctl: attach %s: no disk has %s\n", name, disk_spec);
		return TDM_EXIT_NOTFOUND;
	}
	if (o->meta_disk) {
		meta = tdm_resolve_disk(o->meta_disk);
		if (!meta) {
			fprintf(stderr, "tandemctl: attach %s: no disk has %s\n", name, o->meta_disk);
			ret = TDM_EXIT_NOTFOUND;
			goto out_free;
		}
	}
	if (strlen(disk) >= TANDEM_PATH_MAX || (meta && strlen(meta) >= TANDEM_PATH_MAX)) {
		ret = tdm_usage_error("attach", "disk path is too long");
		goto out_free;
	}
	if (meta && o->former_size) {
		ret = tdm_usage_error("attach", "--former-size is for internal metadata");
		goto out_free;
	}
	if (meta) {
		ret = tdm_md_check_ident(name, disk, meta);
		if (ret)
			goto out_free;
	}
	snprintf(what, sizeof(what), "attach %s (disk %s%s%s, minor %u)", name, disk,
		 meta ? ", metadata on " : "", meta ? meta : "", minor);
	a.disk = disk;
	a.meta_disk = meta;
	ret = tdm_nl_do_err(what, TANDEM_CMD_ATTACH, name, put_attach, &a, &err);
	/* Only then is the disk read: one that hangs must not hang attach (a re-attach, say). */
	if (err == -ENODATA && !meta && !o->former_size)
		attach_check_grown(name, disk);
out_free:
	free(meta);
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
	return tdm_nl_do(what, cmd, name, NULL, NULL);
}

struct status_args {
	const char *name;		/* one resource, or NULL: all */
	bool json, verbose;
	int count;			/* resources printed */
};

static int status_parse(int argc, char **argv, struct status_args *a)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "jv", opts, NULL)) != -1) {
		if (c == 'j')
			a->json = true;
		else if (c == 'v')
			a->verbose = true;
		else
			return tdm_usage_error("status", "unknown option");
	}
	return optind < argc ? tdm_take_name("status", argc, argv, &a->name) : TDM_EXIT_OK;
}

static int status_print(const struct tdm_status *st, void *arg)
{
	struct status_args *a = arg;

	if (a->json) {
		tdm_print_record(st, NULL);
	} else {
		if (a->count)
			putchar('\n');
		tdm_print_block(st, a->verbose);
	}
	a->count++;
	return 0;
}

int cmd_status(int argc, char **argv)
{
	struct status_args a = { 0 };
	char why[512], what[128];
	struct tdm_nl nl;
	int ret;

	ret = status_parse(argc, argv, &a);
	if (ret)
		return ret;
	ret = tdm_nl_open(&nl);
	if (ret)
		return tdm_exit_code(ret);
	out_init(a.json);
	if (!a.name)
		out_list_begin();
	ret = tdm_nl_status(&nl, a.name, status_print, &a, why, sizeof(why));
	if (!a.name)
		out_list_end();
	tdm_nl_close(&nl);
	if (ret) {
		snprintf(what, sizeof(what), "status %s", a.name ? a.name : "");
		return tdm_report(what, ret, why);
	}
	if (!a.name && !a.count && !a.json)
		printf("no resources\n");
	return TDM_EXIT_OK;
}

struct udev_name {
	uint32_t minor;
	char name[TANDEM_NAME_MAX];
};

static int take_udev_name(const struct tdm_status *st, void *arg)
{
	struct udev_name *u = arg;

	if (st->minor == u->minor)
		snprintf(u->name, sizeof(u->name), "%s", st->name);
	return 0;
}

/* For the udev rule: the resource behind kernel device tandemN. */
int cmd_udev_name(int argc, char **argv)
{
	struct udev_name u = { 0 };
	const char *dev;
	char why[512];
	struct tdm_nl nl;
	int ret;

	if (argc != 2)
		return tdm_usage_error("udev-name", "one device name expected");
	dev = strrchr(argv[1], '/') ? strrchr(argv[1], '/') + 1 : argv[1];
	if (strncmp(dev, "tandem", 6) ||
	    tdm_parse_range(&tdm_range_minor, dev + 6, &u.minor, NULL, 0))
		return tdm_usage_error("udev-name", "'%s' is not a tandem device", argv[1]);
	ret = tdm_nl_open(&nl);
	if (ret)
		return tdm_exit_code(ret);
	ret = tdm_nl_status(&nl, NULL, take_udev_name, &u, why, sizeof(why));
	tdm_nl_close(&nl);
	if (ret)
		return tdm_report("udev-name", ret, why);
	if (!u.name[0]) {
		fprintf(stderr, "tandemctl: udev-name: no resource has minor %u\n", u.minor);
		return TDM_EXIT_NOTFOUND;
	}
	printf("%s\n", u.name);
	return TDM_EXIT_OK;
}
