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
 * with the reason, nothing reports success, and once space is freed the same command again resumes through the
 * destination's journal, sending only the pages that were not yet written and fsynced.
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
    void shouldFailClearlyWhenTheDestinationFillsUpAndResumeThroughTheJournalOnceThereIsRoom() throws Exception
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
        final TransferState journal = TransferState.of(destination);
        assertTrue(journal.durablePages > 0, "what was written before the disk filled is durable: " + journal);
        final LoopbackMigration resumed = new LoopbackMigration(new TransferOptions());
        resumed.migrate(source, null, destination);

        assertTrue(resumed.senderStats().verified);
        assertEquals(journal.durablePages, resumed.senderStats().durablePages, "durable pages do not travel again");
        assertEquals(PAGES - journal.durablePages, resumed.senderStats().pagesSent(), "only the missing pages travel");
        assertTrue(resumed.senderStats().dataPages < 600, "data pages sent: " + resumed.senderStats().dataPages);
        TestImages.assertSameNonFreePages(source, destination, (page) -> false);
    }

    /** The journal's durable-page count, for the message. */
    private record TransferState(long durablePages)
    {
        static TransferState of(final Path destination)
        {
            final TransferJournal.State state = TransferJournal.state(destination);
            return new TransferState(state == null ? 0 : state.durablePages());
        }
    }

    private static void run(final String... command) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String out = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        assertEquals(0, process.exitValue(), String.join(" ", command) + ": " + out);
    }
}
