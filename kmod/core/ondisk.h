/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tandem's on-disk metadata: where it lives (internal: at the end of the
 * backing disk; external: on a disk of its own), the superblock's encoding and the bitmap blocks' framing. The format is
 * documented field by field in doc/metadata.md; keep the two in step.
 *
 * Everything on disk is little-endian. Every block carries a crc32c.
 */
#ifndef TDM_CORE_ONDISK_H
#define TDM_CORE_ONDISK_H

#include "core_types.h"

#define TDM_MD_MAGIC		"TANDEMMD"	/* 8 bytes, no NUL */
#define TDM_MD_VERSION		1
#define TDM_MD_BLOCK		4096
#define TDM_MD_BYTES_PER_BIT	4096
#define TDM_BM_SHIFT		12	/* log2(TDM_MD_BYTES_PER_BIT) */
#define TDM_MD_SECTOR_SHIFT	9	/* offsets are in 512-byte sectors */
#define TDM_MD_AL_BYTES		(32 * 1024)	/* reserved for the activity log */
#define TDM_BM_MAGIC		0x4d424454u	/* "TDBM" read as bytes */
#define TDM_BM_HDR		16
#define TDM_BM_BITS_PER_BLOCK	((TDM_MD_BLOCK - TDM_BM_HDR) * 8)
/* Smallest data area worth having: 1 MiB. */
#define TDM_MD_MIN_DATA		(1024 * 1024)

/*
 * Activity log: the 4 MiB extents a primary may have writes in flight in,
 * each transaction a whole snapshot of the set, written round-robin into
 * the TDM_AL_SLOTS blocks of the area; the valid one with the newest
 * sequence number (tdm_al_seq_newer) is the log.
 */
#define TDM_AL_MAGIC		0x4c414454u	/* "TDAL" read as bytes */
#define TDM_AL_HDR		32
#define TDM_AL_SLOTS		(TDM_MD_AL_BYTES / TDM_MD_BLOCK)
#define TDM_AL_MAX_EXTENTS	((TDM_MD_BLOCK - TDM_AL_HDR) / 4)
#define TDM_AL_EXTENT_SHIFT	22		/* 4 MiB */

struct tdm_al_tx {
	u64 seq;
	u32 count;
	u32 extents[TDM_AL_MAX_EXTENTS];
};

/* Superblock flags */
#define TDM_MDF_CONSISTENT	0x01	/* the data is a valid image */
#define TDM_MDF_OUTDATED	0x02	/* valid, but the peer has newer writes */
#define TDM_MDF_PRIMARY		0x04	/* this node is (or was, at a crash) primary */
#define TDM_MDF_ATTACHED	0x08	/* attached: found set at attach = a crash */
#define TDM_MDF_RESYNC_OWED	0x10	/* TDM_GEN_RESYNC_OWED, persisted; cleared by the next sync */
#define TDM_MDF_PRIMARY_AT_SPLIT 0x20	/* TDM_GEN_PRIMARY_AT_SPLIT, persisted */
#define TDM_MDF_EXTERNAL	0x40	/* on a metadata disk of its own: layout_external */
#define TDM_MDF_ALL		0x7f

/* The dirty-bitmap bit that covers data sector @sector. */
static inline u64 tdm_bm_sector_to_bit(u64 sector)
{
	return sector >> (TDM_BM_SHIFT - TDM_MD_SECTOR_SHIFT);
}

/* The first data sector bitmap bit @bit covers; also: the sectors @bit bits cover. */
static inline u64 tdm_bm_bit_to_sector(u64 bit)
{
	return bit << (TDM_BM_SHIFT - TDM_MD_SECTOR_SHIFT);
}

/* Data sectors one bitmap bit covers. */
#define TDM_BM_SECTORS_PER_BIT	(1u << (TDM_BM_SHIFT - TDM_MD_SECTOR_SHIFT))

/* The sector of block @n of a metadata area that starts at sector @area. */
static inline u64 tdm_md_block_sector(u64 area, u64 n)
{
	return area + n * (TDM_MD_BLOCK >> TDM_MD_SECTOR_SHIFT);
}

/*
 * Where each part of the metadata lives, from the size of the disk it is on
 * (and, external, of the data disk). Offsets are on the disk the metadata is
 * on: the backing disk (internal) or the metadata disk (external).
 */
struct tdm_md_layout {
	u64 disk_sectors;	/* the disk holding the superblock, as tandem uses
				 * it (4 KiB multiple) */
	u64 data_sectors;	/* exposed as /dev/tandemN */
	u64 bm_offset;		/* sectors from the start of the disk */
	u64 bm_blocks;		/* 4 KiB bitmap blocks */
	u64 bm_bits;		/* one per 4 KiB of data */
	u64 al_offset;		/* sectors */
	u64 sb_offset;		/* sectors: the last 4 KiB of the disk */
};

/* The superblock's sector on a disk of @disk_sectors, internal or external. */
static inline u64 tdm_md_sb_sector(u64 disk_sectors)
{
	return (disk_sectors & ~(u64)7) - (TDM_MD_BLOCK >> TDM_MD_SECTOR_SHIFT);
}

struct tdm_md_sb {
	u32 version;
	u32 flags;		/* TDM_MDF_* */
	struct tdm_md_layout layout;
	u64 uuid_current;	/* this data's generation; 0: never had data */
	u64 uuid_bitmap;	/* generation the bitmap counts changes from; 0: none */
	u64 uuid_history[2];	/* earlier generations, newest first */
	u64 device_uuid;	/* random, set by create-md */
	u64 write_count;	/* incremented by every superblock write */
	u64 data_ident;		/* external: the data disk's identity (tdm_md_ident),
				 * 0: none known; internal: 0 */
	u64 size_sectors;	/* the device's size, as agreed with the peer: at most
				 * layout.data_sectors, 4 KiB multiple; 0 (metadata
				 * from before sizes were agreed): all of it */
};

/* The device's size @sb gives: its agreed size, else the whole data area. */
static inline u64 tdm_md_size(const struct tdm_md_sb *sb)
{
	return sb->size_sectors ? sb->size_sectors : sb->layout.data_sectors;
}

enum tdm_md_err {
	TDM_MD_OK,
	TDM_MD_TOO_SMALL,	/* the disk cannot hold metadata and 1 MiB of data */
	TDM_MD_NO_MAGIC,	/* no tandem metadata here */
	TDM_MD_BAD_CRC,		/* a block's checksum does not match */
	TDM_MD_NEWER,		/* written by a newer format */
	TDM_MD_BAD_LAYOUT,	/* sizes and offsets do not fit this disk */
	TDM_MD_BAD_FIELD,	/* a field holds a value this format does not allow */
	TDM_MD_META_TOO_SMALL,	/* the metadata disk cannot hold the data disk's metadata */
	TDM_MD_IS_EXTERNAL,	/* external metadata, attached as internal */
	TDM_MD_IS_INTERNAL,	/* internal metadata, attached with a metadata disk */
	TDM_MD_OTHER_DATA,	/* external metadata made for a larger data disk */
	TDM_MD_SHRUNK,		/* the disk is smaller than the metadata's layout */
	TDM_MD_GROWN_TOO_LITTLE,	/* internal: the new metadata would overlap the old */
	TDM_MD_META_RESIZED,	/* external: the metadata disk changed size */
};

/* Standard CRC-32C (Castagnoli): init and final xor ~0; "123456789" -> e3069283. */
u32 tdm_crc32c(const void *buf, size_t len);
/*
 * A disk's identity for external metadata, from a string that names it
 * (a dm UUID, a WWID, a serial, a partition UUID): never 0.
 */
u64 tdm_md_ident(const char *id, size_t len);

/* Compute the layout for a disk of @disk_sectors; TDM_MD_TOO_SMALL if none fits. */
enum tdm_md_err tdm_md_layout(u64 disk_sectors, struct tdm_md_layout *l);
/*
 * External metadata: the whole data disk of @data_disk_sectors is data, the
 * metadata (bitmap from sector 0; the activity log, then the superblock, in
 * the last 36 KiB: the bitmap can grow in place) is on a metadata disk of
 * @meta_disk_sectors.
 */
enum tdm_md_err tdm_md_layout_external(u64 data_disk_sectors, u64 meta_disk_sectors,
				       struct tdm_md_layout *l);
/*
 * Online grow: may metadata of layout @old move to @new, written while the
 * old is in use, so that a crash at any point leaves one of the two whole?
 * Internal: the new metadata lies past the old disk end (the disk grew by
 * at least the new metadata's size). External: the metadata disk kept its
 * size (the bitmap grows into the space before the activity log). The
 * data area only grows.
 */
enum tdm_md_err tdm_md_grow_check(const struct tdm_md_layout *old,
				  const struct tdm_md_layout *new, bool external);

/* Encode @sb into one TDM_MD_BLOCK buffer, checksum included. */
void tdm_md_sb_encode(u8 *buf, const struct tdm_md_sb *sb);
/*
 * Decode and check the superblock found at the end of a disk of
 * @disk_sectors: magic, checksum, version, then that every offset and size
 * is the layout this disk size gives (external: with the data size it
 * records), and the flags are known.
 */
enum tdm_md_err tdm_md_sb_decode(const u8 *buf, u64 disk_sectors, struct tdm_md_sb *sb);
/*
 * Does decoded @sb belong to this data disk? @data_disk_sectors: the data
 * disk's size when the metadata is read from a metadata disk of its own, 0
 * when it is read from the data disk itself (internal). A data disk larger
 * than the metadata's data area is one that grew (resize adopts it).
 */
enum tdm_md_err tdm_md_check_data(const struct tdm_md_sb *sb, u64 data_disk_sectors);

/* Frame bitmap block @index: header and checksum around the bits in buf. */
void tdm_bm_block_seal(u8 *buf, u32 index);
enum tdm_md_err tdm_bm_block_check(const u8 *buf, u32 index);

void tdm_al_encode(u8 *buf, const struct tdm_al_tx *tx);
/* Decode one slot; every extent must be below @nr_extents. */
enum tdm_md_err tdm_al_decode(const u8 *buf, u64 nr_extents, struct tdm_al_tx *tx);
/* Extents of a device of @data_sectors. */
u64 tdm_al_nr_extents(u64 data_sectors);
/*
 * Slot sequence @a is newer than @b. The valid slots are a few sequence
 * numbers apart: compared modulo 2^64, the log survives its counter wrapping.
 */
bool tdm_al_seq_newer(u64 a, u64 b);

const char *tdm_md_err_str(enum tdm_md_err e);

#endif /* TDM_CORE_ONDISK_H */
