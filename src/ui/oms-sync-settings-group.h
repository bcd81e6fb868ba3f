/* oms-sync-settings-group.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "oms-inline-error.h"
#include "oms-store.h"

G_BEGIN_DECLS

#define OMS_TYPE_SYNC_SETTINGS_GROUP (oms_sync_settings_group_get_type ())

G_DECLARE_FINAL_TYPE (OmsSyncSettingsGroup, oms_sync_settings_group, OMS, SYNC_SETTINGS_GROUP,
                      AdwPreferencesGroup)

OmsStore       *oms_sync_settings_group_get_store  (OmsSyncSettingsGroup *self);
void            oms_sync_settings_group_set_store  (OmsSyncSettingsGroup *self,
                                                    OmsStore             *store);
gboolean        oms_sync_settings_group_get_busy   (OmsSyncSettingsGroup *self);
const char     *oms_sync_settings_group_get_busy_text (OmsSyncSettingsGroup *self);
OmsInlineError *oms_sync_settings_group_get_error  (OmsSyncSettingsGroup *self);
const char     *oms_sync_settings_group_get_status (OmsSyncSettingsGroup *self);
GtkWidget      *oms_sync_settings_group_get_metered_switch (OmsSyncSettingsGroup *self);
void            oms_sync_settings_group_focus      (OmsSyncSettingsGroup *self);

G_END_DECLS
