// SPDX-License-Identifier: GPL-2.0
/*
 * tandem: the primary's side of a replicated write.
 *
 * A write is queued for the sender in submission order, under conn->lock,
 * with the request id the peer's ack will name and the write epoch it
 * belongs to. A new epoch starts with the first write submitted after any
 * replicated write completed; in async mode the secondary finishes every
 * write of an epoch before it starts the next, so that a write the primary
 * completed before another was issued reaches the peer's disk first (crash
 * consistency). In sync mode a completed write is on the peer's disk already.
 */
#include <linux/slab.h>
#include <linux/uio.h>

#include "tandem.h"
#include "replication.h"
#include "metadata.h"

/* Ops the peer can apply; anything else stays local (none is expected). */
static bool tdm_op_replicated(struct bio *bio)
{
	switch (bio_op(bio)) {
	case REQ_OP_WRITE:
	case REQ_OP_DISCARD:
	case REQ_OP_WRITE_ZEROES:
		return true;
	default:
		return false;
	}
}

/* A write not sent to the peer: its blocks are marked for the next resync. */
static void tdm_mark_unsent(struct tdm_device *dev, struct tdm_req *req)
{
	if (op_is_write(bio_op(req->orig)) && bio_sectors(req->orig))
		tdm_bm_set_unsent(dev, req->orig->bi_iter.bi_sector, bio_sectors(req->orig));
}

/* Free an async slot; @missed: the peer may not have the write. */
static void tdm_async_release(struct tdm_device *dev, struct tdm_async_slot *slot, bool missed)
{
	if (missed)
		tdm_bm_set(dev, slot->sector, slot->sectors);
	if (slot->al)
		tdm_al_put(dev, slot->sector, slot->sectors);
	slot->sectors = 0;
}

static void tdm_async_remember(struct tdm_device *dev, struct tdm_conn *conn,
			       struct tdm_req *req)
{
	struct tdm_async_slot *slot = &conn->pri.aslots[req->seq % TDM_ASYNC_SLOTS];

	if (slot->sectors)
		tdm_async_release(dev, slot, true);
	slot->seq = req->seq;
	slot->sector = req->orig->bi_iter.bi_sector;
	slot->sectors = bio_sectors(req->orig);
	/* The extents stay logged until the peer has the write, too. */
	slot->flush = req->orig->bi_opf & REQ_PREFLUSH;
	slot->al = req->al_held;
	if (slot->al)
		tdm_al_get_more(dev, slot->sector, slot->sectors);
}

/*
 * The peer acked async write @seq (@failed: it could not write it); conn->lock
 * held. True if marking its range is enough: false if the write is no
 * longer remembered, or began with a flush (whose failure may cost the
 * writes before it).
 */
bool tdm_async_acked(struct tdm_conn *conn, u64 seq, bool failed)
{
	struct tdm_async_slot *slot = &conn->pri.aslots[seq % TDM_ASYNC_SLOTS];

	lockdep_assert_held(&conn->lock);
	if (slot->seq != seq || !slot->sectors)
		return false;
	tdm_async_release(conn->dev, slot, failed);
	return !slot->flush;
}

/*
 * The peer failed to write request @seq: @req in sync mode; in async mode
 * @marked says whether tdm_async_acked() marked it. Mark it out of sync
 * (a flush, a write that began with one, or one no longer known:
 * everything) and owe the peer a
 * resync, both on disk before the caller completes @req, so that neither a
 * crash nor a failover forgets the blocks; the peer's disk is no longer up
 * to date. May sleep.
 */
void tdm_peer_write_failed(struct tdm_conn *conn, struct tdm_req *req, bool marked, u64 seq)
{
	struct tdm_device *dev = conn->dev;
	int ret;

	if (req && bio_sectors(req->orig) && !(req->orig->bi_opf & REQ_PREFLUSH))
		tdm_bm_set(dev, req->orig->bi_iter.bi_sector, bio_sectors(req->orig));
	else if (!marked)
		tdm_bm_set_all(dev);
	ret = tdm_md_owe_resync(dev) ?: tdm_bm_write(dev, false);
	spin_lock_irq(&conn->lock);
	conn->peer_disk = TANDEM_DISK_INCONSISTENT;
	spin_unlock_irq(&conn->lock);
	tdm_event(dev, TANDEM_EVENT_PEER);
	tdm_err(dev, "the peer failed to write request %llu: marked out of sync%s; the peer's disk is inconsistent\n",
		seq, ret ? ", but the bitmap cannot be written" : " for a resync");
}

/* Session end: async writes the peer never acked are out of sync. True if any. */
bool tdm_async_forget(struct tdm_conn *conn)
{
	bool any = false;
	unsigned int i;

	if (!conn->pri.aslots)
		return false;
	for (i = 0; i < TDM_ASYNC_SLOTS; i++) {
		struct tdm_async_slot *slot = &conn->pri.aslots[i];

		if (slot->sectors) {
			tdm_async_release(conn->dev, slot, true);
			any = true;
		}
	}
	return any;
}

void tdm_acopy_free(struct tdm_device *dev, struct tdm_acopy *c)
{
	tdm_pages_release(&dev->pages, c->pages, c->nr_pages);
	kfree(c);
}

/*
 * Copy @bio's write for the sender. It gives up rather than wait for
 * memory: the caller then pulls ahead or queues the bio itself.
 */
static struct tdm_acopy *tdm_acopy_alloc(struct tdm_device *dev, struct bio *bio)
{
	const gfp_t gfp = GFP_NOIO | __GFP_NORETRY | __GFP_NOWARN;
	struct tdm_acopy *c;
	struct bvec_iter iter;
	struct iov_iter to;
	struct tdm_data d;
	struct bio_vec bv;
	unsigned int nr;
	u16 flags;

	tdm_wire_write(bio, &d, &flags);
	nr = d.op == TDM_OP_WRITE ? DIV_ROUND_UP(d.size, PAGE_SIZE) : 0;
	c = kmalloc(struct_size(c, pages, nr), gfp);
	if (!c)
		return NULL;
	c->q.copy = true;
	c->d = d;
	c->flags = flags;
	c->nr_pages = nr;
	if (!nr)
		return c;
	if (tdm_pages_fill(&dev->pages, c->pages, c->d.size, gfp)) {
		kfree(c);
		return NULL;
	}
	iov_iter_bvec(&to, READ, c->pages, nr, c->d.size);
	bio_for_each_segment(bv, bio, iter)
		copy_page_to_iter(bv.bv_page, bv.bv_offset, bv.bv_len, &to);
	return c;
}

/*
 * Async mode, congested link: when more than congestion_limit bytes wait to
 * be sent, or TDM_ASYNC_SLOTS writes wait for their ack, or no copy could be
 * made, writes stop going to the peer and are only marked in the bitmap
 * (DRBD's pull-ahead), so that the application does not stall behind the
 * link; once the backlog is sent, tdm_catch_up() resyncs the marked blocks.
 * Never during a resync: a resync run could then clear the mark of a write
 * it does not carry. Called with conn->lock held.
 */
static bool tdm_pull_ahead(struct tdm_conn *conn, bool copied, bool no_memory)
{
	if (conn->cfg.protocol != TANDEM_PROTO_ASYNC || conn->sync != TDM_SYNC_NONE)
		return false;
	/* The next write's async slot is free: its predecessor there was acked. */
	if (!conn->pri.ahead && copied && conn->pri.backlog <= conn->cfg.congestion_limit &&
	    !conn->pri.aslots[(conn->pri.next_seq + 1) % TDM_ASYNC_SLOTS].sectors)
		return false;
	if (!conn->pri.ahead) {
		tdm_event(conn->dev, TANDEM_EVENT_SYNC);
		tdm_info(conn->dev, "the link is congested (%llu MiB unsent%s): pulling ahead, writes are marked for a later resync\n",
			conn->pri.backlog >> 20,
			no_memory ? ", no memory to queue a write" : "");
	}
	WRITE_ONCE(conn->pri.ahead, true);
	return true;
}

/* Async: a copy is worth making (no pull-ahead, no throttling expected). */
static bool tdm_want_copy(struct tdm_device *dev)
{
	struct tdm_conn *conn;
	bool want;

	rcu_read_lock();
	conn = rcu_dereference(dev->conn);
	want = conn && conn->cfg.protocol == TANDEM_PROTO_ASYNC &&
	       READ_ONCE(conn->cstate) == TANDEM_CONN_CONNECTED && !READ_ONCE(conn->pri.ahead) &&
	       READ_ONCE(conn->pri.backlog) <= READ_ONCE(conn->cfg.congestion_limit);
	rcu_read_unlock();
	return want;
}

void tdm_peer_tell_state(struct tdm_device *dev)
{
	struct tdm_conn *conn;
	unsigned long flags;

	rcu_read_lock();
	conn = rcu_dereference(dev->conn);
	if (conn) {
		spin_lock_irqsave(&conn->lock, flags);
		conn->owe.state = true;
		wake_up(&conn->send_wq);
		spin_unlock_irqrestore(&conn->lock, flags);
	}
	rcu_read_unlock();
}

/*
 * Queue @req for the peer if a session is up. Sync mode queues the request
 * itself: its bio completes once sent and acked. Async mode queues a copy,
 * so its bio completes with the local write; without a copy, or above the
 * congestion limit during a resync, the request itself, so that its bio
 * waits until sent and the application is throttled to the link.
 */
bool tdm_replicate(struct tdm_device *dev, struct tdm_req *req)
{
	struct tdm_acopy *copy = NULL;
	struct tdm_conn *conn;
	unsigned long flags;
	bool queued = false, want_copy;
	/* Payload bytes: a discard or write-zeroes puts only a header on the link. */
	u32 size = bio_has_data(req->orig) ? req->orig->bi_iter.bi_size : 0;

	if (!tdm_op_replicated(req->orig)) {
		tdm_mark_unsent(dev, req);
		return false;
	}
	want_copy = tdm_want_copy(dev);
	if (want_copy)
		copy = tdm_acopy_alloc(dev, req->orig);
	rcu_read_lock();
	conn = rcu_dereference(dev->conn);
	if (!conn) {
		tdm_mark_unsent(dev, req);
		goto out;
	}
	spin_lock_irqsave(&conn->lock, flags);
	/* A diskless peer gets no writes: they are marked, for its re-attach. */
	if (conn->cstate != TANDEM_CONN_CONNECTED || conn->peer_disk == TANDEM_DISK_DISKLESS ||
	    tdm_pull_ahead(conn, copy, want_copy && !copy)) {
		/*
		 * Not sent: marked here, under the lock, so that the session's
		 * start sees it or this write sees the session (tdm_session);
		 * tdm_catch_up() resyncs an ahead one.
		 */
		bool ahead = conn->pri.ahead;

		tdm_mark_unsent(dev, req);
		spin_unlock_irqrestore(&conn->lock, flags);
		if (ahead)
			wake_up(&conn->send_wq);
		goto out;
	}
	req->seq = ++conn->pri.next_seq;
	if (test_and_clear_bit(TDM_DEV_EPOCH_CLOSED, &dev->flags))
		conn->pri.epoch++;
	req->epoch = conn->pri.epoch;
	if (conn->cfg.protocol == TANDEM_PROTO_SYNC) {
		atomic_add(2, &req->parts);
		hash_add(conn->pri.unacked, &req->ack_node, req->seq);
	} else {
		tdm_async_remember(dev, conn, req);
	}
	if (copy && conn->cfg.protocol == TANDEM_PROTO_ASYNC &&
	    conn->pri.backlog <= conn->cfg.congestion_limit) {
		copy->seq = req->seq;
		copy->epoch = req->epoch;
		list_add_tail(&copy->q.node, &conn->pri.sendq);
		copy = NULL;
	} else {
		if (conn->cfg.protocol == TANDEM_PROTO_ASYNC) {
			atomic_inc(&req->parts);
			req->queued_self = true;
		}
		req->q.copy = false;
		list_add_tail(&req->q.node, &conn->pri.sendq);
	}
	conn->pri.pending++;
	WRITE_ONCE(conn->pri.backlog, conn->pri.backlog + size);
	conn->pri.last_app_write = jiffies;
	tdm_resync_spoil(conn, req->orig->bi_iter.bi_sector, bio_sectors(req->orig));
	queued = true;
	spin_unlock_irqrestore(&conn->lock, flags);
	wake_up(&conn->send_wq);
out:
	rcu_read_unlock();
	if (copy)
		tdm_acopy_free(dev, copy);
	return queued;
}

/*
 * Can the peer serve @bio alone: connected, its disk up to date, no resync
 * or pull-ahead under way, and for a read, a peer that answers READ_REQ?
 * conn->lock held.
 */
static bool tdm_peer_serves(struct tdm_conn *conn, struct bio *bio)
{
	if (conn->cstate != TANDEM_CONN_CONNECTED || conn->peer_disk != TANDEM_DISK_UPTODATE ||
	    conn->sync != TDM_SYNC_NONE || conn->pri.ahead)
		return false;
	if (op_is_write(bio_op(bio)))
		return tdm_op_replicated(bio);
	return bio_op(bio) == REQ_OP_READ && (conn->peer_caps & TDM_CAP_READ);
}

/*
 * Queue @req as a request of its own that the peer answers: a write's ack,
 * a read's data. conn->lock held, the session up.
 */
static void tdm_queue_remote(struct tdm_device *dev, struct tdm_conn *conn, struct tdm_req *req)
{
	struct bio *bio = req->orig;
	u32 size = op_is_write(bio_op(bio)) && bio_has_data(bio) ? bio->bi_iter.bi_size : 0;

	req->seq = ++conn->pri.next_seq;
	if (op_is_write(bio_op(bio)) && test_and_clear_bit(TDM_DEV_EPOCH_CLOSED, &dev->flags))
		conn->pri.epoch++;
	req->epoch = conn->pri.epoch;
	/* The send, and the peer's answer. */
	atomic_add(2, &req->parts);
	hash_add(conn->pri.unacked, &req->ack_node, req->seq);
	req->q.copy = false;
	list_add_tail(&req->q.node, &conn->pri.sendq);
	conn->pri.pending++;
	WRITE_ONCE(conn->pri.backlog, conn->pri.backlog + size);
}

/*
 * Queue @req for the peer alone if it can serve it (for a rescue: only in
 * async mode, and not a write already queued as itself). True if queued.
 * Any context.
 */
static bool tdm_queue_if_served(struct tdm_device *dev, struct tdm_req *req, bool rescue)
{
	struct tdm_conn *conn;
	unsigned long flags;
	bool queued = false;

	rcu_read_lock();
	conn = rcu_dereference(dev->conn);
	if (conn && (!rescue || (conn->cfg.protocol == TANDEM_PROTO_ASYNC && !req->queued_self))) {
		spin_lock_irqsave(&conn->lock, flags);
		if (tdm_peer_serves(conn, req->orig)) {
			tdm_queue_remote(dev, conn, req);
			queued = true;
		}
		spin_unlock_irqrestore(&conn->lock, flags);
		if (queued)
			wake_up(&conn->send_wq);
	}
	rcu_read_unlock();
	return queued;
}

void tdm_remote_submit(struct tdm_device *dev, struct tdm_req *req)
{
	if (!tdm_queue_if_served(dev, req, false)) {
		req->status = BLK_STS_IOERR;
		tdm_err_ratelimited(dev, "diskless, and no up-to-date peer to serve it: a %s at sector %llu failed\n",
				    op_is_write(bio_op(req->orig)) ? "write" : "read",
				    (unsigned long long)req->orig->bi_iter.bi_sector);
	}
	tdm_req_put(req);
}

/*
 * The local write of @req failed, and this node is now diskless: it
 * succeeds if the peer has it. Sync mode: the peer's ack says so. Async
 * mode: its copy's ack completes nothing here, so it is sent again, as a
 * request of its own; the peer writes the same data twice, and no other
 * write to these blocks goes out before its completion (inflight.c). An
 * async write queued as itself (no copy could be made) is not rescued:
 * its error goes to the application, its blocks are marked. Any context.
 */
void tdm_remote_rescue(struct tdm_device *dev, struct tdm_req *req)
{
	req->rescue = true;
	tdm_queue_if_served(dev, req, true);
}
