/* oms-cli-coldchain.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "oms-cli-commands.h"

G_BEGIN_DECLS

int oms_cli_coldchain_account (OmsCli  *cli,
                               int      argc,
                               char   **argv);

G_END_DECLS
