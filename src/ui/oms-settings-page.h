/* oms-settings-page.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "oms-store.h"

G_BEGIN_DECLS

#define OMS_TYPE_SETTINGS_PAGE (oms_settings_page_get_type ())

G_DECLARE_FINAL_TYPE (OmsSettingsPage, oms_settings_page, OMS, SETTINGS_PAGE, GtkWidget)

OmsStore *oms_settings_page_get_store (OmsSettingsPage *self);
void      oms_settings_page_set_store (OmsSettingsPage *self,
                                       OmsStore        *store);

G_END_DECLS
