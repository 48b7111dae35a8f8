package dev.schedulerx.worker.plugin.testplugins;

/** Stands for a third-party library of a plugin. */
public final class LibraryHelper {
    private LibraryHelper() {}

    public static String greeting() {
        return "hello from the library";
    }
}
