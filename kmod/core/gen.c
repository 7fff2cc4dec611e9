// SPDX-License-Identifier: GPL-2.0
/*
 * Data generations and the sync decision (see gen.h). The rules, in order:
 *  1. Neither node ever held data: nothing to do.
 *  2. One never held data: it receives everything, unless it was declared
 *     identical (assume-clean), then it takes the peer's generation.
 *  3. Same generation: nothing to do, unless one owes the other a resync
 *     (it crashed while primary, its writes in flight may be missing on the
 *     peer; or verify found blocks that differ): that one is the source of
 *     a bitmap resync. But if one node is primary, it is the source: its
 *     data is what applications read (a survivor promoted after the other
 *     crashed, before its first write), and the blocks the other owes were
 *     never acknowledged as written by both.
 *  4. The peer left the generation we are in (its bitmap id is our current):
 *     it wrote since, we take the blocks its bitmap marks. And the mirror.
 *  5. Both left the same generation: split brain, resolvable by bitmap.
 *  6. Our generation is in the peer's history: it moved on twice, the
 *     bitmap no longer covers it: full copy from the peer. And the mirror.
 *  7. Any other common generation: split brain, resolvable by a full copy.
 *  8. Nothing in common: unrelated data.
 * A split brain (and unrelated data) is resolved only when exactly one side
 * says --discard-my-data; that side becomes the target.
 *
 * A diskless node (its disk failed and was dropped) has no data to copy or
 * take: it connects with no resync, to use the peer's disk. A diskless
 * secondary always may (whatever the peer wrote, it loses nothing). A
 * diskless primary serves its applications from the peer's disk: only
 * where the rules above find nothing to do; where they would make it the
 * source (the peer lacks blocks only its lost disk held) there is no good
 * copy, and split brain, unrelated data and an older primary stay what
 * they are. Two diskless nodes have no copy at all.
 */
#include "gen.h"
#include "tandem_netlink.h"

enum tdm_sync tdm_sync_mirror(enum tdm_sync s)
{
	switch (s) {
	case TDM_SYNC_SOURCE:
		return TDM_SYNC_TARGET;
	case TDM_SYNC_TARGET:
		return TDM_SYNC_SOURCE;
	case TDM_SYNC_SOURCE_FULL:
		return TDM_SYNC_TARGET_FULL;
	case TDM_SYNC_TARGET_FULL:
		return TDM_SYNC_SOURCE_FULL;
	case TDM_SYNC_ADOPT:
		return TDM_SYNC_PEER_ADOPTS;
	case TDM_SYNC_PEER_ADOPTS:
		return TDM_SYNC_ADOPT;
	case TDM_SYNC_DISKLESS:
		return TDM_SYNC_PEER_DISKLESS;
	case TDM_SYNC_PEER_DISKLESS:
		return TDM_SYNC_DISKLESS;
	default:
		return s;
	}
}

bool tdm_sync_is_target(enum tdm_sync s)
{
	return s == TDM_SYNC_TARGET || s == TDM_SYNC_TARGET_FULL;
}

bool tdm_sync_is_source(enum tdm_sync s)
{
	return s == TDM_SYNC_SOURCE || s == TDM_SYNC_SOURCE_FULL;
}

static bool in_history(u64 id, const struct tdm_gen *g)
{
	return id && (g->history[0] == id || g->history[1] == id);
}

static bool share_ancestor(const struct tdm_gen *a, const struct tdm_gen *b)
{
	const u64 ia[3] = { a->bitmap, a->history[0], a->history[1] };
	const u64 ib[3] = { b->bitmap, b->history[0], b->history[1] };
	int i, j;

	for (i = 0; i < 3; i++)
		for (j = 0; j < 3; j++)
			if (ia[i] && ia[i] == ib[j])
				return true;
	return false;
}

/* Split brain or unrelated data: only one side discarding resolves it. */
static enum tdm_sync resolve(const struct tdm_gen *me, const struct tdm_gen *peer,
			     enum tdm_sync unresolved, bool by_bitmap)
{
	bool md = me->flags & TDM_GEN_DISCARD_MINE;
	bool pd = peer->flags & TDM_GEN_DISCARD_MINE;

	if (md && !pd)
		return by_bitmap ? TDM_SYNC_TARGET : TDM_SYNC_TARGET_FULL;
	if (pd && !md)
		return by_bitmap ? TDM_SYNC_SOURCE : TDM_SYNC_SOURCE_FULL;
	return unresolved;
}

static enum tdm_sync tdm_sync_decide_data(const struct tdm_gen *me, const struct tdm_gen *peer)
{
	u64 mc = me->cur, pc = peer->cur;
	bool to_me, to_peer;

	if (!mc && !pc)
		return TDM_SYNC_FRESH;
	if (!mc)
		return me->flags & TDM_GEN_ASSUME_CLEAN ? TDM_SYNC_ADOPT : TDM_SYNC_TARGET_FULL;
	if (!pc)
		return peer->flags & TDM_GEN_ASSUME_CLEAN ? TDM_SYNC_PEER_ADOPTS :
							    TDM_SYNC_SOURCE_FULL;
	if (mc == pc) {
		bool mcr = me->flags & TDM_GEN_RESYNC_OWED;
		bool pcr = peer->flags & TDM_GEN_RESYNC_OWED;
		bool mp = me->flags & TDM_GEN_PRIMARY;
		bool pp = peer->flags & TDM_GEN_PRIMARY;

		if ((mcr || pcr) && mp != pp)
			return mp ? TDM_SYNC_SOURCE : TDM_SYNC_TARGET;
		if (mcr && pcr && me->tiebreak != peer->tiebreak)
			return me->tiebreak > peer->tiebreak ? TDM_SYNC_SOURCE : TDM_SYNC_TARGET;
		if (mcr && !pcr)
			return TDM_SYNC_SOURCE;
		if (pcr && !mcr)
			return TDM_SYNC_TARGET;
		return TDM_SYNC_NONE;
	}
	to_me = peer->bitmap == mc;
	to_peer = me->bitmap == pc;
	if (to_me != to_peer)
		return to_me ? TDM_SYNC_TARGET : TDM_SYNC_SOURCE;
	if (!to_me && me->bitmap && me->bitmap == peer->bitmap)
		return resolve(me, peer, TDM_SYNC_SPLIT_BRAIN, true);
	to_me = in_history(mc, peer);
	to_peer = in_history(pc, me);
	if (to_me != to_peer)
		return to_me ? TDM_SYNC_TARGET_FULL : TDM_SYNC_SOURCE_FULL;
	if (to_me || share_ancestor(me, peer))
		return resolve(me, peer, TDM_SYNC_SPLIT_BRAIN, false);
	return resolve(me, peer, TDM_SYNC_UNRELATED, false);
}

/* What the diskless side @me makes of the decision @s the rules took for it. */
static enum tdm_sync tdm_sync_diskless(const struct tdm_gen *me, enum tdm_sync s)
{
	if (!(me->flags & TDM_GEN_PRIMARY))
		return TDM_SYNC_DISKLESS;
	switch (s) {
	case TDM_SYNC_NONE:
		return TDM_SYNC_DISKLESS;
	case TDM_SYNC_TARGET:
	case TDM_SYNC_TARGET_FULL:
	case TDM_SYNC_SPLIT_BRAIN:
	case TDM_SYNC_UNRELATED:
		return s;
	default:
		return TDM_SYNC_NO_DATA;
	}
}

enum tdm_sync tdm_sync_decide(const struct tdm_gen *me, const struct tdm_gen *peer)
{
	bool md = me->flags & TDM_GEN_DISKLESS, pd = peer->flags & TDM_GEN_DISKLESS;

	if (md && pd)
		return TDM_SYNC_NO_DATA;
	if (md)
		return tdm_sync_diskless(me, tdm_sync_decide_data(me, peer));
	if (pd)
		return tdm_sync_mirror(tdm_sync_diskless(peer, tdm_sync_decide_data(peer, me)));
	return tdm_sync_decide_data(me, peer);
}

void tdm_gen_new_current(struct tdm_gen *g, u64 id, bool primary_at_split)
{
	if (g->cur && !g->bitmap) {
		g->bitmap = g->cur;
		g->flags &= ~TDM_GEN_PRIMARY_AT_SPLIT;
		if (primary_at_split)
			g->flags |= TDM_GEN_PRIMARY_AT_SPLIT;
	}
	g->cur = id;
}

void tdm_gen_peer_dropped(struct tdm_gen *g, u64 id)
{
	g->history[1] = g->bitmap ? g->bitmap : g->history[0];
	g->history[0] = g->cur;
	g->bitmap = 0;
	g->flags &= ~TDM_GEN_PRIMARY_AT_SPLIT;
	g->cur = id;
}

void tdm_gen_synced(struct tdm_gen *g)
{
	if (g->bitmap) {
		g->history[1] = g->history[0];
		g->history[0] = g->bitmap;
		g->bitmap = 0;
	}
	g->flags &= ~(TDM_GEN_RESYNC_OWED | TDM_GEN_PRIMARY_AT_SPLIT);
}

void tdm_gen_adopt(struct tdm_gen *g, const struct tdm_gen *src)
{
	g->cur = src->cur;
	g->bitmap = 0;
	g->history[0] = src->history[0];
	g->history[1] = src->history[1];
	g->flags &= ~(TDM_GEN_RESYNC_OWED | TDM_GEN_PRIMARY_AT_SPLIT);
}

const char *tdm_sync_str(enum tdm_sync s)
{
	switch (s) {
	case TDM_SYNC_NONE:
		return "in sync";
	case TDM_SYNC_FRESH:
		return "no data on either node yet";
	case TDM_SYNC_SOURCE:
		return "resync source (bitmap)";
	case TDM_SYNC_TARGET:
		return "resync target (bitmap)";
	case TDM_SYNC_SOURCE_FULL:
		return "resync source (full)";
	case TDM_SYNC_TARGET_FULL:
		return "resync target (full)";
	case TDM_SYNC_ADOPT:
		return "declared identical to the peer (assume-clean)";
	case TDM_SYNC_PEER_ADOPTS:
		return "the peer is declared identical (assume-clean)";
	case TDM_SYNC_SPLIT_BRAIN:
		return "split brain: both nodes wrote on their own";
	case TDM_SYNC_UNRELATED:
		return "unrelated data: the nodes share no data generation";
	case TDM_SYNC_DISKLESS:
		return "diskless: using the peer's disk";
	case TDM_SYNC_PEER_DISKLESS:
		return "the peer is diskless: its writes are marked here";
	case TDM_SYNC_NO_DATA:
		return "no good copy: the blocks the peer lacks were on the disk that failed";
	}
	return "unknown";
}

/*
 * after-sb-0pri: who discards, from the changes, or from which node was
 * primary when the split began (none or both: no decision).
 */
static enum tdm_sb_result tdm_sb_0pri(u32 pol, const struct tdm_sb_side *me,
				      const struct tdm_sb_side *peer)
{
	switch (pol) {
	case TANDEM_SB0_DISCARD_YOUNGER_PRIMARY:
	case TANDEM_SB0_DISCARD_OLDER_PRIMARY:
		if (me->primary_at_split == peer->primary_at_split)
			return TDM_SB_DISCONNECT;
		return me->primary_at_split == (pol == TANDEM_SB0_DISCARD_OLDER_PRIMARY) ?
		       TDM_SB_DISCARD_MINE : TDM_SB_DISCARD_PEER;
	case TANDEM_SB0_DISCARD_ZERO_CHANGES:
		if (me->changed && peer->changed)
			return TDM_SB_DISCONNECT;
		break;
	case TANDEM_SB0_DISCARD_LEAST_CHANGES:
		break;
	default:
		return TDM_SB_DISCONNECT;
	}
	if (me->changed != peer->changed)
		return me->changed < peer->changed ? TDM_SB_DISCARD_MINE : TDM_SB_DISCARD_PEER;
	if (me->tiebreak == peer->tiebreak)
		return TDM_SB_DISCONNECT;
	return me->tiebreak < peer->tiebreak ? TDM_SB_DISCARD_MINE : TDM_SB_DISCARD_PEER;
}

/*
 * Automatic split-brain recovery, as DRBD's after-sb policies: with no
 * primary, after-sb-0pri; with one, after-sb-1pri (the secondary loses,
 * or, for consensus, only if after-sb-0pri also says so; for
 * call-pri-lost-after-sb, after-sb-0pri decides, but a primary that loses
 * is not overwritten: its handler is called); with two, or when the
 * nodes' policies differ, nothing.
 */
enum tdm_sb_result tdm_sb_decide(const struct tdm_sb_side *me, const struct tdm_sb_side *peer)
{
	enum tdm_sb_result r, loser_secondary;

	if (me->pol0 != peer->pol0 || me->pol1 != peer->pol1 || (me->primary && peer->primary))
		return TDM_SB_DISCONNECT;
	if (!me->primary && !peer->primary)
		return tdm_sb_0pri(me->pol0, me, peer);
	loser_secondary = me->primary ? TDM_SB_DISCARD_PEER : TDM_SB_DISCARD_MINE;
	switch (me->pol1) {
	case TANDEM_SB1_DISCARD_SECONDARY:
		return loser_secondary;
	case TANDEM_SB1_CONSENSUS:
		r = tdm_sb_0pri(me->pol0, me, peer);
		return r == loser_secondary ? r : TDM_SB_DISCONNECT;
	case TANDEM_SB1_CALL_PRI_LOST_AFTER_SB:
		r = tdm_sb_0pri(me->pol0, me, peer);
		return r == TDM_SB_DISCONNECT || r == loser_secondary ? r : TDM_SB_PRIMARY_LOST;
	default:
		return TDM_SB_DISCONNECT;
	}
}
