// SPDX-License-Identifier: GPL-2.0
/*
 * tandem: the disk-timeout. With it set, every request of this node's own
 * to the backing disk (the application's and the metadata's; not the
 * peer's writes a secondary applies, which the primary's ko-count covers)
 * goes down as a private bio with pages of its own: a write's data is
 * copied in, a read's copied out when it completes in time. A request not
 * back within the timeout is given up on: its caller's bio completes with
 * BLK_STS_TIMEOUT, and the callers drop the disk, whatever on-io-error
 * says (tdm_md_disk_error). Once the disk is dropped (diskless), every
 * request still at it is given up on at once. A request given up on may
 * still come back: it then finds only its own bio and pages, and gives
 * them back. Detach and re-attach are refused while any is out
 * (tdm_dw_late); unloading the module waits for them.
 *
 * Without the timeout a caller's bio goes down as it is, with no copy.
 */
#include <linux/bio.h>
#include <linux/jiffies.h>

#include "tandem.h"
#include "base.h"

struct tdm_dw_io {
	struct tdm_device *dev;
	struct bio *caller;		/* completed when this comes back in time,
					 * or when it is given up on */
	struct bvec_iter iter;		/* the data in bio's pages, as submitted */
	unsigned long due;		/* jiffies */
	bool abandoned;			/* given up on; under dw.lock */
	bool reserved;			/* its pages are from dw.reserve */
	struct list_head node;		/* on dw.busy until back or given up on */
	struct bio bio;			/* must be last */
};

/* The pages, by bi_vcnt: a completed bio's size was advanced to 0. */
static void tdm_dw_free(struct tdm_dw_io *io)
{
	struct tdm_device *dev = io->dev;
	unsigned int i;

	if (io->reserved)
		for (i = 0; i < io->bio.bi_vcnt; i++)
			mempool_free(io->bio.bi_io_vec[i].bv_page, dev->dw.reserve);
	else
		tdm_pages_release(&dev->pages, io->bio.bi_io_vec, io->bio.bi_vcnt);
	bio_put(&io->bio);
}

/*
 * Pages for @size bytes: kept ones or new ones, else (short of memory) the
 * reserve's, one request at a time, so that two requests cannot each hold
 * part of it and wait for the rest. May sleep.
 */
static void tdm_dw_fill(struct tdm_device *dev, struct tdm_dw_io *io, u32 size)
{
	struct bio *bio = &io->bio;
	unsigned int i, nr = DIV_ROUND_UP(size, PAGE_SIZE);

	io->reserved = false;
	if (!tdm_pages_fill_bio(&dev->pages, bio, size, GFP_NOIO | __GFP_NOWARN))
		return;
	io->reserved = true;
	mutex_lock(&dev->dw.reserve_lock);
	for (i = 0; i < nr; i++)
		bvec_set_page(&bio->bi_io_vec[i], mempool_alloc(dev->dw.reserve, GFP_NOIO),
			      min_t(u32, size - i * PAGE_SIZE, PAGE_SIZE), 0);
	mutex_unlock(&dev->dw.reserve_lock);
	bio->bi_vcnt = nr;
	bio->bi_iter.bi_size = size;
}

static void tdm_dw_endio(struct bio *bio)
{
	struct tdm_dw_io *io = container_of(bio, struct tdm_dw_io, bio);
	struct tdm_device *dev = io->dev;
	struct tdm_diskwatch *dw = &dev->dw;
	struct bio *caller = io->caller;
	blk_status_t status = bio->bi_status;
	struct bvec_iter caller_iter;
	unsigned long flags;
	bool abandoned;

	spin_lock_irqsave(&dw->lock, flags);
	abandoned = io->abandoned;
	if (!abandoned)
		list_del(&io->node);
	spin_unlock_irqrestore(&dw->lock, flags);

	if (abandoned) {
		tdm_warn_ratelimited(dev, "a request given up on after the disk-timeout came back from the disk (%s, status %d)\n",
				     op_is_write(bio_op(bio)) ? "write" : "read",
				     blk_status_to_errno(status));
		tdm_dw_free(io);
		/* Last: once late is 0 the device may be torn down. */
		spin_lock_irqsave(&dw->lock, flags);
		if (!--dw->late)
			wake_up(&dw->idle);
		spin_unlock_irqrestore(&dw->lock, flags);
		return;
	}
	if (!status && bio_op(bio) == REQ_OP_READ) {
		caller_iter = caller->bi_iter;
		bio_copy_data_iter(caller, &caller_iter, bio, &io->iter);
	}
	/* Freed first: once the caller completes, the device may go (detach). */
	tdm_dw_free(io);
	caller->bi_status = status;
	bio_endio(caller);
}

void tdm_dw_submit(struct tdm_device *dev, struct bio *caller)
{
	struct tdm_diskwatch *dw = &dev->dw;
	u32 timeout_ms = READ_ONCE(dw->timeout_ms);
	u32 size = caller->bi_iter.bi_size;
	bool data = bio_has_data(caller);
	struct tdm_dw_io *io;
	unsigned long flags;
	struct bio *bio;

	if (!timeout_ms) {
		submit_bio_noacct(caller);
		return;
	}
	bio = bio_alloc_bioset(caller->bi_bdev, data ? DIV_ROUND_UP(size, PAGE_SIZE) : 0,
			       caller->bi_opf, GFP_NOIO, &dw->bio_set);
	io = container_of(bio, struct tdm_dw_io, bio);
	io->dev = dev;
	io->caller = caller;
	io->abandoned = false;
	bio->bi_iter.bi_sector = caller->bi_iter.bi_sector;
	bio->bi_ioprio = caller->bi_ioprio;
	bio->bi_end_io = tdm_dw_endio;
	bio_clone_blkg_association(bio, caller);
	if (data) {
		tdm_dw_fill(dev, io, size);
		if (op_is_write(bio_op(bio)))
			bio_copy_data(bio, caller);
	} else {
		io->reserved = false;
		bio->bi_iter.bi_size = size;
	}
	io->iter = bio->bi_iter;
	io->due = jiffies + msecs_to_jiffies(timeout_ms);
	spin_lock_irqsave(&dw->lock, flags);
	if (list_empty(&dw->busy))
		mod_timer(&dw->timer, io->due);
	list_add_tail(&io->node, &dw->busy);
	spin_unlock_irqrestore(&dw->lock, flags);
	submit_bio_noacct(bio);
}

static void tdm_dw_wait_endio(struct bio *bio)
{
	complete(bio->bi_private);
}

int tdm_dw_submit_wait(struct tdm_device *dev, struct bio *bio)
{
	DECLARE_COMPLETION_ONSTACK(done);

	if (!READ_ONCE(dev->dw.timeout_ms))
		return submit_bio_wait(bio);
	bio->bi_private = &done;
	bio->bi_end_io = tdm_dw_wait_endio;
	tdm_dw_submit(dev, bio);
	wait_for_completion_io(&done);
	return blk_status_to_errno(bio->bi_status);
}

/* Fires when the oldest request at the disk is due (or was, and came back). */
static void tdm_dw_timer(struct timer_list *t)
{
	struct tdm_diskwatch *dw = from_timer(dw, t, timer);
	struct tdm_dw_io *oldest;
	unsigned long flags;

	spin_lock_irqsave(&dw->lock, flags);
	oldest = list_first_entry_or_null(&dw->busy, struct tdm_dw_io, node);
	if (oldest && time_after_eq(jiffies, oldest->due))
		queue_work(system_unbound_wq, &dw->work);
	else if (oldest)
		mod_timer(&dw->timer, oldest->due);
	spin_unlock_irqrestore(&dw->lock, flags);
}

/*
 * Give up on every request due, oldest first, and on every other one too
 * once the disk is dropped: their callers complete them with
 * BLK_STS_TIMEOUT. The timer is set again for the oldest left.
 */
static void tdm_dw_work(struct work_struct *work)
{
	struct tdm_diskwatch *dw = container_of(work, struct tdm_diskwatch, work);
	struct tdm_device *dev = container_of(dw, struct tdm_device, dw);
	struct tdm_dw_io *io;
	struct bio *caller;
	unsigned long waited;

	for (;;) {
		spin_lock_irq(&dw->lock);
		io = list_first_entry_or_null(&dw->busy, struct tdm_dw_io, node);
		if (io && time_before(jiffies, io->due) &&
		    !test_bit(TDM_DEV_DISKLESS, &dev->flags)) {
			mod_timer(&dw->timer, io->due);
			io = NULL;
		}
		if (!io) {
			spin_unlock_irq(&dw->lock);
			return;
		}
		/* From here on the disk may hand it back and free it at any time. */
		list_del(&io->node);
		io->abandoned = true;
		dw->late++;
		caller = io->caller;
		waited = jiffies - io->due + msecs_to_jiffies(dw->timeout_ms);
		spin_unlock_irq(&dw->lock);

		tdm_err_ratelimited(dev, "the local disk has not completed a %s at sector %llu in %u ms: given up on (disk-timeout %u ms)\n",
				    op_is_write(bio_op(caller)) ? "write" : "read",
				    (unsigned long long)caller->bi_iter.bi_sector,
				    jiffies_to_msecs(waited), dw->timeout_ms);
		caller->bi_status = BLK_STS_TIMEOUT;
		bio_endio(caller);
	}
}

void tdm_dw_kick(struct tdm_device *dev)
{
	if (READ_ONCE(dev->dw.timeout_ms))
		queue_work(system_unbound_wq, &dev->dw.work);
}

unsigned int tdm_dw_late(struct tdm_device *dev)
{
	unsigned int late;

	spin_lock_irq(&dev->dw.lock);
	late = dev->dw.late;
	spin_unlock_irq(&dev->dw.lock);
	return late;
}

int tdm_dw_init(struct tdm_device *dev, u32 timeout_ms)
{
	struct tdm_diskwatch *dw = &dev->dw;
	int ret;

	dw->timeout_ms = 0;
	spin_lock_init(&dw->lock);
	INIT_LIST_HEAD(&dw->busy);
	dw->late = 0;
	timer_setup(&dw->timer, tdm_dw_timer, 0);
	INIT_WORK(&dw->work, tdm_dw_work);
	init_waitqueue_head(&dw->idle);
	mutex_init(&dw->reserve_lock);
	dw->reserve = NULL;
	if (!timeout_ms)
		return 0;
	/* A whole request's pages. */
	dw->reserve = mempool_create_page_pool(TDM_WIRE_MAX_DATA / PAGE_SIZE, 0);
	if (!dw->reserve)
		return -ENOMEM;
	ret = bioset_init(&dw->bio_set, BIO_POOL_SIZE, offsetof(struct tdm_dw_io, bio),
			  BIOSET_NEED_BVECS);
	if (ret)
		mempool_destroy(dw->reserve);
	return ret;
}

void tdm_dw_start(struct tdm_device *dev, u32 timeout_ms)
{
	WRITE_ONCE(dev->dw.timeout_ms, timeout_ms);
}

void tdm_dw_exit(struct tdm_device *dev)
{
	struct tdm_diskwatch *dw = &dev->dw;
	unsigned int late = tdm_dw_late(dev);

	if (late)
		tdm_warn(dev, "waiting for %u requests of the local disk given up on after the disk-timeout\n",
			 late);
	wait_event(dw->idle, !tdm_dw_late(dev));
	del_timer_sync(&dw->timer);
	cancel_work_sync(&dw->work);
	if (!dw->reserve)
		return;
	bioset_exit(&dw->bio_set);
	mempool_destroy(dw->reserve);
}
