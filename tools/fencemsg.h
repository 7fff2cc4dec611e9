/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Outdate requests over the service network: how a primary that lost its
 * replication link (or a node being promoted without it) asks the peer to
 * outdate its data, when the cluster manager (keepalived) has no way to.
 * tandemctl fence-listen answers, tandemctl fence-peer asks (cmd_fence.c);
 * this file is the exchange and the answer's choice, pure and unit-tested.
 *
 * One TCP connection per request, one text line each way in turn:
 *   listener:  "tandem-fence 1 SNONCE\n"
 *   requester: "outdate RES CNONCE MAC\n"
 *              MAC = HMAC(secret, "tandem-fence outdate\n" RES "\n" SNONCE "\n" CNONCE)
 *   listener:  "answer CODE MAC2 REASON\n"
 *              MAC2 = HMAC(secret, "tandem-fence answer\n" RES "\n" SNONCE "\n"
 *                                  CNONCE "\n" CODE "\n" REASON)
 * SNONCE and CNONCE: 16 random bytes each, in hex; MACs in hex. The secret
 * is the resource's (secret-file), never sent. A listener's fresh nonce
 * makes a recorded request useless, a requester's one a recorded answer.
 * A request the listener does not accept gets "refused REASON\n"
 * (unauthenticated: the requester reads it as "not fenced").
 * CODE: DRBD's fence-peer exit codes (3 inconsistent, 4 outdated, 5 not
 * fenced, 6 primary).
 */
#ifndef TDMCTL_FENCEMSG_H
#define TDMCTL_FENCEMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

#define TDM_FENCE_PORT 7790
#define TDM_FENCE_NONCE 16
#define TDM_FENCE_LINE_MAX 512
#define TDM_FENCE_REASON_MAX 200

/* The fence-peer exit codes (DRBD's). */
enum {
	TDM_FENCE_INCONSISTENT = 3,
	TDM_FENCE_OUTDATED = 4,
	TDM_FENCE_NOT_FENCED = 5,
	TDM_FENCE_PRIMARY = 6,
	TDM_FENCE_DOWN = 7,
};

struct tdm_fence_key {
	const uint8_t *secret;
	size_t secret_len;
	const char *res;
};

/* The listener's greeting for @snonce, in @buf (TDM_FENCE_LINE_MAX). */
void tdm_fence_greeting(char *buf, const uint8_t snonce[TDM_FENCE_NONCE]);
/* Its nonce from a greeting line (without "\n"); 0 or -1 (not one). */
int tdm_fence_parse_greeting(const char *line, uint8_t snonce[TDM_FENCE_NONCE]);

/* The request, in @buf (TDM_FENCE_LINE_MAX). */
void tdm_fence_request(char *buf, const struct tdm_fence_key *key,
		       const uint8_t snonce[TDM_FENCE_NONCE], const uint8_t cnonce[TDM_FENCE_NONCE]);
/*
 * Check a request line (without "\n") against @key and the listener's
 * @snonce; 0 with its @cnonce, or -1 with why in @why (TDM_FENCE_REASON_MAX).
 */
int tdm_fence_check_request(const char *line, const struct tdm_fence_key *key,
			    const uint8_t snonce[TDM_FENCE_NONCE], uint8_t cnonce[TDM_FENCE_NONCE],
			    char *why);

/* The answer @code with @reason (no newline; cut to TDM_FENCE_REASON_MAX), in @buf. */
void tdm_fence_answer(char *buf, const struct tdm_fence_key *key,
		      const uint8_t snonce[TDM_FENCE_NONCE], const uint8_t cnonce[TDM_FENCE_NONCE],
		      int code, const char *reason);
/*
 * Check an answer line (without "\n"); its code (3..6) with its reason in
 * @reason (TDM_FENCE_REASON_MAX + 1), or -1 with why in @reason.
 */
int tdm_fence_check_answer(const char *line, const struct tdm_fence_key *key,
			   const uint8_t snonce[TDM_FENCE_NONCE], const uint8_t cnonce[TDM_FENCE_NONCE],
			   char *reason);

/* What the listener does about a request, from the resource's status. */
enum tdm_fence_action {
	TDM_FENCE_ACT_ANSWER,	/* answer *code now */
	TDM_FENCE_ACT_OUTDATE,	/* outdate the data, then answer 4 */
};

/*
 * @st is NULL if the resource is not up here. Up to date data not
 * connected is outdated; still connected, it is not (5: the session the
 * requester lost has not ended here yet, and this node acts on no request
 * later than its receipt: the requester asks again while it is itself
 * still cut off). A resource that is down counts as outdated, as its data
 * is not up to date once attached (promoted only with --force).
 */
enum tdm_fence_action tdm_fence_decide(const struct tdm_status *st, int *code,
				       const char **reason);

#endif
