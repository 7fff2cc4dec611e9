// SPDX-License-Identifier: GPL-2.0
/*
 * tandem: the handshake that opens a session, on the connection thread.
 * HELLO both ways (versions, name, size, protocol, the disk's logical block
 * size and whether it can discard and write zeroes), then if a secret is
 * set an HMAC challenge-response (each side signs the other's random
 * nonce), then STATE both ways (role, disk), then GEN both ways (data
 * generations); both sides take the same sync decision from them (core/
 * gen.c) and, for a bitmap resync, exchange their dirty bitmaps. Each step
 * is one exchange (tdm_hs_exchange); a side that cannot go on says why in
 * a REFUSE packet.
 */
#include <linux/random.h>
#include <linux/slab.h>
#include <crypto/algapi.h>

#include "tandem.h"
#include "core/names.h"
#include "core/sizes.h"
#include "replication.h"
#include "transport.h"
#include "metadata.h"

/*
 * The handshake ends in a refusal, ours or (@peer_said) the peer's: kept for
 * status, and logged with an event only when the reason changes, as the
 * connecting side retries with a growing backoff (conn.c).
 */
static int tdm_refused(struct tdm_conn *conn, enum tdm_refuse reason, bool peer_said)
{
	const char *why = tdm_refuse_str(reason);

	tdm_set_error(conn, why, peer_said);
	if (conn->refused == why)
		return -ECONNREFUSED;
	conn->refused = why;
	if (peer_said)
		tdm_warn(conn->dev, "the peer refused the connection: %s\n", why);
	else
		tdm_warn(conn->dev, "refusing the peer: %s\n", why);
	tdm_event(conn->dev, TANDEM_EVENT_CONNECTION);
	return -ECONNREFUSED;
}

bool tdm_hs_opened(const void *buf, size_t len)
{
	struct tdm_hdr h;

	if (len < TDM_WIRE_HDR_LEN)
		return false;
	/* Bytes that are no HELLO are refused at once by the handshake. */
	if (tdm_hdr_decode(buf, TDM_WIRE_HDR_LEN, &h) != TDM_WIRE_OK || h.type != TDM_P_HELLO)
		return true;
	return len >= min_t(size_t, TDM_WIRE_HDR_LEN + (size_t)h.len, TDM_TR_OPENING_MAX);
}

static int tdm_recv_hdr(struct tdm_conn *conn, struct tdm_hdr *h, u16 want)
{
	u8 buf[TDM_WIRE_HDR_LEN];
	int ret;

again:
	ret = tdm_tr_recv(&conn->tr, buf, sizeof(buf));
	if (ret)
		return ret;
	if (tdm_hdr_decode(buf, sizeof(buf), h) != TDM_WIRE_OK)
		return -EPROTO;
	/* While the target's before-resync-target handler runs, it pings. */
	if (h->type == TDM_P_PING && want == TDM_P_TARGET_READY)
		goto again;
	if (h->type == TDM_P_REFUSE) {
		u8 why[4];
		u32 reason;

		ret = tdm_tr_recv(&conn->tr, why, sizeof(why));
		if (ret)
			return ret;
		reason = tdm_be32_get(why);
		if (reason >= __TDM_REFUSE_MAX)
			reason = TDM_REFUSE_MALFORMED;
		return tdm_refused(conn, reason, true);
	}
	return h->type == want ? 0 : -EPROTO;
}

/* Tell the peer why we hang up, and remember it for status. */
static int tdm_refuse(struct tdm_conn *conn, enum tdm_refuse reason)
{
	u8 buf[TDM_WIRE_HDR_LEN + 4];
	struct tdm_hdr h = { .magic = TDM_WIRE_MAGIC, .type = TDM_P_REFUSE, .len = 4 };

	tdm_hdr_encode(buf, &h);
	tdm_be32_put(buf + TDM_WIRE_HDR_LEN, reason);
	tdm_tr_send(&conn->tr, buf, sizeof(buf), 0);
	return tdm_refused(conn, reason, false);
}

/*
 * One exchange of the handshake: our packet of @type, its @len bytes of
 * payload already at @buf + TDM_WIRE_HDR_LEN, then the peer's packet of the
 * same type and length, its payload into @theirs (which may be @buf).
 */
static int tdm_hs_exchange(struct tdm_conn *conn, u16 type, u8 *buf, u32 len, void *theirs)
{
	struct tdm_hdr h = { .magic = TDM_WIRE_MAGIC, .type = type, .len = len };
	int ret;

	tdm_hdr_encode(buf, &h);
	ret = tdm_tr_send(&conn->tr, buf, TDM_WIRE_HDR_LEN + len, 0);
	if (!ret)
		ret = tdm_recv_hdr(conn, &h, type);
	/* A HELLO of another length is another protocol version: say so. */
	if (!ret && h.len != len)
		ret = type == TDM_P_HELLO ? tdm_refuse(conn, TDM_REFUSE_PROTO) : -EPROTO;
	if (!ret)
		ret = tdm_tr_recv(&conn->tr, theirs, len);
	return ret;
}

static int tdm_handshake_auth(struct tdm_conn *conn, const u8 *my_nonce,
			      const u8 *peer_nonce)
{
	u8 buf[TDM_WIRE_HDR_LEN + TDM_WIRE_MAC_LEN];
	u8 msg[TDM_AUTH_MSG_LEN], want[TDM_WIRE_MAC_LEN], got[TDM_WIRE_MAC_LEN];
	int ret;

	/* Our answer to the peer's challenge, for the peer's answer to ours. */
	tdm_auth_msg(msg, conn->cfg.acceptor, peer_nonce, my_nonce);
	ret = tdm_auth_mac(conn->cfg.secret, conn->cfg.secret_len, msg, sizeof(msg),
			   buf + TDM_WIRE_HDR_LEN);
	if (!ret)
		ret = tdm_hs_exchange(conn, TDM_P_AUTH, buf, TDM_WIRE_MAC_LEN, got);
	if (ret)
		return ret;
	tdm_auth_msg(msg, !conn->cfg.acceptor, my_nonce, peer_nonce);
	ret = tdm_auth_mac(conn->cfg.secret, conn->cfg.secret_len, msg, sizeof(msg), want);
	if (ret)
		return ret;
	if (crypto_memneq(want, got, sizeof(want)))
		return tdm_refuse(conn, TDM_REFUSE_AUTH);
	return 0;
}

/* The peer told us its role and disk state (handshake or STATE packet). */
void tdm_peer_state(struct tdm_conn *conn, u32 peer_role, u32 peer_disk)
{
	bool changed;

	spin_lock_irq(&conn->lock);
	changed = conn->peer_role != peer_role || conn->peer_disk != peer_disk;
	conn->peer_role = peer_role;
	conn->peer_disk = peer_disk;
	conn->peer_disk_assumed = false;
	spin_unlock_irq(&conn->lock);
	wake_up(&conn->wq);
	if (changed)
		tdm_event(conn->dev, TANDEM_EVENT_PEER);
}

/* Our generations as the peer is to see them. */
void tdm_conn_gen(struct tdm_conn *conn, struct tdm_gen *g)
{
	struct tdm_device *dev = conn->dev;

	mutex_lock(&dev->md_lock);
	*g = dev->gen;
	mutex_unlock(&dev->md_lock);
	/*
	 * Once we adopted the peer's generation, assume_clean no longer counts;
	 * nor for a failed disk re-attached (its generation is cleared).
	 */
	if (conn->cfg.assume_clean && !g->cur && !test_bit(TDM_DEV_DISK_FAILED, &dev->flags))
		g->flags |= TDM_GEN_ASSUME_CLEAN;
	if (test_bit(TDM_DEV_DISKLESS, &dev->flags))
		g->flags |= TDM_GEN_DISKLESS;
	if (conn->cfg.discard_mine)
		g->flags |= TDM_GEN_DISCARD_MINE;
}

/* Mark the data consistent (or not) and up to date, persistently. */
static int tdm_set_consistent(struct tdm_device *dev, bool consistent)
{
	int ret;

	/* A failed disk's metadata keeps saying not consistent (md.c). */
	if (consistent && test_bit(TDM_DEV_DISK_FAILED, &dev->flags))
		ret = tdm_md_set_flags(dev, 0, TDM_MDF_OUTDATED);
	else if (consistent)
		ret = tdm_md_set_flags(dev, TDM_MDF_CONSISTENT, TDM_MDF_OUTDATED);
	else
		ret = tdm_md_set_flags(dev, 0, TDM_MDF_CONSISTENT);
	tdm_set_disk_state(dev, consistent ? TANDEM_DISK_UPTODATE : TANDEM_DISK_INCONSISTENT);
	return ret;
}

/*
 * Both sides hold the same data: what the bitmap marks, the peer has too,
 * and is cleared; unless it marks a write the peer did not get: its new
 * generation had not begun when the generations were exchanged (gen.c
 * starts it after the mark). Then -EAGAIN, the bit kept: once that
 * generation has begun, the next handshake decides again. The connection
 * thread, no lock held.
 */
static int tdm_clear_equal(struct tdm_conn *conn)
{
	if (tdm_bm_clear_equal(conn->dev))
		return 0;
	flush_work(&conn->dev->gen_work);
	/*
	 * No new generation to wait for: the peer claims our very generation
	 * (a peer that echoes it, as test 042's fake one does). Cleared, as
	 * before, rather than deciding again for ever.
	 */
	if (!tdm_gen_moving(conn->dev, conn->gen_sent)) {
		tdm_warn(conn->dev, "the peer has our generation, though writes were marked without it: clearing them\n");
		tdm_bm_clear_all(conn->dev);
		return 0;
	}
	tdm_warn_ratelimited(conn->dev, "a write without the peer during the handshake: deciding again\n");
	return -EAGAIN;
}

/*
 * Act on a sync decision (see core/gen.h), before data flows or, for a
 * forced primary on a fresh pair, while it does. The peer takes the mirror
 * decision from the same generations.
 */
int tdm_apply_sync(struct tdm_conn *conn, enum tdm_sync s)
{
	struct tdm_device *dev = conn->dev;
	int ret = 0;

	/* The peer has a disk again: should it lose it, our generation moves on anew. */
	if (s != TDM_SYNC_DISKLESS && s != TDM_SYNC_PEER_DISKLESS)
		clear_bit(TDM_DEV_PEER_DROPPED, &dev->flags);
	switch (s) {
	case TDM_SYNC_NONE:
		ret = tdm_clear_equal(conn);
		if (ret)
			return ret;
		mutex_lock(&dev->md_lock);
		/* A write's new generation began meanwhile: the session ends (conn.c). */
		if (dev->gen.cur == conn->gen_sent)
			tdm_gen_synced(&dev->gen);
		mutex_unlock(&dev->md_lock);
		ret = tdm_bm_write(dev, false) ?: tdm_set_consistent(dev, true);
		break;
	case TDM_SYNC_FRESH:
		break;
	case TDM_SYNC_ADOPT:
		ret = tdm_clear_equal(conn);
		if (ret)
			return ret;
		mutex_lock(&dev->md_lock);
		tdm_gen_adopt(&dev->gen, &conn->peer_gen);
		mutex_unlock(&dev->md_lock);
		ret = tdm_bm_write(dev, false) ?: tdm_set_consistent(dev, true);
		s = TDM_SYNC_NONE;
		break;
	case TDM_SYNC_PEER_ADOPTS:
		s = TDM_SYNC_NONE;
		break;
	case TDM_SYNC_DISKLESS:
		/* We use the peer's data: we follow its generation, in memory (md.c writes none). */
		mutex_lock(&dev->md_lock);
		tdm_gen_adopt(&dev->gen, &conn->peer_gen);
		/* Not a write of ours during the handshake (conn.c). */
		conn->gen_sent = dev->gen.cur;
		mutex_unlock(&dev->md_lock);
		s = TDM_SYNC_NONE;
		break;
	case TDM_SYNC_PEER_DISKLESS:
		/* The new generation is no write of ours (conn.c); the peer hears of it. */
		ret = tdm_md_peer_dropped(dev);
		conn->gen_sent = READ_ONCE(dev->gen.cur);
		spin_lock_irq(&conn->lock);
		conn->owe.gen = true;
		spin_unlock_irq(&conn->lock);
		s = TDM_SYNC_NONE;
		break;
	case TDM_SYNC_SOURCE_FULL:
		tdm_bm_set_all(dev);
		fallthrough;
	case TDM_SYNC_SOURCE:
		ret = tdm_bm_write(dev, false);
		if (tdm_disk_state(dev) != TANDEM_DISK_INCONSISTENT)
			tdm_set_disk_state(dev, TANDEM_DISK_UPTODATE);
		break;
	case TDM_SYNC_TARGET_FULL:
		tdm_bm_set_all(dev);
		fallthrough;
	case TDM_SYNC_TARGET:
		ret = tdm_set_consistent(dev, false) ?: tdm_bm_write(dev, false);
		break;
	default:
		return -EINVAL;
	}
	spin_lock_irq(&conn->lock);
	WRITE_ONCE(conn->sync, s);
	conn->owe.state = true;
	if (tdm_sync_is_target(s)) {
		conn->rs.total = tdm_bm_count(dev) << TDM_BM_SHIFT;
		conn->rs.done = 0;
		conn->rs.start = jiffies;
	}
	spin_unlock_irq(&conn->lock);
	wake_up(&conn->send_wq);
	if (s != TDM_SYNC_NONE && s != TDM_SYNC_FRESH)
		tdm_info(dev, "%s, %llu KiB out of sync\n",
			tdm_sync_str(s), tdm_bm_count(dev) << (TDM_BM_SHIFT - 10));
	/*
	 * A source reports when its resync thread starts (tdm_resync_start); a
	 * target decided during the handshake, once connected (tdm_session).
	 */
	if (tdm_sync_is_target(s) && READ_ONCE(conn->cstate) == TANDEM_CONN_CONNECTED)
		tdm_event(dev, TANDEM_EVENT_SYNC);
	return ret;
}

/* Send our dirty bitmap as runs, then an empty BITMAP packet. */
static int tdm_send_bitmap(struct tdm_conn *conn, u8 *buf)
{
	struct tdm_device *dev = conn->dev;
	struct tdm_hdr h = { .magic = TDM_WIRE_MAGIC, .type = TDM_P_BITMAP };
	u64 from = 0, start, n, total = 0, bytes = TDM_WIRE_HDR_LEN;
	unsigned int runs = 0;
	int ret;

	for (;;) {
		n = tdm_bm_next_run(dev, from, U32_MAX, &start);
		if (n) {
			struct tdm_run r = { .start = start, .count = n };

			tdm_run_encode(buf + TDM_WIRE_HDR_LEN + runs * TDM_WIRE_RUN_LEN, &r);
			runs++;
			from = start + n;
		}
		if (runs == TDM_WIRE_MAX_RUNS || (!n && runs)) {
			h.len = runs * TDM_WIRE_RUN_LEN;
			tdm_hdr_encode(buf, &h);
			ret = tdm_tr_send(&conn->tr, buf, TDM_WIRE_HDR_LEN + h.len, 0);
			if (ret)
				return ret;
			total += runs;
			bytes += TDM_WIRE_HDR_LEN + h.len;
			runs = 0;
		}
		if (!n)
			break;
	}
	h.len = 0;
	tdm_hdr_encode(buf, &h);
	ret = tdm_tr_send(&conn->tr, buf, TDM_WIRE_HDR_LEN, 0);
	if (!ret)
		tdm_info(dev, "bitmap sent: %llu runs, %llu bytes\n", total, bytes);
	return ret;
}

/* Receive the peer's bitmap runs and mark them in ours. */
static int tdm_recv_bitmap(struct tdm_conn *conn, u8 *buf)
{
	struct tdm_device *dev = conn->dev;
	struct tdm_hdr h;
	struct tdm_run r;
	unsigned int i;
	u64 next = 0;
	int ret;

	for (;;) {
		ret = tdm_recv_hdr(conn, &h, TDM_P_BITMAP);
		if (ret)
			return ret;
		if (!h.len)
			return 0;
		ret = tdm_tr_recv(&conn->tr, buf, h.len);
		if (ret)
			return ret;
		for (i = 0; i < h.len / TDM_WIRE_RUN_LEN; i++) {
			if (tdm_run_decode(buf + i * TDM_WIRE_RUN_LEN, TDM_WIRE_RUN_LEN,
					   dev->bm.nbits, &r) != TDM_WIRE_OK)
				return tdm_refuse(conn, TDM_REFUSE_MALFORMED);
			if (!tdm_run_in_order(&r, &next)) {
				tdm_warn_ratelimited(dev, "the peer's bitmap runs are out of order\n");
				return tdm_refuse(conn, TDM_REFUSE_MALFORMED);
			}
			tdm_bm_set_bits(dev, r.start, r.count);
		}
	}
}

/*
 * A split brain both nodes found: each tells the other what it changed,
 * its role and policies (SB_INFO, both ways), and both take the same
 * decision (core/gen.c). If a policy resolves it, the loser's generations
 * say discard-my-data and the decision is taken again: a resync from the
 * winner. Returns the new decision, or TDM_SYNC_SPLIT_BRAIN; *@err on a
 * failed exchange. Whether this node was primary when the split began goes
 * only to a peer that knows the bit (@peer_caps).
 */
static enum tdm_sync tdm_split_brain_policy(struct tdm_conn *conn, u8 *buf, bool primary,
					    u32 peer_caps, struct tdm_gen *mine,
					    struct tdm_gen *peer, int *err)
{
	struct tdm_device *dev = conn->dev;
	struct tdm_sb_side me = {
		.changed = tdm_bm_count(dev) << TDM_BM_SHIFT, .primary = primary,
		.primary_at_split = (peer_caps & TDM_CAP_SB_AGE) &&
				    (mine->flags & TDM_GEN_PRIMARY_AT_SPLIT),
		.pol0 = conn->cfg.after_sb_0pri, .pol1 = conn->cfg.after_sb_1pri,
		.tiebreak = mine->tiebreak,
	}, them;
	struct tdm_sb_side sent = me;
	enum tdm_sb_result r;
	bool one;

	/*
	 * A peer without TDM_CAP_SB_AGE knows none of the policies that came
	 * with it and would refuse them as malformed: it hears "disconnect",
	 * so both find the policies differ and say so.
	 */
	if (!(peer_caps & TDM_CAP_SB_AGE)) {
		if (sent.pol0 > TANDEM_SB0_DISCARD_LEAST_CHANGES)
			sent.pol0 = TANDEM_SB0_DISCONNECT;
		if (sent.pol1 > TANDEM_SB1_CONSENSUS)
			sent.pol1 = TANDEM_SB1_DISCONNECT;
	}
	tdm_sb_info_encode(buf + TDM_WIRE_HDR_LEN, &sent);
	*err = tdm_hs_exchange(conn, TDM_P_SB_INFO, buf, TDM_WIRE_SB_INFO_LEN, buf);
	if (*err)
		return TDM_SYNC_SPLIT_BRAIN;
	if (tdm_sb_info_decode(buf, TDM_WIRE_SB_INFO_LEN, &them) != TDM_WIRE_OK) {
		*err = tdm_refuse(conn, TDM_REFUSE_MALFORMED);
		return TDM_SYNC_SPLIT_BRAIN;
	}
	them.tiebreak = peer->tiebreak;
	r = tdm_sb_decide(&me, &them);
	if (r == TDM_SB_DISCONNECT) {
		if (me.pol0 != them.pol0 || me.pol1 != them.pol1)
			tdm_warn(dev, "split brain: the peer's after-sb policies are not ours: none applies\n");
		return TDM_SYNC_SPLIT_BRAIN;
	}
	one = me.primary || them.primary;
	if (r == TDM_SB_PRIMARY_LOST) {
		tdm_warn(dev, "split brain: after-sb-1pri call-pri-lost-after-sb: %s %llu KiB changed on its own are to be discarded, but it is primary: not connecting%s\n",
			 me.primary ? "this node's" : "the peer's",
			 (me.primary ? me.changed : them.changed) >> 10,
			 me.primary ? "; calling the pri-lost-after-sb handler" : "");
		if (me.primary)
			tdm_handler_notify(dev, TANDEM_HANDLER_PRI_LOST_AFTER_SB);
		return TDM_SYNC_SPLIT_BRAIN;
	}
	if (r == TDM_SB_DISCARD_MINE)
		mine->flags |= TDM_GEN_DISCARD_MINE;
	else
		peer->flags |= TDM_GEN_DISCARD_MINE;
	tdm_warn(dev, "split brain resolved by after-sb-%dpri %s: %s %llu KiB changed on its own are discarded, it takes the other's data\n",
		 one, one ? tdm_sb1_name(me.pol1) : tdm_sb0_name(me.pol0),
		 r == TDM_SB_DISCARD_MINE ? "this node's" : "the peer's",
		 (r == TDM_SB_DISCARD_MINE ? me.changed : them.changed) >> 10);
	tdm_event(dev, TANDEM_EVENT_SPLIT_BRAIN);
	return tdm_sync_decide(mine, peer);
}

/* The before-resync-target handler runs: keep the source waiting for it. */
static void tdm_target_tick(void *arg)
{
	struct tdm_conn *conn = arg;
	u8 buf[TDM_WIRE_HDR_LEN];
	struct tdm_hdr h = { .magic = TDM_WIRE_MAGIC, .type = TDM_P_PING };

	tdm_hdr_encode(buf, &h);
	tdm_tr_send(&conn->tr, buf, sizeof(buf), 0);
}

/*
 * A resync is decided, before anything of it is written: the target runs
 * its before-resync-target handler (a snapshot of its consistent data, say)
 * and starts only if it exits 0; the source waits for the target to say so
 * (peers with TDM_CAP_TARGET_READY; an older source does not wait, and may
 * time out a slow handler). A failed handler halts the target's connection
 * (the admin acts), nothing changed.
 */
static int tdm_target_ready(struct tdm_conn *conn, enum tdm_sync s, u32 peer_caps)
{
	bool ready = peer_caps & TDM_CAP_TARGET_READY;
	u8 buf[TDM_WIRE_HDR_LEN];
	struct tdm_hdr h = { .magic = TDM_WIRE_MAGIC, .type = TDM_P_TARGET_READY };
	int ret;

	if (tdm_sync_is_source(s) && ready) {
		/* However the target pings, its handler is killed in time. */
		tdm_tr_deadline(&conn->tr, TANDEM_HANDLER_TIMEOUT_S * 1000 +
					   2 * READ_ONCE(conn->tr.timeout_ms));
		ret = tdm_recv_hdr(conn, &h, TDM_P_TARGET_READY);
		tdm_tr_deadline(&conn->tr, 0);
		return ret;
	}
	if (!tdm_sync_is_target(s))
		return 0;
	if (tdm_handler_call(conn->dev, TANDEM_HANDLER_BEFORE_RESYNC_TARGET,
			     ready ? tdm_target_tick : NULL, conn)) {
		spin_lock_irq(&conn->lock);
		conn->halted = tdm_refuse_str(TDM_REFUSE_HANDLER);
		spin_unlock_irq(&conn->lock);
		return tdm_refuse(conn, TDM_REFUSE_HANDLER);
	}
	if (!ready)
		return 0;
	tdm_hdr_encode(buf, &h);
	return tdm_tr_send(&conn->tr, buf, sizeof(buf), 0);
}

/*
 * Generations both ways, the decision, and the bitmaps if it needs them.
 * @peer_caps: what the peer's HELLO said it can do.
 */
static int tdm_handshake_sync(struct tdm_conn *conn, u32 role, u32 peer_role, u32 peer_caps)
{
	struct tdm_device *dev = conn->dev;
	const size_t buflen = TDM_WIRE_HDR_LEN + TDM_WIRE_MAX_RUNS * TDM_WIRE_RUN_LEN;
	struct tdm_gen mine, peer;
	enum tdm_sync s;
	u8 *buf;
	int ret;

	buf = kmalloc(buflen, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	conn->unsent_seq = tdm_bm_unsent_seq(dev);
	tdm_conn_gen(conn, &mine);
	conn->gen_sent = mine.cur;
	tdm_gen_encode(buf + TDM_WIRE_HDR_LEN, &mine);
	ret = tdm_hs_exchange(conn, TDM_P_GEN, buf, TDM_WIRE_GEN_LEN, buf);
	if (ret)
		goto out;
	if (tdm_gen_decode(buf, TDM_WIRE_GEN_LEN, &peer) != TDM_WIRE_OK) {
		ret = tdm_refuse(conn, TDM_REFUSE_MALFORMED);
		goto out;
	}
	spin_lock_irq(&conn->lock);
	conn->peer_gen = peer;
	spin_unlock_irq(&conn->lock);
	/* Roles enter the decision: a primary's data is what applications read. */
	if (role == TANDEM_ROLE_PRIMARY)
		mine.flags |= TDM_GEN_PRIMARY;
	if (peer_role == TANDEM_ROLE_PRIMARY)
		peer.flags |= TDM_GEN_PRIMARY;
	s = tdm_sync_decide(&mine, &peer);
	/* Both nodes found it: the policies may resolve it (both exchange SB_INFO). */
	if (s == TDM_SYNC_SPLIT_BRAIN && (peer_caps & TDM_CAP_SB_INFO)) {
		s = tdm_split_brain_policy(conn, buf, role == TANDEM_ROLE_PRIMARY, peer_caps,
					   &mine, &peer, &ret);
		if (ret)
			goto out;
	}
	/* A split brain is said as such, even between two primaries. */
	if (s == TDM_SYNC_SPLIT_BRAIN || s == TDM_SYNC_UNRELATED) {
		tdm_err(dev, "%s (ours %016llx, peer's %016llx): not connecting, no data touched; "
			"this node changed %llu KiB on its own. To drop its changes, on it: "
			"tandemctl secondary %s; tandemctl disconnect %s; tandemctl connect %s --discard-my-data\n",
			tdm_sync_str(s), mine.cur, peer.cur,
			(tdm_bm_count(dev) << TDM_BM_SHIFT) >> 10, dev->name, dev->name, dev->name);
		spin_lock_irq(&conn->lock);
		conn->halted = tdm_refuse_str(s == TDM_SYNC_SPLIT_BRAIN ? TDM_REFUSE_SPLIT_BRAIN :
					      TDM_REFUSE_UNRELATED);
		spin_unlock_irq(&conn->lock);
		tdm_event(dev, TANDEM_EVENT_SPLIT_BRAIN);
		tdm_handler_notify(dev, TANDEM_HANDLER_SPLIT_BRAIN);
		ret = tdm_refuse(conn, s == TDM_SYNC_SPLIT_BRAIN ? TDM_REFUSE_SPLIT_BRAIN :
				 TDM_REFUSE_UNRELATED);
		goto out;
	}
	if (role == TANDEM_ROLE_PRIMARY && peer_role == TANDEM_ROLE_PRIMARY) {
		ret = tdm_refuse(conn, TDM_REFUSE_BOTH_PRIMARY);
		goto out;
	}
	if (s == TDM_SYNC_NO_DATA) {
		ret = tdm_refuse(conn, TDM_REFUSE_NO_DATA);
		goto out;
	}
	if ((tdm_sync_is_target(s) && role == TANDEM_ROLE_PRIMARY) ||
	    (tdm_sync_is_source(s) && peer_role == TANDEM_ROLE_PRIMARY)) {
		ret = tdm_refuse(conn, TDM_REFUSE_TARGET_PRIMARY);
		goto out;
	}
	/* Blocks a failed disk returns are no copy to make the peer's data from. */
	if (tdm_sync_is_source(s) && test_bit(TDM_DEV_DISK_FAILED, &dev->flags)) {
		ret = tdm_refuse(conn, TDM_REFUSE_SOURCE_FAILED);
		goto out;
	}
	tdm_tr_deadline(&conn->tr, 0);
	ret = tdm_target_ready(conn, s, peer_caps);
	if (ret)
		goto out;
	/*
	 * One side sends its bitmap while the other reads, then the other way:
	 * two bitmaps larger than the socket buffers, both sent first, would
	 * block both sides for good.
	 */
	if (s == TDM_SYNC_SOURCE || s == TDM_SYNC_TARGET) {
		if (conn->cfg.acceptor)
			ret = tdm_recv_bitmap(conn, buf) ?: tdm_send_bitmap(conn, buf);
		else
			ret = tdm_send_bitmap(conn, buf) ?: tdm_recv_bitmap(conn, buf);
		if (ret)
			goto out;
	}
	ret = tdm_apply_sync(conn, s);
out:
	kfree(buf);
	return ret;
}

/*
 * SIZES both ways (peers with TDM_CAP_SIZES): the size the device takes,
 * or a refusal (core/sizes.h). Taken at once: a new disk takes the size of
 * the peer's data, and the node that grows marks its new blocks for the
 * resync this handshake decides.
 */
static int tdm_handshake_sizes(struct tdm_conn *conn)
{
	struct tdm_device *dev = conn->dev;
	u8 buf[TDM_WIRE_HDR_LEN + TDM_WIRE_SIZES_LEN];
	struct tdm_sizes mine, peer;
	enum tdm_refuse why;
	u64 agreed;
	int ret;

	tdm_sizes_mine(dev, &mine);
	tdm_sizes_encode(buf + TDM_WIRE_HDR_LEN, &mine);
	ret = tdm_hs_exchange(conn, TDM_P_SIZES, buf, TDM_WIRE_SIZES_LEN, buf);
	if (ret)
		return ret;
	if (tdm_sizes_decode(buf, TDM_WIRE_SIZES_LEN, TDM_P_SIZES, &peer) != TDM_WIRE_OK)
		return tdm_refuse(conn, TDM_REFUSE_MALFORMED);
	why = tdm_sizes_agree(&mine, &peer, &agreed);
	/* Said once, as the refusal itself (tdm_refused). */
	if (why != TDM_REFUSE_NONE && conn->refused != tdm_refuse_str(why))
		tdm_warn(dev, "sizes: this device %llu MiB%s, its disk holds %llu MiB; the peer's %llu MiB%s, its disk holds %llu MiB\n",
			 mine.size >> 11, mine.flags & TDM_SIZES_HAS_DATA ? " in use" : "",
			 mine.max >> 11, peer.size >> 11,
			 peer.flags & TDM_SIZES_HAS_DATA ? " in use" : "", peer.max >> 11);
	if (why != TDM_REFUSE_NONE)
		return tdm_refuse(conn, why);
	if (agreed == mine.size)
		return 0;
	ret = tdm_take_size(dev, agreed, agreed > mine.size);
	if (ret)
		tdm_set_error(conn, "handshake: the agreed size cannot be recorded", false);
	return ret;
}

/*
 * Stop offering what the peer's disk cannot do, so that no write is issued
 * that one disk takes and the other fails (zero-outs are then written as
 * zeroes by the block layer). Not offered again while attached.
 */
static void tdm_limit_to_peer(struct tdm_device *dev, u32 caps)
{
	struct request_queue *q = dev->disk->queue;

	if (!(caps & TDM_CAP_WRITE_ZEROES) && q->limits.max_write_zeroes_sectors) {
		blk_queue_max_write_zeroes_sectors(q, 0);
		tdm_info(dev, "the peer's disk cannot write zeroes: %s no longer offers it\n",
			 dev->disk->disk_name);
	}
	if (!(caps & TDM_CAP_DISCARD) && q->limits.max_discard_sectors) {
		blk_queue_max_discard_sectors(q, 0);
		tdm_info(dev, "the peer's disk cannot discard: %s no longer offers it\n",
			 dev->disk->disk_name);
	}
}

static int tdm_handshake_run(struct tdm_conn *conn)
{
	struct tdm_device *dev = conn->dev;
	u8 buf[TDM_WIRE_HDR_LEN + TDM_WIRE_HELLO_LEN];
	struct tdm_hello mine = {
		.proto_min = TDM_WIRE_PROTO_MIN, .proto_max = TDM_WIRE_PROTO_MAX,
		.size_sectors = get_capacity(dev->disk), .protocol = conn->cfg.protocol,
		.flags = conn->cfg.secret_len ? TDM_HELLO_SECRET : 0,
		.lbs = queue_logical_block_size(dev->disk->queue),
		.caps = (bdev_max_discard_sectors(dev->backing) ? TDM_CAP_DISCARD : 0) |
			(bdev_write_zeroes_sectors(dev->backing) ? TDM_CAP_WRITE_ZEROES : 0) |
			TDM_CAP_RS_REQUEST | TDM_CAP_READ | TDM_CAP_SB_INFO | TDM_CAP_TARGET_READY |
			TDM_CAP_SB_AGE | TDM_CAP_SIZES,
	}, peer;
	struct tdm_state st;
	enum tdm_refuse why;
	u32 proto, role;
	int ret;

	/*
	 * Until the generations are exchanged (the bitmaps may take long), a
	 * peer that trickles a byte per timeout cannot hold the handshake.
	 */
	tdm_tr_deadline(&conn->tr, TDM_HS_DEADLINE * READ_ONCE(conn->tr.timeout_ms));
	strscpy(mine.name, dev->name, sizeof(mine.name));
	get_random_bytes(mine.nonce, sizeof(mine.nonce));
	tdm_hello_encode(buf + TDM_WIRE_HDR_LEN, &mine);
	ret = tdm_hs_exchange(conn, TDM_P_HELLO, buf, TDM_WIRE_HELLO_LEN, buf);
	if (ret)
		return ret;
	if (tdm_hello_decode(buf, TDM_WIRE_HELLO_LEN, &peer) != TDM_WIRE_OK)
		return tdm_refuse(conn, TDM_REFUSE_MALFORMED);
	why = tdm_hello_check(&mine, &peer, &proto);
	if (why != TDM_REFUSE_NONE)
		return tdm_refuse(conn, why);
	if (conn->cfg.secret_len) {
		ret = tdm_handshake_auth(conn, mine.nonce, peer.nonce);
		if (ret)
			return ret;
	}
	if (peer.caps & TDM_CAP_SIZES) {
		ret = tdm_handshake_sizes(conn);
		if (ret)
			return ret;
	}

	role = READ_ONCE(dev->role);
	st.role = role;
	st.disk = tdm_disk_state(dev);
	tdm_state_encode(buf + TDM_WIRE_HDR_LEN, &st);
	ret = tdm_hs_exchange(conn, TDM_P_STATE, buf, TDM_WIRE_STATE_LEN, buf);
	if (ret)
		return ret;
	if (tdm_state_decode(buf, TDM_WIRE_STATE_LEN, &st) != TDM_WIRE_OK)
		return tdm_refuse(conn, TDM_REFUSE_MALFORMED);

	spin_lock_irq(&conn->lock);
	WRITE_ONCE(conn->sync, TDM_SYNC_FRESH);
	conn->rs.total = conn->rs.done = 0;
	spin_unlock_irq(&conn->lock);
	tdm_peer_state(conn, st.role, st.disk);
	ret = tdm_handshake_sync(conn, role, st.role, peer.caps);
	if (ret)
		return ret;
	/* Only an authenticated peer that passed every check changes the device. */
	tdm_limit_to_peer(dev, peer.caps);

	spin_lock_irq(&conn->lock);
	conn->authenticated = conn->cfg.secret_len != 0;
	conn->peer_caps = peer.caps;
	conn->last_error = NULL;
	conn->refused = NULL;
	conn->owe.state = true;
	conn->stats.sent = conn->stats.sent_bytes = conn->stats.acked = 0;
	conn->stats.received = conn->stats.received_bytes = 0;
	conn->sec.peer_epoch = 0;
	conn->sec.apply_failed = false;
	spin_unlock_irq(&conn->lock);
	tdm_info(dev, "connected to %pISpc (%s, protocol v%u%s), peer is %s, %s\n",
		&conn->cfg.peer, tdm_proto_name(conn->cfg.protocol), proto,
		conn->cfg.secret_len ? ", authenticated" : ", unauthenticated",
		tdm_role_name(st.role), tdm_disk_name(st.disk));
	return 0;
}

int tdm_handshake(struct tdm_conn *conn)
{
	int ret = tdm_handshake_run(conn);

	/* A refusal says why itself; anything else is said here, for status. */
	if (ret && ret != -ECONNREFUSED)
		tdm_set_error(conn, ret == -ETIMEDOUT ? "handshake: the peer went silent" :
				    ret == -ECONNRESET ? "handshake: closed by the peer" :
				    ret == -EPROTO ? "handshake: protocol error" :
				    ret == -EAGAIN ? "handshake: a write without the peer meanwhile, deciding again" :
						     "handshake: network error", false);
	return ret;
}
