/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tandemctl vrrp-check's decisions (vrrp.c), apart from its netlink and
 * files (cmd_vrrp.c): pure, unit-tested.
 */
#ifndef TDMCTL_VRRP_H
#define TDMCTL_VRRP_H

#include <stdbool.h>

#include "status.h"

enum tdm_vrrp_verdict {
	TDM_VRRP_ELIGIBLE,	/* this node may be (or stay) keepalived's master */
	TDM_VRRP_NOT_ELIGIBLE,	/* its data is not up to date */
	TDM_VRRP_OUTDATE,	/* a backup cut off too long: outdate, then not eligible */
};

/*
 * The verdict on @st at @now (seconds). @backup: keepalived's last state
 * for this node is BACKUP (it hears a master). *@lost: since when the
 * replication link is seen down by a backup, -1 if it is not; updated
 * (the caller clears it once the data is outdated). @outdate_after: seconds.
 */
enum tdm_vrrp_verdict tdm_vrrp_decide(const struct tdm_status *st, bool backup,
				      long long now, long outdate_after, long long *lost);

/* Not replicating for a minute or more is logged, once a minute. */
#define TDM_VRRP_DOWN_WARN_MS	60000

/*
 * Whether to log now that @st is not replicating. *@warned: when that was
 * last logged, -1 if never or since replicating again; updated.
 */
bool tdm_vrrp_warn_down(const struct tdm_status *st, long long now, long long *warned);

#endif
