/* oms-coldchain-page.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-coldchain-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "oms-coldchain-page.h"

struct _OmsColdchainPage
{
  GtkWidget      parent_instance;

  /* Template widgets */
  GtkLabel      *breaches_label;
  GtkLabel      *equipment_label;
  AdwStatusPage *error_page;
  GtkLabel      *sensors_label;
  GtkStack      *stack;

  /* Owned references */
  OmsStore      *store;
  GSignalGroup  *store_signals;

  /* State */
  guint          refresh_source;
};

G_DEFINE_FINAL_TYPE (OmsColdchainPage, oms_coldchain_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
oms_coldchain_page_set_count (GtkLabel *label,
                              gint64    count)
{
  g_autofree char *text = g_strdup_printf ("%'" G_GINT64_FORMAT, count);

  gtk_label_set_label (label, text);
}

static void
oms_coldchain_page_refresh (OmsColdchainPage *self)
{
  g_autoptr(GPtrArray) counts = NULL;
  g_autoptr(GError) error = NULL;
  gint64 n_sensors = 0;
  gint64 n_breaches = 0;
  gint64 n_equipment = 0;

  g_assert (OMS_IS_COLDCHAIN_PAGE (self));

  if (self->store == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  counts = oms_store_list_table_counts (self->store, &error);

  if (counts == NULL)
    {
      g_debug ("Cannot count the cold chain records: %s", error->message);
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  for (guint i = 0; i < counts->len; i++)
    {
      const OmsTableCount *count = g_ptr_array_index (counts, i);

      if (g_strcmp0 (count->table_name, "sensor") == 0)
        n_sensors = count->n_rows;
      else if (g_strcmp0 (count->table_name, "temperature_breach") == 0)
        n_breaches = count->n_rows;
      else if (g_strcmp0 (count->table_name, "asset") == 0)
        n_equipment = count->n_rows;
    }

  oms_coldchain_page_set_count (self->sensors_label, n_sensors);
  oms_coldchain_page_set_count (self->breaches_label, n_breaches);
  oms_coldchain_page_set_count (self->equipment_label, n_equipment);

  if (n_sensors == 0 && n_breaches == 0 && n_equipment == 0)
    gtk_stack_set_visible_child_name (self->stack, "empty");
  else
    gtk_stack_set_visible_child_name (self->stack, "content");
}

static gboolean
oms_coldchain_page_refresh_cb (gpointer user_data)
{
  OmsColdchainPage *self = user_data;

  g_assert (OMS_IS_COLDCHAIN_PAGE (self));

  self->refresh_source = 0;
  oms_coldchain_page_refresh (self);

  return G_SOURCE_REMOVE;
}

/* A sync commits many writes in a row; count the tables once they are done. */
static void
oms_coldchain_page_queue_refresh (OmsColdchainPage *self)
{
  g_assert (OMS_IS_COLDCHAIN_PAGE (self));

  if (self->refresh_source == 0)
    self->refresh_source = g_idle_add_full (G_PRIORITY_LOW,
                                            oms_coldchain_page_refresh_cb,
                                            self,
                                            NULL);
}

static void
oms_coldchain_page_dispose (GObject *object)
{
  OmsColdchainPage *self = (OmsColdchainPage *)object;

  g_clear_handle_id (&self->refresh_source, g_source_remove);

  if (self->store_signals != NULL)
    g_signal_group_set_target (self->store_signals, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), OMS_TYPE_COLDCHAIN_PAGE);

  g_clear_object (&self->store_signals);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (oms_coldchain_page_parent_class)->dispose (object);
}

static void
oms_coldchain_page_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  OmsColdchainPage *self = OMS_COLDCHAIN_PAGE (object);

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
oms_coldchain_page_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  OmsColdchainPage *self = OMS_COLDCHAIN_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      oms_coldchain_page_set_store (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_coldchain_page_class_init (OmsColdchainPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = oms_coldchain_page_dispose;
  object_class->get_property = oms_coldchain_page_get_property;
  object_class->set_property = oms_coldchain_page_set_property;

  /**
   * OmsColdchainPage:store:
   *
   * The store whose sensors, breaches and equipment the page counts.
   */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         OMS_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/omsync/OmSync/ui/oms-coldchain-page.ui");
  gtk_widget_class_bind_template_child (widget_class, OmsColdchainPage, breaches_label);
  gtk_widget_class_bind_template_child (widget_class, OmsColdchainPage, equipment_label);
  gtk_widget_class_bind_template_child (widget_class, OmsColdchainPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, OmsColdchainPage, sensors_label);
  gtk_widget_class_bind_template_child (widget_class, OmsColdchainPage, stack);
}

static void
oms_coldchain_page_init (OmsColdchainPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->store_signals = g_signal_group_new (OMS_TYPE_STORE);
  g_signal_group_connect_object (self->store_signals,
                                 "changed",
                                 G_CALLBACK (oms_coldchain_page_queue_refresh),
                                 self,
                                 G_CONNECT_SWAPPED);

  oms_coldchain_page_refresh (self);
}

/**
 * oms_coldchain_page_get_store:
 * @self: an #OmsColdchainPage
 *
 * Returns: (transfer none) (nullable): the store
 */
OmsStore *
oms_coldchain_page_get_store (OmsColdchainPage *self)
{
  g_return_val_if_fail (OMS_IS_COLDCHAIN_PAGE (self), NULL);

  return self->store;
}

void
oms_coldchain_page_set_store (OmsColdchainPage *self,
                              OmsStore         *store)
{
  g_return_if_fail (OMS_IS_COLDCHAIN_PAGE (self));
  g_return_if_fail (store == NULL || OMS_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  g_signal_group_set_target (self->store_signals, store);
  oms_coldchain_page_refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}
