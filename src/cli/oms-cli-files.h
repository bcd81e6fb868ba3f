/* oms-cli-files.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "oms-cli-commands.h"
#include "oms-file-sync.h"

G_BEGIN_DECLS

int       oms_cli_files               (OmsCli                   *cli,
                                       int                       argc,
                                       char                    **argv);
int       oms_cli_attach              (OmsCli                   *cli,
                                       int                       argc,
                                       char                    **argv);
int       oms_cli_download            (OmsCli                   *cli,
                                       int                       argc,
                                       char                    **argv);

JsonNode *oms_cli_files_to_json       (GPtrArray                *references,
                                       const char               *data_dir);
char     *oms_cli_files_to_text       (GPtrArray                *references);
char     *oms_cli_file_outcome_to_text (const OmsFileReference  *reference);
void      oms_cli_upload_files        (OmsSyncEngine            *engine,
                                       GCancellable             *cancellable);

G_END_DECLS
