/* oms-coldchain-queries.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-coldchain-queries"

#include "config.h"

#include <glib/gi18n.h>

#include "oms-coldchain-queries.h"
#include "oms-store-private.h"

/* What the Cold chain page shows and the two edits it makes. Reads go straight to the typed
 * tables; edits go through oms_store_upsert_record so each one writes its changelog row and
 * is pushed by the next sync (the breach to the legacy central, the asset log by Push V6).
 */

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup ((const char *)text) : NULL;
}

void
oms_coldchain_sensor_free (OmsColdchainSensor *sensor)
{
  if (sensor == NULL)
    return;

  g_free (sensor->id);
  g_free (sensor->name);
  g_free (sensor->serial);
  g_free (sensor->location_name);
  g_free (sensor->temperature_datetime);
  g_free (sensor);
}

void
oms_coldchain_breach_free (OmsColdchainBreach *breach)
{
  if (breach == NULL)
    return;

  g_free (breach->id);
  g_free (breach->type);
  g_free (breach->sensor_name);
  g_free (breach->start_datetime);
  g_free (breach->end_datetime);
  g_free (breach->comment);
  g_free (breach);
}

void
oms_coldchain_equipment_free (OmsColdchainEquipment *equipment)
{
  if (equipment == NULL)
    return;

  g_free (equipment->id);
  g_free (equipment->asset_number);
  g_free (equipment->notes);
  g_free (equipment->serial_number);
  g_free (equipment->status);
  g_free (equipment->status_datetime);
  g_free (equipment);
}

static gboolean
step_failed (OmsStore      *store,
             sqlite3_stmt  *stmt,
             int            rc,
             GError       **error)
{
  if (rc == SQLITE_DONE)
    {
      sqlite3_reset (stmt);
      return FALSE;
    }

  oms_store_set_sql_error (store, error, _("read the cold chain records"));
  sqlite3_reset (stmt);
  return TRUE;
}

/**
 * oms_coldchain_list_sensors:
 * @store: an #OmsStore
 *
 * Lists the sensors by name, each with its location's name and its newest temperature log.
 *
 * Returns: (transfer full) (element-type OmsColdchainSensor) (nullable): the sensors
 */
GPtrArray *
oms_coldchain_list_sensors (OmsStore  *store,
                            GError   **error)
{
  static const char sql[] =
    "SELECT s.id, s.name, s.serial, l.name, s.battery_level, t.temperature, t.datetime\n"
    "FROM sensor s\n"
    "LEFT JOIN location l ON l.id = s.location_id\n"
    "LEFT JOIN temperature_log t ON t.id = (\n"
    "  SELECT id FROM temperature_log WHERE sensor_id = s.id\n"
    "  ORDER BY datetime DESC, id DESC LIMIT 1)\n"
    "ORDER BY s.name COLLATE NOCASE, s.id";
  g_autoptr(GPtrArray) sensors = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (OMS_IS_STORE (store), NULL);

  stmt = oms_store_prepare (store, sql, error);
  if (stmt == NULL)
    return NULL;

  sensors = g_ptr_array_new_with_free_func ((GDestroyNotify)oms_coldchain_sensor_free);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      OmsColdchainSensor *sensor = g_new0 (OmsColdchainSensor, 1);

      sensor->id = column_dup (stmt, 0);
      sensor->name = column_dup (stmt, 1);
      sensor->serial = column_dup (stmt, 2);
      sensor->location_name = column_dup (stmt, 3);
      sensor->has_battery_level = sqlite3_column_type (stmt, 4) != SQLITE_NULL;
      sensor->battery_level = sqlite3_column_int (stmt, 4);
      sensor->has_temperature = sqlite3_column_type (stmt, 5) != SQLITE_NULL;
      sensor->temperature = sqlite3_column_double (stmt, 5);
      sensor->temperature_datetime = column_dup (stmt, 6);
      g_ptr_array_add (sensors, sensor);
    }

  if (step_failed (store, stmt, rc, error))
    return NULL;

  return g_steal_pointer (&sensors);
}

/**
 * oms_coldchain_list_breaches:
 * @store: an #OmsStore
 *
 * Lists the temperature breaches, unacknowledged first, then newest first.
 *
 * Returns: (transfer full) (element-type OmsColdchainBreach) (nullable): the breaches
 */
GPtrArray *
oms_coldchain_list_breaches (OmsStore  *store,
                             GError   **error)
{
  static const char sql[] =
    "SELECT b.id, b.type, s.name, b.start_datetime, b.end_datetime, b.threshold_minimum,\n"
    "  b.threshold_maximum, b.unacknowledged, b.comment\n"
    "FROM temperature_breach b\n"
    "LEFT JOIN sensor s ON s.id = b.sensor_id\n"
    "ORDER BY b.unacknowledged DESC, b.start_datetime DESC, b.id";
  g_autoptr(GPtrArray) breaches = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (OMS_IS_STORE (store), NULL);

  stmt = oms_store_prepare (store, sql, error);
  if (stmt == NULL)
    return NULL;

  breaches = g_ptr_array_new_with_free_func ((GDestroyNotify)oms_coldchain_breach_free);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      OmsColdchainBreach *breach = g_new0 (OmsColdchainBreach, 1);

      breach->id = column_dup (stmt, 0);
      breach->type = column_dup (stmt, 1);
      breach->sensor_name = column_dup (stmt, 2);
      breach->start_datetime = column_dup (stmt, 3);
      breach->end_datetime = column_dup (stmt, 4);
      breach->threshold_minimum = sqlite3_column_double (stmt, 5);
      breach->threshold_maximum = sqlite3_column_double (stmt, 6);
      breach->unacknowledged = sqlite3_column_int (stmt, 7) != 0;
      breach->comment = column_dup (stmt, 8);
      g_ptr_array_add (breaches, breach);
    }

  if (step_failed (store, stmt, rc, error))
    return NULL;

  return g_steal_pointer (&breaches);
}

/**
 * oms_coldchain_list_equipment:
 * @store: an #OmsStore
 *
 * Lists the assets that are not deleted, each with its newest asset_log status.
 *
 * Returns: (transfer full) (element-type OmsColdchainEquipment) (nullable): the equipment
 */
GPtrArray *
oms_coldchain_list_equipment (OmsStore  *store,
                              GError   **error)
{
  static const char sql[] =
    "SELECT a.id, a.asset_number, a.notes, a.serial_number, g.status, g.log_datetime\n"
    "FROM asset a\n"
    "LEFT JOIN asset_log g ON g.id = (\n"
    "  SELECT id FROM asset_log WHERE asset_id = a.id AND status IS NOT NULL\n"
    "  ORDER BY log_datetime DESC, created_datetime DESC, id DESC LIMIT 1)\n"
    "WHERE a.deleted_datetime IS NULL\n"
    "ORDER BY a.asset_number COLLATE NOCASE, a.id";
  g_autoptr(GPtrArray) equipment = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (OMS_IS_STORE (store), NULL);

  stmt = oms_store_prepare (store, sql, error);
  if (stmt == NULL)
    return NULL;

  equipment = g_ptr_array_new_with_free_func ((GDestroyNotify)oms_coldchain_equipment_free);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      OmsColdchainEquipment *item = g_new0 (OmsColdchainEquipment, 1);

      item->id = column_dup (stmt, 0);
      item->asset_number = column_dup (stmt, 1);
      item->notes = column_dup (stmt, 2);
      item->serial_number = column_dup (stmt, 3);
      item->status = column_dup (stmt, 4);
      item->status_datetime = column_dup (stmt, 5);
      g_ptr_array_add (equipment, item);
    }

  if (step_failed (store, stmt, rc, error))
    return NULL;

  return g_steal_pointer (&equipment);
}

/**
 * oms_coldchain_acknowledge_breach:
 * @store: an #OmsStore
 * @breach_id: the temperature_breach id
 * @comment: (nullable): why the breach happened or what was done
 *
 * Marks the breach acknowledged with @comment, writing a changelog row so the next sync
 * pushes it to the legacy central.
 *
 * Returns: %TRUE on success
 */
gboolean
oms_coldchain_acknowledge_breach (OmsStore    *store,
                                  const char  *breach_id,
                                  const char  *comment,
                                  GError     **error)
{
  g_autoptr(JsonObject) fields = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (OMS_IS_STORE (store), FALSE);
  g_return_val_if_fail (breach_id != NULL, FALSE);

  fields = oms_store_get_record (store, "temperature_breach", breach_id, &local_error);
  if (fields == NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, OMS_STORE_ERROR, OMS_STORE_ERROR_INVALID,
                     /* Translators: %s is the breach's id, a long code. */
                     _("The temperature breach “%s” is no longer stored."), breach_id);
      return FALSE;
    }

  json_object_set_boolean_member (fields, "unacknowledged", FALSE);
  if (comment != NULL && comment[0] != '\0')
    json_object_set_string_member (fields, "comment", comment);
  else
    json_object_set_null_member (fields, "comment");

  return oms_store_upsert_record (store, "temperature_breach", fields, OMS_ORIGIN_LOCAL, error);
}

/**
 * oms_coldchain_is_asset_status:
 * @status: (nullable): a status
 *
 * Returns: whether @status is one of the statuses the Cold chain page offers
 */
gboolean
oms_coldchain_is_asset_status (const char *status)
{
  return g_strcmp0 (status, OMS_ASSET_STATUS_FUNCTIONING) == 0 ||
         g_strcmp0 (status, OMS_ASSET_STATUS_NEEDS_ATTENTION) == 0 ||
         g_strcmp0 (status, OMS_ASSET_STATUS_NOT_FUNCTIONING) == 0;
}

/**
 * oms_coldchain_add_asset_status:
 * @store: an #OmsStore
 * @asset_id: the asset id
 * @status: one of the `OMS_ASSET_STATUS_*` values
 *
 * Adds an asset_log row with @status logged now, with its changelog row, so Push V6 sends it
 * to the Open mSupply central.
 *
 * Returns: (transfer full) (nullable): the new asset_log id
 */
char *
oms_coldchain_add_asset_status (OmsStore    *store,
                                const char  *asset_id,
                                const char  *status,
                                GError     **error)
{
  g_autoptr(JsonObject) fields = NULL;
  g_autoptr(JsonObject) asset = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *id = NULL;
  g_autofree char *datetime = NULL;

  g_return_val_if_fail (OMS_IS_STORE (store), NULL);
  g_return_val_if_fail (asset_id != NULL, NULL);

  if (!oms_coldchain_is_asset_status (status))
    {
      g_set_error (error, OMS_STORE_ERROR, OMS_STORE_ERROR_INVALID,
                   /* Translators: %s is the status that was given, as typed; equipment statuses
                    * are Functioning, Needs servicing and so on. */
                   _("“%s” is not an equipment status."), status ? status : "");
      return NULL;
    }

  asset = oms_store_get_record (store, "asset", asset_id, &local_error);
  if (asset == NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, OMS_STORE_ERROR, OMS_STORE_ERROR_INVALID,
                     /* Translators: %s is the equipment's id, a long code. */
                     _("The equipment “%s” is no longer stored."), asset_id);
      return NULL;
    }

  /* Open mSupply writes naive UTC timestamps without a zone or fraction. */
  now = g_date_time_new_now_utc ();
  datetime = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S");
  id = g_uuid_string_random ();

  fields = json_object_new ();
  json_object_set_string_member (fields, "id", id);
  json_object_set_string_member (fields, "asset_id", asset_id);
  json_object_set_string_member (fields, "user_id", OMS_ASSET_LOG_USER_ID);
  json_object_set_string_member (fields, "status", status);
  json_object_set_string_member (fields, "log_datetime", datetime);
  json_object_set_string_member (fields, "created_datetime", datetime);

  if (!oms_store_upsert_record (store, "asset_log", fields, OMS_ORIGIN_LOCAL, error))
    return NULL;

  return g_steal_pointer (&id);
}
