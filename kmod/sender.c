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
#include "replication.h"
#include "transport.h"
#include "metadata.h"

/* The wire form of a write: op, size and flags. */
void tdm_wire_write(struct bio *bio, struct tdm_data *d, u16 *flags)
{
	d->sector = bio->bi_iter.bi_sector;
	d->size = bio->bi_iter.bi_size;
	*flags = 0;
	if (bio->bi_opf & REQ_FUA)
		*flags |= TDM_F_FUA;
	if (bio->bi_opf & REQ_PREFLUSH)
		*flags |= TDM_F_PREFLUSH;
	switch (bio_op(bio)) {
	case REQ_OP_DISCARD:
		d->op = TDM_OP_DISCARD;
		break;
	case REQ_OP_WRITE_ZEROES:
		d->op = TDM_OP_WRITE_ZEROES;
		break;
	default:
		d->op = d->size ? TDM_OP_WRITE : TDM_OP_FLUSH;
		/* An empty write is a flush, whatever else it asks for. */
		if (!d->size)
			*flags |= TDM_F_PREFLUSH;
		break;
	}
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
	ret = tdm_tr_send(&conn->tr, buf, sizeof(buf),
			   (more || d.op == TDM_OP_WRITE) ? MSG_MORE : 0);
	if (ret || d.op != TDM_OP_WRITE)
		return ret;
	if (conn->cfg.protocol != TANDEM_PROTO_SYNC)
		return tdm_tr_send_bio_copy(&conn->tr, bio, more ? MSG_MORE : 0);
	size = d.size;
	bio_for_each_segment(bv, bio, iter) {
		size -= bv.bv_len;
		ret = tdm_tr_send_page(&conn->tr, bv.bv_page, bv.bv_offset, bv.bv_len,
				    (more || size) ? MSG_MORE : 0);
		if (ret)
			break;
	}
	return ret;
}

/* A diskless node's read, asked of the peer. */
static int tdm_send_read_req(struct tdm_conn *conn, struct tdm_req *req, bool more)
{
	struct tdm_data d = {
		.sector = req->orig->bi_iter.bi_sector, .size = req->orig->bi_iter.bi_size,
		.op = TDM_OP_READ,
	};
	struct tdm_hdr h = {
		.magic = TDM_WIRE_MAGIC, .type = TDM_P_READ_REQ, .seq = req->seq,
		.len = TDM_WIRE_DATA_HDR_LEN,
	};
	u8 buf[TDM_WIRE_HDR_LEN + TDM_WIRE_DATA_HDR_LEN];

	tdm_hdr_encode(buf, &h);
	tdm_data_encode(buf + TDM_WIRE_HDR_LEN, &d);
	return tdm_tr_send(&conn->tr, buf, sizeof(buf), more ? MSG_MORE : 0);
}

/* The answer to a diskless peer's read: its data, or an error. */
static int tdm_send_read_reply(struct tdm_conn *conn, struct tdm_peer_req *preq, bool more)
{
	struct tdm_hdr h = {
		.magic = TDM_WIRE_MAGIC, .type = TDM_P_READ_REPLY, .seq = preq->seq,
		.flags = preq->status ? TDM_ACK_ERROR : 0,
		.len = preq->status ? 0 : preq->size,
	};
	u8 buf[TDM_WIRE_HDR_LEN];
	int ret;

	tdm_hdr_encode(buf, &h);
	ret = tdm_tr_send(&conn->tr, buf, sizeof(buf), (more || h.len) ? MSG_MORE : 0);
	if (ret || !h.len)
		return ret;
	return tdm_tr_send_bvecs(&conn->tr, preq->bio.bi_io_vec, preq->bio.bi_vcnt, h.len,
				 more ? MSG_MORE : 0);
}

/* A DATA packet whose payload is in pages of our own: copied into the socket. */
static int tdm_send_pages(struct tdm_conn *conn, const struct tdm_hdr *h,
			  const struct tdm_data *d, struct bio_vec *pages,
			  unsigned int nr_pages, bool more)
{
	u8 buf[TDM_WIRE_HDR_LEN + TDM_WIRE_DATA_HDR_LEN];
	int ret;

	tdm_hdr_encode(buf, h);
	tdm_data_encode(buf + TDM_WIRE_HDR_LEN, d);
	ret = tdm_tr_send(&conn->tr, buf, sizeof(buf), (more || nr_pages) ? MSG_MORE : 0);
	if (ret || !nr_pages)
		return ret;
	return tdm_tr_send_bvecs(&conn->tr, pages, nr_pages, d->size, more ? MSG_MORE : 0);
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
		bool write = op_is_write(bio_op(req->orig));

		size = write && bio_has_data(req->orig) ? req->orig->bi_iter.bi_size : 0;
		ret = write ? tdm_send_data(conn, req, more) : tdm_send_read_req(conn, req, more);
		tdm_req_put(req);
	}
	if (!ret) {
		spin_lock_irq(&conn->lock);
		conn->stats.sent++;
		conn->stats.sent_bytes += size;
		WRITE_ONCE(conn->pri.backlog, conn->pri.backlog - min_t(u64, conn->pri.backlog, size));
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

/*
 * A verify request (header only) or reply (the checksums); @vf is handed
 * back (tdm_vf_encoded) before the send.
 */
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
	tdm_vf_encoded(conn, vf);
	return tdm_tr_send(&conn->tr, buf, TDM_WIRE_HDR_LEN + h.len, more ? MSG_MORE : 0);
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

		/* A read's answer carries its data: the acks before it go first. */
		if (preq->read) {
			if (n)
				ret = tdm_tr_send(&conn->tr, buf, n * TDM_WIRE_HDR_LEN, MSG_MORE);
			n = 0;
			list_del(&preq->node);
			if (!ret)
				ret = tdm_send_read_reply(conn, preq, more || !list_empty(acks));
			tdm_peer_req_free(preq);
			if (ret)
				break;
			continue;
		}
		if (preq->resync) {
			h.type = TDM_P_RS_ACK;
			h.seq = preq->sector;
			h.epoch = preq->size;
		}

		tdm_hdr_encode(buf + n * TDM_WIRE_HDR_LEN, &h);
		list_del(&preq->node);
		tdm_peer_req_free(preq);
		if (++n == TDM_ACK_BATCH || list_empty(acks)) {
			ret = tdm_tr_send(&conn->tr, buf, n * TDM_WIRE_HDR_LEN,
					   (more || !list_empty(acks)) ? MSG_MORE : 0);
			n = 0;
			if (ret)
				break;
		}
	}
	return ret;
}

struct tdm_ctrl {
	bool ping, pong, state, promote, gen, sync_done, rs_start, rs_request;
	int promote_reply;
	u32 role, disk;
	bool resize, resize_reply;
	struct tdm_sizes ask, answer;
	u16 answer_err;
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
	u8 buf[10 * TDM_WIRE_HDR_LEN + TDM_WIRE_STATE_LEN + 2 * TDM_WIRE_GEN_LEN +
	       2 * TDM_WIRE_SIZES_LEN], *p = buf;
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
	if (c->rs_request)
		p = tdm_put_hdr(p, TDM_P_RS_REQUEST, 0, 0);
	if (c->promote)
		p = tdm_put_hdr(p, TDM_P_PROMOTE, 0, 0);
	if (c->promote_reply >= 0)
		p = tdm_put_hdr(p, TDM_P_PROMOTE_REPLY, c->promote_reply, 0);
	if (c->resize) {
		p = tdm_put_hdr(p, TDM_P_RESIZE, 0, TDM_WIRE_SIZES_LEN);
		tdm_sizes_encode(p, &c->ask);
		p += TDM_WIRE_SIZES_LEN;
	}
	if (c->resize_reply) {
		p = tdm_put_hdr(p, TDM_P_RESIZE_REPLY, c->answer_err, TDM_WIRE_SIZES_LEN);
		tdm_sizes_encode(p, &c->answer);
		p += TDM_WIRE_SIZES_LEN;
	}
	if (p == buf)
		return 0;
	return tdm_tr_send(&conn->tr, buf, p - buf, more ? MSG_MORE : 0);
}

static bool tdm_sender_has_work(struct tdm_conn *conn)
{
	bool work;

	spin_lock_irq(&conn->lock);
	work = !list_empty(&conn->pri.sendq) || conn->sec.acks_due ||
	       !list_empty(&conn->rs.q) || !list_empty(&conn->vf.q) ||
	       conn->owe.gen || conn->owe.sync_done || conn->owe.rs_start ||
	       conn->owe.rs_request || (conn->rs.everything && !tdm_tr_dead(&conn->tr)) ||
	       conn->owe.ping || conn->owe.pong || conn->owe.state ||
	       conn->owe.promote || conn->owe.promote_reply >= 0 ||
	       conn->rsz.owe_ask || conn->rsz.owe_reply ||
	       (conn->pri.ahead && !conn->pri.backlog && !tdm_tr_dead(&conn->tr));
	spin_unlock_irq(&conn->lock);
	return work;
}

/* Take everything queued; called with conn->lock held. */
static void tdm_sender_take(struct tdm_conn *conn, struct list_head *data,
			    struct list_head *rsq, struct list_head *vfq,
			    struct list_head *acks, struct tdm_ctrl *c)
{
	struct tdm_device *dev = conn->dev;

	list_splice_tail_init(&conn->vf.q, vfq);
	list_splice_tail_init(&conn->rs.q, rsq);
	list_splice_tail_init(&conn->pri.sendq, data);
	conn->pri.pending = 0;
	c->ping = conn->owe.ping;
	c->pong = conn->owe.pong;
	c->state = conn->owe.state;
	c->promote = conn->owe.promote;
	c->gen = conn->owe.gen;
	c->sync_done = conn->owe.sync_done;
	c->rs_start = conn->owe.rs_start;
	c->rs_request = conn->owe.rs_request;
	conn->owe.gen = conn->owe.sync_done = conn->owe.rs_start = conn->owe.rs_request = false;
	c->promote_reply = conn->owe.promote_reply;
	c->role = READ_ONCE(dev->role);
	c->disk = tdm_disk_state(dev);
	conn->owe.ping = conn->owe.pong = conn->owe.state = false;
	conn->owe.promote = false;
	conn->owe.promote_reply = -1;
	c->resize = conn->rsz.owe_ask;
	c->ask = conn->rsz.ask;
	c->resize_reply = conn->rsz.owe_reply;
	c->answer = conn->rsz.answer;
	c->answer_err = conn->rsz.answer_err;
	conn->rsz.owe_ask = conn->rsz.owe_reply = false;
	/* Held acks do not wake us (tdm_ack_queued): they ride along with what does. */
	list_splice_tail_init(&conn->sec.acks, acks);
	conn->sec.acks_held = 0;
	conn->sec.acks_due = false;
	del_timer(&conn->sec.ack_timer);
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

			if (op_is_write(bio_op(req->orig)))
				tdm_bm_set(dev, req->orig->bi_iter.bi_sector, bio_sectors(req->orig));
			/* Served by the peer alone, it is nowhere. */
			if (req->remote)
				req->status = BLK_STS_IOERR;
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

	tdm_vf_drop(conn, vfq);
	tdm_sendq_drop(conn->dev, data);
	list_for_each_entry_safe(rs, rtmp, rsq, node) {
		list_del(&rs->node);
		tdm_rs_req_free(conn->dev, rs);
	}
	/* Acks not sent: a write that failed here is still recorded. */
	tdm_applied_failed(conn, acks);
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
			if (ret)
				break;
			list_del(&vf->node);
			ret = tdm_send_vf(conn, vf, !list_empty(&vfq) || !list_empty(&rsq) ||
					  !list_empty(&reqs));
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
		if (ret == -ETIMEDOUT)
			tdm_warn(conn->dev, "the peer has taken nothing for %u ms: ending the session\n",
				 TDM_SEND_STALL * READ_ONCE(conn->tr.timeout_ms));
		if (ret) {
			tdm_sender_discard(conn, &reqs, &rsq, &vfq, &acks);
			tdm_tr_abort(&conn->tr);
		}
	}
	return 0;
}
