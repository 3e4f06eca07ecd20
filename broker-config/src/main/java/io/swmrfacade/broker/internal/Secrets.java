package io.swmrfacade.broker.internal;

import io.swmrfacade.broker.BrokerException;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Properties;

/**
 * The generated passwords of a secure broker or cluster, in an owner-only
 * {@code secrets.properties}: the stores' password, the SCRAM password of {@code admin} and that
 * of {@code broker} (inter-broker logins). Made once (16 random bytes, hex) and read at every
 * later start, so certificates and formatted storage stay valid.
 *
 * @param storePassword the password of every keystore and truststore (the CA's key included)
 * @param adminPassword the SCRAM password of the super user {@code admin}
 * @param brokerPassword the SCRAM password of the brokers' own user {@code broker}
 */
public record Secrets(String storePassword, String adminPassword, String brokerPassword) {

    private static final String STORE = "store.password";
    private static final String ADMIN = "admin.password";
    private static final String BROKER = "broker.password";

    /**
     * Reads {@code dir/secrets.properties}, or makes it (and {@code dir}) on first use.
     *
     * @throws BrokerException if the file cannot be read or written, or lacks one of the passwords
     */
    public static Secrets loadOrCreate(Path dir) {
        Path file = dir.resolve("secrets.properties");
        Properties p = new Properties();
        try {
            Files.createDirectories(dir);
            if (Files.exists(file)) {
                try (Reader in = Files.newBufferedReader(file)) {
                    p.load(in);
                }
            } else {
                for (String key : new String[] {STORE, ADMIN, BROKER}) {
                    p.setProperty(key, randomPassword());
                }
                Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
                try (Writer out = Files.newBufferedWriter(tmp)) {
                    p.store(out, "Passwords of a secure local broker or cluster; keep this file private");
                }
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new BrokerException("Cannot read or write " + file + ": " + e, e);
        }
        for (String key : new String[] {STORE, ADMIN, BROKER}) {
            if (p.getProperty(key, "").isBlank()) {
                throw new BrokerException(file + " has no " + key + "; stop the broker and delete " + dir + " to start anew");
            }
        }
        return new Secrets(p.getProperty(STORE), p.getProperty(ADMIN), p.getProperty(BROKER));
    }

    /** Writes {@code text} to {@code file} readable by its owner only, replacing it atomically. */
    public static void writeOwnerOnly(Path file, String text) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, text);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new BrokerException("Cannot write " + file + ": " + e, e);
        }
    }

    @Override
    public String toString() {
        return "Secrets[not shown]";
    }

    private static String randomPassword() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
