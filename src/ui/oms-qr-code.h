/* oms-qr-code.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define OMS_TYPE_QR_CODE (oms_qr_code_get_type ())

G_DECLARE_FINAL_TYPE (OmsQrCode, oms_qr_code, OMS, QR_CODE, GtkWidget)

GtkWidget  *oms_qr_code_new             (void);
const char *oms_qr_code_get_text        (OmsQrCode  *self);
void        oms_qr_code_set_text        (OmsQrCode  *self,
                                         const char *text);
int         oms_qr_code_get_module_size (OmsQrCode  *self);
void        oms_qr_code_set_module_size (OmsQrCode  *self,
                                         int         module_size);
int         oms_qr_code_get_n_modules   (OmsQrCode  *self);
gboolean    oms_qr_code_get_module      (OmsQrCode  *self,
                                         int         x,
                                         int         y);
int         oms_qr_code_get_drawn_module_size (OmsQrCode *self,
                                               int       *offset_x,
                                               int       *offset_y);

G_END_DECLS
