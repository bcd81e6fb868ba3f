/* oms-records-page.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "oms-store.h"

G_BEGIN_DECLS

#define OMS_TYPE_RECORDS_PAGE (oms_records_page_get_type ())

G_DECLARE_FINAL_TYPE (OmsRecordsPage, oms_records_page, OMS, RECORDS_PAGE, GtkWidget)

OmsStore *oms_records_page_get_store (OmsRecordsPage *self);
void      oms_records_page_set_store (OmsRecordsPage *self,
                                      OmsStore       *store);

G_END_DECLS
