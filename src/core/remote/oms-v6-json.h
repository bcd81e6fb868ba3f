/* oms-v6-json.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "oms-protocol-error.h"
#include "oms-sync-record.h"
#include "oms-v5-auth.h"
#include "oms-v5-json.h"

G_BEGIN_DECLS

/* SyncBatchV6: the data of a pull, the batch of a push. Each record's `cursor` is set. */
typedef struct
{
  gint64     end_cursor;
  gint64     total_records;
  GPtrArray *records;          /* (element-type OmsSyncRecord) */
  gboolean   is_last_batch;
} OmsV6Batch;

/* A SyncParsedErrorV6 sent by OMS central as {"error": ...}. */
typedef struct
{
  OmsProtocolError  kind;      /* one of the v6 kinds of OmsProtocolError */
  char             *text;      /* the string some kinds carry, else NULL */
  OmsV5Error       *legacy;    /* legacyServerError: the legacy central's error body */
  guint32           min_version;       /* syncVersionMismatch */
  guint32           max_version;
  guint32           received_version;
} OmsV6ServerError;

/* The body of POST /central/sync/pull and /central/sync/patient-pull. */
typedef struct
{
  gint64              cursor;
  guint32             batch_size;
  OmsSyncApiSettings *settings;
  gboolean            is_initialised;     /* pull only */
  char               *fetch_patient_id;   /* patient-pull only */
  guint32             sync_v6_version;    /* 0 when absent */
} OmsV6PullRequest;

/* The body of POST /central/sync/push. */
typedef struct
{
  OmsV6Batch         *batch;
  OmsSyncApiSettings *settings;
  guint32             sync_v6_version;    /* 0 when absent */
} OmsV6PushRequest;

/* The json_part of PUT /central/sync/upload_file (SyncUploadFileRequestV6). */
typedef struct
{
  char               *file_id;
  OmsSyncApiSettings *settings;
  guint32             sync_v6_version;    /* 0 when absent */
} OmsV6UploadFileRequest;

/* The body of POST /central/sync/download_file (SyncDownloadFileRequestV6). */
typedef struct
{
  char               *table_name;
  char               *record_id;
  char               *id;
  OmsSyncApiSettings *settings;
  guint32             sync_v6_version;    /* 0 when absent */
} OmsV6DownloadFileRequest;

/* The multipart body of PUT /central/sync/upload_file around the file's bytes, so that the
 * file itself can be streamed from disk between @head and @tail.
 */
typedef struct
{
  char   *content_type;  /* multipart/form-data; boundary=... */
  GBytes *head;          /* the json_part, then the headers of the file_part */
  GBytes *tail;          /* the end of the file_part and the closing boundary */
} OmsV6UploadFraming;

OmsV6Batch         *oms_v6_batch_new                  (void);
void                oms_v6_batch_free                 (OmsV6Batch                *batch);
OmsV6ServerError   *oms_v6_server_error_new           (OmsProtocolError           kind,
                                                       const char                *text);
OmsV6ServerError   *oms_v6_server_error_new_version_mismatch
                                                      (guint32                    min_version,
                                                       guint32                    max_version,
                                                       guint32                    received_version);
void                oms_v6_server_error_free          (OmsV6ServerError          *server_error);
OmsSyncErrorVariant oms_v6_server_error_get_variant   (const OmsV6ServerError    *server_error);
void                oms_v6_pull_request_free          (OmsV6PullRequest          *request);
void                oms_v6_push_request_free          (OmsV6PushRequest          *request);
void                oms_v6_upload_file_request_free   (OmsV6UploadFileRequest    *request);
void                oms_v6_download_file_request_free (OmsV6DownloadFileRequest  *request);

GBytes             *oms_v6_build_pull_body            (const OmsSyncApiSettings  *settings,
                                                       gint64                     cursor,
                                                       guint32                    batch_size,
                                                       gboolean                   is_initialised);
GBytes             *oms_v6_build_patient_pull_body    (const OmsSyncApiSettings  *settings,
                                                       gint64                     cursor,
                                                       guint32                    batch_size,
                                                       const char                *fetch_patient_id);
GBytes             *oms_v6_build_push_body            (const OmsSyncApiSettings  *settings,
                                                       const OmsV6Batch          *batch,
                                                       GError                   **error);
GBytes             *oms_v6_build_site_status_body     (const OmsSyncApiSettings  *settings);
GBytes             *oms_v6_build_upload_file_json     (const OmsSyncApiSettings  *settings,
                                                       const char                *file_id);
OmsV6UploadFraming *oms_v6_build_upload_file_framing  (const OmsSyncApiSettings  *settings,
                                                       const char                *file_id,
                                                       const char                *file_name,
                                                       const char                *mime_type,
                                                       const char                *boundary);
void                oms_v6_upload_framing_free        (OmsV6UploadFraming        *framing);
GBytes             *oms_v6_build_download_file_body   (const OmsSyncApiSettings  *settings,
                                                       const char                *table_name,
                                                       const char                *record_id,
                                                       const char                *id);

JsonNode           *oms_v6_parse_envelope             (GBytes                    *body,
                                                       OmsV6ServerError         **out_server_error,
                                                       GError                   **error);
OmsV6Batch         *oms_v6_parse_pull_response        (GBytes                    *body,
                                                       OmsV6ServerError         **out_server_error,
                                                       GError                   **error);
gboolean            oms_v6_parse_push_response        (GBytes                    *body,
                                                       gint64                    *records_pushed,
                                                       OmsV6ServerError         **out_server_error,
                                                       GError                   **error);
gboolean            oms_v6_parse_site_status_response (GBytes                    *body,
                                                       gboolean                  *is_integrating,
                                                       OmsV6ServerError         **out_server_error,
                                                       GError                   **error);
gboolean            oms_v6_parse_upload_file_response (GBytes                    *body,
                                                       OmsV6ServerError         **out_server_error,
                                                       GError                   **error);
OmsV6ServerError   *oms_v6_parse_download_file_error  (GBytes                    *body,
                                                       GError                   **error);

OmsV6PullRequest   *oms_v6_parse_pull_request         (GBytes                    *body,
                                                       GError                   **error);
OmsV6PullRequest   *oms_v6_parse_patient_pull_request (GBytes                    *body,
                                                       GError                   **error);
OmsV6PushRequest   *oms_v6_parse_push_request         (GBytes                    *body,
                                                       GError                   **error);
OmsSyncApiSettings *oms_v6_parse_site_status_request  (GBytes                    *body,
                                                       guint32                   *sync_v6_version,
                                                       GError                   **error);
OmsV6UploadFileRequest *
                    oms_v6_parse_upload_file_request  (GBytes                    *json_part,
                                                       GError                   **error);
OmsV6DownloadFileRequest *
                    oms_v6_parse_download_file_request (GBytes                   *body,
                                                        GError                  **error);

/* The server's answers: the other side of the response parsers above. */
GBytes             *oms_v6_build_error_envelope       (const OmsV6ServerError    *server_error);
GBytes             *oms_v6_build_download_file_error  (const OmsV6ServerError    *server_error);
GBytes             *oms_v6_build_pull_response        (const OmsV6Batch          *batch);
void                oms_v6_append_pull_record         (GString                   *records,
                                                       gint64                     cursor,
                                                       const char                *table_name,
                                                       const char                *record_id,
                                                       const char                *action,
                                                       const char                *data,
                                                       gsize                      data_length);
GBytes             *oms_v6_build_pull_response_from_records
                                                      (gint64                     end_cursor,
                                                       gint64                     total_records,
                                                       gboolean                   is_last_batch,
                                                       const GString             *records);
GBytes             *oms_v6_build_push_response        (gint64                     records_pushed);
GBytes             *oms_v6_build_site_status_response (gboolean                   is_integrating);
GBytes             *oms_v6_build_upload_file_response (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OmsV6Batch, oms_v6_batch_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OmsV6ServerError, oms_v6_server_error_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OmsV6PullRequest, oms_v6_pull_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OmsV6PushRequest, oms_v6_push_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OmsV6UploadFraming, oms_v6_upload_framing_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OmsV6UploadFileRequest, oms_v6_upload_file_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OmsV6DownloadFileRequest, oms_v6_download_file_request_free)

G_END_DECLS
