/* oms-batch-size.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How many records one pull batch may ask for at most, unless the store says otherwise
 * (OMS_KV_BATCH_MAX_RECORDS), and how large its body may grow, whichever comes first.
 */
#define OMS_BATCH_SIZE_DEFAULT_MAX_RECORDS 5000
#define OMS_BATCH_SIZE_MAX_RECORDS_LIMIT   100000
#define OMS_BATCH_SIZE_DEFAULT_MAX_BYTES   (4 * 1024 * 1024)
/* Never shrunk below this, unless the stored size or the server is smaller still. */
#define OMS_BATCH_SIZE_FLOOR               50
/* A batch that takes longer than this is too large for the line. */
#define OMS_BATCH_SIZE_TOO_LONG_US         (20 * G_USEC_PER_SEC)

/* One pull batch as it went: what was asked, what came and how long it took. */
typedef struct
{
  guint    asked;
  guint    received;
  gsize    bytes;         /* its body's size, 0 when not known */
  gint64   elapsed_us;    /* from the request to the whole body */
  gboolean more_waiting;  /* the server has records after these */
} OmsBatchSample;

typedef struct _OmsBatchSize OmsBatchSize;

OmsBatchSize *oms_batch_size_new            (guint                 start,
                                             guint                 max_records,
                                             gsize                 max_bytes);
void          oms_batch_size_free           (OmsBatchSize         *self);
guint         oms_batch_size_take           (OmsBatchSize         *self);
guint         oms_batch_size_peek           (const OmsBatchSize   *self);
void          oms_batch_size_report         (OmsBatchSize         *self,
                                             const OmsBatchSample *sample);
void          oms_batch_size_report_timeout (OmsBatchSize         *self);
const GArray *oms_batch_size_get_asked      (const OmsBatchSize   *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OmsBatchSize, oms_batch_size_free)

G_END_DECLS
