// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "core/ondisk.h"

static void crc_vectors(void)
{
	u8 zeros[32] = { 0 };

	CHECK_EQ(tdm_crc32c("123456789", 9), 0xe3069283u);
	CHECK_EQ(tdm_crc32c("", 0), 0);
	CHECK_EQ(tdm_crc32c(zeros, 32), 0x8a9136aau);	/* RFC 3720 B.4 */
}

static void layouts(void)
{
	struct tdm_md_layout l;
	u64 sizes[] = { 2048 + 96, 8192, 2097152, 2097152 + 7, 524288, 1ULL << 31, 1ULL << 40 };
	size_t i;

	/* 1 GiB: 32 KiB of bitmap blocks... one 4 KiB block covers 127.5 MiB. */
	CHECK_EQ(tdm_md_layout(2097152, &l), TDM_MD_OK);
	CHECK_EQ(l.disk_sectors, 2097152);
	CHECK_EQ(l.bm_blocks, 9);
	CHECK_EQ(l.sb_offset, 2097152 - 8);
	CHECK_EQ(l.al_offset, l.sb_offset - 64);
	CHECK_EQ(l.bm_offset + l.bm_blocks * 8, l.al_offset);
	CHECK_EQ(l.data_sectors, l.bm_offset);
	CHECK_EQ(l.bm_bits, l.data_sectors / 8);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		if (tdm_md_layout(sizes[i], &l) != TDM_MD_OK) {
			CHECK(sizes[i] < 4096);
			continue;
		}
		CHECK(l.disk_sectors <= sizes[i]);
		CHECK(l.disk_sectors % 8 == 0);
		CHECK(l.data_sectors % 8 == 0);
		CHECK(l.bm_bits * 8 == l.data_sectors);
		CHECK(l.bm_blocks * TDM_BM_BITS_PER_BLOCK >= l.bm_bits);
		CHECK(l.data_sectors * 512 >= TDM_MD_MIN_DATA);
		CHECK_EQ(l.sb_offset + 8, l.disk_sectors);
	}
	CHECK_EQ(tdm_md_layout(0, &l), TDM_MD_TOO_SMALL);
	CHECK_EQ(tdm_md_layout(2048, &l), TDM_MD_TOO_SMALL);
	CHECK_EQ(tdm_md_layout(~0ULL, &l), TDM_MD_TOO_SMALL);
}

static void conversions(void)
{
	struct tdm_md_layout l;

	CHECK_EQ(1u << TDM_BM_SHIFT, TDM_MD_BYTES_PER_BIT);
	CHECK_EQ(TDM_BM_SECTORS_PER_BIT, 8);
	CHECK_EQ(tdm_bm_sector_to_bit(0), 0);
	CHECK_EQ(tdm_bm_sector_to_bit(7), 0);
	CHECK_EQ(tdm_bm_sector_to_bit(8), 1);
	CHECK_EQ(tdm_bm_sector_to_bit(~0ULL), ~0ULL >> 3);
	CHECK_EQ(tdm_bm_bit_to_sector(0), 0);
	CHECK_EQ(tdm_bm_bit_to_sector(1), 8);
	CHECK_EQ(tdm_bm_bit_to_sector(1ULL << 40), 1ULL << 43);
	CHECK_EQ(tdm_bm_sector_to_bit(tdm_bm_bit_to_sector(12345)), 12345);
	/* Every data sector has its bit, and the last bit covers the last sector. */
	CHECK_EQ(tdm_md_layout(2097152, &l), TDM_MD_OK);
	CHECK_EQ(tdm_bm_sector_to_bit(l.data_sectors - 1), l.bm_bits - 1);
	CHECK_EQ(tdm_bm_bit_to_sector(l.bm_bits), l.data_sectors);
	/* Metadata blocks: 8 sectors each, from the start of their area. */
	CHECK_EQ(tdm_md_block_sector(l.bm_offset, 0), l.bm_offset);
	CHECK_EQ(tdm_md_block_sector(l.bm_offset, l.bm_blocks), l.al_offset);
	CHECK_EQ(tdm_md_block_sector(l.al_offset, TDM_AL_SLOTS), l.sb_offset);
}

static void sample(struct tdm_md_sb *sb, u64 disk)
{
	memset(sb, 0, sizeof(*sb));
	sb->version = TDM_MD_VERSION;
	sb->flags = TDM_MDF_CONSISTENT | TDM_MDF_PRIMARY;
	tdm_md_layout(disk, &sb->layout);
	sb->uuid_current = 0x1111222233334444ULL;
	sb->uuid_bitmap = 0x5555666677778888ULL;
	sb->uuid_history[0] = 1;
	sb->uuid_history[1] = 2;
	sb->device_uuid = 0xabcdef;
	sb->write_count = 42;
}

static void sb_roundtrip(void)
{
	struct tdm_md_sb in, out;
	u8 *buf = malloc(TDM_MD_BLOCK);

	sample(&in, 2097152);
	tdm_md_sb_encode(buf, &in);
	CHECK(!memcmp(buf, "TANDEMMD", 8));
	CHECK_EQ(buf[8], 1);		/* little-endian version */
	CHECK_EQ(buf[80], 0x44);	/* little-endian current uuid */
	CHECK_EQ(tdm_md_sb_decode(buf, 2097152, &out), TDM_MD_OK);
	CHECK(!memcmp(&in, &out, sizeof(in)));
	/* A disk a few sectors larger, not a whole 4 KiB more: same layout. */
	CHECK_EQ(tdm_md_sb_decode(buf, 2097152 + 7, &out), TDM_MD_OK);
	CHECK_EQ(tdm_md_sb_decode(buf, 2097152 + 8, &out), TDM_MD_BAD_LAYOUT);
	CHECK_EQ(tdm_md_sb_decode(buf, 2097152 - 8, &out), TDM_MD_BAD_LAYOUT);
	free(buf);
}

/* Every single-bit flip anywhere in the block is caught. */
static void sb_corruption(void)
{
	struct tdm_md_sb in, out;
	u8 *buf = malloc(TDM_MD_BLOCK);
	int missed = 0;
	size_t i;

	sample(&in, 2097152);
	for (i = 8; i < TDM_MD_BLOCK; i++) {
		tdm_md_sb_encode(buf, &in);
		buf[i] ^= 1u << (i % 8);
		if (tdm_md_sb_decode(buf, 2097152, &out) != TDM_MD_BAD_CRC)
			missed++;
	}
	CHECK_EQ(missed, 0);
	tdm_md_sb_encode(buf, &in);
	buf[0] = 'X';
	CHECK_EQ(tdm_md_sb_decode(buf, 2097152, &out), TDM_MD_NO_MAGIC);
	free(buf);
}

static void sb_fields(void)
{
	struct tdm_md_sb in, out;
	u8 *buf = malloc(TDM_MD_BLOCK);

	sample(&in, 2097152);
	in.version = 2;
	tdm_md_sb_encode(buf, &in);
	CHECK_EQ(tdm_md_sb_decode(buf, 2097152, &out), TDM_MD_NEWER);
	in.version = 0;
	tdm_md_sb_encode(buf, &in);
	CHECK_EQ(tdm_md_sb_decode(buf, 2097152, &out), TDM_MD_BAD_FIELD);
	sample(&in, 2097152);
	in.flags = 0x100;
	tdm_md_sb_encode(buf, &in);
	CHECK_EQ(tdm_md_sb_decode(buf, 2097152, &out), TDM_MD_BAD_FIELD);
	sample(&in, 2097152);
	in.layout.data_sectors += 8;
	tdm_md_sb_encode(buf, &in);
	CHECK_EQ(tdm_md_sb_decode(buf, 2097152, &out), TDM_MD_BAD_LAYOUT);
	sample(&in, 2097152);
	in.layout.bm_bits++;
	tdm_md_sb_encode(buf, &in);
	CHECK_EQ(tdm_md_sb_decode(buf, 2097152, &out), TDM_MD_BAD_LAYOUT);
	free(buf);
}

/* External metadata: the data disk all data, the metadata on a disk of its own. */
static void layout_external(void)
{
	const u64 gib = 2097152, mib = 2048;
	struct tdm_md_layout l, in;
	struct tdm_md_sb sb, out;
	u8 *buf = malloc(TDM_MD_BLOCK);

	/* 1 GiB of data (plus 7 sectors: rounded down) on a 1 MiB metadata disk. */
	CHECK_EQ(tdm_md_layout_external(gib + 7, mib, &l), TDM_MD_OK);
	CHECK_EQ(l.data_sectors, gib);
	CHECK_EQ(l.bm_bits, gib / 8);
	CHECK_EQ(l.bm_blocks, 9);
	CHECK_EQ(l.bm_offset, 0);
	/* The activity log just before the superblock: the bitmap grows in place. */
	CHECK_EQ(l.al_offset, mib - 8 - 64);
	CHECK_EQ(l.disk_sectors, mib);
	CHECK_EQ(l.sb_offset, mib - 8);
	CHECK_EQ(l.sb_offset, tdm_md_sb_sector(mib + 3));
	CHECK_EQ(tdm_md_block_sector(l.al_offset, TDM_AL_SLOTS), l.sb_offset);
	/* The smallest metadata disk: bitmap, activity log, superblock, nothing to spare. */
	CHECK_EQ(tdm_md_layout_external(gib, (9 * 4096 + TDM_MD_AL_BYTES + 4096) / 512, &l),
		 TDM_MD_OK);
	CHECK_EQ(tdm_md_block_sector(l.bm_offset, l.bm_blocks), l.al_offset);
	CHECK_EQ(tdm_md_layout_external(gib, (9 * 4096 + TDM_MD_AL_BYTES + 4096) / 512 - 1, &l),
		 TDM_MD_META_TOO_SMALL);
	CHECK_EQ(tdm_md_layout_external(mib - 8, mib, &l), TDM_MD_TOO_SMALL);
	CHECK_EQ(tdm_md_layout_external(~0ULL, mib, &l), TDM_MD_TOO_SMALL);
	CHECK_EQ(tdm_md_layout_external(gib, ~0ULL, &l), TDM_MD_TOO_SMALL);
	/* 16 TiB of data: 4 Gi bits in 131 587 blocks, 514 MiB of metadata. */
	CHECK_EQ(tdm_md_layout_external(1ULL << 35, 1ULL << 20, &l), TDM_MD_META_TOO_SMALL);
	CHECK_EQ(tdm_md_layout_external(1ULL << 35, 1ULL << 21, &l), TDM_MD_OK);
	CHECK_EQ(l.bm_bits, 1ULL << 32);
	CHECK_EQ(l.bm_blocks, ((1ULL << 32) + TDM_BM_BITS_PER_BLOCK - 1) / TDM_BM_BITS_PER_BLOCK);

	/* Round trip, read back from the metadata disk it was made for. */
	sample(&sb, gib);
	sb.flags |= TDM_MDF_EXTERNAL;
	CHECK_EQ(tdm_md_layout_external(gib, 4 * mib, &sb.layout), TDM_MD_OK);
	in = sb.layout;
	tdm_md_sb_encode(buf, &sb);
	CHECK_EQ(tdm_md_sb_decode(buf, 4 * mib, &out), TDM_MD_OK);
	CHECK(!memcmp(&in, &out.layout, sizeof(in)));
	CHECK_EQ(out.flags, sb.flags);
	/* Another metadata disk size is another layout. */
	CHECK_EQ(tdm_md_sb_decode(buf, 4 * mib + 8, &out), TDM_MD_BAD_LAYOUT);
	/* Whether it belongs to the data disk at hand. */
	CHECK_EQ(tdm_md_sb_decode(buf, 4 * mib, &out), TDM_MD_OK);
	CHECK_EQ(tdm_md_check_data(&out, gib), TDM_MD_OK);
	CHECK_EQ(tdm_md_check_data(&out, gib + 7), TDM_MD_OK);
	/* A data disk that grew is still its own (resize adopts the growth); a smaller one not. */
	CHECK_EQ(tdm_md_check_data(&out, gib + 8), TDM_MD_OK);
	CHECK_EQ(tdm_md_check_data(&out, gib - 8), TDM_MD_OTHER_DATA);
	CHECK_EQ(tdm_md_check_data(&out, 0), TDM_MD_IS_EXTERNAL);
	/* The flag taken away: the same fields are no internal layout of that disk. */
	sb.flags &= ~TDM_MDF_EXTERNAL;
	tdm_md_sb_encode(buf, &sb);
	CHECK_EQ(tdm_md_sb_decode(buf, 4 * mib, &out), TDM_MD_BAD_LAYOUT);
	/* The data disk's identity goes with external metadata only. */
	sample(&sb, gib);
	sb.flags |= TDM_MDF_EXTERNAL;
	CHECK_EQ(tdm_md_layout_external(gib, 4 * mib, &sb.layout), TDM_MD_OK);
	sb.data_ident = tdm_md_ident("LVM-abc", 7);
	tdm_md_sb_encode(buf, &sb);
	CHECK_EQ(tdm_md_sb_decode(buf, 4 * mib, &out), TDM_MD_OK);
	CHECK_EQ(out.data_ident, sb.data_ident);
	sample(&sb, gib);
	sb.data_ident = 5;
	tdm_md_sb_encode(buf, &sb);
	CHECK_EQ(tdm_md_sb_decode(buf, gib, &out), TDM_MD_BAD_FIELD);
	CHECK(tdm_md_ident("LVM-abc", 7) != 0);
	CHECK(tdm_md_ident("LVM-abc", 7) != tdm_md_ident("LVM-abd", 7));
	CHECK(tdm_md_ident("LVM-abc", 7) != tdm_md_ident("LVM-abc", 6));
	CHECK(tdm_md_ident("", 0) != 0);
	/* Internal metadata found where a metadata disk was given. */
	sample(&sb, gib);
	tdm_md_sb_encode(buf, &sb);
	CHECK_EQ(tdm_md_sb_decode(buf, gib, &out), TDM_MD_OK);
	CHECK_EQ(tdm_md_check_data(&out, 0), TDM_MD_OK);
	CHECK_EQ(tdm_md_check_data(&out, gib), TDM_MD_IS_INTERNAL);
	CHECK_EQ(tdm_md_sb_sector(gib), out.layout.sb_offset);
	free(buf);
}

/* The device's agreed size, stored beside the layout. */
static void sb_size(void)
{
	const u64 gib = 2097152;
	struct tdm_md_sb sb, out;
	u8 *buf = malloc(TDM_MD_BLOCK);

	sample(&sb, gib);
	CHECK_EQ(tdm_md_size(&sb), sb.layout.data_sectors);
	sb.size_sectors = 900 * 2048;
	tdm_md_sb_encode(buf, &sb);
	CHECK_EQ(tdm_md_sb_decode(buf, gib, &out), TDM_MD_OK);
	CHECK_EQ(out.size_sectors, 900 * 2048);
	CHECK_EQ(tdm_md_size(&out), 900 * 2048);
	/* All of the data area is a size; one sector more is not. */
	sb.size_sectors = sb.layout.data_sectors;
	tdm_md_sb_encode(buf, &sb);
	CHECK_EQ(tdm_md_sb_decode(buf, gib, &out), TDM_MD_OK);
	sb.size_sectors = sb.layout.data_sectors + 8;
	tdm_md_sb_encode(buf, &sb);
	CHECK_EQ(tdm_md_sb_decode(buf, gib, &out), TDM_MD_BAD_FIELD);
	/* Whole 4 KiB blocks, and at least 1 MiB. */
	sb.size_sectors = 900 * 2048 + 1;
	tdm_md_sb_encode(buf, &sb);
	CHECK_EQ(tdm_md_sb_decode(buf, gib, &out), TDM_MD_BAD_FIELD);
	sb.size_sectors = 2040;
	tdm_md_sb_encode(buf, &sb);
	CHECK_EQ(tdm_md_sb_decode(buf, gib, &out), TDM_MD_BAD_FIELD);
	sb.size_sectors = 2048;
	tdm_md_sb_encode(buf, &sb);
	CHECK_EQ(tdm_md_sb_decode(buf, gib, &out), TDM_MD_OK);
	free(buf);
}

/* Which grown layouts can take over from the old one while it is in use. */
static void grow_check(void)
{
	const u64 mib = 2048, gib = 2097152;
	struct tdm_md_layout a, b;

	/* Internal, 512 MiB to 1 GiB: the new metadata lies past the old disk's end. */
	CHECK_EQ(tdm_md_layout(512 * mib, &a), TDM_MD_OK);
	CHECK_EQ(tdm_md_layout(gib, &b), TDM_MD_OK);
	CHECK_EQ(tdm_md_grow_check(&a, &b, false), TDM_MD_OK);
	CHECK(b.bm_offset >= a.disk_sectors);
	CHECK_EQ(tdm_md_grow_check(&a, &a, false), TDM_MD_OK);
	CHECK_EQ(tdm_md_grow_check(&b, &a, false), TDM_MD_SHRUNK);
	/* Grown by 4 KiB: the new metadata would overlap the old. */
	CHECK_EQ(tdm_md_layout(512 * mib + 8, &b), TDM_MD_OK);
	CHECK_EQ(tdm_md_grow_check(&a, &b, false), TDM_MD_GROWN_TOO_LITTLE);
	/* Exactly by the new metadata's size: the smallest growth that is taken. */
	CHECK_EQ(tdm_md_layout(512 * mib + (b.disk_sectors - b.bm_offset), &b), TDM_MD_OK);
	CHECK_EQ(b.bm_offset, a.disk_sectors);
	CHECK_EQ(tdm_md_grow_check(&a, &b, false), TDM_MD_OK);
	CHECK_EQ(tdm_md_layout(512 * mib + (b.disk_sectors - b.bm_offset) - 8, &b), TDM_MD_OK);
	CHECK_EQ(tdm_md_grow_check(&a, &b, false), TDM_MD_GROWN_TOO_LITTLE);
	/* External: the bitmap grows before the activity log, which stays. */
	CHECK_EQ(tdm_md_layout_external(512 * mib, 4 * mib, &a), TDM_MD_OK);
	CHECK_EQ(tdm_md_layout_external(gib, 4 * mib, &b), TDM_MD_OK);
	CHECK_EQ(tdm_md_grow_check(&a, &b, true), TDM_MD_OK);
	CHECK_EQ(a.al_offset, b.al_offset);
	CHECK_EQ(a.sb_offset, b.sb_offset);
	CHECK(b.bm_blocks > a.bm_blocks);
	CHECK_EQ(tdm_md_layout_external(gib, 8 * mib, &b), TDM_MD_OK);
	CHECK_EQ(tdm_md_grow_check(&a, &b, true), TDM_MD_META_RESIZED);
	CHECK_EQ(tdm_md_layout_external(256 * mib, 4 * mib, &b), TDM_MD_OK);
	CHECK_EQ(tdm_md_grow_check(&a, &b, true), TDM_MD_SHRUNK);
}

static void bm_blocks(void)
{
	u8 *buf = calloc(1, TDM_MD_BLOCK);

	buf[TDM_BM_HDR] = 0x81;
	tdm_bm_block_seal(buf, 7);
	CHECK_EQ(tdm_bm_block_check(buf, 7), TDM_MD_OK);
	CHECK_EQ(tdm_bm_block_check(buf, 8), TDM_MD_NO_MAGIC);
	buf[TDM_MD_BLOCK - 1] ^= 4;
	CHECK_EQ(tdm_bm_block_check(buf, 7), TDM_MD_BAD_CRC);
	memset(buf, 0, TDM_MD_BLOCK);
	CHECK_EQ(tdm_bm_block_check(buf, 0), TDM_MD_NO_MAGIC);
	free(buf);
}

static void al_blocks(void)
{
	struct tdm_al_tx *in = calloc(1, sizeof(*in)), *out = calloc(1, sizeof(*out));
	u8 *buf = malloc(TDM_MD_BLOCK);
	u32 i;

	CHECK_EQ(tdm_al_nr_extents(8192), 1);
	CHECK_EQ(tdm_al_nr_extents(8193), 2);
	CHECK_EQ(tdm_al_nr_extents(2097008), 256);
	in->seq = 0x1234567890ULL;
	in->count = TDM_AL_MAX_EXTENTS;
	for (i = 0; i < in->count; i++)
		in->extents[i] = i * 3;
	tdm_al_encode(buf, in);
	CHECK_EQ(tdm_al_decode(buf, 3 * TDM_AL_MAX_EXTENTS, out), TDM_MD_OK);
	CHECK_EQ(out->seq, in->seq);
	CHECK_EQ(out->count, in->count);
	CHECK(!memcmp(out->extents, in->extents, in->count * 4));
	/* An extent past the device, a flipped bit, a count beyond the block. */
	CHECK_EQ(tdm_al_decode(buf, 3 * TDM_AL_MAX_EXTENTS - 3, out), TDM_MD_BAD_FIELD);
	buf[100] ^= 0x10;
	CHECK_EQ(tdm_al_decode(buf, 3 * TDM_AL_MAX_EXTENTS, out), TDM_MD_BAD_CRC);
	in->count = TDM_AL_MAX_EXTENTS + 1;
	tdm_al_encode(buf, in);
	CHECK_EQ(tdm_al_decode(buf, ~0ULL, out), TDM_MD_BAD_FIELD);
	memset(buf, 0, TDM_MD_BLOCK);
	CHECK_EQ(tdm_al_decode(buf, 10, out), TDM_MD_NO_MAGIC);
	in->count = 0;
	tdm_al_encode(buf, in);
	CHECK_EQ(tdm_al_decode(buf, 0, out), TDM_MD_OK);
	CHECK_EQ(out->count, 0);
	free(in);
	free(out);
	free(buf);
}

/* The newest activity-log slot, across the sequence counter's wrap. */
static void al_seq_wrap(void)
{
	static const u64 ring[][4] = {
		{ 5, 6, 7, 8 },
		{ UINT64_MAX - 1, UINT64_MAX, 0, 1 },
		{ UINT64_MAX - 2, UINT64_MAX - 1, UINT64_MAX, 0 },
		{ 0, 1, UINT64_MAX - 1, UINT64_MAX },
	};
	static const u64 newest[] = { 8, 1, 0, 1 };
	u64 best;
	size_t r, i;

	for (r = 0; r < sizeof(ring) / sizeof(ring[0]); r++) {
		best = ring[r][0];
		for (i = 1; i < 4; i++)
			if (tdm_al_seq_newer(ring[r][i], best))
				best = ring[r][i];
		CHECK_EQ(best, newest[r]);
	}
	CHECK(tdm_al_seq_newer(1, 0));
	CHECK(tdm_al_seq_newer(0, UINT64_MAX));
	CHECK(!tdm_al_seq_newer(UINT64_MAX, 0));
	CHECK(!tdm_al_seq_newer(7, 7));
}

void test_ondisk(void)
{
	al_blocks();
	al_seq_wrap();
	crc_vectors();
	layouts();
	conversions();
	sb_roundtrip();
	sb_corruption();
	sb_fields();
	layout_external();
	sb_size();
	grow_check();
	bm_blocks();
}
