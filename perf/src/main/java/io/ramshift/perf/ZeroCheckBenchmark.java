package io.ramshift.perf;

import io.ramshift.engine.image.MappedImage;
import io.ramshift.engine.scan.ZeroPageDetector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Zero check of cached all-zero 4 KiB pages with {@link ZeroPageDetector}: bytes per second per core
 * (target ≥ 10 GB/s). Multiply ops/s by the span to get GB/s; the harness prints it as pages/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED"})
public class ZeroCheckBenchmark
{
    /** Bytes of the mapped, cached, all-zero (but allocated) test file. */
    @Param({"268435456"})
    public long fileBytes;

    private Path file;
    private MappedImage image;
    private ZeroPageDetector detector;
    private long pages;
    private long page;

    /**
     * Write a dense zero file (allocated, so the scan reads page cache, not holes) and map it.
     *
     * @throws IOException when the file cannot be written.
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        file = Files.createTempFile("ramshift-zero-bench", ".img");
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw"))
        {
            final byte[] zeros = new byte[1 << 20];
            for (long written = 0; written < fileBytes; written += zeros.length)
            {
                out.write(zeros);
            }
        }
        image = MappedImage.openReadOnly(file);
        detector = new ZeroPageDetector(image);
        pages = image.pageCount();
    }

    /**
     * Unmap and delete.
     *
     * @throws IOException when the file cannot be deleted.
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        image.close();
        Files.deleteIfExists(file);
    }

    /**
     * Check one span of {@link ZeroPageDetector#SPAN_PAGES} pages (64 KiB), walking the file.
     *
     * @return zero pages found, consumed by JMH.
     */
    @Benchmark
    public int zeroSpan()
    {
        final int zeros = detector.zeroPrefix(page, ZeroPageDetector.SPAN_PAGES);
        page += ZeroPageDetector.SPAN_PAGES;
        if (page + ZeroPageDetector.SPAN_PAGES > pages)
        {
            page = 0;
        }
        return zeros;
    }
}
