// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: everything a peer's bytes reach in the pure-C core.
 * The first byte picks the decoder, the rest is the input. Besides "no
 * crash, no sanitizer report", it checks what the module relies on: a
 * decoded value re-encodes to the same bytes, a range found valid lies
 * inside the device, a run inside the bitmap, and a session takes writes
 * and reads only from a primary, resync data only as a resync target.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/wire.h"
#include "core/gen.h"
#include "core/ondisk.h"
#include "core/session.h"
#include "core/sizes.h"
#include "tandem_netlink.h"

#define REQUIRE(c) do { if (!(c)) abort(); } while (0)

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void hello(const uint8_t *d, size_t n)
{
	struct tdm_hello mine = {
		.proto_min = TDM_WIRE_PROTO_MIN, .proto_max = TDM_WIRE_PROTO_MAX,
		.size_sectors = 2097008, .protocol = TANDEM_PROTO_SYNC, .name = "r0", .lbs = 512,
	}, peer;
	uint8_t buf[TDM_WIRE_HELLO_LEN];
	u32 proto;

	if (tdm_hello_decode(d, n, &peer) != TDM_WIRE_OK)
		return;
	if (tdm_hello_check(&mine, &peer, &proto) == TDM_REFUSE_NONE)
		REQUIRE(proto >= TDM_WIRE_PROTO_MIN && proto <= TDM_WIRE_PROTO_MAX);
	tdm_hello_encode(buf, &peer);
	REQUIRE(tdm_hello_decode(buf, sizeof(buf), &mine) == TDM_WIRE_OK);
}

static void gen(const uint8_t *d, size_t n)
{
	struct tdm_gen g, again, me = { .cur = 5, .bitmap = 4, .history = { 3, 2 }, .tiebreak = 1 };
	uint8_t buf[TDM_WIRE_GEN_LEN];
	enum tdm_sync s;

	if (tdm_gen_decode(d, n, &g) != TDM_WIRE_OK)
		return;
	REQUIRE(n >= TDM_WIRE_GEN_LEN);
	tdm_gen_encode(buf, &g);
	REQUIRE(!memcmp(buf, d, TDM_WIRE_GEN_LEN));
	REQUIRE(tdm_gen_decode(buf, sizeof(buf), &again) == TDM_WIRE_OK);
	/* Both sides reach the same decision, whatever the peer's set. */
	s = tdm_sync_decide(&me, &g);
	REQUIRE(s == tdm_sync_mirror(tdm_sync_decide(&g, &me)));
}

/* A peer's SB_INFO: both sides reach mirror decisions, a primary never loses to a secondary. */
static void sb_info(const uint8_t *d, size_t n)
{
	struct tdm_sb_side peer, me = { .changed = 8192, .tiebreak = 1 };
	enum tdm_sb_result r, back;

	if (tdm_sb_info_decode(d, n, &peer) != TDM_WIRE_OK)
		return;
	peer.tiebreak = 2;
	me.pol0 = peer.pol0;
	me.pol1 = peer.pol1;
	me.primary = n & 1;
	me.primary_at_split = n & 2;
	r = tdm_sb_decide(&me, &peer);
	back = tdm_sb_decide(&peer, &me);
	REQUIRE((r == TDM_SB_DISCONNECT && back == TDM_SB_DISCONNECT) ||
		(r == TDM_SB_PRIMARY_LOST && back == TDM_SB_PRIMARY_LOST) ||
		(r == TDM_SB_DISCARD_MINE && back == TDM_SB_DISCARD_PEER) ||
		(r == TDM_SB_DISCARD_PEER && back == TDM_SB_DISCARD_MINE));
	REQUIRE(!(me.primary && !peer.primary && r == TDM_SB_DISCARD_MINE));
	/* Only where exactly one is primary may a primary lose, and then it is not overwritten. */
	REQUIRE(r != TDM_SB_PRIMARY_LOST || me.primary != peer.primary);
}

/* A peer's SIZES against ours: both sides agree on one size their disks hold, or both refuse. */
static void sizes(const uint8_t *d, size_t n)
{
	struct tdm_sizes peer, me = { .size = 2048 * 900, .max = 2048 * 1024 };
	u64 a = 0, b = 0, t;
	enum tdm_refuse r;

	if (tdm_sizes_decode(d, n, TDM_P_SIZES, &peer) != TDM_WIRE_OK)
		return;
	REQUIRE(peer.size && peer.size <= peer.max);
	me.flags = n & TDM_SIZES_HAS_DATA;
	r = tdm_sizes_agree(&me, &peer, &a);
	REQUIRE(r == tdm_sizes_agree(&peer, &me, &b));
	if (r != TDM_REFUSE_NONE)
		return;
	REQUIRE(a == b && a <= me.max && a <= peer.max);
	/* Data in use is never cut. */
	REQUIRE(!(me.flags & TDM_SIZES_HAS_DATA) || a >= me.size);
	REQUIRE(!(peer.flags & TDM_SIZES_HAS_DATA) || a >= peer.size);
	if (tdm_resize_target(peer.size, me.size, me.max, peer.max, &t) == TDM_RESIZE_OK)
		REQUIRE(t >= me.size && t <= me.max && t <= peer.max);
}

static void run(const uint8_t *d, size_t n)
{
	struct tdm_run r;
	u64 nbits;

	if (n < 8)
		return;
	nbits = get64(d);
	if (tdm_run_decode(d + 8, n - 8, nbits, &r) != TDM_WIRE_OK)
		return;
	REQUIRE(r.count && r.start < nbits && r.count <= nbits - r.start);
}

static void data(const uint8_t *d, size_t n)
{
	struct tdm_data x;
	u64 cap;
	u32 pkt_len;

	if (n < 12)
		return;
	cap = get64(d);
	pkt_len = tdm_be32_get(d + 8);
	if (tdm_read_req_decode(d + 12, n - 12, pkt_len, &x) == TDM_WIRE_OK)
		REQUIRE(x.op == TDM_OP_READ && x.size && !(x.size & 511) &&
			x.size <= TDM_WIRE_MAX_DATA && pkt_len == TDM_WIRE_DATA_HDR_LEN);
	if (tdm_data_decode(d + 12, n - 12, pkt_len, &x) != TDM_WIRE_OK)
		return;
	REQUIRE(x.op != TDM_OP_READ);
	if (tdm_range_ok(x.sector, x.size, cap)) {
		unsigned __int128 end = (unsigned __int128)x.sector + (x.size >> 9);

		REQUIRE(end <= cap);
	}
}

static void hdr(const uint8_t *d, size_t n)
{
	struct tdm_hdr h, again;
	uint8_t buf[TDM_WIRE_HDR_LEN];

	if (tdm_hdr_decode(d, n, &h) != TDM_WIRE_OK)
		return;
	tdm_hdr_encode(buf, &h);
	REQUIRE(tdm_hdr_decode(buf, sizeof(buf), &again) == TDM_WIRE_OK);
	REQUIRE(!memcmp(&h, &again, sizeof(h)));
	(void)tdm_data_flags_ok(h.flags & 7, h.flags);
}

/* The metadata a disk holds is input too: a disk from elsewhere, a torn write. */
static void metadata(const uint8_t *d, size_t n)
{
	uint8_t block[TDM_MD_BLOCK];
	struct tdm_md_sb sb;
	struct tdm_al_tx tx;

	memset(block, 0, sizeof(block));
	memcpy(block, d, n < sizeof(block) ? n : sizeof(block));
	(void)tdm_md_sb_decode(block, 2097152, &sb);
	(void)tdm_al_decode(block, 256, &tx);
	(void)tdm_bm_block_check(block, 0);
}

/* A header arriving in a session: four bytes of state, then the header. */
static void session(const uint8_t *d, size_t n)
{
	struct tdm_rx_ctx c;
	enum tdm_rx_rule r;
	struct tdm_hdr h;

	if (n < 4 || tdm_hdr_decode(d + 4, n - 4, &h) != TDM_WIRE_OK)
		return;
	c.role = d[0] % 3;
	c.peer_role = d[1] % 3;
	c.sync = d[2] % (TDM_SYNC_NO_DATA + 1);
	c.diskless = d[3] & 1;
	r = tdm_rx_accept(&c, h.type, h.flags);
	REQUIRE(tdm_rx_rule_str(r));
	if (r != TDM_RX_OK)
		return;
	REQUIRE(h.type != TDM_P_HELLO && h.type != TDM_P_AUTH && h.type != TDM_P_REFUSE &&
		h.type != TDM_P_BITMAP && h.type != TDM_P_SB_INFO && h.type != TDM_P_TARGET_READY &&
		h.type != TDM_P_SIZES);
	if (h.type == TDM_P_DATA || h.type == TDM_P_READ_REQ)
		REQUIRE(c.role == TANDEM_ROLE_SECONDARY);
	if ((h.type == TDM_P_DATA && !(h.flags & TDM_F_RESYNC)) || h.type == TDM_P_READ_REQ)
		REQUIRE(c.peer_role == TANDEM_ROLE_PRIMARY);
	if ((h.type == TDM_P_DATA && (h.flags & TDM_F_RESYNC)) || h.type == TDM_P_SYNC_DONE)
		REQUIRE(tdm_sync_is_target(c.sync));
	if (h.type == TDM_P_RS_ACK)
		REQUIRE(tdm_sync_is_source(c.sync));
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct tdm_state st;

	if (!n)
		return 0;
	switch (d[0] % 8) {
	case 0:
		hdr(d + 1, n - 1);
		break;
	case 1:
		data(d + 1, n - 1);
		break;
	case 2:
		hello(d + 1, n - 1);
		break;
	case 3:
		(void)tdm_state_decode(d + 1, n - 1, &st);
		sb_info(d + 1, n - 1);
		sizes(d + 1, n - 1);
		break;
	case 4:
		gen(d + 1, n - 1);
		break;
	case 5:
		run(d + 1, n - 1);
		break;
	case 6:
		metadata(d + 1, n - 1);
		break;
	case 7:
		session(d + 1, n - 1);
		break;
	}
	return 0;
}
