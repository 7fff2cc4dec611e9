/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only include of tandem's pure-C core: fixed-size types and string
 * functions from the kernel when built into the module, from libc when built
 * into the tools and unit tests. Core code includes nothing else.
 */
#ifndef TDM_CORE_TYPES_H
#define TDM_CORE_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/string.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
#endif

#endif /* TDM_CORE_TYPES_H */
