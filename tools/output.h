/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tandemctl: one printing path for text and JSON. A field is printed once,
 * by key; text shows "key:value" pairs, JSON the same keys with typed values.
 */
#ifndef TDMCTL_OUTPUT_H
#define TDMCTL_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void out_init(bool json);
bool out_is_json(void);
/* A list of records: JSON array, or one record per line in text. */
void out_list_begin(void);
void out_list_end(void);
/* A record; nested (with a key) inside another, or an element of a list. */
void out_obj_begin(const char *key);
void out_obj_end(void);
void out_str(const char *key, const char *val);
/* A state word (role, disk state...): coloured in text on a terminal. */
void out_state(const char *key, const char *val);
void out_u64(const char *key, uint64_t val);
void out_s64(const char *key, int64_t val);
/* Bytes: a number in JSON, "1.5GiB" in text. */
void out_bytes(const char *key, uint64_t val);

/* Text only: @val as "1.5GiB" into @buf. */
void out_format_bytes(char *buf, size_t len, uint64_t val);
/* Text only: a state word, coloured as out_state() does. */
void out_text_state(const char *val);

#endif
