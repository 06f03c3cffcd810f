package io.ramshift.tools;

import io.ramshift.engine.image.QemuElfFixture;
import io.ramshift.engine.image.ElfDumpWriter;
import io.ramshift.layout.Elf64ProgramHeaderDescriptor;
import io.ramshift.layout.Elf64ProgramHeaderFlyweight;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * inspect, verify, manifest and migrate read a QEMU ELF dump as a view of its RAM and see exactly the raw image.
 */
class ElfSourceCommandsTest
{
    private static final String[] SAME_FIGURES = {"imageBytes", "pages", "freePages", "zeroPages", "dataPages",
        "duplicatePages", "zeroRuns", "dataRuns", "floorBytes"};

    @TempDir
    static Path shared;

    static Path ram;
    static Path qemuElf;
    static Path writerElf;

    @TempDir
    Path dir;

    @BeforeAll
    static void createImages()
    {
        ram = QemuElfFixture.writeRam(shared.resolve("guest.ram"), QemuElfFixture.RAM_SIZE, 31);
        qemuElf = QemuElfFixture.writeQemuElf(shared.resolve("qemu.elf"), ram);
        writerElf = shared.resolve("writer.elf");
        new ElfDumpWriter().write(ram, writerElf, null, false);
    }

    @Test
    void shouldInspectTheDumpWithTheFiguresOfTheRawImage()
    {
        final CliRun raw = CliRun.of("inspect", ram.toString(), "--json");
        for (final Path elf : new Path[] {qemuElf, writerElf})
        {
            for (final String holes : new String[] {"", "--no-holes"})
            {
                final CliRun run = holes.isEmpty() ? CliRun.of("inspect", elf.toString(), "--json") :
                    CliRun.of("inspect", elf.toString(), "--json", holes);
                assertEquals(0, run.exitCode, run.toString());
                for (final String field : SAME_FIGURES)
                {
                    assertEquals(raw.jsonField(field), run.jsonField(field), field + " of " + elf + " " + holes);
                }
                assertTrue(run.err.startsWith("ramshift inspect: " + elf + ": ELF dump, RAM view of 16777216 bytes"),
                    run.toString());
            }
        }
        assertEquals(raw.jsonField("holeBytes"), CliRun.of("inspect", writerElf.toString(), "--json")
            .jsonField("holeBytes"));
        assertEquals("", raw.err);
    }

    @Test
    void shouldVerifyTheDumpAsIdenticalToTheRawImageBothWays()
    {
        for (final String[] args : new String[][] {
            {"verify", qemuElf.toString(), ram.toString()},
            {"verify", ram.toString(), qemuElf.toString()},
            {"verify", qemuElf.toString(), writerElf.toString()}})
        {
            final CliRun run = CliRun.of(args);
            assertEquals(0, run.exitCode, run.toString());
            assertTrue(run.out.contains(": IDENTICAL on every non-free page"), run.toString());
            assertTrue(run.out.contains("pages 4,096 compared"), run.toString());
        }
    }

    @Test
    void shouldFindAPageThatDiffersFromTheDump() throws IOException
    {
        final Path changed = Files.copy(ram, dir.resolve("changed.ram"));
        try (RandomAccessFile file = new RandomAccessFile(changed.toFile(), "rw"))
        {
            file.seek(4096L * 1234 + 17);
            file.write(0x77);
        }

        final CliRun run = CliRun.of("verify", qemuElf.toString(), changed.toString());

        assertEquals(RamshiftMain.EXIT_FAILURE, run.exitCode, run.toString());
        assertTrue(run.out.contains("DIFFERENT: 1 pages differ, first: 1234"), run.toString());
    }

    @Test
    void shouldWriteTheSameManifestForTheDumpAsForTheRawImage() throws IOException
    {
        final Path fromRaw = dir.resolve("raw.manifest");
        final Path fromElf = dir.resolve("elf.manifest");

        assertEquals(0, CliRun.of("manifest", ram.toString(), "-o", fromRaw.toString()).exitCode);
        final CliRun run = CliRun.of("manifest", qemuElf.toString(), "-o", fromElf.toString());

        assertEquals(0, run.exitCode, run.toString());
        final byte[] a = Files.readAllBytes(fromRaw);
        final byte[] b = Files.readAllBytes(fromElf);
        assertEquals(a.length, b.length);
        // the header holds the source's mtime and its checksum; every page hash must match
        assertArrayEquals(Arrays.copyOfRange(a, 64, a.length), Arrays.copyOfRange(b, 64, b.length));
        final CliRun check = CliRun.of("verify", ram.toString(), "--manifest", fromElf.toString());
        assertEquals(0, check.exitCode, check.toString());
        final CliRun checkElf = CliRun.of("verify", writerElf.toString(), "--manifest", fromRaw.toString());
        assertEquals(0, checkElf.exitCode, checkElf.toString());
    }

    @Test
    void shouldRefuseASidecarForTheDumpAndAskForAnOutFile()
    {
        final CliRun run = CliRun.of("manifest", qemuElf.toString());

        assertEquals(RamshiftMain.EXIT_FAILURE, run.exitCode, run.toString());
        assertTrue(run.err.contains("is an ELF dump: give -o M"), run.toString());
        assertFalse(Files.exists(qemuElf.resolveSibling(qemuElf.getFileName() + ".rsmanifest")));
    }

    @Test
    void shouldMigrateTheDumpIntoARawDestinationIdenticalToTheRawImage() throws IOException
    {
        final Path destination = dir.resolve("dest.ram");

        final CliRun run = CliRun.of("migrate", qemuElf.toString(), destination.toString(), "--no-sync");

        assertEquals(0, run.exitCode, run.toString());
        assertTrue(run.out.contains("VERIFIED"), run.toString());
        assertEquals(-1, Files.mismatch(ram, destination));
        assertTrue(run.err.contains("skipped outside RAM: LOAD paddr 0xfffc0000 size 0x40000"), run.toString());
        assertTrue(QemuElfFixture.allocatedBytes(destination) <= QemuElfFixture.allocatedBytes(ram));

        final Path fromWriter = dir.resolve("dest2.ram");
        final CliRun sparse = CliRun.of("migrate", writerElf.toString(), fromWriter.toString(), "--no-sync", "--json");
        assertEquals(0, sparse.exitCode, sparse.toString());
        assertEquals(-1, Files.mismatch(ram, fromWriter));
        assertEquals(Long.toString(QemuElfFixture.allocatedBytes(ram)), sparse.jsonField("allocatedSourceBytes"));
    }

    @Test
    void shouldAskToConvertANonLinearDump() throws IOException
    {
        final byte[] file = Files.readAllBytes(qemuElf);
        // the BIOS PT_LOAD made part of RAM at 32 MiB: its file offset is not 0x498 past its address
        new Elf64ProgramHeaderFlyweight().wrap(new UnsafeBuffer(file), 64 + 112).encode(
            Elf64ProgramHeaderDescriptor.PT_LOAD, 0, QemuElfFixture.RAM_OFFSET + QemuElfFixture.RAM_SIZE, 32 << 20,
            QemuElfFixture.BIOS_SIZE, QemuElfFixture.BIOS_SIZE, 0);
        final Path elf = Files.write(dir.resolve("split.elf"), file);

        final CliRun run = CliRun.of("inspect", elf.toString());

        assertEquals(RamshiftMain.EXIT_FAILURE, run.exitCode, run.toString());
        assertTrue(run.err.startsWith("ramshift inspect: ELF dump with non-linear segments: path=" + elf +
            ": segment 2 has p_offset - p_paddr = -0xfffb68 (negative): run `ramshift convert DUMP RAW` first"),
            run.toString());

        final Path raw = dir.resolve("split.ram");
        final CliRun convert = CliRun.of("convert", elf.toString(), raw.toString());
        assertEquals(0, convert.exitCode, convert.toString());
        assertEquals((32 << 20) + QemuElfFixture.BIOS_SIZE, Files.size(raw));
        final CliRun inspect = CliRun.of("inspect", raw.toString());
        assertEquals(0, inspect.exitCode, inspect.toString());
    }
}
