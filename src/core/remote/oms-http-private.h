/* oms-http-private.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "oms-http.h"

G_BEGIN_DECLS

/* For tests: multiply the connect timeouts (2, 5, 10 s) by @connect_scale and the 300 s read
 * timeout by @io_scale (never below libsoup's one second). The read timeout is read when a
 * session is made, the connect timeout when an attempt starts.
 */
void   _oms_http_set_timeout_scale (double      connect_scale,
                                    double      io_scale);
/* For tests: how many attempts every oms_http_send_async() of this process has started. */
guint  _oms_http_get_n_attempts    (void);
/* The line the SoupLogger printer logs for @line: credentials hidden. */
char  *_oms_http_redact_log_line   (const char *line);

G_END_DECLS
