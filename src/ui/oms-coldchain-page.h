/* oms-coldchain-page.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "oms-store.h"

G_BEGIN_DECLS

#define OMS_TYPE_COLDCHAIN_PAGE (oms_coldchain_page_get_type ())

G_DECLARE_FINAL_TYPE (OmsColdchainPage, oms_coldchain_page, OMS, COLDCHAIN_PAGE, GtkWidget)

OmsStore *oms_coldchain_page_get_store (OmsColdchainPage *self);
void      oms_coldchain_page_set_store (OmsColdchainPage *self,
                                        OmsStore         *store);

G_END_DECLS
