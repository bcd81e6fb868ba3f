/* oms-cli-serve.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-cli"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "oms-cli-files.h"
#include "oms-cli-serve.h"
#include "oms-cli-status.h"
#include "oms-coldchain-keeper.h"
#include "oms-coldchain-server.h"
#include "oms-coldchain-url.h"
#include "oms-file-sync.h"
#include "oms-scheduler.h"
#include "oms-site-owner.h"
#include "oms-sync-engine.h"

/* `serve` keeps this site's services running until SIGTERM, SIGINT or SIGHUP (its terminal
 * closed). Each service is started in start_services() and stopped in stop_services(); the
 * process ends once services_busy() says none of them has work left, so a stop never cuts a
 * write short.
 * The first signal stops cleanly; a second one ends the process at once.
 */

typedef struct
{
  GMainLoop          *loop;
  OmsSyncEngine      *engine;
  OmsScheduler       *scheduler;
  OmsColdchainServer *coldchain;
  OmsColdchainKeeper *keeper;
  OmsFileSync        *file_sync;
  OmsSiteOwner       *site_owner;
  gulong              run_finished_id;
  gulong              settled_id;
  gulong              file_changed_id;
  gulong              file_busy_id;
  gulong              network_id;
  OmsNetworkWait      network_wait;      /* as last printed */
  gboolean            coldchain_port_given;
  gboolean            services_started;
  gboolean            stopping;
  int                 status;
} Serve;

static gboolean
services_busy (Serve *serve)
{
  if (!serve->services_started)
    return FALSE;

  /* A checkpoint after a run is cut short by no harm, but finishing it leaves a small log. */
  return oms_sync_engine_get_is_syncing (serve->engine) ||
         oms_sync_engine_get_is_settling (serve->engine) ||
         oms_file_sync_get_busy (serve->file_sync);
}

static void
quit_when_idle (Serve *serve)
{
  if (serve->stopping && !services_busy (serve))
    g_main_loop_quit (serve->loop);
}

/* One line on stdout per run, however it ended, so a supervisor's log shows each sync. */
static void
serve_run_finished_cb (OmsSyncEngine *engine,
                       gboolean       success,
                       Serve         *serve)
{
  const OmsSyncRun *run = oms_sync_engine_get_latest_run (engine);

  if (run != NULL)
    {
      g_autofree char *line = oms_cli_run_to_text (run);
      g_autofree char *text = g_strconcat (line, "\n", NULL);

      oms_cli_print (text);
    }

  quit_when_idle (serve);
}

/* One line when syncs start waiting for the network, and one when they may go again. */
static void
serve_network_cb (Serve *serve)
{
  OmsNetworkWait wait = oms_scheduler_get_network_wait (serve->scheduler);
  g_autofree char *text = NULL;

  if (wait == serve->network_wait)
    return;

  text = oms_cli_network_wait_to_text (wait);
  serve->network_wait = wait;
  oms_cli_print (text);
}

/* One line on stdout per upload attempt that ended, as for runs. */
static void
serve_file_changed_cb (OmsFileSync *file_sync,
                       const char  *id,
                       Serve       *serve)
{
  g_autoptr(OmsFileReference) reference = NULL;
  g_autofree char *text = NULL;

  reference = oms_file_reference_get (oms_sync_engine_get_store (serve->engine), id, NULL);
  if (reference != NULL)
    text = oms_cli_file_outcome_to_text (reference);
  if (text != NULL)
    oms_cli_print (text);
}

/* Prints where phones reach the cold chain server, each time it starts. */
static void
print_coldchain_urls (Serve *serve)
{
  g_auto(GStrv) urls = NULL;
  g_autoptr(GString) out = g_string_new (NULL);

  if (!oms_coldchain_server_get_running (serve->coldchain))
    return;

  urls = oms_coldchain_server_dup_urls (serve->coldchain);
  if (urls[0] == NULL)
    {
      g_autofree char *url = oms_coldchain_server_dup_loopback_url (serve->coldchain);

      /* Translators: %s is the server's address, e.g. “https://127.0.0.1:8000”. */
      g_string_append_printf (out, _("Cold chain server: %s (this computer only: it has no "
                                     "network address a phone could reach)\n"), url);
    }
  for (guint i = 0; urls[i] != NULL; i++)
    /* Translators: %s is an address phones use to reach the server, e.g.
     * “https://192.168.1.20:8000”. */
    g_string_append_printf (out, _("Cold chain server: %s\n"), urls[i]);

  oms_cli_print (out->str);
}

/* Returns FALSE when the server could not start and the port was asked for on the command
 * line: then serve stops, as it cannot do what it was told. With the default port, sync goes
 * on, and the server tries again every 30 s and when the network changes (OmsColdchainKeeper),
 * printing its URLs once it runs; it also starts again when the LAN addresses change.
 */
static gboolean
start_coldchain (Serve *serve)
{
  const GError *error;

  oms_coldchain_keeper_start (serve->keeper);
  if (oms_coldchain_server_get_running (serve->coldchain))
    {
      print_coldchain_urls (serve);
    }
  else
    {
      error = oms_coldchain_server_get_start_error (serve->coldchain);
      g_printerr ("%s: %s\n", g_get_prgname (), error->message);
      if (g_error_matches (error, OMS_COLDCHAIN_SERVER_ERROR,
                           OMS_COLDCHAIN_SERVER_ERROR_PORT_IN_USE))
        g_printerr ("%s: %s\n", g_get_prgname (),
                    _("From the command line, choose the port with "
                      "“serve --coldchain-port N”."));
      if (serve->coldchain_port_given)
        {
          oms_coldchain_keeper_stop (serve->keeper);
          return FALSE;
        }
    }

  g_signal_connect_swapped (serve->coldchain, "notify::running",
                            G_CALLBACK (print_coldchain_urls), serve);
  return TRUE;
}

static gboolean
start_services (Serve *serve)
{
  serve->services_started = TRUE;
  if (!start_coldchain (serve))
    return FALSE;

  serve->run_finished_id = g_signal_connect (serve->engine, "run-finished",
                                             G_CALLBACK (serve_run_finished_cb), serve);
  serve->settled_id = g_signal_connect_swapped (serve->engine, "notify::is-settling",
                                                G_CALLBACK (quit_when_idle), serve);

  if (oms_sync_engine_get_mode (serve->engine) == OMS_SYNC_MODE_UNCONFIGURED)
    g_printerr ("%s: %s\n", g_get_prgname (),
                _("This site is not configured, so it will not sync. Set it up with "
                  "“omsync-cli configure” and start serve again."));

  serve->file_changed_id = g_signal_connect (serve->file_sync, "file-changed",
                                             G_CALLBACK (serve_file_changed_cb), serve);
  serve->file_busy_id = g_signal_connect_swapped (serve->file_sync, "notify::busy",
                                                  G_CALLBACK (quit_when_idle), serve);

  serve->network_id = g_signal_connect_swapped (serve->scheduler, "notify::network-wait",
                                                G_CALLBACK (serve_network_cb), serve);
  oms_scheduler_start (serve->scheduler);
  oms_file_sync_start (serve->file_sync);
  return TRUE;
}

/* The scheduler cancels its run; the engine then closes it as interrupted. The cold chain
 * server's uploads are written synchronously, so stopping it cuts no write short. A file
 * upload in flight is cancelled and its reference put back as it was.
 */
static void
stop_services (Serve *serve)
{
  if (!serve->services_started)
    return;

  g_signal_handlers_disconnect_by_data (serve->coldchain, serve);
  oms_coldchain_keeper_stop (serve->keeper);
  oms_scheduler_stop (serve->scheduler);
  oms_file_sync_stop (serve->file_sync);
}

/* Only the program that owns the site serves it (OmsSiteOwner); serve waits for its turn when
 * another one, such as the window, does, and takes over when that one stops.
 */
static void
serve_owner_changed_cb (Serve *serve)
{
  if (serve->stopping || serve->services_started ||
      !oms_site_owner_get_is_owner (serve->site_owner))
    return;

  g_printerr ("%s\n", _("This program now serves the site."));
  if (!start_services (serve))
    {
      serve->status = OMS_CLI_EXIT_FAILURE;
      serve->stopping = TRUE;
      stop_services (serve);
      quit_when_idle (serve);
    }
}

static void
serve_start_owning (Serve *serve)
{
  oms_site_owner_set_engine (serve->site_owner, serve->engine);
  oms_site_owner_set_scheduler (serve->site_owner, serve->scheduler);
  oms_site_owner_start (serve->site_owner, NULL);
  g_signal_connect_swapped (serve->site_owner, "notify::is-owner",
                            G_CALLBACK (serve_owner_changed_cb), serve);

  if (!oms_site_owner_get_has_bus (serve->site_owner))
    g_printerr ("%s: %s\n", g_get_prgname (),
                _("No session bus: serve runs this site on its own, as would any other omsync "
                  "started on it; the store’s lock keeps their syncs apart."));
  else if (!oms_site_owner_get_is_owner (serve->site_owner))
    {
      g_autofree char *owner = oms_site_owner_dup_owner_description (serve->site_owner);

      /* Translators: %s names a program, e.g. "omsync (process 1234)". */
      g_printerr (_("%s serves this site now; serve takes over when it stops.\n"),
                  owner != NULL ? owner : _("Another omsync program"));
    }
}

static gboolean
serve_signal_cb (gpointer user_data)
{
  Serve *serve = user_data;

  if (serve->stopping)
    {
      g_main_loop_quit (serve->loop);
      return G_SOURCE_CONTINUE;
    }

  g_printerr ("%s\n", _("Stopping…"));
  serve->stopping = TRUE;
  stop_services (serve);
  quit_when_idle (serve);

  return G_SOURCE_CONTINUE;
}

int
oms_cli_serve (OmsCli  *cli,
               int      argc,
               char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(OmsStore) store = NULL;
  g_autoptr(OmsSyncEngine) engine = NULL;
  g_autoptr(OmsScheduler) scheduler = NULL;
  g_autoptr(OmsColdchainServer) coldchain = NULL;
  g_autoptr(OmsColdchainKeeper) keeper = NULL;
  g_autoptr(OmsFileSync) file_sync = NULL;
  g_autoptr(OmsSiteOwner) site_owner = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  Serve serve = { NULL };
  guint sigint_id;
  guint sigterm_id;
  guint sighup_id;
  int coldchain_port = -1;
  gboolean coldchain_http = FALSE;
  gboolean sync_on_metered = FALSE;
  const GOptionEntry entries[] = {
    { "coldchain-port", 0, 0, G_OPTION_ARG_INT, &coldchain_port,
      N_("Port of the cold chain server (default: the one stored for this site, else 8000)"),
      N_("N") },
    { "coldchain-http", 0, 0, G_OPTION_ARG_NONE, &coldchain_http,
      N_("Serve the cold chain API over plain HTTP instead of HTTPS"), NULL },
    { "sync-on-metered", 0, 0, G_OPTION_ARG_NONE, &sync_on_metered,
      N_("Let automatic syncs use a metered connection too"), NULL },
    { NULL }
  };

  context = oms_cli_parse_command (cli, "serve",
                                   _("Runs the sync scheduler, the file synchroniser and the "
                                     "cold chain server: a sync at start when the site is "
                                     "configured, then one every sync interval (after the first "
                                     "sync has succeeded), each waiting while the central server "
                                     "cannot be reached or the connection is metered (unless "
                                     "--sync-on-metered), the attached files uploaded after "
                                     "each successful sync and when a retry is due, until "
                                     "SIGTERM, SIGINT or SIGHUP.\nA sync still running then "
                                     "is stopped and recorded as interrupted. Prints the cold "
                                     "chain server's addresses, then one line per sync, per "
                                     "file upload and per change of the network's state on "
                                     "standard output."),
                                   entries, &argc, &argv);
  if (context == NULL)
    return OMS_CLI_EXIT_USAGE;

  if (coldchain_port != -1 && (coldchain_port < 1 || coldchain_port > 65535))
    {
      /* Translators: an error on the command line: %d is the port number typed. */
      g_autofree char *message = g_strdup_printf (_("The cold chain port must be a number from "
                                                    "1 to 65535, not %d"), coldchain_port);

      return oms_cli_usage_error (context, message);
    }

  store = oms_cli_open_store (cli);
  if (store == NULL)
    return OMS_CLI_EXIT_FAILURE;

  engine = oms_sync_engine_new (store);
  scheduler = oms_scheduler_new (engine);
  oms_scheduler_set_sync_on_metered (scheduler, sync_on_metered);
  coldchain = oms_coldchain_server_new (store);
  oms_coldchain_server_set_listen_address (coldchain, oms_coldchain_get_listen_address ());
  file_sync = oms_file_sync_new (engine);
  if (coldchain_port != -1)
    oms_coldchain_server_set_port (coldchain, (guint) coldchain_port);
  if (coldchain_http)
    oms_coldchain_server_set_use_https (coldchain, FALSE);
  loop = g_main_loop_new (NULL, FALSE);

  serve.loop = loop;
  serve.engine = engine;
  serve.scheduler = scheduler;
  serve.coldchain = coldchain;
  serve.keeper = keeper = oms_coldchain_keeper_new (coldchain);
  serve.file_sync = file_sync;
  serve.coldchain_port_given = coldchain_port != -1;
  serve.status = OMS_CLI_EXIT_OK;
  site_owner = oms_site_owner_new (oms_store_get_data_dir (store), "omsync-cli serve");
  serve.site_owner = site_owner;

  serve_start_owning (&serve);
  if (oms_site_owner_get_is_owner (site_owner) && !start_services (&serve))
    return OMS_CLI_EXIT_FAILURE;

  sigint_id = g_unix_signal_add (SIGINT, serve_signal_cb, &serve);
  sigterm_id = g_unix_signal_add (SIGTERM, serve_signal_cb, &serve);
  sighup_id = g_unix_signal_add (SIGHUP, serve_signal_cb, &serve);

  g_main_loop_run (loop);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  g_source_remove (sighup_id);
  g_clear_signal_handler (&serve.run_finished_id, engine);
  g_clear_signal_handler (&serve.settled_id, engine);
  g_clear_signal_handler (&serve.file_changed_id, file_sync);
  g_clear_signal_handler (&serve.file_busy_id, file_sync);
  g_clear_signal_handler (&serve.network_id, scheduler);
  g_signal_handlers_disconnect_by_data (site_owner, &serve);
  /* The name goes last, so a waiting omsync takes over only once this one has stopped. */
  oms_site_owner_stop (site_owner);

  /* Let the cancelled run's callbacks finish before the objects go. */
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);

  return serve.status;
}
