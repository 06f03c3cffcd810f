package io.ramshift.tools;

import io.ramshift.engine.ResourceLeakExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

@ExtendWith(ResourceLeakExtension.class)
class MutateCommandTest
{
    private static final long SIZE = 4L << 20;

    @TempDir
    Path dir;

    private Path image;

    @BeforeEach
    void generate()
    {
        image = dir.resolve("gen1.img");
        final CliRun run = CliRun.of("generate", "--profile", "post-workload", "--size", "4M", "--seed", "1",
            "--out", image.toString(), "--threads", "1");
        assertEquals(0, run.exitCode, run.toString());
    }

    @Test
    void shouldMutateInPlaceAndPrintTheCountsAsJson() throws IOException
    {
        final byte[] before = Files.readAllBytes(image);
        final CliRun run = CliRun.of("mutate", image.toString(), "--fraction", "0.1", "--layout", "clustered",
            "--run-pages", "16", "--seed", "3", "--moved-fraction", "0.25", "--json");
        assertEquals(0, run.exitCode, run.toString());
        final byte[] after = Files.readAllBytes(image);
        assertEquals(SIZE, after.length);
        int changed = 0;
        for (int page = 0; page < 1024; page++)
        {
            changed += Arrays.equals(before, page * 4096, (page + 1) * 4096, after, page * 4096, (page + 1) * 4096) ?
                0 : 1;
        }
        assertEquals("102", run.jsonField("pagesChanged"));
        assertEquals(102, changed);
        assertEquals("7", run.jsonField("runs"));
        assertEquals("16", run.jsonField("runPages"));
        assertEquals("\"clustered\"", run.jsonField("layout"));
        assertEquals("2", run.jsonField("plannedMovedRuns"));
        assertTrue(Long.parseLong(run.jsonField("lz4Bytes")) > 0, run.out);
        assertTrue(Long.parseLong(run.jsonField("lz4Bytes")) < Long.parseLong(run.jsonField("rawBytes")), run.out);
        assertEquals(102 * 4096L, Long.parseLong(run.jsonField("rawBytes")));
        assertEquals(1, run.out.trim().split("\n").length, run.out);
    }

    @Test
    void shouldPrintASummaryAndGiveTheSameBytesForTheSameSeed() throws IOException
    {
        final Path copy = Files.copy(image, dir.resolve("copy.img"));
        final CliRun run = CliRun.of("mutate", image.toString(), "--fraction", "0.01", "--layout", "scattered",
            "--seed", "9");
        assertEquals(0, run.exitCode, run.toString());
        assertTrue(run.out.startsWith("mutated " + image + ": 10 of 1,024 pages changed (0.98%), scattered, seed 9\n"),
            run.out);
        assertTrue(run.out.contains("  lz4        "), run.out);
        assertEquals(0, CliRun.of("mutate", copy.toString(), "--fraction", "0.01", "--layout", "scattered",
            "--seed", "9").exitCode);
        assertArrayEquals(Files.readAllBytes(image), Files.readAllBytes(copy));
    }

    @Test
    void shouldRefuseAnUnknownLayoutAndRunPagesWithScatteredPages() throws IOException
    {
        final byte[] before = Files.readAllBytes(image);
        final CliRun unknown = CliRun.of("mutate", image.toString(), "--fraction", "0.1", "--layout", "diagonal");
        assertEquals(RamshiftMain.EXIT_FAILURE, unknown.exitCode);
        assertEquals("ramshift mutate: unknown mutation layout: layout=diagonal (expected scattered or clustered)",
            unknown.err.trim());
        final CliRun runPages = CliRun.of("mutate", image.toString(), "--fraction", "0.1", "--layout", "scattered",
            "--run-pages", "8");
        assertEquals(RamshiftMain.EXIT_FAILURE, runPages.exitCode);
        assertEquals("ramshift mutate: --run-pages applies to the clustered layout only: layout=scattered runPages=8",
            runPages.err.trim());
        final CliRun fraction = CliRun.of("mutate", image.toString(), "--fraction", "2", "--layout", "scattered");
        assertEquals(RamshiftMain.EXIT_FAILURE, fraction.exitCode);
        assertEquals("ramshift mutate: fraction of pages to change must be in [0, 1]: fraction=2.0",
            fraction.err.trim());
        assertEquals(RamshiftMain.EXIT_USAGE, CliRun.of("mutate", image.toString(), "--layout", "scattered").exitCode);
        assertArrayEquals(before, Files.readAllBytes(image));
    }
}
