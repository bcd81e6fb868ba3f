/* oms-http-monitor.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define OMS_TYPE_HTTP_MONITOR (oms_http_monitor_get_type ())

G_DECLARE_FINAL_TYPE (OmsHttpMonitor, oms_http_monitor, OMS, HTTP_MONITOR, GObject)

OmsHttpMonitor *oms_http_monitor_new            (void);
gboolean        oms_http_monitor_get_waiting    (OmsHttpMonitor *self);
gint64          oms_http_monitor_get_bytes_received   (OmsHttpMonitor *self);
void            oms_http_monitor_reset_bytes_received (OmsHttpMonitor *self);

/* For oms-http.c: one request started or stopped waiting for the server. */
void            oms_http_monitor_add_waiting    (OmsHttpMonitor *self);
void            oms_http_monitor_remove_waiting (OmsHttpMonitor *self);
void            oms_http_monitor_add_bytes_received   (OmsHttpMonitor *self,
                                                       gsize           n_bytes);

G_END_DECLS
