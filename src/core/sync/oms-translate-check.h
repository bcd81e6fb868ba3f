/* oms-translate-check.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "oms-translate-private.h"

G_BEGIN_DECLS

/* The simple condition of a typed table's set-based pull (oms-translate-sql.c) as a program of
 * steps over a record's top-level members, run in C by oms_pull_simple() (oms-translate-check.c).
 * oms-translate-sql.c builds it from the field maps as it writes the SQL.
 */

#define CHECK_MAX_KEYS  64
#define CHECK_MAX_DEPTH 32

typedef struct
{
  gboolean           datetime;  /* a DateTimeMap, else a FieldMap */
  FieldKind          kind;
  const char *const *values;    /* the values of an enum kind */
  guint              slot;      /* the field, or the datetime's override */
  guint              date_slot; /* the datetime's legacy date */
  int                time_slot; /* the datetime's time of day, or -1 */
  gboolean           not_null;  /* the column's value must not be NULL */
  gboolean           not_empty; /* nor '' (the id) */
} CheckStep;

typedef struct
{
  const char *keys[CHECK_MAX_KEYS];
  gsize       key_lengths[CHECK_MAX_KEYS];
  guint       n_keys;
  guint64     length_mask; /* length_bit() of every key, a quick no for most strings */
  GArray     *steps;       /* CheckStep */
} CheckProgram;

CheckProgram *_oms_translate_check_program_new  (void);
void          _oms_translate_check_program_free (gpointer            data);
gboolean      _oms_translate_check_program_run  (const CheckProgram *program,
                                                 const char         *text,
                                                 gsize               length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CheckProgram, _oms_translate_check_program_free)

static inline guint64
length_bit (gsize length)
{
  return G_GUINT64_CONSTANT (1) << MIN (length, 63);
}

static inline int
find_slot (const CheckProgram *program,
           const char         *text,
           gsize               length)
{
  if ((program->length_mask & length_bit (length)) == 0)
    return -1;

  for (guint i = 0; i < program->n_keys; i++)
    {
      if (program->key_lengths[i] == length && memcmp (program->keys[i], text, length) == 0)
        return i;
    }

  return -1;
}

G_END_DECLS
