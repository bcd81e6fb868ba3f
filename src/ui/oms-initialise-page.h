/* oms-initialise-page.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "oms-inline-error.h"
#include "oms-scheduler.h"
#include "oms-sync-progress.h"

G_BEGIN_DECLS

#define OMS_TYPE_INITIALISE_PAGE (oms_initialise_page_get_type ())

G_DECLARE_FINAL_TYPE (OmsInitialisePage, oms_initialise_page, OMS, INITIALISE_PAGE, GtkWidget)

OmsScheduler   *oms_initialise_page_get_scheduler (OmsInitialisePage *self);
void            oms_initialise_page_set_scheduler (OmsInitialisePage *self,
                                                   OmsScheduler      *scheduler);
gboolean        oms_initialise_page_get_needed    (OmsInitialisePage *self);
void            oms_initialise_page_set_up_later  (OmsInitialisePage *self);
OmsInlineError *oms_initialise_page_get_error     (OmsInitialisePage *self);
const char     *oms_initialise_page_get_progress  (OmsInitialisePage *self);
OmsSyncProgress *oms_initialise_page_get_sync_progress (OmsInitialisePage *self);
const char     *oms_initialise_page_get_notice    (OmsInitialisePage *self);

G_END_DECLS
