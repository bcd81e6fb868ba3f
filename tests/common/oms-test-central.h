/* oms-test-central.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "oms-central-server.h"
#include "oms-store.h"
#include "oms-sync-engine.h"

G_BEGIN_DECLS

/* What the tests that sync against an in-process omsync-central share: the central on
 * 127.0.0.1, a site configured against its demo, and runs waited for on the main context.
 */

/* How long a settings save or a sync run may take before the test fails. */
#define OMS_TEST_SYNC_TIMEOUT_SECONDS 120

/* The outcome of an asynchronous call, filled in by oms_test_result_cb(). */
typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} OmsTestResult;

void              oms_test_result_cb        (GObject          *object,
                                             GAsyncResult     *result,
                                             gpointer          user_data);

OmsCentralServer *oms_test_central_new_demo (const char       *data_dir);

gboolean          oms_test_save_settings    (OmsStore         *store,
                                             OmsCentralServer *central,
                                             const char       *password,
                                             GError          **error);
gboolean          oms_test_run_sync         (OmsSyncEngine    *engine,
                                             GError          **error);

/* A site and the demo central it syncs with, each in a temporary directory of its own: the
 * fixture of the sync test programs (`typedef OmsTestSite Fixture;`).
 */
typedef struct
{
  char             *central_dir;
  char             *data_dir;
  OmsCentralServer *central;
  OmsStore         *store;
  OmsSyncEngine    *engine;
} OmsTestSite;

void              oms_test_site_set_up      (OmsTestSite      *site);
void              oms_test_site_tear_down   (OmsTestSite      *site);

G_END_DECLS
