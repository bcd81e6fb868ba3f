/* oms-remove-tree.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean oms_remove_tree (const char  *path,
                          GError     **error);

G_END_DECLS
