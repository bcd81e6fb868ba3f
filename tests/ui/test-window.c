/* test-window.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-window"

#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "oms-application.h"
#include "oms-coldchain-page.h"
#include "oms-initialise-page.h"
#include "oms-locale.h"
#include "oms-overview-page.h"
#include "oms-records-page.h"
#include "oms-sync-window.h"
#include "oms-window.h"
#include "ui-test-util.h"

#define SCHEMA_ID       "io.github.omsync.OmSync"

typedef struct _Fixture Fixture;
typedef void (*TestBody) (Fixture *f);

typedef struct
{
  const char *path;
  TestBody    body;
  gboolean    corrupt_store;
} TestCase;

struct _Fixture
{
  const TestCase *test;
  char           *data_dir;
  OmsApplication *app;
  OmsWindow      *window;
  OmsStore       *store;
  gboolean        ran;
};

/* Helpers */

static void
reset_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);

  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
  g_settings_reset (settings, "window-maximized");
  g_settings_reset (settings, "last-page");
}

typedef gboolean (*WidgetMatch) (GtkWidget     *widget,
                                 gconstpointer  data);

/* Depth first, internal children included, so rows inside groups and pages are found. */
static GtkWidget *
find_widget (GtkWidget     *root,
             WidgetMatch    match,
             gconstpointer  data)
{
  if (match (root, data))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, match, data);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
match_mapped_action_row (GtkWidget     *widget,
                         gconstpointer  data)
{
  return ADW_IS_ACTION_ROW (widget) &&
         gtk_widget_get_mapped (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), data) == 0;
}

static gboolean
match_mapped_status_page (GtkWidget     *widget,
                          gconstpointer  data)
{
  return ADW_IS_STATUS_PAGE (widget) &&
         gtk_widget_get_mapped (widget) &&
         g_strcmp0 (adw_status_page_get_title (ADW_STATUS_PAGE (widget)), data) == 0;
}

static gboolean
match_mapped_window_title (GtkWidget     *widget,
                           gconstpointer  data)
{
  return ADW_IS_WINDOW_TITLE (widget) &&
         gtk_widget_get_mapped (widget) &&
         g_strcmp0 (adw_window_title_get_title (ADW_WINDOW_TITLE (widget)), data) == 0;
}

static gboolean
match_count_label (GtkWidget     *widget,
                   gconstpointer  data)
{
  return GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "count");
}

static gboolean
match_label (GtkWidget     *widget,
             gconstpointer  data)
{
  return GTK_IS_LABEL (widget);
}

static gboolean
match_type (GtkWidget     *widget,
            gconstpointer  data)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (data));
}

static gboolean
match_sidebar (GtkWidget     *widget,
               gconstpointer  data)
{
  return GTK_IS_LIST_BOX (widget) && gtk_widget_has_css_class (widget, "navigation-sidebar");
}

static GtkWidget *
find_page (Fixture *f,
           GType    type)
{
  GtkWidget *page = find_widget (GTK_WIDGET (f->window), match_type, GSIZE_TO_POINTER (type));

  g_assert_nonnull (page);

  return page;
}

static GtkListBox *
find_sidebar (Fixture *f)
{
  GtkWidget *list = find_widget (GTK_WIDGET (f->window), match_sidebar, NULL);

  g_assert_nonnull (list);

  return GTK_LIST_BOX (list);
}

static AdwActionRow *
find_row (GtkWidget  *root,
          const char *title)
{
  return (AdwActionRow *)find_widget (root, match_mapped_action_row, title);
}

static const char *
row_count (AdwActionRow *row)
{
  GtkWidget *label = find_widget (GTK_WIDGET (row), match_count_label, NULL);

  g_assert_nonnull (label);

  return gtk_label_get_label (GTK_LABEL (label));
}

static GtkWindow *
find_app_window (OmsApplication *app,
                 GType           type)
{
  for (const GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    {
      if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type))
        return l->data;
    }

  return NULL;
}

static void
upsert_location (OmsStore   *store,
                 const char *id)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(GError) error = NULL;

  json_object_set_string_member (fields, "id", id);
  json_object_set_string_member (fields, "name", "Cold room");
  json_object_set_string_member (fields, "code", id);
  json_object_set_boolean_member (fields, "on_hold", FALSE);
  json_object_set_string_member (fields, "store_id", "store-1");
  json_object_set_double_member (fields, "volume", 2.5);

  g_assert_true (oms_store_upsert_record (store, "location", fields, OMS_ORIGIN_LOCAL, &error));
  g_assert_no_error (error);
}

static void
upsert_sensor (OmsStore   *store,
               const char *id)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(GError) error = NULL;

  json_object_set_string_member (fields, "id", id);
  json_object_set_string_member (fields, "name", "Fridge 1");
  json_object_set_string_member (fields, "serial", "SN-0001");
  json_object_set_string_member (fields, "store_id", "store-1");
  json_object_set_boolean_member (fields, "is_active", TRUE);
  json_object_set_string_member (fields, "type", "BLUE_MAESTRO");

  g_assert_true (oms_store_upsert_record (store, "sensor", fields, OMS_ORIGIN_LOCAL, &error));
  g_assert_no_error (error);
}

/* Fixture
 *
 * Each test runs the application as main() does, with --data-dir on its command line, and
 * its body runs once the window is up. Running it for real matters: g_application_run()
 * unregisters from the bus and emits shutdown on the way out, and without that the
 * application cannot be finalized.
 */

static void
fixture_activate_after_cb (OmsApplication *app,
                           Fixture        *f)
{
  /* Actions under test may activate the application again. */
  g_signal_handlers_disconnect_by_func (app, fixture_activate_after_cb, f);

  f->window = (OmsWindow *)find_app_window (app, OMS_TYPE_WINDOW);
  g_assert_nonnull (f->window);
  f->store = oms_application_get_store (app);

  /* An empty store opens on the first-run page; these tests are about the pages behind it. */
  {
    GtkWidget *initialise = find_widget (GTK_WIDGET (f->window), match_type,
                                         GSIZE_TO_POINTER (OMS_TYPE_INITIALISE_PAGE));

    g_assert_nonnull (initialise);
    g_assert_true (gtk_widget_activate_action (initialise, "initialise.later", NULL));
  }

  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));

  f->test->body (f);
  f->ran = TRUE;

  g_application_quit (G_APPLICATION (app));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->test = data;

  reset_settings ();

  f->data_dir = g_dir_make_tmp ("omsync-test-window-XXXXXX", &error);
  g_assert_no_error (error);

  if (f->test->corrupt_store)
    {
      g_autofree char *db_path = g_build_filename (f->data_dir, "omsync.sqlite", NULL);

      /* Not an sqlite database at all. */
      g_assert_true (g_file_set_contents (db_path,
                                          "This is not a database but a text file, long "
                                          "enough to fill an sqlite header and more.",
                                          -1, &error));
      g_assert_no_error (error);
    }

  f->app = oms_application_new ();
  g_signal_connect_after (f->app, "activate", G_CALLBACK (fixture_activate_after_cb), f);
}

static void
fixture_run (Fixture       *f,
             gconstpointer  data)
{
  char *argv[] = { (char *)"omsync", (char *)"--data-dir", f->data_dir, NULL };

  g_assert_cmpint (g_application_run (G_APPLICATION (f->app), 3, argv), ==, 0);
  g_assert_true (f->ran);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GList) windows = NULL;

  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (f->app)));
  for (const GList *l = windows; l != NULL; l = l->next)
    gtk_window_destroy (GTK_WINDOW (l->data));
  oms_test_drain_main_context ();

  f->window = NULL;
  f->store = NULL;
  g_assert_finalize_object (f->app);

  oms_test_remove_dir (f->data_dir);
  g_clear_pointer (&f->data_dir, g_free);
}

/* Tests */

static void
test_sidebar_rows (Fixture *f)
{
  static const char *names[] = {
    "Overview", "Cold chain", "Records", "Settings", "Sync", "About",
  };
  GtkListBox *list = find_sidebar (f);
  GtkListBoxRow *row;
  GtkWidget *header;

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (f->window)), ==, "omsync");

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GtkWidget *label;

      row = gtk_list_box_get_row_at_index (list, i);
      g_assert_nonnull (row);
      g_assert_true (gtk_widget_get_visible (GTK_WIDGET (row)));

      /* The accessible name is the visible name. */
      g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (row),
                                                       GTK_ACCESSIBLE_PROPERTY_LABEL));
      gtk_test_accessible_assert_property (row, GTK_ACCESSIBLE_PROPERTY_LABEL, names[i]);

      label = find_widget (GTK_WIDGET (row), match_label, NULL);
      g_assert_nonnull (label);
      g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (label)), ==, names[i]);
    }

  g_assert_null (gtk_list_box_get_row_at_index (list, G_N_ELEMENTS (names)));

  /* A separator divides the upper section from the lower one, and nothing else. */
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      header = gtk_list_box_row_get_header (gtk_list_box_get_row_at_index (list, i));
      if (i == 3)
        g_assert_true (GTK_IS_SEPARATOR (header));
      else
        g_assert_null (header);
    }

  /* Sync and About are not pages: they act, they do not stay selected. */
  g_assert_false (gtk_list_box_row_get_selectable (gtk_list_box_get_row_at_index (list, 4)));
  g_assert_false (gtk_list_box_row_get_selectable (gtk_list_box_get_row_at_index (list, 5)));

  /* The Sync row's status line, also in its accessible description. */
  row = gtk_list_box_get_row_at_index (list, 4);
  gtk_test_accessible_assert_property (row, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "Not configured yet");
}

static gboolean
sync_window_is_open (gpointer data)
{
  return find_app_window (data, OMS_TYPE_SYNC_WINDOW) != NULL;
}

static void
test_sidebar_selects_pages (Fixture *f)
{
  static const char *pages[] = { "overview", "cold-chain", "records", "settings" };
  static const char *titles[] = { "Overview", "Cold chain", "Records", "Settings" };
  GtkListBox *list = find_sidebar (f);
  GtkWidget *stack;

  stack = gtk_widget_get_parent (find_page (f, OMS_TYPE_OVERVIEW_PAGE));
  g_assert_true (GTK_IS_STACK (stack));

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (list, i);

      gtk_list_box_select_row (list, row);
      g_assert_true (gtk_list_box_get_selected_row (list) == row);
      g_assert_cmpstr (oms_window_get_page (f->window), ==, pages[i]);
      g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, pages[i]);

      /* The content header names the page. */
      g_assert_nonnull (find_widget (GTK_WIDGET (f->window), match_mapped_window_title, titles[i]));
    }

  /* Choosing a page from code selects its row too. */
  oms_window_set_page (f->window, "records");
  g_assert_true (gtk_list_box_get_selected_row (list) == gtk_list_box_get_row_at_index (list, 2));

  /* Activating the Sync row opens the sync status window over the page (UI.md §1). */
  g_assert_null (find_app_window (f->app, OMS_TYPE_SYNC_WINDOW));
  gtk_widget_activate (GTK_WIDGET (gtk_list_box_get_row_at_index (list, 4)));
  g_assert_true (oms_test_wait_until (sync_window_is_open, f->app));
  g_assert_cmpstr (oms_window_get_page (f->window), ==, "records");
  gtk_window_close (find_app_window (f->app, OMS_TYPE_SYNC_WINDOW));
}

static void
test_overview (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *page;
  GtkListBoxRow *sync_row;
  AdwActionRow *row;

  oms_window_set_page (f->window, "overview");
  page = find_page (f, OMS_TYPE_OVERVIEW_PAGE);

  /* An empty store is not configured, and says so. */
  g_assert_nonnull (find_widget (page, match_mapped_status_page, "Not configured yet"));
  row = find_row (page, "Data directory");
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, f->data_dir);

  g_assert_true (oms_store_kv_set_string (f->store, "SETTINGS_SYNC_USERNAME", "demo", &error));
  g_assert_no_error (error);
  g_assert_true (oms_store_kv_set_string (f->store, "SETTINGS_SYNC_URL",
                                          "http://127.0.0.1:2048/?a=1&b=<2>", &error));
  g_assert_no_error (error);
  oms_test_drain_main_context ();

  g_assert_null (find_widget (page, match_mapped_status_page, "Not configured yet"));

  row = find_row (page, "Site name");
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "demo");

  /* Shown as typed: no markup is interpreted. */
  row = find_row (page, "Central server");
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "http://127.0.0.1:2048/?a=1&b=<2>");

  /* No site id yet, so no row for it. */
  g_assert_null (find_row (page, "Site ID"));
  g_assert_true (oms_store_kv_set_int (f->store, "SETTINGS_SYNC_SITE_ID", 42, &error));
  g_assert_no_error (error);
  oms_test_drain_main_context ();
  row = find_row (page, "Site ID");
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "42");

  row = find_row (page, "Status");
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "Never synced");


  row = find_row (page, "Data directory");
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, f->data_dir);

  /* The Sync row follows the store as well. */
  sync_row = gtk_list_box_get_row_at_index (find_sidebar (f), 4);
  gtk_test_accessible_assert_property (sync_row, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "Never synced");

  /* Removing the URL takes the site back to not configured. */
  g_assert_true (oms_store_kv_delete (f->store, "SETTINGS_SYNC_URL", &error));
  g_assert_no_error (error);
  oms_test_drain_main_context ();
  g_assert_nonnull (find_widget (page, match_mapped_status_page, "Not configured yet"));
  gtk_test_accessible_assert_property (sync_row, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "Not configured yet");
}

typedef struct
{
  GtkWidget  *page;
  const char *title;
  const char *count;
} RowCount;

static gboolean
row_count_is (gpointer data)
{
  RowCount *rc = data;
  AdwActionRow *row = find_row (rc->page, rc->title);

  return row != NULL && g_strcmp0 (row_count (row), rc->count) == 0;
}

static void
test_overview_queue (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *page;
  AdwActionRow *row;

  oms_window_set_page (f->window, "overview");
  page = find_page (f, OMS_TYPE_OVERVIEW_PAGE);
  g_assert_true (oms_store_kv_set_string (f->store, "SETTINGS_SYNC_USERNAME", "demo", &error));
  g_assert_true (oms_store_kv_set_string (f->store, "SETTINGS_SYNC_URL", "http://127.0.0.1:2048",
                                          &error));
  g_assert_no_error (error);
  oms_test_drain_main_context ();

  /* What each server is still to receive: a local name goes to both. */
  row = find_row (page, "Waiting for the mSupply central server");
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "0 records");
  {
    g_autoptr(JsonNode) node = json_from_string ("{\"id\":\"n1\",\"name\":\"Clinic\","
                                                 "\"code\":\"C1\",\"type\":\"FACILITY\"}",
                                                 NULL);

    g_assert_true (oms_store_upsert_record (f->store, "name", json_node_get_object (node),
                                            OMS_ORIGIN_LOCAL, &error));
    g_assert_no_error (error);
  }
  oms_test_drain_main_context ();
  row = find_row (page, "Waiting for the mSupply central server");
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "1 record");
  row = find_row (page, "Waiting for the Open mSupply central server");
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "1 record");
}

static gboolean
match_css_class (GtkWidget     *widget,
                 gconstpointer  data)
{
  return gtk_widget_has_css_class (widget, data);
}

/* A run that failed in Pull central, stored as the engine stores one. */
static void
store_failed_run (OmsStore   *store,
                  const char *error_info)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsSyncRun) run = NULL;
  gint64 now = g_get_real_time ();

  run = oms_sync_log_start_run (store, now, &error);
  g_assert_no_error (error);
  oms_sync_run_start_step (run, OMS_SYNC_STEP_PULL_CENTRAL, now);
  run->error_info = g_strdup (error_info);
  g_assert_true (oms_sync_log_fail (store, run, "GET http://127.0.0.1:2048/x\nsomething", NULL,
                                    now + G_USEC_PER_SEC, &error));
  g_assert_no_error (error);
}

/* A server down for maintenance or a dropped line is Open mSupply's UNKNOWN, which shows the
 * red error badge; omsync shows it as a connection problem, since nothing at the site needs
 * fixing (issue 13). Any other UNKNOWN error keeps the red badge.
 */
static void
test_sync_badge_transient (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  OmsSyncEngine *engine = oms_application_get_engine (f->app);
  GtkWidget *badge;

  g_assert_true (oms_store_kv_set_string (f->store, "SETTINGS_SYNC_URL", "http://127.0.0.1:2048",
                                          &error));
  g_assert_no_error (error);
  badge = find_widget (GTK_WIDGET (gtk_list_box_get_row_at_index (find_sidebar (f), 4)),
                       match_css_class, "sync-badge");
  g_assert_nonnull (badge);

  store_failed_run (f->store, "{\"reason\":\"server-unavailable\",\"httpStatus\":503}");
  oms_sync_engine_refresh (engine);
  oms_test_drain_main_context ();
  g_assert_false (gtk_widget_has_css_class (badge, "badge-error"));

  store_failed_run (f->store, NULL);
  oms_sync_engine_refresh (engine);
  oms_test_drain_main_context ();
  g_assert_true (gtk_widget_has_css_class (badge, "badge-error"));
}

static void
test_records (Fixture *f)
{
  RowCount rc;
  GtkWidget *page;
  AdwActionRow *row;

  oms_window_set_page (f->window, "records");
  page = find_page (f, OMS_TYPE_RECORDS_PAGE);

  g_assert_nonnull (find_widget (page, match_mapped_status_page, "No records yet"));

  upsert_location (f->store, "location-1");

  rc = (RowCount) { page, "Location", "1" };
  g_assert_true (oms_test_wait_until (row_count_is, &rc));
  g_assert_null (find_widget (page, match_mapped_status_page, "No records yet"));

  /* People's names for the tables, never the raw ones. */
  row = find_row (page, "Location");
  g_assert_true (adw_action_row_get_subtitle (row) == NULL ||
                 *adw_action_row_get_subtitle (row) == '\0');
  g_assert_null (find_row (page, "location"));
  g_assert_nonnull (find_row (page, "Temperature log"));
  g_assert_nonnull (find_row (page, "Equipment status log"));
  g_assert_null (find_row (page, "temperature_log"));

  /* Every typed table is listed, empty ones included. */
  row = find_row (page, "Sensor");
  g_assert_nonnull (row);
  g_assert_cmpstr (row_count (row), ==, "0");

  upsert_location (f->store, "location-2");
  rc = (RowCount) { page, "Location", "2" };
  g_assert_true (oms_test_wait_until (row_count_is, &rc));

  /* A change while the page is hidden shows when the page is shown again. */
  oms_window_set_page (f->window, "overview");
  upsert_location (f->store, "location-3");
  oms_test_drain_main_context ();
  oms_window_set_page (f->window, "records");
  rc = (RowCount) { page, "Location", "3" };
  g_assert_true (oms_test_wait_until (row_count_is, &rc));
}

static gboolean
row_shown (gpointer data)
{
  RowCount *rc = data;

  return find_row (rc->page, rc->title) != NULL;
}

static void
test_coldchain (Fixture *f)
{
  RowCount rc;
  GtkWidget *page;

  oms_window_set_page (f->window, "cold-chain");
  page = find_page (f, OMS_TYPE_COLDCHAIN_PAGE);

  g_assert_nonnull (find_widget (page, match_mapped_status_page, "No sensors yet"));

  upsert_sensor (f->store, "sensor-1");

  /* The sensor is listed; the other groups say they are empty (test-coldchain-page.c). */
  rc = (RowCount) { page, "Fridge 1", NULL };
  g_assert_true (oms_test_wait_until (row_shown, &rc));
  g_assert_null (find_widget (page, match_mapped_status_page, "No sensors yet"));
  g_assert_nonnull (find_row (page, "No temperature breaches"));
  g_assert_nonnull (find_row (page, "No cold chain equipment"));
}

static gboolean
about_window_shown (gpointer data)
{
  GtkWindow *about = find_app_window (data, ADW_TYPE_ABOUT_WINDOW);

  return about != NULL && gtk_widget_get_mapped (GTK_WIDGET (about));
}

static gboolean
about_window_gone (gpointer data)
{
  return find_app_window (data, ADW_TYPE_ABOUT_WINDOW) == NULL;
}

static void
check_about_window (Fixture *f)
{
  AdwAboutWindow *about;

  g_assert_true (oms_test_wait_until (about_window_shown, f->app));
  about = ADW_ABOUT_WINDOW (find_app_window (f->app, ADW_TYPE_ABOUT_WINDOW));

  g_assert_cmpstr (adw_about_window_get_application_name (about), ==, "omsync");
  g_assert_cmpstr (adw_about_window_get_version (about), ==, PACKAGE_VERSION);
  g_assert_cmpstr (adw_about_window_get_developer_name (about), ==, "The omsync authors");
  g_assert_cmpint (adw_about_window_get_license_type (about), ==, GTK_LICENSE_GPL_3_0);
  g_assert_cmpstr (adw_about_window_get_website (about), ==, "https://github.com/omsync/omsync");
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (about)) == GTK_WINDOW (f->window));
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (about)));

  gtk_window_close (GTK_WINDOW (about));
  g_assert_true (oms_test_wait_until (about_window_gone, f->app));
}

static void
test_about (Fixture *f)
{
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "about", NULL);
  check_about_window (f);

  /* The About row in the sidebar opens the same window. */
  gtk_widget_activate (GTK_WIDGET (gtk_list_box_get_row_at_index (find_sidebar (f), 5)));
  check_about_window (f);

  g_assert_true (find_app_window (f->app, OMS_TYPE_WINDOW) == GTK_WINDOW (f->window));
}

static void
assert_accels (OmsApplication *app,
               const char     *action,
               const char     *accel)
{
  g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), action);

  g_assert_nonnull (accels);
  g_assert_true (g_strv_contains ((const char * const *)accels, accel));
}

static gboolean
help_overlay_shown (gpointer data)
{
  GtkShortcutsWindow *overlay = gtk_application_window_get_help_overlay (data);

  return overlay != NULL && gtk_widget_get_mapped (GTK_WIDGET (overlay));
}

static gboolean
help_overlay_hidden (gpointer data)
{
  return !help_overlay_shown (data);
}

static void
test_actions (Fixture *f)
{
  GtkShortcutsWindow *overlay;

  assert_accels (f->app, "app.quit", "<Control>q");
  assert_accels (f->app, "app.preferences", "<Control>comma");
  assert_accels (f->app, "win.show-help-overlay", "<Control>question");

  /* Ctrl+, shows the Settings page. */
  g_assert_cmpstr (oms_window_get_page (f->window), ==, "overview");
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "preferences", NULL);
  g_assert_cmpstr (oms_window_get_page (f->window), ==, "settings");

  /* The sync status window's Settings button leads to the same page, from any page. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-page", "s", "records");
  g_assert_cmpstr (oms_window_get_page (f->window), ==, "records");
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "sync-settings", NULL);
  g_assert_cmpstr (oms_window_get_page (f->window), ==, "settings");

  /* Ctrl+? shows the shortcuts window from gtk/help-overlay.ui. */
  overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (f->window));
  g_assert_nonnull (overlay);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window),
                                             "win.show-help-overlay", NULL));
  g_assert_true (oms_test_wait_until (help_overlay_shown, f->window));
  gtk_window_close (GTK_WINDOW (overlay));
  g_assert_true (oms_test_wait_until (help_overlay_hidden, f->window));

  /* Ctrl+Q closes the window, which saves its state. */
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "quit", NULL);
  oms_test_drain_main_context ();
  g_assert_null (find_app_window (f->app, OMS_TYPE_WINDOW));

  {
    g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
    g_autofree char *page = g_settings_get_string (settings, "last-page");

    g_assert_cmpstr (page, ==, "settings");
  }
}

static void
test_state_persists (Fixture *f)
{
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  g_autofree char *page = NULL;
  OmsWindow *window;
  int width = 0;
  int height = 0;

  g_settings_set_int (settings, "window-width", 800);
  g_settings_set_int (settings, "window-height", 600);
  g_settings_set_string (settings, "last-page", "records");

  /* A new window restores what the settings say. */
  window = oms_window_new (f->app, f->store);
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 800);
  g_assert_cmpint (height, ==, 600);
  g_assert_cmpstr (oms_window_get_page (window), ==, "records");

  /* Closing it saves its size and page. */
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 650);
  oms_window_set_page (window, "cold-chain");
  gtk_window_close (GTK_WINDOW (window));
  oms_test_drain_main_context ();

  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 900);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 650);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));
  page = g_settings_get_string (settings, "last-page");
  g_assert_cmpstr (page, ==, "cold-chain");
}

static void
test_store_error (Fixture *f)
{
  const GError *error;
  const char *description;
  GtkWidget *status;

  g_assert_null (f->store);
  error = oms_application_get_store_error (f->app);
  g_assert_error (error, OMS_STORE_ERROR, OMS_STORE_ERROR_CORRUPT);

  status = find_widget (GTK_WIDGET (f->window), match_mapped_status_page,
                        "The database cannot be opened");
  g_assert_nonnull (status);

  /* What went wrong, where, and what to do about it. */
  description = adw_status_page_get_description (ADW_STATUS_PAGE (status));
  g_assert_nonnull (strstr (description, error->message));
  g_assert_nonnull (strstr (description, f->data_dir));
  g_assert_nonnull (strstr (description, "Move the database file"));
  g_assert_nonnull (strstr (description, "--data-dir"));

  /* No pages without a store, and Ctrl+, leaves the error in place. */
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (find_sidebar (f))));
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "preferences", NULL);
  g_assert_true (gtk_widget_get_mapped (status));
}

static const TestCase test_cases[] = {
  { "/oms/ui/window/sidebar-rows", test_sidebar_rows },
  { "/oms/ui/window/sidebar-selects-pages", test_sidebar_selects_pages },
  { "/oms/ui/window/overview", test_overview },
  { "/oms/ui/window/overview-queue", test_overview_queue },
  { "/oms/ui/window/sync-badge-transient", test_sync_badge_transient },
  { "/oms/ui/window/records", test_records },
  { "/oms/ui/window/cold-chain", test_coldchain },
  { "/oms/ui/window/state-persists", test_state_persists },
  { "/oms/ui/app/about", test_about },
  { "/oms/ui/app/actions", test_actions },
  { "/oms/ui/app/store-error", test_store_error, TRUE },
};

int
main (int   argc,
      char *argv[])
{
  /* The strings compared below are the English ones. */
  g_setenv ("LANGUAGE", "C", TRUE);
  oms_test_use_free_coldchain_port ();

  oms_locale_init ();
  oms_test_gtk_init (&argc, &argv);
  oms_test_set_wait_timeout (10);

  for (guint i = 0; i < G_N_ELEMENTS (test_cases); i++)
    g_test_add (test_cases[i].path, Fixture, &test_cases[i],
                fixture_set_up, fixture_run, fixture_tear_down);

  return g_test_run ();
}
