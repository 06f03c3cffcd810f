package io.ramshift.engine.generate;

import io.ramshift.engine.ImageException;

import java.nio.file.Path;

/**
 * Rewrites in place, without changing its size, a deterministic set of pages of an existing image, so that it is
 * "tomorrow's" image of a guest whose "yesterday" a destination already holds (the workload of delta sends).
 * <p>
 * The {@link MutationPlan} chooses the pages (single pages or aligned runs) from (page count, fraction, layout, run
 * length, moved fraction, seed) alone; the {@link MutationWriter} gives each one new content like the generator's
 * data pages, or the content of another, unchanged page for the runs planned as moved, and measures the LZ4 size of
 * what changed. Same image and same settings give the same bytes.
 */
public final class ImageMutator
{
    private final Context ctx;

    /**
     * @param ctx which image and what to change; checked by {@link #mutate()}.
     */
    public ImageMutator(final Context ctx)
    {
        this.ctx = ctx;
    }

    /**
     * Plan and write the changes.
     *
     * @return counts, LZ4 sizes and time.
     * @throws ImageException when the image cannot be used or a setting is out of range.
     */
    public MutateResult mutate()
    {
        ctx.conclude();
        final long startNs = System.nanoTime();
        try (PageFile image = PageFile.open(ctx.imagePath()))
        {
            final MutationPlan plan = MutationPlan.plan(
                image.pageCount(), ctx.fraction(), ctx.effectiveRunPages(), ctx.movedFraction(), ctx.seed());
            final MutationWriter writer = new MutationWriter(image, plan, ctx.seed());
            writer.writeAll();
            if (ctx.sync())
            {
                image.force();
            }
            final Lz4BlockMeter changed = writer.changedMeter();
            final Lz4BlockMeter fresh = writer.freshMeter();
            final MutateResult result = new MutateResult();
            result.image = ctx.imagePath();
            result.sizeBytes = image.size();
            result.pages = image.pageCount();
            result.layout = ctx.layout();
            result.runPages = ctx.effectiveRunPages();
            result.seed = ctx.seed();
            result.fraction = ctx.fraction();
            result.movedFraction = ctx.movedFraction();
            result.pagesChanged = changed.pages();
            result.runs = plan.runCount();
            result.contiguousRuns = writer.contiguousRuns();
            result.movedPages = writer.movedPages();
            result.movedRuns = writer.movedRuns();
            result.plannedMovedRuns = plan.movedRunCount();
            result.compressiblePages = writer.compressiblePages();
            result.randomPages = writer.randomPages();
            result.contentRetries = writer.contentRetries();
            result.lz4Bytes = changed.bytes();
            result.lz4Blocks = changed.blocks();
            result.lz4FreshBytes = fresh.bytes();
            result.seconds = (System.nanoTime() - startNs) / 1e9;
            return result;
        }
    }

    /**
     * Which image and what to change, with fluent setters; {@link #conclude()} checks it.
     */
    public static final class Context
    {
        /** Default seed. */
        public static final long DEFAULT_SEED = 1;

        /** Default pages per run of the clustered layout. */
        public static final int DEFAULT_RUN_PAGES = 64;

        /** Default share of the runs that become copies of other pages. */
        public static final double DEFAULT_MOVED_FRACTION = 0.10;

        private Path imagePath;
        private double fraction = Double.NaN;
        private MutationLayout layout = MutationLayout.SCATTERED;
        private int runPages = DEFAULT_RUN_PAGES;
        private long seed = DEFAULT_SEED;
        private double movedFraction = DEFAULT_MOVED_FRACTION;
        private boolean sync;

        /**
         * Check the settings.
         *
         * @return this for a fluent API.
         * @throws ImageException naming the setting and its value.
         */
        public Context conclude()
        {
            if (imagePath == null)
            {
                throw new ImageException("no image path given");
            }
            if (layout == null)
            {
                throw new ImageException("no mutation layout given");
            }
            if (!(fraction >= 0 && fraction <= 1))
            {
                throw new ImageException("fraction of pages to change must be in [0, 1]: fraction=" + fraction);
            }
            if (!(movedFraction >= 0 && movedFraction <= 1))
            {
                throw new ImageException("moved fraction must be in [0, 1]: movedFraction=" + movedFraction);
            }
            if (runPages < 1 || runPages > MutationPlan.MAX_RUN_PAGES)
            {
                throw new ImageException("run pages out of range: runPages=" + runPages +
                    " max=" + MutationPlan.MAX_RUN_PAGES);
            }
            return this;
        }

        /** @return path of the image rewritten in place. */
        public Path imagePath()
        {
            return imagePath;
        }

        /**
         * @param imagePath path of an existing image, rewritten in place.
         * @return this for a fluent API.
         */
        public Context imagePath(final Path imagePath)
        {
            this.imagePath = imagePath;
            return this;
        }

        /** @return share of the pages to change. */
        public double fraction()
        {
            return fraction;
        }

        /**
         * @param fraction share of the pages to change, in [0, 1]; {@code round(fraction × pages)} pages change.
         * @return this for a fluent API.
         */
        public Context fraction(final double fraction)
        {
            this.fraction = fraction;
            return this;
        }

        /** @return where the changed pages lie. */
        public MutationLayout layout()
        {
            return layout;
        }

        /**
         * @param layout single pages or aligned runs.
         * @return this for a fluent API.
         */
        public Context layout(final MutationLayout layout)
        {
            this.layout = layout;
            return this;
        }

        /** @return pages per run of the clustered layout. */
        public int runPages()
        {
            return runPages;
        }

        /**
         * @param runPages pages per run of the clustered layout (ignored for scattered pages).
         * @return this for a fluent API.
         */
        public Context runPages(final int runPages)
        {
            this.runPages = runPages;
            return this;
        }

        /** @return pages per run as planned: 1 for scattered pages. */
        public int effectiveRunPages()
        {
            return layout == MutationLayout.SCATTERED ? 1 : runPages;
        }

        /** @return seed of the choice of pages and of their new content. */
        public long seed()
        {
            return seed;
        }

        /**
         * @param seed of the choice of pages and of their new content.
         * @return this for a fluent API.
         */
        public Context seed(final long seed)
        {
            this.seed = seed;
            return this;
        }

        /** @return share of the runs whose pages become copies of unchanged pages. */
        public double movedFraction()
        {
            return movedFraction;
        }

        /**
         * @param movedFraction share of the runs whose pages become copies of unchanged pages, in [0, 1].
         * @return this for a fluent API.
         */
        public Context movedFraction(final double movedFraction)
        {
            this.movedFraction = movedFraction;
            return this;
        }

        /** @return true when the written pages are forced to the file before returning. */
        public boolean sync()
        {
            return sync;
        }

        /**
         * @param sync force the written pages to the file before returning.
         * @return this for a fluent API.
         */
        public Context sync(final boolean sync)
        {
            this.sync = sync;
            return this;
        }
    }
}
