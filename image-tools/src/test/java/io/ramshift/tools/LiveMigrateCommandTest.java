package io.ramshift.tools;

import io.ramshift.engine.RamshiftThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LiveMigrateCommandTest
{
    @TempDir
    Path dir;

    @AfterEach
    void noThreadsLeft()
    {
        RamshiftThreads.assertNoneRunning();
    }

    @Test
    void shouldMigrateLiveWhileAnInProcessWriterRunsAndVerifyTheCopy()
    {
        final Path image = dir.resolve("guest.ram");
        final Path copy = dir.resolve("copy.ram");
        assertEquals(0, RamshiftMain.run("generate", "--fractions", "0.9,0,0.07,0.03,0", "--size", "32M", "--out",
            image.toString(), "--sparse"));
        assertEquals(0, RamshiftMain.run("migrate", image.toString(), copy.toString(), "--live", "--dirty-rate", "5000",
            "--hot-set", "4000", "--downtime-limit", "20", "--no-sync", "--json"));
        assertEquals(0, RamshiftMain.run("verify", image.toString(), copy.toString()));
    }

    @Test
    void shouldRefuseLiveOverSeveralStreamsAndFailingStopCommands()
    {
        final Path image = dir.resolve("guest.ram");
        assertEquals(0, RamshiftMain.run("generate", "--profile", "idle", "--size", "8M", "--out", image.toString(),
            "--sparse"));
        assertEquals(RamshiftMain.EXIT_FAILURE, RamshiftMain.run("migrate", image.toString(),
            dir.resolve("a.ram").toString(), "--live", "--streams", "2"));
        assertEquals(RamshiftMain.EXIT_FAILURE, RamshiftMain.run("migrate", image.toString(),
            dir.resolve("b.ram").toString(), "--live", "--stop-command", "exit 3"));
    }
}
