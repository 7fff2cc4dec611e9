// SPDX-License-Identifier: GPL-2.0
/*
 * tandem: the connection to the peer.
 *
 * Both nodes are configured with both addresses. The node whose address
 * sorts lower connects, the other listens: they meet whichever starts first,
 * and only the listener has a port open, which accepts the configured peer's
 * IP address only, and takes the first connection that sends a whole HELLO
 * (transport.c: silent ones cannot hold the peer's own back). After a
 * session ends, the connector retries with a backoff from 100 ms doubling
 * up to 500 ms; the listener just listens.
 * After a refused handshake (a split brain aside, which halts the
 * connection: handshake.c) the connector waits from 250 ms doubling up to
 * 5 s: what made one side refuse (secrets, sizes, both primary) takes an
 * admin to fix, and neither node should spin meanwhile.
 *
 * A session begins with the handshake (handshake.c). Only then does data
 * flow: the sender thread starts and this thread runs the receive loop;
 * when either fails, the session ends here, and a primary that lost an
 * up-to-date peer fences it (fence.c).
 */
#include <linux/kthread.h>

#include "tandem.h"
#include "core/names.h"
#include "replication.h"
#include "transport.h"
#include "metadata.h"

/* Connect retries: a peer that comes back is found within half a second. */
#define TDM_BACKOFF_MIN_MS 100
#define TDM_BACKOFF_MAX_MS 500
/* After a refusal. */
#define TDM_REFUSED_MIN_MS 250
#define TDM_REFUSED_MAX_MS 5000

/* Not connected for this long: say so (the peer is no standby meanwhile). */
static unsigned long tdm_down_bound(struct tdm_conn *conn)
{
	return msecs_to_jiffies(max(10000u, 4 * READ_ONCE(conn->tr.timeout_ms)));
}

static void tdm_down_work(struct work_struct *work)
{
	struct tdm_conn *conn = container_of(to_delayed_work(work), struct tdm_conn, down_work);
	unsigned long since;

	spin_lock_irq(&conn->lock);
	since = conn->down_since;
	spin_unlock_irq(&conn->lock);
	if (READ_ONCE(conn->cstate) == TANDEM_CONN_CONNECTED)
		return;
	tdm_warn(conn->dev, "not connected to the peer for %u s: no replication, the peer is no standby\n",
		 jiffies_to_msecs(jiffies - since) / 1000);
	tdm_event(conn->dev, TANDEM_EVENT_DOWN_LONG);
}

/* Remember why the connection failed, for status. */
void tdm_set_error(struct tdm_conn *conn, const char *msg, bool peer_said)
{
	spin_lock_irq(&conn->lock);
	conn->last_error = msg;
	conn->peer_said = peer_said;
	spin_unlock_irq(&conn->lock);
}

/*
 * ko-count: a peer that answers pings but completes no write (its disk
 * hangs, or it stopped writing) is dropped once the oldest write it owes us
 * an answer for is ko_count timeouts old; the writes then complete here
 * alone, marked (tdm_session_end). Looked at every quarter timeout at most.
 * The connection thread.
 */
bool tdm_ko_expired(struct tdm_conn *conn)
{
	u32 ko = READ_ONCE(conn->cfg.ko_count), timeout = READ_ONCE(conn->tr.timeout_ms);
	unsigned long now = jiffies, oldest = now;
	struct tdm_req *req;
	unsigned int bkt;

	if (!ko || time_before(now, conn->ko_checked + msecs_to_jiffies(timeout / 4)))
		return false;
	conn->ko_checked = now;
	spin_lock_irq(&conn->lock);
	hash_for_each(conn->pri.unacked, bkt, req, ack_node)
		if (time_before(req->start, oldest))
			oldest = req->start;
	spin_unlock_irq(&conn->lock);
	if (time_before_eq(now, oldest + msecs_to_jiffies(ko * timeout)))
		return false;
	tdm_warn(conn->dev, "the peer has completed no write for %u ms (ko-count %u x %u ms): dropping it\n",
		 jiffies_to_msecs(now - oldest), ko, timeout);
	tdm_set_error(conn, "the peer completed no write for ko-count timeouts", false);
	conn->ko_fired = true;
	return true;
}

/* The transport waits for the peer during a session: ping it, or drop it (ko-count). */
static void tdm_conn_idle(struct tdm_transport *t)
{
	struct tdm_conn *conn = container_of(t, struct tdm_conn, tr);

	if (!conn->sender)
		return;
	if (tdm_ko_expired(conn)) {
		tdm_tr_abort(t);
		return;
	}
	spin_lock_irq(&conn->lock);
	conn->owe.ping = true;
	spin_unlock_irq(&conn->lock);
	wake_up(&conn->send_wq);
}

/*
 * One attempt to reach the peer: a connected socket, or NULL. A listener
 * waits for a whole HELLO on a connection as long as a handshake may take.
 */
static struct socket *tdm_establish(struct tdm_conn *conn, struct tdm_listener *listener)
{
	struct sockaddr_storage from;
	struct socket *sock;
	int ret;

	if (!listener->sock)
		return tdm_tr_connect(&conn->cfg.local, &conn->cfg.peer, conn->cfg.addrlen,
				      READ_ONCE(conn->tr.timeout_ms), &sock) ? NULL : sock;
	ret = tdm_tr_accept(listener, &conn->cfg.peer,
			    TDM_HS_DEADLINE * READ_ONCE(conn->tr.timeout_ms), tdm_hs_opened,
			    &sock, &from);
	if (ret == -EACCES) {
		tdm_warn_ratelimited(conn->dev, "refused a connection from %pISc: not the configured peer\n",
				     &from);
		tdm_set_error(conn, "refused a connection from an unexpected address", false);
	}
	return ret ? NULL : sock;
}

/* A session: start the sender, receive until the link fails. */
static void tdm_session(struct tdm_conn *conn)
{
	struct tdm_device *dev = conn->dev;
	struct task_struct *sender;
	bool again;
	int ret;

	sender = kthread_run(tdm_sender_fn, conn, "tandem-tx/%s", dev->name);
	if (IS_ERR(sender))
		return;
	get_task_struct(sender);
	/*
	 * A write without the peer marked since the generations' exchange
	 * (its new generation not begun yet), with no resync in this session
	 * to take it: decide again. Checked with the writes' marks excluded
	 * (tdm_replicate): a later write sees the session. Writes are marked
	 * anyway while either disk is missing (diskless).
	 */
	spin_lock_irq(&conn->lock);
	again = conn->sync == TDM_SYNC_NONE && conn->peer_disk != TANDEM_DISK_DISKLESS &&
		!test_bit(TDM_DEV_DISKLESS, &dev->flags) &&
		tdm_bm_unsent_seq(dev) != conn->unsent_seq && tdm_gen_moving(dev, conn->gen_sent);
	if (!again) {
		conn->sender = sender;
		WRITE_ONCE(conn->cstate, TANDEM_CONN_CONNECTED);
	}
	spin_unlock_irq(&conn->lock);
	if (again) {
		kthread_stop(sender);
		put_task_struct(sender);
		tdm_warn_ratelimited(dev, "a write without the peer during the handshake: deciding again\n");
		flush_work(&dev->gen_work);
		return;
	}
	cancel_delayed_work(&conn->down_work);
	wake_up(&conn->wq);
	tdm_event(dev, TANDEM_EVENT_CONNECTION);
	if (tdm_sync_is_target(READ_ONCE(conn->sync)))
		tdm_event(dev, TANDEM_EVENT_SYNC);
	/* A write without the peer during the handshake: decide again. */
	if (READ_ONCE(dev->gen.cur) != conn->gen_sent) {
		tdm_warn(dev, "new data generation during the handshake: reconnecting\n");
		return;
	}
	/* Only now does the peer get (or resync) every write held for fencing. */
	tdm_fence_thaw(dev, "the peer is back");
	if (tdm_sync_is_source(READ_ONCE(conn->sync)))
		tdm_resync_start(conn);

	conn->ko_fired = false;
	conn->ko_checked = jiffies;
	ret = tdm_receive_loop(conn);
	if (!kthread_should_stop())
		/* ko-count first: the shutdown it made may read as the peer's close. */
		tdm_warn(dev, "connection to the peer lost (%s)\n",
			conn->ko_fired ? "ko-count: it completed no write" :
			ret == -ETIMEDOUT ? "timeout" : ret == -ECONNRESET ? "closed by the peer" :
			ret == -EREMOTEIO ? "the peer's disk failed a write" :
			ret == -EAGAIN ? "a new session resyncs the peer's re-attached disk" :
			ret == -EPROTO ? "protocol error" : "network error");
}

/*
 * End a session: no new writes are queued, the sender stops, writes being
 * applied finish, and every write still waiting for the peer completes on
 * the local disk alone; the peer's data is then outdated.
 */
/*
 * A diskless primary's session ended. Its own requests, served by the peer
 * alone, fail if unanswered: nothing is lost. But writes from before its
 * disk was dropped that the peer may lack (@missed async ones, or on
 * @unsent or @unacked) completed here, on the disk that failed: the peer
 * is then no good copy of what applications read. The generations say so
 * (in memory: a dropped disk takes no metadata), and the next session is
 * refused as "no good copy" (core/gen.c).
 */
static void tdm_diskless_lost(struct tdm_device *dev, bool missed, struct list_head *unsent,
			      struct list_head *unacked)
{
	struct tdm_sendq_item *item;
	struct tdm_req *req;
	bool lost = missed;

	list_for_each_entry(item, unsent, node)
		lost |= item->copy || !container_of(item, struct tdm_req, q)->remote;
	list_for_each_entry(req, unacked, wait_node)
		lost |= !req->remote && op_is_write(bio_op(req->orig));
	if (!lost)
		return;
	mutex_lock(&dev->md_lock);
	dev->gen.flags |= TDM_GEN_RESYNC_OWED;
	mutex_unlock(&dev->md_lock);
	tdm_err(dev, "diskless, and writes the peer may lack were only on the disk that failed: the peer is no good copy; demote this node, promote the peer with --force if its data will do\n");
}

static void tdm_session_end(struct tdm_conn *conn)
{
	struct tdm_device *dev = conn->dev;
	struct tdm_req *req, *tmp;
	struct hlist_node *htmp;
	LIST_HEAD(unsent);
	LIST_HEAD(unacked);
	unsigned int bkt;
	bool was_connected, primary, missed, ahead, fence;

	spin_lock_irq(&conn->lock);
	was_connected = conn->cstate == TANDEM_CONN_CONNECTED;
	/* A diskless primary does not fence the peer that holds its only copy. */
	fence = was_connected && conn->peer_disk == TANDEM_DISK_UPTODATE &&
		READ_ONCE(dev->role) == TANDEM_ROLE_PRIMARY &&
		!test_bit(TDM_DEV_DISKLESS, &dev->flags);
	WRITE_ONCE(conn->tr.dead, true);
	spin_unlock_irq(&conn->lock);
	/* Before any write can complete without the peer (fence.c). */
	if (fence)
		tdm_fence_peer_lost(conn);
	tdm_tr_abort(&conn->tr);
	/* The sender first: it may start a resync (tdm_catch_up). */
	if (conn->sender) {
		kthread_stop(conn->sender);
		put_task_struct(conn->sender);
		conn->sender = NULL;
	}
	tdm_resync_stop(conn);
	tdm_verify_stop(conn);
	tdm_resize_stop(conn);
	tdm_receiver_drain(conn);

	/*
	 * A primary goes on without the peer: its writes from now on belong
	 * to a new generation, started by the first of them (see gen.c), or
	 * at once below if writes the peer missed are waiting to complete.
	 */
	primary = was_connected && READ_ONCE(dev->role) == TANDEM_ROLE_PRIMARY;
	spin_lock_irq(&conn->lock);
	if (primary)
		tdm_gen_pending(dev, TDM_GEN_PENDING_SPLIT);
	WRITE_ONCE(conn->cstate, conn->halted ? TANDEM_CONN_STANDALONE : TANDEM_CONN_CONNECTING);
	if (was_connected)
		conn->down_since = jiffies;
	WRITE_ONCE(conn->sync, TDM_SYNC_FRESH);
	/*
	 * Asked for in this session, not carried into the next: a SYNC_DONE
	 * owed here and sent in the next session would end the next resync
	 * before its first block (the target would call itself up to date).
	 */
	conn->rs.everything = false;
	WRITE_ONCE(conn->rs.mark_all, false);
	memset(&conn->owe, 0, sizeof(conn->owe));
	conn->owe.promote_reply = -1;
	ahead = conn->pri.ahead;
	WRITE_ONCE(conn->pri.ahead, false);
	conn->pri.ahead_owed = false;
	WRITE_ONCE(conn->pri.backlog, 0);
	missed = tdm_async_forget(conn);
	list_splice_init(&conn->pri.sendq, &unsent);
	conn->pri.pending = 0;
	hash_for_each_safe(conn->pri.unacked, bkt, htmp, req, ack_node) {
		hash_del(&req->ack_node);
		list_add_tail(&req->wait_node, &unacked);
	}
	if (READ_ONCE(dev->role) == TANDEM_ROLE_PRIMARY &&
	    conn->peer_disk >= TANDEM_DISK_OUTDATED && conn->peer_disk <= TANDEM_DISK_UPTODATE) {
		conn->peer_disk = TANDEM_DISK_OUTDATED;
		conn->peer_disk_assumed = true;
	}
	if (conn->peer_role == TANDEM_ROLE_PRIMARY)
		conn->peer_role = TANDEM_ROLE_SECONDARY;
	spin_unlock_irq(&conn->lock);
	wake_up(&conn->wq);
	if (was_connected || conn->halted)
		tdm_event(dev, TANDEM_EVENT_CONNECTION);
	if (was_connected)
		mod_delayed_work(system_wq, &conn->down_work, tdm_down_bound(conn));

	/* Writes only marked while ahead: resync them even if nothing else changes. */
	if (ahead)
		tdm_md_owe_resync(dev);
	if (primary && test_bit(TDM_DEV_DISKLESS, &dev->flags)) {
		tdm_diskless_lost(dev, missed, &unsent, &unacked);
	} else if (primary && (missed || !list_empty(&unsent) || !list_empty(&unacked))) {
		queue_work(system_unbound_wq, &dev->gen_work);
		flush_work(&dev->gen_work);
	}

	/* A sync request neither sent nor acked is on both lists: one part each. */
	tdm_sendq_drop(dev, &unsent);
	list_for_each_entry_safe(req, tmp, &unacked, wait_node) {
		list_del_init(&req->wait_node);
		if (op_is_write(bio_op(req->orig)))
			tdm_bm_set(dev, req->orig->bi_iter.bi_sector, bio_sectors(req->orig));
		/* Served by the peer alone (diskless), and not answered: it failed. */
		if (req->remote)
			req->status = BLK_STS_IOERR;
		tdm_req_put(req);
	}
	tdm_bm_write(dev, false);
	tdm_tr_release(&conn->tr);
}

static int tdm_conn_thread(void *data)
{
	struct tdm_conn *conn = data;
	struct tdm_listener listener = { };
	struct socket *sock;
	unsigned int backoff = TDM_BACKOFF_MIN_MS, refused_ms = 0;
	int ret;

	while (!kthread_should_stop()) {
		if (conn->halted) {
			/* Split brain or unrelated data: wait for disconnect. */
			schedule_timeout_interruptible(MAX_SCHEDULE_TIMEOUT);
			continue;
		}
		if (conn->cfg.acceptor && !listener.sock &&
		    tdm_tr_listen(&conn->cfg.local, conn->cfg.addrlen, &listener)) {
			tdm_set_error(conn, "cannot listen on the local address", false);
			schedule_timeout_interruptible(msecs_to_jiffies(TDM_BACKOFF_MAX_MS));
			continue;
		}
		sock = tdm_establish(conn, &listener);
		if (!sock) {
			if (!listener.sock) {
				schedule_timeout_interruptible(msecs_to_jiffies(backoff));
				backoff = min(backoff * 2, TDM_BACKOFF_MAX_MS);
			}
			continue;
		}
		tdm_tr_start(&conn->tr, sock);
		ret = tdm_handshake(conn);
		if (!ret) {
			backoff = TDM_BACKOFF_MIN_MS;
			refused_ms = 0;
			tdm_session(conn);
		}
		tdm_session_end(conn);
		if (ret == -ECONNREFUSED && !listener.sock) {
			refused_ms = clamp(refused_ms * 2, TDM_REFUSED_MIN_MS, TDM_REFUSED_MAX_MS);
			schedule_timeout_interruptible(msecs_to_jiffies(refused_ms));
		}
	}
	tdm_tr_unlisten(&listener);
	return 0;
}

/* Start connecting; the caller holds dev->cfg_lock and filled in @conn's config. */
int tdm_conn_start(struct tdm_device *dev, struct tdm_conn *conn,
		   struct netlink_ext_ack *extack)
{
	struct socket *probe;
	int ret;

	conn->dev = dev;
	spin_lock_init(&conn->lock);
	INIT_LIST_HEAD(&conn->pri.sendq);
	conn->sec.applying = RB_ROOT_CACHED;
	INIT_LIST_HEAD(&conn->sec.acks);
	INIT_LIST_HEAD(&conn->sec.waiting);
	INIT_WORK(&conn->sec.apply_work, tdm_apply_work);
	tdm_resize_init(conn);
	INIT_LIST_HEAD(&conn->rs.q);
	INIT_LIST_HEAD(&conn->rs.reading);
	INIT_LIST_HEAD(&conn->vf.q);
	INIT_LIST_HEAD(&conn->vf.pending);
	hash_init(conn->pri.unacked);
	init_waitqueue_head(&conn->send_wq);
	init_waitqueue_head(&conn->wq);
	init_waitqueue_head(&conn->rs_wq);
	timer_setup(&conn->sec.ack_timer, tdm_ack_timer_fn, 0);
	conn->sync = TDM_SYNC_FRESH;
	conn->tr.idle = tdm_conn_idle;
	ret = tdm_tr_init(&conn->tr);
	if (ret)
		return ret;
	if (conn->cfg.protocol == TANDEM_PROTO_ASYNC) {
		conn->pri.aslots = kvcalloc(TDM_ASYNC_SLOTS, sizeof(*conn->pri.aslots), GFP_KERNEL);
		if (!conn->pri.aslots) {
			ret = -ENOMEM;
			goto err_free_rx;
		}
	}
	conn->cstate = TANDEM_CONN_CONNECTING;
	conn->down_since = jiffies;
	INIT_DELAYED_WORK(&conn->down_work, tdm_down_work);
	conn->owe.promote_reply = -1;
	conn->promote_answer = -1;

	/* Fail now, not in the thread, if the local address cannot be used. */
	ret = tdm_tr_bind(&conn->cfg.local, conn->cfg.addrlen, conn->cfg.acceptor, &probe);
	if (ret) {
		if (ret == -EADDRINUSE)
			NL_SET_ERR_MSG(extack, "local address is already in use");
		else
			NL_SET_ERR_MSG(extack, "cannot bind the local address (is it an address of this node?)");
		goto err_free_slots;
	}
	sock_release(probe);

	conn->thread = kthread_create(tdm_conn_thread, conn, "tandem/%s", dev->name);
	if (IS_ERR(conn->thread)) {
		NL_SET_ERR_MSG(extack, "cannot start the connection thread");
		ret = PTR_ERR(conn->thread);
		goto err_free_slots;
	}
	get_task_struct(conn->thread);
	rcu_assign_pointer(dev->conn, conn);
	queue_delayed_work(system_wq, &conn->down_work, tdm_down_bound(conn));
	wake_up_process(conn->thread);
	tdm_event(dev, TANDEM_EVENT_CONNECTION);
	tdm_info(dev, "connecting %pISpc to %pISpc (%s, %s)\n",
		&conn->cfg.local, &conn->cfg.peer, tdm_proto_name(conn->cfg.protocol),
		conn->cfg.acceptor ? "listening" : "connecting");
	return 0;

err_free_slots:
	kvfree(conn->pri.aslots);
err_free_rx:
	tdm_tr_exit(&conn->tr);
	return ret;
}

/* Disconnect; the caller holds dev->cfg_lock. Writes go on locally. */
void tdm_conn_stop(struct tdm_device *dev)
{
	struct tdm_conn *conn = rcu_dereference_protected(dev->conn,
							  lockdep_is_held(&dev->cfg_lock));

	if (!conn)
		return;
	kthread_stop(conn->thread);
	put_task_struct(conn->thread);
	/* The thread is gone: nothing queues it again. */
	cancel_delayed_work_sync(&conn->down_work);
	RCU_INIT_POINTER(dev->conn, NULL);
	synchronize_rcu();
	tdm_info(dev, "disconnected\n");
	tdm_event(dev, TANDEM_EVENT_CONNECTION);
	kvfree(conn->pri.aslots);
	tdm_tr_exit(&conn->tr);
	kfree_sensitive(conn);
}
