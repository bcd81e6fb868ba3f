/* oms-record-words.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "oms-store.h"

G_BEGIN_DECLS

const char *oms_table_title             (const char *table_name);
char       *oms_table_title_dup         (const char *table_name);
char       *oms_record_time_to_words    (gint64      usec);
char       *oms_record_describe_stored  (OmsStore   *store,
                                         const char *table_name,
                                         const char *record_id);
char       *oms_record_describe_pulled  (const char *table_name,
                                         const char *record_id,
                                         const char *data_json);

G_END_DECLS
