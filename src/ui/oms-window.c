/* oms-window.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-window"

#include "config.h"

#include <glib/gi18n.h>

#include "oms-application-private.h"
#include "oms-coldchain-page.h"
#include "oms-initialise-page.h"
#include "oms-overview-page.h"
#include "oms-records-page.h"
#include "oms-settings-page.h"
#include "oms-sync-badge.h"
#include "oms-sync-engine.h"
#include "oms-sync-error-text.h"
#include "oms-sync-settings.h"
#include "oms-sync-summary.h"
#include "oms-window.h"

/* The schema id stays fixed when the application id gains a development suffix. */
#define OMS_SETTINGS_SCHEMA_ID "io.github.omsync.OmSync"
#define OMS_SYNC_SCHEMA_ID     OMS_SETTINGS_SCHEMA_ID ".sync"

/* The ranges of window-width and window-height in the schema. */
#define MIN_SAVED_WIDTH   360
#define MIN_SAVED_HEIGHT  294
#define MAX_SAVED_SIZE    10000

struct _OmsWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  GtkListBoxRow        *about_row;
  OmsColdchainPage     *coldchain_page;
  GtkListBoxRow        *coldchain_row;
  AdwWindowTitle       *content_title;
  AdwStatusPage        *error_page;
  OmsInitialisePage    *initialise_page;
  AdwLeaflet           *leaflet;
  GtkStack             *main_stack;
  OmsOverviewPage      *overview_page;
  GtkListBoxRow        *overview_row;
  OmsRecordsPage       *records_page;
  GtkListBoxRow        *records_row;
  OmsSettingsPage      *settings_page;
  GtkListBoxRow        *settings_row;
  GtkListBox           *sidebar_list;
  GtkStack             *stack;
  GtkBox               *sync_badge;
  GtkImage             *sync_badge_icon;
  GtkLabel             *sync_badge_label;
  GtkImage             *sync_icon;
  GtkListBoxRow        *sync_row;
  GtkLabel             *sync_status_label;

  /* Owned references */
  GSettings            *settings;
  OmsStore             *store;
  GSignalGroup         *store_signals;
  OmsSyncEngine        *engine;
  GSettings            *sync_settings;
  OmsScheduler         *scheduler;        /* the application's, for the network state */

  /* State */
  guint                 status_tick_id;   /* keeps "Synced 3 minutes ago" true */
  guint                 sync_update_id;   /* an idle that coalesces engine signals */

  /* What the Sync row last showed: setting them again costs even when nothing changed (a
   * tooltip asks the X server where the pointer is; a description goes out on the bus).
   */
  char                 *badge_tooltip;    /* given to GTK only when it asks (query-tooltip) */
  char                 *badge_style;
  char                 *sync_description;
};

G_DEFINE_FINAL_TYPE (OmsWindow, oms_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_PAGE,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GtkListBoxRow *
oms_window_row_for_page (OmsWindow  *self,
                         const char *page)
{
  g_assert (OMS_IS_WINDOW (self));

  if (g_strcmp0 (page, "overview") == 0)
    return self->overview_row;
  else if (g_strcmp0 (page, "cold-chain") == 0)
    return self->coldchain_row;
  else if (g_strcmp0 (page, "records") == 0)
    return self->records_row;
  else if (g_strcmp0 (page, "settings") == 0)
    return self->settings_row;

  return NULL;
}

static const char *
oms_window_page_for_row (OmsWindow     *self,
                         GtkListBoxRow *row)
{
  g_assert (OMS_IS_WINDOW (self));

  if (row == self->overview_row)
    return "overview";
  else if (row == self->coldchain_row)
    return "cold-chain";
  else if (row == self->records_row)
    return "records";
  else if (row == self->settings_row)
    return "settings";

  return NULL;
}

static OmsNetworkWait
network_wait (OmsWindow *self)
{
  return self->scheduler != NULL ? oms_scheduler_get_network_wait (self->scheduler)
                                 : OMS_NETWORK_WAIT_NONE;
}

/* The Sync row: its icon, status line and badge, and a description that reads them out. */
static void
oms_window_update_sync_status (OmsWindow *self)
{
  g_autofree char *status = NULL;
  g_autofree char *description = NULL;
  OmsSyncBadge badge = { 0 };
  const char *style;

  g_assert (OMS_IS_WINDOW (self));

  if (self->store == NULL)
    return;

  if (self->engine != NULL)
    {
      OmsSyncBadgeInput input = { 0 };
      OmsPushQueueCounts counts = { 0 };
      const OmsSyncRun *latest = oms_sync_engine_get_latest_run (self->engine);
      const OmsSyncRun *success = oms_sync_engine_get_last_successful_run (self->engine);
      gboolean is_syncing = oms_sync_engine_get_is_syncing (self->engine);
      const char *icon = "emblem-synchronizing-symbolic";
      g_autofree char *url = oms_store_kv_get_string (self->store, OMS_KV_SYNC_URL, NULL);
      gboolean configured = url != NULL && url[0] != '\0';

      /* Configured means a URL, as on the Overview page, so the two always agree. */
      status = oms_sync_summary_describe_runs (configured, latest, success, network_wait (self));

      oms_sync_engine_get_push_queue (self->engine, &counts);
      input.configured = configured;
      input.queued = counts.total;
      input.last_success = success != NULL ? success->finished : 0;
      input.now = g_get_real_time ();
      input.warning_days = g_settings_get_uint (self->sync_settings, "warning-threshold-days");
      input.error_days = g_settings_get_uint (self->sync_settings, "error-threshold-days");
      input.has_error = !is_syncing && latest != NULL && !latest->interrupted &&
                        oms_sync_engine_get_error (self->engine, &input.error_variant, NULL);
      /* A server down for maintenance or a dropped line is Open mSupply's UNKNOWN, but
       * nothing at the site needs fixing: it shows as a connection problem, not an alarm.
       */
      if (input.has_error && oms_sync_run_error_is_transient (latest))
        input.error_variant = OMS_SYNC_ERROR_VARIANT_CONNECTION_ERROR;
      oms_sync_badge_compute (&input, &badge);

      /* A connection error also shows on the row itself, not only as a grey icon (A8.1). */
      if ((input.has_error && input.error_variant == OMS_SYNC_ERROR_VARIANT_CONNECTION_ERROR) ||
          network_wait (self) == OMS_NETWORK_WAIT_OFFLINE)
        icon = "network-offline-symbolic";
      gtk_image_set_from_icon_name (self->sync_icon, icon);
    }
  else
    {
      g_autoptr(GError) error = NULL;

      status = oms_sync_summary_describe (self->store, network_wait (self), &error);
      if (status == NULL)
        {
          g_debug ("Cannot read the sync settings: %s", error->message);
          status = g_strdup (_("Sync status unknown"));
        }
    }

  gtk_label_set_label (self->sync_status_label, status);

  gtk_widget_set_visible (GTK_WIDGET (self->sync_badge), badge.visible);
  gtk_widget_set_visible (GTK_WIDGET (self->sync_badge_label), badge.text != NULL);
  gtk_label_set_label (self->sync_badge_label, badge.text);
  gtk_widget_set_visible (GTK_WIDGET (self->sync_badge_icon), badge.icon_name != NULL);
  gtk_image_set_from_icon_name (self->sync_badge_icon, badge.icon_name);
  style = badge.style_class != NULL ? badge.style_class : "badge-neutral";
  if (g_strcmp0 (style, self->badge_style) != 0)
    {
      g_free (self->badge_style);
      self->badge_style = g_strdup (style);
      gtk_widget_set_css_classes (GTK_WIDGET (self->sync_badge),
                                  (const char *[]) { "sync-badge", style, NULL });
    }

  if (g_strcmp0 (badge.tooltip, self->badge_tooltip) != 0)
    {
      g_free (self->badge_tooltip);
      self->badge_tooltip = g_strdup (badge.tooltip);
      gtk_widget_set_has_tooltip (GTK_WIDGET (self->sync_badge), self->badge_tooltip != NULL);
    }

  if (badge.description != NULL)
    description = g_strdup_printf ("%s\n%s", status, badge.description);
  else
    description = g_strdup (status);

  if (g_strcmp0 (description, self->sync_description) != 0)
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->sync_row),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                      -1);
      g_free (self->sync_description);
      self->sync_description = g_steal_pointer (&description);
    }

  oms_sync_badge_clear (&badge);
}

static gboolean
sync_badge_query_tooltip_cb (GtkWidget  *widget,
                             int         x,
                             int         y,
                             gboolean    keyboard_mode,
                             GtkTooltip *tooltip,
                             OmsWindow  *self)
{
  if (self->badge_tooltip == NULL)
    return FALSE;

  gtk_tooltip_set_text (tooltip, self->badge_tooltip);
  return TRUE;
}

static gboolean
sync_update_idle_cb (gpointer user_data)
{
  OmsWindow *self = OMS_WINDOW (user_data);

  self->sync_update_id = 0;
  oms_window_update_sync_status (self);

  return G_SOURCE_REMOVE;
}

/* A big sync reports progress often: the engine's signals of one main loop pass (a batch of
 * records, a step change) make one update of the Sync row, after GTK's own redraw work.
 */
static void
oms_window_queue_sync_update (OmsWindow *self)
{
  g_assert (OMS_IS_WINDOW (self));

  if (self->sync_update_id == 0)
    self->sync_update_id = g_idle_add (sync_update_idle_cb, self);
}

static gboolean
status_tick_cb (gpointer user_data)
{
  oms_window_update_sync_status (OMS_WINDOW (user_data));

  return G_SOURCE_CONTINUE;
}

/* A separator divides the pages above it from the rows below: Settings, Sync and About. */
static void
oms_window_sidebar_header_func (GtkListBoxRow *row,
                                GtkListBoxRow *before,
                                gpointer       user_data)
{
  OmsWindow *self = user_data;

  g_assert (OMS_IS_WINDOW (self));

  if (row == self->settings_row && before != NULL)
    {
      if (gtk_list_box_row_get_header (row) == NULL)
        gtk_list_box_row_set_header (row, gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));
    }
  else
    {
      gtk_list_box_row_set_header (row, NULL);
    }
}

static void
oms_window_stack_notify_visible_child_cb (OmsWindow  *self,
                                          GParamSpec *pspec,
                                          GtkStack   *stack)
{
  GtkWidget *child;
  GtkListBoxRow *row;
  const char *page;

  g_assert (OMS_IS_WINDOW (self));
  g_assert (GTK_IS_STACK (stack));

  page = gtk_stack_get_visible_child_name (stack);
  child = gtk_stack_get_visible_child (stack);
  row = oms_window_row_for_page (self, page);

  if (row != NULL && gtk_list_box_get_selected_row (self->sidebar_list) != row)
    gtk_list_box_select_row (self->sidebar_list, row);

  if (child != NULL)
    adw_window_title_set_title (self->content_title,
                                gtk_stack_page_get_title (gtk_stack_get_page (stack, child)));

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE]);
}

static void
oms_window_row_selected_cb (OmsWindow     *self,
                            GtkListBoxRow *row,
                            GtkListBox    *list)
{
  const char *page;

  g_assert (OMS_IS_WINDOW (self));

  if (row == NULL)
    return;

  page = oms_window_page_for_row (self, row);
  if (page != NULL)
    oms_window_set_page (self, page);
}

static void
oms_window_row_activated_cb (OmsWindow     *self,
                             GtkListBoxRow *row,
                             GtkListBox    *list)
{
  g_assert (OMS_IS_WINDOW (self));

  /* Rows without a page (Sync, About) run their action instead. */
  if (oms_window_page_for_row (self, row) != NULL && adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child_name (self->leaflet, "content");
}

static void
oms_window_notify_folded_cb (OmsWindow  *self,
                             GParamSpec *pspec,
                             AdwLeaflet *leaflet)
{
  g_assert (OMS_IS_WINDOW (self));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.navigate-back",
                                 adw_leaflet_get_folded (leaflet));
}

static void
oms_window_show_page_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  OmsWindow *self = OMS_WINDOW (widget);
  const char *page = g_variant_get_string (parameter, NULL);

  if (oms_window_row_for_page (self, page) == NULL)
    {
      g_debug ("There is no page called %s", page);
      return;
    }

  oms_window_set_page (self, page);

  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child_name (self->leaflet, "content");
}

static void
oms_window_navigate_back_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  OmsWindow *self = OMS_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
oms_window_restore_state (OmsWindow *self)
{
  g_autofree char *page = NULL;
  int width;
  int height;

  g_assert (OMS_IS_WINDOW (self));

  width = g_settings_get_int (self->settings, "window-width");
  height = g_settings_get_int (self->settings, "window-height");
  gtk_window_set_default_size (GTK_WINDOW (self), width, height);

  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  page = g_settings_get_string (self->settings, "last-page");
  if (oms_window_row_for_page (self, page) != NULL)
    oms_window_set_page (self, page);
}

static void
oms_window_save_state (OmsWindow *self)
{
  int width = 0;
  int height = 0;

  g_assert (OMS_IS_WINDOW (self));

  /* GTK keeps the default size at the size the window had before it was maximized. */
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);

  if (width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width",
                          CLAMP (width, MIN_SAVED_WIDTH, MAX_SAVED_SIZE));
      g_settings_set_int (self->settings, "window-height",
                          CLAMP (height, MIN_SAVED_HEIGHT, MAX_SAVED_SIZE));
    }

  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  g_settings_set_string (self->settings, "last-page", oms_window_get_page (self));
}

static gboolean
oms_window_close_request (GtkWindow *window)
{
  OmsWindow *self = OMS_WINDOW (window);

  oms_window_save_state (self);

  return GTK_WINDOW_CLASS (oms_window_parent_class)->close_request (window);
}

static void
oms_window_set_engine (OmsWindow     *self,
                       OmsSyncEngine *engine)
{
  static const char *signals[] = {
    "notify::is-syncing", "notify::mode", "notify::push-queue-total", "run-changed",
  };

  g_assert (OMS_IS_WINDOW (self));

  if (!g_set_object (&self->engine, engine))
    return;

  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    g_signal_connect_object (engine, signals[i], G_CALLBACK (oms_window_queue_sync_update),
                             self, G_CONNECT_SWAPPED);
}

/* The application's engine is the one that syncs the store, and its cold chain server the one
 * the QR code stands for; the store is set at construction, the application just after it.
 */
static void
oms_window_find_engine (OmsWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  OmsSyncEngine *engine;

  if (self->store == NULL || !OMS_IS_APPLICATION (app))
    return;

  engine = oms_application_get_engine (OMS_APPLICATION (app));
  if (engine != NULL && oms_sync_engine_get_store (engine) == self->store)
    {
      oms_window_set_engine (self, engine);
      oms_window_update_sync_status (self);
    }

  oms_settings_page_set_coldchain_server (self->settings_page,
                                          _oms_application_get_coldchain_server (
                                            OMS_APPLICATION (app)));
}

static void
oms_window_set_store (OmsWindow *self,
                      OmsStore  *store)
{
  g_assert (OMS_IS_WINDOW (self));
  g_assert (store == NULL || OMS_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  g_signal_group_set_target (self->store_signals, store);
  oms_window_find_engine (self);

  oms_overview_page_set_store (self->overview_page, store);
  oms_coldchain_page_set_store (self->coldchain_page, store);
  oms_records_page_set_store (self->records_page, store);
  oms_settings_page_set_store (self->settings_page, store);

  oms_window_update_sync_status (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

/* Until the site is operational the initialisation page stands in for the pages (UI.md §4),
 * unless the person chose to set it up later. An error page stays in place.
 */
static void
oms_window_update_initialise (OmsWindow *self)
{
  const char *shown = gtk_stack_get_visible_child_name (self->main_stack);

  g_assert (OMS_IS_WINDOW (self));

  if (g_strcmp0 (shown, "error") == 0)
    return;

  gtk_stack_set_visible_child_name (self->main_stack,
                                    oms_initialise_page_get_needed (self->initialise_page)
                                    ? "initialise" : "main");
}

static void
oms_window_network_changed (OmsWindow *self)
{
  oms_overview_page_set_network_wait (self->overview_page, network_wait (self));
  oms_window_queue_sync_update (self);
}

static void
oms_window_find_scheduler (OmsWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  OmsScheduler *scheduler;

  if (self->store == NULL || !OMS_IS_APPLICATION (app))
    return;

  scheduler = oms_application_get_scheduler (OMS_APPLICATION (app));
  oms_initialise_page_set_scheduler (self->initialise_page, scheduler);

  /* Offline or metered: the Sync row and the Overview say why nothing syncs. */
  if (scheduler != NULL && g_set_object (&self->scheduler, scheduler))
    {
      g_signal_connect_object (scheduler, "notify::network-wait",
                               G_CALLBACK (oms_window_network_changed), self,
                               G_CONNECT_SWAPPED);
      oms_window_network_changed (self);
    }
}

static void
oms_window_dispose (GObject *object)
{
  OmsWindow *self = (OmsWindow *)object;

  g_clear_handle_id (&self->status_tick_id, g_source_remove);
  g_clear_handle_id (&self->sync_update_id, g_source_remove);
  if (self->store_signals != NULL)
    g_signal_group_set_target (self->store_signals, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), OMS_TYPE_WINDOW);

  g_clear_object (&self->store_signals);
  g_clear_object (&self->store);
  g_clear_pointer (&self->badge_tooltip, g_free);
  g_clear_pointer (&self->badge_style, g_free);
  g_clear_pointer (&self->sync_description, g_free);
  g_clear_object (&self->engine);
  g_clear_object (&self->scheduler);
  g_clear_object (&self->settings);
  g_clear_object (&self->sync_settings);

  G_OBJECT_CLASS (oms_window_parent_class)->dispose (object);
}

static void
oms_window_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  OmsWindow *self = OMS_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PAGE:
      g_value_set_string (value, oms_window_get_page (self));
      break;

    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_window_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  OmsWindow *self = OMS_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PAGE:
      oms_window_set_page (self, g_value_get_string (value));
      break;

    case PROP_STORE:
      oms_window_set_store (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_window_class_init (OmsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = oms_window_dispose;
  object_class->get_property = oms_window_get_property;
  object_class->set_property = oms_window_set_property;

  window_class->close_request = oms_window_close_request;

  /**
   * OmsWindow:page:
   *
   * The name of the page shown: overview, cold-chain, records or settings.
   */
  properties[PROP_PAGE] =
    g_param_spec_string ("page", NULL, NULL,
                         "overview",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * OmsWindow:store:
   *
   * The store the pages show, or %NULL when it could not be opened.
   */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         OMS_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/omsync/OmSync/ui/oms-window.ui");
  gtk_widget_class_bind_template_child (widget_class, OmsWindow, about_row);
  gtk_widget_class_bind_template_child (widget_class, OmsWindow, coldchain_page);
  gtk_widget_class_bind_template_child (widget_class, OmsWindow, coldchain_row);
  gtk_widget_class_bind_template_child (widget_class, OmsWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, OmsWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, OmsWindow, initialise_page);
  gtk_widget_class_bind_template_child (widget_class, OmsWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, OmsWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, OmsWindow, overview_page);
  gtk_widget_class_bind_template_child (widget_class, OmsWindow, overview_row);
  gtk_widget_class_bind_template_child (widget_class, OmsWindow, records_page);
  gtk_widget_class_bind_template_child (widget_class, OmsWindow, records_row);
  gtk_widget_class_bind_template_child (widget_class, OmsWindow, settings_page);
  gtk_widget_class_bind_template_child (widget_class, OmsWindow, settings_row);
  gtk_widget_class_bind_template_child (widget_class, OmsWindow, sidebar_list);
  gtk_widget_class_bind_template_child (widget_class, OmsWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, OmsWindow, sync_badge);
  gtk_widget_class_bind_template_child (widget_class, OmsWindow, sync_badge_icon);
  gtk_widget_class_bind_template_child (widget_class, OmsWindow, sync_badge_label);
  gtk_widget_class_bind_template_child (widget_class, OmsWindow, sync_icon);
  gtk_widget_class_bind_template_child (widget_class, OmsWindow, sync_row);
  gtk_widget_class_bind_template_child (widget_class, OmsWindow, sync_status_label);
  gtk_widget_class_bind_template_callback (widget_class, oms_window_notify_folded_cb);
  gtk_widget_class_bind_template_callback (widget_class, oms_window_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, oms_window_row_selected_cb);

  gtk_widget_class_install_action (widget_class, "win.navigate-back", NULL,
                                   oms_window_navigate_back_action);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s",
                                   oms_window_show_page_action);

  g_type_ensure (OMS_TYPE_COLDCHAIN_PAGE);
  g_type_ensure (OMS_TYPE_INITIALISE_PAGE);
  g_type_ensure (OMS_TYPE_OVERVIEW_PAGE);
  g_type_ensure (OMS_TYPE_RECORDS_PAGE);
  g_type_ensure (OMS_TYPE_SETTINGS_PAGE);
}

static void
oms_window_init (OmsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_list_box_set_header_func (self->sidebar_list,
                                oms_window_sidebar_header_func,
                                self,
                                NULL);

  self->status_tick_id = g_timeout_add_seconds (30, status_tick_cb, self);

  g_signal_connect (self->sync_badge, "query-tooltip",
                    G_CALLBACK (sync_badge_query_tooltip_cb), self);

  self->store_signals = g_signal_group_new (OMS_TYPE_STORE);
  g_signal_group_connect_object (self->store_signals,
                                 "changed",
                                 G_CALLBACK (oms_window_queue_sync_update),
                                 self,
                                 G_CONNECT_SWAPPED);

  g_signal_connect (self, "notify::application", G_CALLBACK (oms_window_find_engine), NULL);

  g_signal_connect (self, "notify::application", G_CALLBACK (oms_window_find_scheduler), NULL);
  g_signal_connect_object (self->initialise_page, "notify::needed",
                           G_CALLBACK (oms_window_update_initialise), self,
                           G_CONNECT_SWAPPED);

  g_signal_connect_object (self->stack,
                           "notify::visible-child",
                           G_CALLBACK (oms_window_stack_notify_visible_child_cb),
                           self,
                           G_CONNECT_SWAPPED);

  self->settings = g_settings_new (OMS_SETTINGS_SCHEMA_ID);
  self->sync_settings = g_settings_new (OMS_SYNC_SCHEMA_ID);
  g_signal_connect_object (self->sync_settings, "changed",
                           G_CALLBACK (oms_window_queue_sync_update), self,
                           G_CONNECT_SWAPPED);

  /* The stack starts on its first page without notifying, so sync the sidebar by hand. */
  oms_window_stack_notify_visible_child_cb (self, NULL, self->stack);
  oms_window_notify_folded_cb (self, NULL, self->leaflet);
  oms_window_restore_state (self);
}

/**
 * oms_window_new:
 * @application: the #OmsApplication
 * @store: (nullable): the opened store, or %NULL when it could not be opened
 *
 * Returns: (transfer full): a new #OmsWindow
 */
OmsWindow *
oms_window_new (OmsApplication *application,
                OmsStore       *store)
{
  g_return_val_if_fail (OMS_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (store == NULL || OMS_IS_STORE (store), NULL);

  return g_object_new (OMS_TYPE_WINDOW,
                       "application", application,
                       "store", store,
                       NULL);
}

/**
 * oms_window_get_store:
 * @self: an #OmsWindow
 *
 * Returns: (transfer none) (nullable): the store
 */
OmsStore *
oms_window_get_store (OmsWindow *self)
{
  g_return_val_if_fail (OMS_IS_WINDOW (self), NULL);

  return self->store;
}

/**
 * oms_window_get_page:
 * @self: an #OmsWindow
 *
 * Returns: the name of the page shown
 */
const char *
oms_window_get_page (OmsWindow *self)
{
  g_return_val_if_fail (OMS_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

/**
 * oms_window_set_page:
 * @self: an #OmsWindow
 * @page: overview, cold-chain, records or settings
 *
 * Shows @page and selects its row in the sidebar.
 */
void
oms_window_set_page (OmsWindow  *self,
                     const char *page)
{
  g_return_if_fail (OMS_IS_WINDOW (self));
  g_return_if_fail (oms_window_row_for_page (self, page) != NULL);

  /* Asking for a page (Ctrl+,) over the first-run form means the pages. */
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "initialise") == 0)
    oms_initialise_page_set_up_later (self->initialise_page);

  if (g_strcmp0 (page, oms_window_get_page (self)) == 0)
    return;

  /* The stack's notify handler selects the row, sets the title and notifies. */
  gtk_stack_set_visible_child_name (self->stack, page);
}

/**
 * oms_window_show_store_error:
 * @self: an #OmsWindow
 * @data_dir: the data directory that could not be opened
 * @error: why
 *
 * Replaces the pages with a page that states @error and what to do about it.
 */
void
oms_window_show_store_error (OmsWindow    *self,
                             const char   *data_dir,
                             const GError *error)
{
  g_autofree char *display_dir = NULL;
  g_autofree char *description = NULL;
  const char *advice;

  g_return_if_fail (OMS_IS_WINDOW (self));
  g_return_if_fail (data_dir != NULL);
  g_return_if_fail (error != NULL);

  if (g_error_matches (error, OMS_STORE_ERROR, OMS_STORE_ERROR_CORRUPT))
    advice = _("Move the database file in this directory aside so a new one is created, or "
               "choose another data directory with --data-dir.");
  else if (g_error_matches (error, OMS_STORE_ERROR, OMS_STORE_ERROR_TOO_NEW))
    advice = _("A newer version of omsync wrote this database. Update omsync, or choose "
               "another data directory with --data-dir.");
  else
    advice = _("Check that the directory exists and that you may write to it, or choose "
               "another data directory with --data-dir.");

  display_dir = g_filename_display_name (data_dir);

  /* Translators: The first %s is why the database cannot be opened, the second the data
   * directory, the third what to do about it.
   */
  description = g_markup_printf_escaped (_("%s\n\nData directory: %s\n\n%s"),
                                         error->message, display_dir, advice);

  adw_status_page_set_title (self->error_page, _("The database cannot be opened"));
  adw_status_page_set_description (self->error_page, description);
  gtk_stack_set_visible_child_name (self->main_stack, "error");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-page", FALSE);
}

/**
 * oms_window_show_demo_error:
 * @self: an #OmsWindow
 * @error: why `--demo` could not start its central server or configure the demo site
 *
 * Replaces the pages with the error, since a demo without its central shows nothing true.
 */
void
oms_window_show_demo_error (OmsWindow    *self,
                            const GError *error)
{
  g_autofree char *description = NULL;

  g_return_if_fail (OMS_IS_WINDOW (self));
  g_return_if_fail (error != NULL);

  /* Translators: %s is why the demo central server could not start. */
  description = g_markup_printf_escaped (_("%s\n\nRun omsync without --demo to use your own "
                                           "site, or build omsync again with ./run."),
                                         error->message);

  adw_status_page_set_title (self->error_page, _("The demo could not start"));
  adw_status_page_set_description (self->error_page, description);
  gtk_stack_set_visible_child_name (self->main_stack, "error");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-page", FALSE);
}

/**
 * oms_window_set_last_device:
 * @name: the cold chain account a phone used
 * @time: when it logged in or uploaded
 *
 * Shows "Last device connected" in the Settings page and its enlarged QR view, so whoever
 * pairs a phone sees it arrive.
 */
void
oms_window_set_last_device (OmsWindow  *self,
                            const char *name,
                            GDateTime  *time)
{
  g_return_if_fail (OMS_IS_WINDOW (self));

  oms_settings_page_set_last_device (self->settings_page, name, time);
}

/**
 * oms_window_show_sync_settings:
 *
 * Shows the Settings page with its Synchronisation section in view, for the sync status
 * window's Settings button.
 */
void
oms_window_show_sync_settings (OmsWindow *self)
{
  g_return_if_fail (OMS_IS_WINDOW (self));

  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-page", "s", "settings");
  oms_settings_page_focus_sync (self->settings_page);
  gtk_window_present (GTK_WINDOW (self));
}

/**
 * oms_window_get_sync_status_text:
 *
 * Returns: the Sync row's status line, e.g. "Synced 3 minutes ago"
 */
const char *
oms_window_get_sync_status_text (OmsWindow *self)
{
  g_return_val_if_fail (OMS_IS_WINDOW (self), NULL);

  return gtk_label_get_label (self->sync_status_label);
}
