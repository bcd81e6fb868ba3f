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
/* Pull V6's own, the central pull's size when absent. The pull sizes adapt to the line
 * (oms-batch-size.c): each pull step starts from its stored size and stores where it ended,
 * never past the maximum records (OMS_BATCH_SIZE_DEFAULT_MAX_RECORDS when absent).
 */
#define OMS_KV_BATCH_V6_PULL              "OMSYNC_BATCH_V6_PULL"
#define OMS_KV_BATCH_MAX_RECORDS          "OMSYNC_BATCH_MAX_RECORDS"
/* How long a request to either central may go without a byte either way before omsync takes
 * the server for stalled (oms-http.c); OMS_HTTP_DEFAULT_IDLE_TIMEOUT_SECONDS when absent.
 */
#define OMS_KV_IDLE_TIMEOUT_SECONDS       "OMSYNC_IDLE_TIMEOUT_SECONDS"
#define OMS_SYNC_MIN_IDLE_TIMEOUT_SECONDS 5

/* The batch sizes one run starts with, read from the store when it starts. */
typedef struct
{
  guint central_pull;
  guint remote_pull;
  guint remote_push;
  guint v6_pull;
  guint max_records;  /* the most any pull batch may ask for */
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
guint            oms_sync_settings_load_max_batch_records (OmsStore *store);
gboolean         oms_sync_settings_save_max_batch_records (OmsStore *store,
                                                  gint64                records,
                                                  GError              **error);
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
