/* ui-test-util.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "oms-test-util.h"

G_BEGIN_DECLS

/* What the window tests share on top of oms-test-util.h: waiting on the main loop. */
typedef gboolean (*OmsTestCondition) (gpointer data);

void     oms_test_set_wait_timeout   (guint             seconds);
gboolean oms_test_wait_until         (OmsTestCondition  condition,
                                      gpointer          data);
void     oms_test_drain_main_context (void);
GdkTexture *oms_test_render_widget   (GtkWidget        *widget);
void     oms_test_gtk_init           (int              *argc,
                                      char           ***argv);

G_END_DECLS
