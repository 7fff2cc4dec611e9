// SPDX-License-Identifier: GPL-2.0
/*
 * tandem: the metadata at the end of the backing disk (format: core/ondisk.h,
 * doc/metadata.md): block I/O on it, the superblock, and attach/detach of
 * the whole (superblock, bitmap in bitmap.c, activity log in actlog.c).
 *
 * The superblock is rewritten (FUA, after a flush) whenever the generation
 * ids or the flags change. A crash while primary is recovered by marking
 * every extent of the activity log (actlog.c): ATTACHED and PRIMARY found
 * set at attach say the node went down as primary.
 */
#include <linux/vmalloc.h>

#include "tandem.h"
#include "metadata.h"

int tdm_md_io(struct tdm_device *dev, sector_t sector, struct page *page, blk_opf_t opf)
{
	struct bio bio;
	struct bio_vec bv;
	int ret;

	bio_init(&bio, dev->backing, &bv, 1, opf);
	bio.bi_iter.bi_sector = sector;
	__bio_add_page(&bio, page, TDM_MD_BLOCK, 0);
	ret = submit_bio_wait(&bio);
	bio_uninit(&bio);
	/*
	 * Not while attaching or detaching (no gendisk): attach fails with its
	 * own message, and detach has flushed the failure's work.
	 */
	if (ret && dev->disk)
		tdm_md_disk_error(dev, op_is_write(opf) ? "metadata write" : "metadata read", sector);
	return ret;
}

static void tdm_md_sb_from_dev(struct tdm_device *dev, struct tdm_md_sb *sb)
{
	*sb = dev->md;
	sb->uuid_current = dev->gen.cur;
	sb->uuid_bitmap = dev->gen.bitmap;
	sb->uuid_history[0] = dev->gen.history[0];
	sb->uuid_history[1] = dev->gen.history[1];
	if (dev->gen.flags & TDM_GEN_RESYNC_OWED)
		sb->flags |= TDM_MDF_RESYNC_OWED;
	else
		sb->flags &= ~TDM_MDF_RESYNC_OWED;
}

/* Write the superblock; the caller holds md_lock. */
int tdm_md_write_sb(struct tdm_device *dev)
{
	struct tdm_md_sb sb;
	int ret;

	lockdep_assert_held(&dev->md_lock);
	dev->md.write_count++;
	tdm_md_sb_from_dev(dev, &sb);
	tdm_md_sb_encode(page_address(dev->md_page), &sb);
	ret = tdm_md_io(dev, dev->md.layout.sb_offset, dev->md_page,
			REQ_OP_WRITE | REQ_SYNC | REQ_PREFLUSH | REQ_FUA);
	if (ret)
		tdm_err(dev, "cannot write the metadata superblock: %d\n", ret);
	return ret;
}

/* The peer is owed a resync of the marked blocks: say so on disk. */
int tdm_md_owe_resync(struct tdm_device *dev)
{
	int ret;

	mutex_lock(&dev->md_lock);
	dev->gen.flags |= TDM_GEN_RESYNC_OWED;
	ret = tdm_md_write_sb(dev);
	mutex_unlock(&dev->md_lock);
	return ret;
}

/* Set and clear superblock flags, and write it if they changed. */
int tdm_md_set_flags(struct tdm_device *dev, u32 set, u32 clear)
{
	u32 old;
	int ret = 0;

	mutex_lock(&dev->md_lock);
	old = dev->md.flags;
	dev->md.flags = (old | set) & ~clear;
	if (dev->md.flags != old)
		ret = tdm_md_write_sb(dev);
	mutex_unlock(&dev->md_lock);
	return ret;
}

/*
 * The backing disk failed an I/O (@what at @sector): count it, note when
 * the first was, and the first time mark the disk failed: it is then no
 * source of data (no resync from it, no promotion without --force), and
 * its metadata no longer says consistent, until a resync as a target
 * rewrote what is marked (tdm_md_disk_recovered) or it is attached again.
 * The failed I/O itself goes back to its caller (pass-on). True the first
 * time: the caller tells the peer (tdm_peer_tell_state). Any context.
 */
bool tdm_md_disk_error(struct tdm_device *dev, const char *what, sector_t sector)
{
	atomic64_inc(&dev->disk_errors);
	atomic64_cmpxchg(&dev->first_disk_error, 0, ktime_get_real_seconds());
	if (test_and_set_bit(TDM_DEV_DISK_FAILED, &dev->flags)) {
		tdm_err_ratelimited(dev, "the local disk failed a %s at sector %llu\n", what,
				    (unsigned long long)sector);
		return false;
	}
	tdm_err(dev, "the local disk failed a %s at sector %llu: disk state failed\n", what,
		(unsigned long long)sector);
	tdm_event(dev, TANDEM_EVENT_DISK);
	queue_work(system_unbound_wq, &dev->disk_fail_work);
	return true;
}

/* After the first error: the metadata says not consistent (if it can still be written). */
void tdm_md_disk_fail_work(struct work_struct *work)
{
	struct tdm_device *dev = container_of(work, struct tdm_device, disk_fail_work);

	if (tdm_md_set_flags(dev, 0, TDM_MDF_CONSISTENT))
		tdm_err(dev, "cannot record the failure in the metadata either\n");
}

/* A resync as target rewrote every marked block, with no error. Any context. */
void tdm_md_disk_recovered(struct tdm_device *dev)
{
	if (test_and_clear_bit(TDM_DEV_DISK_FAILED, &dev->flags)) {
		tdm_info(dev, "the local disk is whole again\n");
		tdm_event(dev, TANDEM_EVENT_DISK);
	}
}

/*
 * At attach: read and check the superblock and the bitmap, and take the
 * data size, generations and disk state from them. Marks the metadata
 * ATTACHED. Fails with an extack message that says what to do.
 */
int tdm_md_attach(struct tdm_device *dev, struct netlink_ext_ack *extack)
{
	struct tdm_bitmap *bm = &dev->bm;
	struct tdm_md_layout l;
	enum tdm_md_err e;
	bool crashed;
	int ret;

	spin_lock_init(&bm->lock);
	mutex_init(&dev->md_lock);
	dev->md_page = alloc_page(GFP_KERNEL);
	if (!dev->md_page)
		return -ENOMEM;
	e = tdm_md_layout(bdev_nr_sectors(dev->backing), &l);
	if (e != TDM_MD_OK) {
		tdm_extack_msg(extack, tdm_md_err_str(e));
		ret = -ENOSPC;
		goto err_free_page;
	}
	ret = tdm_md_io(dev, l.sb_offset, dev->md_page, REQ_OP_READ);
	if (ret) {
		NL_SET_ERR_MSG(extack, "cannot read the metadata superblock");
		goto err_free_page;
	}
	e = tdm_md_sb_decode(page_address(dev->md_page), bdev_nr_sectors(dev->backing), &dev->md);
	if (e != TDM_MD_OK) {
		tdm_extack_msg(extack, tdm_md_err_str(e));
		ret = e == TDM_MD_NO_MAGIC ? -ENODATA : -EUCLEAN;
		goto err_free_page;
	}
	bm->nbits = dev->md.layout.bm_bits;
	bm->bytes = DIV_ROUND_UP(bm->nbits, 8);
	ret = -ENOMEM;
	bm->bits = kvzalloc(bm->bytes, GFP_KERNEL);
	if (!bm->bits)
		goto err_free_page;
	bm->dirty = bitmap_zalloc(dev->md.layout.bm_blocks, GFP_KERNEL);
	if (!bm->dirty)
		goto err_free_bits;
	ret = tdm_bm_read(dev, extack);
	if (ret)
		goto err_free_dirty;

	dev->gen.cur = dev->md.uuid_current;
	dev->gen.bitmap = dev->md.uuid_bitmap;
	dev->gen.history[0] = dev->md.uuid_history[0];
	dev->gen.history[1] = dev->md.uuid_history[1];
	dev->gen.tiebreak = dev->md.device_uuid;
	dev->gen.flags = (dev->md.flags & TDM_MDF_RESYNC_OWED) ? TDM_GEN_RESYNC_OWED : 0;
	crashed = (dev->md.flags & (TDM_MDF_ATTACHED | TDM_MDF_PRIMARY)) ==
		  (TDM_MDF_ATTACHED | TDM_MDF_PRIMARY);
	if (crashed)
		dev->gen.flags |= TDM_GEN_RESYNC_OWED;
	if (!(dev->md.flags & TDM_MDF_CONSISTENT))
		dev->disk_state = TANDEM_DISK_INCONSISTENT;
	else if (dev->md.flags & TDM_MDF_OUTDATED)
		dev->disk_state = TANDEM_DISK_OUTDATED;
	else
		dev->disk_state = TANDEM_DISK_CONSISTENT;

	ret = tdm_al_attach(dev, crashed);
	if (ret) {
		NL_SET_ERR_MSG(extack, "cannot read or write the activity log");
		goto err_free_dirty;
	}
	mutex_lock(&dev->md_lock);
	dev->md.flags |= TDM_MDF_ATTACHED;
	dev->md.flags &= ~TDM_MDF_PRIMARY;
	ret = tdm_md_write_sb(dev);
	mutex_unlock(&dev->md_lock);
	if (ret) {
		NL_SET_ERR_MSG(extack, "cannot write the metadata");
		goto err_al_detach;
	}
	return 0;

err_al_detach:
	tdm_al_detach(dev);
err_free_dirty:
	bitmap_free(bm->dirty);
err_free_bits:
	kvfree(bm->bits);
err_free_page:
	__free_page(dev->md_page);
	return ret;
}

/* At detach: write the bitmap, then a clean superblock, and free both. */
void tdm_md_detach(struct tdm_device *dev)
{
	tdm_al_detach(dev);
	tdm_bm_write(dev, false);
	tdm_md_set_flags(dev, 0, TDM_MDF_ATTACHED | TDM_MDF_PRIMARY);
	bitmap_free(dev->bm.dirty);
	kvfree(dev->bm.bits);
	__free_page(dev->md_page);
}
