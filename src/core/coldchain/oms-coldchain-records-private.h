/* oms-coldchain-records-private.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "oms-coldchain-request.h"
#include "oms-store.h"

G_BEGIN_DECLS

/* How many rows of each table one upload wrote. */
typedef struct
{
  guint sensors;
  guint temperature_logs;
  guint temperature_breaches;
} OmsColdchainWritten;

char      *_oms_coldchain_records_validate (OmsColdchainKind      kind,
                                            GPtrArray            *items);
JsonNode  *_oms_coldchain_records_upsert   (OmsColdchainKind      kind,
                                            OmsStore             *store,
                                            const char           *store_id,
                                            GPtrArray            *items,
                                            OmsColdchainWritten  *written,
                                            char                **wire_error);
char      *_oms_coldchain_rust_debug_string (const char          *text);

G_END_DECLS
