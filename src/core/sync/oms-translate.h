/* oms-translate.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define OMS_TRANSLATE_ERROR (oms_translate_error_quark ())

/* Why a record cannot be translated. The integrator records the message on the buffer row. */
typedef enum
{
  OMS_TRANSLATE_ERROR_INVALID_JSON,  /* the record data is not a JSON object */
  OMS_TRANSLATE_ERROR_MISSING_FIELD, /* a required field is absent or null */
  OMS_TRANSLATE_ERROR_WRONG_TYPE,    /* a wrong type, an unknown enum value, a bad date */
  OMS_TRANSLATE_ERROR_UNSUPPORTED,   /* a push of a table that has no typed translation */
} OmsTranslateError;

/* The servers a changelog row of a table is pushed to (PROTOCOL.md §4). */
typedef enum
{
  OMS_PUSH_TARGET_NONE = 0,
  OMS_PUSH_TARGET_V5   = 1 << 0, /* legacy central, /sync/v5/queued_records */
  OMS_PUSH_TARGET_V6   = 1 << 1, /* Open mSupply central, /central/sync/push */
} OmsPushTargets;

/* The result of translating one pulled upsert.
 *
 * - A typed record: @table is the local table, @fields the row for oms_store_upsert_record()
 *   keyed by its column names, @ignored_reason %NULL.
 * - A record Open mSupply ignores: @table is the local table, @fields %NULL and
 *   @ignored_reason says why (the integrator stores it as "Ignored: <reason>").
 * - Any other table: @table is %NULL and @fields is the record data as received, to be kept
 *   generic under its sync table name.
 */
typedef struct
{
  char       *table;
  JsonObject *fields;
  char       *ignored_reason;
} OmsTranslation;

void            oms_translation_clear            (OmsTranslation  *self);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (OmsTranslation, oms_translation_clear)

GQuark          oms_translate_error_quark        (void);

gboolean        oms_translate_pull               (const char      *table_name,
                                                  const char      *record_data_json,
                                                  OmsTranslation  *out,
                                                  GError         **error);
gboolean        oms_translate_pull_is_generic    (const char      *table_name);
gboolean        oms_translate_pull_delete        (const char      *table_name,
                                                  const char     **local_table);

OmsPushTargets  oms_translate_push_targets       (const char      *local_table);
gboolean        oms_translate_push_legacy        (const char      *local_table,
                                                  JsonObject      *row,
                                                  char           **legacy_table_name,
                                                  char           **record_data_json,
                                                  GError         **error);
gboolean        oms_translate_push_v6            (const char      *local_table,
                                                  JsonObject      *row,
                                                  char           **v6_table_name,
                                                  char           **record_data_json,
                                                  GError         **error);
const char     *oms_translate_push_delete_table  (const char      *local_table,
                                                  OmsPushTargets   target);

G_END_DECLS
