/* oms-window.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "oms-application.h"
#include "oms-store.h"

G_BEGIN_DECLS

#define OMS_TYPE_WINDOW (oms_window_get_type ())

G_DECLARE_FINAL_TYPE (OmsWindow, oms_window, OMS, WINDOW, AdwApplicationWindow)

OmsWindow  *oms_window_new               (OmsApplication *application,
                                          OmsStore       *store);
OmsStore   *oms_window_get_store         (OmsWindow      *self);
const char *oms_window_get_page          (OmsWindow      *self);
const char *oms_window_get_sync_status_text (OmsWindow   *self);
void        oms_window_set_page          (OmsWindow      *self,
                                          const char     *page);
void        oms_window_show_store_error  (OmsWindow      *self,
                                          const char     *data_dir,
                                          const GError   *error);
void        oms_window_show_demo_error   (OmsWindow      *self,
                                          const GError   *error);
void        oms_window_show_sync_settings (OmsWindow     *self);
void        oms_window_set_last_device   (OmsWindow      *self,
                                          const char     *name,
                                          GDateTime      *time);

G_END_DECLS
