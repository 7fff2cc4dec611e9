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

#include "nl.h"
#include "output.h"
#include "print.h"
#include "status.h"
#include "tandemctl.h"
#include "tandem_netlink.h"
#include "core/names.h"

struct tdm_events {
	const char *name;	/* only this resource, or NULL */
	bool json;
};

static void print_event(const struct tdm_status *st, const char *event,
			const struct tdm_events *ev)
{
	if (ev->name && strcmp(ev->name, st->name))
		return;
	out_init(ev->json);
	tdm_print_record(st, event);
	fflush(stdout);
}

static int print_exists(const struct tdm_status *st, void *arg)
{
	print_event(st, "exists", arg);
	return 0;
}

static int on_event(struct nl_msg *msg, void *arg)
{
	struct nlattr *attrs[TANDEM_A_MAX + 1];
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));
	struct tdm_status st;

	if (gh->cmd != TANDEM_CMD_EVENT ||
	    genlmsg_parse(nlmsg_hdr(msg), 0, attrs, TANDEM_A_MAX, NULL) < 0 ||
	    !attrs[TANDEM_A_EVENT] || tdm_status_decode(attrs, &st))
		return NL_SKIP;
	print_event(&st, tdm_event_name(nla_get_u32(attrs[TANDEM_A_EVENT])), arg);
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
	int c, ret;

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
		return tdm_exit_code(ret);
	/* Listen first, so that nothing between --now and the stream is missed. */
	ret = tdm_nl_join_events(&nl, "events");
	if (ret) {
		tdm_nl_close(&nl);
		return ret;
	}
	if (now && print_now(&ev)) {
		tdm_nl_close(&nl);
		return TDM_EXIT_FAIL;
	}
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
