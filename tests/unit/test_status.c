// SPDX-License-Identifier: GPL-2.0
/*
 * Status (tools/status.c, print.c): replies built as the module builds them,
 * decoded and printed. A record's expected text is what tandemctl printed
 * before status had its block form: status --json and events print it, and
 * scripts read it, so it must stay byte for byte.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "unit.h"
#include "output.h"
#include "print.h"
#include "status.h"
#include "tandem_netlink.h"

/* Every counter of the nested stats attribute, distinct: @base * 1000 * attr + attr. */
static void put_stats(struct nl_msg *m, uint64_t base)
{
	struct nlattr *nest = nla_nest_start(m, TANDEM_A_STATS);
	int i;

	for (i = TANDEM_STAT_READS; i <= TANDEM_STAT_MAX; i++)
		if (i != TANDEM_STAT_PAD)
			nla_put_u64(m, i, base * i * 1000 + i);
	nla_nest_end(m, nest);
}

static void put_endpoint(struct nl_msg *m, int addr_attr, int port_attr, const char *addr,
			 uint16_t port)
{
	unsigned char a[16];
	int v6 = strchr(addr, ':') != NULL;

	inet_pton(v6 ? AF_INET6 : AF_INET, addr, a);
	nla_put(m, addr_attr, v6 ? 16 : 4, a);
	nla_put_u16(m, port_attr, port);
}

static void put_device(struct nl_msg *m, const char *name, uint32_t minor, uint32_t role,
		       uint32_t disk, uint32_t conn)
{
	nla_put_string(m, TANDEM_A_RES_NAME, name);
	nla_put_u32(m, TANDEM_A_MINOR, minor);
	nla_put_string(m, TANDEM_A_DISK, "/dev/vdb");
	nla_put_u64(m, TANDEM_A_SIZE, 1073737728ULL);
	nla_put_u32(m, TANDEM_A_OPEN_COUNT, 1);
	nla_put_u32(m, TANDEM_A_ROLE, role);
	nla_put_u32(m, TANDEM_A_DISK_STATE, disk);
	nla_put_u32(m, TANDEM_A_CONN_STATE, conn);
}

static void put_progress(struct nl_msg *m, uint64_t total, uint64_t done, uint32_t ms)
{
	nla_put_u64(m, TANDEM_A_SYNC_TOTAL, total);
	nla_put_u64(m, TANDEM_A_SYNC_DONE, done);
	nla_put_u32(m, TANDEM_A_SYNC_ELAPSED_MS, ms);
}

static void put_verify(struct nl_msg *m, int running, uint64_t total, uint64_t done,
		       uint64_t diff)
{
	nla_put_u8(m, TANDEM_A_VERIFY_RUNNING, running);
	nla_put_u64(m, TANDEM_A_VERIFY_TOTAL, total);
	nla_put_u64(m, TANDEM_A_VERIFY_DONE, done);
	nla_put_u64(m, TANDEM_A_VERIFY_DIFF, diff);
}

/* A detach event: the name alone. */
static void put_detach(struct nl_msg *m)
{
	nla_put_string(m, TANDEM_A_RES_NAME, "r0");
}

static void put_standalone(struct nl_msg *m)
{
	put_device(m, "r0", 0, TANDEM_ROLE_SECONDARY, TANDEM_DISK_CONSISTENT,
		   TANDEM_CONN_STANDALONE);
	nla_put_u64(m, TANDEM_A_OUT_OF_SYNC, 0);
	put_stats(m, 1);
}

/* A primary whose disk failed: the count and the first error's time. */
static void put_failed(struct nl_msg *m)
{
	put_device(m, "r0", 0, TANDEM_ROLE_PRIMARY, TANDEM_DISK_FAILED, TANDEM_CONN_STANDALONE);
	nla_put_u32(m, TANDEM_A_ON_IO_ERROR, TANDEM_ON_IO_ERROR_PASS_ON);
	nla_put_u64(m, TANDEM_A_DISK_ERRORS, 3);
	nla_put_u64(m, TANDEM_A_FIRST_DISK_ERROR, 1795712343);
	nla_put_u64(m, TANDEM_A_OUT_OF_SYNC, 4096);
}

static void put_connected(struct nl_msg *m)
{
	put_device(m, "web.1", 7, TANDEM_ROLE_PRIMARY, TANDEM_DISK_UPTODATE,
		   TANDEM_CONN_CONNECTED);
	nla_put_string(m, TANDEM_A_META_DISK, "/dev/vdc");
	nla_put_u64(m, TANDEM_A_OUT_OF_SYNC, 0);
	nla_put_u32(m, TANDEM_A_PROTOCOL, TANDEM_PROTO_SYNC);
	put_endpoint(m, TANDEM_A_LOCAL_ADDR, TANDEM_A_LOCAL_PORT, "10.99.0.1", 7789);
	put_endpoint(m, TANDEM_A_PEER_ADDR, TANDEM_A_PEER_PORT, "10.99.0.2", 7789);
	nla_put_u32(m, TANDEM_A_TIMEOUT_MS, 2500);
	nla_put_u32(m, TANDEM_A_PEER_ROLE, TANDEM_ROLE_SECONDARY);
	nla_put_u32(m, TANDEM_A_PEER_DISK_STATE, TANDEM_DISK_UPTODATE);
	nla_put_u8(m, TANDEM_A_AUTHENTICATED, 1);
	nla_put_u32(m, TANDEM_A_SYNC_STATE, TANDEM_SYNC_STATE_NONE);
	put_stats(m, 3);
}

/* Async over IPv6, resyncing to the peer at 100 MiB/s, a verify running. */
static void put_source(struct nl_msg *m)
{
	put_device(m, "r0", 1023, TANDEM_ROLE_PRIMARY, TANDEM_DISK_UPTODATE,
		   TANDEM_CONN_CONNECTED);
	nla_put_u64(m, TANDEM_A_OUT_OF_SYNC, 700ULL << 20);
	nla_put_u32(m, TANDEM_A_PROTOCOL, TANDEM_PROTO_ASYNC);
	put_endpoint(m, TANDEM_A_LOCAL_ADDR, TANDEM_A_LOCAL_PORT, "fd00::1", 7790);
	put_endpoint(m, TANDEM_A_PEER_ADDR, TANDEM_A_PEER_PORT, "fd00::2", 7790);
	nla_put_u32(m, TANDEM_A_RESYNC_RATE, 500);
	nla_put_u32(m, TANDEM_A_TIMEOUT_MS, 3000);
	nla_put_u32(m, TANDEM_A_CONGESTION_LIMIT, 64);
	nla_put_u32(m, TANDEM_A_PEER_ROLE, TANDEM_ROLE_SECONDARY);
	nla_put_u32(m, TANDEM_A_PEER_DISK_STATE, TANDEM_DISK_INCONSISTENT);
	nla_put_u8(m, TANDEM_A_AUTHENTICATED, 0);
	nla_put_u32(m, TANDEM_A_SYNC_STATE, TANDEM_SYNC_STATE_SOURCE);
	put_progress(m, 1ULL << 30, 300ULL << 20, 3000);
	put_verify(m, 1, 1ULL << 30, 1ULL << 28, 8192);
	put_stats(m, 5);
}

/* A resync that has just begun: nothing done, no time elapsed, no speed. */
static void put_target_start(struct nl_msg *m)
{
	put_device(m, "r0", 0, TANDEM_ROLE_SECONDARY, TANDEM_DISK_INCONSISTENT,
		   TANDEM_CONN_CONNECTED);
	nla_put_u64(m, TANDEM_A_OUT_OF_SYNC, 5ULL << 20);
	nla_put_u32(m, TANDEM_A_PROTOCOL, TANDEM_PROTO_SYNC);
	put_endpoint(m, TANDEM_A_LOCAL_ADDR, TANDEM_A_LOCAL_PORT, "10.99.0.2", 7789);
	put_endpoint(m, TANDEM_A_PEER_ADDR, TANDEM_A_PEER_PORT, "10.99.0.1", 7789);
	nla_put_u32(m, TANDEM_A_TIMEOUT_MS, 2500);
	nla_put_u32(m, TANDEM_A_PEER_ROLE, TANDEM_ROLE_PRIMARY);
	nla_put_u32(m, TANDEM_A_PEER_DISK_STATE, TANDEM_DISK_UPTODATE);
	nla_put_u8(m, TANDEM_A_AUTHENTICATED, 0);
	nla_put_u32(m, TANDEM_A_SYNC_STATE, TANDEM_SYNC_STATE_TARGET);
	put_progress(m, 0, 0, 0);
	put_stats(m, 0);
}

/* Not connected, with the peer's reason (quotes, backslash, control characters). */
static void put_connecting(struct nl_msg *m)
{
	put_device(m, "r0", 0, TANDEM_ROLE_SECONDARY, TANDEM_DISK_OUTDATED,
		   TANDEM_CONN_CONNECTING);
	nla_put_u64(m, TANDEM_A_OUT_OF_SYNC, 12345);
	nla_put_u32(m, TANDEM_A_PROTOCOL, TANDEM_PROTO_SYNC);
	put_endpoint(m, TANDEM_A_LOCAL_ADDR, TANDEM_A_LOCAL_PORT, "10.99.0.2", 7789);
	put_endpoint(m, TANDEM_A_PEER_ADDR, TANDEM_A_PEER_PORT, "10.99.0.1", 7789);
	nla_put_u32(m, TANDEM_A_TIMEOUT_MS, 2500);
	nla_put_u32(m, TANDEM_A_PEER_DISK_STATE, TANDEM_DISK_OUTDATED);
	nla_put_string(m, TANDEM_A_LAST_ERROR, "the peer says: \"split\\brain\"\n\ttab");
	put_verify(m, 0, 1ULL << 30, 1ULL << 30, 3ULL << 20);
	put_stats(m, 2);
}

/* A primary whose writes fencing froze: the handler said the peer is unreachable. */
static void put_fenced(struct nl_msg *m)
{
	put_device(m, "r0", 0, TANDEM_ROLE_PRIMARY, TANDEM_DISK_UPTODATE,
		   TANDEM_CONN_CONNECTING);
	nla_put_u64(m, TANDEM_A_OUT_OF_SYNC, 8192);
	nla_put_u32(m, TANDEM_A_PROTOCOL, TANDEM_PROTO_SYNC);
	nla_put_u32(m, TANDEM_A_PEER_DISK_STATE, TANDEM_DISK_OUTDATED);
	nla_put_u32(m, TANDEM_A_FENCING, TANDEM_FENCING_RESOURCE_AND_STONITH);
	nla_put_string(m, TANDEM_A_FENCE_PEER, "/usr/lib/tandem/fence");
	nla_put_u8(m, TANDEM_A_IO_FROZEN, 1);
	nla_put_u64(m, TANDEM_A_DOWN_MS, 130500);
	nla_put_u32(m, TANDEM_A_FENCE_RESULT, TANDEM_FENCE_PEER_UNREACHABLE);
}

/* Handlers configured; the split-brain one was killed. */
static void put_handlers(struct nl_msg *m)
{
	struct nlattr *nest;

	put_device(m, "r0", 0, TANDEM_ROLE_SECONDARY, TANDEM_DISK_UPTODATE,
		   TANDEM_CONN_STANDALONE);
	nest = nla_nest_start(m, TANDEM_A_HANDLERS);
	nla_put_string(m, TANDEM_HANDLER_SPLIT_BRAIN, "/usr/lib/tandem/notify");
	nla_put_string(m, TANDEM_HANDLER_BEFORE_RESYNC_TARGET, "/usr/lib/tandem/snapshot-lvm");
	nla_nest_end(m, nest);
	nla_put_u32(m, TANDEM_A_HANDLER_LAST, TANDEM_HANDLER_SPLIT_BRAIN);
	nla_put_s32(m, TANDEM_A_HANDLER_EXIT, -1);
}

/* Values this tandemctl does not know (a newer module), and pull-ahead. */
static void put_unknown(struct nl_msg *m)
{
	put_device(m, "r0", 3, 7, 0, 9);
	nla_put_u64(m, TANDEM_A_OUT_OF_SYNC, 1ULL << 50);
	nla_put_u32(m, TANDEM_A_PROTOCOL, 5);
	nla_put_u32(m, TANDEM_A_PEER_ROLE, 9);
	nla_put_u32(m, TANDEM_A_PEER_DISK_STATE, 9);
	nla_put_u32(m, TANDEM_A_SYNC_STATE, TANDEM_SYNC_STATE_AHEAD);
	put_stats(m, 1000000);
}

/* More out of sync than when the resync began (writes since): 0% done. */
static void put_target(struct nl_msg *m)
{
	put_device(m, "r0", 0, TANDEM_ROLE_PRIMARY, TANDEM_DISK_UPTODATE, TANDEM_CONN_CONNECTED);
	nla_put_u64(m, TANDEM_A_OUT_OF_SYNC, 3ULL << 30);
	nla_put_u32(m, TANDEM_A_PROTOCOL, TANDEM_PROTO_SYNC);
	nla_put_u32(m, TANDEM_A_SYNC_STATE, TANDEM_SYNC_STATE_TARGET);
	put_progress(m, 1ULL << 30, 1ULL << 20, 7);
}

/* As put_target, slower: minutes, then hours left. */
static void put_target_minutes(struct nl_msg *m)
{
	put_device(m, "r0", 0, TANDEM_ROLE_SECONDARY, TANDEM_DISK_INCONSISTENT,
		   TANDEM_CONN_CONNECTED);
	nla_put_u64(m, TANDEM_A_OUT_OF_SYNC, 3ULL << 30);
	nla_put_u32(m, TANDEM_A_SYNC_STATE, TANDEM_SYNC_STATE_TARGET);
	put_progress(m, 4ULL << 30, 1ULL << 20, 700);
}

static void put_target_hours(struct nl_msg *m)
{
	put_device(m, "r0", 0, TANDEM_ROLE_SECONDARY, TANDEM_DISK_INCONSISTENT,
		   TANDEM_CONN_CONNECTED);
	nla_put_u64(m, TANDEM_A_OUT_OF_SYNC, 3ULL << 30);
	nla_put_u32(m, TANDEM_A_SYNC_STATE, TANDEM_SYNC_STATE_TARGET);
	put_progress(m, 4ULL << 30, 1ULL << 20, 7000);
}

/* No disk, open count, role, disk state or counters. */
static void put_bare(struct nl_msg *m)
{
	nla_put_string(m, TANDEM_A_RES_NAME, "x");
	nla_put_u32(m, TANDEM_A_MINOR, 2);
	nla_put_u32(m, TANDEM_A_CONN_STATE, TANDEM_CONN_STANDALONE);
}

/* The reply @put builds, decoded; 0 or what tdm_status_decode() said. */
static int decode(void (*put)(struct nl_msg *m), struct tdm_status *st)
{
	struct nlattr *attrs[TANDEM_A_MAX + 1];
	struct nl_msg *m = nlmsg_alloc();
	int ret;

	genlmsg_put(m, 0, 0, 20, 0, 0, TANDEM_CMD_STATUS, TANDEM_GENL_VERSION);
	put(m);
	ret = genlmsg_parse(nlmsg_hdr(m), 0, attrs, TANDEM_A_MAX, NULL) ?:
	      tdm_status_decode(attrs, st);
	nlmsg_free(m);
	return ret;
}

/* stdout into a temporary file, between capture_begin() and capture_end(). */
static FILE *capture_file;
static int capture_saved;

static void capture_begin(void)
{
	fflush(stdout);
	capture_file = tmpfile();
	capture_saved = dup(STDOUT_FILENO);
	dup2(fileno(capture_file), STDOUT_FILENO);
}

/* What was printed, NUL-terminated, in @buf. */
static void capture_end(char *buf, size_t len)
{
	size_t n;

	fflush(stdout);
	dup2(capture_saved, STDOUT_FILENO);
	close(capture_saved);
	rewind(capture_file);
	n = fread(buf, 1, len - 1, capture_file);
	buf[n] = '\0';
	fclose(capture_file);
}

static const struct {
	void (*put)(struct nl_msg *m);
	const char *event;
	bool json;
	const char *want;
} records[] = {
	{ put_detach, "exists", false,
	  "event:exists name:r0\n" },
	{ put_detach, "exists", true,
	  "{\"event\":\"exists\",\"name\":\"r0\"}\n" },
	{ put_failed, NULL, true,
	  "{\"name\":\"r0\",\"minor\":0,\"device\":\"/dev/tandem0\",\"disk\":\"/dev/vdb"
	  "\",\"size\":1073737728,\"open_count\":1,\"role\":\"primary\",\"disk_state"
	  "\":\"failed\",\"on_io_error\":\"pass-on\",\"disk_errors\":3,\"first_disk_error\":\"2026-11-26T16:59:03Z\","
	  "\"connection\":\"standalone\",\"out_of_sync\":4096}\n" },
	{ put_standalone, NULL, true,
	  "{\"name\":\"r0\",\"minor\":0,\"device\":\"/dev/tandem0\",\"disk\":\"/dev/vdb"
	  "\",\"size\":1073737728,\"open_count\":1,\"role\":\"secondary\",\"disk_state"
	  "\":\"consistent\",\"connection\":\"standalone\",\"out_of_sync\":0,\"io\":{\""
	  "reads\":1001,\"read_bytes\":2002,\"writes\":3003,\"write_bytes\":4004,\"flus"
	  "hes\":5005,\"discards\":6006,\"errors\":7007}}\n" },
	{ put_standalone, "sync_progress", false,
	  "event:sync_progress name:r0 minor:0 device:/dev/tandem0 disk:/dev/vdb size:1"
	  "024.0MiB open_count:1 role:secondary disk_state:consistent connection:standa"
	  "lone out_of_sync:0B\n" },
	{ put_connected, NULL, true,
	  "{\"name\":\"web.1\",\"minor\":7,\"device\":\"/dev/tandem7\",\"disk\":\"/dev/"
	  "vdb\",\"meta_disk\":\"/dev/vdc\",\"size\":1073737728,\"open_count\":1,\"role\":\"primary\",\"disk_state"
	  "\":\"uptodate\",\"connection\":\"connected\",\"protocol\":\"sync\",\"local\""
	  ":\"10.99.0.1:7789\",\"peer\":\"10.99.0.2:7789\",\"peer_role\":\"secondary\","
	  "\"peer_disk_state\":\"uptodate\",\"timeout_ms\":2500,\"authentication\":\"hm"
	  "ac-sha256\",\"out_of_sync\":0,\"sync\":\"none\",\"io\":{\"reads\":3001,\"rea"
	  "d_bytes\":6002,\"writes\":9003,\"write_bytes\":12004,\"flushes\":15005,\"dis"
	  "cards\":18006,\"errors\":21007},\"net\":{\"pending\":27009,\"unacked\":30010"
	  ",\"sent\":33011,\"sent_bytes\":36012,\"received\":39013,\"received_bytes\":4"
	  "2014}}\n" },
	{ put_connected, "exists", true,
	  "{\"event\":\"exists\",\"name\":\"web.1\",\"minor\":7,\"device\":\"/dev/tande"
	  "m7\",\"disk\":\"/dev/vdb\",\"meta_disk\":\"/dev/vdc\",\"size\":1073737728,\"open_count\":1,\"role\":\"p"
	  "rimary\",\"disk_state\":\"uptodate\",\"connection\":\"connected\",\"protocol"
	  "\":\"sync\",\"local\":\"10.99.0.1:7789\",\"peer\":\"10.99.0.2:7789\",\"peer_"
	  "role\":\"secondary\",\"peer_disk_state\":\"uptodate\",\"timeout_ms\":2500,\""
	  "authentication\":\"hmac-sha256\",\"out_of_sync\":0,\"sync\":\"none\"}\n" },
	{ put_connected, "sync_progress", false,
	  "event:sync_progress name:web.1 minor:7 device:/dev/tandem7 disk:/dev/vdb met"
	  "a_disk:/dev/vdc size:1024.0MiB open_count:1 role:primary disk_state:uptodate connection:connect"
	  "ed protocol:sync local:10.99.0.1:7789 peer:10.99.0.2:7789 peer_role:secondar"
	  "y peer_disk_state:uptodate timeout_ms:2500 authentication:hmac-sha256 out_of"
	  "_sync:0B sync:none\n" },
	{ put_source, NULL, true,
	  "{\"name\":\"r0\",\"minor\":1023,\"device\":\"/dev/tandem1023\",\"disk\":\"/d"
	  "ev/vdb\",\"size\":1073737728,\"open_count\":1,\"role\":\"primary\",\"disk_st"
	  "ate\":\"uptodate\",\"connection\":\"connected\",\"protocol\":\"async\",\"loc"
	  "al\":\"[fd00::1]:7790\",\"peer\":\"[fd00::2]:7790\",\"peer_role\":\"secondar"
	  "y\",\"peer_disk_state\":\"inconsistent\",\"resync_rate_mib\":500,\"timeout_m"
	  "s\":3000,\"congestion_limit_mib\":64,\"authentication\":\"none\",\"out_of_sy"
	  "nc\":734003200,\"sync\":\"source\",\"sync_percent\":\"31.6\",\"sync_done\":3"
	  "14572800,\"sync_speed\":104857600,\"sync_eta_s\":7,\"verify\":\"running\",\""
	  "verify_percent\":\"25.0\",\"verify_diff\":8192,\"io\":{\"reads\":5001,\"read"
	  "_bytes\":10002,\"writes\":15003,\"write_bytes\":20004,\"flushes\":25005,\"di"
	  "scards\":30006,\"errors\":35007},\"net\":{\"pending\":45009,\"unacked\":5001"
	  "0,\"sent\":55011,\"sent_bytes\":60012,\"received\":65013,\"received_bytes\":"
	  "70014}}\n" },
	{ put_source, "sync_progress", false,
	  "event:sync_progress name:r0 minor:1023 device:/dev/tandem1023 disk:/dev/vdb "
	  "size:1024.0MiB open_count:1 role:primary disk_state:uptodate connection:conn"
	  "ected protocol:async local:[fd00::1]:7790 peer:[fd00::2]:7790 peer_role:seco"
	  "ndary peer_disk_state:inconsistent resync_rate_mib:500 timeout_ms:3000 conge"
	  "stion_limit_mib:64 authentication:none out_of_sync:700.0MiB sync:source sync"
	  "_percent:31.6 sync_done:300.0MiB sync_speed/s:100.0MiB sync_eta_s:7 verify:r"
	  "unning verify_percent:25.0 verify_diff:8.0KiB\n" },
	{ put_target_start, NULL, true,
	  "{\"name\":\"r0\",\"minor\":0,\"device\":\"/dev/tandem0\",\"disk\":\"/dev/vdb"
	  "\",\"size\":1073737728,\"open_count\":1,\"role\":\"secondary\",\"disk_state"
	  "\":\"inconsistent\",\"connection\":\"connected\",\"protocol\":\"sync\",\"loc"
	  "al\":\"10.99.0.2:7789\",\"peer\":\"10.99.0.1:7789\",\"peer_role\":\"primary"
	  "\",\"peer_disk_state\":\"uptodate\",\"timeout_ms\":2500,\"authentication\":"
	  "\"none\",\"out_of_sync\":5242880,\"sync\":\"target\",\"sync_percent\":\"100."
	  "0\",\"sync_done\":0,\"sync_speed\":0,\"io\":{\"reads\":1,\"read_bytes\":2,\""
	  "writes\":3,\"write_bytes\":4,\"flushes\":5,\"discards\":6,\"errors\":7},\"ne"
	  "t\":{\"pending\":9,\"unacked\":10,\"sent\":11,\"sent_bytes\":12,\"received\""
	  ":13,\"received_bytes\":14}}\n" },
	{ put_connecting, NULL, true,
	  "{\"name\":\"r0\",\"minor\":0,\"device\":\"/dev/tandem0\",\"disk\":\"/dev/vdb"
	  "\",\"size\":1073737728,\"open_count\":1,\"role\":\"secondary\",\"disk_state"
	  "\":\"outdated\",\"connection\":\"connecting\",\"protocol\":\"sync\",\"local"
	  "\":\"10.99.0.2:7789\",\"peer\":\"10.99.0.1:7789\",\"peer_disk_state\":\"outd"
	  "ated\",\"timeout_ms\":2500,\"last_error\":\"the peer says: \\\"split\\\\brai"
	  "n\\\"\\u000a\\u0009tab\",\"out_of_sync\":12345,\"verify\":\"done\",\"verify_"
	  "percent\":\"100.0\",\"verify_diff\":3145728,\"io\":{\"reads\":2001,\"read_by"
	  "tes\":4002,\"writes\":6003,\"write_bytes\":8004,\"flushes\":10005,\"discards"
	  "\":12006,\"errors\":14007},\"net\":{\"pending\":18009,\"unacked\":20010,\"se"
	  "nt\":22011,\"sent_bytes\":24012,\"received\":26013,\"received_bytes\":28014}"
	  "}\n" },
	{ put_connecting, "sync_progress", false,
	  "event:sync_progress name:r0 minor:0 device:/dev/tandem0 disk:/dev/vdb size:1"
	  "024.0MiB open_count:1 role:secondary disk_state:outdated connection:connecti"
	  "ng protocol:sync local:10.99.0.2:7789 peer:10.99.0.1:7789 peer_disk_state:ou"
	  "tdated timeout_ms:2500 last_error:the peer says: \"split\\brain\"\n\ttab out"
	  "_of_sync:12.1KiB verify:done verify_percent:100.0 verify_diff:3.0MiB\n" },
	{ put_fenced, NULL, true,
	  "{\"name\":\"r0\",\"minor\":0,\"device\":\"/dev/tandem0\",\"disk\":\"/dev/vdb"
	  "\",\"size\":1073737728,\"open_count\":1,\"role\":\"primary\",\"disk_state\""
	  ":\"uptodate\",\"connection\":\"connecting\",\"down_ms\":130500,\"protocol\":\"sync\",\"peer_di"
	  "sk_state\":\"outdated\",\"fencing\":\"resource-and-stonith\",\"fence_peer\":"
	  "\"/usr/lib/tandem/fence\",\"suspended\":\"fencing\",\"fence_result\":\"peer-"
	  "unreachable\",\"out_of_sync\":8192}\n" },
	{ put_handlers, NULL, true,
	  "{\"name\":\"r0\",\"minor\":0,\"device\":\"/dev/tandem0\",\"disk\":\"/dev/vdb"
	  "\",\"size\":1073737728,\"open_count\":1,\"role\":\"secondary\",\"disk_state"
	  "\":\"uptodate\",\"connection\":\"standalone\",\"handlers\":{\"split-brain\":"
	  "\"/usr/lib/tandem/notify\",\"before-resync-target\":\"/usr/lib/tandem/snapsh"
	  "ot-lvm\"},\"handler_last\":\"split-brain\",\"handler_exit\":-1,\"out_of_sy"
	  "nc\":0}\n" },
	{ put_unknown, NULL, true,
	  "{\"name\":\"r0\",\"minor\":3,\"device\":\"/dev/tandem3\",\"disk\":\"/dev/vdb"
	  "\",\"size\":1073737728,\"open_count\":1,\"role\":\"unknown\",\"disk_state\":"
	  "\"unknown\",\"connection\":\"unknown\",\"protocol\":\"unknown\",\"peer_role"
	  "\":\"unknown\",\"peer_disk_state\":\"unknown\",\"out_of_sync\":1125899906842"
	  "624,\"sync\":\"ahead\",\"io\":{\"reads\":1000000001,\"read_bytes\":200000000"
	  "2,\"writes\":3000000003,\"write_bytes\":4000000004,\"flushes\":5000000005,\""
	  "discards\":6000000006,\"errors\":7000000007},\"net\":{\"pending\":9000000009"
	  ",\"unacked\":10000000010,\"sent\":11000000011,\"sent_bytes\":12000000012,\"r"
	  "eceived\":13000000013,\"received_bytes\":14000000014}}\n" },
	{ put_unknown, "sync_progress", false,
	  "event:sync_progress name:r0 minor:3 device:/dev/tandem3 disk:/dev/vdb size:1"
	  "024.0MiB open_count:1 role:unknown disk_state:unknown connection:unknown pro"
	  "tocol:unknown peer_role:unknown peer_disk_state:unknown out_of_sync:1.0PiB s"
	  "ync:ahead\n" },
	{ put_target, NULL, true,
	  "{\"name\":\"r0\",\"minor\":0,\"device\":\"/dev/tandem0\",\"disk\":\"/dev/vdb"
	  "\",\"size\":1073737728,\"open_count\":1,\"role\":\"primary\",\"disk_state\":"
	  "\"uptodate\",\"connection\":\"connected\",\"protocol\":\"sync\",\"out_of_syn"
	  "c\":3221225472,\"sync\":\"target\",\"sync_percent\":\"0.0\",\"sync_done\":10"
	  "48576,\"sync_speed\":149796571,\"sync_eta_s\":21}\n" },
	{ put_bare, NULL, true,
	  "{\"name\":\"x\",\"minor\":2,\"device\":\"/dev/tandem2\",\"size\":0,\"role\":"
	  "\"unknown\",\"disk_state\":\"unknown\",\"connection\":\"standalone\",\"out_o"
	  "f_sync\":0}\n" },
};

static void test_records(void)
{
	struct tdm_status st;
	char got[4096];
	size_t i;

	for (i = 0; i < sizeof(records) / sizeof(records[0]); i++) {
		CHECK_EQ(decode(records[i].put, &st), 0);
		capture_begin();
		out_init(records[i].json);
		tdm_print_record(&st, records[i].event);
		capture_end(got, sizeof(got));
		CHECK_STR(got, records[i].want);
	}
}

static const struct {
	void (*put)(struct nl_msg *m);
	bool verbose;
	const char *want;
} blocks[] = {
	{ put_failed, false,
	  "r0 /dev/tandem0\n"
	  "  role         primary\n"
	  "  disk         failed\n"
	  "  on io error  pass-on\n"
	  "  disk errors  3, the first at 2026-11-26T16:59:03Z\n"
	  "  connection   standalone\n"
	  "  out of sync  4.0KiB\n" },
	{ put_standalone, false,
	  "r0 /dev/tandem0\n"
	  "  role         secondary\n"
	  "  disk         consistent\n"
	  "  connection   standalone\n" },
	{ put_standalone, true,
	  "r0 /dev/tandem0\n"
	  "  role         secondary\n"
	  "  disk         consistent\n"
	  "  connection   standalone\n"
	  "  out of sync  0B\n"
	  "  backing      /dev/vdb\n"
	  "  metadata     internal\n"
	  "  size         1024.0MiB\n"
	  "  openers      1\n"
	  "  io           reads 1001 (2.0KiB), writes 3003 (3.9KiB)\n"
	  "               flushes 5005, discards 6006, errors 7007\n" },
	{ put_connected, true,
	  "web.1 /dev/tandem7\n"
	  "  role         primary\n"
	  "  disk         uptodate\n"
	  "  connection   connected\n"
	  "  peer role    secondary\n"
	  "  peer disk    uptodate\n"
	  "  sync         none\n"
	  "  out of sync  0B\n"
	  "  backing      /dev/vdb\n"
	  "  metadata     /dev/vdc\n"
	  "  size         1024.0MiB\n"
	  "  openers      1\n"
	  "  protocol     sync\n"
	  "  local        10.99.0.1:7789\n"
	  "  peer address 10.99.0.2:7789\n"
	  "  auth         hmac-sha256\n"
	  "  timeout      2500 ms\n"
	  "  io           reads 3001 (5.9KiB), writes 9003 (11.7KiB)\n"
	  "               flushes 15005, discards 18006, errors 21007\n"
	  "  net          sent 33011 (35.2KiB), received 39013 (41.0KiB)\n"
	  "               pending 27009, unacked 30010\n" },
	{ put_source, false,
	  "r0 /dev/tandem1023\n"
	  "  role         primary\n"
	  "  disk         uptodate\n"
	  "  connection   connected\n"
	  "  peer role    secondary\n"
	  "  peer disk    inconsistent\n"
	  "  sync         source, 31.6% done, 100.0MiB/s, eta 7s\n"
	  "  out of sync  700.0MiB\n"
	  "  verify       running, 25.0% compared, 8.0KiB differ\n" },
	{ put_source, true,
	  "r0 /dev/tandem1023\n"
	  "  role         primary\n"
	  "  disk         uptodate\n"
	  "  connection   connected\n"
	  "  peer role    secondary\n"
	  "  peer disk    inconsistent\n"
	  "  sync         source, 31.6% done, 100.0MiB/s, eta 7s\n"
	  "  resynced     300.0MiB\n"
	  "  out of sync  700.0MiB\n"
	  "  verify       running, 25.0% compared, 8.0KiB differ\n"
	  "  backing      /dev/vdb\n"
	  "  metadata     internal\n"
	  "  size         1024.0MiB\n"
	  "  openers      1\n"
	  "  protocol     async\n"
	  "  local        [fd00::1]:7790\n"
	  "  peer address [fd00::2]:7790\n"
	  "  auth         none\n"
	  "  timeout      3000 ms\n"
	  "  resync rate  500 MiB/s\n"
	  "  congestion   64 MiB\n"
	  "  io           reads 5001 (9.8KiB), writes 15003 (19.5KiB)\n"
	  "               flushes 25005, discards 30006, errors 35007\n"
	  "  net          sent 55011 (58.6KiB), received 65013 (68.4KiB)\n"
	  "               pending 45009, unacked 50010\n" },
	{ put_target_start, false,
	  "r0 /dev/tandem0\n"
	  "  role         secondary\n"
	  "  disk         inconsistent\n"
	  "  connection   connected\n"
	  "  peer role    primary\n"
	  "  peer disk    uptodate\n"
	  "  sync         target, 100.0% done\n"
	  "  out of sync  5.0MiB\n" },
	{ put_connecting, false,
	  "r0 /dev/tandem0\n"
	  "  role         secondary\n"
	  "  disk         outdated\n"
	  "  connection   connecting\n"
	  "  peer disk    outdated\n"
	  "  out of sync  12.1KiB\n"
	  "  last error   the peer says: \"split\\brain\"\n"
	  "\ttab\n" },
	{ put_fenced, true,
	  "r0 /dev/tandem0\n"
	  "  role         primary\n"
	  "  disk         uptodate\n"
	  "  connection   connecting\n"
	  "  down for     2m10s\n"
	  "  peer disk    outdated\n"
	  "  writes       FROZEN until the peer is fenced, comes back, or resume-io\n"
	  "  fence-peer   peer-unreachable\n"
	  "  out of sync  8.0KiB\n"
	  "  backing      /dev/vdb\n"
	  "  metadata     internal\n"
	  "  size         1024.0MiB\n"
	  "  openers      1\n"
	  "  protocol     sync\n"
	  "  fencing      resource-and-stonith, fence-peer /usr/lib/tandem/fence\n" },
	{ put_handlers, true,
	  "r0 /dev/tandem0\n"
	  "  role         secondary\n"
	  "  disk         uptodate\n"
	  "  connection   standalone\n"
	  "  last handler split-brain, killed or not run\n"
	  "  out of sync  0B\n"
	  "  backing      /dev/vdb\n"
	  "  metadata     internal\n"
	  "  size         1024.0MiB\n"
	  "  openers      1\n"
	  "  handler      split-brain /usr/lib/tandem/notify\n"
	  "  handler      before-resync-target /usr/lib/tandem/snapshot-lvm\n" },
	{ put_unknown, false,
	  "r0 /dev/tandem3\n"
	  "  role         unknown\n"
	  "  disk         unknown\n"
	  "  connection   unknown\n"
	  "  peer role    unknown\n"
	  "  peer disk    unknown\n"
	  "  sync         ahead: link congested, writes are marked and resynced later\n"
	  "  out of sync  1.0PiB\n" },
	{ put_target_minutes, false,
	  "r0 /dev/tandem0\n"
	  "  role         secondary\n"
	  "  disk         inconsistent\n"
	  "  connection   connected\n"
	  "  sync         target, 25.0% done, 1.4MiB/s, eta 35m50s\n"
	  "  out of sync  3.0GiB\n" },
	{ put_target_hours, false,
	  "r0 /dev/tandem0\n"
	  "  role         secondary\n"
	  "  disk         inconsistent\n"
	  "  connection   connected\n"
	  "  sync         target, 25.0% done, 146.3KiB/s, eta 5h58m\n"
	  "  out of sync  3.0GiB\n" },
};

static void test_blocks(void)
{
	struct tdm_status st;
	char got[4096];
	size_t i;

	for (i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++) {
		CHECK_EQ(decode(blocks[i].put, &st), 0);
		capture_begin();
		out_init(false);
		tdm_print_block(&st, blocks[i].verbose);
		capture_end(got, sizeof(got));
		CHECK_STR(got, blocks[i].want);
	}
}

static void put_nameless(struct nl_msg *m)
{
	nla_put_u32(m, TANDEM_A_MINOR, 0);
}

/* An address of a length that is neither IPv4's nor IPv6's is left out. */
static void put_bad_addr(struct nl_msg *m)
{
	put_bare(m);
	nla_put(m, TANDEM_A_LOCAL_ADDR, 5, "abcde");
	nla_put_u16(m, TANDEM_A_LOCAL_PORT, 1);
	nla_put(m, TANDEM_A_PEER_ADDR, 4, "\x0a\x00\x00\x01");
}

static void test_decode(void)
{
	struct tdm_status st;
	char buf[64];

	CHECK_EQ(decode(put_nameless, &st), -EPROTO);
	CHECK_EQ(decode(put_detach, &st), 0);
	CHECK(!st.attached);
	CHECK_STR(st.name, "r0");
	CHECK_EQ(decode(put_bare, &st), 0);
	CHECK(st.attached && !st.has_open_count && !st.has_stats && !st.has_verify);
	CHECK_EQ(st.authenticated, -1);
	CHECK_EQ(decode(put_source, &st), 0);
	CHECK_EQ(st.stats[TANDEM_STAT_NET_RECEIVED_BYTES], 5 * 14 * 1000 + 14);
	CHECK_EQ(st.stats[TANDEM_STAT_PAD], 0);
	tdm_format_endpoint(&st.peer, buf, sizeof(buf));
	CHECK_STR(buf, "[fd00::2]:7790");
	CHECK_EQ(decode(put_bad_addr, &st), 0);
	CHECK_EQ(st.local.addr_len, 0);
	CHECK_EQ(st.peer.addr_len, 0);
	tdm_format_endpoint(&st.local, buf, sizeof(buf));
	CHECK_STR(buf, "");
}

void test_status(void)
{
	test_decode();
	test_records();
	test_blocks();
}
