package io.swmrfacade.cli;

import io.swmrfacade.topology.ClusterConfig;
import io.swmrfacade.topology.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sf users add|list|remove}: SCRAM users and their ACLs on a secure cluster, as its admin
 * ({@code --config} the admin's client configuration, such as {@code sf broker start --secure}
 * writes).
 */
@Command(name = "users", description = "Add, list or remove SCRAM users and their ACLs on a secure cluster"
        + " (run with --config ADMIN_CONFIG, e.g. var/kafka-secure/admin.properties).",
        subcommands = {UsersCommand.Add.class, UsersCommand.ListUsers.class, UsersCommand.Remove.class})
final class UsersCommand {

    static final ScramMechanism MECHANISM = ScramMechanism.SCRAM_SHA_512;
    private static final int ITERATIONS = 8192;
    private static final long TIMEOUT_SECONDS = 30;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    @Command(name = "add", description = "Create (or re-key) user NAME with the ACLs of ROLE, and write its client config file.")
    static final class Add implements java.util.concurrent.Callable<Integer> {
        @Mixin
        ClusterOptions cluster;

        @Parameters(index = "0", paramLabel = "NAME", description = "The user name ([A-Za-z0-9_-], at most 64).")
        String name;

        @Option(names = "--role", required = true, description = "client | writer | reader | admin.")
        RoleAcls role;

        @Option(names = "--tenant", paramLabel = "T",
                description = "The tenant: its topics are T.tasks, T.results, ... (default: the --topic-prefix, sf.).")
        String tenant;

        @Option(names = "--password-file", paramLabel = "FILE", description = "Read the password from FILE (default: a random one).")
        Path passwordFile;

        @Option(names = "--out", paramLabel = "FILE", description = "Where the user's client config goes (default: var/users/NAME.properties).")
        Path out;

        @Override
        public Integer call() throws Exception {
            requireName(name, "NAME");
            Topics topics = tenant == null ? new Topics(cluster.topicPrefix()) : new Topics(requireName(tenant, "--tenant") + ".");
            String password = passwordFile == null ? HexFormat.of().formatHex(randomBytes()) : Files.readString(passwordFile).strip();
            Path file = out != null ? out : Home.dir().resolve("var/users").resolve(name + ".properties");
            try (Admin admin = admin(cluster)) {
                admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(name,
                        new ScramCredentialInfo(MECHANISM, ITERATIONS), password))).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                List<AclBinding> acls = role.bindings(name, topics);
                admin.createAcls(acls).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                writeClientConfig(file, name, password, topics, role);
                System.out.println("user " + name + " (" + role + ", topics " + topics.prefix() + "*): " + acls.size()
                        + " ACLs; client config " + file);
            }
            return 0;
        }

        private void writeClientConfig(Path file, String user, String password, Topics topics, RoleAcls role) throws IOException {
            StringBuilder text = new StringBuilder("# Kafka client configuration of ").append(user).append(" (role ").append(role)
                    .append("): sf --config ").append(file.getFileName()).append(", kafka-*.sh --command-config\n");
            text.append("bootstrap.servers=").append(cluster.bootstrap()).append('\n');
            Map<String, Object> kafka = new TreeMap<>(cluster.kafka());
            kafka.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                    + user + "\" password=\"" + password + "\";");
            kafka.forEach((k, v) -> text.append(escape(k)).append('=').append(escape(String.valueOf(v))).append('\n'));
            text.append(ClusterConfig.TOPIC_PREFIX).append('=').append(topics.prefix()).append('\n');
            if (role == RoleAcls.writer) {
                text.append("writer.group=").append(topics.prefix()).append("writers\n");
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Command(name = "list", description = "The SCRAM users and their ACLs.")
    static final class ListUsers implements java.util.concurrent.Callable<Integer> {
        @Mixin
        ClusterOptions cluster;

        @Override
        public Integer call() throws Exception {
            try (Admin admin = admin(cluster)) {
                Map<String, UserScramCredentialsDescription> users = admin.describeUserScramCredentials().all()
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                for (String user : new java.util.TreeSet<>(users.keySet())) {
                    List<String> grants = new ArrayList<>();
                    for (AclBinding b : admin.describeAcls(forUser(user)).values().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                        grants.add(b.entry().operation() + " " + b.pattern().resourceType() + " " + b.pattern().name()
                                + (b.pattern().patternType() == org.apache.kafka.common.resource.PatternType.PREFIXED ? "*" : ""));
                    }
                    System.out.println(user + ": " + (grants.isEmpty() ? "no ACLs" : String.join(", ", grants.stream().sorted().toList())));
                }
            }
            return 0;
        }
    }

    @Command(name = "remove", description = "Delete user NAME's SCRAM credentials and every ACL of User:NAME.")
    static final class Remove implements java.util.concurrent.Callable<Integer> {
        @Mixin
        ClusterOptions cluster;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() throws Exception {
            requireName(name, "NAME");
            try (Admin admin = admin(cluster)) {
                int acls = admin.deleteAcls(List.of(forUser(name))).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).size();
                admin.alterUserScramCredentials(List.of(new UserScramCredentialDeletion(name, MECHANISM))).all()
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                System.out.println("removed user " + name + " and " + acls + " ACLs");
            }
            return 0;
        }
    }

    private UsersCommand() {
    }

    static Admin admin(ClusterOptions cluster) {
        Properties p = new Properties();
        p.putAll(cluster.kafka());
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        return Admin.create(p);
    }

    private static AclBindingFilter forUser(String user) {
        return new AclBindingFilter(ResourcePatternFilter.ANY,
                new AccessControlEntryFilter("User:" + user, null, AclOperation.ANY, AclPermissionType.ANY));
    }

    private static String requireName(String value, String what) {
        if (!NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must be 1 to 64 of [A-Za-z0-9_-], was '" + value + "'");
        }
        return value;
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return b;
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\");
    }
}
