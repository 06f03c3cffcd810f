package io.ramshift.engine.transfer;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ramshift.engine.ResourceLeakExtension;
import io.ramshift.engine.image.MappedImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

/**
 * Fuzzes the receiver → sender direction through a real delta {@link ImageSender}: the input is everything a
 * receiver would answer after reading HELLO (HELLO_ACK or ERROR, DEST_SUMMARY, PAGE_HASHES, RESULT), served to the
 * sender of {@link FuzzSessions.Session#DELTA}'s source while what it sends is discarded. The sender must succeed
 * or fail with one of the project's exceptions; any other throwable is a finding.
 */
@ExtendWith(ResourceLeakExtension.class)
class SenderFuzzTest
{
    /** Heap one execution may allocate: the chunk lists of a two-chunk image and messages. */
    private static final long HEAP_BOUND = 16L << 20;

    private static final FuzzStats STATS = new FuzzStats("sender");
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
    private static final ClassLoadingMXBean CLASSES = ManagementFactory.getClassLoadingMXBean();

    @TempDir
    static Path tempDir;

    private static Path dir;
    private static Path source;

    @BeforeAll
    static void writeSource()
    {
        dir = FuzzSessions.scratchDirectory(tempDir);
        source = FuzzSessions.writeSource(FuzzSessions.Session.DELTA, dir.resolve("src.img"));
    }

    @AfterAll
    static void report()
    {
        FuzzSessions.deleteScratch(dir, tempDir);
        STATS.report();
    }

    @FuzzTest(maxDuration = "10s")
    void shouldFailEveryMalformedReplyWithTheProjectsExceptions(final byte[] input)
    {
        final long classesBefore = CLASSES.getTotalLoadedClassCount();
        final long heapBefore = THREADS.getCurrentThreadAllocatedBytes();
        Throwable failure = null;
        TransferStats stats = null;
        try
        {
            stats = replay(source, input);
        }
        catch (final Throwable ex)
        {
            failure = ex;
        }
        // loading (and instrumenting) a class on a path taken for the first time allocates far more than a run
        final boolean classesLoaded = CLASSES.getTotalLoadedClassCount() != classesBefore;
        final long heap = THREADS.getCurrentThreadAllocatedBytes() - heapBefore;
        STATS.outcome(failure, input);
        STATS.allocated(classesLoaded ? 0 : heap, 0);
        if (stats != null && !stats.verified)
        {
            throw STATS.finding("send returned without verifying");
        }
        if (!classesLoaded && heap > HEAP_BOUND + 2L * input.length)
        {
            throw STATS.finding("execution allocated heap=" + heap + " for an input of " + input.length + " bytes");
        }
    }

    /**
     * Run the delta session's sender against a receiver whose every reply is {@code input}.
     *
     * @param source the delta session's source image.
     * @param input  the receiver's bytes.
     * @return the sender's counters.
     */
    static TransferStats replay(final Path source, final byte[] input)
    {
        try (MappedImage image = MappedImage.openReadOnly(source))
        {
            return new ImageSender(FuzzSessions.senderOptions(FuzzSessions.Session.DELTA))
                .send(image, null, new InputChannel(input), "fuzzed receiver");
        }
    }
}
