/* oms-background-group.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define OMS_TYPE_BACKGROUND_GROUP (oms_background_group_get_type ())

G_DECLARE_FINAL_TYPE (OmsBackgroundGroup, oms_background_group, OMS, BACKGROUND_GROUP,
                      AdwPreferencesGroup)

G_END_DECLS
