// SPDX-License-Identifier: GPL-2.0
/*
 * tandem: roles. One primary at a time: while connected, a node becomes
 * primary only after the peer agreed (it answers yes only if it is neither
 * primary nor becoming primary, and from then on refuses to become primary
 * itself). Two nodes asking at once are both refused.
 */
#include "tandem.h"
#include "device.h"
#include "replication.h"
#include "metadata.h"

static struct tdm_conn *tdm_conn_of(struct tdm_device *dev)
{
	return rcu_dereference_protected(dev->conn, lockdep_is_held(&dev->cfg_lock));
}

/* Ask the connected peer; 0 if it agreed or is not connected any more. */
static int tdm_ask_peer(struct tdm_conn *conn, struct netlink_ext_ack *extack)
{
	long left;
	int answer;

	spin_lock_irq(&conn->lock);
	if (conn->cstate != TANDEM_CONN_CONNECTED) {
		spin_unlock_irq(&conn->lock);
		return 0;
	}
	if (conn->peer_role == TANDEM_ROLE_PRIMARY) {
		spin_unlock_irq(&conn->lock);
		NL_SET_ERR_MSG(extack, "the peer is primary; make it secondary first");
		return -EBUSY;
	}
	conn->promoting = true;
	WRITE_ONCE(conn->promote_answer, -1);
	conn->owe.promote = true;
	spin_unlock_irq(&conn->lock);
	wake_up(&conn->send_wq);

	left = wait_event_timeout(conn->wq, READ_ONCE(conn->promote_answer) >= 0 ||
				  READ_ONCE(conn->cstate) != TANDEM_CONN_CONNECTED,
				  msecs_to_jiffies(conn->tr.timeout_ms));
	spin_lock_irq(&conn->lock);
	conn->promoting = false;
	answer = conn->promote_answer;
	if (conn->cstate != TANDEM_CONN_CONNECTED)
		answer = TDM_PROMOTE_OK;	/* alone now: nobody to ask */
	spin_unlock_irq(&conn->lock);
	if (answer == TDM_PROMOTE_OK)
		return 0;
	if (!left) {
		NL_SET_ERR_MSG(extack, "the peer did not answer");
		return -ETIMEDOUT;
	}
	NL_SET_ERR_MSG(extack, "the peer refused: it is primary or becoming primary");
	return -EBUSY;
}

static void tdm_tell_peer(struct tdm_conn *conn)
{
	if (!conn)
		return;
	spin_lock_irq(&conn->lock);
	conn->owe.state = true;
	spin_unlock_irq(&conn->lock);
	wake_up(&conn->send_wq);
}

/*
 * A forced primary on a connected pair where neither has data yet: its
 * new generation goes to the peer, and both decide again (full sync, or
 * none if the peer was declared identical).
 */
static int tdm_forced_on_fresh_pair(struct tdm_conn *conn)
{
	struct tdm_gen mine;
	enum tdm_sync s;
	int ret;

	tdm_conn_gen(conn, &mine);
	spin_lock_irq(&conn->lock);
	s = tdm_sync_decide(&mine, &conn->peer_gen);
	conn->owe.gen = true;
	spin_unlock_irq(&conn->lock);
	wake_up(&conn->send_wq);
	ret = tdm_apply_sync(conn, s);
	if (!ret && tdm_sync_is_source(s))
		tdm_resync_start(conn);
	return ret;
}

/* The peer said last that its data cannot be promoted over ours. */
static bool tdm_peer_known_stale(struct tdm_conn *conn)
{
	bool assumed;
	u32 d;

	spin_lock_irq(&conn->lock);
	d = conn->peer_disk;
	assumed = conn->peer_disk_assumed;
	spin_unlock_irq(&conn->lock);
	return !assumed && (d == TANDEM_DISK_INCONSISTENT || d == TANDEM_DISK_OUTDATED ||
			    d == TANDEM_DISK_FAILED);
}

/* The caller holds dev->cfg_lock. */
int tdm_promote(struct tdm_device *dev, bool force, struct netlink_ext_ack *extack)
{
	struct tdm_conn *conn = tdm_conn_of(dev);
	bool connected = false, fresh_pair = false, uptodate;
	int ret;

	if (dev->role == TANDEM_ROLE_PRIMARY)
		return 0;
	if (test_bit(TDM_DEV_DISKLESS, &dev->flags)) {
		NL_SET_ERR_MSG(extack,
			       "this node is diskless (its disk failed): promote the peer, or re-attach the repaired disk first");
		return -EINVAL;
	}
	uptodate = tdm_disk_state(dev) == TANDEM_DISK_UPTODATE;
	if (!force && tdm_disk_state(dev) == TANDEM_DISK_OUTDATED) {
		NL_SET_ERR_MSG(extack,
			       "local data is outdated: the peer wrote without it; connect to resync, or --force if the peer's data is lost");
		return -EINVAL;
	}
	if (!force && !uptodate) {
		NL_SET_ERR_MSG(extack,
			       "local data is not known to be up to date; use --force to make it the authority");
		return -EINVAL;
	}
	if (conn) {
		spin_lock_irq(&conn->lock);
		connected = conn->cstate == TANDEM_CONN_CONNECTED;
		fresh_pair = connected && conn->sync == TDM_SYNC_FRESH;
		ret = connected && tdm_sync_is_target(conn->sync) ? -EBUSY :
		      connected && !uptodate && !fresh_pair ? -EEXIST : 0;
		spin_unlock_irq(&conn->lock);
		if (ret == -EBUSY) {
			NL_SET_ERR_MSG(extack, "a resync to this node is running: its data is incomplete");
			return ret;
		}
		if (ret) {
			NL_SET_ERR_MSG(extack, "the connected peer holds data: disconnect first to force this node's data over it");
			return -EBUSY;
		}
		ret = tdm_ask_peer(conn, extack);
		if (ret)
			return ret;
		/* The session may have ended while we asked: then we are alone. */
		connected = READ_ONCE(conn->cstate) == TANDEM_CONN_CONNECTED;
	}
	/* Unless its data is known stale, the peer may be primary: fence it first. */
	if (conn && !connected && !force && !tdm_peer_known_stale(conn)) {
		ret = tdm_fence_for_promote(conn, extack);
		if (ret)
			return ret;
	}
	/*
	 * Forced data is a new generation at once; a primary without its
	 * peer starts one with its first write (see gen.c).
	 */
	ret = tdm_md_set_flags(dev, TDM_MDF_PRIMARY | (force ? TDM_MDF_CONSISTENT : 0),
			       force ? TDM_MDF_OUTDATED : 0);
	if (!ret && force && !uptodate)
		ret = tdm_md_new_generation(dev, false);
	else if (!ret && !connected)
		tdm_gen_pending(dev, TDM_GEN_PENDING_ALONE);
	if (ret) {
		NL_SET_ERR_MSG(extack, "cannot write the metadata");
		return ret;
	}
	mutex_lock(&dev->open_lock);
	WRITE_ONCE(dev->role, TANDEM_ROLE_PRIMARY);
	mutex_unlock(&dev->open_lock);
	if (force)
		tdm_set_disk_state(dev, TANDEM_DISK_UPTODATE);
	if (fresh_pair && force && !uptodate)
		tdm_forced_on_fresh_pair(conn);
	tdm_tell_peer(conn);
	tdm_info(dev, "primary%s\n", force ? " (forced: this node's data is the authority)" : "");
	tdm_event(dev, TANDEM_EVENT_ROLE);
	return 0;
}

/*
 * Mark this node's data outdated: the fence a primary that lost its peer
 * asks for (through its cluster manager), so that this node is not
 * promoted over newer writes without --force. Persisted; the next sync
 * with the peer clears it. Only a secondary cut off from the peer. The
 * caller holds dev->cfg_lock.
 */
int tdm_outdate(struct tdm_device *dev, struct netlink_ext_ack *extack)
{
	struct tdm_conn *conn = tdm_conn_of(dev);
	u32 disk = tdm_disk_state(dev);
	bool connected = false;
	int ret;

	if (READ_ONCE(dev->role) == TANDEM_ROLE_PRIMARY) {
		NL_SET_ERR_MSG(extack, "this node is primary: its data is the newest");
		return -EBUSY;
	}
	if (conn) {
		spin_lock_irq(&conn->lock);
		connected = conn->cstate == TANDEM_CONN_CONNECTED;
		spin_unlock_irq(&conn->lock);
	}
	if (connected) {
		NL_SET_ERR_MSG(extack, "connected to the peer: the data follows it, nothing to outdate");
		return -EBUSY;
	}
	if (disk == TANDEM_DISK_OUTDATED || disk == TANDEM_DISK_INCONSISTENT)
		return 0;
	ret = tdm_md_set_flags(dev, TDM_MDF_OUTDATED, 0);
	if (ret) {
		NL_SET_ERR_MSG(extack, "cannot write the metadata");
		return ret;
	}
	tdm_set_disk_state(dev, TANDEM_DISK_OUTDATED);
	tdm_info(dev, "data outdated; promoting it now needs --force\n");
	return 0;
}

/* The caller holds dev->cfg_lock. */
int tdm_demote(struct tdm_device *dev, struct netlink_ext_ack *extack)
{
	int ret = 0;

	mutex_lock(&dev->open_lock);
	if (dev->open_count) {
		NL_SET_ERR_MSG(extack, "device is open (mounted or in use); close it first");
		ret = -EBUSY;
	} else if (dev->role == TANDEM_ROLE_PRIMARY) {
		WRITE_ONCE(dev->role, TANDEM_ROLE_SECONDARY);
		ret = 1;
	}
	mutex_unlock(&dev->open_lock);
	if (ret <= 0)
		return ret;
	tdm_gen_pending(dev, TDM_GEN_NOT_PENDING);
	tdm_md_set_flags(dev, 0, TDM_MDF_PRIMARY);
	tdm_tell_peer(tdm_conn_of(dev));
	/* A secondary acknowledges no writes: nothing left to hold (none is, the device closed). */
	tdm_fence_thaw(dev, "secondary");
	tdm_info(dev, "secondary\n");
	tdm_event(dev, TANDEM_EVENT_ROLE);
	return 0;
}
