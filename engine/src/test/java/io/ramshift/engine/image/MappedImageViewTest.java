package io.ramshift.engine.image;

import io.ramshift.engine.ImageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MappedImageViewTest
{
    private static final int PAGE = MappedImage.PAGE_SIZE;

    @TempDir
    Path dir;

    @Test
    void shouldMapAViewAtAnUnalignedBaseAcrossChunks() throws IOException
    {
        final int base = 0x498;
        final int pages = 40;
        final byte[] file = new byte[base + pages * PAGE + 100];
        for (int page = 0; page < pages; page++)
        {
            for (int i = 0; i < PAGE; i += 512)
            {
                file[base + page * PAGE + i] = (byte)(page + 1);
            }
        }
        final Path path = Files.write(dir.resolve("view.elf"), file);

        try (MappedImage image = MappedImage.open(path, false, 4 * PAGE, base, (long)pages * PAGE))
        {
            assertEquals(base, image.baseOffset());
            assertEquals((long)pages * PAGE, image.size());
            assertEquals(pages, image.pageCount());
            assertEquals(10, image.chunkCount());
            for (int page = 0; page < pages; page++)
            {
                final long offset = (long)page * PAGE;
                assertEquals(page + 1, image.chunkBuffer(image.chunkIndex(offset)).getByte(image.chunkOffset(offset)));
                assertEquals(page + 1, image.chunkBuffer(image.chunkIndex(offset)).getByte(
                    image.chunkOffset(offset) + PAGE - 512));
            }
        }
    }

    @Test
    void shouldKeepTheWholeFileForTheOldFactories() throws IOException
    {
        final Path path = Files.write(dir.resolve("raw.img"), new byte[3 * PAGE]);

        try (MappedImage image = MappedImage.open(path, false, PAGE))
        {
            assertEquals(0, image.baseOffset());
            assertEquals(3 * PAGE, image.size());
        }
        try (MappedImage image = MappedImage.openReadOnly(path))
        {
            assertEquals(0, image.baseOffset());
            assertEquals(3 * PAGE, image.size());
        }
    }

    @Test
    void shouldRefuseAViewPastTheFileEndNamingTheValues() throws IOException
    {
        final Path path = Files.write(dir.resolve("short.elf"), new byte[0x498 + 2 * PAGE - 1]);

        final ImageException ex = assertThrows(ImageException.class,
            () -> MappedImage.open(path, false, PAGE, 0x498, 2 * PAGE));

        assertEquals("image view past file end: path=" + path + " baseOffset=1176 size=8192 end=9368 " +
            "fileLength=9367", ex.getMessage());
    }

    @Test
    void shouldRefuseAViewSizeThatIsNotWholePages() throws IOException
    {
        final Path path = Files.write(dir.resolve("odd.elf"), new byte[4 * PAGE]);

        final ImageException ex = assertThrows(ImageException.class,
            () -> MappedImage.open(path, false, PAGE, 16, PAGE + 1));

        assertTrue(ex.getMessage().contains("not a multiple of the page size"), ex.getMessage());
    }
}
