// SPDX-License-Identifier: GPL-2.0
/*
 * tandem: the metadata at the end of the backing disk (format: core/meta.h,
 * doc/metadata.md), and the dirty bitmap it persists.
 *
 * The superblock is rewritten (FUA, after a flush) whenever the generation
 * ids or the flags change. The bitmap lives in memory while attached; a
 * block of it is written back when it changed, at the end of a session, a
 * resync, when the activity log drops an extent, and at detach. A crash
 * while primary is recovered by marking every extent of the activity log
 * (actlog.c): ATTACHED and PRIMARY found set at attach say the node went
 * down as primary.
 */
#include <linux/random.h>
#include <linux/vmalloc.h>

#include "tandem.h"

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
		pr_err(TDM_LOG_PREFIX "%s: cannot write the metadata superblock: %d\n",
		       dev->name, ret);
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

static void tdm_bm_dirty(struct tdm_bitmap *bm, u64 first, u64 n)
{
	u64 b, last = min(first + n, bm->nbits) - 1;

	for (b = first / TDM_BM_BITS_PER_BLOCK; b <= last / TDM_BM_BITS_PER_BLOCK; b++)
		__set_bit(b, bm->dirty);
}

/* Mark [sector, +nr_sectors) out of sync with the peer: every block it touches. Any context. */
void tdm_bm_set(struct tdm_device *dev, sector_t sector, u64 nr_sectors)
{
	const unsigned int shift = TDM_BM_SHIFT - SECTOR_SHIFT;
	struct tdm_bitmap *bm = &dev->bm;
	u64 first = sector >> shift, n, added;
	unsigned long flags;

	if (!nr_sectors || first >= bm->nbits)
		return;
	n = ((sector + nr_sectors - 1) >> shift) - first + 1;
	spin_lock_irqsave(&bm->lock, flags);
	added = tdm_bits_set(bm->bits, bm->nbits, first, n);
	if (added) {
		bm->set += added;
		tdm_bm_dirty(bm, first, n);
	}
	spin_unlock_irqrestore(&bm->lock, flags);
}

/* Mark bits [first, first + n) in sync. Any context. */
void tdm_bm_clear_bits(struct tdm_device *dev, u64 first, u64 n)
{
	struct tdm_bitmap *bm = &dev->bm;
	unsigned long flags;
	u64 cleared;

	if (!n || first >= bm->nbits)
		return;
	spin_lock_irqsave(&bm->lock, flags);
	cleared = tdm_bits_clear(bm->bits, bm->nbits, first, n);
	if (cleared) {
		bm->set -= cleared;
		tdm_bm_dirty(bm, first, n);
	}
	spin_unlock_irqrestore(&bm->lock, flags);
}

void tdm_bm_set_all(struct tdm_device *dev)
{
	tdm_bm_set(dev, 0, dev->bm.nbits << (TDM_BM_SHIFT - SECTOR_SHIFT));
}

void tdm_bm_clear_all(struct tdm_device *dev)
{
	tdm_bm_clear_bits(dev, 0, dev->bm.nbits);
}

u64 tdm_bm_count(struct tdm_device *dev)
{
	unsigned long flags;
	u64 n;

	spin_lock_irqsave(&dev->bm.lock, flags);
	n = dev->bm.set;
	spin_unlock_irqrestore(&dev->bm.lock, flags);
	return n;
}

/* See tdm_bits_next_run(). */
u64 tdm_bm_next_run(struct tdm_device *dev, u64 from, u64 max, u64 *start)
{
	unsigned long flags;
	u64 n;

	spin_lock_irqsave(&dev->bm.lock, flags);
	n = tdm_bits_next_run(dev->bm.bits, dev->bm.nbits, from, max, start);
	spin_unlock_irqrestore(&dev->bm.lock, flags);
	return n;
}

/* Write the changed bitmap blocks (all when @all), then flush. */
int tdm_bm_write(struct tdm_device *dev, bool all)
{
	struct tdm_bitmap *bm = &dev->bm;
	const u64 per = TDM_BM_BITS_PER_BLOCK / 8;
	u8 *buf = page_address(dev->md_page);
	int ret = 0, err;
	u64 b;

	mutex_lock(&dev->md_lock);
	for (b = 0; b < dev->md.layout.bm_blocks; b++) {
		u64 off = b * per, n = min(per, bm->bytes - min(off, bm->bytes));

		spin_lock_irq(&bm->lock);
		if (!all && !test_bit(b, bm->dirty)) {
			spin_unlock_irq(&bm->lock);
			continue;
		}
		__clear_bit(b, bm->dirty);
		memset(buf, 0, TDM_MD_BLOCK);
		memcpy(buf + TDM_BM_HDR, bm->bits + off, n);
		spin_unlock_irq(&bm->lock);
		tdm_bm_block_seal(buf, b);
		err = tdm_md_io(dev, dev->md.layout.bm_offset + b * (TDM_MD_BLOCK >> SECTOR_SHIFT),
				dev->md_page, REQ_OP_WRITE | REQ_SYNC);
		if (err && !ret)
			ret = err;
	}
	err = blkdev_issue_flush(dev->backing);
	mutex_unlock(&dev->md_lock);
	if (ret || err)
		pr_err(TDM_LOG_PREFIX "%s: cannot write the bitmap: %d\n", dev->name, ret ?: err);
	return ret ?: err;
}

static int tdm_bm_read(struct tdm_device *dev, struct netlink_ext_ack *extack)
{
	struct tdm_bitmap *bm = &dev->bm;
	const u64 per = TDM_BM_BITS_PER_BLOCK / 8;
	u8 *buf = page_address(dev->md_page);
	enum tdm_md_err e;
	u64 b;
	int ret;

	for (b = 0; b < dev->md.layout.bm_blocks; b++) {
		u64 off = b * per, n = min(per, bm->bytes - min(off, bm->bytes));

		ret = tdm_md_io(dev, dev->md.layout.bm_offset + b * (TDM_MD_BLOCK >> SECTOR_SHIFT),
				dev->md_page, REQ_OP_READ);
		if (ret) {
			NL_SET_ERR_MSG(extack, "cannot read the bitmap from the backing disk");
			return ret;
		}
		e = tdm_bm_block_check(buf, b);
		if (e != TDM_MD_OK) {
			tdm_extack_msg(extack, e == TDM_MD_NEWER ? tdm_md_err_str(e) :
				       "a bitmap block is corrupt (bad magic or checksum): recreate the metadata with create-md --force, which makes the next connect a full sync");
			return -EUCLEAN;
		}
		memcpy(bm->bits + off, buf + TDM_BM_HDR, n);
	}
	/* Bits past the end never count, whatever the last byte held. */
	tdm_bits_clear(bm->bits, bm->bytes * 8, bm->nbits, bm->bytes * 8 - bm->nbits);
	bm->set = tdm_bits_count(bm->bits, bm->nbits);
	return 0;
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

/*
 * Writes start without the peer: a new data generation, persisted before
 * any such write is submitted. The caller holds cfg_lock or the session.
 */
int tdm_md_new_generation(struct tdm_device *dev)
{
	u64 id;
	int ret;

	do {
		id = get_random_u64();
	} while (!id);
	mutex_lock(&dev->md_lock);
	tdm_gen_new_current(&dev->gen, id);
	ret = tdm_md_write_sb(dev);
	mutex_unlock(&dev->md_lock);
	pr_info(TDM_LOG_PREFIX "%s: new data generation %016llx\n", dev->name, id);
	return ret;
}

/*
 * A primary that loses its peer (or is promoted alone) starts a new
 * generation only when it first writes without the peer: a node that never
 * wrote can still take the peer's newer data by bitmap. That write waits
 * (deferred: no metadata I/O from submit_bio) until the generation is on disk.
 */
void tdm_gen_pending(struct tdm_device *dev, bool pending)
{
	unsigned long flags;

	spin_lock_irqsave(&dev->state_lock, flags);
	dev->gen_pending = pending;
	spin_unlock_irqrestore(&dev->state_lock, flags);
}

bool tdm_defer_for_new_gen(struct tdm_device *dev, struct bio *clone)
{
	unsigned long flags;
	bool deferred;

	spin_lock_irqsave(&dev->state_lock, flags);
	deferred = dev->gen_pending;
	if (deferred)
		bio_list_add(&dev->deferred, clone);
	spin_unlock_irqrestore(&dev->state_lock, flags);
	if (deferred)
		queue_work(system_unbound_wq, &dev->gen_work);
	return deferred;
}

void tdm_gen_work(struct work_struct *work)
{
	struct tdm_device *dev = container_of(work, struct tdm_device, gen_work);
	struct bio_list bios;
	struct bio *bio;
	bool pending;

	spin_lock_irq(&dev->state_lock);
	pending = dev->gen_pending;
	spin_unlock_irq(&dev->state_lock);
	if (pending)
		tdm_md_new_generation(dev);
	spin_lock_irq(&dev->state_lock);
	dev->gen_pending = false;
	bios = dev->deferred;
	bio_list_init(&dev->deferred);
	spin_unlock_irq(&dev->state_lock);
	while ((bio = bio_list_pop(&bios)))
		submit_bio_noacct(bio);
}
