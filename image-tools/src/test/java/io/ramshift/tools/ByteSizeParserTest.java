package io.ramshift.tools;

import io.ramshift.engine.ImageException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ByteSizeParserTest
{
    @Test
    void shouldParseBinarySuffixes()
    {
        assertEquals(4096, ByteSizeParser.parse("4096"));
        assertEquals(4096, ByteSizeParser.parse("4K"));
        assertEquals(64L << 20, ByteSizeParser.parse("64M"));
        assertEquals(8L << 30, ByteSizeParser.parse("8G"));
        assertEquals(8L << 30, ByteSizeParser.parse("8g"));
        assertEquals(8L << 30, ByteSizeParser.parse("8GiB"));
        assertEquals(2L << 40, ByteSizeParser.parse("2T"));
        assertEquals(512, ByteSizeParser.parse("512B"));
    }

    @Test
    void shouldRejectWhatIsNotASize()
    {
        for (final String text : new String[]{ "", "G", "8X", "-8G", "8.5G", "8GB2", "99999999999T",
            "99999999999999999999" })
        {
            final ImageException ex = assertThrows(ImageException.class, () -> ByteSizeParser.parse(text));
            assertTrue(ex.getMessage().startsWith("bad size: size=" + text), ex.getMessage());
        }
    }
}
