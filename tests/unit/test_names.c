// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "core/names.h"
#include "tandem_netlink.h"

static void test_valid(void)
{
	static const char *const ok[] = { "r0", "mysql", "a", "web_root.1", "R-2", "0", "x.", "a-" };
	unsigned int i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		CHECK_EQ(tdm_name_check(ok[i]), TDM_NAME_OK);
}

static void test_invalid(void)
{
	CHECK_EQ(tdm_name_check(NULL), TDM_NAME_EMPTY);
	CHECK_EQ(tdm_name_check(""), TDM_NAME_EMPTY);
	CHECK_EQ(tdm_name_check(".hidden"), TDM_NAME_BAD_START);
	CHECK_EQ(tdm_name_check("-opt"), TDM_NAME_BAD_START);
	CHECK_EQ(tdm_name_check("a b"), TDM_NAME_BAD_CHAR);
	CHECK_EQ(tdm_name_check("a/b"), TDM_NAME_BAD_CHAR);
	CHECK_EQ(tdm_name_check("r0\n"), TDM_NAME_BAD_CHAR);
	CHECK_EQ(tdm_name_check("caf\xc3\xa9"), TDM_NAME_BAD_CHAR);
	CHECK_EQ(tdm_name_check("a:b"), TDM_NAME_BAD_CHAR);
}

/* The limit is TANDEM_NAME_MAX - 1 characters; the check never reads past TANDEM_NAME_MAX. */
static void test_length(void)
{
	char buf[TANDEM_NAME_MAX + 1];
	char *exact;

	memset(buf, 'a', sizeof(buf));
	buf[TANDEM_NAME_MAX - 1] = '\0';
	CHECK_EQ(tdm_name_check(buf), TDM_NAME_OK);
	buf[TANDEM_NAME_MAX - 1] = 'a';
	buf[TANDEM_NAME_MAX] = '\0';
	CHECK_EQ(tdm_name_check(buf), TDM_NAME_TOO_LONG);

	/* Exactly TANDEM_NAME_MAX bytes on the heap, none NUL: ASan sees any over-read. */
	exact = malloc(TANDEM_NAME_MAX);
	memset(exact, 'b', TANDEM_NAME_MAX);
	CHECK_EQ(tdm_name_check(exact), TDM_NAME_TOO_LONG);
	free(exact);
}

static void test_messages(void)
{
	char limit[16];
	int e;

	for (e = TDM_NAME_OK; e <= TDM_NAME_BAD_START; e++) {
		const char *m = tdm_name_strerror(e);

		CHECK(m != NULL && strlen(m) > 10);
	}
	snprintf(limit, sizeof(limit), "%d", TANDEM_NAME_MAX - 1);
	CHECK(strstr(tdm_name_strerror(TDM_NAME_TOO_LONG), limit) != NULL);
}

void test_names(void)
{
	test_valid();
	test_invalid();
	test_length();
	test_messages();
}
