package io.ramshift.tools;

/**
 * Writes one flat-or-nested JSON object for {@code --json} output; keys in insertion order, numbers as is.
 */
final class JsonWriter
{
    private final StringBuilder out = new StringBuilder(512);
    private boolean first = true;

    JsonWriter()
    {
        out.append('{');
    }

    JsonWriter field(final String name, final long value)
    {
        key(name).append(value);
        return this;
    }

    JsonWriter field(final String name, final double value)
    {
        key(name).append(Double.isFinite(value) ? String.format(java.util.Locale.ROOT, "%.6g", value) : "null");
        return this;
    }

    JsonWriter field(final String name, final boolean value)
    {
        key(name).append(value);
        return this;
    }

    JsonWriter field(final String name, final String value)
    {
        key(name);
        if (value == null)
        {
            out.append("null");
            return this;
        }
        out.append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            switch (c)
            {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        out.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        out.append(c);
                    }
            }
        }
        out.append('"');
        return this;
    }

    JsonWriter array(final String name, final java.util.List<JsonWriter> values)
    {
        key(name).append('[');
        for (int i = 0; i < values.size(); i++)
        {
            out.append(i == 0 ? "" : ",").append(values.get(i));
        }
        out.append(']');
        return this;
    }

    JsonWriter object(final String name, final JsonWriter value)
    {
        key(name).append(value);
        return this;
    }

    private StringBuilder key(final String name)
    {
        if (!first)
        {
            out.append(',');
        }
        first = false;
        return out.append('"').append(name).append("\":");
    }

    public String toString()
    {
        return out + "}";
    }
}
