/* oms-central-demo.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-central-demo"

#include "config.h"

#include <string.h>

#include "oms-central-private.h"

/* A small district: a demo site whose store keeps vaccines cold, the facilities and
 * suppliers around it, and the item list the legacy central distributes. Legacy tables
 * use mSupply's field names (records.json); Open mSupply tables use snake_case.
 */

#define DEMO_SITE_NAME "demo"
#define DEMO_SITE_PASSWORD "pass"
#define DEMO_SITE_ID 2
#define DEMO_STORE_NAME "Demo District Store"

static const char *const facilities[] = {
  "Riverside Health Centre", "Hilltop Dispensary", "Lakeview Health Post",
  "Market Town Clinic", "Northgate Maternity Unit", "Eastfield Health Centre",
  "Southbank Dispensary", "Westwood Rural Clinic", "Greenvale Health Post",
  "Stonebridge Health Centre", "Mission Hospital", "District Hospital",
  "Old Mill Clinic", "Kingsford Health Post", "Baywater Dispensary",
  "Cedar Grove Health Centre", "Fairview Clinic", "Highland Health Post",
};

static const char *const suppliers[] = {
  "Central Medical Stores", "Regional Vaccine Store", "UNICEF Supply Division",
  "National Pharmaceutical Warehouse", "Mission Supplies Depot",
};

static const struct { const char *name; const char *comment; } units[] = {
  { "Units", "" }, { "Tab", "" }, { "Bottle", "This is a bottle unit type" },
  { "Vial", "This is a vial unit type" }, { "Ampoule", "" }, { "Tube", "" },
  { "Sachet", "" }, { "Dose", "" },
};

static const struct { const char *name; const char *code; guint unit; gboolean vaccine; } items[] = {
  { "BCG vaccine 20 doses", "BCG20", 3, TRUE },
  { "Measles-Rubella vaccine 10 doses", "MR10", 3, TRUE },
  { "Oral polio vaccine 20 doses", "OPV20", 3, TRUE },
  { "Pentavalent vaccine 1 dose", "PENTA1", 3, TRUE },
  { "Pneumococcal conjugate vaccine 4 doses", "PCV4", 3, TRUE },
  { "Rotavirus vaccine 1 dose", "ROTA1", 7, TRUE },
  { "Tetanus-diphtheria vaccine 10 doses", "TD10", 3, TRUE },
  { "HPV vaccine 1 dose", "HPV1", 3, TRUE },
  { "Yellow fever vaccine 10 doses", "YF10", 3, TRUE },
  { "Hepatitis B vaccine birth dose", "HEPB1", 3, TRUE },
  { "Inactivated polio vaccine 5 doses", "IPV5", 3, TRUE },
  { "COVID-19 vaccine 10 doses", "COV10", 3, TRUE },
  { "Amoxicillin 250mg tablet", "AMOX250", 1, FALSE },
  { "Amoxicillin 125mg/5ml suspension", "AMOXS", 2, FALSE },
  { "Paracetamol 500mg tablet", "PARA500", 1, FALSE },
  { "Paracetamol 120mg/5ml syrup", "PARAS", 2, FALSE },
  { "Oral rehydration salts sachet", "ORS", 6, FALSE },
  { "Zinc sulphate 20mg tablet", "ZINC20", 1, FALSE },
  { "Artemether/Lumefantrine 20/120mg tablet", "AL20", 1, FALSE },
  { "Malaria rapid diagnostic test", "MRDT", 0, FALSE },
  { "Oxytocin 10 IU/ml ampoule", "OXY10", 4, FALSE },
  { "Magnesium sulphate 50% ampoule", "MGSO4", 4, FALSE },
  { "Ferrous sulphate + folic acid tablet", "FEFOL", 1, FALSE },
  { "Metronidazole 200mg tablet", "METRO200", 1, FALSE },
  { "Cotrimoxazole 480mg tablet", "CTX480", 1, FALSE },
  { "Gentamicin 40mg/ml ampoule", "GENT40", 4, FALSE },
  { "Ceftriaxone 1g vial", "CEF1G", 3, FALSE },
  { "Insulin soluble 100 IU/ml vial", "INSS", 3, FALSE },
  { "Tetracycline eye ointment 1%", "TEO1", 5, FALSE },
  { "Chlorhexidine 7.1% gel", "CHX71", 5, FALSE },
  { "Syringe auto-disable 0.5ml", "ADS05", 0, FALSE },
  { "Syringe auto-disable 0.05ml", "ADS005", 0, FALSE },
  { "Safety box 5 litres", "SB5", 0, FALSE },
  { "Vitamin A 200,000 IU capsule", "VITA200", 1, FALSE },
  { "Albendazole 400mg tablet", "ALB400", 1, FALSE },
  { "Salbutamol 100mcg inhaler", "SALB", 0, FALSE },
};

static const struct { const char *code; const char *description; } locations[] = {
  { "CR.01", "Cold room 1" }, { "FR.A", "Vaccine fridge A" }, { "FR.B", "Vaccine fridge B" },
  { "FZ.01", "Ice pack freezer" }, { "DS.01", "Dry store shelf 1" }, { "DS.02", "Dry store shelf 2" },
};

static const struct { const char *name; const char *model; const char *category; gboolean freezer; } assets[] = {
  { "Vaccine fridge A", "TCW 2000 SDD", "Refrigerators and freezers", FALSE },
  { "Vaccine fridge B", "VLS 054A SDD", "Refrigerators and freezers", FALSE },
  { "Ice pack freezer", "MF 314", "Refrigerators and freezers", TRUE },
  { "Cold room 1", "CR 20m3", "Cold rooms and freezer rooms", FALSE },
  { "Outreach cold box", "RCW 25", "Insulated containers", FALSE },
};

typedef struct
{
  OmsCentralContext *ctx;
  sqlite3_stmt      *central;
  sqlite3_stmt      *remote;
} Seeder;

static gboolean
add_central (Seeder      *seeder,
             const char  *table_name,
             const char  *record_id,
             const char  *data,
             GError     **error)
{
  sqlite3_stmt *stmt = seeder->central;

  sqlite3_reset (stmt);
  sqlite3_bind_text (stmt, 1, table_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, record_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, data, -1, SQLITE_TRANSIENT);
  return _oms_central_db_step_done (seeder->ctx, stmt, error);
}

static gboolean
add_remote (Seeder      *seeder,
            const char  *table_name,
            const char  *record_id,
            const char  *store_id,
            const char  *data,
            GError     **error)
{
  sqlite3_stmt *stmt = seeder->remote;

  sqlite3_reset (stmt);
  sqlite3_bind_text (stmt, 1, table_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, record_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, store_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, data, -1, SQLITE_TRANSIENT);
  return _oms_central_db_step_done (seeder->ctx, stmt, error);
}

static char *
node_take_string (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}

static void
member_string (JsonBuilder *builder,
               const char  *name,
               const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
member_int (JsonBuilder *builder,
            const char  *name,
            gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
member_bool (JsonBuilder *builder,
             const char  *name,
             gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

static void
member_double (JsonBuilder *builder,
               const char  *name,
               double       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_double_value (builder, value);
}

static char *
legacy_id (const char *kind,
           const char *name)
{
  g_autofree char *seed = g_strdup_printf ("demo:%s:%s", kind, name);

  return _oms_central_legacy_id (seed);
}

/* Ids of one store's records: another site seeded like the demo gets its own. */
static char *
store_legacy_id (const char *store_id,
                 const char *kind,
                 const char *name)
{
  g_autofree char *seed = g_strdup_printf ("demo:%s:%s:%s", store_id, kind, name);

  return _oms_central_legacy_id (seed);
}

static char *
store_uuid (const char *store_id,
            const char *kind,
            const char *name)
{
  g_autofree char *seed = g_strdup_printf ("demo:%s:%s:%s", store_id, kind, name);

  return _oms_central_uuid (seed);
}

static char *
uuid (const char *kind,
      const char *name)
{
  g_autofree char *seed = g_strdup_printf ("demo:%s:%s", kind, name);

  return _oms_central_uuid (seed);
}

static gboolean
seed_central (Seeder      *seeder,
              const char  *demo_store_id,
              GError     **error)
{
  char unit_ids[G_N_ELEMENTS (units)][33];

  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autofree char *data = NULL;
      g_autofree char *id = legacy_id ("unit", units[i].name);

      g_strlcpy (unit_ids[i], id, sizeof unit_ids[i]);
      json_builder_begin_object (b);
      member_string (b, "ID", unit_ids[i]);
      member_string (b, "units", units[i].name);
      member_string (b, "comment", units[i].comment);
      member_int (b, "order_number", i);
      json_builder_end_object (b);
      data = node_take_string (b);
      if (!add_central (seeder, "unit", unit_ids[i], data, error))
        return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (facilities) + G_N_ELEMENTS (suppliers); i++)
    {
      gboolean is_supplier = i >= G_N_ELEMENTS (facilities);
      const char *name = is_supplier ? suppliers[i - G_N_ELEMENTS (facilities)] : facilities[i];
      g_autofree char *id = legacy_id ("name", name);
      g_autofree char *code = g_strdup_printf ("%s%02u", is_supplier ? "SUP" : "FAC", i + 1);
      g_autofree char *data = _oms_central_build_name_json (id, name, code,
                                                             is_supplier ? "facility" : "store",
                                                             !is_supplier, is_supplier);

      if (!add_central (seeder, "name", id, data, error))
        return FALSE;

      /* Every facility runs a store of its own on some other site. */
      if (!is_supplier)
        {
          g_autoptr(JsonBuilder) b = json_builder_new ();
          g_autofree char *store_id = legacy_id ("store", name);
          g_autofree char *store_data = NULL;

          json_builder_begin_object (b);
          member_string (b, "ID", store_id);
          member_string (b, "name", name);
          member_string (b, "code", code);
          member_string (b, "name_ID", id);
          member_bool (b, "disabled", FALSE);
          member_int (b, "sync_id_remote_site", 100 + i);
          member_string (b, "store_mode", "store");
          member_string (b, "logo", "No logo");
          member_string (b, "tags", "");
          json_builder_set_member_name (b, "custom_data");
          json_builder_add_null_value (b);
          member_string (b, "created_date", "2024-01-15");
          json_builder_end_object (b);
          store_data = node_take_string (b);
          if (!add_central (seeder, "store", store_id, store_data, error))
            return FALSE;
        }

      /* The demo store trades with every supplier and supplies every facility. */
      {
        g_autoptr(JsonBuilder) b = json_builder_new ();
        g_autofree char *join_id = legacy_id ("name_store_join", name);
        g_autofree char *join_data = NULL;

        json_builder_begin_object (b);
        member_string (b, "ID", join_id);
        member_bool (b, "inactive", FALSE);
        member_string (b, "name_ID", id);
        member_int (b, "spare_Category_ID", 0);
        member_int (b, "spare_Category_optional2_id", 0);
        member_int (b, "spare_Category_optional_id", 0);
        member_string (b, "store_ID", demo_store_id);
        json_builder_end_object (b);
        join_data = node_take_string (b);
        if (!add_central (seeder, "name_store_join", join_id, join_data, error))
          return FALSE;
      }
    }

  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autofree char *id = legacy_id ("item", items[i].code);
      g_autofree char *data = NULL;

      json_builder_begin_object (b);
      member_string (b, "ID", id);
      member_string (b, "item_name", items[i].name);
      member_string (b, "code", items[i].code);
      member_string (b, "unit_ID", unit_ids[items[i].unit]);
      member_string (b, "type_of", "general");
      member_int (b, "default_pack_size", items[i].vaccine ? 10 : 100);
      member_bool (b, "is_vaccine", items[i].vaccine);
      member_int (b, "doses", items[i].vaccine ? 10 : 0);
      member_string (b, "strength", "");
      member_string (b, "description", "");
      member_string (b, "category_ID", "");
      member_double (b, "volume_per_pack", items[i].vaccine ? 0.02 : 0.0);
      member_bool (b, "critical_stock", items[i].vaccine);
      member_string (b, "VEN_category", items[i].vaccine ? "V" : "E");
      json_builder_set_member_name (b, "custom_data");
      json_builder_add_null_value (b);
      json_builder_end_object (b);
      data = node_take_string (b);
      if (!add_central (seeder, "item", id, data, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
seed_remote (Seeder      *seeder,
             const char  *store_id,
             GError     **error)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260101);
  g_autoptr(GDateTime) start = g_date_time_new_utc (2026, 1, 1, 0, 0, 0);
  const guint days = 7;
  const guint per_day = 96;
  guint n_sensors = 4;
  char location_ids[G_N_ELEMENTS (locations)][33];

  for (guint i = 0; i < G_N_ELEMENTS (locations); i++)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autofree char *data = NULL;
      g_autofree char *id = store_legacy_id (store_id, "location", locations[i].code);

      g_strlcpy (location_ids[i], id, sizeof location_ids[i]);
      json_builder_begin_object (b);
      member_string (b, "ID", location_ids[i]);
      member_string (b, "code", locations[i].code);
      member_string (b, "Description", locations[i].description);
      member_string (b, "Comment", "");
      member_double (b, "Volume", i < 4 ? 0.5 : 2.0);
      member_string (b, "type_ID", "");
      member_string (b, "object_type", "");
      member_string (b, "parent_id", "");
      member_string (b, "Colour", "");
      member_int (b, "bottom_y_coordinate", 0);
      member_bool (b, "summary_only", FALSE);
      member_string (b, "store_ID", store_id);
      member_int (b, "priority", 0);
      member_bool (b, "hold", FALSE);
      member_string (b, "replenishment_type", "");
      member_string (b, "asset_ID", "");
      json_builder_end_object (b);
      data = node_take_string (b);
      if (!add_remote (seeder, "Location", location_ids[i], store_id, data, error))
        return FALSE;
    }

  for (guint s = 0; s < n_sensors; s++)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autofree char *sensor_id = NULL;
      g_autofree char *mac = g_strdup_printf ("D4:CA:6E:%02X:%02X:%02X | BLUE_MAESTRO",
                                              0x10 + s, 0x20 + s * 3, 0x30 + s * 7);
      g_autofree char *sensor_data = NULL;
      g_autofree char *breach_id = NULL;
      /* The ice pack freezer runs cold; the others are +2..+8 °C fridges. */
      double base = s == 3 ? -20.0 : 5.0;
      guint breach_at = s == 1 ? 3 * per_day + 40 : G_MAXUINT;

      sensor_id = store_legacy_id (store_id, "sensor", mac);
      breach_id = store_legacy_id (store_id, "temperature_breach", sensor_id);
      json_builder_begin_object (b);
      member_string (b, "ID", sensor_id);
      member_string (b, "macAddress", mac);
      member_string (b, "name", locations[s].description);
      member_string (b, "locationID", location_ids[s]);
      member_int (b, "batteryLevel", 100 - s * 7);
      member_int (b, "logInterval", 15);
      member_string (b, "storeID", store_id);
      member_bool (b, "is_active", TRUE);
      member_string (b, "lastConnectionDate", "2026-01-08");
      member_int (b, "lastConnectionTime", 0);
      member_string (b, "om_last_connection_datetime", "");
      json_builder_end_object (b);
      sensor_data = node_take_string (b);
      if (!add_remote (seeder, "sensor", sensor_id, store_id, sensor_data, error))
        return FALSE;

      for (guint n = 0; n < days * per_day; n++)
        {
          g_autoptr(GDateTime) when = g_date_time_add_minutes (start, n * 15);
          g_autoptr(JsonBuilder) lb = json_builder_new ();
          g_autofree char *log_seed = g_strdup_printf ("%s:%u", sensor_id, n);
          g_autofree char *log_id = store_legacy_id (store_id, "temperature_log", log_seed);
          g_autofree char *date = g_date_time_format (when, "%Y-%m-%d");
          g_autofree char *log_data = NULL;
          gboolean in_breach = n >= breach_at && n < breach_at + 8;
          double temperature = base + g_rand_double_range (rand, -1.5, 1.5);

          if (in_breach)
            temperature = 9.5 + (n - breach_at) * 0.4;
          temperature = (int)(temperature * 10) / 10.0;

          json_builder_begin_object (lb);
          member_string (lb, "ID", log_id);
          member_string (lb, "sensor_ID", sensor_id);
          member_string (lb, "location_ID", location_ids[s]);
          member_double (lb, "temperature", temperature);
          member_string (lb, "store_ID", store_id);
          member_string (lb, "date", date);
          member_int (lb, "time", (n % per_day) * 15 * 60);
          member_string (lb, "temperature_breach_ID",
                         in_breach ? breach_id : "");
          member_string (lb, "om_datetime", "");
          json_builder_end_object (lb);
          log_data = node_take_string (lb);
          if (!add_remote (seeder, "temperature_log", log_id, store_id, log_data, error))
            return FALSE;
        }

      if (breach_at != G_MAXUINT)
        {
          g_autoptr(JsonBuilder) bb = json_builder_new ();
          g_autofree char *breach_data = NULL;

          json_builder_begin_object (bb);
          member_string (bb, "ID", breach_id);
          member_string (bb, "sensor_ID", sensor_id);
          member_string (bb, "location_ID", location_ids[s]);
          member_string (bb, "type", "HOT_CONSECUTIVE");
          member_double (bb, "threshold_minimum_temperature", 8.0);
          member_double (bb, "threshold_maximum_temperature", 100.0);
          member_int (bb, "threshold_duration", 3600);
          member_int (bb, "duration", 7200);
          member_bool (bb, "acknowledged", FALSE);
          member_string (bb, "store_ID", store_id);
          member_string (bb, "start_date", "2026-01-04");
          member_int (bb, "start_time", 40 * 15 * 60);
          member_string (bb, "end_date", "2026-01-04");
          member_int (bb, "end_time", 48 * 15 * 60);
          member_string (bb, "om_end_datetime", "");
          member_string (bb, "om_start_datetime", "");
          member_string (bb, "om_comment", "");
          json_builder_end_object (bb);
          breach_data = node_take_string (bb);
          if (!add_remote (seeder, "temperature_breach", breach_id, store_id, breach_data, error))
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
add_v6 (OmsCentralContext  *ctx,
        const char         *table_name,
        const char         *id,
        const char         *store_id,
        JsonBuilder        *builder,
        GError            **error)
{
  g_autofree char *data = node_take_string (builder);

  return _oms_central_db_add_v6_record (ctx, table_name, id, "Update", store_id, 0, data,
                                        error) > 0;
}

static gboolean
seed_file (OmsCentralContext  *ctx,
           const char         *store_id,
           const char         *asset_id,
           const char         *asset_name,
           GError            **error)
{
  static const char file_name[] = "installation-certificate.txt";
  g_autofree char *file_id = store_uuid (store_id, "sync_file_reference", asset_name);
  g_autofree char *text = g_strdup_printf ("Installation certificate\n\n"
                                           "Equipment: %s\nInstalled: 2023-03-14\n"
                                           "Checked by: Demo Cooling Ltd\n", asset_name);
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  member_string (b, "id", file_id);
  member_string (b, "table_name", "asset");
  member_string (b, "record_id", asset_id);
  member_string (b, "file_name", file_name);
  member_string (b, "mime_type", "text/plain");
  member_int (b, "total_bytes", (gint64)strlen (text));
  member_string (b, "created_datetime", "2023-03-14T09:45:00");
  member_string (b, "deleted_datetime", NULL);
  json_builder_end_object (b);

  return _oms_central_files_store (ctx, "asset", asset_id, file_id, file_name, bytes, error)
         && add_v6 (ctx, "sync_file_reference", file_id, NULL, b, error);
}

static gboolean
seed_v6 (OmsCentralContext  *ctx,
         const char         *store_id,
         GError            **error)
{
  g_autofree char *class_id = uuid ("asset_class", "Cold Chain Equipment");

  {
    g_autoptr(JsonBuilder) b = json_builder_new ();

    json_builder_begin_object (b);
    member_string (b, "id", class_id);
    member_string (b, "name", "Cold Chain Equipment");
    json_builder_end_object (b);
    if (!add_v6 (ctx, "asset_class", class_id, NULL, b, error))
      return FALSE;
  }

  for (guint i = 0; i < G_N_ELEMENTS (assets); i++)
    {
      g_autofree char *category_id = uuid ("asset_category", assets[i].category);
      g_autofree char *type_name = g_strdup_printf ("%s %s", assets[i].freezer ? "Freezer" :
                                                    "Refrigerator", assets[i].model);
      g_autofree char *type_id = uuid ("asset_catalogue_type", assets[i].category);
      g_autofree char *catalogue_id = uuid ("asset_catalogue_item", assets[i].model);
      g_autofree char *asset_id = store_uuid (store_id, "asset", assets[i].name);
      g_autofree char *log_id = store_uuid (store_id, "asset_log", assets[i].name);
      g_autofree char *number = g_strdup_printf ("CCE-%03u", i + 1);
      g_autofree char *serial = g_strdup_printf ("SN%06u", 420100 + i * 37);
      g_autoptr(JsonBuilder) category = json_builder_new ();
      g_autoptr(JsonBuilder) type = json_builder_new ();
      g_autoptr(JsonBuilder) catalogue = json_builder_new ();
      g_autoptr(JsonBuilder) asset = json_builder_new ();
      g_autoptr(JsonBuilder) log = json_builder_new ();

      json_builder_begin_object (category);
      member_string (category, "id", category_id);
      member_string (category, "name", assets[i].category);
      member_string (category, "class_id", class_id);
      json_builder_end_object (category);

      json_builder_begin_object (type);
      member_string (type, "id", type_id);
      member_string (type, "name", assets[i].category);
      member_string (type, "category_id", category_id);
      json_builder_end_object (type);

      json_builder_begin_object (catalogue);
      member_string (catalogue, "id", catalogue_id);
      member_string (catalogue, "sub_catalogue", "General");
      member_string (catalogue, "code", assets[i].model);
      member_string (catalogue, "manufacturer", "Demo Cooling Ltd");
      member_string (catalogue, "model", assets[i].model);
      member_string (catalogue, "class_id", class_id);
      member_string (catalogue, "category_id", category_id);
      member_string (catalogue, "type_id", type_id);
      json_builder_end_object (catalogue);

      json_builder_begin_object (asset);
      member_string (asset, "id", asset_id);
      member_string (asset, "notes", type_name);
      member_string (asset, "asset_number", number);
      member_string (asset, "store_id", store_id);
      member_string (asset, "serial_number", serial);
      member_string (asset, "catalogue_item_id", catalogue_id);
      member_string (asset, "asset_category_id", category_id);
      member_string (asset, "asset_class_id", class_id);
      member_string (asset, "asset_type_id", type_id);
      member_string (asset, "installation_date", "2023-03-14");
      member_string (asset, "replacement_date", NULL);
      member_string (asset, "created_datetime", "2023-03-14T09:30:00");
      member_string (asset, "modified_datetime", "2025-11-02T10:15:00");
      json_builder_end_object (asset);

      json_builder_begin_object (log);
      member_string (log, "id", log_id);
      member_string (log, "asset_id", asset_id);
      member_string (log, "user_id", "");
      member_string (log, "status", i == 2 ? "FUNCTIONING_BUT_NEEDS_ATTENTION" : "FUNCTIONING");
      member_string (log, "comment", i == 2 ? "Door seal worn" : "Routine check");
      member_string (log, "reason_id", NULL);
      member_string (log, "log_datetime", "2025-11-02T10:15:00");
      member_string (log, "created_datetime", "2025-11-02T10:15:00");
      member_string (log, "type", "STATUS_UPDATE");
      json_builder_end_object (log);

      if (!add_v6 (ctx, "asset_category", category_id, NULL, category, error)
          || !add_v6 (ctx, "asset_catalogue_type", type_id, NULL, type, error)
          || !add_v6 (ctx, "asset_catalogue_item", catalogue_id, NULL, catalogue, error)
          || !add_v6 (ctx, "asset", asset_id, store_id, asset, error)
          || !add_v6 (ctx, "asset_log", log_id, store_id, log, error))
        return FALSE;

      /* The first fridge has its installation certificate attached, so that a site has a
       * file to download.
       */
      if (i == 0 && !seed_file (ctx, store_id, asset_id, assets[i].name, error))
        return FALSE;
    }
  return TRUE;
}

static gint64
meta_get_int (OmsCentralContext *ctx,
              const char        *key)
{
  g_autoptr(sqlite3_stmt) stmt = _oms_central_db_prepare (ctx,
                                                          "SELECT value FROM meta WHERE key = ?",
                                                          NULL);

  if (!stmt)
    return 0;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return 0;
  return sqlite3_column_int64 (stmt, 0);
}

static gboolean
meta_set_int (OmsCentralContext  *ctx,
              const char         *key,
              gint64              value,
              GError            **error)
{
  g_autoptr(sqlite3_stmt) stmt = _oms_central_db_prepare (ctx,
                                                          "INSERT OR REPLACE INTO meta (key, value) "
                                                          "VALUES (?, ?)",
                                                          error);

  if (!stmt)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, value);
  return _oms_central_db_step_done (ctx, stmt, error);
}

/* Benchmark records are items in a compact but valid legacy shape; built with printf
 * because a million JsonBuilder trees would dominate the seeding time.
 */
static gboolean
seed_extra (Seeder      *seeder,
            guint        first,
            guint        count,
            const char  *unit_id,
            GError     **error)
{
  char id[33];
  char data[512];

  for (guint i = first; i < first + count; i++)
    {
      g_snprintf (id, sizeof id, "BE%030X", i);
      g_snprintf (data, sizeof data,
                  "{\"ID\":\"%s\",\"item_name\":\"Benchmark item %u\",\"code\":\"BENCH%07u\","
                  "\"unit_ID\":\"%s\",\"type_of\":\"general\",\"default_pack_size\":1,"
                  "\"is_vaccine\":false,\"doses\":0,\"strength\":\"\",\"description\":\"\","
                  "\"category_ID\":\"\",\"volume_per_pack\":0,\"critical_stock\":false,"
                  "\"VEN_category\":\"N\",\"custom_data\":null}",
                  id, i + 1, i + 1, unit_id);
      if (!add_central (seeder, "item", id, data, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
_oms_central_demo_seed (OmsCentralContext  *ctx,
                        guint               n_extra_records,
                        GError            **error)
{
  g_autoptr(sqlite3_stmt) central = NULL;
  g_autoptr(sqlite3_stmt) remote = NULL;
  g_autofree char *store_id = NULL;
  g_autofree char *unit_id = legacy_id ("unit", units[0].name);
  Seeder seeder = { ctx, NULL, NULL };
  gboolean seeded = meta_get_int (ctx, "demo_seeded") > 0;
  gint64 extra_done = meta_get_int (ctx, "demo_extra_records");
  gint64 start_us = g_get_monotonic_time ();

  if (seeded && extra_done >= n_extra_records)
    return TRUE;

  if (!seeded && !_oms_central_db_add_site (ctx, DEMO_SITE_NAME, DEMO_SITE_PASSWORD,
                                            DEMO_SITE_ID, DEMO_STORE_NAME, error))
    return FALSE;
  store_id = _oms_central_db_dup_store_id (ctx, DEMO_SITE_NAME);
  if (!store_id)
    {
      g_set_error (error, OMS_CENTRAL_ERROR, OMS_CENTRAL_ERROR_FAILED,
                   "The demo site has no store");
      return FALSE;
    }

  central = _oms_central_db_prepare (ctx,
                                     "INSERT INTO central_record (table_name, record_id, action, "
                                     "data) VALUES (?, ?, 'insert', ?)",
                                     error);
  remote = central ? _oms_central_db_prepare (ctx,
                                              "INSERT OR REPLACE INTO remote_record (table_name, "
                                              "record_id, store_id, data) VALUES (?, ?, ?, ?)",
                                              error) : NULL;
  if (!remote)
    return FALSE;
  seeder.central = central;
  seeder.remote = remote;

  if (!_oms_central_db_exec (ctx, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (!seeded
      && (!seed_central (&seeder, store_id, error)
          || !seed_remote (&seeder, store_id, error)
          || !seed_v6 (ctx, store_id, error)
          || !meta_set_int (ctx, "demo_seeded", 1, error)))
    goto fail;
  if (extra_done < n_extra_records
      && (!seed_extra (&seeder, (guint)extra_done, n_extra_records - (guint)extra_done, unit_id,
                       error)
          || !meta_set_int (ctx, "demo_extra_records", n_extra_records, error)))
    goto fail;
  if (!_oms_central_db_exec (ctx, "COMMIT", error))
    goto fail;

  /* Logs stay locale-independent: whole milliseconds, no decimal separator. */
  g_debug ("Demo data seeded in %" G_GINT64_FORMAT " ms",
           (g_get_monotonic_time () - start_us) / 1000);
  return TRUE;

fail:
  _oms_central_db_exec (ctx, "ROLLBACK", NULL);
  return FALSE;
}

/* Benchmark records for the Open mSupply central: assets of the demo store, the v6 table
 * omsync keeps typed, in the shape seed_v6() writes. Built with printf for the same reason
 * as seed_extra(), and inserted directly because every id is new.
 */
gboolean
_oms_central_demo_seed_v6_extra (OmsCentralContext  *ctx,
                                 guint               n_records,
                                 GError            **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *store_id = NULL;
  g_autofree char *class_id = uuid ("asset_class", "Cold Chain Equipment");
  g_autofree char *category_id = uuid ("asset_category", assets[0].category);
  g_autofree char *type_id = uuid ("asset_catalogue_type", assets[0].category);
  g_autofree char *catalogue_id = uuid ("asset_catalogue_item", assets[0].model);
  gint64 done = meta_get_int (ctx, "demo_extra_v6_records");
  char id[37];
  char data[1024];

  if (done >= n_records)
    return TRUE;
  if (!_oms_central_demo_seed (ctx, 0, error))
    return FALSE;
  store_id = _oms_central_db_dup_store_id (ctx, DEMO_SITE_NAME);
  if (!store_id)
    {
      g_set_error (error, OMS_CENTRAL_ERROR, OMS_CENTRAL_ERROR_FAILED,
                   "The demo site has no store");
      return FALSE;
    }

  stmt = _oms_central_db_prepare (ctx,
                                  "INSERT INTO changelog_v6 (table_name, record_id, action, "
                                  "store_id, source_site_id, data) "
                                  "VALUES ('asset', ?, 'Update', ?, NULL, ?)",
                                  error);
  if (!stmt || !_oms_central_db_exec (ctx, "BEGIN IMMEDIATE", error))
    return FALSE;

  for (guint i = (guint)done; i < n_records; i++)
    {
      g_snprintf (id, sizeof id, "be000000-0000-7000-8000-%012x", i);
      g_snprintf (data, sizeof data,
                  "{\"asset_category_id\":\"%s\","
                  "\"asset_class_id\":\"%s\",\"asset_number\":\"BENCH-%07u\","
                  "\"asset_type_id\":\"%s\",\"catalogue_item_id\":\"%s\","
                  "\"created_datetime\":\"2023-03-14T09:30:00\",\"id\":\"%s\","
                  "\"installation_date\":\"2023-03-14\","
                  "\"modified_datetime\":\"2025-11-02T10:15:00\","
                  "\"notes\":\"Benchmark asset %u\",\"replacement_date\":null,"
                  "\"serial_number\":\"SN%09u\",\"store_id\":\"%s\"}",
                  category_id, class_id, i + 1, type_id, catalogue_id, id, i + 1, i + 1,
                  store_id);
      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, store_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, data, -1, SQLITE_TRANSIENT);
      if (!_oms_central_db_step_done (ctx, stmt, error))
        goto fail;
    }
  if (!meta_set_int (ctx, "demo_extra_v6_records", n_records, error)
      || !_oms_central_db_exec (ctx, "COMMIT", error))
    goto fail;
  return TRUE;

fail:
  _oms_central_db_exec (ctx, "ROLLBACK", NULL);
  return FALSE;
}

/* A site added with --site next to --demo: its own store gets the demo store's kind of
 * remote data (locations, sensors, logs, a breach) and equipment, under ids of its own.
 */
gboolean
_oms_central_demo_seed_site (OmsCentralContext  *ctx,
                             const char         *site_name,
                             GError            **error)
{
  g_autoptr(sqlite3_stmt) remote = NULL;
  g_autofree char *store_id = _oms_central_db_dup_store_id (ctx, site_name);
  Seeder seeder = { ctx, NULL, NULL };

  if (!store_id)
    {
      g_set_error (error, OMS_CENTRAL_ERROR, OMS_CENTRAL_ERROR_NOT_FOUND,
                   "Site %s has no store", site_name);
      return FALSE;
    }

  remote = _oms_central_db_prepare (ctx,
                                    "INSERT OR REPLACE INTO remote_record (table_name, "
                                    "record_id, store_id, data) VALUES (?, ?, ?, ?)",
                                    error);
  if (!remote || !_oms_central_db_exec (ctx, "BEGIN IMMEDIATE", error))
    return FALSE;
  seeder.remote = remote;

  if (!seed_remote (&seeder, store_id, error) || !seed_v6 (ctx, store_id, error))
    {
      _oms_central_db_exec (ctx, "ROLLBACK", NULL);
      return FALSE;
    }

  return _oms_central_db_exec (ctx, "COMMIT", error);
}
