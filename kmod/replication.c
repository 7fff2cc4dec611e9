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
	if (conn->cstate == TANDEM_CONN_CONNECTED) {
		req->seq = ++conn->next_seq;
		if (test_and_clear_bit(TDM_DEV_EPOCH_CLOSED, &dev->flags))
			conn->epoch++;
		req->epoch = conn->epoch;
		atomic_inc(&req->parts);
		list_add_tail(&req->send_node, &conn->sendq);
		conn->pending++;
		if (conn->protocol == TANDEM_PROTO_SYNC) {
			atomic_inc(&req->parts);
			hash_add(conn->unacked, &req->ack_node, req->seq);
		}
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
	bio_end_io_acct(orig, req->start);
	bio_put(&req->clone);
	bio_endio(orig);
}
