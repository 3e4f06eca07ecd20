package io.swmrfacade.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Hosts for tests, as Linux network namespaces: each host has its own network stack and one
 * interface, {@code eth0}, with a private address on 10.77.0.0/24, cabled by a veth pair to a
 * bridge that lives in a namespace of its own (the switch), so nothing is added to the machine's
 * own network. Processes run on a host through {@code ip netns exec}; files are shared, as the
 * namespaces only separate the network.
 *
 * <p>Names carry this JVM's pid, so runs never collide, and namespaces left by a killed run (its
 * pid gone) are removed at the next start. {@link #close()} removes everything, and a shutdown
 * hook does the same if the test JVM exits without it.
 */
final class NetworkHosts implements AutoCloseable {

    static final String SUBNET = "10.77.0.";
    private static final String PREFIX = "sfh";

    private final String run;
    private final String sw;
    private final Map<String, String> addresses = new LinkedHashMap<>();
    private final Map<String, String> namespaces = new LinkedHashMap<>();
    private final Thread cleanup = new Thread(this::removeAll, "sf-netns-cleanup");

    private NetworkHosts(String run) {
        this.run = run;
        this.sw = run + "-sw";
    }

    /** Why hosts cannot be made here (not root, no {@code ip}), or empty when they can. */
    static Optional<String> unavailable() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.of("network namespaces need root (user is " + System.getProperty("user.name") + ")");
        }
        if (!Files.isExecutable(Path.of("/usr/sbin/ip")) && !Files.isExecutable(Path.of("/sbin/ip"))
                && !Files.isExecutable(Path.of("/usr/bin/ip"))) {
            return Optional.of("the ip command (Debian: iproute2) is not installed");
        }
        return Optional.empty();
    }

    /** Creates the switch and one host per name, addressed .2, .3, ... in the order given. */
    static NetworkHosts create(String... hosts) throws IOException, InterruptedException {
        removeStale();
        NetworkHosts net = new NetworkHosts(PREFIX + ProcessHandle.current().pid());
        Runtime.getRuntime().addShutdownHook(net.cleanup);
        try {
            ip("netns", "add", net.sw);
            ip("-n", net.sw, "link", "set", "lo", "up");
            ip("-n", net.sw, "link", "add", "br0", "type", "bridge");
            ip("-n", net.sw, "link", "set", "br0", "up");
            int n = 2;
            for (String host : hosts) {
                String ns = net.run + "-" + host;
                String address = SUBNET + n;
                String port = "p" + n;
                ip("netns", "add", ns);
                net.namespaces.put(host, ns);
                ip("-n", net.sw, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns);
                ip("-n", net.sw, "link", "set", port, "master", "br0");
                ip("-n", net.sw, "link", "set", port, "up");
                ip("-n", ns, "link", "set", "lo", "up");
                ip("-n", ns, "addr", "add", address + "/24", "dev", "eth0");
                ip("-n", ns, "link", "set", "eth0", "up");
                net.addresses.put(host, address);
                n++;
            }
            return net;
        } catch (IOException | RuntimeException e) {
            net.close();
            throw e;
        }
    }

    String address(String host) {
        return require(host, addresses.get(host));
    }

    /** The command prefix that runs a program on {@code host}. */
    List<String> exec(String host) {
        return List.of("ip", "netns", "exec", require(host, namespaces.get(host)));
    }

    /** Cuts {@code host} off the network: its cable is pulled at the switch (its side of the link goes down too). */
    void linkDown(String host) throws IOException, InterruptedException {
        ip("-n", require(host, namespaces.get(host)), "link", "set", "eth0", "down");
    }

    /** Plugs {@code host} back in. Its address and route come back with the link. */
    void linkUp(String host) throws IOException, InterruptedException {
        ip("-n", require(host, namespaces.get(host)), "link", "set", "eth0", "up");
    }

    /** Runs {@code command} on {@code host} (tc, iptables...) and fails if it does. */
    void run(String host, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(exec(host));
        cmd.addAll(List.of(command));
        check(cmd);
    }

    /** Like {@link #run} but returns the exit code and output instead of failing. */
    Result tryRun(String host, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(exec(host));
        cmd.addAll(List.of(command));
        return execute(cmd);
    }

    record Result(int exitCode, String output) {
    }

    private static String require(String host, String value) {
        if (value == null) {
            throw new IllegalArgumentException("no host named '" + host + "'");
        }
        return value;
    }

    private static void ip(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        check(cmd);
    }

    private static void check(List<String> cmd) throws IOException, InterruptedException {
        Result r = execute(cmd);
        if (r.exitCode() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed (" + r.exitCode() + "): " + r.output().trim());
        }
    }

    private static Result execute(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " did not finish within 30 s");
        }
        return new Result(p.exitValue(), out);
    }

    /** Namespaces of runs whose JVM is gone (killed before it could clean up). */
    private static void removeStale() throws IOException, InterruptedException {
        for (String line : execute(List.of("ip", "netns", "list")).output().split("\n")) {
            String name = line.split(" ")[0];
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(PREFIX + "(\\d+)-.*").matcher(name);
            if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                execute(List.of("ip", "netns", "del", name));
            }
        }
    }

    private void removeAll() {
        try {
            for (String ns : namespaces.values()) {
                execute(List.of("ip", "netns", "del", ns));
            }
            execute(List.of("ip", "netns", "del", sw));
        } catch (IOException e) {
            // best effort: removeStale() catches what is left at the next run
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Removes every namespace (and so every veth pair and the bridge). Processes still inside lose their network. */
    @Override
    public void close() {
        removeAll();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down
        }
    }
}
