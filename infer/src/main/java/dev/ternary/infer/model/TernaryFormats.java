package dev.ternary.infer.model;

import dev.ternary.convert.InvalidInputException;
import dev.ternary.kernels.format.TernaryFormat;

/** The kernel layouts users can choose by name. */
final class TernaryFormats {
    private TernaryFormats() {}

    static TernaryFormat byName(String name) {
        return switch (name) {
            case "2bit" -> TernaryFormat.TWO_BIT;
            case "base3" -> TernaryFormat.BASE3;
            default -> throw new InvalidInputException("unknown ternary format '" + name + "' (2bit or base3)");
        };
    }
}
