package io.ramshift.engine.generate;

import io.ramshift.engine.DestinationException;
import io.ramshift.engine.ImageException;
import io.ramshift.engine.RamshiftException;
import io.ramshift.engine.image.MappedImage;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.ramshift.engine.image.MappedImage.PAGE_SHIFT;
import static io.ramshift.engine.image.MappedImage.PAGE_SIZE;
import static io.ramshift.layout.PageLayoutDescriptor.KIND_COUNT;

/**
 * Generates a synthetic guest RAM image, its free-page bitmap and optionally its page layout, as a
 * {@link GeneratorProfile} describes.
 * <p>
 * The {@link PageKindPlan} is computed first, then writer threads named {@code ramshift-generate-N} fill the image
 * through a writable {@link MappedImage}, while the calling thread reports progress. Every byte is a function of
 * (profile, size, seed), so the thread count never changes the output. A new file is created sparse; an existing
 * file of the same size is overwritten in place and never truncated.
 */
public final class ImageGenerator
{
    /** Thread name prefix of the writer threads. */
    public static final String THREAD_NAME_PREFIX = "ramshift-generate-";

    /** Most writer threads accepted. */
    public static final int MAX_THREADS = 64;

    private final Context ctx;

    /**
     * @param ctx what to generate and where; checked by {@link #generate()}.
     */
    public ImageGenerator(final Context ctx)
    {
        this.ctx = ctx;
    }

    /**
     * Plan and write the image, then the bitmap and layout files when asked for.
     *
     * @return counts, bytes written and time.
     * @throws ImageException       when the profile, size, seed or thread count cannot be used.
     * @throws DestinationException when an output file cannot be prepared or written.
     */
    public GenerateResult generate()
    {
        ctx.conclude();
        final long startNs = System.nanoTime();
        final long pageCount = ctx.sizeBytes() >>> PAGE_SHIFT;
        final PageKindPlan plan = PageKindPlan.plan(ctx.profile(), pageCount, ctx.seed());
        final boolean created = OutputImageFile.prepare(ctx.imagePath(), ctx.sizeBytes(), ctx.force());
        final int zeroPolicy = !ctx.sparse() ? GenerateWorker.ZERO_WRITE :
            created ? GenerateWorker.ZERO_SKIP : GenerateWorker.ZERO_CHECK;

        final long blockCount = (pageCount + GenerateWorker.BLOCK_PAGES - 1) / GenerateWorker.BLOCK_PAGES;
        final int threadCount = (int)Math.min(ctx.threads(), blockCount);
        final long pagesWritten;
        try (MappedImage image = MappedImage.open(ctx.imagePath(), true, MappedImage.DEFAULT_CHUNK_SIZE))
        {
            pagesWritten = writePages(image, plan, threadCount, zeroPolicy);
        }
        if (ctx.freeBitmapPath() != null)
        {
            PlanFileWriter.writeFreeBitmap(plan, ctx.freeBitmapPath());
        }
        if (ctx.layoutPath() != null)
        {
            PlanFileWriter.writeLayout(plan, ctx.layoutPath());
        }

        final double seconds = (System.nanoTime() - startNs) / 1e9;
        final long[] counts = new long[KIND_COUNT];
        for (int kind = 0; kind < KIND_COUNT; kind++)
        {
            counts[kind] = plan.count(kind);
        }
        return new GenerateResult(ctx.imagePath(), ctx.profile().name(), ctx.sizeBytes(), pageCount, ctx.seed(),
            counts, plan.bitmapSetCount(), pagesWritten * PAGE_SIZE, seconds, threadCount, ctx.sparse(), created);
    }

    private long writePages(
        final MappedImage image, final PageKindPlan plan, final int threadCount, final int zeroPolicy)
    {
        final AtomicLong nextBlock = new AtomicLong();
        final AtomicLong pagesDone = new AtomicLong();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final GenerateWorker[] workers = new GenerateWorker[threadCount];
        final Thread[] threads = new Thread[threadCount];
        for (int i = 0; i < threadCount; i++)
        {
            workers[i] = new GenerateWorker(image, plan, nextBlock, pagesDone, failure, zeroPolicy);
            threads[i] = new Thread(workers[i], THREAD_NAME_PREFIX + i);
        }
        int started = 0;
        try
        {
            for (; started < threadCount; started++)
            {
                threads[started].start();
            }
            awaitWorkers(threads, pagesDone, plan.pageCount(), failure);
        }
        catch (final InterruptedException | RuntimeException | Error ex)
        {
            failure.compareAndSet(null, ex);
        }
        finally
        {
            // never leave a writer running over a mapping that is about to be unmapped
            joinUninterruptibly(threads, started, failure);
        }

        final Throwable cause = failure.get();
        if (cause != null)
        {
            if (cause instanceof InterruptedException)
            {
                Thread.currentThread().interrupt();
                throw new DestinationException("interrupted while generating image: path=" + image.path());
            }
            if (cause instanceof RamshiftException)
            {
                throw (RamshiftException)cause;
            }
            throw new DestinationException("cannot write image: path=" + image.path() + ": " + cause, cause);
        }
        final GenerateProgressListener listener = ctx.progressListener();
        if (listener != null)
        {
            listener.onProgress(plan.pageCount(), plan.pageCount());
        }
        long pagesWritten = 0;
        for (final GenerateWorker worker : workers)
        {
            pagesWritten += worker.pagesWritten();
        }
        return pagesWritten;
    }

    private void awaitWorkers(
        final Thread[] threads,
        final AtomicLong pagesDone,
        final long pageCount,
        final AtomicReference<Throwable> failure) throws InterruptedException
    {
        final GenerateProgressListener listener = ctx.progressListener();
        final long intervalNs = TimeUnit.MILLISECONDS.toNanos(ctx.progressIntervalMs());
        long nextReportNs = System.nanoTime() + intervalNs;
        for (final Thread thread : threads)
        {
            while (thread.isAlive())
            {
                final long waitNs = Math.max(1, nextReportNs - System.nanoTime());
                TimeUnit.NANOSECONDS.timedJoin(thread, waitNs);
                final long nowNs = System.nanoTime();
                if (nowNs - nextReportNs >= 0)
                {
                    nextReportNs = nowNs + intervalNs;
                    if (listener != null && failure.get() == null)
                    {
                        listener.onProgress(pagesDone.get(), pageCount);
                    }
                }
            }
        }
    }

    private static void joinUninterruptibly(
        final Thread[] threads, final int started, final AtomicReference<Throwable> failure)
    {
        boolean interrupted = false;
        for (int i = 0; i < started; i++)
        {
            while (threads[i].isAlive())
            {
                try
                {
                    threads[i].join();
                }
                catch (final InterruptedException ex)
                {
                    // workers stop at their next block once a failure is recorded
                    failure.compareAndSet(null, ex);
                    interrupted = true;
                }
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * What to generate and where, with fluent setters; {@link #conclude()} checks it.
     */
    public static final class Context
    {
        /** Default seed. */
        public static final long DEFAULT_SEED = 1;

        /** Default interval between progress reports. */
        public static final long DEFAULT_PROGRESS_INTERVAL_MS = 250;

        private GeneratorProfile profile = GeneratorProfile.idle();
        private long sizeBytes;
        private long seed = DEFAULT_SEED;
        private Path imagePath;
        private Path freeBitmapPath;
        private Path layoutPath;
        private boolean sparse;
        private boolean force;
        private int threads = Runtime.getRuntime().availableProcessors();
        private GenerateProgressListener progressListener;
        private long progressIntervalMs = DEFAULT_PROGRESS_INTERVAL_MS;

        /**
         * Check the settings.
         *
         * @return this for a fluent API.
         * @throws ImageException naming the setting and its value.
         */
        public Context conclude()
        {
            if (profile == null)
            {
                throw new ImageException("no profile given");
            }
            if (imagePath == null)
            {
                throw new ImageException("no output image path given");
            }
            if (sizeBytes <= 0 || (sizeBytes & (PAGE_SIZE - 1)) != 0)
            {
                throw new ImageException("image size must be a positive multiple of the page size: size=" +
                    sizeBytes + " pageSize=" + PAGE_SIZE);
            }
            if ((sizeBytes >>> PAGE_SHIFT) > PageKindPlan.MAX_PAGES)
            {
                throw new ImageException("image too large: size=" + sizeBytes + " pages=" + (sizeBytes >>> PAGE_SHIFT) +
                    " maxPages=" + PageKindPlan.MAX_PAGES);
            }
            if (threads < 1 || threads > MAX_THREADS)
            {
                throw new ImageException("thread count out of range: threads=" + threads + " max=" + MAX_THREADS);
            }
            if (progressIntervalMs < 1)
            {
                throw new ImageException("progress interval must be positive: intervalMs=" + progressIntervalMs);
            }
            checkDistinct(imagePath, freeBitmapPath, "free-page bitmap");
            checkDistinct(imagePath, layoutPath, "page layout");
            checkDistinct(freeBitmapPath, layoutPath, "page layout");
            return this;
        }

        /** @return what the image is made of. */
        public GeneratorProfile profile()
        {
            return profile;
        }

        /**
         * @param profile what the image is made of.
         * @return this for a fluent API.
         */
        public Context profile(final GeneratorProfile profile)
        {
            this.profile = profile;
            return this;
        }

        /** @return bytes of the image. */
        public long sizeBytes()
        {
            return sizeBytes;
        }

        /**
         * @param sizeBytes bytes of the image, a positive multiple of the page size.
         * @return this for a fluent API.
         */
        public Context sizeBytes(final long sizeBytes)
        {
            this.sizeBytes = sizeBytes;
            return this;
        }

        /** @return seed of the plan and the contents. */
        public long seed()
        {
            return seed;
        }

        /**
         * @param seed of the plan and the contents.
         * @return this for a fluent API.
         */
        public Context seed(final long seed)
        {
            this.seed = seed;
            return this;
        }

        /** @return path of the image. */
        public Path imagePath()
        {
            return imagePath;
        }

        /**
         * @param imagePath path of the image.
         * @return this for a fluent API.
         */
        public Context imagePath(final Path imagePath)
        {
            this.imagePath = imagePath;
            return this;
        }

        /** @return path of the free-page bitmap, or null for none. */
        public Path freeBitmapPath()
        {
            return freeBitmapPath;
        }

        /**
         * @param freeBitmapPath path of the free-page bitmap, or null for none.
         * @return this for a fluent API.
         */
        public Context freeBitmapPath(final Path freeBitmapPath)
        {
            this.freeBitmapPath = freeBitmapPath;
            return this;
        }

        /** @return path of the page layout, or null for none. */
        public Path layoutPath()
        {
            return layoutPath;
        }

        /**
         * @param layoutPath path of the page layout, or null for none.
         * @return this for a fluent API.
         */
        public Context layoutPath(final Path layoutPath)
        {
            this.layoutPath = layoutPath;
            return this;
        }

        /** @return true when zero pages are left as holes instead of written. */
        public boolean sparse()
        {
            return sparse;
        }

        /**
         * Reading an existing file's holes through the mapping to check them caches a zero page per hole, so
         * sparse overwrite of a mostly-hole file costs about a first touch of its size.
         *
         * @param sparse leave zero pages of a new file as holes, and in an existing file write only those not
         *               already zero.
         * @return this for a fluent API.
         */
        public Context sparse(final boolean sparse)
        {
            this.sparse = sparse;
            return this;
        }

        /** @return true when an existing image of another size is resized instead of refused. */
        public boolean force()
        {
            return force;
        }

        /**
         * @param force resize an existing image of another size instead of refusing it.
         * @return this for a fluent API.
         */
        public Context force(final boolean force)
        {
            this.force = force;
            return this;
        }

        /** @return writer threads. */
        public int threads()
        {
            return threads;
        }

        /**
         * @param threads writer threads, 1 to {@value ImageGenerator#MAX_THREADS} (default: available processors).
         * @return this for a fluent API.
         */
        public Context threads(final int threads)
        {
            this.threads = threads;
            return this;
        }

        /** @return listener told about progress, or null. */
        public GenerateProgressListener progressListener()
        {
            return progressListener;
        }

        /**
         * @param progressListener told about progress from the generating thread, or null.
         * @return this for a fluent API.
         */
        public Context progressListener(final GenerateProgressListener progressListener)
        {
            this.progressListener = progressListener;
            return this;
        }

        /** @return milliseconds between progress reports. */
        public long progressIntervalMs()
        {
            return progressIntervalMs;
        }

        /**
         * @param progressIntervalMs milliseconds between progress reports.
         * @return this for a fluent API.
         */
        public Context progressIntervalMs(final long progressIntervalMs)
        {
            this.progressIntervalMs = progressIntervalMs;
            return this;
        }

        private static void checkDistinct(final Path a, final Path b, final String what)
        {
            if (a != null && b != null && a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize()))
            {
                throw new ImageException(what + " path clashes with another output: path=" + b);
            }
        }
    }
}
