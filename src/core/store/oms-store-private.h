/* oms-store-private.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "oms-store.h"

G_BEGIN_DECLS

/* How a typed column is filled from a JSON member. */
typedef enum
{
  OMS_COLUMN_TEXT,
  OMS_COLUMN_JSON_TEXT,   /* text that may arrive as a JSON object or array */
  OMS_COLUMN_INTEGER,
  OMS_COLUMN_DOUBLE,
  OMS_COLUMN_BOOL,
} OmsColumnType;

typedef enum
{
  OMS_COLUMN_NULLABLE,
  OMS_COLUMN_REQUIRED,
  OMS_COLUMN_DEFAULT_ZERO,  /* NOT NULL, a missing member means 0 / FALSE */
} OmsColumnPresence;

typedef struct
{
  const char        *name;
  OmsColumnType      type;
  OmsColumnPresence  presence;
} OmsColumnInfo;

typedef struct
{
  const char          *name;
  const OmsColumnInfo *columns;       /* the first column is always "id" */
  guint                n_columns;
  const char          *store_column;  /* nullable: the column naming the owning store */
  const char          *store_lookup;  /* nullable: SQL giving the store from the record's
                                       * store_lookup_key column, e.g. asset_log → asset */
  const char          *store_lookup_key;
  const char * const  *local_columns; /* nullable: columns an upsert of an existing row keeps
                                       * (set on insert only), NULL-terminated */
} OmsTableInfo;

/* A table whose records others refer to through a link table, as in Open mSupply: a merge
 * repoints the links of the merged record (oms-merge.c).
 */
typedef struct
{
  const char *table_name;     /* the records' table: `name` (typed), `item`, `clinician` */
  const char *link_table;     /* `name_link`, ... */
  const char *target_column;  /* `name_id`, ...: the record a link leads to */
  const char *insert_self;    /* SQL: link record ?1 to itself unless it has a link */
} OmsLinkInfo;

#define OMS_STORE_APPLICATION_ID 0x4F4D5359 /* "OMSY" */

/* A pulled record that could not be integrated: an error that is not Open mSupply's
 * expected "Ignored: …" (PROTOCOL.md §7). Also the condition of the index sync_buffer_failed.
 */
#define OMS_SYNC_BUFFER_FAILED_SQL \
  "integration_error IS NOT NULL AND substr (integration_error, 1, 8) != 'Ignored:'"

/* How far sync_buffer has been integrated (migration 8): every row up to this rowid has had its
 * turn, and only a row that did not integrate cleanly has its outcome written
 * (integration_datetime, integration_error). A row stored later, a newer copy of a record or a
 * failed row put back to try again, gets a higher rowid (it is inserted anew, never updated in
 * place), so the rows after the mark are exactly the pending ones. The integrator moves the mark
 * in the transaction that integrates the rows.
 */
#define OMS_KV_SYNC_BUFFER_INTEGRATED "OMSYNC_SYNC_BUFFER_INTEGRATED_ROWID"
#define OMS_SYNC_BUFFER_MARK_SQL \
  "(SELECT coalesce (max (value_bigint), 0) FROM key_value_store " \
  "WHERE id = '" OMS_KV_SYNC_BUFFER_INTEGRATED "')"
#define OMS_SYNC_BUFFER_PENDING_SQL "rowid > " OMS_SYNC_BUFFER_MARK_SQL

/* Notes the time of the local change just added to changelog: UTC, as Open mSupply writes its
 * timestamps ("2026-11-26 10:04:05.123"). Integration writes none: it is never waiting.
 */
#define OMS_STORE_NOTE_CHANGE_TIME_SQL \
  "INSERT OR REPLACE INTO changelog_time (cursor, changed_datetime) " \
  "VALUES (last_insert_rowid (), strftime ('%Y-%m-%d %H:%M:%f', 'now'))"

const char         *oms_store_schema_get_migration (int                   version);
const OmsTableInfo *oms_store_schema_lookup_table  (const char           *table_name);
const OmsTableInfo *oms_store_schema_get_tables    (guint                *n_tables);
const OmsLinkInfo  *oms_store_schema_lookup_link   (const char           *table_name);
const OmsLinkInfo  *oms_store_schema_get_links     (guint                *n_links);

sqlite3            *oms_store_get_db               (OmsStore             *self);
sqlite3_stmt       *oms_store_prepare              (OmsStore             *self,
                                                    const char           *sql,
                                                    GError              **error);
gboolean            oms_store_exec                 (OmsStore             *self,
                                                    const char           *sql,
                                                    GError              **error);
void                oms_store_set_relaxed          (OmsStore             *self,
                                                    gboolean              relaxed);
gboolean            oms_store_supersede_changes    (OmsStore             *self,
                                                    const char           *record_id,
                                                    const char           *store_id,
                                                    GError              **error);
void                oms_store_set_sql_error        (OmsStore             *self,
                                                    GError              **error,
                                                    const char           *what);

G_END_DECLS
