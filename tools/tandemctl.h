/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TDMCTL_H
#define TDMCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "tandem_netlink.h"

/* Exit codes, documented in the README. */
enum {
	TDM_EXIT_OK = 0,
	TDM_EXIT_FAIL = 1,	/* the kernel refused, or a system call failed */
	TDM_EXIT_USAGE = 2,	/* bad command line */
	TDM_EXIT_NOTFOUND = 3,	/* no such resource, or module not loaded */
	TDM_EXIT_CONFIG = 4,	/* the configuration files are wrong */
};

struct tdm_cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *args;
	const char *help;
};

/* What a connect request carries; zero fields are left to the module's defaults. */
struct tdm_connect_args {
	struct tdm_endpoint local, peer;
	uint32_t protocol;
	uint32_t timeout_ms;
	int assume_clean;
	int discard_mine;
	uint32_t resync_rate;
	uint32_t congestion_limit;
	uint32_t ko_count;
	uint32_t after_sb_0pri, after_sb_1pri;	/* 0: not given */
	uint32_t fencing;		/* enum tandem_fencing; 0: not given */
	char fence_peer[TANDEM_HANDLER_MAX];
	unsigned char secret[TANDEM_SECRET_MAX + 1];
	size_t secret_len;
};

/* cmd_device.c */
int cmd_attach(int argc, char **argv);
int cmd_detach(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_udev_name(int argc, char **argv);
int tdm_take_name(const char *cmd, int argc, char **argv, const char **name);
/* A disk path made absolute, or a UUID=/PARTUUID=/LABEL= tag resolved; malloc'ed. */
char *tdm_resolve_disk(const char *spec);
/* The admin's handlers by enum tandem_handler, "" for none. */
typedef char tdm_handler_paths[__TANDEM_HANDLER_MAX][TANDEM_HANDLER_MAX];
/* What attach sets besides the disk and minor. */
struct tdm_disk_opts {
	const char *meta_disk;		/* external metadata's disk (path or tag); NULL: internal */
	uint32_t on_io_error;		/* enum tandem_on_io_error; 0: the module's default */
	bool disk_timeout_set;		/* else not sent (the module's default: off) */
	uint32_t disk_timeout_ms;	/* 0: off */
	tdm_handler_paths handlers;	/* "" for none */
	uint64_t former_size;		/* bytes: internal metadata of a disk that grew; 0: none */
};
/* Attach @name on @disk_spec (path or tag) as minor @minor, with @o. */
int tdm_attach_res(const char *name, uint32_t minor, const char *disk_spec,
		   const struct tdm_disk_opts *o);
/* A command taking the resource name alone. */
int tdm_name_only_cmd(const char *cmdname, int cmd, int argc, char **argv);

/* cmd_res.c */
int cmd_check_config(int argc, char **argv);
int cmd_new_secret(int argc, char **argv);
int cmd_up(int argc, char **argv);
int cmd_down(int argc, char **argv);
int cmd_adjust(int argc, char **argv);

/* cmd_events.c */
int cmd_events(int argc, char **argv);

/* cmd_fence.c */
int cmd_fence_listen(int argc, char **argv);
int cmd_fence_peer(int argc, char **argv);

/* cmd_vrrp.c */
int cmd_vrrp_check(int argc, char **argv);

/* cmd_md.c */
int cmd_create_md(int argc, char **argv);
int cmd_dump_md(int argc, char **argv);
/*
 * Before attaching @data with its metadata on @meta: if that metadata
 * recorded the identity of its data disk, is @data that disk? 0, or an exit
 * code after saying why not. Unreadable metadata is left to the module.
 */
int tdm_md_check_ident(const char *name, const char *data, const char *meta);
/*
 * No metadata at the end of @path (it grew): the size in sectors of the
 * smaller disk whose internal metadata is found in the 64 GiB below the
 * end, 0 if none.
 */
uint64_t tdm_md_find_former(const char *path);

/* cmd_conn.c */
int cmd_wait_sync(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_connect(int argc, char **argv);
int cmd_disconnect(int argc, char **argv);
int cmd_primary(int argc, char **argv);
int cmd_secondary(int argc, char **argv);
int cmd_outdate(int argc, char **argv);
int cmd_resume_io(int argc, char **argv);
int cmd_invalidate(int argc, char **argv);
int cmd_invalidate_remote(int argc, char **argv);
int cmd_resize(int argc, char **argv);
/* Connect @name with @a (its secret is wiped). */
int tdm_connect_res(const char *name, struct tdm_connect_args *a);
/* Fill what @a lacks from @name's resource file; 0 or an exit code (said why). */
int tdm_connect_from_config(const char *name, struct tdm_connect_args *a, int have_protocol);

/* tandemctl.c */
int tdm_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* nl.c: a failed request, reported. */
/* Print "tandemctl: <what>: <why or strerror>" and return the exit code for -@err. */
int tdm_report(const char *what, int err, const char *why);
/* The exit code for -@err: TDM_EXIT_NOTFOUND for -ENOENT, else TDM_EXIT_FAIL. */
int tdm_exit_code(int err);

#endif
