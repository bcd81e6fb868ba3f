/* oms-stepper.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-stepper"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "oms-error-button.h"
#include "oms-stepper.h"

/* The steps of a sync run, left to right in execution order (UI.md §2.2). Each step is an
 * icon in a circle, its label and "done / total"; connectors between the circles fill as the
 * run moves on. Every step is a list item with a spoken label, so a screen reader hears
 * "Push, step 2 of 6, completed, 120 of 480" rather than a row of icons.
 *
 * All seven step widgets exist from the start; a mode shows its own subset.
 */

#define CIRCLE_SIZE 36

typedef struct
{
  GtkWidget       *box;           /* the list item */
  GtkWidget       *connector;     /* the line before the circle; NULL for the first step */
  GtkWidget       *circle;
  GtkWidget       *icon;
  GtkWidget       *label;
  GtkWidget       *progress;
  GtkWidget       *error_button;
  OmsStepperState  state;
  char            *count_text;        /* "done / total", or NULL */
  char            *spoken_state;      /* what a screen reader says of the step and its count */
  char            *progress_text;     /* what the progress line shows */
  char            *accessible_label;
  const char      *icon_name;
} Step;

struct _OmsStepper
{
  GtkWidget  parent_instance;

  Step       steps[OMS_SYNC_N_STEPS];
  guint      n_shown;
  gboolean   waiting;             /* the active step's request waits for the server */
  gulong     animations_handler;
};

G_DEFINE_FINAL_TYPE (OmsStepper, oms_stepper, GTK_TYPE_WIDGET)

static const char *
glyph_for_step (OmsSyncStep step)
{
  switch (step)
    {
    case OMS_SYNC_STEP_PREPARE_INITIAL:
      return "emblem-system-symbolic";

    case OMS_SYNC_STEP_PUSH_V6:
    case OMS_SYNC_STEP_PUSH:
      return "go-up-symbolic";

    case OMS_SYNC_STEP_PULL_CENTRAL:
    case OMS_SYNC_STEP_PULL_REMOTE:
    case OMS_SYNC_STEP_PULL_V6:
      return "go-down-symbolic";

    case OMS_SYNC_STEP_INTEGRATE:
      return "document-save-symbolic";

    default:
      g_return_val_if_reached ("emblem-system-symbolic");
    }
}

static const char *
state_css_class (OmsStepperState state)
{
  switch (state)
    {
    case OMS_STEPPER_STATE_ABSENT:
    case OMS_STEPPER_STATE_PENDING:
      return "pending";

    case OMS_STEPPER_STATE_ACTIVE:
      return "active";

    case OMS_STEPPER_STATE_COMPLETED:
      return "completed";

    case OMS_STEPPER_STATE_FAILED:
      return "failed";

    case OMS_STEPPER_STATE_SKIPPED:
      return "skipped";

    default:
      g_return_val_if_reached ("pending");
    }
}

static const char *
state_spoken (OmsStepperState state)
{
  switch (state)
    {
    case OMS_STEPPER_STATE_ABSENT:
    case OMS_STEPPER_STATE_PENDING:
      /* Translators: The state of a sync step, read by screen readers. */
      return _("not started");

    case OMS_STEPPER_STATE_ACTIVE:
      /* Translators: The state of a sync step, read by screen readers. */
      return _("in progress");

    case OMS_STEPPER_STATE_COMPLETED:
      /* Translators: The state of a sync step, read by screen readers. */
      return _("completed");

    case OMS_STEPPER_STATE_FAILED:
      /* Translators: The state of a sync step, read by screen readers. */
      return _("failed");

    case OMS_STEPPER_STATE_SKIPPED:
      /* Translators: The state of a sync step that had nothing to do, read by screen readers. */
      return _("skipped");

    default:
      g_return_val_if_reached ("");
    }
}

/* Whether @step is one of the steps @mode runs. */
static gboolean
step_in_mode (OmsSyncStep step,
              OmsSyncMode mode,
              gboolean    has_v6)
{
  gboolean initialising = mode == OMS_SYNC_MODE_INITIALISING;

  switch (step)
    {
    case OMS_SYNC_STEP_PREPARE_INITIAL:
      return initialising;

    case OMS_SYNC_STEP_PUSH_V6:
      return !initialising && has_v6;

    case OMS_SYNC_STEP_PUSH:
      return !initialising;

    case OMS_SYNC_STEP_PULL_V6:
      return has_v6;

    case OMS_SYNC_STEP_PULL_CENTRAL:
    case OMS_SYNC_STEP_PULL_REMOTE:
    case OMS_SYNC_STEP_INTEGRATE:
      return TRUE;

    default:
      g_return_val_if_reached (FALSE);
    }
}

/* The step a failed run stopped in: the last one started and not finished. */
static int
failed_step (const OmsSyncRun *run)
{
  if (run == NULL || run->interrupted || (run->error_message == NULL && run->error_code == NULL))
    return -1;

  return oms_sync_run_get_open_step (run);
}

static OmsStepperState
compute_state (const OmsSyncRun *run,
               OmsSyncStep       step,
               int               failed,
               gboolean          is_syncing)
{
  const OmsSyncStepProgress *progress;

  if (run == NULL)
    return OMS_STEPPER_STATE_PENDING;

  progress = &run->steps[step];

  if ((int) step == failed)
    return OMS_STEPPER_STATE_FAILED;

  if (progress->started != 0 && progress->finished == 0)
    {
      if (is_syncing)
        return OMS_STEPPER_STATE_ACTIVE;

      /* Interrupted: it stopped, but did not fail. */
      return OMS_STEPPER_STATE_PENDING;
    }

  if (progress->started != 0)
    {
      /* A counting step that never learnt a total had nothing to do in this mode. */
      if (oms_sync_step_has_progress (step) && !progress->has_total)
        return OMS_STEPPER_STATE_SKIPPED;
      return OMS_STEPPER_STATE_COMPLETED;
    }

  if (oms_sync_run_is_successful (run))
    return OMS_STEPPER_STATE_SKIPPED;

  return OMS_STEPPER_STATE_PENDING;
}

static void
oms_stepper_update_animations (OmsStepper *self)
{
  GtkSettings *settings = gtk_widget_get_settings (GTK_WIDGET (self));
  gboolean animate = TRUE;

  g_object_get (settings, "gtk-enable-animations", &animate, NULL);

  for (guint i = 0; i < OMS_SYNC_N_STEPS; i++)
    {
      if (animate && self->steps[i].state == OMS_STEPPER_STATE_ACTIVE)
        gtk_widget_add_css_class (self->steps[i].box, "pulse");
      else
        gtk_widget_remove_css_class (self->steps[i].box, "pulse");
    }
}

static void
settings_notify_animations_cb (OmsStepper *self)
{
  oms_stepper_update_animations (self);
}

static void
oms_stepper_root (GtkWidget *widget)
{
  OmsStepper *self = OMS_STEPPER (widget);

  GTK_WIDGET_CLASS (oms_stepper_parent_class)->root (widget);

  self->animations_handler =
    g_signal_connect_object (gtk_widget_get_settings (widget), "notify::gtk-enable-animations",
                             G_CALLBACK (settings_notify_animations_cb), self,
                             G_CONNECT_SWAPPED);
  oms_stepper_update_animations (self);
}

static void
oms_stepper_unroot (GtkWidget *widget)
{
  OmsStepper *self = OMS_STEPPER (widget);

  g_clear_signal_handler (&self->animations_handler, gtk_widget_get_settings (widget));

  GTK_WIDGET_CLASS (oms_stepper_parent_class)->unroot (widget);
}

static void
oms_stepper_dispose (GObject *object)
{
  OmsStepper *self = OMS_STEPPER (object);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  for (guint i = 0; i < OMS_SYNC_N_STEPS; i++)
    {
      g_clear_pointer (&self->steps[i].count_text, g_free);
      g_clear_pointer (&self->steps[i].spoken_state, g_free);
      g_clear_pointer (&self->steps[i].progress_text, g_free);
      g_clear_pointer (&self->steps[i].accessible_label, g_free);
      memset (&self->steps[i], 0, sizeof self->steps[i]);
    }

  G_OBJECT_CLASS (oms_stepper_parent_class)->dispose (object);
}

static void
oms_stepper_class_init (OmsStepperClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = oms_stepper_dispose;

  widget_class->root = oms_stepper_root;
  widget_class->unroot = oms_stepper_unroot;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "stepper");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LIST);
}

static void
oms_stepper_init (OmsStepper *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  /* Translators: the accessible name of the row of sync steps,
                                   * read out by screen readers. */
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Sync steps"),
                                  -1);

  for (guint i = 0; i < OMS_SYNC_N_STEPS; i++)
    {
      Step *step = &self->steps[i];

      if (i > 0)
        {
          step->connector = g_object_new (GTK_TYPE_BOX,
                                          "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                          "hexpand", TRUE,
                                          "valign", GTK_ALIGN_START,
                                          "margin-top", CIRCLE_SIZE / 2 - 2,
                                          "width-request", 12,
                                          NULL);
          gtk_widget_add_css_class (step->connector, "connector");
          gtk_widget_set_parent (step->connector, GTK_WIDGET (self));
        }

      step->box = g_object_new (GTK_TYPE_BOX,
                                "accessible-role", GTK_ACCESSIBLE_ROLE_LIST_ITEM,
                                "orientation", GTK_ORIENTATION_VERTICAL,
                                "spacing", 4,
                                "width-request", 72,
                                NULL);
      gtk_widget_add_css_class (step->box, "step");
      gtk_widget_set_parent (step->box, GTK_WIDGET (self));

      step->circle = g_object_new (GTK_TYPE_BOX,
                                   "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                   "halign", GTK_ALIGN_CENTER,
                                   "width-request", CIRCLE_SIZE,
                                   "height-request", CIRCLE_SIZE,
                                   NULL);
      gtk_widget_add_css_class (step->circle, "circle");
      gtk_box_append (GTK_BOX (step->box), step->circle);

      step->icon_name = glyph_for_step (i);
      step->icon = g_object_new (GTK_TYPE_IMAGE,
                                 "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                 "icon-name", step->icon_name,
                                 "hexpand", TRUE,
                                 "halign", GTK_ALIGN_CENTER,
                                 "valign", GTK_ALIGN_CENTER,
                                 NULL);
      gtk_box_append (GTK_BOX (step->circle), step->icon);

      step->label = gtk_label_new (oms_sync_step_get_label (i));
      gtk_label_set_justify (GTK_LABEL (step->label), GTK_JUSTIFY_CENTER);
      gtk_label_set_wrap (GTK_LABEL (step->label), TRUE);
      gtk_widget_add_css_class (step->label, "step-label");
      gtk_widget_add_css_class (step->label, "caption");
      gtk_box_append (GTK_BOX (step->box), step->label);

      step->progress = gtk_label_new (NULL);
      gtk_widget_add_css_class (step->progress, "caption");
      gtk_widget_add_css_class (step->progress, "dim-label");
      gtk_widget_add_css_class (step->progress, "numeric");
      gtk_box_append (GTK_BOX (step->box), step->progress);

      step->error_button = oms_error_button_new ();
      gtk_widget_set_halign (step->error_button, GTK_ALIGN_CENTER);
      gtk_widget_set_visible (step->error_button, FALSE);
      gtk_box_append (GTK_BOX (step->box), step->error_button);
    }

  oms_stepper_set_run (self, NULL, OMS_SYNC_MODE_OPERATIONAL, TRUE, FALSE);
}

GtkWidget *
oms_stepper_new (void)
{
  return g_object_new (OMS_TYPE_STEPPER, NULL);
}

/* The progress line and spoken label of @index: its count, or that it waits for the server. */
static void
show_progress (OmsStepper  *self,
               OmsSyncStep  index)
{
  Step *step = &self->steps[index];
  gboolean waiting = self->waiting && step->state == OMS_STEPPER_STATE_ACTIVE;

  g_clear_pointer (&step->progress_text, g_free);
  g_clear_pointer (&step->accessible_label, g_free);

  if (step->state == OMS_STEPPER_STATE_ABSENT)
    return;

  if (waiting)
    {
      /* Translators: Under a sync step while the central server sends nothing. */
      step->progress_text = g_strdup (_("Waiting for the server…"));
      /* Translators: The first %s is the spoken step ("Pull, step 3 of 6, in progress"). */
      step->accessible_label = g_strdup_printf (_("%s, waiting for the server"),
                                                step->spoken_state);
    }
  else
    {
      step->progress_text = g_strdup (step->count_text);
      step->accessible_label = g_strdup (step->spoken_state);
    }

  /* The line stays, empty when there is no count, so the stepper (and all below it) does not
   * jump when counts appear.
   */
  gtk_label_set_label (GTK_LABEL (step->progress),
                       step->progress_text != NULL ? step->progress_text : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (step->box),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, step->accessible_label,
                                  -1);
}

static void
update_step (OmsStepper       *self,
             OmsSyncStep       index,
             const OmsSyncRun *run,
             OmsStepperState   state,
             guint             position)
{
  Step *step = &self->steps[index];
  g_autofree char *spoken = NULL;
  const OmsSyncStepProgress *progress = run != NULL ? &run->steps[index] : NULL;
  static const OmsStepperState all_states[] = {
    OMS_STEPPER_STATE_PENDING, OMS_STEPPER_STATE_ACTIVE, OMS_STEPPER_STATE_COMPLETED,
    OMS_STEPPER_STATE_FAILED, OMS_STEPPER_STATE_SKIPPED,
  };

  step->state = state;
  gtk_widget_set_visible (step->box, state != OMS_STEPPER_STATE_ABSENT);

  g_clear_pointer (&step->count_text, g_free);
  g_clear_pointer (&step->spoken_state, g_free);

  if (state == OMS_STEPPER_STATE_ABSENT)
    {
      show_progress (self, index);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (all_states); i++)
    gtk_widget_remove_css_class (step->box, state_css_class (all_states[i]));
  gtk_widget_add_css_class (step->box, state_css_class (state));

  /* A failed step shows an error glyph, never its normal one (Open mSupply's #9839). */
  step->icon_name = state == OMS_STEPPER_STATE_FAILED ? "dialog-error-symbolic"
                                                      : glyph_for_step (index);
  gtk_image_set_from_icon_name (GTK_IMAGE (step->icon), step->icon_name);

  if (progress != NULL && oms_sync_step_has_progress (index) &&
      progress->has_total && progress->total > 0)
    step->count_text = g_strdup_printf ("%" G_GINT64_FORMAT " / %" G_GINT64_FORMAT,
                                        progress->done, progress->total);

  /* Translators: Read by screen readers for one step of the sync: the step's name, its
   * position, the number of steps and its state, e.g. "Push, step 2 of 6, completed".
   */
  spoken = g_strdup_printf (_("%s, step %u of %u, %s"), oms_sync_step_get_label (index),
                            position, self->n_shown, state_spoken (state));
  if (step->count_text != NULL)
    {
      g_autofree char *done = g_strdup_printf ("%" G_GINT64_FORMAT, progress->done);
      g_autofree char *total = g_strdup_printf ("%" G_GINT64_FORMAT, progress->total);

      /* Translators: The first %s is the spoken step ("Push, step 2 of 6, completed"), then
       * how many records of how many were done: "Push, step 2 of 6, completed, 120 of 480".
       */
      step->spoken_state = g_strdup_printf (_("%s, %s of %s"), spoken, done, total);
    }
  else
    {
      step->spoken_state = g_steal_pointer (&spoken);
    }

  show_progress (self, index);

  gtk_widget_set_visible (step->error_button, state == OMS_STEPPER_STATE_FAILED);
  if (state == OMS_STEPPER_STATE_FAILED)
    oms_error_button_set_run_error (OMS_ERROR_BUTTON (step->error_button), run);
}

/**
 * oms_stepper_set_run:
 * @self: an #OmsStepper
 * @run: (nullable): the run to show, usually the engine's latest run
 * @mode: which steps to show: the initialisation steps or the operational ones
 * @has_v6: whether the site has an Open mSupply central, so the V6 steps exist
 * @is_syncing: whether @run is still going
 *
 * Shows the state of every step of @run.
 */
void
oms_stepper_set_run (OmsStepper       *self,
                     const OmsSyncRun *run,
                     OmsSyncMode       mode,
                     gboolean          has_v6,
                     gboolean          is_syncing)
{
  OmsStepperState states[OMS_SYNC_N_STEPS];
  int failed;
  guint position = 0;
  GtkWidget *previous_shown = NULL;

  g_return_if_fail (OMS_IS_STEPPER (self));

  /* Before configuration there is nothing to run yet: show what the first sync will do. */
  if (mode == OMS_SYNC_MODE_UNCONFIGURED)
    mode = OMS_SYNC_MODE_INITIALISING;

  failed = failed_step (run);

  self->n_shown = 0;
  for (guint i = 0; i < OMS_SYNC_N_STEPS; i++)
    {
      if (step_in_mode (i, mode, has_v6))
        {
          /* A run that failed before any step began (reaching the central, signing in)
           * shows no failed step, as Open mSupply's does: the error area says where it
           * stopped. Marking the first step would read as if pushing had failed.
           */
          states[i] = compute_state (run, i, failed, is_syncing);
          self->n_shown++;
        }
      else
        {
          states[i] = OMS_STEPPER_STATE_ABSENT;
        }
    }

  for (guint i = 0; i < OMS_SYNC_N_STEPS; i++)
    {
      Step *step = &self->steps[i];

      if (states[i] != OMS_STEPPER_STATE_ABSENT)
        position++;
      update_step (self, i, run, states[i], position);

      if (step->connector == NULL)
        continue;

      /* A connector belongs to the step after it; the first shown step has none. */
      gtk_widget_set_visible (step->connector,
                              states[i] != OMS_STEPPER_STATE_ABSENT && previous_shown != NULL);

      if (states[i] == OMS_STEPPER_STATE_ACTIVE || states[i] == OMS_STEPPER_STATE_COMPLETED ||
          states[i] == OMS_STEPPER_STATE_FAILED || states[i] == OMS_STEPPER_STATE_SKIPPED)
        gtk_widget_add_css_class (step->connector, "filled");
      else
        gtk_widget_remove_css_class (step->connector, "filled");

      if (states[i] != OMS_STEPPER_STATE_ABSENT)
        previous_shown = step->box;
    }

  oms_stepper_update_animations (self);
}

/**
 * oms_stepper_set_waiting:
 * @self: an #OmsStepper
 * @waiting: whether the running step waits for the server (#OmsSyncEngine:waiting-for-server)
 *
 * The active step then says so in place of its count, until @waiting is %FALSE again.
 */
void
oms_stepper_set_waiting (OmsStepper *self,
                         gboolean    waiting)
{
  g_return_if_fail (OMS_IS_STEPPER (self));

  waiting = !!waiting;
  if (self->waiting == waiting)
    return;

  self->waiting = waiting;
  for (guint i = 0; i < OMS_SYNC_N_STEPS; i++)
    show_progress (self, i);
}

OmsStepperState
oms_stepper_get_step_state (OmsStepper  *self,
                            OmsSyncStep  step)
{
  g_return_val_if_fail (OMS_IS_STEPPER (self), OMS_STEPPER_STATE_ABSENT);
  g_return_val_if_fail (step < OMS_SYNC_N_STEPS, OMS_STEPPER_STATE_ABSENT);

  return self->steps[step].state;
}

/**
 * oms_stepper_get_step_progress_label:
 *
 * Returns: (nullable): the line under @step: "done / total", or that it waits for the
 *   server, or %NULL when it shows none
 */
const char *
oms_stepper_get_step_progress_label (OmsStepper  *self,
                                     OmsSyncStep  step)
{
  g_return_val_if_fail (OMS_IS_STEPPER (self), NULL);
  g_return_val_if_fail (step < OMS_SYNC_N_STEPS, NULL);

  return self->steps[step].progress_text;
}

/**
 * oms_stepper_get_step_accessible_label:
 *
 * Returns: (nullable): what a screen reader says for @step, %NULL when it is not shown
 */
const char *
oms_stepper_get_step_accessible_label (OmsStepper  *self,
                                       OmsSyncStep  step)
{
  g_return_val_if_fail (OMS_IS_STEPPER (self), NULL);
  g_return_val_if_fail (step < OMS_SYNC_N_STEPS, NULL);

  return self->steps[step].accessible_label;
}

const char *
oms_stepper_get_step_icon_name (OmsStepper  *self,
                                OmsSyncStep  step)
{
  g_return_val_if_fail (OMS_IS_STEPPER (self), NULL);
  g_return_val_if_fail (step < OMS_SYNC_N_STEPS, NULL);

  return self->steps[step].icon_name;
}

/* Whether the connector leading to @step is filled. */
gboolean
oms_stepper_get_connector_filled (OmsStepper  *self,
                                  OmsSyncStep  step)
{
  g_return_val_if_fail (OMS_IS_STEPPER (self), FALSE);
  g_return_val_if_fail (step < OMS_SYNC_N_STEPS, FALSE);

  return self->steps[step].connector != NULL &&
         gtk_widget_get_visible (self->steps[step].connector) &&
         gtk_widget_has_css_class (self->steps[step].connector, "filled");
}

/**
 * oms_stepper_get_error_button:
 *
 * Returns: (transfer none): the `i` button of @step, shown when it failed
 */
GtkWidget *
oms_stepper_get_error_button (OmsStepper  *self,
                              OmsSyncStep  step)
{
  g_return_val_if_fail (OMS_IS_STEPPER (self), NULL);
  g_return_val_if_fail (step < OMS_SYNC_N_STEPS, NULL);

  return self->steps[step].error_button;
}

guint
oms_stepper_get_n_steps (OmsStepper *self)
{
  g_return_val_if_fail (OMS_IS_STEPPER (self), 0);

  return self->n_shown;
}
