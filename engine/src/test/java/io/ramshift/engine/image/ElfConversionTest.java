package io.ramshift.engine.image;

import io.ramshift.engine.ImageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.ramshift.engine.image.QemuElfFixture.BIOS_SIZE;
import static io.ramshift.engine.image.QemuElfFixture.RAM_SIZE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ElfConversionTest
{
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void shouldExtractQemusDumpToTheSameRamBytes() throws IOException
    {
        final Path ram = QemuElfFixture.writeRam(dir.resolve("guest.ram"), RAM_SIZE, 11);
        final Path elf = QemuElfFixture.writeQemuElf(dir.resolve("guest.elf"), ram);
        final Path out = dir.resolve("out.ram");

        final ConversionStats stats = new ElfDumpExtractor().extract(
            ElfDump.read(elf, ElfDump.DEFAULT_RAM_LIMIT), out, dir.resolve("out.ram.notes"), false);

        assertEquals(-1, Files.mismatch(ram, out));
        assertArrayEquals(QemuElfFixture.notes(), Files.readAllBytes(dir.resolve("out.ram.notes")));
        assertEquals(RAM_SIZE, stats.imageBytes);
        assertEquals(1, stats.loadSegments);
        assertEquals(1, stats.skippedSegments);
        assertEquals(BIOS_SIZE, stats.skippedBytes);
        assertEquals(RAM_SIZE, stats.bytesRead);
        assertEquals(2, stats.noteCount);
        assertEquals(QemuElfFixture.NOTES_LENGTH, stats.notesBytes);
        assertTrue(stats.zeroPagesSkipped > RAM_SIZE / 4096 / 2, "zero pages " + stats.zeroPagesSkipped);
        // QEMU wrote zeros; the raw output keeps them as holes: no more allocated than the original RAM file
        assertTrue(QemuElfFixture.allocatedBytes(out) <= QemuElfFixture.allocatedBytes(ram),
            QemuElfFixture.allocatedBytes(out) + " > " + QemuElfFixture.allocatedBytes(ram));
        assertEquals(stats.bytesWritten, QemuElfFixture.allocatedBytes(out));
        assertNoTemporaryFiles();
    }

    @Test
    void shouldRoundTripRawToElfToRawByteIdentical() throws IOException
    {
        final Path ram = QemuElfFixture.writeRam(dir.resolve("guest.ram"), RAM_SIZE, 12);
        final Path elf = dir.resolve("guest.elf");
        final Path back = dir.resolve("back.ram");

        final ConversionStats toElf = new ElfDumpWriter().write(ram, elf, null, false);
        final ElfDump dump = ElfDump.read(elf, ElfDump.DEFAULT_RAM_LIMIT);
        final ConversionStats toRaw = new ElfDumpExtractor().extract(dump, back, dir.resolve("back.ram.notes"),
            false);

        assertEquals(-1, Files.mismatch(ram, back));
        assertEquals(RAM_SIZE, dump.ramSize());
        assertTrue(dump.isLinear());
        assertEquals(4096, dump.linearDelta());
        assertEquals(toElf.loadSegments, dump.ramSegmentCount());
        assertEquals(0, dump.noteCount());
        assertEquals(4096 + RAM_SIZE, Files.size(elf));
        assertEquals(4096 + RAM_SIZE, toElf.outputBytes);
        // sparse: only the raw file's allocated bytes were copied
        assertEquals(QemuElfFixture.allocatedBytes(ram), toElf.bytesRead);
        assertTrue(QemuElfFixture.allocatedBytes(elf) <= QemuElfFixture.allocatedBytes(ram) + 4096);
        assertEquals(0, toRaw.skippedSegments);
        assertTrue(Files.notExists(dir.resolve("back.ram.notes")));
    }

    @Test
    void shouldCarryTheNotesFromElfToRawToElf() throws IOException
    {
        final Path ram = QemuElfFixture.writeRam(dir.resolve("guest.ram"), 2 * MIB, 13);
        final Path qemu = QemuElfFixture.writeQemuElf(dir.resolve("qemu.elf"), ram);
        final Path raw = dir.resolve("raw.ram");
        final Path notes = dir.resolve("raw.ram.notes");
        new ElfDumpExtractor().extract(ElfDump.read(qemu, ElfDump.DEFAULT_RAM_LIMIT), raw, notes, false);

        final Path elf = dir.resolve("again.elf");
        final ConversionStats stats = new ElfDumpWriter().write(raw, elf, ElfDumpWriter.readNotes(notes), false);
        final ElfDump dump = ElfDump.read(elf, ElfDump.DEFAULT_RAM_LIMIT);

        assertEquals(2, stats.noteCount);
        assertEquals(2, dump.noteCount());
        final byte[] carried = new byte[dump.notesLength()];
        dump.notes().get(carried);
        assertArrayEquals(QemuElfFixture.notes(), carried);
        assertEquals(Elf64Layout.roundUp(64 + (dump.segmentCount()) * 56 + QemuElfFixture.NOTES_LENGTH),
            dump.linearDelta());
        try (SourceImage view = SourceImage.open(elf); SourceImage original = SourceImage.open(raw))
        {
            assertEquals(-1, ByteBufferMismatch.of(view.image(), original.image()));
        }
    }

    @Test
    void shouldKeepTheSizeOfImagesEndingInAHoleOrMadeOfHolesOnly() throws IOException
    {
        final Path tail = dir.resolve("tail.ram");
        try (RandomAccessFile file = new RandomAccessFile(tail.toFile(), "rw"))
        {
            file.setLength(4 * MIB);
            file.seek(3 * 4096);
            file.write(new byte[] {1, 2, 3});
        }
        final Path holes = dir.resolve("holes.ram");
        try (RandomAccessFile file = new RandomAccessFile(holes.toFile(), "rw"))
        {
            file.setLength(MIB);
        }

        for (final Path raw : List.of(tail, holes))
        {
            final Path elf = dir.resolve(raw.getFileName() + ".elf");
            final Path back = dir.resolve(raw.getFileName() + ".back");
            new ElfDumpWriter().write(raw, elf, null, false);
            final ElfDump dump = ElfDump.read(elf, ElfDump.DEFAULT_RAM_LIMIT);
            new ElfDumpExtractor().extract(dump, back, null, false);

            assertEquals(Files.size(raw), dump.ramSize(), raw.toString());
            assertEquals(-1, Files.mismatch(raw, back), raw.toString());
            try (SourceImage view = SourceImage.open(elf))
            {
                assertEquals(Files.size(raw), view.image().size());
            }
        }
    }

    @Test
    void shouldCoalesceExtentsCloserThanOneMibAndWidenTheGapPastTheHeaderLimit() throws IOException
    {
        final Path raw = dir.resolve("scattered.ram");
        try (RandomAccessFile file = new RandomAccessFile(raw.toFile(), "rw"))
        {
            file.setLength(8 * MIB);
            for (final long at : new long[] {0, 512 * 1024, 3 * MIB, 3 * MIB + 4096 * 10, 6 * MIB})
            {
                file.seek(at);
                file.write(new byte[] {9});
            }
        }
        final Path elf = dir.resolve("scattered.elf");

        final ConversionStats stats = new ElfDumpWriter().write(raw, elf, null, false);
        final ElfDump dump = ElfDump.read(elf, ElfDump.DEFAULT_RAM_LIMIT);

        assertEquals(3, stats.loadSegments);
        assertEquals(0, dump.paddr(0));
        assertEquals(512 * 1024 + 4096, dump.fileSize(0));
        assertEquals(3 * MIB, dump.paddr(1));
        assertEquals(11 * 4096, dump.fileSize(1));
        assertEquals(6 * MIB, dump.paddr(2));
        assertEquals(4096, dump.fileSize(2));
        assertEquals(2 * MIB, dump.memSize(2));

        final int count = 100_000;
        final long[] starts = new long[count];
        final long[] ends = new long[count];
        for (int i = 0; i < count; i++)
        {
            starts[i] = i * 2 * MIB;
            ends[i] = starts[i] + 4096;
        }
        final DataExtents many = DataExtents.ofRanges(starts, ends, count, count * 2 * MIB);
        assertEquals(count, ElfDumpWriter.coalescedCount(many, MIB));
        // 100,000 extents 2 MiB apart need more headers than ELF allows: the gap doubles to 2 MiB, one segment
        final long gap = ElfDumpWriter.coalescingGap(many, 65534);
        assertEquals(2 * MIB, gap);
        assertEquals(1, ElfDumpWriter.coalescedCount(many, gap));
        assertEquals(MIB, ElfDumpWriter.coalescingGap(many, count));
    }

    @Test
    void shouldRefuseAnExistingOutputUnlessReplacing() throws IOException
    {
        final Path ram = QemuElfFixture.writeRam(dir.resolve("guest.ram"), 2 * MIB, 14);
        final Path elf = Files.write(dir.resolve("guest.elf"), new byte[] {1});

        final ImageException ex = assertThrows(ImageException.class,
            () -> new ElfDumpWriter().write(ram, elf, null, false));
        assertEquals("output exists: " + elf + " (use --force to replace it)", ex.getMessage());
        assertEquals(1, Files.size(elf));

        new ElfDumpWriter().write(ram, elf, null, true);
        assertEquals(4096 + 2 * MIB, Files.size(elf));
        final ImageException again = assertThrows(ImageException.class, () -> new ElfDumpExtractor().extract(
            ElfDump.read(elf, ElfDump.DEFAULT_RAM_LIMIT), ram, null, false));
        assertTrue(again.getMessage().startsWith("output exists: " + ram), again.getMessage());
        assertNoTemporaryFiles();
    }

    @Test
    void shouldRefuseNotesThatAreNotElfNotes() throws IOException
    {
        final Path ram = QemuElfFixture.writeRam(dir.resolve("guest.ram"), MIB, 15);
        final ByteBuffer notes = ByteBuffer.wrap("not notes".getBytes(StandardCharsets.US_ASCII));

        final ImageException ex = assertThrows(ImageException.class,
            () -> new ElfDumpWriter().write(ram, dir.resolve("x.elf"), notes, false));

        assertEquals("bad ELF notes: ELF note header past segment end: remaining=9 header=12", ex.getMessage());
        assertTrue(Files.notExists(dir.resolve("x.elf")));
        assertNoTemporaryFiles();
    }

    @Test
    void shouldBeReadByReadelfWithEveryLoadSegmentListed() throws Exception
    {
        assumeTrue(readelfAvailable(), "readelf not installed");
        final Path ram = QemuElfFixture.writeRam(dir.resolve("guest.ram"), RAM_SIZE, 16);
        final Path elf = dir.resolve("guest.elf");
        final ByteBuffer notes = ByteBuffer.wrap(QemuElfFixture.notes());
        final ConversionStats stats = new ElfDumpWriter().write(ram, elf, notes, false);
        final ElfDump dump = ElfDump.read(elf, ElfDump.DEFAULT_RAM_LIMIT);

        final String output = run("readelf", "-l", "-W", elf.toString());
        final String notesOutput = run("readelf", "-n", "-W", elf.toString());
        System.out.println("readelf -l -W " + elf.getFileName() + "\n" + output);

        assertTrue(output.contains("Elf file type is CORE (Core file)"), output);
        assertTrue(output.contains("There are " + (stats.loadSegments + 1) + " program headers"), output);
        final List<String> loads = Stream.of(output.split("\n")).map(String::trim)
            .filter(line -> line.startsWith("LOAD")).collect(Collectors.toList());
        assertEquals(stats.loadSegments, loads.size(), output);
        for (int i = 1; i < dump.segmentCount(); i++)
        {
            final String expected = String.format("LOAD 0x%06x 0x0000000000000000 0x%016x 0x%06x 0x%06x RWE 0x1000",
                dump.fileOffset(i), dump.paddr(i), dump.fileSize(i), dump.memSize(i));
            assertEquals(expected, loads.get(i - 1).replaceAll("\\s+", " "));
        }
        assertTrue(output.contains("NOTE"), output);
        assertTrue(notesOutput.contains("NT_PRSTATUS"), notesOutput);
        assertTrue(notesOutput.contains("QEMU"), notesOutput);
        assertTrue(!output.contains("Warning") && !notesOutput.contains("Warning"), output + notesOutput);
    }

    private void assertNoTemporaryFiles() throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            assertEquals(List.of(), files.filter(p -> p.toString().endsWith(".ramshift-tmp"))
                .collect(Collectors.toList()));
        }
    }

    private static boolean readelfAvailable()
    {
        try
        {
            return new ProcessBuilder("readelf", "--version").redirectErrorStream(true).start()
                .waitFor(10, TimeUnit.SECONDS);
        }
        catch (final IOException | InterruptedException ex)
        {
            return false;
        }
    }

    private static String run(final String... command) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
        return output;
    }

    /** Page rounding of the writer's layout. */
    private static final class Elf64Layout
    {
        static long roundUp(final long length)
        {
            return (length + 4095) & ~4095L;
        }
    }

    /** Byte-for-byte comparison of two mapped images. */
    private static final class ByteBufferMismatch
    {
        static long of(final MappedImage a, final MappedImage b)
        {
            assertEquals(a.size(), b.size());
            for (int chunk = 0; chunk < a.chunkCount(); chunk++)
            {
                final int mismatch = a.chunkByteBuffer(chunk).duplicate().mismatch(b.chunkByteBuffer(chunk).duplicate());
                if (mismatch >= 0)
                {
                    return ((long)chunk * a.chunkSize()) + mismatch;
                }
            }
            return -1;
        }
    }
}
