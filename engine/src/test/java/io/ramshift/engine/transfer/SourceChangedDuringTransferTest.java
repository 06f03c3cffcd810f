package io.ramshift.engine.transfer;

import io.ramshift.engine.ImageException;
import io.ramshift.engine.ResourceLeakExtension;
import io.ramshift.engine.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Path;

import static io.ramshift.engine.TestImages.PAGE_SIZE;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A snapshot whose source file is written or resized while it is read is refused, never copied inconsistent.
 */
@ExtendWith(ResourceLeakExtension.class)
class SourceChangedDuringTransferTest
{
    private static final long PAGES = 256;

    @TempDir
    Path dir;

    @Test
    void shouldRefuseASourceWrittenDuringTheTransfer()
    {
        final Path source = image();
        final TransferOptions options = options();
        options.afterLastPage = () -> write(source, (raf) -> raf.write(7));

        final LoopbackMigration migration = new LoopbackMigration(options);
        final ImageException ex = assertThrows(ImageException.class,
            () -> migration.migrate(source, null, dir.resolve("dst.img")));

        assertTrue(ex.getMessage().contains("source image changed during the transfer"), ex.getMessage());
        assertTrue(ex.getMessage().contains("mtime"), ex.getMessage());
        assertNull(migration.receiverStats() == null || !migration.receiverStats().verified ? null : "verified",
            "the receiver must not report success");
    }

    @Test
    void shouldRefuseASourceResizedDuringTheTransfer()
    {
        final Path source = image();
        final TransferOptions options = options();
        options.afterLastPage = () -> write(source, (raf) -> raf.setLength(raf.length() + PAGE_SIZE));

        final ImageException ex = assertThrows(ImageException.class,
            () -> new LoopbackMigration(options).migrate(source, null, dir.resolve("dst.img")));

        assertTrue(ex.getMessage().contains("size"), ex.getMessage());
    }

    @Test
    void shouldRefuseASourceTruncatedDuringTheTransfer()
    {
        final Path source = image();
        final TransferOptions options = options();
        options.afterLastPage = () -> write(source, (raf) -> raf.setLength(raf.length() - PAGE_SIZE));

        final ImageException ex = assertThrows(ImageException.class,
            () -> new LoopbackMigration(options).migrate(source, null, dir.resolve("dst.img")));

        assertTrue(ex.getMessage().contains("source image changed during the transfer"), ex.getMessage());
    }

    private interface FileAction
    {
        void apply(RandomAccessFile file) throws IOException;
    }

    private static void write(final Path path, final FileAction action)
    {
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw"))
        {
            file.seek(10L * PAGE_SIZE);
            action.apply(file);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private Path image()
    {
        final Path path = TestImages.createSparse(dir.resolve("src.img"), PAGES * PAGE_SIZE);
        TestImages.writePages(path, 0, 40, 3);
        return path;
    }

    private static TransferOptions options()
    {
        final TransferOptions options = new TransferOptions();
        options.noSync = true;
        return options;
    }
}
