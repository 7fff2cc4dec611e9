/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The device's size, agreed by the two nodes: in the handshake (TDM_P_SIZES)
 * and by resize (TDM_P_RESIZE). A device only shrinks while neither node's
 * data is in use at its size; it grows only when both disks hold the new
 * size. Sizes are in 512-byte sectors, whole 4 KiB blocks. Any context.
 */
#ifndef TDM_CORE_SIZES_H
#define TDM_CORE_SIZES_H

#include "core_types.h"
#include "wire.h"

/*
 * The handshake: the size both nodes take, from what each said (size: its
 * device's, max: the most its disk holds, TDM_SIZES_HAS_DATA), or why not.
 *   - neither has data: the smaller size;
 *   - one has: its size, if the other's disk holds it;
 *   - both have: the larger (a resize one node finished before a crash),
 *     if both disks hold it.
 */
enum tdm_refuse tdm_sizes_agree(const struct tdm_sizes *mine, const struct tdm_sizes *peer,
				u64 *agreed);

enum tdm_resize_err {
	TDM_RESIZE_OK,
	TDM_RESIZE_TOO_SMALL,	/* a disk cannot hold the size asked for */
	TDM_RESIZE_SHRINK,	/* smaller than the device: tandem only grows */
	TDM_RESIZE_BUSY,	/* a resync, verify or resize runs, or not connected */
	TDM_RESIZE_PEER_PRIMARY,	/* asked on a secondary of a primary */
	TDM_RESIZE_METADATA,	/* the metadata cannot grow (its reason is logged) */
	__TDM_RESIZE_MAX,
};

/*
 * A resize: the size both grow to from @cur, given the size @asked (0: the
 * largest both disks hold) and the most each disk holds.
 */
enum tdm_resize_err tdm_resize_target(u64 asked, u64 cur, u64 my_max, u64 peer_max,
				      u64 *target);
const char *tdm_resize_err_str(enum tdm_resize_err e);

#endif /* TDM_CORE_SIZES_H */
