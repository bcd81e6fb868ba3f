/* bench-ui.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bench-ui"

#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "oms-application.h"
#include "oms-locale.h"
#include "oms-sync-engine-private.h"
#include "oms-sync-settings.h"
#include "oms-sync-step.h"
#include "oms-window.h"

/* Two measurements of the window, run by bench/run-ui-benchmark:
 *
 * --sync (the default): starts omsync-central with N/2 v5 + N/2 v6 extra records, builds an
 *   OmsApplication on a fresh data directory, configures the site, shows the main window and
 *   the sync status window, keeps the main window repainting every frame and records the
 *   interval between two "after-paint" signals of the main window's frame clock from the
 *   moment "sync-now" is activated until the engine emits "run-finished". Each interval is
 *   tagged with the engine's current step, so the long gaps can be put down to a step.
 *
 * --first-frame omsync|bare: prints the time from process start to the first "after-paint"
 *   of the main window, then quits. "omsync" builds an OmsApplication as src/main.c does;
 *   "bare" builds an AdwApplication with an AdwApplicationWindow holding a header bar and a
 *   label. Process start is BENCH_EXEC_NS (set by the script with `date +%s%N` just before
 *   exec), or else the start time in /proc/self/stat (10 ms resolution).
 */

#define LONG_GAP_US 50000
#define LATE_GAP_US 25000   /* a dropped frame at 60 Hz */
#define N_WORST 10

typedef struct
{
  gint64  interval;
  char   *what;
} Gap;
#define N_STEP_SLOTS (OMS_SYNC_N_STEPS + 1)   /* the last slot: no current step */

static guint     n_records = 200000;
static char     *central_path = NULL;
static char     *first_frame = NULL;
static char     *data_dir = NULL;
static gboolean  no_redraw = FALSE;
static gboolean  show_sync_window = TRUE;
static gboolean  keep = FALSE;

/* First frame */

static gint64 process_start_us = 0;

/* Where the cold start goes: each stamp is g_get_real_time () when the phase was reached. */
enum {
  PHASE_MAIN,
  PHASE_STARTUP_DONE,
  PHASE_ACTIVATE,
  PHASE_REALIZE,
  PHASE_FIRST_PAINT,
  N_PHASES
};

static const char *phase_names[N_PHASES] = {
  "main", "startup-done", "activate", "realize", "first-paint"
};
static gint64 phase_stamps[N_PHASES];

static void
stamp (int phase)
{
  if (phase_stamps[phase] == 0)
    phase_stamps[phase] = g_get_real_time ();
}

static gint64
get_process_start_us (void)
{
  const char *env = g_getenv ("BENCH_EXEC_NS");
  g_autofree char *stat = NULL;
  g_autofree char *uptime = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_comm;
  double up;
  gint64 start_ticks;
  long hz;

  if (env != NULL && *env != '\0')
    return g_ascii_strtoll (env, NULL, 10) / 1000;

  /* Field 22 of /proc/self/stat, counted after the ")" that closes the command name. */
  if (!g_file_get_contents ("/proc/self/stat", &stat, NULL, NULL) ||
      !g_file_get_contents ("/proc/uptime", &uptime, NULL, NULL))
    return g_get_real_time ();

  after_comm = strrchr (stat, ')');
  if (after_comm == NULL)
    return g_get_real_time ();
  fields = g_strsplit (after_comm + 2, " ", -1);
  if (g_strv_length (fields) < 20)
    return g_get_real_time ();

  start_ticks = g_ascii_strtoll (fields[19], NULL, 10);
  hz = sysconf (_SC_CLK_TCK);
  up = g_ascii_strtod (uptime, NULL);

  return g_get_real_time () - (gint64) (up * G_USEC_PER_SEC)
         + start_ticks * G_USEC_PER_SEC / hz;
}

static void
first_frame_after_paint_cb (GdkFrameClock *clock,
                            GtkWindow     *window)
{
  gint64 now = g_get_real_time ();
  GtkApplication *app = gtk_window_get_application (window);

  g_signal_handlers_disconnect_by_func (clock, first_frame_after_paint_cb, window);
  stamp (PHASE_FIRST_PAINT);
  g_print ("first-frame-ms %.2f\n", (now - process_start_us) / 1e3);
  g_print ("phases");
  for (int i = 0; i < N_PHASES; i++)
    g_print (" %s=%.2f", phase_names[i], (phase_stamps[i] - process_start_us) / 1e3);
  g_print ("\n");

  if (app != NULL)
    g_application_quit (G_APPLICATION (app));
}

static void
first_frame_realize_cb (GtkWidget *window)
{
  stamp (PHASE_REALIZE);
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (first_frame_after_paint_cb), window);
}

static void
first_frame_window_added_cb (GtkApplication *app,
                             GtkWindow      *window)
{
  if (OMS_IS_WINDOW (window) || ADW_IS_APPLICATION_WINDOW (window))
    g_signal_connect_after (window, "realize", G_CALLBACK (first_frame_realize_cb), NULL);
}

static void
bare_activate_cb (GApplication *app)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (app));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *label = gtk_label_new ("Hello");

  gtk_widget_set_vexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), label);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_set_title (GTK_WINDOW (window), "bench-ui");
  /* The same size as the omsync window's default (window-width, window-height). */
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_present (GTK_WINDOW (window));
}

static void
first_frame_startup_cb (GApplication *app)
{
  stamp (PHASE_STARTUP_DONE);
}

static void
first_frame_activate_cb (GApplication *app)
{
  stamp (PHASE_ACTIVATE);
}

static int
run_first_frame (const char *argv0)
{
  g_autoptr(GApplication) app = NULL;
  char *app_argv[] = { (char *) argv0, NULL };

  if (g_strcmp0 (first_frame, "omsync") == 0)
    {
      /* As src/main.c, with --data-dir DIR. */
      oms_locale_init ();
      app = G_APPLICATION (oms_application_new ());
      if (data_dir != NULL)
        oms_application_set_data_dir (OMS_APPLICATION (app), data_dir);
    }
  else if (g_strcmp0 (first_frame, "bare") == 0)
    {
      app = G_APPLICATION (adw_application_new ("io.github.omsync.BenchBare",
                                                G_APPLICATION_NON_UNIQUE));
    }
  else
    {
      g_printerr ("bench-ui: --first-frame takes omsync or bare\n");
      return EXIT_FAILURE;
    }

  g_signal_connect (app, "window-added", G_CALLBACK (first_frame_window_added_cb), NULL);
  g_signal_connect_after (app, "startup", G_CALLBACK (first_frame_startup_cb), NULL);
  g_signal_connect (app, "activate", G_CALLBACK (first_frame_activate_cb), NULL);
  if (!OMS_IS_APPLICATION (app))
    g_signal_connect (app, "activate", G_CALLBACK (bare_activate_cb), NULL);

  return g_application_run (app, 1, app_argv);
}

/* Frame gaps while syncing */

typedef struct
{
  OmsApplication *app;
  OmsSyncEngine  *engine;
  GtkWidget      *window;
  GdkFrameClock  *clock;
  char           *url;
  GArray         *intervals;    /* gint64 µs */
  GArray         *steps;        /* int, the engine's step when the interval ended */
  GArray         *late_gaps;    /* Gap, every interval over 25 ms, with its steps and time */
  GArray         *idle;         /* gint64 µs, the same window before Sync now */
  gboolean        baseline;
  gint64          last_paint;
  gint64          last_cpu;        /* main thread CPU time at the last after-paint */
  gint64          last_wait;       /* main thread run-queue wait at the last after-paint */
  gint64          frame_work;      /* µs in before-paint → after-paint, every window */
  gint64          last_frame_work;
  gint64          sync_start;
  gint64          sync_end;
  int             last_step;
  gboolean        recording;
  gboolean        finished;
  gboolean        success;
  GError         *error;
} SyncBench;

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

static int
compare_gap_desc (gconstpointer a,
                  gconstpointer b)
{
  gint64 x = ((const Gap *) a)->interval;
  gint64 y = ((const Gap *) b)->interval;

  return (x < y) - (x > y);
}

static const char *
step_name (int step)
{
  if (step < 0 || step >= OMS_SYNC_N_STEPS)
    return "none";

  return oms_sync_step_get_nick (step);
}

static gint64
percentile (const gint64 *sorted,
            guint         n,
            double        p)
{
  guint i;

  if (n == 0)
    return 0;

  i = (guint) (p * n + 0.999999);
  if (i == 0)
    i = 1;
  if (i > n)
    i = n;

  return sorted[i - 1];
}

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  if (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
    return 0;

  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* Time this thread spent runnable but waiting for a CPU (the second field of schedstat). */
static gint64
thread_run_wait_us (void)
{
  g_autofree char *text = NULL;
  const char *second;

  if (!g_file_get_contents ("/proc/thread-self/schedstat", &text, NULL, NULL))
    return 0;
  second = strchr (text, ' ');
  if (second == NULL)
    return 0;

  return g_ascii_strtoll (second + 1, NULL, 10) / 1000;
}

/* Frame work of every window (each toplevel has its own frame clock): from the start of
 * the frame to its after-paint. */
static void
work_before_paint_cb (GdkFrameClock *clock,
                      SyncBench     *bench)
{
  g_object_set_data (G_OBJECT (clock), "bench-frame-start",
                     GSIZE_TO_POINTER ((gsize) g_get_monotonic_time ()));
}

static void
work_after_paint_cb (GdkFrameClock *clock,
                     SyncBench     *bench)
{
  gint64 start = (gint64) GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (clock),
                                                               "bench-frame-start"));

  if (start > 0)
    bench->frame_work += g_get_monotonic_time () - start;
}

static void
hook_frame_work (SyncBench     *bench,
                 GdkFrameClock *clock)
{
  if (clock == NULL || g_object_get_data (G_OBJECT (clock), "bench-hooked") != NULL)
    return;

  g_object_set_data (G_OBJECT (clock), "bench-hooked", GINT_TO_POINTER (1));
  g_signal_connect (clock, "before-paint", G_CALLBACK (work_before_paint_cb), bench);
  /* Connected before the main window's own after-paint handler, so the main window's
   * frame is counted in the gap it ends. */
  g_signal_connect (clock, "after-paint", G_CALLBACK (work_after_paint_cb), bench);
}

static void
sync_after_paint_cb (GdkFrameClock *clock,
                     SyncBench     *bench)
{
  gint64 now = g_get_monotonic_time ();
  gint64 cpu = thread_cpu_us ();
  gint64 wait = thread_run_wait_us ();
  int step = oms_sync_engine_get_current_step (bench->engine);

  if (bench->baseline && bench->last_paint > 0)
    {
      gint64 interval = now - bench->last_paint;

      g_array_append_val (bench->idle, interval);
    }
  else if (bench->recording && bench->last_paint > 0)
    {
      gint64 interval = now - bench->last_paint;
      int slot = step >= 0 && step < OMS_SYNC_N_STEPS ? step : OMS_SYNC_N_STEPS;

      g_array_append_val (bench->intervals, interval);
      g_array_append_val (bench->steps, slot);

      if (interval > LATE_GAP_US)
        {
          Gap gap = { interval, NULL };

          gap.what = g_strdup_printf ("%.1f ms in %s%s%s, ending %.2f s after Sync now; "
                                      "main thread on CPU %.1f ms, waiting for a CPU "
                                      "%.1f ms; frames (both windows) %.1f ms",
                                      interval / 1e3, step_name (bench->last_step),
                                      bench->last_step != step ? " → " : "",
                                      bench->last_step != step ? step_name (step) : "",
                                      (now - bench->sync_start) / 1e6,
                                      (cpu - bench->last_cpu) / 1e3,
                                      (wait - bench->last_wait) / 1e3,
                                      (bench->frame_work - bench->last_frame_work) / 1e3);
          g_array_append_val (bench->late_gaps, gap);
        }
    }

  bench->last_paint = now;
  bench->last_step = step;
  bench->last_cpu = cpu;
  bench->last_wait = wait;
  bench->last_frame_work = bench->frame_work;
}

static gboolean
sync_tick_cb (GtkWidget     *widget,
              GdkFrameClock *clock,
              gpointer       user_data)
{
  /* Keeps the frame clock running and, unless --no-redraw, repaints the whole window every
   * frame, as an animation in it would. */
  if (!no_redraw)
    gtk_widget_queue_draw (widget);

  return G_SOURCE_CONTINUE;
}

static void
sync_run_finished_cb (OmsSyncEngine *engine,
                      gboolean       success,
                      SyncBench     *bench)
{
  if (!bench->recording)
    return;

  bench->sync_end = g_get_monotonic_time ();
  bench->recording = FALSE;
  bench->finished = TRUE;
  bench->success = success;
  g_application_quit (G_APPLICATION (bench->app));
}

static gboolean
sync_trigger_cb (gpointer user_data)
{
  SyncBench *bench = user_data;

  g_print ("syncing...\n");
  bench->baseline = FALSE;
  bench->recording = TRUE;
  bench->sync_start = g_get_monotonic_time ();
  g_action_group_activate_action (G_ACTION_GROUP (bench->app), "sync-now", NULL);

  if (!oms_sync_engine_get_is_syncing (bench->engine))
    {
      g_set_error (&bench->error, G_IO_ERROR, G_IO_ERROR_FAILED, "sync-now started no run");
      bench->recording = FALSE;
      g_application_quit (G_APPLICATION (bench->app));
    }

  return G_SOURCE_REMOVE;
}

static gboolean
sync_start_cb (gpointer user_data)
{
  SyncBench *bench = user_data;

  bench->clock = gtk_widget_get_frame_clock (bench->window);
  if (bench->clock == NULL)
    {
      g_set_error (&bench->error, G_IO_ERROR, G_IO_ERROR_FAILED, "The window has no frame clock");
      g_application_quit (G_APPLICATION (bench->app));
      return G_SOURCE_REMOVE;
    }

  for (const GList *l = gtk_application_get_windows (GTK_APPLICATION (bench->app)); l; l = l->next)
    hook_frame_work (bench, gtk_widget_get_frame_clock (l->data));
  g_signal_connect (bench->clock, "after-paint", G_CALLBACK (sync_after_paint_cb), bench);
  gtk_widget_add_tick_callback (bench->window, sync_tick_cb, bench, NULL);
  g_signal_connect (bench->engine, "run-finished", G_CALLBACK (sync_run_finished_cb), bench);

  /* Two seconds of the same window, repainting the same way, with no sync: the baseline. */
  bench->baseline = TRUE;
  g_timeout_add (2000, sync_trigger_cb, bench);

  return G_SOURCE_REMOVE;
}

static void
sync_settings_saved_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  SyncBench *bench = user_data;

  if (!oms_sync_settings_save_finish (OMS_STORE (object), result, &bench->error))
    {
      g_application_quit (G_APPLICATION (bench->app));
      return;
    }

  /* The same polling as bench-sync: the central answers at once, so the default 15 s
   * initialisation poll would only add idle time. */
  oms_sync_engine_set_timing (bench->engine, 20, 60000, 20, 60000);
  oms_sync_engine_refresh (bench->engine);

  if (show_sync_window)
    g_action_group_activate_action (G_ACTION_GROUP (bench->app), "show-sync", NULL);

  /* Let both windows map and settle before the clock starts. */
  g_timeout_add (1000, sync_start_cb, bench);
}

static void
sync_activate_cb (GApplication *app,
                  SyncBench    *bench)
{
  OmsStore *store = oms_application_get_store (bench->app);

  if (bench->window != NULL)
    return;

  bench->engine = oms_application_get_engine (bench->app);
  for (const GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    {
      if (OMS_IS_WINDOW (l->data))
        bench->window = l->data;
    }

  if (store == NULL || bench->engine == NULL || bench->window == NULL)
    {
      g_set_error (&bench->error, G_IO_ERROR, G_IO_ERROR_FAILED, "The store did not open");
      g_application_quit (app);
      return;
    }

  oms_sync_settings_save_async (store, bench->url, "demo", "pass",
                                OMS_SYNC_DEFAULT_INTERVAL_SECONDS, NULL,
                                sync_settings_saved_cb, bench);
}

static GSubprocess *
spawn_central (const char  *dir,
               char       **url,
               GError     **error)
{
  g_autoptr(GSubprocess) central = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *n_v5 = NULL;
  g_autofree char *n_v6 = NULL;

  n_v5 = g_strdup_printf ("%u", n_records - n_records / 2);
  n_v6 = g_strdup_printf ("%u", n_records / 2);
  central = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, error, central_path,
                              "--data-dir", dir, "--listen", "127.0.0.1", "--port", "0",
                              "--demo", "--demo-records", n_v5, "--demo-v6-records", n_v6,
                              NULL);
  if (central == NULL)
    return NULL;

  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (central));
  *url = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, error);
  if (*url == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "omsync-central printed no URL");
      g_subprocess_force_exit (central);
      return NULL;
    }

  return g_steal_pointer (&central);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

static void
print_sync_results (SyncBench *bench)
{
  guint n = bench->intervals->len;
  guint n_idle = bench->idle->len;
  gint64 *idle = (gint64 *) bench->idle->data;
  g_autofree gint64 *sorted = g_memdup2 (bench->intervals->data, n * sizeof (gint64));
  gint64 p50, p99, max;
  guint n_long = 0;
  guint n_late = bench->late_gaps->len;

  qsort (sorted, n, sizeof (gint64), compare_gint64);
  p50 = percentile (sorted, n, 0.50);
  p99 = percentile (sorted, n, 0.99);
  max = n > 0 ? sorted[n - 1] : 0;
  for (guint i = 0; i < n; i++)
    n_long += sorted[i] > LONG_GAP_US;

  qsort (idle, n_idle, sizeof (gint64), compare_gint64);
  g_print ("\nbaseline (2 s before Sync now): %u frame intervals, p50 %.1f ms, p99 %.1f ms, "
           "max %.1f ms\n", n_idle, percentile (idle, n_idle, 0.50) / 1e3,
           percentile (idle, n_idle, 0.99) / 1e3,
           n_idle > 0 ? idle[n_idle - 1] / 1e3 : 0.0);
  g_print ("\nsync %s in %.2f s; %u frame intervals, %u over 25 ms (a dropped frame at "
           "60 Hz), %u over 50 ms\n", bench->success ? "succeeded" : "FAILED",
           (bench->sync_end - bench->sync_start) / 1e6, n, n_late, n_long);

  g_print ("\nPer step (the step current when the frame was painted):\n\n");
  g_print ("| step | frames | p50 | p99 | max | over 50 ms |\n");
  g_print ("|---|---|---|---|---|---|\n");
  for (int slot = 0; slot < N_STEP_SLOTS; slot++)
    {
      g_autoptr(GArray) sub = g_array_new (FALSE, FALSE, sizeof (gint64));
      guint over = 0;

      for (guint i = 0; i < n; i++)
        {
          if (g_array_index (bench->steps, int, i) == slot)
            {
              gint64 v = g_array_index (bench->intervals, gint64, i);

              g_array_append_val (sub, v);
              over += v > LONG_GAP_US;
            }
        }
      if (sub->len == 0)
        continue;

      qsort (sub->data, sub->len, sizeof (gint64), compare_gint64);
      g_print ("| %s | %u | %.1f ms | %.1f ms | %.1f ms | %u |\n",
               step_name (slot < OMS_SYNC_N_STEPS ? slot : -1), sub->len,
               percentile ((gint64 *) sub->data, sub->len, 0.50) / 1e3,
               percentile ((gint64 *) sub->data, sub->len, 0.99) / 1e3,
               g_array_index (sub, gint64, sub->len - 1) / 1e3, over);
    }

  if (n_late > 0)
    {
      g_array_sort (bench->late_gaps, compare_gap_desc);
      g_print ("\nThe %u longest gaps (step at the frame before → step at the late frame):\n\n",
               MIN (n_late, N_WORST));
      for (guint i = 0; i < n_late && i < N_WORST; i++)
        g_print ("- %s\n", g_array_index (bench->late_gaps, Gap, i).what);
    }

  g_print ("\n");
  g_print ("SYNC-ROW| frame interval, idle window before the sync (%u frames) | "
           "p50 %.1f ms, p99 %.1f ms, max %.1f ms | | |\n", n_idle,
           percentile (idle, n_idle, 0.50) / 1e3, percentile (idle, n_idle, 0.99) / 1e3,
           n_idle > 0 ? idle[n_idle - 1] / 1e3 : 0.0);
  /* Issue 14's targets: a 60 Hz clock paces frames 16.7 ms apart, so they bound the late
   * frames instead of p99: at most 0.5 % later than 25 ms, none later than 33 ms.
   */
  g_print ("SYNC-ROW| frame interval while syncing %u records (%u frames, %.1f s) | "
           "p50 %.1f ms, p99 %.1f ms | | |\n",
           n_records, n, (bench->sync_end - bench->sync_start) / 1e6, p50 / 1e3, p99 / 1e3);
  g_print ("SYNC-ROW| frames later than 25 ms while syncing | %u of %u (%.2f %%) | ≤ 0.5 %% | "
           "%s |\n", n_late, n, n > 0 ? 100.0 * n_late / n : 0.0,
           n_late * 200 <= n ? "met" : "not met");
  g_print ("SYNC-ROW| longest frame gap while syncing; gaps over 50 ms | %.1f ms; %u | "
           "none over 33 ms | %s |\n", max / 1e3, n_long, max <= 33000 ? "met" : "not met");
}

static int
run_sync (const char *argv0)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) central = NULL;
  g_autoptr(OmsApplication) app = NULL;
  g_autofree char *root = NULL;
  g_autofree char *central_dir = NULL;
  g_autofree char *site_dir = NULL;
  char *app_argv[] = { (char *) argv0, NULL };
  SyncBench bench = { 0 };
  gint64 start;
  int status = EXIT_FAILURE;

  root = g_dir_make_tmp ("omsync-bench-ui-XXXXXX", &error);
  if (root == NULL)
    goto out;
  central_dir = g_build_filename (root, "central", NULL);
  site_dir = g_build_filename (root, "site", NULL);
  g_mkdir (central_dir, 0700);

  g_print ("Seeding omsync-central with %u extra records (half v6)...\n", n_records);
  start = g_get_monotonic_time ();
  central = spawn_central (central_dir, &bench.url, &error);
  if (central == NULL)
    goto out;
  g_print ("central ready at %s after %.1f s\n", bench.url,
           (g_get_monotonic_time () - start) / 1e6);

  bench.intervals = g_array_new (FALSE, FALSE, sizeof (gint64));
  bench.steps = g_array_new (FALSE, FALSE, sizeof (int));
  bench.late_gaps = g_array_new (FALSE, FALSE, sizeof (Gap));
  bench.idle = g_array_new (FALSE, FALSE, sizeof (gint64));
  bench.last_step = -1;

  oms_locale_init ();
  app = oms_application_new ();
  bench.app = app;
  oms_application_set_data_dir (app, site_dir);
  g_signal_connect_after (app, "activate", G_CALLBACK (sync_activate_cb), &bench);
  g_application_run (G_APPLICATION (app), 1, app_argv);

  if (bench.error != NULL)
    {
      error = g_steal_pointer (&bench.error);
      goto out;
    }
  if (!bench.finished)
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_FAILED, "The sync run did not finish");
      goto out;
    }

  print_sync_results (&bench);
  status = bench.success ? EXIT_SUCCESS : EXIT_FAILURE;

out:
  if (error != NULL)
    g_printerr ("bench-ui: %s\n", error->message);
  if (central != NULL)
    {
      g_subprocess_send_signal (central, SIGTERM);
      g_subprocess_wait (central, NULL, NULL);
    }
  g_clear_object (&app);
  if (root != NULL && !keep)
    remove_tree (root);
  else if (root != NULL)
    g_print ("Data kept in %s\n", root);
  if (bench.late_gaps != NULL)
    {
      for (guint i = 0; i < bench.late_gaps->len; i++)
        g_free (g_array_index (bench.late_gaps, Gap, i).what);
      g_array_unref (bench.late_gaps);
    }
  g_clear_pointer (&bench.intervals, g_array_unref);
  g_clear_pointer (&bench.steps, g_array_unref);
  g_clear_pointer (&bench.idle, g_array_unref);
  g_free (bench.url);

  return status;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  gboolean no_sync_window = FALSE;
  const GOptionEntry entries[] = {
    { "records", 'n', 0, G_OPTION_ARG_INT, &n_records,
      "Extra central records to sync, half v5 and half v6 (default 200000)", "N" },
    { "central", 0, 0, G_OPTION_ARG_FILENAME, &central_path,
      "The omsync-central executable", "PATH" },
    { "no-redraw", 0, 0, G_OPTION_ARG_NONE, &no_redraw,
      "Keep the frame clock ticking without repainting the window every frame", NULL },
    { "no-sync-window", 0, 0, G_OPTION_ARG_NONE, &no_sync_window,
      "Do not open the sync status window while syncing", NULL },
    { "first-frame", 0, 0, G_OPTION_ARG_STRING, &first_frame,
      "Print the time from process start to the first frame and quit", "omsync|bare" },
    { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir,
      "With --first-frame omsync: the data directory", "DIR" },
    { "keep", 0, 0, G_OPTION_ARG_NONE, &keep, "Keep the data directories", NULL },
    { NULL }
  };

  /* Before anything else, so that option parsing is inside the measured time. */
  process_start_us = get_process_start_us ();
  stamp (PHASE_MAIN);

  setlocale (LC_ALL, "");
  context = g_option_context_new ("— the window while syncing, and cold start to first frame");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-ui: %s\n", error->message);
      return EXIT_FAILURE;
    }
  show_sync_window = !no_sync_window;

  if (first_frame != NULL)
    return run_first_frame (argv[0]);

  if (central_path == NULL)
    central_path = g_strdup (OMSYNC_CENTRAL_PATH);
  if (g_getenv ("OMSYNC_HARDWARE_ID") == NULL)
    g_setenv ("OMSYNC_HARDWARE_ID", "bench-machine-1", TRUE);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  return run_sync (argv[0]);
}
