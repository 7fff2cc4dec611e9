// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output.h"

#define OUT_MAX_DEPTH 8

static bool json;
static bool colour;		/* text on a terminal, and $NO_COLOR unset */
static int depth;
static bool first[OUT_MAX_DEPTH];	/* no item printed yet at this depth */

void out_init(bool as_json)
{
	json = as_json;
	colour = !json && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	depth = 0;
	first[0] = true;
}

bool out_is_json(void)
{
	return json;
}

static void out_sep(void)
{
	if (!first[depth])
		fputs(json ? "," : " ", stdout);
	first[depth] = false;
}

static void out_json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void out_key(const char *key)
{
	out_sep();
	if (json) {
		out_json_string(key);
		putchar(':');
	} else {
		printf("%s:", key);
	}
}

static bool nested[OUT_MAX_DEPTH];	/* object at this depth has a key */

static void out_push(bool has_key)
{
	if (depth + 1 < OUT_MAX_DEPTH)
		depth++;
	first[depth] = true;
	nested[depth] = has_key;
}

void out_list_begin(void)
{
	if (json)
		putchar('[');
	out_push(false);
}

void out_list_end(void)
{
	depth--;
	if (json)
		puts("]");
}

/*
 * Text: a record is one line of "key:value" pairs; a nested object goes on
 * an indented line of its own, headed by its key.
 */
void out_obj_begin(const char *key)
{
	if (json) {
		if (key)
			out_key(key);
		else
			out_sep();
		putchar('{');
	} else if (key) {
		printf("\n  %s:", key);
	}
	out_push(key != NULL);
	if (!json && key)
		first[depth] = false;
}

void out_obj_end(void)
{
	bool was_nested = nested[depth];

	depth--;
	if (json)
		putchar('}');
	if ((!json || depth == 0) && !was_nested)
		putchar('\n');
}

void out_str(const char *key, const char *val)
{
	out_key(key);
	if (json)
		out_json_string(val);
	else
		fputs(val, stdout);
}

void out_u64(const char *key, uint64_t val)
{
	out_key(key);
	printf("%" PRIu64, val);
}

void out_s64(const char *key, int64_t val)
{
	out_key(key);
	printf("%" PRId64, val);
}

void out_format_bytes(char *buf, size_t len, uint64_t val)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = (double)val;
	unsigned int u = 0;

	while (v >= 1024 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%" PRIu64 "B", val);
	else
		snprintf(buf, len, "%.1f%s", v, unit[u]);
}

void out_bytes(const char *key, uint64_t val)
{
	char buf[32];

	if (json) {
		out_u64(key, val);
		return;
	}
	out_format_bytes(buf, sizeof(buf), val);
	out_str(key, buf);
}

/* ANSI colour of a state word: green healthy, yellow in between, red needs care. */
static const char *out_state_colour(const char *val)
{
	static const char *const green[] = { "uptodate", "connected", NULL };
	static const char *const red[] = { "standalone", "inconsistent", NULL };
	static const char *const yellow[] = { "connecting", "outdated", "consistent", "source",
					      "target", "ahead", NULL };
	unsigned int i;

	if (!strcmp(val, "primary"))
		return "\033[1m";
	for (i = 0; green[i]; i++)
		if (!strcmp(val, green[i]))
			return "\033[32m";
	for (i = 0; red[i]; i++)
		if (!strcmp(val, red[i]))
			return "\033[31m";
	for (i = 0; yellow[i]; i++)
		if (!strcmp(val, yellow[i]))
			return "\033[33m";
	return NULL;
}

void out_text_state(const char *val)
{
	const char *c = colour ? out_state_colour(val) : NULL;

	if (c)
		printf("%s%s\033[0m", c, val);
	else
		fputs(val, stdout);
}

void out_state(const char *key, const char *val)
{
	if (json) {
		out_str(key, val);
		return;
	}
	out_key(key);
	out_text_state(val);
}
