package io.ramshift.layout;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static io.ramshift.layout.ResumeDescriptor.*;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResumeFlyweightTest
{
    private static final int AT = 8;
    private static final long IDENTITY = 0x1D_E417_17E5L;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[AT + WORDS_OFFSET + 4 * 8]);
    private final ResumeFlyweight frame = new ResumeFlyweight();

    @Test
    void shouldPlaceEveryFieldAtTheDocumentedOffset()
    {
        assertEquals(8, KIND_OFFSET);
        assertEquals(9, STATUS_OFFSET);
        assertEquals(12, WORD_COUNT_OFFSET);
        assertEquals(16, IDENTITY_OFFSET);
        assertEquals(24, PAGE_COUNT_OFFSET);
        assertEquals(32, FIRST_WORD_OFFSET);
        assertEquals(40, WORDS_OFFSET);
        assertTrue(WORDS_OFFSET + MAX_WORDS * 8 <= ProtocolDescriptor.MAX_FRAME_LENGTH);
    }

    @Test
    void shouldEncodeAnOfferByteByByte()
    {
        frame.wrap(buffer, AT);
        frame.encodeOffer(IDENTITY, 130);

        assertEquals(WORDS_OFFSET, buffer.getInt(AT, LITTLE_ENDIAN));
        assertEquals(ProtocolDescriptor.TYPE_RESUME, buffer.getShort(AT + 4, LITTLE_ENDIAN));
        assertEquals(FLAG_LAST, buffer.getShort(AT + 6, LITTLE_ENDIAN));
        assertEquals(KIND_OFFER, buffer.getByte(AT + 8));
        assertEquals(0, buffer.getByte(AT + 9));
        assertEquals(0, buffer.getInt(AT + 12, LITTLE_ENDIAN));
        assertEquals(IDENTITY, buffer.getLong(AT + 16, LITTLE_ENDIAN));
        assertEquals(130, buffer.getLong(AT + 24, LITTLE_ENDIAN));
        frame.validateOffer(130);
        assertThrows(LayoutException.class, () -> frame.validateOffer(131), "another image");
    }

    @Test
    void shouldValidateAMapOfEveryWordUpToTheLastPage()
    {
        // 130 pages: 3 words, the last holding pages 128 and 129 only
        frame.wrap(buffer, AT);
        frame.encodeMap(STATUS_RESUMING, true, IDENTITY, 130, 0, 3);
        frame.word(0, 1L).word(1, -1L).word(2, 0b11L);

        frame.validateMap(IDENTITY, 130, 0);
        assertEquals(-1L, frame.word(1));

        frame.word(2, 0b111L);
        final LayoutException past = assertThrows(LayoutException.class, () -> frame.validateMap(IDENTITY, 130, 0));
        assertTrue(past.getMessage().contains("past the image end"), past.getMessage());
    }

    @Test
    void shouldRejectMapsOutOfOrderOfAnotherOfferOrWithWrongLast()
    {
        frame.wrap(buffer, AT);
        frame.encodeMap(STATUS_RESUMING, false, IDENTITY, 130, 0, 2);
        frame.validateMap(IDENTITY, 130, 0);
        assertThrows(LayoutException.class, () -> frame.validateMap(IDENTITY, 130, 1), "out of order");
        assertThrows(LayoutException.class, () -> frame.validateMap(IDENTITY + 1, 130, 0), "another identity");
        assertThrows(LayoutException.class, () -> frame.validateMap(IDENTITY, 128, 0), "another image");

        frame.encodeMap(STATUS_RESUMING, true, IDENTITY, 130, 0, 2);
        assertThrows(LayoutException.class, () -> frame.validateMap(IDENTITY, 130, 0), "LAST before the last word");
    }

    @Test
    void shouldAcceptARefusalOnlyWithoutWords()
    {
        frame.wrap(buffer, AT);
        frame.encodeMap(STATUS_IDENTITY_DIFFERS, true, IDENTITY, 130, 0, 0);
        frame.validateMap(IDENTITY, 130, 0);

        frame.encodeMap(STATUS_UNREADABLE, true, IDENTITY, 130, 0, 1);
        assertThrows(LayoutException.class, () -> frame.validateMap(IDENTITY, 130, 0));
        frame.encodeMap(MAX_STATUS + 1, true, IDENTITY, 130, 0, 0);
        assertThrows(LayoutException.class, () -> frame.validateMap(IDENTITY, 130, 0));
    }

    @Test
    void shouldRejectAWordCountTheFrameDoesNotHold()
    {
        frame.wrap(buffer, AT);
        frame.encodeMap(STATUS_RESUMING, true, IDENTITY, 130, 0, 3);
        buffer.putInt(AT + WORD_COUNT_OFFSET, Integer.MAX_VALUE, LITTLE_ENDIAN);
        assertThrows(LayoutException.class, () -> frame.validateMap(IDENTITY, 130, 0));
        buffer.putInt(AT, WORDS_OFFSET - 1, LITTLE_ENDIAN);
        assertThrows(LayoutException.class, () -> frame.validateMap(IDENTITY, 130, 0), "too short");
    }
}
