// SPDX-License-Identifier: GPL-2.0
#include "unit.h"
#include "fencemsg.h"
#include "sha256.h"

static void hexof(char *out, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

static void sha(const char *msg, size_t len, char *out)
{
	uint8_t sum[TDM_SHA256_LEN];
	struct tdm_sha256 s;

	tdm_sha256_init(&s);
	tdm_sha256_update(&s, msg, len);
	tdm_sha256_final(&s, sum);
	hexof(out, sum, sizeof(sum));
}

/* FIPS 180-4's examples, and lengths around the padding's edges, fed in pieces. */
static void test_sha256(void)
{
	char out[65], big[1000];
	uint8_t a[TDM_SHA256_LEN], b[TDM_SHA256_LEN];
	struct tdm_sha256 s;
	size_t i, len;

	sha("abc", 3, out);
	CHECK_STR(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha("", 0, out);
	CHECK_STR(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, out);
	CHECK_STR(out, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	memset(big, 'a', sizeof(big));
	for (len = 50; len < 140; len++) {
		tdm_sha256_init(&s);
		tdm_sha256_update(&s, big, len);
		tdm_sha256_final(&s, a);
		tdm_sha256_init(&s);
		for (i = 0; i < len; i += 7)
			tdm_sha256_update(&s, big + i, len - i < 7 ? len - i : 7);
		tdm_sha256_final(&s, b);
		CHECK(!memcmp(a, b, sizeof(a)));
	}
}

static void hmac(const void *key, size_t klen, const char *msg, char *out)
{
	uint8_t sum[TDM_SHA256_LEN];
	struct tdm_hmac h;

	tdm_hmac_init(&h, key, klen);
	tdm_hmac_update(&h, msg, strlen(msg));
	tdm_hmac_final(&h, sum);
	hexof(out, sum, sizeof(sum));
}

/* RFC 4231's test cases 1, 2 and 6 (a key longer than a block). */
static void test_hmac(void)
{
	uint8_t key[131];
	char out[65];

	memset(key, 0x0b, 20);
	hmac(key, 20, "Hi There", out);
	CHECK_STR(out, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	hmac("Jefe", 4, "what do ya want for nothing?", out);
	CHECK_STR(out, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	memset(key, 0xaa, sizeof(key));
	hmac(key, sizeof(key), "Test Using Larger Than Block-Size Key - Hash Key First", out);
	CHECK_STR(out, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

static const uint8_t secret[] = "a secret of the resource r0";
static const struct tdm_fence_key key = { secret, sizeof(secret) - 1, "r0" };

static void line_of(char *buf)
{
	buf[strcspn(buf, "\n")] = '\0';
}

/* A request and its answer go through; each tampering is caught. */
static void test_exchange(void)
{
	uint8_t sn[TDM_FENCE_NONCE], cn[TDM_FENCE_NONCE], got_sn[TDM_FENCE_NONCE], got_cn[TDM_FENCE_NONCE];
	char line[TDM_FENCE_LINE_MAX], bad[TDM_FENCE_LINE_MAX], why[TDM_FENCE_REASON_MAX + 1];
	struct tdm_fence_key other = key;
	size_t i;

	for (i = 0; i < TDM_FENCE_NONCE; i++) {
		sn[i] = (uint8_t)(i * 37 + 1);
		cn[i] = (uint8_t)(i * 11 + 200);
	}
	tdm_fence_greeting(line, sn);
	line_of(line);
	CHECK_EQ(tdm_fence_parse_greeting(line, got_sn), 0);
	CHECK(!memcmp(sn, got_sn, sizeof(sn)));
	CHECK_EQ(tdm_fence_parse_greeting("tandem-fence 1 00", got_sn), -1);
	CHECK_EQ(tdm_fence_parse_greeting("HTTP/1.1 200 OK", got_sn), -1);

	tdm_fence_request(line, &key, sn, cn);
	line_of(line);
	CHECK_EQ(tdm_fence_check_request(line, &key, sn, got_cn, why), 0);
	CHECK(!memcmp(cn, got_cn, sizeof(cn)));
	/* Another secret, another resource, another listener's nonce (a replay). */
	other.secret = (const uint8_t *)"another secret";
	other.secret_len = 14;
	CHECK_EQ(tdm_fence_check_request(line, &other, sn, got_cn, why), -1);
	CHECK(strstr(why, "secret") != NULL);
	other = key;
	other.res = "r1";
	CHECK_EQ(tdm_fence_check_request(line, &other, sn, got_cn, why), -1);
	CHECK(strstr(why, "not for resource r1") != NULL);
	CHECK_EQ(tdm_fence_check_request(line, &key, cn, got_cn, why), -1);
	/* A changed nonce, a cut line, garbage. */
	strcpy(bad, line);
	bad[12] = bad[12] == '0' ? '1' : '0';
	CHECK_EQ(tdm_fence_check_request(bad, &key, sn, got_cn, why), -1);
	strcpy(bad, line);
	bad[strlen(bad) - 1] = '\0';
	CHECK_EQ(tdm_fence_check_request(bad, &key, sn, got_cn, why), -1);
	CHECK(strstr(why, "malformed") != NULL);
	CHECK_EQ(tdm_fence_check_request("outdate r0", &key, sn, got_cn, why), -1);
	CHECK_EQ(tdm_fence_check_request("promote r0 x y", &key, sn, got_cn, why), -1);

	tdm_fence_answer(line, &key, sn, cn, TDM_FENCE_OUTDATED, "the peer's data is\noutdated");
	line_of(line);
	CHECK_EQ(tdm_fence_check_answer(line, &key, sn, cn, why), TDM_FENCE_OUTDATED);
	CHECK_STR(why, "the peer's data is outdated");
	/* A recorded answer to another request, a changed code or reason. */
	CHECK_EQ(tdm_fence_check_answer(line, &key, cn, sn, why), -1);
	strcpy(bad, line);
	bad[7] = '3';
	CHECK_EQ(tdm_fence_check_answer(bad, &key, sn, cn, why), -1);
	strcpy(bad, line);
	bad[strlen(bad) - 1] = 'X';
	CHECK_EQ(tdm_fence_check_answer(bad, &key, sn, cn, why), -1);
	CHECK(strstr(why, "not signed") != NULL);
	/* Codes outside 3..6 are never read as an answer, whatever the MAC. */
	tdm_fence_answer(line, &key, sn, cn, TDM_FENCE_DOWN, "down");
	line_of(line);
	CHECK_EQ(tdm_fence_check_answer(line, &key, sn, cn, why), -1);
	CHECK_EQ(tdm_fence_check_answer("refused not signed with the resource's secret", &key, sn, cn,
					why), -1);
	CHECK(strstr(why, "refused") != NULL);
}

static struct tdm_status st_of(uint32_t role, uint32_t disk, uint32_t conn)
{
	struct tdm_status st = { .role = role, .disk_state = disk, .conn_state = conn };

	return st;
}

/* What the listener answers, for every state that matters. */
static void test_decide(void)
{
	static const struct {
		uint32_t role, disk, conn;
		enum tdm_fence_action act;
		int code;
	} cases[] = {
		{ TANDEM_ROLE_PRIMARY, TANDEM_DISK_UPTODATE, TANDEM_CONN_CONNECTING,
		  TDM_FENCE_ACT_ANSWER, TDM_FENCE_PRIMARY },
		{ TANDEM_ROLE_PRIMARY, TANDEM_DISK_UPTODATE, TANDEM_CONN_CONNECTED,
		  TDM_FENCE_ACT_ANSWER, TDM_FENCE_PRIMARY },
		{ TANDEM_ROLE_SECONDARY, TANDEM_DISK_UPTODATE, TANDEM_CONN_CONNECTING,
		  TDM_FENCE_ACT_OUTDATE, TDM_FENCE_OUTDATED },
		{ TANDEM_ROLE_SECONDARY, TANDEM_DISK_UPTODATE, TANDEM_CONN_STANDALONE,
		  TDM_FENCE_ACT_OUTDATE, TDM_FENCE_OUTDATED },
		{ TANDEM_ROLE_SECONDARY, TANDEM_DISK_CONSISTENT, TANDEM_CONN_CONNECTING,
		  TDM_FENCE_ACT_OUTDATE, TDM_FENCE_OUTDATED },
		{ TANDEM_ROLE_SECONDARY, TANDEM_DISK_UPTODATE, TANDEM_CONN_CONNECTED,
		  TDM_FENCE_ACT_ANSWER, TDM_FENCE_NOT_FENCED },
		{ TANDEM_ROLE_SECONDARY, TANDEM_DISK_OUTDATED, TANDEM_CONN_CONNECTED,
		  TDM_FENCE_ACT_ANSWER, TDM_FENCE_OUTDATED },
		{ TANDEM_ROLE_SECONDARY, TANDEM_DISK_INCONSISTENT, TANDEM_CONN_CONNECTING,
		  TDM_FENCE_ACT_ANSWER, TDM_FENCE_INCONSISTENT },
		{ TANDEM_ROLE_SECONDARY, TANDEM_DISK_DISKLESS, TANDEM_CONN_CONNECTING,
		  TDM_FENCE_ACT_ANSWER, TDM_FENCE_INCONSISTENT },
		{ TANDEM_ROLE_SECONDARY, TANDEM_DISK_FAILED, TANDEM_CONN_STANDALONE,
		  TDM_FENCE_ACT_ANSWER, TDM_FENCE_INCONSISTENT },
	};
	struct tdm_status st;
	const char *why;
	size_t i;
	int code;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		st = st_of(cases[i].role, cases[i].disk, cases[i].conn);
		CHECK_EQ(tdm_fence_decide(&st, &code, &why), cases[i].act);
		CHECK_EQ(code, cases[i].code);
		CHECK(why && why[0]);
	}
	/* The resource is down: once up, its data needs --force to be promoted. */
	CHECK_EQ(tdm_fence_decide(NULL, &code, &why), TDM_FENCE_ACT_ANSWER);
	CHECK_EQ(code, TDM_FENCE_OUTDATED);
}

void test_fencemsg(void)
{
	test_sha256();
	test_hmac();
	test_exchange();
	test_decide();
}
