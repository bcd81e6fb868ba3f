/* oms-demo-central.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-demo-central"

#include "config.h"

#include <signal.h>
#include <sys/prctl.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "oms-demo-central.h"
#include "oms-remove-tree.h"

/* The embedded default (`omsync --demo`): an omsync-central child with a demo site, on a free
 * loopback port, with its own temporary data, stopped and removed when omsync closes. The
 * child prints its base URL as the first line once it accepts connections.
 */

struct _OmsDemoCentral
{
  GObject           parent_instance;

  GSubprocess      *process;
  GDataInputStream *stdout_lines;
  char             *data_dir;
  char             *url;
};

G_DEFINE_FINAL_TYPE (OmsDemoCentral, oms_demo_central, G_TYPE_OBJECT)

static void
oms_demo_central_finalize (GObject *object)
{
  OmsDemoCentral *self = OMS_DEMO_CENTRAL (object);

  oms_demo_central_stop (self);
  g_clear_pointer (&self->url, g_free);

  G_OBJECT_CLASS (oms_demo_central_parent_class)->finalize (object);
}

static void
oms_demo_central_class_init (OmsDemoCentralClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = oms_demo_central_finalize;
}

static void
oms_demo_central_init (OmsDemoCentral *self)
{
}

OmsDemoCentral *
oms_demo_central_new (void)
{
  return g_object_new (OMS_TYPE_DEMO_CENTRAL, NULL);
}

/**
 * oms_demo_central_find_program:
 *
 * Finds omsync-central: `OMSYNC_CENTRAL` when set, then beside the running program in a
 * build tree (src/central/) or an installation (the same bin directory), then `PATH`.
 *
 * Returns: (transfer full) (nullable): the path, or %NULL when there is none
 */
char *
oms_demo_central_find_program (void)
{
  g_autofree char *self_path = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *self_dir = self_path ? g_path_get_dirname (self_path) : NULL;
  const char *override = g_getenv ("OMSYNC_CENTRAL");

  if (override != NULL && *override != '\0')
    return g_strdup (override);

  if (self_dir != NULL)
    {
      const char *candidates[] = { "central/omsync-central", "omsync-central",
                                   "../central/omsync-central" };

      for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
        {
          g_autofree char *path = g_build_filename (self_dir, candidates[i], NULL);

          if (g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
            return g_steal_pointer (&path);
        }
    }

  return g_find_program_in_path ("omsync-central");
}

/* Runs in the child between fork and exec: should omsync die without stopping it (SIGKILL,
 * a crash), the child is told to end too rather than serve on with no one to stop it.
 */
static void
end_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
read_url_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OmsDemoCentral *self = g_task_get_source_object (task);
  g_autofree char *line = NULL;
  GError *error = NULL;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result, NULL,
                                                    &error);
  if (line == NULL)
    {
      if (error == NULL)
        error = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                             _("The demo central server stopped before it was ready."));
      oms_demo_central_stop (self);
      g_task_return_error (task, error);
      return;
    }

  self->url = g_strstrip (g_steal_pointer (&line));
  g_debug ("Demo central server at %s", self->url);
  g_task_return_boolean (task, TRUE);
}

/**
 * oms_demo_central_start_async:
 *
 * Starts `omsync-central --demo` on a free loopback port with a new temporary data directory
 * and finishes once it accepts connections.
 */
void
oms_demo_central_start_async (OmsDemoCentral      *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *program = NULL;
  GError *error = NULL;

  g_return_if_fail (OMS_IS_DEMO_CENTRAL (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, oms_demo_central_start_async);

  program = oms_demo_central_find_program ();
  if (program == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("omsync-central was not found. Build omsync with ./run, or "
                                 "install it, to use the demo."));
      return;
    }

  self->data_dir = g_dir_make_tmp ("omsync-demo-central-XXXXXX", &error);
  if (self->data_dir == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, end_with_parent, NULL, NULL);
  self->process = g_subprocess_launcher_spawn (launcher, &error,
                                               program, "--data-dir", self->data_dir,
                                               "--listen", "127.0.0.1", "--port", "0", "--demo",
                                               "--compress-legacy",
                                               NULL);
  if (self->process == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  self->stdout_lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  g_data_input_stream_read_line_async (self->stdout_lines, G_PRIORITY_DEFAULT, cancellable,
                                       read_url_cb, g_steal_pointer (&task));
}

gboolean
oms_demo_central_start_finish (OmsDemoCentral  *self,
                               GAsyncResult    *result,
                               GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * oms_demo_central_get_url:
 *
 * Returns: (nullable): the demo central's base URL once started
 */
const char *
oms_demo_central_get_url (OmsDemoCentral *self)
{
  g_return_val_if_fail (OMS_IS_DEMO_CENTRAL (self), NULL);

  return self->url;
}

/**
 * oms_demo_central_stop:
 *
 * Stops the child (SIGTERM, waiting for it) and removes its temporary data.
 */
void
oms_demo_central_stop (OmsDemoCentral *self)
{
  g_return_if_fail (OMS_IS_DEMO_CENTRAL (self));

  if (self->process != NULL)
    {
      g_subprocess_send_signal (self->process, SIGTERM);
      if (!g_subprocess_wait (self->process, NULL, NULL))
        g_subprocess_force_exit (self->process);
      g_clear_object (&self->process);
    }
  g_clear_object (&self->stdout_lines);

  if (self->data_dir != NULL)
    {
      oms_remove_tree (self->data_dir, NULL);
      g_clear_pointer (&self->data_dir, g_free);
    }
}
