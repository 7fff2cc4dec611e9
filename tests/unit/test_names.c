// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "core/ondisk.h"
#include "core/names.h"
#include "tandem_netlink.h"

static void test_valid(void)
{
	static const char *const ok[] = { "r0", "mysql", "a", "web_root.1", "R-2", "0", "x.", "a-" };
	unsigned int i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		CHECK_EQ(tdm_name_check(ok[i]), TDM_NAME_OK);
}

static void test_invalid(void)
{
	CHECK_EQ(tdm_name_check(NULL), TDM_NAME_EMPTY);
	CHECK_EQ(tdm_name_check(""), TDM_NAME_EMPTY);
	CHECK_EQ(tdm_name_check(".hidden"), TDM_NAME_BAD_START);
	CHECK_EQ(tdm_name_check("-opt"), TDM_NAME_BAD_START);
	CHECK_EQ(tdm_name_check("a b"), TDM_NAME_BAD_CHAR);
	CHECK_EQ(tdm_name_check("a/b"), TDM_NAME_BAD_CHAR);
	CHECK_EQ(tdm_name_check("r0\n"), TDM_NAME_BAD_CHAR);
	CHECK_EQ(tdm_name_check("caf\xc3\xa9"), TDM_NAME_BAD_CHAR);
	CHECK_EQ(tdm_name_check("a:b"), TDM_NAME_BAD_CHAR);
}

/* The limit is TANDEM_NAME_MAX - 1 characters; the check never reads past TANDEM_NAME_MAX. */
static void test_length(void)
{
	char buf[TANDEM_NAME_MAX + 1];
	char *exact;

	memset(buf, 'a', sizeof(buf));
	buf[TANDEM_NAME_MAX - 1] = '\0';
	CHECK_EQ(tdm_name_check(buf), TDM_NAME_OK);
	buf[TANDEM_NAME_MAX - 1] = 'a';
	buf[TANDEM_NAME_MAX] = '\0';
	CHECK_EQ(tdm_name_check(buf), TDM_NAME_TOO_LONG);

	/* Exactly TANDEM_NAME_MAX bytes on the heap, none NUL: ASan sees any over-read. */
	exact = malloc(TANDEM_NAME_MAX);
	memset(exact, 'b', TANDEM_NAME_MAX);
	CHECK_EQ(tdm_name_check(exact), TDM_NAME_TOO_LONG);
	free(exact);
}

static void test_messages(void)
{
	char limit[16];
	int e;

	for (e = TDM_NAME_OK; e <= TDM_NAME_BAD_START; e++) {
		const char *m = tdm_name_strerror(e);

		CHECK(m != NULL && strlen(m) > 10);
	}
	snprintf(limit, sizeof(limit), " %d ", TANDEM_NAME_MAX - 1);
	CHECK(strstr(tdm_name_strerror(TDM_NAME_TOO_LONG), limit) != NULL);
	CHECK_EQ(TANDEM_NAME_MAX, TANDEM_NAME_LEN_MAX + 1);
}

/*
 * The names of enum values are what status --json, events and dump-md
 * print, and what scripts match: each one, spelled out.
 */
static void test_enum_names(void)
{
	CHECK_STR(tdm_role_name(TANDEM_ROLE_SECONDARY), "secondary");
	CHECK_STR(tdm_role_name(TANDEM_ROLE_PRIMARY), "primary");
	CHECK_STR(tdm_disk_name(TANDEM_DISK_INCONSISTENT), "inconsistent");
	CHECK_STR(tdm_disk_name(TANDEM_DISK_OUTDATED), "outdated");
	CHECK_STR(tdm_disk_name(TANDEM_DISK_CONSISTENT), "consistent");
	CHECK_STR(tdm_disk_name(TANDEM_DISK_UPTODATE), "uptodate");
	CHECK_STR(tdm_conn_name(TANDEM_CONN_STANDALONE), "standalone");
	CHECK_STR(tdm_conn_name(TANDEM_CONN_CONNECTING), "connecting");
	CHECK_STR(tdm_conn_name(TANDEM_CONN_CONNECTED), "connected");
	CHECK_STR(tdm_proto_name(TANDEM_PROTO_ASYNC), "async");
	CHECK_STR(tdm_proto_name(TANDEM_PROTO_SYNC), "sync");
	CHECK_STR(tdm_sync_name(TANDEM_SYNC_STATE_NONE), "none");
	CHECK_STR(tdm_sync_name(TANDEM_SYNC_STATE_SOURCE), "source");
	CHECK_STR(tdm_sync_name(TANDEM_SYNC_STATE_TARGET), "target");
	CHECK_STR(tdm_sync_name(TANDEM_SYNC_STATE_AHEAD), "ahead");
	CHECK_STR(tdm_event_name(TANDEM_EVENT_ATTACH), "attach");
	CHECK_STR(tdm_event_name(TANDEM_EVENT_DETACH), "detach");
	CHECK_STR(tdm_event_name(TANDEM_EVENT_ROLE), "role");
	CHECK_STR(tdm_event_name(TANDEM_EVENT_DISK), "disk");
	CHECK_STR(tdm_event_name(TANDEM_EVENT_CONNECTION), "connection");
	CHECK_STR(tdm_event_name(TANDEM_EVENT_PEER), "peer");
	CHECK_STR(tdm_event_name(TANDEM_EVENT_SYNC), "sync");
	CHECK_STR(tdm_event_name(TANDEM_EVENT_SYNC_PROGRESS), "sync_progress");
	CHECK_STR(tdm_event_name(TANDEM_EVENT_SPLIT_BRAIN), "split_brain");
	CHECK_STR(tdm_event_name(TANDEM_EVENT_VERIFY), "verify");
	CHECK_STR(tdm_event_name(TANDEM_EVENT_FENCE), "fence");
	CHECK_STR(tdm_event_name(TANDEM_EVENT_DOWN_LONG), "down_long");
	CHECK_STR(tdm_event_name(TANDEM_EVENT_HANDLER), "handler");
	CHECK_STR(tdm_event_name(TANDEM_EVENT_RESIZE), "resize");
	CHECK_STR(tdm_handler_name(TANDEM_HANDLER_SPLIT_BRAIN), "split-brain");
	CHECK_STR(tdm_handler_name(TANDEM_HANDLER_OUT_OF_SYNC), "out-of-sync");
	CHECK_STR(tdm_handler_name(TANDEM_HANDLER_LOCAL_IO_ERROR), "local-io-error");
	CHECK_STR(tdm_handler_name(TANDEM_HANDLER_BEFORE_RESYNC_TARGET), "before-resync-target");
	CHECK_STR(tdm_handler_name(TANDEM_HANDLER_AFTER_RESYNC_TARGET), "after-resync-target");
	CHECK_STR(tdm_handler_name(TANDEM_HANDLER_PRI_LOST_AFTER_SB), "pri-lost-after-sb");
	CHECK_STR(tdm_fencing_name(TANDEM_FENCING_NONE), "none");
	CHECK_STR(tdm_fencing_name(TANDEM_FENCING_RESOURCE_ONLY), "resource-only");
	CHECK_STR(tdm_fencing_name(TANDEM_FENCING_RESOURCE_AND_STONITH), "resource-and-stonith");
	CHECK_STR(tdm_fence_result_name(TANDEM_FENCE_RUNNING), "running");
	CHECK_STR(tdm_fence_result_name(TANDEM_FENCE_PEER_INCONSISTENT), "peer-inconsistent");
	CHECK_STR(tdm_fence_result_name(TANDEM_FENCE_PEER_OUTDATED), "peer-outdated");
	CHECK_STR(tdm_fence_result_name(TANDEM_FENCE_PEER_UNREACHABLE), "peer-unreachable");
	CHECK_STR(tdm_fence_result_name(TANDEM_FENCE_PEER_PRIMARY), "peer-primary");
	CHECK_STR(tdm_fence_result_name(TANDEM_FENCE_PEER_FENCED), "peer-fenced");
	CHECK_STR(tdm_fence_result_name(TANDEM_FENCE_FAILED), "failed");
	CHECK_STR(tdm_disk_name(TANDEM_DISK_DISKLESS), "diskless");
	CHECK_STR(tdm_io_error_name(TANDEM_ON_IO_ERROR_DETACH), "detach");
	CHECK_STR(tdm_io_error_name(TANDEM_ON_IO_ERROR_PASS_ON), "pass-on");
}

/* 0 (never sent), and values past each table (a newer module): "unknown". */
static void test_enum_unknown(void)
{
	const char *(*const fns[])(u32) = {
		tdm_role_name, tdm_disk_name, tdm_conn_name, tdm_proto_name, tdm_sync_name,
		tdm_event_name, tdm_fencing_name, tdm_fence_result_name, tdm_io_error_name,
		tdm_handler_name,
	};
	unsigned int i;

	for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		CHECK_STR(fns[i](0), "unknown");
		CHECK_STR(fns[i](__TANDEM_EVENT_MAX), "unknown");
		CHECK_STR(fns[i](0xffffffff), "unknown");
	}
	CHECK_STR(tdm_disk_name(TANDEM_DISK_FAILED), "failed");
	CHECK_STR(tdm_disk_name(TANDEM_DISK_DISKLESS + 1), "unknown");
	CHECK_STR(tdm_io_error_name(TANDEM_ON_IO_ERROR_PASS_ON + 1), "unknown");
	CHECK_STR(tdm_sync_name(TANDEM_SYNC_STATE_AHEAD + 1), "unknown");
	CHECK_STR(tdm_fencing_name(TANDEM_FENCING_RESOURCE_AND_STONITH + 1), "unknown");
	CHECK_STR(tdm_fence_result_name(TANDEM_FENCE_FAILED + 1), "unknown");
	CHECK_STR(tdm_handler_name(__TANDEM_HANDLER_MAX), "unknown");
}

static void test_proto_value(void)
{
	CHECK_EQ(tdm_proto_value("async"), TANDEM_PROTO_ASYNC);
	CHECK_EQ(tdm_proto_value("sync"), TANDEM_PROTO_SYNC);
	CHECK_EQ(tdm_proto_value("C"), 0);
	CHECK_EQ(tdm_proto_value(""), 0);
	CHECK_EQ(tdm_proto_value("unknown"), 0);
	CHECK_EQ(tdm_proto_value("Sync"), 0);
	CHECK_EQ(tdm_fencing_value("none"), TANDEM_FENCING_NONE);
	CHECK_EQ(tdm_fencing_value("resource-only"), TANDEM_FENCING_RESOURCE_ONLY);
	CHECK_EQ(tdm_fencing_value("resource-and-stonith"), TANDEM_FENCING_RESOURCE_AND_STONITH);
	CHECK_EQ(tdm_fencing_value("stonith"), 0);
	CHECK_EQ(tdm_fencing_value(""), 0);
	CHECK_EQ(tdm_fencing_value("unknown"), 0);
	CHECK_EQ(tdm_io_error_value("detach"), TANDEM_ON_IO_ERROR_DETACH);
	CHECK_EQ(tdm_io_error_value("pass-on"), TANDEM_ON_IO_ERROR_PASS_ON);
	CHECK_EQ(tdm_io_error_value("pass_on"), 0);
	CHECK_EQ(tdm_handler_value("split-brain"), TANDEM_HANDLER_SPLIT_BRAIN);
	CHECK_EQ(tdm_handler_value("after-resync-target"), TANDEM_HANDLER_AFTER_RESYNC_TARGET);
	CHECK_EQ(tdm_handler_value("fence-peer"), 0);
	CHECK_EQ(tdm_sb0_value("discard-zero-changes"), TANDEM_SB0_DISCARD_ZERO_CHANGES);
	CHECK_EQ(tdm_sb0_value("discard-least-changes"), TANDEM_SB0_DISCARD_LEAST_CHANGES);
	CHECK_EQ(tdm_sb0_value("disconnect"), TANDEM_SB0_DISCONNECT);
	CHECK_EQ(tdm_sb0_value("discard-younger-primary"), TANDEM_SB0_DISCARD_YOUNGER_PRIMARY);
	CHECK_EQ(tdm_sb0_value("discard-older-primary"), TANDEM_SB0_DISCARD_OLDER_PRIMARY);
	CHECK_STR(tdm_sb0_name(TANDEM_SB0_DISCARD_OLDER_PRIMARY), "discard-older-primary");
	CHECK_EQ(tdm_sb0_value("discard-secondary"), 0);
	CHECK_EQ(tdm_sb1_value("discard-secondary"), TANDEM_SB1_DISCARD_SECONDARY);
	CHECK_EQ(tdm_sb1_value("consensus"), TANDEM_SB1_CONSENSUS);
	CHECK_EQ(tdm_sb1_value("discard-zero-changes"), 0);
	CHECK_STR(tdm_sb0_name(TANDEM_SB0_DISCARD_LEAST_CHANGES), "discard-least-changes");
	CHECK_EQ(tdm_sb1_value("call-pri-lost-after-sb"), TANDEM_SB1_CALL_PRI_LOST_AFTER_SB);
	CHECK_STR(tdm_sb1_name(TANDEM_SB1_CALL_PRI_LOST_AFTER_SB + 1), "unknown");
	CHECK_EQ(tdm_io_error_value(""), 0);
}

static void test_md_flags(void)
{
	u32 bit;

	CHECK_STR(tdm_md_flag_name(TDM_MDF_CONSISTENT), "consistent");
	CHECK_STR(tdm_md_flag_name(TDM_MDF_OUTDATED), "outdated");
	CHECK_STR(tdm_md_flag_name(TDM_MDF_PRIMARY), "primary");
	CHECK_STR(tdm_md_flag_name(TDM_MDF_ATTACHED), "attached");
	CHECK_STR(tdm_md_flag_name(TDM_MDF_RESYNC_OWED), "resync-owed");
	CHECK(tdm_md_flag_name(0) == NULL);
	CHECK(tdm_md_flag_name(TDM_MDF_CONSISTENT | TDM_MDF_OUTDATED) == NULL);
	/* Every flag has a name, and no other bit does. */
	for (bit = 1; bit; bit <<= 1)
		CHECK_EQ(tdm_md_flag_name(bit) != NULL, (bit & TDM_MDF_ALL) != 0);
}

void test_names(void)
{
	test_valid();
	test_invalid();
	test_length();
	test_messages();
	test_enum_names();
	test_enum_unknown();
	test_proto_value();
	test_md_flags();
}
