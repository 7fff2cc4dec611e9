/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Data generations and the sync decision.
 *
 * A node's data belongs to a generation, a random 64-bit id (`cur`; 0
 * while the disk never held data). A node that starts writing without its
 * peer (promoted alone, or primary when the peer went away) starts a new
 * generation and keeps the one it left in `bitmap`: its dirty bitmap counts
 * every block changed since. `history` keeps the two generations before.
 * When two nodes connect, comparing the four ids of each tells who has the
 * newer data and whether the bitmaps suffice, or whether both wrote on
 * their own (split brain), without looking at the data.
 */
#ifndef TDM_CORE_GEN_H
#define TDM_CORE_GEN_H

#include "core_types.h"

struct tdm_gen {
	u64 cur;
	u64 bitmap;
	u64 history[2];
	u32 flags;		/* TDM_GEN_* */
	u64 tiebreak;		/* device id: orders two nodes that both owe a resync */
};

#define TDM_GEN_RESYNC_OWED	0x1	/* holds blocks the peer may lack (a crash while primary, verify) */
#define TDM_GEN_DISCARD_MINE	0x2	/* after a split brain, take the peer's data */
#define TDM_GEN_ASSUME_CLEAN	0x4	/* fresh disk declared identical to the peer's */
/*
 * The node is primary now: set on the two sets by the side that decides,
 * from the roles the handshake exchanged; never sent as part of a set.
 */
#define TDM_GEN_PRIMARY		0x8
/* The node's disk failed and was dropped: it has no data to give or take. */
#define TDM_GEN_DISKLESS	0x10
/*
 * The bitmap generation was started by a node that was primary when its
 * peer went away (not one promoted without its peer): after a split brain,
 * the older primary. Persisted, never sent as part of a set.
 */
#define TDM_GEN_PRIMARY_AT_SPLIT 0x20

enum tdm_sync {
	TDM_SYNC_NONE,		/* same data: nothing to copy */
	TDM_SYNC_FRESH,		/* neither node ever held data */
	TDM_SYNC_SOURCE,	/* copy the blocks both bitmaps mark, to the peer */
	TDM_SYNC_TARGET,	/* the same, from the peer */
	TDM_SYNC_SOURCE_FULL,	/* copy every block to the peer */
	TDM_SYNC_TARGET_FULL,
	TDM_SYNC_ADOPT,		/* our fresh disk is declared equal: take the peer's generation */
	TDM_SYNC_PEER_ADOPTS,	/* the mirror of ADOPT */
	TDM_SYNC_SPLIT_BRAIN,	/* both wrote on their own since they last agreed */
	TDM_SYNC_UNRELATED,	/* no common generation: not the same data set */
	TDM_SYNC_DISKLESS,	/* we are diskless: no copy, we use the peer's disk */
	TDM_SYNC_PEER_DISKLESS,	/* the mirror: the peer is diskless, no copy */
	TDM_SYNC_NO_DATA,	/* diskless, and the peer lacks what only our lost
				 * disk held (or is diskless too): no good copy */
};

/* What to do when @me meets @peer. tdm_sync_decide(b, a) mirrors (a, b). */
enum tdm_sync tdm_sync_decide(const struct tdm_gen *me, const struct tdm_gen *peer);
/* SOURCE <-> TARGET, SOURCE_FULL <-> TARGET_FULL, ADOPT <-> PEER_ADOPTS, DISKLESS <-> PEER_DISKLESS. */
enum tdm_sync tdm_sync_mirror(enum tdm_sync s);
bool tdm_sync_is_target(enum tdm_sync s);
bool tdm_sync_is_source(enum tdm_sync s);

/*
 * Start a new generation @id (nonzero): writes without the peer begin.
 * @primary_at_split: this node was primary when the peer went away (else
 * it was promoted without its peer); kept with the bitmap generation.
 */
void tdm_gen_new_current(struct tdm_gen *g, u64 id, bool primary_at_split);
/*
 * The peer's disk failed and was dropped: start generation @id, the
 * current one (and a bitmap one) into history, no bitmap generation: the
 * peer's disk, when it comes back, is a full resync target (rule 6).
 */
void tdm_gen_peer_dropped(struct tdm_gen *g, u64 id);
/* The peer now has our data: the bitmap's generation becomes history. */
void tdm_gen_synced(struct tdm_gen *g);
/* We now hold @src's data (after a resync, or ADOPT). */
void tdm_gen_adopt(struct tdm_gen *g, const struct tdm_gen *src);

const char *tdm_sync_str(enum tdm_sync s);

/*
 * Automatic split-brain recovery. What each node tells the other once both
 * found a split brain: the bytes it changed on its own (its bitmap), whether
 * it is primary, whether it was when the split began (TDM_GEN_PRIMARY_AT_SPLIT),
 * and its policies (enum tandem_after_sb_0pri, _1pri), which must be the
 * peer's; tiebreak orders two nodes that changed as much.
 */
struct tdm_sb_side {
	u64 changed;
	bool primary;
	u32 pol0, pol1;
	u64 tiebreak;
	bool primary_at_split;
};

enum tdm_sb_result {
	TDM_SB_DISCONNECT,	/* no policy resolves it: report, connect nothing */
	TDM_SB_DISCARD_MINE,	/* we take the peer's data */
	TDM_SB_DISCARD_PEER,	/* the peer takes ours */
	TDM_SB_PRIMARY_LOST,	/* call-pri-lost-after-sb: the primary's changes are the
				 * ones to drop; connect nothing, the primary's handler runs */
};

/* tdm_sb_decide(b, a) mirrors (a, b). */
enum tdm_sb_result tdm_sb_decide(const struct tdm_sb_side *me, const struct tdm_sb_side *peer);

#endif /* TDM_CORE_GEN_H */
