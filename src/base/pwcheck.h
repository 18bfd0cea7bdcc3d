/*
 * pwcheck: is a new password guessable?  Beyond the length and classes of
 * password_policy_check() (crypto.h), a password is refused when it is a
 * common password, a common password or word with digits and symbols
 * around it (or with letters swapped for look-alike digits and symbols:
 * "P@ssw0rd!"), a word written twice, or when it contains the user's name.
 *
 * The lists are compiled into the program (scripts/embed.sh): john-data's
 * password.lst (the passwords most often seen, Openwall), cracklib-runtime's
 * cracklib-small (English words and common passwords), and src/base/
 * passwords.txt (this project's own: the system's name, pinyin, the digit
 * habits of Chinese users).  This module knows nothing of accounts or of a
 * password's history (model/session.c keeps that) and never puts the
 * password itself in a message.
 */
#ifndef SANLING_PWCHECK_H
#define SANLING_PWCHECK_H

struct strbuf;

/*
 * Check `pw` for user `username` (may be NULL: not checked) against the
 * policy (`min_len` characters, `min_classes` classes: see
 * password_policy_check) and the rules above.  Returns 0 if acceptable;
 * otherwise -1 with one sentence in plain Chinese appended to `err` (may be
 * NULL).  Thread-safe; the lists are read on first use.
 */
int password_check(const char *pw, const char *username, int min_len, int min_classes,
		   struct strbuf *err);

/* 1 if `word` (lower case) is on one of the lists; for the tests. */
int password_listed(const char *word);

#endif
