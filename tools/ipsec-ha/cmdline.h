/* SPDX-License-Identifier: GPL-2.0 */
/* Looking words up in command tables: exact match or unique abbreviation. */
#ifndef IPSEC_HA_CMDLINE_H
#define IPSEC_HA_CMDLINE_H

#include <stddef.h>

#define LOOKUP_NONE	 -1
#define LOOKUP_AMBIGUOUS -2

/*
 * Index of word among the n names: the exact match, else the only name
 * that word abbreviates; LOOKUP_NONE or LOOKUP_AMBIGUOUS otherwise.
 */
int lookup_name(const char *word, const char *const *names, size_t n);

#endif
