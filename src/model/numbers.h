/*
 * numbers: the patterns by which the server numbers the records of the
 * lists that number their records (entity.h, `number_prefix`) when they
 * come without a number: "XF{YYYY}-{NNNNNN}" gives XF2023-000123, the year
 * that of the record's own date, the sequence the next of that year (of
 * all years when the pattern has no {YYYY}) from the table record_numbers.
 *
 * Each list's pattern is the office's to change (GET/PUT /settings,
 * "number_patterns"), stored in `settings` under "number_pattern.<list>";
 * never set, it is the list's prefix + "{YYYY}-{NNNNNN}".  Not here: the
 * numbering itself (entity_number(), entity_write.c), which asks for the
 * pattern and formats with it.
 */
#ifndef SANLING_NUMBERS_H
#define SANLING_NUMBERS_H

#include <jansson.h>

/* The key of the patterns in GET/PUT /settings. */
#define NUMBER_PATTERNS "number_patterns"

struct db;
struct entity_desc;
struct model_error;
struct strbuf;

/* The settings key of `ed`'s pattern into `out` ("number_pattern.petitions"). */
void number_pattern_key(const struct entity_desc *ed, struct strbuf *out);

/* `ed`'s pattern in force (the stored one, or its default) into `out`; 0, or -1 on a DB error. */
int number_pattern(struct db *db, const struct entity_desc *ed, struct strbuf *out);

/*
 * Is `pattern` one the server can number `ed`'s records by?  Letters,
 * digits and - _ . as they are, one {N...} (3 to 10 N: the sequence, zero
 * padded to that width), at most one {YYYY}, and no longer than the key
 * field allows.  0, or -1 with the reason (Chinese) in `why`.
 */
int number_pattern_check(const struct entity_desc *ed, const char *pattern, struct strbuf *why);

/* Does `pattern` have the year in it ({YYYY})? */
int number_pattern_has_year(const char *pattern);

/* Number `seq` of year `year` ("2023") by `pattern` (checked) into `out`. */
void number_format(const char *pattern, const char *year, long long seq, struct strbuf *out);

/* {list: pattern in force} of every list that numbers its records. */
json_t *number_patterns_json(struct db *db);

/*
 * Check a PUT's "number_patterns" ({list: pattern, or "" / null: the
 * default}) before anything is written: 0, or MODEL_EINVAL/EBADREQ in `e`
 * (its field "number_patterns", the list named in the message).
 */
int number_patterns_check(json_t *in, struct model_error *e);

#endif
