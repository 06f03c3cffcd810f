package io.ramshift.layout;

import static org.agrona.BitUtil.*;

/**
 * ELF64 file header ({@code Elf64_Ehdr}, 64 bytes) as QEMU's {@code dump-guest-memory} writes it: a little-endian
 * x86-64 core file whose program headers locate guest RAM in the file.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+---------------+---------------+
 *  |   0x7F (u8)   |    'E' (u8)   |    'L' (u8)   |    'F' (u8)   |  e_ident[0..3]: magic
 *  +---------------+---------------+---------------+---------------+
 *  | Class (u8): 2 | Data (u8): 1  | Version (u8):1|  OS ABI (u8)  |  e_ident[4..7]
 *  +---------------+---------------+---------------+---------------+
 *  | ABI ver (u8)  |            Padding (3 bytes, 0)               |  e_ident[8..11]
 *  +---------------+-----------------------------------------------+
 *  |                     Padding (4 bytes, 0)                      |  e_ident[12..15]
 *  +-------------------------------+-------------------------------+
 *  |    e_type (u16): 4 ET_CORE    |  e_machine (u16): 62 x86-64   |
 *  +-------------------------------+-------------------------------+
 *  |                       e_version (u32): 1                      |
 *  +---------------------------------------------------------------+
 *  |                         e_entry (u64)                         |
 *  +---------------------------------------------------------------+
 *  |               e_phoff (u64): program header table             |
 *  +---------------------------------------------------------------+
 *  |               e_shoff (u64): section header table             |
 *  +---------------------------------------------------------------+
 *  |                        e_flags (u32)                          |
 *  +-------------------------------+-------------------------------+
 *  |     e_ehsize (u16): 64        |   e_phentsize (u16): 56       |
 *  +-------------------------------+-------------------------------+
 *  |        e_phnum (u16)          |      e_shentsize (u16)        |
 *  +-------------------------------+-------------------------------+
 *  |        e_shnum (u16)          |      e_shstrndx (u16)         |
 *  +-------------------------------+-------------------------------+
 * </pre>
 * Class 2 = ELFCLASS64, data 1 = ELFDATA2LSB (little-endian). An {@code e_phnum} of {@link #PN_XNUM} means the
 * real count is in section header 0; ramshift does not support that (QEMU uses it only past 65534 segments).
 */
public final class Elf64HeaderDescriptor
{
    /** The four magic bytes 7F 'E' 'L' 'F' read as a little-endian u32. */
    public static final int MAGIC = 0x464C457F;
    /** e_ident[EI_CLASS] of a 64-bit file. */
    public static final int ELFCLASS64 = 2;
    /** e_ident[EI_DATA] of a little-endian file. */
    public static final int ELFDATA2LSB = 1;
    /** e_ident[EI_VERSION] and e_version of the current ELF version. */
    public static final int EV_CURRENT = 1;
    /** e_type of a core file. */
    public static final int ET_CORE = 4;
    /** e_machine of x86-64. */
    public static final int EM_X86_64 = 62;
    /** e_phnum meaning "the count is in section header 0" (unsupported). */
    public static final int PN_XNUM = 0xFFFF;

    /** Offset of the magic (e_ident[0..3]). */
    public static final int MAGIC_OFFSET;
    /** Offset of e_ident[EI_CLASS]. */
    public static final int CLASS_OFFSET;
    /** Offset of e_ident[EI_DATA]. */
    public static final int DATA_OFFSET;
    /** Offset of e_ident[EI_VERSION]. */
    public static final int IDENT_VERSION_OFFSET;
    /** Offset of e_ident[EI_OSABI]. */
    public static final int OSABI_OFFSET;
    /** Offset of e_ident[EI_ABIVERSION]. */
    public static final int ABI_VERSION_OFFSET;
    /** Length of e_ident. */
    public static final int IDENT_LENGTH = 16;
    /** Offset of e_type. */
    public static final int TYPE_OFFSET;
    /** Offset of e_machine. */
    public static final int MACHINE_OFFSET;
    /** Offset of e_version. */
    public static final int VERSION_OFFSET;
    /** Offset of e_entry. */
    public static final int ENTRY_OFFSET;
    /** Offset of e_phoff. */
    public static final int PHOFF_OFFSET;
    /** Offset of e_shoff. */
    public static final int SHOFF_OFFSET;
    /** Offset of e_flags. */
    public static final int FLAGS_OFFSET;
    /** Offset of e_ehsize. */
    public static final int EHSIZE_OFFSET;
    /** Offset of e_phentsize. */
    public static final int PHENTSIZE_OFFSET;
    /** Offset of e_phnum. */
    public static final int PHNUM_OFFSET;
    /** Offset of e_shentsize. */
    public static final int SHENTSIZE_OFFSET;
    /** Offset of e_shnum. */
    public static final int SHNUM_OFFSET;
    /** Offset of e_shstrndx. */
    public static final int SHSTRNDX_OFFSET;
    /** Length of the header: 64. */
    public static final int LENGTH;

    static
    {
        MAGIC_OFFSET = 0;
        CLASS_OFFSET = MAGIC_OFFSET + SIZE_OF_INT;
        DATA_OFFSET = CLASS_OFFSET + SIZE_OF_BYTE;
        IDENT_VERSION_OFFSET = DATA_OFFSET + SIZE_OF_BYTE;
        OSABI_OFFSET = IDENT_VERSION_OFFSET + SIZE_OF_BYTE;
        ABI_VERSION_OFFSET = OSABI_OFFSET + SIZE_OF_BYTE;
        TYPE_OFFSET = MAGIC_OFFSET + IDENT_LENGTH;
        MACHINE_OFFSET = TYPE_OFFSET + SIZE_OF_SHORT;
        VERSION_OFFSET = MACHINE_OFFSET + SIZE_OF_SHORT;
        ENTRY_OFFSET = VERSION_OFFSET + SIZE_OF_INT;
        PHOFF_OFFSET = ENTRY_OFFSET + SIZE_OF_LONG;
        SHOFF_OFFSET = PHOFF_OFFSET + SIZE_OF_LONG;
        FLAGS_OFFSET = SHOFF_OFFSET + SIZE_OF_LONG;
        EHSIZE_OFFSET = FLAGS_OFFSET + SIZE_OF_INT;
        PHENTSIZE_OFFSET = EHSIZE_OFFSET + SIZE_OF_SHORT;
        PHNUM_OFFSET = PHENTSIZE_OFFSET + SIZE_OF_SHORT;
        SHENTSIZE_OFFSET = PHNUM_OFFSET + SIZE_OF_SHORT;
        SHNUM_OFFSET = SHENTSIZE_OFFSET + SIZE_OF_SHORT;
        SHSTRNDX_OFFSET = SHNUM_OFFSET + SIZE_OF_SHORT;
        LENGTH = SHSTRNDX_OFFSET + SIZE_OF_SHORT;
    }

    private Elf64HeaderDescriptor()
    {
    }
}
