/* oms-inline-error.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-inline-error"

#include "config.h"

#include <glib/gi18n.h>

#include "oms-inline-error.h"
#include "oms-protocol-error.h"
#include "oms-sync-error-text.h"

/* An error shown where it happened: an icon, the message, and an "i" button whose popover
 * holds the hint (what to do next) and the technical detail, with a way to copy them. A
 * click opens it, so it works on touch screens and from the keyboard, not only on hover.
 */

struct _OmsInlineError
{
  GtkWidget   parent_instance;

  GtkWidget  *box;
  GtkLabel   *message_label;
  GtkWidget  *info_button;
  GtkLabel   *hint_label;
  GtkLabel   *detail_label;

  char       *message;
  char       *hint;
  char       *detail;
};

G_DEFINE_FINAL_TYPE (OmsInlineError, oms_inline_error, GTK_TYPE_WIDGET)

static void
oms_inline_error_copy_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  OmsInlineError *self = OMS_INLINE_ERROR (widget);
  g_autoptr(GString) text = g_string_new (self->message);

  if (self->hint != NULL)
    g_string_append_printf (text, "\n%s", self->hint);
  if (self->detail != NULL)
    g_string_append_printf (text, "\n%s", self->detail);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text->str);
}

static void
oms_inline_error_dispose (GObject *object)
{
  OmsInlineError *self = (OmsInlineError *)object;

  g_clear_pointer (&self->box, gtk_widget_unparent);

  G_OBJECT_CLASS (oms_inline_error_parent_class)->dispose (object);
}

static void
oms_inline_error_finalize (GObject *object)
{
  OmsInlineError *self = (OmsInlineError *)object;

  g_clear_pointer (&self->message, g_free);
  g_clear_pointer (&self->hint, g_free);
  g_clear_pointer (&self->detail, g_free);

  G_OBJECT_CLASS (oms_inline_error_parent_class)->finalize (object);
}

static void
oms_inline_error_class_init (OmsInlineErrorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = oms_inline_error_dispose;
  object_class->finalize = oms_inline_error_finalize;

  gtk_widget_class_install_action (widget_class, "error.copy", NULL,
                                   oms_inline_error_copy_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "inlineerror");
}

static void
oms_inline_error_init (OmsInlineError *self)
{
  GtkWidget *icon;
  GtkWidget *popover_box;
  GtkWidget *popover;
  GtkWidget *copy_button;
  GtkWidget *hint_title;
  GtkWidget *detail_title;

  self->box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  icon = gtk_image_new_from_icon_name ("dialog-error-symbolic");
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Error"),
                                  -1);
  gtk_widget_add_css_class (icon, "error");
  gtk_widget_set_valign (icon, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (self->box), icon);

  self->message_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->message_label, TRUE);
  gtk_label_set_xalign (self->message_label, 0.0f);
  gtk_widget_set_hexpand (GTK_WIDGET (self->message_label), TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "error");
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->message_label));

  popover_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_start (popover_box, 6);
  gtk_widget_set_margin_end (popover_box, 6);
  gtk_widget_set_margin_top (popover_box, 6);
  gtk_widget_set_margin_bottom (popover_box, 6);
  gtk_widget_set_size_request (popover_box, 280, -1);

  hint_title = gtk_label_new (_("What to do"));
  gtk_label_set_xalign (GTK_LABEL (hint_title), 0.0f);
  gtk_widget_add_css_class (hint_title, "heading");
  gtk_box_append (GTK_BOX (popover_box), hint_title);

  self->hint_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->hint_label, TRUE);
  gtk_label_set_max_width_chars (self->hint_label, 50);
  gtk_label_set_xalign (self->hint_label, 0.0f);
  gtk_box_append (GTK_BOX (popover_box), GTK_WIDGET (self->hint_label));
  g_object_bind_property (self->hint_label, "visible", hint_title, "visible",
                          G_BINDING_SYNC_CREATE);

  detail_title = gtk_label_new (_("Technical details"));
  gtk_label_set_xalign (GTK_LABEL (detail_title), 0.0f);
  gtk_widget_add_css_class (detail_title, "heading");
  gtk_box_append (GTK_BOX (popover_box), detail_title);

  self->detail_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->detail_label, TRUE);
  gtk_label_set_wrap_mode (self->detail_label, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (self->detail_label, 50);
  gtk_label_set_selectable (self->detail_label, TRUE);
  gtk_label_set_xalign (self->detail_label, 0.0f);
  gtk_widget_add_css_class (GTK_WIDGET (self->detail_label), "monospace");
  gtk_widget_add_css_class (GTK_WIDGET (self->detail_label), "caption");
  gtk_box_append (GTK_BOX (popover_box), GTK_WIDGET (self->detail_label));
  g_object_bind_property (self->detail_label, "visible", detail_title, "visible",
                          G_BINDING_SYNC_CREATE);

  copy_button = gtk_button_new_with_mnemonic (_("_Copy details"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (copy_button), "error.copy");
  gtk_widget_set_halign (copy_button, GTK_ALIGN_END);
  gtk_box_append (GTK_BOX (popover_box), copy_button);

  popover = gtk_popover_new ();
  gtk_popover_set_child (GTK_POPOVER (popover), popover_box);

  /* The same `i` as the sync window's error button (OmsErrorButton), so an error's details
   * look the same everywhere; dialog-information-symbolic is a lightbulb in Adwaita.
   */
  self->info_button = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (self->info_button), "help-about-symbolic");
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (self->info_button), popover);
  gtk_widget_set_valign (self->info_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (self->info_button, "flat");
  gtk_widget_add_css_class (self->info_button, "circular");
  gtk_widget_add_css_class (self->info_button, "error-info");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->info_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Error details"),
                                  -1);
  gtk_box_append (GTK_BOX (self->box), self->info_button);

  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
oms_inline_error_new (void)
{
  return g_object_new (OMS_TYPE_INLINE_ERROR, NULL);
}

/**
 * oms_inline_error_set:
 * @self: an #OmsInlineError
 * @message: what went wrong, for the person in front of the screen
 * @hint: (nullable): what to do next
 * @detail: (nullable): the technical detail
 *
 * Shows the error.
 */
void
oms_inline_error_set (OmsInlineError *self,
                      const char     *message,
                      const char     *hint,
                      const char     *detail)
{
  g_return_if_fail (OMS_IS_INLINE_ERROR (self));
  g_return_if_fail (message != NULL);

  g_free (self->message);
  self->message = g_strdup (message);
  g_free (self->hint);
  self->hint = g_strdup (hint);
  g_free (self->detail);
  self->detail = g_strdup (detail);

  gtk_label_set_label (self->message_label, message);
  gtk_label_set_label (self->hint_label, hint ? hint : "");
  gtk_widget_set_visible (GTK_WIDGET (self->hint_label), hint != NULL);
  gtk_label_set_label (self->detail_label, detail ? detail : "");
  gtk_widget_set_visible (GTK_WIDGET (self->detail_label), detail != NULL);
  gtk_widget_set_visible (self->info_button, hint != NULL || detail != NULL);
  gtk_widget_set_tooltip_text (self->info_button, hint ? hint : _("Error details"));

  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
}

/**
 * oms_inline_error_set_error:
 * @self: an #OmsInlineError
 * @error: the error
 * @unknown_message: what to say for an OMS_SYNC_ERROR of an unknown variant
 *
 * Shows @error: for an OMS_SYNC_ERROR its variant's message and hint, with the error's own
 * message as the detail; for any other error its message.
 */
void
oms_inline_error_set_error (OmsInlineError *self,
                            const GError   *error,
                            const char     *unknown_message)
{
  g_autofree char *message = NULL;
  g_autofree char *hint = NULL;

  g_return_if_fail (OMS_IS_INLINE_ERROR (self));
  g_return_if_fail (error != NULL);

  if (error->domain != OMS_SYNC_ERROR)
    {
      oms_inline_error_set (self, error->message, NULL, NULL);
      return;
    }

  oms_sync_error_describe_error (error, -1, unknown_message, &message, &hint);
  oms_inline_error_set (self, message, hint, error->message);
}

void
oms_inline_error_clear (OmsInlineError *self)
{
  g_return_if_fail (OMS_IS_INLINE_ERROR (self));

  g_clear_pointer (&self->message, g_free);
  g_clear_pointer (&self->hint, g_free);
  g_clear_pointer (&self->detail, g_free);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

const char *
oms_inline_error_get_message (OmsInlineError *self)
{
  g_return_val_if_fail (OMS_IS_INLINE_ERROR (self), NULL);

  return self->message;
}

const char *
oms_inline_error_get_hint (OmsInlineError *self)
{
  g_return_val_if_fail (OMS_IS_INLINE_ERROR (self), NULL);

  return self->hint;
}

const char *
oms_inline_error_get_detail (OmsInlineError *self)
{
  g_return_val_if_fail (OMS_IS_INLINE_ERROR (self), NULL);

  return self->detail;
}
