// SPDX-License-Identifier: GPL-2.0
/*
 * The device's size both nodes agree on: core/sizes.h.
 */
#include "sizes.h"

enum tdm_refuse tdm_sizes_agree(const struct tdm_sizes *mine, const struct tdm_sizes *peer,
				u64 *agreed)
{
	bool m = mine->flags & TDM_SIZES_HAS_DATA, p = peer->flags & TDM_SIZES_HAS_DATA;
	u64 size;

	if (!m && !p)
		size = mine->size < peer->size ? mine->size : peer->size;
	else if (m && !p)
		size = mine->size;
	else if (!m)
		size = peer->size;
	else
		size = mine->size > peer->size ? mine->size : peer->size;
	if (size > mine->max || size > peer->max)
		return TDM_REFUSE_DISK_TOO_SMALL;
	*agreed = size;
	return TDM_REFUSE_NONE;
}

enum tdm_resize_err tdm_resize_target(u64 asked, u64 cur, u64 my_max, u64 peer_max,
				      u64 *target)
{
	u64 t = asked ? asked : (my_max < peer_max ? my_max : peer_max);

	if (t > my_max || t > peer_max)
		return TDM_RESIZE_TOO_SMALL;
	if (t < cur)
		return TDM_RESIZE_SHRINK;
	*target = t;
	return TDM_RESIZE_OK;
}

const char *tdm_resize_err_str(enum tdm_resize_err e)
{
	switch (e) {
	case TDM_RESIZE_OK:
		return "ok";
	case TDM_RESIZE_TOO_SMALL:
		return "a disk cannot hold the size asked for: grow the backing disks of both nodes first";
	case TDM_RESIZE_SHRINK:
		return "the size asked for is smaller than the device: tandem does not shrink";
	case TDM_RESIZE_BUSY:
		return "a resync, verify or another resize runs, or the peer is not connected: try again when connected and in sync";
	case TDM_RESIZE_PEER_PRIMARY:
		return "the peer is primary: run resize there";
	case TDM_RESIZE_METADATA:
		return "the metadata cannot grow on the peer: its kernel log says why";
	case __TDM_RESIZE_MAX:
		break;
	}
	return "unknown resize error";
}
