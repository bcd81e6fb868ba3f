/* oms-records-page.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-records-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "oms-records-page.h"
#include "oms-store-watch.h"

struct _OmsRecordsPage
{
  GtkWidget            parent_instance;

  /* Template widgets */
  AdwStatusPage       *error_page;
  GtkStack            *stack;
  AdwPreferencesGroup *tables_group;

  /* Owned references */
  OmsStore            *store;
  OmsStoreWatch       *store_watch;
  GPtrArray           *rows;
};

G_DEFINE_FINAL_TYPE (OmsRecordsPage, oms_records_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Names for the tables omsync keeps typed; other tables show their own name. */
static const struct {
  const char *table_name;
  const char *title;
} typed_titles[] = {
  { "asset", N_("Equipment") },
  { "asset_log", N_("Equipment status log") },
  { "location", N_("Locations") },
  { "name", N_("Names") },
  { "sensor", N_("Sensors") },
  { "store", N_("Stores") },
  { "sync_file_reference", N_("Attached files") },
  { "temperature_breach", N_("Temperature breaches") },
  { "temperature_log", N_("Temperature logs") },
};

static const char *
oms_records_page_title_for_table (const char *table_name)
{
  for (guint i = 0; i < G_N_ELEMENTS (typed_titles); i++)
    {
      if (g_strcmp0 (typed_titles[i].table_name, table_name) == 0)
        return _(typed_titles[i].title);
    }

  return NULL;
}

static GtkWidget *
oms_records_page_create_row (const OmsTableCount *count)
{
  g_autofree char *text = NULL;
  const char *title;
  GtkWidget *label;
  GtkWidget *row;

  g_assert (count != NULL);

  title = oms_records_page_title_for_table (count->table_name);

  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);

  if (title != NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), count->table_name);
    }
  else
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), count->table_name);
    }

  text = g_strdup_printf ("%'" G_GINT64_FORMAT, count->n_rows);
  label = gtk_label_new (text);
  gtk_label_set_xalign (GTK_LABEL (label), 1.0f);
  gtk_widget_add_css_class (label, "count");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);

  return row;
}

static void
oms_records_page_clear_rows (OmsRecordsPage *self)
{
  g_assert (OMS_IS_RECORDS_PAGE (self));

  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->tables_group, g_ptr_array_index (self->rows, i));

  g_ptr_array_set_size (self->rows, 0);
}

static void
oms_records_page_refresh (OmsRecordsPage *self)
{
  g_autoptr(GPtrArray) counts = NULL;
  g_autoptr(GError) error = NULL;
  gboolean any_rows = FALSE;

  g_assert (OMS_IS_RECORDS_PAGE (self));

  oms_records_page_clear_rows (self);

  if (self->store == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  counts = oms_store_list_table_counts (self->store, &error);

  if (counts == NULL)
    {
      g_debug ("Cannot count the records: %s", error->message);
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  for (guint i = 0; i < counts->len; i++)
    {
      const OmsTableCount *count = g_ptr_array_index (counts, i);
      GtkWidget *row = oms_records_page_create_row (count);

      adw_preferences_group_add (self->tables_group, row);
      g_ptr_array_add (self->rows, row);

      if (count->n_rows > 0)
        any_rows = TRUE;
    }

  gtk_stack_set_visible_child_name (self->stack, any_rows ? "content" : "empty");
}

static void
oms_records_page_dispose (GObject *object)
{
  OmsRecordsPage *self = (OmsRecordsPage *)object;

  g_clear_object (&self->store_watch);

  /* The group owns the rows; they go with the template. */
  if (self->rows != NULL)
    g_ptr_array_set_size (self->rows, 0);

  gtk_widget_dispose_template (GTK_WIDGET (self), OMS_TYPE_RECORDS_PAGE);

  g_clear_object (&self->store);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (oms_records_page_parent_class)->dispose (object);
}

static void
oms_records_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  OmsRecordsPage *self = OMS_RECORDS_PAGE (object);

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
oms_records_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  OmsRecordsPage *self = OMS_RECORDS_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      oms_records_page_set_store (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_records_page_class_init (OmsRecordsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = oms_records_page_dispose;
  object_class->get_property = oms_records_page_get_property;
  object_class->set_property = oms_records_page_set_property;

  /**
   * OmsRecordsPage:store:
   *
   * The store whose tables the page counts.
   */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         OMS_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/omsync/OmSync/ui/oms-records-page.ui");
  gtk_widget_class_bind_template_child (widget_class, OmsRecordsPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, OmsRecordsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, OmsRecordsPage, tables_group);
}

static void
oms_records_page_init (OmsRecordsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_ptr_array_new ();

  self->store_watch = oms_store_watch_new (GTK_WIDGET (self),
                                          (OmsStoreWatchRefresh) oms_records_page_refresh);

  oms_records_page_refresh (self);
}

/**
 * oms_records_page_get_store:
 * @self: an #OmsRecordsPage
 *
 * Returns: (transfer none) (nullable): the store
 */
OmsStore *
oms_records_page_get_store (OmsRecordsPage *self)
{
  g_return_val_if_fail (OMS_IS_RECORDS_PAGE (self), NULL);

  return self->store;
}

void
oms_records_page_set_store (OmsRecordsPage *self,
                            OmsStore       *store)
{
  g_return_if_fail (OMS_IS_RECORDS_PAGE (self));
  g_return_if_fail (store == NULL || OMS_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  oms_store_watch_set_store (self->store_watch, store);
  oms_records_page_refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}
