package io.ramshift.engine.generate;

import io.ramshift.engine.ImageException;
import org.junit.jupiter.api.Test;

import static io.ramshift.layout.PageLayoutDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;

class GeneratorProfileTest
{
    @Test
    void shouldDescribeIdleAsImagesMdDoes()
    {
        final GeneratorProfile idle = GeneratorProfile.idle();
        assertEquals("idle", idle.name());
        assertEquals(0.95, idle.fraction(KIND_ZERO), 1e-12);
        assertEquals(0.01, idle.fraction(KIND_FREE_DIRTY), 1e-12);
        assertEquals(0.04 * 0.65, idle.fraction(KIND_COMPRESSIBLE), 1e-12);
        assertEquals(0.04 * 0.20, idle.fraction(KIND_RANDOM), 1e-12);
        assertEquals(0.04 * 0.15, idle.fraction(KIND_DUPLICATE), 1e-12);
        assertEquals(0.90, idle.zeroChunkFraction(), 1e-12);
        assertEquals(0.90, idle.zeroMarkedFreeFraction(), 0.005);
    }

    @Test
    void shouldDescribePostWorkloadAsImagesMdDoes()
    {
        final GeneratorProfile post = GeneratorProfile.postWorkload();
        assertEquals("post-workload", post.name());
        assertEquals(0.01, post.fraction(KIND_ZERO), 1e-12);
        assertEquals(0.95, post.fraction(KIND_FREE_DIRTY), 1e-12);
        assertEquals(0.85, post.freeDirtyChunkFraction(), 1e-12);
        assertEquals(0.50, post.zeroMarkedFreeFraction(), 0.025);
    }

    @Test
    void shouldFindBuiltInProfilesByName()
    {
        assertEquals(GeneratorProfile.idle(), GeneratorProfile.byName("idle"));
        assertEquals(GeneratorProfile.postWorkload(), GeneratorProfile.byName("post-workload"));
    }

    @Test
    void shouldRejectUnknownProfileName()
    {
        final ImageException ex = assertThrows(ImageException.class, () -> GeneratorProfile.byName("busy"));
        assertTrue(ex.getMessage().contains("profile=busy"), ex.getMessage());
    }

    @Test
    void shouldParseFractions()
    {
        final GeneratorProfile profile = GeneratorProfile.parseFractions("0.5, 0.1,0.2,0.1,0.1");
        assertEquals(GeneratorProfile.ofFractions(0.5, 0.1, 0.2, 0.1, 0.1), profile);
        assertEquals("custom", profile.name());
        assertEquals(0.2, profile.fraction(KIND_COMPRESSIBLE), 1e-12);
    }

    @Test
    void shouldRejectFractionsThatDoNotSumToOne()
    {
        final ImageException ex = assertThrows(
            ImageException.class, () -> GeneratorProfile.ofFractions(0.5, 0.1, 0.2, 0.1, 0.07));
        assertTrue(ex.getMessage().startsWith("fractions must sum to 1: sum=0.97"), ex.getMessage());
        assertTrue(ex.getMessage().contains("duplicate=0.07"), ex.getMessage());
    }

    @Test
    void shouldAcceptSumWithinTolerance()
    {
        assertNotNull(GeneratorProfile.ofFractions(0.5, 0.1, 0.2, 0.1, 0.1 + 5e-10));
    }

    @Test
    void shouldRejectNegativeFraction()
    {
        final ImageException ex = assertThrows(
            ImageException.class, () -> GeneratorProfile.ofFractions(1.1, -0.1, 0, 0, 0));
        assertTrue(ex.getMessage().contains("free-dirty=-0.1"), ex.getMessage());
    }

    @Test
    void shouldRejectNotANumberFraction()
    {
        assertThrows(ImageException.class, () -> GeneratorProfile.ofFractions(Double.NaN, 1, 0, 0, 0));
    }

    @Test
    void shouldRejectDuplicatesWithNothingToCopy()
    {
        final ImageException ex = assertThrows(
            ImageException.class, () -> GeneratorProfile.ofFractions(0.5, 0.4, 0, 0, 0.1));
        assertTrue(ex.getMessage().startsWith("duplicate pages need"), ex.getMessage());
    }

    @Test
    void shouldRejectMalformedFractionText()
    {
        final ImageException wrongCount =
            assertThrows(ImageException.class, () -> GeneratorProfile.parseFractions("0.5,0.5"));
        assertTrue(wrongCount.getMessage().contains("fractions=0.5,0.5"), wrongCount.getMessage());
        final ImageException notNumber =
            assertThrows(ImageException.class, () -> GeneratorProfile.parseFractions("0.5,x,0.5,0,0"));
        assertTrue(notNumber.getMessage().contains("free-dirty=x"), notNumber.getMessage());
    }

    @Test
    void shouldRejectLayoutShareOutOfRange()
    {
        assertThrows(ImageException.class, () -> GeneratorProfile.idle().withLayout(1.5, 0, 0));
    }
}
