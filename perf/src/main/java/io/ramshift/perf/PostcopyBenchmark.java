package io.ramshift.perf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Post-copy against pure pre-copy on a guest that dirties memory faster than the link carries it: the same image,
 * the same in-process writer ({@code --dirty-rate}), the same link, in one run, modes interleaved (the order
 * rotates from run to run); medians of N runs. Modes: pure pre-copy (stops at its round limit, then a long
 * stop-and-copy), {@code --postcopy} with a random and with a sequential reader on the destination, and hybrid
 * {@code --postcopy-after 2}. Per mode: whole-command wall time, the engine's total (start → destination verified),
 * downtime, bytes on the wire, and for post-copy the demand-fault latency p50/p99/max (HdrHistogram, from the
 * destination), faults, and the background push rate. Ratios: total and bytes over pre-copy's, fault p50 over the
 * link's own round trip and push rate over the link's own bandwidth, both measured by {@link LinkProbe} in the same
 * run.
 * <p>
 * Links: {@code loopback} ({@code ramshift migrate}, both ends in one process) or a rate such as {@code 10gbit}
 * (two network namespaces joined by a veth pair shaped with tbf, {@code perf/scripts/two-hosts.sh}, root;
 * {@code ramshift receive} in one, {@code ramshift send} in the other).
 * <p>
 * {@code ./ramshift postcopy-bench [--size 1G] [--fractions Z,F,C,R,D] [--runs 3] [--dirty-rate 150000]
 * [--hot-set PAGES] [--max-rounds 8] [--links loopback,10gbit] [--modes precopy,postcopy-random,...] [--work DIR] [--json F]}
 */
public final class PostcopyBenchmark
{
    private static final long TIMEOUT_SECONDS = 900;
    private static final String SRC_NS = "rs-src";
    private static final String DST_NS = "rs-dst";
    private static final String DST_IP = "10.231.0.2";
    private static final String TWO_HOSTS_SCRIPT = "perf/scripts/two-hosts.sh";

    /** A way to migrate: the sender's flags and the receiver's. */
    private static final class Mode
    {
        final String name;
        final String senderFlags;
        final String receiverFlags;
        final Map<String, double[]> figures = new LinkedHashMap<>();

        Mode(final String name, final String senderFlags, final String receiverFlags)
        {
            this.name = name;
            this.senderFlags = senderFlags;
            this.receiverFlags = receiverFlags;
        }

        void put(final String key, final int run, final int runs, final double value)
        {
            figures.computeIfAbsent(key, k -> new double[runs])[run] = value;
        }

        double median(final String key)
        {
            final double[] values = figures.get(key);
            return values == null ? Double.NaN : Medians.of(values);
        }
    }

    private static final String[] FIGURES = {"wall", "total", "downtime", "bytes", "faults", "p50", "p99", "max",
        "push", "switch", "postcopy", "rounds", "readerPages"};

    private final Path ramshift;
    private final Path home;
    private final Path work;
    private final int runs;
    private final String liveFlags;
    private final List<String> modeNames;
    private final List<String> rows = new ArrayList<>();
    private final StringBuilder json = new StringBuilder();
    private int port = 47300;

    private PostcopyBenchmark(final Path ramshift, final Path work, final int runs, final String liveFlags,
        final List<String> modeNames)
    {
        this.ramshift = ramshift;
        this.home = ramshift.getParent();
        this.work = work;
        this.runs = runs;
        this.liveFlags = liveFlags;
        this.modeNames = modeNames;
    }

    /**
     * @param args see the class comment; {@code --ramshift PATH} is set by the launcher.
     * @throws Exception on a failure of the harness or of a migration (a failed run is not a result).
     */
    public static void main(final String[] args) throws Exception
    {
        Path ramshift = Path.of("ramshift");
        Path work = Path.of(System.getProperty("java.io.tmpdir"), "ramshift-postcopy-bench");
        Path jsonOut = Path.of("postcopy-bench-results.json");
        String size = "1G";
        // most pages in use (few free, few zero): post-copy has something to push and readers fault on it
        String fractions = "0.15,0.05,0.4,0.3,0.1";
        int runs = 3;
        long dirtyRate = 150_000;
        long hotSet = 0;
        int maxRounds = 8;
        List<String> links = List.of("loopback", "10gbit");
        List<String> modes = List.of("precopy", "postcopy-random", "postcopy-sequential", "hybrid-random");
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--ramshift" -> ramshift = Path.of(args[++i]);
                case "--work" -> work = Path.of(args[++i]);
                case "--json" -> jsonOut = Path.of(args[++i]);
                case "--size" -> size = args[++i];
                case "--fractions" -> fractions = args[++i];
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--dirty-rate" -> dirtyRate = Long.parseLong(args[++i]);
                case "--hot-set" -> hotSet = Long.parseLong(args[++i]);
                case "--max-rounds" -> maxRounds = Integer.parseInt(args[++i]);
                case "--links" -> links = Arrays.asList(args[++i].split(","));
                case "--modes" -> modes = Arrays.asList(args[++i].split(","));
                default ->
                {
                    System.err.println("unknown argument: " + args[i]);
                    System.err.println("usage: postcopy-bench [--size 1G] [--fractions 0.15,0.05,0.4,0.3,0.1] [--runs 3] [--dirty-rate 150000] " +
                        "[--hot-set PAGES] [--max-rounds 8] [--links loopback,10gbit] [--modes precopy," +
                        "postcopy-random,postcopy-sequential,hybrid-random] [--work DIR] [--json F]");
                    System.exit(2);
                }
            }
        }
        Files.createDirectories(work);
        final String live = "--live --dirty-rate " + dirtyRate + (hotSet > 0 ? " --hot-set " + hotSet : "") +
            " --max-rounds " + maxRounds + " --json";
        final PostcopyBenchmark bench = new PostcopyBenchmark(ramshift.toAbsolutePath(), work.toAbsolutePath(), runs,
            live, modes);
        bench.run(size, fractions, links, jsonOut);
    }

    private void run(final String size, final String fractions, final List<String> links, final Path jsonOut)
        throws Exception
    {
        final Path image = work.resolve("guest-" + size + ".img");
        final Path bitmap = work.resolve("guest-" + size + ".free");
        shell(ramshift + " generate --fractions " + fractions + " --size " + size + " --seed 1 --out " + image +
            " --free-bitmap " + bitmap + " --force > /dev/null");
        final long imageBytes = Files.size(image);
        json.append("{\"size\":\"").append(size).append("\",\"fractions\":\"").append(fractions)
            .append("\",\"imageBytes\":").append(imageBytes)
            .append(",\"runs\":").append(runs).append(",\"liveFlags\":\"").append(liveFlags)
            .append("\",\"links\":[");
        try
        {
            for (int i = 0; i < links.size(); i++)
            {
                json.append(i == 0 ? "" : ",");
                benchLink(links.get(i), image, bitmap, imageBytes);
            }
        }
        finally
        {
            if (links.stream().anyMatch(link -> !"loopback".equals(link)))
            {
                shell(home.resolve(TWO_HOSTS_SCRIPT) + " down");
            }
        }
        json.append("]}");
        System.out.printf(Locale.ROOT, "%n| link | mode | wall s | total s | downtime ms | bytes on the wire | " +
            "total / pre-copy | bytes / pre-copy | faults | fault p50 / p99 / max µs | p50 / link RTT | " +
            "push GB/s | push / link |%n|---|---|---|---|---|---|---|---|---|---|---|---|---|%n");
        rows.forEach(System.out::println);
        Files.writeString(jsonOut, json.toString());
        System.out.println("wrote " + jsonOut.toAbsolutePath());
    }

    private void benchLink(final String link, final Path image, final Path bitmap, final long imageBytes)
        throws Exception
    {
        final boolean twoHosts = !"loopback".equals(link);
        if (twoHosts)
        {
            // a fresh pair each time: the shaping rate is set when the link is made
            shell(home.resolve(TWO_HOSTS_SCRIPT) + " down");
            shell("RAMSHIFT_LINK_RATE=" + link + " " + home.resolve(TWO_HOSTS_SCRIPT) + " up");
        }
        final String probe = probe(twoHosts);
        final double linkGBps = number(probe, "gbps=");
        final double rttMicros = number(probe, "rttMicros=");
        System.out.printf(Locale.ROOT, "== %s: %s ==%n", link, probe.trim());
        final List<Mode> modes = new ArrayList<>();
        for (final String name : modeNames)
        {
            modes.add(mode(name));
        }
        final Path out = work.resolve("out.img");
        for (int run = -1; run < runs; run++)
        {
            // run -1 warms the page cache, the class-data archive and the destination's blocks; not counted
            for (int i = 0; i < modes.size(); i++)
            {
                final Mode mode = modes.get((i + Math.max(run, 0)) % modes.size());
                once(mode, twoHosts, image, bitmap, out, run);
            }
        }
        Files.deleteIfExists(out);
        final Mode precopy = modes.stream().filter(m -> "precopy".equals(m.name)).findFirst().orElse(null);
        json.append("{\"link\":\"").append(link).append("\",\"linkGBps\":").append(fmt(linkGBps))
            .append(",\"rttMicros\":").append(fmt(rttMicros)).append(",\"modes\":[");
        for (int m = 0; m < modes.size(); m++)
        {
            final Mode mode = modes.get(m);
            final boolean post = !"precopy".equals(mode.name);
            final double total = mode.median("total");
            final double bytes = mode.median("bytes");
            rows.add(String.format(Locale.ROOT, "| %s | %s | %.2f | %.2f | %.0f | %,.0f | %s | %s | %s | %s | %s | %s | %s |",
                link, mode.name, mode.median("wall"), total, mode.median("downtime") * 1e3, bytes,
                precopy == null || mode == precopy ? "" : String.format(Locale.ROOT, "%.2fx", total / precopy.median("total")),
                precopy == null || mode == precopy ? "" : String.format(Locale.ROOT, "%.2fx", bytes / precopy.median("bytes")),
                post ? String.format(Locale.ROOT, "%.0f", mode.median("faults")) : "-",
                post ? String.format(Locale.ROOT, "%.0f / %.0f / %.0f", mode.median("p50"), mode.median("p99"),
                    mode.median("max")) : "-",
                post ? String.format(Locale.ROOT, "%.1fx", mode.median("p50") / rttMicros) : "-",
                post ? String.format(Locale.ROOT, "%.2f", mode.median("push") / 1e9) : "-",
                post ? String.format(Locale.ROOT, "%.2f", mode.median("push") / 1e9 / linkGBps) : "-"));
            json.append(m == 0 ? "" : ",").append("{\"mode\":\"").append(mode.name).append('"');
            for (final Map.Entry<String, double[]> figure : mode.figures.entrySet())
            {
                json.append(",\"").append(figure.getKey()).append("\":{\"median\":")
                    .append(fmt(Medians.of(figure.getValue()))).append(",\"runs\":[");
                final double[] values = figure.getValue();
                for (int i = 0; i < values.length; i++)
                {
                    json.append(i == 0 ? "" : ",").append(fmt(values[i]));
                }
                json.append("]}");
            }
            json.append('}');
            System.out.printf(Locale.ROOT, "  %-22s total %s  downtime %s  p99 %s%n", mode.name,
                Arrays.toString(mode.figures.get("total")), Arrays.toString(mode.figures.get("downtime")),
                Arrays.toString(mode.figures.get("p99")));
        }
        json.append("]}");
    }

    private static Mode mode(final String name)
    {
        return switch (name)
        {
            case "precopy" -> new Mode(name, "", "");
            case "postcopy-random" -> new Mode(name, "--postcopy", "--postcopy-readers random");
            case "postcopy-sequential" -> new Mode(name, "--postcopy", "--postcopy-readers sequential");
            case "hybrid-random" -> new Mode(name, "--postcopy-after 2", "--postcopy-readers random");
            case "hybrid-sequential" -> new Mode(name, "--postcopy-after 2", "--postcopy-readers sequential");
            // a demand reply with the demanded page only (no prefetched neighbours)
            case "postcopy-random-prefetch0" -> new Mode(name, "--postcopy --postcopy-prefetch 0",
                "--postcopy-readers random");
            case "postcopy-sequential-prefetch0" -> new Mode(name, "--postcopy --postcopy-prefetch 0",
                "--postcopy-readers sequential");
            default -> throw new IllegalArgumentException("unknown mode: " + name);
        };
    }

    private void once(final Mode mode, final boolean twoHosts, final Path image, final Path bitmap, final Path out,
        final int run) throws Exception
    {
        Files.deleteIfExists(out);
        final String senderJson;
        final String receiverJson;
        final double wall;
        if (!twoHosts)
        {
            final long start = System.nanoTime();
            senderJson = shell(ramshift + " migrate " + image + " " + out + " --free-bitmap " + bitmap + " " +
                liveFlags + " " + mode.senderFlags + " " + mode.receiverFlags);
            wall = (System.nanoTime() - start) / 1e9;
            receiverJson = senderJson;
        }
        else
        {
            final int listen = port++;
            final Path receiverLog = work.resolve("receiver.log");
            final Process receiver = new ProcessBuilder("ip", "netns", "exec", DST_NS, "bash", "-c",
                ramshift + " receive --listen " + DST_IP + ":" + listen + " --out " + out + " --json " +
                mode.receiverFlags).redirectErrorStream(true).redirectOutput(receiverLog.toFile()).start();
            try
            {
                awaitListening(listen);
                final long start = System.nanoTime();
                senderJson = shell("ip netns exec " + SRC_NS + " " + ramshift + " send " + image + " --to " + DST_IP +
                    ":" + listen + " --free-bitmap " + bitmap + " " + liveFlags + " " + mode.senderFlags);
                wall = (System.nanoTime() - start) / 1e9;
                if (!receiver.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) || receiver.exitValue() != 0)
                {
                    throw new IllegalStateException(mode.name + ": receiver failed: " + Files.readString(receiverLog));
                }
                receiverJson = Files.readString(receiverLog);
            }
            finally
            {
                receiver.destroyForcibly();
            }
        }
        if (!senderJson.contains("\"verified\":true"))
        {
            throw new IllegalStateException(mode.name + ": not verified: " + senderJson);
        }
        if (run < 0)
        {
            return;
        }
        mode.put("wall", run, runs, wall);
        mode.put("total", run, runs, field(senderJson, null, "totalSeconds"));
        mode.put("downtime", run, runs, field(senderJson, null, "downtimeSeconds"));
        mode.put("bytes", run, runs, field(senderJson, null, "bytesOnWire"));
        mode.put("rounds", run, runs, field(senderJson, null, "rounds"));
        if (!mode.senderFlags.isEmpty())
        {
            mode.put("switch", run, runs, field(senderJson, "\"postcopy\"", "switchSeconds"));
            mode.put("postcopy", run, runs, field(senderJson, "\"postcopy\"", "postcopySeconds"));
            mode.put("push", run, runs, field(senderJson, "\"postcopy\"", "pushBytesPerSecond"));
            mode.put("faults", run, runs, field(receiverJson, "\"postcopy\"", "faults"));
            mode.put("p50", run, runs, field(receiverJson, "\"faultLatencyMicros\"", "p50"));
            mode.put("p99", run, runs, field(receiverJson, "\"faultLatencyMicros\"", "p99"));
            mode.put("max", run, runs, field(receiverJson, "\"faultLatencyMicros\"", "max"));
            mode.put("readerPages", run, runs, field(receiverJson, "\"postcopy\"", "readerPagesRead"));
        }
    }

    private String probe(final boolean twoHosts) throws Exception
    {
        final String java = ProcessHandle.current().info().command().orElse("java");
        final String classPath = System.getProperty("java.class.path");
        final int probePort = port++;
        final List<String> server = new ArrayList<>();
        if (twoHosts)
        {
            server.addAll(List.of("ip", "netns", "exec", DST_NS));
        }
        server.addAll(List.of(java, "-cp", classPath, LinkProbe.class.getName(), "serve", String.valueOf(probePort)));
        final Process serve = new ProcessBuilder(server).redirectErrorStream(true).start();
        try
        {
            awaitListeningIn(twoHosts ? DST_NS : null, probePort);
            return shell((twoHosts ? "ip netns exec " + SRC_NS + " " : "") + java + " -cp '" + classPath + "' " +
                LinkProbe.class.getName() + " probe " + (twoHosts ? DST_IP : "127.0.0.1") + " " + probePort);
        }
        finally
        {
            serve.waitFor(30, TimeUnit.SECONDS);
            serve.destroyForcibly();
        }
    }

    private void awaitListening(final int listenPort) throws Exception
    {
        awaitListeningIn(DST_NS, listenPort);
    }

    private static void awaitListeningIn(final String namespace, final int listenPort) throws Exception
    {
        final String hexPort = String.format(":%04X ", listenPort);
        final long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline)
        {
            final Process cat = new ProcessBuilder(namespace == null ? List.of("cat", "/proc/net/tcp", "/proc/net/tcp6") :
                List.of("ip", "netns", "exec", namespace, "cat", "/proc/net/tcp", "/proc/net/tcp6")).start();
            final String table = new String(cat.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            cat.waitFor();
            for (final String line : table.split("\n"))
            {
                final String[] f = line.trim().split("\\s+");
                if (f.length > 3 && (f[1] + " ").contains(hexPort) && "0A".equals(f[3]))
                {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("nothing listens on port " + listenPort + " in " + namespace);
    }

    /**
     * The number after {@code "key":}, searched from the first occurrence of {@code within} (or the start).
     */
    private static double field(final String json, final String within, final String key)
    {
        final int from = within == null ? 0 : json.indexOf(within);
        if (from < 0)
        {
            throw new IllegalStateException("no " + within + " in " + json);
        }
        final Matcher matcher = Pattern.compile("\"" + Pattern.quote(key) + "\":(-?[0-9][0-9.eE+-]*)")
            .matcher(json);
        if (!matcher.find(from))
        {
            throw new IllegalStateException("no " + key + " after " + within + " in " + json);
        }
        return Double.parseDouble(matcher.group(1));
    }

    private static double number(final String text, final String prefix)
    {
        final Matcher matcher = Pattern.compile(Pattern.quote(prefix) + "(-?[0-9][0-9.eE+-]*)").matcher(text);
        if (!matcher.find())
        {
            throw new IllegalStateException("no " + prefix + " in " + text);
        }
        return Double.parseDouble(matcher.group(1));
    }

    private static String shell(final String command) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0)
        {
            throw new IllegalStateException("command failed: " + command + "\n" + output);
        }
        return output;
    }

    private static String fmt(final double value)
    {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.6g", value) : "null";
    }
}
