// SPDX-License-Identifier: GPL-2.0
/*
 * tandem: state-change events. Any layer reports one with tdm_event(), in
 * any context; a work item hands the device's pending events, coalesced,
 * to the sink the control layer registered (netlink.c multicasts them).
 * Nothing here calls a layer above: the sink is a function pointer.
 */
#include <linux/mutex.h>

#include "tandem.h"
#include "base.h"

static DEFINE_MUTEX(tdm_sink_lock);	/* protects tdm_sink; held while it runs */
static tdm_event_sink_fn tdm_sink;

/* Route events to @sink from now on (NULL: drop them); may sleep. */
void tdm_events_set_sink(tdm_event_sink_fn sink)
{
	mutex_lock(&tdm_sink_lock);
	tdm_sink = sink;
	mutex_unlock(&tdm_sink_lock);
}

/* Report @event on @dev to event listeners; any context. */
void tdm_event(struct tdm_device *dev, enum tandem_event event)
{
	set_bit(event, &dev->events);
	queue_work(system_unbound_wq, &dev->event_work);
}

void tdm_event_work(struct work_struct *work)
{
	struct tdm_device *dev = container_of(work, struct tdm_device, event_work);
	unsigned long events = xchg(&dev->events, 0);

	mutex_lock(&tdm_sink_lock);
	if (tdm_sink && events)
		tdm_sink(dev, events);
	mutex_unlock(&tdm_sink_lock);
}
