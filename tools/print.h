/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tandemctl: printing addresses and resources. Pure C, through output.c:
 * the unit tests print decoded replies and compare.
 */
#ifndef TDMCTL_PRINT_H
#define TDMCTL_PRINT_H

#include <stdbool.h>
#include <stddef.h>

#include "parse.h"
#include "status.h"

/* "ADDR:PORT" or "[ADDR6]:PORT" into @buf; "" if @ep has no address. */
void tdm_format_endpoint(const struct tdm_endpoint *ep, char *buf, size_t len);
/*
 * One record: a line of key:value pairs in text, an object in JSON (status
 * --json, events). With @event, the event's name comes first and the I/O
 * counters are left out. A resource not attached (a detach event) is its
 * name alone.
 */
void tdm_print_record(const struct tdm_status *st, const char *event);
/*
 * For a person (status without --json): a block of aligned lines with the
 * role, disks, connection, peer, resync and last error; @verbose adds
 * every other field. @st must be attached.
 */
void tdm_print_block(const struct tdm_status *st, bool verbose);

#endif
