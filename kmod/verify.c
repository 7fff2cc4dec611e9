// SPDX-License-Identifier: GPL-2.0
/*
 * tandem: online verify. The verifying node (the primary, or either of two
 * secondaries) walks the device 256 KiB at a time: it reads the range,
 * computes a crc32c per 4 KiB block and asks the peer for the same range's
 * crc32c values (VERIFY_REQ / VERIFY_REPLY): only checksums cross the link.
 * A block whose checksums differ is marked in the bitmap and counted. At
 * the end, if any differ, the node owes the peer a resync (RESYNC_OWED) and
 * ends the session: the reconnect resyncs exactly those blocks.
 *
 * Blocks written while verify runs may be seen as different (the two reads
 * are not simultaneous); they are then resynced too, which is harmless.
 */
#include <linux/highmem.h>
#include <linux/kthread.h>
#include <linux/slab.h>

#include "tandem.h"
#include "replication.h"
#include "transport.h"
#include "metadata.h"

/* One page per 4 KiB block, in the reads below. */
static_assert(PAGE_SIZE == 1 << TDM_BM_SHIFT);

/* After the read: its iterator is spent, so walk the pages themselves (one per block). */
static void tdm_vf_crcs(struct bio *bio, u32 *crc)
{
	struct bvec_iter_all iter;
	struct bio_vec *bv;
	unsigned int i = 0;

	bio_for_each_segment_all(bv, bio, iter) {
		void *p = kmap_local_page(bv->bv_page);

		crc[i++] = tdm_crc32c(p + bv->bv_offset, bv->bv_len);
		kunmap_local(p);
	}
}

/* Read [sector, +size) and checksum each 4 KiB block into @crc. */
static int tdm_vf_read(struct tdm_device *dev, sector_t sector, u32 size, u32 *crc)
{
	struct bio *bio;
	int ret;

	bio = bio_alloc(dev->backing, size >> PAGE_SHIFT, REQ_OP_READ, GFP_NOIO);
	bio->bi_iter.bi_sector = sector;
	ret = tdm_pages_fill_bio(&dev->pages, bio, size, GFP_NOIO);
	if (ret)
		goto out_put_bio;
	ret = submit_bio_wait(bio);
	if (!ret)
		tdm_vf_crcs(bio, crc);
	else if (tdm_md_disk_error(dev, "verify read", sector, false))
		tdm_peer_tell_state(dev);
	tdm_pages_release(&dev->pages, bio->bi_io_vec, bio->bi_vcnt);
out_put_bio:
	bio_put(bio);
	return ret;
}

static u32 tdm_vf_size(struct tdm_conn *conn, sector_t sector)
{
	u64 left = (conn->vf.end - sector) << SECTOR_SHIFT;

	return min_t(u64, left, TDM_WIRE_VERIFY_BLOCKS << TDM_BM_SHIFT);
}

static bool tdm_vf_window_open(struct tdm_conn *conn, unsigned int max)
{
	bool open;

	spin_lock_irq(&conn->lock);
	open = conn->vf.outstanding <= max;
	spin_unlock_irq(&conn->lock);
	return open || tdm_tr_dead(&conn->tr);
}

static void tdm_vf_finish(struct tdm_conn *conn)
{
	struct tdm_device *dev = conn->dev;
	u64 done, diff;

	spin_lock_irq(&conn->lock);
	done = conn->vf.done;
	diff = conn->vf.diff;
	spin_unlock_irq(&conn->lock);
	tdm_info(dev, "verify done: %llu MiB compared, %llu KiB differ\n",
		done >> 20, diff >> 10);
	tdm_event(dev, TANDEM_EVENT_VERIFY);
	if (diff)
		tdm_handler_notify(dev, TANDEM_HANDLER_OUT_OF_SYNC);
	if (!diff)
		return;
	/* Owe the peer those blocks, on disk, then reconnect to resync them. */
	tdm_md_owe_resync(dev);
	tdm_bm_write(dev, false);
	tdm_info(dev, "reconnecting to resync the blocks that differ\n");
	tdm_tr_abort(&conn->tr);
}

static int tdm_verify_fn(void *data)
{
	struct tdm_conn *conn = data;
	struct tdm_device *dev = conn->dev;
	sector_t sector = conn->vf.start, end = conn->vf.end;
	struct tdm_vf_req *vf;

	while (sector < end && !tdm_tr_dead(&conn->tr)) {
		wait_event_interruptible(conn->rs_wq, tdm_vf_window_open(conn, TDM_VF_WINDOW - 1));
		if (tdm_tr_dead(&conn->tr))
			break;
		vf = kzalloc(sizeof(*vf), GFP_KERNEL);
		if (!vf)
			break;
		vf->sector = sector;
		vf->size = tdm_vf_size(conn, sector);
		if (tdm_vf_read(dev, sector, vf->size, vf->crc)) {
			tdm_err(dev, "verify: cannot read sector %llu\n",
				(unsigned long long)sector);
			kfree(vf);
			break;
		}
		sector += vf->size >> SECTOR_SHIFT;
		spin_lock_irq(&conn->lock);
		list_add_tail(&vf->node, &conn->vf.q);
		conn->vf.outstanding++;
		spin_unlock_irq(&conn->lock);
		wake_up(&conn->send_wq);
	}
	wait_event_interruptible(conn->rs_wq, tdm_vf_window_open(conn, 0));
	if (sector >= end && !tdm_tr_dead(&conn->tr))
		tdm_vf_finish(conn);
	/* Last touch of conn: the session's end waits for this. */
	spin_lock_irq(&conn->lock);
	conn->vf.running = false;
	wake_up(&conn->rs_wq);
	spin_unlock_irq(&conn->lock);
	return 0;
}

/* VERIFY from netlink; the caller holds cfg_lock. */
int tdm_verify_start(struct tdm_device *dev, sector_t start, u64 len,
		     struct netlink_ext_ack *extack)
{
	struct tdm_conn *conn = rcu_dereference_protected(dev->conn,
							  lockdep_is_held(&dev->cfg_lock));
	sector_t cap = get_capacity(dev->disk);
	struct task_struct *t;
	const char *why = NULL;

	if (!conn) {
		NL_SET_ERR_MSG(extack, "resource is not connected");
		return -ENOTCONN;
	}
	if (start >= cap) {
		NL_SET_ERR_MSG(extack, "verify's start is past the end of the device");
		return -ERANGE;
	}
	spin_lock_irq(&conn->lock);
	if (conn->cstate != TANDEM_CONN_CONNECTED || tdm_tr_dead(&conn->tr))
		why = "not connected to the peer";
	else if (conn->sync != TDM_SYNC_NONE)
		why = "the disks are not in sync yet: wait for the resync";
	else if (conn->peer_role == TANDEM_ROLE_PRIMARY)
		why = "run verify on the primary: its data is the reference";
	else if (conn->vf.running)
		why = "a verify is already running";
	if (!why) {
		conn->vf.running = true;
		conn->vf.start = start;
		conn->vf.end = start + min_t(u64, len, cap - start);
		conn->vf.total = (conn->vf.end - start) << SECTOR_SHIFT;
		conn->vf.done = conn->vf.diff = 0;
	}
	spin_unlock_irq(&conn->lock);
	if (why) {
		tdm_extack_msg(extack, why);
		return -EBUSY;
	}
	/* The thread ends by itself; a session's end waits for it (vf.running). */
	t = kthread_run(tdm_verify_fn, conn, "tandem-vf/%s", dev->name);
	if (IS_ERR(t)) {
		spin_lock_irq(&conn->lock);
		conn->vf.running = false;
		wake_up(&conn->rs_wq);
		spin_unlock_irq(&conn->lock);
		return PTR_ERR(t);
	}
	tdm_info(dev, "verify started: %llu MiB from %llu MiB\n",
		 (unsigned long long)(conn->vf.end - start) >> 11, (unsigned long long)start >> 11);
	return 0;
}

/*
 * The peer asks for a range's checksums (receiver thread). A peer keeps at
 * most TDM_VF_WINDOW requests outstanding, so we never hold more replies
 * than that: one more, and it is not following the protocol (each costs a
 * disk read and memory until the link takes it).
 */
int tdm_verify_request(struct tdm_conn *conn, const struct tdm_hdr *h)
{
	struct tdm_device *dev = conn->dev;
	struct tdm_vf_req *vf;
	sector_t sector = h->seq;
	u32 size = h->epoch;
	bool full;

	if (!size || size % (1u << TDM_BM_SHIFT) || size > (TDM_WIRE_VERIFY_BLOCKS << TDM_BM_SHIFT) ||
	    sector % 8 || !tdm_range_ok(sector, size, get_capacity(dev->disk)))
		return -EPROTO;
	spin_lock_irq(&conn->lock);
	full = conn->vf.replies >= TDM_VF_WINDOW;
	if (!full)
		conn->vf.replies++;
	spin_unlock_irq(&conn->lock);
	if (full) {
		tdm_warn_ratelimited(dev, "the peer asked for more than %u verify ranges at once\n",
				     TDM_VF_WINDOW);
		return -EPROTO;
	}
	vf = kzalloc(sizeof(*vf), GFP_NOIO);
	if (!vf) {
		spin_lock_irq(&conn->lock);
		conn->vf.replies--;
		spin_unlock_irq(&conn->lock);
		return -ENOMEM;
	}
	vf->sector = sector;
	vf->size = size;
	vf->reply = true;
	if (tdm_vf_read(dev, sector, size, vf->crc)) {
		/* Unreadable here: checksums that cannot match. */
		memset(vf->crc, 0xff, sizeof(vf->crc));
	}
	spin_lock_irq(&conn->lock);
	list_add_tail(&vf->node, &conn->vf.q);
	spin_unlock_irq(&conn->lock);
	wake_up(&conn->send_wq);
	return 0;
}

/*
 * The sender encoded @vf and lets go of it: a reply is freed; a request
 * waits on conn->vf.pending for its answer, put there before its bytes
 * leave, so that an answer finds only what was sent (an early one is a
 * protocol error, and frees nothing the sender still holds).
 */
void tdm_vf_encoded(struct tdm_conn *conn, struct tdm_vf_req *vf)
{
	bool reply = vf->reply;

	spin_lock_irq(&conn->lock);
	if (reply)
		conn->vf.replies--;
	else
		list_add_tail(&vf->node, &conn->vf.pending);
	spin_unlock_irq(&conn->lock);
	if (reply)
		kfree(vf);
}

/* Free requests and replies on @list, which only the caller holds. */
void tdm_vf_drop(struct tdm_conn *conn, struct list_head *list)
{
	struct tdm_vf_req *vf, *tmp;
	unsigned int replies = 0;

	list_for_each_entry_safe(vf, tmp, list, node) {
		list_del(&vf->node);
		replies += vf->reply;
		kfree(vf);
	}
	spin_lock_irq(&conn->lock);
	conn->vf.replies -= replies;
	spin_unlock_irq(&conn->lock);
}

/* The peer's checksums for a range we asked about (receiver thread). */
int tdm_verify_reply(struct tdm_conn *conn, const struct tdm_hdr *h)
{
	struct tdm_device *dev = conn->dev;
	struct tdm_vf_req *vf, *found = NULL;
	u8 buf[4 * TDM_WIRE_VERIFY_BLOCKS];
	unsigned int i, n = h->len / 4;
	u64 diff = 0;
	int ret;

	ret = tdm_tr_recv(&conn->tr, buf, h->len);
	if (ret)
		return ret;
	spin_lock_irq(&conn->lock);
	list_for_each_entry(vf, &conn->vf.pending, node) {
		if (vf->sector == h->seq && vf->size == h->epoch && vf->size == n << TDM_BM_SHIFT) {
			list_del(&vf->node);
			found = vf;
			break;
		}
	}
	spin_unlock_irq(&conn->lock);
	if (!found)
		return -EPROTO;
	for (i = 0; i < n; i++) {
		if (tdm_be32_get(buf + 4 * i) == found->crc[i])
			continue;
		tdm_bm_set(dev, found->sector + tdm_bm_bit_to_sector(i), TDM_BM_SECTORS_PER_BIT);
		diff += 1u << TDM_BM_SHIFT;
	}
	spin_lock_irq(&conn->lock);
	conn->vf.outstanding--;
	conn->vf.done += found->size;
	conn->vf.diff += diff;
	spin_unlock_irq(&conn->lock);
	kfree(found);
	wake_up(&conn->rs_wq);
	return 0;
}

static bool tdm_vf_idle(struct tdm_conn *conn)
{
	bool idle;

	spin_lock_irq(&conn->lock);
	idle = !conn->vf.running;
	spin_unlock_irq(&conn->lock);
	return idle;
}

/*
 * Session end (tdm_tr_dead(&conn->tr) set, the sender stopped): wait for the verifier
 * to end, free what is queued or pending.
 */
void tdm_verify_stop(struct tdm_conn *conn)
{
	LIST_HEAD(q);

	wake_up(&conn->rs_wq);
	wait_event(conn->rs_wq, tdm_vf_idle(conn));
	spin_lock_irq(&conn->lock);
	list_splice_init(&conn->vf.q, &q);
	list_splice_init(&conn->vf.pending, &q);
	conn->vf.outstanding = 0;
	spin_unlock_irq(&conn->lock);
	tdm_vf_drop(conn, &q);
}
