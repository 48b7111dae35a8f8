package dev.schedulerx.worker.plugin;

/** How the plugin package classifies and describes throwables that come out of user code. */
final class Failures {
    private Failures() {}

    /**
     * Tells whether a throwable must not be swallowed: {@link VirtualMachineError}s such as
     * {@link OutOfMemoryError} (but not {@link StackOverflowError}, which only concerns the failing call),
     * and {@link ThreadDeath}.
     */
    @SuppressWarnings("removal")
    static boolean isFatal(Throwable t) {
        return (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) || t instanceof ThreadDeath;
    }

    /** Rethrows {@code t} if {@link #isFatal fatal}. */
    static void rethrowIfFatal(Throwable t) {
        if (isFatal(t)) {
            throw (Error) t;
        }
    }

    /**
     * One-line description of a throwable, used as a FAILED task result and in problem reports.
     *
     * <p>Rule: an {@link Exception} with a non-blank message is described by its message alone, since that is
     * what the processor author wrote for the user; an {@link Error} with a message by {@code
     * SimpleName: message}, since messages of errors ({@code NoClassDefFoundError: com/acme/Foo}) are unclear
     * without their type; anything without a message by its simple class name.
     */
    static String describe(Throwable t) {
        String type = t.getClass().getSimpleName().isEmpty() ? t.getClass().getName() : t.getClass().getSimpleName();
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            return type;
        }
        message = message.strip();
        return t instanceof Error ? type + ": " + message : message;
    }

    /** {@code SimpleName: message} (or just the name), for problem reports where the type helps. */
    static String describeWithType(Throwable t) {
        String type = t.getClass().getSimpleName().isEmpty() ? t.getClass().getName() : t.getClass().getSimpleName();
        String message = t.getMessage();
        return message == null || message.isBlank() ? type : type + ": " + message.strip();
    }
}
