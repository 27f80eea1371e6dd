package dev.ternary.kernels.simd;

/**
 * Checks once that the incubating Vector API is present, and fails loudly when it is not.
 *
 * <p>Without {@code --add-modules jdk.incubator.vector} the JVM would not even link our kernels; a silent scalar
 * fallback would make every benchmark and every model run several times slower without anyone noticing (the
 * lesson of Lucene's {@code VectorizationProvider}), so we throw with the exact flag to add instead.
 */
public final class VectorModule {
    /** The JVM flag that makes the Vector API visible. */
    public static final String FLAG = "--add-modules jdk.incubator.vector";

    private VectorModule() {}

    /** Whether {@code jdk.incubator.vector} is resolved in the boot layer. */
    public static boolean isPresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /**
     * Throws when the Vector API module is missing.
     *
     * @throws IllegalStateException naming the flag {@value #FLAG}
     */
    public static void require() {
        if (!isPresent()) {
            throw new IllegalStateException(missingMessage());
        }
    }

    /** The message used when the module is missing. */
    public static String missingMessage() {
        return "ternary kernels need the Vector API: start the JVM with '" + FLAG
                + "' (and '--enable-native-access=ALL-UNNAMED'); module jdk.incubator.vector is not resolved";
    }
}
