package dev.ternary.cli;

/**
 * The kernels need the incubating Vector API. Without {@code --add-modules jdk.incubator.vector} the JVM cannot
 * even load them, so we say so up front instead of failing with a NoClassDefFoundError deep in a command.
 */
final class VectorModuleCheck {
    static final String MESSAGE = "the Java Vector API is missing: start the JVM with "
            + "--add-modules jdk.incubator.vector (the ./ternary launcher does this)";

    private VectorModuleCheck() {}

    static boolean isPresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }
}
