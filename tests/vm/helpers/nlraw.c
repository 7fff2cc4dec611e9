// SPDX-License-Identifier: GPL-2.0
/*
 * nlraw: send one hand-built request to the tandem genl family, to test how
 * the module treats messages tandemctl would never send.
 *
 *   nlraw CMD [ATTR:KIND:VALUE]...
 *
 * CMD and ATTR are numbers. KIND: str (NUL-terminated), raw (bytes, no NUL),
 * u8, u16, u32, u64, rawlen (VALUE bytes of 'x', no NUL). Prints "ok" or
 * "error <errno>: <extack message>" and exits 0 on ok, 1 on error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nl.h"

static int put_attr(struct nl_msg *msg, char *spec)
{
	char *type_s = strtok(spec, ":"), *kind = strtok(NULL, ":");
	char *val = strtok(NULL, "");

	if (!val)
		val = "";
	int type;

	if (!type_s || !kind)
		return -1;
	type = atoi(type_s);
	if (!strcmp(kind, "str"))
		return nla_put_string(msg, type, val);
	if (!strcmp(kind, "raw"))
		return nla_put(msg, type, strlen(val), val);
	if (!strcmp(kind, "rawlen")) {
		size_t n = strtoul(val, NULL, 0);
		char *buf = malloc(n);
		int ret;

		memset(buf, 'x', n);
		ret = nla_put(msg, type, n, buf);
		free(buf);
		return ret;
	}
	if (!strcmp(kind, "u8"))
		return nla_put_u8(msg, type, strtoul(val, NULL, 0));
	if (!strcmp(kind, "u16"))
		return nla_put_u16(msg, type, strtoul(val, NULL, 0));
	if (!strcmp(kind, "u32"))
		return nla_put_u32(msg, type, strtoul(val, NULL, 0));
	if (!strcmp(kind, "u64"))
		return nla_put_u64(msg, type, strtoull(val, NULL, 0));
	return -1;
}

int main(int argc, char **argv)
{
	struct tdm_nl nl;
	struct nl_msg *msg;
	char why[512];
	int i, ret;

	if (argc < 2) {
		fprintf(stderr, "usage: nlraw CMD [ATTR:KIND:VALUE]...\n");
		return 2;
	}
	if (tdm_nl_open(&nl))
		return 2;
	msg = tdm_nl_new(&nl, atoi(argv[1]), 0);
	for (i = 2; i < argc; i++) {
		if (put_attr(msg, argv[i])) {
			fprintf(stderr, "nlraw: bad attribute '%s'\n", argv[i]);
			return 2;
		}
	}
	ret = tdm_nl_request(&nl, msg, NULL, NULL, why, sizeof(why));
	tdm_nl_close(&nl);
	if (!ret) {
		printf("ok\n");
		return 0;
	}
	printf("error %d: %s\n", -ret, why);
	return 1;
}
