// SPDX-License-Identifier: GPL-2.0
/*
 * The fence-peer handler's answer, with DRBD's exit codes, so that handlers
 * written for DRBD (crm-fence-peer, stonith_admin-fence-peer) work as they
 * are.
 */
#include "fence.h"
#include "tandem_netlink.h"

int tdm_fence_exit_code(int status)
{
	if (status < 0 || (status & 0x7f))
		return -1;
	return (status >> 8) & 0xff;
}

u32 tdm_fence_result(int status)
{
	switch (tdm_fence_exit_code(status)) {
	case 3:
		return TANDEM_FENCE_PEER_INCONSISTENT;
	case 4:
		return TANDEM_FENCE_PEER_OUTDATED;
	case 5:
		return TANDEM_FENCE_PEER_UNREACHABLE;
	case 6:
		return TANDEM_FENCE_PEER_PRIMARY;
	case 7:
		return TANDEM_FENCE_PEER_FENCED;
	default:
		/* 0 too: the kernel reports a handler it could not exec as exit 0. */
		return TANDEM_FENCE_FAILED;
	}
}

bool tdm_fence_resumes(u32 result)
{
	return result == TANDEM_FENCE_PEER_INCONSISTENT ||
	       result == TANDEM_FENCE_PEER_OUTDATED ||
	       result == TANDEM_FENCE_PEER_FENCED;
}
