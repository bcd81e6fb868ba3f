/* oms-translate-private.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "oms-translate.h"

G_BEGIN_DECLS

/* The field mappings of oms-translate.c, shared with oms-translate-sql.c so that the set-based
 * integration of a typed table is derived from the same tables as the per-record translation.
 */

/* How one field of a sync record becomes one column, named after the serde types of the
 * Legacy*Row structs. Fields that may be null are also allowed to be absent, where serde would
 * reject a record without them.
 */
typedef enum
{
  KIND_STRING,              /* String */
  KIND_STRING_OR_NULL,      /* Option<String>, "" kept */
  KIND_STRING_EMPTY_NULL,   /* Option<String> through empty_str_as_option: "" is none */
  KIND_JSON_STRING_OR_NULL, /* Option<String> of JSON text; the store may hand back an object */
  KIND_BOOL,                /* bool */
  KIND_BOOL_NOT,            /* bool stored negated (acknowledged → unacknowledged) */
  KIND_BOOL_OR_NULL,        /* Option<bool> */
  KIND_INT,                 /* i32 */
  KIND_INT_OR_NULL,         /* Option<i32> */
  KIND_DOUBLE,              /* f64 */
  KIND_DOUBLE_OR_NULL,      /* Option<f64> */
  KIND_LEGACY_DATE,         /* zero_date_as_option / date_option_to_isostring */
  KIND_DATE_OR_NULL,        /* Option<NaiveDate>, "YYYY-MM-DD" both ways */
  KIND_DATETIME,            /* NaiveDateTime */
  KIND_DATETIME_OR_EPOCH,   /* #[serde(default)] NaiveDateTime: absent is 1970-01-01T00:00:00 */
  KIND_DATETIME_OR_NULL,    /* Option<NaiveDateTime>, also through empty_str_as_option */
  KIND_ENUM,                /* a value from the field's list */
  KIND_ENUM_OR_NULL,        /* a value from the field's list, or none ("" is none) */
} FieldKind;

typedef struct
{
  const char        *key;    /* the field of the sync record */
  const char        *column; /* the column of the local table */
  FieldKind          kind;
  const char *const *values; /* the values an enum field may take */
} FieldMap;

/* A timestamp the legacy server splits into a date and a time of day, with an `om_*` field
 * holding the full value that Open mSupply sets and prefers when it is not empty.
 */
typedef struct
{
  const char *column;
  const char *override_key;
  const char *date_key;
  const char *time_key;  /* NULL: the date alone, at midnight */
  gboolean    required;
} DateTimeMap;

typedef struct _TableMap TableMap;

/* Hooks handle what is not a field-for-field mapping. A hook that sets *ignored_reason makes the
 * record one Open mSupply ignores.
 */
typedef gboolean (*PullHook) (const TableMap  *map,
                              JsonObject      *record,
                              JsonObject      *row,
                              char           **ignored_reason,
                              GError         **error);
typedef gboolean (*PushHook) (const TableMap  *map,
                              JsonObject      *row,
                              JsonObject      *record,
                              char           **ignored_reason,
                              GError         **error);

struct _TableMap
{
  const char        *sync_table;
  const char        *local_table;
  const FieldMap    *fields;
  guint              n_fields;
  const DateTimeMap *datetimes;
  guint              n_datetimes;
  PullHook           pull_hook;
  PushHook           push_hook;
  gboolean           pull_deletes;  /* Open mSupply integrates pulled deletes of the table */
  OmsPushTargets     push_deletes;  /* where Open mSupply pushes local deletes of the table */
};

/* Room for the longest date or datetime text pulled: "65535-12-31T23:59:59.123456789". */
#define OMS_TRANSLATE_DATE_SIZE 32

const TableMap *oms_translate_lookup_pull_map (const char   *sync_table);
gboolean        oms_translate_pull_date_text  (FieldKind     kind,
                                               const char   *text,
                                               char         *buffer,
                                               const char  **out);
void            oms_translate_pull_date_at    (const char   *date,
                                               int           seconds,
                                               char         *buffer);

G_END_DECLS
