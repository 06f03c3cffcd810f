package io.ramshift.engine.image;

import io.ramshift.engine.ImageException;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static io.ramshift.engine.image.MappedImage.PAGE_SIZE;

/**
 * Extracts the guest RAM of an ELF dump into a raw image: every RAM PT_LOAD is copied to its guest-physical
 * address in a new sparse file of the RAM size; PT_LOADs outside RAM are skipped and counted; the notes go to a
 * side file as raw note bytes.
 * <p>
 * Holes of the dump are never read, and all-zero 4 KiB pages (QEMU writes zeros, not holes) are not written, so
 * they stay holes in the raw image. Works for any segment layout, linear or not.
 */
public final class ElfDumpExtractor
{
    /** Bytes read per positional read. */
    public static final int BLOCK_LENGTH = 1 << 20;

    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(PAGE_SIZE).asReadOnlyBuffer();

    private final ByteBuffer block = ByteBuffer.allocateDirect(BLOCK_LENGTH);
    private final ByteBuffer page = block.duplicate();
    private final ByteBuffer zeros = ZEROS.duplicate();
    private ConversionStats stats;

    /**
     * Convert an ELF dump to a raw image.
     *
     * @param dump     the dump, read with {@link ElfDump#read(Path, long)}.
     * @param out      the raw image to create.
     * @param notesOut where to write the notes (only when there are any), or null to drop them.
     * @param replace  replace existing outputs (otherwise refused).
     * @return the figures.
     */
    public ConversionStats extract(final ElfDump dump, final Path out, final Path notesOut, final boolean replace)
    {
        stats = new ConversionStats();
        stats.startNanos = System.nanoTime();
        if (dump.ramSegmentCount() == 0 || dump.ramSize() == 0)
        {
            throw new ImageException("ELF dump has no RAM segment: path=" + dump.path() + " ramLimit=0x" +
                Long.toHexString(dump.ramLimit()) + " (raise --ram-limit?)");
        }
        final boolean writeNotes = notesOut != null && dump.notesLength() > 0;
        NewFile.checkAbsent(out, replace);
        if (writeNotes)
        {
            NewFile.checkAbsent(notesOut, replace);
        }
        final DataExtents fileExtents = DataExtents.of(dump.path(), dump.fileLength());
        try (FileChannel source = FileChannel.open(dump.path(), StandardOpenOption.READ))
        {
            if (source.size() != dump.fileLength())
            {
                throw new ImageException("ELF dump changed since read: path=" + dump.path() + " length=" +
                    source.size() + " expected=" + dump.fileLength());
            }
            final Path temp = NewFile.createTemp(out);
            try
            {
                try (RandomAccessFile file = new RandomAccessFile(temp.toFile(), "rw"))
                {
                    file.setLength(dump.ramSize());
                    final FileChannel target = file.getChannel();
                    for (int i = 0, n = dump.segmentCount(); i < n; i++)
                    {
                        if (dump.kind(i) == ElfDump.KIND_RAM)
                        {
                            stats.loadSegments++;
                            copySegment(source, fileExtents, dump.fileOffset(i), dump.paddr(i), dump.fileSize(i),
                                target);
                        }
                        else if (dump.kind(i) == ElfDump.KIND_OUTSIDE_RAM)
                        {
                            stats.skippedSegments++;
                            stats.skippedBytes += dump.memSize(i);
                        }
                    }
                    target.force(true);
                }
                if (writeNotes)
                {
                    writeNotes(dump, notesOut, replace);
                }
                NewFile.commit(temp, out, replace);
            }
            catch (final IOException | RuntimeException ex)
            {
                NewFile.deleteQuietly(temp);
                throw ex;
            }
        }
        catch (final NoSuchFileException ex)
        {
            throw new ImageException("ELF dump not found: " + dump.path());
        }
        catch (final IOException ex)
        {
            throw new ImageException("cannot convert ELF " + dump.path() + " to raw " + out + ": " + ex.getMessage(),
                ex);
        }
        stats.imageBytes = dump.ramSize();
        stats.outputBytes = dump.ramSize();
        stats.noteCount = writeNotes ? dump.noteCount() : 0;
        stats.notesBytes = writeNotes ? dump.notesLength() : 0;
        stats.endNanos = System.nanoTime();
        final ConversionStats result = stats;
        stats = null;
        return result;
    }

    /**
     * Copy the allocated parts of one segment's file range {@code [fileOffset, fileOffset + length)} to
     * {@code paddr} on.
     */
    private void copySegment(final FileChannel source, final DataExtents fileExtents, final long fileOffset,
        final long paddr, final long length, final FileChannel target) throws IOException
    {
        final long fileEnd = fileOffset + length;
        for (int e = fileExtents.firstEndingAfter(fileOffset), n = fileExtents.count(); e < n; e++)
        {
            final long from = Math.max(fileOffset, fileExtents.start(e));
            final long to = Math.min(fileEnd, fileExtents.end(e));
            if (from >= fileEnd)
            {
                break;
            }
            if (from < to)
            {
                copyRange(source, from, paddr + (from - fileOffset), to - from, target);
            }
        }
    }

    /**
     * Copy bytes in blocks that end on page boundaries of the raw image, writing only the pages that are not all
     * zero (the raw file is new and sparse: an unwritten page reads as zero).
     */
    private void copyRange(final FileChannel source, final long fileOffset, final long address, final long length,
        final FileChannel target) throws IOException
    {
        long done = 0;
        while (done < length)
        {
            final long blockAddress = address + done;
            final long blockEnd = Math.min(address + length, (blockAddress & ~(PAGE_SIZE - 1L)) + BLOCK_LENGTH);
            final int blockLength = (int)(blockEnd - blockAddress);
            block.clear().limit(blockLength);
            while (block.hasRemaining())
            {
                if (source.read(block, fileOffset + done + block.position()) < 0)
                {
                    throw new ImageException("ELF dump shrank while converted: offset=" +
                        (fileOffset + done + block.position()));
                }
            }
            stats.bytesRead += blockLength;
            writeNonZeroPages(blockAddress, blockLength, target);
            done += blockLength;
        }
    }

    private void writeNonZeroPages(final long blockAddress, final int blockLength, final FileChannel target)
        throws IOException
    {
        int runStart = -1;
        int position = 0;
        while (position < blockLength)
        {
            final long address = blockAddress + position;
            final int pageEnd = (int)Math.min(blockLength, ((address & ~(PAGE_SIZE - 1L)) + PAGE_SIZE) - blockAddress);
            page.limit(pageEnd).position(position);
            zeros.limit(pageEnd - position).position(0);
            if (page.mismatch(zeros) < 0)
            {
                stats.zeroPagesSkipped++;
                if (runStart >= 0)
                {
                    writeRun(runStart, position, blockAddress, target);
                    runStart = -1;
                }
            }
            else if (runStart < 0)
            {
                runStart = position;
            }
            position = pageEnd;
        }
        if (runStart >= 0)
        {
            writeRun(runStart, blockLength, blockAddress, target);
        }
    }

    private void writeRun(final int from, final int to, final long blockAddress, final FileChannel target)
        throws IOException
    {
        page.limit(to).position(from);
        while (page.hasRemaining())
        {
            target.write(page, blockAddress + page.position());
        }
        stats.bytesWritten += to - from;
    }

    private static void writeNotes(final ElfDump dump, final Path notesOut, final boolean replace) throws IOException
    {
        final Path temp = NewFile.createTemp(notesOut);
        try
        {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE))
            {
                final ByteBuffer notes = dump.notes();
                while (notes.hasRemaining())
                {
                    channel.write(notes, notes.position());
                }
                channel.force(true);
            }
            NewFile.commit(temp, notesOut, replace);
        }
        catch (final IOException | RuntimeException ex)
        {
            NewFile.deleteQuietly(temp);
            throw ex;
        }
    }
}
