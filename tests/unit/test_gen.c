// SPDX-License-Identifier: GPL-2.0
#include "unit.h"
#include "core/gen.h"
#include "tandem_netlink.h"

/* Every pair of small generation sets, every flag and role: the two sides always agree. */
static void symmetry(void)
{
	struct tdm_gen a = { .tiebreak = 1 }, b = { .tiebreak = 2 };
	unsigned int i, j, bad = 0, pairs = 0;

	for (i = 0; i < 4 * 4 * 4 * 4 * 16; i++) {
		a.cur = i % 4;
		a.bitmap = i / 4 % 4;
		a.history[0] = i / 16 % 4;
		a.history[1] = i / 64 % 4;
		a.flags = i / 256;
		for (j = 0; j < 4 * 4 * 4 * 4 * 16; j++) {
			b.cur = j % 4;
			b.bitmap = j / 4 % 4;
			b.history[0] = j / 16 % 4;
			b.history[1] = j / 64 % 4;
			b.flags = j / 256;
			pairs++;
			if (tdm_sync_decide(&a, &b) != tdm_sync_mirror(tdm_sync_decide(&b, &a)))
				bad++;
		}
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(pairs, 4096 * 4096);
}

static void mirror(void)
{
	int s;

	for (s = TDM_SYNC_NONE; s <= TDM_SYNC_UNRELATED; s++) {
		CHECK_EQ(tdm_sync_mirror(tdm_sync_mirror(s)), s);
		CHECK_EQ(tdm_sync_is_source(s), tdm_sync_is_target(tdm_sync_mirror(s)));
	}
}

/* The life of a pair, step by step, as the module drives it. */
static void story(void)
{
	struct tdm_gen a = { .tiebreak = 1 }, b = { .tiebreak = 2 };

	/* Fresh from create-md. */
	CHECK_EQ(tdm_sync_decide(&a, &b), TDM_SYNC_FRESH);
	/* a forced primary: b gets everything, or adopts when declared clean. */
	tdm_gen_new_current(&a, 100, false);
	CHECK_EQ(a.bitmap, 0);
	CHECK_EQ(tdm_sync_decide(&a, &b), TDM_SYNC_SOURCE_FULL);
	CHECK_EQ(tdm_sync_decide(&b, &a), TDM_SYNC_TARGET_FULL);
	b.flags = TDM_GEN_ASSUME_CLEAN;
	CHECK_EQ(tdm_sync_decide(&b, &a), TDM_SYNC_ADOPT);
	CHECK_EQ(tdm_sync_decide(&a, &b), TDM_SYNC_PEER_ADOPTS);
	b.flags = 0;
	tdm_gen_synced(&a);
	tdm_gen_adopt(&b, &a);
	CHECK_EQ(tdm_sync_decide(&a, &b), TDM_SYNC_NONE);

	/* The link drops; a, primary, writes alone. */
	tdm_gen_new_current(&a, 200, false);
	CHECK_EQ(a.bitmap, 100);
	CHECK_EQ(tdm_sync_decide(&a, &b), TDM_SYNC_SOURCE);
	CHECK_EQ(tdm_sync_decide(&b, &a), TDM_SYNC_TARGET);
	/* A second generation before the link returns keeps the bitmap's id. */
	tdm_gen_new_current(&a, 300, false);
	CHECK_EQ(a.bitmap, 100);
	CHECK_EQ(tdm_sync_decide(&a, &b), TDM_SYNC_SOURCE);
	tdm_gen_synced(&a);
	CHECK_EQ(a.history[0], 100);
	tdm_gen_adopt(&b, &a);
	CHECK_EQ(tdm_sync_decide(&b, &a), TDM_SYNC_NONE);

	/* a crashes while primary, connected: same generation, a is the source. */
	a.flags |= TDM_GEN_RESYNC_OWED;
	CHECK_EQ(tdm_sync_decide(&a, &b), TDM_SYNC_SOURCE);
	CHECK_EQ(tdm_sync_decide(&b, &a), TDM_SYNC_TARGET);
	/* ... but b was promoted meanwhile and wrote: b's data wins by bitmap. */
	tdm_gen_new_current(&b, 400, false);
	CHECK_EQ(tdm_sync_decide(&a, &b), TDM_SYNC_TARGET);
	tdm_gen_synced(&b);
	tdm_gen_adopt(&a, &b);
	CHECK_EQ(a.flags, 0);
	CHECK_EQ(tdm_sync_decide(&a, &b), TDM_SYNC_NONE);

	/* Split brain: both promoted alone after the link dropped. */
	tdm_gen_new_current(&a, 500, false);
	tdm_gen_new_current(&b, 600, false);
	CHECK_EQ(tdm_sync_decide(&a, &b), TDM_SYNC_SPLIT_BRAIN);
	CHECK_EQ(tdm_sync_decide(&b, &a), TDM_SYNC_SPLIT_BRAIN);
	b.flags = TDM_GEN_DISCARD_MINE;
	CHECK_EQ(tdm_sync_decide(&b, &a), TDM_SYNC_TARGET);
	CHECK_EQ(tdm_sync_decide(&a, &b), TDM_SYNC_SOURCE);
	a.flags = TDM_GEN_DISCARD_MINE;
	CHECK_EQ(tdm_sync_decide(&a, &b), TDM_SYNC_SPLIT_BRAIN);
	a.flags = b.flags = 0;
	/* One side moved on twice after the split: still split, resolved by a full copy. */
	tdm_gen_synced(&b);
	tdm_gen_new_current(&b, 700, false);
	CHECK_EQ(tdm_sync_decide(&a, &b), TDM_SYNC_SPLIT_BRAIN);
	b.flags = TDM_GEN_DISCARD_MINE;
	CHECK_EQ(tdm_sync_decide(&b, &a), TDM_SYNC_TARGET_FULL);
}

static void history(void)
{
	/* b is two generations behind a: its id is in a's history only. */
	struct tdm_gen a = { .cur = 30, .history = { 20, 10 } };
	struct tdm_gen b = { .cur = 10 };
	struct tdm_gen c = { .cur = 99, .history = { 98 } };

	CHECK_EQ(tdm_sync_decide(&a, &b), TDM_SYNC_SOURCE_FULL);
	CHECK_EQ(tdm_sync_decide(&b, &a), TDM_SYNC_TARGET_FULL);
	CHECK_EQ(tdm_sync_decide(&a, &c), TDM_SYNC_UNRELATED);
	c.flags = TDM_GEN_DISCARD_MINE;
	CHECK_EQ(tdm_sync_decide(&c, &a), TDM_SYNC_TARGET_FULL);
	/* Assume-clean on a disk that has data changes nothing. */
	b.flags = TDM_GEN_ASSUME_CLEAN;
	CHECK_EQ(tdm_sync_decide(&b, &a), TDM_SYNC_TARGET_FULL);
	/* Two crashed primaries of one generation: the tiebreak picks one. */
	a = (struct tdm_gen){ .cur = 5, .flags = TDM_GEN_RESYNC_OWED, .tiebreak = 9 };
	b = (struct tdm_gen){ .cur = 5, .flags = TDM_GEN_RESYNC_OWED, .tiebreak = 3 };
	CHECK_EQ(tdm_sync_decide(&a, &b), TDM_SYNC_SOURCE);
	CHECK_EQ(tdm_sync_decide(&b, &a), TDM_SYNC_TARGET);
	CHECK(tdm_sync_str(TDM_SYNC_SPLIT_BRAIN)[0] == 's');
}

/*
 * A crashed primary A comes back to B, promoted in its place, which is
 * primary when A connects (or not), has written since (or not); A owes a
 * resync for its activity log's extents (or its log was empty). The node
 * that is primary holds what applications read: A is always the target;
 * only when B is no longer primary and wrote nothing does A's log win
 * (a bitmap resync of its extents, as for any crashed primary). The sync
 * mode does not enter: a set records none.
 */
static void returning_primary(void)
{
	static const struct {
		bool b_primary, b_wrote, a_owes;
		enum tdm_sync want;	/* A's decision */
	} rows[] = {
		{ true,  false, true,  TDM_SYNC_TARGET },
		{ true,  false, false, TDM_SYNC_NONE },
		{ true,  true,  true,  TDM_SYNC_TARGET },
		{ true,  true,  false, TDM_SYNC_TARGET },
		{ false, false, true,  TDM_SYNC_SOURCE },
		{ false, false, false, TDM_SYNC_NONE },
		{ false, true,  true,  TDM_SYNC_TARGET },
		{ false, true,  false, TDM_SYNC_TARGET },
	};
	unsigned int i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct tdm_gen a = { .cur = 100, .history = { 50 }, .tiebreak = 1 };
		struct tdm_gen b = { .cur = 100, .history = { 50 }, .tiebreak = 2 };

		if (rows[i].a_owes)
			a.flags |= TDM_GEN_RESYNC_OWED;
		if (rows[i].b_wrote)
			tdm_gen_new_current(&b, 200, false);
		if (rows[i].b_primary)
			b.flags |= TDM_GEN_PRIMARY;
		CHECK_EQ(tdm_sync_decide(&a, &b), rows[i].want);
		CHECK_EQ(tdm_sync_decide(&b, &a), tdm_sync_mirror(rows[i].want));
	}
	/* A primary that owes a resync itself (it crashed, came back, was promoted) stays the source. */
	{
		struct tdm_gen a = { .cur = 7, .flags = TDM_GEN_RESYNC_OWED | TDM_GEN_PRIMARY };
		struct tdm_gen b = { .cur = 7, .flags = TDM_GEN_RESYNC_OWED, .tiebreak = 9 };

		CHECK_EQ(tdm_sync_decide(&a, &b), TDM_SYNC_SOURCE);
		CHECK_EQ(tdm_sync_decide(&b, &a), TDM_SYNC_TARGET);
	}
}

/*
 * A diskless node connects to use the peer's disk, never to copy: its
 * decision for every situation, as primary or not.
 */
static void diskless(void)
{
	static const struct {
		bool a_primary, a_owes, b_wrote, b_diskless;
		enum tdm_sync want;	/* A's decision; A is diskless */
	} rows[] = {
		/* Same data: use the peer's disk. */
		{ true,  false, false, false, TDM_SYNC_DISKLESS },
		{ false, false, false, false, TDM_SYNC_DISKLESS },
		/* A holds blocks B lacks, on the disk it lost: no good copy to serve. */
		{ true,  true,  false, false, TDM_SYNC_NO_DATA },
		/* ...which a secondary does not serve. */
		{ false, true,  false, false, TDM_SYNC_DISKLESS },
		/* B wrote since: a diskless secondary connects; a primary is older. */
		{ false, false, true,  false, TDM_SYNC_DISKLESS },
		{ false, true,  true,  false, TDM_SYNC_DISKLESS },
		{ true,  false, true,  false, TDM_SYNC_TARGET },
		/* Both diskless. */
		{ true,  false, false, true,  TDM_SYNC_NO_DATA },
		{ false, false, true,  true,  TDM_SYNC_NO_DATA },
	};
	unsigned int i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct tdm_gen a = { .cur = 100, .history = { 50 }, .tiebreak = 1,
				     .flags = TDM_GEN_DISKLESS };
		struct tdm_gen b = { .cur = 100, .history = { 50 }, .tiebreak = 2 };

		if (rows[i].a_primary)
			a.flags |= TDM_GEN_PRIMARY;
		if (rows[i].a_owes)
			a.flags |= TDM_GEN_RESYNC_OWED;
		if (rows[i].b_wrote)
			tdm_gen_new_current(&b, 200, false);
		if (rows[i].b_diskless)
			b.flags |= TDM_GEN_DISKLESS;
		CHECK_EQ(tdm_sync_decide(&a, &b), rows[i].want);
		CHECK_EQ(tdm_sync_decide(&b, &a), tdm_sync_mirror(rows[i].want));
	}
	/*
	 * Split brain and unrelated data are said as such to a diskless
	 * primary; a diskless secondary, with no data, connects (seen in VM
	 * test 047: it followed its peer's generation in memory, and the peer
	 * moved on twice while it reconnected).
	 */
	{
		struct tdm_gen a = { .cur = 300, .bitmap = 100,
				     .flags = TDM_GEN_DISKLESS | TDM_GEN_PRIMARY };
		struct tdm_gen b = { .cur = 400, .bitmap = 100 };
		struct tdm_gen c = { .cur = 500, .flags = TDM_GEN_DISKLESS | TDM_GEN_PRIMARY };

		CHECK_EQ(tdm_sync_decide(&a, &b), TDM_SYNC_SPLIT_BRAIN);
		CHECK_EQ(tdm_sync_decide(&b, &a), TDM_SYNC_SPLIT_BRAIN);
		CHECK_EQ(tdm_sync_decide(&c, &b), TDM_SYNC_UNRELATED);
		a.flags = c.flags = TDM_GEN_DISKLESS;
		CHECK_EQ(tdm_sync_decide(&a, &b), TDM_SYNC_DISKLESS);
		CHECK_EQ(tdm_sync_decide(&b, &a), TDM_SYNC_PEER_DISKLESS);
		CHECK_EQ(tdm_sync_decide(&c, &b), TDM_SYNC_DISKLESS);
	}
	CHECK_EQ(tdm_sync_mirror(TDM_SYNC_NO_DATA), TDM_SYNC_NO_DATA);
}

/*
 * The peer's disk was dropped: whatever its metadata says when the disk
 * comes back (our generation, or our bitmap's), it takes every block.
 */
static void peer_dropped(void)
{
	struct tdm_gen b = { .cur = 100, .history = { 50, 40 } };
	struct tdm_gen ahead = { .cur = 200, .bitmap = 100, .history = { 50 } };
	struct tdm_gen back = { .cur = 100, .history = { 50, 40 } };

	tdm_gen_peer_dropped(&b, 300);
	CHECK_EQ(b.cur, 300);
	CHECK_EQ(b.bitmap, 0);
	CHECK_EQ(tdm_sync_decide(&back, &b), TDM_SYNC_TARGET_FULL);
	CHECK_EQ(tdm_sync_decide(&b, &back), TDM_SYNC_SOURCE_FULL);
	/* We were ahead by bitmap: the peer's disk may say either generation. */
	tdm_gen_peer_dropped(&ahead, 400);
	CHECK_EQ(tdm_sync_decide(&back, &ahead), TDM_SYNC_TARGET_FULL);
	back.cur = 200;
	CHECK_EQ(tdm_sync_decide(&back, &ahead), TDM_SYNC_TARGET_FULL);
}

static enum tdm_sb_result sb_mirror(enum tdm_sb_result r)
{
	return r == TDM_SB_DISCARD_MINE ? TDM_SB_DISCARD_PEER :
	       r == TDM_SB_DISCARD_PEER ? TDM_SB_DISCARD_MINE : r;
}

/* Automatic split-brain recovery: every policy, role and change pair. */
static void split_brain_policies(void)
{
	static const struct {
		u32 pol0, pol1;
		bool a_primary, b_primary;
		u64 a_changed, b_changed;
		enum tdm_sb_result want;	/* A's */
	} rows[] = {
		/* Defaults: nothing is resolved. */
		{ TANDEM_SB0_DISCONNECT, TANDEM_SB1_DISCONNECT, false, false, 0, 4096, TDM_SB_DISCONNECT },
		{ TANDEM_SB0_DISCONNECT, TANDEM_SB1_DISCONNECT, true, false, 0, 4096, TDM_SB_DISCONNECT },
		/* discard-zero-changes: only a node that changed nothing loses. */
		{ TANDEM_SB0_DISCARD_ZERO_CHANGES, TANDEM_SB1_DISCONNECT, false, false, 0, 4096, TDM_SB_DISCARD_MINE },
		{ TANDEM_SB0_DISCARD_ZERO_CHANGES, TANDEM_SB1_DISCONNECT, false, false, 8192, 0, TDM_SB_DISCARD_PEER },
		{ TANDEM_SB0_DISCARD_ZERO_CHANGES, TANDEM_SB1_DISCONNECT, false, false, 4096, 8192, TDM_SB_DISCONNECT },
		/* ...both changed nothing: the tiebreak (A's is lower). */
		{ TANDEM_SB0_DISCARD_ZERO_CHANGES, TANDEM_SB1_DISCONNECT, false, false, 0, 0, TDM_SB_DISCARD_MINE },
		/* discard-least-changes. */
		{ TANDEM_SB0_DISCARD_LEAST_CHANGES, TANDEM_SB1_DISCONNECT, false, false, 4096, 8192, TDM_SB_DISCARD_MINE },
		{ TANDEM_SB0_DISCARD_LEAST_CHANGES, TANDEM_SB1_DISCONNECT, false, false, 1 << 20, 8192, TDM_SB_DISCARD_PEER },
		{ TANDEM_SB0_DISCARD_LEAST_CHANGES, TANDEM_SB1_DISCONNECT, false, false, 8192, 8192, TDM_SB_DISCARD_MINE },
		/* One primary: after-sb-0pri does not apply. */
		{ TANDEM_SB0_DISCARD_LEAST_CHANGES, TANDEM_SB1_DISCONNECT, true, false, 4096, 8192, TDM_SB_DISCONNECT },
		/* discard-secondary: whatever each changed. */
		{ TANDEM_SB0_DISCONNECT, TANDEM_SB1_DISCARD_SECONDARY, true, false, 4096, 1 << 20, TDM_SB_DISCARD_PEER },
		{ TANDEM_SB0_DISCONNECT, TANDEM_SB1_DISCARD_SECONDARY, false, true, 1 << 20, 4096, TDM_SB_DISCARD_MINE },
		/* consensus: only where after-sb-0pri also discards the secondary. */
		{ TANDEM_SB0_DISCARD_LEAST_CHANGES, TANDEM_SB1_CONSENSUS, true, false, 1 << 20, 4096, TDM_SB_DISCARD_PEER },
		{ TANDEM_SB0_DISCARD_LEAST_CHANGES, TANDEM_SB1_CONSENSUS, true, false, 4096, 1 << 20, TDM_SB_DISCONNECT },
		{ TANDEM_SB0_DISCARD_ZERO_CHANGES, TANDEM_SB1_CONSENSUS, false, true, 0, 4096, TDM_SB_DISCARD_MINE },
		{ TANDEM_SB0_DISCONNECT, TANDEM_SB1_CONSENSUS, false, true, 0, 4096, TDM_SB_DISCONNECT },
		/* Two primaries: never. */
		{ TANDEM_SB0_DISCARD_LEAST_CHANGES, TANDEM_SB1_DISCARD_SECONDARY, true, true, 0, 4096, TDM_SB_DISCONNECT },
	};
	unsigned int i, p0, p1, roles, c;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct tdm_sb_side a = { rows[i].a_changed, rows[i].a_primary, rows[i].pol0, rows[i].pol1, 1, false };
		struct tdm_sb_side b = { rows[i].b_changed, rows[i].b_primary, rows[i].pol0, rows[i].pol1, 2, false };

		CHECK_EQ(tdm_sb_decide(&a, &b), rows[i].want);
		CHECK_EQ(tdm_sb_decide(&b, &a), sb_mirror(rows[i].want));
	}
	/* Every combination: the two nodes reach mirror decisions; different policies, none. */
	for (p0 = TANDEM_SB0_DISCONNECT; p0 <= TANDEM_SB0_DISCARD_LEAST_CHANGES; p0++)
		for (p1 = TANDEM_SB1_DISCONNECT; p1 <= TANDEM_SB1_CALL_PRI_LOST_AFTER_SB; p1++)
			for (roles = 0; roles < 4; roles++)
				for (c = 0; c < 9; c++) {
					struct tdm_sb_side a = { (c % 3) * 4096, roles & 1, p0, p1, 7, false };
					struct tdm_sb_side b = { (c / 3) * 4096, roles & 2, p0, p1, 9, false };

					CHECK_EQ(tdm_sb_decide(&a, &b), sb_mirror(tdm_sb_decide(&b, &a)));
					/* A primary never loses to a secondary. */
					if (a.primary && !b.primary)
						CHECK(tdm_sb_decide(&a, &b) != TDM_SB_DISCARD_MINE);
					b.pol0 = p0 % 3 + 1;
					CHECK_EQ(tdm_sb_decide(&a, &b), TDM_SB_DISCONNECT);
				}
}

/*
 * discard-younger-primary / discard-older-primary: the node that was
 * primary when the split began (the older) against one promoted after it.
 */
static void split_brain_primary_age(void)
{
	static const struct {
		u32 pol0, pol1;
		bool a_primary, b_primary, a_at_split, b_at_split;
		enum tdm_sb_result want;	/* A's */
	} rows[] = {
		{ TANDEM_SB0_DISCARD_YOUNGER_PRIMARY, TANDEM_SB1_DISCONNECT, false, false, true, false, TDM_SB_DISCARD_PEER },
		{ TANDEM_SB0_DISCARD_YOUNGER_PRIMARY, TANDEM_SB1_DISCONNECT, false, false, false, true, TDM_SB_DISCARD_MINE },
		{ TANDEM_SB0_DISCARD_OLDER_PRIMARY, TANDEM_SB1_DISCONNECT, false, false, true, false, TDM_SB_DISCARD_MINE },
		{ TANDEM_SB0_DISCARD_OLDER_PRIMARY, TANDEM_SB1_DISCONNECT, false, false, false, true, TDM_SB_DISCARD_PEER },
		/* Both promoted after the split, or both primary when it began (a peer without the bit): none. */
		{ TANDEM_SB0_DISCARD_YOUNGER_PRIMARY, TANDEM_SB1_DISCONNECT, false, false, false, false, TDM_SB_DISCONNECT },
		{ TANDEM_SB0_DISCARD_OLDER_PRIMARY, TANDEM_SB1_DISCONNECT, false, false, true, true, TDM_SB_DISCONNECT },
		/* One primary now: after-sb-1pri; consensus asks after-sb-0pri. */
		{ TANDEM_SB0_DISCARD_YOUNGER_PRIMARY, TANDEM_SB1_DISCONNECT, true, false, true, false, TDM_SB_DISCONNECT },
		{ TANDEM_SB0_DISCARD_YOUNGER_PRIMARY, TANDEM_SB1_CONSENSUS, true, false, true, false, TDM_SB_DISCARD_PEER },
		{ TANDEM_SB0_DISCARD_YOUNGER_PRIMARY, TANDEM_SB1_CONSENSUS, true, false, false, true, TDM_SB_DISCONNECT },
		{ TANDEM_SB0_DISCARD_OLDER_PRIMARY, TANDEM_SB1_CONSENSUS, false, true, true, false, TDM_SB_DISCARD_MINE },
		/* call-pri-lost-after-sb: after-sb-0pri decides; a primary that loses is not overwritten. */
		{ TANDEM_SB0_DISCARD_YOUNGER_PRIMARY, TANDEM_SB1_CALL_PRI_LOST_AFTER_SB, true, false, true, false, TDM_SB_DISCARD_PEER },
		{ TANDEM_SB0_DISCARD_YOUNGER_PRIMARY, TANDEM_SB1_CALL_PRI_LOST_AFTER_SB, true, false, false, true, TDM_SB_PRIMARY_LOST },
		{ TANDEM_SB0_DISCARD_YOUNGER_PRIMARY, TANDEM_SB1_CALL_PRI_LOST_AFTER_SB, false, true, false, true, TDM_SB_DISCARD_MINE },
		{ TANDEM_SB0_DISCARD_YOUNGER_PRIMARY, TANDEM_SB1_CALL_PRI_LOST_AFTER_SB, false, true, true, false, TDM_SB_PRIMARY_LOST },
		{ TANDEM_SB0_DISCARD_YOUNGER_PRIMARY, TANDEM_SB1_CALL_PRI_LOST_AFTER_SB, true, false, true, true, TDM_SB_DISCONNECT },
		{ TANDEM_SB0_DISCONNECT, TANDEM_SB1_CALL_PRI_LOST_AFTER_SB, true, false, true, false, TDM_SB_DISCONNECT },
		/* Two primaries: never. */
		{ TANDEM_SB0_DISCARD_YOUNGER_PRIMARY, TANDEM_SB1_DISCARD_SECONDARY, true, true, true, false, TDM_SB_DISCONNECT },
	};
	unsigned int i, p0, p1, roles, ages, c;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct tdm_sb_side a = { 4096, rows[i].a_primary, rows[i].pol0, rows[i].pol1, 1,
					 rows[i].a_at_split };
		struct tdm_sb_side b = { 1 << 20, rows[i].b_primary, rows[i].pol0, rows[i].pol1, 2,
					 rows[i].b_at_split };

		CHECK_EQ(tdm_sb_decide(&a, &b), rows[i].want);
		CHECK_EQ(tdm_sb_decide(&b, &a), sb_mirror(rows[i].want));
	}
	/* Every combination with the age bits: mirror decisions, a primary never loses. */
	for (p0 = TANDEM_SB0_DISCONNECT; p0 <= TANDEM_SB0_DISCARD_OLDER_PRIMARY; p0++)
		for (p1 = TANDEM_SB1_DISCONNECT; p1 <= TANDEM_SB1_CALL_PRI_LOST_AFTER_SB; p1++)
			for (roles = 0; roles < 4; roles++)
				for (ages = 0; ages < 4; ages++)
					for (c = 0; c < 9; c++) {
						struct tdm_sb_side a = { (c % 3) * 4096, roles & 1, p0, p1, 7,
									 ages & 1 };
						struct tdm_sb_side b = { (c / 3) * 4096, roles & 2, p0, p1, 9,
									 ages & 2 };

						CHECK_EQ(tdm_sb_decide(&a, &b),
							 sb_mirror(tdm_sb_decide(&b, &a)));
						if (a.primary && !b.primary)
							CHECK(tdm_sb_decide(&a, &b) != TDM_SB_DISCARD_MINE);
					}
}

/* The bitmap generation keeps whether its node was primary when the peer went away. */
static void primary_at_split(void)
{
	struct tdm_gen g = { .cur = 10 };

	tdm_gen_new_current(&g, 11, true);
	CHECK(g.bitmap == 10 && (g.flags & TDM_GEN_PRIMARY_AT_SPLIT));
	/* A later generation without the peer (promoted alone after a reboot) keeps it. */
	tdm_gen_new_current(&g, 12, false);
	CHECK(g.bitmap == 10 && g.cur == 12 && (g.flags & TDM_GEN_PRIMARY_AT_SPLIT));
	tdm_gen_synced(&g);
	CHECK(!g.bitmap && !(g.flags & TDM_GEN_PRIMARY_AT_SPLIT));
	/* Promoted without the peer: the younger. */
	tdm_gen_new_current(&g, 13, false);
	CHECK(g.bitmap == 12 && !(g.flags & TDM_GEN_PRIMARY_AT_SPLIT));
	tdm_gen_new_current(&g, 14, true);
	CHECK(!(g.flags & TDM_GEN_PRIMARY_AT_SPLIT));
	g.flags |= TDM_GEN_PRIMARY_AT_SPLIT;
	tdm_gen_peer_dropped(&g, 15);
	CHECK(!(g.flags & TDM_GEN_PRIMARY_AT_SPLIT));
	g.flags |= TDM_GEN_PRIMARY_AT_SPLIT;
	tdm_gen_adopt(&g, &(struct tdm_gen){ .cur = 20 });
	CHECK(!(g.flags & TDM_GEN_PRIMARY_AT_SPLIT));
}

void test_gen(void)
{
	split_brain_policies();
	split_brain_primary_age();
	primary_at_split();
	diskless();
	peer_dropped();
	symmetry();
	mirror();
	story();
	returning_primary();
	history();
}
