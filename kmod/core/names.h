/* SPDX-License-Identifier: GPL-2.0 */
/* Rules for resource names, shared by the module and tandemctl. */
#ifndef TDM_CORE_NAMES_H
#define TDM_CORE_NAMES_H

#include "core_types.h"

enum tdm_name_err {
	TDM_NAME_OK,
	TDM_NAME_EMPTY,
	TDM_NAME_TOO_LONG,
	TDM_NAME_BAD_CHAR,
	TDM_NAME_BAD_START,
};

/* Check the NUL-terminated @name; at most TANDEM_NAME_MAX bytes are read. */
enum tdm_name_err tdm_name_check(const char *name);
/* A sentence saying what is wrong, for extack and tool messages. */
const char *tdm_name_strerror(enum tdm_name_err err);

#endif /* TDM_CORE_NAMES_H */
