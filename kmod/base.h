/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tandem: the base layer, used by every layer above: state-change events
 * (events.c), handed to the control layer through the sink it registers,
 * the admin's handlers (handler.c), the pool of payload pages (pages.c)
 * and the disk-timeout's watch over the backing disk (diskwatch.c). Calls
 * nothing of tandem's.
 */
#ifndef TDM_BASE_H
#define TDM_BASE_H

#include <linux/gfp.h>

#include "tandem_netlink.h"

struct tdm_device;
struct tdm_pages;
struct bio;
struct bio_vec;

/* events.c: state-change events. */
typedef void (*tdm_event_sink_fn)(struct tdm_device *dev, unsigned long events);
/* May sleep. */
void tdm_events_set_sink(tdm_event_sink_fn sink);
/* Any context. */
void tdm_event(struct tdm_device *dev, enum tandem_event event);
void tdm_event_work(struct work_struct *work);

/*
 * handler.c: the admin's handlers (enum tandem_handler). Init/stop may
 * sleep. Notify: queue @which's run, if configured (any context). Call:
 * run @which and wait for it (at most TANDEM_HANDLER_TIMEOUT_S, then
 * killed), calling @tick every quarter second meanwhile; its exit code,
 * -1 if it was killed or did not run, 0 if none is configured. May sleep.
 */
void tdm_handler_init(struct tdm_device *dev);
void tdm_handler_stop(struct tdm_device *dev);
void tdm_handler_notify(struct tdm_device *dev, u32 which);
int tdm_handler_call(struct tdm_device *dev, u32 which, void (*tick)(void *arg), void *arg);
/* The last handler that ended and its exit code (0: none yet). Any context. */
void tdm_handler_status(struct tdm_device *dev, u32 *last, int *last_exit);

/* pages.c: payload pages, kept for reuse. Init/exit may sleep; the rest: any context. */
int tdm_pages_init(struct tdm_pages *p);
void tdm_pages_exit(struct tdm_pages *p);
/*
 * Fill @bv with pages for @size bytes, one page per entry, the last one
 * partial (DIV_ROUND_UP(size, PAGE_SIZE) entries): kept pages, else new ones
 * allocated with @gfp; with __GFP_NOFAIL in @gfp, from the reserve instead
 * (waits, never fails). 0, or -ENOMEM with no page taken. May sleep if @gfp
 * may.
 */
int tdm_pages_fill(struct tdm_pages *p, struct bio_vec *bv, u32 size, gfp_t gfp);
/* Give back the pages of @bv[0, nr) (any context). */
void tdm_pages_release(struct tdm_pages *p, struct bio_vec *bv, unsigned int nr);
/*
 * tdm_pages_fill() into an empty @bio allocated with room for the pages, and
 * set its size; tdm_pages_release(p, bio->bi_io_vec, bio->bi_vcnt) gives
 * them back.
 */
int tdm_pages_fill_bio(struct tdm_pages *p, struct bio *bio, u32 size, gfp_t gfp);

/*
 * diskwatch.c: every request of this node's own to the backing disk goes
 * through tdm_dw_submit(); once started with a timeout, one not back in
 * time is given up on (see the file). Init (with the timeout to come, 0:
 * none), start, exit and tdm_dw_late may sleep; exit waits for the
 * requests given up on to come back.
 */
int tdm_dw_init(struct tdm_device *dev, u32 timeout_ms);
void tdm_dw_start(struct tdm_device *dev, u32 timeout_ms);
void tdm_dw_exit(struct tdm_device *dev);
/* The disk was dropped: give up on every request at it now. Any context. */
void tdm_dw_kick(struct tdm_device *dev);
/*
 * Send @bio (on the backing disk, not yet submitted) down; it completes
 * when the disk completes it, or with BLK_STS_TIMEOUT once given up on.
 * May sleep (GFP_NOIO, waits for pages).
 */
void tdm_dw_submit(struct tdm_device *dev, struct bio *bio);
/* As submit_bio_wait(), through tdm_dw_submit(); uses bi_private. May sleep. */
int tdm_dw_submit_wait(struct tdm_device *dev, struct bio *bio);
/* Requests given up on and not yet back from the disk. */
unsigned int tdm_dw_late(struct tdm_device *dev);

#endif /* TDM_BASE_H */
