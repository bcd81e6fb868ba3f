/* oms-http-private.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "oms-http.h"

G_BEGIN_DECLS

/* For tests: multiply the connect timeouts (2, 5, 10 s) by @connect_scale, and the idle
 * timeout (never below libsoup's one second) and the wait before a request counts as waiting
 * for the server (%OMS_HTTP_WAITING_AFTER_SECONDS) by @io_scale. The idle timeout is read when
 * it is set on a session (oms_http_session_new(), oms_http_session_set_idle_timeout()), the
 * others when an attempt starts.
 */
void   _oms_http_set_timeout_scale (double      connect_scale,
                                    double      io_scale);
/* For tests: the largest body a read takes, instead of %OMS_JSON_GATE_MAX_RESPONSE_BYTES;
 * 0 restores it.
 */
void   _oms_http_set_max_body_bytes (gsize      max_bytes);
/* For tests: how many attempts every oms_http_send_async() of this process has started. */
guint  _oms_http_get_n_attempts    (void);
/* The line the SoupLogger printer logs for @line: credentials hidden. */
char  *_oms_http_redact_log_line   (const char *line);

G_END_DECLS
