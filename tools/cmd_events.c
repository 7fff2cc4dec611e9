// SPDX-License-Identifier: GPL-2.0
/*
 * tandemctl events: the module's state changes as they happen, one line per
 * event (text or JSON), from the family's "events" multicast group. With
 * --now, the current state of each resource comes first, as "exists" events
 * (like drbdsetup events2 --now). Runs until interrupted.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <netlink/genl/ctrl.h>

#include "nl.h"
#include "output.h"
#include "tandemctl.h"
#include "tandem_netlink.h"

static const char *const tdm_event_names[] = {
	[TANDEM_EVENT_ATTACH] = "attach",
	[TANDEM_EVENT_DETACH] = "detach",
	[TANDEM_EVENT_ROLE] = "role",
	[TANDEM_EVENT_DISK] = "disk",
	[TANDEM_EVENT_CONNECTION] = "connection",
	[TANDEM_EVENT_PEER] = "peer",
	[TANDEM_EVENT_SYNC] = "sync",
	[TANDEM_EVENT_SYNC_PROGRESS] = "sync_progress",
	[TANDEM_EVENT_SPLIT_BRAIN] = "split_brain",
	[TANDEM_EVENT_VERIFY] = "verify",
};

struct tdm_events {
	const char *name;	/* only this resource, or NULL */
	bool json;
};

static void print_event(struct nlattr **attrs, const char *event, const struct tdm_events *ev)
{
	if (!attrs[TANDEM_A_RES_NAME] ||
	    (ev->name && strcmp(ev->name, nla_get_string(attrs[TANDEM_A_RES_NAME]))))
		return;
	out_init(ev->json);
	tdm_print_resource(attrs, event);
	fflush(stdout);
}

static int print_exists(struct nlattr **attrs, void *arg)
{
	print_event(attrs, "exists", arg);
	return 0;
}

static int on_event(struct nl_msg *msg, void *arg)
{
	struct nlattr *attrs[TANDEM_A_MAX + 1];
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));
	uint32_t ev;

	if (gh->cmd != TANDEM_CMD_EVENT ||
	    genlmsg_parse(nlmsg_hdr(msg), 0, attrs, TANDEM_A_MAX, NULL) < 0 ||
	    !attrs[TANDEM_A_EVENT])
		return NL_SKIP;
	ev = nla_get_u32(attrs[TANDEM_A_EVENT]);
	print_event(attrs, ev < sizeof(tdm_event_names) / sizeof(tdm_event_names[0]) &&
		    tdm_event_names[ev] ? tdm_event_names[ev] : "unknown", arg);
	return NL_OK;
}

/* The current state of every resource (or @ev->name), on a socket of its own. */
static int print_now(struct tdm_events *ev)
{
	char why[512];
	struct tdm_nl nl;
	int ret;

	ret = tdm_nl_open(&nl);
	if (ret)
		return ret;
	ret = tdm_nl_status(&nl, NULL, print_exists, ev, why, sizeof(why));
	tdm_nl_close(&nl);
	if (ret)
		tdm_report("events --now", ret, why);
	return ret;
}

int cmd_events(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "now", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct tdm_events ev = { 0 };
	bool now = false;
	struct tdm_nl nl;
	int c, grp, ret;

	while ((c = getopt_long(argc, argv, "jn", opts, NULL)) != -1) {
		if (c == 'j')
			ev.json = true;
		else if (c == 'n')
			now = true;
		else
			return tdm_usage_error("events", "unknown option");
	}
	if (optind < argc) {
		ret = tdm_take_name("events", argc, argv, &ev.name);
		if (ret)
			return ret;
	}
	ret = tdm_nl_open(&nl);
	if (ret)
		return ret == -ENOENT ? TDM_EXIT_NOTFOUND : TDM_EXIT_FAIL;
	/* Listen first, so that nothing between --now and the stream is missed. */
	grp = genl_ctrl_resolve_grp(nl.sk, TANDEM_GENL_NAME, TANDEM_GENL_MCGRP_EVENTS);
	if (grp < 0 || nl_socket_add_membership(nl.sk, grp) < 0) {
		tdm_nl_close(&nl);
		return tdm_report("events", -EPROTONOSUPPORT,
				  "cannot join the module's events group (module too old?)");
	}
	if (now && print_now(&ev)) {
		tdm_nl_close(&nl);
		return TDM_EXIT_FAIL;
	}
	nl_socket_disable_seq_check(nl.sk);
	nl_socket_modify_cb(nl.sk, NL_CB_VALID, NL_CB_CUSTOM, on_event, &ev);
	for (;;) {
		ret = nl_recvmsgs_default(nl.sk);
		if (ret == -NLE_NOMEM) {
			/* The socket overran: say so, and go on with what comes next. */
			fprintf(stderr, "tandemctl: events: some events were lost (reader too slow)\n");
			continue;
		}
		if (ret < 0)
			break;
	}
	tdm_nl_close(&nl);
	return tdm_report("events", -EIO, nl_geterror(ret));
}
