/* oms-cli-hints.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "oms-protocol-error.h"

G_BEGIN_DECLS

const char *oms_cli_error_hint (OmsSyncErrorVariant variant);

G_END_DECLS
