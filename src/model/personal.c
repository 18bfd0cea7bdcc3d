/*
 * personal.c: personal data as written and as shown: the normal form a
 * value is hashed in (so that a lookup finds what a user types), its keyed
 * hash, and its mask.
 */
#include "model/entity.h"

#include <string.h>

#include "base/crypto.h"
#include "base/mask.h"
#include "model/entity_int.h"

static void normalize_personal(const char *in, struct strbuf *out)
{
	strbuf_reset(out);
	for (; *in; in++) {
		if (*in == ' ' || *in == '-')
			continue;
		strbuf_addch(out, (*in >= 'a' && *in <= 'z') ? *in - 32 : *in);
	}
}

void mask_value(const struct field_desc *fd, const char *plain, struct strbuf *out)
{
	switch (fd->mask) {
	case MASK_NAME: mask_name(out, plain); break;
	case MASK_IDCARD: mask_idcard(out, plain); break;
	case MASK_PHONE: mask_phone(out, plain); break;
	default: mask_generic(out, plain); break;
	}
}

/* The keyed hash of a personal value, computed from the plain value. */
void entity_blind_index(const struct crypto_keys *keys, const char *plain, struct strbuf *out)
{
	struct strbuf norm = STRBUF_INIT;

	normalize_personal(plain, &norm);
	strbuf_reset(out);
	pd_blind_index(keys, norm.buf, out);
	strbuf_release(&norm);
}

