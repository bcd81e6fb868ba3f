/* oms-sync-error-text.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "oms-protocol-error.h"
#include "oms-sync-log.h"

G_BEGIN_DECLS

void oms_sync_error_describe        (OmsSyncErrorVariant     variant,
                                     const OmsSyncErrorInfo *info,
                                     int                     step,
                                     const char             *unknown_message,
                                     gint64                  now,
                                     char                  **out_message,
                                     char                  **out_hint);
void oms_sync_error_describe_error  (const GError           *error,
                                     int                     step,
                                     const char             *unknown_message,
                                     char                  **out_message,
                                     char                  **out_hint);
void oms_sync_run_describe_error    (const OmsSyncRun       *run,
                                     const char             *unknown_message,
                                     char                  **out_message,
                                     char                  **out_hint);
gboolean oms_sync_run_error_is_transient (const OmsSyncRun *run);

G_END_DECLS
