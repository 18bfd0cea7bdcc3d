/*
 * assessment: the assessment table (考评表) of the monthly ranking and the
 * points the office enters by hand (descriptors assessment_items and
 * assessment_scores, declared in entities.h), and the write observer that
 * gives every new district the shipped default table.
 *
 * Not here: the ranking computed from them (assess/ranking.h).
 */
#ifndef SANLING_ASSESSMENT_H
#define SANLING_ASSESSMENT_H

struct db;

/*
 * Does table `table` exist in the database?  1, 0, or -1 on error.  The
 * kinds `cards` and `list_confirmed` read tables other slices build
 * (supervisions, list_confirmations): without them the kind refuses.
 */
int assessment_table_exists(struct db *db, const char *table);

/*
 * The table a method reads beyond the work lists (supervisions for
 * `cards`, list_confirmations for `list_confirmed`), or NULL.
 */
const char *assessment_method_table(const char *method);

/*
 * Register the observer that copies the default assessment table
 * (assessment_defaults) into assessment_items for each district created.
 * Start-up code, like assess_observe_writes().
 */
void assessment_observe_writes(void);

#endif
