package io.ramshift.engine.generate;

import io.ramshift.engine.ImageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.*;

class MutationPlanTest
{
    @ParameterizedTest
    @CsvSource({
        "1000, 0.01, 1", "1000, 0.5, 1", "1000, 1.0, 1", "1000, 0.0, 1", "1, 1.0, 1", "1, 0.4, 1",
        "1000, 0.01, 64", "1000, 0.10, 64", "1000, 0.95, 64", "1000, 1.0, 64", "1000, 0.999, 64",
        "1000, 0.10, 7", "100, 0.5, 8", "100, 0.04, 8", "63, 0.9, 64", "2097152, 0.01, 64", "2097152, 0.10, 1"})
    void shouldChangeExactlyTheRoundedFractionOfPagesInRunsWithinBounds(
        final long pages, final double fraction, final int runPages)
    {
        for (long seed = 1; seed <= 5; seed++)
        {
            final MutationPlan plan = MutationPlan.plan(pages, fraction, runPages, 0.1, seed);
            final long expected = Math.round(fraction * pages);
            assertEquals(expected, plan.targetPages());

            long changed = 0;
            long runs = 0;
            long shortRuns = 0;
            long lastEnd = 0;
            for (long slot = plan.nextRun(0); slot >= 0; slot = plan.nextRun(slot + 1))
            {
                final long first = plan.runFirstPage(slot);
                final int length = plan.runLength(slot);
                assertEquals(0, first % runPages, "run not aligned: first=" + first);
                assertTrue(first >= lastEnd, "runs overlap or out of order at " + first);
                assertTrue(length >= 1 && length <= runPages, "run length " + length);
                assertTrue(first + length <= pages, "run past the end: first=" + first + " length=" + length);
                shortRuns += length < runPages && first + runPages <= pages ? 1 : 0;
                changed += length;
                runs++;
                lastEnd = first + length;
            }
            assertEquals(expected, changed, "pages changed, seed " + seed);
            assertEquals(plan.runCount(), runs);
            assertTrue(shortRuns <= 1, "more than one trimmed run: " + shortRuns);

            long changedByQuery = 0;
            for (long page = 0; page < pages; page++)
            {
                changedByQuery += plan.isChanged(page) ? 1 : 0;
            }
            assertEquals(expected, changedByQuery);
        }
    }

    @Test
    void shouldGiveTheSamePlanForTheSameSeedAndAnotherForAnother()
    {
        final MutationPlan a = MutationPlan.plan(10_000, 0.05, 1, 0.1, 42);
        final MutationPlan b = MutationPlan.plan(10_000, 0.05, 1, 0.1, 42);
        final MutationPlan c = MutationPlan.plan(10_000, 0.05, 1, 0.1, 43);
        boolean differs = false;
        for (long page = 0; page < 10_000; page++)
        {
            assertEquals(a.isChanged(page), b.isChanged(page), "page " + page);
            differs |= a.isChanged(page) != c.isChanged(page);
        }
        assertTrue(differs);
        for (long run = 0; run < a.runCount(); run++)
        {
            assertEquals(a.isMoved(run), b.isMoved(run));
        }
    }

    @Test
    void shouldBeAbleToChooseTheFirstAndTheLastPage()
    {
        // scattered and clustered with a short last slot (100 pages, runs of 8: the last slot has 4 pages)
        for (final int runPages : new int[] {1, 8})
        {
            boolean first = false;
            boolean last = false;
            for (long seed = 1; seed <= 200 && !(first && last); seed++)
            {
                final MutationPlan plan = MutationPlan.plan(100, 0.1, runPages, 0, seed);
                first |= plan.isChanged(0);
                last |= plan.isChanged(99);
            }
            assertTrue(first, "page 0 never chosen, runPages=" + runPages);
            assertTrue(last, "last page never chosen, runPages=" + runPages);
        }
    }

    @Test
    void shouldSpreadScatteredPagesUniformly()
    {
        final long pages = 1 << 20;
        final MutationPlan plan = MutationPlan.plan(pages, 0.1, 1, 0, 7);
        final long[] perEighth = new long[8];
        for (long page = 0; page < pages; page++)
        {
            perEighth[(int)(page / (pages / 8))] += plan.isChanged(page) ? 1 : 0;
        }
        for (final long count : perEighth)
        {
            // 13,107 expected per eighth; a binomial standard deviation is ~108
            assertTrue(Math.abs(count - plan.targetPages() / 8) < 1_000, "uneven: " + count);
        }
    }

    @Test
    void shouldPlanTheRoundedFractionOfRunsAsMoved()
    {
        final MutationPlan plan = MutationPlan.plan(100_000, 0.1, 64, 0.1, 3);
        long moved = 0;
        for (long run = 0; run < plan.runCount(); run++)
        {
            moved += plan.isMoved(run) ? 1 : 0;
        }
        assertEquals(Math.round(0.1 * plan.runCount()), moved);
        assertEquals(moved, plan.movedRunCount());
    }

    @Test
    void shouldRefuseValuesOutOfRange()
    {
        assertEquals("fraction of pages to change must be in [0, 1]: fraction=1.5",
            assertThrows(ImageException.class, () -> MutationPlan.plan(10, 1.5, 1, 0, 1)).getMessage());
        assertEquals("fraction of pages to change must be in [0, 1]: fraction=NaN",
            assertThrows(ImageException.class, () -> MutationPlan.plan(10, Double.NaN, 1, 0, 1)).getMessage());
        assertEquals("run pages out of range: runPages=0 max=1048576",
            assertThrows(ImageException.class, () -> MutationPlan.plan(10, 0.5, 0, 0, 1)).getMessage());
        assertEquals("moved fraction must be in [0, 1]: movedFraction=-0.1",
            assertThrows(ImageException.class, () -> MutationPlan.plan(10, 0.5, 1, -0.1, 1)).getMessage());
        assertEquals("page count out of range: pages=0 max=" + PageKindPlan.MAX_PAGES,
            assertThrows(ImageException.class, () -> MutationPlan.plan(0, 0.5, 1, 0, 1)).getMessage());
    }
}
