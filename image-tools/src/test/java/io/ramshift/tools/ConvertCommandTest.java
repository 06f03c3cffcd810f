package io.ramshift.tools;

import io.ramshift.engine.image.ElfDump;
import io.ramshift.engine.image.QemuElfFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConvertCommandTest
{
    @TempDir
    Path dir;

    @Test
    void shouldConvertQemusDumpToTheRawRamAndReportWhatWasSkipped() throws IOException
    {
        final Path ram = QemuElfFixture.writeRam(dir.resolve("guest.ram"), QemuElfFixture.RAM_SIZE, 21);
        final Path elf = QemuElfFixture.writeQemuElf(dir.resolve("guest.elf"), ram);
        final Path out = dir.resolve("out.ram");

        final CliRun run = CliRun.of("convert", elf.toString(), out.toString());

        assertEquals(0, run.exitCode, run.toString());
        assertEquals(-1, Files.mismatch(ram, out));
        assertArrayEquals(QemuElfFixture.notes(), Files.readAllBytes(dir.resolve("out.ram.notes")));
        assertTrue(run.out.startsWith("converted ELF dump " + elf + " -> raw " + out + ": 16,777,216 bytes of RAM\n"),
            run.toString());
        assertTrue(run.out.contains("  copied     1 RAM segment: 16,777,216 bytes read,"), run.toString());
        assertTrue(run.out.contains("  skipped    LOAD paddr 0xfffc0000 size 0x40000 at offset 0x1000498 " +
            "(outside RAM: ends above 0xe0000000)"), run.toString());
        assertTrue(run.out.contains("  notes      2 notes, 944 bytes -> " + out + ".notes"), run.toString());
        assertTrue(run.out.contains("  time       "), run.toString());
    }

    @Test
    void shouldRefuseAnExistingOutputUnlessForced() throws IOException
    {
        final Path ram = QemuElfFixture.writeRam(dir.resolve("guest.ram"), 1 << 20, 22);
        final Path elf = Files.write(dir.resolve("guest.elf"), new byte[] {42});

        final CliRun refused = CliRun.of("convert", ram.toString(), elf.toString());
        assertEquals(RamshiftMain.EXIT_FAILURE, refused.exitCode, refused.toString());
        assertEquals("ramshift convert: output exists: " + elf + " (use --force to replace it)\n", refused.err);
        assertEquals(1, Files.size(elf));

        final CliRun forced = CliRun.of("convert", ram.toString(), elf.toString(), "--force");
        assertEquals(0, forced.exitCode, forced.toString());
        assertTrue(ElfDump.isElf(elf));
    }

    @Test
    void shouldTakeTheNotesSideFileBackIntoTheElf() throws IOException
    {
        final Path ram = QemuElfFixture.writeRam(dir.resolve("guest.ram"), 2 << 20, 23);
        final Path qemu = QemuElfFixture.writeQemuElf(dir.resolve("qemu.elf"), ram);
        final Path raw = dir.resolve("raw.ram");
        final Path elf = dir.resolve("again.elf");
        assertEquals(0, CliRun.of("convert", qemu.toString(), raw.toString()).exitCode);

        final CliRun run = CliRun.of("convert", raw.toString(), elf.toString(), "--json");

        assertEquals(0, run.exitCode, run.toString());
        assertEquals("\"raw-to-elf\"", run.jsonField("direction"));
        assertEquals("2", run.jsonField("notes"));
        assertEquals("944", run.jsonField("notesBytes"));
        assertEquals("\"" + raw + ".notes\"", run.jsonField("notesFile"));
        final ElfDump dump = ElfDump.read(elf, ElfDump.DEFAULT_RAM_LIMIT);
        final byte[] notes = new byte[dump.notesLength()];
        dump.notes().get(notes);
        assertArrayEquals(QemuElfFixture.notes(), notes);
        assertTrue(dump.isLinear());

        final Path back = dir.resolve("back.ram");
        final CliRun text = CliRun.of("convert", elf.toString(), back.toString());
        assertEquals(0, text.exitCode, text.toString());
        assertEquals(-1, Files.mismatch(ram, back));
    }

    @Test
    void shouldPrintTheRawToElfFigures() throws IOException
    {
        final Path ram = QemuElfFixture.writeRam(dir.resolve("guest.ram"), 4 << 20, 24);
        final Path elf = dir.resolve("guest.elf");

        final CliRun run = CliRun.of("convert", ram.toString(), elf.toString());

        assertEquals(0, run.exitCode, run.toString());
        assertTrue(run.out.startsWith("converted raw " + ram + " -> ELF dump " + elf + ": 4,194,304 bytes of RAM, " +
            "file 4,198,400 bytes (sparse)\n"), run.toString());
        assertTrue(run.out.contains(" at file offset 0x1000 + address, "), run.toString());
        assertTrue(run.out.contains("  notes      none (no PT_NOTE)"), run.toString());
    }

    @Test
    void shouldRefuseNotesForAnElfInputAndABadRamLimit() throws IOException
    {
        final Path ram = QemuElfFixture.writeRam(dir.resolve("guest.ram"), 1 << 20, 25);
        final Path elf = QemuElfFixture.writeQemuElf(dir.resolve("guest.elf"), ram);

        final CliRun notes = CliRun.of("convert", elf.toString(), dir.resolve("x").toString(), "--notes", "n");
        assertEquals(RamshiftMain.EXIT_USAGE, notes.exitCode, notes.toString());
        assertTrue(notes.err.contains("--notes is for raw to ELF"), notes.toString());

        final CliRun bogus = CliRun.of("convert", elf.toString(), dir.resolve("x").toString(), "--ram-limit", "lots");
        assertEquals(RamshiftMain.EXIT_USAGE, bogus.exitCode, bogus.toString());
        assertTrue(bogus.err.contains("not an address: 'lots'"), bogus.toString());

        final CliRun low = CliRun.of("convert", elf.toString(), dir.resolve("x").toString(), "--ram-limit", "512K");
        assertEquals(RamshiftMain.EXIT_FAILURE, low.exitCode, low.toString());
        assertTrue(low.err.startsWith("ramshift convert: ELF dump has no RAM segment: path=" + elf +
            " ramLimit=0x80000"), low.toString());

        final CliRun same = CliRun.of("convert", elf.toString(), elf.toString(), "--force");
        assertEquals(RamshiftMain.EXIT_USAGE, same.exitCode, same.toString());
        assertTrue(Files.exists(dir.resolve("guest.elf")));
    }

    @Test
    void shouldListConvertAmongTheCommands()
    {
        final CliRun run = CliRun.of("--help");

        assertEquals(0, run.exitCode);
        assertTrue(run.out.contains("convert"), run.out);
    }
}
