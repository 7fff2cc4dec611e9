// SPDX-License-Identifier: GPL-2.0
/*
 * tandem: the sender thread of a session. It alone writes to the socket
 * once the handshake is over: queued writes (primary), acks (secondary) and
 * control packets. Everything queued when it wakes goes out back to back
 * with MSG_MORE, so small writes and acks share TCP segments.
 *
 * Sync mode sends payload pages without copying (kernel_sendpage): they stay
 * unchanged until the peer's ack completes the bio. Async mode sends its own
 * copy of each write (replication.c), or, when it could not queue one, the
 * bio's pages copied into the socket before the bio completes.
 */
#include <linux/kthread.h>
#include <linux/highmem.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <net/sock.h>

#include "tandem.h"

/* Send all of @msg's iterator. */
static int tdm_send_iter(struct tdm_conn *conn, struct msghdr *msg)
{
	int ret;

	while (msg_data_left(msg)) {
		ret = sock_sendmsg(conn->sock, msg);
		if (ret == -EAGAIN || ret == -EINTR) {
			if (READ_ONCE(conn->dead) || kthread_should_stop())
				return -ECONNABORTED;
			continue;
		}
		if (ret <= 0)
			return ret ? ret : -EPIPE;
	}
	return 0;
}

int tdm_send_all(struct tdm_conn *conn, const void *buf, size_t len, int flags)
{
	struct kvec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = { .msg_flags = flags | MSG_NOSIGNAL };

	iov_iter_kvec(&msg.msg_iter, WRITE, &iov, 1, len);
	return tdm_send_iter(conn, &msg);
}

/* Copy a whole write's payload into the socket in one call. */
static int tdm_send_bio_copy(struct tdm_conn *conn, struct bio *bio, int flags)
{
	struct msghdr msg = { .msg_flags = flags | MSG_NOSIGNAL };
	struct bvec_iter iter;
	struct bio_vec bv;
	unsigned int nr = 0;

	bio_for_each_bvec(bv, bio, iter)
		nr++;
	iov_iter_bvec(&msg.msg_iter, WRITE, __bvec_iter_bvec(bio->bi_io_vec, bio->bi_iter),
		      nr, bio->bi_iter.bi_size);
	msg.msg_iter.iov_offset = bio->bi_iter.bi_bvec_done;
	return tdm_send_iter(conn, &msg);
}

/* Send a page without copying it, unless the network stack may not take it. */
static int tdm_send_page(struct tdm_conn *conn, struct page *page,
			 unsigned int off, unsigned int len, int flags)
{
	int ret;

	if (!sendpage_ok(page)) {
		void *p = kmap_local_page(page);

		ret = tdm_send_all(conn, p + off, len, flags);
		kunmap_local(p);
		return ret;
	}
	while (len) {
		ret = kernel_sendpage(conn->sock, page, off, len, flags | MSG_NOSIGNAL);
		if (ret == -EAGAIN || ret == -EINTR) {
			if (READ_ONCE(conn->dead) || kthread_should_stop())
				return -ECONNABORTED;
			continue;
		}
		if (ret <= 0)
			return ret ? ret : -EPIPE;
		off += ret;
		len -= ret;
	}
	return 0;
}

/* A write queued as itself: sync mode's pages go without copying. */
static int tdm_send_data(struct tdm_conn *conn, struct tdm_req *req, bool more)
{
	struct bio *bio = req->orig;
	struct tdm_hdr h = {
		.magic = TDM_WIRE_MAGIC, .type = TDM_P_DATA, .epoch = req->epoch,
		.seq = req->seq, .len = TDM_WIRE_DATA_HDR_LEN,
	};
	u8 buf[TDM_WIRE_HDR_LEN + TDM_WIRE_DATA_HDR_LEN];
	struct bvec_iter iter;
	struct tdm_data d;
	struct bio_vec bv;
	u32 size;
	int ret;

	tdm_wire_write(bio, &d, &h.flags);
	if (d.op == TDM_OP_WRITE)
		h.len += d.size;
	tdm_hdr_encode(buf, &h);
	tdm_data_encode(buf + TDM_WIRE_HDR_LEN, &d);
	ret = tdm_send_all(conn, buf, sizeof(buf),
			   (more || d.op == TDM_OP_WRITE) ? MSG_MORE : 0);
	if (ret || d.op != TDM_OP_WRITE)
		return ret;
	if (conn->protocol != TANDEM_PROTO_SYNC)
		return tdm_send_bio_copy(conn, bio, more ? MSG_MORE : 0);
	size = d.size;
	bio_for_each_segment(bv, bio, iter) {
		size -= bv.bv_len;
		ret = tdm_send_page(conn, bv.bv_page, bv.bv_offset, bv.bv_len,
				    (more || size) ? MSG_MORE : 0);
		if (ret)
			break;
	}
	return ret;
}

/* A DATA packet whose payload is in pages of our own: copied into the socket. */
static int tdm_send_pages(struct tdm_conn *conn, const struct tdm_hdr *h,
			  const struct tdm_data *d, struct bio_vec *pages,
			  unsigned int nr_pages, bool more)
{
	struct msghdr msg = { .msg_flags = (more ? MSG_MORE : 0) | MSG_NOSIGNAL };
	u8 buf[TDM_WIRE_HDR_LEN + TDM_WIRE_DATA_HDR_LEN];
	int ret;

	tdm_hdr_encode(buf, h);
	tdm_data_encode(buf + TDM_WIRE_HDR_LEN, d);
	ret = tdm_send_all(conn, buf, sizeof(buf), (more || nr_pages) ? MSG_MORE : 0);
	if (ret || !nr_pages)
		return ret;
	iov_iter_bvec(&msg.msg_iter, WRITE, pages, nr_pages, d->size);
	return tdm_send_iter(conn, &msg);
}

/* An async write's copy. */
static int tdm_send_acopy(struct tdm_conn *conn, struct tdm_acopy *c, bool more)
{
	struct tdm_hdr h = {
		.magic = TDM_WIRE_MAGIC, .type = TDM_P_DATA, .flags = c->flags,
		.epoch = c->epoch, .seq = c->seq, .len = TDM_WIRE_DATA_HDR_LEN,
	};

	if (c->d.op == TDM_OP_WRITE)
		h.len += c->d.size;
	return tdm_send_pages(conn, &h, &c->d, c->pages, c->nr_pages, more);
}

/* Send one entry of the send queue and drop it. */
static int tdm_send_item(struct tdm_conn *conn, struct tdm_sendq_item *item, bool more)
{
	u32 size;
	int ret;

	if (item->copy) {
		struct tdm_acopy *c = container_of(item, struct tdm_acopy, q);

		size = c->d.op == TDM_OP_WRITE ? c->d.size : 0;
		ret = tdm_send_acopy(conn, c, more);
		tdm_acopy_free(conn->dev, c);
	} else {
		struct tdm_req *req = container_of(item, struct tdm_req, q);

		size = bio_has_data(req->orig) ? req->orig->bi_iter.bi_size : 0;
		ret = tdm_send_data(conn, req, more);
		tdm_req_put(req);
	}
	if (!ret) {
		spin_lock_irq(&conn->lock);
		conn->sent++;
		conn->sent_bytes += size;
		conn->backlog -= min_t(u64, conn->backlog, size);
		spin_unlock_irq(&conn->lock);
	}
	return ret;
}

/* A resync run: DATA flagged TDM_F_RESYNC (freed once sent). */
static int tdm_send_rs(struct tdm_conn *conn, struct tdm_rs_req *rs, bool more)
{
	struct tdm_data d = { .sector = rs->sector, .size = rs->size, .op = TDM_OP_WRITE };
	struct tdm_hdr h = {
		.magic = TDM_WIRE_MAGIC, .type = TDM_P_DATA, .flags = TDM_F_RESYNC,
		.len = TDM_WIRE_DATA_HDR_LEN + rs->size,
	};

	return tdm_send_pages(conn, &h, &d, rs->pages, rs->nr_pages, more);
}

/* A verify request (header only) or reply (the checksums). */
static int tdm_send_vf(struct tdm_conn *conn, struct tdm_vf_req *vf, bool more)
{
	u8 buf[TDM_WIRE_HDR_LEN + 4 * TDM_WIRE_VERIFY_BLOCKS];
	struct tdm_hdr h = {
		.magic = TDM_WIRE_MAGIC, .seq = vf->sector, .epoch = vf->size,
		.type = vf->reply ? TDM_P_VERIFY_REPLY : TDM_P_VERIFY_REQ,
		.len = vf->reply ? 4 * (vf->size >> TDM_BM_SHIFT) : 0,
	};
	unsigned int i;

	tdm_hdr_encode(buf, &h);
	for (i = 0; i < h.len / 4; i++)
		tdm_be32_put(buf + TDM_WIRE_HDR_LEN + 4 * i, vf->crc[i]);
	return tdm_send_all(conn, buf, TDM_WIRE_HDR_LEN + h.len, more ? MSG_MORE : 0);
}

/* Free a peer request whose ack is sent (or will never be). */
void tdm_peer_req_free(struct tdm_peer_req *preq)
{
	struct tdm_device *dev = preq->conn->dev;
	struct bio_vec *bv;
	struct bvec_iter_all iter;

	bio_for_each_segment_all(bv, &preq->bio, iter)
		tdm_page_put(&dev->pages, bv->bv_page);
	bio_put(&preq->bio);
}

#define TDM_ACK_BATCH 32
/* An async write's ack waits at most this long for others to share its packet. */
#define TDM_ACK_DELAY msecs_to_jiffies(10)

/*
 * @preq's ack is on conn->acks; conn->lock held. The primary completes an
 * async write without its ack, which only frees a slot there: such acks
 * wait until TDM_ACK_BATCH of them are queued or TDM_ACK_DELAY has passed
 * since the first, or anything else wakes the sender, so that a stream of writes
 * costs the two nodes one ack packet (and one wakeup) per batch, not per
 * write. Sync writes' acks, resync acks and errors go at once.
 */
void tdm_ack_queued(struct tdm_conn *conn, struct tdm_peer_req *preq)
{
	lockdep_assert_held(&conn->lock);
	if (conn->protocol == TANDEM_PROTO_ASYNC && !preq->resync && !preq->status) {
		if (conn->acks_held++ == 0)
			mod_timer(&conn->ack_timer, jiffies + TDM_ACK_DELAY);
		if (conn->acks_held < TDM_ACK_BATCH)
			return;
	}
	conn->acks_due = true;
	wake_up(&conn->send_wq);
}

void tdm_ack_timer_fn(struct timer_list *t)
{
	struct tdm_conn *conn = from_timer(conn, t, ack_timer);
	unsigned long flags;

	spin_lock_irqsave(&conn->lock, flags);
	conn->acks_due = true;
	wake_up(&conn->send_wq);
	spin_unlock_irqrestore(&conn->lock, flags);
}

static int tdm_send_acks(struct tdm_conn *conn, struct list_head *acks, bool more)
{
	u8 buf[TDM_ACK_BATCH * TDM_WIRE_HDR_LEN];
	struct tdm_peer_req *preq, *tmp;
	unsigned int n = 0;
	int ret = 0;

	list_for_each_entry_safe(preq, tmp, acks, node) {
		struct tdm_hdr h = {
			.magic = TDM_WIRE_MAGIC, .type = TDM_P_ACK, .seq = preq->seq,
			.flags = preq->status ? TDM_ACK_ERROR : 0,
		};

		if (preq->resync) {
			h.type = TDM_P_RS_ACK;
			h.seq = preq->sector;
			h.epoch = preq->size;
		}

		tdm_hdr_encode(buf + n * TDM_WIRE_HDR_LEN, &h);
		list_del(&preq->node);
		tdm_peer_req_free(preq);
		if (++n == TDM_ACK_BATCH || list_empty(acks)) {
			ret = tdm_send_all(conn, buf, n * TDM_WIRE_HDR_LEN,
					   (more || !list_empty(acks)) ? MSG_MORE : 0);
			n = 0;
			if (ret)
				break;
		}
	}
	return ret;
}

struct tdm_ctrl {
	bool ping, pong, state, promote, gen, sync_done, rs_start;
	int promote_reply;
	u32 role, disk;
};

static u8 *tdm_put_hdr(u8 *p, u16 type, u16 flags, u32 len)
{
	struct tdm_hdr h = {
		.magic = TDM_WIRE_MAGIC, .type = type, .flags = flags, .len = len,
	};

	tdm_hdr_encode(p, &h);
	return p + TDM_WIRE_HDR_LEN;
}

/* All control packets owed, in one send; MSG_MORE only if more follows. */
static int tdm_send_ctrl(struct tdm_conn *conn, const struct tdm_ctrl *c, bool more)
{
	u8 buf[8 * TDM_WIRE_HDR_LEN + TDM_WIRE_STATE_LEN + 2 * TDM_WIRE_GEN_LEN], *p = buf;
	struct tdm_gen g;

	if (c->pong)
		p = tdm_put_hdr(p, TDM_P_PONG, 0, 0);
	if (c->ping)
		p = tdm_put_hdr(p, TDM_P_PING, 0, 0);
	if (c->state) {
		struct tdm_state st = { .role = c->role, .disk = c->disk };

		p = tdm_put_hdr(p, TDM_P_STATE, 0, TDM_WIRE_STATE_LEN);
		tdm_state_encode(p, &st);
		p += TDM_WIRE_STATE_LEN;
	}
	if (c->gen || c->sync_done) {
		tdm_conn_gen(conn, &g);
		p = tdm_put_hdr(p, c->gen ? TDM_P_GEN : TDM_P_SYNC_DONE, 0, TDM_WIRE_GEN_LEN);
		tdm_gen_encode(p, &g);
		p += TDM_WIRE_GEN_LEN;
	}
	if (c->rs_start)
		p = tdm_put_hdr(p, TDM_P_RS_START, 0, 0);
	if (c->promote)
		p = tdm_put_hdr(p, TDM_P_PROMOTE, 0, 0);
	if (c->promote_reply >= 0)
		p = tdm_put_hdr(p, TDM_P_PROMOTE_REPLY, c->promote_reply, 0);
	if (p == buf)
		return 0;
	return tdm_send_all(conn, buf, p - buf, more ? MSG_MORE : 0);
}

static bool tdm_sender_has_work(struct tdm_conn *conn)
{
	bool work;

	spin_lock_irq(&conn->lock);
	work = !list_empty(&conn->sendq) || conn->acks_due ||
	       !list_empty(&conn->rsq) || !list_empty(&conn->vfq) ||
	       conn->send_gen || conn->send_sync_done || conn->send_rs_start ||
	       conn->send_ping || conn->send_pong || conn->send_state ||
	       conn->send_promote || conn->send_promote_reply >= 0 ||
	       (conn->ahead && !conn->backlog && !conn->dead);
	spin_unlock_irq(&conn->lock);
	return work;
}

/* Take everything queued; called with conn->lock held. */
static void tdm_sender_take(struct tdm_conn *conn, struct list_head *data,
			    struct list_head *rsq, struct list_head *vfq,
			    struct list_head *acks, struct tdm_ctrl *c)
{
	struct tdm_device *dev = conn->dev;

	list_splice_tail_init(&conn->vfq, vfq);
	list_splice_tail_init(&conn->rsq, rsq);
	list_splice_tail_init(&conn->sendq, data);
	conn->pending = 0;
	c->ping = conn->send_ping;
	c->pong = conn->send_pong;
	c->state = conn->send_state;
	c->promote = conn->send_promote;
	c->gen = conn->send_gen;
	c->sync_done = conn->send_sync_done;
	c->rs_start = conn->send_rs_start;
	conn->send_gen = conn->send_sync_done = conn->send_rs_start = false;
	c->promote_reply = conn->send_promote_reply;
	c->role = READ_ONCE(dev->role);
	c->disk = tdm_disk_state(dev);
	conn->send_ping = conn->send_pong = conn->send_state = false;
	conn->send_promote = false;
	conn->send_promote_reply = -1;
	/* Held acks do not wake us (tdm_ack_queued): they ride along with what does. */
	list_splice_tail_init(&conn->acks, acks);
	conn->acks_held = 0;
	conn->acks_due = false;
	del_timer(&conn->ack_timer);
}

/* Writes the peer will not get: mark them out of sync, drop our part of them. */
void tdm_sendq_drop(struct tdm_device *dev, struct list_head *items)
{
	struct tdm_sendq_item *item, *tmp;

	list_for_each_entry_safe(item, tmp, items, node) {
		list_del_init(&item->node);
		if (item->copy) {
			struct tdm_acopy *c = container_of(item, struct tdm_acopy, q);

			tdm_bm_set(dev, c->d.sector, c->d.size >> SECTOR_SHIFT);
			tdm_acopy_free(dev, c);
		} else {
			struct tdm_req *req = container_of(item, struct tdm_req, q);

			tdm_bm_set(dev, req->orig->bi_iter.bi_sector, bio_sectors(req->orig));
			tdm_req_put(req);
		}
	}
}

/*
 * After a send error: drop our part of writes not sent (the peer misses
 * them: out of sync), resync runs (their bits stay set), unsent acks.
 */
static void tdm_sender_discard(struct tdm_conn *conn, struct list_head *data,
			       struct list_head *rsq, struct list_head *vfq,
			       struct list_head *acks)
{
	struct tdm_peer_req *preq, *ptmp;
	struct tdm_rs_req *rs, *rtmp;
	struct tdm_vf_req *vf, *vtmp;

	/* A verify request stays on conn->vf_pending, freed at the session's end. */
	list_for_each_entry_safe(vf, vtmp, vfq, node) {
		list_del_init(&vf->node);
		if (vf->reply)
			kfree(vf);
	}
	tdm_sendq_drop(conn->dev, data);
	list_for_each_entry_safe(rs, rtmp, rsq, node) {
		list_del(&rs->node);
		tdm_rs_req_free(conn->dev, rs);
	}
	list_for_each_entry_safe(preq, ptmp, acks, node) {
		list_del(&preq->node);
		tdm_peer_req_free(preq);
	}
}

int tdm_sender_fn(void *data)
{
	struct tdm_conn *conn = data;
	struct tdm_sendq_item *item, *tmp;
	struct tdm_rs_req *rs, *rtmp;
	struct tdm_vf_req *vf, *vtmp;
	LIST_HEAD(reqs);
	LIST_HEAD(rsq);
	LIST_HEAD(vfq);
	LIST_HEAD(acks);
	struct tdm_ctrl c;
	int ret = 0;

	while (!kthread_should_stop()) {
		wait_event_interruptible(conn->send_wq, tdm_sender_has_work(conn) ||
					 kthread_should_stop());
		spin_lock_irq(&conn->lock);
		tdm_sender_take(conn, &reqs, &rsq, &vfq, &acks, &c);
		spin_unlock_irq(&conn->lock);
		if (ret) {
			/* The session is ending: nothing more goes out. */
			tdm_sender_discard(conn, &reqs, &rsq, &vfq, &acks);
			continue;
		}
		/* Our disk failed the peer's writes: say so before their acks. */
		if (tdm_applied_failed(conn, &acks)) {
			c.state = true;
			c.disk = tdm_disk_state(conn->dev);
		}
		ret = tdm_send_ctrl(conn, &c, !list_empty(&acks) || !list_empty(&reqs) ||
				    !list_empty(&rsq));
		if (!ret)
			ret = tdm_send_acks(conn, &acks, !list_empty(&reqs) || !list_empty(&rsq) ||
					    !list_empty(&vfq));
		list_for_each_entry_safe(vf, vtmp, &vfq, node) {
			/* Once a request is sent, its answer may free it. */
			bool reply = vf->reply;

			if (ret)
				break;
			list_del_init(&vf->node);
			ret = tdm_send_vf(conn, vf, !list_empty(&vfq) || !list_empty(&rsq) ||
					  !list_empty(&reqs));
			if (reply)
				kfree(vf);
		}
		/* Resync runs before the writes queued after them (see resync.c). */
		list_for_each_entry_safe(rs, rtmp, &rsq, node) {
			if (ret)
				break;
			list_del(&rs->node);
			ret = tdm_send_rs(conn, rs, !list_empty(&rsq) || !list_empty(&reqs));
			tdm_rs_req_free(conn->dev, rs);
		}
		list_for_each_entry_safe(item, tmp, &reqs, node) {
			if (ret)
				break;
			list_del_init(&item->node);
			ret = tdm_send_item(conn, item, !list_empty(&reqs));
		}
		if (!ret)
			tdm_catch_up(conn);
		if (ret) {
			tdm_sender_discard(conn, &reqs, &rsq, &vfq, &acks);
			WRITE_ONCE(conn->dead, true);
			kernel_sock_shutdown(conn->sock, SHUT_RDWR);
		}
	}
	return 0;
}
