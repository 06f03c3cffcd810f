package io.ramshift.tools;

import io.ramshift.engine.DestinationException;
import io.ramshift.engine.ImageException;
import io.ramshift.engine.RamshiftThreads;
import io.ramshift.layout.FreePageBitmapDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class GenerateCommandTest
{
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private Exception failure;

    @AfterEach
    void shouldLeaveNoThreadRunning()
    {
        RamshiftThreads.assertNoneRunning();
    }

    @Test
    void shouldGenerateImageBitmapAndLayoutAndSummarise() throws IOException
    {
        final Path image = dir.resolve("idle.img");
        final int exitCode = execute("--profile", "idle", "--size", "16M", "--out", image.toString(),
            "--free-bitmap", dir.resolve("idle.bitmap").toString(), "--layout", dir.resolve("idle.layout").toString(),
            "--threads", "2");
        assertEquals(0, exitCode, String.valueOf(failure));
        assertEquals(16L << 20, Files.size(image));
        assertEquals(FreePageBitmapDescriptor.lengthForPages(4096), Files.size(dir.resolve("idle.bitmap")));
        assertEquals(4096, Files.size(dir.resolve("idle.layout")));
        final String summary = out.toString();
        assertTrue(summary.startsWith("generated " + image + ": 16.00 MiB (4,096 pages), profile idle, seed 1: " +
            "zero 3,891, free-dirty 41, compressible 106, random 33, duplicate 25; bitmap set "), summary);
        assertTrue(summary.contains("GB/s, 2 threads)"), summary);
        assertEquals(1, summary.trim().split("\n").length, summary);
    }

    @Test
    void shouldPrintJson() throws IOException
    {
        final Path image = dir.resolve("custom.img");
        final int exitCode = execute("--fractions", "0.5,0.2,0.2,0.05,0.05", "--size", "4M", "--seed", "7",
            "--out", image.toString(), "--sparse", "--json", "--threads", "1");
        assertEquals(0, exitCode, String.valueOf(failure));
        final String json = out.toString().trim();
        assertTrue(json.startsWith("{\"image\":\"" + image + "\",\"profile\":\"custom\",\"sizeBytes\":4194304," +
            "\"pages\":1024,\"seed\":7,\"counts\":{\"zero\":512,\"free-dirty\":205,\"compressible\":205,"), json);
        assertTrue(json.contains("\"sparse\":true,\"created\":true,\"freeBitmap\":null,\"layout\":null}"), json);
        assertEquals(4L << 20, Files.size(image));
    }

    @Test
    void shouldOverwriteExistingImageOfTheSameSize() throws IOException
    {
        final Path image = dir.resolve("again.img");
        assertEquals(0, execute("--size", "4M", "--out", image.toString()));
        final Object inode = Files.getAttribute(image, "unix:ino");
        assertEquals(0, execute("--size", "4M", "--out", image.toString(), "--profile", "post-workload"));
        assertEquals(inode, Files.getAttribute(image, "unix:ino"));
        assertTrue(out.toString().contains("overwritten in place"), out.toString());
    }

    @Test
    void shouldFailOnExistingImageOfAnotherSizeUnlessForced() throws IOException
    {
        final Path image = dir.resolve("sized.img");
        Files.write(image, new byte[8192]);
        assertEquals(1, execute("--size", "4M", "--out", image.toString()));
        assertInstanceOf(DestinationException.class, failure);
        assertTrue(failure.getMessage().contains("size=8192 requested=4194304"), failure.getMessage());
        assertEquals(8192, Files.size(image));

        failure = null;
        assertEquals(0, execute("--size", "4M", "--out", image.toString(), "--force"));
        assertEquals(4L << 20, Files.size(image));
    }

    @Test
    void shouldFailOnBadSize()
    {
        assertEquals(1, execute("--size", "8X", "--out", dir.resolve("x.img").toString()));
        assertInstanceOf(ImageException.class, failure);
        assertTrue(failure.getMessage().startsWith("bad size: size=8X"), failure.getMessage());

        assertEquals(1, execute("--size", "5000", "--out", dir.resolve("x.img").toString()));
        assertTrue(failure.getMessage().contains("size=5000"), failure.getMessage());
        assertFalse(Files.exists(dir.resolve("x.img")));
    }

    @Test
    void shouldFailOnBadFractions()
    {
        assertEquals(1, execute("--fractions", "0.5,0.2,0.2,0.05,0.02", "--size", "4M",
            "--out", dir.resolve("x.img").toString()));
        assertInstanceOf(ImageException.class, failure);
        assertTrue(failure.getMessage().startsWith("fractions must sum to 1: sum=0.97"), failure.getMessage());
    }

    @Test
    void shouldFailOnProfileAndFractionsTogether()
    {
        assertEquals(1, execute("--profile", "idle", "--fractions", "1,0,0,0,0", "--size", "4M",
            "--out", dir.resolve("x.img").toString()));
        assertInstanceOf(ImageException.class, failure);
    }

    @Test
    void shouldFailOnUnknownProfile()
    {
        assertEquals(1, execute("--profile", "busy", "--size", "4M", "--out", dir.resolve("x.img").toString()));
        assertTrue(failure.getMessage().contains("profile=busy"), failure.getMessage());
    }

    @Test
    void shouldRequireOutAndSize()
    {
        assertEquals(2, execute("--size", "4M"));
        assertEquals(2, execute("--out", dir.resolve("x.img").toString()));
    }

    private int execute(final String... args)
    {
        final CommandLine commandLine = new CommandLine(new GenerateCommand());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(new StringWriter(), true));
        // the main class turns engine exceptions into one line and exit code 1; here they are kept for asserts
        commandLine.setExecutionExceptionHandler((ex, cmd, parseResult) ->
        {
            failure = ex;
            return 1;
        });
        return commandLine.execute(args);
    }
}
