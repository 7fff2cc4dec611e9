/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How long the peer has been silent, as this node could tell. A wait for
 * the peer's bytes that asked for a tick and returned much later means this
 * node itself did not run meanwhile (its host starved it of CPU, its VM was
 * paused): the peer may well have spoken, unread. Such a wait counts as two
 * ticks, not as all it lasted, so that a starved node does not declare a
 * live peer dead; a dead peer is still found after timeout / (2 x tick)
 * waits, however slowly they pass. Times are in jiffies (any unit that
 * wraps as unsigned long). Any context; the caller serializes.
 */
#ifndef TDM_CORE_SILENCE_H
#define TDM_CORE_SILENCE_H

#include "core_types.h"

struct tdm_silence {
	unsigned long mark;	/* when the last wait (or the silence) began */
	unsigned long counted;	/* silence counted since the peer was last heard */
};

/* The peer was heard at @now: no silence. */
void tdm_silence_heard(struct tdm_silence *s, unsigned long now);
/*
 * A wait for the peer that asked for @tick ended at @now with nothing from
 * it: the silence counted so far, at most 2 x @tick more than before.
 */
unsigned long tdm_silence_waited(struct tdm_silence *s, unsigned long now, unsigned long tick);

#endif /* TDM_CORE_SILENCE_H */
