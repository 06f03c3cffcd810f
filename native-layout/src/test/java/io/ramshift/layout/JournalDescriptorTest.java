package io.ramshift.layout;

import org.junit.jupiter.api.Test;

import static io.ramshift.layout.JournalDescriptor.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

class JournalDescriptorTest
{
    @Test
    void shouldPlaceEveryHeaderFieldAtTheDocumentedOffset()
    {
        assertEquals(2, VERSION);
        assertEquals(0, MAGIC_OFFSET);
        assertEquals(8, VERSION_OFFSET);
        assertEquals(12, PAGE_SIZE_OFFSET);
        assertEquals(16, IMAGE_SIZE_OFFSET);
        assertEquals(24, PAGE_COUNT_OFFSET);
        assertEquals(32, SESSION_ID_OFFSET);
        assertEquals(40, STARTED_OFFSET);
        assertEquals(48, ATTEMPTS_OFFSET);
        assertEquals(56, IDENTITY_OFFSET);
        assertEquals(72, CHECKSUM_OFFSET);
        assertEquals(80, HEADER_LENGTH);
    }

    @Test
    void shouldSizeTheBitmapInWholeWords()
    {
        assertEquals(80, lengthFor(0));
        assertEquals(88, lengthFor(1));
        assertEquals(88, lengthFor(64));
        assertEquals(96, lengthFor(65));
        assertEquals(80 + 8 * 32768, lengthFor(2L << 20));
        assertEquals(80, wordOffset(0));
        assertEquals(80, wordOffset(63));
        assertEquals(88, wordOffset(64));
    }
}
