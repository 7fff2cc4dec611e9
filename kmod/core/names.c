// SPDX-License-Identifier: GPL-2.0
/*
 * Resource names become part of messages, file names and udev links, so they
 * are restricted to characters that need no quoting anywhere: letters, digits,
 * '_', '.', '-', not starting with '.' or '-'.
 */
#include "names.h"
#include "tandem_netlink.h"

static bool tdm_name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

enum tdm_name_err tdm_name_check(const char *name)
{
	size_t i;

	if (!name || !name[0])
		return TDM_NAME_EMPTY;
	if (name[0] == '.' || name[0] == '-')
		return TDM_NAME_BAD_START;
	for (i = 0; i < TANDEM_NAME_MAX; i++) {
		if (!name[i])
			return TDM_NAME_OK;
		if (!tdm_name_char_ok(name[i]))
			return TDM_NAME_BAD_CHAR;
	}
	return TDM_NAME_TOO_LONG;
}

const char *tdm_name_strerror(enum tdm_name_err err)
{
	switch (err) {
	case TDM_NAME_OK:
		return "valid resource name";
	case TDM_NAME_EMPTY:
		return "resource name is empty";
	case TDM_NAME_TOO_LONG:
		return "resource name is too long (at most 63 characters)";
	case TDM_NAME_BAD_CHAR:
		return "resource name may only contain letters, digits, '_', '.' and '-'";
	case TDM_NAME_BAD_START:
		return "resource name must not start with '.' or '-'";
	}
	return "invalid resource name";
}
