/* oms-inline-error.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define OMS_TYPE_INLINE_ERROR (oms_inline_error_get_type ())

G_DECLARE_FINAL_TYPE (OmsInlineError, oms_inline_error, OMS, INLINE_ERROR, GtkWidget)

GtkWidget  *oms_inline_error_new         (void);
void        oms_inline_error_set         (OmsInlineError *self,
                                          const char     *message,
                                          const char     *hint,
                                          const char     *detail);
void        oms_inline_error_set_error   (OmsInlineError *self,
                                          const GError   *error,
                                          const char     *unknown_message);
void        oms_inline_error_clear       (OmsInlineError *self);
const char *oms_inline_error_get_message (OmsInlineError *self);
const char *oms_inline_error_get_hint    (OmsInlineError *self);
const char *oms_inline_error_get_detail  (OmsInlineError *self);

G_END_DECLS
