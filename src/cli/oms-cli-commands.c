/* oms-cli-commands.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-cli"

#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <glib-unix.h>
#include <glib/gi18n.h>

#include "oms-batch-size.h"
#include "oms-cli-coldchain.h"
#include "oms-cli-commands.h"
#include "oms-cli-files.h"
#include "oms-cli-records.h"
#include "oms-cli-serve.h"
#include "oms-cli-status.h"
#include "oms-http.h"
#include "oms-push-queue.h"
#include "oms-site-owner.h"
#include "oms-sync-engine.h"
#include "oms-sync-log.h"
#include "oms-sync-settings.h"
#include "oms-v5-auth.h"

/* omsync-cli: the same engine as the window, driven from a terminal or a script. Options
 * before the command name apply to every command; each command then parses its own.
 * Results go to stdout, progress and errors to stderr.
 */

#define HISTORY_DEFAULT_LIMIT 10
#define HISTORY_MAX_LIMIT     1000

typedef int (*OmsCliCommandFunc) (OmsCli  *cli,
                                  int      argc,
                                  char   **argv);

typedef struct
{
  const char        *name;
  const char        *summary;
  OmsCliCommandFunc  func;
} OmsCliCommand;

void
oms_cli_print (const char *text)
{
  fputs (text, stdout);
  fflush (stdout);
}

void
oms_cli_printerr (const char *text)
{
  fputs (text, stderr);
  fflush (stderr);
}

static void
print_json (JsonNode *node)
{
  g_autofree char *text = oms_cli_json_to_string (node);

  oms_cli_print (text);
}

/* Prints @message and the usage of @context on stderr. */
int
oms_cli_usage_error (GOptionContext *context,
                     const char     *message)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  g_printerr ("%s: %s\n\n%s", g_get_prgname (), message, help);
  return OMS_CLI_EXIT_USAGE;
}

/**
 * oms_cli_parse_command:
 * @entries: (nullable): the command's own options; `--data-dir` is added to them
 * @argc: (inout): the arguments from the command name on
 *
 * Parses one command's options. `--help` prints the command's help and exits.
 *
 * Returns: (transfer full) (nullable): the context, for later usage errors, or %NULL after
 *   a usage error, which has been printed (exit with %OMS_CLI_EXIT_USAGE)
 */
GOptionContext *
oms_cli_parse_command (OmsCli              *cli,
                       const char          *name,
                       const char          *description,
                       const GOptionEntry  *entries,
                       int                 *argc,
                       char              ***argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  const GOptionEntry common_entries[] = {
    { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &cli->data_dir,
      /* Translators: a placeholder in --help for a directory's path, as in “--data-dir=DIR”;
       * write it in capitals. */
      N_("Where the site's data is kept"), N_("DIR") },
    { NULL }
  };

  context = g_option_context_new (name);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, description);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, common_entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      oms_cli_usage_error (context, error->message);
      return NULL;
    }

  if (*argc > 1)
    {
      g_autofree char *message = g_strdup_printf (_("Unexpected argument “%s”"), (*argv)[1]);

      oms_cli_usage_error (context, message);
      return NULL;
    }

  return g_steal_pointer (&context);
}

/**
 * oms_cli_open_store:
 *
 * Opens the store in the chosen data directory, printing why when it cannot.
 *
 * Returns: (transfer full) (nullable): the store
 */
OmsStore *
oms_cli_open_store (OmsCli *cli)
{
  g_autofree char *data_dir = oms_store_resolve_data_dir (cli->data_dir);
  g_autoptr(GError) error = NULL;
  OmsStore *store;

  store = oms_store_open (data_dir, &error);
  if (store == NULL)
    g_printerr ("%s: %s\n", g_get_prgname (), error->message);

  return store;
}

static void
store_async_result_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* Spins the main context until an async call that stored its result in @result ends. */
static void
wait_for_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
}

/*
 * configure
 */

static gboolean
parse_interval (const char  *text,
                gint64      *interval,
                GError     **error)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   /* Translators: %s is the value typed on the command line, e.g. “ten”. */
                   _("The interval must be a whole number of seconds, at least 1, not “%s”"),
                   text);
      return FALSE;
    }

  *interval = (gint64) value;
  return TRUE;
}

static gboolean
parse_idle_timeout (const char  *text,
                    gint64      *seconds,
                    GError     **error)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, OMS_SYNC_MIN_IDLE_TIMEOUT_SECONDS,
                                   OMS_HTTP_MAX_IDLE_TIMEOUT_SECONDS, &value, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   /* Translators: the smallest and the largest idle timeout in seconds, then the
                    * value typed on the command line, e.g. “… from 5 to 3600, not “1h””. */
                   _("The idle timeout must be a whole number of seconds from %d to %d, not “%s”"),
                   OMS_SYNC_MIN_IDLE_TIMEOUT_SECONDS, OMS_HTTP_MAX_IDLE_TIMEOUT_SECONDS, text);
      return FALSE;
    }

  *seconds = (gint64) value;
  return TRUE;
}

static gboolean
parse_max_batch (const char  *text,
                 gint64      *records,
                 GError     **error)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, 1, OMS_BATCH_SIZE_MAX_RECORDS_LIMIT, &value, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   /* Translators: %d is the largest batch allowed (a number of records), %s the
                    * value typed on the command line. */
                   _("The largest batch must be a whole number of records from 1 to %d, "
                     "not “%s”"), OMS_BATCH_SIZE_MAX_RECORDS_LIMIT, text);
      return FALSE;
    }

  *records = (gint64) value;
  return TRUE;
}

/* One line from stdin, without its line ending; NULL when stdin is empty. */
static char *
read_password_line (void)
{
  g_autoptr(GString) line = g_string_new (NULL);
  int c;

  while ((c = getchar ()) != EOF && c != '\n')
    g_string_append_c (line, (char) c);

  if (c == EOF && line->len == 0)
    return NULL;
  if (line->len > 0 && line->str[line->len - 1] == '\r')
    g_string_truncate (line, line->len - 1);

  return g_string_free (g_steal_pointer (&line), FALSE);
}

/* Stores the interval (when @interval > 0), the idle timeout (when @idle_timeout > 0) and the
 * largest batch (when @max_batch > 0) together, or none of them.
 */
static int
configure_timings_only (OmsStore *store,
                        gint64    interval,
                        gint64    idle_timeout,
                        gint64    max_batch)
{
  g_autoptr(GError) error = NULL;

  if (!oms_store_begin (store, &error) ||
      (interval > 0 && !oms_sync_settings_save_interval (store, interval, &error)) ||
      (idle_timeout > 0 && !oms_sync_settings_save_idle_timeout (store, idle_timeout, &error)) ||
      (max_batch > 0 && !oms_sync_settings_save_max_batch_records (store, max_batch, &error)) ||
      !oms_store_commit (store, &error))
    {
      g_autofree char *error_text = oms_cli_error_to_text (error);

      oms_store_rollback (store);
      oms_cli_printerr (error_text);
      return OMS_CLI_EXIT_FAILURE;
    }

  if (interval > 0)
    {
      g_autofree char *text = oms_cli_format_duration (interval);
      /* Translators: %s is a duration, e.g. “5 min”. */
      g_autofree char *message = g_strdup_printf (_("Sync interval set to %s.\n"), text);

      oms_cli_print (message);
    }
  if (idle_timeout > 0)
    {
      g_autofree char *text = oms_cli_format_duration (idle_timeout);
      /* Translators: %s is a duration, e.g. “2 min 30 s”. The idle timeout is how long omsync
       * waits for a server that sends nothing. */
      g_autofree char *message = g_strdup_printf (_("Idle timeout set to %s.\n"), text);

      oms_cli_print (message);
    }
  if (max_batch > 0)
    {
      g_autofree char *message =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      /* Translators: %d is a number of records. A pull batch is
                                       * one request for records from the central server. */
                                      "Pull batches ask for %d record at most.\n",
                                      "Pull batches ask for %d records at most.\n",
                                      (gulong) max_batch),
                         (int) max_batch);

      oms_cli_print (message);
    }

  return OMS_CLI_EXIT_OK;
}

static int
command_configure (OmsCli  *cli,
                   int      argc,
                   char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(OmsStore) store = NULL;
  g_autoptr(OmsSyncSettings) settings = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *site = NULL;
  g_autofree char *interval_text = NULL;
  g_autofree char *idle_timeout_text = NULL;
  g_autofree char *max_batch_text = NULL;
  g_autofree char *password = NULL;
  g_autofree char *message = NULL;
  gboolean password_stdin = FALSE;
  gint64 interval = 0;
  gint64 idle_timeout = 0;
  gint64 max_batch = 0;
  const GOptionEntry entries[] = {
    { "url", 0, 0, G_OPTION_ARG_STRING, &url,
      /* Translators: a placeholder in --help for a web address, as in “--url=URL”; write it in
       * capitals. */
      N_("Address of the legacy mSupply central server"), N_("URL") },
    /* Translators: a placeholder in --help for the site's name, as in “--site=NAME”; write it in
     * capitals. */
    { "site", 0, 0, G_OPTION_ARG_STRING, &site, N_("Sync site name"), N_("NAME") },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin,
      N_("Read the site password from the first line of standard input"), NULL },
    { "interval", 0, 0, G_OPTION_ARG_STRING, &interval_text,
      /* Translators: a placeholder in --help for a number of seconds (S = seconds), as in
       * “--interval=S”. */
      N_("Seconds between automatic syncs (default 300)"), N_("S") },
    { "idle-timeout", 0, 0, G_OPTION_ARG_STRING, &idle_timeout_text,
      N_("Seconds a request to the central servers may go without a byte before omsync takes "
         "the server for stalled (default 60)"), N_("S") },
    { "max-batch", 0, 0, G_OPTION_ARG_STRING, &max_batch_text,
      N_("The most records a pull batch may ask for; batches grow towards it on a slow "
         /* Translators: a placeholder in --help for a number (N), as in “--max-batch=N”. */
         "line (default 5000)"), N_("N") },
    { NULL }
  };

  context = oms_cli_parse_command (cli, "configure",
                              _("Checks the sync settings with the legacy central server and "
                                "stores them only if it accepts them.\nThe password comes from "
                                "--password-stdin or the OMSYNC_PASSWORD environment variable.\n"
                                "Once the site is configured, --interval alone changes only "
                                "the interval. --idle-timeout alone changes only the idle "
                                "timeout, --max-batch only the largest pull batch."),
                                   entries, &argc, &argv);
  if (context == NULL)
    return OMS_CLI_EXIT_USAGE;

  if (interval_text != NULL && !parse_interval (interval_text, &interval, &error))
    return oms_cli_usage_error (context, error->message);
  if (idle_timeout_text != NULL && !parse_idle_timeout (idle_timeout_text, &idle_timeout, &error))
    return oms_cli_usage_error (context, error->message);
  if (max_batch_text != NULL && !parse_max_batch (max_batch_text, &max_batch, &error))
    return oms_cli_usage_error (context, error->message);

  if (url == NULL && site == NULL && !password_stdin && interval_text == NULL &&
      idle_timeout_text == NULL && max_batch_text == NULL)
    return oms_cli_usage_error (context, _("Give --url, --site and a password, or --interval, "
                                           "--idle-timeout or --max-batch."));

  store = oms_cli_open_store (cli);
  if (store == NULL)
    return OMS_CLI_EXIT_FAILURE;

  settings = oms_sync_settings_load (store, &error);
  if (error != NULL)
    {
      g_printerr ("%s: %s\n", g_get_prgname (), error->message);
      return OMS_CLI_EXIT_FAILURE;
    }

  if (url == NULL && site == NULL && !password_stdin)
    {
      /* The idle timeout is the transport's, so it may be set before the first configure. */
      if (settings == NULL && interval_text != NULL)
        return oms_cli_usage_error (context, _("This site is not configured yet: give --url "
                                               "and --site as well."));
      return configure_timings_only (store, interval, idle_timeout, max_batch);
    }

  if (url == NULL || site == NULL)
    return oms_cli_usage_error (context, _("Both --url and --site are needed."));

  if (password_stdin)
    {
      password = read_password_line ();
      if (password == NULL)
        return oms_cli_usage_error (context, _("No password on standard input."));
    }
  else if (g_getenv ("OMSYNC_PASSWORD") != NULL)
    password = g_strdup (g_getenv ("OMSYNC_PASSWORD"));
  else
    return oms_cli_usage_error (context, _("Give the password with --password-stdin or in the "
                                   "OMSYNC_PASSWORD environment variable."));

  if (interval_text == NULL)
    interval = settings != NULL ? settings->interval_seconds : OMS_SYNC_DEFAULT_INTERVAL_SECONDS;

  oms_sync_settings_save_async (store, url, site, password, interval, NULL,
                                store_async_result_cb, &result);
  wait_for_result (&result);

  /* The idle timeout goes with the settings: only once the central has accepted them. */
  if (!oms_sync_settings_save_finish (store, result, &error) ||
      (idle_timeout > 0 && !oms_sync_settings_save_idle_timeout (store, idle_timeout, &error)) ||
      (max_batch > 0 && !oms_sync_settings_save_max_batch_records (store, max_batch, &error)))
    {
      g_autofree char *error_text = oms_cli_error_to_text (error);

      oms_cli_printerr (error_text);
      return OMS_CLI_EXIT_FAILURE;
    }

  /* Translators: %s is the site's name. “omsync-cli sync” is a command: keep it as it is. */
  message = g_strdup_printf (_("Site “%s” is configured. Run “omsync-cli sync” to sync "
                               "now.\n"),
                             site);
  oms_cli_print (message);

  return OMS_CLI_EXIT_OK;
}

/*
 * sync
 */

typedef struct
{
  OmsSyncEngine       *engine;
  GCancellable        *cancellable;
  char                *run_id;
  OmsSyncStepProgress  shown[OMS_SYNC_N_STEPS];
} SyncProgress;

static void
print_step_line (OmsSyncStep  step,
                 const char  *what)
{
  g_printerr ("%s: %s\n", oms_sync_step_get_label (step), what);
}

/* Prints what moved since the last "run-changed": steps starting, progressing, finishing. */
static void
sync_run_changed_cb (OmsSyncEngine *engine,
                     SyncProgress  *progress)
{
  const OmsSyncRun *run = oms_sync_engine_get_latest_run (engine);
  int i;

  if (run == NULL || run->id == NULL)
    return;

  if (g_strcmp0 (run->id, progress->run_id) != 0)
    {
      g_free (progress->run_id);
      progress->run_id = g_strdup (run->id);
      memset (progress->shown, 0, sizeof progress->shown);
    }

  for (i = 0; i < OMS_SYNC_N_STEPS; i++)
    {
      const OmsSyncStepProgress *now = &run->steps[i];
      OmsSyncStepProgress *shown = &progress->shown[i];

      if (now->started != 0 && shown->started == 0)
        /* Translators: a sync step has started; printed after the step's name, e.g. “Push:
         * started”. */
        print_step_line ((OmsSyncStep) i, _("started"));

      if (now->has_total && now->total > 0 && oms_sync_step_has_progress ((OmsSyncStep) i) &&
          (!shown->has_total || now->done != shown->done || now->total != shown->total))
        {
          /* Translators: progress of a sync step, "120 of 500" records. */
          g_autofree char *text = g_strdup_printf (_("%" PRId64 " of %" PRId64),
                                                   (int64_t) now->done, (int64_t) now->total);

          print_step_line ((OmsSyncStep) i, text);
        }

      if (now->finished != 0 && shown->finished == 0)
        /* Translators: a sync step has finished; printed after the step's name, e.g. “Push:
         * finished”. */
        print_step_line ((OmsSyncStep) i, _("finished"));

      *shown = *now;
    }
}

/* A step that has heard nothing from the server for a few seconds says so, once per wait. */
static void
sync_waiting_cb (OmsSyncEngine *engine,
                 GParamSpec    *pspec,
                 SyncProgress  *progress)
{
  int step = oms_sync_engine_get_current_step (engine);

  if (!oms_sync_engine_get_waiting_for_server (engine))
    return;

  if (step >= 0)
    print_step_line ((OmsSyncStep) step, _("waiting for the server…"));
  else
    g_printerr ("%s\n", _("Waiting for the server…"));
}

static gboolean
sync_signal_cb (gpointer user_data)
{
  SyncProgress *progress = user_data;

  g_cancellable_cancel (progress->cancellable);
  return G_SOURCE_CONTINUE;
}

/* When a program serves this site (the window, or serve), it runs the sync: two programs
 * never run one each. Returns -1 when none does, so this one runs it; else the exit status.
 */
static int
sync_through_owner (OmsSyncEngine *engine)
{
  OmsStore *store = oms_sync_engine_get_store (engine);
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bus_name = NULL;
  g_autofree char *owner = NULL;
  const OmsSyncRun *run;
  gboolean success = FALSE;

  connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  if (connection == NULL)
    return -1;

  bus_name = oms_site_bus_name_for_data_dir (oms_store_get_data_dir (store));
  owner = oms_site_dup_owner_description (connection, bus_name);
  if (owner == NULL)
    return -1;

  /* Translators: %s names a program, e.g. "omsync (process 1234)". */
  g_printerr (_("%s serves this site: it runs this sync (after the one it is running, if "
                "any).\n"), owner);
  oms_site_call_sync_async (connection, bus_name, TRUE, NULL, store_async_result_cb,
                            &result);
  wait_for_result (&result);

  if (!oms_site_call_sync_finish (connection, result, &success, &error))
    {
      g_printerr ("%s: %s\n", g_get_prgname (), error->message);
      return OMS_CLI_EXIT_FAILURE;
    }

  oms_sync_engine_refresh (engine);
  run = oms_sync_engine_get_latest_run (engine);
  if (run != NULL)
    {
      g_autofree char *line = oms_cli_run_to_text (run);

      g_printerr ("%s\n", line);
    }

  return success ? OMS_CLI_EXIT_OK : OMS_CLI_EXIT_FAILURE;
}

static int
command_sync (OmsCli  *cli,
              int      argc,
              char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(OmsStore) store = NULL;
  g_autoptr(OmsSyncEngine) engine = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SyncProgress progress = { 0 };
  int status = -1;
  gboolean json = FALSE;
  g_autofree char *patient_id = NULL;
  gulong changed_id;
  gulong waiting_id;
  guint sigint_id;
  guint sigterm_id;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print the final status as JSON (as “status --json”)"), NULL },
    { "patient", 0, 0, G_OPTION_ARG_STRING, &patient_id,
      N_("Fetch this patient’s records from the Open mSupply central instead of the site’s "
         /* Translators: a placeholder in --help for a name or an id, as in “NAME-ID”; write it
          * in capitals. */
         "new records (the site must be initialised)"), N_("NAME-ID") },
    { NULL }
  };

  context = oms_cli_parse_command (cli, "sync",
                                   _("Runs one sync now, then uploads the attached files that "
                                     "are due. Progress goes to standard error; the exit status "
                                     "is 0 when the sync succeeded and 1 when it failed (a file "
                                     "that fails to upload is tried again later and does not "
                                     "count)."),
                                   entries, &argc, &argv);
  if (context == NULL)
    return OMS_CLI_EXIT_USAGE;

  store = oms_cli_open_store (cli);
  if (store == NULL)
    return OMS_CLI_EXIT_FAILURE;

  engine = oms_sync_engine_new (store);
  if (oms_sync_engine_get_mode (engine) == OMS_SYNC_MODE_UNCONFIGURED)
    {
      g_printerr ("%s: %s\n", g_get_prgname (),
                  _("This site is not configured. Set it up with “omsync-cli configure”."));
      return OMS_CLI_EXIT_FAILURE;
    }

  /* A patient's records are fetched here: that run is this command's own. */
  if (patient_id == NULL)
    status = sync_through_owner (engine);
  if (status >= 0)
    {
      if (json)
        {
          g_autofree char *hardware_id = oms_hardware_id_get (NULL);
          g_autoptr(JsonNode) node = oms_cli_status_to_json (engine, hardware_id);

          print_json (node);
        }
      return status;
    }
  status = OMS_CLI_EXIT_OK;

  cancellable = g_cancellable_new ();
  progress.engine = engine;
  progress.cancellable = cancellable;
  changed_id = g_signal_connect (engine, "run-changed", G_CALLBACK (sync_run_changed_cb),
                                 &progress);
  waiting_id = g_signal_connect (engine, "notify::waiting-for-server",
                                 G_CALLBACK (sync_waiting_cb), &progress);
  sigint_id = g_unix_signal_add (SIGINT, sync_signal_cb, &progress);
  sigterm_id = g_unix_signal_add (SIGTERM, sync_signal_cb, &progress);

  if (patient_id != NULL)
    oms_sync_engine_run_for_patient_async (engine, patient_id, cancellable,
                                           store_async_result_cb, &result);
  else
    oms_sync_engine_run_async (engine, cancellable, store_async_result_cb, &result);
  wait_for_result (&result);

  /* The run's data is stored; let the checkpoint that follows it finish rather than leave a
   * large log behind for the next program that opens the store.
   */
  while (oms_sync_engine_get_is_settling (engine) && !g_cancellable_is_cancelled (cancellable))
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  g_signal_handler_disconnect (engine, changed_id);
  g_signal_handler_disconnect (engine, waiting_id);
  g_clear_pointer (&progress.run_id, g_free);

  if (!oms_sync_engine_run_finish (engine, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_printerr ("%s\n", _("The sync was cancelled before it finished."));
      else
        {
          const OmsSyncRun *run = oms_sync_engine_get_latest_run (engine);
          g_autofree char *text = NULL;

          text = oms_cli_error_to_text_in_step (error, run != NULL
                                                         ? oms_sync_run_get_open_step (run)
                                                         : -1);
          oms_cli_printerr (text);
        }
      status = OMS_CLI_EXIT_FAILURE;
    }
  else
    {
      const OmsSyncRun *run = oms_sync_engine_get_latest_run (engine);
      g_autofree char *duration = oms_cli_format_duration (run != NULL ?
                                                           run->duration_seconds : 0);

      /* Translators: %s is a duration, e.g. “1 min 5 s”. */
      g_printerr (_("Sync finished in %s.\n"), duration);

      /* As Open mSupply's file sync resumes after each run: the references are pushed now. */
      oms_cli_upload_files (engine, cancellable);
    }

  if (json)
    {
      g_autofree char *hardware_id = oms_hardware_id_get (NULL);
      g_autoptr(JsonNode) node = oms_cli_status_to_json (engine, hardware_id);

      print_json (node);
    }

  return status;
}

/*
 * status, pending, history
 */

static int
command_status (OmsCli  *cli,
                int      argc,
                char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(OmsStore) store = NULL;
  g_autoptr(OmsSyncEngine) engine = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the status as one JSON object"), NULL },
    { NULL }
  };

  context = oms_cli_parse_command (cli, "status",
                                   _("Shows the site, its mode, the records waiting to be "
                                     "pushed and how the last syncs went."),
                                   entries, &argc, &argv);
  if (context == NULL)
    return OMS_CLI_EXIT_USAGE;

  store = oms_cli_open_store (cli);
  if (store == NULL)
    return OMS_CLI_EXIT_FAILURE;

  engine = oms_sync_engine_new (store);

  if (json)
    {
      g_autofree char *hardware_id = oms_hardware_id_get (NULL);
      g_autoptr(JsonNode) node = oms_cli_status_to_json (engine, hardware_id);

      print_json (node);
    }
  else
    {
      g_autofree char *text = oms_cli_status_to_text (engine);

      oms_cli_print (text);
    }

  return OMS_CLI_EXIT_OK;
}

static int
command_pending (OmsCli  *cli,
                 int      argc,
                 char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(OmsStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;
  OmsPushQueueCounts counts = { 0 };
  gboolean json = FALSE;
  gboolean list = FALSE;
  int limit = OMS_CLI_RECORDS_DEFAULT_LIMIT;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print the counts as JSON: {\"total\", \"v5\", \"v6\"}; with --list also "
         "\"records\": [{\"table\", \"tableTitle\", \"recordId\", \"action\", "
         "\"description\", \"waitingSince\", \"centrals\"}] and \"more\""), NULL },
    { "list", 0, 0, G_OPTION_ARG_NONE, &list,
      N_("List the records waiting, the newest change first"), NULL },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit,
      N_("With --list, at most N records (default 50); the rest are counted"), N_("N") },
    { NULL }
  };

  context = oms_cli_parse_command (cli, "pending",
                                   _("Counts the records waiting to be pushed, in total and for "
                                     "each central server (v5: legacy mSupply, v6: Open "
                                     "mSupply). With --list, also says which records they "
                                     "are, since when they wait and for which central."),
                                   entries, &argc, &argv);
  if (context == NULL)
    return OMS_CLI_EXIT_USAGE;

  if (!oms_cli_records_check_limit (context, limit))
    return OMS_CLI_EXIT_USAGE;

  store = oms_cli_open_store (cli);
  if (store == NULL)
    return OMS_CLI_EXIT_FAILURE;

  if (!oms_push_queue_count (store, &counts, &error) ||
      (list && (records = oms_push_queue_list (store, (guint) limit, &error)) == NULL))
    {
      g_printerr ("%s: %s\n", g_get_prgname (), error->message);
      return OMS_CLI_EXIT_FAILURE;
    }

  if (json)
    {
      g_autoptr(JsonNode) node = list ? oms_cli_pending_list_to_json (&counts, records)
                                      : oms_cli_pending_to_json (&counts);

      print_json (node);
    }
  else
    {
      g_autofree char *text = list ? oms_cli_pending_list_to_text (&counts, records)
                                   : oms_cli_pending_to_text (&counts);

      oms_cli_print (text);
    }

  return OMS_CLI_EXIT_OK;
}

static int
command_history (OmsCli  *cli,
                 int      argc,
                 char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(OmsStore) store = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  gboolean json = FALSE;
  int limit = HISTORY_DEFAULT_LIMIT;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the runs as a JSON array"), NULL },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit,
      N_("Show at most N runs (default 10)"), N_("N") },
    { NULL }
  };

  context = oms_cli_parse_command (cli, "history",
                                   _("Lists the most recent sync runs, newest first."),
                                   entries, &argc, &argv);
  if (context == NULL)
    return OMS_CLI_EXIT_USAGE;

  if (limit < 1 || limit > HISTORY_MAX_LIMIT)
    {
      /* Translators: an error on the command line: --limit is an option (keep it as it is), %d
       * the largest value it accepts, e.g. 1000. */
      g_autofree char *message = g_strdup_printf (_("--limit must be between 1 and %d"),
                                                  HISTORY_MAX_LIMIT);

      return oms_cli_usage_error (context, message);
    }

  store = oms_cli_open_store (cli);
  if (store == NULL)
    return OMS_CLI_EXIT_FAILURE;

  /* Read from the store, not through an engine: a run another omsync is doing right now
   * shows as syncing rather than being closed as interrupted.
   */
  runs = oms_sync_log_list (store, (guint) limit, &error);
  if (runs == NULL)
    {
      g_printerr ("%s: %s\n", g_get_prgname (), error->message);
      return OMS_CLI_EXIT_FAILURE;
    }

  if (json)
    {
      g_autoptr(JsonNode) node = oms_cli_history_to_json (runs);

      print_json (node);
    }
  else
    {
      g_autofree char *text = oms_cli_history_to_text (runs);

      oms_cli_print (text);
    }

  return OMS_CLI_EXIT_OK;
}

/*
 * Dispatch
 */

static const OmsCliCommand commands[] = {
  { "configure", N_("Check and store the sync settings"), command_configure },
  { "sync", N_("Run one sync now"), command_sync },
  { "status", N_("Show the site and its sync status"), command_status },
  { "pending", N_("Count or list the records waiting to be pushed"), command_pending },
  { "failed", N_("List the received records that could not be integrated, or try them "
                  "again"), oms_cli_failed },
  { "history", N_("List recent sync runs"), command_history },
  { "serve", N_("Run the sync scheduler, file uploads and the cold chain server until "
                 "stopped (SIGTERM, SIGINT or SIGHUP)"), oms_cli_serve },
  { "coldchain-account", N_("Add, list or remove the cold chain phones' accounts"),
    oms_cli_coldchain_account },
  { "files", N_("List the files attached to records and how their sync stands"),
    oms_cli_files },
  { "attach", N_("Attach a file to a record; the next sync uploads it"), oms_cli_attach },
  { "download", N_("Download an attached file from the Open mSupply central server"),
    oms_cli_download },
};

static char *
commands_summary (void)
{
  GString *out = g_string_new (_("Commands:"));
  guint i;

  for (i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (out, "\n  %-18s %s", commands[i].name, _(commands[i].summary));
  g_string_append_printf (out, "\n\n%s",
                          _("Run “omsync-cli COMMAND --help” for a command's options."));

  return g_string_free (out, FALSE);
}

static int
run_command (OmsCli          *cli,
             GOptionContext  *context,
             int              argc,
             char           **argv)
{
  g_autofree char *message = NULL;
  guint i;

  if (argc < 2)
    return oms_cli_usage_error (context, _("No command given."));

  for (i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (g_str_equal (argv[1], commands[i].name))
        return commands[i].func (cli, argc - 1, argv + 1);
    }

  /* Translators: %s is the command typed on the command line. */
  message = g_strdup_printf (_("Unknown command “%s”"), argv[1]);
  return oms_cli_usage_error (context, message);
}

/**
 * oms_cli_main:
 *
 * Returns: the process exit status (#OmsCliExit)
 */
int
oms_cli_main (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  OmsCli cli = { NULL };
  gboolean version = FALSE;
  int status;
  const GOptionEntry entries[] = {
    { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &cli.data_dir,
      N_("Where the site's data is kept (default: $OMSYNC_DATA_DIR, else "
         "$XDG_DATA_HOME/omsync)"), N_("DIR") },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Print the version and exit"), NULL },
    { NULL }
  };

  g_set_prgname ("omsync-cli");

  /* Translators: a placeholder in --help for a command's name; write it in capitals. */
  context = g_option_context_new (_("COMMAND"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  /* Stop at the command name, so its options are left for the command. */
  g_option_context_set_strict_posix (context, TRUE);
  summary = commands_summary ();
  g_option_context_set_summary (context, summary);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    status = oms_cli_usage_error (context, error->message);
  else if (version)
    {
      oms_cli_print ("omsync-cli " PACKAGE_VERSION "\n");
      status = OMS_CLI_EXIT_OK;
    }
  else
    status = run_command (&cli, context, argc, argv);

  g_free (cli.data_dir);
  return status;
}
