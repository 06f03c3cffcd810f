package io.ramshift.engine.transfer;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ramshift.engine.ResourceLeakExtension;
import io.ramshift.layout.HelloDescriptor;
import io.ramshift.layout.ProtocolDescriptor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Fuzzes the sender → receiver direction through a real {@link ImageReceiver}: the input is everything a sender
 * would put on the connection (HELLO, RUN_BATCH, DEVICE_STATE, CHUNK_REQUEST, END), replayed into a destination
 * that starts as {@link FuzzSessions#writeBaseline(Path) the baseline} each time (in {@code /dev/shm} where there is
 * one). The receiver must succeed or fail with one of the project's exceptions; any other throwable, a destination
 * of another size than the HELLO announced, a file written next to it, or an allocation beyond the bounds is a
 * finding.
 */
@ExtendWith(ResourceLeakExtension.class)
class ReceiverFuzzTest
{
    /** Heap one execution may allocate, besides twice the input (a device state grows with what arrived). */
    private static final long HEAP_BOUND = 16L << 20;
    /** Direct memory one execution may take: frame buffer, LZ4 and copy buffers, bitmaps of a small image. */
    private static final long DIRECT_BOUND = 24L << 20;
    static final String DESTINATION = "dst.img";

    private static final FuzzStats STATS = new FuzzStats("receiver");
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
    private static final ClassLoadingMXBean CLASSES = ManagementFactory.getClassLoadingMXBean();
    private static final BufferPoolMXBean DIRECT = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)
        .stream().filter(pool -> pool.getName().equals("direct")).findFirst().orElseThrow();

    @TempDir
    static Path tempDir;

    private static Path dir;

    @BeforeAll
    static void createDirectory()
    {
        dir = FuzzSessions.scratchDirectory(tempDir);
    }

    @FuzzTest(maxDuration = "20s")
    void shouldFailEveryMalformedSessionWithTheProjectsExceptions(final byte[] input)
    {
        final long classesBefore = CLASSES.getTotalLoadedClassCount();
        final long heapBefore = THREADS.getCurrentThreadAllocatedBytes();
        final long directBefore = DIRECT.getMemoryUsed();
        Throwable failure = null;
        TransferStats stats = null;
        try
        {
            stats = replay(dir, input);
        }
        catch (final Throwable ex)
        {
            failure = ex;
        }
        // loading (and instrumenting) a class on a path taken for the first time allocates far more than a run
        final boolean classesLoaded = CLASSES.getTotalLoadedClassCount() != classesBefore;
        final long heap = THREADS.getCurrentThreadAllocatedBytes() - heapBefore;
        final long direct = DIRECT.getMemoryUsed() - directBefore;
        STATS.outcome(failure, input);
        STATS.allocated(classesLoaded ? 0 : heap, direct);
        if (stats != null && !stats.verified)
        {
            throw STATS.finding("receive returned without verifying");
        }
        checkDestination(STATS, dir, input, failure == null);
        if (!classesLoaded && heap > HEAP_BOUND + 2L * input.length || direct > DIRECT_BOUND)
        {
            throw STATS.finding("execution allocated heap=" + heap + " direct=" + direct + " for an input of " +
                input.length + " bytes");
        }
    }

    @AfterAll
    static void report()
    {
        FuzzSessions.deleteScratch(dir, tempDir);
        STATS.report();
    }

    /**
     * Replay a sender's bytes into a real receiver, the destination reset to the baseline first (or removed, so
     * the receiver creates it, when the HELLO asks for RESIZE of a small image).
     *
     * @param dir   where the destination lives.
     * @param input the sender's bytes.
     * @return the receiver's counters.
     */
    static TransferStats replay(final Path dir, final byte[] input)
    {
        final Path destination = dir.resolve(DESTINATION);
        final InputChannel channel = new InputChannel(input);
        return new ImageReceiver(prepare(destination, input)).receive(channel, "fuzzed sender", destination);
    }

    /**
     * Reset the destination to the baseline (or remove it, so the receiver creates it, when the HELLO asks for
     * RESIZE of a small image) and pick the receiver's settings from the HELLO.
     *
     * @param destination the receiver's destination.
     * @param hello       the bytes the session starts with (its first HELLO).
     * @return the receiver's options.
     */
    static TransferOptions prepare(final Path destination, final byte[] hello)
    {
        FuzzSessions.writeBaseline(destination);
        final long options = helloLong(hello, HelloDescriptor.OPTIONS_OFFSET);
        if (createsDestination(hello))
        {
            try
            {
                Files.delete(destination);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }
        final TransferOptions receiverOptions = FuzzSessions.receiverOptions(options,
            helloLong(hello, HelloDescriptor.SESSION_ID_OFFSET));
        if (!createsDestination(hello))
        {
            receiverOptions.destinationHashes = FuzzSessions::baselineHashes;
        }
        return receiverOptions;
    }

    private static boolean createsDestination(final byte[] input)
    {
        final long pages = helloLong(input, HelloDescriptor.PAGE_COUNT_OFFSET);
        return (helloLong(input, HelloDescriptor.OPTIONS_OFFSET) & ProtocolDescriptor.OPTION_RESIZE) != 0 &&
            pages > 0 && pages <= FuzzSessions.MAX_CREATED_PAGES;
    }

    /**
     * The destination is the only file (with its journal), of the baseline's size, or of the size a valid HELLO
     * announced; anything else is a finding.
     *
     * @param stats     the fuzz target's counters.
     * @param dir       the destination's directory.
     * @param input     the bytes the session started with (its first HELLO).
     * @param succeeded whether the receiver returned.
     */
    static void checkDestination(final FuzzStats stats, final Path dir, final byte[] input, final boolean succeeded)
    {
        final List<String> files;
        try (Stream<Path> list = Files.list(dir))
        {
            // the transfer journal is the one file a receiver may keep beside its destination
            files = list.map(path -> path.getFileName().toString())
                .filter(name -> !name.equals(DESTINATION + io.ramshift.layout.JournalDescriptor.SUFFIX))
                .collect(Collectors.toList());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        if (files.size() > 1 || files.size() == 1 && !files.get(0).equals(DESTINATION))
        {
            throw stats.finding("files next to the destination: " + files);
        }
        final long announced = helloLong(input, HelloDescriptor.IMAGE_SIZE_OFFSET);
        final long size = files.isEmpty() ? -1 : dir.resolve(DESTINATION).toFile().length();
        final boolean created = createsDestination(input);
        if (succeeded && size != announced)
        {
            throw stats.finding("verified destination of " + size + " bytes, HELLO announced " + announced);
        }
        if (created && size != -1 && size != announced)
        {
            throw stats.finding("created destination of " + size + " bytes, HELLO announced " + announced);
        }
        if (!created && size != FuzzSessions.IMAGE_SIZE)
        {
            throw stats.finding("existing destination changed size to " + size + " bytes (HELLO announced " +
                announced + ", no resize)");
        }
    }

    static long helloLong(final byte[] input, final int offset)
    {
        return input.length >= offset + 8 ?
            ByteBuffer.wrap(input).order(ByteOrder.LITTLE_ENDIAN).getLong(offset) : 0;
    }
}
