/* oms-sync-buffer-body.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "oms-pulled-body.h"
#include "oms-store.h"
#include "oms-sync-log.h"

G_BEGIN_DECLS

void           oms_sync_buffer_scan_body_async   (OmsPulledBodyKind     kind,
                                                  GBytes               *body,
                                                  gint64                request_cursor,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
void           oms_sync_buffer_scan_cut_body_async
                                                 (OmsPulledBodyKind     kind,
                                                  GBytes               *body,
                                                  gint64                request_cursor,
                                                  gint64                known_max_cursor,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
OmsPulledBody *oms_sync_buffer_scan_body_finish  (GAsyncResult         *result);

gboolean       oms_sync_buffer_store_body        (OmsStore             *store,
                                                  const OmsPulledBody  *body,
                                                  gboolean              has_source_site_id,
                                                  gint64                source_site_id,
                                                  OmsSyncRun           *progress,
                                                  gint64                now,
                                                  GError              **error);
void           oms_sync_buffer_store_body_async  (OmsStore             *store,
                                                  const OmsPulledBody  *body,
                                                  gboolean              has_source_site_id,
                                                  gint64                source_site_id,
                                                  const OmsSyncRun     *progress,
                                                  gint64                now,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean       oms_sync_buffer_store_body_finish (OmsStore             *store,
                                                  GAsyncResult         *result,
                                                  GError              **error);

G_END_DECLS
