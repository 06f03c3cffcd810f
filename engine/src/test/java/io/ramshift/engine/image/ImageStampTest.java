package io.ramshift.engine.image;

import io.ramshift.engine.ImageException;
import io.ramshift.engine.TestImages;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;

import static io.ramshift.engine.TestImages.PAGE_SIZE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageStampTest
{
    private static final long PAGES = 16;
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);

    @TempDir
    Path dir;

    private Path image;
    private Path scratch;

    @BeforeEach
    void createImage()
    {
        image = TestImages.createSparse(dir.resolve("guest.ram"), PAGES * PAGE_SIZE);
        TestImages.writePages(image, 2, 4, 9);
        scratch = dir.resolve("clock.tmp");
    }

    @Test
    void shouldReadSizeTimesInNanosecondsAndInode() throws IOException
    {
        final ImageStamp stamp = ImageStamp.of(image);

        assertEquals(PAGES * PAGE_SIZE, stamp.size());
        assertEquals(Files.getLastModifiedTime(image).to(TimeUnit.NANOSECONDS), stamp.mtimeNanos());
        assertEquals(((FileTime)Files.getAttribute(image, "unix:ctime")).to(TimeUnit.NANOSECONDS), stamp.ctimeNanos());
        assertEquals((long)(Long)Files.getAttribute(image, "unix:ino"), stamp.inode());
    }

    @Test
    void shouldMatchItselfWhileNothingChanges()
    {
        final ImageStamp before = ImageStamp.settled(image, scratch, TIMEOUT_NS);
        final ImageStamp after = ImageStamp.of(image);

        assertTrue(before.matches(after));
        assertEquals(before, after);
        assertEquals(before.hashCode(), after.hashCode());
        assertNull(before.changes(after));
        assertFalse(before.matches(null));
    }

    @Test
    void shouldSettleOnlyOnceTheFileSystemClockHasPassedTheLastChange()
    {
        TestImages.writePage(image, 7, 1);

        final ImageStamp stamp = ImageStamp.settled(image, scratch, TIMEOUT_NS);

        assertTrue(stamp.ctimeNanos() < FileSystemClock.now(scratch));
    }

    @Test
    void shouldChangeWhenTouchedWithANewMtime() throws IOException
    {
        final ImageStamp before = ImageStamp.settled(image, scratch, TIMEOUT_NS);

        Files.setLastModifiedTime(image, FileTime.from(before.mtimeNanos() + 1_000_000_000L, TimeUnit.NANOSECONDS));

        final ImageStamp after = ImageStamp.of(image);
        assertFalse(before.matches(after));
        assertTrue(before.changes(after).contains("mtime " +
            ImageStamp.instant(before.mtimeNanos()) + " -> " + ImageStamp.instant(after.mtimeNanos())),
            before.changes(after));
        assertTrue(before.changes(after).contains("ctime"), before.changes(after));
    }

    @Test
    void shouldChangeCtimeWhenMtimeIsSetBackAfterAWrite() throws IOException
    {
        final ImageStamp before = ImageStamp.settled(image, scratch, TIMEOUT_NS);

        writeByte(image, 3L * PAGE_SIZE + 5, (byte)0x42);
        Files.setLastModifiedTime(image, FileTime.from(before.mtimeNanos(), TimeUnit.NANOSECONDS));

        final ImageStamp after = ImageStamp.of(image);
        assertEquals(before.mtimeNanos(), after.mtimeNanos(), "touch -d put the mtime back");
        assertFalse(before.matches(after));
        assertEquals("ctime " + ImageStamp.instant(before.ctimeNanos()) + " -> " +
            ImageStamp.instant(after.ctimeNanos()), before.changes(after));
    }

    @Test
    void shouldChangeWhenAppendedAndTruncatedBackToTheSameSize() throws IOException
    {
        final ImageStamp before = ImageStamp.settled(image, scratch, TIMEOUT_NS);

        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw"))
        {
            file.seek(file.length());
            file.write(new byte[PAGE_SIZE]);
            file.setLength(PAGES * PAGE_SIZE);
        }

        final ImageStamp after = ImageStamp.of(image);
        assertEquals(before.size(), after.size());
        assertEquals(before.inode(), after.inode());
        assertFalse(before.matches(after));
        assertTrue(before.changes(after).contains("mtime"), before.changes(after));
        assertTrue(before.changes(after).contains("ctime"), before.changes(after));
    }

    @Test
    void shouldChangeWhenOneByteIsRewrittenInPlace() throws IOException
    {
        final ImageStamp before = ImageStamp.settled(image, scratch, TIMEOUT_NS);

        writeByte(image, 2L * PAGE_SIZE + 100, (byte)~TestImages.readPage(image, 2)[100]);

        assertFalse(before.matches(ImageStamp.of(image)));
    }

    @Test
    void shouldChangeEvenWhenTheRewrittenByteKeepsItsValue() throws IOException
    {
        final ImageStamp before = ImageStamp.settled(image, scratch, TIMEOUT_NS);

        writeByte(image, 2L * PAGE_SIZE + 100, TestImages.readPage(image, 2)[100]);

        assertFalse(before.matches(ImageStamp.of(image)), "a write is a change, whatever it wrote");
    }

    @Test
    void shouldChangeInodeWhenReplacedByACopy() throws IOException
    {
        final ImageStamp before = ImageStamp.settled(image, scratch, TIMEOUT_NS);
        final Path copy = dir.resolve("copy.ram");
        Files.copy(image, copy, StandardCopyOption.COPY_ATTRIBUTES);

        Files.move(copy, image, StandardCopyOption.REPLACE_EXISTING);

        final ImageStamp after = ImageStamp.of(image);
        assertNotEquals(before.inode(), after.inode());
        assertTrue(before.changes(after).contains("inode " + before.inode() + " -> " + after.inode()),
            before.changes(after));
    }

    @Test
    void shouldWriteTimesAsUtcInstantsToTheNanosecond()
    {
        assertEquals("1970-01-01T00:00:00Z", ImageStamp.instant(0));
        assertEquals("2026-11-23T16:51:05.091601963Z", ImageStamp.instant(1_795_452_665_091_601_963L));
        assertEquals("size 4096 -> 8192, mtime 1970-01-01T00:00:00.000000001Z -> 1970-01-01T00:00:00.000000002Z",
            new ImageStamp(4096, 1, 7, 9).changes(new ImageStamp(8192, 2, 7, 9)));
    }

    @Test
    void shouldNameTheFileWhenItIsMissing()
    {
        final Path missing = dir.resolve("missing.ram");

        final ImageException ex = assertThrows(ImageException.class, () -> ImageStamp.of(missing));

        assertTrue(ex.getMessage().contains(missing.toString()), ex.getMessage());
    }

    private static void writeByte(final Path path, final long offset, final byte value) throws IOException
    {
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw"))
        {
            file.seek(offset);
            file.write(value);
        }
    }
}
