/*
 * role.c: role codes and labels (the user_role enumeration) and the actor
 * of the command line.
 */
#include "model/role.h"

#include <string.h>

#include "model/enums.h"

static const char *const codes[ROLE__COUNT] = {
	[ROLE_OFFICE] = "office", [ROLE_PETITION] = "petition", [ROLE_SAFETY] = "safety",
	[ROLE_POLICE] = "police", [ROLE_SUPERVISOR] = "supervisor", [ROLE_TOWNSHIP] = "township",
	[ROLE_SUBJECT] = "subject", [ROLE_GRID] = "grid", [ROLE_REGION] = "region",
	[ROLE_SYSADMIN] = "sysadmin",
	[ROLE_SECADMIN] = "secadmin", [ROLE_AUDITADMIN] = "auditadmin",
};

const char *role_code(enum role r)
{
	if (r == ROLE_SYSTEM)
		return "system";
	if (r == ROLE_NONE)
		return "none"; /* an account the security administrator has not granted a role yet */
	return r > ROLE_NONE && r < ROLE__COUNT ? codes[r] : NULL;
}

const char *role_label(enum role r)
{
	const char *c = role_code(r);

	if (r == ROLE_SYSTEM)
		return "系统";
	return c ? enum_label(&enum_user_role, c) : NULL;
}

enum role role_parse(const char *s)
{
	const char *code;
	int r;

	if (!s)
		return ROLE_NONE;
	code = enum_lookup(&enum_user_role, s);
	if (!code)
		return ROLE_NONE;
	for (r = ROLE_OFFICE; r < ROLE_SYSTEM; r++)
		if (codes[r] && !strcmp(codes[r], code))
			return (enum role)r;
	return ROLE_NONE;
}

void actor_system(struct actor *a)
{
	memset(a, 0, sizeof(*a));
	a->role = ROLE_SYSTEM;
	a->username = "system";
	a->source = "cli";
}

void actor_office_of(struct actor *a, const char *district)
{
	actor_system(a);
	a->role = ROLE_OFFICE;
	a->district = district;
}
