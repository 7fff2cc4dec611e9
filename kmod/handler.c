// SPDX-License-Identifier: GPL-2.0
/*
 * tandem: the admin's handlers (split-brain, out-of-sync, local-io-error,
 * before- and after-resync-target; fence-peer has its own, fence.c).
 *
 * A handler runs as a usermode helper from a work item, killable, with
 * TANDEM_RESOURCE, TANDEM_MINOR, TANDEM_DISK and TANDEM_HANDLER in its
 * environment, for TANDEM_HANDLER_TIMEOUT_S at most: then it is killed, so
 * that a handler that hangs wedges nothing. Notifications (all but
 * before-resync-target) are queued from any context and run one at a time,
 * in order of their number, each once however often it was queued
 * meanwhile; before-resync-target is run by the connection thread, which
 * waits for its answer (tdm_handler_call). Each end is logged and evented
 * (HANDLER_LAST, HANDLER_EXIT in status). Detach kills what runs.
 */
#include <linux/completion.h>
#include <linux/kthread.h>
#include <linux/umh.h>
#include <linux/sched/signal.h>

#include "tandem.h"
#include "core/names.h"

/* One run of a handler: lives on the stack of whoever waits for it. */
struct tdm_handler_run {
	struct tdm_device *dev;
	u32 which;			/* enum tandem_handler */
	int status;			/* the usermode helper's wait status, or -errno */
	struct pid *pid;		/* its process once started (a reference);
					 * under handlers.lock */
	struct list_head node;		/* on handlers.runs, under handlers.lock */
	struct work_struct work;	/* execs it and waits */
	struct completion done;
};

/* Runs in the handler's process before exec: remember it, so that it can be killed. */
static int tdm_handler_umh_init(struct subprocess_info *info, struct cred *new)
{
	struct tdm_handler_run *run = info->data;
	struct tdm_handlers *h = &run->dev->handlers;
	int ret = 0;

	spin_lock_irq(&h->lock);
	if (h->stopping)
		ret = -EINTR;
	else
		run->pid = get_pid(task_pid(current));
	spin_unlock_irq(&h->lock);
	return ret;
}

static void tdm_handler_exec(struct work_struct *work)
{
	struct tdm_handler_run *run = container_of(work, struct tdm_handler_run, work);
	struct tdm_device *dev = run->dev;
	char env_res[16 + TANDEM_NAME_MAX], env_minor[32], env_name[48];
	char *env_disk, *path = dev->handlers.paths.path[run->which];
	char *argv[] = { path, NULL };
	char *envp[] = { "HOME=/", "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
			 env_res, env_minor, env_name, NULL, NULL };
	struct subprocess_info *info;

	snprintf(env_res, sizeof(env_res), "TANDEM_RESOURCE=%s", dev->name);
	snprintf(env_minor, sizeof(env_minor), "TANDEM_MINOR=%u", dev->minor);
	snprintf(env_name, sizeof(env_name), "TANDEM_HANDLER=%s", tdm_handler_name(run->which));
	env_disk = kasprintf(GFP_KERNEL, "TANDEM_DISK=%s", dev->disk_path);
	envp[5] = env_disk;
	info = env_disk ? call_usermodehelper_setup(path, argv, envp, GFP_KERNEL,
						    tdm_handler_umh_init, NULL, run) : NULL;
	run->status = info ? call_usermodehelper_exec(info, UMH_WAIT_PROC | UMH_KILLABLE) :
			     -ENOMEM;
	kfree(env_disk);
	complete(&run->done);
}

/* Kill @run's process: false if it has none yet (try again later). */
static bool tdm_handler_kill(struct tdm_handlers *h, struct tdm_handler_run *run)
{
	struct pid *pid;

	spin_lock_irq(&h->lock);
	pid = get_pid(run->pid);
	spin_unlock_irq(&h->lock);
	if (!pid)
		return false;
	kill_pid(pid, SIGKILL, 1);
	put_pid(pid);
	return true;
}

int tdm_handler_call(struct tdm_device *dev, u32 which, void (*tick)(void *arg), void *arg)
{
	struct tdm_handlers *h = &dev->handlers;
	unsigned long end = jiffies + TANDEM_HANDLER_TIMEOUT_S * HZ;
	struct tdm_handler_run run = { .dev = dev, .which = which };
	const char *name = tdm_handler_name(which);
	bool killed = false, warned = false;
	int code;

	if (!h->paths.path[which][0])
		return 0;
	init_completion(&run.done);
	INIT_WORK_ONSTACK(&run.work, tdm_handler_exec);
	spin_lock_irq(&h->lock);
	if (h->stopping) {
		spin_unlock_irq(&h->lock);
		destroy_work_on_stack(&run.work);
		return -1;
	}
	list_add_tail(&run.node, &h->runs);
	spin_unlock_irq(&h->lock);

	tdm_info(dev, "running the %s handler %s\n", name, h->paths.path[which]);
	queue_work(system_long_wq, &run.work);
	/* Uninterruptible but short waits: not a hung task, whatever the handler does. */
	while (!wait_for_completion_timeout(&run.done, HZ / 4)) {
		if (tick)
			tick(arg);
		/* Past its time, or our thread is told to stop (disconnect). */
		if (!killed && (time_after(jiffies, end) || kthread_should_stop())) {
			if (!warned)
				tdm_warn(dev, "the %s handler %s: killing it\n", name,
					 kthread_should_stop() ? "holds up a disconnect" :
								 "ran for too long");
			warned = true;
			killed = tdm_handler_kill(h, &run);
		}
	}
	/* The worker may still be on its way out of tdm_handler_exec. */
	flush_work(&run.work);
	destroy_work_on_stack(&run.work);

	spin_lock_irq(&h->lock);
	list_del(&run.node);
	put_pid(run.pid);
	code = run.status >= 0 && !(run.status & 0x7f) ? (run.status >> 8) & 0xff : -1;
	h->last = which;
	h->last_exit = code;
	spin_unlock_irq(&h->lock);
	if (code >= 0)
		tdm_info(dev, "the %s handler exited with %d\n", name, code);
	else
		tdm_warn(dev, "the %s handler %s (%d)\n", name,
			 run.status < 0 ? "could not run" : "was killed", run.status);
	tdm_event(dev, TANDEM_EVENT_HANDLER);
	return code;
}

void tdm_handler_notify(struct tdm_device *dev, u32 which)
{
	struct tdm_handlers *h = &dev->handlers;
	unsigned long flags;

	if (!h->paths.path[which][0])
		return;
	/* Queued under the lock: tdm_handler_stop's flush then catches it. */
	spin_lock_irqsave(&h->lock, flags);
	if (!h->stopping) {
		h->queued |= BIT(which);
		queue_work(system_long_wq, &h->work);
	}
	spin_unlock_irqrestore(&h->lock, flags);
}

static void tdm_handler_work(struct work_struct *work)
{
	struct tdm_device *dev = container_of(work, struct tdm_device, handlers.work);
	struct tdm_handlers *h = &dev->handlers;
	unsigned long queued;
	u32 which;

	for (;;) {
		spin_lock_irq(&h->lock);
		queued = h->stopping ? 0 : h->queued;
		which = queued ? __ffs(queued) : 0;
		h->queued &= ~BIT(which);
		spin_unlock_irq(&h->lock);
		if (!queued)
			return;
		tdm_handler_call(dev, which, NULL, NULL);
	}
}

void tdm_handler_status(struct tdm_device *dev, u32 *last, int *last_exit)
{
	spin_lock_irq(&dev->handlers.lock);
	*last = dev->handlers.last;
	*last_exit = dev->handlers.last_exit;
	spin_unlock_irq(&dev->handlers.lock);
}

void tdm_handler_init(struct tdm_device *dev)
{
	spin_lock_init(&dev->handlers.lock);
	INIT_LIST_HEAD(&dev->handlers.runs);
	INIT_WORK(&dev->handlers.work, tdm_handler_work);
}

void tdm_handler_stop(struct tdm_device *dev)
{
	struct tdm_handlers *h = &dev->handlers;
	struct tdm_handler_run *run;

	spin_lock_irq(&h->lock);
	h->stopping = true;
	list_for_each_entry(run, &h->runs, node)
		if (run->pid)
			kill_pid(run->pid, SIGKILL, 1);
	spin_unlock_irq(&h->lock);
	flush_work(&h->work);
}
