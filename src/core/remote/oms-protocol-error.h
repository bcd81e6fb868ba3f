/* oms-protocol-error.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define OMS_PROTOCOL_ERROR (oms_protocol_error_quark ())

/* What a sync step reports: `code` is an OmsSyncErrorVariant, `message` the technical detail
 * (PROTOCOL.md §5.3). The protocol class, HTTP status and legacy error code of the failure
 * travel with the error (an extended GError domain) for callers that must tell them apart.
 */
#define OMS_SYNC_ERROR (oms_sync_error_quark ())

/* How a call to either central server failed (PROTOCOL.md §2.4, §3.1). The first five are the
 * transport and body classes of both APIs; the rest are the v6 SyncParsedErrorV6 kinds, which OMS
 * central sends in a {"error": ...} envelope.
 */
typedef enum
{
  OMS_PROTOCOL_ERROR_CONNECTION,                      /* DNS, refused, TLS connect */
  OMS_PROTOCOL_ERROR_TRANSPORT,                       /* timeout or another transport failure */
  OMS_PROTOCOL_ERROR_HTTP_STATUS_PARSED,              /* non-2xx with a v5 {"error":{...}} body */
  OMS_PROTOCOL_ERROR_HTTP_STATUS_TEXT,                /* non-2xx with any other (or empty) body */
  OMS_PROTOCOL_ERROR_RESPONSE_PARSING,                /* a body that is not the expected JSON */
  OMS_PROTOCOL_ERROR_INVALID_URL,                     /* a base URL that cannot carry routes */
  OMS_PROTOCOL_ERROR_CANNOT_CONNECT_TO_LEGACY_SERVER, /* v6 cannotConnectToLegacyServer */
  OMS_PROTOCOL_ERROR_LEGACY_SERVER_ERROR,             /* v6 legacyServerError (a v5 error body) */
  OMS_PROTOCOL_ERROR_OTHER_LEGACY_SERVER_ERROR,       /* v6 otherLegacyServerError */
  OMS_PROTOCOL_ERROR_OTHER_SERVER_ERROR,              /* v6 otherServerError */
  OMS_PROTOCOL_ERROR_NOT_A_CENTRAL_SERVER,            /* v6 notACentralServer */
  OMS_PROTOCOL_ERROR_PARSING_SYNC_RECORD_ERROR,       /* v6 parsingSyncRecordError */
  OMS_PROTOCOL_ERROR_INTEGRATION_IN_PROGRESS,         /* v6 integrationInProgress */
  OMS_PROTOCOL_ERROR_SYNC_FILE_NOT_FOUND,             /* v6 syncFileNotFound */
  OMS_PROTOCOL_ERROR_SYNC_VERSION_MISMATCH,           /* v6 syncVersionMismatch */
} OmsProtocolError;

/* The GraphQL SyncErrorVariant of Open mSupply (PROTOCOL.md §5.3): what the user is told. */
typedef enum
{
  OMS_SYNC_ERROR_VARIANT_CONNECTION_ERROR,
  OMS_SYNC_ERROR_VARIANT_SITE_UUID_IS_BEING_CHANGED,
  OMS_SYNC_ERROR_VARIANT_SITE_NAME_NOT_FOUND,
  OMS_SYNC_ERROR_VARIANT_INCORRECT_PASSWORD,
  OMS_SYNC_ERROR_VARIANT_HARDWARE_ID_MISMATCH,
  OMS_SYNC_ERROR_VARIANT_SITE_HAS_NO_STORE,
  OMS_SYNC_ERROR_VARIANT_SITE_AUTH_TIMEOUT,
  OMS_SYNC_ERROR_VARIANT_INTEGRATION_TIMEOUT_REACHED,
  OMS_SYNC_ERROR_VARIANT_INVALID_URL,
  OMS_SYNC_ERROR_VARIANT_UNKNOWN,
  OMS_SYNC_ERROR_VARIANT_API_VERSION_INCOMPATIBLE,
  OMS_SYNC_ERROR_VARIANT_CENTRAL_V6_NOT_CONFIGURED,
  OMS_SYNC_ERROR_VARIANT_V6_API_VERSION_INCOMPATIBLE,
  OMS_SYNC_ERROR_VARIANT_INTEGRATION_ERROR,
} OmsSyncErrorVariant;

/* What omsync tells people beyond the variant (the variant stays Open mSupply's, for
 * `status --json` and the stored error_code): the common faults of a bad line or a server
 * that is down, each with its own message and next step (oms-sync-error-text.c).
 */
typedef enum
{
  OMS_SYNC_ERROR_REASON_NONE,
  OMS_SYNC_ERROR_REASON_SERVER_UNAVAILABLE,     /* HTTP 502, 503 or 504 */
  OMS_SYNC_ERROR_REASON_CONNECTION_LOST,        /* reset, or the answer ended early */
  OMS_SYNC_ERROR_REASON_STOPPED_ANSWERING,      /* nothing for the idle timeout */
  OMS_SYNC_ERROR_REASON_CERTIFICATE_UNTRUSTED,  /* TLS: the peer's certificate refused */
  OMS_SYNC_ERROR_REASON_TLS_FAILED,             /* TLS: any other handshake failure */
  OMS_SYNC_ERROR_REASON_HOST_NOT_FOUND,         /* DNS: no such name */
} OmsSyncErrorReason;

/* The reason and what its message needs, carried by a protocol or sync error and stored with
 * a failed run (sync_log.error_info, as JSON).
 */
typedef struct
{
  OmsSyncErrorReason  reason;
  guint               http_status;   /* 0 when there was no answer */
  gint64              retry_after;   /* UTC µs the server asked to be tried after, or 0 */
  guint               idle_seconds;  /* the idle timeout a stall waited for, or 0 */
  char               *host;          /* the server's host name, or NULL */
  char               *fingerprint;   /* SHA-256 of the refused certificate, "AB:CD:…" */
} OmsSyncErrorInfo;

GQuark               oms_protocol_error_quark                   (void);
GQuark               oms_sync_error_quark                       (void);

const char          *oms_sync_error_variant_to_string           (OmsSyncErrorVariant  variant);
const char          *oms_sync_error_variant_to_error_code       (OmsSyncErrorVariant  variant);
OmsSyncErrorVariant  oms_sync_error_variant_from_error_code     (const char          *error_code);
OmsSyncErrorVariant  oms_sync_error_variant_from_v5_code        (const char          *v5_code);
OmsSyncErrorVariant  oms_sync_error_variant_from_protocol_error (const GError        *error,
                                                                 const char          *v5_code);
const char          *oms_sync_error_variant_get_message         (OmsSyncErrorVariant  variant);
const char          *oms_sync_error_variant_get_hint            (OmsSyncErrorVariant  variant);

GError              *oms_sync_error_new                         (OmsSyncErrorVariant  variant,
                                                                 const char          *top,
                                                                 const char * const  *causes,
                                                                 const char * const  *secrets);
GError              *oms_sync_error_new_for_protocol_error      (OmsSyncErrorVariant  variant,
                                                                 const GError        *protocol_error,
                                                                 guint                http_status,
                                                                 const char          *v5_code,
                                                                 const char          *top,
                                                                 const char * const  *secrets);
OmsSyncErrorVariant  oms_sync_error_get_variant                 (const GError        *error);
gboolean             oms_sync_error_get_protocol_error          (const GError        *error,
                                                                 OmsProtocolError    *out_code);
guint                oms_sync_error_get_http_status             (const GError        *error);
const char          *oms_sync_error_get_v5_code                 (const GError        *error);

OmsSyncErrorInfo    *oms_sync_error_info_new                    (OmsSyncErrorReason   reason);
OmsSyncErrorInfo    *oms_sync_error_info_copy                   (const OmsSyncErrorInfo *info);
void                 oms_sync_error_info_free                   (OmsSyncErrorInfo    *info);
char                *oms_sync_error_info_to_json                (const OmsSyncErrorInfo *info);
OmsSyncErrorInfo    *oms_sync_error_info_from_json              (const char          *json);
const char          *oms_sync_error_reason_to_string            (OmsSyncErrorReason   reason);

void                 oms_protocol_error_set_info                (GError              *error,
                                                                 const OmsSyncErrorInfo *info);
const OmsSyncErrorInfo *oms_protocol_error_get_info             (const GError        *error);
const OmsSyncErrorInfo *oms_sync_error_get_info                 (const GError        *error);

char                *oms_protocol_redact                        (const char          *text,
                                                                 const char * const  *secrets);
char                *oms_protocol_format_error_chain            (const char          *top,
                                                                 const char * const  *causes,
                                                                 const char * const  *secrets);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OmsSyncErrorInfo, oms_sync_error_info_free)

G_END_DECLS
