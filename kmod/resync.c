// SPDX-License-Identifier: GPL-2.0
/*
 * tandem: resync, copying the blocks the bitmap marks from the node with
 * the newer data (source) to the other (target, always secondary).
 *
 * The source's "tandem-rs" thread walks the bitmap, reads a run of marked
 * blocks (up to 256 KiB) from its disk and queues it for the sender, keeping
 * at most TDM_RS_WINDOW bytes unacknowledged: the link, not a rate knob,
 * sets the pace, unless an admin set a limit (connect --resync-rate); while
 * the application writes, the window shrinks so that its writes go first.
 * Reads are asynchronous, several in flight. The target writes each run,
 * clears its bits and answers RS_ACK; the source clears its bits then. A
 * pass that leaves bits (a run spoiled by an application write, below) is
 * followed by another.
 *
 * Application writes go on during a resync. A run must never carry data
 * older than an application write the peer already has: a run's read is
 * thrown away (its bits stay set) if an overlapping application write was
 * in flight at the run's registration, or submitted or completed between
 * the registration and the run's queueing. A write that completed before
 * the registration is on the disk before the read, so both carry the same
 * bytes. The sender sends queued runs before
 * queued writes, and the target applies overlapping writes in order.
 */
#include <linux/kthread.h>
#include <linux/slab.h>

#include "tandem.h"
#include "replication.h"
#include "transport.h"
#include "metadata.h"

void tdm_rs_req_free(struct tdm_device *dev, struct tdm_rs_req *rs)
{
	tdm_pages_release(&dev->pages, rs->pages, rs->nr_pages);
	kfree(rs);
}

/* Resync bytes moved: report progress at most once a second; conn->lock held. */
void tdm_resync_progress(struct tdm_conn *conn)
{
	lockdep_assert_held(&conn->lock);
	if (time_before(jiffies, conn->rs.event_at + HZ))
		return;
	conn->rs.event_at = jiffies;
	tdm_event(conn->dev, TANDEM_EVENT_SYNC_PROGRESS);
}

/* An application write to [sector, +sectors) is submitted or completed. */
void tdm_resync_spoil(struct tdm_conn *conn, sector_t sector, u32 sectors)
{
	struct tdm_rs_req *rs;

	lockdep_assert_held(&conn->lock);
	list_for_each_entry(rs, &conn->rs.reading, node)
		if (sector < rs->sector + (rs->size >> SECTOR_SHIFT) && rs->sector < sector + sectors)
			rs->spoiled = true;
}

/* A run's read is done: queue it for the peer unless spoiled. Any context. */
static void tdm_rs_read_endio(struct bio *bio)
{
	struct tdm_rs_req *rs = bio->bi_private;
	struct tdm_conn *conn = rs->conn;
	/* Outlives conn, which may be freed once the lock is dropped. */
	struct tdm_device *dev = conn->dev;
	unsigned long flags;
	bool queued = false;

	spin_lock_irqsave(&conn->lock, flags);
	list_del(&rs->node);
	WRITE_ONCE(conn->rs.reading_bytes, conn->rs.reading_bytes - rs->size);
	if (bio->bi_status) {
		WRITE_ONCE(conn->rs.read_error, true);
		if (tdm_md_disk_error(dev, "resync read", rs->sector, false)) {
			conn->owe.state = true;
			wake_up(&conn->send_wq);
		}
	} else if (!rs->spoiled && !tdm_tr_dead(&conn->tr)) {
		list_add_tail(&rs->node, &conn->rs.q);
		conn->rs.inflight += rs->size;
		queued = true;
	}
	if (queued)
		wake_up(&conn->send_wq);
	/* Under the lock: once it is dropped, the session may end and free conn. */
	wake_up(&conn->rs_wq);
	spin_unlock_irqrestore(&conn->lock, flags);
	bio_put(bio);
	if (!queued)
		tdm_rs_req_free(dev, rs);
}

/*
 * Read bits [start, +n) from the local disk, asynchronously; the run is
 * registered first, so that a write from now on spoils it. A write sent
 * down before, and not yet completed, spoils it too: the read could return
 * the old data, and the peer may get that after the write, or (a write
 * made while disconnected) never get the write at all. Checked after the
 * registration: a write that starts after the check spoils the run itself.
 */
static int tdm_resync_read(struct tdm_conn *conn, u64 start, u64 n)
{
	struct tdm_device *dev = conn->dev;
	u32 size = n << TDM_BM_SHIFT;
	unsigned int nr_pages = size >> PAGE_SHIFT, i;
	struct tdm_rs_req *rs;
	struct bio *bio;

	rs = kzalloc(struct_size(rs, pages, nr_pages), GFP_NOIO);
	if (!rs)
		return -ENOMEM;
	rs->conn = conn;
	rs->sector = tdm_bm_bit_to_sector(start);
	rs->size = size;
	if (tdm_pages_fill(&dev->pages, rs->pages, size, GFP_NOIO)) {
		kfree(rs);
		return -ENOMEM;
	}
	rs->nr_pages = nr_pages;
	bio = bio_alloc(dev->backing, nr_pages, REQ_OP_READ, GFP_NOIO);
	bio->bi_iter.bi_sector = rs->sector;
	bio->bi_private = rs;
	bio->bi_end_io = tdm_rs_read_endio;
	for (i = 0; i < nr_pages; i++)
		__bio_add_page(bio, rs->pages[i].bv_page, PAGE_SIZE, 0);

	spin_lock_irq(&conn->lock);
	list_add_tail(&rs->node, &conn->rs.reading);
	WRITE_ONCE(conn->rs.reading_bytes, conn->rs.reading_bytes + size);
	spin_unlock_irq(&conn->lock);
	if (dev->write_in_flight(dev, rs->sector, size >> SECTOR_SHIFT)) {
		spin_lock_irq(&conn->lock);
		rs->spoiled = true;
		spin_unlock_irq(&conn->lock);
	}
	/* Pairs with the barrier in tdm_resync_write_done(). */
	smp_mb();
	submit_bio(bio);
	return 0;
}

/* Local completion of an application write: spoil a run being read. */
void tdm_resync_write_done(struct tdm_device *dev, struct bio *bio)
{
	struct tdm_conn *conn;
	unsigned long flags;

	smp_mb();
	rcu_read_lock();
	conn = rcu_dereference(dev->conn);
	if (conn && READ_ONCE(conn->rs.reading_bytes)) {
		spin_lock_irqsave(&conn->lock, flags);
		tdm_resync_spoil(conn, bio->bi_iter.bi_sector, bio_sectors(bio));
		spin_unlock_irqrestore(&conn->lock, flags);
	}
	rcu_read_unlock();
}

/*
 * May another run be queued? The window shrinks while the application
 * writes (writes queued, or one in the last 100 ms): the resync backs off
 * to a trickle and takes the whole link again when the application idles.
 */
static bool tdm_rs_window_open(struct tdm_conn *conn, bool drained)
{
	bool open, busy;

	spin_lock_irq(&conn->lock);
	busy = conn->pri.pending || time_before(jiffies, conn->pri.last_app_write + HZ / 10);
	open = drained ? !conn->rs.inflight && !conn->rs.reading_bytes :
	       conn->rs.inflight + conn->rs.reading_bytes <
	       (busy ? TDM_RS_WINDOW_BUSY : TDM_RS_WINDOW);
	spin_unlock_irq(&conn->lock);
	return open || tdm_tr_dead(&conn->tr) || kthread_should_stop();
}

/* With a rate limit, sleep until the bytes sent so far are due. */
static void tdm_rs_pace(struct tdm_conn *conn)
{
	u32 rate = READ_ONCE(conn->cfg.rs_rate);
	unsigned long due, start;
	u64 sent;

	if (!rate)
		return;
	spin_lock_irq(&conn->lock);
	sent = conn->rs.done + conn->rs.inflight;
	start = conn->rs.start;
	spin_unlock_irq(&conn->lock);
	due = start + msecs_to_jiffies(div_u64(sent, (u64)rate << 10));
	if (time_before(jiffies, due))
		schedule_timeout_interruptible(due - jiffies);
}

/*
 * Every bit cleared on both sides: the peer now has our data. False if a
 * bit was set again meanwhile: a write the peer failed sets its bit, then
 * RESYNC_OWED under md_lock (tdm_peer_write_failed), so under that lock
 * either the bit is seen here, or the flag is set again after it is cleared.
 */
static bool tdm_resync_finish_source(struct tdm_conn *conn)
{
	struct tdm_device *dev = conn->dev;
	unsigned long secs;

	mutex_lock(&dev->md_lock);
	/* A session that ended has no peer to tell: the next decides again. */
	if (tdm_bm_count(dev) || tdm_tr_dead(&conn->tr)) {
		mutex_unlock(&dev->md_lock);
		return false;
	}
	tdm_gen_synced(&dev->gen);
	tdm_md_write_sb(dev);
	mutex_unlock(&dev->md_lock);
	tdm_bm_write(dev, false);
	spin_lock_irq(&conn->lock);
	WRITE_ONCE(conn->sync, TDM_SYNC_NONE);
	/* The flag is off the disk: a later pull-ahead writes it again. */
	conn->pri.ahead_owed = false;
	conn->owe.sync_done = true;
	secs = max(1UL, (jiffies - conn->rs.start) / HZ);
	tdm_info(dev, "resync done: %llu MiB in %lu s\n", conn->rs.done >> 20, secs);
	spin_unlock_irq(&conn->lock);
	tdm_event(dev, TANDEM_EVENT_SYNC);
	wake_up(&conn->send_wq);
	return true;
}

/* A resync from us begins: its size and start, for status. */
static void tdm_resync_begin(struct tdm_conn *conn)
{
	struct tdm_device *dev = conn->dev;
	u64 total = tdm_bm_count(dev) << TDM_BM_SHIFT;

	spin_lock_irq(&conn->lock);
	conn->rs.total = total;
	conn->rs.done = 0;
	conn->rs.start = jiffies;
	spin_unlock_irq(&conn->lock);
	tdm_info(dev, "resync to the peer: %llu MiB out of sync\n", total >> 20);
	tdm_event(dev, TANDEM_EVENT_SYNC);
}

/*
 * The resync thread, first, after invalidate: every block marked and owed
 * on disk (so that a session that ends before the resync does it at the
 * next), then the peer is told to become our target. 0, or the session ends.
 */
static int tdm_resync_mark_all(struct tdm_conn *conn)
{
	struct tdm_device *dev = conn->dev;

	tdm_bm_set_all(dev);
	if (tdm_md_owe_resync(dev) || tdm_bm_write(dev, false)) {
		tdm_err(dev, "invalidate: cannot record the blocks to resync\n");
		tdm_tr_abort(&conn->tr);
		return -EIO;
	}
	spin_lock_irq(&conn->lock);
	WRITE_ONCE(conn->rs.mark_all, false);
	conn->owe.rs_start = true;
	spin_unlock_irq(&conn->lock);
	wake_up(&conn->send_wq);
	tdm_info(dev, "invalidated: resyncing every block to the peer\n");
	tdm_resync_begin(conn);
	return 0;
}

static int tdm_resync_fn(void *data)
{
	struct tdm_conn *conn = data;
	u64 cursor = 0, start, n;
	struct blk_plug plug;

	if (READ_ONCE(conn->rs.mark_all) && tdm_resync_mark_all(conn))
		return 0;
	/* Reads issued back to back reach the disk together (at the next sleep). */
	blk_start_plug(&plug);
	while (!kthread_should_stop() && !tdm_tr_dead(&conn->tr)) {
		/* A busy application's writes do not wake us: poll then. */
		wait_event_interruptible_timeout(conn->rs_wq, tdm_rs_window_open(conn, false),
						 HZ / 20);
		if (kthread_should_stop() || tdm_tr_dead(&conn->tr))
			break;
		if (!tdm_rs_window_open(conn, false))
			continue;
		tdm_rs_pace(conn);
		n = tdm_bm_next_run(conn->dev, cursor, TDM_RS_MAX_BITS, &start);
		if (!n) {
			/* End of a pass: once all is acked, done or start over. */
			wait_event_interruptible(conn->rs_wq, tdm_rs_window_open(conn, true));
			if (kthread_should_stop() || tdm_tr_dead(&conn->tr) ||
			    READ_ONCE(conn->rs.read_error))
				break;
			if (!tdm_bm_count(conn->dev) && tdm_resync_finish_source(conn))
				break;
			/* What is left was spoiled by writes: let them finish first. */
			schedule_timeout_interruptible(HZ / 50);
			cursor = 0;
			continue;
		}
		if (tdm_resync_read(conn, start, n)) {
			spin_lock_irq(&conn->lock);
			WRITE_ONCE(conn->rs.read_error, true);
			spin_unlock_irq(&conn->lock);
			break;
		}
		cursor = start + n;
	}
	blk_finish_plug(&plug);
	if (READ_ONCE(conn->rs.read_error) && !tdm_tr_dead(&conn->tr)) {
		/* Cannot read our own disk: the peer cannot be made whole. */
		tdm_err(conn->dev, "resync: cannot read the local disk\n");
		tdm_tr_abort(&conn->tr);
	}
	/* Wait to be stopped: the session owns this thread. */
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

/*
 * Sender thread: every block is to be resynced to the peer (invalidate).
 * This session becomes a resync source now; its thread marks every block
 * first (tdm_resync_mark_all), as that writes the whole bitmap.
 */
/* May this node resync every block to the peer now? conn->lock held. */
static bool tdm_can_resync_all(struct tdm_conn *conn)
{
	lockdep_assert_held(&conn->lock);
	return conn->sync == TDM_SYNC_NONE && !conn->pri.ahead && !tdm_tr_dead(&conn->tr) &&
	       conn->peer_role != TANDEM_ROLE_PRIMARY &&
	       tdm_disk_state(conn->dev) == TANDEM_DISK_UPTODATE;
}

static void tdm_resync_everything(struct tdm_conn *conn)
{
	bool go;

	spin_lock_irq(&conn->lock);
	go = conn->rs.everything && tdm_can_resync_all(conn);
	conn->rs.everything = false;
	if (go) {
		WRITE_ONCE(conn->sync, TDM_SYNC_SOURCE);
		WRITE_ONCE(conn->rs.mark_all, true);
	}
	spin_unlock_irq(&conn->lock);
	if (go)
		tdm_resync_start(conn);
}

/*
 * The peer's data is suspect (its admin ran invalidate): if ours is up to
 * date and no resync runs, resync everything to it.
 */
void tdm_resync_requested(struct tdm_conn *conn)
{
	struct tdm_device *dev = conn->dev;
	bool ok;

	spin_lock_irq(&conn->lock);
	ok = tdm_can_resync_all(conn);
	if (ok)
		conn->rs.everything = true;
	spin_unlock_irq(&conn->lock);
	if (ok)
		wake_up(&conn->send_wq);
	else
		tdm_warn(dev, "the peer asked for a full resync, but this node cannot be its source now\n");
}

/* The connected session of @dev for invalidate, or NULL with @extack set. */
static struct tdm_conn *tdm_invalidate_conn(struct tdm_device *dev,
					    struct netlink_ext_ack *extack)
{
	struct tdm_conn *conn = rcu_dereference_protected(dev->conn,
							  lockdep_is_held(&dev->cfg_lock));

	if (!conn || READ_ONCE(conn->cstate) != TANDEM_CONN_CONNECTED) {
		NL_SET_ERR_MSG(extack, "not connected: the other node's data is needed");
		return NULL;
	}
	return conn;
}

int tdm_invalidate(struct tdm_device *dev, struct netlink_ext_ack *extack)
{
	struct tdm_conn *conn = tdm_invalidate_conn(dev, extack);
	const char *why = NULL;

	if (!conn)
		return -ENOTCONN;
	if (READ_ONCE(dev->role) == TANDEM_ROLE_PRIMARY) {
		NL_SET_ERR_MSG(extack, "a primary cannot take the peer's data: make it secondary first");
		return -EBUSY;
	}
	spin_lock_irq(&conn->lock);
	if (!(conn->peer_caps & TDM_CAP_RS_REQUEST))
		why = "the peer's tandem cannot resync on request: update it";
	else if (conn->peer_disk != TANDEM_DISK_UPTODATE)
		why = "the peer's data is not up to date: nothing to take";
	else if (conn->sync != TDM_SYNC_NONE)
		why = "a resync is running: wait for it";
	else
		conn->owe.rs_request = true;
	spin_unlock_irq(&conn->lock);
	if (why) {
		tdm_extack_msg(extack, why);
		return -EBUSY;
	}
	wake_up(&conn->send_wq);
	tdm_info(dev, "invalidate: asking the peer for every block\n");
	return 0;
}

int tdm_invalidate_remote(struct tdm_device *dev, struct netlink_ext_ack *extack)
{
	struct tdm_conn *conn = tdm_invalidate_conn(dev, extack);
	const char *why = NULL;

	if (!conn)
		return -ENOTCONN;
	if (tdm_disk_state(dev) != TANDEM_DISK_UPTODATE) {
		NL_SET_ERR_MSG(extack, "this node's data is not up to date: it cannot be the source");
		return -EBUSY;
	}
	spin_lock_irq(&conn->lock);
	if (conn->peer_role == TANDEM_ROLE_PRIMARY)
		why = "the peer is primary: it cannot take this node's data";
	else if (conn->sync != TDM_SYNC_NONE || conn->pri.ahead)
		why = "a resync is running: wait for it";
	else
		conn->rs.everything = true;
	spin_unlock_irq(&conn->lock);
	if (why) {
		tdm_extack_msg(extack, why);
		return -EBUSY;
	}
	wake_up(&conn->send_wq);
	return 0;
}

/*
 * Sender thread, after each batch: while ahead, owe the peer a resync on
 * disk (in case the session ends before the catch-up); once the backlog is
 * sent, tell the peer and resync what was marked. And a resync of every
 * block, when asked for.
 */
void tdm_catch_up(struct tdm_conn *conn)
{
	struct tdm_device *dev = conn->dev;
	bool owe, start;

	tdm_resync_everything(conn);
	spin_lock_irq(&conn->lock);
	owe = conn->pri.ahead && !conn->pri.ahead_owed;
	start = conn->pri.ahead && !conn->pri.backlog && !tdm_tr_dead(&conn->tr);
	if (start) {
		WRITE_ONCE(conn->pri.ahead, false);
		WRITE_ONCE(conn->sync, TDM_SYNC_SOURCE);
		conn->owe.rs_start = true;
	}
	spin_unlock_irq(&conn->lock);
	if (owe || start) {
		tdm_md_owe_resync(dev);
		spin_lock_irq(&conn->lock);
		conn->pri.ahead_owed = true;
		spin_unlock_irq(&conn->lock);
	}
	if (start) {
		tdm_info(dev, "the link caught up: resyncing the blocks written meanwhile\n");
		tdm_resync_start(conn);
	}
}

/* Stop the resync thread, if there is one. */
static void tdm_resync_reap(struct tdm_conn *conn)
{
	struct task_struct *t;

	spin_lock_irq(&conn->lock);
	t = conn->resyncer;
	conn->resyncer = NULL;
	spin_unlock_irq(&conn->lock);
	if (t) {
		kthread_stop(t);
		put_task_struct(t);
	}
}

/* Become the source of a resync; the sender runs. */
void tdm_resync_start(struct tdm_conn *conn)
{
	struct tdm_device *dev = conn->dev;
	struct task_struct *t;

	/* The thread of a finished resync (pull-ahead catches up again) waits to be stopped. */
	tdm_resync_reap(conn);

	if (!READ_ONCE(conn->rs.mark_all))
		tdm_resync_begin(conn);
	t = kthread_create(tdm_resync_fn, conn, "tandem-rs/%s", dev->name);
	if (IS_ERR(t)) {
		/* End the session ; retry on reconnect. */
		tdm_err(dev, "cannot start the resync thread\n");
		tdm_tr_abort(&conn->tr);
		return;
	}
	/*
	 * A session that ended meanwhile has stopped its resync already (and
	 * the next one, maybe in its handshake, decides its own).
	 */
	spin_lock_irq(&conn->lock);
	if (tdm_tr_dead(&conn->tr) || conn->cstate != TANDEM_CONN_CONNECTED || conn->resyncer) {
		spin_unlock_irq(&conn->lock);
		kthread_stop(t);
		return;
	}
	get_task_struct(t);
	conn->resyncer = t;
	spin_unlock_irq(&conn->lock);
	wake_up_process(t);
}

static bool tdm_rs_reads_done(struct tdm_conn *conn)
{
	bool done;

	spin_lock_irq(&conn->lock);
	done = list_empty(&conn->rs.reading);
	spin_unlock_irq(&conn->lock);
	return done;
}

/* Session end, tdm_tr_dead(&conn->tr) set: stop the thread and drop what was not sent. */
void tdm_resync_stop(struct tdm_conn *conn)
{
	struct tdm_rs_req *rs, *tmp;
	LIST_HEAD(rsq);

	tdm_resync_reap(conn);
	/* Reads in flight reference conn: wait for them. */
	wait_event(conn->rs_wq, tdm_rs_reads_done(conn));
	spin_lock_irq(&conn->lock);
	WRITE_ONCE(conn->rs.read_error, false);
	list_splice_init(&conn->rs.q, &rsq);
	conn->rs.inflight = 0;
	spin_unlock_irq(&conn->lock);
	list_for_each_entry_safe(rs, tmp, &rsq, node) {
		list_del(&rs->node);
		tdm_rs_req_free(conn->dev, rs);
	}
}

/* RS_ACK: the target wrote a run; clear its bits here too. */
int tdm_resync_acked(struct tdm_conn *conn, const struct tdm_hdr *h)
{
	struct tdm_device *dev = conn->dev;
	u64 sector = h->seq;
	u32 size = h->epoch;

	if (!size || size % (1u << TDM_BM_SHIFT) ||
	    sector % TDM_BM_SECTORS_PER_BIT ||
	    !tdm_range_ok(sector, size, get_capacity(dev->disk)))
		return -EPROTO;
	if (h->flags & TDM_ACK_ERROR) {
		tdm_err_ratelimited(dev, "the peer failed to write resync data at sector %llu\n",
				    sector);
		return -EIO;
	}
	tdm_bm_clear_bits(dev, tdm_bm_sector_to_bit(sector), size >> TDM_BM_SHIFT);
	spin_lock_irq(&conn->lock);
	conn->rs.inflight -= min_t(u64, size, conn->rs.inflight);
	conn->rs.done += size;
	tdm_resync_progress(conn);
	spin_unlock_irq(&conn->lock);
	wake_up(&conn->rs_wq);
	return 0;
}

/*
 * SYNC_DONE on the target: every run is written; take the source's
 * generations. Up to date only if no write of the peer's failed here this
 * session: such a write's block stays marked (tdm_applied_failed) and the
 * disk inconsistent, while the source, told by its error ack, owes us a
 * resync again.
 */
int tdm_resync_finish_target(struct tdm_conn *conn, const struct tdm_gen *src)
{
	struct tdm_device *dev = conn->dev;
	bool failed;
	int ret;

	spin_lock_irq(&conn->lock);
	failed = conn->sec.apply_failed;
	spin_unlock_irq(&conn->lock);
	/*
	 * Every block the resync owed us clears its bit as it lands: a source
	 * that says done while bits are left is wrong, and we stay inconsistent.
	 */
	if (!failed && tdm_bm_count(dev)) {
		tdm_err(dev, "the peer ended the resync with %llu KiB not received: staying inconsistent\n",
			(tdm_bm_count(dev) << TDM_BM_SHIFT) >> 10);
		return -EPROTO;
	}
	mutex_lock(&dev->md_lock);
	tdm_gen_adopt(&dev->gen, src);
	if (!failed)
		dev->md.flags = (dev->md.flags | TDM_MDF_CONSISTENT) & ~TDM_MDF_OUTDATED;
	ret = tdm_md_write_sb(dev);
	mutex_unlock(&dev->md_lock);
	if (!failed) {
		tdm_bm_clear_all(dev);
		tdm_bm_write(dev, false);
		tdm_set_disk_state(dev, TANDEM_DISK_UPTODATE);
		tdm_md_disk_recovered(dev);
	}
	spin_lock_irq(&conn->lock);
	WRITE_ONCE(conn->sync, TDM_SYNC_NONE);
	conn->owe.state = true;
	if (failed)
		tdm_warn(dev, "resync done, but the local disk failed writes meanwhile: still inconsistent\n");
	else
		tdm_info(dev, "resync done: %llu MiB received, up to date\n", conn->rs.done >> 20);
	spin_unlock_irq(&conn->lock);
	tdm_event(dev, TANDEM_EVENT_SYNC);
	if (!failed)
		tdm_handler_notify(dev, TANDEM_HANDLER_AFTER_RESYNC_TARGET);
	wake_up(&conn->send_wq);
	return ret;
}
