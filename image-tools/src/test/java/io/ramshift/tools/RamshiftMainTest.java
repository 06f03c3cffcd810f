package io.ramshift.tools;

import io.ramshift.engine.ResourceLeakExtension;
import io.ramshift.engine.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.ramshift.engine.TestImages.PAGE_SIZE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

@ExtendWith(ResourceLeakExtension.class)
class RamshiftMainTest
{
    private static final long PAGES = 256;
    private static final long SEED = 31;

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void shouldMigrateAndPrintVerifiedJson()
    {
        final Path source = image();
        final Path destination = dir.resolve("dst.img");

        final int exitCode = run("migrate", source.toString(), destination.toString(), "--json", "--no-sync");

        assertEquals(0, exitCode, () -> "stderr: " + err);
        final String json = out.toString().trim();
        assertTrue(json.startsWith("{\"verified\":true,"), json);
        assertTrue(json.endsWith("}"), json);
        assertEquals(1, json.lines().count(), json);
        assertTrue(json.contains("\"sender\":{\"verified\":true,"), json);
        assertTrue(json.contains("\"receiver\":{\"verified\":true,"), json);
        assertTrue(json.contains("\"dataPages\":3,"), json);
        assertTrue(json.contains("\"destination\":\"created\""), json);
        assertEquals("", err.toString());
        TestImages.assertSameNonFreePages(source, destination, page -> false);
    }

    @Test
    void shouldPrintVerifiedJsonOnStandardOutputThroughThePublicEntryPoint()
    {
        final Path source = image();
        final Path destination = dir.resolve("dst.img");
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        final PrintStream original = System.out;
        final int exitCode;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try
        {
            exitCode = RamshiftMain.run("migrate", source.toString(), destination.toString(), "--json");
        }
        finally
        {
            System.setOut(original);
        }

        assertEquals(0, exitCode);
        final String json = captured.toString(StandardCharsets.UTF_8);
        assertTrue(json.startsWith("{\"verified\":true,"), json);
        TestImages.assertSameNonFreePages(source, destination, page -> false);
    }

    @Test
    void shouldSendToASeparateReceiveCommand() throws InterruptedException
    {
        final Path source = image();
        final Path destination = dir.resolve("received.img");
        final StringWriter receiverOut = new StringWriter();
        final StringWriter receiverErr = new StringWriter();
        final AtomicInteger receiverExit = new AtomicInteger(-1);
        final Thread receiver = new Thread(() -> receiverExit.set(RamshiftMain.run(new PrintWriter(receiverOut),
            new PrintWriter(receiverErr), "receive", "--listen", "127.0.0.1:0", "--out", destination.toString(),
            "--json", "--no-sync")), "ramshift-test-cli-receiver");
        receiver.start();
        try
        {
            final int port = awaitListeningPort(receiverErr);

            final int exitCode = run("send", source.toString(), "--to", "127.0.0.1:" + port, "--json");

            assertEquals(0, exitCode, () -> "stderr: " + err);
            assertTrue(out.toString().startsWith("{\"verified\":true,"), out.toString());
        }
        finally
        {
            receiver.join(30_000);
        }
        assertFalse(receiver.isAlive(), "receiver still running");
        assertEquals(0, receiverExit.get(), () -> "receiver stderr: " + receiverErr);
        assertTrue(receiverOut.toString().startsWith("{\"verified\":true,"), receiverOut.toString());
        TestImages.assertSameNonFreePages(source, destination, page -> false);
    }

    @Test
    void shouldExitOneWhenNoReceiverListens() throws IOException
    {
        final Path source = image();
        final int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            port = socket.getLocalPort();
        }

        final int exitCode = run("send", source.toString(), "--to", "127.0.0.1:" + port);

        assertEquals(1, exitCode);
        assertTrue(err.toString().startsWith("ramshift send: cannot connect to receiver"), err.toString());
        assertEquals(1, err.toString().lines().count(), err.toString());
    }

    @Test
    void shouldSkipTheFreePagesOfABitmap()
    {
        final Path source = image();
        TestImages.writePages(source, 100, 10, SEED + 1);
        final Path bitmap = TestImages.writeBitmap(dir.resolve("free.bitmap"), PAGES, List.of(100L, 101L, 102L));
        final Path destination = dir.resolve("dst.img");

        final int exitCode = run("migrate", source.toString(), destination.toString(), "--free-bitmap",
            bitmap.toString(), "--json");

        assertEquals(0, exitCode, () -> "stderr: " + err);
        assertTrue(out.toString().contains("\"freePages\":3,"), out.toString());
        assertTrue(out.toString().contains("\"dataPages\":10,"), out.toString());
        TestImages.assertSameNonFreePages(source, destination, page -> page >= 100 && page <= 102);
    }

    @Test
    void shouldPrintAHumanSummaryWithoutJson()
    {
        final Path source = image();

        final int exitCode = run("migrate", source.toString(), dir.resolve("dst.img").toString());

        assertEquals(0, exitCode, () -> "stderr: " + err);
        assertTrue(out.toString().contains(": VERIFIED (digest "), out.toString());
    }

    @Test
    void shouldExitOneWithOneLineForAMissingSource()
    {
        final Path source = dir.resolve("missing.img");
        final Path destination = dir.resolve("dst.img");

        final int exitCode = run("migrate", source.toString(), destination.toString(), "--json");

        assertEquals(1, exitCode);
        assertEquals("ramshift migrate: image not found: " + source + System.lineSeparator(), err.toString());
        assertEquals("", out.toString());
        assertFalse(Files.exists(destination));
    }

    @Test
    void shouldExitOneAndKeepADestinationOfAnotherSize() throws IOException
    {
        final Path source = image();
        final Path destination = TestImages.createSparse(dir.resolve("dst.img"), PAGES / 2 * PAGE_SIZE);
        TestImages.writePages(destination, 0, PAGES / 2, SEED + 7);
        final byte[] before = Files.readAllBytes(destination);

        final int exitCode = run("migrate", source.toString(), destination.toString());

        assertEquals(1, exitCode);
        assertEquals(1, err.toString().lines().count(), err.toString());
        assertTrue(err.toString().startsWith("ramshift migrate: destination has another size"), err.toString());
        assertArrayEquals(before, Files.readAllBytes(destination));
    }

    @Test
    void shouldResizeADestinationOfAnotherSizeWhenAsked() throws IOException
    {
        final Path source = image();
        final Path destination = TestImages.createSparse(dir.resolve("dst.img"), PAGES / 2 * PAGE_SIZE);

        final int exitCode = run("migrate", source.toString(), destination.toString(), "--resize");

        assertEquals(0, exitCode, () -> "stderr: " + err);
        assertEquals(PAGES * PAGE_SIZE, Files.size(destination));
    }

    @Test
    void shouldExitTwoForAToAddressWithoutAPort()
    {
        final Path source = image();

        final int exitCode = run("send", source.toString(), "--to", "localhost:notaport");

        assertEquals(2, exitCode);
        assertTrue(err.toString().contains("not a port: 'notaport' in 'localhost:notaport'"), err.toString());
    }

    @Test
    void shouldExitTwoForAToAddressWithoutAHost()
    {
        final Path source = image();

        final int exitCode = run("send", source.toString(), "--to", "7000");

        assertEquals(2, exitCode);
        assertTrue(err.toString().contains("expected HOST:PORT, got '7000'"), err.toString());
    }

    @Test
    void shouldExitTwoForAPortOutOfRange()
    {
        final Path source = image();

        final int exitCode = run("send", source.toString(), "--to", "127.0.0.1:65536");

        assertEquals(2, exitCode);
        assertTrue(err.toString().contains("expected HOST:PORT, got '127.0.0.1:65536'"), err.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "1025"})
    void shouldExitTwoForABatchSizeOutOfRange(final String pages)
    {
        final Path source = image();
        final Path destination = dir.resolve("dst.img");

        final int exitCode = run("migrate", source.toString(), destination.toString(), "--batch-pages", pages);

        assertEquals(2, exitCode, () -> "stderr: " + err);
        assertTrue(err.toString().contains("--batch-pages must be in [1, 1024]: " + pages), err.toString());
        assertFalse(Files.exists(destination));
    }

    @Test
    void shouldMigrateWithTheLargestBatch()
    {
        final Path source = image();
        TestImages.writePages(source, 100, 150, SEED);

        final int exitCode = run("migrate", source.toString(), dir.resolve("dst.img").toString(),
            "--batch-pages", "1024", "--json");

        assertEquals(0, exitCode, () -> "stderr: " + err);
        assertTrue(out.toString().contains("\"batches\":1,"), out.toString());
    }

    @Test
    void shouldPrintHelpWithTheBatchLimit()
    {
        final int exitCode = run("migrate", "--help");

        assertEquals(0, exitCode, () -> "stderr: " + err);
        assertTrue(out.toString().contains("--batch-pages"), out.toString());
        assertTrue(out.toString().contains("1..1024 (default 64)"), out.toString());
    }

    @Test
    void shouldExitTwoForAnUnknownOption()
    {
        final int exitCode = run("migrate", "a", "b", "--no-such-option");

        assertEquals(2, exitCode);
        assertTrue(err.toString().contains("--no-such-option"), err.toString());
    }

    @Test
    void shouldExitTwoWithoutTheRequiredToOption()
    {
        final int exitCode = run("send", image().toString());

        assertEquals(2, exitCode);
        assertTrue(err.toString().contains("--to"), err.toString());
    }

    private Path image()
    {
        final Path path = TestImages.createSparse(dir.resolve("src.img"), PAGES * PAGE_SIZE);
        TestImages.writePage(path, 0, SEED);
        TestImages.writePages(path, 40, 2, SEED);
        return path;
    }

    private static int awaitListeningPort(final StringWriter receiverErr) throws InterruptedException
    {
        final Pattern listening = Pattern.compile("listening on \\S*:(\\d+),");
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline)
        {
            final Matcher matcher = listening.matcher(receiverErr.toString());
            if (matcher.find())
            {
                return Integer.parseInt(matcher.group(1));
            }
            Thread.sleep(5);
        }
        return fail("receiver did not start listening: " + receiverErr);
    }

    private int run(final String... args)
    {
        return RamshiftMain.run(new PrintWriter(out), new PrintWriter(err), args);
    }
}
