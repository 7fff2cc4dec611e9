// SPDX-License-Identifier: GPL-2.0
/*
 * tandem: fencing the peer a primary lost.
 *
 * When a primary's session with a peer whose data was up to date ends, the
 * peer may be cut off only from us (the replication link died, both nodes
 * live), and an HA manager may promote it without the writes we go on to
 * acknowledge. With a fencing policy the connection's fence-peer handler
 * runs (as DRBD's does: same environment ideas, same exit codes, see
 * core/fence.c) to outdate the peer's data or power it off.
 *
 * Under resource-and-stonith no write completes from the session's end
 * until the handler says the peer is fenced (or inconsistent), the peer
 * comes back, or the admin runs resume-io: writes still go to the local
 * disk and are marked for resync, but their completions are held here, so
 * that nothing is acknowledged that the peer might not have. Reads go on.
 * Under resource-only the handler runs and its answer is recorded.
 *
 * The handler runs from a work item, as a usermode helper, with no timeout
 * (fencing waits for its answer); status, disconnect and resume-io stay
 * usable meanwhile, and detach kills it.
 */
#include <linux/umh.h>
#include <linux/sched/signal.h>

#include "tandem.h"
#include "core/fence.h"
#include "core/names.h"
#include "replication.h"

bool tdm_fence_hold(struct tdm_device *dev, struct tdm_req *req)
{
	struct tdm_fence *f = &dev->fence;
	unsigned long flags;
	bool held;

	if (!READ_ONCE(f->frozen) || !op_is_write(bio_op(req->orig)))
		return false;
	spin_lock_irqsave(&f->lock, flags);
	held = f->frozen;
	if (held)
		list_add_tail(&req->wait_node, &f->held);
	spin_unlock_irqrestore(&f->lock, flags);
	return held;
}

void tdm_fence_thaw(struct tdm_device *dev, const char *why)
{
	struct tdm_fence *f = &dev->fence;
	struct tdm_req *req, *tmp;
	unsigned int n = 0;
	LIST_HEAD(held);
	bool was;

	spin_lock_irq(&f->lock);
	was = f->frozen;
	WRITE_ONCE(f->frozen, false);
	list_splice_init(&f->held, &held);
	spin_unlock_irq(&f->lock);
	if (!was)
		return;
	list_for_each_entry_safe(req, tmp, &held, wait_node) {
		list_del_init(&req->wait_node);
		dev->req_done(req);
		n++;
	}
	tdm_info(dev, "writes resume (%u held): %s\n", n, why);
	tdm_event(dev, TANDEM_EVENT_FENCE);
}

/* Runs in the handler's process before exec: remember it, so that detach can end it. */
static int tdm_fence_umh_init(struct subprocess_info *info, struct cred *new)
{
	struct tdm_device *dev = info->data;
	int ret = 0;

	spin_lock_irq(&dev->fence.lock);
	if (dev->fence.stopping)
		ret = -EINTR;
	else
		dev->fence.pid = get_pid(task_pid(current));
	spin_unlock_irq(&dev->fence.lock);
	return ret;
}

static void tdm_fence_work(struct work_struct *work)
{
	struct tdm_device *dev = container_of(work, struct tdm_device, fence.work);
	struct tdm_fence *f = &dev->fence;
	char path[TANDEM_HANDLER_MAX], env_res[16 + TANDEM_NAME_MAX], env_minor[32];
	char env_peer[32 + sizeof(f->peer)], env_fencing[48];
	char *argv[] = { path, NULL };
	char *envp[] = { "HOME=/", "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
			 env_res, env_minor, env_peer, env_fencing, NULL };
	struct subprocess_info *info;
	struct pid *pid;
	u32 result, seq;
	bool resume, stale;
	int ret;

	spin_lock_irq(&f->lock);
	seq = f->seq;
	memcpy(path, f->path, sizeof(path));
	snprintf(env_peer, sizeof(env_peer), "TANDEM_PEER_ADDRESS=%s", f->peer);
	snprintf(env_fencing, sizeof(env_fencing), "TANDEM_FENCING=%s", tdm_fencing_name(f->policy));
	spin_unlock_irq(&f->lock);
	snprintf(env_res, sizeof(env_res), "TANDEM_RESOURCE=%s", dev->name);
	snprintf(env_minor, sizeof(env_minor), "TANDEM_MINOR=%u", dev->minor);

	tdm_info(dev, "running the fence-peer handler %s\n", path);
	info = call_usermodehelper_setup(path, argv, envp, GFP_KERNEL, tdm_fence_umh_init,
					 NULL, dev);
	/* Killable: not a hung task however long it takes, and detach can end it. */
	ret = info ? call_usermodehelper_exec(info, UMH_WAIT_PROC | UMH_KILLABLE) : -ENOMEM;
	result = tdm_fence_result(ret);

	spin_lock_irq(&f->lock);
	pid = f->pid;
	f->pid = NULL;
	/* Started again meanwhile: this answer is old, the work runs again. */
	stale = f->seq != seq;
	if (!stale)
		WRITE_ONCE(f->result, result);
	resume = !stale && f->frozen && tdm_fence_resumes(result);
	spin_unlock_irq(&f->lock);
	put_pid(pid);
	if (stale) {
		tdm_info(dev, "fence-peer handler answered an earlier loss of the peer: running it again\n");
		return;
	}
	wake_up_all(&f->wq);

	if (tdm_fence_exit_code(ret) >= 0)
		tdm_info(dev, "fence-peer handler exited with %d: %s\n",
			 tdm_fence_exit_code(ret), tdm_fence_result_name(result));
	else
		tdm_warn(dev, "fence-peer handler %s (%d): %s\n",
			 ret < 0 ? "could not run" : "was killed", ret, tdm_fence_result_name(result));
	if (resume)
		tdm_fence_thaw(dev, "the peer is fenced");
	else if (READ_ONCE(f->frozen))
		tdm_warn(dev, "writes stay frozen: the peer is not fenced (resume-io to go on without)\n");
	tdm_event(dev, TANDEM_EVENT_FENCE);
}

/* Run @conn's handler (and freeze writes first if @freeze); false if the device goes away. */
static bool tdm_fence_start(struct tdm_conn *conn, bool freeze)
{
	struct tdm_device *dev = conn->dev;
	struct tdm_fence *f = &dev->fence;
	bool run;

	spin_lock_irq(&f->lock);
	run = !f->stopping;
	if (run) {
		if (freeze)
			WRITE_ONCE(f->frozen, true);
		f->policy = conn->cfg.fencing;
		memcpy(f->path, conn->cfg.fence_peer, sizeof(f->path));
		snprintf(f->peer, sizeof(f->peer), "%pISc", &conn->cfg.peer);
		f->seq++;
		WRITE_ONCE(f->result, TANDEM_FENCE_RUNNING);
	}
	spin_unlock_irq(&f->lock);
	if (!run)
		return false;
	queue_work(system_long_wq, &f->work);
	tdm_event(dev, TANDEM_EVENT_FENCE);
	return true;
}

void tdm_fence_peer_lost(struct tdm_conn *conn)
{
	bool freeze = conn->cfg.fencing == TANDEM_FENCING_RESOURCE_AND_STONITH;

	if (conn->cfg.fencing == TANDEM_FENCING_NONE || !tdm_fence_start(conn, freeze))
		return;
	if (freeze)
		tdm_warn(conn->dev, "lost the peer while primary: writes frozen until it is fenced\n");
}

int tdm_fence_for_promote(struct tdm_conn *conn, struct netlink_ext_ack *extack)
{
	struct tdm_device *dev = conn->dev;
	struct tdm_fence *f = &dev->fence;
	long left;
	u32 result;

	if (conn->cfg.fencing == TANDEM_FENCING_NONE)
		return 0;
	tdm_info(dev, "promoted without the peer: fencing it first\n");
	if (!tdm_fence_start(conn, false))
		return -ENODEV;
	left = wait_event_interruptible_timeout(f->wq,
						READ_ONCE(f->result) != TANDEM_FENCE_RUNNING,
						TDM_FENCE_PROMOTE_WAIT * HZ);
	if (left < 0)
		return -EINTR;
	if (READ_ONCE(conn->cstate) == TANDEM_CONN_CONNECTED) {
		NL_SET_ERR_MSG(extack, "the peer came back while it was being fenced: promote again");
		return -EAGAIN;
	}
	result = READ_ONCE(f->result);
	if (tdm_fence_resumes(result))
		return 0;
	if (!left)
		NL_SET_ERR_MSG(extack, "the fence-peer handler did not answer in time; the peer may be primary: --force only if it is known down");
	else
		NL_SET_ERR_MSG(extack, "the fence-peer handler did not fence the peer; it may be primary: --force only if it is known down");
	return -EAGAIN;
}

int tdm_fence_resume(struct tdm_device *dev, struct netlink_ext_ack *extack)
{
	if (!READ_ONCE(dev->fence.frozen)) {
		NL_SET_ERR_MSG(extack, "writes are not frozen");
		return -EINVAL;
	}
	tdm_fence_thaw(dev, "resume-io, the peer not fenced");
	return 0;
}

void tdm_fence_status(struct tdm_device *dev, bool *frozen, u32 *result)
{
	spin_lock_irq(&dev->fence.lock);
	*frozen = dev->fence.frozen;
	*result = dev->fence.result;
	spin_unlock_irq(&dev->fence.lock);
}

void tdm_fence_init(struct tdm_device *dev)
{
	spin_lock_init(&dev->fence.lock);
	INIT_LIST_HEAD(&dev->fence.held);
	init_waitqueue_head(&dev->fence.wq);
	INIT_WORK(&dev->fence.work, tdm_fence_work);
}

/*
 * The device goes away (no opener, so no write is held): end a running
 * handler and wait for its work.
 */
void tdm_fence_stop(struct tdm_device *dev)
{
	struct pid *pid;

	spin_lock_irq(&dev->fence.lock);
	dev->fence.stopping = true;
	pid = get_pid(dev->fence.pid);
	spin_unlock_irq(&dev->fence.lock);
	if (pid) {
		tdm_warn(dev, "ending the fence-peer handler\n");
		kill_pid(pid, SIGKILL, 1);
		put_pid(pid);
	}
	flush_work(&dev->fence.work);
	WARN_ON(!list_empty(&dev->fence.held));
}
