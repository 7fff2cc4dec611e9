// SPDX-License-Identifier: GPL-2.0
/*
 * tandem: roles. One primary at a time: while connected, a node becomes
 * primary only after the peer agreed (it answers yes only if it is neither
 * primary nor becoming primary, and from then on refuses to become primary
 * itself). Two nodes asking at once are both refused.
 */
#include "tandem.h"

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
	conn->promote_answer = -1;
	conn->send_promote = true;
	spin_unlock_irq(&conn->lock);
	wake_up(&conn->send_wq);

	left = wait_event_timeout(conn->wq, READ_ONCE(conn->promote_answer) >= 0 ||
				  READ_ONCE(conn->cstate) != TANDEM_CONN_CONNECTED,
				  msecs_to_jiffies(conn->timeout_ms));
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
	conn->send_state = true;
	spin_unlock_irq(&conn->lock);
	wake_up(&conn->send_wq);
}

/* The caller holds dev->cfg_lock. */
int tdm_promote(struct tdm_device *dev, bool force, struct netlink_ext_ack *extack)
{
	struct tdm_conn *conn = tdm_conn_of(dev);
	int ret;

	if (dev->role == TANDEM_ROLE_PRIMARY)
		return 0;
	if (!force && tdm_disk_state(dev) != TANDEM_DISK_UPTODATE) {
		NL_SET_ERR_MSG(extack,
			       "local data is not known to be up to date; use --force to make it the authority");
		return -EINVAL;
	}
	if (conn) {
		ret = tdm_ask_peer(conn, extack);
		if (ret)
			return ret;
	}
	mutex_lock(&dev->open_lock);
	WRITE_ONCE(dev->role, TANDEM_ROLE_PRIMARY);
	mutex_unlock(&dev->open_lock);
	if (force)
		tdm_set_disk_state(dev, TANDEM_DISK_UPTODATE);
	tdm_tell_peer(conn);
	pr_info(TDM_LOG_PREFIX "%s: primary%s\n", dev->name,
		force ? " (forced: this node's data is the authority)" : "");
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
	tdm_tell_peer(tdm_conn_of(dev));
	pr_info(TDM_LOG_PREFIX "%s: secondary\n", dev->name);
	return 0;
}
