/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), for the outdate requests
 * tandemctl sends and answers over the service network (fencemsg.h): the
 * module authenticates its peers with the same construction through the
 * kernel's crypto API; tandemctl links no crypto library.
 */
#ifndef TDMCTL_SHA256_H
#define TDMCTL_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define TDM_SHA256_LEN 32
#define TDM_SHA256_BLOCK 64

struct tdm_sha256 {
	uint32_t h[8];
	uint64_t bytes;			/* hashed so far */
	uint8_t buf[TDM_SHA256_BLOCK];	/* a partial block: bytes % 64 of them */
};

void tdm_sha256_init(struct tdm_sha256 *s);
void tdm_sha256_update(struct tdm_sha256 *s, const void *data, size_t len);
void tdm_sha256_final(struct tdm_sha256 *s, uint8_t out[TDM_SHA256_LEN]);

struct tdm_hmac {
	struct tdm_sha256 inner, outer;
};

void tdm_hmac_init(struct tdm_hmac *h, const void *key, size_t key_len);
void tdm_hmac_update(struct tdm_hmac *h, const void *data, size_t len);
void tdm_hmac_final(struct tdm_hmac *h, uint8_t out[TDM_SHA256_LEN]);

#endif
