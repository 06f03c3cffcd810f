package io.ramshift.engine.generate;

import java.nio.file.Path;

import static io.ramshift.layout.PageLayoutDescriptor.KIND_COUNT;
import static io.ramshift.layout.PageLayoutDescriptor.kindName;

/**
 * What one run of the {@link ImageGenerator} produced: per-kind page counts, bitmap set count, bytes written, time.
 */
public final class GenerateResult
{
    private final Path image;
    private final String profileName;
    private final long sizeBytes;
    private final long pageCount;
    private final long seed;
    private final long[] kindCounts;
    private final long bitmapSetCount;
    private final long bytesWritten;
    private final double seconds;
    private final int threads;
    private final boolean sparse;
    private final boolean created;

    /**
     * @param image          path of the image.
     * @param profileName    name of the profile.
     * @param sizeBytes      bytes of the image.
     * @param pageCount      pages of the image.
     * @param seed           seed used.
     * @param kindCounts     pages per kind, indexed by {@code PageLayoutDescriptor.KIND_*} (copied).
     * @param bitmapSetCount pages marked free in the bitmap.
     * @param bytesWritten   image bytes stored by the generator (holes and zero pages left alone excluded).
     * @param seconds        wall time of the whole run: plan, image, bitmap and layout files.
     * @param threads        writer threads used.
     * @param sparse         true when zero pages were left as holes.
     * @param created        true when the image file was created, false when an existing one was overwritten.
     */
    public GenerateResult(
        final Path image,
        final String profileName,
        final long sizeBytes,
        final long pageCount,
        final long seed,
        final long[] kindCounts,
        final long bitmapSetCount,
        final long bytesWritten,
        final double seconds,
        final int threads,
        final boolean sparse,
        final boolean created)
    {
        this.image = image;
        this.profileName = profileName;
        this.sizeBytes = sizeBytes;
        this.pageCount = pageCount;
        this.seed = seed;
        this.kindCounts = kindCounts.clone();
        this.bitmapSetCount = bitmapSetCount;
        this.bytesWritten = bytesWritten;
        this.seconds = seconds;
        this.threads = threads;
        this.sparse = sparse;
        this.created = created;
    }

    /** @return path of the image. */
    public Path image()
    {
        return image;
    }

    /** @return name of the profile. */
    public String profileName()
    {
        return profileName;
    }

    /** @return bytes of the image. */
    public long sizeBytes()
    {
        return sizeBytes;
    }

    /** @return pages of the image. */
    public long pageCount()
    {
        return pageCount;
    }

    /** @return seed used. */
    public long seed()
    {
        return seed;
    }

    /**
     * @param kind one of {@code PageLayoutDescriptor.KIND_*}.
     * @return pages of that kind.
     */
    public long count(final int kind)
    {
        return kindCounts[kind];
    }

    /** @return pages marked free in the bitmap. */
    public long bitmapSetCount()
    {
        return bitmapSetCount;
    }

    /** @return image bytes stored by the generator. */
    public long bytesWritten()
    {
        return bytesWritten;
    }

    /** @return wall time of the run in seconds. */
    public double seconds()
    {
        return seconds;
    }

    /** @return image size over wall time, in GB (1e9 bytes) per second. */
    public double gigabytesPerSecond()
    {
        return seconds > 0 ? sizeBytes / seconds / 1e9 : 0;
    }

    /** @return writer threads used. */
    public int threads()
    {
        return threads;
    }

    /** @return true when zero pages were left as holes. */
    public boolean sparse()
    {
        return sparse;
    }

    /** @return true when the image file was created, false when an existing one was overwritten. */
    public boolean created()
    {
        return created;
    }

    /** {@inheritDoc} */
    public String toString()
    {
        final StringBuilder builder = new StringBuilder("GenerateResult{image=").append(image)
            .append(" profile=").append(profileName)
            .append(" size=").append(sizeBytes)
            .append(" pages=").append(pageCount)
            .append(" seed=").append(seed);
        for (int kind = 0; kind < KIND_COUNT; kind++)
        {
            builder.append(' ').append(kindName(kind)).append('=').append(kindCounts[kind]);
        }
        return builder.append(" bitmapSet=").append(bitmapSetCount)
            .append(" bytesWritten=").append(bytesWritten)
            .append(" seconds=").append(seconds)
            .append(" threads=").append(threads)
            .append(" sparse=").append(sparse)
            .append(" created=").append(created)
            .append('}').toString();
    }
}
