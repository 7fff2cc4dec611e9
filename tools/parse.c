// SPDX-License-Identifier: GPL-2.0
/*
 * tandemctl: numbers in a range and network endpoints, as options and
 * resource files give them.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "tandem_netlink.h"

const struct tdm_range tdm_range_minor = { "minor", 0, TANDEM_MINOR_MAX, NULL };
const struct tdm_range tdm_range_timeout = {
	"timeout", TANDEM_TIMEOUT_MS_MIN, TANDEM_TIMEOUT_MS_MAX, "ms"
};
const struct tdm_range tdm_range_resync_rate = {
	"resync-rate", TANDEM_RESYNC_RATE_MIN, TANDEM_RESYNC_RATE_MAX, "MiB/s"
};
const struct tdm_range tdm_range_congestion = {
	"congestion-limit", TANDEM_CONGESTION_MIB_MIN, TANDEM_CONGESTION_MIB_MAX, "MiB"
};
const struct tdm_range tdm_range_ko_count = {
	"ko-count", TANDEM_KO_COUNT_MIN, TANDEM_KO_COUNT_MAX, "timeouts"
};

static const struct tdm_range tdm_range_port = { "port", 1, 65535, NULL };

int tdm_parse_range(const struct tdm_range *r, const char *s, uint32_t *out,
		    char *msg, size_t len)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (!isdigit((unsigned char)s[0]) || *end || errno || v < r->min || v > r->max) {
		if (msg)
			snprintf(msg, len, "%s must be a number from %lu to %lu%s%s, not '%s'",
				 r->name, r->min, r->max, r->unit ? " " : "",
				 r->unit ? r->unit : "", s);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

int tdm_parse_bytes(const char *name, const char *s, uint64_t *out, char *msg, size_t len)
{
	static const char units[] = "KMGT";
	unsigned long long v;
	const char *u;
	char *end;
	int shift = 0;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end && end[1] == '\0' && (u = strchr(units, *end)))
		shift = 10 * (int)(u - units + 1);
	else if (*end)
		shift = -1;
	if (!isdigit((unsigned char)s[0]) || errno || shift < 0 || v > (~0ULL >> 1) >> shift ||
	    (v << shift) % 4096) {
		snprintf(msg, len, "%s must be a number of bytes (K, M, G, T: KiB..TiB), a multiple of 4 KiB, not '%s'",
			 name, s);
		return -1;
	}
	*out = (uint64_t)v << shift;
	return 0;
}

int tdm_parse_disk_timeout(const char *s, uint32_t *out, char *msg, size_t len)
{
	static const struct tdm_range r = { "disk-timeout", 0, TANDEM_DISK_TIMEOUT_MS_MAX, "ms" };
	uint32_t v;

	if (tdm_parse_range(&r, s, &v, NULL, 0) || (v && v < TANDEM_DISK_TIMEOUT_MS_MIN)) {
		snprintf(msg, len, "disk-timeout must be 0 (off) or %u to %u ms, not '%s'",
			 TANDEM_DISK_TIMEOUT_MS_MIN, TANDEM_DISK_TIMEOUT_MS_MAX, s);
		return -1;
	}
	*out = v;
	return 0;
}

int tdm_parse_endpoint(const char *s, struct tdm_endpoint *ep)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon, *h = s;
	uint32_t port;
	size_t hlen;

	if (s[0] == '[') {
		colon = strstr(s, "]:");
		if (!colon)
			return -1;
		h = s + 1;
		hlen = colon - h;
		colon++;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -1;
		hlen = colon - s;
	}
	if (hlen == 0 || hlen >= sizeof(host) ||
	    tdm_parse_range(&tdm_range_port, colon + 1, &port, NULL, 0))
		return -1;
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	ep->port = (uint16_t)port;
	if (inet_pton(AF_INET, host, ep->addr) == 1)
		ep->addr_len = 4;
	else if (inet_pton(AF_INET6, host, ep->addr) == 1)
		ep->addr_len = 16;
	else
		return -1;
	return 0;
}
