/* oms-test-util.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "oms-remove-tree.h"
#include "oms-store-private.h"
#include "oms-test-util.h"

/* Temporary directories */

/* A new directory under the temporary directory, as g_dir_make_tmp() makes it from @tmpl
 * (a base name ending in "XXXXXX"); the test fails if it cannot be made.
 */
char *
oms_test_make_tmp_dir (const char *tmpl)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp (tmpl, &error);

  g_assert_no_error (error);
  return dir;
}

/* Removes @path and everything below it; the test fails if anything cannot be removed. A
 * directory that does not exist, or a %NULL @path (a fixture that never made it), is left
 * alone.
 */
void
oms_test_remove_dir (const char *path)
{
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    return;
  oms_remove_tree (path, &error);
  g_assert_no_error (error);
}

void
oms_test_tmp_dir_free (OmsTestTmpDir *dir)
{
  oms_test_remove_dir (dir);
  g_free (dir);
}

/* Best effort, for a test that may leave a folder busy: removes what it can and ignores the
 * rest.
 */
void
oms_test_remove_dir_unchecked (const char *path)
{
  if (path != NULL)
    oms_remove_tree (path, NULL);
}

/* Ports */

/* A TCP port that nothing listens on at the moment: bound on 127.0.0.1 with port 0, then let
 * go. For programs that must be told a port before they listen; tests never use fixed ports.
 */
guint16
oms_test_free_loopback_port (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &error);
  g_assert_no_error (error);
  g_socket_bind (socket, any_port, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* An application under test starts its cold chain server: on a free port (through
 * OMSYNC_COLDCHAIN_PORT, which wins over the store), never on 8000, which a running omsync may
 * hold; tests/meson.build keeps it on loopback (OMSYNC_COLDCHAIN_LISTEN). Returns the port.
 */
guint16
oms_test_use_free_coldchain_port (void)
{
  guint16 port = oms_test_free_loopback_port ();
  g_autofree char *text = g_strdup_printf ("%u", port);

  g_setenv ("OMSYNC_COLDCHAIN_PORT", text, TRUE);
  return port;
}

/* Takes @port on 127.0.0.1 as another program would: bound and listening, so that a server
 * under test cannot listen there. Unref the socket to free the port.
 */
GSocket *
oms_test_hold_loopback_port (guint16 port)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr(GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  g_socket_listen (socket, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&socket);
}

/* Waiting on the main context */

/* Turns the default main context for @ms milliseconds without blocking in it, so that a
 * server running on this thread (an in-process omsync-central) keeps answering.
 */
void
oms_test_spin_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

/* Turns the default main context, blocking in each iteration, until *@flag is set or
 * @timeout_seconds have passed; returns *@flag. The deadline is checked between iterations,
 * so it is only noticed once something is dispatched.
 */
gboolean
oms_test_spin_until (gboolean *flag,
                     guint     timeout_seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_seconds * G_USEC_PER_SEC;

  while (!*flag && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  return *flag;
}

/* SQL on a store */

/* Runs @sql on @store's connection and returns the first column of its first row as an
 * integer (a count, a pragma); the test fails if the statement does not prepare or gives no
 * row.
 */
gint64
oms_test_query_int (OmsStore   *store,
                    const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (oms_store_get_db (store), sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

/* The text of the first column of @sql's first row, or NULL when it has no row. */
char *
oms_test_query_text (OmsStore   *store,
                     const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (oms_store_get_db (store), sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return text;
}

/* Runs @sql through oms_store_exec(); the test fails if it fails. */
void
oms_test_exec_sql (OmsStore   *store,
                   const char *sql)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (oms_store_exec (store, sql, &error));
  g_assert_no_error (error);
}
