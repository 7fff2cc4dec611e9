// SPDX-License-Identifier: GPL-2.0
/*
 * Resource names become part of messages, file names and udev links, so they
 * are restricted to characters that need no quoting anywhere: letters, digits,
 * '_', '.', '-', not starting with '.' or '-'.
 *
 * The names of enum values below are an interface: status --json, events and
 * dump-md print them, and scripts (the OCF agent, keepalived's check) match
 * them. Change none.
 */
#include "names.h"
#include "ondisk.h"
#include "tandem_netlink.h"

#define TDM_STR(x) TDM_STR2(x)
#define TDM_STR2(x) #x
#define TDM_NAMES(table, v) tdm_lookup(table, sizeof(table) / sizeof(table[0]), v)

static bool tdm_name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

enum tdm_name_err tdm_name_check(const char *name)
{
	size_t i;

	if (!name || !name[0])
		return TDM_NAME_EMPTY;
	if (name[0] == '.' || name[0] == '-')
		return TDM_NAME_BAD_START;
	for (i = 0; i < TANDEM_NAME_MAX; i++) {
		if (!name[i])
			return TDM_NAME_OK;
		if (!tdm_name_char_ok(name[i]))
			return TDM_NAME_BAD_CHAR;
	}
	return TDM_NAME_TOO_LONG;
}

const char *tdm_name_strerror(enum tdm_name_err err)
{
	switch (err) {
	case TDM_NAME_OK:
		return "valid resource name";
	case TDM_NAME_EMPTY:
		return "resource name is empty";
	case TDM_NAME_TOO_LONG:
		return "resource name is too long (at most "
		       TDM_STR(TANDEM_NAME_LEN_MAX) " characters)";
	case TDM_NAME_BAD_CHAR:
		return "resource name may only contain letters, digits, '_', '.' and '-'";
	case TDM_NAME_BAD_START:
		return "resource name must not start with '.' or '-'";
	}
	return "invalid resource name";
}

static const char *const tdm_roles[] = {
	[TANDEM_ROLE_SECONDARY] = "secondary",
	[TANDEM_ROLE_PRIMARY] = "primary",
};

static const char *const tdm_disk_states[] = {
	[TANDEM_DISK_INCONSISTENT] = "inconsistent",
	[TANDEM_DISK_OUTDATED] = "outdated",
	[TANDEM_DISK_CONSISTENT] = "consistent",
	[TANDEM_DISK_UPTODATE] = "uptodate",
	[TANDEM_DISK_FAILED] = "failed",
	[TANDEM_DISK_DISKLESS] = "diskless",
};

static const char *const tdm_sb0_policies[] = {
	[TANDEM_SB0_DISCONNECT] = "disconnect",
	[TANDEM_SB0_DISCARD_ZERO_CHANGES] = "discard-zero-changes",
	[TANDEM_SB0_DISCARD_LEAST_CHANGES] = "discard-least-changes",
	[TANDEM_SB0_DISCARD_YOUNGER_PRIMARY] = "discard-younger-primary",
	[TANDEM_SB0_DISCARD_OLDER_PRIMARY] = "discard-older-primary",
};

static const char *const tdm_sb1_policies[] = {
	[TANDEM_SB1_DISCONNECT] = "disconnect",
	[TANDEM_SB1_DISCARD_SECONDARY] = "discard-secondary",
	[TANDEM_SB1_CONSENSUS] = "consensus",
	[TANDEM_SB1_CALL_PRI_LOST_AFTER_SB] = "call-pri-lost-after-sb",
};

static const char *const tdm_io_error_policies[] = {
	[TANDEM_ON_IO_ERROR_DETACH] = "detach",
	[TANDEM_ON_IO_ERROR_PASS_ON] = "pass-on",
};

static const char *const tdm_conn_states[] = {
	[TANDEM_CONN_STANDALONE] = "standalone",
	[TANDEM_CONN_CONNECTING] = "connecting",
	[TANDEM_CONN_CONNECTED] = "connected",
};

static const char *const tdm_protocols[] = {
	[TANDEM_PROTO_ASYNC] = "async",
	[TANDEM_PROTO_SYNC] = "sync",
};

static const char *const tdm_sync_states[] = {
	[TANDEM_SYNC_STATE_NONE] = "none",
	[TANDEM_SYNC_STATE_SOURCE] = "source",
	[TANDEM_SYNC_STATE_TARGET] = "target",
	[TANDEM_SYNC_STATE_AHEAD] = "ahead",
};

static const char *const tdm_events[] = {
	[TANDEM_EVENT_ATTACH] = "attach",
	[TANDEM_EVENT_DETACH] = "detach",
	[TANDEM_EVENT_ROLE] = "role",
	[TANDEM_EVENT_DISK] = "disk",
	[TANDEM_EVENT_CONNECTION] = "connection",
	[TANDEM_EVENT_PEER] = "peer",
	[TANDEM_EVENT_SYNC] = "sync",
	[TANDEM_EVENT_SYNC_PROGRESS] = "sync_progress",
	[TANDEM_EVENT_SPLIT_BRAIN] = "split_brain",
	[TANDEM_EVENT_VERIFY] = "verify",
	[TANDEM_EVENT_FENCE] = "fence",
	[TANDEM_EVENT_DOWN_LONG] = "down_long",
	[TANDEM_EVENT_HANDLER] = "handler",
	[TANDEM_EVENT_RESIZE] = "resize",
};

static const char *const tdm_handlers[] = {
	[TANDEM_HANDLER_SPLIT_BRAIN] = "split-brain",
	[TANDEM_HANDLER_OUT_OF_SYNC] = "out-of-sync",
	[TANDEM_HANDLER_LOCAL_IO_ERROR] = "local-io-error",
	[TANDEM_HANDLER_BEFORE_RESYNC_TARGET] = "before-resync-target",
	[TANDEM_HANDLER_AFTER_RESYNC_TARGET] = "after-resync-target",
	[TANDEM_HANDLER_PRI_LOST_AFTER_SB] = "pri-lost-after-sb",
};

static const char *const tdm_fencings[] = {
	[TANDEM_FENCING_NONE] = "none",
	[TANDEM_FENCING_RESOURCE_ONLY] = "resource-only",
	[TANDEM_FENCING_RESOURCE_AND_STONITH] = "resource-and-stonith",
};

static const char *const tdm_fence_results[] = {
	[TANDEM_FENCE_RUNNING] = "running",
	[TANDEM_FENCE_PEER_INCONSISTENT] = "peer-inconsistent",
	[TANDEM_FENCE_PEER_OUTDATED] = "peer-outdated",
	[TANDEM_FENCE_PEER_UNREACHABLE] = "peer-unreachable",
	[TANDEM_FENCE_PEER_PRIMARY] = "peer-primary",
	[TANDEM_FENCE_PEER_FENCED] = "peer-fenced",
	[TANDEM_FENCE_FAILED] = "failed",
};

static const struct {
	u32 flag;
	const char *name;
} tdm_md_flags[] = {
	{ TDM_MDF_CONSISTENT, "consistent" },
	{ TDM_MDF_OUTDATED, "outdated" },
	{ TDM_MDF_PRIMARY, "primary" },
	{ TDM_MDF_ATTACHED, "attached" },
	{ TDM_MDF_RESYNC_OWED, "resync-owed" },
	{ TDM_MDF_PRIMARY_AT_SPLIT, "primary-at-split" },
	{ TDM_MDF_EXTERNAL, "external" },
};

static const char *tdm_lookup(const char *const *names, u32 count, u32 v)
{
	return v < count && names[v] ? names[v] : "unknown";
}

const char *tdm_role_name(u32 role)
{
	return TDM_NAMES(tdm_roles, role);
}

const char *tdm_disk_name(u32 disk_state)
{
	return TDM_NAMES(tdm_disk_states, disk_state);
}

const char *tdm_conn_name(u32 conn_state)
{
	return TDM_NAMES(tdm_conn_states, conn_state);
}

const char *tdm_proto_name(u32 protocol)
{
	return TDM_NAMES(tdm_protocols, protocol);
}

const char *tdm_sync_name(u32 sync_state)
{
	return TDM_NAMES(tdm_sync_states, sync_state);
}

const char *tdm_event_name(u32 event)
{
	return TDM_NAMES(tdm_events, event);
}

const char *tdm_fencing_name(u32 fencing)
{
	return TDM_NAMES(tdm_fencings, fencing);
}

const char *tdm_fence_result_name(u32 result)
{
	return TDM_NAMES(tdm_fence_results, result);
}

const char *tdm_handler_name(u32 handler)
{
	return TDM_NAMES(tdm_handlers, handler);
}

const char *tdm_io_error_name(u32 policy)
{
	return TDM_NAMES(tdm_io_error_policies, policy);
}

const char *tdm_sb0_name(u32 policy)
{
	return TDM_NAMES(tdm_sb0_policies, policy);
}

const char *tdm_sb1_name(u32 policy)
{
	return TDM_NAMES(tdm_sb1_policies, policy);
}

static u32 tdm_value(const char *const *names, u32 count, const char *name)
{
	u32 v;

	for (v = 0; v < count; v++)
		if (names[v] && !strcmp(name, names[v]))
			return v;
	return 0;
}

u32 tdm_proto_value(const char *name)
{
	return tdm_value(tdm_protocols, sizeof(tdm_protocols) / sizeof(tdm_protocols[0]), name);
}

u32 tdm_fencing_value(const char *name)
{
	return tdm_value(tdm_fencings, sizeof(tdm_fencings) / sizeof(tdm_fencings[0]), name);
}

u32 tdm_sb0_value(const char *name)
{
	return tdm_value(tdm_sb0_policies, sizeof(tdm_sb0_policies) / sizeof(tdm_sb0_policies[0]),
			 name);
}

u32 tdm_sb1_value(const char *name)
{
	return tdm_value(tdm_sb1_policies, sizeof(tdm_sb1_policies) / sizeof(tdm_sb1_policies[0]),
			 name);
}

u32 tdm_handler_value(const char *name)
{
	return tdm_value(tdm_handlers, sizeof(tdm_handlers) / sizeof(tdm_handlers[0]), name);
}

u32 tdm_io_error_value(const char *name)
{
	return tdm_value(tdm_io_error_policies,
			 sizeof(tdm_io_error_policies) / sizeof(tdm_io_error_policies[0]), name);
}

const char *tdm_md_flag_name(u32 flag)
{
	size_t i;

	for (i = 0; i < sizeof(tdm_md_flags) / sizeof(tdm_md_flags[0]); i++)
		if (tdm_md_flags[i].flag == flag)
			return tdm_md_flags[i].name;
	return NULL;
}
