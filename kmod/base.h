/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tandem: the base layer, used by every layer above: state-change events
 * (events.c), handed to the control layer through the sink it registers,
 * and the pool of payload pages (pages.c). Calls nothing of tandem's.
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

#endif /* TDM_BASE_H */
