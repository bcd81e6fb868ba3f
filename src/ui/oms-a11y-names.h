/* oms-a11y-names.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void oms_a11y_names_name_library_parts (GtkWidget *root);

G_END_DECLS
