package io.ramshift.engine.generate;

/**
 * SplitMix64 pseudo-random generator: tiny state, one long per step, and a stateless {@link #mix(long)} used to
 * derive independent per-page seeds, so page contents never depend on which thread wrote what before.
 * <p>
 * Implemented here rather than taken from {@code SplittableRandom} so the bytes of a generated image are fixed by
 * this code alone, whatever the JDK.
 */
public final class SplitMix64
{
    /** The golden-ratio increment of SplitMix64. */
    public static final long GOLDEN_GAMMA = 0x9E37_79B9_7F4A_7C15L;

    private long state;

    /**
     * @param seed initial state.
     */
    public SplitMix64(final long seed)
    {
        this.state = seed;
    }

    /**
     * Restart the sequence from a new state.
     *
     * @param seed new state.
     * @return this for a fluent API.
     */
    public SplitMix64 reset(final long seed)
    {
        this.state = seed;
        return this;
    }

    /** @return the next 64 random bits. */
    public long nextLong()
    {
        state += GOLDEN_GAMMA;
        return mix(state);
    }

    /**
     * Value in {@code [0, bound)}; the modulo bias is below 2^-32 for bounds under 2^31 pages, which is all this
     * generator asks for.
     *
     * @param bound exclusive upper bound, positive.
     * @return the value.
     */
    public long nextLong(final long bound)
    {
        return (nextLong() >>> 1) % bound;
    }

    /**
     * Uniform value in {@code [0, bound)}.
     *
     * @param bound exclusive upper bound, positive and below 2^31.
     * @return the value.
     */
    public int nextInt(final int bound)
    {
        return (int)(((nextLong() >>> 32) * bound) >>> 32);
    }

    /**
     * The SplitMix64 finaliser (variant 13 of Stafford's mix functions): a bijection that scatters every input bit.
     *
     * @param z input bits.
     * @return mixed bits.
     */
    public static long mix(final long z)
    {
        long x = z;
        x = (x ^ (x >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        x = (x ^ (x >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return x ^ (x >>> 31);
    }

    /**
     * Seed derived from several values, each mixed in turn so that nearby inputs give unrelated seeds.
     *
     * @param seed   image seed.
     * @param page   page index.
     * @param domain what the seed is for, so different uses of the same page do not share bits.
     * @return the derived seed.
     */
    public static long seedFor(final long seed, final long page, final long domain)
    {
        return mix(mix(mix(seed + GOLDEN_GAMMA) ^ page) + domain * GOLDEN_GAMMA);
    }
}
