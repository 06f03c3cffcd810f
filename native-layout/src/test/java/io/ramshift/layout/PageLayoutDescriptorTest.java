package io.ramshift.layout;

import org.junit.jupiter.api.Test;

import static io.ramshift.layout.PageLayoutDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;

class PageLayoutDescriptorTest
{
    @Test
    void shouldEncodeKindInLowBitsAndFreeInBitSeven()
    {
        assertEquals((byte)0x80, entry(KIND_ZERO, true));
        assertEquals((byte)0x04, entry(KIND_DUPLICATE, false));
        assertEquals((byte)0x81, entry(KIND_FREE_DIRTY, true));
        for (int kind = 0; kind < KIND_COUNT; kind++)
        {
            assertEquals(kind, kind(entry(kind, true)));
            assertTrue(isFree(entry(kind, true)));
            assertFalse(isFree(entry(kind, false)));
        }
    }

    @Test
    void shouldRejectReservedBitsAndUnknownKinds()
    {
        assertThrows(LayoutException.class, () -> checkEntry(3, (byte)0x08));
        final LayoutException ex = assertThrows(LayoutException.class, () -> checkEntry(7, (byte)0x85));
        assertEquals("bad page layout entry: page=7 entry=0x85", ex.getMessage());
        checkEntry(0, (byte)0x84);
    }

    @Test
    void shouldCheckLengthIsOneBytePerPage()
    {
        assertEquals(100, lengthForPages(100));
        checkLength(100, 100);
        assertThrows(LayoutException.class, () -> checkLength(99, 100));
    }

    @Test
    void shouldNameKinds()
    {
        assertEquals("free-dirty", kindName(KIND_FREE_DIRTY));
        assertEquals("unknown(9)", kindName(9));
    }
}
