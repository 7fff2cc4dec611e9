// SPDX-License-Identifier: GPL-2.0
/*
 * tandem: the device's size. The two nodes agree on it in the handshake
 * (handshake.c, rules in core/sizes.h) and grow it together with resize:
 *
 *   1. the asking node adopts what its disk grew by (tdm_md_grow: the
 *      metadata moves to the new end, or its bitmap grows in place);
 *   2. it sends RESIZE (the size asked for, the most its disk holds); the
 *      peer adopts its own disk's growth the same way, takes the size both
 *      hold as its own (recorded, then shown), and answers RESIZE_REPLY;
 *   3. the asking node marks the new blocks out of sync and owed (unless
 *      assume-clean), records the size, shows it, and resyncs them.
 *
 * The device shows a new size only once it is on disk; a node that grows
 * before it may be written there (the peer first, then the primary). A
 * crash at any step leaves each node with its old size or the new: the
 * next handshake takes the larger where both disks hold it, and the node
 * that grows then marks its new blocks, as step 3 does.
 */
#include "tandem.h"
#include "core/sizes.h"
#include "replication.h"
#include "metadata.h"

/* How long the asking node waits for the peer to grow (its metadata may be large). */
#define TDM_RESIZE_WAIT_S 120

/* What this node says of its size (SIZES, RESIZE, RESIZE_REPLY). Any context. */
void tdm_sizes_mine(struct tdm_device *dev, struct tdm_sizes *s)
{
	s->size = get_capacity(dev->disk);
	s->max = dev->md.layout.data_sectors;
	s->flags = READ_ONCE(dev->role) == TANDEM_ROLE_PRIMARY || READ_ONCE(dev->gen.cur) ?
		   TDM_SIZES_HAS_DATA : 0;
}

int tdm_take_size(struct tdm_device *dev, u64 sectors, bool mark)
{
	u64 old = get_capacity(dev->disk);
	int ret;

	if (sectors > old && mark) {
		tdm_bm_set_bits(dev, tdm_bm_sector_to_bit(old), tdm_bm_sector_to_bit(sectors - old));
		ret = tdm_md_owe_resync(dev) ?: tdm_bm_write(dev, false);
		if (ret)
			return ret;
	}
	ret = tdm_md_set_size(dev, sectors);
	if (ret)
		return ret;
	if (sectors < old)
		tdm_bm_clear_from(dev, tdm_bm_sector_to_bit(sectors));
	set_capacity_and_notify(dev->disk, sectors);
	tdm_info(dev, "the device is %llu MiB now (was %llu MiB)%s\n", sectors >> 11, old >> 11,
		 sectors > old && mark ? ": the new blocks are marked for resync" : "");
	tdm_event(dev, TANDEM_EVENT_RESIZE);
	return 0;
}

/* The peer's RESIZE, on this node: grow to the size both hold. May sleep. */
static enum tdm_resize_err tdm_resize_for_peer(struct tdm_conn *conn, const struct tdm_sizes *ask,
					       u64 *target)
{
	struct tdm_device *dev = conn->dev;
	enum tdm_resize_err e;
	const char *why;
	u64 cur;

	if (READ_ONCE(dev->role) == TANDEM_ROLE_PRIMARY)
		return TDM_RESIZE_PEER_PRIMARY;
	if (test_bit(TDM_DEV_DISKLESS, &dev->flags)) {
		tdm_err(dev, "resize: this node is diskless: its metadata cannot grow\n");
		return TDM_RESIZE_METADATA;
	}
	if (tdm_md_grow(dev, &why)) {
		tdm_err(dev, "resize: %s\n", why);
		return TDM_RESIZE_METADATA;
	}
	cur = get_capacity(dev->disk);
	e = tdm_resize_target(ask->size, cur, dev->md.layout.data_sectors, ask->max, target);
	if (e != TDM_RESIZE_OK || *target == cur)
		return e;
	if (tdm_take_size(dev, *target, false)) {
		tdm_err(dev, "resize: the new size cannot be recorded\n");
		return TDM_RESIZE_METADATA;
	}
	return TDM_RESIZE_OK;
}

static void tdm_resize_work(struct work_struct *work)
{
	struct tdm_conn *conn = container_of(work, struct tdm_conn, rsz.work);
	struct tdm_sizes ask, answer;
	enum tdm_resize_err e;
	u64 target = 0;

	spin_lock_irq(&conn->lock);
	ask = conn->rsz.peer_ask;
	spin_unlock_irq(&conn->lock);
	e = tdm_resize_for_peer(conn, &ask, &target);
	tdm_sizes_mine(conn->dev, &answer);
	answer.size = e == TDM_RESIZE_OK ? target : 0;
	answer.flags = 0;
	spin_lock_irq(&conn->lock);
	conn->rsz.answer = answer;
	conn->rsz.answer_err = e;
	conn->rsz.owe_reply = true;
	conn->rsz.busy = false;
	spin_unlock_irq(&conn->lock);
	wake_up(&conn->send_wq);
}

void tdm_resize_init(struct tdm_conn *conn)
{
	INIT_WORK(&conn->rsz.work, tdm_resize_work);
}

int tdm_resize_request(struct tdm_conn *conn, const struct tdm_hdr *h)
{
	u8 buf[TDM_WIRE_SIZES_LEN];
	struct tdm_sizes ask;
	bool busy;
	int ret;

	ret = tdm_tr_recv(&conn->tr, buf, sizeof(buf));
	if (ret)
		return ret;
	if (tdm_sizes_decode(buf, sizeof(buf), TDM_P_RESIZE, &ask) != TDM_WIRE_OK)
		return -EPROTO;
	spin_lock_irq(&conn->lock);
	busy = conn->rsz.busy || conn->rsz.asking || conn->sync != TDM_SYNC_NONE;
	if (busy) {
		conn->rsz.answer_err = TDM_RESIZE_BUSY;
		conn->rsz.answer.size = 0;
		conn->rsz.owe_reply = true;
	} else {
		conn->rsz.busy = true;
		conn->rsz.peer_ask = ask;
	}
	spin_unlock_irq(&conn->lock);
	if (busy)
		wake_up(&conn->send_wq);
	else
		queue_work(system_unbound_wq, &conn->rsz.work);
	return 0;
}

int tdm_resize_reply(struct tdm_conn *conn, const struct tdm_hdr *h)
{
	u8 buf[TDM_WIRE_SIZES_LEN];
	struct tdm_sizes r;
	int ret;

	ret = tdm_tr_recv(&conn->tr, buf, sizeof(buf));
	if (ret)
		return ret;
	if (tdm_sizes_decode(buf, sizeof(buf), TDM_P_RESIZE_REPLY, &r) != TDM_WIRE_OK ||
	    h->flags >= __TDM_RESIZE_MAX || !h->flags != !!r.size)
		return -EPROTO;
	spin_lock_irq(&conn->lock);
	if (conn->rsz.asking && !conn->rsz.answered) {
		conn->rsz.reply = r;
		conn->rsz.err = h->flags;
		WRITE_ONCE(conn->rsz.answered, true);
	}
	spin_unlock_irq(&conn->lock);
	wake_up(&conn->wq);
	return 0;
}

void tdm_resize_stop(struct tdm_conn *conn)
{
	flush_work(&conn->rsz.work);
	spin_lock_irq(&conn->lock);
	conn->rsz.busy = false;
	conn->rsz.owe_ask = false;
	conn->rsz.owe_reply = false;
	spin_unlock_irq(&conn->lock);
}

/* The resized blocks were marked: resync them to the peer now, as after pulling ahead. */
static void tdm_resync_new_blocks(struct tdm_conn *conn)
{
	bool go;

	spin_lock_irq(&conn->lock);
	go = conn->sync == TDM_SYNC_NONE && !conn->pri.ahead && !tdm_tr_dead(&conn->tr) &&
	     conn->peer_role != TANDEM_ROLE_PRIMARY;
	if (go) {
		WRITE_ONCE(conn->sync, TDM_SYNC_SOURCE);
		conn->owe.rs_start = true;
	}
	spin_unlock_irq(&conn->lock);
	/* Otherwise the resync running (or the next session's) takes them: they are owed. */
	if (go) {
		wake_up(&conn->send_wq);
		tdm_resync_start(conn);
	}
}

/* Ask the peer to grow; its answer in *@reply, 0 or why not. May sleep. */
static int tdm_resize_ask(struct tdm_conn *conn, const struct tdm_sizes *ask,
			  struct tdm_sizes *reply, struct netlink_ext_ack *extack)
{
	bool answered;
	u16 err;

	spin_lock_irq(&conn->lock);
	conn->rsz.ask = *ask;
	conn->rsz.asking = true;
	WRITE_ONCE(conn->rsz.answered, false);
	conn->rsz.owe_ask = true;
	spin_unlock_irq(&conn->lock);
	wake_up(&conn->send_wq);
	wait_event_timeout(conn->wq, READ_ONCE(conn->rsz.answered) ||
			   READ_ONCE(conn->cstate) != TANDEM_CONN_CONNECTED,
			   TDM_RESIZE_WAIT_S * HZ);
	spin_lock_irq(&conn->lock);
	conn->rsz.asking = false;
	answered = conn->rsz.answered;
	*reply = conn->rsz.reply;
	err = conn->rsz.err;
	spin_unlock_irq(&conn->lock);
	if (!answered) {
		NL_SET_ERR_MSG(extack,
			       "the peer did not answer: if it grew, the next connection gives this node its size too (status shows it)");
		return -ETIMEDOUT;
	}
	if (err != TDM_RESIZE_OK) {
		tdm_extack_msg(extack, tdm_resize_err_str(err));
		return err == TDM_RESIZE_BUSY || err == TDM_RESIZE_PEER_PRIMARY ? -EBUSY : -ENOSPC;
	}
	return 0;
}

int tdm_resize(struct tdm_device *dev, u64 asked, bool clean, struct netlink_ext_ack *extack)
{
	struct tdm_conn *conn = rcu_dereference_protected(dev->conn,
							  lockdep_is_held(&dev->cfg_lock));
	struct tdm_sizes ask, reply;
	const char *why = NULL;
	u64 cur;
	int ret;

	if (test_bit(TDM_DEV_DISKLESS, &dev->flags)) {
		NL_SET_ERR_MSG(extack, "this node is diskless: resize on the node with the disk, after re-attach");
		return -EIO;
	}
	if (!conn || READ_ONCE(conn->cstate) != TANDEM_CONN_CONNECTED) {
		NL_SET_ERR_MSG(extack, "resize grows both nodes: connect to the peer first");
		return -ENOTCONN;
	}
	spin_lock_irq(&conn->lock);
	if (conn->peer_role == TANDEM_ROLE_PRIMARY)
		why = tdm_resize_err_str(TDM_RESIZE_PEER_PRIMARY);
	else if (!(conn->peer_caps & TDM_CAP_SIZES))
		why = "the peer's tandem cannot resize: upgrade it first";
	else if (conn->sync != TDM_SYNC_NONE || conn->pri.ahead || conn->vf.running ||
		 conn->rsz.busy)
		why = tdm_resize_err_str(TDM_RESIZE_BUSY);
	spin_unlock_irq(&conn->lock);
	if (why) {
		tdm_extack_msg(extack, why);
		return -EBUSY;
	}
	if (tdm_disk_state(dev) != TANDEM_DISK_UPTODATE) {
		NL_SET_ERR_MSG(extack, "this node's data is not up to date: resize on the node whose is");
		return -EBUSY;
	}
	ret = tdm_md_grow(dev, &why);
	if (ret) {
		tdm_extack_msg(extack, why);
		return ret;
	}
	tdm_sizes_mine(dev, &ask);
	cur = ask.size;
	if (asked > ask.max) {
		NL_SET_ERR_MSG(extack, "this node's disk does not hold the size asked for: grow it first");
		return -ENOSPC;
	}
	if (asked && asked < cur) {
		tdm_extack_msg(extack, tdm_resize_err_str(TDM_RESIZE_SHRINK));
		return -EINVAL;
	}
	ask.size = asked;
	ask.flags = clean ? TDM_SIZES_ASSUME_CLEAN : 0;
	ret = tdm_resize_ask(conn, &ask, &reply, extack);
	if (ret)
		return ret;
	/* The peer's word is checked as any packet is: it never shrinks us. */
	if (reply.size < cur || reply.size > ask.max || (asked && reply.size != asked)) {
		tdm_err(dev, "resize: the peer took %llu sectors, which is not what was asked\n",
			reply.size);
		NL_SET_ERR_MSG(extack, "the peer answered a size that was not asked for: not taken");
		return -EPROTO;
	}
	if (reply.size == cur)
		return 0;
	if (tdm_md_fault(dev, TDM_GROW_PEER)) {
		NL_SET_ERR_MSG(extack, "stopped after the peer grew (fault_resize_step, for tests)");
		return -EIO;
	}
	ret = tdm_take_size(dev, reply.size, !clean);
	if (ret) {
		NL_SET_ERR_MSG(extack,
			       "the peer grew, this node cannot record its new size: the next connection agrees it");
		return ret;
	}
	if (!clean)
		tdm_resync_new_blocks(conn);
	return 0;
}
