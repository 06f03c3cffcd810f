package io.ramshift.layout;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static io.ramshift.layout.Elf64ProgramHeaderDescriptor.PT_LOAD;
import static io.ramshift.layout.Elf64ProgramHeaderDescriptor.PT_NOTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Elf64ProgramHeaderFlyweightTest
{
    private static final int AT = 12;
    private static final long FILE_LENGTH = 0x4000_0000L + 0x498;

    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(AT + 56 + 8));
    private final Elf64ProgramHeaderFlyweight phdr = new Elf64ProgramHeaderFlyweight();

    @Test
    void shouldPlaceEveryFieldAtTheElf64Offsets()
    {
        assertEquals(0, Elf64ProgramHeaderDescriptor.TYPE_OFFSET);
        assertEquals(4, Elf64ProgramHeaderDescriptor.FLAGS_OFFSET);
        assertEquals(8, Elf64ProgramHeaderDescriptor.OFFSET_OFFSET);
        assertEquals(16, Elf64ProgramHeaderDescriptor.VADDR_OFFSET);
        assertEquals(24, Elf64ProgramHeaderDescriptor.PADDR_OFFSET);
        assertEquals(32, Elf64ProgramHeaderDescriptor.FILESZ_OFFSET);
        assertEquals(40, Elf64ProgramHeaderDescriptor.MEMSZ_OFFSET);
        assertEquals(48, Elf64ProgramHeaderDescriptor.ALIGN_OFFSET);
        assertEquals(56, Elf64ProgramHeaderDescriptor.LENGTH);
        assertEquals(1, PT_LOAD);
        assertEquals(4, PT_NOTE);
    }

    @Test
    void shouldEncodeQemusRamSegmentByteForByte()
    {
        buffer.setMemory(0, buffer.capacity(), (byte)0x5A);
        phdr.wrap(buffer, AT).encode(PT_LOAD, 7, 0x498, 0, 0x4000_0000L, 0x4000_0000L, 4096);

        final ByteBuffer expected = ByteBuffer.allocate(56).order(ByteOrder.LITTLE_ENDIAN);
        expected.putInt(0, 1);
        expected.putInt(4, 7);
        expected.putLong(8, 0x498);
        expected.putLong(16, 0);
        expected.putLong(24, 0);
        expected.putLong(32, 0x4000_0000L);
        expected.putLong(40, 0x4000_0000L);
        expected.putLong(48, 4096);
        final byte[] actual = new byte[56];
        buffer.getBytes(AT, actual);
        assertArrayEquals(expected.array(), actual);
        assertArrayEquals(new byte[] {(byte)0x98, 0x04, 0, 0, 0, 0, 0, 0}, slice(AT + 8, 8));
        assertEquals(0x5A, buffer.getByte(AT - 1));
        assertEquals(0x5A, buffer.getByte(AT + 56));
    }

    @Test
    void shouldReadEveryFieldLittleEndian()
    {
        final ByteBuffer raw = ByteBuffer.allocate(56).order(ByteOrder.LITTLE_ENDIAN);
        raw.putInt(0, PT_NOTE).putInt(4, 0x0102_0304).putLong(8, 0x1111L).putLong(16, 0x2222L)
            .putLong(24, 0xFFFC_0000L).putLong(32, 0x4000L).putLong(40, 0x5000L).putLong(48, 0x10L);
        buffer.putBytes(AT, raw.array());

        phdr.wrap(buffer, AT);

        assertEquals(PT_NOTE, phdr.type());
        assertEquals(0x0102_0304, phdr.flags());
        assertEquals(0x1111L, phdr.fileOffset());
        assertEquals(0x2222L, phdr.vaddr());
        assertEquals(0xFFFC_0000L, phdr.paddr());
        assertEquals(0x4000L, phdr.filesz());
        assertEquals(0x5000L, phdr.memsz());
        assertEquals(0x10L, phdr.align());
    }

    @Test
    void shouldAcceptASegmentEndingAtTheFileEnd()
    {
        phdr.wrap(buffer, AT).encode(PT_LOAD, 7, 0x498, 0, 0x4000_0000L, 0x4000_0000L, 0).validate(FILE_LENGTH);
    }

    @Test
    void shouldRefuseASegmentPastTheFileEnd()
    {
        phdr.wrap(buffer, AT).encode(PT_LOAD, 7, 0x499, 0, 0x4000_0000L, 0x4000_0000L, 0);

        assertMessage("ELF segment past file end: type=LOAD p_offset=1177 p_filesz=1073741824 end=1073743001 " +
            "fileLength=1073743000");
    }

    @Test
    void shouldRefuseAFileRangeThatOverflows()
    {
        phdr.wrap(buffer, AT).encode(PT_NOTE, 0, Long.MAX_VALUE, 0, 2, 2, 0);
        assertMessage("ELF segment file range overflows: type=NOTE p_offset=0x7fffffffffffffff p_filesz=0x2");

        phdr.encode(PT_LOAD, 0, 0, 0, -1, -1, 0);
        assertMessage("ELF segment file range overflows: type=LOAD p_offset=0x0 p_filesz=0xffffffffffffffff");
    }

    @Test
    void shouldRefuseAFileSizeAboveTheMemorySize()
    {
        phdr.wrap(buffer, AT).encode(PT_LOAD, 0, 0x1000, 0, 0x2000, 0x1000, 0);

        assertMessage("ELF segment file size exceeds its memory size: p_filesz=0x2000 p_memsz=0x1000");
    }

    @Test
    void shouldRefuseAnAddressRangeThatOverflows()
    {
        phdr.wrap(buffer, AT).encode(PT_LOAD, 0, 0x1000, 0xFFFF_FFFF_FFFF_F000L, 0x1000, 0x2000, 0);

        assertMessage("ELF segment address range overflows: p_paddr=0xfffffffffffff000 p_memsz=0x2000");
    }

    @Test
    void shouldIgnoreTheOffsetOfASegmentWithoutFileBytes()
    {
        phdr.wrap(buffer, AT).encode(PT_LOAD, 0, FILE_LENGTH + 4096, 0x1000, 0, 0x2000, 0).validate(FILE_LENGTH);
    }

    private void assertMessage(final String expected)
    {
        final LayoutException ex = assertThrows(LayoutException.class, () -> phdr.validate(FILE_LENGTH));
        assertTrue(ex.getMessage().startsWith(expected), ex.getMessage());
    }

    private byte[] slice(final int index, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(index, bytes);
        return bytes;
    }
}
