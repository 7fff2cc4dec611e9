// SPDX-License-Identifier: GPL-2.0
/*
 * tandem on-disk metadata: layout, superblock and bitmap block encoding,
 * crc32c (see ondisk.h and doc/metadata.md).
 */
#include "ondisk.h"

static const u32 crc32c_table[256] = {
	0x00000000, 0xf26b8303, 0xe13b70f7, 0x1350f3f4, 0xc79a971f, 0x35f1141c,
	0x26a1e7e8, 0xd4ca64eb, 0x8ad958cf, 0x78b2dbcc, 0x6be22838, 0x9989ab3b,
	0x4d43cfd0, 0xbf284cd3, 0xac78bf27, 0x5e133c24, 0x105ec76f, 0xe235446c,
	0xf165b798, 0x030e349b, 0xd7c45070, 0x25afd373, 0x36ff2087, 0xc494a384,
	0x9a879fa0, 0x68ec1ca3, 0x7bbcef57, 0x89d76c54, 0x5d1d08bf, 0xaf768bbc,
	0xbc267848, 0x4e4dfb4b, 0x20bd8ede, 0xd2d60ddd, 0xc186fe29, 0x33ed7d2a,
	0xe72719c1, 0x154c9ac2, 0x061c6936, 0xf477ea35, 0xaa64d611, 0x580f5512,
	0x4b5fa6e6, 0xb93425e5, 0x6dfe410e, 0x9f95c20d, 0x8cc531f9, 0x7eaeb2fa,
	0x30e349b1, 0xc288cab2, 0xd1d83946, 0x23b3ba45, 0xf779deae, 0x05125dad,
	0x1642ae59, 0xe4292d5a, 0xba3a117e, 0x4851927d, 0x5b016189, 0xa96ae28a,
	0x7da08661, 0x8fcb0562, 0x9c9bf696, 0x6ef07595, 0x417b1dbc, 0xb3109ebf,
	0xa0406d4b, 0x522bee48, 0x86e18aa3, 0x748a09a0, 0x67dafa54, 0x95b17957,
	0xcba24573, 0x39c9c670, 0x2a993584, 0xd8f2b687, 0x0c38d26c, 0xfe53516f,
	0xed03a29b, 0x1f682198, 0x5125dad3, 0xa34e59d0, 0xb01eaa24, 0x42752927,
	0x96bf4dcc, 0x64d4cecf, 0x77843d3b, 0x85efbe38, 0xdbfc821c, 0x2997011f,
	0x3ac7f2eb, 0xc8ac71e8, 0x1c661503, 0xee0d9600, 0xfd5d65f4, 0x0f36e6f7,
	0x61c69362, 0x93ad1061, 0x80fde395, 0x72966096, 0xa65c047d, 0x5437877e,
	0x4767748a, 0xb50cf789, 0xeb1fcbad, 0x197448ae, 0x0a24bb5a, 0xf84f3859,
	0x2c855cb2, 0xdeeedfb1, 0xcdbe2c45, 0x3fd5af46, 0x7198540d, 0x83f3d70e,
	0x90a324fa, 0x62c8a7f9, 0xb602c312, 0x44694011, 0x5739b3e5, 0xa55230e6,
	0xfb410cc2, 0x092a8fc1, 0x1a7a7c35, 0xe811ff36, 0x3cdb9bdd, 0xceb018de,
	0xdde0eb2a, 0x2f8b6829, 0x82f63b78, 0x709db87b, 0x63cd4b8f, 0x91a6c88c,
	0x456cac67, 0xb7072f64, 0xa457dc90, 0x563c5f93, 0x082f63b7, 0xfa44e0b4,
	0xe9141340, 0x1b7f9043, 0xcfb5f4a8, 0x3dde77ab, 0x2e8e845f, 0xdce5075c,
	0x92a8fc17, 0x60c37f14, 0x73938ce0, 0x81f80fe3, 0x55326b08, 0xa759e80b,
	0xb4091bff, 0x466298fc, 0x1871a4d8, 0xea1a27db, 0xf94ad42f, 0x0b21572c,
	0xdfeb33c7, 0x2d80b0c4, 0x3ed04330, 0xccbbc033, 0xa24bb5a6, 0x502036a5,
	0x4370c551, 0xb11b4652, 0x65d122b9, 0x97baa1ba, 0x84ea524e, 0x7681d14d,
	0x2892ed69, 0xdaf96e6a, 0xc9a99d9e, 0x3bc21e9d, 0xef087a76, 0x1d63f975,
	0x0e330a81, 0xfc588982, 0xb21572c9, 0x407ef1ca, 0x532e023e, 0xa145813d,
	0x758fe5d6, 0x87e466d5, 0x94b49521, 0x66df1622, 0x38cc2a06, 0xcaa7a905,
	0xd9f75af1, 0x2b9cd9f2, 0xff56bd19, 0x0d3d3e1a, 0x1e6dcdee, 0xec064eed,
	0xc38d26c4, 0x31e6a5c7, 0x22b65633, 0xd0ddd530, 0x0417b1db, 0xf67c32d8,
	0xe52cc12c, 0x1747422f, 0x49547e0b, 0xbb3ffd08, 0xa86f0efc, 0x5a048dff,
	0x8ecee914, 0x7ca56a17, 0x6ff599e3, 0x9d9e1ae0, 0xd3d3e1ab, 0x21b862a8,
	0x32e8915c, 0xc083125f, 0x144976b4, 0xe622f5b7, 0xf5720643, 0x07198540,
	0x590ab964, 0xab613a67, 0xb831c993, 0x4a5a4a90, 0x9e902e7b, 0x6cfbad78,
	0x7fab5e8c, 0x8dc0dd8f, 0xe330a81a, 0x115b2b19, 0x020bd8ed, 0xf0605bee,
	0x24aa3f05, 0xd6c1bc06, 0xc5914ff2, 0x37faccf1, 0x69e9f0d5, 0x9b8273d6,
	0x88d28022, 0x7ab90321, 0xae7367ca, 0x5c18e4c9, 0x4f48173d, 0xbd23943e,
	0xf36e6f75, 0x0105ec76, 0x12551f82, 0xe03e9c81, 0x34f4f86a, 0xc69f7b69,
	0xd5cf889d, 0x27a40b9e, 0x79b737ba, 0x8bdcb4b9, 0x988c474d, 0x6ae7c44e,
	0xbe2da0a5, 0x4c4623a6, 0x5f16d052, 0xad7d5351,
};

/* The CRC register over @len more bytes, without the initial and final xor. */
static u32 crc32c_update(u32 crc, const u8 *p, size_t len)
{
	while (len--)
		crc = crc32c_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

u32 tdm_crc32c(const void *buf, size_t len)
{
	return ~crc32c_update(~0u, buf, len);
}

u64 tdm_md_ident(const char *id, size_t len)
{
	u64 h = (u64)tdm_crc32c(id, len) << 32 | ~crc32c_update(0x9e3779b9u, (const u8 *)id, len);

	return h ?: 1;
}

/* crc32c of a block whose 4-byte checksum field at @at reads as zero. */
static u32 crc32c_skipping(const u8 *buf, size_t at)
{
	static const u8 zero[4];
	u32 crc;

	crc = crc32c_update(~0u, buf, at);
	crc = crc32c_update(crc, zero, 4);
	return ~crc32c_update(crc, buf + at + 4, TDM_MD_BLOCK - at - 4);
}

static void put32(u8 *p, u32 v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static void put64(u8 *p, u64 v)
{
	put32(p, (u32)v);
	put32(p + 4, v >> 32);
}

static u32 get32(const u8 *p)
{
	return p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static u64 get64(const u8 *p)
{
	return get32(p) | (u64)get32(p + 4) << 32;
}

#define SECTORS(bytes) ((bytes) / 512)

enum tdm_md_err tdm_md_layout(u64 disk_sectors, struct tdm_md_layout *l)
{
	u64 disk_bytes, bm_blocks, md_bytes;

	if (disk_sectors > ((u64)1 << 50))	/* 512 PiB: beyond any disk, and no overflow */
		return TDM_MD_TOO_SMALL;
	disk_bytes = disk_sectors * 512 / TDM_MD_BLOCK * TDM_MD_BLOCK;
	/* Bits for the whole disk: a few more than the data needs. */
	bm_blocks = (disk_bytes / TDM_MD_BYTES_PER_BIT + TDM_BM_BITS_PER_BLOCK - 1) /
		    TDM_BM_BITS_PER_BLOCK;
	md_bytes = TDM_MD_BLOCK + TDM_MD_AL_BYTES + bm_blocks * TDM_MD_BLOCK;
	if (disk_bytes < md_bytes + TDM_MD_MIN_DATA)
		return TDM_MD_TOO_SMALL;
	l->disk_sectors = SECTORS(disk_bytes);
	l->data_sectors = SECTORS(disk_bytes - md_bytes);
	l->bm_offset = l->data_sectors;
	l->bm_blocks = bm_blocks;
	l->bm_bits = (disk_bytes - md_bytes) / TDM_MD_BYTES_PER_BIT;
	l->al_offset = l->bm_offset + SECTORS(bm_blocks * TDM_MD_BLOCK);
	l->sb_offset = SECTORS(disk_bytes - TDM_MD_BLOCK);
	return TDM_MD_OK;
}

enum tdm_md_err tdm_md_layout_external(u64 data_disk_sectors, u64 meta_disk_sectors,
				       struct tdm_md_layout *l)
{
	u64 data_bytes, meta_bytes, bm_blocks, md_bytes;

	if (data_disk_sectors > ((u64)1 << 50) || meta_disk_sectors > ((u64)1 << 50))
		return TDM_MD_TOO_SMALL;
	data_bytes = data_disk_sectors * 512 / TDM_MD_BLOCK * TDM_MD_BLOCK;
	meta_bytes = meta_disk_sectors * 512 / TDM_MD_BLOCK * TDM_MD_BLOCK;
	if (data_bytes < TDM_MD_MIN_DATA)
		return TDM_MD_TOO_SMALL;
	bm_blocks = (data_bytes / TDM_MD_BYTES_PER_BIT + TDM_BM_BITS_PER_BLOCK - 1) /
		    TDM_BM_BITS_PER_BLOCK;
	md_bytes = TDM_MD_BLOCK + TDM_MD_AL_BYTES + bm_blocks * TDM_MD_BLOCK;
	if (meta_bytes < md_bytes)
		return TDM_MD_META_TOO_SMALL;
	l->disk_sectors = SECTORS(meta_bytes);
	l->data_sectors = SECTORS(data_bytes);
	l->bm_offset = 0;
	l->bm_blocks = bm_blocks;
	l->bm_bits = data_bytes / TDM_MD_BYTES_PER_BIT;
	l->al_offset = SECTORS(meta_bytes - TDM_MD_BLOCK - TDM_MD_AL_BYTES);
	l->sb_offset = SECTORS(meta_bytes - TDM_MD_BLOCK);
	return TDM_MD_OK;
}

enum tdm_md_err tdm_md_grow_check(const struct tdm_md_layout *old,
				  const struct tdm_md_layout *new, bool external)
{
	if (new->data_sectors < old->data_sectors)
		return TDM_MD_SHRUNK;
	if (external)
		return new->disk_sectors == old->disk_sectors ? TDM_MD_OK : TDM_MD_META_RESIZED;
	if (new->disk_sectors < old->disk_sectors)
		return TDM_MD_SHRUNK;
	/* The same disk size: nothing moves. */
	return new->disk_sectors == old->disk_sectors || new->bm_offset >= old->disk_sectors ? TDM_MD_OK : TDM_MD_GROWN_TOO_LITTLE;
}

/* Superblock field offsets, as doc/metadata.md lists them. */
enum {
	SB_MAGIC = 0, SB_VERSION = 8, SB_CRC = 12, SB_FLAGS = 16, SB_BPB = 20,
	SB_DISK = 24, SB_DATA = 32, SB_BM_OFF = 40, SB_BM_BLOCKS = 48,
	SB_BM_BITS = 56, SB_AL_OFF = 64, SB_AL_SECTORS = 72, SB_UUID_CUR = 80,
	SB_UUID_BM = 88, SB_UUID_HIST = 96, SB_DEV_UUID = 112, SB_WRITES = 120,
	SB_DATA_IDENT = 128, SB_SIZE = 136,
};

void tdm_md_sb_encode(u8 *buf, const struct tdm_md_sb *sb)
{
	const struct tdm_md_layout *l = &sb->layout;

	memset(buf, 0, TDM_MD_BLOCK);
	memcpy(buf + SB_MAGIC, TDM_MD_MAGIC, 8);
	put32(buf + SB_VERSION, sb->version);
	put32(buf + SB_FLAGS, sb->flags);
	put32(buf + SB_BPB, TDM_MD_BYTES_PER_BIT);
	put64(buf + SB_DISK, l->disk_sectors);
	put64(buf + SB_DATA, l->data_sectors);
	put64(buf + SB_BM_OFF, l->bm_offset);
	put64(buf + SB_BM_BLOCKS, l->bm_blocks);
	put64(buf + SB_BM_BITS, l->bm_bits);
	put64(buf + SB_AL_OFF, l->al_offset);
	put64(buf + SB_AL_SECTORS, SECTORS(TDM_MD_AL_BYTES));
	put64(buf + SB_UUID_CUR, sb->uuid_current);
	put64(buf + SB_UUID_BM, sb->uuid_bitmap);
	put64(buf + SB_UUID_HIST, sb->uuid_history[0]);
	put64(buf + SB_UUID_HIST + 8, sb->uuid_history[1]);
	put64(buf + SB_DEV_UUID, sb->device_uuid);
	put64(buf + SB_WRITES, sb->write_count);
	put64(buf + SB_DATA_IDENT, sb->data_ident);
	put64(buf + SB_SIZE, sb->size_sectors);
	put32(buf + SB_CRC, tdm_crc32c(buf, TDM_MD_BLOCK));
}

enum tdm_md_err tdm_md_sb_decode(const u8 *buf, u64 disk_sectors, struct tdm_md_sb *sb)
{
	struct tdm_md_layout want;

	if (memcmp(buf + SB_MAGIC, TDM_MD_MAGIC, 8))
		return TDM_MD_NO_MAGIC;
	if (crc32c_skipping(buf, SB_CRC) != get32(buf + SB_CRC))
		return TDM_MD_BAD_CRC;
	sb->version = get32(buf + SB_VERSION);
	if (sb->version > TDM_MD_VERSION)
		return TDM_MD_NEWER;
	if (sb->version != TDM_MD_VERSION)
		return TDM_MD_BAD_FIELD;
	sb->flags = get32(buf + SB_FLAGS);
	if (sb->flags & ~TDM_MDF_ALL)
		return TDM_MD_BAD_FIELD;
	if (get32(buf + SB_BPB) != TDM_MD_BYTES_PER_BIT)
		return TDM_MD_BAD_FIELD;
	sb->layout.disk_sectors = get64(buf + SB_DISK);
	sb->layout.data_sectors = get64(buf + SB_DATA);
	sb->layout.bm_offset = get64(buf + SB_BM_OFF);
	sb->layout.bm_blocks = get64(buf + SB_BM_BLOCKS);
	sb->layout.bm_bits = get64(buf + SB_BM_BITS);
	sb->layout.al_offset = get64(buf + SB_AL_OFF);
	sb->layout.sb_offset = 0;
	if (sb->flags & TDM_MDF_EXTERNAL) {
		if (tdm_md_layout_external(sb->layout.data_sectors, disk_sectors, &want) != TDM_MD_OK)
			return TDM_MD_BAD_LAYOUT;
	} else if (tdm_md_layout(disk_sectors, &want) != TDM_MD_OK) {
		return TDM_MD_BAD_LAYOUT;
	}
	sb->layout.sb_offset = want.sb_offset;
	if (memcmp(&want, &sb->layout, sizeof(want)) ||
	    get64(buf + SB_AL_SECTORS) != SECTORS(TDM_MD_AL_BYTES))
		return TDM_MD_BAD_LAYOUT;
	sb->uuid_current = get64(buf + SB_UUID_CUR);
	sb->uuid_bitmap = get64(buf + SB_UUID_BM);
	sb->uuid_history[0] = get64(buf + SB_UUID_HIST);
	sb->uuid_history[1] = get64(buf + SB_UUID_HIST + 8);
	sb->device_uuid = get64(buf + SB_DEV_UUID);
	sb->write_count = get64(buf + SB_WRITES);
	sb->data_ident = get64(buf + SB_DATA_IDENT);
	if (sb->data_ident && !(sb->flags & TDM_MDF_EXTERNAL))
		return TDM_MD_BAD_FIELD;
	sb->size_sectors = get64(buf + SB_SIZE);
	if (sb->size_sectors > sb->layout.data_sectors ||
	    sb->size_sectors % SECTORS(TDM_MD_BLOCK) ||
	    (sb->size_sectors && sb->size_sectors < SECTORS(TDM_MD_MIN_DATA)))
		return TDM_MD_BAD_FIELD;
	return TDM_MD_OK;
}

enum tdm_md_err tdm_md_check_data(const struct tdm_md_sb *sb, u64 data_disk_sectors)
{
	bool external = sb->flags & TDM_MDF_EXTERNAL;

	if (external && !data_disk_sectors)
		return TDM_MD_IS_EXTERNAL;
	if (!external && data_disk_sectors)
		return TDM_MD_IS_INTERNAL;
	if (external && sb->layout.data_sectors > data_disk_sectors / 8 * 8)
		return TDM_MD_OTHER_DATA;
	return TDM_MD_OK;
}

void tdm_bm_block_seal(u8 *buf, u32 index)
{
	put32(buf, TDM_BM_MAGIC);
	put32(buf + 4, 0);
	put32(buf + 8, index);
	put32(buf + 12, TDM_MD_VERSION);
	put32(buf + 4, tdm_crc32c(buf, TDM_MD_BLOCK));
}

enum tdm_md_err tdm_bm_block_check(const u8 *buf, u32 index)
{
	if (get32(buf) != TDM_BM_MAGIC || get32(buf + 8) != index)
		return TDM_MD_NO_MAGIC;
	if (crc32c_skipping(buf, 4) != get32(buf + 4))
		return TDM_MD_BAD_CRC;
	if (get32(buf + 12) > TDM_MD_VERSION)
		return TDM_MD_NEWER;
	return TDM_MD_OK;
}

/* AL block: magic, crc, version, count, seq, 8 zero bytes, then the extents. */
void tdm_al_encode(u8 *buf, const struct tdm_al_tx *tx)
{
	u32 i;

	memset(buf, 0, TDM_MD_BLOCK);
	put32(buf, TDM_AL_MAGIC);
	put32(buf + 8, TDM_MD_VERSION);
	put32(buf + 12, tx->count);
	put64(buf + 16, tx->seq);
	for (i = 0; i < tx->count && i < TDM_AL_MAX_EXTENTS; i++)
		put32(buf + TDM_AL_HDR + 4 * i, tx->extents[i]);
	put32(buf + 4, tdm_crc32c(buf, TDM_MD_BLOCK));
}

enum tdm_md_err tdm_al_decode(const u8 *buf, u64 nr_extents, struct tdm_al_tx *tx)
{
	u32 i;

	if (get32(buf) != TDM_AL_MAGIC)
		return TDM_MD_NO_MAGIC;
	if (crc32c_skipping(buf, 4) != get32(buf + 4))
		return TDM_MD_BAD_CRC;
	if (get32(buf + 8) > TDM_MD_VERSION)
		return TDM_MD_NEWER;
	tx->count = get32(buf + 12);
	tx->seq = get64(buf + 16);
	if (tx->count > TDM_AL_MAX_EXTENTS)
		return TDM_MD_BAD_FIELD;
	for (i = 0; i < tx->count; i++) {
		tx->extents[i] = get32(buf + TDM_AL_HDR + 4 * i);
		if (tx->extents[i] >= nr_extents)
			return TDM_MD_BAD_FIELD;
	}
	return TDM_MD_OK;
}

u64 tdm_al_nr_extents(u64 data_sectors)
{
	const u64 per = (u64)1 << (TDM_AL_EXTENT_SHIFT - 9);

	return (data_sectors + per - 1) / per;
}

bool tdm_al_seq_newer(u64 a, u64 b)
{
	return a - b - 1 < (1ULL << 63) - 1;
}

const char *tdm_md_err_str(enum tdm_md_err e)
{
	switch (e) {
	case TDM_MD_OK:
		return "ok";
	case TDM_MD_TOO_SMALL:
		return "the disk is too small for tandem metadata and 1 MiB of data";
	case TDM_MD_NO_MAGIC:
		return "no tandem metadata on this disk (run tandemctl create-md)";
	case TDM_MD_BAD_CRC:
		return "tandem metadata is corrupt (checksum mismatch)";
	case TDM_MD_NEWER:
		return "tandem metadata is from a newer format: upgrade tandem";
	case TDM_MD_BAD_LAYOUT:
		return "tandem metadata does not match the disk's size (was the disk resized?)";
	case TDM_MD_BAD_FIELD:
		return "tandem metadata holds an invalid value";
	case TDM_MD_META_TOO_SMALL:
		return "the metadata disk is too small for the data disk's metadata";
	case TDM_MD_IS_EXTERNAL:
		return "this disk's metadata is external, on a metadata disk of its own: give that disk (--meta-disk, or meta-disk in the resource file)";
	case TDM_MD_IS_INTERNAL:
		return "the metadata there is internal, for the disk it is on, not for this data disk: leave out the metadata disk, or create external metadata with create-md --meta-disk";
	case TDM_MD_OTHER_DATA:
		return "the metadata disk's metadata was made for a larger data disk: is it this data disk's metadata disk (was the data disk shrunk)?";
	case TDM_MD_SHRUNK:
		return "the disk is smaller than its metadata says: was it shrunk? tandem only grows";
	case TDM_MD_GROWN_TOO_LITTLE:
		return "the disk grew by less than the metadata it needs: the new metadata would overlap the old; grow the disk further";
	case TDM_MD_META_RESIZED:
		return "the metadata disk changed size: external metadata grows in place, on a metadata disk of the same size";
	}
	return "unknown metadata error";
}
