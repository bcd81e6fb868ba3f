/* oms-sync-summary.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "oms-store.h"

G_BEGIN_DECLS

char       *oms_sync_summary_describe (OmsStore  *store,
                                       GError   **error);

G_END_DECLS
