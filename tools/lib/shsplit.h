/* shsplit.h - split a string into words the way sh does, without any evaluation */
#ifndef IGDKIT_SHSPLIT_H
#define IGDKIT_SHSPLIT_H

#include <stddef.h>

/*
 * Quotes ('...', "..." with \" \\ \$ \` escapes), backslash escapes and
 * whitespace separate words; no variables, globs or command substitution.
 * Returns the word count and an allocated NULL-terminated vector (free with
 * shsplit_free), or -1 with *err naming the problem (unterminated quote).
 */
int shsplit(const char *s, char ***argv_out, const char **err);
void shsplit_free(char **argv);

#endif
