/* SPDX-License-Identifier: GPL-2.0 */
/* tandemctl: the configuration directory and this node's place in it. */
#ifndef TDMCTL_RESFILE_H
#define TDMCTL_RESFILE_H

#include <stdbool.h>

#include "config.h"

/* Global options: --config-dir and --node (NULL: environment or default). */
extern const char *tdm_config_dir;
extern const char *tdm_node_name;

/* Whether the configuration directory (set in *dir) holds any resource file. */
bool tdm_cfg_present(const char **dir);
/* Read and check the whole configuration; 0, or an exit code after saying why. */
int tdm_cfg_load(struct tdm_cfg *cfg);

struct tdm_local {
	const struct tdm_cfg_res *res;
	const struct tdm_cfg_node *me, *peer;
};

/* Resource @name and this node's and the peer's parts; 0, or an exit code after saying why. */
int tdm_cfg_local(const struct tdm_cfg *cfg, const char *name, struct tdm_local *l);
/* A secret file tandemctl will accept: regular, readable, private. 0 or -1 (said why). */
int tdm_secret_file_ok(const char *path);

/*
 * The shared secret in @path (the file's bytes, without one trailing
 * newline; private, TANDEM_SECRET_MIN..MAX bytes) into @buf
 * (TANDEM_SECRET_MAX + 1); 0 or -1 (said why).
 */
int tdm_read_secret(const char *path, unsigned char *buf, size_t *len);

#endif
