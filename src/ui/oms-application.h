/* oms-application.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "oms-scheduler.h"
#include "oms-store.h"

G_BEGIN_DECLS

#define OMS_TYPE_APPLICATION (oms_application_get_type ())

G_DECLARE_FINAL_TYPE (OmsApplication, oms_application, OMS, APPLICATION, AdwApplication)

OmsApplication *oms_application_new              (void);
const char     *oms_application_get_data_dir     (OmsApplication *self);
void            oms_application_set_data_dir     (OmsApplication *self,
                                                  const char     *data_dir);
OmsStore       *oms_application_get_store        (OmsApplication *self);
const GError   *oms_application_get_store_error  (OmsApplication *self);
OmsSyncEngine  *oms_application_get_engine       (OmsApplication *self);
OmsScheduler   *oms_application_get_scheduler    (OmsApplication *self);
char           *oms_application_dup_background_status (OmsApplication *self);

G_END_DECLS
