/* SPDX-License-Identifier: GPL-2.0 */
/* tandemctl: requests to the tandem generic netlink family, via libnl-3. */
#ifndef TDMCTL_NL_H
#define TDMCTL_NL_H

#include <stddef.h>
#include <netlink/genl/genl.h>

#include "status.h"

struct tdm_nl {
	struct nl_sock *sk;
	int family;
};

/* Called for each reply message; return 0 to go on, <0 (-errno) to fail. */
typedef int (*tdm_nl_reply_fn)(struct nlattr **attrs, void *arg);

/* Connect and resolve the family; 0, or -errno after saying why not. */
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

/* Called with each resource of a STATUS reply; return 0 to go on, <0 (-errno) to fail. */
typedef int (*tdm_nl_status_fn)(const struct tdm_status *st, void *arg);

/* STATUS of resource @name, or of every resource if @name is NULL: as tdm_nl_request(). */
int tdm_nl_status(struct tdm_nl *nl, const char *name, tdm_nl_status_fn fn, void *arg,
		  char *why, size_t why_len);
/* STATUS of resource @name into @st: as tdm_nl_request(), -ENOENT if there is none. */
int tdm_nl_get_status(struct tdm_nl *nl, const char *name, struct tdm_status *st,
		      char *why, size_t why_len);

/*
 * Send @cmd for resource @name on @nl, with more attributes from @put (may
 * be NULL), and wait for the answer: 0 or -errno, the kernel's reason in
 * @why (empty if none).
 */
int tdm_nl_cmd(struct tdm_nl *nl, int cmd, const char *name,
	       int (*put)(struct nl_msg *msg, void *arg), void *arg,
	       char *why, size_t why_len);

/*
 * Make @nl a listener of the module's events group (sequence checks off);
 * 0, or an exit code after saying why as @what's failure.
 */
int tdm_nl_join_events(struct tdm_nl *nl, const char *what);

/*
 * Send @cmd for resource @name on a socket of its own, with more attributes
 * from @put (may be NULL); an exit code, after saying why as @what's failure.
 */
int tdm_nl_do(const char *what, int cmd, const char *name,
	      int (*put)(struct nl_msg *msg, void *arg), void *arg);
/* The same; *@err: the answer (0, or -errno; -ENOMEM if the request could not be built). */
int tdm_nl_do_err(const char *what, int cmd, const char *name,
		  int (*put)(struct nl_msg *msg, void *arg), void *arg, int *err);

#endif
