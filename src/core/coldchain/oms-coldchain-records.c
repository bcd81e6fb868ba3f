/* oms-coldchain-records.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-coldchain-records"

#include "config.h"

#include <inttypes.h>
#include <string.h>

#include "oms-coldchain-records-private.h"

/* What the cold chain endpoints do with a body read by oms-coldchain-request.c, as the
 * handlers in Open mSupply's server/src/cold_chain do it: validate (the handlers' 400 texts),
 * then upsert each record by id and answer with serde's Result list. The texts here are wire
 * format that the phone and its logs see, so they are not translated.
 */

/* Column order of Open mSupply's row structs, which serde keeps in its output. */
static const char *const sensor_columns[] = {
  "id", "name", "serial", "location_id", "store_id", "battery_level", "log_interval",
  "is_active", "last_connection_datetime", "type", NULL,
};

static const char *const log_columns[] = {
  "id", "temperature", "sensor_id", "location_id", "store_id", "datetime",
  "temperature_breach_id", NULL,
};

static const char *const breach_columns[] = {
  "id", "duration_milliseconds", "type", "sensor_id", "location_id", "store_id",
  "start_datetime", "end_datetime", "unacknowledged", "threshold_minimum", "threshold_maximum",
  "threshold_duration_milliseconds", "comment", NULL,
};

/* Rust's {:?} of a String: quoted, with quotes and backslashes escaped. */
char *
_oms_coldchain_rust_debug_string (const char *text)
{
  GString *out = g_string_new ("\"");

  for (const char *p = text; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        default:
          g_string_append_c (out, *p);
          break;
        }
    }

  g_string_append_c (out, '"');
  return g_string_free (out, FALSE);
}

static gint64
get_int (JsonObject *object,
         const char *name)
{
  return json_object_get_int_member_with_default (object, name, 0);
}

static const char *
get_optional_string (JsonObject *object,
                     const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && !JSON_NODE_HOLDS_NULL (node) ? json_node_get_string (node) : NULL;
}

static GRegex *
mac_regex (void)
{
  static GRegex *regex;

  if (g_once_init_enter (&regex))
    {
      GRegex *compiled = g_regex_new ("^([A-F0-9]{2}:){5}[A-F0-9]{2}( \\| [\\w]*)?$",
                                      G_REGEX_OPTIMIZE, 0, NULL);

      g_assert (compiled != NULL);
      g_once_init_leave (&regex, compiled);
    }

  return regex;
}

/* sensor.rs validate_sensor: the first failed rule of one sensor. */
static char *
validate_sensor (JsonObject *sensor)
{
  const char *id = json_object_get_string_member (sensor, "id");
  JsonNode *log_delay = json_object_get_member (sensor, "logDelay");

  if (!g_regex_match (mac_regex (), json_object_get_string_member (sensor, "macAddress"), 0,
                      NULL))
    return g_strdup_printf (" %s: Mac address is not valid", id);
  if (get_int (sensor, "logInterval") < 1)
    return g_strdup_printf (" %s: Log interval must be greater than zero", id);
  if (get_int (sensor, "programmedDate") < 1)
    return g_strdup_printf (" %s: Programmed date must be greater than zero", id);
  if (*json_object_get_string_member (sensor, "name") == '\0')
    return g_strdup_printf (" %s: Sensor name must be specified", id);
  if (get_int (sensor, "batteryLevel") < 0 || get_int (sensor, "batteryLevel") > 100)
    return g_strdup_printf (" %s: Battery level must be between 0 and 100", id);
  if (log_delay != NULL && !JSON_NODE_HOLDS_NULL (log_delay) && json_node_get_int (log_delay) < 0)
    return g_strdup_printf (" %s: Log delay must be positive", id);

  return NULL;
}

static gboolean
validate_breach (JsonObject *breach)
{
  JsonNode *end = json_object_get_member (breach, "endTimestamp");

  if (end != NULL && !JSON_NODE_HOLDS_NULL (end) && json_node_get_int (end) < 0)
    return FALSE;

  return get_int (breach, "startTimestamp") >= 0 && get_int (breach, "thresholdDuration") >= 0;
}

/*
 * _oms_coldchain_records_validate:
 *
 * Returns: (transfer full) (nullable): the 400 body when a record breaks a rule, else %NULL
 */
char *
_oms_coldchain_records_validate (OmsColdchainKind  kind,
                                 GPtrArray        *items)
{
  switch (kind)
    {
    case OMS_COLDCHAIN_KIND_SENSOR:
      {
        g_autoptr(GString) errors = NULL;

        for (guint i = 0; i < items->len; i++)
          {
            g_autofree char *text = validate_sensor (g_ptr_array_index (items, i));

            if (text == NULL)
              continue;
            if (errors == NULL)
              errors = g_string_new (text);
            else
              g_string_append_printf (errors, "\n%s", text);
          }

        if (errors != NULL)
          return g_strdup_printf ("The following sensors failed validation: \n%s", errors->str);
        return NULL;
      }

    case OMS_COLDCHAIN_KIND_TEMPERATURE_LOG:
      for (guint i = 0; i < items->len; i++)
        {
          if (get_int (g_ptr_array_index (items, i), "timestamp") < 1)
            return g_strdup ("Expecting a body with the array of temperature logs");
        }
      return NULL;

    case OMS_COLDCHAIN_KIND_TEMPERATURE_BREACH:
      for (guint i = 0; i < items->len; i++)
        {
          if (!validate_breach (g_ptr_array_index (items, i)))
            return g_strdup ("Expecting a body with the array of temperature breaches");
        }
      return NULL;

    default:
      g_assert_not_reached ();
    }
}

/* chrono's NaiveDateTime as serde and the store write it; NULL when out of range. */
static char *
format_unix_seconds (gint64 seconds)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (seconds);

  if (dt == NULL)
    return NULL;

  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");
}

/* repository get_sensor_type: the part after the first '|', untrimmed, so "AA:…:FF | LAIRD"
 * (the only suffixed form the MAC rule allows) yields " LAIRD" and falls back to BLUE_MAESTRO.
 */
static const char *
sensor_type_from_mac (const char *mac_address)
{
  const char *bar = strchr (mac_address, '|');
  g_autofree char *second = NULL;
  static const char *const types[] = { "BLUE_MAESTRO", "LAIRD", "BERLINGER", "LOG_TAG", NULL };

  if (bar == NULL)
    return "BLUE_MAESTRO";

  second = g_strndup (bar + 1, strcspn (bar + 1, "|"));
  for (guint i = 0; types[i] != NULL; i++)
    {
      if (g_str_equal (types[i], second))
        return types[i];
    }

  return "BLUE_MAESTRO";
}

/* SensorType has no serde rename, so the response names variants the Rust way. */
static const char *
sensor_type_serde_name (const char *type)
{
  if (g_strcmp0 (type, "LAIRD") == 0)
    return "Laird";
  if (g_strcmp0 (type, "BERLINGER") == 0)
    return "Berlinger";
  if (g_strcmp0 (type, "LOG_TAG") == 0)
    return "LogTag";
  return "BlueMaestro";
}

static void
copy_member (JsonObject *to,
             JsonObject *from,
             const char *name)
{
  JsonNode *node = from != NULL ? json_object_get_member (from, name) : NULL;

  json_object_set_member (to, name,
                          node != NULL ? json_node_copy (node) : json_node_new (JSON_NODE_NULL));
}

static void
set_string_or_null (JsonObject *object,
                    const char *name,
                    const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, name, value);
  else
    json_object_set_null_member (object, name);
}

/* Writes @fields and reads the stored row back, in Open mSupply's column order. */
static JsonObject *
write_row (OmsStore           *store,
           const char         *table,
           const char *const  *columns,
           JsonObject         *fields,
           char              **failure)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) stored = NULL;
  JsonObject *row;

  if (!oms_store_upsert_record (store, table, fields, OMS_ORIGIN_LOCAL, &error)
      || (stored = oms_store_get_record (store, table,
                                         json_object_get_string_member (fields, "id"),
                                         &error)) == NULL)
    {
      g_debug ("Cannot write %s %s: %s", table, json_object_get_string_member (fields, "id"),
               error != NULL ? error->message : "not found after writing");
      *failure = g_strdup_printf ("Unable to upsert %s %s. %s", table,
                                  json_object_get_string_member (fields, "id"),
                                  error != NULL ? error->message : "");
      return NULL;
    }

  row = json_object_new ();
  for (guint i = 0; columns[i] != NULL; i++)
    copy_member (row, stored, columns[i]);

  return row;
}

static JsonObject *
lookup (OmsStore    *store,
        const char  *table,
        const char  *id,
        char       **failure)
{
  g_autoptr(GError) error = NULL;
  JsonObject *object = oms_store_get_record (store, table, id, &error);

  if (error != NULL)
    *failure = g_strdup_printf ("Unable to get %s for id '%s'. %s", table, id, error->message);

  return object;
}

static JsonObject *
upsert_sensor (OmsStore             *store,
               const char           *store_id,
               JsonObject           *input,
               OmsColdchainWritten  *written,
               char                **failure)
{
  const char *id = json_object_get_string_member (input, "id");
  g_autoptr(JsonObject) existing = NULL;
  g_autoptr(JsonObject) fields = json_object_new ();
  const char *type;
  JsonObject *row;

  existing = lookup (store, "sensor", id, failure);
  if (*failure != NULL)
    return NULL;

  if (existing != NULL)
    {
      /* An update changes only what the phone owns: name, interval and battery. */
      for (guint i = 0; sensor_columns[i] != NULL; i++)
        copy_member (fields, existing, sensor_columns[i]);
    }
  else
    {
      const char *mac_address = json_object_get_string_member (input, "macAddress");

      json_object_set_string_member (fields, "id", id);
      json_object_set_string_member (fields, "serial", mac_address);
      json_object_set_null_member (fields, "location_id");
      json_object_set_string_member (fields, "store_id", store_id);
      json_object_set_boolean_member (fields, "is_active", TRUE);
      json_object_set_null_member (fields, "last_connection_datetime");
      json_object_set_string_member (fields, "type", sensor_type_from_mac (mac_address));
    }

  json_object_set_string_member (fields, "name", json_object_get_string_member (input, "name"));
  json_object_set_int_member (fields, "log_interval", get_int (input, "logInterval"));
  json_object_set_int_member (fields, "battery_level", get_int (input, "batteryLevel"));

  row = write_row (store, "sensor", sensor_columns, fields, failure);
  if (row == NULL)
    return NULL;

  type = json_object_get_string_member_with_default (row, "type", NULL);
  json_object_set_string_member (row, "type", sensor_type_serde_name (type));
  written->sensors++;
  return row;
}

/* temperature_log.rs: a log naming a breach the site has not seen yet gets a stand-in breach,
 * so no reading is lost; the phone's later breach upload fills it in. Its start time reads
 * the seconds as milliseconds, as Open mSupply's does, so both sites hold the same row.
 */
static gboolean
ensure_breach (OmsStore             *store,
               const char           *store_id,
               JsonObject           *log,
               const char           *breach_id,
               OmsColdchainWritten  *written,
               char                **failure)
{
  g_autoptr(JsonObject) existing = NULL;
  g_autoptr(JsonObject) fields = NULL;
  g_autoptr(JsonObject) row = NULL;
  g_autofree char *start = NULL;

  existing = lookup (store, "temperature_breach", breach_id, failure);
  if (*failure != NULL)
    return FALSE;
  if (existing != NULL)
    return TRUE;

  start = format_unix_seconds (get_int (log, "timestamp") / 1000);
  fields = json_object_new ();
  json_object_set_string_member (fields, "id", breach_id);
  json_object_set_int_member (fields, "duration_milliseconds", 0);
  json_object_set_string_member (fields, "type", "HOT_CONSECUTIVE");
  json_object_set_string_member (fields, "sensor_id",
                                 json_object_get_string_member (log, "sensorId"));
  json_object_set_null_member (fields, "location_id");
  json_object_set_string_member (fields, "store_id", store_id);
  json_object_set_string_member (fields, "start_datetime", start);
  json_object_set_null_member (fields, "end_datetime");
  json_object_set_boolean_member (fields, "unacknowledged", TRUE);
  json_object_set_double_member (fields, "threshold_minimum", 0.0);
  json_object_set_double_member (fields, "threshold_maximum", 0.0);
  json_object_set_int_member (fields, "threshold_duration_milliseconds", 0);
  json_object_set_null_member (fields, "comment");

  row = write_row (store, "temperature_breach", breach_columns, fields, failure);
  if (row == NULL)
    return FALSE;

  written->temperature_breaches++;
  return TRUE;
}

static JsonObject *
get_sensor (OmsStore    *store,
            const char  *sensor_id,
            char       **failure)
{
  JsonObject *sensor = lookup (store, "sensor", sensor_id, failure);

  if (sensor == NULL && *failure == NULL)
    {
      g_autofree char *quoted = _oms_coldchain_rust_debug_string (sensor_id);

      *failure = g_strdup_printf ("Unable to get sensor NotFound(%s)", quoted);
    }

  return sensor;
}

static JsonObject *
upsert_log (OmsStore             *store,
            const char           *store_id,
            JsonObject           *input,
            OmsColdchainWritten  *written,
            char                **failure)
{
  const char *id = json_object_get_string_member (input, "id");
  const char *breach_id = get_optional_string (input, "temperatureBreachId");
  g_autoptr(JsonObject) sensor = NULL;
  g_autoptr(JsonObject) existing = NULL;
  g_autoptr(JsonObject) fields = NULL;
  g_autofree char *datetime = NULL;
  JsonObject *row;
  JsonNode *temperature;

  sensor = get_sensor (store, json_object_get_string_member (input, "sensorId"), failure);
  if (sensor == NULL)
    return NULL;

  datetime = format_unix_seconds (get_int (input, "timestamp"));
  if (datetime == NULL)
    {
      *failure = g_strdup_printf ("Unable to parse timestamp %" G_GINT64_FORMAT,
                                  get_int (input, "timestamp"));
      return NULL;
    }

  if (breach_id != NULL && !ensure_breach (store, store_id, input, breach_id, written, failure))
    return NULL;

  existing = lookup (store, "temperature_log", id, failure);
  if (*failure != NULL)
    return NULL;

  temperature = json_object_get_member (input, "temperature");
  fields = json_object_new ();
  json_object_set_string_member (fields, "id", id);
  json_object_set_double_member (fields, "temperature", json_node_get_double (temperature));
  json_object_set_member (fields, "sensor_id",
                          json_node_copy (json_object_get_member (sensor, "id")));
  copy_member (fields, sensor, "location_id");
  json_object_set_string_member (fields, "store_id",
                                 existing != NULL
                                 ? json_object_get_string_member (existing, "store_id")
                                 : store_id);
  json_object_set_string_member (fields, "datetime", datetime);
  set_string_or_null (fields, "temperature_breach_id", breach_id);

  row = write_row (store, "temperature_log", log_columns, fields, failure);
  if (row != NULL)
    written->temperature_logs++;

  return row;
}

static JsonObject *
upsert_breach (OmsStore             *store,
               const char           *store_id,
               JsonObject           *input,
               OmsColdchainWritten  *written,
               char                **failure)
{
  const char *id = json_object_get_string_member (input, "id");
  JsonNode *end_node = json_object_get_member (input, "endTimestamp");
  g_autoptr(JsonObject) sensor = NULL;
  g_autoptr(JsonObject) existing = NULL;
  g_autoptr(JsonObject) fields = NULL;
  g_autofree char *start = NULL;
  g_autofree char *end = NULL;
  gint64 start_seconds = get_int (input, "startTimestamp");
  gint64 duration = 0;
  JsonObject *row;

  sensor = get_sensor (store, json_object_get_string_member (input, "sensorId"), failure);
  if (sensor == NULL)
    return NULL;

  start = format_unix_seconds (start_seconds);
  if (start == NULL)
    {
      *failure = g_strdup_printf ("Unable to parse timestamp %" G_GINT64_FORMAT, start_seconds);
      return NULL;
    }

  if (end_node != NULL && !JSON_NODE_HOLDS_NULL (end_node))
    {
      gint64 end_seconds = json_node_get_int (end_node);

      /* i32 milliseconds, 0 when the difference does not fit (temperature_breach.rs). */
      if (end_seconds - start_seconds >= G_MININT32 / 1000
          && end_seconds - start_seconds <= G_MAXINT32 / 1000)
        duration = (end_seconds - start_seconds) * 1000;
      end = format_unix_seconds (end_seconds);
    }

  existing = lookup (store, "temperature_breach", id, failure);
  if (*failure != NULL)
    return NULL;

  fields = json_object_new ();
  json_object_set_string_member (fields, "id", id);
  json_object_set_int_member (fields, "duration_milliseconds", duration);
  json_object_set_string_member (fields, "type", json_object_get_string_member (input, "type"));
  json_object_set_member (fields, "sensor_id",
                          json_node_copy (json_object_get_member (sensor, "id")));
  copy_member (fields, sensor, "location_id");
  json_object_set_string_member (fields, "store_id",
                                 existing != NULL
                                 ? json_object_get_string_member (existing, "store_id")
                                 : store_id);
  json_object_set_string_member (fields, "start_datetime", start);
  set_string_or_null (fields, "end_datetime", end);
  json_object_set_double_member (fields, "threshold_minimum",
                                 json_object_get_double_member (input,
                                                                "thresholdMinimumTemperature"));
  json_object_set_double_member (fields, "threshold_maximum",
                                 json_object_get_double_member (input,
                                                                "thresholdMaximumTemperature"));
  json_object_set_int_member (fields, "threshold_duration_milliseconds",
                              get_int (input, "thresholdDuration"));

  if (existing != NULL)
    {
      /* Acknowledgement and its comment belong to this site, not to the phone. */
      copy_member (fields, existing, "unacknowledged");
      copy_member (fields, existing, "comment");
    }
  else
    {
      json_object_set_boolean_member (fields, "unacknowledged", TRUE);
      set_string_or_null (fields, "comment", get_optional_string (input, "comment"));
    }

  row = write_row (store, "temperature_breach", breach_columns, fields, failure);
  if (row != NULL)
    written->temperature_breaches++;

  return row;
}

/*
 * _oms_coldchain_records_upsert:
 * @written: (out caller-allocates): rows written, whatever the outcome
 * @wire_error: (out): the 500 body for the first record that failed
 *
 * Upserts every record, as the handlers do, even after one has failed: the good ones stay
 * written. The batch shares one transaction when none is open, so a batch costs one commit.
 *
 * Returns: (transfer full) (nullable): the 200 body, or %NULL when a record failed
 */
JsonNode *
_oms_coldchain_records_upsert (OmsColdchainKind      kind,
                               OmsStore             *store,
                               const char           *store_id,
                               GPtrArray            *items,
                               OmsColdchainWritten  *written,
                               char                **wire_error)
{
  g_autoptr(JsonArray) results = json_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *first_failure = NULL;
  const char *row_name = NULL;
  gboolean in_transaction;
  JsonNode *node;

  memset (written, 0, sizeof *written);

  if (items->len == 0)
    {
      node = json_node_new (JSON_NODE_ARRAY);
      json_node_take_array (node, json_array_new ());
      return node;
    }

  in_transaction = oms_store_begin (store, &error);
  if (!in_transaction)
    g_debug ("Writing the upload without a transaction of its own: %s", error->message);

  for (guint i = 0; i < items->len; i++)
    {
      JsonObject *input = g_ptr_array_index (items, i);
      g_autofree char *failure = NULL;
      JsonObject *row = NULL;

      switch (kind)
        {
        case OMS_COLDCHAIN_KIND_SENSOR:
          row = upsert_sensor (store, store_id, input, written, &failure);
          row_name = "sensor_row";
          break;
        case OMS_COLDCHAIN_KIND_TEMPERATURE_LOG:
          row = upsert_log (store, store_id, input, written, &failure);
          row_name = "temperature_log_row";
          break;
        case OMS_COLDCHAIN_KIND_TEMPERATURE_BREACH:
          row = upsert_breach (store, store_id, input, written, &failure);
          row_name = "temperature_breach_row";
          break;
        default:
          g_assert_not_reached ();
        }

      if (row == NULL)
        {
          g_debug ("Cold chain record %s refused: %s",
                   json_object_get_string_member (input, "id"), failure);
          if (first_failure == NULL)
            first_failure = g_steal_pointer (&failure);
          continue;
        }

      {
        JsonObject *wrapped = json_object_new ();
        JsonObject *ok = json_object_new ();

        json_object_set_object_member (wrapped, row_name, row);
        json_object_set_object_member (ok, "Ok", wrapped);
        json_array_add_object_element (results, ok);
      }
    }

  if (in_transaction)
    {
      g_clear_error (&error);
      if (!oms_store_commit (store, &error))
        {
          memset (written, 0, sizeof *written);
          *wire_error = g_strdup_printf ("DatabaseError(%s)", error->message);
          return NULL;
        }
    }

  if (first_failure != NULL)
    {
      *wire_error = _oms_coldchain_rust_debug_string (first_failure);
      return NULL;
    }

  node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, g_steal_pointer (&results));
  return node;
}
