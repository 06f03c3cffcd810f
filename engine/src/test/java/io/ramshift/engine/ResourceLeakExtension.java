package io.ramshift.engine;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * After each test, fails when a thread named {@code ramshift-*} outlives the test (after waiting up to
 * {@link #THREAD_WAIT_MS} for it) or when the process still maps a file of the test's temporary directories: JUnit
 * {@code @TempDir} directories ({@code junit*} under {@code java.io.tmpdir}) and any root passed to the constructor.
 * Register with {@code @ExtendWith(ResourceLeakExtension.class)}, or with {@code @RegisterExtension} to add roots.
 */
public final class ResourceLeakExtension implements AfterEachCallback
{
    /** Prefix of the names of every thread ramshift (and its tests) start. */
    public static final String THREAD_PREFIX = "ramshift-";
    /** How long threads may take to end after a test. */
    public static final long THREAD_WAIT_MS = 2_000;

    private static final Path PROC_SELF_MAPS = Paths.get("/proc/self/maps");
    private static final String JUNIT_TEMP_PREFIX = "junit";

    private final List<Path> roots = new ArrayList<>();

    /** Check only the JUnit temporary directories. */
    public ResourceLeakExtension()
    {
    }

    /**
     * Check the JUnit temporary directories and these roots.
     *
     * @param roots directories whose files must not stay mapped.
     */
    public ResourceLeakExtension(final Path... roots)
    {
        for (final Path root : roots)
        {
            this.roots.add(realPath(root));
        }
    }

    /** Fail the test when a ramshift thread or a mapping of a test file is left. */
    public void afterEach(final ExtensionContext context)
    {
        final List<String> threads = awaitRamshiftThreads(THREAD_WAIT_MS);
        final List<String> mappings = mappedTestFiles(roots);
        if (!threads.isEmpty() || !mappings.isEmpty())
        {
            fail("resources left by " + context.getDisplayName() + ": threads=" + threads + " mappings=" + mappings);
        }
    }

    /**
     * Names of the live threads whose name starts with {@link #THREAD_PREFIX}.
     *
     * @return their names, empty when none.
     */
    public static List<String> liveRamshiftThreads()
    {
        final List<String> names = new ArrayList<>();
        for (final Thread thread : ramshiftThreads())
        {
            names.add(thread.getName());
        }
        return names;
    }

    /**
     * Wait, joining each one, until no ramshift thread is alive or the time is up.
     *
     * @param timeoutMs longest wait.
     * @return names of the threads still alive, empty when none.
     */
    public static List<String> awaitRamshiftThreads(final long timeoutMs)
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        List<Thread> threads = ramshiftThreads();
        while (!threads.isEmpty())
        {
            final long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (leftMs <= 0)
            {
                break;
            }
            try
            {
                threads.get(0).join(leftMs);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                break;
            }
            threads = ramshiftThreads();
        }
        final List<String> names = new ArrayList<>();
        for (final Thread thread : threads)
        {
            names.add(thread.getName());
        }
        return names;
    }

    /**
     * Lines of {@code /proc/self/maps} naming a file of a JUnit temporary directory or under one of the roots.
     *
     * @param roots extra directories to check.
     * @return the offending lines, empty when none.
     */
    public static List<String> mappedTestFiles(final List<Path> roots)
    {
        final String tmp = realPath(Paths.get(System.getProperty("java.io.tmpdir"))).toString();
        final List<String> found = new ArrayList<>();
        for (final String line : readMaps())
        {
            final String file = mappedFile(line);
            if (file == null)
            {
                continue;
            }
            boolean test = isJunitTempFile(tmp, file);
            for (final Path root : roots)
            {
                test |= file.startsWith(root + "/");
            }
            if (test)
            {
                found.add(line);
            }
        }
        return found;
    }

    /**
     * Lines of {@code /proc/self/maps} that map one file.
     *
     * @param file the file.
     * @return the lines, empty when the file is not mapped.
     */
    public static List<String> mappingsOf(final Path file)
    {
        final String name = realPath(file).toString();
        final List<String> found = new ArrayList<>();
        for (final String line : readMaps())
        {
            if (name.equals(mappedFile(line)))
            {
                found.add(line);
            }
        }
        return found;
    }

    private static boolean isJunitTempFile(final String tmp, final String file)
    {
        final String prefix = tmp.endsWith("/") ? tmp : tmp + "/";
        return file.startsWith(prefix) && file.substring(prefix.length()).startsWith(JUNIT_TEMP_PREFIX);
    }

    private static String mappedFile(final String line)
    {
        // address perms offset dev inode [pathname]; the path may hold spaces and end in " (deleted)"
        final String[] fields = line.trim().split("\\s+", 6);
        if (fields.length < 6 || !fields[5].startsWith("/"))
        {
            return null;
        }
        final String path = fields[5];
        return path.endsWith(" (deleted)") ? path.substring(0, path.length() - " (deleted)".length()) : path;
    }

    private static List<String> readMaps()
    {
        try
        {
            return Files.readAllLines(PROC_SELF_MAPS);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + PROC_SELF_MAPS, ex);
        }
    }

    private static List<Thread> ramshiftThreads()
    {
        final List<Thread> threads = new ArrayList<>();
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            if (thread.isAlive() && thread.getName().startsWith(THREAD_PREFIX) && thread != Thread.currentThread())
            {
                threads.add(thread);
            }
        }
        return threads;
    }

    private static Path realPath(final Path path)
    {
        final Path absolute = path.toAbsolutePath().normalize();
        try
        {
            return absolute.toRealPath();
        }
        catch (final IOException ex)
        {
            return absolute;
        }
    }
}
