package io.swmrfacade.swmr;

import java.nio.file.Path;

/** The root of everything that goes wrong with a SWMR file; the message names the file. */
public class SwmrFileException extends RuntimeException {

    private final transient Path file;

    public SwmrFileException(String message, Path file) {
        super(file == null ? message : message + " (file " + file + ")");
        this.file = file;
    }

    public SwmrFileException(String message, Path file, Throwable cause) {
        super((file == null ? message : message + " (file " + file + ")") + ": " + cause.getMessage(), cause);
        this.file = file;
    }

    /** The file concerned, or null when none is. */
    public Path file() {
        return file;
    }
}
