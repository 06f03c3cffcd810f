package io.ramshift.engine.image;

import io.ramshift.engine.ImageException;

import java.nio.file.Path;

/**
 * A file opened as a source of guest RAM: a raw image as it is, or a QEMU {@code dump-guest-memory} ELF whose RAM
 * segments are linear, as a view of the dump (no conversion, no copy).
 * <p>
 * For a view, the extents are the RAM segments' file ranges (in image offsets) intersected with the dump's own
 * allocated ranges: pages outside every RAM segment are zero without being read, so bytes of the headers, notes or
 * other segments never leak into the image.
 */
public final class SourceImage implements AutoCloseable
{
    private final Path path;
    private final MappedImage image;
    private final ElfDump elf;
    private DataExtents.Lookup lookup;
    private DataExtents extents;

    private SourceImage(final Path path, final MappedImage image, final ElfDump elf)
    {
        this.path = path;
        this.image = image;
        this.elf = elf;
    }

    /**
     * Open a source with the default RAM limit and mapping chunk.
     *
     * @param path of a raw image or an ELF dump.
     * @return the open source.
     */
    public static SourceImage open(final Path path)
    {
        return open(path, ElfDump.DEFAULT_RAM_LIMIT, MappedImage.DEFAULT_CHUNK_SIZE);
    }

    /**
     * Open a source with the default mapping chunk.
     *
     * @param path     of a raw image or an ELF dump.
     * @param ramLimit for an ELF: PT_LOADs ending above this guest-physical address are not RAM.
     * @return the open source.
     */
    public static SourceImage open(final Path path, final long ramLimit)
    {
        return open(path, ramLimit, MappedImage.DEFAULT_CHUNK_SIZE);
    }

    /**
     * Open a source.
     *
     * @param path      of a raw image or an ELF dump (recognised by its magic 7F 'E' 'L' 'F').
     * @param ramLimit  for an ELF: PT_LOADs ending above this guest-physical address are not RAM.
     * @param chunkSize bytes per mapping (see {@link MappedImage#open(Path, boolean, long)}).
     * @return the open source.
     */
    public static SourceImage open(final Path path, final long ramLimit, final long chunkSize)
    {
        if (!ElfDump.isElf(path))
        {
            return new SourceImage(path, MappedImage.open(path, false, chunkSize), null);
        }
        final ElfDump elf = ElfDump.read(path, ramLimit);
        if (elf.ramSegmentCount() == 0 || elf.ramSize() == 0)
        {
            throw new ImageException("ELF dump has no RAM segment: path=" + path + " ramLimit=0x" +
                Long.toHexString(ramLimit) + " loadSegments=" + (elf.outsideRamSegmentCount()) +
                " outside RAM (raise --ram-limit?)");
        }
        if (!elf.isLinear())
        {
            throw new ImageException("ELF dump with non-linear segments: path=" + path + ": " +
                elf.nonLinearReason() + ": run `ramshift convert DUMP RAW` first");
        }
        return new SourceImage(path, MappedImage.open(path, false, chunkSize, elf.linearDelta(), elf.ramSize()), elf);
    }

    /** @return path of the file. */
    public Path path()
    {
        return path;
    }

    /** @return the RAM as a mapped image (a view inside the dump for an ELF). */
    public MappedImage image()
    {
        return image;
    }

    /** @return true when the file is an ELF dump. */
    public boolean isElf()
    {
        return elf != null;
    }

    /** @return the dump's description, or null for a raw image. */
    public ElfDump elf()
    {
        return elf;
    }

    /**
     * Start finding the extents on a thread of its own (the native binding takes ~0.2 s to load), so it overlaps
     * other start-up work; {@link #extents(boolean)} then waits for it.
     */
    public void lookUpExtents()
    {
        if (lookup == null && extents == null)
        {
            lookup = DataExtents.lookUp(path, fileLength());
        }
    }

    /**
     * The ranges of the image that may hold data; pages outside are zero.
     *
     * @param detectHoles look for holes with SEEK_DATA/SEEK_HOLE; without it a raw image is one extent and a view
     *                    is its RAM segments.
     * @return the extents in image offsets.
     */
    public DataExtents extents(final boolean detectHoles)
    {
        if (!detectHoles)
        {
            return elf == null ? DataExtents.whole(image.size()) : segmentExtents();
        }
        if (extents == null)
        {
            final DataExtents fileExtents = lookup != null ? lookup.join() : DataExtents.of(path, fileLength());
            lookup = null;
            extents = elf == null ? fileExtents :
                segmentExtents().intersect(fileExtents.shift(elf.linearDelta(), image.size()));
        }
        return extents;
    }

    /**
     * @return one line on what the source is, e.g. the view's offset and the segments skipped; empty for raw.
     */
    public String describe()
    {
        if (elf == null)
        {
            return "";
        }
        final StringBuilder text = new StringBuilder()
            .append(path).append(": ELF dump, RAM view of ").append(image.size()).append(" bytes at file offset 0x")
            .append(Long.toHexString(image.baseOffset())).append(" (").append(elf.ramSegmentCount())
            .append(" RAM segment").append(elf.ramSegmentCount() == 1 ? "" : "s").append(", ")
            .append(elf.noteCount()).append(" notes)");
        for (int i = 0; i < elf.segmentCount(); i++)
        {
            if (elf.kind(i) == ElfDump.KIND_OUTSIDE_RAM)
            {
                text.append("; skipped outside RAM: ").append(elf.describe(i));
            }
        }
        return text.toString();
    }

    private DataExtents segmentExtents()
    {
        final int n = elf.segmentCount();
        final long[] starts = new long[n];
        final long[] ends = new long[n];
        int count = 0;
        for (int i = 0; i < n; i++)
        {
            if (elf.kind(i) == ElfDump.KIND_RAM && elf.fileSize(i) > 0)
            {
                starts[count] = elf.paddr(i);
                ends[count] = elf.paddr(i) + elf.fileSize(i);
                count++;
            }
        }
        return DataExtents.ofRanges(starts, ends, count, image.size());
    }

    private long fileLength()
    {
        return elf == null ? image.size() : elf.fileLength();
    }

    /**
     * Unmap the image (waits for a pending extents lookup so its thread never outlives the source).
     */
    public void close()
    {
        if (lookup != null)
        {
            try
            {
                lookup.join();
            }
            catch (final RuntimeException ignore)
            {
                // the lookup's failure only matters to a caller that asked for the extents
            }
            lookup = null;
        }
        image.close();
    }
}
