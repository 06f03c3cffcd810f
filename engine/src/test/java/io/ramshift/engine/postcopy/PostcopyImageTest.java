package io.ramshift.engine.postcopy;

import io.ramshift.engine.TransferException;
import io.ramshift.engine.image.AtomicPageBitmap;
import io.ramshift.engine.image.DestinationFile;
import io.ramshift.engine.image.MappedImage;
import io.ramshift.engine.transfer.ImageDigest;
import io.ramshift.engine.transfer.PageHashLedger;
import org.agrona.BufferUtil;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PostcopyImageTest
{
    private static final long PAGES = 130;

    @TempDir
    Path dir;

    private DestinationFile file;
    private MappedImage view;
    private PostcopyImage image;
    private PageHashLedger ledger;
    private AtomicPageBitmap received;
    private final LongArrayList demands = new LongArrayList();

    @BeforeEach
    void open()
    {
        final Path path = dir.resolve("dst.ram");
        file = DestinationFile.open(path, PAGES * 4096, false);
        view = MappedImage.openReadOnly(path);
        ledger = new PageHashLedger(PAGES);
        received = new AtomicPageBitmap(PAGES);
        final AtomicPageBitmap pending = new AtomicPageBitmap(PAGES);
        pending.set(0);
        pending.setRange(64, 2);
        pending.set(PAGES - 1);
        image = new PostcopyImage(view, file, ledger, received, pending, new PostcopyFigures());
        image.demandSink(page ->
        {
            synchronized (demands)
            {
                demands.addLong(page);
            }
        });
    }

    @AfterEach
    void close()
    {
        view.close();
        file.close();
    }

    @Test
    void shouldStartWithOnlyThePendingPagesMissing()
    {
        assertEquals(4, image.missingPages());
        assertFalse(image.isCurrent(0));
        assertTrue(image.isCurrent(1));
        assertFalse(image.isCurrent(64));
        assertFalse(image.isCurrent(65));
        assertTrue(image.isCurrent(66));
        assertFalse(image.isCurrent(PAGES - 1));
        assertEquals(0b11L, image.missingWord(1) & 0b11L);
        assertEquals(0, image.missingWord(2) & ~(1L << (PAGES - 1 - 128)), "no bits past the last page");
    }

    @Test
    void shouldApplyADuplicateArrivalOnlyOnce()
    {
        final ByteBuffer first = page((byte)1);
        final ByteBuffer second = page((byte)2);

        assertTrue(image.apply(PAGES - 1, first, PostcopyImage.FROM_DEMAND));
        assertFalse(image.apply(PAGES - 1, second, PostcopyImage.FROM_PUSH), "a late push is dropped");
        assertFalse(image.apply(PAGES - 1, null, PostcopyImage.FROM_PREFETCH));

        final UnsafeBuffer read = new UnsafeBuffer(new byte[4096]);
        image.readPage(PAGES - 1, read, 0);
        assertEquals(1, read.getByte(0));
        assertEquals(1, read.getByte(4095));
        assertEquals(ImageDigest.pageHash(BufferUtil.address(page((byte)1))), ledger.hash(PAGES - 1));
        image.fillFigures();
        assertEquals(2, image.figures().duplicatePages);
        assertEquals(3, image.missingPages());
    }

    @Test
    void shouldRefuseANegativeReaderRate()
    {
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> new PostcopyReaders(image, PostcopyReaders.Pattern.RANDOM, 1, 0, -1, 1, null));
        assertEquals("read rate must not be negative: readRate=-1", refused.getMessage());
    }

    @Test
    void shouldIgnoreAPageThatWasCurrentBeforeTheSwitch()
    {
        assertFalse(image.apply(5, page((byte)9), PostcopyImage.FROM_PUSH), "a page not pending is never applied");
        assertFalse(received.isSet(5));
        assertEquals(4, image.missingPages());
    }

    @Test
    void shouldDemandAMissingPageOnceAndWakeTheReaderWhenItArrives() throws Exception
    {
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread reader = new Thread(() ->
        {
            try
            {
                image.awaitPage(64);
                image.awaitPage(64);
            }
            catch (final Throwable ex)
            {
                failure.set(ex);
            }
        });
        reader.start();
        while (true)
        {
            synchronized (demands)
            {
                if (!demands.isEmpty())
                {
                    break;
                }
            }
            Thread.sleep(1);
        }
        assertTrue(reader.isAlive(), "the reader waits for the page");
        image.apply(64, null, PostcopyImage.FROM_DEMAND);
        reader.join(10_000);
        assertFalse(reader.isAlive());
        assertEquals(null, failure.get());
        assertEquals(1, demands.size());
        assertEquals(64, demands.getLong(0));
        image.fillFigures();
        assertEquals(1, image.figures().faults);
        assertEquals(1, image.figures().faultLatencyMicros.getTotalCount());
    }

    @Test
    void shouldFailAWaitingReaderNamingThePageWhenTheSessionFails() throws Exception
    {
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread reader = new Thread(() ->
        {
            try
            {
                image.awaitPage(0);
            }
            catch (final Throwable ex)
            {
                failure.set(ex);
            }
        });
        reader.start();
        image.fail(new TransferException("link lost"));
        reader.join(10_000);
        assertTrue(failure.get() instanceof TransferException);
        assertEquals("page 0 never arrived: link lost", failure.get().getMessage());
        assertThrows(TransferException.class, () -> image.awaitComplete(1000));
    }

    @Test
    void shouldRefuseReadsOnceClosedAndStopReadersWithoutAFailure()
    {
        final UnsafeBuffer read = new UnsafeBuffer(new byte[4096]);
        image.readPage(1, read, 0);
        assertFalse(image.isClosed());

        image.close();

        assertTrue(image.isClosed());
        final TransferException refused = assertThrows(TransferException.class, () -> image.readPage(1, read, 0));
        assertTrue(refused.getMessage().contains("closed") && refused.getMessage().contains("page=1"),
            refused.getMessage());
        // readers with time left stop on a closed image and report no failure
        final PostcopyReaders readers = new PostcopyReaders(image, PostcopyReaders.Pattern.SEQUENTIAL, 2,
            60_000_000_000L, 0, 3, null).start();
        readers.join();
        assertNull(readers.failure());
    }

    @Test
    void shouldCompleteWhenTheLastPendingPageArrives()
    {
        image.apply(0, null, PostcopyImage.FROM_PUSH);
        image.apply(64, null, PostcopyImage.FROM_PUSH);
        image.apply(65, page((byte)3), PostcopyImage.FROM_PUSH);
        assertFalse(image.awaitComplete(1));
        image.apply(PAGES - 1, null, PostcopyImage.FROM_PUSH);
        assertTrue(image.awaitComplete(1));
        final LongArrayList acked = new LongArrayList();
        assertEquals(4, image.drainUnacked(acked));
        assertEquals(0, acked.getLong(0));
        assertEquals(PAGES - 1, acked.getLong(3));
        assertEquals(0, image.unackedCount());
    }

    private static ByteBuffer page(final byte value)
    {
        final ByteBuffer bytes = ByteBuffer.allocateDirect(4096);
        for (int i = 0; i < 4096; i++)
        {
            bytes.put(i, value);
        }
        return bytes;
    }
}
