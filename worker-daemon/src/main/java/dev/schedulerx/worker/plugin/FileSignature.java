package dev.schedulerx.worker.plugin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a scan remembers of a unit's files to notice a change without reading them: size, modification time
 * and file key (the inode on Linux, so a JAR replaced by a rename is noticed even with the same size and
 * time). Missing files count as absent.
 */
record FileSignature(List<String> files) {
    static final FileSignature ABSENT = new FileSignature(List.of());

    FileSignature {
        files = List.copyOf(files);
    }

    static FileSignature of(PluginUnit unit) {
        List<String> files = new ArrayList<>();
        for (Path path : unit.classPath()) {
            files.add(path.getFileName() + " " + describe(path));
        }
        return new FileSignature(files);
    }

    private static String describe(Path path) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            return attributes.size() + " " + attributes.lastModifiedTime().toMillis() + " "
                    + Objects.toString(attributes.fileKey(), "");
        } catch (IOException e) {
            return "absent";
        }
    }
}
