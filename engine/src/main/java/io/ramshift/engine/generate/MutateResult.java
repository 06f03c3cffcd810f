package io.ramshift.engine.generate;

import io.ramshift.engine.image.MappedImage;

import java.nio.file.Path;

/**
 * What one run of the {@link ImageMutator} changed: pages, runs, moved pages, and the LZ4 size of the new content.
 */
public final class MutateResult
{
    /** Image rewritten. */
    public Path image;
    /** Bytes of the image (unchanged by the mutation). */
    public long sizeBytes;
    /** Pages of the image. */
    public long pages;
    /** Where the changed pages lie. */
    public MutationLayout layout;
    /** Pages per run as planned: 1 for scattered pages. */
    public int runPages;
    /** Seed of the choice and of the content. */
    public long seed;
    /** Share of the pages asked to change. */
    public double fraction;
    /** Share of the runs asked to become copies of unchanged pages. */
    public double movedFraction;
    /** Pages changed: {@code round(fraction × pages)}. */
    public long pagesChanged;
    /** Runs placed: one per page when scattered, one per aligned run when clustered. */
    public long runs;
    /** Maximal runs of consecutive changed pages (adjacent placed runs merge). */
    public long contiguousRuns;
    /** Pages that took the content of another page the mutation left unchanged. */
    public long movedPages;
    /** Runs that took the content of other pages. */
    public long movedRuns;
    /** Runs planned as moved (those without a usable source got fresh content). */
    public long plannedMovedRuns;
    /** Fresh pages with compressible content. */
    public long compressiblePages;
    /** Fresh pages with random content. */
    public long randomPages;
    /** Fresh pages whose first new content equalled the old one (the same mutation applied again). */
    public long contentRetries;
    /**
     * LZ4 bytes of every changed page's new content: consecutive changed pages in blocks of at most 64, each block
     * compressed alone with lz4-java's fast compressor, raw size where that is smaller.
     */
    public long lz4Bytes;
    /** Blocks measured for {@link #lz4Bytes}. */
    public long lz4Blocks;
    /** The same measure over the fresh pages only (moved pages left out). */
    public long lz4FreshBytes;
    /** Seconds the mutation took: plan, write, measure. */
    public double seconds;

    /** @return pages with fresh content. */
    public long freshPages()
    {
        return compressiblePages + randomPages;
    }

    /** @return raw bytes of the changed pages. */
    public long rawBytes()
    {
        return pagesChanged * MappedImage.PAGE_SIZE;
    }

    /** @return raw bytes over LZ4 bytes of the changed pages (1 when nothing changed). */
    public double lz4Ratio()
    {
        return lz4Bytes == 0 ? 1.0 : (double)rawBytes() / lz4Bytes;
    }

    /** {@inheritDoc} */
    public String toString()
    {
        return "MutateResult{image=" + image +
            " size=" + sizeBytes +
            " pages=" + pages +
            " layout=" + layout +
            " runPages=" + runPages +
            " seed=" + seed +
            " fraction=" + fraction +
            " movedFraction=" + movedFraction +
            " pagesChanged=" + pagesChanged +
            " runs=" + runs +
            " contiguousRuns=" + contiguousRuns +
            " movedPages=" + movedPages +
            " movedRuns=" + movedRuns +
            " plannedMovedRuns=" + plannedMovedRuns +
            " compressiblePages=" + compressiblePages +
            " randomPages=" + randomPages +
            " contentRetries=" + contentRetries +
            " lz4Bytes=" + lz4Bytes +
            " lz4Blocks=" + lz4Blocks +
            " lz4FreshBytes=" + lz4FreshBytes +
            " seconds=" + seconds +
            '}';
    }
}
