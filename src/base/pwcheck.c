/*
 * pwcheck.c: common passwords, words dressed with digits and symbols, and
 * user names inside passwords (see pwcheck.h).  The lists come compiled in
 * (`wordlists`, scripts/embed.sh); on first use they are copied once into
 * one sorted array of lower-case entries searched by bisection.  Only
 * ASCII letters are folded; other bytes are compared as they are.  Not a
 * strength estimator: it refuses what guessers try first, nothing more.
 */
#include "base/pwcheck.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/crypto.h"
#include "base/embed.h"
#include "base/strbuf.h"

/* words shorter than this are not refused for being a word */
#define MIN_WORD 4
/* user names shorter than this are not looked for in passwords */
#define MIN_USERNAME 3

static char **words;
static size_t nwords;
static char *word_text;
static pthread_once_t words_once = PTHREAD_ONCE_INIT;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Split the embedded lists into `words`: lower case, sorted, unique; lines
 * that are empty or comments ("#", and password.lst's "#!comment:") skipped. */
static void words_load(void)
{
	size_t total = 0, n = 0, cap = 0, i, j;
	const struct embedded_file *f;
	char *p;

	for (f = wordlists; f->name; f++)
		total += strlen(f->data) + 1;
	word_text = xmalloc(total + 1);
	p = word_text;
	for (f = wordlists; f->name; f++) {
		const char *s = f->data;
		while (*s) {
			const char *e = strchr(s, '\n');
			size_t len = e ? (size_t)(e - s) : strlen(s);
			if (len && s[len - 1] == '\r')
				len--;
			if (len && s[0] != '#') {
				if (n == cap) {
					cap = cap ? cap * 2 : 65536;
					words = xrealloc(words, cap * sizeof(*words));
				}
				words[n++] = p;
				for (i = 0; i < len; i++)
					*p++ = lower(s[i]);
				*p++ = '\0';
			}
			s += e ? (size_t)(e - s) + 1 : strlen(s);
		}
	}
	qsort(words, n, sizeof(*words), cmp_str);
	for (i = j = 0; i < n; i++)
		if (!j || strcmp(words[j - 1], words[i]))
			words[j++] = words[i];
	nwords = j;
}

int password_listed(const char *word)
{
	pthread_once(&words_once, words_load);
	return nwords && bsearch(&word, words, nwords, sizeof(*words), cmp_str) != NULL;
}

static int is_letter(char c)
{
	return c >= 'a' && c <= 'z';
}

static int is_alnum(char c)
{
	return is_letter(c) || (c >= '0' && c <= '9');
}

/* Replace `sb` by its middle: without the leading and trailing bytes that
 * `keep` refuses. */
static void trim(struct strbuf *sb, int (*keep)(char))
{
	size_t a = 0, b = sb->len;

	while (a < b && !keep(sb->buf[a]))
		a++;
	while (b > a && !keep(sb->buf[b - 1]))
		b--;
	memmove(sb->buf, sb->buf + a, b - a);
	strbuf_setlen(sb, b - a);
}

/* The letters a look-alike stands for: all of them, or only symbols (so that
 * the digits around a word stay digits: "@dmin123" -> "admin123"). */
static char unleet(char c, int digits)
{
	switch (c) {
	case '@': return 'a';
	case '$': return 's';
	case '!': return 'i';
	case '|': return 'l';
	case '+': return 't';
	}
	if (!digits)
		return c;
	switch (c) {
	case '0': return 'o';
	case '1': return 'i';
	case '3': return 'e';
	case '4': return 'a';
	case '5': return 's';
	case '7': return 't';
	case '8': return 'b';
	case '9': return 'g';
	}
	return c;
}

static void unleet_all(struct strbuf *sb, int digits)
{
	size_t i;

	for (i = 0; i < sb->len; i++)
		sb->buf[i] = unleet(sb->buf[i], digits);
}

/* Is `s` a listed word long enough to count, or a listed word twice? */
static int is_word(const char *s, size_t len)
{
	if (len < MIN_WORD)
		return 0;
	if (password_listed(s))
		return 1;
	if (len % 2 == 0 && len / 2 >= MIN_WORD - 1 && !memcmp(s, s + len / 2, len / 2)) {
		char half[128];
		if (len / 2 >= sizeof(half))
			return 0;
		memcpy(half, s, len / 2);
		half[len / 2] = '\0';
		return password_listed(half);
	}
	return 0;
}

/* Does the password, as the lower-case `lc`, come down to a listed entry? */
static int guessable(const char *lc)
{
	struct strbuf v = STRBUF_INIT;
	size_t i;
	int hit = 0;

	if (password_listed(lc))
		return 1;
	/* symbols around: "aa123456!" */
	strbuf_addstr(&v, lc);
	trim(&v, is_alnum);
	hit = v.len && password_listed(v.buf);
	/* a word with digits and symbols around it: "Password1", "#Sunshine2024" */
	strbuf_reset(&v);
	strbuf_addstr(&v, lc);
	trim(&v, is_letter);
	hit = hit || is_word(v.buf, v.len);
	/* the same with look-alikes inside it: "P@ssw0rd!" */
	unleet_all(&v, 1);
	hit = hit || is_word(v.buf, v.len);
	/* look-alike symbols at its ends: "@dmin123" */
	strbuf_reset(&v);
	strbuf_addstr(&v, lc);
	unleet_all(&v, 0);
	trim(&v, is_letter);
	hit = hit || is_word(v.buf, v.len);
	/* its letters alone: "Pass-Word-1", "grid@Grid123" */
	strbuf_reset(&v);
	for (i = 0; lc[i]; i++)
		if (is_letter(lc[i]))
			strbuf_addch(&v, lc[i]);
	hit = hit || is_word(v.buf, v.len);
	strbuf_release(&v);
	return hit;
}

int password_check(const char *pw, const char *username, int min_len, int min_classes,
		   struct strbuf *err)
{
	struct strbuf lc = STRBUF_INIT, un = STRBUF_INIT, plain = STRBUF_INIT;
	size_t i;
	int ret = -1;

	if (password_policy_check(pw, min_len, min_classes, err))
		return -1;
	for (i = 0; pw[i]; i++)
		strbuf_addch(&lc, lower(pw[i]));
	if (username && strlen(username) >= MIN_USERNAME) {
		for (i = 0; username[i]; i++)
			strbuf_addch(&un, lower(username[i]));
		strbuf_addbuf(&plain, &lc);
		unleet_all(&plain, 0);
		if (strstr(lc.buf, un.buf) || strstr(plain.buf, un.buf)) {
			if (err)
				strbuf_addstr(err, "密码不能包含用户名");
			goto cleanup;
		}
	}
	if (guessable(lc.buf)) {
		if (err)
			strbuf_addstr(err, "密码太常见：不能是常用密码，也不能只是一个常见单词加上数字或符号，"
				      "请换一个不易猜到的密码");
		goto cleanup;
	}
	ret = 0;
cleanup:
	strbuf_release(&lc);
	strbuf_release(&un);
	strbuf_release(&plain);
	return ret;
}
