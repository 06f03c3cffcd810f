package io.ramshift.engine.generate;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class SplitMix64Test
{
    @Test
    void shouldProduceTheReferenceSplitMix64Sequence()
    {
        // first outputs of Vigna's splitmix64.c from state 0: image bytes must not depend on the JDK
        final SplitMix64 random = new SplitMix64(0);
        assertEquals(0xE220_A839_7B1D_CDAFL, random.nextLong());
        assertEquals(0x6E78_9E6A_A1B9_65F4L, random.nextLong());
        assertEquals(0x06C4_5D18_8009_454FL, random.nextLong());
    }

    @Test
    void shouldStayWithinBounds()
    {
        final SplitMix64 random = new SplitMix64(1);
        for (int i = 0; i < 10_000; i++)
        {
            final int value = random.nextInt(7);
            assertTrue(value >= 0 && value < 7, "value " + value);
            final long big = random.nextLong(3_000_000_000L);
            assertTrue(big >= 0 && big < 3_000_000_000L, "value " + big);
        }
    }

    @Test
    void shouldDeriveDifferentSeedsForNeighbouringPagesAndDomains()
    {
        assertNotEquals(SplitMix64.seedFor(1, 0, 1), SplitMix64.seedFor(1, 1, 1));
        assertNotEquals(SplitMix64.seedFor(1, 0, 1), SplitMix64.seedFor(1, 0, 3));
        assertNotEquals(SplitMix64.seedFor(1, 0, 1), SplitMix64.seedFor(2, 0, 1));
        assertEquals(SplitMix64.seedFor(5, 9, 2), SplitMix64.seedFor(5, 9, 2));
    }
}
