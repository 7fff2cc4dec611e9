// SPDX-License-Identifier: GPL-2.0
/*
 * tandem: the activity log. A write is submitted only once every 4 MiB
 * extent it touches is in the log on disk; an extent stays in the log while
 * any write in it may be missing on the peer (from submission until the
 * peer acknowledged it, or its blocks are marked in the bitmap). After a
 * crash while primary, the extents of the last logged set are marked out of
 * sync: recovery resyncs those, not the whole device.
 *
 * Writes to extents in the log go straight through. A write to another
 * extent, or to one whose transaction the worker is writing right now,
 * waits (off the submit path) for the log worker, which takes free
 * slots or evicts the least recently used idle extents (their bitmap blocks
 * are written first), writes the new set as one transaction (FUA) in the
 * next slot of the on-disk ring, then submits the waiting writes.
 *
 * An extent idle for al_retire_ms leaves the log (bitmap first, then a
 * transaction without it), so that after a crash only the extents written
 * in the last seconds are resynced, not every extent touched since the
 * log filled (DRBD keeps them until they are evicted: a whole disk after
 * an mkfs that discards it).
 */
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/stringify.h>

#include "tandem.h"
#include "metadata.h"

/* Module parameters: a value out of range is refused when it is set. */
#define TDM_AL_EXTENTS_MIN	64
#define TDM_AL_EXTENTS_MAX	1016	/* TDM_AL_MAX_EXTENTS: one transaction block */
#define TDM_AL_EXTENTS_DEF	256
#define TDM_AL_RETIRE_MS_MIN	100
#define TDM_AL_RETIRE_MS_MAX	3600000
#define TDM_AL_RETIRE_MS_DEF	5000
static_assert(TDM_AL_EXTENTS_MAX == TDM_AL_MAX_EXTENTS);

/* Parse a uint parameter into *val, refusing a value outside [min, max]. */
static int tdm_param_set_uint(const char *str, unsigned int *val, unsigned int min,
			      unsigned int max)
{
	unsigned int n;
	int ret;

	ret = kstrtouint(str, 10, &n);
	if (ret)
		return ret;
	if (n < min || n > max)
		return -EINVAL;
	WRITE_ONCE(*val, n);
	return 0;
}

static unsigned int al_extents = TDM_AL_EXTENTS_DEF;

static int tdm_set_al_extents(const char *str, const struct kernel_param *kp)
{
	return tdm_param_set_uint(str, kp->arg, TDM_AL_EXTENTS_MIN, TDM_AL_EXTENTS_MAX);
}

static const struct kernel_param_ops tdm_al_extents_ops = {
	.set = tdm_set_al_extents,
	.get = param_get_uint,
};
module_param_cb(al_extents, &tdm_al_extents_ops, &al_extents, 0444);
MODULE_PARM_DESC(al_extents, "activity log size in 4 MiB extents ("
		 __stringify(TDM_AL_EXTENTS_MIN) "-" __stringify(TDM_AL_EXTENTS_MAX)
		 ", default " __stringify(TDM_AL_EXTENTS_DEF) ")");

static unsigned int al_retire_ms = TDM_AL_RETIRE_MS_DEF;

static int tdm_set_al_retire_ms(const char *str, const struct kernel_param *kp)
{
	return tdm_param_set_uint(str, kp->arg, TDM_AL_RETIRE_MS_MIN, TDM_AL_RETIRE_MS_MAX);
}

static const struct kernel_param_ops tdm_al_retire_ms_ops = {
	.set = tdm_set_al_retire_ms,
	.get = param_get_uint,
};
module_param_cb(al_retire_ms, &tdm_al_retire_ms_ops, &al_retire_ms, 0644);
MODULE_PARM_DESC(al_retire_ms, "an extent idle this long leaves the activity log ("
		 __stringify(TDM_AL_RETIRE_MS_MIN) "-" __stringify(TDM_AL_RETIRE_MS_MAX)
		 ", default " __stringify(TDM_AL_RETIRE_MS_DEF) ")");

static unsigned long tdm_al_retire_delay(void)
{
	return msecs_to_jiffies(READ_ONCE(al_retire_ms));
}

/* The extents [first, last] that [sector, +sectors) touches. */
static void tdm_al_span(sector_t sector, u32 sectors, u32 *first, u32 *last)
{
	*first = sector >> (TDM_AL_EXTENT_SHIFT - SECTOR_SHIFT);
	*last = (sector + sectors - 1) >> (TDM_AL_EXTENT_SHIFT - SECTOR_SHIFT);
}

static void tdm_al_req_span(struct tdm_req *req, u32 *first, u32 *last)
{
	tdm_al_span(req->orig->bi_iter.bi_sector, bio_sectors(req->orig), first, last);
}

static struct tdm_al_slot *tdm_al_find(struct tdm_actlog *al, u32 extent)
{
	struct tdm_al_slot *s;

	hash_for_each_possible(al->hash, s, node, extent)
		if (s->extent == extent)
			return s;
	return NULL;
}

/* A reference on each of [first, last], all in the log. */
static void tdm_al_get(struct tdm_actlog *al, u32 first, u32 last)
{
	struct tdm_al_slot *s;
	u32 e;

	lockdep_assert_held(&al->lock);
	for (e = first; e <= last; e++) {
		s = tdm_al_find(al, e);
		s->refs++;
		s->used = ++al->clock;
	}
}

/*
 * Are all of [first, last] in the log, on disk? Takes a reference on each
 * if so. An extent placed by the worker whose transaction is still being
 * written is not: a write to it waits for the worker, behind the writes
 * that were waiting already (none reaches the disk before the log says
 * its extent is active, and none overtakes an earlier one).
 */
static bool tdm_al_try_get(struct tdm_actlog *al, u32 first, u32 last)
{
	struct tdm_al_slot *s;
	u32 e;

	lockdep_assert_held(&al->lock);
	for (e = first; e <= last; e++) {
		s = tdm_al_find(al, e);
		if (!s || s->pending)
			return false;
	}
	tdm_al_get(al, first, last);
	return true;
}

/*
 * Submit path: true if @req may go on now (its extents are referenced);
 * false if it was queued for the log worker, which dispatches it later.
 */
bool tdm_al_begin(struct tdm_device *dev, struct tdm_req *req)
{
	struct tdm_actlog *al = &dev->al;
	unsigned long flags;
	u32 first, last;
	bool ok;

	tdm_al_req_span(req, &first, &last);
	spin_lock_irqsave(&al->lock, flags);
	ok = tdm_al_try_get(al, first, last);
	if (!ok)
		list_add_tail(&req->wait_node, &al->waiting);
	spin_unlock_irqrestore(&al->lock, flags);
	if (ok)
		req->al_held = true;
	else
		queue_work(system_unbound_wq, &al->work);
	return ok;
}

/* One more reference on the extents of a write that holds them already. */
void tdm_al_get_more(struct tdm_device *dev, sector_t sector, u32 sectors)
{
	struct tdm_actlog *al = &dev->al;
	struct tdm_al_slot *s;
	unsigned long flags;
	u32 first, last, e;

	tdm_al_span(sector, sectors, &first, &last);
	spin_lock_irqsave(&al->lock, flags);
	for (e = first; e <= last; e++) {
		s = tdm_al_find(al, e);
		if (!WARN_ON_ONCE(!s))
			s->refs++;
	}
	spin_unlock_irqrestore(&al->lock, flags);
}

/* Writes in [sector, +sectors) are on the peer or marked in the bitmap. */
void tdm_al_put(struct tdm_device *dev, sector_t sector, u32 sectors)
{
	struct tdm_actlog *al = &dev->al;
	struct tdm_al_slot *s;
	unsigned long flags;
	u32 first, last, e;
	bool wake = false;

	tdm_al_span(sector, sectors, &first, &last);
	spin_lock_irqsave(&al->lock, flags);
	for (e = first; e <= last; e++) {
		s = tdm_al_find(al, e);
		if (WARN_ON_ONCE(!s || !s->refs))
			continue;
		if (--s->refs)
			continue;
		s->idle_since = jiffies;
		if (!list_empty(&al->waiting))
			wake = true;
	}
	spin_unlock_irqrestore(&al->lock, flags);
	if (wake)
		queue_work(system_unbound_wq, &al->work);
	queue_delayed_work(system_unbound_wq, &al->retire, tdm_al_retire_delay());
}

/* A slot for @extent: a free one, or the least recently used idle one. */
static struct tdm_al_slot *tdm_al_take_slot(struct tdm_actlog *al, bool *evicted)
{
	struct tdm_al_slot *s, *lru = NULL;
	unsigned int i;

	for (i = 0; i < al->nr; i++) {
		s = &al->slots[i];
		if (!s->in_use)
			return s;
		if (!s->refs && (!lru || s->used < lru->used))
			lru = s;
	}
	if (lru) {
		hash_del(&lru->node);
		lru->in_use = false;
		*evicted = true;
	}
	return lru;
}

/* Put [first, last] in the log (under the lock); false if no slot is free. */
static bool tdm_al_place(struct tdm_actlog *al, u32 first, u32 last, bool *changed,
			 bool *evicted)
{
	struct tdm_al_slot *s;
	u32 e;

	for (e = first; e <= last; e++) {
		if (tdm_al_find(al, e))
			continue;
		s = tdm_al_take_slot(al, evicted);
		if (!s)
			return false;
		s->extent = e;
		s->refs = 0;
		s->in_use = true;
		s->pending = true;
		s->used = ++al->clock;
		hash_add(al->hash, &s->node, e);
		*changed = true;
	}
	tdm_al_get(al, first, last);
	return true;
}

/* Write the set in use as the next transaction; the caller holds md_lock. */
static int tdm_al_write_tx(struct tdm_device *dev)
{
	struct tdm_actlog *al = &dev->al;
	struct tdm_al_tx *tx = al->tx;
	unsigned int i;
	int ret;

	lockdep_assert_held(&dev->md_lock);
	spin_lock_irq(&al->lock);
	tx->count = 0;
	for (i = 0; i < al->nr; i++)
		if (al->slots[i].in_use)
			tx->extents[tx->count++] = al->slots[i].extent;
	spin_unlock_irq(&al->lock);
	tx->seq = ++al->seq;
	tdm_al_encode(page_address(dev->md_page), tx);
	ret = tdm_md_io(dev, tdm_md_block_sector(dev->md.layout.al_offset, al->next),
			dev->md_page, REQ_OP_WRITE | REQ_SYNC | REQ_FUA);
	al->next = (al->next + 1) % TDM_AL_SLOTS;
	if (ret)
		tdm_err(dev, "cannot write the activity log: %d\n", ret);
	return ret;
}

/*
 * The whole new area: the set in use in its first slot, the others empty,
 * so that nothing found there before (the disk's old contents) passes for
 * a newer transaction.
 */
int tdm_al_move(struct tdm_device *dev)
{
	unsigned int i;
	int ret;

	lockdep_assert_held(&dev->md_lock);
	memset(page_address(dev->md_page), 0, TDM_MD_BLOCK);
	for (i = 1; i < TDM_AL_SLOTS; i++) {
		ret = tdm_md_io(dev, tdm_md_block_sector(dev->md.layout.al_offset, i),
				dev->md_page, REQ_OP_WRITE | REQ_SYNC);
		if (ret)
			return ret;
	}
	dev->al.next = 0;
	return tdm_al_write_tx(dev);
}

static void tdm_al_work(struct work_struct *work)
{
	struct tdm_device *dev = container_of(work, struct tdm_device, al.work);
	struct tdm_actlog *al = &dev->al;
	bool changed = false, evicted = false;
	struct tdm_req *req, *tmp;
	LIST_HEAD(ready);
	u32 first, last;
	unsigned int i;

	spin_lock_irq(&al->lock);
	list_for_each_entry_safe(req, tmp, &al->waiting, wait_node) {
		tdm_al_req_span(req, &first, &last);
		if (!tdm_al_place(al, first, last, &changed, &evicted))
			break;	/* every slot busy: a put requeues us */
		req->al_held = true;
		list_move_tail(&req->wait_node, &ready);
	}
	spin_unlock_irq(&al->lock);

	if (evicted)
		tdm_bm_write(dev, false);
	if (changed) {
		mutex_lock(&dev->md_lock);
		tdm_al_write_tx(dev);
		mutex_unlock(&dev->md_lock);
		/*
		 * Written: its extents may be taken at once. A write that
		 * came meanwhile waits, queued; it requeued this work, which
		 * takes it after these.
		 */
		spin_lock_irq(&al->lock);
		for (i = 0; i < al->nr; i++)
			al->slots[i].pending = false;
		spin_unlock_irq(&al->lock);
	}
	list_for_each_entry_safe(req, tmp, &ready, wait_node) {
		list_del_init(&req->wait_node);
		al->ready(dev, req);
	}
}

/*
 * The extents idle since before @now minus the retire delay: dropped from
 * the set (@drop) or only counted. *next: when the next idle one is due
 * (0: none is idle).
 */
static unsigned int tdm_al_idle_scan(struct tdm_actlog *al, unsigned long now, bool drop,
				     unsigned long *next)
{
	unsigned long delay = tdm_al_retire_delay();
	unsigned int i, n = 0;
	struct tdm_al_slot *s;

	*next = 0;
	spin_lock_irq(&al->lock);
	for (i = 0; i < al->nr; i++) {
		s = &al->slots[i];
		if (!s->in_use || s->refs)
			continue;
		if (time_before(now, s->idle_since + delay)) {
			if (!*next || time_before(s->idle_since + delay, *next))
				*next = s->idle_since + delay;
			continue;
		}
		n++;
		if (drop) {
			hash_del(&s->node);
			s->in_use = false;
		}
	}
	spin_unlock_irq(&al->lock);
	return n;
}

/*
 * Drop the extents idle for the retire delay, and come back when the next
 * is due. Their writes are on the peer or marked in the bitmap, which goes
 * to disk first: idle since before @now, their marks are in what it writes.
 */
static void tdm_al_retire_work(struct work_struct *work)
{
	struct tdm_device *dev = container_of(to_delayed_work(work), struct tdm_device, al.retire);
	struct tdm_actlog *al = &dev->al;
	unsigned long now = jiffies, next;

	if (tdm_al_idle_scan(al, now, false, &next)) {
		if (tdm_bm_write(dev, false)) {
			next = now + tdm_al_retire_delay();
		} else if (tdm_al_idle_scan(al, now, true, &next)) {
			mutex_lock(&dev->md_lock);
			tdm_al_write_tx(dev);
			mutex_unlock(&dev->md_lock);
		}
	}
	if (next)
		queue_delayed_work(system_unbound_wq, &al->retire,
				   time_after(next, jiffies) ? next - jiffies : 0);
}

/*
 * At attach: read the log; after a crash while primary (@crashed), mark its
 * extents out of sync (every block if no transaction is readable). Then
 * start an empty log with a newer transaction.
 */
int tdm_al_attach(struct tdm_device *dev, bool crashed)
{
	struct tdm_actlog *al = &dev->al;
	u64 nr_extents = tdm_al_nr_extents(dev->md.layout.data_sectors);
	int best = -1, i, ret;

	spin_lock_init(&al->lock);
	hash_init(al->hash);
	INIT_LIST_HEAD(&al->waiting);
	INIT_WORK(&al->work, tdm_al_work);
	INIT_DELAYED_WORK(&al->retire, tdm_al_retire_work);
	al->nr = al_extents;	/* read-only after load, in range */
	al->slots = kcalloc(al->nr, sizeof(*al->slots), GFP_KERNEL);
	al->tx = kmalloc(sizeof(*al->tx), GFP_KERNEL);
	if (!al->slots || !al->tx) {
		ret = -ENOMEM;
		goto err;
	}
	al->seq = 0;
	for (i = 0; i < TDM_AL_SLOTS; i++) {
		ret = tdm_md_io(dev, tdm_md_block_sector(dev->md.layout.al_offset, i),
				dev->md_page, REQ_OP_READ);
		if (ret)
			goto err;
		if (tdm_al_decode(page_address(dev->md_page), nr_extents, al->tx) != TDM_MD_OK)
			continue;
		if (best < 0 || tdm_al_seq_newer(al->tx->seq, al->seq)) {
			best = i;
			al->seq = al->tx->seq;
		}
	}
	al->next = best < 0 ? 0 : (best + 1) % TDM_AL_SLOTS;
	if (crashed && best < 0) {
		tdm_warn(dev, "went down as primary, no activity log: every block is marked for resync\n");
		tdm_bm_set_all(dev);
	} else if (crashed) {
		ret = tdm_md_io(dev, tdm_md_block_sector(dev->md.layout.al_offset, best),
				dev->md_page, REQ_OP_READ);
		if (ret || tdm_al_decode(page_address(dev->md_page), nr_extents, al->tx) != TDM_MD_OK) {
			ret = ret ?: -EIO;
			goto err;
		}
		/* The device may end inside its last extent: no bit past its end. */
		for (i = 0; i < al->tx->count; i++) {
			sector_t first = (sector_t)al->tx->extents[i] << (TDM_AL_EXTENT_SHIFT - SECTOR_SHIFT);

			if (first < dev->md.size_sectors)
				tdm_bm_set(dev, first, min_t(u64, dev->md.size_sectors - first,
							     1u << (TDM_AL_EXTENT_SHIFT - SECTOR_SHIFT)));
		}
		tdm_warn(dev, "went down as primary: the %u extents of its activity log (%u MiB) are marked for resync\n",
			al->tx->count, al->tx->count << (TDM_AL_EXTENT_SHIFT - 20));
	}
	/* The marks must be on disk before the log that implies them is gone. */
	if (crashed) {
		ret = tdm_bm_write(dev, true);
		if (ret)
			goto err;
	}
	mutex_lock(&dev->md_lock);
	ret = tdm_al_write_tx(dev);
	mutex_unlock(&dev->md_lock);
	if (ret)
		goto err;
	return 0;

err:
	kfree(al->tx);
	kfree(al->slots);
	return ret;
}

/* At detach: nothing is in flight; the bitmap is written by the caller. */
void tdm_al_detach(struct tdm_device *dev)
{
	cancel_work_sync(&dev->al.work);
	cancel_delayed_work_sync(&dev->al.retire);
	kfree(dev->al.tx);
	kfree(dev->al.slots);
}
