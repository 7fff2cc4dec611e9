// SPDX-License-Identifier: GPL-2.0
/* The device's size, agreed in the handshake and grown by resize (core/sizes.h). */
#include "unit.h"
#include "core/sizes.h"

#define MIB 2048ULL

static struct tdm_sizes sz(u64 size, u64 max, bool data)
{
	struct tdm_sizes s = { .size = size, .max = max, .flags = data ? TDM_SIZES_HAS_DATA : 0 };

	return s;
}

/* Both orders give the same answer: each node decides alone. */
static enum tdm_refuse agree(struct tdm_sizes a, struct tdm_sizes b, u64 *size)
{
	enum tdm_refuse r = tdm_sizes_agree(&a, &b, size), back;
	u64 other = 0;

	back = tdm_sizes_agree(&b, &a, &other);
	CHECK_EQ(r, back);
	if (r == TDM_REFUSE_NONE)
		CHECK_EQ(*size, other);
	return r;
}

static void agree_rules(void)
{
	u64 s = 0;

	/* Two new disks, 900 MiB and 1 GiB: the device is the smaller. */
	CHECK_EQ(agree(sz(1024 * MIB, 1024 * MIB, false), sz(900 * MIB, 900 * MIB, false), &s),
		 TDM_REFUSE_NONE);
	CHECK_EQ(s, 900 * MIB);
	/* ...and an explicit size on one (create-md --size) below both. */
	CHECK_EQ(agree(sz(512 * MIB, 1024 * MIB, false), sz(900 * MIB, 900 * MIB, false), &s),
		 TDM_REFUSE_NONE);
	CHECK_EQ(s, 512 * MIB);
	/* Data on the big one, a new small one: refused, the data would not fit. */
	CHECK_EQ(agree(sz(1024 * MIB, 1024 * MIB, true), sz(900 * MIB, 900 * MIB, false), &s),
		 TDM_REFUSE_DISK_TOO_SMALL);
	/* Data on the small one, a new big one: the big one takes the small size. */
	CHECK_EQ(agree(sz(1024 * MIB, 1024 * MIB, false), sz(900 * MIB, 900 * MIB, true), &s),
		 TDM_REFUSE_NONE);
	CHECK_EQ(s, 900 * MIB);
	/* Both with data at the same size. */
	CHECK_EQ(agree(sz(900 * MIB, 1024 * MIB, true), sz(900 * MIB, 900 * MIB, true), &s),
		 TDM_REFUSE_NONE);
	CHECK_EQ(s, 900 * MIB);
	/* Both with data, one grew (a resize cut short): both take the larger... */
	CHECK_EQ(agree(sz(1024 * MIB, 1024 * MIB, true), sz(900 * MIB, 1024 * MIB, true), &s),
		 TDM_REFUSE_NONE);
	CHECK_EQ(s, 1024 * MIB);
	/* ...if both disks hold it; data is never cut. */
	CHECK_EQ(agree(sz(1024 * MIB, 1024 * MIB, true), sz(900 * MIB, 900 * MIB, true), &s),
		 TDM_REFUSE_DISK_TOO_SMALL);
	CHECK(strlen(tdm_refuse_str(TDM_REFUSE_DISK_TOO_SMALL)) > 10);
}

static void resize_rules(void)
{
	u64 t = 0;

	/* As large as both disks hold. */
	CHECK_EQ(tdm_resize_target(0, 512 * MIB, 1024 * MIB, 2048 * MIB, &t), TDM_RESIZE_OK);
	CHECK_EQ(t, 1024 * MIB);
	CHECK_EQ(tdm_resize_target(0, 512 * MIB, 2048 * MIB, 1024 * MIB, &t), TDM_RESIZE_OK);
	CHECK_EQ(t, 1024 * MIB);
	/* A size asked for: both must hold it. */
	CHECK_EQ(tdm_resize_target(768 * MIB, 512 * MIB, 1024 * MIB, 1024 * MIB, &t), TDM_RESIZE_OK);
	CHECK_EQ(t, 768 * MIB);
	CHECK_EQ(tdm_resize_target(1536 * MIB, 512 * MIB, 2048 * MIB, 1024 * MIB, &t),
		 TDM_RESIZE_TOO_SMALL);
	CHECK_EQ(tdm_resize_target(1536 * MIB, 512 * MIB, 1024 * MIB, 2048 * MIB, &t),
		 TDM_RESIZE_TOO_SMALL);
	/* Never smaller; the same size is nothing to do, and no error. */
	CHECK_EQ(tdm_resize_target(256 * MIB, 512 * MIB, 1024 * MIB, 1024 * MIB, &t),
		 TDM_RESIZE_SHRINK);
	CHECK_EQ(tdm_resize_target(0, 512 * MIB, 512 * MIB, 512 * MIB, &t), TDM_RESIZE_OK);
	CHECK_EQ(t, 512 * MIB);
	/* A disk that shrank below the device. */
	CHECK_EQ(tdm_resize_target(0, 512 * MIB, 1024 * MIB, 256 * MIB, &t), TDM_RESIZE_SHRINK);
	CHECK(strlen(tdm_resize_err_str(TDM_RESIZE_METADATA)) > 10);
	CHECK_STR(tdm_resize_err_str(__TDM_RESIZE_MAX), "unknown resize error");
}

/* The packet: sizes in whole 4 KiB blocks, size within max, known flags. */
static void sizes_wire(void)
{
	struct tdm_sizes in = sz(900 * MIB, 1024 * MIB, true), out;
	u8 buf[TDM_WIRE_SIZES_LEN];

	tdm_sizes_encode(buf, &in);
	CHECK_EQ(tdm_sizes_decode(buf, sizeof(buf), TDM_P_SIZES, &out), TDM_WIRE_OK);
	CHECK_EQ(out.size, in.size);
	CHECK_EQ(out.max, in.max);
	CHECK_EQ(out.flags, in.flags);
	CHECK_EQ(tdm_sizes_decode(buf, sizeof(buf) - 1, TDM_P_SIZES, &out), TDM_WIRE_SHORT);
	in.size = in.max + 8;
	tdm_sizes_encode(buf, &in);
	CHECK_EQ(tdm_sizes_decode(buf, sizeof(buf), TDM_P_SIZES, &out), TDM_WIRE_BAD_VALUE);
	in = sz(900 * MIB + 1, 1024 * MIB, false);
	tdm_sizes_encode(buf, &in);
	CHECK_EQ(tdm_sizes_decode(buf, sizeof(buf), TDM_P_SIZES, &out), TDM_WIRE_BAD_VALUE);
	in = sz(0, 1024 * MIB, false);
	tdm_sizes_encode(buf, &in);
	CHECK_EQ(tdm_sizes_decode(buf, sizeof(buf), TDM_P_SIZES, &out), TDM_WIRE_BAD_VALUE);
	/* A RESIZE may ask for "as large as both hold". */
	CHECK_EQ(tdm_sizes_decode(buf, sizeof(buf), TDM_P_RESIZE, &out), TDM_WIRE_OK);
	in = sz(8, 1ULL << 51, false);
	tdm_sizes_encode(buf, &in);
	CHECK_EQ(tdm_sizes_decode(buf, sizeof(buf), TDM_P_RESIZE, &out), TDM_WIRE_BAD_VALUE);
	in = sz(8, 16, false);
	in.flags = 4;
	tdm_sizes_encode(buf, &in);
	CHECK_EQ(tdm_sizes_decode(buf, sizeof(buf), TDM_P_RESIZE, &out), TDM_WIRE_BAD_VALUE);
	in.flags = TDM_SIZES_ASSUME_CLEAN;
	tdm_sizes_encode(buf, &in);
	buf[23] = 1;
	CHECK_EQ(tdm_sizes_decode(buf, sizeof(buf), TDM_P_RESIZE, &out), TDM_WIRE_BAD_VALUE);
}

void test_sizes(void)
{
	agree_rules();
	resize_rules();
	sizes_wire();
}
