/* SPDX-License-Identifier: GPL-2.0 */
/* tandemctl: requests to the tandem generic netlink family, via libnl-3. */
#ifndef TDMCTL_NL_H
#define TDMCTL_NL_H

#include <stddef.h>
#include <netlink/genl/genl.h>

struct tdm_nl {
	struct nl_sock *sk;
	int family;
};

/* Called for each reply message; return 0 to go on, <0 (-errno) to fail. */
typedef int (*tdm_nl_reply_fn)(struct nlattr **attrs, void *arg);

/* Connect and resolve the family; prints why not on failure. */
int tdm_nl_open(struct tdm_nl *nl);
void tdm_nl_close(struct tdm_nl *nl);
/* A new request for @cmd; NLM_F_DUMP when @dump. NULL on out of memory. */
struct nl_msg *tdm_nl_new(struct tdm_nl *nl, int cmd, int dump);
/*
 * Send @msg (consumed) and wait for the kernel's answer, calling @fn for
 * each reply. Returns 0 or -errno; the kernel's extack message, if any, is
 * copied to @why (empty otherwise).
 */
int tdm_nl_request(struct tdm_nl *nl, struct nl_msg *msg, tdm_nl_reply_fn fn,
		   void *arg, char *why, size_t why_len);
/* STATUS of resource @name, or of every resource if @name is NULL: as tdm_nl_request(). */
int tdm_nl_status(struct tdm_nl *nl, const char *name, tdm_nl_reply_fn fn, void *arg,
		  char *why, size_t why_len);

#endif
