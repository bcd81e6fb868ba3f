/* oms-overview-page.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "oms-scheduler.h"
#include "oms-store.h"

G_BEGIN_DECLS

#define OMS_TYPE_OVERVIEW_PAGE (oms_overview_page_get_type ())

G_DECLARE_FINAL_TYPE (OmsOverviewPage, oms_overview_page, OMS, OVERVIEW_PAGE, GtkWidget)

OmsStore *oms_overview_page_get_store (OmsOverviewPage *self);
void      oms_overview_page_set_store (OmsOverviewPage *self,
                                       OmsStore        *store);
void      oms_overview_page_set_network_wait (OmsOverviewPage *self,
                                              OmsNetworkWait   network_wait);

G_END_DECLS
