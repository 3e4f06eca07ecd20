package io.swmrfacade.system;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The task rows of a closed segment as h5py (Debian's, HDF5 1.10) reads them: task id to status number. */
final class H5pyRows {

    private H5pyRows() {
    }

    static Map<String, Integer> statuses(Path segment) throws Exception {
        String script = String.join("\n",
                "import sys, h5py",
                "with h5py.File(sys.argv[1], 'r') as f:",
                "    for row in f['/sf/tasks'][:]:",
                "        print(row['task_id'].decode(), int(row['status']))");
        Process py = new ProcessBuilder("/usr/bin/python3", "-c", script, segment.toString()).redirectErrorStream(true).start();
        String out = new String(py.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!py.waitFor(60, TimeUnit.SECONDS) || py.exitValue() != 0) {
            throw new IllegalStateException("h5py could not read " + segment + ": " + out);
        }
        Map<String, Integer> rows = new HashMap<>();
        out.lines().filter(l -> !l.isBlank()).forEach(l -> {
            String[] f = l.split(" ");
            rows.put(f[0], Integer.parseInt(f[1]));
        });
        return rows;
    }
}
