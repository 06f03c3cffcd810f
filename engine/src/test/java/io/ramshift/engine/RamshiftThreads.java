package io.ramshift.engine;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Test helper for tests that check threads without the full {@link ResourceLeakExtension}: fails naming the
 * {@code ramshift-*} threads still alive after the extension's grace period.
 */
public final class RamshiftThreads
{
    /** Prefix of every thread ramshift starts. */
    public static final String PREFIX = ResourceLeakExtension.THREAD_PREFIX;

    private RamshiftThreads()
    {
    }

    /** Fail naming the live {@code ramshift-*} threads, if any remain after the grace period. */
    public static void assertNoneRunning()
    {
        assertEquals(List.of(), ResourceLeakExtension.awaitRamshiftThreads(ResourceLeakExtension.THREAD_WAIT_MS),
            "ramshift threads left running");
    }
}
