/* oms-error-button.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-error-button"

#include "config.h"

#include <glib/gi18n.h>

#include "oms-error-button.h"
#include "oms-sync-error-text.h"
#include "oms-sync-step.h"
#include "oms-sync-summary.h"

/* The `i` button of a sync error (UI.md §2.3): hovering shows the hint, and a click, a tap or
 * the keyboard opens a popover with the hint, the technical detail, when and in which step
 * it happened, and a button that copies it all. Open mSupply's hover-only tooltip was hidden
 * on tablets (#7549), so the popover is the primary way in.
 */

struct _OmsErrorButton
{
  GtkWidget       parent_instance;

  /* Template widgets */
  GtkLabel       *detail_label;
  GtkLabel       *hint_label;
  GtkMenuButton  *menu_button;
  GtkLabel       *message_label;
  GtkPopover     *popover;
  GtkLabel       *when_label;
};

G_DEFINE_FINAL_TYPE (OmsErrorButton, oms_error_button, GTK_TYPE_WIDGET)

static void
oms_error_button_copy_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  OmsErrorButton *self = OMS_ERROR_BUTTON (widget);
  g_autofree char *details = oms_error_button_dup_details (self);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), details);
  gtk_popover_popdown (self->popover);
}

static void
oms_error_button_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), OMS_TYPE_ERROR_BUTTON);

  G_OBJECT_CLASS (oms_error_button_parent_class)->dispose (object);
}

static void
oms_error_button_class_init (OmsErrorButtonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = oms_error_button_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/omsync/OmSync/ui/oms-error-button.ui");
  gtk_widget_class_bind_template_child (widget_class, OmsErrorButton, detail_label);
  gtk_widget_class_bind_template_child (widget_class, OmsErrorButton, hint_label);
  gtk_widget_class_bind_template_child (widget_class, OmsErrorButton, menu_button);
  gtk_widget_class_bind_template_child (widget_class, OmsErrorButton, message_label);
  gtk_widget_class_bind_template_child (widget_class, OmsErrorButton, popover);
  gtk_widget_class_bind_template_child (widget_class, OmsErrorButton, when_label);

  gtk_widget_class_install_action (widget_class, "error.copy", NULL,
                                   oms_error_button_copy_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "errorbutton");
}

/* The hover tooltip repeats the hint: while the popover shows it, the tooltip would only
 * cover the popover.
 */
static void
oms_error_button_update_tooltip (OmsErrorButton *self)
{
  gtk_widget_set_has_tooltip (GTK_WIDGET (self->menu_button),
                              !gtk_widget_get_visible (GTK_WIDGET (self->popover)));
}

static void
oms_error_button_init (OmsErrorButton *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (self->popover, "notify::visible",
                           G_CALLBACK (oms_error_button_update_tooltip), self,
                           G_CONNECT_SWAPPED);
}

GtkWidget *
oms_error_button_new (void)
{
  return g_object_new (OMS_TYPE_ERROR_BUTTON, NULL);
}

/**
 * oms_error_button_set_error:
 * @self: an #OmsErrorButton
 * @variant: what kind of error it was
 * @detail: (nullable): the technical detail (the run's error message)
 * @time: when it happened, UTC microseconds, or 0 when unknown
 * @step: the #OmsSyncStep that failed, or -1 when the run failed before its first step
 *
 * Shows @variant's message and hint with the detail, the time and the step.
 */
void
oms_error_button_set_error (OmsErrorButton      *self,
                            OmsSyncErrorVariant  variant,
                            const char          *detail,
                            gint64               time,
                            int                  step)
{
  oms_error_button_set_error_text (self, oms_sync_error_variant_get_message (variant),
                                   oms_sync_error_variant_get_hint (variant), detail, time,
                                   step);
}

/**
 * oms_error_button_set_run_error:
 * @self: an #OmsErrorButton
 * @run: a failed run
 *
 * Shows @run's error as people read it (oms_sync_run_describe_error()), with its detail, its
 * time and the step it failed in.
 */
void
oms_error_button_set_run_error (OmsErrorButton   *self,
                                const OmsSyncRun *run)
{
  g_autofree char *message = NULL;
  g_autofree char *hint = NULL;

  g_return_if_fail (run != NULL);

  oms_sync_run_describe_error (run, NULL, &message, &hint);
  oms_error_button_set_error_text (self, message, hint, run->error_message,
                                   run->finished != 0 ? run->finished : run->started,
                                   oms_sync_run_get_open_step (run));
}

/**
 * oms_error_button_set_error_text:
 * @self: an #OmsErrorButton
 * @message: what went wrong
 * @hint: (nullable): what to do next
 * @detail: (nullable): the technical detail
 * @time: when it happened, UTC microseconds, or 0 when unknown
 * @step: the #OmsSyncStep that failed, or -1
 */
void
oms_error_button_set_error_text (OmsErrorButton *self,
                                 const char     *message,
                                 const char     *hint,
                                 const char     *detail,
                                 gint64          time,
                                 int             step)
{
  g_autofree char *when = NULL;

  g_return_if_fail (OMS_IS_ERROR_BUTTON (self));
  g_return_if_fail (message != NULL);
  g_return_if_fail (step >= -1 && step < OMS_SYNC_N_STEPS);

  gtk_label_set_label (self->message_label, message);
  gtk_label_set_label (self->hint_label, hint);
  gtk_widget_set_visible (GTK_WIDGET (self->hint_label), hint != NULL && hint[0] != '\0');
  gtk_label_set_label (self->detail_label,
                       detail != NULL && detail[0] != '\0' ? detail : _("No details"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->menu_button),
                               hint != NULL && hint[0] != '\0' ? hint : message);
  oms_error_button_update_tooltip (self);

  if (time > 0)
    {
      g_autofree char *at = oms_sync_summary_format_time (time, g_get_real_time ());

      if (step >= 0)
        /* Translators: The first %s is a time, the second a step of the sync ("Push V6"). */
        when = g_strdup_printf (_("At %s, during “%s”"), at, oms_sync_step_get_label (step));
      else
        /* Translators: %s is a time. The run stopped while it reached the central server
         * and signed in, before any step of the sync (Push, Pull, …) had begun.
         */
        when = g_strdup_printf (_("At %s, before the first step"), at);
    }
  else if (step >= 0)
    {
      /* Translators: %s is a step of the sync ("Push V6"). */
      when = g_strdup_printf (_("During “%s”"), oms_sync_step_get_label (step));
    }
  else
    {
      when = g_strdup (_("Before the first step"));
    }

  gtk_label_set_label (self->when_label, when);
  gtk_widget_set_visible (GTK_WIDGET (self->when_label), when != NULL);
}

/**
 * oms_error_button_dup_details:
 * @self: an #OmsErrorButton
 *
 * Returns: (transfer full): what "Copy details" puts on the clipboard
 */
char *
oms_error_button_dup_details (OmsErrorButton *self)
{
  GString *text;

  g_return_val_if_fail (OMS_IS_ERROR_BUTTON (self), NULL);

  text = g_string_new (gtk_label_get_label (self->message_label));

  if (gtk_widget_get_visible (GTK_WIDGET (self->hint_label)))
    g_string_append_printf (text, "\n%s", gtk_label_get_label (self->hint_label));
  if (gtk_widget_get_visible (GTK_WIDGET (self->when_label)))
    g_string_append_printf (text, "\n%s", gtk_label_get_label (self->when_label));
  g_string_append_printf (text, "\n\n%s\n", gtk_label_get_label (self->detail_label));

  return g_string_free (text, FALSE);
}

GtkPopover *
oms_error_button_get_popover (OmsErrorButton *self)
{
  g_return_val_if_fail (OMS_IS_ERROR_BUTTON (self), NULL);

  return self->popover;
}

GtkWidget *
oms_error_button_get_menu_button (OmsErrorButton *self)
{
  g_return_val_if_fail (OMS_IS_ERROR_BUTTON (self), NULL);

  return GTK_WIDGET (self->menu_button);
}

const char *
oms_error_button_get_message_text (OmsErrorButton *self)
{
  g_return_val_if_fail (OMS_IS_ERROR_BUTTON (self), NULL);

  return gtk_label_get_label (self->message_label);
}

const char *
oms_error_button_get_hint_text (OmsErrorButton *self)
{
  g_return_val_if_fail (OMS_IS_ERROR_BUTTON (self), NULL);

  return gtk_label_get_label (self->hint_label);
}

/* When and in which step, as the popover says it. */
const char *
oms_error_button_get_when_text (OmsErrorButton *self)
{
  g_return_val_if_fail (OMS_IS_ERROR_BUTTON (self), NULL);

  return gtk_label_get_label (self->when_label);
}

const char *
oms_error_button_get_detail_text (OmsErrorButton *self)
{
  g_return_val_if_fail (OMS_IS_ERROR_BUTTON (self), NULL);

  return gtk_label_get_label (self->detail_label);
}
