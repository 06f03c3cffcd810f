package io.ramshift.layout;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Elf64HeaderFlyweightTest
{
    private static final int AT = 8;
    private static final long FILE_LENGTH = 1 << 20;

    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(AT + 64 + 8));
    private final Elf64HeaderFlyweight header = new Elf64HeaderFlyweight();

    @Test
    void shouldPlaceEveryFieldAtTheElf64Offsets()
    {
        assertEquals(0, Elf64HeaderDescriptor.MAGIC_OFFSET);
        assertEquals(4, Elf64HeaderDescriptor.CLASS_OFFSET);
        assertEquals(5, Elf64HeaderDescriptor.DATA_OFFSET);
        assertEquals(6, Elf64HeaderDescriptor.IDENT_VERSION_OFFSET);
        assertEquals(7, Elf64HeaderDescriptor.OSABI_OFFSET);
        assertEquals(8, Elf64HeaderDescriptor.ABI_VERSION_OFFSET);
        assertEquals(16, Elf64HeaderDescriptor.TYPE_OFFSET);
        assertEquals(18, Elf64HeaderDescriptor.MACHINE_OFFSET);
        assertEquals(20, Elf64HeaderDescriptor.VERSION_OFFSET);
        assertEquals(24, Elf64HeaderDescriptor.ENTRY_OFFSET);
        assertEquals(32, Elf64HeaderDescriptor.PHOFF_OFFSET);
        assertEquals(40, Elf64HeaderDescriptor.SHOFF_OFFSET);
        assertEquals(48, Elf64HeaderDescriptor.FLAGS_OFFSET);
        assertEquals(52, Elf64HeaderDescriptor.EHSIZE_OFFSET);
        assertEquals(54, Elf64HeaderDescriptor.PHENTSIZE_OFFSET);
        assertEquals(56, Elf64HeaderDescriptor.PHNUM_OFFSET);
        assertEquals(58, Elf64HeaderDescriptor.SHENTSIZE_OFFSET);
        assertEquals(60, Elf64HeaderDescriptor.SHNUM_OFFSET);
        assertEquals(62, Elf64HeaderDescriptor.SHSTRNDX_OFFSET);
        assertEquals(64, Elf64HeaderDescriptor.LENGTH);
    }

    @Test
    void shouldEncodeTheBytesOfAnX8664CoreHeader()
    {
        buffer.setMemory(0, buffer.capacity(), (byte)0x5A);
        header.wrap(buffer, AT).encode(Elf64HeaderDescriptor.ET_CORE, 64, 3);

        final ByteBuffer expected = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        expected.put(0, new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1, 0});
        expected.putShort(16, (short)4);
        expected.putShort(18, (short)62);
        expected.putInt(20, 1);
        expected.putLong(32, 64);
        expected.putShort(52, (short)64);
        expected.putShort(54, (short)56);
        expected.putShort(56, (short)3);
        assertArrayEquals(expected.array(), bytes(AT, 64));
        assertEquals(0x5A, buffer.getByte(AT - 1));
        assertEquals(0x5A, buffer.getByte(AT + 64));
    }

    @Test
    void shouldReadEveryFieldLittleEndianFromItsOffset()
    {
        buffer.setMemory(0, buffer.capacity(), (byte)0);
        buffer.putBytes(AT, new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1, 3});
        putLe(AT + 16, 2, 0x0104);
        putLe(AT + 18, 2, 0x003E);
        putLe(AT + 20, 4, 0x0000_0001);
        putLe(AT + 24, 8, 0x1122_3344_5566_7788L);
        putLe(AT + 32, 8, 0x0000_0000_0000_1040L);
        putLe(AT + 40, 8, 0x0102_0304_0506_0708L);
        putLe(AT + 48, 4, 0x0A0B_0C0DL);
        putLe(AT + 52, 2, 0x0040);
        putLe(AT + 54, 2, 0x0038);
        putLe(AT + 56, 2, 0xFFFE);
        putLe(AT + 58, 2, 0x0040);
        putLe(AT + 60, 2, 0x0007);
        putLe(AT + 62, 2, 0x0006);

        header.wrap(buffer, AT);

        assertEquals(Elf64HeaderDescriptor.MAGIC, header.magic());
        assertEquals(2, header.elfClass());
        assertEquals(1, header.dataEncoding());
        assertEquals(1, header.identVersion());
        assertEquals(3, header.osAbi());
        assertEquals(0x0104, header.type());
        assertEquals(62, header.machine());
        assertEquals(1, header.version());
        assertEquals(0x1122_3344_5566_7788L, header.entry());
        assertEquals(0x1040, header.phoff());
        assertEquals(0x0102_0304_0506_0708L, header.shoff());
        assertEquals(0x0A0B_0C0D, header.flags());
        assertEquals(64, header.ehsize());
        assertEquals(56, header.phentsize());
        assertEquals(0xFFFE, header.phnum());
        assertEquals(64, header.shentsize());
        assertEquals(7, header.shnum());
        assertEquals(6, header.shstrndx());
        assertEquals(0x1040 + 2 * 56, header.programHeaderOffset(2));
    }

    @Test
    void shouldValidateWhatItEncoded()
    {
        header.wrap(buffer, AT).encode(Elf64HeaderDescriptor.ET_CORE, 64, 3).validate(64 + 3 * 56);
    }

    @Test
    void shouldRefuseAFileShorterThanTheHeader()
    {
        header.wrap(buffer, AT).encode(Elf64HeaderDescriptor.ET_CORE, 64, 0);

        assertMessage("ELF file too short: length=63 header=64", 63);
    }

    @Test
    void shouldRefuseBadMagicNamingIt()
    {
        header.wrap(buffer, AT).encode(Elf64HeaderDescriptor.ET_CORE, 64, 1);
        buffer.putByte(AT + 1, (byte)'e');

        assertMessage("not an ELF file: magic=0x464c657f", FILE_LENGTH);
    }

    @Test
    void shouldRefuseA32BitElf()
    {
        header.wrap(buffer, AT).encode(Elf64HeaderDescriptor.ET_CORE, 64, 1);
        buffer.putByte(AT + 4, (byte)1);

        assertMessage("not a 64-bit ELF: class=1 expected=2", FILE_LENGTH);
    }

    @Test
    void shouldRefuseABigEndianElf()
    {
        header.wrap(buffer, AT).encode(Elf64HeaderDescriptor.ET_CORE, 64, 1);
        buffer.putByte(AT + 5, (byte)2);

        assertMessage("not a little-endian ELF: data=2 expected=1", FILE_LENGTH);
    }

    @Test
    void shouldRefuseAnotherVersion()
    {
        header.wrap(buffer, AT).encode(Elf64HeaderDescriptor.ET_CORE, 64, 1);
        putLe(AT + 20, 4, 2);

        assertMessage("unsupported ELF version: e_ident[EI_VERSION]=1 e_version=2 expected=1", FILE_LENGTH);
    }

    @Test
    void shouldRefuseAnotherProgramHeaderSize()
    {
        header.wrap(buffer, AT).encode(Elf64HeaderDescriptor.ET_CORE, 64, 1);
        putLe(AT + 54, 2, 32);

        assertMessage("unsupported ELF program header size: e_phentsize=32 expected=56", FILE_LENGTH);
    }

    @Test
    void shouldSayPnXnumIsUnsupported()
    {
        header.wrap(buffer, AT).encode(Elf64HeaderDescriptor.ET_CORE, 64, 1);
        putLe(AT + 56, 2, 0xFFFF);

        final LayoutException ex = assertThrows(LayoutException.class, () -> header.validate(FILE_LENGTH));
        assertTrue(ex.getMessage().contains("PN_XNUM"), ex.getMessage());
        assertTrue(ex.getMessage().contains("not supported"), ex.getMessage());
    }

    @Test
    void shouldRefuseAProgramHeaderTablePastTheFileEnd()
    {
        header.wrap(buffer, AT).encode(Elf64HeaderDescriptor.ET_CORE, 64, 3);

        assertMessage("ELF program header table past file end: e_phoff=64 e_phnum=3 end=232 fileLength=231", 231);
    }

    @Test
    void shouldRefuseAProgramHeaderTableThatOverflows()
    {
        header.wrap(buffer, AT).encode(Elf64HeaderDescriptor.ET_CORE, Long.MAX_VALUE - 10, 1);

        assertMessage("ELF program header table overflows: e_phoff=0x7ffffffffffffff5 e_phnum=1 tableLength=56",
            FILE_LENGTH);

        header.encode(Elf64HeaderDescriptor.ET_CORE, -64, 1);
        assertMessage("ELF program header table overflows: e_phoff=0xffffffffffffffc0", FILE_LENGTH);
    }

    @Test
    void shouldRefuseToEncodePnXnumProgramHeaders()
    {
        header.wrap(buffer, AT);

        final LayoutException ex = assertThrows(LayoutException.class,
            () -> header.encode(Elf64HeaderDescriptor.ET_CORE, 64, 0xFFFF));
        assertEquals("too many ELF program headers: e_phnum=65535 limit=65534", ex.getMessage());
    }

    private void assertMessage(final String expected, final long fileLength)
    {
        final LayoutException ex = assertThrows(LayoutException.class, () -> header.validate(fileLength));
        assertTrue(ex.getMessage().startsWith(expected), ex.getMessage());
    }

    private void putLe(final int index, final int length, final long value)
    {
        for (int i = 0; i < length; i++)
        {
            buffer.putByte(index + i, (byte)(value >>> (8 * i)));
        }
    }

    private byte[] bytes(final int index, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(index, bytes);
        return bytes;
    }
}
