/* oms-a11y-names.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-a11y-names"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "oms-a11y-names.h"

/* libadwaita 1.2 and GTK 4.8 draw parts inside their own widgets that a screen reader meets
 * with no name (GTK 4.8 then reads out the class, "GtkImage"), and a .ui file cannot reach
 * them: the edit pencil and the drop-down arrow of entry and combo rows, the password row's
 * eye, the combo row's items, the shortcuts window's search and section buttons, the About
 * window's Back buttons, icons and text. Here the decorative ones are hidden from the
 * accessibility tree and the others get a name (tests/ui/e2e-a11y-names.py finds them).
 */

static gboolean
has_ancestor (GtkWidget *widget,
              GType      type)
{
  for (GtkWidget *parent = gtk_widget_get_parent (widget);
       parent != NULL;
       parent = gtk_widget_get_parent (parent))
    if (G_TYPE_CHECK_INSTANCE_TYPE (parent, type))
      return TRUE;
  return FALSE;
}

static void
set_label (GtkWidget  *widget,
           const char *label)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

static void
hide (GtkWidget *widget)
{
  gtk_accessible_update_state (GTK_ACCESSIBLE (widget),
                               GTK_ACCESSIBLE_STATE_HIDDEN, TRUE,
                               -1);
}

static GtkWidget *
first_descendant (GtkWidget *widget,
                  GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        return child;
      found = first_descendant (child, type);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static const char *
icon_of (GtkWidget *button)
{
  GtkWidget *image = first_descendant (button, GTK_TYPE_IMAGE);

  return image != NULL ? gtk_image_get_icon_name (GTK_IMAGE (image)) : NULL;
}

/* The password row's eye says what pressing it does; it swaps its icon when pressed. */
static void
name_peek_button (GtkWidget *button)
{
  const char *icon = icon_of (button);

  if (g_strcmp0 (icon, "view-conceal-symbolic") == 0)
    /* Translators: the eye button in a password field, while the password shows. */
    set_label (button, _("Hide password"));
  else
    /* Translators: the eye button in a password field, while the password is hidden. */
    set_label (button, _("Show password"));
}

static void
peek_icon_changed_cb (GtkWidget *button)
{
  name_peek_button (button);
}

/* A combo row's item (the chosen one, and each in its list) reads as its text. */
static void
item_label_changed_cb (GtkLabel  *label,
                       GParamSpec *pspec,
                       GtkWidget *item)
{
  set_label (item, gtk_label_get_text (label));
}

static void
name_list_item (GtkWidget *item)
{
  GtkWidget *label = first_descendant (item, GTK_TYPE_LABEL);

  if (label == NULL || g_object_get_data (G_OBJECT (item), "oms-a11y-named") != NULL)
    return;
  g_object_set_data (G_OBJECT (item), "oms-a11y-named", GINT_TO_POINTER (1));
  set_label (item, gtk_label_get_text (GTK_LABEL (label)));
  g_signal_connect_object (label, "notify::label",
                           G_CALLBACK (item_label_changed_cb), item, 0);
}

static void name_parts (GtkWidget *widget);

/* The walk runs again as rows change: a handler is connected once. */
static void
connect_once (GtkWidget  *widget,
              const char *signal,
              GCallback   callback)
{
  g_autofree char *key = g_strconcat ("oms-a11y-", signal, NULL);

  if (g_object_get_data (G_OBJECT (widget), key) != NULL)
    return;
  g_object_set_data (G_OBJECT (widget), key, GINT_TO_POINTER (1));
  g_signal_connect (widget, signal, callback, NULL);
}

/* Items are made as the model grows (sensors arrive with a sync), and rows make some parts
 * only when first shown: name them then. */
static gboolean
rename_row_cb (gpointer data)
{
  name_parts (GTK_WIDGET (data));
  return G_SOURCE_REMOVE;
}

static void
row_parts_changed_cb (GtkWidget *row)
{
  g_idle_add_full (G_PRIORITY_LOW, rename_row_cb, g_object_ref (row), g_object_unref);
}

static void
watch_row (GtkWidget *row)
{
  if (ADW_IS_COMBO_ROW (row))
    {
      connect_once (row, "notify::model", G_CALLBACK (row_parts_changed_cb));
      connect_once (row, "notify::selected", G_CALLBACK (row_parts_changed_cb));
    }
  connect_once (row, "map", G_CALLBACK (row_parts_changed_cb));
}

static void
name_part (GtkWidget *widget)
{
  gboolean in_row = has_ancestor (widget, ADW_TYPE_ENTRY_ROW)
                    || has_ancestor (widget, ADW_TYPE_COMBO_ROW);
  gboolean in_about = has_ancestor (widget, ADW_TYPE_ABOUT_WINDOW);
  gboolean in_shortcuts = has_ancestor (widget, GTK_TYPE_SHORTCUTS_WINDOW);

  if (ADW_IS_COMBO_ROW (widget) || ADW_IS_ENTRY_ROW (widget))
    watch_row (widget);

  if (GTK_IS_IMAGE (widget) && in_row)
    {
      /* The pencil, the arrow, the chosen item's tick: the row already says it all. The
       * pencil comes and goes with the focus; hide it again each time it shows.
       */
      GtkWidget *row = gtk_widget_get_ancestor (widget, ADW_TYPE_PREFERENCES_ROW);

      hide (widget);
      connect_once (widget, "map", G_CALLBACK (hide));
      /* GTK 4.8 sometimes keeps the pencil in the tree all the same (seen in e2e-locales
       * under load, not understood): it then reads as its row rather than "GtkImage".
       */
      set_label (widget, adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
    }
  else if (GTK_IS_IMAGE (widget) && (in_about || in_shortcuts))
    {
      if (g_strcmp0 (gtk_image_get_icon_name (GTK_IMAGE (widget)), APP_ID) == 0)
        set_label (widget, "omsync");
      else
        hide (widget); /* the arrows of the About rows, the "no results" magnifier */
    }
  else if (GTK_IS_BUTTON (widget) && in_row && ADW_IS_PASSWORD_ENTRY_ROW (
             gtk_widget_get_ancestor (widget, ADW_TYPE_ENTRY_ROW))
           && g_str_has_prefix (icon_of (widget) ? icon_of (widget) : "", "view-"))
    {
      name_peek_button (widget);
      connect_once (widget, "notify::icon-name", G_CALLBACK (peek_icon_changed_cb));
    }
  else if (GTK_IS_BUTTON (widget) && in_about
           && g_strcmp0 (icon_of (widget), "go-previous-symbolic") == 0)
    {
      /* Translators: the button that goes back to the previous page of the About window. */
      set_label (widget, _("Back"));
    }
  else if (GTK_IS_BUTTON (widget) && in_about && icon_of (widget) == NULL
           && gtk_button_get_label (GTK_BUTTON (widget)) == NULL
           && first_descendant (widget, GTK_TYPE_LABEL) != NULL)
    {
      /* The version pill: it reads as the version it shows. */
      GtkWidget *label = first_descendant (widget, GTK_TYPE_LABEL);

      set_label (widget, gtk_label_get_text (GTK_LABEL (label)));
    }
  else if (GTK_IS_TEXT_VIEW (widget) && in_about)
    {
      /* Translators: the text of the About window's troubleshooting page. */
      set_label (widget, _("Debugging information"));
    }
  else if (GTK_IS_TOGGLE_BUTTON (widget) && in_shortcuts
           && g_strcmp0 (icon_of (widget), "edit-find-symbolic") == 0)
    {
      /* Translators: the shortcuts window's button that shows a search field. */
      set_label (widget, C_("shortcut window", "Search Shortcuts"));
    }
  else if (GTK_IS_MENU_BUTTON (widget) && in_shortcuts)
    {
      /* Translators: the shortcuts window's menu that chooses a section of shortcuts. */
      set_label (widget, C_("shortcut window", "Sections"));
    }
  else if (in_row && g_strcmp0 (G_OBJECT_TYPE_NAME (widget), "GtkListItemWidget") == 0)
    {
      name_list_item (widget);
    }
}

static void
name_parts (GtkWidget *widget)
{
  name_part (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    name_parts (child);
}

/**
 * oms_a11y_names_name_library_parts:
 * @root: a window, or any widget
 *
 * Names, or hides from the accessibility tree when they are decorative, the parts libadwaita
 * and GTK draw inside their own widgets under @root (see above). Call it once a window is
 * built; combo rows stay named as their items change.
 */
void
oms_a11y_names_name_library_parts (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  name_parts (root);
}
