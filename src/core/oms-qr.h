/* oms-qr.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The quiet zone every reader expects around a QR code, in modules. */
#define OMS_QR_QUIET_ZONE 4

typedef struct _OmsQrMatrix OmsQrMatrix;

OmsQrMatrix *oms_qr_matrix_new        (const char        *text,
                                       GError           **error);
void         oms_qr_matrix_free       (OmsQrMatrix       *matrix);
int          oms_qr_matrix_get_width  (const OmsQrMatrix *matrix);
gboolean     oms_qr_matrix_get_module (const OmsQrMatrix *matrix,
                                       int                x,
                                       int                y);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OmsQrMatrix, oms_qr_matrix_free)

G_END_DECLS
