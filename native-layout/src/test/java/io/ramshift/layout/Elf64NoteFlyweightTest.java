package io.ramshift.layout;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Elf64NoteFlyweightTest
{
    private static final int AT = 4;

    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(512));
    private final Elf64NoteFlyweight note = new Elf64NoteFlyweight();

    @Test
    void shouldPlaceHeaderFieldsAtTheElfOffsets()
    {
        assertEquals(0, Elf64NoteDescriptor.NAME_SIZE_OFFSET);
        assertEquals(4, Elf64NoteDescriptor.DESC_SIZE_OFFSET);
        assertEquals(8, Elf64NoteDescriptor.TYPE_OFFSET);
        assertEquals(12, Elf64NoteDescriptor.HEADER_LENGTH);
        assertEquals(12 + 8 + 336, Elf64NoteDescriptor.noteLength(5, 336));
        assertEquals(12 + 4 + 4, Elf64NoteDescriptor.noteLength(4, 1));
    }

    @Test
    void shouldEncodeAPrstatusNoteWithNameAndDescriptorPaddedToFour()
    {
        buffer.setMemory(0, buffer.capacity(), (byte)0x5A);
        note.wrap(buffer, AT).encode("CORE", Elf64NoteDescriptor.NT_PRSTATUS, 5);
        buffer.putBytes(note.descOffset(), new byte[] {1, 2, 3, 4, 5});

        final byte[] expected = {
            5, 0, 0, 0, 5, 0, 0, 0, 1, 0, 0, 0,
            'C', 'O', 'R', 'E', 0, 0, 0, 0,
            1, 2, 3, 4, 5, 0, 0, 0};
        final byte[] actual = new byte[expected.length];
        buffer.getBytes(AT, actual);
        assertArrayEquals(expected, actual);
        assertEquals(0x5A, buffer.getByte(AT + expected.length));
        assertEquals(AT + 12, note.nameOffset());
        assertEquals(AT + 20, note.descOffset());
        assertEquals(28, note.length());
        assertEquals("CORE", note.name());
        assertEquals(5, note.nameSize());
        assertEquals(5, note.descSize());
        assertEquals(1, note.type());
        note.validate(28);
        note.validate(25);
    }

    @Test
    void shouldReadSizesAsUnsigned()
    {
        buffer.putInt(AT, -1);
        buffer.putInt(AT + 4, 0x8000_0000);
        note.wrap(buffer, AT);

        assertEquals(0xFFFF_FFFFL, note.nameSize());
        assertEquals(0x8000_0000L, note.descSize());
    }

    @Test
    void shouldRefuseAHeaderPastTheSegmentEnd()
    {
        note.wrap(buffer, AT).encode("QEMU", 0, 0);

        final LayoutException ex = assertThrows(LayoutException.class, () -> note.validate(11));
        assertEquals("ELF note header past segment end: remaining=11 header=12", ex.getMessage());
    }

    @Test
    void shouldRefuseANameOrDescriptorPastTheSegmentEnd()
    {
        note.wrap(buffer, AT).encode("QEMU", 0, 440);

        LayoutException ex = assertThrows(LayoutException.class, () -> note.validate(459));
        assertEquals("ELF note past segment end: n_namesz=5 n_descsz=440 length=460 remaining=459", ex.getMessage());

        buffer.putInt(AT, -1);
        ex = assertThrows(LayoutException.class, () -> note.validate(460));
        assertTrue(ex.getMessage().contains("n_namesz=4294967295"), ex.getMessage());
    }
}
