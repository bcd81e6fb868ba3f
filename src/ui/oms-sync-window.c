/* oms-sync-window.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-sync-window"

#include "config.h"

#include <glib/gi18n.h>

#include "oms-error-button.h"
#include "oms-stepper.h"
#include "oms-sync-error-text.h"
#include "oms-sync-progress.h"
#include "oms-sync-summary.h"
#include "oms-sync-window.h"

/* The sync status window (UI.md §2): a view of the engine. It reads the engine's properties
 * and redraws on its signals, at most once a frame because a big sync reports progress
 * often; it never starts work itself, except through the Sync now button's app.sync-now.
 */

#define SYNC_SCHEMA_ID "io.github.omsync.OmSync.sync"
#define HISTORY_LIMIT  20

struct _OmsSyncWindow
{
  AdwWindow        parent_instance;

  /* Template widgets */
  GtkBox          *error_box;
  OmsErrorButton  *error_button;
  GtkLabel        *error_label;
  GtkMenuButton   *history_button;
  GtkListBox      *history_list;
  GtkPopover      *history_popover;
  GtkBox          *interrupted_box;
  GtkImage        *last_success_icon;
  GtkLabel        *last_success_label;
  GtkImage        *network_icon;
  GtkLabel        *network_label;
  GtkBox          *network_notice;
  GtkBox          *queue_notice;
  GtkLabel        *status_label;
  OmsSyncProgress *progress;
  GtkButton       *sync_button;
  GtkStack        *sync_button_stack;
  GtkSpinner      *sync_spinner;

  /* Owned references */
  OmsSyncEngine   *engine;
  GSettings       *sync_settings;
  OmsScheduler    *scheduler;     /* when set, the network notice follows its state */

  /* State */
  guint            update_tick_id;
  gboolean         sync_button_had_focus; /* when a sync made it insensitive */
};

G_DEFINE_FINAL_TYPE (OmsSyncWindow, oms_sync_window, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_ENGINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The scheduler knows more than the monitor: a central on this computer is reachable
 * offline, and whether automatic syncs wait on a metered connection.
 */
static void
oms_sync_window_update_network (OmsSyncWindow *self)
{
  GNetworkMonitor *monitor = g_network_monitor_get_default ();
  OmsNetworkWait wait;
  gboolean metered;

  if (self->scheduler != NULL)
    {
      wait = oms_scheduler_get_network_wait (self->scheduler);
      metered = oms_scheduler_get_metered (self->scheduler);
    }
  else
    {
      wait = g_network_monitor_get_network_available (monitor) ? OMS_NETWORK_WAIT_NONE
                                                                : OMS_NETWORK_WAIT_OFFLINE;
      metered = g_network_monitor_get_network_metered (monitor);
    }

  if (wait == OMS_NETWORK_WAIT_OFFLINE)
    {
      gtk_image_set_from_icon_name (self->network_icon, "network-offline-symbolic");
      gtk_label_set_label (self->network_label,
                           _("This computer is offline: automatic syncs wait until it "
                             "reconnects, and Sync now will fail until then."));
      gtk_widget_set_visible (GTK_WIDGET (self->network_notice), TRUE);
    }
  else if (metered)
    {
      gtk_image_set_from_icon_name (self->network_icon, "network-cellular-symbolic");
      gtk_label_set_label (self->network_label,
                           wait == OMS_NETWORK_WAIT_METERED
                             ? _("This computer is on a metered connection: automatic syncs "
                                 "wait for another one. Sync now uses it, which may cost "
                                 "money.")
                             : _("This computer is on a metered connection: syncing uses "
                                 "mobile data, which may cost money."));
      gtk_widget_set_visible (GTK_WIDGET (self->network_notice), TRUE);
    }
  else
    {
      gtk_widget_set_visible (GTK_WIDGET (self->network_notice), FALSE);
    }
}

static void
oms_sync_window_update (OmsSyncWindow *self)
{
  OmsPushQueueCounts counts = { 0 };
  const OmsSyncRun *latest = NULL;
  const OmsSyncRun *success = NULL;
  OmsSyncMode mode = OMS_SYNC_MODE_UNCONFIGURED;
  gboolean is_syncing = FALSE;
  gboolean failed;
  g_autofree char *status = NULL;
  g_autofree char *last_success = NULL;
  const char *face;

  g_assert (OMS_IS_SYNC_WINDOW (self));

  if (self->engine != NULL)
    {
      oms_sync_engine_get_push_queue (self->engine, &counts);
      latest = oms_sync_engine_get_latest_run (self->engine);
      success = oms_sync_engine_get_last_successful_run (self->engine);
      mode = oms_sync_engine_get_mode (self->engine);
      is_syncing = oms_sync_engine_get_is_syncing (self->engine);
    }

  status = oms_sync_summary_format_queue (is_syncing, counts.total);
  gtk_label_set_label (self->status_label, status);

  failed = !is_syncing && latest != NULL && !latest->interrupted &&
           (latest->error_message != NULL || latest->error_code != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->error_box), failed);
  if (failed)
    {
      g_autofree char *message = NULL;

      oms_sync_run_describe_error (latest, NULL, &message, NULL);
      gtk_label_set_label (self->error_label, message);
      oms_error_button_set_run_error (self->error_button, latest);
    }
  else
    {
      gtk_label_set_label (self->error_label, NULL);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->interrupted_box),
                          !is_syncing && latest != NULL && latest->interrupted);

  gtk_widget_set_visible (GTK_WIDGET (self->queue_notice),
                          counts.total >= g_settings_get_uint (self->sync_settings,
                                                               "queue-warning-threshold"));

  last_success = oms_sync_summary_format_last_success (success, g_get_real_time ());
  gtk_label_set_label (self->last_success_label, last_success);
  gtk_image_set_from_icon_name (self->last_success_icon,
                                success != NULL ? "object-select-symbolic"
                                                : "dialog-information-symbolic");

  /* The button says what happens while a sync runs, not only a spinner (A8.7). */
  gtk_spinner_set_spinning (self->sync_spinner, is_syncing);
  face = is_syncing ? "syncing" : "idle";
  /* Once per change: each update of an accessible property goes out on the bus. */
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->sync_button_stack), face) != 0)
    {
      gtk_stack_set_visible_child_name (self->sync_button_stack, face);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->sync_button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      is_syncing
                                      /* Translators: the Sync now button's name while a
                                       * sync runs (a state, not a command). */
                                      ? _("Syncing…")
                                      /* Translators: a button: start a sync now (imperative
                                       * verb). */
                                      : _("Sync now"), -1);
    }
  /* An insensitive button loses the focus, and the window then has none: a keyboard user
   * would be left nowhere once the sync ends. The focus comes back to Sync now.
   */
  if (is_syncing && gtk_widget_has_focus (GTK_WIDGET (self->sync_button)))
    self->sync_button_had_focus = TRUE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->sync_button),
                            !is_syncing && mode != OMS_SYNC_MODE_UNCONFIGURED);
  if (!is_syncing && self->sync_button_had_focus)
    {
      GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

      self->sync_button_had_focus = FALSE;
      if (focus == NULL || focus == GTK_WIDGET (self))
        gtk_widget_grab_focus (GTK_WIDGET (self->sync_button));
    }
}

static gboolean
update_tick_cb (GtkWidget     *widget,
                GdkFrameClock *frame_clock,
                gpointer       user_data)
{
  OmsSyncWindow *self = OMS_SYNC_WINDOW (widget);

  self->update_tick_id = 0;
  oms_sync_window_update (self);

  return G_SOURCE_REMOVE;
}

/* Coalesces engine signals: one redraw per frame however often progress moves. */
static void
oms_sync_window_queue_update (OmsSyncWindow *self)
{
  if (self->update_tick_id == 0)
    self->update_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), update_tick_cb,
                                                         NULL, NULL);
}

static void
oms_sync_window_history_show_cb (OmsSyncWindow *self,
                                 GtkPopover    *popover)
{
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;
  gint64 now = g_get_real_time ();

  g_assert (OMS_IS_SYNC_WINDOW (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->history_list))) != NULL)
    gtk_list_box_remove (self->history_list, child);

  if (self->engine != NULL)
    runs = oms_sync_log_list (oms_sync_engine_get_store (self->engine), HISTORY_LIMIT, &error);

  if (error != NULL)
    g_debug ("Cannot read the sync history: %s", error->message);

  if (runs == NULL || runs->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     error != NULL ? _("The sync history cannot be read")
                                                   : _("No syncs yet"));
      gtk_list_box_append (self->history_list, row);
      return;
    }

  for (guint i = 0; i < runs->len; i++)
    {
      const OmsSyncRun *run = g_ptr_array_index (runs, i);
      g_autofree char *start = oms_sync_summary_format_time (run->started, now);
      g_autofree char *duration = oms_sync_summary_format_duration (run->duration_seconds);
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;
      g_autofree char *batches = oms_sync_summary_format_batch_sizes (run);
      g_autoptr(GString) counts = g_string_new (NULL);
      g_autofree char *failure = NULL;
      const char *result;
      GtkWidget *row;

      if (oms_sync_run_is_syncing (run))
        /* Translators: the state of a sync in the history list: still going on. */
        result = _("Running");
      else if (run->interrupted)
        result = _("Interrupted");
      else if (oms_sync_run_is_successful (run))
        result = _("Succeeded");
      else
        {
          oms_sync_run_describe_error (run, NULL, &failure, NULL);
          result = failure;
        }

      for (guint s = 0; s < OMS_SYNC_N_STEPS; s++)
        {
          g_autofree char *done = NULL;
          g_autofree char *total = NULL;

          if (!run->steps[s].has_total || run->steps[s].total == 0)
            continue;
          if (counts->len > 0)
            g_string_append (counts, ", ");
          done = g_strdup_printf ("%" G_GINT64_FORMAT, run->steps[s].done);
          total = g_strdup_printf ("%" G_GINT64_FORMAT, run->steps[s].total);
          /* Translators: A step of the sync and how many records it handled of how many,
           * e.g. "Pull central 480/480".
           */
          g_string_append_printf (counts, _("%s %s/%s"), oms_sync_step_get_label (s), done,
                                  total);
        }

      /* Translators: The first %s is when a sync started, the second its result. */
      title = g_strdup_printf (_("%s — %s"), start, result);
      if (counts->len > 0)
        /* Translators: The first %s is a duration, the second the records per step. */
        subtitle = g_strdup_printf (_("Took %s; %s"), duration, counts->str);
      else
        /* Translators: %s is a duration. */
        subtitle = g_strdup_printf (_("Took %s; no records"), duration);

      if (run->bytes_down > 0 || run->bytes_up > 0)
        {
          g_autofree char *down = g_format_size ((guint64) run->bytes_down);
          g_autofree char *up = g_format_size ((guint64) run->bytes_up);
          g_autofree char *with_data = NULL;

          /* Translators: The first %s is the line above (duration and records); then the
           * data the sync used on the network, e.g. "1.2 MB received, 35.0 kB sent".
           */
          with_data = g_strdup_printf (_("%s; %s received, %s sent"), subtitle, down, up);
          g_free (subtitle);
          subtitle = g_steal_pointer (&with_data);
        }

      /* How the pull batches adapted to the line, on a line of its own. */
      if (batches != NULL)
        {
          g_autofree char *with_batches = g_strdup_printf ("%s\n%s", subtitle, batches);

          g_free (subtitle);
          subtitle = g_steal_pointer (&with_batches);
        }

      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      gtk_list_box_append (self->history_list, row);
    }
}

static void
oms_sync_window_show_settings_action (GtkWidget  *widget,
                                      const char *action_name,
                                      GVariant   *parameter)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (widget));

  /* The Synchronisation settings sit in the main window under this modal window. */
  if (app != NULL)
    g_action_group_activate_action (G_ACTION_GROUP (app), "sync-settings", NULL);
  gtk_window_close (GTK_WINDOW (widget));
}

static void
oms_sync_window_set_engine (OmsSyncWindow *self,
                            OmsSyncEngine *engine)
{
  static const char *notifies[] = {
    "notify::is-syncing", "notify::mode", "notify::has-v6", "notify::push-queue-total",
    "notify::waiting-for-server", "run-changed",
  };

  g_assert (OMS_IS_SYNC_WINDOW (self));
  g_assert (self->engine == NULL);

  if (engine == NULL)
    return;

  self->engine = g_object_ref (engine);
  oms_sync_progress_set_engine (self->progress, engine);

  for (guint i = 0; i < G_N_ELEMENTS (notifies); i++)
    g_signal_connect_object (engine, notifies[i], G_CALLBACK (oms_sync_window_queue_update),
                             self, G_CONNECT_SWAPPED);
}

static void
oms_sync_window_constructed (GObject *object)
{
  OmsSyncWindow *self = OMS_SYNC_WINDOW (object);

  G_OBJECT_CLASS (oms_sync_window_parent_class)->constructed (object);

  oms_sync_window_update (self);
}

static void
oms_sync_window_map (GtkWidget *widget)
{
  OmsSyncWindow *self = OMS_SYNC_WINDOW (widget);

  GTK_WIDGET_CLASS (oms_sync_window_parent_class)->map (widget);

  /* Sync now is focused on open, so Enter syncs and Tab moves on from it. */
  if (gtk_widget_get_sensitive (GTK_WIDGET (self->sync_button)))
    gtk_widget_grab_focus (GTK_WIDGET (self->sync_button));
}

static void
oms_sync_window_dispose (GObject *object)
{
  OmsSyncWindow *self = OMS_SYNC_WINDOW (object);

  if (self->update_tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->update_tick_id);
      self->update_tick_id = 0;
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), OMS_TYPE_SYNC_WINDOW);

  g_clear_object (&self->engine);
  g_clear_object (&self->sync_settings);
  g_clear_object (&self->scheduler);

  G_OBJECT_CLASS (oms_sync_window_parent_class)->dispose (object);
}

static void
oms_sync_window_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  OmsSyncWindow *self = OMS_SYNC_WINDOW (object);

  switch (prop_id)
    {
    case PROP_ENGINE:
      g_value_set_object (value, self->engine);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_sync_window_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  OmsSyncWindow *self = OMS_SYNC_WINDOW (object);

  switch (prop_id)
    {
    case PROP_ENGINE:
      oms_sync_window_set_engine (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_sync_window_class_init (OmsSyncWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = oms_sync_window_constructed;
  object_class->dispose = oms_sync_window_dispose;
  object_class->get_property = oms_sync_window_get_property;
  object_class->set_property = oms_sync_window_set_property;

  widget_class->map = oms_sync_window_map;

  /**
   * OmsSyncWindow:engine:
   *
   * The engine whose state the window shows, or %NULL when the store could not be opened.
   */
  properties[PROP_ENGINE] =
    g_param_spec_object ("engine", NULL, NULL,
                         OMS_TYPE_SYNC_ENGINE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/omsync/OmSync/ui/oms-sync-window.ui");
  gtk_widget_class_bind_template_child (widget_class, OmsSyncWindow, error_box);
  gtk_widget_class_bind_template_child (widget_class, OmsSyncWindow, error_button);
  gtk_widget_class_bind_template_child (widget_class, OmsSyncWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, OmsSyncWindow, history_button);
  gtk_widget_class_bind_template_child (widget_class, OmsSyncWindow, history_list);
  gtk_widget_class_bind_template_child (widget_class, OmsSyncWindow, history_popover);
  gtk_widget_class_bind_template_child (widget_class, OmsSyncWindow, interrupted_box);
  gtk_widget_class_bind_template_child (widget_class, OmsSyncWindow, last_success_icon);
  gtk_widget_class_bind_template_child (widget_class, OmsSyncWindow, last_success_label);
  gtk_widget_class_bind_template_child (widget_class, OmsSyncWindow, network_icon);
  gtk_widget_class_bind_template_child (widget_class, OmsSyncWindow, network_label);
  gtk_widget_class_bind_template_child (widget_class, OmsSyncWindow, network_notice);
  gtk_widget_class_bind_template_child (widget_class, OmsSyncWindow, queue_notice);
  gtk_widget_class_bind_template_child (widget_class, OmsSyncWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, OmsSyncWindow, progress);
  gtk_widget_class_bind_template_child (widget_class, OmsSyncWindow, sync_button);
  gtk_widget_class_bind_template_child (widget_class, OmsSyncWindow, sync_button_stack);
  gtk_widget_class_bind_template_child (widget_class, OmsSyncWindow, sync_spinner);
  gtk_widget_class_bind_template_callback (widget_class, oms_sync_window_history_show_cb);

  gtk_widget_class_install_action (widget_class, "sync.show-settings", NULL,
                                   oms_sync_window_show_settings_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  g_type_ensure (OMS_TYPE_ERROR_BUTTON);
  g_type_ensure (OMS_TYPE_SYNC_PROGRESS);
}

static void
oms_sync_window_init (OmsSyncWindow *self)
{
  GNetworkMonitor *monitor = g_network_monitor_get_default ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->sync_settings = g_settings_new (SYNC_SCHEMA_ID);
  g_signal_connect_object (self->sync_settings, "changed::queue-warning-threshold",
                           G_CALLBACK (oms_sync_window_queue_update), self,
                           G_CONNECT_SWAPPED);

  g_signal_connect_object (monitor, "notify::network-available",
                           G_CALLBACK (oms_sync_window_update_network), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (monitor, "notify::network-metered",
                           G_CALLBACK (oms_sync_window_update_network), self,
                           G_CONNECT_SWAPPED);
  oms_sync_window_update_network (self);
}

/**
 * oms_sync_window_new:
 * @engine: (nullable): the sync engine
 *
 * Returns: (transfer full): a new sync status window; set its application and transient
 *   parent before presenting it
 */
OmsSyncWindow *
oms_sync_window_new (OmsSyncEngine *engine)
{
  g_return_val_if_fail (engine == NULL || OMS_IS_SYNC_ENGINE (engine), NULL);

  return g_object_new (OMS_TYPE_SYNC_WINDOW, "engine", engine, NULL);
}

OmsSyncEngine *
oms_sync_window_get_engine (OmsSyncWindow *self)
{
  g_return_val_if_fail (OMS_IS_SYNC_WINDOW (self), NULL);

  return self->engine;
}

const char *
oms_sync_window_get_status_text (OmsSyncWindow *self)
{
  g_return_val_if_fail (OMS_IS_SYNC_WINDOW (self), NULL);

  return gtk_label_get_label (self->status_label);
}

const char *
oms_sync_window_get_last_success_text (OmsSyncWindow *self)
{
  g_return_val_if_fail (OMS_IS_SYNC_WINDOW (self), NULL);

  return gtk_label_get_label (self->last_success_label);
}

/**
 * oms_sync_window_get_error_text:
 *
 * Returns: (nullable): the error message shown, %NULL when the error area is hidden
 */
const char *
oms_sync_window_get_error_text (OmsSyncWindow *self)
{
  g_return_val_if_fail (OMS_IS_SYNC_WINDOW (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_box)))
    return NULL;

  return gtk_label_get_label (self->error_label);
}

gboolean
oms_sync_window_get_interrupted_shown (OmsSyncWindow *self)
{
  g_return_val_if_fail (OMS_IS_SYNC_WINDOW (self), FALSE);

  return gtk_widget_get_visible (GTK_WIDGET (self->interrupted_box));
}

gboolean
oms_sync_window_get_queue_notice_shown (OmsSyncWindow *self)
{
  g_return_val_if_fail (OMS_IS_SYNC_WINDOW (self), FALSE);

  return gtk_widget_get_visible (GTK_WIDGET (self->queue_notice));
}

GtkWidget *
oms_sync_window_get_sync_button (OmsSyncWindow *self)
{
  g_return_val_if_fail (OMS_IS_SYNC_WINDOW (self), NULL);

  return GTK_WIDGET (self->sync_button);
}

const char *
oms_sync_window_get_sync_button_text (OmsSyncWindow *self)
{
  GtkWidget *face;

  g_return_val_if_fail (OMS_IS_SYNC_WINDOW (self), NULL);

  /* The label of the face shown: alone, or after the spinner. */
  face = gtk_stack_get_visible_child (self->sync_button_stack);
  if (!GTK_IS_LABEL (face))
    face = gtk_widget_get_last_child (face);

  return gtk_label_get_label (GTK_LABEL (face));
}

GtkWidget *
oms_sync_window_get_stepper (OmsSyncWindow *self)
{
  g_return_val_if_fail (OMS_IS_SYNC_WINDOW (self), NULL);

  return GTK_WIDGET (oms_sync_progress_get_stepper (self->progress));
}

GtkWidget *
oms_sync_window_get_error_button (OmsSyncWindow *self)
{
  g_return_val_if_fail (OMS_IS_SYNC_WINDOW (self), NULL);

  return GTK_WIDGET (self->error_button);
}

GtkWidget *
oms_sync_window_get_history_list (OmsSyncWindow *self)
{
  g_return_val_if_fail (OMS_IS_SYNC_WINDOW (self), NULL);

  return GTK_WIDGET (self->history_list);
}

GtkWidget *
oms_sync_window_get_history_button (OmsSyncWindow *self)
{
  g_return_val_if_fail (OMS_IS_SYNC_WINDOW (self), NULL);

  return GTK_WIDGET (self->history_button);
}

/**
 * oms_sync_window_set_scheduler:
 * @scheduler: the scheduler whose network state the window shows
 */
void
oms_sync_window_set_scheduler (OmsSyncWindow *self,
                               OmsScheduler  *scheduler)
{
  g_return_if_fail (OMS_IS_SYNC_WINDOW (self));
  g_return_if_fail (OMS_IS_SCHEDULER (scheduler));

  if (!g_set_object (&self->scheduler, scheduler))
    return;

  g_signal_connect_object (scheduler, "notify::network-wait",
                           G_CALLBACK (oms_sync_window_update_network), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (scheduler, "notify::metered",
                           G_CALLBACK (oms_sync_window_update_network), self,
                           G_CONNECT_SWAPPED);
  oms_sync_window_update_network (self);
}

/**
 * oms_sync_window_get_network_notice:
 *
 * Returns: (nullable): the offline or metered notice, or %NULL when none is shown
 */
const char *
oms_sync_window_get_network_notice (OmsSyncWindow *self)
{
  g_return_val_if_fail (OMS_IS_SYNC_WINDOW (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->network_notice)))
    return NULL;

  return gtk_label_get_label (self->network_label);
}
