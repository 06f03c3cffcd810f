package io.ramshift.engine.generate;

import io.ramshift.engine.image.MappedImage;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Fills a page with data that compresses like guest memory in use: log-like text lines, arrays of 64-byte
 * kernel-like structs, or arrays of small integers (LZ4 per page about 2.0, 2.3 and 3.8; 2.45 over the mix).
 * <p>
 * The flavour and every byte are a pure function of (seed, page). One instance per thread: it keeps a generator
 * whose state is reset at each page, and allocates nothing after construction.
 */
public final class CompressiblePageWriter
{
    /** Flavour: log-like text lines. */
    public static final int FLAVOUR_TEXT = 0;

    /** Flavour: 64-byte kernel-like structs. */
    public static final int FLAVOUR_STRUCTS = 1;

    /** Flavour: arrays of small 32-bit integers. */
    public static final int FLAVOUR_SMALL_INTS = 2;

    /** Number of flavours. */
    public static final int FLAVOUR_COUNT = 3;

    /** Share of compressible pages that are text. */
    public static final double TEXT_SHARE = 0.35;

    /** Share of compressible pages that are structs. */
    public static final double STRUCTS_SHARE = 0.35;

    private static final int PAGE_SIZE = MappedImage.PAGE_SIZE;
    private static final int STRUCT_LENGTH = 64;
    private static final long FLAVOUR_DOMAIN = 0x464C_4156L;
    private static final long CONTENT_DOMAIN = 0x434F_4D50L;
    private static final long KERNEL_DIRECT_MAP = 0xFFFF_8880_0000_0000L;
    private static final long[] OPS_TABLES =
    {
        0xFFFF_FFFF_8224_0A80L, 0xFFFF_FFFF_8224_1B40L, 0xFFFF_FFFF_8230_77C0L, 0xFFFF_FFFF_8231_0D00L
    };
    private static final int[] FLAGS = { 0x1, 0x3, 0x41, 0x100, 0x8001, 0x10, 0x11, 0x0 };

    // '#' is replaced by a random decimal digit and '%' by a random hex digit; the rest repeats inside a page
    private static final String[] LINE_TEMPLATES =
    {
        "[#####.######] eth0: link up, 1000Mbps, full-duplex, lpa 0x%%%%\n",
        "[#####.######] audit: type=1400 audit(##########.###:####): apparmor=\"STATUS\" " +
            "operation=\"profile_load\" pid=####\n",
        "[#####.######] EXT4-fs (vda1): mounted filesystem with ordered data mode. Quota mode: none.\n",
        "[#####.######] systemd[1]: Started session-####.scope - Session #### of User root.\n",
        "[#####.######] virtio_balloon virtio#: free page reporting: order ## pages ####\n",
        "Nov 23 ##:##:## host sshd[#####]: Accepted publickey for root from 10.0.##.### port ##### ssh2\n",
        "Nov 23 ##:##:## host CRON[#####]: (root) CMD (run-parts --report /etc/cron.hourly)\n",
        "10.1.##.### - - [23/Nov/2025:##:##:## +0000] \"GET /api/v1/items/###### HTTP/1.1\" 200 #### \"-\"\n",
        "2025-11-23T##:##:##.######Z INFO  [worker-##] io.app.Service - processed batch id=%%%%%%%% size=###\n",
        "2025-11-23T##:##:##.######Z WARN  [worker-##] io.app.Cache - evicted key=%%%%%%%%%%%%%%%% after ####ms\n",
        "2025-11-23T##:##:##.######Z DEBUG [main] io.app.Db - select * from orders where id = ###### took ##ms\n",
    };

    private static final byte[][] LINES = new byte[LINE_TEMPLATES.length][];
    // positions of the '#' and '%' markers of each line, a hex marker flagged by HEX_MARK, so a page costs one copy
    // per line plus one store per marker instead of a scan of every byte
    private static final int[][] LINE_MARKS = new int[LINE_TEMPLATES.length][];
    private static final int HEX_MARK = 1 << 16;
    private static final byte[] DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    static
    {
        for (int i = 0; i < LINE_TEMPLATES.length; i++)
        {
            final byte[] line = LINE_TEMPLATES[i].getBytes(StandardCharsets.US_ASCII);
            int markCount = 0;
            for (final byte b : line)
            {
                markCount += b == '#' || b == '%' ? 1 : 0;
            }
            final int[] marks = new int[markCount];
            for (int j = 0, m = 0; j < line.length; j++)
            {
                if (line[j] == '#' || line[j] == '%')
                {
                    marks[m++] = j | (line[j] == '%' ? HEX_MARK : 0);
                }
            }
            LINES[i] = line;
            LINE_MARKS[i] = marks;
        }
    }

    private final long seed;
    private final SplitMix64 random = new SplitMix64(0);

    /**
     * @param seed image seed.
     */
    public CompressiblePageWriter(final long seed)
    {
        this.seed = seed;
    }

    /**
     * The flavour of a compressible page.
     *
     * @param seed image seed.
     * @param page index of the page.
     * @return one of the {@code FLAVOUR_*} values.
     */
    public static int flavour(final long seed, final long page)
    {
        final double u = (SplitMix64.seedFor(seed, page, FLAVOUR_DOMAIN) >>> 11) * 0x1.0p-53;
        return u < TEXT_SHARE ? FLAVOUR_TEXT : u < TEXT_SHARE + STRUCTS_SHARE ? FLAVOUR_STRUCTS : FLAVOUR_SMALL_INTS;
    }

    /**
     * Fill one page.
     *
     * @param buffer holding the page.
     * @param offset of the page in the buffer.
     * @param page   index of the page in the image (the content depends on it).
     */
    public void write(final UnsafeBuffer buffer, final int offset, final long page)
    {
        random.reset(SplitMix64.seedFor(seed, page, CONTENT_DOMAIN));
        switch (flavour(seed, page))
        {
            case FLAVOUR_TEXT:
                writeText(buffer, offset);
                break;
            case FLAVOUR_STRUCTS:
                writeStructs(buffer, offset);
                break;
            default:
                writeSmallInts(buffer, offset);
                break;
        }
    }

    private void writeText(final UnsafeBuffer buffer, final int offset)
    {
        final int end = offset + PAGE_SIZE;
        int position = offset;
        long bits = 0;
        int bitsLeft = 0;
        while (position < end)
        {
            final int template = random.nextInt(LINES.length);
            final byte[] line = LINES[template];
            final int[] marks = LINE_MARKS[template];
            final int length = Math.min(line.length, end - position);
            buffer.putBytes(position, line, 0, length);
            for (final int mark : marks)
            {
                final int i = mark & (HEX_MARK - 1);
                if (i >= length)
                {
                    break;
                }
                if (bitsLeft == 0)
                {
                    bits = random.nextLong();
                    bitsLeft = 16;
                }
                final int nibble = (int)(bits & 0xF);
                bits >>>= 4;
                bitsLeft--;
                // decimal digits from a nibble: fold 10..15 onto 0..5, a slight skew that looks like real logs
                final int digit = (mark & HEX_MARK) != 0 ? nibble : nibble < 10 ? nibble : nibble - 10;
                buffer.putByte(position + i, DIGITS[digit]);
            }
            position += length;
        }
    }

    private void writeStructs(final UnsafeBuffer buffer, final int offset)
    {
        final long base = KERNEL_DIRECT_MAP + (random.nextLong() & 0x0000_003F_FFFF_F000L);
        final long jiffies = 0x1_0000_0000L + (random.nextLong() & 0xFFFF_FFFFL);
        final int firstId = random.nextInt(1 << 20);
        for (int i = 0; i < PAGE_SIZE / STRUCT_LENGTH; i++)
        {
            final int s = offset + i * STRUCT_LENGTH;
            final long self = base + (long)i * STRUCT_LENGTH;
            final long r = random.nextLong();
            // list links point at neighbours most of the time, elsewhere in the slab otherwise
            buffer.putLong(s, (r & 3) != 0 ? self + STRUCT_LENGTH : base + ((r >>> 2) & 0xFFFC0), LITTLE_ENDIAN);
            buffer.putLong(s + 8, (r & 12) != 0 ? self - STRUCT_LENGTH : base + ((r >>> 22) & 0xFFFC0), LITTLE_ENDIAN);
            buffer.putInt(s + 16, 1 + (int)((r >>> 42) & 3), LITTLE_ENDIAN);
            buffer.putInt(s + 20, FLAGS[(int)((r >>> 44) & 7)], LITTLE_ENDIAN);
            buffer.putLong(s + 24, OPS_TABLES[(int)((r >>> 47) & 3)], LITTLE_ENDIAN);
            buffer.putLong(s + 32, jiffies + ((r >>> 49) & 0x3FFF), LITTLE_ENDIAN);
            buffer.putInt(s + 40, firstId + i, LITTLE_ENDIAN);
            buffer.putInt(s + 44, (int)((r >>> 60) & 0xF), LITTLE_ENDIAN);
            buffer.putLong(s + 48, (r & 0xF0) == 0 ? random.nextLong() : 0, LITTLE_ENDIAN);
            buffer.putLong(s + 56, 0, LITTLE_ENDIAN);
        }
    }

    private void writeSmallInts(final UnsafeBuffer buffer, final int offset)
    {
        final int end = offset + PAGE_SIZE;
        int position = offset;
        int value = random.nextInt(16);
        long bits = 0;
        int bitsLeft = 0;
        while (position < end)
        {
            if (bitsLeft == 0)
            {
                bits = random.nextLong();
                bitsLeft = 8;
            }
            final int draw = (int)(bits & 0xFF);
            bits >>>= 8;
            bitsLeft--;
            // counters and histograms: a value usually repeats, sometimes steps by one, now and then jumps
            if ((draw & 0x7) == 0 || (draw & 0xE0) == 0xE0)
            {
                value = (draw & 0x4) == 0 ? value + 1 : (draw >>> 3) & 0x1F;
            }
            buffer.putInt(position, value, LITTLE_ENDIAN);
            position += 4;
        }
    }
}
