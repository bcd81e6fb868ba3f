/* oms-test-records.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "oms-store.h"

G_BEGIN_DECLS

/* What the Records page and `omsync-cli pending --list` / `failed` tests share: a site with
 * local changes waiting to be sent and a pulled record that cannot be integrated until its
 * cause is fixed.
 */
#define OMS_TEST_RECORDS_CENTRAL_SITE_ID 7
/* Logs are taken on 7 January of this year at 23:45 UTC: "7 Jan 23:45" in people's words. */

void oms_test_records_add_site       (OmsStore *store);
void oms_test_records_add_log        (OmsStore   *store,
                                      const char *id,
                                      double      temperature);
void oms_test_records_add_failing    (OmsStore *store);
void oms_test_records_fix_failing    (OmsStore *store);

G_END_DECLS
