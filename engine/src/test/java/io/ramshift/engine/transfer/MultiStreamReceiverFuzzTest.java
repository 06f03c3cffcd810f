package io.ramshift.engine.transfer;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ramshift.engine.ResourceLeakExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;

/**
 * Fuzzes sessions of 2 or 3 streams through a real {@link ImageReceiver} listening on loopback: the input
 * ({@link MultiStreamInput}) is what a sender writes on each connection of one session, frames interleaved across
 * the connections, so the fuzzer tries streams of other sessions, indexes and counts, a connection that ends early
 * or never comes, a frame on the wrong connection, one stream's HELLO differing from the first. The destination
 * starts as the baseline each time (or is created, when the first HELLO asks for RESIZE of a small image). The
 * receiver must succeed, verified, or fail with one of the project's exceptions; any other throwable, a destination
 * of another size, a file next to it, or more than 36 MiB of direct memory in one execution is a finding.
 */
@ExtendWith(ResourceLeakExtension.class)
class MultiStreamReceiverFuzzTest
{
    /**
     * Direct memory one execution may take: what {@link ReceiverFuzzTest} allows one stream, less the bitmaps of
     * the image, for each of three streams (each has its own frame and LZ4 buffers, 4 MiB + 64 KiB each).
     */
    private static final long DIRECT_BOUND = 3 * (12L << 20);
    /** A stream that never connects fails the session after this long (the feeder's closed connection comes first). */
    private static final long STREAM_ACCEPT_TIMEOUT_MS = 2_000;

    private static final FuzzStats STATS = new FuzzStats("receiver-streams");
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

    @FuzzTest(maxDuration = "8s")
    void shouldFailEveryMalformedMultiStreamSessionWithTheProjectsExceptions(final byte[] input)
    {
        final long directBefore = DIRECT.getMemoryUsed();
        final MultiStreamInput records = MultiStreamInput.parse(input);
        final byte[] first = records.bytesOf(input, 0);
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
        final long direct = DIRECT.getMemoryUsed() - directBefore;
        STATS.outcome(failure, input);
        STATS.allocated(0, direct);
        if (stats != null && !stats.verified)
        {
            throw STATS.finding("receive returned without verifying");
        }
        ReceiverFuzzTest.checkDestination(STATS, dir, first, failure == null);
        if (direct > DIRECT_BOUND)
        {
            throw STATS.finding("execution took direct=" + direct + " for an input of " + input.length + " bytes");
        }
    }

    @AfterAll
    static void report()
    {
        FuzzSessions.deleteScratch(dir, tempDir);
        STATS.report();
    }

    /**
     * Play a multi-stream input to a real receiver listening on loopback, the destination prepared from the first
     * connection's HELLO as {@link ReceiverFuzzTest#prepare(Path, byte[])} does.
     *
     * @param dir   where the destination lives.
     * @param input the records of every connection.
     * @return the receiver's counters.
     */
    static TransferStats replay(final Path dir, final byte[] input)
    {
        final MultiStreamInput records = MultiStreamInput.parse(input);
        final Path destination = dir.resolve(ReceiverFuzzTest.DESTINATION);
        final TransferOptions options = ReceiverFuzzTest.prepare(destination, records.bytesOf(input, 0));
        options.streamAcceptTimeoutMs = STREAM_ACCEPT_TIMEOUT_MS;
        try (ServerSocketChannel server = ServerSocketChannel.open())
        {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
            final ConnectionFeeder feeder = new ConnectionFeeder(server.getLocalAddress(), input, records);
            try
            {
                return new ImageReceiver(options).receive(server, destination);
            }
            finally
            {
                feeder.close();
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
