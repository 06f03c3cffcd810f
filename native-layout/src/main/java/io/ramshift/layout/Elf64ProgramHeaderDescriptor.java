package io.ramshift.layout;

import static org.agrona.BitUtil.*;

/**
 * ELF64 program header ({@code Elf64_Phdr}, 56 bytes): one segment of the file. In a QEMU dump a PT_LOAD says
 * "guest-physical {@code p_paddr} .. {@code p_paddr + p_memsz} is stored at file offset {@code p_offset}"
 * ({@code p_filesz} bytes; the rest of {@code p_memsz}, if any, is zero) and the PT_NOTE holds the CPU state notes.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |          p_type (u32): 1 PT_LOAD, 4 PT_NOTE, ...              |
 *  +---------------------------------------------------------------+
 *  |          p_flags (u32): 1 X, 2 W, 4 R                         |
 *  +---------------------------------------------------------------+
 *  |          p_offset (u64): file offset of the segment           |
 *  +---------------------------------------------------------------+
 *  |          p_vaddr (u64): virtual address (0 without paging)    |
 *  +---------------------------------------------------------------+
 *  |          p_paddr (u64): guest-physical address                |
 *  +---------------------------------------------------------------+
 *  |          p_filesz (u64): bytes stored in the file             |
 *  +---------------------------------------------------------------+
 *  |          p_memsz (u64): bytes in memory (>= p_filesz)         |
 *  +---------------------------------------------------------------+
 *  |          p_align (u64)                                        |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class Elf64ProgramHeaderDescriptor
{
    /** p_type of an unused entry. */
    public static final int PT_NULL = 0;
    /** p_type of a loadable segment: guest memory. */
    public static final int PT_LOAD = 1;
    /** p_type of a note segment. */
    public static final int PT_NOTE = 4;
    /** p_flags bit: executable. */
    public static final int PF_X = 1;
    /** p_flags bit: writable. */
    public static final int PF_W = 2;
    /** p_flags bit: readable. */
    public static final int PF_R = 4;

    /** Offset of p_type. */
    public static final int TYPE_OFFSET;
    /** Offset of p_flags. */
    public static final int FLAGS_OFFSET;
    /** Offset of p_offset. */
    public static final int OFFSET_OFFSET;
    /** Offset of p_vaddr. */
    public static final int VADDR_OFFSET;
    /** Offset of p_paddr. */
    public static final int PADDR_OFFSET;
    /** Offset of p_filesz. */
    public static final int FILESZ_OFFSET;
    /** Offset of p_memsz. */
    public static final int MEMSZ_OFFSET;
    /** Offset of p_align. */
    public static final int ALIGN_OFFSET;
    /** Length of one program header: 56. */
    public static final int LENGTH;

    static
    {
        TYPE_OFFSET = 0;
        FLAGS_OFFSET = TYPE_OFFSET + SIZE_OF_INT;
        OFFSET_OFFSET = FLAGS_OFFSET + SIZE_OF_INT;
        VADDR_OFFSET = OFFSET_OFFSET + SIZE_OF_LONG;
        PADDR_OFFSET = VADDR_OFFSET + SIZE_OF_LONG;
        FILESZ_OFFSET = PADDR_OFFSET + SIZE_OF_LONG;
        MEMSZ_OFFSET = FILESZ_OFFSET + SIZE_OF_LONG;
        ALIGN_OFFSET = MEMSZ_OFFSET + SIZE_OF_LONG;
        LENGTH = ALIGN_OFFSET + SIZE_OF_LONG;
    }

    private Elf64ProgramHeaderDescriptor()
    {
    }

    /**
     * @param type a p_type value.
     * @return its name for messages and reports.
     */
    public static String typeName(final int type)
    {
        switch (type)
        {
            case PT_NULL: return "NULL";
            case PT_LOAD: return "LOAD";
            case 2: return "DYNAMIC";
            case 3: return "INTERP";
            case PT_NOTE: return "NOTE";
            default: return "0x" + Integer.toHexString(type);
        }
    }
}
