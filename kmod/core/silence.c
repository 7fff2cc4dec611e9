// SPDX-License-Identifier: GPL-2.0
/*
 * The peer's silence, as seen by a node that may itself be starved
 * (silence.h).
 */
#include "silence.h"

void tdm_silence_heard(struct tdm_silence *s, unsigned long now)
{
	s->mark = now;
	s->counted = 0;
}

unsigned long tdm_silence_waited(struct tdm_silence *s, unsigned long now, unsigned long tick)
{
	unsigned long waited = now - s->mark;

	if (waited > 2 * tick)
		waited = 2 * tick;
	s->mark = now;
	s->counted += waited;
	return s->counted;
}
