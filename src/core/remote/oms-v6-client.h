/* oms-v6-client.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "oms-http-monitor.h"
#include "oms-v6-json.h"

G_BEGIN_DECLS

#define OMS_TYPE_V6_CLIENT (oms_v6_client_get_type ())

G_DECLARE_FINAL_TYPE (OmsV6Client, oms_v6_client, OMS, V6_CLIENT, GObject)

OmsV6Client *oms_v6_client_new                  (const char                *central_url,
                                                 const OmsSyncApiSettings  *settings,
                                                 GError                   **error);
OmsV6Client *oms_v6_client_new_with_session     (const char                *central_url,
                                                 const OmsSyncApiSettings  *settings,
                                                 SoupSession               *session,
                                                 GError                   **error);
void         oms_v6_client_set_idle_timeout     (OmsV6Client               *self,
                                                 guint                      seconds);
void         oms_v6_client_set_monitor          (OmsV6Client               *self,
                                                 OmsHttpMonitor            *monitor);

void         oms_v6_client_pull_async           (OmsV6Client               *self,
                                                 gint64                     cursor,
                                                 guint                      batch_size,
                                                 gboolean                   is_initialised,
                                                 GCancellable              *cancellable,
                                                 GAsyncReadyCallback        callback,
                                                 gpointer                   user_data);
OmsV6Batch  *oms_v6_client_pull_finish          (OmsV6Client               *self,
                                                 GAsyncResult              *result,
                                                 GError                   **error);
void         oms_v6_client_pull_body_async      (OmsV6Client               *self,
                                                 gint64                     cursor,
                                                 guint                      batch_size,
                                                 gboolean                   is_initialised,
                                                 GCancellable              *cancellable,
                                                 GAsyncReadyCallback        callback,
                                                 gpointer                   user_data);
GBytes      *oms_v6_client_pull_body_finish     (OmsV6Client               *self,
                                                 GAsyncResult              *result,
                                                 guint                     *status,
                                                 GError                   **error);
GBytes            *oms_v6_client_steal_cut_body (OmsV6Client *self,
                                                GAsyncResult *result);
void         oms_v6_client_parse_pull_async     (OmsV6Client               *self,
                                                 GBytes                    *body,
                                                 guint                      status,
                                                 GCancellable              *cancellable,
                                                 GAsyncReadyCallback        callback,
                                                 gpointer                   user_data);
void         oms_v6_client_patient_pull_async   (OmsV6Client              *self,
                                                 gint64                     cursor,
                                                 guint                      batch_size,
                                                 const char                *fetch_patient_id,
                                                 GCancellable              *cancellable,
                                                 GAsyncReadyCallback        callback,
                                                 gpointer                   user_data);
OmsV6Batch  *oms_v6_client_patient_pull_finish  (OmsV6Client              *self,
                                                 GAsyncResult              *result,
                                                 GError                   **error);
void         oms_v6_client_push_async           (OmsV6Client               *self,
                                                 const OmsV6Batch          *batch,
                                                 GCancellable              *cancellable,
                                                 GAsyncReadyCallback        callback,
                                                 gpointer                   user_data);
gboolean     oms_v6_client_push_finish          (OmsV6Client               *self,
                                                 GAsyncResult              *result,
                                                 gint64                    *records_pushed,
                                                 GError                   **error);
void         oms_v6_client_get_site_status_async (OmsV6Client              *self,
                                                 GCancellable              *cancellable,
                                                 GAsyncReadyCallback        callback,
                                                 gpointer                   user_data);
gboolean     oms_v6_client_get_site_status_finish (OmsV6Client             *self,
                                                 GAsyncResult              *result,
                                                 gboolean                  *is_integrating,
                                                 GError                   **error);
void         oms_v6_client_upload_file_async    (OmsV6Client               *self,
                                                 const char                *file_id,
                                                 GFile                     *file,
                                                 const char                *file_name,
                                                 const char                *mime_type,
                                                 GCancellable              *cancellable,
                                                 GAsyncReadyCallback        callback,
                                                 gpointer                   user_data);
gboolean     oms_v6_client_upload_file_finish   (OmsV6Client               *self,
                                                 GAsyncResult              *result,
                                                 GError                   **error);
void         oms_v6_client_download_file_async  (OmsV6Client               *self,
                                                 const char                *table_name,
                                                 const char                *record_id,
                                                 const char                *id,
                                                 GFile                     *destination,
                                                 GCancellable              *cancellable,
                                                 GAsyncReadyCallback        callback,
                                                 gpointer                   user_data);
gboolean     oms_v6_client_download_file_finish (OmsV6Client               *self,
                                                 GAsyncResult              *result,
                                                 gint64                    *n_bytes,
                                                 GError                   **error);

G_END_DECLS
