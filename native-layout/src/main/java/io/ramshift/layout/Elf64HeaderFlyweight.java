package io.ramshift.layout;

import org.agrona.MutableDirectBuffer;

import static io.ramshift.layout.Elf64HeaderDescriptor.*;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Flyweight of the ELF64 file header (see {@link Elf64HeaderDescriptor}); every field little-endian.
 */
public final class Elf64HeaderFlyweight
{
    private MutableDirectBuffer buffer;
    private int offset;

    /**
     * @param buffer holding the header.
     * @param offset of the header.
     * @return this for a fluent API.
     */
    public Elf64HeaderFlyweight wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /**
     * Write a complete header of a little-endian x86-64 ELF64 file without section headers.
     *
     * @param type  e_type, e.g. {@link Elf64HeaderDescriptor#ET_CORE}.
     * @param phoff file offset of the program header table.
     * @param phnum program headers, below {@link Elf64HeaderDescriptor#PN_XNUM}.
     * @return this for a fluent API.
     */
    public Elf64HeaderFlyweight encode(final int type, final long phoff, final int phnum)
    {
        if (phnum < 0 || phnum >= PN_XNUM)
        {
            throw new LayoutException("too many ELF program headers: e_phnum=" + phnum + " limit=" + (PN_XNUM - 1));
        }
        buffer.setMemory(offset, LENGTH, (byte)0);
        buffer.putInt(offset + MAGIC_OFFSET, MAGIC, LITTLE_ENDIAN);
        buffer.putByte(offset + CLASS_OFFSET, (byte)ELFCLASS64);
        buffer.putByte(offset + DATA_OFFSET, (byte)ELFDATA2LSB);
        buffer.putByte(offset + IDENT_VERSION_OFFSET, (byte)EV_CURRENT);
        buffer.putShort(offset + TYPE_OFFSET, (short)type, LITTLE_ENDIAN);
        buffer.putShort(offset + MACHINE_OFFSET, (short)EM_X86_64, LITTLE_ENDIAN);
        buffer.putInt(offset + VERSION_OFFSET, EV_CURRENT, LITTLE_ENDIAN);
        buffer.putLong(offset + ENTRY_OFFSET, 0L, LITTLE_ENDIAN);
        buffer.putLong(offset + PHOFF_OFFSET, phoff, LITTLE_ENDIAN);
        buffer.putLong(offset + SHOFF_OFFSET, 0L, LITTLE_ENDIAN);
        buffer.putInt(offset + FLAGS_OFFSET, 0, LITTLE_ENDIAN);
        buffer.putShort(offset + EHSIZE_OFFSET, (short)LENGTH, LITTLE_ENDIAN);
        buffer.putShort(offset + PHENTSIZE_OFFSET, (short)Elf64ProgramHeaderDescriptor.LENGTH, LITTLE_ENDIAN);
        buffer.putShort(offset + PHNUM_OFFSET, (short)phnum, LITTLE_ENDIAN);
        buffer.putShort(offset + SHENTSIZE_OFFSET, (short)0, LITTLE_ENDIAN);
        buffer.putShort(offset + SHNUM_OFFSET, (short)0, LITTLE_ENDIAN);
        buffer.putShort(offset + SHSTRNDX_OFFSET, (short)0, LITTLE_ENDIAN);
        return this;
    }

    /**
     * Check what a reader of the program headers relies on; throws {@link LayoutException} naming the bad value.
     *
     * @param fileLength bytes of the whole file.
     * @return this for a fluent API.
     */
    public Elf64HeaderFlyweight validate(final long fileLength)
    {
        if (fileLength < LENGTH)
        {
            throw new LayoutException("ELF file too short: length=" + fileLength + " header=" + LENGTH);
        }
        if (magic() != MAGIC)
        {
            throw new LayoutException("not an ELF file: magic=0x" + Integer.toHexString(magic()) +
                " expected=0x" + Integer.toHexString(MAGIC) + " (7F 'E' 'L' 'F')");
        }
        if (elfClass() != ELFCLASS64)
        {
            throw new LayoutException("not a 64-bit ELF: class=" + elfClass() + " expected=" + ELFCLASS64 +
                " (ELFCLASS64)");
        }
        if (dataEncoding() != ELFDATA2LSB)
        {
            throw new LayoutException("not a little-endian ELF: data=" + dataEncoding() + " expected=" + ELFDATA2LSB +
                " (ELFDATA2LSB)");
        }
        if (identVersion() != EV_CURRENT || version() != EV_CURRENT)
        {
            throw new LayoutException("unsupported ELF version: e_ident[EI_VERSION]=" + identVersion() +
                " e_version=" + Integer.toUnsignedString(version()) + " expected=" + EV_CURRENT);
        }
        if (phentsize() != Elf64ProgramHeaderDescriptor.LENGTH)
        {
            throw new LayoutException("unsupported ELF program header size: e_phentsize=" + phentsize() +
                " expected=" + Elf64ProgramHeaderDescriptor.LENGTH);
        }
        final int phnum = phnum();
        if (phnum == PN_XNUM)
        {
            throw new LayoutException("ELF with e_phnum=0xffff (PN_XNUM: the count is in section header 0) " +
                "is not supported");
        }
        final long phoff = phoff();
        final long tableLength = (long)phnum * Elf64ProgramHeaderDescriptor.LENGTH;
        if (phoff < 0 || phoff > Long.MAX_VALUE - tableLength)
        {
            throw new LayoutException("ELF program header table overflows: e_phoff=0x" + Long.toHexString(phoff) +
                " e_phnum=" + phnum + " tableLength=" + tableLength);
        }
        if (phoff + tableLength > fileLength)
        {
            throw new LayoutException("ELF program header table past file end: e_phoff=" + phoff + " e_phnum=" +
                phnum + " end=" + (phoff + tableLength) + " fileLength=" + fileLength);
        }
        return this;
    }

    /**
     * @param index of a program header.
     * @return its offset in the file.
     */
    public long programHeaderOffset(final int index)
    {
        return phoff() + (long)index * Elf64ProgramHeaderDescriptor.LENGTH;
    }

    /** @return the magic bytes as a little-endian u32 ({@link Elf64HeaderDescriptor#MAGIC} when valid). */
    public int magic()
    {
        return buffer.getInt(offset + MAGIC_OFFSET, LITTLE_ENDIAN);
    }

    /** @return e_ident[EI_CLASS]. */
    public int elfClass()
    {
        return buffer.getByte(offset + CLASS_OFFSET) & 0xFF;
    }

    /** @return e_ident[EI_DATA]. */
    public int dataEncoding()
    {
        return buffer.getByte(offset + DATA_OFFSET) & 0xFF;
    }

    /** @return e_ident[EI_VERSION]. */
    public int identVersion()
    {
        return buffer.getByte(offset + IDENT_VERSION_OFFSET) & 0xFF;
    }

    /** @return e_ident[EI_OSABI]. */
    public int osAbi()
    {
        return buffer.getByte(offset + OSABI_OFFSET) & 0xFF;
    }

    /** @return e_type. */
    public int type()
    {
        return buffer.getShort(offset + TYPE_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    /** @return e_machine. */
    public int machine()
    {
        return buffer.getShort(offset + MACHINE_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    /** @return e_version (unsigned u32 in an int). */
    public int version()
    {
        return buffer.getInt(offset + VERSION_OFFSET, LITTLE_ENDIAN);
    }

    /** @return e_entry. */
    public long entry()
    {
        return buffer.getLong(offset + ENTRY_OFFSET, LITTLE_ENDIAN);
    }

    /** @return e_phoff (a u64: negative means above 2^63). */
    public long phoff()
    {
        return buffer.getLong(offset + PHOFF_OFFSET, LITTLE_ENDIAN);
    }

    /** @return e_shoff. */
    public long shoff()
    {
        return buffer.getLong(offset + SHOFF_OFFSET, LITTLE_ENDIAN);
    }

    /** @return e_flags. */
    public int flags()
    {
        return buffer.getInt(offset + FLAGS_OFFSET, LITTLE_ENDIAN);
    }

    /** @return e_ehsize. */
    public int ehsize()
    {
        return buffer.getShort(offset + EHSIZE_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    /** @return e_phentsize. */
    public int phentsize()
    {
        return buffer.getShort(offset + PHENTSIZE_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    /** @return e_phnum. */
    public int phnum()
    {
        return buffer.getShort(offset + PHNUM_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    /** @return e_shentsize. */
    public int shentsize()
    {
        return buffer.getShort(offset + SHENTSIZE_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    /** @return e_shnum. */
    public int shnum()
    {
        return buffer.getShort(offset + SHNUM_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    /** @return e_shstrndx. */
    public int shstrndx()
    {
        return buffer.getShort(offset + SHSTRNDX_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }
}
