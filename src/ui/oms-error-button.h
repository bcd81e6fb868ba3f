/* oms-error-button.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "oms-protocol-error.h"
#include "oms-sync-log.h"

G_BEGIN_DECLS

#define OMS_TYPE_ERROR_BUTTON (oms_error_button_get_type ())

G_DECLARE_FINAL_TYPE (OmsErrorButton, oms_error_button, OMS, ERROR_BUTTON, GtkWidget)

GtkWidget   *oms_error_button_new                (void);
void         oms_error_button_set_error          (OmsErrorButton      *self,
                                                  OmsSyncErrorVariant  variant,
                                                  const char          *detail,
                                                  gint64               time,
                                                  int                  step);
void         oms_error_button_set_run_error      (OmsErrorButton      *self,
                                                  const OmsSyncRun    *run);
void         oms_error_button_set_error_text     (OmsErrorButton      *self,
                                                  const char          *message,
                                                  const char          *hint,
                                                  const char          *detail,
                                                  gint64               time,
                                                  int                  step);
char        *oms_error_button_dup_details        (OmsErrorButton      *self);
GtkPopover  *oms_error_button_get_popover        (OmsErrorButton      *self);
GtkWidget   *oms_error_button_get_menu_button    (OmsErrorButton      *self);
const char  *oms_error_button_get_message_text   (OmsErrorButton      *self);
const char  *oms_error_button_get_hint_text      (OmsErrorButton      *self);
const char  *oms_error_button_get_detail_text    (OmsErrorButton      *self);
const char  *oms_error_button_get_when_text      (OmsErrorButton      *self);

G_END_DECLS
