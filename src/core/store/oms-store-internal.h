/* oms-store-internal.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "oms-store-private.h"

G_BEGIN_DECLS

/* What the files of OmsStore share among themselves, and nothing outside the store includes:
 * oms-store.c (the object, opening and migrating, transactions, savepoints),
 * oms-store-kv.c, oms-store-records.c and oms-store-queries.c.
 */
struct _OmsStore
{
  GObject     parent_instance;

  char       *data_dir;
  char       *path;
  sqlite3    *db;
  GHashTable *statements;     /* SQL text → sqlite3_stmt, prepared once */
  GHashTable *upsert_sql;     /* OmsTableInfo → its upsert's SQL text, built once */
  int         schema_version;
  guint       in_transaction : 1;
  guint       dirty : 1;      /* something was written since the last "changed" */
  guint       relaxed : 1;    /* commits do not wait for the disk (synchronous = NORMAL) */
};

gboolean _oms_store_step_done                  (OmsStore      *self,
                                                sqlite3_stmt  *stmt,
                                                const char    *what,
                                                GError       **error);
void     _oms_store_emit_changed_if_committed  (OmsStore      *self);
gboolean _oms_store_savepoint_begin            (OmsStore      *self,
                                                gboolean      *began,
                                                GError       **error);
gboolean _oms_store_savepoint_end              (OmsStore      *self,
                                                gboolean       began,
                                                gboolean       ok,
                                                GError       **error);

G_END_DECLS
