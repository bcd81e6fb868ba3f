/* test-temperature-chart.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-temperature-chart"

#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "oms-locale.h"
#include "oms-store-private.h"
#include "oms-temperature-chart.h"
#include "ui-test-util.h"

/* The chart drawn offscreen (TESTING.md §8a) with nothing, one reading and ten thousand, in
 * the light and the dark style: it must draw each without a warning, at its size. The PNGs are
 * left in the build directory for a person to look at.
 */

typedef struct
{
  char                *data_dir;
  OmsStore            *store;
  GtkWindow           *window;
  OmsTemperatureChart *chart;
} Fixture;

/* 2026-11-26T12:00:00Z */
#define END_TIME G_GINT64_CONSTANT (1795694400)

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) end = g_date_time_new_from_unix_utc (END_TIME);

  f->data_dir = oms_test_make_tmp_dir ("omsync-test-temperature-chart-XXXXXX");
  f->store = oms_store_open (f->data_dir, &error);
  g_assert_no_error (error);

  f->chart = OMS_TEMPERATURE_CHART (oms_temperature_chart_new ());
  oms_temperature_chart_set_end_time (f->chart, end);
  oms_temperature_chart_set_store (f->chart, f->store);
  oms_temperature_chart_set_sensor (f->chart, "S1", "Vaccine fridge");

  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 720, 320);
  gtk_window_set_child (f->window, GTK_WIDGET (f->chart));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (f->window);
  oms_test_drain_main_context ();
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_DEFAULT);
  g_assert_finalize_object (f->store);
  oms_test_remove_dir (f->data_dir);
  g_free (f->data_dir);
}

/* @n readings a minute apart up to the end, swinging between 3 and 7\u00a0°C with a hot hour. */
static void
insert_logs (OmsStore *store,
             guint     n)
{
  g_autofree char *sql = NULL;

  if (n == 0)
    return;

  sql = g_strdup_printf ("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n "
                         "WHERE i + 1 < %u)\n"
                         "INSERT INTO temperature_log (id, temperature, sensor_id, store_id, "
                         "datetime)\n"
                         "SELECT 'log-' || i, CASE WHEN i BETWEEN 300 AND 360 THEN 9.5 "
                         "ELSE 5.0 + ((i * 37) %% 41) / 10.0 - 2.0 END, 'S1', 'store1', "
                         "strftime('%%Y-%%m-%%dT%%H:%%M:%%S', %" G_GINT64_FORMAT " - i * 60, "
                         "'unixepoch') FROM n",
                         n, END_TIME);
  oms_test_exec_sql (store, sql);
  oms_test_exec_sql (store,
                     "INSERT INTO temperature_breach (id, duration_milliseconds, type, sensor_id,"
                     " store_id, start_datetime, end_datetime, unacknowledged, "
                     "threshold_minimum, threshold_maximum, threshold_duration_milliseconds) "
                     "VALUES ('B1', 3600000, 'HOT_CONSECUTIVE', 'S1', 'store1', "
                     "'2026-11-26T06:00:00', '2026-11-26T07:00:00', 1, 8, 100, 3600000)");
}

static void
render_to_png (GtkWidget  *widget,
               const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GskRenderer) renderer = gsk_cairo_renderer_new ();
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  int width = gdk_paintable_get_intrinsic_width (paintable);
  int height = gdk_paintable_get_intrinsic_height (paintable);

  g_assert_cmpint (width, >, 100);
  g_assert_cmpint (height, >, 100);

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);

  g_assert_true (gsk_renderer_realize (renderer, NULL, &error));
  g_assert_no_error (error);
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_cmpint (gdk_texture_get_width (texture), ==, width);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, height);
  gsk_renderer_unrealize (renderer);

  path = g_test_build_filename (G_TEST_BUILT, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Saved %s", path);
}

static void
show_and_render (Fixture    *f,
                 const char *name)
{
  g_autofree char *day = g_strdup_printf ("temperature-chart-%s-day.png", name);
  g_autofree char *week = g_strdup_printf ("temperature-chart-%s-week.png", name);

  gtk_window_present (f->window);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  render_to_png (GTK_WIDGET (f->chart), day);

  oms_temperature_chart_set_period_hours (f->chart, 7 * 24);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  render_to_png (GTK_WIDGET (f->chart), week);
}

static void
test_render_empty (Fixture       *f,
                   gconstpointer  data)
{
  show_and_render (f, "empty");

  g_assert_cmpstr (oms_temperature_chart_get_summary (f->chart), ==,
                   "Vaccine fridge, the last 7 days: no temperatures logged yet, no breaches.");
  /* No breach gives limits: the dashed lines are the usual range, and the legend says so. */
  g_assert_cmpstr (oms_temperature_chart_get_legend (f->chart), ==,
                   "Limits 2.0\u00a0°C to 8.0\u00a0°C, the usual cold chain range");
}

static void
test_render_no_sensor (Fixture       *f,
                       gconstpointer  data)
{
  oms_temperature_chart_set_sensor (f->chart, NULL, NULL);
  show_and_render (f, "no-sensor");

  g_assert_cmpstr (oms_temperature_chart_get_summary (f->chart), ==, "No sensor chosen");
}

static void
test_render_one (Fixture       *f,
                 gconstpointer  data)
{
  insert_logs (f->store, 1);
  oms_temperature_chart_reload (f->chart);
  show_and_render (f, "one");

  g_assert_cmpstr (oms_temperature_chart_get_summary (f->chart), ==,
                   "Vaccine fridge, the last 7 days: latest 3.0\u00a0°C at 12:00, lowest 3.0\u00a0°C, "
                   "highest 3.0\u00a0°C, 1 breach.");
  g_assert_cmpstr (oms_temperature_chart_get_legend (f->chart), ==,
                   "Limits 2.0\u00a0°C (the usual cold chain range) to 8.0\u00a0°C (from this sensor’s "
                   "breaches)");
}

static void
test_render_many (Fixture       *f,
                  gconstpointer  data)
{
  insert_logs (f->store, 10000);
  oms_temperature_chart_reload (f->chart);
  show_and_render (f, "many");

  g_assert_nonnull (strstr (oms_temperature_chart_get_summary (f->chart),
                            "highest 9.5\u00a0°C, 1 breach."));

  /* And in the dark style, with its own colours. */
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_DARK);
  gtk_widget_queue_draw (GTK_WIDGET (f->chart));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  render_to_png (GTK_WIDGET (f->window), "temperature-chart-many-week-dark.png");
}

/* Mirrored for Arabic, Dari and Pashto (test-direction-focus checks the axis' direction). */
static void
test_render_many_rtl (Fixture       *f,
                      gconstpointer  data)
{
  insert_logs (f->store, 10000);
  oms_temperature_chart_reload (f->chart);
  gtk_widget_set_direction (GTK_WIDGET (f->chart), GTK_TEXT_DIR_RTL);
  show_and_render (f, "many-rtl");
}

static void
test_narrow (Fixture       *f,
             gconstpointer  data)
{
  /* As narrow as a folded window: the legend wraps and the plot still fits. */
  insert_logs (f->store, 600);
  oms_temperature_chart_reload (f->chart);
  gtk_window_set_default_size (f->window, 240, 200);
  gtk_window_present (f->window);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  render_to_png (GTK_WIDGET (f->chart), "temperature-chart-narrow.png");
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("LANGUAGE", "C", TRUE);
  g_setenv ("TZ", "UTC", TRUE);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);

  oms_locale_init ();
  oms_test_gtk_init (&argc, &argv);
  oms_test_set_wait_timeout (20);
  adw_init ();

  g_test_add ("/oms/temperature-chart/render-empty", Fixture, NULL,
              fixture_set_up, test_render_empty, fixture_tear_down);
  g_test_add ("/oms/temperature-chart/render-no-sensor", Fixture, NULL,
              fixture_set_up, test_render_no_sensor, fixture_tear_down);
  g_test_add ("/oms/temperature-chart/render-one", Fixture, NULL,
              fixture_set_up, test_render_one, fixture_tear_down);
  g_test_add ("/oms/temperature-chart/render-many", Fixture, NULL,
              fixture_set_up, test_render_many, fixture_tear_down);
  g_test_add ("/oms/temperature-chart/render-many-rtl", Fixture, NULL,
              fixture_set_up, test_render_many_rtl, fixture_tear_down);
  g_test_add ("/oms/temperature-chart/narrow", Fixture, NULL,
              fixture_set_up, test_narrow, fixture_tear_down);

  return g_test_run ();
}
