/*
 * mask: the displayed form of personal data (脱敏) — names, ID numbers,
 * phone numbers and anything else marked personal — for lists, exports and
 * logs seen by people who may know that a record exists but not whose it is.
 *
 * Every function appends the masked form of `in` to `out` and never more of
 * `in` than its rule says, whatever `in` is: NULL and "" append nothing;
 * input that is not valid UTF-8 is masked completely (one '*' per byte that
 * is not part of a valid sequence, one per code point otherwise), so the
 * output is always valid UTF-8 without a byte of the secret in it.  The
 * number of '*' equals the number of code points hidden, so the length of
 * the original shows; that is accepted (it is what people expect to see).
 * This file does not decide who sees what (that is the model's and the
 * API's business) and does not validate.
 */
#ifndef SANLING_MASK_H
#define SANLING_MASK_H

struct strbuf;

/* The common shape, for tables that pick a masker per field. */
typedef void (*mask_fn)(struct strbuf *out, const char *in);

/*
 * A person's name: the first code point stays, each other becomes '*'.
 * "张三" gives "张*", "欧阳娜娜" gives "欧***", a one-character name "*".
 */
void mask_name(struct strbuf *out, const char *in);

/*
 * An ID number: with n code points, keep the last min(4, n/4) and star the
 * rest.  Its front — the place of registration and the birth date — is
 * personal data in itself and never shown: an 18-character number keeps 4
 * ("**************123X"), a 15-digit one 3, anything under 4 characters is
 * all stars.
 */
void mask_idcard(struct strbuf *out, const char *in);

/*
 * A phone number.  A valid mobile number keeps its first 3 and last 4
 * digits ("138****1234").  A valid landline keeps its area code (010 and
 * 02x are three digits, all others four), the '-' separators and the last
 * 2 digits of the local number; an extension is starred
 * ("010-******78-**").  Anything that is not phone_valid() is masked like
 * an ID number (at most a quarter of it shown at each end).
 */
void mask_phone(struct strbuf *out, const char *in);

/*
 * Anything else: keep the first and last code point and star the middle
 * ("a***e").  Two code points keep only the first ("a*"), one is "*".
 */
void mask_generic(struct strbuf *out, const char *in);

#endif
