package io.ramshift.engine.image;

import io.ramshift.engine.ImageException;
import io.ramshift.layout.Elf64ProgramHeaderFlyweight;
import io.ramshift.layout.Elf64ProgramHeaderDescriptor;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.ramshift.engine.image.QemuElfFixture.BIOS_PADDR;
import static io.ramshift.engine.image.QemuElfFixture.BIOS_SIZE;
import static io.ramshift.engine.image.QemuElfFixture.NOTES_LENGTH;
import static io.ramshift.engine.image.QemuElfFixture.RAM_OFFSET;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ElfDumpTest
{
    private static final int RAM = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void shouldClassifyQemusSegmentsAndFindTheLinearRam() throws IOException
    {
        final Path path = write(QemuElfFixture.qemuElf(new byte[RAM], QemuElfFixture.bios(BIOS_SIZE)));

        final ElfDump dump = ElfDump.read(path, ElfDump.DEFAULT_RAM_LIMIT);

        assertEquals(3, dump.segmentCount());
        assertEquals(ElfDump.KIND_OTHER, dump.kind(0));
        assertEquals(Elf64ProgramHeaderDescriptor.PT_NOTE, dump.type(0));
        assertEquals(ElfDump.KIND_RAM, dump.kind(1));
        assertEquals(ElfDump.KIND_OUTSIDE_RAM, dump.kind(2));
        assertEquals(1, dump.ramSegmentCount());
        assertEquals(1, dump.outsideRamSegmentCount());
        assertEquals(BIOS_SIZE, dump.outsideRamBytes());
        assertEquals(RAM, dump.ramSize());
        assertEquals(RAM, dump.ramFileBytes());
        assertTrue(dump.isLinear());
        assertNull(dump.nonLinearReason());
        assertEquals(RAM_OFFSET, dump.linearDelta());
        assertEquals(BIOS_PADDR, dump.paddr(2));
        assertEquals(RAM_OFFSET + RAM, dump.fileOffset(2));
        assertEquals("LOAD paddr 0xfffc0000 size 0x40000 at offset 0x100498", dump.describe(2));
        assertEquals(2, dump.noteCount());
        assertEquals(NOTES_LENGTH, dump.notesLength());
        final byte[] notes = new byte[NOTES_LENGTH];
        dump.notes().get(notes);
        assertArrayEquals(QemuElfFixture.notes(), notes);
        assertTrue(ElfDump.isElf(path));
    }

    @Test
    void shouldTreatTheBiosAsRamOnlyWhenTheLimitCoversIt() throws IOException
    {
        final Path path = write(QemuElfFixture.qemuElf(new byte[RAM], QemuElfFixture.bios(BIOS_SIZE)));

        final ElfDump dump = ElfDump.read(path, 1L << 32);

        assertEquals(2, dump.ramSegmentCount());
        assertEquals(0, dump.outsideRamSegmentCount());
        assertEquals(1L << 32, dump.ramSize());
        assertFalse(dump.isLinear());
        assertTrue(dump.nonLinearReason().contains("segment 2 has p_offset - p_paddr = -0x"), dump.nonLinearReason());
    }

    @Test
    void shouldSkipRamSegmentsAboveALowerLimit() throws IOException
    {
        final Path path = write(QemuElfFixture.qemuElf(new byte[RAM], QemuElfFixture.bios(BIOS_SIZE)));

        final ElfDump dump = ElfDump.read(path, RAM / 2);

        assertEquals(0, dump.ramSegmentCount());
        assertEquals(2, dump.outsideRamSegmentCount());
        assertEquals(0, dump.ramSize());
        assertFalse(dump.isLinear());
    }

    @Test
    void shouldSeeSegmentsWithDifferentDeltasAsNonLinear() throws IOException
    {
        final byte[] file = QemuElfFixture.qemuElf(new byte[RAM], QemuElfFixture.bios(BIOS_SIZE));
        // RAM in two segments whose file offsets are not the same distance from their addresses
        final UnsafeBuffer buffer = new UnsafeBuffer(file);
        final Elf64ProgramHeaderFlyweight phdr = new Elf64ProgramHeaderFlyweight();
        phdr.wrap(buffer, 64 + 56).encode(Elf64ProgramHeaderDescriptor.PT_LOAD, 0, RAM_OFFSET, 0, RAM / 2, RAM / 2, 0);
        phdr.wrap(buffer, 64 + 112).encode(Elf64ProgramHeaderDescriptor.PT_LOAD, 0, RAM_OFFSET + 3 * RAM / 4,
            RAM / 2, RAM / 4, RAM / 4, 0);

        final ElfDump dump = ElfDump.read(write(file), ElfDump.DEFAULT_RAM_LIMIT);

        assertEquals(2, dump.ramSegmentCount());
        assertEquals(3 * RAM / 4, dump.ramSize());
        assertFalse(dump.isLinear());
        assertEquals("segment 2 has p_offset - p_paddr = 0x40498 but an earlier RAM segment has 0x498",
            dump.nonLinearReason());
    }

    @Test
    void shouldSeeASegmentEndingInsideAPageAsNonLinear() throws IOException
    {
        final byte[] file = QemuElfFixture.qemuElf(new byte[RAM], QemuElfFixture.bios(BIOS_SIZE));
        new Elf64ProgramHeaderFlyweight().wrap(new UnsafeBuffer(file), 64 + 56)
            .encode(Elf64ProgramHeaderDescriptor.PT_LOAD, 0, RAM_OFFSET, 0, RAM - 100, RAM, 0);

        final ElfDump dump = ElfDump.read(write(file), ElfDump.DEFAULT_RAM_LIMIT);

        assertFalse(dump.isLinear());
        assertEquals("segment 1 starts or ends inside a page: p_paddr=0x0 p_filesz=0xfff9c", dump.nonLinearReason());
    }

    @Test
    void shouldSeeAViewPastTheFileEndAsNonLinear() throws IOException
    {
        final byte[] file = QemuElfFixture.qemuElf(new byte[RAM], new byte[0]);
        new Elf64ProgramHeaderFlyweight().wrap(new UnsafeBuffer(file), 64 + 56)
            .encode(Elf64ProgramHeaderDescriptor.PT_LOAD, 0, RAM_OFFSET, 0, RAM, 2 * RAM, 0);
        new Elf64ProgramHeaderFlyweight().wrap(new UnsafeBuffer(file), 64 + 112)
            .encode(Elf64ProgramHeaderDescriptor.PT_NULL, 0, 0, 0, 0, 0, 0);

        final ElfDump dump = ElfDump.read(write(file), ElfDump.DEFAULT_RAM_LIMIT);

        assertEquals(2 * RAM, dump.ramSize());
        assertFalse(dump.isLinear());
        assertEquals("RAM view [0x498, 0x200498) ends past the file end 0x100498", dump.nonLinearReason());
    }

    @Test
    void shouldNameThePathAndTheProgramHeaderOfABadSegment() throws IOException
    {
        final byte[] file = QemuElfFixture.qemuElf(new byte[RAM], QemuElfFixture.bios(BIOS_SIZE));
        new Elf64ProgramHeaderFlyweight().wrap(new UnsafeBuffer(file), 64 + 112)
            .encode(Elf64ProgramHeaderDescriptor.PT_LOAD, 0, RAM_OFFSET + RAM, BIOS_PADDR, BIOS_SIZE + 1,
                BIOS_SIZE + 1, 0);
        final Path path = write(file);

        final ImageException ex = assertThrows(ImageException.class,
            () -> ElfDump.read(path, ElfDump.DEFAULT_RAM_LIMIT));

        assertEquals("bad ELF dump: path=" + path + ": program header 2: ELF segment past file end: type=LOAD " +
            "p_offset=1049752 p_filesz=262145 end=1311897 fileLength=1311896", ex.getMessage());
    }

    @Test
    void shouldRefuseNotesPastTheirSegment() throws IOException
    {
        final byte[] file = QemuElfFixture.qemuElf(new byte[RAM], QemuElfFixture.bios(BIOS_SIZE));
        ByteBuffer.wrap(file).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(64 + 168 + 4, 100_000);
        final Path path = write(file);

        final ImageException ex = assertThrows(ImageException.class,
            () -> ElfDump.read(path, ElfDump.DEFAULT_RAM_LIMIT));

        assertTrue(ex.getMessage().contains("ELF note past segment end: n_namesz=5 n_descsz=100000"),
            ex.getMessage());
    }

    @Test
    void shouldRefuseARamLimitThatIsNotWholePages() throws IOException
    {
        final Path path = write(QemuElfFixture.qemuElf(new byte[RAM], new byte[0]));

        final ImageException ex = assertThrows(ImageException.class, () -> ElfDump.read(path, 4097));

        assertEquals("RAM limit must be a positive multiple of the page size: ramLimit=0x1001", ex.getMessage());
    }

    @Test
    void shouldNotTakeARawImageOrAMissingFileForAnElf() throws IOException
    {
        assertFalse(ElfDump.isElf(write(new byte[4096])));
        assertFalse(ElfDump.isElf(write(new byte[] {0x7F, 'E', 'L'})));
        assertFalse(ElfDump.isElf(dir.resolve("missing")));
        assertFalse(ElfDump.isElf(dir));
    }

    private Path write(final byte[] bytes) throws IOException
    {
        final Path path = Files.createTempFile(dir, "dump", ".elf");
        return Files.write(path, bytes);
    }
}
