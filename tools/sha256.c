// SPDX-License-Identifier: GPL-2.0
/* SHA-256 and HMAC-SHA256: see sha256.h. */
#include <string.h>

#include "sha256.h"

static const uint32_t k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror(uint32_t x, unsigned int n)
{
	return (x >> n) | (x << (32 - n));
}

static void sha256_block(struct tdm_sha256 *s, const uint8_t *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, h, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 64; i++)
		w[i] = w[i - 16] + (ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3)) +
		       w[i - 7] + (ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10));
	a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3];
	e = s->h[4], f = s->h[5], g = s->h[6], h = s->h[7];
	for (i = 0; i < 64; i++) {
		t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + k[i] + w[i];
		t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		h = g, g = f, f = e, e = d + t1;
		d = c, c = b, b = a, a = t1 + t2;
	}
	s->h[0] += a, s->h[1] += b, s->h[2] += c, s->h[3] += d;
	s->h[4] += e, s->h[5] += f, s->h[6] += g, s->h[7] += h;
}

void tdm_sha256_init(struct tdm_sha256 *s)
{
	static const uint32_t h0[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(s->h, h0, sizeof(h0));
	s->bytes = 0;
}

void tdm_sha256_update(struct tdm_sha256 *s, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t have = s->bytes % TDM_SHA256_BLOCK, n;

	s->bytes += len;
	if (have) {
		n = TDM_SHA256_BLOCK - have < len ? TDM_SHA256_BLOCK - have : len;
		memcpy(s->buf + have, p, n);
		p += n, len -= n;
		if (have + n < TDM_SHA256_BLOCK)
			return;
		sha256_block(s, s->buf);
	}
	for (; len >= TDM_SHA256_BLOCK; p += TDM_SHA256_BLOCK, len -= TDM_SHA256_BLOCK)
		sha256_block(s, p);
	memcpy(s->buf, p, len);
}

void tdm_sha256_final(struct tdm_sha256 *s, uint8_t out[TDM_SHA256_LEN])
{
	uint64_t bits = s->bytes * 8;
	uint8_t pad[TDM_SHA256_BLOCK + 8] = { 0x80 };
	size_t have = s->bytes % TDM_SHA256_BLOCK;
	size_t n = (have < 56 ? 56 : 120) - have;
	int i;

	for (i = 0; i < 8; i++)
		pad[n + i] = (uint8_t)(bits >> (56 - 8 * i));
	tdm_sha256_update(s, pad, n + 8);
	for (i = 0; i < 8; i++) {
		out[4 * i] = (uint8_t)(s->h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(s->h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(s->h[i] >> 8);
		out[4 * i + 3] = (uint8_t)s->h[i];
	}
}

void tdm_hmac_init(struct tdm_hmac *h, const void *key, size_t key_len)
{
	uint8_t k0[TDM_SHA256_BLOCK] = { 0 }, pad[TDM_SHA256_BLOCK];
	int i;

	if (key_len > TDM_SHA256_BLOCK) {
		tdm_sha256_init(&h->inner);
		tdm_sha256_update(&h->inner, key, key_len);
		tdm_sha256_final(&h->inner, k0);
	} else {
		memcpy(k0, key, key_len);
	}
	for (i = 0; i < TDM_SHA256_BLOCK; i++)
		pad[i] = k0[i] ^ 0x36;
	tdm_sha256_init(&h->inner);
	tdm_sha256_update(&h->inner, pad, sizeof(pad));
	for (i = 0; i < TDM_SHA256_BLOCK; i++)
		pad[i] = k0[i] ^ 0x5c;
	tdm_sha256_init(&h->outer);
	tdm_sha256_update(&h->outer, pad, sizeof(pad));
}

void tdm_hmac_update(struct tdm_hmac *h, const void *data, size_t len)
{
	tdm_sha256_update(&h->inner, data, len);
}

void tdm_hmac_final(struct tdm_hmac *h, uint8_t out[TDM_SHA256_LEN])
{
	uint8_t inner[TDM_SHA256_LEN];

	tdm_sha256_final(&h->inner, inner);
	tdm_sha256_update(&h->outer, inner, sizeof(inner));
	tdm_sha256_final(&h->outer, out);
}
