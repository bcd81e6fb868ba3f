/* test-records-page.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "oms-records-page.h"
#include "oms-test-records.h"
#include "ui-test-util.h"

/* The Records page (issue 13): what waits to be sent and what could not be integrated, in
 * people's words, and Try again, on a real store in a shown window.
 */

typedef struct
{
  OmsTestTmpDir  *dir;
  OmsStore       *store;
  GtkWidget      *window;
  OmsRecordsPage *page;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = oms_test_make_tmp_dir ("oms-records-page-XXXXXX");
  f->store = oms_store_open ((const char *) f->dir, &error);
  g_assert_no_error (error);
  oms_test_records_add_site (f->store);

  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 900, 700);
  f->page = g_object_new (OMS_TYPE_RECORDS_PAGE, NULL);
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (f->page));
  gtk_window_present (GTK_WINDOW (f->window));
  oms_test_drain_main_context ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  oms_test_drain_main_context ();
  g_clear_object (&f->store);
  g_clear_pointer (&f->dir, oms_test_tmp_dir_free);
}

typedef struct
{
  const char *title;
  const char *subtitle_part;   /* nullable */
} RowMatch;

static gboolean
match_row (GtkWidget      *widget,
           const RowMatch *match)
{
  const char *subtitle;

  if (!ADW_IS_ACTION_ROW (widget) || !gtk_widget_get_mapped (widget) ||
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), match->title) != 0)
    return FALSE;

  subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (widget));
  return match->subtitle_part == NULL ||
         (subtitle != NULL && strstr (subtitle, match->subtitle_part) != NULL);
}

static GtkWidget *
find_row (GtkWidget      *root,
          const RowMatch *match)
{
  if (match_row (root, match))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, match);

      if (found != NULL)
        return found;
    }

  return NULL;
}

typedef struct
{
  Fixture  *f;
  RowMatch  match;
  gboolean  shown;
} RowWait;

static gboolean
row_is (gpointer data)
{
  RowWait *wait = data;

  return (find_row (GTK_WIDGET (wait->f->page), &wait->match) != NULL) == wait->shown;
}

static GtkWidget *
wait_for_row (Fixture    *f,
              const char *title,
              const char *subtitle_part)
{
  RowWait wait = { f, { title, subtitle_part }, TRUE };

  g_assert_true (oms_test_wait_until (row_is, &wait));
  return find_row (GTK_WIDGET (f->page), &wait.match);
}

static void
wait_for_no_row (Fixture    *f,
                 const char *title)
{
  RowWait wait = { f, { title, NULL }, FALSE };

  g_assert_true (oms_test_wait_until (row_is, &wait));
}

static GtkWidget *
find_button (GtkWidget  *root,
             const char *label)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* For tests/ui/make-screenshots.sh: the page as drawn, when OMSYNC_SCREENSHOT_DIR is set. */
static void
maybe_save_screenshot (Fixture    *f,
                       const char *name)
{
  const char *dir = g_getenv ("OMSYNC_SCREENSHOT_DIR");
  g_autoptr(GskRenderer) renderer = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  GtkSnapshot *snapshot;
  GskRenderNode *node;
  GtkWidget *page = GTK_WIDGET (f->page);
  int width = gtk_widget_get_width (page);
  int height = gtk_widget_get_height (page);

  if (dir == NULL)
    return;

  gtk_test_widget_wait_for_draw (f->window);
  snapshot = gtk_snapshot_new ();
  gtk_widget_snapshot_child (f->window, page, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  renderer = gsk_cairo_renderer_new ();
  g_assert_true (gsk_renderer_realize (renderer, NULL, &error));
  g_assert_no_error (error);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gsk_renderer_unrealize (renderer);
  gsk_render_node_unref (node);

  path = g_build_filename (dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Wrote %s", path);
}

static gint64
merge_failures (OmsStore *store)
{
  return oms_test_query_int (store, "SELECT count(*) FROM sync_buffer WHERE action = 'MERGE' "
                                    "AND integration_error IS NOT NULL");
}

/* The failed record is listed again with a Try again button that can be pressed: a retry
 * has ended and the page read the store again.
 */
static gboolean
try_again_ready (gpointer data)
{
  Fixture *f = data;
  RowMatch match = { "Name: N-gone merged into N-keep", NULL };
  GtkWidget *row = find_row (GTK_WIDGET (f->page), &match);
  GtkWidget *button = row != NULL ? find_button (row, "Try again") : NULL;

  return button != NULL && gtk_widget_get_sensitive (button);
}

/* A local change is listed in people's words, with its table, its action, since when it
 * waits and for which central.
 */
static void
test_waiting (Fixture       *f,
              gconstpointer  data)
{
  GtkWidget *row;

  oms_records_page_set_store (f->page, f->store);
  oms_test_records_add_log (f->store, "T1", 4.2);

  row = wait_for_row (f, "Temperature log 4.2 °C, Fridge 1, 7 Jan 23:45",
                      "Temperature log · added or changed · waiting since ");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)),
                            "· for the mSupply central (v5)"));

  /* The table counts use people's names. */
  g_assert_nonnull (wait_for_row (f, "Temperature log", NULL));
  g_assert_null (find_row (GTK_WIDGET (f->page), &(RowMatch) { "temperature_log", NULL }));
}

/* A long queue shows its newest records and counts the rest. */
static void
test_waiting_is_limited (Fixture       *f,
                         gconstpointer  data)
{
  for (guint i = 0; i < 120; i++)
    {
      g_autofree char *id = g_strdup_printf ("T%03u", i);

      oms_test_records_add_log (f->store, id, i == 119 ? 9.9 : 4.0);
    }
  oms_records_page_set_store (f->page, f->store);

  wait_for_row (f, "Temperature log 9.9 °C, Fridge 1, 7 Jan 23:45", NULL);
  wait_for_row (f, "And 70 more", NULL);
}

/* A pulled record that fails to integrate is listed with its error; Try again integrates it
 * once its cause is fixed, and not before.
 */
static void
test_failed_and_try_again (Fixture       *f,
                           gconstpointer  data)
{
  const char *title = "Name: N-gone merged into N-keep";
  GtkWidget *row;
  GtkWidget *button;

  oms_test_records_add_failing (f->store);
  g_assert_cmpint (merge_failures (f->store), ==, 1);
  oms_test_records_add_log (f->store, "T1", 4.2);
  oms_records_page_set_store (f->page, f->store);

  wait_for_row (f, "Temperature log 4.2 °C, Fridge 1, 7 Jan 23:45", NULL);
  row = wait_for_row (f, title, "Could not find name link with id N-keep");
  maybe_save_screenshot (f, "records-failed.png");

  /* Cause not fixed: it still fails, and stays listed. */
  button = find_button (row, "Try again");
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  g_assert_false (gtk_widget_get_sensitive (button));
  g_assert_true (oms_test_wait_until (try_again_ready, f));
  g_assert_cmpint (merge_failures (f->store), ==, 1);

  /* Fixed: Try again integrates it and the section goes. */
  oms_test_records_fix_failing (f->store);
  row = wait_for_row (f, title, NULL);
  button = find_button (row, "Try again");
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
  wait_for_no_row (f, title);
  g_assert_cmpint (merge_failures (f->store), ==, 0);
  g_assert_cmpint (oms_test_query_int (f->store, "SELECT count(*) FROM name_link "
                                                 "WHERE id = 'N-gone' AND name_id = 'N-keep'"),
                   ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  /* The times shown are local: make them the same everywhere. */
  g_setenv ("TZ", "UTC", TRUE);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);

  oms_test_gtk_init (&argc, &argv);
  adw_init ();
  oms_test_set_wait_timeout (30);

  g_test_add ("/oms/ui/records/waiting", Fixture, NULL, fixture_set_up, test_waiting,
              fixture_tear_down);
  g_test_add ("/oms/ui/records/waiting-is-limited", Fixture, NULL, fixture_set_up,
              test_waiting_is_limited, fixture_tear_down);
  g_test_add ("/oms/ui/records/failed-and-try-again", Fixture, NULL, fixture_set_up,
              test_failed_and_try_again, fixture_tear_down);

  return g_test_run ();
}
