/* oms-initialise-page.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-initialise-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "oms-initialise-page.h"
#include "oms-inline-error.h"
#include "oms-protocol-error.h"
#include "oms-sync-error-text.h"
#include "oms-sync-progress.h"
#include "oms-sync-settings.h"
#include "oms-sync-step.h"

/* The first run (UI.md §4): while the site is not configured, or configured but not yet
 * initialised, the window shows this page instead of the others. "Initialise" checks the
 * settings with the legacy central, stores them, and starts the initialisation run. The page
 * shows the run as the Sync window does (OmsSyncProgress: steps, records, bytes, time left),
 * with Cancel; a cancelled or failed first sync goes on from its cursors with "Continue" or
 * "Retry", without the password again. Every outcome replaces what the page said before
 * (issue 13). When the engine turns operational the window shows its pages.
 */

struct _OmsInitialisePage
{
  GtkWidget            parent_instance;

  /* Template widgets */
  GtkButton           *cancel_button;
  GtkWidget           *checking_box;
  GtkWidget           *content;
  OmsInlineError      *error;
  GtkLabel            *download_label;
  GtkButton           *initialise_button;
  GtkLabel            *notice_label;
  AdwPasswordEntryRow *password_row;
  GtkLabel            *progress_label;
  AdwEntryRow         *site_row;
  GtkSpinner          *spinner;
  OmsSyncProgress     *sync_progress;
  AdwEntryRow         *url_row;

  /* Owned references */
  OmsScheduler        *scheduler;
  GSignalGroup        *engine_signals;
  GCancellable        *cancellable;

  /* State */
  guint                checking : 1;   /* the settings are being checked with the central */
  guint                later : 1;      /* the person chose "Set Up Later" */
  guint                needed : 1;
};

G_DEFINE_FINAL_TYPE (OmsInitialisePage, oms_initialise_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SCHEDULER,
  PROP_NEEDED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static OmsSyncEngine *
oms_initialise_page_get_engine (OmsInitialisePage *self)
{
  return self->scheduler != NULL ? oms_scheduler_get_engine (self->scheduler) : NULL;
}

/* A focused entry that turns insensitive keeps blinking its cursor without focus (GTK 4.8
 * warns about it), so the focus leaves the form first.
 */
static void
oms_initialise_page_release_focus (OmsInitialisePage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self)))
    gtk_root_set_focus (root, NULL);
}

static void
oms_initialise_page_set_notice (OmsInitialisePage *self,
                                const char        *notice)
{
  gtk_label_set_label (self->notice_label, notice != NULL ? notice : "");
  gtk_widget_set_visible (GTK_WIDGET (self->notice_label), notice != NULL);
}

static void
oms_initialise_page_update (OmsInitialisePage *self)
{
  OmsSyncEngine *engine = oms_initialise_page_get_engine (self);
  const OmsSyncRun *latest = NULL;
  OmsSyncMode mode = OMS_SYNC_MODE_UNCONFIGURED;
  gboolean syncing = FALSE;
  gboolean needed;
  gboolean busy;

  if (engine != NULL)
    {
      mode = oms_sync_engine_get_mode (engine);
      syncing = oms_sync_engine_get_is_syncing (engine);
      latest = oms_sync_engine_get_latest_run (engine);
    }

  busy = self->checking || syncing;

  /* "Checking…" shows while the check runs and never after it, whatever its outcome. */
  gtk_label_set_label (self->progress_label,
                       self->checking ? _("Checking the settings with the central server…")
                                      : "");
  gtk_spinner_set_spinning (self->spinner, self->checking);
  gtk_widget_set_visible (self->checking_box, self->checking);

  /* The first sync's steps, while it runs and after it stopped, so people see where. */
  gtk_widget_set_visible (GTK_WIDGET (self->sync_progress),
                          syncing || (mode == OMS_SYNC_MODE_INITIALISING && latest != NULL));
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), syncing && self->scheduler != NULL);

  if (self->checking)
    {
      oms_initialise_page_set_notice (self, NULL);
    }
  else if (syncing)
    {
      oms_initialise_page_set_notice (self, NULL);
      oms_inline_error_clear (self->error);
    }
  else if (engine != NULL && mode == OMS_SYNC_MODE_INITIALISING && latest != NULL &&
           latest->interrupted)
    {
      /* Cancelled, or omsync stopped: not an error; what came is kept. */
      oms_inline_error_clear (self->error);
      oms_initialise_page_set_notice (self, _("The first sync was stopped. What it received "
                                              "is kept: Continue goes on from there."));
      gtk_button_set_label (self->initialise_button, _("_Continue"));
    }
  else if (engine != NULL && mode == OMS_SYNC_MODE_INITIALISING && latest != NULL &&
           (latest->error_message != NULL || latest->error_code != NULL))
    {
      g_autofree char *message = NULL;
      g_autofree char *hint = NULL;

      /* The initialisation run failed: say why, and offer to try again. */
      oms_sync_run_describe_error (latest, _("Unable to initialise"), &message, &hint);
      oms_initialise_page_set_notice (self, NULL);
      oms_inline_error_set (self->error, message, hint, latest->error_message);
      /* Translators: a button: tries the first sync again (verb). */
      gtk_button_set_label (self->initialise_button, _("_Retry"));
    }
  else
    {
      oms_initialise_page_set_notice (self, NULL);
    }

  if (busy)
    oms_initialise_page_release_focus (self);

  gtk_widget_set_sensitive (GTK_WIDGET (self->url_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->site_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->password_row), !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "initialise.start",
                                 !busy && engine != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "initialise.cancel",
                                 syncing && self->scheduler != NULL);

  needed = engine != NULL && mode != OMS_SYNC_MODE_OPERATIONAL && !self->later;
  if (needed != self->needed)
    {
      self->needed = needed;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEEDED]);
    }
}

/* Before a record has come, what one costs on the wire is a guess: a legacy record's JSON is
 * some 300 to 600 bytes, and gzip (when the central offers it) makes it several times smaller.
 */
#define ESTIMATED_BYTES_PER_RECORD 300
/* Records enough to measure the cost of one instead. */
#define MEASURED_AFTER_RECORDS     100

/* Roughly how much the first sync downloads, once the central has said how many records it
 * has: the totals the pull steps were given so far times what a record has cost so far (or
 * the guess above), said as an estimate.
 */
static void
oms_initialise_page_update_download (OmsInitialisePage *self)
{
  static const OmsSyncStep pulls[] = {
    OMS_SYNC_STEP_PULL_CENTRAL, OMS_SYNC_STEP_PULL_REMOTE, OMS_SYNC_STEP_PULL_V6,
  };
  OmsSyncEngine *engine = oms_initialise_page_get_engine (self);
  const OmsSyncRun *run = engine != NULL ? oms_sync_engine_get_latest_run (engine) : NULL;
  g_autofree char *size = NULL;
  g_autofree char *text = NULL;
  gint64 total = 0;
  gint64 done = 0;

  if (run == NULL || !oms_sync_engine_get_is_syncing (engine) ||
      oms_sync_engine_get_mode (engine) == OMS_SYNC_MODE_OPERATIONAL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->download_label), FALSE);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (pulls); i++)
    if (run->steps[pulls[i]].has_total)
      {
        total += run->steps[pulls[i]].total;
        done += run->steps[pulls[i]].done;
      }

  if (total <= 0)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->download_label), FALSE);
      return;
    }

  if (done >= MEASURED_AFTER_RECORDS && run->bytes_down > 0)
    {
      size = g_format_size ((guint64) (run->bytes_down / done * total));
      /* Translators: %s is a size such as "6.1 MB"; the first sync downloads about that much,
       * judging by what the records received so far cost.
       */
      text = g_strdup_printf (_("About %s to download, judging by the records so far"), size);
    }
  else
    {
      size = g_format_size ((guint64) (total * ESTIMATED_BYTES_PER_RECORD));
      /* Translators: %s is a size such as "6.1 MB", a rough estimate made before any record
       * has arrived.
       */
      text = g_strdup_printf (_("Roughly %s to download (an estimate)"), size);
    }

  gtk_label_set_label (self->download_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->download_label), TRUE);
}

static void
oms_initialise_page_load (OmsInitialisePage *self)
{
  OmsSyncEngine *engine = oms_initialise_page_get_engine (self);
  OmsStore *store = engine != NULL ? oms_sync_engine_get_store (engine) : NULL;
  g_autofree char *url = NULL;
  g_autofree char *username = NULL;

  if (store != NULL)
    {
      url = oms_store_kv_get_string (store, OMS_KV_SYNC_URL, NULL);
      username = oms_store_kv_get_string (store, OMS_KV_SYNC_USERNAME, NULL);
    }

  gtk_editable_set_text (GTK_EDITABLE (self->url_row), url ? url : "");
  gtk_editable_set_text (GTK_EDITABLE (self->site_row), username ? username : "");
}

static void
oms_initialise_page_saved_cb (GObject      *object,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  g_autoptr(OmsInitialisePage) self = user_data;
  g_autoptr(GError) error = NULL;
  OmsSyncEngine *engine;

  if (!oms_sync_settings_save_finish (OMS_STORE (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      self->checking = FALSE;
      oms_inline_error_set_error (self->error, error, _("Unable to initialise"));
      gtk_button_set_label (self->initialise_button, _("_Retry"));
      oms_initialise_page_update (self);
      return;
    }

  self->checking = FALSE;
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");

  engine = oms_initialise_page_get_engine (self);
  if (engine != NULL)
    oms_sync_engine_refresh (engine);
  /* The program that serves the site runs the initialisation (app.sync-now); without an
   * application, as in tests, the page's own scheduler does.
   */
  if (!gtk_widget_activate_action (GTK_WIDGET (self), "app.sync-now", NULL) &&
      self->scheduler != NULL)
    oms_scheduler_trigger (self->scheduler);

  oms_initialise_page_update (self);
}

static void
oms_initialise_page_start_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  OmsInitialisePage *self = OMS_INITIALISE_PAGE (widget);
  OmsSyncEngine *engine = oms_initialise_page_get_engine (self);
  g_autofree char *url = NULL;
  g_autofree char *username = NULL;
  const char *password;
  OmsStore *store;
  gint64 interval;

  if (engine == NULL || self->checking)
    return;

  store = oms_sync_engine_get_store (engine);
  url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->url_row))));
  username = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->site_row))));
  password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  oms_inline_error_clear (self->error);
  oms_initialise_page_set_notice (self, NULL);

  /* Settings already stored and not changed: the first sync goes on from its cursors, with no
   * need to type the password again.
   */
  if (oms_sync_engine_get_mode (engine) == OMS_SYNC_MODE_INITIALISING && *password == '\0' &&
      self->scheduler != NULL)
    {
      g_autofree char *stored_url = oms_store_kv_get_string (store, OMS_KV_SYNC_URL, NULL);
      g_autofree char *stored_site = oms_store_kv_get_string (store, OMS_KV_SYNC_USERNAME,
                                                              NULL);

      if (g_strcmp0 (url, stored_url) == 0 && g_strcmp0 (username, stored_site) == 0)
        {
          oms_scheduler_trigger (self->scheduler);
          oms_initialise_page_update (self);
          return;
        }
    }

  /* Empty fields are reported at once, without asking the server anything. */
  if (*url == '\0' || g_str_equal (url, "https://") || g_str_equal (url, "http://"))
    {
      oms_inline_error_set (self->error, _("Enter the central server URL."), NULL, NULL);
      gtk_widget_grab_focus (GTK_WIDGET (self->url_row));
      return;
    }
  if (*username == '\0')
    {
      oms_inline_error_set (self->error, _("Enter the site name."), NULL, NULL);
      gtk_widget_grab_focus (GTK_WIDGET (self->site_row));
      return;
    }
  if (*password == '\0')
    {
      oms_inline_error_set (self->error, _("Enter the site password."), NULL, NULL);
      gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
      return;
    }

  interval = oms_store_kv_get_bigint (store, OMS_KV_SYNC_INTERVAL_SECONDS,
                                      OMS_SYNC_DEFAULT_INTERVAL_SECONDS, NULL);
  if (interval < 1)
    interval = OMS_SYNC_DEFAULT_INTERVAL_SECONDS;

  self->checking = TRUE;
  oms_initialise_page_update (self);

  oms_sync_settings_save_async (store, url, username, password, interval, self->cancellable,
                                oms_initialise_page_saved_cb, g_object_ref (self));
}

static void
oms_initialise_page_cancel_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *parameter)
{
  OmsInitialisePage *self = OMS_INITIALISE_PAGE (widget);

  /* The engine ends the run as interrupted once the batch being stored is stored. */
  if (self->scheduler != NULL)
    oms_scheduler_cancel (self->scheduler);
}

static void
oms_initialise_page_later_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  oms_initialise_page_set_up_later (OMS_INITIALISE_PAGE (widget));
}

static void
oms_initialise_page_entry_activated_cb (OmsInitialisePage *self,
                                        AdwEntryRow       *row)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "initialise.start", NULL);
}

static void
oms_initialise_page_dispose (GObject *object)
{
  OmsInitialisePage *self = (OmsInitialisePage *)object;

  g_cancellable_cancel (self->cancellable);
  if (self->engine_signals != NULL)
    g_signal_group_set_target (self->engine_signals, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), OMS_TYPE_INITIALISE_PAGE);

  g_clear_object (&self->engine_signals);
  g_clear_object (&self->scheduler);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (oms_initialise_page_parent_class)->dispose (object);
}

static void
oms_initialise_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  OmsInitialisePage *self = OMS_INITIALISE_PAGE (object);

  switch (prop_id)
    {
    case PROP_SCHEDULER:
      g_value_set_object (value, self->scheduler);
      break;

    case PROP_NEEDED:
      g_value_set_boolean (value, self->needed);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_initialise_page_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  OmsInitialisePage *self = OMS_INITIALISE_PAGE (object);

  switch (prop_id)
    {
    case PROP_SCHEDULER:
      oms_initialise_page_set_scheduler (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_initialise_page_class_init (OmsInitialisePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = oms_initialise_page_dispose;
  object_class->get_property = oms_initialise_page_get_property;
  object_class->set_property = oms_initialise_page_set_property;

  /**
   * OmsInitialisePage:scheduler:
   *
   * The scheduler that runs the initialisation, and through it the engine.
   */
  properties[PROP_SCHEDULER] =
    g_param_spec_object ("scheduler", NULL, NULL,
                         OMS_TYPE_SCHEDULER,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * OmsInitialisePage:needed:
   *
   * Whether the window should show this page: the site is not operational yet and the
   * person has not chosen to set it up later.
   */
  properties[PROP_NEEDED] =
    g_param_spec_boolean ("needed", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/omsync/OmSync/ui/"
                                                             "oms-initialise-page.ui");
  gtk_widget_class_bind_template_child (widget_class, OmsInitialisePage, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, OmsInitialisePage, checking_box);
  gtk_widget_class_bind_template_child (widget_class, OmsInitialisePage, content);
  gtk_widget_class_bind_template_child (widget_class, OmsInitialisePage, download_label);
  gtk_widget_class_bind_template_child (widget_class, OmsInitialisePage, error);
  gtk_widget_class_bind_template_child (widget_class, OmsInitialisePage, initialise_button);
  gtk_widget_class_bind_template_child (widget_class, OmsInitialisePage, notice_label);
  gtk_widget_class_bind_template_child (widget_class, OmsInitialisePage, password_row);
  gtk_widget_class_bind_template_child (widget_class, OmsInitialisePage, progress_label);
  gtk_widget_class_bind_template_child (widget_class, OmsInitialisePage, site_row);
  gtk_widget_class_bind_template_child (widget_class, OmsInitialisePage, spinner);
  gtk_widget_class_bind_template_child (widget_class, OmsInitialisePage, sync_progress);
  gtk_widget_class_bind_template_child (widget_class, OmsInitialisePage, url_row);
  gtk_widget_class_bind_template_callback (widget_class, oms_initialise_page_entry_activated_cb);

  gtk_widget_class_install_action (widget_class, "initialise.start", NULL,
                                   oms_initialise_page_start_action);
  gtk_widget_class_install_action (widget_class, "initialise.later", NULL,
                                   oms_initialise_page_later_action);
  gtk_widget_class_install_action (widget_class, "initialise.cancel", NULL,
                                   oms_initialise_page_cancel_action);

  g_type_ensure (OMS_TYPE_INLINE_ERROR);
  g_type_ensure (OMS_TYPE_SYNC_PROGRESS);
}

static void
oms_initialise_page_init (OmsInitialisePage *self)
{
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->engine_signals = g_signal_group_new (OMS_TYPE_SYNC_ENGINE);
  g_signal_group_connect_object (self->engine_signals, "notify::mode",
                                 G_CALLBACK (oms_initialise_page_update), self,
                                 G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->engine_signals, "notify::is-syncing",
                                 G_CALLBACK (oms_initialise_page_update), self,
                                 G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->engine_signals, "notify::current-step",
                                 G_CALLBACK (oms_initialise_page_update), self,
                                 G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->engine_signals, "run-changed",
                                 G_CALLBACK (oms_initialise_page_update), self,
                                 G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->engine_signals, "run-changed",
                                 G_CALLBACK (oms_initialise_page_update_download), self,
                                 G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->engine_signals, "notify::is-syncing",
                                 G_CALLBACK (oms_initialise_page_update_download), self,
                                 G_CONNECT_SWAPPED);

  oms_initialise_page_load (self);
  oms_initialise_page_update (self);
}

/**
 * oms_initialise_page_get_scheduler:
 * @self: an #OmsInitialisePage
 *
 * Returns: (transfer none) (nullable): the scheduler
 */
OmsScheduler *
oms_initialise_page_get_scheduler (OmsInitialisePage *self)
{
  g_return_val_if_fail (OMS_IS_INITIALISE_PAGE (self), NULL);

  return self->scheduler;
}

void
oms_initialise_page_set_scheduler (OmsInitialisePage *self,
                                   OmsScheduler      *scheduler)
{
  g_return_if_fail (OMS_IS_INITIALISE_PAGE (self));
  g_return_if_fail (scheduler == NULL || OMS_IS_SCHEDULER (scheduler));

  if (!g_set_object (&self->scheduler, scheduler))
    return;

  g_signal_group_set_target (self->engine_signals, oms_initialise_page_get_engine (self));
  oms_sync_progress_set_engine (self->sync_progress, oms_initialise_page_get_engine (self));
  oms_initialise_page_load (self);
  oms_initialise_page_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCHEDULER]);
}

gboolean
oms_initialise_page_get_needed (OmsInitialisePage *self)
{
  g_return_val_if_fail (OMS_IS_INITIALISE_PAGE (self), FALSE);

  return self->needed;
}

/**
 * oms_initialise_page_set_up_later:
 * @self: an #OmsInitialisePage
 *
 * The person wants the window's pages now; Settings → Synchronisation configures the site.
 */
void
oms_initialise_page_set_up_later (OmsInitialisePage *self)
{
  g_return_if_fail (OMS_IS_INITIALISE_PAGE (self));

  if (self->later)
    return;

  self->later = TRUE;
  oms_initialise_page_update (self);
}

/**
 * oms_initialise_page_get_error:
 * @self: an #OmsInitialisePage
 *
 * Returns: (transfer none): the inline error
 */
OmsInlineError *
oms_initialise_page_get_error (OmsInitialisePage *self)
{
  g_return_val_if_fail (OMS_IS_INITIALISE_PAGE (self), NULL);

  return self->error;
}

/**
 * oms_initialise_page_get_progress:
 * @self: an #OmsInitialisePage
 *
 * Returns: (nullable): the progress line while checking or syncing, else %NULL
 */
const char *
oms_initialise_page_get_progress (OmsInitialisePage *self)
{
  g_return_val_if_fail (OMS_IS_INITIALISE_PAGE (self), NULL);

  if (gtk_widget_get_visible (self->checking_box))
    return gtk_label_get_label (self->progress_label);

  return oms_sync_progress_get_detail (self->sync_progress);
}

/**
 * oms_initialise_page_get_sync_progress:
 *
 * Returns: (transfer none): the first sync's progress (steps, counts, time left)
 */
OmsSyncProgress *
oms_initialise_page_get_sync_progress (OmsInitialisePage *self)
{
  g_return_val_if_fail (OMS_IS_INITIALISE_PAGE (self), NULL);

  return self->sync_progress;
}

/**
 * oms_initialise_page_get_notice:
 *
 * Returns: (nullable): the line saying the first sync was stopped, when it shows
 */
const char *
oms_initialise_page_get_notice (OmsInitialisePage *self)
{
  g_return_val_if_fail (OMS_IS_INITIALISE_PAGE (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->notice_label)))
    return NULL;

  return gtk_label_get_label (self->notice_label);
}
