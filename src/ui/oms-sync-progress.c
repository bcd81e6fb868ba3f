/* oms-sync-progress.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-sync-progress"

#include "config.h"

#include <glib/gi18n.h>

#include "oms-locale.h"
#include "oms-sync-estimate.h"
#include "oms-sync-progress.h"

/* The progress of a sync as the sync window and the welcome page show it (UI.md §2.2, issue
 * 13): the stepper, and under it a line for the running step — records done of how many,
 * bytes received, and the time left once the rate is steady. It reads the engine's
 * properties and redraws on its signals, at most once a frame, and once a second while a
 * sync runs (the bytes and the time left move between progress reports).
 */

struct _OmsSyncProgress
{
  GtkWidget        parent_instance;

  OmsStepper      *stepper;
  GtkLabel        *detail_label;

  OmsSyncEngine   *engine;
  OmsSyncEstimate  estimate;
  guint            update_tick_id;
  guint            timer_id;
};

G_DEFINE_FINAL_TYPE (OmsSyncProgress, oms_sync_progress, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_ENGINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * oms_sync_progress_format_time_left:
 * @seconds: seconds left, at least 0
 *
 * Returns: (transfer full): "about 5 minutes left" and the like: rounded, as an estimate is
 */
char *
oms_sync_progress_format_time_left (gint64 seconds)
{
  if (seconds < 60)
    return g_strdup (_("less than a minute left"));

  if (seconds < 90 * 60)
    {
      gint64 minutes = (seconds + 30) / 60;

      /* Translators: the time a running sync still needs, e.g. “about 3 minutes left”. */
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "about %d minute left",
                                           "about %d minutes left", (gulong) minutes),
                              (int) minutes);
    }

  {
    gint64 hours = (seconds + 1800) / 3600;

    /* Translators: the time a running sync still needs, e.g. “about 2 hours left”. */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "about %d hour left",
                                         "about %d hours left", (gulong) hours),
                            (int) MIN (hours, G_MAXINT));
  }
}

/* "Pull central: 1200 of 50000 records · 3.1 MB received · about 4 minutes left" */
static char *
format_detail (OmsSyncProgress  *self,
               const OmsSyncRun *run,
               int               step)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  const OmsSyncStepProgress *progress = &run->steps[step];
  gint64 bytes = oms_sync_engine_get_bytes_received (self->engine);
  gint64 seconds_left;
  g_autofree char *joined = NULL;

  if (oms_sync_step_has_progress (step) && progress->has_total && progress->total > 0)
    {
      g_autofree char *done = oms_locale_format_count (progress->done);
      g_autofree char *total = oms_locale_format_count (progress->total);

      g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            /* Translators: records done of how
                                                             * many in the running step: “1,200
                                                             * of 50,000 records”. */
                                                            "%s of %s record",
                                                            "%s of %s records",
                                                            (gulong) progress->total),
                                               done, total));
    }

  if (bytes > 0)
    {
      g_autofree char *size = g_format_size ((guint64) bytes);

      /* Translators: %s is a size such as "3.1 MB": what came from the servers so far */
      g_ptr_array_add (parts, g_strdup_printf (_("%s received"), size));
    }

  seconds_left = oms_sync_estimate_get_seconds_left (&self->estimate);
  if (seconds_left >= 0)
    g_ptr_array_add (parts, oms_sync_progress_format_time_left (seconds_left));

  g_ptr_array_add (parts, NULL);
  joined = g_strjoinv (" · ", (char **) parts->pdata);

  if (*joined == '\0')
    return g_strdup (oms_sync_step_get_label (step));

  /* Translators: the running step, then what it has done: "Pull central: 1200 of 50000…" */
  return g_strdup_printf (_("%s: %s"), oms_sync_step_get_label (step), joined);
}

/**
 * oms_sync_progress_update:
 *
 * Redraws from the engine now (the signals do it once a frame).
 */
void
oms_sync_progress_update (OmsSyncProgress *self)
{
  const OmsSyncRun *latest = NULL;
  OmsSyncMode mode = OMS_SYNC_MODE_UNCONFIGURED;
  gboolean has_v6 = TRUE;
  gboolean is_syncing = FALSE;
  gboolean waiting = FALSE;
  int step = -1;
  g_autofree char *detail = NULL;

  g_return_if_fail (OMS_IS_SYNC_PROGRESS (self));

  if (self->engine != NULL)
    {
      latest = oms_sync_engine_get_latest_run (self->engine);
      mode = oms_sync_engine_get_mode (self->engine);
      has_v6 = oms_sync_engine_get_has_v6 (self->engine);
      is_syncing = oms_sync_engine_get_is_syncing (self->engine);
      waiting = oms_sync_engine_get_waiting_for_server (self->engine);
      step = oms_sync_engine_get_current_step (self->engine);
    }

  oms_stepper_set_run (self->stepper, latest, mode, has_v6, is_syncing);
  oms_stepper_set_waiting (self->stepper, waiting);

  if (is_syncing && latest != NULL && step >= 0 && step < OMS_SYNC_N_STEPS)
    {
      const OmsSyncStepProgress *progress = &latest->steps[step];

      oms_sync_estimate_update (&self->estimate, step, progress->done,
                                progress->has_total ? progress->total : 0,
                                g_get_monotonic_time ());
      detail = format_detail (self, latest, step);
    }
  else
    {
      oms_sync_estimate_reset (&self->estimate);
    }

  /* Nothing stale: the line goes as soon as the run ends, however it ends. */
  gtk_label_set_label (self->detail_label, detail != NULL ? detail : "");
  gtk_widget_set_visible (GTK_WIDGET (self->detail_label), detail != NULL);
}

static gboolean
update_tick_cb (GtkWidget     *widget,
                GdkFrameClock *frame_clock,
                gpointer       user_data)
{
  OmsSyncProgress *self = OMS_SYNC_PROGRESS (widget);

  self->update_tick_id = 0;
  oms_sync_progress_update (self);

  return G_SOURCE_REMOVE;
}

static gboolean
timer_cb (gpointer user_data)
{
  oms_sync_progress_update (OMS_SYNC_PROGRESS (user_data));

  return G_SOURCE_CONTINUE;
}

/* Coalesces engine signals: one redraw per frame however often progress moves. Unmapped,
 * there is no frame to wait for.
 */
static void
oms_sync_progress_queue_update (OmsSyncProgress *self)
{
  gboolean is_syncing = self->engine != NULL && oms_sync_engine_get_is_syncing (self->engine);

  if (is_syncing && self->timer_id == 0)
    self->timer_id = g_timeout_add_seconds (1, timer_cb, self);
  else if (!is_syncing)
    g_clear_handle_id (&self->timer_id, g_source_remove);

  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    oms_sync_progress_update (self);
  else if (self->update_tick_id == 0)
    self->update_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), update_tick_cb,
                                                         NULL, NULL);
}

void
oms_sync_progress_set_engine (OmsSyncProgress *self,
                              OmsSyncEngine   *engine)
{
  static const char *notifies[] = {
    "notify::is-syncing", "notify::mode", "notify::has-v6", "notify::current-step",
    "notify::waiting-for-server", "run-changed",
  };

  g_return_if_fail (OMS_IS_SYNC_PROGRESS (self));
  g_return_if_fail (engine == NULL || OMS_IS_SYNC_ENGINE (engine));

  if (self->engine == engine)
    return;

  if (self->engine != NULL)
    g_signal_handlers_disconnect_by_data (self->engine, self);
  g_set_object (&self->engine, engine);
  oms_sync_estimate_reset (&self->estimate);

  for (guint i = 0; engine != NULL && i < G_N_ELEMENTS (notifies); i++)
    g_signal_connect_object (engine, notifies[i], G_CALLBACK (oms_sync_progress_queue_update),
                             self, G_CONNECT_SWAPPED);

  oms_sync_progress_queue_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENGINE]);
}

OmsSyncEngine *
oms_sync_progress_get_engine (OmsSyncProgress *self)
{
  g_return_val_if_fail (OMS_IS_SYNC_PROGRESS (self), NULL);

  return self->engine;
}

OmsStepper *
oms_sync_progress_get_stepper (OmsSyncProgress *self)
{
  g_return_val_if_fail (OMS_IS_SYNC_PROGRESS (self), NULL);

  return self->stepper;
}

/**
 * oms_sync_progress_get_detail:
 *
 * Returns: (nullable): the line under the stepper while a step runs, else %NULL
 */
const char *
oms_sync_progress_get_detail (OmsSyncProgress *self)
{
  g_return_val_if_fail (OMS_IS_SYNC_PROGRESS (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->detail_label)))
    return NULL;

  return gtk_label_get_label (self->detail_label);
}

static void
oms_sync_progress_dispose (GObject *object)
{
  OmsSyncProgress *self = OMS_SYNC_PROGRESS (object);
  GtkWidget *child;

  if (self->update_tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->update_tick_id);
      self->update_tick_id = 0;
    }
  g_clear_handle_id (&self->timer_id, g_source_remove);
  if (self->engine != NULL)
    g_signal_handlers_disconnect_by_data (self->engine, self);
  g_clear_object (&self->engine);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (oms_sync_progress_parent_class)->dispose (object);
}

static void
oms_sync_progress_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  OmsSyncProgress *self = OMS_SYNC_PROGRESS (object);

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
oms_sync_progress_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  OmsSyncProgress *self = OMS_SYNC_PROGRESS (object);

  switch (prop_id)
    {
    case PROP_ENGINE:
      oms_sync_progress_set_engine (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_sync_progress_class_init (OmsSyncProgressClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = oms_sync_progress_dispose;
  object_class->get_property = oms_sync_progress_get_property;
  object_class->set_property = oms_sync_progress_set_property;

  /**
   * OmsSyncProgress:engine:
   *
   * The engine whose runs it shows.
   */
  properties[PROP_ENGINE] =
    g_param_spec_object ("engine", NULL, NULL, OMS_TYPE_SYNC_ENGINE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "syncprogress");
}

static void
oms_sync_progress_init (OmsSyncProgress *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 12);

  oms_sync_estimate_reset (&self->estimate);

  self->stepper = OMS_STEPPER (oms_stepper_new ());
  gtk_widget_set_parent (GTK_WIDGET (self->stepper), GTK_WIDGET (self));

  self->detail_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->detail_label, TRUE);
  gtk_label_set_justify (self->detail_label, GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (GTK_WIDGET (self->detail_label), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->detail_label), "numeric");
  gtk_widget_set_visible (GTK_WIDGET (self->detail_label), FALSE);
  gtk_widget_set_parent (GTK_WIDGET (self->detail_label), GTK_WIDGET (self));

  oms_sync_progress_update (self);
}

GtkWidget *
oms_sync_progress_new (void)
{
  return g_object_new (OMS_TYPE_SYNC_PROGRESS, NULL);
}
