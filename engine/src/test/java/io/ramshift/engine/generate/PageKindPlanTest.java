package io.ramshift.engine.generate;

import io.ramshift.engine.ImageException;
import io.ramshift.layout.FreePageBitmapDescriptor;
import io.ramshift.layout.FreePageBitmapFlyweight;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static io.ramshift.layout.PageLayoutDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;

class PageKindPlanTest
{
    private static final long PAGES_8_GIB = 2_097_152;
    private static final long PAGES_64_MIB = 16_384;

    @Test
    void shouldMatchImagesMdCountsForIdleAt8GiB()
    {
        // plan only: no file is written
        final PageKindPlan plan = PageKindPlan.plan(GeneratorProfile.idle(), PAGES_8_GIB, 1);
        assertWithinTenthOfAPercent(1_992_294, plan.count(KIND_ZERO), "zero");
        assertWithinTenthOfAPercent(20_972, plan.count(KIND_FREE_DIRTY), "free-dirty");
        assertWithinTenthOfAPercent(54_526, plan.count(KIND_COMPRESSIBLE), "compressible");
        assertWithinTenthOfAPercent(16_777, plan.count(KIND_RANDOM), "random");
        assertWithinTenthOfAPercent(12_583, plan.count(KIND_DUPLICATE), "duplicate");
        assertWithinTenthOfAPercent(1_806_536, plan.bitmapSetCount(), "bitmap set");
        assertEquals(1_806_536, plan.bitmapSetCount());
    }

    @Test
    void shouldMatchImagesMdCountsForPostWorkloadAt8GiB()
    {
        final PageKindPlan plan = PageKindPlan.plan(GeneratorProfile.postWorkload(), PAGES_8_GIB, 1);
        assertWithinTenthOfAPercent(20_972, plan.count(KIND_ZERO), "zero");
        assertWithinTenthOfAPercent(1_992_294, plan.count(KIND_FREE_DIRTY), "free-dirty");
        assertWithinTenthOfAPercent(54_526, plan.count(KIND_COMPRESSIBLE), "compressible");
        assertWithinTenthOfAPercent(16_777, plan.count(KIND_RANDOM), "random");
        assertWithinTenthOfAPercent(12_583, plan.count(KIND_DUPLICATE), "duplicate");
        assertWithinTenthOfAPercent(2_003_228, plan.bitmapSetCount(), "bitmap set");
        assertEquals(2_003_228, plan.bitmapSetCount());
    }

    @Test
    void shouldPinExactCountsAt64MiB()
    {
        final PageKindPlan idle = PageKindPlan.plan(GeneratorProfile.idle(), PAGES_64_MIB, 1);
        assertArrayEquals(new long[]{ 15_565, 164, 426, 131, 98 }, counts(idle));
        assertEquals(14_114, idle.bitmapSetCount());
        assertEquals(27 * 512, idle.wholeZeroChunkPages());

        final PageKindPlan post = PageKindPlan.plan(GeneratorProfile.postWorkload(), PAGES_64_MIB, 1);
        assertArrayEquals(new long[]{ 164, 15_565, 426, 131, 98 }, counts(post));
        assertEquals(15_651, post.bitmapSetCount());
        assertEquals(25 * 512, post.wholeFreeDirtyChunkPages());
    }

    @Test
    void shouldCountWhatTheLayoutHolds()
    {
        final PageKindPlan plan = PageKindPlan.plan(GeneratorProfile.ofFractions(0.3, 0.2, 0.2, 0.2, 0.1), 10_000, 7);
        final long[] seen = new long[KIND_COUNT];
        long free = 0;
        for (long page = 0; page < plan.pageCount(); page++)
        {
            checkEntry(page, plan.layoutEntry(page));
            seen[plan.kind(page)]++;
            free += plan.isFree(page) ? 1 : 0;
        }
        assertArrayEquals(counts(plan), seen);
        assertEquals(plan.bitmapSetCount(), free);
        assertEquals(10_000, seen[0] + seen[1] + seen[2] + seen[3] + seen[4]);
    }

    @Test
    void shouldKeepBitmapAndLayoutInStep()
    {
        final PageKindPlan plan = PageKindPlan.plan(GeneratorProfile.idle(), 100_003, 3);
        assertEquals(FreePageBitmapDescriptor.lengthForPages(100_003), plan.freeBitmap().capacity());
        final FreePageBitmapFlyweight bitmap = new FreePageBitmapFlyweight()
            .wrap(new UnsafeBuffer(plan.freeBitmap().byteArray()), 0, plan.freeBitmap().capacity(), 100_003);
        for (long page = 0; page < plan.pageCount(); page++)
        {
            assertEquals(plan.isFree(page), bitmap.isFree(page), "page " + page);
            final int kind = plan.kind(page);
            if (kind == KIND_FREE_DIRTY)
            {
                assertTrue(plan.isFree(page), "free-dirty page not free: " + page);
            }
            else if (kind != KIND_ZERO)
            {
                assertFalse(plan.isFree(page), "data page marked free: " + page);
            }
        }
        // bits past the last page stay clear
        final long lastWord = plan.freeBitmap().getLong(plan.freeBitmap().capacity() - 8);
        assertEquals(0, lastWord & ~FreePageBitmapDescriptor.lastWordMask(100_003));
    }

    @Test
    void shouldPutMostIdleZeroPagesInWholeAlignedChunks()
    {
        final PageKindPlan plan = PageKindPlan.plan(GeneratorProfile.idle(), 65_536, 1);
        final long wholeZeroChunks = countWholeChunks(plan, KIND_ZERO);
        assertTrue(wholeZeroChunks * 512 >= plan.wholeZeroChunkPages(), "whole zero chunks " + wholeZeroChunks);
        assertTrue(wholeZeroChunks * 512 >= 0.89 * plan.count(KIND_ZERO), "whole zero chunks " + wholeZeroChunks);
    }

    @Test
    void shouldPutMostPostWorkloadFreeDirtyPagesInWholeAlignedChunks()
    {
        final PageKindPlan plan = PageKindPlan.plan(GeneratorProfile.postWorkload(), 65_536, 1);
        final long wholeChunks = countWholeChunks(plan, KIND_FREE_DIRTY);
        assertTrue(wholeChunks * 512 >= 0.84 * plan.count(KIND_FREE_DIRTY), "whole free-dirty chunks " + wholeChunks);
    }

    @Test
    void shouldLayDataInSmallRunsManyOfThemSinglePages()
    {
        final PageKindPlan plan = PageKindPlan.plan(GeneratorProfile.idle(), 262_144, 1);
        long runs = 0;
        long singles = 0;
        long longest = 0;
        for (long page = 0; page < plan.pageCount(); )
        {
            if (plan.kind(page) < KIND_COMPRESSIBLE)
            {
                page++;
                continue;
            }
            long end = page + 1;
            while (end < plan.pageCount() && plan.kind(end) >= KIND_COMPRESSIBLE)
            {
                end++;
            }
            runs++;
            singles += end - page == 1 ? 1 : 0;
            longest = Math.max(longest, end - page);
            page = end;
        }
        assertTrue(singles > runs / 4, "single-page data runs " + singles + " of " + runs);
        // two small runs can meet, rarely more
        assertTrue(longest <= 4 * PageKindPlan.MAX_SMALL_RUN_PAGES, "longest data run " + longest);
    }

    @Test
    void shouldCopyCompressibleOrRandomPagesHalfOfThemPopular()
    {
        final PageKindPlan plan = PageKindPlan.plan(GeneratorProfile.postWorkload(), 65_536, 5);
        assertEquals(PageKindPlan.POPULAR_PAGES, plan.popularSourceCount());
        final Set<Long> popular = new HashSet<>();
        for (int i = 0; i < plan.popularSourceCount(); i++)
        {
            popular.add(plan.popularSource(i));
        }
        assertEquals(PageKindPlan.POPULAR_PAGES, popular.size());
        long duplicates = 0;
        long popularCopies = 0;
        for (long page = 0; page < plan.pageCount(); page++)
        {
            final long source = plan.duplicateSource(page);
            if (plan.kind(page) != KIND_DUPLICATE)
            {
                assertEquals(-1, source);
                continue;
            }
            duplicates++;
            final int sourceKind = plan.kind(source);
            assertTrue(sourceKind == KIND_COMPRESSIBLE || sourceKind == KIND_RANDOM, "source kind " + sourceKind);
            popularCopies += popular.contains(source) ? 1 : 0;
        }
        assertEquals(plan.count(KIND_DUPLICATE), duplicates);
        assertTrue(popularCopies >= (duplicates + 1) / 2, "popular copies " + popularCopies + " of " + duplicates);
    }

    @Test
    void shouldPlanTheSameForTheSameSeedAndDifferentlyForAnother()
    {
        final PageKindPlan a = PageKindPlan.plan(GeneratorProfile.idle(), 50_000, 11);
        final PageKindPlan b = PageKindPlan.plan(GeneratorProfile.idle(), 50_000, 11);
        final PageKindPlan c = PageKindPlan.plan(GeneratorProfile.idle(), 50_000, 12);
        assertArrayEquals(a.layout().byteArray(), b.layout().byteArray());
        assertArrayEquals(a.freeBitmap().byteArray(), b.freeBitmap().byteArray());
        assertArrayEquals(counts(a), counts(c));
        assertFalse(java.util.Arrays.equals(a.layout().byteArray(), c.layout().byteArray()));
    }

    @Test
    void shouldPlanTinyImages()
    {
        for (long pages = 1; pages <= 70; pages++)
        {
            final PageKindPlan plan = PageKindPlan.plan(GeneratorProfile.ofFractions(0, 0, 0, 0.5, 0.5), pages, 1);
            final long[] counts = counts(plan);
            assertEquals(pages, counts[KIND_RANDOM] + counts[KIND_DUPLICATE]);
            assertTrue(counts[KIND_RANDOM] > 0);
        }
    }

    @Test
    void shouldRejectPageCountOutOfRange()
    {
        final ImageException ex =
            assertThrows(ImageException.class, () -> PageKindPlan.plan(GeneratorProfile.idle(), 0, 1));
        assertTrue(ex.getMessage().contains("pages=0"), ex.getMessage());
        assertThrows(ImageException.class,
            () -> PageKindPlan.plan(GeneratorProfile.idle(), PageKindPlan.MAX_PAGES + 1, 1));
    }

    private static long countWholeChunks(final PageKindPlan plan, final int kind)
    {
        long chunks = 0;
        for (long first = 0; first + 512 <= plan.pageCount(); first += 512)
        {
            boolean whole = true;
            for (long page = first; page < first + 512 && whole; page++)
            {
                whole = plan.kind(page) == kind;
            }
            chunks += whole ? 1 : 0;
        }
        return chunks;
    }

    private static long[] counts(final PageKindPlan plan)
    {
        final long[] counts = new long[KIND_COUNT];
        for (int kind = 0; kind < KIND_COUNT; kind++)
        {
            counts[kind] = plan.count(kind);
        }
        return counts;
    }

    private static void assertWithinTenthOfAPercent(final long expected, final long actual, final String what)
    {
        assertTrue(Math.abs(actual - expected) <= expected / 1000.0,
            what + ": expected " + expected + " +-0.1% but was " + actual);
    }
}
