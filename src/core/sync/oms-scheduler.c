/* oms-scheduler.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-scheduler"

#include "config.h"

#include "oms-scheduler.h"
#include "oms-sync-settings.h"

/* When syncs run (PROTOCOL.md §6): once at start-up when the site is configured, then every
 * interval measured from the end of the previous run, re-reading the interval each time. A
 * site that is not initialised yet syncs only when asked, so a failed initialisation is
 * retried by the person who started it. Asking during a run queues exactly one more run;
 * asking again while one is queued changes nothing.
 */

struct _OmsScheduler
{
  GObject        parent_instance;

  OmsSyncEngine *engine;
  GCancellable  *cancellable;
  gulong         run_finished_id;
  guint          timer_id;
  gint64         next_run;     /* UTC µs of the next timed run, 0 when none */
  guint          started : 1;
  guint          running : 1;  /* a run this scheduler started */
  guint          queued : 1;
};

G_DEFINE_FINAL_TYPE (OmsScheduler, oms_scheduler, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ENGINE,
  PROP_NEXT_RUN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void start_run (OmsScheduler *self);

static void
set_next_run (OmsScheduler *self,
              gint64        next_run)
{
  if (self->next_run == next_run)
    return;

  self->next_run = next_run;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEXT_RUN]);
}

static gboolean
timer_cb (gpointer user_data)
{
  OmsScheduler *self = user_data;

  self->timer_id = 0;
  set_next_run (self, 0);
  start_run (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_next (OmsScheduler *self)
{
  gint64 interval;

  g_clear_handle_id (&self->timer_id, g_source_remove);
  set_next_run (self, 0);

  if (!self->started || oms_sync_engine_get_mode (self->engine) != OMS_SYNC_MODE_OPERATIONAL)
    return;

  interval = oms_store_kv_get_bigint (oms_sync_engine_get_store (self->engine),
                                      OMS_KV_SYNC_INTERVAL_SECONDS,
                                      OMS_SYNC_DEFAULT_INTERVAL_SECONDS, NULL);
  interval = CLAMP (interval, 1, G_MAXUINT / 1000);

  g_debug ("Next sync in %" G_GINT64_FORMAT " s", interval);
  self->timer_id = g_timeout_add_seconds ((guint) interval, timer_cb, self);
  set_next_run (self, g_get_real_time () + interval * G_USEC_PER_SEC);
}

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(OmsScheduler) self = user_data;
  g_autoptr(GError) error = NULL;

  self->running = FALSE;

  /* The engine has logged and published the outcome; here it only decides what follows. */
  if (!oms_sync_engine_run_finish (OMS_SYNC_ENGINE (object), result, &error))
    g_debug ("Scheduled sync ended with: %s", error->message);

  /* A queued "Sync now" runs even when timed runs are off; stop() clears the queue. */
  if (self->queued)
    {
      self->queued = FALSE;
      start_run (self);
      return;
    }

  schedule_next (self);
}

static void
start_run (OmsScheduler *self)
{
  if (self->running || oms_sync_engine_get_is_syncing (self->engine))
    {
      /* Someone else's run (the command line, a test) is going: follow it with one more. */
      self->queued = TRUE;
      return;
    }

  g_clear_handle_id (&self->timer_id, g_source_remove);
  set_next_run (self, 0);

  self->running = TRUE;
  oms_sync_engine_run_async (self->engine, self->cancellable, run_cb, g_object_ref (self));
}

/* A run started elsewhere also restarts the interval from its end. */
static void
run_finished_cb (OmsSyncEngine *engine,
                 gboolean       success,
                 OmsScheduler  *self)
{
  if (self->running || !self->started)
    return;

  if (self->queued)
    {
      self->queued = FALSE;
      start_run (self);
      return;
    }

  schedule_next (self);
}

static void
oms_scheduler_dispose (GObject *object)
{
  OmsScheduler *self = OMS_SCHEDULER (object);

  oms_scheduler_stop (self);
  if (self->engine != NULL)
    g_clear_signal_handler (&self->run_finished_id, self->engine);

  G_OBJECT_CLASS (oms_scheduler_parent_class)->dispose (object);
}

static void
oms_scheduler_finalize (GObject *object)
{
  OmsScheduler *self = OMS_SCHEDULER (object);

  g_clear_object (&self->engine);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (oms_scheduler_parent_class)->finalize (object);
}

static void
oms_scheduler_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  OmsScheduler *self = OMS_SCHEDULER (object);

  switch (prop_id)
    {
    case PROP_ENGINE:
      g_value_set_object (value, self->engine);
      break;

    case PROP_NEXT_RUN:
      g_value_set_int64 (value, self->next_run);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_scheduler_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  OmsScheduler *self = OMS_SCHEDULER (object);

  switch (prop_id)
    {
    case PROP_ENGINE:
      self->engine = g_value_dup_object (value);
      self->run_finished_id = g_signal_connect (self->engine, "run-finished",
                                                G_CALLBACK (run_finished_cb), self);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_scheduler_class_init (OmsSchedulerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = oms_scheduler_dispose;
  object_class->finalize = oms_scheduler_finalize;
  object_class->get_property = oms_scheduler_get_property;
  object_class->set_property = oms_scheduler_set_property;

  properties[PROP_ENGINE] =
    g_param_spec_object ("engine", NULL, NULL, OMS_TYPE_SYNC_ENGINE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * OmsScheduler:next-run:
   *
   * When the next timed run starts, in UTC microseconds, or 0 when none is scheduled.
   */
  properties[PROP_NEXT_RUN] =
    g_param_spec_int64 ("next-run", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
oms_scheduler_init (OmsScheduler *self)
{
}

OmsScheduler *
oms_scheduler_new (OmsSyncEngine *engine)
{
  g_return_val_if_fail (OMS_IS_SYNC_ENGINE (engine), NULL);

  return g_object_new (OMS_TYPE_SCHEDULER, "engine", engine, NULL);
}

OmsSyncEngine *
oms_scheduler_get_engine (OmsScheduler *self)
{
  g_return_val_if_fail (OMS_IS_SCHEDULER (self), NULL);

  return self->engine;
}

/**
 * oms_scheduler_start:
 *
 * Starts scheduling: a run now when the site is configured, then one every interval.
 */
void
oms_scheduler_start (OmsScheduler *self)
{
  g_return_if_fail (OMS_IS_SCHEDULER (self));

  if (self->started)
    return;

  self->started = TRUE;
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  if (oms_sync_engine_get_mode (self->engine) != OMS_SYNC_MODE_UNCONFIGURED)
    start_run (self);
}

/**
 * oms_scheduler_stop:
 *
 * Stops scheduling and cancels a run this scheduler started; the engine closes it as
 * interrupted, and nothing it had stored is lost.
 */
void
oms_scheduler_stop (OmsScheduler *self)
{
  g_return_if_fail (OMS_IS_SCHEDULER (self));

  self->started = FALSE;
  self->queued = FALSE;
  g_clear_handle_id (&self->timer_id, g_source_remove);
  set_next_run (self, 0);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

/**
 * oms_scheduler_cancel:
 *
 * Cancels the run this scheduler started, if one is going, and forgets a queued one; the
 * engine closes it as interrupted once the work under way is done, so what is stored is a
 * whole prefix and the next run goes on from the cursors. Scheduling goes on.
 *
 * Returns: %TRUE if a run was cancelled
 */
gboolean
oms_scheduler_cancel (OmsScheduler *self)
{
  gboolean cancelled = FALSE;

  g_return_val_if_fail (OMS_IS_SCHEDULER (self), FALSE);

  self->queued = FALSE;
  if (self->running && self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      cancelled = TRUE;
    }

  /* The next run gets a cancellable of its own. */
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  return cancelled;
}

/**
 * oms_scheduler_trigger:
 *
 * "Sync now": runs at once, or once more after the current run.
 *
 * Returns: %FALSE when the site is not configured, or a run is already queued
 */
gboolean
oms_scheduler_trigger (OmsScheduler *self)
{
  g_return_val_if_fail (OMS_IS_SCHEDULER (self), FALSE);

  if (oms_sync_engine_get_mode (self->engine) == OMS_SYNC_MODE_UNCONFIGURED)
    return FALSE;

  if (self->running || oms_sync_engine_get_is_syncing (self->engine))
    {
      if (self->queued)
        return FALSE;
      self->queued = TRUE;
      return TRUE;
    }

  if (self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable))
    {
      g_clear_object (&self->cancellable);
      self->cancellable = g_cancellable_new ();
    }

  start_run (self);
  return TRUE;
}

gint64
oms_scheduler_get_next_run (OmsScheduler *self)
{
  g_return_val_if_fail (OMS_IS_SCHEDULER (self), 0);

  return self->next_run;
}
