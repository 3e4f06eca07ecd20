package io.swmrfacade.broker.internal;

import io.swmrfacade.broker.BrokerException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private certificate authority and one broker certificate it signed, made once with the JDK's
 * keytool, all PKCS12: {@code ca.p12} (the CA's key), {@code ca.pem}, {@code truststore.p12} (the
 * CA only, for clients and the broker) and {@code broker.p12} (the broker's key and chain).
 *
 * <p>The broker certificate's subject is {@code CN=broker}, its SAN {@code localhost} and
 * {@code 127.0.0.1}, and it serves both TLS server and client authentication (the broker side
 * of a node logs in to its controller with it). Not thread-safe; files are only written when
 * missing.
 */
public final class Certificates {

    /** The broker certificate's common name, which the broker's principal is mapped to. */
    public static final String BROKER_CN = "broker";
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

    public Path keystore() {
        return dir.resolve("broker.p12");
    }

    public Path caPem() {
        return dir.resolve("ca.pem");
    }

    public String password() {
        return password;
    }

    /**
     * Makes the CA and the broker certificate unless the broker keystore already exists.
     *
     * @return whether anything was made
     * @throws BrokerException naming the keytool step that failed, with its output
     */
    public boolean ensure() {
        if (Files.exists(keystore()) && Files.exists(truststore())) {
            return false;
        }
        try {
            Files.createDirectories(dir);
            for (String name : List.of("ca.p12", "ca.pem", "truststore.p12", "broker.p12", "broker.csr", "broker.pem")) {
                Files.deleteIfExists(dir.resolve(name));
            }
        } catch (IOException e) {
            throw new BrokerException("Cannot prepare " + dir + ": " + e, e);
        }
        keytool("-genkeypair", "-alias", "ca", "-dname", "CN=swmr-facade-local-ca", "-keyalg", "RSA", "-keysize", "2048",
                "-validity", "3650", "-ext", "bc:c", "-keystore", "ca.p12", "-storetype", "PKCS12", "-storepass", password);
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-storepass", password, "-file", "ca.pem");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", "truststore.p12",
                "-storetype", "PKCS12", "-storepass", password);
        keytool("-genkeypair", "-alias", "broker", "-dname", "CN=" + BROKER_CN, "-keyalg", "RSA", "-keysize", "2048",
                "-validity", "825", "-keystore", "broker.p12", "-storetype", "PKCS12", "-storepass", password);
        keytool("-certreq", "-alias", "broker", "-keystore", "broker.p12", "-storepass", password, "-file", "broker.csr");
        keytool("-gencert", "-alias", "ca", "-keystore", "ca.p12", "-storepass", password, "-infile", "broker.csr",
                "-outfile", "broker.pem", "-rfc", "-validity", "825", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-ext", "EKU=serverAuth,clientAuth");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", "broker.p12",
                "-storepass", password);
        keytool("-importcert", "-alias", "broker", "-file", "broker.pem", "-keystore", "broker.p12", "-storepass", password);
        return true;
    }

    private void keytool(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Path output = dir.resolve("keytool.log");
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
