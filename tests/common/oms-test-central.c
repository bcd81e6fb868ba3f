/* oms-test-central.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "oms-sync-engine-private.h"
#include "oms-sync-settings.h"
#include "oms-test-central.h"
#include "oms-test-util.h"

/* The callback for oms_sync_engine_run_async(), oms_sync_engine_run_for_patient_async() and
 * oms_sync_settings_save_async(), with an #OmsTestResult as @user_data: it sets ok and error
 * from the call's finish function, then done.
 */
void
oms_test_result_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  OmsTestResult *r = user_data;

  if (OMS_IS_SYNC_ENGINE (object))
    r->ok = oms_sync_engine_run_finish (OMS_SYNC_ENGINE (object), result, &r->error);
  else
    r->ok = oms_sync_settings_save_finish (OMS_STORE (object), result, &r->error);
  r->done = TRUE;
}

/* A new omsync-central keeping its data in @data_dir, seeded with the demo (site "demo",
 * password "pass") and listening on 127.0.0.1 on a free port: loopback only. It serves on this
 * thread's main context, so whoever waits for it must keep that context turning.
 */
OmsCentralServer *
oms_test_central_new_demo (const char *data_dir)
{
  g_autoptr(GError) error = NULL;
  OmsCentralServer *central;

  central = oms_central_server_new (data_dir, &error);
  g_assert_no_error (error);
  g_assert_true (oms_central_server_seed_demo (central, 0, &error));
  g_assert_true (oms_central_server_listen (central, "127.0.0.1", 0, &error));
  g_assert_no_error (error);

  return central;
}

/* Saves @store's sync settings for @central's demo site ("demo" with @password, every 300
 * seconds) and waits for the central's answer; the test fails if none comes within
 * %OMS_TEST_SYNC_TIMEOUT_SECONDS.
 */
gboolean
oms_test_save_settings (OmsStore          *store,
                        OmsCentralServer  *central,
                        const char        *password,
                        GError           **error)
{
  OmsTestResult r = { 0 };

  oms_sync_settings_save_async (store, oms_central_server_get_base_url (central),
                                "demo", password, 300, NULL, oms_test_result_cb, &r);
  g_assert_true (oms_test_spin_until (&r.done, OMS_TEST_SYNC_TIMEOUT_SECONDS));
  if (r.error != NULL)
    g_propagate_error (error, r.error);

  return r.ok;
}

/* Runs @engine once and waits for the end of the run; the test fails if it does not end
 * within %OMS_TEST_SYNC_TIMEOUT_SECONDS.
 */
gboolean
oms_test_run_sync (OmsSyncEngine  *engine,
                   GError        **error)
{
  OmsTestResult r = { 0 };

  oms_sync_engine_run_async (engine, NULL, oms_test_result_cb, &r);
  g_assert_true (oms_test_spin_until (&r.done, OMS_TEST_SYNC_TIMEOUT_SECONDS));
  if (r.error != NULL)
    g_propagate_error (error, r.error);

  return r.ok;
}

/* oms_test_site_set_up: the central seeded as the demo, an empty site store and its engine
 * with short retry timings; the hardware id fixed and no proxy, as every sync test wants.
 */
void
oms_test_site_set_up (OmsTestSite *site)
{
  g_autoptr(GError) error = NULL;

  g_setenv ("OMSYNC_HARDWARE_ID", "test-machine-1", TRUE);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  site->central_dir = oms_test_make_tmp_dir ("oms-central-XXXXXX");
  site->data_dir = oms_test_make_tmp_dir ("oms-site-XXXXXX");
  site->central = oms_test_central_new_demo (site->central_dir);
  site->store = oms_store_open (site->data_dir, &error);
  g_assert_no_error (error);
  site->engine = oms_sync_engine_new (site->store);
  oms_sync_engine_set_timing (site->engine, 20, 3000, 20, 3000);
}

/* oms_test_site_tear_down: fails the test if anything still holds the engine, the store or
 * the central, then removes both directories.
 */
void
oms_test_site_tear_down (OmsTestSite *site)
{
  g_assert_finalize_object (site->engine);
  g_assert_finalize_object (site->store);
  g_assert_finalize_object (site->central);
  oms_test_remove_dir (site->central_dir);
  oms_test_remove_dir (site->data_dir);
  g_free (site->central_dir);
  g_free (site->data_dir);
}
