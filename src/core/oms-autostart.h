/* oms-autostart.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char     *oms_autostart_dup_path     (void);
char     *oms_autostart_dup_entry    (const char  *program,
                                      const char  *data_dir);
gboolean  oms_autostart_set_enabled  (gboolean     enabled,
                                      const char  *program,
                                      const char  *data_dir,
                                      GError     **error);
gboolean  oms_autostart_get_enabled  (void);

G_END_DECLS
