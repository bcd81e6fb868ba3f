/* oms-settings-page.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-settings-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "oms-settings-page.h"

struct _OmsSettingsPage
{
  GtkWidget     parent_instance;

  /* Template widgets */
  AdwActionRow *data_dir_row;
  AdwActionRow *database_row;
  GtkWidget    *preferences_page;

  /* Owned references */
  OmsStore     *store;
};

G_DEFINE_FINAL_TYPE (OmsSettingsPage, oms_settings_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
oms_settings_page_update (OmsSettingsPage *self)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *path = NULL;

  g_assert (OMS_IS_SETTINGS_PAGE (self));

  if (self->store != NULL)
    {
      data_dir = g_filename_display_name (oms_store_get_data_dir (self->store));
      path = g_filename_display_name (oms_store_get_path (self->store));
    }

  adw_action_row_set_subtitle (self->data_dir_row, data_dir != NULL ? data_dir : "");
  adw_action_row_set_subtitle (self->database_row, path != NULL ? path : "");
}

static void
oms_settings_page_dispose (GObject *object)
{
  OmsSettingsPage *self = (OmsSettingsPage *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), OMS_TYPE_SETTINGS_PAGE);

  g_clear_object (&self->store);

  G_OBJECT_CLASS (oms_settings_page_parent_class)->dispose (object);
}

static void
oms_settings_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  OmsSettingsPage *self = OMS_SETTINGS_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_settings_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  OmsSettingsPage *self = OMS_SETTINGS_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      oms_settings_page_set_store (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_settings_page_class_init (OmsSettingsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = oms_settings_page_dispose;
  object_class->get_property = oms_settings_page_get_property;
  object_class->set_property = oms_settings_page_set_property;

  /**
   * OmsSettingsPage:store:
   *
   * The store whose settings the page shows.
   */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         OMS_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/omsync/OmSync/ui/oms-settings-page.ui");
  gtk_widget_class_bind_template_child (widget_class, OmsSettingsPage, data_dir_row);
  gtk_widget_class_bind_template_child (widget_class, OmsSettingsPage, database_row);
  gtk_widget_class_bind_template_child (widget_class, OmsSettingsPage, preferences_page);
}

static void
oms_settings_page_init (OmsSettingsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * oms_settings_page_get_store:
 * @self: an #OmsSettingsPage
 *
 * Returns: (transfer none) (nullable): the store
 */
OmsStore *
oms_settings_page_get_store (OmsSettingsPage *self)
{
  g_return_val_if_fail (OMS_IS_SETTINGS_PAGE (self), NULL);

  return self->store;
}

void
oms_settings_page_set_store (OmsSettingsPage *self,
                             OmsStore        *store)
{
  g_return_if_fail (OMS_IS_SETTINGS_PAGE (self));
  g_return_if_fail (store == NULL || OMS_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  oms_settings_page_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}
