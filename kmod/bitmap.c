// SPDX-License-Identifier: GPL-2.0
/*
 * tandem: the dirty bitmap, one bit per 4 KiB block out of sync with the
 * peer (bit math: core/bitmap.c; block framing: core/ondisk.h). It lives in
 * memory while attached; a block of it is written back when it changed, at
 * the end of a session, a resync, when the activity log drops an extent,
 * and at detach (md.c).
 */
#include "tandem.h"
#include "metadata.h"

/*
 * Bits a whole-bitmap operation handles under one hold of the lock (32 KiB
 * of the map): the lock is irq-safe, and a 16 TiB device has 4 Gi bits.
 */
#define TDM_BM_SLICE	(1ULL << 18)

static void tdm_bm_dirty(struct tdm_bitmap *bm, u64 first, u64 n)
{
	u64 b, last = min(first + n, bm->nbits) - 1;

	for (b = first / TDM_BM_BITS_PER_BLOCK; b <= last / TDM_BM_BITS_PER_BLOCK; b++)
		__set_bit(b, bm->dirty);
}

/* Mark [sector, +nr_sectors) out of sync with the peer: every block it touches. Any context. */
static void tdm_bm_mark(struct tdm_device *dev, sector_t sector, u64 nr_sectors, bool unsent)
{
	struct tdm_bitmap *bm = &dev->bm;
	u64 first = tdm_bm_sector_to_bit(sector), n, added;
	unsigned long flags;

	if (!nr_sectors || first >= bm->nbits)
		return;
	n = tdm_bm_sector_to_bit(sector + nr_sectors - 1) - first + 1;
	spin_lock_irqsave(&bm->lock, flags);
	added = tdm_bits_set(bm->bits, bm->nbits, first, n);
	if (added) {
		bm->set += added;
		tdm_bm_dirty(bm, first, n);
	}
	if (unsent) {
		bm->unsent = true;
		bm->unsent_seq++;
	}
	spin_unlock_irqrestore(&bm->lock, flags);
}

void tdm_bm_set(struct tdm_device *dev, sector_t sector, u64 nr_sectors)
{
	tdm_bm_mark(dev, sector, nr_sectors, false);
}

void tdm_bm_set_unsent(struct tdm_device *dev, sector_t sector, u64 nr_sectors)
{
	tdm_bm_mark(dev, sector, nr_sectors, true);
}

/*
 * A slice at a time: a write the peer did not get, marked meanwhile, stops
 * it before the slice it may be in (and one marked in a slice already
 * cleared sets its bit again after), so no such bit is cleared.
 */
bool tdm_bm_clear_equal(struct tdm_device *dev)
{
	struct tdm_bitmap *bm = &dev->bm;
	u64 first, cleared;

	might_sleep();
	for (first = 0; first < bm->nbits; first += TDM_BM_SLICE) {
		spin_lock_irq(&bm->lock);
		if (bm->unsent) {
			spin_unlock_irq(&bm->lock);
			return false;
		}
		if (!bm->set) {
			spin_unlock_irq(&bm->lock);
			break;
		}
		cleared = tdm_bits_clear(bm->bits, bm->nbits, first, TDM_BM_SLICE);
		if (cleared) {
			bm->set -= cleared;
			tdm_bm_dirty(bm, first, TDM_BM_SLICE);
		}
		spin_unlock_irq(&bm->lock);
		cond_resched();
	}
	return true;
}

u64 tdm_bm_unsent_seq(struct tdm_device *dev)
{
	unsigned long flags;
	u64 seq;

	spin_lock_irqsave(&dev->bm.lock, flags);
	seq = dev->bm.unsent_seq;
	spin_unlock_irqrestore(&dev->bm.lock, flags);
	return seq;
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
	if (!bm->set)
		bm->unsent = false;
	spin_unlock_irqrestore(&bm->lock, flags);
}

void tdm_bm_set_bits(struct tdm_device *dev, u64 first, u64 n)
{
	u64 end, len;

	might_sleep();
	if (first >= dev->bm.nbits)
		return;
	end = first + min(n, dev->bm.nbits - first);
	for (; first < end; first += len) {
		len = min(end - first, TDM_BM_SLICE);
		tdm_bm_set(dev, tdm_bm_bit_to_sector(first), tdm_bm_bit_to_sector(len));
		cond_resched();
	}
}

/* Every block of the device, at its agreed size (the map may hold more). */
void tdm_bm_set_all(struct tdm_device *dev)
{
	tdm_bm_set_bits(dev, 0, tdm_bm_sector_to_bit(READ_ONCE(dev->md.size_sectors)));
}

void tdm_bm_clear_from(struct tdm_device *dev, u64 first)
{
	might_sleep();
	for (; first < dev->bm.nbits; first += TDM_BM_SLICE) {
		tdm_bm_clear_bits(dev, first, TDM_BM_SLICE);
		cond_resched();
	}
}

void tdm_bm_clear_all(struct tdm_device *dev)
{
	tdm_bm_clear_from(dev, 0);
}

/*
 * Resize: room for @nbits bits in @blocks on-disk blocks, the bits set
 * kept. The copy holds the lock: 32 MiB per TiB of data (512 MiB at 16 TiB),
 * once per resize.
 */
int tdm_bm_grow(struct tdm_device *dev, u64 nbits, u64 blocks)
{
	struct tdm_bitmap *bm = &dev->bm;
	u64 bytes = DIV_ROUND_UP(nbits, 8);
	unsigned long *dirty, *old_dirty;
	u8 *bits, *old_bits;

	lockdep_assert_held(&dev->md_lock);
	if (nbits <= bm->nbits)
		return 0;
	bits = kvzalloc(bytes, GFP_KERNEL);
	dirty = bitmap_zalloc(blocks, GFP_KERNEL);
	if (!bits || !dirty) {
		kvfree(bits);
		bitmap_free(dirty);
		return -ENOMEM;
	}
	spin_lock_irq(&bm->lock);
	memcpy(bits, bm->bits, bm->bytes);
	bitmap_copy(dirty, bm->dirty, dev->md.layout.bm_blocks);
	old_bits = bm->bits;
	old_dirty = bm->dirty;
	bm->bits = bits;
	bm->dirty = dirty;
	bm->bytes = bytes;
	WRITE_ONCE(bm->nbits, nbits);
	spin_unlock_irq(&bm->lock);
	kvfree(old_bits);
	bitmap_free(old_dirty);
	return 0;
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

/* tdm_bits_next_run() within [from, end) of the map, under the lock. */
static u64 tdm_bm_run_in(struct tdm_bitmap *bm, u64 from, u64 end, u64 max, u64 *start)
{
	u64 n;

	spin_lock_irq(&bm->lock);
	n = tdm_bits_next_run(bm->bits, end, from, max, start);
	spin_unlock_irq(&bm->lock);
	return n;
}

/*
 * See tdm_bits_next_run(); looked for, and counted, a slice at a time. A
 * bit set meanwhile in a slice already passed is the next call's.
 */
u64 tdm_bm_next_run(struct tdm_device *dev, u64 from, u64 max, u64 *start)
{
	struct tdm_bitmap *bm = &dev->bm;
	u64 n = 0, more, end, s;

	might_sleep();
	*start = bm->nbits;
	for (; from < bm->nbits && !n; from = end) {
		end = min(from + TDM_BM_SLICE, bm->nbits);
		n = tdm_bm_run_in(bm, from, end, max, start);
		cond_resched();
	}
	/* A run to the slice's end may go on in the next. */
	while (n && n < max && *start + n == end && end < bm->nbits) {
		from = end;
		end = min(from + TDM_BM_SLICE, bm->nbits);
		more = tdm_bm_run_in(bm, from, end, max - n, &s);
		if (!more || s != from)
			break;
		n += more;
		cond_resched();
	}
	return n;
}

/* Fewer blocks than this go one at a time, through md_page: no allocation. */
#define TDM_BM_BATCH_MIN 8

/*
 * Pages for @blocks consecutive blocks in a request: the whole map is read
 * at attach and written at the end of a session that marked every block
 * (16 TiB: 131 587 blocks). Up to TDM_MD_BATCH; short of memory, fewer,
 * down to one (the device's md_page). md_lock held, or attaching.
 */
static struct tdm_bm_batch *tdm_bm_batch_get(struct tdm_device *dev, u64 blocks)
{
	unsigned int want = min_t(u64, blocks, TDM_MD_BATCH);
	struct tdm_bm_batch *bb = dev->bm.batch;
	struct page *page;

	bb->n = 0;
	bb->max = 0;
	bb->own = want >= TDM_BM_BATCH_MIN;
	for (; bb->own && bb->max < want; bb->max++) {
		page = alloc_page(GFP_NOIO | __GFP_NOWARN);
		if (!page)
			break;
		bvec_set_page(&bb->bv[bb->max], page, TDM_MD_BLOCK, 0);
	}
	if (!bb->max) {
		bb->own = false;
		bvec_set_page(&bb->bv[0], dev->md_page, TDM_MD_BLOCK, 0);
		bb->max = 1;
	}
	return bb;
}

static void tdm_bm_batch_put(struct tdm_bm_batch *bb)
{
	unsigned int i;

	for (i = 0; bb->own && i < bb->max; i++)
		__free_page(bb->bv[i].bv_page);
}

static void *tdm_bm_batch_buf(struct tdm_bm_batch *bb, unsigned int i)
{
	return page_address(bb->bv[i].bv_page);
}

/* Write the blocks the batch holds; 0 or the error. */
static int tdm_bm_batch_write(struct tdm_device *dev, struct tdm_bm_batch *bb)
{
	int ret = 0;

	if (bb->n)
		ret = tdm_md_io_vec(dev, tdm_md_block_sector(dev->md.layout.bm_offset, bb->first),
				    bb->bv, bb->n, REQ_OP_WRITE | REQ_SYNC);
	bb->n = 0;
	return ret;
}

/* Write the changed bitmap blocks (all when @all), then flush. */
int tdm_bm_write(struct tdm_device *dev, bool all)
{
	int ret;

	mutex_lock(&dev->md_lock);
	ret = tdm_bm_write_locked(dev, all);
	mutex_unlock(&dev->md_lock);
	return ret;
}

int tdm_bm_write_locked(struct tdm_device *dev, bool all)
{
	struct tdm_bitmap *bm = &dev->bm;
	const u64 per = TDM_BM_BITS_PER_BLOCK / 8;
	u64 b, blocks = dev->md.layout.bm_blocks;
	struct tdm_bm_batch *bb;
	int ret = 0, err;
	u8 *buf;

	lockdep_assert_held(&dev->md_lock);
	spin_lock_irq(&bm->lock);
	b = all ? blocks : bitmap_weight(bm->dirty, blocks);
	spin_unlock_irq(&bm->lock);
	bb = tdm_bm_batch_get(dev, b);
	for (b = 0; b < blocks; b++) {
		u64 off = b * per, n = min(per, bm->bytes - min(off, bm->bytes));

		spin_lock_irq(&bm->lock);
		if (!all && !test_bit(b, bm->dirty)) {
			spin_unlock_irq(&bm->lock);
			/* Only consecutive blocks go in one request. */
			err = tdm_bm_batch_write(dev, bb);
			ret = ret ?: err;
			continue;
		}
		__clear_bit(b, bm->dirty);
		if (!bb->n)
			bb->first = b;
		buf = tdm_bm_batch_buf(bb, bb->n++);
		memset(buf, 0, TDM_MD_BLOCK);
		memcpy(buf + TDM_BM_HDR, bm->bits + off, n);
		spin_unlock_irq(&bm->lock);
		tdm_bm_block_seal(buf, b);
		if (bb->n == bb->max) {
			err = tdm_bm_batch_write(dev, bb);
			ret = ret ?: err;
		}
	}
	err = tdm_bm_batch_write(dev, bb);
	ret = ret ?: err;
	tdm_bm_batch_put(bb);
	err = tdm_md_flush(dev);
	if (ret || err)
		tdm_err(dev, "cannot write the bitmap: %d\n", ret ?: err);
	return ret ?: err;
}

int tdm_bm_read(struct tdm_device *dev, struct netlink_ext_ack *extack)
{
	struct tdm_bitmap *bm = &dev->bm;
	const u64 per = TDM_BM_BITS_PER_BLOCK / 8;
	u64 b, blocks = dev->md.layout.bm_blocks;
	struct tdm_bm_batch *bb;
	enum tdm_md_err e;
	unsigned int i;
	int ret = 0;

	bb = tdm_bm_batch_get(dev, blocks);
	for (b = 0; b < blocks && !ret; b += bb->n) {
		bb->n = min_t(u64, bb->max, blocks - b);
		ret = tdm_md_io_vec(dev, tdm_md_block_sector(dev->md.layout.bm_offset, b),
				    bb->bv, bb->n, REQ_OP_READ);
		if (ret) {
			NL_SET_ERR_MSG(extack, "cannot read the bitmap from the metadata");
			break;
		}
		for (i = 0; i < bb->n; i++) {
			u64 off = (b + i) * per, n = min(per, bm->bytes - min(off, bm->bytes));
			u8 *buf = tdm_bm_batch_buf(bb, i);

			e = tdm_bm_block_check(buf, b + i);
			if (e != TDM_MD_OK) {
				tdm_extack_msg(extack, e == TDM_MD_NEWER ? tdm_md_err_str(e) :
					       "a bitmap block is corrupt (bad magic or checksum): recreate the metadata with create-md --force, which makes the next connect a full sync");
				ret = -EUCLEAN;
				break;
			}
			memcpy(bm->bits + off, buf + TDM_BM_HDR, n);
		}
	}
	tdm_bm_batch_put(bb);
	if (ret)
		return ret;
	/* Bits past the end never count, whatever the last byte held. */
	tdm_bits_clear(bm->bits, bm->bytes * 8, bm->nbits, bm->bytes * 8 - bm->nbits);
	bm->set = tdm_bits_count(bm->bits, bm->nbits);
	return 0;
}
