/* oms-integrator.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Called on the thread-default main context of the caller of oms_integrator_run_async()
 * with the number of upserts still to integrate; the first call gives the total.
 */
typedef void (*OmsIntegratorProgress) (gint64   remaining,
                                       gpointer user_data);

void     oms_integrator_run_async  (const char            *data_dir,
                                    gboolean               has_central_site_id,
                                    gint64                 central_site_id,
                                    OmsIntegratorProgress  progress,
                                    gpointer               progress_data,
                                    GCancellable          *cancellable,
                                    GAsyncReadyCallback    callback,
                                    gpointer               user_data);
gboolean oms_integrator_run_finish (GAsyncResult          *result,
                                    GError               **error);

void     oms_integrator_retry_async  (const char          *data_dir,
                                      const char          *record_id,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
gboolean oms_integrator_retry_finish (GAsyncResult        *result,
                                      gint64              *n_retried,
                                      gint64              *n_failed,
                                      GError             **error);

G_END_DECLS
