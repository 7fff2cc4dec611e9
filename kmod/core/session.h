/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which packet a session takes in which state (doc/wire.md, "accepted"):
 * the rules the receiver applies to a packet's header before it reads its
 * payload. What needs the payload or the requests in flight (a range, an
 * answer to a request we sent, two primaries) is the handlers' to check.
 * Any context.
 */
#ifndef TDM_CORE_SESSION_H
#define TDM_CORE_SESSION_H

#include "core_types.h"
#include "gen.h"

/* What the receiver knows when a packet's header arrives. */
struct tdm_rx_ctx {
	u32 role;		/* enum tandem_role: ours */
	u32 peer_role;		/* the peer's, as it last told us */
	enum tdm_sync sync;	/* this session's decision, as it stands */
	bool diskless;		/* our disk was dropped */
};

enum tdm_rx_rule {
	TDM_RX_OK,
	TDM_RX_HANDSHAKE,	/* belongs to the handshake */
	TDM_RX_UNKNOWN,		/* a type no version defines */
	TDM_RX_NOT_PRIMARY,	/* writes or reads from a peer that is not primary,
				 * or sent to a node that is not secondary */
	TDM_RX_NOT_TARGET,	/* resync data or its end, and we are no resync target */
	TDM_RX_NOT_SOURCE,	/* a resync ack, and we are no resync source */
	TDM_RX_RESYNC_BUSY,	/* a catch-up resync offered while one runs, or to a primary */
	TDM_RX_DECIDED,		/* generations once the session decided (only a fresh
				 * pair, or a diskless node, takes them) */
};

/* May a session in state @c take a packet of @type with @flags? */
enum tdm_rx_rule tdm_rx_accept(const struct tdm_rx_ctx *c, u16 type, u16 flags);
/* Why not, for the log. */
const char *tdm_rx_rule_str(enum tdm_rx_rule r);

#endif /* TDM_CORE_SESSION_H */
