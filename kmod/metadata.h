/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tandem: the metadata layer, everything on the backing disk besides the
 * data: the superblock and metadata I/O (md.c), data generations (gen.c),
 * the dirty bitmap (bitmap.c), the activity log (actlog.c). Called by the
 * layers above; calls only the base layer and the core. The activity log
 * hands writes back through dev->al.ready.
 */
#ifndef TDM_METADATA_H
#define TDM_METADATA_H

#include "tandem.h"

/* md.c: the superblock, metadata I/O, attach/detach. May sleep; no spinlock held. */
/*
 * @former: internal metadata written when the backing disk had this many
 * sectors (it grew since, and resize has not moved the metadata); 0: none.
 */
int tdm_md_attach(struct tdm_device *dev, u64 former, struct netlink_ext_ack *extack);
int tdm_md_io(struct tdm_device *dev, sector_t sector, struct page *page, blk_opf_t opf);
/* Blocks in one metadata request: at most the disk watch's 1 MiB. */
#define TDM_MD_BATCH (TDM_WIRE_MAX_DATA / TDM_MD_BLOCK)
/* @n (at most TDM_MD_BATCH) pages of 4 KiB, filled in @bv, from @sector. */
int tdm_md_io_vec(struct tdm_device *dev, sector_t sector, struct bio_vec *bv, unsigned int n,
		  blk_opf_t opf);
/* Flush the disk's cache (through the disk-timeout's watch); -EIO once dropped. */
int tdm_md_flush(struct tdm_device *dev);
void tdm_md_detach(struct tdm_device *dev);
/* dev->md_lock held. */
int tdm_md_write_sb(struct tdm_device *dev);
/* Take dev->md_lock. */
int tdm_md_owe_resync(struct tdm_device *dev);
int tdm_md_set_flags(struct tdm_device *dev, u32 set, u32 clear);
void tdm_md_disk_fail_work(struct work_struct *work);
/*
 * Resize: adopt what the disk grew by (internal metadata moves to the new
 * end; external grows its bitmap), crash-safe; 0 if it did not grow. The
 * device's size does not change: tdm_md_set_size. @why: the reason of a
 * failure. Takes dev->md_lock.
 */
int tdm_md_grow(struct tdm_device *dev, const char **why);
/* Record the device's agreed size; takes dev->md_lock. */
int tdm_md_set_size(struct tdm_device *dev, u64 sectors);
/*
 * Tests: stop a resize after this step, as a crash there would
 * (TDM_GROW_*, module parameter fault_resize_step); any context.
 */
enum tdm_grow_step {
	TDM_GROW_BITMAP = 1,	/* the new bitmap is written */
	TDM_GROW_AL,		/* ...and the activity log (internal metadata) */
	TDM_GROW_SB,		/* ...and the superblock: the new layout is the one */
	TDM_GROW_PEER,		/* resize: the peer took the new size, this node not yet */
};
bool tdm_md_fault(struct tdm_device *dev, enum tdm_grow_step step);
/* dev->cfg_lock and tdm_devices_lock held: the disk a detach dropped is back. */
int tdm_md_reattach(struct tdm_device *dev, const char *path, const char *meta_path,
		    struct netlink_ext_ack *extack);
/* Any context. */
bool tdm_md_disk_error(struct tdm_device *dev, const char *what, sector_t sector, bool timed_out);
void tdm_md_disk_recovered(struct tdm_device *dev);

/* gen.c: starting a new data generation. */
/* Why the next write without the peer starts a generation (dev->gen_pending). */
enum tdm_gen_pending {
	TDM_GEN_NOT_PENDING,
	TDM_GEN_PENDING_ALONE,		/* promoted without its peer */
	TDM_GEN_PENDING_SPLIT,		/* primary when the peer went away */
};
/* May sleep; takes dev->md_lock. @primary_at_split: see core/gen.h. */
int tdm_md_new_generation(struct tdm_device *dev, bool primary_at_split);
int tdm_md_peer_dropped(struct tdm_device *dev);
void tdm_gen_work(struct work_struct *work);
/* Any context. */
void tdm_gen_pending(struct tdm_device *dev, enum tdm_gen_pending why);
bool tdm_defer_for_new_gen(struct tdm_device *dev, struct bio *clone);
/*
 * Has the generation moved on from @sent, or will it at the next write (a
 * new one pending)? Any context.
 */
bool tdm_gen_moving(struct tdm_device *dev, u64 sent);

/*
 * bitmap.c: the dirty bitmap. In memory: any context, for a range of a
 * request's size; what may span the whole bitmap (32 MiB per TiB) takes
 * its lock a slice at a time and may sleep between slices.
 */
void tdm_bm_set(struct tdm_device *dev, sector_t sector, u64 nr_sectors);
/* The same, for a write the peer did not get (see tdm_bm_clear_equal). */
void tdm_bm_set_unsent(struct tdm_device *dev, sector_t sector, u64 nr_sectors);
/*
 * Both sides hold the same data: clear every bit, true; unless some bit is
 * a write's the peer did not get (its new generation not begun when the
 * generations were exchanged): false, that bit and any set since kept.
 * May sleep.
 */
bool tdm_bm_clear_equal(struct tdm_device *dev);
/* Changes with each tdm_bm_set_unsent(). */
u64 tdm_bm_unsent_seq(struct tdm_device *dev);
void tdm_bm_clear_bits(struct tdm_device *dev, u64 first, u64 n);
/* These three may sleep. Bits [first, first + n), clipped to the map. */
void tdm_bm_set_bits(struct tdm_device *dev, u64 first, u64 n);
void tdm_bm_set_all(struct tdm_device *dev);
void tdm_bm_clear_all(struct tdm_device *dev);
/* Bits from @first to the map's end: past a size the device no longer has. May sleep. */
void tdm_bm_clear_from(struct tdm_device *dev, u64 first);
/* dev->md_lock held; may sleep. */
int tdm_bm_grow(struct tdm_device *dev, u64 nbits, u64 blocks);
int tdm_bm_write_locked(struct tdm_device *dev, bool all);
u64 tdm_bm_count(struct tdm_device *dev);
/* May sleep. */
u64 tdm_bm_next_run(struct tdm_device *dev, u64 from, u64 max, u64 *start);
/* On disk: may sleep, takes dev->md_lock. */
int tdm_bm_write(struct tdm_device *dev, bool all);
int tdm_bm_read(struct tdm_device *dev, struct netlink_ext_ack *extack);

/* actlog.c: the activity log. */
/* May sleep; takes dev->md_lock. */
int tdm_al_attach(struct tdm_device *dev, bool crashed);
void tdm_al_detach(struct tdm_device *dev);
/* Any context: true if @req may go on; else dev->al.ready gets it later. */
bool tdm_al_begin(struct tdm_device *dev, struct tdm_req *req);
/* dev->md_lock held: the metadata moved (resize); write the log at its new place. */
int tdm_al_move(struct tdm_device *dev);
void tdm_al_put(struct tdm_device *dev, sector_t sector, u32 sectors);
void tdm_al_get_more(struct tdm_device *dev, sector_t sector, u32 sectors);

#endif /* TDM_METADATA_H */
