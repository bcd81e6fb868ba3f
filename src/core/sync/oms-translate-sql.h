/* oms-translate-sql.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* oms_translate_pull() and oms_store_upsert_record() as SQL over a pulled record's text, for
 * the records where the two provably agree. Every member is an expression over the SQL given
 * as the record's text (or, for @store_id, as the store key), to be pasted into statements.
 */
typedef struct
{
  char *local_table; /* the typed table the rows go to */
  char *simple;      /* true only for a record these expressions translate exactly as the
                      * per-record path does; false (or NULL) for everything else */
  char *simple_json1; /* the same condition written with JSON1's json_type () and
                       * json_extract (), slower: the reference simple is held to */
  char *id;          /* the row's id, which is the changelog's record_id */
  char *store_key;   /* what the changelog's store comes from, or NULL */
  char *columns;     /* the table's columns, quoted and comma-separated */
  char *values;      /* the row, one expression per column, in the same order */
  char *updates;     /* the SET list of ON CONFLICT (id) DO UPDATE */
  char *store_id;    /* the changelog's store_id, an expression over the store key */
} OmsTranslateSql;

void     oms_translate_sql_clear         (OmsTranslateSql  *self);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (OmsTranslateSql, oms_translate_sql_clear)

gboolean oms_translate_sql_pull          (const char       *sync_table,
                                          const char       *data_sql,
                                          const char       *store_key_sql,
                                          OmsTranslateSql  *out);
gboolean oms_translate_sql_add_functions (sqlite3          *db);

G_END_DECLS
