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

/* cmd_device.c */
int cmd_attach(int argc, char **argv);
int cmd_detach(int argc, char **argv);
int cmd_status(int argc, char **argv);

/* tandemctl.c */
int tdm_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Print "tandemctl: <what>: <why or strerror>" and return the exit code for -@err. */
int tdm_report(const char *what, int err, const char *why);

#endif
