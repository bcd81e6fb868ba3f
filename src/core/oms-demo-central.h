/* oms-demo-central.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define OMS_DEMO_SITE_NAME     "demo"
#define OMS_DEMO_SITE_PASSWORD "pass"

#define OMS_TYPE_DEMO_CENTRAL (oms_demo_central_get_type ())

G_DECLARE_FINAL_TYPE (OmsDemoCentral, oms_demo_central, OMS, DEMO_CENTRAL, GObject)

OmsDemoCentral *oms_demo_central_new          (void);
char           *oms_demo_central_find_program (void);
void            oms_demo_central_start_async  (OmsDemoCentral       *self,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean        oms_demo_central_start_finish (OmsDemoCentral       *self,
                                               GAsyncResult         *result,
                                               GError              **error);
const char     *oms_demo_central_get_url      (OmsDemoCentral       *self);
void            oms_demo_central_stop         (OmsDemoCentral       *self);

G_END_DECLS
