/* oms-coldchain-request.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The three record kinds a phone uploads (PROTOCOL.md §11). */
typedef enum
{
  OMS_COLDCHAIN_KIND_SENSOR,
  OMS_COLDCHAIN_KIND_TEMPERATURE_LOG,
  OMS_COLDCHAIN_KIND_TEMPERATURE_BREACH,
} OmsColdchainKind;

/* Below absolute zero no thermometer reads. */
#define OMS_COLDCHAIN_MIN_TEMPERATURE (-273.15)

#define OMS_COLDCHAIN_REQUEST_ERROR (oms_coldchain_request_error_quark ())

/* An error's message is the body of the answer, in the words Open mSupply's server uses. */
typedef enum
{
  OMS_COLDCHAIN_REQUEST_ERROR_TOO_LARGE,   /* answered 413 */
  OMS_COLDCHAIN_REQUEST_ERROR_INVALID,     /* answered 400 */
} OmsColdchainRequestError;

GQuark     oms_coldchain_request_error_quark   (void);
GPtrArray *oms_coldchain_request_parse_records (OmsColdchainKind   kind,
                                                const char        *data,
                                                gsize              length,
                                                GError           **error);
gboolean   oms_coldchain_request_parse_login   (const char        *data,
                                                gsize              length,
                                                char             **username,
                                                char             **password,
                                                GError           **error);
gboolean   oms_coldchain_request_check_json    (const char        *data,
                                                gsize              length,
                                                GError           **error);
void       oms_coldchain_request_set_too_large (GError           **error,
                                                gsize              size,
                                                gsize              limit);

G_END_DECLS
