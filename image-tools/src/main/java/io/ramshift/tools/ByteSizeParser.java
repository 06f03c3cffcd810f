package io.ramshift.tools;

import io.ramshift.engine.ImageException;

/**
 * Parses sizes given on the command line: a whole number of bytes with an optional binary suffix
 * ({@code K}, {@code M}, {@code G}, {@code T}, each optionally followed by {@code iB} or {@code B}), e.g. {@code 8G}.
 */
public final class ByteSizeParser
{
    private ByteSizeParser()
    {
    }

    /**
     * Parse a size.
     *
     * @param text such as {@code 4096}, {@code 64M}, {@code 8G}, {@code 1TiB} (case-insensitive).
     * @return bytes.
     * @throws ImageException naming the text when it is not a size or overflows.
     */
    public static long parse(final String text)
    {
        final String trimmed = text == null ? "" : text.trim();
        int end = 0;
        while (end < trimmed.length() && Character.isDigit(trimmed.charAt(end)))
        {
            end++;
        }
        if (end == 0 || end > 19)
        {
            throw badSize(text);
        }
        final int shift = shiftOf(trimmed.substring(end), text);
        try
        {
            final long number = Long.parseLong(trimmed.substring(0, end));
            if (number > (Long.MAX_VALUE >>> shift))
            {
                throw badSize(text);
            }
            return number << shift;
        }
        catch (final NumberFormatException ex)
        {
            throw badSize(text);
        }
    }

    private static int shiftOf(final String suffix, final String text)
    {
        final String unit = suffix.toUpperCase(java.util.Locale.ROOT);
        if (unit.isEmpty() || "B".equals(unit))
        {
            return 0;
        }
        final int shift;
        switch (unit.charAt(0))
        {
            case 'K':
                shift = 10;
                break;
            case 'M':
                shift = 20;
                break;
            case 'G':
                shift = 30;
                break;
            case 'T':
                shift = 40;
                break;
            default:
                throw badSize(text);
        }
        final String rest = unit.substring(1);
        if (!rest.isEmpty() && !"B".equals(rest) && !"IB".equals(rest))
        {
            throw badSize(text);
        }
        return shift;
    }

    private static ImageException badSize(final String text)
    {
        return new ImageException("bad size: size=" + text +
            " (expected bytes with an optional K, M, G or T suffix, powers of 1024, e.g. 8G)");
    }
}
