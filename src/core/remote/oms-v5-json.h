/* oms-v5-json.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "oms-sync-record.h"

G_BEGIN_DECLS

/* `initialisationStatus` of the legacy site info. */
typedef enum
{
  OMS_V5_INITIALISATION_STATUS_NEW,
  OMS_V5_INITIALISATION_STATUS_STARTED,
  OMS_V5_INITIALISATION_STATUS_COMPLETED,
  OMS_V5_INITIALISATION_STATUS_ERROR,
} OmsV5InitialisationStatus;

/* GET /sync/v5/site */
typedef struct
{
  char                      *id;                       /* site UUID */
  int                        site_id;
  OmsV5InitialisationStatus  initialisation_status;
  char                      *central_server_url;       /* omSupplyCentralServerUrl */
  gboolean                   is_central_server;        /* isOmSupplyCentralServer */
  int                        msupply_central_site_id;  /* mSupplyCentralSiteId */
  char                      *code;                     /* optional, unused by omsync */
  char                      *name;                     /* optional, unused by omsync */
} OmsV5SiteInfo;

/* `code` of GET /sync/v5/site_status. */
typedef enum
{
  OMS_V5_SITE_STATUS_SYNC_IS_RUNNING,
  OMS_V5_SITE_STATUS_INTEGRATION_IN_PROGRESS,
  OMS_V5_SITE_STATUS_INITIALISATION_IN_PROGRESS,
  OMS_V5_SITE_STATUS_IDLE,
} OmsV5SiteStatusCode;

/* GET /sync/v5/site_status */
typedef struct
{
  OmsV5SiteStatusCode  code;
  char                *message;
  char                *data;     /* nullable */
} OmsV5SiteStatus;

/* GET /sync/v5/central_records: each record's `cursor` is its "ID". */
typedef struct
{
  gint64     max_cursor;
  GPtrArray *records;            /* (element-type OmsSyncRecord) */
} OmsV5CentralBatch;

/* GET /sync/v5/queued_records and POST /sync/v5/initialise: each record has a `sync_id`. */
typedef struct
{
  gint64     queue_length;
  GPtrArray *records;            /* (element-type OmsSyncRecord) */
} OmsV5RemoteBatch;

/* The body of a v5 error response: {"error":{"code","message","data"}}. */
typedef struct
{
  char *code;                    /* e.g. "site_incorrect_hardware_id" */
  char *message;
  char *data;                    /* compact JSON, or NULL when null or absent */
} OmsV5Error;

void                oms_v5_site_info_free            (OmsV5SiteInfo            *info);
void                oms_v5_site_status_free          (OmsV5SiteStatus          *status);
void                oms_v5_central_batch_free        (OmsV5CentralBatch        *batch);
void                oms_v5_remote_batch_free         (OmsV5RemoteBatch         *batch);
OmsV5Error         *oms_v5_error_new                 (const char               *code,
                                                      const char               *message,
                                                      const char               *data);
void                oms_v5_error_free                (OmsV5Error               *error_body);

const char         *oms_v5_initialisation_status_to_string (OmsV5InitialisationStatus status);
gboolean            oms_v5_initialisation_status_from_string (const char                *text,
                                                            OmsV5InitialisationStatus *status);
const char         *oms_v5_site_status_code_to_string      (OmsV5SiteStatusCode       code);

/* Each message's parser and builder side by side: the client reads what the server writes
 * and writes what the server reads (omsync-central uses the server side).
 */
OmsV5SiteInfo      *oms_v5_parse_site_info           (GBytes                   *body,
                                                      GError                  **error);
GBytes             *oms_v5_build_site_info           (const OmsV5SiteInfo      *info);
OmsV5SiteStatus    *oms_v5_parse_site_status         (GBytes                   *body,
                                                      GError                  **error);
GBytes             *oms_v5_build_site_status         (const OmsV5SiteStatus    *status);
GBytes             *oms_v5_build_initialise_body     (void);
OmsV5RemoteBatch   *oms_v5_parse_initialise_response (GBytes                   *body,
                                                      GError                  **error);
GBytes             *oms_v5_build_initialise_response (gint64                    queue_length);
OmsV5CentralBatch  *oms_v5_parse_central_records     (GBytes                   *body,
                                                      GError                  **error);
GBytes             *oms_v5_build_central_records     (const OmsV5CentralBatch  *batch);
OmsV5RemoteBatch   *oms_v5_parse_queued_records      (GBytes                   *body,
                                                      GError                  **error);
GBytes             *oms_v5_build_queued_records      (const OmsV5RemoteBatch   *batch);
GBytes             *oms_v5_build_push_body           (gint64                    queue_length,
                                                      GPtrArray                *records,
                                                      GError                  **error);
OmsV5RemoteBatch   *oms_v5_parse_push_request        (GBytes                   *body,
                                                      GError                  **error);
gboolean            oms_v5_parse_push_response       (GBytes                   *body,
                                                      gboolean                 *integration_started,
                                                      GError                  **error);
GBytes             *oms_v5_build_push_response       (gboolean                  started);
GBytes             *oms_v5_build_acknowledge_body    (const char * const       *sync_ids);
char              **oms_v5_parse_acknowledge_request (GBytes                   *body,
                                                      GError                  **error);
OmsV5Error         *oms_v5_parse_error_body          (GBytes                   *body,
                                                      GError                  **error);
GBytes             *oms_v5_build_error_body          (const OmsV5Error         *error_body);
GError             *oms_v5_error_new_for_status      (guint                     status,
                                                      GBytes                   *body,
                                                      OmsV5Error              **out_error_body);

char              **oms_v5_remote_batch_dup_sync_ids (const OmsV5RemoteBatch   *batch);

/* The record routes' answers written a record at a time, each record's data copied as it is
 * (a server serving stored records need not parse them): begin, append each record, end.
 */
void                oms_v5_begin_central_records     (GString                  *out,
                                                      gint64                    max_cursor);
void                oms_v5_append_central_record     (GString                  *out,
                                                      gint64                    id,
                                                      const char               *table_name,
                                                      const char               *record_id,
                                                      const char               *action,
                                                      const char               *data,
                                                      gsize                     data_length);
void                oms_v5_begin_queued_records      (GString                  *out,
                                                      gint64                    queue_length);
void                oms_v5_append_queued_record      (GString                  *out,
                                                      const char               *sync_out_id,
                                                      const char               *table_name,
                                                      const char               *record_id,
                                                      const char               *action,
                                                      const char               *data,
                                                      gsize                     data_length);
void                oms_v5_end_records               (GString                  *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OmsV5SiteInfo, oms_v5_site_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OmsV5SiteStatus, oms_v5_site_status_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OmsV5CentralBatch, oms_v5_central_batch_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OmsV5RemoteBatch, oms_v5_remote_batch_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OmsV5Error, oms_v5_error_free)

G_END_DECLS
