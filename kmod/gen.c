// SPDX-License-Identifier: GPL-2.0
/*
 * tandem: starting a new data generation (rules: core/gen.c) when writes
 * start without the peer, and holding back the first such writes until
 * the new generation is on disk.
 */
#include <linux/delay.h>
#include <linux/moduleparam.h>
#include <linux/random.h>

#include "tandem.h"
#include "metadata.h"

/*
 * A fault-injection hook for tests: the new generation of a write without
 * the peer is written this much later, widening the window in which a
 * handshake exchanges the old one (test 046).
 */
static unsigned int gen_delay_ms;
module_param(gen_delay_ms, uint, 0644);
MODULE_PARM_DESC(gen_delay_ms, "test hook: delay a new data generation by this many ms (0)");

/*
 * Writes start without the peer: a new data generation, persisted before
 * any such write is submitted. The caller holds cfg_lock or the session.
 */
int tdm_md_new_generation(struct tdm_device *dev, bool primary_at_split)
{
	u64 id;
	int ret;

	do {
		id = get_random_u64();
	} while (!id);
	mutex_lock(&dev->md_lock);
	tdm_gen_new_current(&dev->gen, id, primary_at_split);
	ret = tdm_md_write_sb(dev);
	mutex_unlock(&dev->md_lock);
	tdm_info(dev, "new data generation %016llx\n", id);
	return ret;
}

/*
 * The peer's disk failed and was dropped: what that disk holds is no base
 * for a bitmap resync (its last writes may have failed, and it misses every
 * write from now on), whichever way it comes back. A new generation that
 * keeps the peer's in history and has no bitmap generation makes it a full
 * resync target (core/gen.c). Once while the peer stays diskless; the
 * connection thread tells the peer (conn->owe.gen).
 */
int tdm_md_peer_dropped(struct tdm_device *dev)
{
	u64 id;
	int ret;

	if (test_and_set_bit(TDM_DEV_PEER_DROPPED, &dev->flags))
		return 0;
	do {
		id = get_random_u64();
	} while (!id);
	mutex_lock(&dev->md_lock);
	tdm_gen_peer_dropped(&dev->gen, id);
	ret = tdm_md_write_sb(dev);
	mutex_unlock(&dev->md_lock);
	tdm_warn(dev, "the peer's disk failed and was dropped: new data generation %016llx; it takes every block when it comes back\n",
		 id);
	return ret;
}

/*
 * A primary that loses its peer (or is promoted alone) starts a new
 * generation only when it first writes without the peer: a node that never
 * wrote can still take the peer's newer data by bitmap. That write waits
 * (deferred: no metadata I/O from submit_bio) until the generation is on disk.
 */
void tdm_gen_pending(struct tdm_device *dev, enum tdm_gen_pending why)
{
	unsigned long flags;

	spin_lock_irqsave(&dev->state_lock, flags);
	dev->gen_pending = why;
	spin_unlock_irqrestore(&dev->state_lock, flags);
}

bool tdm_gen_moving(struct tdm_device *dev, u64 sent)
{
	unsigned long flags;
	bool pending;

	spin_lock_irqsave(&dev->state_lock, flags);
	pending = dev->gen_pending != TDM_GEN_NOT_PENDING;
	spin_unlock_irqrestore(&dev->state_lock, flags);
	return pending || READ_ONCE(dev->gen.cur) != sent;
}

bool tdm_defer_for_new_gen(struct tdm_device *dev, struct bio *clone)
{
	unsigned long flags;
	bool deferred;

	spin_lock_irqsave(&dev->state_lock, flags);
	deferred = dev->gen_pending != TDM_GEN_NOT_PENDING;
	if (deferred)
		bio_list_add(&dev->deferred, clone);
	spin_unlock_irqrestore(&dev->state_lock, flags);
	if (deferred)
		queue_work(system_unbound_wq, &dev->gen_work);
	return deferred;
}

void tdm_gen_work(struct work_struct *work)
{
	struct tdm_device *dev = container_of(work, struct tdm_device, gen_work);
	enum tdm_gen_pending pending;
	struct bio_list bios;
	struct bio *bio;

	spin_lock_irq(&dev->state_lock);
	pending = dev->gen_pending;
	spin_unlock_irq(&dev->state_lock);
	if (pending && READ_ONCE(gen_delay_ms))
		msleep(min(READ_ONCE(gen_delay_ms), 10000u));
	if (pending)
		tdm_md_new_generation(dev, pending == TDM_GEN_PENDING_SPLIT);
	spin_lock_irq(&dev->state_lock);
	dev->gen_pending = TDM_GEN_NOT_PENDING;
	bios = dev->deferred;
	bio_list_init(&dev->deferred);
	spin_unlock_irq(&dev->state_lock);
	while ((bio = bio_list_pop(&bios)))
		tdm_dw_submit(dev, bio);
}
