/* oms-http.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "oms-http-monitor.h"
#include "oms-protocol-error.h"

G_BEGIN_DECLS

/* Open mSupply's `with_retries` (PROTOCOL.md §2.1): up to three attempts. Where Open mSupply
 * waits up to 300 s for each read, omsync ends an attempt when nothing has gone either way for
 * the idle timeout, and tries a stalled request only once more (oms-http.c).
 */
#define OMS_HTTP_MAX_ATTEMPTS                  3
#define OMS_HTTP_MAX_STALLED_ATTEMPTS          2
#define OMS_HTTP_DEFAULT_IDLE_TIMEOUT_SECONDS  60
#define OMS_HTTP_MAX_IDLE_TIMEOUT_SECONDS      3600
/* How long a request goes without a byte before a view says it waits for the server. */
#define OMS_HTTP_WAITING_AFTER_SECONDS         5

/* Called on the message of every attempt, before it is sent: adds the caller's headers. */
typedef void (*OmsHttpPrepareFunc) (SoupMessage *message,
                                    gpointer     user_data);

SoupSession *oms_http_session_new              (void);
void         oms_http_session_set_idle_timeout (SoupSession          *session,
                                                guint                 seconds);
void         oms_http_session_set_monitor      (SoupSession          *session,
                                                OmsHttpMonitor       *monitor);
void         oms_http_session_get_bytes        (SoupSession          *session,
                                                guint64              *out_down,
                                                guint64              *out_up);
gboolean     oms_http_open_msupply_transport   (void);

void         oms_http_send_async       (SoupSession          *session,
                                        const char           *method,
                                        GUri                 *uri,
                                        const char           *content_type,
                                        GBytes               *body,
                                        OmsHttpPrepareFunc    prepare,
                                        gpointer              prepare_data,
                                        GDestroyNotify        prepare_data_destroy,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
GBytes      *oms_http_send_finish      (SoupSession          *session,
                                        GAsyncResult         *result,
                                        guint                *out_status,
                                        GError              **error);
GBytes      *oms_http_send_finish_full (SoupSession          *session,
                                        GAsyncResult         *result,
                                        guint                *out_status,
                                        gint64               *out_retry_after,
                                        GError              **error);
GBytes      *oms_http_send_steal_cut_body (GAsyncResult       *result);

void         oms_http_read_body_async  (GInputStream         *stream,
                                        SoupMessage          *message,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
GBytes      *oms_http_read_body_finish (GInputStream         *stream,
                                        GAsyncResult         *result,
                                        GError              **error);

gboolean     oms_http_check_json_body  (GBytes               *body,
                                        GUri                 *uri,
                                        GError              **error);

GError      *oms_http_classify_error   (const GError         *error,
                                        gboolean              connected,
                                        GUri                 *uri,
                                        SoupSession          *session);

gboolean     oms_http_check_body_length (SoupMessage          *message,
                                         goffset               n_bytes,
                                         GError              **error);

G_END_DECLS
