// SPDX-License-Identifier: GPL-2.0
#include "unit.h"
#include "core/silence.h"

#define TICK 25UL

/* A node that runs when it asks: silence is the time since it last heard the peer. */
static void test_awake(void)
{
	struct tdm_silence s;
	unsigned long now = 1000;
	int i;

	tdm_silence_heard(&s, now);
	for (i = 1; i <= 10; i++) {
		now += TICK;
		CHECK_EQ(tdm_silence_waited(&s, now, TICK), i * TICK);
	}
	/* Waits cut short (a signal, a ping to send) count as what they lasted. */
	now += 3;
	CHECK_EQ(tdm_silence_waited(&s, now, TICK), 10 * TICK + 3);
	/* A byte from the peer: silence starts again from there. */
	tdm_silence_heard(&s, now);
	now += TICK;
	CHECK_EQ(tdm_silence_waited(&s, now, TICK), TICK);
}

/* A node paused for 40 ticks counts two of them: its peer may have spoken meanwhile. */
static void test_starved(void)
{
	struct tdm_silence s;
	unsigned long now = 500;

	tdm_silence_heard(&s, now);
	now += TICK;
	CHECK_EQ(tdm_silence_waited(&s, now, TICK), TICK);
	now += 40 * TICK;
	CHECK_EQ(tdm_silence_waited(&s, now, TICK), 3 * TICK);
	/* Just over two ticks is starved too; exactly two is not cut. */
	now += 2 * TICK;
	CHECK_EQ(tdm_silence_waited(&s, now, TICK), 5 * TICK);
	now += 2 * TICK + 1;
	CHECK_EQ(tdm_silence_waited(&s, now, TICK), 7 * TICK);
}

/*
 * A dead peer seen by a node starved all along (every wait lasting 100
 * ticks) is still found: a timeout of 8 ticks is over at the fifth wait.
 */
static void test_starved_dead_peer(void)
{
	struct tdm_silence s;
	unsigned long now = 0, timeout = 8 * TICK;
	int waits = 0;

	tdm_silence_heard(&s, now);
	do {
		now += 100 * TICK;
		waits++;
	} while (tdm_silence_waited(&s, now, TICK) <= timeout && waits < 100);
	CHECK_EQ(waits, 5);
}

/* Jiffies wrap: a wait across the wrap counts as what it lasted. */
static void test_wrap(void)
{
	struct tdm_silence s;
	unsigned long now = (unsigned long)-10;

	tdm_silence_heard(&s, now);
	now += TICK;
	CHECK_EQ(tdm_silence_waited(&s, now, TICK), TICK);
	now += 30 * TICK;
	CHECK_EQ(tdm_silence_waited(&s, now, TICK), 3 * TICK);
}

void test_silence(void)
{
	test_awake();
	test_starved();
	test_starved_dead_peer();
	test_wrap();
}
