/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Names shared by the module and tandemctl: the rules for resource names,
 * and the one table of names of each UAPI enum's values and of the
 * metadata flags, as status, events and dump-md show them. All functions
 * may be called in any context.
 */
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

/* The name of a value of enum tandem_role, _disk_state...; "unknown" for any other value. */
const char *tdm_role_name(u32 role);
const char *tdm_disk_name(u32 disk_state);
const char *tdm_conn_name(u32 conn_state);
const char *tdm_proto_name(u32 protocol);
const char *tdm_sync_name(u32 sync_state);
const char *tdm_event_name(u32 event);
const char *tdm_fencing_name(u32 fencing);
const char *tdm_fence_result_name(u32 result);
const char *tdm_io_error_name(u32 policy);
const char *tdm_handler_name(u32 handler);
const char *tdm_sb0_name(u32 policy);
const char *tdm_sb1_name(u32 policy);
/*
 * The enum tandem_protocol (tandem_fencing, tandem_on_io_error,
 * tandem_after_sb_0pri, _1pri, tandem_handler) value named @name, or 0.
 */
u32 tdm_proto_value(const char *name);
u32 tdm_fencing_value(const char *name);
u32 tdm_io_error_value(const char *name);
u32 tdm_handler_value(const char *name);
u32 tdm_sb0_value(const char *name);
u32 tdm_sb1_value(const char *name);
/* The name of one TDM_MDF_* superblock flag, or NULL if @flag is not one. */
const char *tdm_md_flag_name(u32 flag);

#endif /* TDM_CORE_NAMES_H */
