/* oms-background-portal.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  OMS_BACKGROUND_PERMISSION_UNKNOWN,    /* not asked yet, or the request is pending */
  OMS_BACKGROUND_PERMISSION_NO_PORTAL,  /* nothing to ask: running on is allowed */
  OMS_BACKGROUND_PERMISSION_GRANTED,
  OMS_BACKGROUND_PERMISSION_DENIED,
} OmsBackgroundPermission;

void                    oms_background_portal_request_async  (GDBusConnection     *connection,
                                                              const char          *reason,
                                                              gboolean             autostart,
                                                              const char * const  *commandline,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
OmsBackgroundPermission oms_background_portal_request_finish (GAsyncResult        *result,
                                                              gboolean            *autostart,
                                                              GError             **error);
gboolean                oms_background_portal_is_sandboxed   (void);

G_END_DECLS
