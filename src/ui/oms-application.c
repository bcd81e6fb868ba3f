/* oms-application.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-application"

#include "config.h"

#include <glib/gi18n.h>

#include "oms-application-private.h"
#include "oms-window.h"

struct _OmsApplication
{
  AdwApplication  parent_instance;

  /* Owned references */
  OmsStore       *store;
  GError         *store_error;

  /* State */
  char           *data_dir;           /* as requested, NULL for the default */
  char           *resolved_data_dir;  /* the directory actually opened */
};

G_DEFINE_FINAL_TYPE (OmsApplication, oms_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_DATA_DIR,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const GOptionEntry main_entries[] = {
  { "data-dir", 'd', G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, NULL,
    N_("Keep the store database in DIR instead of the default"), N_("DIR") },
  { NULL }
};

static int
oms_application_handle_local_options (GApplication *app,
                                      GVariantDict *options)
{
  OmsApplication *self = OMS_APPLICATION (app);
  g_autofree char *data_dir = NULL;

  if (g_variant_dict_lookup (options, "data-dir", "^ay", &data_dir))
    oms_application_set_data_dir (self, data_dir);

  /* Carry on with the default processing: register, then activate. */
  return -1;
}

static void
oms_application_open_store (OmsApplication *self)
{
  g_autoptr(GError) error = NULL;

  g_assert (OMS_IS_APPLICATION (self));
  g_assert (self->store == NULL);

  g_free (self->resolved_data_dir);
  self->resolved_data_dir = oms_store_resolve_data_dir (self->data_dir);
  self->store = oms_store_open (self->resolved_data_dir, &error);

  if (self->store == NULL)
    {
      g_debug ("Cannot open the store in %s: %s", self->resolved_data_dir, error->message);
      g_clear_error (&self->store_error);
      self->store_error = g_steal_pointer (&error);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

static void
oms_application_startup (GApplication *app)
{
  OmsApplication *self = OMS_APPLICATION (app);

  G_APPLICATION_CLASS (oms_application_parent_class)->startup (app);

  _oms_application_actions_init (self);
  oms_application_open_store (self);
}

static void
oms_application_activate (GApplication *app)
{
  OmsApplication *self = OMS_APPLICATION (app);
  OmsWindow *window;

  window = _oms_application_get_main_window (self);

  if (window == NULL)
    {
      window = oms_window_new (self, self->store);

      if (self->store == NULL)
        oms_window_show_store_error (window, self->resolved_data_dir, self->store_error);
    }

  gtk_window_present (GTK_WINDOW (window));
}

static void
oms_application_dispose (GObject *object)
{
  OmsApplication *self = (OmsApplication *)object;

  g_clear_object (&self->store);

  G_OBJECT_CLASS (oms_application_parent_class)->dispose (object);
}

static void
oms_application_finalize (GObject *object)
{
  OmsApplication *self = (OmsApplication *)object;

  g_clear_error (&self->store_error);
  g_clear_pointer (&self->data_dir, g_free);
  g_clear_pointer (&self->resolved_data_dir, g_free);

  G_OBJECT_CLASS (oms_application_parent_class)->finalize (object);
}

static void
oms_application_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  OmsApplication *self = OMS_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      g_value_set_string (value, self->data_dir);
      break;

    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_application_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  OmsApplication *self = OMS_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      oms_application_set_data_dir (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_application_class_init (OmsApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = oms_application_dispose;
  object_class->finalize = oms_application_finalize;
  object_class->get_property = oms_application_get_property;
  object_class->set_property = oms_application_set_property;

  app_class->activate = oms_application_activate;
  app_class->handle_local_options = oms_application_handle_local_options;
  app_class->startup = oms_application_startup;

  /**
   * OmsApplication:data-dir:
   *
   * The data directory asked for on the command line, or %NULL for the one
   * oms_store_resolve_data_dir() picks. It is read when the application starts up.
   */
  properties[PROP_DATA_DIR] =
    g_param_spec_string ("data-dir", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * OmsApplication:store:
   *
   * The store opened at startup, or %NULL when it could not be opened.
   */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         OMS_TYPE_STORE,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
oms_application_init (OmsApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), main_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Synchronise an Open mSupply store with its "
                                              "central servers."));
}

OmsApplication *
oms_application_new (void)
{
  /* The resource base path stays fixed even if the application id gains a suffix, so
   * gtk/help-overlay.ui and style.css are always found.
   */
  return g_object_new (OMS_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", "/io/github/omsync/OmSync",
                       NULL);
}

/**
 * oms_application_get_data_dir:
 * @self: an #OmsApplication
 *
 * Returns: (nullable): the data directory asked for, or %NULL for the default
 */
const char *
oms_application_get_data_dir (OmsApplication *self)
{
  g_return_val_if_fail (OMS_IS_APPLICATION (self), NULL);

  return self->data_dir;
}

void
oms_application_set_data_dir (OmsApplication *self,
                              const char     *data_dir)
{
  g_return_if_fail (OMS_IS_APPLICATION (self));

  if (g_strcmp0 (self->data_dir, data_dir) == 0)
    return;

  g_free (self->data_dir);
  self->data_dir = g_strdup (data_dir);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATA_DIR]);
}

/**
 * oms_application_get_store:
 * @self: an #OmsApplication
 *
 * Returns: (transfer none) (nullable): the store, or %NULL before startup or when it
 *   could not be opened
 */
OmsStore *
oms_application_get_store (OmsApplication *self)
{
  g_return_val_if_fail (OMS_IS_APPLICATION (self), NULL);

  return self->store;
}

/**
 * oms_application_get_store_error:
 * @self: an #OmsApplication
 *
 * Returns: (transfer none) (nullable): why the store could not be opened
 */
const GError *
oms_application_get_store_error (OmsApplication *self)
{
  g_return_val_if_fail (OMS_IS_APPLICATION (self), NULL);

  return self->store_error;
}

OmsWindow *
_oms_application_get_main_window (OmsApplication *self)
{
  GList *windows;

  g_assert (OMS_IS_APPLICATION (self));

  windows = gtk_application_get_windows (GTK_APPLICATION (self));

  for (const GList *l = windows; l != NULL; l = l->next)
    {
      if (OMS_IS_WINDOW (l->data))
        return OMS_WINDOW (l->data);
    }

  return NULL;
}
