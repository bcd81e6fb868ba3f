/* test-direction-focus.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-direction-focus"

#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "oms-locale.h"
#include "oms-qr-code.h"
#include "oms-qr-window.h"
#include "oms-stepper.h"
#include "oms-sync-window.h"
#include "oms-temperature-chart.h"
#include "ui-test-util.h"

/* Right-to-left languages (Arabic, Dari, Pashto) and the focus ring, in process: with GTK's
 * default direction right to left, the custom widgets mirror as their readers read (the
 * stepper's steps from right to left, the chart's time axis from right to left) while the QR
 * code and the URL stay left to right; and the QR code, which takes the focus, shows a focus
 * ring when focused from the keyboard. Each direction test also runs left to right, so it
 * cannot pass by accident.
 */

#define TEST_URL "https://192.168.1.20:8000"

/* 2026-11-26T12:00:00Z */
#define END_TIME G_GINT64_CONSTANT (1795694400)

static void
set_direction (gconstpointer data)
{
  gtk_widget_set_default_direction (GPOINTER_TO_INT (data));
}

static GtkWindow *
show_in_window (GtkWidget *child,
                int        width,
                int        height)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  gtk_window_set_default_size (window, width, height);
  gtk_window_set_child (window, child);
  gtk_window_present (window);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  return window;
}

static float
x_in (GtkWidget *widget,
      GtkWidget *ancestor)
{
  graphene_rect_t bounds;

  g_assert_true (gtk_widget_compute_bounds (widget, ancestor, &bounds));
  return bounds.origin.x;
}

/* The shown steps, left to right on screen, must be in execution order (LTR) or its reverse
 * (RTL); each connector lies between its step and the one before.
 */
static void
test_stepper_order (gconstpointer data)
{
  GtkTextDirection direction = GPOINTER_TO_INT (data);
  GtkWidget *stepper;
  GtkWindow *window;
  g_autoptr(GPtrArray) steps = g_ptr_array_new ();
  g_autoptr(GPtrArray) connectors = g_ptr_array_new ();

  set_direction (data);
  stepper = oms_stepper_new ();
  window = show_in_window (stepper, 900, 200);

  for (GtkWidget *child = gtk_widget_get_first_child (stepper); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (!gtk_widget_get_visible (child))
        continue;
      if (gtk_widget_has_css_class (child, "step"))
        g_ptr_array_add (steps, child);
      else if (gtk_widget_has_css_class (child, "connector"))
        g_ptr_array_add (connectors, child);
    }
  g_assert_cmpuint (steps->len, >=, 3);
  g_assert_cmpuint (connectors->len, ==, steps->len - 1);

  for (guint i = 1; i < steps->len; i++)
    {
      float before = x_in (g_ptr_array_index (steps, i - 1), stepper);
      float after = x_in (g_ptr_array_index (steps, i), stepper);
      float connector = x_in (g_ptr_array_index (connectors, i - 1), stepper);

      if (direction == GTK_TEXT_DIR_RTL)
        {
          g_assert_cmpfloat (after, <, before);
          g_assert_cmpfloat (connector, <, before);
          g_assert_cmpfloat (connector, >, after);
        }
      else
        {
          g_assert_cmpfloat (after, >, before);
          g_assert_cmpfloat (connector, >, before);
          g_assert_cmpfloat (connector, <, after);
        }
    }

  gtk_window_destroy (window);
}

static GtkWidget *
find_stepper (GtkWidget *widget)
{
  if (OMS_IS_STEPPER (widget))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_stepper (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* The whole sync window mirrored: its stepper reads from the right. The picture is left in
 * the build directory (sync-window-rtl.png) for a person to look at.
 */
static void
test_sync_window_rtl (void)
{
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, "sync-window-rtl.png", NULL);
  OmsSyncWindow *window;
  GtkWidget *stepper;
  GtkWidget *first = NULL;
  GtkWidget *last = NULL;

  gtk_widget_set_default_direction (GTK_TEXT_DIR_RTL);
  window = oms_sync_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  stepper = find_stepper (GTK_WIDGET (window));
  g_assert_nonnull (stepper);
  g_assert_cmpint (gtk_widget_get_direction (stepper), ==, GTK_TEXT_DIR_RTL);
  for (GtkWidget *child = gtk_widget_get_first_child (stepper); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_get_visible (child) && gtk_widget_has_css_class (child, "step"))
      {
        if (first == NULL)
          first = child;
        last = child;
      }
  g_assert_nonnull (first);
  g_assert_true (first != last);
  g_assert_cmpfloat (x_in (first, GTK_WIDGET (window)), >, x_in (last, GTK_WIDGET (window)));

  texture = oms_test_render_widget (GTK_WIDGET (window));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Saved %s", path);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The time axis runs from the period's start to its end: left to right, or right to left. */
static void
test_chart_time_axis (gconstpointer data)
{
  GtkTextDirection direction = GPOINTER_TO_INT (data);
  g_autoptr(GDateTime) end = g_date_time_new_from_unix_utc (END_TIME);
  OmsTemperatureChart *chart;
  GtkWindow *window;
  float start_x;
  float middle_x;
  float end_x;

  set_direction (data);
  chart = OMS_TEMPERATURE_CHART (oms_temperature_chart_new ());
  oms_temperature_chart_set_end_time (chart, end);
  oms_temperature_chart_set_period_hours (chart, 24);
  window = show_in_window (GTK_WIDGET (chart), 720, 320);

  start_x = oms_temperature_chart_get_time_x (chart, END_TIME - 24 * 3600);
  middle_x = oms_temperature_chart_get_time_x (chart, END_TIME - 12 * 3600);
  end_x = oms_temperature_chart_get_time_x (chart, END_TIME);
  g_assert_cmpfloat (start_x, >=, 0);
  g_assert_cmpfloat (end_x, >=, 0);

  if (direction == GTK_TEXT_DIR_RTL)
    {
      g_assert_cmpfloat (start_x, >, middle_x);
      g_assert_cmpfloat (middle_x, >, end_x);
      /* The degrees stand on the right: the plot starts near the left edge. */
      g_assert_cmpfloat (end_x, <, 720 / 10.0f);
    }
  else
    {
      g_assert_cmpfloat (start_x, <, middle_x);
      g_assert_cmpfloat (middle_x, <, end_x);
      g_assert_cmpfloat (start_x, <, 720 / 10.0f);
    }

  gtk_window_destroy (window);
}

static GtkWidget *
find_label_with_text (GtkWidget  *widget,
                      const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label_with_text (child, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static GtkWidget *
find_qr_code (GtkWidget *widget)
{
  if (OMS_IS_QR_CODE (widget))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_qr_code (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* In a mirrored window the enlarged view's code and its URL stay left to right, while the
 * window itself is right to left.
 */
static void
test_qr_stays_ltr (void)
{
  const char *urls[] = { TEST_URL, NULL };
  OmsQrWindow *window;
  GtkWidget *url_label;

  gtk_widget_set_default_direction (GTK_TEXT_DIR_RTL);
  window = oms_qr_window_new (NULL, TEST_URL, urls);
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  g_assert_cmpint (gtk_widget_get_direction (GTK_WIDGET (window)), ==, GTK_TEXT_DIR_RTL);
  g_assert_cmpint (gtk_widget_get_direction (find_qr_code (GTK_WIDGET (window))), ==,
                   GTK_TEXT_DIR_LTR);
  url_label = find_label_with_text (GTK_WIDGET (window), TEST_URL);
  g_assert_nonnull (url_label);
  g_assert_cmpint (gtk_widget_get_direction (url_label), ==, GTK_TEXT_DIR_LTR);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* How many pixels of the ring's place, a 2 px frame just outside the code, differ from the
 * same pixels when the code is not focused.
 */
static guint
count_ring_pixels (GdkTexture            *focused,
                   GdkTexture            *unfocused,
                   const graphene_rect_t *qr)
{
  int width = gdk_texture_get_width (focused);
  int height = gdk_texture_get_height (focused);
  gsize stride = (gsize) width * 4;
  g_autofree guchar *a = g_malloc (stride * (gsize) height);
  g_autofree guchar *b = g_malloc (stride * (gsize) height);
  int left = (int) qr->origin.x;
  int top = (int) qr->origin.y;
  int right = (int) (qr->origin.x + qr->size.width);
  int bottom = (int) (qr->origin.y + qr->size.height);
  guint changed = 0;

  g_assert_cmpint (gdk_texture_get_width (unfocused), ==, width);
  gdk_texture_download (focused, a, stride);
  gdk_texture_download (unfocused, b, stride);

  /* The outline is 2 px wide, 2 px away from the code: pixels 3 and 4 outside it. */
  for (int y = top; y < bottom; y++)
    for (int dx = 3; dx <= 4; dx++)
      {
        int xs[] = { left - dx, right - 1 + dx };

        for (guint i = 0; i < G_N_ELEMENTS (xs); i++)
          {
            gsize at = (gsize) y * stride + (gsize) xs[i] * 4;

            if (xs[i] >= 0 && xs[i] < width && memcmp (a + at, b + at, 4) != 0)
              changed++;
          }
      }

  return changed;
}

/* Focused from the keyboard, the QR code shows a ring around it, as buttons do. */
static void
test_qr_focus_ring (void)
{
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
  g_autoptr(GdkTexture) unfocused = NULL;
  g_autoptr(GdkTexture) focused = NULL;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *button = gtk_button_new_with_label ("Other");
  GtkWidget *qr = oms_qr_code_new ();
  graphene_rect_t bounds;
  GtkWindow *window;

  /* The application's style sheet, as AdwApplication loads it from the resource base path. */
  gtk_css_provider_load_from_resource (css, "/io/github/omsync/OmSync/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  gtk_widget_set_default_direction (GTK_TEXT_DIR_LTR);
  gtk_widget_set_margin_start (box, 24);
  gtk_widget_set_margin_end (box, 24);
  gtk_widget_set_margin_top (box, 24);
  gtk_widget_set_margin_bottom (box, 24);
  oms_qr_code_set_text (OMS_QR_CODE (qr), TEST_URL);
  gtk_box_append (GTK_BOX (box), button);
  gtk_box_append (GTK_BOX (box), qr);
  window = show_in_window (box, 400, 300);
  gtk_window_set_focus_visible (window, TRUE);

  gtk_widget_grab_focus (button);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  unfocused = oms_test_render_widget (box);

  g_assert_true (gtk_widget_grab_focus (qr));
  gtk_window_set_focus_visible (window, TRUE);
  g_assert_true (gtk_widget_has_visible_focus (qr));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  focused = oms_test_render_widget (box);

  g_assert_true (gtk_widget_compute_bounds (qr, box, &bounds));
  /* Most of the frame on both sides, not a stray pixel. */
  g_assert_cmpuint (count_ring_pixels (focused, unfocused, &bounds), >=,
                    (guint) bounds.size.height * 2);

  gtk_style_context_remove_provider_for_display (gdk_display_get_default (),
                                                 GTK_STYLE_PROVIDER (css));
  gtk_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("LANGUAGE", "C", TRUE);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_setenv ("GSK_RENDERER", "cairo", TRUE);

  oms_locale_init ();
  oms_test_gtk_init (&argc, &argv);
  adw_init ();

  g_test_add_data_func ("/oms/direction/stepper/ltr", GINT_TO_POINTER (GTK_TEXT_DIR_LTR),
                        test_stepper_order);
  g_test_add_data_func ("/oms/direction/stepper/rtl", GINT_TO_POINTER (GTK_TEXT_DIR_RTL),
                        test_stepper_order);
  g_test_add_data_func ("/oms/direction/chart/ltr", GINT_TO_POINTER (GTK_TEXT_DIR_LTR),
                        test_chart_time_axis);
  g_test_add_data_func ("/oms/direction/chart/rtl", GINT_TO_POINTER (GTK_TEXT_DIR_RTL),
                        test_chart_time_axis);
  g_test_add_func ("/oms/direction/qr-stays-ltr", test_qr_stays_ltr);
  g_test_add_func ("/oms/direction/sync-window", test_sync_window_rtl);
  g_test_add_func ("/oms/focus/qr-ring", test_qr_focus_ring);

  return g_test_run ();
}
