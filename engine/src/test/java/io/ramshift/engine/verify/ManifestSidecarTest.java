package io.ramshift.engine.verify;

import io.ramshift.engine.ImageException;
import io.ramshift.engine.ResourceLeakExtension;
import io.ramshift.engine.TestImages;
import io.ramshift.engine.image.DataExtents;
import io.ramshift.engine.image.ImageStamp;
import io.ramshift.engine.image.MappedImage;
import io.ramshift.engine.verify.SidecarStatus.State;
import net.openhft.hashing.LongHashFunction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.ramshift.engine.TestImages.PAGE_SIZE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(ResourceLeakExtension.class)
class ManifestSidecarTest
{
    private static final int PAGES = 64;
    private static final long SEED = 3;
    private static final LongHashFunction XXH3 = LongHashFunction.xx3();

    @TempDir
    Path dir;

    private Path image;
    private Path sidecar;

    @BeforeEach
    void createImage()
    {
        // data in pages 0..7 and 40..43, holes elsewhere
        image = TestImages.createSparse(dir.resolve("guest.ram"), (long)PAGES * PAGE_SIZE);
        TestImages.writePages(image, 0, 8, SEED);
        TestImages.writePages(image, 40, 4, SEED);
        sidecar = dir.resolve("guest.ram.rsmanifest");
    }

    @Test
    void shouldNameTheSidecarAfterTheImageInItsDirectory()
    {
        assertEquals(sidecar, ManifestSidecar.pathFor(image));
        assertEquals(Paths.get("guest.ram.rsmanifest"), ManifestSidecar.pathFor(Paths.get("guest.ram")));
        assertEquals(Paths.get("/a/b/c.img.rsmanifest"), ManifestSidecar.pathFor(Paths.get("/a/b/c.img")));
    }

    @Test
    void shouldReportMissingWhenThereIsNoSidecar()
    {
        try (SidecarStatus status = ManifestSidecar.openIfValid(image))
        {
            assertEquals(State.MISSING, status.state());
            assertNull(status.manifest());
            assertEquals("missing", status.describe());
            assertTrue(status.reason().contains(sidecar.toString()), status.reason());
        }
    }

    @Test
    void shouldBuildOnceThenReuseWithoutRehashing() throws IOException
    {
        try (SidecarStatus first = ensure())
        {
            assertEquals(State.BUILT, first.state());
            assertEquals("built (was missing)", first.describe());
            assertEquals(sidecar, first.manifest().path());
            assertHashesOfImage(first.manifest());
            assertTrue(first.manifest().stamp().matches(ImageStamp.of(image)));
        }
        final Object inode = Files.getAttribute(sidecar, "unix:ino");
        final FileTime written = Files.getLastModifiedTime(sidecar);

        try (SidecarStatus second = ensure())
        {
            assertEquals(State.VALID, second.state(), "not rehashed");
            assertNull(second.reason());
            assertHashesOfImage(second.manifest());
        }
        assertEquals(inode, Files.getAttribute(sidecar, "unix:ino"), "sidecar not replaced");
        assertEquals(written, Files.getLastModifiedTime(sidecar), "sidecar not rewritten");
        assertOnlyImageAndSidecarLeft();
    }

    @Test
    void shouldHoldTheSameHashesAsAManifestWrittenWithOut() throws IOException
    {
        final Path out = dir.resolve("guest.manifest");
        try (MappedImage mapped = MappedImage.openReadOnly(image))
        {
            PageManifest.write(mapped, DataExtents.of(image, mapped.size()), out, 2);
        }
        ensure().close();

        final byte[] a = Files.readAllBytes(out);
        final byte[] b = Files.readAllBytes(sidecar);
        assertEquals(64 + 8 * PAGES + 8, a.length);
        assertArrayEquals(a, b, "same header (stamp included), page hashes and trailer");
    }

    @Test
    void shouldBeStaleAfterOneByteIsRewrittenInPlaceAndRebuildWithTheNewHash() throws IOException
    {
        ensure().close();

        writeByte(image, 5L * PAGE_SIZE + 17, (byte)~TestImages.readPage(image, 5)[17]);

        try (SidecarStatus status = ManifestSidecar.openIfValid(image))
        {
            assertEquals(State.STALE, status.state());
            assertNull(status.manifest(), "a stale sidecar is never handed out");
            assertTrue(status.reason().contains("mtime"), status.reason());
            assertTrue(status.reason().contains("ctime"), status.reason());
        }
        try (SidecarStatus rebuilt = ensure())
        {
            assertEquals(State.BUILT, rebuilt.state());
            assertTrue(rebuilt.reason().startsWith("stale: "), rebuilt.reason());
            assertHashesOfImage(rebuilt.manifest());
        }
    }

    @Test
    void shouldBeStaleWhenMtimeIsSetBackAfterAWrite() throws IOException
    {
        ensure().close();
        final FileTime mtime = Files.getLastModifiedTime(image);

        writeByte(image, 41L * PAGE_SIZE, (byte)0x7E);
        Files.setLastModifiedTime(image, mtime);

        try (SidecarStatus status = ManifestSidecar.openIfValid(image))
        {
            assertEquals(State.STALE, status.state());
            assertTrue(status.reason().startsWith("ctime "), status.reason());
            assertFalse(status.reason().contains("mtime"), status.reason());
        }
    }

    @Test
    void shouldBeStaleWhenTouchedWithANewMtime() throws IOException
    {
        ensure().close();

        Files.setLastModifiedTime(image, FileTime.from(Files.getLastModifiedTime(image).to(TimeUnit.NANOSECONDS) +
            1_000_000_000L, TimeUnit.NANOSECONDS));

        try (SidecarStatus status = ManifestSidecar.openIfValid(image))
        {
            assertEquals(State.STALE, status.state());
            assertTrue(status.reason().contains("mtime"), status.reason());
        }
    }

    @Test
    void shouldBeStaleWhenAppendedAndTruncatedBackToTheSameSize() throws IOException
    {
        ensure().close();

        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw"))
        {
            file.seek(file.length());
            file.write(new byte[PAGE_SIZE]);
            file.setLength((long)PAGES * PAGE_SIZE);
        }

        try (SidecarStatus status = ManifestSidecar.openIfValid(image))
        {
            assertEquals(State.STALE, status.state());
            assertFalse(status.reason().contains("size"), status.reason());
            assertTrue(status.reason().contains("ctime"), status.reason());
        }
    }

    @Test
    void shouldBeStaleWhenTheImageIsResized() throws IOException
    {
        ensure().close();

        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw"))
        {
            file.setLength((long)(PAGES + 1) * PAGE_SIZE);
        }

        try (SidecarStatus status = ManifestSidecar.openIfValid(image))
        {
            assertEquals(State.STALE, status.state());
            assertTrue(status.reason().startsWith("size " + PAGES * PAGE_SIZE + " -> " + (PAGES + 1) * PAGE_SIZE),
                status.reason());
        }
    }

    @Test
    void shouldBeStaleWhenTheImageIsReplacedByACopy() throws IOException
    {
        ensure().close();
        final Path copy = dir.resolve("copy.tmp");
        Files.copy(image, copy, StandardCopyOption.COPY_ATTRIBUTES);

        Files.move(copy, image, StandardCopyOption.REPLACE_EXISTING);

        try (SidecarStatus status = ManifestSidecar.openIfValid(image))
        {
            assertEquals(State.STALE, status.state());
            assertTrue(status.reason().contains("inode"), status.reason());
        }
    }

    @Test
    void shouldBeCorruptWhenAByteOfAPageHashFlipsAndRebuildIt() throws IOException
    {
        ensure().close();

        final long offset = 64 + 8 * 41 + 3;
        writeByte(sidecar, offset, (byte)~readByte(sidecar, offset));

        try (SidecarStatus status = ManifestSidecar.openIfValid(image))
        {
            assertEquals(State.CORRUPT, status.state());
            assertNull(status.manifest(), "a corrupt sidecar is never handed out");
            assertTrue(status.reason().contains("page-hash checksum mismatch"), status.reason());
            assertTrue(status.reason().contains(sidecar.toString()), status.reason());
        }
        try (SidecarStatus rebuilt = ensure())
        {
            assertEquals(State.BUILT, rebuilt.state());
            assertTrue(rebuilt.reason().startsWith("corrupt: "), rebuilt.reason());
            assertHashesOfImage(rebuilt.manifest());
        }
        try (SidecarStatus status = ManifestSidecar.openIfValid(image))
        {
            assertEquals(State.VALID, status.state());
        }
    }

    @Test
    void shouldBeCorruptWhenTheRecordedStampIsEditedWithoutItsChecksum() throws IOException
    {
        ensure().close();

        writeByte(sidecar, 40, (byte)~readByte(sidecar, 40));

        try (SidecarStatus status = ManifestSidecar.openIfValid(image))
        {
            assertEquals(State.CORRUPT, status.state());
            assertTrue(status.reason().contains("header checksum mismatch"), status.reason());
        }
    }

    @Test
    void shouldBeCorruptWhenTheSidecarHasTheWrongLength() throws IOException
    {
        ensure().close();
        final long length = Files.size(sidecar);

        try (RandomAccessFile file = new RandomAccessFile(sidecar.toFile(), "rw"))
        {
            file.setLength(length - 8);
        }

        try (SidecarStatus status = ManifestSidecar.openIfValid(image))
        {
            assertEquals(State.CORRUPT, status.state());
            assertTrue(status.reason().contains("wrong length: length=" + (length - 8) + " expected=" + length),
                status.reason());
        }
    }

    @Test
    void shouldRefuseAVersionOneManifestNamingTheVersionAndAskingForARebuild() throws IOException
    {
        Files.write(sidecar, versionOneManifest());

        try (SidecarStatus status = ManifestSidecar.openIfValid(image))
        {
            assertEquals(State.CORRUPT, status.state());
            assertTrue(status.reason().contains("version=1 supported=2"), status.reason());
            assertTrue(status.reason().contains("rebuild"), status.reason());
        }
        final ImageException ex = assertThrows(ImageException.class, () -> PageManifest.open(sidecar));
        assertTrue(ex.getMessage().contains("unsupported manifest version: version=1"), ex.getMessage());
        try (SidecarStatus rebuilt = ensure())
        {
            assertEquals(State.BUILT, rebuilt.state());
            assertHashesOfImage(rebuilt.manifest());
        }
    }

    @Test
    void shouldWriteTheSidecarFromHashesAlreadyHeldWithoutReadingTheImage()
    {
        final long[] hashes = hashesOfImage();

        ManifestSidecar.write(image, PAGES, (page) -> hashes[(int)page]);

        try (SidecarStatus status = ManifestSidecar.openIfValid(image))
        {
            assertEquals(State.VALID, status.state());
            assertHashesOfImage(status.manifest());
        }
        assertOnlyImageAndSidecarLeft();
    }

    @Test
    void shouldWriteTheSidecarFromAnotherManifest()
    {
        final Path copy = dir.resolve("copy.ram");
        try
        {
            Files.copy(image, copy);
        }
        catch (final IOException ex)
        {
            throw new AssertionError(ex);
        }
        try (SidecarStatus source = ensure())
        {
            ManifestSidecar.write(copy, PAGES, source.manifest());
        }

        try (SidecarStatus status = ManifestSidecar.openIfValid(copy))
        {
            assertEquals(State.VALID, status.state());
            assertHashesOfImage(status.manifest());
            assertTrue(status.manifest().stamp().matches(ImageStamp.of(copy)));
        }
    }

    @Test
    void shouldRefuseHashesOfAnotherPageCount()
    {
        final ImageException ex = assertThrows(ImageException.class,
            () -> ManifestSidecar.write(image, PAGES + 1, (page) -> 0L));

        assertTrue(ex.getMessage().contains("size=" + PAGES * PAGE_SIZE), ex.getMessage());
        assertTrue(ex.getMessage().contains("pages=" + (PAGES + 1)), ex.getMessage());
        assertFalse(Files.exists(sidecar));
        assertOnlyImageAndSidecarLeft();
    }

    @Test
    void shouldNotInstallTheSidecarWhenTheImageChangesWhileItIsWritten() throws IOException
    {
        ensure().close();
        final long[] hashes = hashesOfImage();

        final ImageException ex = assertThrows(ImageException.class, () -> ManifestSidecar.write(image, PAGES,
            (page) ->
            {
                if (page == 10)
                {
                    TestImages.writePage(image, 10, SEED);
                }
                return hashes[(int)page];
            }));

        assertTrue(ex.getMessage().startsWith("image changed while its sidecar was written: sidecar not installed"),
            ex.getMessage());
        assertTrue(ex.getMessage().contains("ctime"), ex.getMessage());
        try (SidecarStatus status = ManifestSidecar.openIfValid(image))
        {
            assertEquals(State.STALE, status.state(), "the earlier sidecar stays, and is stale");
        }
        assertOnlyImageAndSidecarLeft();
    }

    @Test
    void shouldRefuseAnImageThatIsNotAWholeNumberOfPagesAndInstallNothing() throws IOException
    {
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw"))
        {
            file.setLength((long)PAGES * PAGE_SIZE - 1);
        }

        final ImageException ex = assertThrows(ImageException.class, () -> ManifestSidecar.ensure(image, 1));

        assertTrue(ex.getMessage().contains("not a multiple of the page size"), ex.getMessage());
        assertFalse(Files.exists(sidecar));
        assertOnlyImageAndSidecarLeft();
    }

    private SidecarStatus ensure()
    {
        return ManifestSidecar.ensure(image, 2);
    }

    private long[] hashesOfImage()
    {
        final long[] hashes = new long[PAGES];
        for (int page = 0; page < PAGES; page++)
        {
            hashes[page] = XXH3.hashBytes(TestImages.readPage(image, page));
        }
        return hashes;
    }

    private void assertHashesOfImage(final PageManifest manifest)
    {
        assertNotNull(manifest);
        assertEquals(PAGES, manifest.pageCount());
        assertEquals((long)PAGES * PAGE_SIZE, manifest.imageSize());
        final long[] expected = hashesOfImage();
        for (int page = 0; page < PAGES; page++)
        {
            assertEquals(expected[page], manifest.pageHash(page), "page " + page);
        }
    }

    private void assertOnlyImageAndSidecarLeft()
    {
        try (Stream<Path> files = Files.list(dir))
        {
            final List<String> names = files.map((p) -> p.getFileName().toString()).sorted()
                .collect(Collectors.toList());
            final List<String> allowed = Arrays.asList("copy.ram", "copy.ram.rsmanifest", "guest.ram",
                "guest.ram.rsmanifest");
            assertTrue(allowed.containsAll(names), "no temporary file left: " + names);
        }
        catch (final IOException ex)
        {
            throw new AssertionError(ex);
        }
    }

    private byte[] versionOneManifest()
    {
        final ByteBuffer file = ByteBuffer.allocate(64 + 8 * PAGES).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(0, 0x5446494E414D5352L);
        file.putShort(8, (short)1);
        file.putShort(10, (short)1);
        file.putInt(12, PAGE_SIZE);
        file.putLong(16, (long)PAGES * PAGE_SIZE);
        file.putLong(24, PAGES);
        file.putLong(32, System.currentTimeMillis() * 1_000_000L);
        file.putLong(56, XXH3.hashBytes(file.array(), 0, 56));
        final long[] hashes = hashesOfImage();
        for (int page = 0; page < PAGES; page++)
        {
            file.putLong(64 + 8 * page, hashes[page]);
        }
        return file.array();
    }

    private static void writeByte(final Path path, final long offset, final byte value) throws IOException
    {
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw"))
        {
            file.seek(offset);
            file.write(value);
        }
    }

    private static byte readByte(final Path path, final long offset) throws IOException
    {
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "r"))
        {
            file.seek(offset);
            return file.readByte();
        }
    }
}
