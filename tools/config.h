/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tandemctl: resource files. Pure C (no netlink, no libblkid), so that the
 * unit tests drive it from strings. The grammar, by example:
 *
 *   # /etc/tandem/tandem.conf: defaults for every resource
 *   common {
 *       protocol sync;
 *       options { timeout 2500; resync-rate 200; congestion-limit 64; }
 *   }
 *
 *   # /etc/tandem/r0.res
 *   resource r0 {
 *       minor 0;
 *       protocol sync;                       # async | sync
 *       secret-file /etc/tandem/r0.secret;   # or "insecure;" (no authentication)
 *       options { timeout 2500; }            # ms; resync-rate MiB/s; congestion-limit MiB;
 *                                            # ko-count timeouts
 *       fencing resource-and-stonith;        # none | resource-only | resource-and-stonith
 *       on-io-error detach;                  # detach | pass-on
 *       disk-timeout 0;                      # ms: 0 (off) or 1000..600000
 *       after-sb-0pri discard-least-changes; # disconnect | discard-zero-changes | ...
 *       after-sb-1pri discard-secondary;     # disconnect | discard-secondary | consensus
 *       handlers { fence-peer /usr/lib/tandem/fence-peer; }
 *       node alpha { disk /dev/sdb; address 10.99.0.1:7789; }   # meta-disk D; for
 *                                                            # external metadata
 *       node beta  { disk UUID=...; address 10.99.0.2:7789; }
 *   }
 *
 * Words are bare (letters, digits and -_./:=[]@+,) or double-quoted; '#'
 * starts a comment; every statement ends with ';' and blocks need no ';'.
 */
#ifndef TDMCTL_CONFIG_H
#define TDMCTL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse.h"
#include "tandem_netlink.h"

#define TDM_CFG_MAX_RES 64
#define TDM_CFG_WORD_MAX 256

struct tdm_cfg_node {
	char name[TDM_CFG_WORD_MAX];	/* host name */
	char disk[TDM_CFG_WORD_MAX];	/* path, or UUID=/PARTUUID=/LABEL= */
	char meta_disk[TDM_CFG_WORD_MAX]; /* external metadata's disk, as disk; "": internal */
	char address[TDM_CFG_WORD_MAX];	/* ADDR:PORT or [ADDR6]:PORT */
	int line, col;			/* of its "node" keyword */
};

/* Options: 0 means not set (the module's default applies). */
struct tdm_cfg_opts {
	uint32_t protocol;		/* enum tandem_protocol */
	char secret_file[TDM_CFG_WORD_MAX];
	uint32_t timeout_ms;
	uint32_t resync_rate;		/* MiB/s */
	uint32_t congestion_limit;	/* MiB */
	uint32_t ko_count;		/* timeouts */
	uint32_t fencing;		/* enum tandem_fencing */
	uint32_t on_io_error;		/* enum tandem_on_io_error */
	bool disk_timeout_set;		/* "disk-timeout N;" was given (0: off) */
	uint32_t disk_timeout_ms;
	bool insecure;			/* "insecure;": no secret-file, knowingly */
	uint32_t after_sb_0pri;		/* enum tandem_after_sb_0pri */
	uint32_t after_sb_1pri;		/* enum tandem_after_sb_1pri */
	char fence_peer[TDM_CFG_WORD_MAX];	/* handlers { fence-peer PATH; } */
	/* handlers { split-brain PATH; ... }: by enum tandem_handler, "" if not set */
	char handlers[__TANDEM_HANDLER_MAX][TANDEM_HANDLER_MAX];
};

struct tdm_cfg_res {
	char name[TDM_CFG_WORD_MAX];
	char file[TDM_CFG_WORD_MAX];	/* where it is defined */
	int line;
	int minor;			/* -1: not set */
	struct tdm_cfg_opts opts;	/* the common block's, then its own */
	struct tdm_cfg_node nodes[2];
	int nr_nodes;
};

struct tdm_cfg {
	struct tdm_cfg_opts common;
	struct tdm_cfg_res res[TDM_CFG_MAX_RES];
	int nr_res;
};

/* Where and why parsing or checking failed. */
struct tdm_cfg_err {
	char file[TDM_CFG_WORD_MAX];
	int line, col;			/* 0: not about one place */
	char msg[256];
};

void tdm_cfg_init(struct tdm_cfg *cfg);
/*
 * Parse @text (the contents of @file) into @cfg: tandem.conf (@is_main) may
 * hold a common block, and is parsed first; a .res file holds resources,
 * which take the common settings and override them. 0, or -1 with @err.
 */
int tdm_cfg_parse(struct tdm_cfg *cfg, const char *file, const char *text, bool is_main,
		  struct tdm_cfg_err *err);
/* Rules across the whole configuration (names, minors, nodes, addresses). */
int tdm_cfg_check(const struct tdm_cfg *cfg, struct tdm_cfg_err *err);
const struct tdm_cfg_res *tdm_cfg_find(const struct tdm_cfg *cfg, const char *name);
/* The node of @res named @host, or NULL. */
const struct tdm_cfg_node *tdm_cfg_node(const struct tdm_cfg_res *res, const char *host);
/* "file:line:col: msg" (or without the parts not set) into @buf. */
void tdm_cfg_strerror(const struct tdm_cfg_err *err, char *buf, size_t len);

#endif
