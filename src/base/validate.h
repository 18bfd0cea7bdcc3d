/*
 * validate: checks of the identifiers and text that Sanling accepts from
 * people and files: unified social credit codes, resident ID numbers,
 * phone numbers, region codes and UTF-8.
 *
 * Every validator answers 1 (valid) or 0 (not valid) about a string in its
 * canonical form and never modifies or keeps it; NULL is never valid.  They
 * do not trim, fold case or strip separators: input from a form or a file is
 * first put into canonical form with the *_normalise() functions below (or
 * by the caller), then checked, then stored and blind-indexed in that form,
 * so that one person or company never has two spellings in the database.
 * This file knows nothing of entities, error messages or masking.
 */
#ifndef SANLING_VALIDATE_H
#define SANLING_VALIDATE_H

#include <stddef.h>

struct strbuf;

/*
 * Unified social credit code (统一社会信用代码, GB 32100-2015): exactly 18
 * characters from 0-9 A-H J-N P-R T-U W-Y (upper case only; never I O Z S
 * V), characters 3..8 being the six digits of the administrative division
 * code, and the 18th the check character: with the weights
 * 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28 over the values of the
 * first 17 characters, check = 31 - (sum mod 31), where 31 stands for 0.
 * The registration-authority and category characters are not checked
 * against a list.  Example: 91350100M000100Y43.
 */
int credit_code_valid(const char *s);

/*
 * Resident identity card number (公民身份号码, GB 11643-1999): exactly 18
 * characters, 17 digits then a check character from "10X98765432" indexed
 * by the sum of the digits times 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2,
 * modulo 11.  Characters 7..14 must be a real birth date (YYYYMMDD) in
 * 1800..today (one day of grace for time zones); the first character must
 * not be 0.  The check character must be an upper-case 'X': a lower-case
 * 'x' is refused here and turned into 'X' by idcard_normalise().  The old
 * 15-digit numbers are not accepted.  Example: 11010519491231002X.
 */
int idcard_valid(const char *s);

/*
 * Mainland phone number: a mobile number 1[3-9] followed by 9 digits, or a
 * landline 0 + 2..3 digits of area code, an optional '-', 7..8 digits of
 * local number and optionally '-' + 1..6 digits of extension (like the
 * regular expression 0\d{2,3}-?\d{7,8}(-\d{1,6})?).  No spaces, no "+86".
 */
int phone_valid(const char *s);

/*
 * Administrative or statistical region code: 1..12 ASCII digits and
 * nothing else (12 is the length of the statistical division codes used
 * for townships and villages; shorter prefixes are the levels above).
 */
int region_code_valid(const char *s);

/*
 * 1 if the `len` bytes at `s` are strict UTF-8: no overlong forms, no
 * surrogates (U+D800..U+DFFF), nothing above U+10FFFF, no truncated
 * sequences and no NUL bytes (text with an embedded NUL is refused, since
 * the rest of the program works with C strings).  An empty string is
 * valid.  `s` may be NULL only if `len` is 0.
 */
int utf8_valid(const char *s, size_t len);

/*
 * Length in bytes of the strictly valid UTF-8 sequence that starts at `s`,
 * looking at no more than `avail` bytes: 1..4, or 0 if the bytes there are
 * not a valid sequence (or `avail` is 0, or the byte is NUL).  This is the
 * building block for walking a string code point by code point.
 */
size_t utf8_seq_len(const char *s, size_t avail);

/*
 * Number of code points in the NUL-terminated string `s` (0 for NULL).
 * Bytes that do not belong to a valid sequence count as one each, so the
 * result is meaningful for any input but exact only for valid UTF-8.
 */
size_t utf8_length(const char *s);

/*
 * The number of bytes of the longest prefix of `s` that holds at most
 * `max_chars` whole characters (code points), for "%.*s": a cut never falls
 * inside a character.  Invalid bytes count as one character each.
 */
int utf8_prefix(const char *s, size_t max_chars);

/*
 * The number of code points of the valid UTF-8 string `s` that are not
 * white space (ASCII white space, U+00A0, U+2000..U+200B, U+3000) — how
 * much was actually written in a reason.  0 for NULL.
 */
size_t utf8_visible_length(const char *s);

/*
 * 1 if the valid UTF-8 string `s` holds no control character that text
 * typed by a person never needs: C0 controls other than tab, line feed and
 * carriage return, DEL, the C1 controls U+0080..U+009F, and the
 * bidirectional formatting characters (U+061C, U+200E, U+200F,
 * U+202A..U+202E, U+2066..U+2069) that can make a stored name display as
 * something else.  0 otherwise (and for NULL).
 */
int text_controls_ok(const char *s);

/*
 * Put an ID number as typed into canonical form: append `in` to `out`
 * without leading/trailing ASCII white space and with a final 'x' made
 * 'X'.  Does not validate; call idcard_valid() on the result.
 */
void idcard_normalise(const char *in, struct strbuf *out);

/*
 * Put a credit code as typed into canonical form: append `in` to `out`
 * without leading/trailing ASCII white space and with ASCII letters in
 * upper case.  Does not validate; call credit_code_valid() on the result.
 */
void credit_code_normalise(const char *in, struct strbuf *out);

#endif
