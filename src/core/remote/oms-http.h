/* oms-http.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Open mSupply's `with_retries` (PROTOCOL.md §2.1). */
#define OMS_HTTP_MAX_ATTEMPTS        3
#define OMS_HTTP_IO_TIMEOUT_SECONDS  300

/* Called on the message of every attempt, before it is sent: adds the caller's headers. */
typedef void (*OmsHttpPrepareFunc) (SoupMessage *message,
                                    gpointer     user_data);

SoupSession *oms_http_session_new      (void);

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

GError      *oms_http_classify_error   (const GError         *error,
                                        gboolean              connected,
                                        GUri                 *uri);

G_END_DECLS
