package io.swmrfacade.broker.internal;

import io.swmrfacade.broker.BrokerException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * A private certificate authority and the broker certificates it signed, made with the JDK's
 * keytool, all PKCS12: {@code ca.p12} (the CA's key), {@code ca.pem}, {@code truststore.p12} (the
 * CA only, for clients and brokers) and one {@code <name>.p12} per broker (its key and chain):
 * {@code broker.p12} for the single secure broker, {@code node-1.p12} ... for the nodes of a
 * secure cluster, each with a key pair of its own.
 *
 * <p>Every broker certificate's subject is {@code CN=broker} (with {@code OU=<name>} for a
 * cluster node, so that each is told apart), its SAN {@code localhost} and {@code 127.0.0.1}, and
 * it serves both TLS server and client authentication (the broker side of a node logs in to the
 * controllers with it); the principal mapping makes every one {@code User:broker}. Not
 * thread-safe; files are only written when missing.
 */
public final class Certificates {

    /** The broker certificates' common name, which a broker's principal is mapped to. */
    public static final String BROKER_CN = "broker";
    /** The keystore of the single secure broker. */
    public static final String SINGLE_BROKER = "broker";
    private static final long KEYTOOL_TIMEOUT_SECONDS = 60;

    private final Path dir;
    private final String password;

    /**
     * @param dir where the files live
     * @param password the password of every store (the CA's key included)
     */
    public Certificates(Path dir, String password) {
        this.dir = dir.toAbsolutePath();
        this.password = password;
    }

    public Path truststore() {
        return dir.resolve("truststore.p12");
    }

    /** The single secure broker's keystore. */
    public Path keystore() {
        return keystore(SINGLE_BROKER);
    }

    /** The keystore of the broker {@code name}. */
    public Path keystore(String name) {
        return dir.resolve(name + ".p12");
    }

    public Path caPem() {
        return dir.resolve("ca.pem");
    }

    public String password() {
        return password;
    }

    /**
     * Makes the CA and the single broker's certificate unless they exist.
     *
     * @return whether anything was made
     * @throws BrokerException naming the keytool step that failed, with its output
     */
    public boolean ensure() {
        return ensure(List.of(SINGLE_BROKER));
    }

    /**
     * Makes the CA unless it exists (a new CA replaces every keystore signed by a lost one), then
     * a keystore for each broker in {@code names} that has none.
     *
     * @return whether anything was made
     * @throws BrokerException naming the keytool step that failed, with its output
     */
    public boolean ensure(List<String> names) {
        boolean made = ensureCa();
        // Each keystore takes five keytool JVMs: made side by side, they cost about one keystore's time.
        List<CompletableFuture<Void>> stores = names.stream().filter(name -> !Files.exists(keystore(name)))
                .map(name -> CompletableFuture.runAsync(() -> makeKeystore(name))).toList();
        try {
            CompletableFuture.allOf(stores.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof BrokerException keytoolFailed) {
                throw keytoolFailed;
            }
            throw new BrokerException("Making the keystores in " + dir + " failed: " + e.getCause(), e.getCause());
        }
        return made || !stores.isEmpty();
    }

    private boolean ensureCa() {
        if (Files.exists(dir.resolve("ca.p12")) && Files.exists(caPem()) && Files.exists(truststore())) {
            return false;
        }
        try {
            Files.createDirectories(dir);
            try (DirectoryStream<Path> old = Files.newDirectoryStream(dir, "*.{p12,pem,csr,tmp}")) {
                for (Path file : old) {
                    Files.delete(file);
                }
            }
        } catch (IOException e) {
            throw new BrokerException("Cannot prepare " + dir + ": " + e, e);
        }
        keytool("ca", "-genkeypair", "-alias", "ca", "-dname", "CN=swmr-facade-local-ca", "-keyalg", "RSA", "-keysize", "2048",
                "-validity", "3650", "-ext", "bc:c", "-keystore", "ca.p12", "-storetype", "PKCS12", "-storepass", password);
        keytool("ca", "-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-storepass", password, "-file", "ca.pem");
        keytool("ca", "-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", "truststore.p12",
                "-storetype", "PKCS12", "-storepass", password);
        return true;
    }

    private void makeKeystore(String name) {
        // keytool writes the keystore under a temporary name: a store that exists is complete.
        String store = name + ".p12.tmp";
        try {
            Files.deleteIfExists(dir.resolve(store));
        } catch (IOException e) {
            throw new BrokerException("Cannot delete " + dir.resolve(store) + ": " + e, e);
        }
        String csr = name + ".csr";
        String pem = name + ".pem";
        String dname = name.equals(SINGLE_BROKER) ? "CN=" + BROKER_CN : "CN=" + BROKER_CN + ", OU=" + name;
        keytool(name, "-genkeypair", "-alias", "broker", "-dname", dname, "-keyalg", "RSA", "-keysize", "2048",
                "-validity", "825", "-keystore", store, "-storetype", "PKCS12", "-storepass", password);
        keytool(name, "-certreq", "-alias", "broker", "-keystore", store, "-storepass", password, "-file", csr);
        keytool(name, "-gencert", "-alias", "ca", "-keystore", "ca.p12", "-storepass", password, "-infile", csr,
                "-outfile", pem, "-rfc", "-validity", "825", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-ext", "EKU=serverAuth,clientAuth");
        keytool(name, "-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", store, "-storepass", password);
        keytool(name, "-importcert", "-alias", "broker", "-file", pem, "-keystore", store, "-storepass", password);
        try {
            Files.move(dir.resolve(store), keystore(name), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new BrokerException("Cannot move " + dir.resolve(store) + " to " + keystore(name) + ": " + e, e);
        }
    }

    /** Runs keytool in {@code dir}; its output goes to {@code keytool-<what>.log}, one file per store made at once. */
    private void keytool(String what, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Path output = dir.resolve("keytool-" + what + ".log");
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(output.toFile()).start();
            if (!p.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new BrokerException("keytool " + args[0] + " did not finish within " + KEYTOOL_TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                throw new BrokerException("keytool " + args[0] + " failed in " + dir + ": "
                        + Files.readString(output, StandardCharsets.UTF_8).strip());
            }
        } catch (IOException e) {
            throw new BrokerException("Cannot run keytool in " + dir + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerException("Interrupted while running keytool " + args[0], e);
        }
    }
}
