// SPDX-License-Identifier: GPL-2.0
/* Option values (tools/parse.c): numbers in a range, with a message naming them; endpoints. */
#include <stdint.h>

#include "unit.h"
#include "parse.h"
#include "tandem_netlink.h"

static const struct tdm_range percent = { "share", 0, 100, "%" };
static const struct tdm_range count = { "count", 1, 4294967295UL, NULL };

/* @s parses as @want, and leaves @msg alone. */
static void expect_value(const struct tdm_range *r, const char *s, uint32_t want)
{
	char msg[8] = "x";
	uint32_t v = 12345;

	CHECK_EQ(tdm_parse_range(r, s, &v, msg, sizeof(msg)), 0);
	CHECK_EQ(v, want);
	CHECK_STR(msg, "x");
}

/* @s is refused with @want, and the value is left alone. */
static void expect_refused(const struct tdm_range *r, const char *s, const char *want)
{
	char msg[128];
	uint32_t v = 12345;

	CHECK_EQ(tdm_parse_range(r, s, &v, msg, sizeof(msg)), -1);
	CHECK_EQ(v, 12345);
	CHECK_STR(msg, want);
}

static void test_range(void)
{
	expect_value(&percent, "0", 0);
	expect_value(&percent, "100", 100);
	expect_value(&percent, "007", 7);
	expect_value(&count, "4294967295", 4294967295U);
	expect_refused(&percent, "101", "share must be a number from 0 to 100 %, not '101'");
	expect_refused(&percent, "", "share must be a number from 0 to 100 %, not ''");
	expect_refused(&percent, "-1", "share must be a number from 0 to 100 %, not '-1'");
	expect_refused(&percent, "+1", "share must be a number from 0 to 100 %, not '+1'");
	expect_refused(&percent, " 1", "share must be a number from 0 to 100 %, not ' 1'");
	expect_refused(&percent, "1 ", "share must be a number from 0 to 100 %, not '1 '");
	expect_refused(&percent, "5s", "share must be a number from 0 to 100 %, not '5s'");
	expect_refused(&percent, "0x10", "share must be a number from 0 to 100 %, not '0x10'");
	expect_refused(&count, "0", "count must be a number from 1 to 4294967295, not '0'");
	expect_refused(&count, "4294967296",
		       "count must be a number from 1 to 4294967295, not '4294967296'");
	expect_refused(&count, "99999999999999999999999",
		       "count must be a number from 1 to 4294967295, not '99999999999999999999999'");
}

/* No message asked for: none written. */
static void test_range_quiet(void)
{
	uint32_t v = 7;

	CHECK_EQ(tdm_parse_range(&percent, "200", &v, NULL, 0), -1);
	CHECK_EQ(v, 7);
	CHECK_EQ(tdm_parse_range(&percent, "20", &v, NULL, 0), 0);
	CHECK_EQ(v, 20);
}

/* The options' ranges are the module's (include/tandem_netlink.h). */
static void test_limits(void)
{
	CHECK_EQ(tdm_range_minor.min, 0);
	CHECK_EQ(tdm_range_minor.max, TANDEM_MINOR_MAX);
	CHECK_EQ(tdm_range_timeout.min, TANDEM_TIMEOUT_MS_MIN);
	CHECK_EQ(tdm_range_timeout.max, TANDEM_TIMEOUT_MS_MAX);
	CHECK_EQ(tdm_range_resync_rate.min, TANDEM_RESYNC_RATE_MIN);
	CHECK_EQ(tdm_range_resync_rate.max, TANDEM_RESYNC_RATE_MAX);
	CHECK_EQ(tdm_range_congestion.min, TANDEM_CONGESTION_MIB_MIN);
	CHECK_EQ(tdm_range_congestion.max, TANDEM_CONGESTION_MIB_MAX);
	CHECK(TANDEM_TIMEOUT_MS_MIN <= TANDEM_TIMEOUT_MS_DEF &&
	      TANDEM_TIMEOUT_MS_DEF <= TANDEM_TIMEOUT_MS_MAX);
	CHECK(TANDEM_CONGESTION_MIB_MIN <= TANDEM_CONGESTION_MIB_DEF &&
	      TANDEM_CONGESTION_MIB_DEF <= TANDEM_CONGESTION_MIB_MAX);
	expect_refused(&tdm_range_timeout, "499",
		       "timeout must be a number from 500 to 30000 ms, not '499'");
	expect_value(&tdm_range_timeout, "30000", 30000);
	expect_refused(&tdm_range_minor, "1024",
		       "minor must be a number from 0 to 1023, not '1024'");
}

static void test_endpoint(void)
{
	struct tdm_endpoint ep;

	CHECK_EQ(tdm_parse_endpoint("10.0.0.1:7789", &ep), 0);
	CHECK_EQ(ep.addr_len, 4);
	CHECK_EQ(ep.port, 7789);
	CHECK_EQ(tdm_parse_endpoint("[fe80::1]:1", &ep), 0);
	CHECK_EQ(ep.addr_len, 16);
	CHECK_EQ(tdm_parse_endpoint("fe80::1:1", &ep), 0);
	CHECK_EQ(tdm_parse_endpoint("10.0.0.1:65535", &ep), 0);
	CHECK_EQ(ep.port, 65535);
	CHECK_EQ(tdm_parse_endpoint("10.0.0.1:65536", &ep), -1);
	CHECK_EQ(tdm_parse_endpoint("10.0.0.1:0", &ep), -1);
	CHECK_EQ(tdm_parse_endpoint("10.0.0.1:", &ep), -1);
	CHECK_EQ(tdm_parse_endpoint("10.0.0.1:+1", &ep), -1);
	CHECK_EQ(tdm_parse_endpoint(":7789", &ep), -1);
	CHECK_EQ(tdm_parse_endpoint("[fe80::1]7789", &ep), -1);
	CHECK_EQ(tdm_parse_endpoint("10.0.0.256:1", &ep), -1);
}

static void test_bytes(void)
{
	static const struct { const char *s; uint64_t want; } good[] = {
		{ "0", 0 }, { "4096", 4096 }, { "4K", 4096 }, { "1M", 1 << 20 },
		{ "3G", 3ULL << 30 }, { "16T", 16ULL << 40 }, { "8388607T", 8388607ULL << 40 },
	};
	static const char *const bad[] = {
		"", "K", "1", "4095", "2K", "1k", "1MB", "1 M", "-4096", "+4096", "4K5",
		"8388608T", "18446744073709551616", "99999999999999999999T",
	};
	char msg[200];
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		v = 1;
		CHECK_EQ(tdm_parse_bytes("--start", good[i].s, &v, msg, sizeof(msg)), 0);
		CHECK_EQ(v, good[i].want);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 1;
		CHECK_EQ(tdm_parse_bytes("--start", bad[i], &v, msg, sizeof(msg)), -1);
		CHECK_EQ(v, 1);
	}
	tdm_parse_bytes("--length", "2K", &v, msg, sizeof(msg));
	CHECK_STR(msg, "--length must be a number of bytes (K, M, G, T: KiB..TiB), a multiple of 4 KiB, not '2K'");
}

void test_parse(void)
{
	test_range();
	test_range_quiet();
	test_limits();
	test_endpoint();
	test_bytes();
}
