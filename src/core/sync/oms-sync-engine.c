/* oms-sync-engine.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-sync-engine"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "oms-http.h"
#include "oms-store-checkpoint.h"
#include "oms-store-private.h"
#include "oms-sync-engine-private.h"
#include "oms-sync-run-private.h"
#include "oms-sync-lock.h"
#include "oms-sync-settings.h"
#include "oms-v5-client.h"

/* OmsSyncEngine runs Open mSupply's sync (PROTOCOL.md §1) on the main loop, in the order of
 * the table in oms-sync-sequence.c: each step is a chain of libsoup requests whose callbacks
 * move it on, and only integration, the one long piece of SQLite work, runs in a thread. The
 * window and the command line are views of the engine: they read its properties and listen to
 * "run-changed"; nothing polls.
 *
 * The live run is an OmsSyncRun that is saved to sync_log at every change it shows, except
 * while the integrator holds its write transaction, when progress stays in memory.
 */

struct _OmsSyncEngine
{
  GObject             parent_instance;

  OmsStore           *store;
  OmsSyncRun         *latest_run;
  OmsSyncRun         *last_successful_run;
  OmsPushQueueCounts  push_queue;
  OmsSyncMode         mode;
  gboolean            has_v6;
  gboolean            is_syncing;
  gboolean            remote_syncing; /* the site's owner, another program, runs a sync */
  gboolean            is_settling;    /* the log of the last run is being checkpointed */
  int                 current_step;   /* an OmsSyncStep, or -1 */
  guint               refresh_idle_id;
  gulong              store_changed_id;
  gint64              last_progress_save;  /* monotonic µs */
  int                 error_variant;       /* OmsSyncErrorVariant of the latest run, or -1 */
  char               *error_detail;
  gint64              last_successful_sync; /* finish of the last successful run, or 0 */
  OmsHttpMonitor     *http_monitor;   /* told by the run's clients when a request waits */
  gboolean            waiting_for_server;

  OmsSyncTiming       timing;
};

G_DEFINE_FINAL_TYPE (OmsSyncEngine, oms_sync_engine, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE,
  PROP_IS_SYNCING,
  PROP_MODE,
  PROP_HAS_V6,
  PROP_CURRENT_STEP,
  PROP_PUSH_QUEUE_TOTAL,
  PROP_PUSH_QUEUE_V5,
  PROP_PUSH_QUEUE_V6,
  PROP_ERROR_VARIANT,
  PROP_ERROR_DETAIL,
  PROP_LAST_SUCCESSFUL_SYNC,
  PROP_IS_SETTLING,
  PROP_WAITING_FOR_SERVER,
  N_PROPS
};

enum {
  RUN_CHANGED,
  RUN_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

gint64
_oms_sync_now (void)
{
  return g_get_real_time ();
}

/*
 * Status
 */

static void
set_current_step (OmsSyncEngine *self,
                  int            step)
{
  if (self->current_step == step)
    return;

  self->current_step = step;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT_STEP]);
}

static void
update_push_queue (OmsSyncEngine *self)
{
  OmsPushQueueCounts counts = { 0 };
  g_autoptr(GError) error = NULL;

  if (!oms_push_queue_count (self->store, &counts, &error))
    {
      g_debug ("Could not count the push queue: %s", error->message);
      return;
    }

  g_object_freeze_notify (G_OBJECT (self));
  if (counts.total != self->push_queue.total)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PUSH_QUEUE_TOTAL]);
  if (counts.v5 != self->push_queue.v5)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PUSH_QUEUE_V5]);
  if (counts.v6 != self->push_queue.v6)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PUSH_QUEUE_V6]);
  self->push_queue = counts;
  g_object_thaw_notify (G_OBJECT (self));
}

static void
update_mode (OmsSyncEngine *self)
{
  g_autoptr(OmsSyncSettings) settings = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *central_url = NULL;
  OmsSyncMode mode;
  gboolean has_v6;

  settings = oms_sync_settings_load (self->store, &error);
  if (settings == NULL)
    mode = OMS_SYNC_MODE_UNCONFIGURED;
  else if (oms_sync_log_is_initialised (self->store, NULL))
    mode = OMS_SYNC_MODE_OPERATIONAL;
  else
    mode = OMS_SYNC_MODE_INITIALISING;

  central_url = oms_store_kv_get_string (self->store, OMS_KV_OMS_CENTRAL_URL, NULL);
  /* Until the legacy central has said otherwise, expect an Open mSupply central. */
  has_v6 = central_url == NULL || *central_url != '\0';

  if (mode != self->mode)
    {
      self->mode = mode;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
    }
  if (has_v6 != self->has_v6)
    {
      self->has_v6 = has_v6;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_V6]);
    }
}

static void
reload_runs (OmsSyncEngine *self)
{
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&self->latest_run, oms_sync_run_free);
  g_clear_pointer (&self->last_successful_run, oms_sync_run_free);
  self->latest_run = oms_sync_log_get_latest (self->store, &error);
  if (error == NULL)
    self->last_successful_run = oms_sync_log_get_last_successful (self->store, &error);
  if (error != NULL)
    g_debug ("Could not read the sync history: %s", error->message);
}

/* The error and last-success properties follow the runs; notify only real changes. */
static void
update_outcome (OmsSyncEngine *self)
{
  OmsSyncErrorVariant variant = OMS_SYNC_ERROR_VARIANT_UNKNOWN;
  const char *detail = NULL;
  int error_variant = -1;
  gint64 last_successful;

  if (oms_sync_engine_get_error (self, &variant, &detail) &&
      !(self->latest_run != NULL && self->latest_run->interrupted))
    error_variant = variant;
  else
    detail = NULL;

  last_successful = self->last_successful_run ? self->last_successful_run->finished : 0;

  if (error_variant != self->error_variant)
    {
      self->error_variant = error_variant;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_VARIANT]);
    }
  if (g_strcmp0 (detail, self->error_detail) != 0)
    {
      g_free (self->error_detail);
      self->error_detail = g_strdup (detail);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_DETAIL]);
    }
  if (last_successful != self->last_successful_sync)
    {
      self->last_successful_sync = last_successful;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SUCCESSFUL_SYNC]);
    }
}

static void settle (OmsSyncEngine *self);

/* Only a run waits for the server: a request that outlives its run (none should) is not shown. */
static void
update_waiting_for_server (OmsSyncEngine *self)
{
  gboolean waiting = self->is_syncing && oms_http_monitor_get_waiting (self->http_monitor);

  if (waiting == self->waiting_for_server)
    return;

  self->waiting_for_server = waiting;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WAITING_FOR_SERVER]);
}

/* The live run changed: save it (unless @save is FALSE) and tell the views. */
static void
run_changed (OmsSyncEngine *self,
             gboolean       save)
{
  if (save && self->latest_run != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!oms_sync_log_save (self->store, self->latest_run, &error))
        g_debug ("Could not save sync progress: %s", error->message);
    }

  update_outcome (self);
  g_signal_emit (self, signals[RUN_CHANGED], 0);
}

static gboolean
refresh_idle_cb (gpointer user_data)
{
  OmsSyncEngine *self = user_data;

  self->refresh_idle_id = 0;
  update_push_queue (self);
  update_mode (self);

  return G_SOURCE_REMOVE;
}

/* Local edits arrive in bursts (a phone uploads hundreds of logs); count once after them. */
static void
store_changed_cb (OmsStore      *store,
                  OmsSyncEngine *self)
{
  if (self->refresh_idle_id == 0)
    self->refresh_idle_id = g_idle_add_full (G_PRIORITY_LOW, refresh_idle_cb, self, NULL);
}

/*
 * GObject
 */

static void
oms_sync_engine_constructed (GObject *object)
{
  OmsSyncEngine *self = OMS_SYNC_ENGINE (object);
  g_autoptr(GError) error = NULL;
  int closed;
  int lock_fd;

  G_OBJECT_CLASS (oms_sync_engine_parent_class)->constructed (object);

  /* A run that was going when omsync last stopped must not show as syncing forever. Only
   * when no other program holds the sync lock: its run is not interrupted, just elsewhere.
   */
  lock_fd = oms_sync_lock_try (oms_store_get_data_dir (self->store), &error);
  if (lock_fd >= 0)
    {
      closed = oms_sync_log_close_interrupted (self->store, &error);
      if (closed < 0)
        g_debug ("Could not close interrupted runs: %s", error->message);
      else if (closed > 0)
        g_debug ("Closed %d interrupted sync run(s)", closed);
      oms_sync_lock_release (lock_fd);
    }

  reload_runs (self);
  update_outcome (self);
  update_mode (self);
  update_push_queue (self);

  self->store_changed_id = g_signal_connect (self->store, "changed",
                                             G_CALLBACK (store_changed_cb), self);
}

static void
oms_sync_engine_dispose (GObject *object)
{
  OmsSyncEngine *self = OMS_SYNC_ENGINE (object);

  g_clear_handle_id (&self->refresh_idle_id, g_source_remove);
  if (self->store != NULL)
    g_clear_signal_handler (&self->store_changed_id, self->store);
  if (self->http_monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->http_monitor, self);
  /* The checkpoint after the last run works on the data directory on its own connection; the
   * engine's owner may remove the directory (a test, the demo) or exit once the engine is gone.
   */
  if (self->is_settling && self->store != NULL)
    oms_store_checkpoint_wait (oms_store_get_data_dir (self->store));

  G_OBJECT_CLASS (oms_sync_engine_parent_class)->dispose (object);
}

static void
oms_sync_engine_finalize (GObject *object)
{
  OmsSyncEngine *self = OMS_SYNC_ENGINE (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->latest_run, oms_sync_run_free);
  g_clear_pointer (&self->last_successful_run, oms_sync_run_free);
  g_clear_pointer (&self->error_detail, g_free);
  g_clear_object (&self->http_monitor);

  G_OBJECT_CLASS (oms_sync_engine_parent_class)->finalize (object);
}

static void
oms_sync_engine_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  OmsSyncEngine *self = OMS_SYNC_ENGINE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_IS_SYNCING:
      g_value_set_boolean (value, self->is_syncing || self->remote_syncing);
      break;

    case PROP_MODE:
      g_value_set_int (value, self->mode);
      break;

    case PROP_HAS_V6:
      g_value_set_boolean (value, self->has_v6);
      break;

    case PROP_CURRENT_STEP:
      g_value_set_int (value, self->current_step);
      break;

    case PROP_PUSH_QUEUE_TOTAL:
      g_value_set_int64 (value, self->push_queue.total);
      break;

    case PROP_PUSH_QUEUE_V5:
      g_value_set_int64 (value, self->push_queue.v5);
      break;

    case PROP_PUSH_QUEUE_V6:
      g_value_set_int64 (value, self->push_queue.v6);
      break;

    case PROP_ERROR_VARIANT:
      g_value_set_int (value, self->error_variant);
      break;

    case PROP_ERROR_DETAIL:
      g_value_set_string (value, self->error_detail);
      break;

    case PROP_LAST_SUCCESSFUL_SYNC:
      g_value_set_int64 (value, self->last_successful_sync);
      break;

    case PROP_IS_SETTLING:
      g_value_set_boolean (value, self->is_settling);
      break;

    case PROP_WAITING_FOR_SERVER:
      g_value_set_boolean (value, self->waiting_for_server);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_sync_engine_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  OmsSyncEngine *self = OMS_SYNC_ENGINE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_sync_engine_class_init (OmsSyncEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = oms_sync_engine_constructed;
  object_class->dispose = oms_sync_engine_dispose;
  object_class->finalize = oms_sync_engine_finalize;
  object_class->get_property = oms_sync_engine_get_property;
  object_class->set_property = oms_sync_engine_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, OMS_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_IS_SYNCING] =
    g_param_spec_boolean ("is-syncing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * OmsSyncEngine:is-settling:
   *
   * Whether the database is still folding in what the last run wrote (a checkpoint after
   * the run). The run's data is already stored; this is housekeeping.
   */
  properties[PROP_IS_SETTLING] =
    g_param_spec_boolean ("is-settling", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODE] =
    g_param_spec_int ("mode", NULL, NULL,
                      OMS_SYNC_MODE_UNCONFIGURED, OMS_SYNC_MODE_OPERATIONAL,
                      OMS_SYNC_MODE_UNCONFIGURED,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HAS_V6] =
    g_param_spec_boolean ("has-v6", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CURRENT_STEP] =
    g_param_spec_int ("current-step", NULL, NULL, -1, OMS_SYNC_N_STEPS - 1, -1,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PUSH_QUEUE_TOTAL] =
    g_param_spec_int64 ("push-queue-total", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PUSH_QUEUE_V5] =
    g_param_spec_int64 ("push-queue-v5", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PUSH_QUEUE_V6] =
    g_param_spec_int64 ("push-queue-v6", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * OmsSyncEngine:error-variant:
   *
   * The OmsSyncErrorVariant the latest run failed with, or -1 when it did not fail (an
   * interrupted run is not an error). Its message and hint come from
   * oms_sync_error_variant_get_message() and oms_sync_error_variant_get_hint().
   */
  properties[PROP_ERROR_VARIANT] =
    g_param_spec_int ("error-variant", NULL, NULL, -1, OMS_SYNC_ERROR_VARIANT_INTEGRATION_ERROR,
                      -1, G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * OmsSyncEngine:error-detail:
   *
   * The technical detail of the latest run's error (Open mSupply's fullError), or %NULL.
   */
  properties[PROP_ERROR_DETAIL] =
    g_param_spec_string ("error-detail", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * OmsSyncEngine:last-successful-sync:
   *
   * When the last successful run finished, in UTC microseconds, or 0 when none has.
   */
  properties[PROP_LAST_SUCCESSFUL_SYNC] =
    g_param_spec_int64 ("last-successful-sync", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * OmsSyncEngine:waiting-for-server:
   *
   * Whether a request of the running step has had no byte from or to the central server for
   * %OMS_HTTP_WAITING_AFTER_SECONDS: the server is slow or has stopped answering. It turns
   * back to %FALSE when bytes flow again or the request ends.
   */
  properties[PROP_WAITING_FOR_SERVER] =
    g_param_spec_boolean ("waiting-for-server", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * OmsSyncEngine::run-changed:
   *
   * The latest run changed: a step started or finished, progress moved, or it ended.
   */
  signals[RUN_CHANGED] =
    g_signal_new ("run-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * OmsSyncEngine::run-finished:
   * @success: whether the run finished without error
   */
  signals[RUN_FINISHED] =
    g_signal_new ("run-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
}

static void
oms_sync_engine_init (OmsSyncEngine *self)
{
  self->current_step = -1;
  self->error_variant = -1;
  self->has_v6 = TRUE;
  self->timing.integration_poll_ms = 1000;
  self->timing.integration_timeout_ms = 30 * 1000;
  self->timing.initialisation_poll_ms = 15 * 1000;
  self->timing.initialisation_timeout_ms = 30 * 60 * 1000;

  self->http_monitor = oms_http_monitor_new ();
  g_signal_connect_swapped (self->http_monitor, "notify::waiting",
                            G_CALLBACK (update_waiting_for_server), self);
}

OmsSyncEngine *
oms_sync_engine_new (OmsStore *store)
{
  g_return_val_if_fail (OMS_IS_STORE (store), NULL);

  return g_object_new (OMS_TYPE_SYNC_ENGINE, "store", store, NULL);
}

void
oms_sync_engine_set_timing (OmsSyncEngine *self,
                            guint          integration_poll_ms,
                            guint          integration_timeout_ms,
                            guint          initialisation_poll_ms,
                            guint          initialisation_timeout_ms)
{
  g_return_if_fail (OMS_IS_SYNC_ENGINE (self));

  self->timing.integration_poll_ms = integration_poll_ms;
  self->timing.integration_timeout_ms = integration_timeout_ms;
  self->timing.initialisation_poll_ms = initialisation_poll_ms;
  self->timing.initialisation_timeout_ms = initialisation_timeout_ms;
}

OmsStore *
oms_sync_engine_get_store (OmsSyncEngine *self)
{
  g_return_val_if_fail (OMS_IS_SYNC_ENGINE (self), NULL);

  return self->store;
}

/**
 * oms_sync_engine_get_is_settling:
 *
 * Returns: whether the last run's writes are still being checkpointed (see
 *   #OmsSyncEngine:is-settling)
 */
gboolean
oms_sync_engine_get_is_settling (OmsSyncEngine *self)
{
  g_return_val_if_fail (OMS_IS_SYNC_ENGINE (self), FALSE);

  return self->is_settling;
}

/**
 * oms_sync_engine_get_waiting_for_server:
 *
 * Returns: the #OmsSyncEngine:waiting-for-server property
 */
gboolean
oms_sync_engine_get_waiting_for_server (OmsSyncEngine *self)
{
  g_return_val_if_fail (OMS_IS_SYNC_ENGINE (self), FALSE);

  return self->waiting_for_server;
}

gboolean
oms_sync_engine_get_is_syncing (OmsSyncEngine *self)
{
  g_return_val_if_fail (OMS_IS_SYNC_ENGINE (self), FALSE);

  return self->is_syncing || self->remote_syncing;
}

OmsSyncMode
oms_sync_engine_get_mode (OmsSyncEngine *self)
{
  g_return_val_if_fail (OMS_IS_SYNC_ENGINE (self), OMS_SYNC_MODE_UNCONFIGURED);

  return self->mode;
}

const char *
oms_sync_engine_mode_to_string (OmsSyncMode mode)
{
  switch (mode)
    {
    case OMS_SYNC_MODE_UNCONFIGURED:
      return "unconfigured";

    case OMS_SYNC_MODE_INITIALISING:
      return "initialising";

    case OMS_SYNC_MODE_OPERATIONAL:
      return "operational";

    default:
      g_return_val_if_reached (NULL);
    }
}

/* Whether this site syncs with an Open mSupply central, so the V6 steps exist. */
gboolean
oms_sync_engine_get_has_v6 (OmsSyncEngine *self)
{
  g_return_val_if_fail (OMS_IS_SYNC_ENGINE (self), FALSE);

  return self->has_v6;
}

int
oms_sync_engine_get_current_step (OmsSyncEngine *self)
{
  g_return_val_if_fail (OMS_IS_SYNC_ENGINE (self), -1);

  return self->current_step;
}

/**
 * oms_sync_engine_get_latest_run:
 *
 * Returns: (transfer none) (nullable): the newest run, live while it runs
 */
const OmsSyncRun *
oms_sync_engine_get_latest_run (OmsSyncEngine *self)
{
  g_return_val_if_fail (OMS_IS_SYNC_ENGINE (self), NULL);

  return self->latest_run;
}

/**
 * oms_sync_engine_get_last_successful_run:
 *
 * Returns: (transfer none) (nullable): the newest run that finished without error
 */
const OmsSyncRun *
oms_sync_engine_get_last_successful_run (OmsSyncEngine *self)
{
  g_return_val_if_fail (OMS_IS_SYNC_ENGINE (self), NULL);

  return self->last_successful_run;
}

/**
 * oms_sync_engine_get_error:
 * @variant: (out) (optional): the error's variant
 * @detail: (out) (optional) (transfer none): the technical detail
 *
 * Returns: whether the latest run ended in an error (an interrupted run counts as UNKNOWN)
 */
gboolean
oms_sync_engine_get_error (OmsSyncEngine        *self,
                           OmsSyncErrorVariant  *variant,
                           const char          **detail)
{
  const OmsSyncRun *run;

  g_return_val_if_fail (OMS_IS_SYNC_ENGINE (self), FALSE);

  run = self->latest_run;
  if (run == NULL || (run->error_message == NULL && run->error_code == NULL))
    return FALSE;

  if (variant != NULL)
    *variant = oms_sync_error_variant_from_error_code (run->error_code);
  if (detail != NULL)
    *detail = run->error_message;

  return TRUE;
}

void
oms_sync_engine_get_push_queue (OmsSyncEngine      *self,
                                OmsPushQueueCounts *counts)
{
  g_return_if_fail (OMS_IS_SYNC_ENGINE (self));

  *counts = self->push_queue;
}

/**
 * oms_sync_engine_get_bytes_received:
 *
 * Returns: how many bytes of answers the current (or last) run has read from the servers,
 *   decoded; read it with the progress, it is not notified
 */
gint64
oms_sync_engine_get_bytes_received (OmsSyncEngine *self)
{
  g_return_val_if_fail (OMS_IS_SYNC_ENGINE (self), 0);

  return oms_http_monitor_get_bytes_received (self->http_monitor);
}

/* The step another program's run is in: the last one started and not finished. */
static int
remote_current_step (OmsSyncEngine *self)
{
  int step = -1;

  if (self->latest_run == NULL || self->latest_run->finished != 0)
    return -1;

  for (int i = 0; i < OMS_SYNC_N_STEPS; i++)
    if (self->latest_run->steps[i].started != 0 && self->latest_run->steps[i].finished == 0)
      step = i;

  return step;
}

/* Re-reads what the store holds, e.g. after settings were saved elsewhere. */
void
oms_sync_engine_refresh (OmsSyncEngine *self)
{
  g_return_if_fail (OMS_IS_SYNC_ENGINE (self));

  if (!self->is_syncing)
    reload_runs (self);
  update_outcome (self);
  update_mode (self);
  update_push_queue (self);
  if (!self->is_syncing)
    set_current_step (self, self->remote_syncing ? remote_current_step (self) : -1);
  g_signal_emit (self, signals[RUN_CHANGED], 0);
}

/**
 * oms_sync_engine_set_remote_syncing:
 * @self: an #OmsSyncEngine
 * @remote_syncing: whether the site's owner is running a sync
 *
 * Another program that owns this site (see #OmsSiteOwner) is syncing, or has stopped: this
 * engine then shows that run, read from the store's sync log, as if it were its own, so a
 * window that only views the site shows the same progress. It never runs anything itself.
 */
void
oms_sync_engine_set_remote_syncing (OmsSyncEngine *self,
                                    gboolean       remote_syncing)
{
  g_return_if_fail (OMS_IS_SYNC_ENGINE (self));

  remote_syncing = !!remote_syncing;
  if (self->remote_syncing == remote_syncing)
    return;

  self->remote_syncing = remote_syncing;
  oms_sync_engine_refresh (self);
  if (!self->is_syncing)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_SYNCING]);
}

static void
run_data_free (gpointer user_data)
{
  OmsSyncRunData *data = user_data;

  g_clear_pointer (&data->api, oms_sync_api_settings_free);
  g_free (data->fetch_patient_id);
  g_clear_object (&data->v5);
  g_clear_object (&data->v6);
  g_clear_pointer (&data->site, oms_v5_site_info_free);
  g_clear_pointer (&data->sync_ids, g_ptr_array_unref);
  g_clear_handle_id (&data->timeout_id, g_source_remove);
  oms_sync_lock_release (data->lock_fd);
  g_clear_pointer (&data->pull_pipeline, _oms_sync_pull_pipeline_free);
  g_clear_pointer (&data->remote_batch, oms_v5_remote_batch_free);
  g_clear_pointer (&data->pull_batch, oms_batch_size_free);
  g_clear_object (&data->writer);
  g_free (data);
}

/*
 * One run: what the sequence and the step files share (oms-sync-run-private.h)
 */

OmsSyncEngine *
_oms_sync_task_engine (GTask *task)
{
  return g_task_get_source_object (task);
}

OmsSyncRunData *
_oms_sync_task_data (GTask *task)
{
  return g_task_get_task_data (task);
}

const OmsSyncTiming *
_oms_sync_task_timing (GTask *task)
{
  return &_oms_sync_task_engine (task)->timing;
}

/* Makes a client of the run stall after the store's idle timeout and report its waits. */
void
_oms_sync_run_set_up_v6 (GTask       *task,
                         OmsV6Client *client)
{
  OmsSyncEngine *self = _oms_sync_task_engine (task);

  oms_v6_client_set_idle_timeout (client, _oms_sync_task_data (task)->idle_timeout_seconds);
  oms_v6_client_set_monitor (client, self->http_monitor);
}

/* The run's data used so far (oms_http_session_get_bytes()): both APIs share the legacy
 * client's session, so its count is the run's.
 */
static void
note_wire_bytes (GTask *task)
{
  OmsSyncEngine *self = _oms_sync_task_engine (task);
  OmsSyncRunData *data = _oms_sync_task_data (task);
  guint64 down = 0;
  guint64 up = 0;

  if (data->v5 == NULL || self->latest_run == NULL)
    return;

  oms_http_session_get_bytes (oms_v5_client_get_session (data->v5), &down, &up);
  self->latest_run->bytes_down = (gint64) MIN (down, (guint64) G_MAXINT64);
  self->latest_run->bytes_up = (gint64) MIN (up, (guint64) G_MAXINT64);
}

/* Ends the run, whatever state it is in. Every run reaches this exactly once, through
 * _oms_sync_run_fail() or _oms_sync_run_succeed().
 */
static void
end_run (GTask  *task,
         GError *error)
{
  OmsSyncEngine *self = _oms_sync_task_engine (task);
  OmsSyncRun *run = self->latest_run;
  g_autoptr(GError) save_error = NULL;
  gboolean success = error == NULL;

  note_wire_bytes (task);
  if (error != NULL)
    {
      OmsSyncErrorVariant variant = oms_sync_error_get_variant (error);

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* Not an error to show: the run simply did not finish. */
          run->interrupted = TRUE;
          oms_sync_log_fail (self->store, run, _("The sync was cancelled before it finished."),
                             NULL, _oms_sync_now (), &save_error);
        }
      else
        {
          const OmsSyncErrorInfo *info = oms_sync_error_get_info (error);

          g_debug ("Sync failed: %s", error->message);
          g_free (run->error_info);
          run->error_info = info != NULL ? oms_sync_error_info_to_json (info) : NULL;
          oms_sync_log_fail (self->store, run, error->message,
                             oms_sync_error_variant_to_error_code (variant), _oms_sync_now (),
                             &save_error);
        }
    }
  else
    {
      oms_sync_log_finish (self->store, run, _oms_sync_now (), &save_error);
      g_clear_pointer (&self->last_successful_run, oms_sync_run_free);
      self->last_successful_run = oms_sync_run_copy (run);
    }

  if (save_error != NULL)
    g_debug ("Could not save the end of the sync: %s", save_error->message);

  oms_sync_lock_release (_oms_sync_task_data (task)->lock_fd);
  _oms_sync_task_data (task)->lock_fd = -1;
  settle (self);

  self->is_syncing = FALSE;
  set_current_step (self, -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_SYNCING]);
  update_waiting_for_server (self);
  update_mode (self);
  update_push_queue (self);
  run_changed (self, FALSE);
  oms_store_emit_changed (self->store);
  g_signal_emit (self, signals[RUN_FINISHED], 0, success);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);

  /* The run's callbacks borrow the task; this drops the reference the run was started with. */
  g_object_unref (task);
}

static void
settle_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GWeakRef *weak = user_data;
  g_autoptr(OmsSyncEngine) self = g_weak_ref_get (weak);
  g_autoptr(GError) error = NULL;

  g_weak_ref_clear (weak);
  g_free (weak);

  if (!oms_store_checkpoint_finish (result, &error))
    g_debug ("The checkpoint after the run did not finish: %s", error->message);

  if (self == NULL)
    return;

  /* A run started meanwhile keeps the main connection from checkpointing until it ends. */
  if (!self->is_syncing)
    oms_store_exec (self->store, "PRAGMA wal_autocheckpoint = 1000", NULL);

  self->is_settling = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_SETTLING]);
}

/* The run's writes are in the log; the main connection must not be the one to copy them into
 * the database on its next commit, so a worker does it now, and the main connection checkpoints
 * again when it is done. The worker does not keep the engine alive.
 */
static void
settle (OmsSyncEngine *self)
{
  GWeakRef *weak;

  if (self->is_settling)
    return;

  self->is_settling = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_SETTLING]);

  weak = g_new0 (GWeakRef, 1);
  g_weak_ref_init (weak, self);
  oms_store_checkpoint_async (oms_store_get_data_dir (self->store), NULL, settle_cb, weak);
}

void
_oms_sync_run_fail (GTask  *task,
                    GError *error)
{
  end_run (task, error);
}

void
_oms_sync_run_succeed (GTask *task)
{
  end_run (task, NULL);
}

/* The site info may have changed which steps exist (#OmsSyncEngine:has-v6). */
void
_oms_sync_run_update_mode (GTask *task)
{
  update_mode (_oms_sync_task_engine (task));
}

void
_oms_sync_run_start_step (GTask       *task,
                          OmsSyncStep  step)
{
  OmsSyncEngine *self = _oms_sync_task_engine (task);

  g_debug ("Step %s started", oms_sync_step_get_nick (step));
  oms_sync_run_start_step (self->latest_run, step, _oms_sync_now ());
  note_wire_bytes (task);
  set_current_step (self, step);
  run_changed (self, TRUE);
  /* Views that read the store (the sidebar's status line) follow the steps, not progress. */
  oms_store_emit_changed (self->store);
}

void
_oms_sync_run_finish_step (GTask       *task,
                           OmsSyncStep  step)
{
  OmsSyncEngine *self = _oms_sync_task_engine (task);

  g_debug ("Step %s finished", oms_sync_step_get_nick (step));
  oms_sync_run_finish_step (self->latest_run, step, _oms_sync_now ());
  note_wire_bytes (task);
  run_changed (self, TRUE);
  oms_store_emit_changed (self->store);
}

/* Progress is saved a few times a second at most: each save is a commit with an fsync on the
 * main loop, and a large pull reports progress thousands of times. Step boundaries and the
 * end of the run always save, so the row is never left behind.
 */
#define PROGRESS_SAVE_INTERVAL_US (G_USEC_PER_SEC / 4)

/* Progress belongs to the step being run; there is none once the run has ended. */
static gboolean
set_remaining (OmsSyncEngine *self,
               gint64         remaining)
{
  if (self->current_step < 0)
    return FALSE;

  oms_sync_run_set_remaining (self->latest_run, self->current_step, remaining);
  return TRUE;
}

void
_oms_sync_run_report_remaining (GTask  *task,
                                gint64  remaining)
{
  OmsSyncEngine *self = _oms_sync_task_engine (task);
  gint64 now = g_get_monotonic_time ();
  gboolean save = now - self->last_progress_save >= PROGRESS_SAVE_INTERVAL_US;

  if (!set_remaining (self, remaining))
    return;

  note_wire_bytes (task);
  if (save)
    self->last_progress_save = now;
  run_changed (self, save);
}

/* For progress while another connection holds the write transaction: memory only. */
void
_oms_sync_run_report_remaining_unsaved (GTask  *task,
                                        gint64  remaining)
{
  OmsSyncEngine *self = _oms_sync_task_engine (task);

  if (set_remaining (self, remaining))
    run_changed (self, FALSE);
}

/**
 * _oms_sync_run_add_batch_sizes:
 * @asked: (element-type guint): the batch sizes @step asked for, in order
 *
 * Adds them to the run's `batch_sizes` object under the step's nick; the next save of the run
 * (the step's end, or the run's) writes them.
 */
void
_oms_sync_run_add_batch_sizes (GTask        *task,
                               OmsSyncStep   step,
                               const GArray *asked)
{
  OmsSyncRun *run = _oms_sync_task_engine (task)->latest_run;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  JsonArray *array;

  if (run == NULL || asked->len == 0)
    return;

  if (run->batch_sizes != NULL &&
      json_parser_load_from_data (parser, run->batch_sizes, -1, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    root = json_node_copy (json_parser_get_root (parser));
  else
    {
      root = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (root, json_object_new ());
    }

  array = json_array_sized_new (asked->len);
  for (guint i = 0; i < asked->len; i++)
    json_array_add_int_element (array, g_array_index (asked, guint, i));
  json_object_set_array_member (json_node_get_object (root), oms_sync_step_get_nick (step),
                                array);

  json_generator_set_root (generator, root);
  g_free (run->batch_sizes);
  run->batch_sizes = json_generator_to_data (generator, NULL);
}

gboolean
_oms_sync_run_check_cancelled (GTask *task)
{
  GError *error = NULL;

  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
    {
      _oms_sync_run_step_done (task, error);
      return TRUE;
    }

  return FALSE;
}

/* Sleeps on the main loop, then calls @next. */
void
_oms_sync_run_wait_then (GTask       *task,
                         guint        ms,
                         GSourceFunc  next)
{
  OmsSyncRunData *data = _oms_sync_task_data (task);

  data->timeout_id = g_timeout_add (ms, next, task);
}

static void start_run (OmsSyncEngine *self,
                       GTask         *task,
                       const char    *fetch_patient_id);

/**
 * oms_sync_engine_run_async:
 *
 * Runs one sync. Fails at once with %G_IO_ERROR_PENDING when a run is already going, and
 * with %G_IO_ERROR_NOT_INITIALIZED when the site has no sync settings.
 */
void
oms_sync_engine_run_async (OmsSyncEngine       *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (OMS_IS_SYNC_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, oms_sync_engine_run_async);
  start_run (self, g_steal_pointer (&task), NULL);
}

/**
 * oms_sync_engine_run_for_patient_async:
 * @fetch_patient_id: the patient (a name id) whose records to fetch
 *
 * Runs one sync whose Pull V6 step fetches one patient's records from the Open mSupply
 * central (`patient-pull`, PROTOCOL.md §3.3) instead of the site's changes, as Open mSupply's
 * `manualSync(fetchPatientId)` does; the v6 pull cursor is left as it was. Refused, like
 * there, before the site is initialised. Finish with oms_sync_engine_run_finish().
 */
void
oms_sync_engine_run_for_patient_async (OmsSyncEngine       *self,
                                       const char          *fetch_patient_id,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (OMS_IS_SYNC_ENGINE (self));
  g_return_if_fail (fetch_patient_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, oms_sync_engine_run_async);

  if (self->mode != OMS_SYNC_MODE_OPERATIONAL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                               _("A patient can be fetched only once this site is "
                                 "initialised: run a sync first."));
      return;
    }

  start_run (self, g_steal_pointer (&task), fetch_patient_id);
}

/* Takes over @task. */
static void
start_run (OmsSyncEngine *self,
           GTask         *task_in,
           const char    *fetch_patient_id)
{
  g_autoptr(GTask) task = task_in;
  g_autoptr(OmsSyncSettings) settings = NULL;
  OmsSyncRunData *data;
  GError *error = NULL;

  /* Cursors are read and written outside one transaction: runs must never overlap. */
  if (self->is_syncing)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               _("A sync is already running."));
      return;
    }

  settings = oms_sync_settings_load (self->store, &error);
  if (settings == NULL)
    {
      if (error == NULL)
        error = g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                             _("This site is not configured yet: set the central server URL, "
                               "site name and password in Synchronisation settings."));
      g_task_return_error (task, error);
      return;
    }

  data = g_new0 (OmsSyncRunData, 1);
  data->lock_fd = -1;
  data->fetch_patient_id = g_strdup (fetch_patient_id);
  oms_sync_settings_load_batch_sizes (self->store, &data->batch_sizes);
  if (oms_http_open_msupply_transport ())
    {
      /* The comparison of bench/run-slow-line: Open mSupply's fixed sizes, whatever is set. */
      data->batch_sizes.central_pull = OMS_SYNC_BATCH_CENTRAL_PULL;
      data->batch_sizes.remote_pull = OMS_SYNC_BATCH_REMOTE_PULL;
      data->batch_sizes.remote_push = OMS_SYNC_BATCH_REMOTE_PUSH;
      data->batch_sizes.v6_pull = OMS_SYNC_BATCH_CENTRAL_PULL;
      /* ...and no growth: Open mSupply's batches do not adapt. */
      data->batch_sizes.max_records = OMS_SYNC_BATCH_CENTRAL_PULL;
      /* ...and its last request of each v5 pull, whose answer is empty. */
      data->ask_until_empty = TRUE;
    }
  data->idle_timeout_seconds = oms_sync_settings_load_idle_timeout (self->store);
  g_task_set_task_data (task, data, run_data_free);

  data->lock_fd = oms_sync_lock_try (oms_store_get_data_dir (self->store), &error);
  if (data->lock_fd < 0)
    {
      g_task_return_error (task, error);
      return;
    }

  /* The run's writer and integrator connections checkpoint the WAL in their threads; this
   * connection must not do it on the main loop in the middle of a large pull.
   */
  oms_store_exec (self->store, "PRAGMA wal_autocheckpoint = 0", NULL);

  /* Step 0: the run's row, before anything can fail. */
  g_clear_pointer (&self->latest_run, oms_sync_run_free);
  self->latest_run = oms_sync_log_start_run (self->store, _oms_sync_now (), &error);
  if (self->latest_run == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  oms_http_monitor_reset_bytes_received (self->http_monitor);
  self->is_syncing = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_SYNCING]);
  run_changed (self, FALSE);

  /* Step 1: a disabled site "succeeds" with an empty run, as in Open mSupply. */
  if (oms_store_kv_get_bool (self->store, OMS_KV_SYNC_IS_DISABLED, FALSE, NULL))
    {
      end_run (g_steal_pointer (&task), NULL);
      return;
    }

  data->api = oms_sync_settings_to_api (settings, &error);
  if (data->api != NULL)
    data->v5 = oms_v5_client_new (data->api, &error);
  if (data->v5 != NULL)
    {
      oms_v5_client_set_idle_timeout (data->v5, data->idle_timeout_seconds);
      oms_v5_client_set_monitor (data->v5, self->http_monitor);
      data->writer = oms_store_open (oms_store_get_data_dir (self->store), &error);
    }
  if (data->writer == NULL)
    {
      end_run (g_steal_pointer (&task), error);
      return;
    }

  _oms_sync_sequence_start (g_steal_pointer (&task));
}

gboolean
oms_sync_engine_run_finish (OmsSyncEngine  *self,
                            GAsyncResult   *result,
                            GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
