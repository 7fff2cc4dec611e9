// SPDX-License-Identifier: GPL-2.0
/*
 * tandem: the primary's writes in flight. Two overlapping writes are never
 * in flight at once: a write that overlaps one not yet completed, or one
 * already waiting, waits until they complete (as DRBD does). Were both sent
 * down at once, the backing disk could apply them in either order and the
 * peer in the order they were sent, and the two copies would differ with
 * nothing to tell (md RAID1 has that gap).
 *
 * Waiting writes go on in the order they came, from a work item: a
 * completion, in interrupt context, releases them, and dispatching one may
 * sleep. Flushes carry no data and never wait.
 */
#include <linux/interval_tree_generic.h>

#include "tandem.h"
#include "device.h"

#define TDM_REQ_FIRST(r) ((r)->orig->bi_iter.bi_sector)
#define TDM_REQ_LAST(r) (bio_end_sector((r)->orig) - 1)
INTERVAL_TREE_DEFINE(struct tdm_req, rb, sector_t, rb_last, TDM_REQ_FIRST, TDM_REQ_LAST,
		     static inline, tdm_inflight);

static bool tdm_req_overlap(const struct tdm_req *a, const struct tdm_req *b)
{
	return TDM_REQ_FIRST(a) <= TDM_REQ_LAST(b) && TDM_REQ_FIRST(b) <= TDM_REQ_LAST(a);
}

/* Must @req wait? It overlaps a write in flight, or one of the waiting before @stop. */
static bool tdm_inflight_blocked(struct tdm_device *dev, struct tdm_req *req,
				 struct tdm_req *stop)
{
	struct tdm_req *w;

	lockdep_assert_held(&dev->inflight_lock);
	if (tdm_inflight_iter_first(&dev->inflight, TDM_REQ_FIRST(req), TDM_REQ_LAST(req)))
		return true;
	list_for_each_entry(w, &dev->inflight_wait, wait_node) {
		if (w == stop)
			break;
		if (tdm_req_overlap(w, req))
			return true;
	}
	return false;
}

/* True: dispatch @req now. False: it waits, and tdm_inflight_work() dispatches it. */
bool tdm_inflight_begin(struct tdm_device *dev, struct tdm_req *req)
{
	unsigned long flags;
	bool go;

	if (!op_is_write(bio_op(req->orig)) || !bio_sectors(req->orig))
		return true;
	spin_lock_irqsave(&dev->inflight_lock, flags);
	go = !tdm_inflight_blocked(dev, req, NULL);
	if (go)
		tdm_inflight_insert(req, &dev->inflight);
	else
		list_add_tail(&req->wait_node, &dev->inflight_wait);
	spin_unlock_irqrestore(&dev->inflight_lock, flags);
	return go;
}

/* @req completed: writes waiting for it may go on. Any context. */
void tdm_inflight_end(struct tdm_device *dev, struct tdm_req *req)
{
	unsigned long flags;
	bool waiting;

	if (RB_EMPTY_NODE(&req->rb))
		return;
	spin_lock_irqsave(&dev->inflight_lock, flags);
	tdm_inflight_remove(req, &dev->inflight);
	waiting = !list_empty(&dev->inflight_wait);
	spin_unlock_irqrestore(&dev->inflight_lock, flags);
	if (waiting)
		queue_work(system_unbound_wq, &dev->inflight_work);
}

static void tdm_inflight_work(struct work_struct *work)
{
	struct tdm_device *dev = container_of(work, struct tdm_device, inflight_work);
	struct tdm_req *req, *tmp;
	LIST_HEAD(ready);

	spin_lock_irq(&dev->inflight_lock);
	list_for_each_entry_safe(req, tmp, &dev->inflight_wait, wait_node) {
		if (tdm_inflight_blocked(dev, req, req))
			continue;
		list_move_tail(&req->wait_node, &ready);
		tdm_inflight_insert(req, &dev->inflight);
	}
	spin_unlock_irq(&dev->inflight_lock);
	list_for_each_entry_safe(req, tmp, &ready, wait_node) {
		list_del_init(&req->wait_node);
		tdm_dispatch_now(dev, req);
	}
}

/*
 * dev->write_in_flight: an application write overlapping [sector, +sectors)
 * is in flight (sent down, not completed). Any context, no lock held.
 */
static bool tdm_inflight_overlaps(struct tdm_device *dev, sector_t sector, u32 sectors)
{
	unsigned long flags;
	bool found;

	spin_lock_irqsave(&dev->inflight_lock, flags);
	found = tdm_inflight_iter_first(&dev->inflight, sector, sector + sectors - 1);
	spin_unlock_irqrestore(&dev->inflight_lock, flags);
	return found;
}

void tdm_inflight_init(struct tdm_device *dev)
{
	dev->write_in_flight = tdm_inflight_overlaps;
	spin_lock_init(&dev->inflight_lock);
	dev->inflight = RB_ROOT_CACHED;
	INIT_LIST_HEAD(&dev->inflight_wait);
	INIT_WORK(&dev->inflight_work, tdm_inflight_work);
}
