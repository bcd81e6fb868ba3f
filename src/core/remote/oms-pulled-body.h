/* oms-pulled-body.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "oms-sync-record.h"

G_BEGIN_DECLS

/* The pulled responses that can be read without building a JSON tree. */
typedef enum
{
  OMS_PULLED_BODY_V5_CENTRAL, /* GET /sync/v5/central_records */
  OMS_PULLED_BODY_V6_PULL,    /* POST /central/sync/pull */
} OmsPulledBodyKind;

/* What a pulled body says, for the pull step's cursors and progress. */
typedef struct
{
  gint64   n_records;
  gint64   max_cursor;    /* v5: maxCursor */
  gint64   last_cursor;   /* the last record's ID (v5) or cursor (v6), or the request's
                          * cursor when none */
  gint64   end_cursor;    /* v6: end_cursor */
  gint64   total_records; /* v6: total_records */
  gboolean is_last_batch; /* v6: is_last_batch */
  gboolean is_cut;        /* the body was cut short: these are the records that came whole */
} OmsPulledBodySummary;

/* One record of a scanned body. The strings point into the body and are not terminated. */
typedef struct
{
  const char      *table_name;
  gsize            table_name_length;
  const char      *record_id;
  gsize            record_id_length;
  OmsBufferAction  action;        /* UPSERT or DELETE: merges are left to the full parser */
  const char      *data;          /* recordData as sent; NULL when absent */
  gsize            data_length;
  gboolean         data_is_compact; /* no whitespace outside strings */
} OmsPulledRecord;

typedef struct _OmsPulledBody OmsPulledBody;

OmsPulledBody              *oms_pulled_body_scan         (OmsPulledBodyKind    kind,
                                                          GBytes              *body,
                                                          gint64               request_cursor);
OmsPulledBody              *oms_pulled_body_scan_cut     (OmsPulledBodyKind    kind,
                                                          GBytes              *body,
                                                          gint64               request_cursor,
                                                          gint64               known_max_cursor);
void                        oms_pulled_body_free         (OmsPulledBody       *self);
OmsPulledBodyKind           oms_pulled_body_get_kind     (const OmsPulledBody *self);
const OmsPulledBodySummary *oms_pulled_body_get_summary  (const OmsPulledBody *self);
const OmsPulledRecord      *oms_pulled_body_get_records  (const OmsPulledBody *self,
                                                          guint               *n_records);
gint64                      oms_pulled_body_next_cursor  (const OmsPulledBody *self);
gboolean                    oms_pulled_body_is_last      (const OmsPulledBody *self);

gint64                      oms_pulled_body_summary_next_cursor
                                                         (OmsPulledBodyKind           kind,
                                                          const OmsPulledBodySummary *summary,
                                                          gint64                      request_cursor);
gboolean                    oms_pulled_body_summary_is_last
                                                         (OmsPulledBodyKind           kind,
                                                          const OmsPulledBodySummary *summary,
                                                          gint64                      request_cursor);

char                       *oms_json_compact             (const char          *text,
                                                          gsize                length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OmsPulledBody, oms_pulled_body_free)

G_END_DECLS
