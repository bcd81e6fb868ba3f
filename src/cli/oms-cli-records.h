/* oms-cli-records.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "oms-cli-commands.h"
#include "oms-push-queue.h"

G_BEGIN_DECLS

/* How many records `pending --list` and `failed` show unless --limit says otherwise. */
#define OMS_CLI_RECORDS_DEFAULT_LIMIT 50
#define OMS_CLI_RECORDS_MAX_LIMIT     10000

JsonNode *oms_cli_pending_list_to_json (const OmsPushQueueCounts *counts,
                                        GPtrArray                *records);
char     *oms_cli_pending_list_to_text (const OmsPushQueueCounts *counts,
                                        GPtrArray                *records);
JsonNode *oms_cli_failed_to_json       (gint64                    total,
                                        GPtrArray                *records);
char     *oms_cli_failed_to_text       (gint64                    total,
                                        GPtrArray                *records);

gboolean  oms_cli_records_check_limit  (GOptionContext           *context,
                                        int                       limit);
int       oms_cli_failed               (OmsCli                   *cli,
                                        int                       argc,
                                        char                    **argv);

G_END_DECLS
