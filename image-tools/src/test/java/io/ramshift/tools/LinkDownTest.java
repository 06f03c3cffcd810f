package io.ramshift.tools;

import io.ramshift.layout.JournalDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real link going down mid-transfer between two hosts (network namespaces joined by a veth pair shaped to
 * 200 Mbit/s): {@code ramshift send --retry} and {@code ramshift receive --retry} run as child JVMs, one per host;
 * the receiver's end of the link is taken down once some megabytes arrived. Back up within the retry budget, the
 * sender resumes and the copy is verified byte for byte; down past it, both ends fail naming the cause and the
 * destination stays marked INCOMPLETE by its journal.
 */
class LinkDownTest
{
    private static final String RATE = "200mbit";
    private static final String IO_TIMEOUT_SECONDS = "2";
    private static final long CUT_AFTER_BYTES = 12L << 20;
    private static final int PORT = 7931;

    @RegisterExtension
    final LinkedNamespaces hosts = new LinkedNamespaces();

    @TempDir
    Path dir;

    @Test
    void shouldResumeAndVerifyWhenTheLinkComesBackWithinTheRetries() throws Exception
    {
        final Path source = randomImage("64M");
        final Path destination = dir.resolve("copy.ram");
        hosts.up(RATE);
        try
        {
            final Process receiver = hosts.ramshift(true, dir.resolve("receiver"), "receive", "--listen",
                hosts.addressB() + ":" + PORT, "--out", destination.toString(), "--retry", "3", "--io-timeout",
                IO_TIMEOUT_SECONDS, "--json");
            awaitText(dir.resolve("receiver.err"), "listening on", receiver);
            final Process sender = hosts.ramshift(false, dir.resolve("sender"), "send", source.toString(), "--to",
                hosts.addressB() + ":" + PORT, "--retry", "4", "--io-timeout", IO_TIMEOUT_SECONDS, "--no-lz4",
                "--json");
            awaitBytesOverTheLink(CUT_AFTER_BYTES, sender);

            hosts.linkDown();
            // down until the sender gave up on the connection (no progress for the I/O timeout) and failed to
            // reconnect once more
            awaitText(dir.resolve("sender.err"), "retry 2 of 4", sender);
            hosts.linkUp();

            final int senderExit = LinkedNamespaces.exitCode(sender, 60);
            final int receiverExit = LinkedNamespaces.exitCode(receiver, 30);
            final String senderErr = read("sender.err");
            final String receiverOut = read("receiver.out");
            assertEquals(0, senderExit, () -> "sender: " + senderErr + read("sender.out"));
            assertEquals(0, receiverExit, () -> "receiver: " + read("receiver.err") + receiverOut);
            assertTrue(senderErr.contains("retry 1 of 4") && senderErr.contains("no progress"), senderErr);
            assertTrue(receiverOut.contains("\"verified\":true"), receiverOut);
            assertTrue(read("receiver.err").contains("waiting for attempt 2"), read("receiver.err"));
            // synced pages are journalled as durable: the resumed session skips them without a delta rehash
            assertTrue(Long.parseLong(jsonField(read("sender.out"), "durablePages")) > 0,
                "the resumed session skipped what was durable before the link went down: " + read("sender.out"));
            assertEquals("0", jsonField(read("sender.out"), "unchangedPages"), "resumed through the journal");
            assertEquals(-1, Files.mismatch(source, destination), "destination equals the source byte for byte");
            assertFalse(Files.exists(journal(destination)), "journal removed once verified");
        }
        finally
        {
            hosts.close();
        }
        assertNamespacesGone();
    }

    @Test
    void shouldFailBothEndsAndKeepTheJournalWhenTheLinkStaysDownPastTheRetries() throws Exception
    {
        final Path source = randomImage("48M");
        final Path destination = dir.resolve("copy.ram");
        hosts.up(RATE);
        try
        {
            final Process receiver = hosts.ramshift(true, dir.resolve("receiver"), "receive", "--listen",
                hosts.addressB() + ":" + PORT, "--out", destination.toString(), "--retry", "1", "--retry-wait", "6",
                "--io-timeout", IO_TIMEOUT_SECONDS, "--no-sync", "--json");
            awaitText(dir.resolve("receiver.err"), "listening on", receiver);
            final Process sender = hosts.ramshift(false, dir.resolve("sender"), "send", source.toString(), "--to",
                hosts.addressB() + ":" + PORT, "--retry", "2", "--io-timeout", IO_TIMEOUT_SECONDS, "--no-lz4",
                "--json");
            awaitBytesOverTheLink(CUT_AFTER_BYTES, sender);

            hosts.linkDown();

            final int senderExit = LinkedNamespaces.exitCode(sender, 60);
            final int receiverExit = LinkedNamespaces.exitCode(receiver, 30);
            final String senderErr = read("sender.err");
            final String receiverErr = read("receiver.err");
            assertEquals(RamshiftMain.EXIT_FAILURE, senderExit, senderErr);
            assertEquals(RamshiftMain.EXIT_FAILURE, receiverExit, receiverErr);
            assertTrue(senderErr.contains("retry 2 of 2"), senderErr);
            // the last attempt failed to reach the receiver's host at all: unreachable, or no answer within the
            // I/O timeout that bounds a connect
            assertTrue(lastLine(senderErr).contains("cannot connect to receiver") &&
                (lastLine(senderErr).contains("No route to host") || lastLine(senderErr).contains("timed out")),
                senderErr);
            assertTrue(receiverErr.contains("no progress"), receiverErr);
            assertTrue(lastLine(receiverErr).contains("no new attempt from the sender within 6 s"), receiverErr);
            assertFalse(read("receiver.out").contains("\"verified\":true"), read("receiver.out"));
            assertTrue(Files.exists(journal(destination)), "the destination stays marked incomplete");
            final CliRun inspect = CliRun.of("inspect", destination.toString());
            assertTrue(inspect.out.contains("INCOMPLETE"), inspect::toString);
            assertNotEquals(-1, Files.mismatch(source, destination));
        }
        finally
        {
            hosts.close();
        }
        assertNamespacesGone();
    }

    private void assertNamespacesGone()
    {
        for (final String ns : hosts.namespaces())
        {
            assertFalse(LinkedNamespaces.namespaceExists(ns), ns);
        }
    }

    private Path randomImage(final String size)
    {
        final Path source = dir.resolve("guest.ram");
        // random pages only: nothing compresses, is a hole or a duplicate, so every byte crosses the link
        assertEquals(0, RamshiftMain.run("generate", "--fractions", "0,0,0,1,0", "--size", size, "--seed", "9",
            "--out", source.toString()));
        return source;
    }

    private void awaitBytesOverTheLink(final long bytes, final Process sender) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (hosts.bytesReceivedByB() < bytes)
        {
            if (!sender.isAlive() || System.nanoTime() > deadline)
            {
                fail("fewer than " + bytes + " bytes crossed the link: " + hosts.bytesReceivedByB() + " sender " +
                    (sender.isAlive() ? "running" : "exited " + sender.exitValue()) + ": " + read("sender.err"));
            }
            Thread.sleep(20);
        }
    }

    private void awaitText(final Path file, final String text, final Process process) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!readPath(file).contains(text))
        {
            if (!process.isAlive() || System.nanoTime() > deadline)
            {
                fail("no '" + text + "' in " + file.getFileName() + ": " + readPath(file));
            }
            Thread.sleep(20);
        }
    }

    private String read(final String name)
    {
        return readPath(dir.resolve(name));
    }

    private static String readPath(final Path file)
    {
        try
        {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        }
        catch (final IOException ex)
        {
            throw new AssertionError(ex);
        }
    }

    private static String lastLine(final String text)
    {
        final List<String> lines = text.lines().filter(line -> !line.isBlank()).toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    private static String jsonField(final String json, final String name)
    {
        final int at = json.indexOf("\"" + name + "\":");
        if (at < 0)
        {
            throw new AssertionError("no field " + name + " in " + json);
        }
        int end = at + name.length() + 3;
        while (end < json.length() && ",}".indexOf(json.charAt(end)) < 0)
        {
            end++;
        }
        return json.substring(at + name.length() + 3, end);
    }

    private static Path journal(final Path destination)
    {
        return destination.resolveSibling(destination.getFileName() + JournalDescriptor.SUFFIX);
    }
}
