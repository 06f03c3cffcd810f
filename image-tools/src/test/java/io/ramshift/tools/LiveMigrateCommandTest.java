package io.ramshift.tools;

import io.ramshift.engine.RamshiftThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void shouldMigrateLiveWhileAnotherProcessWritesTheImage() throws Exception
    {
        final Path image = dir.resolve("guest.ram");
        final Path copy = dir.resolve("copy.ram");
        assertEquals(0, RamshiftMain.run("generate", "--fractions", "0.9,0,0.07,0.03,0", "--size", "32M", "--out",
            image.toString(), "--sparse"));
        final java.util.List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter(arg -> arg.startsWith("--add-") || arg.startsWith("--enable-native") ||
                arg.startsWith("--sun-misc")).collect(java.util.stream.Collectors.toList()));
        command.addAll(java.util.List.of("-cp", System.getProperty("java.class.path"), RamshiftMain.class.getName(),
            "dirty", image.toString(), "--dirty-rate", "3000", "--hot-set", "4000", "--seconds", "60"));
        final Process writer = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(dir.resolve("dirty.log").toFile()).start();
        try
        {
            final long deadline = System.currentTimeMillis() + 20_000;
            while (!java.nio.file.Files.readString(dir.resolve("dirty.log")).contains("writing") &&
                System.currentTimeMillis() < deadline)
            {
                Thread.sleep(20);
            }
            final long pid = writer.pid();
            assertEquals(0, RamshiftMain.run("migrate", image.toString(), copy.toString(), "--live", "--external",
                "--downtime-limit", "30", "--no-sync", "--stop-command",
                "kill -TERM " + pid + "; while kill -0 " + pid + " 2>/dev/null; do sleep 0.01; done"));
            assertFalse(writer.isAlive(), "the stop command stopped the writer before the final round");
            assertTrue(java.nio.file.Files.readString(dir.resolve("dirty.log")).contains("wrote"),
                "the writer wrote pages while the image moved");
            assertEquals(0, RamshiftMain.run("verify", image.toString(), copy.toString()));
        }
        finally
        {
            writer.destroyForcibly().waitFor();
        }
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
