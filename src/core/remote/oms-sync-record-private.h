/* oms-sync-record-private.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "oms-sync-record.h"

G_BEGIN_DECLS

gboolean _oms_sync_record_read_common   (OmsSyncRecord        *record,
                                         JsonObject           *object,
                                         const char           *where,
                                         GError              **error);
gboolean _oms_sync_record_append_common (GString              *out,
                                         const OmsSyncRecord  *record,
                                         GError              **error);
void     _oms_sync_record_append_stored (GString              *out,
                                         const char           *table_name,
                                         const char           *record_id,
                                         const char           *action,
                                         const char           *data,
                                         gsize                 data_length,
                                         gboolean              absent_data_is_null);

G_END_DECLS
