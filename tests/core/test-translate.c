/* test-translate.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-translate"

#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "oms-json-util.h"
#include "oms-store.h"
#include "oms-translate.h"
#include "../protocol/protocol-test-util.h"

/* Expected rows, taken from the translated records of Open mSupply's
 * server/service/src/sync/test/test_data/<table>.rs for the payloads in records.json.
 */
typedef struct
{
  const char *local_table;
  const char *id;
  const char *row;
} PullCase;

static const PullCase pull_cases[] = {
  { "name", "1FB32324AF8049248D929CFB35F255BA",
    "{\"id\":\"1FB32324AF8049248D929CFB35F255BA\",\"name\":\"General\",\"code\":\"GEN\","
    "\"type\":\"PATIENT\",\"is_customer\":true,\"is_supplier\":true,\"supplying_store_id\":null,"
    "\"first_name\":\"first_name\",\"last_name\":\"last_name\",\"gender\":\"FEMALE\","
    "\"date_of_birth\":null,\"phone\":\"0123456789\",\"charge_code\":\"GEN\","
    "\"comment\":\"name comment\",\"country\":\"name country\",\"address1\":\"address1\","
    "\"address2\":\"address2\",\"email\":\"name email\",\"website\":\"name website\","
    "\"is_manufacturer\":true,\"is_donor\":false,\"on_hold\":true,\"next_of_kin_id\":null,"
    "\"next_of_kin_name\":null,\"created_datetime\":\"2022-05-22T00:00:00\","
    "\"is_deceased\":false,\"national_health_number\":\"NHN001\",\"date_of_death\":null,"
    "\"custom_data\":null,\"deleted_datetime\":null,\"hsh_code\":\"HSH001\","
    "\"hsh_name\":\"HSH Name\",\"margin\":0.0,\"freight_factor\":0.0,\"currency_id\":null}" },
  { "store", "4E27CEB263354EB7B1B33CEA8F7884D8",
    "{\"id\":\"4E27CEB263354EB7B1B33CEA8F7884D8\","
    "\"name_link_id\":\"1FB32324AF8049248D929CFB35F255BA\",\"code\":\"GEN\",\"site_id\":1,"
    "\"logo\":\"No logo\",\"store_mode\":\"STORE\",\"created_date\":\"2021-09-03\","
    "\"is_disabled\":false}" },
  { "location", "cf5812e0c33911eb9757779d39ae2bdb",
    "{\"id\":\"cf5812e0c33911eb9757779d39ae2bdb\",\"name\":\"NameRed.02\",\"code\":\"Red.02\","
    "\"on_hold\":false,\"store_id\":\"store_a\",\"location_type_id\":null,\"volume\":0.0}" },
  { "location", "df5812e0c33911eb9757779d39ae2bdc",
    "{\"id\":\"df5812e0c33911eb9757779d39ae2bdc\",\"name\":\"NameGRE.02\",\"code\":\"Green.02\","
    "\"on_hold\":false,\"store_id\":\"store_a\","
    "\"location_type_id\":\"84AA2B7A18694A2AB1E84DCABAD19617\",\"volume\":10.0}" },
  { "sensor", "cf5812e0c33911eb9757779d39ae2dbd",
    "{\"id\":\"cf5812e0c33911eb9757779d39ae2dbd\",\"name\":\"NameRed.02\","
    "\"serial\":\"SerialRed.02\",\"location_id\":null,\"store_id\":\"store_a\","
    "\"battery_level\":100,\"log_interval\":1,\"is_active\":true,"
    "\"last_connection_datetime\":\"2023-07-01T13:04:06\",\"type\":\"BLUE_MAESTRO\"}" },
  { "temperature_log", "995812e0c33911eb9757779d39ae2dbd",
    "{\"id\":\"995812e0c33911eb9757779d39ae2dbd\",\"temperature\":10.6,"
    "\"sensor_id\":\"cf5812e0c33911eb9757779d39ae2dbd\",\"location_id\":null,"
    "\"store_id\":\"store_a\",\"datetime\":\"2023-07-01T13:04:06\","
    "\"temperature_breach_id\":null}" },
  { "temperature_breach", "996812e0c33911eb9757779d39ae2dbd",
    "{\"id\":\"996812e0c33911eb9757779d39ae2dbd\",\"duration_milliseconds\":86400,"
    "\"type\":\"COLD_CONSECUTIVE\",\"sensor_id\":\"cf5812e0c33911eb9757779d39ae2dbd\","
    "\"location_id\":null,\"store_id\":\"store_a\","
    "\"start_datetime\":\"2023-07-01T13:04:06\",\"end_datetime\":\"2023-07-02T13:04:06\","
    "\"unacknowledged\":true,\"threshold_minimum\":-273.0,\"threshold_maximum\":2.0,"
    "\"threshold_duration_milliseconds\":3600,\"comment\":null}" },
  { "asset", "3de161ed-93ef-4210-aa31-3ae9e53748e8",
    "{\"id\":\"3de161ed-93ef-4210-aa31-3ae9e53748e8\",\"notes\":\"Asset 1\","
    "\"asset_number\":\"AT1\",\"asset_category_id\":null,\"asset_class_id\":null,"
    "\"asset_catalogue_type_id\":null,\"store_id\":\"store_a\",\"serial_number\":null,"
    "\"asset_catalogue_item_id\":null,\"installation_date\":null,\"replacement_date\":null,"
    "\"created_datetime\":\"2020-01-22T15:16:00\",\"modified_datetime\":\"2020-01-22T15:16:00\","
    "\"deleted_datetime\":null,\"properties\":null,\"donor_name_id\":null,"
    "\"warranty_start\":null,\"warranty_end\":null,\"needs_replacement\":null,"
    "\"locked_fields_json\":null}" },
};

/* Payloads of name.rs NAME_3 (a facility with custom data) and NAME_5 (a patient with T-format
 * dates, sub-second om_created_datetime and nulls), less fields no translator reads.
 */
static const char name_3[] =
  "{\"ID\":\"CB929EB86530455AB0392277FAC3DBA4\",\"name\":\"Birch Store 2\",\"fax\":\"\","
  "\"phone\":\"\",\"customer\":true,\"bill_address1\":\"234 Evil Street\","
  "\"bill_address2\":\"Scotland\",\"supplier\":false,\"charge code\":\"SNA\",\"margin\":0,"
  "\"comment\":\"\",\"currency_ID\":\"NEW_ZEALAND_DOLLARS\",\"country\":\"\",\"freightfac\":1,"
  "\"email\":\"\",\"code\":\"SNA\",\"last\":\"\",\"first\":\"\",\"female\":false,"
  "\"date_of_birth\":\"0000-00-00\",\"hold\":false,\"url\":\"\",\"type\":\"facility\","
  "\"manufacturer\":false,\"NEXT_OF_KIN_ID\":\"\",\"next_of_kin_relative\":\"\","
  "\"national_health_number\":\"NHN002\",\"donor\":false,\"supplying_store_id\":\"\","
  "\"custom_data\":{\"check\":\"check\"},\"created_date\":\"0000-00-00\",\"isDeceased\":false,"
  "\"om_created_datetime\":\"\",\"om_gender\":\"\",\"om_date_of_death\":\"\"}";

static const char name_3_row[] =
  "{\"id\":\"CB929EB86530455AB0392277FAC3DBA4\",\"name\":\"Birch Store 2\",\"code\":\"SNA\","
  "\"type\":\"FACILITY\",\"is_customer\":true,\"is_supplier\":false,\"supplying_store_id\":null,"
  "\"first_name\":null,\"last_name\":null,\"gender\":null,\"date_of_birth\":null,\"phone\":null,"
  "\"charge_code\":\"SNA\",\"comment\":null,\"country\":null,\"address1\":\"234 Evil Street\","
  "\"address2\":\"Scotland\",\"email\":null,\"website\":null,\"is_manufacturer\":false,"
  "\"is_donor\":false,\"on_hold\":false,\"next_of_kin_id\":null,\"next_of_kin_name\":null,"
  "\"created_datetime\":null,\"is_deceased\":false,\"national_health_number\":\"NHN002\","
  "\"date_of_death\":null,\"custom_data\":\"{\\\"check\\\":\\\"check\\\"}\","
  "\"deleted_datetime\":null,\"hsh_code\":null,\"hsh_name\":null,\"margin\":0.0,"
  "\"freight_factor\":1.0,\"currency_id\":\"NEW_ZEALAND_DOLLARS\"}";

static const char name_5[] =
  "{\"ID\":\"ef232e6c-93cf-4d02-a95a-c563abccc24f\",\"NEXT_OF_KIN_ID\":null,"
  "\"bill_address1\":\"123 Main St\",\"bill_address2\":null,\"charge code\":null,"
  "\"code\":\"MJ200303A\",\"comment\":null,\"country\":null,"
  "\"created_date\":\"2025-09-01T00:00:00\",\"custom_data\":null,\"customer\":true,"
  "\"date_of_birth\":\"2003-03-03T00:00:00\",\"donor\":false,\"email\":null,\"female\":true,"
  "\"first\":\"N5\",\"hold\":false,\"isDeceased\":false,\"last\":\"Mikalsen\","
  "\"manufacturer\":false,\"name\":\"Mikalsen, N5\",\"national_health_number\":null,"
  "\"next_of_kin_relative\":null,\"om_created_datetime\":\"2025-09-01T06:19:31.857\","
  "\"om_date_of_death\":null,\"om_gender\":\"FEMALE\",\"phone\":\"123456789\","
  "\"supplier\":false,\"supplying_store_id\":\"\",\"type\":\"patient\",\"url\":null}";

static const char name_5_row[] =
  "{\"id\":\"ef232e6c-93cf-4d02-a95a-c563abccc24f\",\"name\":\"Mikalsen, N5\","
  "\"code\":\"MJ200303A\",\"type\":\"PATIENT\",\"is_customer\":true,\"is_supplier\":false,"
  "\"supplying_store_id\":null,\"first_name\":\"N5\",\"last_name\":\"Mikalsen\","
  "\"gender\":\"FEMALE\",\"date_of_birth\":\"2003-03-03\",\"phone\":\"123456789\","
  "\"charge_code\":null,\"comment\":null,\"country\":null,\"address1\":\"123 Main St\","
  "\"address2\":null,\"email\":null,\"website\":null,\"is_manufacturer\":false,"
  "\"is_donor\":false,\"on_hold\":false,\"next_of_kin_id\":null,\"next_of_kin_name\":null,"
  "\"created_datetime\":\"2025-09-01T06:19:31.857\",\"is_deceased\":false,"
  "\"national_health_number\":null,\"date_of_death\":null,\"custom_data\":null,"
  "\"deleted_datetime\":null,\"hsh_code\":null,\"hsh_name\":null,\"margin\":null,"
  "\"freight_factor\":null,\"currency_id\":null}";

/* name.rs name_push_record_5: the legacy record pushed for NAME_5. */
static const char name_5_push[] =
  "{\"ID\":\"ef232e6c-93cf-4d02-a95a-c563abccc24f\",\"name\":\"Mikalsen, N5\","
  "\"code\":\"MJ200303A\",\"type\":\"patient\",\"customer\":true,\"supplier\":false,"
  "\"supplying_store_id\":null,\"first\":\"N5\",\"last\":\"Mikalsen\",\"female\":true,"
  "\"date_of_birth\":\"2003-03-03T00:00:00\",\"phone\":\"123456789\",\"charge code\":null,"
  "\"comment\":null,\"country\":null,\"bill_address1\":\"123 Main St\",\"bill_address2\":null,"
  "\"email\":null,\"url\":null,\"manufacturer\":false,\"donor\":false,\"hold\":false,"
  "\"NEXT_OF_KIN_ID\":null,\"next_of_kin_relative\":null,"
  "\"created_date\":\"2025-09-01T00:00:00\",\"national_health_number\":null,"
  "\"isDeceased\":false,\"om_created_datetime\":\"2025-09-01T06:19:31.857\","
  "\"om_gender\":\"FEMALE\",\"om_date_of_death\":null,\"custom_data\":null,\"HSH_code\":null,"
  "\"HSH_name\":null,\"margin\":null,\"freightfac\":null,\"currency_ID\":null}";

/* asset_log.rs ASSET_LOG1. */
static const char asset_log_1[] =
  "{\"id\":\"9d362696-e6e9-4fd7-ac23-7600d7389ba0\","
  "\"asset_id\":\"3de161ed-93ef-4210-aa31-3ae9e53748e8\",\"user_id\":\"user_account_a\","
  "\"status\":\"FUNCTIONING\",\"comment\":\"test_comment\",\"reason_id\":null,"
  "\"log_datetime\":\"2020-01-22T15:16:00\",\"created_datetime\":\"2020-01-22T15:16:00\","
  "\"type\":\"STATUS_UPDATE\"}";

/* Legacy records the push test data of Open mSupply expects for the rows above, written out
 * as serde_json writes them: compact, keys byte-sorted.
 */
typedef struct
{
  const char *local_table;
  const char *id;
  const char *legacy_table;
  const char *record;
} PushCase;

static const PushCase push_cases[] = {
  { "location", "cf5812e0c33911eb9757779d39ae2bdb", "Location",
    "{\"Description\":\"NameRed.02\",\"ID\":\"cf5812e0c33911eb9757779d39ae2bdb\",\"Volume\":0.0,"
    "\"code\":\"Red.02\",\"hold\":false,\"store_ID\":\"store_a\",\"type_ID\":null}" },
  { "location", "df5812e0c33911eb9757779d39ae2bdc", "Location",
    "{\"Description\":\"NameGRE.02\",\"ID\":\"df5812e0c33911eb9757779d39ae2bdc\",\"Volume\":10.0,"
    "\"code\":\"Green.02\",\"hold\":false,\"store_ID\":\"store_a\","
    "\"type_ID\":\"84AA2B7A18694A2AB1E84DCABAD19617\"}" },
  { "sensor", "cf5812e0c33911eb9757779d39ae2dbd", "sensor",
    "{\"ID\":\"cf5812e0c33911eb9757779d39ae2dbd\",\"batteryLevel\":100,\"is_active\":true,"
    "\"lastConnectionDate\":\"2023-07-01T00:00:00\",\"lastConnectionTime\":\"13:04:06\","
    "\"locationID\":null,\"logInterval\":1,\"macAddress\":\"SerialRed.02 | BLUE_MAESTRO\","
    "\"name\":\"NameRed.02\",\"om_last_connection_datetime\":\"2023-07-01T13:04:06\","
    "\"storeID\":\"store_a\"}" },
  { "temperature_log", "995812e0c33911eb9757779d39ae2dbd", "temperature_log",
    "{\"ID\":\"995812e0c33911eb9757779d39ae2dbd\",\"date\":\"2023-07-01T00:00:00\","
    "\"location_ID\":null,\"om_datetime\":\"2023-07-01T13:04:06\","
    "\"sensor_ID\":\"cf5812e0c33911eb9757779d39ae2dbd\",\"store_ID\":\"store_a\","
    "\"temperature\":10.6,\"temperature_breach_ID\":null,\"time\":\"13:04:06\"}" },
  { "temperature_breach", "996812e0c33911eb9757779d39ae2dbd", "temperature_breach",
    "{\"ID\":\"996812e0c33911eb9757779d39ae2dbd\",\"acknowledged\":false,\"duration\":86400,"
    "\"end_date\":\"2023-07-02T00:00:00\",\"end_time\":\"13:04:06\",\"location_ID\":null,"
    "\"om_comment\":null,\"om_end_datetime\":\"2023-07-02T13:04:06\","
    "\"om_start_datetime\":\"2023-07-01T13:04:06\","
    "\"sensor_ID\":\"cf5812e0c33911eb9757779d39ae2dbd\",\"start_date\":\"2023-07-01T00:00:00\","
    "\"start_time\":\"13:04:06\",\"store_ID\":\"store_a\",\"threshold_duration\":3600,"
    "\"threshold_maximum_temperature\":2.0,\"threshold_minimum_temperature\":-273.0,"
    "\"type\":\"COLD_CONSECUTIVE\"}" },
  { "name", "1FB32324AF8049248D929CFB35F255BA", "name",
    "{\"HSH_code\":\"HSH001\",\"HSH_name\":\"HSH Name\","
    "\"ID\":\"1FB32324AF8049248D929CFB35F255BA\","
    "\"NEXT_OF_KIN_ID\":null,\"bill_address1\":\"address1\",\"bill_address2\":\"address2\","
    "\"charge code\":\"GEN\",\"code\":\"GEN\",\"comment\":\"name comment\","
    "\"country\":\"name country\",\"created_date\":\"2022-05-22T00:00:00\",\"currency_ID\":null,"
    "\"custom_data\":null,\"customer\":true,\"date_of_birth\":null,\"donor\":false,"
    "\"email\":\"name email\",\"female\":true,\"first\":\"first_name\",\"freightfac\":0.0,"
    "\"hold\":true,\"isDeceased\":false,\"last\":\"last_name\",\"manufacturer\":true,"
    "\"margin\":0.0,\"name\":\"General\",\"national_health_number\":\"NHN001\","
    "\"next_of_kin_relative\":null,\"om_created_datetime\":\"2022-05-22T00:00:00\","
    "\"om_date_of_death\":null,\"om_gender\":\"FEMALE\",\"phone\":\"0123456789\","
    "\"supplier\":true,\"supplying_store_id\":null,\"type\":\"patient\","
    "\"url\":\"name website\"}" },
};

/* asset.rs test_v6_records: AssetRow serialised under its Rust field names. */
static const char asset_1_push[] =
  "{\"asset_category_id\":null,\"asset_class_id\":null,\"asset_number\":\"AT1\","
  "\"asset_type_id\":null,\"catalogue_item_id\":null,\"created_datetime\":\"2020-01-22T15:16:00\","
  "\"deleted_datetime\":null,\"donor_name_id\":null,"
  "\"id\":\"3de161ed-93ef-4210-aa31-3ae9e53748e8\",\"installation_date\":null,"
  "\"locked_fields_json\":null,\"modified_datetime\":\"2020-01-22T15:16:00\","
  "\"needs_replacement\":null,\"notes\":\"Asset 1\",\"properties\":null,"
  "\"replacement_date\":null,\"serial_number\":null,\"store_id\":\"store_a\","
  "\"warranty_end\":null,\"warranty_start\":null}";

static char *
replace (const char *text,
         const char *from,
         const char *to)
{
  g_auto(GStrv) parts = g_strsplit (text, from, -1);

  g_assert_cmpuint (g_strv_length (parts), ==, 2);
  return g_strjoinv (to, parts);
}

static char *
canonical (const char *json)
{
  g_autoptr(GError) error = NULL;
  char *text = oms_json_canonicalise (json, -1, &error);

  g_assert_no_error (error);
  return text;
}

static char *
object_to_canonical (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

  return oms_json_to_canonical (node);
}

static char *
read_fixture (const char *name)
{
  g_autofree char *path = fixture_path (name);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

/* records.json's "tables" member: table name → array of {const, recordId, recordData}. */
static JsonObject *
load_records (void)
{
  g_autofree char *contents = read_fixture ("records.json");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;

  json_parser_load_from_data (parser, contents, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  return json_object_ref (json_object_get_object_member (root, "tables"));
}

static const PullCase *
find_pull_case (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (pull_cases); i++)
    {
      if (g_str_equal (pull_cases[i].id, id))
        return &pull_cases[i];
    }

  return NULL;
}

static JsonObject *
pull_row (const char *table,
          const char *json)
{
  g_auto(OmsTranslation) out = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_true (oms_translate_pull (table, json, &out, &error));
  g_assert_no_error (error);
  g_assert_nonnull (out.table);
  g_assert_null (out.ignored_reason);
  g_assert_nonnull (out.fields);
  return g_steal_pointer (&out.fields);
}

/* The recordData of the fixture entry with this id, as JSON text. */
static char *
fixture_record (JsonObject *tables,
                const char *id)
{
  g_autoptr(GList) names = json_object_get_members (tables);

  for (const GList *l = names; l != NULL; l = l->next)
    {
      JsonArray *entries = json_object_get_array_member (tables, l->data);

      for (guint i = 0; i < json_array_get_length (entries); i++)
        {
          JsonObject *entry = json_array_get_object_element (entries, i);

          if (g_str_equal (json_object_get_string_member (entry, "recordId"), id))
            return json_to_string (json_object_get_member (entry, "recordData"), FALSE);
        }
    }

  g_assert_not_reached ();
  return NULL;
}

static const char *
sync_table_of (const char *local_table)
{
  return g_str_equal (local_table, "location") ? "Location" : local_table;
}

static void
test_pull_records (void)
{
  g_autoptr(JsonObject) tables = load_records ();
  g_autoptr(GList) names = json_object_get_members (tables);
  guint n_typed = 0;
  guint n_generic = 0;

  for (const GList *l = names; l != NULL; l = l->next)
    {
      const char *table = l->data;
      JsonArray *entries = json_object_get_array_member (tables, table);

      for (guint i = 0; i < json_array_get_length (entries); i++)
        {
          JsonObject *entry = json_array_get_object_element (entries, i);
          const char *id = json_object_get_string_member (entry, "recordId");
          JsonNode *data = json_object_get_member (entry, "recordData");
          g_autofree char *json = json_to_string (data, FALSE);
          g_autofree char *got = NULL;
          g_auto(OmsTranslation) out = { 0 };
          g_autoptr(GError) error = NULL;
          const PullCase *expected = find_pull_case (id);

          g_test_message ("%s %s", table, id);
          g_assert_true (oms_translate_pull (table, json, &out, &error));
          g_assert_no_error (error);
          g_assert_null (out.ignored_reason);
          g_assert_nonnull (out.fields);
          got = object_to_canonical (out.fields);

          if (expected != NULL)
            {
              g_autofree char *want = canonical (expected->row);

              g_assert_cmpstr (out.table, ==, expected->local_table);
              g_assert_cmpstr (got, ==, want);
              g_assert_true (oms_store_is_typed_table (out.table));
              n_typed++;
            }
          else
            {
              g_autofree char *want = oms_json_to_canonical (data);

              g_assert_null (out.table);
              g_assert_cmpstr (got, ==, want);
              n_generic++;
            }
        }
    }

  g_assert_cmpuint (n_typed, ==, G_N_ELEMENTS (pull_cases));
  g_assert_cmpuint (n_generic, ==, 8);
}

static void
test_pull_fixtures (void)
{
  static const struct
  {
    const char *file;
    const char *table;
    const char *local_table;
  } cases[] = {
    { "F6c-1.json", "unit", NULL },
    { "F6c-2.json", "Location", "location" },
    { "F6c-3.json", "asset_class", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = read_fixture (cases[i].file);
      g_autofree char *got = NULL;
      g_autofree char *want = NULL;
      g_auto(OmsTranslation) out = { 0 };
      g_autoptr(GError) error = NULL;

      g_assert_true (oms_translate_pull (cases[i].table, json, &out, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (out.table, ==, cases[i].local_table);
      got = object_to_canonical (out.fields);
      want = canonical (cases[i].local_table != NULL ? pull_cases[2].row : json);
      g_assert_cmpstr (got, ==, want);
    }
}

static void
assert_pull (const char *table,
             const char *json,
             const char *expected_row)
{
  g_autoptr(JsonObject) row = pull_row (table, json);
  g_autofree char *got = object_to_canonical (row);
  g_autofree char *want = canonical (expected_row);

  g_assert_cmpstr (got, ==, want);
}

static void
test_pull_name (void)
{
  g_autoptr(JsonObject) row = NULL;
  g_autofree char *female = NULL;
  g_autofree char *male = NULL;
  g_autofree char *other = NULL;
  g_autofree char *no_gender = NULL;

  assert_pull ("name", name_3, name_3_row);
  assert_pull ("name", name_5, name_5_row);

  /* A patient without om_gender takes its gender from `female`. */
  female = replace (name_5, "\"female\":true", "\"female\":false");
  male = replace (female, "\"om_gender\":\"FEMALE\"", "\"om_gender\":\"\"");
  row = pull_row ("name", male);
  g_assert_cmpstr (json_object_get_string_member (row, "gender"), ==, "MALE");
  g_clear_pointer (&row, json_object_unref);

  /* Unknown legacy types become OTHERS; only patients get a gender from `female`. */
  other = replace (name_5, "\"type\":\"patient\"", "\"type\":\"customer_type_x\"");
  no_gender = replace (other, "\"om_gender\":\"FEMALE\"", "\"om_gender\":null");
  row = pull_row ("name", no_gender);
  g_assert_cmpstr (json_object_get_string_member (row, "type"), ==, "OTHERS");
  g_assert_true (json_object_get_null_member (row, "gender"));
}

static void
test_pull_store_ignored (void)
{
  static const struct
  {
    const char *json;
    const char *reason;
  } cases[] = {
    { "{\"ID\":\"9EDD3F83C3D64C22A3CC9C98CF4967C5\",\"code\":\"DRG\","
      "\"name_ID\":\"9A3F71AA4C6D48649ADBC4B2966C5B9D\",\"disabled\":false,\"logo\":\"\","
      "\"sync_id_remote_site\":1,\"store_mode\":\"dispensary\",\"created_date\":\"0000-00-00\"}",
      "System names not implemented for store translation" },
    { "{\"ID\":\"S2\",\"code\":\"ABC\",\"name_ID\":\"\",\"disabled\":false,\"logo\":\"\","
      "\"sync_id_remote_site\":1,\"store_mode\":\"store\",\"created_date\":\"0000-00-00\"}",
      "Store has no name" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(OmsTranslation) out = { 0 };
      g_autoptr(GError) error = NULL;

      g_assert_true (oms_translate_pull ("store", cases[i].json, &out, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (out.table, ==, "store");
      g_assert_null (out.fields);
      g_assert_cmpstr (out.ignored_reason, ==, cases[i].reason);
    }
}

static void
test_pull_datetimes (void)
{
  g_autoptr(JsonObject) row = NULL;

  /* om_datetime wins over date + time when set. */
  row = pull_row ("temperature_log",
                  "{\"ID\":\"t1\",\"sensor_ID\":\"s\",\"location_ID\":\"l\",\"temperature\":5,"
                  "\"store_ID\":\"store_a\",\"date\":\"2023-07-01\",\"time\":47046,"
                  "\"temperature_breach_ID\":\"b\",\"om_datetime\":\"2024-01-02T03:04:05.5\"}");
  g_assert_cmpstr (json_object_get_string_member (row, "datetime"), ==, "2024-01-02T03:04:05.500");
  g_assert_cmpfloat (json_object_get_double_member (row, "temperature"), ==, 5.0);
  g_assert_cmpstr (json_object_get_string_member (row, "location_id"), ==, "l");
  g_assert_cmpstr (json_object_get_string_member (row, "temperature_breach_id"), ==, "b");
  g_clear_pointer (&row, json_object_unref);

  /* An invalid time of day is midnight, as naive_time makes it. */
  row = pull_row ("temperature_log",
                  "{\"ID\":\"t1\",\"sensor_ID\":\"s\",\"location_ID\":\"\",\"temperature\":5,"
                  "\"store_ID\":\"store_a\",\"date\":\"2023-07-01\",\"time\":90000,"
                  "\"temperature_breach_ID\":\"\",\"om_datetime\":\"\"}");
  g_assert_cmpstr (json_object_get_string_member (row, "datetime"), ==, "2023-07-01T00:00:00");
  g_clear_pointer (&row, json_object_unref);

  /* A sensor that never connected, and one filed as "SERIAL|TYPE". */
  row = pull_row ("sensor",
                  "{\"ID\":\"s1\",\"macAddress\":\"AB:CD|LAIRD\",\"name\":\"n\","
                  "\"locationID\":\"\","
                  "\"batteryLevel\":null,\"logInterval\":null,\"storeID\":\"store_a\","
                  "\"is_active\":false,\"lastConnectionDate\":\"0000-00-00\","
                  "\"lastConnectionTime\":0,\"om_last_connection_datetime\":\"\"}");
  g_assert_true (json_object_get_null_member (row, "last_connection_datetime"));
  g_assert_true (json_object_get_null_member (row, "battery_level"));
  g_assert_cmpstr (json_object_get_string_member (row, "serial"), ==, "AB:CD|LAIRD");
  g_assert_cmpstr (json_object_get_string_member (row, "type"), ==, "LAIRD");
  g_clear_pointer (&row, json_object_unref);

  /* A breach still going on has no end. */
  row = pull_row ("temperature_breach",
                  "{\"ID\":\"b1\",\"sensor_ID\":\"s\",\"location_ID\":\"\","
                  "\"type\":\"HOT_CUMULATIVE\","
                  "\"threshold_minimum_temperature\":8,\"threshold_maximum_temperature\":100,"
                  "\"threshold_duration\":60,\"duration\":120,\"acknowledged\":true,"
                  "\"store_ID\":\"store_a\",\"start_date\":\"2023-07-01\",\"start_time\":0,"
                  "\"end_date\":\"0000-00-00\",\"end_time\":0,\"om_end_datetime\":\"\","
                  "\"om_start_datetime\":\"\",\"om_comment\":\"door open\"}");
  g_assert_true (json_object_get_null_member (row, "end_datetime"));
  g_assert_false (json_object_get_boolean_member (row, "unacknowledged"));
  g_assert_cmpstr (json_object_get_string_member (row, "comment"), ==, "door open");
  g_assert_cmpstr (json_object_get_string_member (row, "start_datetime"), ==,
                   "2023-07-01T00:00:00");
}

static void
test_pull_asset_log (void)
{
  g_autoptr(JsonObject) row = NULL;
  g_autofree char *got = NULL;
  g_autofree char *want = NULL;
  g_autofree char *record = NULL;
  g_autofree char *table = NULL;
  g_autoptr(GError) error = NULL;

  row = pull_row ("asset_log", asset_log_1);
  got = object_to_canonical (row);
  want = canonical (asset_log_1);
  g_assert_cmpstr (got, ==, want);

  g_assert_true (oms_translate_push_v6 ("asset_log", row, &table, &record, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (table, ==, "asset_log");
  g_assert_cmpstr (record, ==, want);
  g_clear_pointer (&row, json_object_unref);

  /* created_datetime defaults to the epoch; unknown fields are dropped. */
  row = pull_row ("asset_log",
                  "{\"id\":\"l2\",\"asset_id\":\"a\",\"user_id\":\"u\",\"status\":null,"
                  "\"comment\":null,\"reason_id\":null,\"log_datetime\":\"2020-01-22T15:16:00\","
                  "\"extra\":1}");
  g_assert_cmpstr (json_object_get_string_member (row, "created_datetime"), ==,
                   "1970-01-01T00:00:00");
  g_assert_true (json_object_get_null_member (row, "type"));
  g_assert_false (json_object_has_member (row, "extra"));
}

/* sync_file_reference.rs test data: ASSET_LOG1 pulled, and the same row pushed. */
static const char sync_file_reference_1[] =
  "{\n        \"id\": \"cf206829-d716-4b45-a14b-f06cda2d8e74\",\n"
  "        \"table_name\": \"asset\",\n"
  "        \"record_id\": \"3de161ed-93ef-4210-aa31-3ae9e53748e8\",\n"
  "        \"file_name\": \"asset1.jpg\",\n        \"mime_type\": \"image/jpeg\",\n"
  "        \"created_datetime\": \"2020-01-22T15:16:00\"   \n    }";

/* json!(sync_file_reference1()): every field serde writes, keys byte-sorted. */
static const char sync_file_reference_1_push[] =
  "{\"created_datetime\":\"2020-01-22T15:16:00\",\"deleted_datetime\":null,"
  "\"file_name\":\"asset1.jpg\",\"id\":\"cf206829-d716-4b45-a14b-f06cda2d8e74\","
  "\"mime_type\":\"image/jpeg\",\"record_id\":\"3de161ed-93ef-4210-aa31-3ae9e53748e8\","
  "\"table_name\":\"asset\",\"total_bytes\":0}";

static void
test_sync_file_reference (void)
{
  g_autoptr(JsonObject) row = pull_row ("sync_file_reference", sync_file_reference_1);
  g_autofree char *table = NULL;
  g_autofree char *record = NULL;
  g_autoptr(GError) error = NULL;

  /* serde's defaults for what the central never sends: a download not started yet. */
  g_assert_cmpstr (json_object_get_string_member (row, "id"), ==,
                   "cf206829-d716-4b45-a14b-f06cda2d8e74");
  g_assert_cmpstr (json_object_get_string_member (row, "table_name"), ==, "asset");
  g_assert_cmpstr (json_object_get_string_member (row, "mime_type"), ==, "image/jpeg");
  g_assert_cmpint (json_object_get_int_member (row, "total_bytes"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (row, "uploaded_bytes"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (row, "downloaded_bytes"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (row, "retries"), ==, 0);
  g_assert_true (json_object_get_null_member (row, "retry_at"));
  g_assert_cmpstr (json_object_get_string_member (row, "direction"), ==, "DOWNLOAD");
  g_assert_cmpstr (json_object_get_string_member (row, "status"), ==, "NEW");
  g_assert_true (json_object_get_null_member (row, "error"));
  g_assert_true (json_object_get_null_member (row, "deleted_datetime"));

  /* Pushed in the shape Open mSupply serialises: no transfer state. */
  json_object_set_string_member (row, "direction", "UPLOAD");
  json_object_set_string_member (row, "status", "ERROR");
  json_object_set_string_member (row, "error", "local only");
  json_object_set_int_member (row, "retries", 3);
  json_object_set_int_member (row, "uploaded_bytes", 7);
  g_assert_true (oms_translate_push_v6 ("sync_file_reference", row, &table, &record, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (table, ==, "sync_file_reference");
  g_assert_cmpstr (record, ==, sync_file_reference_1_push);
  g_clear_pointer (&table, g_free);
  g_clear_pointer (&record, g_free);

  /* Never to the legacy server. */
  g_assert_true (oms_translate_push_legacy ("sync_file_reference", row, &table, &record,
                                            &error));
  g_assert_no_error (error);
  g_assert_null (record);
  g_clear_pointer (&row, json_object_unref);

  /* A pulled record's own transfer fields are not read; total_bytes is. */
  row = pull_row ("sync_file_reference",
                  "{\"id\":\"f2\",\"table_name\":\"asset\",\"record_id\":\"a\","
                  "\"file_name\":\"manual.pdf\",\"mime_type\":null,\"total_bytes\":2048,"
                  "\"status\":\"Done\",\"direction\":\"Upload\",\"uploaded_bytes\":2048,"
                  "\"created_datetime\":\"2024-05-06T07:08:09.5\","
                  "\"deleted_datetime\":\"2024-06-01T00:00:00\"}");
  g_assert_cmpint (json_object_get_int_member (row, "total_bytes"), ==, 2048);
  g_assert_cmpint (json_object_get_int_member (row, "uploaded_bytes"), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (row, "status"), ==, "NEW");
  g_assert_cmpstr (json_object_get_string_member (row, "direction"), ==, "DOWNLOAD");
  g_assert_true (json_object_get_null_member (row, "mime_type"));
  g_assert_cmpstr (json_object_get_string_member (row, "created_datetime"), ==,
                   "2024-05-06T07:08:09.500");
  g_assert_cmpstr (json_object_get_string_member (row, "deleted_datetime"), ==,
                   "2024-06-01T00:00:00");
}

static void
test_push_legacy (void)
{
  g_autoptr(JsonObject) tables = load_records ();

  for (guint i = 0; i < G_N_ELEMENTS (push_cases); i++)
    {
      g_autofree char *json = fixture_record (tables, push_cases[i].id);
      g_autoptr(JsonObject) row = pull_row (sync_table_of (push_cases[i].local_table), json);
      g_autofree char *table = NULL;
      g_autofree char *record = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("%s %s", push_cases[i].local_table, push_cases[i].id);
      g_assert_true (oms_translate_push_legacy (push_cases[i].local_table, row, &table, &record,
                                                &error));
      g_assert_no_error (error);
      g_assert_cmpstr (table, ==, push_cases[i].legacy_table);
      g_assert_cmpstr (record, ==, push_cases[i].record);
    }
}

static void
test_push_name (void)
{
  g_autoptr(JsonObject) row = pull_row ("name", name_5);
  g_autofree char *table = NULL;
  g_autofree char *record = NULL;
  g_autofree char *want = canonical (name_5_push);
  g_autoptr(GError) error = NULL;

  g_assert_true (oms_translate_push_legacy ("name", row, &table, &record, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (table, ==, "name");
  g_assert_cmpstr (record, ==, want);
  g_clear_pointer (&table, g_free);
  g_clear_pointer (&record, g_free);

  /* Open mSupply central gets the same legacy shape. */
  g_assert_true (oms_translate_push_v6 ("name", row, &table, &record, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (table, ==, "name");
  g_assert_cmpstr (record, ==, want);
  g_clear_pointer (&table, g_free);
  g_clear_pointer (&record, g_free);

  /* Soft-deleted names and names that are not patients are not pushed. */
  json_object_set_string_member (row, "deleted_datetime", "2025-01-01T00:00:00");
  g_assert_true (oms_translate_push_legacy ("name", row, &table, &record, &error));
  g_assert_no_error (error);
  g_assert_null (table);
  g_assert_null (record);

  g_clear_pointer (&row, json_object_unref);
  row = pull_row ("name", name_3);
  g_assert_true (oms_translate_push_v6 ("name", row, &table, &record, &error));
  g_assert_no_error (error);
  g_assert_null (table);
  g_assert_null (record);
}

static void
test_push_v6 (void)
{
  g_autoptr(JsonObject) tables = load_records ();
  g_autofree char *json = fixture_record (tables, "3de161ed-93ef-4210-aa31-3ae9e53748e8");
  g_autoptr(JsonObject) row = pull_row ("asset", json);
  g_autofree char *table = NULL;
  g_autofree char *record = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (oms_translate_push_v6 ("asset", row, &table, &record, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (table, ==, "asset");
  g_assert_cmpstr (record, ==, asset_1_push);
  g_clear_pointer (&table, g_free);
  g_clear_pointer (&record, g_free);

  /* JSON text columns may come back from the store as objects. */
  json_object_set_object_member (row, "properties", json_object_new ());
  json_object_set_string_member (json_object_get_object_member (row, "properties"), "b", "x");
  g_assert_true (oms_translate_push_v6 ("asset", row, &table, &record, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (record, "\"properties\":\"{\\\"b\\\":\\\"x\\\"}\""));
  g_clear_pointer (&table, g_free);
  g_clear_pointer (&record, g_free);

  /* Assets do not go to the legacy server, locations not to Open mSupply central, stores
   * nowhere; a generic table has no typed translation.
   */
  g_assert_true (oms_translate_push_legacy ("asset", row, &table, &record, &error));
  g_assert_no_error (error);
  g_assert_null (table);
  g_assert_null (record);
  g_assert_true (oms_translate_push_v6 ("location", row, &table, &record, &error));
  g_assert_no_error (error);
  g_assert_null (record);
  g_assert_true (oms_translate_push_legacy ("store", row, &table, &record, &error));
  g_assert_no_error (error);
  g_assert_null (record);
  g_assert_false (oms_translate_push_legacy ("unit", row, &table, &record, &error));
  g_assert_error (error, OMS_TRANSLATE_ERROR, OMS_TRANSLATE_ERROR_UNSUPPORTED);
  g_assert_null (record);
}

static void
test_push_times (void)
{
  static const struct
  {
    const char *datetime;
    const char *date;
    const char *time;
    const char *om_datetime;
  } cases[] = {
    { "2023-07-01T13:04:06.4", "2023-07-01T00:00:00", "13:04:06", "2023-07-01T13:04:06.400" },
    { "2023-07-01T13:04:06.5", "2023-07-01T00:00:00", "13:04:07", "2023-07-01T13:04:06.500" },
    { "2023-07-01T23:59:59.999999", "2023-07-01T00:00:00", "00:00:00",
      "2023-07-01T23:59:59.999999" },
    { "2023-07-01T00:00:00.000000001", "2023-07-01T00:00:00", "00:00:00",
      "2023-07-01T00:00:00.000000001" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) row = json_object_new ();
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autofree char *table = NULL;
      g_autofree char *record = NULL;
      g_autoptr(GError) error = NULL;
      JsonObject *legacy;

      json_object_set_string_member (row, "id", "t");
      json_object_set_double_member (row, "temperature", -1.5);
      json_object_set_string_member (row, "sensor_id", "s");
      json_object_set_null_member (row, "location_id");
      json_object_set_string_member (row, "store_id", "store_a");
      json_object_set_string_member (row, "datetime", cases[i].datetime);
      json_object_set_null_member (row, "temperature_breach_id");

      g_assert_true (oms_translate_push_legacy ("temperature_log", row, &table, &record, &error));
      g_assert_no_error (error);
      json_parser_load_from_data (parser, record, -1, &error);
      g_assert_no_error (error);
      legacy = json_node_get_object (json_parser_get_root (parser));
      g_assert_cmpstr (json_object_get_string_member (legacy, "date"), ==, cases[i].date);
      g_assert_cmpstr (json_object_get_string_member (legacy, "time"), ==, cases[i].time);
      g_assert_cmpstr (json_object_get_string_member (legacy, "om_datetime"), ==,
                       cases[i].om_datetime);
    }
}

/* pull → push → pull gives the same row, both straight and through the store. */
static void
test_round_trip (void)
{
  g_autoptr(JsonObject) tables = load_records ();
  g_autofree char *data_dir = g_build_filename (g_get_user_data_dir (), "omsync", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsStore) store = oms_store_open (data_dir, &error);

  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (pull_cases); i++)
    {
      const char *local_table = pull_cases[i].local_table;
      g_autofree char *json = fixture_record (tables, pull_cases[i].id);
      g_autoptr(JsonObject) first = pull_row (sync_table_of (local_table), json);
      g_autoptr(JsonObject) stored = NULL;
      g_autoptr(JsonObject) second = NULL;
      g_autofree char *table = NULL;
      g_autofree char *stored_table = NULL;
      g_autofree char *record = NULL;
      g_autofree char *stored_record = NULL;
      g_autofree char *first_text = object_to_canonical (first);
      g_autofree char *second_text = NULL;
      OmsPushTargets targets = oms_translate_push_targets (local_table);

      g_test_message ("%s %s", local_table, pull_cases[i].id);
      g_assert_true (oms_store_upsert_record (store, local_table, first, OMS_ORIGIN_LOCAL,
                                              &error));
      g_assert_no_error (error);
      stored = oms_store_get_record (store, local_table, pull_cases[i].id, &error);
      g_assert_no_error (error);
      g_assert_nonnull (stored);

      if (targets & OMS_PUSH_TARGET_V5)
        {
          g_assert_true (oms_translate_push_legacy (local_table, first, &table, &record, &error));
          g_assert_no_error (error);
          g_assert_true (oms_translate_push_legacy (local_table, stored, &stored_table,
                                                    &stored_record, &error));
        }
      else if (targets & OMS_PUSH_TARGET_V6)
        {
          g_assert_true (oms_translate_push_v6 (local_table, first, &table, &record, &error));
          g_assert_no_error (error);
          g_assert_true (oms_translate_push_v6 (local_table, stored, &stored_table,
                                                &stored_record, &error));
        }
      else
        {
          continue;
        }
      g_assert_no_error (error);
      g_assert_nonnull (record);
      g_assert_cmpstr (stored_record, ==, record);

      second = pull_row (table, record);
      second_text = object_to_canonical (second);
      g_assert_cmpstr (second_text, ==, first_text);
    }
}

static void
assert_pull_error (const char *table,
                   const char *json,
                   int         code,
                   const char *field)
{
  g_auto(OmsTranslation) out = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_message ("%s: %s", table, json);
  g_assert_false (oms_translate_pull (table, json, &out, &error));
  g_assert_error (error, OMS_TRANSLATE_ERROR, code);
  g_assert_null (out.table);
  g_assert_null (out.fields);
  if (field != NULL)
    g_assert_nonnull (strstr (error->message, field));
}

static void
test_errors (void)
{
  static const char location[] =
    "{\"ID\":\"L\",\"code\":\"c\",\"Description\":\"d\",\"Volume\":0,\"type_ID\":\"\","
    "\"store_ID\":\"s\",\"hold\":false}";
  g_autofree char *no_id = replace (location, "\"ID\"", "\"X\"");
  g_autofree char *bad_volume = replace (location, "\"Volume\":0", "\"Volume\":\"0\"");
  g_autofree char *null_store = replace (location, "\"store_ID\":\"s\"", "\"store_ID\":null");
  g_autofree char *two_objects = g_strconcat (location, "{}", NULL);
  g_autofree char *lone_surrogate = replace (location, "\"code\":\"c\"",
                                             "\"code\":\"c\\ud800x\"");
  g_autoptr(JsonObject) row = pull_row ("Location", location);
  g_autofree char *table = NULL;
  g_autofree char *record = NULL;
  g_autoptr(GError) error = NULL;

  assert_pull_error ("Location", no_id, OMS_TRANSLATE_ERROR_MISSING_FIELD, "ID");
  assert_pull_error ("Location", bad_volume, OMS_TRANSLATE_ERROR_WRONG_TYPE, "Volume");
  assert_pull_error ("Location", null_store, OMS_TRANSLATE_ERROR_MISSING_FIELD, "store_ID");
  assert_pull_error ("Location", "[]", OMS_TRANSLATE_ERROR_INVALID_JSON, "Location");
  assert_pull_error ("Location", "null", OMS_TRANSLATE_ERROR_INVALID_JSON, NULL);
  assert_pull_error ("Location", "{\"ID\":", OMS_TRANSLATE_ERROR_INVALID_JSON, NULL);
  /* json-glib alone would read the first object (and leak the second). */
  assert_pull_error ("Location", two_objects, OMS_TRANSLATE_ERROR_INVALID_JSON, NULL);
  /* ... and would read a lone surrogate into text that is not UTF-8, and drop the `x`. */
  assert_pull_error ("Location", lone_surrogate, OMS_TRANSLATE_ERROR_INVALID_JSON, NULL);
  assert_pull_error ("unit", "\"text\"", OMS_TRANSLATE_ERROR_INVALID_JSON, "unit");
  assert_pull_error ("store",
                     "{\"ID\":\"S\",\"code\":\"C\",\"name_ID\":\"N\",\"disabled\":false,"
                     "\"logo\":\"\",\"sync_id_remote_site\":1.5,\"store_mode\":\"store\"}",
                     OMS_TRANSLATE_ERROR_WRONG_TYPE, "sync_id_remote_site");
  assert_pull_error ("store",
                     "{\"ID\":\"S\",\"code\":\"C\",\"name_ID\":\"N\",\"disabled\":false,"
                     "\"logo\":\"\",\"sync_id_remote_site\":1,\"store_mode\":\"pharmacy\"}",
                     OMS_TRANSLATE_ERROR_WRONG_TYPE, "pharmacy");
  assert_pull_error ("temperature_breach",
                     "{\"ID\":\"b\",\"sensor_ID\":\"s\",\"type\":\"WARM\",\"duration\":1,"
                     "\"store_ID\":\"s\",\"acknowledged\":false,"
                     "\"threshold_minimum_temperature\":1,\"threshold_maximum_temperature\":2,"
                     "\"threshold_duration\":3,\"start_date\":\"2023-07-01\",\"start_time\":0,"
                     "\"end_time\":0}",
                     OMS_TRANSLATE_ERROR_WRONG_TYPE, "WARM");
  assert_pull_error ("temperature_log",
                     "{\"ID\":\"t\",\"sensor_ID\":\"s\",\"temperature\":1,\"store_ID\":\"s\","
                     "\"date\":\"0000-00-00\",\"time\":0,\"om_datetime\":\"\"}",
                     OMS_TRANSLATE_ERROR_MISSING_FIELD, "om_datetime");
  assert_pull_error ("temperature_log",
                     "{\"ID\":\"t\",\"sensor_ID\":\"s\",\"temperature\":1,\"store_ID\":\"s\","
                     "\"date\":\"2023-13-01\",\"time\":0}",
                     OMS_TRANSLATE_ERROR_WRONG_TYPE, "2023-13-01");
  assert_pull_error ("temperature_log",
                     "{\"ID\":\"t\",\"sensor_ID\":\"s\",\"temperature\":1,\"store_ID\":\"s\","
                     "\"date\":\"2023-07-01\"}",
                     OMS_TRANSLATE_ERROR_MISSING_FIELD, "time");
  assert_pull_error ("sensor",
                     "{\"ID\":\"s\",\"name\":\"n\",\"storeID\":\"s\",\"is_active\":\"yes\","
                     "\"macAddress\":\"m\",\"lastConnectionTime\":0}",
                     OMS_TRANSLATE_ERROR_WRONG_TYPE, "is_active");
  assert_pull_error ("name",
                     "{\"ID\":\"n\",\"name\":\"n\",\"code\":\"c\",\"type\":\"patient\","
                     "\"customer\":false,\"supplier\":false,\"female\":true,"
                     "\"manufacturer\":false,\"donor\":false,\"hold\":false,"
                     "\"isDeceased\":false,\"om_gender\":\"SOMETIMES\"}",
                     OMS_TRANSLATE_ERROR_WRONG_TYPE, "SOMETIMES");
  assert_pull_error ("name",
                     "{\"ID\":\"n\",\"name\":\"n\",\"code\":\"c\",\"type\":\"patient\","
                     "\"customer\":false,\"supplier\":false,"
                     "\"manufacturer\":false,\"donor\":false,\"hold\":false,"
                     "\"isDeceased\":false}",
                     OMS_TRANSLATE_ERROR_MISSING_FIELD, "female");
  assert_pull_error ("asset", "{\"id\":\"a\",\"modified_datetime\":\"2020-01-22T15:16:00\"}",
                     OMS_TRANSLATE_ERROR_MISSING_FIELD, "created_datetime");
  assert_pull_error ("sync_file_reference",
                     "{\"id\":\"f\",\"table_name\":\"asset\",\"record_id\":\"a\","
                     "\"file_name\":\"x\",\"created_datetime\":\"2020-01-22T15:16:00\","
                     "\"total_bytes\":null}",
                     OMS_TRANSLATE_ERROR_WRONG_TYPE, "total_bytes");
  assert_pull_error ("sync_file_reference",
                     "{\"id\":\"f\",\"table_name\":\"asset\",\"record_id\":\"a\","
                     "\"created_datetime\":\"2020-01-22T15:16:00\"}",
                     OMS_TRANSLATE_ERROR_MISSING_FIELD, "file_name");
  assert_pull_error ("asset",
                     "{\"id\":\"a\",\"created_datetime\":\"2020-01-22\","
                     "\"modified_datetime\":\"2020-01-22T15:16:00\"}",
                     OMS_TRANSLATE_ERROR_WRONG_TYPE, "created_datetime");

  /* Push of a row that lacks a required column. */
  json_object_remove_member (row, "store_id");
  g_assert_false (oms_translate_push_legacy ("location", row, &table, &record, &error));
  g_assert_error (error, OMS_TRANSLATE_ERROR, OMS_TRANSLATE_ERROR_MISSING_FIELD);
  g_assert_nonnull (strstr (error->message, "store_id"));
  g_assert_null (table);
  g_assert_null (record);
}

static void
test_routing (void)
{
  static const struct
  {
    const char     *table;
    OmsPushTargets  targets;
  } cases[] = {
    { "name", OMS_PUSH_TARGET_V5 | OMS_PUSH_TARGET_V6 },
    { "name_store_join", OMS_PUSH_TARGET_V5 | OMS_PUSH_TARGET_V6 },
    { "location", OMS_PUSH_TARGET_V5 },
    { "Location", OMS_PUSH_TARGET_V5 },
    { "sensor", OMS_PUSH_TARGET_V5 },
    { "temperature_log", OMS_PUSH_TARGET_V5 },
    { "temperature_breach", OMS_PUSH_TARGET_V5 },
    { "transact", OMS_PUSH_TARGET_V5 },
    { "invoice_line", OMS_PUSH_TARGET_V5 },
    { "vaccination", OMS_PUSH_TARGET_V5 | OMS_PUSH_TARGET_V6 },
    { "asset", OMS_PUSH_TARGET_V6 },
    { "asset_log", OMS_PUSH_TARGET_V6 },
    { "system_log", OMS_PUSH_TARGET_V6 },
    { "sync_file_reference", OMS_PUSH_TARGET_V6 },
    { "store", OMS_PUSH_TARGET_NONE },
    { "item", OMS_PUSH_TARGET_NONE },
    { "unit", OMS_PUSH_TARGET_NONE },
    { "asset_class", OMS_PUSH_TARGET_NONE },
  };
  const char *local_table = "x";

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (oms_translate_push_targets (cases[i].table), ==, cases[i].targets);

  g_assert_true (oms_translate_pull_delete ("name", &local_table));
  g_assert_cmpstr (local_table, ==, "name");
  g_assert_true (oms_translate_pull_delete ("asset", &local_table));
  g_assert_cmpstr (local_table, ==, "asset");
  g_assert_true (oms_translate_pull_delete ("Location", &local_table));
  g_assert_null (local_table);
  /* Open mSupply has no delete translation for file references: they are soft-deleted. */
  g_assert_true (oms_translate_pull_delete ("sync_file_reference", &local_table));
  g_assert_null (local_table);
  g_assert_false (oms_translate_pull_delete ("unit", &local_table));
  g_assert_null (local_table);

  g_assert_cmpstr (oms_translate_push_delete_table ("location", OMS_PUSH_TARGET_V5), ==,
                   "Location");
  g_assert_null (oms_translate_push_delete_table ("location", OMS_PUSH_TARGET_V6));
  g_assert_cmpstr (oms_translate_push_delete_table ("name", OMS_PUSH_TARGET_V6), ==, "name");
  g_assert_cmpstr (oms_translate_push_delete_table ("asset", OMS_PUSH_TARGET_V6), ==, "asset");
  g_assert_null (oms_translate_push_delete_table ("sensor", OMS_PUSH_TARGET_V5));
  g_assert_null (oms_translate_push_delete_table ("unit", OMS_PUSH_TARGET_V5));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/oms/translate/pull/records", test_pull_records);
  g_test_add_func ("/oms/translate/pull/fixtures", test_pull_fixtures);
  g_test_add_func ("/oms/translate/pull/name", test_pull_name);
  g_test_add_func ("/oms/translate/pull/store-ignored", test_pull_store_ignored);
  g_test_add_func ("/oms/translate/pull/datetimes", test_pull_datetimes);
  g_test_add_func ("/oms/translate/pull/asset-log", test_pull_asset_log);
  g_test_add_func ("/oms/translate/sync-file-reference", test_sync_file_reference);
  g_test_add_func ("/oms/translate/push/legacy", test_push_legacy);
  g_test_add_func ("/oms/translate/push/name", test_push_name);
  g_test_add_func ("/oms/translate/push/v6", test_push_v6);
  g_test_add_func ("/oms/translate/push/times", test_push_times);
  g_test_add_func ("/oms/translate/round-trip", test_round_trip);
  g_test_add_func ("/oms/translate/errors", test_errors);
  g_test_add_func ("/oms/translate/routing", test_routing);

  return g_test_run ();
}
