package io.ramshift.engine;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Test helper: checks that no thread started by ramshift ({@code ramshift-*}) outlives the code under test.
 */
public final class RamshiftThreads
{
    /** Prefix of every thread ramshift starts. */
    public static final String PREFIX = "ramshift-";

    private RamshiftThreads()
    {
    }

    /** Fail naming the live {@code ramshift-*} threads, if any. */
    public static void assertNoneRunning()
    {
        final List<String> running = new ArrayList<>();
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            if (thread.isAlive() && thread.getName().startsWith(PREFIX))
            {
                running.add(thread.getName());
            }
        }
        assertEquals(List.of(), running, "ramshift threads left running");
    }
}
