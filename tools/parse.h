/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tandemctl: values of options, from the command line and the resource
 * files alike. Pure C (no netlink, no libblkid): the unit tests link it.
 */
#ifndef TDMCTL_PARSE_H
#define TDMCTL_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* A bounded integer option: its name in messages, its range, its unit. */
struct tdm_range {
	const char *name;
	unsigned long min, max;
	const char *unit;		/* after the range in messages, or NULL */
};

/* The ranges of the module's limits (include/tandem_netlink.h). */
extern const struct tdm_range tdm_range_minor;
extern const struct tdm_range tdm_range_timeout;
extern const struct tdm_range tdm_range_resync_rate;
extern const struct tdm_range tdm_range_congestion;
extern const struct tdm_range tdm_range_ko_count;

/*
 * @s, a decimal number in @r's range, into @out: 0, or -1 with @msg (if not
 * NULL) set to "NAME must be a number from MIN to MAX UNIT, not 'S'".
 */
int tdm_parse_range(const struct tdm_range *r, const char *s, uint32_t *out,
		    char *msg, size_t len);
/* A disk-timeout: 0 (off) or TANDEM_DISK_TIMEOUT_MS_MIN..MAX; as above, @msg required. */
int tdm_parse_disk_timeout(const char *s, uint32_t *out, char *msg, size_t len);
/*
 * A size in bytes for option @name: digits with an optional K, M, G or T
 * (KiB..TiB), a multiple of 4 KiB, below 2^63; else -1 with @msg set.
 */
int tdm_parse_bytes(const char *name, const char *s, uint64_t *out, char *msg, size_t len);

struct tdm_endpoint {
	unsigned char addr[16];
	int addr_len;			/* 4 or 16; 0: none */
	uint16_t port;
};

/* "1.2.3.4:7789" or "[fe80::1]:7789"; 0 or -1. */
int tdm_parse_endpoint(const char *s, struct tdm_endpoint *ep);

#endif
