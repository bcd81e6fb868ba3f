/* test-value-widget.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-value-widget"

#include "config.h"

#include <gtk/gtk.h>
#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

#include "oms-value-widget.h"
#include "ui-test-util.h"

/* The mouse wheel over a spin button that has not got the focus leaves its value alone (the
 * Settings page's interval went 300 → 270 as someone scrolled the page); with the focus in
 * it, the wheel changes it as before. Real wheel events, sent to the X server with xdotool,
 * since GTK 4 cannot inject events in-process.
 */

typedef struct
{
  GtkWidget *window;
  GtkWidget *entry;
  GtkWidget *spin;
  char      *xid;
} Fixture;

static void
xdotool (const char *first,
         ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = 0;
  va_list ap;

  g_ptr_array_add (args, (gpointer) "xdotool");
  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) args->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL,
                               NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, &error));
  g_assert_no_error (error);
}

/* Turns the wheel down three notches with the pointer over the middle of the spin button. */
static void
scroll_over_spin (Fixture *f)
{
  graphene_rect_t bounds;
  g_autofree char *x = NULL;
  g_autofree char *y = NULL;

  g_assert_true (gtk_widget_compute_bounds (f->spin, f->window, &bounds));
  x = g_strdup_printf ("%d", (int) (bounds.origin.x + bounds.size.width / 4));
  y = g_strdup_printf ("%d", (int) (bounds.origin.y + bounds.size.height / 2));
  xdotool ("mousemove", "--window", f->xid, x, y, NULL);
  oms_test_spin_for (100);
  for (int i = 0; i < 3; i++)
    {
      xdotool ("click", "5", NULL);
      oms_test_spin_for (50);
    }
  oms_test_spin_for (300);
}

static gboolean
spin_has_focus (gpointer data)
{
  Fixture *f = data;
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (f->window));

  return focus != NULL && gtk_widget_is_ancestor (focus, f->spin);
}

static void
test_scroll_only_when_focused (void)
{
  Fixture f = { 0 };
  GtkWidget *box;
  g_autofree char *xdotool_path = g_find_program_in_path ("xdotool");
#ifdef GDK_WINDOWING_X11
  gboolean x11 = GDK_IS_X11_DISPLAY (gdk_display_get_default ());
#else
  gboolean x11 = FALSE;
#endif

  if (!x11 || xdotool_path == NULL)
    {
      g_test_skip ("Needs an X display and xdotool");
      return;
    }

  f.window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f.window), 300, 200);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  f.entry = gtk_entry_new ();
  f.spin = gtk_spin_button_new_with_range (1, 100000, 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (f.spin), 300);
  oms_value_widget_scroll_only_when_focused (f.spin);
  gtk_box_append (GTK_BOX (box), f.entry);
  gtk_box_append (GTK_BOX (box), f.spin);
  gtk_window_set_child (GTK_WINDOW (f.window), box);
  gtk_window_present (GTK_WINDOW (f.window));
  gtk_test_widget_wait_for_draw (f.window);
#ifdef GDK_WINDOWING_X11
  f.xid = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (
                             gtk_native_get_surface (GTK_NATIVE (f.window))));
#endif

  /* The focus is in the entry: the wheel over the spin button changes nothing. */
  gtk_widget_grab_focus (f.entry);
  oms_test_spin_for (100);
  g_assert_false (spin_has_focus (&f));
  scroll_over_spin (&f);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (f.spin)), ==, 300);

  /* Once it has the focus, the wheel changes it: the events did reach it. */
  gtk_widget_grab_focus (f.spin);
  g_assert_true (oms_test_wait_until (spin_has_focus, &f));
  scroll_over_spin (&f);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (f.spin)), <, 300);

  /* And the focus gone again, it is left alone again. */
  gtk_widget_grab_focus (f.entry);
  oms_test_spin_for (100);
  {
    double value = gtk_spin_button_get_value (GTK_SPIN_BUTTON (f.spin));

    scroll_over_spin (&f);
    g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (f.spin)), ==, value);
  }

  gtk_window_destroy (GTK_WINDOW (f.window));
  g_free (f.xid);
}

int
main (int   argc,
      char *argv[])
{
  oms_test_gtk_init (&argc, &argv);
  oms_test_set_wait_timeout (20);

  g_test_add_func ("/oms/ui/value-widget/scroll-only-when-focused",
                   test_scroll_only_when_focused);

  return g_test_run ();
}
