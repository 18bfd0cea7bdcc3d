/*
 * role: the roles of DOMAIN.md and the actor who makes a request.
 *
 * An actor is who acts (a logged-in user, or the command line acting as the
 * system) and the scope its role reaches.  This file decides nothing about
 * entities; model/scope.c turns an actor into SQL predicates.
 */
#ifndef SANLING_ROLE_H
#define SANLING_ROLE_H

#include <stdint.h>

enum role {
	ROLE_NONE = 0,   /* "none": an account without a role yet, which reaches nothing */
	ROLE_OFFICE,     /* 区“三零”创建办公室: everything in its district */
	ROLE_PETITION,   /* 信访局 */
	ROLE_SAFETY,     /* 应急管理局 */
	ROLE_POLICE,     /* 公安局 */
	ROLE_SUPERVISOR, /* 行业主管部门: its own sector's subjects */
	ROLE_TOWNSHIP,   /* 乡镇/街道: its own area */
	ROLE_SUBJECT,    /* a creation subject's own account */
	ROLE_GRID,       /* 网格员: its own grid */
	ROLE_REGION,     /* 市/省“三零”办: reads the districts under its city or province,
			    writes the lists a district granted it there (grants.h) */
	ROLE_SYSADMIN,   /* 系统管理员: accounts */
	ROLE_SECADMIN,   /* 安全管理员: policy, locks */
	ROLE_AUDITADMIN, /* 审计管理员: the audit log */
	ROLE_SYSTEM,     /* the command line on the server: no scope limit */
	ROLE__COUNT
};

#define ROLE_BIT(r) (1u << (r))
#define ROLES_LEAD (ROLE_BIT(ROLE_PETITION) | ROLE_BIT(ROLE_SAFETY) | ROLE_BIT(ROLE_POLICE))
#define ROLES_BUSINESS (ROLE_BIT(ROLE_OFFICE) | ROLES_LEAD | ROLE_BIT(ROLE_SUPERVISOR) | \
			ROLE_BIT(ROLE_TOWNSHIP) | ROLE_BIT(ROLE_SUBJECT) | ROLE_BIT(ROLE_GRID) | \
			ROLE_BIT(ROLE_SYSTEM))
#define ROLES_ADMIN (ROLE_BIT(ROLE_SYSADMIN) | ROLE_BIT(ROLE_SECADMIN) | ROLE_BIT(ROLE_AUDITADMIN))

/* Code ("office"; "none" for ROLE_NONE) and Chinese label of a role; NULL for an invalid value. */
const char *role_code(enum role r);
const char *role_label(enum role r);
/* Role by code or Chinese label; ROLE_NONE when unknown.  ROLE_SYSTEM has
 * no code a user can be given. */
enum role role_parse(const char *s);

/*
 * Who acts.  Strings are owned by whoever filled the struct (the session
 * cache or the CLI) and outlive the request.  `district`, `township`,
 * `grid`, `village`, `subject`, `dept` are codes or NULL.
 */
struct actor {
	int64_t user_id;
	const char *username;
	enum role role;
	const char *dept;
	const char *district;
	const char *township;
	const char *grid;
	const char *village; /* role grid: a 驻村辅警's village (then `grid` is NULL) */
	const char *subject;
	/*
	 * role region: its city or province (the districts under it); its
	 * `district` is NULL but for a creation, where it names the district
	 * that must have granted it the list (scope_granted_actor())
	 */
	const char *region;
	const char *source; /* client address, or "cli" */
	int must_change;    /* password must be changed before anything else */
};

/* The actor the command line acts as. */
void actor_system(struct actor *a);
/* The command line acting as the office of `district` (what it sees of the district, whole). */
void actor_office_of(struct actor *a, const char *district);

#endif
