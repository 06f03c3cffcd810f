package io.ramshift.tools;

import io.ramshift.engine.image.ElfDump;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.util.Locale;

/**
 * The {@code --ram-limit} option of every command that reads a source which may be a QEMU ELF dump.
 */
final class RamLimitMixin
{
    @Option(names = "--ram-limit", paramLabel = "N", defaultValue = "0xE0000000",
        converter = AddressConverter.class,
        description = "For an ELF dump: PT_LOADs ending above this guest-physical address are not RAM and are " +
            "skipped (default ${DEFAULT-VALUE} = 3.5 GiB, the end of below-4G RAM on a QEMU pc machine; " +
            "hex, decimal or K/M/G/T suffix).")
    long ramLimit = ElfDump.DEFAULT_RAM_LIMIT;

    /** Parses {@code 0x...}, a decimal, or a decimal with a K, M, G or T suffix (powers of 1024). */
    static final class AddressConverter implements CommandLine.ITypeConverter<Long>
    {
        public Long convert(final String text)
        {
            final String value = text.trim().toUpperCase(Locale.ROOT);
            final long result;
            try
            {
                if (value.startsWith("0X"))
                {
                    result = Long.parseUnsignedLong(value.substring(2), 16);
                }
                else
                {
                    final char last = value.isEmpty() ? ' ' : value.charAt(value.length() - 1);
                    final int shift = last == 'K' ? 10 : last == 'M' ? 20 : last == 'G' ? 30 : last == 'T' ? 40 : 0;
                    final long number = Long.parseLong(shift == 0 ? value : value.substring(0, value.length() - 1));
                    if (number < 0 || number > (Long.MAX_VALUE >> shift))
                    {
                        throw new CommandLine.TypeConversionException("out of range: '" + text + "'");
                    }
                    result = number << shift;
                }
            }
            catch (final NumberFormatException ex)
            {
                throw new CommandLine.TypeConversionException("not an address: '" + text +
                    "' (expected e.g. 0xE0000000, 3584M or 3758096384)");
            }
            if (result <= 0)
            {
                throw new CommandLine.TypeConversionException("must be positive: '" + text + "'");
            }
            return result;
        }
    }
}
