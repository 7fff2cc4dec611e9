/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fencing: what the fence-peer handler's answer means. When a primary loses
 * a peer whose data was up to date, the peer may be promoted without the
 * writes the primary goes on to acknowledge; the handler's job is to make
 * sure it cannot be (outdate its data, or power it off), and its exit code
 * says whether it did. Any context.
 */
#ifndef TDM_CORE_FENCE_H
#define TDM_CORE_FENCE_H

#include "core_types.h"

/*
 * The enum tandem_fence_result of a handler run. @status is what the
 * kernel's usermode helper returned: a wait status (the exit code in bits
 * 8-15, or the signal that killed it in bits 0-6), or a negative errno when
 * it could not be started.
 */
u32 tdm_fence_result(int status);
/* The exit code in @status, or -1 when the handler did not exit by itself. */
int tdm_fence_exit_code(int status);
/*
 * May a primary whose writes are frozen for fencing complete them after
 * @result? Only when the peer cannot be promoted with older data.
 */
bool tdm_fence_resumes(u32 result);

#endif /* TDM_CORE_FENCE_H */
