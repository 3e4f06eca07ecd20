package io.swmrfacade.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The bytes a {@code --payload} argument stands for: {@code @FILE} is the file's bytes, {@code -}
 * is standard input's, anything else is the argument's own text in UTF-8. Files and stdin carry
 * payloads of any size, beyond the operating system's limit on an argument list (about 128 KiB),
 * and keep every byte as it is: quotes, newlines, binary. (picocli's own {@code @file} expansion is
 * off for this reason: it would split the file into arguments.)
 */
final class PayloadArg {

    private PayloadArg() {
    }

    /** Reads the payload {@code arg} names; {@code stdin} is read only for {@code -}. */
    static byte[] read(String arg, InputStream stdin) {
        if (arg.equals("-")) {
            try {
                return stdin.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("--payload -: cannot read standard input: " + e.getMessage(), e);
            }
        }
        if (arg.startsWith("@")) {
            Path file = Path.of(arg.substring(1));
            try {
                return Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException("--payload " + arg + ": no such file " + file.toAbsolutePath());
            } catch (IOException e) {
                throw new IllegalArgumentException("--payload " + arg + ": cannot read " + file.toAbsolutePath() + ": " + e);
            }
        }
        return arg.getBytes(StandardCharsets.UTF_8);
    }
}
