/* test-remove-tree.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <unistd.h>
#include <glib/gstdio.h>

#include "oms-remove-tree.h"
#include "oms-test-util.h"

static void
put_file (const char *dir,
          const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, "x", 1, NULL));
}

/* Nested folders go; a link to a folder outside is removed, and what it points to stays. */
static void
test_removes_tree_not_link_targets (void)
{
  g_autoptr(OmsTestTmpDir) outside = oms_test_make_tmp_dir ("oms-remove-tree-outside-XXXXXX");
  g_autofree char *root = oms_test_make_tmp_dir ("oms-remove-tree-XXXXXX");
  g_autofree char *deep = g_build_filename (root, "files", "item", "I1", NULL);
  g_autofree char *link = g_build_filename (root, "link", NULL);
  g_autofree char *kept = g_build_filename (outside, "keep-me", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (deep, 0700), ==, 0);
  put_file (deep, "a.pdf");
  put_file (root, "omsync.sqlite");
  put_file (outside, "keep-me");
  g_assert_cmpint (symlink (outside, link), ==, 0);

  g_assert_true (oms_remove_tree (root, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (root, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (kept, G_FILE_TEST_IS_REGULAR));

  /* Already gone: nothing to do, and no error. */
  g_assert_true (oms_remove_tree (root, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/oms/remove-tree/removes-tree-not-link-targets",
                   test_removes_tree_not_link_targets);

  return g_test_run ();
}
