/* oms-test-util.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "oms-store.h"

G_BEGIN_DECLS

/* What every test program may share: temporary directories, turning the main context while
 * waiting, and one-value queries on a store. Each helper fails the test itself (g_assert) when
 * what it does goes wrong, as the copies it replaces did.
 */

char    *oms_test_make_tmp_dir          (const char *tmpl);
void     oms_test_remove_dir            (const char *path);
void     oms_test_remove_dir_unchecked  (const char *path);

/* A temporary directory removed, with everything in it, when it goes out of scope:
 * `g_autoptr(OmsTestTmpDir) dir = oms_test_make_tmp_dir ("oms-thing-XXXXXX");`. Declare it
 * before the store that lives in it, so the store is closed first.
 */
typedef char OmsTestTmpDir;
void     oms_test_tmp_dir_free          (OmsTestTmpDir *dir);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OmsTestTmpDir, oms_test_tmp_dir_free)

guint16  oms_test_free_loopback_port    (void);
guint16  oms_test_use_free_coldchain_port (void);
GSocket *oms_test_hold_loopback_port    (guint16     port);

void     oms_test_spin_for              (guint       ms);
gboolean oms_test_spin_until            (gboolean   *flag,
                                         guint       timeout_seconds);

gint64   oms_test_query_int             (OmsStore   *store,
                                         const char *sql);
char    *oms_test_query_text            (OmsStore   *store,
                                         const char *sql);
void     oms_test_exec_sql              (OmsStore   *store,
                                         const char *sql);

G_END_DECLS
