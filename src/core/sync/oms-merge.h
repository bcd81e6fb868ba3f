/* oms-merge.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "oms-store.h"

G_BEGIN_DECLS

char *oms_merge_integrate (OmsStore              *store,
                           const char            *table_name,
                           const char            *data_json,
                           const OmsChangeOrigin *origin);

G_END_DECLS
