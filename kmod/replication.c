// SPDX-License-Identifier: GPL-2.0
/*
 * tandem: the primary's side of a replicated write.
 *
 * A write is queued for the sender in submission order, under conn->lock,
 * with the request id the peer's ack will name and the write epoch it
 * belongs to. A new epoch starts with the first write submitted after any
 * replicated write completed; the secondary finishes every write of an epoch
 * before it starts the next, so that a write the primary completed before
 * another was issued reaches the peer's disk first (crash consistency).
 */
#include "tandem.h"

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
	struct tdm_async_slot *slot = &conn->aslots[req->seq % TDM_ASYNC_SLOTS];

	if (slot->sectors)
		tdm_async_release(dev, slot, true);
	slot->seq = req->seq;
	slot->sector = req->orig->bi_iter.bi_sector;
	slot->sectors = bio_sectors(req->orig);
	/* The extents stay logged until the peer has the write, too. */
	slot->al = req->al_held;
	if (slot->al)
		tdm_al_get_more(dev, slot->sector, slot->sectors);
}

/* The peer acked async write @seq; called with conn->lock held. */
void tdm_async_acked(struct tdm_conn *conn, u64 seq)
{
	struct tdm_async_slot *slot = &conn->aslots[seq % TDM_ASYNC_SLOTS];

	lockdep_assert_held(&conn->lock);
	if (slot->seq == seq && slot->sectors)
		tdm_async_release(conn->dev, slot, false);
}

/* Session end: async writes the peer never acked are out of sync. True if any. */
bool tdm_async_forget(struct tdm_conn *conn)
{
	bool any = false;
	unsigned int i;

	if (!conn->aslots)
		return false;
	for (i = 0; i < TDM_ASYNC_SLOTS; i++) {
		struct tdm_async_slot *slot = &conn->aslots[i];

		if (slot->sectors) {
			tdm_async_release(conn->dev, slot, true);
			any = true;
		}
	}
	return any;
}

/*
 * Async mode, congested link: when more than congestion_limit bytes wait to
 * be sent, writes stop going to the peer and are only marked in the bitmap
 * (DRBD's pull-ahead), so that the application does not stall behind the
 * link; once the backlog is sent, tdm_catch_up() resyncs the marked blocks.
 * Never during a resync: a resync run could then clear the mark of a write
 * it does not carry. Called with conn->lock held.
 */
static bool tdm_pull_ahead(struct tdm_conn *conn, struct tdm_req *req)
{
	if (conn->protocol != TANDEM_PROTO_ASYNC || conn->sync != TDM_SYNC_NONE)
		return false;
	if (!conn->ahead && conn->backlog <= conn->congestion_limit)
		return false;
	if (!conn->ahead)
		pr_info(TDM_LOG_PREFIX "%s: the link is congested (%llu MiB unsent): pulling ahead, writes are marked for a later resync\n",
			conn->dev->name, conn->backlog >> 20);
	conn->ahead = true;
	return true;
}

/*
 * Queue @req for the peer if a session is up. Adds the parts that the sender
 * (and in sync mode the peer's ack) will finish.
 */
bool tdm_replicate(struct tdm_device *dev, struct tdm_req *req)
{
	struct tdm_conn *conn;
	unsigned long flags;
	bool queued = false;

	if (!tdm_op_replicated(req->orig))
		return false;
	rcu_read_lock();
	conn = rcu_dereference(dev->conn);
	if (!conn)
		goto out;
	spin_lock_irqsave(&conn->lock, flags);
	if (conn->cstate == TANDEM_CONN_CONNECTED && tdm_pull_ahead(conn, req)) {
		/* Not sent: the caller marks it; tdm_catch_up() resyncs it. */
	} else if (conn->cstate == TANDEM_CONN_CONNECTED) {
		req->seq = ++conn->next_seq;
		if (test_and_clear_bit(TDM_DEV_EPOCH_CLOSED, &dev->flags))
			conn->epoch++;
		req->epoch = conn->epoch;
		atomic_inc(&req->parts);
		list_add_tail(&req->send_node, &conn->sendq);
		conn->pending++;
		conn->backlog += req->orig->bi_iter.bi_size;
		conn->last_app_write = jiffies;
		if (conn->protocol == TANDEM_PROTO_SYNC) {
			atomic_inc(&req->parts);
			hash_add(conn->unacked, &req->ack_node, req->seq);
		} else {
			tdm_async_remember(dev, conn, req);
		}
		tdm_resync_spoil(conn, req->orig->bi_iter.bi_sector, bio_sectors(req->orig));
		queued = true;
	}
	spin_unlock_irqrestore(&conn->lock, flags);
	if (queued)
		wake_up(&conn->send_wq);
out:
	rcu_read_unlock();
	return queued;
}

/* Finish one part of @req; the last one completes the upper layer's bio. */
void tdm_req_put(struct tdm_req *req)
{
	struct tdm_device *dev = req->dev;
	struct bio *orig = req->orig;

	if (!atomic_dec_and_test(&req->parts))
		return;
	if (req->status) {
		this_cpu_inc(dev->stats->errors);
		orig->bi_status = req->status;
	}
	if (op_is_write(bio_op(orig)) && !test_bit(TDM_DEV_EPOCH_CLOSED, &dev->flags))
		set_bit(TDM_DEV_EPOCH_CLOSED, &dev->flags);
	if (req->al_held)
		tdm_al_put(dev, orig->bi_iter.bi_sector, bio_sectors(orig));
	bio_end_io_acct(orig, req->start);
	bio_put(&req->clone);
	bio_endio(orig);
}
