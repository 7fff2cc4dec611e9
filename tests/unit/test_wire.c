// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "core/wire.h"

/* A heap copy of exactly @len bytes, so that ASan sees any read beyond. */
static u8 *exact(const u8 *src, size_t len)
{
	u8 *p = malloc(len ? len : 1);

	memcpy(p, src, len);
	return p;
}

static void hdr_roundtrip(void)
{
	struct tdm_hdr in = { TDM_WIRE_MAGIC, TDM_P_DATA, TDM_F_FUA | TDM_F_PREFLUSH,
			      TDM_WIRE_DATA_HDR_LEN + 4096, 0xdeadbeef, 0x0123456789abcdefULL };
	struct tdm_hdr out;
	u8 buf[TDM_WIRE_HDR_LEN];

	tdm_hdr_encode(buf, &in);
	CHECK_EQ(buf[0], 'T');
	CHECK_EQ(buf[3], '1');
	CHECK_EQ(buf[16], 0x01);	/* big-endian seq */
	CHECK_EQ(tdm_hdr_decode(buf, sizeof(buf), &out), TDM_WIRE_OK);
	CHECK(!memcmp(&in, &out, sizeof(in)));
}

static enum tdm_wire_err hdr_with(u16 type, u32 len)
{
	struct tdm_hdr h = { TDM_WIRE_MAGIC, type, 0, len, 0, 0 }, out;
	u8 buf[TDM_WIRE_HDR_LEN];

	tdm_hdr_encode(buf, &h);
	return tdm_hdr_decode(buf, sizeof(buf), &out);
}

static void hdr_rules(void)
{
	struct tdm_hdr h = { TDM_WIRE_MAGIC, TDM_P_PING, 0, 0, 0, 0 }, out;
	u8 buf[TDM_WIRE_HDR_LEN];
	size_t n;

	tdm_hdr_encode(buf, &h);
	for (n = 0; n < TDM_WIRE_HDR_LEN; n++) {
		u8 *p = exact(buf, n);

		CHECK_EQ(tdm_hdr_decode(p, n, &out), TDM_WIRE_SHORT);
		free(p);
	}
	buf[0] ^= 0x40;
	CHECK_EQ(tdm_hdr_decode(buf, sizeof(buf), &out), TDM_WIRE_BAD_MAGIC);

	CHECK_EQ(hdr_with(0, 0), TDM_WIRE_BAD_TYPE);
	CHECK_EQ(hdr_with(__TDM_P_MAX, 0), TDM_WIRE_BAD_TYPE);
	CHECK_EQ(hdr_with(0xffff, 0), TDM_WIRE_BAD_TYPE);
	CHECK_EQ(hdr_with(TDM_P_PING, 0), TDM_WIRE_OK);
	CHECK_EQ(hdr_with(TDM_P_PING, 1), TDM_WIRE_BAD_LEN);
	CHECK_EQ(hdr_with(TDM_P_RS_REQUEST, 0), TDM_WIRE_OK);
	CHECK_EQ(hdr_with(TDM_P_RS_REQUEST, 4), TDM_WIRE_BAD_LEN);
	CHECK_EQ(hdr_with(TDM_P_ACK, 8), TDM_WIRE_BAD_LEN);
	CHECK_EQ(hdr_with(TDM_P_HELLO, TDM_WIRE_HELLO_LEN), TDM_WIRE_OK);
	CHECK_EQ(hdr_with(TDM_P_HELLO, TDM_WIRE_HELLO_LEN - 1), TDM_WIRE_BAD_LEN);
	CHECK_EQ(hdr_with(TDM_P_HELLO, 0xffffffffu), TDM_WIRE_BAD_LEN);
	CHECK_EQ(hdr_with(TDM_P_AUTH, TDM_WIRE_MAC_LEN), TDM_WIRE_OK);
	CHECK_EQ(hdr_with(TDM_P_AUTH, 0), TDM_WIRE_BAD_LEN);
	CHECK_EQ(hdr_with(TDM_P_REFUSE, 4), TDM_WIRE_OK);
	CHECK_EQ(hdr_with(TDM_P_STATE, TDM_WIRE_STATE_LEN), TDM_WIRE_OK);
	CHECK_EQ(hdr_with(TDM_P_DATA, TDM_WIRE_DATA_HDR_LEN), TDM_WIRE_OK);
	CHECK_EQ(hdr_with(TDM_P_DATA, TDM_WIRE_DATA_HDR_LEN - 1), TDM_WIRE_BAD_LEN);
	CHECK_EQ(hdr_with(TDM_P_DATA, TDM_WIRE_DATA_HDR_LEN + TDM_WIRE_MAX_DATA), TDM_WIRE_OK);
	CHECK_EQ(hdr_with(TDM_P_DATA, TDM_WIRE_DATA_HDR_LEN + TDM_WIRE_MAX_DATA + 1), TDM_WIRE_BAD_LEN);
	CHECK_EQ(hdr_with(TDM_P_DATA, 0xffffffffu), TDM_WIRE_BAD_LEN);
}

static enum tdm_wire_err data_with(u32 op, u32 size, u32 payload, struct tdm_data *out)
{
	struct tdm_data d = { 8, size, op };
	u8 buf[TDM_WIRE_DATA_HDR_LEN];

	tdm_data_encode(buf, &d);
	return tdm_data_decode(buf, sizeof(buf), TDM_WIRE_DATA_HDR_LEN + payload, out);
}

static void data_rules(void)
{
	struct tdm_data in = { 0xfffffffffULL, 65536, TDM_OP_WRITE }, out;
	u8 buf[TDM_WIRE_DATA_HDR_LEN];
	size_t n;

	tdm_data_encode(buf, &in);
	CHECK_EQ(tdm_data_decode(buf, sizeof(buf), TDM_WIRE_DATA_HDR_LEN + 65536, &out), TDM_WIRE_OK);
	CHECK(!memcmp(&in, &out, sizeof(in)));
	for (n = 0; n < TDM_WIRE_DATA_HDR_LEN; n++) {
		u8 *p = exact(buf, n);

		CHECK_EQ(tdm_data_decode(p, n, TDM_WIRE_DATA_HDR_LEN + 65536, &out), TDM_WIRE_SHORT);
		free(p);
	}
	CHECK_EQ(tdm_data_decode(buf, sizeof(buf), 3, &out), TDM_WIRE_SHORT);

	CHECK_EQ(data_with(TDM_OP_WRITE, 4096, 4096, &out), TDM_WIRE_OK);
	CHECK_EQ(data_with(TDM_OP_WRITE, 4096, 4095, &out), TDM_WIRE_BAD_LEN);
	CHECK_EQ(data_with(TDM_OP_WRITE, 0, 0, &out), TDM_WIRE_BAD_LEN);
	CHECK_EQ(data_with(TDM_OP_WRITE, 100, 100, &out), TDM_WIRE_BAD_VALUE);
	CHECK_EQ(data_with(TDM_OP_WRITE, TDM_WIRE_MAX_DATA + 512, TDM_WIRE_MAX_DATA + 512, &out),
		 TDM_WIRE_BAD_LEN);
	CHECK_EQ(data_with(TDM_OP_FLUSH, 0, 0, &out), TDM_WIRE_OK);
	CHECK_EQ(data_with(TDM_OP_FLUSH, 512, 0, &out), TDM_WIRE_BAD_LEN);
	CHECK_EQ(data_with(TDM_OP_FLUSH, 0, 512, &out), TDM_WIRE_BAD_LEN);
	CHECK_EQ(data_with(TDM_OP_DISCARD, 1u << 30, 0, &out), TDM_WIRE_OK);
	CHECK_EQ(data_with(TDM_OP_DISCARD, 1u << 30, 512, &out), TDM_WIRE_BAD_LEN);
	CHECK_EQ(data_with(TDM_OP_DISCARD, 0, 0, &out), TDM_WIRE_BAD_LEN);
	CHECK_EQ(data_with(TDM_OP_WRITE_ZEROES, 4096, 0, &out), TDM_WIRE_OK);
	CHECK_EQ(data_with(TDM_OP_WRITE_ZEROES, 4097, 0, &out), TDM_WIRE_BAD_VALUE);
	CHECK_EQ(data_with(0, 4096, 0, &out), TDM_WIRE_BAD_VALUE);
	CHECK_EQ(data_with(99, 4096, 0, &out), TDM_WIRE_BAD_VALUE);
	/* A read request is no write. */
	CHECK_EQ(data_with(TDM_OP_READ, 4096, 0, &out), TDM_WIRE_BAD_VALUE);
}

static enum tdm_wire_err read_with(u32 op, u32 size, u32 payload, struct tdm_data *out)
{
	struct tdm_data d = { 8, size, op };
	u8 buf[TDM_WIRE_DATA_HDR_LEN];

	tdm_data_encode(buf, &d);
	return tdm_read_req_decode(buf, sizeof(buf), TDM_WIRE_DATA_HDR_LEN + payload, out);
}

static void sb_info(void)
{
	struct tdm_sb_side in = { 1ull << 40, true, TANDEM_SB0_DISCARD_LEAST_CHANGES,
				  TANDEM_SB1_CONSENSUS, 5, false }, out;
	u8 buf[TDM_WIRE_SB_INFO_LEN];
	size_t n;

	CHECK_EQ(hdr_with(TDM_P_SB_INFO, TDM_WIRE_SB_INFO_LEN), TDM_WIRE_OK);
	CHECK_EQ(hdr_with(TDM_P_SB_INFO, 0), TDM_WIRE_BAD_LEN);
	CHECK_EQ(hdr_with(TDM_P_TARGET_READY, 0), TDM_WIRE_OK);
	CHECK_EQ(hdr_with(TDM_P_TARGET_READY, 4), TDM_WIRE_BAD_LEN);
	CHECK_EQ(hdr_with(TDM_P_SIZES, TDM_WIRE_SIZES_LEN), TDM_WIRE_OK);
	CHECK_EQ(hdr_with(TDM_P_RESIZE, 0), TDM_WIRE_BAD_LEN);
	CHECK_EQ(hdr_with(TDM_P_RESIZE_REPLY, TDM_WIRE_SIZES_LEN + 1), TDM_WIRE_BAD_LEN);
	tdm_sb_info_encode(buf, &in);
	CHECK_EQ(tdm_sb_info_decode(buf, sizeof(buf), &out), TDM_WIRE_OK);
	CHECK(out.changed == in.changed && out.primary && out.pol0 == in.pol0 &&
	      out.pol1 == in.pol1 && out.tiebreak == 0);
	for (n = 0; n < sizeof(buf); n++) {
		u8 *p = exact(buf, n);

		CHECK_EQ(tdm_sb_info_decode(p, n, &out), TDM_WIRE_SHORT);
		free(p);
	}
	CHECK(!out.primary_at_split);
	in.primary_at_split = true;
	in.pol0 = TANDEM_SB0_DISCARD_OLDER_PRIMARY;
	tdm_sb_info_encode(buf, &in);
	CHECK_EQ(tdm_sb_info_decode(buf, sizeof(buf), &out), TDM_WIRE_OK);
	CHECK(out.primary && out.primary_at_split && out.pol0 == TANDEM_SB0_DISCARD_OLDER_PRIMARY);
	in.primary_at_split = false;
	buf[11] = 7;	/* an unknown flag */
	CHECK_EQ(tdm_sb_info_decode(buf, sizeof(buf), &out), TDM_WIRE_BAD_VALUE);
	in.pol0 = TANDEM_SB0_DISCARD_OLDER_PRIMARY + 1;
	tdm_sb_info_encode(buf, &in);
	CHECK_EQ(tdm_sb_info_decode(buf, sizeof(buf), &out), TDM_WIRE_BAD_VALUE);
	in.pol0 = TANDEM_SB0_DISCONNECT;
	in.pol1 = 0;
	tdm_sb_info_encode(buf, &in);
	CHECK_EQ(tdm_sb_info_decode(buf, sizeof(buf), &out), TDM_WIRE_BAD_VALUE);
	in.pol1 = TANDEM_SB1_DISCONNECT;
	tdm_sb_info_encode(buf, &in);
	buf[23] = 1;
	CHECK_EQ(tdm_sb_info_decode(buf, sizeof(buf), &out), TDM_WIRE_BAD_VALUE);
}

static void read_rules(void)
{
	struct tdm_data out;

	CHECK_EQ(hdr_with(TDM_P_READ_REQ, TDM_WIRE_DATA_HDR_LEN), TDM_WIRE_OK);
	CHECK_EQ(hdr_with(TDM_P_READ_REQ, 0), TDM_WIRE_BAD_LEN);
	CHECK_EQ(hdr_with(TDM_P_READ_REQ, TDM_WIRE_DATA_HDR_LEN + 4096), TDM_WIRE_BAD_LEN);
	CHECK_EQ(hdr_with(TDM_P_READ_REPLY, 0), TDM_WIRE_OK);
	CHECK_EQ(hdr_with(TDM_P_READ_REPLY, TDM_WIRE_MAX_DATA), TDM_WIRE_OK);
	CHECK_EQ(hdr_with(TDM_P_READ_REPLY, TDM_WIRE_MAX_DATA + 1), TDM_WIRE_BAD_LEN);
	CHECK_EQ(read_with(TDM_OP_READ, 4096, 0, &out), TDM_WIRE_OK);
	CHECK_EQ(out.sector, 8);
	CHECK_EQ(out.size, 4096);
	CHECK_EQ(read_with(TDM_OP_READ, TDM_WIRE_MAX_DATA, 0, &out), TDM_WIRE_OK);
	CHECK_EQ(read_with(TDM_OP_READ, TDM_WIRE_MAX_DATA + 512, 0, &out), TDM_WIRE_BAD_LEN);
	CHECK_EQ(read_with(TDM_OP_READ, 0, 0, &out), TDM_WIRE_BAD_LEN);
	CHECK_EQ(read_with(TDM_OP_READ, 4096, 4096, &out), TDM_WIRE_BAD_LEN);
	CHECK_EQ(read_with(TDM_OP_READ, 100, 0, &out), TDM_WIRE_BAD_VALUE);
	CHECK_EQ(read_with(TDM_OP_WRITE, 4096, 4096, &out), TDM_WIRE_BAD_VALUE);
	CHECK_EQ(read_with(TDM_OP_DISCARD, 4096, 0, &out), TDM_WIRE_BAD_VALUE);
	CHECK_EQ(read_with(TDM_OP_FLUSH, 0, 0, &out), TDM_WIRE_BAD_VALUE);
}

static void data_range(void)
{
	u64 s;

	CHECK(tdm_range_ok(0, 4096, 8));
	CHECK(!tdm_range_ok(0, 4096, 7));
	CHECK(tdm_range_ok(1000, 4096, 1008));
	CHECK(!tdm_range_ok(1000, 4096, 1007));
	CHECK(tdm_range_ok(2048, 0, 2048));
	CHECK(!tdm_range_ok(2049, 0, 2048));
	CHECK(!tdm_range_ok(2049, 4096, 2048));
	/* Near 2^64, sector + size wraps to a small number: still out of range. */
	for (s = ~0ULL - 16; s; s++)
		CHECK(!tdm_range_ok(s, 4096, 2048));
	CHECK(!tdm_range_ok(~0ULL - 2, 262144, ~0ULL - 1));
	CHECK(tdm_range_ok(~0ULL - 8, 4096, ~0ULL));
	CHECK(!tdm_range_ok(~0ULL - 7, 4096, ~0ULL));
}

static void data_flags(void)
{
	CHECK(tdm_data_flags_ok(TDM_OP_WRITE, 0));
	CHECK(tdm_data_flags_ok(TDM_OP_WRITE, TDM_F_FUA | TDM_F_PREFLUSH));
	CHECK(tdm_data_flags_ok(TDM_OP_WRITE, TDM_F_RESYNC));
	CHECK(tdm_data_flags_ok(TDM_OP_FLUSH, TDM_F_PREFLUSH));
	CHECK(tdm_data_flags_ok(TDM_OP_FLUSH, TDM_F_PREFLUSH | TDM_F_FUA));
	CHECK(tdm_data_flags_ok(TDM_OP_DISCARD, 0));
	CHECK(tdm_data_flags_ok(TDM_OP_WRITE_ZEROES, TDM_F_FUA));
	/* An empty flush without the flag would be a zero-length plain write. */
	CHECK(!tdm_data_flags_ok(TDM_OP_FLUSH, 0));
	CHECK(!tdm_data_flags_ok(TDM_OP_FLUSH, TDM_F_FUA));
	CHECK(!tdm_data_flags_ok(TDM_OP_DISCARD, TDM_F_RESYNC));
	CHECK(!tdm_data_flags_ok(TDM_OP_FLUSH, TDM_F_PREFLUSH | TDM_F_RESYNC));
	CHECK(!tdm_data_flags_ok(TDM_OP_WRITE, 0x8));
	CHECK(!tdm_data_flags_ok(TDM_OP_WRITE, 0x8000));
}

static void fill_hello(struct tdm_hello *h)
{
	memset(h, 0, sizeof(*h));
	h->proto_min = TDM_WIRE_PROTO_MIN;
	h->proto_max = TDM_WIRE_PROTO_MAX;
	h->features = TDM_HELLO_FEATURES;
	h->size_sectors = 2097152;
	h->flags = TDM_HELLO_SECRET;
	h->protocol = TANDEM_PROTO_SYNC;
	strcpy(h->name, "r0");
	memset(h->nonce, 0xa5, sizeof(h->nonce));
	h->lbs = 4096;
	h->caps = TDM_CAP_WRITE_ZEROES;
}

static void hello_roundtrip(void)
{
	struct tdm_hello in, out;
	u8 buf[TDM_WIRE_HELLO_LEN];
	size_t n;

	fill_hello(&in);
	in.features = 0x5;		/* decoded as sent; tdm_hello_check judges it */
	tdm_hello_encode(buf, &in);
	CHECK_EQ(tdm_hello_decode(buf, sizeof(buf), &out), TDM_WIRE_OK);
	CHECK(!memcmp(&in, &out, sizeof(in)));
	for (n = 0; n < TDM_WIRE_HELLO_LEN; n++) {
		u8 *p = exact(buf, n);

		CHECK_EQ(tdm_hello_decode(p, n, &out), TDM_WIRE_SHORT);
		free(p);
	}
	/* A name filling its field with no NUL, a bad name, bad versions, protocol. */
	memset(buf + 32, 'a', TDM_WIRE_NAME_LEN);
	CHECK_EQ(tdm_hello_decode(buf, sizeof(buf), &out), TDM_WIRE_BAD_VALUE);
	tdm_hello_encode(buf, &in);
	buf[32] = '/';
	CHECK_EQ(tdm_hello_decode(buf, sizeof(buf), &out), TDM_WIRE_BAD_VALUE);
	in.proto_min = 3;
	in.proto_max = 2;
	tdm_hello_encode(buf, &in);
	CHECK_EQ(tdm_hello_decode(buf, sizeof(buf), &out), TDM_WIRE_BAD_VALUE);
	fill_hello(&in);
	in.protocol = 7;
	tdm_hello_encode(buf, &in);
	CHECK_EQ(tdm_hello_decode(buf, sizeof(buf), &out), TDM_WIRE_BAD_VALUE);
	/* Logical block sizes: powers of 2 from 512 to 64 KiB only. */
	for (n = 0; n < 6; n++) {
		static const u32 lbs[] = { 0, 256, 1000, 4097, 131072, 65536 };

		fill_hello(&in);
		in.lbs = lbs[n];
		tdm_hello_encode(buf, &in);
		CHECK_EQ(tdm_hello_decode(buf, sizeof(buf), &out),
			 n == 5 ? TDM_WIRE_OK : TDM_WIRE_BAD_VALUE);
	}
}

static void hello_check(void)
{
	struct tdm_hello a, b;
	u32 proto = 0;

	fill_hello(&a);
	fill_hello(&b);
	CHECK_EQ(tdm_hello_check(&a, &b, &proto), TDM_REFUSE_NONE);
	CHECK_EQ(proto, TDM_WIRE_PROTO_MAX);
	b.proto_max = TDM_WIRE_PROTO_MAX + 3;
	CHECK_EQ(tdm_hello_check(&a, &b, &proto), TDM_REFUSE_NONE);
	CHECK_EQ(proto, TDM_WIRE_PROTO_MAX);
	b.proto_min = TDM_WIRE_PROTO_MAX + 1;
	CHECK_EQ(tdm_hello_check(&a, &b, &proto), TDM_REFUSE_PROTO);
	fill_hello(&b);
	strcpy(b.name, "r1");
	CHECK_EQ(tdm_hello_check(&a, &b, &proto), TDM_REFUSE_NAME);
	fill_hello(&b);
	b.size_sectors++;
	CHECK_EQ(tdm_hello_check(&a, &b, &proto), TDM_REFUSE_SIZE);
	/* Two nodes that agree sizes in the handshake may start from different ones. */
	a.caps |= TDM_CAP_SIZES;
	CHECK_EQ(tdm_hello_check(&a, &b, &proto), TDM_REFUSE_SIZE);
	b.caps |= TDM_CAP_SIZES;
	CHECK_EQ(tdm_hello_check(&a, &b, &proto), TDM_REFUSE_NONE);
	fill_hello(&a);
	fill_hello(&b);
	b.protocol = TANDEM_PROTO_ASYNC;
	CHECK_EQ(tdm_hello_check(&a, &b, &proto), TDM_REFUSE_PROTOCOL);
	fill_hello(&b);
	b.flags = 0;
	CHECK_EQ(tdm_hello_check(&a, &b, &proto), TDM_REFUSE_SECRET_MISMATCH);
	fill_hello(&b);
	b.features = 1;			/* a feature this version does not know */
	CHECK_EQ(tdm_hello_check(&a, &b, &proto), TDM_REFUSE_PROTO);
	b.features = 1ULL << 63;
	CHECK_EQ(tdm_hello_check(&a, &b, &proto), TDM_REFUSE_PROTO);
	fill_hello(&b);
	b.lbs = 512;
	CHECK_EQ(tdm_hello_check(&a, &b, &proto), TDM_REFUSE_BLOCK_SIZE);
	fill_hello(&b);
	b.caps = 0;			/* what a disk can do is no reason to refuse */
	CHECK_EQ(tdm_hello_check(&a, &b, &proto), TDM_REFUSE_NONE);
	CHECK(strlen(tdm_refuse_str(TDM_REFUSE_SIZE)) > 5);
	CHECK(strlen(tdm_refuse_str(TDM_REFUSE_BLOCK_SIZE)) > 5);
}

static void state_rules(void)
{
	struct tdm_state in = { TANDEM_ROLE_PRIMARY, TANDEM_DISK_UPTODATE }, out;
	u8 buf[TDM_WIRE_STATE_LEN];
	size_t n;

	tdm_state_encode(buf, &in);
	CHECK_EQ(tdm_state_decode(buf, sizeof(buf), &out), TDM_WIRE_OK);
	CHECK(!memcmp(&in, &out, sizeof(in)));
	for (n = 0; n < TDM_WIRE_STATE_LEN; n++) {
		u8 *p = exact(buf, n);

		CHECK_EQ(tdm_state_decode(p, n, &out), TDM_WIRE_SHORT);
		free(p);
	}
	in.role = 3;
	tdm_state_encode(buf, &in);
	CHECK_EQ(tdm_state_decode(buf, sizeof(buf), &out), TDM_WIRE_BAD_VALUE);
	in.role = TANDEM_ROLE_SECONDARY;
	in.disk = 0;
	tdm_state_encode(buf, &in);
	CHECK_EQ(tdm_state_decode(buf, sizeof(buf), &out), TDM_WIRE_BAD_VALUE);
	in.disk = TANDEM_DISK_FAILED;
	tdm_state_encode(buf, &in);
	CHECK_EQ(tdm_state_decode(buf, sizeof(buf), &out), TDM_WIRE_OK);
	CHECK_EQ(out.disk, TANDEM_DISK_FAILED);
	in.disk = TANDEM_DISK_DISKLESS;
	tdm_state_encode(buf, &in);
	CHECK_EQ(tdm_state_decode(buf, sizeof(buf), &out), TDM_WIRE_OK);
	CHECK_EQ(out.disk, TANDEM_DISK_DISKLESS);
	in.disk = TANDEM_DISK_DISKLESS + 1;
	tdm_state_encode(buf, &in);
	CHECK_EQ(tdm_state_decode(buf, sizeof(buf), &out), TDM_WIRE_BAD_VALUE);
}

static void auth_msg(void)
{
	u8 n1[TDM_WIRE_NONCE_LEN], n2[TDM_WIRE_NONCE_LEN];
	u8 m1[TDM_AUTH_MSG_LEN], m2[TDM_AUTH_MSG_LEN], m3[TDM_AUTH_MSG_LEN];

	memset(n1, 1, sizeof(n1));
	memset(n2, 2, sizeof(n2));
	tdm_auth_msg(m1, true, n1, n2);
	tdm_auth_msg(m2, false, n1, n2);
	tdm_auth_msg(m3, true, n2, n1);
	/* The two directions and the two nonce orders all sign different messages. */
	CHECK(memcmp(m1, m2, sizeof(m1)));
	CHECK(memcmp(m1, m3, sizeof(m1)));
	CHECK(!memcmp(m1 + 17, n1, sizeof(n1)));
}

/* Arbitrary bytes: decoding never fails in any way but an error code. */
static void garbage(void)
{
	unsigned int seed = 12345, i, j, rejected = 0;
	struct tdm_hdr h;
	struct tdm_data d;
	struct tdm_hello he;
	struct tdm_state s;

	for (i = 0; i < 20000; i++) {
		u8 buf[TDM_WIRE_HELLO_LEN];
		size_t len;
		u8 *p;

		for (j = 0; j < sizeof(buf); j++) {
			seed = seed * 1103515245 + 12345;
			buf[j] = seed >> 16;
		}
		if (i & 1)
			tdm_be32_put(buf, TDM_WIRE_MAGIC);
		len = (seed >> 8) % (sizeof(buf) + 1);
		p = exact(buf, len);
		rejected += tdm_hdr_decode(p, len, &h) != TDM_WIRE_OK;
		rejected += tdm_data_decode(p, len, (u32)seed, &d) != TDM_WIRE_OK;
		rejected += tdm_hello_decode(p, len, &he) != TDM_WIRE_OK;
		rejected += tdm_state_decode(p, len, &s) != TDM_WIRE_OK;
		free(p);
	}
	/* Random bytes are nearly always refused (a state may pass by chance). */
	CHECK(rejected > 4 * 20000 * 9 / 10);
}

static void gen_rules(void)
{
	struct tdm_gen in = { .cur = 0x0102030405060708ULL, .bitmap = 9, .history = { 10, 11 },
			      .flags = TDM_GEN_RESYNC_OWED | TDM_GEN_DISCARD_MINE, .tiebreak = 77 };
	struct tdm_gen out;
	u8 buf[TDM_WIRE_GEN_LEN];
	size_t n;

	tdm_gen_encode(buf, &in);
	CHECK_EQ(buf[0], 0x01);		/* big-endian on the wire */
	CHECK_EQ(tdm_gen_decode(buf, sizeof(buf), &out), TDM_WIRE_OK);
	CHECK(out.cur == in.cur && out.bitmap == in.bitmap && out.history[0] == 10 &&
	      out.history[1] == 11 && out.flags == in.flags && out.tiebreak == 77);
	for (n = 0; n < TDM_WIRE_GEN_LEN; n++) {
		u8 *p = exact(buf, n);

		CHECK_EQ(tdm_gen_decode(p, n, &out), TDM_WIRE_SHORT);
		free(p);
	}
	/* The role flag is the deciding side's, never sent; a peer that sends it, or unknown bits, is refused. */
	in.flags = TDM_GEN_RESYNC_OWED | TDM_GEN_PRIMARY;
	tdm_gen_encode(buf, &in);
	CHECK_EQ(tdm_gen_decode(buf, sizeof(buf), &out), TDM_WIRE_OK);
	CHECK_EQ(out.flags, TDM_GEN_RESYNC_OWED);
	buf[43] = TDM_GEN_PRIMARY;
	CHECK_EQ(tdm_gen_decode(buf, sizeof(buf), &out), TDM_WIRE_BAD_VALUE);
	buf[43] = 0x80;
	CHECK_EQ(tdm_gen_decode(buf, sizeof(buf), &out), TDM_WIRE_BAD_VALUE);
	in.flags = 0;
	tdm_gen_encode(buf, &in);
	buf[47] = 1;			/* padding must be zero */
	CHECK_EQ(tdm_gen_decode(buf, sizeof(buf), &out), TDM_WIRE_BAD_VALUE);

	CHECK_EQ(hdr_with(TDM_P_GEN, TDM_WIRE_GEN_LEN), TDM_WIRE_OK);
	CHECK_EQ(hdr_with(TDM_P_GEN, TDM_WIRE_GEN_LEN + 1), TDM_WIRE_BAD_LEN);
	CHECK_EQ(hdr_with(TDM_P_SYNC_DONE, 0), TDM_WIRE_BAD_LEN);
	CHECK_EQ(hdr_with(TDM_P_RS_ACK, 0), TDM_WIRE_OK);
	CHECK_EQ(hdr_with(TDM_P_RS_ACK, 4), TDM_WIRE_BAD_LEN);
	CHECK_EQ(hdr_with(TDM_P_VERIFY_REQ, 0), TDM_WIRE_OK);
	CHECK_EQ(hdr_with(TDM_P_VERIFY_REQ, 4), TDM_WIRE_BAD_LEN);
	CHECK_EQ(hdr_with(TDM_P_VERIFY_REPLY, 4), TDM_WIRE_OK);
	CHECK_EQ(hdr_with(TDM_P_VERIFY_REPLY, 4 * TDM_WIRE_VERIFY_BLOCKS), TDM_WIRE_OK);
	CHECK_EQ(hdr_with(TDM_P_VERIFY_REPLY, 0), TDM_WIRE_BAD_LEN);
	CHECK_EQ(hdr_with(TDM_P_VERIFY_REPLY, 6), TDM_WIRE_BAD_LEN);
	CHECK_EQ(hdr_with(TDM_P_VERIFY_REPLY, 4 * TDM_WIRE_VERIFY_BLOCKS + 4), TDM_WIRE_BAD_LEN);
	CHECK_EQ(hdr_with(TDM_P_BITMAP, 0), TDM_WIRE_OK);
	CHECK_EQ(hdr_with(TDM_P_BITMAP, TDM_WIRE_RUN_LEN * TDM_WIRE_MAX_RUNS), TDM_WIRE_OK);
	CHECK_EQ(hdr_with(TDM_P_BITMAP, TDM_WIRE_RUN_LEN * (TDM_WIRE_MAX_RUNS + 1)), TDM_WIRE_BAD_LEN);
	CHECK_EQ(hdr_with(TDM_P_BITMAP, TDM_WIRE_RUN_LEN + 1), TDM_WIRE_BAD_LEN);
}

static void run_rules(void)
{
	struct tdm_run in = { .start = 100, .count = 28 }, out;
	u8 buf[TDM_WIRE_RUN_LEN];
	u8 *p;

	tdm_run_encode(buf, &in);
	CHECK_EQ(tdm_run_decode(buf, sizeof(buf), 128, &out), TDM_WIRE_OK);
	CHECK_EQ(out.start, 100);
	CHECK_EQ(out.count, 28);
	/* One bit past the bitmap, an empty run, a start past the end, a wrap. */
	CHECK_EQ(tdm_run_decode(buf, sizeof(buf), 127, &out), TDM_WIRE_BAD_VALUE);
	in.count = 0;
	tdm_run_encode(buf, &in);
	CHECK_EQ(tdm_run_decode(buf, sizeof(buf), 128, &out), TDM_WIRE_BAD_VALUE);
	in = (struct tdm_run){ .start = 128, .count = 1 };
	tdm_run_encode(buf, &in);
	CHECK_EQ(tdm_run_decode(buf, sizeof(buf), 128, &out), TDM_WIRE_BAD_VALUE);
	in = (struct tdm_run){ .start = ~0ULL - 2, .count = 10 };
	tdm_run_encode(buf, &in);
	CHECK_EQ(tdm_run_decode(buf, sizeof(buf), ~0ULL, &out), TDM_WIRE_BAD_VALUE);
	p = exact(buf, TDM_WIRE_RUN_LEN - 1);
	CHECK_EQ(tdm_run_decode(p, TDM_WIRE_RUN_LEN - 1, 128, &out), TDM_WIRE_SHORT);
	free(p);
}

/* Runs in order: touching is fine (a run split at U32_MAX bits), overlap or going back is not. */
static void run_order(void)
{
	struct tdm_run a = { .start = 0, .count = 10 }, b = { .start = 10, .count = 5 },
		       c = { .start = 20, .count = 1 };
	u64 next = 0;

	CHECK(tdm_run_in_order(&a, &next));
	CHECK_EQ(next, 10);
	CHECK(tdm_run_in_order(&b, &next));
	CHECK(tdm_run_in_order(&c, &next));
	CHECK_EQ(next, 21);
	/* The same run again (a flood), one before it, one overlapping its end. */
	CHECK(!tdm_run_in_order(&c, &next));
	CHECK(!tdm_run_in_order(&a, &next));
	next = 21;
	CHECK(!tdm_run_in_order(&(struct tdm_run){ .start = 20, .count = 5 }, &next));
	CHECK_EQ(next, 21);
	/* The last bits of a 2^64-bit map end exactly at 2^64: next wraps to 0 no earlier. */
	next = ~0ULL - 9;
	CHECK(tdm_run_in_order(&(struct tdm_run){ .start = ~0ULL - 9, .count = 9 }, &next));
	CHECK_EQ(next, ~0ULL);
}

void test_wire(void)
{
	gen_rules();
	run_rules();
	run_order();
	hdr_roundtrip();
	hdr_rules();
	data_rules();
	read_rules();
	sb_info();
	data_range();
	data_flags();
	hello_roundtrip();
	hello_check();
	state_rules();
	auth_msg();
	garbage();
}
