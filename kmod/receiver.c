// SPDX-License-Identifier: GPL-2.0
/*
 * tandem: the receiving side of a session, run by the connection thread.
 * Every packet is checked by the core's decoders before it is acted on; a
 * packet that breaks the protocol ends the session. A secondary applies the
 * peer's async writes epoch by epoch (see replication.c) and never lets two
 * overlapping writes be in flight together, so that its disk ends up with
 * the writes in the order the primary sent them. A write that must wait
 * for others waits in a queue, not in this thread: however slow the disk,
 * the thread goes on reading (pings, acks), up to the requests it may hold.
 */
#include <linux/interval_tree_generic.h>
#include <linux/kthread.h>
#include <linux/net.h>
#include <linux/uio.h>

#include "tandem.h"
#include "replication.h"
#include "transport.h"
#include "metadata.h"
#include "core/session.h"

/* conn->sec.applying: the writes being applied, found by overlap in O(log n). */
#define TDM_PREQ_FIRST(p) ((p)->sector)
#define TDM_PREQ_LAST(p) ((p)->sector + ((p)->size >> SECTOR_SHIFT) - 1)
INTERVAL_TREE_DEFINE(struct tdm_peer_req, rb, sector_t, rb_last, TDM_PREQ_FIRST, TDM_PREQ_LAST,
		     static inline, tdm_applying)

/*
 * The peer's requests a secondary holds at once: received and not yet
 * written, or written with their acks not yet sent. A peer that sends
 * faster than our disk writes, or that does not read our acks, finds the
 * receiver waiting at the limit (TCP then holds its data back) instead of
 * filling our memory; one that reads nothing ends the session (sender.c).
 */
#define TDM_PEER_HELD_MAX 1024
#define TDM_PEER_HELD_BYTES (64u << 20)

/* conn->lock held. */
static bool tdm_peer_full(const struct tdm_conn *conn)
{
	return conn->sec.held >= TDM_PEER_HELD_MAX || conn->sec.held_bytes >= TDM_PEER_HELD_BYTES;
}

static bool tdm_peer_room(struct tdm_conn *conn)
{
	bool room;

	spin_lock_irq(&conn->lock);
	room = !tdm_peer_full(conn);
	spin_unlock_irq(&conn->lock);
	return room;
}

/* The bytes of payload @preq holds in pages. */
static u32 tdm_preq_payload(const struct tdm_peer_req *preq)
{
	return bio_op(&preq->bio) == REQ_OP_WRITE || preq->read ? preq->size : 0;
}

/*
 * Wait, not reading the socket, until @ready: 0, or the session is over.
 * Every quarter timeout we ping the peer, so that it hears from us (our
 * disk is slow, we are not dead); a peer whose writes we never complete
 * is dropped by its ko-count, not by its timeout.
 */
static int tdm_wait_busy(struct tdm_conn *conn, bool (*ready)(struct tdm_conn *conn))
{
	while (!ready(conn)) {
		if (tdm_tr_dead(&conn->tr) || kthread_should_stop())
			return -ECONNABORTED;
		if (!wait_event_interruptible_timeout(conn->wq, ready(conn) || tdm_tr_dead(&conn->tr),
				msecs_to_jiffies(READ_ONCE(conn->tr.timeout_ms) / 4))) {
			spin_lock_irq(&conn->lock);
			conn->owe.ping = true;
			spin_unlock_irq(&conn->lock);
			wake_up(&conn->send_wq);
		}
	}
	return 0;
}

/* Wait for room for one more request; 0, or the session is over. */
static int tdm_wait_peer_room(struct tdm_conn *conn)
{
	return tdm_wait_busy(conn, tdm_peer_room);
}

/* Free a peer request whose ack is sent (or will never be). */
void tdm_peer_req_free(struct tdm_peer_req *preq)
{
	struct tdm_conn *conn = preq->conn;
	unsigned long flags;
	bool full;

	tdm_pages_release(&conn->dev->pages, preq->bio.bi_io_vec, preq->bio.bi_vcnt);
	spin_lock_irqsave(&conn->lock, flags);
	full = tdm_peer_full(conn);
	conn->sec.held--;
	conn->sec.held_bytes -= tdm_preq_payload(preq);
	/* Wake under the lock: once it is dropped, the session may end and free conn. */
	if (full && !tdm_peer_full(conn))
		wake_up(&conn->wq);
	spin_unlock_irqrestore(&conn->lock, flags);
	bio_put(&preq->bio);
}

/* An async write's ack waits at most this long for others to share its packet. */
#define TDM_ACK_DELAY msecs_to_jiffies(10)

/*
 * @preq's ack is on conn->sec.acks; conn->lock held. The primary completes an
 * async write without its ack, which only frees a slot there: such acks
 * wait until TDM_ACK_BATCH of them are queued or TDM_ACK_DELAY has passed
 * since the first, or anything else wakes the sender, so that a stream of writes
 * costs the two nodes one ack packet (and one wakeup) per batch, not per
 * write. Sync writes' acks, resync acks and errors go at once.
 */
void tdm_ack_queued(struct tdm_conn *conn, struct tdm_peer_req *preq)
{
	lockdep_assert_held(&conn->lock);
	if (conn->cfg.protocol == TANDEM_PROTO_ASYNC && !preq->resync && !preq->status) {
		if (conn->sec.acks_held++ == 0)
			mod_timer(&conn->sec.ack_timer, jiffies + TDM_ACK_DELAY);
		if (conn->sec.acks_held < TDM_ACK_BATCH)
			return;
	}
	conn->sec.acks_due = true;
	wake_up(&conn->send_wq);
}

void tdm_ack_timer_fn(struct timer_list *t)
{
	struct tdm_conn *conn = from_timer(conn, t, sec.ack_timer);
	unsigned long flags;

	spin_lock_irqsave(&conn->lock, flags);
	conn->sec.acks_due = true;
	wake_up(&conn->send_wq);
	spin_unlock_irqrestore(&conn->lock, flags);
}

/* Writes waited and one being applied completed: see if they may go. conn->lock held. */
static void tdm_apply_kick(struct tdm_conn *conn)
{
	if (!list_empty(&conn->sec.waiting))
		queue_work(system_unbound_wq, &conn->sec.apply_work);
}

static void tdm_peer_endio(struct bio *bio)
{
	struct tdm_peer_req *preq = container_of(bio, struct tdm_peer_req, bio);
	struct tdm_conn *conn = preq->conn;
	unsigned long flags;

	preq->status = bio->bi_status;
	if (preq->resync && !preq->status)
		tdm_bm_clear_bits(conn->dev, tdm_bm_sector_to_bit(preq->sector),
				  preq->size >> TDM_BM_SHIFT);
	/* Wake under the lock: once it is dropped, the session may end and free conn. */
	spin_lock_irqsave(&conn->lock, flags);
	if (!RB_EMPTY_NODE(&preq->rb))
		tdm_applying_remove(preq, &conn->sec.applying);
	list_add_tail(&preq->node, &conn->sec.acks);
	if (preq->status) {
		conn->sec.apply_failed = true;
		tdm_md_disk_error(conn->dev, "write", preq->sector, false);
	}
	if (--conn->sec.applying_n == 0)
		wake_up(&conn->wq);
	tdm_apply_kick(conn);
	if (preq->resync) {
		conn->rs.done += preq->size;
		tdm_resync_progress(conn);
	} else {
		conn->stats.received++;
		conn->stats.received_bytes += bio_op(bio) == REQ_OP_WRITE ? preq->size : 0;
	}
	tdm_ack_queued(conn, preq);
	spin_unlock_irqrestore(&conn->lock, flags);
}

/*
 * May @preq be written now, the writes before it gone to the disk: an
 * epoch's first once every write being applied is done, any other write
 * once none being applied overlaps it? conn->lock held.
 */
static bool tdm_may_apply(struct tdm_conn *conn, const struct tdm_peer_req *preq)
{
	if (preq->barrier && conn->sec.applying_n)
		return false;
	return !preq->size || !tdm_applying_iter_first(&conn->sec.applying, TDM_PREQ_FIRST(preq),
						       TDM_PREQ_LAST(preq));
}

/* @preq goes to the disk (a read only waits for the writes before it); conn->lock held. */
static void tdm_apply_begin(struct tdm_conn *conn, struct tdm_peer_req *preq)
{
	if (preq->size && !preq->read)
		tdm_applying_insert(preq, &conn->sec.applying);
	conn->sec.applying_n++;
}

void tdm_apply_work(struct work_struct *work)
{
	struct tdm_conn *conn = container_of(work, struct tdm_conn, sec.apply_work);
	struct tdm_peer_req *preq;

	for (;;) {
		spin_lock_irq(&conn->lock);
		preq = list_first_entry_or_null(&conn->sec.waiting, struct tdm_peer_req, node);
		if (preq && tdm_may_apply(conn, preq)) {
			list_del(&preq->node);
			tdm_apply_begin(conn, preq);
		} else {
			preq = NULL;
		}
		if (list_empty(&conn->sec.waiting))
			wake_up(&conn->wq);
		spin_unlock_irq(&conn->lock);
		if (!preq)
			break;
		submit_bio(&preq->bio);
	}
}

/* @preq goes to the disk now if it may, else waits in order (tdm_apply_work). */
static void tdm_apply_or_wait(struct tdm_conn *conn, struct tdm_peer_req *preq)
{
	bool go;

	spin_lock_irq(&conn->lock);
	go = list_empty(&conn->sec.waiting) && tdm_may_apply(conn, preq);
	if (go)
		tdm_apply_begin(conn, preq);
	else
		list_add_tail(&preq->node, &conn->sec.waiting);
	spin_unlock_irq(&conn->lock);
	if (go)
		submit_bio(&preq->bio);
}

static bool tdm_applying_done(struct tdm_conn *conn)
{
	bool done;

	spin_lock_irq(&conn->lock);
	done = conn->sec.applying_n == 0 && list_empty(&conn->sec.waiting);
	spin_unlock_irq(&conn->lock);
	return done;
}

/* Wait until every write received, waiting or being applied, is on the disk. */
static void tdm_drain_applying(struct tdm_conn *conn)
{
	wait_event(conn->wq, tdm_applying_done(conn));
}

static blk_opf_t tdm_data_opf(const struct tdm_hdr *h, const struct tdm_data *d)
{
	blk_opf_t opf;

	switch (d->op) {
	case TDM_OP_DISCARD:
		return REQ_OP_DISCARD;
	case TDM_OP_WRITE_ZEROES:
		return REQ_OP_WRITE_ZEROES;
	default:
		opf = REQ_OP_WRITE | REQ_SYNC;
		break;
	}
	if (h->flags & TDM_F_FUA)
		opf |= REQ_FUA;
	if (h->flags & TDM_F_PREFLUSH)
		opf |= REQ_PREFLUSH;
	return opf;
}

/* Receive one DATA packet's payload, in one read, into a new bio; NULL on error. */
static struct tdm_peer_req *tdm_recv_write(struct tdm_conn *conn,
					   const struct tdm_hdr *h,
					   const struct tdm_data *d, int *err)
{
	struct tdm_device *dev = conn->dev;
	unsigned int nr_pages = d->op == TDM_OP_WRITE ? DIV_ROUND_UP(d->size, PAGE_SIZE) : 0;
	struct msghdr msg = { .msg_flags = MSG_NOSIGNAL };
	struct tdm_peer_req *preq;
	struct bio *bio;

	*err = tdm_wait_peer_room(conn);
	if (*err)
		return NULL;
	bio = bio_alloc_bioset(dev->backing, nr_pages, tdm_data_opf(h, d), GFP_NOIO,
			       &dev->peer_bio_set);
	preq = container_of(bio, struct tdm_peer_req, bio);
	preq->conn = conn;
	preq->seq = h->seq;
	preq->sector = d->sector;
	preq->size = d->size;
	preq->read = false;
	spin_lock_irq(&conn->lock);
	conn->sec.held++;
	conn->sec.held_bytes += tdm_preq_payload(preq);
	spin_unlock_irq(&conn->lock);
	RB_CLEAR_NODE(&preq->rb);
	bio->bi_iter.bi_sector = d->sector;
	if (d->op != TDM_OP_WRITE) {
		bio->bi_iter.bi_size = d->size;
		return preq;
	}
	/* From the reserve: never fails. */
	tdm_pages_fill_bio(&dev->pages, bio, d->size, GFP_NOIO | __GFP_NOFAIL);
	iov_iter_bvec(&msg.msg_iter, READ, bio->bi_io_vec, bio->bi_vcnt, d->size);
	*err = tdm_tr_recv_iter(&conn->tr, &msg);
	if (*err)
		goto fail;
	return preq;

fail:
	tdm_peer_req_free(preq);
	return NULL;
}

static int tdm_handle_data(struct tdm_conn *conn, const struct tdm_hdr *h)
{
	struct tdm_device *dev = conn->dev;
	u8 buf[TDM_WIRE_DATA_HDR_LEN];
	struct tdm_peer_req *preq;
	struct tdm_data d;
	bool resync = h->flags & TDM_F_RESYNC;
	int ret;

	ret = tdm_tr_recv(&conn->tr, buf, sizeof(buf));
	if (ret)
		return ret;
	if (tdm_data_decode(buf, sizeof(buf), h->len, &d) != TDM_WIRE_OK ||
	    !tdm_range_ok(d.sector, d.size, get_capacity(dev->disk)) ||
	    !tdm_data_flags_ok(d.op, h->flags) ||
	    (resync && (d.op != TDM_OP_WRITE || d.sector % 8 || d.size % 4096))) {
		tdm_warn_ratelimited(dev, "peer sent a malformed or out-of-range write\n");
		return -EPROTO;
	}
	/*
	 * In async mode a new epoch is written only when the previous one is
	 * on the disk. In sync mode a write the primary completed was on this
	 * disk before its ack, so epochs need no wait. A write that may not go
	 * yet waits in order (tdm_apply_work), and so does every one after it.
	 */
	preq = tdm_recv_write(conn, h, &d, &ret);
	if (!preq)
		return ret;
	preq->barrier = false;
	if (!resync && h->epoch != conn->sec.peer_epoch) {
		preq->barrier = conn->cfg.protocol != TANDEM_PROTO_SYNC;
		conn->sec.peer_epoch = h->epoch;
	}
	preq->resync = resync;
	preq->bio.bi_end_io = tdm_peer_endio;
	tdm_apply_or_wait(conn, preq);
	return 0;
}

/*
 * ACK: the peer has a write on its disk, or (TDM_ACK_ERROR) failed to write
 * it. A failed write is marked out of sync before the application's write
 * completes, and the session ends: the next one resyncs what was marked.
 */
static int tdm_handle_ack(struct tdm_conn *conn, const struct tdm_hdr *h)
{
	bool failed = h->flags & TDM_ACK_ERROR, marked = false;
	struct tdm_req *req, *found = NULL;

	spin_lock_irq(&conn->lock);
	if (conn->pri.aslots)
		marked = tdm_async_acked(conn, h->seq, failed);
	hash_for_each_possible(conn->pri.unacked, req, ack_node, h->seq) {
		if (req->seq == h->seq && op_is_write(bio_op(req->orig))) {
			hash_del(&req->ack_node);
			req->peer_ok = !failed;
			/* Served by the peer alone (diskless): its failure is the write's. */
			if (failed && req->remote)
				req->status = BLK_STS_IOERR;
			found = req;
			break;
		}
	}
	conn->stats.acked++;
	spin_unlock_irq(&conn->lock);
	if (failed)
		tdm_peer_write_failed(conn, found, marked, h->seq);
	if (found)
		tdm_req_put(found);
	if (failed)
		return -EREMOTEIO;
	/* Async writes are not waited for; in sync mode an unknown id is a protocol error. */
	return found || conn->cfg.protocol != TANDEM_PROTO_SYNC ? 0 : -EPROTO;
}

/* A diskless peer's read is answered: its data, or an error in @preq->status. Any context. */
static void tdm_read_answered(struct tdm_peer_req *preq)
{
	struct tdm_conn *conn = preq->conn;
	unsigned long flags;

	/* Wake under the lock: once it is dropped, the session may end and free conn. */
	spin_lock_irqsave(&conn->lock, flags);
	list_add_tail(&preq->node, &conn->sec.acks);
	if (--conn->sec.applying_n == 0)
		wake_up(&conn->wq);
	tdm_apply_kick(conn);
	conn->sec.acks_due = true;
	wake_up(&conn->send_wq);
	spin_unlock_irqrestore(&conn->lock, flags);
}

/* Our disk read a diskless primary's blocks (or failed to): its answer is due. */
static void tdm_peer_read_endio(struct bio *bio)
{
	struct tdm_peer_req *preq = container_of(bio, struct tdm_peer_req, bio);

	preq->status = bio->bi_status;
	if (preq->status && tdm_md_disk_error(preq->conn->dev, "read", preq->sector, false))
		tdm_peer_tell_state(preq->conn->dev);
	tdm_read_answered(preq);
}

/*
 * READ_REQ: a diskless primary reads through us. Our disk serves it if it
 * is the up-to-date copy (no resync under way); else the answer is an
 * error, at once. Reads count among the requests we hold for the peer.
 */
static int tdm_handle_read_req(struct tdm_conn *conn, const struct tdm_hdr *h)
{
	struct tdm_device *dev = conn->dev;
	u8 buf[TDM_WIRE_DATA_HDR_LEN];
	struct tdm_peer_req *preq;
	struct tdm_data d;
	struct bio *bio;
	bool serve;
	int ret;

	ret = tdm_tr_recv(&conn->tr, buf, sizeof(buf));
	if (ret)
		return ret;
	if (tdm_read_req_decode(buf, sizeof(buf), h->len, &d) != TDM_WIRE_OK ||
	    !tdm_range_ok(d.sector, d.size, get_capacity(dev->disk)) || h->flags) {
		tdm_warn_ratelimited(dev, "peer sent a malformed or out-of-range read request\n");
		return -EPROTO;
	}
	serve = tdm_disk_state(dev) == TANDEM_DISK_UPTODATE &&
		READ_ONCE(conn->sync) == TDM_SYNC_NONE;
	ret = tdm_wait_peer_room(conn);
	if (ret)
		return ret;
	bio = bio_alloc_bioset(dev->backing, serve ? DIV_ROUND_UP(d.size, PAGE_SIZE) : 0,
			       REQ_OP_READ, GFP_NOIO, &dev->peer_bio_set);
	preq = container_of(bio, struct tdm_peer_req, bio);
	preq->conn = conn;
	preq->seq = h->seq;
	preq->sector = d.sector;
	preq->size = serve ? d.size : 0;
	preq->resync = false;
	preq->barrier = false;
	preq->read = true;
	RB_CLEAR_NODE(&preq->rb);
	spin_lock_irq(&conn->lock);
	conn->sec.held++;
	conn->sec.held_bytes += tdm_preq_payload(preq);
	spin_unlock_irq(&conn->lock);
	if (!serve) {
		/* Refused, not failed: our disk is not to blame. */
		tdm_warn_ratelimited(dev, "the peer reads through us, but our disk is not up to date: refused\n");
		preq->status = BLK_STS_IOERR;
		spin_lock_irq(&conn->lock);
		conn->sec.applying_n++;
		spin_unlock_irq(&conn->lock);
		tdm_read_answered(preq);
		return 0;
	}
	bio->bi_iter.bi_sector = d.sector;
	/* From the reserve: never fails. */
	tdm_pages_fill_bio(&dev->pages, bio, d.size, GFP_NOIO | __GFP_NOFAIL);
	bio->bi_end_io = tdm_peer_read_endio;
	/* After every write received before it (async copies still waiting, say). */
	tdm_apply_or_wait(conn, preq);
	return 0;
}

/* READ_REPLY: the data of a read we asked the peer for (we are diskless). */
static int tdm_handle_read_reply(struct tdm_conn *conn, const struct tdm_hdr *h)
{
	struct tdm_req *req, *found = NULL;
	struct bvec_iter iter;
	struct bio_vec bv;
	int ret = 0;

	spin_lock_irq(&conn->lock);
	hash_for_each_possible(conn->pri.unacked, req, ack_node, h->seq) {
		if (req->seq == h->seq && bio_op(req->orig) == REQ_OP_READ) {
			hash_del(&req->ack_node);
			found = req;
			break;
		}
	}
	spin_unlock_irq(&conn->lock);
	if (!found) {
		tdm_warn_ratelimited(conn->dev, "peer answered a read that was not asked for\n");
		return -EPROTO;
	}
	if (h->flags & ~TDM_ACK_ERROR ||
	    h->len != (h->flags & TDM_ACK_ERROR ? 0 : found->orig->bi_iter.bi_size)) {
		tdm_warn_ratelimited(conn->dev, "peer answered a read with the wrong length\n");
		ret = -EPROTO;
	} else if (h->flags & TDM_ACK_ERROR) {
		tdm_err_ratelimited(conn->dev, "the peer could not read sector %llu for us\n",
				    (unsigned long long)found->orig->bi_iter.bi_sector);
		found->status = BLK_STS_IOERR;
	} else {
		bio_for_each_segment(bv, found->orig, iter) {
			void *p = bvec_kmap_local(&bv);

			ret = tdm_tr_recv(&conn->tr, p, bv.bv_len);
			kunmap_local(p);
			if (ret)
				break;
		}
	}
	if (ret)
		found->status = BLK_STS_IOERR;
	tdm_req_put(found);
	return ret;
}

static int tdm_handle_state(struct tdm_conn *conn, const struct tdm_hdr *h)
{
	struct tdm_device *dev = conn->dev;
	u8 buf[TDM_WIRE_STATE_LEN];
	struct tdm_state st;
	u32 old;
	int ret;

	ret = tdm_tr_recv(&conn->tr, buf, sizeof(buf));
	if (ret)
		return ret;
	if (tdm_state_decode(buf, sizeof(buf), &st) != TDM_WIRE_OK)
		return -EPROTO;
	if (st.role == TANDEM_ROLE_PRIMARY && READ_ONCE(dev->role) == TANDEM_ROLE_PRIMARY) {
		tdm_err(dev, "both nodes are primary; disconnecting\n");
		return -EPROTO;
	}
	/* peer_disk: only this thread writes it during a session. */
	old = conn->peer_disk;
	tdm_peer_state(conn, st.role, st.disk);
	if (st.disk == TANDEM_DISK_DISKLESS && old != TANDEM_DISK_DISKLESS &&
	    !test_bit(TDM_DEV_PEER_DROPPED, &dev->flags)) {
		tdm_md_peer_dropped(dev);
		spin_lock_irq(&conn->lock);
		conn->owe.gen = true;
		spin_unlock_irq(&conn->lock);
		wake_up(&conn->send_wq);
	}
	/* A new session decides what its disk takes (conn.c says so for -EAGAIN). */
	if (old == TANDEM_DISK_DISKLESS && st.disk != TANDEM_DISK_DISKLESS) {
		tdm_info(dev, "the peer re-attached its disk: reconnecting to resync it\n");
		return -EAGAIN;
	}
	return 0;
}

/* The peer asks to become primary: yes unless we are, or are becoming, primary. */
static void tdm_handle_promote(struct tdm_conn *conn)
{
	struct tdm_device *dev = conn->dev;
	bool ok;

	spin_lock_irq(&conn->lock);
	ok = READ_ONCE(dev->role) == TANDEM_ROLE_SECONDARY && !conn->promoting;
	if (ok)
		conn->peer_role = TANDEM_ROLE_PRIMARY;
	conn->owe.promote_reply = ok ? TDM_PROMOTE_OK : 0;
	spin_unlock_irq(&conn->lock);
	wake_up(&conn->send_wq);
}

static void tdm_handle_promote_reply(struct tdm_conn *conn, const struct tdm_hdr *h)
{
	spin_lock_irq(&conn->lock);
	if (conn->promoting)
		WRITE_ONCE(conn->promote_answer, h->flags & TDM_PROMOTE_OK);
	spin_unlock_irq(&conn->lock);
	wake_up(&conn->wq);
}

/*
 * GEN during a session: the peer was forced primary on a fresh pair and
 * has a first generation. SYNC_DONE: a resync to us is complete.
 */
static int tdm_handle_gen(struct tdm_conn *conn, const struct tdm_hdr *h)
{
	u8 buf[TDM_WIRE_GEN_LEN];
	struct tdm_gen peer, mine;
	enum tdm_sync s;
	int ret;

	ret = tdm_tr_recv(&conn->tr, buf, sizeof(buf));
	if (ret)
		return ret;
	if (tdm_gen_decode(buf, sizeof(buf), &peer) != TDM_WIRE_OK)
		return -EPROTO;
	if (h->type == TDM_P_SYNC_DONE) {
		ret = tdm_wait_busy(conn, tdm_applying_done);
		return ret ?: tdm_resync_finish_target(conn, &peer);
	}
	spin_lock_irq(&conn->lock);
	conn->peer_gen = peer;
	s = conn->sync;
	spin_unlock_irq(&conn->lock);
	/* Diskless, we use the peer's data: we follow its generation, in memory. */
	if (test_bit(TDM_DEV_DISKLESS, &conn->dev->flags)) {
		mutex_lock(&conn->dev->md_lock);
		tdm_gen_adopt(&conn->dev->gen, &peer);
		mutex_unlock(&conn->dev->md_lock);
		return 0;
	}
	/* Re-attached since the header was checked: not a fresh pair's first GEN. */
	if (s != TDM_SYNC_FRESH)
		return -EPROTO;
	tdm_conn_gen(conn, &mine);
	s = tdm_sync_decide(&mine, &peer);
	if (s != TDM_SYNC_ADOPT && s != TDM_SYNC_TARGET_FULL)
		return -EPROTO;
	return tdm_apply_sync(conn, s);
}

static int tdm_receive_packets(struct tdm_conn *conn)
{
	u8 buf[TDM_WIRE_HDR_LEN];
	enum tdm_rx_rule rule;
	struct tdm_rx_ctx ctx;
	struct tdm_hdr h;
	int ret;

	for (;;) {
		ret = tdm_tr_recv(&conn->tr, buf, sizeof(buf));
		if (ret)
			return ret;
		if (tdm_hdr_decode(buf, sizeof(buf), &h) != TDM_WIRE_OK) {
			tdm_warn_ratelimited(conn->dev, "malformed packet from the peer\n");
			return -EPROTO;
		}
		ctx.role = READ_ONCE(conn->dev->role);
		ctx.peer_role = conn->peer_role;
		ctx.sync = READ_ONCE(conn->sync);
		ctx.diskless = test_bit(TDM_DEV_DISKLESS, &conn->dev->flags);
		rule = tdm_rx_accept(&ctx, h.type, h.flags);
		if (rule != TDM_RX_OK) {
			tdm_warn_ratelimited(conn->dev, "refused packet type %u from the peer: %s\n",
					     h.type, tdm_rx_rule_str(rule));
			return -EPROTO;
		}
		switch (h.type) {
		case TDM_P_DATA:
			ret = tdm_handle_data(conn, &h);
			break;
		case TDM_P_ACK:
			ret = tdm_handle_ack(conn, &h);
			break;
		case TDM_P_PING:
			spin_lock_irq(&conn->lock);
			conn->owe.pong = true;
			spin_unlock_irq(&conn->lock);
			wake_up(&conn->send_wq);
			break;
		case TDM_P_PONG:
			break;
		case TDM_P_STATE:
			ret = tdm_handle_state(conn, &h);
			break;
		case TDM_P_PROMOTE:
			tdm_handle_promote(conn);
			break;
		case TDM_P_PROMOTE_REPLY:
			tdm_handle_promote_reply(conn, &h);
			break;
		case TDM_P_GEN:
		case TDM_P_SYNC_DONE:
			ret = tdm_handle_gen(conn, &h);
			break;
		case TDM_P_RS_ACK:
			ret = tdm_resync_acked(conn, &h);
			break;
		case TDM_P_RS_START:
			/* The peer pulled ahead and catches up: we are its target. */
			ret = tdm_apply_sync(conn, TDM_SYNC_TARGET);
			break;
		case TDM_P_RS_REQUEST:
			tdm_resync_requested(conn);
			break;
		case TDM_P_RESIZE:
			ret = tdm_resize_request(conn, &h);
			break;
		case TDM_P_RESIZE_REPLY:
			ret = tdm_resize_reply(conn, &h);
			break;
		case TDM_P_VERIFY_REQ:
			ret = tdm_verify_request(conn, &h);
			break;
		case TDM_P_VERIFY_REPLY:
			ret = tdm_verify_reply(conn, &h);
			break;
		case TDM_P_READ_REQ:
			ret = tdm_handle_read_req(conn, &h);
			break;
		case TDM_P_READ_REPLY:
			ret = tdm_handle_read_reply(conn, &h);
			break;
		default:
			/* tdm_rx_accept() lets no other type through. */
			ret = -EPROTO;
			break;
		}
		if (ret)
			return ret;
		if (tdm_ko_expired(conn))
			return -ETIME;
	}
}

/*
 * Run a session's receiving side until it fails or the thread is stopped.
 * The writes of the packets read ahead go to the disk together: the plug
 * holds them until the thread next sleeps (waiting for the socket or for a
 * drain), which submits them.
 */
int tdm_receive_loop(struct tdm_conn *conn)
{
	struct blk_plug plug;
	int ret;

	blk_start_plug(&plug);
	ret = tdm_receive_packets(conn);
	blk_finish_plug(&plug);
	return ret;
}

/*
 * Some of the peer's writes on @acks failed on our disk: mark them here too
 * and stop calling our data consistent, on disk, before their error acks
 * go out, so that this node is not promoted on what it holds. True if any
 * failed. Called by the sender; may sleep.
 */
bool tdm_applied_failed(struct tdm_conn *conn, struct list_head *acks)
{
	struct tdm_device *dev = conn->dev;
	struct tdm_peer_req *preq;
	unsigned int n = 0;
	int ret;

	list_for_each_entry(preq, acks, node) {
		if (!preq->status || preq->read)
			continue;
		n++;
		tdm_bm_set(dev, preq->sector, preq->size >> SECTOR_SHIFT);
	}
	if (!n)
		return false;
	ret = tdm_md_set_flags(dev, 0, TDM_MDF_CONSISTENT) ?: tdm_bm_write(dev, false);
	tdm_set_disk_state(dev, TANDEM_DISK_INCONSISTENT);
	tdm_err(dev, "%u of the peer's writes failed on the local disk: it is inconsistent%s\n",
		n, ret ? " (and its metadata cannot be written)" : "");
	return true;
}

/* Session end, sender stopped: wait for writes being applied, drop their acks. */
void tdm_receiver_drain(struct tdm_conn *conn)
{
	struct tdm_peer_req *preq, *tmp;
	LIST_HEAD(waiting);
	LIST_HEAD(acks);

	/* Writes not yet begun are dropped: unacked, the peer marks them. */
	spin_lock_irq(&conn->lock);
	list_splice_init(&conn->sec.waiting, &waiting);
	spin_unlock_irq(&conn->lock);
	list_for_each_entry_safe(preq, tmp, &waiting, node) {
		list_del(&preq->node);
		tdm_peer_req_free(preq);
	}
	cancel_work_sync(&conn->sec.apply_work);
	tdm_drain_applying(conn);
	/* No write completes any more: nothing arms the timer again. */
	del_timer_sync(&conn->sec.ack_timer);
	spin_lock_irq(&conn->lock);
	list_splice_init(&conn->sec.acks, &acks);
	conn->sec.acks_held = 0;
	conn->sec.acks_due = false;
	spin_unlock_irq(&conn->lock);
	/* Their acks are lost with the session; our disk's failures are not. */
	tdm_applied_failed(conn, &acks);
	list_for_each_entry_safe(preq, tmp, &acks, node) {
		list_del(&preq->node);
		tdm_peer_req_free(preq);
	}
}
