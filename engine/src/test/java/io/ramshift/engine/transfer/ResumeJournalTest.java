package io.ramshift.engine.transfer;

import io.ramshift.engine.ResourceLeakExtension;
import io.ramshift.engine.TestImages;
import io.ramshift.engine.image.MappedImage;
import io.ramshift.layout.JournalDescriptor;
import io.ramshift.layout.ResumeDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicReference;

import static io.ramshift.engine.TestImages.PAGE_SIZE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Resume through the journal: a session cut mid-transfer leaves the pages that were written and fsynced marked in
 * {@code DEST.rsjournal}; the same copy run again sends only the others and verifies the whole image; a journal
 * that cannot be trusted (another source, a destination changed behind its back, a damaged file) is not.
 */
@ExtendWith(ResourceLeakExtension.class)
class ResumeJournalTest
{
    private static final long PAGES = 4096;
    private static final long SEED = 21;

    @TempDir
    Path dir;

    private Path source;
    private Path destination;

    private void createSource() throws IOException
    {
        source = TestImages.createSparse(dir.resolve("src.img"), PAGES * PAGE_SIZE);
        TestImages.writePages(source, 0, PAGES - 96, SEED);
        destination = dir.resolve("dst.img");
    }

    @ParameterizedTest
    @ValueSource(longs = {1 << 20, 6 << 20, 13 << 20})
    void shouldSendOnlyThePagesNotDurableAfterTheSenderIsCut(final long cutAfter) throws Exception
    {
        createSource();
        // small checkpoints: the later cuts come after several
        final Attempt first = attempt(1, cutAfter, 1 << 20, 0);
        assertNotNull(first.receiverFailure, "the cut session must not succeed");
        final TransferJournal.State state = TransferJournal.state(destination);
        assertNotNull(state, "an interrupted transfer leaves its journal");
        final long durable = state.durablePages();
        assertTrue(durable > 0 && durable < PAGES, "pages received before the cut are durable: " + durable);

        final Attempt second = attempt(1, Long.MAX_VALUE, 0, 0);

        assertNull(second.receiverFailure, () -> "resume failed: " + second.receiverFailure);
        assertTrue(second.sender.verified && second.receiver.verified);
        assertEquals(ResumeDescriptor.STATUS_RESUMING, second.sender.resumeStatus);
        assertEquals(durable, second.sender.durablePages, "every durable page is skipped");
        assertEquals(durable, second.receiver.durablePages);
        assertEquals(PAGES - durable, second.sender.pagesSent(), "only the missing pages travel");
        assertTrue(second.sender.bytesSent < (PAGES - durable + 64) * PAGE_SIZE, "wire bytes: " +
            second.sender.bytesSent);
        TestImages.assertSameNonFreePages(source, destination, page -> false);
        assertNull(TransferJournal.state(destination), "a verified destination has no journal");
    }

    @Test
    void shouldResumeAMultiStreamSession() throws Exception
    {
        createSource();
        final Attempt first = attempt(3, 3 << 20, 1 << 20, 0);
        assertNotNull(first.receiverFailure);
        final long durable = TransferJournal.state(destination).durablePages();
        assertTrue(durable > 0, "durable pages: " + durable);

        final Attempt second = attempt(3, Long.MAX_VALUE, 0, 0);

        assertNull(second.receiverFailure, () -> "resume failed: " + second.receiverFailure);
        assertTrue(second.receiver.verified);
        assertEquals(3, second.sender.streams);
        assertEquals(durable, second.sender.durablePages);
        assertEquals(PAGES - durable, second.sender.pagesSent());
        TestImages.assertSameNonFreePages(source, destination, page -> false);
        assertNull(TransferJournal.state(destination));
    }

    @Test
    void shouldNotTrustTheJournalOfASourceThatChanged() throws Exception
    {
        createSource();
        assertNotNull(attempt(1, 4 << 20, 1 << 20, 0).receiverFailure);
        assertTrue(TransferJournal.state(destination).durablePages() > 0);
        // the source changes between the attempts: pages the journal calls durable hold its old content
        TestImages.writePages(source, 0, 16, SEED + 1);
        Files.setLastModifiedTime(source, java.nio.file.attribute.FileTime.fromMillis(
            System.currentTimeMillis() + 5_000));

        final Attempt second = attempt(1, Long.MAX_VALUE, 0, 0);

        assertNull(second.receiverFailure, () -> "full transfer failed: " + second.receiverFailure);
        assertEquals(ResumeDescriptor.STATUS_IDENTITY_DIFFERS, second.sender.resumeStatus);
        assertTrue(second.receiver.resumeReason.contains("another source"), second.receiver.resumeReason);
        assertEquals(0, second.sender.durablePages);
        assertEquals(PAGES, second.sender.pagesSent(), "every page travels");
        TestImages.assertSameNonFreePages(source, destination, page -> false);
    }

    @Test
    void shouldFailAndInvalidateTheJournalWhenTheDestinationChangedBehindIt() throws Exception
    {
        createSource();
        assertNotNull(attempt(1, 4 << 20, 1 << 20, 0).receiverFailure);
        assertTrue(TransferJournal.state(destination).durablePages() > 0);
        // page 0 arrived first, so it is durable; someone changes it
        TestImages.flipByte(destination, 100);

        final Attempt second = attempt(1, Long.MAX_VALUE, 0, 0);

        assertNotNull(second.receiverFailure, "a journal that lied must not pass");
        assertTrue(second.receiverFailure.getMessage().contains("journal was invalidated"),
            second.receiverFailure.getMessage());
        assertNotNull(second.senderFailure);
        assertEquals(0, TransferJournal.state(destination).durablePages(), "nothing is trusted any more");
        assertTrue(TransferJournal.describe(destination).contains("INCOMPLETE"));

        final Attempt third = attempt(1, Long.MAX_VALUE, 0, 0);

        assertNull(third.receiverFailure, () -> "full transfer failed: " + third.receiverFailure);
        assertEquals(PAGES, third.sender.pagesSent());
        TestImages.assertSameNonFreePages(source, destination, page -> false);
        assertNull(TransferJournal.state(destination));
    }

    @Test
    void shouldNotTrustAJournalWhoseDestinationIsGone() throws Exception
    {
        createSource();
        assertNotNull(attempt(1, 4 << 20, 1 << 20, 0).receiverFailure);
        assertTrue(TransferJournal.state(destination).durablePages() > 0);
        Files.delete(destination);

        final Attempt second = attempt(1, Long.MAX_VALUE, 0, 0);

        assertNull(second.receiverFailure, () -> "full transfer failed: " + second.receiverFailure);
        assertEquals(ResumeDescriptor.STATUS_IDENTITY_DIFFERS, second.sender.resumeStatus);
        assertTrue(second.receiver.resumeReason.contains("did not exist"), second.receiver.resumeReason);
        assertEquals(PAGES, second.sender.pagesSent());
        TestImages.assertSameNonFreePages(source, destination, page -> false);
    }

    @Test
    void shouldIgnoreATruncatedJournalWithTheReason() throws Exception
    {
        assertIgnoredJournal(journal -> truncate(journal, JournalDescriptor.HEADER_LENGTH + 8), "wrong size");
    }

    @Test
    void shouldIgnoreACorruptJournalWithTheReason() throws Exception
    {
        assertIgnoredJournal(journal -> TestImages.flipByte(journal, JournalDescriptor.ATTEMPTS_OFFSET), "checksum");
    }

    @Test
    void shouldIgnoreAVersion1JournalWithTheReason() throws Exception
    {
        assertIgnoredJournal(journal ->
        {
            truncate(journal, 64);
            try (FileChannel channel = FileChannel.open(journal, StandardOpenOption.WRITE))
            {
                channel.write(ByteBuffer.wrap(new byte[] {1, 0}), JournalDescriptor.VERSION_OFFSET);
            }
        }, "version 1");
    }

    private interface JournalDamage
    {
        void apply(Path journal) throws IOException;
    }

    private void assertIgnoredJournal(final JournalDamage damage, final String reason) throws Exception
    {
        createSource();
        assertNotNull(attempt(1, 4 << 20, 1 << 20, 0).receiverFailure);
        damage.apply(TransferJournal.pathFor(destination));
        assertTrue(TransferJournal.describe(destination).contains("INCOMPLETE"), "still incomplete");

        final Attempt second = attempt(1, Long.MAX_VALUE, 0, 0);

        assertNull(second.receiverFailure, () -> "full transfer failed: " + second.receiverFailure);
        assertEquals(ResumeDescriptor.STATUS_UNREADABLE, second.sender.resumeStatus);
        assertTrue(second.receiver.resumeReason.contains(reason), second.receiver.resumeReason);
        assertEquals(PAGES, second.sender.pagesSent());
        TestImages.assertSameNonFreePages(source, destination, page -> false);
        assertNull(TransferJournal.state(destination));
    }

    private static void truncate(final Path path, final long length) throws IOException
    {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE))
        {
            channel.truncate(length);
        }
    }

    /** One session: a receiver on a listening socket, a sender whose streams are cut after {@code cutAfter}. */
    private Attempt attempt(final int streams, final long cutAfter, final long checkpointBytes,
        final long checkpointMs) throws Exception
    {
        final TransferOptions receiverOptions = new TransferOptions();
        receiverOptions.checkpointBytes = checkpointBytes;
        receiverOptions.checkpointIntervalMs = checkpointMs;
        receiverOptions.ioTimeoutMs = 10_000;
        final Attempt attempt = new Attempt();
        try (ServerSocketChannel server = ServerSocketChannel.open())
        {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            final AtomicReference<TransferStats> received = new AtomicReference<>();
            final AtomicReference<Throwable> failed = new AtomicReference<>();
            final Thread receiver = new Thread(() ->
            {
                try
                {
                    received.set(new ImageReceiver(receiverOptions).receive(server, destination));
                }
                catch (final RuntimeException ex)
                {
                    failed.set(ex);
                }
            }, "ramshift-test-receiver");
            receiver.start();
            final TransferOptions senderOptions = new TransferOptions();
            senderOptions.lz4 = false;
            senderOptions.streams = streams;
            senderOptions.ioTimeoutMs = 10_000;
            final ByteChannel[] channels = new ByteChannel[streams];
            try (MappedImage image = MappedImage.openReadOnly(source))
            {
                for (int i = 0; i < streams; i++)
                {
                    // only stream 0 is cut: the others fail with the session
                    channels[i] = new CuttingChannel(SocketChannel.open(server.getLocalAddress()),
                        i == 0 ? cutAfter : Long.MAX_VALUE);
                }
                attempt.sender = new ImageSender(senderOptions).send(image, null, channels, "test receiver");
            }
            catch (final RuntimeException ex)
            {
                attempt.senderFailure = ex;
            }
            finally
            {
                for (final ByteChannel channel : channels)
                {
                    if (channel != null)
                    {
                        channel.close();
                    }
                }
            }
            receiver.join(30_000);
            assertFalse(receiver.isAlive(), "receiver still running");
            attempt.receiver = received.get();
            attempt.receiverFailure = failed.get();
            if (System.getenv("RESUME_DEBUG") != null)
            {
                System.err.println("sender: " + attempt.senderFailure + "\nreceiver: " + attempt.receiverFailure);
                if (attempt.senderFailure != null) attempt.senderFailure.printStackTrace();
            }
        }
        return attempt;
    }

    private static final class Attempt
    {
        TransferStats sender;
        TransferStats receiver;
        Throwable senderFailure;
        Throwable receiverFailure;
    }

    /** A connection that goes down after a number of bytes written (a link cut, a sender killed). */
    private static final class CuttingChannel implements ByteChannel, java.nio.channels.GatheringByteChannel
    {
        private final SocketChannel channel;
        private final long cutAfter;
        private long written;

        CuttingChannel(final SocketChannel channel, final long cutAfter)
        {
            this.channel = channel;
            this.cutAfter = cutAfter;
        }

        public int read(final ByteBuffer target) throws IOException
        {
            return channel.read(target);
        }

        public int write(final ByteBuffer source) throws IOException
        {
            if (written >= cutAfter)
            {
                channel.close();
                throw new IOException("link cut after " + written + " bytes");
            }
            final int limit = source.limit();
            if (source.remaining() > cutAfter - written)
            {
                source.limit(source.position() + (int)(cutAfter - written));
            }
            try
            {
                final int n = channel.write(source);
                written += n;
                return n;
            }
            finally
            {
                source.limit(limit);
            }
        }

        public long write(final ByteBuffer[] sources, final int offset, final int length) throws IOException
        {
            long total = 0;
            for (int i = offset; i < offset + length; i++)
            {
                final int wanted = sources[i].remaining();
                final int n = write(sources[i]);
                total += n;
                if (n < wanted)
                {
                    break;
                }
            }
            return total;
        }

        public long write(final ByteBuffer[] sources) throws IOException
        {
            return write(sources, 0, sources.length);
        }

        public boolean isOpen()
        {
            return channel.isOpen();
        }

        public void close() throws IOException
        {
            channel.close();
        }
    }
}
