/* oms-value-widget.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-value-widget"

#include "config.h"

#include "oms-value-widget.h"

/* A spin button changes its value when the mouse wheel turns over it. On a page that scrolls,
 * the wheel meant for the page then changes a setting on its way past (the interval went
 * 300 → 270). Such a widget's own scroll handling is switched off while the focus is elsewhere,
 * so the wheel scrolls the page; once someone has clicked or tabbed into it, it works again.
 */

#define SAVED_PHASE_KEY "oms-value-widget-phase"

static void
update_scroll_controllers (GtkEventControllerFocus *focus,
                           GParamSpec              *pspec,
                           GtkWidget               *widget)
{
  gboolean focused = gtk_event_controller_focus_contains_focus (focus);
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);
      gpointer saved;

      if (!GTK_IS_EVENT_CONTROLLER_SCROLL (controller))
        continue;

      /* The phase the widget gave its controller, kept once (stored + 1, so 0 means unset). */
      saved = g_object_get_data (G_OBJECT (controller), SAVED_PHASE_KEY);
      if (saved == NULL)
        {
          saved = GINT_TO_POINTER (gtk_event_controller_get_propagation_phase (controller) + 1);
          g_object_set_data (G_OBJECT (controller), SAVED_PHASE_KEY, saved);
        }

      gtk_event_controller_set_propagation_phase (controller,
                                                  focused
                                                    ? (GtkPropagationPhase)
                                                        (GPOINTER_TO_INT (saved) - 1)
                                                    : GTK_PHASE_NONE);
    }
}

/**
 * oms_value_widget_scroll_only_when_focused:
 * @widget: a widget that changes a value on scroll, such as a #GtkSpinButton
 *
 * Makes the mouse wheel change @widget's value only while the focus is in @widget; otherwise
 * the wheel goes on to what contains it (the page scrolls).
 */
void
oms_value_widget_scroll_only_when_focused (GtkWidget *widget)
{
  GtkEventController *focus;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  focus = gtk_event_controller_focus_new ();
  g_signal_connect_object (focus, "notify::contains-focus",
                           G_CALLBACK (update_scroll_controllers), widget, 0);
  gtk_widget_add_controller (widget, focus);
  update_scroll_controllers (GTK_EVENT_CONTROLLER_FOCUS (focus), NULL, widget);
}
