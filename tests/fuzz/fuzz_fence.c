// SPDX-License-Identifier: GPL-2.0
/*
 * The outdate exchange's parsers (tools/fencemsg.c), which read lines from
 * the network: no crash, and nothing but the exact signed form is taken:
 * a request or an answer accepted must be the one the encoder writes for
 * what was read from it.
 */
#include <stdint.h>
#include <string.h>

#include "fencemsg.h"

static const uint8_t secret[] = "fuzz secret of r0";
static const struct tdm_fence_key key = { secret, sizeof(secret) - 1, "r0" };
static const uint8_t snonce[TDM_FENCE_NONCE] = "listener nonce!";
static const uint8_t cnonce[TDM_FENCE_NONCE] = "requester nonce";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[TDM_FENCE_LINE_MAX], again[TDM_FENCE_LINE_MAX], why[TDM_FENCE_REASON_MAX + 16];
	uint8_t got[TDM_FENCE_NONCE];
	int code;

	if (size >= sizeof(line))
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';

	if (!tdm_fence_parse_greeting(line, got)) {
		tdm_fence_greeting(again, got);
		again[strcspn(again, "\n")] = '\0';
		if (strcmp(again, line))
			__builtin_trap();
	}
	if (!tdm_fence_check_request(line, &key, snonce, got, why)) {
		tdm_fence_request(again, &key, snonce, got);
		again[strcspn(again, "\n")] = '\0';
		if (strcmp(again, line))
			__builtin_trap();
	}
	code = tdm_fence_check_answer(line, &key, snonce, cnonce, why);
	if (code >= 0) {
		if (code < 3 || code > 6)
			__builtin_trap();
		tdm_fence_answer(again, &key, snonce, cnonce, code, why);
		again[strcspn(again, "\n")] = '\0';
		if (strcmp(again, line))
			__builtin_trap();
	}
	return 0;
}
