/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TDMCTL_H
#define TDMCTL_H

/* Exit codes, documented in the README. */
enum {
	TDM_EXIT_OK = 0,
	TDM_EXIT_FAIL = 1,	/* the kernel refused, or a system call failed */
	TDM_EXIT_USAGE = 2,	/* bad command line */
	TDM_EXIT_NOTFOUND = 3,	/* no such resource, or module not loaded */
};

struct tdm_cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *args;
	const char *help;
};

struct nl_msg;
struct nlattr;

/* cmd_device.c */
int cmd_attach(int argc, char **argv);
int cmd_detach(int argc, char **argv);
int cmd_status(int argc, char **argv);
int tdm_take_name(const char *cmd, int argc, char **argv, const char **name);
/* A disk path made absolute, or a UUID=/PARTUUID=/LABEL= tag resolved; malloc'ed. */
char *tdm_resolve_disk(const char *spec);
/* Send @cmd for resource @name, with more attributes from @put; report failure as @what. */
int tdm_do(const char *what, int cmd, const char *name,
	   int (*put)(struct nl_msg *msg, void *arg), void *arg);
/* A command taking the resource name alone. */
int tdm_name_only_cmd(const char *cmdname, int cmd, int argc, char **argv);

/* cmd_md.c */
int cmd_create_md(int argc, char **argv);
int cmd_dump_md(int argc, char **argv);

/* cmd_conn.c */
int cmd_wait_sync(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_connect(int argc, char **argv);
int cmd_disconnect(int argc, char **argv);
int cmd_primary(int argc, char **argv);
int cmd_secondary(int argc, char **argv);
/* "ADDR:PORT" or "[ADDR6]:PORT" of two attributes; 0 or -1 if absent. */
int tdm_format_addr(struct nlattr *addr, struct nlattr *port, char *buf, unsigned int len);

/* tandemctl.c */
int tdm_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Print "tandemctl: <what>: <why or strerror>" and return the exit code for -@err. */
int tdm_report(const char *what, int err, const char *why);

#endif
