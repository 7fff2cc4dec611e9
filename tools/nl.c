// SPDX-License-Identifier: GPL-2.0
/*
 * tandemctl: talking to the module. Requests ask for extended acks, so that
 * the reason the kernel gives for a refusal reaches the user verbatim.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>

#include "nl.h"
#include "tandemctl.h"
#include "tandem_netlink.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

int tdm_nl_open(struct tdm_nl *nl)
{
	int one = 1;
	int ret;

	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		fprintf(stderr, "tandemctl: out of memory\n");
		return -ENOMEM;
	}
	ret = genl_connect(nl->sk);
	if (ret < 0) {
		fprintf(stderr, "tandemctl: cannot open a generic netlink socket: %s\n",
			nl_geterror(ret));
		goto err_free;
	}
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	nl->family = genl_ctrl_resolve(nl->sk, TANDEM_GENL_NAME);
	if (nl->family < 0) {
		fprintf(stderr, "tandemctl: the tandem module is not loaded (run: modprobe tandem)\n");
		ret = nl->family;
		goto err_free;
	}
	return 0;

err_free:
	nl_socket_free(nl->sk);
	nl->sk = NULL;
	return ret == -NLE_OBJ_NOTFOUND ? -ENOENT : -EIO;
}

void tdm_nl_close(struct tdm_nl *nl)
{
	nl_socket_free(nl->sk);
	nl->sk = NULL;
}

struct nl_msg *tdm_nl_new(struct tdm_nl *nl, int cmd, int dump)
{
	/* Room for a TANDEM_PATH_MAX path; libnl's default is one page. */
	struct nl_msg *msg = nlmsg_alloc_size(2 * TANDEM_PATH_MAX);

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
			 NLM_F_ACK | (dump ? NLM_F_DUMP : 0), cmd,
			 TANDEM_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct tdm_nl_ctx {
	tdm_nl_reply_fn fn;
	void *arg;
	int err;
	int done;
	char *why;
	size_t why_len;
};

static int tdm_nl_valid(struct nl_msg *msg, void *arg)
{
	struct tdm_nl_ctx *ctx = arg;
	struct nlattr *attrs[TANDEM_A_MAX + 1];
	int ret;

	ret = genlmsg_parse(nlmsg_hdr(msg), 0, attrs, TANDEM_A_MAX, NULL);
	if (ret < 0) {
		ctx->err = -EPROTO;
		return NL_STOP;
	}
	if (ctx->fn) {
		ret = ctx->fn(attrs, ctx->arg);
		if (ret < 0) {
			ctx->err = ret;
			return NL_STOP;
		}
	}
	return NL_OK;
}

/* Copy NLMSGERR_ATTR_MSG out of an error message's trailing TLVs. */
static void tdm_nl_extack(struct nlmsgerr *e, struct tdm_nl_ctx *ctx)
{
	struct nlmsghdr *hdr = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off = sizeof(*e);
	int len;

	if (!(hdr->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(hdr->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	off = NLMSG_ALIGN(off);
	len = (int)hdr->nlmsg_len - NLMSG_HDRLEN - (int)off;
	if (len <= 0)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)e + off),
		      len, NULL) < 0 || !tb[NLMSGERR_ATTR_MSG])
		return;
	snprintf(ctx->why, ctx->why_len, "%.*s", nla_len(tb[NLMSGERR_ATTR_MSG]),
		 (const char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
}

static int tdm_nl_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct tdm_nl_ctx *ctx = arg;

	(void)who;
	ctx->err = e->error;
	tdm_nl_extack(e, ctx);
	ctx->done = 1;
	return NL_STOP;
}

static int tdm_nl_finish(struct nl_msg *msg, void *arg)
{
	struct tdm_nl_ctx *ctx = arg;

	(void)msg;
	ctx->done = 1;
	return NL_STOP;
}

int tdm_nl_request(struct tdm_nl *nl, struct nl_msg *msg, tdm_nl_reply_fn fn,
		   void *arg, char *why, size_t why_len)
{
	struct tdm_nl_ctx ctx = {
		.fn = fn, .arg = arg, .why = why, .why_len = why_len,
	};
	struct nl_cb *cb;
	int ret;

	why[0] = '\0';
	cb = nl_cb_alloc(NL_CB_CUSTOM);
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, tdm_nl_valid, &ctx);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, tdm_nl_finish, &ctx);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, tdm_nl_finish, &ctx);
	nl_cb_err(cb, NL_CB_CUSTOM, tdm_nl_error, &ctx);

	ret = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		ctx.err = -EIO;
		snprintf(why, why_len, "cannot send request: %s", nl_geterror(ret));
		goto out;
	}
	while (!ctx.done && !ctx.err) {
		ret = nl_recvmsgs(nl->sk, cb);
		if (ret < 0 && !ctx.done && !ctx.err) {
			ctx.err = -EIO;
			snprintf(why, why_len, "cannot receive reply: %s", nl_geterror(ret));
		}
	}
out:
	nl_cb_put(cb);
	return ctx.err;
}

struct tdm_nl_status_ctx {
	tdm_nl_status_fn fn;
	void *arg;
};

static int tdm_nl_status_reply(struct nlattr **attrs, void *arg)
{
	struct tdm_nl_status_ctx *ctx = arg;
	struct tdm_status st;
	int ret;

	ret = tdm_status_decode(attrs, &st);
	if (!ret && !st.attached)
		ret = -EPROTO;
	return ret ? ret : ctx->fn(&st, ctx->arg);
}

int tdm_nl_status(struct tdm_nl *nl, const char *name, tdm_nl_status_fn fn, void *arg,
		  char *why, size_t why_len)
{
	struct tdm_nl_status_ctx ctx = { .fn = fn, .arg = arg };
	struct nl_msg *msg = tdm_nl_new(nl, TANDEM_CMD_STATUS, !name);

	why[0] = '\0';
	if (!msg || (name && nla_put_string(msg, TANDEM_A_RES_NAME, name))) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return tdm_nl_request(nl, msg, tdm_nl_status_reply, &ctx, why, why_len);
}

static int tdm_nl_copy_status(const struct tdm_status *st, void *arg)
{
	memcpy(arg, st, sizeof(*st));
	return 0;
}

int tdm_nl_get_status(struct tdm_nl *nl, const char *name, struct tdm_status *st,
		      char *why, size_t why_len)
{
	memset(st, 0, sizeof(*st));
	return tdm_nl_status(nl, name, tdm_nl_copy_status, st, why, why_len);
}

int tdm_nl_join_events(struct tdm_nl *nl, const char *what)
{
	int grp, ret;

	grp = genl_ctrl_resolve_grp(nl->sk, TANDEM_GENL_NAME, TANDEM_GENL_MCGRP_EVENTS);
	if (grp < 0)
		return tdm_report(what, -EPROTONOSUPPORT,
				  "the module has no events group (module too old?)");
	ret = nl_socket_add_membership(nl->sk, grp);
	if (ret < 0)
		/* The group needs CAP_NET_ADMIN, as status does. */
		return tdm_report(what, ret == -NLE_PERM ? -EPERM : -EPROTONOSUPPORT,
				  "cannot join the module's events group");
	nl_socket_disable_seq_check(nl->sk);
	return 0;
}

int tdm_report(const char *what, int err, const char *why)
{
	if (why && why[0])
		fprintf(stderr, "tandemctl: %s: %s (%s)\n", what, why, strerror(-err));
	else
		fprintf(stderr, "tandemctl: %s: %s\n", what, strerror(-err));
	return tdm_exit_code(err);
}

int tdm_exit_code(int err)
{
	return err == -ENOENT ? TDM_EXIT_NOTFOUND : TDM_EXIT_FAIL;
}

int tdm_nl_do(const char *what, int cmd, const char *name,
	      int (*put)(struct nl_msg *msg, void *arg), void *arg)
{
	int err;

	return tdm_nl_do_err(what, cmd, name, put, arg, &err);
}

int tdm_nl_cmd(struct tdm_nl *nl, int cmd, const char *name,
	       int (*put)(struct nl_msg *msg, void *arg), void *arg,
	       char *why, size_t why_len)
{
	struct nl_msg *msg = tdm_nl_new(nl, cmd, 0);

	if (!msg || nla_put_string(msg, TANDEM_A_RES_NAME, name) || (put && put(msg, arg))) {
		nlmsg_free(msg);
		why[0] = '\0';
		return -ENOMEM;
	}
	return tdm_nl_request(nl, msg, NULL, NULL, why, why_len);
}

int tdm_nl_do_err(const char *what, int cmd, const char *name,
		  int (*put)(struct nl_msg *msg, void *arg), void *arg, int *err)
{
	char why[512];
	struct tdm_nl nl;
	int ret;

	*err = 0;
	ret = tdm_nl_open(&nl);
	if (ret)
		return tdm_exit_code(ret);
	ret = tdm_nl_cmd(&nl, cmd, name, put, arg, why, sizeof(why));
	*err = ret;
	if (ret)
		ret = tdm_report(what, ret, why);
	tdm_nl_close(&nl);
	return ret;
}
