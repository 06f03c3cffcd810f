package io.ramshift.tools;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * One run of the {@code ramshift} command line in this JVM with its stdout and stderr captured.
 */
final class CliRun
{
    final int exitCode;
    final String out;
    final String err;

    private CliRun(final int exitCode, final String out, final String err)
    {
        this.exitCode = exitCode;
        this.out = out;
        this.err = err;
    }

    static synchronized CliRun of(final String... args)
    {
        final PrintStream stdout = System.out;
        final PrintStream stderr = System.err;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int exitCode;
        try
        {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exitCode = RamshiftMain.run(args);
        }
        finally
        {
            System.setOut(stdout);
            System.setErr(stderr);
        }
        return new CliRun(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * @param name of a numeric field of a flat JSON object.
     * @return its value as text.
     */
    String jsonField(final String name)
    {
        final int at = out.indexOf("\"" + name + "\":");
        if (at < 0)
        {
            throw new AssertionError("no field " + name + " in " + out);
        }
        final int start = at + name.length() + 3;
        int end = start;
        while (end < out.length() && ",}".indexOf(out.charAt(end)) < 0)
        {
            end++;
        }
        return out.substring(start, end);
    }

    public String toString()
    {
        return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
