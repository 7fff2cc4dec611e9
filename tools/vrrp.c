// SPDX-License-Identifier: GPL-2.0
/* tandemctl vrrp-check's decisions: see vrrp.h and cmd_vrrp.c. */
#include "vrrp.h"

enum tdm_vrrp_verdict tdm_vrrp_decide(const struct tdm_status *st, bool backup,
				      long long now, long outdate_after, long long *lost)
{
	if (st->disk_state != TANDEM_DISK_UPTODATE)
		return TDM_VRRP_NOT_ELIGIBLE;
	/*
	 * A primary, or a node that replicates, is where the data is; a node
	 * that keepalived made master (or FAULT) decides nothing here.
	 */
	if (st->role == TANDEM_ROLE_PRIMARY || st->conn_state == TANDEM_CONN_CONNECTED ||
	    !backup) {
		*lost = -1;
		return TDM_VRRP_ELIGIBLE;
	}
	if (*lost < 0)
		*lost = now;
	return now - *lost < outdate_after ? TDM_VRRP_ELIGIBLE : TDM_VRRP_OUTDATE;
}

bool tdm_vrrp_warn_down(const struct tdm_status *st, long long now, long long *warned)
{
	if (!st->has_down) {
		*warned = -1;
		return false;
	}
	if (st->down_ms < TDM_VRRP_DOWN_WARN_MS || (*warned >= 0 && now - *warned < 60))
		return false;
	*warned = now;
	return true;
}
