package dev.ternary.kernels.simd;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector widths every kernel uses, fixed once per JVM so the JIT sees constants.
 *
 * <p>System property {@value #PROPERTY} ({@code 128}, {@code 256} or {@code 512}) forces one width for all kernels;
 * tests use it to check SIMD against scalar at every width. Without it, the streaming kernels use the platform's
 * preferred width, and the table-lookup kernel uses 128 bits: its 16-entry tables map onto one in-lane byte shuffle
 * ({@code pshufb}), while wider byte shuffles cross 128-bit lanes and cost several instructions on x86 without
 * AVX-512 VBMI.
 */
public final class KernelSpecies {
    /** Name of the system property selecting the vector width in bits. */
    public static final String PROPERTY = "ternary.kernels.vectorBits";

    /** The forced width in bits, or 0 when none was asked for. */
    public static final int FORCED_BITS = forcedBits();

    /** Width of the streaming kernels (masked add/subtract, dense). */
    public static final VectorShape SHAPE =
            FORCED_BITS == 0 ? VectorShape.preferredShape() : VectorShape.forBitSize(FORCED_BITS);

    /** Width of the table-lookup kernel's byte shuffles. */
    public static final VectorShape LOOKUP_SHAPE =
            FORCED_BITS == 0 ? VectorShape.S_128_BIT : VectorShape.forBitSize(FORCED_BITS);

    public static final VectorSpecies<Byte> BYTE = ByteVector.SPECIES_MAX.withShape(SHAPE);
    public static final VectorSpecies<Short> SHORT = ShortVector.SPECIES_MAX.withShape(SHAPE);
    public static final VectorSpecies<Integer> INT = IntVector.SPECIES_MAX.withShape(SHAPE);
    public static final VectorSpecies<Long> LONG = LongVector.SPECIES_MAX.withShape(SHAPE);
    public static final VectorSpecies<Float> FLOAT = FloatVector.SPECIES_MAX.withShape(SHAPE);

    public static final VectorSpecies<Byte> LOOKUP_BYTE = ByteVector.SPECIES_MAX.withShape(LOOKUP_SHAPE);

    private KernelSpecies() {}

    private static int forcedBits() {
        VectorModule.require();
        String value = System.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            return 0;
        }
        int bits = Integer.parseInt(value.trim());
        if (bits != 128 && bits != 256 && bits != 512) {
            throw new IllegalArgumentException(PROPERTY + " must be 128, 256 or 512, got " + value);
        }
        return bits;
    }

    /** A one-line description, for benchmark reports. */
    public static String describe() {
        return "vector bits: streaming " + SHAPE.vectorBitSize() + ", lookup " + LOOKUP_SHAPE.vectorBitSize()
                + (FORCED_BITS == 0 ? " (default)" : " (forced by -D" + PROPERTY + ")");
    }
}
