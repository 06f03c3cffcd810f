package io.ramshift.engine.image;

import io.ramshift.engine.ImageException;
import io.ramshift.engine.scan.ImageScanner;
import io.ramshift.layout.Elf64HeaderDescriptor;
import io.ramshift.layout.Elf64HeaderFlyweight;
import io.ramshift.layout.Elf64ProgramHeaderDescriptor;
import io.ramshift.layout.Elf64ProgramHeaderFlyweight;
import io.ramshift.layout.LayoutException;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static io.ramshift.engine.image.QemuElfFixture.RAM_OFFSET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fuzzes the ELF reader with seeded random files and seeded mutations of valid dumps (bit flips, truncation,
 * field overwrites with 0, -1 and huge values, claimed lengths up to 1 TiB): only the project's
 * {@link ImageException} and {@link LayoutException} may escape, and no case may allocate more than the bounds.
 */
class ElfReaderFuzzTest
{
    private static final long SEED = 0x5EED_E1F0L;
    private static final int CASES = 24_000;
    private static final int FILE_CASE_EVERY = 24;
    private static final long TIME_LIMIT_NANOS = 20_000_000_000L;
    private static final long HEAP_BOUND = 8L << 20;
    private static final long DIRECT_BOUND = ElfDump.MAX_METADATA_LENGTH + (4L << 20);
    private static final long TIB = 1L << 40;
    private static final long[] RAM_LIMITS = {ElfDump.DEFAULT_RAM_LIMIT, 1L << 32, 64 * 1024, 1 << 20};

    private final com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
    private final BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
        .filter(pool -> pool.getName().equals("direct")).findFirst().orElseThrow();
    private final Map<String, Integer> rejections = new TreeMap<>();

    @TempDir
    Path dir;

    private long maxHeap;
    private long maxDirect;
    private int accepted;
    private int linear;
    private int fileCases;
    private int fileAccepted;

    @Test
    void shouldOnlyEverThrowTheProjectsExceptionsWithinTheAllocationBounds() throws IOException
    {
        final byte[][] bases = {qemuBase(), multiSegmentBase()};
        final int[][] fields = {fieldsOf(bases[0]), fieldsOf(bases[1])};
        final Random random = new Random(SEED);
        final long start = System.nanoTime();
        for (int n = 0; n < CASES; n++)
        {
            final long caseSeed = random.nextLong();
            final Random r = new Random(caseSeed);
            final int which = r.nextInt(2);
            final byte[] input = mutate(r, bases[which], fields[which]);
            final long size = r.nextInt(10) == 0 ? TIB + r.nextInt(4096) : input.length;
            final long ramLimit = r.nextInt(100) == 0 ? 4095 : RAM_LIMITS[r.nextInt(RAM_LIMITS.length)];
            runInMemory(input, size, ramLimit, n, caseSeed);
            if (n % FILE_CASE_EVERY == 0)
            {
                runOnFile(input, ramLimit, n, caseSeed);
            }
        }
        final double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("ELF reader fuzz: %d in-memory cases + %d on files in %.2f s; accepted %d (%d linear), " +
            "files accepted %d; max per case: heap %d bytes, direct %d bytes%n", CASES, fileCases, seconds,
            accepted, linear, fileAccepted, maxHeap, maxDirect);
        rejections.forEach((reason, count) -> System.out.printf("  %6d  %s%n", count, reason));

        assertTrue(System.nanoTime() - start < TIME_LIMIT_NANOS, "took " + seconds + " s");
        assertTrue(maxHeap <= HEAP_BOUND, "heap per case " + maxHeap);
        assertTrue(maxDirect <= DIRECT_BOUND, "direct per case " + maxDirect);
        assertTrue(accepted > CASES / 10, "accepted " + accepted);
        assertTrue(rejections.size() > 15, "kinds of rejection " + rejections.keySet());
    }

    @Test
    void shouldReadNotesUpToTheBoundAndRefuseOneByteMore()
    {
        final byte[] base = qemuBase();
        final int table = 3 * Elf64ProgramHeaderDescriptor.LENGTH;
        final long allowed = ElfDump.MAX_METADATA_LENGTH - table;
        setNoteSegment(base, 0, allowed);
        final long directBefore = direct.getMemoryUsed();

        final ElfDump dump = ElfDump.read(new ByteArrayChannel(base, base.length, TIB), dir, 1L << 32);

        assertEquals(allowed, dump.notesLength());
        assertEquals(1, dump.noteCount());
        assertTrue(direct.getMemoryUsed() - directBefore <= DIRECT_BOUND);

        setNoteSegment(base, 0, allowed + 1);
        final ImageException ex = assertThrows(ImageException.class,
            () -> ElfDump.read(new ByteArrayChannel(base, base.length, TIB), dir, 1L << 32));
        assertTrue(ex.getMessage().contains("ELF notes too large: notesLength>=" + (allowed + 4) + " limit=" + allowed),
            ex.getMessage());
    }

    private void runInMemory(final byte[] input, final long size, final long ramLimit, final int n,
        final long caseSeed)
    {
        final long heapBefore = threads.getCurrentThreadAllocatedBytes();
        final long directBefore = direct.getMemoryUsed();
        try
        {
            final ElfDump dump = ElfDump.read(new ByteArrayChannel(input, input.length, size), dir, ramLimit);
            exercise(dump);
            accepted++;
            if (dump.isLinear())
            {
                linear++;
            }
        }
        catch (final ImageException | LayoutException ex)
        {
            reject(ex);
        }
        catch (final Throwable ex)
        {
            fail("case " + n + " seed 0x" + Long.toHexString(caseSeed) + " length " + input.length + " size " + size +
                ": " + ex, ex);
        }
        maxHeap = Math.max(maxHeap, threads.getCurrentThreadAllocatedBytes() - heapBefore);
        maxDirect = Math.max(maxDirect, direct.getMemoryUsed() - directBefore);
    }

    private void runOnFile(final byte[] input, final long ramLimit, final int n, final long caseSeed)
        throws IOException
    {
        fileCases++;
        final Path path = Files.write(dir.resolve("case.elf"), input);
        final Path out = dir.resolve("case.raw");
        try
        {
            try (SourceImage source = SourceImage.open(path, ramLimit, 64 * 1024))
            {
                final DataExtents extents = source.extents(true);
                assertTrue(extents.dataBytes() <= source.image().size());
                new ImageScanner(source.image(), null, extents).scan(0, source.image().pageCount(),
                    (pageClass, first, count) -> { });
                fileAccepted++;
            }
            catch (final ImageException | LayoutException ex)
            {
                reject(ex);
            }
            if (ElfDump.isElf(path))
            {
                try
                {
                    new ElfDumpExtractor().extract(ElfDump.read(path, ramLimit), out, null, true);
                }
                catch (final ImageException | LayoutException ex)
                {
                    reject(ex);
                }
            }
        }
        catch (final Throwable ex)
        {
            fail("file case " + n + " seed 0x" + Long.toHexString(caseSeed) + " length " + input.length + ": " + ex,
                ex);
        }
        finally
        {
            Files.deleteIfExists(out);
        }
    }

    private static void exercise(final ElfDump dump)
    {
        for (int i = 0; i < dump.segmentCount(); i++)
        {
            if (dump.kind(i) == ElfDump.KIND_RAM)
            {
                assertTrue(Long.compareUnsigned(dump.paddr(i) + dump.memSize(i), dump.ramLimit()) <= 0);
                assertTrue(dump.paddr(i) + dump.memSize(i) <= dump.ramSize());
            }
            dump.describe(i);
        }
        final ByteBuffer notes = dump.notes();
        assertEquals(dump.notesLength(), notes.remaining());
        if (dump.isLinear())
        {
            assertTrue(dump.linearDelta() >= 0);
            assertTrue(dump.linearDelta() + dump.ramSize() <= dump.fileLength());
            assertEquals(0, dump.ramSize() % MappedImage.PAGE_SIZE);
        }
    }

    private void reject(final RuntimeException ex)
    {
        String reason = String.valueOf(ex.getMessage());
        final int path = reason.indexOf(": ", reason.indexOf("path="));
        if (reason.startsWith("bad ELF dump: path=") && path > 0)
        {
            reason = reason.substring(path + 2);
        }
        reason = reason.replaceAll("-?0x[0-9a-f]+|-?[0-9]+", "N").replaceAll("/[^ :]+", "P");
        rejections.merge(reason, 1, Integer::sum);
    }

    private static byte[] mutate(final Random r, final byte[] base, final int[] fields)
    {
        final int kind = r.nextInt(10);
        if (kind == 0)
        {
            // random bytes, half of them behind a valid ident so the reader gets past the magic
            final byte[] bytes = new byte[r.nextInt(600)];
            r.nextBytes(bytes);
            if (r.nextBoolean() && bytes.length >= 8)
            {
                System.arraycopy(base, 0, bytes, 0, 8);
            }
            return bytes;
        }
        byte[] bytes = base.clone();
        final int steps = 1 + (kind >= 8 ? r.nextInt(3) : 0);
        for (int s = 0; s < steps; s++)
        {
            switch (r.nextInt(4))
            {
                case 0:
                    // bit flips, mostly in the headers and notes
                    for (int i = 0, flips = 1 + r.nextInt(8); i < flips; i++)
                    {
                        final int at = r.nextInt(4) == 0 ? r.nextInt(bytes.length) :
                            r.nextInt(Math.min(bytes.length, RAM_OFFSET + 64));
                        bytes[at] ^= (byte)(1 << r.nextInt(8));
                    }
                    break;
                case 1:
                    bytes = Arrays.copyOf(bytes, r.nextInt(bytes.length + 1));
                    if (bytes.length == 0)
                    {
                        return bytes;
                    }
                    break;
                default:
                    overwriteField(r, bytes, fields);
                    break;
            }
        }
        return bytes;
    }

    private static void overwriteField(final Random r, final byte[] bytes, final int[] fields)
    {
        final int field = r.nextInt(fields.length / 2);
        final int offset = fields[2 * field];
        final int width = fields[2 * field + 1];
        final long value;
        switch (r.nextInt(9))
        {
            case 0: value = 0; break;
            case 1: value = -1; break;
            case 2: value = Long.MAX_VALUE; break;
            case 3: value = 1L << (8 * width - 1); break;
            case 4: value = bytes.length + r.nextInt(3) - 1; break;
            case 5: value = r.nextInt(256); break;
            case 6: value = ((long)r.nextInt(1 << 20)) << 12; break;
            case 7: value = ElfDump.DEFAULT_RAM_LIMIT - (r.nextInt(4) << 12); break;
            default: value = r.nextLong(); break;
        }
        for (int i = 0; i < width && offset + i < bytes.length; i++)
        {
            bytes[offset + i] = (byte)(value >>> (8 * i));
        }
    }

    /** Offsets and widths of every header, program header and first-note field of a base file. */
    private static int[] fieldsOf(final byte[] base)
    {
        final int[] header = {0, 4, 4, 1, 5, 1, 6, 1, 16, 2, 18, 2, 20, 4, 32, 8, 40, 8, 52, 2, 54, 2, 56, 2, 58, 2,
            60, 2, 62, 2};
        final int phnum = new Elf64HeaderFlyweight().wrap(new UnsafeBuffer(base), 0).phnum();
        final int[] phdr = {0, 4, 4, 4, 8, 8, 16, 8, 24, 8, 32, 8, 40, 8, 48, 8};
        final int notes = 64 + phnum * 56;
        final int[] note = {notes, 4, notes + 4, 4, notes + 8, 4, notes + 356, 4, notes + 360, 4};
        final int[] fields = new int[header.length + phnum * phdr.length + note.length];
        System.arraycopy(header, 0, fields, 0, header.length);
        for (int i = 0; i < phnum; i++)
        {
            for (int j = 0; j < phdr.length; j += 2)
            {
                fields[header.length + i * phdr.length + j] = 64 + i * 56 + phdr[j];
                fields[header.length + i * phdr.length + j + 1] = phdr[j + 1];
            }
        }
        System.arraycopy(note, 0, fields, header.length + phnum * phdr.length, note.length);
        return fields;
    }

    private static byte[] qemuBase()
    {
        final byte[] ram = new byte[64 * 1024];
        new Random(1).nextBytes(ram);
        Arrays.fill(ram, 8192, 40960, (byte)0);
        return QemuElfFixture.qemuElf(ram, QemuElfFixture.bios(16 * 1024));
    }

    /** A linear dump like the writer's: notes, then three RAM segments at base + address, and the BIOS. */
    private static byte[] multiSegmentBase()
    {
        final int base = 4096;
        final int ram = 64 * 1024;
        final byte[] notes = QemuElfFixture.notes();
        final byte[] file = new byte[base + ram + 4096];
        new Random(2).nextBytes(file);
        final UnsafeBuffer buffer = new UnsafeBuffer(file);
        new Elf64HeaderFlyweight().wrap(buffer, 0).encode(Elf64HeaderDescriptor.ET_CORE, 64, 5);
        final Elf64ProgramHeaderFlyweight phdr = new Elf64ProgramHeaderFlyweight();
        final int notesOffset = 64 + 5 * 56;
        phdr.wrap(buffer, 64).encode(Elf64ProgramHeaderDescriptor.PT_NOTE, 0, notesOffset, 0, notes.length,
            notes.length, 4);
        final int[][] loads = {{0, 16384}, {32768, 8192}, {49152, 16384}};
        for (int i = 0; i < loads.length; i++)
        {
            phdr.wrap(buffer, 64 + (i + 1) * 56).encode(Elf64ProgramHeaderDescriptor.PT_LOAD, 7,
                base + loads[i][0], loads[i][0], loads[i][1], loads[i][1], 4096);
        }
        phdr.wrap(buffer, 64 + 4 * 56).encode(Elf64ProgramHeaderDescriptor.PT_LOAD, 5, base + ram,
            QemuElfFixture.BIOS_PADDR, 4096, 4096, 4096);
        buffer.putBytes(notesOffset, notes);
        return file;
    }

    /** One note whose descriptor fills the segment, which runs past the bytes into the channel's zeros. */
    private static void setNoteSegment(final byte[] file, final int index, final long filesz)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(file);
        final int notes = 64 + 3 * 56;
        new Elf64ProgramHeaderFlyweight().wrap(buffer, 64 + index * 56)
            .encode(Elf64ProgramHeaderDescriptor.PT_NOTE, 0, notes, 0, filesz, filesz, 4);
        buffer.putInt(notes, 0, java.nio.ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(notes + 4, (int)(filesz - 12), java.nio.ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(notes + 8, 0, java.nio.ByteOrder.LITTLE_ENDIAN);
    }
}
