// SPDX-License-Identifier: GPL-2.0
/* Outdate requests over the service network: see fencemsg.h. */
#include <stdio.h>
#include <string.h>

#include "fencemsg.h"
#include "sha256.h"

#define TDM_FENCE_GREETING "tandem-fence 1 "

static void hex(char *out, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

/* Exactly 2 * @n lowercase hex digits at @s, up to @end (a space or the end). */
static int unhex(const char *s, const char *end, uint8_t *p, size_t n)
{
	size_t i;
	int hi, lo;

	if ((size_t)(end - s) != 2 * n)
		return -1;
	for (i = 0; i < 2 * n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return -1;
	for (i = 0; i < n; i++) {
		hi = s[2 * i] <= '9' ? s[2 * i] - '0' : s[2 * i] - 'a' + 10;
		lo = s[2 * i + 1] <= '9' ? s[2 * i + 1] - '0' : s[2 * i + 1] - 'a' + 10;
		p[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* Equal without telling how much of it is (a guessed MAC learns nothing). */
static bool same(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint8_t d = 0;
	size_t i;

	for (i = 0; i < n; i++)
		d |= a[i] ^ b[i];
	return !d;
}

/* The MAC of @label's message: the labelled fields, each after a newline. */
static void mac(uint8_t out[TDM_SHA256_LEN], const struct tdm_fence_key *key, const char *label,
		const uint8_t snonce[TDM_FENCE_NONCE], const uint8_t cnonce[TDM_FENCE_NONCE],
		const char *code, const char *reason)
{
	char s[2 * TDM_FENCE_NONCE + 1], c[2 * TDM_FENCE_NONCE + 1];
	struct tdm_hmac h;

	hex(s, snonce, TDM_FENCE_NONCE);
	hex(c, cnonce, TDM_FENCE_NONCE);
	tdm_hmac_init(&h, key->secret, key->secret_len);
	tdm_hmac_update(&h, "tandem-fence ", 13);
	tdm_hmac_update(&h, label, strlen(label));
	tdm_hmac_update(&h, "\n", 1);
	tdm_hmac_update(&h, key->res, strlen(key->res));
	tdm_hmac_update(&h, "\n", 1);
	tdm_hmac_update(&h, s, strlen(s));
	tdm_hmac_update(&h, "\n", 1);
	tdm_hmac_update(&h, c, strlen(c));
	if (code) {
		tdm_hmac_update(&h, "\n", 1);
		tdm_hmac_update(&h, code, strlen(code));
		tdm_hmac_update(&h, "\n", 1);
		tdm_hmac_update(&h, reason, strlen(reason));
	}
	tdm_hmac_final(&h, out);
}

void tdm_fence_greeting(char *buf, const uint8_t snonce[TDM_FENCE_NONCE])
{
	strcpy(buf, TDM_FENCE_GREETING);
	hex(buf + strlen(buf), snonce, TDM_FENCE_NONCE);
	strcat(buf, "\n");
}

int tdm_fence_parse_greeting(const char *line, uint8_t snonce[TDM_FENCE_NONCE])
{
	size_t n = strlen(TDM_FENCE_GREETING);

	if (strncmp(line, TDM_FENCE_GREETING, n))
		return -1;
	return unhex(line + n, line + strlen(line), snonce, TDM_FENCE_NONCE);
}

void tdm_fence_request(char *buf, const struct tdm_fence_key *key,
		       const uint8_t snonce[TDM_FENCE_NONCE], const uint8_t cnonce[TDM_FENCE_NONCE])
{
	char c[2 * TDM_FENCE_NONCE + 1], m[2 * TDM_SHA256_LEN + 1];
	uint8_t sum[TDM_SHA256_LEN];

	mac(sum, key, "outdate", snonce, cnonce, NULL, NULL);
	hex(c, cnonce, TDM_FENCE_NONCE);
	hex(m, sum, sizeof(sum));
	snprintf(buf, TDM_FENCE_LINE_MAX, "outdate %s %s %s\n", key->res, c, m);
}

int tdm_fence_check_request(const char *line, const struct tdm_fence_key *key,
			    const uint8_t snonce[TDM_FENCE_NONCE], uint8_t cnonce[TDM_FENCE_NONCE],
			    char *why)
{
	uint8_t got[TDM_SHA256_LEN], want[TDM_SHA256_LEN];
	const char *res, *c, *m;
	size_t n = strlen(key->res);

	if (strncmp(line, "outdate ", 8)) {
		snprintf(why, TDM_FENCE_REASON_MAX, "not an outdate request");
		return -1;
	}
	res = line + 8;
	if (strncmp(res, key->res, n) || res[n] != ' ') {
		snprintf(why, TDM_FENCE_REASON_MAX, "not for resource %s", key->res);
		return -1;
	}
	c = res + n + 1;
	m = strchr(c, ' ');
	if (!m || unhex(c, m, cnonce, TDM_FENCE_NONCE) ||
	    unhex(m + 1, m + 1 + strlen(m + 1), got, sizeof(got))) {
		snprintf(why, TDM_FENCE_REASON_MAX, "malformed request");
		return -1;
	}
	mac(want, key, "outdate", snonce, cnonce, NULL, NULL);
	if (!same(got, want, sizeof(got))) {
		snprintf(why, TDM_FENCE_REASON_MAX, "not signed with the resource's secret");
		return -1;
	}
	return 0;
}

void tdm_fence_answer(char *buf, const struct tdm_fence_key *key,
		      const uint8_t snonce[TDM_FENCE_NONCE], const uint8_t cnonce[TDM_FENCE_NONCE],
		      int code, const char *reason)
{
	char r[TDM_FENCE_REASON_MAX + 1], c[4], m[2 * TDM_SHA256_LEN + 1];
	uint8_t sum[TDM_SHA256_LEN];
	size_t i;

	snprintf(r, sizeof(r), "%s", reason);
	for (i = 0; r[i]; i++)
		if (r[i] == '\n' || r[i] == '\r')
			r[i] = ' ';
	snprintf(c, sizeof(c), "%d", code);
	mac(sum, key, "answer", snonce, cnonce, c, r);
	hex(m, sum, sizeof(sum));
	snprintf(buf, TDM_FENCE_LINE_MAX, "answer %s %s %s\n", c, m, r);
}

int tdm_fence_check_answer(const char *line, const struct tdm_fence_key *key,
			   const uint8_t snonce[TDM_FENCE_NONCE], const uint8_t cnonce[TDM_FENCE_NONCE],
			   char *reason)
{
	uint8_t got[TDM_SHA256_LEN], want[TDM_SHA256_LEN];
	const char *m, *r;
	char c[2];

	if (!strncmp(line, "refused ", 8)) {
		snprintf(reason, TDM_FENCE_REASON_MAX + 1, "the peer refused the request: %.150s",
			 line + 8);
		return -1;
	}
	if (strncmp(line, "answer ", 7) || line[7] < '3' || line[7] > '6' || line[8] != ' ') {
		snprintf(reason, TDM_FENCE_REASON_MAX + 1, "the peer's answer is malformed");
		return -1;
	}
	c[0] = line[7];
	c[1] = '\0';
	m = line + 9;
	r = strchr(m, ' ');
	if (!r || unhex(m, r, got, sizeof(got)) || strlen(r + 1) > TDM_FENCE_REASON_MAX) {
		snprintf(reason, TDM_FENCE_REASON_MAX + 1, "the peer's answer is malformed");
		return -1;
	}
	mac(want, key, "answer", snonce, cnonce, c, r + 1);
	if (!same(got, want, sizeof(got))) {
		snprintf(reason, TDM_FENCE_REASON_MAX + 1,
			 "the answer is not signed with the resource's secret");
		return -1;
	}
	snprintf(reason, TDM_FENCE_REASON_MAX + 1, "%s", r + 1);
	return c[0] - '0';
}

enum tdm_fence_action tdm_fence_decide(const struct tdm_status *st, int *code,
				       const char **reason)
{
	*code = TDM_FENCE_NOT_FENCED;
	if (!st) {
		/* Once attached, its data is "consistent": promoted only with --force. */
		*code = TDM_FENCE_OUTDATED;
		*reason = "the resource is down on the peer: its data can be promoted only with --force";
		return TDM_FENCE_ACT_ANSWER;
	}
	if (st->role == TANDEM_ROLE_PRIMARY) {
		*code = TDM_FENCE_PRIMARY;
		*reason = "the peer is primary";
		return TDM_FENCE_ACT_ANSWER;
	}
	switch (st->disk_state) {
	case TANDEM_DISK_OUTDATED:
		*code = TDM_FENCE_OUTDATED;
		*reason = "the peer's data was outdated already";
		return TDM_FENCE_ACT_ANSWER;
	case TANDEM_DISK_INCONSISTENT:
	case TANDEM_DISK_DISKLESS:
	case TANDEM_DISK_FAILED:
		*code = TDM_FENCE_INCONSISTENT;
		*reason = "the peer has no usable data";
		return TDM_FENCE_ACT_ANSWER;
	default:
		break;
	}
	if (st->conn_state == TANDEM_CONN_CONNECTED) {
		*reason = "the peer is still connected to this node";
		return TDM_FENCE_ACT_ANSWER;
	}
	*code = TDM_FENCE_OUTDATED;
	*reason = "the peer's data is outdated";
	return TDM_FENCE_ACT_OUTDATE;
}
