/* oms-store.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define OMS_STORE_ERROR (oms_store_error_quark ())

typedef enum
{
  OMS_STORE_ERROR_OPEN,        /* the directory or file cannot be created or opened */
  OMS_STORE_ERROR_CORRUPT,     /* the file is not an omsync database or is damaged */
  OMS_STORE_ERROR_TOO_NEW,     /* the schema is newer than this build knows */
  OMS_STORE_ERROR_SQL,         /* a statement failed (disk full, locked, constraint, ...) */
  OMS_STORE_ERROR_INVALID,     /* an unknown table, a record without id, a value of the wrong type */
} OmsStoreError;

typedef enum
{
  OMS_ROW_ACTION_UPSERT,
  OMS_ROW_ACTION_DELETE,
} OmsRowAction;

/* Where a write comes from. Local edits use OMS_ORIGIN_LOCAL; the integrator passes
 * is_sync_update = TRUE and the buffer row's source site, so the change is not pushed back.
 */
typedef struct
{
  gboolean is_sync_update;
  gboolean has_source_site_id;
  gint64   source_site_id;
} OmsChangeOrigin;

#define OMS_ORIGIN_LOCAL ((const OmsChangeOrigin *) NULL)

/* One changelog row, as read back from the store. */
typedef struct
{
  gint64        cursor;
  char         *table_name;
  char         *record_id;
  OmsRowAction  action;
  char         *name_link_id;     /* nullable */
  char         *store_id;         /* nullable */
  gboolean      is_sync_update;
  gboolean      has_source_site_id;
  gint64        source_site_id;
} OmsChangelogEntry;

void oms_changelog_entry_free (OmsChangelogEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OmsChangelogEntry, oms_changelog_entry_free)

/* Rows held for one table, typed or generic, for the Records page. */
typedef struct
{
  char     *table_name;
  gint64    n_rows;
  gboolean  is_typed;
} OmsTableCount;

void oms_table_count_free (OmsTableCount *count);

/* The newest schema version this build knows. */
#define OMS_STORE_SCHEMA_VERSION 8

#define OMS_TYPE_STORE (oms_store_get_type ())

G_DECLARE_FINAL_TYPE (OmsStore, oms_store, OMS, STORE, GObject)

GQuark              oms_store_error_quark          (void);
char               *oms_store_resolve_data_dir     (const char           *requested);
OmsStore           *oms_store_open                 (const char           *data_dir,
                                                    GError              **error);
const char         *oms_store_get_data_dir         (OmsStore             *self);
const char         *oms_store_get_path             (OmsStore             *self);
int                 oms_store_get_schema_version   (OmsStore             *self);

gboolean            oms_store_begin                (OmsStore             *self,
                                                    GError              **error);
gboolean            oms_store_commit               (OmsStore             *self,
                                                    GError              **error);
void                oms_store_rollback             (OmsStore             *self);

char               *oms_store_kv_get_string        (OmsStore             *self,
                                                    const char           *key,
                                                    GError              **error);
gint32              oms_store_kv_get_int           (OmsStore             *self,
                                                    const char           *key,
                                                    gint32                default_value,
                                                    GError              **error);
gint64              oms_store_kv_get_bigint        (OmsStore             *self,
                                                    const char           *key,
                                                    gint64                default_value,
                                                    GError              **error);
double              oms_store_kv_get_float         (OmsStore             *self,
                                                    const char           *key,
                                                    double                default_value,
                                                    GError              **error);
gboolean            oms_store_kv_get_bool          (OmsStore             *self,
                                                    const char           *key,
                                                    gboolean              default_value,
                                                    GError              **error);
gboolean            oms_store_kv_has               (OmsStore             *self,
                                                    const char           *key,
                                                    GError              **error);
gboolean            oms_store_kv_set_string        (OmsStore             *self,
                                                    const char           *key,
                                                    const char           *value,
                                                    GError              **error);
gboolean            oms_store_kv_set_int           (OmsStore             *self,
                                                    const char           *key,
                                                    gint32                value,
                                                    GError              **error);
gboolean            oms_store_kv_set_bigint        (OmsStore             *self,
                                                    const char           *key,
                                                    gint64                value,
                                                    GError              **error);
gboolean            oms_store_kv_set_float         (OmsStore             *self,
                                                    const char           *key,
                                                    double                value,
                                                    GError              **error);
gboolean            oms_store_kv_set_bool          (OmsStore             *self,
                                                    const char           *key,
                                                    gboolean              value,
                                                    GError              **error);
gboolean            oms_store_kv_delete            (OmsStore             *self,
                                                    const char           *key,
                                                    GError              **error);

gboolean            oms_store_is_typed_table       (const char           *table_name);
gboolean            oms_store_is_generic_table_name (const char          *table_name);
gboolean            oms_store_upsert_record        (OmsStore             *self,
                                                    const char           *table_name,
                                                    JsonObject           *fields,
                                                    const OmsChangeOrigin *origin,
                                                    GError              **error);
gboolean            oms_store_delete_record        (OmsStore             *self,
                                                    const char           *table_name,
                                                    const char           *record_id,
                                                    const OmsChangeOrigin *origin,
                                                    GError              **error);
gboolean            oms_store_upsert_raw_record    (OmsStore             *self,
                                                    const char           *table_name,
                                                    const char           *record_id,
                                                    const char           *data_json,
                                                    const OmsChangeOrigin *origin,
                                                    GError              **error);
void                oms_store_emit_changed         (OmsStore             *self);
JsonObject         *oms_store_get_record           (OmsStore             *self,
                                                    const char           *table_name,
                                                    const char           *record_id,
                                                    GError              **error);

GPtrArray          *oms_store_list_changelog       (OmsStore             *self,
                                                    gint64                from_cursor,
                                                    gboolean              deduplicated,
                                                    guint                 limit,
                                                    GError              **error);
gint64              oms_store_get_max_changelog_cursor (OmsStore         *self,
                                                    GError              **error);
GPtrArray          *oms_store_list_table_counts    (OmsStore             *self,
                                                    GError              **error);

G_END_DECLS
