/* oms-v5-client.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "oms-http-monitor.h"
#include "oms-v5-auth.h"
#include "oms-v5-json.h"

G_BEGIN_DECLS

#define OMS_TYPE_V5_CLIENT (oms_v5_client_get_type ())

G_DECLARE_FINAL_TYPE (OmsV5Client, oms_v5_client, OMS, V5_CLIENT, GObject)

OmsV5Client       *oms_v5_client_new                      (const OmsSyncApiSettings  *settings,
                                                           GError                   **error);
const OmsSyncApiSettings *oms_v5_client_get_settings      (OmsV5Client               *self);
SoupSession       *oms_v5_client_get_session              (OmsV5Client               *self);
void               oms_v5_client_set_idle_timeout         (OmsV5Client               *self,
                                                           guint                      seconds);
void               oms_v5_client_set_monitor              (OmsV5Client               *self,
                                                           OmsHttpMonitor            *monitor);

void               oms_v5_client_get_site_info_async      (OmsV5Client               *self,
                                                           GCancellable              *cancellable,
                                                           GAsyncReadyCallback        callback,
                                                           gpointer                   user_data);
OmsV5SiteInfo     *oms_v5_client_get_site_info_finish     (OmsV5Client               *self,
                                                           GAsyncResult              *result,
                                                           GError                   **error);
void               oms_v5_client_get_site_status_async    (OmsV5Client               *self,
                                                           GCancellable              *cancellable,
                                                           GAsyncReadyCallback        callback,
                                                           gpointer                   user_data);
OmsV5SiteStatus   *oms_v5_client_get_site_status_finish   (OmsV5Client               *self,
                                                           GAsyncResult              *result,
                                                           GError                   **error);
void               oms_v5_client_initialise_async         (OmsV5Client               *self,
                                                           GCancellable              *cancellable,
                                                           GAsyncReadyCallback        callback,
                                                           gpointer                   user_data);
OmsV5RemoteBatch  *oms_v5_client_initialise_finish        (OmsV5Client               *self,
                                                           GAsyncResult              *result,
                                                           GError                   **error);
void               oms_v5_client_get_central_records_async (OmsV5Client              *self,
                                                           gint64                     cursor,
                                                           guint                      limit,
                                                           GCancellable              *cancellable,
                                                           GAsyncReadyCallback        callback,
                                                           gpointer                   user_data);
OmsV5CentralBatch *oms_v5_client_get_central_records_finish (OmsV5Client             *self,
                                                           GAsyncResult              *result,
                                                           GError                   **error);
void               oms_v5_client_get_central_records_body_async
                                                         (OmsV5Client              *self,
                                                          gint64                    cursor,
                                                          guint                     limit,
                                                          GCancellable             *cancellable,
                                                          GAsyncReadyCallback       callback,
                                                          gpointer                  user_data);
GBytes            *oms_v5_client_get_central_records_body_finish
                                                         (OmsV5Client              *self,
                                                          GAsyncResult             *result,
                                                          guint                    *status,
                                                          GError                  **error);
GBytes            *oms_v5_client_steal_cut_body (OmsV5Client *self,
                                                GAsyncResult *result);
void               oms_v5_client_parse_central_records_async
                                                         (OmsV5Client              *self,
                                                          GBytes                   *body,
                                                          guint                     status,
                                                          gint64                    cursor,
                                                          guint                     limit,
                                                          GCancellable             *cancellable,
                                                          GAsyncReadyCallback       callback,
                                                          gpointer                  user_data);
void               oms_v5_client_get_queued_records_async (OmsV5Client               *self,
                                                           guint                      limit,
                                                           GCancellable              *cancellable,
                                                           GAsyncReadyCallback        callback,
                                                           gpointer                   user_data);
OmsV5RemoteBatch  *oms_v5_client_get_queued_records_finish (OmsV5Client              *self,
                                                           GAsyncResult              *result,
                                                           GError                   **error);
void               oms_v5_client_acknowledge_records_async (OmsV5Client              *self,
                                                           const char * const        *sync_ids,
                                                           GCancellable              *cancellable,
                                                           GAsyncReadyCallback        callback,
                                                           gpointer                   user_data);
gboolean           oms_v5_client_acknowledge_records_finish (OmsV5Client             *self,
                                                           GAsyncResult              *result,
                                                           GError                   **error);
void               oms_v5_client_push_records_async       (OmsV5Client               *self,
                                                           gint64                     queue_length,
                                                           GPtrArray                 *records,
                                                           GCancellable              *cancellable,
                                                           GAsyncReadyCallback        callback,
                                                           gpointer                   user_data);
gboolean           oms_v5_client_push_records_finish      (OmsV5Client               *self,
                                                           GAsyncResult              *result,
                                                           gboolean                  *integration_started,
                                                           GError                   **error);

G_END_DECLS
