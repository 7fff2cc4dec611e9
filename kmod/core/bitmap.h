/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bit arithmetic of tandem's dirty bitmap, in its on-disk order: bit i is
 * bit (i % 8) of byte i / 8 (see doc/metadata.md). The callers lock; these
 * functions only count and scan. Bits at or past @nbits are never touched.
 */
#ifndef TDM_CORE_BITMAP_H
#define TDM_CORE_BITMAP_H

#include "core_types.h"

/* Set bits [first, first + n); returns how many were clear before. */
u64 tdm_bits_set(u8 *map, u64 nbits, u64 first, u64 n);
/* Clear bits [first, first + n); returns how many were set before. */
u64 tdm_bits_clear(u8 *map, u64 nbits, u64 first, u64 n);
u64 tdm_bits_count(const u8 *map, u64 nbits);
/*
 * The first run of set bits at or after @from, at most @max long: its
 * start in *@start and its length returned; 0 (and *@start = nbits) if no
 * bit is set from @from on.
 */
u64 tdm_bits_next_run(const u8 *map, u64 nbits, u64 from, u64 max, u64 *start);

#endif /* TDM_CORE_BITMAP_H */
