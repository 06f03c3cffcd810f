package io.ramshift.engine.generate;

import io.ramshift.engine.ImageException;
import io.ramshift.layout.FreePageBitmapDescriptor;
import io.ramshift.layout.FreePageBitmapFlyweight;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

import static io.ramshift.layout.PageLayoutDescriptor.*;

/**
 * Which kind every page of a generated image has, which pages the free-page bitmap marks free, and which page each
 * duplicate copies: a deterministic function of (profile, page count, seed), computed before any byte is written.
 * <p>
 * Counts per kind are the profile's fractions of the page count, rounded by largest remainder so they add up to the
 * page count. The image is cut into 2 MiB chunks; whole chunks of zero pages and of free-dirty pages are shuffled
 * among the chunks, and the rest (the remaining zero and free-dirty pages and every data page) is laid out in small
 * runs of 1..{@value #MAX_SMALL_RUN_PAGES} pages, half of them single pages, through the remaining chunks. The kind of
 * a data page (compressible, random, duplicate) is drawn without replacement, so the counts are exact.
 * <p>
 * The plan is held as one {@link io.ramshift.layout.PageLayoutDescriptor} byte per page plus the free-page bitmap,
 * so images up to {@link #MAX_PAGES} pages (8 TiB) can be planned.
 */
public final class PageKindPlan
{
    /** Pages in one aligned 2 MiB chunk. */
    public static final int CHUNK_PAGES = 512;

    /** Longest small run in the chunks that are not whole zero or free-dirty runs. */
    public static final int MAX_SMALL_RUN_PAGES = 16;

    /** Number of popular pages that half of the duplicates copy. */
    public static final int POPULAR_PAGES = 64;

    /** Largest page count a plan can hold (one array byte per page). */
    public static final long MAX_PAGES = Integer.MAX_VALUE - 64;

    private static final long PLAN_DOMAIN = 0x504C_414EL;
    private static final byte CHUNK_MIXED = 0;
    private static final byte CHUNK_ZERO = 1;
    private static final byte CHUNK_FREE_DIRTY = 2;
    private static final int RUN_ZERO = 0;
    private static final int RUN_FREE_DIRTY = 1;
    private static final int RUN_DATA = 2;

    private final GeneratorProfile profile;
    private final long pageCount;
    private final long seed;
    private final byte[] layout;
    private final UnsafeBuffer layoutBuffer;
    private final UnsafeBuffer freeBitmapBuffer;
    private final FreePageBitmapFlyweight freeBitmap = new FreePageBitmapFlyweight();
    private final long[] counts = new long[KIND_COUNT];
    private final int[] duplicatePages;
    private final int[] duplicateSources;
    private final int[] popularSources;
    private final long wholeZeroChunks;
    private final long wholeFreeDirtyChunks;
    private long bitmapSetCount;

    private PageKindPlan(final GeneratorProfile profile, final long pageCount, final long seed)
    {
        this.profile = profile;
        this.pageCount = pageCount;
        this.seed = seed;
        this.layout = new byte[(int)pageCount];
        this.layoutBuffer = new UnsafeBuffer(layout);
        final int bitmapLength = (int)FreePageBitmapDescriptor.lengthForPages(pageCount);
        this.freeBitmapBuffer = new UnsafeBuffer(new byte[bitmapLength]);
        freeBitmap.wrap(freeBitmapBuffer, 0, bitmapLength, pageCount);

        final SplitMix64 random = new SplitMix64(SplitMix64.seedFor(seed, pageCount, PLAN_DOMAIN));
        countKinds();
        wholeZeroChunks = (long)Math.floor(profile.zeroChunkFraction() * counts[KIND_ZERO] / CHUNK_PAGES);
        wholeFreeDirtyChunks = (long)Math.floor(
            profile.freeDirtyChunkFraction() * counts[KIND_FREE_DIRTY] / CHUNK_PAGES);
        placeKinds(random);
        markFree(random);
        duplicatePages = new int[(int)counts[KIND_DUPLICATE]];
        duplicateSources = new int[duplicatePages.length];
        popularSources = chooseSources(random);
    }

    /**
     * Plan an image.
     *
     * @param profile   what the image is made of.
     * @param pageCount pages of the image, in {@code [1, MAX_PAGES]}.
     * @param seed      any value; the same seed gives the same plan.
     * @return the plan.
     * @throws ImageException naming the page count when it is out of range.
     */
    public static PageKindPlan plan(final GeneratorProfile profile, final long pageCount, final long seed)
    {
        if (pageCount <= 0 || pageCount > MAX_PAGES)
        {
            throw new ImageException("page count out of range: pages=" + pageCount + " max=" + MAX_PAGES);
        }
        return new PageKindPlan(profile, pageCount, seed);
    }

    /** @return the profile planned. */
    public GeneratorProfile profile()
    {
        return profile;
    }

    /** @return pages of the image. */
    public long pageCount()
    {
        return pageCount;
    }

    /** @return the seed planned with. */
    public long seed()
    {
        return seed;
    }

    /**
     * @param page index of a page.
     * @return its kind, one of {@code PageLayoutDescriptor.KIND_*}.
     */
    public int kind(final long page)
    {
        return layout[(int)page] & KIND_MASK;
    }

    /**
     * @param page index of a page.
     * @return true when the free-page bitmap marks it free.
     */
    public boolean isFree(final long page)
    {
        return (layout[(int)page] & FREE_FLAG) != 0;
    }

    /**
     * @param page index of a page.
     * @return its {@link io.ramshift.layout.PageLayoutDescriptor} byte.
     */
    public byte layoutEntry(final long page)
    {
        return layout[(int)page];
    }

    /**
     * @param kind one of {@code PageLayoutDescriptor.KIND_*}.
     * @return pages of that kind.
     */
    public long count(final int kind)
    {
        return counts[kind];
    }

    /** @return pages marked free in the bitmap (every free-dirty page and part of the zero pages). */
    public long bitmapSetCount()
    {
        return bitmapSetCount;
    }

    /** @return zero pages that sit in whole aligned 2 MiB chunks. */
    public long wholeZeroChunkPages()
    {
        return wholeZeroChunks * CHUNK_PAGES;
    }

    /** @return free-dirty pages that sit in whole aligned 2 MiB chunks. */
    public long wholeFreeDirtyChunkPages()
    {
        return wholeFreeDirtyChunks * CHUNK_PAGES;
    }

    /**
     * The page a duplicate copies.
     *
     * @param page index of a duplicate page.
     * @return index of the compressible or random page it is identical to, or -1 if {@code page} is no duplicate.
     */
    public long duplicateSource(final long page)
    {
        final int index = Arrays.binarySearch(duplicatePages, (int)page);
        return index >= 0 ? duplicateSources[index] : -1;
    }

    /** @return number of popular pages that half of the duplicates copy. */
    public int popularSourceCount()
    {
        return popularSources.length;
    }

    /**
     * @param index in {@code [0, popularSourceCount())}.
     * @return page index of that popular page.
     */
    public long popularSource(final int index)
    {
        return popularSources[index];
    }

    /** @return the layout, one {@link io.ramshift.layout.PageLayoutDescriptor} byte per page (do not modify). */
    public DirectBuffer layout()
    {
        return layoutBuffer;
    }

    /** @return the free-page bitmap in {@link FreePageBitmapDescriptor} format (do not modify). */
    public DirectBuffer freeBitmap()
    {
        return freeBitmapBuffer;
    }

    private void countKinds()
    {
        // largest remainder: floors first, then the pages left over go to the kinds with the largest remainders
        final double[] remainders = new double[KIND_COUNT];
        long assigned = 0;
        for (int kind = 0; kind < KIND_COUNT; kind++)
        {
            final double exact = profile.fraction(kind) * pageCount;
            counts[kind] = (long)Math.floor(exact);
            remainders[kind] = exact - counts[kind];
            assigned += counts[kind];
        }
        long left = pageCount - assigned;
        while (left > 0)
        {
            int best = -1;
            for (int kind = 0; kind < KIND_COUNT; kind++)
            {
                if (remainders[kind] >= 0 && (best < 0 || remainders[kind] > remainders[best]))
                {
                    best = kind;
                }
            }
            if (best < 0)
            {
                // the sum was below 1 by more than the rounding could spread: give the rest to the largest kind
                best = largestFractionKind();
                counts[best] += left;
                break;
            }
            counts[best]++;
            remainders[best] = -1;
            left--;
        }
        while (left < 0)
        {
            final int kind = largestFractionKind();
            final long take = Math.min(-left, counts[kind]);
            counts[kind] -= take;
            left += take;
        }
        if (counts[KIND_DUPLICATE] > 0 && counts[KIND_COMPRESSIBLE] + counts[KIND_RANDOM] == 0)
        {
            // rounding left no page to copy in a tiny image: one duplicate becomes its own source
            counts[KIND_DUPLICATE]--;
            counts[profile.fraction(KIND_COMPRESSIBLE) >= profile.fraction(KIND_RANDOM) ?
                KIND_COMPRESSIBLE : KIND_RANDOM]++;
        }
    }

    private int largestFractionKind()
    {
        int best = 0;
        for (int kind = 1; kind < KIND_COUNT; kind++)
        {
            if (profile.fraction(kind) > profile.fraction(best))
            {
                best = kind;
            }
        }
        return best;
    }

    private void placeKinds(final SplitMix64 random)
    {
        final int chunkCount = (int)((pageCount + CHUNK_PAGES - 1) / CHUNK_PAGES);
        final int fullChunkCount = (int)(pageCount / CHUNK_PAGES);
        final byte[] chunkKinds = new byte[chunkCount];
        Arrays.fill(chunkKinds, 0, (int)wholeZeroChunks, CHUNK_ZERO);
        Arrays.fill(chunkKinds, (int)wholeZeroChunks, (int)(wholeZeroChunks + wholeFreeDirtyChunks), CHUNK_FREE_DIRTY);
        // only full chunks are shuffled: a partial last chunk can never hold a whole aligned 2 MiB run
        for (int i = fullChunkCount - 1; i > 0; i--)
        {
            final int j = random.nextInt(i + 1);
            final byte swap = chunkKinds[i];
            chunkKinds[i] = chunkKinds[j];
            chunkKinds[j] = swap;
        }

        long zeroLeft = counts[KIND_ZERO] - wholeZeroChunks * CHUNK_PAGES;
        long freeDirtyLeft = counts[KIND_FREE_DIRTY] - wholeFreeDirtyChunks * CHUNK_PAGES;
        long compressibleLeft = counts[KIND_COMPRESSIBLE];
        long randomLeft = counts[KIND_RANDOM];
        long duplicateLeft = counts[KIND_DUPLICATE];
        int runClass = RUN_ZERO;
        long runLeft = 0;
        final byte freeDirtyEntry = entry(KIND_FREE_DIRTY, false);

        for (int chunk = 0; chunk < chunkCount; chunk++)
        {
            final int first = chunk * CHUNK_PAGES;
            final int end = (int)Math.min(pageCount, (long)first + CHUNK_PAGES);
            if (chunkKinds[chunk] == CHUNK_ZERO)
            {
                continue;
            }
            if (chunkKinds[chunk] == CHUNK_FREE_DIRTY)
            {
                Arrays.fill(layout, first, end, freeDirtyEntry);
                continue;
            }
            for (int page = first; page < end; page++)
            {
                final long dataLeft = compressibleLeft + randomLeft + duplicateLeft;
                if (runLeft == 0)
                {
                    // the class of the next run is drawn in proportion to the pages each class has left, and all
                    // classes share one run length distribution, so no class runs out early and bunches at the end
                    final long pick = random.nextLong(zeroLeft + freeDirtyLeft + dataLeft);
                    runClass = pick < zeroLeft ? RUN_ZERO : pick < zeroLeft + freeDirtyLeft ? RUN_FREE_DIRTY : RUN_DATA;
                    final long classLeft = runClass == RUN_ZERO ? zeroLeft :
                        runClass == RUN_FREE_DIRTY ? freeDirtyLeft : dataLeft;
                    runLeft = Math.min(smallRunLength(random), classLeft);
                }
                final int kind;
                if (runClass == RUN_ZERO)
                {
                    kind = KIND_ZERO;
                    zeroLeft--;
                }
                else if (runClass == RUN_FREE_DIRTY)
                {
                    kind = KIND_FREE_DIRTY;
                    freeDirtyLeft--;
                }
                else
                {
                    final long pick = random.nextLong(dataLeft);
                    if (pick < compressibleLeft)
                    {
                        kind = KIND_COMPRESSIBLE;
                        compressibleLeft--;
                    }
                    else if (pick < compressibleLeft + randomLeft)
                    {
                        kind = KIND_RANDOM;
                        randomLeft--;
                    }
                    else
                    {
                        kind = KIND_DUPLICATE;
                        duplicateLeft--;
                    }
                }
                layout[page] = (byte)kind;
                runLeft--;
            }
        }
    }

    private static long smallRunLength(final SplitMix64 random)
    {
        // half single pages, the rest 2..MAX_SMALL_RUN_PAGES
        return random.nextInt(2) == 0 ? 1 : 2 + random.nextInt(MAX_SMALL_RUN_PAGES - 1);
    }

    private void markFree(final SplitMix64 random)
    {
        for (int page = 0; page < pageCount; page++)
        {
            if (layout[page] == KIND_FREE_DIRTY)
            {
                markFree(page, 1);
            }
        }

        // zero runs, cut at 2 MiB chunk boundaries, are marked whole in shuffled order until the target page count;
        // the run that crosses the target is marked in part
        final int runCount = countZeroRuns();
        final int[] runFirst = new int[runCount];
        final int[] runLength = new int[runCount];
        int run = 0;
        for (int page = 0; page < pageCount; )
        {
            if (layout[page] != KIND_ZERO)
            {
                page++;
                continue;
            }
            final int chunkEnd = (int)Math.min(pageCount, ((long)page / CHUNK_PAGES + 1) * CHUNK_PAGES);
            int end = page + 1;
            while (end < chunkEnd && layout[end] == KIND_ZERO)
            {
                end++;
            }
            runFirst[run] = page;
            runLength[run] = end - page;
            run++;
            page = end;
        }
        for (int i = runCount - 1; i > 0; i--)
        {
            final int j = random.nextInt(i + 1);
            final int first = runFirst[i];
            final int length = runLength[i];
            runFirst[i] = runFirst[j];
            runLength[i] = runLength[j];
            runFirst[j] = first;
            runLength[j] = length;
        }
        long markLeft = Math.round(profile.zeroMarkedFreeFraction() * counts[KIND_ZERO]);
        for (int i = 0; i < runCount && markLeft > 0; i++)
        {
            final int length = (int)Math.min(runLength[i], markLeft);
            markFree(runFirst[i], length);
            markLeft -= length;
        }
    }

    private int countZeroRuns()
    {
        int runs = 0;
        for (int page = 0; page < pageCount; page++)
        {
            if (layout[page] == KIND_ZERO && (page % CHUNK_PAGES == 0 || layout[page - 1] != KIND_ZERO))
            {
                runs++;
            }
        }
        return runs;
    }

    private void markFree(final int first, final int length)
    {
        for (int page = first, end = first + length; page < end; page++)
        {
            freeBitmap.free(page, true);
            layout[page] |= (byte)FREE_FLAG;
        }
        bitmapSetCount += length;
    }

    private int[] chooseSources(final SplitMix64 random)
    {
        final int uniqueCount = (int)(counts[KIND_COMPRESSIBLE] + counts[KIND_RANDOM]);
        if (duplicatePages.length == 0)
        {
            return new int[0];
        }
        final int[] unique = new int[uniqueCount];
        int u = 0;
        int d = 0;
        for (int page = 0; page < pageCount; page++)
        {
            final int kind = layout[page] & KIND_MASK;
            if (kind == KIND_COMPRESSIBLE || kind == KIND_RANDOM)
            {
                unique[u++] = page;
            }
            else if (kind == KIND_DUPLICATE)
            {
                duplicatePages[d++] = page;
            }
        }

        // a partial Fisher-Yates over the unique pages picks distinct popular pages
        final int popularCount = Math.min(POPULAR_PAGES, uniqueCount);
        final int[] shuffled = unique.clone();
        final int[] popular = new int[popularCount];
        for (int i = 0; i < popularCount; i++)
        {
            final int j = i + random.nextInt(uniqueCount - i);
            final int swap = shuffled[i];
            shuffled[i] = shuffled[j];
            shuffled[j] = swap;
            popular[i] = shuffled[i];
        }

        // every other duplicate, in page order, copies a popular page: exactly half (rounded up) of them
        for (int i = 0; i < duplicatePages.length; i++)
        {
            duplicateSources[i] = (i & 1) == 0 ?
                popular[random.nextInt(popularCount)] :
                unique[random.nextInt(uniqueCount)];
        }
        return popular;
    }
}
