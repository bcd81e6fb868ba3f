/* oms-record-words.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-record-words"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "oms-locale.h"
#include "oms-record-words.h"
#include "oms-sync-log.h"

/* Records in people's words, for the Records page and omsync-cli: "Temperature log 4.2 °C,
 * Fridge 1, 7 Jan 23:45" rather than `temperature_log` and an id. Table names are Open
 * mSupply's, local (`temperature_log`) and legacy (`Location`, `item_line`) alike.
 */

static const struct {
  const char *table_name;
  const char *title;
} table_titles[] = {
  { "activity_log", N_("Activity log") },
  { "asset", N_("Equipment") },
  { "asset_catalogue_item", N_("Asset catalogue item") },
  { "asset_catalogue_type", N_("Asset catalogue type") },
  { "asset_category", N_("Asset category") },
  { "asset_class", N_("Asset class") },
  { "asset_internal_location", N_("Equipment location") },
  { "asset_log", N_("Equipment status log") },
  { "asset_log_reason", N_("Equipment status reason") },
  { "barcode", N_("Barcode") },
  { "clinician", N_("Clinician") },
  { "clinician_store_join", N_("Clinician in store") },
  { "contact_form", N_("Contact form") },
  { "currency", N_("Currency") },
  { "document", N_("Document") },
  { "encounter", N_("Encounter") },
  { "indicator_value", N_("Indicator value") },
  { "invoice", N_("Invoice") },
  { "invoice_line", N_("Invoice line") },
  { "item", N_("Item") },
  { "item_line", N_("Stock line") },
  { "list_master", N_("Master list") },
  { "list_master_line", N_("Master list line") },
  { "location", N_("Location") },
  { "Location", N_("Location") },
  { "location_movement", N_("Location movement") },
  { "location_type", N_("Location type") },
  { "message", N_("Message") },
  { "name", N_("Name") },
  { "name_oms_fields", N_("Name details") },
  { "name_store_join", N_("Name in store") },
  { "name_tag", N_("Name tag") },
  { "om_activity_log", N_("Activity log") },
  { "om_document", N_("Document") },
  { "period", N_("Period") },
  { "plugin_data", N_("Plugin data") },
  { "purchase_order", N_("Purchase order") },
  { "purchase_order_line", N_("Purchase order line") },
  { "requisition", N_("Requisition") },
  { "requisition_line", N_("Requisition line") },
  { "rnr_form", N_("R&R form") },
  { "rnr_form_line", N_("R&R form line") },
  { "sensor", N_("Sensor") },
  { "stock_line", N_("Stock line") },
  { "stocktake", N_("Stocktake") },
  { "Stock_take", N_("Stocktake") },
  { "stocktake_line", N_("Stocktake line") },
  { "Stock_take_lines", N_("Stocktake line") },
  { "store", N_("Store") },
  { "sync_file_reference", N_("Attached file") },
  { "system_log", N_("System log") },
  { "temperature_breach", N_("Temperature breach") },
  { "temperature_log", N_("Temperature log") },
  { "trans_line", N_("Invoice line") },
  { "transact", N_("Invoice") },
  { "unit", N_("Unit") },
  { "user", N_("User") },
  { "vaccination", N_("Vaccination") },
  { "vaccine_course", N_("Vaccine course") },
  { "vaccine_course_dose", N_("Vaccine course dose") },
  { "vaccine_course_item", N_("Vaccine course item") },
  { "vaccine_course_store_config", N_("Vaccine course store setting") },
  { "vaccine_vial_monitor_status_log", N_("Vaccine vial monitor log") },
};

/**
 * oms_table_title:
 * @table_name: a local or legacy table name
 *
 * Returns: (nullable): the table's name for people, translated ("Temperature log"), or %NULL
 *   for a table omsync does not know by name
 */
const char *
oms_table_title (const char *table_name)
{
  for (guint i = 0; i < G_N_ELEMENTS (table_titles); i++)
    {
      if (g_strcmp0 (table_titles[i].table_name, table_name) == 0)
        return _(table_titles[i].title);
    }

  return NULL;
}

/**
 * oms_table_title_dup:
 * @table_name: a local or legacy table name
 *
 * Returns: (transfer full): the table's name for people; an unknown table's own name with
 *   its underscores as spaces and the first letter capitalised ("Price list")
 */
char *
oms_table_title_dup (const char *table_name)
{
  const char *title = oms_table_title (table_name);
  char *text;

  if (title != NULL)
    return g_strdup (title);
  if (table_name == NULL || *table_name == '\0')
    return g_strdup (_("Record"));

  text = g_strdelimit (g_ascii_strdown (table_name, -1), "_", ' ');
  text[0] = g_ascii_toupper (text[0]);
  return text;
}

/**
 * oms_record_time_to_words:
 * @usec: UTC microseconds since the epoch, 0 for unknown
 *
 * Returns: (transfer full) (nullable): the local time, short: "7 Jan 23:45", with the year
 *   when it is not this year's
 */
char *
oms_record_time_to_words (gint64 usec)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) now = NULL;

  if (usec == 0)
    return NULL;

  utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  if (utc == NULL)
    return NULL;
  local = g_date_time_to_local (utc);
  now = g_date_time_new_now_local ();

  if (g_date_time_get_year (local) == g_date_time_get_year (now))
    /* Translators: a day and time, strftime format: "7 Jan 23:45". */
    return g_date_time_format (local, _("%-d %b %H:%M"));

  /* Translators: a date and time, strftime format: "7 Jan 2025 23:45". */
  return g_date_time_format (local, _("%-d %b %Y %H:%M"));
}

static const char *
member_string (JsonObject *object,
               const char *member)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;

  node = json_object_get_member (object, member);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return *json_node_get_string (node) != '\0' ? json_node_get_string (node) : NULL;
}

static char *
member_time (JsonObject *object,
             const char *member)
{
  gint64 usec = 0;

  if (!oms_sync_parse_timestamp (member_string (object, member), &usec))
    return NULL;

  return oms_record_time_to_words (usec);
}

/* The name of the location or sensor a temperature record belongs to: "Fridge 1". */
static char *
place_name (OmsStore   *store,
            JsonObject *row)
{
  const char *tables[] = { "location", "sensor" };
  const char *members[] = { "location_id", "sensor_id" };

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      const char *id = member_string (row, members[i]);
      g_autoptr(JsonObject) place = NULL;

      if (id == NULL)
        continue;
      place = oms_store_get_record (store, tables[i], id, NULL);
      if (member_string (place, "name") != NULL)
        return g_strdup (member_string (place, "name"));
    }

  return NULL;
}

/* Joins the parts that are known: "Temperature log 4.2 °C, Fridge 1, 7 Jan 23:45". */
static char *
join_words (const char *title,
            const char *first,
            ...)
{
  GString *text = g_string_new (title);
  const char *part = first;
  gboolean after_title = TRUE;
  va_list args;

  va_start (args, first);
  for (int i = 0; i < 3; i++)
    {
      if (part != NULL && *part != '\0')
        {
          g_string_append (text, after_title ? " " : ", ");
          g_string_append (text, part);
          after_title = FALSE;
        }
      part = va_arg (args, const char *);
    }
  va_end (args);

  return g_string_free (text, FALSE);
}

/**
 * oms_record_describe_stored:
 * @store: the store
 * @table_name: a local table name
 * @record_id: the record's id
 *
 * Returns: (transfer full): the record in people's words, from what the store holds; the
 *   table and the id for a record it no longer holds (a deletion)
 */
char *
oms_record_describe_stored (OmsStore   *store,
                            const char *table_name,
                            const char *record_id)
{
  g_autofree char *title = oms_table_title_dup (table_name);
  g_autoptr(JsonObject) row = NULL;

  g_return_val_if_fail (OMS_IS_STORE (store), NULL);

  row = oms_store_get_record (store, table_name, record_id, NULL);
  if (row == NULL)
    return join_words (title, record_id, NULL, NULL);

  if (g_strcmp0 (table_name, "temperature_log") == 0)
    {
      g_autofree char *place = place_name (store, row);
      g_autofree char *when = member_time (row, "datetime");
      g_autofree char *degrees = NULL;

      if (json_object_has_member (row, "temperature"))
        degrees = oms_locale_format_temperature (json_object_get_double_member (row,
                                                                                "temperature"));
      return join_words (title, degrees, place, when);
    }

  if (g_strcmp0 (table_name, "temperature_breach") == 0)
    {
      g_autofree char *place = place_name (store, row);
      g_autofree char *when = member_time (row, "start_datetime");

      return join_words (title, place, when, NULL);
    }

  if (g_strcmp0 (table_name, "asset") == 0)
    return join_words (title, member_string (row, "asset_number"),
                       member_string (row, "serial_number"), member_string (row, "notes"));

  if (g_strcmp0 (table_name, "asset_log") == 0)
    {
      g_autofree char *when = member_time (row, "log_datetime");

      return join_words (title, member_string (row, "status"), when, NULL);
    }

  if (g_strcmp0 (table_name, "sync_file_reference") == 0)
    return join_words (title, member_string (row, "file_name"), NULL, NULL);

  /* Typed or kept as received: most records have a name or a code. */
  return join_words (title,
                     member_string (row, "name") != NULL ? member_string (row, "name")
                                                         : record_id,
                     member_string (row, "code"), NULL);
}

/**
 * oms_record_describe_pulled:
 * @table_name: the table as the central server names it
 * @record_id: the record's id
 * @data_json: (nullable): the record as pulled
 *
 * Returns: (transfer full): a pulled record in people's words: its table, its name or
 *   description when it has one, and its id
 */
char *
oms_record_describe_pulled (const char *table_name,
                            const char *record_id,
                            const char *data_json)
{
  g_autofree char *title = oms_table_title_dup (table_name);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object = NULL;
  const char *name = NULL;

  if (data_json != NULL && json_parser_load_from_data (parser, data_json, -1, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    object = json_node_get_object (json_parser_get_root (parser));

  /* A merge: which record goes into which. */
  if (member_string (object, "mergeIdToKeep") != NULL &&
      member_string (object, "mergeIdToDelete") != NULL)
    /* Translators: a merge received from the central: "Name: N2 merged into N1". */
    return g_strdup_printf (_("%s: %s merged into %s"), title,
                            member_string (object, "mergeIdToDelete"),
                            member_string (object, "mergeIdToKeep"));

  if (object != NULL)
    {
      static const char *const members[] = { "name", "Description", "description", "code" };

      for (guint i = 0; i < G_N_ELEMENTS (members) && name == NULL; i++)
        name = member_string (object, members[i]);
    }

  return join_words (title, name, record_id, NULL);
}
