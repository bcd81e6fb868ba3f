/* oms-scheduler.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-scheduler"

#include "config.h"

#include "oms-scheduler.h"
#include "oms-sync-settings.h"

GType
oms_network_wait_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { OMS_NETWORK_WAIT_NONE, "OMS_NETWORK_WAIT_NONE", "none" },
        { OMS_NETWORK_WAIT_OFFLINE, "OMS_NETWORK_WAIT_OFFLINE", "offline" },
        { OMS_NETWORK_WAIT_METERED, "OMS_NETWORK_WAIT_METERED", "metered" },
        { 0, NULL, NULL },
      };

      g_once_init_leave (&type_id, g_enum_register_static ("OmsNetworkWait", values));
    }

  return type_id;
}

/* When syncs run (PROTOCOL.md §6): once at start-up when the site is configured, then every
 * interval measured from the end of the previous run, re-reading the interval each time. A
 * site that is not initialised yet syncs only when asked, so a failed initialisation is
 * retried by the person who started it. Asking during a run queues exactly one more run;
 * asking again while one is queued changes nothing.
 *
 * The network (issue 12). Timed runs, and the one at start-up, wait while the network monitor
 * says the central cannot be reached, or while the connection is metered unless syncs on
 * metered connections are allowed; the moment that ends, a run starts. "Sync now" always runs.
 * A central on this machine (the demo's, the tests') is reachable with no network at all:
 * when the network is down the monitor is asked whether it can reach the central's address,
 * and GLib's own monitor says yes for a loopback one.
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
  guint          held : 1;     /* a timed run waits for the network */
  guint          checking : 1; /* offline, asking the monitor whether the central is reachable */
  guint          metered : 1;
  guint          sync_on_metered : 1;

  GNetworkMonitor *monitor;
  GCancellable    *reach_cancellable; /* the check whether an offline central is reachable */
  OmsNetworkWait   network_wait;
};

G_DEFINE_FINAL_TYPE (OmsScheduler, oms_scheduler, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ENGINE,
  PROP_NEXT_RUN,
  PROP_NETWORK_MONITOR,
  PROP_NETWORK_WAIT,
  PROP_METERED,
  PROP_SYNC_ON_METERED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void start_run (OmsScheduler *self);
static void start_timed_run (OmsScheduler *self);

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
  start_timed_run (self);

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

  /* No timer while the network keeps runs waiting: the next one goes when it returns. */
  if (self->network_wait != OMS_NETWORK_WAIT_NONE)
    {
      self->held = TRUE;
      return;
    }

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
  self->held = FALSE;

  self->running = TRUE;
  oms_sync_engine_run_async (self->engine, self->cancellable, run_cb, g_object_ref (self));
}

/* A timed run, or the one at start-up: now, or when the network allows. */
static void
start_timed_run (OmsScheduler *self)
{
  if (self->network_wait != OMS_NETWORK_WAIT_NONE || self->checking)
    {
      g_debug ("Sync waits for the network");
      self->held = TRUE;
      return;
    }

  start_run (self);
}

static void
set_network_wait (OmsScheduler   *self,
                  OmsNetworkWait  wait)
{
  if (self->network_wait != wait)
    {
      self->network_wait = wait;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NETWORK_WAIT]);
    }

  if (!self->started)
    return;

  if (wait != OMS_NETWORK_WAIT_NONE)
    {
      /* The interval's run waits for the network to come back. */
      if (self->timer_id != 0)
        {
          g_clear_handle_id (&self->timer_id, g_source_remove);
          set_next_run (self, 0);
          self->held = TRUE;
        }
      return;
    }

  if (self->held && !self->checking)
    {
      g_debug ("The network allows syncing again");
      start_run (self);
    }
}

/* The legacy central's host and port, whose reachability decides when the network is down. */
static GSocketConnectable *
central_address (OmsScheduler *self)
{
  g_autofree char *url = NULL;
  g_autoptr(GUri) uri = NULL;
  int port;

  url = oms_store_kv_get_string (oms_sync_engine_get_store (self->engine), OMS_KV_SYNC_URL,
                                 NULL);
  if (url != NULL)
    uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return NULL;

  port = g_uri_get_port (uri);
  if (port <= 0)
    port = g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0 ? 443 : 80;

  return g_network_address_new (g_uri_get_host (uri), (guint16) port);
}

/* The check does not keep the scheduler alive: it may go while the monitor answers. */
static void
reach_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GWeakRef *weak = user_data;
  g_autoptr(OmsScheduler) self = g_weak_ref_get (weak);
  g_autoptr(GError) error = NULL;
  gboolean reachable;

  g_weak_ref_clear (weak);
  g_free (weak);

  reachable = g_network_monitor_can_reach_finish (G_NETWORK_MONITOR (object), result, &error);
  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_debug ("No network; the central is %sreachable", reachable ? "" : "not ");
  self->checking = FALSE;
  set_network_wait (self, reachable ? OMS_NETWORK_WAIT_NONE : OMS_NETWORK_WAIT_OFFLINE);
}

/* Reads the monitor again: what timed runs wait for now. */
static void
update_network (OmsScheduler *self)
{
  g_autoptr(GSocketConnectable) central = NULL;
  GWeakRef *weak;
  gboolean available;
  gboolean metered;

  g_cancellable_cancel (self->reach_cancellable);
  g_clear_object (&self->reach_cancellable);
  self->checking = FALSE;

  available = g_network_monitor_get_network_available (self->monitor) &&
              g_network_monitor_get_connectivity (self->monitor) != G_NETWORK_CONNECTIVITY_LOCAL;
  metered = available && g_network_monitor_get_network_metered (self->monitor);

  if (metered != self->metered)
    {
      self->metered = metered;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_METERED]);
    }

  if (available)
    {
      set_network_wait (self, metered && !self->sync_on_metered ? OMS_NETWORK_WAIT_METERED
                                                                : OMS_NETWORK_WAIT_NONE);
      return;
    }

  /* Offline, unless the monitor says the central is reachable all the same: until it answers,
   * timed runs wait and nothing is said, so a central on this computer shows no flicker.
   */
  central = central_address (self);
  if (central == NULL)
    {
      set_network_wait (self, OMS_NETWORK_WAIT_OFFLINE);
      return;
    }

  self->checking = TRUE;
  self->reach_cancellable = g_cancellable_new ();
  weak = g_new0 (GWeakRef, 1);
  g_weak_ref_init (weak, self);
  g_network_monitor_can_reach_async (self->monitor, central, self->reach_cancellable, reach_cb,
                                     weak);
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
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);
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

    case PROP_NETWORK_MONITOR:
      g_value_set_object (value, self->monitor);
      break;

    case PROP_NETWORK_WAIT:
      g_value_set_enum (value, self->network_wait);
      break;

    case PROP_METERED:
      g_value_set_boolean (value, self->metered);
      break;

    case PROP_SYNC_ON_METERED:
      g_value_set_boolean (value, self->sync_on_metered);
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

    case PROP_NETWORK_MONITOR:
      oms_scheduler_set_network_monitor (self, g_value_get_object (value));
      break;

    case PROP_SYNC_ON_METERED:
      oms_scheduler_set_sync_on_metered (self, g_value_get_boolean (value));
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

  /**
   * OmsScheduler:network-monitor:
   *
   * The monitor that says whether the network is up and metered; the system's when unset.
   */
  properties[PROP_NETWORK_MONITOR] =
    g_param_spec_object ("network-monitor", NULL, NULL, G_TYPE_NETWORK_MONITOR,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * OmsScheduler:network-wait:
   *
   * What timed runs wait for now: nothing, the network, or an unmetered connection.
   */
  properties[PROP_NETWORK_WAIT] =
    g_param_spec_enum ("network-wait", NULL, NULL, OMS_TYPE_NETWORK_WAIT, OMS_NETWORK_WAIT_NONE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * OmsScheduler:metered:
   *
   * Whether the connection is metered, whatever timed runs do about it.
   */
  properties[PROP_METERED] =
    g_param_spec_boolean ("metered", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * OmsScheduler:sync-on-metered:
   *
   * Whether timed runs go on a metered connection too.
   */
  properties[PROP_SYNC_ON_METERED] =
    g_param_spec_boolean ("sync-on-metered", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

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

  if (self->monitor == NULL)
    oms_scheduler_set_network_monitor (self, NULL);
  else
    update_network (self);

  if (oms_sync_engine_get_mode (self->engine) != OMS_SYNC_MODE_UNCONFIGURED)
    start_timed_run (self);
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
  self->held = FALSE;
  self->checking = FALSE;
  g_cancellable_cancel (self->reach_cancellable);
  g_clear_object (&self->reach_cancellable);
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
 * "Sync now": runs at once, or once more after the current run, whatever the network.
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

/**
 * oms_scheduler_set_network_monitor:
 * @monitor: (nullable): the monitor to follow, or %NULL for the system's
 *
 * Tests pass a monitor of their own.
 */
void
oms_scheduler_set_network_monitor (OmsScheduler    *self,
                                   GNetworkMonitor *monitor)
{
  g_return_if_fail (OMS_IS_SCHEDULER (self));
  g_return_if_fail (monitor == NULL || G_IS_NETWORK_MONITOR (monitor));

  if (monitor == NULL)
    monitor = g_network_monitor_get_default ();

  if (monitor != self->monitor)
    {
      static const char * const signals[] = {
        "network-changed", "notify::network-metered", "notify::connectivity",
      };

      if (self->monitor != NULL)
        g_signal_handlers_disconnect_by_data (self->monitor, self);
      g_set_object (&self->monitor, monitor);
      for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
        g_signal_connect_swapped (monitor, signals[i], G_CALLBACK (update_network), self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NETWORK_MONITOR]);
    }
  update_network (self);
}

OmsNetworkWait
oms_scheduler_get_network_wait (OmsScheduler *self)
{
  g_return_val_if_fail (OMS_IS_SCHEDULER (self), OMS_NETWORK_WAIT_NONE);

  return self->network_wait;
}

gboolean
oms_scheduler_get_metered (OmsScheduler *self)
{
  g_return_val_if_fail (OMS_IS_SCHEDULER (self), FALSE);

  return self->metered;
}

/**
 * oms_scheduler_set_sync_on_metered:
 *
 * Whether timed runs go on a metered connection; allowing it starts a run that waited.
 */
void
oms_scheduler_set_sync_on_metered (OmsScheduler *self,
                                   gboolean      sync_on_metered)
{
  g_return_if_fail (OMS_IS_SCHEDULER (self));

  sync_on_metered = !!sync_on_metered;
  if (self->sync_on_metered == (guint) sync_on_metered)
    return;

  self->sync_on_metered = sync_on_metered;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC_ON_METERED]);
  if (self->monitor != NULL)
    update_network (self);
}

gboolean
oms_scheduler_get_sync_on_metered (OmsScheduler *self)
{
  g_return_val_if_fail (OMS_IS_SCHEDULER (self), FALSE);

  return self->sync_on_metered;
}
