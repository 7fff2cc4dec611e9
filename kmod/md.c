// SPDX-License-Identifier: GPL-2.0
/*
 * tandem: the metadata at the end of the backing disk, or on a metadata disk
 * of its own (external; format: core/ondisk.h, doc/metadata.md): block I/O
 * on it, the superblock, and attach/detach of the whole (superblock, bitmap
 * in bitmap.c, activity log in actlog.c).
 *
 * The superblock is rewritten (FUA, after a flush) whenever the generation
 * ids or the flags change. A crash while primary is recovered by marking
 * every extent of the activity log (actlog.c): ATTACHED and PRIMARY found
 * set at attach say the node went down as primary.
 */
#include <linux/vmalloc.h>

#include "tandem.h"
#include "metadata.h"

/* Flush @bdev's cache (through the watch); a failure fails the disk. */
static int tdm_md_flush_bdev(struct tdm_device *dev, struct block_device *bdev)
{
	struct bio bio;
	int ret;

	bio_init(&bio, bdev, NULL, 0, REQ_OP_WRITE | REQ_PREFLUSH);
	ret = tdm_dw_submit_wait(dev, &bio);
	bio_uninit(&bio);
	if (ret == -EOPNOTSUPP)
		return 0;
	if (ret && dev->disk)
		tdm_md_disk_error(dev, "cache flush", 0, ret == -ETIMEDOUT);
	return ret;
}

int tdm_md_io(struct tdm_device *dev, sector_t sector, struct page *page, blk_opf_t opf)
{
	struct bio_vec bv;

	bvec_set_page(&bv, page, TDM_MD_BLOCK, 0);
	return tdm_md_io_vec(dev, sector, &bv, 1, opf);
}

int tdm_md_io_vec(struct tdm_device *dev, sector_t sector, struct bio_vec *bv, unsigned int n,
		  blk_opf_t opf)
{
	struct bio bio;
	unsigned int i;
	int ret;

	/*
	 * A dropped disk is not touched: were it to work again, metadata
	 * written now would speak for data it does not hold.
	 */
	if (test_bit(TDM_DEV_DISKLESS, &dev->flags))
		return -EIO;
	/*
	 * External metadata: a flush before a metadata write orders it after
	 * the data it speaks for, which is on the other disk: flush that first.
	 */
	if ((opf & REQ_PREFLUSH) && dev->meta != dev->backing) {
		ret = tdm_md_flush_bdev(dev, dev->backing);
		if (ret)
			return ret;
	}
	bio_init(&bio, dev->meta, bv, n, opf);
	bio.bi_iter.bi_sector = sector;
	bio.bi_vcnt = n;
	for (i = 0; i < n; i++)
		bio.bi_iter.bi_size += bv[i].bv_len;
	ret = tdm_dw_submit_wait(dev, &bio);
	bio_uninit(&bio);
	/*
	 * Not while attaching or detaching (no gendisk): attach fails with its
	 * own message, and detach has flushed the failure's work.
	 */
	if (ret && dev->disk)
		tdm_md_disk_error(dev, op_is_write(opf) ? "metadata write" : "metadata read", sector,
				  ret == -ETIMEDOUT);
	return ret;
}

/* The data disk's cache first, then the metadata disk's (external). */
int tdm_md_flush(struct tdm_device *dev)
{
	int ret;

	if (test_bit(TDM_DEV_DISKLESS, &dev->flags))
		return -EIO;
	ret = tdm_md_flush_bdev(dev, dev->backing);
	if (!ret && dev->meta != dev->backing)
		ret = tdm_md_flush_bdev(dev, dev->meta);
	return ret;
}

static void tdm_md_sb_from_dev(struct tdm_device *dev, struct tdm_md_sb *sb)
{
	*sb = dev->md;
	sb->uuid_current = dev->gen.cur;
	sb->uuid_bitmap = dev->gen.bitmap;
	sb->uuid_history[0] = dev->gen.history[0];
	sb->uuid_history[1] = dev->gen.history[1];
	sb->flags &= ~(TDM_MDF_RESYNC_OWED | TDM_MDF_PRIMARY_AT_SPLIT);
	if (dev->gen.flags & TDM_GEN_RESYNC_OWED)
		sb->flags |= TDM_MDF_RESYNC_OWED;
	if (dev->gen.flags & TDM_GEN_PRIMARY_AT_SPLIT)
		sb->flags |= TDM_MDF_PRIMARY_AT_SPLIT;
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
 * Under on-io-error detach the disk is also dropped: from now on this
 * node's I/O goes to the peer (diskless), and the callers hand the failed
 * I/O to the peer too; under pass-on it goes back to its caller. A request
 * the disk-timeout gave up on (@timed_out) drops the disk under either
 * policy, as in DRBD: a disk that hangs has no errors to pass on, and its
 * late writes must not land under newer ones. True the first time: the
 * caller may tell the peer at once (tdm_peer_tell_state);
 * tdm_md_disk_fail_work does in any case. Any context.
 */
bool tdm_md_disk_error(struct tdm_device *dev, const char *what, sector_t sector, bool timed_out)
{
	bool dropped;

	atomic64_inc(&dev->disk_errors);
	atomic64_cmpxchg(&dev->first_disk_error, 0, ktime_get_real_seconds());
	/*
	 * Diskless first: an I/O failing on another CPU meanwhile sees it set,
	 * and is handed to the peer too. Whatever failed before (a re-attached
	 * disk stays failed until its resync), an error drops it again.
	 */
	dropped = (dev->on_io_error == TANDEM_ON_IO_ERROR_DETACH || timed_out) &&
		  !test_and_set_bit(TDM_DEV_DISKLESS, &dev->flags);
	/* Whatever else is at the disk is given up on now, not when due. */
	if (dropped)
		tdm_dw_kick(dev);
	if (test_and_set_bit(TDM_DEV_DISK_FAILED, &dev->flags) && !dropped) {
		tdm_err_ratelimited(dev, "the local disk failed a %s at sector %llu\n", what,
				    (unsigned long long)sector);
		return false;
	}
	if (dropped)
		tdm_err(dev, "the local disk failed a %s at sector %llu: disk state diskless, I/O goes to the peer\n",
			what, (unsigned long long)sector);
	else
		tdm_err(dev, "the local disk failed a %s at sector %llu: disk state failed\n", what,
			(unsigned long long)sector);
	tdm_event(dev, TANDEM_EVENT_DISK);
	tdm_handler_notify(dev, TANDEM_HANDLER_LOCAL_IO_ERROR);
	queue_work(system_unbound_wq, &dev->disk_fail_work);
	return true;
}

/*
 * After the first error: the peer hears of it (whatever failed first: a
 * metadata write tells nobody else), and the metadata says not consistent
 * (if it can still be written).
 */
void tdm_md_disk_fail_work(struct work_struct *work)
{
	struct tdm_device *dev = container_of(work, struct tdm_device, disk_fail_work);

	dev->tell_peer(dev);
	if (tdm_md_set_flags(dev, 0, TDM_MDF_CONSISTENT))
		tdm_err(dev, "cannot record the failure in the metadata either\n");
}

/*
 * Re-attach the disk a detach dropped, repaired under its name. Nothing on
 * it is trusted: its generation is cleared and every block marked, so that
 * the next session copies every block from the peer (a disk without a
 * generation is a full resync target, core/gen.c); it stays failed (no
 * source of data) until that resync is done. Refused, changing nothing,
 * while primary, for another disk or metadata disk, or if the superblock
 * still cannot be written. dev->cfg_lock and tdm_devices_lock held; may sleep.
 */
int tdm_md_reattach(struct tdm_device *dev, const char *path, const char *meta_path,
		    struct netlink_ext_ack *extack)
{
	struct tdm_gen old_gen;
	u32 old_flags;
	dev_t devt;
	int ret;

	if (!test_bit(TDM_DEV_DISKLESS, &dev->flags)) {
		NL_SET_ERR_MSG(extack, "resource already exists, its disk attached");
		return -EEXIST;
	}
	if (READ_ONCE(dev->role) == TANDEM_ROLE_PRIMARY) {
		NL_SET_ERR_MSG(extack,
			       "a diskless primary serves through its peer: switch the service over (secondary here, primary there), then re-attach");
		return -EBUSY;
	}
	if (tdm_dw_late(dev)) {
		NL_SET_ERR_MSG(extack,
			       "the disk still holds requests given up on after the disk-timeout: re-attach once it returned them (status: late requests)");
		return -EBUSY;
	}
	if (lookup_bdev(path, &devt) || devt != dev->backing->bd_dev) {
		NL_SET_ERR_MSG(extack,
			       "re-attach takes the disk that failed, repaired under its name; for another disk, detach the resource and attach it");
		return -EINVAL;
	}
	if (!meta_path != !dev->meta_path ||
	    (meta_path && (lookup_bdev(meta_path, &devt) || devt != dev->meta->bd_dev))) {
		NL_SET_ERR_MSG(extack,
			       "re-attach takes the metadata disk the resource was attached with (none for internal metadata; status shows it)");
		return -EINVAL;
	}
	/* A secondary's disk takes no I/O but ours until the peer hears of it. */
	clear_bit(TDM_DEV_DISKLESS, &dev->flags);
	mutex_lock(&dev->md_lock);
	old_gen = dev->gen;
	old_flags = dev->md.flags;
	dev->gen.cur = 0;
	dev->gen.bitmap = 0;
	dev->gen.flags &= ~TDM_GEN_RESYNC_OWED;
	dev->md.flags &= ~(TDM_MDF_CONSISTENT | TDM_MDF_OUTDATED);
	ret = tdm_md_write_sb(dev);
	if (ret) {
		dev->gen = old_gen;
		dev->md.flags = old_flags;
	}
	mutex_unlock(&dev->md_lock);
	if (ret) {
		set_bit(TDM_DEV_DISKLESS, &dev->flags);
		NL_SET_ERR_MSG(extack, "the disk still fails: its superblock cannot be written");
		return -EIO;
	}
	tdm_bm_set_all(dev);
	if (tdm_bm_write(dev, true))
		tdm_warn(dev, "re-attach: the bitmap cannot be written; the resync copies every block all the same\n");
	tdm_set_disk_state(dev, TANDEM_DISK_INCONSISTENT);
	tdm_event(dev, TANDEM_EVENT_DISK);
	tdm_info(dev, "re-attached %s: every block will be copied from the peer\n", path);
	return 0;
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
int tdm_md_attach(struct tdm_device *dev, u64 former, struct netlink_ext_ack *extack)
{
	struct tdm_bitmap *bm = &dev->bm;
	u64 disk = bdev_nr_sectors(dev->meta);
	struct tdm_md_layout l;
	enum tdm_md_err e;
	bool crashed;
	int ret;

	if (former && (dev->meta != dev->backing || former > disk)) {
		tdm_extack_msg(extack, dev->meta != dev->backing ?
			       "a former size is for internal metadata: external metadata stays where it is" :
			       "the former size is larger than the disk: it is the size the disk had before it grew");
		return -EINVAL;
	}
	if (former)
		disk = former;
	spin_lock_init(&bm->lock);
	mutex_init(&dev->md_lock);
	dev->md_page = alloc_page(GFP_KERNEL);
	if (!dev->md_page)
		return -ENOMEM;
	if (dev->meta == dev->backing) {
		e = tdm_md_layout(disk, &l);
		if (e != TDM_MD_OK) {
			tdm_extack_msg(extack, tdm_md_err_str(e));
			ret = -ENOSPC;
			goto err_free_page;
		}
	} else if (bdev_nr_sectors(dev->meta) < TDM_MD_BLOCK >> SECTOR_SHIFT) {
		tdm_extack_msg(extack, tdm_md_err_str(TDM_MD_META_TOO_SMALL));
		ret = -ENOSPC;
		goto err_free_page;
	}
	ret = tdm_md_io(dev, tdm_md_sb_sector(disk), dev->md_page, REQ_OP_READ);
	if (ret) {
		NL_SET_ERR_MSG(extack, "cannot read the metadata superblock");
		goto err_free_page;
	}
	e = tdm_md_sb_decode(page_address(dev->md_page), disk, &dev->md);
	if (e == TDM_MD_OK)
		e = tdm_md_check_data(&dev->md, dev->meta == dev->backing ? 0 :
				      bdev_nr_sectors(dev->backing));
	if (e != TDM_MD_OK) {
		tdm_extack_msg(extack, tdm_md_err_str(e));
		ret = e == TDM_MD_NO_MAGIC ? -ENODATA : -EUCLEAN;
		goto err_free_page;
	}
	/* Metadata from before sizes were agreed: the device is all of the data area. */
	dev->md.size_sectors = tdm_md_size(&dev->md);
	bm->nbits = dev->md.layout.bm_bits;
	bm->bytes = DIV_ROUND_UP(bm->nbits, 8);
	ret = -ENOMEM;
	bm->bits = kvzalloc(bm->bytes, GFP_KERNEL);
	if (!bm->bits)
		goto err_free_page;
	bm->dirty = bitmap_zalloc(dev->md.layout.bm_blocks, GFP_KERNEL);
	if (!bm->dirty)
		goto err_free_bits;
	bm->batch = kzalloc(sizeof(*bm->batch), GFP_KERNEL);
	if (!bm->batch)
		goto err_free_dirty;
	ret = tdm_bm_read(dev, extack);
	if (ret)
		goto err_free_dirty;

	dev->gen.cur = dev->md.uuid_current;
	dev->gen.bitmap = dev->md.uuid_bitmap;
	dev->gen.history[0] = dev->md.uuid_history[0];
	dev->gen.history[1] = dev->md.uuid_history[1];
	dev->gen.tiebreak = dev->md.device_uuid;
	dev->gen.flags = ((dev->md.flags & TDM_MDF_RESYNC_OWED) ? TDM_GEN_RESYNC_OWED : 0) |
			 ((dev->md.flags & TDM_MDF_PRIMARY_AT_SPLIT) ? TDM_GEN_PRIMARY_AT_SPLIT : 0);
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
	kfree(bm->batch);
	bitmap_free(bm->dirty);
err_free_bits:
	kvfree(bm->bits);
err_free_page:
	__free_page(dev->md_page);
	return ret;
}

static unsigned int fault_resize_step;
module_param(fault_resize_step, uint, 0644);
MODULE_PARM_DESC(fault_resize_step,
		 "tests: stop each resize after this step, as a crash there would (1 bitmap, 2 activity log, 3 superblock, 4 the peer grew); 0: off");

bool tdm_md_fault(struct tdm_device *dev, enum tdm_grow_step step)
{
	if (READ_ONCE(fault_resize_step) != step)
		return false;
	tdm_warn(dev, "resize stopped after step %u (fault_resize_step), as a crash there would\n",
		 step);
	return true;
}

int tdm_md_set_size(struct tdm_device *dev, u64 sectors)
{
	u64 old;
	int ret = 0;

	mutex_lock(&dev->md_lock);
	old = dev->md.size_sectors;
	if (old != sectors) {
		WRITE_ONCE(dev->md.size_sectors, sectors);
		ret = tdm_md_write_sb(dev);
		if (ret)
			WRITE_ONCE(dev->md.size_sectors, old);
	}
	mutex_unlock(&dev->md_lock);
	return ret;
}

/*
 * The steps, each on disk before the next: the bitmap at its new place
 * (external: grown in place, past the old blocks), the activity log at its
 * new place (internal), then the superblock with the new layout. Until that
 * last write the old metadata is whole: internal, the superblock at the old
 * end (found by `tandemctl attach`, which gives the former size); external,
 * the same superblock, whose layout ignores the bitmap's new blocks. After
 * it, the old internal metadata, now in the data area, is zeroed: that area
 * is new space (resynced, or assumed equal on both nodes).
 */
static int tdm_md_move(struct tdm_device *dev, const struct tdm_md_layout *new)
{
	struct tdm_md_layout old = dev->md.layout;
	bool external = dev->meta != dev->backing;
	int ret;

	ret = tdm_bm_grow(dev, new->bm_bits, new->bm_blocks);
	if (ret)
		return ret;
	/* The map may stay larger if this fails: bits past the old layout are never set. */
	dev->md.layout = *new;
	ret = tdm_bm_write_locked(dev, true);
	if (ret || tdm_md_fault(dev, TDM_GROW_BITMAP))
		goto restore;
	if (!external) {
		ret = tdm_al_move(dev);
		if (ret || tdm_md_fault(dev, TDM_GROW_AL))
			goto restore;
	}
	ret = tdm_md_write_sb(dev);
	if (ret)
		goto restore;
	return tdm_md_fault(dev, TDM_GROW_SB) ? -EIO : 0;

restore:
	dev->md.layout = old;
	return ret ?: -EIO;
}

int tdm_md_grow(struct tdm_device *dev, const char **why)
{
	bool external = dev->meta != dev->backing;
	struct tdm_md_layout old, new;
	enum tdm_md_err e;
	int ret = 0;

	if (external)
		e = tdm_md_layout_external(bdev_nr_sectors(dev->backing),
					   bdev_nr_sectors(dev->meta), &new);
	else
		e = tdm_md_layout(bdev_nr_sectors(dev->backing), &new);
	mutex_lock(&dev->md_lock);
	old = dev->md.layout;
	if (e == TDM_MD_OK)
		e = tdm_md_grow_check(&old, &new, external);
	if (e != TDM_MD_OK) {
		*why = tdm_md_err_str(e);
		ret = -ENOSPC;
		goto out;
	}
	if (new.data_sectors == old.data_sectors)
		goto out;
	ret = tdm_md_move(dev, &new);
	if (ret) {
		*why = "the metadata cannot be written at its new place";
		goto out;
	}
	if (!external && blkdev_issue_zeroout(dev->backing, old.bm_offset,
					      old.disk_sectors - old.bm_offset, GFP_KERNEL, 0))
		tdm_warn(dev, "resize: the old metadata area could not be zeroed\n");
	tdm_info(dev, "the disk grew: its metadata %s, it holds %llu MiB of data now (was %llu MiB)\n",
		 external ? "grew in place" : "moved to the new end",
		 new.data_sectors >> 11, old.data_sectors >> 11);
out:
	mutex_unlock(&dev->md_lock);
	return ret;
}

/* At detach: write the bitmap, then a clean superblock, and free both. */
void tdm_md_detach(struct tdm_device *dev)
{
	tdm_al_detach(dev);
	tdm_bm_write(dev, false);
	tdm_md_set_flags(dev, 0, TDM_MDF_ATTACHED | TDM_MDF_PRIMARY);
	kfree(dev->bm.batch);
	bitmap_free(dev->bm.dirty);
	kvfree(dev->bm.bits);
	__free_page(dev->md_page);
}
