/* test-sync-window.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-sync-window"

#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "oms-application.h"
#include "oms-central-server.h"
#include "oms-error-button.h"
#include "oms-http-private.h"
#include "oms-locale.h"
#include "oms-stepper.h"
#include "oms-sync-error-text.h"
#include "oms-store-private.h"
#include "oms-sync-badge.h"
#include "oms-sync-engine-private.h"
#include "oms-sync-settings.h"
#include "oms-sync-summary.h"
#include "oms-sync-window.h"
#include "oms-test-central.h"
#include "oms-test-network-monitor.h"
#include "oms-window.h"
#include "ui-test-util.h"

#define USEC_PER_DAY    (G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC)

/* A run whose steps @first..@last (inclusive) finished, and @active started only. */
static OmsSyncRun *
make_run (int first_done,
          int last_done,
          int active)
{
  OmsSyncRun *run = g_new0 (OmsSyncRun, 1);
  gint64 now = g_get_real_time ();

  run->id = g_strdup ("run-1");
  run->started = now - 10 * G_USEC_PER_SEC;

  for (int i = first_done; i >= 0 && i <= last_done; i++)
    {
      run->steps[i].started = now - 9 * G_USEC_PER_SEC;
      run->steps[i].finished = now - 8 * G_USEC_PER_SEC;
      if (oms_sync_step_has_progress (i))
        {
          run->steps[i].has_total = TRUE;
          run->steps[i].total = 0;
        }
    }

  if (active >= 0)
    run->steps[active].started = now - 2 * G_USEC_PER_SEC;

  return run;
}

/* Stepper */

static void
test_stepper_operational (void)
{
  GtkWidget *stepper = g_object_ref_sink (oms_stepper_new ());
  OmsStepper *s = OMS_STEPPER (stepper);
  g_autoptr(OmsSyncRun) run = make_run (OMS_SYNC_STEP_PUSH_V6, OMS_SYNC_STEP_PUSH_V6,
                                        OMS_SYNC_STEP_PUSH);

  run->steps[OMS_SYNC_STEP_PUSH_V6].total = 480;
  run->steps[OMS_SYNC_STEP_PUSH_V6].done = 480;
  run->steps[OMS_SYNC_STEP_PUSH].has_total = TRUE;
  run->steps[OMS_SYNC_STEP_PUSH].total = 480;
  run->steps[OMS_SYNC_STEP_PUSH].done = 120;

  oms_stepper_set_run (s, run, OMS_SYNC_MODE_OPERATIONAL, TRUE, TRUE);

  g_assert_cmpuint (oms_stepper_get_n_steps (s), ==, 6);
  g_assert_cmpint (oms_stepper_get_step_state (s, OMS_SYNC_STEP_PREPARE_INITIAL), ==,
                   OMS_STEPPER_STATE_ABSENT);
  g_assert_cmpint (oms_stepper_get_step_state (s, OMS_SYNC_STEP_PUSH_V6), ==,
                   OMS_STEPPER_STATE_COMPLETED);
  g_assert_cmpint (oms_stepper_get_step_state (s, OMS_SYNC_STEP_PUSH), ==,
                   OMS_STEPPER_STATE_ACTIVE);
  for (OmsSyncStep i = OMS_SYNC_STEP_PULL_CENTRAL; i <= OMS_SYNC_STEP_INTEGRATE; i++)
    g_assert_cmpint (oms_stepper_get_step_state (s, i), ==, OMS_STEPPER_STATE_PENDING);

  /* Each push step's total is its own. */
  g_assert_cmpstr (oms_stepper_get_step_progress_label (s, OMS_SYNC_STEP_PUSH_V6), ==,
                   "480 / 480");
  g_assert_cmpstr (oms_stepper_get_step_progress_label (s, OMS_SYNC_STEP_PUSH), ==,
                   "120 / 480");
  g_assert_null (oms_stepper_get_step_progress_label (s, OMS_SYNC_STEP_PULL_CENTRAL));

  g_assert_cmpstr (oms_stepper_get_step_accessible_label (s, OMS_SYNC_STEP_PUSH_V6), ==,
                   "Push V6, step 1 of 6, completed, 480 of 480");
  g_assert_cmpstr (oms_stepper_get_step_accessible_label (s, OMS_SYNC_STEP_PUSH), ==,
                   "Push, step 2 of 6, in progress, 120 of 480");
  g_assert_cmpstr (oms_stepper_get_step_accessible_label (s, OMS_SYNC_STEP_INTEGRATE), ==,
                   "Integrate, step 6 of 6, not started");

  g_assert_cmpstr (oms_stepper_get_step_icon_name (s, OMS_SYNC_STEP_PUSH), ==, "go-up-symbolic");
  g_assert_cmpstr (oms_stepper_get_step_icon_name (s, OMS_SYNC_STEP_PULL_REMOTE), ==,
                   "go-down-symbolic");
  g_assert_cmpstr (oms_stepper_get_step_icon_name (s, OMS_SYNC_STEP_INTEGRATE), ==,
                   "document-save-symbolic");

  /* The connector into the active step is filled; the one after it is not. */
  g_assert_false (oms_stepper_get_connector_filled (s, OMS_SYNC_STEP_PUSH_V6));
  g_assert_true (oms_stepper_get_connector_filled (s, OMS_SYNC_STEP_PUSH));
  g_assert_false (oms_stepper_get_connector_filled (s, OMS_SYNC_STEP_PULL_CENTRAL));
  g_assert_true (gtk_widget_has_css_class (stepper, "stepper") ||
                 g_strcmp0 (gtk_widget_get_css_name (stepper), "stepper") == 0);
  g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (stepper)), ==,
                   GTK_ACCESSIBLE_ROLE_LIST);

  g_object_unref (stepper);
}

/* While the running step's request hears nothing from the server, the step says so in place of
 * its count, and stops saying so when bytes flow again or the run ends.
 */
static void
test_stepper_waiting (void)
{
  GtkWidget *stepper = g_object_ref_sink (oms_stepper_new ());
  OmsStepper *s = OMS_STEPPER (stepper);
  g_autoptr(OmsSyncRun) run = make_run (OMS_SYNC_STEP_PUSH_V6, OMS_SYNC_STEP_PUSH,
                                        OMS_SYNC_STEP_PULL_CENTRAL);

  run->steps[OMS_SYNC_STEP_PULL_CENTRAL].has_total = TRUE;
  run->steps[OMS_SYNC_STEP_PULL_CENTRAL].total = 500;
  run->steps[OMS_SYNC_STEP_PULL_CENTRAL].done = 100;
  oms_stepper_set_run (s, run, OMS_SYNC_MODE_OPERATIONAL, TRUE, TRUE);
  g_assert_cmpstr (oms_stepper_get_step_progress_label (s, OMS_SYNC_STEP_PULL_CENTRAL), ==,
                   "100 / 500");

  oms_stepper_set_waiting (s, TRUE);
  g_assert_cmpstr (oms_stepper_get_step_progress_label (s, OMS_SYNC_STEP_PULL_CENTRAL), ==,
                   "Waiting for the server…");
  g_assert_cmpstr (oms_stepper_get_step_accessible_label (s, OMS_SYNC_STEP_PULL_CENTRAL), ==,
                   "Pull central, step 3 of 6, in progress, 100 of 500, waiting for the server");
  /* Only the running step waits. */
  g_assert_null (oms_stepper_get_step_progress_label (s, OMS_SYNC_STEP_PUSH));
  g_assert_null (oms_stepper_get_step_progress_label (s, OMS_SYNC_STEP_PULL_REMOTE));

  /* Progress while waiting keeps the wait shown; the count is back once bytes flow. */
  run->steps[OMS_SYNC_STEP_PULL_CENTRAL].done = 200;
  oms_stepper_set_run (s, run, OMS_SYNC_MODE_OPERATIONAL, TRUE, TRUE);
  g_assert_cmpstr (oms_stepper_get_step_progress_label (s, OMS_SYNC_STEP_PULL_CENTRAL), ==,
                   "Waiting for the server…");
  oms_stepper_set_waiting (s, FALSE);
  g_assert_cmpstr (oms_stepper_get_step_progress_label (s, OMS_SYNC_STEP_PULL_CENTRAL), ==,
                   "200 / 500");
  g_assert_cmpstr (oms_stepper_get_step_accessible_label (s, OMS_SYNC_STEP_PULL_CENTRAL), ==,
                   "Pull central, step 3 of 6, in progress, 200 of 500");

  /* A step that is not running never says it waits. */
  oms_stepper_set_waiting (s, TRUE);
  oms_stepper_set_run (s, run, OMS_SYNC_MODE_OPERATIONAL, TRUE, FALSE);
  g_assert_cmpstr (oms_stepper_get_step_progress_label (s, OMS_SYNC_STEP_PULL_CENTRAL), ==,
                   "200 / 500");

  g_object_unref (stepper);
}

static void
test_stepper_initialising (void)
{
  GtkWidget *stepper = g_object_ref_sink (oms_stepper_new ());
  OmsStepper *s = OMS_STEPPER (stepper);
  g_autoptr(OmsSyncRun) run = make_run (OMS_SYNC_STEP_PREPARE_INITIAL,
                                        OMS_SYNC_STEP_PREPARE_INITIAL,
                                        OMS_SYNC_STEP_PULL_CENTRAL);

  run->steps[OMS_SYNC_STEP_PULL_CENTRAL].has_total = TRUE;
  run->steps[OMS_SYNC_STEP_PULL_CENTRAL].total = 4;

  oms_stepper_set_run (s, run, OMS_SYNC_MODE_INITIALISING, TRUE, TRUE);

  g_assert_cmpuint (oms_stepper_get_n_steps (s), ==, 5);
  g_assert_cmpint (oms_stepper_get_step_state (s, OMS_SYNC_STEP_PUSH_V6), ==,
                   OMS_STEPPER_STATE_ABSENT);
  g_assert_cmpint (oms_stepper_get_step_state (s, OMS_SYNC_STEP_PUSH), ==,
                   OMS_STEPPER_STATE_ABSENT);
  g_assert_cmpstr (oms_stepper_get_step_accessible_label (s, OMS_SYNC_STEP_PREPARE_INITIAL), ==,
                   "Prepare, step 1 of 5, completed");
  g_assert_cmpstr (oms_stepper_get_step_icon_name (s, OMS_SYNC_STEP_PREPARE_INITIAL), ==,
                   "emblem-system-symbolic");
  g_assert_cmpstr (oms_stepper_get_step_progress_label (s, OMS_SYNC_STEP_PULL_CENTRAL), ==,
                   "0 / 4");
  g_assert_cmpstr (oms_stepper_get_step_accessible_label (s, OMS_SYNC_STEP_PULL_CENTRAL), ==,
                   "Pull central, step 2 of 5, in progress, 0 of 4");
  g_assert_cmpstr (oms_stepper_get_step_accessible_label (s, OMS_SYNC_STEP_INTEGRATE), ==,
                   "Integrate, step 5 of 5, not started");

  /* Without an Open mSupply central the V6 steps are gone and the numbering follows. */
  oms_stepper_set_run (s, run, OMS_SYNC_MODE_INITIALISING, FALSE, TRUE);
  g_assert_cmpuint (oms_stepper_get_n_steps (s), ==, 4);
  g_assert_cmpint (oms_stepper_get_step_state (s, OMS_SYNC_STEP_PULL_V6), ==,
                   OMS_STEPPER_STATE_ABSENT);
  g_assert_cmpstr (oms_stepper_get_step_accessible_label (s, OMS_SYNC_STEP_INTEGRATE), ==,
                   "Integrate, step 4 of 4, not started");

  oms_stepper_set_run (s, NULL, OMS_SYNC_MODE_OPERATIONAL, FALSE, FALSE);
  g_assert_cmpuint (oms_stepper_get_n_steps (s), ==, 4);
  g_assert_cmpstr (oms_stepper_get_step_accessible_label (s, OMS_SYNC_STEP_PUSH), ==,
                   "Push, step 1 of 4, not started");

  g_object_unref (stepper);
}

static void
test_stepper_failed (void)
{
  GtkWidget *stepper = g_object_ref_sink (oms_stepper_new ());
  OmsStepper *s = OMS_STEPPER (stepper);
  g_autoptr(OmsSyncRun) run = make_run (OMS_SYNC_STEP_PUSH_V6, OMS_SYNC_STEP_PUSH,
                                        OMS_SYNC_STEP_PULL_CENTRAL);
  OmsErrorButton *button;

  run->finished = g_get_real_time ();
  run->error_message = g_strdup ("Error while pulling central records: 503 down");
  run->error_code = g_strdup (oms_sync_error_variant_to_error_code (
                                OMS_SYNC_ERROR_VARIANT_CONNECTION_ERROR));

  oms_stepper_set_run (s, run, OMS_SYNC_MODE_OPERATIONAL, TRUE, FALSE);

  g_assert_cmpint (oms_stepper_get_step_state (s, OMS_SYNC_STEP_PULL_CENTRAL), ==,
                   OMS_STEPPER_STATE_FAILED);
  /* Never the normal glyph (Open mSupply's #9839). */
  g_assert_cmpstr (oms_stepper_get_step_icon_name (s, OMS_SYNC_STEP_PULL_CENTRAL), ==,
                   "dialog-error-symbolic");
  g_assert_cmpstr (oms_stepper_get_step_accessible_label (s, OMS_SYNC_STEP_PULL_CENTRAL), ==,
                   "Pull central, step 3 of 6, failed");
  g_assert_cmpint (oms_stepper_get_step_state (s, OMS_SYNC_STEP_PULL_REMOTE), ==,
                   OMS_STEPPER_STATE_PENDING);
  g_assert_true (oms_stepper_get_connector_filled (s, OMS_SYNC_STEP_PULL_CENTRAL));

  button = OMS_ERROR_BUTTON (oms_stepper_get_error_button (s, OMS_SYNC_STEP_PULL_CENTRAL));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (button)));
  g_assert_false (gtk_widget_get_visible (oms_stepper_get_error_button (s, OMS_SYNC_STEP_PUSH)));
  g_assert_cmpstr (oms_error_button_get_message_text (button), ==,
                   "Unable to connect to server");
  g_assert_cmpstr (oms_error_button_get_detail_text (button), ==, run->error_message);

  /* A run that failed before its first step (the central unreachable at sign-in) marks no
   * step failed: every step is still to do, and none shows an error button.
   */
  {
    g_autoptr(OmsSyncRun) early = make_run (-1, -1, -1);

    early->finished = g_get_real_time ();
    early->error_message = g_strdup ("Sync api error, route: '/sync/v5/site' -> 503 down");
    early->error_code = g_strdup (oms_sync_error_variant_to_error_code (
                                    OMS_SYNC_ERROR_VARIANT_CONNECTION_ERROR));
    oms_stepper_set_run (s, early, OMS_SYNC_MODE_OPERATIONAL, TRUE, FALSE);
    for (OmsSyncStep step = 0; step < OMS_SYNC_N_STEPS; step++)
      {
        if (step == OMS_SYNC_STEP_PREPARE_INITIAL)
          continue;
        g_assert_cmpint (oms_stepper_get_step_state (s, step), ==, OMS_STEPPER_STATE_PENDING);
        g_assert_false (gtk_widget_get_visible (oms_stepper_get_error_button (s, step)));
      }
  }
  oms_stepper_set_run (s, run, OMS_SYNC_MODE_OPERATIONAL, TRUE, FALSE);

  /* An interrupted run stopped; it did not fail. */
  g_clear_pointer (&run->error_message, g_free);
  g_clear_pointer (&run->error_code, g_free);
  run->interrupted = TRUE;
  oms_stepper_set_run (s, run, OMS_SYNC_MODE_OPERATIONAL, TRUE, FALSE);
  g_assert_cmpint (oms_stepper_get_step_state (s, OMS_SYNC_STEP_PULL_CENTRAL), ==,
                   OMS_STEPPER_STATE_PENDING);
  g_assert_cmpstr (oms_stepper_get_step_icon_name (s, OMS_SYNC_STEP_PULL_CENTRAL), ==,
                   "go-down-symbolic");
  g_assert_false (gtk_widget_get_visible (oms_stepper_get_error_button (s,
                                                                        OMS_SYNC_STEP_PULL_CENTRAL)));

  g_object_unref (stepper);
}

static void
test_stepper_skipped (void)
{
  GtkWidget *stepper = g_object_ref_sink (oms_stepper_new ());
  OmsStepper *s = OMS_STEPPER (stepper);
  g_autoptr(OmsSyncRun) run = make_run (OMS_SYNC_STEP_PUSH_V6, OMS_SYNC_STEP_PULL_REMOTE, -1);

  run->finished = g_get_real_time ();
  run->steps[OMS_SYNC_STEP_PULL_CENTRAL].total = 12;
  run->steps[OMS_SYNC_STEP_PULL_CENTRAL].done = 12;
  /* Pull remote ran but had nothing to count; Pull V6 and Integrate never started. */
  run->steps[OMS_SYNC_STEP_PULL_REMOTE].has_total = FALSE;

  oms_stepper_set_run (s, run, OMS_SYNC_MODE_OPERATIONAL, TRUE, FALSE);

  g_assert_cmpint (oms_stepper_get_step_state (s, OMS_SYNC_STEP_PULL_CENTRAL), ==,
                   OMS_STEPPER_STATE_COMPLETED);
  g_assert_cmpint (oms_stepper_get_step_state (s, OMS_SYNC_STEP_PULL_REMOTE), ==,
                   OMS_STEPPER_STATE_SKIPPED);
  g_assert_cmpint (oms_stepper_get_step_state (s, OMS_SYNC_STEP_PULL_V6), ==,
                   OMS_STEPPER_STATE_SKIPPED);
  g_assert_cmpstr (oms_stepper_get_step_accessible_label (s, OMS_SYNC_STEP_PULL_REMOTE), ==,
                   "Pull remote, step 4 of 6, skipped");
  /* A step that ran with a total of 0 is complete, and shows no "0 / 0". */
  g_assert_cmpint (oms_stepper_get_step_state (s, OMS_SYNC_STEP_PUSH), ==,
                   OMS_STEPPER_STATE_COMPLETED);
  g_assert_null (oms_stepper_get_step_progress_label (s, OMS_SYNC_STEP_PUSH));

  g_object_unref (stepper);
}

/* Badge */

typedef struct
{
  gint64               queued;
  double               days_ago;     /* < 0: never synced */
  gboolean             has_error;
  OmsSyncErrorVariant  variant;
  const char          *text;
  OmsSyncBadgeLevel    level;
  const char          *icon;
  const char          *tooltip_part;
} BadgeCase;

static void
test_badge_table (void)
{
  static const BadgeCase cases[] = {
    { 0, 0.1, FALSE, 0, NULL, OMS_SYNC_BADGE_LEVEL_NEUTRAL, NULL, NULL },
    { 1, 0.1, FALSE, 0, "1", OMS_SYNC_BADGE_LEVEL_NEUTRAL, NULL, "1 record waiting" },
    { 99, 0.1, FALSE, 0, "99", OMS_SYNC_BADGE_LEVEL_NEUTRAL, NULL, "99 records waiting" },
    { 100, 0.1, FALSE, 0, "99+", OMS_SYNC_BADGE_LEVEL_NEUTRAL, NULL, "100 records waiting" },
    { 12345, 0.9, FALSE, 0, "99+", OMS_SYNC_BADGE_LEVEL_NEUTRAL, NULL, "12345 records" },
    { 5, 1.0, FALSE, 0, "5", OMS_SYNC_BADGE_LEVEL_WARNING, NULL, "1 day ago" },
    { 5, 2.9, FALSE, 0, "5", OMS_SYNC_BADGE_LEVEL_WARNING, NULL, "2 days ago" },
    { 5, 3.0, FALSE, 0, "5", OMS_SYNC_BADGE_LEVEL_ERROR, NULL, "3 days ago" },
    /* Staleness shows even with nothing queued. */
    { 0, 1.5, FALSE, 0, NULL, OMS_SYNC_BADGE_LEVEL_WARNING, "dialog-warning-symbolic", "1 day" },
    { 0, 10, FALSE, 0, NULL, OMS_SYNC_BADGE_LEVEL_ERROR, "dialog-warning-symbolic", "10 days" },
    /* A site that never synced says so. */
    { 0, -1, FALSE, 0, NULL, OMS_SYNC_BADGE_LEVEL_WARNING, "dialog-warning-symbolic",
      "Never synced successfully" },
    { 7, -1, FALSE, 0, "7", OMS_SYNC_BADGE_LEVEL_WARNING, NULL, "Never synced successfully" },
    /* A connection error alone only follows the age. */
    { 0, 0.1, TRUE, OMS_SYNC_ERROR_VARIANT_CONNECTION_ERROR, NULL, OMS_SYNC_BADGE_LEVEL_NEUTRAL,
      NULL, NULL },
    { 3, 1.2, TRUE, OMS_SYNC_ERROR_VARIANT_CONNECTION_ERROR, "3", OMS_SYNC_BADGE_LEVEL_WARNING,
      NULL, "3 records" },
    /* Any other error shows an error icon at once. */
    { 0, 0.1, TRUE, OMS_SYNC_ERROR_VARIANT_INCORRECT_PASSWORD, NULL, OMS_SYNC_BADGE_LEVEL_ERROR,
      "dialog-error-symbolic", "Incorrect password" },
    { 12, 0.1, TRUE, OMS_SYNC_ERROR_VARIANT_INTEGRATION_ERROR, "12", OMS_SYNC_BADGE_LEVEL_ERROR,
      "dialog-error-symbolic", "12 records" },
    { 0, -1, TRUE, OMS_SYNC_ERROR_VARIANT_UNKNOWN, NULL, OMS_SYNC_BADGE_LEVEL_ERROR,
      "dialog-error-symbolic", "Never synced successfully" },
  };
  static const char *classes[] = { "badge-neutral", "badge-warning", "badge-error" };
  gint64 now = g_get_real_time ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const BadgeCase *c = &cases[i];
      OmsSyncBadgeInput input = { 0 };
      OmsSyncBadge badge;

      g_test_message ("badge case %u", i);

      input.configured = TRUE;
      input.queued = c->queued;
      input.now = now;
      input.last_success = c->days_ago < 0 ? 0 : now - (gint64) (c->days_ago * USEC_PER_DAY);
      input.warning_days = 1;
      input.error_days = 3;
      input.has_error = c->has_error;
      input.error_variant = c->variant;

      oms_sync_badge_compute (&input, &badge);

      g_assert_cmpstr (badge.text, ==, c->text);
      g_assert_cmpint (badge.level, ==, c->level);
      g_assert_cmpstr (badge.style_class, ==, classes[c->level]);
      g_assert_cmpstr (badge.icon_name, ==, c->icon);
      g_assert_cmpint (badge.visible, ==, c->text != NULL || c->icon != NULL);
      if (c->tooltip_part != NULL)
        g_assert_nonnull (strstr (badge.tooltip, c->tooltip_part));
      /* The exact count is in the row's accessible description. */
      if (c->queued > 0)
        {
          g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT " record", c->queued);

          g_assert_nonnull (strstr (badge.description, count));
        }
      if (c->has_error && c->variant != OMS_SYNC_ERROR_VARIANT_CONNECTION_ERROR)
        g_assert_nonnull (strstr (badge.description, oms_sync_error_variant_get_message (c->variant)));
      if (c->queued == 0 && !c->has_error)
        g_assert_null (badge.description);

      oms_sync_badge_clear (&badge);
    }

  /* Before sync settings exist the status line says "Not configured yet"; no badge. */
  {
    OmsSyncBadgeInput input = { 0 };
    OmsSyncBadge badge;

    input.queued = 5;
    input.now = now;
    oms_sync_badge_compute (&input, &badge);
    g_assert_false (badge.visible);
    g_assert_null (badge.text);
    g_assert_null (badge.tooltip);
    oms_sync_badge_clear (&badge);
  }
}

/* Error popover */

static void
test_error_button_variants (void)
{
  for (OmsSyncErrorVariant v = OMS_SYNC_ERROR_VARIANT_CONNECTION_ERROR;
       v <= OMS_SYNC_ERROR_VARIANT_INTEGRATION_ERROR; v++)
    {
      GtkWidget *widget = g_object_ref_sink (oms_error_button_new ());
      OmsErrorButton *button = OMS_ERROR_BUTTON (widget);
      g_autofree char *details = NULL;
      const char *hint = oms_sync_error_variant_get_hint (v);

      g_test_message ("variant %s", oms_sync_error_variant_to_string (v));

      oms_error_button_set_error (button, v, "Sync api error, route: '/sync/v5/site'",
                                  g_get_real_time (), OMS_SYNC_STEP_PUSH);

      g_assert_cmpstr (oms_error_button_get_message_text (button), ==,
                       oms_sync_error_variant_get_message (v));
      g_assert_cmpuint (strlen (oms_error_button_get_message_text (button)), >, 0);
      g_assert_nonnull (hint);
      g_assert_cmpstr (oms_error_button_get_hint_text (button), ==, hint);
      g_assert_cmpuint (strlen (hint), >, 0);
      g_assert_cmpstr (gtk_widget_get_tooltip_text (oms_error_button_get_menu_button (button)),
                       ==, hint);
      g_assert_cmpstr (oms_error_button_get_detail_text (button), ==,
                       "Sync api error, route: '/sync/v5/site'");

      details = oms_error_button_dup_details (button);
      g_assert_nonnull (strstr (details, oms_sync_error_variant_get_message (v)));
      g_assert_nonnull (strstr (details, hint));
      g_assert_nonnull (strstr (details, "during “Push”"));
      g_assert_nonnull (strstr (details, "/sync/v5/site"));

      g_object_unref (widget);
    }
}

/* Strings */

static void
test_strings (void)
{
  g_autoptr(OmsSyncRun) success = make_run (-1, -1, -1);
  gint64 now = g_get_real_time ();
  g_autoptr(GDateTime) local = g_date_time_new_now_local ();
  g_autofree char *hm = g_date_time_format (local, "%H:%M");
  g_autofree char *expected = NULL;
  g_autofree char *text = NULL;
  struct { gboolean syncing; gint64 queued; const char *text; } queue[] = {
    { FALSE, 0, "There are no records to push" },
    { FALSE, 1, "There is 1 record to push" },
    { FALSE, 2, "There are 2 records to push" },
    { FALSE, 480, "There are 480 records to push" },
    { TRUE, 480, "Syncing…" },
  };
  struct { gint64 seconds; const char *text; } durations[] = {
    { 0, "0 seconds" },
    { 1, "1 second" },
    { 61, "1 minute 1 second" },
    { 120, "2 minutes 0 seconds" },
    { 3725, "1 hour 2 minutes 5 seconds" },
    { 7200, "2 hours 0 seconds" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (queue); i++)
    {
      g_autofree char *line = oms_sync_summary_format_queue (queue[i].syncing, queue[i].queued);

      g_assert_cmpstr (line, ==, queue[i].text);
    }

  for (guint i = 0; i < G_N_ELEMENTS (durations); i++)
    {
      g_autofree char *line = oms_sync_summary_format_duration (durations[i].seconds);

      g_assert_cmpstr (line, ==, durations[i].text);
    }

  text = oms_sync_summary_format_last_success (NULL, now);
  g_assert_cmpstr (text, ==, "Never synced");
  g_clear_pointer (&text, g_free);

  /* The batch sizes of a run, in step order whatever the order in the log. */
  g_assert_null (oms_sync_summary_format_batch_sizes (success));
  success->batch_sizes = g_strdup ("{\"pull_v6\": [500], \"pull_central\": [500, 1000, 2000]}");
  text = oms_sync_summary_format_batch_sizes (success);
  g_assert_cmpstr (text, ==, "Batches: Pull central 500, 1000, 2000; Pull V6 500");
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&success->batch_sizes, g_free);

  /* Today: the time only, with that run's own duration. */
  success->finished = g_date_time_to_unix (local) * G_USEC_PER_SEC;
  success->duration_seconds = 65;
  text = oms_sync_summary_format_last_success (success, now);
  expected = g_strdup_printf ("Last successful sync %s (completed in 1 minute 5 seconds)", hm);
  g_assert_cmpstr (text, ==, expected);
  g_clear_pointer (&text, g_free);

  /* Another day: the date and the time. */
  {
    g_autoptr(GDateTime) before = g_date_time_add_days (local, -2);
    /* The locale's way; in the C locale the tests run in, ISO 8601. */
    g_autofree char *date = g_date_time_format (before, "%Y-%m-%d %H:%M");

    text = oms_sync_summary_format_time (g_date_time_to_unix (before) * G_USEC_PER_SEC, now);
    g_assert_cmpstr (text, ==, date);
  }
}

/* The window without an engine: the store could not be opened. */
static void
test_window_without_engine (void)
{
  OmsSyncWindow *window = oms_sync_window_new (NULL);

  g_assert_cmpstr (oms_sync_window_get_status_text (window), ==, "There are no records to push");
  g_assert_cmpstr (oms_sync_window_get_last_success_text (window), ==, "Never synced");
  g_assert_null (oms_sync_window_get_error_text (window));
  g_assert_false (gtk_widget_get_sensitive (oms_sync_window_get_sync_button (window)));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Sync");

  gtk_window_destroy (GTK_WINDOW (window));
}

/* With the application and a central server */

typedef struct _AppFixture AppFixture;
typedef void (*AppBody) (AppFixture *f);

struct _AppFixture
{
  AppBody           body;
  char             *central_dir;
  char             *data_dir;
  OmsCentralServer *central;
  OmsApplication   *app;
  OmsWindow        *window;
  OmsSyncEngine    *engine;
  OmsStore         *store;
  gboolean          ran;
  gboolean          done;
  gboolean          ok;
  GError           *error;
  gboolean          saw_syncing_button;
  int               syncing_button_width;
};

static gint64
count_sync_log (OmsStore *store)
{
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;

  runs = oms_sync_log_list (store, 1000, &error);
  g_assert_no_error (error);

  return runs != NULL ? runs->len : 0;
}

static OmsSyncWindow *
find_sync_window (OmsApplication *app)
{
  for (const GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    {
      if (OMS_IS_SYNC_WINDOW (l->data))
        return l->data;
    }

  return NULL;
}

static void
settings_saved_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  AppFixture *f = user_data;

  f->ok = oms_sync_settings_save_finish (OMS_STORE (object), result, &f->error);
  f->done = TRUE;
}

static gboolean
is_done (gpointer data)
{
  return ((AppFixture *) data)->done;
}

static gboolean
engine_idle (gpointer data)
{
  AppFixture *f = data;

  return !oms_sync_engine_get_is_syncing (f->engine);
}

static void
configure_site (AppFixture *f)
{
  f->done = FALSE;
  oms_sync_settings_save_async (f->store, oms_central_server_get_base_url (f->central),
                                "demo", "pass", 3600, NULL, settings_saved_cb, f);
  g_assert_true (oms_test_wait_until (is_done, f));
  g_assert_no_error (f->error);
  g_assert_true (f->ok);

  oms_sync_engine_refresh (f->engine);
  g_assert_cmpint (oms_sync_engine_get_mode (f->engine), ==, OMS_SYNC_MODE_INITIALISING);
  g_assert_true (oms_test_wait_until (engine_idle, f));
}

static OmsSyncWindow *
open_sync_window (AppFixture *f)
{
  OmsSyncWindow *window;

  g_action_group_activate_action (G_ACTION_GROUP (f->app), "show-sync", NULL);
  window = find_sync_window (f->app);
  g_assert_nonnull (window);
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (window)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (window)) == GTK_WINDOW (f->window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  return window;
}

typedef struct
{
  AppFixture    *f;
  OmsSyncWindow *window;
} RunWait;

static gboolean
run_succeeded_and_shown (gpointer data)
{
  RunWait *w = data;

  if (g_strcmp0 (oms_sync_window_get_sync_button_text (w->window), "Syncing…") == 0)
    {
      w->f->saw_syncing_button = TRUE;
      gtk_widget_measure (oms_sync_window_get_sync_button (w->window), GTK_ORIENTATION_HORIZONTAL,
                          -1, NULL, &w->f->syncing_button_width, NULL, NULL);
      g_assert_false (gtk_widget_get_sensitive (oms_sync_window_get_sync_button (w->window)));
    }

  return !oms_sync_engine_get_is_syncing (w->f->engine) &&
         oms_sync_engine_get_last_successful_run (w->f->engine) != NULL &&
         g_strcmp0 (oms_sync_window_get_status_text (w->window),
                    "There are no records to push") == 0 &&
         g_str_has_prefix (oms_sync_window_get_last_success_text (w->window),
                           "Last successful sync ");
}

static gboolean
error_shown (gpointer data)
{
  RunWait *w = data;

  return !oms_sync_engine_get_is_syncing (w->f->engine) &&
         oms_sync_window_get_error_text (w->window) != NULL;
}

static gboolean
has_accel (char       **accels,
           const char  *accel)
{
  guint key;
  GdkModifierType mods;

  g_assert_true (gtk_accelerator_parse (accel, &key, &mods));

  for (guint i = 0; accels[i] != NULL; i++)
    {
      guint k;
      GdkModifierType m;

      if (gtk_accelerator_parse (accels[i], &k, &m) && k == key && m == mods)
        return TRUE;
    }

  return FALSE;
}

static void
body_open_starts_nothing (AppFixture *f)
{
  OmsSyncWindow *window;
  gint64 before;
  g_auto(GStrv) accels = NULL;

  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (f->app), "app.show-sync");
  g_assert_true (has_accel (accels, "<Control><Alt>s"));
  g_assert_true (has_accel (accels, "<Alt><Shift>s"));

  configure_site (f);
  before = count_sync_log (f->store);

  window = open_sync_window (f);
  g_assert_true (GTK_WIDGET (window) == gtk_window_get_default_widget (GTK_WINDOW (window)) ||
                 oms_sync_window_get_sync_button (window) ==
                   gtk_window_get_default_widget (GTK_WINDOW (window)));
  g_assert_true (gtk_widget_has_focus (oms_sync_window_get_sync_button (window)));
  oms_test_spin_for (1500);

  g_assert_false (oms_sync_engine_get_is_syncing (f->engine));
  g_assert_cmpint (count_sync_log (f->store), ==, before);
  g_assert_cmpstr (oms_sync_window_get_status_text (window), ==, "There are no records to push");
  g_assert_cmpstr (oms_sync_window_get_last_success_text (window), ==, "Never synced");
  g_assert_cmpstr (oms_sync_window_get_sync_button_text (window), ==, "Sync now");

  /* Asking again shows the same window; Escape's action closes it. */
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "show-sync", NULL);
  g_assert_true (find_sync_window (f->app) == window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "window.close", NULL));
  oms_test_spin_for (50);
  g_assert_null (find_sync_window (f->app));
  g_assert_cmpint (count_sync_log (f->store), ==, before);
}

/* Where the Sync now button sits in its window, once the window has been laid out again. */
static float
sync_button_y (OmsSyncWindow *window)
{
  graphene_rect_t bounds;

  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  g_assert_true (gtk_widget_compute_bounds (oms_sync_window_get_sync_button (window),
                                            GTK_WIDGET (window), &bounds));

  return bounds.origin.y;
}

static void
body_sync_now (AppFixture *f)
{
  OmsSyncWindow *window;
  OmsStepper *stepper;
  RunWait w = { f, NULL };
  gint64 before;
  int idle_width;
  float button_y;

  configure_site (f);
  window = open_sync_window (f);
  w.window = window;
  before = count_sync_log (f->store);

  /* Sync now, as a click does: the button activates app.sync-now. It keeps its width
   * while it says "Syncing…", so nothing beside it moves.
   */
  gtk_widget_measure (oms_sync_window_get_sync_button (window), GTK_ORIENTATION_HORIZONTAL,
                      -1, NULL, &idle_width, NULL, NULL);
  g_assert_true (gtk_widget_activate (oms_sync_window_get_sync_button (window)));
  g_assert_true (oms_test_wait_until (run_succeeded_and_shown, &w));
  button_y = sync_button_y (window);
  g_assert_true (f->saw_syncing_button);
  /* The button left the focus while it was insensitive; the keyboard has it back. */
  g_assert_true (gtk_widget_has_focus (oms_sync_window_get_sync_button (window)));
  g_assert_cmpint (f->syncing_button_width, ==, idle_width);
  g_assert_cmpint (count_sync_log (f->store), ==, before + 1);
  g_assert_cmpstr (oms_sync_window_get_sync_button_text (window), ==, "Sync now");
  g_assert_null (oms_sync_window_get_error_text (window));

  stepper = OMS_STEPPER (oms_sync_window_get_stepper (window));
  g_assert_cmpint (oms_stepper_get_step_state (stepper, OMS_SYNC_STEP_INTEGRATE), ==,
                   OMS_STEPPER_STATE_COMPLETED);
  g_assert_cmpint (oms_stepper_get_step_state (stepper, OMS_SYNC_STEP_PREPARE_INITIAL), ==,
                   OMS_STEPPER_STATE_ABSENT);

  /* The history lists the run. */
  gtk_menu_button_popup (GTK_MENU_BUTTON (oms_sync_window_get_history_button (window)));
  oms_test_spin_for (100);
  g_assert_nonnull (gtk_widget_get_first_child (oms_sync_window_get_history_list (window)));
  g_assert_true (ADW_IS_ACTION_ROW (gtk_widget_get_first_child (
                   oms_sync_window_get_history_list (window))));
  g_assert_true (g_str_has_suffix (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (
                   gtk_widget_get_first_child (oms_sync_window_get_history_list (window)))),
                 "Succeeded"));
  /* ...with the batch sizes its pulls asked for. */
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (
                      gtk_widget_get_first_child (oms_sync_window_get_history_list (window)))),
                    "\nBatches: Pull central 500"));
  gtk_menu_button_popdown (GTK_MENU_BUTTON (oms_sync_window_get_history_button (window)));

  /* Now the central fails at once (GET /sync/v5/site, before any step): the error area and
   * its `i` popover show it; no step is marked failed, since none had begun.
   */
  g_assert_true (oms_central_server_add_fault (f->central, "*:status=503,body=down", &f->error));
  g_assert_no_error (f->error);
  g_assert_true (gtk_widget_activate (oms_sync_window_get_sync_button (window)));
  g_assert_true (oms_test_wait_until (error_shown, &w));
  /* The error area takes room kept for it: the buttons do not move. */
  g_assert_cmpfloat (sync_button_y (window), ==, button_y);

  {
    OmsSyncErrorVariant variant;
    const char *detail = NULL;
    OmsErrorButton *button = OMS_ERROR_BUTTON (oms_sync_window_get_error_button (window));
    GtkPopover *popover = oms_error_button_get_popover (button);

    g_autofree char *hint = NULL;
    g_autofree char *message = NULL;

    g_assert_true (oms_sync_engine_get_error (f->engine, &variant, &detail));
    /* A 503 is Open mSupply's UNKNOWN, in words of its own (issue 13). */
    g_assert_cmpint (variant, ==, OMS_SYNC_ERROR_VARIANT_UNKNOWN);
    oms_sync_run_describe_error (oms_sync_engine_get_latest_run (f->engine), NULL, &message,
                                 &hint);
    g_assert_cmpstr (message, ==, "The central server is unavailable");
    g_assert_cmpstr (oms_sync_window_get_error_text (window), ==, message);
    g_assert_cmpstr (oms_error_button_get_detail_text (button), ==, detail);
    g_assert_cmpstr (oms_error_button_get_hint_text (button), ==, hint);
    g_assert_true (g_str_has_prefix (oms_sync_window_get_last_success_text (window),
                                     "Last successful sync "));

    /* Hovering shows the hint; with the popover open, no tooltip covers it. */
    g_assert_true (gtk_widget_get_has_tooltip (oms_error_button_get_menu_button (button)));
    gtk_menu_button_popup (GTK_MENU_BUTTON (oms_error_button_get_menu_button (button)));
    oms_test_spin_for (100);
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (popover)));
    g_assert_false (gtk_widget_get_has_tooltip (oms_error_button_get_menu_button (button)));
    gtk_popover_popdown (popover);
    g_assert_true (gtk_widget_get_has_tooltip (oms_error_button_get_menu_button (button)));

    g_assert_true (g_str_has_suffix (oms_error_button_get_when_text (button),
                                     ", before the first step"));
    for (OmsSyncStep s = 0; s < OMS_SYNC_N_STEPS; s++)
      g_assert_cmpint (oms_stepper_get_step_state (stepper, s), !=, OMS_STEPPER_STATE_FAILED);
  }

  oms_central_server_clear_faults (f->central, NULL);
}

static gboolean
pull_central_says_waiting (gpointer data)
{
  RunWait *w = data;
  OmsStepper *stepper = OMS_STEPPER (oms_sync_window_get_stepper (w->window));

  return g_strcmp0 (oms_stepper_get_step_progress_label (stepper, OMS_SYNC_STEP_PULL_CENTRAL),
                    "Waiting for the server…") == 0;
}

/* A central that takes its time over one answer (2.5 s; the wait shows after 0.5 s here, 5 s
 * by default): the running step says it waits for the server, then carries on.
 */
static void
body_waiting_for_server (AppFixture *f)
{
  OmsSyncWindow *window;
  OmsStepper *stepper;
  RunWait w = { f, NULL };

  configure_site (f);
  window = open_sync_window (f);
  w.window = window;
  stepper = OMS_STEPPER (oms_sync_window_get_stepper (window));

  _oms_http_set_timeout_scale (1.0, 0.1);
  g_assert_true (oms_central_server_add_fault (f->central,
                                               "/sync/v5/central_records:latency=2500,times=1",
                                               &f->error));
  g_assert_no_error (f->error);
  g_assert_true (gtk_widget_activate (oms_sync_window_get_sync_button (window)));
  g_assert_true (oms_test_wait_until (pull_central_says_waiting, &w));
  g_assert_true (oms_sync_engine_get_waiting_for_server (f->engine));
  g_assert_cmpint (oms_stepper_get_step_state (stepper, OMS_SYNC_STEP_PULL_CENTRAL), ==,
                   OMS_STEPPER_STATE_ACTIVE);

  g_assert_true (oms_test_wait_until (run_succeeded_and_shown, &w));
  _oms_http_set_timeout_scale (1.0, 1.0);
  g_assert_false (oms_sync_engine_get_waiting_for_server (f->engine));
  for (OmsSyncStep s = 0; s < OMS_SYNC_N_STEPS; s++)
    g_assert_cmpstr (oms_stepper_get_step_progress_label (stepper, s), !=,
                     "Waiting for the server…");
}

typedef struct
{
  AppFixture *f;
  const char *text;
} RowWait;

static gboolean
sync_row_says (gpointer data)
{
  RowWait *w = data;

  return g_strcmp0 (oms_window_get_sync_status_text (OMS_WINDOW (w->f->window)), w->text) == 0;
}

/* The network as a fake monitor tells it: offline, the Sync row and the window say why nothing
 * syncs; on a metered connection too, until "Sync on metered connections" is on; Sync now
 * syncs all the same.
 */
static void
body_network (AppFixture *f)
{
  g_autoptr(OmsTestNetworkMonitor) network = oms_test_network_monitor_new ();
  g_autoptr(GSettings) sync_settings = g_settings_new ("io.github.omsync.OmSync.sync");
  OmsScheduler *scheduler = oms_application_get_scheduler (OMS_APPLICATION (f->app));
  OmsSyncWindow *window;
  RunWait w = { f, NULL };
  RowWait row = { f, NULL };

  oms_test_network_monitor_set (network, FALSE, FALSE);
  oms_scheduler_set_network_monitor (scheduler, G_NETWORK_MONITOR (network));
  configure_site (f);

  row.text = "Offline — will sync when connected";
  g_assert_true (oms_test_wait_until (sync_row_says, &row));
  window = open_sync_window (f);
  w.window = window;
  g_assert_nonnull (strstr (oms_sync_window_get_network_notice (window), "offline"));

  oms_test_network_monitor_set (network, TRUE, TRUE);
  row.text = "Metered connection — automatic syncs wait";
  g_assert_true (oms_test_wait_until (sync_row_says, &row));
  g_assert_nonnull (strstr (oms_sync_window_get_network_notice (window),
                            "metered connection: automatic syncs wait"));

  g_assert_true (gtk_widget_activate (oms_sync_window_get_sync_button (window)));
  g_assert_true (oms_test_wait_until (run_succeeded_and_shown, &w));

  /* The preference reaches the scheduler: automatic syncs go on metered connections too. */
  g_settings_set_boolean (sync_settings, "sync-on-metered", TRUE);
  g_assert_true (oms_scheduler_get_sync_on_metered (scheduler));
  g_assert_cmpint (oms_scheduler_get_network_wait (scheduler), ==, OMS_NETWORK_WAIT_NONE);
  g_assert_true (oms_test_wait_until (engine_idle, f));
  g_assert_nonnull (strstr (oms_sync_window_get_network_notice (window), "mobile data"));
  g_settings_reset (sync_settings, "sync-on-metered");
}

static void
body_interrupted (AppFixture *f)
{
  OmsSyncWindow *window = open_sync_window (f);

  g_assert_true (oms_sync_window_get_interrupted_shown (window));
  g_assert_null (oms_sync_window_get_error_text (window));
}

static void
app_activate_after_cb (OmsApplication *app,
                       AppFixture     *f)
{
  g_signal_handlers_disconnect_by_func (app, app_activate_after_cb, f);

  for (const GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    if (OMS_IS_WINDOW (l->data))
      f->window = l->data;
  g_assert_nonnull (f->window);
  f->store = oms_application_get_store (app);
  f->engine = oms_application_get_engine (app);
  g_assert_nonnull (f->engine);
  oms_sync_engine_set_timing (f->engine, 20, 3000, 20, 3000);

  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));

  f->body (f);
  f->ran = TRUE;

  g_application_quit (G_APPLICATION (app));
}

static void
run_app_test (AppBody  body,
              gboolean interrupted_run)
{
  AppFixture f = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GList) windows = NULL;
  char *argv[] = { (char *) "omsync", (char *) "--data-dir", NULL, NULL };

  f.body = body;
  f.central_dir = g_dir_make_tmp ("omsync-test-central-XXXXXX", &error);
  g_assert_no_error (error);
  f.data_dir = g_dir_make_tmp ("omsync-test-sync-window-XXXXXX", &error);
  g_assert_no_error (error);

  f.central = oms_test_central_new_demo (f.central_dir);

  if (interrupted_run)
    {
      g_autoptr(OmsStore) store = oms_store_open (f.data_dir, &error);
      g_autoptr(OmsSyncRun) run = NULL;

      g_assert_no_error (error);
      run = oms_sync_log_start_run (store, g_get_real_time (), &error);
      g_assert_no_error (error);
      oms_sync_run_start_step (run, OMS_SYNC_STEP_PULL_CENTRAL, g_get_real_time ());
      g_assert_true (oms_sync_log_save (store, run, &error));
    }

  f.app = oms_application_new ();
  g_signal_connect_after (f.app, "activate", G_CALLBACK (app_activate_after_cb), &f);
  argv[2] = f.data_dir;
  g_assert_cmpint (g_application_run (G_APPLICATION (f.app), 3, argv), ==, 0);
  g_assert_true (f.ran);

  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (f.app)));
  for (const GList *l = windows; l != NULL; l = l->next)
    gtk_window_destroy (GTK_WINDOW (l->data));
  while (g_main_context_iteration (NULL, FALSE))
    ;

  g_assert_finalize_object (f.app);
  g_assert_finalize_object (f.central);
  oms_test_remove_dir (f.data_dir);
  oms_test_remove_dir (f.central_dir);
  g_free (f.data_dir);
  g_free (f.central_dir);
}

static void
test_open_starts_nothing (void)
{
  run_app_test (body_open_starts_nothing, FALSE);
}

static void
test_sync_now (void)
{
  run_app_test (body_sync_now, FALSE);
}

static void
test_interrupted (void)
{
  run_app_test (body_interrupted, TRUE);
}

static void
test_waiting_for_server (void)
{
  run_app_test (body_waiting_for_server, FALSE);
}

static void
test_network (void)
{
  run_app_test (body_network, FALSE);
}

int
main (int   argc,
      char *argv[])
{
  /* The strings compared below are the English ones. */
  g_setenv ("LANGUAGE", "C", TRUE);
  g_setenv ("OMSYNC_HARDWARE_ID", "test-sync-window", TRUE);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  oms_test_use_free_coldchain_port ();

  oms_locale_init ();
  oms_test_gtk_init (&argc, &argv);
  oms_test_set_wait_timeout (60);
  adw_init ();

  g_test_add_func ("/oms/ui/stepper/operational", test_stepper_operational);
  g_test_add_func ("/oms/ui/stepper/initialising", test_stepper_initialising);
  g_test_add_func ("/oms/ui/stepper/waiting", test_stepper_waiting);
  g_test_add_func ("/oms/ui/stepper/failed", test_stepper_failed);
  g_test_add_func ("/oms/ui/stepper/skipped", test_stepper_skipped);
  g_test_add_func ("/oms/ui/badge/table", test_badge_table);
  g_test_add_func ("/oms/ui/error-button/variants", test_error_button_variants);
  g_test_add_func ("/oms/ui/sync-window/strings", test_strings);
  g_test_add_func ("/oms/ui/sync-window/without-engine", test_window_without_engine);
  g_test_add_func ("/oms/ui/sync-window/open-starts-nothing", test_open_starts_nothing);
  g_test_add_func ("/oms/ui/sync-window/sync-now", test_sync_now);
  g_test_add_func ("/oms/ui/sync-window/interrupted", test_interrupted);
  g_test_add_func ("/oms/ui/sync-window/waiting-for-server", test_waiting_for_server);
  g_test_add_func ("/oms/ui/sync-window/network", test_network);

  return g_test_run ();
}
