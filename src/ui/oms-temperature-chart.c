/* oms-temperature-chart.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-temperature-chart"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "oms-locale.h"
#include "oms-temperature-chart.h"
#include "oms-temperature-history.h"

/* One sensor's temperatures over the last hours or days, as staff read a fridge's log: the
 * mean of each slice as a line over a band from its lowest to its highest reading (so a short
 * spike is not averaged away), breaches shaded, the limits dashed, local times below and
 * degrees Celsius beside. The same facts are a sentence, the summary, which is the chart's
 * accessible description and is shown under it by the page.
 *
 * Drawn with GtkSnapshot: colour nodes for areas, a cairo node for lines (GTK 4.8 has no
 * stroke nodes), layouts for text. Colours come from the style, so the dark style works.
 *
 * In a right-to-left language the chart is mirrored as its readers read time: the time axis
 * runs from right (oldest) to left (now), the degrees stand on the right and the legend
 * flows from the right. The text itself is never mirrored.
 */

#define LEGEND_SWATCH 16
#define LEGEND_SPACING 6
#define LEGEND_GAP 18
#define AXIS_GAP 6
/* Pages scroll, and a scrolled page gives its rows their minimum height: it must be enough. */
#define PLOT_MIN_HEIGHT 200
#define PLOT_NATURAL_HEIGHT 240

struct _OmsTemperatureChart
{
  GtkWidget              parent_instance;

  /* Owned references */
  OmsStore              *store;
  GDateTime             *end_time;    /* nullable: now */
  OmsTemperatureHistory *history;     /* nullable: nothing to show */

  /* State */
  char                  *sensor_id;
  char                  *sensor_name;
  char                  *summary;
  char                  *legend;
  char                  *error_message;
  char                  *accessible_label;
  char                  *accessible_description;
  guint                  period_hours;
  guint                  tick_source;   /* while mapped */
};

G_DEFINE_FINAL_TYPE (OmsTemperatureChart, oms_temperature_chart, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_SENSOR_ID,
  PROP_SENSOR_NAME,
  PROP_PERIOD_HOURS,
  PROP_END_TIME,
  PROP_SUMMARY,
  PROP_LEGEND,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  GdkRGBA foreground;
  GdkRGBA accent;
  GdkRGBA error;
  GdkRGBA dim;      /* axis labels */
  GdkRGBA grid;
  GdkRGBA shade;    /* breaches */
} ChartColors;

/* Text */

static char *
format_temperature (double temperature)
{
  /* Translators: a temperature in degrees Celsius; the space is a no-break space, so that a
   * wrapped summary never puts the unit on another line than its number.
   */
  return g_strdup_printf (_("%.1f\u00a0°C"), temperature);
}

static char *
format_axis_temperature (double temperature,
                         int    decimals)
{
  g_autofree char *number = g_strdup_printf ("%.*f", decimals, temperature);

  /* Translators: a temperature on the chart's axis, in degrees Celsius: "%s" is the number. */
  return g_strdup_printf (_("%s\u00a0°C"), number);
}

static GDateTime *
local_from_unix (gint64 seconds)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (seconds);

  return utc != NULL ? g_date_time_to_local (utc) : NULL;
}

static gboolean
same_local_day (GDateTime *a,
                GDateTime *b)
{
  return g_date_time_get_year (a) == g_date_time_get_year (b) &&
         g_date_time_get_day_of_year (a) == g_date_time_get_day_of_year (b);
}

/* A time in the summary: only the time when it is on the period's last day. */
static char *
format_moment (gint64     seconds,
               GDateTime *end_local)
{
  g_autoptr(GDateTime) local = local_from_unix (seconds);
  g_autofree char *time = NULL;
  g_autofree char *date = NULL;

  if (local == NULL)
    return g_strdup ("");

  time = oms_locale_format_time (local);
  if (same_local_day (local, end_local))
    /* Translators: when the latest temperature was logged, today: "at 14:05". */
    return g_strdup_printf (_("at %s"), time);

  date = g_date_time_format (local, "%x");
  /* Translators: when the latest temperature was logged, another day: "on 11/26/26 at 14:05". */
  return g_strdup_printf (_("on %s at %s"), date, time);
}

static char *
format_period (guint hours)
{
  if (hours % 24 == 0 && hours > 24)
    /* Translators: the period the chart shows, e.g. “the last 7 days”. */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "the last %u day", "the last %u days",
                                         hours / 24),
                            hours / 24);

  /* Translators: the period the chart shows, e.g. “the last 24 hours”. */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "the last %u hour", "the last %u hours",
                                       hours),
                          hours);
}

static char *
format_breaches (guint n_breaches)
{
  if (n_breaches == 0)
    return g_strdup (_("no breaches"));

  /* Translators: a number of temperature breaches (times the temperature left the safe range). */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u breach", "%u breaches", n_breaches),
                          n_breaches);
}

static void
get_limits (const OmsTemperatureHistory *history,
            double                      *lower,
            double                      *upper)
{
  *lower = history != NULL && history->has_lower_limit
           ? history->lower_limit : OMS_TEMPERATURE_USUAL_MINIMUM;
  *upper = history != NULL && history->has_upper_limit
           ? history->upper_limit : OMS_TEMPERATURE_USUAL_MAXIMUM;
}

/* Says where the dashed lines come from: the sensor's breach records or the usual range. */
static char *
describe_limits (const OmsTemperatureHistory *history)
{
  gboolean known_lower = history != NULL && history->has_lower_limit;
  gboolean known_upper = history != NULL && history->has_upper_limit;
  g_autofree char *lower = NULL;
  g_autofree char *upper = NULL;
  double lower_value;
  double upper_value;

  get_limits (history, &lower_value, &upper_value);
  lower = format_temperature (lower_value);
  upper = format_temperature (upper_value);

  if (known_lower && known_upper)
    /* Translators: the chart's dashed lines, e.g. "Limits 2.0 °C to 8.0 °C, from this
     * sensor's breaches".
     */
    return g_strdup_printf (_("Limits %s to %s, from this sensor’s breaches"), lower, upper);
  if (known_upper)
    /* Translators: the chart's dashed lines: two temperatures, e.g. “Limits 2.0 °C (the usual
     * cold chain range) to 8.0 °C (from this sensor’s breaches)”. */
    return g_strdup_printf (_("Limits %s (the usual cold chain range) to %s (from this "
                              "sensor’s breaches)"), lower, upper);
  if (known_lower)
    /* Translators: the chart's dashed lines: two temperatures, e.g. “Limits 2.0 °C (from this
     * sensor’s breaches) to 8.0 °C (the usual cold chain range)”. */
    return g_strdup_printf (_("Limits %s (from this sensor’s breaches) to %s (the usual cold "
                              "chain range)"), lower, upper);

  /* Translators: no breach says what this sensor's limits are. */
  return g_strdup_printf (_("Limits %s to %s, the usual cold chain range"), lower, upper);
}

static char *
describe_history (OmsTemperatureChart *self,
                  GDateTime           *end_local)
{
  const OmsTemperatureHistory *history = self->history;
  g_autofree char *period = format_period (self->period_hours);
  g_autofree char *breaches = NULL;
  g_autofree char *latest = NULL;
  g_autofree char *moment = NULL;
  const char *name = self->sensor_name != NULL ? self->sensor_name : "";

  if (self->error_message != NULL)
    return g_strdup (self->error_message);

  if (history == NULL)
    return g_strdup (_("No sensor chosen"));

  breaches = format_breaches (history->breaches->len);
  if (history->has_latest)
    {
      latest = format_temperature (history->latest);
      moment = format_moment (history->latest_time, end_local);
    }

  if (history->n_logs > 0)
    {
      g_autofree char *lowest = format_temperature (history->minimum);
      g_autofree char *highest = format_temperature (history->maximum);

      /* Translators: the chart's summary, e.g. "Vaccine fridge, the last 24 hours: latest
       * 5.5 °C at 11:00, lowest 4.0 °C, highest 5.5 °C, 1 breach."
       */
      return g_strdup_printf (_("%s, %s: latest %s %s, lowest %s, highest %s, %s."),
                              name, period, latest, moment, lowest, highest, breaches);
    }

  if (history->has_latest)
    /* Translators: the chart's summary when the period has no logs, e.g. "Vaccine fridge,
     * the last 24 hours: no temperatures logged, no breaches. The latest was 4.5 °C on
     * 11/26/26 at 11:00."
     */
    return g_strdup_printf (_("%s, %s: no temperatures logged, %s. The latest was %s %s."),
                            name, period, breaches, latest, moment);

  /* Translators: the chart's summary when the sensor has no logs at all. */
  return g_strdup_printf (_("%s, %s: no temperatures logged yet, %s."), name, period, breaches);
}

static void
oms_temperature_chart_update_text (OmsTemperatureChart *self)
{
  g_autoptr(GDateTime) end_local = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *legend = NULL;
  g_autofree char *label = NULL;
  g_autofree char *description = NULL;

  end_local = self->end_time != NULL ? g_date_time_to_local (self->end_time)
                                     : g_date_time_new_now_local ();
  summary = describe_history (self, end_local);
  legend = describe_limits (self->history);

  if (g_strcmp0 (summary, self->summary) != 0)
    {
      g_free (self->summary);
      self->summary = g_steal_pointer (&summary);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUMMARY]);
    }

  if (g_strcmp0 (legend, self->legend) != 0)
    {
      g_free (self->legend);
      self->legend = g_steal_pointer (&legend);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LEGEND]);
    }

  /* Translators: what a screen reader calls the chart, e.g. "Temperature chart, Vaccine fridge". */
  label = g_strdup_printf (_("Temperature chart, %s"),
                           self->sensor_name != NULL ? self->sensor_name : "");
  description = g_strdup_printf ("%s %s.", self->summary, self->legend);

  /* Only on a change: each update goes out on the accessibility bus, and the chart reloads
   * every minute.
   */
  if (g_strcmp0 (label, self->accessible_label) != 0 ||
      g_strcmp0 (description, self->accessible_description) != 0)
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                      -1);
      g_free (self->accessible_label);
      g_free (self->accessible_description);
      self->accessible_label = g_steal_pointer (&label);
      self->accessible_description = g_steal_pointer (&description);
    }
}

/**
 * oms_temperature_chart_reload:
 * @self: an #OmsTemperatureChart
 *
 * Reads the sensor's history for the period again, as the page does when the store changes.
 */
void
oms_temperature_chart_reload (OmsTemperatureChart *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = NULL;
  GDateTime *end;
  gint64 to;

  g_return_if_fail (OMS_IS_TEMPERATURE_CHART (self));

  g_clear_pointer (&self->history, oms_temperature_history_free);
  g_clear_pointer (&self->error_message, g_free);

  if (self->store != NULL && self->sensor_id != NULL)
    {
      if (self->end_time == NULL)
        now = g_date_time_new_now_utc ();
      end = self->end_time != NULL ? self->end_time : now;
      to = g_date_time_to_unix (end);

      self->history = oms_temperature_history_load (self->store, self->sensor_id,
                                                    to - (gint64) self->period_hours * 3600, to,
                                                    &error);
      if (self->history == NULL)
        {
          g_debug ("Cannot read the temperatures of sensor %s: %s", self->sensor_id,
                   error->message);
          self->error_message = g_strdup (error->message);
        }
    }

  oms_temperature_chart_update_text (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/* Drawing */

static GdkRGBA
with_alpha (const GdkRGBA *color,
            float          alpha)
{
  GdkRGBA result = *color;

  result.alpha *= alpha;
  return result;
}

static void
get_colors (GtkWidget   *widget,
            ChartColors *colors)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  GtkStyleContext *context = gtk_widget_get_style_context (widget);

  gtk_style_context_get_color (context, &colors->foreground);
  /* libadwaita names these colours; the fallbacks are its fixed palette's blue and red. */
  if (!gtk_style_context_lookup_color (context, "accent_color", &colors->accent))
    gdk_rgba_parse (&colors->accent, "#3584e4");
  if (!gtk_style_context_lookup_color (context, "error_color", &colors->error))
    gdk_rgba_parse (&colors->error, "#e01b24");
  G_GNUC_END_IGNORE_DEPRECATIONS

  colors->dim = with_alpha (&colors->foreground, 0.7f);
  colors->grid = with_alpha (&colors->foreground, 0.12f);
  colors->shade = with_alpha (&colors->error, 0.18f);
}


static PangoLayout *
create_small_layout (GtkWidget  *widget,
                     const char *text)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_scale_new (PANGO_SCALE_SMALL));
  pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum"));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);

  return layout;
}

static void
append_text (GtkSnapshot   *snapshot,
             PangoLayout   *layout,
             float          x,
             float          y,
             const GdkRGBA *color)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

/* The legend's three entries, flowed into lines as wide as the widget. */
typedef enum {
  LEGEND_LINE,
  LEGEND_LIMITS,
  LEGEND_BREACH,
  N_LEGEND_ITEMS
} LegendItem;

static const char *
legend_text (OmsTemperatureChart *self,
             LegendItem           item)
{
  switch (item)
    {
    case LEGEND_LINE:
      /* Translators: an item of the chart's legend: the line of temperatures. */
      return _("Temperature");
    case LEGEND_LIMITS:
      return self->legend != NULL ? self->legend : "";
    case LEGEND_BREACH:
      /* Translators: an item of the chart's legend: the shaded times when the temperature left
       * the safe range (a noun). */
      return _("Breach");
    case N_LEGEND_ITEMS:
    default:
      g_assert_not_reached ();
    }
}

/* Lays out the legend for @width; fills the swatch's @xs, the text's @text_xs and @ys of each
 * entry when given, from the right in a right-to-left language. Returns its height.
 */
static int
layout_legend (OmsTemperatureChart *self,
               int                  width,
               PangoLayout        **layouts,
               int                 *xs,
               int                 *text_xs,
               int                 *ys)
{
  gboolean rtl = gtk_widget_get_direction (GTK_WIDGET (self)) == GTK_TEXT_DIR_RTL;
  int x = 0;
  int y = 0;
  int line_height = 0;

  for (guint i = 0; i < N_LEGEND_ITEMS; i++)
    {
      g_autoptr(PangoLayout) layout = create_small_layout (GTK_WIDGET (self),
                                                           legend_text (self, i));
      PangoRectangle text;
      int item_width;

      pango_layout_set_width (layout, MAX (width - LEGEND_SWATCH - LEGEND_SPACING, 1) * PANGO_SCALE);
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
      /* Right-to-left text is aligned to the right of the layout's width: text.x says how
       * far in it starts.
       */
      pango_layout_get_pixel_extents (layout, NULL, &text);
      item_width = LEGEND_SWATCH + LEGEND_SPACING + text.width;

      if (x > 0 && x + item_width > width)
        {
          x = 0;
          y += line_height + 4;
          line_height = 0;
        }

      if (xs != NULL)
        {
          xs[i] = rtl ? width - x - LEGEND_SWATCH : x;
          text_xs[i] = (rtl ? width - x - item_width : x + LEGEND_SWATCH + LEGEND_SPACING)
                       - text.x;
          ys[i] = y;
          layouts[i] = g_steal_pointer (&layout);
        }

      x += item_width + LEGEND_GAP;
      line_height = MAX (line_height, MAX (text.height, LEGEND_SWATCH));
    }

  return y + line_height;
}

static void
oms_temperature_chart_measure (GtkWidget      *widget,
                               GtkOrientation  orientation,
                               int             for_size,
                               int            *minimum,
                               int            *natural,
                               int            *minimum_baseline,
                               int            *natural_baseline)
{
  OmsTemperatureChart *self = OMS_TEMPERATURE_CHART (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 200;
      *natural = 600;
      return;
    }

  {
    int legend = layout_legend (self, for_size > 0 ? for_size : 600, NULL, NULL, NULL, NULL);

    *minimum = legend + AXIS_GAP * 2 + PLOT_MIN_HEIGHT;
    *natural = legend + AXIS_GAP * 2 + PLOT_NATURAL_HEIGHT;
  }
}

static double
nice_step (double range,
           int    max_ticks)
{
  static const double steps[] = { 0.5, 1, 2, 5, 10, 20, 50, 100 };

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (range / steps[i] <= max_ticks)
      return steps[i];

  return ceil (range / max_ticks / 100.0) * 100.0;
}

typedef struct
{
  graphene_rect_t plot;
  gint64          from;
  gint64          to;
  gboolean        days;       /* a time axis of days rather than hours */
  double          low;
  double          high;
  double          step;
  int             decimals;
  gboolean        rtl;        /* time runs from right to left */
  float           axis_width; /* of the temperature labels */
  int             label_width;
  int             label_height;
  int             legend_height;
} Scale;

static float
scale_x (const Scale *scale,
         gint64       seconds)
{
  double fraction = (double) (seconds - scale->from) / (double) (scale->to - scale->from);

  fraction = CLAMP (fraction, 0.0, 1.0);
  if (scale->rtl)
    fraction = 1.0 - fraction;

  return scale->plot.origin.x + (float) (fraction * scale->plot.size.width);
}

/* The left edge and the width of the time from @start to @end, in either direction. */
static void
scale_span (const Scale *scale,
            gint64       start,
            gint64       end,
            float       *left,
            float       *width)
{
  float x1 = scale_x (scale, start);
  float x2 = scale_x (scale, end);

  *left = MIN (x1, x2);
  *width = fabsf (x2 - x1);
}

static float
scale_y (const Scale *scale,
         double       temperature)
{
  double fraction = (temperature - scale->low) / (scale->high - scale->low);

  return scale->plot.origin.y + scale->plot.size.height
         - (float) (CLAMP (fraction, 0.0, 1.0) * scale->plot.size.height);
}

/* The local moments to mark on the time axis: whole hours for a day, midnights for a week. */
static GPtrArray *
time_ticks (gint64 from,
            gint64 to,
            float  width,
            float  label_width)
{
  static const int hour_steps[] = { 1, 2, 3, 6, 12, 24, 48, 168 };
  GPtrArray *ticks = g_ptr_array_new_with_free_func ((GDestroyNotify) g_date_time_unref);
  g_autoptr(GDateTime) start = local_from_unix (from);
  g_autoptr(GDateTime) tick = NULL;
  double hours = (double) (to - from) / 3600.0;
  int step = hour_steps[G_N_ELEMENTS (hour_steps) - 1];

  if (start == NULL)
    return ticks;

  for (guint i = 0; i < G_N_ELEMENTS (hour_steps); i++)
    if (hours / hour_steps[i] * label_width * 1.5 <= width)
      {
        step = hour_steps[i];
        break;
      }

  /* The first whole multiple of the step after the start, counted from local midnight. */
  tick = g_date_time_new_local (g_date_time_get_year (start), g_date_time_get_month (start),
                                g_date_time_get_day_of_month (start), 0, 0, 0);
  while (tick != NULL && g_date_time_to_unix (tick) < from)
    {
      GDateTime *next = g_date_time_add_hours (tick, MIN (step, 24));

      g_date_time_unref (tick);
      tick = next;
    }

  while (tick != NULL && g_date_time_to_unix (tick) <= to && ticks->len < 64)
    {
      GDateTime *next = g_date_time_add_hours (tick, step);

      g_ptr_array_add (ticks, g_steal_pointer (&tick));
      tick = next;
    }

  return ticks;
}

static char *
format_tick (GDateTime *tick,
             gboolean   days)
{
  if (days)
    /* Translators: a day on the week chart's time axis, a g_date_time_format() format: the
     * abbreviated weekday and the day of the month, e.g. "Mon 7".
     */
    return g_date_time_format (tick, _("%a %-d"));

  return oms_locale_format_time (tick);
}

static void
draw_dashed_line (cairo_t       *cr,
                  float          x1,
                  float          x2,
                  float          y,
                  const GdkRGBA *color)
{
  static const double dashes[] = { 6.0, 4.0 };

  cairo_save (cr);
  gdk_cairo_set_source_rgba (cr, color);
  cairo_set_line_width (cr, 1.5);
  cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
  cairo_move_to (cr, x1, y);
  cairo_line_to (cr, x2, y);
  cairo_stroke (cr);
  cairo_restore (cr);
}

/* The line breaks where logs are missing for longer than a few of the sensor's usual gaps. */
static gint64
longest_joined_gap (const OmsTemperatureHistory *history)
{
  g_autoptr(GArray) gaps = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 typical;

  for (guint i = 1; i < history->buckets->len; i++)
    {
      gint64 gap = g_array_index (history->buckets, OmsTemperatureBucket, i).start
                   - g_array_index (history->buckets, OmsTemperatureBucket, i - 1).start;

      g_array_append_val (gaps, gap);
    }

  if (gaps->len == 0)
    return history->bucket_seconds * 3;

  /* The median gap, by a partial sort that is cheap for a few hundred slices. */
  for (guint i = 0; i <= gaps->len / 2; i++)
    for (guint j = i + 1; j < gaps->len; j++)
      if (g_array_index (gaps, gint64, j) < g_array_index (gaps, gint64, i))
        {
          gint64 swap = g_array_index (gaps, gint64, i);

          g_array_index (gaps, gint64, i) = g_array_index (gaps, gint64, j);
          g_array_index (gaps, gint64, j) = swap;
        }
  typical = g_array_index (gaps, gint64, gaps->len / 2);

  return MAX (typical, history->bucket_seconds) * 3;
}

/* Each slice's lowest to highest reading, under the line. */
static void
draw_bands (const OmsTemperatureHistory *history,
            const Scale                 *scale,
            GtkSnapshot                 *snapshot,
            const ChartColors           *colors)
{
  GdkRGBA band = with_alpha (&colors->accent, 0.3f);

  for (guint i = 0; i < history->buckets->len; i++)
    {
      const OmsTemperatureBucket *bucket = &g_array_index (history->buckets,
                                                           OmsTemperatureBucket, i);
      float top = scale_y (scale, bucket->maximum);
      float bottom = scale_y (scale, bucket->minimum);
      float x;
      float width;

      scale_span (scale, bucket->start, bucket->start + history->bucket_seconds, &x, &width);
      if (bucket->maximum > bucket->minimum)
        gtk_snapshot_append_color (snapshot, &band,
                                   &GRAPHENE_RECT_INIT (x, top, MAX (width, 1.0f),
                                                        bottom - top));
    }
}

/* The slices' means, joined where no long gap separates them. */
static void
draw_line (const OmsTemperatureHistory *history,
           const Scale                 *scale,
           cairo_t                     *cr,
           const ChartColors           *colors)
{
  gint64 max_gap = longest_joined_gap (history);
  gboolean drawing = FALSE;

  cairo_save (cr);
  gdk_cairo_set_source_rgba (cr, &colors->accent);
  cairo_set_line_width (cr, 2.0);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);

  for (guint i = 0; i < history->buckets->len; i++)
    {
      const OmsTemperatureBucket *bucket = &g_array_index (history->buckets,
                                                           OmsTemperatureBucket, i);
      const OmsTemperatureBucket *next = i + 1 < history->buckets->len
        ? &g_array_index (history->buckets, OmsTemperatureBucket, i + 1) : NULL;
      const OmsTemperatureBucket *previous = i > 0
        ? &g_array_index (history->buckets, OmsTemperatureBucket, i - 1) : NULL;
      gboolean joined_before = previous != NULL && bucket->start - previous->start <= max_gap;
      gboolean joined_after = next != NULL && next->start - bucket->start <= max_gap;
      /* The middle of the slice; one that starts at the very end of the period is drawn at
       * the end (scale_x() clamps).
       */
      float x = scale_x (scale, bucket->start + history->bucket_seconds / 2);
      float y = scale_y (scale, bucket->mean);

      if (!joined_before && !joined_after)
        {
          /* A reading with no neighbour is a dot, or it would not show at all. */
          if (drawing)
            cairo_stroke (cr);
          drawing = FALSE;
          cairo_new_sub_path (cr);
          cairo_arc (cr, x, y, 3.0, 0, 2 * G_PI);
          cairo_fill (cr);
          continue;
        }

      if (drawing && joined_before)
        cairo_line_to (cr, x, y);
      else
        {
          if (drawing)
            cairo_stroke (cr);
          cairo_move_to (cr, x, y);
          drawing = TRUE;
        }
    }

  if (drawing)
    cairo_stroke (cr);
  cairo_restore (cr);
}

static void
draw_legend (OmsTemperatureChart *self,
             GtkSnapshot         *snapshot,
             const ChartColors   *colors,
             int                 *legend_height)
{
  PangoLayout *layouts[N_LEGEND_ITEMS] = { NULL, };
  int xs[N_LEGEND_ITEMS];
  int text_xs[N_LEGEND_ITEMS];
  int ys[N_LEGEND_ITEMS];

  *legend_height = layout_legend (self, gtk_widget_get_width (GTK_WIDGET (self)),
                                  layouts, xs, text_xs, ys);

  /* A line, a dashed line and a shaded box, each with its text. */
  for (guint i = 0; i < N_LEGEND_ITEMS; i++)
    {
      float x = xs[i];
      float y = ys[i];
      float middle = y + LEGEND_SWATCH / 2.0f;
      cairo_t *cr;

      append_text (snapshot, layouts[i], text_xs[i], y, &colors->foreground);
      g_clear_object (&layouts[i]);

      if (i == LEGEND_BREACH)
        {
          gtk_snapshot_append_color (snapshot, &colors->shade,
                                     &GRAPHENE_RECT_INIT (x, y + 2, LEGEND_SWATCH,
                                                          LEGEND_SWATCH - 4));
          continue;
        }

      cr = gtk_snapshot_append_cairo (snapshot,
                                      &GRAPHENE_RECT_INIT (x, y, LEGEND_SWATCH, LEGEND_SWATCH));
      if (i == LEGEND_LIMITS)
        draw_dashed_line (cr, x, x + LEGEND_SWATCH, middle, &colors->error);
      else
        {
          gdk_cairo_set_source_rgba (cr, &colors->accent);
          cairo_set_line_width (cr, 2.0);
          cairo_move_to (cr, x, middle);
          cairo_line_to (cr, x + LEGEND_SWATCH, middle);
          cairo_stroke (cr);
        }
      cairo_destroy (cr);
    }
}

/* The temperature scale covers the readings and both limits, in round steps; the time scale
 * is the period.
 */
static void
compute_scale (OmsTemperatureChart *self,
               Scale               *scale)
{
  const OmsTemperatureHistory *history = self->history;
  double lower_limit;
  double upper_limit;

  get_limits (history, &lower_limit, &upper_limit);
  scale->low = lower_limit;
  scale->high = upper_limit;
  if (history != NULL && history->n_logs > 0)
    {
      scale->low = MIN (scale->low, history->minimum);
      scale->high = MAX (scale->high, history->maximum);
    }
  scale->step = nice_step (scale->high - scale->low + 2.0, 6);
  scale->low = floor ((scale->low - 1.0) / scale->step) * scale->step;
  scale->high = ceil ((scale->high + 1.0) / scale->step) * scale->step;
  scale->decimals = scale->step < 1.0 ? 1 : 0;

  if (history != NULL)
    {
      scale->from = history->from;
      scale->to = history->to;
    }
  else
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

      scale->to = g_date_time_to_unix (self->end_time != NULL ? self->end_time : now);
      scale->from = scale->to - (gint64) self->period_hours * 3600;
    }
  scale->days = scale->to - scale->from > 48 * 3600;
}

/* Horizontal grid lines with the temperatures beside them: on the left, right-aligned to the
 * axis' width; on the right, next to the plot, in a right-to-left language.
 */
static void
draw_temperature_axis (GtkWidget         *widget,
                       GtkSnapshot       *snapshot,
                       const Scale       *scale,
                       const ChartColors *colors)
{
  for (double t = scale->low; t <= scale->high + scale->step / 2; t += scale->step)
    {
      g_autofree char *text = format_axis_temperature (t, scale->decimals);
      g_autoptr(PangoLayout) layout = create_small_layout (widget, text);
      float y = scale_y (scale, t);
      int w;
      int h;

      pango_layout_get_pixel_size (layout, &w, &h);
      append_text (snapshot, layout,
                   scale->rtl ? scale->plot.origin.x + scale->plot.size.width + AXIS_GAP
                              : scale->axis_width - w,
                   y - h / 2.0f, &colors->dim);
      gtk_snapshot_append_color (snapshot, &colors->grid,
                                 &GRAPHENE_RECT_INIT (scale->plot.origin.x, y,
                                                      scale->plot.size.width, 1));
    }
}

static float
temperature_axis_width (GtkWidget   *widget,
                        const Scale *scale)
{
  float axis_width = 0;

  for (double t = scale->low; t <= scale->high + scale->step / 2; t += scale->step)
    {
      g_autofree char *text = format_axis_temperature (t, scale->decimals);
      g_autoptr(PangoLayout) layout = create_small_layout (widget, text);
      int w;

      pango_layout_get_pixel_size (layout, &w, NULL);
      axis_width = MAX (axis_width, w);
    }

  return axis_width;
}

/* Vertical grid lines with local times, or days, below. */
static void
draw_time_axis (GtkWidget         *widget,
                GtkSnapshot       *snapshot,
                const Scale       *scale,
                int                label_width,
                const ChartColors *colors)
{
  g_autoptr(GPtrArray) ticks = time_ticks (scale->from, scale->to, scale->plot.size.width,
                                           label_width);

  for (guint i = 0; i < ticks->len; i++)
    {
      GDateTime *tick = g_ptr_array_index (ticks, i);
      g_autofree char *text = format_tick (tick, scale->days);
      g_autoptr(PangoLayout) layout = create_small_layout (widget, text);
      float x = scale_x (scale, g_date_time_to_unix (tick));
      int w;

      pango_layout_get_pixel_size (layout, &w, NULL);
      gtk_snapshot_append_color (snapshot, &colors->grid,
                                 &GRAPHENE_RECT_INIT (x, scale->plot.origin.y, 1,
                                                      scale->plot.size.height));
      append_text (snapshot, layout, x - w / 2.0f,
                   scale->plot.origin.y + scale->plot.size.height + AXIS_GAP, &colors->dim);
    }
}

static void
draw_breaches (const OmsTemperatureHistory *history,
               GtkSnapshot                 *snapshot,
               const Scale                 *scale,
               const ChartColors           *colors)
{
  for (guint i = 0; i < history->breaches->len; i++)
    {
      const OmsTemperatureBreachSpan *span = &g_array_index (history->breaches,
                                                             OmsTemperatureBreachSpan, i);
      float x;
      float width;

      scale_span (scale, span->start, span->end, &x, &width);
      gtk_snapshot_append_color (snapshot, &colors->shade,
                                 &GRAPHENE_RECT_INIT (x, scale->plot.origin.y,
                                                      MAX (width, 2.0f),
                                                      scale->plot.size.height));
    }
}

static void
draw_empty_state (OmsTemperatureChart *self,
                  GtkSnapshot         *snapshot,
                  const Scale         *scale,
                  const ChartColors   *colors)
{
  g_autofree char *period = format_period (self->period_hours);
  g_autofree char *text = NULL;
  g_autoptr(PangoLayout) layout = NULL;
  int w;
  int h;

  /* Translators: the chart's empty state, e.g. "No temperatures in the last 24 hours". */
  text = g_strdup_printf (_("No temperatures in %s"), period);
  layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  pango_layout_get_pixel_size (layout, &w, &h);
  append_text (snapshot, layout,
               scale->plot.origin.x + (scale->plot.size.width - w) / 2.0f,
               scale->plot.origin.y + (scale->plot.size.height - h) / 2.0f, &colors->dim);
}

/* The scale and the plot's rectangle for the widget's size and direction, below a legend
 * @legend_height high. FALSE when the plot would be too small to draw.
 */
static gboolean
compute_plot (OmsTemperatureChart *self,
              int                  legend_height,
              Scale               *scale)
{
  GtkWidget *widget = GTK_WIDGET (self);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(PangoLayout) probe = NULL;
  float plot_width;

  compute_scale (self, scale);
  scale->rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  scale->legend_height = legend_height;
  scale->axis_width = temperature_axis_width (widget, scale);
  /* The widest time label, to space the ticks. */
  probe = create_small_layout (widget, scale->days ? "Wed 30" : "12:00 PM");
  pango_layout_get_pixel_size (probe, &scale->label_width, &scale->label_height);

  /* The degrees on the side the text starts from; half a time label's room on the other. */
  plot_width = width - scale->axis_width - AXIS_GAP - scale->label_width / 2.0f;
  scale->plot = GRAPHENE_RECT_INIT (scale->rtl ? scale->label_width / 2.0f
                                               : scale->axis_width + AXIS_GAP,
                                    legend_height + AXIS_GAP * 2 + scale->label_height / 2.0f,
                                    plot_width,
                                    height - legend_height - AXIS_GAP * 3
                                    - scale->label_height * 1.5f);

  return scale->plot.size.width >= 10 && scale->plot.size.height >= 10;
}

static void
oms_temperature_chart_snapshot (GtkWidget   *widget,
                                GtkSnapshot *snapshot)
{
  OmsTemperatureChart *self = OMS_TEMPERATURE_CHART (widget);
  const OmsTemperatureHistory *history = self->history;
  gboolean has_logs = history != NULL && history->n_logs > 0;
  ChartColors colors;
  Scale scale;
  double lower_limit;
  double upper_limit;
  int legend_height;
  cairo_t *cr;

  if (gtk_widget_get_width (widget) <= 0 || gtk_widget_get_height (widget) <= 0)
    return;

  get_colors (widget, &colors);
  draw_legend (self, snapshot, &colors, &legend_height);

  if (!compute_plot (self, legend_height, &scale))
    return;

  draw_temperature_axis (widget, snapshot, &scale, &colors);
  draw_time_axis (widget, snapshot, &scale, scale.label_width, &colors);

  /* Breaches under everything else, then the slices' bands, then lines on top. */
  if (history != NULL)
    draw_breaches (history, snapshot, &scale, &colors);
  if (has_logs)
    draw_bands (history, &scale, snapshot, &colors);

  /* A little wider than the plot, so that a dot at its edge is drawn whole. */
  cr = gtk_snapshot_append_cairo (snapshot,
                                  &GRAPHENE_RECT_INIT (scale.plot.origin.x - 4,
                                                       scale.plot.origin.y - 4,
                                                       scale.plot.size.width + 8,
                                                       scale.plot.size.height + 8));
  get_limits (history, &lower_limit, &upper_limit);
  draw_dashed_line (cr, scale.plot.origin.x, scale.plot.origin.x + scale.plot.size.width,
                    scale_y (&scale, lower_limit), &colors.error);
  draw_dashed_line (cr, scale.plot.origin.x, scale.plot.origin.x + scale.plot.size.width,
                    scale_y (&scale, upper_limit), &colors.error);
  if (has_logs)
    draw_line (history, &scale, cr, &colors);
  cairo_destroy (cr);

  if (!has_logs)
    draw_empty_state (self, snapshot, &scale, &colors);
}

/* GtkWidget */

/* While shown, a period that ends now moves on each minute: a fridge that stops reporting is
 * seen to, even when no new log changes the store.
 */
static gboolean
oms_temperature_chart_tick_cb (gpointer user_data)
{
  OmsTemperatureChart *self = user_data;

  if (self->end_time == NULL)
    oms_temperature_chart_reload (self);

  return G_SOURCE_CONTINUE;
}

static void
oms_temperature_chart_map (GtkWidget *widget)
{
  OmsTemperatureChart *self = OMS_TEMPERATURE_CHART (widget);

  GTK_WIDGET_CLASS (oms_temperature_chart_parent_class)->map (widget);

  if (self->end_time == NULL)
    oms_temperature_chart_reload (self);
  if (self->tick_source == 0)
    self->tick_source = g_timeout_add_seconds (60, oms_temperature_chart_tick_cb, self);
}

static void
oms_temperature_chart_unmap (GtkWidget *widget)
{
  OmsTemperatureChart *self = OMS_TEMPERATURE_CHART (widget);

  g_clear_handle_id (&self->tick_source, g_source_remove);

  GTK_WIDGET_CLASS (oms_temperature_chart_parent_class)->unmap (widget);
}

/* GObject */

static void
oms_temperature_chart_dispose (GObject *object)
{
  OmsTemperatureChart *self = (OmsTemperatureChart *) object;

  g_clear_handle_id (&self->tick_source, g_source_remove);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (oms_temperature_chart_parent_class)->dispose (object);
}

static void
oms_temperature_chart_finalize (GObject *object)
{
  OmsTemperatureChart *self = (OmsTemperatureChart *) object;

  g_clear_pointer (&self->end_time, g_date_time_unref);
  g_clear_pointer (&self->history, oms_temperature_history_free);
  g_clear_pointer (&self->sensor_id, g_free);
  g_clear_pointer (&self->sensor_name, g_free);
  g_clear_pointer (&self->summary, g_free);
  g_clear_pointer (&self->legend, g_free);
  g_clear_pointer (&self->error_message, g_free);
  g_clear_pointer (&self->accessible_label, g_free);
  g_clear_pointer (&self->accessible_description, g_free);

  G_OBJECT_CLASS (oms_temperature_chart_parent_class)->finalize (object);
}

static void
oms_temperature_chart_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  OmsTemperatureChart *self = OMS_TEMPERATURE_CHART (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_SENSOR_ID:
      g_value_set_string (value, self->sensor_id);
      break;

    case PROP_SENSOR_NAME:
      g_value_set_string (value, self->sensor_name);
      break;

    case PROP_PERIOD_HOURS:
      g_value_set_uint (value, self->period_hours);
      break;

    case PROP_END_TIME:
      g_value_set_boxed (value, self->end_time);
      break;

    case PROP_SUMMARY:
      g_value_set_string (value, self->summary);
      break;

    case PROP_LEGEND:
      g_value_set_string (value, self->legend);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_temperature_chart_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  OmsTemperatureChart *self = OMS_TEMPERATURE_CHART (object);

  switch (prop_id)
    {
    case PROP_STORE:
      oms_temperature_chart_set_store (self, g_value_get_object (value));
      break;

    case PROP_SENSOR_ID:
      oms_temperature_chart_set_sensor (self, g_value_get_string (value), self->sensor_name);
      break;

    case PROP_SENSOR_NAME:
      oms_temperature_chart_set_sensor (self, self->sensor_id, g_value_get_string (value));
      break;

    case PROP_PERIOD_HOURS:
      oms_temperature_chart_set_period_hours (self, g_value_get_uint (value));
      break;

    case PROP_END_TIME:
      oms_temperature_chart_set_end_time (self, g_value_get_boxed (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oms_temperature_chart_class_init (OmsTemperatureChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = oms_temperature_chart_dispose;
  object_class->finalize = oms_temperature_chart_finalize;
  object_class->get_property = oms_temperature_chart_get_property;
  object_class->set_property = oms_temperature_chart_set_property;

  widget_class->map = oms_temperature_chart_map;
  widget_class->unmap = oms_temperature_chart_unmap;
  widget_class->measure = oms_temperature_chart_measure;
  widget_class->snapshot = oms_temperature_chart_snapshot;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         OMS_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SENSOR_ID] =
    g_param_spec_string ("sensor-id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SENSOR_NAME] =
    g_param_spec_string ("sensor-name", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * OmsTemperatureChart:period-hours:
   *
   * How far back the chart goes from its end time: 24 for a day, 168 for a week.
   */
  properties[PROP_PERIOD_HOURS] =
    g_param_spec_uint ("period-hours", NULL, NULL,
                       1, 31 * 24, 24,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * OmsTemperatureChart:end-time:
   *
   * The end of the period shown, or %NULL for the time of each reload.
   */
  properties[PROP_END_TIME] =
    g_param_spec_boxed ("end-time", NULL, NULL,
                        G_TYPE_DATE_TIME,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * OmsTemperatureChart:summary:
   *
   * The chart in a sentence: the latest, lowest and highest temperature and the number of
   * breaches in the period.
   */
  properties[PROP_SUMMARY] =
    g_param_spec_string ("summary", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * OmsTemperatureChart:legend:
   *
   * What the dashed limit lines are, and where they come from.
   */
  properties[PROP_LEGEND] =
    g_param_spec_string ("legend", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "temperature-chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
oms_temperature_chart_init (OmsTemperatureChart *self)
{
  self->period_hours = 24;
  oms_temperature_chart_update_text (self);
}

GtkWidget *
oms_temperature_chart_new (void)
{
  return g_object_new (OMS_TYPE_TEMPERATURE_CHART, NULL);
}

/**
 * oms_temperature_chart_get_store:
 * @self: an #OmsTemperatureChart
 *
 * Returns: (transfer none) (nullable): the store the chart reads
 */
OmsStore *
oms_temperature_chart_get_store (OmsTemperatureChart *self)
{
  g_return_val_if_fail (OMS_IS_TEMPERATURE_CHART (self), NULL);

  return self->store;
}

void
oms_temperature_chart_set_store (OmsTemperatureChart *self,
                                 OmsStore            *store)
{
  g_return_if_fail (OMS_IS_TEMPERATURE_CHART (self));
  g_return_if_fail (store == NULL || OMS_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  oms_temperature_chart_reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

/**
 * oms_temperature_chart_get_sensor_id:
 * @self: an #OmsTemperatureChart
 *
 * Returns: (nullable): the sensor shown
 */
const char *
oms_temperature_chart_get_sensor_id (OmsTemperatureChart *self)
{
  g_return_val_if_fail (OMS_IS_TEMPERATURE_CHART (self), NULL);

  return self->sensor_id;
}

/**
 * oms_temperature_chart_set_sensor:
 * @self: an #OmsTemperatureChart
 * @sensor_id: (nullable): the sensor to show
 * @sensor_name: (nullable): its name, for the summary
 *
 * Shows another sensor, reading the store once.
 */
void
oms_temperature_chart_set_sensor (OmsTemperatureChart *self,
                                  const char          *sensor_id,
                                  const char          *sensor_name)
{
  gboolean id_changed;
  gboolean name_changed;

  g_return_if_fail (OMS_IS_TEMPERATURE_CHART (self));

  id_changed = g_strcmp0 (sensor_id, self->sensor_id) != 0;
  name_changed = g_strcmp0 (sensor_name, self->sensor_name) != 0;
  if (!id_changed && !name_changed)
    return;

  if (id_changed)
    {
      g_free (self->sensor_id);
      self->sensor_id = g_strdup (sensor_id);
    }
  if (name_changed)
    {
      g_free (self->sensor_name);
      self->sensor_name = g_strdup (sensor_name);
    }

  oms_temperature_chart_reload (self);

  if (id_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SENSOR_ID]);
  if (name_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SENSOR_NAME]);
}

guint
oms_temperature_chart_get_period_hours (OmsTemperatureChart *self)
{
  g_return_val_if_fail (OMS_IS_TEMPERATURE_CHART (self), 0);

  return self->period_hours;
}

void
oms_temperature_chart_set_period_hours (OmsTemperatureChart *self,
                                        guint                hours)
{
  g_return_if_fail (OMS_IS_TEMPERATURE_CHART (self));
  g_return_if_fail (hours >= 1 && hours <= 31 * 24);

  if (self->period_hours == hours)
    return;

  self->period_hours = hours;
  oms_temperature_chart_reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PERIOD_HOURS]);
}

/**
 * oms_temperature_chart_get_end_time:
 * @self: an #OmsTemperatureChart
 *
 * Returns: (transfer none) (nullable): the fixed end of the period, or %NULL for now
 */
GDateTime *
oms_temperature_chart_get_end_time (OmsTemperatureChart *self)
{
  g_return_val_if_fail (OMS_IS_TEMPERATURE_CHART (self), NULL);

  return self->end_time;
}

void
oms_temperature_chart_set_end_time (OmsTemperatureChart *self,
                                    GDateTime           *end_time)
{
  g_return_if_fail (OMS_IS_TEMPERATURE_CHART (self));

  if (self->end_time == end_time ||
      (self->end_time != NULL && end_time != NULL && g_date_time_equal (self->end_time, end_time)))
    return;

  g_clear_pointer (&self->end_time, g_date_time_unref);
  if (end_time != NULL)
    self->end_time = g_date_time_ref (end_time);

  oms_temperature_chart_reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_END_TIME]);
}

/**
 * oms_temperature_chart_get_summary:
 * @self: an #OmsTemperatureChart
 *
 * Returns: the chart in a sentence, as a screen reader reads it
 */
const char *
oms_temperature_chart_get_summary (OmsTemperatureChart *self)
{
  g_return_val_if_fail (OMS_IS_TEMPERATURE_CHART (self), NULL);

  return self->summary;
}

/**
 * oms_temperature_chart_get_legend:
 * @self: an #OmsTemperatureChart
 *
 * Returns: what the dashed limit lines are and where they come from
 */
const char *
oms_temperature_chart_get_legend (OmsTemperatureChart *self)
{
  g_return_val_if_fail (OMS_IS_TEMPERATURE_CHART (self), NULL);

  return self->legend;
}

/**
 * oms_temperature_chart_get_time_x:
 * @self: a chart
 * @unix_seconds: a moment in the chart's period
 *
 * Where the chart draws @unix_seconds on its time axis, at its current size and direction:
 * in a right-to-left language the axis runs from right to left. For tests.
 *
 * Returns: the x coordinate, in the widget's coordinates; -1 when no plot is drawn
 */
float
oms_temperature_chart_get_time_x (OmsTemperatureChart *self,
                                  gint64               unix_seconds)
{
  Scale scale;
  int legend_height;

  g_return_val_if_fail (OMS_IS_TEMPERATURE_CHART (self), -1);

  legend_height = layout_legend (self, gtk_widget_get_width (GTK_WIDGET (self)),
                                 NULL, NULL, NULL, NULL);
  if (!compute_plot (self, legend_height, &scale))
    return -1;

  return scale_x (&scale, unix_seconds);
}
