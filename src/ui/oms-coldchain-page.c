/* oms-coldchain-page.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-coldchain-page"

#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "oms-coldchain-page.h"
#include "oms-coldchain-queries.h"
#include "oms-locale.h"
#include "oms-store-watch.h"
#include "oms-temperature-chart.h"

/* The Cold chain page (PRODUCT.md "The window"): a chart of one sensor's temperatures over
 * the last day or week, sensors with their latest temperature,
 * breaches with Acknowledge, and equipment with a status log. Every edit goes through the
 * store, so it gets a changelog row and the next sync pushes it.
 */

struct _OmsColdchainPage
{
  GtkWidget        parent_instance;

  /* Template widgets */
  GtkListBox          *breaches_list;
  OmsTemperatureChart *chart;
  AdwPreferencesGroup *chart_group;
  GtkLabel            *chart_summary;
  GtkListBox          *equipment_list;
  AdwStatusPage       *error_page;
  AdwComboRow         *sensor_row;
  GtkStringList       *sensor_names;
  GtkListBox          *sensors_list;
  GtkStack            *stack;
  AdwToastOverlay     *toast_overlay;

  /* Owned references */
  OmsStore            *store;
  OmsStoreWatch       *store_watch;
  GPtrArray           *sensor_ids;   /* in the order of sensor_names */

  /* State */
  gboolean             sensor_chosen; /* by a person, in the combo row */
};

G_DEFINE_FINAL_TYPE (OmsColdchainPage, oms_coldchain_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define RESPONSE_ACKNOWLEDGE "acknowledge"
#define RESPONSE_CANCEL      "cancel"

/* The states of the chart.period action, which the toggle buttons show. */
#define PERIOD_DAY  "day"
#define PERIOD_WEEK "week"

/* Stored timestamps are naive UTC ("YYYY-MM-DDTHH:MM:SS"); show them in local time. */
static char *
format_datetime (const char *datetime)
{
  g_autoptr(GTimeZone) utc = NULL;
  g_autoptr(GDateTime) parsed = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (datetime == NULL)
    return NULL;

  utc = g_time_zone_new_utc ();
  parsed = g_date_time_new_from_iso8601 (datetime, utc);
  if (parsed == NULL)
    return g_strdup (datetime);

  return oms_locale_format_date_time (parsed);
}

static char *
format_temperature (double temperature)
{
  return oms_locale_format_temperature (temperature);
}

static const char *
breach_type_to_string (const char *type)
{
  if (g_strcmp0 (type, "HOT_CONSECUTIVE") == 0)
    /* Translators: a kind of temperature breach (Open mSupply's words): the temperature stayed
     * too high for a long time in one go. Cumulative: for a long time in total. */
    return _("Too hot, consecutive");
  if (g_strcmp0 (type, "HOT_CUMULATIVE") == 0)
    return _("Too hot, cumulative");
  if (g_strcmp0 (type, "COLD_CONSECUTIVE") == 0)
    return _("Too cold, consecutive");
  if (g_strcmp0 (type, "COLD_CUMULATIVE") == 0)
    return _("Too cold, cumulative");
  if (g_strcmp0 (type, "EXCURSION") == 0)
    /* Translators: a kind of temperature breach (Open mSupply's word): the temperature left the
     * safe range briefly. */
    return _("Excursion");

  return type;
}

static const char *
asset_status_to_string (const char *status)
{
  if (g_strcmp0 (status, OMS_ASSET_STATUS_FUNCTIONING) == 0)
    /* Translators: a status of cold chain equipment (Open mSupply's words): works as it should. */
    return _("Functioning");
  if (g_strcmp0 (status, OMS_ASSET_STATUS_NEEDS_ATTENTION) == 0)
    return _("Needs servicing");
  if (g_strcmp0 (status, OMS_ASSET_STATUS_NOT_FUNCTIONING) == 0)
    return _("Not functioning");
  if (g_strcmp0 (status, "NOT_IN_USE") == 0)
    return _("Not in use");
  if (g_strcmp0 (status, "DECOMMISSIONED") == 0)
    return _("Decommissioned");
  if (g_strcmp0 (status, "UNSERVICEABLE") == 0)
    return _("Unserviceable");

  return status;
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static void
add_placeholder_row (GtkListBox *list,
                     const char *title,
                     const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_add_css_class (row, "dim-label");
  gtk_list_box_append (list, row);
}

static GtkWidget *
new_row (const char *title,
         GString    *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);

  return row;
}

static void
append_line (GString    *text,
             const char *line)
{
  if (text->len > 0)
    g_string_append_c (text, '\n');
  g_string_append (text, line);
}

static void
oms_coldchain_page_fill_sensors (OmsColdchainPage *self,
                                 GPtrArray        *sensors)
{
  clear_list (self->sensors_list);

  if (sensors->len == 0)
    {
      add_placeholder_row (self->sensors_list,
                           _("No sensors yet"),
                           _("Scan the QR code on the Settings page with mSupply Cold Chain."));
      return;
    }

  for (guint i = 0; i < sensors->len; i++)
    {
      const OmsColdchainSensor *sensor = g_ptr_array_index (sensors, i);
      g_autoptr(GString) subtitle = g_string_new (NULL);
      g_autofree char *serial = NULL;
      GtkWidget *row;
      GtkWidget *label;

      /* Translators: %s is a sensor's serial number, e.g. “Serial: 4F2A0031”. */
      serial = g_strdup_printf (_("Serial: %s"), sensor->serial ? sensor->serial : "");
      append_line (subtitle, serial);

      if (sensor->has_battery_level)
        {
          g_autofree char *battery = NULL;

          /* Translators: the sensor's battery charge, e.g. "Battery: 80%". */
          battery = g_strdup_printf (_("Battery: %d%%"), sensor->battery_level);
          append_line (subtitle, battery);
        }

      if (sensor->location_name != NULL)
        {
          /* Translators: %s is the name of the place the sensor is, e.g. “Location: Vaccine
           * fridge 1”. */
          g_autofree char *location = g_strdup_printf (_("Location: %s"), sensor->location_name);

          append_line (subtitle, location);
        }

      if (sensor->has_temperature)
        {
          g_autofree char *temperature = format_temperature (sensor->temperature);
          g_autofree char *when = format_datetime (sensor->temperature_datetime);
          g_autofree char *line = NULL;

          /* Translators: the latest reading, e.g.
           * "Last temperature 4.5 °C at 2026-11-26 12:30".
           */
          line = g_strdup_printf (_("Last temperature %s at %s"), temperature, when ? when : "");
          append_line (subtitle, line);

          row = new_row (sensor->name, subtitle);
          label = gtk_label_new (temperature);
          gtk_widget_add_css_class (label, "numeric");
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
        }
      else
        {
          append_line (subtitle, _("No temperature received yet"));
          row = new_row (sensor->name, subtitle);
        }

      gtk_list_box_append (self->sensors_list, row);
    }
}

static void
oms_coldchain_page_fill_breaches (OmsColdchainPage *self,
                                  GPtrArray        *breaches)
{
  clear_list (self->breaches_list);

  if (breaches->len == 0)
    {
      add_placeholder_row (self->breaches_list,
                           _("No temperature breaches"),
                           _("Breaches recorded by a paired phone appear here."));
      return;
    }

  for (guint i = 0; i < breaches->len; i++)
    {
      const OmsColdchainBreach *breach = g_ptr_array_index (breaches, i);
      g_autoptr(GString) subtitle = g_string_new (NULL);
      g_autofree char *start = format_datetime (breach->start_datetime);
      g_autofree char *end = format_datetime (breach->end_datetime);
      g_autofree char *minimum = format_temperature (breach->threshold_minimum);
      g_autofree char *maximum = format_temperature (breach->threshold_maximum);
      g_autofree char *period = NULL;
      g_autofree char *thresholds = NULL;
      GtkWidget *row;

      if (breach->sensor_name != NULL)
        {
          /* Translators: %s is a sensor's name, e.g. “Sensor: Fridge 1”. */
          g_autofree char *sensor = g_strdup_printf (_("Sensor: %s"), breach->sensor_name);

          append_line (subtitle, sensor);
        }

      if (end != NULL)
        /* Translators: when a breach started and ended. */
        period = g_strdup_printf (_("From %s to %s"), start, end);
      else
        /* Translators: when a breach that has not ended started. */
        period = g_strdup_printf (_("From %s, not ended"), start);
      append_line (subtitle, period);

      /* Translators: the allowed range, e.g. "Thresholds: 2.0 °C to 8.0 °C". */
      thresholds = g_strdup_printf (_("Thresholds: %s to %s"), minimum, maximum);
      append_line (subtitle, thresholds);

      if (breach->comment != NULL && breach->comment[0] != '\0')
        {
          /* Translators: %s is the comment someone wrote when acknowledging the breach. */
          g_autofree char *comment = g_strdup_printf (_("Comment: %s"), breach->comment);

          append_line (subtitle, comment);
        }

      row = new_row (breach_type_to_string (breach->type), subtitle);

      if (breach->unacknowledged)
        {
          /* Translators: a button: marks the temperature breach as seen and dealt with (verb). */
          GtkWidget *button = gtk_button_new_with_mnemonic (_("_Acknowledge"));

          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "coldchain.acknowledge");
          gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", breach->id);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
        }
      else
        {
          /* Translators: the state of a temperature breach that someone has acknowledged. */
          GtkWidget *label = gtk_label_new (_("Acknowledged"));

          gtk_widget_add_css_class (label, "dim-label");
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
        }

      gtk_list_box_append (self->breaches_list, row);
    }
}

static GMenuModel *
new_status_menu (const char *asset_id)
{
  static const char *statuses[] = {
    OMS_ASSET_STATUS_FUNCTIONING,
    OMS_ASSET_STATUS_NEEDS_ATTENTION,
    OMS_ASSET_STATUS_NOT_FUNCTIONING,
  };
  GMenu *menu = g_menu_new ();

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (asset_status_to_string (statuses[i]), NULL);

      g_menu_item_set_action_and_target_value (item, "coldchain.add-status",
                                               g_variant_new ("(ss)", asset_id, statuses[i]));
      g_menu_append_item (menu, item);
    }

  return G_MENU_MODEL (menu);
}

static void
oms_coldchain_page_fill_equipment (OmsColdchainPage *self,
                                   GPtrArray        *equipment)
{
  clear_list (self->equipment_list);

  if (equipment->len == 0)
    {
      add_placeholder_row (self->equipment_list,
                           _("No cold chain equipment"),
                           _("Equipment registered for this store on the Open mSupply central "
                             "server arrives with the next sync."));
      return;
    }

  for (guint i = 0; i < equipment->len; i++)
    {
      const OmsColdchainEquipment *item = g_ptr_array_index (equipment, i);
      g_autoptr(GString) subtitle = g_string_new (NULL);
      g_autoptr(GMenuModel) menu = NULL;
      const char *title;
      GtkWidget *row;
      GtkWidget *button;

      if (item->asset_number != NULL && item->asset_number[0] != '\0')
        {
          title = item->asset_number;
          if (item->notes != NULL && item->notes[0] != '\0')
            append_line (subtitle, item->notes);
        }
      else if (item->notes != NULL && item->notes[0] != '\0')
        title = item->notes;
      else
        title = item->id;

      if (item->serial_number != NULL && item->serial_number[0] != '\0')
        {
          g_autofree char *serial = g_strdup_printf (_("Serial: %s"), item->serial_number);

          append_line (subtitle, serial);
        }

      if (item->status != NULL)
        {
          g_autofree char *when = format_datetime (item->status_datetime);
          g_autofree char *status = NULL;

          /* Translators: the latest equipment status, e.g.
           * "Status: Functioning (2026-11-26 12:30)".
           */
          status = g_strdup_printf (_("Status: %s (%s)"),
                                    asset_status_to_string (item->status), when ? when : "");
          append_line (subtitle, status);
        }
      else
        {
          append_line (subtitle, _("No status logged"));
        }

      row = new_row (title, subtitle);

      menu = new_status_menu (item->id);
      button = gtk_menu_button_new ();
      /* Translators: a button: records a new status for the equipment (verb). */
      gtk_menu_button_set_label (GTK_MENU_BUTTON (button), _("Add status"));
      /* GTK 4.8 names the inner toggle from the label, not the menu button itself. */
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Add status"),
                                      -1);
      gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), menu);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

      gtk_list_box_append (self->equipment_list, row);
    }
}

/* The chart's sensor follows the combo row; the ids stay in step with its names. */
static void
oms_coldchain_page_show_selected_sensor (OmsColdchainPage *self)
{
  guint selected = adw_combo_row_get_selected (self->sensor_row);

  if (selected >= self->sensor_ids->len)
    {
      oms_temperature_chart_set_sensor (self->chart, NULL, NULL);
      return;
    }

  oms_temperature_chart_set_sensor (self->chart, g_ptr_array_index (self->sensor_ids, selected),
                                    gtk_string_list_get_string (self->sensor_names, selected));
}

static void
oms_coldchain_page_sensor_selected_cb (OmsColdchainPage *self)
{
  self->sensor_chosen = TRUE;
  oms_coldchain_page_show_selected_sensor (self);
}

static gboolean
oms_coldchain_page_same_sensors (OmsColdchainPage *self,
                                 GPtrArray        *sensors)
{
  if (sensors->len != self->sensor_ids->len)
    return FALSE;

  for (guint i = 0; i < sensors->len; i++)
    {
      const OmsColdchainSensor *sensor = g_ptr_array_index (sensors, i);

      if (g_strcmp0 (sensor->id, g_ptr_array_index (self->sensor_ids, i)) != 0 ||
          g_strcmp0 (sensor->name, gtk_string_list_get_string (self->sensor_names, i)) != 0)
        return FALSE;
    }

  return TRUE;
}

/* Until someone picks a sensor, the chart shows the one that reported last (the first by name
 * among equals): a sensor that stopped logging months ago is rarely the one to look at.
 */
static guint
oms_coldchain_page_default_sensor (GPtrArray *sensors)
{
  const char *newest = NULL;
  guint index = 0;

  for (guint i = 0; i < sensors->len; i++)
    {
      const OmsColdchainSensor *sensor = g_ptr_array_index (sensors, i);

      if (sensor->temperature_datetime != NULL &&
          (newest == NULL || strcmp (sensor->temperature_datetime, newest) > 0))
        {
          newest = sensor->temperature_datetime;
          index = i;
        }
    }

  return index;
}

static void
oms_coldchain_page_fill_chart (OmsColdchainPage *self,
                               GPtrArray        *sensors)
{
  g_autofree char *shown = g_strdup (oms_temperature_chart_get_sensor_id (self->chart));
  guint selected = oms_coldchain_page_default_sensor (sensors);

  gtk_widget_set_visible (GTK_WIDGET (self->chart_group), sensors->len > 0);

  if (oms_coldchain_page_same_sensors (self, sensors))
    {
      /* Only the logs changed: read them again for the same sensor. */
      oms_temperature_chart_reload (self->chart);
      return;
    }

  g_signal_handlers_block_by_func (self->sensor_row, oms_coldchain_page_sensor_selected_cb, self);

  g_ptr_array_set_size (self->sensor_ids, 0);
  gtk_string_list_splice (self->sensor_names, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->sensor_names)), NULL);
  for (guint i = 0; i < sensors->len; i++)
    {
      const OmsColdchainSensor *sensor = g_ptr_array_index (sensors, i);

      g_ptr_array_add (self->sensor_ids, g_strdup (sensor->id));
      gtk_string_list_append (self->sensor_names, sensor->name);
      if (self->sensor_chosen && g_strcmp0 (sensor->id, shown) == 0)
        selected = i;
    }
  adw_combo_row_set_selected (self->sensor_row,
                              sensors->len > 0 ? selected : GTK_INVALID_LIST_POSITION);

  g_signal_handlers_unblock_by_func (self->sensor_row, oms_coldchain_page_sensor_selected_cb,
                                     self);

  /* The same sensor as before still needs its logs read again. */
  if (sensors->len > 0 && g_strcmp0 (shown, g_ptr_array_index (self->sensor_ids, selected)) == 0)
    oms_temperature_chart_reload (self->chart);
  oms_coldchain_page_show_selected_sensor (self);
}

static void
oms_coldchain_page_period_change_state_cb (GSimpleAction *action,
                                           GVariant      *state,
                                           gpointer       user_data)
{
  OmsColdchainPage *self = user_data;
  const char *period = g_variant_get_string (state, NULL);

  if (g_strcmp0 (period, PERIOD_DAY) != 0 && g_strcmp0 (period, PERIOD_WEEK) != 0)
    return;

  g_simple_action_set_state (action, state);
  oms_temperature_chart_set_period_hours (self->chart,
                                          g_strcmp0 (period, PERIOD_WEEK) == 0 ? 7 * 24 : 24);
}

static void
oms_coldchain_page_show_error (OmsColdchainPage *self,
                               const GError     *error)
{
  g_debug ("Cannot read the cold chain records: %s", error->message);
  adw_status_page_set_description (self->error_page, error->message);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

static void
oms_coldchain_page_refresh (OmsColdchainPage *self)
{
  g_autoptr(GPtrArray) sensors = NULL;
  g_autoptr(GPtrArray) breaches = NULL;
  g_autoptr(GPtrArray) equipment = NULL;
  g_autoptr(GError) error = NULL;

  g_assert (OMS_IS_COLDCHAIN_PAGE (self));

  if (self->store == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  if (!(sensors = oms_coldchain_list_sensors (self->store, &error)) ||
      !(breaches = oms_coldchain_list_breaches (self->store, &error)) ||
      !(equipment = oms_coldchain_list_equipment (self->store, &error)))
    {
      oms_coldchain_page_show_error (self, error);
      return;
    }

  oms_coldchain_page_fill_sensors (self, sensors);
  oms_coldchain_page_fill_chart (self, sensors);
  oms_coldchain_page_fill_breaches (self, breaches);
  oms_coldchain_page_fill_equipment (self, equipment);

  if (sensors->len == 0 && breaches->len == 0 && equipment->len == 0)
    gtk_stack_set_visible_child_name (self->stack, "empty");
  else
    gtk_stack_set_visible_child_name (self->stack, "content");
}

static void
oms_coldchain_page_toast (OmsColdchainPage *self,
                          const char       *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
oms_coldchain_page_acknowledge_response_cb (OmsColdchainPage *self,
                                            const char       *response,
                                            AdwMessageDialog *dialog)
{
  g_autoptr(GError) error = NULL;
  const char *breach_id;
  GtkEditable *entry;

  g_assert (OMS_IS_COLDCHAIN_PAGE (self));
  g_assert (ADW_IS_MESSAGE_DIALOG (dialog));

  if (g_strcmp0 (response, RESPONSE_ACKNOWLEDGE) != 0 || self->store == NULL)
    return;

  breach_id = g_object_get_data (G_OBJECT (dialog), "breach-id");
  entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));

  if (!oms_coldchain_acknowledge_breach (self->store, breach_id,
                                         gtk_editable_get_text (entry), &error))
    {
      g_debug ("Cannot acknowledge breach %s: %s", breach_id, error->message);
      oms_coldchain_page_toast (self, error->message);
      return;
    }

  oms_coldchain_page_toast (self, _("Breach acknowledged. The next sync sends it to the "
                                    "central server."));
}

static void
oms_coldchain_page_acknowledge_action (GtkWidget  *widget,
                                       const char *action_name,
                                       GVariant   *parameter)
{
  OmsColdchainPage *self = OMS_COLDCHAIN_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  AdwMessageDialog *dialog;
  GtkWidget *entry;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root)
                                                                             : NULL,
                                                       _("Acknowledge Breach?"),
                                                       _("Say what caused the breach or what "
                                                         "was done about it. The comment is "
                                                         "sent to the central server with the "
                                                         "next sync.")));
  entry = gtk_entry_new ();
  /* Translators: the title of the field where staff write why a breach happened (a noun). */
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Comment"));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Comment"),
                                  -1);
  adw_message_dialog_set_extra_child (dialog, entry);

  adw_message_dialog_add_responses (dialog,
                                    RESPONSE_CANCEL, _("_Cancel"),
                                    RESPONSE_ACKNOWLEDGE, _("_Acknowledge"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, RESPONSE_ACKNOWLEDGE,
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, RESPONSE_ACKNOWLEDGE);
  adw_message_dialog_set_close_response (dialog, RESPONSE_CANCEL);

  g_object_set_data_full (G_OBJECT (dialog), "breach-id",
                          g_variant_dup_string (parameter, NULL), g_free);
  g_signal_connect_object (dialog, "response",
                           G_CALLBACK (oms_coldchain_page_acknowledge_response_cb),
                           self,
                           G_CONNECT_SWAPPED);

  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

static void
oms_coldchain_page_add_status_action (GtkWidget  *widget,
                                      const char *action_name,
                                      GVariant   *parameter)
{
  OmsColdchainPage *self = OMS_COLDCHAIN_PAGE (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *log_id = NULL;
  const char *asset_id;
  const char *status;

  if (self->store == NULL)
    return;

  g_variant_get (parameter, "(&s&s)", &asset_id, &status);

  log_id = oms_coldchain_add_asset_status (self->store, asset_id, status, &error);
  if (log_id == NULL)
    {
      g_debug ("Cannot add a status to asset %s: %s", asset_id, error->message);
      oms_coldchain_page_toast (self, error->message);
      return;
    }

  oms_coldchain_page_toast (self, _("Status added. The next sync sends it to the Open mSupply "
                                    "central server."));
}

static void
oms_coldchain_page_dispose (GObject *object)
{
  OmsColdchainPage *self = (OmsColdchainPage *)object;

  g_clear_object (&self->store_watch);

  gtk_widget_dispose_template (GTK_WIDGET (self), OMS_TYPE_COLDCHAIN_PAGE);

  g_clear_object (&self->store);
  g_clear_pointer (&self->sensor_ids, g_ptr_array_unref);

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
   * The store whose sensors, breaches and equipment the page shows and edits.
   */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         OMS_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (OMS_TYPE_TEMPERATURE_CHART);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/omsync/OmSync/ui/oms-coldchain-page.ui");
  gtk_widget_class_bind_template_child (widget_class, OmsColdchainPage, breaches_list);
  gtk_widget_class_bind_template_child (widget_class, OmsColdchainPage, chart);
  gtk_widget_class_bind_template_child (widget_class, OmsColdchainPage, chart_group);
  gtk_widget_class_bind_template_child (widget_class, OmsColdchainPage, chart_summary);
  gtk_widget_class_bind_template_child (widget_class, OmsColdchainPage, equipment_list);
  gtk_widget_class_bind_template_child (widget_class, OmsColdchainPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, OmsColdchainPage, sensor_names);
  gtk_widget_class_bind_template_child (widget_class, OmsColdchainPage, sensor_row);
  gtk_widget_class_bind_template_child (widget_class, OmsColdchainPage, sensors_list);
  gtk_widget_class_bind_template_child (widget_class, OmsColdchainPage, stack);
  gtk_widget_class_bind_template_child (widget_class, OmsColdchainPage, toast_overlay);
  gtk_widget_class_bind_template_callback (widget_class, oms_coldchain_page_sensor_selected_cb);

  gtk_widget_class_install_action (widget_class, "coldchain.acknowledge", "s",
                                   oms_coldchain_page_acknowledge_action);
  gtk_widget_class_install_action (widget_class, "coldchain.add-status", "(ss)",
                                   oms_coldchain_page_add_status_action);
}

static void
oms_coldchain_page_init (OmsColdchainPage *self)
{
  static const GActionEntry chart_actions[] = {
    { .name = "period", .parameter_type = "s", .state = "'" PERIOD_DAY "'",
      .change_state = oms_coldchain_page_period_change_state_cb },
  };
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();

  self->sensor_ids = g_ptr_array_new_with_free_func (g_free);

  gtk_widget_init_template (GTK_WIDGET (self));

  g_object_bind_property (self->chart, "summary", self->chart_summary, "label",
                          G_BINDING_SYNC_CREATE);
  g_action_map_add_action_entries (G_ACTION_MAP (group), chart_actions,
                                   G_N_ELEMENTS (chart_actions), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "chart", G_ACTION_GROUP (group));

  self->store_watch = oms_store_watch_new (GTK_WIDGET (self),
                                          (OmsStoreWatchRefresh) oms_coldchain_page_refresh);

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

  oms_store_watch_set_store (self->store_watch, store);
  oms_temperature_chart_set_store (self->chart, store);
  oms_coldchain_page_refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}
