package io.ramshift.engine.transfer;

import io.ramshift.engine.DestinationException;
import io.ramshift.engine.ResourceLeakExtension;
import io.ramshift.engine.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.ramshift.engine.TestImages.PAGE_SIZE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A destination file system that fills up mid-transfer (a 1 MiB tmpfs this test mounts, root only): both ends fail
 * with the reason, nothing reports success, and once space is freed the same command with {@code --delta} finishes
 * the copy sending only what is missing.
 */
@ExtendWith(ResourceLeakExtension.class)
class DiskFullTest
{
    private static final long PAGES = 1024;

    @TempDir
    Path dir;

    private Path mount;

    @BeforeEach
    void mountSmallFileSystem() throws Exception
    {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root (CI runs as root)");
        mount = Files.createDirectories(dir.resolve("full"));
        run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mount.toString());
    }

    @AfterEach
    void unmount() throws Exception
    {
        if (mount != null)
        {
            run("umount", "-l", mount.toString());
        }
    }

    @Test
    void shouldFailClearlyWhenTheDestinationFillsUpAndFinishWithADeltaOnceThereIsRoom() throws Exception
    {
        final Path source = TestImages.createSparse(dir.resolve("src.img"), PAGES * PAGE_SIZE);
        TestImages.writePages(source, 0, 600, 5);
        final Path destination = mount.resolve("dst.img");
        final TransferOptions options = new TransferOptions();

        final DestinationException ex = assertThrows(DestinationException.class,
            () -> new LoopbackMigration(options).migrate(source, null, destination));

        assertTrue(ex.getMessage().contains("disk full"), ex.getMessage());
        assertEquals(PAGES * PAGE_SIZE, Files.size(destination), "the destination keeps its size");

        run("mount", "-o", "remount,size=8m", mount.toString());
        final TransferOptions delta = new TransferOptions();
        delta.delta = true;
        final LoopbackMigration resumed = new LoopbackMigration(delta);
        resumed.migrate(source, null, destination);

        assertTrue(resumed.senderStats().verified);
        assertTrue(resumed.senderStats().dataPages < 600, "only the missing pages travel again: " +
            resumed.senderStats().dataPages);
        assertTrue(resumed.senderStats().unchangedPages > PAGES - 600, "pages already there stay");
        TestImages.assertSameNonFreePages(source, destination, (page) -> false);
    }

    private static void run(final String... command) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String out = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        assertEquals(0, process.exitValue(), String.join(" ", command) + ": " + out);
    }
}
