/* oms-translate.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-translate"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "oms-json-gate.h"
#include "oms-json-util.h"
#include "oms-translate-dates.h"
#include "oms-translate-private.h"

/* Pure translations between the records the two central servers send and receive and the rows
 * of omsync's typed tables. The field mappings are those of Open mSupply's translators
 * (server/service/src/sync/translations/<table>.rs, PROTOCOL.md §4, §7): the legacy tables come
 * in mSupply's shape (`ID`, `store_ID`, dates "YYYY-MM-DD" with "0000-00-00" for none, times in
 * seconds since midnight) and go out with dates as "YYYY-MM-DDT00:00:00" and times as
 * "HH:MM:SS"; `asset`, `asset_log` and `sync_file_reference` travel in Open mSupply's own
 * shape. Dates and times are parsed and printed in oms-translate-dates.c; the set-based road of
 * integration, from the same maps, is oms-translate-sql.c.
 */

G_DEFINE_QUARK (oms-translate-error-quark, oms_translate_error)

static const char *const breach_types[] = {
  "COLD_CONSECUTIVE", "HOT_CONSECUTIVE", "COLD_CUMULATIVE", "HOT_CUMULATIVE", "EXCURSION", NULL,
};

static const char *const gender_types[] = {
  "FEMALE", "MALE", "TRANSGENDER", "TRANSGENDER_MALE", "TRANSGENDER_MALE_HORMONE",
  "TRANSGENDER_MALE_SURGICAL", "TRANSGENDER_FEMALE", "TRANSGENDER_FEMALE_HORMONE",
  "TRANSGENDER_FEMALE_SURGICAL", "UNKNOWN", "NON_BINARY", NULL,
};

static const char *const sensor_types[] = {
  "BLUE_MAESTRO", "LAIRD", "BERLINGER", "LOG_TAG", NULL,
};

static const char *const asset_log_statuses[] = {
  "NOT_IN_USE", "FUNCTIONING", "FUNCTIONING_BUT_NEEDS_ATTENTION", "NOT_FUNCTIONING",
  "DECOMMISSIONED", "UNSERVICEABLE", NULL,
};

static const char *const asset_log_types[] = {
  "STATUS_UPDATE", "TEMPERATURE_MAPPING", NULL,
};

#define F(key, column, kind)         { key, column, kind, NULL }
#define F_ENUM(key, column, kind, v) { key, column, kind, v }

/* name.rs LegacyNameRow; `type`, `female`, `custom_data` are the hook's. */
static const FieldMap name_fields[] = {
  F ("ID", "id", KIND_STRING),
  F ("name", "name", KIND_STRING),
  F ("code", "code", KIND_STRING),
  F ("customer", "is_customer", KIND_BOOL),
  F ("supplier", "is_supplier", KIND_BOOL),
  F ("supplying_store_id", "supplying_store_id", KIND_STRING_EMPTY_NULL),
  F ("first", "first_name", KIND_STRING_EMPTY_NULL),
  F ("last", "last_name", KIND_STRING_EMPTY_NULL),
  F ("date_of_birth", "date_of_birth", KIND_LEGACY_DATE),
  F ("phone", "phone", KIND_STRING_EMPTY_NULL),
  F ("charge code", "charge_code", KIND_STRING_EMPTY_NULL),
  F ("comment", "comment", KIND_STRING_EMPTY_NULL),
  F ("country", "country", KIND_STRING_EMPTY_NULL),
  F ("bill_address1", "address1", KIND_STRING_EMPTY_NULL),
  F ("bill_address2", "address2", KIND_STRING_EMPTY_NULL),
  F ("email", "email", KIND_STRING_EMPTY_NULL),
  F ("url", "website", KIND_STRING_EMPTY_NULL),
  F ("manufacturer", "is_manufacturer", KIND_BOOL),
  F ("donor", "is_donor", KIND_BOOL),
  F ("hold", "on_hold", KIND_BOOL),
  F ("NEXT_OF_KIN_ID", "next_of_kin_id", KIND_STRING_EMPTY_NULL),
  F ("next_of_kin_relative", "next_of_kin_name", KIND_STRING_EMPTY_NULL),
  F ("national_health_number", "national_health_number", KIND_STRING_EMPTY_NULL),
  F ("isDeceased", "is_deceased", KIND_BOOL),
  F_ENUM ("om_gender", "gender", KIND_ENUM_OR_NULL, gender_types),
  F ("om_date_of_death", "date_of_death", KIND_LEGACY_DATE),
  F ("HSH_code", "hsh_code", KIND_STRING_EMPTY_NULL),
  F ("HSH_name", "hsh_name", KIND_STRING_EMPTY_NULL),
  F ("margin", "margin", KIND_DOUBLE_OR_NULL),
  F ("freightfac", "freight_factor", KIND_DOUBLE_OR_NULL),
  F ("currency_ID", "currency_id", KIND_STRING_EMPTY_NULL),
};

static const DateTimeMap name_datetimes[] = {
  { "created_datetime", "om_created_datetime", "created_date", NULL, FALSE },
};

/* store.rs LegacyStoreRow; `store_mode` is the hook's. */
static const FieldMap store_fields[] = {
  F ("ID", "id", KIND_STRING),
  F ("name_ID", "name_link_id", KIND_STRING),
  F ("code", "code", KIND_STRING),
  F ("sync_id_remote_site", "site_id", KIND_INT),
  F ("logo", "logo", KIND_STRING_EMPTY_NULL),
  F ("created_date", "created_date", KIND_LEGACY_DATE),
  F ("disabled", "is_disabled", KIND_BOOL),
};

/* location.rs LegacyLocationRow. */
static const FieldMap location_fields[] = {
  F ("ID", "id", KIND_STRING),
  F ("Description", "name", KIND_STRING),
  F ("code", "code", KIND_STRING),
  F ("hold", "on_hold", KIND_BOOL),
  F ("store_ID", "store_id", KIND_STRING),
  F ("type_ID", "location_type_id", KIND_STRING_EMPTY_NULL),
  F ("Volume", "volume", KIND_DOUBLE),
};

/* sensor.rs LegacySensorRow; `macAddress` is the hook's. */
static const FieldMap sensor_fields[] = {
  F ("ID", "id", KIND_STRING),
  F ("name", "name", KIND_STRING),
  F ("locationID", "location_id", KIND_STRING_EMPTY_NULL),
  F ("storeID", "store_id", KIND_STRING),
  F ("batteryLevel", "battery_level", KIND_INT_OR_NULL),
  F ("logInterval", "log_interval", KIND_INT_OR_NULL),
  F ("is_active", "is_active", KIND_BOOL),
};

static const DateTimeMap sensor_datetimes[] = {
  { "last_connection_datetime", "om_last_connection_datetime", "lastConnectionDate",
    "lastConnectionTime", FALSE },
};

/* temperature_log.rs LegacyTemperatureLogRow. */
static const FieldMap temperature_log_fields[] = {
  F ("ID", "id", KIND_STRING),
  F ("temperature", "temperature", KIND_DOUBLE),
  F ("sensor_ID", "sensor_id", KIND_STRING),
  F ("location_ID", "location_id", KIND_STRING_EMPTY_NULL),
  F ("store_ID", "store_id", KIND_STRING),
  F ("temperature_breach_ID", "temperature_breach_id", KIND_STRING_EMPTY_NULL),
};

static const DateTimeMap temperature_log_datetimes[] = {
  { "datetime", "om_datetime", "date", "time", TRUE },
};

/* temperature_breach.rs LegacyTemperatureBreachRow. Durations are copied as they are: the
 * legacy `duration` and `threshold_duration` land in the *_milliseconds columns unconverted.
 */
static const FieldMap temperature_breach_fields[] = {
  F ("ID", "id", KIND_STRING),
  F ("duration", "duration_milliseconds", KIND_INT),
  F_ENUM ("type", "type", KIND_ENUM, breach_types),
  F ("sensor_ID", "sensor_id", KIND_STRING),
  F ("location_ID", "location_id", KIND_STRING_EMPTY_NULL),
  F ("store_ID", "store_id", KIND_STRING),
  F ("acknowledged", "unacknowledged", KIND_BOOL_NOT),
  F ("threshold_minimum_temperature", "threshold_minimum", KIND_DOUBLE),
  F ("threshold_maximum_temperature", "threshold_maximum", KIND_DOUBLE),
  F ("threshold_duration", "threshold_duration_milliseconds", KIND_INT),
  F ("om_comment", "comment", KIND_STRING_EMPTY_NULL),
};

static const DateTimeMap temperature_breach_datetimes[] = {
  { "start_datetime", "om_start_datetime", "start_date", "start_time", TRUE },
  { "end_datetime", "om_end_datetime", "end_date", "end_time", FALSE },
};

/* repository asset_row.rs AssetRow, serialised by serde under its Rust field names. */
static const FieldMap asset_fields[] = {
  F ("id", "id", KIND_STRING),
  F ("notes", "notes", KIND_STRING_OR_NULL),
  F ("asset_number", "asset_number", KIND_STRING_OR_NULL),
  F ("asset_category_id", "asset_category_id", KIND_STRING_OR_NULL),
  F ("asset_class_id", "asset_class_id", KIND_STRING_OR_NULL),
  F ("asset_type_id", "asset_catalogue_type_id", KIND_STRING_OR_NULL),
  F ("store_id", "store_id", KIND_STRING_OR_NULL),
  F ("serial_number", "serial_number", KIND_STRING_OR_NULL),
  F ("catalogue_item_id", "asset_catalogue_item_id", KIND_STRING_OR_NULL),
  F ("installation_date", "installation_date", KIND_DATE_OR_NULL),
  F ("replacement_date", "replacement_date", KIND_DATE_OR_NULL),
  F ("created_datetime", "created_datetime", KIND_DATETIME),
  F ("modified_datetime", "modified_datetime", KIND_DATETIME),
  F ("deleted_datetime", "deleted_datetime", KIND_DATETIME_OR_NULL),
  F ("properties", "properties", KIND_JSON_STRING_OR_NULL),
  F ("donor_name_id", "donor_name_id", KIND_STRING_OR_NULL),
  F ("warranty_start", "warranty_start", KIND_DATE_OR_NULL),
  F ("warranty_end", "warranty_end", KIND_DATE_OR_NULL),
  F ("needs_replacement", "needs_replacement", KIND_BOOL_OR_NULL),
  F ("locked_fields_json", "locked_fields_json", KIND_JSON_STRING_OR_NULL),
};

/* repository asset_log_row.rs AssetLogRow. */
static const FieldMap asset_log_fields[] = {
  F ("id", "id", KIND_STRING),
  F ("asset_id", "asset_id", KIND_STRING),
  F ("user_id", "user_id", KIND_STRING),
  F_ENUM ("status", "status", KIND_ENUM_OR_NULL, asset_log_statuses),
  F ("comment", "comment", KIND_STRING_OR_NULL),
  F_ENUM ("type", "type", KIND_ENUM_OR_NULL, asset_log_types),
  F ("reason_id", "reason_id", KIND_STRING_OR_NULL),
  F ("log_datetime", "log_datetime", KIND_DATETIME),
  F ("created_datetime", "created_datetime", KIND_DATETIME_OR_EPOCH),
};

/* repository sync_file_reference_row.rs SyncFileReferenceRow: the fields serde writes. The
 * rest are `#[serde(skip_serializing)]` (bytes moved, retries, direction, status, error): this
 * site's own transfer state, which never travels. `total_bytes` is the hooks'.
 */
static const FieldMap sync_file_reference_fields[] = {
  F ("id", "id", KIND_STRING),
  F ("table_name", "table_name", KIND_STRING),
  F ("record_id", "record_id", KIND_STRING),
  F ("file_name", "file_name", KIND_STRING),
  F ("mime_type", "mime_type", KIND_STRING_OR_NULL),
  F ("created_datetime", "created_datetime", KIND_DATETIME),
  F ("deleted_datetime", "deleted_datetime", KIND_DATETIME_OR_NULL),
};

#undef F
#undef F_ENUM

static gboolean name_pull_hook   (const TableMap  *map,
                                  JsonObject      *record,
                                  JsonObject      *row,
                                  char           **ignored_reason,
                                  GError         **error);
static gboolean name_push_hook   (const TableMap  *map,
                                  JsonObject      *row,
                                  JsonObject      *record,
                                  char           **ignored_reason,
                                  GError         **error);
static gboolean store_pull_hook  (const TableMap  *map,
                                  JsonObject      *record,
                                  JsonObject      *row,
                                  char           **ignored_reason,
                                  GError         **error);
static gboolean sensor_pull_hook (const TableMap  *map,
                                  JsonObject      *record,
                                  JsonObject      *row,
                                  char           **ignored_reason,
                                  GError         **error);
static gboolean sensor_push_hook (const TableMap  *map,
                                  JsonObject      *row,
                                  JsonObject      *record,
                                  char           **ignored_reason,
                                  GError         **error);
static gboolean sync_file_reference_pull_hook (const TableMap  *map,
                                               JsonObject      *record,
                                               JsonObject      *row,
                                               char           **ignored_reason,
                                               GError         **error);
static gboolean sync_file_reference_push_hook (const TableMap  *map,
                                               JsonObject      *row,
                                               JsonObject      *record,
                                               char           **ignored_reason,
                                               GError         **error);

#define FIELDS(f)    f, G_N_ELEMENTS (f)
#define DATETIMES(d) d, G_N_ELEMENTS (d)
#define NO_DATETIMES NULL, 0

static const TableMap table_maps[] = {
  { "name", "name", FIELDS (name_fields), DATETIMES (name_datetimes),
    name_pull_hook, name_push_hook, TRUE, OMS_PUSH_TARGET_V5 | OMS_PUSH_TARGET_V6 },
  { "store", "store", FIELDS (store_fields), NO_DATETIMES,
    store_pull_hook, NULL, TRUE, OMS_PUSH_TARGET_NONE },
  { "Location", "location", FIELDS (location_fields), NO_DATETIMES,
    NULL, NULL, FALSE, OMS_PUSH_TARGET_V5 },
  { "sensor", "sensor", FIELDS (sensor_fields), DATETIMES (sensor_datetimes),
    sensor_pull_hook, sensor_push_hook, FALSE, OMS_PUSH_TARGET_NONE },
  { "temperature_log", "temperature_log", FIELDS (temperature_log_fields),
    DATETIMES (temperature_log_datetimes), NULL, NULL, FALSE, OMS_PUSH_TARGET_NONE },
  { "temperature_breach", "temperature_breach", FIELDS (temperature_breach_fields),
    DATETIMES (temperature_breach_datetimes), NULL, NULL, FALSE, OMS_PUSH_TARGET_NONE },
  { "asset", "asset", FIELDS (asset_fields), NO_DATETIMES,
    NULL, NULL, TRUE, OMS_PUSH_TARGET_V6 },
  { "asset_log", "asset_log", FIELDS (asset_log_fields), NO_DATETIMES,
    NULL, NULL, FALSE, OMS_PUSH_TARGET_NONE },
  { "sync_file_reference", "sync_file_reference", FIELDS (sync_file_reference_fields),
    NO_DATETIMES, sync_file_reference_pull_hook, sync_file_reference_push_hook, FALSE,
    OMS_PUSH_TARGET_NONE },
};

#undef FIELDS
#undef DATETIMES
#undef NO_DATETIMES

typedef struct
{
  const char     *table;
  OmsPushTargets  targets;
} PushRoute;

#define V5   OMS_PUSH_TARGET_V5
#define V6   OMS_PUSH_TARGET_V6
#define BOTH (OMS_PUSH_TARGET_V5 | OMS_PUSH_TARGET_V6)

/* PROTOCOL.md §4: each table under its local (changelog) name and, where it differs, under the
 * sync name a generic record is kept by.
 */
static const PushRoute push_routes[] = {
  { "invoice", V5 }, { "transact", V5 },
  { "invoice_line", V5 }, { "trans_line", V5 },
  { "stock_line", V5 }, { "item_line", V5 },
  { "stocktake", V5 }, { "Stock_take", V5 },
  { "stocktake_line", V5 }, { "Stock_take_lines", V5 },
  { "requisition", V5 },
  { "requisition_line", V5 },
  { "location", V5 }, { "Location", V5 },
  { "location_movement", V5 },
  { "activity_log", V5 }, { "om_activity_log", V5 },
  { "barcode", V5 },
  { "clinician", V5 },
  { "clinician_store_join", V5 },
  { "document", V5 }, { "om_document", V5 },
  { "indicator_value", V5 },
  { "sensor", V5 },
  { "temperature_breach", V5 },
  { "temperature_log", V5 },
  { "sync_message", V5 }, { "message", V5 },
  { "purchase_order", V5 },
  { "purchase_order_line", V5 },
  { "vvm_status_log", V5 }, { "vaccine_vial_monitor_status_log", V5 },
  { "name_insurance_join", V5 }, { "nameInsuranceJoin", V5 },
  { "encounter", V5 },
  { "name", BOTH },
  { "name_store_join", BOTH },
  { "vaccination", BOTH },
  { "vaccine_course", BOTH },
  { "vaccine_course_dose", BOTH },
  { "vaccine_course_item", BOTH },
  { "asset", V6 },
  { "asset_internal_location", V6 },
  { "asset_log", V6 },
  { "sync_file_reference", V6 },
  { "rnr_form", V6 },
  { "rnr_form_line", V6 },
  { "vaccine_course_store_config", V6 },
  { "name_oms_fields", V6 },
  { "plugin_data", V6 },
  { "contact_form", V6 },
  { "system_log", V6 },
};

#undef V5
#undef V6
#undef BOTH

static const TableMap *
lookup_by_sync_table (const char *sync_table)
{
  for (guint i = 0; i < G_N_ELEMENTS (table_maps); i++)
    {
      if (g_str_equal (table_maps[i].sync_table, sync_table))
        return &table_maps[i];
    }

  return NULL;
}

/*
 * oms_translate_lookup_pull_map:
 * @sync_table: a sync table name
 *
 * Returns: (nullable): the mapping oms_translate_pull() applies to records of @sync_table, or
 *   %NULL for a table kept generically
 */
const TableMap *
oms_translate_lookup_pull_map (const char *sync_table)
{
  g_return_val_if_fail (sync_table != NULL, NULL);

  return lookup_by_sync_table (sync_table);
}

static const TableMap *
lookup_by_local_table (const char *local_table)
{
  for (guint i = 0; i < G_N_ELEMENTS (table_maps); i++)
    {
      if (g_str_equal (table_maps[i].local_table, local_table))
        return &table_maps[i];
    }

  return NULL;
}

/* Errors. @table and @field are the sync names on pull and the local names on push. */

static gboolean
set_missing (GError     **error,
             const char  *table,
             const char  *field)
{
  g_set_error (error, OMS_TRANSLATE_ERROR, OMS_TRANSLATE_ERROR_MISSING_FIELD,
               /* Translators: a table's name (e.g. “invoice”), then a field's name, which stays
                * in English (e.g. “store_id”). */
               _("A record of table “%s” has no value for the required field “%s”"),
               table, field);
  return FALSE;
}

static gboolean
set_wrong_type (GError     **error,
                const char  *table,
                const char  *field)
{
  g_set_error (error, OMS_TRANSLATE_ERROR, OMS_TRANSLATE_ERROR_WRONG_TYPE,
               /* Translators: a field's name, which stays in English (e.g. “store_id”), then a
                * table's name (e.g. “invoice”). */
               _("The field “%s” of a record of table “%s” holds a value of the wrong type"),
               field, table);
  return FALSE;
}

static gboolean
set_bad_value (GError     **error,
               const char  *table,
               const char  *field,
               const char  *value)
{
  g_set_error (error, OMS_TRANSLATE_ERROR, OMS_TRANSLATE_ERROR_WRONG_TYPE,
               /* Translators: a field's name (e.g. “status”), a table's name (e.g. “invoice”),
                * then the value found. */
               _("The field “%s” of a record of table “%s” holds the invalid value “%s”"),
               field, table, value);
  return FALSE;
}

/* JSON helpers. */

static gboolean
node_is_null (JsonNode *node)
{
  return node == NULL || JSON_NODE_HOLDS_NULL (node);
}

static GType
node_value_type (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return G_TYPE_INVALID;

  return json_node_get_value_type (node);
}

static const char *
node_string (JsonNode *node)
{
  if (node_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static gboolean
in_list (const char *const *values,
         const char        *value)
{
  return values != NULL && g_strv_contains (values, value);
}

/* Pull: one field of a sync record into one column. */
static gboolean
pull_field (const TableMap  *map,
            const FieldMap  *field,
            JsonObject      *record,
            JsonObject      *row,
            GError         **error)
{
  JsonNode *node = json_object_get_member (record, field->key);
  gboolean is_null = node_is_null (node);
  GType type = node_value_type (node);
  const char *text = node_string (node);
  char buffer[OMS_TRANSLATE_DATE_SIZE];
  const char *printed;

  switch (field->kind)
    {
    case KIND_STRING:
      if (is_null)
        return set_missing (error, map->sync_table, field->key);
      if (text == NULL)
        return set_wrong_type (error, map->sync_table, field->key);
      json_object_set_string_member (row, field->column, text);
      return TRUE;

    case KIND_STRING_OR_NULL:
    case KIND_STRING_EMPTY_NULL:
    case KIND_JSON_STRING_OR_NULL:
      if (!is_null && text == NULL)
        return set_wrong_type (error, map->sync_table, field->key);
      if (is_null || (field->kind == KIND_STRING_EMPTY_NULL && *text == '\0'))
        json_object_set_null_member (row, field->column);
      else
        json_object_set_string_member (row, field->column, text);
      return TRUE;

    case KIND_BOOL:
    case KIND_BOOL_NOT:
      if (is_null)
        return set_missing (error, map->sync_table, field->key);
      if (type != G_TYPE_BOOLEAN)
        return set_wrong_type (error, map->sync_table, field->key);
      json_object_set_boolean_member (row, field->column,
                                      json_node_get_boolean (node) !=
                                      (field->kind == KIND_BOOL_NOT));
      return TRUE;

    case KIND_BOOL_OR_NULL:
      if (is_null)
        json_object_set_null_member (row, field->column);
      else if (type == G_TYPE_BOOLEAN)
        json_object_set_boolean_member (row, field->column, json_node_get_boolean (node));
      else
        return set_wrong_type (error, map->sync_table, field->key);
      return TRUE;

    case KIND_INT:
    case KIND_INT_OR_NULL:
      if (is_null && field->kind == KIND_INT)
        return set_missing (error, map->sync_table, field->key);
      if (is_null)
        {
          json_object_set_null_member (row, field->column);
          return TRUE;
        }
      if (type != G_TYPE_INT64 || json_node_get_int (node) < G_MININT32 ||
          json_node_get_int (node) > G_MAXINT32)
        return set_wrong_type (error, map->sync_table, field->key);
      json_object_set_int_member (row, field->column, json_node_get_int (node));
      return TRUE;

    case KIND_DOUBLE:
    case KIND_DOUBLE_OR_NULL:
      if (is_null && field->kind == KIND_DOUBLE)
        return set_missing (error, map->sync_table, field->key);
      if (is_null)
        json_object_set_null_member (row, field->column);
      else if (type == G_TYPE_INT64 || type == G_TYPE_DOUBLE)
        json_object_set_double_member (row, field->column, json_node_get_double (node));
      else
        return set_wrong_type (error, map->sync_table, field->key);
      return TRUE;

    case KIND_LEGACY_DATE:
    case KIND_DATE_OR_NULL:
    case KIND_DATETIME:
    case KIND_DATETIME_OR_EPOCH:
    case KIND_DATETIME_OR_NULL:
      /* A null date is none, a null datetime is missing; an absent one takes the default. */
      if (is_null && (field->kind == KIND_DATETIME ||
                      (field->kind == KIND_DATETIME_OR_EPOCH && node != NULL)))
        return set_missing (error, map->sync_table, field->key);
      if (!is_null && text == NULL)
        return set_wrong_type (error, map->sync_table, field->key);
      if (!oms_translate_pull_date_text (field->kind, text, buffer, &printed))
        return set_bad_value (error, map->sync_table, field->key, text);
      if (printed != NULL)
        json_object_set_string_member (row, field->column, printed);
      else
        json_object_set_null_member (row, field->column);
      return TRUE;

    case KIND_ENUM:
    case KIND_ENUM_OR_NULL:
      if (field->kind == KIND_ENUM_OR_NULL && (is_null || (text != NULL && *text == '\0')))
        {
          json_object_set_null_member (row, field->column);
          return TRUE;
        }
      if (is_null)
        return set_missing (error, map->sync_table, field->key);
      if (text == NULL)
        return set_wrong_type (error, map->sync_table, field->key);
      if (!in_list (field->values, text))
        return set_bad_value (error, map->sync_table, field->key, text);
      json_object_set_string_member (row, field->column, text);
      return TRUE;

    default:
      g_assert_not_reached ();
    }

  return FALSE;
}

/* naive_time: whole seconds since midnight; anything else is midnight. */
static int
pull_time_of_day (JsonNode *node)
{
  gint64 seconds;

  if (node_value_type (node) != G_TYPE_INT64)
    return 0;

  seconds = json_node_get_int (node);
  return seconds >= 0 && seconds < 86400 ? (int) seconds : 0;
}

static gboolean
pull_datetime (const TableMap     *map,
               const DateTimeMap  *dtm,
               JsonObject         *record,
               JsonObject         *row,
               GError            **error)
{
  JsonNode *override_node = json_object_get_member (record, dtm->override_key);
  JsonNode *date_node = json_object_get_member (record, dtm->date_key);
  const char *override_text = node_string (override_node);
  const char *date_text = node_string (date_node);
  char override_buffer[OMS_TRANSLATE_DATE_SIZE];
  char date_buffer[OMS_TRANSLATE_DATE_SIZE];
  char buffer[OMS_TRANSLATE_DATE_SIZE];
  const char *override;
  const char *date;
  const char *formatted = NULL;
  int seconds = 0;

  /* The override reads like an Option<NaiveDateTime> and the date like zero_date_as_option:
   * "" (and "0000-00-00") are none.
   */
  if (!node_is_null (override_node) && override_text == NULL)
    return set_wrong_type (error, map->sync_table, dtm->override_key);
  if (!oms_translate_pull_date_text (KIND_DATETIME_OR_NULL, override_text, override_buffer,
                                     &override))
    return set_bad_value (error, map->sync_table, dtm->override_key, override_text);

  if (!node_is_null (date_node) && date_text == NULL)
    return set_wrong_type (error, map->sync_table, dtm->date_key);
  if (!oms_translate_pull_date_text (KIND_LEGACY_DATE, date_text, date_buffer, &date))
    return set_bad_value (error, map->sync_table, dtm->date_key, date_text);

  if (dtm->time_key != NULL)
    {
      if (!json_object_has_member (record, dtm->time_key))
        return set_missing (error, map->sync_table, dtm->time_key);
      seconds = pull_time_of_day (json_object_get_member (record, dtm->time_key));
    }

  if (override != NULL)
    {
      formatted = override;
    }
  else if (date != NULL)
    {
      oms_translate_pull_date_at (date, seconds, buffer);
      formatted = buffer;
    }
  else if (dtm->required)
    {
      return set_missing (error, map->sync_table, dtm->override_key);
    }

  if (formatted != NULL)
    json_object_set_string_member (row, dtm->column, formatted);
  else
    json_object_set_null_member (row, dtm->column);

  return TRUE;
}

/* Push: one column of a local row into one field of a sync record. */
static gboolean
push_field (const TableMap  *map,
            const FieldMap  *field,
            JsonObject      *row,
            JsonObject      *record,
            GError         **error)
{
  JsonNode *node = json_object_get_member (row, field->column);
  gboolean is_null = node_is_null (node);
  GType type = node_value_type (node);
  const char *text = node_string (node);
  g_autofree char *formatted = NULL;
  DateTime dt;

  switch (field->kind)
    {
    case KIND_STRING:
      if (is_null)
        return set_missing (error, map->local_table, field->column);
      if (text == NULL)
        return set_wrong_type (error, map->local_table, field->column);
      json_object_set_string_member (record, field->key, text);
      return TRUE;

    case KIND_STRING_OR_NULL:
    case KIND_STRING_EMPTY_NULL:
      if (is_null)
        json_object_set_null_member (record, field->key);
      else if (text != NULL)
        json_object_set_string_member (record, field->key, text);
      else
        return set_wrong_type (error, map->local_table, field->column);
      return TRUE;

    case KIND_JSON_STRING_OR_NULL:
      if (is_null)
        json_object_set_null_member (record, field->key);
      else if (text != NULL)
        json_object_set_string_member (record, field->key, text);
      else if (JSON_NODE_HOLDS_OBJECT (node) || JSON_NODE_HOLDS_ARRAY (node))
        {
          formatted = oms_json_to_canonical (node);
          json_object_set_string_member (record, field->key, formatted);
        }
      else
        return set_wrong_type (error, map->local_table, field->column);
      return TRUE;

    case KIND_BOOL:
    case KIND_BOOL_NOT:
    case KIND_BOOL_OR_NULL:
      if (is_null && field->kind == KIND_BOOL_OR_NULL)
        {
          json_object_set_null_member (record, field->key);
          return TRUE;
        }
      if (is_null)
        return set_missing (error, map->local_table, field->column);
      if (type != G_TYPE_BOOLEAN && type != G_TYPE_INT64)
        return set_wrong_type (error, map->local_table, field->column);
      json_object_set_boolean_member (record, field->key,
                                      (type == G_TYPE_BOOLEAN ? json_node_get_boolean (node)
                                                              : json_node_get_int (node) != 0) !=
                                      (field->kind == KIND_BOOL_NOT));
      return TRUE;

    case KIND_INT:
    case KIND_INT_OR_NULL:
      if (is_null && field->kind == KIND_INT_OR_NULL)
        json_object_set_null_member (record, field->key);
      else if (is_null)
        return set_missing (error, map->local_table, field->column);
      else if (type == G_TYPE_INT64)
        json_object_set_int_member (record, field->key, json_node_get_int (node));
      else
        return set_wrong_type (error, map->local_table, field->column);
      return TRUE;

    case KIND_DOUBLE:
    case KIND_DOUBLE_OR_NULL:
      if (is_null && field->kind == KIND_DOUBLE_OR_NULL)
        json_object_set_null_member (record, field->key);
      else if (is_null)
        return set_missing (error, map->local_table, field->column);
      else if (type == G_TYPE_INT64 || type == G_TYPE_DOUBLE)
        json_object_set_double_member (record, field->key, json_node_get_double (node));
      else
        return set_wrong_type (error, map->local_table, field->column);
      return TRUE;

    case KIND_LEGACY_DATE:
    case KIND_DATE_OR_NULL:
      if (is_null)
        {
          json_object_set_null_member (record, field->key);
          return TRUE;
        }
      if (text == NULL)
        return set_wrong_type (error, map->local_table, field->column);
      if (!_oms_translate_parse_legacy_date (text, &dt))
        return set_bad_value (error, map->local_table, field->column, text);
      formatted = field->kind == KIND_LEGACY_DATE ? _oms_translate_format_legacy_date (&dt)
                                                  : _oms_translate_format_date (&dt);
      json_object_set_string_member (record, field->key, formatted);
      return TRUE;

    case KIND_DATETIME:
    case KIND_DATETIME_OR_EPOCH:
    case KIND_DATETIME_OR_NULL:
      if (is_null && field->kind == KIND_DATETIME_OR_NULL)
        {
          json_object_set_null_member (record, field->key);
          return TRUE;
        }
      if (is_null)
        return set_missing (error, map->local_table, field->column);
      if (text == NULL)
        return set_wrong_type (error, map->local_table, field->column);
      if (!_oms_translate_parse_datetime (text, &dt))
        return set_bad_value (error, map->local_table, field->column, text);
      formatted = _oms_translate_format_datetime (&dt);
      json_object_set_string_member (record, field->key, formatted);
      return TRUE;

    case KIND_ENUM:
    case KIND_ENUM_OR_NULL:
      if (is_null && field->kind == KIND_ENUM_OR_NULL)
        {
          json_object_set_null_member (record, field->key);
          return TRUE;
        }
      if (is_null)
        return set_missing (error, map->local_table, field->column);
      if (text == NULL)
        return set_wrong_type (error, map->local_table, field->column);
      if (!in_list (field->values, text))
        return set_bad_value (error, map->local_table, field->column, text);
      json_object_set_string_member (record, field->key, text);
      return TRUE;

    default:
      g_assert_not_reached ();
    }

  return FALSE;
}

static gboolean
push_datetime (const TableMap     *map,
               const DateTimeMap  *dtm,
               JsonObject         *row,
               JsonObject         *record,
               GError            **error)
{
  JsonNode *node = json_object_get_member (row, dtm->column);
  const char *text = node_string (node);
  g_autofree char *override = NULL;
  g_autofree char *date = NULL;
  g_autofree char *time = NULL;
  DateTime dt;

  if (node_is_null (node))
    {
      if (dtm->required)
        return set_missing (error, map->local_table, dtm->column);

      json_object_set_null_member (record, dtm->override_key);
      json_object_set_null_member (record, dtm->date_key);
      if (dtm->time_key != NULL)
        json_object_set_string_member (record, dtm->time_key, "00:00:00");
      return TRUE;
    }

  if (text == NULL)
    return set_wrong_type (error, map->local_table, dtm->column);
  if (!_oms_translate_parse_datetime (text, &dt))
    return set_bad_value (error, map->local_table, dtm->column, text);

  override = _oms_translate_format_datetime (&dt);
  date = _oms_translate_format_legacy_date (&dt);
  json_object_set_string_member (record, dtm->override_key, override);
  json_object_set_string_member (record, dtm->date_key, date);
  if (dtm->time_key != NULL)
    {
      time = _oms_translate_format_time (_oms_translate_legacy_time_seconds (&dt));
      json_object_set_string_member (record, dtm->time_key, time);
    }

  return TRUE;
}

/* name.rs: the legacy type, the gender taken from `female` for patients without om_gender, and
 * custom data kept for facilities and stores only. Pulled names are never soft-deleted.
 */
static const struct
{
  const char *legacy;
  const char *local;
} name_types[] = {
  { "facility", "FACILITY" },
  { "patient", "PATIENT" },
  { "build", "BUILD" },
  { "invad", "INVAD" },
  { "repack", "REPACK" },
  { "store", "STORE" },
};

static gboolean
name_pull_hook (const TableMap  *map,
                JsonObject      *record,
                JsonObject      *row,
                char           **ignored_reason,
                GError         **error)
{
  JsonNode *type_node = json_object_get_member (record, "type");
  JsonNode *female_node = json_object_get_member (record, "female");
  JsonNode *custom_data = json_object_get_member (record, "custom_data");
  const char *legacy_type = node_string (type_node);
  const char *type = "OTHERS";
  g_autofree char *custom_data_text = NULL;

  if (node_is_null (type_node))
    return set_missing (error, map->sync_table, "type");
  if (legacy_type == NULL)
    return set_wrong_type (error, map->sync_table, "type");
  if (node_is_null (female_node))
    return set_missing (error, map->sync_table, "female");
  if (node_value_type (female_node) != G_TYPE_BOOLEAN)
    return set_wrong_type (error, map->sync_table, "female");

  for (guint i = 0; i < G_N_ELEMENTS (name_types); i++)
    {
      if (g_str_equal (name_types[i].legacy, legacy_type))
        type = name_types[i].local;
    }
  json_object_set_string_member (row, "type", type);

  if (json_object_get_null_member (row, "gender") && g_str_equal (type, "PATIENT"))
    json_object_set_string_member (row, "gender",
                                   json_node_get_boolean (female_node) ? "FEMALE" : "MALE");

  if ((g_str_equal (type, "FACILITY") || g_str_equal (type, "STORE")) &&
      !node_is_null (custom_data))
    custom_data_text = oms_json_to_canonical (custom_data);
  if (custom_data_text != NULL)
    json_object_set_string_member (row, "custom_data", custom_data_text);
  else
    json_object_set_null_member (row, "custom_data");

  json_object_set_null_member (row, "deleted_datetime");
  return TRUE;
}

/* Open mSupply pushes patients only, and no soft-deleted name. */
static gboolean
name_push_hook (const TableMap  *map,
                JsonObject      *row,
                JsonObject      *record,
                char           **ignored_reason,
                GError         **error)
{
  JsonNode *deleted = json_object_get_member (row, "deleted_datetime");
  const char *type = node_string (json_object_get_member (row, "type"));
  const char *gender = node_string (json_object_get_member (row, "gender"));

  if (!node_is_null (deleted))
    {
      *ignored_reason = g_strdup ("Ignore pushing soft deleted name");
      return TRUE;
    }
  if (type == NULL)
    return set_missing (error, map->local_table, "type");
  if (!g_str_equal (type, "PATIENT"))
    {
      *ignored_reason = g_strdup ("Only push name records that belong to patients");
      return TRUE;
    }

  json_object_set_string_member (record, "type", "patient");
  json_object_set_boolean_member (record, "female", g_strcmp0 (gender, "FEMALE") == 0);
  json_object_set_null_member (record, "custom_data");
  return TRUE;
}

/* store.rs: the store mode, and the system stores and stores without a name Open mSupply
 * ignores. Its further check that the name has been integrated needs the database and is left
 * to the integrator.
 */
static gboolean
store_pull_hook (const TableMap  *map,
                 JsonObject      *record,
                 JsonObject      *row,
                 char           **ignored_reason,
                 GError         **error)
{
  JsonNode *mode_node = json_object_get_member (record, "store_mode");
  const char *mode = node_string (mode_node);
  const char *code = json_object_get_string_member (row, "code");

  if (node_is_null (mode_node))
    return set_missing (error, map->sync_table, "store_mode");
  if (mode == NULL)
    return set_wrong_type (error, map->sync_table, "store_mode");
  if (g_str_equal (mode, "store"))
    json_object_set_string_member (row, "store_mode", "STORE");
  else if (g_str_equal (mode, "dispensary"))
    json_object_set_string_member (row, "store_mode", "DISPENSARY");
  else
    return set_bad_value (error, map->sync_table, "store_mode", mode);

  if (g_str_equal (code, "HIS") || g_str_equal (code, "DRG") || g_str_equal (code, "SM"))
    *ignored_reason = g_strdup ("System names not implemented for store translation");
  else if (*json_object_get_string_member (row, "name_link_id") == '\0')
    *ignored_reason = g_strdup ("Store has no name");

  return TRUE;
}

/* sensor.rs keeps what precedes the first " |" of `macAddress` as the serial and then looks for
 * the type after a '|' in that serial, which "SERIAL | TYPE" no longer has: Open mSupply files
 * every such sensor as BLUE_MAESTRO, and omsync does the same so both sites agree.
 */
static gboolean
sensor_pull_hook (const TableMap  *map,
                  JsonObject      *record,
                  JsonObject      *row,
                  char           **ignored_reason,
                  GError         **error)
{
  JsonNode *node = json_object_get_member (record, "macAddress");
  const char *mac_address = node_string (node);
  const char *end;
  const char *bar;
  const char *type = "BLUE_MAESTRO";
  g_autofree char *serial = NULL;

  if (node_is_null (node))
    return set_missing (error, map->sync_table, "macAddress");
  if (mac_address == NULL)
    return set_wrong_type (error, map->sync_table, "macAddress");

  end = strstr (mac_address, " |");
  serial = end != NULL ? g_strndup (mac_address, end - mac_address) : g_strdup (mac_address);

  bar = strchr (serial, '|');
  if (bar != NULL)
    {
      const char *second = bar + 1;
      gsize length = strcspn (second, "|");

      for (guint i = 0; sensor_types[i] != NULL; i++)
        {
          if (strlen (sensor_types[i]) == length && strncmp (sensor_types[i], second, length) == 0)
            type = sensor_types[i];
        }
    }

  json_object_set_string_member (row, "serial", serial);
  json_object_set_string_member (row, "type", type);
  return TRUE;
}

static gboolean
sensor_push_hook (const TableMap  *map,
                  JsonObject      *row,
                  JsonObject      *record,
                  char           **ignored_reason,
                  GError         **error)
{
  const char *serial = node_string (json_object_get_member (row, "serial"));
  const char *type = node_string (json_object_get_member (row, "type"));
  g_autofree char *mac_address = NULL;

  if (serial == NULL)
    return set_missing (error, map->local_table, "serial");
  if (type == NULL)
    return set_missing (error, map->local_table, "type");
  if (!in_list (sensor_types, type))
    return set_bad_value (error, map->local_table, "type", type);

  mac_address = g_strdup_printf ("%s | %s", serial, type);
  json_object_set_string_member (record, "macAddress", mac_address);
  return TRUE;
}

/* `total_bytes` is a `#[serde(default)]` i32: absent is 0, null is refused. The fields serde
 * never writes take their defaults, whatever the record says: a reference another site made
 * is a download that has not started.
 */
static gboolean
sync_file_reference_pull_hook (const TableMap  *map,
                               JsonObject      *record,
                               JsonObject      *row,
                               char           **ignored_reason,
                               GError         **error)
{
  JsonNode *node = json_object_get_member (record, "total_bytes");
  gint64 total_bytes = 0;

  if (node != NULL)
    {
      if (node_value_type (node) != G_TYPE_INT64 || json_node_get_int (node) < G_MININT32 ||
          json_node_get_int (node) > G_MAXINT32)
        return set_wrong_type (error, map->sync_table, "total_bytes");
      total_bytes = json_node_get_int (node);
    }

  json_object_set_int_member (row, "total_bytes", total_bytes);
  json_object_set_int_member (row, "uploaded_bytes", 0);
  json_object_set_int_member (row, "downloaded_bytes", 0);
  json_object_set_int_member (row, "retries", 0);
  json_object_set_null_member (row, "retry_at");
  json_object_set_string_member (row, "direction", "DOWNLOAD");
  json_object_set_string_member (row, "status", "NEW");
  json_object_set_null_member (row, "error");
  return TRUE;
}

static gboolean
sync_file_reference_push_hook (const TableMap  *map,
                               JsonObject      *row,
                               JsonObject      *record,
                               char           **ignored_reason,
                               GError         **error)
{
  JsonNode *node = json_object_get_member (row, "total_bytes");

  if (node_is_null (node))
    return set_missing (error, map->local_table, "total_bytes");
  if (node_value_type (node) != G_TYPE_INT64)
    return set_wrong_type (error, map->local_table, "total_bytes");

  json_object_set_int_member (record, "total_bytes", json_node_get_int (node));
  return TRUE;
}

static JsonObject *
parse_record (const char  *table_name,
              const char  *json,
              GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  /* The gate first: json-glib reads `{…}{…}` as its first object and leaks the second. */
  if (!oms_json_gate_check (json, strlen (json), G_MAXSIZE, &local_error) ||
      !json_parser_load_from_data (parser, json, -1, &local_error))
    {
      g_debug ("Record of table %s is not JSON: %s", table_name, local_error->message);
      g_set_error (error, OMS_TRANSLATE_ERROR, OMS_TRANSLATE_ERROR_INVALID_JSON,
                   _("A record of table “%s” is not valid JSON: %s"),
                   table_name, local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, OMS_TRANSLATE_ERROR, OMS_TRANSLATE_ERROR_INVALID_JSON,
                   _("A record of table “%s” is not a JSON object"), table_name);
      return NULL;
    }

  return json_node_dup_object (root);
}

/**
 * oms_translation_clear:
 * @self: a translation
 *
 * Frees what @self holds and sets its members to %NULL.
 */
void
oms_translation_clear (OmsTranslation *self)
{
  g_return_if_fail (self != NULL);

  g_clear_pointer (&self->table, g_free);
  g_clear_pointer (&self->fields, json_object_unref);
  g_clear_pointer (&self->ignored_reason, g_free);
}

/**
 * oms_translate_pull:
 * @table_name: the sync table name the record came under (`Location`, `name`, `asset`, ...)
 * @record_data_json: the record's data, a JSON object
 * @out: (out caller-allocates): where to put the translation; clear it with
 *   oms_translation_clear()
 * @error: return location for an #OMS_TRANSLATE_ERROR
 *
 * Translates a pulled upsert into a row of a typed table, as Open mSupply's translator for
 * @table_name does, or hands it back for a generic table. Unknown fields are dropped.
 *
 * Returns: %TRUE on success, %FALSE with @error set when the record cannot be translated
 */
gboolean
oms_translate_pull (const char      *table_name,
                    const char      *record_data_json,
                    OmsTranslation  *out,
                    GError         **error)
{
  g_autoptr(JsonObject) record = NULL;
  g_autoptr(JsonObject) row = NULL;
  g_autofree char *ignored_reason = NULL;
  const TableMap *map;

  g_return_val_if_fail (table_name != NULL, FALSE);
  g_return_val_if_fail (record_data_json != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  memset (out, 0, sizeof *out);

  record = parse_record (table_name, record_data_json, error);
  if (record == NULL)
    return FALSE;

  map = lookup_by_sync_table (table_name);
  if (map == NULL)
    {
      out->fields = g_steal_pointer (&record);
      return TRUE;
    }

  row = json_object_new ();
  for (guint i = 0; i < map->n_fields; i++)
    {
      if (!pull_field (map, &map->fields[i], record, row, error))
        return FALSE;
    }
  for (guint i = 0; i < map->n_datetimes; i++)
    {
      if (!pull_datetime (map, &map->datetimes[i], record, row, error))
        return FALSE;
    }
  if (map->pull_hook != NULL && !map->pull_hook (map, record, row, &ignored_reason, error))
    return FALSE;

  out->table = g_strdup (map->local_table);
  if (ignored_reason != NULL)
    out->ignored_reason = g_steal_pointer (&ignored_reason);
  else
    out->fields = g_steal_pointer (&row);

  return TRUE;
}

/**
 * oms_translate_pull_is_generic:
 * @table_name: the sync table name of a pulled upsert
 *
 * Returns: %TRUE when oms_translate_pull() hands records of @table_name back as received,
 *   to be kept generically, so that a caller holding valid JSON object text need not parse it
 */
gboolean
oms_translate_pull_is_generic (const char *table_name)
{
  g_return_val_if_fail (table_name != NULL, FALSE);

  return lookup_by_sync_table (table_name) == NULL;
}

/**
 * oms_translate_pull_delete:
 * @table_name: the sync table name of a pulled delete
 * @local_table: (out) (transfer none) (nullable): the typed table to delete the record from,
 *   or %NULL when Open mSupply has no translation for deletes of @table_name
 *
 * Returns: %TRUE when @table_name has a typed table, %FALSE when its records are generic
 */
gboolean
oms_translate_pull_delete (const char  *table_name,
                           const char **local_table)
{
  const TableMap *map;

  g_return_val_if_fail (table_name != NULL, FALSE);
  g_return_val_if_fail (local_table != NULL, FALSE);

  map = lookup_by_sync_table (table_name);
  *local_table = map != NULL && map->pull_deletes ? map->local_table : NULL;
  return map != NULL;
}

/**
 * oms_translate_push_targets:
 * @local_table: a local table or changelog name (`location`, `invoice`), or the sync name a
 *   generic record is kept under (`transact`)
 *
 * Returns: the servers Open mSupply pushes changes of @local_table to (PROTOCOL.md §4)
 */
OmsPushTargets
oms_translate_push_targets (const char *local_table)
{
  g_return_val_if_fail (local_table != NULL, OMS_PUSH_TARGET_NONE);

  for (guint i = 0; i < G_N_ELEMENTS (push_routes); i++)
    {
      if (g_str_equal (push_routes[i].table, local_table))
        return push_routes[i].targets;
    }

  return OMS_PUSH_TARGET_NONE;
}

static gboolean
push_translate (const char      *local_table,
                OmsPushTargets   target,
                JsonObject      *row,
                char           **table_name,
                char           **record_data_json,
                GError         **error)
{
  g_autoptr(JsonObject) record = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *ignored_reason = NULL;
  const TableMap *map;

  g_return_val_if_fail (local_table != NULL, FALSE);
  g_return_val_if_fail (row != NULL, FALSE);
  g_return_val_if_fail (table_name != NULL, FALSE);
  g_return_val_if_fail (record_data_json != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *table_name = NULL;
  *record_data_json = NULL;

  map = lookup_by_local_table (local_table);
  if (map == NULL)
    {
      g_set_error (error, OMS_TRANSLATE_ERROR, OMS_TRANSLATE_ERROR_UNSUPPORTED,
                   /* Translators: %s is a table's name, e.g. “report”. To push is to send
                    * records to the central server. */
                   _("Records of table “%s” have no translation to push"), local_table);
      return FALSE;
    }

  if ((oms_translate_push_targets (local_table) & target) == 0)
    return TRUE;

  record = json_object_new ();
  if (map->push_hook != NULL && !map->push_hook (map, row, record, &ignored_reason, error))
    return FALSE;
  if (ignored_reason != NULL)
    {
      g_debug ("Ignored %s record in push translation: %s", local_table, ignored_reason);
      return TRUE;
    }

  for (guint i = 0; i < map->n_fields; i++)
    {
      if (!push_field (map, &map->fields[i], row, record, error))
        return FALSE;
    }
  for (guint i = 0; i < map->n_datetimes; i++)
    {
      if (!push_datetime (map, &map->datetimes[i], row, record, error))
        return FALSE;
    }

  node = json_node_init_object (json_node_alloc (), record);
  *table_name = g_strdup (map->sync_table);
  *record_data_json = oms_json_to_canonical (node);
  return TRUE;
}

/**
 * oms_translate_push_legacy:
 * @local_table: the typed table @row belongs to
 * @row: the row, keyed by column name, as oms_store_get_record() returns it
 * @legacy_table_name: (out) (transfer full) (nullable): the legacy table name to push under
 * @record_data_json: (out) (transfer full) (nullable): the legacy `recordData`: compact JSON,
 *   keys byte-sorted as serde_json writes them
 * @error: return location for an #OMS_TRANSLATE_ERROR
 *
 * Translates a local row for the legacy central server. When Open mSupply pushes nothing for
 * @row (the table is not pushed there, or the record is one it skips, such as a name that is not
 * a patient), returns %TRUE with both outputs %NULL.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 */
gboolean
oms_translate_push_legacy (const char  *local_table,
                           JsonObject  *row,
                           char       **legacy_table_name,
                           char       **record_data_json,
                           GError     **error)
{
  return push_translate (local_table, OMS_PUSH_TARGET_V5, row, legacy_table_name,
                         record_data_json, error);
}

/**
 * oms_translate_push_v6:
 * @local_table: the typed table @row belongs to
 * @row: the row, keyed by column name
 * @v6_table_name: (out) (transfer full) (nullable): the table name to push under
 * @record_data_json: (out) (transfer full) (nullable): the `record_data`, compact JSON with
 *   byte-sorted keys
 * @error: return location for an #OMS_TRANSLATE_ERROR
 *
 * Translates a local row for Open mSupply central: `asset` and `asset_log` in Open mSupply's
 * own shape, `name` in the legacy shape it also sends there. Like oms_translate_push_legacy(),
 * returns %TRUE with both outputs %NULL when nothing is pushed.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 */
gboolean
oms_translate_push_v6 (const char  *local_table,
                       JsonObject  *row,
                       char       **v6_table_name,
                       char       **record_data_json,
                       GError     **error)
{
  return push_translate (local_table, OMS_PUSH_TARGET_V6, row, v6_table_name,
                         record_data_json, error);
}

/**
 * oms_translate_push_delete_table:
 * @local_table: a typed table
 * @target: one server, %OMS_PUSH_TARGET_V5 or %OMS_PUSH_TARGET_V6
 *
 * Returns: (nullable): the table name Open mSupply pushes a delete of a @local_table row under
 *   to @target, or %NULL when it pushes no delete there
 */
const char *
oms_translate_push_delete_table (const char     *local_table,
                                 OmsPushTargets  target)
{
  const TableMap *map;

  g_return_val_if_fail (local_table != NULL, NULL);

  map = lookup_by_local_table (local_table);
  if (map == NULL || (map->push_deletes & target) == 0)
    return NULL;

  return map->sync_table;
}
