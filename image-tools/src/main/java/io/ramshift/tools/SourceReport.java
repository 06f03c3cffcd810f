package io.ramshift.tools;

import picocli.CommandLine.Model.CommandSpec;

/**
 * Tells the user on stderr when a source is not a plain raw image (an ELF dump read as a view, segments skipped),
 * so the figures on stdout, JSON included, stay as they are.
 */
final class SourceReport
{
    private SourceReport()
    {
    }

    static void describe(final CommandSpec spec, final String description)
    {
        if (!description.isEmpty())
        {
            spec.commandLine().getErr().println("ramshift " + spec.name() + ": " + description);
            spec.commandLine().getErr().flush();
        }
    }
}
