/*
 * duban: 督办 (supervised handling) and the work calendar — the descriptors
 * are in entities.h (work_calendar_desc, supervision_desc,
 * supervision_feedback_desc); here what the rest of the program calls.
 */
#ifndef SANLING_DUBAN_H
#define SANLING_DUBAN_H

struct db;
struct model_error;

/*
 * Register the write observer that moves a supervision when its feedback
 * is written (answered, closed, returned) and recounts the due dates of
 * open supervisions when the work calendar is edited.  At start-up.
 */
void duban_observe_writes(void);

/*
 * The open supervisions whose working-day counting crosses `day` (NULL:
 * every open one): due_on and red_from counted again on the calendar as it
 * is now (setting duban_red_workdays as it is now).  0, or MODEL_EDB in `e`.
 */
int duban_recompute(struct db *db, const char *day, struct model_error *e);

/* Setting duban_red_workdays changed: duban_recompute(db, NULL, e) (settings.c calls it). */
int duban_settings_changed(struct db *db, struct model_error *e);

#endif
