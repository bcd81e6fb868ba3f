/* oms-value-widget.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void oms_value_widget_scroll_only_when_focused (GtkWidget *widget);

G_END_DECLS
