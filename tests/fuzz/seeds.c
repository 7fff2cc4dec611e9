// SPDX-License-Identifier: GPL-2.0
/*
 * Seed inputs for fuzz_wire, one valid encoding of each thing it decodes,
 * written by the module's own encoders into DIR (make seeds; make run
 * starts from them). The first byte picks the decoder, as in fuzz_wire.c.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/wire.h"
#include "core/gen.h"
#include "core/ondisk.h"
#include "tandem_netlink.h"

static const char *dir;

static void seed(const char *name, unsigned char pick, const void *buf, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fputc(pick, f) == EOF || fwrite(buf, 1, len, f) != len || fclose(f)) {
		perror(path);
		_exit(1);
	}
}

static void put64(unsigned char *p, unsigned long long v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = v & 0xff;
}

int main(int argc, char **argv)
{
	unsigned char buf[TDM_MD_BLOCK];
	struct tdm_hdr h = { .magic = TDM_WIRE_MAGIC, .type = TDM_P_DATA,
			     .len = TDM_WIRE_DATA_HDR_LEN + 4096, .epoch = 1, .seq = 7 };
	struct tdm_data d = { .sector = 8, .size = 4096, .op = TDM_OP_WRITE };
	struct tdm_hello hello = { .proto_min = TDM_WIRE_PROTO_MIN, .proto_max = TDM_WIRE_PROTO_MAX,
				   .size_sectors = 2097008, .protocol = TANDEM_PROTO_SYNC,
				   .name = "r0", .lbs = 512, .caps = TDM_CAPS };
	struct tdm_state st = { .role = TANDEM_ROLE_PRIMARY, .disk = TANDEM_DISK_UPTODATE };
	struct tdm_gen g = { .cur = 5, .bitmap = 4, .history = { 3, 2 }, .tiebreak = 9,
			     .flags = TDM_GEN_RESYNC_OWED };
	struct tdm_run r = { .start = 100, .count = 64 };
	struct tdm_sb_side sbi = { .changed = 4096, .pol0 = TANDEM_SB0_DISCARD_LEAST_CHANGES,
				   .pol1 = TANDEM_SB1_CONSENSUS };
	struct tdm_sizes sz = { .size = 900 * 2048, .max = 1024 * 2048, .flags = TDM_SIZES_HAS_DATA };
	struct tdm_md_sb sb;

	if (argc != 2) {
		fprintf(stderr, "usage: seeds DIR\n");
		return 2;
	}
	dir = argv[1];
	tdm_hdr_encode(buf, &h);
	seed("hdr", 0, buf, TDM_WIRE_HDR_LEN);
	/* session: our role, the peer's, the decision, diskless; then a header. */
	buf[0] = TANDEM_ROLE_SECONDARY;
	buf[1] = TANDEM_ROLE_PRIMARY;
	buf[2] = TDM_SYNC_NONE;
	buf[3] = 0;
	tdm_hdr_encode(buf + 4, &h);
	seed("session", 7, buf, 4 + TDM_WIRE_HDR_LEN);
	/* data: the capacity (be64), the packet's len (be32), then the payload header. */
	put64(buf, 2097008);
	tdm_be32_put(buf + 8, TDM_WIRE_DATA_HDR_LEN + 4096);
	tdm_data_encode(buf + 12, &d);
	seed("data", 1, buf, 12 + TDM_WIRE_DATA_HDR_LEN);
	tdm_hello_encode(buf, &hello);
	seed("hello", 2, buf, TDM_WIRE_HELLO_LEN);
	tdm_state_encode(buf, &st);
	seed("state", 3, buf, TDM_WIRE_STATE_LEN);
	tdm_sb_info_encode(buf, &sbi);
	seed("sb_info", 3, buf, TDM_WIRE_SB_INFO_LEN);
	tdm_sizes_encode(buf, &sz);
	seed("sizes", 3, buf, TDM_WIRE_SIZES_LEN);
	tdm_gen_encode(buf, &g);
	seed("gen", 4, buf, TDM_WIRE_GEN_LEN);
	put64(buf, 1 << 20);
	tdm_run_encode(buf + 8, &r);
	seed("run", 5, buf, 8 + TDM_WIRE_RUN_LEN);
	memset(&sb, 0, sizeof(sb));
	sb.version = TDM_MD_VERSION;
	sb.device_uuid = 42;
	if (tdm_md_layout(2097152, &sb.layout) == TDM_MD_OK) {
		memset(buf, 0, sizeof(buf));
		tdm_md_sb_encode(buf, &sb);
		seed("superblock", 6, buf, TDM_MD_BLOCK - 1);
	}
	return 0;
}
