package io.ramshift.layout;

import org.agrona.MutableDirectBuffer;

import static io.ramshift.layout.Elf64ProgramHeaderDescriptor.*;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Flyweight of one ELF64 program header (see {@link Elf64ProgramHeaderDescriptor}); every field little-endian,
 * u64 fields returned as {@code long} (negative means 2^63 or more).
 */
public final class Elf64ProgramHeaderFlyweight
{
    private MutableDirectBuffer buffer;
    private int offset;

    /**
     * @param buffer holding the program header.
     * @param offset of the program header.
     * @return this for a fluent API.
     */
    public Elf64ProgramHeaderFlyweight wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /**
     * Write a complete program header; {@code p_vaddr} is 0, as in a dump without paging.
     *
     * @param type       p_type.
     * @param flags      p_flags.
     * @param fileOffset p_offset.
     * @param paddr      p_paddr.
     * @param filesz     p_filesz.
     * @param memsz      p_memsz.
     * @param align      p_align.
     * @return this for a fluent API.
     */
    public Elf64ProgramHeaderFlyweight encode(final int type, final int flags, final long fileOffset,
        final long paddr, final long filesz, final long memsz, final long align)
    {
        buffer.putInt(offset + TYPE_OFFSET, type, LITTLE_ENDIAN);
        buffer.putInt(offset + FLAGS_OFFSET, flags, LITTLE_ENDIAN);
        buffer.putLong(offset + OFFSET_OFFSET, fileOffset, LITTLE_ENDIAN);
        buffer.putLong(offset + VADDR_OFFSET, 0L, LITTLE_ENDIAN);
        buffer.putLong(offset + PADDR_OFFSET, paddr, LITTLE_ENDIAN);
        buffer.putLong(offset + FILESZ_OFFSET, filesz, LITTLE_ENDIAN);
        buffer.putLong(offset + MEMSZ_OFFSET, memsz, LITTLE_ENDIAN);
        buffer.putLong(offset + ALIGN_OFFSET, align, LITTLE_ENDIAN);
        return this;
    }

    /**
     * Check that the segment's bytes lie inside the file and, for PT_LOAD, that its sizes and address range hold;
     * throws {@link LayoutException} naming the values.
     *
     * @param fileLength bytes of the whole file.
     * @return this for a fluent API.
     */
    public Elf64ProgramHeaderFlyweight validate(final long fileLength)
    {
        final long fileOffset = fileOffset();
        final long filesz = filesz();
        if (fileOffset < 0 || filesz < 0 || fileOffset > Long.MAX_VALUE - filesz)
        {
            throw new LayoutException("ELF segment file range overflows: type=" + typeName(type()) +
                " p_offset=0x" + Long.toHexString(fileOffset) + " p_filesz=0x" + Long.toHexString(filesz));
        }
        if (filesz > 0 && fileOffset + filesz > fileLength)
        {
            throw new LayoutException("ELF segment past file end: type=" + typeName(type()) + " p_offset=" +
                fileOffset + " p_filesz=" + filesz + " end=" + (fileOffset + filesz) + " fileLength=" + fileLength);
        }
        if (type() == PT_LOAD)
        {
            final long memsz = memsz();
            if (Long.compareUnsigned(filesz, memsz) > 0)
            {
                throw new LayoutException("ELF segment file size exceeds its memory size: p_filesz=0x" +
                    Long.toHexString(filesz) + " p_memsz=0x" + Long.toHexString(memsz));
            }
            final long paddr = paddr();
            if (Long.compareUnsigned(paddr + memsz, paddr) < 0)
            {
                throw new LayoutException("ELF segment address range overflows: p_paddr=0x" +
                    Long.toHexString(paddr) + " p_memsz=0x" + Long.toHexString(memsz));
            }
        }
        return this;
    }

    /** @return p_type. */
    public int type()
    {
        return buffer.getInt(offset + TYPE_OFFSET, LITTLE_ENDIAN);
    }

    /** @return p_flags. */
    public int flags()
    {
        return buffer.getInt(offset + FLAGS_OFFSET, LITTLE_ENDIAN);
    }

    /** @return p_offset: where the segment's bytes start in the file. */
    public long fileOffset()
    {
        return buffer.getLong(offset + OFFSET_OFFSET, LITTLE_ENDIAN);
    }

    /** @return p_vaddr. */
    public long vaddr()
    {
        return buffer.getLong(offset + VADDR_OFFSET, LITTLE_ENDIAN);
    }

    /** @return p_paddr: the guest-physical address of the segment. */
    public long paddr()
    {
        return buffer.getLong(offset + PADDR_OFFSET, LITTLE_ENDIAN);
    }

    /** @return p_filesz: bytes stored in the file. */
    public long filesz()
    {
        return buffer.getLong(offset + FILESZ_OFFSET, LITTLE_ENDIAN);
    }

    /** @return p_memsz: bytes in memory. */
    public long memsz()
    {
        return buffer.getLong(offset + MEMSZ_OFFSET, LITTLE_ENDIAN);
    }

    /** @return p_align. */
    public long align()
    {
        return buffer.getLong(offset + ALIGN_OFFSET, LITTLE_ENDIAN);
    }
}
