package io.ramshift.engine.image;

import io.ramshift.engine.ImageException;
import io.ramshift.layout.Elf64HeaderDescriptor;
import io.ramshift.layout.Elf64HeaderFlyweight;
import io.ramshift.layout.Elf64NoteDescriptor;
import io.ramshift.layout.Elf64NoteFlyweight;
import io.ramshift.layout.Elf64ProgramHeaderDescriptor;
import io.ramshift.layout.Elf64ProgramHeaderFlyweight;
import io.ramshift.layout.LayoutException;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static io.ramshift.engine.image.MappedImage.PAGE_SIZE;
import static io.ramshift.layout.Elf64ProgramHeaderDescriptor.PT_LOAD;
import static io.ramshift.layout.Elf64ProgramHeaderDescriptor.PT_NOTE;

/**
 * The program headers and notes of a QEMU {@code dump-guest-memory} ELF file, read and checked once, with every
 * PT_LOAD classified as guest RAM (it ends at or below the RAM limit) or outside RAM (BIOS ROM at 0xfffc0000 and
 * the like: reported, never copied).
 * <p>
 * Reads only the header, the program header table and the PT_NOTE segments, each bounded by the file length and by
 * {@link #MAX_METADATA_LENGTH}, so a hostile file cannot make it allocate more. RAM is <em>linear</em> when every RAM
 * segment stores guest-physical address {@code a} at file offset {@code a + delta} for one {@code delta >= 0}, its
 * file range starts and ends on page boundaries, and {@code [delta, delta + ramSize)} lies in the file: then the RAM
 * is a {@link MappedImage} view of the dump and needs no conversion.
 */
public final class ElfDump
{
    /** End of below-4G RAM on a QEMU {@code pc} machine (3.5 GiB): segments ending above it are not RAM. */
    public static final long DEFAULT_RAM_LIMIT = 0xE000_0000L;
    /** Most bytes read for the program header table and the notes together (64 MiB). */
    public static final int MAX_METADATA_LENGTH = 64 << 20;

    /** Segment kind: not PT_LOAD (notes and others). */
    public static final int KIND_OTHER = 0;
    /** Segment kind: PT_LOAD of guest RAM. */
    public static final int KIND_RAM = 1;
    /** Segment kind: PT_LOAD outside RAM (skipped). */
    public static final int KIND_OUTSIDE_RAM = 2;
    /** Segment kind: PT_LOAD of no bytes (ignored). */
    public static final int KIND_EMPTY = 3;

    private final Path path;
    private final long fileLength;
    private final long ramLimit;
    private final int segmentCount;
    private final int[] types;
    private final int[] kinds;
    private final long[] fileOffsets;
    private final long[] paddrs;
    private final long[] fileSizes;
    private final long[] memSizes;
    private final ByteBuffer notes;
    private final int noteCount;
    private int ramSegmentCount;
    private int outsideRamCount;
    private long outsideRamBytes;
    private long ramFileBytes;
    private long ramSize;
    private long delta;
    private String nonLinearReason;

    private ElfDump(final Path path, final long fileLength, final long ramLimit, final int segmentCount,
        final ByteBuffer notes, final int noteCount)
    {
        this.path = path;
        this.fileLength = fileLength;
        this.ramLimit = ramLimit;
        this.segmentCount = segmentCount;
        this.types = new int[segmentCount];
        this.kinds = new int[segmentCount];
        this.fileOffsets = new long[segmentCount];
        this.paddrs = new long[segmentCount];
        this.fileSizes = new long[segmentCount];
        this.memSizes = new long[segmentCount];
        this.notes = notes;
        this.noteCount = noteCount;
    }

    /**
     * @param path of a file.
     * @return true when it starts with the ELF magic 7F 'E' 'L' 'F' (false when shorter or unreadable).
     */
    public static boolean isElf(final Path path)
    {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ))
        {
            final ByteBuffer magic = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            while (magic.hasRemaining())
            {
                if (channel.read(magic, magic.position()) < 0)
                {
                    return false;
                }
            }
            return magic.getInt(0) == Elf64HeaderDescriptor.MAGIC;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /**
     * Read and check an ELF dump.
     *
     * @param path     of the dump.
     * @param ramLimit PT_LOADs ending above this guest-physical address are outside RAM.
     * @return the dump's description.
     */
    public static ElfDump read(final Path path, final long ramLimit)
    {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ))
        {
            return read(channel, path, ramLimit);
        }
        catch (final NoSuchFileException ex)
        {
            throw new ImageException("ELF dump not found: " + path);
        }
        catch (final IOException ex)
        {
            throw new ImageException("cannot read ELF dump: path=" + path + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Read and check an ELF dump from an open channel (its position is changed).
     *
     * @param channel  positioned reads from offset 0 to {@code channel.size()}.
     * @param path     of the dump, for messages.
     * @param ramLimit PT_LOADs ending above this guest-physical address are outside RAM.
     * @return the dump's description.
     */
    public static ElfDump read(final SeekableByteChannel channel, final Path path, final long ramLimit)
    {
        if (ramLimit <= 0 || (ramLimit & (PAGE_SIZE - 1)) != 0)
        {
            throw new ImageException("RAM limit must be a positive multiple of the page size: ramLimit=0x" +
                Long.toHexString(ramLimit));
        }
        try
        {
            return parse(channel, path, ramLimit);
        }
        catch (final LayoutException ex)
        {
            throw new ImageException("bad ELF dump: path=" + path + ": " + ex.getMessage(), ex);
        }
        catch (final IOException ex)
        {
            throw new ImageException("cannot read ELF dump: path=" + path + ": " + ex.getMessage(), ex);
        }
    }

    private static ElfDump parse(final SeekableByteChannel channel, final Path path, final long ramLimit)
        throws IOException
    {
        final long fileLength = channel.size();
        final Elf64HeaderFlyweight header = new Elf64HeaderFlyweight();
        if (fileLength < Elf64HeaderDescriptor.LENGTH)
        {
            throw new LayoutException("ELF file too short: length=" + fileLength +
                " header=" + Elf64HeaderDescriptor.LENGTH);
        }
        final UnsafeBuffer headerBuffer = new UnsafeBuffer(readFully(channel, 0, Elf64HeaderDescriptor.LENGTH));
        header.wrap(headerBuffer, 0).validate(fileLength);

        // e_phnum < 0xFFFF and the table lies inside the file (validated): at most 3.6 MiB
        final int phnum = header.phnum();
        final int tableLength = phnum * Elf64ProgramHeaderDescriptor.LENGTH;
        final UnsafeBuffer table = new UnsafeBuffer(readFully(channel, header.phoff(), tableLength));
        final Elf64ProgramHeaderFlyweight phdr = new Elf64ProgramHeaderFlyweight();
        long notesLength = 0;
        for (int i = 0; i < phnum; i++)
        {
            phdr.wrap(table, i * Elf64ProgramHeaderDescriptor.LENGTH);
            validate(phdr, i, fileLength);
            if (phdr.type() == PT_NOTE)
            {
                notesLength += Elf64NoteDescriptor.padded(phdr.filesz());
                if (notesLength > MAX_METADATA_LENGTH - tableLength)
                {
                    throw new LayoutException("ELF notes too large: notesLength>=" + notesLength +
                        " limit=" + (MAX_METADATA_LENGTH - tableLength) + " (program header " + i + ")");
                }
            }
        }

        final ByteBuffer notes = ByteBuffer.allocateDirect((int)notesLength);
        for (int i = 0; i < phnum; i++)
        {
            phdr.wrap(table, i * Elf64ProgramHeaderDescriptor.LENGTH);
            if (phdr.type() == PT_NOTE && phdr.filesz() > 0)
            {
                final int start = notes.position();
                readFully(channel, phdr.fileOffset(), notes, (int)phdr.filesz());
                notes.limit(notes.capacity()).position(start + (int)Elf64NoteDescriptor.padded(phdr.filesz()));
            }
        }
        notes.clear();
        final int noteCount = countNotes(notes, (int)notesLength);

        final ElfDump dump = new ElfDump(path, fileLength, ramLimit, phnum, notes.asReadOnlyBuffer(), noteCount);
        for (int i = 0; i < phnum; i++)
        {
            phdr.wrap(table, i * Elf64ProgramHeaderDescriptor.LENGTH);
            dump.types[i] = phdr.type();
            dump.fileOffsets[i] = phdr.fileOffset();
            dump.paddrs[i] = phdr.paddr();
            dump.fileSizes[i] = phdr.filesz();
            dump.memSizes[i] = phdr.memsz();
        }
        dump.classify();
        return dump;
    }

    private static void validate(final Elf64ProgramHeaderFlyweight phdr, final int index, final long fileLength)
    {
        try
        {
            phdr.validate(fileLength);
        }
        catch (final LayoutException ex)
        {
            throw new LayoutException("program header " + index + ": " + ex.getMessage());
        }
    }

    /**
     * Walk a sequence of notes; each must lie inside the bytes given (PT_NOTE segments concatenated, each padded
     * to 4), else {@link LayoutException} names the sizes.
     *
     * @param notes  direct buffer holding the notes from index 0.
     * @param length bytes of notes.
     * @return how many notes there are.
     */
    static int countNotes(final ByteBuffer notes, final int length)
    {
        if (length == 0)
        {
            return 0;
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(notes, 0, length);
        final Elf64NoteFlyweight note = new Elf64NoteFlyweight();
        int count = 0;
        long offset = 0;
        while (offset < length)
        {
            note.wrap(buffer, (int)offset).validate(length - offset);
            offset += Math.min(note.length(), length - offset);
            count++;
        }
        return count;
    }

    private void classify()
    {
        long highest = 0;
        boolean haveDelta = false;
        for (int i = 0; i < segmentCount; i++)
        {
            if (types[i] != PT_LOAD)
            {
                kinds[i] = KIND_OTHER;
                continue;
            }
            if (memSizes[i] == 0)
            {
                kinds[i] = KIND_EMPTY;
                continue;
            }
            final long end = paddrs[i] + memSizes[i];
            // unsigned: an address of 2^63 or more is never RAM; end >= paddr was validated
            if (Long.compareUnsigned(end, ramLimit) > 0)
            {
                kinds[i] = KIND_OUTSIDE_RAM;
                outsideRamCount++;
                outsideRamBytes += memSizes[i];
                continue;
            }
            kinds[i] = KIND_RAM;
            ramSegmentCount++;
            ramFileBytes += fileSizes[i];
            highest = Math.max(highest, end);
            if (fileSizes[i] > 0 && nonLinearReason == null)
            {
                final long segmentDelta = fileOffsets[i] - paddrs[i];
                if (!haveDelta)
                {
                    delta = segmentDelta;
                    haveDelta = true;
                }
                if (segmentDelta < 0)
                {
                    nonLinearReason = "segment " + i + " has p_offset - p_paddr = -0x" +
                        Long.toHexString(-segmentDelta) + " (negative)";
                }
                else if (segmentDelta != delta)
                {
                    nonLinearReason = "segment " + i + " has p_offset - p_paddr = 0x" +
                        Long.toHexString(segmentDelta) + " but an earlier RAM segment has 0x" + Long.toHexString(delta);
                }
                else if (((paddrs[i] | (paddrs[i] + fileSizes[i])) & (PAGE_SIZE - 1)) != 0)
                {
                    nonLinearReason = "segment " + i + " starts or ends inside a page: p_paddr=0x" +
                        Long.toHexString(paddrs[i]) + " p_filesz=0x" + Long.toHexString(fileSizes[i]);
                }
            }
        }
        ramSize = (highest + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1L);
        if (nonLinearReason == null && ramSize > 0 && delta > fileLength - ramSize)
        {
            nonLinearReason = "RAM view [0x" + Long.toHexString(delta) + ", 0x" + Long.toHexString(delta + ramSize) +
                ") ends past the file end 0x" + Long.toHexString(fileLength);
        }
    }

    private static ByteBuffer readFully(final SeekableByteChannel channel, final long position, final int length)
        throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(Math.max(1, length));
        readFully(channel, position, buffer, length);
        buffer.clear();
        return buffer;
    }

    private static void readFully(final SeekableByteChannel channel, final long position, final ByteBuffer buffer,
        final int length) throws IOException
    {
        buffer.limit(buffer.position() + length);
        channel.position(position);
        while (buffer.hasRemaining())
        {
            if (channel.read(buffer) < 0)
            {
                throw new LayoutException("ELF file shorter than read (changed while read?): position=" + position +
                    " length=" + length + " fileLength=" + channel.size());
            }
        }
    }

    /** @return path of the dump. */
    public Path path()
    {
        return path;
    }

    /** @return bytes of the dump file when read. */
    public long fileLength()
    {
        return fileLength;
    }

    /** @return the RAM limit the segments were classified with. */
    public long ramLimit()
    {
        return ramLimit;
    }

    /** @return program headers in the file (of every type). */
    public int segmentCount()
    {
        return segmentCount;
    }

    /**
     * @param index of a program header.
     * @return its p_type.
     */
    public int type(final int index)
    {
        return types[index];
    }

    /**
     * @param index of a program header.
     * @return {@link #KIND_RAM}, {@link #KIND_OUTSIDE_RAM}, {@link #KIND_EMPTY} or {@link #KIND_OTHER}.
     */
    public int kind(final int index)
    {
        return kinds[index];
    }

    /**
     * @param index of a program header.
     * @return its p_offset.
     */
    public long fileOffset(final int index)
    {
        return fileOffsets[index];
    }

    /**
     * @param index of a program header.
     * @return its p_paddr.
     */
    public long paddr(final int index)
    {
        return paddrs[index];
    }

    /**
     * @param index of a program header.
     * @return its p_filesz.
     */
    public long fileSize(final int index)
    {
        return fileSizes[index];
    }

    /**
     * @param index of a program header.
     * @return its p_memsz.
     */
    public long memSize(final int index)
    {
        return memSizes[index];
    }

    /** @return PT_LOADs of guest RAM. */
    public int ramSegmentCount()
    {
        return ramSegmentCount;
    }

    /** @return PT_LOADs outside RAM (skipped). */
    public int outsideRamSegmentCount()
    {
        return outsideRamCount;
    }

    /** @return p_memsz total of the PT_LOADs outside RAM. */
    public long outsideRamBytes()
    {
        return outsideRamBytes;
    }

    /** @return p_filesz total of the RAM PT_LOADs: bytes of RAM stored in the file. */
    public long ramFileBytes()
    {
        return ramFileBytes;
    }

    /** @return bytes of guest RAM: the highest RAM segment end, rounded up to a page; 0 when there is none. */
    public long ramSize()
    {
        return ramSize;
    }

    /** @return true when the RAM is a view of the file at {@link #linearDelta()} (see the class comment). */
    public boolean isLinear()
    {
        return ramSize > 0 && nonLinearReason == null;
    }

    /** @return file offset of guest-physical address 0 when {@link #isLinear()}. */
    public long linearDelta()
    {
        return delta;
    }

    /** @return why the RAM is not linear, or null when it is (or when there is no RAM). */
    public String nonLinearReason()
    {
        return nonLinearReason;
    }

    /** @return the bytes of every PT_NOTE, concatenated (each padded to 4), read-only, position 0. */
    public ByteBuffer notes()
    {
        return notes.duplicate();
    }

    /** @return bytes of {@link #notes()}. */
    public int notesLength()
    {
        return notes.capacity();
    }

    /** @return notes found in the PT_NOTE segments. */
    public int noteCount()
    {
        return noteCount;
    }

    /**
     * @param index of a program header.
     * @return one line describing it, e.g. {@code "LOAD paddr 0xfffc0000 size 0x40000 at offset 0x40001498"}.
     */
    public String describe(final int index)
    {
        return Elf64ProgramHeaderDescriptor.typeName(types[index]) + " paddr 0x" + Long.toHexString(paddrs[index]) +
            " size 0x" + Long.toHexString(memSizes[index]) + " at offset 0x" + Long.toHexString(fileOffsets[index]);
    }
}
