/*
 * settings: the numbers an administrator may set while the server runs —
 * the password policy and how often one user may look records up by a
 * personal field — as one table of keys with their range and default,
 * stored in the table `settings` (one row per key that was ever set).
 *
 * The table below is the only place a default lives: readers ask
 * settings_get_int() and get the stored value or that default, the API
 * shows and changes them through settings_json() and settings_put(), and
 * the OpenAPI document describes them from settings_table[].
 *
 * Who reads and changes each key is the table's (`editors`): the security
 * administrator the security keys (the system administrator reads them
 * too), the office the work keys (督办: how many working days after the due
 * date a red card falls).  The API lets those roles in and each sees and
 * changes its own keys only.
 */
#ifndef SANLING_SETTINGS_H
#define SANLING_SETTINGS_H

#include <stddef.h>

#include <jansson.h>

struct actor;
struct db;
struct model_error;

struct setting_desc {
	const char *key;	/* as stored and in JSON */
	const char *label;	/* Chinese, for messages and the OpenAPI document */
	int min, max;		/* the range settings_put() accepts */
	int def;		/* when never set */
	/*
	 * Who changes it (ROLE_BIT()s) and reads it: 0 for the security keys
	 * (the security administrator changes them, the system administrator
	 * reads them too); the work keys name the office.
	 */
	unsigned editors;
	/*
	 * NULL, or what must follow a change of it, in the change's
	 * transaction (督办: the open supervisions' red_from recounted):
	 * 0, or a MODEL_E* code with `e` filled.
	 */
	int (*changed)(struct db *db, struct model_error *e);
};

/* Every setting, in the order they are shown; ends with a NULL key. */
extern const struct setting_desc settings_table[];

/* The setting called `key`, or NULL. */
const struct setting_desc *setting_find(const char *key);

/*
 * The value of setting `key`: the stored one, or its default when it was
 * never set or cannot be read.  `key` must be in settings_table[] (a key
 * that is not is a bug: 0, and an error in the log).
 */
int settings_get_int(struct db *db, const char *key);

/* The password policy: settings_get_int() of its two keys. */
void settings_password_policy(struct db *db, int *min_len, int *min_classes);

/*
 * Every setting as a JSON object {key: value} into *out (the caller owns
 * it).  Returns 0; a value that cannot be read is shown as its default.
 */
int settings_json(struct db *db, json_t **out, struct model_error *e);

/* May role `role` read / change setting `s`? */
int setting_can_read(const struct setting_desc *s, int role);
int setting_can_edit(const struct setting_desc *s, int role);

/*
 * The settings actor `a` may read, as settings_json() does for all.
 */
int settings_json_for(struct db *db, const struct actor *a, json_t **out, struct model_error *e);

/*
 * Change the settings given in the JSON object `in` ({key: integer}), in
 * one transaction with one audit row "settings.update" naming each key and
 * its new value.  All or nothing: an unknown key is MODEL_EBADREQ, a value
 * that is not an integer within its range MODEL_EINVAL (the key as the
 * field: e->field points into `in` or the table, so keep `in` until the
 * error has been reported), a database error MODEL_EDB.  Returns 0 or the
 * MODEL_E* code with `e` filled.  A key the actor may not change is
 * MODEL_EFORBIDDEN (the key as the field).
 */
int settings_put(struct db *db, const struct actor *a, json_t *in, struct model_error *e);

#endif
