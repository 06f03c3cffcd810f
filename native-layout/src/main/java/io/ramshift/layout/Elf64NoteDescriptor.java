package io.ramshift.layout;

import static org.agrona.BitUtil.*;

/**
 * One ELF note ({@code Elf64_Nhdr} and its name and descriptor) inside a PT_NOTE segment; notes follow each other.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |      n_namesz (u32): name bytes, terminating NUL included     |
 *  +---------------------------------------------------------------+
 *  |      n_descsz (u32): descriptor bytes                         |
 *  +---------------------------------------------------------------+
 *  |      n_type (u32): 1 NT_PRSTATUS, ... (meaning per name)      |
 *  +---------------------------------------------------------------+
 *  |      name, e.g. "CORE\0" or "QEMU\0", zero-padded to 4       ...
 *  +---------------------------------------------------------------+
 *  |      descriptor, zero-padded to 4                            ...
 *  +---------------------------------------------------------------+
 * </pre>
 * QEMU writes, per vCPU, a "CORE" NT_PRSTATUS note (registers) and a "QEMU" note (its CPU state).
 */
public final class Elf64NoteDescriptor
{
    /** n_type of a "CORE" note with the general-purpose registers of a CPU. */
    public static final int NT_PRSTATUS = 1;
    /** Alignment of the name and the descriptor. */
    public static final int ALIGNMENT = 4;

    /** Offset of n_namesz. */
    public static final int NAME_SIZE_OFFSET;
    /** Offset of n_descsz. */
    public static final int DESC_SIZE_OFFSET;
    /** Offset of n_type. */
    public static final int TYPE_OFFSET;
    /** Length of the note header; the name starts here. */
    public static final int HEADER_LENGTH;

    static
    {
        NAME_SIZE_OFFSET = 0;
        DESC_SIZE_OFFSET = NAME_SIZE_OFFSET + SIZE_OF_INT;
        TYPE_OFFSET = DESC_SIZE_OFFSET + SIZE_OF_INT;
        HEADER_LENGTH = TYPE_OFFSET + SIZE_OF_INT;
    }

    private Elf64NoteDescriptor()
    {
    }

    /**
     * @param size of a name or descriptor (unsigned u32 widened to long).
     * @return the size rounded up to {@link #ALIGNMENT}.
     */
    public static long padded(final long size)
    {
        return (size + ALIGNMENT - 1) & ~(long)(ALIGNMENT - 1);
    }

    /**
     * @param nameSize n_namesz.
     * @param descSize n_descsz.
     * @return bytes of the whole note, padding included.
     */
    public static long noteLength(final long nameSize, final long descSize)
    {
        return HEADER_LENGTH + padded(nameSize) + padded(descSize);
    }
}
