/* ui-test-util.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>

#include "ui-test-util.h"

static gint64 wait_timeout_us = 30 * G_USEC_PER_SEC;

/* Each test program sets how long a wait may take before the test fails. */
void
oms_test_set_wait_timeout (guint seconds)
{
  wait_timeout_us = (gint64) seconds * G_USEC_PER_SEC;
}

/* Turns the main loop until @condition holds; FALSE when the timeout ran out first. */
gboolean
oms_test_wait_until (OmsTestCondition condition,
                     gpointer         data)
{
  gint64 end = g_get_monotonic_time () + wait_timeout_us;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }

  return TRUE;
}

void
oms_test_drain_main_context (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* @widget drawn offscreen at its size by the cairo renderer, as on screen (TESTING.md §8a). */
GdkTexture *
oms_test_render_widget (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderer) renderer = gsk_cairo_renderer_new ();
  g_autoptr(GError) error = NULL;
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  GdkTexture *texture;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);

  g_assert_true (gsk_renderer_realize (renderer, NULL, &error));
  g_assert_no_error (error);
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  gsk_renderer_unrealize (renderer);

  return texture;
}

/* gtk_test_init(), then the C locale again: GTK's test set-up switches to en_US.UTF-8 where
 * that locale exists (./run generates it for the formatting tests), and the window tests
 * assert the C locale's dates, times and numbers ("2026-01-07 23:45", "23:45", "1234").
 */
void
oms_test_gtk_init (int    *argc,
                   char ***argv)
{
  gtk_test_init (argc, argv, NULL);
  setlocale (LC_ALL, "C.UTF-8");
}
