/* oms-records-page.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-records-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "oms-integrator.h"
#include "oms-locale.h"
#include "oms-push-queue.h"
#include "oms-record-words.h"
#include "oms-records-page.h"
#include "oms-store-watch.h"
#include "oms-sync-buffer.h"

/* Records (issue 13): what people can act on first, then what the store holds.
 *
 * - "Could not be integrated": records received from a central that could not be saved here,
 *   each with its error, when, and a Try again button that integrates it again once the
 *   cause is fixed (oms_integrator_retry_async()). Open mSupply writes these errors and
 *   shows them nowhere (its "silent non-sync", #5504).
 * - "Waiting to be sent": the local changes the next sync pushes, in people's words, with the
 *   kind of record, the change, since when it waits and for which central.
 * - "Local records": how many records of each kind, by their names for people.
 *
 * The lists show the newest OMS_RECORDS_PAGE_LIST_LIMIT and count the rest, so a long queue
 * costs no more to show than a short one.
 */

#define OMS_RECORDS_PAGE_LIST_LIMIT 50

struct _OmsRecordsPage
{
  GtkWidget            parent_instance;

  /* Template widgets */
  AdwStatusPage       *error_page;
  AdwPreferencesGroup *failed_group;
  GtkStack            *stack;
  AdwPreferencesGroup *tables_group;
  AdwToastOverlay     *toast_overlay;
  AdwPreferencesGroup *waiting_group;

  /* Owned references */
  OmsStore            *store;
  OmsStoreWatch       *store_watch;
  GPtrArray           *rows;          /* every row shown, its group in "oms-group" */
  GCancellable        *cancellable;
};

G_DEFINE_FINAL_TYPE (OmsRecordsPage, oms_records_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GtkWidget *
oms_records_page_add_row (OmsRecordsPage      *self,
                          AdwPreferencesGroup *group,
                          const char          *title,
                          const char          *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  adw_preferences_group_add (group, row);
  g_object_set_data (G_OBJECT (row), "oms-group", group);
  g_ptr_array_add (self->rows, row);

  return row;
}

/* "And 1,234 more": the rest of a list shown in part. */
static void
oms_records_page_add_more_row (OmsRecordsPage      *self,
                               AdwPreferencesGroup *group,
                               gint64               shown,
                               gint64               total)
{
  g_autofree char *text = NULL;
  g_autofree char *more = NULL;
  GtkWidget *row;

  if (total <= shown)
    return;

  /* Formatted first (with the locale's digit grouping): a format macro inside a msgid cuts
   * it short for translators.
   */
  more = oms_locale_format_count (total - shown);
  /* Translators: under a list that shows only the newest records; %s is a number. */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "And %s more", "And %s more",
                                       (gulong) (total - shown)),
                          more);
  row = oms_records_page_add_row (self, group, text, NULL);
  gtk_widget_add_css_class (row, "dim-label");
}

static void
oms_records_page_clear_rows (OmsRecordsPage *self)
{
  g_assert (OMS_IS_RECORDS_PAGE (self));

  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);

      adw_preferences_group_remove (g_object_get_data (G_OBJECT (row), "oms-group"), row);
    }

  g_ptr_array_set_size (self->rows, 0);
}

static void
oms_records_page_add_count_row (OmsRecordsPage      *self,
                                const OmsTableCount *count)
{
  g_autofree char *title = oms_table_title_dup (count->table_name);
  g_autofree char *text = NULL;
  GtkWidget *label;
  GtkWidget *row;

  row = oms_records_page_add_row (self, self->tables_group, title, NULL);

  text = g_strdup_printf ("%'" G_GINT64_FORMAT, count->n_rows);
  label = gtk_label_new (text);
  gtk_label_set_xalign (GTK_LABEL (label), 1.0f);
  gtk_widget_add_css_class (label, "count");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
}

/* "Temperature log · changed · waiting since 7 Jan 23:46 · for the mSupply central (v5)" */
static char *
oms_records_page_waiting_subtitle (const OmsPendingRecord *record)
{
  g_autofree char *table = oms_table_title_dup (record->table_name);
  g_autofree char *since = oms_record_time_to_words (record->changed);
  g_autofree char *waiting = NULL;
  const char *action;
  const char *central;

  action = record->is_delete ? _("deleted") : _("added or changed");

  if (record->targets == (OMS_PUSH_TARGET_V5 | OMS_PUSH_TARGET_V6))
    central = _("for both centrals (v5 and v6)");
  else if (record->targets == OMS_PUSH_TARGET_V6)
    central = _("for the Open mSupply central (v6)");
  else
    central = _("for the mSupply central (v5)");

  if (since != NULL)
    /* Translators: %s is a day and time, "7 Jan 23:46". */
    waiting = g_strdup_printf (_("waiting since %s"), since);

  if (waiting != NULL)
    /* Translators: the kind of record, what was done, since when it waits and for which
     * central server: "Temperature log · added or changed · waiting since 7 Jan 23:46 · for
     * the mSupply central (v5)".
     */
    return g_strdup_printf (_("%s · %s · %s · %s"), table, action, waiting, central);

  /* Translators: as above, when the time of the change is not known. */
  return g_strdup_printf (_("%s · %s · %s"), table, action, central);
}

static gboolean
oms_records_page_show_waiting (OmsRecordsPage  *self,
                               GError         **error)
{
  g_autoptr(GPtrArray) records = NULL;
  g_autofree char *description = NULL;
  OmsPushQueueCounts counts = { 0 };

  if (!oms_push_queue_count (self->store, &counts, error))
    return FALSE;
  records = oms_push_queue_list (self->store, OMS_RECORDS_PAGE_LIST_LIMIT, error);
  if (records == NULL)
    return FALSE;

  if (counts.total == 0)
    description = g_strdup (_("Nothing is waiting to be sent. Changes made on this site are "
                              "listed here until a sync sends them."));
  else
    {
      g_autofree char *total = oms_locale_format_count (counts.total);

      description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                  /* Translators: the description of “Waiting to
                                                   * be sent”; %s is a number of records, e.g.
                                                   * “1,204”. */
                                                  "%s record changed on this site goes with "
                                                  "the next sync, the newest first.",
                                                  "%s records changed on this site go with "
                                                  "the next sync, the newest first.",
                                                  (gulong) counts.total),
                                     total);
    }
  adw_preferences_group_set_description (self->waiting_group, description);

  for (guint i = 0; i < records->len; i++)
    {
      const OmsPendingRecord *record = g_ptr_array_index (records, i);
      g_autofree char *subtitle = oms_records_page_waiting_subtitle (record);

      oms_records_page_add_row (self, self->waiting_group, record->description, subtitle);
    }
  oms_records_page_add_more_row (self, self->waiting_group, records->len, counts.total);

  return TRUE;
}

static void
oms_records_page_retry_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(OmsRecordsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gint64 n_retried = 0;
  gint64 n_failed = 0;

  if (!oms_integrator_retry_finish (result, &n_retried, &n_failed, &error))
    {
      /* Cancelled: the page is gone. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->cancellable == NULL)
        return;
      /* Translators: %s says why the records could not be tried again. */
      message = g_strdup_printf (_("Could not try again: %s"), error->message);
    }
  else if (self->cancellable == NULL)
    return;
  else if (n_failed > 0)
    message = g_strdup (_("It still could not be integrated. The error says why."));
  else
    /* Translators: the outcome after trying again to store a record: it is now in the database. */
    message = g_strdup (_("Integrated"));

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));

  /* The integrator wrote through its own connection; this one's listeners learn it here. */
  if (self->store != NULL)
    oms_store_emit_changed (self->store);
}

static void
oms_records_page_retry_clicked_cb (OmsRecordsPage *self,
                                   GtkButton      *button)
{
  const char *record_id = g_object_get_data (G_OBJECT (button), "oms-record-id");

  if (self->store == NULL)
    return;

  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  oms_integrator_retry_async (oms_store_get_data_dir (self->store), record_id, self->cancellable,
                              oms_records_page_retry_cb, g_object_ref (self));
}

static gboolean
oms_records_page_show_failed (OmsRecordsPage  *self,
                              GError         **error)
{
  g_autoptr(GPtrArray) records = NULL;
  gint64 total;

  total = oms_sync_buffer_count_failed (self->store, error);
  if (total < 0)
    return FALSE;
  records = oms_sync_buffer_list_failed (self->store, OMS_RECORDS_PAGE_LIST_LIMIT, error);
  if (records == NULL)
    return FALSE;

  for (guint i = 0; i < records->len; i++)
    {
      const OmsFailedRecord *record = g_ptr_array_index (records, i);
      g_autofree char *when = oms_record_time_to_words (record->failed);
      g_autofree char *subtitle = NULL;
      GtkWidget *button;
      GtkWidget *row;

      if (when != NULL)
        /* Translators: why a received record could not be saved, and when: "Could not find
         * name link with id N2 · 7 Jan 23:45".
         */
        subtitle = g_strdup_printf (_("%s · %s"), record->error, when);

      row = oms_records_page_add_row (self, self->failed_group, record->description,
                                      subtitle != NULL ? subtitle : record->error);
      gtk_widget_add_css_class (row, "error");

      /* Translators: a button: tries again to store (integrate) a record that failed (verb). */
      button = gtk_button_new_with_label (_("Try again"));
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (button, _("Integrate this record again"));
      g_object_set_data_full (G_OBJECT (button), "oms-record-id", g_strdup (record->record_id),
                              g_free);
      g_signal_connect_object (button, "clicked", G_CALLBACK (oms_records_page_retry_clicked_cb),
                               self, G_CONNECT_SWAPPED);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }
  oms_records_page_add_more_row (self, self->failed_group, records->len, total);

  gtk_widget_set_visible (GTK_WIDGET (self->failed_group), total > 0);

  return TRUE;
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

  if (counts == NULL || !oms_records_page_show_failed (self, &error) ||
      !oms_records_page_show_waiting (self, &error))
    {
      g_debug ("Cannot read the records: %s", error->message);
      oms_records_page_clear_rows (self);
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  for (guint i = 0; i < counts->len; i++)
    {
      const OmsTableCount *count = g_ptr_array_index (counts, i);

      oms_records_page_add_count_row (self, count);
      if (count->n_rows > 0)
        any_rows = TRUE;
    }

  /* Failed records are in the buffer, not in the tables: they alone are worth showing. */
  if (gtk_widget_get_visible (GTK_WIDGET (self->failed_group)))
    any_rows = TRUE;

  gtk_stack_set_visible_child_name (self->stack, any_rows ? "content" : "empty");
}

static void
oms_records_page_dispose (GObject *object)
{
  OmsRecordsPage *self = (OmsRecordsPage *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->store_watch);

  /* The group owns the rows; they go with the template. */
  if (self->rows != NULL)
    g_ptr_array_set_size (self->rows, 0);

  gtk_widget_dispose_template (GTK_WIDGET (self), OMS_TYPE_RECORDS_PAGE);

  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
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
  gtk_widget_class_bind_template_child (widget_class, OmsRecordsPage, failed_group);
  gtk_widget_class_bind_template_child (widget_class, OmsRecordsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, OmsRecordsPage, tables_group);
  gtk_widget_class_bind_template_child (widget_class, OmsRecordsPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, OmsRecordsPage, waiting_group);
}

static void
oms_records_page_init (OmsRecordsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();

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
