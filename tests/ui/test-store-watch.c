/* test-store-watch.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gtk/gtk.h>

#include "oms-store-watch.h"
#include "ui-test-util.h"

/* A page that counts its refreshes, in a stack beside another page. */
static guint n_refreshes;

static void
count_refresh (GtkWidget *widget)
{
  n_refreshes++;
}

static void
write_something (OmsStore   *store,
                 const char *value)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (oms_store_kv_set_string (store, "OMSYNC_TEST_VALUE", value, &error));
  g_assert_no_error (error);
}

/* A burst of writes refreshes once while the page is shown; writes while it is hidden refresh
 * it once, when it is shown again, and not before.
 */
static void
test_refreshes_once_and_only_when_shown (void)
{
  g_autoptr(OmsTestTmpDir) dir = oms_test_make_tmp_dir ("oms-store-watch-XXXXXX");
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsStore) store = oms_store_open (dir, &error);
  g_autoptr(OmsStoreWatch) watch = NULL;
  GtkWidget *window = gtk_window_new ();
  GtkWidget *stack = gtk_stack_new ();
  GtkWidget *page = gtk_label_new ("watched");
  GtkWidget *other = gtk_label_new ("other");

  g_assert_no_error (error);
  gtk_stack_add_named (GTK_STACK (stack), page, "page");
  gtk_stack_add_named (GTK_STACK (stack), other, "other");
  gtk_window_set_child (GTK_WINDOW (window), stack);
  gtk_stack_set_visible_child (GTK_STACK (stack), page);
  gtk_window_present (GTK_WINDOW (window));
  oms_test_drain_main_context ();
  g_assert_true (gtk_widget_get_mapped (page));

  watch = oms_store_watch_new (page, count_refresh);
  oms_store_watch_set_store (watch, store);
  n_refreshes = 0;

  for (guint i = 0; i < 5; i++)
    write_something (store, "shown");
  oms_test_drain_main_context ();
  g_assert_cmpuint (n_refreshes, ==, 1);

  gtk_stack_set_visible_child (GTK_STACK (stack), other);
  oms_test_drain_main_context ();
  g_assert_false (gtk_widget_get_mapped (page));
  for (guint i = 0; i < 5; i++)
    write_something (store, "hidden");
  oms_test_drain_main_context ();
  g_assert_cmpuint (n_refreshes, ==, 1);

  gtk_stack_set_visible_child (GTK_STACK (stack), page);
  oms_test_drain_main_context ();
  g_assert_cmpuint (n_refreshes, ==, 2);

  /* Shown again with nothing new: no refresh. */
  gtk_stack_set_visible_child (GTK_STACK (stack), other);
  oms_test_drain_main_context ();
  gtk_stack_set_visible_child (GTK_STACK (stack), page);
  oms_test_drain_main_context ();
  g_assert_cmpuint (n_refreshes, ==, 2);

  /* Without a store, nothing is watched. */
  oms_store_watch_set_store (watch, NULL);
  write_something (store, "unwatched");
  oms_test_drain_main_context ();
  g_assert_cmpuint (n_refreshes, ==, 2);

  g_clear_object (&watch);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  oms_test_gtk_init (&argc, &argv);

  g_test_add_func ("/oms/ui/store-watch/refreshes-once-and-only-when-shown",
                   test_refreshes_once_and_only_when_shown);

  return g_test_run ();
}
