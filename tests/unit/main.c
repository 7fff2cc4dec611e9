// SPDX-License-Identifier: GPL-2.0
#include "unit.h"

int unit_passed, unit_failed;

static const struct {
	const char *name;
	void (*fn)(void);
} suites[] = {
	{ "names", test_names },
	{ "wire", test_wire },
	{ "ondisk", test_ondisk },
	{ "gen", test_gen },
	{ "bitmap", test_bitmap },
	{ "config", test_config },
	{ "parse", test_parse },
	{ "status", test_status },
	{ "fence", test_fence },
	{ "silence", test_silence },
	{ "vrrp", test_vrrp },
	{ "fencemsg", test_fencemsg },
	{ "session", test_session },
	{ "sizes", test_sizes },
};

int main(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		int before = unit_failed;

		suites[i].fn();
		printf("%-12s %s\n", suites[i].name, unit_failed == before ? "ok" : "FAILED");
	}
	printf("%d passed, %d failed\n", unit_passed, unit_failed);
	return unit_failed ? 1 : 0;
}
