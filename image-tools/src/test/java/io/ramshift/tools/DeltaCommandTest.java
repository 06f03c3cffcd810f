package io.ramshift.tools;

import io.ramshift.engine.RamshiftThreads;
import io.ramshift.engine.verify.ManifestSidecar;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code migrate --delta} on the command line with manifest sidecars: kept after each session, reused without
 * rehashing when valid, and rehashed — never trusted — when stale or corrupt; a chain of generations.
 */
class DeltaCommandTest
{
    private static final int PAGE = 4096;

    @TempDir
    Path dir;

    private Path source;
    private Path destination;

    @BeforeEach
    void generationOne() throws IOException
    {
        source = dir.resolve("guest.ram");
        destination = dir.resolve("copy.ram");
        assertEquals(0, RamshiftMain.run("generate", "--profile", "post-workload", "--size", "16M", "--seed", "3",
            "--out", source.toString()));
        Files.copy(source, destination, StandardCopyOption.REPLACE_EXISTING);
    }

    @AfterEach
    void noThreadsLeft()
    {
        RamshiftThreads.assertNoneRunning();
    }

    @Test
    void shouldSendOnlyChangedPagesAndKeepBothSidecarsForTheNextGeneration() throws IOException
    {
        writePage(source, 5, (byte)1);
        writePage(source, 4095, (byte)2);

        final CliRun first = delta();

        assertEquals("2", first.jsonField("dataPages"), first.out);
        assertIdentical();
        assertTrue(Files.exists(ManifestSidecar.pathFor(source)), "the source's sidecar is kept");
        assertTrue(Files.exists(ManifestSidecar.pathFor(destination)), "the destination's sidecar is kept");
        assertEquals(0, RamshiftMain.run("manifest", destination.toString()));

        writePage(source, 100, (byte)3);
        final CliRun second = delta();

        assertEquals("1", second.jsonField("dataPages"), second.out);
        assertIdentical();
    }

    @Test
    void shouldRehashADestinationWhoseSidecarIsStaleAndResendThePageChangedBehindIt() throws IOException
    {
        delta();
        // the copy changes behind its sidecar's back: the stamp no longer matches, so it must not be trusted
        writePage(destination, 77, (byte)9);

        final CliRun run = delta();

        assertEquals("1", run.jsonField("dataPages"), run.out);
        assertIdentical();
    }

    @Test
    void shouldRehashADestinationWhoseSidecarIsCorrupt() throws IOException
    {
        delta();
        writePage(destination, 300, (byte)4);
        // and its sidecar claims the old hash of page 300 is still right, with a forged stamp-consistent header:
        // flip a page hash byte instead — the trailer checksum catches it
        final Path sidecar = ManifestSidecar.pathFor(destination);
        try (RandomAccessFile file = new RandomAccessFile(sidecar.toFile(), "rw"))
        {
            file.seek(64 + 8 * 10);
            file.write(0x5A);
        }

        final CliRun run = delta();

        assertEquals("1", run.jsonField("dataPages"), run.out);
        assertIdentical();
    }

    @Test
    void shouldChainThreeGenerations() throws IOException
    {
        writePage(source, 1, (byte)1);
        delta();
        writePage(source, 2, (byte)2);
        writePage(source, 3, (byte)2);
        final CliRun third = delta();
        assertEquals("2", third.jsonField("dataPages"), third.out);
        assertIdentical();
    }

    @Test
    void shouldShowAnInterruptedTransferInInspectAndVerifyUntilItIsCompleted() throws IOException
    {
        io.ramshift.engine.transfer.TransferJournal.begin(destination, Files.size(destination),
            Files.size(destination) / 4096, 0x5E55L, 0, null).close();

        final CliRun inspect = CliRun.of("inspect", destination.toString());
        final CliRun verify = CliRun.of("verify", source.toString(), destination.toString());

        assertTrue(inspect.out.contains("journal    INCOMPLETE"), inspect.out);
        assertTrue(verify.err.contains("INCOMPLETE"), verify.err);
        delta();
        assertTrue(!CliRun.of("inspect", destination.toString()).out.contains("INCOMPLETE"));
    }

    private CliRun delta()
    {
        final CliRun run = CliRun.of("migrate", source.toString(), destination.toString(), "--delta", "--no-sync",
            "--json");
        assertEquals(0, run.exitCode, run::toString);
        assertEquals("true", run.jsonField("verified"));
        return run;
    }

    private void assertIdentical()
    {
        assertEquals(0, RamshiftMain.run("verify", source.toString(), destination.toString()));
    }

    private static void writePage(final Path image, final long page, final byte value) throws IOException
    {
        final byte[] bytes = new byte[PAGE];
        java.util.Arrays.fill(bytes, value);
        bytes[0] = (byte)(page + 1);
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw"))
        {
            file.seek(page * PAGE);
            file.write(bytes);
        }
    }
}
