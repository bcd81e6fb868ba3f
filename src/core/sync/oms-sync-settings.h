/* oms-sync-settings.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "oms-store.h"
#include "oms-v5-auth.h"
#include "oms-v5-json.h"

G_BEGIN_DECLS

/* key_value_store keys, as Open mSupply names them (PROTOCOL.md §6). */
#define OMS_KV_SYNC_URL                    "SETTINGS_SYNC_URL"
#define OMS_KV_SYNC_USERNAME               "SETTINGS_SYNC_USERNAME"
#define OMS_KV_SYNC_PASSWORD_SHA256        "SETTINGS_SYNC_PASSWORD_SHA256"
#define OMS_KV_SYNC_INTERVAL_SECONDS       "SETTINGS_SYNC_INTERVAL_SECONDS"
#define OMS_KV_SYNC_SITE_ID                "SETTINGS_SYNC_SITE_ID"
#define OMS_KV_SYNC_SITE_UUID              "SETTINGS_SYNC_SITE_UUID"
#define OMS_KV_SYNC_CENTRAL_SERVER_SITE_ID "SETTINGS_SYNC_CENTRAL_SERVER_SITE_ID"
#define OMS_KV_SYNC_IS_DISABLED            "SETTINGS_SYNC_IS_DISABLED"
/* omsync's own: the Open mSupply central URL the legacy central last announced, so the
 * window knows before the next run whether the V6 steps exist.
 */
#define OMS_KV_OMS_CENTRAL_URL             "OMSYNC_OMS_CENTRAL_URL"

#define OMS_SYNC_DEFAULT_INTERVAL_SECONDS 300
#define OMS_SYNC_BATCH_CENTRAL_PULL       500
#define OMS_SYNC_BATCH_REMOTE_PULL        500
#define OMS_SYNC_BATCH_REMOTE_PUSH        1024

/* omsync's own keys: batch sizes, Open mSupply's defaults when absent (PROTOCOL.md §0). A
 * slow line is better served by fewer, larger batches; each one costs a round trip.
 */
#define OMS_KV_BATCH_CENTRAL_PULL         "OMSYNC_BATCH_CENTRAL_PULL"
#define OMS_KV_BATCH_REMOTE_PULL          "OMSYNC_BATCH_REMOTE_PULL"
#define OMS_KV_BATCH_REMOTE_PUSH          "OMSYNC_BATCH_REMOTE_PUSH"
/* How long a request to either central may go without a byte either way before omsync takes
 * the server for stalled (oms-http.c); OMS_HTTP_DEFAULT_IDLE_TIMEOUT_SECONDS when absent.
 */
#define OMS_KV_IDLE_TIMEOUT_SECONDS       "OMSYNC_IDLE_TIMEOUT_SECONDS"
#define OMS_SYNC_MIN_IDLE_TIMEOUT_SECONDS 5

/* The batch sizes one run uses, read from the store when it starts. */
typedef struct
{
  guint central_pull;
  guint remote_pull;
  guint remote_push;
} OmsSyncBatchSizes;

/* What a run needs from the store; all four connection fields or none (PROTOCOL.md §6). */
typedef struct
{
  char   *url;
  char   *username;
  char   *password_sha256;
  gint64  interval_seconds;
} OmsSyncSettings;

void             oms_sync_settings_free          (OmsSyncSettings      *settings);
OmsSyncSettings *oms_sync_settings_load          (OmsStore             *store,
                                                  GError              **error);
OmsSyncApiSettings *oms_sync_settings_to_api     (const OmsSyncSettings *settings,
                                                  GError              **error);

void             oms_sync_settings_save_async    (OmsStore             *store,
                                                  const char           *url,
                                                  const char           *username,
                                                  const char           *password,
                                                  gint64                interval_seconds,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean         oms_sync_settings_save_finish   (OmsStore             *store,
                                                  GAsyncResult         *result,
                                                  GError              **error);
void             oms_sync_settings_load_batch_sizes (OmsStore          *store,
                                                  OmsSyncBatchSizes *sizes);
gboolean         oms_sync_settings_save_interval (OmsStore             *store,
                                                  gint64                interval_seconds,
                                                  GError              **error);
guint            oms_sync_settings_load_idle_timeout (OmsStore         *store);
gboolean         oms_sync_settings_save_idle_timeout (OmsStore         *store,
                                                  gint64                seconds,
                                                  GError              **error);
void             oms_sync_settings_check_async   (OmsStore             *store,
                                                  const char           *url,
                                                  const char           *username,
                                                  const char           *password,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
OmsV5SiteInfo   *oms_sync_settings_check_finish  (OmsStore             *store,
                                                  GAsyncResult         *result,
                                                  GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OmsSyncSettings, oms_sync_settings_free)

G_END_DECLS
