/* oms-file-reference.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "oms-store.h"

G_BEGIN_DECLS

/* Open mSupply's file_synchroniser.rs: a week of hourly attempts, then no more. */
#define OMS_FILE_MAX_UPLOAD_ATTEMPTS           (7 * 24)
/* The first retry after 15 minutes, doubling up to an hour. */
#define OMS_FILE_RETRY_DELAY_MINUTES           15
#define OMS_FILE_MAX_RETRY_DELAY_MINUTES       60
/* When the central does not know the reference yet (syncFileNotFound): it comes with the
 * next push, so try again soon.
 */
#define OMS_FILE_NOT_ON_CENTRAL_RETRY_MINUTES  1

/* Open mSupply's SyncFileDirection and SyncFileStatus, as the store holds them. */
#define OMS_FILE_DIRECTION_UPLOAD         "UPLOAD"
#define OMS_FILE_DIRECTION_DOWNLOAD       "DOWNLOAD"
#define OMS_FILE_STATUS_NEW               "NEW"
#define OMS_FILE_STATUS_IN_PROGRESS       "IN_PROGRESS"
#define OMS_FILE_STATUS_ERROR             "ERROR"
#define OMS_FILE_STATUS_DONE              "DONE"
#define OMS_FILE_STATUS_PERMANENT_FAILURE "PERMANENT_FAILURE"

/* One row of sync_file_reference. Times are as stored: created_datetime and deleted_datetime
 * as Open mSupply sends them, retry_at in the store's own timestamp format.
 */
typedef struct
{
  char   *id;
  char   *table_name;
  char   *record_id;
  char   *file_name;
  char   *mime_type;          /* nullable */
  gint64  uploaded_bytes;
  gint64  downloaded_bytes;
  gint64  total_bytes;
  int     retries;
  char   *retry_at;           /* nullable */
  char   *direction;          /* OMS_FILE_DIRECTION_* */
  char   *status;             /* OMS_FILE_STATUS_* */
  char   *error;              /* nullable */
  char   *created_datetime;
  char   *deleted_datetime;   /* nullable */
} OmsFileReference;

OmsFileReference *oms_file_reference_copy             (const OmsFileReference  *reference);
void              oms_file_reference_free             (OmsFileReference        *reference);

char             *oms_file_reference_sanitize_name    (const char              *name);
char             *oms_file_reference_dup_path         (const char              *data_dir,
                                                       const OmsFileReference  *reference);

OmsFileReference *oms_file_reference_get              (OmsStore                *store,
                                                       const char              *id,
                                                       GError                 **error);
GPtrArray        *oms_file_reference_list             (OmsStore                *store,
                                                       GError                 **error);
GPtrArray        *oms_file_reference_list_due_uploads (OmsStore                *store,
                                                       gint64                   now,
                                                       GError                 **error);
gboolean          oms_file_reference_get_next_retry   (OmsStore                *store,
                                                       gint64                  *retry_at,
                                                       GError                 **error);
gboolean          oms_file_reference_save_state       (OmsStore                *store,
                                                       const OmsFileReference  *reference,
                                                       GError                 **error);
OmsFileReference *oms_file_reference_attach           (OmsStore                *store,
                                                       const char              *table_name,
                                                       const char              *record_id,
                                                       GFile                   *source,
                                                       const char              *mime_type,
                                                       GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OmsFileReference, oms_file_reference_free)

G_END_DECLS
