/* oms-qr-window.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-qr-window"

#include "config.h"

#include <glib/gi18n.h>

#include "oms-qr-code.h"
#include "oms-qr-window.h"

/* The enlarged server URL code: big enough for any phone camera, with the URL to copy or
 * type, every address the server answers on, and what to do on the phone. While the server is
 * not running, the reason and a Retry button stand in for the code and the addresses.
 */

struct _OmsQrWindow
{
  AdwWindow   parent_instance;

  /* Template widgets */
  AdwPreferencesGroup *addresses_group;
  GtkListBox          *addresses_list;
  GtkLabel            *last_device_label;
  GtkWidget           *not_running_box;
  GtkLabel            *not_running_label;
  OmsQrCode           *qr_code;
  GtkWidget           *url_box;
  GtkLabel            *url_label;

  /* State */
  gboolean             has_addresses;
};

G_DEFINE_FINAL_TYPE (OmsQrWindow, oms_qr_window, ADW_TYPE_WINDOW)

static void
oms_qr_window_copy_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  OmsQrWindow *self = OMS_QR_WINDOW (widget);
  const char *url = oms_qr_code_get_text (self->qr_code);

  if (url != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), url);
}

static void
oms_qr_window_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), OMS_TYPE_QR_WINDOW);

  G_OBJECT_CLASS (oms_qr_window_parent_class)->dispose (object);
}

static void
oms_qr_window_class_init (OmsQrWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = oms_qr_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/omsync/OmSync/ui/oms-qr-window.ui");
  gtk_widget_class_bind_template_child (widget_class, OmsQrWindow, addresses_group);
  gtk_widget_class_bind_template_child (widget_class, OmsQrWindow, addresses_list);
  gtk_widget_class_bind_template_child (widget_class, OmsQrWindow, last_device_label);
  gtk_widget_class_bind_template_child (widget_class, OmsQrWindow, not_running_box);
  gtk_widget_class_bind_template_child (widget_class, OmsQrWindow, not_running_label);
  gtk_widget_class_bind_template_child (widget_class, OmsQrWindow, url_box);
  gtk_widget_class_bind_template_child (widget_class, OmsQrWindow, qr_code);
  gtk_widget_class_bind_template_child (widget_class, OmsQrWindow, url_label);

  gtk_widget_class_install_action (widget_class, "qr.copy", NULL, oms_qr_window_copy_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  g_type_ensure (OMS_TYPE_QR_CODE);
}

static void
oms_qr_window_init (OmsQrWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* A URL reads left to right in every language, also in a mirrored window. */
  gtk_widget_set_direction (GTK_WIDGET (self->url_label), GTK_TEXT_DIR_LTR);
}

/**
 * oms_qr_window_new:
 * @parent: (nullable): the window it is modal over
 * @url: the URL the code encodes
 * @urls: (nullable) (array zero-terminated=1): every URL the server answers at
 *
 * Returns: (transfer full): a new #OmsQrWindow
 */
OmsQrWindow *
oms_qr_window_new (GtkWindow          *parent,
                   const char         *url,
                   const char * const *urls)
{
  OmsQrWindow *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  self = g_object_new (OMS_TYPE_QR_WINDOW,
                       "transient-for", parent,
                       NULL);
  oms_qr_window_set_url (self, url);
  oms_qr_window_set_urls (self, urls);

  return self;
}

const char *
oms_qr_window_get_url (OmsQrWindow *self)
{
  g_return_val_if_fail (OMS_IS_QR_WINDOW (self), NULL);

  return oms_qr_code_get_text (self->qr_code);
}

void
oms_qr_window_set_url (OmsQrWindow *self,
                       const char  *url)
{
  g_return_if_fail (OMS_IS_QR_WINDOW (self));

  oms_qr_code_set_text (self->qr_code, url);
  gtk_label_set_label (self->url_label, url ? url : "");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "qr.copy", url != NULL);
}

/**
 * oms_qr_window_set_urls:
 * @self: an #OmsQrWindow
 * @urls: (nullable) (array zero-terminated=1): every URL the server answers at
 */
void
oms_qr_window_set_urls (OmsQrWindow        *self,
                        const char * const *urls)
{
  GtkWidget *child;

  g_return_if_fail (OMS_IS_QR_WINDOW (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->addresses_list))) != NULL)
    gtk_list_box_remove (self->addresses_list, child);

  for (guint i = 0; urls != NULL && urls[i] != NULL; i++)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), urls[i]);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title_selectable (ADW_PREFERENCES_ROW (row), TRUE);
      gtk_list_box_append (self->addresses_list, row);
    }

  self->has_addresses = urls != NULL && urls[0] != NULL;
  gtk_widget_set_visible (GTK_WIDGET (self->addresses_group),
                          self->has_addresses &&
                          !gtk_widget_get_visible (self->not_running_box));
}

/**
 * oms_qr_window_set_not_running:
 * @self: an #OmsQrWindow
 * @reason: (nullable): why the server is not running, or %NULL when it runs
 *
 * With a reason, the code, the URL and the addresses give way to the reason and a Retry
 * button (the app.coldchain-retry action), so the view never shows a code nothing answers.
 */
void
oms_qr_window_set_not_running (OmsQrWindow *self,
                               const char  *reason)
{
  gboolean running = reason == NULL;

  g_return_if_fail (OMS_IS_QR_WINDOW (self));

  gtk_label_set_label (self->not_running_label, reason != NULL ? reason : "");
  gtk_widget_set_visible (self->not_running_box, !running);
  gtk_widget_set_visible (GTK_WIDGET (self->qr_code), running);
  gtk_widget_set_visible (self->url_box, running);
  gtk_widget_set_visible (GTK_WIDGET (self->addresses_group), running && self->has_addresses);
}

/**
 * oms_qr_window_get_not_running:
 * @self: an #OmsQrWindow
 *
 * Returns: (nullable): the reason shown in place of the code, or %NULL when the code is shown
 */
const char *
oms_qr_window_get_not_running (OmsQrWindow *self)
{
  g_return_val_if_fail (OMS_IS_QR_WINDOW (self), NULL);

  if (!gtk_widget_get_visible (self->not_running_box))
    return NULL;

  return gtk_label_get_label (self->not_running_label);
}

/**
 * oms_qr_window_set_last_device:
 * @self: an #OmsQrWindow
 * @name: (nullable): the phone that last logged in to the cold chain server, or %NULL
 * @time: (nullable): when
 *
 * Shows "Last device connected: <name> at <time>", or hides the line for %NULL.
 */
void
oms_qr_window_set_last_device (OmsQrWindow *self,
                               const char  *name,
                               GDateTime   *time)
{
  g_autofree char *text = NULL;
  g_autofree char *when = NULL;

  g_return_if_fail (OMS_IS_QR_WINDOW (self));

  if (name == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->last_device_label), FALSE);
      return;
    }

  if (time != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (time);
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();

      if (g_date_time_get_year (local) == g_date_time_get_year (now) &&
          g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (now))
        when = g_date_time_format (local, "%X");
      else
        when = g_date_time_format (local, "%x %X");
    }

  if (when != NULL)
    /* Translators: The first %s is a phone's name, the second a time (or date and time). */
    text = g_strdup_printf (_("Last device connected: %s at %s"), name, when);
  else
    /* Translators: %s is a phone's name. */
    text = g_strdup_printf (_("Last device connected: %s"), name);

  gtk_label_set_label (self->last_device_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->last_device_label), TRUE);
}
