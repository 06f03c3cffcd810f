package io.ramshift.engine.generate;

import io.ramshift.engine.ImageException;

/**
 * Which pages an {@link ImageMutator} changes, and which of its runs become copies of other pages: a deterministic
 * function of (page count, fraction, run length, moved fraction, seed), computed before any byte is written.
 * <p>
 * The image is cut into slots of {@code runPages} pages aligned to {@code runPages} (the last slot may be shorter);
 * {@code ceil(target / runPages)} slots are drawn uniformly without replacement (Floyd's algorithm), so every page,
 * the first and the last included, can be chosen. Each chosen slot is one run. The exact target,
 * {@code round(fraction × pages)}, is then met by drawing one more slot when the short last slot left too few pages,
 * and by cutting the tail of one run drawn at random when there are too many; no run is ever empty. Scattered
 * changes are runs of one page. Of the runs, {@code round(movedFraction × runs)} drawn without replacement are
 * planned as moved: their pages are to take the content of other, unchanged pages.
 * <p>
 * The chosen slots and the moved runs are bitmaps (one bit per slot and per run), so the plan is small and answers
 * {@link #isChanged(long)} in constant time.
 */
public final class MutationPlan
{
    /** Longest run accepted. */
    public static final int MAX_RUN_PAGES = 1 << 20;

    private static final long SLOT_DOMAIN = 0x4D55_5453L;
    private static final long MOVED_DOMAIN = 0x4D55_4D56L;

    private final long pageCount;
    private final int runPages;
    private final long slotCount;
    private final long targetPages;
    private final long[] slots;
    private final long runCount;
    private final long[] moved;
    private final long movedRunCount;
    private long trimmedSlot = -1;
    private int trimmedLength;

    private MutationPlan(
        final long pageCount, final double fraction, final int runPages, final double movedFraction, final long seed)
    {
        this.pageCount = pageCount;
        this.runPages = runPages;
        this.slotCount = (pageCount + runPages - 1) / runPages;
        this.targetPages = Math.min(pageCount, Math.round(fraction * pageCount));
        this.slots = new long[wordsFor(slotCount)];

        final SplitMix64 random = new SplitMix64(SplitMix64.seedFor(seed, pageCount, SLOT_DOMAIN + runPages));
        long runs = (targetPages + runPages - 1) / runPages;
        chooseWithoutReplacement(slots, slotCount, runs, random);
        long capacity = runs * runPages;
        final int lastSlotLength = (int)(pageCount - (slotCount - 1) * runPages);
        if (isSet(slots, slotCount - 1))
        {
            capacity -= runPages - lastSlotLength;
        }
        if (capacity < targetPages)
        {
            // only when the short last slot was drawn; a full slot more always covers the shortfall
            long slot;
            do
            {
                slot = random.nextLong(slotCount);
            }
            while (isSet(slots, slot));
            set(slots, slot);
            runs++;
            capacity += runPages;
        }
        this.runCount = runs;
        final long excess = capacity - targetPages;
        if (excess > 0)
        {
            trimOneRun(random.nextLong(runs), excess);
        }

        this.moved = new long[wordsFor(runCount)];
        this.movedRunCount = Math.min(runCount, Math.round(movedFraction * runCount));
        final SplitMix64 movedRandom = new SplitMix64(SplitMix64.seedFor(seed, runCount, MOVED_DOMAIN));
        chooseWithoutReplacement(moved, runCount, movedRunCount, movedRandom);
    }

    /**
     * Plan the changes to an image.
     *
     * @param pageCount     pages of the image, in {@code [1, PageKindPlan.MAX_PAGES]}.
     * @param fraction      share of the pages to change, in {@code [0, 1]}.
     * @param runPages      pages per run, in {@code [1, MAX_RUN_PAGES]}; 1 for scattered pages.
     * @param movedFraction share of the runs whose pages become copies of unchanged pages, in {@code [0, 1]}.
     * @param seed          any value; the same arguments give the same plan.
     * @return the plan.
     * @throws ImageException naming the value out of range.
     */
    public static MutationPlan plan(
        final long pageCount, final double fraction, final int runPages, final double movedFraction, final long seed)
    {
        if (pageCount <= 0 || pageCount > PageKindPlan.MAX_PAGES)
        {
            throw new ImageException("page count out of range: pages=" + pageCount + " max=" + PageKindPlan.MAX_PAGES);
        }
        if (!(fraction >= 0 && fraction <= 1))
        {
            throw new ImageException("fraction of pages to change must be in [0, 1]: fraction=" + fraction);
        }
        if (runPages < 1 || runPages > MAX_RUN_PAGES)
        {
            throw new ImageException("run pages out of range: runPages=" + runPages + " max=" + MAX_RUN_PAGES);
        }
        if (!(movedFraction >= 0 && movedFraction <= 1))
        {
            throw new ImageException("moved fraction must be in [0, 1]: movedFraction=" + movedFraction);
        }
        return new MutationPlan(pageCount, fraction, runPages, movedFraction, seed);
    }

    /** @return pages of the image. */
    public long pageCount()
    {
        return pageCount;
    }

    /** @return pages per run (the last slot and one trimmed run may be shorter). */
    public int runPages()
    {
        return runPages;
    }

    /** @return pages changed: {@code round(fraction × pages)} exactly. */
    public long targetPages()
    {
        return targetPages;
    }

    /** @return runs changed. */
    public long runCount()
    {
        return runCount;
    }

    /** @return runs planned as moved. */
    public long movedRunCount()
    {
        return movedRunCount;
    }

    /**
     * @param fromSlot first slot to look at.
     * @return the first chosen slot at or after {@code fromSlot}, or -1 when there is none.
     */
    public long nextRun(final long fromSlot)
    {
        if (fromSlot >= slotCount)
        {
            return -1;
        }
        int word = (int)(fromSlot >>> 6);
        long bits = slots[word] & (-1L << (fromSlot & 63));
        while (bits == 0)
        {
            if (++word == slots.length)
            {
                return -1;
            }
            bits = slots[word];
        }
        return ((long)word << 6) + Long.numberOfTrailingZeros(bits);
    }

    /**
     * @param slot a chosen slot.
     * @return its first page.
     */
    public long runFirstPage(final long slot)
    {
        return slot * runPages;
    }

    /**
     * @param slot a chosen slot.
     * @return pages of its run: {@code runPages}, less for the image's last slot or the one trimmed run.
     */
    public int runLength(final long slot)
    {
        return slot == trimmedSlot ? trimmedLength : (int)Math.min(runPages, pageCount - slot * runPages);
    }

    /**
     * @param runOrdinal index of a run in page order, 0 to {@link #runCount()} − 1.
     * @return true when the run is planned as moved.
     */
    public boolean isMoved(final long runOrdinal)
    {
        return isSet(moved, runOrdinal);
    }

    /**
     * @param page index of a page.
     * @return true when the plan changes it.
     */
    public boolean isChanged(final long page)
    {
        final long slot = page / runPages;
        return isSet(slots, slot) && page - slot * runPages < runLength(slot);
    }

    private void trimOneRun(final long startOrdinal, final long excess)
    {
        // the run drawn, or the next one round the image long enough to lose the excess and keep a page
        long ordinal = 0;
        long slot = nextRun(0);
        while (ordinal < startOrdinal)
        {
            slot = nextRun(slot + 1);
            ordinal++;
        }
        for (long tried = 0; tried < runCount; tried++)
        {
            final int length = runLength(slot);
            if (length > excess)
            {
                trimmedSlot = slot;
                trimmedLength = (int)(length - excess);
                return;
            }
            slot = nextRun(slot + 1);
            if (slot < 0)
            {
                slot = nextRun(0);
            }
        }
        throw new IllegalStateException("no run can be trimmed: runs=" + runCount + " excess=" + excess);
    }

    private static void chooseWithoutReplacement(
        final long[] bits, final long population, final long count, final SplitMix64 random)
    {
        // Floyd: for j in [n - k, n) take a uniform t in [0, j], or j itself when t is taken; a uniform k-subset
        for (long j = population - count; j < population; j++)
        {
            final long t = random.nextLong(j + 1);
            set(bits, isSet(bits, t) ? j : t);
        }
    }

    private static int wordsFor(final long bitCount)
    {
        return (int)((bitCount + 63) >>> 6);
    }

    private static boolean isSet(final long[] bits, final long index)
    {
        return (bits[(int)(index >>> 6)] & (1L << (index & 63))) != 0;
    }

    private static void set(final long[] bits, final long index)
    {
        bits[(int)(index >>> 6)] |= 1L << (index & 63);
    }
}
