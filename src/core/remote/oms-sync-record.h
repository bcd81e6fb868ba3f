/* oms-sync-record.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The `action` of a record on the wire, in both APIs. */
typedef enum
{
  OMS_SYNC_ACTION_INSERT,
  OMS_SYNC_ACTION_UPDATE,
  OMS_SYNC_ACTION_DELETE,
  OMS_SYNC_ACTION_MERGE,
} OmsSyncAction;

/* The `action` column of sync_buffer (PROTOCOL.md §7). */
typedef enum
{
  OMS_BUFFER_ACTION_UPSERT,
  OMS_BUFFER_ACTION_DELETE,
  OMS_BUFFER_ACTION_MERGE,
} OmsBufferAction;

/* One record as both APIs carry it (Open mSupply's CommonSyncRecord plus its batch key).
 * Pulled records hold recordData exactly as Open mSupply would store it in sync_buffer.data.
 */
typedef struct
{
  gint64         cursor;      /* v5 central_records "ID", v6 "cursor"; 0 otherwise */
  char          *sync_id;     /* v5 queued_records "syncOutId"; NULL otherwise */
  char          *table_name;
  char          *record_id;
  OmsSyncAction  action;
  char          *data;        /* compact JSON, keys sorted; "{}" when absent; NULL pushes null */
} OmsSyncRecord;

OmsSyncRecord   *oms_sync_record_new              (const char          *table_name,
                                                   const char          *record_id,
                                                   OmsSyncAction        action,
                                                   const char          *data);
void             oms_sync_record_free             (OmsSyncRecord       *record);

const char      *oms_sync_action_to_string        (OmsSyncAction        action);
gboolean         oms_sync_action_from_string      (const char          *text,
                                                   OmsSyncAction       *action);
OmsBufferAction  oms_sync_action_to_buffer_action (OmsSyncAction        action);
const char      *oms_buffer_action_to_string      (OmsBufferAction      action);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OmsSyncRecord, oms_sync_record_free)

G_END_DECLS
