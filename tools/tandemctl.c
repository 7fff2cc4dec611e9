// SPDX-License-Identifier: GPL-2.0
/*
 * tandemctl: command-line control of tandem resources.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "resfile.h"
#include "tandemctl.h"

static int cmd_help(int argc, char **argv);

static const struct tdm_cmd tdm_cmds[] = {
	{ "up", cmd_up, "<res>|all",
	  "attach and connect as the resource file says (what is up already is left alone)" },
	{ "down", cmd_down, "<res>|all",
	  "secondary, disconnect, detach; refused while /dev/tandemN is open" },
	{ "adjust", cmd_adjust, "<res>|all",
	  "apply the resource file to a running resource: up what is down, change options live, say what cannot change" },
	{ "check-config", cmd_check_config, "",
	  "read and check every resource file; show each resource as this node sees it" },
	{ "new-secret", cmd_new_secret, "<res> [--force]",
	  "write a random shared secret into the resource's secret-file (mode 600), to copy to the peer" },
	{ "create-md", cmd_create_md, "<res> [--disk PATH|UUID=..|LABEL=.. [--meta-disk PATH|UUID=..|LABEL=..]] [--size BYTES] [--force]",
	  "write fresh tandem metadata at the end of a disk, or on a metadata disk (refuses if it holds data)" },
	{ "dump-md", cmd_dump_md, "<res> [--disk PATH] [--json]",
	  "print a disk's tandem metadata" },
	{ "attach", cmd_attach, "<res> [--minor N] [--disk PATH|UUID=..|LABEL=.. [--meta-disk PATH|UUID=..|LABEL=..]] [--on-io-error detach|pass-on] [--disk-timeout MS] [--former-size BYTES]",
	  "create /dev/tandemN on top of a backing disk; on a diskless secondary, re-attach it" },
	{ "detach", cmd_detach, "<res>",
	  "remove /dev/tandemN and release the backing disk" },
	{ "connect", cmd_connect,
	  "<res> [--local ADDR:PORT --peer ADDR:PORT] [--protocol async|sync] "
	  "[--secret-file FILE] [--timeout MS] [--assume-clean] [--discard-my-data] "
	  "[--resync-rate MiB/s] [--congestion-limit MiB] [--ko-count N] "
	  "[--fencing none|resource-only|resource-and-stonith] [--fence-peer PATH] "
	  "[--after-sb-0pri disconnect|discard-zero-changes|discard-least-changes|"
	  "discard-younger-primary|discard-older-primary] "
	  "[--after-sb-1pri disconnect|discard-secondary|consensus|call-pri-lost-after-sb]",
	  "replicate to the peer (sync by default)" },
	{ "disconnect", cmd_disconnect, "<res>", "stop replicating; writes go on locally" },
	{ "primary", cmd_primary, "<res> [--force] [--wait S]",
	  "take the primary role (--force: declare this node's data the authority; --wait: while the peer steps down)" },
	{ "secondary", cmd_secondary, "<res>", "give up the primary role" },
	{ "outdate", cmd_outdate, "<res>",
	  "mark a disconnected secondary's data outdated: not promoted again without --force until it resyncs" },
	{ "resume-io", cmd_resume_io, "<res>",
	  "complete the writes fencing froze, though the peer was not fenced (it may then lack them)" },
	{ "invalidate", cmd_invalidate, "<res>",
	  "this node's data is suspect: resync every block from the peer (connected, secondary)" },
	{ "invalidate-remote", cmd_invalidate_remote, "<res>",
	  "the peer's data is suspect: resync every block to it (connected, peer secondary)" },
	{ "resize", cmd_resize, "<res> [--size BYTES] [--assume-clean]",
	  "grow the device on both nodes (connected) to what both backing disks hold, once they grew" },
	{ "verify", cmd_verify, "<res> [--start BYTES] [--length BYTES]",
	  "compare every block with the peer's by checksum; resync those that differ" },
	{ "wait-sync", cmd_wait_sync, "<res> [--timeout S]",
	  "wait until connected and in sync, both disks up to date" },
	{ "status", cmd_status, "[<res>] [-v|--verbose] [--json]",
	  "show resources: role, disks, connection, peer, resync (-v: everything, with I/O counters)" },
	{ "events", cmd_events, "[<res>] [--json] [--now]",
	  "print state changes as they happen, one line each (--now: current state first)" },
	{ "vrrp-check", cmd_vrrp_check, "<res> [--outdate-after S]",
	  "keepalived's track script: up to date? (a backup cut off for S s outdates itself)" },
	{ "fence-listen", cmd_fence_listen, "<res> --address ADDR[:PORT] [--secret-file PATH]",
	  "answer the peer's outdate requests (keepalived's fencing; port 7790 by default)" },
	{ "fence-peer", cmd_fence_peer, "<res> --address ADDR[:PORT] [--secret-file PATH] [--wait S] [--down-if-silent S]",
	  "ask the peer's fence-listen to outdate its data; exits with the fence-peer codes" },
	{ "udev-name", cmd_udev_name, "tandemN",
	  "print the resource behind a device (for the udev rule)" },
	{ "help", cmd_help, "", "show this help" },
};

#define N_CMDS (sizeof(tdm_cmds) / sizeof(tdm_cmds[0]))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: tandemctl [--config-dir DIR] [--node NAME] <command> [arguments]\n\n"
		   "Resource files: DIR/tandem.conf and DIR/*.res (DIR: $TANDEM_CONFIG_DIR or\n"
		   "/etc/tandem); this node is the one named by --node, $TANDEM_NODE or the host\n"
		   "name. What attach and connect are not told comes from there.\n\ncommands:\n");
	for (i = 0; i < N_CMDS; i++)
		fprintf(f, "  %s %s\n      %s\n", tdm_cmds[i].name, tdm_cmds[i].args,
			tdm_cmds[i].help);
	fprintf(f, "\nexit codes: 0 success, 1 refused or failed, 2 usage error, "
		   "3 resource or module not found, 4 configuration error\n");
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

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return TDM_EXIT_USAGE;
	}
	/* Global options, before the command. */
	while (argc > 2 && (!strcmp(argv[1], "--config-dir") || !strcmp(argv[1], "--node"))) {
		if (!strcmp(argv[1], "--config-dir"))
			tdm_config_dir = argv[2];
		else
			tdm_node_name = argv[2];
		argc -= 2;
		argv += 2;
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
