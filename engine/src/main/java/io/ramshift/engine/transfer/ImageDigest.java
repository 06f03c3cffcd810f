package io.ramshift.engine.transfer;

import net.openhft.hashing.LongHashFunction;

import static io.ramshift.engine.image.MappedImage.PAGE_SIZE;

/**
 * Order-independent digest of the pages of an image: the sum modulo 2^64 of
 * {@code fmix64(xxh3(page bytes) ^ (pageIndex * 0x9E3779B97F4A7C15))} over the pages counted. A sum lets any
 * number of threads add pages in any order; mixing in the index makes a page written at the wrong place count.
 */
public final class ImageDigest
{
    private static final LongHashFunction XXH3 = LongHashFunction.xx3();
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    /** xxh3 of a page of zeros. */
    public static final long ZERO_PAGE_HASH = XXH3.hashBytes(new byte[PAGE_SIZE]);

    private long value;

    /**
     * @param address native address of a page.
     * @return xxh3 of its {@link io.ramshift.engine.image.MappedImage#PAGE_SIZE} bytes.
     */
    public static long pageHash(final long address)
    {
        return XXH3.hashMemory(address, PAGE_SIZE);
    }

    /**
     * @param address native address.
     * @param length  bytes.
     * @return xxh3 of the bytes.
     */
    public static long bytesHash(final long address, final long length)
    {
        return XXH3.hashMemory(address, length);
    }

    /**
     * @param page     index of the page.
     * @param pageHash xxh3 of its bytes.
     * @return the page's term of the digest.
     */
    public static long term(final long page, final long pageHash)
    {
        long x = pageHash ^ (page * GOLDEN);
        x = (x ^ (x >>> 33)) * 0xFF51AFD7ED558CCDL;
        x = (x ^ (x >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return x ^ (x >>> 33);
    }

    /**
     * Count one page.
     *
     * @param page     index of the page.
     * @param pageHash xxh3 of its bytes.
     */
    public void addPage(final long page, final long pageHash)
    {
        value += term(page, pageHash);
    }

    /**
     * Add a precomputed change of the digest (e.g. from {@link PageHashLedger#record(long, long)}).
     *
     * @param delta to add.
     */
    public void addDelta(final long delta)
    {
        value += delta;
    }

    /**
     * Count a run of zero pages without reading them.
     *
     * @param firstPage first page of the run.
     * @param pageCount pages in the run.
     */
    public void addZeroRun(final long firstPage, final long pageCount)
    {
        long sum = 0;
        for (long page = firstPage, end = firstPage + pageCount; page < end; page++)
        {
            sum += term(page, ZERO_PAGE_HASH);
        }
        value += sum;
    }

    /**
     * Count every page another digest counted.
     *
     * @param other digest of disjoint pages.
     */
    public void add(final ImageDigest other)
    {
        value += other.value;
    }

    /** @return the digest. */
    public long value()
    {
        return value;
    }

    /** Start again from the empty digest. */
    public void reset()
    {
        value = 0;
    }
}
