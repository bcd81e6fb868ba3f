/* oms-coldchain-request.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-coldchain-request"

#include "config.h"

#include <math.h>
#include <string.h>

#include "oms-coldchain-request.h"
#include "oms-json-gate.h"

/* What a phone's request body must be before anything in it is used: as Open mSupply's
 * handlers read it (actix's Json extractor over serde, so its error texts), and no laxer.
 *
 * json-glib 1.6 alone is not enough for bytes from the network. Besides recursing without
 * limit (the gate stops that), it reads 1e400 as inf, which its generator then writes as
 * `inf.0`; it wraps integers past 64 bits (99999999999999999999 becomes -1); it cuts strings
 * at an escaped NUL; it keeps a lone surrogate escape as bytes that are not UTF-8; and it takes
 * hex numbers, single-quoted strings, comments, raw control characters and text after the
 * value. So every body is first checked against RFC 8259 by a byte scan that names the record
 * and field of anything wrong, and only a body that passes reaches json-glib.
 *
 * The texts are wire format that the phone and its logs see, so they are not translated.
 */

G_DEFINE_QUARK (oms-coldchain-request-error-quark, oms_coldchain_request_error)

typedef enum
{
  FIELD_STRING,
  FIELD_I32,
  FIELD_I64,
  FIELD_TEMPERATURE,   /* f64, in °C: not below absolute zero */
  FIELD_BREACH_TYPE,
} FieldType;

typedef struct
{
  const char *name;
  FieldType   type;
  gboolean    optional;
} FieldSpec;

static const FieldSpec sensor_spec[] = {
  { "id", FIELD_STRING, FALSE },
  { "macAddress", FIELD_STRING, FALSE },
  { "logInterval", FIELD_I32, FALSE },
  { "programmedDate", FIELD_I32, FALSE },
  { "name", FIELD_STRING, FALSE },
  { "logDelay", FIELD_I32, TRUE },
  { "batteryLevel", FIELD_I32, FALSE },
};

static const FieldSpec log_spec[] = {
  { "id", FIELD_STRING, FALSE },
  { "temperature", FIELD_TEMPERATURE, FALSE },
  { "timestamp", FIELD_I64, FALSE },
  { "sensorId", FIELD_STRING, FALSE },
  { "temperatureBreachId", FIELD_STRING, TRUE },
};

static const FieldSpec breach_spec[] = {
  { "id", FIELD_STRING, FALSE },
  { "endTimestamp", FIELD_I64, TRUE },
  { "sensorId", FIELD_STRING, FALSE },
  { "startTimestamp", FIELD_I64, FALSE },
  { "thresholdDuration", FIELD_I32, FALSE },
  { "thresholdMaximumTemperature", FIELD_TEMPERATURE, FALSE },
  { "thresholdMinimumTemperature", FIELD_TEMPERATURE, FALSE },
  { "type", FIELD_BREACH_TYPE, FALSE },
  { "comment", FIELD_STRING, TRUE },
};

static const FieldSpec login_spec[] = {
  { "username", FIELD_STRING, FALSE },
  { "password", FIELD_STRING, FALSE },
};

static const char *const breach_types[] = {
  "COLD_CONSECUTIVE", "COLD_CUMULATIVE", "HOT_CONSECUTIVE", "HOT_CUMULATIVE", "EXCURSION", NULL,
};

/*
 * The strict scan
 */

/* Where the scan is and, to name what is wrong, which record and field it is in. */
typedef struct
{
  const char      *data;
  const char      *p;
  const char      *end;
  guint            depth;

  guint            record_depth;   /* the depth of the array of records; 0 when none */
  guint            field_depth;    /* the depth of the objects whose members are fields */
  gint64           record;         /* the record being read, or -1 */
  GString         *field;          /* the field being read; empty when none */
  const FieldSpec *spec;           /* known fields, which may appear once per object */
  guint            n_spec;
  guint32          seen;           /* the known fields met in the current object */

  GError         **error;
} Scanner;

static gboolean G_GNUC_PRINTF (3, 4)
scan_fail (Scanner    *s,
           const char *at,
           const char *format,
           ...)
{
  g_autofree char *what = NULL;
  g_autoptr(GString) text = g_string_new ("Json deserialize error: ");
  const char *line_start = s->data;
  guint line = 1;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  for (const char *c = s->data; c < at; c++)
    {
      if (*c == '\n')
        {
          line++;
          line_start = c + 1;
        }
    }

  if (s->record >= 0)
    g_string_append_printf (text, "record %" G_GINT64_FORMAT "%s", s->record,
                            s->field->len > 0 ? ", " : ": ");
  if (s->field->len > 0)
    g_string_append_printf (text, "field `%s`: ", s->field->str);
  g_string_append_printf (text, "%s at line %u column %" G_GSIZE_FORMAT, what, line,
                          (gsize) (at - line_start) + (at < s->end ? 1 : 0));

  g_set_error_literal (s->error, OMS_COLDCHAIN_REQUEST_ERROR,
                       OMS_COLDCHAIN_REQUEST_ERROR_INVALID, text->str);
  return FALSE;
}

static void
skip_space (Scanner *s)
{
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
    s->p++;
}

/* Four hex digits after `\u`, at s->p; -1 when they are not. */
static int
read_hex4 (Scanner *s)
{
  int code = 0;

  if (s->end - s->p < 4)
    return -1;

  for (int i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value (s->p[i]);

      if (digit < 0)
        return -1;
      code = code * 16 + digit;
    }

  s->p += 4;
  return code;
}

/* A string at s->p, its content decoded into @out when given. */
static gboolean
scan_string (Scanner *s,
             GString *out)
{
  const char *start = s->p;

  s->p++;  /* the opening quote */
  while (s->p < s->end)
    {
      const char *at = s->p;
      unsigned char c = (unsigned char) *s->p++;
      int code;

      if (c == '"')
        return TRUE;

      if (c < 0x20)
        return scan_fail (s, at, "control character (\\u0000-\\u001F) found while parsing a "
                          "string");

      if (c != '\\')
        {
          if (out != NULL)
            g_string_append_c (out, (char) c);
          continue;
        }

      if (s->p >= s->end)
        break;

      switch (*s->p++)
        {
        case '"': code = '"'; break;
        case '\\': code = '\\'; break;
        case '/': code = '/'; break;
        case 'b': code = '\b'; break;
        case 'f': code = '\f'; break;
        case 'n': code = '\n'; break;
        case 'r': code = '\r'; break;
        case 't': code = '\t'; break;
        case 'u':
          code = read_hex4 (s);
          if (code < 0)
            return scan_fail (s, at, "invalid escape");
          if (code == 0)
            return scan_fail (s, at, "the string holds a NUL character (\\u0000), which "
                              "cannot be stored");
          if (code >= 0xDC00 && code <= 0xDFFF)
            return scan_fail (s, at, "lone trailing surrogate in hex escape");
          if (code >= 0xD800 && code <= 0xDBFF)
            {
              int low;

              if (s->end - s->p < 2 || s->p[0] != '\\' || s->p[1] != 'u')
                return scan_fail (s, at, "lone leading surrogate in hex escape");
              s->p += 2;
              low = read_hex4 (s);
              if (low < 0xDC00 || low > 0xDFFF)
                return scan_fail (s, at, "lone leading surrogate in hex escape");
              code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
            }
          break;
        default:
          return scan_fail (s, at, "invalid escape");
        }

      if (out != NULL)
        g_string_append_unichar (out, (gunichar) code);
    }

  return scan_fail (s, start, "EOF while parsing a string");
}

/* A number at s->p, by the grammar, that json-glib reads as what it says: an integer that fits
 * in 64 bits, or a finite double.
 */
static gboolean
scan_number (Scanner *s)
{
  const char *start = s->p;
  gboolean integer = TRUE;
  char buffer[64];
  g_autofree char *long_text = NULL;
  const char *text;
  gsize length;

  if (s->p < s->end && *s->p == '-')
    s->p++;

  if (s->p >= s->end || !g_ascii_isdigit (*s->p))
    return scan_fail (s, start, "expected value");
  if (*s->p == '0')
    s->p++;
  else
    while (s->p < s->end && g_ascii_isdigit (*s->p))
      s->p++;

  if (s->p < s->end && *s->p == '.')
    {
      integer = FALSE;
      s->p++;
      if (s->p >= s->end || !g_ascii_isdigit (*s->p))
        return scan_fail (s, s->p, "invalid number");
      while (s->p < s->end && g_ascii_isdigit (*s->p))
        s->p++;
    }

  if (s->p < s->end && (*s->p == 'e' || *s->p == 'E'))
    {
      integer = FALSE;
      s->p++;
      if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
        s->p++;
      if (s->p >= s->end || !g_ascii_isdigit (*s->p))
        return scan_fail (s, s->p, "invalid number");
      while (s->p < s->end && g_ascii_isdigit (*s->p))
        s->p++;
    }

  length = (gsize) (s->p - start);
  if (length < sizeof buffer)
    {
      memcpy (buffer, start, length);
      buffer[length] = '\0';
      text = buffer;
    }
  else
    {
      text = long_text = g_strndup (start, length);
    }

  if (integer)
    {
      if (!g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, NULL, NULL))
        return scan_fail (s, start, "number out of range");
    }
  else if (!isfinite (g_ascii_strtod (text, NULL)))
    {
      return scan_fail (s, start, "number out of range");
    }

  return TRUE;
}

static gboolean
scan_literal (Scanner    *s,
              const char *word)
{
  gsize length = strlen (word);

  if ((gsize) (s->end - s->p) < length || memcmp (s->p, word, length) != 0)
    return scan_fail (s, s->p, "expected value");

  s->p += length;
  return TRUE;
}

static gboolean scan_value (Scanner *s);

/* A member name of a record: the field it names, and whether it is a known one twice. */
static gboolean
scan_field_name (Scanner *s)
{
  const char *at = s->p;

  g_string_truncate (s->field, 0);
  if (!scan_string (s, s->field))
    return FALSE;

  for (guint i = 0; i < s->n_spec; i++)
    {
      if (!g_str_equal (s->spec[i].name, s->field->str))
        continue;
      if (s->seen & (1u << i))
        {
          g_string_truncate (s->field, 0);
          return scan_fail (s, at, "duplicate field `%s`", s->spec[i].name);
        }
      s->seen |= 1u << i;
    }

  return TRUE;
}

static gboolean
scan_object (Scanner *s)
{
  gboolean fields = s->depth + 1 == s->field_depth;

  s->p++;  /* { */
  s->depth++;
  if (fields)
    s->seen = 0;

  skip_space (s);
  if (s->p < s->end && *s->p == '}')
    {
      s->p++;
      s->depth--;
      return TRUE;
    }

  for (;;)
    {
      skip_space (s);
      if (s->p >= s->end)
        return scan_fail (s, s->p, "EOF while parsing an object");
      if (*s->p != '"')
        return scan_fail (s, s->p, "key must be a string");
      if (!(fields ? scan_field_name (s) : scan_string (s, NULL)))
        return FALSE;

      skip_space (s);
      if (s->p >= s->end || *s->p != ':')
        return scan_fail (s, s->p, "expected `:`");
      s->p++;
      if (!scan_value (s))
        return FALSE;

      skip_space (s);
      if (s->p < s->end && *s->p == ',')
        {
          s->p++;
          continue;
        }
      if (s->p < s->end && *s->p == '}')
        break;
      return scan_fail (s, s->p, "expected `,` or `}`");
    }

  s->p++;
  s->depth--;
  if (fields)
    g_string_truncate (s->field, 0);
  return TRUE;
}

static gboolean
scan_array (Scanner *s)
{
  gboolean records = s->depth + 1 == s->record_depth;
  gint64 index = 0;

  s->p++;  /* [ */
  s->depth++;

  skip_space (s);
  if (s->p < s->end && *s->p == ']')
    {
      s->p++;
      s->depth--;
      return TRUE;
    }

  for (;;)
    {
      if (records)
        s->record = index++;
      if (!scan_value (s))
        return FALSE;

      skip_space (s);
      if (s->p < s->end && *s->p == ',')
        {
          s->p++;
          continue;
        }
      if (s->p < s->end && *s->p == ']')
        break;
      return scan_fail (s, s->p, "expected `,` or `]`");
    }

  s->p++;
  s->depth--;
  if (records)
    s->record = -1;
  return TRUE;
}

static gboolean
scan_value (Scanner *s)
{
  skip_space (s);
  if (s->p >= s->end)
    return scan_fail (s, s->p, "EOF while parsing a value");

  switch (*s->p)
    {
    case '{':
    case '[':
      /* The gate has already refused deeper bodies; this keeps the scan safe on its own. */
      if (s->depth >= OMS_JSON_GATE_MAX_DEPTH)
        return scan_fail (s, s->p, "recursion limit exceeded");
      return *s->p == '{' ? scan_object (s) : scan_array (s);
    case '"':
      return scan_string (s, NULL);
    case 't':
      return scan_literal (s, "true");
    case 'f':
      return scan_literal (s, "false");
    case 'n':
      return scan_literal (s, "null");
    default:
      return scan_number (s);
    }
}

/* The whole body: the gate, then UTF-8, then one value by RFC 8259 and nothing after it. */
static gboolean
scan_body (const char       *data,
           gsize             length,
           guint             record_depth,
           guint             field_depth,
           const FieldSpec  *spec,
           guint             n_spec,
           GError          **error)
{
  g_autoptr(GError) gate_error = NULL;
  g_autoptr(GString) field = g_string_new (NULL);
  const char *valid_end;
  Scanner s = {
    /* An empty body may come as NULL: no arithmetic on it. */
    .data = data, .p = data, .end = length > 0 ? data + length : data,
    .record_depth = record_depth, .field_depth = field_depth, .record = -1, .field = field,
    .spec = spec, .n_spec = n_spec, .error = error,
  };

  g_assert (n_spec <= 32);

  /* Size and depth are refused before the scan, which recurses. The gate's other refusals (a
   * second value, an escape JSON does not have) the strict scan names more precisely, with
   * the record and field; the gate's word stands if the scan should ever let one through.
   */
  if (!oms_json_gate_check (data, length, OMS_JSON_GATE_MAX_COLDCHAIN_REQUEST_BYTES,
                            &gate_error))
    {
      if (g_error_matches (gate_error, OMS_JSON_GATE_ERROR, OMS_JSON_GATE_ERROR_TOO_LARGE))
        {
          oms_coldchain_request_set_too_large (error, length,
                                                OMS_JSON_GATE_MAX_COLDCHAIN_REQUEST_BYTES);
          return FALSE;
        }
      if (g_error_matches (gate_error, OMS_JSON_GATE_ERROR, OMS_JSON_GATE_ERROR_TOO_DEEP))
        {
          g_set_error (error, OMS_COLDCHAIN_REQUEST_ERROR, OMS_COLDCHAIN_REQUEST_ERROR_INVALID,
                       "Json deserialize error: recursion limit exceeded (arrays and objects "
                       "nest more than %d levels deep)", OMS_JSON_GATE_MAX_DEPTH);
          return FALSE;
        }
    }

  if (length == 0)
    {
      g_set_error_literal (error, OMS_COLDCHAIN_REQUEST_ERROR,
                           OMS_COLDCHAIN_REQUEST_ERROR_INVALID,
                           "Json deserialize error: EOF while parsing a value at line 1 "
                           "column 0");
      return FALSE;
    }

  /* This also refuses a raw NUL byte. */
  if (!g_utf8_validate_len (data, length, &valid_end))
    return scan_fail (&s, valid_end, "invalid UTF-8");

  if (!scan_value (&s))
    return FALSE;

  skip_space (&s);
  if (s.p < s.end)
    return scan_fail (&s, s.p, "trailing characters");

  if (gate_error != NULL)
    {
      g_set_error (error, OMS_COLDCHAIN_REQUEST_ERROR, OMS_COLDCHAIN_REQUEST_ERROR_INVALID,
                   "Json deserialize error: %s", gate_error->message);
      return FALSE;
    }

  return TRUE;
}

/**
 * oms_coldchain_request_set_too_large:
 * @size: the body's size, or as much of it as was counted
 * @limit: the most that is accepted
 *
 * Sets the error, answered 413, that actix-web gives a body over its limit.
 */
void
oms_coldchain_request_set_too_large (GError **error,
                                      gsize    size,
                                      gsize    limit)
{
  g_set_error (error, OMS_COLDCHAIN_REQUEST_ERROR, OMS_COLDCHAIN_REQUEST_ERROR_TOO_LARGE,
               "JSON payload (%" G_GSIZE_FORMAT " bytes) is larger than allowed (limit: %"
               G_GSIZE_FORMAT " bytes).", size, limit);
}

/*
 * Types, as serde checks them
 */

static char *
format_double (double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%g", value));
}

/* serde's description of a value it did not expect. */
static char *
describe_unexpected (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      return g_strdup ("map");
    case JSON_NODE_ARRAY:
      return g_strdup ("sequence");
    case JSON_NODE_NULL:
      return g_strdup ("null");
    case JSON_NODE_VALUE:
      break;
    default:
      g_assert_not_reached ();
    }

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_BOOLEAN:
      return g_strdup_printf ("boolean `%s`", json_node_get_boolean (node) ? "true" : "false");
    case G_TYPE_INT64:
      return g_strdup_printf ("integer `%" G_GINT64_FORMAT "`", json_node_get_int (node));
    case G_TYPE_DOUBLE:
      {
        g_autofree char *number = format_double (json_node_get_double (node));

        return g_strdup_printf ("floating point `%s`", number);
      }
    case G_TYPE_STRING:
      return g_strdup_printf ("string \"%s\"", json_node_get_string (node));
    default:
      return g_strdup ("value");
    }
}

static const char *
expected_name (FieldType type)
{
  switch (type)
    {
    case FIELD_STRING:
      return "a string";
    case FIELD_I32:
      return "i32";
    case FIELD_I64:
      return "i64";
    case FIELD_TEMPERATURE:
      return "f64";
    case FIELD_BREACH_TYPE:
      return "enum TemperatureBreachType";
    default:
      g_assert_not_reached ();
    }
}

static char *
invalid_type (JsonNode   *node,
              const char *expected)
{
  g_autofree char *unexpected = describe_unexpected (node);

  return g_strdup_printf ("invalid type: %s, expected %s", unexpected, expected);
}

static gboolean
node_is_value_of (JsonNode *node,
                  GType     type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

/* What is wrong with one field, after "Json deserialize error: ", or NULL when it fits. The
 * texts of serde's checks have no record; the checks serde does not make name it.
 */
static char *
check_field (JsonObject      *object,
             const FieldSpec *spec,
             gint64           record)
{
  JsonNode *node = json_object_get_member (object, spec->name);
  g_autofree char *where = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (spec->optional)
        return NULL;
      if (node == NULL)
        return g_strdup_printf ("missing field `%s`", spec->name);
      return invalid_type (node, expected_name (spec->type));
    }

  switch (spec->type)
    {
    case FIELD_STRING:
      if (!node_is_value_of (node, G_TYPE_STRING))
        return invalid_type (node, expected_name (spec->type));
      return NULL;

    case FIELD_I32:
    case FIELD_I64:
      if (!node_is_value_of (node, G_TYPE_INT64))
        return invalid_type (node, expected_name (spec->type));
      if (spec->type == FIELD_I32
          && (json_node_get_int (node) < G_MININT32 || json_node_get_int (node) > G_MAXINT32))
        return g_strdup_printf ("invalid value: integer `%" G_GINT64_FORMAT "`, expected i32",
                                json_node_get_int (node));
      return NULL;

    case FIELD_TEMPERATURE:
      if (!node_is_value_of (node, G_TYPE_INT64) && !node_is_value_of (node, G_TYPE_DOUBLE))
        return invalid_type (node, expected_name (spec->type));

      where = record >= 0 ? g_strdup_printf ("record %" G_GINT64_FORMAT ", field `%s`",
                                             record, spec->name)
                          : g_strdup_printf ("field `%s`", spec->name);
      /* The scan has refused every number json-glib would read as one of these. */
      if (!isfinite (json_node_get_double (node)))
        return g_strdup_printf ("%s: number out of range", where);
      if (json_node_get_double (node) < OMS_COLDCHAIN_MIN_TEMPERATURE)
        {
          g_autofree char *number = format_double (json_node_get_double (node));

          return g_strdup_printf ("%s: %s °C is below absolute zero (-273.15 °C)", where,
                                  number);
        }
      return NULL;

    case FIELD_BREACH_TYPE:
      if (!node_is_value_of (node, G_TYPE_STRING))
        return invalid_type (node, expected_name (spec->type));
      if (!g_strv_contains (breach_types, json_node_get_string (node)))
        return g_strdup_printf ("unknown variant `%s`, expected one of `COLD_CONSECUTIVE`, "
                                "`COLD_CUMULATIVE`, `HOT_CONSECUTIVE`, `HOT_CUMULATIVE`, "
                                "`EXCURSION`", json_node_get_string (node));
      return NULL;

    default:
      g_assert_not_reached ();
    }
}

static gboolean
set_invalid (GError     **error,
             const char  *text)
{
  g_set_error (error, OMS_COLDCHAIN_REQUEST_ERROR, OMS_COLDCHAIN_REQUEST_ERROR_INVALID,
               "Json deserialize error: %s", text);
  return FALSE;
}

/* Every field of @object against @spec. */
static gboolean
check_fields (JsonObject       *object,
              const FieldSpec  *spec,
              guint             n_spec,
              gint64            record,
              GError          **error)
{
  for (guint i = 0; i < n_spec; i++)
    {
      g_autofree char *text = check_field (object, &spec[i], record);

      if (text != NULL)
        return set_invalid (error, text);
    }

  return TRUE;
}

static JsonParser *
load (const char  *data,
      gsize        length,
      GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;

  /* Not expected after the scan; kept so that a difference shows as a 400, not a crash. */
  if (!json_parser_load_from_data (parser, data, (gssize) length, &local_error))
    {
      set_invalid (error, local_error->message);
      return NULL;
    }

  return g_steal_pointer (&parser);
}

static void
kind_spec (OmsColdchainKind   kind,
           const FieldSpec  **spec,
           guint             *n_spec,
           const char       **struct_name)
{
  switch (kind)
    {
    case OMS_COLDCHAIN_KIND_SENSOR:
      *spec = sensor_spec;
      *n_spec = G_N_ELEMENTS (sensor_spec);
      *struct_name = "struct Sensor";
      break;
    case OMS_COLDCHAIN_KIND_TEMPERATURE_LOG:
      *spec = log_spec;
      *n_spec = G_N_ELEMENTS (log_spec);
      *struct_name = "struct TemperatureLog";
      break;
    case OMS_COLDCHAIN_KIND_TEMPERATURE_BREACH:
      *spec = breach_spec;
      *n_spec = G_N_ELEMENTS (breach_spec);
      *struct_name = "struct TemperatureBreach";
      break;
    default:
      g_assert_not_reached ();
    }
}

/**
 * oms_coldchain_request_parse_records:
 * @kind: what the endpoint takes
 * @data: (array length=length) (nullable): the request body
 * @length: its length in bytes
 * @error: an %OMS_COLDCHAIN_REQUEST_ERROR whose message is the answer's body
 *
 * Reads an upload's body: a JSON array of records whose fields all have the types the
 * handler's struct declares, whose numbers are finite, whose temperatures are not below
 * absolute zero and whose strings hold no NUL. Safe on any bytes.
 *
 * Returns: (transfer container) (element-type JsonObject) (nullable): the records
 */
GPtrArray *
oms_coldchain_request_parse_records (OmsColdchainKind   kind,
                                     const char        *data,
                                     gsize              length,
                                     GError           **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GPtrArray) items = NULL;
  const FieldSpec *spec;
  const char *struct_name;
  guint n_spec;
  JsonNode *root;
  JsonArray *array;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  kind_spec (kind, &spec, &n_spec, &struct_name);

  if (!scan_body (data, length, 1, 2, spec, n_spec, error))
    return NULL;

  parser = load (data, length, error);
  if (parser == NULL)
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      g_autofree char *text = root != NULL ? invalid_type (root, "a sequence")
                                           : g_strdup ("EOF while parsing a value");

      set_invalid (error, text);
      return NULL;
    }

  array = json_node_get_array (root);
  items = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *object;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          g_autofree char *text = invalid_type (element, struct_name);

          set_invalid (error, text);
          return NULL;
        }

      object = json_node_get_object (element);
      if (!check_fields (object, spec, n_spec, i, error))
        return NULL;

      g_ptr_array_add (items, json_object_ref (object));
    }

  return g_steal_pointer (&items);
}

/**
 * oms_coldchain_request_parse_login:
 * @data: (array length=length) (nullable): the request body
 * @length: its length in bytes
 * @username: (out): the account
 * @password: (out): its password
 * @error: an %OMS_COLDCHAIN_REQUEST_ERROR whose message is the answer's body
 *
 * Reads a login's body, `{"username": "…", "password": "…"}`. Safe on any bytes.
 *
 * Returns: %TRUE when the body is a login
 */
gboolean
oms_coldchain_request_parse_login (const char  *data,
                                   gsize        length,
                                   char       **username,
                                   char       **password,
                                   GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;
  JsonObject *object;

  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (username != NULL && password != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!scan_body (data, length, 0, 1, login_spec, G_N_ELEMENTS (login_spec), error))
    return FALSE;

  parser = load (data, length, error);
  if (parser == NULL)
    return FALSE;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return set_invalid (error, "invalid type, expected struct LoginRequest");

  object = json_node_get_object (root);
  if (!check_fields (object, login_spec, G_N_ELEMENTS (login_spec), -1, error))
    return FALSE;

  *username = g_strdup (json_object_get_string_member (object, "username"));
  *password = g_strdup (json_object_get_string_member (object, "password"));
  return TRUE;
}

/**
 * oms_coldchain_request_check_json:
 * @data: (array length=length) (nullable): JSON text
 * @length: its length in bytes
 * @error: where the first fault is named
 *
 * Checks @data against RFC 8259 as strictly as request bodies are checked: one value, no
 * `inf` or `nan`, numbers json-glib reads as written, no NUL in strings, at most
 * %OMS_JSON_GATE_MAX_DEPTH levels deep. Answers are checked with it in tests.
 *
 * Returns: %TRUE when @data is such JSON
 */
gboolean
oms_coldchain_request_check_json (const char  *data,
                                  gsize        length,
                                  GError     **error)
{
  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  return scan_body (data, length, 0, 0, NULL, 0, error);
}
