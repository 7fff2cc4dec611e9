// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: tandemctl's resource-file parser and checker, and the
 * option values it parses (addresses, ranged numbers). A file may be
 * anything an admin (or a broken editor) leaves in /etc/tandem.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "parse.h"

static struct tdm_cfg cfg;

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct tdm_cfg_err err;
	struct tdm_endpoint ep;
	char *text, msg[512];
	uint32_t v;

	text = malloc(n + 1);
	if (!text)
		return 0;
	memcpy(text, d, n);
	text[n] = '\0';
	tdm_cfg_init(&cfg);
	/* The first byte says whether it is tandem.conf (which may hold common). */
	if (!tdm_cfg_parse(&cfg, "fuzz.res", text, n && (d[0] & 1), &err))
		(void)tdm_cfg_check(&cfg, &err);
	tdm_cfg_strerror(&err, msg, sizeof(msg));
	(void)tdm_parse_endpoint(text, &ep);
	(void)tdm_parse_range(&tdm_range_timeout, text, &v, msg, sizeof(msg));
	free(text);
	return 0;
}
