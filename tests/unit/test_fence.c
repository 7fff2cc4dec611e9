// SPDX-License-Identifier: GPL-2.0
#include "unit.h"
#include "core/fence.h"
#include "tandem_netlink.h"

/* A wait status as the kernel's usermode helper returns it. */
#define EXITED(code) ((code) << 8)
#define KILLED(sig) (sig)

static void test_exit_codes(void)
{
	CHECK_EQ(tdm_fence_result(EXITED(3)), TANDEM_FENCE_PEER_INCONSISTENT);
	CHECK_EQ(tdm_fence_result(EXITED(4)), TANDEM_FENCE_PEER_OUTDATED);
	CHECK_EQ(tdm_fence_result(EXITED(5)), TANDEM_FENCE_PEER_UNREACHABLE);
	CHECK_EQ(tdm_fence_result(EXITED(6)), TANDEM_FENCE_PEER_PRIMARY);
	CHECK_EQ(tdm_fence_result(EXITED(7)), TANDEM_FENCE_PEER_FENCED);
	CHECK_EQ(tdm_fence_exit_code(EXITED(7)), 7);
	CHECK_EQ(tdm_fence_exit_code(EXITED(255)), 255);
}

/* Anything else is no answer: exit 0 (also a handler the kernel could not exec), 1, 2, 8, 255. */
static void test_failures(void)
{
	static const int codes[] = { 0, 1, 2, 8, 126, 127, 255 };
	unsigned int i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		CHECK_EQ(tdm_fence_result(EXITED(codes[i])), TANDEM_FENCE_FAILED);
	/* Killed (SIGKILL, SIGTERM; with a core dump), or never started. */
	CHECK_EQ(tdm_fence_result(KILLED(9)), TANDEM_FENCE_FAILED);
	CHECK_EQ(tdm_fence_result(KILLED(15)), TANDEM_FENCE_FAILED);
	CHECK_EQ(tdm_fence_result(KILLED(11) | 0x80), TANDEM_FENCE_FAILED);
	CHECK_EQ(tdm_fence_exit_code(KILLED(9)), -1);
	CHECK_EQ(tdm_fence_result(-2), TANDEM_FENCE_FAILED);
	CHECK_EQ(tdm_fence_exit_code(-12), -1);
	/* A signal number is not an exit code, even if 7 (SIGBUS). */
	CHECK_EQ(tdm_fence_result(KILLED(7)), TANDEM_FENCE_FAILED);
}

/* Frozen writes complete only when the peer cannot be promoted with older data. */
static void test_resumes(void)
{
	u32 r;

	for (r = 0; r <= TANDEM_FENCE_FAILED + 1; r++)
		CHECK_EQ(tdm_fence_resumes(r), r == TANDEM_FENCE_PEER_INCONSISTENT ||
			 r == TANDEM_FENCE_PEER_OUTDATED || r == TANDEM_FENCE_PEER_FENCED);
}

void test_fence(void)
{
	test_exit_codes();
	test_failures();
	test_resumes();
}
