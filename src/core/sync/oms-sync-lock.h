/* oms-sync-lock.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

int  oms_sync_lock_try     (const char  *data_dir,
                            GError     **error);
void oms_sync_lock_release (int          fd);

G_END_DECLS
