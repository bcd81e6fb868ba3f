/* oms-coldchain-devices-group.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "oms-store.h"

G_BEGIN_DECLS

#define OMS_TYPE_COLDCHAIN_DEVICES_GROUP (oms_coldchain_devices_group_get_type ())

G_DECLARE_FINAL_TYPE (OmsColdchainDevicesGroup, oms_coldchain_devices_group, OMS,
                      COLDCHAIN_DEVICES_GROUP, AdwPreferencesGroup)

OmsStore *oms_coldchain_devices_group_get_store (OmsColdchainDevicesGroup *self);
void      oms_coldchain_devices_group_set_store (OmsColdchainDevicesGroup *self,
                                                 OmsStore                 *store);
gboolean  oms_coldchain_devices_group_get_busy  (OmsColdchainDevicesGroup *self);

G_END_DECLS
