/* oms-settings-page.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "oms-coldchain-server.h"
#include "oms-qr-window.h"
#include "oms-store.h"

G_BEGIN_DECLS

#define OMS_TYPE_SETTINGS_PAGE (oms_settings_page_get_type ())

G_DECLARE_FINAL_TYPE (OmsSettingsPage, oms_settings_page, OMS, SETTINGS_PAGE, GtkWidget)

OmsStore    *oms_settings_page_get_store         (OmsSettingsPage *self);
void         oms_settings_page_set_store         (OmsSettingsPage *self,
                                                  OmsStore        *store);
OmsColdchainServer *oms_settings_page_get_coldchain_server (OmsSettingsPage    *self);
void         oms_settings_page_set_coldchain_server (OmsSettingsPage    *self,
                                                     OmsColdchainServer *server);
const char  *oms_settings_page_get_server_url    (OmsSettingsPage *self);
OmsQrWindow *oms_settings_page_show_qr_window    (OmsSettingsPage *self);
OmsQrWindow *oms_settings_page_get_qr_window     (OmsSettingsPage *self);
void         oms_settings_page_set_last_device   (OmsSettingsPage *self,
                                                  const char      *name,
                                                  GDateTime       *time);
void         oms_settings_page_focus_sync        (OmsSettingsPage *self);

G_END_DECLS
