/* oms-integrator-private.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "oms-integrator.h"

G_BEGIN_DECLS

/* How many rows of a table's order list the set-based path of typed tables takes at a time. */
#define OMS_INTEGRATOR_BULK_PAGE_SIZE 10000

/* Tests and benchmarks compare the set-based integration of typed tables with the per-record
 * path it must agree with: the switch applies to runs started after it is set.
 */
void  oms_integrator_set_typed_in_bulk       (gboolean enabled);
guint oms_integrator_get_n_typed_in_bulk     (void);

G_END_DECLS
