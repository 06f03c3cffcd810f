package io.ramshift.engine.transfer;

import io.ramshift.engine.RamshiftThreads;
import io.ramshift.engine.TransferException;
import io.ramshift.engine.image.MappedImage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StalledPeerTest
{
    private static final long IMAGE_SIZE = 1 << 20;

    @TempDir
    Path dir;

    @AfterEach
    void noThreadsLeft()
    {
        RamshiftThreads.assertNoneRunning();
    }

    @Test
    void shouldFailTheReceiverWhenTheSenderStallsMidFrame() throws Exception
    {
        final TransferOptions options = new TransferOptions();
        options.ioTimeoutMs = 300;
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        try (ServerSocketChannel server = ServerSocketChannel.open())
        {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            final Thread receiver = new Thread(() ->
            {
                try
                {
                    new ImageReceiver(options).receive(server, dir.resolve("dst.ram"));
                }
                catch (final Throwable ex)
                {
                    failure.set(ex);
                }
            }, "ramshift-test-receiver");
            receiver.start();
            try (SocketChannel channel = SocketChannel.open(server.getLocalAddress()))
            {
                RawFrames.write(channel, RawFrames.hello(IMAGE_SIZE, 0, 7));
                channel.read(ByteBuffer.allocate(32));
                channel.write(ByteBuffer.wrap(new byte[] {40, 0, 0, 0})); // half a frame header, then silence
                final long start = System.nanoTime();
                receiver.join(10_000);
                assertFalse(receiver.isAlive(), "the receiver gave up");
                assertTrue(System.nanoTime() - start < 5_000_000_000L);
            }
        }
        assertInstanceOf(TransferException.class, failure.get());
        assertTrue(failure.get().getMessage().contains("no progress"), failure.get().getMessage());
    }

    @Test
    void shouldFailTheSenderWhenTheReceiverNeverAnswers() throws Exception
    {
        final Path image = dir.resolve("src.ram");
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw"))
        {
            file.setLength(IMAGE_SIZE);
        }
        final TransferOptions options = new TransferOptions();
        options.ioTimeoutMs = 300;
        options.detectHoles = false;
        try (ServerSocketChannel server = ServerSocketChannel.open();
            MappedImage mapped = MappedImage.openReadOnly(image))
        {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (SocketChannel channel = SocketChannel.open(server.getLocalAddress());
                SocketChannel silent = server.accept())
            {
                final TransferException ex = assertThrows(TransferException.class,
                    () -> new ImageSender(options).send(mapped, null, channel, "silent receiver"));
                assertTrue(ex.getMessage().contains("no progress from silent receiver"), ex.getMessage());
                assertTrue(silent.isOpen());
            }
        }
        assertTrue(Files.exists(image));
    }
}
