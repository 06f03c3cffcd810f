package io.ramshift.engine.generate;

import io.ramshift.engine.ImageException;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

import static io.ramshift.engine.image.MappedImage.PAGE_SIZE;

/**
 * Writes the pages a {@link MutationPlan} changes, in page order, in place, and measures them.
 * <p>
 * A fresh page gets the content of a generator data page — compressible or random in the generator's proportions
 * (65 : 20) — from a content seed derived from the mutation seed. The new bytes are built in a scratch page and
 * compared with the page's old bytes first; when they are equal (the same mutation applied twice) the next content
 * seed is tried, so every changed page really changes. A run planned as moved takes the content of as many
 * consecutive pages elsewhere that the plan leaves unchanged, are not zero and differ from the pages they replace;
 * when no such source turns up in {@value #MAX_SOURCE_ATTEMPTS} draws, the run gets fresh content instead. Each
 * written page is fed to an {@link Lz4BlockMeter} (all changed pages) and, when fresh, to a second one.
 * <p>
 * One instance per mutation; nothing is allocated per page.
 */
final class MutationWriter
{
    /** Content seeds tried before a page is declared impossible to change (two always suffice). */
    static final int MAX_CONTENT_ATTEMPTS = 4;

    /** Random draws of a source position for a moved run. */
    static final int MAX_SOURCE_ATTEMPTS = 64;

    /** Share of fresh pages that are compressible, the rest random: the generator's 65% / 20% of data pages. */
    static final double COMPRESSIBLE_SHARE = 0.65 / 0.85;

    private static final long CONTENT_DOMAIN = 0x4D55_434EL;
    private static final long KIND_DOMAIN = 0x4D55_4B44L;
    private static final long RANDOM_DOMAIN = 0x4D55_524EL;
    private static final long SOURCE_DOMAIN = 0x4D55_5352L;

    private final PageFile file;
    private final MutationPlan plan;
    private final ByteBuffer scratchBytes = ByteBuffer.allocateDirect(PAGE_SIZE);
    private final UnsafeBuffer scratch = new UnsafeBuffer(scratchBytes);
    private final ByteBuffer oldBytes = ByteBuffer.allocateDirect(PAGE_SIZE);
    private final UnsafeBuffer old = new UnsafeBuffer(oldBytes);
    private final long[] contentSeeds = new long[MAX_CONTENT_ATTEMPTS];
    private final CompressiblePageWriter[] compressibleWriters = new CompressiblePageWriter[MAX_CONTENT_ATTEMPTS];
    private final SplitMix64 sourceRandom;
    private final Lz4BlockMeter changedMeter = new Lz4BlockMeter();
    private final Lz4BlockMeter freshMeter = new Lz4BlockMeter();
    private long compressiblePages;
    private long randomPages;
    private long movedPages;
    private long movedRuns;
    private long contiguousRuns;
    private long contentRetries;

    /**
     * @param file the image, open for writing.
     * @param plan of the changes, for this image's page count.
     * @param seed the mutation seed.
     */
    MutationWriter(final PageFile file, final MutationPlan plan, final long seed)
    {
        this.file = file;
        this.plan = plan;
        for (int attempt = 0; attempt < MAX_CONTENT_ATTEMPTS; attempt++)
        {
            contentSeeds[attempt] = SplitMix64.seedFor(seed, attempt, CONTENT_DOMAIN);
            compressibleWriters[attempt] = new CompressiblePageWriter(contentSeeds[attempt]);
        }
        this.sourceRandom = new SplitMix64(SplitMix64.seedFor(seed, plan.pageCount(), SOURCE_DOMAIN));
    }

    /** Write every run of the plan, in page order. */
    void writeAll()
    {
        long lastPage = -2;
        long ordinal = 0;
        for (long slot = plan.nextRun(0); slot >= 0; slot = plan.nextRun(slot + 1), ordinal++)
        {
            final long first = plan.runFirstPage(slot);
            final int length = plan.runLength(slot);
            final long source = plan.isMoved(ordinal) ? findSource(first, length) : -1;
            if (source >= 0)
            {
                movedRuns++;
                movedPages += length;
            }
            for (int i = 0; i < length; i++)
            {
                final long page = first + i;
                if (source >= 0)
                {
                    file.read(source + i, scratchBytes, false);
                }
                else
                {
                    writeFresh(page);
                }
                file.write(page, scratchBytes);
                changedMeter.add(scratch, 0, page);
                if (source < 0)
                {
                    freshMeter.add(scratch, 0, page);
                }
                contiguousRuns += page == lastPage + 1 ? 0 : 1;
                lastPage = page;
            }
        }
        changedMeter.flush();
        freshMeter.flush();
    }

    /** @return LZ4 measure of every changed page's new content. */
    Lz4BlockMeter changedMeter()
    {
        return changedMeter;
    }

    /** @return LZ4 measure of the fresh (not moved) pages' new content. */
    Lz4BlockMeter freshMeter()
    {
        return freshMeter;
    }

    /** @return fresh pages that got compressible content. */
    long compressiblePages()
    {
        return compressiblePages;
    }

    /** @return fresh pages that got random content. */
    long randomPages()
    {
        return randomPages;
    }

    /** @return pages that took the content of another page. */
    long movedPages()
    {
        return movedPages;
    }

    /** @return runs that took the content of other pages. */
    long movedRuns()
    {
        return movedRuns;
    }

    /** @return maximal runs of consecutive changed pages. */
    long contiguousRuns()
    {
        return contiguousRuns;
    }

    /** @return fresh pages whose first content equalled their old content and took another. */
    long contentRetries()
    {
        return contentRetries;
    }

    private void writeFresh(final long page)
    {
        file.read(page, oldBytes, file.isHole(page));
        for (int attempt = 0; attempt < MAX_CONTENT_ATTEMPTS; attempt++)
        {
            final long contentSeed = contentSeeds[attempt];
            final long kindBits = SplitMix64.seedFor(contentSeed, page, KIND_DOMAIN);
            final boolean compressible = (kindBits >>> 11) * 0x1.0p-53 < COMPRESSIBLE_SHARE;
            if (compressible)
            {
                compressibleWriters[attempt].write(scratch, 0, page);
            }
            else
            {
                PageContentWriter.writeRandom(scratch, 0, SplitMix64.seedFor(contentSeed, page, RANDOM_DOMAIN));
            }
            if (!samePage(scratch, old))
            {
                compressiblePages += compressible ? 1 : 0;
                randomPages += compressible ? 0 : 1;
                contentRetries += attempt > 0 ? 1 : 0;
                return;
            }
        }
        throw new ImageException("cannot give a page content other than its own: path=" + file.path() +
            " page=" + page + " attempts=" + MAX_CONTENT_ATTEMPTS);
    }

    private long findSource(final long first, final int length)
    {
        final long positions = plan.pageCount() - length + 1;
        for (int attempt = 0; attempt < MAX_SOURCE_ATTEMPTS; attempt++)
        {
            final long source = sourceRandom.nextLong(positions);
            if (isUsableSource(source, first, length))
            {
                return source;
            }
        }
        return -1;
    }

    private boolean isUsableSource(final long source, final long first, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            final long page = source + i;
            if (plan.isChanged(page) || file.isHole(page))
            {
                return false;
            }
            file.read(page, scratchBytes, false);
            if (ZeroPage.isZero(scratch, 0))
            {
                return false;
            }
            file.read(first + i, oldBytes, file.isHole(first + i));
            if (samePage(scratch, old))
            {
                return false;
            }
        }
        return true;
    }

    private static boolean samePage(final UnsafeBuffer a, final UnsafeBuffer b)
    {
        for (int i = 0; i < PAGE_SIZE; i += 8)
        {
            if (a.getLong(i) != b.getLong(i))
            {
                return false;
            }
        }
        return true;
    }
}
