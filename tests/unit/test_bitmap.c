// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "core/bitmap.h"

/* A plain one-byte-per-bit model to compare against. */
static void model_set(u8 *m, u64 nbits, u64 first, u64 n, u8 v)
{
	u64 i;

	for (i = first; i < first + n && i < nbits; i++)
		m[i] = v;
}

static u64 model_count(const u8 *m, u64 nbits)
{
	u64 i, n = 0;

	for (i = 0; i < nbits; i++)
		n += m[i];
	return n;
}

/* Random operations on odd sizes, checked against the model after each. */
static void against_model(u64 nbits, unsigned int seed)
{
	u8 *map = calloc(1, (nbits + 7) / 8 ? (nbits + 7) / 8 : 1);
	u8 *model = calloc(1, nbits ? nbits : 1);
	unsigned int op, bad = 0;

	srand(seed);
	for (op = 0; op < 400; op++) {
		u64 first = nbits ? (u64)rand() % (nbits + 3) : 0;
		u64 n = (u64)rand() % (op % 7 == 0 ? nbits + 70 : 70);
		u64 before = model_count(model, nbits), got;

		if (rand() % 3) {
			got = tdm_bits_set(map, nbits, first, n);
			model_set(model, nbits, first, n, 1);
			bad += got != model_count(model, nbits) - before;
		} else {
			got = tdm_bits_clear(map, nbits, first, n);
			model_set(model, nbits, first, n, 0);
			bad += got != before - model_count(model, nbits);
		}
		bad += tdm_bits_count(map, nbits) != model_count(model, nbits);
	}
	/*
	 * Walk the runs, at most @max bits each: they must be exactly the
	 * model's set bits, each as long as @max and the map allow.
	 */
	for (op = 0; op < 5; op++) {
		static const u64 maxes[] = { 13, 60, 67, 200, ~0ULL };
		u64 from = 0, start, len, i, covered = 0, max = maxes[op];

		while ((len = tdm_bits_next_run(map, nbits, from, max, &start))) {
			bad += start < from || len > max;
			for (i = start; i < start + len; i++)
				bad += !model[i];
			for (i = from; i < start; i++)
				bad += model[i];
			bad += len < max && start + len < nbits && model[start + len];
			covered += len;
			from = start + len;
		}
		bad += start != nbits;
		bad += covered != model_count(model, nbits);
	}
	CHECK_EQ(bad, 0);
	free(map);
	free(model);
}

static void edges(void)
{
	u8 map[16] = { 0 };
	u64 start;

	CHECK_EQ(tdm_bits_set(map, 100, 95, 10), 5);	/* clipped at nbits */
	CHECK_EQ(map[12] >> 4, 0);			/* bits 100..103 untouched */
	CHECK_EQ(tdm_bits_set(map, 100, 100, 5), 0);
	CHECK_EQ(tdm_bits_set(map, 100, 0, 0), 0);
	CHECK_EQ(tdm_bits_count(map, 100), 5);
	CHECK_EQ(tdm_bits_next_run(map, 100, 0, 64, &start), 5);
	CHECK_EQ(start, 95);
	CHECK_EQ(tdm_bits_next_run(map, 100, 97, 2, &start), 2);
	CHECK_EQ(start, 97);
	CHECK_EQ(tdm_bits_next_run(map, 100, 100, 2, &start), 0);
	CHECK_EQ(start, 100);
	CHECK_EQ(tdm_bits_clear(map, 100, 0, ~0ULL), 5);
	CHECK_EQ(tdm_bits_next_run(map, 100, 0, 64, &start), 0);
	/* A byte on the disk past nbits does not count. */
	map[12] = 0xff;
	CHECK_EQ(tdm_bits_count(map, 100), 4);
	CHECK_EQ(tdm_bits_next_run(map, 0, 0, 1, &start), 0);
}

void test_bitmap(void)
{
	static const u64 sizes[] = { 0, 1, 7, 8, 9, 63, 64, 65, 127, 128, 129, 1000, 32640, 32641 };
	unsigned int i;

	edges();
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		against_model(sizes[i], i + 1);
}
