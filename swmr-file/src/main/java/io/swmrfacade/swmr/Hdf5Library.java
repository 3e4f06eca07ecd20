package io.swmrfacade.swmr;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.Loader;

/**
 * Loads the HDF Group's Java wrapper ({@code hdf.hdf5lib.H5}) with the native libraries that
 * the {@code org.bytedeco:hdf5} artifact ships, so no system HDF5 is needed.
 *
 * <p>The wrapper looks for {@code libhdf5_java} through the system property
 * {@value #LIBRARY_PROPERTY}; JavaCPP unpacks the natives into its cache, so we point the property
 * at the copy next to the library JavaCPP returns. Idempotent and thread-safe.
 */
public final class Hdf5Library {

    static final String LIBRARY_PROPERTY = "hdf.hdf5lib.H5.hdf5lib";
    private static volatile boolean loaded;

    private Hdf5Library() {
    }

    public static synchronized void load() {
        if (loaded) {
            return;
        }
        String jni = Loader.load(org.bytedeco.hdf5.hdf5_java.class);
        Path wrapper = Path.of(jni).resolveSibling("libhdf5_java.so");
        if (!Files.exists(wrapper)) {
            throw new SwmrFileException("HDF5 Java wrapper not found next to " + jni, null);
        }
        System.setProperty(LIBRARY_PROPERTY, wrapper.toString());
        hdf.hdf5lib.H5.loadH5Lib();
        loaded = true;
    }
}
