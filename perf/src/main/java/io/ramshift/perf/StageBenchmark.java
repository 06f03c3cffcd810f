package io.ramshift.perf;

import io.ramshift.engine.generate.CompressiblePageWriter;
import io.ramshift.engine.image.DataExtents;
import io.ramshift.engine.image.FreePageBitmap;
import io.ramshift.engine.image.MappedImage;
import io.ramshift.engine.scan.ImageScanner;
import io.ramshift.engine.scan.RunConsumer;
import io.ramshift.engine.transfer.ImageDigest;
import io.ramshift.layout.ProtocolDescriptor;
import io.ramshift.layout.RunBatchFlyweight;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One benchmark per pipeline stage, each op on a fixed amount of data so ops/s converts to bytes/s:
 * xxh3 of one 4 KiB page; LZ4 of one page vs of a 64 KiB batch (compressible content of the generator) and
 * LZ4 decode; bitmap to runs over a 64 Ki-page image (bitmap with runs like the idle profile); RUN_BATCH encode
 * and validate of a 256-run table.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED"})
public class StageBenchmark
{
    private static final int PAGE = 4096;
    private static final int BATCH = 64 * 1024;
    private static final int SCAN_PAGES = 64 * 1024;

    private ByteBuffer pages;
    private long pagesAddress;
    private int pageIndex;
    private LZ4Compressor compressor;
    private LZ4SafeDecompressor decompressor;
    private ByteBuffer compressed;
    private ByteBuffer decoded;
    private int compressedBatchLength;
    private Path scanFile;
    private MappedImage scanImage;
    private ImageScanner scanner;
    private final RunCounter runCounter = new RunCounter();
    private UnsafeBuffer frame;
    private final RunBatchFlyweight batch = new RunBatchFlyweight();

    /**
     * Build the inputs: 64 KiB of compressible pages, a scan image with a bitmap, a frame buffer.
     *
     * @throws IOException when the scan image cannot be written.
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        pages = BufferUtil.allocateDirectAligned(BATCH, 4096);
        pagesAddress = BufferUtil.address(pages);
        final UnsafeBuffer pageBuffer = new UnsafeBuffer(pages);
        final CompressiblePageWriter writer = new CompressiblePageWriter(1);
        for (int i = 0; i < BATCH / PAGE; i++)
        {
            writer.write(pageBuffer, i * PAGE, i);
        }
        compressor = LZ4Factory.fastestInstance().fastCompressor();
        decompressor = LZ4Factory.fastestInstance().safeDecompressor();
        compressed = ByteBuffer.allocateDirect(compressor.maxCompressedLength(BATCH));
        decoded = ByteBuffer.allocateDirect(BATCH);
        compressedBatchLength = compressor.compress(pages, 0, BATCH, compressed, 0, compressed.capacity());

        // scan image: every 64th page holds data, the rest zero; a bitmap marks half the 2 MiB units free
        scanFile = Files.createTempFile("ramshift-stage-bench", ".img");
        try (RandomAccessFile out = new RandomAccessFile(scanFile.toFile(), "rw"))
        {
            out.setLength((long)SCAN_PAGES * PAGE);
            final byte[] data = new byte[PAGE];
            new SplittableRandom(7).nextBytes(data);
            for (long page = 0; page < SCAN_PAGES; page += 64)
            {
                out.seek(page * PAGE);
                out.write(data);
            }
        }
        final UnsafeBuffer bits = new UnsafeBuffer(ByteBuffer.allocateDirect(SCAN_PAGES / 8).order(ByteOrder.LITTLE_ENDIAN));
        for (int word = 0; word < SCAN_PAGES / 64; word++)
        {
            bits.putLong(word * 8, ((word / 8) & 1) == 0 ? -1L : 0L, ByteOrder.LITTLE_ENDIAN);
        }
        scanImage = MappedImage.openReadOnly(scanFile);
        scanner = new ImageScanner(scanImage, FreePageBitmap.wrap(bits, SCAN_PAGES), DataExtents.whole(scanImage.size()));
        frame = new UnsafeBuffer(ByteBuffer.allocateDirect(1 << 16).order(ByteOrder.LITTLE_ENDIAN));
    }

    /**
     * Unmap and delete the scan image.
     *
     * @throws IOException when the file cannot be deleted.
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        scanImage.close();
        Files.deleteIfExists(scanFile);
    }

    /** @return xxh3 of one 4 KiB page (ops/s × 4096 = bytes/s). */
    @Benchmark
    public long xxh3Page()
    {
        pageIndex = (pageIndex + 1) & (BATCH / PAGE - 1);
        return ImageDigest.pageHash(pagesAddress + (long)pageIndex * PAGE);
    }

    /** @return LZ4 of one 4 KiB page on its own (ops/s × 4096 = bytes/s). */
    @Benchmark
    public int lz4PerPage()
    {
        pageIndex = (pageIndex + 1) & (BATCH / PAGE - 1);
        return compressor.compress(pages, pageIndex * PAGE, PAGE, compressed, 0, compressed.capacity());
    }

    /** @return LZ4 of a 64 KiB batch as one block (ops/s × 65536 = bytes/s). */
    @Benchmark
    public int lz4PerBatch()
    {
        return compressor.compress(pages, 0, BATCH, compressed, 0, compressed.capacity());
    }

    /** @return LZ4 decode of a 64 KiB batch with the safe decompressor (ops/s × 65536 = bytes/s). */
    @Benchmark
    public int lz4DecodeBatch()
    {
        return decompressor.decompress(compressed, 0, compressedBatchLength, decoded, 0, BATCH);
    }

    /** @return runs of a 64 Ki-page (256 MiB) image with a bitmap: bitmap words to runs plus zero checks. */
    @Benchmark
    public long bitmapToRuns()
    {
        runCounter.runs = 0;
        scanner.scan(0, SCAN_PAGES, runCounter);
        return runCounter.runs;
    }

    /** @return a 256-run RUN_BATCH encoded and validated (ops/s = frames/s). */
    @Benchmark
    public int frameEncodeValidate()
    {
        batch.wrap(frame, 0);
        for (int i = 0; i < 256; i++)
        {
            batch.run(i, i * 8L, 1, ProtocolDescriptor.RUN_DATA);
        }
        batch.encodeBody(256, ProtocolDescriptor.ENCODING_RAW, 256 * PAGE, 256 * PAGE, 1);
        batch.validateBody(Integer.MAX_VALUE);
        batch.validateRuns(1L << 20, PAGE);
        return batch.frameLength();
    }

    private static final class RunCounter implements RunConsumer
    {
        long runs;

        public void onRun(final int pageClass, final long firstPage, final long pageCount)
        {
            runs++;
        }
    }
}
