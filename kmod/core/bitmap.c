// SPDX-License-Identifier: GPL-2.0
/*
 * tandem dirty-bitmap arithmetic (see bitmap.h). Whole bytes are handled a
 * byte at a time, and runs of zero (or, counting a run, set) bytes eight at
 * a time when scanning.
 */
#include "bitmap.h"

static unsigned int popcount8(u8 b)
{
	b = b - ((b >> 1) & 0x55);
	b = (b & 0x33) + ((b >> 2) & 0x33);
	return (b + (b >> 4)) & 0x0f;
}

/* Bits set in 8 bytes of the map from @p (any alignment). */
static unsigned int popcount64(const u8 *p)
{
	u64 x;

	memcpy(&x, p, 8);
	x = x - ((x >> 1) & 0x5555555555555555ULL);
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (unsigned int)((x * 0x0101010101010101ULL) >> 56);
}

/* Mask of the bits of byte @byte that fall in [first, end). */
static u8 byte_mask(u64 byte, u64 first, u64 end)
{
	u64 lo = byte * 8, hi = lo + 8;
	unsigned int from = first > lo ? (unsigned int)(first - lo) : 0;
	unsigned int to = end < hi ? (unsigned int)(end - lo) : 8;

	return (u8)(((1u << to) - 1) & ~((1u << from) - 1));
}

static u64 clamp_end(u64 nbits, u64 first, u64 n)
{
	if (first >= nbits)
		return first;
	return n > nbits - first ? nbits : first + n;
}

/* Set or clear the bits of [first, first + n) below nbits; how many changed. */
static u64 bits_change(u8 *map, u64 nbits, u64 first, u64 n, bool set)
{
	u64 end = clamp_end(nbits, first, n), b, changed = 0;

	if (first >= end)
		return 0;
	for (b = first / 8; b <= (end - 1) / 8; b++) {
		u8 m, flip;

		/* Eight bytes wholly in the range at a time. */
		while (b * 8 >= first && (b + 8) * 8 <= end) {
			unsigned int was = popcount64(map + b);

			changed += set ? 64 - was : was;
			memset(map + b, set ? 0xff : 0, 8);
			b += 8;
		}
		if (b > (end - 1) / 8)
			break;
		m = byte_mask(b, first, end);
		flip = m & (u8)(set ? ~map[b] : map[b]);
		changed += popcount8(flip);
		map[b] ^= flip;
	}
	return changed;
}

u64 tdm_bits_set(u8 *map, u64 nbits, u64 first, u64 n)
{
	return bits_change(map, nbits, first, n, true);
}

u64 tdm_bits_clear(u8 *map, u64 nbits, u64 first, u64 n)
{
	return bits_change(map, nbits, first, n, false);
}

u64 tdm_bits_count(const u8 *map, u64 nbits)
{
	u64 b, n = 0;

	for (b = 0; b + 8 <= nbits / 8; b += 8)
		n += popcount64(map + b);
	for (; b < nbits / 8; b++)
		n += popcount8(map[b]);
	if (nbits % 8)
		n += popcount8(map[nbits / 8] & byte_mask(nbits / 8, 0, nbits));
	return n;
}

static bool test_bit8(const u8 *map, u64 i)
{
	return map[i / 8] & (1u << (i % 8));
}

u64 tdm_bits_next_run(const u8 *map, u64 nbits, u64 from, u64 max, u64 *start)
{
	static const u8 ones[8] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	u64 i = from, end;

	*start = nbits;
	while (i < nbits) {
		u64 zero = 0;

		/* Skip eight clear bytes at a time, then single clear bytes. */
		if (i % 8 == 0 && i + 64 <= nbits && !memcmp(map + i / 8, &zero, 8)) {
			i += 64;
			continue;
		}
		if (i % 8 == 0 && i + 8 <= nbits && !map[i / 8]) {
			i += 8;
			continue;
		}
		if (test_bit8(map, i))
			break;
		i++;
	}
	if (i >= nbits)
		return 0;
	*start = i;
	end = max < nbits - i ? i + max : nbits;
	/* Eight set bytes at a time, then single set bytes, then bits. */
	while (i < end) {
		if (i % 8 == 0 && end - i >= 64 && !memcmp(map + i / 8, ones, 8)) {
			i += 64;
			continue;
		}
		if (i % 8 == 0 && end - i >= 8 && map[i / 8] == 0xff) {
			i += 8;
			continue;
		}
		if (!test_bit8(map, i))
			break;
		i++;
	}
	return i - *start;
}
