/*
 * exepath: the files installed beside the program, found from where it
 * runs (build/sanling as built, bin/sanling as installed), whatever the
 * working folder: the browser application (main.c), the PDF's fonts
 * (doc/pdf.c).
 */
#ifndef SANLING_EXEPATH_H
#define SANLING_EXEPATH_H

#include <stddef.h>

struct strbuf;

/*
 * The first of the `n` paths `rel` (each "/…", relative to the program's
 * folder: "/../web/dist") that can be read, in *out (its buffer returned);
 * NULL when none can.
 */
const char *exe_relative(const char *const *rel, size_t n, struct strbuf *out);

#endif
