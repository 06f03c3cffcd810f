package io.ramshift.qemurig;

/**
 * One report line of the guest program: {@code RSGUEST counter=N check=OK|BAD bad=N first_bad=N ...}.
 *
 * @param counter  seconds the guest has counted (it lives in guest RAM, so it travels with the guest).
 * @param ok       true when every pattern page was intact.
 * @param bad      pattern pages found wrong.
 * @param firstBad first wrong pattern page, or -1.
 */
public record GuestLine(long counter, boolean ok, long bad, long firstBad)
{
    /**
     * @param line a console line.
     * @return the parsed report, or null when the line is not one.
     */
    public static GuestLine parse(final String line)
    {
        final String text = line.trim();
        if (!text.startsWith("RSGUEST counter="))
        {
            return null;
        }
        long counter = -1;
        boolean ok = false;
        long bad = -1;
        long firstBad = -1;
        for (final String field : text.substring("RSGUEST ".length()).split(" "))
        {
            final int eq = field.indexOf('=');
            if (eq < 0)
            {
                continue;
            }
            final String value = field.substring(eq + 1);
            switch (field.substring(0, eq))
            {
                case "counter" -> counter = Long.parseLong(value);
                case "check" -> ok = "OK".equals(value);
                case "bad" -> bad = Long.parseLong(value);
                case "first_bad" -> firstBad = Long.parseLong(value);
                default ->
                {
                    // other fields are for people reading the console
                }
            }
        }
        return counter < 0 ? null : new GuestLine(counter, ok, bad, firstBad);
    }
}
