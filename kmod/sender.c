// SPDX-License-Identifier: GPL-2.0
/*
 * tandem: the sender thread of a session. It alone writes to the socket
 * once the handshake is over: queued writes (primary), acks (secondary) and
 * control packets. Everything queued when it wakes goes out back to back
 * with MSG_MORE, so small writes and acks share TCP segments.
 *
 * Sync mode sends payload pages without copying (kernel_sendpage): they stay
 * unchanged until the peer's ack completes the bio. Async mode completes the
 * bio as soon as it is queued, so the payload is copied into the socket.
 */
#include <linux/kthread.h>
#include <linux/highmem.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <net/sock.h>

#include "tandem.h"

int tdm_send_all(struct tdm_conn *conn, const void *buf, size_t len, int flags)
{
	struct kvec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = { .msg_flags = flags | MSG_NOSIGNAL };
	int ret;

	while (iov.iov_len) {
		ret = kernel_sendmsg(conn->sock, &msg, &iov, 1, iov.iov_len);
		if (ret == -EAGAIN || ret == -EINTR) {
			if (READ_ONCE(conn->dead) || kthread_should_stop())
				return -ECONNABORTED;
			continue;
		}
		if (ret <= 0)
			return ret ? ret : -EPIPE;
		iov.iov_base += ret;
		iov.iov_len -= ret;
	}
	return 0;
}

static int tdm_send_page(struct tdm_conn *conn, struct page *page,
			 unsigned int off, unsigned int len, bool zero_copy,
			 int flags)
{
	int ret;

	if (!zero_copy || !sendpage_ok(page)) {
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

static int tdm_send_data(struct tdm_conn *conn, struct tdm_req *req, bool more)
{
	struct bio *bio = req->orig;
	u32 size = bio->bi_iter.bi_size;
	struct tdm_data d = { .sector = bio->bi_iter.bi_sector, .size = size };
	struct tdm_hdr h = {
		.magic = TDM_WIRE_MAGIC, .type = TDM_P_DATA, .epoch = req->epoch,
		.seq = req->seq, .len = TDM_WIRE_DATA_HDR_LEN,
	};
	u8 buf[TDM_WIRE_HDR_LEN + TDM_WIRE_DATA_HDR_LEN];
	bool zero_copy = conn->protocol == TANDEM_PROTO_SYNC;
	struct bvec_iter iter;
	struct bio_vec bv;
	int ret;

	if (bio->bi_opf & REQ_FUA)
		h.flags |= TDM_F_FUA;
	if (bio->bi_opf & REQ_PREFLUSH)
		h.flags |= TDM_F_PREFLUSH;
	switch (bio_op(bio)) {
	case REQ_OP_DISCARD:
		d.op = TDM_OP_DISCARD;
		break;
	case REQ_OP_WRITE_ZEROES:
		d.op = TDM_OP_WRITE_ZEROES;
		break;
	default:
		d.op = size ? TDM_OP_WRITE : TDM_OP_FLUSH;
		if (size)
			h.len += size;
		break;
	}
	tdm_hdr_encode(buf, &h);
	tdm_data_encode(buf + TDM_WIRE_HDR_LEN, &d);
	ret = tdm_send_all(conn, buf, sizeof(buf),
			   (more || d.op == TDM_OP_WRITE) ? MSG_MORE : 0);
	if (ret || d.op != TDM_OP_WRITE)
		goto out;
	bio_for_each_segment(bv, bio, iter) {
		size -= bv.bv_len;
		ret = tdm_send_page(conn, bv.bv_page, bv.bv_offset, bv.bv_len,
				    zero_copy, (more || size) ? MSG_MORE : 0);
		if (ret)
			break;
	}
out:
	if (!ret) {
		spin_lock_irq(&conn->lock);
		conn->sent++;
		conn->sent_bytes += bio->bi_iter.bi_size;
		conn->backlog -= min_t(u64, conn->backlog, bio->bi_iter.bi_size);
		spin_unlock_irq(&conn->lock);
	}
	return ret;
}

/* A resync run: DATA flagged TDM_F_RESYNC, payload copied (freed once sent). */
static int tdm_send_rs(struct tdm_conn *conn, struct tdm_rs_req *rs, bool more)
{
	struct tdm_data d = { .sector = rs->sector, .size = rs->size, .op = TDM_OP_WRITE };
	struct tdm_hdr h = {
		.magic = TDM_WIRE_MAGIC, .type = TDM_P_DATA, .flags = TDM_F_RESYNC,
		.len = TDM_WIRE_DATA_HDR_LEN + rs->size,
	};
	u8 buf[TDM_WIRE_HDR_LEN + TDM_WIRE_DATA_HDR_LEN];
	unsigned int i;
	int ret;

	tdm_hdr_encode(buf, &h);
	tdm_data_encode(buf + TDM_WIRE_HDR_LEN, &d);
	ret = tdm_send_all(conn, buf, sizeof(buf), MSG_MORE);
	for (i = 0; !ret && i < rs->nr_pages; i++)
		ret = tdm_send_page(conn, rs->pages[i], 0, PAGE_SIZE, false,
				    (more || i + 1 < rs->nr_pages) ? MSG_MORE : 0);
	return ret;
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
		mempool_free(bv->bv_page, dev->page_pool);
	bio_put(&preq->bio);
}

#define TDM_ACK_BATCH 32

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
	work = !list_empty(&conn->sendq) || !list_empty(&conn->acks) ||
	       !list_empty(&conn->rsq) || !list_empty(&conn->vfq) ||
	       conn->send_gen || conn->send_sync_done || conn->send_rs_start ||
	       conn->send_ping || conn->send_pong || conn->send_state ||
	       conn->send_promote || conn->send_promote_reply >= 0;
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
	list_splice_tail_init(&conn->acks, acks);
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
	struct tdm_req *req, *tmp;

	/* A verify request stays on conn->vf_pending, freed at the session's end. */
	list_for_each_entry_safe(vf, vtmp, vfq, node) {
		list_del_init(&vf->node);
		if (vf->reply)
			kfree(vf);
	}
	list_for_each_entry_safe(req, tmp, data, send_node) {
		list_del_init(&req->send_node);
		tdm_bm_set(conn->dev, req->orig->bi_iter.bi_sector, bio_sectors(req->orig));
		tdm_req_put(req);
	}
	list_for_each_entry_safe(rs, rtmp, rsq, node) {
		list_del(&rs->node);
		tdm_rs_req_free(rs);
	}
	list_for_each_entry_safe(preq, ptmp, acks, node) {
		list_del(&preq->node);
		tdm_peer_req_free(preq);
	}
}

int tdm_sender_fn(void *data)
{
	struct tdm_conn *conn = data;
	struct tdm_req *req, *tmp;
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
			tdm_rs_req_free(rs);
		}
		list_for_each_entry_safe(req, tmp, &reqs, send_node) {
			if (ret)
				break;
			list_del_init(&req->send_node);
			ret = tdm_send_data(conn, req, !list_empty(&reqs));
			tdm_req_put(req);
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
