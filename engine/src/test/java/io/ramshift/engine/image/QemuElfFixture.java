package io.ramshift.engine.image;

import io.ramshift.layout.Elf64HeaderDescriptor;
import io.ramshift.layout.Elf64HeaderFlyweight;
import io.ramshift.layout.Elf64NoteDescriptor;
import io.ramshift.layout.Elf64NoteFlyweight;
import io.ramshift.layout.Elf64ProgramHeaderDescriptor;
import io.ramshift.layout.Elf64ProgramHeaderFlyweight;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Builds test files shaped like QEMU's: a sparse raw RAM image with scattered data, and the ELF that
 * {@code dump-guest-memory} (paging=false) writes for it: PT_NOTE with a "CORE" NT_PRSTATUS and a "QEMU" note, a
 * PT_LOAD of RAM at paddr 0 stored at file offset 0x498 with zeros written (not holes), and a PT_LOAD of the BIOS
 * ROM at paddr 0xfffc0000 after it.
 */
public final class QemuElfFixture
{
    /** RAM of the test guest: 16 MiB. */
    public static final long RAM_SIZE = 16L << 20;
    /** File offset of guest-physical address 0 in QEMU's dump. */
    public static final int RAM_OFFSET = 0x498;
    /** Guest-physical address of the BIOS ROM. */
    public static final long BIOS_PADDR = 0xFFFC_0000L;
    /** Bytes of the BIOS ROM. */
    public static final int BIOS_SIZE = 256 << 10;
    /** Descriptor bytes of the NT_PRSTATUS note (x86-64 elf_prstatus). */
    public static final int PRSTATUS_DESC_LENGTH = 336;
    /** Descriptor bytes of the QEMU note: chosen so headers and notes end at 0x498 as in the measured dump. */
    public static final int QEMU_DESC_LENGTH = 568;
    /** Bytes of the notes. */
    public static final int NOTES_LENGTH = RAM_OFFSET - Elf64HeaderDescriptor.LENGTH -
        3 * Elf64ProgramHeaderDescriptor.LENGTH;

    private QemuElfFixture()
    {
    }

    /**
     * Write a sparse raw RAM image with seeded scattered data: full random pages, runs, pages with a few bytes,
     * allocated all-zero pages, data in the first and last page; the rest holes.
     *
     * @param path where to write.
     * @param size bytes, a multiple of 4096 of at least 1 MiB.
     * @param seed of the content.
     * @return the path.
     */
    public static Path writeRam(final Path path, final long size, final long seed)
    {
        final Random random = new Random(seed);
        final long pages = size / 4096;
        final byte[] page = new byte[4096];
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw"))
        {
            file.setLength(size);
            random.nextBytes(page);
            writeAt(file, 0, page);
            writeAt(file, size - 4096, page);
            for (int i = 0; i < 150; i++)
            {
                random.nextBytes(page);
                writeAt(file, (long)random.nextInt((int)pages) * 4096, page);
            }
            for (int i = 0; i < 12; i++)
            {
                final long first = random.nextInt((int)pages - 64);
                final int count = 1 + random.nextInt(48);
                for (int p = 0; p < count; p++)
                {
                    java.util.Arrays.fill(page, (byte)(first + p));
                    writeAt(file, (first + p) * 4096, page);
                }
            }
            for (int i = 0; i < 30; i++)
            {
                final long at = (long)random.nextInt((int)pages) * 4096 + random.nextInt(4096 - 3);
                writeAt(file, at, new byte[] {(byte)(1 + random.nextInt(255)), 0, (byte)0xEE});
            }
            final byte[] zeros = new byte[4096];
            for (int i = 0; i < 20; i++)
            {
                writeAt(file, (long)random.nextInt((int)pages) * 4096, zeros);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return path;
    }

    /**
     * Write the ELF QEMU would dump for a RAM image (RAM bytes written in full, zeros included).
     *
     * @param elf where to write.
     * @param raw the RAM image.
     * @return the ELF path.
     */
    public static Path writeQemuElf(final Path elf, final Path raw)
    {
        try
        {
            final byte[] ram = Files.readAllBytes(raw);
            Files.write(elf, qemuElf(ram, bios(BIOS_SIZE)));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return elf;
    }

    /**
     * An ELF laid out as QEMU's dump in memory: headers, notes, RAM at 0x498, then the BIOS.
     *
     * @param ram  the RAM bytes.
     * @param bios the BIOS ROM bytes, placed at {@link #BIOS_PADDR}.
     * @return the file's bytes.
     */
    public static byte[] qemuElf(final byte[] ram, final byte[] bios)
    {
        final byte[] file = new byte[RAM_OFFSET + ram.length + bios.length];
        final UnsafeBuffer buffer = new UnsafeBuffer(file);
        new Elf64HeaderFlyweight().wrap(buffer, 0).encode(Elf64HeaderDescriptor.ET_CORE, 64, 3);
        final Elf64ProgramHeaderFlyweight phdr = new Elf64ProgramHeaderFlyweight();
        final int notesOffset = 64 + 3 * 56;
        phdr.wrap(buffer, 64).encode(Elf64ProgramHeaderDescriptor.PT_NOTE, 0, notesOffset, 0, NOTES_LENGTH,
            NOTES_LENGTH, 0);
        phdr.wrap(buffer, 64 + 56).encode(Elf64ProgramHeaderDescriptor.PT_LOAD, 0, RAM_OFFSET, 0, ram.length,
            ram.length, 0);
        phdr.wrap(buffer, 64 + 112).encode(Elf64ProgramHeaderDescriptor.PT_LOAD, 0, RAM_OFFSET + ram.length,
            BIOS_PADDR, bios.length, bios.length, 0);
        buffer.putBytes(notesOffset, notes());
        buffer.putBytes(RAM_OFFSET, ram);
        buffer.putBytes(RAM_OFFSET + ram.length, bios);
        return file;
    }

    /**
     * @return QEMU-like notes: "CORE" NT_PRSTATUS and a "QEMU" note, with recognisable descriptor bytes.
     */
    public static byte[] notes()
    {
        final byte[] notes = new byte[NOTES_LENGTH];
        final UnsafeBuffer buffer = new UnsafeBuffer(notes);
        final Elf64NoteFlyweight note = new Elf64NoteFlyweight();
        note.wrap(buffer, 0).encode("CORE", Elf64NoteDescriptor.NT_PRSTATUS, PRSTATUS_DESC_LENGTH);
        for (int i = 0; i < PRSTATUS_DESC_LENGTH; i++)
        {
            buffer.putByte(note.descOffset() + i, (byte)(0x40 + i));
        }
        final int second = (int)note.length();
        note.wrap(buffer, second).encode("QEMU", 0, QEMU_DESC_LENGTH);
        for (int i = 0; i < QEMU_DESC_LENGTH; i++)
        {
            buffer.putByte(note.descOffset() + i, (byte)(0x80 ^ i));
        }
        return notes;
    }

    /**
     * @param size bytes.
     * @return a recognisable BIOS ROM image.
     */
    public static byte[] bios(final int size)
    {
        final byte[] bios = new byte[size];
        for (int i = 0; i < size; i++)
        {
            bios[i] = (byte)(0xB0 + (i % 13));
        }
        return bios;
    }

    /**
     * @param path of a file.
     * @return bytes allocated to it (found with SEEK_DATA/SEEK_HOLE, page granular).
     */
    public static long allocatedBytes(final Path path)
    {
        try
        {
            return DataExtents.of(path, Files.size(path)).dataBytes();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static void writeAt(final RandomAccessFile file, final long offset, final byte[] bytes)
        throws IOException
    {
        file.seek(offset);
        file.write(bytes);
    }
}
