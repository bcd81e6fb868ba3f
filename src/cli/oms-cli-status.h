/* oms-cli-status.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "oms-scheduler.h"
#include "oms-sync-engine.h"

G_BEGIN_DECLS

char     *oms_cli_format_iso_time      (gint64                     usec);
char     *oms_cli_format_local_time    (gint64                     usec);
char     *oms_cli_format_duration      (gint64                     seconds);
char     *oms_cli_json_to_string       (JsonNode                  *node);
void      oms_cli_json_add_time        (JsonBuilder               *builder,
                                        const char                *member,
                                        gint64                     usec);
void      oms_cli_json_add_string      (JsonBuilder               *builder,
                                        const char                *member,
                                        const char                *value);

JsonNode *oms_cli_run_to_json          (const OmsSyncRun          *run);
char     *oms_cli_run_to_text          (const OmsSyncRun          *run);

JsonNode *oms_cli_status_to_json       (OmsSyncEngine             *engine,
                                        const char                *hardware_id);
char     *oms_cli_status_to_text       (OmsSyncEngine             *engine);

JsonNode *oms_cli_pending_to_json      (const OmsPushQueueCounts  *counts);
char     *oms_cli_pending_to_text      (const OmsPushQueueCounts  *counts);

JsonNode *oms_cli_history_to_json      (GPtrArray                 *runs);
char     *oms_cli_history_to_text      (GPtrArray                 *runs);

char     *oms_cli_error_to_text        (const GError              *error);
char     *oms_cli_error_to_text_in_step (const GError             *error,
                                        int                        step);
char     *oms_cli_network_wait_to_text (OmsNetworkWait             wait);

G_END_DECLS
