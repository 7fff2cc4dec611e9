// SPDX-License-Identifier: GPL-2.0
/*
 * Which packet a session takes in which state: core/session.h.
 */
#include "session.h"
#include "wire.h"
#include "tandem_netlink.h"

enum tdm_rx_rule tdm_rx_accept(const struct tdm_rx_ctx *c, u16 type, u16 flags)
{
	bool from_primary = c->role == TANDEM_ROLE_SECONDARY &&
			    c->peer_role == TANDEM_ROLE_PRIMARY;

	switch (type) {
	case TDM_P_DATA:
		if (!(flags & TDM_F_RESYNC))
			return from_primary ? TDM_RX_OK : TDM_RX_NOT_PRIMARY;
		return c->role == TANDEM_ROLE_SECONDARY && tdm_sync_is_target(c->sync) ?
		       TDM_RX_OK : TDM_RX_NOT_TARGET;
	case TDM_P_READ_REQ:
		return from_primary ? TDM_RX_OK : TDM_RX_NOT_PRIMARY;
	case TDM_P_SYNC_DONE:
		return tdm_sync_is_target(c->sync) ? TDM_RX_OK : TDM_RX_NOT_TARGET;
	case TDM_P_RS_ACK:
		return tdm_sync_is_source(c->sync) ? TDM_RX_OK : TDM_RX_NOT_SOURCE;
	case TDM_P_RS_START:
		return c->role == TANDEM_ROLE_SECONDARY && c->sync == TDM_SYNC_NONE ?
		       TDM_RX_OK : TDM_RX_RESYNC_BUSY;
	case TDM_P_GEN:
		return c->diskless || c->sync == TDM_SYNC_FRESH ? TDM_RX_OK : TDM_RX_DECIDED;
	case TDM_P_ACK:
	case TDM_P_PING:
	case TDM_P_PONG:
	case TDM_P_STATE:
	case TDM_P_PROMOTE:
	case TDM_P_PROMOTE_REPLY:
	case TDM_P_VERIFY_REQ:
	case TDM_P_VERIFY_REPLY:
	case TDM_P_RS_REQUEST:
	case TDM_P_READ_REPLY:
	case TDM_P_RESIZE:
	case TDM_P_RESIZE_REPLY:
		return TDM_RX_OK;
	case TDM_P_HELLO:
	case TDM_P_AUTH:
	case TDM_P_REFUSE:
	case TDM_P_BITMAP:
	case TDM_P_SB_INFO:
	case TDM_P_TARGET_READY:
	case TDM_P_SIZES:
		return TDM_RX_HANDSHAKE;
	default:
		return TDM_RX_UNKNOWN;
	}
}

const char *tdm_rx_rule_str(enum tdm_rx_rule r)
{
	switch (r) {
	case TDM_RX_OK:
		return "accepted";
	case TDM_RX_HANDSHAKE:
		return "a handshake packet in a session";
	case TDM_RX_UNKNOWN:
		return "a packet type no version defines";
	case TDM_RX_NOT_PRIMARY:
		return "writes or reads, and the peer is not the primary of a secondary";
	case TDM_RX_NOT_TARGET:
		return "resync data or its end, and this node is no resync target";
	case TDM_RX_NOT_SOURCE:
		return "a resync ack, and this node is no resync source";
	case TDM_RX_RESYNC_BUSY:
		return "a catch-up resync offered while one runs, or to a primary";
	case TDM_RX_DECIDED:
		return "generations once the session has decided";
	}
	return "unknown rule";
}
