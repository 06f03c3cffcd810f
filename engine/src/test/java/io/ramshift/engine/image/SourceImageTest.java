package io.ramshift.engine.image;

import io.ramshift.engine.ImageException;
import io.ramshift.engine.scan.ImageScanner;
import io.ramshift.engine.scan.PageClass;
import io.ramshift.engine.verify.ImageComparator;
import io.ramshift.engine.verify.ImageComparison;
import io.ramshift.layout.Elf64ProgramHeaderDescriptor;
import io.ramshift.layout.Elf64ProgramHeaderFlyweight;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static io.ramshift.engine.image.QemuElfFixture.RAM_OFFSET;
import static io.ramshift.engine.image.QemuElfFixture.RAM_SIZE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SourceImageTest
{
    private static final int PAGE = MappedImage.PAGE_SIZE;

    @TempDir
    Path dir;

    @Test
    void shouldOpenARawImageAsItIs()
    {
        final Path raw = QemuElfFixture.writeRam(dir.resolve("guest.ram"), 2 << 20, 1);

        try (SourceImage source = SourceImage.open(raw))
        {
            assertFalse(source.isElf());
            assertNull(source.elf());
            assertEquals(0, source.image().baseOffset());
            assertEquals(2 << 20, source.image().size());
            assertEquals("", source.describe());
            assertSameBounds(DataExtents.of(raw, 2 << 20), source.extents(true));
            assertSameBounds(DataExtents.whole(2 << 20), source.extents(false));
        }
    }

    @Test
    void shouldOpenQemusDumpAsAViewOfTheSameRam()
    {
        final Path raw = QemuElfFixture.writeRam(dir.resolve("guest.ram"), RAM_SIZE, 2);
        final Path elf = QemuElfFixture.writeQemuElf(dir.resolve("guest.elf"), raw);

        try (SourceImage source = SourceImage.open(elf); MappedImage rawImage = MappedImage.openReadOnly(raw))
        {
            assertTrue(source.isElf());
            assertEquals(RAM_OFFSET, source.image().baseOffset());
            assertEquals(RAM_SIZE, source.image().size());
            assertSameBounds(DataExtents.whole(RAM_SIZE), source.extents(true));
            assertSameBounds(DataExtents.whole(RAM_SIZE), source.extents(false));
            assertEquals(elf + ": ELF dump, RAM view of 16777216 bytes at file offset 0x498 (1 RAM segment, 2 " +
                "notes); skipped outside RAM: LOAD paddr 0xfffc0000 size 0x40000 at offset 0x1000498",
                source.describe());
            final byte[] a = new byte[PAGE];
            final byte[] b = new byte[PAGE];
            for (long page = 0; page < rawImage.pageCount(); page++)
            {
                read(source.image(), page, a);
                read(rawImage, page, b);
                assertTrue(Arrays.equals(a, b), "page " + page);
            }
            final ImageComparison comparison = new ImageComparator(2).compare(source.image(), rawImage, null,
                source.extents(true), DataExtents.of(raw, RAM_SIZE));
            assertTrue(comparison.identical());
            assertEquals(RAM_SIZE / PAGE, comparison.comparedPages());
        }
    }

    @Test
    void shouldTreatPagesOutsideRamSegmentsAsZeroWithoutReadingThem() throws IOException
    {
        // two RAM segments with one delta and garbage in the file between them, where no segment points
        final int ram = 3 << 20;
        final byte[] file = QemuElfFixture.qemuElf(new byte[ram], new byte[0]);
        Arrays.fill(file, RAM_OFFSET, RAM_OFFSET + ram, (byte)0x11);
        Arrays.fill(file, RAM_OFFSET + (1 << 20), RAM_OFFSET + (2 << 20), (byte)0xFF);
        final UnsafeBuffer buffer = new UnsafeBuffer(file);
        final Elf64ProgramHeaderFlyweight phdr = new Elf64ProgramHeaderFlyweight();
        phdr.wrap(buffer, 64 + 56).encode(Elf64ProgramHeaderDescriptor.PT_LOAD, 0, RAM_OFFSET, 0, 1 << 20, 1 << 20, 0);
        phdr.wrap(buffer, 64 + 112).encode(Elf64ProgramHeaderDescriptor.PT_LOAD, 0, RAM_OFFSET + (2 << 20), 2 << 20,
            1 << 20, 1 << 20, 0);
        final Path elf = Files.write(dir.resolve("gap.elf"), file);

        try (SourceImage source = SourceImage.open(elf))
        {
            assertEquals(ram, source.image().size());
            assertSameBounds(DataExtents.ofRanges(new long[] {0, 2 << 20}, new long[] {1 << 20, 3 << 20}, 2, ram),
                source.extents(true));
            assertSameBounds(source.extents(true), source.extents(false));
            final long[] zeroPages = new long[1];
            new ImageScanner(source.image(), null, source.extents(false)).scan(0, source.image().pageCount(),
                (pageClass, first, count) ->
                {
                    if (pageClass == PageClass.ZERO)
                    {
                        zeroPages[0] += count;
                        assertEquals(256, first);
                    }
                });
            assertEquals(256, zeroPages[0]);
        }
    }

    @Test
    void shouldSeeTheWritersElfAsAViewWithTheRawFilesHoles()
    {
        final Path raw = QemuElfFixture.writeRam(dir.resolve("guest.ram"), RAM_SIZE, 3);
        final Path elf = dir.resolve("guest.elf");
        new ElfDumpWriter().write(raw, elf, null, false);

        try (SourceImage source = SourceImage.open(elf))
        {
            source.lookUpExtents();
            assertEquals(4096, source.image().baseOffset());
            assertSameBounds(DataExtents.of(raw, RAM_SIZE), source.extents(true));
        }
    }

    @Test
    void shouldAskForAConversionOfANonLinearDump() throws IOException
    {
        final byte[] file = QemuElfFixture.qemuElf(new byte[1 << 20], new byte[0]);
        new Elf64ProgramHeaderFlyweight().wrap(new UnsafeBuffer(file), 64 + 112)
            .encode(Elf64ProgramHeaderDescriptor.PT_LOAD, 0, RAM_OFFSET, 1 << 20, 4096, 4096, 0);
        final Path elf = Files.write(dir.resolve("nonlinear.elf"), file);

        final ImageException ex = assertThrows(ImageException.class, () -> SourceImage.open(elf));

        assertEquals("ELF dump with non-linear segments: path=" + elf + ": segment 2 has p_offset - p_paddr = " +
            "-0xffb68 (negative): run `ramshift convert DUMP RAW` first", ex.getMessage());
    }

    @Test
    void shouldRefuseADumpWithoutRam() throws IOException
    {
        final Path elf = Files.write(dir.resolve("bios-only.elf"),
            QemuElfFixture.qemuElf(new byte[0], QemuElfFixture.bios(4096)));

        final ImageException ex = assertThrows(ImageException.class, () -> SourceImage.open(elf));

        assertTrue(ex.getMessage().startsWith("ELF dump has no RAM segment: path=" + elf + " ramLimit=0xe0000000"),
            ex.getMessage());
    }

    @Test
    void shouldReportAMissingSourceAsBefore()
    {
        final Path missing = dir.resolve("missing.ram");

        final ImageException ex = assertThrows(ImageException.class, () -> SourceImage.open(missing));

        assertEquals("image not found: " + missing, ex.getMessage());
    }

    private static void read(final MappedImage image, final long page, final byte[] into)
    {
        final long offset = page * PAGE;
        image.chunkBuffer(image.chunkIndex(offset)).getBytes(image.chunkOffset(offset), into);
    }

    static void assertSameBounds(final DataExtents expected, final DataExtents actual)
    {
        assertEquals(expected.size(), actual.size());
        assertEquals(expected.count(), actual.count(), "extent count");
        for (int i = 0; i < expected.count(); i++)
        {
            assertEquals(expected.start(i), actual.start(i), "start of extent " + i);
            assertEquals(expected.end(i), actual.end(i), "end of extent " + i);
        }
    }
}
