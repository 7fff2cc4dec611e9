// SPDX-License-Identifier: GPL-2.0
/*
 * tandemctl: command-line control of tandem resources.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tandemctl.h"

static int cmd_help(int argc, char **argv);

static const struct tdm_cmd tdm_cmds[] = {
	{ "create-md", cmd_create_md, "<res> --disk PATH|UUID=..|LABEL=.. [--force]",
	  "write fresh tandem metadata at the end of a disk (refuses if it holds data)" },
	{ "dump-md", cmd_dump_md, "<res> --disk PATH [--json]",
	  "print a disk's tandem metadata" },
	{ "attach", cmd_attach, "<res> --minor N --disk PATH|UUID=..|LABEL=..",
	  "create /dev/tandemN on top of a backing disk" },
	{ "detach", cmd_detach, "<res>",
	  "remove /dev/tandemN and release the backing disk" },
	{ "connect", cmd_connect,
	  "<res> --local ADDR:PORT --peer ADDR:PORT [--protocol async|sync] "
	  "[--secret-file FILE] [--timeout MS] [--assume-clean] [--discard-my-data] "
	  "[--resync-rate MiB/s] [--congestion-limit MiB]",
	  "replicate to the peer (sync by default)" },
	{ "disconnect", cmd_disconnect, "<res>", "stop replicating; writes go on locally" },
	{ "primary", cmd_primary, "<res> [--force]",
	  "take the primary role (--force: declare this node's data the authority)" },
	{ "secondary", cmd_secondary, "<res>", "give up the primary role" },
	{ "verify", cmd_verify, "<res>",
	  "compare every block with the peer's by checksum; resync those that differ" },
	{ "wait-sync", cmd_wait_sync, "<res> [--timeout S]",
	  "wait until connected and in sync, both disks up to date" },
	{ "status", cmd_status, "[<res>] [--json]",
	  "show resources: disk, size, openers, roles, connection, I/O counters" },
	{ "help", cmd_help, "", "show this help" },
};

#define N_CMDS (sizeof(tdm_cmds) / sizeof(tdm_cmds[0]))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: tandemctl <command> [arguments]\n\ncommands:\n");
	for (i = 0; i < N_CMDS; i++)
		fprintf(f, "  %s %s\n      %s\n", tdm_cmds[i].name, tdm_cmds[i].args,
			tdm_cmds[i].help);
	fprintf(f, "\nexit codes: 0 success, 1 refused or failed, 2 usage error, "
		   "3 resource or module not found\n");
}

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage(stdout);
	return TDM_EXIT_OK;
}

int tdm_usage_error(const char *cmd, const char *fmt, ...)
{
	size_t i;
	va_list ap;

	fprintf(stderr, "tandemctl %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	for (i = 0; i < N_CMDS; i++)
		if (!strcmp(tdm_cmds[i].name, cmd))
			fprintf(stderr, "usage: tandemctl %s %s\n", cmd, tdm_cmds[i].args);
	return TDM_EXIT_USAGE;
}

int tdm_report(const char *what, int err, const char *why)
{
	if (why && why[0])
		fprintf(stderr, "tandemctl: %s: %s (%s)\n", what, why, strerror(-err));
	else
		fprintf(stderr, "tandemctl: %s: %s\n", what, strerror(-err));
	return err == -ENOENT ? TDM_EXIT_NOTFOUND : TDM_EXIT_FAIL;
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return TDM_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cmd_help(argc, argv);
	for (i = 0; i < N_CMDS; i++)
		if (!strcmp(argv[1], tdm_cmds[i].name))
			return tdm_cmds[i].run(argc - 1, argv + 1);
	fprintf(stderr, "tandemctl: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return TDM_EXIT_USAGE;
}
