/* test-scheduler.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "oms-central-server.h"
#include "oms-scheduler.h"
#include "oms-sync-buffer.h"
#include "oms-sync-engine-private.h"
#include "oms-sync-settings.h"
#include "oms-test-central.h"
#include "oms-test-network-monitor.h"
#include "oms-test-util.h"

typedef struct
{
  char             *central_dir;
  char             *data_dir;
  OmsCentralServer *central;
  OmsStore         *store;
  OmsSyncEngine    *engine;
  OmsScheduler     *scheduler;
  OmsTestNetworkMonitor *network;
  int               n_started;
  int               n_finished;
  int               n_succeeded;
} Fixture;

/* The central runs on this thread's main context: every wait keeps it turning. */
static gboolean
spin_until_finished (Fixture *fixture,
                     int      n_finished,
                     guint    timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (fixture->n_finished < n_finished && g_get_monotonic_time () < end)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }

  return fixture->n_finished >= n_finished;
}

static void
is_syncing_cb (OmsSyncEngine *engine,
               GParamSpec    *pspec,
               Fixture       *fixture)
{
  if (oms_sync_engine_get_is_syncing (engine))
    fixture->n_started++;
}

static void
run_finished_cb (OmsSyncEngine *engine,
                 gboolean       success,
                 Fixture       *fixture)
{
  fixture->n_finished++;
  if (success)
    fixture->n_succeeded++;
}

static void
save_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (oms_sync_settings_save_finish (OMS_STORE (object), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
configure (Fixture *fixture,
           gint64   interval_seconds)
{
  gboolean done = FALSE;

  oms_sync_settings_save_async (fixture->store, oms_central_server_get_base_url (fixture->central),
                                "demo", "pass", interval_seconds, NULL, save_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  oms_sync_engine_refresh (fixture->engine);
}

static void
open_site (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->store = oms_store_open (fixture->data_dir, &error);
  g_assert_no_error (error);
  fixture->engine = oms_sync_engine_new (fixture->store);
  oms_sync_engine_set_timing (fixture->engine, 20, 3000, 20, 3000);
  g_signal_connect (fixture->engine, "notify::is-syncing", G_CALLBACK (is_syncing_cb), fixture);
  g_signal_connect (fixture->engine, "run-finished", G_CALLBACK (run_finished_cb), fixture);
  fixture->scheduler = oms_scheduler_new (fixture->engine);
  oms_scheduler_set_network_monitor (fixture->scheduler, G_NETWORK_MONITOR (fixture->network));
}

static void
close_site (Fixture *fixture)
{
  g_assert_finalize_object (g_steal_pointer (&fixture->scheduler));
  g_assert_finalize_object (g_steal_pointer (&fixture->engine));
  g_assert_finalize_object (g_steal_pointer (&fixture->store));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_setenv ("OMSYNC_HARDWARE_ID", "test-machine-1", TRUE);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  fixture->central_dir = oms_test_make_tmp_dir ("oms-central-XXXXXX");
  fixture->data_dir = oms_test_make_tmp_dir ("oms-site-XXXXXX");
  fixture->central = oms_test_central_new_demo (fixture->central_dir);
  fixture->network = oms_test_network_monitor_new ();

  open_site (fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  close_site (fixture);
  g_assert_finalize_object (fixture->network);
  g_assert_finalize_object (fixture->central);
  oms_test_remove_dir (fixture->central_dir);
  oms_test_remove_dir (fixture->data_dir);
  g_free (fixture->central_dir);
  g_free (fixture->data_dir);
}

static void
test_unconfigured_never_runs (Fixture       *fixture,
                              gconstpointer  user_data)
{
  oms_scheduler_start (fixture->scheduler);
  g_assert_false (oms_scheduler_trigger (fixture->scheduler));
  oms_test_spin_for (300);
  g_assert_cmpint (fixture->n_started, ==, 0);
  g_assert_cmpint (oms_scheduler_get_next_run (fixture->scheduler), ==, 0);
}

static void
test_interval_after_each_run (Fixture       *fixture,
                              gconstpointer  user_data)
{
  gint64 before_second;

  configure (fixture, 1);

  /* A run at start-up... */
  oms_scheduler_start (fixture->scheduler);
  g_assert_cmpint (fixture->n_started, ==, 1);
  g_assert_true (spin_until_finished (fixture, 1, 30000));
  g_assert_cmpint (fixture->n_succeeded, ==, 1);

  /* ...then one every interval, counted from the end of the previous run. */
  before_second = oms_scheduler_get_next_run (fixture->scheduler);
  g_assert_cmpint (before_second, >, g_get_real_time ());
  g_assert_cmpint (before_second, <=, g_get_real_time () + 1 * G_USEC_PER_SEC);
  g_assert_true (spin_until_finished (fixture, 2, 10000));
  g_assert_true (spin_until_finished (fixture, 3, 10000));
  g_assert_cmpint (fixture->n_succeeded, ==, 3);

  oms_scheduler_stop (fixture->scheduler);
  oms_test_spin_for (1500);
  g_assert_cmpint (fixture->n_started, ==, fixture->n_finished);
  g_assert_false (oms_sync_engine_get_is_syncing (fixture->engine));
}

static void
test_trigger_queues_one_run (Fixture       *fixture,
                             gconstpointer  user_data)
{
  configure (fixture, 3600);

  g_assert_true (oms_scheduler_trigger (fixture->scheduler));
  g_assert_true (oms_sync_engine_get_is_syncing (fixture->engine));

  /* During the run: the first request queues one more run, later ones change nothing. */
  g_assert_true (oms_scheduler_trigger (fixture->scheduler));
  g_assert_false (oms_scheduler_trigger (fixture->scheduler));
  g_assert_false (oms_scheduler_trigger (fixture->scheduler));

  g_assert_true (spin_until_finished (fixture, 2, 30000));
  oms_test_spin_for (500);
  g_assert_cmpint (fixture->n_started, ==, 2);
  g_assert_cmpint (fixture->n_finished, ==, 2);
  g_assert_cmpint (fixture->n_succeeded, ==, 2);
}

static void
test_initialisation_retried_only_by_hand (Fixture       *fixture,
                                          gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  configure (fixture, 1);
  g_assert_true (oms_central_server_add_fault (fixture->central,
                                               "/sync/v5/central_records:status=500,body=down",
                                               &error));

  oms_scheduler_start (fixture->scheduler);
  g_assert_true (spin_until_finished (fixture, 1, 30000));
  g_assert_cmpint (fixture->n_succeeded, ==, 0);
  g_assert_cmpint (oms_sync_engine_get_mode (fixture->engine), ==, OMS_SYNC_MODE_INITIALISING);

  /* No timer while not initialised: nothing happens by itself. */
  g_assert_cmpint (oms_scheduler_get_next_run (fixture->scheduler), ==, 0);
  oms_test_spin_for (2500);
  g_assert_cmpint (fixture->n_started, ==, 1);

  /* "Retry" does it, and once initialised the interval takes over. */
  oms_central_server_clear_faults (fixture->central, NULL);
  g_assert_true (oms_scheduler_trigger (fixture->scheduler));
  g_assert_true (spin_until_finished (fixture, 2, 30000));
  g_assert_cmpint (fixture->n_succeeded, ==, 1);
  g_assert_cmpint (oms_sync_engine_get_mode (fixture->engine), ==, OMS_SYNC_MODE_OPERATIONAL);
  g_assert_cmpint (oms_scheduler_get_next_run (fixture->scheduler), >, 0);
  oms_scheduler_stop (fixture->scheduler);
}

static void
test_state_survives_restart (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(OmsSyncSettings) before = NULL;
  g_autoptr(OmsSyncSettings) after = NULL;
  gint32 central_cursor, v6_cursor, push_cursor;

  configure (fixture, 120);
  g_assert_true (oms_scheduler_trigger (fixture->scheduler));
  g_assert_true (spin_until_finished (fixture, 1, 30000));
  g_assert_cmpint (fixture->n_succeeded, ==, 1);

  before = oms_sync_settings_load (fixture->store, NULL);
  central_cursor = oms_store_kv_get_int (fixture->store, OMS_KV_CENTRAL_SYNC_PULL_CURSOR, -1, NULL);
  v6_cursor = oms_store_kv_get_int (fixture->store, OMS_KV_SYNC_PULL_CURSOR_V6, -1, NULL);
  push_cursor = oms_store_kv_get_int (fixture->store, OMS_KV_REMOTE_SYNC_PUSH_CURSOR, -1, NULL);
  g_assert_cmpint (central_cursor, >, 0);
  g_assert_cmpint (v6_cursor, >, 0);

  close_site (fixture);
  open_site (fixture);

  after = oms_sync_settings_load (fixture->store, NULL);
  g_assert_nonnull (after);
  g_assert_cmpstr (after->url, ==, before->url);
  g_assert_cmpstr (after->username, ==, before->username);
  g_assert_cmpstr (after->password_sha256, ==, before->password_sha256);
  g_assert_cmpint (after->interval_seconds, ==, 120);
  g_assert_cmpint (oms_store_kv_get_int (fixture->store, OMS_KV_CENTRAL_SYNC_PULL_CURSOR, -1,
                                         NULL), ==, central_cursor);
  g_assert_cmpint (oms_store_kv_get_int (fixture->store, OMS_KV_SYNC_PULL_CURSOR_V6, -1, NULL),
                   ==, v6_cursor);
  g_assert_cmpint (oms_store_kv_get_int (fixture->store, OMS_KV_REMOTE_SYNC_PUSH_CURSOR, -1,
                                         NULL), ==, push_cursor);
  g_assert_cmpint (oms_sync_engine_get_mode (fixture->engine), ==, OMS_SYNC_MODE_OPERATIONAL);
  g_assert_nonnull (oms_sync_engine_get_last_successful_run (fixture->engine));
}

static void
test_stop_interrupts_run (Fixture       *fixture,
                          gconstpointer  user_data)
{
  const OmsSyncRun *run;

  configure (fixture, 3600);
  oms_scheduler_start (fixture->scheduler);
  g_assert_true (oms_sync_engine_get_is_syncing (fixture->engine));

  /* Stopping (omsync closing) cancels the run; it is closed, not left "syncing". */
  oms_scheduler_stop (fixture->scheduler);
  g_assert_true (spin_until_finished (fixture, 1, 30000));
  oms_test_spin_for (100);  /* the run's own callback may come an iteration after the signal */
  run = oms_sync_engine_get_latest_run (fixture->engine);
  g_assert_true (run->interrupted);
  g_assert_false (oms_sync_run_is_syncing (run));
  g_assert_false (oms_sync_engine_get_error (fixture->engine, NULL, NULL) &&
                  run->error_code != NULL);
}

/* Offline, the run at start-up waits and says so; the moment the network is back, it runs. */
static void
test_offline_waits_for_network (Fixture       *fixture,
                                gconstpointer  user_data)
{
  configure (fixture, 3600);
  oms_test_network_monitor_set (fixture->network, FALSE, FALSE);

  oms_scheduler_start (fixture->scheduler);
  oms_test_spin_for (300);
  g_assert_cmpint (fixture->n_started, ==, 0);
  g_assert_cmpint (oms_scheduler_get_network_wait (fixture->scheduler), ==,
                   OMS_NETWORK_WAIT_OFFLINE);

  oms_test_network_monitor_set (fixture->network, TRUE, FALSE);
  g_assert_cmpint (oms_scheduler_get_network_wait (fixture->scheduler), ==,
                   OMS_NETWORK_WAIT_NONE);
  g_assert_cmpint (fixture->n_started, ==, 1);
  g_assert_true (spin_until_finished (fixture, 1, 30000));
  g_assert_cmpint (fixture->n_succeeded, ==, 1);
  oms_scheduler_stop (fixture->scheduler);
}

/* Going offline stops the interval; "Sync now" still runs; back online, a run starts. */
static void
test_offline_holds_interval (Fixture       *fixture,
                             gconstpointer  user_data)
{
  configure (fixture, 1);
  oms_scheduler_start (fixture->scheduler);
  g_assert_true (spin_until_finished (fixture, 1, 30000));
  g_assert_cmpint (oms_scheduler_get_next_run (fixture->scheduler), >, 0);

  /* The monitor is asked whether the central is reachable all the same: it is not. */
  oms_test_network_monitor_set (fixture->network, FALSE, FALSE);
  oms_test_spin_for (200);
  g_assert_cmpint (oms_scheduler_get_network_wait (fixture->scheduler), ==,
                   OMS_NETWORK_WAIT_OFFLINE);
  g_assert_cmpint (oms_scheduler_get_next_run (fixture->scheduler), ==, 0);
  oms_test_spin_for (2500);
  g_assert_cmpint (fixture->n_started, ==, 1);

  g_assert_true (oms_scheduler_trigger (fixture->scheduler));
  g_assert_cmpint (fixture->n_started, ==, 2);
  g_assert_true (spin_until_finished (fixture, 2, 30000));
  oms_test_spin_for (1500);
  g_assert_cmpint (fixture->n_started, ==, 2);

  oms_test_network_monitor_set (fixture->network, TRUE, FALSE);
  g_assert_cmpint (fixture->n_started, ==, 3);
  g_assert_true (spin_until_finished (fixture, 3, 30000));
  g_assert_cmpint (fixture->n_succeeded, ==, 3);
  oms_scheduler_stop (fixture->scheduler);
}

/* A central the monitor can reach with no network (as GLib's says of a loopback one) is not
 * waited for.
 */
static void
test_offline_reachable_central_syncs (Fixture       *fixture,
                                      gconstpointer  user_data)
{
  configure (fixture, 3600);
  oms_test_network_monitor_set (fixture->network, FALSE, FALSE);
  oms_test_network_monitor_set_reachable_offline (fixture->network, TRUE);

  oms_scheduler_start (fixture->scheduler);
  g_assert_true (spin_until_finished (fixture, 1, 30000));
  g_assert_cmpint (fixture->n_succeeded, ==, 1);
  g_assert_cmpint (oms_scheduler_get_network_wait (fixture->scheduler), ==,
                   OMS_NETWORK_WAIT_NONE);
  oms_scheduler_stop (fixture->scheduler);
}

/* On a metered connection timed runs wait unless allowed; "Sync now" runs and the scheduler
 * says the connection is metered; allowing it starts the run that waited.
 */
static void
test_metered_waits_unless_allowed (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  configure (fixture, 1);
  oms_test_network_monitor_set (fixture->network, TRUE, TRUE);

  oms_scheduler_start (fixture->scheduler);
  oms_test_spin_for (300);
  g_assert_cmpint (fixture->n_started, ==, 0);
  g_assert_cmpint (oms_scheduler_get_network_wait (fixture->scheduler), ==,
                   OMS_NETWORK_WAIT_METERED);
  g_assert_true (oms_scheduler_get_metered (fixture->scheduler));

  g_assert_true (oms_scheduler_trigger (fixture->scheduler));
  g_assert_true (spin_until_finished (fixture, 1, 30000));
  g_assert_cmpint (fixture->n_succeeded, ==, 1);
  /* Initialised now, yet no timer: the next run waits for the connection. */
  g_assert_cmpint (oms_scheduler_get_next_run (fixture->scheduler), ==, 0);
  oms_test_spin_for (2000);
  g_assert_cmpint (fixture->n_started, ==, 1);

  oms_scheduler_set_sync_on_metered (fixture->scheduler, TRUE);
  g_assert_cmpint (oms_scheduler_get_network_wait (fixture->scheduler), ==,
                   OMS_NETWORK_WAIT_NONE);
  g_assert_true (oms_scheduler_get_metered (fixture->scheduler));
  g_assert_cmpint (fixture->n_started, ==, 2);
  g_assert_true (spin_until_finished (fixture, 2, 30000));
  g_assert_cmpint (oms_scheduler_get_next_run (fixture->scheduler), >, 0);
  oms_scheduler_stop (fixture->scheduler);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/oms/scheduler/unconfigured-never-runs", test_unconfigured_never_runs);
  ADD ("/oms/scheduler/interval-after-each-run", test_interval_after_each_run);
  ADD ("/oms/scheduler/trigger-queues-one-run", test_trigger_queues_one_run);
  ADD ("/oms/scheduler/initialisation-retried-only-by-hand",
       test_initialisation_retried_only_by_hand);
  ADD ("/oms/scheduler/state-survives-restart", test_state_survives_restart);
  ADD ("/oms/scheduler/stop-interrupts-run", test_stop_interrupts_run);
  ADD ("/oms/scheduler/offline-waits-for-network", test_offline_waits_for_network);
  ADD ("/oms/scheduler/offline-holds-interval", test_offline_holds_interval);
  ADD ("/oms/scheduler/offline-reachable-central-syncs", test_offline_reachable_central_syncs);
  ADD ("/oms/scheduler/metered-waits-unless-allowed", test_metered_waits_unless_allowed);

#undef ADD

  return g_test_run ();
}
