/* test-coldchain-page.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-coldchain-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "oms-coldchain-accounts.h"
#include "oms-coldchain-devices-group.h"
#include "oms-coldchain-page.h"
#include "oms-coldchain-queries.h"
#include "oms-locale.h"
#include "oms-store-private.h"
#include "oms-temperature-chart.h"
#include "ui-test-util.h"

typedef struct
{
  char      *data_dir;
  OmsStore  *store;
  GtkWindow *window;
} Fixture;

/* Helpers */

static void
drain_main_context (void)
{
  /* The page refreshes from a low-priority idle after the store changes. */
  for (guint i = 0; i < 5; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (2000);
    }
}

static void
insert (OmsStore   *store,
        const char *table,
        const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (json, &error);

  g_assert_no_error (error);
  g_assert_true (oms_store_upsert_record (store, table, json_node_get_object (node),
                                          OMS_ORIGIN_LOCAL, &error));
  g_assert_no_error (error);
}

static guint
count_changelog (OmsStore   *store,
                 const char *table,
                 char      **last_record_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = oms_store_list_changelog (store, 0, FALSE, 0, &error);
  guint n = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    {
      const OmsChangelogEntry *entry = g_ptr_array_index (entries, i);

      if (g_strcmp0 (entry->table_name, table) != 0)
        continue;

      n++;
      if (last_record_id != NULL)
        {
          g_free (*last_record_id);
          *last_record_id = g_strdup (entry->record_id);
        }
    }

  return n;
}

typedef struct
{
  GType       type;
  const char *title;
} RowMatch;

static GtkWidget *
find_row (GtkWidget      *root,
          const RowMatch *match)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, match->type) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), match->title) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, match);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static GtkWidget *
find_action_row (GtkWidget  *root,
                 const char *title)
{
  RowMatch match = { ADW_TYPE_ACTION_ROW, title };

  return find_row (root, &match);
}

static GtkWidget *
find_actionable (GtkWidget  *root,
                 const char *action_name)
{
  if (GTK_IS_ACTIONABLE (root) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), action_name) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_actionable (child, action_name);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static GtkWidget *
find_label (GtkWidget  *root,
            const char *text)
{
  if (GTK_IS_LABEL (root) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (root)), text) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static GtkWidget *
find_menu_button (GtkWidget *root)
{
  if (GTK_IS_MENU_BUTTON (root))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_menu_button (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
assert_subtitle_has (GtkWidget  *row,
                     const char *text)
{
  const char *subtitle;

  g_assert_nonnull (row);
  subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
  if (subtitle == NULL || strstr (subtitle, text) == NULL)
    g_error ("Subtitle “%s” lacks “%s”", subtitle ? subtitle : "", text);
}

static gboolean
message_dialog_shown (gpointer data)
{
  AdwMessageDialog **dialog = data;
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      {
        *dialog = l->data;
        return TRUE;
      }

  return FALSE;
}

static AdwMessageDialog *
wait_for_message_dialog (void)
{
  AdwMessageDialog *dialog = NULL;

  g_assert_true (oms_test_wait_until (message_dialog_shown, &dialog));
  return dialog;
}

/* Fixture */

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->data_dir = g_dir_make_tmp ("omsync-test-coldchain-page-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = oms_store_open (f->data_dir, &error);
  g_assert_no_error (error);

  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 800, 900);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (f->window);
  drain_main_context ();
  g_assert_finalize_object (f->store);
  oms_test_remove_dir (f->data_dir);
  g_free (f->data_dir);
}

static void
insert_records (OmsStore *store)
{
  insert (store, "location",
          "{\"id\":\"L1\",\"name\":\"Fridge room\",\"code\":\"FR\",\"on_hold\":false,"
          "\"store_id\":\"store1\",\"volume\":0}");
  insert (store, "sensor",
          "{\"id\":\"S1\",\"name\":\"Vaccine fridge\",\"serial\":\"AA:BB:CC:DD:EE:FF\","
          "\"location_id\":\"L1\",\"store_id\":\"store1\",\"battery_level\":80,"
          "\"log_interval\":15,\"is_active\":true,\"type\":\"BLUE_MAESTRO\"}");
  insert (store, "temperature_log",
          "{\"id\":\"T1\",\"temperature\":4.0,\"sensor_id\":\"S1\",\"store_id\":\"store1\","
          "\"datetime\":\"2026-11-26T10:00:00\"}");
  insert (store, "temperature_log",
          "{\"id\":\"T2\",\"temperature\":5.5,\"sensor_id\":\"S1\",\"store_id\":\"store1\","
          "\"datetime\":\"2026-11-26T11:00:00\"}");
  insert (store, "temperature_breach",
          "{\"id\":\"B1\",\"duration_milliseconds\":3600000,\"type\":\"HOT_CONSECUTIVE\","
          "\"sensor_id\":\"S1\",\"store_id\":\"store1\","
          "\"start_datetime\":\"2026-11-26T08:00:00\",\"end_datetime\":\"2026-11-26T09:00:00\","
          "\"unacknowledged\":true,\"threshold_minimum\":2.0,\"threshold_maximum\":8.0,"
          "\"threshold_duration_milliseconds\":3600000}");
  insert (store, "asset",
          "{\"id\":\"A1\",\"asset_number\":\"FRIDGE-001\",\"notes\":\"Main fridge\","
          "\"serial_number\":\"SN-42\",\"store_id\":\"store1\","
          "\"created_datetime\":\"2026-01-01T00:00:00\","
          "\"modified_datetime\":\"2026-01-01T00:00:00\"}");
  insert (store, "asset_log",
          "{\"id\":\"AL1\",\"asset_id\":\"A1\",\"user_id\":\"someone\","
          "\"status\":\"NOT_FUNCTIONING\",\"log_datetime\":\"2026-11-25T10:00:00\","
          "\"created_datetime\":\"2026-11-25T10:00:00\"}");
}

/* Tests */

static void
test_empty (Fixture       *f,
            gconstpointer  data)
{
  GtkWidget *page = g_object_new (OMS_TYPE_COLDCHAIN_PAGE, "store", f->store, NULL);
  GtkWidget *title;

  gtk_window_set_child (f->window, page);
  gtk_window_present (f->window);
  drain_main_context ();

  title = find_label (page, "Scan the QR code on the Settings page with mSupply Cold Chain.");
  g_assert_nonnull (title);
  g_assert_true (gtk_widget_get_mapped (title));
}

static void
test_lists (Fixture       *f,
            gconstpointer  data)
{
  GtkWidget *page;
  GtkWidget *row;

  insert_records (f->store);

  page = g_object_new (OMS_TYPE_COLDCHAIN_PAGE, "store", f->store, NULL);
  gtk_window_set_child (f->window, page);
  gtk_window_present (f->window);
  drain_main_context ();

  row = find_action_row (page, "Vaccine fridge");
  g_assert_true (gtk_widget_get_mapped (row));
  assert_subtitle_has (row, "Serial: AA:BB:CC:DD:EE:FF");
  assert_subtitle_has (row, "Battery: 80%");
  assert_subtitle_has (row, "Location: Fridge room");
  assert_subtitle_has (row, "Last temperature 5.5 °C at 2026-11-26 11:00");
  g_assert_nonnull (find_label (row, "5.5 °C"));

  row = find_action_row (page, "Too hot, consecutive");
  assert_subtitle_has (row, "Sensor: Vaccine fridge");
  assert_subtitle_has (row, "From 2026-11-26 08:00 to 2026-11-26 09:00");
  assert_subtitle_has (row, "Thresholds: 2.0 °C to 8.0 °C");
  g_assert_nonnull (find_actionable (row, "coldchain.acknowledge"));

  row = find_action_row (page, "FRIDGE-001");
  assert_subtitle_has (row, "Main fridge");
  assert_subtitle_has (row, "Serial: SN-42");
  assert_subtitle_has (row, "Status: Not functioning (2026-11-25 10:00)");
  g_assert_nonnull (find_menu_button (row));
}

static gboolean
breach_acknowledged (gpointer data)
{
  GtkWidget *page = data;
  GtkWidget *row = find_action_row (page, "Too hot, consecutive");

  return row != NULL && find_label (row, "Acknowledged") != NULL &&
         find_actionable (row, "coldchain.acknowledge") == NULL;
}

static void
test_acknowledge (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) breach = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *page;
  GtkWidget *row;
  guint n_before;

  insert_records (f->store);
  n_before = count_changelog (f->store, "temperature_breach", NULL);

  page = g_object_new (OMS_TYPE_COLDCHAIN_PAGE, "store", f->store, NULL);
  gtk_window_set_child (f->window, page);
  gtk_window_present (f->window);
  drain_main_context ();

  row = find_action_row (page, "Too hot, consecutive");
  g_assert_true (gtk_widget_activate (find_actionable (row, "coldchain.acknowledge")));

  dialog = wait_for_message_dialog ();
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == f->window);
  gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog)),
                         "Door left open");
  adw_message_dialog_response (dialog, "acknowledge");
  gtk_window_destroy (GTK_WINDOW (dialog));

  breach = oms_store_get_record (f->store, "temperature_breach", "B1", &error);
  g_assert_no_error (error);
  g_assert_false (json_object_get_boolean_member (breach, "unacknowledged"));
  g_assert_cmpstr (json_object_get_string_member (breach, "comment"), ==, "Door left open");
  g_assert_cmpstr (json_object_get_string_member (breach, "type"), ==, "HOT_CONSECUTIVE");
  g_assert_cmpuint (count_changelog (f->store, "temperature_breach", NULL), ==, n_before + 1);

  g_assert_true (oms_test_wait_until (breach_acknowledged, page));
  assert_subtitle_has (find_action_row (page, "Too hot, consecutive"), "Comment: Door left open");
}

static void
test_acknowledge_cancel (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) breach = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *page;
  guint n_before;

  insert_records (f->store);
  n_before = count_changelog (f->store, "temperature_breach", NULL);

  page = g_object_new (OMS_TYPE_COLDCHAIN_PAGE, "store", f->store, NULL);
  gtk_window_set_child (f->window, page);
  gtk_window_present (f->window);
  drain_main_context ();

  g_assert_true (gtk_widget_activate_action (page, "coldchain.acknowledge", "s", "B1"));
  dialog = wait_for_message_dialog ();
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  drain_main_context ();

  breach = oms_store_get_record (f->store, "temperature_breach", "B1", &error);
  g_assert_no_error (error);
  g_assert_true (json_object_get_boolean_member (breach, "unacknowledged"));
  g_assert_cmpuint (count_changelog (f->store, "temperature_breach", NULL), ==, n_before);
}

static gboolean
equipment_functioning (gpointer data)
{
  GtkWidget *row = find_action_row (data, "FRIDGE-001");
  const char *subtitle = row ? adw_action_row_get_subtitle (ADW_ACTION_ROW (row)) : NULL;

  return subtitle != NULL && strstr (subtitle, "Status: Functioning (") != NULL;
}

static void
test_add_status (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) log = NULL;
  g_autoptr(GRegex) datetime = NULL;
  g_autofree char *log_id = NULL;
  GtkWidget *page;
  GtkWidget *button;
  GMenuModel *menu;
  guint n_before;

  insert_records (f->store);
  n_before = count_changelog (f->store, "asset_log", NULL);

  page = g_object_new (OMS_TYPE_COLDCHAIN_PAGE, "store", f->store, NULL);
  gtk_window_set_child (f->window, page);
  gtk_window_present (f->window);
  drain_main_context ();

  g_assert_true (gtk_widget_activate_action (page, "coldchain.add-status", "(ss)",
                                             "A1", "FUNCTIONING"));

  g_assert_cmpuint (count_changelog (f->store, "asset_log", &log_id), ==, n_before + 1);
  g_assert_nonnull (log_id);
  g_assert_true (g_uuid_string_is_valid (log_id));

  log = oms_store_get_record (f->store, "asset_log", log_id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (log);
  g_assert_cmpstr (json_object_get_string_member (log, "asset_id"), ==, "A1");
  g_assert_cmpstr (json_object_get_string_member (log, "user_id"), ==, "omsync");
  g_assert_cmpstr (json_object_get_string_member (log, "status"), ==, "FUNCTIONING");
  datetime = g_regex_new ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d$", 0, 0, NULL);
  g_assert_true (g_regex_match (datetime, json_object_get_string_member (log, "log_datetime"),
                                0, NULL));
  g_assert_true (g_regex_match (datetime,
                                json_object_get_string_member (log, "created_datetime"),
                                0, NULL));

  g_assert_true (oms_test_wait_until (equipment_functioning, page));

  /* The row offers the three statuses of upstream AssetLogStatus that describe working order. */
  button = find_menu_button (find_action_row (page, "FRIDGE-001"));
  g_assert_nonnull (button);
  menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (button));
  g_assert_nonnull (menu);
  g_assert_cmpint (g_menu_model_get_n_items (menu), ==, 3);
}

static gboolean
group_idle (gpointer data)
{
  return !oms_coldchain_devices_group_get_busy (data);
}

static void
test_accounts (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  RowMatch username_match = { ADW_TYPE_ENTRY_ROW, "Username" };
  RowMatch password_match = { ADW_TYPE_PASSWORD_ENTRY_ROW, "Password" };
  OmsColdchainDevicesGroup *group;
  AdwMessageDialog *dialog;
  GtkWidget *page;
  GtkWidget *username;
  GtkWidget *password;
  g_autofree char *hash = NULL;
  gsize hash_length = 0;
  sqlite3_stmt *stmt;

  group = g_object_new (OMS_TYPE_COLDCHAIN_DEVICES_GROUP, "store", f->store, NULL);
  page = adw_preferences_page_new ();
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  gtk_window_set_child (f->window, page);
  gtk_window_present (f->window);
  drain_main_context ();

  /* Without a running server the group says so, and shows the default port. */
  assert_subtitle_has (find_action_row (GTK_WIDGET (group), "Server"), "Not running");
  assert_subtitle_has (find_action_row (GTK_WIDGET (group), "Port and protocol"),
                       "Port 8000, HTTPS");
  g_assert_nonnull (find_action_row (GTK_WIDGET (group), "No accounts yet"));

  username = find_row (GTK_WIDGET (group), &username_match);
  password = find_row (GTK_WIDGET (group), &password_match);
  g_assert_nonnull (username);
  g_assert_nonnull (password);
  gtk_editable_set_text (GTK_EDITABLE (username), "phone");
  gtk_editable_set_text (GTK_EDITABLE (password), "fridge-secret");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (group), "devices.add", NULL));
  g_assert_true (oms_coldchain_devices_group_get_busy (group));
  g_assert_true (oms_test_wait_until (group_idle, group));

  g_assert_true (oms_coldchain_accounts_exists (f->store, "phone", &error));
  g_assert_no_error (error);
  g_assert_true (oms_coldchain_accounts_verify (f->store, "phone", "fridge-secret", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (password)), ==, "");
  g_assert_nonnull (find_action_row (GTK_WIDGET (group), "phone"));

  /* Stored as a salted hash, never the password. */
  stmt = oms_store_prepare (f->store,
                            "SELECT password_hash FROM coldchain_account WHERE username = 'phone'",
                            &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  hash = g_strndup ((const char *)sqlite3_column_text (stmt, 0), sqlite3_column_bytes (stmt, 0));
  sqlite3_reset (stmt);
  g_assert_null (strstr (hash, "fridge-secret"));
  g_free (g_base64_decode (hash, &hash_length));
  g_assert_cmpuint (hash_length, ==, OMS_COLDCHAIN_HASH_LENGTH);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (group), "devices.remove", "s", "phone"));
  dialog = wait_for_message_dialog ();
  adw_message_dialog_response (dialog, "remove");
  gtk_window_destroy (GTK_WINDOW (dialog));
  drain_main_context ();

  g_assert_false (oms_coldchain_accounts_exists (f->store, "phone", &error));
  g_assert_no_error (error);
  g_assert_null (find_action_row (GTK_WIDGET (group), "phone"));
  g_assert_nonnull (find_action_row (GTK_WIDGET (group), "No accounts yet"));
}

static GtkWidget *
find_type (GtkWidget *root,
           GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_type (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
test_server_settings (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  OmsColdchainDevicesGroup *group;
  GtkWidget *page;
  GtkWidget *spin;
  GtkWidget *toggle;
  GtkWidget *apply;

  /* The environment override would hide the stored port. */
  g_unsetenv ("OMSYNC_COLDCHAIN_PORT");

  group = g_object_new (OMS_TYPE_COLDCHAIN_DEVICES_GROUP, "store", f->store, NULL);
  page = adw_preferences_page_new ();
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  gtk_window_set_child (f->window, page);
  gtk_window_present (f->window);
  drain_main_context ();

  spin = find_type (find_action_row (GTK_WIDGET (group), "Port"), GTK_TYPE_SPIN_BUTTON);
  toggle = find_type (find_action_row (GTK_WIDGET (group), "HTTPS"), GTK_TYPE_SWITCH);
  g_assert_nonnull (spin);
  g_assert_nonnull (toggle);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (spin)), ==, 8000);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (toggle)));

  /* Nothing to apply until a field changes. */
  apply = find_actionable (GTK_WIDGET (group), "devices.apply-server");
  g_assert_nonnull (apply);
  g_assert_false (gtk_widget_get_sensitive (apply));

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 8123);
  gtk_switch_set_active (GTK_SWITCH (toggle), FALSE);
  g_assert_true (gtk_widget_get_sensitive (apply));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (group), "devices.apply-server", NULL));

  g_assert_cmpint (oms_store_kv_get_int (f->store, "OMSYNC_COLDCHAIN_PORT", 0, &error), ==, 8123);
  g_assert_no_error (error);
  g_assert_true (oms_store_kv_get_bool (f->store, "OMSYNC_COLDCHAIN_HTTP", FALSE, &error));
  g_assert_no_error (error);
  assert_subtitle_has (find_action_row (GTK_WIDGET (group), "Port and protocol"),
                       "Port 8123, plain HTTP");
  g_assert_false (gtk_widget_get_sensitive (apply));
}

/* A fridge whose logs span a week, with breaches and the limits they give: in the last day
 * 4.0 and 5.5 °C and one breach; in the week also 1.5 °C three days back and an older breach.
 */
static void
insert_chart_records (OmsStore *store)
{
  insert (store, "sensor",
          "{\"id\":\"S2\",\"name\":\"Ice pack fridge\",\"serial\":\"11:22:33:44:55:66\","
          "\"store_id\":\"store1\",\"is_active\":true,\"type\":\"BLUE_MAESTRO\"}");
  insert (store, "temperature_log",
          "{\"id\":\"C1\",\"temperature\":4.0,\"sensor_id\":\"S2\",\"store_id\":\"store1\","
          "\"datetime\":\"2026-11-26T10:00:00\"}");
  insert (store, "temperature_log",
          "{\"id\":\"C2\",\"temperature\":5.5,\"sensor_id\":\"S2\",\"store_id\":\"store1\","
          "\"datetime\":\"2026-11-26T11:00:00\"}");
  insert (store, "temperature_log",
          "{\"id\":\"C3\",\"temperature\":1.5,\"sensor_id\":\"S2\",\"store_id\":\"store1\","
          "\"datetime\":\"2026-11-23T12:00:00\"}");
  /* Older than the week: never in either period. */
  insert (store, "temperature_log",
          "{\"id\":\"C4\",\"temperature\":-3.0,\"sensor_id\":\"S2\",\"store_id\":\"store1\","
          "\"datetime\":\"2026-11-01T12:00:00\"}");
  insert (store, "temperature_breach",
          "{\"id\":\"CB1\",\"duration_milliseconds\":3600000,\"type\":\"HOT_CONSECUTIVE\","
          "\"sensor_id\":\"S2\",\"store_id\":\"store1\","
          "\"start_datetime\":\"2026-11-26T08:00:00\",\"end_datetime\":\"2026-11-26T09:00:00\","
          "\"unacknowledged\":true,\"threshold_minimum\":8.0,\"threshold_maximum\":100.0,"
          "\"threshold_duration_milliseconds\":3600000}");
  insert (store, "temperature_breach",
          "{\"id\":\"CB2\",\"duration_milliseconds\":3600000,\"type\":\"COLD_CONSECUTIVE\","
          "\"sensor_id\":\"S2\",\"store_id\":\"store1\","
          "\"start_datetime\":\"2026-11-22T08:00:00\",\"end_datetime\":\"2026-11-22T09:00:00\","
          "\"unacknowledged\":false,\"threshold_minimum\":-273.0,\"threshold_maximum\":2.5,"
          "\"threshold_duration_milliseconds\":3600000}");
}

static OmsTemperatureChart *
show_chart_page (Fixture *f)
{
  g_autoptr(GDateTime) end = g_date_time_new_utc (2026, 11, 26, 12, 0, 0);
  GtkWidget *page = g_object_new (OMS_TYPE_COLDCHAIN_PAGE, "store", f->store, NULL);
  OmsTemperatureChart *chart;

  gtk_window_set_child (f->window, page);
  gtk_window_present (f->window);
  drain_main_context ();

  chart = OMS_TEMPERATURE_CHART (find_type (page, OMS_TYPE_TEMPERATURE_CHART));
  g_assert_nonnull (chart);
  oms_temperature_chart_set_end_time (chart, end);

  return chart;
}

static void
select_sensor (GtkWidget  *page,
               const char *name)
{
  AdwComboRow *row = ADW_COMBO_ROW (find_type (page, ADW_TYPE_COMBO_ROW));
  GListModel *names = adw_combo_row_get_model (row);

  for (guint i = 0; i < g_list_model_get_n_items (names); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (names), i), name) == 0)
      {
        adw_combo_row_set_selected (row, i);
        return;
      }

  g_error ("No sensor “%s” to choose", name);
}

static void
test_chart_summary (Fixture       *f,
                    gconstpointer  data)
{
  OmsTemperatureChart *chart;
  GtkWidget *page;

  insert_records (f->store);
  insert_chart_records (f->store);
  chart = show_chart_page (f);
  page = gtk_window_get_child (f->window);

  /* The first sensor by name is chosen at first. */
  g_assert_cmpstr (oms_temperature_chart_get_sensor_id (chart), ==, "S2");
  select_sensor (page, "Vaccine fridge");
  g_assert_cmpstr (oms_temperature_chart_get_sensor_id (chart), ==, "S1");
  select_sensor (page, "Ice pack fridge");
  g_assert_cmpstr (oms_temperature_chart_get_sensor_id (chart), ==, "S2");

  g_assert_cmpuint (oms_temperature_chart_get_period_hours (chart), ==, 24);
  g_assert_cmpstr (oms_temperature_chart_get_summary (chart), ==,
                   "Ice pack fridge, the last 24 hours: latest 5.5\u00a0°C at 11:00, lowest 4.0\u00a0°C, "
                   "highest 5.5\u00a0°C, 1 breach.");
  g_assert_cmpstr (oms_temperature_chart_get_legend (chart), ==,
                   "Limits 2.5\u00a0°C to 8.0\u00a0°C, from this sensor’s breaches");
  /* Sighted users read the same sentence under the chart. */
  g_assert_nonnull (find_label (page, oms_temperature_chart_get_summary (chart)));

  /* The toggle's other half: the week adds the cold night and the older breach. */
  g_assert_true (gtk_widget_activate_action (page, "chart.period", "s", "week"));
  g_assert_cmpuint (oms_temperature_chart_get_period_hours (chart), ==, 7 * 24);
  g_assert_cmpstr (oms_temperature_chart_get_summary (chart), ==,
                   "Ice pack fridge, the last 7 days: latest 5.5\u00a0°C at 11:00, lowest 1.5\u00a0°C, "
                   "highest 5.5\u00a0°C, 2 breaches.");
  g_assert_nonnull (find_label (page, oms_temperature_chart_get_summary (chart)));

  g_assert_true (gtk_widget_activate_action (page, "chart.period", "s", "day"));
  g_assert_cmpuint (oms_temperature_chart_get_period_hours (chart), ==, 24);
}

static gboolean
chart_summary_has (gpointer data)
{
  OmsTemperatureChart *chart = data;
  const char *summary = oms_temperature_chart_get_summary (chart);

  return summary != NULL && strstr (summary, "latest 6.5\u00a0°C") != NULL;
}

static void
test_chart_empty (Fixture       *f,
                  gconstpointer  data)
{
  OmsTemperatureChart *chart;

  insert_records (f->store);
  chart = show_chart_page (f);

  /* Vaccine fridge's logs are from 10:00 and 11:00 on the 26th: three days later the last
   * day has none, and the summary says when the latest was.
   */
  {
    g_autoptr(GDateTime) later = g_date_time_new_utc (2026, 11, 29, 12, 0, 0);

    oms_temperature_chart_set_end_time (chart, later);
  }
  g_assert_cmpstr (oms_temperature_chart_get_summary (chart), ==,
                   "Vaccine fridge, the last 24 hours: no temperatures logged, no breaches. "
                   "The latest was 5.5\u00a0°C on 11/26/26 at 11:00.");

  /* A new log refreshes the chart through the page's store watch. */
  insert (f->store, "temperature_log",
          "{\"id\":\"T9\",\"temperature\":6.5,\"sensor_id\":\"S1\",\"store_id\":\"store1\","
          "\"datetime\":\"2026-11-29T09:30:00\"}");
  g_assert_true (oms_test_wait_until (chart_summary_has, chart));
  g_assert_cmpstr (oms_temperature_chart_get_summary (chart), ==,
                   "Vaccine fridge, the last 24 hours: latest 6.5\u00a0°C at 09:30, lowest 6.5\u00a0°C, "
                   "highest 6.5\u00a0°C, no breaches.");
}

int
main (int   argc,
      char *argv[])
{
  /* The strings compared below are the English ones, and the times are shown in UTC. */
  g_setenv ("LANGUAGE", "C", TRUE);
  g_setenv ("TZ", "UTC", TRUE);
  /* The chart writes times and dates as the locale does: these are C's. */
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);

  oms_locale_init ();
  oms_test_gtk_init (&argc, &argv);
  oms_test_set_wait_timeout (20);
  adw_init ();

  g_test_add ("/oms/coldchain-page/empty", Fixture, NULL,
              fixture_set_up, test_empty, fixture_tear_down);
  g_test_add ("/oms/coldchain-page/lists", Fixture, NULL,
              fixture_set_up, test_lists, fixture_tear_down);
  g_test_add ("/oms/coldchain-page/acknowledge", Fixture, NULL,
              fixture_set_up, test_acknowledge, fixture_tear_down);
  g_test_add ("/oms/coldchain-page/acknowledge-cancel", Fixture, NULL,
              fixture_set_up, test_acknowledge_cancel, fixture_tear_down);
  g_test_add ("/oms/coldchain-page/add-status", Fixture, NULL,
              fixture_set_up, test_add_status, fixture_tear_down);
  g_test_add ("/oms/coldchain-page/chart-summary", Fixture, NULL,
              fixture_set_up, test_chart_summary, fixture_tear_down);
  g_test_add ("/oms/coldchain-page/chart-empty", Fixture, NULL,
              fixture_set_up, test_chart_empty, fixture_tear_down);
  g_test_add ("/oms/coldchain-page/accounts", Fixture, NULL,
              fixture_set_up, test_accounts, fixture_tear_down);
  g_test_add ("/oms/coldchain-page/server-settings", Fixture, NULL,
              fixture_set_up, test_server_settings, fixture_tear_down);

  return g_test_run ();
}
