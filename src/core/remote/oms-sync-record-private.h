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

G_END_DECLS
