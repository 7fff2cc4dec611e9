// SPDX-License-Identifier: GPL-2.0
/*
 * tandem: the pages that carry payloads: the peer's writes being applied,
 * async copies, resync and verify reads. A page given back is kept for the
 * next payload rather than freed: a fresh page costs a zeroing
 * (init_on_alloc, Debian's default), which was a tenth of the secondary's
 * CPU time while it received a stream of writes. None of these pages is
 * ever handed to the network stack by reference (they are copied into the
 * socket), so a page given back is free.
 */
#include <linux/bio.h>
#include <linux/mm.h>

#include "tandem.h"
#include "base.h"

/* Pages kept for reuse, per device: the resync window and the receiver's runs fit. */
#define TDM_PAGES_KEEP 2048

int tdm_pages_init(struct tdm_pages *p)
{
	spin_lock_init(&p->lock);
	p->free = NULL;
	p->nr_free = 0;
	p->reserve = mempool_create_page_pool(TDM_WIRE_MAX_DATA / PAGE_SIZE, 0);
	return p->reserve ? 0 : -ENOMEM;
}

void tdm_pages_exit(struct tdm_pages *p)
{
	while (p->free) {
		struct page *page = p->free;

		p->free = (struct page *)page_private(page);
		set_page_private(page, 0);
		__free_page(page);
	}
	p->nr_free = 0;
	mempool_destroy(p->reserve);
}

static struct page *tdm_page_reuse(struct tdm_pages *p)
{
	struct page *page;
	unsigned long flags;

	spin_lock_irqsave(&p->lock, flags);
	page = p->free;
	if (page) {
		p->free = (struct page *)page_private(page);
		p->nr_free--;
	}
	spin_unlock_irqrestore(&p->lock, flags);
	if (page)
		set_page_private(page, 0);
	return page;
}

/* A page kept, or a new one allocated with @gfp (NULL if that fails). */
static struct page *tdm_page_get(struct tdm_pages *p, gfp_t gfp)
{
	return tdm_page_reuse(p) ?: alloc_page(gfp);
}

/* A page kept, or one from the reserve: waits rather than fails (the receiver). */
static struct page *tdm_page_get_reserved(struct tdm_pages *p)
{
	return tdm_page_reuse(p) ?: mempool_alloc(p->reserve, GFP_NOIO);
}

/* Give a page back (any context): kept, or returned to the reserve or the system. */
static void tdm_page_put(struct tdm_pages *p, struct page *page)
{
	unsigned long flags;

	spin_lock_irqsave(&p->lock, flags);
	if (p->nr_free < TDM_PAGES_KEEP) {
		set_page_private(page, (unsigned long)p->free);
		p->free = page;
		p->nr_free++;
		page = NULL;
	}
	spin_unlock_irqrestore(&p->lock, flags);
	if (page)
		mempool_free(page, p->reserve);
}

int tdm_pages_fill(struct tdm_pages *p, struct bio_vec *bv, u32 size, gfp_t gfp)
{
	unsigned int i, nr = DIV_ROUND_UP(size, PAGE_SIZE);

	for (i = 0; i < nr; i++) {
		struct page *page = gfp & __GFP_NOFAIL ? tdm_page_get_reserved(p) :
							 tdm_page_get(p, gfp);

		if (!page) {
			tdm_pages_release(p, bv, i);
			return -ENOMEM;
		}
		bvec_set_page(&bv[i], page, min_t(u32, size, PAGE_SIZE), 0);
		size -= bv[i].bv_len;
	}
	return 0;
}

void tdm_pages_release(struct tdm_pages *p, struct bio_vec *bv, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		tdm_page_put(p, bv[i].bv_page);
}

int tdm_pages_fill_bio(struct tdm_pages *p, struct bio *bio, u32 size, gfp_t gfp)
{
	int ret = tdm_pages_fill(p, bio->bi_io_vec, size, gfp);

	if (ret)
		return ret;
	bio->bi_vcnt = DIV_ROUND_UP(size, PAGE_SIZE);
	bio->bi_iter.bi_size = size;
	return 0;
}
