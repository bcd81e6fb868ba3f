/* oms-store-checkpoint.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void     oms_store_checkpoint_async  (const char           *data_dir,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
gboolean oms_store_checkpoint_finish (GAsyncResult         *result,
                                      GError              **error);
void     oms_store_checkpoint_wait   (const char           *data_dir);

G_END_DECLS
