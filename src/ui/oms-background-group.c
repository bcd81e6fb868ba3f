/* oms-background-group.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-background-group"

#include "config.h"


#include "oms-application.h"
#include "oms-background-group.h"

/* Settings → Running in the background: the two switches are GSettings keys the application
 * follows (it holds itself, asks the Background portal and writes the autostart entry); the
 * first row's subtitle says what the application made of them, e.g. whether the system
 * allowed it.
 */

#define OMS_SETTINGS_SCHEMA_ID "io.github.omsync.OmSync"

struct _OmsBackgroundGroup
{
  AdwPreferencesGroup  parent_instance;

  /* Template widgets */
  AdwActionRow        *run_in_background_row;
  GtkSwitch           *run_in_background_switch;
  AdwActionRow        *start_at_login_row;
  GtkSwitch           *start_at_login_switch;

  /* Owned references */
  GSettings           *settings;
  GSignalGroup        *app_signals;
};

G_DEFINE_FINAL_TYPE (OmsBackgroundGroup, oms_background_group, ADW_TYPE_PREFERENCES_GROUP)

static void
oms_background_group_update_status (OmsBackgroundGroup *self)
{
  GObject *app = g_signal_group_dup_target (self->app_signals);
  g_autofree char *status = NULL;

  if (app != NULL)
    status = oms_application_dup_background_status (OMS_APPLICATION (app));
  adw_action_row_set_subtitle (self->run_in_background_row, status != NULL ? status : "");
  g_clear_object (&app);
}

static void
oms_background_group_root_changed (OmsBackgroundGroup *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkApplication *app = GTK_IS_WINDOW (root) ? gtk_window_get_application (GTK_WINDOW (root))
                                             : NULL;

  g_signal_group_set_target (self->app_signals, OMS_IS_APPLICATION (app) ? app : NULL);
  oms_background_group_update_status (self);
}

static void
oms_background_group_dispose (GObject *object)
{
  OmsBackgroundGroup *self = OMS_BACKGROUND_GROUP (object);

  if (self->app_signals != NULL)
    g_signal_group_set_target (self->app_signals, NULL);
  g_clear_object (&self->app_signals);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), OMS_TYPE_BACKGROUND_GROUP);

  G_OBJECT_CLASS (oms_background_group_parent_class)->dispose (object);
}

static void
oms_background_group_class_init (OmsBackgroundGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = oms_background_group_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/omsync/OmSync/ui/"
                                               "oms-background-group.ui");
  gtk_widget_class_bind_template_child (widget_class, OmsBackgroundGroup,
                                        run_in_background_row);
  gtk_widget_class_bind_template_child (widget_class, OmsBackgroundGroup,
                                        run_in_background_switch);
  gtk_widget_class_bind_template_child (widget_class, OmsBackgroundGroup, start_at_login_row);
  gtk_widget_class_bind_template_child (widget_class, OmsBackgroundGroup,
                                        start_at_login_switch);
}

static void
oms_background_group_init (OmsBackgroundGroup *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (OMS_SETTINGS_SCHEMA_ID);
  g_settings_bind (self->settings, "run-in-background", self->run_in_background_switch,
                   "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "start-at-login", self->start_at_login_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  /* Starting at login means starting in the background: without it there is nothing to do. */
  g_settings_bind (self->settings, "run-in-background", self->start_at_login_row, "sensitive",
                   G_SETTINGS_BIND_GET);

  self->app_signals = g_signal_group_new (OMS_TYPE_APPLICATION);
  g_signal_group_connect_object (self->app_signals, "notify::background-status",
                                 G_CALLBACK (oms_background_group_update_status), self,
                                 G_CONNECT_SWAPPED);
  /* The window gets its application after its children are rooted: look again when shown. */
  g_signal_connect (self, "notify::root", G_CALLBACK (oms_background_group_root_changed), NULL);
  g_signal_connect (self, "map", G_CALLBACK (oms_background_group_root_changed), NULL);
}
