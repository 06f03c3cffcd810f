package io.ramshift.engine.image;

import io.ramshift.engine.ImageException;
import io.ramshift.layout.Elf64HeaderDescriptor;
import io.ramshift.layout.Elf64HeaderFlyweight;
import io.ramshift.layout.Elf64ProgramHeaderDescriptor;
import io.ramshift.layout.Elf64ProgramHeaderFlyweight;
import io.ramshift.layout.LayoutException;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static io.ramshift.engine.image.MappedImage.PAGE_SIZE;
import static io.ramshift.layout.Elf64ProgramHeaderDescriptor.PF_R;
import static io.ramshift.layout.Elf64ProgramHeaderDescriptor.PF_W;
import static io.ramshift.layout.Elf64ProgramHeaderDescriptor.PF_X;

/**
 * Writes a raw RAM image as an ELF64 core file of the kind QEMU's {@code dump-guest-memory} produces: the header,
 * one PT_NOTE (when notes are given) and one PT_LOAD per allocated extent of the raw file.
 * <p>
 * Extents closer than {@link #COALESCE_GAP} share a PT_LOAD (the gap doubles until there are at most 65534
 * program headers). Segments are placed linearly, guest-physical address {@code a} at file offset
 * {@code base + a} with {@code base} = headers and notes rounded up to a page, so the output is itself a linear view
 * (see {@link ElfDump}); the file is created sparse at {@code base + size} and only the raw file's allocated bytes
 * are copied, so holes stay holes. The last PT_LOAD's {@code p_memsz} reaches the image end, so reading the ELF back
 * gives the same RAM size even when the image ends in a hole.
 */
public final class ElfDumpWriter
{
    /** Extents separated by less than this (1 MiB) share one PT_LOAD. */
    public static final long COALESCE_GAP = 1L << 20;
    /** p_flags of a RAM PT_LOAD: readable, writable, executable. */
    public static final int LOAD_FLAGS = PF_R | PF_W | PF_X;

    private final Elf64HeaderFlyweight header = new Elf64HeaderFlyweight();
    private final Elf64ProgramHeaderFlyweight phdr = new Elf64ProgramHeaderFlyweight();

    /**
     * Convert a raw image to an ELF dump.
     *
     * @param raw     the raw image.
     * @param out     the ELF file to create.
     * @param notes   ELF notes to carry (from position to limit), or null for no PT_NOTE.
     * @param replace replace an existing {@code out} (otherwise refused).
     * @return the figures.
     */
    public ConversionStats write(final Path raw, final Path out, final ByteBuffer notes, final boolean replace)
    {
        final ConversionStats stats = new ConversionStats();
        stats.startNanos = System.nanoTime();
        NewFile.checkAbsent(out, replace);
        final int notesLength = notes == null ? 0 : notes.remaining();
        if (notesLength > ElfDump.MAX_METADATA_LENGTH)
        {
            throw new ImageException("ELF notes too large: length=" + notesLength + " limit=" +
                ElfDump.MAX_METADATA_LENGTH);
        }
        try (FileChannel source = FileChannel.open(raw, StandardOpenOption.READ))
        {
            final long size = source.size();
            MappedImage.checkSize(raw, size);
            final DataExtents extents = DataExtents.of(raw, size);
            final long gap = coalescingGap(extents, Elf64HeaderDescriptor.PN_XNUM - 1 - (notesLength > 0 ? 1 : 0));
            final int loads = Math.max(1, coalescedCount(extents, gap));
            final int phnum = loads + (notesLength > 0 ? 1 : 0);
            final int headersLength = Elf64HeaderDescriptor.LENGTH + phnum * Elf64ProgramHeaderDescriptor.LENGTH;
            final int metaLength = headersLength + notesLength;
            final long base = (metaLength + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1L);

            final ByteBuffer meta = ByteBuffer.allocateDirect(metaLength);
            final UnsafeBuffer buffer = new UnsafeBuffer(meta);
            header.wrap(buffer, 0).encode(Elf64HeaderDescriptor.ET_CORE, Elf64HeaderDescriptor.LENGTH, phnum);
            int entry = Elf64HeaderDescriptor.LENGTH;
            if (notesLength > 0)
            {
                buffer.putBytes(headersLength, notes, notes.position(), notesLength);
                stats.noteCount = countNotes(meta, headersLength, notesLength);
                phdr.wrap(buffer, entry).encode(Elf64ProgramHeaderDescriptor.PT_NOTE, 0, headersLength, 0,
                    notesLength, notesLength, 4);
                entry += Elf64ProgramHeaderDescriptor.LENGTH;
            }
            encodeLoads(buffer, entry, extents, gap, base, size);

            final Path temp = NewFile.createTemp(out);
            try
            {
                try (RandomAccessFile file = new RandomAccessFile(temp.toFile(), "rw"))
                {
                    file.setLength(base + size);
                    final FileChannel target = file.getChannel();
                    meta.clear();
                    while (meta.hasRemaining())
                    {
                        target.write(meta, meta.position());
                    }
                    for (int i = 0, n = extents.count(); i < n; i++)
                    {
                        copy(source, extents.start(i), extents.end(i) - extents.start(i), target, base, raw);
                    }
                    target.force(true);
                }
                NewFile.commit(temp, out, replace);
            }
            catch (final IOException | RuntimeException ex)
            {
                NewFile.deleteQuietly(temp);
                throw ex;
            }
            stats.imageBytes = size;
            stats.loadSegments = loads;
            stats.bytesRead = extents.dataBytes();
            stats.bytesWritten = metaLength + extents.dataBytes();
            stats.notesBytes = notesLength;
            stats.outputBytes = base + size;
            stats.endNanos = System.nanoTime();
            return stats;
        }
        catch (final NoSuchFileException ex)
        {
            throw new ImageException("image not found: " + raw);
        }
        catch (final IOException ex)
        {
            throw new ImageException("cannot convert " + raw + " to ELF " + out + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Read a notes side file (raw ELF note bytes, as {@link ElfDumpExtractor} writes them).
     *
     * @param path of the notes file.
     * @return its bytes, position 0 to limit.
     */
    public static ByteBuffer readNotes(final Path path)
    {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ))
        {
            final long length = channel.size();
            if (length > ElfDump.MAX_METADATA_LENGTH)
            {
                throw new ImageException("ELF notes file too large: path=" + path + " length=" + length + " limit=" +
                    ElfDump.MAX_METADATA_LENGTH);
            }
            final ByteBuffer notes = ByteBuffer.allocateDirect((int)length);
            while (notes.hasRemaining())
            {
                if (channel.read(notes, notes.position()) < 0)
                {
                    throw new ImageException("ELF notes file shrank while read: path=" + path);
                }
            }
            return notes.flip();
        }
        catch (final NoSuchFileException ex)
        {
            throw new ImageException("ELF notes file not found: " + path);
        }
        catch (final IOException ex)
        {
            throw new ImageException("cannot read ELF notes: path=" + path + ": " + ex.getMessage(), ex);
        }
    }

    private static int countNotes(final ByteBuffer meta, final int offset, final int length)
    {
        try
        {
            return ElfDump.countNotes(meta.duplicate().position(offset).slice(), length);
        }
        catch (final LayoutException ex)
        {
            throw new ImageException("bad ELF notes: " + ex.getMessage(), ex);
        }
    }

    /**
     * @return the smallest gap from {@link #COALESCE_GAP} on, doubling, that needs at most {@code maxLoads} PT_LOADs.
     */
    static long coalescingGap(final DataExtents extents, final int maxLoads)
    {
        long gap = COALESCE_GAP;
        while (coalescedCount(extents, gap) > maxLoads)
        {
            gap <<= 1;
        }
        return gap;
    }

    /**
     * @return PT_LOADs needed when extents closer than {@code gap} share one.
     */
    static int coalescedCount(final DataExtents extents, final long gap)
    {
        int count = 0;
        long end = Long.MIN_VALUE;
        for (int i = 0, n = extents.count(); i < n; i++)
        {
            if (count == 0 || extents.start(i) - end >= gap)
            {
                count++;
            }
            end = extents.end(i);
        }
        return count;
    }

    private void encodeLoads(final UnsafeBuffer buffer, final int firstEntry, final DataExtents extents,
        final long gap, final long base, final long size)
    {
        int entry = firstEntry;
        final int n = extents.count();
        if (n == 0)
        {
            // an image of holes only: one segment of no file bytes keeps the RAM size
            phdr.wrap(buffer, entry).encode(Elf64ProgramHeaderDescriptor.PT_LOAD, LOAD_FLAGS, base, 0, 0, size,
                PAGE_SIZE);
            return;
        }
        long start = extents.start(0);
        long end = extents.end(0);
        for (int i = 1; i <= n; i++)
        {
            if (i < n && extents.start(i) - end < gap)
            {
                end = extents.end(i);
                continue;
            }
            final long memsz = (i == n ? size : end) - start;
            phdr.wrap(buffer, entry).encode(Elf64ProgramHeaderDescriptor.PT_LOAD, LOAD_FLAGS, base + start, start,
                end - start, memsz, PAGE_SIZE);
            entry += Elf64ProgramHeaderDescriptor.LENGTH;
            if (i < n)
            {
                start = extents.start(i);
                end = extents.end(i);
            }
        }
    }

    private static void copy(final FileChannel source, final long start, final long length, final FileChannel target,
        final long base, final Path raw) throws IOException
    {
        long done = 0;
        while (done < length)
        {
            target.position(base + start + done);
            final long n = source.transferTo(start + done, length - done, target);
            if (n <= 0)
            {
                throw new ImageException("image shrank while converted: path=" + raw + " offset=" + (start + done) +
                    " size=" + source.size());
            }
            done += n;
        }
    }
}
