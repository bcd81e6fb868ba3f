/* oms-cli-hints.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "oms-protocol-error.h"

G_BEGIN_DECLS

const char *oms_cli_error_hint     (OmsSyncErrorVariant     variant);
const char *oms_cli_error_hint_for (OmsSyncErrorVariant     variant,
                                    const OmsSyncErrorInfo *info,
                                    const char             *described_hint);

G_END_DECLS
