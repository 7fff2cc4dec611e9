/* SPDX-License-Identifier: GPL-2.0 */
/* A minimal unit-test harness: CHECK() counts, failures say where and what. */
#ifndef TDM_UNIT_H
#define TDM_UNIT_H

#include <stdio.h>
#include <string.h>

extern int unit_passed, unit_failed;

#define CHECK(cond) do {						\
	if (cond) {							\
		unit_passed++;						\
	} else {							\
		unit_failed++;						\
		fprintf(stderr, "%s:%d: %s: CHECK(%s) failed\n",	\
			__FILE__, __LINE__, __func__, #cond);		\
	}								\
} while (0)

#define CHECK_EQ(a, b) do {						\
	long long _a = (long long)(a), _b = (long long)(b);		\
	if (_a == _b) {							\
		unit_passed++;						\
	} else {							\
		unit_failed++;						\
		fprintf(stderr, "%s:%d: %s: %s == %lld, expected %s == %lld\n", \
			__FILE__, __LINE__, __func__, #a, _a, #b, _b);	\
	}								\
} while (0)

#define CHECK_STR(a, b) do {						\
	const char *_a = (a), *_b = (b);				\
	if (!strcmp(_a, _b)) {						\
		unit_passed++;						\
	} else {							\
		unit_failed++;						\
		fprintf(stderr, "%s:%d: %s: \"%s\", expected \"%s\"\n",	\
			__FILE__, __LINE__, __func__, _a, _b);		\
	}								\
} while (0)

/* Each test file defines one entry point, listed in main.c. */
void test_names(void);
void test_wire(void);
void test_ondisk(void);
void test_gen(void);
void test_bitmap(void);
void test_config(void);
void test_fencemsg(void);
void test_parse(void);
void test_fence(void);
void test_silence(void);
void test_status(void);
void test_vrrp(void);
void test_session(void);
void test_sizes(void);

#endif
