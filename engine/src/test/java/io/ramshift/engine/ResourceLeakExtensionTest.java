package io.ramshift.engine;

import io.ramshift.engine.image.MappedImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proves the leak checks can fail: a mapping or a thread left behind is seen, and gone once released.
 */
@ExtendWith(ResourceLeakExtension.class)
class ResourceLeakExtensionTest
{
    @TempDir
    Path dir;

    @Test
    void shouldSeeAMappingOfAJunitTempFileUntilItIsClosed()
    {
        final Path image = TestImages.createSparse(dir.resolve("leak.img"), 64 * 1024);

        try (MappedImage ignored = MappedImage.open(image, false, 16 * 1024))
        {
            assertFalse(ResourceLeakExtension.mappingsOf(image).isEmpty());
            assertTrue(ResourceLeakExtension.mappedTestFiles(List.of()).toString().contains("leak.img"));
        }

        assertEquals(List.of(), ResourceLeakExtension.mappingsOf(image));
        assertEquals(List.of(), ResourceLeakExtension.mappedTestFiles(List.of()));
    }

    @Test
    void shouldSeeAMappingUnderAGivenRootOutsideTheJunitDirectories() throws IOException
    {
        final Path root = Files.createTempDirectory("ramshift-leak-root");
        final Path image = TestImages.createSparse(root.resolve("other.img"), 8192);
        try
        {
            try (MappedImage ignored = MappedImage.openReadOnly(image))
            {
                assertEquals(List.of(), ResourceLeakExtension.mappedTestFiles(List.of()));
                assertEquals(1, ResourceLeakExtension.mappedTestFiles(List.of(root.toRealPath())).size());
            }
            assertEquals(List.of(), ResourceLeakExtension.mappedTestFiles(List.of(root.toRealPath())));
        }
        finally
        {
            Files.deleteIfExists(image);
            Files.deleteIfExists(root);
        }
    }

    @Test
    void shouldFailAfterEachWhileAMappingIsLeft()
    {
        final Path image = TestImages.createSparse(dir.resolve("left.img"), 8192);
        final ResourceLeakExtension extension = new ResourceLeakExtension();

        try (MappedImage ignored = MappedImage.openReadOnly(image))
        {
            final AssertionError error = assertThrows(AssertionError.class, () -> extension.afterEach(context()));
            assertTrue(error.getMessage().contains("left.img"), error.getMessage());
        }

        extension.afterEach(context());
    }

    @Test
    void shouldReportARamshiftThreadUntilItEnds() throws InterruptedException
    {
        final CountDownLatch release = new CountDownLatch(1);
        final Thread thread = new Thread(() -> awaitQuietly(release), "ramshift-test-lingering");
        thread.start();
        try
        {
            assertEquals(List.of("ramshift-test-lingering"), ResourceLeakExtension.awaitRamshiftThreads(20));
            assertTrue(ResourceLeakExtension.liveRamshiftThreads().contains("ramshift-test-lingering"));
        }
        finally
        {
            release.countDown();
        }

        assertEquals(List.of(), ResourceLeakExtension.awaitRamshiftThreads(ResourceLeakExtension.THREAD_WAIT_MS));
        thread.join();
    }

    @Test
    void shouldIgnoreThreadsOfOtherNames() throws InterruptedException
    {
        final CountDownLatch release = new CountDownLatch(1);
        final Thread thread = new Thread(() -> awaitQuietly(release), "not-ramshift-worker");
        thread.start();
        try
        {
            assertEquals(List.of(), ResourceLeakExtension.awaitRamshiftThreads(0));
        }
        finally
        {
            release.countDown();
            thread.join();
        }
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static ExtensionContext context()
    {
        return (ExtensionContext)Proxy.newProxyInstance(
            ExtensionContext.class.getClassLoader(),
            new Class<?>[] {ExtensionContext.class},
            (proxy, method, args) ->
            {
                if ("getDisplayName".equals(method.getName()))
                {
                    return "proxy test";
                }
                throw new UnsupportedOperationException(method.getName());
            });
    }
}
