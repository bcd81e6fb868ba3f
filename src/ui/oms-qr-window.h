/* oms-qr-window.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define OMS_TYPE_QR_WINDOW (oms_qr_window_get_type ())

G_DECLARE_FINAL_TYPE (OmsQrWindow, oms_qr_window, OMS, QR_WINDOW, AdwWindow)

OmsQrWindow *oms_qr_window_new             (GtkWindow          *parent,
                                            const char         *url,
                                            const char * const *urls);
const char  *oms_qr_window_get_url         (OmsQrWindow        *self);
void         oms_qr_window_set_url         (OmsQrWindow        *self,
                                            const char         *url);
void         oms_qr_window_set_urls        (OmsQrWindow        *self,
                                            const char * const *urls);
void         oms_qr_window_set_not_running (OmsQrWindow        *self,
                                            const char         *reason);
const char  *oms_qr_window_get_not_running (OmsQrWindow        *self);
void         oms_qr_window_set_last_device (OmsQrWindow        *self,
                                            const char         *name,
                                            GDateTime          *time);

G_END_DECLS
