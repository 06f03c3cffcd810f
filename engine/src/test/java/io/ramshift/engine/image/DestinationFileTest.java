package io.ramshift.engine.image;

import io.ramshift.engine.DestinationException;
import io.ramshift.engine.ResourceLeakExtension;
import io.ramshift.engine.TestImages;
import io.ramshift.layout.HelloAckDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.ramshift.engine.TestImages.PAGE_SIZE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(ResourceLeakExtension.class)
class DestinationFileTest
{
    private static final long PAGES = 16;
    private static final long SIZE = PAGES * PAGE_SIZE;
    private static final long STALE = 99;
    private static final long FRESH = 7;

    @TempDir
    Path dir;

    @Test
    void shouldCreateAMissingDestinationSparseAtTheImageSize() throws IOException
    {
        final Path path = dir.resolve("new.img");
        final long size = 3L << 30;

        try (DestinationFile file = DestinationFile.open(path, size, false))
        {
            assertEquals(HelloAckDescriptor.DESTINATION_CREATED, file.state());
            assertEquals(size, file.size());
            assertEquals(path, file.path());
        }

        assertEquals(size, Files.size(path));
        assertEquals(0, DataExtents.of(path, size).count(), "nothing allocated");
    }

    @Test
    void shouldWriteAnExistingDestinationOfTheSameSizeInPlace() throws IOException
    {
        final Path path = staleFile("same.img", SIZE);
        final Object inode = Files.getAttribute(path, "unix:ino");

        try (DestinationFile file = DestinationFile.open(path, SIZE, false))
        {
            assertEquals(HelloAckDescriptor.DESTINATION_EXISTING, file.state());
            file.write(3L * PAGE_SIZE, ByteBuffer.wrap(TestImages.pageContent(FRESH, 3)));
            assertEquals(PAGE_SIZE, file.bytesWritten());
        }

        assertEquals(inode, Files.getAttribute(path, "unix:ino"));
        assertEquals(SIZE, Files.size(path));
        assertArrayEquals(TestImages.pageContent(FRESH, 3), TestImages.readPage(path, 3));
        for (long page = 0; page < PAGES; page++)
        {
            if (page != 3)
            {
                assertArrayEquals(TestImages.pageContent(STALE, page), TestImages.readPage(path, page),
                    "page " + page + " was not written and must keep its bytes");
            }
        }
    }

    @Test
    void shouldNeverTruncateAnExistingDestinationItOpensAndCloses() throws IOException
    {
        final Path path = staleFile("kept.img", SIZE);
        final Object inode = Files.getAttribute(path, "unix:ino");
        final byte[] before = Files.readAllBytes(path);

        try (DestinationFile file = DestinationFile.open(path, SIZE, false))
        {
            file.sync();
        }

        assertEquals(inode, Files.getAttribute(path, "unix:ino"));
        assertArrayEquals(before, Files.readAllBytes(path));
    }

    @Test
    void shouldPunchAHoleWhenZeroingARangeOfAnExistingDestination() throws IOException
    {
        final Path path = staleFile("zero.img", SIZE);
        final Object inode = Files.getAttribute(path, "unix:ino");

        try (DestinationFile file = DestinationFile.open(path, SIZE, false))
        {
            file.zero(4L * PAGE_SIZE, 3L * PAGE_SIZE);
            file.zero(PAGES * PAGE_SIZE - PAGE_SIZE, PAGE_SIZE);
        }

        for (final long page : new long[] {4, 5, 6, PAGES - 1})
        {
            assertArrayEquals(new byte[PAGE_SIZE], TestImages.readPage(path, page), "page " + page);
        }
        assertArrayEquals(TestImages.pageContent(STALE, 3), TestImages.readPage(path, 3));
        assertArrayEquals(TestImages.pageContent(STALE, 7), TestImages.readPage(path, 7));
        final DataExtents extents = DataExtents.of(path, SIZE);
        assertEquals(2, extents.count(), "holes at pages 4..6 and at the last page");
        assertEquals(0, extents.start(0));
        assertEquals(4L * PAGE_SIZE, extents.end(0));
        assertEquals(7L * PAGE_SIZE, extents.start(1));
        assertEquals(SIZE - PAGE_SIZE, extents.end(1));
        assertEquals(inode, Files.getAttribute(path, "unix:ino"));
        assertEquals(SIZE, Files.size(path));
    }

    @Test
    void shouldNotTouchACreatedDestinationToZeroIt() throws IOException
    {
        final Path path = dir.resolve("created.img");

        try (DestinationFile file = DestinationFile.open(path, SIZE, false))
        {
            file.zero(0, SIZE);
            assertEquals(0, file.bytesWritten());
        }

        assertEquals(0, DataExtents.of(path, SIZE).count());
        assertEquals(SIZE, Files.size(path));
    }

    @Test
    void shouldClearPagesThisSessionWroteWhenZeroingACreatedDestination() throws IOException
    {
        final Path path = dir.resolve("created-written.img");

        try (DestinationFile file = DestinationFile.open(path, SIZE, false))
        {
            file.write(0, ByteBuffer.wrap(TestImages.pageContent(STALE, 0)));
            file.write((PAGES - 1) * PAGE_SIZE, ByteBuffer.wrap(TestImages.pageContent(STALE, PAGES - 1)));
            file.write(5L * PAGE_SIZE, ByteBuffer.wrap(TestImages.pageContent(STALE, 5)));
            file.zero(0, PAGE_SIZE, true);
            file.zero((PAGES - 1) * PAGE_SIZE, PAGE_SIZE, true);
            // not written by this session: stays as it is (a hole), even though page 5 holds data
            file.zero(5L * PAGE_SIZE, PAGE_SIZE, false);
        }

        assertArrayEquals(new byte[PAGE_SIZE], TestImages.readPage(path, 0));
        assertArrayEquals(new byte[PAGE_SIZE], TestImages.readPage(path, PAGES - 1));
        assertArrayEquals(TestImages.pageContent(STALE, 5), TestImages.readPage(path, 5));
        assertEquals(SIZE, Files.size(path));
    }

    @Test
    void shouldRefuseAnExistingDestinationOfAnotherSizeAndLeaveItUntouched() throws IOException
    {
        final Path path = staleFile("other.img", SIZE);
        final Object inode = Files.getAttribute(path, "unix:ino");
        final byte[] before = Files.readAllBytes(path);

        final DestinationException ex = assertThrows(
            DestinationException.class, () -> DestinationFile.open(path, 2 * SIZE, false));

        assertTrue(ex.getMessage().contains("another size"), ex.getMessage());
        assertTrue(ex.getMessage().contains("size=" + SIZE), ex.getMessage());
        assertTrue(ex.getMessage().contains("imageSize=" + 2 * SIZE), ex.getMessage());
        assertTrue(ex.getMessage().contains(path.toString()), ex.getMessage());
        assertEquals(inode, Files.getAttribute(path, "unix:ino"));
        assertArrayEquals(before, Files.readAllBytes(path));
    }

    @Test
    void shouldGrowAnExistingDestinationWhenAResizeIsAsked() throws IOException
    {
        final Path path = staleFile("grow.img", SIZE);
        final Object inode = Files.getAttribute(path, "unix:ino");

        try (DestinationFile file = DestinationFile.open(path, 2 * SIZE, true))
        {
            assertEquals(HelloAckDescriptor.DESTINATION_EXISTING, file.state());
            assertEquals(2 * SIZE, file.size());
        }

        assertEquals(2 * SIZE, Files.size(path));
        assertEquals(inode, Files.getAttribute(path, "unix:ino"));
        assertArrayEquals(TestImages.pageContent(STALE, PAGES - 1), TestImages.readPage(path, PAGES - 1));
        assertArrayEquals(new byte[PAGE_SIZE], TestImages.readPage(path, PAGES));
    }

    @Test
    void shouldShrinkAnExistingDestinationWhenAResizeIsAsked() throws IOException
    {
        final Path path = staleFile("shrink.img", SIZE);

        try (DestinationFile file = DestinationFile.open(path, SIZE / 2, true))
        {
            assertEquals(SIZE / 2, file.size());
        }

        assertEquals(SIZE / 2, Files.size(path));
        assertArrayEquals(TestImages.pageContent(STALE, 0), TestImages.readPage(path, 0));
    }

    @Test
    void shouldRefuseAWritePastTheEnd() throws IOException
    {
        final Path path = dir.resolve("end.img");

        try (DestinationFile file = DestinationFile.open(path, SIZE, false))
        {
            final DestinationException ex = assertThrows(DestinationException.class,
                () -> file.write(SIZE - PAGE_SIZE + 1, ByteBuffer.allocate(PAGE_SIZE)));
            assertTrue(ex.getMessage().contains("write past destination end: offset=" + (SIZE - PAGE_SIZE + 1) +
                " length=4096 size=" + SIZE), ex.getMessage());
            assertThrows(DestinationException.class, () -> file.write(-1, ByteBuffer.allocate(1)));
            final DestinationException overflow = assertThrows(DestinationException.class,
                () -> file.write(Long.MAX_VALUE - 100, ByteBuffer.allocate(PAGE_SIZE)));
            assertTrue(overflow.getMessage().contains("write past destination end"), overflow.getMessage());
            assertEquals(0, file.bytesWritten());
        }

        assertEquals(SIZE, Files.size(path));
    }

    @Test
    void shouldRefuseAZeroRangePastTheEnd() throws IOException
    {
        final Path path = staleFile("zero-end.img", SIZE);

        try (DestinationFile file = DestinationFile.open(path, SIZE, false))
        {
            final DestinationException ex = assertThrows(
                DestinationException.class, () -> file.zero(SIZE - PAGE_SIZE, 2L * PAGE_SIZE));
            assertTrue(ex.getMessage().contains("zero range past destination end"), ex.getMessage());
            assertThrows(DestinationException.class, () -> file.zero(0, -1));
            final DestinationException overflow = assertThrows(
                DestinationException.class, () -> file.zero(PAGE_SIZE, Long.MAX_VALUE));
            assertTrue(overflow.getMessage().contains("zero range past destination end"), overflow.getMessage());
        }

        assertEquals(SIZE, Files.size(path));
        assertArrayEquals(TestImages.pageContent(STALE, PAGES - 1), TestImages.readPage(path, PAGES - 1));
    }

    @Test
    void shouldRefuseADirectory()
    {
        final DestinationException ex = assertThrows(
            DestinationException.class, () -> DestinationFile.open(dir, SIZE, false));

        assertTrue(ex.getMessage().contains("destination is a directory: " + dir), ex.getMessage());
    }

    @Test
    void shouldReportADestinationThatCannotBeCreated()
    {
        final Path path = dir.resolve("no-such-dir").resolve("x.img");

        final DestinationException ex = assertThrows(
            DestinationException.class, () -> DestinationFile.open(path, SIZE, false));

        assertTrue(ex.getMessage().contains("cannot open destination: path=" + path), ex.getMessage());
        assertFalse(Files.exists(path));
    }

    private Path staleFile(final String name, final long size)
    {
        final Path path = TestImages.createSparse(dir.resolve(name), size);
        TestImages.writePages(path, 0, size / PAGE_SIZE, STALE);
        return path;
    }

    @Test
    void shouldRefuseASecondReceiverOfTheSameDestinationInThisProcess() throws IOException
    {
        final Path path = dir.resolve("locked.img");
        try (DestinationFile first = DestinationFile.open(path, 16 * 4096, false))
        {
            final DestinationException ex = assertThrows(DestinationException.class,
                () -> DestinationFile.open(path, 16 * 4096, false));
            assertTrue(ex.getMessage().contains("in use by another receiver (locked)"), ex.getMessage());
        }
        DestinationFile.open(path, 16 * 4096, false).close();
    }

    @Test
    void shouldRefuseADestinationAnotherProcessHoldsLockedAndLeaveItUntouched() throws Exception
    {
        final Path path = dir.resolve("other.img");
        java.nio.file.Files.write(path, new byte[3 * 4096]);
        final Process holder = new ProcessBuilder("python3", "-c",
            "import fcntl,sys,time; f=open(sys.argv[1],'r+'); fcntl.lockf(f, fcntl.LOCK_EX); print('locked'," +
                " flush=True); time.sleep(60)", path.toString()).redirectErrorStream(true).start();
        try
        {
            final String line = new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream()))
                .readLine();
            assertEquals("locked", line);

            final DestinationException ex = assertThrows(DestinationException.class,
                () -> DestinationFile.open(path, 8 * 4096, true));

            assertTrue(ex.getMessage().contains("locked"), ex.getMessage());
            assertEquals(3 * 4096, java.nio.file.Files.size(path), "a refused receiver must not resize");
        }
        finally
        {
            holder.destroyForcibly().waitFor();
        }
    }
}
