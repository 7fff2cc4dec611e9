// SPDX-License-Identifier: GPL-2.0
/* Which packet a session takes in which state (core/session.c). */
#include "unit.h"
#include "core/session.h"
#include "core/wire.h"

#define SEC TANDEM_ROLE_SECONDARY
#define PRI TANDEM_ROLE_PRIMARY

static enum tdm_rx_rule rx(u32 role, u32 peer_role, enum tdm_sync sync, bool diskless,
			   u16 type, u16 flags)
{
	struct tdm_rx_ctx c = { .role = role, .peer_role = peer_role, .sync = sync,
				.diskless = diskless };

	return tdm_rx_accept(&c, type, flags);
}

static void writes_and_reads(void)
{
	/* A primary's writes and reads, on its secondary only. */
	CHECK_EQ(rx(SEC, PRI, TDM_SYNC_NONE, false, TDM_P_DATA, 0), TDM_RX_OK);
	CHECK_EQ(rx(SEC, PRI, TDM_SYNC_NONE, false, TDM_P_READ_REQ, 0), TDM_RX_OK);
	CHECK_EQ(rx(SEC, SEC, TDM_SYNC_NONE, false, TDM_P_DATA, 0), TDM_RX_NOT_PRIMARY);
	CHECK_EQ(rx(PRI, SEC, TDM_SYNC_NONE, false, TDM_P_DATA, 0), TDM_RX_NOT_PRIMARY);
	CHECK_EQ(rx(PRI, PRI, TDM_SYNC_NONE, false, TDM_P_DATA, 0), TDM_RX_NOT_PRIMARY);
	CHECK_EQ(rx(SEC, SEC, TDM_SYNC_NONE, false, TDM_P_READ_REQ, 0), TDM_RX_NOT_PRIMARY);
	CHECK_EQ(rx(PRI, SEC, TDM_SYNC_NONE, false, TDM_P_READ_REQ, 0), TDM_RX_NOT_PRIMARY);
	/* Resync data: on a resync target (bitmap or full), whatever the peer's role. */
	CHECK_EQ(rx(SEC, SEC, TDM_SYNC_TARGET, false, TDM_P_DATA, TDM_F_RESYNC), TDM_RX_OK);
	CHECK_EQ(rx(SEC, PRI, TDM_SYNC_TARGET_FULL, false, TDM_P_DATA, TDM_F_RESYNC), TDM_RX_OK);
	CHECK_EQ(rx(SEC, PRI, TDM_SYNC_NONE, false, TDM_P_DATA, TDM_F_RESYNC), TDM_RX_NOT_TARGET);
	CHECK_EQ(rx(SEC, SEC, TDM_SYNC_SOURCE, false, TDM_P_DATA, TDM_F_RESYNC), TDM_RX_NOT_TARGET);
	CHECK_EQ(rx(PRI, SEC, TDM_SYNC_TARGET, false, TDM_P_DATA, TDM_F_RESYNC), TDM_RX_NOT_TARGET);
}

static void resync(void)
{
	CHECK_EQ(rx(PRI, SEC, TDM_SYNC_SOURCE, false, TDM_P_RS_ACK, 0), TDM_RX_OK);
	CHECK_EQ(rx(SEC, SEC, TDM_SYNC_SOURCE_FULL, false, TDM_P_RS_ACK, 0), TDM_RX_OK);
	CHECK_EQ(rx(PRI, SEC, TDM_SYNC_NONE, false, TDM_P_RS_ACK, 0), TDM_RX_NOT_SOURCE);
	CHECK_EQ(rx(SEC, PRI, TDM_SYNC_TARGET, false, TDM_P_RS_ACK, 0), TDM_RX_NOT_SOURCE);
	CHECK_EQ(rx(SEC, PRI, TDM_SYNC_TARGET, false, TDM_P_SYNC_DONE, 0), TDM_RX_OK);
	CHECK_EQ(rx(SEC, PRI, TDM_SYNC_NONE, false, TDM_P_SYNC_DONE, 0), TDM_RX_NOT_TARGET);
	CHECK_EQ(rx(PRI, SEC, TDM_SYNC_SOURCE, false, TDM_P_SYNC_DONE, 0), TDM_RX_NOT_TARGET);
	/* A catch-up resync: on a secondary with none running. */
	CHECK_EQ(rx(SEC, PRI, TDM_SYNC_NONE, false, TDM_P_RS_START, 0), TDM_RX_OK);
	CHECK_EQ(rx(SEC, PRI, TDM_SYNC_TARGET, false, TDM_P_RS_START, 0), TDM_RX_RESYNC_BUSY);
	CHECK_EQ(rx(PRI, SEC, TDM_SYNC_NONE, false, TDM_P_RS_START, 0), TDM_RX_RESYNC_BUSY);
	/* Generations: a fresh pair's first, or any for a diskless node. */
	CHECK_EQ(rx(SEC, PRI, TDM_SYNC_FRESH, false, TDM_P_GEN, 0), TDM_RX_OK);
	CHECK_EQ(rx(SEC, PRI, TDM_SYNC_DISKLESS, true, TDM_P_GEN, 0), TDM_RX_OK);
	CHECK_EQ(rx(SEC, PRI, TDM_SYNC_NONE, false, TDM_P_GEN, 0), TDM_RX_DECIDED);
	CHECK_EQ(rx(SEC, PRI, TDM_SYNC_TARGET, false, TDM_P_GEN, 0), TDM_RX_DECIDED);
}

static void any_time_and_never(void)
{
	static const u16 any[] = { TDM_P_ACK, TDM_P_PING, TDM_P_PONG, TDM_P_STATE, TDM_P_PROMOTE,
				   TDM_P_PROMOTE_REPLY, TDM_P_VERIFY_REQ, TDM_P_VERIFY_REPLY,
				   TDM_P_RS_REQUEST, TDM_P_READ_REPLY, TDM_P_RESIZE,
				   TDM_P_RESIZE_REPLY };
	static const u16 handshake[] = { TDM_P_HELLO, TDM_P_AUTH, TDM_P_REFUSE, TDM_P_BITMAP,
					 TDM_P_SB_INFO, TDM_P_TARGET_READY, TDM_P_SIZES };
	unsigned int i;
	u16 t;

	for (i = 0; i < sizeof(any) / sizeof(any[0]); i++) {
		CHECK_EQ(rx(PRI, SEC, TDM_SYNC_NONE, false, any[i], 0), TDM_RX_OK);
		CHECK_EQ(rx(SEC, PRI, TDM_SYNC_TARGET, false, any[i], 0), TDM_RX_OK);
	}
	for (i = 0; i < sizeof(handshake) / sizeof(handshake[0]); i++) {
		CHECK_EQ(rx(SEC, PRI, TDM_SYNC_FRESH, false, handshake[i], 0), TDM_RX_HANDSHAKE);
		CHECK_EQ(rx(PRI, SEC, TDM_SYNC_SOURCE, false, handshake[i], 0), TDM_RX_HANDSHAKE);
	}
	CHECK_EQ(rx(SEC, PRI, TDM_SYNC_NONE, false, 0, 0), TDM_RX_UNKNOWN);
	for (t = __TDM_P_MAX; t < __TDM_P_MAX + 300; t++)
		CHECK_EQ(rx(SEC, PRI, TDM_SYNC_FRESH, true, t, 0), TDM_RX_UNKNOWN);
	/* Every rule has its words for the log. */
	for (i = TDM_RX_OK; i <= TDM_RX_DECIDED; i++)
		CHECK(strcmp(tdm_rx_rule_str(i), "unknown rule"));
}

void test_session(void)
{
	writes_and_reads();
	resync();
	any_time_and_never();
}
