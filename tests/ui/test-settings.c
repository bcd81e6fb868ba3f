/* test-settings.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-settings"

#include "config.h"

#include <qrencode.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "oms-application-private.h"
#include "oms-application.h"
#include "oms-coldchain-keeper.h"
#include "oms-coldchain-devices-group.h"
#include "oms-autostart.h"
#include "oms-background-group.h"
#include "oms-central-server.h"
#include "oms-initialise-page.h"
#include "oms-inline-error.h"
#include "oms-lan-address.h"
#include "oms-qr-code.h"
#include "oms-qr-window.h"
#include "oms-qr.h"
#include "oms-settings-page.h"
#include "oms-sync-buffer.h"
#include "oms-sync-engine-private.h"
#include "oms-sync-settings-group.h"
#include "oms-sync-settings.h"
#include "oms-test-central.h"
#include "oms-window.h"
#include "ui-test-util.h"

#define SCHEMA_ID       "io.github.omsync.OmSync"

typedef struct _Fixture Fixture;
typedef void (*TestBody) (Fixture *f);

typedef struct
{
  const char *path;
  TestBody    body;
  gboolean    hold_coldchain_port;  /* another program holds the port when omsync starts */
  const char *retry_seconds;        /* OMSYNC_COLDCHAIN_RETRY_SECONDS; NULL: an hour */
} TestCase;

struct _Fixture
{
  const TestCase   *test;
  char             *data_dir;
  char             *central_dir;
  OmsCentralServer *central;
  OmsApplication   *app;
  guint16           coldchain_port;  /* the server's, from the environment */
  GSocket          *port_holder;     /* "another program" on the cold chain port */
  OmsWindow        *window;
  OmsStore         *store;
  gboolean          ran;
};

/* Helpers */

typedef gboolean (*WidgetMatch) (GtkWidget     *widget,
                                 gconstpointer  data);

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
match_type (GtkWidget     *widget,
            gconstpointer  data)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (data));
}

static gboolean
match_entry_row (GtkWidget     *widget,
                 gconstpointer  data)
{
  return ADW_IS_ENTRY_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), data) == 0;
}

static GtkWidget *
find_of_type (GtkWidget *root,
              GType      type)
{
  GtkWidget *found = find_widget (root, match_type, GSIZE_TO_POINTER (type));

  g_assert_nonnull (found);

  return found;
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
set_field (GtkWidget  *root,
           const char *title,
           const char *text)
{
  GtkWidget *row = find_widget (root, match_entry_row, title);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static char *
kv_string (OmsStore   *store,
           const char *key)
{
  g_autoptr(GError) error = NULL;
  char *value = oms_store_kv_get_string (store, key, &error);

  g_assert_no_error (error);

  return value;
}

static void
assert_nothing_stored (OmsStore *store)
{
  g_autofree char *url = kv_string (store, OMS_KV_SYNC_URL);
  g_autofree char *username = kv_string (store, OMS_KV_SYNC_USERNAME);
  g_autofree char *hash = kv_string (store, OMS_KV_SYNC_PASSWORD_SHA256);
  g_autofree char *uuid = kv_string (store, OMS_KV_SYNC_SITE_UUID);

  g_assert_null (url);
  g_assert_null (username);
  g_assert_null (hash);
  g_assert_null (uuid);
}

static gboolean
group_idle (gpointer data)
{
  return !oms_sync_settings_group_get_busy (data);
}

static OmsSettingsPage *
show_settings (Fixture *f)
{
  OmsSettingsPage *page;

  g_action_group_activate_action (G_ACTION_GROUP (f->app), "preferences", NULL);
  g_assert_cmpstr (oms_window_get_page (f->window), ==, "settings");

  page = OMS_SETTINGS_PAGE (find_of_type (GTK_WIDGET (f->window), OMS_TYPE_SETTINGS_PAGE));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (page)));

  return page;
}

/* Fixture: the application runs as main() runs it, on a fresh data directory, with a demo
 * central in-process on 127.0.0.1 for the tests that talk to one.
 */

static void
fixture_activate_after_cb (OmsApplication *app,
                           Fixture        *f)
{
  g_signal_handlers_disconnect_by_func (app, fixture_activate_after_cb, f);

  f->window = (OmsWindow *)find_app_window (app, OMS_TYPE_WINDOW);
  g_assert_nonnull (f->window);
  f->store = oms_application_get_store (app);
  g_assert_nonnull (f->store);
  oms_sync_engine_set_timing (oms_application_get_engine (app), 20, 3000, 20, 3000);

  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));

  f->test->body (f);
  f->ran = TRUE;

  g_application_quit (G_APPLICATION (app));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  g_autoptr(GError) error = NULL;

  f->test = data;

  g_settings_reset (settings, "last-page");

  f->data_dir = g_dir_make_tmp ("omsync-test-settings-XXXXXX", &error);
  g_assert_no_error (error);
  f->central_dir = g_dir_make_tmp ("omsync-test-central-XXXXXX", &error);
  g_assert_no_error (error);

  f->central = oms_test_central_new_demo (f->central_dir);

  /* A fresh port each test: test_coldchain_port() moves the server through the store. */
  f->coldchain_port = oms_test_use_free_coldchain_port ();
  if (f->test->hold_coldchain_port)
    f->port_holder = oms_test_hold_loopback_port (f->coldchain_port);
  /* The server retries on its own only when a test asks: the others stay predictable. */
  g_setenv (OMS_COLDCHAIN_RETRY_ENV,
            f->test->retry_seconds != NULL ? f->test->retry_seconds : "3600", TRUE);
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
  g_clear_object (&f->port_holder);
  _oms_lan_address_set_override (NULL);
  g_assert_finalize_object (f->app);
  g_assert_finalize_object (f->central);

  oms_test_remove_dir (f->data_dir);
  oms_test_remove_dir (f->central_dir);
  g_clear_pointer (&f->data_dir, g_free);
  g_clear_pointer (&f->central_dir, g_free);
}

/* Tests */

/* Whether the pixel at (x, y) of BGRA/ARGB32 data is dark. */
static gboolean
pixel_is_dark (const guchar *data,
               gsize         stride,
               int           x,
               int           y)
{
  const guchar *p = data + (gsize)y * stride + (gsize)x * 4;

  return p[0] < 64 && p[1] < 64 && p[2] < 64;
}

static gboolean
pixel_is_light (const guchar *data,
                gsize         stride,
                int           x,
                int           y)
{
  const guchar *p = data + (gsize)y * stride + (gsize)x * 4;

  return p[0] > 192 && p[1] > 192 && p[2] > 192;
}

/* Renders the widget and samples the centre of every module, quiet zone included. */
static void
assert_widget_draws_code (OmsQrCode  *qr,
                          const char *text)
{
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree guchar *data = NULL;
  QRcode *code;
  gsize stride;
  int px;
  int x0;
  int y0;
  int width;

  code = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  g_assert_nonnull (code);
  g_assert_cmpint (oms_qr_code_get_n_modules (qr), ==, code->width);

  px = oms_qr_code_get_drawn_module_size (qr, &x0, &y0);
  g_assert_cmpint (px, >=, 1);

  texture = oms_test_render_widget (GTK_WIDGET (qr));
  width = gdk_texture_get_width (texture);
  stride = (gsize)width * 4;
  data = g_malloc (stride * (gsize)gdk_texture_get_height (texture));
  gdk_texture_download (texture, data, stride);

  for (int my = -OMS_QR_QUIET_ZONE; my < code->width + OMS_QR_QUIET_ZONE; my++)
    for (int mx = -OMS_QR_QUIET_ZONE; mx < code->width + OMS_QR_QUIET_ZONE; mx++)
      {
        int cx = x0 + (mx + OMS_QR_QUIET_ZONE) * px + px / 2;
        int cy = y0 + (my + OMS_QR_QUIET_ZONE) * px + px / 2;
        gboolean dark = mx >= 0 && my >= 0 && mx < code->width && my < code->width &&
                        (code->data[my * code->width + mx] & 1);

        if (dark)
          g_assert_true (pixel_is_dark (data, stride, cx, cy));
        else
          g_assert_true (pixel_is_light (data, stride, cx, cy));
      }

  QRcode_free (code);
}

static void
assert_not_loopback (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GInetAddress) inet = NULL;

  g_assert_nonnull (uri);
  inet = g_inet_address_new_from_string (g_uri_get_host (uri));
  g_assert_nonnull (inet);
  g_assert_false (g_inet_address_get_is_loopback (inet));
  g_assert_false (g_str_has_suffix (url, "/"));
}

static void
test_qr_code (Fixture *f)
{
  OmsSettingsPage *page = show_settings (f);
  g_autofree char *label = NULL;
  const char *url = oms_settings_page_get_server_url (page);
  OmsQrCode *qr;
  int size;

  if (url == NULL)
    {
      g_test_skip ("This machine has no LAN address");
      return;
    }

  assert_not_loopback (url);
  g_assert_true (g_str_has_prefix (url, "https://"));
  {
    g_autofree char *suffix = g_strdup_printf (":%u", f->coldchain_port);

    g_assert_true (g_str_has_suffix (url, suffix));
  }

  qr = OMS_QR_CODE (find_of_type (GTK_WIDGET (page), OMS_TYPE_QR_CODE));
  g_assert_cmpstr (oms_qr_code_get_text (qr), ==, url);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (qr)));
  g_assert_true (gtk_widget_get_focusable (GTK_WIDGET (qr)));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (qr)), ==, "Click to expand");
  g_assert_cmpstr (gtk_widget_get_css_name (GTK_WIDGET (qr)), ==, "qrcode");

  /* About 64 px with the quiet zone, and square. */
  size = gtk_widget_get_width (GTK_WIDGET (qr));
  g_assert_cmpint (size, ==, gtk_widget_get_height (GTK_WIDGET (qr)));
  g_assert_cmpint (size, >=, 56);
  g_assert_cmpint (size, <=, 90);

  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (qr), GTK_ACCESSIBLE_ROLE_IMG);
  label = g_strdup_printf ("QR code of the server URL, %s", url);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (qr), GTK_ACCESSIBLE_PROPERTY_LABEL, label);

  assert_widget_draws_code (qr, url);

  /* The page also names the version. */
  g_assert_nonnull (find_widget (GTK_WIDGET (page), match_type,
                                 GSIZE_TO_POINTER (OMS_TYPE_SYNC_SETTINGS_GROUP)));
}

static gboolean
qr_window_shown (gpointer data)
{
  GtkWindow *window = find_app_window (data, OMS_TYPE_QR_WINDOW);

  return window != NULL && gtk_widget_get_mapped (GTK_WIDGET (window));
}

static gboolean
qr_window_gone (gpointer data)
{
  return find_app_window (data, OMS_TYPE_QR_WINDOW) == NULL;
}

static gboolean
match_visible_label (GtkWidget     *widget,
                     gconstpointer  data)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget) &&
         g_str_has_prefix (gtk_label_get_label (GTK_LABEL (widget)), data);
}

static void
test_qr_window (Fixture *f)
{
  OmsSettingsPage *page = show_settings (f);
  const char *url = oms_settings_page_get_server_url (page);
  g_autoptr(GDateTime) time = NULL;
  OmsQrWindow *window;
  OmsQrCode *qr;
  OmsQrCode *big;

  if (url == NULL)
    {
      g_test_skip ("This machine has no LAN address");
      return;
    }

  /* Activating the code (a click, Enter or Space) opens the enlarged view. */
  qr = OMS_QR_CODE (find_of_type (GTK_WIDGET (page), OMS_TYPE_QR_CODE));
  g_assert_true (gtk_widget_activate (GTK_WIDGET (qr)));
  g_assert_true (oms_test_wait_until (qr_window_shown, f->app));

  window = OMS_QR_WINDOW (find_app_window (f->app, OMS_TYPE_QR_WINDOW));
  g_assert_true (window == oms_settings_page_get_qr_window (page));
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (window)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (window)) == GTK_WINDOW (f->window));
  g_assert_cmpstr (oms_qr_window_get_url (window), ==, url);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  big = OMS_QR_CODE (find_of_type (GTK_WIDGET (window), OMS_TYPE_QR_CODE));
  g_assert_cmpstr (oms_qr_code_get_text (big), ==, url);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (big)), >=, 320);
  assert_widget_draws_code (big, url);

  /* The URL to copy, and what to do on the phone. */
  g_assert_nonnull (find_widget (GTK_WIDGET (window), match_visible_label, url));
  g_assert_nonnull (find_widget (GTK_WIDGET (window), match_visible_label,
                                 "In mSupply Cold Chain open Settings → Server URL → scan"));

  /* The last device line appears once the cold chain server reports one. */
  g_assert_null (find_widget (GTK_WIDGET (window), match_visible_label, "Last device connected"));
  time = g_date_time_new_now_local ();
  /* Through the application: the cold chain server's signal reaches the open view. */
  g_assert_nonnull (_oms_application_get_coldchain_server (f->app));
  g_signal_emit_by_name (_oms_application_get_coldchain_server (f->app), "device-connected",
                         "Fridge phone", time);
  g_assert_nonnull (find_widget (GTK_WIDGET (window), match_visible_label,
                                 "Last device connected: Fridge phone at "));
  oms_settings_page_set_last_device (page, NULL, NULL);
  g_assert_null (find_widget (GTK_WIDGET (window), match_visible_label, "Last device connected"));

  /* Escape is bound to window.close. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "window.close", NULL));
  g_assert_true (oms_test_wait_until (qr_window_gone, f->app));
  g_assert_null (oms_settings_page_get_qr_window (page));
}

static void
test_validation (Fixture *f)
{
  OmsSettingsPage *page = show_settings (f);
  OmsSyncSettingsGroup *group;
  OmsInlineError *error;

  group = OMS_SYNC_SETTINGS_GROUP (find_of_type (GTK_WIDGET (page), OMS_TYPE_SYNC_SETTINGS_GROUP));
  error = oms_sync_settings_group_get_error (group);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (error)));

  /* An empty URL: said at once, no request, nothing stored. */
  set_field (GTK_WIDGET (group), "Central server URL", "");
  set_field (GTK_WIDGET (group), "Site name", "demo");
  set_field (GTK_WIDGET (group), "Site password", "pass");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (group), "sync-settings.save", NULL));
  g_assert_false (oms_sync_settings_group_get_busy (group));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (error)));
  g_assert_cmpstr (oms_inline_error_get_message (error), ==, "Enter the central server URL.");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (group), "sync-settings.test", NULL));
  g_assert_false (oms_sync_settings_group_get_busy (group));
  g_assert_cmpstr (oms_inline_error_get_message (error), ==, "Enter the central server URL.");

  set_field (GTK_WIDGET (group), "Central server URL",
             oms_central_server_get_base_url (f->central));
  set_field (GTK_WIDGET (group), "Site name", "  ");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (group), "sync-settings.save", NULL));
  g_assert_false (oms_sync_settings_group_get_busy (group));
  g_assert_cmpstr (oms_inline_error_get_message (error), ==, "Enter the site name.");

  set_field (GTK_WIDGET (group), "Site name", "demo");
  set_field (GTK_WIDGET (group), "Site password", "");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (group), "sync-settings.save", NULL));
  g_assert_false (oms_sync_settings_group_get_busy (group));
  g_assert_cmpstr (oms_inline_error_get_message (error), ==, "Enter the site password.");

  oms_test_drain_main_context ();
  assert_nothing_stored (f->store);
}

/* The connection test's rungs: a list of six rows under the buttons. */
static gboolean
match_mapped_listbox_with_rows (GtkWidget     *widget,
                                gconstpointer  data)
{
  return GTK_IS_LIST_BOX (widget) && gtk_widget_get_mapped (widget) &&
         gtk_list_box_get_row_at_index (GTK_LIST_BOX (widget), 5) != NULL;
}

static void
test_save_and_test (Fixture *f)
{
  OmsSettingsPage *page = show_settings (f);
  const char *base_url = oms_central_server_get_base_url (f->central);
  OmsSyncSettingsGroup *group;
  OmsInlineError *error;
  g_autofree char *url = NULL;
  g_autofree char *username = NULL;
  g_autofree char *hash = NULL;
  GtkWidget *rungs;

  group = OMS_SYNC_SETTINGS_GROUP (find_of_type (GTK_WIDGET (page), OMS_TYPE_SYNC_SETTINGS_GROUP));
  error = oms_sync_settings_group_get_error (group);

  /* A wrong password: the central says so, the error shows inline, nothing is stored. */
  set_field (GTK_WIDGET (group), "Central server URL", base_url);
  set_field (GTK_WIDGET (group), "Site name", "demo");
  set_field (GTK_WIDGET (group), "Site password", "wrong");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (group), "sync-settings.save", NULL));
  g_assert_true (oms_sync_settings_group_get_busy (group));
  g_assert_cmpstr (oms_sync_settings_group_get_busy_text (group), ==,
                   "Checking with the central server…");
  g_assert_true (oms_test_wait_until (group_idle, group));

  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (error)));
  g_assert_cmpstr (oms_inline_error_get_message (error), ==, "Incorrect password");
  /* Nothing stale: "Checking…" went with the check (issue 13). */
  g_assert_null (oms_sync_settings_group_get_busy_text (group));
  g_assert_nonnull (oms_inline_error_get_hint (error));
  g_assert_nonnull (oms_inline_error_get_detail (error));
  g_assert_null (oms_sync_settings_group_get_status (group));
  assert_nothing_stored (f->store);

  /* Test connection that fails: the error, and neither "Checking…" nor an old success. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (group), "sync-settings.test", NULL));
  g_assert_nonnull (oms_sync_settings_group_get_busy_text (group));
  g_assert_true (oms_test_wait_until (group_idle, group));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (error)));
  g_assert_null (oms_sync_settings_group_get_busy_text (group));
  g_assert_null (oms_sync_settings_group_get_status (group));

  /* Test connection with the right password: every rung reported, still nothing stored. */
  set_field (GTK_WIDGET (group), "Site password", "pass");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (group), "sync-settings.test", NULL));
  g_assert_true (oms_test_wait_until (group_idle, group));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (error)));
  g_assert_nonnull (oms_sync_settings_group_get_status (group));
  g_assert_null (oms_sync_settings_group_get_busy_text (group));
  rungs = find_widget (GTK_WIDGET (group), match_mapped_listbox_with_rows, NULL);
  g_assert_nonnull (rungs);
  assert_nothing_stored (f->store);

  /* Save: checked, stored, and said. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (group), "sync-settings.save", NULL));
  g_assert_true (oms_test_wait_until (group_idle, group));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (error)));
  g_assert_cmpstr (oms_sync_settings_group_get_status (group), ==,
                   "Connected to demo. The settings are saved.");

  url = kv_string (f->store, OMS_KV_SYNC_URL);
  username = kv_string (f->store, OMS_KV_SYNC_USERNAME);
  hash = kv_string (f->store, OMS_KV_SYNC_PASSWORD_SHA256);
  g_assert_cmpstr (url, ==, base_url);
  g_assert_cmpstr (username, ==, "demo");
  g_assert_nonnull (hash);

  /* The engine knows at once. */
  g_assert_cmpint (oms_sync_engine_get_mode (oms_application_get_engine (f->app)), !=,
                   OMS_SYNC_MODE_UNCONFIGURED);
}

static void
test_interval_alone (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  OmsSettingsPage *page;
  OmsSyncSettingsGroup *group;
  GtkSpinButton *spin;
  g_autofree char *hash = NULL;

  /* A configured site, as if saved earlier. */
  g_assert_true (oms_store_kv_set_string (f->store, OMS_KV_SYNC_PASSWORD_SHA256, "abc123", &error));
  g_assert_true (oms_store_kv_set_bigint (f->store, OMS_KV_SYNC_INTERVAL_SECONDS, 300, &error));
  g_assert_no_error (error);

  page = show_settings (f);
  group = OMS_SYNC_SETTINGS_GROUP (find_of_type (GTK_WIDGET (page), OMS_TYPE_SYNC_SETTINGS_GROUP));
  spin = GTK_SPIN_BUTTON (find_of_type (GTK_WIDGET (group), GTK_TYPE_SPIN_BUTTON));

  g_assert_cmpfloat (gtk_spin_button_get_value (spin), ==, 300);
  g_assert_cmpfloat (gtk_adjustment_get_lower (gtk_spin_button_get_adjustment (spin)), ==, 1);

  /* No password typed: the interval is saved on its own. */
  gtk_spin_button_set_value (spin, 600);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (group), "sync-settings.save-interval",
                                             NULL));
  g_assert_cmpint (oms_store_kv_get_bigint (f->store, OMS_KV_SYNC_INTERVAL_SECONDS, 0, NULL),
                   ==, 600);
  hash = kv_string (f->store, OMS_KV_SYNC_PASSWORD_SHA256);
  g_assert_cmpstr (hash, ==, "abc123");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (oms_sync_settings_group_get_error (group))));

  /* Below one second is not possible. */
  gtk_spin_button_set_value (spin, 0);
  g_assert_cmpfloat (gtk_spin_button_get_value (spin), ==, 1);
}

/* "Sync on metered connections": off by default, and the switch is the GSettings key. */
static void
test_sync_on_metered (Fixture *f)
{
  g_autoptr(GSettings) sync_settings = g_settings_new ("io.github.omsync.OmSync.sync");
  OmsSettingsPage *page = show_settings (f);
  OmsSyncSettingsGroup *group =
    OMS_SYNC_SETTINGS_GROUP (find_of_type (GTK_WIDGET (page), OMS_TYPE_SYNC_SETTINGS_GROUP));
  GtkSwitch *toggle = GTK_SWITCH (oms_sync_settings_group_get_metered_switch (group));

  g_assert_false (gtk_switch_get_active (toggle));
  g_assert_false (g_settings_get_boolean (sync_settings, "sync-on-metered"));

  gtk_switch_set_active (toggle, TRUE);
  g_assert_true (g_settings_get_boolean (sync_settings, "sync-on-metered"));
  g_settings_reset (sync_settings, "sync-on-metered");
  g_assert_false (gtk_switch_get_active (toggle));
}

static gboolean
initialise_not_needed (gpointer data)
{
  return !oms_initialise_page_get_needed (data);
}

static gboolean
initialise_progress_shown (gpointer data)
{
  return oms_initialise_page_get_progress (data) != NULL;
}

static gboolean
initialise_failed (gpointer data)
{
  return gtk_widget_get_visible (GTK_WIDGET (oms_initialise_page_get_error (data))) &&
         oms_initialise_page_get_progress (data) == NULL;
}

static void
test_initialise (Fixture *f)
{
  OmsInitialisePage *page;
  OmsInlineError *error;
  GtkStack *main_stack;

  /* Nothing configured: the window shows the first-run page instead of its pages. */
  page = OMS_INITIALISE_PAGE (find_of_type (GTK_WIDGET (f->window), OMS_TYPE_INITIALISE_PAGE));
  g_assert_true (oms_initialise_page_get_needed (page));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (page)));
  main_stack = GTK_STACK (gtk_widget_get_parent (GTK_WIDGET (page)));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (main_stack), ==, "initialise");
  error = oms_initialise_page_get_error (page);

  /* Empty fields: said at once, nothing asked. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "initialise.start", NULL));
  g_assert_cmpstr (oms_inline_error_get_message (error), ==, "Enter the central server URL.");
  g_assert_null (oms_initialise_page_get_progress (page));

  /* A wrong password: the mapped error inline, "Retry", nothing stored. */
  set_field (GTK_WIDGET (page), "Central server URL", oms_central_server_get_base_url (f->central));
  set_field (GTK_WIDGET (page), "Site name", "demo");
  set_field (GTK_WIDGET (page), "Site password", "wrong");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "initialise.start", NULL));
  g_assert_true (oms_test_wait_until (initialise_failed, page));
  g_assert_cmpstr (oms_inline_error_get_message (error), ==, "Incorrect password");
  g_assert_null (find_widget (GTK_WIDGET (page), match_visible_label, "Checking the settings"));
  assert_nothing_stored (f->store);
  g_assert_true (oms_initialise_page_get_needed (page));

  /* The right one: it syncs, showing the step, and then the pages show. */
  set_field (GTK_WIDGET (page), "Site password", "pass");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "initialise.start", NULL));
  g_assert_true (oms_test_wait_until (initialise_progress_shown, page));
  g_assert_true (oms_test_wait_until (initialise_not_needed, page));
  g_assert_cmpint (oms_sync_engine_get_mode (oms_application_get_engine (f->app)), ==,
                   OMS_SYNC_MODE_OPERATIONAL);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (main_stack), ==, "main");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (error)));
}

typedef struct
{
  OmsInitialisePage *page;
  OmsSyncEngine     *engine;
  const char        *needle;
} ProgressWait;

/* For the screenshot in docs/screenshots (tests/ui/make-screenshots.sh): @widget as it is
 * drawn now, to a PNG (TESTING.md §8).
 */
static void
save_widget_png (GtkWidget  *widget,
                 const char *path)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GskRenderer) renderer = gsk_cairo_renderer_new ();
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;
  int width = gdk_paintable_get_intrinsic_width (paintable);
  int height = gdk_paintable_get_intrinsic_height (paintable);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    {
      g_test_message ("Nothing drawn yet for %s", path);
      return;
    }
  g_assert_true (gsk_renderer_realize (renderer, NULL, &error));
  g_assert_no_error (error);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  gsk_renderer_unrealize (renderer);
}

static gboolean
initialise_detail_says (gpointer data)
{
  ProgressWait *wait = data;
  const char *detail = oms_sync_progress_get_detail (
    oms_initialise_page_get_sync_progress (wait->page));

  return detail != NULL && strstr (detail, wait->needle) != NULL;
}

static gboolean
pull_central_moving (gpointer data)
{
  ProgressWait *wait = data;
  const OmsSyncRun *run = oms_sync_engine_get_latest_run (wait->engine);

  return oms_sync_engine_get_is_syncing (wait->engine) && run != NULL &&
         run->steps[OMS_SYNC_STEP_PULL_CENTRAL].done >= 2000 &&
         oms_initialise_page_get_progress (wait->page) != NULL;
}

static gboolean
engine_idle (gpointer data)
{
  return !oms_sync_engine_get_is_syncing (data);
}

/* The views redraw once a frame: the line under the stepper goes with the next one. */
static gboolean
progress_line_gone (gpointer data)
{
  return oms_sync_progress_get_detail (data) == NULL;
}

/* The first sync of a 50,000-record central on a slow line (issue 13): the welcome page shows
 * the steps, records done of how many, bytes and, once steady, the time left; Cancel stops it
 * cleanly, and Continue goes on from the cursor without the password.
 */
static void
test_initialise_progress_cancel (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *big_dir = g_dir_make_tmp ("omsync-test-central-XXXXXX", &error);
  g_autoptr(OmsCentralServer) big = NULL;
  OmsSyncEngine *engine = oms_application_get_engine (f->app);
  OmsInitialisePage *page;
  OmsSyncProgress *progress;
  OmsStepper *stepper;
  ProgressWait wait = { NULL, engine, NULL };
  const OmsSyncRun *run;
  gint64 first_total;
  gint64 cursor;
  gint64 buffered;

  g_assert_no_error (error);
  big = oms_central_server_new (big_dir, &error);
  g_assert_no_error (error);
  g_assert_true (oms_central_server_seed_demo (big, 50000, &error));
  g_assert_true (oms_central_server_listen (big, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  /* A slow line: each batch of 500 takes a quarter of a second to come. */
  g_assert_true (oms_central_server_add_fault (big, "/sync/v5/central_records:latency=250",
                                               &error));
  g_assert_no_error (error);
  /* Batches kept at 500, so the step lasts long enough for a steady rate: on this line they
   * would otherwise grow to 5000 (adaptive batches, issue 12) and the pull end in seconds.
   */
  g_assert_true (oms_store_kv_set_int (f->store, OMS_KV_BATCH_MAX_RECORDS, 500, &error));
  g_assert_no_error (error);
  oms_test_set_wait_timeout (240);

  page = OMS_INITIALISE_PAGE (find_of_type (GTK_WIDGET (f->window), OMS_TYPE_INITIALISE_PAGE));
  wait.page = page;
  progress = oms_initialise_page_get_sync_progress (page);
  stepper = oms_sync_progress_get_stepper (progress);

  set_field (GTK_WIDGET (page), "Central server URL", oms_central_server_get_base_url (big));
  set_field (GTK_WIDGET (page), "Site name", "demo");
  set_field (GTK_WIDGET (page), "Site password", "pass");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "initialise.start", NULL));

  /* The steps of the first sync, Prepare done, Pull central counting. */
  g_assert_true (oms_test_wait_until (pull_central_moving, &wait));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (progress)));
  g_assert_cmpint (oms_stepper_get_step_state (stepper, OMS_SYNC_STEP_PREPARE_INITIAL), ==,
                   OMS_STEPPER_STATE_COMPLETED);
  g_assert_cmpint (oms_stepper_get_step_state (stepper, OMS_SYNC_STEP_PULL_CENTRAL), ==,
                   OMS_STEPPER_STATE_ACTIVE);
  g_assert_cmpint (oms_stepper_get_step_state (stepper, OMS_SYNC_STEP_PUSH), ==,
                   OMS_STEPPER_STATE_ABSENT);
  g_assert_nonnull (oms_stepper_get_step_progress_label (stepper, OMS_SYNC_STEP_PULL_CENTRAL));
  wait.needle = "Pull central: ";
  g_assert_true (oms_test_wait_until (initialise_detail_says, &wait));
  wait.needle = " records";
  g_assert_true (oms_test_wait_until (initialise_detail_says, &wait));
  wait.needle = " received";
  g_assert_true (oms_test_wait_until (initialise_detail_says, &wait));
  /* Once the rate is steady, the time left. */
  wait.needle = " left";
  g_assert_true (oms_test_wait_until (initialise_detail_says, &wait));
  g_assert_true (gtk_widget_get_mapped (find_widget (GTK_WIDGET (page), match_visible_label,
                                                     "_Cancel")));
  g_test_message ("Mid-sync: %s", oms_initialise_page_get_progress (page));
  if (g_getenv ("OMSYNC_TEST_SCREENSHOT") != NULL)
    save_widget_png (GTK_WIDGET (page), g_getenv ("OMSYNC_TEST_SCREENSHOT"));

  /* Cancel: the run ends as interrupted, nothing stale, no error. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "initialise.cancel", NULL));
  g_assert_true (oms_test_wait_until (engine_idle, engine));
  run = oms_sync_engine_get_latest_run (engine);
  g_assert_true (run->interrupted);
  first_total = run->steps[OMS_SYNC_STEP_PULL_CENTRAL].total;
  g_assert_cmpint (first_total, >=, 50000);
  g_assert_cmpint (oms_sync_engine_get_mode (engine), ==, OMS_SYNC_MODE_INITIALISING);
  g_assert_true (oms_test_wait_until (progress_line_gone, progress));
  g_assert_null (oms_initialise_page_get_progress (page));
  g_assert_nonnull (oms_initialise_page_get_notice (page));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (oms_initialise_page_get_error (page))));
  g_assert_true (gtk_widget_get_mapped (find_widget (GTK_WIDGET (page), match_visible_label,
                                                     "_Continue")));
  g_assert_false (gtk_widget_get_mapped (find_widget (GTK_WIDGET (page), match_visible_label,
                                                      "_Cancel")));

  /* What came is stored with the cursor that covers it. */
  cursor = oms_store_kv_get_int (f->store, OMS_KV_CENTRAL_SYNC_PULL_CURSOR, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cursor, >, 0);
  buffered = oms_test_query_int (f->store, "SELECT count(*) FROM sync_buffer");
  g_assert_cmpint (buffered, >=, 2000);

  /* Continue, without the password: Pull central goes on from the cursor. */
  oms_central_server_clear_faults (big, NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "initialise.start", NULL));
  g_assert_true (oms_test_wait_until (initialise_not_needed, page));
  run = oms_sync_engine_get_latest_run (engine);
  g_assert_true (oms_sync_run_is_successful (run));
  g_assert_cmpint (run->steps[OMS_SYNC_STEP_PULL_CENTRAL].total, <, first_total);
  g_assert_cmpint (run->steps[OMS_SYNC_STEP_PULL_CENTRAL].total, <=, first_total - cursor + 1);
  g_assert_cmpint (oms_sync_engine_get_mode (engine), ==, OMS_SYNC_MODE_OPERATIONAL);

  oms_test_set_wait_timeout (30);
  g_clear_object (&big);
  oms_test_remove_dir (big_dir);
}

static void
test_set_up_later (Fixture *f)
{
  OmsInitialisePage *page;
  GtkStack *main_stack;

  page = OMS_INITIALISE_PAGE (find_of_type (GTK_WIDGET (f->window), OMS_TYPE_INITIALISE_PAGE));
  main_stack = GTK_STACK (gtk_widget_get_parent (GTK_WIDGET (page)));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (main_stack), ==, "initialise");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "initialise.later", NULL));
  g_assert_false (oms_initialise_page_get_needed (page));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (main_stack), ==, "main");
}

/* Settings → Cold chain devices moves the running server to another port. */
static void
test_coldchain_port (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *suffix = NULL;
  OmsSettingsPage *page = show_settings (f);
  OmsColdchainServer *server;
  GtkWidget *group;
  GtkWidget *spin;
  const char *url;
  guint16 port;

  /* The environment's port would hide the one stored through the page. */
  g_unsetenv ("OMSYNC_COLDCHAIN_PORT");
  port = oms_test_free_loopback_port ();

  group = find_of_type (GTK_WIDGET (page), OMS_TYPE_COLDCHAIN_DEVICES_GROUP);
  spin = find_of_type (group, GTK_TYPE_SPIN_BUTTON);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), port);
  g_assert_true (gtk_widget_activate_action (group, "devices.apply-server", NULL));

  server = _oms_application_get_coldchain_server (f->app);
  g_assert_nonnull (server);
  g_assert_null (_oms_application_get_coldchain_error (f->app));
  g_assert_true (oms_coldchain_server_get_running (server));
  g_assert_cmpuint (oms_coldchain_server_get_bound_port (server), ==, port);

  /* The QR code follows. */
  suffix = g_strdup_printf (":%u", port);
  oms_test_drain_main_context ();
  url = oms_settings_page_get_server_url (page);
  if (url != NULL)
    g_assert_true (g_str_has_suffix (url, suffix));
}

/* @n wrong passwords from one address, as the server records them. */
static void
fail_logins (OmsColdchainThrottle *throttle,
             guint                 n)
{
  guint retry_after;

  for (guint i = 0; i < n; i++)
    {
      g_assert_true (oms_coldchain_throttle_admit (throttle, "192.0.2.44", "nurse",
                                                   &retry_after));
      oms_coldchain_throttle_record (throttle, "192.0.2.44", "nurse",
                                     OMS_COLDCHAIN_LOGIN_FAILED);
    }
}

/* Settings → Cold chain devices lists the addresses with wrong passwords, and until when each
 * is locked out, and follows the server as failures come and go.
 */
static void
test_coldchain_failed_logins (Fixture *f)
{
  OmsSettingsPage *page = show_settings (f);
  OmsColdchainThrottle *throttle;
  GtkWidget *group;

  g_assert_nonnull (_oms_application_get_coldchain_server (f->app));
  throttle = oms_coldchain_server_get_throttle (_oms_application_get_coldchain_server (f->app));
  group = find_of_type (GTK_WIDGET (page), OMS_TYPE_COLDCHAIN_DEVICES_GROUP);
  g_assert_nonnull (find_widget (group, match_visible_label, "No failed logins"));
  g_assert_null (find_widget (group, match_visible_label, "192.0.2.44"));

  /* Two wrong passwords: listed, not locked out. */
  fail_logins (throttle, 2);
  g_assert_null (find_widget (group, match_visible_label, "No failed logins"));
  g_assert_nonnull (find_widget (group, match_visible_label, "192.0.2.44"));
  g_assert_nonnull (find_widget (group, match_visible_label, "2 failed logins"));
  g_assert_null (find_widget (group, match_visible_label, "2 failed logins, locked out until "));

  /* Five: locked out, with the time it ends. */
  fail_logins (throttle, 3);
  g_assert_nonnull (find_widget (group, match_visible_label,
                                 "5 failed logins, locked out until "));

  /* Hidden and shown again, it still knows. */
  gtk_widget_set_visible (group, FALSE);
  gtk_widget_set_visible (group, TRUE);
  g_assert_nonnull (find_widget (group, match_visible_label,
                                 "5 failed logins, locked out until "));
}

typedef struct
{
  GtkWidget  *root;
  const char *text;
} LabelWait;

static gboolean
label_shown (gpointer data)
{
  LabelWait *wait = data;

  return find_widget (wait->root, match_visible_label, wait->text) != NULL;
}

/* Settings → Running in the background says what the system answered (the test bus has no
 * Background portal: allowed) and what turning it off means; Start at login writes the
 * autostart entry once the site is configured, and turning it off removes the entry.
 */
static void
test_background (Fixture *f)
{
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  g_autoptr(GError) error = NULL;
  OmsSettingsPage *page = show_settings (f);
  LabelWait wait = { NULL, "On. No background portal on this system: allowed." };

  wait.root = find_of_type (GTK_WIDGET (page), OMS_TYPE_BACKGROUND_GROUP);
  g_assert_nonnull (wait.root);
  g_assert_true (oms_test_wait_until (label_shown, &wait));

  /* Nothing is started at login for a site that is not set up. */
  g_assert_true (oms_autostart_set_enabled (FALSE, NULL, NULL, &error));
  oms_sync_engine_refresh (oms_application_get_engine (f->app));
  g_assert_false (oms_autostart_get_enabled ());

  g_assert_true (oms_test_save_settings (f->store, f->central, "pass", &error));
  g_assert_no_error (error);
  oms_sync_engine_refresh (oms_application_get_engine (f->app));
  g_assert_true (oms_autostart_get_enabled ());

  g_settings_set_boolean (settings, "start-at-login", FALSE);
  g_assert_false (oms_autostart_get_enabled ());

  g_settings_set_boolean (settings, "run-in-background", FALSE);
  wait.text = "Off: closing the window stops syncing and the cold chain server.";
  g_assert_true (oms_test_wait_until (label_shown, &wait));

  g_settings_reset (settings, "start-at-login");
  g_settings_reset (settings, "run-in-background");
  g_assert_true (oms_autostart_set_enabled (FALSE, NULL, NULL, &error));
}

/* Tests of the QR code while the server is not running, and when the addresses change. They
 * give the machine a LAN address of their own, so the code can show whatever the machine has.
 */
#define TEST_LAN_ADDRESS   "192.0.2.50"
#define TEST_LAN_ADDRESS_2 "192.0.2.77"

static void
use_lan_address (const char *address)
{
  const char *addresses[] = { address, NULL };

  _oms_lan_address_set_override (addresses);
}

static gboolean
match_shown_button (GtkWidget     *widget,
                    gconstpointer  data)
{
  return GTK_IS_BUTTON (widget) && gtk_widget_get_mapped (widget) &&
         g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), data) == 0;
}

static gboolean
match_shown_label (GtkWidget     *widget,
                   gconstpointer  data)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
         strstr (gtk_label_get_label (GTK_LABEL (widget)), data) != NULL;
}

static gboolean
match_shown_qr (GtkWidget     *widget,
                gconstpointer  data)
{
  return OMS_IS_QR_CODE (widget) && gtk_widget_get_mapped (widget);
}

/* The code, never the reason, or the reason and Retry, never the code. */
static void
assert_shows_code (GtkWidget  *root,
                   const char *url)
{
  OmsQrCode *qr;

  gtk_test_widget_wait_for_draw (GTK_WIDGET (gtk_widget_get_root (root)));
  qr = OMS_QR_CODE (find_widget (root, match_shown_qr, NULL));
  g_assert_nonnull (qr);
  g_assert_cmpstr (oms_qr_code_get_text (qr), ==, url);
  g_assert_null (find_widget (root, match_shown_button, "Retry"));
  g_assert_null (find_widget (root, match_shown_label, "is not running"));
}

static void
assert_shows_reason (GtkWidget  *root,
                     const char *reason)
{
  gtk_test_widget_wait_for_draw (GTK_WIDGET (gtk_widget_get_root (root)));
  g_assert_null (find_widget (root, match_shown_qr, NULL));
  g_assert_nonnull (find_widget (root, match_shown_button, "Retry"));
  g_assert_nonnull (find_widget (root, match_shown_label, reason));
}

static char *
url_at (const char *address,
        guint16     port)
{
  return g_strdup_printf ("https://%s:%u", address, port);
}

static gboolean
server_running (gpointer data)
{
  return oms_coldchain_server_get_running (data);
}

static void
press (GtkWidget *button)
{
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  oms_test_drain_main_context ();
}

/* Port taken at start: no code anywhere, the reason and Retry instead; the server starts when
 * the network changes after the port is freed, and the code comes back. When the server stops
 * again under the enlarged view, the view shows the reason too, and its Retry brings it back.
 */
static void
test_qr_not_running (Fixture *f)
{
  OmsColdchainServer *server = _oms_application_get_coldchain_server (f->app);
  OmsSettingsPage *page = show_settings (f);
  g_autoptr(GSocket) second_holder = NULL;
  g_autofree char *url = NULL;
  g_autofree char *second_url = NULL;
  g_autofree char *reason = NULL;
  OmsQrWindow *window;
  GtkWidget *group;
  GtkWidget *spin;
  guint16 second_port;

  use_lan_address (TEST_LAN_ADDRESS);
  g_assert_false (oms_coldchain_server_get_running (server));
  reason = g_strdup_printf ("Port %u is in use by another program", f->coldchain_port);
  assert_shows_reason (GTK_WIDGET (page), reason);
  g_assert_null (oms_settings_page_get_server_url (page));
  g_assert_null (oms_settings_page_show_qr_window (page));

  /* Retry while the port is still taken changes nothing. */
  press (find_widget (GTK_WIDGET (page), match_shown_button, "Retry"));
  g_assert_false (oms_coldchain_server_get_running (server));
  assert_shows_reason (GTK_WIDGET (page), reason);

  /* The port frees; the network monitor says the network changed; the server starts. */
  g_clear_object (&f->port_holder);
  g_signal_emit_by_name (g_network_monitor_get_default (), "network-changed", TRUE);
  g_assert_true (oms_test_wait_until (server_running, server));
  url = url_at (TEST_LAN_ADDRESS, f->coldchain_port);
  assert_shows_code (GTK_WIDGET (page), url);
  g_assert_cmpstr (oms_settings_page_get_server_url (page), ==, url);

  /* The enlarged view, open when the server moves to a port that is taken. */
  window = oms_settings_page_show_qr_window (page);
  g_assert_nonnull (window);
  g_assert_true (oms_test_wait_until (qr_window_shown, f->app));
  assert_shows_code (GTK_WIDGET (window), url);

  g_unsetenv ("OMSYNC_COLDCHAIN_PORT");
  second_port = oms_test_free_loopback_port ();
  second_holder = oms_test_hold_loopback_port (second_port);
  group = find_of_type (GTK_WIDGET (page), OMS_TYPE_COLDCHAIN_DEVICES_GROUP);
  spin = find_of_type (group, GTK_TYPE_SPIN_BUTTON);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), second_port);
  g_assert_true (gtk_widget_activate_action (group, "devices.apply-server", NULL));
  g_assert_false (oms_coldchain_server_get_running (server));

  g_clear_pointer (&reason, g_free);
  reason = g_strdup_printf ("Port %u is in use by another program", second_port);
  assert_shows_reason (GTK_WIDGET (window), reason);
  g_assert_cmpstr (oms_qr_window_get_not_running (window), !=, NULL);
  assert_shows_reason (GTK_WIDGET (page), reason);

  /* Freed, and Retry in the view: the code is back, at the new port, in both. */
  g_clear_object (&second_holder);
  press (find_widget (GTK_WIDGET (window), match_shown_button, "Retry"));
  g_assert_true (oms_coldchain_server_get_running (server));
  second_url = url_at (TEST_LAN_ADDRESS, second_port);
  assert_shows_code (GTK_WIDGET (window), second_url);
  g_assert_null (oms_qr_window_get_not_running (window));
  assert_shows_code (GTK_WIDGET (page), second_url);
}

/* Port taken at start, then freed: the server tries again by itself every interval. */
static void
test_qr_retries_by_itself (Fixture *f)
{
  OmsColdchainServer *server = _oms_application_get_coldchain_server (f->app);
  OmsSettingsPage *page = show_settings (f);
  g_autofree char *url = NULL;

  use_lan_address (TEST_LAN_ADDRESS);
  g_assert_false (oms_coldchain_server_get_running (server));
  assert_shows_reason (GTK_WIDGET (page), "is in use by another program");

  g_clear_object (&f->port_holder);
  g_assert_true (oms_test_wait_until (server_running, server));
  url = url_at (TEST_LAN_ADDRESS, f->coldchain_port);
  assert_shows_code (GTK_WIDGET (page), url);
}

/* The LAN address changes: the server starts again with a certificate naming the new address,
 * and the code, the URL and the enlarged view's addresses follow.
 */
static void
test_qr_follows_address (Fixture *f)
{
  OmsColdchainServer *server = _oms_application_get_coldchain_server (f->app);
  OmsSettingsPage *page = show_settings (f);
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GPtrArray) certified = NULL;
  g_autoptr(GInetAddress) second = g_inet_address_new_from_string (TEST_LAN_ADDRESS_2);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;
  g_autofree char *second_url = NULL;
  gboolean named = FALSE;
  OmsQrWindow *window;

  use_lan_address (TEST_LAN_ADDRESS);
  g_signal_emit_by_name (g_network_monitor_get_default (), "network-changed", TRUE);
  url = url_at (TEST_LAN_ADDRESS, f->coldchain_port);
  g_assert_cmpstr (oms_settings_page_get_server_url (page), ==, url);

  window = oms_settings_page_show_qr_window (page);
  g_assert_true (oms_test_wait_until (qr_window_shown, f->app));
  assert_shows_code (GTK_WIDGET (window), url);

  use_lan_address (TEST_LAN_ADDRESS_2);
  g_signal_emit_by_name (g_network_monitor_get_default (), "network-changed", TRUE);
  g_assert_true (oms_coldchain_server_get_running (server));
  second_url = url_at (TEST_LAN_ADDRESS_2, f->coldchain_port);
  g_assert_cmpstr (oms_settings_page_get_server_url (page), ==, second_url);
  assert_shows_code (GTK_WIDGET (page), second_url);
  assert_shows_code (GTK_WIDGET (window), second_url);
  g_assert_nonnull (find_widget (GTK_WIDGET (window), match_shown_label, second_url));
  g_assert_null (find_widget (GTK_WIDGET (window), match_shown_label, url));

  /* The certificate names the new address. */
  path = oms_coldchain_server_dup_certificate_path (server);
  certificate = g_tls_certificate_new_from_file (path, &error);
  g_assert_no_error (error);
  g_object_get (certificate, "ip-addresses", &certified, NULL);
  for (guint i = 0; certified != NULL && i < certified->len; i++)
    named = named || g_inet_address_equal (g_ptr_array_index (certified, i), second);
  g_assert_true (named);
}

static const TestCase test_cases[] = {
  { "/oms/ui/settings/qr-not-running", test_qr_not_running, TRUE, NULL },
  { "/oms/ui/settings/qr-retries-by-itself", test_qr_retries_by_itself, TRUE, "1" },
  { "/oms/ui/settings/qr-follows-address", test_qr_follows_address, FALSE, NULL },
  { "/oms/ui/settings/qr-code", test_qr_code },
  { "/oms/ui/settings/qr-window", test_qr_window },
  { "/oms/ui/settings/validation", test_validation },
  { "/oms/ui/settings/save-and-test", test_save_and_test },
  { "/oms/ui/settings/interval-alone", test_interval_alone },
  { "/oms/ui/settings/sync-on-metered", test_sync_on_metered },
  { "/oms/ui/settings/coldchain-port", test_coldchain_port },
  { "/oms/ui/settings/coldchain-failed-logins", test_coldchain_failed_logins },
  { "/oms/ui/settings/background", test_background },
  { "/oms/ui/initialise/first-run", test_initialise },
  { "/oms/ui/initialise/set-up-later", test_set_up_later },
  { "/oms/ui/initialise/progress-cancel-continue", test_initialise_progress_cancel },
};

int
main (int   argc,
      char *argv[])
{
  g_setenv ("OMSYNC_HARDWARE_ID", "test-machine-1", TRUE);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  oms_test_gtk_init (&argc, &argv);
  oms_test_set_wait_timeout (30);

  for (guint i = 0; i < G_N_ELEMENTS (test_cases); i++)
    g_test_add (test_cases[i].path, Fixture, &test_cases[i],
                fixture_set_up, fixture_run, fixture_tear_down);

  return g_test_run ();
}
